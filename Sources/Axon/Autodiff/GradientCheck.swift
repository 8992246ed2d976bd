/// Checks derivatives against central finite differences, for any function of tensors.
///
/// Differences use the five-point stencil (8 (f(x+h) - f(x-h)) - (f(x+2h) - f(x-2h))) / 12h,
/// whose truncation error is O(h^4), so a float32 step of 1e-2 is both accurate and above
/// rounding noise; the default tolerances (1e-3) catch a 1% error in a derivative. Keep
/// the inputs of a non-smooth function (relu, abs, max, clamp) farther than 2 `step` from
/// its kinks.
///
/// ```swift
/// let check = GradientCheck()
/// let report = try check.vjp(of: { x in try x[0].tanh().sum() }, at: [x])
/// assert(report.passed, report.description)
/// ```
public struct GradientCheck: Sendable {
    /// The finite-difference step h.
    public var step: Float
    /// Elementwise tolerance: |computed - reference| <= absolute + relative * |reference|.
    public var absoluteTolerance: Float
    public var relativeTolerance: Float
    /// Seed of the random cotangents u and directions v.
    public var seed: UInt64

    public init(step: Float = 1e-2, absoluteTolerance: Float = 1e-3, relativeTolerance: Float = 1e-3,
                seed: UInt64 = 1) {
        self.step = step
        self.absoluteTolerance = absoluteTolerance
        self.relativeTolerance = relativeTolerance
        self.seed = seed
    }

    /// The outcome of one check: the worst error seen and where.
    public struct Report: CustomStringConvertible, Sendable {
        public let check: String
        public let passed: Bool
        public let maxAbsoluteError: Float
        public let worst: (computed: Float, reference: Float)
        public var description: String {
            "\(check): \(passed ? "passed" : "FAILED"), max |error| \(maxAbsoluteError) "
                + "(computed \(worst.computed), reference \(worst.reference))"
        }
    }

    public typealias Function = ([Tensor]) throws -> Tensor

    /// Reverse mode: J^T u from `vjp` against central differences of <u, f(x)> along each
    /// coordinate of each primal.
    public func vjp(of f: Function, at primals: [Tensor]) throws -> Report {
        var rng = PRNG(seed: seed)
        let y = try evaluate(f, primals)
        let u = try Tensor.normal(y.shape, generator: &rng)
        let (_, computed) = try Axon.vjp(of: f, at: primals, cotangent: u)
        var reference: [Float] = []
        for (index, p) in primals.enumerated() {
            for i in 0..<p.count {
                reference += try difference { h in [try dot(u, evaluate(f, perturbed(primals, index, i, h)))] }
            }
        }
        return compare("vjp", computed.flatMap(\.scalars), reference)
    }

    /// Forward mode: J v from `jvp` against (f(x + h v) - f(x - h v)) / 2h for a random v.
    public func jvp(of f: Function, at primals: [Tensor]) throws -> Report {
        var rng = PRNG(seed: seed)
        let v = try primals.map { try Tensor.normal($0.shape, generator: &rng) }
        let (_, computed) = try Axon.jvp(of: f, at: primals, tangents: v)
        let reference = try difference { h in try evaluate(f, shifted(primals, v, h)).scalars }
        return compare("jvp", computed.scalars, reference)
    }

    /// The dot-product test tying the pushforward to the pullback: <u, J v> = <J^T u, v>.
    public func dotProduct(of f: Function, at primals: [Tensor]) throws -> Report {
        var rng = PRNG(seed: seed)
        let v = try primals.map { try Tensor.normal($0.shape, generator: &rng) }
        let (y, jv) = try Axon.jvp(of: f, at: primals, tangents: v)
        let u = try Tensor.normal(y.shape, generator: &rng)
        let (_, jtu) = try Axon.vjp(of: f, at: primals, cotangent: u)
        let lhs = dot(u, jv)
        let rhs = zip(jtu, v).reduce(Float(0)) { $0 + dot($1.0, $1.1) }
        return compare("dot product", [lhs], [rhs])
    }

