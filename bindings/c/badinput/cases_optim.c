/*
** cases_optim.c - optimizers: new (every kind and bad option values), free, step, zero_grad,
** the group count, learning rates, L-BFGS and closure steps.
*/
#include "harness.h"

typedef struct { const char *kind, *key; double value; unsigned expect; } option_case;

/* Bad values for each kind; a value out of its domain is AXON_ERR_INVALID_ARGUMENT. */
static const option_case options[] = {
    {"sgd", "lr", NAN, X_INVAL}, {"sgd", "lr", -1, X_INVAL}, {"sgd", "lr", INFINITY, X_INVAL},
    {"sgd", "momentum", NAN, X_INVAL}, {"sgd", "momentum", -1, X_INVAL},
    {"sgd", "dampening", NAN, X_INVAL}, {"sgd", "nesterov", 2, X_INVAL}, {"sgd", "nesterov", -1, X_INVAL},
    {"sgd", "nesterov", 0.5, X_INVAL}, {"sgd", "weight_decay", NAN, X_INVAL}, {"sgd", "weight_decay", -1, X_INVAL},
    {"sgd", "beta1", 0.9, X_INVAL}, {"sgd", "LR", 0.1, X_INVAL}, {"sgd", "", 0.1, X_INVAL},
    {"sgd", "lr\xff", 0.1, X_INVAL}, {"sgd", "lr ", 0.1, X_INVAL},
    {"adagrad", "lr_decay", -1, X_INVAL}, {"adagrad", "initial_accumulator_value", -1, X_INVAL},
    {"adagrad", "eps", NAN, X_INVAL}, {"adagrad", "eps", -1, X_INVAL},
    {"rmsprop", "alpha", -1, X_INVAL}, {"rmsprop", "alpha", NAN, X_INVAL}, {"rmsprop", "eps", -1, X_INVAL},
    {"rmsprop", "momentum", -1, X_INVAL}, {"rmsprop", "centered", 2, X_INVAL}, {"rmsprop", "centered", -1, X_INVAL},
    {"adadelta", "rho", 1.5, X_INVAL}, {"adadelta", "rho", NAN, X_INVAL}, {"adadelta", "rho", -0.5, X_INVAL},
    {"adadelta", "eps", INFINITY, X_INVAL},
    {"adam", "beta1", 1, X_INVAL}, {"adam", "beta1", -0.1, X_INVAL}, {"adam", "beta2", NAN, X_INVAL},
    {"adam", "beta2", 1.5, X_INVAL}, {"adam", "eps", -1, X_INVAL}, {"adam", "eps", NAN, X_INVAL},
    {"adam", "amsgrad", 2, X_INVAL}, {"adam", "amsgrad", -1, X_INVAL}, {"adam", "weight_decay", -INFINITY, X_INVAL},
    {"adamw", "beta1", NAN, X_INVAL}, {"adamw", "weight_decay", NAN, X_INVAL}, {"adamw", "amsgrad", 0.5, X_INVAL},
    {"adamax", "beta1", 1, X_INVAL}, {"adamax", "eps", -1, X_INVAL}, {"adamax", "lr", -0.1, X_INVAL},
    {"nadam", "momentum_decay", -1, X_INVAL}, {"nadam", "momentum_decay", NAN, X_INVAL},
    {"nadam", "beta2", 1, X_INVAL},
    {"lbfgs", "max_iter", 0, X_INVAL}, {"lbfgs", "max_iter", -1, X_INVAL}, {"lbfgs", "max_iter", 1.5, X_INVAL},
    {"lbfgs", "max_iter", NAN, X_INVAL}, {"lbfgs", "max_iter", 1e300, X_INVAL | X_OK},
    {"lbfgs", "max_eval", 0, X_INVAL}, {"lbfgs", "tolerance_grad", -1, X_INVAL},
    {"lbfgs", "tolerance_change", NAN, X_INVAL}, {"lbfgs", "history_size", 0, X_INVAL},
    {"lbfgs", "history_size", -1, X_INVAL}, {"lbfgs", "history_size", 1e300, X_INVAL | X_OK},
    {"lbfgs", "strong_wolfe", 2, X_INVAL}, {"lbfgs", "lr", NAN, X_INVAL}, {"lbfgs", "momentum", 0.9, X_INVAL},
};

