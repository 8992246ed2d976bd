/*
** mnist_mlp.c - an MNIST classifier trained, saved and reloaded through axon.h alone.
**
** 784-256-256-10 with BatchNorm1d, ReLU and Dropout 0.2; Adam (lr 1e-3), batch 128 from a
** shuffling loader, StepLR(2, 0.1), gradient-norm clipping at 5; 3 epochs. It then checks
** the test accuracy (at least 97.5 %), saves the model, loads it back and checks that the
** reloaded model's outputs equal the original's to the bit. Exits non-zero on any failure.
**
**     cc -std=c99 mnist_mlp.c $(pkg-config --cflags --libs axon) -o mnist_mlp
**     ./mnist_mlp [DATA_DIR]          (default Tests/Data/mnist, i.e. run from the repo root)
**
** With the environment variable AXON_EXAMPLE_QUICK=1 (run_tests.sh sets it for the slow debug
** library) it is a smoke run instead: 5 batches, the first 1,000 test images, at least 50 %.
*/
#define _POSIX_C_SOURCE 200809L

#include "axon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define EPOCHS 3
#define MIN_ACCURACY 0.975
#define QUICK_BATCHES 5
#define QUICK_TEST 1000
#define QUICK_MIN_ACCURACY 0.5

static void die(const char *what, axon_status status) {
    fprintf(stderr, "mnist_mlp: %s failed: %s: %s\n", what, axon_status_string(status), axon_last_error());
    exit(EXIT_FAILURE);
}

