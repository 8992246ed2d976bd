/*
** cases_tensor.c - making, freeing and reading tensors, reshape, transpose, softmax.
*/
#include "harness.h"

static const float six[6] = {1, 2, 3, 4, 5, 6};

static void tensor_new(void) {
    const char *f = "axon_tensor_new";
    CASE(f, "control: [2, 3]", CONTROL) {
        axon_tensor *t = NULL;
        int64_t s[2] = {2, 3};
        axon_status st = axon_tensor_new(&t, six, 6, s, 2, 0);
        END_CHECKED(st, axon_tensor_numel(t) == 6 && axon_tensor_rank(t) == 2);
    }
    CASE(f, "control: rank 0, shape NULL", CONTROL) {
        axon_tensor *t = NULL;
        END(axon_tensor_new(&t, six, 1, NULL, 0, 0));
    }
    CASE(f, "control: [0], data NULL", CONTROL) {
        axon_tensor *t = NULL;
        int64_t s[1] = {0};
        END(axon_tensor_new(&t, NULL, 0, s, 1, 0));
    }
    CASE(f, "NULL out", X_INVAL) {
        int64_t s[2] = {2, 3};
        END(axon_tensor_new(NULL, six, 6, s, 2, 0));
    }
    CASE(f, "NULL data, count 6", X_INVAL) {
        axon_tensor *t = NULL;
        int64_t s[2] = {2, 3};
        END(axon_tensor_new(&t, NULL, 6, s, 2, 0));
    }
    CASE(f, "NULL shape, rank 2", X_INVAL) {
        axon_tensor *t = NULL;
        END(axon_tensor_new(&t, six, 6, NULL, 2, 0));
    }
    CASE(f, "rank 17", X_INVAL) {
        axon_tensor *t = NULL;
        int64_t s[17] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
        END(axon_tensor_new(&t, six, 1, s, 17, 0));
    }
    CASE(f, "rank SIZE_MAX", X_INVAL) {
        axon_tensor *t = NULL;
        int64_t s[2] = {2, 3};
        END(axon_tensor_new(&t, six, 6, s, SZ_NEG, 0));
    }
    CASE(f, "count SIZE_MAX", X_INVAL) {
        axon_tensor *t = NULL;
        int64_t s[2] = {2, 3};
        END(axon_tensor_new(&t, six, SZ_NEG, s, 2, 0));
    }
    CASE(f, "negative dimension {-1, -6}", X_INVAL) {
        axon_tensor *t = NULL;
        int64_t s[2] = {-1, -6};
        END(axon_tensor_new(&t, six, 6, s, 2, 0));
    }
    CASE(f, "dimension INT64_MIN", X_INVAL) {
        axon_tensor *t = NULL;
        int64_t s[1] = {INT64_MIN};
        END(axon_tensor_new(&t, six, 1, s, 1, 0));
    }
    CASE(f, "count 5 for [2, 3]", X_SHAPE) {
        axon_tensor *t = NULL;
        int64_t s[2] = {2, 3};
        END(axon_tensor_new(&t, six, 5, s, 2, 0));
    }
    CASE(f, "count 0 for rank 0", X_SHAPE) {
        axon_tensor *t = NULL;
        END(axon_tensor_new(&t, NULL, 0, NULL, 0, 0));
    }
    CASE_T(f, "shape [2^28], count 1: refused quickly", X_SHAPE, 1000) {
        axon_tensor *t = NULL;
        int64_t s[1] = {(int64_t)1 << 28};
        END(axon_tensor_new(&t, six, 1, s, 1, 0));
    }
    CASE(f, "shape [2^40], count 1", X_SHAPE | X_MEMORY) {
        axon_tensor *t = NULL;
        int64_t s[1] = {P40};
        END(axon_tensor_new(&t, six, 1, s, 1, 0));
    }
    CASE(f, "shape {2^62, 4} (count overflows), count 0", X_HUGE) {
        axon_tensor *t = NULL;
        int64_t s[2] = {P62, 4};
        END(axon_tensor_new(&t, NULL, 0, s, 2, 0));
    }
    CASE(f, "shape {2^62, 4}, count 1", X_HUGE) {
        axon_tensor *t = NULL;
        int64_t s[2] = {P62, 4};
        END(axon_tensor_new(&t, six, 1, s, 2, 0));
    }
    CASE(f, "shape {INT64_MAX, INT64_MAX}, count 6", X_HUGE) {
        axon_tensor *t = NULL;
        int64_t s[2] = {INT64_MAX, INT64_MAX};
        END(axon_tensor_new(&t, six, 6, s, 2, 0));
    }
    CASE(f, "zero-size with huge dims {0, 2^40, 2^40}, count 0", X_OK | X_HUGE) {
        axon_tensor *t = NULL;
        int64_t s[3] = {0, P40, P40};
        axon_status st = axon_tensor_new(&t, NULL, 0, s, 3, 0);
        END_CHECKED(st, axon_tensor_numel(t) == 0 && axon_tensor_rank(t) == 3);
    }
    CASE(f, "zero-size {2^62, 2^62, 0} (a product that overflows before the 0)", X_OK | X_HUGE) {
        axon_tensor *t = NULL;
        int64_t s[3] = {P62, P62, 0};
        axon_status st = axon_tensor_new(&t, NULL, 0, s, 3, 0);
        END_CHECKED(st, axon_tensor_numel(t) == 0);
    }
    CASE(f, "requires_grad -1 (non-zero: a leaf)", X_OK) {
        axon_tensor *t = NULL;
        axon_status st = axon_tensor_new(&t, six, 1, NULL, 0, -1);
        END_CHECKED(st, axon_tensor_requires_grad(t) == 1);
    }
    CASE(f, "failure leaves *out NULL", X_VOID) {
        axon_tensor *t = (axon_tensor *)bad_handle(H_TENSOR, BAD_FOREIGN);
        int64_t s[2] = {2, 3};
        axon_tensor_new(&t, six, 5, s, 2, 0);
        END_IF(t == NULL);
    }
}

