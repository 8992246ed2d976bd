import AxonKernels
#if canImport(Glibc)
import Glibc
#endif

/// Single-precision matrix multiply, BLIS style: B is packed into slivers of `nr` columns and
/// A into slivers of `mr` rows, and the selected path's micro-kernel (AxonKernels) keeps an
/// mr x nr tile of results in registers while it streams the shared dimension.
///
/// Every result element is accumulated by the same sequence of operations (the shared
/// dimension in blocks of `kc`, in order, each block summed from 0 by fused multiply-adds and
/// added to the element), whatever the thread count, the tiling or the register width; so
/// the AVX2 and AVX-512 paths agree bit for bit, with 1 thread or many.
///
/// Threads split the output into contiguous column (or row) ranges decided by the problem
/// size alone, and each range runs the whole blocked product on its own: one parallel region
/// per call.
enum Gemm {
    /// The shared-dimension block: the same on every path (it fixes the order of additions).
    static let kc = 256
    /// Rows of A packed at once, and columns of B per packed panel: a panel of kc x 512 floats
    /// (512 KiB) stays in a 1 MiB L2 while each sliver of A, in L1, runs along it.
    static let mcPack = 192, ncPack = 512
    /// Up to this many rows, a product whose operands both run contiguously along the shared
    /// dimension (a Linear layer's forward pass) is computed as dot products of rows, with no
    /// packing: the inference path for batches of a few samples.
    static let dotRowsMax = 4
    /// Up to this many rows, a B that runs contiguously along its columns is read in place
    /// rather than packed: with few rows to reuse it, packing would cost as much as it saves.
    static let directRowsMax = 128
    /// Up to this many rows, a row-major A times a transposed B that is not kept packed runs as
    /// the transposed product (`multiplyTransposed`).
    static let transposedRowsMax = 64
    /// Products smaller than this many multiply-adds run on one thread.
    static let parallelMinimum = 1 << 17

    /// A strided matrix operand: element (i, j) is at `base[i * rowStride + j * colStride]`.
    struct Operand {
        let base: UnsafePointer<Float>
        let rowStride: Int
        let colStride: Int
    }

