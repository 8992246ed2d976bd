import Foundation
@testable import Axon

/// The shared fixture of the C door, `Fixtures/c_ops.txt`: one case per op call, read both by
/// `COpsFixtureTests` (through the Swift API) and by `bindings/c/test_ops_fixture.c` (through
/// `include/axon.h`), which must reproduce every expected output bit for bit.
///
/// The file is whitespace-separated tokens, easy to read with fscanf. Lines starting with `#`
/// are comments. Each case is
///
///     case <op> <n_ints> <int>... <n_floats> <float bits>... <n_inputs>
///     tensor <rank> <dim>... <count> <float bits>...        (n_inputs times)
///     expect <rank> <dim>... <count> <float bits>...
///
/// with floats as 8 hex digits of their IEEE 754 bit pattern. `<op>` is the C name without
/// `axon_tensor_` (`add`, `conv2d`, `zeros_like`, ...) or one of the derivative forms
/// `grad:<op>` (the last input is the seed; the result is the gradient with respect to the
/// first input, as axon_grad gives it) and `jvp:<op>` (the last input is the tangent of the
/// first input; the result is the output's tangent, as axon_tensor_dual gives it).
/// The integer and float arguments of each op are listed in `COpsFixture.evaluate`.
struct COpsCase {
    var op: String
    var ints: [Int] = []
    var floats: [Float] = []
    var inputs: [Tensor] = []
}

enum COpsFixture {
    static let path = Fixtures.directory.appendingPathComponent("c_ops.txt").path

    static func hex(_ x: Float) -> String {
        let s = String(x.bitPattern, radix: 16)
        return String(repeating: "0", count: 8 - s.count) + s
    }

    static func line(_ keyword: String, _ t: Tensor) -> String {
        ([keyword, "\(t.rank)"] + t.shape.map(String.init) + ["\(t.count)"] + t.scalars.map(hex))
            .joined(separator: " ")
    }

    /// The text of one case with its expected output.
    static func text(_ c: COpsCase, expected: Tensor) -> String {
        let head = ["case", c.op, "\(c.ints.count)"] + c.ints.map(String.init) + ["\(c.floats.count)"]
            + c.floats.map(hex) + ["\(c.inputs.count)"]
        return ([head.joined(separator: " ")] + c.inputs.map { line("tensor", $0) } + [line("expect", expected)])
            .joined(separator: "\n")
    }

    /// Parses the fixture into cases and their expected outputs.
    static func parse(_ text: String) throws -> [(COpsCase, Tensor)] {
        let lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        var tokens = lines.flatMap { $0.split(separator: " ").map(String.init) }[...]
        func next() throws -> String {
            guard let t = tokens.popFirst() else { throw AxonError.invalid("c_ops.txt: unexpected end") }
            return t
        }
        func int() throws -> Int {
            let t = try next()
            guard let v = Int(t) else { throw AxonError.invalid("c_ops.txt: '\(t)' is not an integer") }
            return v
        }
        func float() throws -> Float {
            let t = try next()
            guard let bits = UInt32(t, radix: 16) else { throw AxonError.invalid("c_ops.txt: '\(t)' is not hex") }
            return Float(bitPattern: bits)
        }
        func tensor(_ keyword: String) throws -> Tensor {
            let k = try next()
            guard k == keyword else { throw AxonError.invalid("c_ops.txt: expected \(keyword), got \(k)") }
            let shape = try (0..<int()).map { _ in try int() }
            let values = try (0..<int()).map { _ in try float() }
            return try Tensor(values, shape: shape)
        }
        var cases: [(COpsCase, Tensor)] = []
        while !tokens.isEmpty {
            guard try next() == "case" else { throw AxonError.invalid("c_ops.txt: expected case") }
            var c = COpsCase(op: try next())
            c.ints = try (0..<int()).map { _ in try int() }
            c.floats = try (0..<int()).map { _ in try float() }
            c.inputs = try (0..<int()).map { _ in try tensor("tensor") }
            cases.append((c, try tensor("expect")))
        }
        return cases
    }

