/*
** test_ops_fixture.c - every case of Tests/AxonTests/Fixtures/c_ops.txt through the C door:
** each op's result must equal, bit for bit, the output the Swift API computed (and
** COpsFixtureTests recomputes). The format is described in Tests/AxonTests/COpsFixture.swift.
** Run from the repository root (run_tests.sh does).
*/
#include "check.h"

#include <inttypes.h>

#define FIXTURE "Tests/AxonTests/Fixtures/c_ops.txt"
#define MAX_ARGS 32
#define MAX_INPUTS 8
#define MAX_VALUES 4096

typedef struct {
    char op[64];
    int64_t ints[MAX_ARGS];
    size_t n_ints;
    float floats[MAX_ARGS];
    size_t n_floats;
    axon_tensor *inputs[MAX_INPUTS];
    size_t n_inputs;
} fixture_case;

static float values[MAX_VALUES];

static int read_float(FILE *f, float *x) {
    unsigned int bits;
    uint32_t b;
    if (fscanf(f, "%x", &bits) != 1) return 0;
    b = (uint32_t)bits;
    memcpy(x, &b, sizeof *x);
    return 1;
}

/* Reads "<keyword> <rank> <dims> <count> <bits>" into a new tensor (NULL on a format error). */
static axon_tensor *read_tensor(FILE *f, const char *keyword) {
    char word[16];
    int64_t shape[AXON_MAX_RANK];
    size_t rank, count, i;
    axon_tensor *t = NULL;
    if (fscanf(f, "%15s %zu", word, &rank) != 2 || strcmp(word, keyword) != 0 || rank > AXON_MAX_RANK) return NULL;
    for (i = 0; i < rank; ++i) {
        if (fscanf(f, "%" SCNd64, &shape[i]) != 1) return NULL;
    }
    if (fscanf(f, "%zu", &count) != 1 || count > MAX_VALUES) return NULL;
    for (i = 0; i < count; ++i) {
        if (!read_float(f, &values[i])) return NULL;
    }
    if (axon_tensor_new(&t, values, count, shape, rank, 0) != AXON_OK) return NULL;
    return t;
}

static void skip_comments(FILE *f) {
    int c;
    while ((c = fgetc(f)) != EOF) {
        if (c == '#') {
            while ((c = fgetc(f)) != EOF && c != '\n') {}
        } else if (c != '\n' && c != ' ') {
            ungetc(c, f);
            return;
        }
    }
}

/* The reduction axes of ints[from..]; n 0 means all axes. */
#define AXES(from) (c->n_ints > (from) ? c->ints + (from) : NULL), (c->n_ints > (from) ? c->n_ints - (from) : 0)

/* Draws twice from one generator with the case's seed; the result is the second draw. */
static axon_status random_case(axon_tensor **out, const fixture_case *c) {
    axon_generator *g = NULL;
    axon_tensor *first = NULL;
    const int64_t *a = c->ints + 1;
    axon_status s = axon_generator_new(&g, (uint64_t)c->ints[0]);
    int k;
    for (k = 0; k < 2 && s == AXON_OK; ++k) {
        axon_tensor_free(first);
        first = *out;
        if (strcmp(c->op, "rand") == 0) s = axon_tensor_rand(out, g, a, c->n_ints - 1, 0);
        else if (strcmp(c->op, "randn") == 0) s = axon_tensor_randn(out, g, a, c->n_ints - 1, 0);
        else if (strcmp(c->op, "randint") == 0) s = axon_tensor_randint(out, g, a[0], a[1], a + 2, c->n_ints - 3);
        else s = axon_tensor_randperm(out, g, a[0]);
    }
    axon_tensor_free(first);
    axon_generator_free(g);
    return s;
}

