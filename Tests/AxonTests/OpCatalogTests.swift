import Testing
@testable import Axon

/// One op of the catalog applied to inputs of some shapes.
struct OpCase: CustomTestStringConvertible, Sendable {
    let name: String
    let inputs: @Sendable (inout Inputs) throws -> [Tensor]
    let f: @Sendable ([Tensor]) throws -> Tensor
    var testDescription: String { name }
}

extension OpCase {
    static func unary(_ name: String, _ shape: [Int], domain: Domain = .awayFromZero,
                      _ f: @escaping @Sendable (Tensor) throws -> Tensor) -> OpCase {
        OpCase(name: "\(name) \(shape)", inputs: { r in [try domain.make(&r, shape)] }, f: { try f($0[0]) })
    }

    static func binary(_ name: String, _ a: [Int], _ b: [Int], domainB: Domain = .awayFromZero,
                       _ f: @escaping @Sendable (Tensor, Tensor) throws -> Tensor) -> OpCase {
        OpCase(name: "\(name) \(a) \(b)", inputs: { r in [try r.awayFromZero(a), try domainB.make(&r, b)] },
               f: { try f($0[0], $0[1]) })
    }
}

/// Where an op's test inputs come from.
enum Domain: Sendable {
    case awayFromZero, positive, normal, distinct

    func make(_ r: inout Inputs, _ shape: [Int]) throws -> Tensor {
        switch self {
        case .awayFromZero: return try r.awayFromZero(shape)
        case .positive: return try r.positive(shape)
        case .normal: return try r.normal(shape)
        case .distinct: return try r.distinct(shape)
        }
    }
}

