// 2-d convolution and pooling over NCHW images. The one primitive is `im2col` (with its
// adjoint `col2im`); convolution is im2col + batched matmul, pooling is im2col + max/mean,
// so their derivatives of every order come from those parts.

extension Tensor {
    /// Validated window geometry for an NCHW input.
    /// Checks a window's numbers alone: kernel, stride and dilation positive, padding
    /// non-negative, all below 2^20 (and, for pooling, padding at most half the kernel).
    public static func checkWindow(_ op: String, kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int),
                                   dilation: (Int, Int), pooling: Bool) throws {
        guard kernel.0 > 0, kernel.1 > 0, stride.0 > 0, stride.1 > 0, dilation.0 > 0, dilation.1 > 0,
              padding.0 >= 0, padding.1 >= 0,
              Swift.max(kernel.0, kernel.1, stride.0, stride.1,
                        padding.0, padding.1, dilation.0, dilation.1) < 1 << 20 else {
            throw AxonError.invalid("\(op): kernel \(kernel), stride \(stride), dilation \(dilation) "
                                    + "must be positive and padding \(padding) non-negative")
        }
        guard !pooling || (padding.0 * 2 <= kernel.0 && padding.1 * 2 <= kernel.1) else {
            throw AxonError.invalid("\(op): padding \(padding) must be at most half the kernel \(kernel)")
        }
    }

    static func window(_ op: String, input: [Int], kernel: (Int, Int), stride: (Int, Int),
                       padding: (Int, Int), dilation: (Int, Int)) throws -> (Layout.Window, oh: Int, ow: Int) {
        guard input.count == 4 else { throw AxonError.shape("\(op): expected an NCHW input of rank 4, got \(input)") }
        try checkWindow(op, kernel: kernel, stride: stride, padding: padding, dilation: dilation, pooling: false)
        let w = Layout.Window(kernel: (kernel.0, kernel.1), stride: (stride.0, stride.1),
                              padding: (padding.0, padding.1), dilation: (dilation.0, dilation.1))
        guard let oh = w.outputSize(input[2], axisH: true), let ow = w.outputSize(input[3], axisH: false) else {
            throw AxonError.shape("\(op): kernel \(kernel) with dilation \(dilation) does not fit input \(input) "
                                  + "padded by \(padding)")
        }
        return (w, oh, ow)
    }

    /// Image patches: [N, C, H, W] -> [N, C*kh*kw, OH*OW]; positions outside the image read
    /// `padValue`, which carries no gradient.
    func im2col(_ w: Layout.Window, oh: Int, ow: Int, padValue: Float = 0) throws -> Tensor {
        let (n, c, h, wd) = (shape[0], shape[1], shape[2], shape[3])
        let out = try Tensor.uninitialized([n, c * w.kernel.h * w.kernel.w, oh * ow])
        Layout.im2col(pointer, n: n, c: c, h: h, w: wd, window: w, oh: oh, ow: ow, padValue: padValue, out.pointer)
        let inputShape = shape
        return try Tensor.primitive("im2col", out, inputs: [self],
            pullback: { g, _ in [try g.col2im(w, image: inputShape, oh: oh, ow: ow)] },
            pushforward: { t, _ in try t[0]?.im2col(w, oh: oh, ow: ow, padValue: 0) })
    }

    /// The adjoint of `im2col`: [N, C*kh*kw, OH*OW] -> [N, C, H, W], summing overlaps.
    func col2im(_ w: Layout.Window, image: [Int], oh: Int, ow: Int) throws -> Tensor {
        let out = try Tensor.uninitialized(image)
        Layout.col2im(pointer, n: image[0], c: image[1], h: image[2], w: image[3],
                      window: w, oh: oh, ow: ow, out.pointer)
        return try Tensor.primitive("col2im", out, inputs: [self],
            pullback: { g, _ in [try g.im2col(w, oh: oh, ow: ow)] },
            pushforward: { t, _ in try t[0]?.col2im(w, image: image, oh: oh, ow: ow) })
    }

    /// 2-d cross-correlation, as `torch.nn.functional.conv2d`.
    ///
    /// - input: [N, C, H, W]; weight: [O, C/groups, kh, kw]; bias: [O] or nil.
    /// - Returns: [N, O, OH, OW] with OH = (H + 2 ph - dh (kh - 1) - 1) / sh + 1.
    public static func conv2d(_ input: Tensor, weight: Tensor, bias: Tensor? = nil,
                              stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
                              dilation: (Int, Int) = (1, 1), groups: Int = 1) throws -> Tensor {
        guard weight.rank == 4 else {
            throw AxonError.shape("conv2d: weight must be [O, C/groups, kh, kw], got \(weight.shape)")
        }
        let (o, cg, kh, kw) = (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3])
        let (w, oh, ow) = try window("conv2d", input: input.shape, kernel: (kh, kw), stride: stride,
                                     padding: padding, dilation: dilation)
        let (n, c) = (input.shape[0], input.shape[1])
        guard groups > 0, c % groups == 0, o % groups == 0, cg * groups == c else {
            throw AxonError.shape("conv2d: input \(input.shape) with weight \(weight.shape) and groups \(groups): "
                                  + "channels must be groups x weight.shape[1] and outputs divisible by groups")
        }
        if let bias, bias.shape != [o] {
            throw AxonError.shape("conv2d: bias of shape \(bias.shape) does not match \(o) output channels")
        }
        // cols: [N, G, C/G*kh*kw, L]; weights: [G, O/G, C/G*kh*kw]; out: [N, G, O/G, L].
        let cols = try input.im2col(w, oh: oh, ow: ow).reshape([n, groups, cg * kh * kw, oh * ow])
        let wg = try weight.reshape([groups, o / groups, cg * kh * kw])
        var out = try wg.matmul(cols).reshape([n, o, oh, ow])
        if let bias { out = try out + bias.reshape([o, 1, 1]) }
        return out
    }

    /// Max pooling over kh x kw windows (`torch.nn.functional.max_pool2d`; stride defaults
    /// to the kernel size; padding reads as -infinity).
    public static func maxPool2d(_ input: Tensor, kernel: (Int, Int), stride: (Int, Int)? = nil,
                                 padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1)) throws -> Tensor {
        try pool("maxPool2d", input, kernel: kernel, stride: stride ?? kernel,
                 padding: padding, dilation: dilation, max: true)
    }

    /// Average pooling over kh x kw windows (`avg_pool2d` with count_include_pad=True:
    /// padded zeros count in the average).
    public static func avgPool2d(_ input: Tensor, kernel: (Int, Int), stride: (Int, Int)? = nil,
                                 padding: (Int, Int) = (0, 0)) throws -> Tensor {
        try pool("avgPool2d", input, kernel: kernel, stride: stride ?? kernel,
                 padding: padding, dilation: (1, 1), max: false)
    }

    static func pool(_ op: String, _ input: Tensor, kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int),
                     dilation: (Int, Int), max: Bool) throws -> Tensor {
        let (w, oh, ow) = try window(op, input: input.shape, kernel: kernel, stride: stride,
                                     padding: padding, dilation: dilation)
        try checkWindow(op, kernel: kernel, stride: stride, padding: padding, dilation: dilation, pooling: true)
        let (n, c, h, wd) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        if max && h * wd < 1 << 24 {
            // The window maxima's positions, then a gather: one pass forward, a scatter back,
            // and differentiable to any order through gather.
            let index = try argmaxIndex(input, w, oh: oh, ow: ow)
            return try input.reshape([n * c, h * wd]).gather(axis: 1, index: index).reshape([n, c, oh, ow])
        }
        let planes = try input.reshape([n * c, 1, h, wd])
        let cols = try planes.im2col(w, oh: oh, ow: ow, padValue: max ? -.infinity : 0)
        let pooled = max ? try cols.max(axes: [1]) : try cols.mean(axes: [1])
        return try pooled.reshape([n, c, oh, ow])
    }
}

