/*
** cases_files.c - IDX files, tensor files (save, load and reading them back), and the
** destructors of the data and file handles.
*/
#include "harness.h"

/* An IDX file of unsigned bytes: `rank` dimensions `dims`, then `n_data` bytes. */
static const char *idx_file(const char *path, unsigned type, unsigned rank, const uint32_t *dims, size_t n_data) {
    unsigned char buf[4096];
    size_t n = 0, i;
    buf[n++] = 0;
    buf[n++] = 0;
    buf[n++] = (unsigned char)type;
    buf[n++] = (unsigned char)rank;
    for (i = 0; i < rank && i < 16; ++i) {
        buf[n++] = (unsigned char)(dims[i] >> 24);
        buf[n++] = (unsigned char)(dims[i] >> 16);
        buf[n++] = (unsigned char)(dims[i] >> 8);
        buf[n++] = (unsigned char)dims[i];
    }
    for (i = 0; i < n_data && n < sizeof buf; ++i) buf[n++] = (unsigned char)i;
    write_file(path, buf, n);
    return path;
}

static const char *valid_idx(void) {
    static const uint32_t dims[2] = {2, 3};
    return idx_file("valid.idx", 0x08, 2, dims, 6);
}

static axon_status load_idx_at(const char *path) {
    axon_tensor *t = NULL;
    return axon_tensor_load_idx(&t, path, 1.0f / 255);
}

void cases_data_idx(void) {
    typedef struct {
        const char *label;
        unsigned type, rank;
        uint32_t dims[9];
        size_t n_data;
        unsigned expect;
    } idx_case;
    static const idx_case cases[] = {
        {"rank 0", 0x08, 0, {0}, 1, X_FORMAT},
        {"rank 9", 0x08, 9, {1, 1, 1, 1, 1, 1, 1, 1, 1}, 1, X_FORMAT},
        {"rank 255", 0x08, 255, {1, 1, 1, 1, 1, 1, 1, 1, 1}, 1, X_FORMAT},
        {"type float (0x0D)", 0x0D, 1, {2}, 8, X_FORMAT},
        {"type 0x00", 0x00, 1, {2}, 2, X_FORMAT},
        {"fewer bytes than the dims say", 0x08, 2, {2, 3}, 5, X_FORMAT},
        {"more bytes than the dims say", 0x08, 2, {2, 3}, 7, X_FORMAT | X_OK},
        {"dims 2^32 - 1 x 2^32 - 1 with 6 bytes", 0x08, 2, {0xFFFFFFFFu, 0xFFFFFFFFu}, 6, X_FORMAT | X_MEMORY},
        {"rank 8, every dim 2^32 - 1 (the count overflows)", 0x08, 8,
         {0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu}, 6,
         X_FORMAT | X_MEMORY},
        {"dims 2^31 x 0 (zero-size)", 0x08, 2, {0x80000000u, 0}, 0, X_OK | X_FORMAT | X_MEMORY},
        {"dims 0 x 2^31 x 2^31 (zero-size huge)", 0x08, 3, {0, 0x80000000u, 0x80000000u}, 0,
         X_OK | X_FORMAT | X_MEMORY},
        {"dims 2^30 with 6 bytes (must not allocate 2^30 first)", 0x08, 1, {0x40000000u}, 6, X_FORMAT},
    };
    static const unsigned char gzip_junk[12] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xde, 0xad};
    static const unsigned char gzip_empty_deflate[20] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3,
                                                          3, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    static const float bad_scales[3] = {NAN, INFINITY, -INFINITY};
    const char *f = "axon_tensor_load_idx";
    char label[64];
    size_t i;
    read_path_cases(f, load_idx_at, valid_idx, tensors_file, 0);
    for (i = 0; i < sizeof cases / sizeof *cases; ++i) {
        CASE(f, cases[i].label, cases[i].expect) {
            END(load_idx_at(idx_file("case.idx", cases[i].type, cases[i].rank, cases[i].dims, cases[i].n_data)));
        }
    }
    CASE(f, "NULL out", X_INVAL) { END(axon_tensor_load_idx(NULL, valid_idx(), 1)); }
    for (i = 0; i < 3; ++i) {
        snprintf(label, sizeof label, "scale %g", bad_scales[i]);
        CASE(f, label, X_INVAL) {
            axon_tensor *t = NULL;
            END(axon_tensor_load_idx(&t, valid_idx(), bad_scales[i]));
        }
    }
    CASE(f, "gzip magic, then junk", X_FORMAT) {
        write_file("junk.gz", gzip_junk, sizeof gzip_junk);
        END(load_idx_at("junk.gz"));
    }
    CASE(f, "gzip of nothing, bad trailer", X_FORMAT) {
        write_file("empty.gz", gzip_empty_deflate, sizeof gzip_empty_deflate);
        END(load_idx_at("empty.gz"));
    }
    CASE(f, "gzip magic alone", X_FORMAT) {
        write_file("magic.gz", gzip_junk, 2);
        END(load_idx_at("magic.gz"));
    }
}

