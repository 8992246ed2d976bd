// Compile-time facts about the instruction set this build targets, for Swift kernels.
//
// Swift has no `#if` for CPU features. Swift imports these macros as constants, so
// `if AXON_ISA_FMA != 0 { ... }` folds at compile time. The reason it matters: on baseline
// x86-64, `SIMD8<Float>.addingProduct` lowers to calls to `fmaf` (about 100x slower than
// a multiply and an add); with `-Xcc -march=x86-64-v3` it lowers to `vfmadd231ps`.
#ifndef AXON_ISA_H
#define AXON_ISA_H

#if defined(__FMA__) && defined(__AVX2__)
#define AXON_ISA_FMA 1
#else
#define AXON_ISA_FMA 0
#endif

/// Bit i set when the CPU running the program has feature i: 1 AVX2, 2 FMA, 4 AVX-512F,
/// 8 AVX-512VL, 16 AVX-512BW (read from cpuid at run time, whatever the build targets).
static inline unsigned axon_cpu_feature_bits(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    return (__builtin_cpu_supports("avx2") ? 1u : 0u) | (__builtin_cpu_supports("fma") ? 2u : 0u)
        | (__builtin_cpu_supports("avx512f") ? 4u : 0u) | (__builtin_cpu_supports("avx512vl") ? 8u : 0u)
        | (__builtin_cpu_supports("avx512bw") ? 16u : 0u);
#else
    return 0u;
#endif
}

/// Prefetch the cache line holding `p` for reading (Swift has no prefetch of its own).
static inline void axon_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }

#endif
