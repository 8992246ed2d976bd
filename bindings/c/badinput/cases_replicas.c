/*
** cases_replicas.c - data-parallel training, the buffers: flat buffers of a model and of
** tensors, and broadcast (the hooks are in fixtures.c; the training is in
** cases_replicas_train.c).
*/
#include "harness.h"

/* A model "linear 2 3; ..." with gradients: one backward pass over a [4, 2] batch. */
static axon_model *net_with_grads(void) {
    axon_model *m = model(BN_NET);
    axon_tensor *out = NULL, *s = NULL;
    if (axon_model_forward(&out, m, mat(4, 2)) != AXON_OK || axon_tensor_sum(&s, out) != AXON_OK ||
        axon_tensor_backward(s) != AXON_OK)
        setup_fail("backward");
    return m;
}

static void model_flat(void) {
    static const int bad_parts[] = {-1, 3, INT_MAX, INT_MIN};
    const char *fc = "axon_model_flat_count", *fr = "axon_model_flat_read", *fw = "axon_model_flat_write";
    float buf[64];
    char label[96];
    size_t i;
    int k, part;
    CASE(fc, "control: 23 parameters, 30 of state", CONTROL_VOID) {
        axon_model *m = model(BN_NET);
        END_IF(axon_model_flat_count(m, AXON_PART_PARAMETERS) == 23 &&
               axon_model_flat_count(m, AXON_PART_GRADIENTS) == 23 && axon_model_flat_count(m, AXON_PART_STATE) == 30);
    }
    CASE(fc, "control: a model without state: 0", CONTROL_VOID) {
        END_IF(axon_model_flat_count(model("relu"), AXON_PART_STATE) == 0);
    }
    for (k = 0; k < N_BAD; ++k) {
        CASE(fc, bad_label(k, "m: 0"), X_VOID) {
            END_IF(axon_model_flat_count((axon_model *)bad_handle(H_MODEL, k), AXON_PART_STATE) == 0);
        }
        CASE(fr, bad_label(k, "m"), X_INVAL) {
            END(axon_model_flat_read((axon_model *)bad_handle(H_MODEL, k), AXON_PART_STATE, buf, 30));
        }
        CASE(fw, bad_label(k, "m"), X_INVAL) {
            END(axon_model_flat_write((axon_model *)bad_handle(H_MODEL, k), AXON_PART_STATE, buf, 30));
        }
    }
    for (i = 0; i < sizeof bad_parts / sizeof *bad_parts; ++i) {
        snprintf(label, sizeof label, "part %d: 0", bad_parts[i]);
        CASE(fc, label, X_VOID) { END_IF(axon_model_flat_count(model(BN_NET), bad_parts[i]) == 0); }
        snprintf(label, sizeof label, "part %d", bad_parts[i]);
        CASE(fr, label, X_INVAL) { END(axon_model_flat_read(model(BN_NET), bad_parts[i], buf, 30)); }
        CASE(fw, label, X_INVAL) {
            axon_model *m = model(BN_NET);
            size_t n;
            float *before = state_of(m, &n);
            memset(buf, 0, sizeof buf);
            END(unchanged_on_error(axon_model_flat_write(m, bad_parts[i], buf, 30), m, before, n));
        }
    }
    for (part = 0; part < 3; ++part) {
        static const size_t counts[3] = {23, 23, 30};
        static const char *const names[3] = {"parameters", "gradients", "state"};
        size_t n = counts[part];
        snprintf(label, sizeof label, "control: %s, count %zu", names[part], n);
        CASE(fr, label, CONTROL) { END(axon_model_flat_read(net_with_grads(), part, buf, n)); }
        CASE(fw, label, CONTROL) {
            axon_model *m = net_with_grads();
            float back[64];
            axon_status st;
            for (i = 0; i < n; ++i) buf[i] = (float)i / 4 + 1;
            st = axon_model_flat_write(m, part, buf, n);
            END_CHECKED(st, axon_model_flat_read(m, part, back, n) == AXON_OK && memcmp(back, buf, n * 4) == 0);
        }
        snprintf(label, sizeof label, "%s: NULL out, count %zu", names[part], n);
        CASE(fr, label, X_INVAL) { END(axon_model_flat_read(model(BN_NET), part, NULL, n)); }
        snprintf(label, sizeof label, "%s: NULL values, count %zu", names[part], n);
        CASE(fw, label, X_INVAL) { END(axon_model_flat_write(model(BN_NET), part, NULL, n)); }
        snprintf(label, sizeof label, "%s: NULL buffer, count 0", names[part]);
        CASE(fr, label, X_INVAL) { END(axon_model_flat_read(model(BN_NET), part, NULL, 0)); }
        CASE(fw, label, X_INVAL) { END(axon_model_flat_write(model(BN_NET), part, NULL, 0)); }
        for (k = 0; k < 4; ++k) {
            static const char *const what[4] = {"count - 1", "count + 1", "count SIZE_MAX", "count SIZE_MAX / 2"};
            size_t wrong = k == 0 ? n - 1 : k == 1 ? n + 1 : k == 2 ? SZ_NEG : SZ_NEG / 2;
            snprintf(label, sizeof label, "%s: %s", names[part], what[k]);
            CASE(fr, label, X_INVAL) { END(axon_model_flat_read(model(BN_NET), part, buf, wrong)); }
            snprintf(label, sizeof label, "%s: %s, nothing changes", names[part], what[k]);
            CASE(fw, label, X_INVAL) {
                axon_model *m = net_with_grads();
                size_t ns;
                float *before = state_of(m, &ns), grads[64], after[64];
                axon_status st;
                if (axon_model_flat_read(m, AXON_PART_GRADIENTS, grads, 23) != AXON_OK) setup_fail("grads");
                for (i = 0; i < 64; ++i) buf[i] = 7;
                st = axon_model_flat_write(m, part, buf, wrong);
                if (st != AXON_OK && (axon_model_flat_read(m, AXON_PART_GRADIENTS, after, 23) != AXON_OK ||
                                      memcmp(grads, after, sizeof(float) * 23) != 0))
                    END(R_BADVAL);
                END(unchanged_on_error(st, m, before, ns));
            }
        }
    }
    CASE(fr, "control: a model without parameters, NULL out, count 0", CONTROL) {
        END(axon_model_flat_read(model("relu"), AXON_PART_PARAMETERS, NULL, 0));
    }
    CASE(fw, "control: a model without state, NULL values, count 0", CONTROL) {
        END(axon_model_flat_write(model("relu"), AXON_PART_STATE, NULL, 0));
    }
    CASE(fw, "gradients of zeros on a model without gradients: none made", X_VOID) {
        axon_model *m = model(BN_NET);
        axon_tensor *g = vec(1);
        memset(buf, 0, sizeof buf);
        if (axon_model_flat_write(m, AXON_PART_GRADIENTS, buf, 23) != AXON_OK) END(R_BADVAL);
        END_IF(axon_tensor_grad(&g, param0(m)) == AXON_OK && g == NULL);
    }
    CASE(fw, "a non-zero gradient on a model without gradients: made", X_VOID) {
        axon_model *m = model(BN_NET);
        axon_tensor *g = NULL;
        memset(buf, 0, sizeof buf);
        buf[0] = 1;
        if (axon_model_flat_write(m, AXON_PART_GRADIENTS, buf, 23) != AXON_OK) END(R_BADVAL);
        END_IF(axon_tensor_grad(&g, param0(m)) == AXON_OK && g != NULL);
    }
    CASE(fw, "NaN and infinite values (nothing forbids them)", X_OK) {
        for (i = 0; i < 30; ++i) buf[i] = i % 2 ? NAN : INFINITY;
        END(axon_model_flat_write(model(BN_NET), AXON_PART_STATE, buf, 30));
    }
}

