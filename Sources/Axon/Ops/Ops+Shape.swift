// Shape primitives: reshape, permute, expand, slice (and its adjoint, pad), concat.

extension Tensor {
    /// The values laid out contiguously as `target` (a broadcast of this shape); no graph.
    func materialized(to target: [Int]) throws -> Tensor {
        if shape == target { return self.detached() }
        _ = try Shape.broadcast(shape, target, op: "expand")
        let out = try Tensor.uninitialized(target)
        if count == 1 {   // one value everywhere (a sum's cotangent, say)
            out.pointer.update(repeating: pointer[0], count: out.count)
        } else {
            Layout.copy(shape: target, pointer, Shape.broadcastStrides(shape, to: target), out.pointer)
        }
        return out
    }

    /// The same elements with a new shape; one axis may be -1 (inferred). Shares storage.
    public func reshape(_ newShape: [Int]) throws -> Tensor {
        let inferred = newShape.filter { $0 == -1 }.count
        guard inferred <= 1, newShape.allSatisfy({ $0 >= -1 }) else {
            throw AxonError.invalid("reshape: invalid target shape \(newShape)")
        }
        var target = newShape
        if inferred == 1 {
            let known = try Shape.count(newShape.filter { $0 != -1 })
            guard known > 0, count % known == 0 else {
                throw AxonError.shape("reshape: cannot infer -1 in \(newShape) for \(count) elements")
            }
            target = newShape.map { $0 == -1 ? count / known : $0 }
        }
        guard try Shape.count(target) == count else {
            throw AxonError.shape("reshape: shape \(shape) (\(count) elements) cannot become \(newShape)")
        }
        let original = shape
        return try Tensor.primitive("reshape", Tensor(storage: storage, shape: target, count: count), inputs: [self],
            pullback: { g, _ in [try g.reshape(original)] },
            pushforward: { t, _ in try t[0]?.reshape(target) })
    }

    /// Reorders the axes: output axis i is input axis `order[i]` (a contiguous copy).
    public func permute(_ order: [Int]) throws -> Tensor {
        guard order.count == rank, Set(order).count == rank, order.allSatisfy({ (0..<rank).contains($0) }) else {
            throw AxonError.invalid("permute: \(order) is not a permutation of the axes of shape \(shape)")
        }
        let strides = Shape.strides(shape)
        let outShape = order.map { shape[$0] }
        let out = try Tensor.uninitialized(outShape)
        Layout.copy(shape: outShape, pointer, order.map { strides[$0] }, out.pointer)
        var inverse = [Int](repeating: 0, count: rank)
        for (i, o) in order.enumerated() { inverse[o] = i }
        return try Tensor.primitive("permute", out, inputs: [self],
            pullback: { g, _ in [try g.permute(inverse)] },
            pushforward: { t, _ in try t[0]?.permute(order) })
    }

    /// Swaps two axes (default: the last two).
    public func transposed(_ a: Int = -2, _ b: Int = -1) throws -> Tensor {
        let i = try Shape.axis(a, rank: rank, op: "transpose"), j = try Shape.axis(b, rank: rank, op: "transpose")
        var order = Array(0..<rank)
        order.swapAt(i, j)
        return try permute(order)
    }

    /// Stretches axes of size 1 (and prepends axes) to `target`, as `torch.Tensor.expand`.
    public func expand(to target: [Int]) throws -> Tensor {
        guard try Shape.broadcast(shape, target, op: "expand") == target else {
            throw AxonError.shape("expand: shape \(shape) cannot be expanded to \(target)")
        }
        let original = shape
        return try Tensor.primitive("expand", materialized(to: target), inputs: [self],
            pullback: { g, _ in [try g.sum(toShape: original)] },
            pushforward: { t, _ in try t[0]?.expand(to: target) })
    }

    /// Sums a broadcast result back to `target` (the adjoint of `expand`).
    public func sum(toShape target: [Int]) throws -> Tensor {
        if shape == target { return self }
        if target.count <= rank, target.allSatisfy({ $0 == 1 }) {
            // Every axis is summed (a scalar parameter's or a bias of ones' gradient).
            let total = try sum()
            return target.isEmpty ? total : try total.reshape(target)
        }
        guard try Shape.broadcast(target, shape, op: "sum(toShape:)") == shape else {
            throw AxonError.shape("sum(toShape:): \(shape) is not a broadcast of \(target)")
        }
        let lead = rank - target.count
        let axes = (0..<rank).filter { $0 < lead || (target[$0 - lead] == 1 && shape[$0] != 1) }
        return try sum(axes: axes, keepDims: true).reshape(target)
    }

    /// Inserts an axis of size 1 at `axis`.
    public func unsqueezed(_ axis: Int) throws -> Tensor {
        let a = try Shape.axis(axis, rank: rank + 1, op: "unsqueeze")
        var s = shape
        s.insert(1, at: a)
        return try reshape(s)
    }

