/*
** cases_safetensors.c - safetensors: saving and loading models and named tensors, and hostile
** files (header lengths, JSON, offsets, shapes, dtypes) refused with AXON_ERR_FORMAT.
*/
#include "harness.h"

static const char *valid_safetensors(void) {
    axon_model *m = model("linear 2 3");
    if (axon_model_save_safetensors(m, "model.safetensors") != AXON_OK) setup_fail("axon_model_save_safetensors");
    axon_model_free(m);
    return "model.safetensors";
}

static axon_status load_file_at(const char *path) {
    axon_tensor_file *f = NULL;
    return axon_safetensors_load(&f, path);
}

static axon_status load_model_at(const char *path) {
    return axon_model_load_safetensors(model("linear 2 3"), path, 1, NULL, NULL, 0);
}

static axon_status save_model_at(const char *path) { return axon_model_save_safetensors(model("linear 2 3"), path); }

static axon_status save_tensors_at(const char *path) {
    const char *names[2] = {"a", "n"}, *keys[1] = {"format"}, *vals[1] = {"pt"};
    const int integer[2] = {0, 1};
    axon_tensor *ts[2];
    ts[0] = vec(3);
    ts[1] = scalar(7);
    return axon_safetensors_save(path, names, ts, integer, 2, keys, vals, 1);
}

#define DEEP 100000

static char *deep_json(int objects) {
    char *s = (char *)malloc(6 * DEEP + 64), *p = s;
    int i;
    p += sprintf(p, "{\"a\":");
    for (i = 0; i < DEEP; ++i) p += sprintf(p, objects ? "{\"a\":" : "[");
    *p++ = '1';
    for (i = 0; i < DEEP; ++i) *p++ = objects ? '}' : ']';
    sprintf(p, "}");
    return s;
}

typedef struct { const char *label, *json; uint64_t declared; size_t n_data; unsigned expect; } hostile;

#define T1(body) "{\"weight\":{" body "}}"

static const hostile hostiles[] = {
    {"header length 2^63", T1("\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]"), (uint64_t)1 << 63, 4,
     X_FORMAT},
    {"header length UINT64_MAX - 1", "{}", UINT64_MAX - 1, 0, X_FORMAT},
    {"header length beyond the file", "{}", 3, 0, X_FORMAT},
    {"header length 0", "", 0, 0, X_FORMAT},
    {"JSON an array", "[]", UINT64_MAX, 0, X_FORMAT},
    {"JSON cut short", "{\"weight\":{\"dtype\":", UINT64_MAX, 0, X_FORMAT},
    {"JSON with trailing bytes", "{} x", UINT64_MAX, 0, X_FORMAT | X_OK},
    {"data_offsets out of range", T1("\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,1000]"), UINT64_MAX, 8,
     X_FORMAT},
    {"data_offsets reversed", T1("\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,0]"), UINT64_MAX, 8, X_FORMAT},
    {"data_offsets of 2^64", T1("\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,18446744073709551616]"),
     UINT64_MAX, 8, X_FORMAT},
    {"data_offsets not numbers", T1("\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[\"0\",8]"), UINT64_MAX, 8,
     X_FORMAT},
    {"data_offsets fractional", T1("\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0.5,8]"), UINT64_MAX, 8,
     X_FORMAT},
    {"a shape that disagrees with its bytes", T1("\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]"),
     UINT64_MAX, 8, X_FORMAT},
    {"a shape {2^62, 4} (the count overflows)", T1("\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],"
     "\"data_offsets\":[0,8]"), UINT64_MAX, 8, X_FORMAT},
    {"a shape {2^32, 2^32, 2^32} on 0 bytes", T1("\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4294967296],"
     "\"data_offsets\":[0,0]"), UINT64_MAX, 0, X_FORMAT},
    {"a negative dimension", T1("\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]"), UINT64_MAX, 8, X_FORMAT},
    {"a dimension 1e400", T1("\"dtype\":\"F32\",\"shape\":[1e400],\"data_offsets\":[0,8]"), UINT64_MAX, 8, X_FORMAT},
    {"a fractional dimension", T1("\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]"), UINT64_MAX, 8,
     X_FORMAT},
    {"17 dimensions", T1("\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,2],\"data_offsets\":[0,8]"),
     UINT64_MAX, 8, X_FORMAT | X_INVAL},
    {"an unknown dtype", T1("\"dtype\":\"F8\",\"shape\":[2],\"data_offsets\":[0,2]"), UINT64_MAX, 2, X_FORMAT},
    {"a dtype that is not a string", T1("\"dtype\":32,\"shape\":[2],\"data_offsets\":[0,8]"), UINT64_MAX, 8,
     X_FORMAT},
    {"a name given twice", "{\"weight\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
     "\"weight\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", UINT64_MAX, 8, X_FORMAT},
    {"overlapping tensors", "{\"weight\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
     "\"bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", UINT64_MAX, 8, X_FORMAT},
    {"a gap between tensors", "{\"weight\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
     "\"bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", UINT64_MAX, 12, X_FORMAT},
    {"__metadata__ not an object", "{\"__metadata__\":[1]}", UINT64_MAX, 0, X_FORMAT},
    {"a metadata value that is not a string", "{\"__metadata__\":{\"a\":1}}", UINT64_MAX, 0, X_FORMAT | X_OK},
    {"a name of non-UTF-8 bytes", "{\"w\xff\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", UINT64_MAX,
     4, X_FORMAT | X_OK},
    {"a string with a bad escape", "{\"w\\q\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", UINT64_MAX, 4,
     X_FORMAT},
    {"a string with a lone surrogate escape", "{\"\\ud800\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
     UINT64_MAX, 4, X_FORMAT | X_OK},
};

