/*
** cases_sched.c - learning-rate schedulers (new, free, step), composed schedules and plateaus.
*/
#include "harness.h"

typedef struct {
    const char *label, *kind;
    const char *keys[3];
    double values[3];
    size_t n;
    unsigned expect;
} sched_case;

static const sched_case scheds[] = {
    {"control: step", "step", {"step_size", "gamma"}, {3, 0.5}, 2, CONTROL},
    {"control: multistep", "multistep", {"m1", "m2", "gamma"}, {5, 2, 0.1}, 3, CONTROL},
    {"control: exponential", "exponential", {"gamma"}, {0.9}, 1, CONTROL},
    {"control: inverse_time", "inverse_time", {"beta"}, {0.1}, 1, CONTROL},
    {"control: polynomial", "polynomial", {"total", "power"}, {10, 2}, 2, CONTROL},
    {"control: cosine", "cosine", {"period", "eta_min"}, {10, 0}, 2, CONTROL},
    {"control: linear", "linear", {"start_factor", "end_factor", "total"}, {0.5, 1, 10}, 3, CONTROL},
    {"step_size 0", "step", {"step_size", "gamma"}, {0, 0.5}, 2, X_INVAL},
    {"step_size -1", "step", {"step_size", "gamma"}, {-1, 0.5}, 2, X_INVAL},
    {"step_size 2.5", "step", {"step_size", "gamma"}, {2.5, 0.5}, 2, X_INVAL},
    {"step_size NaN", "step", {"step_size", "gamma"}, {NAN, 0.5}, 2, X_INVAL},
    {"step_size 1e300", "step", {"step_size", "gamma"}, {1e300, 0.5}, 2, X_OK | X_INVAL},
    {"step without step_size", "step", {"gamma"}, {0.5}, 1, X_INVAL},
    {"gamma NaN", "step", {"step_size", "gamma"}, {3, NAN}, 2, X_INVAL},
    {"gamma Inf", "step", {"step_size", "gamma"}, {3, INFINITY}, 2, X_INVAL},
    {"gamma -1", "step", {"step_size", "gamma"}, {3, -1}, 2, X_INVAL},
    {"multistep milestone -1", "multistep", {"m1", "gamma"}, {-1, 0.1}, 2, X_INVAL},
    {"multistep milestone NaN", "multistep", {"m1", "gamma"}, {NAN, 0.1}, 2, X_INVAL},
    {"multistep milestone 1.5", "multistep", {"m1", "gamma"}, {1.5, 0.1}, 2, X_INVAL},
    {"multistep milestone 1e300", "multistep", {"m1", "gamma"}, {1e300, 0.1}, 2, X_OK | X_INVAL},
    {"exponential gamma NaN", "exponential", {"gamma"}, {NAN}, 1, X_INVAL},
    {"inverse_time beta -1", "inverse_time", {"beta"}, {-1}, 1, X_INVAL},
    {"inverse_time beta NaN", "inverse_time", {"beta"}, {NAN}, 1, X_INVAL},
    {"polynomial total 0", "polynomial", {"total", "power"}, {0, 2}, 2, X_INVAL},
    {"polynomial total -5", "polynomial", {"total", "power"}, {-5, 2}, 2, X_INVAL},
    {"polynomial power NaN", "polynomial", {"total", "power"}, {10, NAN}, 2, X_INVAL},
    {"cosine period 0", "cosine", {"period", "eta_min"}, {0, 0}, 2, X_INVAL},
    {"cosine eta_min NaN", "cosine", {"period", "eta_min"}, {10, NAN}, 2, X_INVAL},
    {"cosine eta_min -1", "cosine", {"period", "eta_min"}, {10, -1}, 2, X_INVAL},
    {"linear start_factor 0", "linear", {"start_factor", "end_factor", "total"}, {0, 1, 10}, 3, X_INVAL},
    {"linear end_factor NaN", "linear", {"start_factor", "end_factor", "total"}, {0.5, NAN, 10}, 3, X_INVAL},
    {"linear total -1", "linear", {"start_factor", "end_factor", "total"}, {0.5, 1, -1}, 3, X_INVAL},
    {"an unknown key", "step", {"step_size", "bogus"}, {3, 1}, 2, X_INVAL},
    {"a key given twice", "step", {"step_size", "step_size"}, {3, 4}, 2, X_INVAL},
    {"a non-UTF-8 key", "step", {"step_size", "gamma\xff"}, {3, 0.5}, 2, X_INVAL},
    {"an unknown kind", "stepwise", {"step_size"}, {3}, 1, X_INVAL},
    {"kind \"\"", "", {"step_size"}, {3}, 1, X_INVAL},
    {"a non-UTF-8 kind", "st\xffp", {"step_size"}, {3}, 1, X_INVAL},
};

