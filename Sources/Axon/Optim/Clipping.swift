/// Gradient clipping with PyTorch's exact semantics.
public enum GradientClipping {
    /// Scales all gradients together so that their joint p-norm is at most `maxNorm`
    /// (`torch.nn.utils.clip_grad_norm_`): the total norm is the p-norm of the per-tensor
    /// p-norms (the largest absolute value for p = infinity); every gradient is multiplied
    /// by min(1, maxNorm / (total + 1e-6)). Returns the total norm before clipping.
    /// Parameters without a gradient are skipped. A non-finite total norm throws when
    /// `errorIfNonfinite` is set; otherwise the gradients are scaled anyway, as PyTorch does.
    @discardableResult
    public static func clipNorm(_ parameters: [Tensor], maxNorm: Double, normType: Double = 2,
                                errorIfNonfinite: Bool = false) throws -> Float {
        guard maxNorm >= 0, maxNorm.isFinite else {
            throw AxonError.invalid("clipNorm: max norm \(maxNorm) must be finite and >= 0")
        }
        guard normType > 0 else { throw AxonError.invalid("clipNorm: norm type \(normType) must be positive") }
        let grads = parameters.compactMap(\.grad)
        guard !grads.isEmpty else { return 0 }
        let norms = grads.map { g in
            normType == 2
                ? g.withUnsafeBufferPointer { b in b.baseAddress.map { Reduce.sumOfSquares($0, b.count) } ?? 0 }
                    .squareRoot()
                : norm(g.scalars, normType)
        }
        let total = norm(norms, normType)
        if errorIfNonfinite && !total.isFinite {
            throw AxonError(.invalidState, "clipNorm: the total norm of the gradients is \(total)")
        }
        let coefficient = Swift.min(Float(maxNorm) / (total + 1e-6), 1)    // clamp(max_norm / (total + 1e-6), max: 1)
        for g in grads {
            g.withUnsafeMutableBufferPointer { b in for j in b.indices { b[j] *= coefficient } }
        }
        return total
    }

    /// Clamps every gradient element to [-clipValue, clipValue] (`clip_grad_value_`).
    public static func clipValue(_ parameters: [Tensor], clipValue: Double) throws {
        guard clipValue >= 0, clipValue.isFinite else {
            throw AxonError.invalid("clipValue: clip value \(clipValue) must be finite and >= 0")
        }
        let c = Float(clipValue)
        for g in parameters.compactMap(\.grad) {
            g.withUnsafeMutableBufferPointer { b in for j in b.indices { b[j] = Swift.min(Swift.max(b[j], -c), c) } }
        }
    }

    /// The p-norm of a vector (max |x| for p = infinity).
    static func norm(_ x: [Float], _ p: Double) -> Float {
        if p.isInfinite { return x.reduce(0) { Swift.max($0, Swift.abs($1)) } }
        if p == 2 { return x.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        if p == 1 { return x.reduce(0) { $0 + Swift.abs($1) } }
        let sum = x.reduce(Float(0)) { $0 + Float(Libm.pow(Double(Swift.abs($1)), p)) }
        return Float(Libm.pow(Double(sum), 1 / p))
    }
}