    /// C (m x n, row-major with leading dimension `ldc`) = A (m x k) * B (k x n), or
    /// C += A * B when `accumulate` is set. `parallel` allows threads for this call. When
    /// `cache` is given (B is a parameter), B's packed form is kept there and reused until
    /// the storage's version changes. `kernels` is the path's table, read once per call.
    static func multiply(m: Int, n: Int, k: Int, a: Operand, b: Operand, c: UnsafeMutablePointer<Float>, ldc: Int,
                         accumulate: Bool, parallel: Bool, cache: Storage? = nil,
                         kernels: axon_kernel_table = Kernels.current, aInPlace: Bool = false) {
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            if !accumulate { for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) } }
            return
        }
        let work = m.multipliedReportingOverflow(by: n).partialValue.multipliedReportingOverflow(by: k)
        let threads = parallel && (work.overflow || work.partialValue >= parallelMinimum) ? Threading.threadCount : 1
        let pc = SharedPointer(c)

        if m <= dotRowsMax && !accumulate && a.colStride == 1 && b.rowStride == 1 {
            // Y = A W^T with W = B^T row-major: chunks of 4 columns (rows of W).
            let chunks = min(threads, (n + 3) / 4), per = ((n + 3) / 4 + chunks - 1) / chunks * 4
            parallelFor(chunks) { t in
                let j0 = t * per, j1 = min(n, j0 + per)
                guard j0 < j1 else { return }
                kernels.dot_rows(m, j1 - j0, k, a.base, a.rowStride, b.base + j0 * b.colStride, b.colStride,
                                 pc.base + j0, ldc)
            }
            return
        }

        if m <= transposedRowsMax && n > directRowsMax && a.colStride == 1 && b.rowStride == 1 && b.colStride != 1
            && cache.map({ changedSinceLastProduct($0, b, k: k, n: n, path: kernels.path) }) ?? true {
            multiplyTransposed(m: m, n: n, k: k, a: a, b: b, c: c, ldc: ldc, accumulate: accumulate,
                               parallel: parallel, kernels: kernels)
            return
        }

        let (mr, nr) = (Int(kernels.gemm_mr), Int(kernels.gemm_nr))
        let slivers = (n + nr - 1) / nr
        let direct = b.colStride == 1 && m <= directRowsMax
        let cache = direct ? nil : cache
        let cached = cache.flatMap { lookUp($0, b, k: k, n: n, path: kernels.path) }
        let packed = cached ?? (cache != nil ? PackedMatrix(count: slivers * nr * k, key: nil) : nil)
        let fresh = cached == nil && packed != nil

        // Split the columns when B is shared packed (each range packs its own slivers of it)
        // or when there are more columns than rows; else split the rows.
        let splitColumns = packed != nil || n >= m
        let units = splitColumns ? slivers : (m + mr - 1) / mr
        let chunks = max(1, min(threads, units)), per = (units + chunks - 1) / chunks
        let shared = packed.map { SharedPointer($0.pointer) }
        parallelFor(chunks) { t in
            let u0 = t * per, u1 = min(units, u0 + per)
            guard u0 < u1 else { return }
            let rows = splitColumns ? 0..<m : u0 * mr..<min(m, u1 * mr)
            let cols = splitColumns ? u0 * nr..<min(n, u1 * nr) : 0..<n
            if let shared, fresh {
                packAll(b, k: k, n: n, slivers: u0..<u1, nr: nr, totalSlivers: slivers, into: shared.base,
                        kernels: kernels)
            }
            block(rows: rows, cols: cols, k: k, a: a, b: b, packedB: shared.map { UnsafePointer($0.base) },
                  direct: direct, aInPlace: aInPlace, totalSlivers: slivers, c: pc.base, ldc: ldc,
                  accumulate: accumulate, kernels: kernels)
        }
        if let cache, let packed, fresh {
            packed.key = PackedMatrix.Key(b, k: k, n: n, path: kernels.path, version: cache.version)
            cache.packs.withLock { cache in
                cache.packs.removeAll { $0.key?.layoutMatches(packed.key) ?? true }
                if cache.packs.count >= 2 { cache.packs.removeFirst() }
                cache.packs.append(packed)
            }
        }
    }

    /// The packed form of B kept in `storage` for this layout and version, if any.
    static func lookUp(_ storage: Storage, _ b: Operand, k: Int, n: Int, path: Int32) -> PackedMatrix? {
        let key = PackedMatrix.Key(b, k: k, n: n, path: path, version: storage.version)
        return storage.packs.withLock { cache in cache.packs.first { $0.key == key } }
    }

    /// C = A B for a row-major A of few rows and a transposed B (a Linear layer's forward pass,
    /// Y = X W^T, with W changing at every training step): computed as C^T = B^T A^T, where
    /// B^T = W is row-major and the micro-kernel reads its rows in place. Packing W^T instead
    /// would transpose all of W on every call. Each element of C sees the same operations in
    /// the same order either way, so the bits are the same.
    static func multiplyTransposed(m: Int, n: Int, k: Int, a: Operand, b: Operand, c: UnsafeMutablePointer<Float>,
                                   ldc: Int, accumulate: Bool, parallel: Bool, kernels: axon_kernel_table) {
        let t = UnsafeMutablePointer<Float>.alignedBuffer(n * m)
        defer { BufferPool.release(t, floats: n * m) }
        if accumulate { transpose(c, rows: m, cols: n, ld: ldc, into: t, ldDst: m) }
        multiply(m: n, n: m, k: k, a: Operand(base: b.base, rowStride: b.colStride, colStride: 1),
                 b: Operand(base: a.base, rowStride: 1, colStride: a.rowStride), c: t, ldc: m,
                 accumulate: accumulate, parallel: parallel, kernels: kernels, aInPlace: true)
        transpose(t, rows: n, cols: m, ld: m, into: c, ldDst: ldc)
    }

    /// dst[j * ldDst + i] = src[i * ld + j] for i < rows, j < cols, in blocks of 8 x 8.
    static func transpose(_ src: UnsafePointer<Float>, rows: Int, cols: Int, ld: Int,
                          into dst: UnsafeMutablePointer<Float>, ldDst: Int) {
        for i0 in stride(from: 0, to: rows, by: 8) {
            for j0 in stride(from: 0, to: cols, by: 8) {
                for i in i0..<min(rows, i0 + 8) {
                    for j in j0..<min(cols, j0 + 8) { dst[j * ldDst + i] = src[i * ld + j] }
                }
            }
        }
    }

    /// Whether B (a parameter) has no pack for its version and changed since the last product
    /// that used it: it is being trained, so a pack would serve one product only. An unchanged
    /// parameter (inference) is packed at its second product and keeps that pack.
    static func changedSinceLastProduct(_ storage: Storage, _ b: Operand, k: Int, n: Int, path: Int32) -> Bool {
        let key = PackedMatrix.Key(b, k: k, n: n, path: path, version: storage.version)
        return storage.packs.withLock { cache in
            defer { cache.lastVersion = key.version }
            return !cache.packs.contains { $0.key == key } && cache.lastVersion != key.version
        }
    }

    /// One thread's share: C[rows, cols] over the whole shared dimension. B comes packed
    /// whole (`packedB`), is read in place (`direct`: full slivers straight from B, only a
    /// partial last sliver packed), or is packed panel by panel. With `aInPlace` (A row-major)
    /// the micro-kernel reads full slivers of A's rows in place; only a partial one is packed.
    static func block(rows: Range<Int>, cols: Range<Int>, k: Int, a: Operand, b: Operand,
                      packedB: UnsafePointer<Float>?, direct: Bool, aInPlace: Bool, totalSlivers: Int,
                      c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, kernels: axon_kernel_table) {
        let (mr, nr) = (Int(kernels.gemm_mr), Int(kernels.gemm_nr))
        let mcMax = min(rows.count, mcPack), ncMax = min(cols.count, ncPack)
        let aBuffer = UnsafeMutablePointer<Float>.alignedBuffer((mcMax + mr - 1) / mr * mr * kc)
        let bCount = direct ? nr * kc : (ncMax + nr - 1) / nr * nr * kc
        let bBuffer = packedB == nil ? UnsafeMutablePointer<Float>.alignedBuffer(bCount) : nil
        defer {
            BufferPool.release(aBuffer, floats: (mcMax + mr - 1) / mr * mr * kc)
            if let bBuffer { BufferPool.release(bBuffer, floats: bCount) }
        }
        var jc = cols.lowerBound
        while jc < cols.upperBound {
            let nc = min(ncPack, cols.upperBound - jc)
            var p0 = 0
            while p0 < k {
                let kcb = min(kc, k - p0)
                let overwrite = p0 == 0 && !accumulate
                let panel: UnsafePointer<Float>
                if let packedB {
                    // Block p0 / kc of the whole packed B, from sliver jc / nr on.
                    panel = packedB + p0 * totalSlivers * nr + (jc / nr) * kcb * nr
                } else if let bBuffer, direct {
                    if nc % nr != 0 {
                        let s = nc / nr
                        packB(b, rows: p0, kc: kcb, cols: jc + s * nr, width: nc - s * nr, nr: nr, into: bBuffer,
                              kernels: kernels)
                    }
                    panel = UnsafePointer(bBuffer)
                } else if let bBuffer {
                    for s in 0..<(nc + nr - 1) / nr {
                        packB(b, rows: p0, kc: kcb, cols: jc + s * nr, width: min(nr, nc - s * nr), nr: nr,
                              into: bBuffer + s * nr * kcb, kernels: kernels)
                    }
                    panel = UnsafePointer(bBuffer)
                } else { return }
                var ic = rows.lowerBound
                while ic < rows.upperBound {
                    let mc = min(mcPack, rows.upperBound - ic)
                    for s in 0..<(mc + mr - 1) / mr where !aInPlace || mc - s * mr < mr {
                        packA(a, rows: ic + s * mr, height: min(mr, mc - s * mr), cols: p0, kc: kcb, mr: mr,
                              into: aBuffer + s * mr * kcb, kernels: kernels)
                    }
                    // Each sliver of A (mr x kc, in L1) meets every sliver of the B panel
                    // (from L2). The other order keeps a sliver of B in L1 instead, but at
                    // 8 x 32 tiles that sliver is 32 KiB: all of a Zen 4 core's L1.
                    for si in 0..<(mc + mr - 1) / mr {
                        for sj in 0..<(nc + nr - 1) / nr {
                            let col = jc + sj * nr, width = min(nr, jc + nc - col)
                            let inPlace = direct && width == nr
                            let bSliver = inPlace ? b.base + p0 * b.rowStride + col
                                : direct ? panel : panel + sj * nr * kcb
                            let ldb = inPlace ? b.rowStride : nr
                            let row = ic + si * mr, height = min(mr, ic + mc - row)
                            let aSliver = UnsafePointer(aBuffer + si * mr * kcb)
                            let aRows = aInPlace && height == mr ? a.base + row * a.rowStride + p0 : nil
                            let tile = c + row * ldc + col
                            if height == mr && width == nr, let aRows {
                                kernels.gemm_micro_rows(kcb, aRows, a.rowStride, bSliver, ldb, tile, ldc,
                                                        overwrite ? 1 : 0)
                            } else if height == mr && width == nr {
                                kernels.gemm_micro(kcb, aSliver, bSliver, ldb, tile, ldc, overwrite ? 1 : 0)
                            } else {
                                edge(kcb, aRows.map { ($0, a.rowStride) } ?? (aSliver, 0), bSliver, ldb, tile, ldc,
                                     height: height, width: width, overwrite: overwrite, kernels: kernels)
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

    /// A partial tile: the micro-kernel into a scratch tile, then the valid part into C.
    /// The arithmetic per element is the same as in a full tile. `a` is a packed sliver
    /// (lda 0) or mr rows read in place, lda apart.
    static func edge(_ kc: Int, _ a: (base: UnsafePointer<Float>, lda: Int), _ b: UnsafePointer<Float>, _ ldb: Int,
                     _ c: UnsafeMutablePointer<Float>, _ ldc: Int, height: Int, width: Int, overwrite: Bool,
                     kernels: axon_kernel_table) {
        let (mr, nr) = (Int(kernels.gemm_mr), Int(kernels.gemm_nr))
        withUnsafeTemporaryAllocation(of: Float.self, capacity: mr * nr) { scratch in
            guard let t = scratch.baseAddress else { return }
            for i in 0..<mr {
                for j in 0..<nr { t[i * nr + j] = overwrite || i >= height || j >= width ? 0 : c[i * ldc + j] }
            }
            if a.lda > 0 {
                kernels.gemm_micro_rows(kc, a.base, a.lda, b, ldb, t, nr, overwrite ? 1 : 0)
            } else {
                kernels.gemm_micro(kc, a.base, b, ldb, t, nr, overwrite ? 1 : 0)
            }
            for i in 0..<height {
                for j in 0..<width { c[i * ldc + j] = t[i * nr + j] }
            }
        }
    }
}
