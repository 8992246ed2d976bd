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

/// Stores the first `lanes` (1 to 8) floats of v at dst.
static inline __attribute__((always_inline)) void AXK_NAME(store_lanes)(float *dst, AXK_NAME(row8) v, long lanes) {
    if (lanes == 8) {
        __builtin_memcpy(dst, &v, sizeof v);
        return;
    }
    long l = 0;
    if (lanes >= 4) {
        const float __attribute__((ext_vector_type(4))) low = __builtin_shufflevector(v, v, 0, 1, 2, 3);
        __builtin_memcpy(dst, &low, sizeof low);
        l = 4;
    }
    if (lanes - l >= 2) {
        const float __attribute__((ext_vector_type(2))) pair = l == 4 ? __builtin_shufflevector(v, v, 4, 5)
                                                                     : __builtin_shufflevector(v, v, 0, 1);
        __builtin_memcpy(dst + l, &pair, sizeof pair);
        l += 2;
    }
    for (; l < lanes; l++) dst[l] = v[l];
}

/// Columns p0 ..< p0 + 8 of `rows` (0 to 8) source rows, transposed through registers into
/// `lanes` floats at dst + p * nr for each of the 8 columns; missing rows are zeros.
static inline __attribute__((always_inline)) void AXK_NAME(transpose8)(const float *src, long ld, long rows,
                                                                      float *dst, long nr, long lanes) {
    typedef AXK_NAME(row8) R;
    R r[8];
    for (int q = 0; q < 8; q++) {
        if (q < rows) __builtin_memcpy(&r[q], src + q * ld, sizeof(R));
        else r[q] = (R)0.0f;
    }
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
        AXK_NAME(store_lanes)(dst + q * nr, lo, lanes);
        AXK_NAME(store_lanes)(dst + (q + 4) * nr, hi, lanes);
    }
}

/// dst[p * nr + j] = src[j * ld + p] for p < kc and j < width, 0 for width <= j < nr: packs
/// a transposed operand (a weight matrix read as W^T, or a row-major A) into GEMM slivers,
/// 8 x 8 blocks at a time through registers. A block of fewer than 8 source rows (a sliver
/// of 6, or the columns past the last full 8) transposes zeros in place of the missing rows
/// and stores only the sliver's lanes; the last kc % 8 columns go one element at a time.
/// The full block and the 6-row sliver get loops of their own, with constant counts.
/// Data movement only, so every path packs the same bits.
static void AXK_NAME(pack_transposed)(long kc, long width, const float *src, long ld, float *dst, long nr) {
    for (long j0 = 0; j0 < nr; j0 += 8) {
        const long rows = width - j0 >= 8 ? 8 : width > j0 ? width - j0 : 0;
        const long lanes = nr - j0 >= 8 ? 8 : nr - j0;
        const float *s = src + j0 * ld;
        float *d = dst + j0;
        long p0 = 0;
        if (rows == 8 && lanes == 8) {
            for (; p0 + 8 <= kc; p0 += 8) AXK_NAME(transpose8)(s + p0, ld, 8, d + p0 * nr, nr, 8);
        } else if (rows == 6 && lanes == 6) {
            for (; p0 + 8 <= kc; p0 += 8) AXK_NAME(transpose8)(s + p0, ld, 6, d + p0 * nr, nr, 6);
        } else {
            for (; p0 + 8 <= kc; p0 += 8) AXK_NAME(transpose8)(s + p0, ld, rows, d + p0 * nr, nr, lanes);
        }
        for (; p0 < kc; p0++)
            for (long j = j0; j < j0 + lanes; j++) dst[p0 * nr + j] = j < width ? src[j * ld + p0] : 0.0f;
    }
}

typedef double AXK_NAME(d8) __attribute__((ext_vector_type(8)));
typedef float AXK_NAME(f8) __attribute__((ext_vector_type(8)));

