/*
** cases_replicas_train.c - data-parallel training, the training: synchronized batch
** normalization, the hooked training step, sharded loaders and the fit loop over a loader.
*/
#include "harness.h"

static void sync_batchnorm(void) {
    const char *f = "axon_model_sync_batchnorm";
    float loss;
    char label[96];
    int k, at;
    CASE(f, "control: one layer", CONTROL) {
        size_t layers = 0;
        axon_status st = axon_model_sync_batchnorm(&layers, model(BN_NET), 0, 1, hook_keep, NULL);
        END_CHECKED(st, layers == 1);
    }
    CASE(f, "control: NULL all_reduce_sum (per-replica statistics)", CONTROL) {
        size_t layers = 0;
        axon_status st = axon_model_sync_batchnorm(&layers, model(BN_NET), 0, 1, NULL, NULL);
        END_CHECKED(st, layers == 1);
    }
    CASE(f, "control: no batch normalization", CONTROL) {
        size_t layers = 9;
        axon_status st = axon_model_sync_batchnorm(&layers, model("linear 2 2; relu"), 0, 1, hook_keep, NULL);
        END_CHECKED(st, layers == 0);
    }
    CASE(f, "control: trains with an identity sum", CONTROL) {
        axon_model *m = model(BN_NET);
        size_t layers;
        if (axon_model_sync_batchnorm(&layers, m, 0, 1, hook_keep, NULL) != AXON_OK) setup_fail("sync");
        END(axon_train_step(&loss, m, model_sgd(m), "mse", mat(4, 2), mat(4, 2), 0));
    }
    CASE(f, "NULL out_layers", X_INVAL) {
        END(axon_model_sync_batchnorm(NULL, model(BN_NET), 0, 1, hook_keep, NULL));
    }
    for (k = 0; k < N_BAD; ++k) {
        CASE(f, bad_label(k, "m"), X_INVAL) {
            size_t layers;
            END(axon_model_sync_batchnorm(&layers, (axon_model *)bad_handle(H_MODEL, k), 0, 1, hook_keep, NULL));
        }
    }
    {
        /* Ranks outside the world, worlds of no replica or too many; (size_t)-1 wraps negative. */
        static const size_t ranks[5] = {1, 4, 0, 0, (size_t)-1}, worlds[5] = {1, 4, 0, (1u << 20) + 1, 2};
        for (k = 0; k < 5; ++k) {
            snprintf(label, sizeof label, "rank %zu of world size %zu", ranks[k], worlds[k]);
            CASE(f, label, X_INVAL) {
                size_t layers;
                END(axon_model_sync_batchnorm(&layers, model(BN_NET), ranks[k], worlds[k], hook_keep, NULL));
            }
        }
        CASE(f, "control: rank 3 of 4", CONTROL) {
            size_t layers = 0;
            axon_status st = axon_model_sync_batchnorm(&layers, model(BN_NET), 3, 4, hook_keep, NULL);
            END_CHECKED(st, layers == 1);
        }
    }
    /* The all-reduces: two in the forward pass, one in backward. */
    for (at = 1; at <= 3; ++at) {
        snprintf(label, sizeof label, "all_reduce_sum fails at call %d of a train step: nothing changes", at);
        CASE(f, label, X_CALLBACK) {
            axon_model *m = model(BN_NET);
            axon_optimizer *opt = model_sgd(m);
            size_t layers, n;
            float *before = state_of(m, &n);
            int countdown = at;
            if (axon_model_sync_batchnorm(&layers, m, 0, 1, hook_fail_at, &countdown) != AXON_OK) setup_fail("sync");
            END(unchanged_on_error(axon_train_step(&loss, m, opt, "mse", mat(4, 2), mat(4, 2), 0), m, before, n));
        }
    }
    CASE(f, "all_reduce_sum fails in a training forward", X_CALLBACK) {
        axon_model *m = model(BN_NET);
        axon_tensor *out = NULL;
        size_t layers;
        if (axon_model_sync_batchnorm(&layers, m, 0, 1, hook_scribble, NULL) != AXON_OK) setup_fail("sync");
        END(axon_model_forward(&out, m, mat(4, 2)));
    }
    CASE(f, "all_reduce_sum is not called in evaluation", X_OK) {
        axon_model *m = model(BN_NET);
        axon_tensor *out = NULL;
        size_t layers;
        if (axon_model_sync_batchnorm(&layers, m, 0, 1, hook_scribble, NULL) != AXON_OK
            || axon_model_train(m, 0) != AXON_OK)
            setup_fail("sync");
        END(axon_model_forward(&out, m, mat(4, 2)));
    }
    {
        /* Sums no engine gives: the sample count among them is not a count. */
        static const float odd[6] = {NAN, INFINITY, -INFINITY, 1e30f, -3, 0.5f};
        static const char *const names[6] = {"NaN", "Inf", "-Inf", "1e30", "-3", "0.5"};
        for (k = 0; k < 6; ++k) {
            snprintf(label, sizeof label, "all_reduce_sum writes %s: a train step fails or trains", names[k]);
            CASE(f, label, X_SHAPE | X_NONFINITE | X_OK) {
                axon_model *m = model(BN_NET);
                size_t layers;
                if (axon_model_sync_batchnorm(&layers, m, 0, 1, hook_fill, (void *)&odd[k]) != AXON_OK)
                    setup_fail("sync");
                END(axon_train_step(&loss, m, model_sgd(m), "mse", mat(4, 2), mat(4, 2), 0));
            }
        }
    }
    CASE(f, "a batch of one sample over the replicas", X_SHAPE) {
        axon_model *m = model(BN_NET);
        axon_tensor *out = NULL;
        size_t layers;
        if (axon_model_sync_batchnorm(&layers, m, 0, 1, hook_keep, NULL) != AXON_OK) setup_fail("sync");
        END(axon_model_forward(&out, m, mat(1, 2)));
    }
}

