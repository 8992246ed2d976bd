// Gathers and their adjoints: index-select / index-add along an axis, and gather /
// scatter-add with a per-element index (torch.gather). Each pair is the other's pullback.

extension Tensor {
    static func checkIndices(_ indices: [Int], size: Int, op: String) throws {
        for i in indices where i < 0 || i >= size {
            throw AxonError.invalid("\(op): index \(i) is out of range 0..<\(size)")
        }
    }

    /// The slices `indices` along `axis`, in that order (repeats allowed), as
    /// `torch.index_select`.
    public func indexSelect(axis: Int, indices: [Int]) throws -> Tensor {
        let a = try Shape.axis(axis, rank: rank, op: "indexSelect")
        try Tensor.checkIndices(indices, size: shape[a], op: "indexSelect")
        let (outer, size, inner) = split(around: a)
        var outShape = shape
        outShape[a] = indices.count
        let out = try Tensor.uninitialized(outShape)
        for o in 0..<outer {
            for (k, i) in indices.enumerated() {
                (out.pointer + (o * indices.count + k) * inner)
                    .update(from: pointer + (o * size + i) * inner, count: inner)
            }
        }
        return try Tensor.primitive("indexSelect", out, inputs: [self],
            pullback: { g, _ in [try g.indexAdd(axis: a, indices: indices, size: size)] },
            pushforward: { t, _ in try t[0]?.indexSelect(axis: a, indices: indices) })
    }

    /// A tensor whose axis `axis` has `size` slices, slice `indices[k]` accumulating slice k
    /// of this tensor (the adjoint of `indexSelect`).
    public func indexAdd(axis: Int, indices: [Int], size: Int) throws -> Tensor {
        let a = try Shape.axis(axis, rank: rank, op: "indexAdd")
        guard shape[a] == indices.count else {
            throw AxonError.shape("indexAdd: \(indices.count) indices for axis \(axis) of shape \(shape)")
        }
        try Tensor.checkIndices(indices, size: size, op: "indexAdd")
        let (outer, _, inner) = split(around: a)
        var outShape = shape
        outShape[a] = size
        let out = try Tensor.zeros(outShape)
        for o in 0..<outer {
            for (k, i) in indices.enumerated() {
                let dst = out.pointer + (o * size + i) * inner, src = pointer + (o * indices.count + k) * inner
                for j in 0..<inner { dst[j] += src[j] }
            }
        }
        return try Tensor.primitive("indexAdd", out, inputs: [self],
            pullback: { g, _ in [try g.indexSelect(axis: a, indices: indices)] },
            pushforward: { t, _ in try t[0]?.indexAdd(axis: a, indices: indices, size: size) })
    }

    /// Reads integer positions out of a float index tensor, checking each is a whole number in range.
    static func positions(_ index: Tensor, size: Int, op: String) throws -> [Int] {
        let limit = Float(size)
        return try index.withUnsafeBufferPointer { values in
            try values.map { v in
                // In range first (which also excludes NaN and infinities), then whole.
                guard v >= 0, v < limit, Float(Int(v)) == v else {
                    throw AxonError.invalid("\(op): index \(v) is not an integer in 0..<\(size)")
                }
                return Int(v)
            }
        }
    }

    /// out[..., k, ...] = self[..., index[..., k, ...], ...] along `axis` (`torch.gather`).
    /// `index` holds whole numbers; it has this tensor's rank, and its size may differ only
    /// along `axis` (a simplification of PyTorch, which also allows smaller sizes elsewhere).
    public func gather(axis: Int, index: Tensor) throws -> Tensor {
        let a = try Shape.axis(axis, rank: rank, op: "gather")
        guard index.rank == rank, (0..<rank).allSatisfy({ $0 == a || index.shape[$0] == shape[$0] }) else {
            throw AxonError.shape(
                "gather: index of shape \(index.shape) does not fit input \(shape) along axis \(axis)")
        }
        let pos = try Tensor.positions(index, size: shape[a], op: "gather")
        let (outer, size, inner) = split(around: a)
        let k = index.shape[a]
        let out = try Tensor.uninitialized(index.shape)
        for o in 0..<outer {
            for r in 0..<k {
                for j in 0..<inner {
                    let e = (o * k + r) * inner + j
                    out.pointer[e] = pointer[(o * size + pos[e]) * inner + j]
                }
            }
        }
        let idx = index.detached()
        return try Tensor.primitive("gather", out, inputs: [self],
            pullback: { g, _ in [try g.scatterAdd(axis: a, index: idx, size: size)] },
            pushforward: { t, _ in try t[0]?.gather(axis: a, index: idx) })
    }

    /// The adjoint of `gather`: a tensor with `size` entries along `axis`, entry
    /// `index[e]` accumulating element e of this tensor (`torch.scatter_add` into zeros).
    public func scatterAdd(axis: Int, index: Tensor, size: Int) throws -> Tensor {
        let a = try Shape.axis(axis, rank: rank, op: "scatterAdd")
        guard index.shape == shape else {
            throw AxonError.shape("scatterAdd: index of shape \(index.shape) differs from source \(shape)")
        }
        let pos = try Tensor.positions(index, size: size, op: "scatterAdd")
        let (outer, k, inner) = split(around: a)
        var outShape = shape
        outShape[a] = size
        let out = try Tensor.zeros(outShape)
        for o in 0..<outer {
            for r in 0..<k {
                for j in 0..<inner {
                    let e = (o * k + r) * inner + j
                    out.pointer[(o * size + pos[e]) * inner + j] += pointer[e]
                }
            }
        }
        let idx = index.detached()
        return try Tensor.primitive("scatterAdd", out, inputs: [self],
            pullback: { g, _ in [try g.gather(axis: a, index: idx)] },
            pushforward: { t, _ in try t[0]?.scatterAdd(axis: a, index: idx, size: size) })
    }
}
