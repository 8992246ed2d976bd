/*
** runner.h - what the runner of the bad-input matrix (harness.c) and its report (report.c)
** share: the table of cases and their outcomes.
*/
#ifndef AXON_BADINPUT_RUNNER_H
#define AXON_BADINPUT_RUNNER_H

#include <stddef.h>

typedef enum outcome {
    O_OK = 0,
    O_CRASH,        /* died by a signal */
    O_HANG,         /* killed at its time limit */
    O_UNEXPECTED,   /* AXON_OK for an input the header calls invalid */
    O_WRONG_STATUS, /* another error status than the documented one (or AXON_ERR_INTERNAL) */
    O_CONTROL,      /* a valid call failed */
    O_WRONG_RESULT, /* returned, but a value or a side effect is wrong */
    O_SETUP,        /* a fixture could not be made */
    O_EXIT,         /* the process exited by itself (exit() in the library) */
    O_SKIPPED,      /* a fixture the library may refuse was refused: not a finding */
    O_COUNT
} outcome;

typedef struct matrix_case {
    const char *function;
    char *label;
    unsigned expect;
    int timeout_ms;
    int selected;
    outcome outcome;
    int detail;       /* the signal, or the exit code */
    double elapsed_ms;
    char *message;    /* the first telling line the child wrote */
} matrix_case;

extern matrix_case *cases;
extern size_t n_cases;

/* Reads the functions declared in the header; 0 on success. */
int load_header_functions(const char *path);

/* Prints the per-function lines and the summary to stdout and the findings to stderr;
   nonzero when there is a finding or a coverage gap. `only` limits coverage to a function. */
int report(const char *only, double seconds);

#endif