/// Adds 16 partial sums in a fixed tree. Element j of a run always goes to partial j % 16
/// (the tail, fewer than 16, to partials 0 ..< count), so every path, whatever its register
/// width, makes the same additions: the sums have the same bits on every path.
static double AXK_NAME(partials)(double *s, const double *tail, long count) {
    for (long j = 0; j < count; j++) s[j] += tail[j];
    for (int w = 8; w >= 1; w /= 2)
        for (int i = 0; i < w; i++) s[i] += s[i + w];
    return s[0];
}

/// sum of (double)x[j] for j < n, as 16 partial sums (batch statistics).
static double AXK_NAME(sum_f64)(long n, const float *x) {
    typedef AXK_NAME(d8) D;
    typedef AXK_NAME(f8) F;
    D lo = 0, hi = 0;
    long j = 0;
    for (; j + 16 <= n; j += 16) {
        F a, b;
        __builtin_memcpy(&a, x + j, sizeof a);
        __builtin_memcpy(&b, x + j + 8, sizeof b);
        lo += __builtin_convertvector(a, D);
        hi += __builtin_convertvector(b, D);
    }
    double s[16], tail[16];
    __builtin_memcpy(s, &lo, sizeof lo);
    __builtin_memcpy(s + 8, &hi, sizeof hi);
    for (long t = j; t < n; t++) tail[t - j] = (double)x[t];
    return AXK_NAME(partials)(s, tail, n - j);
}

/// sum of ((double)x[j] - mu)^2 for j < n, as 16 partial sums.
static double AXK_NAME(sum_squares_f64)(long n, const float *x, double mu) {
    typedef AXK_NAME(d8) D;
    typedef AXK_NAME(f8) F;
    D lo = 0, hi = 0;
    long j = 0;
    for (; j + 16 <= n; j += 16) {
        F a, b;
        __builtin_memcpy(&a, x + j, sizeof a);
        __builtin_memcpy(&b, x + j + 8, sizeof b);
        const D da = __builtin_convertvector(a, D) - mu, db = __builtin_convertvector(b, D) - mu;
        lo += da * da;
        hi += db * db;
    }
    double s[16], tail[16];
    __builtin_memcpy(s, &lo, sizeof lo);
    __builtin_memcpy(s + 8, &hi, sizeof hi);
    for (long t = j; t < n; t++) {
        const double d = (double)x[t] - mu;
        tail[t - j] = d * d;
    }
    return AXK_NAME(partials)(s, tail, n - j);
}

/// The sums of BatchNorm's backward pass over a run: *sum_g += sum of (double)g[j] and
/// *sum_gx += sum of (double)g[j] * (double)((x[j] - mean) * invstd), each as 16 partial sums.
static void AXK_NAME(sum_grad_f64)(long n, const float *g, const float *x, float mean, float invstd,
                                    double *sum_g, double *sum_gx) {
    typedef AXK_NAME(d8) D;
    typedef AXK_NAME(f8) F;
    D glo = 0, ghi = 0, xlo = 0, xhi = 0;
    long j = 0;
    for (; j + 16 <= n; j += 16) {
        F ga, gb, xa, xb;
        __builtin_memcpy(&ga, g + j, sizeof ga);
        __builtin_memcpy(&gb, g + j + 8, sizeof gb);
        __builtin_memcpy(&xa, x + j, sizeof xa);
        __builtin_memcpy(&xb, x + j + 8, sizeof xb);
        const D da = __builtin_convertvector(ga, D), db = __builtin_convertvector(gb, D);
        glo += da;
        ghi += db;
        xlo += da * __builtin_convertvector((xa - mean) * invstd, D);
        xhi += db * __builtin_convertvector((xb - mean) * invstd, D);
    }
    double sg[16], sx[16], tg[16], tx[16];
    __builtin_memcpy(sg, &glo, sizeof glo);
    __builtin_memcpy(sg + 8, &ghi, sizeof ghi);
    __builtin_memcpy(sx, &xlo, sizeof xlo);
    __builtin_memcpy(sx + 8, &xhi, sizeof xhi);
    for (long t = j; t < n; t++) {
        tg[t - j] = (double)g[t];
        tx[t - j] = (double)g[t] * (double)((x[t] - mean) * invstd);
    }
    *sum_g += AXK_NAME(partials)(sg, tg, n - j);
    *sum_gx += AXK_NAME(partials)(sx, tx, n - j);
}

