/// Limited-memory BFGS (Liu & Nocedal, 1989; Nocedal & Wright, "Numerical Optimization",
/// algorithms 7.4 and 7.5), a port of `torch.optim.LBFGS`: each `step(closure:)` runs up to
/// `maxIterations` quasi-Newton iterations, with a fixed step `learningRate` or a strong-Wolfe
/// line search (Nocedal & Wright, algorithms 3.5 and 3.6, with cubic interpolation).
///
/// The closure re-evaluates the loss with gradients (zero them, forward, backward, return
/// the loss). One parameter group only, as in PyTorch.
public final class LBFGS: Optimizer {
    public struct Options: Sendable {
        public var learningRate: Double
        public var maxIterations: Int
        /// Defaults to maxIterations * 5 / 4.
        public var maxEvaluations: Int?
        public var toleranceGrad: Double
        public var toleranceChange: Double
        public var historySize: Int
        public var strongWolfe: Bool

        public init(learningRate: Double = 1, maxIterations: Int = 20, maxEvaluations: Int? = nil,
                    toleranceGrad: Double = 1e-7, toleranceChange: Double = 1e-9, historySize: Int = 100,
                    strongWolfe: Bool = false) {
            self.learningRate = learningRate
            self.maxIterations = maxIterations
            self.maxEvaluations = maxEvaluations
            self.toleranceGrad = toleranceGrad
            self.toleranceChange = toleranceChange
            self.historySize = historySize
            self.strongWolfe = strongWolfe
        }
    }

    /// The curvature history and the last direction, plain data.
    public struct State: Sendable {
        public var direction: [Float]?
        public var stepSize: Float = 0
        public var oldDirections: [[Float]] = []   // y_k = g_{k+1} - g_k
        public var oldSteps: [[Float]] = []        // s_k = t d
        public var rho: [Float] = []               // 1 / (y_k . s_k)
        public var hessianDiagonal: Float = 1      // gamma = (y . s) / (y . y)
        public var previousGradient: [Float]?
        public var previousLoss: Double?
        public var iterations = 0
        public var evaluations = 0
    }

    public let parameterList: [Tensor]
    public var options: Options
    public private(set) var state = State()
    public private(set) var stepCount = 0
    private var isStepping = false

    public init(_ parameters: [Tensor], options: Options = Options()) throws {
        guard options.learningRate > 0, options.learningRate.isFinite,
              options.maxIterations > 0, options.maxIterations < 1 << 30,
              options.historySize > 0,
              (options.maxEvaluations ?? 1) > 0,
              options.toleranceGrad >= 0,
              options.toleranceChange >= 0 else {
            throw AxonError.invalid("LBFGS: learning rate, max iterations, max evaluations and history size "
                                    + "must be positive, tolerances >= 0")
        }
        parameterList = parameters
        self.options = options
    }

    public var parameters: [Tensor] { parameterList }

    public var learningRates: [Double] {
        get { [options.learningRate] }
        set { if let lr = newValue.first { options.learningRate = lr } }
    }

    public func step() throws {
        throw AxonError(.invalidState, "LBFGS: step needs a closure that re-evaluates the loss; call step(closure:)")
    }

    /// `step(closure:)` with a closure that returns the loss as a number (it still zeroes the
    /// gradients, runs forward and backward): for the doors, whose closures are foreign code.
    /// A NaN from the closure or a closure that steps this optimizer again fails the step with
    /// `.invalidState` (an error the closure throws keeps its own kind, others become
    /// `.invalidState`), and the parameters, the state and the step count are put back as they
    /// were before the step.
    @discardableResult
    public func step(lossValue closure: () throws -> Float) throws -> Float {
        guard !isStepping else {
            throw AxonError(.invalidState, "LBFGS: step called again from inside its own closure")
        }
        isStepping = true
        defer { isStepping = false }
        let (savedState, savedSteps) = (state, stepCount)
        let savedValues = parameterList.map(\.scalars)
        do {
            return try step(closure: {
                let value: Float
                do { value = try closure() } catch let error as AxonError { throw error } catch {
                    throw AxonError(.invalidState, "LBFGS: the closure failed: \(error)")
                }
                guard !value.isNaN else { throw AxonError(.invalidState, "LBFGS: the closure returned NaN") }
                return try Tensor(value)
            })
        } catch {
            state = savedState
            stepCount = savedSteps
            for (p, values) in zip(parameterList, savedValues) {
                p.withUnsafeMutableBufferPointer { w in
                    for j in w.indices where j < values.count { w[j] = values[j] }
                }
            }
            throw error
        }
    }

