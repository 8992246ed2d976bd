import AxonISA
#if canImport(Glibc)
import Glibc
#endif

/// Single-precision matrix multiply, BLIS style: B is packed into 16-column slivers and A
/// into 6-row slivers, and a 6x16 micro-kernel keeps its 96 results in twelve `SIMD8`
/// registers while it streams the shared dimension.
///
/// Threads split the output into tiles; each result element is always accumulated by the
/// same sequence of operations (the shared dimension in blocks of `kc`, in order), so the
/// result is bit-identical whatever the thread count or tiling.
enum Gemm {
    static let mr = 6, nr = 16
    /// Block sizes: kc x 16 floats of B (16 KiB) stay in L1, 72 x kc of A (72 KiB) in L2.
    static let kc = 256, mcTile = 72, ncTile = 256, mcPack = 720, ncPack = 4096

    /// A strided matrix operand: element (i, j) is at `base[i * rowStride + j * colStride]`.
    struct Operand {
        let base: UnsafePointer<Float>
        let rowStride: Int
        let colStride: Int
    }

    /// C (m x n, row-major with leading dimension `ldc`) = A (m x k) * B (k x n), or
    /// C += A * B when `accumulate` is set. `threads` caps the parallelism of this call.
    static func multiply(m: Int, n: Int, k: Int, a: Operand, b: Operand,
                         c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, parallel: Bool) {
        guard m > 0, n > 0 else { return }
        let parallel = parallel && m * n * k >= 1 << 19
        guard k > 0 else {
            if !accumulate { for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) } }
            return
        }
        let ncMax = min(n, ncPack), mcMax = min(m, mcPack)
        let bSlivers = (ncMax + nr - 1) / nr, aSlivers = (mcMax + mr - 1) / mr
        let packedB = UnsafeMutablePointer<Float>.alignedBuffer(bSlivers * nr * kc)
        let packedA = UnsafeMutablePointer<Float>.alignedBuffer(aSlivers * mr * kc)
        defer { free(packedB); free(packedA) }
        let pb = SharedPointer(packedB), pa = SharedPointer(packedA), pc = SharedPointer(c)
        func run(_ chunks: Int, _ body: (Int) -> Void) {
            if parallel { parallelFor(chunks, body) } else { for i in 0..<chunks { body(i) } }
        }

        var jc = 0
        while jc < n {
            let nc = min(ncPack, n - jc)
            let ncSlivers = (nc + nr - 1) / nr
            var p0 = 0
            while p0 < k {
                let kcb = min(kc, k - p0)
                let first = p0 == 0 && !accumulate
                run(ncSlivers) { s in
                    packB(b, rows: p0, kc: kcb, cols: jc + s * nr, width: min(nr, nc - s * nr),
                          into: pb.base + s * nr * kcb)
                }
                var ic = 0
                while ic < m {
                    let mc = min(mcPack, m - ic)
                    let mcSlivers = (mc + mr - 1) / mr
                    run(mcSlivers) { s in
                        packA(a, rows: ic + s * mr, height: min(mr, mc - s * mr), cols: p0, kc: kcb,
                              into: pa.base + s * mr * kcb)
                    }
                    let rowTiles = (mc + mcTile - 1) / mcTile, colTiles = (nc + ncTile - 1) / ncTile
                    run(rowTiles * colTiles) { tile in
                        let ti = tile / colTiles, tj = tile % colTiles
                        let sj0 = tj * (ncTile / nr), sj1 = min(ncSlivers, sj0 + ncTile / nr)
                        let si0 = ti * (mcTile / mr), si1 = min(mcSlivers, si0 + mcTile / mr)
                        for sj in sj0..<sj1 {
                            let col = jc + sj * nr, width = min(nr, n - col)
                            for si in si0..<si1 {
                                let row = ic + si * mr, height = min(mr, m - row)
                                let cTile = pc.base + row * ldc + col
                                let aSliver = UnsafePointer(pa.base + si * mr * kcb)
                                let bSliver = UnsafePointer(pb.base + sj * nr * kcb)
                                if height == mr && width == nr {
                                    micro(kc: kcb, a: aSliver, b: bSliver, c: cTile, ldc: ldc, overwrite: first)
                                } else {
                                    edge(kc: kcb, a: aSliver, b: bSliver, c: cTile, ldc: ldc,
                                         height: height, width: width, overwrite: first)
                                }
                            }
                        }
                    }
                    ic += mc
                }
                p0 += kcb
            }
            jc += nc
        }
    }

    /// Packs rows `rows..<rows+kc` and columns `cols..<cols+width` of B as kc rows of 16
    /// floats, zero-padding the columns past `width`.
    @inline(__always)
    static func packB(_ b: Operand, rows: Int, kc: Int, cols: Int, width: Int, into dst: UnsafeMutablePointer<Float>) {
        if width == nr && b.colStride == 1 {
            for p in 0..<kc {
                (dst + p * nr).update(from: b.base + (rows + p) * b.rowStride + cols, count: nr)
            }
            return
        }
        for p in 0..<kc {
            let src = b.base + (rows + p) * b.rowStride + cols * b.colStride
            for j in 0..<nr { dst[p * nr + j] = j < width ? src[j * b.colStride] : 0 }
        }
    }

    /// Packs rows `rows..<rows+height` and columns `cols..<cols+kc` of A as kc columns of 6
    /// floats, zero-padding the rows past `height`.
    @inline(__always)
    static func packA(_ a: Operand, rows: Int, height: Int, cols: Int, kc: Int, into dst: UnsafeMutablePointer<Float>) {
        for r in 0..<mr {
            if r < height {
                let src = a.base + (rows + r) * a.rowStride + cols * a.colStride
                if a.colStride == 1 {
                    for p in 0..<kc { dst[p * mr + r] = src[p] }
                } else {
                    for p in 0..<kc { dst[p * mr + r] = src[p * a.colStride] }
                }
            } else {
                for p in 0..<kc { dst[p * mr + r] = 0 }
            }
        }
    }

    /// The 6x16 micro-kernel: C[6x16] (+)= Apacked[6 x kc] * Bpacked[kc x 16].
    @inline(__always)
    static func micro(kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                      c: UnsafeMutablePointer<Float>, ldc: Int, overwrite: Bool) {
        typealias V = SIMD8<Float>
        var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V()
        var c30 = V(), c31 = V(), c40 = V(), c41 = V(), c50 = V(), c51 = V()
        let braw = UnsafeRawPointer(b)
        var ap = a
        for p in 0..<kc {
            let b0 = braw.load(fromByteOffset: p * 64, as: V.self)
            let b1 = braw.load(fromByteOffset: p * 64 + 32, as: V.self)
            var s = V(repeating: ap[0]); fma(&c00, s, b0); fma(&c01, s, b1)
            s = V(repeating: ap[1]); fma(&c10, s, b0); fma(&c11, s, b1)
            s = V(repeating: ap[2]); fma(&c20, s, b0); fma(&c21, s, b1)
            s = V(repeating: ap[3]); fma(&c30, s, b0); fma(&c31, s, b1)
            s = V(repeating: ap[4]); fma(&c40, s, b0); fma(&c41, s, b1)
            s = V(repeating: ap[5]); fma(&c50, s, b0); fma(&c51, s, b1)
            ap += mr
        }
        store(c00, c01, c, overwrite)
        store(c10, c11, c + ldc, overwrite)
        store(c20, c21, c + 2 * ldc, overwrite)
        store(c30, c31, c + 3 * ldc, overwrite)
        store(c40, c41, c + 4 * ldc, overwrite)
        store(c50, c51, c + 5 * ldc, overwrite)
    }

    /// A partial tile: the micro-kernel into a scratch tile, then the valid part into C.
    /// The arithmetic per element is the same as in a full tile.
    static func edge(kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                     c: UnsafeMutablePointer<Float>, ldc: Int, height: Int, width: Int, overwrite: Bool) {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: mr * nr) { scratch in
            guard let t = scratch.baseAddress else { return }
            for i in 0..<height {
                for j in 0..<nr { t[i * nr + j] = overwrite || j >= width ? 0 : c[i * ldc + j] }
            }
            micro(kc: kc, a: a, b: b, c: t, ldc: nr, overwrite: overwrite)
            for i in 0..<height {
                for j in 0..<width { c[i * ldc + j] = t[i * nr + j] }
            }
        }
    }

    @inline(__always)
    static func store(_ lo: SIMD8<Float>, _ hi: SIMD8<Float>, _ c: UnsafeMutablePointer<Float>, _ overwrite: Bool) {
        let raw = UnsafeMutableRawPointer(c)
        if overwrite {
            raw.storeBytes(of: lo, as: SIMD8<Float>.self)
            raw.storeBytes(of: hi, toByteOffset: 32, as: SIMD8<Float>.self)
        } else {
            raw.storeBytes(of: raw.loadUnaligned(as: SIMD8<Float>.self) + lo, as: SIMD8<Float>.self)
            raw.storeBytes(of: raw.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self) + hi,
                           toByteOffset: 32, as: SIMD8<Float>.self)
        }
    }
}

/// Whether this build targets FMA (a constant the optimizer folds).
let targetHasFMA: Bool = AXON_ISA_FMA != 0

/// acc += a * b, fused when the build targets FMA (see AxonISA.h for why it must not be
/// fused otherwise).
@inline(__always)
func fma(_ acc: inout SIMD8<Float>, _ a: SIMD8<Float>, _ b: SIMD8<Float>) {
    if targetHasFMA {
        acc.addProduct(a, b)
    } else {
        acc += a * b
    }
}

extension UnsafeMutablePointer where Pointee == Float {
    /// A 64-byte aligned scratch buffer of `count` floats, released with `free`.
    static func alignedBuffer(_ count: Int) -> UnsafeMutablePointer<Float> {
        var raw: UnsafeMutableRawPointer?
        _ = posix_memalign(&raw, 64, max(count, 16) * MemoryLayout<Float>.stride)
        guard let raw else { return .allocate(capacity: max(count, 16)) }
        return raw.bindMemory(to: Float.self, capacity: count)
    }
}
