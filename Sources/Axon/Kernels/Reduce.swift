/// Reductions. Sums run in a fixed order (SIMD lanes, then fixed-size blocks combined in
/// order), so they are deterministic and independent of the thread count.
enum Reduce {
    static let block = 4096

    /// The sum of n contiguous floats: 32 partial sums per 4096-float block, blocks added in order.
    static func sum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var total: Float = 0
        var start = 0
        while start < n {
            total += blockSum(x + start, min(block, n - start))
            start += block
        }
        return total
    }

    @inline(__always)
    static func blockSum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        typealias V = SIMD8<Float>
        var s0 = V(), s1 = V(), s2 = V(), s3 = V()
        let raw = UnsafeRawPointer(x)
        var i = 0
        while i + 32 <= n {
            s0 += raw.loadUnaligned(fromByteOffset: i * 4, as: V.self)
            s1 += raw.loadUnaligned(fromByteOffset: i * 4 + 32, as: V.self)
            s2 += raw.loadUnaligned(fromByteOffset: i * 4 + 64, as: V.self)
            s3 += raw.loadUnaligned(fromByteOffset: i * 4 + 96, as: V.self)
            i += 32
        }
        var tail: Float = 0
        while i < n { tail += x[i]; i += 1 }
        return ((s0 + s1) + (s2 + s3)).sum() + tail
    }

    /// Sums a [outer, mid, inner] array over its middle axis into [outer, inner].
    static func sumMiddle(_ x: UnsafePointer<Float>, outer: Int, mid: Int, inner: Int,
                          _ out: UnsafeMutablePointer<Float>) {
        if inner == 1 {
            let o = SharedPointer(out)
            let rowsPerChunk = max(1, Elementwise.chunk / max(mid, 1))
            parallelFor((outer + rowsPerChunk - 1) / rowsPerChunk) { c in
                for r in (c * rowsPerChunk)..<min(outer, (c + 1) * rowsPerChunk) {
                    o.base[r] = sum(x + r * mid, mid)
                }
            }
            return
        }
        let o = SharedPointer(out)
        parallelFor(outer) { r in
            let dst = o.base + r * inner
            dst.update(repeating: 0, count: inner)
            for k in 0..<mid {
                let src = x + (r * mid + k) * inner
                for j in 0..<inner { dst[j] += src[j] }
            }
        }
    }

    /// The sum of squares of n contiguous floats (SIMD lanes, then blocks in order).
    static func sumOfSquares(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        typealias V = SIMD8<Float>
        let raw = UnsafeRawPointer(x)
        var total: Float = 0
        var start = 0
        while start < n {
            let end = Swift.min(n, start + block)
            var s0 = V(), s1 = V()
            var i = start
            while i + 16 <= end {
                let a = raw.loadUnaligned(fromByteOffset: i * 4, as: V.self)
                let b = raw.loadUnaligned(fromByteOffset: i * 4 + 32, as: V.self)
                s0 += a * a
                s1 += b * b
                i += 16
            }
            var tail: Float = 0
            while i < end { tail += x[i] * x[i]; i += 1 }
            total += (s0 + s1).sum() + tail
            start = end
        }
        return total
    }

    /// The maximum of a [outer, mid, inner] array over its middle axis (NaN propagates).
    static func maxMiddle(_ x: UnsafePointer<Float>, outer: Int, mid: Int, inner: Int,
                          _ out: UnsafeMutablePointer<Float>) {
        for r in 0..<outer {
            let dst = out + r * inner
            for j in 0..<inner { dst[j] = -.infinity }
            for k in 0..<mid {
                let src = x + (r * mid + k) * inner
                for j in 0..<inner {
                    let v = src[j]
                    if v > dst[j] || v.isNaN { dst[j] = v }
                }
            }
        }
    }
}
