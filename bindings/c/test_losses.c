/*
** test_losses.c - axon_loss_with_options: every loss option (label smoothing, class weights,
** ignore_index, Huber delta, smooth-L1 beta) against independent values.
**
** The expected numbers were computed in float64 with numpy from PyTorch's documented
** definitions (log_softmax, then per sample -(1 - eps) w[t] logp[t] - eps / C sum_c w_c logp_c,
** 0 for an ignored sample, "mean" dividing by the sum of w[t] over the counted samples), for
** the logits X and the targets t below; the NLL, Huber and smooth-L1 values are closed forms
** worked out in the comments.
*/
#include "check.h"

static const float X[9] = {1.0f, 2.0f, 0.5f, 0.1f, -1.0f, 2.0f, 0.3f, 0.3f, -0.6f};
static const float T[3] = {1, 2, 0};
static const float W[3] = {0.2f, 1.0f, 3.0f};

static axon_tensor *logits, *targets, *weights;

/* The loss with options; NULL (and a failed check) on failure. */
static axon_tensor *loss(const char *name, const axon_tensor *input, const axon_tensor *target,
                         const char *reduction, const axon_tensor *weight, const char *const *keys,
                         const double *values, size_t n) {
    axon_tensor *out = NULL;
    CHECK_OK(axon_loss_with_options(&out, name, input, target, reduction, weight, keys, values, n));
    return out;
}

static void check_value(axon_tensor *t, float expected, float tol) {
    CHECK(t != NULL && near(t, &expected, 1, tol));
    axon_tensor_free(t);
}