static void tensor_free(void) {
    const char *f = "axon_tensor_free";
    CASE(f, "control: every handle released", CONTROL_VOID) {
        size_t n = 1;
        axon_tensor_free(vec(3));
        END_IF(axon_live_handles(&n, NULL) == AXON_OK && n == 0);
    }
    CASE(f, "NULL", X_VOID) {
        axon_tensor_free(NULL);
        END_VOID();
    }
    CASE(f, "twice", X_VOID) {
        axon_tensor *t = vec(3);
        axon_tensor_free(t);
        axon_tensor_free(t);
        END_VOID();
    }
    CASE(f, "a model handle: not freed", X_VOID) {
        axon_model *m = model("linear 2 3");
        axon_tensor_free(AS_TENSOR(m));
        END_IF(axon_model_parameter_count(m) == 9);
    }
    CASE(f, "foreign pointer", X_VOID) {
        axon_tensor_free((axon_tensor *)bad_handle(H_TENSOR, BAD_FOREIGN));
        END_VOID();
    }
    CASE(f, "an input freed before its result", X_VOID) {
        axon_tensor *a = vec(3), *r = NULL;
        float buf[3];
        if (axon_tensor_exp(&r, a) != AXON_OK) setup_fail("exp");
        axon_tensor_free(a);
        END_IF(axon_tensor_copy_data(r, buf, 3) == AXON_OK);
    }
}

static void accessors(void) {
    static const char *const fs[3] = {"axon_tensor_rank", "axon_tensor_numel", "axon_tensor_requires_grad"};
    int k, i;
    for (i = 0; i < 3; ++i) {
        CASE(fs[i], "control: [2, 3] requiring grad", CONTROL_VOID) {
            int64_t s[2] = {2, 3};
            axon_tensor *t = tensor_shape(s, 2, 1);
            size_t want = i == 0 ? 2 : i == 1 ? 6 : 1;
            size_t got = i == 0 ? axon_tensor_rank(t) : i == 1 ? axon_tensor_numel(t)
                                                               : (size_t)axon_tensor_requires_grad(t);
            END_IF(got == want);
        }
        for (k = 0; k < N_BAD; ++k) {
            CASE(fs[i], bad_label(k, "t: 0"), X_VOID) {
                axon_tensor *t = (axon_tensor *)bad_handle(H_TENSOR, k);
                size_t got = i == 0 ? axon_tensor_rank(t) : i == 1 ? axon_tensor_numel(t)
                                                                   : (size_t)axon_tensor_requires_grad(t);
                END_IF(got == 0);
            }
        }
        CASE(fs[i], "zero-size huge [0, 2^40, 2^40]", X_VOID) {
            axon_tensor *t = huge_empty();
            size_t got = i == 0 ? axon_tensor_rank(t) : i == 1 ? axon_tensor_numel(t)
                                                               : (size_t)axon_tensor_requires_grad(t);
            END_IF(got == (i == 0 ? 3u : 0u));
        }
    }
}

