@testable import Axon

/// Seeded test inputs, shaped to keep finite differences away from kinks and domains.
struct Inputs {
    var rng: PRNG

    init(seed: UInt64) { rng = PRNG(seed: seed) }

    /// Uniform in [-1, 1], rounded away from zero: |x| >= 0.2.
    mutating func awayFromZero(_ shape: [Int]) throws -> Tensor {
        let t = try Tensor.uniform(shape, low: 0.2, high: 1, generator: &rng)
        t.withUnsafeMutableBufferPointer { b in
            for i in b.indices where rng.nextFloat() < 0.5 { b[i] = -b[i] }
        }
        return t
    }

    /// Uniform in [0.5, 2].
    mutating func positive(_ shape: [Int]) throws -> Tensor {
        try Tensor.uniform(shape, low: 0.5, high: 2, generator: &rng)
    }

    /// Normal(0, 1).
    mutating func normal(_ shape: [Int], std: Float = 1) throws -> Tensor {
        try Tensor.normal(shape, std: std, generator: &rng)
    }

    /// Distinct values at least 0.1 apart in random order (no ties for max / min).
    mutating func distinct(_ shape: [Int]) throws -> Tensor {
        let n = shape.reduce(1, *)
        var values = (0..<n).map { Float($0) * 0.1 - Float(n) * 0.05 + 0.01 }
        for i in stride(from: n - 1, to: 0, by: -1) { values.swapAt(i, rng.nextInt(below: i + 1)) }
        return try Tensor(values, shape: shape)
    }
}

extension Tensor {
    /// The largest |a - b| over elements (shapes must agree).
    func maxDifference(_ other: Tensor) -> Float {
        guard shape == other.shape else { return .infinity }
        return zip(scalars, other.scalars).reduce(0) { Swift.max($0, Swift.abs($1.0 - $1.1)) }
    }
}

/// Whether every element pair agrees within atol + rtol * |expected|.
func allClose(_ actual: [Float], _ expected: [Float], rtol: Float = 1e-5, atol: Float = 1e-6) -> Bool {
    actual.count == expected.count && zip(actual, expected).allSatisfy { a, e in
        Swift.abs(a - e) <= atol + rtol * Swift.abs(e)
    }
}