static axon_status tensors_load_at(const char *path) {
    axon_tensor_file *t = NULL;
    return axon_tensors_load(&t, path);
}

static axon_status tensors_save_at(const char *path) {
    const char *names[2] = {"a", "b"};
    axon_tensor *ts[2];
    ts[0] = vec(3);
    ts[1] = mat(2, 2);
    return axon_tensors_save(path, names, ts, 2, "text");
}

static void tensor_files(void) {
    const char *f = "axon_tensors_save";
    int k;
    write_path_cases(f, tensors_save_at);
    read_path_cases("axon_tensors_load", tensors_load_at, tensors_file, model_file, 1);
    CASE("axon_tensors_load", "NULL out", X_INVAL) { END(axon_tensors_load(NULL, tensors_file())); }
    CASE(f, "control: nothing, no text", CONTROL) { END(axon_tensors_save("none.axon", NULL, NULL, 0, NULL)); }
    CASE(f, "NULL names, count 1", X_INVAL) {
        axon_tensor *t = vec(2);
        END(axon_tensors_save("out.axon", NULL, &t, 1, NULL));
    }
    CASE(f, "NULL tensors, count 1", X_INVAL) {
        const char *name = "a";
        END(axon_tensors_save("out.axon", &name, NULL, 1, NULL));
    }
    CASE(f, "names[0] NULL", X_INVAL) {
        const char *name = NULL;
        axon_tensor *t = vec(2);
        END(axon_tensors_save("out.axon", &name, &t, 1, NULL));
    }
    CASE(f, "count SIZE_MAX", X_INVAL) {
        const char *name = "a";
        axon_tensor *t = vec(2);
        END(axon_tensors_save("out.axon", &name, &t, SZ_NEG, NULL));
    }
    for (k = 0; k < N_BAD; ++k) {
        CASE(f, bad_label(k, "tensors[0]"), X_INVAL) {
            const char *name = "a";
            axon_tensor *t = (axon_tensor *)bad_handle(H_TENSOR, k);
            END(axon_tensors_save("out.axon", &name, &t, 1, NULL));
        }
    }
    CASE(f, "a name given twice", X_INVAL) {
        const char *names[2] = {"a", "a"};
        axon_tensor *ts[2];
        ts[0] = ts[1] = vec(2);
        END(axon_tensors_save("out.axon", names, ts, 2, NULL));
    }
    CASE(f, "two names that differ only in non-UTF-8 bytes", X_OK | X_INVAL) {
        const char *names[2] = {"a\xff", "a\xfe"};
        axon_tensor *ts[2];
        axon_tensor_file *tf = NULL;
        char n0[16], n1[16];
        axon_status st;
        ts[0] = ts[1] = vec(2);
        st = axon_tensors_save("out.axon", names, ts, 2, NULL);
        if (st != AXON_OK) END(st);
        if (axon_tensors_load(&tf, "out.axon") != AXON_OK) END(R_BADVAL);
        st = axon_tensor_file_name(tf, 0, n0, sizeof n0, NULL);
        if (st == AXON_OK) st = axon_tensor_file_name(tf, 1, n1, sizeof n1, NULL);
        END_CHECKED(AXON_OK, st == AXON_OK && strcmp(n0, names[0]) == 0 && strcmp(n1, names[1]) == 0);
    }
    CASE(f, "a non-UTF-8 text: read back as written", X_OK | X_INVAL) {
        const char *text = "caf\xe9";
        axon_tensor_file *tf = NULL;
        char back[16];
        axon_status st = axon_tensors_save("out.axon", NULL, NULL, 0, text);
        if (st != AXON_OK) END(st);
        if (axon_tensors_load(&tf, "out.axon") != AXON_OK) END(R_BADVAL);
        END_CHECKED(AXON_OK, axon_tensor_file_text(tf, back, sizeof back, NULL) == AXON_OK && strcmp(back, text) == 0);
    }
    CASE(f, "an empty name", X_ANY) {
        const char *name = "";
        axon_tensor *t = vec(2);
        END(axon_tensors_save("out.axon", &name, &t, 1, NULL));
    }
    CASE(f, "a zero-size huge tensor, then loaded", X_OK | X_HUGE | X_FORMAT) {
        const char *name = "z";
        axon_tensor *t = huge_empty();
        axon_tensor_file *tf = NULL;
        axon_status st = axon_tensors_save("out.axon", &name, &t, 1, NULL);
        if (st != AXON_OK) END(st);
        END(axon_tensors_load(&tf, "out.axon"));
    }
}

