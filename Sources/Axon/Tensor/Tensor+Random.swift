// Creation helpers that mirror PyTorch's factory functions beyond zeros / ones / full:
// eye, the *_like family, and the integer-valued random tensors (randint, randperm) drawn
// from an explicit `PRNG`. Every one validates its arguments before it allocates or draws,
// so a failing call leaves the generator where it was.

extension Tensor {
    /// The largest magnitude below which every integer is exact in Float32 (2^24).
    static let exactIntegerLimit = 1 << 24

    /// The n x m identity matrix (`torch.eye(n, m)`): ones on the main diagonal.
    public static func eye(_ n: Int, _ m: Int? = nil, requiresGrad: Bool = false) throws -> Tensor {
        let m = m ?? n
        guard n >= 0, m >= 0 else { throw AxonError.invalid("eye: sizes \(n) x \(m) must be non-negative") }
        let out = try Tensor.zeros([n, m])
        for i in 0..<Swift.min(n, m) { out.pointer[i * m + i] = 1 }
        out.requiresGrad = requiresGrad
        return out
    }

    /// Zeros of the shape of `other` (`torch.zeros_like`); the values of `other` are not read.
    public static func zeros(like other: Tensor, requiresGrad: Bool = false) throws -> Tensor {
        try Tensor(repeating: 0, shape: other.shape, requiresGrad: requiresGrad)
    }

    /// Ones of the shape of `other` (`torch.ones_like`).
    public static func ones(like other: Tensor, requiresGrad: Bool = false) throws -> Tensor {
        try Tensor(repeating: 1, shape: other.shape, requiresGrad: requiresGrad)
    }

    /// `value` in the shape of `other` (`torch.full_like`).
    public static func full(like other: Tensor, _ value: Float, requiresGrad: Bool = false) throws -> Tensor {
        try Tensor(repeating: value, shape: other.shape, requiresGrad: requiresGrad)
    }

    /// Uniform integers in `low..<high` (`torch.randint(low, high, size)`), as floats: each
    /// is `low + generator.nextInt(below: high - low)`, one draw per element in row-major
    /// order. Both bounds must lie within +-2^24, where every integer is exact in Float32.
    public static func randint(low: Int, high: Int, shape: [Int], generator: inout PRNG) throws -> Tensor {
        let limit = exactIntegerLimit
        guard low < high, low >= -limit, high <= limit else {
            throw AxonError.invalid("randint: the range \(low)..<\(high) must be non-empty and within +-2^24")
        }
        let out = try Tensor.uninitialized(shape)
        for i in 0..<out.count { out.pointer[i] = Float(low + generator.nextInt(below: high - low)) }
        return out
    }

    /// A random permutation of 0..<n (`torch.randperm(n)`), as floats: the Fisher-Yates
    /// shuffle of 0, 1, ..., n-1 that swaps, for i from n-1 down to 1, element i with element
    /// `generator.nextInt(below: i + 1)`. `n` must be in 0...2^24.
    public static func randperm(_ n: Int, generator: inout PRNG) throws -> Tensor {
        guard n >= 0, n <= exactIntegerLimit else {
            throw AxonError.invalid("randperm: n \(n) must be in 0...2^24")
        }
        let out = try Tensor.uninitialized([n])
        for i in 0..<n { out.pointer[i] = Float(i) }
        for i in stride(from: n - 1, to: 0, by: -1) {
            let j = generator.nextInt(below: i + 1)
            (out.pointer[i], out.pointer[j]) = (out.pointer[j], out.pointer[i])
        }
        return out
    }
}
