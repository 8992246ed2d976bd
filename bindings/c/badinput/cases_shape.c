/*
** cases_shape.c - permute, expand, sum_to_size, concat, slice, unsqueeze, squeeze, flatten,
** index_select and gather.
*/
#include "harness.h"

/* The NULL-out and bad-`a` cases of an op written as a call on (out, a). */
#define A_CASES(fname, call)                                                  \
    do {                                                                      \
        int k_;                                                               \
        CASE(fname, "NULL out", X_INVAL) {                                    \
            axon_tensor *a = mat(2, 3), **out = NULL;                         \
            END(call);                                                        \
        }                                                                     \
        for (k_ = 0; k_ < N_BAD; ++k_) {                                      \
            CASE(fname, bad_label(k_, "a"), X_INVAL) {                        \
                axon_tensor *r_ = NULL, **out = &r_;                          \
                axon_tensor *a = (axon_tensor *)bad_handle(H_TENSOR, k_);     \
                END(call);                                                    \
            }                                                                 \
        }                                                                     \
    } while (0)

static axon_tensor *rank16(void) {
    int64_t s[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2};
    return tensor_shape(s, 16, 0);
}

static void permute_expand(void) {
    static const int64_t swap[2] = {1, 0}, same[2] = {0, 0}, neg[2] = {-1, 0}, far[2] = {0, 99};
    static const int64_t s23[2] = {2, 3}, s24[2] = {2, 4}, sneg[2] = {-1, 3}, s3[1] = {3};
    static const int64_t shuge[2] = {P40, P40}, sbig[2] = {(int64_t)1 << 17, (int64_t)1 << 17};
    static const int64_t s17[17] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3};
    const char *f = "axon_tensor_permute";
    CASE(f, "control", CONTROL) {
        axon_tensor *r = NULL;
        END(axon_tensor_permute(&r, mat(2, 3), swap, 2));
    }
    A_CASES(f, axon_tensor_permute(out, a, swap, 2));
    CASE(f, "NULL dims, n_dims 2", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_tensor_permute(&r, mat(2, 3), NULL, 2));
    }
    CASE(f, "not a permutation {0, 0}", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_tensor_permute(&r, mat(2, 3), same, 2));
    }
    CASE(f, "negative entry {-1, 0}", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_tensor_permute(&r, mat(2, 3), neg, 2));
    }
    CASE(f, "entry 99", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_tensor_permute(&r, mat(2, 3), far, 2));
    }
    CASE(f, "n_dims 1 for rank 2", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_tensor_permute(&r, mat(2, 3), swap, 1));
    }
    CASE(f, "n_dims SIZE_MAX", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_tensor_permute(&r, mat(2, 3), swap, SZ_NEG));
    }
    CASE(f, "zero-size huge {2, 1, 0}", X_OK | X_HUGE) {
        axon_tensor *r = NULL;
        int64_t d[3] = {2, 1, 0};
        END(axon_tensor_permute(&r, huge_empty(), d, 3));
    }
    f = "axon_tensor_expand";
    CASE(f, "control: [3] -> [2, 3]", CONTROL) {
        axon_tensor *r = NULL;
        END(axon_tensor_expand(&r, vec(3), s23, 2));
    }
    A_CASES(f, axon_tensor_expand(out, a, s23, 2));
    CASE(f, "NULL shape, rank 2", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_tensor_expand(&r, vec(3), NULL, 2));
    }
    CASE(f, "-1 in the shape", X_INVAL | X_SHAPE) {
        axon_tensor *r = NULL;
        END(axon_tensor_expand(&r, vec(3), sneg, 2));
    }
    CASE(f, "[3] -> [2, 4]", X_SHAPE) {
        axon_tensor *r = NULL;
        END(axon_tensor_expand(&r, vec(3), s24, 2));
    }
    CASE(f, "[2, 3] -> [3] (a lower rank)", X_SHAPE) {
        axon_tensor *r = NULL;
        END(axon_tensor_expand(&r, mat(2, 3), s3, 1));
    }
    CASE(f, "rank 17", X_INVAL | X_SHAPE) {
        axon_tensor *r = NULL;
        END(axon_tensor_expand(&r, vec(3), s17, 17));
    }
    CASE(f, "rank SIZE_MAX", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_tensor_expand(&r, vec(3), s23, SZ_NEG));
    }
    CASE(f, "[1] -> [2^40, 2^40] (2^80 elements)", X_HUGE) {
        axon_tensor *r = NULL;
        END(axon_tensor_expand(&r, vec(1), shuge, 2));
    }
    CASE(f, "[1] -> [2^17, 2^17] (64 GiB)", X_HUGE) {
        axon_tensor *r = NULL;
        END(axon_tensor_expand(&r, vec(1), sbig, 2));
    }
    CASE(f, "zero-size huge -> its own shape", X_OK | X_HUGE) {
        axon_tensor *r = NULL;
        int64_t s[3] = {0, P40, P40};
        END(axon_tensor_expand(&r, huge_empty(), s, 3));
    }
    f = "axon_tensor_sum_to_size";
    CASE(f, "control: [2, 3] -> [3]", CONTROL) {
        axon_tensor *r = NULL;
        END(axon_tensor_sum_to_size(&r, mat(2, 3), s3, 1));
    }
    A_CASES(f, axon_tensor_sum_to_size(out, a, s3, 1));
    CASE(f, "NULL shape, rank 1", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_tensor_sum_to_size(&r, mat(2, 3), NULL, 1));
    }
    CASE(f, "[2, 3] -> [2, 4] (not a broadcast)", X_SHAPE) {
        axon_tensor *r = NULL;
        END(axon_tensor_sum_to_size(&r, mat(2, 3), s24, 2));
    }
    CASE(f, "-1 in the shape", X_INVAL | X_SHAPE) {
        axon_tensor *r = NULL;
        END(axon_tensor_sum_to_size(&r, mat(2, 3), sneg, 2));
    }
    CASE(f, "rank 17", X_INVAL | X_SHAPE) {
        axon_tensor *r = NULL;
        END(axon_tensor_sum_to_size(&r, vec(3), s17, 17));
    }
    CASE(f, "zero-size huge -> [1, 2^40, 2^40] (2^80 elements)", X_HUGE) {
        axon_tensor *r = NULL;
        int64_t s[3] = {1, P40, P40};
        END(axon_tensor_sum_to_size(&r, huge_empty(), s, 3));
    }
    CASE(f, "zero-size huge -> [0, 1, 2^40]", X_OK | X_HUGE) {
        axon_tensor *r = NULL;
        int64_t s[3] = {0, 1, P40};
        END(axon_tensor_sum_to_size(&r, huge_empty(), s, 3));
    }
}

