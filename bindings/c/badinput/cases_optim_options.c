/*
** cases_optim_options.c - parameter groups and options by name: add_param_group, get_option,
** set_option.
*/
#include "harness.h"

/* An optimizer of `kind` over a [2] leaf that has taken one step. */
static axon_optimizer *stepped(const char *kind) {
    axon_tensor *x = NULL, *s = rg_loss(&x);
    axon_optimizer *o = opt_of(kind, x, NULL, 0);
    if (axon_tensor_backward(s) != AXON_OK || axon_optimizer_step(o) != AXON_OK) setup_fail("a step");
    return o;
}

static void groups(void) {
    const char *f = "axon_optimizer_add_param_group";
    static const char *const keys[] = {"lr", "lr", "momentum", "bogus", "lr\xff", "nesterov"};
    static const double vals[] = {NAN, -1, -1, 1, 0.1, 2};
    static const char *const labels[] = {"lr NaN", "lr -1", "momentum -1", "an unknown key", "a non-UTF-8 key",
                                         "nesterov 2"};
    size_t i;
    int k;
    CASE(f, "control", CONTROL) {
        axon_optimizer *o = sgd_over(vec_rg(2));
        axon_tensor *p = vec_rg(3);
        const char *key = "lr";
        double v = 0.01;
        axon_status st = axon_optimizer_add_param_group(o, &p, 1, &key, &v, 1);
        END_CHECKED(st, axon_optimizer_group_count(o) == 2);
    }
    for (k = 0; k < N_BAD; ++k) {
        CASE(f, bad_label(k, "opt"), X_INVAL) {
            axon_tensor *p = vec_rg(3);
            END(axon_optimizer_add_param_group((axon_optimizer *)bad_handle(H_OPT, k), &p, 1, NULL, NULL, 0));
        }
        CASE(f, bad_label(k, "params[0]"), X_INVAL) {
            axon_optimizer *o = sgd_over(vec_rg(2));
            axon_tensor *p = (axon_tensor *)bad_handle(H_TENSOR, k);
            END(axon_optimizer_add_param_group(o, &p, 1, NULL, NULL, 0));
        }
    }
    CASE(f, "NULL params, n 1", X_INVAL) {
        END(axon_optimizer_add_param_group(sgd_over(vec_rg(2)), NULL, 1, NULL, NULL, 0));
    }
    CASE(f, "n SIZE_MAX", X_INVAL) {
        axon_optimizer *o = sgd_over(vec_rg(2));
        axon_tensor *p = vec_rg(3);
        END(axon_optimizer_add_param_group(o, &p, SZ_NEG, NULL, NULL, 0));
    }
    CASE(f, "n_options SIZE_MAX", X_INVAL) {
        axon_optimizer *o = sgd_over(vec_rg(2));
        axon_tensor *p = vec_rg(3);
        const char *key = "lr";
        double v = 0.01;
        END(axon_optimizer_add_param_group(o, &p, 1, &key, &v, SZ_NEG));
    }
    CASE(f, "an empty group", X_ANY) {
        END(axon_optimizer_add_param_group(sgd_over(vec_rg(2)), NULL, 0, NULL, NULL, 0));
    }
    CASE(f, "a parameter already in a group", X_INVAL) {
        axon_tensor *p = vec_rg(2);
        axon_optimizer *o = sgd_over(p);
        END(axon_optimizer_add_param_group(o, &p, 1, NULL, NULL, 0));
    }
    CASE(f, "an L-BFGS optimizer", X_INVAL) {
        axon_optimizer *o = opt_of("lbfgs", vec_rg(2), NULL, 0);
        axon_tensor *p = vec_rg(3);
        END(axon_optimizer_add_param_group(o, &p, 1, NULL, NULL, 0));
    }
    for (i = 0; i < sizeof keys / sizeof *keys; ++i) {
        CASE(f, labels[i], X_INVAL) {
            axon_optimizer *o = sgd_over(vec_rg(2));
            axon_tensor *p = vec_rg(3);
            axon_status st = axon_optimizer_add_param_group(o, &p, 1, &keys[i], &vals[i], 1);
            END(st == AXON_ERR_INVALID_ARGUMENT && axon_optimizer_group_count(o) != 1 ? R_BADVAL : st);
        }
    }
}