static const float labels8[8] = {0, 1, 1, 0, 1, 0, 0, 1};

/* What the hooked step and the fit loop are given; fixtures are made before any bad handle. */
typedef struct {
    axon_model *m;
    axon_optimizer *opt;
    axon_scheduler *sched;
    axon_loader *loader;
    axon_tensor *x, *y;
    const char *loss;
    int epochs;
    size_t capacity;
    axon_replica_fn hook;
    void *user;
} replica_args;

/* A classifier over 8 samples of 2 features; the loader is rank 0 of 2 in batches of 2. */
static replica_args setup(const char *spec) {
    replica_args a;
    a.m = model(spec);
    a.opt = model_sgd(a.m);
    a.sched = NULL;
    a.loader = NULL;
    if (axon_loader_new_sharded(&a.loader, dataset(8), 2, 1, 0, 7, 0, 2) != AXON_OK) setup_fail("sharded loader");
    a.x = mat(8, 2);
    a.y = values(labels8, 8);
    a.loss = "cross_entropy";
    a.epochs = 2;
    a.capacity = 4;
    a.hook = hook_keep;
    a.user = NULL;
    return a;
}

static axon_status step(const replica_args *a) {
    float loss;
    return axon_train_step_hooked(&loss, a->m, a->opt, a->loss, a->x, a->y, 0, a->hook, a->user);
}

/* axon_fit_loader; R_BADVAL when it fails but reports records. */
static int fit(const replica_args *a) {
    axon_epoch_record r[4];
    size_t count = 99;
    axon_status st = axon_fit_loader(r, a->capacity, &count, a->m, a->opt, a->sched, a->loss, a->loader, NULL, NULL,
                                     a->epochs, 0, a->hook, a->user);
    return st != AXON_OK && count != 0 ? R_BADVAL : (int)st;
}

/* `status`, or R_BADVAL when it is an error but the state of `a->m` is no longer `before`. */
#define UNCHANGED(call, a, before, n) unchanged_on_error((axon_status)(call), (a).m, (before), (n))

