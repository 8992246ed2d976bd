/*
** report.c - the functions of include/axon.h (read as check_coverage.sh reads them: every
** identifier axon_* followed by '(' outside comments and preprocessor lines), the coverage
** check, and the report of the bad-input matrix.
*/
#include "harness.h"

#include <ctype.h>
#include <signal.h>

#include "runner.h"

static char **functions = NULL;
static size_t n_functions = 0;

static int is_ident(int c) { return isalnum(c) || c == '_'; }

static void add_function(const char *name, size_t n) {
    size_t i;
    for (i = 0; i < n_functions; ++i) {
        if (strlen(functions[i]) == n && strncmp(functions[i], name, n) == 0) return;
    }
    functions = (char **)realloc(functions, (n_functions + 1) * sizeof *functions);
    functions[n_functions] = (char *)malloc(n + 1);
    memcpy(functions[n_functions], name, n);
    functions[n_functions][n] = 0;
    ++n_functions;
}

int load_header_functions(const char *path) {
    FILE *f = fopen(path, "rb");
    char *text, *p;
    long size;
    if (!f) {
        fprintf(stderr, "bad-input matrix: cannot read %s\n", path);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, 0, SEEK_SET);
    text = (char *)malloc((size_t)size + 1);
    if (fread(text, 1, (size_t)size, f) != (size_t)size) size = 0;
    text[size] = 0;
    fclose(f);
    /* Blank out comments, then preprocessor lines (with their continuations). */
    for (p = text; *p; ++p) {
        if (p[0] == '/' && p[1] == '*') {
            char *e = strstr(p + 2, "*/");
            char *stop = e ? e + 2 : p + strlen(p);
            for (; p < stop; ++p) {
                if (*p != '\n') *p = ' ';
            }
            --p;
        } else if (p[0] == '/' && p[1] == '/') {
            for (; *p && *p != '\n'; ++p) *p = ' ';
            if (!*p) break;
        }
    }
    for (p = text; *p; ++p) {
        char *q = p;
        while (*q == ' ' || *q == '\t') ++q;
        if (*q == '#') {
            for (; *p && !(*p == '\n' && p[-1] != '\\'); ++p) *p = ' ';
        } else {
            while (*p && *p != '\n') ++p;
        }
        if (!*p) break;
    }
    for (p = text; *p; ++p) {
        if (strncmp(p, "axon_", 5) == 0 && (p == text || !is_ident((unsigned char)p[-1]))) {
            char *e = p, *q;
            while (is_ident((unsigned char)*e)) ++e;
            q = e;
            while (isspace((unsigned char)*q)) ++q;
            if (*q == '(') add_function(p, (size_t)(e - p));
            p = e - 1;
        }
    }
    free(text);
    if (n_functions == 0) {
        fprintf(stderr, "bad-input matrix: no functions found in %s\n", path);
        return 1;
    }
    return 0;
}

static const char *const outcome_names[O_COUNT] = {
    "OK", "CRASH", "HANG", "UNEXPECTED SUCCESS", "WRONG STATUS", "CONTROL FAILED", "WRONG RESULT",
    "SETUP FAILED", "EXIT", "SKIPPED",
};

static const char *status_name(int code) {
    static const char *const names[] = {
        "AXON_OK", "AXON_ERR_INVALID_ARGUMENT", "AXON_ERR_SHAPE", "AXON_ERR_STATE", "AXON_ERR_MEMORY",
        "AXON_ERR_IO", "AXON_ERR_FORMAT", "AXON_ERR_INTERNAL", "AXON_ERR_NONFINITE", "AXON_ERR_BUSY",
        "AXON_ERR_CALLBACK",
    };
    if (code >= 0 && code <= LAST_STATUS) return names[code];
    if (code == R_VOID) return "returned";
    return "?";
}

static const char *signal_name(int sig) {
    switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGILL: return "SIGILL";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGTRAP: return "SIGTRAP";
    case SIGKILL: return "SIGKILL";
    case SIGPIPE: return "SIGPIPE";
    case SIGALRM: return "SIGALRM";
    case SIGXCPU: return "SIGXCPU";
    default: return "signal";
    }
}

/* What the case accepted, e.g. "AXON_ERR_SHAPE|AXON_ERR_MEMORY". */
static void expected_text(unsigned expect, char *buf, size_t n) {
    int s;
    buf[0] = 0;
    if ((expect & X_ANY) == X_ANY) {
        snprintf(buf, n, "no crash or hang");
        return;
    }
    for (s = 0; s <= LAST_STATUS; ++s) {
        if (expect & (1u << s)) {
            if (buf[0]) strncat(buf, "|", n - strlen(buf) - 1);
            strncat(buf, status_name(s), n - strlen(buf) - 1);
        }
    }
    if (expect & X_VOID) {
        if (buf[0]) strncat(buf, "|", n - strlen(buf) - 1);
        strncat(buf, "returned, checks held", n - strlen(buf) - 1);
    }
}

