import Testing
@testable import Axon

/// Binary ops whose second operand spans a block of the first's axes (a bias over rows, a
/// per-channel value over planes) run their own loop; each element must still be f(a, b) at
/// the NumPy-broadcast position, written out here index by index.
@Suite("Broadcast over a block of axes")
struct BroadcastBlockTests {
    /// f(a[i], b[i broadcast]) for every index i of a, from a's multi-index.
    func reference(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) -> [Float] {
        let shape = a.shape, padded = [Int](repeating: 1, count: a.rank - b.rank) + b.shape
        let av = a.scalars, bv = b.scalars
        return (0..<a.count).map { flat in
            var rest = flat, offset = 0, step = 1
            for axis in stride(from: shape.count - 1, through: 0, by: -1) {
                let index = rest % shape[axis]
                rest /= shape[axis]
                if padded[axis] != 1 { offset += index * step }
                step *= padded[axis]
            }
            return f(av[flat], bv[offset])
        }
    }

    static let cases: [([Int], [Int])] = [
        ([5, 7], [7]), ([3, 4, 6, 5], [4, 1, 1]), ([2, 3, 4], [3, 4]), ([2, 3, 4], [1, 3, 1]),
        ([6, 2, 5], [2, 1]), ([4, 1, 3], [1, 3]), ([3, 0, 2], [2]), ([2, 3, 4], [2, 1, 1]),
    ]

    @Test(arguments: cases)
    func blockBroadcastMatchesTheElementRule(_ shapes: ([Int], [Int])) throws {
        var inputs = Inputs(seed: UInt64(shapes.0.count * 10 + shapes.1.count))
        let a = try inputs.awayFromZero(shapes.0), b = try inputs.awayFromZero(shapes.1)
        #expect(try (a + b).scalars == reference(a, b, +))
        #expect(try (a - b).scalars == reference(a, b, -))
        #expect(try (a * b).scalars == reference(a, b, *))
        #expect(try (a / b).scalars == reference(a, b, /))
        #expect(try (a + b).shape == shapes.0)
    }

    /// A pullback leaves out the cotangent of an input that takes no gradient, and still gives
    /// the other its product.
    @Test func constantOperandGetsNoCotangent() throws {
        var inputs = Inputs(seed: 5)
        let x = try inputs.normal([4, 3]).requiringGrad(), mask = try inputs.normal([4, 3])
        try (x * mask).sum().backward()
        #expect(x.grad?.scalars == mask.scalars)
        #expect(mask.grad == nil)
        let y = try inputs.positive([4, 3]).requiringGrad()
        try (mask / y).sum().backward()
        #expect(y.grad != nil)
        #expect(mask.grad == nil)
    }
}