static void hooked_step(void) {
    const char *f = "axon_train_step_hooked";
    static const int codes[3] = {1, -1, INT_MAX};
    char label[96];
    int k, c;
    CASE(f, "control", CONTROL) {
        replica_args a = setup(BN_NET);
        END(step(&a));
    }
    CASE(f, "NULL gradient_hook", X_INVAL) {
        replica_args a = setup(BN_NET);
        a.hook = NULL;
        END(step(&a));
    }
    CASE(f, "NULL out_loss", X_INVAL) {
        replica_args a = setup(BN_NET);
        END(axon_train_step_hooked(NULL, a.m, a.opt, a.loss, a.x, a.y, 0, hook_keep, NULL));
    }
    CASE(f, "NULL loss", X_INVAL) {
        replica_args a = setup(BN_NET);
        a.loss = NULL;
        END(step(&a));
    }
    CASE(f, "a target of another shape: nothing changes", X_SHAPE) {
        replica_args a = setup(BN_NET);
        size_t n;
        float *before = state_of(a.m, &n);
        a.loss = "mse";
        a.y = mat(8, 3);
        END(UNCHANGED(step(&a), a, before, n));
    }
    CASE(f, "clip_norm NaN", X_INVAL) {
        replica_args a = setup(BN_NET);
        float loss;
        END(axon_train_step_hooked(&loss, a.m, a.opt, a.loss, a.x, a.y, NAN, hook_keep, NULL));
    }
    for (k = 0; k < N_BAD; ++k) {
        CASE(f, bad_label(k, "m"), X_INVAL) {
            replica_args a = setup(BN_NET);
            a.m = (axon_model *)bad_handle(H_MODEL, k);
            END(step(&a));
        }
        CASE(f, bad_label(k, "opt"), X_INVAL) {
            replica_args a = setup(BN_NET);
            a.opt = (axon_optimizer *)bad_handle(H_OPT, k);
            END(step(&a));
        }
        CASE(f, bad_label(k, "x"), X_INVAL) {
            replica_args a = setup(BN_NET);
            a.x = (axon_tensor *)bad_handle(H_TENSOR, k);
            END(step(&a));
        }
        CASE(f, bad_label(k, "y"), X_INVAL) {
            replica_args a = setup(BN_NET);
            a.y = (axon_tensor *)bad_handle(H_TENSOR, k);
            END(step(&a));
        }
    }
    for (c = 0; c < 3; ++c) {
        snprintf(label, sizeof label, "gradient_hook returns %d: nothing changes", codes[c]);
        CASE(f, label, X_CALLBACK) {
            replica_args a = setup(BN_NET);
            size_t n;
            float *before = state_of(a.m, &n);
            a.hook = hook_scribble;
            a.user = (void *)&codes[c];
            END(UNCHANGED(step(&a), a, before, n));
        }
    }
    CASE(f, "gradient_hook writes NaN: AXON_ERR_NONFINITE, nothing changes", X_NONFINITE) {
        replica_args a = setup(BN_NET);
        size_t n;
        float *before = state_of(a.m, &n);
        a.hook = hook_nan;
        END(UNCHANGED(step(&a), a, before, n));
    }
}

