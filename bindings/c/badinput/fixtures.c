/*
** fixtures.c - the objects and files the cases of the bad-input matrix are made of. Every
** helper runs inside a case body (in the child) and ends the child with R_SETUP when the
** library refuses it, so that a case never runs on a missing fixture.
*/
#include "harness.h"

#include <sys/stat.h>
#include <unistd.h>

const char *const NONEXISTENT = "no/such/dir/file.axon";
const char *const BAD_UTF8 = "bad\xff\xfe\xc0\xaf.axon";

axon_tensor *tensor_shape(const int64_t *shape, size_t rank, int requires_grad) {
    size_t n = 1, i;
    float *data;
    axon_tensor *t = NULL;
    for (i = 0; i < rank; ++i) n *= (size_t)shape[i];
    data = (float *)malloc((n ? n : 1) * sizeof *data);
    if (!data) setup_fail("malloc");
    for (i = 0; i < n; ++i) data[i] = (float)(i + 1);
    if (axon_tensor_new(&t, data, n, shape, rank, requires_grad) != AXON_OK) setup_fail("axon_tensor_new");
    free(data);
    return t;
}

axon_tensor *vec(size_t n) {
    int64_t shape[1];
    shape[0] = (int64_t)n;
    return tensor_shape(shape, 1, 0);
}

axon_tensor *vec_rg(size_t n) {
    int64_t shape[1];
    shape[0] = (int64_t)n;
    return tensor_shape(shape, 1, 1);
}

axon_tensor *mat(int64_t r, int64_t c) {
    int64_t shape[2];
    shape[0] = r;
    shape[1] = c;
    return tensor_shape(shape, 2, 0);
}

axon_tensor *scalar(float v) {
    axon_tensor *t = NULL;
    if (axon_tensor_new(&t, &v, 1, NULL, 0, 0) != AXON_OK) setup_fail("axon_tensor_new (scalar)");
    return t;
}

axon_tensor *values(const float *v, size_t n) {
    axon_tensor *t = NULL;
    int64_t shape[1];
    shape[0] = (int64_t)n;
    if (axon_tensor_new(&t, v, n, shape, 1, 0) != AXON_OK) setup_fail("axon_tensor_new (values)");
    return t;
}

const char *safetensors_file(const char *path, const char *json, uint64_t declared, size_t n_data) {
    size_t n = strlen(json), i;
    uint64_t len = declared == UINT64_MAX ? (uint64_t)n : declared;
    unsigned char *buf = (unsigned char *)calloc(8 + n + n_data + 1, 1);
    if (!buf) setup_fail("calloc");
    for (i = 0; i < 8; ++i) buf[i] = (unsigned char)(len >> (8 * i));
    memcpy(buf + 8, json, n);
    write_file(path, buf, 8 + n + n_data);
    free(buf);
    return path;
}

/* An empty tensor of `shape` read from a safetensors file, or NULL when the file is refused. */
static axon_tensor *empty_from_file(const int64_t *shape, size_t rank) {
    char json[1024];
    size_t n = 0, i;
    axon_tensor_file *f = NULL;
    axon_tensor *t = NULL;
    n += (size_t)snprintf(json + n, sizeof json - n, "{\"z\":{\"dtype\":\"F32\",\"shape\":[");
    for (i = 0; i < rank && n < sizeof json; ++i) {
        n += (size_t)snprintf(json + n, sizeof json - n, "%s%lld", i ? "," : "", (long long)shape[i]);
    }
    if (n < sizeof json) snprintf(json + n, sizeof json - n, "],\"data_offsets\":[0,0]}}");
    if (axon_safetensors_load(&f, safetensors_file("empty.safetensors", json, UINT64_MAX, 0)) != AXON_OK) return NULL;
    if (axon_tensor_file_tensor(&t, f, 0) != AXON_OK) return NULL;
    axon_tensor_file_free(f);
    return t;
}