static void schedulers(void) {
    const char *f = "axon_scheduler_new";
    static const char *const step_keys[2] = {"step_size", "gamma"};
    static const double step_vals[2] = {3, 0.5};
    size_t i;
    int k;
    for (i = 0; i < sizeof scheds / sizeof *scheds; ++i) {
        CASE(f, scheds[i].label, scheds[i].expect) {
            axon_scheduler *s = NULL;
            END(axon_scheduler_new(&s, sgd_over(vec_rg(2)), scheds[i].kind, scheds[i].keys, scheds[i].values,
                                   scheds[i].n));
        }
    }
    CASE(f, "NULL out", X_INVAL) {
        END(axon_scheduler_new(NULL, sgd_over(vec_rg(2)), "step", step_keys, step_vals, 2));
    }
    CASE(f, "NULL kind", X_INVAL) {
        axon_scheduler *s = NULL;
        END(axon_scheduler_new(&s, sgd_over(vec_rg(2)), NULL, step_keys, step_vals, 2));
    }
    for (k = 0; k < N_BAD; ++k) {
        CASE(f, bad_label(k, "opt"), X_INVAL) {
            axon_scheduler *s = NULL;
            END(axon_scheduler_new(&s, (axon_optimizer *)bad_handle(H_OPT, k), "step", step_keys, step_vals, 2));
        }
    }
    CASE(f, "NULL keys, n_options 2", X_INVAL) {
        axon_scheduler *s = NULL;
        END(axon_scheduler_new(&s, sgd_over(vec_rg(2)), "step", NULL, step_vals, 2));
    }
    CASE(f, "NULL values, n_options 2", X_INVAL) {
        axon_scheduler *s = NULL;
        END(axon_scheduler_new(&s, sgd_over(vec_rg(2)), "step", step_keys, NULL, 2));
    }
    CASE(f, "n_options SIZE_MAX", X_INVAL) {
        axon_scheduler *s = NULL;
        END(axon_scheduler_new(&s, sgd_over(vec_rg(2)), "step", step_keys, step_vals, SZ_NEG));
    }
    CASE("axon_scheduler_step", "control", CONTROL) { END(axon_scheduler_step(step_sched(sgd_over(vec_rg(2))))); }
    CASE("axon_scheduler_step", "10000 steps of an exponential schedule", X_OK) {
        axon_scheduler *s = NULL;
        const char *key = "gamma";
        double v = 0.5;
        int j;
        axon_status st = axon_scheduler_new(&s, sgd_over(vec_rg(2)), "exponential", &key, &v, 1);
        for (j = 0; j < 10000 && st == AXON_OK; ++j) st = axon_scheduler_step(s);
        END(st);
    }
    for (k = 0; k < N_BAD; ++k) {
        CASE("axon_scheduler_step", bad_label(k, "s"), X_INVAL) {
            END(axon_scheduler_step((axon_scheduler *)bad_handle(H_SCHED, k)));
        }
    }
    CASE("axon_scheduler_free", "control", CONTROL_VOID) {
        size_t n = 1;
        axon_tensor *p = vec_rg(2);
        axon_optimizer *o = sgd_over(p);
        axon_scheduler_free(step_sched(o));
        axon_optimizer_free(o);
        axon_tensor_free(p);
        END_IF(axon_live_handles(&n, NULL) == AXON_OK && n == 0);
    }
    CASE("axon_scheduler_free", "NULL", X_VOID) {
        axon_scheduler_free(NULL);
        END_VOID();
    }
    CASE("axon_scheduler_free", "twice", X_VOID) {
        axon_scheduler *s = step_sched(sgd_over(vec_rg(2)));
        axon_scheduler_free(s);
        axon_scheduler_free(s);
        END_VOID();
    }
    CASE("axon_scheduler_free", "an optimizer handle: not freed", X_VOID) {
        axon_optimizer *o = sgd_over(vec_rg(2));
        axon_scheduler_free((axon_scheduler *)(void *)o);
        END_IF(axon_optimizer_group_count(o) == 1);
    }
    CASE("axon_scheduler_free", "foreign pointer", X_VOID) {
        axon_scheduler_free((axon_scheduler *)bad_handle(H_SCHED, BAD_FOREIGN));
        END_VOID();
    }
}