/* Runs an axon call and stops the program with its message when it fails. */
#define TRY(call)                                      \
    do {                                               \
        axon_status status_ = (call);                  \
        if (status_ != AXON_OK) die(#call, status_);   \
    } while (0)

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The images of DIR/NAME-images-idx3-ubyte.gz as [N, 784], normalized with the training
** set's mean and standard deviation of the pixels (0.1307, 0.3081), and the labels as [N]. */
static void load(const char *dir, const char *name, axon_tensor **images, axon_tensor **labels) {
    const float mean = 0.1307f, std = 0.3081f;
    const int64_t flat[2] = {-1, 784};
    char path[512];
    axon_tensor *raw, *rows, *centered, *m, *s;
    snprintf(path, sizeof path, "%s/%s-images-idx3-ubyte.gz", dir, name);
    TRY(axon_tensor_load_idx(&raw, path, 1.0f / 255));
    snprintf(path, sizeof path, "%s/%s-labels-idx1-ubyte.gz", dir, name);
    TRY(axon_tensor_load_idx(labels, path, 1));
    TRY(axon_tensor_reshape(&rows, raw, flat, 2));
    TRY(axon_tensor_new(&m, &mean, 1, NULL, 0, 0));
    TRY(axon_tensor_new(&s, &std, 1, NULL, 0, 0));
    TRY(axon_tensor_sub(&centered, rows, m));
    TRY(axon_tensor_div(images, centered, s));
    axon_tensor_free(raw);
    axon_tensor_free(rows);
    axon_tensor_free(centered);
    axon_tensor_free(m);
    axon_tensor_free(s);
}

/* The logits of `m` (in evaluation mode) for `x`, copied into a new array of n * 10 floats. */
static float *logits(axon_model *m, const axon_tensor *x, size_t n) {
    axon_tensor *out;
    float *values = (float *)malloc(n * 10 * sizeof(float));
    if (values == NULL) die("malloc", AXON_ERR_MEMORY);
    TRY(axon_model_forward(&out, m, x));
    TRY(axon_tensor_copy_data(out, values, n * 10));
    axon_tensor_free(out);
    return values;
}

/* The fraction of rows whose largest logit is at the label. */
static double accuracy(const float *values, const axon_tensor *labels, size_t n) {
    float *y = (float *)malloc(n * sizeof(float));
    size_t i, correct = 0;
    if (y == NULL) die("malloc", AXON_ERR_MEMORY);
    TRY(axon_tensor_copy_data(labels, y, n));
    for (i = 0; i < n; ++i) {
        int k, best = 0;
        for (k = 1; k < 10; ++k) {
            if (values[10 * i + k] > values[10 * i + best]) best = k;
        }
        correct += (float)best == y[i];
    }
    free(y);
    return (double)correct / (double)n;
}

int main(int argc, char **argv) {
    const char *dir = argc > 1 ? argv[1] : "Tests/Data/mnist";
    const char *spec = "linear 784 256; batchnorm1d 256; relu; dropout 0.2;"
                       "linear 256 256; batchnorm1d 256; relu; dropout 0.2; linear 256 10";
    const char *keys[1] = {"lr"}, *step_keys[2] = {"step_size", "gamma"};
    const double values[1] = {1e-3}, step_values[2] = {2, 0.1};
    axon_tensor *train_x, *train_y, *test_x, *test_y, *params[16];
    axon_dataset *train;
    axon_loader *loader;
    axon_model *model, *reloaded;
    axon_optimizer *opt;
    axon_scheduler *sched;
    size_t i, n_params, n_test, live = 0;
    float *before, *after;
    double start = now(), loaded, trained, acc;
    char path[64];
    const char *quick_env = getenv("AXON_EXAMPLE_QUICK");
    const int quick = quick_env != NULL && strcmp(quick_env, "1") == 0;
    const int epochs = quick ? 1 : EPOCHS, max_batches = quick ? QUICK_BATCHES : 1 << 30;
    const double min_accuracy = quick ? QUICK_MIN_ACCURACY : MIN_ACCURACY;
    int epoch, same;

    load(dir, "train", &train_x, &train_y);
    load(dir, "t10k", &test_x, &test_y);
    if (quick) { /* the first QUICK_TEST test images: the first batch of an unshuffled loader */
        axon_dataset *test_set;
        axon_loader *first;
        TRY(axon_dataset_new(&test_set, test_x, test_y));
        TRY(axon_loader_new(&first, test_set, QUICK_TEST, 0, 0, 0));
        axon_tensor_free(test_x);
        axon_tensor_free(test_y);
        TRY(axon_loader_next(&test_x, &test_y, first));
        axon_loader_free(first);
        axon_dataset_free(test_set);
    }
    n_test = axon_tensor_numel(test_y);
    loaded = now();
    TRY(axon_dataset_new(&train, train_x, train_y));
    TRY(axon_loader_new(&loader, train, 128, /* shuffle */ 1, /* drop_last */ 0, /* seed */ 2));

    TRY(axon_model_new(&model, spec, /* seed */ 0));
    n_params = axon_model_parameter_count_tensors(model);
    if (n_params > 16) die("parameter count", AXON_ERR_INTERNAL);
    for (i = 0; i < n_params; ++i) TRY(axon_model_parameter(&params[i], model, i));
    TRY(axon_optimizer_new(&opt, "adam", params, n_params, keys, values, 1));
    for (i = 0; i < n_params; ++i) axon_tensor_free(params[i]);
    TRY(axon_scheduler_new(&sched, opt, "step", step_keys, step_values, 2));

    for (epoch = 0; epoch < epochs; ++epoch) {
        double sum = 0;
        int batches = 0;
        while (batches < max_batches) {
            axon_tensor *x, *y;
            float loss;
            TRY(axon_loader_next(&x, &y, loader));
            if (x == NULL) break; /* the end of the epoch */
            TRY(axon_train_step(&loss, model, opt, "cross_entropy", x, y, /* clip norm */ 5.0));
            sum += loss;
            ++batches;
            axon_tensor_free(x);
            axon_tensor_free(y);
        }
        TRY(axon_scheduler_step(sched));
        printf("mnist_mlp: epoch %d: mean training loss %.4f over %d batches\n", epoch + 1, sum / batches, batches);
    }

    trained = now();
    TRY(axon_model_train(model, 0));
    before = logits(model, test_x, n_test);
    acc = accuracy(before, test_y, n_test);

    snprintf(path, sizeof path, "/tmp/axon_mnist_mlp_%ld.axon", (long)getpid());
    TRY(axon_model_save(model, path));
    TRY(axon_model_load(&reloaded, path));
    unlink(path);
    after = logits(reloaded, test_x, n_test);
    same = memcmp(before, after, n_test * 10 * sizeof(float)) == 0;

    printf("mnist_mlp: test accuracy %.2f%% after %d epochs (load %.1f s, training %.1f s, total %.1f s); "
           "reloaded model %s\n", 100 * acc, epochs, loaded - start, trained - loaded, now() - start,
           same ? "gives identical outputs" : "DIFFERS");
    free(before);
    free(after);
    axon_model_free(reloaded);
    axon_scheduler_free(sched);
    axon_optimizer_free(opt);
    axon_model_free(model);
    axon_loader_free(loader);
    axon_dataset_free(train);
    axon_tensor_free(train_x);
    axon_tensor_free(train_y);
    axon_tensor_free(test_x);
    axon_tensor_free(test_y);
    TRY(axon_live_handles(&live, NULL));
    if (acc < min_accuracy || !same || live != 0) {
        fprintf(stderr, "mnist_mlp: FAILED (accuracy below %.1f%%, outputs differ, or %zu handles live)\n",
                100 * min_accuracy, live);
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}
