/*
** test_data_transforms.c - standardization, PCA whitening and IDX files through
** include/axon.h, checked against means, variances and covariances computed here.
** Built with gcc -std=c99 -Wall -Wextra -Werror -pedantic by run_tests.sh.
*/
#define _POSIX_C_SOURCE 200809L

#include "check.h"

#include <unistd.h>

#define ROWS 50

/* ROWS samples of 3 correlated features of full rank (the third constant when `constant`), from an LCG. */
static void make_features(float *v, int constant) {
    uint32_t seed = 12345;
    int i;
    for (i = 0; i < ROWS; ++i) {
        float u, w, z;
        seed = seed * 1664525u + 1013904223u;
        z = (float)(seed >> 8) / 16777216.0f - 0.5f;
        seed = seed * 1664525u + 1013904223u;
        u = (float)(seed >> 8) / 16777216.0f * 4 - 2;
        seed = seed * 1664525u + 1013904223u;
        w = (float)(seed >> 8) / 16777216.0f * 2 - 1;
        v[3 * i] = 3 * u + 1;
        v[3 * i + 1] = u - 2 * w + 5;
        v[3 * i + 2] = constant ? 7.0f : u + w + z;
    }
}

/* Column means and biased (1/N) covariance of rows x 3 values, in double. */
static void moments(const float *v, int rows, double *mean, double *cov) {
    int i, a, b;
    for (a = 0; a < 3; ++a) {
        mean[a] = 0;
        for (i = 0; i < rows; ++i) mean[a] += v[3 * i + a];
        mean[a] /= rows;
    }
    for (a = 0; a < 3; ++a) {
        for (b = 0; b < 3; ++b) {
            double s = 0;
            for (i = 0; i < rows; ++i) s += (v[3 * i + a] - mean[a]) * (v[3 * i + b] - mean[b]);
            cov[3 * a + b] = s / rows;
        }
    }
}

static void test_standardizer(void) {
    static float v[3 * ROWS], out[3 * ROWS];
    const int64_t shape[2] = {ROWS, 3}, wrong[2] = {2, 4};
    const float fresh[6] = {1, 2, 3, -1, 0, 7};
    const int64_t fresh_shape[2] = {2, 3};
    double mean[3], cov[9], m2[3], c2[9];
    axon_tensor *x, *y = NULL, *z = NULL, *bad_x, *one_row;
    axon_standardizer *s = NULL, *bad = (axon_standardizer *)1;
    int i, a;

    make_features(v, 1);
    moments(v, ROWS, mean, cov);
    x = make(v, 3 * ROWS, shape, 2, 0);
    CHECK_OK(axon_standardizer_new(&s, x));
    CHECK(s != NULL);
    CHECK_OK(axon_standardizer_apply(&y, s, x));
    CHECK(has_shape(y, shape, 2));
    CHECK_OK(axon_tensor_copy_data(y, out, 3 * ROWS));
    /* Each value is (x - mean) / std with the test's own statistics; the constant column
    ** (variance 0) is divided by 1. */
    for (i = 0; i < ROWS; ++i) {
        for (a = 0; a < 3; ++a) {
            double sd = cov[4 * a] > 0 ? sqrt(cov[4 * a]) : 1;
            CHECK(fabs(out[3 * i + a] - (v[3 * i + a] - mean[a]) / sd) < 1e-4);
        }
    }
    moments(out, ROWS, m2, c2);
    CHECK(fabs(m2[0]) < 1e-5 && fabs(m2[1]) < 1e-5 && fabs(m2[2]) < 1e-5);
    CHECK(fabs(c2[0] - 1) < 1e-4 && fabs(c2[4] - 1) < 1e-4 && c2[8] == 0);

    /* New data goes through the training statistics. */
    {
        axon_tensor *t = make(fresh, 6, fresh_shape, 2, 0);
        float expect[6];
        for (i = 0; i < 6; ++i) {
            double sd = cov[4 * (i % 3)] > 0 ? sqrt(cov[4 * (i % 3)]) : 1;
            expect[i] = (float)((fresh[i] - mean[i % 3]) / sd);
        }
        CHECK_OK(axon_standardizer_apply(&z, s, t));
        CHECK(near(z, expect, 6, 1e-4f));
        axon_tensor_free(t);
        axon_tensor_free(z);
    }

    /* Errors. */
    one_row = make(fresh, 3, fresh_shape + 1, 1, 0);
    CHECK_STATUS(axon_standardizer_new(&bad, one_row), AXON_ERR_SHAPE);
    CHECK(bad == NULL);
    CHECK_ERROR_MENTIONS("Standardizer");
    CHECK_STATUS(axon_standardizer_new(&bad, NULL), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_standardizer_new(NULL, x), AXON_ERR_INVALID_ARGUMENT);
    bad_x = make(v, 8, wrong, 2, 0);
    CHECK_STATUS(axon_standardizer_apply(&z, s, bad_x), AXON_ERR_SHAPE);
    CHECK(z == NULL);
    CHECK_STATUS(axon_standardizer_apply(&z, NULL, x), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_standardizer_apply(&z, s, NULL), AXON_ERR_INVALID_ARGUMENT);
    axon_standardizer_free(NULL);
    axon_standardizer_free(s);
    axon_tensor_free(x);
    axon_tensor_free(y);
    axon_tensor_free(bad_x);
    axon_tensor_free(one_row);
}