/* Composed schedules: two children "step" and "exponential". */
static void composed(void) {
    const char *f = "axon_scheduler_new_composed";
    static const char *const kinds[2] = {"step", "exponential"};
    static const char *const k0[2] = {"step_size", "gamma"}, *const k1[1] = {"gamma"};
    static const double v0[2] = {3, 0.5}, v1[1] = {0.9};
    static const size_t n_opts[2] = {2, 1};
    static const int64_t ms[1] = {5};
    const char *const *keys[2];
    const double *vals[2];
    int k;
    keys[0] = k0;
    keys[1] = k1;
    vals[0] = v0;
    vals[1] = v1;
#define COMPOSED(out, opt, comp, n, kinds_, keys_, vals_, nopts, m, nm) \
    axon_scheduler_new_composed((out), (opt), (comp), (n), (kinds_), (keys_), (vals_), (nopts), (m), (nm))
    CASE(f, "control: sequential", CONTROL) {
        axon_scheduler *s = NULL;
        END(COMPOSED(&s, sgd_over(vec_rg(2)), "sequential", 2, kinds, keys, vals, n_opts, ms, 1));
    }
    CASE(f, "control: chained", CONTROL) {
        axon_scheduler *s = NULL;
        END(COMPOSED(&s, sgd_over(vec_rg(2)), "chained", 2, kinds, keys, vals, n_opts, NULL, 0));
    }
    CASE(f, "NULL out", X_INVAL) {
        END(COMPOSED(NULL, sgd_over(vec_rg(2)), "chained", 2, kinds, keys, vals, n_opts, NULL, 0));
    }
    for (k = 0; k < N_BAD; ++k) {
        CASE(f, bad_label(k, "opt"), X_INVAL) {
            axon_scheduler *s = NULL;
            END(COMPOSED(&s, (axon_optimizer *)bad_handle(H_OPT, k), "chained", 2, kinds, keys, vals, n_opts, NULL, 0));
        }
    }
    CASE(f, "NULL composition", X_INVAL) {
        axon_scheduler *s = NULL;
        END(COMPOSED(&s, sgd_over(vec_rg(2)), NULL, 2, kinds, keys, vals, n_opts, NULL, 0));
    }
    CASE(f, "an unknown composition", X_INVAL) {
        axon_scheduler *s = NULL;
        END(COMPOSED(&s, sgd_over(vec_rg(2)), "parallel", 2, kinds, keys, vals, n_opts, NULL, 0));
    }
    CASE(f, "a non-UTF-8 composition", X_INVAL) {
        axon_scheduler *s = NULL;
        END(COMPOSED(&s, sgd_over(vec_rg(2)), "chain\xff" "ed", 2, kinds, keys, vals, n_opts, NULL, 0));
    }
    CASE(f, "n 0", X_INVAL) {
        axon_scheduler *s = NULL;
        END(COMPOSED(&s, sgd_over(vec_rg(2)), "chained", 0, NULL, NULL, NULL, NULL, NULL, 0));
    }
    CASE(f, "n SIZE_MAX", X_INVAL) {
        axon_scheduler *s = NULL;
        END(COMPOSED(&s, sgd_over(vec_rg(2)), "chained", SZ_NEG, kinds, keys, vals, n_opts, NULL, 0));
    }
    CASE(f, "NULL kinds, n 2", X_INVAL) {
        axon_scheduler *s = NULL;
        END(COMPOSED(&s, sgd_over(vec_rg(2)), "chained", 2, NULL, keys, vals, n_opts, NULL, 0));
    }
    CASE(f, "kinds[1] NULL", X_INVAL) {
        axon_scheduler *s = NULL;
        const char *ks[2] = {"step", NULL};
        END(COMPOSED(&s, sgd_over(vec_rg(2)), "chained", 2, ks, keys, vals, n_opts, NULL, 0));
    }
    CASE(f, "an unknown child kind", X_INVAL) {
        axon_scheduler *s = NULL;
        const char *ks[2] = {"step", "bogus"};
        END(COMPOSED(&s, sgd_over(vec_rg(2)), "chained", 2, ks, keys, vals, n_opts, NULL, 0));
    }
    CASE(f, "NULL n_options, n 2", X_INVAL) {
        axon_scheduler *s = NULL;
        END(COMPOSED(&s, sgd_over(vec_rg(2)), "chained", 2, kinds, keys, vals, NULL, NULL, 0));
    }
    CASE(f, "NULL keys with options", X_INVAL) {
        axon_scheduler *s = NULL;
        END(COMPOSED(&s, sgd_over(vec_rg(2)), "chained", 2, kinds, NULL, vals, n_opts, NULL, 0));
    }
    CASE(f, "NULL values with options", X_INVAL) {
        axon_scheduler *s = NULL;
        END(COMPOSED(&s, sgd_over(vec_rg(2)), "chained", 2, kinds, keys, NULL, n_opts, NULL, 0));
    }
    CASE(f, "keys[1] NULL with n_options[1] 1", X_INVAL) {
        axon_scheduler *s = NULL;
        const char *const *ks[2];
        ks[0] = k0;
        ks[1] = NULL;
        END(COMPOSED(&s, sgd_over(vec_rg(2)), "chained", 2, kinds, ks, vals, n_opts, NULL, 0));
    }
    CASE(f, "n_options[1] SIZE_MAX", X_INVAL) {
        axon_scheduler *s = NULL;
        size_t no[2] = {2, SZ_NEG};
        END(COMPOSED(&s, sgd_over(vec_rg(2)), "chained", 2, kinds, keys, vals, no, NULL, 0));
    }
    CASE(f, "a child option NaN", X_INVAL) {
        axon_scheduler *s = NULL;
        const double bad1[1] = {NAN};
        const double *vs[2];
        vs[0] = v0;
        vs[1] = bad1;
        END(COMPOSED(&s, sgd_over(vec_rg(2)), "chained", 2, kinds, keys, vs, n_opts, NULL, 0));
    }
    CASE(f, "sequential without milestones", X_INVAL) {
        axon_scheduler *s = NULL;
        END(COMPOSED(&s, sgd_over(vec_rg(2)), "sequential", 2, kinds, keys, vals, n_opts, NULL, 0));
    }
    CASE(f, "NULL milestones, n_milestones 1", X_INVAL) {
        axon_scheduler *s = NULL;
        END(COMPOSED(&s, sgd_over(vec_rg(2)), "sequential", 2, kinds, keys, vals, n_opts, NULL, 1));
    }
    CASE(f, "n_milestones SIZE_MAX", X_INVAL) {
        axon_scheduler *s = NULL;
        END(COMPOSED(&s, sgd_over(vec_rg(2)), "sequential", 2, kinds, keys, vals, n_opts, ms, SZ_NEG));
    }
    CASE(f, "two milestones for two schedules", X_INVAL) {
        axon_scheduler *s = NULL;
        const int64_t m2[2] = {5, 8};
        END(COMPOSED(&s, sgd_over(vec_rg(2)), "sequential", 2, kinds, keys, vals, n_opts, m2, 2));
    }
    CASE(f, "milestone 0", X_INVAL) {
        axon_scheduler *s = NULL;
        const int64_t m0[1] = {0};
        END(COMPOSED(&s, sgd_over(vec_rg(2)), "sequential", 2, kinds, keys, vals, n_opts, m0, 1));
    }
    CASE(f, "milestone -5", X_INVAL) {
        axon_scheduler *s = NULL;
        const int64_t mn[1] = {-5};
        END(COMPOSED(&s, sgd_over(vec_rg(2)), "sequential", 2, kinds, keys, vals, n_opts, mn, 1));
    }
    CASE(f, "milestones not increasing", X_INVAL) {
        axon_scheduler *s = NULL;
        const char *ks[3] = {"step", "exponential", "exponential"};
        const char *const *kk[3];
        const double *vv[3];
        const size_t no[3] = {2, 1, 1};
        const int64_t m2[2] = {5, 3};
        kk[0] = k0;
        kk[1] = kk[2] = k1;
        vv[0] = v0;
        vv[1] = vv[2] = v1;
        END(COMPOSED(&s, sgd_over(vec_rg(2)), "sequential", 3, ks, kk, vv, no, m2, 2));
    }
    CASE(f, "milestone INT64_MAX", X_OK | X_INVAL) {
        axon_scheduler *s = NULL;
        const int64_t mm[1] = {INT64_MAX};
        END(COMPOSED(&s, sgd_over(vec_rg(2)), "sequential", 2, kinds, keys, vals, n_opts, mm, 1));
    }
    CASE(f, "chained with milestones", X_INVAL) {
        axon_scheduler *s = NULL;
        END(COMPOSED(&s, sgd_over(vec_rg(2)), "chained", 2, kinds, keys, vals, n_opts, ms, 1));
    }
#undef COMPOSED
}