    /// Runs one case through the Swift API, as the C test runs it through the C door.
    static func evaluate(_ c: COpsCase) throws -> Tensor {
        if c.op.hasPrefix("grad:") || c.op.hasPrefix("jvp:") {
            let isGrad = c.op.hasPrefix("grad:")
            let op = String(c.op.drop(while: { $0 != ":" }).dropFirst())
            var inputs = Array(c.inputs.dropLast())
            guard let extra = c.inputs.last, !inputs.isEmpty else {
                throw AxonError.invalid("c_ops.txt: \(c.op) needs its inputs and a seed or tangent")
            }
            if isGrad {
                let x = inputs[0].detached()
                x.requiresGrad = true
                inputs[0] = x
                let y = try evaluate(COpsCase(op: op, ints: c.ints, floats: c.floats, inputs: inputs))
                return try gradients(of: [y], wrt: [x], seeds: [extra])[0]
            }
            inputs[0] = try inputs[0].makingDual(tangent: extra)
            let y = try evaluate(COpsCase(op: op, ints: c.ints, floats: c.floats, inputs: inputs))
            guard let tangent = y.tangent else { throw AxonError.invalid("c_ops.txt: \(c.op) gave no tangent") }
            return tangent
        }
        return try evaluatePlain(c)
    }

