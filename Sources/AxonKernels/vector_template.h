// Elementwise kernels (optimizer updates), written once over a vector type; kernels.c
// includes this file once per instruction set with the macros of gemm_template.h. The
// operations that PyTorch fuses are written as __builtin_elementwise_fma on every path
// (hardware FMA where present, the exact libm fmaf on baseline), so every path computes the
// same bits as the scalar tail and as PyTorch's kernels.

/// Adam's step for one tensor (PyTorch's order of operations), with d = g - m:
///   m <- lerp(m, g, w1);  v <- v * beta2 + (w2 * g) * g;
///   p <- p + (step * m) / (sqrt(v) / bc2 + eps)
static void AXK_NAME(adam)(long n, float *p, const float *g, float *m, float *v, float w1, float beta2, float w2,
                           float bc2, float eps, float step) {
    const int low = __builtin_fabsf(w1) < 0.5f;
    const float w1c = 1 - w1;
    long j = 0;
    for (; j + AXK_W <= n; j += AXK_W) {
        AXK_V gj, mj, vj, pj;
        __builtin_memcpy(&gj, g + j, sizeof gj);
        __builtin_memcpy(&mj, m + j, sizeof mj);
        __builtin_memcpy(&vj, v + j, sizeof vj);
        __builtin_memcpy(&pj, p + j, sizeof pj);
        const AXK_V d = gj - mj;
        mj = low ? __builtin_elementwise_fma((AXK_V)w1, d, mj) : __builtin_elementwise_fma(-d, (AXK_V)w1c, gj);
        vj = vj * beta2 + (w2 * gj) * gj;
        const AXK_V denom = __builtin_elementwise_sqrt(vj) / bc2 + eps;
        pj = pj + (step * mj) / denom;
        __builtin_memcpy(m + j, &mj, sizeof mj);
        __builtin_memcpy(v + j, &vj, sizeof vj);
        __builtin_memcpy(p + j, &pj, sizeof pj);
    }
    for (; j < n; j++) {
        const float d = g[j] - m[j];
        m[j] = low ? __builtin_fmaf(w1, d, m[j]) : __builtin_fmaf(-d, w1c, g[j]);
        v[j] = v[j] * beta2 + (w2 * g[j]) * g[j];
        const float denom = __builtin_sqrtf(v[j]) / bc2 + eps;
        p[j] = p[j] + (step * m[j]) / denom;
    }
}

typedef float AXK_NAME(row8) __attribute__((ext_vector_type(8)));

/// dst[p * nr + j] = src[j * ld + p] for p < kc and j < width, 0 for width <= j < nr: packs
/// a transposed operand (a weight matrix read as W^T, or a row-major A) into GEMM slivers,
/// 8 x 8 blocks at a time through registers (columns past the last full 8, and slivers
/// narrower than 8, one element at a time). Data movement only, so every path packs the same
/// bits.
static void AXK_NAME(pack_transposed)(long kc, long width, const float *src, long ld, float *dst, long nr) {
    typedef AXK_NAME(row8) R;
    for (long j0 = 0; j0 < nr; j0 += 8) {
        long p0 = 0;
        if (j0 + 8 <= width) {
            for (; p0 + 8 <= kc; p0 += 8) {
                R r[8];
                for (int q = 0; q < 8; q++) __builtin_memcpy(&r[q], src + (j0 + q) * ld + p0, sizeof(R));
                R t[8], u[8];
                for (int q = 0; q < 8; q += 2) {
                    t[q] = __builtin_shufflevector(r[q], r[q + 1], 0, 8, 1, 9, 4, 12, 5, 13);
                    t[q + 1] = __builtin_shufflevector(r[q], r[q + 1], 2, 10, 3, 11, 6, 14, 7, 15);
                }
                for (int q = 0; q < 8; q += 4) {
                    u[q] = __builtin_shufflevector(t[q], t[q + 2], 0, 1, 8, 9, 4, 5, 12, 13);
                    u[q + 1] = __builtin_shufflevector(t[q], t[q + 2], 2, 3, 10, 11, 6, 7, 14, 15);
                    u[q + 2] = __builtin_shufflevector(t[q + 1], t[q + 3], 0, 1, 8, 9, 4, 5, 12, 13);
                    u[q + 3] = __builtin_shufflevector(t[q + 1], t[q + 3], 2, 3, 10, 11, 6, 7, 14, 15);
                }
                for (int q = 0; q < 4; q++) {
                    R lo = __builtin_shufflevector(u[q], u[q + 4], 0, 1, 2, 3, 8, 9, 10, 11);
                    R hi = __builtin_shufflevector(u[q], u[q + 4], 4, 5, 6, 7, 12, 13, 14, 15);
                    __builtin_memcpy(dst + (p0 + q) * nr + j0, &lo, sizeof(R));
                    __builtin_memcpy(dst + (p0 + q + 4) * nr + j0, &hi, sizeof(R));
                }
            }
        }
        for (; p0 < kc; p0++)
            for (long j = j0; j < j0 + 8 && j < nr; j++) dst[p0 * nr + j] = j < width ? src[j * ld + p0] : 0.0f;
    }
}
