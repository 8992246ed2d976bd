import Foundation
import Testing
@testable import Axon

/// Every op of the C door recomputed through the Swift API against `Fixtures/c_ops.txt`, bit
/// for bit; `bindings/c/test_ops_fixture.c` checks the same file through include/axon.h, so
/// the two doors agree to the bit. Regenerate the file (only when an op's results change on
/// purpose, or cases are added) with
///
///     AXON_WRITE_FIXTURES=1 swift test -c release --filter COpsFixture
///
/// Inputs come from a fixed seed. Inputs of matmul and conv2d are multiples of 1/8, so their
/// products and sums are exact and a build with FMA gives the same bits as one without.
@Suite("C ops fixture")
struct COpsFixtureTests {
    /// Inputs for the cases, from one seeded stream.
    struct Source {
        var r = Inputs(seed: 2026)
        mutating func any(_ s: [Int]) throws -> Tensor { try r.normal(s) }
        mutating func away(_ s: [Int]) throws -> Tensor { try r.awayFromZero(s) }
        mutating func positive(_ s: [Int]) throws -> Tensor { try r.positive(s) }
        mutating func distinct(_ s: [Int]) throws -> Tensor { try r.distinct(s) }
        /// Multiples of 1/8 in [-2, 2].
        mutating func eighths(_ s: [Int]) throws -> Tensor {
            let t = try Tensor.randint(low: -16, high: 17, shape: s, generator: &r.rng)
            return try t / 8
        }
        /// 0/1 floats.
        mutating func mask(_ s: [Int]) throws -> Tensor {
            try Tensor.randint(low: 0, high: 2, shape: s, generator: &r.rng)
        }
    }

