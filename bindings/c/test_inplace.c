/*
** test_inplace.c - in-place updates with PyTorch's autograd rules, and the model tree (children,
** kinds, containers that share their layers), through include/axon.h. Built with gcc -std=c99
** -Wall -Wextra -Werror -pedantic by run_tests.sh.
*/
#include "check.h"

static void test_updates_under_no_grad(void) {
    const float x_data[3] = {1, 2, 3}, ones[3] = {1, 1, 1}, quarters[3] = {1, 2, 4}, two = 2;
    const float expected[3] = {1, 2, 2}; /* ((x - 0.5) * 2 - 1) / [1, 2, 4] + 1 */
    const int64_t s3[1] = {3}, s0[1] = {0};
    axon_tensor *w = make(x_data, 3, s3, 1, 1), *o = make(ones, 3, s3, 1, 0), *q = make(quarters, 3, s3, 1, 0);
    axon_tensor *scalar = NULL;
    int64_t v0 = -1, v1 = -1;

    CHECK_OK(axon_tensor_new(&scalar, &two, 1, s0, 0, 0));
    CHECK_OK(axon_tensor_version(&v0, w));
    CHECK(axon_set_grad_enabled(0) == 1);
    CHECK_OK(axon_tensor_add_(w, o, -0.5f));
    CHECK_OK(axon_tensor_mul_(w, scalar));
    CHECK_OK(axon_tensor_sub_(w, o, 1));
    CHECK_OK(axon_tensor_div_(w, q));
    CHECK_OK(axon_tensor_add_scalar_(w, 1));
    CHECK(holds(w, expected, 3));
    CHECK_OK(axon_tensor_mul_scalar_(w, 0.5f));
    CHECK_OK(axon_tensor_copy_(w, scalar)); /* broadcast */
    {
        const float twos[3] = {2, 2, 2};
        CHECK(holds(w, twos, 3));
    }
    CHECK_OK(axon_tensor_fill_(w, 7));
    CHECK_OK(axon_tensor_zero_(w));
    CHECK_OK(axon_tensor_version(&v1, w));
    CHECK(v1 == v0 + 9);
    axon_set_grad_enabled(1);

    /* Bad arguments. */
    CHECK_STATUS(axon_tensor_add_(w, o, INFINITY), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_sub_(w, NULL, 1), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_sub_(w, o, -INFINITY), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_mul_(NULL, o), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_div_(w, NULL), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_copy_(w, NULL), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_fill_(NULL, 1), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_zero_(NULL), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_add_scalar_(NULL, 1), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_mul_scalar_(NULL, 1), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_version(NULL, w), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_version(&v1, NULL), AXON_ERR_INVALID_ARGUMENT);

    axon_tensor_free(scalar);
    axon_tensor_free(q);
    axon_tensor_free(o);
    axon_tensor_free(w);
}

static void test_autograd_rules(void) {
    const float x_data[2] = {1, 2}, c_data[2] = {3, 4}, four[4] = {1, 2, 3, 4};
    const int64_t s2[1] = {2}, s4[1] = {4};
    axon_tensor *x = make(x_data, 2, s2, 1, 1), *c = make(c_data, 2, s2, 1, 0), *other = make(four, 4, s4, 1, 0);
    axon_tensor *prod = NULL, *y = NULL;

    /* A tensor that requires grad is refused while recording, and left as it was. */
    CHECK_STATUS(axon_tensor_add_scalar_(x, 1), AXON_ERR_STATE);
    CHECK_ERROR_MENTIONS("no-grad");
    CHECK(holds(x, x_data, 2));
    /* A shape that does not broadcast to t's is refused, and t is unchanged. */
    CHECK_STATUS(axon_tensor_add_(c, other, 1), AXON_ERR_SHAPE);
    CHECK(holds(c, c_data, 2));

    /* A graph whose input was overwritten since refuses backward. */
    CHECK_OK(axon_tensor_mul(&prod, x, c));
    CHECK_OK(axon_tensor_sum(&y, prod));
    CHECK_OK(axon_tensor_mul_scalar_(c, 2)); /* c does not require grad: allowed */
    CHECK_STATUS(axon_tensor_backward(y), AXON_ERR_STATE);
    CHECK_ERROR_MENTIONS("modified in place");

    axon_tensor_free(y);
    axon_tensor_free(prod);
    axon_tensor_free(other);
    axon_tensor_free(c);
    axon_tensor_free(x);
}