    static func evaluatePlain(_ c: COpsCase) throws -> Tensor {
        let x = c.inputs, i = c.ints, f = c.floats
        func pair(_ k: Int) -> (Int, Int) { (i[k], i[k + 1]) }
        switch c.op {
        case "add": return try x[0] + x[1]
        case "sub": return try x[0] - x[1]
        case "mul": return try x[0] * x[1]
        case "div": return try x[0] / x[1]
        case "matmul": return try x[0].matmul(x[1])
        case "maximum": return try x[0].maximum(x[1])
        case "minimum": return try x[0].minimum(x[1])
        case "pow_tensor": return try x[0].pow(x[1])
        case "gt": return try x[0].greater(x[1])
        case "ge": return try x[0].greaterEqual(x[1])
        case "lt": return try x[0].less(x[1])
        case "le": return try x[0].lessEqual(x[1])
        case "eq": return try x[0].equal(x[1])
        case "ne": return try x[0].notEqual(x[1])
        case "where": return try Tensor.where(x[0], x[1], x[2])
        case "neg": return try -x[0]
        case "exp": return try x[0].exp()
        case "log": return try x[0].log()
        case "tanh": return try x[0].tanh()
        case "sigmoid": return try x[0].sigmoid()
        case "relu": return try x[0].relu()
        case "sqrt": return try x[0].sqrt()
        case "sin": return try x[0].sin()
        case "cos": return try x[0].cos()
        case "abs": return try x[0].abs()
        case "erf": return try x[0].erf()
        case "gelu": return try x[0].gelu()
        case "softplus": return try x[0].softplus()
        case "pow": return try x[0].pow(f[0])
        case "clamp": return try x[0].clamp(min: f[0], max: f[1])
        case "leaky_relu": return try x[0].leakyRelu(slope: f[0])
        case "elu": return try x[0].elu(alpha: f[0])
        // Reductions: ints are keep_dims then the axes (none: all axes); var has the correction first.
        case "sum": return try x[0].sum()
        case "sum_axes": return try x[0].sum(axes: axes(i, 1), keepDims: i[0] == 1)
        case "mean": return try x[0].mean(axes: axes(i, 1), keepDims: i[0] == 1)
        case "amax": return try x[0].max(axes: axes(i, 1), keepDims: i[0] == 1)
        case "amin": return try x[0].min(axes: axes(i, 1), keepDims: i[0] == 1)
        case "logsumexp": return try x[0].logSumExp(axes: axes(i, 1), keepDims: i[0] == 1)
        case "var": return try x[0].variance(axes: axes(i, 2), correction: i[0], keepDims: i[1] == 1)
        case "argmax": return try x[0].argmax(axis: i[0])
        case "softmax": return try x[0].softmax(axis: i[0])
        case "log_softmax": return try x[0].logSoftmax(axis: i[0])
        // Shapes: ints are the shape, the order, or the axis arguments in C order.
        case "reshape": return try x[0].reshape(i)
        case "transpose": return try x[0].transposed(i[0], i[1])
        case "permute": return try x[0].permute(i)
        case "expand": return try x[0].expand(to: i)
        case "sum_to_size": return try x[0].sum(toShape: i)
        case "concat": return try Tensor.concat(x, axis: i[0])
        case "slice": return try x[0].slice(axis: i[0], start: i[1], end: i[2])
        case "unsqueeze": return try x[0].unsqueezed(i[0])
        case "squeeze": return try x[0].squeezed(i[0])
        case "flatten": return try x[0].flattened(from: i[0], to: i[1])
        case "index_select": return try x[0].indexSelect(axis: i[0], indices: Array(i.dropFirst()))
        case "gather": return try x[0].gather(axis: i[0], index: x[1])
        // conv2d: stride, padding, dilation pairs, groups; a third input is the bias.
        case "conv2d":
            return try Tensor.conv2d(x[0], weight: x[1], bias: x.count > 2 ? x[2] : nil, stride: pair(0),
                                     padding: pair(2), dilation: pair(4), groups: i[6])
        // Pooling: kernel, stride, padding (and dilation) pairs.
        case "max_pool2d":
            return try Tensor.maxPool2d(x[0], kernel: pair(0), stride: pair(2), padding: pair(4), dilation: pair(6))
        case "avg_pool2d": return try Tensor.avgPool2d(x[0], kernel: pair(0), stride: pair(2), padding: pair(4))
        case "adaptive_avg_pool2d": return try Tensor.adaptiveAvgPool2d(x[0], outputSize: pair(0))
        case "maxout": return try Tensor.maxout(x)
        // Creation: ints are the shape (eye: n, m; linspace: steps); floats the values.
        case "zeros": return try Tensor.zeros(i)
        case "ones": return try Tensor.ones(i)
        case "full": return try Tensor.full(i, f[0])
        case "arange": return try Tensor.arange(f[0], f[1], step: f[2])
        case "linspace": return try Tensor.linspace(f[0], f[1], count: i[0])
        case "eye": return try Tensor.eye(i[0], i[1])
        case "zeros_like": return try Tensor.zeros(like: x[0])
        case "ones_like": return try Tensor.ones(like: x[0])
        case "full_like": return try Tensor.full(like: x[0], f[0])
        // Random: ints are the seed and the op's arguments; the result is the SECOND draw of
        // the same call from one generator (so the stream is seen to advance).
        case "rand", "randn", "randint", "randperm":
            var g = PRNG(seed: UInt64(i[0]))
            _ = try draw(c.op, Array(i.dropFirst()), &g)
            return try draw(c.op, Array(i.dropFirst()), &g)
        default: throw AxonError.invalid("c_ops.txt: unknown op \(c.op)")
        }
    }

    /// The reduction axes in `ints[from...]`; none means all.
    static func axes(_ ints: [Int], _ from: Int) -> [Int]? {
        ints.count > from ? Array(ints[from...]) : nil
    }

    static func draw(_ op: String, _ a: [Int], _ g: inout PRNG) throws -> Tensor {
        switch op {
        case "rand": return try Tensor.uniform(a, generator: &g)
        case "randn": return try Tensor.normal(a, generator: &g)
        case "randint": return try Tensor.randint(low: a[0], high: a[1], shape: Array(a.dropFirst(2)), generator: &g)
        default: return try Tensor.randperm(a[0], generator: &g)
        }
    }
}