static void concat(void) {
    const char *f = "axon_tensor_concat";
    int k;
    CASE(f, "control", CONTROL) {
        axon_tensor *r = NULL, *ts[2];
        ts[0] = mat(2, 3);
        ts[1] = mat(1, 3);
        END(axon_tensor_concat(&r, ts, 2, 0));
    }
    CASE(f, "NULL out", X_INVAL) {
        axon_tensor *ts[2];
        ts[0] = mat(2, 3);
        ts[1] = mat(1, 3);
        END(axon_tensor_concat(NULL, ts, 2, 0));
    }
    CASE(f, "NULL tensors, n 2", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_tensor_concat(&r, NULL, 2, 0));
    }
    CASE(f, "n 0", X_INVAL) {
        axon_tensor *r = NULL, *ts[1];
        ts[0] = vec(2);
        END(axon_tensor_concat(&r, ts, 0, 0));
    }
    CASE(f, "n SIZE_MAX", X_INVAL) {
        axon_tensor *r = NULL, *ts[1];
        ts[0] = vec(2);
        END(axon_tensor_concat(&r, ts, SZ_NEG, 0));
    }
    for (k = 0; k < N_BAD; ++k) {
        CASE(f, bad_label(k, "tensors[1]"), X_INVAL) {
            axon_tensor *r = NULL, *ts[2];
            ts[0] = mat(2, 3);
            ts[1] = (axon_tensor *)bad_handle(H_TENSOR, k);
            END(axon_tensor_concat(&r, ts, 2, 0));
        }
    }
    CASE(f, "ranks differ", X_SHAPE) {
        axon_tensor *r = NULL, *ts[2];
        ts[0] = mat(2, 3);
        ts[1] = vec(3);
        END(axon_tensor_concat(&r, ts, 2, 0));
    }
    CASE(f, "another axis differs", X_SHAPE) {
        axon_tensor *r = NULL, *ts[2];
        ts[0] = mat(2, 3);
        ts[1] = mat(2, 4);
        END(axon_tensor_concat(&r, ts, 2, 0));
    }
    CASE(f, "axis 99", X_INVAL) {
        axon_tensor *r = NULL, *ts[2];
        ts[0] = mat(2, 3);
        ts[1] = mat(2, 3);
        END(axon_tensor_concat(&r, ts, 2, 99));
    }
    CASE(f, "axis INT64_MIN", X_INVAL) {
        axon_tensor *r = NULL, *ts[2];
        ts[0] = mat(2, 3);
        ts[1] = mat(2, 3);
        END(axon_tensor_concat(&r, ts, 2, INT64_MIN));
    }
    CASE(f, "rank 0 tensors", X_ANY) {
        axon_tensor *r = NULL, *ts[2];
        ts[0] = scalar(1);
        ts[1] = scalar(2);
        END(axon_tensor_concat(&r, ts, 2, 0));
    }
    CASE(f, "zero-size huge twice along axis 0", X_OK | X_HUGE) {
        axon_tensor *r = NULL, *ts[2];
        ts[0] = ts[1] = huge_empty();
        END(axon_tensor_concat(&r, ts, 2, 0));
    }
    CASE(f, "zero-size huge twice along axis 1", X_OK | X_HUGE) {
        axon_tensor *r = NULL, *ts[2];
        ts[0] = ts[1] = huge_empty();
        END(axon_tensor_concat(&r, ts, 2, 1));
    }
    CASE(f, "[0, 2^62, 1] twice along axis 1: the axis length overflows", X_OK | X_HUGE) {
        int64_t s[3] = {0, P62, 1};
        axon_tensor *r = NULL, *ts[2];
        ts[0] = ts[1] = empty_shape(s, 3);
        END(axon_tensor_concat(&r, ts, 2, 1));
    }
}

