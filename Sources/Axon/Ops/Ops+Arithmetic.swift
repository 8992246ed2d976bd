#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Broadcasting binary primitives: add, sub, mul, div, pow. Each keeps its forward, pullback
// and pushforward together. Pullbacks un-broadcast with `sum(toShape:)`.

extension Tensor {
    /// out = f(a, b) with NumPy broadcasting; no graph. Inlined so that each op's closure
    /// is inlined into the loops (a call per element otherwise, and no vectorization).
    @inline(__always)
    static func zipped(_ a: Tensor, _ b: Tensor, op: String, _ f: (Float, Float) -> Float) throws -> Tensor {
        // Equal shapes and a one-element operand of no higher rank need no broadcast strides.
        let same = a.shape == b.shape, bOne = b.count == 1 && b.rank <= a.rank
        if same || bOne || (a.count == 1 && a.rank <= b.rank) {
            let out = try Tensor.uninitialized(same || bOne ? a.shape : b.shape)
            let (x, y, z, n) = (a.pointer, b.pointer, out.pointer, out.count)
            if same {
                for i in 0..<n { z[i] = f(x[i], y[i]) }
            } else if bOne {
                let s = y[0]
                for i in 0..<n { z[i] = f(x[i], s) }
            } else {
                let s = x[0]
                for i in 0..<n { z[i] = f(s, y[i]) }
            }
            return out
        }
        let shape = try Shape.broadcast(a.shape, b.shape, op: op)
        let out = try Tensor.uninitialized(shape)
        if shape == a.shape, let (middle, inner) = Shape.block(of: b.shape, in: shape) {
            // b spans a block of a's axes (a bias over rows, or over channels of planes):
            // each of its elements meets a contiguous run of a.
            let (x, y, z) = (a.pointer, b.pointer, out.pointer)
            let outer = middle == 0 || inner == 0 ? 0 : out.count / (middle * inner)
            for o in 0..<outer {
                if inner == 1 {
                    let (xo, zo) = (x + o * middle, z + o * middle)
                    for m in 0..<middle { zo[m] = f(xo[m], y[m]) }
                    continue
                }
                for m in 0..<middle {
                    let base = (o * middle + m) * inner, s = y[m]
                    for i in 0..<inner { z[base + i] = f(x[base + i], s) }
                }
            }
            return out
        }
        Elementwise.zip(shape: shape, a.pointer, Shape.broadcastStrides(a.shape, to: shape),
                        b.pointer, Shape.broadcastStrides(b.shape, to: shape), out.pointer, f)
        return out
    }

    /// `cotangent()` when `input` takes gradients, else nil: a pullback skips the products
    /// whose result backward would drop (a dropout mask's, a constant's).
    @inline(__always)
    static func ifNeeded(_ input: Tensor, _ cotangent: () throws -> Tensor) rethrows -> Tensor? {
        input.requiresGrad ? try cotangent() : nil
    }

    /// y = f(x) elementwise; no graph.
    @inline(__always)
    func mapped(_ f: (Float) -> Float) throws -> Tensor {
        let out = try Tensor.uninitialized(shape)
        Elementwise.map(count, pointer, out.pointer, f)
        return out
    }

    /// The sum of tangent terms (nil terms are zero), stretched to `shape`; nil if all are nil.
    static func tangentSum(_ terms: [Tensor?], shape: [Int]) throws -> Tensor? {
        var total: Tensor?
        for case let term? in terms {
            total = try total.map { try $0 + term } ?? term
        }
        guard let total else { return nil }
        return total.shape == shape ? total : try total.expand(to: shape)
    }

    public static func + (a: Tensor, b: Tensor) throws -> Tensor {
        try primitive("add", zipped(a, b, op: "add", +), inputs: [a, b],
            pullback: { g, _ in
                [try ifNeeded(a) { try g.sum(toShape: a.shape) }, try ifNeeded(b) { try g.sum(toShape: b.shape) }]
            },
            pushforward: { t, y in try tangentSum([t[0], t[1]], shape: y.shape) })
    }

    public static func - (a: Tensor, b: Tensor) throws -> Tensor {
        try primitive("sub", zipped(a, b, op: "sub", -), inputs: [a, b],
            pullback: { g, _ in
                [try ifNeeded(a) { try g.sum(toShape: a.shape) }, try ifNeeded(b) { try (-g).sum(toShape: b.shape) }]
            },
            pushforward: { t, y in try tangentSum([t[0], t[1].map { try -$0 }], shape: y.shape) })
    }

    public static func * (a: Tensor, b: Tensor) throws -> Tensor {
        try primitive("mul", zipped(a, b, op: "mul", *), inputs: [a, b],
            pullback: { g, _ in
                [try ifNeeded(a) { try (g * b).sum(toShape: a.shape) },
                 try ifNeeded(b) { try (g * a).sum(toShape: b.shape) }]
            },
            pushforward: { t, y in try tangentSum([t[0].map { try $0 * b }, t[1].map { try a * $0 }], shape: y.shape) })
    }

    public static func / (a: Tensor, b: Tensor) throws -> Tensor {
        try primitive("div", zipped(a, b, op: "div", /), inputs: [a, b],
            pullback: { g, y in
                [try ifNeeded(a) { try (g / b).sum(toShape: a.shape) },
                 try ifNeeded(b) { try (-(g * y) / b).sum(toShape: b.shape) }]
            },
            pushforward: { t, y in
                try tangentSum([t[0].map { try $0 / b }, t[1].map { try -(y * $0) / b }], shape: y.shape)
            })
    }

    public static prefix func - (x: Tensor) throws -> Tensor {
        try primitive("neg", x.mapped { -$0 }, inputs: [x],
            pullback: { g, _ in [try -g] },
            pushforward: { t, _ in try t[0].map { try -$0 } })
    }

    /// a^b elementwise with broadcasting. The derivative with respect to b uses log(a), so
    /// it is defined for positive a.
    public func pow(_ exponent: Tensor) throws -> Tensor {
        let a = self, b = exponent
        return try Tensor.primitive("pow", Tensor.zipped(a, b, op: "pow", powf), inputs: [a, b],
            pullback: { g, y in
                [a.requiresGrad ? try (g * b * a.pow(b - 1)).sum(toShape: a.shape) : nil,
                 b.requiresGrad ? try (g * y * a.log()).sum(toShape: b.shape) : nil]
            },
            pushforward: { t, y in
                try Tensor.tangentSum([t[0].map { try $0 * b * a.pow(b - 1) },
                                       t[1].map { try $0 * y * a.log() }], shape: y.shape)
            })
    }

    // Scalar conveniences: the scalar becomes a rank-0 tensor and broadcasts.
    public static func + (a: Tensor, b: Float) throws -> Tensor { try a + Tensor(b) }
    public static func + (a: Float, b: Tensor) throws -> Tensor { try Tensor(a) + b }
    public static func - (a: Tensor, b: Float) throws -> Tensor { try a - Tensor(b) }
    public static func - (a: Float, b: Tensor) throws -> Tensor { try Tensor(a) - b }
    public static func * (a: Tensor, b: Float) throws -> Tensor { try a * Tensor(b) }
    public static func * (a: Float, b: Tensor) throws -> Tensor { try Tensor(a) * b }
    public static func / (a: Tensor, b: Float) throws -> Tensor { try a / Tensor(b) }
    public static func / (a: Float, b: Tensor) throws -> Tensor { try Tensor(a) / b }
}
