#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Elementwise unary primitives. Each is its forward kernel and its derivative written with
// tensor ops: the pullback is g * f'(x) and the pushforward t * f'(x), so both stay
// differentiable for higher orders.

extension Tensor {
    /// Builds the primitive y = f(x) whose derivative is `derivative(x, y)`. Inlined, so that
    /// each caller's `f` is compiled into its own loop (no call through a closure per element).
    @inline(__always)
    func unary(_ op: String, _ f: (Float) -> Float,
               derivative: @escaping (_ x: Tensor, _ y: Tensor) throws -> Tensor) throws -> Tensor {
        try unary(op, value: mapped(f), derivative: derivative)
    }

    /// The primitive y = `value` (computed by the caller from self) with that derivative.
    func unary(_ op: String, value: Tensor,
               derivative: @escaping (_ x: Tensor, _ y: Tensor) throws -> Tensor) throws -> Tensor {
        let x = self
        return try Tensor.primitive(op, value, inputs: [x],
            pullback: { g, y in [try g * derivative(x, y)] },
            pushforward: { t, y in try t[0].map { try $0 * derivative(x, y) } })
    }

    public func exp() throws -> Tensor { try unary("exp", expf) { _, y in y } }
    public func log() throws -> Tensor { try unary("log", logf) { x, _ in try 1 / x } }
    public func sqrt() throws -> Tensor { try unary("sqrt", sqrtf) { _, y in try 0.5 / y } }
    public func sin() throws -> Tensor { try unary("sin", sinf) { x, _ in try x.cos() } }
    public func cos() throws -> Tensor { try unary("cos", cosf) { x, _ in try -x.sin() } }
    public func tanh() throws -> Tensor { try unary("tanh", tanhf) { _, y in try 1 - y * y } }

    /// The Gauss error function (the building block of GELU).
    public func erf() throws -> Tensor {
        try unary("erf", erff) { x, _ in try (-(x * x)).exp() * Float(2 / Double.pi.squareRoot()) }
    }

    /// 1 / (1 + e^-x), computed without overflow for large |x|.
    public func sigmoid() throws -> Tensor {
        try unary("sigmoid", { x in x >= 0 ? 1 / (1 + expf(-x)) : expf(x) / (1 + expf(x)) }) { _, y in try y * (1 - y) }
    }

    /// log(1 + e^x), PyTorch's Softplus (beta 1, threshold 20: linear above 20).
    public func softplus() throws -> Tensor {
        try unary("softplus", { x in x > 20 ? x : log1pf(expf(x)) }) { x, _ in
            try x.sigmoid() * x.lessEqual(20) + x.greater(20)
        }
    }

    /// max(x, 0). NOTE: the derivative at exactly 0 is 0, as in PyTorch.
    public func relu() throws -> Tensor {
        // Its own loop rather than `unary`'s closure: on several threads a closure is called per
        // element (Swift does not specialize it across the thread pool), ten times the work.
        let y = try Tensor.uninitialized(shape)
        Elementwise.relu(count, pointer, y.pointer)
        let x = self
        return try Tensor.primitive("relu", y, inputs: [x],
            pullback: { g, _ in
                // g * (x > 0): composed while the backward pass is itself recorded, else in one loop
                // with the same products (no mask tensor).
                guard !GradMode.isEnabled, g.count == x.count else { return [try g * x.greater(0)] }
                let dx = try Tensor.uninitialized(x.shape)
                Elementwise.reluPullback(x.count, g.pointer, x.pointer, dx.pointer)
                return [dx]
            },
            pushforward: { t, _ in try t[0].map { try $0 * x.greater(0) } })
    }

    /// |x|; derivative sign(x) (0 at 0, as in PyTorch).
    public func abs() throws -> Tensor {
        try unary("abs", { Swift.abs($0) }) { x, _ in try x.greater(0) - x.less(0) }
    }

    /// x^p for a scalar exponent p.
    public func pow(_ p: Float) throws -> Tensor {
        guard p.isFinite else { throw AxonError.invalid("pow: exponent \(p) is not finite") }
        // For squares 2x rather than x^1 * 2: the same values without a copy of x.
        let derivative: (Tensor, Tensor) throws -> Tensor = { x, _ in try p == 2 ? x * 2 : x.pow(p - 1) * p }
        // x^p as multiplications for the small integer exponents (and a square root for 1/2),
        // as PyTorch computes them; the squares and cubes of polynomial fits in loops of their
        // own, the rest through `power` (one loop for all, to keep the library small).
        switch p {
        case 0: return try unary("pow", { _ in 1 }) { x, _ in try x * 0 }
        case 2: return try unary("pow", { $0 * $0 }, derivative: derivative)
        case 3: return try unary("pow", { $0 * $0 * $0 }, derivative: derivative)
        default: return try unary("pow", Tensor.power(p), derivative: derivative)
        }
    }

    /// The function x -> x^p, as multiplications for the small integer exponents.
    static func power(_ p: Float) -> (Float) -> Float {
        switch p {
        case 1: return { $0 }
        case 4: return { let s = $0 * $0; return s * s }
        case -1: return { 1 / $0 }
        case -2: return { 1 / ($0 * $0) }
        case 0.5: return { $0.squareRoot() }
        default: return { powf($0, p) }
        }
    }

    /// Limits every element to [min, max] (either bound may be omitted). The gradient is 1
    /// where min <= x <= max and 0 elsewhere, as in PyTorch.
    public func clamp(min lo: Float? = nil, max hi: Float? = nil) throws -> Tensor {
        if let lo, let hi, lo > hi { throw AxonError.invalid("clamp: min \(lo) is greater than max \(hi)") }
        if lo?.isNaN == true || hi?.isNaN == true { throw AxonError.invalid("clamp: NaN bound") }
        let low = lo ?? -.infinity, high = hi ?? .infinity
        return try unary("clamp", { x in x.isNaN ? x : Swift.min(Swift.max(x, low), high) }) { x, _ in
            try x.greaterEqual(low) * x.lessEqual(high)
        }
    }
}
