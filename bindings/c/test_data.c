/*
** test_data.c - datasets and loaders through include/axon.h: batch counts, orders, seeded
** shuffling, drop-last and the end-of-epoch protocol, checked against what the test computes
** itself. Built with gcc -std=c99 -Wall -Wextra -Werror -pedantic by run_tests.sh.
*/
#include "check.h"

#define N 10

/* Sample i has the features (i, 1000 + i) and the target i. */
static void make_samples(axon_tensor **x, axon_tensor **y, size_t n) {
    float features[2 * 64], targets[64];
    const int64_t sx[2] = {(int64_t)n, 2}, sy[1] = {(int64_t)n};
    size_t i;
    for (i = 0; i < n; ++i) {
        features[2 * i] = (float)i;
        features[2 * i + 1] = 1000.0f + (float)i;
        targets[i] = (float)i;
    }
    *x = make(features, 2 * n, sx, 2, 0);
    *y = make(targets, n, sy, 1, 0);
}

/* Reads one epoch: the sample indices in order to `order`, the batch sizes to `sizes`;
** returns the number of batches. Checks that each batch's features and targets agree. */
static int read_epoch(axon_loader *loader, int *order, int *sizes) {
    int batches = 0, k = 0;
    for (;;) {
        axon_tensor *x = (axon_tensor *)1, *y = (axon_tensor *)1;
        float fx[2 * 64], fy[64];
        size_t i, n;
        CHECK_OK(axon_loader_next(&x, &y, loader));
        if (x == NULL) {
            CHECK(y == NULL);
            break;
        }
        n = axon_tensor_numel(y);
        {
            const int64_t shape[2] = {(int64_t)n, 2};
            CHECK(has_shape(x, shape, 2) && has_shape(y, shape, 1));
        }
        CHECK(!axon_tensor_requires_grad(x) && !axon_tensor_requires_grad(y));
        CHECK_OK(axon_tensor_copy_data(x, fx, 2 * 64));
        CHECK_OK(axon_tensor_copy_data(y, fy, 64));
        for (i = 0; i < n; ++i) {
            CHECK(fx[2 * i] == fy[i] && fx[2 * i + 1] == 1000.0f + fy[i]);
            if (k < 64) order[k++] = (int)fy[i];
        }
        if (batches < 64) sizes[batches] = (int)n;
        ++batches;
        axon_tensor_free(x);
        axon_tensor_free(y);
    }
    return batches;
}

static int is_permutation(const int *order, int n) {
    int seen[64] = {0}, i;
    for (i = 0; i < n; ++i) {
        if (order[i] < 0 || order[i] >= n || seen[order[i]]) return 0;
        seen[order[i]] = 1;
    }
    return 1;
}