static void print_finding(const matrix_case *c) {
    char want[160];
    expected_text(c->expect, want, sizeof want);
    fprintf(stderr, "  %s [%s]: ", c->function, c->label);
    switch (c->outcome) {
    case O_CRASH: fprintf(stderr, "%s (%d)", signal_name(c->detail), c->detail); break;
    case O_HANG: fprintf(stderr, "no return within %.1f s", c->timeout_ms / 1000.0); break;
    case O_UNEXPECTED: fprintf(stderr, "AXON_OK, expected %s", want); break;
    case O_WRONG_STATUS:
    case O_CONTROL: fprintf(stderr, "%s, expected %s", status_name(c->detail), want); break;
    case O_WRONG_RESULT: fprintf(stderr, "returned AXON_OK or a value, but a check failed"); break;
    case O_SETUP: fprintf(stderr, "a fixture could not be made"); break;
    case O_EXIT: fprintf(stderr, "the process exited with status %d", c->detail); break;
    default: break;
    }
    if (c->outcome != O_HANG) fprintf(stderr, " after %.2f s", c->elapsed_ms / 1000);
    if (c->message) fprintf(stderr, " -- %s", c->message);
    fprintf(stderr, "\n");
}

int report(const char *only, double seconds) {
    size_t counts[O_COUNT] = {0};
    size_t i, j, selected = 0, gaps = 0, findings = 0;
    int o;
    for (i = 0; i < n_functions; ++i) {
        size_t per[O_COUNT] = {0}, n = 0, controls = 0;
        if (only && strcmp(functions[i], only) != 0) continue;
        for (j = 0; j < n_cases; ++j) {
            if (!cases[j].selected || strcmp(cases[j].function, functions[i]) != 0) continue;
            ++n;
            ++per[cases[j].outcome];
            controls += (cases[j].expect & X_CONTROL) != 0;
        }
        printf("%-36s cases %3zu  ok %3zu  crash %2zu  hang %2zu  unexpected %2zu  other %2zu  skipped %2zu\n",
               functions[i], n, per[O_OK], per[O_CRASH], per[O_HANG], per[O_UNEXPECTED],
               n - per[O_OK] - per[O_CRASH] - per[O_HANG] - per[O_UNEXPECTED] - per[O_SKIPPED], per[O_SKIPPED]);
        if (n == 0 || controls == 0) {
            fprintf(stderr, "bad-input matrix: %s has %s\n", functions[i], n == 0 ? "no case" : "no control case");
            ++gaps;
        }
    }
    for (j = 0; j < n_cases; ++j) {
        int known = 0;
        for (i = 0; i < n_functions && !known; ++i) known = strcmp(cases[j].function, functions[i]) == 0;
        if (!known && cases[j].selected) {
            fprintf(stderr, "bad-input matrix: case [%s] names %s, which the header does not declare\n",
                    cases[j].label, cases[j].function);
            ++gaps;
        }
        if (!cases[j].selected) continue;
        ++selected;
        ++counts[cases[j].outcome];
    }
    findings = selected - counts[O_OK] - counts[O_SKIPPED];
    if (findings > 0) {
        fprintf(stderr, "bad-input matrix: %zu findings\n", findings);
        for (o = 1; o < O_COUNT; ++o) {
            if (counts[o] == 0 || o == O_SKIPPED) continue;
            fprintf(stderr, "%s (%zu):\n", outcome_names[o], counts[o]);
            for (i = 0; i < n_functions; ++i) {
                for (j = 0; j < n_cases; ++j) {
                    if (cases[j].selected && (int)cases[j].outcome == o && strcmp(cases[j].function, functions[i]) == 0)
                        print_finding(&cases[j]);
                }
            }
        }
    }
    printf("bad-input matrix: %zu functions, %zu cases: %zu ok, %zu crashes, %zu hangs, %zu unexpected successes, "
           "%zu other findings (%zu wrong statuses, %zu failed controls, %zu wrong results, %zu setup failures, "
           "%zu exits), %zu skipped; %.1f s\n",
           only ? (size_t)1 : n_functions, selected, counts[O_OK], counts[O_CRASH], counts[O_HANG],
           counts[O_UNEXPECTED], counts[O_WRONG_STATUS] + counts[O_CONTROL] + counts[O_WRONG_RESULT] +
           counts[O_SETUP] + counts[O_EXIT], counts[O_WRONG_STATUS], counts[O_CONTROL], counts[O_WRONG_RESULT],
           counts[O_SETUP], counts[O_EXIT], counts[O_SKIPPED], seconds);
    return findings > 0 || gaps > 0;
}