typedef float AXK_NAME(f16) __attribute__((ext_vector_type(16)));
typedef int AXK_NAME(i8) __attribute__((ext_vector_type(8)));

/// Max pooling's 2 x 2 windows of stride 2 over one plane of `width` columns (2 oh rows and
/// 2 ow columns of it inside the plane): dst[oy * ow + ox] is the position in the plane of the
/// window's first maximum in window order (top left, top right, bottom left, bottom right), or
/// of its last NaN; a window of -infinity takes its first position. Eight windows at a time;
/// a row's last, partial group reads its columns into a buffer padded with -infinity.
static void AXK_NAME(argmax2x2)(const float *src, int *dst, long width, long oh, long ow) {
    typedef AXK_NAME(f8) F;
    typedef AXK_NAME(f16) F16;
    typedef AXK_NAME(i8) I;
    const I lanes = {0, 2, 4, 6, 8, 10, 12, 14};
    for (long oy = 0; oy < oh; oy++) {
        const long top = 2 * oy * width, bottom = top + width;
        for (long ox = 0; ox < ow; ox += 8) {
            const long windows = ow - ox < 8 ? ow - ox : 8;
            F16 upper, lower;
            if (windows == 8) {
                __builtin_memcpy(&upper, src + top + 2 * ox, sizeof upper);
                __builtin_memcpy(&lower, src + bottom + 2 * ox, sizeof lower);
            } else {
                float u[16], l[16];
                for (long j = 0; j < 16; j++) {
                    u[j] = j < 2 * windows ? src[top + 2 * ox + j] : -__builtin_inff();
                    l[j] = j < 2 * windows ? src[bottom + 2 * ox + j] : -__builtin_inff();
                }
                __builtin_memcpy(&upper, u, sizeof upper);
                __builtin_memcpy(&lower, l, sizeof lower);
            }
            const F candidates[4] = {
                __builtin_shufflevector(upper, upper, 0, 2, 4, 6, 8, 10, 12, 14),
                __builtin_shufflevector(upper, upper, 1, 3, 5, 7, 9, 11, 13, 15),
                __builtin_shufflevector(lower, lower, 0, 2, 4, 6, 8, 10, 12, 14),
                __builtin_shufflevector(lower, lower, 1, 3, 5, 7, 9, 11, 13, 15)};
            const I first = lanes + (int)(top + 2 * ox), below = lanes + (int)(bottom + 2 * ox);
            const I positions[4] = {first, first + 1, below, below + 1};
            F best = -__builtin_inff();
            I at = -1;
            for (int q = 0; q < 4; q++) {
                const F v = candidates[q];
                const I better = (v > best) | (v != v);
                best = (F)(((I)v & better) | ((I)best & ~better));
                at = (positions[q] & better) | (at & ~better);
            }
            const I none = at < 0;
            at = (first & none) | (at & ~none);
            if (windows == 8) {
                __builtin_memcpy(dst + oy * ow + ox, &at, sizeof at);
            } else {
                int a[8];
                __builtin_memcpy(a, &at, sizeof a);
                for (long j = 0; j < windows; j++) dst[oy * ow + ox + j] = a[j];
            }
        }
    }
}

