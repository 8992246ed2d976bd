/*
** test_ops_grad.c - axon_grad (torch.autograd.grad), and reverse and forward mode through the
** ops of the catalog (axon_tensor_backward, axon_tensor_dual / axon_tensor_tangent), checked
** against derivatives written out here or finite differences.
*/
#include "check.h"

static const int64_t s3[1] = {3}, s23[2] = {2, 3};
static const float x3[3] = {-0.5f, 0.25f, 1.5f};

/* The gradient of leaf `t` after a backward, checked against want[0..n) and freed. */
static void expect_grad(const axon_tensor *t, const float *want, size_t n, float tol) {
    axon_tensor *g = NULL;
    CHECK_OK(axon_tensor_grad(&g, t));
    CHECK(g != NULL && near(g, want, n, tol));
    axon_tensor_free(g);
}

static void test_grad(void) {
    axon_tensor *x = make(x3, 3, s3, 1, 1), *plain = make(x3, 3, s3, 1, 0);
    axon_tensor *y = NULL, *loss = NULL, *g[2] = {NULL, NULL}, *old = NULL;
    float want[3];
    int i;

    /* d/dx sum(sin x) = cos x; .grad is left alone. */
    CHECK_OK(axon_tensor_sin(&y, x));
    CHECK_OK(axon_tensor_sum(&loss, y));
    CHECK_OK(axon_grad(g, 1, &loss, 1, NULL, &x, 1, 1, 0));
    for (i = 0; i < 3; ++i) want[i] = cosf(x3[i]);
    CHECK(g[0] != NULL && has_shape(g[0], s3, 1) && near(g[0], want, 3, 1e-6f));
    CHECK(axon_tensor_requires_grad(g[0]) == 0);
    CHECK_OK(axon_tensor_grad(&old, x));
    CHECK(old == NULL);
    axon_tensor_free(g[0]);
    /* retain_graph 1 above: a second call works, then the graph is released. */
    CHECK_OK(axon_grad(g, 1, &loss, 1, NULL, &x, 1, 0, 0));
    axon_tensor_free(g[0]);
    CHECK_STATUS(axon_grad(g, 1, &loss, 1, NULL, &x, 1, 0, 0), AXON_ERR_STATE);
    CHECK(g[0] == NULL);
    axon_tensor_free(y);
    axon_tensor_free(loss);

    /* Two outputs, one with a seed: d/dx (<v, x*x> + sum elu(x)) = 2 x v + elu'(x); an unused
    ** second input gets zeros. */
    {
        const float v[3] = {1, -2, 0.5f};
        axon_tensor *seed = make(v, 3, s3, 1, 0), *sq = NULL, *e = NULL, *es = NULL, *unused = make(v, 3, s3, 1, 1);
        axon_tensor *outs[2], *seeds[2], *ins[2];
        CHECK_OK(axon_tensor_mul(&sq, x, x));
        CHECK_OK(axon_tensor_elu(&e, x, 1));
        CHECK_OK(axon_tensor_sum(&es, e));
        outs[0] = sq; outs[1] = es; seeds[0] = seed; seeds[1] = NULL; ins[0] = x; ins[1] = unused;
        CHECK_OK(axon_grad(g, 2, outs, 2, seeds, ins, 2, 1, 0));
        for (i = 0; i < 3; ++i) want[i] = 2 * x3[i] * v[i] + (x3[i] > 0 ? 1 : expf(x3[i]));
        CHECK(near(g[0], want, 3, 1e-5f));
        for (i = 0; i < 3; ++i) want[i] = 0;
        CHECK(near(g[1], want, 3, 0));
        axon_tensor_free(g[0]);
        axon_tensor_free(g[1]);
        /* Errors: capacity, a seed of the wrong shape, a missing seed, an input without grad. */
        g[0] = g[1] = x;
        CHECK_STATUS(axon_grad(g, 1, outs, 2, seeds, ins, 2, 1, 0), AXON_ERR_INVALID_ARGUMENT);
        CHECK(g[0] == NULL);
        seeds[0] = es;
        CHECK_STATUS(axon_grad(g, 2, outs, 2, seeds, ins, 2, 1, 0), AXON_ERR_SHAPE);
        CHECK(g[0] == NULL && g[1] == NULL);
        CHECK_STATUS(axon_grad(g, 2, outs, 2, NULL, ins, 2, 1, 0), AXON_ERR_SHAPE);
        ins[1] = plain;
        CHECK_STATUS(axon_grad(g, 2, outs, 2, NULL, ins, 2, 1, 0), AXON_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(axon_grad(g, 1, &es, 1, NULL, &x, 1, 2, 0), AXON_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(axon_grad(NULL, 1, &es, 1, NULL, &x, 1, 0, 0), AXON_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(axon_grad(g, 1, NULL, 1, NULL, &x, 1, 0, 0), AXON_ERR_INVALID_ARGUMENT);
        axon_tensor_free(seed);
        axon_tensor_free(sq);
        axon_tensor_free(e);
        axon_tensor_free(es);
        axon_tensor_free(unused);
    }

    /* create_graph: the gradient 3 x^2 of sum(x^3) is differentiable again, to 6 x. */
    {
        axon_tensor *cube = NULL, *gs = NULL, *g2 = NULL;
        CHECK_OK(axon_tensor_pow(&cube, x, 3));
        CHECK_OK(axon_tensor_sum(&loss, cube));
        CHECK_OK(axon_grad(g, 1, &loss, 1, NULL, &x, 1, 0, 1));
        CHECK(axon_tensor_requires_grad(g[0]) == 1);
        for (i = 0; i < 3; ++i) want[i] = 3 * x3[i] * x3[i];
        CHECK(near(g[0], want, 3, 1e-5f));
        CHECK_OK(axon_tensor_sum(&gs, g[0]));
        CHECK_OK(axon_grad(&g2, 1, &gs, 1, NULL, &x, 1, 0, 0));
        for (i = 0; i < 3; ++i) want[i] = 6 * x3[i];
        CHECK(near(g2, want, 3, 1e-5f));
        axon_tensor_free(cube);
        axon_tensor_free(loss);
        axon_tensor_free(g[0]);
        axon_tensor_free(gs);
        axon_tensor_free(g2);
    }
    axon_tensor_free(x);
    axon_tensor_free(plain);
}

/* Reverse mode through catalog ops with axon_tensor_backward. */
static void test_backward_through_ops(void) {
    const float xv[6] = {-1, 0.5f, 2, 0.25f, -0.75f, 1};
    axon_tensor *x = make(xv, 6, s23, 2, 1), *y = NULL, *loss = NULL;
    float want[6];
    int i;

    /* d/dx sum(logsumexp(x, axis 1)) = softmax(x) along axis 1. */
    {
        const int64_t ax1[1] = {1};
        CHECK_OK(axon_tensor_logsumexp(&y, x, ax1, 1, 0));
        CHECK_OK(axon_tensor_sum(&loss, y));
        CHECK_OK(axon_tensor_backward(loss));
        for (i = 0; i < 6; ++i) {
            int r = i / 3;
            float z = expf(xv[3 * r]) + expf(xv[3 * r + 1]) + expf(xv[3 * r + 2]);
            want[i] = expf(xv[i]) / z;
        }
        expect_grad(x, want, 6, 1e-6f);
        axon_tensor_free(y);
        axon_tensor_free(loss);
        CHECK_OK(axon_tensor_zero_grad(x));
    }
    /* index_select with a repeat accumulates: picks {2, 2, 0} along axis 1. */
    {
        const int64_t picks[3] = {2, 2, 0};
        CHECK_OK(axon_tensor_index_select(&y, x, 1, picks, 3));
        CHECK_OK(axon_tensor_sum(&loss, y));
        CHECK_OK(axon_tensor_backward(loss));
        want[0] = 1; want[1] = 0; want[2] = 2; want[3] = 1; want[4] = 0; want[5] = 2;
        expect_grad(x, want, 6, 0);
        axon_tensor_free(y);
        axon_tensor_free(loss);
        CHECK_OK(axon_tensor_zero_grad(x));
    }
    /* clamp to [-0.5, 1]: gradient 1 inside, 0 outside (1 at the bound, as in PyTorch). */
    CHECK_OK(axon_tensor_clamp(&y, x, -0.5f, 1));
    CHECK_OK(axon_tensor_sum(&loss, y));
    CHECK_OK(axon_tensor_backward(loss));
    for (i = 0; i < 6; ++i) want[i] = xv[i] >= -0.5f && xv[i] <= 1 ? 1.0f : 0.0f;
    expect_grad(x, want, 6, 0);
    axon_tensor_free(y);
    axon_tensor_free(loss);
    CHECK_OK(axon_tensor_zero_grad(x));
    /* var over all elements (unbiased): d/dx = 2 (x - mean) / (n - 1). */
    CHECK_OK(axon_tensor_var(&loss, x, NULL, 0, 1, 0));
    CHECK_OK(axon_tensor_backward(loss));
    {
        float mean = 0;
        for (i = 0; i < 6; ++i) mean += xv[i] / 6;
        for (i = 0; i < 6; ++i) want[i] = 2 * (xv[i] - mean) / 5;
    }
    expect_grad(x, want, 6, 1e-6f);
    axon_tensor_free(loss);
    axon_tensor_free(x);
}

/* Forward mode through catalog ops: tangents against central differences of the op itself. */
static void test_tangents_through_ops(void) {
    const float v[3] = {1, -0.5f, 2};
    axon_tensor *x = make(x3, 3, s3, 1, 0), *t = make(v, 3, s3, 1, 0), *dual = NULL, *y = NULL, *tan = NULL;
    float got[3];
    const float h = 1e-3f;
    int i, k;
    CHECK_OK(axon_tensor_dual(&dual, x, t));
    for (k = 0; k < 3; ++k) {
        float plus[3], minus[3], fp[3], fm[3];
        axon_tensor *p = NULL, *m = NULL, *yp = NULL, *ym = NULL;
        axon_status (*op)(axon_tensor **, const axon_tensor *) =
            k == 0 ? axon_tensor_gelu : k == 1 ? axon_tensor_softplus : axon_tensor_erf;
        CHECK_OK(op(&y, dual));
        CHECK_OK(axon_tensor_tangent(&tan, y));
        CHECK(tan != NULL);
        CHECK_OK(axon_tensor_copy_data(tan, got, 3));
        for (i = 0; i < 3; ++i) { plus[i] = x3[i] + h * v[i]; minus[i] = x3[i] - h * v[i]; }
        p = make(plus, 3, s3, 1, 0);
        m = make(minus, 3, s3, 1, 0);
        CHECK_OK(op(&yp, p));
        CHECK_OK(op(&ym, m));
        CHECK_OK(axon_tensor_copy_data(yp, fp, 3));
        CHECK_OK(axon_tensor_copy_data(ym, fm, 3));
        for (i = 0; i < 3; ++i) CHECK(fabsf(got[i] - (fp[i] - fm[i]) / (2 * h)) <= 2e-3f);
        axon_tensor_free(p);
        axon_tensor_free(m);
        axon_tensor_free(yp);
        axon_tensor_free(ym);
        axon_tensor_free(tan);
        axon_tensor_free(y);
    }
    /* A linear op carries its tangent exactly: concat(dual, dual) has tangent (v, v). */
    {
        axon_tensor *parts[2];
        float want[6];
        parts[0] = dual; parts[1] = dual;
        CHECK_OK(axon_tensor_concat(&y, parts, 2, 0));
        CHECK_OK(axon_tensor_tangent(&tan, y));
        for (i = 0; i < 6; ++i) want[i] = v[i % 3];
        CHECK(tan != NULL && near(tan, want, 6, 0));
        axon_tensor_free(tan);
        axon_tensor_free(y);
        /* amax passes the tangent of the largest element. */
        CHECK_OK(axon_tensor_amax(&y, dual, NULL, 0, 0));
        CHECK_OK(axon_tensor_tangent(&tan, y));
        CHECK(tan != NULL && near(tan, &v[2], 1, 0));
        axon_tensor_free(tan);
        axon_tensor_free(y);
    }
    axon_tensor_free(dual);
    axon_tensor_free(x);
    axon_tensor_free(t);
}

int main(void) {
    test_grad();
    test_backward_through_ops();
    test_tangents_through_ops();
    return report("test_ops_grad");
}