static void file_contents(void) {
    static const size_t bad_index[3] = {2, 1000, SZ_NEG};
    char label[64];
    size_t j;
    int k, w;
    CASE("axon_tensor_file_count", "control", CONTROL_VOID) { END_IF(axon_tensor_file_count(tensor_file()) == 2); }
    for (k = 0; k < N_BAD; ++k) {
        CASE("axon_tensor_file_count", bad_label(k, "file: 0"), X_VOID) {
            END_IF(axon_tensor_file_count((axon_tensor_file *)bad_handle(H_FILE, k)) == 0);
        }
        CASE("axon_tensor_file_tensor", bad_label(k, "file"), X_INVAL) {
            axon_tensor *t = NULL;
            END(axon_tensor_file_tensor(&t, (axon_tensor_file *)bad_handle(H_FILE, k), 0));
        }
        CASE("axon_tensor_file_name", bad_label(k, "file"), X_INVAL) {
            char buf[16];
            END(axon_tensor_file_name((axon_tensor_file *)bad_handle(H_FILE, k), 0, buf, sizeof buf, NULL));
        }
        CASE("axon_tensor_file_text", bad_label(k, "file"), X_INVAL) {
            char buf[16];
            END(axon_tensor_file_text((axon_tensor_file *)bad_handle(H_FILE, k), buf, sizeof buf, NULL));
        }
    }
    CASE("axon_tensor_file_tensor", "control", CONTROL) {
        axon_tensor *t = NULL;
        axon_status st = axon_tensor_file_tensor(&t, tensor_file(), 1);
        END_CHECKED(st, axon_tensor_numel(t) == 4);
    }
    CASE("axon_tensor_file_tensor", "NULL out", X_INVAL) { END(axon_tensor_file_tensor(NULL, tensor_file(), 0)); }
    for (j = 0; j < 3; ++j) {
        snprintf(label, sizeof label, "index %zu", bad_index[j]);
        CASE("axon_tensor_file_tensor", label, X_INVAL) {
            axon_tensor *t = NULL;
            END(axon_tensor_file_tensor(&t, tensor_file(), bad_index[j]));
        }
        CASE("axon_tensor_file_name", label, X_INVAL) {
            char buf[16];
            END(axon_tensor_file_name(tensor_file(), bad_index[j], buf, sizeof buf, NULL));
        }
    }
    for (w = 0; w < 2; ++w) {
        const char *f = w == 0 ? "axon_tensor_file_name" : "axon_tensor_file_text";
#define TEXT(file, out, cap, len)                                   \
    (w == 0 ? axon_tensor_file_name((file), 0, (out), (cap), (len)) \
            : axon_tensor_file_text((file), (out), (cap), (len)))
        CASE(f, "control", CONTROL) {
            char buf[16];
            size_t n = 0;
            axon_status st = TEXT(tensor_file(), buf, sizeof buf, &n);
            END_CHECKED(st, strlen(buf) == n && n > 0);
        }
        CASE(f, "control: the length only", CONTROL) {
            size_t n = 0;
            axon_status st = TEXT(tensor_file(), NULL, 0, &n);
            END_CHECKED(st, n > 0);
        }
        CASE(f, "NULL out, capacity 10", X_INVAL) { END(TEXT(tensor_file(), NULL, 10, NULL)); }
        CASE(f, "NULL out, capacity SIZE_MAX", X_INVAL) { END(TEXT(tensor_file(), NULL, SZ_NEG, NULL)); }
        CASE(f, "capacity 1: only a NUL", X_OK) {
            char buf[4] = "xyz";
            axon_status st = TEXT(tensor_file(), buf, 1, NULL);
            END_CHECKED(st, buf[0] == 0 && buf[1] == 'y');
        }
#undef TEXT
    }
}

