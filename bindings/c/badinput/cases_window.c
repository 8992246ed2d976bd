/*
** cases_window.c - conv2d, max_pool2d, avg_pool2d, adaptive_avg_pool2d and maxout.
*/
#include "harness.h"

static axon_tensor *nchw(int64_t n, int64_t c, int64_t h, int64_t w) {
    int64_t s[4];
    s[0] = n;
    s[1] = c;
    s[2] = h;
    s[3] = w;
    return tensor_shape(s, 4, 0);
}

static axon_tensor *empty_nchw(void) {
    int64_t s[4] = {0, 1, 4, 4};
    return empty_shape(s, 4);
}

/* A pair that is bad for a stride, a dilation or a padding. */
typedef struct { const char *label; int64_t v[2]; unsigned expect; } pair_case;

static void conv2d(void) {
    static const pair_case strides[] = {
        {"stride {0, 1}", {0, 1}, X_INVAL}, {"stride {-1, 1}", {-1, 1}, X_INVAL},
        {"stride {INT64_MIN, 1}", {INT64_MIN, 1}, X_INVAL},
        {"stride INT64_MAX", {INT64_MAX, INT64_MAX}, X_OK | X_INVAL},
    };
    static const pair_case paddings[] = {
        {"padding {-1, 0}", {-1, 0}, X_INVAL}, {"padding INT64_MIN", {INT64_MIN, 0}, X_INVAL},
        {"padding INT64_MAX: the padded size overflows", {INT64_MAX, INT64_MAX}, X_HUGE},
        {"padding 2^40: a huge output", {P40, P40}, X_HUGE},
    };
    static const pair_case dilations[] = {
        {"dilation {0, 1}", {0, 1}, X_INVAL}, {"dilation {-1, 1}", {-1, 1}, X_INVAL},
        {"dilation INT64_MAX: the window overflows", {INT64_MAX, INT64_MAX}, X_INVAL | X_SHAPE},
    };
    static const char *const params[3] = {"input", "weight", "bias"};
    const char *f = "axon_tensor_conv2d";
    size_t i;
    int k, p;
    CASE(f, "control", CONTROL) {
        axon_tensor *r = NULL, *x = nchw(1, 1, 4, 4), *w = nchw(2, 1, 3, 3), *b = vec(2);
        END(axon_tensor_conv2d(&r, x, w, b, NULL, NULL, NULL, 1));
    }
    CASE(f, "NULL out", X_INVAL) {
        axon_tensor *x = nchw(1, 1, 4, 4), *w = nchw(2, 1, 3, 3);
        END(axon_tensor_conv2d(NULL, x, w, NULL, NULL, NULL, NULL, 1));
    }
    for (p = 0; p < 3; ++p) {
        for (k = p == 2 ? 1 : 0; k < N_BAD; ++k) {
            CASE(f, bad_label(k, params[p]), X_INVAL) {
                axon_tensor *r = NULL, *t[3];
                t[0] = nchw(1, 1, 4, 4);
                t[1] = nchw(2, 1, 3, 3);
                t[2] = vec(2);
                t[p] = (axon_tensor *)bad_handle(H_TENSOR, k);
                END(axon_tensor_conv2d(&r, t[0], t[1], t[2], NULL, NULL, NULL, 1));
            }
        }
    }
    for (i = 0; i < sizeof strides / sizeof *strides; ++i) {
        CASE(f, strides[i].label, strides[i].expect) {
            axon_tensor *r = NULL, *x = nchw(1, 1, 4, 4), *w = nchw(2, 1, 3, 3);
            END(axon_tensor_conv2d(&r, x, w, NULL, strides[i].v, NULL, NULL, 1));
        }
    }
    for (i = 0; i < sizeof paddings / sizeof *paddings; ++i) {
        CASE(f, paddings[i].label, paddings[i].expect) {
            axon_tensor *r = NULL, *x = nchw(1, 1, 4, 4), *w = nchw(2, 1, 3, 3);
            END(axon_tensor_conv2d(&r, x, w, NULL, NULL, paddings[i].v, NULL, 1));
        }
    }
    for (i = 0; i < sizeof dilations / sizeof *dilations; ++i) {
        CASE(f, dilations[i].label, dilations[i].expect) {
            axon_tensor *r = NULL, *x = nchw(1, 1, 4, 4), *w = nchw(2, 1, 3, 3);
            END(axon_tensor_conv2d(&r, x, w, NULL, NULL, NULL, dilations[i].v, 1));
        }
    }
    CASE(f, "groups 0", X_INVAL | X_SHAPE) {
        axon_tensor *r = NULL, *x = nchw(1, 1, 4, 4), *w = nchw(2, 1, 3, 3);
        END(axon_tensor_conv2d(&r, x, w, NULL, NULL, NULL, NULL, 0));
    }
    CASE(f, "groups -1", X_INVAL | X_SHAPE) {
        axon_tensor *r = NULL, *x = nchw(1, 1, 4, 4), *w = nchw(2, 1, 3, 3);
        END(axon_tensor_conv2d(&r, x, w, NULL, NULL, NULL, NULL, -1));
    }
    CASE(f, "groups INT64_MIN", X_INVAL | X_SHAPE) {
        axon_tensor *r = NULL, *x = nchw(1, 1, 4, 4), *w = nchw(2, 1, 3, 3);
        END(axon_tensor_conv2d(&r, x, w, NULL, NULL, NULL, NULL, INT64_MIN));
    }
    CASE(f, "groups 2 for 1 channel", X_SHAPE) {
        axon_tensor *r = NULL, *x = nchw(1, 1, 4, 4), *w = nchw(2, 1, 3, 3);
        END(axon_tensor_conv2d(&r, x, w, NULL, NULL, NULL, NULL, 2));
    }
    CASE(f, "weight of rank 2", X_SHAPE) {
        axon_tensor *r = NULL, *x = nchw(1, 1, 4, 4), *w = mat(3, 3);
        END(axon_tensor_conv2d(&r, x, w, NULL, NULL, NULL, NULL, 1));
    }
    CASE(f, "input of rank 2", X_SHAPE) {
        axon_tensor *r = NULL, *x = mat(4, 4), *w = nchw(2, 1, 3, 3);
        END(axon_tensor_conv2d(&r, x, w, NULL, NULL, NULL, NULL, 1));
    }
    CASE(f, "channels differ", X_SHAPE) {
        axon_tensor *r = NULL, *x = nchw(1, 3, 4, 4), *w = nchw(2, 1, 3, 3);
        END(axon_tensor_conv2d(&r, x, w, NULL, NULL, NULL, NULL, 1));
    }
    CASE(f, "kernel larger than the input", X_SHAPE) {
        axon_tensor *r = NULL, *x = nchw(1, 1, 2, 2), *w = nchw(2, 1, 3, 3);
        END(axon_tensor_conv2d(&r, x, w, NULL, NULL, NULL, NULL, 1));
    }
    CASE(f, "bias of shape [3] for 2 outputs", X_SHAPE) {
        axon_tensor *r = NULL, *x = nchw(1, 1, 4, 4), *w = nchw(2, 1, 3, 3), *b = vec(3);
        END(axon_tensor_conv2d(&r, x, w, b, NULL, NULL, NULL, 1));
    }
    CASE(f, "an empty batch [0, 1, 4, 4]", X_OK) {
        axon_tensor *r = NULL, *x = empty_nchw(), *w = nchw(2, 1, 3, 3);
        END(axon_tensor_conv2d(&r, x, w, NULL, NULL, NULL, NULL, 1));
    }
    CASE(f, "zero-size huge input [0, 1, 2^40, 2^40]", X_OK | X_HUGE) {
        int64_t s[4] = {0, 1, P40, P40};
        axon_tensor *r = NULL, *x = empty_shape(s, 4), *w = nchw(2, 1, 3, 3);
        END(axon_tensor_conv2d(&r, x, w, NULL, NULL, NULL, NULL, 1));
    }
}

