/*
** cases_creation.c - zeros, ones, full, arange, linspace, eye, the *_like family, generators
** and random tensors.
*/
#include "harness.h"

/* The shapes every factory refuses or must survive. */
typedef struct { const char *label; int64_t shape[3]; size_t rank; unsigned expect; } shape_case;

static const shape_case shapes[] = {
    {"negative dimension", {2, -3, 0}, 2, X_INVAL},
    {"dimension INT64_MIN", {INT64_MIN, 0, 0}, 1, X_INVAL},
    {"{2^62, 4}: the count overflows", {P62, 4, 0}, 2, X_HUGE},
    {"{INT64_MAX, INT64_MAX}", {INT64_MAX, INT64_MAX, 0}, 2, X_HUGE},
    {"[2^40]: 4 TiB", {P40, 0, 0}, 1, X_HUGE},
    {"[2^34]: 64 GiB", {(int64_t)1 << 34, 0, 0}, 1, X_HUGE},
    {"zero-size huge {0, 2^40, 2^40}", {0, P40, P40}, 3, X_OK | X_HUGE},
    {"zero-size {2^62, 2^62, 0}", {P62, P62, 0}, 3, X_OK | X_HUGE},
};

#define N_SHAPES (sizeof shapes / sizeof *shapes)

/* which: 0 zeros, 1 ones, 2 full, 3 rand, 4 randn, 5 randint (no requires_grad). */
static axon_status make_shape(int which, axon_tensor **out, axon_generator *g, const int64_t *shape, size_t rank,
                              int rg) {
    switch (which) {
    case 0: return axon_tensor_zeros(out, shape, rank, rg);
    case 1: return axon_tensor_ones(out, shape, rank, rg);
    case 2: return axon_tensor_full(out, shape, rank, 2.5f, rg);
    case 3: return axon_tensor_rand(out, g, shape, rank, rg);
    case 4: return axon_tensor_randn(out, g, shape, rank, rg);
    default: return axon_tensor_randint(out, g, 0, 10, shape, rank);
    }
}

static void shaped(void) {
    static const char *const names[6] = {"axon_tensor_zeros", "axon_tensor_ones", "axon_tensor_full",
                                         "axon_tensor_rand", "axon_tensor_randn", "axon_tensor_randint"};
    static const int64_t s23[2] = {2, 3};
    static const int64_t s17[17] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    int which, k;
    size_t i;
    for (which = 0; which < 6; ++which) {
        const char *f = names[which];
        int random = which >= 3;
        CASE(f, "control: [2, 3]", CONTROL) {
            axon_tensor *r = NULL;
            axon_generator *g = random ? gen() : NULL;
            END(make_shape(which, &r, g, s23, 2, 0));
        }
        CASE(f, "control: rank 0, shape NULL", CONTROL) {
            axon_tensor *r = NULL;
            axon_generator *g = random ? gen() : NULL;
            END(make_shape(which, &r, g, NULL, 0, 0));
        }
        CASE(f, "NULL out", X_INVAL) {
            axon_generator *g = random ? gen() : NULL;
            END(make_shape(which, NULL, g, s23, 2, 0));
        }
        CASE(f, "NULL shape, rank 2", X_INVAL) {
            axon_tensor *r = NULL;
            axon_generator *g = random ? gen() : NULL;
            END(make_shape(which, &r, g, NULL, 2, 0));
        }
        CASE(f, "rank 17", X_INVAL) {
            axon_tensor *r = NULL;
            axon_generator *g = random ? gen() : NULL;
            END(make_shape(which, &r, g, s17, 17, 0));
        }
        CASE(f, "rank SIZE_MAX", X_INVAL) {
            axon_tensor *r = NULL;
            axon_generator *g = random ? gen() : NULL;
            END(make_shape(which, &r, g, s23, SZ_NEG, 0));
        }
        if (which != 5) {
            CASE(f, "requires_grad 2", X_INVAL) {
                axon_tensor *r = NULL;
                axon_generator *g = random ? gen() : NULL;
                END(make_shape(which, &r, g, s23, 2, 2));
            }
            CASE(f, "requires_grad -1", X_INVAL) {
                axon_tensor *r = NULL;
                axon_generator *g = random ? gen() : NULL;
                END(make_shape(which, &r, g, s23, 2, -1));
            }
        }
        for (i = 0; i < N_SHAPES; ++i) {
            CASE(f, shapes[i].label, shapes[i].expect) {
                axon_tensor *r = NULL;
                axon_generator *g = random ? gen() : NULL;
                END(make_shape(which, &r, g, shapes[i].shape, shapes[i].rank, 0));
            }
        }
        if (random) {
            for (k = 0; k < N_BAD; ++k) {
                CASE(f, bad_label(k, "g"), X_INVAL) {
                    axon_tensor *r = NULL;
                    END(make_shape(which, &r, (axon_generator *)bad_handle(H_GEN, k), s23, 2, 0));
                }
            }
            CASE(f, "a failed draw does not advance the generator", X_VOID) {
                axon_generator *g = gen(), *h = gen();
                axon_tensor *r = NULL, *a = NULL, *b = NULL;
                float x[6], y[6];
                if (which != 5) make_shape(which, &r, g, s23, 2, 7);
                make_shape(which, &r, g, shapes[2].shape, 2, 0);
                if (make_shape(which, &a, g, s23, 2, 0) != AXON_OK) setup_fail("draw");
                if (make_shape(which, &b, h, s23, 2, 0) != AXON_OK) setup_fail("draw");
                END_IF(axon_tensor_copy_data(a, x, 6) == AXON_OK && axon_tensor_copy_data(b, y, 6) == AXON_OK &&
                       memcmp(x, y, sizeof x) == 0);
            }
        }
    }
    CASE("axon_tensor_full", "value NaN", X_OK) {
        axon_tensor *r = NULL;
        END(axon_tensor_full(&r, s23, 2, NAN, 0));
    }
}

