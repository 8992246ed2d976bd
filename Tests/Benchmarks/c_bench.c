/*
** c_bench.c - W1 and W2 of the side-by-side benchmark through the shipped library's C door
** (libaxon.so, built as bindings/c/run_tests.sh builds it), so bench.py can compare them with
** the dependent Swift package (AxonBench, plain build). Same shapes, hyperparameters and JSON
** output as axon-bench:
**
**   c_bench info
**   c_bench w1 --n N --threads T       sgemm n x n x n through axon_tensor_matmul, GFLOPS
**   c_bench w2 --batch B --threads T [--guarded 1]
**                                      MLP 784-512-512-10 (batchnorm1d, relu, dropout 0.2) from a
**                                      text spec, adam lr 1e-3; ms per step (median). The step is
**                                      axon_train_step_unguarded, the same work as the package's
**                                      loop and PyTorch's; with --guarded 1, axon_train_step, which
**                                      also keeps the weights and the optimizer's state to undo a
**                                      non-finite update (a copy of both each step)
*/
#define _POSIX_C_SOURCE 199309L
#define BENCH_PROGRAM "c_bench"
#include "bench_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_TIMES 100000

static const char *MLP_SPEC =
    "linear 784 512; batchnorm1d 512; relu; dropout 0.2; "
    "linear 512 512; batchnorm1d 512; relu; dropout 0.2; linear 512 10";

static double median(double *values, size_t n) {
    qsort(values, n, sizeof *values, compare);
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

/* The value of option `name` ("--n") in argv, or `fallback`. */
static long option(int argc, char **argv, const char *name, long fallback) {
    int i;
    for (i = 2; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0) return strtol(argv[i + 1], NULL, 10);
    return fallback;
}

static void w1(long n) {
    axon_generator *g = NULL;
    axon_tensor *a = NULL, *b = NULL, *c = NULL;
    const int64_t shape[2] = {n, n};
    long reps = 0;
    int i;
    double start, seconds;
    check(axon_generator_new(&g, 1), "generator");
    check(axon_tensor_randn(&a, g, shape, 2, 0), "randn");
    check(axon_tensor_randn(&b, g, shape, 2, 0), "randn");
    for (i = 0; i < 2; i++) {
        check(axon_tensor_matmul(&c, a, b), "matmul");
        axon_tensor_free(c);
    }
    start = now();
    while (reps < 2 || now() - start < 0.3) {
        check(axon_tensor_matmul(&c, a, b), "matmul");
        axon_tensor_free(c);
        reps++;
    }
    seconds = (now() - start) / (double)reps;
    printf("{\"workload\": \"w1\", \"door\": \"c\", \"n\": %ld, \"threads\": %d, \"gflops\": %.6g, \"reps\": %ld}\n",
           n, axon_get_num_threads(), 2.0 * (double)n * (double)n * (double)n / seconds / 1e9, reps);
    axon_tensor_free(a);
    axon_tensor_free(b);
    axon_generator_free(g);
}

typedef axon_status (*step_fn)(float *, axon_model *, axon_optimizer *, const char *, const axon_tensor *,
                               const axon_tensor *, double);

static void w2(long batch, int guarded) {
    static double times[MAX_TIMES];
    axon_model *m = NULL;
    axon_optimizer *opt = NULL;
    axon_generator *g = NULL;
    axon_tensor *x = NULL, *y = NULL, *params[64];
    const int64_t xshape[2] = {batch, 784}, yshape[1] = {batch};
    const char *keys[] = {"lr"};
    const double values[] = {1e-3};
    size_t n, i, steps = 0;
    float loss = 0;
    double start;
    check(axon_model_new(&m, MLP_SPEC, 0), "model");
    n = axon_model_parameter_count_tensors(m);
    if (n > 64) n = 64;
    for (i = 0; i < n; i++) check(axon_model_parameter(&params[i], m, i), "parameter");
    check(axon_optimizer_new(&opt, "adam", params, n, keys, values, 1), "adam");
    check(axon_generator_new(&g, 0), "generator");
    check(axon_tensor_randn(&x, g, xshape, 2, 0), "randn");
    check(axon_tensor_randint(&y, g, 0, 10, yshape, 1), "randint");
    step_fn step = guarded ? axon_train_step : axon_train_step_unguarded;
    for (i = 0; i < 5; i++) check(step(&loss, m, opt, "cross_entropy", x, y, 0), "train step");
    start = now();
    while ((steps < 20 || now() - start < 0.5) && steps < MAX_TIMES) {
        double t0 = now();
        check(step(&loss, m, opt, "cross_entropy", x, y, 0), "train step");
        times[steps++] = now() - t0;
    }
    printf("{\"workload\": \"w2\", \"door\": \"c\", \"guarded\": %d, \"batch\": %ld, \"threads\": %d, "
           "\"ms_per_step\": %.6g, \"steps\": %zu, \"loss\": %.6g}\n", guarded, batch, axon_get_num_threads(),
           1e3 * median(times, steps), steps, (double)loss);
    for (i = 0; i < n; i++) axon_tensor_free(params[i]);
    axon_tensor_free(x);
    axon_tensor_free(y);
    axon_generator_free(g);
    axon_optimizer_free(opt);
    axon_model_free(m);
}

int main(int argc, char **argv) {
    long threads;
    if (argc < 2) {
        fprintf(stderr, "usage: c_bench info | w1 --n N --threads T | w2 --batch B --threads T [--guarded 1]\n");
        return 2;
    }
    threads = option(argc, argv, "--threads", 0);
    if (threads > 0) check(axon_set_num_threads((int)threads), "set_num_threads");
    if (strcmp(argv[1], "info") == 0) {
        printf("{\"version\": \"%s\", \"cpu_features\": \"%s\", \"threads\": %d}\n", axon_version(),
               axon_cpu_features(), axon_get_num_threads());
    } else if (strcmp(argv[1], "w1") == 0) {
        w1(option(argc, argv, "--n", 1024));
    } else if (strcmp(argv[1], "w2") == 0) {
        w2(option(argc, argv, "--batch", 128), option(argc, argv, "--guarded", 0) != 0);
    } else {
        fprintf(stderr, "c_bench: unknown subcommand %s\n", argv[1]);
        return 2;
    }
    return 0;
}
