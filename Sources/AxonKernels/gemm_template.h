// The GEMM micro-kernel and the row dot-product kernel, written once over a vector type.
// kernels.c includes this file once per instruction set, with these macros defined:
//   AXK_NAME(x)        the function name for this path (x##_avx2, ...)
//   AXK_V, AXK_W       the vector type and its number of float lanes
//   AXK_MR, AXK_NV     the micro-tile: AXK_MR rows by AXK_NV vectors (AXK_NV * AXK_W columns)
//   AXK_FMA(x, y, acc) acc + x * y, fused or not
// No include guard: it is meant to be included several times.

#define AXK_NR (AXK_NV * AXK_W)
#define AXK_DOT_NV (16 / AXK_W)   // vectors that hold the 16 partial sums of a dot product
#ifndef AXK_PF
#define AXK_PF 8                  // k-steps ahead that the micro-kernel prefetches B's rows
#endif
#define AXK_PF_A 96               // floats ahead that it prefetches A's rows read in place

// The tile product, with A's element (i, p) at a[i * ars + p * aps]: packed (ars = 1, aps = MR) or
// read in place from row-major rows (ars = lda, aps = 1). Inlined into both entry points, so each
// is compiled with its strides known.
static inline __attribute__((always_inline)) void
AXK_NAME(gemm_tile)(long kc, const float *restrict a, long ars, long aps, const float *restrict b, long ldb,
                    float *restrict c, long ldc, int overwrite) {
    AXK_V acc[AXK_MR][AXK_NV];
    for (int i = 0; i < AXK_MR; i++)
        for (int j = 0; j < AXK_NV; j++) acc[i][j] = (AXK_V)0.0f;
    // The tile of C is read and written only after the loop: fetch it now (it is usually
    // far: C is visited one tile per call) so the wait overlaps the arithmetic.
    for (int i = 0; i < AXK_MR; i++) {
        __builtin_prefetch(c + i * ldc, 1);
        __builtin_prefetch(c + i * ldc + AXK_NR - 1, 1);
    }
    for (long p = 0; p < kc; p++) {
        AXK_V bv[AXK_NV];
        __builtin_memcpy(bv, b + p * ldb, sizeof bv);
        // B streams from L2 (a panel of many slivers): ask for its rows a few steps ahead.
        for (int j = 0; j < AXK_NV * AXK_W; j += 16) __builtin_prefetch(b + (p + AXK_PF) * ldb + j, 0, 3);
        // Rows of A read in place come from far (a weight matrix just updated): one row a step
        // is fetched AXK_PF_A floats ahead, so each row's next line is asked for in time.
        if (aps == 1) __builtin_prefetch(a + (p % AXK_MR) * ars + p + AXK_PF_A, 0, 3);
        const float *ap = a + p * aps;
        for (int i = 0; i < AXK_MR; i++) {
            AXK_V s = (AXK_V)ap[i * ars];
            for (int j = 0; j < AXK_NV; j++) acc[i][j] = AXK_FMA(s, bv[j], acc[i][j]);
        }
    }
    for (int i = 0; i < AXK_MR; i++) {
        float *row = c + i * ldc;
        for (int j = 0; j < AXK_NV; j++) {
            AXK_V out = acc[i][j];
            if (!overwrite) {
                AXK_V old;
                __builtin_memcpy(&old, row + j * AXK_W, sizeof old);
                out = old + out;
            }
            __builtin_memcpy(row + j * AXK_W, &out, sizeof out);
        }
    }
}

static void AXK_NAME(gemm_micro)(long kc, const float *restrict a, const float *restrict b, long ldb,
                                 float *restrict c, long ldc, int overwrite) {
    AXK_NAME(gemm_tile)(kc, a, 1, AXK_MR, b, ldb, c, ldc, overwrite);
}

static void AXK_NAME(gemm_micro_rows)(long kc, const float *restrict a, long lda, const float *restrict b,
                                      long ldb, float *restrict c, long ldc, int overwrite) {
    AXK_NAME(gemm_tile)(kc, a, lda, 1, b, ldb, c, ldc, overwrite);
}

/// The 16 partial sums of one dot product, added in the same fixed order on every path.
static inline float AXK_NAME(sum16)(const AXK_V *acc) {
    float lanes[16];
    __builtin_memcpy(lanes, acc, sizeof lanes);
    for (int h = 8; h >= 1; h /= 2)
        for (int q = 0; q < h; q++) lanes[q] = lanes[q] + lanes[q + h];
    return lanes[0];
}

static void AXK_NAME(dot_rows)(long m, long n, long k, const float *a, long lda, const float *w, long ldw,
                               float *y, long ldy) {
    const long k16 = k - k % 16;
    for (long j0 = 0; j0 < n; j0 += 4) {
        const long nj = n - j0 < 4 ? n - j0 : 4;
        // Rows past the end repeat the first row of the block; their sums are not stored.
        const float *wr[4];
        for (int jj = 0; jj < 4; jj++) wr[jj] = w + (j0 + (jj < nj ? jj : 0)) * ldw;
        for (long i = 0; i < m; i++) {
            const float *ai = a + i * lda;
            AXK_V acc[4][AXK_DOT_NV];
            for (int jj = 0; jj < 4; jj++)
                for (int v = 0; v < AXK_DOT_NV; v++) acc[jj][v] = (AXK_V)0.0f;
            for (long p = 0; p < k16; p += 16) {
                AXK_V x[AXK_DOT_NV];
                __builtin_memcpy(x, ai + p, sizeof x);
                for (int jj = 0; jj < 4; jj++) {
                    AXK_V wv[AXK_DOT_NV];
                    __builtin_memcpy(wv, wr[jj] + p, sizeof wv);
                    for (int v = 0; v < AXK_DOT_NV; v++) acc[jj][v] = AXK_FMA(x[v], wv[v], acc[jj][v]);
                }
            }
            if (k16 < k) {   // the tail, zero-padded to 16 lanes
                float xt[16] = {0};
                for (long p = k16; p < k; p++) xt[p - k16] = ai[p];
                AXK_V x[AXK_DOT_NV];
                __builtin_memcpy(x, xt, sizeof x);
                for (int jj = 0; jj < 4; jj++) {
                    float wt[16] = {0};
                    for (long p = k16; p < k; p++) wt[p - k16] = wr[jj][p];
                    AXK_V wv[AXK_DOT_NV];
                    __builtin_memcpy(wv, wt, sizeof wv);
                    for (int v = 0; v < AXK_DOT_NV; v++) acc[jj][v] = AXK_FMA(x[v], wv[v], acc[jj][v]);
                }
            }
            for (int jj = 0; jj < nj; jj++) y[i * ldy + j0 + jj] = AXK_NAME(sum16)(acc[jj]);
        }
    }
}

#undef AXK_NR
#undef AXK_DOT_NV
#undef AXK_PF_A
