/*
** cases_elementwise.c - the unary and binary tensor ops (elementwise, matmul, comparisons),
** pow, clamp, leaky_relu, elu and where.
*/
#include "harness.h"

typedef axon_status (*unary_fn)(axon_tensor **, const axon_tensor *);
typedef axon_status (*binary_fn)(axon_tensor **, const axon_tensor *, const axon_tensor *);

static void unary(const char *f, unary_fn op) {
    int k;
    CASE(f, "control: [2, 3]", CONTROL) {
        axon_tensor *r = NULL;
        END(op(&r, mat(2, 3)));
    }
    CASE(f, "control: rank 0", CONTROL) {
        axon_tensor *r = NULL;
        END(op(&r, scalar(0.5f)));
    }
    CASE(f, "NULL out", X_INVAL) { END(op(NULL, mat(2, 3))); }
    for (k = 0; k < N_BAD; ++k) {
        CASE(f, bad_label(k, "a"), X_INVAL) {
            axon_tensor *r = NULL;
            END(op(&r, (axon_tensor *)bad_handle(H_TENSOR, k)));
        }
    }
    CASE(f, "failure leaves *out NULL", X_VOID) {
        axon_tensor *r = (axon_tensor *)bad_handle(H_TENSOR, BAD_FOREIGN);
        op(&r, NULL);
        END_IF(r == NULL);
    }
    CASE(f, "empty [0]", X_OK) {
        axon_tensor *r = NULL;
        END(op(&r, vec(0)));
    }
    CASE(f, "zero-size huge [0, 2^40, 2^40]", X_OK | X_HUGE) {
        axon_tensor *r = NULL;
        END(op(&r, huge_empty()));
    }
    CASE(f, "zero-size huge requiring grad, then backward", X_ANY) {
        axon_tensor *r = NULL, *s = NULL, *z = huge_empty();
        if (axon_tensor_set_requires_grad(z, 1) != AXON_OK) setup_fail("set_requires_grad");
        if (op(&r, z) != AXON_OK) END(AXON_OK);
        if (axon_tensor_sum(&s, r) != AXON_OK) END(AXON_OK);
        END(axon_tensor_backward(s));
    }
}

static void binary(const char *f, binary_fn op, int is_matmul) {
    int k;
    CASE(f, "control: [2, 2] and [2, 2]", CONTROL) {
        axon_tensor *r = NULL, *a = mat(2, 2), *b = mat(2, 2);
        END(op(&r, a, b));
    }
    CASE(f, "NULL out", X_INVAL) {
        axon_tensor *a = mat(2, 2), *b = mat(2, 2);
        END(op(NULL, a, b));
    }
    for (k = 0; k < N_BAD; ++k) {
        CASE(f, bad_label(k, "a"), X_INVAL) {
            axon_tensor *r = NULL, *b = mat(2, 2);
            END(op(&r, (axon_tensor *)bad_handle(H_TENSOR, k), b));
        }
        CASE(f, bad_label(k, "b"), X_INVAL) {
            axon_tensor *r = NULL, *a = mat(2, 2);
            END(op(&r, a, (axon_tensor *)bad_handle(H_TENSOR, k)));
        }
    }
    CASE(f, is_matmul ? "inner dimensions differ: [2, 3] @ [2, 3]" : "shapes do not broadcast: [2] and [3]",
         X_SHAPE) {
        axon_tensor *r = NULL, *a = is_matmul ? mat(2, 3) : vec(2), *b = is_matmul ? mat(2, 3) : vec(3);
        END(op(&r, a, b));
    }
    CASE(f, is_matmul ? "rank 0 operand" : "[2, 3] and [3, 2]", X_SHAPE) {
        axon_tensor *r = NULL, *a = is_matmul ? scalar(2) : mat(2, 3), *b = is_matmul ? mat(2, 2) : mat(3, 2);
        END(op(&r, a, b));
    }
    CASE(f, "zero-size huge with itself", X_OK | X_HUGE) {
        axon_tensor *r = NULL, *z = huge_empty();
        END(op(&r, z, z));
    }
    CASE(f, "zero-size huge and [3]", is_matmul ? X_SHAPE : X_SHAPE) {
        axon_tensor *r = NULL, *z = huge_empty(), *b = vec(3);
        END(op(&r, z, b));
    }
    CASE(f, "zero-size huge and rank 0", is_matmul ? X_SHAPE : X_OK | X_HUGE) {
        axon_tensor *r = NULL, *z = huge_empty(), *b = scalar(2);
        END(op(&r, z, b));
    }
    CASE(f, "empty [0, 3] and [0, 3]", is_matmul ? X_SHAPE : X_OK) {
        axon_tensor *r = NULL, *a = mat(0, 3), *b = mat(0, 3);
        END(op(&r, a, b));
    }
    if (is_matmul) {
        CASE(f, "[2^36, 0] @ [0, 2^36]: a result of 2^72 elements", X_HUGE) {
            int64_t sa[2] = {P36, 0}, sb[2] = {0, P36};
            axon_tensor *r = NULL, *a = empty_shape(sa, 2), *b = empty_shape(sb, 2);
            END(op(&r, a, b));
        }
        CASE(f, "[2^17, 0] @ [0, 2^17]: a result of 64 GiB", X_HUGE) {
            int64_t sa[2] = {(int64_t)1 << 17, 0}, sb[2] = {0, (int64_t)1 << 17};
            axon_tensor *r = NULL, *a = empty_shape(sa, 2), *b = empty_shape(sb, 2);
            END(op(&r, a, b));
        }
        CASE(f, "[0, 2^36] @ [2^36, 0]: an inner dimension of 2^36, nothing to add", X_OK | X_HUGE) {
            int64_t sa[2] = {0, P36}, sb[2] = {P36, 0};
            axon_tensor *r = NULL, *a = empty_shape(sa, 2), *b = empty_shape(sb, 2);
            END(op(&r, a, b));
        }
    } else {
        CASE(f, "[2^17, 1] and [1, 2^17]: a broadcast result of 64 GiB", X_HUGE) {
            axon_tensor *r = NULL, *a = mat((int64_t)1 << 17, 1), *b = mat(1, (int64_t)1 << 17);
            END(op(&r, a, b));
        }
        CASE(f, "[0, 1, 2^40] and [0, 2^40, 1]: broadcast to zero-size huge", X_OK | X_HUGE) {
            int64_t sa[3] = {0, 1, P40}, sb[3] = {0, P40, 1};
            axon_tensor *r = NULL, *a = empty_shape(sa, 3), *b = empty_shape(sb, 3);
            END(op(&r, a, b));
        }
    }
}

