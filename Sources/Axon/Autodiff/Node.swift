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

    init(op: String, inputs: [Tensor], pullback: @escaping Pullback) {
        self.op = op
        self.inputs = inputs
        self.pullback = pullback
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
    /// recording yields a differentiable graph: that is how every higher order works.
    static func primitive(
        _ op: String, _ value: Tensor, inputs: [Tensor],
        pullback: @escaping Node.Pullback,
        pushforward: (_ tangents: [Tensor?], _ output: Tensor) throws -> Tensor?
    ) throws -> Tensor {
        let state = ThreadState.current
        if state.recording, inputs.contains(where: { $0.requiresGrad }) {
            value.requiresGrad = true
            value.node = Node(op: op, inputs: inputs, pullback: pullback)
        }
        if state.propagatingTangents, inputs.contains(where: { $0.tangent != nil }) {
            let tangents = inputs.map(\.tangent)
            value.tangent = try withoutTangents { try pushforward(tangents, value) }
        }
        return value
    }
}
