/*
** cases_data.c - datasets, loaders, standardizers, PCA whitening and IDX files.
*/
#include "harness.h"

static void datasets(void) {
    int k;
    CASE("axon_dataset_new", "control", CONTROL) {
        axon_dataset *d = NULL;
        axon_tensor *x = mat(4, 2), *y = vec(4);
        END(axon_dataset_new(&d, x, y));
    }
    CASE("axon_dataset_new", "NULL out", X_INVAL) {
        axon_tensor *x = mat(4, 2), *y = vec(4);
        END(axon_dataset_new(NULL, x, y));
    }
    for (k = 0; k < N_BAD; ++k) {
        CASE("axon_dataset_new", bad_label(k, "features"), X_INVAL) {
            axon_dataset *d = NULL;
            axon_tensor *y = vec(4);
            END(axon_dataset_new(&d, (axon_tensor *)bad_handle(H_TENSOR, k), y));
        }
        CASE("axon_dataset_new", bad_label(k, "targets"), X_INVAL) {
            axon_dataset *d = NULL;
            axon_tensor *x = mat(4, 2);
            END(axon_dataset_new(&d, x, (axon_tensor *)bad_handle(H_TENSOR, k)));
        }
        CASE("axon_dataset_count", bad_label(k, "d: 0"), X_VOID) {
            END_IF(axon_dataset_count((axon_dataset *)bad_handle(H_DATASET, k)) == 0);
        }
    }
    CASE("axon_dataset_new", "rank 0 features", X_SHAPE) {
        axon_dataset *d = NULL;
        axon_tensor *x = scalar(1), *y = vec(1);
        END(axon_dataset_new(&d, x, y));
    }
    CASE("axon_dataset_new", "rank 0 targets", X_SHAPE) {
        axon_dataset *d = NULL;
        axon_tensor *x = mat(1, 2), *y = scalar(1);
        END(axon_dataset_new(&d, x, y));
    }
    CASE("axon_dataset_new", "first axes differ", X_SHAPE) {
        axon_dataset *d = NULL;
        axon_tensor *x = mat(4, 2), *y = vec(3);
        END(axon_dataset_new(&d, x, y));
    }
    CASE("axon_dataset_new", "no samples", X_OK) {
        axon_dataset *d = NULL;
        axon_tensor *x = mat(0, 2), *y = vec(0);
        END(axon_dataset_new(&d, x, y));
    }
    CASE("axon_dataset_new", "zero-size huge features, no samples", X_OK | X_HUGE) {
        axon_dataset *d = NULL;
        axon_tensor *x = huge_empty(), *y = vec(0);
        END(axon_dataset_new(&d, x, y));
    }
    CASE("axon_dataset_count", "control", CONTROL_VOID) { END_IF(axon_dataset_count(dataset(5)) == 5); }
    CASE("axon_dataset_free", "control", CONTROL_VOID) {
        size_t n = 1;
        axon_dataset_free(dataset(4));
        END_IF(axon_live_handles(&n, NULL) == AXON_OK && n == 0);
    }
}

