/*
** test_model.c - models, optimizers, schedules, losses, clipping, the training step and the
** fit loop of include/axon.h, with their error paths. Built with gcc -std=c99 -Wall -Wextra
** -Werror -pedantic by run_tests.sh.
*/
#define _POSIX_C_SOURCE 200809L

#include "check.h"

#include <unistd.h>


/* ---- Models ------------------------------------------------------------------------------ */

/* A separable two-class problem: class 1 when 2 x0 - x1 > 0.3. Deterministic (an LCG). */

static void test_model_basics(void) {
    axon_model *m = NULL, *m2 = NULL;
    char text[512], name[64];
    size_t length = 0, n;
    axon_tensor *t = NULL;
    int64_t shape[AXON_MAX_RANK];

    CHECK_OK(axon_model_new(&m, "linear 4 8; batchnorm1d 8; relu; dropout 0.2; linear 8 3", 7));
    CHECK(m != NULL);
    CHECK(axon_model_is_training(m) == 1);
    CHECK(axon_model_parameter_count(m) == 4 * 8 + 8 + 8 + 8 + 8 * 3 + 3);
    CHECK(axon_model_parameter_count_tensors(m) == 6);
    CHECK(axon_model_state_count(m) == 9); /* + running_mean, running_var, num_batches_tracked */

    /* The spec: size query, then the text; it builds an identical model. */
    CHECK_OK(axon_model_spec(m, NULL, 0, &length));
    CHECK(length > 0 && length < sizeof text);
    CHECK_OK(axon_model_spec(m, text, 4, &n));
    CHECK(n == length && text[0] == '\0'); /* too small: only a NUL */
    CHECK_OK(axon_model_spec(m, text, sizeof text, NULL));
    CHECK(strlen(text) == length);
    CHECK(strncmp(text, "sequential { linear in=4 out=8", 30) == 0);
    CHECK_OK(axon_model_new(&m2, text, 7));
    CHECK(axon_model_parameter_count(m2) == axon_model_parameter_count(m));
    axon_model_free(m2);

    /* State names and tensors. */
    CHECK_OK(axon_model_state_name(m, 0, name, sizeof name, &n));
    CHECK(strcmp(name, "0.weight") == 0 && n == 8);
    CHECK_OK(axon_model_state_name(m, 4, name, sizeof name, NULL));
    CHECK(strcmp(name, "1.running_mean") == 0);
    CHECK_OK(axon_model_parameter_name(m, 4, name, sizeof name, NULL));
    CHECK(strcmp(name, "4.weight") == 0);
    CHECK_OK(axon_model_state_tensor(&t, m, 0));
    CHECK(axon_tensor_shape(t, shape, AXON_MAX_RANK) == AXON_OK && shape[0] == 8 && shape[1] == 4);
    CHECK(axon_tensor_requires_grad(t) == 1);
    {
        /* Two handles to the same tensor are distinct: freeing one leaves the other valid. */
        axon_tensor *same = NULL;
        CHECK_OK(axon_model_parameter(&same, m, 0));
        CHECK(same != NULL && same != t);
        axon_tensor_free(t);
        CHECK(axon_tensor_numel(same) == 32);
        axon_tensor_free(same);
    }
    CHECK_STATUS(axon_model_state_tensor(&t, m, 9), AXON_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("out of range");
    CHECK(t == NULL);
    CHECK_STATUS(axon_model_parameter(&t, m, 6), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_model_state_name(m, 9, name, sizeof name, NULL), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_model_state_name(m, 0, NULL, 5, NULL), AXON_ERR_INVALID_ARGUMENT);

    /* train / eval. */
    CHECK_OK(axon_model_train(m, 0));
    CHECK(axon_model_is_training(m) == 0);
    CHECK_OK(axon_model_train(m, 1));
    CHECK(axon_model_is_training(m) == 1);

    /* Forward and its shape error. */
    {
        float x_data[8] = {1, 2, 3, 4, 5, 6, 7, 8};
        const int64_t s24[2] = {2, 4}, s42[2] = {4, 2}, s23[2] = {2, 3};
        axon_tensor *x = make(x_data, 8, s24, 2, 0), *bad = make(x_data, 8, s42, 2, 0), *y = NULL;
        CHECK_OK(axon_model_forward(&y, m, x));
        CHECK(has_shape(y, s23, 2));
        CHECK(axon_tensor_requires_grad(y) == 1);
        axon_tensor_free(y);
        y = x;
        CHECK_STATUS(axon_model_forward(&y, m, bad), AXON_ERR_SHAPE);
        CHECK(y == NULL && axon_last_error()[0] != '\0');
        CHECK_STATUS(axon_model_forward(&y, m, NULL), AXON_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(axon_model_forward(&y, NULL, x), AXON_ERR_INVALID_ARGUMENT);
        /* A tensor handle is not a model handle. */
        CHECK_STATUS(axon_model_forward(&y, (axon_model *)x, x), AXON_ERR_INVALID_ARGUMENT);
        CHECK_ERROR_MENTIONS("not a live axon_model");
        axon_tensor_free(x);
        axon_tensor_free(bad);
    }

    /* Accessors on NULL. */
    CHECK(axon_model_is_training(NULL) == 0);
    CHECK(axon_model_parameter_count(NULL) == 0);
    CHECK(axon_model_state_count(NULL) == 0);
    CHECK(axon_model_parameter_count_tensors(NULL) == 0);
    CHECK_STATUS(axon_model_train(NULL, 1), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_model_spec(NULL, text, sizeof text, &n), AXON_ERR_INVALID_ARGUMENT);

    /* Bad spec texts. */
    m2 = m;
    CHECK_STATUS(axon_model_new(&m2, "linear 4 8; frobnicate 3", 0), AXON_ERR_FORMAT);
    CHECK(m2 == NULL);
    CHECK_ERROR_MENTIONS("frobnicate");
    CHECK_STATUS(axon_model_new(&m2, "residual { linear 4 4", 0), AXON_ERR_FORMAT);
    CHECK_ERROR_MENTIONS("missing '}'");
    CHECK(axon_model_new(&m2, "linear four 8", 0) != AXON_OK);
    CHECK(m2 == NULL && axon_last_error()[0] != '\0');
    CHECK_STATUS(axon_model_new(&m2, NULL, 0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_model_new(NULL, "relu", 0), AXON_ERR_INVALID_ARGUMENT);

    /* Specs of the other kinds build. */
    {
        const char *specs[] = {
            "conv2d 1 8 kernel=3 padding=1; maxpool2d 2; flatten; linear 1568 10",
            "residual { linear 8 8; tanh }",
            "conv2d 3 4 3; batchnorm2d 4; gelu; avgpool2d 2; dropout2d 0.1; instancenorm2d 4",
            "linear 6 6; layernorm 6; leakyrelu 0.2; elu; softplus; sigmoid; identity; softmax; logsoftmax",
            "conv2d 4 4 1; groupnorm 2 4",
        };
        size_t i;
        for (i = 0; i < sizeof specs / sizeof specs[0]; ++i) {
            CHECK_OK(axon_model_new(&m2, specs[i], 1));
            axon_model_free(m2);
        }
    }

    /* Freeing: NULL and a second free are no-ops; handles to parameters outlive the model. */
    CHECK_OK(axon_model_parameter(&t, m, 0));
    axon_model_free(m);
    axon_model_free(m);
    axon_model_free(NULL);
    CHECK(axon_tensor_numel(t) == 32);
    axon_tensor_free(t);
}

static void test_save_load(void) {
    axon_model *m = NULL, *loaded = NULL;
    axon_tensor *x = NULL, *y1 = NULL, *y2 = NULL;
    float x_data[12], a[6], b[6];
    const int64_t s34[2] = {3, 4};
    char path[64], spec1[512], spec2[512];
    int i;

    for (i = 0; i < 12; ++i) x_data[i] = (float)i / 6 - 1;
    x = make(x_data, 12, s34, 2, 0);
    snprintf(path, sizeof path, "/tmp/axon_test_model_%ld.axon", (long)getpid());
    CHECK_OK(axon_model_new(&m, "linear 4 5; batchnorm1d 5; tanh; linear 5 2", 3));
    CHECK_OK(axon_model_forward(&y1, m, x)); /* training mode: updates the running statistics */
    axon_tensor_free(y1);
    CHECK_OK(axon_model_train(m, 0));
    CHECK_OK(axon_model_forward(&y1, m, x));
    CHECK_OK(axon_model_save(m, path));
    CHECK_OK(axon_model_load(&loaded, path));
    CHECK_OK(axon_model_train(loaded, 0));
    CHECK_OK(axon_model_forward(&y2, loaded, x));
    CHECK_OK(axon_tensor_copy_data(y1, a, 6));
    CHECK_OK(axon_tensor_copy_data(y2, b, 6));
    CHECK(memcmp(a, b, sizeof a) == 0);
    CHECK_OK(axon_model_spec(m, spec1, sizeof spec1, NULL));
    CHECK_OK(axon_model_spec(loaded, spec2, sizeof spec2, NULL));
    CHECK(strcmp(spec1, spec2) == 0);
    CHECK(axon_model_state_count(loaded) == axon_model_state_count(m));

    /* load_state copies a state into a fresh model: then it computes the same. */
    {
        size_t n = axon_model_state_count(m), k;
        axon_tensor **state = (axon_tensor **)calloc(n, sizeof *state);
        const char **names = (const char **)calloc(n, sizeof *names);
        char (*buf)[64] = (char (*)[64])calloc(n, 64);
        axon_model *fresh = NULL;
        axon_tensor *y3 = NULL;
        float c[6];
        for (k = 0; k < n; ++k) {
            CHECK_OK(axon_model_state_tensor(&state[k], m, k));
            CHECK_OK(axon_model_state_name(m, k, buf[k], 64, NULL));
            names[k] = buf[k];
        }
        CHECK_OK(axon_model_new(&fresh, spec1, 99));
        CHECK_OK(axon_model_train(fresh, 0));
        CHECK_STATUS(axon_model_load_state(fresh, names, state, n - 1, 1), AXON_ERR_INVALID_ARGUMENT);
        CHECK_ERROR_MENTIONS("missing keys");
        CHECK_STATUS(axon_model_load_state(fresh, names + 1, state, n - 1, 0), AXON_ERR_SHAPE);
        CHECK_OK(axon_model_load_state(fresh, names, state, n, 1));
        CHECK_OK(axon_model_forward(&y3, fresh, x));
        CHECK_OK(axon_tensor_copy_data(y3, c, 6));
        CHECK(memcmp(a, c, sizeof a) == 0);
        axon_tensor_free(y3);
        axon_model_free(fresh);
        for (k = 0; k < n; ++k) axon_tensor_free(state[k]);
        free(state);
        free(names);
        free(buf);
    }

    /* I/O and format errors. */
    {
        axon_model *bad = m;
        FILE *f;
        CHECK_STATUS(axon_model_load(&bad, "/nonexistent/dir/model.axon"), AXON_ERR_IO);
        CHECK(bad == NULL);
        CHECK_ERROR_MENTIONS("/nonexistent/dir/model.axon");
        CHECK_STATUS(axon_model_save(m, "/nonexistent/dir/model.axon"), AXON_ERR_IO);
        f = fopen(path, "wb");
        CHECK(f != NULL);
        if (f) {
            fputs("not a model file at all", f);
            fclose(f);
        }
        CHECK_STATUS(axon_model_load(&bad, path), AXON_ERR_FORMAT);
        CHECK(axon_last_error()[0] != '\0');
        CHECK_STATUS(axon_model_load(&bad, NULL), AXON_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(axon_model_save(NULL, path), AXON_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(axon_model_save(m, NULL), AXON_ERR_INVALID_ARGUMENT);
    }
    remove(path);
    axon_tensor_free(y1);
    axon_tensor_free(y2);
    axon_tensor_free(x);
    axon_model_free(m);
    axon_model_free(loaded);
}

/* ---- Training ---------------------------------------------------------------------------- */

static void test_train_step(void) {
    static float features[2 * N_SAMPLES], targets[N_SAMPLES];
    const int64_t sx[2] = {N_SAMPLES, 2}, sy[1] = {N_SAMPLES};
    const char *keys[2] = {"lr", "beta1"};
    const double values[2] = {0.05, 0.9};
    axon_model *m = NULL;
    axon_optimizer *opt = NULL;
    axon_tensor *x, *y, **params;
    size_t n;
    float first = 0, loss = 0;
    double lr = 0;
    int step;

    make_problem(features, targets, 1);
    x = make(features, 2 * N_SAMPLES, sx, 2, 0);
    y = make(targets, N_SAMPLES, sy, 1, 0);
    CHECK_OK(axon_model_new(&m, "linear 2 16; tanh; linear 16 2", 42));
    params = parameters(m, &n);
    CHECK_OK(axon_optimizer_new(&opt, "adam", params, n, keys, values, 2));
    free_all(params, n); /* the optimizer keeps its own references */
    CHECK(axon_optimizer_group_count(opt) == 1);
    CHECK_OK(axon_optimizer_get_lr(&lr, opt, 0));
    CHECK(lr == 0.05);
    for (step = 0; step < 150; ++step) {
        CHECK_OK(axon_train_step(&loss, m, opt, "cross_entropy", x, y, step % 2 ? 5.0 : 0.0));
        if (step == 0) first = loss;
    }
    CHECK(loss < first * 0.5f);
    CHECK(accuracy(m, x, targets) >= 0.95);

    /* Errors. */
    CHECK_STATUS(axon_train_step(&loss, m, opt, "hinge", x, y, 0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("unknown loss 'hinge'");
    CHECK_STATUS(axon_train_step(&loss, m, opt, "cross_entropy", y, y, 0), AXON_ERR_SHAPE);
    CHECK_STATUS(axon_train_step(NULL, m, opt, "cross_entropy", x, y, 0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_train_step(&loss, m, NULL, "cross_entropy", x, y, 0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_train_step(&loss, m, opt, "cross_entropy", x, y, NAN), AXON_ERR_INVALID_ARGUMENT);

    axon_optimizer_free(opt);
    axon_model_free(m);
    axon_tensor_free(x);
    axon_tensor_free(y);
}

static void test_fit(void) {
    static float features[2 * N_SAMPLES], targets[N_SAMPLES], vf[2 * N_SAMPLES], vt[N_SAMPLES];
    const int64_t sx[2] = {N_SAMPLES, 2}, sy[1] = {N_SAMPLES};
    const char *keys[2] = {"lr", "momentum"};
    const double values[2] = {0.1, 0.9};
    const char *skeys[2] = {"step_size", "gamma"};
    const double svalues[2] = {5, 0.5};
    axon_epoch_record records[20];
    axon_model *m = NULL;
    axon_optimizer *opt = NULL;
    axon_scheduler *sched = NULL;
    axon_tensor *x, *y, *vx, *vy, **params;
    size_t n, count = 99;

    CHECK(sizeof(axon_epoch_record) == 48);
    make_problem(features, targets, 2);
    make_problem(vf, vt, 3);
    x = make(features, 2 * N_SAMPLES, sx, 2, 0);
    y = make(targets, N_SAMPLES, sy, 1, 0);
    vx = make(vf, 2 * N_SAMPLES, sx, 2, 0);
    vy = make(vt, N_SAMPLES, sy, 1, 0);
    CHECK_OK(axon_model_new(&m, "linear 2 16; relu; linear 16 2", 5));
    params = parameters(m, &n);
    CHECK_OK(axon_optimizer_new(&opt, "sgd", params, n, keys, values, 2));
    CHECK_OK(axon_scheduler_new(&sched, opt, "step", skeys, svalues, 2));

    /* capacity too small is reported before training. */
    CHECK_STATUS(axon_fit(records, 3, &count, m, opt, sched, "cross_entropy", x, y, vx, vy, 20, 32, 1, 0),
                 AXON_ERR_INVALID_ARGUMENT);
    CHECK(count == 0);
    CHECK_OK(axon_fit(records, 20, &count, m, opt, sched, "cross_entropy", x, y, vx, vy, 20, 32, 1, 1.0));
    CHECK(count == 20);
    if (count == 20) {
        CHECK(records[19].train_loss < records[0].train_loss);
        CHECK(records[19].train_accuracy >= 0.9);
        CHECK(records[19].val_accuracy >= 0.9);
        CHECK(records[19].val_loss == records[19].val_loss); /* not NaN */
        CHECK(fabs(records[0].learning_rate - 0.1) < 1e-12);
        CHECK(fabs(records[5].learning_rate - 0.05) < 1e-12);
        CHECK(fabs(records[19].learning_rate - 0.0125) < 1e-12);
        CHECK(records[19].skipped_steps == 0);
    }
    /* Without validation the validation values are NaN. */
    CHECK_OK(axon_fit(records, 20, &count, m, opt, NULL, "cross_entropy", x, y, NULL, NULL, 1, 50, 1, 0));
    CHECK(count == 1 && isnan(records[0].val_loss) && isnan(records[0].val_accuracy));
    CHECK(accuracy(m, vx, vt) >= 0.9);

    /* Errors. */
    CHECK_STATUS(axon_fit(records, 20, &count, m, opt, sched, "cross_entropy", x, y, vx, NULL, 1, 32, 1, 0),
                 AXON_ERR_INVALID_ARGUMENT);
    {
        axon_tensor *short_y = make(targets, 1, NULL, 0, 0); /* a scalar: not one target per sample */
        CHECK(axon_fit(records, 20, &count, m, opt, sched, "cross_entropy", x, short_y, NULL, NULL, 1, 32, 1, 0)
              != AXON_OK);
        CHECK(axon_last_error()[0] != '\0');
        axon_tensor_free(short_y);
    }
    CHECK_STATUS(axon_fit(records, 20, NULL, m, opt, sched, "mse", x, y, NULL, NULL, 1, 32, 1, 0),
                 AXON_ERR_INVALID_ARGUMENT);
    CHECK(axon_fit(records, 20, &count, m, opt, sched, "cross_entropy", x, y, NULL, NULL, 1, 0, 1, 0) != AXON_OK);
    CHECK(axon_last_error()[0] != '\0');
    {
        axon_optimizer *other = NULL;
        CHECK_OK(axon_optimizer_new(&other, "sgd", params, n, NULL, NULL, 0));
        CHECK_STATUS(axon_fit(records, 20, &count, m, other, sched, "mse", x, y, NULL, NULL, 1, 32, 1, 0),
                     AXON_ERR_INVALID_ARGUMENT);
        CHECK_ERROR_MENTIONS("another optimizer");
        axon_optimizer_free(other);
    }

    /* The scheduler keeps its optimizer alive. */
    axon_optimizer_free(opt);
    CHECK_OK(axon_scheduler_step(sched));
    axon_scheduler_free(sched);
    axon_scheduler_free(sched);
    axon_scheduler_free(NULL);
    free_all(params, n);
    axon_model_free(m);
    axon_tensor_free(x);
    axon_tensor_free(y);
    axon_tensor_free(vx);
    axon_tensor_free(vy);
}

static void test_optimizers_and_schedules(void) {
    const float w_data[3] = {1, -2, 3};
    const int64_t s3[1] = {3};
    axon_tensor *w = make(w_data, 3, s3, 1, 1), *sq = NULL, *loss = NULL, *g = NULL;
    const char *kinds[8] = {"sgd", "adagrad", "rmsprop", "adadelta", "adam", "adamw", "adamax", "nadam"};
    const char *lr_key[1] = {"lr"};
    const double lr_value[1] = {0.1};
    axon_optimizer *opt = NULL;
    axon_scheduler *sched = NULL;
    double lr = 0;
    size_t i;

    for (i = 0; i < 8; ++i) {
        float after[3];
        CHECK_OK(axon_optimizer_new(&opt, kinds[i], &w, 1, lr_key, lr_value, 1));
        CHECK_OK(axon_optimizer_zero_grad(opt));
        CHECK_OK(axon_tensor_mul(&sq, w, w));
        CHECK_OK(axon_tensor_sum(&loss, sq));
        CHECK_OK(axon_tensor_backward(loss));
        CHECK_OK(axon_optimizer_step(opt));
        CHECK_OK(axon_tensor_copy_data(w, after, 3));
        CHECK(fabsf(after[0]) < 1 || i == 3); /* every optimizer moves toward 0 (adadelta barely) */
        axon_tensor_free(sq);
        axon_tensor_free(loss);
        axon_optimizer_free(opt);
    }
    CHECK_OK(axon_tensor_grad(&g, w));
    CHECK(g != NULL);
    axon_tensor_free(g);

    /* get/set lr and a schedule. */
    CHECK_OK(axon_optimizer_new(&opt, "sgd", &w, 1, lr_key, lr_value, 1));
    CHECK_OK(axon_optimizer_set_lr(opt, 0, 0.5));
    CHECK_OK(axon_optimizer_get_lr(&lr, opt, 0));
    CHECK(lr == 0.5);
    CHECK_STATUS(axon_optimizer_get_lr(&lr, opt, 1), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_optimizer_set_lr(opt, 0, -1), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_optimizer_get_lr(NULL, opt, 0), AXON_ERR_INVALID_ARGUMENT);
    {
        const char *keys[3] = {"m2", "m1", "gamma"};
        const double values[3] = {4, 2, 0.1};
        CHECK_OK(axon_scheduler_new(&sched, opt, "multistep", keys, values, 3));
        CHECK_OK(axon_scheduler_step(sched));
        CHECK_OK(axon_scheduler_step(sched));
        CHECK_OK(axon_optimizer_get_lr(&lr, opt, 0));
        CHECK(fabs(lr - 0.05) < 1e-12);
        axon_scheduler_free(sched);
    }
    {
        const char *keys[3] = {"start_factor", "end_factor", "total"};
        const double values[3] = {0.5, 1, 2};
        CHECK_OK(axon_optimizer_set_lr(opt, 0, 1));
        CHECK_OK(axon_scheduler_new(&sched, opt, "linear", keys, values, 3));
        CHECK_OK(axon_optimizer_get_lr(&lr, opt, 0));
        CHECK(fabs(lr - 0.5) < 1e-12);
        CHECK_OK(axon_scheduler_step(sched));
        CHECK_OK(axon_scheduler_step(sched));
        CHECK_OK(axon_optimizer_get_lr(&lr, opt, 0));
        CHECK(fabs(lr - 1) < 1e-12);
        axon_scheduler_free(sched);
    }

    /* Errors: unknown kinds and options, repeated keys, NULLs, non-finite values. */
    {
        axon_optimizer *bad = opt;
        axon_scheduler *bad_sched = sched;
        const char *unknown[1] = {"momentum"};
        const char *twice[2] = {"lr", "lr"};
        const double values[2] = {0.1, 0.2};
        const double inf[1] = {INFINITY};
        CHECK_STATUS(axon_optimizer_new(&bad, "lion", &w, 1, NULL, NULL, 0), AXON_ERR_INVALID_ARGUMENT);
        CHECK(bad == NULL);
        CHECK_ERROR_MENTIONS("unknown optimizer 'lion'");
        CHECK_STATUS(axon_optimizer_new(&bad, "adam", &w, 1, unknown, values, 1), AXON_ERR_INVALID_ARGUMENT);
        CHECK_ERROR_MENTIONS("unknown option 'momentum'");
        CHECK_STATUS(axon_optimizer_new(&bad, "sgd", &w, 1, twice, values, 2), AXON_ERR_INVALID_ARGUMENT);
        CHECK_ERROR_MENTIONS("given twice");
        CHECK_STATUS(axon_optimizer_new(&bad, "sgd", &w, 1, lr_key, inf, 1), AXON_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(axon_optimizer_new(&bad, "sgd", &w, 1, NULL, values, 1), AXON_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(axon_optimizer_new(&bad, "sgd", NULL, 1, NULL, NULL, 0), AXON_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(axon_optimizer_new(&bad, NULL, &w, 1, NULL, NULL, 0), AXON_ERR_INVALID_ARGUMENT);
        {
            axon_tensor *null_param[1] = {NULL};
            CHECK_STATUS(axon_optimizer_new(&bad, "sgd", null_param, 1, NULL, NULL, 0), AXON_ERR_INVALID_ARGUMENT);
            CHECK_ERROR_MENTIONS("params[0] is NULL");
        }
        CHECK_STATUS(axon_scheduler_new(&bad_sched, opt, "warmup", NULL, NULL, 0), AXON_ERR_INVALID_ARGUMENT);
        CHECK(bad_sched == NULL);
        CHECK_ERROR_MENTIONS("unknown schedule 'warmup'");
        CHECK_STATUS(axon_scheduler_new(&bad_sched, opt, "step", NULL, NULL, 0), AXON_ERR_INVALID_ARGUMENT);
        CHECK_ERROR_MENTIONS("step_size");
        CHECK_STATUS(axon_scheduler_new(&bad_sched, NULL, "step", NULL, NULL, 0), AXON_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(axon_scheduler_step(NULL), AXON_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(axon_optimizer_step(NULL), AXON_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(axon_optimizer_zero_grad(NULL), AXON_ERR_INVALID_ARGUMENT);
        CHECK(axon_optimizer_group_count(NULL) == 0);
    }
    axon_optimizer_free(opt);
    axon_optimizer_free(opt);
    axon_optimizer_free(NULL);
    axon_tensor_free(w);
}

static void test_losses_and_clipping(void) {
    const float in_data[4] = {1, 2, 3, 4}, tg_data[4] = {1, 1, 1, 1};
    const float logits[6] = {2, 0, 0, 0, 3, 0}, classes[2] = {0, 1};
    const int64_t s4[1] = {4}, s23[2] = {2, 3}, s2[1] = {2};
    axon_tensor *in = make(in_data, 4, s4, 1, 1), *tg = make(tg_data, 4, s4, 1, 0);
    axon_tensor *lg = make(logits, 6, s23, 2, 0), *cl = make(classes, 2, s2, 1, 0);
    axon_tensor *l = NULL, *g = NULL;
    float expected[4], total = 0;
    int i;

    CHECK_OK(axon_loss(&l, "mse", in, tg, NULL));
    expected[0] = (0 + 1 + 4 + 9) / 4.0f;
    CHECK(near(l, expected, 1, 1e-6f));
    axon_tensor_free(l);
    CHECK_OK(axon_loss(&l, "l1", in, tg, "sum"));
    expected[0] = 6;
    CHECK(near(l, expected, 1, 1e-6f));
    axon_tensor_free(l);
    CHECK_OK(axon_loss(&l, "mse", in, tg, "none"));
    for (i = 0; i < 4; ++i) expected[i] = (in_data[i] - 1) * (in_data[i] - 1);
    CHECK(has_shape(l, s4, 1) && near(l, expected, 4, 1e-6f));
    axon_tensor_free(l);
    CHECK_OK(axon_loss(&l, "cross_entropy", lg, cl, "mean"));
    {
        double a = -(2 - log(exp(2) + 2)), b = -(3 - log(exp(3) + 2));
        expected[0] = (float)((a + b) / 2);
    }
    CHECK(near(l, expected, 1, 1e-5f));
    axon_tensor_free(l);

    /* Clipping: the gradient of sum(in^2) is 2 in = {2, 4, 6, 8}, norm sqrt(120). */
    CHECK_OK(axon_loss(&l, "mse", in, tg, "sum"));
    CHECK_OK(axon_tensor_backward(l));
    axon_tensor_free(l);
    CHECK_OK(axon_clip_grad_value(&in, 1, 5));
    CHECK_OK(axon_tensor_grad(&g, in));
    expected[0] = 0; expected[1] = 2; expected[2] = 4; expected[3] = 5;
    CHECK(near(g, expected, 4, 0));
    axon_tensor_free(g);
    CHECK_OK(axon_clip_grad_norm(&total, &in, 1, 1.0, 2.0));
    CHECK(fabsf(total - sqrtf(45)) < 1e-4f);
    CHECK_OK(axon_clip_grad_norm(&total, &in, 1, 1.0, INFINITY));
    CHECK(fabsf(total - 5 / sqrtf(45)) < 1e-3f); /* the largest element after the first clip */

    /* Errors. */
    l = in;
    CHECK_STATUS(axon_loss(&l, "hinge", in, tg, NULL), AXON_ERR_INVALID_ARGUMENT);
    CHECK(l == NULL);
    CHECK_ERROR_MENTIONS("unknown loss 'hinge'");
    CHECK_STATUS(axon_loss(&l, "mse", in, tg, "average"), AXON_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("unknown reduction 'average'");
    CHECK_STATUS(axon_loss(&l, "mse", in, cl, NULL), AXON_ERR_SHAPE);
    CHECK_STATUS(axon_loss(&l, NULL, in, tg, NULL), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_loss(&l, "mse", NULL, tg, NULL), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_clip_grad_norm(&total, &in, 1, -1, 2), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_clip_grad_norm(NULL, &in, 1, 1, 2), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_clip_grad_norm(&total, NULL, 1, 1, 2), AXON_ERR_INVALID_ARGUMENT);
    CHECK_OK(axon_clip_grad_norm(&total, NULL, 0, 1, 2));
    CHECK(total == 0);
    CHECK_STATUS(axon_clip_grad_value(&in, 1, -1), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_clip_grad_value(&in, (size_t)-1, 1), AXON_ERR_INVALID_ARGUMENT);

    axon_tensor_free(in);
    axon_tensor_free(tg);
    axon_tensor_free(lg);
    axon_tensor_free(cl);
}

/* Flat data feeds a CNN through unflatten, and adaptive pooling ends it: built from a spec,
** saved and loaded with the same output. */
static void test_cnn_from_flat_data(void) {
    axon_model *m = NULL, *loaded = NULL;
    axon_tensor *x = NULL, *y1 = NULL, *y2 = NULL;
    float x_data[80], a[15], b[15];
    const int64_t s5x16[2] = {5, 16}, s5x3[2] = {5, 3};
    char path[64], spec[512];
    int i;

    for (i = 0; i < 80; ++i) x_data[i] = (float)((i * 37) % 11) / 5 - 1;
    x = make(x_data, 80, s5x16, 2, 0);
    snprintf(path, sizeof path, "/tmp/axon_test_cnn_%ld.axon", (long)getpid());
    CHECK_OK(axon_model_new(&m, "unflatten 1 1x4x4; conv2d 1 2 3 padding=1; relu; adaptiveavgpool2d 1; flatten; "
                                "linear 2 3", 5));
    CHECK_OK(axon_model_forward(&y1, m, x));
    CHECK(has_shape(y1, s5x3, 2));
    CHECK_OK(axon_model_spec(m, spec, sizeof spec, NULL));
    CHECK(strstr(spec, "unflatten axis=1 shape=1x4x4") != NULL);
    CHECK(strstr(spec, "adaptiveavgpool2d size=1x1") != NULL);
    CHECK_OK(axon_model_save(m, path));
    CHECK_OK(axon_model_load(&loaded, path));
    CHECK_OK(axon_model_forward(&y2, loaded, x));
    CHECK_OK(axon_tensor_copy_data(y1, a, 15));
    CHECK_OK(axon_tensor_copy_data(y2, b, 15));
    CHECK(memcmp(a, b, sizeof a) == 0);
    remove(path);
    axon_model_free(loaded);
    loaded = NULL;
    CHECK(axon_model_new(&loaded, "adaptiveavgpool2d 0", 0) != AXON_OK);
    CHECK(axon_model_new(&loaded, "unflatten 1 2x-1x-1", 0) != AXON_OK);
    CHECK(loaded == NULL);
    axon_tensor_free(y2);
    axon_tensor_free(y1);
    axon_tensor_free(x);
    axon_model_free(m);
}

int main(void) {
    test_model_basics();
    test_save_load();
    test_cnn_from_flat_data();
    test_train_step();
    test_fit();
    test_optimizers_and_schedules();
    test_losses_and_clipping();
    return report("test_model");
}
