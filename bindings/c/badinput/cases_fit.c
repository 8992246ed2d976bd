/*
** cases_fit.c - axon_train_step and axon_fit: a classifier "linear 2 2" trained with
** cross_entropy on 8 samples, with one argument made bad at a time.
*/
#include "harness.h"

typedef struct {
    axon_model *m;
    axon_optimizer *opt;
    axon_scheduler *sched;
    axon_tensor *x, *y, *vx, *vy;
    const char *loss;
    int epochs;
    size_t batch;
    double clip;
    size_t capacity;
} fit_args;

static const float labels8[8] = {0, 1, 1, 0, 1, 0, 0, 1};

static fit_args setup(void) {
    fit_args a;
    a.m = model("linear 2 2");
    a.opt = model_sgd(a.m);
    a.sched = NULL;
    a.x = mat(8, 2);
    a.y = values(labels8, 8);
    a.vx = a.vy = NULL;
    a.loss = "cross_entropy";
    a.epochs = 2;
    a.batch = 4;
    a.clip = 0;
    a.capacity = 4;
    return a;
}

static axon_status fit(const fit_args *a) {
    axon_epoch_record records[4];
    size_t count = 99;
    axon_status st = axon_fit(records, a->capacity, &count, a->m, a->opt, a->sched, a->loss, a->x, a->y, a->vx,
                              a->vy, a->epochs, a->batch, 1, a->clip);
    return st != AXON_OK && count != 0 ? (axon_status)R_BADVAL : st;
}

static axon_status step(const fit_args *a) {
    float loss;
    return axon_train_step(&loss, a->m, a->opt, a->loss, a->x, a->y, a->clip);
}

static axon_status step_unguarded(const fit_args *a) {
    float loss;
    return axon_train_step_unguarded(&loss, a->m, a->opt, a->loss, a->x, a->y, a->clip);
}