/// Training-mode BatchNorm forward over w channels of an [n, ld] matrix (x, out, mean, var,
/// invstd, gamma and beta already offset to the first channel; gamma and beta may be NULL for
/// 1 and 0). Each channel's sums run sample by sample from zero in double, and the loops over
/// channels are independent lanes, so any register width gives the same bits as a scalar
/// loop. `sums` holds 2w doubles, `tmp` 4w floats.
static void AXK_NAME(bn_rows_forward)(long n, long ld, long w, const float *x, const float *_Nullable gamma,
                                      const float *_Nullable beta, float eps, double *sums, float *tmp,
                                      float *mean, float *var, float *invstd, float *out) {
    double *restrict s = sums, *restrict sq = sums + w;
    float *restrict centre = tmp, *restrict scale = tmp + w, *restrict gm = tmp + 2 * w, *restrict shift = tmp + 3 * w;
    for (long j = 0; j < 2 * w; j++) sums[j] = 0;
    for (long i = 0; i < n; i++) {
        const float *restrict row = x + i * ld;
        for (long j = 0; j < w; j++) s[j] += (double)row[j];
    }
    for (long j = 0; j < w; j++) s[j] /= (double)n;
    for (long i = 0; i < n; i++) {
        const float *restrict row = x + i * ld;
        for (long j = 0; j < w; j++) {
            const double d = (double)row[j] - s[j];
            sq[j] += d * d;
        }
    }
    for (long j = 0; j < w; j++) {
        const float v = (float)(sq[j] / (double)n), m = (float)s[j];
        const float inv = 1.0f / __builtin_sqrtf(v + eps);
        mean[j] = m;
        var[j] = v;
        invstd[j] = inv;
        centre[j] = m;
        scale[j] = inv;
        gm[j] = gamma ? gamma[j] : 1.0f;
        shift[j] = beta ? beta[j] : 0.0f;
    }
    for (long i = 0; i < n; i++) {
        const float *restrict row = x + i * ld;
        float *restrict y = out + i * ld;
        for (long j = 0; j < w; j++) y[j] = (row[j] - centre[j]) * scale[j] * gm[j] + shift[j];
    }
}

/// Training-mode BatchNorm backward over w channels of [n, ld] matrices x and g (offset as in
/// bn_rows_forward): dgamma, dbeta and dx, with the sums in double, sample by sample. `sums`
/// holds 2w doubles, `tmp` 5w floats.
static void AXK_NAME(bn_rows_backward)(long n, long ld, long w, const float *x, const float *g, const float *mean,
                                       const float *invstd, const float *_Nullable gamma, double *sums, float *tmp,
                                       float *dgamma, float *dbeta, float *dx) {
    double *restrict sg = sums, *restrict sgx = sums + w;
    float *restrict m = tmp, *restrict inv = tmp + w, *restrict scale = tmp + 2 * w, *restrict mg = tmp + 3 * w,
                    *restrict mgx = tmp + 4 * w;
    const float count = (float)n;
    for (long j = 0; j < 2 * w; j++) sums[j] = 0;
    for (long j = 0; j < w; j++) {
        m[j] = mean[j];
        inv[j] = invstd[j];
    }
    for (long i = 0; i < n; i++) {
        const float *restrict xr = x + i * ld, *restrict gr = g + i * ld;
        for (long j = 0; j < w; j++) {
            sg[j] += (double)gr[j];
            sgx[j] += (double)gr[j] * (double)((xr[j] - m[j]) * inv[j]);
        }
    }
    for (long j = 0; j < w; j++) {
        dgamma[j] = (float)sgx[j];
        dbeta[j] = (float)sg[j];
        mg[j] = (float)sg[j] / count;
        mgx[j] = (float)sgx[j] / count;
        scale[j] = (gamma ? gamma[j] : 1.0f) * inv[j];
    }
    for (long i = 0; i < n; i++) {
        const float *restrict xr = x + i * ld, *restrict gr = g + i * ld;
        float *restrict d = dx + i * ld;
        for (long j = 0; j < w; j++) {
            const float xhat = (xr[j] - m[j]) * inv[j];
            d[j] = scale[j] * (gr[j] - mg[j] - xhat * mgx[j]);
        }
    }
}
