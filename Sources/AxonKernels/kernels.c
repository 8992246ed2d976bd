// Instantiates the kernels of gemm_template.h once per instruction set and picks a path from
// the CPU's features at run time (see include/AxonKernels.h).
#include "AxonKernels.h"
#include <stdlib.h>
#include <string.h>

// Multiplies and adds stay separate unless written as AXK_FMA: the same source must compute
// the same bits on every FMA path.
#pragma clang fp contract(off)

typedef float axk_v4 __attribute__((ext_vector_type(4)));
typedef float axk_v8 __attribute__((ext_vector_type(8)));
typedef float axk_v16 __attribute__((ext_vector_type(16)));

#define AXK_FMA(x, y, acc) __builtin_elementwise_fma((x), (y), (acc))

// AVX-512: 8 x 32 tiles, 16 accumulators of 16 lanes.
#pragma clang attribute push(__attribute__((target("avx512f,avx512vl,avx512bw,avx2,fma"))), apply_to = function)
#define AXK_NAME(x) x##_avx512
#define AXK_V axk_v16
#define AXK_W 16
#define AXK_MR 8
#define AXK_NV 2
#include "gemm_template.h"
#include "vector_template.h"
#undef AXK_NAME
#pragma clang attribute pop

// The same tiles and operations with AVX2 instructions (two registers per vector).
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#define AXK_NAME(x) x##_avx512_tiles
#include "gemm_template.h"
#include "vector_template.h"
#undef AXK_NAME
#undef AXK_V
#undef AXK_W
#undef AXK_MR
#undef AXK_NV

// AVX2 + FMA: 6 x 16 tiles, 12 accumulators of 8 lanes.
#define AXK_NAME(x) x##_avx2
#define AXK_V axk_v8
#define AXK_W 8
#define AXK_MR 6
#define AXK_NV 2
#include "gemm_template.h"
#include "vector_template.h"
#undef AXK_NAME
#undef AXK_V
#undef AXK_W
#undef AXK_MR
#undef AXK_NV
#pragma clang attribute pop
#undef AXK_FMA

// Baseline x86-64 (SSE2): 6 x 8 tiles of 4 lanes; a multiply and an add, not fused.
#define AXK_FMA(x, y, acc) ((acc) + (x) * (y))
#define AXK_NAME(x) x##_baseline
#define AXK_V axk_v4
#define AXK_W 4
#define AXK_MR 6
#define AXK_NV 2
#include "gemm_template.h"
#include "vector_template.h"

static const axon_kernel_table tables[AXON_PATH_COUNT] = {
    {AXON_PATH_BASELINE, "baseline", 6, 8, gemm_micro_baseline, gemm_micro_rows_baseline, dot_rows_baseline,
     adam_baseline, pack_transposed_baseline, sum_f64_baseline, sum_squares_f64_baseline, sum_grad_f64_baseline,
     argmax2x2_baseline, bn_rows_forward_baseline, bn_rows_backward_baseline},
    {AXON_PATH_AVX2, "avx2", 6, 16, gemm_micro_avx2, gemm_micro_rows_avx2, dot_rows_avx2,
     adam_avx2, pack_transposed_avx2, sum_f64_avx2, sum_squares_f64_avx2, sum_grad_f64_avx2,
     argmax2x2_avx2, bn_rows_forward_avx2, bn_rows_backward_avx2},
    {AXON_PATH_AVX512, "avx512", 8, 32, gemm_micro_avx512, gemm_micro_rows_avx512, dot_rows_avx512,
     adam_avx512, pack_transposed_avx512, sum_f64_avx512, sum_squares_f64_avx512, sum_grad_f64_avx512,
     argmax2x2_avx512, bn_rows_forward_avx512, bn_rows_backward_avx512},
    {AXON_PATH_AVX512_TILES, "avx512-tiles", 8, 32, gemm_micro_avx512_tiles, gemm_micro_rows_avx512_tiles,
     dot_rows_avx512_tiles, adam_avx512_tiles, pack_transposed_avx512_tiles, sum_f64_avx512_tiles,
     sum_squares_f64_avx512_tiles, sum_grad_f64_avx512_tiles, argmax2x2_avx512_tiles,
     bn_rows_forward_avx512_tiles, bn_rows_backward_avx512_tiles},
};

unsigned axon_cpu_feature_bits(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    return (__builtin_cpu_supports("avx2") ? 1u : 0u) | (__builtin_cpu_supports("fma") ? 2u : 0u)
        | (__builtin_cpu_supports("avx512f") ? 4u : 0u) | (__builtin_cpu_supports("avx512vl") ? 8u : 0u)
        | (__builtin_cpu_supports("avx512bw") ? 16u : 0u);
#else
    return 0u;
#endif
}

int axon_kernels_runs(int path) {
    const unsigned bits = axon_cpu_feature_bits();
    switch (path) {
    case AXON_PATH_BASELINE: return 1;
    case AXON_PATH_AVX2:
    case AXON_PATH_AVX512_TILES: return (bits & 3u) == 3u;
    case AXON_PATH_AVX512: return (bits & 31u) == 31u;
    default: return 0;
    }
}

const axon_kernel_table *axon_kernels_for(int path) {
    return &tables[axon_kernels_runs(path) ? path : axon_kernels_default_path()];
}

int axon_kernels_default_path(void) {
    const char *forced = getenv("AXON_KERNELS");
    if (forced != NULL)
        for (int p = 0; p < AXON_PATH_COUNT; p++)
            if (strcmp(forced, tables[p].name) == 0 && axon_kernels_runs(p)) return p;
    if (axon_kernels_runs(AXON_PATH_AVX512)) return AXON_PATH_AVX512;
    return axon_kernels_runs(AXON_PATH_AVX2) ? AXON_PATH_AVX2 : AXON_PATH_BASELINE;
}
