/*
** cases_model.c - making, loading, saving and running models, their mode, spec, state and
** parameters, and load_state.
*/
#include "harness.h"

typedef struct { const char *label; const char *spec; unsigned expect; } spec_case;

#define SPEC_BAD (X_FORMAT | X_INVAL)

static const spec_case specs[] = {
    {"control: linear", "linear 2 3", CONTROL},
    {"control: every argument named", "linear in=2 out=3 bias=false", CONTROL},
    {"control: a container", "residual { linear 4 4; tanh }", CONTROL},
    {"empty text", "", X_ANY},
    {"only separators", " ; ;\n;", X_ANY},
    {"an unknown kind", "bogus 1", X_FORMAT},
    {"a missing argument", "linear 2", SPEC_BAD},
    {"an argument too many", "linear 2 3 4 5 6", SPEC_BAD},
    {"a negative size", "linear -1 3", X_INVAL},
    {"size 0", "linear 2 0", X_ANY},
    {"a size of 2^40 x 2^40 weights", "linear 1099511627776 1099511627776", X_HUGE | X_FORMAT},
    {"a size that overflows Int", "linear 99999999999999999999 3", SPEC_BAD},
    {"a size of 2^17 x 2^17 weights (64 GiB)", "linear 131072 131072", X_HUGE},
    {"a fractional size", "linear 2.5 3", SPEC_BAD},
    {"size NaN", "linear nan 3", SPEC_BAD},
    {"size 1e400", "linear 1e400 3", SPEC_BAD},
    {"bias=maybe", "linear 2 3 bias=maybe", SPEC_BAD},
    {"bias=2", "linear 2 3 bias=2", SPEC_BAD},
    {"an unknown key", "linear 2 3 colour=red", SPEC_BAD},
    {"a key given twice (the header does not say)", "linear 2 3 bias=true bias=false", X_ANY},
    {"a key without value", "linear 2 3 bias=", SPEC_BAD},
    {"dropout p 1.5", "dropout 1.5", X_INVAL},
    {"dropout p -0.1", "dropout -0.1", X_INVAL},
    {"dropout p NaN", "dropout nan", SPEC_BAD},
    {"dropout p Inf", "dropout inf", SPEC_BAD},
    {"dropout2d p 2", "dropout2d 2", X_INVAL},
    {"batchnorm eps -1", "batchnorm1d 4 eps=-1", X_INVAL},
    {"batchnorm eps NaN", "batchnorm1d 4 eps=nan", SPEC_BAD},
    {"batchnorm momentum NaN", "batchnorm1d 4 momentum=nan", SPEC_BAD},
    {"batchnorm momentum -1", "batchnorm1d 4 momentum=-1", X_INVAL},
    {"batchnorm 0 features", "batchnorm1d 0", X_INVAL},
    {"batchnorm2d affine=yes", "batchnorm2d 4 affine=yes", SPEC_BAD},
    {"layernorm eps Inf", "layernorm 4 eps=inf", SPEC_BAD},
    {"layernorm shape 0", "layernorm 0", X_INVAL},
    {"groupnorm 3 groups of 4 channels", "groupnorm 3 4", X_INVAL},
    {"groupnorm 0 groups", "groupnorm 0 4", X_INVAL},
    {"leakyrelu slope NaN", "leakyrelu nan", SPEC_BAD},
    {"elu alpha Inf", "elu inf", SPEC_BAD},
    {"softmax axis 99 (checked at forward, if at all)", "softmax 99", X_ANY},
    {"maxout 0 pieces", "maxout 0", X_INVAL},
    {"conv2d kernel 0", "conv2d 1 1 0", X_INVAL},
    {"conv2d stride 0", "conv2d 1 1 3 stride=0", X_INVAL},
    {"conv2d padding -1", "conv2d 1 1 3 padding=-1", X_INVAL},
    {"conv2d dilation 0", "conv2d 1 1 3 dilation=0", X_INVAL},
    {"conv2d groups 2 of 3 channels", "conv2d 3 4 3 groups=2", X_INVAL},
    {"conv2d kernel 3x", "conv2d 1 1 3x", SPEC_BAD},
    {"conv2d kernel 3x3x3", "conv2d 1 1 3x3x3", SPEC_BAD},
    {"conv2d kernel 2^40 (weights overflow)", "conv2d 1 1 1099511627776", X_HUGE | X_FORMAT},
    {"maxpool2d kernel 0", "maxpool2d 0", X_INVAL},
    {"maxpool2d padding above half the kernel", "maxpool2d 2 padding=2", X_INVAL},
    {"avgpool2d stride -1", "avgpool2d 2 stride=-1", X_INVAL},
    {"adaptiveavgpool2d size 0", "adaptiveavgpool2d 0", X_INVAL},
    {"unflatten with two -1", "unflatten 1 2x-1x-1", X_INVAL},
    {"unflatten with a 0", "unflatten 1 0x4", X_ANY},
    {"flatten start after end", "flatten start=2 end=1", X_ANY},
    {"an unclosed brace", "residual { linear 2 2", X_FORMAT},
    {"a closing brace alone", "}", X_FORMAT},
    {"braces on a leaf", "linear 2 2 { relu }", X_FORMAT},
    {"an empty container", "sequential { }", X_ANY},
    {"weightnorm of a relu", "weightnorm { relu }", X_INVAL | X_FORMAT},
    {"weightnorm of two layers", "weightnorm { linear 2 2; linear 2 2 }", X_INVAL | X_FORMAT},
    {"non-UTF-8 in a number", "linear 2 3\xff", SPEC_BAD},
    {"non-UTF-8 in a kind", "line\xff\xfe" "ar 2 3", X_FORMAT | X_INVAL},
    {"an overlong encoding of '/'", "linear 2 3 \xc0\xaf", SPEC_BAD},
    {"a NUL-free control character", "linear\x01 2 3", SPEC_BAD},
};