static void ranges(void) {
    typedef struct { const char *label; float start, end, step; unsigned expect; } arange_case;
    static const arange_case aranges[] = {
        {"step 0", 0, 1, 0, X_INVAL}, {"start NaN", NAN, 1, 1, X_INVAL}, {"end NaN", 0, NAN, 1, X_INVAL},
        {"step NaN", 0, 1, NAN, X_INVAL}, {"end Inf", 0, INFINITY, 1, X_INVAL},
        {"start -Inf", -INFINITY, 0, 1, X_INVAL}, {"step Inf", 0, 1, INFINITY, X_INVAL},
        {"0..1e30 step 1: 1e30 elements", 0, 1e30f, 1, X_HUGE}, {"0..1 step 1e-30", 0, 1, 1e-30f, X_HUGE},
        {"-3e38..3e38 step 1e-38", -3e38f, 3e38f, 1e-38f, X_HUGE},
        {"0..3e9 step 1: 12 GB", 0, 3e9f, 1, X_HUGE},
        {"the wrong direction: empty", 0, 5, -1, X_OK},
    };
    typedef struct { const char *label; float start, end; int64_t steps; unsigned expect; } linspace_case;
    static const linspace_case linspaces[] = {
        {"steps -1", 0, 1, -1, X_INVAL}, {"steps INT64_MIN", 0, 1, INT64_MIN, X_INVAL},
        {"start NaN", NAN, 1, 5, X_INVAL}, {"end Inf", 0, INFINITY, 5, X_INVAL},
        {"steps INT64_MAX", 0, 1, INT64_MAX, X_HUGE}, {"steps 2^40", 0, 1, P40, X_HUGE},
        {"steps 0: empty", 0, 1, 0, X_OK}, {"steps 1", 0, 1, 1, X_OK},
    };
    typedef struct { const char *label; int64_t n, m; unsigned expect; } eye_case;
    static const eye_case eyes[] = {
        {"n -1", -1, 2, X_INVAL}, {"m -1", 2, -1, X_INVAL}, {"n INT64_MIN", INT64_MIN, 2, X_INVAL},
        {"2^40 x 2^40", P40, P40, X_HUGE}, {"2^62 x 4", P62, 4, X_HUGE},
        {"INT64_MAX x INT64_MAX", INT64_MAX, INT64_MAX, X_HUGE}, {"2^17 x 2^17: 64 GiB", 1 << 17, 1 << 17, X_HUGE},
        {"0 x 2^62: empty", 0, P62, X_OK | X_HUGE},
    };
    size_t i;
    CASE("axon_tensor_arange", "control", CONTROL) {
        axon_tensor *r = NULL;
        END(axon_tensor_arange(&r, 0, 5, 0.5f, 0));
    }
    CASE("axon_tensor_arange", "NULL out", X_INVAL) { END(axon_tensor_arange(NULL, 0, 5, 1, 0)); }
    CASE("axon_tensor_arange", "requires_grad 2", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_tensor_arange(&r, 0, 5, 1, 2));
    }
    for (i = 0; i < sizeof aranges / sizeof *aranges; ++i) {
        CASE("axon_tensor_arange", aranges[i].label, aranges[i].expect) {
            axon_tensor *r = NULL;
            END(axon_tensor_arange(&r, aranges[i].start, aranges[i].end, aranges[i].step, 0));
        }
    }
    CASE("axon_tensor_linspace", "control", CONTROL) {
        axon_tensor *r = NULL;
        END(axon_tensor_linspace(&r, 0, 1, 5, 1));
    }
    CASE("axon_tensor_linspace", "NULL out", X_INVAL) { END(axon_tensor_linspace(NULL, 0, 1, 5, 0)); }
    CASE("axon_tensor_linspace", "requires_grad -1", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_tensor_linspace(&r, 0, 1, 5, -1));
    }
    for (i = 0; i < sizeof linspaces / sizeof *linspaces; ++i) {
        CASE("axon_tensor_linspace", linspaces[i].label, linspaces[i].expect) {
            axon_tensor *r = NULL;
            END(axon_tensor_linspace(&r, linspaces[i].start, linspaces[i].end, linspaces[i].steps, 0));
        }
    }
    CASE("axon_tensor_eye", "control", CONTROL) {
        axon_tensor *r = NULL;
        END(axon_tensor_eye(&r, 3, 2, 0));
    }
    CASE("axon_tensor_eye", "NULL out", X_INVAL) { END(axon_tensor_eye(NULL, 3, 3, 0)); }
    CASE("axon_tensor_eye", "requires_grad 2", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_tensor_eye(&r, 3, 3, 2));
    }
    for (i = 0; i < sizeof eyes / sizeof *eyes; ++i) {
        CASE("axon_tensor_eye", eyes[i].label, eyes[i].expect) {
            axon_tensor *r = NULL;
            END(axon_tensor_eye(&r, eyes[i].n, eyes[i].m, 0));
        }
    }
}