static void slicing(void) {
    static const int64_t bad[5][3] = {{99, 0, 1}, {0, 1, 0}, {0, 0, 3}, {0, -99, 1}, {0, INT64_MIN, INT64_MAX}};
    static const char *const bad_names[5] = {"axis 99", "start > end", "end past the axis", "start -99",
                                             "start INT64_MIN, end INT64_MAX"};
    static const char *const names[3] = {"axon_tensor_unsqueeze", "axon_tensor_squeeze", "axon_tensor_flatten"};
    int k, i;
    const char *f = "axon_tensor_slice";
    CASE(f, "control", CONTROL) {
        axon_tensor *r = NULL;
        END(axon_tensor_slice(&r, mat(2, 3), 1, -2, 3));
    }
    A_CASES(f, axon_tensor_slice(out, a, 0, 0, 1));
    for (k = 0; k < 5; ++k) {
        CASE(f, bad_names[k], X_INVAL) {
            axon_tensor *r = NULL;
            END(axon_tensor_slice(&r, mat(2, 3), bad[k][0], bad[k][1], bad[k][2]));
        }
    }
    CASE(f, "zero-size huge, axis 1, 0..2^40", X_OK | X_HUGE) {
        axon_tensor *r = NULL;
        END(axon_tensor_slice(&r, huge_empty(), 1, 0, P40));
    }
    CASE(f, "zero-size huge, axis 2, -2^40..-1", X_OK | X_HUGE) {
        axon_tensor *r = NULL;
        END(axon_tensor_slice(&r, huge_empty(), 2, -P40, -1));
    }
    CASE(f, "zero-size huge, axis 1, 0..INT64_MAX", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_tensor_slice(&r, huge_empty(), 1, 0, INT64_MAX));
    }
    for (i = 0; i < 3; ++i) {
        f = names[i];
#define AX(out, a, x)                                                                                 \
    (i == 0 ? axon_tensor_unsqueeze((out), (a), (x)) : i == 1 ? axon_tensor_squeeze((out), (a), (x)) \
                                                               : axon_tensor_flatten((out), (a), (x), -1))
        CASE(f, "control", CONTROL) {
            axon_tensor *r = NULL;
            END(AX(&r, mat(1, 3), 0));
        }
        A_CASES(f, AX(out, a, 0));
        CASE(f, "axis 99", X_INVAL) {
            axon_tensor *r = NULL;
            END(AX(&r, mat(1, 3), 99));
        }
        CASE(f, "axis -99", X_INVAL) {
            axon_tensor *r = NULL;
            END(AX(&r, mat(1, 3), -99));
        }
        CASE(f, "axis INT64_MIN", X_INVAL) {
            axon_tensor *r = NULL;
            END(AX(&r, mat(1, 3), INT64_MIN));
        }
        CASE(f, "zero-size huge, axis 2", i == 1 ? X_SHAPE : X_OK | X_HUGE) {
            axon_tensor *r = NULL;
            END(AX(&r, huge_empty(), 2));
        }
        CASE(f, "zero-size huge, axis 0", i == 1 ? X_SHAPE : i == 2 ? X_OK | X_HUGE : X_OK | X_HUGE) {
            axon_tensor *r = NULL;
            END(AX(&r, huge_empty(), 0));
        }
#undef AX
    }
    CASE("axon_tensor_unsqueeze", "rank 16 -> 17", X_INVAL | X_SHAPE) {
        axon_tensor *r = NULL;
        END(axon_tensor_unsqueeze(&r, rank16(), 0));
    }
    CASE("axon_tensor_unsqueeze", "axis rank + 1", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_tensor_unsqueeze(&r, mat(1, 3), 3));
    }
    CASE("axon_tensor_squeeze", "an axis of length 3", X_SHAPE) {
        axon_tensor *r = NULL;
        END(axon_tensor_squeeze(&r, mat(1, 3), 1));
    }
    CASE("axon_tensor_flatten", "start after end", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_tensor_flatten(&r, mat(1, 3), 1, 0));
    }
    CASE("axon_tensor_flatten", "end 99", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_tensor_flatten(&r, mat(1, 3), 0, 99));
    }
    CASE("axon_tensor_flatten", "control: rank 0 -> [1]", CONTROL) {
        axon_tensor *r = NULL;
        END(axon_tensor_flatten(&r, scalar(1), 0, -1));
    }
    CASE("axon_tensor_flatten", "zero-size huge, axes 1..2: 2^80", X_HUGE) {
        axon_tensor *r = NULL;
        END(axon_tensor_flatten(&r, huge_empty(), 1, 2));
    }
    CASE("axon_tensor_flatten", "[0, 2^62, 4], axes 1..2: overflows", X_HUGE) {
        int64_t s[3] = {0, P62, 4};
        axon_tensor *r = NULL;
        END(axon_tensor_flatten(&r, empty_shape(s, 3), 1, 2));
    }
}