static void optimizer_new(void) {
    static const char *const kinds[] = {"sgd", "adagrad", "rmsprop", "adadelta", "adam", "adamw", "adamax", "nadam",
                                        "lbfgs"};
    static const char *const bad_kinds[] = {"", "sgdx", "sgd ", "sgd\xff", "\xc0\xaf", "sgd\n"};
    static const char *const bad_kind_labels[] = {"kind \"\"", "kind \"sgdx\"", "kind \"sgd \"",
                                                  "kind non-UTF-8 \"sgd\\xff\"", "kind overlong \"\\xc0\\xaf\"",
                                                  "kind \"sgd\\n\""};
    const char *f = "axon_optimizer_new";
    char label[128];
    size_t i;
    int k;
    for (i = 0; i < sizeof kinds / sizeof *kinds; ++i) {
        snprintf(label, sizeof label, "control: %s with defaults", kinds[i]);
        CASE(f, label, CONTROL) {
            axon_optimizer *o = NULL;
            axon_tensor *p = vec_rg(2);
            END(axon_optimizer_new(&o, kinds[i], &p, 1, NULL, NULL, 0));
        }
    }
    for (i = 0; i < sizeof options / sizeof *options; ++i) {
        snprintf(label, sizeof label, "%s %s = %g", options[i].kind, options[i].key, options[i].value);
        CASE(f, label, options[i].expect) {
            axon_optimizer *o = NULL;
            axon_tensor *p = vec_rg(2);
            END(axon_optimizer_new(&o, options[i].kind, &p, 1, &options[i].key, &options[i].value, 1));
        }
    }
    for (i = 0; i < sizeof bad_kinds / sizeof *bad_kinds; ++i) {
        CASE(f, bad_kind_labels[i], X_INVAL) {
            axon_optimizer *o = NULL;
            axon_tensor *p = vec_rg(2);
            END(axon_optimizer_new(&o, bad_kinds[i], &p, 1, NULL, NULL, 0));
        }
    }
    CASE(f, "kind \"SGD\" (upper case; the header does not say)", X_OK | X_INVAL) {
        axon_optimizer *o = NULL;
        axon_tensor *p = vec_rg(2);
        END(axon_optimizer_new(&o, "SGD", &p, 1, NULL, NULL, 0));
    }
    CASE(f, "NULL out", X_INVAL) {
        axon_tensor *p = vec_rg(2);
        END(axon_optimizer_new(NULL, "sgd", &p, 1, NULL, NULL, 0));
    }
    CASE(f, "NULL kind", X_INVAL) {
        axon_optimizer *o = NULL;
        axon_tensor *p = vec_rg(2);
        END(axon_optimizer_new(&o, NULL, &p, 1, NULL, NULL, 0));
    }
    CASE(f, "NULL params, n_params 1", X_INVAL) {
        axon_optimizer *o = NULL;
        END(axon_optimizer_new(&o, "sgd", NULL, 1, NULL, NULL, 0));
    }
    CASE(f, "n_params SIZE_MAX", X_INVAL) {
        axon_optimizer *o = NULL;
        axon_tensor *p = vec_rg(2);
        END(axon_optimizer_new(&o, "sgd", &p, SZ_NEG, NULL, NULL, 0));
    }
    CASE(f, "no parameters", X_ANY) {
        axon_optimizer *o = NULL;
        END(axon_optimizer_new(&o, "sgd", NULL, 0, NULL, NULL, 0));
    }
    for (k = 0; k < N_BAD; ++k) {
        CASE(f, bad_label(k, "params[1]"), X_INVAL) {
            axon_optimizer *o = NULL;
            axon_tensor *ps[2];
            ps[0] = vec_rg(2);
            ps[1] = (axon_tensor *)bad_handle(H_TENSOR, k);
            END(axon_optimizer_new(&o, "adam", ps, 2, NULL, NULL, 0));
        }
    }
    CASE(f, "the same parameter twice", X_ANY) {
        axon_optimizer *o = NULL;
        axon_tensor *ps[2];
        ps[0] = ps[1] = vec_rg(2);
        END(axon_optimizer_new(&o, "sgd", ps, 2, NULL, NULL, 0));
    }
    CASE(f, "NULL keys, n_options 1", X_INVAL) {
        axon_optimizer *o = NULL;
        axon_tensor *p = vec_rg(2);
        double v = 0.1;
        END(axon_optimizer_new(&o, "sgd", &p, 1, NULL, &v, 1));
    }
    CASE(f, "NULL values, n_options 1", X_INVAL) {
        axon_optimizer *o = NULL;
        axon_tensor *p = vec_rg(2);
        const char *key = "lr";
        END(axon_optimizer_new(&o, "sgd", &p, 1, &key, NULL, 1));
    }
    CASE(f, "keys[0] NULL", X_INVAL) {
        axon_optimizer *o = NULL;
        axon_tensor *p = vec_rg(2);
        const char *key = NULL;
        double v = 0.1;
        END(axon_optimizer_new(&o, "sgd", &p, 1, &key, &v, 1));
    }
    CASE(f, "a key given twice", X_INVAL) {
        axon_optimizer *o = NULL;
        axon_tensor *p = vec_rg(2);
        const char *keys[2] = {"lr", "lr"};
        double v[2] = {0.1, 0.2};
        END(axon_optimizer_new(&o, "sgd", &p, 1, keys, v, 2));
    }
    CASE(f, "n_options SIZE_MAX", X_INVAL) {
        axon_optimizer *o = NULL;
        axon_tensor *p = vec_rg(2);
        const char *key = "lr";
        double v = 0.1;
        END(axon_optimizer_new(&o, "sgd", &p, 1, &key, &v, SZ_NEG));
    }
    CASE(f, "a zero-size huge parameter", X_OK | X_HUGE) {
        axon_optimizer *o = NULL;
        axon_tensor *p = huge_empty();
        if (axon_tensor_set_requires_grad(p, 1) != AXON_OK) setup_fail("set_requires_grad");
        END(axon_optimizer_new(&o, "adam", &p, 1, NULL, NULL, 0));
    }
}

