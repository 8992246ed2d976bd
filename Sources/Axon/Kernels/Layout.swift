/// Kernels that move data without arithmetic: strided copies (permute, expand), image
/// patches for convolution and pooling, gathers and scatters.
enum Layout {
    /// dst (contiguous, `shape`) = src read through `srcStrides`.
    static func copy(shape: [Int], _ src: UnsafePointer<Float>, _ srcStrides: [Int],
                     _ dst: UnsafeMutablePointer<Float>) {
        let n = shape.reduce(1, *)
        guard n > 0 else { return }
        let rank = shape.count
        if rank == 0 { dst[0] = src[0]; return }
        let inner = shape[rank - 1], s = srcStrides[rank - 1]
        var index = [Int](repeating: 0, count: rank)
        var off = 0, o = 0
        while o < n {
            if s == 1 {
                (dst + o).update(from: src + off, count: inner)
            } else {
                for j in 0..<inner { dst[o + j] = src[off + j * s] }
            }
            o += inner
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                off += srcStrides[axis]
                if index[axis] < shape[axis] { break }
                off -= srcStrides[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }

    /// Geometry of a 2-d sliding window over NCHW images.
    struct Window: Equatable {
        var kernel: (h: Int, w: Int)
        var stride: (h: Int, w: Int)
        var padding: (h: Int, w: Int)
        var dilation: (h: Int, w: Int)

        static func == (l: Window, r: Window) -> Bool {
            l.kernel == r.kernel && l.stride == r.stride && l.padding == r.padding && l.dilation == r.dilation
        }

        /// The output size along one axis, or nil when the window does not fit.
        func outputSize(_ input: Int, axisH: Bool) -> Int? {
            let k = axisH ? kernel.h : kernel.w, s = axisH ? stride.h : stride.w
            let p = axisH ? padding.h : padding.w, d = axisH ? dilation.h : dilation.w
            let span = d * (k - 1) + 1
            let room = input + 2 * p - span
            return room < 0 ? nil : room / s + 1
        }
    }

    /// cols[n, (c, i, j), (oy, ox)] = x[n, c, oy*sh - ph + i*dh, ox*sw - pw + j*dw], or
    /// `padValue` outside the image. x is [N, C, H, W]; cols is [N, C*kh*kw, OH*OW].
    static func im2col(_ x: UnsafePointer<Float>, n: Int, c: Int, h: Int, w: Int,
                       window g: Window, oh: Int, ow: Int, padValue: Float,
                       _ cols: UnsafeMutablePointer<Float>) {
        let kk = g.kernel.h * g.kernel.w, l = oh * ow, sw = g.stride.w
        let out = SharedPointer(cols)
        parallelFor(n * c) { nc in
            let img = x + nc * h * w
            for ki in 0..<g.kernel.h {
                for kj in 0..<g.kernel.w {
                    let row = out.base + (nc * kk + ki * g.kernel.w + kj) * l
                    let x0 = kj * g.dilation.w - g.padding.w
                    let (lo, hi) = inside(x0, stride: sw, width: w, count: ow)
                    for oy in 0..<oh {
                        let y = oy * g.stride.h - g.padding.h + ki * g.dilation.h
                        let dst = row + oy * ow
                        guard y >= 0 && y < h else {
                            dst.update(repeating: padValue, count: ow)
                            continue
                        }
                        dst.update(repeating: padValue, count: lo)
                        (dst + hi).update(repeating: padValue, count: ow - hi)
                        let src = img + y * w + x0
                        if sw == 1 {
                            (dst + lo).update(from: src + lo, count: hi - lo)
                        } else {
                            for ox in lo..<hi { dst[ox] = src[ox &* sw] }
                        }
                    }
                }
            }
        }
    }

    /// The outputs lo..<hi of a row whose input column ox * stride + x0 lies in 0..<width.
    @inline(__always)
    static func inside(_ x0: Int, stride: Int, width: Int, count: Int) -> (Int, Int) {
        let lo = Swift.min(count, x0 >= 0 ? 0 : (stride - 1 - x0) / stride)
        let hi = width - x0 <= 0 ? 0 : Swift.min(count, (width - x0 + stride - 1) / stride)
        return (lo, Swift.max(lo, hi))
    }

    /// The adjoint of `im2col`: adds each column entry back to the pixel it was read from.
    static func col2im(_ cols: UnsafePointer<Float>, n: Int, c: Int, h: Int, w: Int,
                       window g: Window, oh: Int, ow: Int, _ x: UnsafeMutablePointer<Float>) {
        let kk = g.kernel.h * g.kernel.w, l = oh * ow
        let out = SharedPointer(x)
        parallelFor(n * c) { nc in
            let img = out.base + nc * h * w
            img.update(repeating: 0, count: h * w)
            for ki in 0..<g.kernel.h {
                for kj in 0..<g.kernel.w {
                    let row = cols + (nc * kk + ki * g.kernel.w + kj) * l
                    let x0 = kj * g.dilation.w - g.padding.w
                    let (lo, hi) = inside(x0, stride: g.stride.w, width: w, count: ow)
                    for oy in 0..<oh {
                        let y = oy * g.stride.h - g.padding.h + ki * g.dilation.h
                        guard y >= 0 && y < h else { continue }
                        // Distinct outputs of a row add into distinct pixels, so each pixel
                        // still receives its terms in window order.
                        let dst = img + y * w + x0, src = row + oy * ow
                        if g.stride.w == 1 {
                            for ox in lo..<hi { dst[ox] += src[ox] }
                        } else {
                            for ox in lo..<hi { dst[ox &* g.stride.w] += src[ox] }
                        }
                    }
                }
            }
        }
    }
}
