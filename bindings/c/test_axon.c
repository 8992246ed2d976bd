/*
** test_axon.c - exercises every function of include/axon.h, including the error paths.
** Built with gcc -std=c99 -Wall -Wextra -Werror -pedantic by run_tests.sh.
*/
#define _POSIX_C_SOURCE 200809L

#include "check.h"

#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Grad mode is per thread: off, no graph is recorded; the previous mode comes back. */
static void test_grad_mode(void) {
    const float v[2] = {1.0f, 2.0f};
    const int64_t shape[1] = {2};
    axon_tensor *x = make(v, 2, shape, 1, 1), *y = NULL;
    CHECK(axon_is_grad_enabled() == 1);
    CHECK(axon_set_grad_enabled(0) == 1);
    CHECK(axon_is_grad_enabled() == 0);
    CHECK_OK(axon_tensor_mul(&y, x, x));
    CHECK(axon_tensor_requires_grad(y) == 0);
    CHECK(axon_set_grad_enabled(1) == 0);
    CHECK(axon_is_grad_enabled() == 1);
    axon_tensor_free(y);
    axon_tensor_free(x);
}

static void test_versions(void) {
    char expected[32];
    CHECK(strcmp(axon_version(), AXON_VERSION) == 0);
    snprintf(expected, sizeof expected, "%d.%d.%d", AXON_VERSION_MAJOR, AXON_VERSION_MINOR,
             AXON_VERSION_PATCH);
    CHECK(strcmp(axon_version(), expected) == 0);
    CHECK(strcmp(axon_version(), "0.1.0") == 0);
    CHECK(AXON_VERSION_NUMBER == 1000);
    CHECK(axon_version_number() == AXON_VERSION_NUMBER);
    CHECK(axon_abi_version() == AXON_ABI_VERSION);
    CHECK(axon_abi_version() == 1);
    CHECK(axon_format_version() == AXON_FORMAT_VERSION);
    CHECK(axon_format_version() == 1);
}

static void test_status_strings(void) {
    int code;
    CHECK(strcmp(axon_status_string(AXON_OK), "ok") == 0);
    CHECK(strcmp(axon_status_string(AXON_ERR_SHAPE), "shape mismatch") == 0);
    CHECK(strcmp(axon_status_string(AXON_ERR_INTERNAL), "internal error") == 0);
    CHECK(strcmp(axon_status_string(AXON_ERR_NONFINITE), "non-finite value") == 0);
    CHECK(strcmp(axon_status_string(AXON_ERR_BUSY), "in use by another thread") == 0);
    CHECK(strcmp(axon_status_string(AXON_ERR_CALLBACK), "a callback failed") == 0);
    for (code = AXON_OK; code <= AXON_ERR_CALLBACK; ++code) {
        const char *s = axon_status_string(code);
        CHECK(s != NULL && s[0] != '\0' && strcmp(s, "unknown status") != 0);
    }
    CHECK(strcmp(axon_status_string(-1), "unknown status") == 0);
    CHECK(strcmp(axon_status_string(11), "unknown status") == 0);
    CHECK(strcmp(axon_status_string(1 << 30), "unknown status") == 0);
}

