/// Reverse mode: ordering the recorded graph and running its pullbacks.
enum Backprop {
    /// Propagates `seeds` (cotangents of `roots`) through the graph and returns the
    /// cotangent reaching each tensor, keyed by identity. Leaves that require grad get their
    /// cotangent added to `grad` when `accumulate` is set.
    ///
    /// With `createGraph` the pullbacks run while recording, so the returned cotangents are
    /// themselves differentiable (gradients of gradients). Without `retainGraph` every node
    /// visited drops its pullback afterwards, as PyTorch frees its saved tensors.
    static func run(roots: [Tensor], seeds: [Tensor], createGraph: Bool, retainGraph: Bool,
                    accumulate: Bool) throws -> [ObjectIdentifier: Tensor] {
        let order = topologicalOrder(from: roots)
        var cotangents: [ObjectIdentifier: Tensor] = [:]
        cotangents.reserveCapacity(order.count)
        try GradMode.with(enabled: createGraph) {
            for (root, seed) in zip(roots, seeds) {
                try add(seed, to: root, in: &cotangents)
            }
            for tensor in order.reversed() {
                guard let cotangent = cotangents[ObjectIdentifier(tensor)] else { continue }
                if let node = tensor.node {
                    guard let pullback = node.pullback else {
                        throw AxonError(.invalidState, "backward: the graph through '\(node.op)' was already freed; "
                                        + "pass retainGraph: true to the first backward")
                    }
                    try node.checkVersions(output: tensor)
                    let inputCotangents = try pullback(cotangent, tensor)
                    for (input, inputCotangent) in zip(node.inputs, inputCotangents) {
                        guard input.requiresGrad, let inputCotangent else { continue }
                        guard inputCotangent.shape == input.shape else {
                            throw AxonError(.invalidState, "backward: '\(node.op)' gave a cotangent of shape "
                                            + "\(inputCotangent.shape) for an input of shape \(input.shape)")
                        }
                        try add(inputCotangent, to: input, in: &cotangents)
                    }
                } else if accumulate, tensor.requiresGrad {
                    let incoming = createGraph ? cotangent : cotangent.detached()
                    if let existing = tensor.grad {
                        tensor.grad = try createGraph ? existing + incoming : withNoGrad { try existing + incoming }
                    } else {
                        tensor.grad = createGraph ? incoming : try incoming.copy()
                    }
                }
            }
        }
        if !retainGraph {
            for tensor in order { tensor.node?.release() }
        }
        return cotangents
    }

    private static func add(_ cotangent: Tensor, to tensor: Tensor,
                            in cotangents: inout [ObjectIdentifier: Tensor]) throws {
        let key = ObjectIdentifier(tensor)
        if let existing = cotangents[key] {
            cotangents[key] = try existing + cotangent
        } else {
            cotangents[key] = cotangent
        }
    }

    /// Tensors that require grad reachable from `roots` through recorded nodes, each after all
    /// its inputs (iterative depth-first search, so deep graphs cannot overflow the stack). The
    /// others get no cotangent, so they are not visited.
    static func topologicalOrder(from roots: [Tensor]) -> [Tensor] {
        // Room for a small graph from the start, so that it grows no buffer.
        var order: [Tensor] = [], visited = Set<ObjectIdentifier>(minimumCapacity: 64)
        var stack: [(tensor: Tensor, expanded: Bool)] = []
        order.reserveCapacity(64)
        stack.reserveCapacity(64)
        stack.append(contentsOf: roots.reversed().map { ($0, false) })
        while let (tensor, expanded) = stack.popLast() {
            if expanded {
                order.append(tensor)
                continue
            }
            guard visited.insert(ObjectIdentifier(tensor)).inserted else { continue }
            stack.append((tensor, true))
            for input in tensor.node?.inputs.reversed() ?? []
            where input.requiresGrad && !visited.contains(ObjectIdentifier(input)) {
                stack.append((input, false))
            }
        }
        return order
    }
}

extension Tensor {
    /// Accumulates into `grad` of every leaf that requires grad the gradient of this tensor.
    ///
    /// - Parameters:
    ///   - seed: the cotangent of this tensor; may be omitted only for a one-element tensor.
    ///   - retainGraph: keep the graph so that `backward` can run through it again.
    ///   - createGraph: record the backward pass itself (PyTorch's `create_graph=True`), so
    ///     the gradients can be differentiated again. Implies `retainGraph`.
    public func backward(_ seed: Tensor? = nil, retainGraph: Bool = false, createGraph: Bool = false) throws {
        guard requiresGrad else {
            throw AxonError(.invalidState, "backward: tensor of shape \(shape) does not require grad and has no graph")
        }
        let seed = try Tensor.seed(seed, for: self, op: "backward")
        _ = try Backprop.run(roots: [self], seeds: [seed], createGraph: createGraph,
                             retainGraph: retainGraph || createGraph, accumulate: true)
    }

    static func seed(_ seed: Tensor?, for output: Tensor, op: String) throws -> Tensor {
        if let seed {
            guard seed.shape == output.shape else {
                throw AxonError.shape(
                    "\(op): seed of shape \(seed.shape) does not match output of shape \(output.shape)")
            }
            return seed
        }
        guard output.count == 1 else {
            throw AxonError.shape("\(op): output of shape \(output.shape) is not a scalar; pass a seed cotangent")
        }
        return try Tensor(repeating: 1, shape: output.shape)
    }

    /// Clears the accumulated gradient (`zero_grad(set_to_none=True)` in PyTorch).
    public func zeroGrad() { grad = nil }
}

/// The gradients of `outputs` with respect to `inputs`, without touching any `grad`
/// (PyTorch's `torch.autograd.grad`). An input the outputs do not depend on gets zeros.
///
/// ```swift
/// let g = try gradients(of: [f], wrt: [x], createGraph: true)[0]   // df/dx, differentiable
/// let hvp = try gradients(of: [(g * v).sum()], wrt: [x])[0]         // H v
/// ```
public func gradients(of outputs: [Tensor], wrt inputs: [Tensor], seeds: [Tensor?]? = nil,
                      retainGraph: Bool = false, createGraph: Bool = false) throws -> [Tensor] {
    if let seeds, seeds.count != outputs.count {
        throw AxonError.invalid("gradients: \(seeds.count) seeds for \(outputs.count) outputs")
    }
    for input in inputs where !input.requiresGrad {
        throw AxonError.invalid("gradients: an input of shape \(input.shape) does not require grad")
    }
    let roots = outputs.filter(\.requiresGrad)
    let rootSeeds = try outputs.enumerated().compactMap { i, output -> Tensor? in
        output.requiresGrad ? try Tensor.seed(seeds?[i] ?? nil, for: output, op: "gradients") : nil
    }
    let cotangents = try Backprop.run(roots: roots, seeds: rootSeeds, createGraph: createGraph,
                                      retainGraph: retainGraph || createGraph, accumulate: false)
    return try inputs.map { input in
        try cotangents[ObjectIdentifier(input)] ?? Tensor(repeating: 0, shape: input.shape)
    }
}
