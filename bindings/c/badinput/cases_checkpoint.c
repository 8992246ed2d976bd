/*
** cases_checkpoint.c - checkpoints: save and restore, with a plateau and with a loader.
** Every case builds "linear 2 3" with sgd over it, a step schedule, a plateau and a loader
** over 4 samples in batches of 2.
*/
#include "harness.h"

typedef struct {
    axon_model *m;
    axon_optimizer *opt;
    axon_scheduler *sched;
    axon_plateau *plateau;
    axon_loader *loader;
} objects;

static objects build(void) {
    objects o;
    o.m = model("linear 2 3");
    o.opt = model_sgd(o.m);
    o.sched = step_sched(o.opt);
    o.plateau = plateau_of(o.opt);
    o.loader = loader(dataset(4), 2);
    return o;
}

/* which: 0 plain, 1 plateau, 2 loader. */
static axon_status save(int which, const char *path, const objects *o) {
    switch (which) {
    case 0: return axon_checkpoint_save(path, o->m, o->opt, o->sched);
    case 1: return axon_checkpoint_save_plateau(path, o->m, o->opt, o->sched, o->plateau);
    default: return axon_checkpoint_save_loader(path, o->m, o->opt, o->sched, o->loader);
    }
}

static axon_status restore(int which, const char *path, const objects *o) {
    switch (which) {
    case 0: return axon_checkpoint_restore(path, o->m, o->opt, o->sched);
    case 1: return axon_checkpoint_restore_plateau(path, o->m, o->opt, o->sched, o->plateau);
    default: return axon_checkpoint_restore_loader(path, o->m, o->opt, o->sched, o->loader);
    }
}

static int current;

/* A checkpoint of build()'s objects; with a loader, saved after one batch of the first epoch. */
static const char *valid_file(void) {
    objects o = build();
    axon_tensor *x = NULL, *y = NULL;
    if (current == 2 && (axon_loader_next(&x, &y, o.loader) != AXON_OK || !x)) setup_fail("a batch");
    if (save(current, "ckpt.axon", &o) != AXON_OK) setup_fail("a checkpoint");
    return "ckpt.axon";
}

static axon_status save_at(const char *path) {
    objects o = build();
    return save(current, path, &o);
}

static axon_status restore_at(const char *path) {
    objects o = build();
    return restore(current, path, &o);
}

static void per_kind(int which) {
    static const char *const saves[3] = {"axon_checkpoint_save", "axon_checkpoint_save_plateau",
                                         "axon_checkpoint_save_loader"};
    static const char *const restores[3] = {"axon_checkpoint_restore", "axon_checkpoint_restore_plateau",
                                            "axon_checkpoint_restore_loader"};
    const char *fs = saves[which], *fr = restores[which];
    int k, r;
    current = which;
    write_path_cases(fs, save_at);
    read_path_cases(fr, restore_at, valid_file, tensors_file, 1);
    CASE(fr, "a model file (no optimizer section)", X_ERR) {
        objects o = build();
        END(restore(which, model_file(), &o));
    }
    for (r = 0; r < 2; ++r) {
        const char *f = r == 0 ? fs : fr;
        for (k = 0; k < N_BAD; ++k) {
            CASE(f, bad_label(k, "m"), X_INVAL) {
                objects o;
                if (r == 1) valid_file();
                o = build();
                o.m = (axon_model *)bad_handle(H_MODEL, k);
                END(r == 0 ? save(which, "out.axon", &o) : restore(which, "ckpt.axon", &o));
            }
            if (k == BAD_NULL && which != 2) continue;
            CASE(f, bad_label(k, which == 2 ? "loader" : which == 1 ? "plateau" : "opt"), X_INVAL) {
                objects o;
                if (r == 1) valid_file();
                o = build();
                if (which == 0) o.opt = (axon_optimizer *)bad_handle(H_OPT, k);
                if (which == 1) o.plateau = (axon_plateau *)bad_handle(H_PLATEAU, k);
                if (which == 2) o.loader = (axon_loader *)bad_handle(H_LOADER, k);
                END(r == 0 ? save(which, "out.axon", &o) : restore(which, "ckpt.axon", &o));
            }
            if (k == BAD_NULL) continue;
            CASE(f, bad_label(k, "sched"), X_INVAL) {
                objects o;
                if (r == 1) valid_file();
                o = build();
                o.sched = (axon_scheduler *)bad_handle(H_SCHED, k);
                END(r == 0 ? save(which, "out.axon", &o) : restore(which, "ckpt.axon", &o));
            }
        }
    }
    CASE(fs, "control: the model alone", CONTROL) {
        objects o = build();
        o.opt = NULL;
        o.sched = NULL;
        o.plateau = NULL;
        END(save(which, "alone.axon", &o));
    }
    CASE(fr, "a model of another shape (linear 2 4)", X_SHAPE) {
        objects o;
        valid_file();
        o = build();
        o.m = model("linear 2 4");
        o.opt = model_sgd(o.m);
        o.sched = step_sched(o.opt);
        o.plateau = plateau_of(o.opt);
        END(restore(which, "ckpt.axon", &o));
    }
    CASE(fr, "a model with other names (linear 2 3; relu)", X_INVAL) {
        objects o;
        valid_file();
        o = build();
        o.m = model("linear 2 3; relu");
        END(restore(which, "ckpt.axon", &o));
    }
    CASE(fr, "an optimizer of another kind (adam)", X_FORMAT) {
        objects o;
        valid_file();
        o = build();
        o.opt = opt_of("adam", param0(o.m), NULL, 0);
        o.sched = NULL;
        END(restore(which, "ckpt.axon", &o));
    }
    CASE(fr, "an optimizer when the file has none", X_ERR) {
        objects o = build(), alone = build();
        alone.opt = NULL;
        alone.sched = NULL;
        alone.plateau = NULL;
        if (save(which, "alone.axon", &alone) != AXON_OK) setup_fail("a checkpoint without optimizer");
        END(restore(which, "alone.axon", &o));
    }
    if (which == 1) {
        CASE(fr, "a plateau when the file has none", X_ERR) {
            objects o = build();
            if (axon_checkpoint_save("plain.axon", o.m, o.opt, o.sched) != AXON_OK) setup_fail("a checkpoint");
            END(restore(which, "plain.axon", &o));
        }
    }
    if (which == 2) {
        CASE(fr, "a file without a loader position", X_FORMAT) {
            objects o = build();
            if (axon_checkpoint_save("plain.axon", o.m, o.opt, o.sched) != AXON_OK) setup_fail("a checkpoint");
            END(restore(which, "plain.axon", &o));
        }
        CASE(fr, "a loader of another batch size", X_FORMAT) {
            objects o;
            valid_file();
            o = build();
            o.loader = loader(dataset(4), 3);
            END(restore(which, "ckpt.axon", &o));
        }
        CASE(fr, "a loader over another dataset size", X_FORMAT) {
            objects o;
            valid_file();
            o = build();
            o.loader = loader(dataset(6), 2);
            END(restore(which, "ckpt.axon", &o));
        }
    }
}

void cases_checkpoint(void) {
    int which;
    for (which = 0; which < 3; ++which) per_kind(which);
}
