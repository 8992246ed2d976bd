/*
** cases_empty.c - empty tensors whose other dimensions multiply to 2^36 (below a cap on the
** element count of a shape): [0, 2^18, 2^18] and [2^18, 2^18, 0], reduced or normalized over
** the empty axis. Every op on them has nothing to compute, so each must return at once: a loop
** over the 2^36 empty rows is a hang, and a result of 2^36 elements (256 GiB) must be refused
** with an error, not allocated.
*/
#include "harness.h"

#define P18 ((int64_t)1 << 18)

typedef struct { const char *function; unsigned expect; } empty_op;

/* The ops, in the order of `run`; what each may give on an empty axis. */
static const empty_op ops[] = {
    {"axon_tensor_softmax", X_OK | X_HUGE},     {"axon_tensor_log_softmax", X_OK | X_HUGE},
    {"axon_tensor_sum_axes", X_HUGE},           {"axon_tensor_mean", X_HUGE},
    {"axon_tensor_logsumexp", X_HUGE},          {"axon_tensor_var", X_SHAPE | X_HUGE},
    {"axon_tensor_amax", X_SHAPE | X_HUGE},     {"axon_tensor_amin", X_SHAPE | X_HUGE},
    {"axon_tensor_argmax", X_SHAPE | X_HUGE},   {"axon_tensor_transpose", X_OK | X_HUGE},
    {"axon_tensor_add", X_OK | X_HUGE},         {"axon_tensor_exp", X_OK | X_HUGE},
    {"axon_tensor_sum", X_OK},                  {"axon_tensor_flatten", X_OK | X_HUGE},
    {"axon_tensor_cos", X_OK | X_HUGE},         {"axon_tensor_mul_scalar_", X_OK},
};

static axon_status run(int which, axon_tensor *a, int64_t axis) {
    axon_tensor *r = NULL;
    int64_t axes[1];
    axes[0] = axis;
    switch (which) {
    case 0: return axon_tensor_softmax(&r, a, axis);
    case 1: return axon_tensor_log_softmax(&r, a, axis);
    case 2: return axon_tensor_sum_axes(&r, a, axes, 1, 0);
    case 3: return axon_tensor_mean(&r, a, axes, 1, 0);
    case 4: return axon_tensor_logsumexp(&r, a, axes, 1, 0);
    case 5: return axon_tensor_var(&r, a, axes, 1, 0, 0);
    case 6: return axon_tensor_amax(&r, a, axes, 1, 0);
    case 7: return axon_tensor_amin(&r, a, axes, 1, 0);
    case 8: return axon_tensor_argmax(&r, a, axis);
    case 9: return axon_tensor_transpose(&r, a, axis, 1);
    case 10: return axon_tensor_add(&r, a, a);
    case 11: return axon_tensor_exp(&r, a);
    case 12: return axon_tensor_sum(&r, a);
    case 13: return axon_tensor_flatten(&r, a, 0, -1);
    case 14: return axon_tensor_cos(&r, a);
    default: return axon_tensor_mul_scalar_(a, 2);
    }
}

void cases_empty(void) {
    char label[128];
    size_t i;
    int lead;
    for (lead = 0; lead < 2; ++lead) {
        for (i = 0; i < sizeof ops / sizeof *ops; ++i) {
            snprintf(label, sizeof label, "%s, over the empty axis",
                     lead ? "[0, 2^18, 2^18] (2^36 empty columns)" : "[2^18, 2^18, 0] (2^36 empty rows)");
            CASE(ops[i].function, label, ops[i].expect) {
                int64_t lead_shape[3] = {0, P18, P18}, tail_shape[3] = {P18, P18, 0};
                axon_tensor *a = empty_shape(lead ? lead_shape : tail_shape, 3);
                END(run((int)i, a, lead ? 0 : 2));
            }
        }
    }
    CASE("axon_tensor_matmul", "[2^18, 2^18, 0] @ [0, 2^18]: a result of 2^54 elements", X_HUGE) {
        int64_t sa[3] = {P18, P18, 0}, sb[2] = {0, P18};
        axon_tensor *r = NULL, *a = empty_shape(sa, 3), *b = empty_shape(sb, 2);
        END(axon_tensor_matmul(&r, a, b));
    }
    CASE("axon_tensor_matmul", "[0, 2^18, 2^18] @ itself: an empty batch", X_OK | X_HUGE) {
        int64_t sa[3] = {0, P18, P18};
        axon_tensor *r = NULL, *a = empty_shape(sa, 3);
        END(axon_tensor_matmul(&r, a, a));
    }
    CASE("axon_model_forward", "[2^18, 2^18, 0] through flatten; relu", X_OK | X_HUGE) {
        int64_t sa[3] = {P18, P18, 0};
        axon_tensor *r = NULL, *a = empty_shape(sa, 3);
        END(axon_model_forward(&r, model("flatten; relu"), a));
    }
    CASE("axon_loss", "mse of [2^18, 2^18, 0] (a mean over nothing)", X_OK | X_SHAPE) {
        int64_t sa[3] = {P18, P18, 0};
        axon_tensor *r = NULL, *a = empty_shape(sa, 3);
        END(axon_loss(&r, "mse", a, a, NULL));
    }
    CASE("axon_loss", "cross_entropy of [2^18, 0] logits (no classes)", X_ANY) {
        int64_t sa[2] = {P18, 0};
        axon_tensor *r = NULL, *a = empty_shape(sa, 2), *t = NULL;
        if (axon_tensor_zeros(&t, &sa[0], 1, 0) != AXON_OK) setup_fail("targets");
        END(axon_loss(&r, "cross_entropy", a, t, NULL));
    }
}
