/// The update rule of `RMSprop`.
public enum RMSpropRule: UpdateRule {
    public static let name = "RMSprop"

    public struct Options: OptimizerOptions {
        public var learningRate: Double
        public var alpha: Double
        public var eps: Double
        public var momentum: Double
        public var centered: Bool
        public var weightDecay: WeightDecay

        public init(learningRate: Double = 1e-2, alpha: Double = 0.99, eps: Double = 1e-8, momentum: Double = 0,
                    centered: Bool = false, weightDecay: WeightDecay = .none) {
            self.learningRate = learningRate
            self.alpha = alpha
            self.eps = eps
            self.momentum = momentum
            self.centered = centered
            self.weightDecay = weightDecay
        }

        public func validate() throws {
            try checkHyperparameter(learningRate >= 0 && learningRate.isFinite, "RMSprop",
                                    "invalid learning rate \(learningRate)")
            try checkHyperparameter(alpha >= 0 && alpha <= 1, "RMSprop", "invalid alpha \(alpha)")
            try checkHyperparameter(eps >= 0 && eps.isFinite, "RMSprop", "invalid eps \(eps)")
            try checkHyperparameter(momentum >= 0 && momentum.isFinite, "RMSprop", "invalid momentum \(momentum)")
            try checkHyperparameter(weightDecay.isValid, "RMSprop", "invalid weight decay \(weightDecay)")
        }
    }

    /// Running mean of g^2 (v), of g (m, centered only), and the momentum buffer (b).
    public struct State: Sendable {
        public var squareAverage: [Float]
        public var gradientAverage: [Float]?
        public var momentumBuffer: [Float]?
    }

    public static func makeState(count: Int, options: Options) -> State {
        let zeros = [Float](repeating: 0, count: count)
        return State(squareAverage: zeros, gradientAverage: options.centered ? zeros : nil,
                     momentumBuffer: options.momentum > 0 ? zeros : nil)
    }

    public static func update(parameter p: UnsafeMutableBufferPointer<Float>, gradient g: UnsafeBufferPointer<Float>,
                       state s: inout State, options o: Options) {
        let alpha = Float(o.alpha), oneMinusAlpha = Float(1 - o.alpha), eps = Float(o.eps)
        let mu = Float(o.momentum), negLr = Float(-o.learningRate)
        for j in p.indices {
            // v <- alpha v + (1 - alpha) g^2
            s.squareAverage[j] = Update.addcmul(s.squareAverage[j] * alpha, oneMinusAlpha, g[j], g[j])
            var avg: Float
            if s.gradientAverage != nil {
                let m = Update.lerp(s.gradientAverage?[j] ?? 0, g[j], oneMinusAlpha)    // m <- alpha m + (1 - alpha) g
                s.gradientAverage?[j] = m
                avg = Update.addcmul(s.squareAverage[j], -1, m, m).squareRoot()         // sqrt(v - m^2)
            } else {
                avg = s.squareAverage[j].squareRoot()                                   // sqrt(v)
            }
            avg += eps
            if s.momentumBuffer != nil {
                let b = Update.addcdiv((s.momentumBuffer?[j] ?? 0) * mu, 1, g[j], avg)  // b <- mu b + g / avg
                s.momentumBuffer?[j] = b
                p[j] = p[j] + negLr * b                                                 // theta <- theta - lr b
            } else {
                p[j] = Update.addcdiv(p[j], negLr, g[j], avg)                           // theta <- theta - lr g / avg
            }
        }
    }
}

/// RMSprop (Hinton, Coursera lecture 6e, 2012): gradients divided by a running root mean
/// square; optionally centered (Graves, 2013: subtract the running mean's square) and with
/// momentum on the scaled step, in PyTorch's formulation.
public typealias RMSprop = GroupOptimizer<RMSpropRule>

extension RMSpropRule {
    public static func record(_ o: Options) -> [String: Double] {
        var r = ["lr": o.learningRate, "alpha": o.alpha, "eps": o.eps, "momentum": o.momentum,
                 "centered": o.centered ? 1 : 0]
        o.weightDecay.record(into: &r)
        return r
    }
    public static func options(from r: [String: Double]) throws -> Options {
        Options(learningRate: try r.value("lr"), alpha: try r.value("alpha"), eps: try r.value("eps"),
                momentum: try r.value("momentum"), centered: try r.value("centered") != 0, weightDecay: .from(r))
    }
    public static func record(_ s: State) -> StateRecord {
        var arrays = ["square_avg": s.squareAverage]
        arrays["grad_avg"] = s.gradientAverage
        arrays["momentum_buffer"] = s.momentumBuffer
        return StateRecord(arrays: arrays)
    }
    public static func state(from r: StateRecord, count: Int) throws -> State {
        State(squareAverage: try r.array("square_avg", count: count),
              gradientAverage: try r.optionalArray("grad_avg", count: count),
              momentumBuffer: try r.optionalArray("momentum_buffer", count: count))
    }
}