    /// Second order: the Hessian-vector product of s(x) = <u, f(x)>, computed by reverse
    /// over reverse mode, against central differences of the gradient of s along v.
    public func secondOrder(of f: Function, at primals: [Tensor]) throws -> Report {
        var rng = PRNG(seed: seed)
        let y = try evaluate(f, primals)
        let u = try Tensor.normal(y.shape, generator: &rng)
        let v = try primals.map { try Tensor.normal($0.shape, generator: &rng) }
        return try withoutActuallyEscaping(f) { f in
            let scalar: Function = { x in try (f(x) * u).sum() }
            let computed = try hessianVectorProduct(of: scalar, at: primals, direction: v)
            let reference = try difference { h in
                try Axon.vjp(of: scalar, at: shifted(primals, v, h), cotangent: Tensor(1)).cotangents.flatMap(\.scalars)
            }
            return compare("second order", computed.flatMap(\.scalars), reference)
        }
    }

    // MARK: - Helpers

    /// The five-point derivative at 0 of a vector-valued g(h), elementwise.
    func difference(_ g: (Float) throws -> [Float]) throws -> [Float] {
        let p1 = try g(step), m1 = try g(-step), p2 = try g(2 * step), m2 = try g(-2 * step)
        return (0..<p1.count).map { i in (8 * (p1[i] - m1[i]) - (p2[i] - m2[i])) / (12 * step) }
    }

    /// f at constant copies of `x` (nothing requires grad, so nothing is recorded, yet
    /// a function that differentiates internally still can).
    func evaluate(_ f: Function, _ x: [Tensor]) throws -> Tensor {
        try f(x.map { $0.detached() })
    }

    func perturbed(_ primals: [Tensor], _ index: Int, _ i: Int, _ h: Float) throws -> [Tensor] {
        try primals.enumerated().map { k, p in
            guard k == index else { return p.detached() }
            let c = try p.copy()
            c.pointer[i] += h
            return c
        }
    }

    func shifted(_ primals: [Tensor], _ v: [Tensor], _ h: Float) throws -> [Tensor] {
        try withNoGrad { try zip(primals, v).map { try $0.detached() + $1 * h } }
    }

    func dot(_ a: Tensor, _ b: Tensor) -> Float {
        zip(a.scalars, b.scalars).reduce(Float(0)) { $0 + $1.0 * $1.1 }
    }

    func compare(_ check: String, _ computed: [Float], _ reference: [Float]) -> Report {
        var passed = computed.count == reference.count
        var worstError: Float = 0, worst: (Float, Float) = (0, 0)
        for (c, r) in zip(computed, reference) {
            let error = Swift.abs(c - r)
            if !(error <= absoluteTolerance + relativeTolerance * Swift.abs(r)) { passed = false }
            if error > worstError || error.isNaN { worstError = error; worst = (c, r) }
        }
        return Report(check: check, passed: passed, maxAbsoluteError: worstError, worst: worst)
    }
}

/// H v for a scalar function f: the gradient of <grad f(x), v>, by differentiating the
/// recorded backward pass (reverse over reverse).
public func hessianVectorProduct(of f: ([Tensor]) throws -> Tensor, at primals: [Tensor],
                                 direction: [Tensor]) throws -> [Tensor] {
    guard primals.count == direction.count else {
        throw AxonError.invalid("hessianVectorProduct: \(primals.count) primals but \(direction.count) directions")
    }
    let inputs = primals.map { p -> Tensor in
        let x = p.detached()
        x.requiresGrad = true
        return x
    }
    return try GradMode.with(enabled: true) {
        let value = try f(inputs)
        let grads = try gradients(of: [value], wrt: inputs, createGraph: true)
        var inner = try Tensor(0)
        for (g, v) in zip(grads, direction) { inner = try inner + (g * v).sum() }
        guard inner.requiresGrad else { return try inputs.map { try Tensor.zeros($0.shape) } }
        return try gradients(of: [inner], wrt: inputs)
    }
}