extension Tensor {
    /// [N*C, OH*OW]: the position (within its H x W plane) of each window's maximum, as max
    /// pooling in PyTorch picks it: the first maximum in window order, or the last NaN.
    static func argmaxIndex(_ x: Tensor, _ w: Layout.Window, oh: Int, ow: Int) throws -> Tensor {
        let (planes, h, wd) = (x.shape[0] * x.shape[1], x.shape[2], x.shape[3])
        let index = try Tensor.uninitialized([planes, oh * ow])
        let (xp, ip) = (SharedPointer(x.pointer), SharedPointer(index.pointer))
        let (kh, kw, sh, sw) = (w.kernel.h, w.kernel.w, w.stride.h, w.stride.w)
        let (ph, pw, dh, dw) = (w.padding.h, w.padding.w, w.dilation.h, w.dilation.w)
        let chunk = Swift.max(1, (1 << 14) / Swift.max(1, h * wd))
        // The usual 2 x 2 window of stride 2, every window inside the plane: the same selects,
        // unrolled, with no bounds to check (the first element of a window is its first index).
        let pairs = kh == 2 && kw == 2 && sh == 2 && sw == 2 && ph == 0 && pw == 0 && dh == 1 && dw == 1
            && 2 * oh <= h && 2 * ow <= wd
        parallelFor((planes + chunk - 1) / chunk) { t in
            for plane in t * chunk..<Swift.min(planes, t * chunk + chunk) {
                let src = UnsafePointer(xp.base + plane * h * wd), dst = ip.base + plane * oh * ow
                if pairs {
                    Tensor.argmax2x2(src, dst, width: wd, oh: oh, ow: ow)
                    continue
                }
                for oy in 0..<oh {
                    let y0 = oy * sh - ph
                    for ox in 0..<ow {
                        let x0 = ox * sw - pw
                        // Selects, not branches: which element wins is data-dependent.
                        var best = -Float.infinity, at = -1, first = -1
                        for ky in 0..<kh {
                            let iy = y0 &+ ky &* dh
                            if iy < 0 || iy >= h { continue }
                            let row = iy &* wd
                            for kx in 0..<kw {
                                let ix = x0 &+ kx &* dw
                                if ix < 0 || ix >= wd { continue }
                                let v = src[row &+ ix]
                                if first < 0 { first = row &+ ix }
                                let better = v > best || v != v
                                best = better ? v : best
                                at = better ? row &+ ix : at
                            }
                        }
                        dst[oy &* ow &+ ox] = Float(at >= 0 ? at : Swift.max(first, 0))
                    }
                }
            }
        }
        return index
    }