static void loaders(void) {
    static const int bad_flags[] = {2, -1, INT_MIN};
    char label[64];
    size_t i;
    int k;
    CASE("axon_loader_new", "control", CONTROL) {
        axon_loader *l = NULL;
        END(axon_loader_new(&l, dataset(5), 2, 1, 1, 7));
    }
    CASE("axon_loader_new", "NULL out", X_INVAL) { END(axon_loader_new(NULL, dataset(5), 2, 0, 0, 7)); }
    for (k = 0; k < N_BAD; ++k) {
        CASE("axon_loader_new", bad_label(k, "dataset"), X_INVAL) {
            axon_loader *l = NULL;
            END(axon_loader_new(&l, (axon_dataset *)bad_handle(H_DATASET, k), 2, 0, 0, 7));
        }
        CASE("axon_loader_next", bad_label(k, "loader"), X_INVAL) {
            axon_tensor *x = NULL, *y = NULL;
            END(axon_loader_next(&x, &y, (axon_loader *)bad_handle(H_LOADER, k)));
        }
        CASE("axon_loader_batch_count", bad_label(k, "loader: 0"), X_VOID) {
            END_IF(axon_loader_batch_count((axon_loader *)bad_handle(H_LOADER, k)) == 0);
        }
    }
    CASE("axon_loader_new", "batch_size 0", X_INVAL) {
        axon_loader *l = NULL;
        END(axon_loader_new(&l, dataset(5), 0, 0, 0, 7));
    }
    CASE("axon_loader_new", "batch_size SIZE_MAX (negative)", X_INVAL) {
        axon_loader *l = NULL;
        END(axon_loader_new(&l, dataset(5), SZ_NEG, 0, 0, 7));
    }
    CASE("axon_loader_new", "batch_size 2^62: one batch", X_OK) {
        axon_loader *l = NULL;
        axon_status st = axon_loader_new(&l, dataset(5), (size_t)1 << 62, 1, 0, 7);
        END_CHECKED(st, axon_loader_batch_count(l) == 1);
    }
    CASE("axon_loader_new", "batch_size 2^62, drop_last: no batch", X_OK) {
        axon_loader *l = NULL;
        axon_status st = axon_loader_new(&l, dataset(5), (size_t)1 << 62, 0, 1, 7);
        END_CHECKED(st, axon_loader_batch_count(l) == 0);
    }
    for (i = 0; i < sizeof bad_flags / sizeof *bad_flags; ++i) {
        snprintf(label, sizeof label, "shuffle %d", bad_flags[i]);
        CASE("axon_loader_new", label, X_INVAL) {
            axon_loader *l = NULL;
            END(axon_loader_new(&l, dataset(5), 2, bad_flags[i], 0, 7));
        }
        snprintf(label, sizeof label, "drop_last %d", bad_flags[i]);
        CASE("axon_loader_new", label, X_INVAL) {
            axon_loader *l = NULL;
            END(axon_loader_new(&l, dataset(5), 2, 0, bad_flags[i], 7));
        }
    }
    CASE("axon_loader_new", "an empty dataset", X_OK | X_INVAL) {
        axon_loader *l = NULL;
        END(axon_loader_new(&l, dataset(0), 2, 1, 0, 7));
    }
    CASE("axon_loader_batch_count", "control", CONTROL_VOID) {
        END_IF(axon_loader_batch_count(loader(dataset(5), 2)) == 3);
    }
    CASE("axon_loader_next", "control: two epochs", CONTROL) {
        axon_loader *l = loader(dataset(5), 2);
        axon_tensor *x = NULL, *y = NULL;
        axon_status st = AXON_OK;
        int n = 0;
        while (st == AXON_OK && n < 10) {
            st = axon_loader_next(&x, &y, l);
            ++n;
        }
        END(st);
    }
    CASE("axon_loader_next", "NULL out_x", X_INVAL) {
        axon_tensor *y = NULL;
        END(axon_loader_next(NULL, &y, loader(dataset(5), 2)));
    }
    CASE("axon_loader_next", "NULL out_y", X_INVAL) {
        axon_tensor *x = NULL;
        END(axon_loader_next(&x, NULL, loader(dataset(5), 2)));
    }
    CASE("axon_loader_next", "out_x == out_y", X_INVAL) {
        axon_tensor *x = NULL;
        END(axon_loader_next(&x, &x, loader(dataset(5), 2)));
    }
    CASE("axon_loader_next", "batch_size 2^62 with shuffling", X_OK) {
        axon_loader *l = NULL;
        axon_tensor *x = NULL, *y = NULL;
        if (axon_loader_new(&l, dataset(5), (size_t)1 << 62, 1, 0, 7) != AXON_OK) setup_fail("loader");
        END(axon_loader_next(&x, &y, l));
    }
    CASE("axon_loader_next", "batch_size INT64_MAX, two epochs", X_OK | X_INVAL) {
        axon_loader *l = NULL;
        axon_tensor *x = NULL, *y = NULL;
        axon_status st = axon_loader_new(&l, dataset(5), SZ_NEG / 2, 1, 0, 7);
        int n;
        for (n = 0; n < 4 && st == AXON_OK; ++n) st = axon_loader_next(&x, &y, l);
        END(st);
    }
    CASE("axon_loader_new", "batch_size INT64_MAX, drop_last", X_OK | X_INVAL) {
        axon_loader *l = NULL;
        axon_status st = axon_loader_new(&l, dataset(5), SZ_NEG / 2, 0, 1, 7);
        END_CHECKED(st, axon_loader_batch_count(l) == 0);
    }
    CASE("axon_loader_next", "an empty dataset", X_OK) {
        axon_loader *l = NULL;
        axon_tensor *x = NULL, *y = NULL;
        if (axon_loader_new(&l, dataset(0), 2, 1, 0, 7) != AXON_OK) END(AXON_OK);
        END(axon_loader_next(&x, &y, l));
    }
    CASE("axon_loader_next", "a dataset of zero-size huge features", X_OK | X_HUGE) {
        axon_dataset *d = NULL;
        axon_loader *l = NULL;
        axon_tensor *x = NULL, *y = NULL, *f = huge_empty(), *t = vec(0);
        if (axon_dataset_new(&d, f, t) != AXON_OK) END(AXON_OK);
        if (axon_loader_new(&l, d, 2, 0, 0, 7) != AXON_OK) END(AXON_OK);
        END(axon_loader_next(&x, &y, l));
    }
    CASE("axon_loader_free", "control", CONTROL_VOID) {
        size_t n = 1;
        axon_dataset *d = dataset(4);
        axon_loader_free(loader(d, 2));
        axon_dataset_free(d);
        END_IF(axon_live_handles(&n, NULL) == AXON_OK && n == 0);
    }
}