static void shape_and_data(void) {
    int k;
    CASE("axon_tensor_shape", "control", CONTROL) {
        int64_t s[AXON_MAX_RANK];
        axon_tensor *t = mat(2, 3);
        axon_status st = axon_tensor_shape(t, s, AXON_MAX_RANK);
        END_CHECKED(st, s[0] == 2 && s[1] == 3);
    }
    CASE("axon_tensor_shape", "control: rank 0, out_shape NULL", CONTROL) {
        END(axon_tensor_shape(scalar(1), NULL, 0));
    }
    for (k = 0; k < N_BAD; ++k) {
        CASE("axon_tensor_shape", bad_label(k, "t"), X_INVAL) {
            int64_t s[AXON_MAX_RANK];
            END(axon_tensor_shape((axon_tensor *)bad_handle(H_TENSOR, k), s, AXON_MAX_RANK));
        }
    }
    CASE("axon_tensor_shape", "NULL out_shape for rank 2", X_INVAL) { END(axon_tensor_shape(mat(2, 3), NULL, 2)); }
    CASE("axon_tensor_shape", "capacity 1 < rank 2", X_INVAL) {
        int64_t s[1];
        END(axon_tensor_shape(mat(2, 3), s, 1));
    }
    CASE("axon_tensor_shape", "capacity SIZE_MAX, out_shape NULL", X_INVAL) {
        END(axon_tensor_shape(mat(2, 3), NULL, SZ_NEG));
    }
    CASE("axon_tensor_shape", "zero-size huge: the dims", X_OK) {
        int64_t s[AXON_MAX_RANK];
        axon_status st = axon_tensor_shape(huge_empty(), s, AXON_MAX_RANK);
        END_CHECKED(st, s[0] == 0 && s[1] == P40 && s[2] == P40);
    }
    CASE("axon_tensor_copy_data", "control", CONTROL) {
        float buf[6];
        axon_status st = axon_tensor_copy_data(mat(2, 3), buf, 6);
        END_CHECKED(st, buf[5] == 6);
    }
    CASE("axon_tensor_copy_data", "control: empty, out NULL", CONTROL) {
        END(axon_tensor_copy_data(vec(0), NULL, 0));
    }
    for (k = 0; k < N_BAD; ++k) {
        CASE("axon_tensor_copy_data", bad_label(k, "t"), X_INVAL) {
            float buf[6];
            END(axon_tensor_copy_data((axon_tensor *)bad_handle(H_TENSOR, k), buf, 6));
        }
    }
    CASE("axon_tensor_copy_data", "NULL out, capacity 6", X_INVAL) { END(axon_tensor_copy_data(mat(2, 3), NULL, 6)); }
    CASE("axon_tensor_copy_data", "capacity 5 < 6", X_INVAL) {
        float buf[6];
        END(axon_tensor_copy_data(mat(2, 3), buf, 5));
    }
    CASE("axon_tensor_copy_data", "capacity SIZE_MAX, out NULL", X_INVAL) {
        END(axon_tensor_copy_data(mat(2, 3), NULL, SZ_NEG));
    }
    CASE("axon_tensor_copy_data", "zero-size huge, out NULL", X_OK) {
        END(axon_tensor_copy_data(huge_empty(), NULL, 0));
    }
}

