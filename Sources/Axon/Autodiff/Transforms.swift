// The function transforms: vjp (reverse mode) and jvp (forward mode), in the vocabulary
// primal / tangent / cotangent.

/// Evaluates `f` at `primals` and pulls `cotangent` back: returns f(primals) and the
/// cotangent of each primal, <cotangent, J_f(primals) . >. Nothing outside is touched.
///
/// ```swift
/// let (y, cts) = try vjp(of: { x in try x[0].exp() }, at: [x], cotangent: u)
/// ```
public func vjp(of f: ([Tensor]) throws -> Tensor, at primals: [Tensor], cotangent: Tensor,
                createGraph: Bool = false) throws -> (value: Tensor, cotangents: [Tensor]) {
    let inputs = primals.map { p -> Tensor in
        let x = p.detached()
        x.requiresGrad = true
        return x
    }
    let value = try GradMode.with(enabled: true) { try f(inputs) }
    guard value.requiresGrad else {
        return (value, try inputs.map { try Tensor.zeros($0.shape) })
    }
    let cotangents = try gradients(of: [value], wrt: inputs, seeds: [cotangent], createGraph: createGraph)
    return (value, cotangents)
}

/// Evaluates `f` at `primals` and pushes `tangents` forward by tangent propagation:
/// returns f(primals) and J_f(primals) tangents. Each op computes its output's tangent
/// from its inputs' tangents as it runs (dual numbers), no graph is kept.
public func jvp(of f: ([Tensor]) throws -> Tensor, at primals: [Tensor],
                tangents: [Tensor]) throws -> (value: Tensor, tangent: Tensor) {
    guard primals.count == tangents.count else {
        throw AxonError.invalid("jvp: \(primals.count) primals but \(tangents.count) tangents")
    }
    let inputs = try zip(primals, tangents).map { p, t -> Tensor in
        guard p.shape == t.shape else {
            throw AxonError.shape("jvp: tangent of shape \(t.shape) for a primal of shape \(p.shape)")
        }
        let x = Tensor(storage: p.storage, shape: p.shape, count: p.count, requiresGrad: p.requiresGrad)
        x.node = p.node
        x.tangent = t
        return x
    }
    let value = try f(inputs)
    let tangent = try value.tangent ?? Tensor.zeros(value.shape)
    value.tangent = nil
    return (value, tangent)
}

extension Tensor {
    /// A dual number for forward mode outside `jvp`: the same values (shared storage, same
    /// graph) carrying `tangent`. Ops on it propagate tangents; read them with `tangent`.
    public func makingDual(tangent: Tensor) throws -> Tensor {
        guard tangent.shape == shape else {
            throw AxonError.shape("makingDual: tangent of shape \(tangent.shape) for a primal of shape \(shape)")
        }
        let x = Tensor(storage: storage, shape: shape, count: count, requiresGrad: requiresGrad)
        x.node = node
        x.tangent = tangent.detached()
        return x
    }
}
