/* Helpers shared by the benchmark's C programs (c_bench.c, w5_polyfit.c). Define
** BENCH_PROGRAM (the program's name, for error messages) before including this file. */
#ifndef AXON_BENCH_UTIL_H
#define AXON_BENCH_UTIL_H

#include "axon.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void check(axon_status status, const char *what) {
    if (status == AXON_OK) return;
    fprintf(stderr, BENCH_PROGRAM ": %s failed: %s (%s)\n", what, axon_status_string(status), axon_last_error());
    exit(1);
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#endif
