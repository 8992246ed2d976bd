/*
** cases_train.c - losses (with and without options), gradient clipping, train_step and fit.
*/
#include "harness.h"

static const char *const losses[9] = {"mse", "l1", "smooth_l1", "huber", "bce", "bce_with_logits",
                                      "cross_entropy", "nll", "kl_div"};

/* A valid input and target for loss `name`: [4, 3] (probabilities for bce, log-probabilities
   for nll and kl_div) and the matching target (class indices [4] for cross_entropy and nll). */
static void loss_inputs(const char *name, axon_tensor **input, axon_tensor **target) {
    static const float probs[12] = {0.2f, 0.3f, 0.5f, 0.1f, 0.1f, 0.8f, 0.6f, 0.2f, 0.2f, 0.3f, 0.3f, 0.4f};
    static const float bits[12] = {0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 0, 1};
    static const float classes[4] = {2, 2, 0, 1};
    int64_t s[2] = {4, 3};
    float logs[12];
    int i, indexed = strcmp(name, "cross_entropy") == 0 || strcmp(name, "nll") == 0;
    *input = *target = NULL;
    for (i = 0; i < 12; ++i) logs[i] = logf(probs[i]);
    if (axon_tensor_new(input, strcmp(name, "bce") == 0 ? probs : logs, 12, s, 2, 1) != AXON_OK) setup_fail("input");
    if (indexed) *target = values(classes, 4);
    else if (axon_tensor_new(target, strcmp(name, "kl_div") == 0 ? probs : bits, 12, s, 2, 0) != AXON_OK)
        setup_fail("target");
}