axon_tensor *empty_shape(const int64_t *shape, size_t rank) {
    axon_tensor *e = NULL, *t = NULL;
    int64_t zero[1] = {0};
    axon_status st;
    if (axon_tensor_new(&e, NULL, 0, zero, 1, 0) != AXON_OK) setup_fail("axon_tensor_new ([0])");
    st = axon_tensor_reshape(&t, e, shape, rank);
    if (st != AXON_OK && ((1u << st) & X_HUGE)) {
        t = empty_from_file(shape, rank);
        if (!t) skip_case("the library refuses this empty tensor's shape, from reshape and from a safetensors file");
        st = AXON_OK;
    }
    if (st != AXON_OK) setup_fail("axon_tensor_reshape (an empty tensor)");
    axon_tensor_free(e);
    return t;
}

axon_tensor *huge_empty(void) {
    int64_t shape[3] = {0, P40, P40};
    return empty_shape(shape, 3);
}

axon_tensor *freed_tensor(void) {
    axon_tensor *t = vec(2);
    axon_tensor_free(t);
    return t;
}

axon_tensor *rg_loss(axon_tensor **leaf) {
    axon_tensor *x = vec_rg(3), *sq = NULL, *s = NULL;
    if (axon_tensor_mul(&sq, x, x) != AXON_OK || axon_tensor_sum(&s, sq) != AXON_OK) setup_fail("sum(x * x)");
    axon_tensor_free(sq);
    if (leaf) *leaf = x;
    return s;
}

axon_model *model(const char *spec) {
    axon_model *m = NULL;
    if (axon_model_new(&m, spec, 1) != AXON_OK) setup_fail(spec);
    return m;
}

axon_model *freed_model(void) {
    axon_model *m = model("linear 2 3");
    axon_model_free(m);
    return m;
}

axon_tensor *param0(const axon_model *m) {
    axon_tensor *p = NULL;
    if (axon_model_parameter(&p, m, 0) != AXON_OK) setup_fail("axon_model_parameter");
    return p;
}

axon_optimizer *opt_of(const char *kind, axon_tensor *p, const char *key, double value) {
    axon_optimizer *opt = NULL;
    const char *keys[1];
    double vals[1];
    keys[0] = key;
    vals[0] = value;
    if (axon_optimizer_new(&opt, kind, &p, 1, keys, vals, key ? 1 : 0) != AXON_OK) setup_fail(kind);
    return opt;
}

axon_optimizer *sgd_over(axon_tensor *p) { return opt_of("sgd", p, "lr", 0.1); }

axon_optimizer *model_sgd(axon_model *m) {
    size_t n = axon_model_parameter_count_tensors(m), i;
    axon_tensor *ps[64];
    axon_optimizer *opt = NULL;
    const char *keys[1] = {"lr"};
    double vals[1] = {0.1};
    if (n > 64) setup_fail("too many parameters");
    for (i = 0; i < n; ++i) {
        if (axon_model_parameter(&ps[i], m, i) != AXON_OK) setup_fail("axon_model_parameter");
    }
    if (axon_optimizer_new(&opt, "sgd", ps, n, keys, vals, 1) != AXON_OK) setup_fail("sgd over a model");
    return opt;
}

axon_optimizer *freed_optimizer(void) {
    axon_optimizer *opt = sgd_over(vec_rg(2));
    axon_optimizer_free(opt);
    return opt;
}

axon_scheduler *step_sched(axon_optimizer *opt) {
    axon_scheduler *s = NULL;
    const char *keys[2] = {"step_size", "gamma"};
    double vals[2] = {2, 0.5};
    if (axon_scheduler_new(&s, opt, "step", keys, vals, 2) != AXON_OK) setup_fail("step schedule");
    return s;
}

axon_scheduler *freed_scheduler(void) {
    axon_scheduler *s = step_sched(sgd_over(vec_rg(2)));
    axon_scheduler_free(s);
    return s;
}

axon_plateau *plateau_of(axon_optimizer *opt) {
    axon_plateau *p = NULL;
    if (axon_plateau_new(&p, opt, NULL, NULL, 0) != AXON_OK) setup_fail("plateau");
    return p;
}

axon_plateau *freed_plateau(void) {
    axon_plateau *p = plateau_of(sgd_over(vec_rg(2)));
    axon_plateau_free(p);
    return p;
}

axon_generator *gen(void) {
    axon_generator *g = NULL;
    if (axon_generator_new(&g, 7) != AXON_OK) setup_fail("generator");
    return g;
}

