/*
** cases_tensor_grad.c - backward, grad, zero_grad, set_requires_grad, backward_seed, dual,
** tangent and axon_grad.
*/
#include "harness.h"

static void backward(void) {
    int k;
    CASE("axon_tensor_backward", "control", CONTROL) { END(axon_tensor_backward(rg_loss(NULL))); }
    for (k = 0; k < N_BAD; ++k) {
        CASE("axon_tensor_backward", bad_label(k, "t"), X_INVAL) {
            END(axon_tensor_backward((axon_tensor *)bad_handle(H_TENSOR, k)));
        }
    }
    CASE("axon_tensor_backward", "t does not require grad", X_STATE) { END(axon_tensor_backward(scalar(1))); }
    CASE("axon_tensor_backward", "t has 3 elements", X_SHAPE) { END(axon_tensor_backward(vec_rg(3))); }
    CASE("axon_tensor_backward", "twice through the same graph", X_STATE) {
        axon_tensor *s = rg_loss(NULL);
        if (axon_tensor_backward(s) != AXON_OK) setup_fail("backward");
        END(axon_tensor_backward(s));
    }
    CASE("axon_tensor_backward", "a leaf of zero-size huge, summed", X_OK | X_HUGE) {
        axon_tensor *z = huge_empty(), *s = NULL;
        if (axon_tensor_set_requires_grad(z, 1) != AXON_OK || axon_tensor_sum(&s, z) != AXON_OK) setup_fail("sum");
        END(axon_tensor_backward(s));
    }
    CASE("axon_tensor_backward", "an empty tensor requiring grad (not one element)", X_ERR) {
        axon_tensor *e = vec_rg(0);
        END(axon_tensor_backward(e));
    }
    CASE("axon_tensor_grad", "control", CONTROL) {
        axon_tensor *x = NULL, *s = rg_loss(&x), *g = NULL;
        axon_status st;
        if (axon_tensor_backward(s) != AXON_OK) setup_fail("backward");
        st = axon_tensor_grad(&g, x);
        END_CHECKED(st, g != NULL);
    }
    CASE("axon_tensor_grad", "no gradient yet: NULL", X_OK) {
        axon_tensor *g = (axon_tensor *)bad_handle(H_TENSOR, BAD_FOREIGN);
        axon_status st = axon_tensor_grad(&g, vec_rg(2));
        END_CHECKED(st, g == NULL);
    }
    CASE("axon_tensor_grad", "NULL out", X_INVAL) { END(axon_tensor_grad(NULL, vec_rg(2))); }
    for (k = 0; k < N_BAD; ++k) {
        CASE("axon_tensor_grad", bad_label(k, "t"), X_INVAL) {
            axon_tensor *g = NULL;
            END(axon_tensor_grad(&g, (axon_tensor *)bad_handle(H_TENSOR, k)));
        }
    }
    CASE("axon_tensor_zero_grad", "control", CONTROL) {
        axon_tensor *x = NULL, *s = rg_loss(&x);
        if (axon_tensor_backward(s) != AXON_OK) setup_fail("backward");
        END(axon_tensor_zero_grad(x));
    }
    CASE("axon_tensor_zero_grad", "no gradient", X_OK) { END(axon_tensor_zero_grad(vec(2))); }
    for (k = 0; k < N_BAD; ++k) {
        CASE("axon_tensor_zero_grad", bad_label(k, "t"), X_INVAL) {
            END(axon_tensor_zero_grad((axon_tensor *)bad_handle(H_TENSOR, k)));
        }
    }
    CASE("axon_tensor_set_requires_grad", "control", CONTROL) {
        axon_tensor *t = vec(2);
        axon_status st = axon_tensor_set_requires_grad(t, 1);
        END_CHECKED(st, axon_tensor_requires_grad(t) == 1);
    }
    CASE("axon_tensor_set_requires_grad", "-1 (non-zero: on)", X_OK) {
        axon_tensor *t = vec(2);
        axon_status st = axon_tensor_set_requires_grad(t, -1);
        END_CHECKED(st, axon_tensor_requires_grad(t) == 1);
    }
    for (k = 0; k < N_BAD; ++k) {
        CASE("axon_tensor_set_requires_grad", bad_label(k, "t"), X_INVAL) {
            END(axon_tensor_set_requires_grad((axon_tensor *)bad_handle(H_TENSOR, k), 1));
        }
    }
    CASE("axon_tensor_set_requires_grad", "zero-size huge", X_OK) {
        END(axon_tensor_set_requires_grad(huge_empty(), 1));
    }
}