static void loss(void) {
    static const char *const bad_names[] = {"", "mse ", "msee", "mse\xff", "\xc0\xaf"};
    static const char *const name_labels[] = {"name \"\"", "name \"mse \"", "name \"msee\"",
                                              "name non-UTF-8 \"mse\\xff\"", "name overlong \"\\xc0\\xaf\""};
    static const char *const bad_reductions[] = {"", "avg", "mean\xff"};
    static const char *const reduction_labels[] = {"reduction \"\"", "reduction \"avg\"",
                                                   "reduction non-UTF-8 \"mean\\xff\""};
    char label[96];
    size_t i;
    int k;
    for (i = 0; i < 9; ++i) {
        snprintf(label, sizeof label, "control: %s", losses[i]);
        CASE("axon_loss", label, CONTROL) {
            axon_tensor *in, *tg, *r = NULL;
            loss_inputs(losses[i], &in, &tg);
            END(axon_loss(&r, losses[i], in, tg, NULL));
        }
        snprintf(label, sizeof label, "%s: a target of another shape", losses[i]);
        CASE("axon_loss", label, X_SHAPE) {
            axon_tensor *in, *tg, *r = NULL;
            loss_inputs(losses[i], &in, &tg);
            END(axon_loss(&r, losses[i], in, vec(5), NULL));
        }
        snprintf(label, sizeof label, "%s: rank 0 input and target", losses[i]);
        CASE("axon_loss", label, X_ANY) {
            axon_tensor *r = NULL, *a = scalar(0.5f), *b = scalar(1);
            END(axon_loss(&r, losses[i], a, b, NULL));
        }
        snprintf(label, sizeof label, "%s: zero-size huge input and target", losses[i]);
        CASE("axon_loss", label, X_ANY) {
            axon_tensor *r = NULL, *z = huge_empty();
            END(axon_loss(&r, losses[i], z, z, NULL));
        }
        snprintf(label, sizeof label, "%s: empty [0, 3] input", losses[i]);
        CASE("axon_loss", label, X_ANY) {
            axon_tensor *r = NULL, *a = mat(0, 3), *b = i == 6 || i == 7 ? vec(0) : mat(0, 3);
            END(axon_loss(&r, losses[i], a, b, NULL));
        }
    }
    CASE("axon_loss", "control: every reduction", CONTROL) {
        static const char *const reductions[4] = {"mean", "sum", "none", "batchmean"};
        axon_tensor *in, *tg, *r = NULL;
        axon_status st = AXON_OK;
        int j;
        loss_inputs("kl_div", &in, &tg);
        for (j = 0; j < 4 && st == AXON_OK; ++j) st = axon_loss(&r, "kl_div", in, tg, reductions[j]);
        END(st);
    }
    CASE("axon_loss", "name \"MSE\", reduction \"MEAN\" (upper case; the header does not say)", X_OK | X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_loss(&r, "MSE", vec(3), vec(3), "MEAN"));
    }
    CASE("axon_loss", "NULL out", X_INVAL) { END(axon_loss(NULL, "mse", vec(3), vec(3), NULL)); }
    CASE("axon_loss", "NULL name", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_loss(&r, NULL, vec(3), vec(3), NULL));
    }
    for (i = 0; i < sizeof bad_names / sizeof *bad_names; ++i) {
        CASE("axon_loss", name_labels[i], X_INVAL) {
            axon_tensor *r = NULL;
            END(axon_loss(&r, bad_names[i], vec(3), vec(3), NULL));
        }
    }
    for (i = 0; i < sizeof bad_reductions / sizeof *bad_reductions; ++i) {
        CASE("axon_loss", reduction_labels[i], X_INVAL) {
            axon_tensor *r = NULL;
            END(axon_loss(&r, "mse", vec(3), vec(3), bad_reductions[i]));
        }
    }
    for (k = 0; k < N_BAD; ++k) {
        CASE("axon_loss", bad_label(k, "input"), X_INVAL) {
            axon_tensor *r = NULL, *t = vec(3);
            END(axon_loss(&r, "mse", (axon_tensor *)bad_handle(H_TENSOR, k), t, NULL));
        }
        CASE("axon_loss", bad_label(k, "target"), X_INVAL) {
            axon_tensor *r = NULL, *in = vec(3);
            END(axon_loss(&r, "mse", in, (axon_tensor *)bad_handle(H_TENSOR, k), NULL));
        }
    }
    {
        static const float bad_classes[5][4] = {{0, 1.5f, 2, 1}, {0, 3, 2, 1}, {0, -1, 2, 1}, {0, NAN, 2, 1},
                                                {0, 1e30f, 2, 1}};
        static const char *const labels[5] = {"class 1.5", "class 3 of 3", "class -1", "class NaN", "class 1e30"};
        int c, n;
        for (n = 0; n < 2; ++n) {
            for (c = 0; c < 5; ++c) {
                snprintf(label, sizeof label, "%s: target %s", n == 0 ? "cross_entropy" : "nll", labels[c]);
                CASE("axon_loss", label, X_INVAL) {
                    axon_tensor *in, *tg, *r = NULL;
                    loss_inputs(n == 0 ? "cross_entropy" : "nll", &in, &tg);
                    END(axon_loss(&r, n == 0 ? "cross_entropy" : "nll", in, values(bad_classes[c], 4), NULL));
                }
            }
        }
    }
}