static char *nested(int depth) {
    static const char open[] = "sequential { ", close[] = " }";
    size_t n = (size_t)depth * (sizeof open - 1 + sizeof close - 1) + 8;
    char *s = (char *)malloc(n), *p = s;
    int i;
    for (i = 0; i < depth; ++i) p += sprintf(p, "%s", open);
    p += sprintf(p, "relu");
    for (i = 0; i < depth; ++i) p += sprintf(p, "%s", close);
    return s;
}

static axon_status load_at(const char *path) {
    axon_model *m = NULL;
    return axon_model_load(&m, path);
}

static axon_status save_at(const char *path) { return axon_model_save(model("linear 2 3"), path); }

static void making(void) {
    const char *f = "axon_model_new";
    size_t i;
    int k;
    for (i = 0; i < sizeof specs / sizeof *specs; ++i) {
        CASE(f, specs[i].label, specs[i].expect) {
            axon_model *m = NULL;
            END(axon_model_new(&m, specs[i].spec, 1));
        }
    }
    CASE(f, "NULL out", X_INVAL) { END(axon_model_new(NULL, "linear 2 3", 1)); }
    CASE(f, "NULL spec", X_INVAL) {
        axon_model *m = NULL;
        END(axon_model_new(&m, NULL, 1));
    }
    CASE(f, "seed UINT64_MAX", X_OK) {
        axon_model *m = NULL;
        END(axon_model_new(&m, "linear 2 3", UINT64_MAX));
    }
    CASE(f, "100000 nested containers", X_ANY) {
        axon_model *m = NULL;
        END(axon_model_new(&m, nested(100000), 1));
    }
    CASE(f, "a spec of 10^6 layers", X_ANY) {
        size_t n = 1000000, j;
        char *s = (char *)malloc(6 * n + 1);
        axon_model *m = NULL;
        for (j = 0; j < n; ++j) memcpy(s + 6 * j, "relu; ", 6);
        s[6 * n] = 0;
        END(axon_model_new(&m, s, 1));
    }
    read_path_cases("axon_model_load", load_at, model_file, tensors_file, 1);
    CASE("axon_model_load", "NULL out", X_INVAL) { END(axon_model_load(NULL, model_file())); }
    write_path_cases("axon_model_save", save_at);
    for (k = 0; k < N_BAD; ++k) {
        CASE("axon_model_save", bad_label(k, "m"), X_INVAL) {
            END(axon_model_save((axon_model *)bad_handle(H_MODEL, k), "out.axon"));
        }
    }
    CASE("axon_model_free", "control", CONTROL_VOID) {
        size_t n = 1;
        axon_model_free(model("linear 2 3"));
        END_IF(axon_live_handles(&n, NULL) == AXON_OK && n == 0);
    }
    CASE("axon_model_free", "NULL", X_VOID) {
        axon_model_free(NULL);
        END_VOID();
    }
    CASE("axon_model_free", "twice", X_VOID) {
        axon_model *m = model("linear 2 3");
        axon_model_free(m);
        axon_model_free(m);
        END_VOID();
    }
    CASE("axon_model_free", "a tensor handle: not freed", X_VOID) {
        axon_tensor *t = vec(3);
        axon_model_free(AS_MODEL(t));
        END_IF(axon_tensor_numel(t) == 3);
    }
    CASE("axon_model_free", "foreign pointer", X_VOID) {
        axon_model_free((axon_model *)bad_handle(H_MODEL, BAD_FOREIGN));
        END_VOID();
    }
    CASE("axon_model_free", "100000 nested containers", X_VOID) {
        axon_model *m = NULL;
        if (axon_model_new(&m, nested(100000), 1) != AXON_OK) END_VOID();
        axon_model_free(m);
        END_VOID();
    }
}

