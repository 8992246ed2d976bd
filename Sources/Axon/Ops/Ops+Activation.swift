// Activations and normalizing maps built from primitives; they have no derivative code of
// their own.

extension Tensor {
    /// x for x > 0, slope * x otherwise (PyTorch's default slope is 0.01).
    public func leakyRelu(slope: Float = 0.01) throws -> Tensor {
        guard slope.isFinite else { throw AxonError.invalid("leakyRelu: slope \(slope) is not finite") }
        return try Tensor.where(greater(0), self, self * slope)
    }

    /// x for x > 0, alpha (e^x - 1) otherwise. NOTE: the exponential reads min(x, 0), so the
    /// branch `where` discards cannot overflow and poison the gradient with inf * 0.
    public func elu(alpha: Float = 1) throws -> Tensor {
        guard alpha.isFinite else { throw AxonError.invalid("elu: alpha \(alpha) is not finite") }
        return try Tensor.where(greater(0), self, (clamp(max: 0).exp() - 1) * alpha)
    }

    /// GELU with the exact erf form: x Phi(x) = x (1 + erf(x / sqrt 2)) / 2.
    public func gelu() throws -> Tensor {
        try self * ((self * Float(1 / 2.0.squareRoot())).erf() + 1) * 0.5
    }

    /// log(sum(exp(x))) over `axes` (nil: all axes), stabilized by the (constant) maximum.
    public func logSumExp(axes: [Int]?, keepDims: Bool = false) throws -> Tensor {
        let m = try max(axes: axes, keepDims: true).detached()
        let safe = try Tensor.where(m.equal(Tensor(-.infinity)), Tensor(0), m)
        let lse = try (self - safe).exp().sum(axes: axes, keepDims: true).log() + safe
        if keepDims { return lse }
        return try lse.reshape(reducedShape(Shape.axes(axes, rank: rank, op: "logSumExp"), keepDims: false))
    }

    /// exp(x) / sum(exp(x)) along `axis`, stable for large inputs.
    public func softmax(axis: Int = -1) throws -> Tensor {
        let z = try self - max(axes: [axis], keepDims: true).detached()
        let e = try z.exp()
        return try e / e.sum(axes: [axis], keepDims: true)
    }

    /// x - logSumExp(x) along `axis`.
    public func logSoftmax(axis: Int = -1) throws -> Tensor {
        try self - logSumExp(axes: [axis], keepDims: true)
    }

    /// The elementwise maximum of `pieces` tensors of the same shape (Maxout's activation).
    public static func maxout(_ pieces: [Tensor]) throws -> Tensor {
        guard var result = pieces.first else { throw AxonError.invalid("maxout: no pieces") }
        for p in pieces.dropFirst() { result = try result.maximum(p) }
        return result
    }
}