static void loss_options(void) {
    typedef struct { const char *loss, *key; double value; unsigned expect; } opt_case;
    static const opt_case cases[] = {
        {"smooth_l1", "beta", -1, X_INVAL}, {"smooth_l1", "beta", NAN, X_INVAL},
        {"smooth_l1", "beta", INFINITY, X_INVAL}, {"huber", "delta", 0, X_INVAL}, {"huber", "delta", -1, X_INVAL},
        {"huber", "delta", NAN, X_INVAL}, {"cross_entropy", "label_smoothing", 1.5, X_INVAL},
        {"cross_entropy", "label_smoothing", -0.1, X_INVAL}, {"cross_entropy", "label_smoothing", NAN, X_INVAL},
        {"cross_entropy", "ignore_index", 1.5, X_INVAL}, {"cross_entropy", "ignore_index", NAN, X_INVAL},
        {"cross_entropy", "ignore_index", INFINITY, X_INVAL}, {"cross_entropy", "ignore_index", 1e300, X_OK | X_INVAL},
        {"cross_entropy", "ignore_index", -1e300, X_OK | X_INVAL}, {"nll", "ignore_index", 2.5, X_INVAL},
        {"nll", "ignore_index", 9.3e18, X_OK | X_INVAL}, {"nll", "label_smoothing", 0.1, X_INVAL},
        {"mse", "delta", 1, X_INVAL}, {"mse", "beta", 1, X_INVAL}, {"huber", "bogus", 1, X_INVAL},
        {"huber", "", 1, X_INVAL}, {"huber", "delta\xff", 1, X_INVAL},
        {"control: huber delta 2", "delta", 2, CONTROL},
    };
    static const float neg_w[3] = {1, -1, 1}, nan_w[3] = {1, NAN, 1}, inf_w[3] = {1, INFINITY, 1};
    const char *f = "axon_loss_with_options";
    char label[128];
    size_t i;
    int k;
    CASE(f, "control: cross_entropy with weight and ignore_index", CONTROL) {
        axon_tensor *in, *tg, *r = NULL, *w = vec(3);
        const char *key = "ignore_index";
        double v = 1;
        loss_inputs("cross_entropy", &in, &tg);
        END(axon_loss_with_options(&r, "cross_entropy", in, tg, NULL, w, &key, &v, 1));
    }
    for (i = 0; i < sizeof cases / sizeof *cases; ++i) {
        int control = strncmp(cases[i].loss, "control", 7) == 0;
        const char *name = control ? "huber" : cases[i].loss;
        snprintf(label, sizeof label, control ? "%s" : "%s %s = %g", cases[i].loss, cases[i].key, cases[i].value);
        CASE(f, label, cases[i].expect) {
            axon_tensor *in, *tg, *r = NULL;
            loss_inputs(name, &in, &tg);
            END(axon_loss_with_options(&r, name, in, tg, NULL, NULL, &cases[i].key, &cases[i].value, 1));
        }
    }
    CASE(f, "NULL out", X_INVAL) {
        END(axon_loss_with_options(NULL, "mse", vec(3), vec(3), NULL, NULL, NULL, NULL, 0));
    }
    CASE(f, "NULL name", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_loss_with_options(&r, NULL, vec(3), vec(3), NULL, NULL, NULL, NULL, 0));
    }
    CASE(f, "an unknown name", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_loss_with_options(&r, "hinge", vec(3), vec(3), NULL, NULL, NULL, NULL, 0));
    }
    CASE(f, "an unknown reduction", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_loss_with_options(&r, "mse", vec(3), vec(3), "median", NULL, NULL, NULL, 0));
    }
    CASE(f, "mismatched shapes", X_SHAPE) {
        axon_tensor *r = NULL;
        END(axon_loss_with_options(&r, "mse", vec(3), vec(4), NULL, NULL, NULL, NULL, 0));
    }
    for (k = 0; k < N_BAD; ++k) {
        CASE(f, bad_label(k, "input"), X_INVAL) {
            axon_tensor *r = NULL, *t = vec(3);
            END(axon_loss_with_options(&r, "mse", (axon_tensor *)bad_handle(H_TENSOR, k), t, NULL, NULL, NULL, NULL,
                                       0));
        }
        if (k == BAD_NULL) continue;
        CASE(f, bad_label(k, "weight"), X_INVAL) {
            axon_tensor *in, *tg, *r = NULL;
            loss_inputs("nll", &in, &tg);
            END(axon_loss_with_options(&r, "nll", in, tg, NULL, (axon_tensor *)bad_handle(H_TENSOR, k), NULL, NULL,
                                       0));
        }
    }
    CASE(f, "NULL keys, n_options 1", X_INVAL) {
        axon_tensor *in, *tg, *r = NULL;
        double v = 1;
        loss_inputs("huber", &in, &tg);
        END(axon_loss_with_options(&r, "huber", in, tg, NULL, NULL, NULL, &v, 1));
    }
    CASE(f, "NULL values, n_options 1", X_INVAL) {
        axon_tensor *in, *tg, *r = NULL;
        const char *key = "delta";
        loss_inputs("huber", &in, &tg);
        END(axon_loss_with_options(&r, "huber", in, tg, NULL, NULL, &key, NULL, 1));
    }
    CASE(f, "n_options SIZE_MAX", X_INVAL) {
        axon_tensor *in, *tg, *r = NULL;
        const char *key = "delta";
        double v = 1;
        loss_inputs("huber", &in, &tg);
        END(axon_loss_with_options(&r, "huber", in, tg, NULL, NULL, &key, &v, SZ_NEG));
    }
    CASE(f, "a key given twice", X_INVAL) {
        axon_tensor *in, *tg, *r = NULL;
        const char *keys[2] = {"delta", "delta"};
        double v[2] = {1, 2};
        loss_inputs("huber", &in, &tg);
        END(axon_loss_with_options(&r, "huber", in, tg, NULL, NULL, keys, v, 2));
    }
    for (i = 0; i < 3; ++i) {
        static const char *const wl[3] = {"a weight with a negative entry", "a NaN weight", "an infinite weight"};
        CASE(f, wl[i], X_INVAL) {
            axon_tensor *in, *tg, *r = NULL;
            loss_inputs("cross_entropy", &in, &tg);
            axon_tensor *w = values(i == 0 ? neg_w : i == 1 ? nan_w : inf_w, 3);
            END(axon_loss_with_options(&r, "cross_entropy", in, tg, NULL, w, NULL, NULL, 0));
        }
    }
    CASE(f, "a weight of shape [4] for 3 classes", X_SHAPE) {
        axon_tensor *in, *tg, *r = NULL;
        loss_inputs("nll", &in, &tg);
        END(axon_loss_with_options(&r, "nll", in, tg, NULL, vec(4), NULL, NULL, 0));
    }
    CASE(f, "a weight for mse", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_loss_with_options(&r, "mse", vec(3), vec(3), NULL, vec(3), NULL, NULL, 0));
    }
    CASE(f, "probability targets with ignore_index", X_INVAL) {
        axon_tensor *in, *tg, *r = NULL, *p, *t;
        const char *key = "ignore_index";
        double v = 1;
        loss_inputs("kl_div", &p, &t);
        loss_inputs("cross_entropy", &in, &tg);
        END(axon_loss_with_options(&r, "cross_entropy", in, t, NULL, NULL, &key, &v, 1));
    }
    CASE(f, "every sample ignored: NaN, not a crash", X_OK) {
        static const float same[4] = {1, 1, 1, 1};
        axon_tensor *in, *tg, *r = NULL;
        const char *key = "ignore_index";
        double v = 1;
        loss_inputs("nll", &in, &tg);
        END(axon_loss_with_options(&r, "nll", in, values(same, 4), NULL, NULL, &key, &v, 1));
    }
}

