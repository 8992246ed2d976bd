/// Layer normalization (Ba et al., 2016) over the trailing `normalizedShape` axes, the same
/// in training and evaluation (`nn.LayerNorm`): weight and bias have `normalizedShape`.
public final class LayerNorm: Layer {
    public var training = true
    public let normalizedShape: [Int]
    public let eps: Float
    public let weight: Tensor?, bias: Tensor?

    public init(_ normalizedShape: [Int], eps: Float = 1e-5, elementwiseAffine: Bool = true) throws {
        guard !normalizedShape.isEmpty, normalizedShape.allSatisfy({ $0 > 0 }) else {
            throw AxonError.invalid(
                "LayerNorm(\(normalizedShape)): the normalized shape must be non-empty and positive")
        }
        guard eps > 0 else { throw AxonError.invalid("LayerNorm(\(normalizedShape)): eps \(eps) must be positive") }
        self.normalizedShape = normalizedShape
        self.eps = eps
        weight = elementwiseAffine ? try Tensor.ones(normalizedShape, requiresGrad: true) : nil
        bias = elementwiseAffine ? try Tensor.zeros(normalizedShape, requiresGrad: true) : nil
    }

    public var ownParameters: [(name: String, tensor: Tensor)] {
        [weight.map { ("weight", $0) }, bias.map { ("bias", $0) }].compactMap { $0 }
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        let k = normalizedShape.count
        guard input.rank >= k, Array(input.shape.suffix(k)) == normalizedShape else {
            throw AxonError.shape(
                "LayerNorm(\(normalizedShape)): input of shape \(input.shape) does not end with \(normalizedShape)")
        }
        let axes = Array((input.rank - k)..<input.rank)
        let normalized = try normalize(input, axes: axes, eps: eps)
        guard let weight, let bias else { return normalized }
        return try normalized * weight + bias
    }
}

/// Group normalization (Wu & He, 2018): channels split into groups, each sample normalized
/// per group over its channels and spatial positions (`nn.GroupNorm`).
public final class GroupNorm: Layer {
    public var training = true
    public let numGroups: Int, numChannels: Int
    public let eps: Float
    public let weight: Tensor?, bias: Tensor?

    public init(_ numGroups: Int, _ numChannels: Int, eps: Float = 1e-5, affine: Bool = true) throws {
        guard numGroups > 0, numChannels > 0, numChannels % numGroups == 0 else {
            throw AxonError.invalid(
                "GroupNorm(\(numGroups), \(numChannels)): groups must be positive and divide the channels")
        }
        guard eps > 0 else {
            throw AxonError.invalid("GroupNorm(\(numGroups), \(numChannels)): eps \(eps) must be positive")
        }
        self.numGroups = numGroups
        self.numChannels = numChannels
        self.eps = eps
        weight = affine ? try Tensor.ones([numChannels], requiresGrad: true) : nil
        bias = affine ? try Tensor.zeros([numChannels], requiresGrad: true) : nil
    }

    public var ownParameters: [(name: String, tensor: Tensor)] {
        [weight.map { ("weight", $0) }, bias.map { ("bias", $0) }].compactMap { $0 }
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        guard input.rank >= 2, input.shape[1] == numChannels else {
            throw AxonError.shape(
                "GroupNorm(\(numGroups), \(numChannels)): expected [N, \(numChannels), ...], got shape \(input.shape)")
        }
        let grouped = try input.reshape([input.shape[0], numGroups, -1])
        let normalized = try normalize(grouped, axes: [2], eps: eps).reshape(input.shape)
        guard let weight, let bias else { return normalized }
        let statShape = [1, numChannels] + [Int](repeating: 1, count: input.rank - 2)
        return try normalized * weight.reshape(statShape) + bias.reshape(statShape)
    }
}

