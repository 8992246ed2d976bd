/// AdamW (Loshchilov & Hutter, 2019): Adam with decoupled weight decay, theta <- theta
/// (1 - lr lambda) before each Adam step; PyTorch's default lambda is 0.01.
public final class AdamW: GroupedOptimizer {
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
            try Adam.Options(learningRate: learningRate, betas: betas, eps: eps, weightDecay: weightDecay,
                             amsgrad: amsgrad).validate(name: "AdamW")
        }
    }

    public typealias State = Adam.State

    public var groups: [ParameterGroup<Options>]
    public var states: [[State?]]
    public var noise: GradientNoise?
    public var stepCount = 0

    public init(groups: [ParameterGroup<Options>], noise: GradientNoise? = nil) throws {
        states = try Self.validated(groups)
        self.groups = groups
        self.noise = noise
    }

    public convenience init(_ parameters: [Tensor], options: Options = Options(), noise: GradientNoise? = nil) throws {
        try self.init(groups: [ParameterGroup(parameters, options)], noise: noise)
    }

    public func makeState(count: Int, options: Options) -> State { Adam.state(count: count, amsgrad: options.amsgrad) }

    public func update(parameter p: UnsafeMutableBufferPointer<Float>, gradient g: UnsafeBufferPointer<Float>,
                       state s: inout State, options o: Options) {
        // The decay theta <- theta (1 - lr lambda) was applied by the shared step loop.
        Adam.update(p, g, &s, learningRate: o.learningRate, betas: o.betas, eps: o.eps)
    }
}