/* Runs one op on the case's inputs through its C export. */
static axon_status run(axon_tensor **out, const fixture_case *c, const char *op) {
    axon_tensor *const *x = c->inputs;
    const int64_t *i = c->ints;
    const float *f = c->floats;
    *out = NULL;
#define IS(name) (strcmp(op, name) == 0)
#define BINARY(name) if (IS(#name)) return axon_tensor_##name(out, x[0], x[1]);
#define UNARY(name) if (IS(#name)) return axon_tensor_##name(out, x[0]);
    BINARY(add) BINARY(sub) BINARY(mul) BINARY(div) BINARY(matmul) BINARY(maximum) BINARY(minimum)
    BINARY(pow_tensor) BINARY(gt) BINARY(ge) BINARY(lt) BINARY(le) BINARY(eq) BINARY(ne)
    UNARY(neg) UNARY(exp) UNARY(log) UNARY(tanh) UNARY(sigmoid) UNARY(relu) UNARY(sqrt) UNARY(sin) UNARY(cos)
    UNARY(abs) UNARY(erf) UNARY(gelu) UNARY(softplus) UNARY(sum)
#undef BINARY
#undef UNARY
    if (IS("where")) return axon_tensor_where(out, x[0], x[1], x[2]);
    if (IS("pow")) return axon_tensor_pow(out, x[0], f[0]);
    if (IS("clamp")) return axon_tensor_clamp(out, x[0], f[0], f[1]);
    if (IS("leaky_relu")) return axon_tensor_leaky_relu(out, x[0], f[0]);
    if (IS("elu")) return axon_tensor_elu(out, x[0], f[0]);
    if (IS("sum_axes")) return axon_tensor_sum_axes(out, x[0], AXES(1), (int)i[0]);
    if (IS("mean")) return axon_tensor_mean(out, x[0], AXES(1), (int)i[0]);
    if (IS("amax")) return axon_tensor_amax(out, x[0], AXES(1), (int)i[0]);
    if (IS("amin")) return axon_tensor_amin(out, x[0], AXES(1), (int)i[0]);
    if (IS("logsumexp")) return axon_tensor_logsumexp(out, x[0], AXES(1), (int)i[0]);
    if (IS("var")) return axon_tensor_var(out, x[0], AXES(2), i[0], (int)i[1]);
    if (IS("argmax")) return axon_tensor_argmax(out, x[0], i[0]);
    if (IS("softmax")) return axon_tensor_softmax(out, x[0], i[0]);
    if (IS("log_softmax")) return axon_tensor_log_softmax(out, x[0], i[0]);
    if (IS("reshape")) return axon_tensor_reshape(out, x[0], i, c->n_ints);
    if (IS("transpose")) return axon_tensor_transpose(out, x[0], i[0], i[1]);
    if (IS("permute")) return axon_tensor_permute(out, x[0], i, c->n_ints);
    if (IS("expand")) return axon_tensor_expand(out, x[0], i, c->n_ints);
    if (IS("sum_to_size")) return axon_tensor_sum_to_size(out, x[0], i, c->n_ints);
    if (IS("concat")) return axon_tensor_concat(out, x, c->n_inputs, i[0]);
    if (IS("slice")) return axon_tensor_slice(out, x[0], i[0], i[1], i[2]);
    if (IS("unsqueeze")) return axon_tensor_unsqueeze(out, x[0], i[0]);
    if (IS("squeeze")) return axon_tensor_squeeze(out, x[0], i[0]);
    if (IS("flatten")) return axon_tensor_flatten(out, x[0], i[0], i[1]);
    if (IS("index_select")) return axon_tensor_index_select(out, x[0], i[0], i + 1, c->n_ints - 1);
    if (IS("gather")) return axon_tensor_gather(out, x[0], i[0], x[1]);
    if (IS("conv2d")) return axon_tensor_conv2d(out, x[0], x[1], c->n_inputs > 2 ? x[2] : NULL, i, i + 2, i + 4, i[6]);
    if (IS("max_pool2d")) return axon_tensor_max_pool2d(out, x[0], i, i + 2, i + 4, i + 6);
    if (IS("avg_pool2d")) return axon_tensor_avg_pool2d(out, x[0], i, i + 2, i + 4);
    if (IS("adaptive_avg_pool2d")) return axon_tensor_adaptive_avg_pool2d(out, x[0], i);
    if (IS("maxout")) return axon_tensor_maxout(out, x, c->n_inputs);
    if (IS("zeros")) return axon_tensor_zeros(out, i, c->n_ints, 0);
    if (IS("ones")) return axon_tensor_ones(out, i, c->n_ints, 0);
    if (IS("full")) return axon_tensor_full(out, i, c->n_ints, f[0], 0);
    if (IS("arange")) return axon_tensor_arange(out, f[0], f[1], f[2], 0);
    if (IS("linspace")) return axon_tensor_linspace(out, f[0], f[1], i[0], 0);
    if (IS("eye")) return axon_tensor_eye(out, i[0], i[1], 0);
    if (IS("zeros_like")) return axon_tensor_zeros_like(out, x[0], 0);
    if (IS("ones_like")) return axon_tensor_ones_like(out, x[0], 0);
    if (IS("full_like")) return axon_tensor_full_like(out, x[0], f[0], 0);
    if (IS("rand") || IS("randn") || IS("randint") || IS("randperm")) return random_case(out, c);
#undef IS
    fprintf(stderr, "test_ops_fixture: unknown op %s\n", op);
    return AXON_ERR_INVALID_ARGUMENT;
}