static void forward(void) {
    const char *f = "axon_model_forward";
    int k;
    CASE(f, "control", CONTROL) {
        axon_model *m = model("linear 2 3");
        axon_tensor *r = NULL, *x = mat(4, 2);
        END(axon_model_forward(&r, m, x));
    }
    CASE(f, "NULL out", X_INVAL) {
        axon_model *m = model("linear 2 3");
        axon_tensor *x = mat(4, 2);
        END(axon_model_forward(NULL, m, x));
    }
    for (k = 0; k < N_BAD; ++k) {
        CASE(f, bad_label(k, "m"), X_INVAL) {
            axon_tensor *r = NULL, *x = mat(4, 2);
            END(axon_model_forward(&r, (axon_model *)bad_handle(H_MODEL, k), x));
        }
        CASE(f, bad_label(k, "x"), X_INVAL) {
            axon_model *m = model("linear 2 3");
            axon_tensor *r = NULL;
            END(axon_model_forward(&r, m, (axon_tensor *)bad_handle(H_TENSOR, k)));
        }
    }
    CASE(f, "x of 5 features for linear 2 3", X_SHAPE) {
        axon_model *m = model("linear 2 3");
        axon_tensor *r = NULL, *x = mat(4, 5);
        END(axon_model_forward(&r, m, x));
    }
    CASE(f, "x of rank 0", X_SHAPE) {
        axon_model *m = model("linear 2 3");
        axon_tensor *r = NULL, *x = scalar(1);
        END(axon_model_forward(&r, m, x));
    }
    CASE(f, "an image smaller than the kernel", X_SHAPE) {
        int64_t s[4] = {1, 1, 2, 2};
        axon_model *m = model("conv2d 1 1 3");
        axon_tensor *r = NULL, *x = tensor_shape(s, 4, 0);
        END(axon_model_forward(&r, m, x));
    }
    CASE(f, "softmax axis 99", X_INVAL | X_SHAPE) {
        axon_model *m = model("softmax 99");
        axon_tensor *r = NULL, *x = mat(2, 2);
        END(axon_model_forward(&r, m, x));
    }
    CASE(f, "an empty batch [0, 2]", X_OK) {
        axon_model *m = model("linear 2 3");
        axon_tensor *r = NULL, *x = mat(0, 2);
        END(axon_model_forward(&r, m, x));
    }
    CASE(f, "batchnorm1d in training on one sample", X_ANY) {
        axon_model *m = model("batchnorm1d 2");
        axon_tensor *r = NULL, *x = mat(1, 2);
        END(axon_model_forward(&r, m, x));
    }
    CASE(f, "batchnorm1d in training on an empty batch", X_ANY) {
        axon_model *m = model("batchnorm1d 2");
        axon_tensor *r = NULL, *x = mat(0, 2);
        END(axon_model_forward(&r, m, x));
    }
    CASE(f, "zero-size huge through flatten (2^80 features)", X_HUGE) {
        axon_model *m = model("flatten");
        axon_tensor *r = NULL, *z = huge_empty();
        END(axon_model_forward(&r, m, z));
    }
    CASE(f, "zero-size huge through relu", X_OK | X_HUGE) {
        axon_model *m = model("relu");
        axon_tensor *r = NULL, *z = huge_empty();
        END(axon_model_forward(&r, m, z));
    }
    CASE(f, "zero-size huge through linear 2 3", X_SHAPE) {
        axon_model *m = model("linear 2 3");
        axon_tensor *r = NULL, *z = huge_empty();
        END(axon_model_forward(&r, m, z));
    }
    CASE(f, "[0, 2^62, 4] through flatten (overflows)", X_HUGE) {
        int64_t s[3] = {0, P62, 4};
        axon_model *m = model("flatten");
        axon_tensor *r = NULL, *z = empty_shape(s, 3);
        END(axon_model_forward(&r, m, z));
    }
    CASE(f, "a 100000-deep model", X_ANY) {
        axon_model *m = NULL;
        axon_tensor *r = NULL, *x = mat(2, 2);
        if (axon_model_new(&m, nested(100000), 1) != AXON_OK) END(AXON_OK);
        END(axon_model_forward(&r, m, x));
    }
}

