/*
** check.h - the check macros and tensor helpers the C tests share (test code only; not
** part of the API). Each test program counts its own checks.
*/
#ifndef AXON_TEST_CHECK_H
#define AXON_TEST_CHECK_H

#include "axon.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;
static int checks = 0;

#define CHECK(cond)                                                             \
    do {                                                                        \
        ++checks;                                                               \
        if (!(cond)) {                                                          \
            ++failures;                                                         \
            fprintf(stderr, "%s:%d: CHECK failed: %s (last error: \"%s\")\n",   \
                    __FILE__, __LINE__, #cond, axon_last_error());              \
        }                                                                       \
    } while (0)

#define CHECK_OK(call) CHECK((call) == AXON_OK)
#define CHECK_STATUS(call, status) CHECK((call) == (status))
#define CHECK_ERROR_MENTIONS(text) CHECK(strstr(axon_last_error(), (text)) != NULL)

/* A new tensor, or NULL (and a failed check). */
static inline axon_tensor *make(const float *data, size_t count, const int64_t *shape, size_t rank, int grad) {
    axon_tensor *t = NULL;
    CHECK_OK(axon_tensor_new(&t, data, count, shape, rank, grad));
    CHECK(t != NULL);
    return t;
}

/* Whether `t` holds `expected[0..n)` within `tol`. */
static inline int near(const axon_tensor *t, const float *expected, size_t n, float tol) {
    float buf[256];
    size_t i;
    if (n > 256 || axon_tensor_numel(t) != n) return 0;
    if (axon_tensor_copy_data(t, buf, 256) != AXON_OK) return 0;
    for (i = 0; i < n; ++i) {
        if (!(fabsf(buf[i] - expected[i]) <= tol)) return 0;
    }
    return 1;
}

/* Whether `t` holds `expected[0..n)` to 1e-5. */
static inline int holds(const axon_tensor *t, const float *expected, size_t n) { return near(t, expected, n, 1e-5f); }

/* Whether `t` has shape `expected[0..rank)`. */
static inline int has_shape(const axon_tensor *t, const int64_t *expected, size_t rank) {
    int64_t buf[AXON_MAX_RANK];
    size_t i;
    if (axon_tensor_rank(t) != rank) return 0;
    if (axon_tensor_shape(t, buf, AXON_MAX_RANK) != AXON_OK) return 0;
    for (i = 0; i < rank; ++i) {
        if (buf[i] != expected[i]) return 0;
    }
    return 1;
}

/* ---- Models (test_model.c, test_checkpoint.c) ---------------------------------------------- */

#define N_SAMPLES 200

/* N_SAMPLES points of two classes split by the line 2 a - b = 0.3, from a small LCG. */
static inline void make_problem(float *features, float *targets, uint32_t seed) {
    int i;
    for (i = 0; i < N_SAMPLES; ++i) {
        float a, b;
        seed = seed * 1664525u + 1013904223u;
        a = (float)(seed >> 8) / 16777216.0f * 4 - 2;
        seed = seed * 1664525u + 1013904223u;
        b = (float)(seed >> 8) / 16777216.0f * 4 - 2;
        features[2 * i] = a;
        features[2 * i + 1] = b;
        targets[i] = 2 * a - b > 0.3f ? 1.0f : 0.0f;
    }
}

/* The fraction of rows of `x` that `m` (in eval mode) classifies as `y` says. */
static inline double accuracy(axon_model *m, const axon_tensor *x, const float *targets) {
    axon_tensor *out = NULL;
    float logits[2 * N_SAMPLES];
    int i, correct = 0;
    CHECK_OK(axon_model_train(m, 0));
    CHECK_OK(axon_model_forward(&out, m, x));
    CHECK_OK(axon_tensor_copy_data(out, logits, 2 * N_SAMPLES));
    axon_tensor_free(out);
    CHECK_OK(axon_model_train(m, 1));
    for (i = 0; i < N_SAMPLES; ++i) {
        float predicted = logits[2 * i + 1] > logits[2 * i] ? 1.0f : 0.0f;
        correct += predicted == targets[i];
    }
    return (double)correct / N_SAMPLES;
}

/* Every parameter of `m` as a new array of handles (free with free_all). */
static inline axon_tensor **parameters(const axon_model *m, size_t *n) {
    size_t i;
    axon_tensor **params;
    *n = axon_model_parameter_count_tensors(m);
    params = (axon_tensor **)calloc(*n, sizeof *params);
    for (i = 0; i < *n; ++i) CHECK_OK(axon_model_parameter(&params[i], m, i));
    return params;
}

static inline void free_all(axon_tensor **ts, size_t n) {
    size_t i;
    for (i = 0; i < n; ++i) axon_tensor_free(ts[i]);
    free(ts);
}

/* Prints the tally of program `name`; the exit status of main. */
/* The end of a test program: every handle it made must have been freed. */
static inline int report(const char *name) {
    size_t live = 0;
    CHECK_OK(axon_live_handles(&live, NULL));
    if (live != 0) {
        fprintf(stderr, "%s: %zu handles were not freed\n", name, live);
        ++failures;
    }
    if (failures != 0) {
        fprintf(stderr, "%s: %d of %d checks failed\n", name, failures, checks);
        return EXIT_FAILURE;
    }
    printf("%s: all %d checks passed\n", name, checks);
    return EXIT_SUCCESS;
}

/* The parameters and buffers of `m`, concatenated into `out` (room for `capacity` floats);
** their count. */
static inline size_t state_values(const axon_model *m, float *out, size_t capacity) {
    size_t i, n = 0, count = axon_model_state_count(m);
    for (i = 0; i < count; ++i) {
        axon_tensor *t = NULL;
        CHECK_OK(axon_model_state_tensor(&t, m, i));
        if (t != NULL && n + axon_tensor_numel(t) <= capacity) {
            CHECK_OK(axon_tensor_copy_data(t, out + n, capacity - n));
        }
        n += axon_tensor_numel(t);
        axon_tensor_free(t);
    }
    return n;
}

#endif
