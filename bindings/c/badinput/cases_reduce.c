/*
** cases_reduce.c - reductions over axes: sum_axes, mean, amax, amin, logsumexp, var, argmax.
*/
#include "harness.h"

typedef axon_status (*reduce_fn)(axon_tensor **, const axon_tensor *, const int64_t *, size_t, int);

/* var with correction 0, as a reduce_fn. */
static axon_status var0(axon_tensor **out, const axon_tensor *a, const int64_t *axes, size_t n, int keep) {
    return axon_tensor_var(out, a, axes, n, 0, keep);
}

/* `strict`: keep_dims must be 0 or 1 (the catalog); `extremum`: an empty axis is AXON_ERR_SHAPE (for
   the others the header says nothing: a value or AXON_ERR_SHAPE). */
static void reduce(const char *f, reduce_fn op, int strict, int extremum) {
    static const int64_t one_axis[1] = {1}, dup[2] = {0, 0}, dup_neg[2] = {1, -1}, ax0[1] = {0};
    static const int64_t bad_axes[4] = {99, -99, INT64_MIN, INT64_MAX};
    static const int64_t seventeen[17] = {0};
    char label[96];
    int k;
    CASE(f, "control: [2, 3] over axis 1", CONTROL) {
        axon_tensor *r = NULL;
        END(op(&r, mat(2, 3), one_axis, 1, 0));
    }
    CASE(f, "control: over all axes, axes NULL", CONTROL) {
        axon_tensor *r = NULL;
        END(op(&r, mat(2, 3), NULL, 0, 1));
    }
    CASE(f, "NULL out", X_INVAL) { END(op(NULL, mat(2, 3), one_axis, 1, 0)); }
    for (k = 0; k < N_BAD; ++k) {
        CASE(f, bad_label(k, "a"), X_INVAL) {
            axon_tensor *r = NULL;
            END(op(&r, (axon_tensor *)bad_handle(H_TENSOR, k), one_axis, 1, 0));
        }
    }
    CASE(f, "NULL axes, n_axes 2", X_INVAL) {
        axon_tensor *r = NULL;
        END(op(&r, mat(2, 3), NULL, 2, 0));
    }
    CASE(f, "n_axes SIZE_MAX", X_INVAL) {
        axon_tensor *r = NULL;
        END(op(&r, mat(2, 3), one_axis, SZ_NEG, 0));
    }
    CASE(f, "17 axes (all 0)", X_INVAL) {
        axon_tensor *r = NULL;
        END(op(&r, mat(2, 3), seventeen, 17, 0));
    }
    for (k = 0; k < 4; ++k) {
        snprintf(label, sizeof label, "axis %lld", (long long)bad_axes[k]);
        CASE(f, label, X_INVAL) {
            axon_tensor *r = NULL;
            END(op(&r, mat(2, 3), &bad_axes[k], 1, 0));
        }
    }
    CASE(f, "axis given twice {0, 0}", X_INVAL) {
        axon_tensor *r = NULL;
        END(op(&r, mat(2, 3), dup, 2, 0));
    }
    CASE(f, "axis given twice {1, -1}", X_INVAL) {
        axon_tensor *r = NULL;
        END(op(&r, mat(2, 3), dup_neg, 2, 0));
    }
    CASE(f, "rank 0, axis 0", X_ANY) {
        axon_tensor *r = NULL;
        END(op(&r, scalar(1), ax0, 1, 0));
    }
    CASE(f, "keep_dims 2", strict ? X_INVAL : X_OK) {
        axon_tensor *r = NULL;
        END(op(&r, mat(2, 3), one_axis, 1, 2));
    }
    CASE(f, "keep_dims -1", strict ? X_INVAL : X_OK) {
        axon_tensor *r = NULL;
        END(op(&r, mat(2, 3), one_axis, 1, -1));
    }
    CASE(f, "empty [0] over all axes", extremum ? X_SHAPE : X_OK | X_SHAPE) {
        axon_tensor *r = NULL;
        END(op(&r, vec(0), NULL, 0, 0));
    }
    CASE(f, "empty [2, 0] over axis 1", extremum ? X_SHAPE : X_OK | X_SHAPE) {
        axon_tensor *r = NULL;
        END(op(&r, mat(2, 0), one_axis, 1, 0));
    }
    CASE(f, "zero-size huge over axis 0: a result of 2^80 elements", X_HUGE) {
        axon_tensor *r = NULL;
        END(op(&r, huge_empty(), ax0, 1, 0));
    }
    CASE(f, "zero-size huge over axis 0, keep_dims: 2^80 elements", X_HUGE) {
        axon_tensor *r = NULL;
        END(op(&r, huge_empty(), ax0, 1, 1));
    }
    CASE(f, "zero-size huge over axis 1", X_OK | X_HUGE) {
        axon_tensor *r = NULL;
        axon_status st = op(&r, huge_empty(), one_axis, 1, 0);
        END_CHECKED(st, axon_tensor_numel(r) == 0);
    }
    CASE(f, "zero-size huge over all axes", extremum ? X_SHAPE : X_OK | X_HUGE) {
        axon_tensor *r = NULL;
        END(op(&r, huge_empty(), NULL, 0, 0));
    }
    CASE(f, "[2^17, 0] over axis 1: a result of 2^17 elements", extremum ? X_SHAPE : X_OK | X_SHAPE) {
        int64_t s[2] = {(int64_t)1 << 17, 0};
        axon_tensor *r = NULL;
        END(op(&r, empty_shape(s, 2), one_axis, 1, 0));
    }
}

