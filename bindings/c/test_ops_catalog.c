/*
** test_ops_catalog.c - the op catalog of include/axon.h (elementwise functions, comparisons,
** where, reductions, shapes, indexing, convolution and pooling), each checked against values
** computed here, with an invalid call for every export. Gradients and tangents through them
** are in test_ops_grad.c; bit-for-bit agreement with Swift in test_ops_fixture.c.
*/
#include "check.h"

static const int64_t s23[2] = {2, 3}, s3[1] = {3}, s6[1] = {6};
static const float x23[6] = {-1.5f, -0.25f, 0, 0.5f, 1, 2.5f};

/* Checks that `r` (then freed) has shape `shape[0..rank)` and holds `want` within `tol`. */
static void expect(axon_tensor *r, const int64_t *shape, size_t rank, const float *want, float tol) {
    CHECK(r != NULL && has_shape(r, shape, rank) && near(r, want, axon_tensor_numel(r), tol));
    axon_tensor_free(r);
}

static void test_elementwise(void) {
    axon_tensor *a = make(x23, 6, s23, 2, 0), *r = NULL;
    float want[6];
    int i;
#define UNARY(fn, expr)                                              \
    CHECK_OK(fn(&r, a));                                             \
    for (i = 0; i < 6; ++i) { float v = x23[i]; want[i] = (expr); } \
    expect(r, s23, 2, want, 1e-6f);
    UNARY(axon_tensor_sin, sinf(v))
    UNARY(axon_tensor_cos, cosf(v))
    UNARY(axon_tensor_abs, fabsf(v))
    UNARY(axon_tensor_erf, erff(v))
    UNARY(axon_tensor_gelu, 0.5f * v * (1 + erff(v / sqrtf(2))))
    UNARY(axon_tensor_softplus, log1pf(expf(v)))
#undef UNARY
    CHECK_STATUS(axon_tensor_sin(NULL, a), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_cos(&r, NULL), AXON_ERR_INVALID_ARGUMENT);
    CHECK(r == NULL);
    CHECK_STATUS(axon_tensor_abs(&r, NULL), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_erf(NULL, a), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_gelu(&r, NULL), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_softplus(&r, NULL), AXON_ERR_INVALID_ARGUMENT);

    CHECK_OK(axon_tensor_clamp(&r, a, -0.5f, 1));
    for (i = 0; i < 6; ++i) want[i] = x23[i] < -0.5f ? -0.5f : x23[i] > 1 ? 1 : x23[i];
    expect(r, s23, 2, want, 0);
    CHECK_OK(axon_tensor_clamp(&r, a, -INFINITY, 0));
    for (i = 0; i < 6; ++i) want[i] = x23[i] > 0 ? 0 : x23[i];
    expect(r, s23, 2, want, 0);
    CHECK_STATUS(axon_tensor_clamp(&r, a, 1, -1), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_clamp(&r, a, NAN, 1), AXON_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("NaN");

    CHECK_OK(axon_tensor_leaky_relu(&r, a, 0.1f));
    for (i = 0; i < 6; ++i) want[i] = x23[i] > 0 ? x23[i] : 0.1f * x23[i];
    expect(r, s23, 2, want, 1e-7f);
    CHECK_STATUS(axon_tensor_leaky_relu(&r, a, NAN), AXON_ERR_INVALID_ARGUMENT);
    CHECK_OK(axon_tensor_elu(&r, a, 2));
    for (i = 0; i < 6; ++i) want[i] = x23[i] > 0 ? x23[i] : 2 * (expf(x23[i]) - 1);
    expect(r, s23, 2, want, 1e-6f);
    CHECK_STATUS(axon_tensor_elu(&r, a, INFINITY), AXON_ERR_INVALID_ARGUMENT);
    CHECK(r == NULL);
    axon_tensor_free(a);
}

static void test_binary_and_comparisons(void) {
    const float b3[3] = {-0.25f, 0, 2};
    axon_tensor *a = make(x23, 6, s23, 2, 0), *b = make(b3, 3, s3, 1, 0), *r = NULL;
    axon_tensor *bad = make(x23, 6, s6, 1, 0);
    float want[6];
    int i;
#define BINARY(fn, expr)                                                             \
    CHECK_OK(fn(&r, a, b));                                                          \
    for (i = 0; i < 6; ++i) { float u = x23[i], v = b3[i % 3]; want[i] = (expr); } \
    expect(r, s23, 2, want, 0);                                                      \
    CHECK_STATUS(fn(&r, a, bad), AXON_ERR_SHAPE);
    BINARY(axon_tensor_maximum, u > v ? u : v)
    BINARY(axon_tensor_minimum, u < v ? u : v)
    BINARY(axon_tensor_gt, u > v ? 1.0f : 0.0f)
    BINARY(axon_tensor_ge, u >= v ? 1.0f : 0.0f)
    BINARY(axon_tensor_lt, u < v ? 1.0f : 0.0f)
    BINARY(axon_tensor_le, u <= v ? 1.0f : 0.0f)
    BINARY(axon_tensor_eq, u == v ? 1.0f : 0.0f)
    BINARY(axon_tensor_ne, u != v ? 1.0f : 0.0f)
#undef BINARY
    CHECK_STATUS(axon_tensor_maximum(&r, a, NULL), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_minimum(&r, NULL, b), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_gt(NULL, a, b), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_ge(&r, a, NULL), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_lt(&r, NULL, b), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_le(NULL, a, b), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_eq(&r, a, NULL), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_ne(&r, NULL, b), AXON_ERR_INVALID_ARGUMENT);
    {
        const float base[3] = {0.5f, 2, 4}, exps[3] = {2, -1, 0.5f}, want3[3] = {0.25f, 0.5f, 2};
        axon_tensor *p = make(base, 3, s3, 1, 0), *q = make(exps, 3, s3, 1, 0);
        CHECK_OK(axon_tensor_pow_tensor(&r, p, q));
        expect(r, s3, 1, want3, 1e-6f);
        CHECK_STATUS(axon_tensor_pow_tensor(&r, p, bad), AXON_ERR_SHAPE);
        axon_tensor_free(p);
        axon_tensor_free(q);
    }
    {
        const float cond[3] = {1, 0, 1};
        axon_tensor *c = make(cond, 3, s3, 1, 0);
        CHECK_OK(axon_tensor_where(&r, c, a, b));
        for (i = 0; i < 6; ++i) want[i] = cond[i % 3] != 0 ? x23[i] : b3[i % 3];
        expect(r, s23, 2, want, 0);
        CHECK_STATUS(axon_tensor_where(&r, bad, a, b), AXON_ERR_SHAPE);
        CHECK_STATUS(axon_tensor_where(&r, NULL, a, b), AXON_ERR_INVALID_ARGUMENT);
        axon_tensor_free(c);
    }
    axon_tensor_free(a);
    axon_tensor_free(b);
    axon_tensor_free(bad);
}

static void test_reductions(void) {
    /* rows {-1.5, -0.25, 0} and {0.5, 1, 2.5} */
    axon_tensor *a = make(x23, 6, s23, 2, 0), *r = NULL;
    const int64_t ax0[1] = {0}, ax1[1] = {-1}, twice[2] = {1, 1}, s13[2] = {1, 3}, s2[1] = {2}, s21[2] = {2, 1};
    float want[3];
    CHECK_OK(axon_tensor_amax(&r, a, ax0, 1, 0));
    want[0] = 0.5f; want[1] = 1; want[2] = 2.5f;
    expect(r, s3, 1, want, 0);
    CHECK_OK(axon_tensor_amax(&r, a, NULL, 0, 0));
    want[0] = 2.5f;
    expect(r, NULL, 0, want, 0);
    CHECK_STATUS(axon_tensor_amax(&r, a, twice, 2, 0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_OK(axon_tensor_amin(&r, a, ax1, 1, 1));
    want[0] = -1.5f; want[1] = 0.5f;
    expect(r, s21, 2, want, 0);
    CHECK_STATUS(axon_tensor_amin(&r, a, ax0, 1, 2), AXON_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("keep_dims");
    CHECK_OK(axon_tensor_logsumexp(&r, a, ax0, 1, 1));
    want[0] = logf(expf(-1.5f) + expf(0.5f)); want[1] = logf(expf(-0.25f) + expf(1)); want[2] = logf(1 + expf(2.5f));
    expect(r, s13, 2, want, 1e-6f);
    CHECK_STATUS(axon_tensor_logsumexp(&r, a, NULL, 3, 0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_OK(axon_tensor_var(&r, a, ax1, 1, 1, 0));
    {
        double m0 = (-1.5 - 0.25 + 0) / 3, m1 = (0.5 + 1 + 2.5) / 3;
        want[0] = (float)(((-1.5 - m0) * (-1.5 - m0) + (-0.25 - m0) * (-0.25 - m0) + m0 * m0) / 2);
        want[1] = (float)(((0.5 - m1) * (0.5 - m1) + (1 - m1) * (1 - m1) + (2.5 - m1) * (2.5 - m1)) / 2);
    }
    expect(r, s2, 1, want, 1e-6f);
    CHECK_OK(axon_tensor_var(&r, a, ax0, 1, 0, 0)); /* biased over two rows: (d / 2)^2 */
    want[0] = 1; want[1] = 0.390625f; want[2] = 1.5625f;
    expect(r, s3, 1, want, 1e-6f);
    CHECK_STATUS(axon_tensor_var(&r, a, ax0, 1, -1, 0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_var(&r, a, ax0, 1, 2, 0), AXON_ERR_SHAPE);
    CHECK_OK(axon_tensor_argmax(&r, a, 1));
    want[0] = 2; want[1] = 2;
    expect(r, s2, 1, want, 0);
    CHECK_OK(axon_tensor_argmax(&r, a, 0));
    want[0] = 1; want[1] = 1; want[2] = 1;
    expect(r, s3, 1, want, 0);
    CHECK_STATUS(axon_tensor_argmax(&r, a, 2), AXON_ERR_INVALID_ARGUMENT);
    CHECK(r == NULL);
    axon_tensor_free(a);
}

static void test_shapes(void) {
    axon_tensor *a = make(x23, 6, s23, 2, 0), *r = NULL;
    const int64_t s32[2] = {3, 2}, order[2] = {1, 0}, bad_order[2] = {0, 0};
    const int64_t s213[3] = {2, 1, 3}, s123[3] = {1, 2, 3}, s2_23[3] = {2, 2, 3}, s13[2] = {1, 3};
    float want[12];
    int i;
    CHECK_OK(axon_tensor_permute(&r, a, order, 2));
    for (i = 0; i < 6; ++i) want[i] = x23[(i % 2) * 3 + i / 2];
    expect(r, s32, 2, want, 0);
    CHECK_STATUS(axon_tensor_permute(&r, a, bad_order, 2), AXON_ERR_INVALID_ARGUMENT);
    CHECK_OK(axon_tensor_expand(&r, a, s2_23, 3));
    for (i = 0; i < 12; ++i) want[i] = x23[i % 6];
    expect(r, s2_23, 3, want, 0);
    CHECK_STATUS(axon_tensor_expand(&r, a, s32, 2), AXON_ERR_SHAPE);
    CHECK_OK(axon_tensor_sum_to_size(&r, a, s13, 2));
    for (i = 0; i < 3; ++i) want[i] = x23[i] + x23[i + 3];
    expect(r, s13, 2, want, 0);
    CHECK_STATUS(axon_tensor_sum_to_size(&r, a, s32, 2), AXON_ERR_SHAPE);
    {
        axon_tensor *parts[2] = {a, a};
        const int64_t s26[2] = {2, 6}, s43[2] = {4, 3};
        CHECK_OK(axon_tensor_concat(&r, parts, 2, -1));
        for (i = 0; i < 12; ++i) want[i] = x23[(i / 6) * 3 + i % 3];
        expect(r, s26, 2, want, 0);
        CHECK_OK(axon_tensor_concat(&r, parts, 2, 0));
        for (i = 0; i < 12; ++i) want[i] = x23[i % 6];
        expect(r, s43, 2, want, 0);
        CHECK_STATUS(axon_tensor_concat(&r, parts, 0, 0), AXON_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(axon_tensor_concat(&r, NULL, 2, 0), AXON_ERR_INVALID_ARGUMENT);
    }
    {
        const int64_t s22[2] = {2, 2}, s21[2] = {2, 1};
        CHECK_OK(axon_tensor_slice(&r, a, 1, 1, 3));
        want[0] = x23[1]; want[1] = x23[2]; want[2] = x23[4]; want[3] = x23[5];
        expect(r, s22, 2, want, 0);
        CHECK_OK(axon_tensor_slice(&r, a, -1, -2, -1));
        want[0] = x23[1]; want[1] = x23[4];
        expect(r, s21, 2, want, 0);
        CHECK_STATUS(axon_tensor_slice(&r, a, 1, 0, 4), AXON_ERR_INVALID_ARGUMENT);
    }
    CHECK_OK(axon_tensor_unsqueeze(&r, a, 1));
    expect(r, s213, 3, x23, 0);
    CHECK_OK(axon_tensor_unsqueeze(&r, a, 0));
    expect(r, s123, 3, x23, 0);
    CHECK_STATUS(axon_tensor_unsqueeze(&r, a, 4), AXON_ERR_INVALID_ARGUMENT);
    {
        axon_tensor *u = NULL;
        CHECK_OK(axon_tensor_unsqueeze(&u, a, 1));
        CHECK_OK(axon_tensor_squeeze(&r, u, 1));
        expect(r, s23, 2, x23, 0);
        CHECK_OK(axon_tensor_flatten(&r, u, 0, -1));
        expect(r, s6, 1, x23, 0);
        CHECK_STATUS(axon_tensor_flatten(&r, u, 2, 1), AXON_ERR_INVALID_ARGUMENT);
        axon_tensor_free(u);
    }
    CHECK_STATUS(axon_tensor_squeeze(&r, a, 0), AXON_ERR_SHAPE);
    axon_tensor_free(a);
}

static void test_indexing(void) {
    axon_tensor *a = make(x23, 6, s23, 2, 0), *r = NULL;
    const int64_t picks[3] = {2, 0, 2}, bad[1] = {3}, s22[2] = {2, 2};
    const float idx[4] = {2, 0, 1, 1}, bad_idx[4] = {0, 3, 0, 0}, frac_idx[4] = {0.5f, 0, 0, 0};
    axon_tensor *index = make(idx, 4, s22, 2, 0), *bad_index = make(bad_idx, 4, s22, 2, 0);
    axon_tensor *frac = make(frac_idx, 4, s22, 2, 0);
    float want[6];
    int i;
    CHECK_OK(axon_tensor_index_select(&r, a, 1, picks, 3));
    for (i = 0; i < 6; ++i) want[i] = x23[(i / 3) * 3 + picks[i % 3]];
    expect(r, s23, 2, want, 0);
    CHECK_STATUS(axon_tensor_index_select(&r, a, 1, bad, 1), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_index_select(&r, a, 1, NULL, 2), AXON_ERR_INVALID_ARGUMENT);
    CHECK_OK(axon_tensor_gather(&r, a, 1, index));
    want[0] = x23[2]; want[1] = x23[0]; want[2] = x23[4]; want[3] = x23[4];
    expect(r, s22, 2, want, 0);
    CHECK_STATUS(axon_tensor_gather(&r, a, 1, bad_index), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_gather(&r, a, 1, frac), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_gather(&r, a, 1, NULL), AXON_ERR_INVALID_ARGUMENT);
    axon_tensor_free(a);
    axon_tensor_free(index);
    axon_tensor_free(bad_index);
    axon_tensor_free(frac);
}

static void test_convolution_and_pooling(void) {
    const float img[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, ones[4] = {1, 1, 1, 1}, half[1] = {0.5f};
    const int64_t s1133[4] = {1, 1, 3, 3}, s1122[4] = {1, 1, 2, 2}, s1111[4] = {1, 1, 1, 1}, s1[1] = {1};
    const int64_t two[2] = {2, 2}, one[2] = {1, 1}, zero_one[2] = {0, 1};
    axon_tensor *x = make(img, 9, s1133, 4, 0), *w = make(ones, 4, s1122, 4, 0), *b = make(half, 1, s1, 1, 0);
    axon_tensor *r = NULL;
    float want[4];
    CHECK_OK(axon_tensor_conv2d(&r, x, w, b, NULL, NULL, NULL, 1));
    want[0] = 12.5f; want[1] = 16.5f; want[2] = 24.5f; want[3] = 28.5f;
    expect(r, s1122, 4, want, 0);
    CHECK_OK(axon_tensor_conv2d(&r, x, w, NULL, two, one, one, 1));
    want[0] = 1; want[1] = 5; want[2] = 11; want[3] = 28;
    expect(r, s1122, 4, want, 0);
    CHECK_OK(axon_tensor_conv2d(&r, x, w, NULL, one, NULL, two, 1)); /* dilation 2: corners */
    want[0] = 1 + 3 + 7 + 9;
    expect(r, s1111, 4, want, 0);
    CHECK_STATUS(axon_tensor_conv2d(&r, x, w, NULL, zero_one, NULL, NULL, 1), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_conv2d(&r, x, w, NULL, NULL, NULL, NULL, 2), AXON_ERR_SHAPE);
    CHECK_STATUS(axon_tensor_conv2d(&r, x, NULL, NULL, NULL, NULL, NULL, 1), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_conv2d(&r, x, w, x, NULL, NULL, NULL, 1), AXON_ERR_SHAPE);

    CHECK_OK(axon_tensor_max_pool2d(&r, x, two, one, NULL, NULL));
    want[0] = 5; want[1] = 6; want[2] = 8; want[3] = 9;
    expect(r, s1122, 4, want, 0);
    CHECK_OK(axon_tensor_max_pool2d(&r, x, two, NULL, NULL, NULL)); /* stride = kernel */
    want[0] = 5;
    expect(r, s1111, 4, want, 0);
    CHECK_OK(axon_tensor_max_pool2d(&r, x, two, NULL, one, NULL));
    want[0] = 1; want[1] = 3; want[2] = 7; want[3] = 9;
    expect(r, s1122, 4, want, 0);
    CHECK_STATUS(axon_tensor_max_pool2d(&r, x, NULL, NULL, NULL, NULL), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_max_pool2d(&r, w, two, NULL, NULL, two), AXON_ERR_SHAPE);

    CHECK_OK(axon_tensor_avg_pool2d(&r, x, two, one, NULL));
    want[0] = 3; want[1] = 4; want[2] = 6; want[3] = 7;
    expect(r, s1122, 4, want, 0);
    CHECK_OK(axon_tensor_avg_pool2d(&r, x, two, NULL, one));
    want[0] = 0.25f; want[1] = 1.25f; want[2] = 2.75f; want[3] = 7;
    expect(r, s1122, 4, want, 0);
    CHECK_STATUS(axon_tensor_avg_pool2d(&r, x, two, NULL, two), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_avg_pool2d(&r, b, two, NULL, NULL), AXON_ERR_SHAPE);
    CHECK(r == NULL);
    axon_tensor_free(x);
    axon_tensor_free(w);
    axon_tensor_free(b);
}

int main(void) {
    test_elementwise();
    test_binary_and_comparisons();
    test_reductions();
    test_shapes();
    test_indexing();
    test_convolution_and_pooling();
    return report("test_ops_catalog");
}
