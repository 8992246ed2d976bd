// Comparisons give 0/1 masks that carry no gradient; `where` selects between two tensors
// and routes the cotangent to the side that was chosen.

extension Tensor {
    func compared(_ other: Tensor, op: String, _ test: (Float, Float) -> Bool) throws -> Tensor {
        try Tensor.zipped(self, other, op: op) { test($0, $1) ? 1 : 0 }
    }

    /// 1 where self > other, else 0 (broadcasting; no gradient).
    public func greater(_ other: Tensor) throws -> Tensor { try compared(other, op: "greater", >) }
    public func greaterEqual(_ other: Tensor) throws -> Tensor { try compared(other, op: "greaterEqual", >=) }
    public func less(_ other: Tensor) throws -> Tensor { try compared(other, op: "less", <) }
    public func lessEqual(_ other: Tensor) throws -> Tensor { try compared(other, op: "lessEqual", <=) }
    public func equal(_ other: Tensor) throws -> Tensor { try compared(other, op: "equal", ==) }
    public func notEqual(_ other: Tensor) throws -> Tensor { try compared(other, op: "notEqual", !=) }

    public func greater(_ s: Float) throws -> Tensor { try greater(Tensor(s)) }
    public func greaterEqual(_ s: Float) throws -> Tensor { try greaterEqual(Tensor(s)) }
    public func less(_ s: Float) throws -> Tensor { try less(Tensor(s)) }
    public func lessEqual(_ s: Float) throws -> Tensor { try lessEqual(Tensor(s)) }
    public func equal(_ s: Float) throws -> Tensor { try equal(Tensor(s)) }

    /// `a` where `condition` is non-zero, else `b` (all three broadcast together), like
    /// `torch.where`. The condition carries no gradient.
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        let shape = try Shape.broadcast(Shape.broadcast(condition.shape, a.shape, op: "where"), b.shape, op: "where")
        let c = try condition.materialized(to: shape)
        let va = try a.materialized(to: shape), vb = try b.materialized(to: shape)
        let out = try Tensor.uninitialized(shape)
        for i in 0..<out.count { out.pointer[i] = c.pointer[i] != 0 ? va.pointer[i] : vb.pointer[i] }
        let zero = try Tensor(0)
        return try primitive("where", out, inputs: [a, b],
            pullback: { g, _ in
                [a.requiresGrad ? try Tensor.where(c, g, zero).sum(toShape: a.shape) : nil,
                 b.requiresGrad ? try Tensor.where(c, zero, g).sum(toShape: b.shape) : nil]
            },
            pushforward: { t, y in
                try Tensor.where(c, t[0] ?? zero, t[1] ?? zero).expand(to: y.shape)
            })
    }

    /// The elementwise larger of two tensors (broadcasting); ties send the gradient to `self`.
    public func maximum(_ other: Tensor) throws -> Tensor {
        try Tensor.where(greaterEqual(other), self, other)
    }

    /// The elementwise smaller of two tensors (broadcasting); ties send the gradient to `self`.
    public func minimum(_ other: Tensor) throws -> Tensor {
        try Tensor.where(lessEqual(other), self, other)
    }
}
