/*
** test_arguments.c - invalid arguments of the tensor operations that the other tests exercise
** with valid ones: each gives its status and a message, never a crash. Built with gcc
** -std=c99 -Wall -Wextra -Werror -pedantic by run_tests.sh.
*/
#include "check.h"

int main(void) {
    const float data[6] = {1, 2, 3, 4, 5, 6};
    const int64_t s23[2] = {2, 3}, bad_axis[1] = {5};
    axon_tensor *a = make(data, 6, s23, 2, 0), *r = NULL;
    axon_model *m = NULL;
    char name[32];

    CHECK_STATUS(axon_tensor_neg(&r, NULL), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_log(NULL, a), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_tanh(&r, NULL), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_sigmoid(&r, NULL), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_relu(NULL, a), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_sqrt(&r, NULL), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_pow(&r, NULL, 2), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_detach(&r, NULL), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_log_softmax(&r, a, 7), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_sum_axes(&r, a, bad_axis, 1, 0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_sum_axes(&r, a, NULL, 1, 0), AXON_ERR_INVALID_ARGUMENT);
    CHECK(r == NULL);

    /* Adaptive pooling and maxout (their values: the shared fixture, test_ops_fixture.c). */
    {
        const int64_t s1133[4] = {1, 1, 3, 3}, one[2] = {1, 1}, zero[2] = {0, 1};
        const float nine[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, mean = 5;
        axon_tensor *img = make(nine, 9, s1133, 4, 0), *pieces[2];
        CHECK_OK(axon_tensor_adaptive_avg_pool2d(&r, img, one));
        CHECK(holds(r, &mean, 1));
        axon_tensor_free(r);
        r = NULL;
        CHECK_STATUS(axon_tensor_adaptive_avg_pool2d(&r, img, zero), AXON_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(axon_tensor_adaptive_avg_pool2d(&r, img, NULL), AXON_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(axon_tensor_adaptive_avg_pool2d(&r, a, one), AXON_ERR_SHAPE);
        pieces[0] = a;
        pieces[1] = img;
        CHECK_OK(axon_tensor_maxout(&r, pieces, 1));
        CHECK(holds(r, data, 6));
        axon_tensor_free(r);
        r = NULL;
        CHECK_STATUS(axon_tensor_maxout(&r, pieces, 2), AXON_ERR_SHAPE);
        CHECK_STATUS(axon_tensor_maxout(&r, NULL, 2), AXON_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(axon_tensor_maxout(&r, pieces, 0), AXON_ERR_INVALID_ARGUMENT);
        axon_tensor_free(img);
    }

    CHECK_OK(axon_model_new(&m, "linear 3 2", 0));
    CHECK_STATUS(axon_model_parameter_name(m, 2, name, sizeof name, NULL), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_model_parameter_name(NULL, 0, name, sizeof name, NULL), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_model_parameter_name(m, 0, NULL, 4, NULL), AXON_ERR_INVALID_ARGUMENT);

    axon_model_free(m);
    axon_tensor_free(a);
    return report("test_arguments");
}