static void var_and_argmax(void) {
    static const int64_t ax1[1] = {1}, ax0[1] = {0};
    static const int64_t bad_axes[4] = {99, -99, INT64_MIN, INT64_MAX};
    char label[96];
    int k;
    CASE("axon_tensor_var", "correction -1", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_tensor_var(&r, mat(2, 3), ax1, 1, -1, 0));
    }
    CASE("axon_tensor_var", "correction INT64_MIN", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_tensor_var(&r, mat(2, 3), ax1, 1, INT64_MIN, 0));
    }
    CASE("axon_tensor_var", "N - correction = 0: [1] with correction 1", X_SHAPE) {
        axon_tensor *r = NULL;
        END(axon_tensor_var(&r, vec(1), NULL, 0, 1, 0));
    }
    CASE("axon_tensor_var", "correction INT64_MAX", X_SHAPE) {
        axon_tensor *r = NULL;
        END(axon_tensor_var(&r, mat(2, 3), ax1, 1, INT64_MAX, 0));
    }
    CASE("axon_tensor_var", "unbiased over an empty axis", X_SHAPE) {
        axon_tensor *r = NULL;
        END(axon_tensor_var(&r, mat(2, 0), ax1, 1, 1, 0));
    }
    CASE("axon_tensor_var", "zero-size huge over axis 1, correction 1", X_SHAPE) {
        axon_tensor *r = NULL;
        END(axon_tensor_var(&r, huge_empty(), ax1, 1, 1, 0));
    }
    CASE("axon_tensor_argmax", "control", CONTROL) {
        axon_tensor *r = NULL;
        END(axon_tensor_argmax(&r, mat(2, 3), 1));
    }
    CASE("axon_tensor_argmax", "NULL out", X_INVAL) { END(axon_tensor_argmax(NULL, mat(2, 3), 1)); }
    for (k = 0; k < N_BAD; ++k) {
        CASE("axon_tensor_argmax", bad_label(k, "a"), X_INVAL) {
            axon_tensor *r = NULL;
            END(axon_tensor_argmax(&r, (axon_tensor *)bad_handle(H_TENSOR, k), 1));
        }
    }
    for (k = 0; k < 4; ++k) {
        snprintf(label, sizeof label, "axis %lld", (long long)bad_axes[k]);
        CASE("axon_tensor_argmax", label, X_INVAL) {
            axon_tensor *r = NULL;
            END(axon_tensor_argmax(&r, mat(2, 3), bad_axes[k]));
        }
    }
    CASE("axon_tensor_argmax", "rank 0, axis 0", X_ANY) {
        axon_tensor *r = NULL;
        END(axon_tensor_argmax(&r, scalar(1), 0));
    }
    CASE("axon_tensor_argmax", "an empty axis", X_SHAPE) {
        axon_tensor *r = NULL;
        END(axon_tensor_argmax(&r, mat(2, 0), 1));
    }
    CASE("axon_tensor_argmax", "zero-size huge along axis 0 (empty, and 2^80 results)", X_SHAPE | X_HUGE) {
        axon_tensor *r = NULL;
        END(axon_tensor_argmax(&r, huge_empty(), ax0[0]));
    }
    CASE("axon_tensor_argmax", "zero-size huge along axis 1", X_OK | X_HUGE) {
        axon_tensor *r = NULL;
        END(axon_tensor_argmax(&r, huge_empty(), 1));
    }
}

void cases_reduce(void) {
    reduce("axon_tensor_sum_axes", axon_tensor_sum_axes, 0, 0);
    reduce("axon_tensor_mean", axon_tensor_mean, 0, 0);
    reduce("axon_tensor_amax", axon_tensor_amax, 1, 1);
    reduce("axon_tensor_amin", axon_tensor_amin, 1, 1);
    reduce("axon_tensor_logsumexp", axon_tensor_logsumexp, 1, 0);
    reduce("axon_tensor_var", var0, 1, 1);
    var_and_argmax();
}