/* grad:<op> differentiates <op> with respect to its first input with axon_grad and the last
** input as the seed; jvp:<op> gives the first input the last input as its tangent. */
static axon_status evaluate(axon_tensor **out, fixture_case *c) {
    const char *colon = strchr(c->op, ':');
    axon_tensor *x0, *y = NULL, *extra;
    axon_status s;
    if (colon == NULL) return run(out, c, c->op);
    *out = NULL;
    extra = c->inputs[--c->n_inputs];
    x0 = c->inputs[0];
    if (strncmp(c->op, "grad:", 5) == 0) {
        axon_tensor *leaf = NULL;
        s = axon_tensor_detach(&leaf, x0);
        if (s == AXON_OK) s = axon_tensor_set_requires_grad(leaf, 1);
        c->inputs[0] = leaf;
        if (s == AXON_OK) s = run(&y, c, colon + 1);
        if (s == AXON_OK) s = axon_grad(out, 1, &y, 1, &extra, &leaf, 1, 0, 0);
        axon_tensor_free(leaf);
    } else {
        axon_tensor *dual = NULL;
        s = axon_tensor_dual(&dual, x0, extra);
        c->inputs[0] = dual;
        if (s == AXON_OK) s = run(&y, c, colon + 1);
        if (s == AXON_OK) s = axon_tensor_tangent(out, y);
        axon_tensor_free(dual);
    }
    c->inputs[0] = x0;
    c->inputs[c->n_inputs++] = extra;
    axon_tensor_free(y);
    return s;
}

/* Whether `got` has the shape and the exact bits of `expected`. */
static int same_bits(const axon_tensor *got, const axon_tensor *expected) {
    static float a[MAX_VALUES], b[MAX_VALUES];
    int64_t shape[AXON_MAX_RANK];
    size_t n = axon_tensor_numel(expected), rank = axon_tensor_rank(expected);
    if (got == NULL || axon_tensor_shape(expected, shape, AXON_MAX_RANK) != AXON_OK) return 0;
    if (!has_shape(got, shape, rank) || axon_tensor_numel(got) != n) return 0;
    if (axon_tensor_copy_data(got, a, MAX_VALUES) != AXON_OK) return 0;
    if (axon_tensor_copy_data(expected, b, MAX_VALUES) != AXON_OK) return 0;
    return memcmp(a, b, n * sizeof(float)) == 0;
}

int main(void) {
    FILE *f = fopen(FIXTURE, "r");
    char word[16];
    int n_cases = 0;
    CHECK(f != NULL);
    if (f == NULL) return report("test_ops_fixture");
    for (skip_comments(f); fscanf(f, "%15s", word) == 1; skip_comments(f)) {
        fixture_case c;
        axon_tensor *expected, *got = NULL;
        size_t k;
        int ok = strcmp(word, "case") == 0 && fscanf(f, "%63s %zu", c.op, &c.n_ints) == 2 && c.n_ints <= MAX_ARGS;
        for (k = 0; ok && k < c.n_ints; ++k) ok = fscanf(f, "%" SCNd64, &c.ints[k]) == 1;
        ok = ok && fscanf(f, "%zu", &c.n_floats) == 1 && c.n_floats <= MAX_ARGS;
        for (k = 0; ok && k < c.n_floats; ++k) ok = read_float(f, &c.floats[k]);
        ok = ok && fscanf(f, "%zu", &c.n_inputs) == 1 && c.n_inputs <= MAX_INPUTS;
        for (k = 0; ok && k < c.n_inputs; ++k) ok = (c.inputs[k] = read_tensor(f, "tensor")) != NULL;
        CHECK(ok);
        if (!ok) break;
        expected = read_tensor(f, "expect");
        CHECK(expected != NULL);
        if (expected == NULL) break;
        CHECK_OK(evaluate(&got, &c));
        if (!same_bits(got, expected)) {
            fprintf(stderr, "test_ops_fixture: case %d (%s) differs from the Swift result\n", n_cases, c.op);
            CHECK(0);
        }
        axon_tensor_free(got);
        axon_tensor_free(expected);
        for (k = 0; k < c.n_inputs; ++k) axon_tensor_free(c.inputs[k]);
        ++n_cases;
    }
    fclose(f);
    CHECK(n_cases >= 100);
    printf("test_ops_fixture: %d cases\n", n_cases);
    return report("test_ops_fixture");
}
