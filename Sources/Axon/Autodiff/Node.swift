/// A recorded application of a differentiable primitive: its inputs and its pullback.
///
/// The pullback maps the cotangent of the output to the cotangents of the inputs (nil for an
/// input that needs none). It receives the output tensor as an argument instead of capturing
/// it, so an output never keeps itself alive through its own node.
final class Node {
    typealias Pullback = (_ cotangent: Tensor, _ output: Tensor) throws -> [Tensor?]

    let op: String
    let inputs: [Tensor]
    private(set) var pullback: Pullback?
    /// The versions of the inputs and of the output when the op ran: a pullback may read
    /// them, so backward refuses to run it once one was overwritten in place.
    let inputVersions: [Int]
    let outputVersion: Int

    init(op: String, inputs: [Tensor], output: Tensor, pullback: @escaping Pullback) {
        self.op = op
        self.inputs = inputs
        self.pullback = pullback
        inputVersions = inputs.map(\.version)
        outputVersion = output.version
    }

    /// Throws when a tensor this node's pullback may read was modified in place since.
    func checkVersions(output: Tensor) throws {
        for (input, version) in zip(inputs, inputVersions) where input.version != version {
            throw AxonError(.invalidState, "backward: a tensor of shape \(input.shape) that '\(op)' needs was "
                            + "modified in place after it was used (version \(input.version), expected \(version))")
        }
        guard output.version == outputVersion else {
            throw AxonError(.invalidState, "backward: the output of '\(op)' (shape \(output.shape)) was modified "
                            + "in place after it was computed")
        }
    }

    /// Drops the pullback and what it captured (PyTorch frees saved tensors after backward).
    func release() { pullback = nil }
}

extension Tensor {
    /// Makes `value` the output of the differentiable primitive `op`.
    ///
    /// When recording is on and an input requires grad, `value` gets a node holding the
    /// pullback. When an input carries a tangent and propagation is on, `value` gets the
    /// tangent computed by `pushforward` (called with nil for inputs without a tangent).
    /// Pullbacks and pushforwards are written with Axon's own ops, so running them while
    /// recording yields a differentiable graph: that is how every higher order works. The
    /// pullback closure is only made when it is recorded: an op run under no-grad, or inside a
    /// backward pass, allocates no closure.
    static func primitive(
        _ op: String, _ value: Tensor, inputs: [Tensor],
        pullback: @autoclosure () -> Node.Pullback,
        pushforward: (_ tangents: [Tensor?], _ output: Tensor) throws -> Tensor?
    ) throws -> Tensor {
        let state = ThreadState.current
        if state.recording, inputs.contains(where: { $0.requiresGrad }) {
            value.requiresGrad = true
            value.node = Node(op: op, inputs: inputs, output: value, pullback: pullback())
        }
        if state.propagatingTangents, inputs.contains(where: { $0.tangent != nil }) {
            let tangents = inputs.map(\.tangent)
            value.tangent = try withoutTangents { try pushforward(tangents, value) }
        }
        return value
    }
}