    static func cases() throws -> [COpsCase] {
        var s = Source()
        var b = Builder()
        // Elementwise binary, with broadcasting.
        for op in ["add", "sub", "mul", "maximum", "minimum"] { b.add(op, [try s.any([2, 3]), try s.any([3])]) }
        b.add("div", [try s.any([2, 3]), try s.positive([2, 1])])
        b.add("pow_tensor", [try s.positive([2, 3]), try s.any([3])])
        let p = try s.eighths([3, 4]), q = try s.eighths([3, 4])
        let r = try Tensor.where(try s.mask([3, 4]), p, q)  // equal to `p` in about half the places
        for op in ["gt", "ge", "lt", "le", "eq", "ne"] { b.add(op, [p, r]) }
        b.add("where", [try s.mask([2, 3]), try s.any([2, 3]), try s.any([3])])
        // Elementwise unary.
        for op in ["neg", "exp", "tanh", "sigmoid", "relu", "sin", "cos", "abs", "erf", "gelu", "softplus"] {
            b.add(op, [try s.any([2, 4])])
        }
        for op in ["log", "sqrt"] { b.add(op, [try s.positive([2, 4])]) }
        b.add("pow", [], [1.5], [try s.positive([5])])
        b.add("pow", [], [3], [try s.any([5])])
        b.add("clamp", [], [-0.5, 0.75], [try s.any([2, 5])])
        b.add("clamp", [], [-.infinity, 0.25], [try s.any([6])])
        b.add("leaky_relu", [], [0.2], [try s.away([2, 4])])
        b.add("elu", [], [1.5], [try s.away([2, 4])])
        // Matmul (exact inputs).
        b.add("matmul", [try s.eighths([3, 4]), try s.eighths([4, 5])])
        b.add("matmul", [try s.eighths([2, 3, 4]), try s.eighths([4])])
        b.add("matmul", [try s.eighths([2, 1, 2, 3]), try s.eighths([3, 3, 2])])
        // Reductions.
        b.add("sum", [try s.any([3, 4])])
        b.add("sum_axes", [0, 0, 2], [try s.any([2, 3, 4])])
        b.add("sum_axes", [1], [try s.any([2, 3])])
        b.add("mean", [1, -1], [try s.any([2, 3, 4])])
        b.add("mean", [0], [try s.any([2, 3])])
        b.add("amax", [0, 1], [try s.distinct([3, 5])])
        b.add("amax", [1], [try s.distinct([2, 3])])
        b.add("amin", [1, 0, 2], [try s.distinct([2, 3, 2])])
        b.add("logsumexp", [0, 1], [try s.any([3, 5])])
        b.add("logsumexp", [1], [try s.any([2, 3])])
        b.add("var", [1, 0, 1], [try s.any([3, 5])])
        b.add("var", [0, 1, 0, 2], [try s.any([2, 3, 4])])
        b.add("argmax", [1], [try s.distinct([3, 5])])
        b.add("argmax", [-3], [try s.distinct([2, 3, 2])])
        b.add("softmax", [-1], [try s.any([3, 5])])
        b.add("log_softmax", [0], [try s.any([4, 3])])
        // Shapes and indexing.
        b.add("reshape", [4, -1], [try s.any([2, 3, 2])])
        b.add("transpose", [0, -1], [try s.any([2, 3, 4])])
        b.add("permute", [2, 0, 1], [try s.any([2, 3, 4])])
        b.add("expand", [2, 3, 4], [try s.any([3, 1])])
        b.add("sum_to_size", [3, 1], [try s.any([2, 3, 4])])
        b.add("concat", [1], [try s.any([2, 3]), try s.any([2, 1]), try s.any([2, 2])])
        b.add("slice", [1, 1, 4], [try s.any([3, 5])])
        b.add("slice", [0, -3, -1], [try s.any([4, 2])])
        b.add("unsqueeze", [-1], [try s.any([2, 3])])
        b.add("squeeze", [1], [try s.any([2, 1, 3])])
        b.add("flatten", [1, 2], [try s.any([2, 3, 2, 2])])
        b.add("index_select", [0, 3, 0, 3, 1], [try s.any([4, 3])])
        b.add("gather", [1], [try s.any([3, 4]), try Tensor([0, 3, 3, 1, 2, 2, 0, 1, 3], shape: [3, 3])])
        // Convolution (exact inputs) and pooling.
        b.add("conv2d", [1, 1, 0, 0, 1, 1, 1],
            [try s.eighths([2, 3, 5, 5]), try s.eighths([4, 3, 3, 3]), try s.eighths([4])])
        b.add("conv2d", [2, 1, 1, 2, 2, 1, 2], [try s.eighths([1, 4, 7, 6]), try s.eighths([6, 2, 3, 2])])
        b.add("max_pool2d", [2, 2, 2, 2, 0, 0, 1, 1], [try s.distinct([2, 2, 4, 4])])
        b.add("max_pool2d", [3, 2, 1, 1, 1, 1, 1, 1], [try s.distinct([1, 2, 5, 4])])
        b.add("max_pool2d", [2, 2, 1, 2, 0, 0, 2, 1], [try s.distinct([1, 1, 5, 6])])
        b.add("avg_pool2d", [2, 2, 2, 2, 0, 0], [try s.any([2, 2, 4, 4])])
        b.add("avg_pool2d", [3, 3, 2, 1, 1, 1], [try s.any([1, 2, 5, 5])])
        // Creation and random tensors.
        b.add("zeros", [2, 3], [])
        b.add("ones", [4], [])
        b.add("full", [3, 2], [-0.375], [])
        b.add("arange", [], [-1, 2, 0.375], [])
        b.add("arange", [], [3, -1, -0.7], [])
        b.add("linspace", [7], [-1, 2], [])
        b.add("eye", [3, 4], [])
        b.add("zeros_like", [try s.any([2, 2])])
        b.add("ones_like", [try s.any([3])])
        b.add("full_like", [], [2.5], [try s.any([2, 3])])
        b.add("rand", [7, 2, 3], [])
        b.add("randn", [8, 5], [])
        b.add("randint", [9, -3, 4, 2, 4], [])
        b.add("randperm", [10, 9], [])
        // Reverse mode (axon_grad with a seed) and forward mode (dual numbers) through some ops.
        let derivatives: [(String, [Int], [Float], [Tensor])] = [
            ("sin", [], [], [try s.any([2, 3])]),
            ("gelu", [], [], [try s.any([2, 3])]),
            ("elu", [], [0.5], [try s.away([4])]),
            ("logsumexp", [0, 1], [], [try s.any([2, 3])]),
            ("var", [1, 0, 0], [], [try s.any([3, 2])]),
            ("amax", [0, 1], [], [try s.distinct([2, 3])]),
            ("permute", [1, 0], [], [try s.any([2, 3])]),
            ("index_select", [1, 2, 0, 2], [], [try s.any([2, 3])]),
            ("avg_pool2d", [2, 2, 1, 1, 0, 0], [], [try s.any([1, 1, 3, 3])]),
            ("conv2d", [1, 1, 1, 1, 1, 1, 1], [], [try s.eighths([1, 2, 3, 3]), try s.eighths([2, 2, 2, 2])]),
            ("maximum", [], [], [try s.distinct([2, 3]), try s.distinct([3])]),
            ("clamp", [], [-0.5, 0.5], [try s.any([2, 3])]),
        ]
        for (op, ints, floats, x) in derivatives {
            let y = try COpsFixture.evaluatePlain(COpsCase(op: op, ints: ints, floats: floats, inputs: x))
            let exact = op == "conv2d"
            let seed = exact ? try s.eighths(y.shape) : try s.any(y.shape)
            let tangent = exact ? try s.eighths(x[0].shape) : try s.any(x[0].shape)
            b.add("grad:" + op, ints, floats, x + [seed])
            b.add("jvp:" + op, ints, floats, x + [tangent])
        }
        // Added later, at the end, so the cases above keep their inputs. Bins of 1, 2 or 4 and
        // inputs in eighths keep adaptive pooling exact (the same bits with and without FMA).
        b.add("adaptive_avg_pool2d", [2, 2], [try s.eighths([2, 3, 4, 4])])
        b.add("adaptive_avg_pool2d", [1, 4], [try s.eighths([3, 2, 4])])
        b.add("maxout", [try s.distinct([2, 3]), try s.distinct([2, 3]), try s.distinct([3])])
        return b.cases
    }

