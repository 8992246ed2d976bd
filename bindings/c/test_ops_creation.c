/*
** test_ops_creation.c - creation (zeros ... eye, *_like), axon_generator and the random
** tensors drawn from it, checked against values computed here, with an invalid call for
** every export.
*/
#include "check.h"

static const int64_t s23[2] = {2, 3};

static void expect(axon_tensor *r, const int64_t *shape, size_t rank, const float *want, float tol) {
    CHECK(r != NULL && has_shape(r, shape, rank) && near(r, want, axon_tensor_numel(r), tol));
    axon_tensor_free(r);
}

static void test_filled(void) {
    const int64_t neg[2] = {2, -1}, s4[1] = {4}, s34[2] = {3, 4};
    const float x[6] = {1, 2, 3, 4, 5, 6};
    axon_tensor *r = NULL, *a = make(x, 6, s23, 2, 0);
    float want[12];
    int i;
    for (i = 0; i < 6; ++i) want[i] = 0;
    CHECK_OK(axon_tensor_zeros(&r, s23, 2, 1));
    CHECK(axon_tensor_requires_grad(r) == 1);
    expect(r, s23, 2, want, 0);
    CHECK_OK(axon_tensor_zeros(&r, NULL, 0, 0));
    CHECK(axon_tensor_requires_grad(r) == 0);
    expect(r, NULL, 0, want, 0);
    CHECK_STATUS(axon_tensor_zeros(&r, neg, 2, 0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_zeros(&r, s23, 2, 2), AXON_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("requires_grad");
    CHECK(r == NULL);
    for (i = 0; i < 6; ++i) want[i] = 1;
    CHECK_OK(axon_tensor_ones(&r, s23, 2, 0));
    expect(r, s23, 2, want, 0);
    CHECK_STATUS(axon_tensor_ones(&r, NULL, 2, 0), AXON_ERR_INVALID_ARGUMENT);
    for (i = 0; i < 6; ++i) want[i] = -2.5f;
    CHECK_OK(axon_tensor_full(&r, s23, 2, -2.5f, 0));
    expect(r, s23, 2, want, 0);
    CHECK_STATUS(axon_tensor_full(&r, s23, (size_t)-1, 1, 0), AXON_ERR_INVALID_ARGUMENT);

    CHECK_OK(axon_tensor_arange(&r, 1, 2, 0.25f, 1));
    want[0] = 1; want[1] = 1.25f; want[2] = 1.5f; want[3] = 1.75f;
    CHECK(axon_tensor_requires_grad(r) == 1);
    expect(r, s4, 1, want, 0);
    CHECK_STATUS(axon_tensor_arange(&r, 0, 1, 0, 0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_arange(&r, 0, INFINITY, 1, 0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_OK(axon_tensor_linspace(&r, -1, 1, 4, 0));
    want[0] = -1; want[1] = -1.0f / 3; want[2] = 1.0f / 3; want[3] = 1;
    expect(r, s4, 1, want, 1e-7f);
    CHECK_STATUS(axon_tensor_linspace(&r, 0, 1, -1, 0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_linspace(&r, NAN, 1, 3, 0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_OK(axon_tensor_eye(&r, 3, 4, 0));
    for (i = 0; i < 12; ++i) want[i] = i / 4 == i % 4 ? 1.0f : 0.0f;
    expect(r, s34, 2, want, 0);
    CHECK_STATUS(axon_tensor_eye(&r, -1, 2, 0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_eye(&r, 2, 2, -1), AXON_ERR_INVALID_ARGUMENT);

    for (i = 0; i < 6; ++i) want[i] = 0;
    CHECK_OK(axon_tensor_zeros_like(&r, a, 1));
    CHECK(axon_tensor_requires_grad(r) == 1);
    expect(r, s23, 2, want, 0);
    CHECK_STATUS(axon_tensor_zeros_like(&r, NULL, 0), AXON_ERR_INVALID_ARGUMENT);
    for (i = 0; i < 6; ++i) want[i] = 1;
    CHECK_OK(axon_tensor_ones_like(&r, a, 0));
    expect(r, s23, 2, want, 0);
    CHECK_STATUS(axon_tensor_ones_like(&r, a, 7), AXON_ERR_INVALID_ARGUMENT);
    for (i = 0; i < 6; ++i) want[i] = 0.125f;
    CHECK_OK(axon_tensor_full_like(&r, a, 0.125f, 0));
    expect(r, s23, 2, want, 0);
    CHECK_STATUS(axon_tensor_full_like(NULL, a, 0.125f, 0), AXON_ERR_INVALID_ARGUMENT);
    axon_tensor_free(a);
}

/* The reference xoshiro256** seeded by SplitMix64, to check the generator independently. */
static uint64_t sm_state, xs[4];
static uint64_t splitmix(void) {
    uint64_t z = (sm_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
static uint64_t next(void) {
    uint64_t result = rotl(xs[1] * 5, 7) * 9, t = xs[1] << 17;
    xs[2] ^= xs[0]; xs[3] ^= xs[1]; xs[1] ^= xs[2]; xs[0] ^= xs[3]; xs[2] ^= t; xs[3] = rotl(xs[3], 45);
    return result;
}
static void reference_seed(uint64_t seed) {
    int i;
    sm_state = seed;
    for (i = 0; i < 4; ++i) xs[i] = splitmix();
}
static float next_float(void) { return (float)(next() >> 40) * (1.0f / 16777216.0f); }

static void test_random(void) {
    const int64_t s5[1] = {5}, big[1] = {-3};
    axon_generator *g = NULL, *h = NULL;
    axon_tensor *r = NULL, *r2 = NULL;
    float want[6], got[8];
    size_t live = 0;
    int i;
    CHECK_OK(axon_generator_new(&g, 42));
    CHECK_OK(axon_live_handles(&live, "axon_generator"));
    CHECK(live == 1);
    CHECK_STATUS(axon_generator_new(NULL, 42), AXON_ERR_INVALID_ARGUMENT);

    /* rand: (next >> 40) 2^-24, two draws continue the stream. */
    reference_seed(42);
    CHECK_OK(axon_tensor_rand(&r, g, s23, 2, 0));
    for (i = 0; i < 6; ++i) want[i] = next_float();
    expect(r, s23, 2, want, 0);
    CHECK_OK(axon_tensor_rand(&r, g, s5, 1, 1));
    CHECK(axon_tensor_requires_grad(r) == 1);
    for (i = 0; i < 5; ++i) want[i] = next_float();
    expect(r, s5, 1, want, 0);
    CHECK_STATUS(axon_tensor_rand(&r, NULL, s5, 1, 0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_rand(&r, g, big, 1, 0), AXON_ERR_INVALID_ARGUMENT);
    /* The failed calls did not advance the stream. */
    CHECK_OK(axon_tensor_rand(&r, g, s5, 1, 0));
    for (i = 0; i < 5; ++i) want[i] = next_float();
    expect(r, s5, 1, want, 0);

    /* randn: Box-Muller on two uniforms per value. */
    CHECK_OK(axon_tensor_randn(&r, g, s5, 1, 0));
    for (i = 0; i < 5; ++i) {
        float u1 = 1 - next_float(), u2 = next_float();
        want[i] = sqrtf(-2 * logf(u1)) * cosf(2 * 3.14159265f * u2);
    }
    expect(r, s5, 1, want, 1e-5f);
    CHECK_STATUS(axon_tensor_randn(&r, g, s5, 1, -1), AXON_ERR_INVALID_ARGUMENT);

    /* randint in [-2, 3): whole numbers in range; same seed, same values. */
    CHECK_OK(axon_generator_new(&h, 7));
    CHECK_OK(axon_tensor_randint(&r, h, -2, 3, s23, 2));
    CHECK_OK(axon_tensor_copy_data(r, got, 8));
    for (i = 0; i < 6; ++i) CHECK(got[i] >= -2 && got[i] < 3 && got[i] == floorf(got[i]));
    CHECK(axon_tensor_requires_grad(r) == 0);
    axon_generator_free(h);
    CHECK_OK(axon_generator_new(&h, 7));
    CHECK_OK(axon_tensor_randint(&r2, h, -2, 3, s23, 2));
    CHECK(near(r2, got, 6, 0));
    axon_tensor_free(r);
    axon_tensor_free(r2);
    CHECK_STATUS(axon_tensor_randint(&r, h, 3, 3, s23, 2), AXON_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(axon_tensor_randint(&r, h, 0, (int64_t)1 << 40, s23, 2), AXON_ERR_INVALID_ARGUMENT);

    /* randperm: every value of 0..7 once. */
    CHECK_OK(axon_tensor_randperm(&r, h, 8));
    CHECK_OK(axon_tensor_copy_data(r, got, 8));
    {
        int seen[8] = {0}, ok = 1;
        for (i = 0; i < 8; ++i) {
            int v = (int)got[i];
            if (v < 0 || v > 7 || (float)v != got[i] || seen[v]++) ok = 0;
        }
        CHECK(ok && axon_tensor_numel(r) == 8);
    }
    axon_tensor_free(r);
    CHECK_STATUS(axon_tensor_randperm(&r, h, -1), AXON_ERR_INVALID_ARGUMENT);
    CHECK(r == NULL);
    axon_generator_free(h);
    axon_generator_free(g);
    axon_generator_free(NULL);
    axon_generator_free(g); /* a second free is a no-op */
    CHECK_STATUS(axon_tensor_rand(&r, g, s5, 1, 0), AXON_ERR_INVALID_ARGUMENT);
    CHECK_ERROR_MENTIONS("axon_generator");
}

int main(void) {
    test_filled();
    test_random();
    return report("test_ops_creation");
}
