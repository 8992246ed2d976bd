/*
** test_replicas.c - data-parallel training through include/axon.h, with one process playing
** every replica: sharded loaders whose shards join to the single-process batches (and whose
** checkpoint resumes in one process), flat buffers, broadcast, a gradient hook, synchronized
** batch normalization and the fit loop over a loader. Built with gcc -std=c99 -Wall -Wextra
** -Werror -pedantic by run_tests.sh.
*/
#define _POSIX_C_SOURCE 200809L

#include "check.h"

#include <unistd.h>

#define N 15     /* samples: global batches of 6 (3 ranks x 2), the last of 3 */
#define WORLD 3
#define BATCH 2
#define MODEL "linear 3 4; batchnorm1d 4; relu; linear 4 2"
#define N_PARAMS 34 /* 12 + 4, 4 + 4, 8 + 2 */
#define N_STATE 43  /* and BatchNorm's running mean (4), variance (4) and batch count (1) */

/* A dataset of `n` samples: features [n, 2] holding 2 i and 2 i + 1, targets [n] holding i
** ([n, 1] with `column`). */
static axon_dataset *indexed(size_t n, int column) {
    float xs[2 * 64], ys[64];
    int64_t sx[2], sy[2];
    axon_tensor *x, *y;
    axon_dataset *d = NULL;
    size_t i;
    for (i = 0; i < 2 * n; ++i) xs[i] = (float)i;
    for (i = 0; i < n; ++i) ys[i] = (float)i;
    sx[0] = sy[0] = (int64_t)n;
    sx[1] = 2;
    sy[1] = 1;
    x = make(xs, 2 * n, sx, 2, 0);
    y = make(ys, n, sy, column ? 2 : 1, 0);
    CHECK_OK(axon_dataset_new(&d, x, y));
    axon_tensor_free(x);
    axon_tensor_free(y);
    return d;
}

/* The targets (sample indices) of the loader's next batch into `out`; their count, 0 at the
** end of an epoch. */
static size_t next_indices(axon_loader *l, float *out) {
    axon_tensor *x = NULL, *y = NULL;
    size_t n = 0;
    CHECK_OK(axon_loader_next(&x, &y, l));
    if (y != NULL) {
        n = axon_tensor_numel(y);
        CHECK_OK(axon_tensor_copy_data(y, out, 64));
    }
    axon_tensor_free(x);
    axon_tensor_free(y);
    return n;
}

/* Whether the ranks' next batches, joined in rank order, are the single loader's next batch. */
static int joined_is_next(axon_loader *single, axon_loader *const *ranks, size_t world) {
    float expected[64], got[64];
    size_t n = next_indices(single, expected), at = 0, r;
    for (r = 0; r < world; ++r) {
        size_t k = next_indices(ranks[r], got + at);
        if (n > 0 && k == 0) return 0;
        at += k;
    }
    return at == n && memcmp(expected, got, n * sizeof(float)) == 0;
}

