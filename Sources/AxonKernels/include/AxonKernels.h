// Axon's machine kernels: the few inner loops whose speed depends on the instruction set,
// compiled once per instruction set and chosen at run time from the CPU's features.
//
// Swift has no per-function target attribute, and a package used as a dependency cannot
// pass `-march` flags, so these loops live in C: each is compiled for AVX-512, for AVX2 +
// FMA and for baseline x86-64 (SSE2) in the same build, whatever flags the build uses.
// Everything else (tiling, packing, threading, autodiff) stays in Swift.
//
// Paths and results:
// - "avx512" and "avx2" give bit-identical results: every output element is computed by the
//   same sequence of fused multiply-adds whatever the register width (the GEMM accumulates
//   each element over the shared dimension in blocks of 256, in order; dot products keep 16
//   partial sums, one or two registers wide, and add them in a fixed order).
// - "baseline" multiplies and adds separately (no FMA on baseline x86-64), so its results may
//   differ from the other two in the last bits.
// - "avx512-tiles" runs AVX-512's tile shapes and order of operations with AVX2
//   instructions. It exists so that a machine without AVX-512 can test that path's logic.
//
// The environment variable AXON_KERNELS (one of the names above) forces a path; a path the
// CPU cannot run is refused and the best available one used instead.
#ifndef AXON_KERNELS_H
#define AXON_KERNELS_H

#include <stddef.h>

#pragma clang assume_nonnull begin

/// Internal to the library: never exported from libaxon.so, whose exports are include/axon.h.
#define AXON_KERNELS_INTERNAL __attribute__((visibility("hidden")))

#if defined(__FMA__) && defined(__AVX2__)
#define AXON_ISA_FMA 1
#else
#define AXON_ISA_FMA 0
#endif

/// The kernel paths, best first among those that run natively.
enum {
    AXON_PATH_BASELINE = 0,
    AXON_PATH_AVX2 = 1,
    AXON_PATH_AVX512 = 2,
    AXON_PATH_AVX512_TILES = 3,
    AXON_PATH_COUNT = 4
};

/// C[mr x nr] = A * B (overwrite != 0) or C += A * B, with A packed as kc columns of mr
/// floats and B as kc rows of nr floats, row p at b + p * ldb (ldb = nr when B is packed; B
/// may also be read in place), C row-major with leading dimension ldc. Each element is
/// sum_p a[p] * b[p] accumulated from 0 in order of p, then stored or added to C.
typedef void (*axon_gemm_micro_fn)(long kc, const float *a, const float *b, long ldb, float *c, long ldc,
                                   int overwrite);

/// The same tile product with A read in place: its mr rows at a + i * lda, each running along
/// the shared dimension (no packing). The arithmetic per element is gemm_micro's.
typedef void (*axon_gemm_micro_rows_fn)(long kc, const float *a, long lda, const float *b, long ldb, float *c,
                                        long ldc, int overwrite);

/// Y[m x n] (ldy) = A[m x k] (lda) * W[n x k]^T (ldw): every element a dot product of two
/// contiguous rows, with 16 partial sums added in a fixed order. For small m (inference).
typedef void (*axon_dot_rows_fn)(long m, long n, long k, const float *a, long lda, const float *w,
                                 long ldw, float *y, long ldy);

/// Adam's update of one tensor in place (see vector_template.h for the exact operations).
typedef void (*axon_adam_fn)(long n, float *p, const float *g, float *m, float *v, float w1, float beta2,
                             float w2, float bc2, float eps, float step);

/// dst[p * nr + j] = src[j * ld + p] for p < kc, j < width; zero for width <= j < nr (nr a
/// multiple of 8): packs a transposed GEMM operand.
typedef void (*axon_pack_transposed_fn)(long kc, long width, const float *src, long ld, float *dst, long nr);

/// Sums in double over a run of floats, for batch statistics (vector_template.h): of x, of
/// (x - mu)^2, and BatchNorm's backward sums of g and of g * (x - mean) * invstd (added to
/// *sum_g and *sum_gx). Each keeps 16 partial sums added in a fixed order; every path,
/// baseline included, gives the same bits (double additions and products, no FMA).
typedef double (*axon_sum_fn)(long n, const float *x);
typedef double (*axon_sum_squares_fn)(long n, const float *x, double mu);
typedef void (*axon_sum_grad_fn)(long n, const float *g, const float *x, float mean, float invstd, double *sum_g,
                                 double *sum_gx);

/// Max pooling's 2 x 2 windows of stride 2 over one plane: each window's argmax as a position
/// in the plane (first maximum in window order, or the last NaN). Comparisons only: every
/// path gives the same positions.
typedef void (*axon_argmax2x2_fn)(const float *src, int *dst, long width, long oh, long ow);

/// Training-mode BatchNorm over channels of [n, C] rows (vector_template.h): the batch
/// statistics, the normalized output, and the backward pass. Channels are independent lanes
/// and each channel's sums run sample by sample in double: every path, baseline included,
/// gives the same bits.
typedef void (*axon_bn_rows_forward_fn)(long n, long ld, long w, const float *x, const float *_Nullable gamma,
                                        const float *_Nullable beta, float eps, double *sums, float *tmp,
                                        float *mean, float *var, float *invstd, float *out);
typedef void (*axon_bn_rows_backward_fn)(long n, long ld, long w, const float *x, const float *g,
                                         const float *mean, const float *invstd, const float *_Nullable gamma,
                                         double *sums, float *tmp, float *dgamma, float *dbeta, float *dx);

/// One path's kernels and the tile shape its GEMM packs for.
typedef struct axon_kernel_table {
    int path;
    const char *name;
    int gemm_mr;
    int gemm_nr;
    axon_gemm_micro_fn _Nonnull gemm_micro;
    axon_gemm_micro_rows_fn _Nonnull gemm_micro_rows;
    axon_dot_rows_fn _Nonnull dot_rows;
    axon_adam_fn _Nonnull adam;
    axon_pack_transposed_fn _Nonnull pack_transposed;
    axon_sum_fn _Nonnull sum;
    axon_sum_squares_fn _Nonnull sum_squares;
    axon_sum_grad_fn _Nonnull sum_grad;
    axon_argmax2x2_fn _Nonnull argmax2x2;
    axon_bn_rows_forward_fn _Nonnull bn_rows_forward;
    axon_bn_rows_backward_fn _Nonnull bn_rows_backward;
} axon_kernel_table;

/// Whether this CPU runs `path`.
AXON_KERNELS_INTERNAL int axon_kernels_runs(int path);

/// The table of `path` when this CPU runs it, else the table of the best path it runs.
AXON_KERNELS_INTERNAL const axon_kernel_table *_Nonnull axon_kernels_for(int path);

/// The path to use: AXON_KERNELS when it names a path this CPU runs, else the best one.
AXON_KERNELS_INTERNAL int axon_kernels_default_path(void);

/// Bit i set when the CPU running the program has feature i: 1 AVX2, 2 FMA, 4 AVX-512F,
/// 8 AVX-512VL, 16 AVX-512BW (read from cpuid at run time, whatever the build targets).
AXON_KERNELS_INTERNAL unsigned axon_cpu_feature_bits(void);

/// Prefetch the cache line holding `p` for reading (Swift has no prefetch of its own).
static inline void axon_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }

/// Tells the core it is in a spin-wait loop (x86 `pause`), easing the sibling thread and power.
static inline void axon_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

#pragma clang assume_nonnull end

#endif