/// Instance normalization (Ulyanov et al., 2016) of [N, C, H, W] inputs: each sample and
/// channel over H, W (`nn.InstanceNorm2d`; affine and running statistics off by default).
/// With running statistics, training updates them with the batch average of the instance
/// means and unbiased variances (`num_batches_tracked` stays 0, as in PyTorch), and
/// evaluation normalizes with them.
public final class InstanceNorm2d: RunningStatsNorm {
    public init(_ numFeatures: Int, eps: Float = BatchNorm.defaultEps, momentum: Float = BatchNorm.defaultMomentum,
                affine: Bool = false, trackRunningStats: Bool = false) throws {
        try super.init(name: "InstanceNorm2d", numFeatures: numFeatures, eps: eps, momentum: momentum, affine: affine,
                       trackRunningStats: trackRunningStats)
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        try input.expect(name, ranks: [4], channels: numFeatures)
        if !training, let normalized = try normalizedWithRunningStatistics(input) { return try affine(normalized) }
        let n = input.shape[2] * input.shape[3]
        guard !training || n > 1 else {
            throw AxonError.shape(
                "\(name): expected more than 1 spatial element when training, got shape \(input.shape)")
        }
        let mean = try input.mean(axes: [2, 3], keepDims: true)
        let variance = try input.variance(axes: [2, 3], correction: 0, keepDims: true)
        if training {
            let unbiased = try variance.detached() * (Float(n) / Float(n - 1))
            try updateRunningStatistics(mean: mean.detached().mean(axes: [0]),
                                        unbiasedVariance: unbiased.mean(axes: [0]), countBatch: false)
        }
        return try affine((input - mean) / (variance + eps).sqrt())
    }
}

/// (x - mean) / sqrt(biased var + eps) over `axes`.
func normalize(_ x: Tensor, axes: [Int], eps: Float) throws -> Tensor {
    let mean = try x.mean(axes: axes, keepDims: true)
    let variance = try x.variance(axes: axes, correction: 0, keepDims: true)
    return try (x - mean) / (variance + eps).sqrt()
}

// MARK: - Layer specs

extension InstanceNorm2d: RegisteredLayer {
    static let kind = specKind("instancenorm2d", momentum: .float("momentum", BatchNorm.defaultMomentum),
                               affine: false, track: false)

    static func build(_ spec: LayerSpec, generator: inout PRNG) throws -> any Layer {
        try InstanceNorm2d(spec.int("features"), eps: spec.float("eps"), momentum: spec.float("momentum"),
                           affine: spec.bool("affine"), trackRunningStats: spec.bool("track"))
    }
}

extension LayerNorm: RegisteredLayer {
    static let kind = LayerKind("layernorm", positional: 1, [
        .sizes("shape"), .float("eps", 1e-5), .bool("affine", true),
    ])

    static func build(_ spec: LayerSpec, generator: inout PRNG) throws -> any Layer {
        try LayerNorm(spec.ints("shape"), eps: spec.float("eps"), elementwiseAffine: spec.bool("affine"))
    }

    static func ownStateShapes(_ spec: LayerSpec) throws -> [[Int]] {
        let shape = try spec.ints("shape")
        return try spec.bool("affine") ? [shape, shape] : []
    }

    var specArguments: [String: LayerValue] {
        ["shape": .sizes(normalizedShape), "eps": .float(eps), "affine": .bool(weight != nil)]
    }
}

extension GroupNorm: RegisteredLayer {
    static let kind = LayerKind("groupnorm", positional: 2, [
        .int("groups"), .int("channels"), .float("eps", 1e-5), .bool("affine", true),
    ])

    static func build(_ spec: LayerSpec, generator: inout PRNG) throws -> any Layer {
        try GroupNorm(spec.int("groups"), spec.int("channels"), eps: spec.float("eps"), affine: spec.bool("affine"))
    }

    static func ownStateShapes(_ spec: LayerSpec) throws -> [[Int]] {
        let c = try spec.int("channels")
        return try spec.bool("affine") ? [[c], [c]] : []
    }

    var specArguments: [String: LayerValue] {
        ["groups": .int(numGroups), "channels": .int(numChannels), "eps": .float(eps), "affine": .bool(weight != nil)]
    }
}
