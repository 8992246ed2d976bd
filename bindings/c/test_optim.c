/*
** test_optim.c - parameter groups and options by name: axon_optimizer_add_param_group,
** axon_optimizer_get_option, axon_optimizer_set_option, against SGD's closed form.
*/
#include "check.h"

/* A scalar parameter holding `v`. */
static axon_tensor *scalar(float v) {
    const int64_t one[1] = {1};
    return make(&v, 1, one, 1, 1);
}

static float value(const axon_tensor *t) {
    float v = NAN;
    CHECK_OK(axon_tensor_copy_data(t, &v, 1));
    return v;
}

/* Gradient 1 for each of a and b: backward of a + b (summed). */
static void unit_gradients(axon_tensor *a, axon_tensor *b) {
    axon_tensor *s = NULL, *total = NULL;
    CHECK_OK(axon_tensor_add(&s, a, b));
    CHECK_OK(axon_tensor_sum(&total, s));
    CHECK_OK(axon_tensor_backward(total));
    axon_tensor_free(s);
    axon_tensor_free(total);
}

static double option(const axon_optimizer *opt, size_t group, const char *key) {
    double v = NAN;
    CHECK_OK(axon_optimizer_get_option(&v, opt, group, key));
    return v;
}

/* Two groups of SGD: group 0 plain (lr 0.1), group 1 with lr 0.5 and momentum 0.9. With unit
   gradients: a = 1 - 0.1 k; b steps by 0.5 * 1 then 0.5 * (0.9 * 1 + 1) = 0.95. */