static void plateaus(void) {
    typedef struct { const char *key; double value; unsigned expect; } plateau_case;
    static const plateau_case cases[] = {
        {"mode", 2, X_INVAL}, {"mode", -1, X_INVAL}, {"mode", 0.5, X_INVAL}, {"factor", 1, X_INVAL},
        {"factor", 0, X_INVAL}, {"factor", -1, X_INVAL}, {"factor", NAN, X_INVAL}, {"patience", -1, X_INVAL},
        {"patience", 1.5, X_INVAL}, {"patience", NAN, X_INVAL}, {"patience", 1e300, X_OK | X_INVAL},
        {"threshold", -1, X_INVAL}, {"threshold", NAN, X_INVAL}, {"threshold_mode", 2, X_INVAL},
        {"cooldown", -1, X_INVAL}, {"cooldown", 1.5, X_INVAL}, {"cooldown", 1e300, X_OK | X_INVAL},
        {"min_lr", -1, X_INVAL}, {"min_lr", NAN, X_INVAL}, {"eps", -1, X_INVAL}, {"eps", NAN, X_INVAL},
        {"bogus", 1, X_INVAL}, {"", 1, X_INVAL}, {"factor\xff", 0.5, X_INVAL},
    };
    static const double metrics[3] = {NAN, INFINITY, -INFINITY};
    char label[96];
    size_t i;
    int k;
    CASE("axon_plateau_new", "control", CONTROL) {
        axon_plateau *p = NULL;
        const char *keys[2] = {"mode", "patience"};
        double vals[2] = {1, 2};
        END(axon_plateau_new(&p, sgd_over(vec_rg(2)), keys, vals, 2));
    }
    for (i = 0; i < sizeof cases / sizeof *cases; ++i) {
        snprintf(label, sizeof label, "%s = %g", cases[i].key, cases[i].value);
        CASE("axon_plateau_new", label, cases[i].expect) {
            axon_plateau *p = NULL;
            END(axon_plateau_new(&p, sgd_over(vec_rg(2)), &cases[i].key, &cases[i].value, 1));
        }
    }
    CASE("axon_plateau_new", "NULL out", X_INVAL) { END(axon_plateau_new(NULL, sgd_over(vec_rg(2)), NULL, NULL, 0)); }
    CASE("axon_plateau_new", "a key given twice", X_INVAL) {
        axon_plateau *p = NULL;
        const char *keys[2] = {"mode", "mode"};
        double vals[2] = {1, 0};
        END(axon_plateau_new(&p, sgd_over(vec_rg(2)), keys, vals, 2));
    }
    CASE("axon_plateau_new", "NULL keys, n_options 1", X_INVAL) {
        axon_plateau *p = NULL;
        double v = 1;
        END(axon_plateau_new(&p, sgd_over(vec_rg(2)), NULL, &v, 1));
    }
    CASE("axon_plateau_new", "n_options SIZE_MAX", X_INVAL) {
        axon_plateau *p = NULL;
        const char *key = "mode";
        double v = 1;
        END(axon_plateau_new(&p, sgd_over(vec_rg(2)), &key, &v, SZ_NEG));
    }
    for (k = 0; k < N_BAD; ++k) {
        CASE("axon_plateau_new", bad_label(k, "opt"), X_INVAL) {
            axon_plateau *p = NULL;
            END(axon_plateau_new(&p, (axon_optimizer *)bad_handle(H_OPT, k), NULL, NULL, 0));
        }
        CASE("axon_plateau_step", bad_label(k, "p"), X_INVAL) {
            END(axon_plateau_step((axon_plateau *)bad_handle(H_PLATEAU, k), 1));
        }
    }
    CASE("axon_plateau_step", "control", CONTROL) { END(axon_plateau_step(plateau_of(sgd_over(vec_rg(2))), 1)); }
    for (i = 0; i < 3; ++i) {
        snprintf(label, sizeof label, "metric %g", metrics[i]);
        CASE("axon_plateau_step", label, i == 0 ? X_INVAL : X_OK | X_INVAL) {
            END(axon_plateau_step(plateau_of(sgd_over(vec_rg(2))), metrics[i]));
        }
    }
    CASE("axon_plateau_step", "a NaN metric changes nothing", X_VOID) {
        axon_optimizer *o = sgd_over(vec_rg(2));
        axon_plateau *p = NULL;
        const char *keys[2] = {"patience", "factor"};
        double vals[2] = {0, 0.5}, lr = 0;
        int j;
        if (axon_plateau_new(&p, o, keys, vals, 2) != AXON_OK) setup_fail("plateau");
        axon_plateau_step(p, 1);
        for (j = 0; j < 5; ++j) axon_plateau_step(p, NAN);
        END_IF(axon_optimizer_get_lr(&lr, o, 0) == AXON_OK && lr == 0.1);
    }
    CASE("axon_plateau_free", "control", CONTROL_VOID) {
        size_t n = 1;
        axon_tensor *t = vec_rg(2);
        axon_optimizer *o = sgd_over(t);
        axon_plateau_free(plateau_of(o));
        axon_optimizer_free(o);
        axon_tensor_free(t);
        END_IF(axon_live_handles(&n, NULL) == AXON_OK && n == 0);
    }
    CASE("axon_plateau_free", "NULL", X_VOID) {
        axon_plateau_free(NULL);
        END_VOID();
    }
    CASE("axon_plateau_free", "twice", X_VOID) {
        axon_plateau *p = plateau_of(sgd_over(vec_rg(2)));
        axon_plateau_free(p);
        axon_plateau_free(p);
        END_VOID();
    }
    CASE("axon_plateau_free", "an optimizer handle: not freed", X_VOID) {
        axon_optimizer *o = sgd_over(vec_rg(2));
        axon_plateau_free((axon_plateau *)(void *)o);
        END_IF(axon_optimizer_group_count(o) == 1);
    }
    CASE("axon_plateau_free", "foreign pointer", X_VOID) {
        axon_plateau_free((axon_plateau *)bad_handle(H_PLATEAU, BAD_FOREIGN));
        END_VOID();
    }
}

void cases_sched(void) {
    schedulers();
    composed();
    plateaus();
}