static void backward_seed(void) {
    const char *f = "axon_tensor_backward_seed";
    int k;
    CASE(f, "control", CONTROL) {
        axon_tensor *x = vec_rg(3), *y = NULL, *seed = vec(3);
        if (axon_tensor_mul(&y, x, x) != AXON_OK) setup_fail("mul");
        END(axon_tensor_backward_seed(y, seed, 0, 0));
    }
    CASE(f, "control: NULL seed for one element, flags -1 (non-zero)", CONTROL) {
        END(axon_tensor_backward_seed(rg_loss(NULL), NULL, -1, -1));
    }
    for (k = 0; k < N_BAD; ++k) {
        CASE(f, bad_label(k, "t"), X_INVAL) {
            axon_tensor *seed = vec(3);
            END(axon_tensor_backward_seed((axon_tensor *)bad_handle(H_TENSOR, k), seed, 0, 0));
        }
        if (k == BAD_NULL) continue;
        CASE(f, bad_label(k, "seed"), X_INVAL) {
            axon_tensor *x = vec_rg(3), *y = NULL;
            if (axon_tensor_mul(&y, x, x) != AXON_OK) setup_fail("mul");
            END(axon_tensor_backward_seed(y, (axon_tensor *)bad_handle(H_TENSOR, k), 0, 0));
        }
    }
    CASE(f, "NULL seed for 3 elements", X_SHAPE | X_INVAL) {
        axon_tensor *x = vec_rg(3), *y = NULL;
        if (axon_tensor_mul(&y, x, x) != AXON_OK) setup_fail("mul");
        END(axon_tensor_backward_seed(y, NULL, 0, 0));
    }
    CASE(f, "seed of another shape", X_SHAPE) {
        axon_tensor *x = vec_rg(3), *y = NULL, *seed = vec(2);
        if (axon_tensor_mul(&y, x, x) != AXON_OK) setup_fail("mul");
        END(axon_tensor_backward_seed(y, seed, 0, 0));
    }
    CASE(f, "t does not require grad", X_STATE) {
        axon_tensor *t = vec(3), *seed = vec(3);
        END(axon_tensor_backward_seed(t, seed, 0, 0));
    }
    CASE(f, "zero-size huge seed for [3]", X_SHAPE) {
        axon_tensor *x = vec_rg(3), *y = NULL, *seed = huge_empty();
        if (axon_tensor_mul(&y, x, x) != AXON_OK) setup_fail("mul");
        END(axon_tensor_backward_seed(y, seed, 0, 0));
    }
    CASE(f, "zero-size huge t and seed", X_OK | X_HUGE) {
        axon_tensor *z = huge_empty(), *y = NULL, *seed = huge_empty();
        if (axon_tensor_set_requires_grad(z, 1) != AXON_OK) setup_fail("set_requires_grad");
        if (axon_tensor_neg(&y, z) != AXON_OK) END(AXON_OK);
        END(axon_tensor_backward_seed(y, seed, 0, 0));
    }
}