#define UNARY(fn) unary(#fn, fn)
#define BINARY(fn, m) binary(#fn, fn, m)

static void scalar_args(void) {
    static const float bad[3] = {NAN, INFINITY, -INFINITY};
    static const char *const bad_names[3] = {"NaN", "Inf", "-Inf"};
    char label[96];
    int i, k;
    CASE("axon_tensor_pow", "control", CONTROL) {
        axon_tensor *r = NULL;
        END(axon_tensor_pow(&r, mat(2, 3), 2));
    }
    CASE("axon_tensor_pow", "NULL out", X_INVAL) { END(axon_tensor_pow(NULL, mat(2, 3), 2)); }
    for (k = 0; k < N_BAD; ++k) {
        CASE("axon_tensor_pow", bad_label(k, "a"), X_INVAL) {
            axon_tensor *r = NULL;
            END(axon_tensor_pow(&r, (axon_tensor *)bad_handle(H_TENSOR, k), 2));
        }
    }
    CASE("axon_tensor_pow", "exponent NaN", X_OK | X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_tensor_pow(&r, mat(2, 3), NAN));
    }
    CASE("axon_tensor_pow", "zero-size huge", X_OK | X_HUGE) {
        axon_tensor *r = NULL;
        END(axon_tensor_pow(&r, huge_empty(), 3));
    }
    CASE("axon_tensor_clamp", "control", CONTROL) {
        axon_tensor *r = NULL;
        END(axon_tensor_clamp(&r, mat(2, 3), 2, 4));
    }
    CASE("axon_tensor_clamp", "control: both sides open", CONTROL) {
        axon_tensor *r = NULL;
        END(axon_tensor_clamp(&r, mat(2, 3), -INFINITY, INFINITY));
    }
    CASE("axon_tensor_clamp", "NULL out", X_INVAL) { END(axon_tensor_clamp(NULL, mat(2, 3), 0, 1)); }
    for (k = 0; k < N_BAD; ++k) {
        CASE("axon_tensor_clamp", bad_label(k, "a"), X_INVAL) {
            axon_tensor *r = NULL;
            END(axon_tensor_clamp(&r, (axon_tensor *)bad_handle(H_TENSOR, k), 0, 1));
        }
    }
    CASE("axon_tensor_clamp", "min NaN", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_tensor_clamp(&r, mat(2, 3), NAN, 1));
    }
    CASE("axon_tensor_clamp", "max NaN", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_tensor_clamp(&r, mat(2, 3), 0, NAN));
    }
    CASE("axon_tensor_clamp", "min > max", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_tensor_clamp(&r, mat(2, 3), 2, 1));
    }
    CASE("axon_tensor_clamp", "min Inf > max -Inf", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_tensor_clamp(&r, mat(2, 3), INFINITY, -INFINITY));
    }
    CASE("axon_tensor_clamp", "zero-size huge", X_OK | X_HUGE) {
        axon_tensor *r = NULL;
        END(axon_tensor_clamp(&r, huge_empty(), 0, 1));
    }
    for (i = 0; i < 2; ++i) {
        const char *f = i == 0 ? "axon_tensor_leaky_relu" : "axon_tensor_elu";
#define ACT(out, a, v) (i == 0 ? axon_tensor_leaky_relu((out), (a), (v)) : axon_tensor_elu((out), (a), (v)))
        CASE(f, "control", CONTROL) {
            axon_tensor *r = NULL;
            END(ACT(&r, mat(2, 3), 0.1f));
        }
        CASE(f, "control: a negative parameter", CONTROL) {
            axon_tensor *r = NULL;
            END(ACT(&r, mat(2, 3), -2));
        }
        CASE(f, "NULL out", X_INVAL) { END(ACT(NULL, mat(2, 3), 0.1f)); }
        for (k = 0; k < N_BAD; ++k) {
            CASE(f, bad_label(k, "a"), X_INVAL) {
                axon_tensor *r = NULL;
                END(ACT(&r, (axon_tensor *)bad_handle(H_TENSOR, k), 0.1f));
            }
        }
        for (k = 0; k < 3; ++k) {
            snprintf(label, sizeof label, "parameter %s", bad_names[k]);
            CASE(f, label, X_INVAL) {
                axon_tensor *r = NULL;
                END(ACT(&r, mat(2, 3), bad[k]));
            }
        }
        CASE(f, "zero-size huge", X_OK | X_HUGE) {
            axon_tensor *r = NULL;
            END(ACT(&r, huge_empty(), 0.1f));
        }
#undef ACT
    }
}

