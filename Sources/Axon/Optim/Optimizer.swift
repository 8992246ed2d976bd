/// What every optimizer offers: one update step from the parameters' gradients, and the
/// learning rate of each parameter group (which schedules read and write).
///
/// Hyperparameters are `Double`, like PyTorch's Python floats: scalar arithmetic on them
/// (bias corrections, 1 - beta) happens in double precision and is rounded to float where
/// it meets a tensor, exactly where PyTorch rounds it, so trajectories match to float32.
public protocol Optimizer: AnyObject {
    /// The learning rate of each parameter group, in group order.
    var learningRates: [Double] { get set }
    /// The number of `step()` calls so far.
    var stepCount: Int { get }
    /// Every parameter the optimizer updates, group by group.
    var parameters: [Tensor] { get }
    /// Updates every parameter that has a gradient.
    func step() throws
    /// The optimizer's complete state (kind, options, step count, buffers) as bytes, for
    /// checkpoints, and its restoration into an optimizer of the same kind and shape. A
    /// restore that throws must change nothing (checkpoints rely on it to stay all or nothing).
    func checkpointPayload() throws -> [UInt8]
    func restore(checkpointPayload: [UInt8]) throws
    /// What `step()` is about to change, kept to go back to (a guarded training step's undo):
    /// calling the result restores it. By default a checkpoint payload; optimizers made of
    /// parameter groups keep their state structs (copy on write: nothing is copied until the
    /// step writes).
    func undoPoint() throws -> () throws -> Void
}

extension Optimizer {
    public func undoPoint() throws -> () throws -> Void {
        let payload = try checkpointPayload()
        return { try self.restore(checkpointPayload: payload) }
    }

    /// Clears every parameter's gradient (PyTorch's `zero_grad(set_to_none=True)`).
    public func zeroGrad() {
        for p in parameters { p.zeroGrad() }
    }
}

/// Parameters that share options (PyTorch's parameter groups).
public struct ParameterGroup<Options: OptimizerOptions> {
    public var parameters: [Tensor]
    public var options: Options

    public init(_ parameters: [Tensor], _ options: Options) {
        self.parameters = parameters
        self.options = options
    }
}

/// The two kinds of weight decay, distinctly named.
///
/// - `l2(lambda)`: coupled L2 regularization, added to the gradient before the update,
///   g <- g + lambda theta (PyTorch's `weight_decay` in SGD, Adam, RMSprop, ...). With
///   adaptive methods its effect is rescaled per coordinate by the preconditioner.
/// - `decoupled(lambda)`: applied to the weights before the update, theta <- theta (1 - lr
///   lambda) (Loshchilov & Hutter, 2019; AdamW). It is multiplied by the group's current
///   learning rate, so a schedule that lowers the lr lowers the decay with it.
public enum WeightDecay: Sendable, Equatable {
    case none
    case l2(Double)
    case decoupled(Double)

    var isValid: Bool {
        switch self {
        case .none: return true
        case .l2(let v), .decoupled(let v): return v >= 0 && v.isFinite
        }
    }
}

/// Options every optimizer has.
public protocol OptimizerOptions: Sendable {
    var learningRate: Double { get set }
    var weightDecay: WeightDecay { get }
    /// Throws a message naming the optimizer and the bad value.
    func validate() throws
}

/// Gaussian gradient noise (Neelakantan et al., 2015; noise-injected gradient descent):
/// before each update, g <- g + N(0, sigma_t^2) with sigma_t^2 = eta / (1 + t)^gamma, t the
/// number of steps taken so far. The noise has its own seeded stream.
public struct GradientNoise: Sendable {
    public var eta: Double
    public var gamma: Double
    public var generator: PRNG

    public init(eta: Double, gamma: Double = 0.55, seed: UInt64 = 0) throws {
        guard eta >= 0, eta.isFinite, gamma >= 0, gamma.isFinite else {
            throw AxonError.invalid("GradientNoise: eta \(eta) and gamma \(gamma) must be finite and >= 0")
        }
        self.eta = eta
        self.gamma = gamma
        generator = PRNG(seed: seed)
    }

    /// The standard deviation at step t (0-based).
    public func sigma(step t: Int) -> Double {
        (eta / Double.pow1p(Double(t), gamma)).squareRoot()
    }
}

extension Double {
    /// (1 + x)^y.
    static func pow1p(_ x: Double, _ y: Double) -> Double { Libm.pow(1 + x, y) }
}

/// An optimizer's update rule: its options, its per-parameter state and the update itself.
/// `GroupOptimizer` supplies everything else (groups, state table, decay, noise).
public protocol UpdateRule {
    associatedtype Options: OptimizerOptions
    associatedtype State
    /// The optimizer's name, for messages.
    static var name: String { get }
    /// A fresh state for a parameter of `count` elements.
    static func makeState(count: Int, options: Options) -> State
    /// The update, over raw buffers. `gradient` already includes noise and L2 decay.
    static func update(parameter: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
                       state: inout State, options: Options)
    /// Options and states as plain data, for checkpoints (OptimizerState.swift).
    static func record(_ options: Options) -> [String: Double]
    static func options(from record: [String: Double]) throws -> Options
    static func record(_ state: State) -> StateRecord
    static func state(from record: StateRecord, count: Int) throws -> State
}

/// An optimizer made of parameter groups and one state struct per parameter, updated by
/// `Rule` (`SGD`, `Adam`, ... are this class with their rule).
public final class GroupOptimizer<Rule: UpdateRule>: Optimizer {
    public typealias Options = Rule.Options
    public typealias State = Rule.State

