/// The loss along the straight line between two parameter sets (Goodfellow, Vinyals & Saxe,
/// 2015): for each alpha, theta = alpha theta_final + (1 - alpha) theta_initial is
/// loaded into `model` and `loss()` evaluated. The model's own parameters are restored
/// afterwards.
public func lossAlongLine(model: any Layer, initial: [(name: String, tensor: Tensor)],
                          final: [(name: String, tensor: Tensor)],
                          alphas: [Double], loss: () throws -> Double) throws -> [(alpha: Double, loss: Double)] {
    let params = model.namedParameters()
    let start = Dictionary(initial.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
    let end = Dictionary(final.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
    let saved = try params.map { try $0.tensor.copy() }
    defer { for (p, s) in zip(params, saved) { try? p.tensor.assign(s) } }
    var result: [(Double, Double)] = []
    for alpha in alphas {
        try withNoGrad {
            for (name, p) in params {
                guard let a = start[name], let b = end[name], a.shape == p.shape, b.shape == p.shape else {
                    throw AxonError.invalid(
                        "lossAlongLine: parameter '\(name)' of shape \(p.shape) is missing or differs in the endpoints")
                }
                try p.assign(b * Float(alpha) + a * Float(1 - alpha))
            }
        }
        result.append((alpha, try loss()))
    }
    return result
}

/// A hyperparameter drawn log-uniformly from [low, high] (Bergstra & Bengio, 2012).
public struct LogUniform: Sendable {
    public let low: Double, high: Double
    public init(_ low: Double, _ high: Double) throws {
        guard low > 0, high >= low, high.isFinite else {
            throw AxonError.invalid("LogUniform: need 0 < low <= high, got [\(low), \(high)]")
        }
        self.low = low
        self.high = high
    }
    func sample(_ g: inout PRNG) -> Double {
        Libm.exp(Libm.log(low) + Double(g.nextFloat()) * (Libm.log(high) - Libm.log(low)))
    }
}

/// One evaluated configuration of a search.
public struct Trial: Sendable {
    public let parameters: [String: Double]
    public let score: Double
}

/// Random search: `trials` configurations drawn from `space`, each scored by `objective`
/// (lower is better); returns them best first.
public func randomSearch(space: [String: LogUniform], trials: Int, seed: UInt64,
                         objective: ([String: Double]) throws -> Double) throws -> [Trial] {
    guard trials > 0 else { throw AxonError.invalid("randomSearch: trials \(trials) must be positive") }
    var g = PRNG(seed: seed)
    let names = space.keys.sorted()
    var results: [Trial] = []
    for _ in 0..<trials {
        var config: [String: Double] = [:]
        for name in names { config[name] = space[name]?.sample(&g) }
        results.append(Trial(parameters: config, score: try objective(config)))
    }
    return results.sorted { ($0.score.isNaN ? .infinity : $0.score) < ($1.score.isNaN ? .infinity : $1.score) }
}

/// Coarse-to-fine search (Bergstra & Bengio, 2012, for the random part): a random search,
/// then `rounds - 1` more, each over a range narrowed (in log space, by `shrink`) around the
/// best configuration so far.
public func coarseToFineSearch(space: [String: LogUniform], trialsPerRound: Int, rounds: Int, shrink: Double = 0.25,
                               seed: UInt64, objective: ([String: Double]) throws -> Double) throws -> [Trial] {
    guard rounds > 0, shrink > 0, shrink <= 1 else {
        throw AxonError.invalid("coarseToFineSearch: rounds must be positive and shrink in (0, 1]")
    }
    var current = space
    var all: [Trial] = []
    for round in 0..<rounds {
        all += try randomSearch(space: current, trials: trialsPerRound, seed: seed &+ UInt64(round),
                                objective: objective)
        all.sort { ($0.score.isNaN ? .infinity : $0.score) < ($1.score.isNaN ? .infinity : $1.score) }
        guard let best = all.first else { break }
        for (name, range) in current {
            let center = Libm.log(best.parameters[name] ?? range.low)
            let half = (Libm.log(range.high) - Libm.log(range.low)) * shrink / 2
            let full = space[name] ?? range
            let low = Swift.max(Libm.exp(center - half), full.low)
            let high = Swift.min(Libm.exp(center + half), full.high)
            current[name] = try LogUniform(low, Swift.max(high, low))
        }
    }
    return all
}
