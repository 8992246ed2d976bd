/// The update rule of `Adagrad`.
public enum AdagradRule: UpdateRule {
    public static let name = "Adagrad"

    public struct Options: OptimizerOptions {
        public var learningRate: Double
        public var learningRateDecay: Double
        public var initialAccumulatorValue: Double
        public var eps: Double
        public var weightDecay: WeightDecay

        public init(learningRate: Double = 1e-2, learningRateDecay: Double = 0, initialAccumulatorValue: Double = 0,
                    eps: Double = 1e-10, weightDecay: WeightDecay = .none) {
            self.learningRate = learningRate
            self.learningRateDecay = learningRateDecay
            self.initialAccumulatorValue = initialAccumulatorValue
            self.eps = eps
            self.weightDecay = weightDecay
        }

        public func validate() throws {
            try checkHyperparameter(learningRate >= 0 && learningRate.isFinite, "Adagrad",
                                    "invalid learning rate \(learningRate)")
            try checkHyperparameter(learningRateDecay >= 0 && learningRateDecay.isFinite, "Adagrad",
                                    "invalid lr decay \(learningRateDecay)")
            try checkHyperparameter(initialAccumulatorValue >= 0 && initialAccumulatorValue.isFinite, "Adagrad",
                                    "invalid initial accumulator value \(initialAccumulatorValue)")
            try checkHyperparameter(eps >= 0 && eps.isFinite, "Adagrad", "invalid eps \(eps)")
            try checkHyperparameter(weightDecay.isValid, "Adagrad", "invalid weight decay \(weightDecay)")
        }
    }

    /// t and the running sum of squared gradients.
    public struct State: Sendable {
        public var step: Int
        public var sum: [Float]
    }

    public static func makeState(count: Int, options: Options) -> State {
        State(step: 0, sum: [Float](repeating: Float(options.initialAccumulatorValue), count: count))
    }

    public static func update(parameter p: UnsafeMutableBufferPointer<Float>, gradient g: UnsafeBufferPointer<Float>,
                       state s: inout State, options o: Options) {
        s.step += 1
        let clr = o.learningRate / (1 + Double(s.step - 1) * o.learningRateDecay)   // lr_t = lr / (1 + (t - 1) decay)
        let negClr = Float(-clr), eps = Float(o.eps)
        for j in p.indices {
            s.sum[j] = Update.addcmul(s.sum[j], 1, g[j], g[j])  // G <- G + g^2
            let std = s.sum[j].squareRoot() + eps               // sqrt(G) + eps
            p[j] = Update.addcdiv(p[j], negClr, g[j], std)      // theta <- theta - lr_t g / (sqrt(G) + eps)
        }
    }
}

/// Adagrad (Duchi et al., 2011): per-coordinate step sizes from the sum of squared
/// gradients, with PyTorch's learning-rate decay lr / (1 + (t - 1) lr_decay).
public typealias Adagrad = GroupOptimizer<AdagradRule>

extension AdagradRule {
    public static func record(_ o: Options) -> [String: Double] {
        var r = ["lr": o.learningRate, "lr_decay": o.learningRateDecay,
                 "initial_accumulator_value": o.initialAccumulatorValue, "eps": o.eps]
        o.weightDecay.record(into: &r)
        return r
    }
    public static func options(from r: [String: Double]) throws -> Options {
        Options(learningRate: try r.value("lr"), learningRateDecay: try r.value("lr_decay"),
                initialAccumulatorValue: try r.value("initial_accumulator_value"), eps: try r.value("eps"),
                weightDecay: .from(r))
    }
    public static func record(_ s: State) -> StateRecord {
        StateRecord(scalars: ["step": Double(s.step)], arrays: ["sum": s.sum])
    }
    public static func state(from r: StateRecord, count: Int) throws -> State {
        State(step: try r.int("step"), sum: try r.array("sum", count: count))
    }
}
