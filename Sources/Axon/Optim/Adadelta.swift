/// The update rule of `Adadelta`.
public enum AdadeltaRule: UpdateRule {
    public static let name = "Adadelta"

    public struct Options: OptimizerOptions {
        public var learningRate: Double
        public var rho: Double
        public var eps: Double
        public var weightDecay: WeightDecay

        public init(learningRate: Double = 1, rho: Double = 0.9, eps: Double = 1e-6, weightDecay: WeightDecay = .none) {
            self.learningRate = learningRate
            self.rho = rho
            self.eps = eps
            self.weightDecay = weightDecay
        }

        public func validate() throws {
            try checkHyperparameter(learningRate >= 0 && learningRate.isFinite, "Adadelta",
                                    "invalid learning rate \(learningRate)")
            try checkHyperparameter(rho >= 0 && rho <= 1, "Adadelta", "invalid rho \(rho)")
            try checkHyperparameter(eps >= 0 && eps.isFinite, "Adadelta", "invalid eps \(eps)")
            try checkHyperparameter(weightDecay.isValid, "Adadelta", "invalid weight decay \(weightDecay)")
        }
    }

    /// Running mean of g^2 (v) and of squared updates (u).
    public struct State: Sendable {
        public var squareAverage: [Float]
        public var accumulatedDelta: [Float]
    }

    public static func makeState(count: Int, options: Options) -> State {
        let zeros = [Float](repeating: 0, count: count)
        return State(squareAverage: zeros, accumulatedDelta: zeros)
    }

    public static func update(parameter p: UnsafeMutableBufferPointer<Float>, gradient g: UnsafeBufferPointer<Float>,
                       state s: inout State, options o: Options) {
        let rho = Float(o.rho), oneMinusRho = Float(1 - o.rho), eps = Float(o.eps), negLr = Float(-o.learningRate)
        for j in p.indices {
            // v <- rho v + (1 - rho) g^2
            s.squareAverage[j] = Update.addcmul(s.squareAverage[j] * rho, oneMinusRho, g[j], g[j])
            let std = (s.squareAverage[j] + eps).squareRoot()                    // sqrt(v + eps)
            let delta = (s.accumulatedDelta[j] + eps).squareRoot() / std * g[j]  // d = sqrt(u + eps) / sqrt(v + eps) g
            // u <- rho u + (1 - rho) d^2
            s.accumulatedDelta[j] = Update.addcmul(s.accumulatedDelta[j] * rho, oneMinusRho, delta, delta)
            p[j] = p[j] + negLr * delta                                          // theta <- theta - lr d
        }
    }
}

/// Adadelta (Zeiler, 2012): step sizes from the ratio of running RMS of updates and of
/// gradients, scaled by lr (1.0 recovers the paper).
public typealias Adadelta = GroupOptimizer<AdadeltaRule>

extension AdadeltaRule {
    public static func record(_ o: Options) -> [String: Double] {
        var r = ["lr": o.learningRate, "rho": o.rho, "eps": o.eps]
        o.weightDecay.record(into: &r)
        return r
    }
    public static func options(from r: [String: Double]) throws -> Options {
        Options(learningRate: try r.value("lr"), rho: try r.value("rho"), eps: try r.value("eps"),
                weightDecay: .from(r))
    }
    public static func record(_ s: State) -> StateRecord {
        StateRecord(arrays: ["square_avg": s.squareAverage, "acc_delta": s.accumulatedDelta])
    }
    public static func state(from r: StateRecord, count: Int) throws -> State {
        State(squareAverage: try r.array("square_avg", count: count),
              accumulatedDelta: try r.array("acc_delta", count: count))
    }
}