/* `also`: what else a case that may be a valid file can give (a strict model load of a file
   without the model's names is AXON_ERR_INVALID_ARGUMENT). */
static void hostile_cases(const char *f, path_op op, unsigned also) {
    size_t i;
    for (i = 0; i < sizeof hostiles / sizeof *hostiles; ++i) {
        CASE(f, hostiles[i].label, hostiles[i].expect | (hostiles[i].expect & X_OK ? also : 0)) {
            END(op(safetensors_file("h.safetensors", hostiles[i].json, hostiles[i].declared, hostiles[i].n_data)));
        }
    }
    CASE(f, "objects nested 100000 deep", X_FORMAT) { END(op(safetensors_file("d.st", deep_json(1), UINT64_MAX, 0))); }
    CASE(f, "arrays nested 100000 deep", X_FORMAT) { END(op(safetensors_file("d.st", deep_json(0), UINT64_MAX, 0))); }
    CASE(f, "a header of 8 MB of spaces", X_FORMAT | X_OK | also) {
        size_t n = (size_t)8 << 20;
        char *json = (char *)malloc(n + 3);
        memset(json, ' ', n + 2);
        json[0] = '{';
        json[n] = '}';
        json[n + 1] = 0;
        END(op(safetensors_file("big.st", json, UINT64_MAX, 0)));
    }
}

static void model_files(void) {
    const char *f = "axon_model_load_safetensors";
    static const int bad_strict[3] = {2, -1, INT_MIN};
    char label[64];
    int k;
    size_t i;
    write_path_cases("axon_model_save_safetensors", save_model_at);
    for (k = 0; k < N_BAD; ++k) {
        CASE("axon_model_save_safetensors", bad_label(k, "m"), X_INVAL) {
            END(axon_model_save_safetensors((axon_model *)bad_handle(H_MODEL, k), "out.safetensors"));
        }
        CASE(f, bad_label(k, "m"), X_INVAL) {
            const char *p = valid_safetensors();
            END(axon_model_load_safetensors((axon_model *)bad_handle(H_MODEL, k), p, 1, NULL, NULL, 0));
        }
    }
    CASE("axon_model_save_safetensors", "a model without state (relu)", X_OK) {
        END(axon_model_save_safetensors(model("relu"), "out.safetensors"));
    }
    read_path_cases(f, load_model_at, valid_safetensors, model_file, 0);
    hostile_cases(f, load_model_at, X_INVAL);
    for (i = 0; i < 3; ++i) {
        snprintf(label, sizeof label, "strict %d", bad_strict[i]);
        CASE(f, label, X_INVAL) {
            END(axon_model_load_safetensors(model("linear 2 3"), valid_safetensors(), bad_strict[i], NULL, NULL, 0));
        }
    }
    CASE(f, "NULL from, n_renames 1", X_INVAL) {
        const char *to[1] = {"bias"};
        END(axon_model_load_safetensors(model("linear 2 3"), valid_safetensors(), 0, NULL, to, 1));
    }
    CASE(f, "NULL to, n_renames 1", X_INVAL) {
        const char *from[1] = {"bias"};
        END(axon_model_load_safetensors(model("linear 2 3"), valid_safetensors(), 0, from, NULL, 1));
    }
    CASE(f, "from[0] NULL", X_INVAL) {
        const char *from[1] = {NULL}, *to[1] = {"bias"};
        END(axon_model_load_safetensors(model("linear 2 3"), valid_safetensors(), 0, from, to, 1));
    }
    CASE(f, "n_renames SIZE_MAX", X_INVAL) {
        const char *from[1] = {"bias"}, *to[1] = {"bias"};
        END(axon_model_load_safetensors(model("linear 2 3"), valid_safetensors(), 0, from, to, SZ_NEG));
    }
    CASE(f, "strict, a rename to an unknown name", X_INVAL) {
        const char *from[1] = {"bias"}, *to[1] = {"bogus"};
        END(axon_model_load_safetensors(model("linear 2 3"), valid_safetensors(), 1, from, to, 1));
    }
    CASE(f, "a rename that makes a shape differ: the model unchanged", X_SHAPE | X_INVAL) {
        const char *from[2] = {"bias", "weight"}, *to[2] = {"weight", "bias"};
        axon_model *m = model("linear 2 3");
        axon_tensor *w = param0(m);
        float before[6], after[6];
        axon_status st;
        if (axon_tensor_copy_data(w, before, 6) != AXON_OK) setup_fail("copy");
        st = axon_model_load_safetensors(m, valid_safetensors(), 1, from, to, 2);
        axon_tensor_copy_data(w, after, 6);
        END(st != AXON_OK && memcmp(before, after, sizeof before) != 0 ? R_BADVAL : st);
    }
    CASE(f, "a model of another shape (linear 2 4)", X_SHAPE) {
        END(axon_model_load_safetensors(model("linear 2 4"), valid_safetensors(), 0, NULL, NULL, 0));
    }
    CASE(f, "strict, a model with more state", X_INVAL) {
        END(axon_model_load_safetensors(model("linear 2 3; batchnorm1d 3"), valid_safetensors(), 1, NULL, NULL, 0));
    }
    CASE(f, "not strict, nothing in common", X_OK) {
        END(axon_model_load_safetensors(model("sequential { linear 2 3 }"), valid_safetensors(), 0, NULL, NULL, 0));
    }
}

