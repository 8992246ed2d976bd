/*
** test_schedules.c - axon_plateau (new, step, free), axon_scheduler_new_composed and the
** checkpoints with a plateau, against PyTorch's rates committed in
** Tests/AxonTests/Fixtures/schedules.json (SGD at lr 0.1, as the fixture's generator runs it).
*/
#include "check.h"

static axon_tensor *param;

static axon_optimizer *sgd(double lr) {
    const char *keys[] = {"lr"};
    axon_optimizer *opt = NULL;
    CHECK_OK(axon_optimizer_new(&opt, "sgd", &param, 1, keys, &lr, 1));
    return opt;
}

static double lr_of(const axon_optimizer *opt) {
    double lr = NAN;
    CHECK_OK(axon_optimizer_get_lr(&lr, opt, 0));
    return lr;
}

static int close_to(double a, double b) { return fabs(a - b) <= 1e-12 + 1e-9 * fabs(b); }

/* Fixture cases "plateau_min" and "plateau_max_abs": their options, their first metrics, and
   the rates after each (lrs[k] is the rate after k metrics). */
static void plateau(void) {
    static const double min_metrics[16] = {0.9, 0.81, 0.729, 0.6561, 0.59049, 0.531441, 0.478297, 0.430467,
                                           0.38742, 0.348678, 0.313811, 0.28243, 0.282924, 0.283385, 0.283179,
                                           0.282246};
    static const double max_metrics[9] = {0.38, 0.46, 0.54, 0.62, 0.7, 0.78, 0.765143, 0.779971, 0.78406};
    const char *min_keys[] = {"mode", "factor", "patience", "threshold", "threshold_mode", "cooldown", "min_lr"};
    const double min_values[] = {0, 0.5, 3, 0.01, 0, 2, 0.001};
    const char *max_keys[] = {"mode", "factor", "patience", "threshold", "threshold_mode", "cooldown", "min_lr",
                              "eps"};
    const double max_values[] = {1, 0.2, 2, 0.05, 1, 0, 0, 1e-8};
    axon_optimizer *opt = sgd(0.1), *opt2 = sgd(0.1);
    axon_plateau *p = NULL, *q = NULL;
    size_t live = 0;
    int k;
    CHECK_OK(axon_plateau_new(&p, opt, min_keys, min_values, 7));
    CHECK_OK(axon_live_handles(&live, "axon_plateau"));
    CHECK(live == 1);
    for (k = 0; k < 15; ++k) CHECK_OK(axon_plateau_step(p, min_metrics[k]));
    CHECK(close_to(lr_of(opt), 0.1));                   /* lrs[15] */
    CHECK_OK(axon_plateau_step(p, min_metrics[15]));
    CHECK(close_to(lr_of(opt), 0.05));                  /* lrs[16] */
    CHECK_STATUS(axon_plateau_step(p, NAN), AXON_ERR_INVALID_ARGUMENT);
    CHECK(close_to(lr_of(opt), 0.05));
    CHECK_STATUS(axon_plateau_step(NULL, 1.0), AXON_ERR_INVALID_ARGUMENT);

    CHECK_OK(axon_plateau_new(&q, opt2, max_keys, max_values, 8));
    for (k = 0; k < 8; ++k) CHECK_OK(axon_plateau_step(q, max_metrics[k]));
    CHECK(close_to(lr_of(opt2), 0.1));                  /* lrs[8] */
    CHECK_OK(axon_plateau_step(q, max_metrics[8]));
    CHECK(close_to(lr_of(opt2), 0.020000000000000004)); /* lrs[9] */
    axon_plateau_free(q);
    q = NULL;

    /* Bad options. */
    {
        const char *mode[] = {"mode"}, *factor[] = {"factor"}, *patience[] = {"patience"}, *bad[] = {"verbose"};
        const double two[] = {2}, one[] = {1}, half[] = {0.5}, nan[] = {NAN}, neg[] = {-1};
        CHECK_STATUS(axon_plateau_new(&q, opt, mode, two, 1), AXON_ERR_INVALID_ARGUMENT);
        CHECK(q == NULL);
        CHECK_STATUS(axon_plateau_new(&q, opt, factor, one, 1), AXON_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(axon_plateau_new(&q, opt, factor, nan, 1), AXON_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(axon_plateau_new(&q, opt, patience, half, 1), AXON_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(axon_plateau_new(&q, opt, patience, neg, 1), AXON_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(axon_plateau_new(&q, opt, bad, one, 1), AXON_ERR_INVALID_ARGUMENT);
        CHECK_ERROR_MENTIONS("unknown option 'verbose'");
        CHECK_STATUS(axon_plateau_new(&q, NULL, NULL, NULL, 0), AXON_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(axon_plateau_new(NULL, opt, NULL, NULL, 0), AXON_ERR_INVALID_ARGUMENT);
    }
    axon_plateau_free(NULL);
    axon_plateau_free(p);
    axon_optimizer_free(opt);
    axon_optimizer_free(opt2);
}

/* Fixture cases "warmup_then_cosine" (SequentialLR of LinearLR(0.01, 1, 10) and
   CosineAnnealingLR(90), milestone 10) and "chained" (ExponentialLR(0.98), StepLR(25, 0.5)). */
static void composed(void) {
    const char *kinds[] = {"linear", "cosine"};
    const char *linear_keys[] = {"start_factor", "end_factor", "total"}, *cosine_keys[] = {"period", "eta_min"};
    const double linear_values[] = {0.01, 1, 10}, cosine_values[] = {90, 0};
    const char *const *keys[] = {linear_keys, cosine_keys};
    const double *values[] = {linear_values, cosine_values};
    const size_t counts[] = {3, 2};
    const int64_t milestone[] = {10};
    const char *chained_kinds[] = {"exponential", "step"};
    const char *exp_keys[] = {"gamma"}, *step_keys[] = {"step_size", "gamma"};
    const double exp_values[] = {0.98}, step_values[] = {25, 0.5};
    const char *const *chained_keys[] = {exp_keys, step_keys};
    const double *chained_values[] = {exp_values, step_values};
    const size_t chained_counts[] = {1, 2};
    axon_optimizer *opt = sgd(0.1), *opt2 = sgd(0.1);
    axon_scheduler *s = NULL, *c = NULL;
    int k;

    CHECK_OK(axon_scheduler_new_composed(&s, opt, "sequential", 2, kinds, keys, values, counts, milestone, 1));
    CHECK(close_to(lr_of(opt), 0.001));
    CHECK_OK(axon_scheduler_step(s));
    CHECK(close_to(lr_of(opt), 0.010899999999999998));
    for (k = 2; k <= 10; ++k) CHECK_OK(axon_scheduler_step(s));
    CHECK(close_to(lr_of(opt), 0.1));
    CHECK_OK(axon_scheduler_step(s));
    CHECK(close_to(lr_of(opt), 0.0999695413509548));
    for (k = 12; k <= 30; ++k) CHECK_OK(axon_scheduler_step(s));
    CHECK(close_to(lr_of(opt), 0.08830222215594892));

    CHECK_OK(axon_scheduler_new_composed(&c, opt2, "chained", 2, chained_kinds, chained_keys, chained_values,
                                         chained_counts, NULL, 0));
    for (k = 1; k <= 30; ++k) CHECK_OK(axon_scheduler_step(c));
    CHECK(close_to(lr_of(opt2), 0.027274215969121843));
    for (k = 31; k <= 100; ++k) CHECK_OK(axon_scheduler_step(c));
    CHECK(close_to(lr_of(opt2), 0.000828872224342206));
    axon_scheduler_free(c);
    c = NULL;

    /* Errors: milestones that do not fit, an unknown composition or option, NULL arrays. */
    CHECK_STATUS(axon_scheduler_new_composed(&c, opt2, "sequential", 2, kinds, keys, values, counts, NULL, 0),
                 AXON_ERR_INVALID_ARGUMENT);
    CHECK(c == NULL);
    CHECK_STATUS(axon_scheduler_new_composed(&c, opt2, "chained", 2, kinds, keys, values, counts, milestone, 1),
                 AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_scheduler_new_composed(&c, opt2, "parallel", 2, kinds, keys, values, counts, NULL, 0),
                 AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_scheduler_new_composed(&c, opt2, "chained", 0, NULL, NULL, NULL, NULL, NULL, 0),
                 AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_scheduler_new_composed(&c, opt2, "chained", 2, kinds, NULL, NULL, counts, NULL, 0),
                 AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_scheduler_new_composed(&c, opt2, "chained", 2, chained_kinds, keys, values, counts, NULL, 0),
                 AXON_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("unknown option");
    /* The same check in axon_scheduler_new, which used to ignore unknown keys. */
    CHECK_STATUS(axon_scheduler_new(&c, opt2, "step", linear_keys, linear_values, 1), AXON_ERR_INVALID_ARGUMENT);
    axon_scheduler_free(s);
    axon_optimizer_free(opt);
    axon_optimizer_free(opt2);
}

/* A plateau saved halfway (patience 2, two bad metrics) resumes where it was: one more bad
   metric reduces the rate, where a fresh plateau would take it as its first best. */
static void checkpoint(void) {
    const char *path = "bindings/c/build/plateau_checkpoint.axon";
    const char *keys[] = {"patience"};
    const double two[] = {2};
    axon_model *m = NULL, *m2 = NULL;
    axon_optimizer *opt = NULL, *opt2 = NULL;
    axon_plateau *p = NULL, *p2 = NULL;
    axon_tensor *w = NULL;
    const char *lr_key[] = {"lr"};
    const double lr[] = {0.1};
    CHECK_OK(axon_model_new(&m, "linear 2 1", 1));
    CHECK_OK(axon_model_new(&m2, "linear 2 1", 2));
    CHECK_OK(axon_model_parameter(&w, m, 0));
    CHECK_OK(axon_optimizer_new(&opt, "sgd", &w, 1, lr_key, lr, 1));
    axon_tensor_free(w);
    CHECK_OK(axon_model_parameter(&w, m2, 0));
    CHECK_OK(axon_optimizer_new(&opt2, "sgd", &w, 1, lr_key, lr, 1));
    axon_tensor_free(w);
    CHECK_OK(axon_plateau_new(&p, opt, keys, two, 1));
    CHECK_OK(axon_plateau_new(&p2, opt2, keys, two, 1));
    CHECK_OK(axon_plateau_step(p, 1.0));
    CHECK_OK(axon_plateau_step(p, 2.0));
    CHECK_OK(axon_plateau_step(p, 2.0));
    CHECK_OK(axon_checkpoint_save_plateau(path, m, opt, NULL, p));
    CHECK_OK(axon_checkpoint_restore_plateau(path, m2, opt2, NULL, p2));
    CHECK_OK(axon_plateau_step(p2, 3.0));
    CHECK(close_to(lr_of(opt2), 0.01));
    /* The old functions read the same file (they skip the plateau section). */
    CHECK_OK(axon_checkpoint_restore(path, m2, opt2, NULL));
    CHECK_STATUS(axon_checkpoint_save_plateau(NULL, m, opt, NULL, p), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_checkpoint_save_plateau(path, NULL, opt, NULL, p), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_checkpoint_restore_plateau(NULL, m2, opt2, NULL, p2), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_checkpoint_restore_plateau("/nonexistent/x.axon", m2, opt2, NULL, p2), AXON_ERR_IO);
    CHECK_OK(axon_checkpoint_save(path, m, opt, NULL));
    CHECK(axon_checkpoint_restore_plateau(path, m2, opt2, NULL, p2) != AXON_OK);   /* no plateau saved */
    axon_plateau_free(p);
    axon_plateau_free(p2);
    axon_optimizer_free(opt);
    axon_optimizer_free(opt2);
    axon_model_free(m);
    axon_model_free(m2);
    remove(path);
}

int main(void) {
    const float one = 1;
    const int64_t shape[1] = {1};
    param = make(&one, 1, shape, 1, 1);
    plateau();
    composed();
    checkpoint();
    axon_tensor_free(param);
    return report("test_schedules");
}