/* The functions that take only a model and return a size or a flag. */
static void counts(void) {
    static const char *const names[5] = {"axon_model_is_training", "axon_model_parameter_count",
                                         "axon_model_state_count", "axon_model_parameter_count_tensors",
                                         "axon_model_child_count"};
    int i, k;
    for (i = 0; i < 5; ++i) {
#define COUNT(m)                                                                              \
    (i == 0 ? (size_t)axon_model_is_training(m) : i == 1 ? axon_model_parameter_count(m)      \
     : i == 2 ? axon_model_state_count(m) : i == 3 ? axon_model_parameter_count_tensors(m)   \
              : axon_model_child_count(m))
        CASE(names[i], "control: linear 2 3; batchnorm1d 3", CONTROL_VOID) {
            static const size_t want[5] = {1, 15, 7, 4, 2};
            axon_model *m = model("linear 2 3; batchnorm1d 3");
            END_IF(COUNT(m) == want[i]);
        }
        for (k = 0; k < N_BAD; ++k) {
            CASE(names[i], bad_label(k, "m: 0"), X_VOID) { END_IF(COUNT((axon_model *)bad_handle(H_MODEL, k)) == 0); }
        }
#undef COUNT
    }
    CASE("axon_model_train", "control", CONTROL) {
        axon_model *m = model("linear 2 3");
        axon_status st = axon_model_train(m, 0);
        END_CHECKED(st, axon_model_is_training(m) == 0);
    }
    CASE("axon_model_train", "-1 (non-zero: training)", X_OK) {
        axon_model *m = model("linear 2 3");
        axon_status st = axon_model_train(m, 0);
        if (st == AXON_OK) st = axon_model_train(m, -1);
        END_CHECKED(st, axon_model_is_training(m) == 1);
    }
    for (k = 0; k < N_BAD; ++k) {
        CASE("axon_model_train", bad_label(k, "m"), X_INVAL) {
            END(axon_model_train((axon_model *)bad_handle(H_MODEL, k), 1));
        }
    }
}

/* The functions that write text as axon_model_spec does; `which` picks one. */
static axon_status text(int which, const axon_model *m, size_t i, char *out, size_t cap, size_t *len) {
    switch (which) {
    case 0: return axon_model_spec(m, out, cap, len);
    case 1: return axon_model_state_name(m, i, out, cap, len);
    case 2: return axon_model_parameter_name(m, i, out, cap, len);
    case 3: return axon_model_child_name(m, i, out, cap, len);
    default: return axon_model_kind(m, out, cap, len);
    }
}

