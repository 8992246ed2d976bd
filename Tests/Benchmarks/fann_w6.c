/*
** fann_w6.c - W6 of the side-by-side benchmark in FANN (Debian's libfann-dev, float build): the
** fully connected 784-512-512-10 net on the 60000 MNIST training images, trained with FANN's
** default algorithm (RPROP, full batch: one fann_train_epoch is one pass over the data and one
** update) and FANN's default activations (sigmoid stepwise; FANN 2.2 has no ReLU). Inputs are
** normalized as in axon-bench and torch_bench.py, targets one-hot. Prints seconds for one epoch
** after a warm-up epoch on a 512-image subset, as one JSON line. FANN runs on one thread.
**
**   fann_w6 [--data DIR]      (DIR holds train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz)
**   gcc -O2 fann_w6.c -lfloatfann -lm
*/
#define _POSIX_C_SOURCE 200809L
#include <floatfann.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void die(const char *message, const char *detail) {
    fprintf(stderr, "fann_w6: %s %s\n", message, detail ? detail : "");
    exit(1);
}

/* Reads a gzip-compressed IDX file of unsigned bytes through `gzip -dc`; returns the data and
** writes the element count (the product of the dimensions after the first) and the item count. */
static unsigned char *read_idx(const char *path, unsigned *items, unsigned *per_item) {
    char command[4096];
    unsigned char header[4], dim[4];
    unsigned char *data;
    unsigned rank, i, count = 1;
    FILE *f;
    size_t total;
    if (strchr(path, '\'')) die("path contains a quote:", path);
    snprintf(command, sizeof command, "gzip -dc '%s'", path);
    f = popen(command, "r");
    if (!f || fread(header, 1, 4, f) != 4 || header[0] || header[1] || header[2] != 8) die("bad IDX file", path);
    rank = header[3];
    for (i = 0; i < rank; i++) {
        unsigned d;
        if (fread(dim, 1, 4, f) != 4) die("truncated IDX header", path);
        d = (unsigned)dim[0] << 24 | (unsigned)dim[1] << 16 | (unsigned)dim[2] << 8 | dim[3];
        if (i == 0) *items = d; else count *= d;
    }
    *per_item = count;
    total = (size_t)*items * count;
    data = malloc(total);
    if (!data || fread(data, 1, total, f) != total) die("truncated IDX data", path);
    pclose(f);
    return data;
}

int main(int argc, char **argv) {
    const char *dir = "Tests/Data/mnist";
    char path[4096];
    unsigned n, pixels, n_labels, one, i, j;
    unsigned char *images, *labels;
    struct fann *ann;
    struct fann_train_data *data, *warm;
    double start, seconds;
    float mse;
    for (i = 1; i + 1 < (unsigned)argc; i += 2)
        if (strcmp(argv[i], "--data") == 0) dir = argv[i + 1];
    snprintf(path, sizeof path, "%s/train-images-idx3-ubyte.gz", dir);
    images = read_idx(path, &n, &pixels);
    snprintf(path, sizeof path, "%s/train-labels-idx1-ubyte.gz", dir);
    labels = read_idx(path, &n_labels, &one);
    if (n_labels != n || one != 1) die("labels do not match the images", NULL);

    data = fann_create_train(n, pixels, 10);
    if (!data) die("fann_create_train failed", NULL);
    for (i = 0; i < n; i++) {
        for (j = 0; j < pixels; j++)
            data->input[i][j] = ((float)images[(size_t)i * pixels + j] / 255 - 0.1307f) / 0.3081f;
        for (j = 0; j < 10; j++) data->output[i][j] = labels[i] == j ? 1.0f : 0.0f;
    }
    free(images);
    free(labels);

    srand(0);
    ann = fann_create_standard(4, pixels, 512, 512, 10);
    if (!ann) die("fann_create_standard failed", NULL);
    fann_randomize_weights(ann, -0.1f, 0.1f);
    warm = fann_subset_train_data(data, 0, 512);
    fann_train_epoch(ann, warm);
    start = now();
    mse = fann_train_epoch(ann, data);
    seconds = now() - start;
    printf("{\"workload\": \"w6\", \"library\": \"fann\", \"threads\": 1, \"seconds_per_epoch\": %.6g, "
           "\"mse\": %.6g, \"algorithm\": \"rprop\"}\n", seconds, (double)mse);
    fann_destroy_train(warm);
    fann_destroy_train(data);
    fann_destroy(ann);
    return 0;
}