static void sharded_loaders(void) {
    const char *f = "axon_loader_new_sharded";
    static const int bad_flags[] = {2, -1};
    char label[96];
    size_t i;
    int k;
    CASE(f, "control: rank 1 of 2", CONTROL) {
        axon_loader *l = NULL;
        axon_status st = axon_loader_new_sharded(&l, dataset(10), 2, 1, 0, 7, 1, 2);
        END_CHECKED(st, axon_loader_batch_count(l) == 3);
    }
    CASE(f, "control: rank 0 of 1 is axon_loader_new", CONTROL) {
        axon_loader *l = NULL;
        END(axon_loader_new_sharded(&l, dataset(5), 2, 0, 0, 7, 0, 1));
    }
    CASE(f, "an empty dataset", X_OK | X_INVAL) {
        axon_loader *l = NULL;
        END(axon_loader_new_sharded(&l, dataset(0), 2, 1, 0, 7, 0, 2));
    }
    CASE(f, "NULL out", X_INVAL) { END(axon_loader_new_sharded(NULL, dataset(10), 2, 0, 0, 7, 0, 2)); }
    for (k = 0; k < N_BAD; ++k) {
        CASE(f, bad_label(k, "dataset"), X_INVAL) {
            axon_loader *l = NULL;
            END(axon_loader_new_sharded(&l, (axon_dataset *)bad_handle(H_DATASET, k), 2, 0, 0, 7, 0, 2));
        }
    }
    {
        typedef struct { const char *label; size_t batch, rank, world; } shard_case;
        static const shard_case bad[] = {
            {"rank 2 of 2", 2, 2, 2}, {"rank SIZE_MAX of 2", 2, SZ_NEG, 2}, {"world_size 0", 2, 0, 0},
            {"world_size SIZE_MAX", 2, 0, SZ_NEG}, {"rank and world_size SIZE_MAX", 2, SZ_NEG, SZ_NEG},
            {"batch_size 0", 0, 0, 2}, {"batch_size SIZE_MAX", SZ_NEG, 0, 2},
            {"batch_size 2^62 x world_size 2 overflows", (size_t)1 << 62, 0, 2},
            {"batch_size 2 x world_size 2^62 overflows", 2, 0, (size_t)1 << 62},
            {"batch_size INT64_MAX x world_size 3", SZ_NEG / 2, 1, 3},
            {"a last global batch of 1 sample for 3 ranks (10 = 3 x 3 + 1)", 3, 0, 3},
        };
        for (i = 0; i < sizeof bad / sizeof *bad; ++i) {
            CASE(f, bad[i].label, X_INVAL) {
                axon_loader *l = NULL;
                END(axon_loader_new_sharded(&l, dataset(10), bad[i].batch, 0, 0, 7, bad[i].rank, bad[i].world));
            }
        }
    }
    CASE(f, "a last global batch of 1 sample for 3 ranks, drop_last", X_OK) {
        axon_loader *l = NULL;
        axon_status st = axon_loader_new_sharded(&l, dataset(10), 3, 0, 1, 7, 2, 3);
        END_CHECKED(st, axon_loader_batch_count(l) == 1);
    }
    CASE(f, "batch_size 2^61 x world_size 3: one batch, no overflow", X_OK) {
        axon_loader *l = NULL;
        axon_tensor *x = NULL, *y = NULL;
        axon_status st = axon_loader_new_sharded(&l, dataset(10), (size_t)1 << 61, 1, 0, 7, 2, 3);
        if (st != AXON_OK) END(st);
        st = axon_loader_next(&x, &y, l);
        END_CHECKED(st, x != NULL && axon_tensor_numel(y) == 4);
    }
    for (i = 0; i < sizeof bad_flags / sizeof *bad_flags; ++i) {
        snprintf(label, sizeof label, "shuffle %d", bad_flags[i]);
        CASE(f, label, X_INVAL) {
            axon_loader *l = NULL;
            END(axon_loader_new_sharded(&l, dataset(10), 2, bad_flags[i], 0, 7, 0, 2));
        }
        snprintf(label, sizeof label, "drop_last %d", bad_flags[i]);
        CASE(f, label, X_INVAL) {
            axon_loader *l = NULL;
            END(axon_loader_new_sharded(&l, dataset(10), 2, 0, bad_flags[i], 7, 0, 2));
        }
    }
}