/* A closure for axon_optimizer_step_closure: zero_grad, sum(p * p), backward. */
typedef struct { axon_optimizer *opt; axon_tensor *p; int mode; int calls; } closure_state;

static float closure(void *user) {
    closure_state *c = (closure_state *)user;
    axon_tensor *sq = NULL, *s = NULL;
    float v = NAN;
    ++c->calls;
    if (c->mode == 1) return NAN;
    if (c->mode == 2) return INFINITY;
    if (c->mode == 3) {
        float inner;
        c->mode = 0;
        axon_optimizer_step_closure(&inner, c->opt, closure, user);
    }
    if (c->mode == 4 && c->calls > 2) return NAN;
    axon_optimizer_zero_grad(c->opt);
    if (axon_tensor_mul(&sq, c->p, c->p) != AXON_OK || axon_tensor_sum(&s, sq) != AXON_OK) return NAN;
    if (axon_tensor_backward(s) != AXON_OK || axon_tensor_copy_data(s, &v, 1) != AXON_OK) return NAN;
    axon_tensor_free(sq);
    axon_tensor_free(s);
    return v;
}

static void stepping(void) {
    static const char *const names[3] = {"axon_optimizer_step", "axon_optimizer_zero_grad",
                                         "axon_optimizer_group_count"};
    static const size_t bad_groups[3] = {1, 1000, SZ_NEG};
    static const double bad_lrs[4] = {NAN, -1, INFINITY, -INFINITY};
    char label[64];
    int i, k;
    for (i = 0; i < 3; ++i) {
        const char *f = names[i];
        CASE(f, "control: a parameter with a gradient", i == 2 ? CONTROL_VOID : CONTROL) {
            axon_tensor *x = NULL, *s = rg_loss(&x);
            axon_optimizer *o = sgd_over(x);
            if (axon_tensor_backward(s) != AXON_OK) setup_fail("backward");
            if (i == 2) END_IF(axon_optimizer_group_count(o) == 1);
            END(i == 0 ? axon_optimizer_step(o) : axon_optimizer_zero_grad(o));
        }
        for (k = 0; k < N_BAD; ++k) {
            CASE(f, bad_label(k, i == 2 ? "opt: 0" : "opt"), i == 2 ? X_VOID : X_INVAL) {
                axon_optimizer *o = (axon_optimizer *)bad_handle(H_OPT, k);
                if (i == 2) END_IF(axon_optimizer_group_count(o) == 0);
                END(i == 0 ? axon_optimizer_step(o) : axon_optimizer_zero_grad(o));
            }
        }
    }
    CASE("axon_optimizer_step", "no gradients: nothing to do", X_OK) { END(axon_optimizer_step(sgd_over(vec_rg(2)))); }
    CASE("axon_optimizer_step", "L-BFGS (needs a closure)", X_STATE) {
        END(axon_optimizer_step(opt_of("lbfgs", vec_rg(2), NULL, 0)));
    }
    CASE("axon_optimizer_step", "a NaN gradient", X_ANY) {
        static const float nan2[2] = {NAN, NAN};
        axon_tensor *x = vec_rg(2), *n = values(nan2, 2), *y = NULL, *s = NULL;
        axon_optimizer *o = opt_of("adam", x, NULL, 0);
        if (axon_tensor_mul(&y, x, n) != AXON_OK || axon_tensor_sum(&s, y) != AXON_OK) setup_fail("x * NaN");
        if (axon_tensor_backward(s) != AXON_OK) setup_fail("backward");
        END(axon_optimizer_step(o));
    }
    CASE("axon_optimizer_get_lr", "control", CONTROL) {
        double lr = 0;
        axon_status st = axon_optimizer_get_lr(&lr, sgd_over(vec_rg(2)), 0);
        END_CHECKED(st, lr == 0.1);
    }
    CASE("axon_optimizer_get_lr", "NULL out", X_INVAL) { END(axon_optimizer_get_lr(NULL, sgd_over(vec_rg(2)), 0)); }
    for (k = 0; k < N_BAD; ++k) {
        CASE("axon_optimizer_get_lr", bad_label(k, "opt"), X_INVAL) {
            double lr;
            END(axon_optimizer_get_lr(&lr, (axon_optimizer *)bad_handle(H_OPT, k), 0));
        }
        CASE("axon_optimizer_set_lr", bad_label(k, "opt"), X_INVAL) {
            END(axon_optimizer_set_lr((axon_optimizer *)bad_handle(H_OPT, k), 0, 0.1));
        }
    }
    for (i = 0; i < 3; ++i) {
        snprintf(label, sizeof label, "group %zu", bad_groups[i]);
        CASE("axon_optimizer_get_lr", label, X_INVAL) {
            double lr;
            END(axon_optimizer_get_lr(&lr, sgd_over(vec_rg(2)), bad_groups[i]));
        }
        CASE("axon_optimizer_set_lr", label, X_INVAL) {
            END(axon_optimizer_set_lr(sgd_over(vec_rg(2)), bad_groups[i], 1));
        }
    }
    CASE("axon_optimizer_set_lr", "control", CONTROL) { END(axon_optimizer_set_lr(sgd_over(vec_rg(2)), 0, 0.5)); }
    CASE("axon_optimizer_set_lr", "lr 0", X_OK) { END(axon_optimizer_set_lr(sgd_over(vec_rg(2)), 0, 0)); }
    for (i = 0; i < 4; ++i) {
        snprintf(label, sizeof label, "lr %g", bad_lrs[i]);
        CASE("axon_optimizer_set_lr", label, X_INVAL) {
            END(axon_optimizer_set_lr(sgd_over(vec_rg(2)), 0, bad_lrs[i]));
        }
    }
}