    /// `argmaxIndex` of one plane for 2 x 2 windows of stride 2 inside it: each window's four
    /// elements in window order, the first maximum or the last NaN (all -infinity: the first).
    @inline(__always)
    private static func argmax2x2(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, width: Int,
                                  oh: Int, ow: Int) {
        let lanes = SIMD8<Int32>(0, 2, 4, 6, 8, 10, 12, 14)
        for oy in 0..<oh {
            let top = 2 * oy * width, bottom = top + width
            var ox = 0
            // Eight windows at a time where their 16 columns (and one more row) are in the plane:
            // the even and odd lanes of two rows are the four candidates, compared in order.
            while ox + 8 <= ow, 2 * ox + 16 <= width, bottom + 2 * ox + 16 <= Int(Int32.max) {
                let upper = SIMD16<Float>(UnsafeBufferPointer(start: src + top + 2 * ox, count: 16))
                let lower = SIMD16<Float>(UnsafeBufferPointer(start: src + bottom + 2 * ox, count: 16))
                let first = lanes &+ Int32(top + 2 * ox), below = lanes &+ Int32(bottom + 2 * ox)
                var best = SIMD8<Float>(repeating: -.infinity), at = SIMD8<Int32>(repeating: -1)
                @inline(__always) func consider(_ v: SIMD8<Float>, _ i: SIMD8<Int32>) {
                    let better = (v .> best) .| (v .!= v)
                    best.replace(with: v, where: better)
                    at.replace(with: i, where: better)
                }
                consider(upper.evenHalf, first)
                consider(upper.oddHalf, first &+ 1)
                consider(lower.evenHalf, below)
                consider(lower.oddHalf, below &+ 1)
                at.replace(with: first, where: at .< 0)
                let out = SIMD8<Float>(at)
                for lane in 0..<8 { dst[oy * ow + ox + lane] = out[lane] }
                ox += 8
            }
            while ox < ow {
                let first = top + 2 * ox
                var best = -Float.infinity, at = -1
                @inline(__always) func consider(_ i: Int) {
                    let v = src[i], better = v > best || v != v
                    best = better ? v : best
                    at = better ? i : at
                }
                consider(first)
                consider(first + 1)
                consider(bottom + 2 * ox)
                consider(bottom + 2 * ox + 1)
                dst[oy * ow + ox] = Float(at >= 0 ? at : first)
                ox += 1
            }
        }
    }

    /// Adaptive average pooling of [N, C, H, W] (or [C, H, W]) to [..., outH, outW]. A bin's
    /// mean is separable, so the op is P_h x P_w^T with the averaging matrices P (each row
    /// 1 / (bin size) over its bin): differentiable in both modes through matmul.
    public static func adaptiveAvgPool2d(_ x: Tensor, outputSize: (Int, Int)) throws -> Tensor {
        guard x.rank == 3 || x.rank == 4, x.shape[x.rank - 2] > 0, x.shape[x.rank - 1] > 0 else {
            throw AxonError.shape("adaptiveAvgPool2d: expected [N, C, H, W] or [C, H, W] with H, W > 0, got \(x.shape)")
        }
        guard outputSize.0 > 0, outputSize.1 > 0, outputSize.0 < 1 << 20, outputSize.1 < 1 << 20 else {
            throw AxonError.invalid("adaptiveAvgPool2d: output size \(outputSize) must be positive")
        }
        let rows = try averagingMatrix(output: outputSize.0, input: x.shape[x.rank - 2])
        let columns = try averagingMatrix(output: outputSize.1, input: x.shape[x.rank - 1])
        return try rows.matmul(x.matmul(columns.transposed()))
    }

    /// [output, input]: row i is 1 / (end - start) on start ..< end, PyTorch's bins.
    static func averagingMatrix(output: Int, input: Int) throws -> Tensor {
        let p = try Tensor.zeros([output, input])
        for i in 0..<output {
            let start = i * input / output, end = ((i + 1) * input + output - 1) / output
            for j in start..<end { p.pointer[i * input + j] = 1 / Float(end - start) }
        }
        return p
    }
}