/* The cases both functions share; `fn` names the function, `op` calls it. */
static void shared(const char *fn, axon_status (*op)(const fit_args *)) {
    static const char *const bad_losses[] = {"", "hinge", "cross_entropy\xff"};
    static const char *const loss_labels[] = {"loss \"\"", "loss \"hinge\"", "loss non-UTF-8"};
    size_t i;
    int k;
    CASE(fn, "control", CONTROL) {
        fit_args a = setup();
        END(op(&a));
    }
    for (k = 0; k < N_BAD; ++k) {
        CASE(fn, bad_label(k, "m"), X_INVAL) {
            fit_args a = setup();
            a.m = (axon_model *)bad_handle(H_MODEL, k);
            END(op(&a));
        }
        CASE(fn, bad_label(k, "opt"), X_INVAL) {
            fit_args a = setup();
            a.opt = (axon_optimizer *)bad_handle(H_OPT, k);
            END(op(&a));
        }
        CASE(fn, bad_label(k, "x"), X_INVAL) {
            fit_args a = setup();
            a.x = (axon_tensor *)bad_handle(H_TENSOR, k);
            END(op(&a));
        }
        CASE(fn, bad_label(k, "y"), X_INVAL) {
            fit_args a = setup();
            a.y = (axon_tensor *)bad_handle(H_TENSOR, k);
            END(op(&a));
        }
    }
    CASE(fn, "NULL loss", X_INVAL) {
        fit_args a = setup();
        a.loss = NULL;
        END(op(&a));
    }
    for (i = 0; i < sizeof bad_losses / sizeof *bad_losses; ++i) {
        CASE(fn, loss_labels[i], X_INVAL) {
            fit_args a = setup();
            a.loss = bad_losses[i];
            END(op(&a));
        }
    }
    CASE(fn, "x of 3 features", X_SHAPE) {
        fit_args a = setup();
        a.x = mat(8, 3);
        END(op(&a));
    }
    CASE(fn, "y of 7 samples", X_SHAPE) {
        fit_args a = setup();
        a.y = values(labels8, 7);
        END(op(&a));
    }
    CASE(fn, "class index 5 of 2", X_INVAL) {
        static const float bad[8] = {0, 1, 5, 0, 1, 0, 0, 1};
        fit_args a = setup();
        a.y = values(bad, 8);
        END(op(&a));
    }
    CASE(fn, "clip_norm NaN", X_INVAL) {
        fit_args a = setup();
        a.clip = NAN;
        END(op(&a));
    }
    CASE(fn, "clip_norm Inf", X_OK | X_INVAL) {
        fit_args a = setup();
        a.clip = INFINITY;
        END(op(&a));
    }
    CASE(fn, "clip_norm -Inf (no clipping)", X_OK) {
        fit_args a = setup();
        a.clip = -INFINITY;
        END(op(&a));
    }
    CASE(fn, "an L-BFGS optimizer", X_STATE | X_INVAL) {
        fit_args a = setup();
        axon_tensor *p = param0(a.m);
        a.opt = opt_of("lbfgs", p, NULL, 0);
        END(op(&a));
    }
    CASE(fn, "an optimizer over another model", X_ANY) {
        fit_args a = setup();
        a.opt = model_sgd(model("linear 2 2"));
        END(op(&a));
    }
    CASE(fn, "no samples: x [0, 2], y [0]", X_ANY) {
        fit_args a = setup();
        a.x = mat(0, 2);
        a.y = vec(0);
        END(op(&a));
    }
    CASE(fn, "zero-size huge x through flatten; linear", X_ANY) {
        fit_args a = setup();
        a.m = model("flatten; linear 4 2");
        a.opt = model_sgd(a.m);
        a.x = huge_empty();
        a.y = vec(0);
        END(op(&a));
    }
    CASE(fn, "NaN features", X_ANY) {
        static const float nan16[16] = {NAN, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
        int64_t s[2] = {8, 2};
        fit_args a = setup();
        a.x = NULL;
        if (axon_tensor_new(&a.x, nan16, 16, s, 2, 0) != AXON_OK) setup_fail("x");
        END(op(&a));
    }
}

static void fit_only(void) {
    const char *f = "axon_fit";
    int k;
    CASE(f, "control: validation and a scheduler", CONTROL) {
        fit_args a = setup();
        a.vx = mat(4, 2);
        a.vy = values(labels8, 4);
        a.sched = step_sched(a.opt);
        END(fit(&a));
    }
    CASE(f, "NULL out_records, capacity 4", X_INVAL) {
        fit_args a = setup();
        size_t count;
        END(axon_fit(NULL, 4, &count, a.m, a.opt, NULL, a.loss, a.x, a.y, NULL, NULL, 2, 4, 1, 0));
    }
    CASE(f, "control: NULL out_records, capacity 0, epochs 0", CONTROL) {
        fit_args a = setup();
        size_t count;
        END(axon_fit(NULL, 0, &count, a.m, a.opt, NULL, a.loss, a.x, a.y, NULL, NULL, 0, 4, 1, 0));
    }
    CASE(f, "NULL out_count", X_INVAL) {
        fit_args a = setup();
        axon_epoch_record r[4];
        END(axon_fit(r, 4, NULL, a.m, a.opt, NULL, a.loss, a.x, a.y, NULL, NULL, 2, 4, 1, 0));
    }
    CASE(f, "capacity 1 < 2 epochs", X_INVAL) {
        fit_args a = setup();
        a.capacity = 1;
        END(fit(&a));
    }
    CASE(f, "capacity SIZE_MAX", X_INVAL) {
        fit_args a = setup();
        a.capacity = SZ_NEG;
        END(fit(&a));
    }
    CASE(f, "epochs INT_MAX, capacity 4 (refused before training)", X_INVAL) {
        fit_args a = setup();
        a.epochs = INT_MAX;
        END(fit(&a));
    }
    CASE(f, "epochs -1", X_INVAL) {
        fit_args a = setup();
        a.epochs = -1;
        END(fit(&a));
    }
    CASE(f, "epochs INT_MIN", X_INVAL) {
        fit_args a = setup();
        a.epochs = INT_MIN;
        END(fit(&a));
    }
    CASE(f, "batch_size 0", X_INVAL) {
        fit_args a = setup();
        a.batch = 0;
        END(fit(&a));
    }
    CASE(f, "batch_size SIZE_MAX", X_INVAL) {
        fit_args a = setup();
        a.batch = SZ_NEG;
        END(fit(&a));
    }
    CASE(f, "batch_size SIZE_MAX / 2 (INT64_MAX)", X_OK | X_INVAL) {
        fit_args a = setup();
        a.batch = SZ_NEG / 2;
        END(fit(&a));
    }
    CASE(f, "batch_size INT64_MAX with validation data and a scheduler", X_OK | X_INVAL) {
        fit_args a = setup();
        a.batch = SZ_NEG / 2;
        a.vx = mat(4, 2);
        a.vy = values(labels8, 4);
        a.sched = step_sched(a.opt);
        END(fit(&a));
    }
    CASE(f, "batch_size INT64_MAX - 7 (start + batch overflows past 8 samples)", X_OK | X_INVAL) {
        fit_args a = setup();
        a.batch = SZ_NEG / 2 - 7;
        a.vx = mat(4, 2);
        a.vy = values(labels8, 4);
        END(fit(&a));
    }
    CASE(f, "batch_size 2^62", X_OK | X_INVAL) {
        fit_args a = setup();
        a.batch = (size_t)1 << 62;
        END(fit(&a));
    }
    CASE(f, "val_x without val_y", X_INVAL) {
        fit_args a = setup();
        a.vx = mat(4, 2);
        END(fit(&a));
    }
    CASE(f, "val_y without val_x", X_INVAL) {
        fit_args a = setup();
        a.vy = values(labels8, 4);
        END(fit(&a));
    }
    for (k = 1; k < N_BAD; ++k) {
        CASE(f, bad_label(k, "val_x"), X_INVAL) {
            fit_args a = setup();
            a.vy = values(labels8, 4);
            a.vx = (axon_tensor *)bad_handle(H_TENSOR, k);
            END(fit(&a));
        }
        CASE(f, bad_label(k, "sched"), X_INVAL) {
            fit_args a = setup();
            a.sched = (axon_scheduler *)bad_handle(H_SCHED, k);
            END(fit(&a));
        }
    }
    CASE(f, "val_x of 3 features", X_SHAPE) {
        fit_args a = setup();
        a.vx = mat(4, 3);
        a.vy = values(labels8, 4);
        END(fit(&a));
    }
    CASE(f, "a scheduler of another optimizer", X_INVAL | X_STATE) {
        fit_args a = setup();
        a.sched = step_sched(sgd_over(vec_rg(2)));
        END(fit(&a));
    }
    CASE(f, "a written record count within capacity", X_VOID) {
        fit_args a = setup();
        axon_epoch_record r[4];
        size_t count = 99;
        axon_status st = axon_fit(r, 4, &count, a.m, a.opt, NULL, a.loss, a.x, a.y, NULL, NULL, 3, 4, 1, 0);
        END_IF(st == AXON_OK && count == 3);
    }
}

void cases_fit(void) {
    shared("axon_train_step", step);
    shared("axon_train_step_unguarded", step_unguarded);
    shared("axon_fit", fit);
    CASE("axon_train_step", "NULL out_loss", X_INVAL) {
        fit_args a = setup();
        END(axon_train_step(NULL, a.m, a.opt, a.loss, a.x, a.y, 0));
    }
    CASE("axon_train_step_unguarded", "NULL out_loss", X_INVAL) {
        fit_args a = setup();
        END(axon_train_step_unguarded(NULL, a.m, a.opt, a.loss, a.x, a.y, 0));
    }
    CASE("axon_train_step", "an infinite feature: AXON_ERR_NONFINITE, the weights unchanged", X_NONFINITE) {
        static const float inf16[16] = {INFINITY, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
        int64_t s[2] = {8, 2};
        fit_args a = setup();
        axon_tensor *w = param0(a.m);
        float before[4], after[4], loss;
        axon_status st;
        if (axon_tensor_new(&a.x, inf16, 16, s, 2, 0) != AXON_OK) setup_fail("x");
        axon_tensor_copy_data(w, before, 4);
        st = axon_train_step(&loss, a.m, a.opt, a.loss, a.x, a.y, 0);
        axon_tensor_copy_data(w, after, 4);
        END(st == AXON_ERR_NONFINITE && memcmp(before, after, sizeof before) != 0 ? R_BADVAL : st);
    }
    fit_only();
}