    /// Collects cases; the integer and float arguments may be omitted.
    struct Builder {
        var cases: [COpsCase] = []
        mutating func add(_ op: String, _ inputs: [Tensor]) { add(op, [], [], inputs) }
        mutating func add(_ op: String, _ ints: [Int], _ inputs: [Tensor]) { add(op, ints, [], inputs) }
        mutating func add(_ op: String, _ ints: [Int], _ floats: [Float], _ inputs: [Tensor]) {
            cases.append(COpsCase(op: op, ints: ints, floats: floats, inputs: inputs))
        }
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["AXON_WRITE_FIXTURES"] == "1"))
    func writeFixture() throws {
        let header = """
            # c_ops.txt - written by COpsFixtureTests.writeFixture (Tests/AxonTests/COpsFixture.swift describes
            # the format); read by COpsFixtureTests and bindings/c/test_ops_fixture.c, which must both
            # reproduce every expected output bit for bit.
            """
        let body = try Self.cases().map { try COpsFixture.text($0, expected: COpsFixture.evaluate($0)) }
        try (([header] + body).joined(separator: "\n") + "\n").write(toFile: COpsFixture.path, atomically: true,
                                                                        encoding: .utf8)
    }

    @Test func everyCaseIsReproducedBitForBit() throws {
        let cases = try COpsFixture.parse(String(contentsOfFile: COpsFixture.path, encoding: .utf8))
        #expect(cases.count == (try Self.cases().count))
        for (c, expected) in cases {
            let got = try COpsFixture.evaluate(c)
            #expect(got.shape == expected.shape, "\(c.op): shape \(got.shape) instead of \(expected.shape)")
            #expect(got.scalars.map(\.bitPattern) == expected.scalars.map(\.bitPattern), "\(c.op) \(c.ints)")
        }
    }

    /// Every function of include/axon.h that makes a tensor from tensors or arguments (its first
    /// parameter is `axon_tensor **out`) has a case, but for the few that only wrap or read one.
    @Test func everyTensorMakingExportHasACase() throws {
        let header = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("include/axon.h")
        let text = try String(contentsOf: header, encoding: .utf8)
        var exported: Set<String> = []
        for line in text.split(separator: "\n") where line.hasPrefix("axon_status axon_tensor_") {
            guard line.contains("(axon_tensor **out") else { continue }
            let name = line.dropFirst("axon_status axon_tensor_".count).prefix { $0 != "(" }
            exported.insert(String(name))
        }
        // Constructors from data or files, handles on the graph and accessors, checked by the C
        // tests (load_idx reads a file: test_data_transforms.c; file_tensor a tensor file:
        // test_tensor_file.c).
        let exempt: Set<String> = ["new", "grad", "dual", "tangent", "detach", "load_idx", "file_tensor"]
        let ops = Set(try COpsFixture.parse(String(contentsOfFile: COpsFixture.path, encoding: .utf8)).map(\.0.op))
        #expect(exported.count > 60)
        let missing = exported.subtracting(exempt).subtracting(ops)
        #expect(missing.isEmpty, "no case in c_ops.txt for \(missing.sorted())")
    }
}
