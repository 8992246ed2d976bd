/*
** cnn.c - a small convolutional network on a few thousand MNIST digits, through axon.h.
**
** unflatten 1 1x28x28; conv2d 1 8 3 padding=1; batchnorm2d 8; relu; maxpool2d 2; flatten;
** linear 1568 10 - trained for 2 epochs on 4,000 images of the MNIST test file with Adam and
** standardized inputs, then evaluated on 2,000 other images of it. Chance is 10 %; the
** program fails below 85 %. Exits non-zero on any failure.
**
**     cc -std=c99 cnn.c $(pkg-config --cflags --libs axon) -o cnn
**     ./cnn [DATA_DIR]          (default Tests/Data/mnist, i.e. run from the repo root)
**
** With the environment variable AXON_EXAMPLE_QUICK=1 (run_tests.sh sets it for the slow debug
** library) it is a smoke run instead: 8 batches, 500 test images, at least 40 %.
*/
#define _POSIX_C_SOURCE 200809L

#include "axon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_TRAIN 4000
#define N_TEST 2000
#define PIXELS 784
#define EPOCHS 2
#define MIN_ACCURACY 0.85
#define QUICK_BATCHES 8
#define QUICK_TEST 500
#define QUICK_MIN_ACCURACY 0.4

static void die(const char *what, axon_status status) {
    fprintf(stderr, "cnn: %s failed: %s: %s\n", what, axon_status_string(status), axon_last_error());
    exit(EXIT_FAILURE);
}

/* Runs an axon call and stops the program with its message when it fails. */
#define TRY(call)                                      \
    do {                                               \
        axon_status status_ = (call);                  \
        if (status_ != AXON_OK) die(#call, status_);   \
    } while (0)

/* A new [n, width] tensor (or [n] when width is 0) from rows first..first+n of `values`. */
static axon_tensor *rows(const float *values, size_t first, size_t n, size_t width) {
    axon_tensor *t;
    const int64_t shape[2] = {(int64_t)n, (int64_t)width};
    size_t w = width == 0 ? 1 : width;
    TRY(axon_tensor_new(&t, values + first * w, n * w, shape, width == 0 ? 1 : 2, 0));
    return t;
}

int main(int argc, char **argv) {
    const char *dir = argc > 1 ? argv[1] : "Tests/Data/mnist";
    const char *spec = "unflatten 1 1x28x28; conv2d 1 8 3 padding=1; batchnorm2d 8; relu; maxpool2d 2;"
                       "flatten; linear 1568 10";
    const char *keys[1] = {"lr"};
    const double values[1] = {2e-3};
    const size_t test_first = 10000 - N_TEST;
    const char *quick_env = getenv("AXON_EXAMPLE_QUICK");
    const int quick = quick_env != NULL && strcmp(quick_env, "1") == 0;
    const int epochs = quick ? 1 : EPOCHS, max_batches = quick ? QUICK_BATCHES : 1 << 30;
    const size_t n_test = quick ? QUICK_TEST : N_TEST;
    const double min_accuracy = quick ? QUICK_MIN_ACCURACY : MIN_ACCURACY;
    int batches = 0;
    char path[512];
    axon_tensor *all_x, *all_y, *raw_x, *raw_test, *train_x, *train_y, *test_x, *test_y, *out, *params[16];
    axon_standardizer *standardize;
    axon_dataset *train;
    axon_loader *loader;
    axon_model *model;
    axon_optimizer *opt;
    float *pixels, *labels, logits[10 * N_TEST];
    size_t i, n_params, correct = 0, live = 0;
    double acc;
    int epoch;

    /* The test file's 10,000 images: the first 4,000 to train on, the last 2,000 to test. */
    snprintf(path, sizeof path, "%s/t10k-images-idx3-ubyte.gz", dir);
    TRY(axon_tensor_load_idx(&all_x, path, 1.0f / 255));
    snprintf(path, sizeof path, "%s/t10k-labels-idx1-ubyte.gz", dir);
    TRY(axon_tensor_load_idx(&all_y, path, 1));
    if (axon_tensor_numel(all_y) != 10000) die("10,000 labels", AXON_ERR_FORMAT);
    pixels = (float *)malloc(10000 * PIXELS * sizeof(float));
    labels = (float *)malloc(10000 * sizeof(float));
    if (pixels == NULL || labels == NULL) die("malloc", AXON_ERR_MEMORY);
    TRY(axon_tensor_copy_data(all_x, pixels, 10000 * PIXELS));
    TRY(axon_tensor_copy_data(all_y, labels, 10000));
    raw_x = rows(pixels, 0, N_TRAIN, PIXELS);
    train_y = rows(labels, 0, N_TRAIN, 0);
    raw_test = rows(pixels, test_first, n_test, PIXELS);
    test_y = rows(labels, test_first, n_test, 0);

    /* Every pixel standardized with the training images' statistics. */
    TRY(axon_standardizer_new(&standardize, raw_x));
    TRY(axon_standardizer_apply(&train_x, standardize, raw_x));
    TRY(axon_standardizer_apply(&test_x, standardize, raw_test));

    TRY(axon_dataset_new(&train, train_x, train_y));
    TRY(axon_loader_new(&loader, train, 64, /* shuffle */ 1, /* drop_last */ 1, /* seed */ 7));
    TRY(axon_model_new(&model, spec, /* seed */ 1));
    n_params = axon_model_parameter_count_tensors(model);
    if (n_params > 16) die("parameter count", AXON_ERR_INTERNAL);
    for (i = 0; i < n_params; ++i) TRY(axon_model_parameter(&params[i], model, i));
    TRY(axon_optimizer_new(&opt, "adam", params, n_params, keys, values, 1));
    for (i = 0; i < n_params; ++i) axon_tensor_free(params[i]);

    for (epoch = 0; epoch < epochs; ++epoch) {
        for (; batches < max_batches; ++batches) {
            axon_tensor *x, *y;
            float loss;
            TRY(axon_loader_next(&x, &y, loader));
            if (x == NULL) break;
            TRY(axon_train_step(&loss, model, opt, "cross_entropy", x, y, /* no clipping */ 0));
            axon_tensor_free(x);
            axon_tensor_free(y);
        }
    }

    TRY(axon_model_train(model, 0));
    TRY(axon_model_forward(&out, model, test_x));
    TRY(axon_tensor_copy_data(out, logits, 10 * n_test));
    for (i = 0; i < n_test; ++i) {
        int k, best = 0;
        for (k = 1; k < 10; ++k) {
            if (logits[10 * i + k] > logits[10 * i + best]) best = k;
        }
        correct += (float)best == labels[test_first + i];
    }
    acc = (double)correct / (double)n_test;
    printf("cnn: test accuracy %.1f%% on %zu images after %d epochs, %d batches of 64 (chance: 10%%)\n",
           100 * acc, n_test, epochs, batches);

    axon_tensor_free(out);
    axon_optimizer_free(opt);
    axon_model_free(model);
    axon_loader_free(loader);
    axon_dataset_free(train);
    axon_standardizer_free(standardize);
    axon_tensor_free(all_x); axon_tensor_free(all_y); axon_tensor_free(raw_x); axon_tensor_free(raw_test);
    axon_tensor_free(train_x); axon_tensor_free(train_y); axon_tensor_free(test_x); axon_tensor_free(test_y);
    free(pixels);
    free(labels);
    TRY(axon_live_handles(&live, NULL));
    if (acc < min_accuracy || live != 0) {
        fprintf(stderr, "cnn: FAILED (accuracy below %.0f%% or %zu handles live)\n", 100 * min_accuracy, live);
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}
