/*
** mnist_mpi.c - data-parallel training of an MNIST MLP over MPI, through axon.h.
**
** Every rank holds a replica of the model, reads its share of each global batch from a sharded
** loader, and averages the gradients with MPI_Allreduce in the training step's gradient hook;
** rank 0's initial state is broadcast first, so the replicas stay identical. The library links
** no MPI: the program hands it the collectives as callbacks.
**
**     mpicc -std=c99 -O2 mnist_mpi.c -I include -L .build/release -laxon -o mnist_mpi
**     mpirun -np 4 ./mnist_mpi data=Tests/Data/mnist batch=128 steps=50 opt=adam out=final.f32
**
** Options (key=value): data (the MNIST directory), samples (the first N training images, 0 =
** all), batch (the global batch: each rank reads batch / world size), steps, opt (sgd: SGD with
** momentum 0.9, or adam), bn (none, replica: per-replica BatchNorm statistics, sync:
** synchronized), seed, threads (per rank), out (rank 0 writes the model's whole state, raw
** float32), model (rank 0 saves the trained model file, for serving), save_at and checkpoint
** (rank 0 saves a checkpoint after that many steps), resume (every rank restores the
** checkpoint saved after save_at steps, then trains to `steps`),
** saved_state and resumed_state (rank 0 writes the state when saving the checkpoint, and just
** after restoring it). It prints one line with rank 0's last loss and the samples/s, and fails
** when the ranks' states (their parameters, with per-replica BatchNorm) are not bit-identical
** at the end.
*/
#define _POSIX_C_SOURCE 200809L

#include "axon.h"

#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int rank = 0, world = 1;

static void die(const char *what, axon_status status) {
    fprintf(stderr, "mnist_mpi[%d]: %s failed: %s: %s\n", rank, what, axon_status_string(status),
            axon_last_error());
    MPI_Abort(MPI_COMM_WORLD, 1);
    exit(EXIT_FAILURE);
}