static void test_dataset(void) {
    axon_tensor *x, *y, *short_y;
    axon_dataset *d = NULL;
    const float three[3] = {0, 1, 2};
    const int64_t s3[1] = {3};
    const float one = 1;

    make_samples(&x, &y, N);
    CHECK_OK(axon_dataset_new(&d, x, y));
    CHECK(d != NULL && axon_dataset_count(d) == N);
    CHECK(axon_dataset_count(NULL) == 0);

    short_y = make(three, 3, s3, 1, 0);
    {
        axon_dataset *bad = (axon_dataset *)1;
        axon_tensor *scalar = make(&one, 1, NULL, 0, 0);
        CHECK_STATUS(axon_dataset_new(&bad, x, short_y), AXON_ERR_SHAPE);
        CHECK(bad == NULL);
        CHECK_ERROR_MENTIONS("first axis");
        CHECK_STATUS(axon_dataset_new(&bad, scalar, scalar), AXON_ERR_SHAPE);
        CHECK_STATUS(axon_dataset_new(&bad, NULL, y), AXON_ERR_INVALID_ARGUMENT);
        CHECK_ERROR_MENTIONS("features is NULL");
        CHECK_STATUS(axon_dataset_new(NULL, x, y), AXON_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(axon_dataset_new(&bad, x, (axon_tensor *)d), AXON_ERR_INVALID_ARGUMENT);
        axon_tensor_free(scalar);
    }
    axon_dataset_free(NULL);
    axon_dataset_free(d);
    axon_tensor_free(x);
    axon_tensor_free(y);
    axon_tensor_free(short_y);
}

static void test_loader_in_order(void) {
    axon_tensor *x, *y;
    axon_dataset *d;
    axon_loader *loader = NULL, *dropping = NULL;
    int order[64], sizes[64], i;
    size_t live = 0;

    make_samples(&x, &y, N);
    CHECK_OK(axon_dataset_new(&d, x, y));
    axon_tensor_free(x);
    axon_tensor_free(y);
    CHECK_OK(axon_loader_new(&loader, d, 4, 0, 0, 0));
    CHECK_OK(axon_loader_new(&dropping, d, 4, 0, 1, 0));
    axon_dataset_free(d); /* the loaders keep the dataset alive */
    CHECK(axon_loader_batch_count(loader) == 3 && axon_loader_batch_count(dropping) == 2);
    CHECK(axon_loader_batch_count(NULL) == 0);

    /* Without shuffling: 0..3, 4..7, 8..9, then NULL; the next epoch the same again. */
    CHECK(read_epoch(loader, order, sizes) == 3);
    CHECK(sizes[0] == 4 && sizes[1] == 4 && sizes[2] == 2);
    for (i = 0; i < N; ++i) CHECK(order[i] == i);
    CHECK(read_epoch(loader, order, sizes) == 3);
    for (i = 0; i < N; ++i) CHECK(order[i] == i);
    CHECK(read_epoch(dropping, order, sizes) == 2);
    CHECK(sizes[0] == 4 && sizes[1] == 4 && order[7] == 7);

    /* Errors leave the loader where it was: the next batch is still 0..3. */
    {
        axon_tensor *bx = (axon_tensor *)1, *by = (axon_tensor *)1;
        float fy[4];
        CHECK_STATUS(axon_loader_next(NULL, &by, loader), AXON_ERR_INVALID_ARGUMENT);
        CHECK(by == (axon_tensor *)1);
        CHECK_STATUS(axon_loader_next(&bx, NULL, loader), AXON_ERR_INVALID_ARGUMENT);
        CHECK(bx == NULL);
        CHECK_STATUS(axon_loader_next(&bx, &bx, loader), AXON_ERR_INVALID_ARGUMENT);
        CHECK_ERROR_MENTIONS("same pointer");
        CHECK_STATUS(axon_loader_next(&bx, &by, NULL), AXON_ERR_INVALID_ARGUMENT);
        CHECK(bx == NULL && by == NULL);
        CHECK_STATUS(axon_loader_next(&bx, &by, (axon_loader *)fy), AXON_ERR_INVALID_ARGUMENT);
        CHECK_OK(axon_loader_next(&bx, &by, loader));
        CHECK_OK(axon_tensor_copy_data(by, fy, 4));
        CHECK(fy[0] == 0 && fy[3] == 3);
        axon_tensor_free(bx);
        axon_tensor_free(by);
    }
    CHECK_OK(axon_live_handles(&live, "axon_loader"));
    CHECK(live == 2);
    CHECK_OK(axon_live_handles(&live, "axon_dataset"));
    CHECK(live == 0);
    axon_loader_free(loader);
    axon_loader_free(dropping);
    axon_loader_free(NULL);
}

static void test_loader_shuffled(void) {
    axon_tensor *x, *y;
    axon_dataset *d;
    axon_loader *a, *b, *c;
    int first[64], second[64], again[64], other[64], sizes[64], i, same12 = 1, same_other = 1;

    make_samples(&x, &y, N);
    CHECK_OK(axon_dataset_new(&d, x, y));
    CHECK_OK(axon_loader_new(&a, d, 3, 1, 0, 42));
    CHECK_OK(axon_loader_new(&b, d, 3, 1, 0, 42));
    CHECK_OK(axon_loader_new(&c, d, 3, 1, 0, 43));
    CHECK(axon_loader_batch_count(a) == 4);

    /* Every epoch visits each sample once, in a new order; the same seed gives the same orders. */
    CHECK(read_epoch(a, first, sizes) == 4);
    CHECK(sizes[0] == 3 && sizes[1] == 3 && sizes[2] == 3 && sizes[3] == 1);
    CHECK(is_permutation(first, N));
    CHECK(read_epoch(a, second, sizes) == 4);
    CHECK(is_permutation(second, N));
    CHECK(read_epoch(b, again, sizes) == 4);
    CHECK(read_epoch(c, other, sizes) == 4);
    for (i = 0; i < N; ++i) {
        same12 &= first[i] == second[i];
        same_other &= first[i] == other[i];
        CHECK(first[i] == again[i]);
    }
    CHECK(!same12);
    CHECK(!same_other);
    CHECK(read_epoch(b, again, sizes) == 4);
    for (i = 0; i < N; ++i) CHECK(second[i] == again[i]);
    axon_loader_free(a);
    axon_loader_free(b);
    axon_loader_free(c);

    /* A batch larger than the dataset: one batch, or none with drop-last. */
    CHECK_OK(axon_loader_new(&a, d, (size_t)1 << 62, 1, 0, 1));
    CHECK(axon_loader_batch_count(a) == 1);
    CHECK(read_epoch(a, first, sizes) == 1 && sizes[0] == N && is_permutation(first, N));
    axon_loader_free(a);
    CHECK_OK(axon_loader_new(&a, d, 11, 0, 1, 1));
    CHECK(axon_loader_batch_count(a) == 0);
    CHECK(read_epoch(a, first, sizes) == 0 && read_epoch(a, first, sizes) == 0);
    axon_loader_free(a);

    /* Invalid arguments. */
    a = (axon_loader *)1;
    CHECK_STATUS(axon_loader_new(&a, d, 0, 1, 0, 1), AXON_ERR_INVALID_ARGUMENT);
    CHECK(a == NULL);
    CHECK_ERROR_MENTIONS("batch size");
    CHECK_STATUS(axon_loader_new(&a, d, (size_t)-1, 1, 0, 1), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_loader_new(&a, d, 4, 2, 0, 1), AXON_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("shuffle 2");
    CHECK_STATUS(axon_loader_new(&a, d, 4, 0, -1, 1), AXON_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("drop_last");
    CHECK_STATUS(axon_loader_new(&a, NULL, 4, 0, 0, 1), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_loader_new(&a, (axon_dataset *)x, 4, 0, 0, 1), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_loader_new(NULL, d, 4, 0, 0, 1), AXON_ERR_INVALID_ARGUMENT);
    axon_dataset_free(d);
    axon_tensor_free(x);
    axon_tensor_free(y);
}

int main(void) {
    test_dataset();
    test_loader_in_order();
    test_loader_shuffled();
    return report("test_data");
}