static void lbfgs_and_closures(void) {
    const char *f = "axon_optimizer_new_lbfgs";
    int k;
    size_t i;
    char label[96];
    CASE(f, "control", CONTROL) {
        axon_optimizer *o = NULL;
        axon_tensor *p = vec_rg(2);
        END(axon_optimizer_new_lbfgs(&o, &p, 1, NULL, NULL, 0));
    }
    CASE(f, "NULL out", X_INVAL) {
        axon_tensor *p = vec_rg(2);
        END(axon_optimizer_new_lbfgs(NULL, &p, 1, NULL, NULL, 0));
    }
    CASE(f, "NULL params, n 1", X_INVAL) {
        axon_optimizer *o = NULL;
        END(axon_optimizer_new_lbfgs(&o, NULL, 1, NULL, NULL, 0));
    }
    CASE(f, "n SIZE_MAX", X_INVAL) {
        axon_optimizer *o = NULL;
        axon_tensor *p = vec_rg(2);
        END(axon_optimizer_new_lbfgs(&o, &p, SZ_NEG, NULL, NULL, 0));
    }
    CASE(f, "n_options SIZE_MAX", X_INVAL) {
        axon_optimizer *o = NULL;
        axon_tensor *p = vec_rg(2);
        const char *key = "lr";
        double v = 1;
        END(axon_optimizer_new_lbfgs(&o, &p, 1, &key, &v, SZ_NEG));
    }
    for (k = 0; k < N_BAD; ++k) {
        CASE(f, bad_label(k, "params[0]"), X_INVAL) {
            axon_optimizer *o = NULL;
            axon_tensor *p = (axon_tensor *)bad_handle(H_TENSOR, k);
            END(axon_optimizer_new_lbfgs(&o, &p, 1, NULL, NULL, 0));
        }
    }
    for (i = 0; i < sizeof options / sizeof *options; ++i) {
        if (strcmp(options[i].kind, "lbfgs") != 0) continue;
        snprintf(label, sizeof label, "%s = %g", options[i].key, options[i].value);
        CASE(f, label, options[i].expect) {
            axon_optimizer *o = NULL;
            axon_tensor *p = vec_rg(2);
            END(axon_optimizer_new_lbfgs(&o, &p, 1, &options[i].key, &options[i].value, 1));
        }
    }
    f = "axon_optimizer_step_closure";
    for (i = 0; i < 2; ++i) {
        CASE(f, i == 0 ? "control: sgd" : "control: lbfgs", CONTROL) {
            closure_state c = {NULL, NULL, 0, 0};
            float loss;
            c.p = vec_rg(2);
            c.opt = i == 0 ? sgd_over(c.p) : opt_of("lbfgs", c.p, NULL, 0);
            END(axon_optimizer_step_closure(&loss, c.opt, closure, &c));
        }
        CASE(f, i == 0 ? "sgd: the closure returns NaN" : "lbfgs: the closure returns NaN", X_STATE) {
            closure_state c = {NULL, NULL, 1, 0};
            float loss;
            c.p = vec_rg(2);
            c.opt = i == 0 ? sgd_over(c.p) : opt_of("lbfgs", c.p, NULL, 0);
            END(axon_optimizer_step_closure(&loss, c.opt, closure, &c));
        }
        CASE(f, i == 0 ? "sgd: the closure returns Inf" : "lbfgs: the closure returns Inf", X_OK | X_STATE) {
            closure_state c = {NULL, NULL, 2, 0};
            float loss;
            c.p = vec_rg(2);
            c.opt = i == 0 ? sgd_over(c.p) : opt_of("lbfgs", c.p, NULL, 0);
            END(axon_optimizer_step_closure(&loss, c.opt, closure, &c));
        }
        CASE(f, i == 0 ? "sgd: the closure steps the optimizer again" : "lbfgs: the closure steps it again",
             X_STATE) {
            closure_state c = {NULL, NULL, 3, 0};
            float loss;
            c.p = vec_rg(2);
            c.opt = i == 0 ? sgd_over(c.p) : opt_of("lbfgs", c.p, NULL, 0);
            END(axon_optimizer_step_closure(&loss, c.opt, closure, &c));
        }
    }
    CASE(f, "lbfgs: NaN on the third call, parameters unchanged", X_STATE) {
        closure_state c = {NULL, NULL, 4, 0};
        float loss, v[2] = {0, 0};
        axon_status st;
        c.p = vec_rg(2);
        c.opt = opt_of("lbfgs", c.p, NULL, 0);
        st = axon_optimizer_step_closure(&loss, c.opt, closure, &c);
        axon_tensor_copy_data(c.p, v, 2);
        END(st == AXON_ERR_STATE && (v[0] != 1 || v[1] != 2) ? R_BADVAL : st);
    }
    CASE(f, "NULL out_loss", X_INVAL) {
        closure_state c = {NULL, NULL, 0, 0};
        c.p = vec_rg(2);
        c.opt = sgd_over(c.p);
        END(axon_optimizer_step_closure(NULL, c.opt, closure, &c));
    }
    CASE(f, "NULL closure", X_INVAL) {
        float loss;
        END(axon_optimizer_step_closure(&loss, sgd_over(vec_rg(2)), NULL, NULL));
    }
    for (k = 0; k < N_BAD; ++k) {
        CASE(f, bad_label(k, "opt"), X_INVAL) {
            closure_state c = {NULL, NULL, 0, 0};
            float loss;
            c.p = vec_rg(2);
            c.opt = sgd_over(c.p);
            END(axon_optimizer_step_closure(&loss, (axon_optimizer *)bad_handle(H_OPT, k), closure, &c));
        }
    }
    CASE("axon_optimizer_free", "control", CONTROL_VOID) {
        size_t n = 1;
        axon_tensor *p = vec_rg(2);
        axon_optimizer_free(sgd_over(p));
        axon_tensor_free(p);
        END_IF(axon_live_handles(&n, NULL) == AXON_OK && n == 0);
    }
    CASE("axon_optimizer_free", "NULL", X_VOID) {
        axon_optimizer_free(NULL);
        END_VOID();
    }
    CASE("axon_optimizer_free", "twice", X_VOID) {
        axon_optimizer *o = sgd_over(vec_rg(2));
        axon_optimizer_free(o);
        axon_optimizer_free(o);
        END_VOID();
    }
    CASE("axon_optimizer_free", "a tensor handle: not freed", X_VOID) {
        axon_tensor *t = vec(3);
        axon_optimizer_free(AS_OPT(t));
        END_IF(axon_tensor_numel(t) == 3);
    }
    CASE("axon_optimizer_free", "foreign pointer", X_VOID) {
        axon_optimizer_free((axon_optimizer *)bad_handle(H_OPT, BAD_FOREIGN));
        END_VOID();
    }
}

void cases_optim(void) {
    optimizer_new();
    stepping();
    lbfgs_and_closures();
}