static void tensor_files(void) {
    const char *f = "axon_safetensors_save";
    int k;
    write_path_cases(f, save_tensors_at);
    read_path_cases("axon_safetensors_load", load_file_at, valid_safetensors, model_file, 0);
    hostile_cases("axon_safetensors_load", load_file_at, 0);
    CASE("axon_safetensors_load", "NULL out", X_INVAL) { END(axon_safetensors_load(NULL, valid_safetensors())); }
    CASE(f, "control: nothing", CONTROL) { END(axon_safetensors_save("none.st", NULL, NULL, NULL, 0, NULL, NULL, 0)); }
    CASE(f, "NULL names, count 1", X_INVAL) {
        axon_tensor *t = vec(2);
        END(axon_safetensors_save("out.st", NULL, &t, NULL, 1, NULL, NULL, 0));
    }
    CASE(f, "NULL tensors, count 1", X_INVAL) {
        const char *name = "a";
        END(axon_safetensors_save("out.st", &name, NULL, NULL, 1, NULL, NULL, 0));
    }
    CASE(f, "names[0] NULL", X_INVAL) {
        const char *name = NULL;
        axon_tensor *t = vec(2);
        END(axon_safetensors_save("out.st", &name, &t, NULL, 1, NULL, NULL, 0));
    }
    CASE(f, "count SIZE_MAX", X_INVAL) {
        const char *name = "a";
        axon_tensor *t = vec(2);
        END(axon_safetensors_save("out.st", &name, &t, NULL, SZ_NEG, NULL, NULL, 0));
    }
    for (k = 0; k < N_BAD; ++k) {
        CASE(f, bad_label(k, "tensors[0]"), X_INVAL) {
            const char *name = "a";
            axon_tensor *t = (axon_tensor *)bad_handle(H_TENSOR, k);
            END(axon_safetensors_save("out.st", &name, &t, NULL, 1, NULL, NULL, 0));
        }
    }
    CASE(f, "a name given twice", X_INVAL) {
        const char *names[2] = {"a", "a"};
        axon_tensor *ts[2];
        ts[0] = ts[1] = vec(2);
        END(axon_safetensors_save("out.st", names, ts, NULL, 2, NULL, NULL, 0));
    }
    CASE(f, "the name __metadata__", X_INVAL) {
        const char *name = "__metadata__";
        axon_tensor *t = vec(2);
        END(axon_safetensors_save("out.st", &name, &t, NULL, 1, NULL, NULL, 0));
    }
    CASE(f, "NULL keys, n_meta 1", X_INVAL) {
        const char *v[1] = {"x"};
        END(axon_safetensors_save("out.st", NULL, NULL, NULL, 0, NULL, v, 1));
    }
    CASE(f, "NULL values, n_meta 1", X_INVAL) {
        const char *key[1] = {"x"};
        END(axon_safetensors_save("out.st", NULL, NULL, NULL, 0, key, NULL, 1));
    }
    CASE(f, "keys[0] NULL", X_INVAL) {
        const char *key[1] = {NULL}, *v[1] = {"x"};
        END(axon_safetensors_save("out.st", NULL, NULL, NULL, 0, key, v, 1));
    }
    CASE(f, "n_meta SIZE_MAX", X_INVAL) {
        const char *key[1] = {"k"}, *v[1] = {"x"};
        END(axon_safetensors_save("out.st", NULL, NULL, NULL, 0, key, v, SZ_NEG));
    }
    CASE(f, "integer 2 (the header says 1)", X_ANY) {
        const char *name = "a";
        const int integer[1] = {2};
        axon_tensor *t = vec(2);
        END(axon_safetensors_save("out.st", &name, &t, integer, 1, NULL, NULL, 0));
    }
    {
        static const float odd[3][2] = {{NAN, 1}, {1e30f, -1e30f}, {INFINITY, -INFINITY}};
        static const char *const labels[3] = {"an integer tensor holding NaN", "an integer tensor holding 1e30",
                                              "an integer tensor holding Inf"};
        size_t i;
        for (i = 0; i < 3; ++i) {
            CASE(f, labels[i], X_OK | X_INVAL) {
                const char *name = "a";
                const int integer[1] = {1};
                axon_tensor *t = values(odd[i], 2);
                END(axon_safetensors_save("out.st", &name, &t, integer, 1, NULL, NULL, 0));
            }
        }
    }
    CASE(f, "names and metadata with quotes, backslashes and control bytes: read back as written", X_OK | X_INVAL) {
        const char *name = "a\"b\\c\n\x01", *key[1] = {"k\"\\"}, *v[1] = {"v\x02\"\\\t"};
        axon_tensor *t = vec(2);
        axon_tensor_file *tf = NULL;
        char back[64];
        axon_status st = axon_safetensors_save("q.st", &name, &t, NULL, 1, key, v, 1);
        if (st != AXON_OK) END(st);
        if (axon_safetensors_load(&tf, "q.st") != AXON_OK) END(R_BADVAL);
        st = axon_tensor_file_name(tf, 0, back, sizeof back, NULL);
        END_CHECKED(AXON_OK, st == AXON_OK && strcmp(back, name) == 0);
    }
    CASE(f, "a name of non-UTF-8 bytes: read back as written", X_OK | X_INVAL) {
        const char *name = "w\xff\xfe";
        axon_tensor *t = vec(2);
        axon_tensor_file *tf = NULL;
        char back[64];
        axon_status st = axon_safetensors_save("u.st", &name, &t, NULL, 1, NULL, NULL, 0);
        if (st != AXON_OK) END(st);
        if (axon_safetensors_load(&tf, "u.st") != AXON_OK) END(R_BADVAL);
        st = axon_tensor_file_name(tf, 0, back, sizeof back, NULL);
        END_CHECKED(AXON_OK, st == AXON_OK && strcmp(back, name) == 0);
    }
}

