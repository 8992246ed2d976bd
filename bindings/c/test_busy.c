/*
** test_busy.c - one model used from two threads at once through include/axon.h: every call
** returns AXON_OK or AXON_ERR_BUSY (never a crash), a busy call changes nothing, and with a
** model per thread no call is busy. Built with gcc -std=c99 -Wall -Wextra -Werror -pedantic
** -pthread by run_tests.sh.
*/
#define _POSIX_C_SOURCE 200809L
#include "check.h"

#include <pthread.h>

#define ROUNDS 300

typedef struct {
    axon_model *m;
    axon_optimizer *opt;
    int train; /* 1: train steps, 0: forward passes */
    int ok, busy, other;
} job;

static void *run(void *arg) {
    job *j = arg;
    float xs[8 * 4], ys[8], loss;
    const int64_t sx[2] = {8, 4}, sy[1] = {8};
    axon_tensor *x, *y;
    int i;
    for (i = 0; i < 32; ++i) xs[i] = (float)((i * 7) % 11) / 11.0f - 0.5f;
    for (i = 0; i < 8; ++i) ys[i] = (float)(i % 3);
    x = NULL;
    y = NULL;
    if (axon_tensor_new(&x, xs, 32, sx, 2, 0) != AXON_OK || axon_tensor_new(&y, ys, 8, sy, 1, 0) != AXON_OK) {
        ++j->other;
        return NULL;
    }
    for (i = 0; i < ROUNDS; ++i) {
        axon_status s;
        if (j->train) {
            s = axon_train_step(&loss, j->m, j->opt, "cross_entropy", x, y, 0);
        } else {
            axon_tensor *out = NULL;
            s = axon_model_forward(&out, j->m, x);
            axon_tensor_free(out);
        }
        if (s == AXON_OK) ++j->ok;
        else if (s == AXON_ERR_BUSY) ++j->busy;
        else ++j->other;
    }
    axon_tensor_free(x);
    axon_tensor_free(y);
    return NULL;
}

/* A model and an Adam optimizer over its parameters. */
static void make_model(axon_model **m, axon_optimizer **opt, uint64_t seed) {
    axon_tensor *params[8];
    const char *keys[1] = {"lr"};
    const double values[1] = {0.01};
    size_t i, n;
    CHECK_OK(axon_model_new(m, "linear 4 16; batchnorm1d 16; relu; linear 16 3", seed));
    n = axon_model_parameter_count_tensors(*m);
    for (i = 0; i < n; ++i) CHECK_OK(axon_model_parameter(&params[i], *m, i));
    CHECK_OK(axon_optimizer_new(opt, "adam", params, n, keys, values, 1));
    for (i = 0; i < n; ++i) axon_tensor_free(params[i]);
}

int main(void) {
    axon_model *m = NULL, *m2 = NULL;
    axon_optimizer *opt = NULL, *opt2 = NULL;
    job a, b;
    pthread_t ta, tb;
    make_model(&m, &opt, 1);
    a = (job){m, opt, 1, 0, 0, 0};
    b = (job){m, opt, 0, 0, 0, 0};
    CHECK(pthread_create(&ta, NULL, run, &a) == 0 && pthread_create(&tb, NULL, run, &b) == 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    CHECK(a.other == 0 && b.other == 0);
    CHECK(a.ok + a.busy == ROUNDS && b.ok + b.busy == ROUNDS);
    CHECK(a.ok + b.ok > 0); /* which thread gets in is up to the scheduler */
    printf("test_busy: one model, two threads: %d + %d calls done, %d + %d busy\n", a.ok, b.ok, a.busy, b.busy);
    /* A model per thread: nothing is busy. */
    make_model(&m2, &opt2, 2);
    a = (job){m, opt, 1, 0, 0, 0};
    b = (job){m2, opt2, 1, 0, 0, 0};
    CHECK(pthread_create(&ta, NULL, run, &a) == 0 && pthread_create(&tb, NULL, run, &b) == 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    CHECK(a.ok == ROUNDS && b.ok == ROUNDS && a.busy == 0 && b.busy == 0);
    /* After the threads, the model is free again. */
    {
        axon_tensor *x = NULL, *out = NULL;
        float v[4] = {0, 0, 0, 0};
        const int64_t s[2] = {1, 4};
        CHECK_OK(axon_model_train(m, 0));
        x = make(v, 4, s, 2, 0);
        CHECK_OK(axon_model_forward(&out, m, x));
        axon_tensor_free(out);
        axon_tensor_free(x);
    }
    axon_optimizer_free(opt);
    axon_optimizer_free(opt2);
    axon_model_free(m);
    axon_model_free(m2);
    return report("test_busy");
}
