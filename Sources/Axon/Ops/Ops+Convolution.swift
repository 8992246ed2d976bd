// 2-d convolution and pooling over NCHW images. The one primitive is `im2col` (with its
// adjoint `col2im`); convolution is im2col + batched matmul, average pooling is im2col + mean,
// so their derivatives of every order come from those parts. Max pooling follows the route of
// its maxima (Ops+MaxPool.swift).

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
        if max && h * wd <= Int(Int32.max) {
            // The window maxima and their positions in one pass; a scatter back through the
            // positions, and differentiable to any order (see `PoolRoute`).
            return try maxPoolRouted(input, w, oh: oh, ow: ow)
        }
        let planes = try input.reshape([n * c, 1, h, wd])
        let cols = try planes.im2col(w, oh: oh, ow: ow, padValue: max ? -.infinity : 0)
        let pooled = max ? try cols.max(axes: [1]) : try cols.mean(axes: [1])
        return try pooled.reshape([n, c, oh, ow])
    }
}

extension Tensor {
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