static void dual(void) {
    int k;
    CASE("axon_tensor_dual", "control", CONTROL) {
        axon_tensor *d = NULL, *p = vec(3), *t = vec(3);
        END(axon_tensor_dual(&d, p, t));
    }
    CASE("axon_tensor_dual", "NULL out", X_INVAL) {
        axon_tensor *p = vec(3), *t = vec(3);
        END(axon_tensor_dual(NULL, p, t));
    }
    for (k = 0; k < N_BAD; ++k) {
        CASE("axon_tensor_dual", bad_label(k, "primal"), X_INVAL) {
            axon_tensor *d = NULL, *t = vec(3);
            END(axon_tensor_dual(&d, (axon_tensor *)bad_handle(H_TENSOR, k), t));
        }
        CASE("axon_tensor_dual", bad_label(k, "tangent"), X_INVAL) {
            axon_tensor *d = NULL, *p = vec(3);
            END(axon_tensor_dual(&d, p, (axon_tensor *)bad_handle(H_TENSOR, k)));
        }
    }
    CASE("axon_tensor_dual", "shapes differ", X_SHAPE) {
        axon_tensor *d = NULL, *p = vec(3), *t = vec(2);
        END(axon_tensor_dual(&d, p, t));
    }
    CASE("axon_tensor_dual", "a broadcastable tangent [1]", X_SHAPE) {
        axon_tensor *d = NULL, *p = vec(3), *t = vec(1);
        END(axon_tensor_dual(&d, p, t));
    }
    CASE("axon_tensor_dual", "zero-size huge primal and tangent", X_OK | X_HUGE) {
        axon_tensor *d = NULL, *z = huge_empty(), *t = huge_empty();
        END(axon_tensor_dual(&d, z, t));
    }
    CASE("axon_tensor_tangent", "control", CONTROL) {
        axon_tensor *d = NULL, *p = vec(3), *t = vec(3), *r = NULL;
        axon_status st;
        if (axon_tensor_dual(&d, p, t) != AXON_OK) setup_fail("dual");
        st = axon_tensor_tangent(&r, d);
        END_CHECKED(st, r != NULL);
    }
    CASE("axon_tensor_tangent", "no tangent: NULL", X_OK) {
        axon_tensor *r = (axon_tensor *)bad_handle(H_TENSOR, BAD_FOREIGN);
        axon_status st = axon_tensor_tangent(&r, vec(3));
        END_CHECKED(st, r == NULL);
    }
    CASE("axon_tensor_tangent", "NULL out", X_INVAL) { END(axon_tensor_tangent(NULL, vec(3))); }
    for (k = 0; k < N_BAD; ++k) {
        CASE("axon_tensor_tangent", bad_label(k, "t"), X_INVAL) {
            axon_tensor *r = NULL;
            END(axon_tensor_tangent(&r, (axon_tensor *)bad_handle(H_TENSOR, k)));
        }
    }
}