/* The destructors of the data and file handles, each through a wrapper of one signature. */
static void free_dataset(void *h) { axon_dataset_free((axon_dataset *)h); }
static void free_loader(void *h) { axon_loader_free((axon_loader *)h); }
static void free_standardizer(void *h) { axon_standardizer_free((axon_standardizer *)h); }
static void free_pca(void *h) { axon_pca_free((axon_pca *)h); }
static void free_file(void *h) { axon_tensor_file_free((axon_tensor_file *)h); }

static void *make_handle(int type) {
    switch (type) {
    case H_DATASET: return dataset(4);
    case H_LOADER: return loader(dataset(4), 2);
    case H_STD: return standardizer();
    case H_PCA: return pca();
    default: return tensor_file();
    }
}

static void destructors(void) {
    static const char *const names[5] = {"axon_dataset_free", "axon_loader_free", "axon_standardizer_free",
                                         "axon_pca_free", "axon_tensor_file_free"};
    static void (*const frees[5])(void *) = {free_dataset, free_loader, free_standardizer, free_pca, free_file};
    static const int types[5] = {H_DATASET, H_LOADER, H_STD, H_PCA, H_FILE};
    int i;
    for (i = 0; i < 5; ++i) {
        CASE(names[i], "NULL", X_VOID) {
            frees[i](NULL);
            END_VOID();
        }
        CASE(names[i], "twice", X_VOID) {
            void *h = make_handle(types[i]);
            frees[i](h);
            frees[i](h);
            END_VOID();
        }
        CASE(names[i], "a tensor handle: not freed", X_VOID) {
            axon_tensor *t = vec(3);
            frees[i](t);
            END_IF(axon_tensor_numel(t) == 3);
        }
        CASE(names[i], "foreign pointer", X_VOID) {
            frees[i](bad_handle(types[i], BAD_FOREIGN));
            END_VOID();
        }
    }
    CASE("axon_tensor_file_free", "control", CONTROL_VOID) {
        size_t n = 1;
        axon_tensor_file_free(tensor_file());
        END_IF(axon_live_handles(&n, NULL) == AXON_OK && n == 0);
    }
    CASE("axon_loader_free", "a dataset handle: not freed", X_VOID) {
        axon_dataset *d = dataset(4);
        axon_loader_free((axon_loader *)(void *)d);
        END_IF(axon_dataset_count(d) == 4);
    }
}

void cases_files(void) {
    tensor_files();
    file_contents();
    destructors();
}