static void indexing(void) {
    static const int64_t idx[2] = {0, 1}, far[1] = {99}, neg[1] = {-1}, minus[1] = {INT64_MIN};
    static const float frac[6] = {0, 0.5f, 1, 0, 1, 0}, big[6] = {0, 1e30f, 1, 0, 1, 0};
    static const float nan6[6] = {0, NAN, 1, 0, 1, 0}, inf6[6] = {0, INFINITY, 1, 0, 1, 0};
    static const float neg6[6] = {0, -1, 1, 0, 1, 0}, far6[6] = {0, 3, 1, 0, 1, 0}, good6[6] = {0, 1, 2, 2, 1, 0};
    const float *bad_index[6] = {frac, big, nan6, inf6, neg6, far6};
    static const char *const bad_names[6] = {"index 0.5", "index 1e30", "index NaN", "index Inf", "index -1",
                                             "index 3 (size 3: 0..2)"};
    const char *f = "axon_tensor_index_select";
    int k;
    CASE(f, "control", CONTROL) {
        axon_tensor *r = NULL;
        END(axon_tensor_index_select(&r, mat(2, 3), 1, idx, 2));
    }
    CASE(f, "control: no indices", CONTROL) {
        axon_tensor *r = NULL;
        END(axon_tensor_index_select(&r, mat(2, 3), 1, NULL, 0));
    }
    A_CASES(f, axon_tensor_index_select(out, a, 1, idx, 2));
    CASE(f, "NULL indices, n 2", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_tensor_index_select(&r, mat(2, 3), 1, NULL, 2));
    }
    CASE(f, "n SIZE_MAX", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_tensor_index_select(&r, mat(2, 3), 1, idx, SZ_NEG));
    }
    CASE(f, "index 99", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_tensor_index_select(&r, mat(2, 3), 1, far, 1));
    }
    CASE(f, "index -1", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_tensor_index_select(&r, mat(2, 3), 1, neg, 1));
    }
    CASE(f, "index INT64_MIN", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_tensor_index_select(&r, mat(2, 3), 1, minus, 1));
    }
    CASE(f, "axis 99", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_tensor_index_select(&r, mat(2, 3), 99, idx, 2));
    }
    CASE(f, "zero-size huge, axis 0 (empty), index 0", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_tensor_index_select(&r, huge_empty(), 0, idx, 1));
    }
    CASE(f, "zero-size huge, axis 1, index 0", X_OK | X_HUGE) {
        axon_tensor *r = NULL;
        END(axon_tensor_index_select(&r, huge_empty(), 1, idx, 1));
    }
    f = "axon_tensor_gather";
    CASE(f, "control", CONTROL) {
        axon_tensor *r = NULL, *a = mat(2, 3), *i = NULL;
        int64_t s[2] = {2, 3};
        if (axon_tensor_new(&i, good6, 6, s, 2, 0) != AXON_OK) setup_fail("index");
        END(axon_tensor_gather(&r, a, 1, i));
    }
    CASE(f, "NULL out", X_INVAL) {
        axon_tensor *a = mat(2, 3), *i = mat(2, 3);
        END(axon_tensor_gather(NULL, a, 0, i));
    }
    for (k = 0; k < N_BAD; ++k) {
        CASE(f, bad_label(k, "a"), X_INVAL) {
            axon_tensor *r = NULL, *i = vec(0), *a = (axon_tensor *)bad_handle(H_TENSOR, k);
            END(axon_tensor_gather(&r, a, 0, i));
        }
        CASE(f, bad_label(k, "index"), X_INVAL) {
            axon_tensor *r = NULL, *a = mat(2, 3), *i = (axon_tensor *)bad_handle(H_TENSOR, k);
            END(axon_tensor_gather(&r, a, 0, i));
        }
    }
    for (k = 0; k < 6; ++k) {
        CASE(f, bad_names[k], X_INVAL) {
            axon_tensor *r = NULL, *a = mat(2, 3), *i = NULL;
            int64_t s[2] = {2, 3};
            if (axon_tensor_new(&i, bad_index[k], 6, s, 2, 0) != AXON_OK) setup_fail("index");
            END(axon_tensor_gather(&r, a, 1, i));
        }
    }
    CASE(f, "index of another rank", X_SHAPE) {
        axon_tensor *r = NULL, *a = mat(2, 3), *i = vec(2);
        END(axon_tensor_gather(&r, a, 1, i));
    }
    CASE(f, "index larger on another axis", X_SHAPE) {
        axon_tensor *r = NULL, *a = mat(2, 3), *i = NULL;
        int64_t s[2] = {3, 2};
        if (axon_tensor_new(&i, good6, 6, s, 2, 0) != AXON_OK) setup_fail("index");
        END(axon_tensor_gather(&r, a, 1, i));
    }
    CASE(f, "axis 99", X_INVAL) {
        axon_tensor *r = NULL, *a = mat(2, 3), *i = mat(2, 3);
        END(axon_tensor_gather(&r, a, 99, i));
    }
    CASE(f, "zero-size huge with a zero-size huge index", X_OK | X_HUGE) {
        axon_tensor *r = NULL, *z = huge_empty();
        END(axon_tensor_gather(&r, z, 1, z));
    }
}

void cases_shape(void) {
    permute_expand();
    concat();
    slicing();
    indexing();
}