static void texts(void) {
    static const char *const names[5] = {"axon_model_spec", "axon_model_state_name", "axon_model_parameter_name",
                                         "axon_model_child_name", "axon_model_kind"};
    static const size_t bad_index[3] = {4, 1000, SZ_NEG};
    char label[64];
    int w, k, j;
    for (w = 0; w < 5; ++w) {
        const char *f = names[w];
        int indexed = w >= 1 && w <= 3;
        CASE(f, "control", CONTROL) {
            char buf[256];
            size_t n = 0;
            axon_model *m = model("linear 2 3; relu");
            axon_status st = text(w, m, 0, buf, sizeof buf, &n);
            END_CHECKED(st, n > 0 && strlen(buf) == n);
        }
        CASE(f, "control: the length only (NULL, 0)", CONTROL) {
            size_t n = 0;
            axon_model *m = model("linear 2 3; relu");
            axon_status st = text(w, m, 0, NULL, 0, &n);
            END_CHECKED(st, n > 0);
        }
        CASE(f, "capacity 1: only a NUL", X_OK) {
            char buf[4] = "xyz";
            axon_model *m = model("linear 2 3; relu");
            axon_status st = text(w, m, 0, buf, 1, NULL);
            END_CHECKED(st, buf[0] == 0 && buf[1] == 'y');
        }
        for (k = 0; k < N_BAD; ++k) {
            CASE(f, bad_label(k, "m"), X_INVAL) {
                char buf[64];
                END(text(w, (axon_model *)bad_handle(H_MODEL, k), 0, buf, sizeof buf, NULL));
            }
        }
        CASE(f, "NULL out, capacity 10", X_INVAL) {
            axon_model *m = model("linear 2 3; relu");
            END(text(w, m, 0, NULL, 10, NULL));
        }
        CASE(f, "NULL out, capacity SIZE_MAX", X_INVAL) {
            axon_model *m = model("linear 2 3; relu");
            END(text(w, m, 0, NULL, SZ_NEG, NULL));
        }
        if (!indexed) continue;
        for (j = 0; j < 3; ++j) {
            snprintf(label, sizeof label, "index %zu", bad_index[j]);
            CASE(f, label, X_INVAL) {
                char buf[64];
                axon_model *m = model("linear 2 3; relu");
                END(text(w, m, bad_index[j], buf, sizeof buf, NULL));
            }
        }
        CASE(f, "a leaf layer, index 0", w == 3 ? X_INVAL : X_OK) {
            char buf[64];
            axon_model *m = model("linear 2 3");
            END(text(w, m, 0, buf, sizeof buf, NULL));
        }
    }
    CASE("axon_model_spec", "a model of a layer shared twice", X_ANY) {
        char buf[256];
        axon_model *l = model("linear 2 2"), *m = NULL, *ls[2];
        ls[0] = ls[1] = l;
        if (axon_model_sequential(&m, ls, 2) != AXON_OK) setup_fail("sequential");
        END(axon_model_spec(m, buf, sizeof buf, NULL));
    }
}

static void state(void) {
    static const char *const names[2] = {"axon_model_state_tensor", "axon_model_parameter"};
    static const size_t bad_index[3] = {4, 1000, SZ_NEG};
    char label[64];
    int w, k, j;
    for (w = 0; w < 2; ++w) {
        const char *f = names[w];
#define GET(out, m, i) (w == 0 ? axon_model_state_tensor((out), (m), (i)) : axon_model_parameter((out), (m), (i)))
        CASE(f, "control", CONTROL) {
            axon_tensor *t = NULL;
            END(GET(&t, model("linear 2 3"), 1));
        }
        CASE(f, "NULL out", X_INVAL) { END(GET(NULL, model("linear 2 3"), 0)); }
        for (k = 0; k < N_BAD; ++k) {
            CASE(f, bad_label(k, "m"), X_INVAL) {
                axon_tensor *t = NULL;
                END(GET(&t, (axon_model *)bad_handle(H_MODEL, k), 0));
            }
        }
        for (j = 0; j < 3; ++j) {
            snprintf(label, sizeof label, "index %zu", bad_index[j]);
            CASE(f, label, X_INVAL) {
                axon_tensor *t = NULL;
                END(GET(&t, model("linear 2 3"), bad_index[j]));
            }
        }
        CASE(f, "a layer without state, index 0", X_INVAL) {
            axon_tensor *t = NULL;
            END(GET(&t, model("relu"), 0));
        }
#undef GET
    }
}

void cases_model(void) {
    making();
    forward();
    counts();
    texts();
    state();
}