static void test_create_and_read(void) {
    const float data[6] = {1, 2, 3, 4, 5, 6};
    const int64_t shape[2] = {2, 3};
    int64_t got[2] = {-7, -7};
    float out[6];
    axon_tensor *t = make(data, 6, shape, 2, 0);
    axon_tensor *scalar;
    axon_tensor *empty;
    const float three = 3;
    const int64_t zero_dim[2] = {0, 4};

    CHECK(axon_tensor_rank(t) == 2);
    CHECK(axon_tensor_numel(t) == 6);
    CHECK(axon_tensor_requires_grad(t) == 0);
    CHECK_OK(axon_tensor_shape(t, got, 2));
    CHECK(got[0] == 2 && got[1] == 3);
    CHECK_OK(axon_tensor_copy_data(t, out, 6));
    CHECK(memcmp(out, data, sizeof data) == 0);
    CHECK(holds(t, data, 6));

    /* Capacity too small, NULL outputs, NULL handles. */
    CHECK_STATUS(axon_tensor_shape(t, got, 1), AXON_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("capacity 1");
    CHECK_STATUS(axon_tensor_shape(t, NULL, 2), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_copy_data(t, out, 5), AXON_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("capacity 5");
    CHECK_STATUS(axon_tensor_copy_data(t, NULL, 6), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_shape(NULL, got, 2), AXON_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("axon_tensor_shape: t is NULL");
    CHECK_STATUS(axon_tensor_copy_data(NULL, out, 6), AXON_ERR_INVALID_ARGUMENT);
    CHECK(axon_tensor_rank(NULL) == 0);
    CHECK(axon_tensor_numel(NULL) == 0);
    CHECK(axon_tensor_requires_grad(NULL) == 0);
    axon_tensor_free(t);

    /* A scalar: rank 0, shape may be NULL, one element. */
    scalar = make(&three, 1, NULL, 0, 1);
    CHECK(axon_tensor_rank(scalar) == 0);
    CHECK(axon_tensor_numel(scalar) == 1);
    CHECK(axon_tensor_requires_grad(scalar) == 1);
    CHECK_OK(axon_tensor_shape(scalar, NULL, 0));
    CHECK(holds(scalar, &three, 1));
    axon_tensor_free(scalar);

    /* An empty tensor: data may be NULL. */
    empty = make(NULL, 0, zero_dim, 2, 0);
    CHECK(axon_tensor_numel(empty) == 0);
    CHECK(has_shape(empty, zero_dim, 2));
    CHECK_OK(axon_tensor_copy_data(empty, NULL, 0));
    axon_tensor_free(empty);
}

/* axon_tensor_data: a view of the storage that sees updates and is shared by reshapes. */
static void test_data_view(void) {
    const float v[4] = {1, 2, 3, 4};
    const int64_t s[1] = {4}, s2[2] = {2, 2};
    axon_tensor *t = make(v, 4, s, 1, 0), *r = NULL, *empty = NULL;
    float *p = NULL, *q = NULL;
    CHECK_OK(axon_tensor_data(&p, t));
    CHECK(p != NULL && p[0] == 1.0f && p[3] == 4.0f);
    CHECK_OK(axon_tensor_fill_(t, 7.0f));
    CHECK(p[2] == 7.0f); /* the view sees the update */
    p[1] = -1.0f;        /* and writes through */
    {
        float back[4];
        CHECK_OK(axon_tensor_copy_data(t, back, 4));
        CHECK(back[1] == -1.0f && back[0] == 7.0f);
    }
    CHECK_OK(axon_tensor_reshape(&r, t, s2, 2));
    CHECK_OK(axon_tensor_data(&q, r));
    CHECK(q == p); /* a reshape shares the storage */
    axon_tensor_free(t);
    CHECK(q[1] == -1.0f); /* valid while a tensor sharing the storage lives */
    axon_tensor_free(r);
    CHECK_OK(axon_tensor_zeros(&empty, s, 0, 0)); /* rank 0: one element */
    CHECK_OK(axon_tensor_data(&p, empty));
    CHECK(p != NULL && p[0] == 0.0f);
    axon_tensor_free(empty);
    p = (float *)1;
    CHECK_STATUS(axon_tensor_data(&p, NULL), AXON_ERR_INVALID_ARGUMENT);
    CHECK(p == NULL);
    CHECK_STATUS(axon_tensor_data(NULL, t), AXON_ERR_INVALID_ARGUMENT);
}

static void test_constructor_errors(void) {
    const float data[6] = {1, 2, 3, 4, 5, 6};
    const int64_t shape[2] = {2, 3};
    const int64_t negative[2] = {2, -3};
    const int64_t big[2] = {INT64_C(1) << 40, INT64_C(1) << 40};
    int64_t deep[AXON_MAX_RANK + 1];
    float many[1] = {1};
    axon_tensor *t = (axon_tensor *)&failures; /* must be overwritten with NULL on failure */
    size_t i;

    CHECK_STATUS(axon_tensor_new(NULL, data, 6, shape, 2, 0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("out is NULL");
    CHECK(strstr(axon_last_error(), "axon_tensor_new") != NULL);

    CHECK_STATUS(axon_tensor_new(&t, data, 5, shape, 2, 0), AXON_ERR_SHAPE);
    CHECK(t == NULL);
    CHECK_ERROR_MENTIONS("[2, 3]");
    CHECK_STATUS(axon_tensor_new(&t, data, 6, NULL, 2, 0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("shape is NULL");
    CHECK_STATUS(axon_tensor_new(&t, NULL, 6, shape, 2, 0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("data is NULL");
    CHECK_STATUS(axon_tensor_new(&t, data, 6, negative, 2, 0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("-3");
    CHECK_STATUS(axon_tensor_new(&t, data, (size_t)-1, shape, 2, 0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("negative");
    CHECK_STATUS(axon_tensor_new(&t, data, 6, shape, (size_t)-1, 0), AXON_ERR_INVALID_ARGUMENT);
    for (i = 0; i < AXON_MAX_RANK + 1; ++i) deep[i] = 1;
    CHECK_STATUS(axon_tensor_new(&t, many, 1, deep, AXON_MAX_RANK + 1, 0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("rank 17");
    CHECK(t == NULL);
    /* The largest rank is fine. */
    CHECK_OK(axon_tensor_new(&t, many, 1, deep, AXON_MAX_RANK, 0));
    CHECK(axon_tensor_rank(t) == AXON_MAX_RANK);
    axon_tensor_free(t);
    /* A shape whose element count overflows is reported, not allocated. */
    CHECK_STATUS(axon_tensor_new(&t, many, 1, big, 2, 0), AXON_ERR_MEMORY);
    CHECK(t == NULL);
}

static void test_arithmetic(void) {
    const float a_data[6] = {1, 2, 3, 4, 5, 6};
    const float b_data[3] = {10, 20, 30};
    const int64_t s23[2] = {2, 3};
    const int64_t s3[1] = {3};
    const int64_t s2[1] = {2};
    const int64_t s32[2] = {3, 2};
    const int64_t s22[2] = {2, 2};
    axon_tensor *a = make(a_data, 6, s23, 2, 0);
    axon_tensor *b = make(b_data, 3, s3, 1, 0);
    axon_tensor *c = make(a_data, 2, s2, 1, 0);
    axon_tensor *m = make(a_data, 6, s32, 2, 0);
    axon_tensor *r = NULL;
    const float sum_ab[6] = {11, 22, 33, 14, 25, 36};
    const float sub_ab[6] = {-9, -18, -27, -6, -15, -24};
    const float mul_ab[6] = {10, 40, 90, 40, 100, 180};
    /* [[1,2,3],[4,5,6]] x [[1,2],[3,4],[5,6]] */
    const float mm[4] = {22, 28, 49, 64};
    const float total = 21;
    const float mv[2] = {140, 320};

    CHECK_OK(axon_tensor_add(&r, a, b)); /* broadcast [2,3] + [3] */
    CHECK(has_shape(r, s23, 2) && holds(r, sum_ab, 6));
    axon_tensor_free(r);
    CHECK_OK(axon_tensor_sub(&r, a, b));
    CHECK(holds(r, sub_ab, 6));
    axon_tensor_free(r);
    CHECK_OK(axon_tensor_mul(&r, a, b));
    CHECK(holds(r, mul_ab, 6));
    axon_tensor_free(r);
    CHECK_OK(axon_tensor_matmul(&r, a, m));
    CHECK(has_shape(r, s22, 2) && holds(r, mm, 4));
    axon_tensor_free(r);
    CHECK_OK(axon_tensor_matmul(&r, a, b)); /* matrix x vector */
    CHECK(has_shape(r, s2, 1) && holds(r, mv, 2));
    axon_tensor_free(r);
    CHECK_OK(axon_tensor_sum(&r, a));
    CHECK(axon_tensor_rank(r) == 0 && holds(r, &total, 1));
    axon_tensor_free(r);

    /* Shape mismatch: status, *out NULL, and a message that names the shapes. */
    r = a;
    CHECK_STATUS(axon_tensor_add(&r, b, c), AXON_ERR_SHAPE);
    CHECK(r == NULL);
    CHECK(axon_last_error()[0] != '\0');
    CHECK_ERROR_MENTIONS("[3]");
    CHECK_ERROR_MENTIONS("[2]");
    CHECK_STATUS(axon_tensor_sub(&r, a, c), AXON_ERR_SHAPE);
    CHECK_ERROR_MENTIONS("[2, 3]");
    CHECK_STATUS(axon_tensor_mul(&r, c, b), AXON_ERR_SHAPE);
    CHECK_STATUS(axon_tensor_matmul(&r, a, a), AXON_ERR_SHAPE);
    CHECK_ERROR_MENTIONS("[2, 3]");

    /* NULL out pointers and NULL handles. */
    CHECK_STATUS(axon_tensor_add(NULL, a, b), AXON_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("axon_tensor_add: out is NULL");
    CHECK_STATUS(axon_tensor_sub(NULL, a, b), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_mul(NULL, a, b), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_matmul(NULL, a, m), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_sum(NULL, a), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_add(&r, NULL, b), AXON_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("a is NULL");
    CHECK_STATUS(axon_tensor_add(&r, a, NULL), AXON_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("b is NULL");
    CHECK_STATUS(axon_tensor_matmul(&r, NULL, m), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_sum(&r, NULL), AXON_ERR_INVALID_ARGUMENT);
    CHECK(r == NULL);

    /* A successful call leaves the last message in place. */
    CHECK_OK(axon_tensor_sum(&r, a));
    CHECK_ERROR_MENTIONS("axon_tensor_sum: a is NULL");
    axon_tensor_free(r);

    axon_tensor_free(a);
    axon_tensor_free(b);
    axon_tensor_free(c);
    axon_tensor_free(m);
}

static void test_gradients(void) {
    const float x_data[4] = {1, -2, 3, 0.5f};
    const float twice[4] = {2, -4, 6, 1};
    const float four_times[4] = {4, -8, 12, 2};
    const int64_t s4[1] = {4};
    axon_tensor *x = make(x_data, 4, s4, 1, 1);
    axon_tensor *c = make(x_data, 4, s4, 1, 0);
    axon_tensor *y = NULL, *loss = NULL, *g = NULL, *g2 = NULL, *cy = NULL;

    g = x; /* no backward yet: AXON_OK and NULL */
    CHECK_OK(axon_tensor_grad(&g, x));
    CHECK(g == NULL);

    /* d/dx sum(x * x) = 2x */
    CHECK_OK(axon_tensor_mul(&y, x, x));
    CHECK(axon_tensor_requires_grad(y) == 1);
    CHECK_OK(axon_tensor_sum(&loss, y));
    CHECK_STATUS(axon_tensor_backward(y), AXON_ERR_SHAPE); /* not a scalar */
    CHECK_OK(axon_tensor_backward(loss));
    CHECK_STATUS(axon_tensor_backward(loss), AXON_ERR_STATE); /* the graph is released */
    CHECK_ERROR_MENTIONS("already freed");
    CHECK_OK(axon_tensor_grad(&g, x));
    CHECK(has_shape(g, s4, 1) && holds(g, twice, 4));
    /* Inputs may be freed before the results that depend on them. */
    axon_tensor_free(y);
    axon_tensor_free(loss);

    /* A second pass accumulates; the handle taken earlier keeps its values. */
    CHECK_OK(axon_tensor_mul(&y, x, x));
    CHECK_OK(axon_tensor_sum(&loss, y));
    CHECK_OK(axon_tensor_backward(loss));
    CHECK_OK(axon_tensor_grad(&g2, x));
    CHECK(holds(g2, four_times, 4));
    CHECK(holds(g, twice, 4));
    axon_tensor_free(g2);
    axon_tensor_free(y);
    axon_tensor_free(loss);

    /* zero_grad drops the gradient; the old handle stays valid. */
    CHECK_OK(axon_tensor_zero_grad(x));
    CHECK_OK(axon_tensor_grad(&g2, x));
    CHECK(g2 == NULL);
    CHECK(holds(g, twice, 4));
    axon_tensor_free(g);

    /* backward on a tensor that does not require grad. */
    CHECK_OK(axon_tensor_sum(&cy, c));
    CHECK(axon_tensor_requires_grad(cy) == 0);
    CHECK_STATUS(axon_tensor_backward(cy), AXON_ERR_STATE);
    CHECK(axon_last_error()[0] != '\0');
    axon_tensor_free(cy);

    /* NULL arguments. */
    CHECK_STATUS(axon_tensor_backward(NULL), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_grad(NULL, x), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_grad(&g, NULL), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_zero_grad(NULL), AXON_ERR_INVALID_ARGUMENT);

    axon_tensor_free(x);
    axon_tensor_free(c);
}

static void test_free(void) {
    const float one = 1;
    axon_tensor *t = make(&one, 1, NULL, 0, 0);
    axon_tensor *r = NULL;
    axon_tensor_free(NULL);
    axon_tensor_free(t);
    /* Best effort: a freed handle is detected while its address is not reused. */
    axon_tensor_free(t);
    CHECK_STATUS(axon_tensor_sum(&r, t), AXON_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("not a live axon_tensor");
    CHECK(axon_tensor_numel(t) == 0);
    /* A pointer that never was a handle. */
    CHECK_STATUS(axon_tensor_sum(&r, (const axon_tensor *)&one), AXON_ERR_INVALID_ARGUMENT);
}

/* ---- Per-thread errors ---------------------------------------------------------------- */

#define THREADS 4
#define ROUNDS 200

static pthread_barrier_t barrier;

struct thread_result {
    int index;
    int bad; /* number of rounds where the thread saw a message that was not its own */
    int fresh_was_empty;
};

static void *thread_main(void *arg) {
    struct thread_result *res = (struct thread_result *)arg;
    float data[THREADS + 6] = {0}; /* room for the largest tensor, [THREADS - 1 + 6] */
    int64_t shape_a[1], shape_b[1];
    char mine[64];
    axon_tensor *a = NULL, *b = NULL, *r = NULL;
    int round;

    res->fresh_was_empty = strcmp(axon_last_error(), "") == 0;
    /* Thread i adds [i + 2] and [i + 6]: a mismatch whose message names its own shapes. */
    shape_a[0] = res->index + 2;
    shape_b[0] = res->index + 6;
    snprintf(mine, sizeof mine, "[%d] and [%d]", res->index + 2, res->index + 6);
    if (axon_tensor_new(&a, data, (size_t)shape_a[0], shape_a, 1, 0) != AXON_OK ||
        axon_tensor_new(&b, data, (size_t)shape_b[0], shape_b, 1, 0) != AXON_OK) {
        res->bad = ROUNDS;
        return NULL;
    }
    pthread_barrier_wait(&barrier);
    for (round = 0; round < ROUNDS; ++round) {
        if (axon_tensor_add(&r, a, b) != AXON_ERR_SHAPE || r != NULL) ++res->bad;
        sched_yield();
        if (strstr(axon_last_error(), mine) == NULL) ++res->bad;
    }
    axon_tensor_free(a);
    axon_tensor_free(b);
    return NULL;
}

static void test_threads(void) {
    pthread_t threads[THREADS];
    struct thread_result results[THREADS];
    int i;
    CHECK(pthread_barrier_init(&barrier, NULL, THREADS) == 0);
    for (i = 0; i < THREADS; ++i) {
        results[i].index = i;
        results[i].bad = 0;
        results[i].fresh_was_empty = 0;
        CHECK(pthread_create(&threads[i], NULL, thread_main, &results[i]) == 0);
    }
    for (i = 0; i < THREADS; ++i) {
        CHECK(pthread_join(threads[i], NULL) == 0);
        CHECK(results[i].bad == 0);
        CHECK(results[i].fresh_was_empty);
    }
    pthread_barrier_destroy(&barrier);
}

/* The runtime settings and queries: thread count, CPU features, live handles. */
static void test_runtime(void) {
    int threads = axon_get_num_threads();
    size_t before = 0, after = 0, tensors = 0;
    axon_tensor *t = NULL;
    const float one = 1;
    const int64_t shape1[1] = {1};

    CHECK(threads >= 1);
    CHECK_OK(axon_set_num_threads(1));
    CHECK(axon_get_num_threads() == 1);
    CHECK_STATUS(axon_set_num_threads(0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_set_num_threads(257), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_set_num_threads(-3), AXON_ERR_INVALID_ARGUMENT);
    CHECK(axon_get_num_threads() == 1);
    CHECK_OK(axon_set_num_threads(threads));

    CHECK(axon_cpu_features() != NULL);
    CHECK(strstr(axon_cpu_features(), "kernels=") != NULL);

    CHECK_OK(axon_live_handles(&before, NULL));
    CHECK_OK(axon_tensor_new(&t, &one, 1, shape1, 1, 0));
    CHECK_OK(axon_live_handles(&after, NULL));
    CHECK(after == before + 1);
    CHECK_OK(axon_live_handles(&tensors, "axon_tensor"));
    CHECK(tensors >= 1);
    axon_tensor_free(t);
    CHECK_OK(axon_live_handles(&after, NULL));
    CHECK(after == before);
    CHECK_STATUS(axon_live_handles(&after, "axon_nothing"), AXON_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("axon_tensor");
    CHECK_STATUS(axon_live_handles(NULL, NULL), AXON_ERR_INVALID_ARGUMENT);
}

int main(void) {
    /* Before any failure on this thread the message is "", never NULL. */
    CHECK(axon_last_error() != NULL);
    CHECK(strcmp(axon_last_error(), "") == 0);

    test_versions();
    test_grad_mode();
    test_status_strings();
    test_create_and_read();
    test_constructor_errors();
    test_data_view();
    test_arithmetic();
    test_gradients();
    test_free();
    test_threads();
    test_runtime();

    return report("test_axon");
}
