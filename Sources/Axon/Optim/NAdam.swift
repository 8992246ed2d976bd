/// The update rule of `NAdam`.
public enum NAdamRule: UpdateRule {
    public static let name = "NAdam"

    public struct Options: OptimizerOptions {
        public var learningRate: Double
        public var betas: (Double, Double)
        public var eps: Double
        public var weightDecay: WeightDecay
        /// psi in mu_t = beta1 (1 - 0.5 * 0.96^(t psi)).
        public var momentumDecay: Double

        public init(learningRate: Double = 2e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                    weightDecay: WeightDecay = .none, momentumDecay: Double = 4e-3) {
            self.learningRate = learningRate
            self.betas = betas
            self.eps = eps
            self.weightDecay = weightDecay
            self.momentumDecay = momentumDecay
        }

        public func validate() throws {
            try AdamRule.Options(learningRate: learningRate, betas: betas, eps: eps, weightDecay: weightDecay)
                .validate(name: "NAdam")
            try checkHyperparameter(momentumDecay >= 0 && momentumDecay.isFinite, "NAdam",
                                    "invalid momentum decay \(momentumDecay)")
        }
    }

    /// t, the product of the mu_k so far (kept in float32, as PyTorch does), m and v.
    public struct State: Sendable {
        public var step: Int
        public var muProduct: Float
        public var expAvg: [Float]
        public var expAvgSq: [Float]
    }

    public static func makeState(count: Int, options: Options) -> State {
        let zeros = [Float](repeating: 0, count: count)
        return State(step: 0, muProduct: 1, expAvg: zeros, expAvgSq: zeros)
    }

    public static func update(parameter p: UnsafeMutableBufferPointer<Float>, gradient g: UnsafeBufferPointer<Float>,
                       state s: inout State, options o: Options) {
        s.step += 1
        let t = Double(s.step), (beta1, beta2) = o.betas, lr = o.learningRate
        let biasCorrection2 = Float(1 - Libm.pow(beta2, t))                           // 1 - beta2^t
        let mu = beta1 * (1 - 0.5 * Libm.pow(0.96, t * o.momentumDecay))            // mu_t
        let muNext = beta1 * (1 - 0.5 * Libm.pow(0.96, (t + 1) * o.momentumDecay))  // mu_{t+1}
        s.muProduct *= Float(mu)                                                               // prod_{k<=t} mu_k
        let muProductNext = Double(s.muProduct) * muNext
        let gradScale = Float(-lr * (1 - mu) / (1 - Double(s.muProduct)))
        let momentumScale = Float((-lr * muNext) / (1 - muProductNext))
        let w1 = Float(1 - beta1), b2 = Float(beta2), w2 = Float(1 - beta2), eps = Float(o.eps)
        for j in p.indices {
            s.expAvg[j] = Update.lerp(s.expAvg[j], g[j], w1)                    // m <- beta1 m + (1 - beta1) g
            s.expAvgSq[j] = Update.addcmul(s.expAvgSq[j] * b2, w2, g[j], g[j])  // v <- beta2 v + (1 - beta2) g^2
            let denom = (s.expAvgSq[j] / biasCorrection2).squareRoot() + eps    // sqrt(v / (1 - beta2^t)) + eps
            // theta <- theta - lr (1 - mu_t) / (1 - prod mu) g / denom
            //                - lr mu_{t+1} / (1 - prod mu mu_{t+1}) m / denom
            p[j] = Update.addcdiv(p[j], gradScale, g[j], denom)
            p[j] = Update.addcdiv(p[j], momentumScale, s.expAvg[j], denom)
        }
    }
}

/// NAdam (Dozat, 2016): Adam with Nesterov momentum and the momentum-decay schedule
/// mu_t = beta1 (1 - 0.5 * 0.96^(t psi)), as in PyTorch.
public typealias NAdam = GroupOptimizer<NAdamRule>

extension NAdamRule {
    public static func record(_ o: Options) -> [String: Double] {
        var r = ["lr": o.learningRate, "beta1": o.betas.0, "beta2": o.betas.1, "eps": o.eps,
                 "momentum_decay": o.momentumDecay]
        o.weightDecay.record(into: &r)
        return r
    }
    public static func options(from r: [String: Double]) throws -> Options {
        Options(learningRate: try r.value("lr"), betas: (try r.value("beta1"), try r.value("beta2")),
                eps: try r.value("eps"), weightDecay: .from(r), momentumDecay: try r.value("momentum_decay"))
    }
    public static func record(_ s: State) -> StateRecord {
        StateRecord(scalars: ["step": Double(s.step), "mu_product": Double(s.muProduct)],
                    arrays: ["exp_avg": s.expAvg, "exp_avg_sq": s.expAvgSq])
    }
    public static func state(from r: StateRecord, count: Int) throws -> State {
        State(step: try r.int("step"), muProduct: Float(try r.scalar("mu_product")),
              expAvg: try r.array("exp_avg", count: count), expAvgSq: try r.array("exp_avg_sq", count: count))
    }
}