static void pooling(void) {
    static const pair_case kernels[] = {
        {"kernel {0, 2}", {0, 2}, X_INVAL}, {"kernel {-1, 2}", {-1, 2}, X_INVAL},
        {"kernel {5, 5}: larger than the input", {5, 5}, X_SHAPE},
        {"kernel INT64_MAX", {INT64_MAX, INT64_MAX}, X_INVAL | X_SHAPE},
        {"kernel INT64_MIN", {INT64_MIN, INT64_MIN}, X_INVAL},
    };
    static const pair_case strides[] = {
        {"stride {0, 1}", {0, 1}, X_INVAL}, {"stride {-1, 1}", {-1, 1}, X_INVAL},
        {"stride INT64_MAX", {INT64_MAX, INT64_MAX}, X_OK | X_INVAL},
    };
    static const pair_case paddings[] = {
        {"padding {-1, 0}", {-1, 0}, X_INVAL}, {"padding {2, 2}: more than half the kernel", {2, 2}, X_INVAL},
        {"padding INT64_MAX", {INT64_MAX, INT64_MAX}, X_INVAL},
    };
    static const int64_t k2[2] = {2, 2}, d0[2] = {0, 1}, dmax[2] = {INT64_MAX, INT64_MAX};
    int which, k;
    size_t i;
    for (which = 0; which < 2; ++which) {
        const char *f = which == 0 ? "axon_tensor_max_pool2d" : "axon_tensor_avg_pool2d";
#define POOL(out, x, kern, st, pad)                                                             \
    (which == 0 ? axon_tensor_max_pool2d((out), (x), (kern), (st), (pad), NULL) \
                : axon_tensor_avg_pool2d((out), (x), (kern), (st), (pad)))
        CASE(f, "control", CONTROL) {
            axon_tensor *r = NULL;
            END(POOL(&r, nchw(1, 1, 4, 4), k2, NULL, NULL));
        }
        CASE(f, "NULL out", X_INVAL) { END(POOL(NULL, nchw(1, 1, 4, 4), k2, NULL, NULL)); }
        for (k = 0; k < N_BAD; ++k) {
            CASE(f, bad_label(k, "input"), X_INVAL) {
                axon_tensor *r = NULL;
                END(POOL(&r, (axon_tensor *)bad_handle(H_TENSOR, k), k2, NULL, NULL));
            }
        }
        CASE(f, "NULL kernel", X_INVAL) {
            axon_tensor *r = NULL;
            END(POOL(&r, nchw(1, 1, 4, 4), NULL, NULL, NULL));
        }
        for (i = 0; i < sizeof kernels / sizeof *kernels; ++i) {
            CASE(f, kernels[i].label, kernels[i].expect) {
                axon_tensor *r = NULL;
                END(POOL(&r, nchw(1, 1, 4, 4), kernels[i].v, NULL, NULL));
            }
        }
        for (i = 0; i < sizeof strides / sizeof *strides; ++i) {
            CASE(f, strides[i].label, strides[i].expect) {
                axon_tensor *r = NULL;
                END(POOL(&r, nchw(1, 1, 4, 4), k2, strides[i].v, NULL));
            }
        }
        for (i = 0; i < sizeof paddings / sizeof *paddings; ++i) {
            CASE(f, paddings[i].label, paddings[i].expect) {
                axon_tensor *r = NULL;
                END(POOL(&r, nchw(1, 1, 4, 4), k2, NULL, paddings[i].v));
            }
        }
        CASE(f, "input of rank 3", X_SHAPE) {
            int64_t s[3] = {1, 4, 4};
            axon_tensor *r = NULL;
            END(POOL(&r, tensor_shape(s, 3, 0), k2, NULL, NULL));
        }
        CASE(f, "an empty batch [0, 1, 4, 4]", X_OK) {
            axon_tensor *r = NULL;
            END(POOL(&r, empty_nchw(), k2, NULL, NULL));
        }
        CASE(f, "zero-size huge input [0, 1, 2^40, 2^40]", X_OK | X_HUGE) {
            int64_t s[4] = {0, 1, P40, P40};
            axon_tensor *r = NULL;
            END(POOL(&r, empty_shape(s, 4), k2, NULL, NULL));
        }
#undef POOL
    }
    CASE("axon_tensor_max_pool2d", "dilation {0, 1}", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_tensor_max_pool2d(&r, nchw(1, 1, 4, 4), k2, NULL, NULL, d0));
    }
    CASE("axon_tensor_max_pool2d", "dilation INT64_MAX: the window overflows", X_INVAL | X_SHAPE) {
        axon_tensor *r = NULL;
        END(axon_tensor_max_pool2d(&r, nchw(1, 1, 4, 4), k2, NULL, NULL, dmax));
    }
}