static void transforms(void) {
    int k;
    CASE("axon_standardizer_new", "control", CONTROL) {
        axon_standardizer *s = NULL;
        END(axon_standardizer_new(&s, mat(4, 2)));
    }
    CASE("axon_standardizer_new", "NULL out", X_INVAL) { END(axon_standardizer_new(NULL, mat(4, 2))); }
    CASE("axon_standardizer_new", "N = 1", X_SHAPE) {
        axon_standardizer *s = NULL;
        END(axon_standardizer_new(&s, mat(1, 2)));
    }
    CASE("axon_standardizer_new", "N = 0", X_SHAPE) {
        axon_standardizer *s = NULL;
        END(axon_standardizer_new(&s, mat(0, 2)));
    }
    CASE("axon_standardizer_new", "rank 0", X_SHAPE) {
        axon_standardizer *s = NULL;
        END(axon_standardizer_new(&s, scalar(1)));
    }
    CASE("axon_standardizer_new", "zero-size huge (N = 0)", X_SHAPE) {
        axon_standardizer *s = NULL;
        END(axon_standardizer_new(&s, huge_empty()));
    }
    CASE("axon_standardizer_new", "no features [4, 0]", X_ANY) {
        axon_standardizer *s = NULL;
        END(axon_standardizer_new(&s, mat(4, 0)));
    }
    CASE("axon_standardizer_new", "[2, 0, 2^40]: zero-size huge features", X_ANY) {
        int64_t sh[3] = {2, 0, P40};
        axon_standardizer *s = NULL;
        END(axon_standardizer_new(&s, empty_shape(sh, 3)));
    }
    CASE("axon_standardizer_apply", "control", CONTROL) {
        axon_tensor *r = NULL;
        END(axon_standardizer_apply(&r, standardizer(), mat(3, 2)));
    }
    CASE("axon_standardizer_apply", "NULL out", X_INVAL) {
        END(axon_standardizer_apply(NULL, standardizer(), mat(3, 2)));
    }
    CASE("axon_standardizer_apply", "another feature shape", X_SHAPE) {
        axon_tensor *r = NULL;
        END(axon_standardizer_apply(&r, standardizer(), mat(3, 3)));
    }
    CASE("axon_standardizer_apply", "rank 0", X_SHAPE) {
        axon_tensor *r = NULL;
        END(axon_standardizer_apply(&r, standardizer(), scalar(1)));
    }
    CASE("axon_standardizer_apply", "no samples [0, 2]", X_OK) {
        axon_tensor *r = NULL;
        END(axon_standardizer_apply(&r, standardizer(), mat(0, 2)));
    }
    CASE("axon_pca_new", "control", CONTROL) {
        axon_pca *p = NULL;
        END(axon_pca_new(&p, mat(4, 2), 1e-3));
    }
    CASE("axon_pca_new", "NULL out", X_INVAL) { END(axon_pca_new(NULL, mat(4, 2), 0)); }
    CASE("axon_pca_new", "N = 1", X_SHAPE) {
        axon_pca *p = NULL;
        END(axon_pca_new(&p, mat(1, 2), 0));
    }
    CASE("axon_pca_new", "rank 1", X_SHAPE) {
        axon_pca *p = NULL;
        END(axon_pca_new(&p, vec(4), 0));
    }
    CASE("axon_pca_new", "rank 3", X_SHAPE) {
        int64_t sh[3] = {4, 2, 2};
        axon_pca *p = NULL;
        END(axon_pca_new(&p, tensor_shape(sh, 3, 0), 0));
    }
    CASE("axon_pca_new", "F = 5000 > 4096", X_INVAL) {
        axon_pca *p = NULL;
        END(axon_pca_new(&p, mat(2, 5000), 0));
    }
    CASE("axon_pca_new", "F = 2^40 (zero-size)", X_INVAL | X_SHAPE) {
        int64_t sh[2] = {0, P40};
        axon_pca *p = NULL;
        END(axon_pca_new(&p, empty_shape(sh, 2), 0));
    }
    CASE("axon_pca_new", "eps -1", X_INVAL) {
        axon_pca *p = NULL;
        END(axon_pca_new(&p, mat(4, 2), -1));
    }
    CASE("axon_pca_new", "eps NaN", X_INVAL) {
        axon_pca *p = NULL;
        END(axon_pca_new(&p, mat(4, 2), NAN));
    }
    CASE("axon_pca_new", "eps Inf", X_INVAL) {
        axon_pca *p = NULL;
        END(axon_pca_new(&p, mat(4, 2), INFINITY));
    }
    CASE("axon_pca_new", "NaN features", X_ANY) {
        static const float v[8] = {NAN, 1, 2, 3, 4, 5, 6, 7};
        int64_t sh[2] = {4, 2};
        axon_pca *p = NULL;
        axon_tensor *x = NULL;
        if (axon_tensor_new(&x, v, 8, sh, 2, 0) != AXON_OK) setup_fail("x");
        END(axon_pca_new(&p, x, 0));
    }
    CASE("axon_pca_apply", "control", CONTROL) {
        axon_tensor *r = NULL;
        END(axon_pca_apply(&r, pca(), mat(3, 2)));
    }
    CASE("axon_pca_apply", "NULL out", X_INVAL) { END(axon_pca_apply(NULL, pca(), mat(3, 2))); }
    CASE("axon_pca_apply", "another F", X_SHAPE) {
        axon_tensor *r = NULL;
        END(axon_pca_apply(&r, pca(), mat(3, 3)));
    }
    CASE("axon_pca_apply", "rank 1", X_SHAPE) {
        axon_tensor *r = NULL;
        END(axon_pca_apply(&r, pca(), vec(2)));
    }
    CASE("axon_pca_apply", "rank 3", X_SHAPE) {
        int64_t sh[3] = {3, 2, 1};
        axon_tensor *r = NULL;
        END(axon_pca_apply(&r, pca(), tensor_shape(sh, 3, 0)));
    }
    for (k = 0; k < N_BAD; ++k) {
        CASE("axon_standardizer_new", bad_label(k, "x"), X_INVAL) {
            axon_standardizer *s = NULL;
            END(axon_standardizer_new(&s, (axon_tensor *)bad_handle(H_TENSOR, k)));
        }
        CASE("axon_standardizer_apply", bad_label(k, "s"), X_INVAL) {
            axon_tensor *r = NULL, *x = mat(3, 2);
            END(axon_standardizer_apply(&r, (axon_standardizer *)bad_handle(H_STD, k), x));
        }
        CASE("axon_standardizer_apply", bad_label(k, "x"), X_INVAL) {
            axon_tensor *r = NULL;
            axon_standardizer *s = standardizer();
            END(axon_standardizer_apply(&r, s, (axon_tensor *)bad_handle(H_TENSOR, k)));
        }
        CASE("axon_pca_new", bad_label(k, "x"), X_INVAL) {
            axon_pca *p = NULL;
            END(axon_pca_new(&p, (axon_tensor *)bad_handle(H_TENSOR, k), 0));
        }
        CASE("axon_pca_apply", bad_label(k, "p"), X_INVAL) {
            axon_tensor *r = NULL, *x = mat(3, 2);
            END(axon_pca_apply(&r, (axon_pca *)bad_handle(H_PCA, k), x));
        }
        CASE("axon_pca_apply", bad_label(k, "x"), X_INVAL) {
            axon_tensor *r = NULL;
            axon_pca *p = pca();
            END(axon_pca_apply(&r, p, (axon_tensor *)bad_handle(H_TENSOR, k)));
        }
    }
    CASE("axon_pca_apply", "a standardizer handle", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_pca_apply(&r, (axon_pca *)(void *)standardizer(), mat(3, 2)));
    }
    CASE("axon_standardizer_apply", "a PCA handle", X_INVAL) {
        axon_tensor *r = NULL;
        END(axon_standardizer_apply(&r, (axon_standardizer *)(void *)pca(), mat(3, 2)));
    }
    CASE("axon_standardizer_free", "control", CONTROL_VOID) {
        size_t n = 1;
        axon_standardizer_free(standardizer());
        END_IF(axon_live_handles(&n, NULL) == AXON_OK && n == 0);
    }
    CASE("axon_pca_free", "control", CONTROL_VOID) {
        size_t n = 1;
        axon_pca_free(pca());
        END_IF(axon_live_handles(&n, NULL) == AXON_OK && n == 0);
    }
}

void cases_data(void) {
    datasets();
    loaders();
    transforms();
    cases_data_idx();
}