static void sharded_loaders(void) {
    axon_dataset *d = indexed(N, 0), *d14 = indexed(14, 0);
    axon_loader *single = NULL, *ranks[WORLD] = {NULL, NULL, NULL}, *l = NULL, *resumed = NULL;
    axon_model *m = NULL;
    char path[64];
    size_t r, b;
    int e;
    CHECK_OK(axon_loader_new(&single, d, WORLD * BATCH, 1, 0, 5));
    for (r = 0; r < WORLD; ++r) CHECK_OK(axon_loader_new_sharded(&ranks[r], d, BATCH, 1, 0, 5, r, WORLD));
    CHECK(axon_loader_batch_count(ranks[0]) == 3 && axon_loader_batch_count(single) == 3);
    for (e = 0; e < 2; ++e) {
        for (b = 0; b <= 3; ++b) CHECK(joined_is_next(single, ranks, WORLD)); /* b == 3: the end */
    }
    /* 14 = 2 x 6 + 2: a last global batch of 2 samples cannot give 3 ranks one each. */
    CHECK_STATUS(axon_loader_new_sharded(&l, d14, BATCH, 1, 0, 5, 0, WORLD), AXON_ERR_INVALID_ARGUMENT);
    CHECK_OK(axon_loader_new_sharded(&l, d14, BATCH, 1, 1, 5, 0, WORLD));
    CHECK(axon_loader_batch_count(l) == 2);
    axon_loader_free(l);
    CHECK_STATUS(axon_loader_new_sharded(&l, d, BATCH, 1, 0, 5, WORLD, WORLD), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_loader_new_sharded(&l, d, BATCH, 1, 0, 5, 0, 0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_loader_new_sharded(&l, d, (size_t)1 << 62, 1, 0, 5, 0, 2), AXON_ERR_INVALID_ARGUMENT);

    /* Rank 1 saves after one batch of the third epoch; one process of batch 6 resumes it. */
    CHECK(joined_is_next(single, ranks, WORLD));
    CHECK_OK(axon_model_new(&m, "linear 2 2", 1));
    snprintf(path, sizeof path, "test_replicas_%ld.axon", (long)getpid());
    CHECK_OK(axon_checkpoint_save_loader(path, m, NULL, NULL, ranks[1]));
    CHECK_OK(axon_loader_new(&resumed, d, WORLD * BATCH, 1, 0, 99));
    CHECK_OK(axon_checkpoint_restore_loader(path, m, NULL, NULL, resumed));
    for (b = 0; b < 4; ++b) { /* the rest of the epoch, its end, and the next epoch's first */
        float a[64], c[64];
        size_t na = next_indices(single, a), nc = next_indices(resumed, c);
        CHECK(na == nc && memcmp(a, c, na * sizeof(float)) == 0);
    }
    remove(path);
    axon_model_free(m);
    axon_loader_free(resumed);
    for (r = 0; r < WORLD; ++r) axon_loader_free(ranks[r]);
    axon_loader_free(single);
    axon_dataset_free(d);
    axon_dataset_free(d14);
}

static void flat_buffers(void) {
    axon_model *m = NULL, *other = NULL;
    axon_tensor **params, *x, *out = NULL, *s = NULL;
    float buf[N_STATE], again[N_STATE], state[N_STATE + 8], xs[15];
    size_t n, i, at = 0;
    const int64_t sx[2] = {5, 3};
    CHECK_OK(axon_model_new(&m, MODEL, 3));
    CHECK(axon_model_flat_count(m, AXON_PART_PARAMETERS) == N_PARAMS);
    CHECK(axon_model_flat_count(m, AXON_PART_GRADIENTS) == N_PARAMS);
    CHECK(axon_model_flat_count(m, AXON_PART_STATE) == N_STATE);
    CHECK(axon_model_flat_count(m, 3) == 0 && axon_model_flat_count(NULL, AXON_PART_STATE) == 0);
    /* The state buffer is the state tensors one after another; parameters in their order. */
    CHECK_OK(axon_model_flat_read(m, AXON_PART_STATE, buf, N_STATE));
    CHECK(state_values(m, state, N_STATE + 8) == N_STATE && memcmp(buf, state, sizeof buf) == 0);
    params = parameters(m, &n);
    CHECK(n == 6);
    for (i = 0; i < n; ++i) {
        CHECK_OK(axon_tensor_copy_data(params[i], state + at, N_STATE - at));
        at += axon_tensor_numel(params[i]);
    }
    CHECK_OK(axon_model_flat_read(m, AXON_PART_PARAMETERS, buf, N_PARAMS));
    CHECK(at == N_PARAMS && memcmp(buf, state, N_PARAMS * sizeof(float)) == 0);
    CHECK_OK(axon_tensors_flat_read(params, n, 0, again, N_PARAMS));
    CHECK(memcmp(buf, again, N_PARAMS * sizeof(float)) == 0);
    /* No gradient yet: zeros; after a backward pass, the gradients. */
    CHECK_OK(axon_model_flat_read(m, AXON_PART_GRADIENTS, buf, N_PARAMS));
    for (i = 0; i < N_PARAMS; ++i) CHECK(buf[i] == 0);
    for (i = 0; i < 15; ++i) xs[i] = (float)i / 7 - 1;
    x = make(xs, 15, sx, 2, 0);
    CHECK_OK(axon_model_forward(&out, m, x));
    CHECK_OK(axon_tensor_sum(&s, out));
    CHECK_OK(axon_tensor_backward(s));
    CHECK_OK(axon_model_flat_read(m, AXON_PART_GRADIENTS, buf, N_PARAMS));
    CHECK_OK(axon_tensors_flat_read(params, n, 1, again, N_PARAMS));
    CHECK(memcmp(buf, again, N_PARAMS * sizeof(float)) == 0);
    /* Writes, read back; a wrong count or a NULL buffer changes nothing. */
    for (i = 0; i < N_STATE; ++i) buf[i] = (float)i / 8;
    CHECK_OK(axon_model_flat_write(m, AXON_PART_STATE, buf, N_STATE));
    CHECK_OK(axon_model_flat_read(m, AXON_PART_STATE, again, N_STATE));
    CHECK(memcmp(buf, again, sizeof buf) == 0);
    CHECK_STATUS(axon_model_flat_write(m, AXON_PART_STATE, xs, 15), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_model_flat_write(m, AXON_PART_PARAMETERS, NULL, N_PARAMS), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_model_flat_read(m, AXON_PART_STATE, again, N_STATE - 1), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_model_flat_read(m, 3, again, N_STATE), AXON_ERR_INVALID_ARGUMENT);
    CHECK_OK(axon_model_flat_read(m, AXON_PART_STATE, again, N_STATE));
    CHECK(memcmp(buf, again, sizeof buf) == 0);
    for (i = 0; i < N_PARAMS; ++i) buf[i] = -buf[i];
    CHECK_OK(axon_tensors_flat_write(params, n, 0, buf, N_PARAMS));
    CHECK_OK(axon_model_flat_read(m, AXON_PART_PARAMETERS, again, N_PARAMS));
    CHECK(memcmp(buf, again, N_PARAMS * sizeof(float)) == 0);
    CHECK_OK(axon_tensors_flat_write(params, n, 1, buf, N_PARAMS));
    CHECK_OK(axon_model_flat_read(m, AXON_PART_GRADIENTS, again, N_PARAMS));
    CHECK(memcmp(buf, again, N_PARAMS * sizeof(float)) == 0);
    CHECK_STATUS(axon_tensors_flat_write(params, n, 2, buf, N_PARAMS), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensors_flat_read(params, n, 0, buf, N_PARAMS + 1), AXON_ERR_INVALID_ARGUMENT);
    /* The same values give the same outputs as a model that never ran. */
    CHECK_OK(axon_model_new(&other, MODEL, 4));
    CHECK_OK(axon_model_flat_read(m, AXON_PART_STATE, buf, N_STATE));
    CHECK_OK(axon_model_flat_write(other, AXON_PART_STATE, buf, N_STATE));
    CHECK_OK(axon_model_train(m, 0));
    CHECK_OK(axon_model_train(other, 0));
    axon_tensor_free(out);
    CHECK_OK(axon_model_forward(&out, m, x));
    CHECK_OK(axon_tensor_copy_data(out, again, N_STATE));
    axon_tensor_free(out);
    CHECK_OK(axon_model_forward(&out, other, x));
    CHECK(holds(out, again, 10));
    axon_tensor_free(out);
    axon_tensor_free(s);
    axon_tensor_free(x);
    free_all(params, n);
    axon_model_free(other);
    axon_model_free(m);
}

/* Hooks: `user` points to an int counting the calls (or to rank 0's state for broadcast). */
static int doubling(float *data, size_t count, void *user) {
    size_t i;
    for (i = 0; i < count; ++i) data[i] *= 2;
    ++*(int *)user;
    return 0;
}

static int counting(float *data, size_t count, void *user) {
    (void)data;
    (void)count;
    ++*(int *)user;
    return 0;
}

static int failing(float *data, size_t count, void *user) {
    size_t i;
    for (i = 0; i < count; ++i) data[i] = 1e3f; /* must not be kept */
    ++*(int *)user;
    return 7;
}

static int from_root(float *data, size_t count, void *user) {
    memcpy(data, user, count * sizeof(float));
    return 0;
}

static axon_optimizer *sgd(axon_model *m, double lr) {
    const char *keys[1] = {"lr"};
    double values[1];
    axon_optimizer *opt = NULL;
    size_t n;
    axon_tensor **params = parameters(m, &n);
    values[0] = lr;
    CHECK_OK(axon_optimizer_new(&opt, "sgd", params, n, keys, values, 1));
    free_all(params, n);
    return opt;
}

static void hooks(void) {
    float xs[24], ys[8] = {0, 1, 1, 0, 1, 0, 0, 1}, loss, a[N_STATE], b[N_STATE], root[N_STATE];
    const int64_t sx[2] = {8, 3}, sy[1] = {8};
    axon_model *m = NULL, *ref = NULL;
    axon_optimizer *opt, *ref_opt;
    axon_tensor *x, *y;
    int calls = 0, i;
    for (i = 0; i < 24; ++i) xs[i] = (float)((i * 7) % 11) / 5 - 1;
    x = make(xs, 24, sx, 2, 0);
    y = make(ys, 8, sy, 1, 0);
    CHECK_OK(axon_model_new(&m, MODEL, 9));
    CHECK_OK(axon_model_new(&ref, MODEL, 9));
    /* Doubled gradients with lr 0.1 are the plain step with lr 0.2 (SGD without momentum). */
    opt = sgd(m, 0.1);
    ref_opt = sgd(ref, 0.2);
    CHECK_OK(axon_train_step_hooked(&loss, m, opt, "cross_entropy", x, y, 0, doubling, &calls));
    CHECK_OK(axon_train_step(&loss, ref, ref_opt, "cross_entropy", x, y, 0));
    CHECK(calls == 1);
    CHECK_OK(axon_model_flat_read(m, AXON_PART_STATE, a, N_STATE));
    CHECK_OK(axon_model_flat_read(ref, AXON_PART_STATE, b, N_STATE));
    for (i = 0; i < N_STATE; ++i) CHECK(fabsf(a[i] - b[i]) <= 1e-6f);
    /* A hook that fails: AXON_ERR_CALLBACK, the model (BatchNorm's buffers too) unchanged. */
    CHECK_STATUS(axon_train_step_hooked(&loss, m, opt, "cross_entropy", x, y, 0, failing, &calls),
                 AXON_ERR_CALLBACK);
    CHECK_ERROR_MENTIONS("returned 7");
    CHECK(calls == 2);
    CHECK_OK(axon_model_flat_read(m, AXON_PART_STATE, b, N_STATE));
    CHECK(memcmp(a, b, sizeof a) == 0);
    CHECK_STATUS(axon_train_step_hooked(&loss, m, opt, "cross_entropy", x, y, 0, NULL, NULL),
                 AXON_ERR_INVALID_ARGUMENT);
    /* Broadcast: `m` receives the state of `ref` (rank 0); a failing broadcast changes nothing. */
    CHECK_OK(axon_model_flat_read(ref, AXON_PART_STATE, root, N_STATE));
    CHECK_STATUS(axon_model_broadcast(m, failing, &calls), AXON_ERR_CALLBACK);
    CHECK_OK(axon_model_flat_read(m, AXON_PART_STATE, b, N_STATE));
    CHECK(memcmp(a, b, sizeof a) == 0);
    CHECK_OK(axon_model_broadcast(m, from_root, root));
    CHECK_OK(axon_model_flat_read(m, AXON_PART_STATE, b, N_STATE));
    CHECK(memcmp(root, b, sizeof b) == 0);
    CHECK_STATUS(axon_model_broadcast(m, NULL, NULL), AXON_ERR_INVALID_ARGUMENT);
    axon_tensor_free(x);
    axon_tensor_free(y);
    axon_optimizer_free(opt);
    axon_optimizer_free(ref_opt);
    axon_model_free(m);
    axon_model_free(ref);
}

/* One replica whose "sum" is the identity normalizes as plain batch normalization. */
static void sync_batchnorm(void) {
    float xs[15], plain_out[15], a[32], b[32];
    const int64_t sx[2] = {5, 3}, s1[2] = {1, 3};
    axon_model *plain = NULL, *synced = NULL;
    axon_tensor *x, *out = NULL, *one;
    size_t layers = 9, n, i;
    int calls = 0;
    for (i = 0; i < 15; ++i) xs[i] = (float)((i * 5) % 7) - 3;
    x = make(xs, 15, sx, 2, 0);
    one = make(xs, 3, s1, 2, 0);
    CHECK_OK(axon_model_new(&plain, "batchnorm1d 3; linear 3 2", 2));
    CHECK_OK(axon_model_new(&synced, "batchnorm1d 3; linear 3 2", 2));
    CHECK_OK(axon_model_sync_batchnorm(&layers, synced, 0, 1, counting, &calls));
    CHECK(layers == 1);
    CHECK_OK(axon_model_forward(&out, plain, x));
    CHECK_OK(axon_tensor_copy_data(out, plain_out, 15));
    axon_tensor_free(out);
    CHECK_OK(axon_model_forward(&out, synced, x));
    CHECK(near(out, plain_out, 10, 1e-5f));
    CHECK(calls == 2); /* the sums, then the squared deviations */
    axon_tensor_free(out);
    n = axon_model_flat_count(plain, AXON_PART_STATE);
    CHECK(n == 21);
    CHECK_OK(axon_model_flat_read(plain, AXON_PART_STATE, a, n));
    CHECK_OK(axon_model_flat_read(synced, AXON_PART_STATE, b, n));
    for (i = 0; i < n; ++i) CHECK(fabsf(a[i] - b[i]) <= 1e-5f); /* the running statistics too */
    /* One sample per channel over all the replicas is too few to train on. */
    CHECK_STATUS(axon_model_forward(&out, synced, one), AXON_ERR_SHAPE);
    CHECK_STATUS(axon_model_sync_batchnorm(NULL, synced, 0, 1, counting, &calls), AXON_ERR_INVALID_ARGUMENT);
    CHECK_OK(axon_model_sync_batchnorm(&layers, synced, 0, 1, NULL, NULL)); /* per-replica statistics again */
    CHECK(layers == 1);
    calls = 0;
    CHECK_OK(axon_model_forward(&out, synced, x));
    CHECK(calls == 0);
    axon_tensor_free(out);
    axon_tensor_free(one);
    axon_tensor_free(x);
    axon_model_free(plain);
    axon_model_free(synced);
}

/* The fit loop over a sharded loader, with a hook at every step; refused inside an epoch. */
static void fit_over_a_loader(void) {
    axon_dataset *d = indexed(N, 1);
    axon_loader *l = NULL;
    axon_model *m = NULL;
    axon_optimizer *opt;
    axon_epoch_record records[2];
    axon_tensor *x = NULL, *y = NULL;
    size_t count = 9;
    int calls = 0;
    CHECK_OK(axon_model_new(&m, "linear 2 1", 4));
    opt = sgd(m, 0.001);
    CHECK_OK(axon_loader_new_sharded(&l, d, BATCH, 1, 0, 5, 2, WORLD));
    CHECK_OK(axon_fit_loader(records, 2, &count, m, opt, NULL, "mse", l, NULL, NULL, 2, 0, counting, &calls));
    CHECK(count == 2 && calls == 6);
    CHECK_OK(axon_loader_next(&x, &y, l));
    CHECK(x != NULL);
    CHECK_STATUS(axon_fit_loader(records, 2, &count, m, opt, NULL, "mse", l, NULL, NULL, 1, 0, NULL, NULL),
                 AXON_ERR_STATE);
    CHECK(count == 0 && calls == 6);
    axon_tensor_free(x);
    axon_tensor_free(y);
    axon_loader_free(l);
    axon_optimizer_free(opt);
    axon_model_free(m);
    axon_dataset_free(d);
}

int main(void) {
    sharded_loaders();
    flat_buffers();
    hooks();
    sync_batchnorm();
    fit_over_a_loader();
    return report("test_replicas");
}