/// The differentiable ops of the public API, each on several shapes including broadcasting.
let catalog: [OpCase] = [
    // Broadcasting arithmetic.
    .binary("add", [3, 4], [3, 4]) { try $0 + $1 },
    .binary("add", [2, 1, 3], [4, 1]) { try $0 + $1 },
    .binary("sub", [3, 4], [4]) { try $0 - $1 },
    .binary("sub", [], [2, 3]) { try $0 - $1 },
    .binary("mul", [3, 4], [3, 4]) { try $0 * $1 },
    .binary("mul", [3, 1], [1, 5]) { try $0 * $1 },
    .binary("div", [3, 4], [3, 4], domainB: .positive) { try $0 / $1 },
    .binary("div", [2, 3], [3], domainB: .positive) { try $0 / $1 },
    .unary("neg", [3, 4]) { try -$0 },
    .unary("pow 3", [3, 4]) { try $0.pow(3) },
    .unary("pow -1.5", [5], domain: .positive) { try $0.pow(-1.5) },
    .unary("pow 0.5", [2, 3], domain: .positive) { try $0.pow(0.5) },
    OpCase(name: "pow tensor [3, 4] [4]", inputs: { r in [try r.positive([3, 4]), try r.awayFromZero([4])] },
           f: { try $0[0].pow($0[1]) }),
    // Elementwise functions.
    .unary("exp", [3, 4]) { try $0.exp() },
    .unary("log", [3, 4], domain: .positive) { try $0.log() },
    .unary("sqrt", [3, 4], domain: .positive) { try $0.sqrt() },
    .unary("abs", [3, 4]) { try $0.abs() },
    .unary("clamp", [4, 5], domain: .distinct) { try $0.clamp(min: -0.52, max: 0.48) },
    .unary("clamp min", [6], domain: .distinct) { try $0.clamp(min: -0.04) },
    .unary("sin", [3, 4], domain: .normal) { try $0.sin() },
    .unary("cos", [3, 4], domain: .normal) { try $0.cos() },
    .unary("tanh", [3, 4], domain: .normal) { try $0.tanh() },
    .unary("sigmoid", [3, 4], domain: .normal) { try $0.sigmoid() },
    .unary("relu", [3, 4]) { try $0.relu() },
    .unary("leakyRelu", [3, 4]) { try $0.leakyRelu(slope: 0.1) },
    .unary("elu", [3, 4]) { try $0.elu() },
    .unary("gelu", [3, 4], domain: .normal) { try $0.gelu() },
    .unary("softplus", [3, 4], domain: .normal) { try $0.softplus() },
    .unary("erf", [3, 4], domain: .normal) { try $0.erf() },
    OpCase(name: "maximum [3, 4] [4]",
           inputs: { r in
               let x = try r.distinct([4, 4])
               return [try x.slice(axis: 0, start: 0, end: 3).detached(),
                       try x.slice(axis: 0, start: 3, end: 4).reshape([4]).detached()]
           },
           f: { try $0[0].maximum($0[1]) }),
    OpCase(name: "minimum [2, 3]",
           inputs: { r in
               let x = try r.distinct([2, 2, 3])
               return [try x.slice(axis: 0, start: 0, end: 1).reshape([2, 3]),
                       try x.slice(axis: 0, start: 1, end: 2).reshape([2, 3])]
           },
           f: { try $0[0].minimum($0[1]) }),
    OpCase(name: "maxout 3 pieces",
           inputs: { r in
               let x = try r.distinct([3, 2, 4])
               return try (0..<3).map { try x.slice(axis: 0, start: $0, end: $0 + 1).reshape([2, 4]) }
           },
           f: { try Tensor.maxout($0) }),
    // Linear algebra.
    .binary("matmul", [3, 4], [4, 5]) { try $0.matmul($1) },
    .binary("matmul batched", [2, 3, 4], [2, 4, 5]) { try $0.matmul($1) },
    .binary("matmul broadcast", [2, 1, 3, 4], [3, 4, 2]) { try $0.matmul($1) },
    .binary("matmul vector-matrix", [4], [4, 5]) { try $0.matmul($1) },
    .binary("matmul matrix-vector", [3, 4], [4]) { try $0.matmul($1) },
    .binary("matmul large", [7, 37], [37, 19]) { try $0.matmul($1) },
    // Shape ops.
    .unary("transpose", [3, 4]) { try $0.transposed() },
    .unary("permute", [2, 3, 4]) { try $0.permute([2, 0, 1]) },
    .unary("reshape", [2, 3, 4]) { try $0.reshape([4, -1]) },
    .unary("expand", [3, 1]) { try $0.expand(to: [2, 3, 4]) },
    .unary("slice", [4, 5]) { try $0.slice(axis: 1, start: 1, end: 4) },
    .unary("slice negative", [6, 2]) { try $0.slice(axis: 0, start: -4, end: -1) },
    OpCase(name: "concat", inputs: { r in [try r.normal([2, 3]), try r.normal([2, 1]), try r.normal([2, 2])] },
           f: { try Tensor.concat($0, axis: 1) }),
    .unary("indexSelect", [4, 3]) { try $0.indexSelect(axis: 0, indices: [3, 0, 3, 1]) },
    .unary("gather", [3, 4]) { x in try x.gather(axis: 1, index: Tensor([0, 3, 3, 1, 2, 2, 0, 1, 3], shape: [3, 3])) },
    // Reductions.
    .unary("sum all", [3, 4]) { try $0.sum() },
    .unary("sum axes", [2, 3, 4]) { try $0.sum(axes: [0, 2]) },
    .unary("sum keepDims", [2, 3, 4]) { try $0.sum(axes: [1], keepDims: true) },
    .unary("mean", [2, 3, 4]) { try $0.mean(axes: [-1]) },
    .unary("max", [3, 5], domain: .distinct) { try $0.max(axes: [1]) },
    .unary("max all", [2, 3, 2], domain: .distinct) { try $0.max() },
    .unary("min", [3, 5], domain: .distinct) { try $0.min(axes: [0]) },
    .unary("var", [3, 5], domain: .normal) { try $0.variance(axes: [1]) },
    .unary("var biased", [2, 3, 4], domain: .normal) { try $0.variance(axes: [0, 2], correction: 0) },
    .unary("softmax", [3, 5], domain: .normal) { try $0.softmax(axis: -1) },
    .unary("softmax axis 0", [4, 3], domain: .normal) { try $0.softmax(axis: 0) },
    .unary("logSoftmax", [3, 5], domain: .normal) { try $0.logSoftmax(axis: 1) },
    .unary("logSumExp", [3, 5], domain: .normal) { try $0.logSumExp(axes: [1]) },
    // Convolution and pooling.
    OpCase(name: "conv2d",
           inputs: { r in [try r.normal([2, 3, 5, 5]), try r.normal([4, 3, 3, 3], std: 0.3), try r.normal([4])] },
           f: { try Tensor.conv2d($0[0], weight: $0[1], bias: $0[2]) }),
    OpCase(name: "conv2d stride 2 padding 1",
           inputs: { r in [try r.normal([1, 2, 6, 5]), try r.normal([3, 2, 3, 2], std: 0.3)] },
           f: { try Tensor.conv2d($0[0], weight: $0[1], stride: (2, 2), padding: (1, 1)) }),
    OpCase(name: "conv2d dilation 2",
           inputs: { r in [try r.normal([1, 2, 7, 7]), try r.normal([2, 2, 3, 3], std: 0.3)] },
           f: { try Tensor.conv2d($0[0], weight: $0[1], padding: (2, 1), dilation: (2, 2)) }),
    OpCase(name: "conv2d groups 2",
           inputs: { r in [try r.normal([2, 4, 4, 4]), try r.normal([6, 2, 2, 2], std: 0.3), try r.normal([6])] },
           f: { try Tensor.conv2d($0[0], weight: $0[1], bias: $0[2], stride: (1, 2), groups: 2) }),
    .unary("maxPool2d", [2, 2, 4, 4], domain: .distinct) { try Tensor.maxPool2d($0, kernel: (2, 2)) },
    .unary("maxPool2d stride 1 padding 1", [1, 2, 5, 4], domain: .distinct) {
        try Tensor.maxPool2d($0, kernel: (3, 2), stride: (1, 1), padding: (1, 1))
    },
    .unary("avgPool2d", [2, 2, 4, 6], domain: .normal) { try Tensor.avgPool2d($0, kernel: (2, 3)) },
    .unary("adaptiveAvgPool2d", [2, 2, 7, 5], domain: .normal) { try Tensor.adaptiveAvgPool2d($0, outputSize: (3, 2)) },
    .unary("adaptiveAvgPool2d larger", [1, 2, 3, 2], domain: .normal) {
        try Tensor.adaptiveAvgPool2d($0, outputSize: (4, 3))
    },
    .unary("avgPool2d padding", [1, 3, 5, 5], domain: .normal) {
        try Tensor.avgPool2d($0, kernel: (3, 3), stride: (2, 2), padding: (1, 1))
    },
    // Selection.
    OpCase(name: "where", inputs: { r in [try r.normal([3, 4]), try r.normal([4])] },
           f: { x in try Tensor.where(Tensor([1, 0, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1], shape: [3, 4]), x[0], x[1]) }),
]