static void tensor_data(void) {
    const char *f = "axon_tensor_data";
    int k;
    CASE(f, "control: a view that sees writes", CONTROL) {
        axon_tensor *t = vec(3);
        float *p = NULL, v[3];
        axon_status st = axon_tensor_data(&p, t);
        if (st == AXON_OK && p) p[1] = 42;
        END_CHECKED(st, p && axon_tensor_copy_data(t, v, 3) == AXON_OK && v[0] == 1 && v[1] == 42);
    }
    CASE(f, "an empty tensor: NULL", X_OK) {
        float *p = (float *)bad_handle(H_TENSOR, BAD_FOREIGN);
        axon_status st = axon_tensor_data(&p, vec(0));
        END_CHECKED(st, p == NULL);
    }
    CASE(f, "NULL out", X_INVAL) { END(axon_tensor_data(NULL, vec(3))); }
    for (k = 0; k < N_BAD; ++k) {
        CASE(f, bad_label(k, "t"), X_INVAL) {
            float *p = NULL;
            END(axon_tensor_data(&p, (axon_tensor *)bad_handle(H_TENSOR, k)));
        }
    }
    CASE(f, "zero-size huge: NULL", X_OK) {
        float *p = (float *)bad_handle(H_TENSOR, BAD_FOREIGN);
        axon_status st = axon_tensor_data(&p, huge_empty());
        END_CHECKED(st, p == NULL);
    }
    CASE(f, "a view of a reshape sees the base's storage", X_OK) {
        int64_t s[2] = {3, 1};
        axon_tensor *t = vec(3), *r = NULL;
        float *p = NULL;
        axon_status st;
        if (axon_tensor_reshape(&r, t, s, 2) != AXON_OK) setup_fail("reshape");
        axon_tensor_free(t);
        st = axon_tensor_data(&p, r);
        END_CHECKED(st, p && p[2] == 3);
    }
}

void cases_safetensors(void) {
    model_files();
    tensor_files();
    tensor_data();
}