static void cross_entropy_options(void) {
    const char *ignore[] = {"ignore_index"};
    const double two[] = {2}, zero[] = {0};
    const char *smooth_ignore[] = {"label_smoothing", "ignore_index"};
    const double smooth_ignore_v[] = {0.1, 0};
    const char *smooth[] = {"label_smoothing"};
    const double point2[] = {0.2};
    const float none[3] = {0.4643687841079447f, 0.5453534567673399f, 0.17564047116744877f};
    /* d/dX of the weighted mean: w[t_n] (softmax(X_n) - onehot(t_n)) / sum w[t]. */
    const float grad[9] = {0.05505330895765454f, -0.08844482875910416f, 0.033391519801449644f,
                           0.08907676773584863f, 0.02965108020855406f, -0.11872784794440261f,
                           -0.02783194217362269f, 0.01978710544542493f, 0.008044836728197767f};
    const float probs[9] = {0.1f, 0.6f, 0.3f, 0.0f, 0.2f, 0.8f, 1.0f, 0.0f, 0.0f};
    const int64_t shape[2] = {3, 3};
    axon_tensor *l, *g = NULL, *p;

    /* Class weights, mean: sum_n w[t_n] nll_n / sum_n w[t_n]. */
    l = loss("cross_entropy", logits, targets, "mean", weights, NULL, NULL, 0);
    CHECK_OK(axon_tensor_backward(l));
    CHECK_OK(axon_tensor_grad(&g, logits));
    CHECK(g != NULL && near(g, grad, 9, 1e-6f));
    axon_tensor_free(g);
    check_value(l, 0.2822292171530318f, 1e-6f);
    CHECK_OK(axon_tensor_zero_grad(logits));
    /* Weighted, reduction none: w[t_n] nll_n. */
    l = loss("cross_entropy", logits, targets, "none", weights, NULL, NULL, 0);
    CHECK(l != NULL && near(l, none, 3, 1e-6f));
    axon_tensor_free(l);
    /* ignore_index 2 drops sample 1; the mean is over the two others. */
    check_value(loss("cross_entropy", logits, targets, NULL, NULL, ignore, two, 1), 0.6712855699725943f, 1e-6f);
    /* Label smoothing 0.1, weights, ignore_index 0 (drops sample 2). */
    check_value(loss("cross_entropy", logits, targets, "mean", weights, smooth_ignore, smooth_ignore_v, 2),
                0.3171362019696694f, 1e-6f);
    /* Label smoothing 0.2 alone: the same path as axon_loss's. */
    check_value(loss("cross_entropy", logits, targets, "mean", NULL, smooth, point2, 1), 0.6925629862892118f, 1e-6f);
    /* Probability targets with class weights: -sum w_c y_c logp_c / N. */
    p = make(probs, 9, shape, 2, 0);
    check_value(loss("cross_entropy", logits, p, "mean", weights, NULL, NULL, 0), 1.1080402285144064f, 1e-6f);

    /* Errors. */
    CHECK_STATUS(axon_loss_with_options(&l, "cross_entropy", logits, targets, "mean", NULL, smooth,
                                        (const double[]){1.5}, 1), AXON_ERR_INVALID_ARGUMENT);
    CHECK(l == NULL);
    CHECK_ERROR_MENTIONS("label smoothing");
    CHECK_STATUS(axon_loss_with_options(&l, "cross_entropy", logits, targets, "mean", NULL, smooth,
                                        (const double[]){NAN}, 1), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_loss_with_options(&l, "cross_entropy", logits, targets, "mean", NULL, (const char *[]){"delta"},
                                        two, 1), AXON_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("unknown option 'delta'");
    CHECK_STATUS(axon_loss_with_options(&l, "cross_entropy", logits, targets, "mean", NULL, ignore,
                                        (const double[]){0.5}, 1), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_loss_with_options(&l, "cross_entropy", logits, p, "mean", NULL, ignore, zero,
                                        1), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_loss_with_options(&l, "mse", logits, logits, "mean", weights, NULL, NULL,
                                        0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_loss_with_options(&l, "cross_entropy", logits, targets, "mean", logits, NULL, NULL,
                                        0), AXON_ERR_SHAPE);
    CHECK_STATUS(axon_loss_with_options(NULL, "cross_entropy", logits, targets, "mean", NULL, NULL, NULL,
                                        0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_loss_with_options(&l, "cross_entropy", logits, targets, "mean", NULL, NULL, NULL,
                                        1), AXON_ERR_INVALID_ARGUMENT);
    {
        const float negative[3] = {1, -1, 1};
        const int64_t c[1] = {3};
        axon_tensor *bad = make(negative, 3, c, 1, 0);
        CHECK_STATUS(axon_loss_with_options(&l, "nll", logits, targets, "mean", bad, NULL, NULL,
                                            0), AXON_ERR_INVALID_ARGUMENT);
        axon_tensor_free(bad);
    }
    axon_tensor_free(p);
}

static void other_losses(void) {
    const char *ignore[] = {"ignore_index"};
    const double one[] = {1};
    const char *delta[] = {"delta"}, *beta[] = {"beta"};
    const double half[] = {0.5}, two[] = {2};
    const float d[3] = {0.2f, -1.5f, 3.0f}, z[3] = {0, 0, 0};
    const int64_t n3[1] = {3};
    axon_tensor *a = make(d, 3, n3, 1, 0), *b = make(z, 3, n3, 1, 0), *l = NULL;

    /* NLL of the raw X with weights, ignore_index 1 (drops sample 0):
       sum = -(w2 X[1,2] + w0 X[2,0]) = -(3 * 2 + 0.2 * 0.3) = -6.06; mean = -6.06 / 3.2. */
    check_value(loss("nll", logits, targets, "sum", weights, ignore, one, 1), -6.06f, 1e-5f);
    check_value(loss("nll", logits, targets, "mean", weights, ignore, one, 1), -6.06f / 3.2f, 1e-6f);
    /* Huber, delta 0.5, d = (0.2, -1.5, 3): 0.5 * 0.04, 0.5 * (1.5 - 0.25), 0.5 * (3 - 0.25),
       mean (0.02 + 0.625 + 1.375) / 3. */
    check_value(loss("huber", a, b, "mean", NULL, delta, half, 1), (0.02f + 0.625f + 1.375f) / 3, 1e-6f);
    /* Smooth L1, beta 2: 0.5 * 0.04 / 2, 0.5 * 2.25 / 2, 3 - 1; sum 0.01 + 0.5625 + 2. */
    check_value(loss("smooth_l1", a, b, "sum", NULL, beta, two, 1), 2.5725f, 1e-6f);

    CHECK_STATUS(axon_loss_with_options(&l, "huber", a, b, "mean", NULL, delta, (const double[]){-1},
                                        1), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_loss_with_options(&l, "huber", a, b, "mean", NULL, delta, (const double[]){0},
                                        1), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_loss_with_options(&l, "smooth_l1", a, b, "mean", NULL, beta, (const double[]){-0.5},
                                        1), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_loss_with_options(&l, "smooth_l1", a, b, "mean", NULL, delta, half,
                                        1), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_loss_with_options(&l, "mse", a, b, "mean", NULL, beta, half, 1), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_loss_with_options(&l, "huber", a, b, "average", NULL, NULL, NULL, 0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_loss_with_options(&l, "nll", logits, targets, "mean", NULL, (const char *[]){NULL}, one,
                                        1), AXON_ERR_INVALID_ARGUMENT);
    /* A repeated key. */
    CHECK_STATUS(axon_loss_with_options(&l, "huber", a, b, "mean", NULL, (const char *[]){"delta", "delta"},
                                        (const double[]){1, 2}, 2), AXON_ERR_INVALID_ARGUMENT);
    axon_tensor_free(a);
    axon_tensor_free(b);
}

int main(void) {
    const int64_t shape[2] = {3, 3}, n[1] = {3};
    logits = make(X, 9, shape, 2, 1);
    targets = make(T, 3, n, 1, 0);
    weights = make(W, 3, n, 1, 0);
    cross_entropy_options();
    other_losses();
    axon_tensor_free(logits);
    axon_tensor_free(targets);
    axon_tensor_free(weights);
    return report("test_losses");
}