#define TRY(call)                                    \
    do {                                             \
        axon_status status_ = (call);                \
        if (status_ != AXON_OK) die(#call, status_); \
    } while (0)

/* The gradient hook: the sum over the ranks, divided by their number (the mean gradient). */
static int average(float *data, size_t count, void *user) {
    size_t i;
    (void)user;
    if (count > INT_MAX) return 1; /* MPI counts are int */
    if (MPI_Allreduce(MPI_IN_PLACE, data, (int)count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD) != MPI_SUCCESS) return 1;
    for (i = 0; i < count; ++i) data[i] /= (float)world;
    return 0;
}

/* Synchronized BatchNorm's all-reduce: the element-wise sum over the ranks. */
static int sum(float *data, size_t count, void *user) {
    (void)user;
    if (count > INT_MAX) return 1;
    return MPI_Allreduce(MPI_IN_PLACE, data, (int)count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD) != MPI_SUCCESS;
}

/* The broadcast of the initial state: rank 0's values everywhere. */
static int from_rank_0(float *data, size_t count, void *user) {
    (void)user;
    if (count > INT_MAX) return 1;
    return MPI_Bcast(data, (int)count, MPI_FLOAT, 0, MPI_COMM_WORLD) != MPI_SUCCESS;
}

/* The value of option `key` among the key=value arguments, or `fallback`. */
static const char *option(int argc, char **argv, const char *key, const char *fallback) {
    size_t n = strlen(key);
    int i;
    for (i = 1; i < argc; ++i) {
        if (strncmp(argv[i], key, n) == 0 && argv[i][n] == '=') return argv[i] + n + 1;
    }
    return fallback;
}

/* Writes the whole state of `m` (parameters and buffers) to `path` as raw float32. */
static void write_state(axon_model *m, const char *path) {
    size_t count = axon_model_flat_count(m, AXON_PART_STATE);
    float *values = (float *)malloc(count * sizeof(float));
    FILE *f = fopen(path, "wb");
    if (values == NULL || f == NULL) die("writing the state", AXON_ERR_IO);
    TRY(axon_model_flat_read(m, AXON_PART_STATE, values, count));
    if (fwrite(values, sizeof(float), count, f) != count || fclose(f) != 0) die("writing the state", AXON_ERR_IO);
    free(values);
}

/* Whether every rank holds rank 0's `part` to the bit (the all-reduce gave all of them the same
** sums): each rank compares its own with rank 0's, broadcast. */
static int replicas_identical(axon_model *m, int part) {
    size_t count = axon_model_flat_count(m, part);
    float *own = (float *)malloc(count * sizeof(float)), *root = (float *)malloc(count * sizeof(float));
    int differs, any = 0;
    if (own == NULL || root == NULL) die("malloc", AXON_ERR_MEMORY);
    TRY(axon_model_flat_read(m, part, own, count));
    memcpy(root, own, count * sizeof(float));
    MPI_Bcast(root, (int)count, MPI_FLOAT, 0, MPI_COMM_WORLD);
    differs = memcmp(own, root, count * sizeof(float)) != 0;
    MPI_Allreduce(&differs, &any, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD);
    free(own);
    free(root);
    return !any;
}

/* The first `samples` rows of `t` (all when 0 or more than it has). */
static axon_tensor *first_rows(axon_tensor *t, long samples) {
    axon_tensor *out;
    if (samples <= 0) return t;
    TRY(axon_tensor_slice(&out, t, 0, 0, samples));
    axon_tensor_free(t);
    return out;
}

int main(int argc, char **argv) {
    const char *dir, *opt_name, *bn, *out, *model_path, *checkpoint, *resume, *saved_state, *resumed_state;
    const char *spec;
    const int64_t flat[2] = {-1, 784};
    const char *sgd_keys[2] = {"lr", "momentum"}, *adam_keys[1] = {"lr"};
    const double sgd_values[2] = {0.05, 0.9}, adam_values[1] = {1e-3};
    axon_tensor *raw, *x_all, *y_all, *params[16];
    axon_dataset *train;
    axon_loader *loader;
    axon_model *model;
    axon_optimizer *opt;
    long samples, batch, steps, save_at, step = 0, seen = 0;
    size_t i, n_params, layers = 0;
    uint64_t seed;
    char path[600];
    double start, elapsed, last_loss = 0;
    int identical;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &world);
    dir = option(argc, argv, "data", "Tests/Data/mnist");
    samples = atol(option(argc, argv, "samples", "0"));
    batch = atol(option(argc, argv, "batch", "128"));
    steps = atol(option(argc, argv, "steps", "50"));
    opt_name = option(argc, argv, "opt", "sgd");
    bn = option(argc, argv, "bn", "none");
    seed = (uint64_t)atol(option(argc, argv, "seed", "1"));
    out = option(argc, argv, "out", NULL);
    model_path = option(argc, argv, "model", NULL);
    checkpoint = option(argc, argv, "checkpoint", NULL);
    save_at = atol(option(argc, argv, "save_at", "-1"));
    resume = option(argc, argv, "resume", NULL);
    saved_state = option(argc, argv, "saved_state", NULL);
    resumed_state = option(argc, argv, "resumed_state", NULL);
    TRY(axon_set_num_threads(atoi(option(argc, argv, "threads", "1"))));
    if (batch % world != 0) {
        if (rank == 0) fprintf(stderr, "mnist_mpi: batch %ld is not a multiple of %d ranks\n", batch, world);
        MPI_Abort(MPI_COMM_WORLD, 2);
    }

    snprintf(path, sizeof path, "%s/train-images-idx3-ubyte.gz", dir);
    TRY(axon_tensor_load_idx(&raw, path, 1.0f / 255));
    TRY(axon_tensor_reshape(&x_all, raw, flat, 2));
    axon_tensor_free(raw);
    snprintf(path, sizeof path, "%s/train-labels-idx1-ubyte.gz", dir);
    TRY(axon_tensor_load_idx(&y_all, path, 1));
    x_all = first_rows(x_all, samples);
    y_all = first_rows(y_all, samples);
    TRY(axon_dataset_new(&train, x_all, y_all));
    TRY(axon_loader_new_sharded(&loader, train, (size_t)(batch / world), /* shuffle */ 1, /* drop_last */ 1,
                                seed, (size_t)rank, (size_t)world));

    spec = strcmp(bn, "none") == 0 ? "linear 784 128; relu; linear 128 10"
                                   : "linear 784 128 bias=false; batchnorm1d 128; relu; linear 128 10";
    /* Each rank may seed differently: the broadcast makes rank 0's initial state everyone's. */
    TRY(axon_model_new(&model, spec, seed + (uint64_t)rank));
    TRY(axon_model_broadcast(model, from_rank_0, NULL));
    if (strcmp(bn, "sync") == 0) {
        TRY(axon_model_sync_batchnorm(&layers, model, (size_t)rank, (size_t)world, sum, NULL));
    }
    n_params = axon_model_parameter_count_tensors(model);
    if (n_params > 16) die("parameter count", AXON_ERR_INTERNAL);
    for (i = 0; i < n_params; ++i) TRY(axon_model_parameter(&params[i], model, i));
    if (strcmp(opt_name, "adam") == 0) {
        TRY(axon_optimizer_new(&opt, "adam", params, n_params, adam_keys, adam_values, 1));
    } else {
        TRY(axon_optimizer_new(&opt, "sgd", params, n_params, sgd_keys, sgd_values, 2));
    }
    for (i = 0; i < n_params; ++i) axon_tensor_free(params[i]);

    if (resume != NULL) {
        /* Every rank reads the same file; the global batch must be the one it was saved with. */
        TRY(axon_checkpoint_restore_loader(resume, model, opt, NULL, loader));
        step = save_at; /* the checkpoint was saved after save_at steps */
        if (rank == 0 && resumed_state != NULL) write_state(model, resumed_state);
    }

    MPI_Barrier(MPI_COMM_WORLD);
    start = MPI_Wtime();
    while (step < steps) {
        axon_tensor *x, *y;
        float loss;
        TRY(axon_loader_next(&x, &y, loader));
        if (x == NULL) continue; /* the end of an epoch: the next call starts the next one */
        TRY(axon_train_step_hooked(&loss, model, opt, "cross_entropy", x, y, 0, average, NULL));
        last_loss = loss;
        seen += (long)axon_tensor_numel(y);
        axon_tensor_free(x);
        axon_tensor_free(y);
        ++step;
        if (step == save_at && checkpoint != NULL && rank == 0) {
            TRY(axon_checkpoint_save_loader(checkpoint, model, opt, NULL, loader));
            if (saved_state != NULL) write_state(model, saved_state);
        }
    }
    elapsed = MPI_Wtime() - start;
    /* Per-replica BatchNorm keeps each rank's running statistics (its own batches'): only the
    ** parameters are the same everywhere then. */
    identical = replicas_identical(model, strcmp(bn, "replica") == 0 ? AXON_PART_PARAMETERS : AXON_PART_STATE);
    {
        long total = 0;
        MPI_Reduce(&seen, &total, 1, MPI_LONG, MPI_SUM, 0, MPI_COMM_WORLD);
        if (rank == 0) {
            printf("mnist_mpi: %d rank(s), opt %s, bn %s (%zu synchronized), %ld steps, last loss %.6f, "
                   "%.0f samples/s, replicas %s\n", world, opt_name, bn, layers, steps, last_loss,
                   elapsed > 0 ? (double)total / elapsed : 0.0, identical ? "bit-identical" : "DIFFER");
        }
    }
    if (rank == 0 && out != NULL) write_state(model, out);
    if (rank == 0 && model_path != NULL) TRY(axon_model_save(model, model_path));

    axon_optimizer_free(opt);
    axon_model_free(model);
    axon_loader_free(loader);
    axon_dataset_free(train);
    axon_tensor_free(x_all);
    axon_tensor_free(y_all);
    MPI_Finalize();
    return identical ? EXIT_SUCCESS : EXIT_FAILURE;
}
