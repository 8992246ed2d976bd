/// The update rule of `Adam`.
public enum AdamRule: UpdateRule {
    public static let name = "Adam"

    public struct Options: OptimizerOptions {
        public var learningRate: Double
        public var betas: (Double, Double)
        public var eps: Double
        public var weightDecay: WeightDecay
        public var amsgrad: Bool

        public init(learningRate: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                    weightDecay: WeightDecay = .none, amsgrad: Bool = false) {
            self.learningRate = learningRate
            self.betas = betas
            self.eps = eps
            self.weightDecay = weightDecay
            self.amsgrad = amsgrad
        }

        public func validate() throws { try validate(name: "Adam") }

        func validate(name: String) throws {
            try checkHyperparameter(learningRate >= 0 && learningRate.isFinite, name,
                                    "invalid learning rate \(learningRate)")
            try checkHyperparameter(betas.0 >= 0 && betas.0 < 1, name, "invalid beta1 \(betas.0)")
            try checkHyperparameter(betas.1 >= 0 && betas.1 < 1, name, "invalid beta2 \(betas.1)")
            try checkHyperparameter(eps >= 0 && eps.isFinite, name, "invalid eps \(eps)")
            try checkHyperparameter(weightDecay.isValid, name, "invalid weight decay \(weightDecay)")
        }
    }

    /// t, the first moment m, the second moment v and (AMSGrad) the running maximum of v.
    public struct State: Sendable {
        public var step: Int
        public var expAvg: [Float]
        public var expAvgSq: [Float]
        public var maxExpAvgSq: [Float]?
    }

    public static func makeState(count: Int, options: Options) -> State {
        AdamRule.state(count: count, amsgrad: options.amsgrad)
    }

    static func state(count: Int, amsgrad: Bool) -> State {
        let zeros = [Float](repeating: 0, count: count)
        return State(step: 0, expAvg: zeros, expAvgSq: zeros, maxExpAvgSq: amsgrad ? zeros : nil)
    }

    public static func update(parameter p: UnsafeMutableBufferPointer<Float>, gradient g: UnsafeBufferPointer<Float>,
                       state s: inout State, options o: Options) {
        AdamRule.update(p, g, &s, learningRate: o.learningRate, betas: o.betas, eps: o.eps)
    }

    /// The Adam step shared with AdamW (which has already decayed the weights).
    static func update(_ p: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>, _ s: inout State,
                       learningRate lr: Double, betas: (Double, Double), eps: Double) {
        s.step += 1
        let t = Double(s.step)
        let biasCorrection1 = 1 - Libm.pow(betas.0, t)             // 1 - beta1^t
        let biasCorrection2Sqrt = (1 - Libm.pow(betas.1, t)).squareRoot()  // sqrt(1 - beta2^t)
        let negStepSize = Float(-(lr / biasCorrection1))                     // lr / (1 - beta1^t)
        let w1 = Float(1 - betas.0), beta2 = Float(betas.1), w2 = Float(1 - betas.1)
        let bc2 = Float(biasCorrection2Sqrt), e = Float(eps)
        let amsgrad = s.maxExpAvgSq != nil
        var vmaxStorage = s.maxExpAvgSq ?? []
        s.maxExpAvgSq = nil   // keep the buffers uniquely referenced while writing them
        s.expAvg.withUnsafeMutableBufferPointer { m in
            s.expAvgSq.withUnsafeMutableBufferPointer { v in
                vmaxStorage.withUnsafeMutableBufferPointer { vmax in
                    // Two copies of the loop, so that neither has a branch inside.
                    if amsgrad {
                        for j in 0..<p.count {
                            m[j] = Update.lerp(m[j], g[j], w1)                    // m <- beta1 m + (1 - beta1) g
                            v[j] = Update.addcmul(v[j] * beta2, w2, g[j], g[j])   // v <- beta2 v + (1 - beta2) g^2
                            vmax[j] = Swift.max(vmax[j], v[j])                     // AMSGrad: vmax <- max(vmax, v)
                            let denom = vmax[j].squareRoot() / bc2 + e            // sqrt(vmax / (1 - beta2^t)) + eps
                            p[j] = Update.addcdiv(p[j], negStepSize, m[j], denom) // theta <- theta - lr m_hat / denom
                        }
                    } else {
                        // The same operations in one vectorized pass (AxonKernels' adam), over
                        // chunks of the tensor on the threads: each element's update is independent.
                        if let pp = p.baseAddress, let gp = g.baseAddress,
                           let mp = m.baseAddress, let vp = v.baseAddress {
                            let kernels = Kernels.current
                            let (sp, sm, sv) = (SharedPointer(pp), SharedPointer(mp), SharedPointer(vp))
                            Elementwise.chunked(p.count) { lo, hi in
                                kernels.adam(hi - lo, sp.base + lo, gp + lo, sm.base + lo, sv.base + lo,
                                             w1, beta2, w2, bc2, e, negStepSize)
                            }
                        }
                    }
                }
            }
        }
        if amsgrad { s.maxExpAvgSq = vmaxStorage }
    }
}

/// Adam (Kingma & Ba, 2015) with bias correction, optional AMSGrad (Reddi et al., 2018), and
/// coupled L2 weight decay by default (`AdamW` is the decoupled form).
public typealias Adam = GroupOptimizer<AdamRule>

extension AdamRule {
    public static func record(_ o: Options) -> [String: Double] {
        var r = ["lr": o.learningRate, "beta1": o.betas.0, "beta2": o.betas.1, "eps": o.eps,
                 "amsgrad": o.amsgrad ? 1 : 0]
        o.weightDecay.record(into: &r)
        return r
    }
    public static func options(from r: [String: Double]) throws -> Options {
        Options(learningRate: try r.value("lr"), betas: (try r.value("beta1"), try r.value("beta2")),
                eps: try r.value("eps"), weightDecay: .from(r), amsgrad: try r.value("amsgrad") != 0)
    }
    public static func record(_ s: State) -> StateRecord {
        var arrays = ["exp_avg": s.expAvg, "exp_avg_sq": s.expAvgSq]
        arrays["max_exp_avg_sq"] = s.maxExpAvgSq
        return StateRecord(scalars: ["step": Double(s.step)], arrays: arrays)
    }
    public static func state(from r: StateRecord, count: Int) throws -> State {
        State(step: try r.int("step"), expAvg: try r.array("exp_avg", count: count),
              expAvgSq: try r.array("exp_avg_sq", count: count),
              maxExpAvgSq: try r.optionalArray("max_exp_avg_sq", count: count))
    }
}