@Suite("Every op: reverse, forward, dot product and second order against finite differences")
struct OpCatalogTests {
    let check = GradientCheck()

    @Test(arguments: catalog)
    func reverseMode(_ op: OpCase) throws {
        var inputs = Inputs(seed: 7)
        let report = try check.vjp(of: op.f, at: op.inputs(&inputs))
        #expect(report.passed, "\(report)")
    }

    @Test(arguments: catalog)
    func forwardMode(_ op: OpCase) throws {
        var inputs = Inputs(seed: 8)
        let report = try check.jvp(of: op.f, at: op.inputs(&inputs))
        #expect(report.passed, "\(report)")
    }

    @Test(arguments: catalog)
    func dotProduct(_ op: OpCase) throws {
        var inputs = Inputs(seed: 9)
        var strict = check
        strict.absoluteTolerance = 1e-4
        strict.relativeTolerance = 1e-4
        let report = try strict.dotProduct(of: op.f, at: op.inputs(&inputs))
        #expect(report.passed, "\(report)")
    }

    @Test(arguments: catalog)
    func secondOrder(_ op: OpCase) throws {
        var inputs = Inputs(seed: 10)
        let report = try check.secondOrder(of: op.f, at: op.inputs(&inputs))
        #expect(report.passed, "\(report)")
    }
}