static void options(void) {
    static const char *const bad_keys[] = {"", "bogus", "LR", "lr ", "lr\xff", "beta1"};
    static const size_t bad_groups[] = {1, 1000, SZ_NEG};
    typedef struct { const char *kind, *key; double value; unsigned expect; } set_case;
    static const set_case sets[] = {
        {"sgd", "lr", NAN, X_INVAL}, {"sgd", "lr", -1, X_INVAL}, {"sgd", "lr", INFINITY, X_INVAL},
        {"sgd", "momentum", NAN, X_INVAL}, {"sgd", "momentum", -0.5, X_INVAL}, {"sgd", "nesterov", 2, X_INVAL},
        {"sgd", "nesterov", -1, X_INVAL}, {"sgd", "weight_decay", -1, X_INVAL}, {"adam", "amsgrad", -1, X_INVAL},
        {"adam", "beta1", 1, X_INVAL}, {"adam", "eps", NAN, X_INVAL}, {"rmsprop", "centered", 0.5, X_INVAL},
        {"rmsprop", "alpha", -1, X_INVAL}, {"adadelta", "rho", 2, X_INVAL}, {"adagrad", "lr_decay", NAN, X_INVAL},
        {"nadam", "momentum_decay", -1, X_INVAL}, {"lbfgs", "max_iter", 0, X_INVAL},
        {"lbfgs", "max_iter", 1e300, X_INVAL | X_OK}, {"lbfgs", "history_size", -1, X_INVAL},
        {"lbfgs", "strong_wolfe", 3, X_INVAL}, {"lbfgs", "tolerance_grad", NAN, X_INVAL},
    };
    typedef struct { const char *kind, *key; double value; } stepped_case;
    static const stepped_case after_step[] = {
        {"adam", "amsgrad", 1}, {"rmsprop", "centered", 1}, {"rmsprop", "momentum", 0.9},
    };
    char label[96];
    size_t i;
    int k;
    CASE("axon_optimizer_get_option", "control", CONTROL) {
        double v = 0;
        axon_status st = axon_optimizer_get_option(&v, sgd_over(vec_rg(2)), 0, "lr");
        END_CHECKED(st, v == 0.1);
    }
    CASE("axon_optimizer_get_option", "weight_decay (0 when none)", X_OK) {
        double v = 1;
        axon_status st = axon_optimizer_get_option(&v, sgd_over(vec_rg(2)), 0, "weight_decay");
        END_CHECKED(st, v == 0);
    }
    CASE("axon_optimizer_get_option", "NULL out", X_INVAL) {
        END(axon_optimizer_get_option(NULL, sgd_over(vec_rg(2)), 0, "lr"));
    }
    CASE("axon_optimizer_get_option", "NULL key", X_INVAL) {
        double v;
        END(axon_optimizer_get_option(&v, sgd_over(vec_rg(2)), 0, NULL));
    }
    CASE("axon_optimizer_set_option", "control", CONTROL) {
        double v = 0;
        axon_optimizer *o = sgd_over(vec_rg(2));
        axon_status st = axon_optimizer_set_option(o, 0, "momentum", 0.9);
        END_CHECKED(st, axon_optimizer_get_option(&v, o, 0, "momentum") == AXON_OK && v == 0.9);
    }
    CASE("axon_optimizer_set_option", "NULL key", X_INVAL) {
        END(axon_optimizer_set_option(sgd_over(vec_rg(2)), 0, NULL, 1));
    }
    for (k = 0; k < N_BAD; ++k) {
        CASE("axon_optimizer_get_option", bad_label(k, "opt"), X_INVAL) {
            double v;
            END(axon_optimizer_get_option(&v, (axon_optimizer *)bad_handle(H_OPT, k), 0, "lr"));
        }
        CASE("axon_optimizer_set_option", bad_label(k, "opt"), X_INVAL) {
            END(axon_optimizer_set_option((axon_optimizer *)bad_handle(H_OPT, k), 0, "lr", 0.1));
        }
    }
    for (i = 0; i < sizeof bad_keys / sizeof *bad_keys; ++i) {
        snprintf(label, sizeof label, "unknown key #%zu (empty, bogus, case, space, non-UTF-8, another kind's)", i);
        CASE("axon_optimizer_get_option", label, X_INVAL) {
            double v;
            END(axon_optimizer_get_option(&v, sgd_over(vec_rg(2)), 0, bad_keys[i]));
        }
        CASE("axon_optimizer_set_option", label, X_INVAL) {
            END(axon_optimizer_set_option(sgd_over(vec_rg(2)), 0, bad_keys[i], 0.1));
        }
    }
    for (i = 0; i < sizeof bad_groups / sizeof *bad_groups; ++i) {
        snprintf(label, sizeof label, "group %zu", bad_groups[i]);
        CASE("axon_optimizer_get_option", label, X_INVAL) {
            double v;
            END(axon_optimizer_get_option(&v, sgd_over(vec_rg(2)), bad_groups[i], "lr"));
        }
        CASE("axon_optimizer_set_option", label, X_INVAL) {
            END(axon_optimizer_set_option(sgd_over(vec_rg(2)), bad_groups[i], "lr", 0.1));
        }
    }
    for (i = 0; i < sizeof sets / sizeof *sets; ++i) {
        snprintf(label, sizeof label, "%s %s = %g, unchanged after", sets[i].kind, sets[i].key, sets[i].value);
        CASE("axon_optimizer_set_option", label, sets[i].expect) {
            double before = -7, after = -8;
            axon_optimizer *o = opt_of(sets[i].kind, vec_rg(2), NULL, 0);
            axon_status st;
            axon_optimizer_get_option(&before, o, 0, sets[i].key);
            st = axon_optimizer_set_option(o, 0, sets[i].key, sets[i].value);
            axon_optimizer_get_option(&after, o, 0, sets[i].key);
            END(st != AXON_OK && before != after ? R_BADVAL : st);
        }
    }
    for (i = 0; i < sizeof after_step / sizeof *after_step; ++i) {
        snprintf(label, sizeof label, "%s %s switched after a step", after_step[i].kind, after_step[i].key);
        CASE("axon_optimizer_set_option", label, X_STATE) {
            END(axon_optimizer_set_option(stepped(after_step[i].kind), 0, after_step[i].key, after_step[i].value));
        }
    }
}

void cases_optim_options(void) {
    groups();
    options();
}
