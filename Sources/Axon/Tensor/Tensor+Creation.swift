extension Tensor {
    /// A tensor of zeros.
    public static func zeros(_ shape: [Int], requiresGrad: Bool = false) throws -> Tensor {
        try Tensor(repeating: 0, shape: shape, requiresGrad: requiresGrad)
    }

    /// A tensor of ones.
    public static func ones(_ shape: [Int], requiresGrad: Bool = false) throws -> Tensor {
        try Tensor(repeating: 1, shape: shape, requiresGrad: requiresGrad)
    }

    /// A tensor filled with `value`.
    public static func full(_ shape: [Int], _ value: Float, requiresGrad: Bool = false) throws -> Tensor {
        try Tensor(repeating: value, shape: shape, requiresGrad: requiresGrad)
    }

    /// `start, start + step, ...` below `end` (PyTorch's `arange`).
    public static func arange(_ start: Float = 0, _ end: Float, step: Float = 1,
                              requiresGrad: Bool = false) throws -> Tensor {
        guard step != 0, step.isFinite, start.isFinite, end.isFinite else {
            throw AxonError.invalid("arange: start \(start), end \(end) and step \(step) must be finite, step non-zero")
        }
        let steps = ((Double(end) - Double(start)) / Double(step)).rounded(.up)
        guard steps < Double(Int32.max) else { throw AxonError(.outOfMemory, "arange: \(steps) elements are too many") }
        let n = Swift.max(0, Int(steps))
        let out = try Tensor.uninitialized([n])
        for i in 0..<n { out.pointer[i] = start + Float(i) * step }
        out.requiresGrad = requiresGrad
        return out
    }

    /// `count` evenly spaced values from `start` to `end` inclusive. Computed as PyTorch's
    /// CPU kernel does (the first half from `start`, the second half back from `end`), so
    /// the values are bit-identical to `torch.linspace`.
    public static func linspace(_ start: Float, _ end: Float, count: Int,
                                requiresGrad: Bool = false) throws -> Tensor {
        guard count >= 0 else { throw AxonError.invalid("linspace: negative count \(count)") }
        guard start.isFinite, end.isFinite else {
            throw AxonError.invalid("linspace: start \(start) and end \(end) must be finite")
        }
        let out = try Tensor.uninitialized([count])
        out.requiresGrad = requiresGrad
        if count == 1 { out.pointer[0] = start }
        guard count > 1 else { return out }
        let step = (end - start) / Float(count - 1)
        let half = count / 2
        for i in 0..<count {
            out.pointer[i] = i < half ? start + step * Float(i) : end - step * Float(count - i - 1)
        }
        return out
    }

    /// Uniform samples in [low, high) from `generator`.
    public static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1,
                               generator: inout PRNG, requiresGrad: Bool = false) throws -> Tensor {
        guard low.isFinite, high.isFinite, low <= high else {
            throw AxonError.invalid("uniform: bounds [\(low), \(high)) must be finite and ordered")
        }
        let out = try Tensor.uninitialized(shape)
        for i in 0..<out.count { out.pointer[i] = low + (high - low) * generator.nextFloat() }
        out.requiresGrad = requiresGrad
        return out
    }

    /// Normal samples with the given mean and standard deviation from `generator`.
    public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1,
                              generator: inout PRNG, requiresGrad: Bool = false) throws -> Tensor {
        guard mean.isFinite, std.isFinite, std >= 0 else {
            throw AxonError.invalid("normal: mean \(mean) and std \(std) must be finite, std >= 0")
        }
        let out = try Tensor.uninitialized(shape)
        for i in 0..<out.count { out.pointer[i] = mean + std * generator.nextNormal() }
        out.requiresGrad = requiresGrad
        return out
    }
}