    /// Runs up to `maxIterations` iterations; returns the loss of the first evaluation.
    @discardableResult
    public func step(closure: () throws -> Tensor) throws -> Float {
        stepCount += 1
        let lr = options.learningRate, maxIter = options.maxIterations
        let maxEval = options.maxEvaluations ?? maxIter * 5 / 4
        let tolChange = options.toleranceChange
        func evaluate() throws -> Double { Double(try GradMode.with(enabled: true) { try closure() }.item()) }

        let originalLoss = try evaluate()
        var loss = originalLoss
        var evals = 1
        state.evaluations += 1
        var flatGrad = gatherGradient()
        if maxAbs(flatGrad) <= Float(options.toleranceGrad) { return Float(originalLoss) }

        var s = state
        var d = s.direction ?? []
        var t = s.stepSize
        var iteration = 0
        while iteration < maxIter {
            iteration += 1
            s.iterations += 1
            if s.iterations == 1 {
                d = flatGrad.map { -$0 }                                   // d = -g
                s.oldDirections = []; s.oldSteps = []; s.rho = []
                s.hessianDiagonal = 1
            } else if let previous = s.previousGradient {
                let y = zip(flatGrad, previous).map { $0 - $1 }            // y = g - g_prev
                let step = d.map { $0 * t }                                // s = t d
                let ys = dot(y, step)
                if ys > 1e-10 {                                            // keep the pair if the curvature is positive
                    if s.oldDirections.count == options.historySize {
                        s.oldDirections.removeFirst(); s.oldSteps.removeFirst(); s.rho.removeFirst()
                    }
                    s.oldDirections.append(y)
                    s.oldSteps.append(step)
                    s.rho.append(1 / ys)
                    s.hessianDiagonal = ys / dot(y, y)                     // H0 = (y.s)/(y.y) I
                }
                // Two-loop recursion: d = -H g.
                var q = flatGrad.map { -$0 }
                var alpha = [Float](repeating: 0, count: s.oldDirections.count)
                for i in stride(from: s.oldDirections.count - 1, through: 0, by: -1) {
                    alpha[i] = dot(s.oldSteps[i], q) * s.rho[i]
                    axpy(-alpha[i], s.oldDirections[i], &q)
                }
                var r = q.map { $0 * s.hessianDiagonal }
                for i in 0..<s.oldDirections.count {
                    let beta = dot(s.oldDirections[i], r) * s.rho[i]
                    axpy(alpha[i] - beta, s.oldSteps[i], &r)
                }
                d = r
            }
            s.previousGradient = flatGrad
            s.previousLoss = loss
            // The first step is scaled to at most lr / |g|_1.
            t = s.iterations == 1
                ? Float(Swift.min(1, 1 / Double(flatGrad.reduce(0) { $0 + Swift.abs($1) })) * lr)
                : Float(lr)
            let gtd = dot(flatGrad, d)                                     // directional derivative g.d
            if Double(gtd) > -tolChange { break }

            var lineSearchEvals = 0
            var optimal = false
            if options.strongWolfe {
                let start = try parameterList.map { try $0.copy() }
                let result = try strongWolfe(closure: evaluate, start: start, t: t, d: d, f: loss, g: flatGrad,
                                             gtd: gtd, maxLineSearch: maxEval - evals)
                loss = result.f
                flatGrad = result.g
                t = result.t
                lineSearchEvals = result.evaluations
                addToParameters(t, d)
                optimal = maxAbs(flatGrad) <= Float(options.toleranceGrad)
            } else {
                addToParameters(t, d)                                      // theta <- theta + t d
                if iteration != maxIter {
                    loss = try evaluate()
                    flatGrad = gatherGradient()
                    optimal = maxAbs(flatGrad) <= Float(options.toleranceGrad)
                    lineSearchEvals = 1
                }
            }
            evals += lineSearchEvals
            s.evaluations += lineSearchEvals
            if iteration == maxIter || evals >= maxEval || optimal { break }
            if maxAbs(d.map { $0 * t }) <= Float(tolChange) { break }
            if Swift.abs(loss - (s.previousLoss ?? loss)) < tolChange { break }
        }
        s.direction = d
        s.stepSize = t
        state = s
        return Float(originalLoss)
    }

    // MARK: - Strong-Wolfe line search (port of torch.optim.lbfgs._strong_wolfe)

    private struct LineSearchResult { var f: Double; var g: [Float]; var t: Float; var evaluations: Int }

