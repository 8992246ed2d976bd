import AxonKernels
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The packed form of a GEMM operand B: for each block of `Gemm.kc` rows, its slivers of `nr`
/// columns one after the other (each kc' x nr, row-major, zero-padded past the last column).
/// Kept with a parameter's storage (`Storage.packs`) and reused until the parameter changes.
final class PackedMatrix: @unchecked Sendable {
    /// What was packed: the operand's layout, the kernel path (its sliver width) and the
    /// storage's version at the time.
    struct Key: Equatable {
        let base: UnsafePointer<Float>
        let rowStride: Int, colStride: Int, k: Int, n: Int
        let path: Int32
        let version: Int

        init(_ b: Gemm.Operand, k: Int, n: Int, path: Int32, version: Int) {
            (base, rowStride, colStride) = (b.base, b.rowStride, b.colStride)
            (self.k, self.n, self.path, self.version) = (k, n, path, version)
        }

        /// The same operand layout and path, whatever the version.
        func layoutMatches(_ other: Key?) -> Bool {
            guard let other else { return false }
            return base == other.base && rowStride == other.rowStride && colStride == other.colStride
                && k == other.k && n == other.n && path == other.path
        }
    }

    /// A storage's packs (at most two, the latest last) and the version its last product saw.
    struct List {
        var packs: [PackedMatrix] = []
        var lastVersion: Int?
    }

    let pointer: UnsafeMutablePointer<Float>
    let count: Int
    var key: Key?

    init(count: Int, key: Key?) {
        pointer = .alignedBuffer(count)
        self.count = count
        self.key = key
    }

    deinit { BufferPool.release(pointer, floats: count) }
}

extension Gemm {
    /// Packs slivers `slivers` of the whole of B (every block of kc rows) into `dst`, laid
    /// out as `PackedMatrix` describes.
    static func packAll(_ b: Operand, k: Int, n: Int, slivers: Range<Int>, nr: Int, totalSlivers: Int,
                        into dst: UnsafeMutablePointer<Float>, kernels: axon_kernel_table) {
        var p0 = 0
        while p0 < k {
            let kcb = min(kc, k - p0)
            for s in slivers {
                packB(b, rows: p0, kc: kcb, cols: s * nr, width: min(nr, n - s * nr), nr: nr,
                      into: dst + p0 * totalSlivers * nr + s * kcb * nr, kernels: kernels)
            }
            p0 += kcb
        }
    }

    /// Packs rows `rows..<rows+kc` and columns `cols..<cols+width` of B as kc rows of `nr`
    /// floats, zero-padding the columns past `width`.
    @inline(__always)
    static func packB(_ b: Operand, rows: Int, kc: Int, cols: Int, width: Int, nr: Int,
                      into dst: UnsafeMutablePointer<Float>, kernels: axon_kernel_table) {
        if b.colStride == 1 && width == nr && nr % 8 == 0 {
            // Whole rows of 8 floats at a time (nr is 8, 16 or 32): no per-row library call.
            // Each row of the sliver is a new stretch of memory, a row stride away from the last:
            // the rows a few ahead are prefetched (the loads waited on memory otherwise).
            let rowsAhead = 6, ahead = rowsAhead * b.rowStride
            for p in 0..<kc {
                let row = b.base + (rows + p) * b.rowStride + cols
                let src = UnsafeRawPointer(row), out = UnsafeMutableRawPointer(dst + p * nr)
                if p + rowsAhead < kc {
                    axon_prefetch(row + ahead)
                    axon_prefetch(row + ahead + nr - 1)
                }
                var v = 0
                while v < nr * 4 {
                    out.storeBytes(of: src.loadUnaligned(fromByteOffset: v, as: SIMD8<Float>.self),
                                   toByteOffset: v, as: SIMD8<Float>.self)
                    v += 32
                }
            }
            return
        }
        if b.colStride == 1 {
            for p in 0..<kc {
                let src = b.base + (rows + p) * b.rowStride + cols
                for j in 0..<nr { dst[p * nr + j] = j < width ? src[j] : 0 }
            }
            return
        }
        if b.rowStride == 1 {
            // B is a transposed matrix: its columns are contiguous rows of memory.
            kernels.pack_transposed(kc, width, b.base + rows + cols * b.colStride, b.colStride, dst, nr)
            return
        }
        for j in 0..<nr {
            if j < width {
                let src = b.base + rows * b.rowStride + (cols + j) * b.colStride
                for p in 0..<kc { dst[p * nr + j] = src[p * b.rowStride] }
            } else {
                for p in 0..<kc { dst[p * nr + j] = 0 }
            }
        }
    }

    /// Packs rows `rows..<rows+height` and columns `cols..<cols+kc` of A as kc columns of `mr`
    /// floats, zero-padding the rows past `height`.
    @inline(__always)
    static func packA(_ a: Operand, rows: Int, height: Int, cols: Int, kc: Int, mr: Int,
                      into dst: UnsafeMutablePointer<Float>, kernels: axon_kernel_table) {
        if a.colStride == 1 {
            // A row-major: its rows run along the shared dimension, so a sliver is the
            // transpose of `height` rows (8 x 8 blocks in registers where mr allows).
            kernels.pack_transposed(kc, height, a.base + rows * a.rowStride + cols, a.rowStride, dst, mr)
            return
        }
        if a.rowStride == 1 && height == mr {
            // A transposed: the mr rows of one column are contiguous (a register's worth, not a
            // library call, when mr is 8).
            let src = a.base + rows + cols * a.colStride
            if mr == 8 {
                for p in 0..<kc {
                    let v = UnsafeRawPointer(src + p * a.colStride).loadUnaligned(as: SIMD8<Float>.self)
                    UnsafeMutableRawPointer(dst + p * 8).storeBytes(of: v, as: SIMD8<Float>.self)
                }
            } else {
                for p in 0..<kc {
                    for r in 0..<mr { dst[p * mr + r] = src[p * a.colStride + r] }
                }
            }
            return
        }
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
}

extension UnsafeMutablePointer where Pointee == Float {
    /// A 64-byte aligned scratch buffer of `count` floats from the `BufferPool`, given back
    /// with `BufferPool.release(_:floats:)`. Kernels cannot fail halfway, so when memory is
    /// exhausted this falls back to a plain allocation (which traps only if that fails too).
    static func alignedBuffer(_ count: Int) -> UnsafeMutablePointer<Float> {
        BufferPool.allocate(floats: count) ?? .allocate(capacity: Swift.max(count, 16))
    }
}