axon_generator *freed_generator(void) {
    axon_generator *g = gen();
    axon_generator_free(g);
    return g;
}

axon_dataset *dataset(size_t n) {
    axon_tensor *x = mat((int64_t)n, 2), *y = NULL;
    axon_dataset *d = NULL;
    int64_t shape[1];
    float *labels = (float *)calloc(n ? n : 1, sizeof *labels);
    size_t i;
    for (i = 0; i < n; ++i) labels[i] = (float)(i % 2);
    shape[0] = (int64_t)n;
    if (axon_tensor_new(&y, labels, n, shape, 1, 0) != AXON_OK) setup_fail("targets");
    if (axon_dataset_new(&d, x, y) != AXON_OK) setup_fail("dataset");
    axon_tensor_free(x);
    axon_tensor_free(y);
    free(labels);
    return d;
}

axon_dataset *freed_dataset(void) {
    axon_dataset *d = dataset(4);
    axon_dataset_free(d);
    return d;
}

axon_loader *loader(axon_dataset *d, size_t batch) {
    axon_loader *l = NULL;
    if (axon_loader_new(&l, d, batch, 0, 0, 1) != AXON_OK) setup_fail("loader");
    return l;
}

axon_loader *freed_loader(void) {
    axon_loader *l = loader(dataset(4), 2);
    axon_loader_free(l);
    return l;
}

axon_standardizer *standardizer(void) {
    axon_standardizer *s = NULL;
    axon_tensor *x = mat(4, 2);
    if (axon_standardizer_new(&s, x) != AXON_OK) setup_fail("standardizer");
    axon_tensor_free(x);
    return s;
}

axon_standardizer *freed_standardizer(void) {
    axon_standardizer *s = standardizer();
    axon_standardizer_free(s);
    return s;
}

axon_pca *pca(void) {
    axon_pca *p = NULL;
    const float v[8] = {1, 0, 0, 1, -1, 0, 0, -1};
    int64_t shape[2] = {4, 2};
    axon_tensor *x = NULL;
    if (axon_tensor_new(&x, v, 8, shape, 2, 0) != AXON_OK) setup_fail("pca features");
    if (axon_pca_new(&p, x, 1e-3) != AXON_OK) setup_fail("pca");
    axon_tensor_free(x);
    return p;
}

axon_pca *freed_pca(void) {
    axon_pca *p = pca();
    axon_pca_free(p);
    return p;
}

axon_tensor_file *tensor_file(void) {
    axon_tensor_file *f = NULL;
    if (axon_tensors_load(&f, tensors_file()) != AXON_OK) setup_fail("axon_tensors_load");
    return f;
}

axon_tensor_file *freed_tensor_file(void) {
    axon_tensor_file *f = tensor_file();
    axon_tensor_file_free(f);
    return f;
}

void *bad_handle(int type, int kind) {
    static char foreign[256];
    if (kind == BAD_NULL) return NULL;
    if (kind == BAD_FOREIGN) return foreign + 16;
    if (kind == BAD_WRONG_TYPE) return type == H_TENSOR ? (void *)model("linear 2 3") : (void *)vec(2);
    switch (type) {
    case H_TENSOR: return freed_tensor();
    case H_MODEL: return freed_model();
    case H_OPT: return freed_optimizer();
    case H_SCHED: return freed_scheduler();
    case H_PLATEAU: return freed_plateau();
    case H_GEN: return freed_generator();
    case H_DATASET: return freed_dataset();
    case H_LOADER: return freed_loader();
    case H_STD: return freed_standardizer();
    case H_PCA: return freed_pca();
    default: return freed_tensor_file();
    }
}

const char *bad_label(int kind, const char *param) {
    static const char *const kinds[N_BAD] = {"NULL", "freed", "wrong-type", "foreign"};
    static char label[128];
    snprintf(label, sizeof label, "%s %s", kinds[kind], param);
    return label;
}

/* ---- Files ------------------------------------------------------------------------------- */

void write_file(const char *path, const void *bytes, size_t n) {
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(bytes, 1, n, f) != n || fclose(f) != 0) setup_fail(path);
}

