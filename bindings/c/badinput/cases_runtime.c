/*
** cases_runtime.c - versions, errors, the runtime settings and gradient mode.
*/
#include "harness.h"

static void versions(void) {
    CASE("axon_version", "control: the header's version", CONTROL_VOID) {
        const char *v = axon_version();
        END_IF(v && strcmp(v, AXON_VERSION) == 0);
    }
    CASE("axon_version", "twice: the same static string", X_VOID) {
        END_IF(axon_version() == axon_version());
    }
    CASE("axon_version_number", "control", CONTROL_VOID) { END_IF(axon_version_number() == AXON_VERSION_NUMBER); }
    CASE("axon_abi_version", "control", CONTROL_VOID) { END_IF(axon_abi_version() == AXON_ABI_VERSION); }
    CASE("axon_format_version", "control", CONTROL_VOID) { END_IF(axon_format_version() == AXON_FORMAT_VERSION); }
}

static void errors(void) {
    static const int unknown[] = {-1, LAST_STATUS + 1, 99, 100, INT_MIN, INT_MAX};
    size_t i;
    char label[64];
    CASE("axon_status_string", "control: every status", CONTROL_VOID) {
        int s, ok = 1;
        for (s = AXON_OK; s <= LAST_STATUS; ++s) {
            const char *t = axon_status_string(s);
            ok = ok && t && *t && strcmp(t, "unknown status") != 0;
        }
        END_IF(ok);
    }
    for (i = 0; i < sizeof unknown / sizeof *unknown; ++i) {
        snprintf(label, sizeof label, "unknown code %d", unknown[i]);
        CASE("axon_status_string", label, X_VOID) {
            const char *t = axon_status_string(unknown[i]);
            END_IF(t && strcmp(t, "unknown status") == 0);
        }
    }
    CASE("axon_last_error", "control: \"\" before any failure", CONTROL_VOID) {
        const char *e = axon_last_error();
        END_IF(e && *e == 0);
    }
    CASE("axon_last_error", "after a failure: a message naming the function", X_VOID) {
        const char *e;
        axon_tensor_add(NULL, NULL, NULL);
        e = axon_last_error();
        END_IF(e && strstr(e, "add") != NULL);
    }
    CASE("axon_last_error", "a success does not clear it", X_VOID) {
        size_t n;
        const char *e;
        axon_tensor_add(NULL, NULL, NULL);
        axon_live_handles(&n, NULL);
        e = axon_last_error();
        END_IF(e && *e != 0);
    }
}

static void runtime(void) {
    static const int bad_threads[] = {0, -1, 257, 1000, INT_MIN, INT_MAX};
    static const char *const types[] = {"axon_tensor", "axon_model", "axon_optimizer", "axon_scheduler",
                                        "axon_generator", "axon_plateau", "axon_dataset", "axon_loader",
                                        "axon_standardizer", "axon_pca", "axon_tensor_file"};
    static const char *const bad_types[] = {"", "axon_foo", "AXON_TENSOR", "axon_tensor ", "tensor",
                                            "axon_tensor\xff", "\xc0\xaf", "axon_tensor\n"};
    size_t i;
    char label[96];
    CASE("axon_set_num_threads", "control: 1", CONTROL) { END(axon_set_num_threads(1)); }
    CASE("axon_set_num_threads", "control: 256", CONTROL) { END(axon_set_num_threads(256)); }
    for (i = 0; i < sizeof bad_threads / sizeof *bad_threads; ++i) {
        snprintf(label, sizeof label, "n = %d", bad_threads[i]);
        CASE("axon_set_num_threads", label, X_INVAL) { END(axon_set_num_threads(bad_threads[i])); }
    }
    CASE("axon_set_num_threads", "a refused count leaves the count as it was", X_VOID) {
        int before = axon_get_num_threads();
        axon_set_num_threads(0);
        END_IF(axon_get_num_threads() == before);
    }
    CASE("axon_get_num_threads", "control: after set 3", CONTROL_VOID) {
        axon_set_num_threads(3);
        END_IF(axon_get_num_threads() == 3);
    }
    CASE("axon_get_num_threads", "default: at least 1", X_VOID) { END_IF(axon_get_num_threads() >= 1); }
    CASE("axon_cpu_features", "control: names the kernel path", CONTROL_VOID) {
        const char *f = axon_cpu_features();
        END_IF(f && strstr(f, "kernels=") != NULL);
    }
    CASE("axon_live_handles", "control: every type", CONTROL_VOID) {
        size_t n = 99, k;
        int ok = axon_live_handles(&n, NULL) == AXON_OK && n == 0;
        for (k = 0; k < sizeof types / sizeof *types; ++k) ok = ok && axon_live_handles(&n, types[k]) == AXON_OK;
        END_IF(ok);
    }
    CASE("axon_live_handles", "control: counts a tensor", CONTROL_VOID) {
        size_t n = 0;
        axon_tensor *t = vec(2);
        int ok = axon_live_handles(&n, "axon_tensor") == AXON_OK && n == 1;
        axon_tensor_free(t);
        END_IF(ok && axon_live_handles(&n, NULL) == AXON_OK && n == 0);
    }
    CASE("axon_live_handles", "NULL out", X_INVAL) { END(axon_live_handles(NULL, NULL)); }
    CASE("axon_live_handles", "NULL out, known type", X_INVAL) { END(axon_live_handles(NULL, "axon_tensor")); }
    for (i = 0; i < sizeof bad_types / sizeof *bad_types; ++i) {
        snprintf(label, sizeof label, "unknown type name #%zu (empty, case, spaces, non-UTF-8)", i);
        CASE("axon_live_handles", label, X_INVAL) {
            size_t n;
            END(axon_live_handles(&n, bad_types[i]));
        }
    }
}

static void grad_mode(void) {
    CASE("axon_set_grad_enabled", "control: off and on", CONTROL_VOID) {
        int a = axon_set_grad_enabled(0), b = axon_set_grad_enabled(1);
        END_IF(a == 1 && b == 0 && axon_is_grad_enabled() == 1);
    }
    CASE("axon_set_grad_enabled", "-1 is on, and the previous mode is 0 or 1", X_VOID) {
        int a, b;
        axon_set_grad_enabled(0);
        a = axon_set_grad_enabled(-1);
        b = axon_set_grad_enabled(0);
        END_IF(a == 0 && b == 1);
    }
    CASE("axon_set_grad_enabled", "INT_MIN is on", X_VOID) {
        axon_set_grad_enabled(INT_MIN);
        END_IF(axon_is_grad_enabled() == 1 && axon_set_grad_enabled(1) == 1);
    }
    CASE("axon_set_grad_enabled", "2 returns 1 afterwards, not 2", X_VOID) {
        axon_set_grad_enabled(2);
        END_IF(axon_set_grad_enabled(1) == 1);
    }
    CASE("axon_is_grad_enabled", "control: on by default", CONTROL_VOID) { END_IF(axon_is_grad_enabled() == 1); }
    CASE("axon_is_grad_enabled", "off after set 0", X_VOID) {
        axon_set_grad_enabled(0);
        END_IF(axon_is_grad_enabled() == 0);
    }
}

void cases_runtime(void) {
    versions();
    errors();
    runtime();
    grad_mode();
}