static void like(void) {
    static const char *const names[3] = {"axon_tensor_zeros_like", "axon_tensor_ones_like", "axon_tensor_full_like"};
    int which, k;
    for (which = 0; which < 3; ++which) {
        const char *f = names[which];
#define LIKE(out, a, rg)                                                                                   \
    (which == 0 ? axon_tensor_zeros_like((out), (a), (rg)) : which == 1 ? axon_tensor_ones_like((out), (a), (rg)) \
                                                                         : axon_tensor_full_like((out), (a), 3, (rg)))
        CASE(f, "control", CONTROL) {
            axon_tensor *r = NULL;
            END(LIKE(&r, mat(2, 3), 1));
        }
        CASE(f, "NULL out", X_INVAL) { END(LIKE(NULL, mat(2, 3), 0)); }
        for (k = 0; k < N_BAD; ++k) {
            CASE(f, bad_label(k, "a"), X_INVAL) {
                axon_tensor *r = NULL;
                END(LIKE(&r, (axon_tensor *)bad_handle(H_TENSOR, k), 0));
            }
        }
        CASE(f, "requires_grad 2", X_INVAL) {
            axon_tensor *r = NULL;
            END(LIKE(&r, mat(2, 3), 2));
        }
        CASE(f, "requires_grad -1", X_INVAL) {
            axon_tensor *r = NULL;
            END(LIKE(&r, mat(2, 3), -1));
        }
        CASE(f, "zero-size huge", X_OK | X_HUGE) {
            axon_tensor *r = NULL;
            END(LIKE(&r, huge_empty(), 0));
        }
#undef LIKE
    }
}