const char *make_fifo(void) {
    if (mkfifo("fifo", 0600) != 0) setup_fail("mkfifo");
    return "fifo";
}

const char *make_dir(void) {
    if (mkdir("dir", 0700) != 0) setup_fail("mkdir");
    return "dir";
}

const char *garbage_file(void) {
    static const char text[] = "this is not a file of any format Axon reads\n";
    write_file("garbage", text, sizeof text - 1);
    return "garbage";
}

const char *empty_file(void) {
    write_file("empty", "", 0);
    return "empty";
}

const char *model_file(void) {
    axon_model *m = model("linear 2 3");
    if (axon_model_save(m, "model.axon") != AXON_OK) setup_fail("axon_model_save");
    axon_model_free(m);
    return "model.axon";
}

const char *tensors_file(void) {
    const char *names[2] = {"a", "b"};
    axon_tensor *ts[2];
    ts[0] = vec(3);
    ts[1] = mat(2, 2);
    if (axon_tensors_save("tensors.axon", names, ts, 2, "text") != AXON_OK) setup_fail("axon_tensors_save");
    axon_tensor_free(ts[0]);
    axon_tensor_free(ts[1]);
    return "tensors.axon";
}

static char *slurp(const char *path, long *size) {
    FILE *f = fopen(path, "rb");
    char *bytes;
    if (!f) setup_fail(path);
    fseek(f, 0, SEEK_END);
    *size = ftell(f);
    fseek(f, 0, SEEK_SET);
    bytes = (char *)malloc((size_t)*size + 1);
    if (!bytes || fread(bytes, 1, (size_t)*size, f) != (size_t)*size) setup_fail(path);
    fclose(f);
    return bytes;
}

const char *truncated(const char *path) {
    static char out[256];
    long size;
    char *bytes = slurp(path, &size);
    snprintf(out, sizeof out, "%s.half", path);
    write_file(out, bytes, (size_t)size / 2);
    free(bytes);
    return out;
}

const char *corrupted(const char *path, long offset) {
    static char out[256];
    long size;
    char *bytes = slurp(path, &size);
    if (offset < 0) offset += size;
    if (offset < 0 || offset >= size) setup_fail("corrupted: offset outside the file");
    bytes[offset] = (char)(bytes[offset] ^ 0x5a);
    snprintf(out, sizeof out, "%s.flip%ld", path, offset);
    write_file(out, bytes, (size_t)size);
    free(bytes);
    return out;
}

int exists(const char *path) { return access(path, F_OK) == 0; }

/* ---- Data-parallel training ---- */

int hook_keep(float *data, size_t count, void *user) {
    (void)data;
    (void)count;
    (void)user;
    return 0;
}

int hook_scribble(float *data, size_t count, void *user) {
    size_t i;
    for (i = 0; i < count; ++i) data[i] = 1e3f;
    return user ? *(const int *)user : 1;
}

int hook_fail_at(float *data, size_t count, void *user) {
    (void)data;
    (void)count;
    return --*(int *)user == 0 ? 1 : 0;
}

int hook_nan(float *data, size_t count, void *user) {
    size_t i;
    (void)user;
    for (i = 0; i < count; ++i) data[i] = NAN;
    return 0;
}

int hook_fill(float *data, size_t count, void *user) {
    size_t i;
    for (i = 0; i < count; ++i) data[i] = *(const float *)user;
    return 0;
}

float *state_of(const axon_model *m, size_t *n) {
    float *s;
    *n = axon_model_flat_count(m, AXON_PART_STATE);
    s = (float *)malloc((*n ? *n : 1) * sizeof *s);
    if (!s || axon_model_flat_read(m, AXON_PART_STATE, s, *n) != AXON_OK) setup_fail("state");
    return s;
}

/* Whether the state of `m` is still `before` (`n` floats). */
static int same_state(const axon_model *m, const float *before, size_t n) {
    size_t k;
    float *now = state_of(m, &k);
    int same = k == n && memcmp(now, before, n * sizeof *now) == 0;
    free(now);
    return same;
}

int unchanged_on_error(axon_status status, const axon_model *m, const float *before, size_t n) {
    return status != AXON_OK && !same_state(m, before, n) ? R_BADVAL : (int)status;
}
