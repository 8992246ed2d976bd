/*
** test_ops.c - the tensor operations, autodiff extras and forward mode of include/axon.h,
** with their error paths. Built with gcc -std=c99 -Wall -Wextra -Werror -pedantic by
** run_tests.sh.
*/
#include "check.h"

/* ---- Tensor operations ------------------------------------------------------------------- */

static void test_unary_and_shapes(void) {
    const float a_data[6] = {1, 2, 3, 4, 5, 6};
    const float b_data[3] = {2, 4, 8};
    const int64_t s23[2] = {2, 3}, s3[1] = {3}, s32[2] = {3, 2}, s2[1] = {2}, s13[2] = {1, 3};
    const int64_t axis0[1] = {0}, axis1[1] = {-1}, reshape_to[2] = {3, -1};
    axon_tensor *a = make(a_data, 6, s23, 2, 0), *b = make(b_data, 3, s3, 1, 0);
    axon_tensor *r = NULL;
    float expected[6];
    int i;

    CHECK_OK(axon_tensor_div(&r, a, b));
    for (i = 0; i < 6; ++i) expected[i] = a_data[i] / b_data[i % 3];
    CHECK(near(r, expected, 6, 1e-6f));
    axon_tensor_free(r);

    CHECK_OK(axon_tensor_neg(&r, a));
    for (i = 0; i < 6; ++i) expected[i] = -a_data[i];
    CHECK(near(r, expected, 6, 0));
    axon_tensor_free(r);

#define UNARY(fn, cfn)                                                   \
    CHECK_OK(fn(&r, a));                                                 \
    for (i = 0; i < 6; ++i) expected[i] = cfn(a_data[i]);                \
    CHECK(has_shape(r, s23, 2) && near(r, expected, 6, 1e-5f * 500));    \
    axon_tensor_free(r);
    UNARY(axon_tensor_exp, expf)
    UNARY(axon_tensor_log, logf)
    UNARY(axon_tensor_tanh, tanhf)
    UNARY(axon_tensor_sqrt, sqrtf)
#undef UNARY
    CHECK_OK(axon_tensor_sigmoid(&r, a));
    for (i = 0; i < 6; ++i) expected[i] = 1 / (1 + expf(-a_data[i]));
    CHECK(near(r, expected, 6, 1e-6f));
    axon_tensor_free(r);
    CHECK_OK(axon_tensor_neg(&r, a));
    {
        axon_tensor *rr = NULL;
        CHECK_OK(axon_tensor_relu(&rr, r));
        for (i = 0; i < 6; ++i) expected[i] = 0;
        CHECK(near(rr, expected, 6, 0));
        axon_tensor_free(rr);
    }
    axon_tensor_free(r);
    CHECK_OK(axon_tensor_pow(&r, a, 2.0f));
    for (i = 0; i < 6; ++i) expected[i] = a_data[i] * a_data[i];
    CHECK(near(r, expected, 6, 1e-5f));
    axon_tensor_free(r);

    /* Reductions: over one axis, with keep_dims, over all (n_axes 0). */
    CHECK_OK(axon_tensor_sum_axes(&r, a, axis0, 1, 0));
    expected[0] = 5; expected[1] = 7; expected[2] = 9;
    CHECK(has_shape(r, s3, 1) && near(r, expected, 3, 0));
    axon_tensor_free(r);
    CHECK_OK(axon_tensor_mean(&r, a, axis0, 1, 1));
    expected[0] = 2.5f; expected[1] = 3.5f; expected[2] = 4.5f;
    CHECK(has_shape(r, s13, 2) && near(r, expected, 3, 0));
    axon_tensor_free(r);
    CHECK_OK(axon_tensor_mean(&r, a, axis1, 1, 0));
    expected[0] = 2; expected[1] = 5;
    CHECK(has_shape(r, s2, 1) && near(r, expected, 2, 0));
    axon_tensor_free(r);
    CHECK_OK(axon_tensor_mean(&r, a, NULL, 0, 0));
    expected[0] = 3.5f;
    CHECK(axon_tensor_rank(r) == 0 && near(r, expected, 1, 0));
    axon_tensor_free(r);
    CHECK_OK(axon_tensor_sum_axes(&r, a, NULL, 0, 0));
    expected[0] = 21;
    CHECK(near(r, expected, 1, 0));
    axon_tensor_free(r);

    /* reshape (with -1), transpose, softmax, log_softmax, detach. */
    CHECK_OK(axon_tensor_reshape(&r, a, reshape_to, 2));
    CHECK(has_shape(r, s32, 2) && near(r, a_data, 6, 0));
    axon_tensor_free(r);
    CHECK_OK(axon_tensor_transpose(&r, a, 0, 1));
    expected[0] = 1; expected[1] = 4; expected[2] = 2; expected[3] = 5; expected[4] = 3; expected[5] = 6;
    CHECK(has_shape(r, s32, 2) && near(r, expected, 6, 0));
    axon_tensor_free(r);
    CHECK_OK(axon_tensor_softmax(&r, a, -1));
    {
        float z = expf(1) + expf(2) + expf(3);
        expected[0] = expf(1) / z; expected[1] = expf(2) / z; expected[2] = expf(3) / z;
        expected[3] = expected[0]; expected[4] = expected[1]; expected[5] = expected[2];
        CHECK(near(r, expected, 6, 1e-6f));
        axon_tensor_free(r);
        CHECK_OK(axon_tensor_log_softmax(&r, a, 1));
        for (i = 0; i < 6; ++i) expected[i] = logf(expected[i]);
        CHECK(near(r, expected, 6, 1e-5f));
        axon_tensor_free(r);
    }
    CHECK_OK(axon_tensor_detach(&r, a));
    CHECK(axon_tensor_requires_grad(r) == 0 && near(r, a_data, 6, 0));
    axon_tensor_free(r);

    /* Errors. */
    r = a;
    CHECK_STATUS(axon_tensor_div(&r, a, NULL), AXON_ERR_INVALID_ARGUMENT);
    CHECK(r == NULL);
    CHECK_STATUS(axon_tensor_exp(NULL, a), AXON_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("out is NULL");
    {
        const int64_t bad_shape[2] = {4, 4};
        const int64_t bad_axis[1] = {5};
        CHECK_STATUS(axon_tensor_reshape(&r, a, bad_shape, 2), AXON_ERR_SHAPE);
        CHECK(axon_last_error()[0] != '\0');
        CHECK_STATUS(axon_tensor_reshape(&r, a, NULL, 2), AXON_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(axon_tensor_reshape(&r, a, bad_shape, (size_t)-1), AXON_ERR_INVALID_ARGUMENT);
        CHECK(axon_tensor_mean(&r, a, bad_axis, 1, 0) != AXON_OK);
        CHECK(r == NULL && axon_last_error()[0] != '\0');
        CHECK_STATUS(axon_tensor_mean(&r, a, NULL, 1, 0), AXON_ERR_INVALID_ARGUMENT);
        CHECK(axon_tensor_transpose(&r, a, 0, 7) != AXON_OK);
        CHECK(axon_tensor_softmax(&r, a, 9) != AXON_OK);
        axon_tensor *b2 = make(b_data, 2, s2, 1, 0);
        CHECK_STATUS(axon_tensor_div(&r, a, b2), AXON_ERR_SHAPE);
        CHECK_ERROR_MENTIONS("[2]");
        axon_tensor_free(b2);
    }
    axon_tensor_free(a);
    axon_tensor_free(b);
}

static void test_autodiff_extras(void) {
    const float x_data[3] = {0.5f, -1, 2};
    const int64_t s3[1] = {3};
    axon_tensor *x = make(x_data, 3, s3, 1, 0);
    axon_tensor *y = NULL, *loss = NULL, *g = NULL, *seed = NULL;
    float expected[3];
    int i;
    CHECK(axon_tensor_requires_grad(x) == 0);
    CHECK_OK(axon_tensor_set_requires_grad(x, 1));
    CHECK(axon_tensor_requires_grad(x) == 1);
    CHECK_STATUS(axon_tensor_set_requires_grad(NULL, 1), AXON_ERR_INVALID_ARGUMENT);

    /* backward with a seed and retain_graph: d/dx <seed, exp(x)> = seed * exp(x), twice. */
    {
        const float seed_data[3] = {1, 2, 3};
        seed = make(seed_data, 3, s3, 1, 0);
        CHECK_OK(axon_tensor_exp(&y, x));
        CHECK_OK(axon_tensor_backward_seed(y, seed, 1, 0));
        CHECK_OK(axon_tensor_backward_seed(y, seed, 0, 0));
        CHECK_STATUS(axon_tensor_backward_seed(y, seed, 0, 0), AXON_ERR_STATE);
        CHECK_OK(axon_tensor_grad(&g, x));
        for (i = 0; i < 3; ++i) expected[i] = 2 * seed_data[i] * expf(x_data[i]);
        CHECK(near(g, expected, 3, 1e-4f));
        axon_tensor_free(g);
        axon_tensor_free(y);
        CHECK_OK(axon_tensor_exp(&y, x));
        CHECK_STATUS(axon_tensor_backward_seed(y, NULL, 0, 0), AXON_ERR_SHAPE); /* no seed, 3 elements */
        axon_tensor_free(y);
        axon_tensor_free(seed);
    }

    /* create_graph: d2/dx2 sum(x^3) = 6x. */
    CHECK_OK(axon_tensor_zero_grad(x));
    CHECK_OK(axon_tensor_pow(&y, x, 3));
    CHECK_OK(axon_tensor_sum(&loss, y));
    CHECK_OK(axon_tensor_backward_seed(loss, NULL, 0, 1));
    CHECK_OK(axon_tensor_grad(&g, x));
    CHECK(axon_tensor_requires_grad(g) == 1);
    CHECK_OK(axon_tensor_zero_grad(x));
    {
        axon_tensor *gs = NULL, *g2 = NULL;
        CHECK_OK(axon_tensor_sum(&gs, g));
        CHECK_OK(axon_tensor_backward(gs));
        CHECK_OK(axon_tensor_grad(&g2, x));
        for (i = 0; i < 3; ++i) expected[i] = 6 * x_data[i];
        CHECK(near(g2, expected, 3, 1e-4f));
        axon_tensor_free(gs);
        axon_tensor_free(g2);
    }
    axon_tensor_free(g);
    axon_tensor_free(y);
    axon_tensor_free(loss);
    axon_tensor_free(x);
}

/* Forward mode: the tangent of exp(dual(x, v)) is exp(x) * v, as finite differences say. */
static void test_forward_mode(void) {
    const float x_data[4] = {-1, 0, 0.5f, 1.5f}, v_data[4] = {1, -2, 0.5f, 3};
    const int64_t s4[1] = {4}, s2[1] = {2};
    axon_tensor *x = make(x_data, 4, s4, 1, 0), *v = make(v_data, 4, s4, 1, 0);
    axon_tensor *dual = NULL, *y = NULL, *tangent = NULL, *plain = NULL;
    float fd[4], got[4];
    const double h = 1e-3;
    int i;

    CHECK_OK(axon_tensor_tangent(&tangent, x)); /* a plain tensor carries none */
    CHECK(tangent == NULL);
    CHECK_OK(axon_tensor_dual(&dual, x, v));
    CHECK_OK(axon_tensor_tangent(&tangent, dual));
    CHECK(tangent != NULL && near(tangent, v_data, 4, 0));
    axon_tensor_free(tangent);
    CHECK_OK(axon_tensor_exp(&y, dual));
    CHECK_OK(axon_tensor_tangent(&tangent, y));
    CHECK(tangent != NULL);
    CHECK_OK(axon_tensor_copy_data(tangent, got, 4));
    for (i = 0; i < 4; ++i) {
        fd[i] = (float)((exp(x_data[i] + h * v_data[i]) - exp(x_data[i] - h * v_data[i])) / (2 * h));
        CHECK(fabsf(got[i] - fd[i]) <= 1e-3f * (1 + fabsf(fd[i])));
    }
    axon_tensor_free(tangent);
    axon_tensor_free(y);
    CHECK_OK(axon_tensor_exp(&plain, x));
    CHECK_OK(axon_tensor_tangent(&tangent, plain));
    CHECK(tangent == NULL);
    axon_tensor_free(plain);

    /* Errors: shape mismatch, NULLs. */
    {
        axon_tensor *w = make(v_data, 2, s2, 1, 0);
        axon_tensor *d2 = dual;
        CHECK_STATUS(axon_tensor_dual(&d2, x, w), AXON_ERR_SHAPE);
        CHECK(d2 == NULL);
        CHECK_ERROR_MENTIONS("tangent");
        axon_tensor_free(w);
    }
    CHECK_STATUS(axon_tensor_dual(&y, x, NULL), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_tangent(NULL, x), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_tangent(&y, NULL), AXON_ERR_INVALID_ARGUMENT);
    axon_tensor_free(dual);
    axon_tensor_free(x);
    axon_tensor_free(v);
}

int main(void) {
    test_unary_and_shapes();
    test_autodiff_extras();
    test_forward_mode();
    return report("test_ops");
}
