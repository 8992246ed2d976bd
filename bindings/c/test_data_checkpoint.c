/*
** test_data_checkpoint.c - checkpoints with a data loader through include/axon.h: a run
** paused mid-epoch (or between epochs) and resumed into fresh objects reads the same batches
** and ends bit for bit where an uninterrupted run ends. Built with gcc -std=c99 -Wall -Wextra
** -Werror -pedantic by run_tests.sh.
*/
#define _POSIX_C_SOURCE 200809L

#include "check.h"

#include <unistd.h>

#define BATCH 32 /* 200 samples: 7 batches, the last of 8 */

typedef struct run {
    axon_model *m;
    axon_optimizer *opt;
    axon_scheduler *sched;
    axon_loader *loader;
} run;

static void make_run(run *r, const axon_dataset *d, uint64_t seed) {
    const char *keys[1] = {"lr"}, *skeys[2] = {"step_size", "gamma"};
    const double values[1] = {0.02}, svalues[2] = {1, 0.5};
    axon_tensor **params;
    size_t n;
    CHECK_OK(axon_model_new(&r->m, "linear 2 16; batchnorm1d 16; relu; dropout 0.3; linear 16 2", seed));
    params = parameters(r->m, &n);
    CHECK_OK(axon_optimizer_new(&r->opt, "adam", params, n, keys, values, 1));
    free_all(params, n);
    CHECK_OK(axon_scheduler_new(&r->sched, r->opt, "step", skeys, svalues, 2));
    CHECK_OK(axon_loader_new(&r->loader, d, BATCH, 1, 0, seed + 1000));
}

static void free_run(run *r) {
    axon_loader_free(r->loader);
    axon_scheduler_free(r->sched);
    axon_optimizer_free(r->opt);
    axon_model_free(r->m);
}

/* Trains on up to `batches` batches of the loader (fewer when the epoch ends first, which
** steps the schedule); returns the number trained. The first feature of each batch goes to
** `firsts` unless that is NULL. */
static int train(run *r, int batches, float *firsts) {
    int done = 0;
    while (done < batches) {
        axon_tensor *x = NULL, *y = NULL;
        float loss;
        CHECK_OK(axon_loader_next(&x, &y, r->loader));
        if (x == NULL) {
            CHECK_OK(axon_scheduler_step(r->sched));
            break;
        }
        CHECK_OK(axon_train_step(&loss, r->m, r->opt, "cross_entropy", x, y, 0));
        if (firsts) {
            float xv[2 * BATCH];
            CHECK_OK(axon_tensor_copy_data(x, xv, 2 * BATCH));
            firsts[done] = xv[0]; /* identifies the batch's first sample */
        }
        axon_tensor_free(x);
        axon_tensor_free(y);
        ++done;
    }
    return done;
}

/* Trains whole epochs: `epochs` times until the loader reports the end. */
static void train_epochs(run *r, int epochs) {
    int e;
    for (e = 0; e < epochs; ++e) train(r, 1 << 30, NULL);
}

