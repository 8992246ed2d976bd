/*
** test_checkpoint.c - training checkpoints through include/axon.h: a paused and resumed run
** equals an uninterrupted one to the bit. Built with gcc -std=c99 -Wall -Wextra -Werror
** -pedantic by run_tests.sh.
*/
#define _POSIX_C_SOURCE 200809L

#include "check.h"

#include <unistd.h>

/* A run of 2 x 20 steps with a checkpoint in between equals 40 steps without a pause, to the
** bit: model (BatchNorm statistics, dropout stream), Adam's moments and the schedule. */
static void make_run(axon_model **m, axon_optimizer **opt, axon_scheduler **sched, uint64_t seed) {
    const char *keys[2] = {"lr", "amsgrad"}, *skeys[2] = {"step_size", "gamma"};
    const double values[2] = {0.02, 1}, svalues[2] = {7, 0.5};
    axon_tensor **params;
    size_t n;
    CHECK_OK(axon_model_new(m, "linear 2 16; batchnorm1d 16; relu; dropout 0.3; linear 16 2", seed));
    params = parameters(*m, &n);
    CHECK_OK(axon_optimizer_new(opt, "adam", params, n, keys, values, 2));
    free_all(params, n);
    CHECK_OK(axon_scheduler_new(sched, *opt, "step", skeys, svalues, 2));
}

static void train(axon_model *m, axon_optimizer *opt, axon_scheduler *sched, const axon_tensor *x, const axon_tensor *y,
                  int steps) {
    float loss;
    int i;
    for (i = 0; i < steps; ++i) {
        CHECK_OK(axon_train_step(&loss, m, opt, "cross_entropy", x, y, 0));
        CHECK_OK(axon_scheduler_step(sched));
    }
}

static int same_parameters(const axon_model *a, const axon_model *b) {
    size_t i, n = axon_model_state_count(a);
    int same = n == axon_model_state_count(b);
    for (i = 0; same && i < n; ++i) {
        axon_tensor *ta = NULL, *tb = NULL;
        float va[64], vb[64];
        size_t k = 0;
        CHECK_OK(axon_model_state_tensor(&ta, a, i));
        CHECK_OK(axon_model_state_tensor(&tb, b, i));
        k = axon_tensor_numel(ta);
        same = k <= 64 && k == axon_tensor_numel(tb) && axon_tensor_copy_data(ta, va, 64) == AXON_OK &&
               axon_tensor_copy_data(tb, vb, 64) == AXON_OK && memcmp(va, vb, k * sizeof(float)) == 0;
        axon_tensor_free(ta);
        axon_tensor_free(tb);
    }
    return same;
}

static void test_checkpoint_resume(void) {
    static float features[2 * N_SAMPLES], targets[N_SAMPLES];
    const int64_t sx[2] = {N_SAMPLES, 2}, sy[1] = {N_SAMPLES};
    axon_model *straight, *paused, *resumed;
    axon_optimizer *o1, *o2, *o3;
    axon_scheduler *s1, *s2, *s3;
    axon_tensor *x, *y;
    char path[64];
    double lr1 = 0, lr3 = 0;

    make_problem(features, targets, 5);
    x = make(features, 2 * N_SAMPLES, sx, 2, 0);
    y = make(targets, N_SAMPLES, sy, 1, 0);
    snprintf(path, sizeof path, "/tmp/axon_test_checkpoint_%ld.axon", (long)getpid());
    make_run(&straight, &o1, &s1, 3);
    train(straight, o1, s1, x, y, 40);
    make_run(&paused, &o2, &s2, 3);
    train(paused, o2, s2, x, y, 20);
    CHECK_OK(axon_checkpoint_save(path, paused, o2, s2));
    make_run(&resumed, &o3, &s3, 99); /* other initial weights and streams: restored below */
    CHECK(!same_parameters(resumed, paused));
    CHECK_OK(axon_checkpoint_restore(path, resumed, o3, s3));
    CHECK(same_parameters(resumed, paused));
    train(resumed, o3, s3, x, y, 20);
    CHECK(same_parameters(resumed, straight));
    CHECK_OK(axon_optimizer_get_lr(&lr1, o1, 0));
    CHECK_OK(axon_optimizer_get_lr(&lr3, o3, 0));
    CHECK(lr1 == lr3 && lr1 == 0.02 * 0.5 * 0.5 * 0.5 * 0.5 * 0.5);

    /* Errors: no file, NULL path, a model of another shape. */
    CHECK_STATUS(axon_checkpoint_restore("/nonexistent/x.axon", resumed, o3, s3), AXON_ERR_IO);
    CHECK_STATUS(axon_checkpoint_save(NULL, resumed, NULL, NULL), AXON_ERR_INVALID_ARGUMENT);
    axon_model_free(straight);
    CHECK_OK(axon_model_new(&straight, "linear 2 8; linear 8 2", 1));
    CHECK_STATUS(axon_checkpoint_restore(path, straight, NULL, NULL), AXON_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("loadStateDict");

    unlink(path);
    axon_scheduler_free(s1); axon_scheduler_free(s2); axon_scheduler_free(s3);
    axon_optimizer_free(o1); axon_optimizer_free(o2); axon_optimizer_free(o3);
    axon_model_free(straight); axon_model_free(paused); axon_model_free(resumed);
    axon_tensor_free(x); axon_tensor_free(y);
}

int main(void) {
    test_checkpoint_resume();
    return report("test_checkpoint");
}