    public var groups: [ParameterGroup<Options>]
    /// The state of parameter i of group g at `states[g][i]`, created on its first update.
    public internal(set) var states: [[State?]]
    public var noise: GradientNoise?
    public internal(set) var stepCount = 0
    /// The options new groups start from (`addParameterGroup`): the first group's at construction.
    public let defaultOptions: Options?

    public init(groups: [ParameterGroup<Options>], noise: GradientNoise? = nil) throws {
        states = try Self.validated(groups)
        self.groups = groups
        self.noise = noise
        defaultOptions = groups.first?.options
    }

    public convenience init(_ parameters: [Tensor], options: Options, noise: GradientNoise? = nil) throws {
        try self.init(groups: [ParameterGroup(parameters, options)], noise: noise)
    }

    public var learningRates: [Double] {
        get { groups.map(\.options.learningRate) }
        set {
            for (i, lr) in newValue.enumerated() where i < groups.count { groups[i].options.learningRate = lr }
        }
    }

    public var parameters: [Tensor] { groups.flatMap(\.parameters) }

    public func undoPoint() throws -> () throws -> Void {
        let (savedStates, savedSteps, savedNoise) = (states, stepCount, noise)
        return { [self] in (states, stepCount, noise) = (savedStates, savedSteps, savedNoise) }
    }

    /// Validates the options of every group and allocates the state table.
    static func validated(_ groups: [ParameterGroup<Options>]) throws -> [[State?]] {
        var seen = Set<ObjectIdentifier>()
        for group in groups {
            try group.options.validate()
            for p in group.parameters {
                guard seen.insert(ObjectIdentifier(p)).inserted else {
                    throw AxonError.invalid(
                        "\(Rule.name): a parameter of shape \(p.shape) appears in more than one group")
                }
            }
        }
        return groups.map { [State?](repeating: nil, count: $0.parameters.count) }
    }

    public func step() throws {
        let t = stepCount
        stepCount += 1
        for g in groups.indices {
            let options = groups[g].options
            for (i, p) in groups[g].parameters.enumerated() {
                guard let grad = p.grad else { continue }
                guard grad.count == p.count else {
                    throw AxonError.shape(
                        "\(Rule.name): gradient of shape \(grad.shape) for a parameter of shape \(p.shape)")
                }
                // Take the state out of the table so its buffers are uniquely referenced and
                // the update mutates them in place (no copy-on-write).
                var state = states[g][i] ?? Rule.makeState(count: p.count, options: options)
                states[g][i] = nil
                try withGradient(grad, of: p, step: t, options: options) { gradient in
                    p.withUnsafeMutableBufferPointer { parameter in
                        Rule.update(parameter: parameter, gradient: gradient, state: &state, options: options)
                    }
                }
                states[g][i] = state
            }
        }
    }

    /// Applies noise and weight decay, then hands the effective gradient to `body`.
    private func withGradient(_ grad: Tensor, of p: Tensor, step t: Int, options: Options,
                              _ body: (UnsafeBufferPointer<Float>) -> Void) throws {
        let n = p.count
        let needsCopy: Bool
        switch options.weightDecay {
        case .l2(let lambda): needsCopy = lambda != 0 || noise != nil
        case .decoupled(let lambda):
            // theta <- theta (1 - lr lambda), before the update (AdamW).
            let factor = Float(1 - options.learningRate * lambda)
            if lambda != 0 { p.withUnsafeMutableBufferPointer { w in for j in 0..<n { w[j] *= factor } } }
            needsCopy = noise != nil
        case .none: needsCopy = noise != nil
        }
        guard needsCopy else { return grad.withUnsafeBufferPointer(body) }
        var g = grad.scalars
        if var noise {
            // g <- g + N(0, sigma_t^2)
            let sigma = Float(noise.sigma(step: t))
            for j in 0..<n { g[j] += sigma * noise.generator.nextNormal() }
            self.noise = noise
        }
        if case .l2(let lambda) = options.weightDecay, lambda != 0 {
            // g <- g + lambda theta   (grad.add(param, alpha=weight_decay))
            let l = Float(lambda)
            p.withUnsafeBufferPointer { w in for j in 0..<n { g[j] += l * w[j] } }
        }
        g.withUnsafeBufferPointer(body)
    }
}

/// Elementwise forms of the tensor methods PyTorch's optimizers call, with the same
/// order of operations, so results agree to the last bit where possible.
enum Update {
    /// a.lerp_(b, w): a + w (b - a) for |w| < 0.5, else b - (b - a)(1 - w), each a fused
    /// multiply-add as in ATen's CPU kernel.
    @inline(__always) static func lerp(_ a: Float, _ b: Float, _ w: Float) -> Float {
        Swift.abs(w) < 0.5 ? a.addingProduct(w, b - a) : b.addingProduct(-(b - a), 1 - w)
    }
    /// a.addcmul_(b, c, value: v): a + v * b * c.
    @inline(__always) static func addcmul(_ a: Float, _ v: Float, _ b: Float, _ c: Float) -> Float { a + v * b * c }
    /// a.addcdiv_(b, c, value: v): a + v * b / c.
    @inline(__always) static func addcdiv(_ a: Float, _ v: Float, _ b: Float, _ c: Float) -> Float { a + v * b / c }
}


func checkHyperparameter(_ ok: Bool, _ optimizer: String, _ message: @autoclosure () -> String) throws {
    guard ok else { throw AxonError.invalid("\(optimizer): \(message())") }
}