/* Handle cases for an op `a -> out` given as a call on (out, a). */
#define HANDLE_CASES(fname, call)                                                         \
    do {                                                                                  \
        int k_;                                                                           \
        CASE(fname, "NULL out", X_INVAL) {                                                \
            axon_tensor *a = mat(2, 3), **out = NULL;                                     \
            END(call);                                                                    \
        }                                                                                 \
        for (k_ = 0; k_ < N_BAD; ++k_) {                                                  \
            CASE(fname, bad_label(k_, "a"), X_INVAL) {                                    \
                axon_tensor *r = NULL, **out = &r;                                        \
                axon_tensor *a = (axon_tensor *)bad_handle(H_TENSOR, k_);                 \
                END(call);                                                                \
            }                                                                             \
        }                                                                                 \
    } while (0)

static void reshape(void) {
    const char *f = "axon_tensor_reshape";
    CASE(f, "control: [2, 3] -> [3, -1]", CONTROL) {
        axon_tensor *r = NULL;
        int64_t s[2] = {3, -1};
        END(axon_tensor_reshape(&r, mat(2, 3), s, 2));
    }
    {
        int64_t s1[2] = {3, 2};
        HANDLE_CASES(f, axon_tensor_reshape(out, a, s1, 2));
    }
    CASE(f, "NULL shape, rank 2", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_tensor_reshape(&r, mat(2, 3), NULL, 2));
    }
    CASE(f, "rank 17", X_INVAL | X_SHAPE) {
        axon_tensor *r = NULL;
        int64_t s[17] = {6, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
        END(axon_tensor_reshape(&r, mat(2, 3), s, 17));
    }
    CASE(f, "rank SIZE_MAX", X_INVAL) {
        axon_tensor *r = NULL;
        int64_t s[2] = {3, 2};
        END(axon_tensor_reshape(&r, mat(2, 3), s, SZ_NEG));
    }
    CASE(f, "element counts differ: [2, 3] -> [4]", X_SHAPE) {
        axon_tensor *r = NULL;
        int64_t s[1] = {4};
        END(axon_tensor_reshape(&r, mat(2, 3), s, 1));
    }
    CASE(f, "two -1", X_INVAL | X_SHAPE) {
        axon_tensor *r = NULL;
        int64_t s[2] = {-1, -1};
        END(axon_tensor_reshape(&r, mat(2, 3), s, 2));
    }
    CASE(f, "dimension -2", X_INVAL | X_SHAPE) {
        axon_tensor *r = NULL;
        int64_t s[2] = {-2, -3};
        END(axon_tensor_reshape(&r, mat(2, 3), s, 2));
    }
    CASE(f, "[6] -> {2^62, 4} (overflows)", X_HUGE) {
        axon_tensor *r = NULL;
        int64_t s[2] = {P62, 4};
        END(axon_tensor_reshape(&r, vec(6), s, 2));
    }
    CASE(f, "[6] -> {-1, 2^62, 4}", X_HUGE) {
        axon_tensor *r = NULL;
        int64_t s[3] = {-1, P62, 4};
        END(axon_tensor_reshape(&r, vec(6), s, 3));
    }
    CASE(f, "[6] -> {INT64_MIN, -1}", X_INVAL | X_SHAPE) {
        axon_tensor *r = NULL;
        int64_t s[2] = {INT64_MIN, -1};
        END(axon_tensor_reshape(&r, vec(6), s, 2));
    }
    CASE(f, "empty [0] -> {0, 2^40, 2^40}", X_OK | X_HUGE) {
        axon_tensor *r = NULL;
        int64_t s[3] = {0, P40, P40};
        axon_status st = axon_tensor_reshape(&r, vec(0), s, 3);
        END_CHECKED(st, axon_tensor_numel(r) == 0 && axon_tensor_rank(r) == 3);
    }
    CASE(f, "empty [0] -> {2^62, 2^62, 0}", X_OK | X_HUGE) {
        axon_tensor *r = NULL;
        int64_t s[3] = {P62, P62, 0};
        END(axon_tensor_reshape(&r, vec(0), s, 3));
    }
    CASE(f, "empty [0] -> {2^40, 0}", X_OK | X_HUGE) {
        axon_tensor *r = NULL;
        int64_t s[2] = {P40, 0};
        END(axon_tensor_reshape(&r, vec(0), s, 2));
    }
    CASE(f, "empty [0] -> {-1, 0} (nothing to infer)", X_ANY) {
        axon_tensor *r = NULL;
        int64_t s[2] = {-1, 0};
        END(axon_tensor_reshape(&r, vec(0), s, 2));
    }
    CASE(f, "empty [0] -> {2^40, -1, 0}", X_ANY) {
        axon_tensor *r = NULL;
        int64_t s[3] = {P40, -1, 0};
        END(axon_tensor_reshape(&r, vec(0), s, 3));
    }
    CASE(f, "zero-size huge -> {-1}", X_OK) {
        axon_tensor *r = NULL;
        int64_t s[1] = {-1};
        END(axon_tensor_reshape(&r, huge_empty(), s, 1));
    }
    CASE(f, "zero-size huge -> {2^40, 2^40} (2^80 elements)", X_SHAPE | X_MEMORY) {
        axon_tensor *r = NULL;
        int64_t s[2] = {P40, P40};
        END(axon_tensor_reshape(&r, huge_empty(), s, 2));
    }
}