static void tensors_flat(void) {
    static const int bad_flags[] = {2, -1, INT_MIN};
    const char *fr = "axon_tensors_flat_read", *fw = "axon_tensors_flat_write";
    float buf[16] = {0};
    char label[96];
    size_t i;
    int k, g;
    for (g = 0; g < 2; ++g) {
        snprintf(label, sizeof label, "control: %s of two tensors", g ? "gradients" : "values");
        CASE(fr, label, CONTROL) {
            axon_tensor *ts[2];
            ts[0] = vec_rg(3);
            ts[1] = mat(2, 2);
            END(axon_tensors_flat_read(ts, 2, g, buf, 7));
        }
        CASE(fw, label, CONTROL) {
            axon_tensor *ts[2];
            float back[7];
            axon_status st;
            ts[0] = vec_rg(3);
            ts[1] = mat(2, 2);
            for (i = 0; i < 7; ++i) buf[i] = (float)i - 3;
            st = axon_tensors_flat_write(ts, 2, g, buf, 7);
            END_CHECKED(st, axon_tensors_flat_read(ts, 2, g, back, 7) == AXON_OK && memcmp(back, buf, 28) == 0);
        }
    }
    CASE(fr, "control: no tensors, NULL out, count 0", CONTROL) { END(axon_tensors_flat_read(NULL, 0, 0, NULL, 0)); }
    CASE(fw, "control: no tensors, NULL values, count 0", CONTROL) {
        END(axon_tensors_flat_write(NULL, 0, 1, NULL, 0));
    }
    CASE(fw, "control: the same tensor twice", CONTROL) {
        axon_tensor *t = vec(2), *ts[2];
        ts[0] = ts[1] = t;
        END(axon_tensors_flat_write(ts, 2, 0, buf, 4));
    }
    CASE(fr, "a zero-size huge tensor: count 0", X_OK) {
        axon_tensor *t = huge_empty();
        END(axon_tensors_flat_read(&t, 1, 1, NULL, 0));
    }
    CASE(fr, "NULL tensors, n 1", X_INVAL) { END(axon_tensors_flat_read(NULL, 1, 0, buf, 3)); }
    CASE(fw, "NULL tensors, n 1", X_INVAL) { END(axon_tensors_flat_write(NULL, 1, 0, buf, 3)); }
    CASE(fr, "n SIZE_MAX", X_INVAL) {
        axon_tensor *t = vec(3);
        END(axon_tensors_flat_read(&t, SZ_NEG, 0, buf, 3));
    }
    CASE(fw, "n SIZE_MAX", X_INVAL) {
        axon_tensor *t = vec(3);
        END(axon_tensors_flat_write(&t, SZ_NEG, 0, buf, 3));
    }
    for (k = 0; k < N_BAD; ++k) {
        CASE(fr, bad_label(k, "tensors[1]"), X_INVAL) {
            axon_tensor *ts[2];
            ts[0] = vec(3);
            ts[1] = (axon_tensor *)bad_handle(H_TENSOR, k);
            END(axon_tensors_flat_read(ts, 2, 0, buf, 4));
        }
        CASE(fw, bad_label(k, "tensors[1]"), X_INVAL) {
            axon_tensor *ts[2];
            ts[0] = vec(3);
            ts[1] = (axon_tensor *)bad_handle(H_TENSOR, k);
            END(axon_tensors_flat_write(ts, 2, 0, buf, 4));
        }
    }
    for (i = 0; i < sizeof bad_flags / sizeof *bad_flags; ++i) {
        snprintf(label, sizeof label, "gradients %d", bad_flags[i]);
        CASE(fr, label, X_INVAL) {
            axon_tensor *t = vec(3);
            END(axon_tensors_flat_read(&t, 1, bad_flags[i], buf, 3));
        }
        CASE(fw, label, X_INVAL) {
            axon_tensor *t = vec(3);
            END(axon_tensors_flat_write(&t, 1, bad_flags[i], buf, 3));
        }
    }
    for (k = 0; k < 4; ++k) {
        static const char *const what[4] = {"count 2 for 3", "count 4 for 3", "count SIZE_MAX", "NULL buffer, count 3"};
        size_t count = k == 0 ? 2 : k == 1 ? 4 : k == 2 ? SZ_NEG : 3;
        CASE(fr, what[k], X_INVAL) {
            axon_tensor *t = vec(3);
            END(axon_tensors_flat_read(&t, 1, 0, k == 3 ? NULL : buf, count));
        }
        snprintf(label, sizeof label, "%s, nothing changes", what[k]);
        CASE(fw, label, X_INVAL) {
            static const float one_two_three[3] = {1, 2, 3};
            axon_tensor *t = vec(3);
            axon_status st;
            for (i = 0; i < 16; ++i) buf[i] = 9;
            st = axon_tensors_flat_write(&t, 1, 0, k == 3 ? NULL : buf, count);
            END(st != AXON_OK && !(axon_tensor_numel(t) == 3 && axon_tensor_copy_data(t, buf, 3) == AXON_OK &&
                                   memcmp(buf, one_two_three, 12) == 0) ? R_BADVAL : st);
        }
    }
}

