/*
** w5_polyfit.c - W5 of the side-by-side benchmark through the shipped library's C door: fit
** y = a + b x + c x^2 + d x^3 to sin(x) on 2000 points of [-pi, pi] with plain autograd and SGD
** written by hand (in-place updates under no-grad, lr 1e-6), as bindings/c/examples/polyfit.c and
** torch_bench.py's w5: 2000 iterations, the first 50 a warm-up, so the coefficients can be compared
** with PyTorch's. Prints microseconds per iteration (median of the timed ones) as one JSON line.
**
**   w5_polyfit [--threads T] [--iterations N]
*/
#define _POSIX_C_SOURCE 199309L
#define BENCH_PROGRAM "w5_polyfit"
#include "bench_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define POINTS 2000
#define PI 3.14159265358979323846
#define MAX_TIMES 1000000

static axon_tensor *x, *y, *p[4];

/* One iteration: loss = sum((a + b x + c x^2 + d x^3 - y)^2), backward, p -= 1e-6 grad, zero grad. */
static void step(void) {
    axon_tensor *t[11] = {NULL};
    int k;
    check(axon_tensor_pow(&t[0], x, 2), "pow");
    check(axon_tensor_pow(&t[1], x, 3), "pow");
    check(axon_tensor_mul(&t[2], p[1], x), "mul");
    check(axon_tensor_mul(&t[3], p[2], t[0]), "mul");
    check(axon_tensor_mul(&t[4], p[3], t[1]), "mul");
    check(axon_tensor_add(&t[5], p[0], t[2]), "add");
    check(axon_tensor_add(&t[6], t[5], t[3]), "add");
    check(axon_tensor_add(&t[7], t[6], t[4]), "add");
    check(axon_tensor_sub(&t[8], t[7], y), "sub");
    check(axon_tensor_pow(&t[9], t[8], 2), "pow");
    check(axon_tensor_sum(&t[10], t[9]), "sum");
    check(axon_tensor_backward(t[10]), "backward");
    axon_set_grad_enabled(0);
    for (k = 0; k < 4; ++k) {
        axon_tensor *g = NULL;
        check(axon_tensor_grad(&g, p[k]), "grad");
        check(axon_tensor_sub_(p[k], g, 1e-6f), "sub_");
        check(axon_tensor_zero_grad(p[k]), "zero_grad");
        axon_tensor_free(g);
    }
    axon_set_grad_enabled(1);
    for (k = 0; k < 11; ++k) axon_tensor_free(t[k]);
}

int main(int argc, char **argv) {
    static float xs[POINTS], ys[POINTS];
    static double times[MAX_TIMES];
    const float start_values[4] = {-0.5f, 0.8f, 0.3f, -0.1f};
    const int64_t shape[1] = {POINTS}, scalar[1] = {0};
    long iterations = 2000, threads = 0, n = 0;
    int i, k;
    float got[4];

    for (i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--threads") == 0) threads = strtol(argv[i + 1], NULL, 10);
        if (strcmp(argv[i], "--iterations") == 0) iterations = strtol(argv[i + 1], NULL, 10);
    }
    if (threads > 0) check(axon_set_num_threads((int)threads), "set_num_threads");
    check(axon_tensor_linspace(&x, (float)-PI, (float)PI, POINTS, 0), "linspace");
    check(axon_tensor_copy_data(x, xs, POINTS), "x");
    for (i = 0; i < POINTS; ++i) ys[i] = sinf(xs[i]);
    check(axon_tensor_new(&y, ys, POINTS, shape, 1, 0), "y");
    for (k = 0; k < 4; ++k) check(axon_tensor_new(&p[k], &start_values[k], 1, scalar, 0, 1), "parameter");

    if (iterations <= 50 || iterations - 50 > MAX_TIMES) {
        fprintf(stderr, "w5_polyfit: --iterations must be in 51...%d\n", MAX_TIMES + 50);
        return 2;
    }
    for (i = 0; i < iterations; ++i) { /* the first 50 are the warm-up */
        double t0 = now();
        step();
        if (i >= 50) times[n++] = now() - t0;
    }
    qsort(times, (size_t)n, sizeof *times, compare);
    for (k = 0; k < 4; ++k) check(axon_tensor_copy_data(p[k], &got[k], 1), "read");
    printf("{\"workload\": \"w5\", \"door\": \"c\", \"threads\": %d, \"us_per_iteration\": %.6g, "
           "\"iterations\": %ld, \"coefficients\": [%.6g, %.6g, %.6g, %.6g]}\n", axon_get_num_threads(),
           1e6 * (n % 2 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2), n, got[0], got[1], got[2], got[3]);
    for (k = 0; k < 4; ++k) axon_tensor_free(p[k]);
    axon_tensor_free(x);
    axon_tensor_free(y);
    return 0;
}
