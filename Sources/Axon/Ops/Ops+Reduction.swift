// Reductions over axes: sum and max are primitives; mean, min and var are compositions.

extension Tensor {
    /// The shape with `axes` set to 1 (keepDims) or removed.
    func reducedShape(_ axes: [Int], keepDims: Bool) -> [Int] {
        keepDims ? shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
                 : shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
    }

    /// Applies a [outer, mid, inner] kernel axis by axis (adjacent axes merged first).
    func reduced(
        _ axes: [Int], _ kernel: (UnsafePointer<Float>, Int, Int, Int, UnsafeMutablePointer<Float>) -> Void
    ) throws -> Tensor {
        var current = self.detached()
        var currentShape = shape
        // Reduce from the last axis so earlier axis numbers stay valid.
        var remaining = axes.sorted(by: >)
        while let axis = remaining.first {
            var lo = axis
            remaining.removeFirst()
            while let next = remaining.first, next == lo - 1 { lo = next; remaining.removeFirst() }
            let outer = currentShape[..<lo].reduce(1, *), mid = currentShape[lo...axis].reduce(1, *)
            let inner = currentShape[(axis + 1)...].reduce(1, *)
            let nextShape = Array(currentShape[..<lo]) + [1] + Array(currentShape[(axis + 1)...])
            let out = try Tensor.uninitialized(nextShape)
            kernel(current.pointer, outer, mid, inner, out.pointer)
            current = out
            currentShape = nextShape
        }
        let kept = reducedShape(axes, keepDims: true)
        return Tensor(storage: current.storage, shape: kept, count: current.count)
    }

    /// Sums over `axes` (nil: all axes).
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
        if axes == nil { return try sumAll(keepDims: keepDims) }
        let ax = try Shape.axes(axes, rank: rank, op: "sum")
        let kept = reducedShape(ax, keepDims: true), outShape = reducedShape(ax, keepDims: keepDims)
        let value = try reduced(ax, Reduce.sumMiddle)
        let original = shape
        return try Tensor.primitive(
            "sum", Tensor(storage: value.storage, shape: outShape, count: value.count), inputs: [self],
            pullback: { g, _ in [try g.reshape(kept).expand(to: original)] },
            pushforward: { t, _ in try t[0]?.sum(axes: ax, keepDims: keepDims) })
    }

    /// The sum of all elements: the same kernel call as `sum(axes:)` over every axis (one
    /// merged axis), without its axis bookkeeping, for the scalar losses and the gradients of
    /// scalar parameters that small graphs are made of. The result has its own storage, also
    /// for a rank-0 input.
    private func sumAll(keepDims: Bool) throws -> Tensor {
        let kept = [Int](repeating: 1, count: rank)
        let value = try Tensor.uninitialized(keepDims ? kept : [])
        Reduce.sumMiddle(pointer, outer: 1, mid: count, inner: 1, value.pointer)
        let original = shape
        return try Tensor.primitive("sum", value, inputs: [self],
            pullback: { g, _ in [try g.reshape(kept).expand(to: original)] },
            pushforward: { t, _ in try t[0]?.sum(keepDims: keepDims) })
    }

    /// Averages over `axes` (nil: all axes).
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
        let ax = try Shape.axes(axes, rank: rank, op: "mean")
        let n = ax.reduce(1) { $0 * shape[$1] }
        guard n > 0 else { throw AxonError.shape("mean: reducing an empty axis of shape \(shape)") }
        return try sum(axes: axes == nil ? nil : ax, keepDims: keepDims) / Float(n)
    }

    /// The maximum over `axes` (nil: all axes). The cotangent is shared equally among tied
    /// maxima (PyTorch's `amax` rule).
    public func max(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
        let ax = try Shape.axes(axes, rank: rank, op: "max")
        guard ax.allSatisfy({ shape[$0] > 0 }) else {
            throw AxonError.shape("max: reducing an empty axis of shape \(shape)")
        }
        let kept = reducedShape(ax, keepDims: true), outShape = reducedShape(ax, keepDims: keepDims)
        let value = try reduced(ax, Reduce.maxMiddle)
        let x = self
        // Where the maximum was attained, each tie weighted 1/(number of ties).
        func weights(_ y: Tensor) throws -> Tensor {
            let mask = try x.detached().equal(y.detached().reshape(kept))
            return try mask / mask.sum(axes: ax, keepDims: true)
        }
        return try Tensor.primitive(
            "max", Tensor(storage: value.storage, shape: outShape, count: value.count), inputs: [self],
            pullback: { g, y in [try g.reshape(kept) * weights(y)] },
            pushforward: { t, y in try t[0].map { try ($0 * weights(y)).sum(axes: ax, keepDims: keepDims) } })
    }

    /// The minimum over `axes` (nil: all axes).
    public func min(axes: [Int]? = nil, keepDims: Bool = false) throws -> Tensor {
        try -(-self).max(axes: axes, keepDims: keepDims)
    }

    /// The variance over `axes` with Bessel's `correction` (1: unbiased, PyTorch's default;
    /// 0: biased, what normalization layers use).
    public func variance(axes: [Int]? = nil, correction: Int = 1, keepDims: Bool = false) throws -> Tensor {
        guard correction >= 0 else { throw AxonError.invalid("var: correction \(correction) is negative") }
        let ax = try Shape.axes(axes, rank: rank, op: "var")
        let n = ax.reduce(1) { $0 * shape[$1] }
        guard n - correction > 0 else {
            throw AxonError.shape("var: \(n) elements are too few for correction \(correction)")
        }
        let centered = try self - mean(axes: ax, keepDims: true)
        return try (centered * centered).sum(axes: ax, keepDims: keepDims) / Float(n - correction)
    }
}

extension Tensor {
    /// Whether every element is finite.
    public var allFinite: Bool { withUnsafeBufferPointer { Tensor.allFinite($0) } }

    /// Whether no element is NaN or infinite: the largest exponent field over the buffer (an
    /// integer max, which vectorizes) is below all ones. The guards scan every parameter and
    /// gradient at every step, so this is a hot loop.
    static func allFinite(_ values: UnsafeBufferPointer<Float>) -> Bool {
        guard let base = values.baseAddress else { return true }
        let bits = UnsafeRawPointer(base).assumingMemoryBound(to: UInt32.self)
        var largest: UInt32 = 0
        for i in 0..<values.count { largest = Swift.max(largest, bits[i] & 0x7F80_0000) }
        return largest != 0x7F80_0000
    }

    /// The index of the largest element along `axis` (first one on ties), as floats.
    public func argmax(axis: Int) throws -> Tensor {
        let a = try Shape.axis(axis, rank: rank, op: "argmax")
        guard shape[a] > 0 else { throw AxonError.shape("argmax: empty axis in shape \(shape)") }
        let (outer, size, inner) = split(around: a)
        var outShape = shape
        outShape.remove(at: a)
        let out = try Tensor.uninitialized(outShape)
        for o in 0..<outer {
            for j in 0..<inner {
                var best = 0
                var bestValue = pointer[o * size * inner + j]
                for k in 1..<Swift.max(size, 1) where k < size {
                    let v = pointer[(o * size + k) * inner + j]
                    if v > bestValue || (v.isNaN && !bestValue.isNaN) { best = k; bestValue = v }
                }
                out.pointer[o * inner + j] = Float(best)
            }
        }
        return out
    }
}