static int same_state(const axon_model *a, const axon_model *b) {
    size_t i, n = axon_model_state_count(a);
    int same = n == axon_model_state_count(b);
    for (i = 0; same && i < n; ++i) {
        axon_tensor *ta = NULL, *tb = NULL;
        float va[64], vb[64];
        size_t k;
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

static axon_dataset *make_dataset(void) {
    static float features[2 * N_SAMPLES], targets[N_SAMPLES];
    const int64_t sx[2] = {N_SAMPLES, 2}, sy[1] = {N_SAMPLES};
    axon_tensor *x, *y;
    axon_dataset *d = NULL;
    make_problem(features, targets, 11);
    x = make(features, 2 * N_SAMPLES, sx, 2, 0);
    y = make(targets, N_SAMPLES, sy, 1, 0);
    CHECK_OK(axon_dataset_new(&d, x, y));
    axon_tensor_free(x);
    axon_tensor_free(y);
    return d;
}

/* 3 epochs straight vs. 1 epoch + 3 batches, a checkpoint, and the rest in fresh objects. */
static void test_resume_mid_epoch(const axon_dataset *d, const char *path) {
    run straight, paused, resumed;
    float a[8], b[8], c[8];
    double lr1 = 0, lr3 = 0;
    int i;

    make_run(&straight, d, 1);
    train_epochs(&straight, 1);
    CHECK(train(&straight, 3, NULL) == 3);
    CHECK(train(&straight, 8, a) == 4); /* the rest of epoch 2 ends it */
    train_epochs(&straight, 1);

    make_run(&paused, d, 1);
    train_epochs(&paused, 1);
    CHECK(train(&paused, 3, NULL) == 3);
    CHECK_OK(axon_checkpoint_save_loader(path, paused.m, paused.opt, paused.sched, paused.loader));
    CHECK(train(&paused, 8, b) == 4);

    make_run(&resumed, d, 77); /* other weights, streams and shuffling seed: all restored */
    CHECK(!same_state(resumed.m, straight.m));
    CHECK_OK(axon_checkpoint_restore_loader(path, resumed.m, resumed.opt, resumed.sched, resumed.loader));
    {
        /* The older function reads the same file (the loader's position is left out). */
        run old;
        make_run(&old, d, 78);
        CHECK_OK(axon_checkpoint_restore(path, old.m, old.opt, old.sched));
        CHECK(same_state(old.m, resumed.m));
        free_run(&old);
    }
    CHECK(train(&resumed, 8, c) == 4);
    for (i = 0; i < 4; ++i) CHECK(a[i] == b[i] && b[i] == c[i]);
    CHECK(same_state(resumed.m, paused.m));
    train_epochs(&resumed, 1);
    CHECK(same_state(resumed.m, straight.m));
    CHECK_OK(axon_optimizer_get_lr(&lr1, straight.opt, 0));
    CHECK_OK(axon_optimizer_get_lr(&lr3, resumed.opt, 0));
    CHECK(lr1 == lr3 && lr1 == 0.02 * 0.5 * 0.5 * 0.5);

    free_run(&straight);
    free_run(&paused);
    free_run(&resumed);
}

/* A checkpoint between epochs (after the loader wrote NULL) resumes with the next epoch, and
** one taken before the first batch resumes with the first. */
static void test_resume_between_epochs(const axon_dataset *d, const char *path) {
    run straight, resumed, fresh;
    float a[8], c[8];
    int i;

    make_run(&straight, d, 2);
    train_epochs(&straight, 2);
    make_run(&resumed, d, 2);
    train_epochs(&resumed, 1);
    CHECK_OK(axon_checkpoint_save_loader(path, resumed.m, resumed.opt, resumed.sched, resumed.loader));
    free_run(&resumed);
    make_run(&resumed, d, 5);
    CHECK_OK(axon_checkpoint_restore_loader(path, resumed.m, resumed.opt, resumed.sched, resumed.loader));
    train_epochs(&resumed, 1);
    CHECK(same_state(resumed.m, straight.m));
    CHECK(train(&straight, 8, a) == 7 && train(&resumed, 8, c) == 7);
    for (i = 0; i < 7; ++i) CHECK(a[i] == c[i]);

    make_run(&fresh, d, 3);
    CHECK_OK(axon_checkpoint_save_loader(path, fresh.m, fresh.opt, fresh.sched, fresh.loader));
    train_epochs(&fresh, 1);
    free_run(&resumed);
    make_run(&resumed, d, 9);
    CHECK_OK(axon_checkpoint_restore_loader(path, resumed.m, resumed.opt, resumed.sched, resumed.loader));
    train_epochs(&resumed, 1);
    CHECK(same_state(resumed.m, fresh.m));
    free_run(&straight);
    free_run(&resumed);
    free_run(&fresh);
}

static void test_errors(const axon_dataset *d, const char *path) {
    run r, other;
    axon_loader *big_batches = NULL;

    make_run(&r, d, 4);
    make_run(&other, d, 5);
    train(&r, 5, NULL);
    CHECK_OK(axon_checkpoint_save_loader(path, r.m, r.opt, r.sched, r.loader));

    /* A loader with fewer batches per epoch than the position: refused, nothing changed. */
    CHECK_OK(axon_loader_new(&big_batches, d, 100, 1, 0, 1));
    CHECK_STATUS(axon_checkpoint_restore_loader(path, other.m, other.opt, other.sched, big_batches),
                 AXON_ERR_FORMAT);
    CHECK_ERROR_MENTIONS("in global batches of 100"); /* the saved loader had another batch size */
    CHECK(!same_state(other.m, r.m));

    /* A file without a loader position: refused before the model is touched. */
    CHECK_OK(axon_checkpoint_save(path, r.m, r.opt, r.sched));
    CHECK_STATUS(axon_checkpoint_restore_loader(path, other.m, other.opt, other.sched, other.loader),
                 AXON_ERR_FORMAT);
    CHECK_ERROR_MENTIONS("no data loader section");
    CHECK(!same_state(other.m, r.m));

    CHECK_STATUS(axon_checkpoint_save_loader(path, r.m, r.opt, r.sched, NULL), AXON_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("loader is NULL");
    CHECK_STATUS(axon_checkpoint_save_loader(NULL, r.m, r.opt, r.sched, r.loader), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_checkpoint_save_loader(path, NULL, NULL, NULL, r.loader), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_checkpoint_save_loader("/nonexistent/dir/x.axon", r.m, NULL, NULL, r.loader),
                 AXON_ERR_IO);
    CHECK_STATUS(axon_checkpoint_restore_loader(path, r.m, r.opt, r.sched, NULL), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_checkpoint_restore_loader(NULL, r.m, r.opt, r.sched, r.loader),
                 AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_checkpoint_restore_loader("/nonexistent/x.axon", r.m, NULL, NULL, r.loader), AXON_ERR_IO);
    CHECK_STATUS(axon_checkpoint_restore_loader(path, r.m, r.opt, r.sched, (axon_loader *)r.m),
                 AXON_ERR_INVALID_ARGUMENT);
    axon_loader_free(big_batches);
    free_run(&r);
    free_run(&other);
}

int main(void) {
    char path[64];
    axon_dataset *d = make_dataset();
    snprintf(path, sizeof path, "/tmp/axon_test_data_checkpoint_%ld.axon", (long)getpid());
    test_resume_mid_epoch(d, path);
    test_resume_between_epochs(d, path);
    test_errors(d, path);
    unlink(path);
    axon_dataset_free(d);
    return report("test_data_checkpoint");
}
