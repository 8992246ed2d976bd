/// The update rule of `AdamW`.
public enum AdamWRule: UpdateRule {
    public static let name = "AdamW"

    public struct Options: OptimizerOptions {
        public var learningRate: Double
        public var betas: (Double, Double)
        public var eps: Double
        /// The decoupled decay lambda, applied as theta <- theta (1 - lr lambda).
        public var decoupledWeightDecay: Double
        public var amsgrad: Bool

        public var weightDecay: WeightDecay { .decoupled(decoupledWeightDecay) }

        public init(learningRate: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                    decoupledWeightDecay: Double = 1e-2, amsgrad: Bool = false) {
            self.learningRate = learningRate
            self.betas = betas
            self.eps = eps
            self.decoupledWeightDecay = decoupledWeightDecay
            self.amsgrad = amsgrad
        }

        public func validate() throws {
            try AdamRule.Options(learningRate: learningRate, betas: betas, eps: eps, weightDecay: weightDecay,
                             amsgrad: amsgrad).validate(name: "AdamW")
        }
    }

    public typealias State = AdamRule.State

    public static func makeState(count: Int, options: Options) -> State {
        AdamRule.state(count: count, amsgrad: options.amsgrad)
    }

    public static func update(parameter p: UnsafeMutableBufferPointer<Float>, gradient g: UnsafeBufferPointer<Float>,
                       state s: inout State, options o: Options) {
        // The decay theta <- theta (1 - lr lambda) was applied by the shared step loop.
        AdamRule.update(p, g, &s, learningRate: o.learningRate, betas: o.betas, eps: o.eps)
    }
}

/// AdamW (Loshchilov & Hutter, 2019): Adam with decoupled weight decay, theta <- theta
/// (1 - lr lambda) before each Adam step; PyTorch's default lambda is 0.01.
public typealias AdamW = GroupOptimizer<AdamWRule>

extension AdamWRule {
    public static func record(_ o: Options) -> [String: Double] {
        ["lr": o.learningRate, "beta1": o.betas.0, "beta2": o.betas.1, "eps": o.eps, "amsgrad": o.amsgrad ? 1 : 0,
         "weight_decay_decoupled": o.decoupledWeightDecay]
    }
    public static func options(from r: [String: Double]) throws -> Options {
        Options(learningRate: try r.value("lr"), betas: (try r.value("beta1"), try r.value("beta2")),
                eps: try r.value("eps"), decoupledWeightDecay: try r.value("weight_decay_decoupled"),
                amsgrad: try r.value("amsgrad") != 0)
    }
    public static func record(_ s: State) -> StateRecord { AdamRule.record(s) }
    public static func state(from r: StateRecord, count: Int) throws -> State {
        try AdamRule.state(from: r, count: count)
    }
}