static void test_pca(void) {
    static float v[3 * ROWS], out[3 * ROWS];
    const int64_t shape[2] = {ROWS, 3}, flat[1] = {3 * ROWS}, wrong[2] = {ROWS / 2, 6};
    double mean[3], cov[9];
    axon_tensor *x, *y = NULL, *bad_x;
    axon_pca *p = NULL, *bad = (axon_pca *)1, *damped = NULL;
    int a, b;

    make_features(v, 0);
    x = make(v, 3 * ROWS, shape, 2, 0);
    CHECK_OK(axon_pca_new(&p, x, 0));
    CHECK_OK(axon_pca_apply(&y, p, x));
    CHECK(has_shape(y, shape, 2));
    CHECK_OK(axon_tensor_copy_data(y, out, 3 * ROWS));
    /* Whitened training features: zero mean, identity covariance. */
    moments(out, ROWS, mean, cov);
    for (a = 0; a < 3; ++a) {
        CHECK(fabs(mean[a]) < 1e-4);
        for (b = 0; b < 3; ++b) CHECK(fabs(cov[3 * a + b] - (a == b)) < 1e-3);
    }
    axon_tensor_free(y);
    /* A large eps shrinks every direction: the variances drop below 1. */
    CHECK_OK(axon_pca_new(&damped, x, 10));
    CHECK_OK(axon_pca_apply(&y, damped, x));
    CHECK_OK(axon_tensor_copy_data(y, out, 3 * ROWS));
    moments(out, ROWS, mean, cov);
    CHECK(cov[0] < 0.9 && cov[4] < 0.9 && cov[8] < 0.9 && fabs(cov[1]) < 1e-4);
    axon_tensor_free(y);

    /* Errors. */
    bad_x = make(v, 3 * ROWS, flat, 1, 0);
    CHECK_STATUS(axon_pca_new(&bad, x, -1), AXON_ERR_INVALID_ARGUMENT);
    CHECK(bad == NULL);
    CHECK_ERROR_MENTIONS("eps");
    CHECK_STATUS(axon_pca_new(&bad, x, NAN), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_pca_new(&bad, x, INFINITY), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_pca_new(&bad, bad_x, 0), AXON_ERR_SHAPE);
    CHECK_STATUS(axon_pca_new(&bad, NULL, 0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_pca_new(NULL, x, 0), AXON_ERR_INVALID_ARGUMENT);
    {
        /* More features than supported: refused before any large allocation. */
        const int64_t wide[2] = {2, 5000};
        float *zeros = (float *)calloc(10000, sizeof(float));
        axon_tensor *w = make(zeros, 10000, wide, 2, 0);
        CHECK_STATUS(axon_pca_new(&bad, w, 1e-5), AXON_ERR_INVALID_ARGUMENT);
        CHECK_ERROR_MENTIONS("4096");
        axon_tensor_free(w);
        free(zeros);
    }
    axon_tensor_free(bad_x);
    bad_x = make(v, 3 * ROWS, wrong, 2, 0);
    CHECK_STATUS(axon_pca_apply(&y, p, bad_x), AXON_ERR_SHAPE);
    CHECK(y == NULL);
    CHECK_STATUS(axon_pca_apply(&y, NULL, x), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_pca_apply(&y, p, NULL), AXON_ERR_INVALID_ARGUMENT);
    axon_pca_free(NULL);
    axon_pca_free(p);
    axon_pca_free(damped);
    axon_tensor_free(x);
    axon_tensor_free(bad_x);
}

static int write_file(const char *path, const unsigned char *bytes, size_t n) {
    FILE *f = fopen(path, "wb");
    int ok = f != NULL && fwrite(bytes, 1, n, f) == n;
    if (f != NULL) ok &= fclose(f) == 0;
    return ok;
}

static void test_idx(void) {
    const unsigned char idx[4 + 8 + 6] = {0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 0, 2, 4, 6, 8, 255};
    const unsigned char bad_type[4 + 4 + 1] = {0, 0, 0x0d, 1, 0, 0, 0, 1, 0};
    const float expect[6] = {0, 1, 2, 3, 4, 127.5f};
    const int64_t shape[2] = {2, 3}, labels_shape[1] = {10000};
    const int first[10] = {7, 2, 1, 0, 4, 1, 4, 9, 5, 9};
    const int per_class[10] = {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009};
    const char *gz = "Tests/Data/mnist/t10k-labels-idx1-ubyte.gz";
    static float labels[10000];
    int counts[10] = {0}, i, whole = 1;
    char path[64], plain[64];
    axon_tensor *t = (axon_tensor *)1, *again = NULL;

    snprintf(path, sizeof path, "/tmp/axon_test_idx_%ld.idx", (long)getpid());
    snprintf(plain, sizeof plain, "/tmp/axon_test_idx_%ld.labels", (long)getpid());
    CHECK(write_file(path, idx, sizeof idx));
    CHECK_OK(axon_tensor_load_idx(&t, path, 0.5f));
    CHECK(has_shape(t, shape, 2) && holds(t, expect, 6));
    axon_tensor_free(t);

    /* MNIST's gzipped test labels: the well-known first ten and the class counts. */
    CHECK_OK(axon_tensor_load_idx(&t, gz, 1));
    CHECK(has_shape(t, labels_shape, 1));
    CHECK_OK(axon_tensor_copy_data(t, labels, 10000));
    for (i = 0; i < 10; ++i) CHECK(labels[i] == first[i]);
    for (i = 0; i < 10000; ++i) {
        int k = (int)labels[i];
        whole &= labels[i] == (float)k && k >= 0 && k <= 9;
        if (k >= 0 && k <= 9) ++counts[k];
    }
    CHECK(whole);
    for (i = 0; i < 10; ++i) CHECK(counts[i] == per_class[i]);
    /* Compression is recognized by content: the same bytes under a name without ".gz". */
    {
        FILE *in = fopen(gz, "rb");
        static unsigned char bytes[8192];
        size_t n = in ? fread(bytes, 1, sizeof bytes, in) : 0;
        if (in) fclose(in);
        CHECK(n > 1000 && n < sizeof bytes && write_file(plain, bytes, n));
        CHECK_OK(axon_tensor_load_idx(&again, plain, 1));
        static float copy[10000];
        CHECK_OK(axon_tensor_copy_data(again, copy, 10000));
        CHECK(memcmp(copy, labels, sizeof copy) == 0);
        axon_tensor_free(again);
    }
    axon_tensor_free(t);

    /* Errors. */
    CHECK_STATUS(axon_tensor_load_idx(&t, "/nonexistent/x.idx", 1), AXON_ERR_IO);
    CHECK(t == NULL);
    CHECK_ERROR_MENTIONS("/nonexistent/x.idx");
    CHECK_STATUS(axon_tensor_load_idx(&t, NULL, 1), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_load_idx(NULL, path, 1), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_load_idx(&t, path, NAN), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_load_idx(&t, path, INFINITY), AXON_ERR_INVALID_ARGUMENT);
    CHECK(write_file(path, bad_type, sizeof bad_type));
    CHECK_STATUS(axon_tensor_load_idx(&t, path, 1), AXON_ERR_FORMAT);
    CHECK_ERROR_MENTIONS("element type");
    CHECK(write_file(path, idx, sizeof idx - 1)); /* truncated */
    CHECK_STATUS(axon_tensor_load_idx(&t, path, 1), AXON_ERR_FORMAT);
    {
        const unsigned char not_gzip[6] = {0x1f, 0x8b, 8, 0, 1, 2};
        CHECK(write_file(path, not_gzip, sizeof not_gzip));
        CHECK_STATUS(axon_tensor_load_idx(&t, path, 1), AXON_ERR_FORMAT);
        CHECK_ERROR_MENTIONS("gzip");
    }
    CHECK(t == NULL);
    unlink(path);
    unlink(plain);
}

int main(void) {
    test_standardizer();
    test_pca();
    test_idx();
    return report("test_data_transforms");
}
