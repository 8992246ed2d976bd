/*
** cases_model_tree.c - children, submodules, sequential from existing layers, and
** axon_model_load_state.
*/
#include "harness.h"

static void tree(void) {
    static const size_t bad_index[3] = {2, 1000, SZ_NEG};
    static const char *const bad_paths[] = {"99", "0.body.x", ".", "..", "0.", ".0", "0..0", "-1", "0x0", " 0",
                                            "0\xff", "\xc0\xaf", "body"};
    char label[64];
    size_t j;
    int k;
    const char *f = "axon_model_child";
    CASE(f, "control", CONTROL) {
        axon_model *c = NULL;
        END(axon_model_child(&c, model("linear 2 3; relu"), 1));
    }
    CASE(f, "NULL out", X_INVAL) { END(axon_model_child(NULL, model("linear 2 3; relu"), 0)); }
    for (k = 0; k < N_BAD; ++k) {
        CASE(f, bad_label(k, "m"), X_INVAL) {
            axon_model *c = NULL;
            END(axon_model_child(&c, (axon_model *)bad_handle(H_MODEL, k), 0));
        }
    }
    for (j = 0; j < 3; ++j) {
        snprintf(label, sizeof label, "index %zu", bad_index[j]);
        CASE(f, label, X_INVAL) {
            axon_model *c = NULL;
            END(axon_model_child(&c, model("linear 2 3; relu"), bad_index[j]));
        }
    }
    CASE(f, "a leaf, index 0", X_INVAL) {
        axon_model *c = NULL;
        END(axon_model_child(&c, model("linear 2 3"), 0));
    }
    f = "axon_model_submodule";
    CASE(f, "control", CONTROL) {
        axon_model *c = NULL;
        END(axon_model_submodule(&c, model("linear 2 2; residual { linear 2 2 }"), "1.body"));
    }
    CASE(f, "control: \"\" is the model itself", CONTROL) {
        axon_model *c = NULL;
        END(axon_model_submodule(&c, model("linear 2 3"), ""));
    }
    CASE(f, "NULL out", X_INVAL) { END(axon_model_submodule(NULL, model("linear 2 3; relu"), "0")); }
    CASE(f, "NULL path", X_INVAL) {
        axon_model *c = NULL;
        END(axon_model_submodule(&c, model("linear 2 3; relu"), NULL));
    }
    for (k = 0; k < N_BAD; ++k) {
        CASE(f, bad_label(k, "m"), X_INVAL) {
            axon_model *c = NULL;
            END(axon_model_submodule(&c, (axon_model *)bad_handle(H_MODEL, k), "0"));
        }
    }
    for (j = 0; j < sizeof bad_paths / sizeof *bad_paths; ++j) {
        snprintf(label, sizeof label, "path #%zu (not a child: \"99\", \".\", \"0.\", non-UTF-8, ...)", j);
        CASE(f, label, X_INVAL) {
            axon_model *c = NULL;
            END(axon_model_submodule(&c, model("linear 2 2; residual { linear 2 2 }"), bad_paths[j]));
        }
    }
    CASE(f, "a path of 100000 \"0.\"", X_INVAL) {
        size_t n = 100000, i;
        char *p = (char *)malloc(2 * n + 2);
        axon_model *c = NULL;
        for (i = 0; i < n; ++i) memcpy(p + 2 * i, "0.", 2);
        p[2 * n] = '0';
        p[2 * n + 1] = 0;
        END(axon_model_submodule(&c, model("linear 2 3; relu"), p));
    }
    f = "axon_model_sequential";
    CASE(f, "control", CONTROL) {
        axon_model *m = NULL, *ls[2];
        ls[0] = model("linear 2 3");
        ls[1] = model("relu");
        END(axon_model_sequential(&m, ls, 2));
    }
    CASE(f, "NULL out", X_INVAL) {
        axon_model *ls[1];
        ls[0] = model("relu");
        END(axon_model_sequential(NULL, ls, 1));
    }
    CASE(f, "NULL layers, n 2", X_INVAL) {
        axon_model *m = NULL;
        END(axon_model_sequential(&m, NULL, 2));
    }
    CASE(f, "n SIZE_MAX", X_INVAL) {
        axon_model *m = NULL, *ls[1];
        ls[0] = model("relu");
        END(axon_model_sequential(&m, ls, SZ_NEG));
    }
    CASE(f, "n 0: an empty sequential", X_OK | X_INVAL) {
        axon_model *m = NULL;
        END(axon_model_sequential(&m, NULL, 0));
    }
    for (k = 0; k < N_BAD; ++k) {
        CASE(f, bad_label(k, "layers[1]"), X_INVAL) {
            axon_model *m = NULL, *ls[2];
            ls[0] = model("relu");
            ls[1] = (axon_model *)bad_handle(H_MODEL, k);
            END(axon_model_sequential(&m, ls, 2));
        }
    }
    CASE(f, "a model inside itself, then forward", X_ANY) {
        axon_model *a = model("linear 2 2"), *m = NULL, *outer = NULL, *ls[2];
        axon_tensor *r = NULL, *x = mat(1, 2);
        ls[0] = a;
        ls[1] = a;
        if (axon_model_sequential(&m, ls, 2) != AXON_OK) setup_fail("sequential");
        ls[0] = m;
        ls[1] = m;
        if (axon_model_sequential(&outer, ls, 2) != AXON_OK) END(AXON_OK);
        END(axon_model_forward(&r, outer, x));
    }
}

