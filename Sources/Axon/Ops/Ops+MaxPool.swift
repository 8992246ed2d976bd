// Max pooling as a route: each window's maximum is found once and its position kept as an
// integer; values go forward along the positions and cotangents come back along them.

/// Where each window's maximum lies within its H x W plane, for every plane of a pooled batch:
/// the first maximum in window order, or the last NaN (PyTorch's choice). Kept in a pooled
/// buffer as 32-bit integers for as long as the graph that uses it.
final class PoolRoute: @unchecked Sendable {
    /// [N, C, H, W] and [N, C, OH, OW].
    let inputShape: [Int], outputShape: [Int]
    let planes: Int, inputPlane: Int, outputPlane: Int
    let positions: UnsafeMutablePointer<Int32>
    private let buffer: UnsafeMutablePointer<Float>

    init(input: [Int], oh: Int, ow: Int) throws {
        (inputShape, outputShape) = (input, [input[0], input[1], oh, ow])
        (planes, inputPlane, outputPlane) = (input[0] * input[1], input[2] * input[3], oh * ow)
        guard let buffer = BufferPool.allocate(floats: planes * outputPlane) else {
            throw AxonError(.outOfMemory, "maxPool2d: cannot keep \(planes * outputPlane) positions")
        }
        self.buffer = buffer
        positions = UnsafeMutableRawPointer(buffer).bindMemory(to: Int32.self, capacity: planes * outputPlane)
    }

    deinit { BufferPool.release(buffer, floats: planes * outputPlane) }
}

extension Tensor {
    /// Max pooling of an NCHW input whose planes hold fewer than 2^31 elements.
    static func maxPoolRouted(_ x: Tensor, _ w: Layout.Window, oh: Int, ow: Int) throws -> Tensor {
        let route = try PoolRoute(input: x.shape, oh: oh, ow: ow)
        findMaxima(x, w, oh: oh, ow: ow, into: route)
        return try x.routed(route, primitive: "maxPool2d")
    }

    /// out[plane, j] = self[plane, route[plane, j]]: the forward direction of a route.
    /// Its pullback is `scattered`, so derivatives of every order follow the route.
    func routed(_ route: PoolRoute, primitive name: String = "poolGather") throws -> Tensor {
        guard count == route.planes * route.inputPlane else {
            throw AxonError.shape("\(name): \(shape) does not match the pooled input \(route.inputShape)")
        }
        let result = try Tensor.uninitialized(route.outputShape)
        let (src, dst, pos) = (SharedPointer(pointer), SharedPointer(result.pointer), SharedPointer(route.positions))
        let (inPlane, outPlane) = (route.inputPlane, route.outputPlane)
        parallelFor(route.planes) { p in
            let s = src.base + p * inPlane, d = dst.base + p * outPlane, i = pos.base + p * outPlane
            for j in 0..<outPlane { d[j] = s[Int(i[j])] }
        }
        return try Tensor.primitive(name, result, inputs: [self],
            pullback: { g, _ in [try g.scattered(route)] },
            pushforward: { t, _ in try t[0]?.routed(route) })
    }

    /// The adjoint of `routed`: a zero tensor of the input's shape with each entry of self added at its
    /// route position, in order (overlapping windows add in output order).
    func scattered(_ route: PoolRoute) throws -> Tensor {
        guard count == route.planes * route.outputPlane else {
            throw AxonError.shape("poolScatter: \(shape) does not match the pooled output \(route.outputShape)")
        }
        let result = try Tensor.uninitialized(route.inputShape)
        let (src, dst, pos) = (SharedPointer(pointer), SharedPointer(result.pointer), SharedPointer(route.positions))
        let (inPlane, outPlane) = (route.inputPlane, route.outputPlane)
        parallelFor(route.planes) { p in
            let s = src.base + p * outPlane, d = dst.base + p * inPlane, i = pos.base + p * outPlane
            d.update(repeating: 0, count: inPlane)
            for j in 0..<outPlane { d[Int(i[j])] += s[j] }
        }
        return try Tensor.primitive("poolScatter", result, inputs: [self],
            pullback: { g, _ in [try g.routed(route)] },
            pushforward: { t, _ in try t[0]?.scattered(route) })
    }

    /// Fills `route` with each window's argmax: the first maximum in window order, or the
    /// last NaN; a window of -infinity (or wholly in the padding) takes its first position.
    static func findMaxima(_ x: Tensor, _ w: Layout.Window, oh: Int, ow: Int, into route: PoolRoute) {
        let (planes, h, wd) = (x.shape[0] * x.shape[1], x.shape[2], x.shape[3])
        let (xp, ip) = (SharedPointer(x.pointer), SharedPointer(route.positions))
        let (kh, kw, sh, sw) = (w.kernel.h, w.kernel.w, w.stride.h, w.stride.w)
        let (ph, pw, dh, dw) = (w.padding.h, w.padding.w, w.dilation.h, w.dilation.w)
        // The usual 2 x 2 window of stride 2, every window inside the plane: the same selects,
        // unrolled, with no bounds to check (the first element of a window is its first index).
        let pairs = kh == 2 && kw == 2 && sh == 2 && sw == 2 && ph == 0 && pw == 0 && dh == 1 && dw == 1
            && 2 * oh <= h && 2 * ow <= wd
        let kernels = Kernels.current
        parallelFor(planes) { plane in
            let src = UnsafePointer(xp.base + plane * h * wd), dst = ip.base + plane * oh * ow
            if pairs {
                kernels.argmax2x2(src, dst, wd, oh, ow)
                return
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
                    dst[oy &* ow &+ ox] = Int32(truncatingIfNeeded: at >= 0 ? at : Swift.max(first, 0))
                }
            }
        }
    }
}
