/// The update rule of `Adamax`.
public enum AdamaxRule: UpdateRule {
    public static let name = "Adamax"

    public struct Options: OptimizerOptions {
        public var learningRate: Double
        public var betas: (Double, Double)
        public var eps: Double
        public var weightDecay: WeightDecay

        public init(learningRate: Double = 2e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                    weightDecay: WeightDecay = .none) {
            self.learningRate = learningRate
            self.betas = betas
            self.eps = eps
            self.weightDecay = weightDecay
        }

        public func validate() throws {
            try AdamRule.Options(learningRate: learningRate, betas: betas, eps: eps, weightDecay: weightDecay)
                .validate(name: "Adamax")
        }
    }

    /// t, the first moment m and the exponentially weighted infinity norm u.
    public struct State: Sendable {
        public var step: Int
        public var expAvg: [Float]
        public var expInf: [Float]
    }

    public static func makeState(count: Int, options: Options) -> State {
        let zeros = [Float](repeating: 0, count: count)
        return State(step: 0, expAvg: zeros, expInf: zeros)
    }

    public static func update(parameter p: UnsafeMutableBufferPointer<Float>, gradient g: UnsafeBufferPointer<Float>,
                       state s: inout State, options o: Options) {
        s.step += 1
        let clr = o.learningRate / (1 - Libm.pow(o.betas.0, Double(s.step)))  // lr / (1 - beta1^t)
        let w1 = Float(1 - o.betas.0), beta2 = Float(o.betas.1), eps = Float(o.eps), negClr = Float(-clr)
        for j in p.indices {
            s.expAvg[j] = Update.lerp(s.expAvg[j], g[j], w1)                      // m <- beta1 m + (1 - beta1) g
            s.expInf[j] = Swift.max(s.expInf[j] * beta2, Swift.abs(g[j]) + eps)   // u <- max(beta2 u, |g| + eps)
            p[j] = Update.addcdiv(p[j], negClr, s.expAvg[j], s.expInf[j])         // theta <- theta - lr_t m / u
        }
    }
}

/// Adamax (Kingma & Ba, 2015, section 7.1): Adam with the infinity norm in place of the
/// second moment.
public typealias Adamax = GroupOptimizer<AdamaxRule>

extension AdamaxRule {
    public static func record(_ o: Options) -> [String: Double] {
        var r = ["lr": o.learningRate, "beta1": o.betas.0, "beta2": o.betas.1, "eps": o.eps]
        o.weightDecay.record(into: &r)
        return r
    }
    public static func options(from r: [String: Double]) throws -> Options {
        Options(learningRate: try r.value("lr"), betas: (try r.value("beta1"), try r.value("beta2")),
                eps: try r.value("eps"), weightDecay: .from(r))
    }
    public static func record(_ s: State) -> StateRecord {
        StateRecord(scalars: ["step": Double(s.step)], arrays: ["exp_avg": s.expAvg, "exp_inf": s.expInf])
    }
    public static func state(from r: StateRecord, count: Int) throws -> State {
        State(step: try r.int("step"), expAvg: try r.array("exp_avg", count: count),
              expInf: try r.array("exp_inf", count: count))
    }
}