static void fit_loader(void) {
    const char *f = "axon_fit_loader";
    int k;
    CASE(f, "control", CONTROL) {
        replica_args a = setup("linear 2 2");
        END(fit(&a));
    }
    CASE(f, "control: NULL gradient_hook, a scheduler, validation", CONTROL) {
        replica_args a = setup("linear 2 2");
        axon_epoch_record r[4];
        size_t count;
        END(axon_fit_loader(r, 4, &count, a.m, a.opt, step_sched(a.opt), a.loss, a.loader, mat(4, 2),
                            values(labels8, 4), 2, 0, NULL, NULL));
    }
    CASE(f, "control: after an epoch read to its end", CONTROL) {
        replica_args a = setup("linear 2 2");
        axon_tensor *x = vec(1), *y = NULL;
        while (x != NULL) {
            if (axon_loader_next(&x, &y, a.loader) != AXON_OK) setup_fail("next");
        }
        END(fit(&a));
    }
    CASE(f, "a written record count", X_VOID) {
        replica_args a = setup("linear 2 2");
        axon_epoch_record r[4];
        size_t count = 99;
        axon_status st = axon_fit_loader(r, 4, &count, a.m, a.opt, NULL, a.loss, a.loader, NULL, NULL, 3, 0, hook_keep,
                                         NULL);
        END_IF(st == AXON_OK && count == 3);
    }
    CASE(f, "a loader inside an epoch: AXON_ERR_STATE, nothing changes", X_STATE) {
        replica_args a = setup("linear 2 2");
        axon_tensor *x = NULL, *y = NULL;
        size_t n;
        float *before = state_of(a.m, &n);
        if (axon_loader_next(&x, &y, a.loader) != AXON_OK) setup_fail("next");
        END(UNCHANGED(fit(&a), a, before, n));
    }
    CASE(f, "gradient_hook fails", X_CALLBACK) {
        replica_args a = setup("linear 2 2");
        a.hook = hook_scribble;
        END(fit(&a));
    }
    CASE(f, "gradient_hook writes NaN: every step skipped", X_OK) {
        replica_args a = setup("linear 2 2");
        a.hook = hook_nan;
        END(fit(&a));
    }
    CASE(f, "NULL out_count", X_INVAL) {
        replica_args a = setup("linear 2 2");
        axon_epoch_record r[4];
        END(axon_fit_loader(r, 4, NULL, a.m, a.opt, NULL, a.loss, a.loader, NULL, NULL, 1, 0, hook_keep, NULL));
    }
    CASE(f, "NULL out_records, capacity 4", X_INVAL) {
        replica_args a = setup("linear 2 2");
        size_t count;
        END(axon_fit_loader(NULL, 4, &count, a.m, a.opt, NULL, a.loss, a.loader, NULL, NULL, 1, 0, hook_keep, NULL));
    }
    CASE(f, "capacity 1 < 2 epochs", X_INVAL) {
        replica_args a = setup("linear 2 2");
        a.capacity = 1;
        END(fit(&a));
    }
    CASE(f, "capacity SIZE_MAX", X_INVAL) {
        replica_args a = setup("linear 2 2");
        a.capacity = SZ_NEG;
        END(fit(&a));
    }
    CASE(f, "epochs -1", X_INVAL) {
        replica_args a = setup("linear 2 2");
        a.epochs = -1;
        END(fit(&a));
    }
    CASE(f, "epochs INT_MIN", X_INVAL) {
        replica_args a = setup("linear 2 2");
        a.epochs = INT_MIN;
        END(fit(&a));
    }
    CASE(f, "epochs INT_MAX, capacity 4 (refused before training)", X_INVAL) {
        replica_args a = setup("linear 2 2");
        a.epochs = INT_MAX;
        END(fit(&a));
    }
    CASE(f, "NULL loss", X_INVAL) {
        replica_args a = setup("linear 2 2");
        a.loss = NULL;
        END(fit(&a));
    }
    CASE(f, "val_x without val_y", X_INVAL) {
        replica_args a = setup("linear 2 2");
        axon_epoch_record r[4];
        size_t count;
        END(axon_fit_loader(r, 4, &count, a.m, a.opt, NULL, a.loss, a.loader, mat(4, 2), NULL, 1, 0, hook_keep,
                            NULL));
    }
    CASE(f, "a scheduler of another optimizer", X_INVAL | X_STATE) {
        replica_args a = setup("linear 2 2");
        a.sched = step_sched(sgd_over(vec_rg(2)));
        END(fit(&a));
    }
    CASE(f, "features of 2 for a model of 3", X_SHAPE) {
        replica_args a = setup("linear 3 2");
        END(fit(&a));
    }
    for (k = 0; k < N_BAD; ++k) {
        CASE(f, bad_label(k, "m"), X_INVAL) {
            replica_args a = setup("linear 2 2");
            a.m = (axon_model *)bad_handle(H_MODEL, k);
            END(fit(&a));
        }
        CASE(f, bad_label(k, "opt"), X_INVAL) {
            replica_args a = setup("linear 2 2");
            a.opt = (axon_optimizer *)bad_handle(H_OPT, k);
            END(fit(&a));
        }
        CASE(f, bad_label(k, "loader"), X_INVAL) {
            replica_args a = setup("linear 2 2");
            a.loader = (axon_loader *)bad_handle(H_LOADER, k);
            END(fit(&a));
        }
        if (k == BAD_NULL) continue;
        CASE(f, bad_label(k, "sched"), X_INVAL) {
            replica_args a = setup("linear 2 2");
            a.sched = (axon_scheduler *)bad_handle(H_SCHED, k);
            END(fit(&a));
        }
    }
}

void cases_replicas_train(void) {
    sync_batchnorm();
    hooked_step();
    sharded_loaders();
    fit_loader();
}
