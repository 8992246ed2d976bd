/// The update rule of `SGD`.
public enum SGDRule: UpdateRule {
    public static let name = "SGD"

    public struct Options: OptimizerOptions {
        public var learningRate: Double
        public var momentum: Double
        public var dampening: Double
        public var nesterov: Bool
        public var weightDecay: WeightDecay

        public init(learningRate: Double = 1e-3, momentum: Double = 0, dampening: Double = 0,
                    nesterov: Bool = false, weightDecay: WeightDecay = .none) {
            self.learningRate = learningRate
            self.momentum = momentum
            self.dampening = dampening
            self.nesterov = nesterov
            self.weightDecay = weightDecay
        }

        public func validate() throws {
            try checkHyperparameter(learningRate >= 0 && learningRate.isFinite, "SGD",
                                    "invalid learning rate \(learningRate)")
            try checkHyperparameter(momentum >= 0 && momentum.isFinite, "SGD", "invalid momentum \(momentum)")
            try checkHyperparameter(dampening.isFinite, "SGD", "invalid dampening \(dampening)")
            try checkHyperparameter(!nesterov || (momentum > 0 && dampening == 0), "SGD",
                                    "Nesterov momentum requires a momentum and zero dampening")
            try checkHyperparameter(weightDecay.isValid, "SGD", "invalid weight decay \(weightDecay)")
        }
    }

    /// The momentum buffer b, absent until the first step.
    public struct State: Sendable { public var momentumBuffer: [Float]? }

    public static func makeState(count: Int, options: Options) -> State { State(momentumBuffer: nil) }

    public static func update(parameter p: UnsafeMutableBufferPointer<Float>, gradient g: UnsafeBufferPointer<Float>,
                       state: inout State, options o: Options) {
        let lr = Float(o.learningRate), mu = Float(o.momentum), keep = Float(1 - o.dampening)
        guard o.momentum != 0 else {
            for j in p.indices { p[j] = p[j] + -lr * g[j] }        // theta <- theta - lr g
            return
        }
        guard var b = state.momentumBuffer else {
            // First step: b <- g (no dampening), then as below.
            let b = Array(g)
            for j in p.indices {
                let d = o.nesterov ? g[j] + mu * b[j] : b[j]
                p[j] = p[j] + -lr * d
            }
            state.momentumBuffer = b
            return
        }
        state.momentumBuffer = nil   // b is now the only reference: updated in place
        for j in p.indices {
            b[j] = b[j] * mu + keep * g[j]                          // b <- mu b + (1 - dampening) g
            let d = o.nesterov ? g[j] + mu * b[j] : b[j]            // d <- g + mu b (Nesterov) or b
            p[j] = p[j] + -lr * d                                   // theta <- theta - lr d
        }
        state.momentumBuffer = b
    }
}

/// Stochastic gradient descent with optional heavy-ball momentum (Polyak, 1964), dampening
/// and Nesterov momentum (Sutskever et al., 2013), in PyTorch's formulation.
///
/// ```swift
/// let opt = try SGD(model.parameters(), options: .init(learningRate: 0.1, momentum: 0.9))
/// ```
public typealias SGD = GroupOptimizer<SGDRule>

extension SGDRule {
    public static func record(_ o: Options) -> [String: Double] {
        var r = ["lr": o.learningRate, "momentum": o.momentum, "dampening": o.dampening, "nesterov": o.nesterov ? 1 : 0]
        o.weightDecay.record(into: &r)
        return r
    }
    public static func options(from r: [String: Double]) throws -> Options {
        Options(learningRate: try r.value("lr"), momentum: try r.value("momentum"), dampening: try r.value("dampening"),
                nesterov: try r.value("nesterov") != 0, weightDecay: .from(r))
    }
    public static func record(_ s: State) -> StateRecord {
        StateRecord(arrays: s.momentumBuffer.map { ["momentum_buffer": $0] } ?? [:])
    }
    public static func state(from r: StateRecord, count: Int) throws -> State {
        State(momentumBuffer: try r.optionalArray("momentum_buffer", count: count))
    }
}