static void broadcast(void) {
    const char *f = "axon_model_broadcast";
    static const int codes[3] = {1, -1, INT_MIN};
    char label[64];
    int k, c;
    CASE(f, "control", CONTROL) { END(axon_model_broadcast(model(BN_NET), hook_keep, NULL)); }
    CASE(f, "control: a model without state (an empty buffer)", CONTROL) {
        END(axon_model_broadcast(model("relu"), hook_keep, NULL));
    }
    for (k = 0; k < N_BAD; ++k) {
        CASE(f, bad_label(k, "m"), X_INVAL) {
            END(axon_model_broadcast((axon_model *)bad_handle(H_MODEL, k), hook_keep, NULL));
        }
    }
    CASE(f, "NULL broadcast", X_INVAL) { END(axon_model_broadcast(model(BN_NET), NULL, NULL)); }
    for (c = 0; c < 3; ++c) {
        snprintf(label, sizeof label, "broadcast returns %d: nothing changes", codes[c]);
        CASE(f, label, X_CALLBACK) {
            axon_model *m = model(BN_NET);
            size_t n;
            float *before = state_of(m, &n);
            END(unchanged_on_error(axon_model_broadcast(m, hook_scribble, (void *)&codes[c]), m, before, n));
        }
    }
    CASE(f, "broadcast writes NaN (nothing forbids it)", X_OK) {
        END(axon_model_broadcast(model(BN_NET), hook_nan, NULL));
    }
}

void cases_replicas(void) {
    model_flat();
    tensors_flat();
    broadcast();
}