    /// Removes an axis of size 1.
    public func squeezed(_ axis: Int) throws -> Tensor {
        let a = try Shape.axis(axis, rank: rank, op: "squeeze")
        guard shape[a] == 1 else { throw AxonError.shape("squeeze: axis \(axis) of shape \(shape) is not 1") }
        var s = shape
        s.remove(at: a)
        return try reshape(s)
    }

    /// Flattens axes `start...end` into one.
    public func flattened(from start: Int = 0, to end: Int = -1) throws -> Tensor {
        guard rank > 0 else { return try reshape([1]) }
        let s = try Shape.axis(start, rank: rank, op: "flatten"), e = try Shape.axis(end, rank: rank, op: "flatten")
        guard s <= e else { throw AxonError.invalid("flatten: start axis \(start) is after end axis \(end)") }
        let merged = shape[s...e].reduce(1, *)
        return try reshape(Array(shape[..<s]) + [merged] + Array(shape[(e + 1)...]))
    }

    /// The view of `[outer, size, inner]` this tensor has around `axis`.
    func split(around axis: Int) -> (outer: Int, size: Int, inner: Int) {
        (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    /// Elements `start..<end` along `axis` (negative indices count from the end).
    public func slice(axis: Int, start: Int, end: Int) throws -> Tensor {
        let a = try Shape.axis(axis, rank: rank, op: "slice")
        let size = shape[a]
        let lo = start < 0 ? start + size : start, hi = end < 0 ? end + size : end
        guard lo >= 0, hi <= size, lo <= hi else {
            throw AxonError.invalid(
                "slice: range \(start)..<\(end) is out of bounds for axis \(axis) of shape \(shape)")
        }
        var outShape = shape
        outShape[a] = hi - lo
        let out = try Tensor.uninitialized(outShape)
        let (outer, _, inner) = split(around: a)
        for o in 0..<outer {
            (out.pointer + o * (hi - lo) * inner)
                .update(from: pointer + (o * size + lo) * inner, count: (hi - lo) * inner)
        }
        let before = lo, after = size - hi
        return try Tensor.primitive("slice", out, inputs: [self],
            pullback: { g, _ in [try g.padded(axis: a, before: before, after: after)] },
            pushforward: { t, _ in try t[0]?.slice(axis: a, start: lo, end: hi) })
    }

    /// Zeros added before and after along `axis` (the adjoint of `slice`).
    public func padded(axis: Int, before: Int, after: Int) throws -> Tensor {
        let a = try Shape.axis(axis, rank: rank, op: "pad")
        guard before >= 0, after >= 0, before < Int(Int32.max), after < Int(Int32.max) else {
            throw AxonError.invalid("pad: padding \(before), \(after) must be in 0..<2^31")
        }
        let size = shape[a]
        var outShape = shape
        outShape[a] = size + before + after
        let out = try Tensor.zeros(outShape)
        let (outer, _, inner) = split(around: a)
        for o in 0..<outer {
            (out.pointer + (o * outShape[a] + before) * inner)
                .update(from: pointer + o * size * inner, count: size * inner)
        }
        return try Tensor.primitive("pad", out, inputs: [self],
            pullback: { g, _ in [try g.slice(axis: a, start: before, end: before + size)] },
            pushforward: { t, _ in try t[0]?.padded(axis: a, before: before, after: after) })
    }

    /// Joins tensors along `axis`; all other axes must agree.
    public static func concat(_ tensors: [Tensor], axis: Int) throws -> Tensor {
        guard let first = tensors.first else { throw AxonError.invalid("concat: no tensors") }
        let a = try Shape.axis(axis, rank: first.rank, op: "concat")
        for t in tensors {
            guard t.rank == first.rank, (0..<t.rank).allSatisfy({ $0 == a || t.shape[$0] == first.shape[$0] }) else {
                throw AxonError.shape("concat: shapes \(tensors.map(\.shape)) differ outside axis \(axis)")
            }
        }
        var outShape = first.shape
        outShape[a] = tensors.reduce(0) { $0 + $1.shape[a] }
        let out = try Tensor.uninitialized(outShape)
        let (outer, _, inner) = first.split(around: a)
        var offset = 0
        var bounds: [(Int, Int)] = []
        for t in tensors {
            let size = t.shape[a]
            for o in 0..<outer {
                (out.pointer + (o * outShape[a] + offset) * inner)
                    .update(from: t.pointer + o * size * inner, count: size * inner)
            }
            bounds.append((offset, offset + size))
            offset += size
        }
        return try primitive("concat", out, inputs: tensors,
            pullback: { g, _ in try bounds.map { try g.slice(axis: a, start: $0.0, end: $0.1) } },
            pushforward: { t, _ in
                try concat(zip(t, tensors).map { try $0 ?? Tensor.zeros($1.shape) }, axis: a)
            })
    }
}
