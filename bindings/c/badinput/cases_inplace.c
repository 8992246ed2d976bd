/*
** cases_inplace.c - the in-place updates (copy_, add_, sub_, mul_, div_, add_scalar_, mul_scalar_,
** fill_, zero_) and axon_tensor_version.
*/
#include "harness.h"

/* which: 0 copy_, 1 add_, 2 sub_, 3 mul_, 4 div_ (with `other`), 5 add_scalar_, 6 mul_scalar_,
   7 fill_, 8 zero_. */
static axon_status update(int which, axon_tensor *t, const axon_tensor *other, float v) {
    switch (which) {
    case 0: return axon_tensor_copy_(t, other);
    case 1: return axon_tensor_add_(t, other, v);
    case 2: return axon_tensor_sub_(t, other, v);
    case 3: return axon_tensor_mul_(t, other);
    case 4: return axon_tensor_div_(t, other);
    case 5: return axon_tensor_add_scalar_(t, v);
    case 6: return axon_tensor_mul_scalar_(t, v);
    case 7: return axon_tensor_fill_(t, v);
    default: return axon_tensor_zero_(t);
    }
}

void cases_inplace(void) {
    static const char *const names[9] = {
        "axon_tensor_copy_", "axon_tensor_add_", "axon_tensor_sub_", "axon_tensor_mul_", "axon_tensor_div_",
        "axon_tensor_add_scalar_", "axon_tensor_mul_scalar_", "axon_tensor_fill_", "axon_tensor_zero_",
    };
    int which, k;
    for (which = 0; which < 9; ++which) {
        const char *f = names[which];
        int binary = which <= 4;
        CASE(f, "control: [2, 3] with [3]", CONTROL) {
            axon_tensor *t = mat(2, 3), *o = vec(3);
            END(update(which, t, o, 0.5f));
        }
        CASE(f, "control: a parameter with recording off", CONTROL) {
            axon_tensor *t = vec_rg(3), *o = vec(3);
            axon_set_grad_enabled(0);
            END(update(which, t, o, 0.5f));
        }
        for (k = 0; k < N_BAD; ++k) {
            CASE(f, bad_label(k, "t"), X_INVAL) {
                axon_tensor *o = vec(3), *t = (axon_tensor *)bad_handle(H_TENSOR, k);
                END(update(which, t, o, 0.5f));
            }
        }
        CASE(f, "requires grad while recording", X_STATE) {
            axon_tensor *t = vec_rg(3), *o = vec(3);
            END(update(which, t, o, 0.5f));
        }
        CASE(f, "a dual number while recording", X_STATE) {
            axon_tensor *p = vec(3), *tan = vec(3), *d = NULL, *o = vec(3);
            if (axon_tensor_dual(&d, p, tan) != AXON_OK) setup_fail("dual");
            END(update(which, d, o, 0.5f));
        }
        CASE(f, "a failed update leaves t unchanged", X_VOID) {
            axon_tensor *t = vec_rg(3), *o = vec(3);
            float v[3];
            update(which, t, o, 0.5f);
            END_IF(axon_tensor_copy_data(t, v, 3) == AXON_OK && v[0] == 1 && v[1] == 2 && v[2] == 3);
        }
        CASE(f, "an input of a recorded op updated, then backward", binary || which != 8 ? X_STATE : X_STATE) {
            axon_tensor *x = vec_rg(3), *t = vec(3), *y = NULL, *s = NULL, *o = vec(3);
            if (axon_tensor_mul(&y, x, t) != AXON_OK || axon_tensor_sum(&s, y) != AXON_OK) setup_fail("x * t");
            if (update(which, t, o, 0.5f) != AXON_OK) setup_fail("the update");
            END(axon_tensor_backward(s));
        }
        CASE(f, "zero-size huge t", binary ? X_OK | X_HUGE : X_OK | X_HUGE) {
            axon_tensor *z = huge_empty(), *o = huge_empty();
            END(update(which, z, o, 0.5f));
        }
        if (binary) {
            for (k = 0; k < N_BAD; ++k) {
                CASE(f, bad_label(k, which == 0 ? "src" : "other"), X_INVAL) {
                    axon_tensor *t = mat(2, 3), *o = (axon_tensor *)bad_handle(H_TENSOR, k);
                    END(update(which, t, o, 0.5f));
                }
            }
            CASE(f, "other does not broadcast: [2, 3] with [4]", X_SHAPE) {
                axon_tensor *t = mat(2, 3), *o = vec(4);
                END(update(which, t, o, 0.5f));
            }
            CASE(f, "a result of another shape: [3] with [2, 3]", X_SHAPE) {
                axon_tensor *t = vec(3), *o = mat(2, 3);
                END(update(which, t, o, 0.5f));
            }
            CASE(f, "zero-size huge other into [3]", X_SHAPE) {
                axon_tensor *t = vec(3), *o = huge_empty();
                END(update(which, t, o, 0.5f));
            }
            CASE(f, "t with itself", X_OK) {
                axon_tensor *t = vec(3);
                END(update(which, t, t, 0.5f));
            }
        }
        if (which == 1 || which == 2) {
            CASE(f, "alpha NaN", X_INVAL) {
                axon_tensor *t = vec(3), *o = vec(3);
                END(update(which, t, o, NAN));
            }
            CASE(f, "alpha Inf", X_INVAL) {
                axon_tensor *t = vec(3), *o = vec(3);
                END(update(which, t, o, INFINITY));
            }
            CASE(f, "alpha -Inf", X_INVAL) {
                axon_tensor *t = vec(3), *o = vec(3);
                END(update(which, t, o, -INFINITY));
            }
        }
        if (which == 5 || which == 6 || which == 7) {
            CASE(f, "value NaN", X_OK) {
                axon_tensor *t = vec(3);
                END(update(which, t, NULL, NAN));
            }
        }
    }
    CASE("axon_tensor_version", "control: counts updates", CONTROL) {
        int64_t v0 = -1, v = -1;
        axon_tensor *t = vec(3);
        axon_status st = axon_tensor_version(&v0, t);
        axon_tensor_zero_(t);
        if (st == AXON_OK) st = axon_tensor_version(&v, t);
        END_CHECKED(st, v0 >= 0 && v == v0 + 1);
    }
    CASE("axon_tensor_version", "NULL out", X_INVAL) { END(axon_tensor_version(NULL, vec(3))); }
    for (k = 0; k < N_BAD; ++k) {
        CASE("axon_tensor_version", bad_label(k, "t"), X_INVAL) {
            int64_t v;
            END(axon_tensor_version(&v, (axon_tensor *)bad_handle(H_TENSOR, k)));
        }
    }
    CASE("axon_tensor_version", "zero-size huge", X_OK) {
        int64_t v;
        END(axon_tensor_version(&v, huge_empty()));
    }
}
