import Testing
@testable import Axon

/// Zero-element tensors whose other dimensions are huge: the shape check bounds the product of
/// the non-zero dimensions, so no stride or partial product can overflow in any op after it.
@Suite("Empty tensors with huge dimensions")
struct EmptyTensorTests {
    @Test func hugeDimensionsBesideAZeroAreRefused() throws {
        let huge = 1 << 40
        #expect(throws: AxonError.self) { try Tensor(repeating: 0, shape: [0, huge, huge]) }
        #expect(try Tensor.elementCount(of: [0, 1 << 30]) == 0)
        #expect(throws: AxonError.self) { try Tensor.elementCount(of: [0, huge]) }
        #expect(try Tensor.elementCount(of: [3, 0, 7]) == 0)
        #expect(throws: AxonError.self) { try Tensor.elementCount(of: [0, 1 << 62, 4]) }
        let empty = try Tensor(repeating: 0, shape: [0])
        #expect(throws: AxonError.self) { try empty.reshape([0, huge, huge]) }
    }

    @Test func opsOnAnEmptyTensorWithLargeDimensionsGiveEmptyResults() throws {
        let x = try Tensor(repeating: 0, shape: [0, 1 << 20, 1 << 10], requiresGrad: true)
        #expect(try (x + x).shape == x.shape && (x * x).count == 0)
        #expect(try x.sum(axes: [1]).shape == [0, 1 << 10])
        #expect(try x.transposed(0, 2).shape == [1 << 10, 1 << 20, 0])
        #expect(try x.softmax(axis: -1).count == 0)
        #expect(try x.sum().scalars == [0])
        let y = try x.sum()
        try y.backward()
        #expect(x.grad?.count == 0)
        // A broadcast whose result would be too large is refused before any stride is computed.
        let a = try Tensor(repeating: 0, shape: [0, 1 << 30, 1])
        let b = try Tensor(repeating: 0, shape: [1, 1, 1 << 30])
        #expect(throws: AxonError.self) { try a + b }
    }
}