static void axis_ops(void) {
    static const char *const names[3] = {"axon_tensor_transpose", "axon_tensor_softmax", "axon_tensor_log_softmax"};
    static const int64_t bad_axes[4] = {99, -99, INT64_MIN, INT64_MAX};
    char label[96];
    int i, j;
    for (i = 0; i < 3; ++i) {
        const char *f = names[i];
#define AXIS_CALL(out, a, x)                                                               \
    (i == 0 ? axon_tensor_transpose((out), (a), (x), 0) : i == 1 ? axon_tensor_softmax((out), (a), (x)) \
                                                                  : axon_tensor_log_softmax((out), (a), (x)))
        CASE(f, "control: [2, 3], axis -1", CONTROL) {
            axon_tensor *r = NULL;
            END(AXIS_CALL(&r, mat(2, 3), -1));
        }
        HANDLE_CASES(f, AXIS_CALL(out, a, 1));
        for (j = 0; j < 4; ++j) {
            snprintf(label, sizeof label, "axis %lld", (long long)bad_axes[j]);
            CASE(f, label, X_INVAL | X_SHAPE) {
                axon_tensor *r = NULL;
                END(AXIS_CALL(&r, mat(2, 3), bad_axes[j]));
            }
        }
        CASE(f, "rank 0, axis 1", X_INVAL | X_SHAPE) {
            axon_tensor *r = NULL;
            END(AXIS_CALL(&r, scalar(2), 1));
        }
        CASE(f, "rank 0, axis 0", X_ANY) {
            axon_tensor *r = NULL;
            END(AXIS_CALL(&r, scalar(2), 0));
        }
        for (j = 0; j < 3; ++j) {
            snprintf(label, sizeof label, "zero-size huge [0, 2^40, 2^40], axis %d", j);
            CASE(f, label, X_OK | X_HUGE) {
                axon_tensor *r = NULL;
                axon_status st = AXIS_CALL(&r, huge_empty(), j);
                END_CHECKED(st, axon_tensor_numel(r) == 0);
            }
        }
        CASE(f, "empty [3, 0], axis 0", X_OK) {
            axon_tensor *r = NULL;
            END(AXIS_CALL(&r, mat(3, 0), 0));
        }
#undef AXIS_CALL
    }
    CASE("axon_tensor_transpose", "axis1 99", X_INVAL | X_SHAPE) {
        axon_tensor *r = NULL;
        END(axon_tensor_transpose(&r, mat(2, 3), 0, 99));
    }
    CASE("axon_tensor_transpose", "zero-size huge, axes 0 and 2", X_OK) {
        axon_tensor *r = NULL;
        int64_t s[3];
        axon_status st = axon_tensor_transpose(&r, huge_empty(), 0, 2);
        END_CHECKED(st, axon_tensor_shape(r, s, 3) == AXON_OK && s[0] == P40 && s[2] == 0);
    }
}

void cases_tensor(void) {
    tensor_new();
    tensor_free();
    accessors();
    shape_and_data();
    reshape();
    axis_ops();
}