static void where(void) {
    const char *f = "axon_tensor_where";
    static const char *const params[3] = {"cond", "a", "b"};
    int k, p;
    CASE(f, "control", CONTROL) {
        axon_tensor *r = NULL, *c = mat(2, 3), *a = mat(2, 3), *b = vec(3);
        END(axon_tensor_where(&r, c, a, b));
    }
    CASE(f, "NULL out", X_INVAL) {
        axon_tensor *c = mat(2, 3), *a = mat(2, 3), *b = vec(3);
        END(axon_tensor_where(NULL, c, a, b));
    }
    for (p = 0; p < 3; ++p) {
        for (k = 0; k < N_BAD; ++k) {
            CASE(f, bad_label(k, params[p]), X_INVAL) {
                axon_tensor *r = NULL, *t[3];
                t[0] = mat(2, 3);
                t[1] = mat(2, 3);
                t[2] = mat(2, 3);
                t[p] = (axon_tensor *)bad_handle(H_TENSOR, k);
                END(axon_tensor_where(&r, t[0], t[1], t[2]));
            }
        }
        CASE(f, p == 0 ? "cond [4] does not broadcast" : p == 1 ? "a [4]" : "b [4]", X_SHAPE) {
            axon_tensor *r = NULL, *t[3];
            t[0] = mat(2, 3);
            t[1] = mat(2, 3);
            t[2] = mat(2, 3);
            t[p] = vec(4);
            END(axon_tensor_where(&r, t[0], t[1], t[2]));
        }
    }
    CASE(f, "zero-size huge cond, a, b", X_OK | X_HUGE) {
        axon_tensor *r = NULL, *z = huge_empty();
        END(axon_tensor_where(&r, z, z, z));
    }
    CASE(f, "zero-size huge cond and [2^17, 1] and [1, 2^17]", X_SHAPE) {
        axon_tensor *r = NULL, *z = huge_empty(), *a = mat((int64_t)1 << 17, 1), *b = mat(1, (int64_t)1 << 17);
        END(axon_tensor_where(&r, z, a, b));
    }
    CASE(f, "[2^17, 1] cond, [1, 2^17], rank 0: 64 GiB", X_HUGE) {
        axon_tensor *r = NULL, *c = mat((int64_t)1 << 17, 1), *a = mat(1, (int64_t)1 << 17), *b = scalar(0);
        END(axon_tensor_where(&r, c, a, b));
    }
}

void cases_elementwise(void) {
    UNARY(axon_tensor_neg);
    UNARY(axon_tensor_exp);
    UNARY(axon_tensor_log);
    UNARY(axon_tensor_tanh);
    UNARY(axon_tensor_sigmoid);
    UNARY(axon_tensor_relu);
    UNARY(axon_tensor_sqrt);
    UNARY(axon_tensor_sin);
    UNARY(axon_tensor_cos);
    UNARY(axon_tensor_abs);
    UNARY(axon_tensor_erf);
    UNARY(axon_tensor_gelu);
    UNARY(axon_tensor_softplus);
    UNARY(axon_tensor_detach);
    UNARY(axon_tensor_sum);
    BINARY(axon_tensor_add, 0);
    BINARY(axon_tensor_sub, 0);
    BINARY(axon_tensor_mul, 0);
    BINARY(axon_tensor_div, 0);
    BINARY(axon_tensor_matmul, 1);
    BINARY(axon_tensor_maximum, 0);
    BINARY(axon_tensor_minimum, 0);
    BINARY(axon_tensor_pow_tensor, 0);
    BINARY(axon_tensor_gt, 0);
    BINARY(axon_tensor_ge, 0);
    BINARY(axon_tensor_lt, 0);
    BINARY(axon_tensor_le, 0);
    BINARY(axon_tensor_eq, 0);
    BINARY(axon_tensor_ne, 0);
    scalar_args();
    where();
}