static void test_model_tree(void) {
    axon_model *m = NULL, *first = NULL, *body = NULL, *shared = NULL, *bad = NULL;
    axon_tensor *w_tree = NULL, *w_child = NULL, *w_shared = NULL;
    char text[128];
    size_t length = 0;
    float a[12], b[12];

    CHECK_OK(axon_model_new(&m, "linear 4 3; residual { linear 3 3; tanh }; relu", 1));
    CHECK(axon_model_child_count(m) == 3);
    CHECK(axon_model_child_count(NULL) == 0);
    CHECK_OK(axon_model_kind(m, text, sizeof text, &length));
    CHECK(strcmp(text, "sequential") == 0 && length == 10);
    CHECK_OK(axon_model_child_name(m, 1, text, sizeof text, NULL));
    CHECK(strcmp(text, "1") == 0);
    CHECK_OK(axon_model_child(&first, m, 0));
    CHECK_OK(axon_model_kind(first, text, sizeof text, NULL));
    CHECK(strcmp(text, "linear") == 0);
    CHECK_OK(axon_model_submodule(&body, m, "1.body"));
    CHECK_OK(axon_model_spec(body, text, sizeof text, NULL));
    CHECK(strncmp(text, "sequential { linear in=3 out=3", 30) == 0);
    CHECK(axon_model_child_count(body) == 2);

    /* The child's weight is the tree's: the same values, and an update through one shows in the other. */
    CHECK_OK(axon_model_state_tensor(&w_tree, m, 0));
    CHECK_OK(axon_model_state_tensor(&w_child, first, 0));
    axon_set_grad_enabled(0);
    CHECK_OK(axon_tensor_add_scalar_(w_child, 1));
    axon_set_grad_enabled(1);
    CHECK_OK(axon_tensor_copy_data(w_tree, a, 12));
    CHECK_OK(axon_tensor_copy_data(w_child, b, 12));
    CHECK(memcmp(a, b, sizeof a) == 0);

    /* A sequential of existing layers shares them. */
    {
        axon_model *layers[2];
        layers[0] = first;
        layers[1] = body;
        CHECK_OK(axon_model_sequential(&shared, layers, 2));
    }
    CHECK(axon_model_child_count(shared) == 2);
    CHECK_OK(axon_model_state_tensor(&w_shared, shared, 0));
    CHECK_OK(axon_tensor_copy_data(w_shared, b, 12));
    CHECK(memcmp(a, b, sizeof a) == 0);

    CHECK_STATUS(axon_model_child(&bad, m, 3), AXON_ERR_INVALID_ARGUMENT);
    CHECK(bad == NULL);
    CHECK_STATUS(axon_model_child(NULL, m, 0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_model_submodule(&bad, m, "1.nothing"), AXON_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("body");
    CHECK_STATUS(axon_model_submodule(&bad, m, NULL), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_model_child_name(m, 9, text, sizeof text, NULL), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_model_kind(NULL, text, sizeof text, NULL), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_model_sequential(&bad, NULL, 2), AXON_ERR_INVALID_ARGUMENT);
    {
        axon_model *layers[1] = {NULL};
        CHECK_STATUS(axon_model_sequential(&bad, layers, 1), AXON_ERR_INVALID_ARGUMENT);
    }

    axon_tensor_free(w_shared);
    axon_tensor_free(w_child);
    axon_tensor_free(w_tree);
    axon_model_free(shared);
    axon_model_free(body);
    axon_model_free(m); /* the child handles keep their layers alive */
    CHECK(axon_model_child_count(first) == 0);
    axon_model_free(first);
}

int main(void) {
    test_updates_under_no_grad();
    test_autograd_rules();
    test_model_tree();
    return report("test_inplace");
}