    private func strongWolfe(closure: () throws -> Double, start: [Tensor], t initial: Float, d: [Float], f: Double,
                             g: [Float], gtd: Float, maxLineSearch: Int,
                             c1: Double = 1e-4, c2: Double = 0.9) throws -> LineSearchResult {
        let tolChange = options.toleranceChange
        let dNorm = Double(maxAbs(d))
        var t = Double(initial)
        func evaluate(at t: Double) throws -> (Double, [Float], Double) {
            addToParameters(Float(t), d)
            let value = try closure()
            let grad = gatherGradient()
            for (p, x) in zip(parameterList, start) { try p.assign(x) }
            return (value, grad, Double(dot(grad, d)))
        }
        var (fNew, gNew, gtdNew) = try evaluate(at: t)
        var evals = 1
        var (tPrev, fPrev, gPrev, gtdPrev) = (0.0, f, g, Double(gtd))
        var done = false
        var iteration = 0
        var bracket: [Double] = [], bracketF: [Double] = [], bracketG: [[Float]] = [], bracketGtd: [Double] = []
        // Bracketing phase: find an interval containing a point satisfying the conditions.
        while iteration < maxLineSearch {
            if fNew > f + c1 * t * Double(gtd) || (iteration > 1 && fNew >= fPrev) {  // sufficient decrease fails
                (bracket, bracketF, bracketG, bracketGtd) =
                    ([tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew])
                break
            }
            if Swift.abs(gtdNew) <= -c2 * Double(gtd) {                                     // strong curvature holds
                (bracket, bracketF, bracketG, bracketGtd) = ([t], [fNew], [gNew], [gtdNew])
                done = true
                break
            }
            if gtdNew >= 0 {
                (bracket, bracketF, bracketG, bracketGtd) =
                    ([tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew])
                break
            }
            // Extrapolate with a cubic, within [t + 0.01 (t - tPrev), 10 t].
            let minStep = t + 0.01 * (t - tPrev), maxStep = t * 10
            let previous = t
            t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, bounds: (minStep, maxStep))
            (tPrev, fPrev, gPrev, gtdPrev) = (previous, fNew, gNew, gtdNew)
            (fNew, gNew, gtdNew) = try evaluate(at: t)
            evals += 1
            iteration += 1
        }
        if iteration == maxLineSearch {
            (bracket, bracketF, bracketG, bracketGtd) = ([0, t], [f, fNew], [g, gNew], [Double(gtd), gtdNew])
        }
        // Zoom phase: shrink the bracket until a point satisfies the strong-Wolfe conditions.
        var insufficientProgress = false
        var (low, high) = bracketF[0] <= (bracketF.last ?? bracketF[0]) ? (0, 1) : (1, 0)
        while !done && iteration < maxLineSearch && bracket.count == 2 {
            if Swift.abs(bracket[1] - bracket[0]) * dNorm < tolChange { break }
            t = cubicInterpolate(bracket[0], bracketF[0], bracketGtd[0],
                                 bracket[1], bracketF[1], bracketGtd[1], bounds: nil)
            let hi = Swift.max(bracket[0], bracket[1]), lo = Swift.min(bracket[0], bracket[1])
            let eps = 0.1 * (hi - lo)
            if Swift.min(hi - t, t - lo) < eps {
                // Too close to an end: move away from the boundary unless progress was made.
                if insufficientProgress || t >= hi || t <= lo {
                    t = Swift.abs(t - hi) < Swift.abs(t - lo) ? hi - eps : lo + eps
                    insufficientProgress = false
                } else {
                    insufficientProgress = true
                }
            } else {
                insufficientProgress = false
            }
            (fNew, gNew, gtdNew) = try evaluate(at: t)
            evals += 1
            iteration += 1
            if fNew > f + c1 * t * Double(gtd) || fNew >= bracketF[low] {
                (bracket[high], bracketF[high], bracketG[high], bracketGtd[high]) = (t, fNew, gNew, gtdNew)
                (low, high) = bracketF[0] <= bracketF[1] ? (0, 1) : (1, 0)
            } else {
                if Swift.abs(gtdNew) <= -c2 * Double(gtd) {
                    done = true
                } else if gtdNew * (bracket[high] - bracket[low]) >= 0 {
                    (bracket[high], bracketF[high], bracketG[high], bracketGtd[high]) =
                        (bracket[low], bracketF[low], bracketG[low], bracketGtd[low])
                }
                (bracket[low], bracketF[low], bracketG[low], bracketGtd[low]) = (t, fNew, gNew, gtdNew)
            }
        }
        let pick = Swift.min(low, bracket.count - 1)
        return LineSearchResult(f: bracketF[pick], g: bracketG[pick], t: Float(bracket[pick]), evaluations: evals)
    }

    /// The minimizer of the cubic through (x1, f1, g1) and (x2, f2, g2), clamped to bounds
    /// (Nocedal & Wright, eq. 3.59); the midpoint when the cubic has no minimum.
    private func cubicInterpolate(_ x1: Double, _ f1: Double, _ g1: Double, _ x2: Double, _ f2: Double, _ g2: Double,
                                  bounds: (Double, Double)?) -> Double {
        let (lo, hi) = bounds ?? (x1 <= x2 ? (x1, x2) : (x2, x1))
        let d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
        let d2Square = d1 * d1 - g1 * g2
        guard d2Square >= 0 else { return (lo + hi) / 2 }
        let d2 = d2Square.squareRoot()
        let minPos = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
                              : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
        return Swift.min(Swift.max(minPos, lo), hi)
    }

    // MARK: - Checkpoints

    public func checkpointPayload() throws -> [UInt8] {
        var w = ByteWriter()
        w.string("LBFGS")
        w.u64(UInt64(stepCount))
        for v in [options.learningRate, Double(options.maxIterations), Double(options.maxEvaluations ?? -1),
                  options.toleranceGrad, options.toleranceChange, Double(options.historySize),
                  options.strongWolfe ? 1 : 0] { w.f64(v) }
        func vector(_ v: [Float]?) {
            w.u64(UInt64(v?.count ?? 0)); w.u8(v == nil ? 0 : 1)
            v?.withUnsafeBufferPointer { w.floats($0) }
        }
        vector(state.direction)
        w.f64(Double(state.stepSize))
        w.u32(UInt32(state.oldDirections.count))
        for (y, s) in zip(state.oldDirections, state.oldSteps) { vector(y); vector(s) }
        vector(state.rho)
        w.f64(Double(state.hessianDiagonal))
        vector(state.previousGradient)
        w.u8(state.previousLoss == nil ? 0 : 1); w.f64(state.previousLoss ?? 0)
        w.u64(UInt64(state.iterations)); w.u64(UInt64(state.evaluations))
        return w.bytes
    }

    public func restore(checkpointPayload bytes: [UInt8]) throws {
        var r = ByteReader(bytes, context: "LBFGS state")
        guard try r.string(limit: 256) == "LBFGS" else {
            throw AxonError(.format, "LBFGS state: saved from another optimizer")
        }
        let steps = try r.count("step count", limit: 1 << 50)
        let v = try (0..<7).map { _ in try r.f64() }
        let o = Options(learningRate: v[0], maxIterations: Int(exactly: v[1]) ?? 0,
                        maxEvaluations: v[2] < 0 ? nil : Int(exactly: v[2]),
                        toleranceGrad: v[3], toleranceChange: v[4], historySize: Int(exactly: v[5]) ?? 0,
                        strongWolfe: v[6] != 0)
        _ = try LBFGS([], options: o)   // validates
        let total = parameterList.reduce(0) { $0 + $1.count }
        func vector() throws -> [Float]? {
            let n = try r.count("vector length", limit: Swift.max(total, o.historySize))
            guard try r.u8() != 0 else { return nil }
            // The floats must be there before the array is made: a hostile length must not size it.
            guard n <= r.remaining / 4 else {
                throw AxonError(.format, "LBFGS state: a vector of \(n) floats runs past the data")
            }
            var out = [Float](repeating: 0, count: n)
            try out.withUnsafeMutableBufferPointer { b in if let base = b.baseAddress { try r.floats(n, into: base) } }
            return out
        }
        var s = State()
        s.direction = try vector()
        s.stepSize = Float(try r.f64())
        let pairs = Int(try r.u32())
        guard pairs <= o.historySize else {
            throw AxonError(.format, "LBFGS state: \(pairs) history pairs exceed the history size")
        }
        for _ in 0..<pairs {
            s.oldDirections.append(try vector() ?? [])
            s.oldSteps.append(try vector() ?? [])
        }
        s.rho = try vector() ?? []
        guard s.rho.count == pairs else { throw AxonError(.format, "LBFGS state: history lengths disagree") }
        s.hessianDiagonal = Float(try r.f64())
        s.previousGradient = try vector()
        let hasLoss = try r.u8() != 0
        let loss = try r.f64()
        s.previousLoss = hasLoss ? loss : nil
        s.iterations = try r.count("iterations", limit: 1 << 50)
        s.evaluations = try r.count("evaluations", limit: 1 << 50)
        guard r.remaining == 0 else { throw AxonError(.format, "LBFGS state: \(r.remaining) unexpected bytes") }
        options = o
        state = s
        stepCount = steps
    }

    // MARK: - Flat vectors

    private func gatherGradient() -> [Float] {
        parameterList.flatMap { p in p.grad?.scalars ?? [Float](repeating: 0, count: p.count) }
    }

    private func addToParameters(_ t: Float, _ d: [Float]) {
        var offset = 0
        for p in parameterList {
            p.withUnsafeMutableBufferPointer { w in
                for j in w.indices where offset + j < d.count { w[j] = w[j] + t * d[offset + j] }
            }
            offset += p.count
        }
    }

    private func dot(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
    private func maxAbs(_ a: [Float]) -> Float { a.reduce(0) { Swift.max($0, Swift.abs($1)) } }
    private func axpy(_ alpha: Float, _ x: [Float], _ y: inout [Float]) {
        for i in y.indices where i < x.count { y[i] = y[i] + alpha * x[i] }
    }
}