static void load_state(void) {
    const char *f = "axon_model_load_state";
    static const char *const names[2] = {"weight", "bias"};
    int k;
#define PARAMS(m, ts) ((ts)[0] = param0(m), axon_model_parameter(&(ts)[1], (m), 1))
    CASE(f, "control: strict", CONTROL) {
        axon_model *m = model("linear 2 3");
        axon_tensor *ts[2];
        PARAMS(m, ts);
        END(axon_model_load_state(m, names, ts, 2, 1));
    }
    CASE(f, "control: nothing, not strict", CONTROL) {
        END(axon_model_load_state(model("linear 2 3"), NULL, NULL, 0, 0));
    }
    for (k = 0; k < N_BAD; ++k) {
        CASE(f, bad_label(k, "m"), X_INVAL) {
            axon_model *m = model("linear 2 3");
            axon_tensor *ts[2];
            PARAMS(m, ts);
            END(axon_model_load_state((axon_model *)bad_handle(H_MODEL, k), names, ts, 2, 1));
        }
        CASE(f, bad_label(k, "tensors[1]"), X_INVAL) {
            axon_model *m = model("linear 2 3");
            axon_tensor *ts[2];
            PARAMS(m, ts);
            ts[1] = (axon_tensor *)bad_handle(H_TENSOR, k);
            END(axon_model_load_state(m, names, ts, 2, 0));
        }
    }
    CASE(f, "NULL names, count 2", X_INVAL) {
        axon_model *m = model("linear 2 3");
        axon_tensor *ts[2];
        PARAMS(m, ts);
        END(axon_model_load_state(m, NULL, ts, 2, 0));
    }
    CASE(f, "NULL tensors, count 2", X_INVAL) { END(axon_model_load_state(model("linear 2 3"), names, NULL, 2, 0)); }
    CASE(f, "names[1] NULL", X_INVAL) {
        axon_model *m = model("linear 2 3");
        axon_tensor *ts[2];
        const char *ns[2] = {"weight", NULL};
        PARAMS(m, ts);
        END(axon_model_load_state(m, ns, ts, 2, 0));
    }
    CASE(f, "count SIZE_MAX", X_INVAL) {
        axon_model *m = model("linear 2 3");
        axon_tensor *ts[2];
        PARAMS(m, ts);
        END(axon_model_load_state(m, names, ts, SZ_NEG, 0));
    }
    CASE(f, "a tensor of another shape", X_SHAPE) {
        axon_model *m = model("linear 2 3");
        axon_tensor *ts[2];
        PARAMS(m, ts);
        ts[1] = vec(4);
        END(axon_model_load_state(m, names, ts, 2, 0));
    }
    CASE(f, "a zero-size huge tensor", X_SHAPE) {
        axon_model *m = model("linear 2 3");
        axon_tensor *ts[2];
        PARAMS(m, ts);
        ts[1] = huge_empty();
        END(axon_model_load_state(m, names, ts, 2, 0));
    }
    CASE(f, "strict, a name missing", X_INVAL) {
        axon_model *m = model("linear 2 3");
        axon_tensor *ts[2];
        PARAMS(m, ts);
        END(axon_model_load_state(m, names, ts, 1, 1));
    }
    CASE(f, "strict, an unknown name", X_INVAL) {
        axon_model *m = model("linear 2 3");
        axon_tensor *ts[2];
        const char *ns[2] = {"weight", "bogus"};
        PARAMS(m, ts);
        END(axon_model_load_state(m, ns, ts, 2, 1));
    }
    CASE(f, "strict -1 (non-zero), an unknown name", X_INVAL) {
        axon_model *m = model("linear 2 3");
        axon_tensor *ts[2];
        const char *ns[2] = {"weight", "bogus"};
        PARAMS(m, ts);
        END(axon_model_load_state(m, ns, ts, 2, -1));
    }
    CASE(f, "strict, a non-UTF-8 name", X_INVAL) {
        axon_model *m = model("linear 2 3");
        axon_tensor *ts[2];
        const char *ns[2] = {"weight", "bias\xff"};
        PARAMS(m, ts);
        END(axon_model_load_state(m, ns, ts, 2, 1));
    }
    CASE(f, "not strict, an unknown name: ignored", X_OK) {
        axon_model *m = model("linear 2 3");
        axon_tensor *ts[2];
        const char *ns[2] = {"weight", "bogus"};
        PARAMS(m, ts);
        ts[1] = vec(7);
        END(axon_model_load_state(m, ns, ts, 2, 0));
    }
    CASE(f, "a name given twice", X_ANY) {
        axon_model *m = model("linear 2 3");
        axon_tensor *ts[2];
        const char *ns[2] = {"weight", "weight"};
        PARAMS(m, ts);
        ts[1] = ts[0];
        END(axon_model_load_state(m, ns, ts, 2, 1));
    }
#undef PARAMS
}

void cases_model_tree(void) {
    tree();
    load_state();
}