static void clipping(void) {
    typedef struct { const char *label; double max_norm, norm_type; unsigned expect; } norm_case;
    static const norm_case norms[] = {
        {"control: max norm", 1, INFINITY, CONTROL}, {"max_norm NaN", NAN, 2, X_INVAL},
        {"max_norm -1", -1, 2, X_INVAL}, {"max_norm Inf", INFINITY, 2, X_OK | X_INVAL},
        {"norm_type NaN", 1, NAN, X_INVAL}, {"norm_type 0", 1, 0, X_ANY}, {"norm_type -1", 1, -1, X_ANY},
        {"norm_type -Inf", 1, -INFINITY, X_ANY}, {"norm_type 1e300", 1, 1e300, X_ANY},
    };
    static const double clips[] = {NAN, -1, -INFINITY};
    char label[64];
    size_t i;
    int k;
#define WITH_GRAD(x)                                                   \
    do {                                                               \
        axon_tensor *s_ = rg_loss(&(x));                               \
        if (axon_tensor_backward(s_) != AXON_OK) setup_fail("backward"); \
    } while (0)
    for (i = 0; i < sizeof norms / sizeof *norms; ++i) {
        CASE("axon_clip_grad_norm", norms[i].label, norms[i].expect) {
            axon_tensor *x = NULL;
            float total;
            WITH_GRAD(x);
            END(axon_clip_grad_norm(&total, &x, 1, norms[i].max_norm, norms[i].norm_type));
        }
    }
    CASE("axon_clip_grad_norm", "control: nothing", CONTROL) {
        float total = 1;
        axon_status st = axon_clip_grad_norm(&total, NULL, 0, 1, 2);
        END_CHECKED(st, total == 0);
    }
    CASE("axon_clip_grad_norm", "NULL out_total", X_INVAL) {
        axon_tensor *x = NULL;
        WITH_GRAD(x);
        END(axon_clip_grad_norm(NULL, &x, 1, 1, 2));
    }
    CASE("axon_clip_grad_norm", "NULL params, n 1", X_INVAL) {
        float total;
        END(axon_clip_grad_norm(&total, NULL, 1, 1, 2));
    }
    CASE("axon_clip_grad_norm", "n SIZE_MAX", X_INVAL) {
        axon_tensor *x = NULL;
        float total;
        WITH_GRAD(x);
        END(axon_clip_grad_norm(&total, &x, SZ_NEG, 1, 2));
    }
    CASE("axon_clip_grad_norm", "a NaN gradient", X_ANY) {
        static const float nan2[2] = {NAN, 1};
        axon_tensor *x = vec_rg(2), *y = NULL, *s = NULL;
        float total;
        if (axon_tensor_mul(&y, x, values(nan2, 2)) != AXON_OK || axon_tensor_sum(&s, y) != AXON_OK) setup_fail("y");
        if (axon_tensor_backward(s) != AXON_OK) setup_fail("backward");
        END(axon_clip_grad_norm(&total, &x, 1, 1, 2));
    }
    CASE("axon_clip_grad_value", "control", CONTROL) {
        axon_tensor *x = NULL;
        WITH_GRAD(x);
        END(axon_clip_grad_value(&x, 1, 0.5));
    }
    CASE("axon_clip_grad_value", "NULL params, n 1", X_INVAL) { END(axon_clip_grad_value(NULL, 1, 0.5)); }
    CASE("axon_clip_grad_value", "n SIZE_MAX", X_INVAL) {
        axon_tensor *x = NULL;
        WITH_GRAD(x);
        END(axon_clip_grad_value(&x, SZ_NEG, 0.5));
    }
    CASE("axon_clip_grad_value", "clip_value Inf", X_OK | X_INVAL) {
        axon_tensor *x = NULL;
        WITH_GRAD(x);
        END(axon_clip_grad_value(&x, 1, INFINITY));
    }
    for (i = 0; i < sizeof clips / sizeof *clips; ++i) {
        snprintf(label, sizeof label, "clip_value %g", clips[i]);
        CASE("axon_clip_grad_value", label, X_INVAL) {
            axon_tensor *x = NULL;
            WITH_GRAD(x);
            END(axon_clip_grad_value(&x, 1, clips[i]));
        }
    }
    for (k = 0; k < N_BAD; ++k) {
        CASE("axon_clip_grad_norm", bad_label(k, "params[1]"), X_INVAL) {
            axon_tensor *ps[2];
            float total;
            WITH_GRAD(ps[0]);
            ps[1] = (axon_tensor *)bad_handle(H_TENSOR, k);
            END(axon_clip_grad_norm(&total, ps, 2, 1, 2));
        }
        CASE("axon_clip_grad_value", bad_label(k, "params[1]"), X_INVAL) {
            axon_tensor *ps[2];
            WITH_GRAD(ps[0]);
            ps[1] = (axon_tensor *)bad_handle(H_TENSOR, k);
            END(axon_clip_grad_value(ps, 2, 1));
        }
    }
#undef WITH_GRAD
}

void cases_train(void) {
    loss();
    loss_options();
    clipping();
}