static void generators(void) {
    static const int64_t s3[1] = {3};
    typedef struct { const char *label; int64_t low, high; unsigned expect; } randint_case;
    static const randint_case randints[] = {
        {"low = high", 3, 3, X_INVAL}, {"low > high", 5, 3, X_INVAL},
        {"high 2^24 + 1", 0, (1 << 24) + 1, X_INVAL}, {"low -2^24 - 1", -(1 << 24) - 1, 0, X_INVAL},
        {"INT64_MIN..INT64_MAX", INT64_MIN, INT64_MAX, X_INVAL}, {"control: -2^24..2^24", -(1 << 24), 1 << 24, CONTROL},
    };
    static const int64_t perms[] = {-1, (1 << 24) + 1, INT64_MAX, INT64_MIN};
    char label[64];
    size_t i;
    int k;
    CASE("axon_generator_new", "control", CONTROL) {
        axon_generator *g = NULL;
        END(axon_generator_new(&g, 0));
    }
    CASE("axon_generator_new", "seed UINT64_MAX", X_OK) {
        axon_generator *g = NULL;
        END(axon_generator_new(&g, UINT64_MAX));
    }
    CASE("axon_generator_new", "NULL out", X_INVAL) { END(axon_generator_new(NULL, 1)); }
    CASE("axon_generator_free", "control", CONTROL_VOID) {
        size_t n = 1;
        axon_generator_free(gen());
        END_IF(axon_live_handles(&n, "axon_generator") == AXON_OK && n == 0);
    }
    CASE("axon_generator_free", "NULL", X_VOID) {
        axon_generator_free(NULL);
        END_VOID();
    }
    CASE("axon_generator_free", "twice", X_VOID) {
        axon_generator *g = gen();
        axon_generator_free(g);
        axon_generator_free(g);
        END_VOID();
    }
    CASE("axon_generator_free", "a tensor handle: not freed", X_VOID) {
        axon_tensor *t = vec(3);
        axon_generator_free((axon_generator *)(void *)t);
        END_IF(axon_tensor_numel(t) == 3);
    }
    CASE("axon_generator_free", "foreign pointer", X_VOID) {
        axon_generator_free((axon_generator *)bad_handle(H_GEN, BAD_FOREIGN));
        END_VOID();
    }
    for (i = 0; i < sizeof randints / sizeof *randints; ++i) {
        CASE("axon_tensor_randint", randints[i].label, randints[i].expect) {
            axon_tensor *r = NULL;
            END(axon_tensor_randint(&r, gen(), randints[i].low, randints[i].high, s3, 1));
        }
    }
    CASE("axon_tensor_randperm", "control", CONTROL) {
        axon_tensor *r = NULL;
        END(axon_tensor_randperm(&r, gen(), 10));
    }
    CASE("axon_tensor_randperm", "n 0", X_OK) {
        axon_tensor *r = NULL;
        END(axon_tensor_randperm(&r, gen(), 0));
    }
    CASE("axon_tensor_randperm", "NULL out", X_INVAL) { END(axon_tensor_randperm(NULL, gen(), 10)); }
    for (k = 0; k < N_BAD; ++k) {
        CASE("axon_tensor_randperm", bad_label(k, "g"), X_INVAL) {
            axon_tensor *r = NULL;
            END(axon_tensor_randperm(&r, (axon_generator *)bad_handle(H_GEN, k), 10));
        }
    }
    for (i = 0; i < sizeof perms / sizeof *perms; ++i) {
        snprintf(label, sizeof label, "n %lld", (long long)perms[i]);
        CASE("axon_tensor_randperm", label, X_INVAL) {
            axon_tensor *r = NULL;
            END(axon_tensor_randperm(&r, gen(), perms[i]));
        }
    }
}

void cases_creation(void) {
    shaped();
    ranges();
    like();
    generators();
}
