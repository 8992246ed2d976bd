/// Elementwise kernels: a map over one array, and a zip of two arrays under broadcasting.
/// Large flat loops are split into fixed chunks over the threads.
enum Elementwise {
    static let chunk = 1 << 15

    /// y[i] = f(x[i]) for i in 0..<n. On one thread f is inlined into the loop; threaded, it is
    /// called through its closure per element (Swift does not specialize a closure across the
    /// thread pool), so a cheap function on a hot path has its own loop (`relu`).
    @inline(__always)
    static func map(_ n: Int, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                    _ f: (Float) -> Float) {
        let yy = SharedPointer(y)
        chunked(n) { lo, hi in
            for i in lo..<hi { yy.base[i] = f(x[i]) }
        }
    }

    /// y[i] = max(x[i], 0), NaN kept (Swift.max of NaN and 0 is NaN, as in PyTorch).
    static func relu(_ n: Int, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        let yy = SharedPointer(y)
        chunked(n) { lo, hi in
            for i in lo..<hi { yy.base[i] = Swift.max(x[i], 0) }
        }
    }

    /// dx[i] = g[i] * (x[i] > 0 ? 1 : 0): relu's pullback, the product the composed form takes.
    static func reluPullback(_ n: Int, _ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>,
                             _ dx: UnsafeMutablePointer<Float>) {
        let out = SharedPointer(dx)
        chunked(n) { lo, hi in
            for i in lo..<hi { out.base[i] = g[i] * (x[i] > 0 ? 1 : 0) }
        }
    }

    /// body(lo, hi) over consecutive ranges covering 0..<n, on the threads when n is large.
    /// The ranges are fixed by n alone.
    @inline(__always)
    static func chunked(_ n: Int, _ body: (Int, Int) -> Void) {
        if n <= chunk {
            if n > 0 { body(0, n) }
            return
        }
        parallelFor((n + chunk - 1) / chunk) { c in body(c * chunk, Swift.min(n, c * chunk + chunk)) }
    }

    /// out = f(a, b) over `shape`, reading a and b through broadcast strides (0 on axes they
    /// are stretched along).
    @inline(__always)
    static func zip(shape: [Int], _ a: UnsafePointer<Float>, _ aStrides: [Int],
                    _ b: UnsafePointer<Float>, _ bStrides: [Int],
                    _ out: UnsafeMutablePointer<Float>, _ f: (Float, Float) -> Float) {
        let n = shape.reduce(1, *)
        guard n > 0 else { return }
        let contiguous = Shape.strides(shape)
        let aFull = aStrides == contiguous, bFull = bStrides == contiguous
        let aScalar = aStrides.allSatisfy { $0 == 0 }, bScalar = bStrides.allSatisfy { $0 == 0 }
        if aFull && bFull {
            for i in 0..<n { out[i] = f(a[i], b[i]) }
        } else if aFull && bScalar {
            let s = b[0]
            for i in 0..<n { out[i] = f(a[i], s) }
        } else if aScalar && bFull {
            let s = a[0]
            for i in 0..<n { out[i] = f(s, b[i]) }
        } else {
            // General case: walk the outer axes with counters; the last axis is the inner loop.
            let rank = shape.count
            let inner = shape[rank - 1], sa = aStrides[rank - 1], sb = bStrides[rank - 1]
            var index = [Int](repeating: 0, count: rank)
            var offA = 0, offB = 0, o = 0
            while o < n {
                if sa == 1 && sb == 0 {
                    let s = b[offB]
                    for j in 0..<inner { out[o + j] = f(a[offA + j], s) }
                } else if sa == 0 && sb == 1 {
                    let s = a[offA]
                    for j in 0..<inner { out[o + j] = f(s, b[offB + j]) }
                } else {
                    for j in 0..<inner { out[o + j] = f(a[offA + j * sa], b[offB + j * sb]) }
                }
                o += inner
                // Advance the outer counters (axes rank-2 ... 0).
                var axis = rank - 2
                while axis >= 0 {
                    index[axis] += 1
                    offA += aStrides[axis]
                    offB += bStrides[axis]
                    if index[axis] < shape[axis] { break }
                    offA -= aStrides[axis] * shape[axis]
                    offB -= bStrides[axis] * shape[axis]
                    index[axis] = 0
                    axis -= 1
                }
            }
        }
    }
}