static void adaptive_and_maxout(void) {
    static const pair_case sizes[] = {
        {"output_size {0, 1}", {0, 1}, X_INVAL}, {"output_size {-1, 1}", {-1, 1}, X_INVAL},
        {"output_size INT64_MIN", {INT64_MIN, 1}, X_INVAL},
        {"output_size {2^40, 2^40}: 2^80 cells", {P40, P40}, X_HUGE},
        {"output_size {2^17, 2^17}: 64 GiB", {(int64_t)1 << 17, (int64_t)1 << 17}, X_HUGE},
        {"output_size INT64_MAX", {INT64_MAX, INT64_MAX}, X_HUGE},
    };
    static const int64_t two[2] = {2, 2};
    const char *f = "axon_tensor_adaptive_avg_pool2d";
    size_t i;
    int k;
    CASE(f, "control", CONTROL) {
        axon_tensor *r = NULL;
        END(axon_tensor_adaptive_avg_pool2d(&r, nchw(1, 1, 4, 4), two));
    }
    CASE(f, "control: CHW", CONTROL) {
        int64_t s[3] = {1, 4, 4};
        axon_tensor *r = NULL;
        END(axon_tensor_adaptive_avg_pool2d(&r, tensor_shape(s, 3, 0), two));
    }
    CASE(f, "NULL out", X_INVAL) { END(axon_tensor_adaptive_avg_pool2d(NULL, nchw(1, 1, 4, 4), two)); }
    for (k = 0; k < N_BAD; ++k) {
        CASE(f, bad_label(k, "input"), X_INVAL) {
            axon_tensor *r = NULL;
            END(axon_tensor_adaptive_avg_pool2d(&r, (axon_tensor *)bad_handle(H_TENSOR, k), two));
        }
    }
    CASE(f, "NULL output_size", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_tensor_adaptive_avg_pool2d(&r, nchw(1, 1, 4, 4), NULL));
    }
    for (i = 0; i < sizeof sizes / sizeof *sizes; ++i) {
        CASE(f, sizes[i].label, sizes[i].expect) {
            axon_tensor *r = NULL;
            END(axon_tensor_adaptive_avg_pool2d(&r, nchw(1, 1, 4, 4), sizes[i].v));
        }
    }
    CASE(f, "input of rank 2", X_SHAPE) {
        axon_tensor *r = NULL;
        END(axon_tensor_adaptive_avg_pool2d(&r, mat(4, 4), two));
    }
    CASE(f, "input of rank 5", X_SHAPE) {
        int64_t s[5] = {1, 1, 1, 4, 4};
        axon_tensor *r = NULL;
        END(axon_tensor_adaptive_avg_pool2d(&r, tensor_shape(s, 5, 0), two));
    }
    CASE(f, "an empty batch [0, 1, 4, 4]", X_OK) {
        axon_tensor *r = NULL;
        END(axon_tensor_adaptive_avg_pool2d(&r, empty_nchw(), two));
    }
    CASE(f, "an empty image [1, 1, 0, 0] to {2, 2}", X_ANY) {
        int64_t s[4] = {1, 1, 0, 0};
        axon_tensor *r = NULL;
        END(axon_tensor_adaptive_avg_pool2d(&r, empty_shape(s, 4), two));
    }
    f = "axon_tensor_maxout";
    CASE(f, "control", CONTROL) {
        axon_tensor *r = NULL, *ps[2];
        ps[0] = mat(2, 3);
        ps[1] = vec(3);
        END(axon_tensor_maxout(&r, ps, 2));
    }
    CASE(f, "NULL out", X_INVAL) {
        axon_tensor *ps[1];
        ps[0] = vec(3);
        END(axon_tensor_maxout(NULL, ps, 1));
    }
    CASE(f, "NULL pieces, n 2", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_tensor_maxout(&r, NULL, 2));
    }
    CASE(f, "n 0", X_INVAL) {
        axon_tensor *r = NULL, *ps[1];
        ps[0] = vec(3);
        END(axon_tensor_maxout(&r, ps, 0));
    }
    CASE(f, "n SIZE_MAX", X_INVAL) {
        axon_tensor *r = NULL, *ps[1];
        ps[0] = vec(3);
        END(axon_tensor_maxout(&r, ps, SZ_NEG));
    }
    for (k = 0; k < N_BAD; ++k) {
        CASE(f, bad_label(k, "pieces[1]"), X_INVAL) {
            axon_tensor *r = NULL, *ps[2];
            ps[0] = vec(3);
            ps[1] = (axon_tensor *)bad_handle(H_TENSOR, k);
            END(axon_tensor_maxout(&r, ps, 2));
        }
    }
    CASE(f, "shapes do not broadcast", X_SHAPE) {
        axon_tensor *r = NULL, *ps[2];
        ps[0] = vec(3);
        ps[1] = vec(4);
        END(axon_tensor_maxout(&r, ps, 2));
    }
    CASE(f, "zero-size huge pieces", X_OK | X_HUGE) {
        axon_tensor *r = NULL, *ps[2];
        ps[0] = ps[1] = huge_empty();
        END(axon_tensor_maxout(&r, ps, 2));
    }
    CASE(f, "[2^17, 1] and [1, 2^17]: 64 GiB", X_HUGE) {
        axon_tensor *r = NULL, *ps[2];
        ps[0] = mat((int64_t)1 << 17, 1);
        ps[1] = mat(1, (int64_t)1 << 17);
        END(axon_tensor_maxout(&r, ps, 2));
    }
}

void cases_window(void) {
    conv2d();
    pooling();
    adaptive_and_maxout();
}
