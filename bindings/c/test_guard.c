/*
** test_guard.c - the training step's guard through include/axon.h: a NaN batch is
** AXON_ERR_NONFINITE and leaves every parameter and buffer bit for bit as it was (BatchNorm's
** running statistics included); axon_train_step_unguarded takes the step anyway. Built with
** gcc -std=c99 -Wall -Wextra -Werror -pedantic by run_tests.sh.
*/
#include "check.h"

int main(void) {
    float xs[12] = {0.5f, -1, 2, 0, 1, 1, -0.5f, 0.25f, 3, -2, 0.1f, 0.7f}, ys[4] = {0, 1, 0, 1};
    const int64_t sx[2] = {4, 3}, sy[1] = {4};
    const char *keys[1] = {"lr"};
    const double values[1] = {0.1};
    axon_model *m = NULL;
    axon_optimizer *opt = NULL;
    axon_tensor *params[8], *x, *bad, *y;
    float loss = 0, before[256], after[256];
    size_t i, n, np;
    CHECK_OK(axon_model_new(&m, "linear 3 4; batchnorm1d 4; relu; linear 4 2", 3));
    np = axon_model_parameter_count_tensors(m);
    for (i = 0; i < np; ++i) CHECK_OK(axon_model_parameter(&params[i], m, i));
    CHECK_OK(axon_optimizer_new(&opt, "adam", params, np, keys, values, 1));
    x = make(xs, 12, sx, 2, 0);
    y = make(ys, 4, sy, 1, 0);
    CHECK_OK(axon_train_step(&loss, m, opt, "cross_entropy", x, y, 0));
    CHECK(loss > 0);
    xs[4] = NAN;
    bad = make(xs, 12, sx, 2, 0);
    n = state_values(m, before, 256);
    CHECK_STATUS(axon_train_step(&loss, m, opt, "cross_entropy", bad, y, 0), AXON_ERR_NONFINITE);
    CHECK_ERROR_MENTIONS("not finite");
    CHECK(state_values(m, after, 256) == n && memcmp(before, after, n * sizeof(float)) == 0);
    CHECK_OK(axon_train_step(&loss, m, opt, "cross_entropy", x, y, 0)); /* training goes on */
    CHECK_OK(axon_train_step_unguarded(&loss, m, opt, "cross_entropy", bad, y, 0));
    state_values(m, after, 256);
    CHECK(isnan(after[0]) || isnan(after[1])); /* unguarded: the NaN reached the weights */
    CHECK_STATUS(axon_train_step_unguarded(NULL, m, opt, "cross_entropy", x, y, 0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_train_step_unguarded(&loss, m, opt, "hinge", x, y, 0), AXON_ERR_INVALID_ARGUMENT);
    for (i = 0; i < np; ++i) axon_tensor_free(params[i]);
    axon_tensor_free(x);
    axon_tensor_free(bad);
    axon_tensor_free(y);
    axon_optimizer_free(opt);
    axon_model_free(m);
    return report("test_guard");
}