static void groups(void) {
    const char *keys[] = {"lr"};
    const double lr[] = {0.1};
    const char *group_keys[] = {"lr", "momentum"};
    const double group_values[] = {0.5, 0.9};
    axon_tensor *a = scalar(1), *b = scalar(1), *c = scalar(1);
    axon_optimizer *opt = NULL, *lbfgs = NULL;
    CHECK_OK(axon_optimizer_new(&opt, "sgd", &a, 1, keys, lr, 1));
    CHECK_OK(axon_optimizer_add_param_group(opt, &b, 1, group_keys, group_values, 2));
    CHECK(axon_optimizer_group_count(opt) == 2);
    CHECK(option(opt, 1, "lr") == 0.5 && option(opt, 1, "momentum") == 0.9);
    CHECK(option(opt, 1, "dampening") == 0 && option(opt, 1, "nesterov") == 0);
    CHECK(option(opt, 0, "momentum") == 0 && option(opt, 0, "lr") == 0.1);
    unit_gradients(a, b);
    CHECK_OK(axon_optimizer_step(opt));
    CHECK(fabsf(value(a) - 0.9f) < 1e-6f && fabsf(value(b) - 0.5f) < 1e-6f);
    CHECK_OK(axon_optimizer_zero_grad(opt));
    unit_gradients(a, b);
    CHECK_OK(axon_optimizer_step(opt));
    CHECK(fabsf(value(a) - 0.8f) < 1e-6f && fabsf(value(b) - -0.45f) < 1e-6f);

    /* A third group starts from the construction options (lr 0.1), not from group 1. */
    CHECK_OK(axon_optimizer_add_param_group(opt, &c, 1, NULL, NULL, 0));
    CHECK(option(opt, 2, "lr") == 0.1 && option(opt, 2, "momentum") == 0);

    /* Errors leave the optimizer as it was. */
    CHECK_STATUS(axon_optimizer_add_param_group(opt, &a, 1, NULL, NULL, 0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("more than one group");
    CHECK_STATUS(axon_optimizer_add_param_group(opt, &c, 1, NULL, NULL, 0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_optimizer_add_param_group(opt, NULL, 1, NULL, NULL, 0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_optimizer_add_param_group(NULL, &c, 1, NULL, NULL, 0), AXON_ERR_INVALID_ARGUMENT);
    {
        axon_tensor *d = scalar(1);
        const char *bad[] = {"betas"};
        const double nan[] = {NAN}, neg[] = {-1};
        CHECK_STATUS(axon_optimizer_add_param_group(opt, &d, 1, bad, lr, 1), AXON_ERR_INVALID_ARGUMENT);
        CHECK_ERROR_MENTIONS("unknown option 'betas'");
        CHECK_STATUS(axon_optimizer_add_param_group(opt, &d, 1, keys, nan, 1), AXON_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(axon_optimizer_add_param_group(opt, &d, 1, keys, neg, 1), AXON_ERR_INVALID_ARGUMENT);
        CHECK(axon_optimizer_group_count(opt) == 3);
        CHECK_OK(axon_optimizer_new_lbfgs(&lbfgs, &d, 1, NULL, NULL, 0));
        CHECK_STATUS(axon_optimizer_add_param_group(lbfgs, &c, 1, NULL, NULL, 0), AXON_ERR_INVALID_ARGUMENT);
        axon_optimizer_free(lbfgs);
        axon_tensor_free(d);
    }

    /* set_option: a new momentum for group 0 takes effect on the next step (buffer b = g). */
    CHECK_OK(axon_optimizer_set_option(opt, 0, "momentum", 0.5));
    CHECK(option(opt, 0, "momentum") == 0.5);
    CHECK_OK(axon_optimizer_set_option(opt, 0, "nesterov", 1));
    CHECK(option(opt, 0, "nesterov") == 1);
    CHECK_OK(axon_optimizer_set_option(opt, 0, "lr", 0.2));
    {
        double lr0 = 0;
        CHECK_OK(axon_optimizer_get_lr(&lr0, opt, 0));
        CHECK(lr0 == 0.2);
    }
    CHECK_OK(axon_optimizer_zero_grad(opt));
    unit_gradients(a, b);
    CHECK_OK(axon_optimizer_step(opt));
    /* Nesterov, first step: d = g + mu g = 1.5, a = 0.8 - 0.2 * 1.5. */
    CHECK(fabsf(value(a) - 0.5f) < 1e-6f);
    CHECK_STATUS(axon_optimizer_set_option(opt, 0, "nesterov", 0.5), AXON_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("0 or 1");
    CHECK_STATUS(axon_optimizer_set_option(opt, 0, "dampening", 0.5), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_optimizer_set_option(opt, 3, "lr", 0.5), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_optimizer_set_option(opt, 0, "lr", NAN), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_optimizer_set_option(opt, 0, "lr", -1), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_optimizer_set_option(opt, 0, "gamma", 1), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_optimizer_set_option(opt, 0, NULL, 1), AXON_ERR_INVALID_ARGUMENT);
    CHECK(option(opt, 0, "nesterov") == 1 && option(opt, 0, "lr") == 0.2);
    {
        double v = 7;
        CHECK_STATUS(axon_optimizer_get_option(&v, opt, 0, "beta1"), AXON_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(axon_optimizer_get_option(&v, opt, 9, "lr"), AXON_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(axon_optimizer_get_option(NULL, opt, 0, "lr"), AXON_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(axon_optimizer_get_option(&v, NULL, 0, "lr"), AXON_ERR_INVALID_ARGUMENT);
    }
    axon_optimizer_free(opt);
    axon_tensor_free(a);
    axon_tensor_free(b);
    axon_tensor_free(c);
}

/* Every option of every optimizer, given at construction, reads back by name. */
static void every_option(void) {
    static const struct {
        const char *kind;
        const char *keys[7];
        double values[7];
        size_t n;
    } cases[] = {
        {"sgd", {"lr", "momentum", "dampening", "nesterov", "weight_decay"}, {0.3, 0.8, 0, 1, 0.01}, 5},
        {"adagrad", {"lr", "lr_decay", "initial_accumulator_value", "eps", "weight_decay"},
         {0.3, 0.01, 0.1, 1e-9, 0.02}, 5},
        {"rmsprop", {"lr", "alpha", "eps", "momentum", "centered", "weight_decay"}, {0.3, 0.9, 1e-7, 0.5, 1, 0.03}, 6},
        {"adadelta", {"lr", "rho", "eps", "weight_decay"}, {0.3, 0.8, 1e-5, 0.04}, 4},
        {"adam", {"lr", "beta1", "beta2", "eps", "amsgrad", "weight_decay"}, {0.3, 0.8, 0.99, 1e-7, 1, 0.05}, 6},
        {"adamw", {"lr", "beta1", "beta2", "eps", "amsgrad", "weight_decay"}, {0.3, 0.8, 0.99, 1e-7, 1, 0.06}, 6},
        {"adamax", {"lr", "beta1", "beta2", "eps", "weight_decay"}, {0.3, 0.8, 0.99, 1e-7, 0.07}, 5},
        {"nadam", {"lr", "beta1", "beta2", "eps", "momentum_decay", "weight_decay"},
         {0.3, 0.8, 0.99, 1e-7, 0.005, 0.08}, 6},
        {"lbfgs", {"lr", "max_iter", "max_eval", "tolerance_grad", "tolerance_change", "history_size", "strong_wolfe"},
         {0.3, 7, 9, 1e-6, 1e-8, 5, 1}, 7},
    };
    size_t i, j;
    axon_tensor *p = scalar(1);
    for (i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
        axon_optimizer *opt = NULL;
        CHECK_OK(axon_optimizer_new(&opt, cases[i].kind, &p, 1, cases[i].keys, cases[i].values, cases[i].n));
        for (j = 0; j < cases[i].n; ++j) {
            double v = NAN;
            CHECK_OK(axon_optimizer_get_option(&v, opt, 0, cases[i].keys[j]));
            if (v != cases[i].values[j]) {
                fprintf(stderr, "%s %s: %g, not %g\n", cases[i].kind, cases[i].keys[j], v, cases[i].values[j]);
            }
            CHECK(v == cases[i].values[j]);
            /* ... and is written back by name too. */
            CHECK_OK(axon_optimizer_set_option(opt, 0, cases[i].keys[j], cases[i].values[j]));
        }
        axon_optimizer_free(opt);
    }
    axon_tensor_free(p);
}

/* An option that decides the state buffers cannot change after a step; before, it can. */
static void structural_options(void) {
    axon_tensor *p = scalar(1), *q = scalar(2);
    axon_optimizer *adam = NULL, *rms = NULL;
    CHECK_OK(axon_optimizer_new(&adam, "adam", &p, 1, NULL, NULL, 0));
    CHECK_OK(axon_optimizer_set_option(adam, 0, "amsgrad", 1));
    CHECK_OK(axon_optimizer_set_option(adam, 0, "amsgrad", 0));
    unit_gradients(p, q);
    CHECK_OK(axon_optimizer_step(adam));
    CHECK_STATUS(axon_optimizer_set_option(adam, 0, "amsgrad", 1), AXON_ERR_STATE);
    CHECK(option(adam, 0, "amsgrad") == 0);
    CHECK_OK(axon_optimizer_set_option(adam, 0, "beta1", 0.5));   /* a plain hyperparameter: fine */
    CHECK_OK(axon_optimizer_new(&rms, "rmsprop", &q, 1, NULL, NULL, 0));
    CHECK_OK(axon_optimizer_step(rms));
    CHECK_STATUS(axon_optimizer_set_option(rms, 0, "centered", 1), AXON_ERR_STATE);
    CHECK_STATUS(axon_optimizer_set_option(rms, 0, "momentum", 0.9), AXON_ERR_STATE);
    CHECK(option(rms, 0, "momentum") == 0 && option(rms, 0, "centered") == 0);
    axon_optimizer_free(adam);
    axon_optimizer_free(rms);
    axon_tensor_free(p);
    axon_tensor_free(q);
}

int main(void) {
    groups();
    every_option();
    structural_options();
    return report("test_optim");
}
