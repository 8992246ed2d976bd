import Testing
@testable import Axon

/// Bad input throws an AxonError naming the op (and the shapes), never traps.
@Suite("Bad input throws")
struct ErrorTests {
    func expectError(_ fragment: String, _ kind: AxonError.Kind? = nil, _ body: () throws -> Any) {
        do {
            _ = try body()
            Issue.record("expected an error mentioning '\(fragment)'")
        } catch let error as AxonError {
            #expect(error.message.contains(fragment), "message: \(error.message)")
            if let kind { #expect(error.kind == kind, "\(error.kind) for \(error.message)") }
        } catch {
            Issue.record("unexpected error type \(error)")
        }
    }

    @Test func shapes() throws {
        let a = try Tensor.ones([2, 3]), b = try Tensor.ones([4, 5])
        expectError("[2, 3] and [4, 5]", .shapeMismatch) { try a + b }
        expectError("matmul: inner dimensions", .shapeMismatch) { try a.matmul(b) }
        expectError("matmul", .shapeMismatch) { try Tensor(1).matmul(a) }
        expectError("reshape", .shapeMismatch) { try a.reshape([4, 2]) }
        expectError("reshape", .invalidArgument) { try a.reshape([-1, -1]) }
        expectError("permute", .invalidArgument) { try a.permute([0, 0]) }
        expectError("expand", .shapeMismatch) { try a.expand(to: [3, 3]) }
        expectError("concat", .shapeMismatch) { try Tensor.concat([a, b], axis: 0) }
        expectError("concat", .invalidArgument) { try Tensor.concat([], axis: 0) }
        expectError("tensor: 3 values", .shapeMismatch) { try Tensor([1, 2, 3], shape: [2, 2]) }
        expectError("item", .shapeMismatch) { try a.item() }
        expectError("where", .shapeMismatch) { try Tensor.where(a, a, b) }
    }

    @Test func axesAndIndices() throws {
        let a = try Tensor.ones([2, 3])
        expectError("sum: axis 2 is out of range", .invalidArgument) { try a.sum(axes: [2]) }
        expectError("mean: axis -3", .invalidArgument) { try a.mean(axes: [-3]) }
        expectError("repeated axis", .invalidArgument) { try a.sum(axes: [1, -1]) }
        expectError("slice", .invalidArgument) { try a.slice(axis: 1, start: 2, end: 5) }
        expectError("indexSelect: index 3", .invalidArgument) { try a.indexSelect(axis: 0, indices: [0, 3]) }
        expectError("gather: index 0.5", .invalidArgument) {
            try a.gather(axis: 1, index: Tensor([0.5, 0, 0, 1, 1, 1], shape: [2, 3]))
        }
        expectError("gather", .shapeMismatch) { try a.gather(axis: 1, index: Tensor.zeros([3])) }
        expectError("squeeze", .shapeMismatch) { try a.squeezed(0) }
        expectError("var", .shapeMismatch) { try Tensor.ones([1]).variance() }
    }

    @Test func sizesAndValues() throws {
        expectError("negative dimension", .invalidArgument) { try Tensor.zeros([2, -1]) }
        expectError("too many elements", .outOfMemory) { try Tensor.zeros([1 << 40, 1 << 40]) }
        expectError("linspace", .invalidArgument) { try Tensor.linspace(0, 1, count: -2) }
        expectError("arange", .invalidArgument) { try Tensor.arange(0, 1, step: 0) }
        expectError("arange", .invalidArgument) { try Tensor.arange(0, .nan) }
        expectError("clamp", .invalidArgument) { try Tensor.ones([2]).clamp(min: 1, max: 0) }
        expectError("pow", .invalidArgument) { try Tensor.ones([2]).pow(.nan) }
        var g = PRNG(seed: 1)
        expectError("uniform", .invalidArgument) { try Tensor.uniform([2], low: 1, high: 0, generator: &g) }
        expectError("normal", .invalidArgument) { try Tensor.normal([2], std: -1, generator: &g) }
    }

    @Test func convolutionAndPooling() throws {
        let x = try Tensor.ones([1, 4, 5, 5])
        expectError("conv2d: expected an NCHW input", .shapeMismatch) {
            try Tensor.conv2d(Tensor.ones([4, 5, 5]), weight: Tensor.ones([2, 4, 3, 3]))
        }
        expectError("conv2d", .shapeMismatch) { try Tensor.conv2d(x, weight: Tensor.ones([2, 3, 3, 3])) }
        expectError("groups 0", .shapeMismatch) { try Tensor.conv2d(x, weight: Tensor.ones([2, 4, 3, 3]), groups: 0) }
        expectError("groups 3", .shapeMismatch) { try Tensor.conv2d(x, weight: Tensor.ones([3, 2, 3, 3]), groups: 3) }
        expectError("does not fit", .shapeMismatch) { try Tensor.conv2d(x, weight: Tensor.ones([2, 4, 7, 7])) }
        expectError("must be positive", .invalidArgument) {
            try Tensor.conv2d(x, weight: Tensor.ones([2, 4, 3, 3]), stride: (0, 1))
        }
        expectError("bias", .shapeMismatch) {
            try Tensor.conv2d(x, weight: Tensor.ones([2, 4, 3, 3]), bias: Tensor.ones([3]))
        }
        expectError("maxPool2d: padding", .invalidArgument) { try Tensor.maxPool2d(x, kernel: (2, 2), padding: (2, 2)) }
        expectError("avgPool2d", .shapeMismatch) { try Tensor.avgPool2d(x, kernel: (6, 6)) }
    }

    @Test func autodiffMisuse() throws {
        let x = try Tensor.ones([2])
        expectError("does not require grad", .invalidState) { try x.sum().backward() }
        let y = try Tensor.ones([2], requiresGrad: true)
        expectError("gradients: 2 seeds for 1 outputs", .invalidArgument) {
            try gradients(of: [y.sum()], wrt: [y], seeds: [Tensor(1), Tensor(1)])
        }
        expectError("gradients: an input", .invalidArgument) { try gradients(of: [y.sum()], wrt: [x]) }
        expectError("jvp: tangent of shape [3]", .shapeMismatch) {
            try jvp(of: { $0[0] }, at: [x], tangents: [Tensor.ones([3])])
        }
    }
}