/* axon_grad of sum(x * x) with respect to x, with one argument replaced. */
static void autograd(void) {
    const char *f = "axon_grad";
    int k;
    CASE(f, "control", CONTROL) {
        axon_tensor *x = NULL, *y = rg_loss(&x), *out[1] = {NULL};
        axon_status st = axon_grad(out, 1, &y, 1, NULL, &x, 1, 0, 0);
        END_CHECKED(st, out[0] != NULL);
    }
    CASE(f, "control: nothing asked, out NULL", CONTROL) {
        axon_tensor *x = NULL, *y = rg_loss(&x);
        END(axon_grad(NULL, 0, &y, 1, NULL, NULL, 0, 0, 0));
    }
    CASE(f, "NULL out, capacity 1", X_INVAL) {
        axon_tensor *x = NULL, *y = rg_loss(&x);
        END(axon_grad(NULL, 1, &y, 1, NULL, &x, 1, 0, 0));
    }
    CASE(f, "capacity 0 < 1 input", X_INVAL) {
        axon_tensor *x = NULL, *y = rg_loss(&x), *out[1];
        END(axon_grad(out, 0, &y, 1, NULL, &x, 1, 0, 0));
    }
    CASE(f, "capacity SIZE_MAX", X_INVAL) {
        axon_tensor *x = NULL, *y = rg_loss(&x), *out[1];
        END(axon_grad(out, SZ_NEG, &y, 1, NULL, &x, 1, 0, 0));
    }
    CASE(f, "NULL outputs, n_outputs 1", X_INVAL) {
        axon_tensor *x = NULL, *out[1];
        rg_loss(&x);
        END(axon_grad(out, 1, NULL, 1, NULL, &x, 1, 0, 0));
    }
    CASE(f, "NULL inputs, n_inputs 1", X_INVAL) {
        axon_tensor *x = NULL, *y = rg_loss(&x), *out[1];
        END(axon_grad(out, 1, &y, 1, NULL, NULL, 1, 0, 0));
    }
    CASE(f, "n_outputs SIZE_MAX", X_INVAL) {
        axon_tensor *x = NULL, *y = rg_loss(&x), *out[1];
        END(axon_grad(out, 1, &y, SZ_NEG, NULL, &x, 1, 0, 0));
    }
    CASE(f, "n_inputs SIZE_MAX", X_INVAL) {
        axon_tensor *x = NULL, *y = rg_loss(&x), *out[1];
        END(axon_grad(out, 1, &y, 1, NULL, &x, SZ_NEG, 0, 0));
    }
    for (k = 0; k < N_BAD; ++k) {
        CASE(f, bad_label(k, "outputs[0]"), X_INVAL) {
            axon_tensor *x = NULL, *out[1], *y;
            rg_loss(&x);
            y = (axon_tensor *)bad_handle(H_TENSOR, k);
            END(axon_grad(out, 1, &y, 1, NULL, &x, 1, 0, 0));
        }
        CASE(f, bad_label(k, "inputs[0]"), X_INVAL) {
            axon_tensor *x = NULL, *y = rg_loss(&x), *out[1], *in = (axon_tensor *)bad_handle(H_TENSOR, k);
            END(axon_grad(out, 1, &y, 1, NULL, &in, 1, 0, 0));
        }
        if (k == BAD_NULL) continue;
        CASE(f, bad_label(k, "grad_outputs[0]"), X_INVAL) {
            axon_tensor *x = NULL, *y = rg_loss(&x), *out[1], *seed = (axon_tensor *)bad_handle(H_TENSOR, k);
            END(axon_grad(out, 1, &y, 1, &seed, &x, 1, 0, 0));
        }
    }
    CASE(f, "an input that does not require grad", X_INVAL) {
        axon_tensor *x = NULL, *y = rg_loss(&x), *out[1], *c = vec(3);
        END(axon_grad(out, 1, &y, 1, NULL, &c, 1, 0, 0));
    }
    CASE(f, "retain_graph 2", X_INVAL) {
        axon_tensor *x = NULL, *y = rg_loss(&x), *out[1];
        END(axon_grad(out, 1, &y, 1, NULL, &x, 1, 2, 0));
    }
    CASE(f, "retain_graph -1", X_INVAL) {
        axon_tensor *x = NULL, *y = rg_loss(&x), *out[1];
        END(axon_grad(out, 1, &y, 1, NULL, &x, 1, -1, 0));
    }
    CASE(f, "create_graph 2", X_INVAL) {
        axon_tensor *x = NULL, *y = rg_loss(&x), *out[1];
        END(axon_grad(out, 1, &y, 1, NULL, &x, 1, 0, 2));
    }
    CASE(f, "an output of 3 elements without a seed", X_SHAPE) {
        axon_tensor *x = vec_rg(3), *y = NULL, *out[1];
        if (axon_tensor_mul(&y, x, x) != AXON_OK) setup_fail("mul");
        END(axon_grad(out, 1, &y, 1, NULL, &x, 1, 0, 0));
    }
    CASE(f, "a seed of another shape", X_SHAPE) {
        axon_tensor *x = vec_rg(3), *y = NULL, *out[1], *seed = vec(2);
        if (axon_tensor_mul(&y, x, x) != AXON_OK) setup_fail("mul");
        END(axon_grad(out, 1, &y, 1, &seed, &x, 1, 0, 0));
    }
    CASE(f, "the graph already released", X_STATE) {
        axon_tensor *x = NULL, *y = rg_loss(&x), *out[1];
        if (axon_tensor_backward(y) != AXON_OK) setup_fail("backward");
        END(axon_grad(out, 1, &y, 1, NULL, &x, 1, 0, 0));
    }
    CASE(f, "a failure leaves out[] NULL", X_VOID) {
        axon_tensor *x = NULL, *y = rg_loss(&x), *out[2];
        out[0] = out[1] = x;
        axon_grad(out, 2, &y, 1, NULL, &x, 1, 7, 0);
        END_IF(out[0] == NULL);
    }
    CASE(f, "zero-size huge input", X_OK | X_HUGE) {
        axon_tensor *z = huge_empty(), *s = NULL, *out[1];
        if (axon_tensor_set_requires_grad(z, 1) != AXON_OK || axon_tensor_sum(&s, z) != AXON_OK) setup_fail("sum");
        END(axon_grad(out, 1, &s, 1, NULL, &z, 1, 0, 0));
    }
    CASE(f, "an unused zero-size huge input (zeros are materialized)", X_OK | X_HUGE) {
        axon_tensor *x = NULL, *y = rg_loss(&x), *z = huge_empty(), *in[2], *out[2];
        if (axon_tensor_set_requires_grad(z, 1) != AXON_OK) setup_fail("set_requires_grad");
        in[0] = x;
        in[1] = z;
        END(axon_grad(out, 2, &y, 1, NULL, in, 2, 0, 0));
    }
}

void cases_tensor_grad(void) {
    backward();
    backward_seed();
    dual();
    autograd();
}
