/// Batch normalization (Ioffe & Szegedy, 2015) with PyTorch's semantics; see `BatchNorm1d`
/// and `BatchNorm2d`.
///
/// Training: each channel is normalized with the batch mean and the biased batch variance,
/// (x - mean) / sqrt(var + eps), then scaled by gamma (`weight`) and shifted by beta
/// (`bias`). Gradients flow through the batch statistics. The running statistics are
/// updated as running = (1 - momentum) running + momentum batch, with the unbiased batch
/// variance, and `num_batches_tracked` counts the updates (momentum nil: a cumulative
/// average, 1 / num_batches_tracked). Eval: the running statistics normalize. Without
/// tracked statistics, batch statistics are used in both modes.
/// What batch and instance normalization share (PyTorch's `_NormBase`): the affine
/// parameters gamma (`weight`) and beta (`bias`), the running statistics and their update.
public class RunningStatsNorm: Layer {
    public var training = true
    public let numFeatures: Int
    public let eps: Float
    /// nil: running statistics are a cumulative average (1 / num_batches_tracked).
    public let momentum: Float?
    public let weight: Tensor?, bias: Tensor?
    public let runningMean: Tensor?, runningVar: Tensor?, numBatchesTracked: Tensor?
    /// "BatchNorm1d(4)": names the layer in error messages.
    let name: String

    init(name: String, numFeatures: Int, eps: Float, momentum: Float?, affine: Bool,
         trackRunningStats: Bool) throws {
        let label = "\(name)(\(numFeatures))"
        guard numFeatures > 0 else { throw AxonError.invalid("\(label): numFeatures must be positive") }
        guard eps > 0, eps.isFinite else { throw AxonError.invalid("\(label): eps \(eps) must be positive") }
        if let momentum, !(momentum >= 0 && momentum <= 1) {
            throw AxonError.invalid("\(label): momentum \(momentum) must be in [0, 1]")
        }
        self.name = label
        self.numFeatures = numFeatures
        self.eps = eps
        self.momentum = momentum
        weight = affine ? try Tensor.ones([numFeatures], requiresGrad: true) : nil
        bias = affine ? try Tensor.zeros([numFeatures], requiresGrad: true) : nil
        runningMean = trackRunningStats ? try Tensor.zeros([numFeatures]) : nil
        runningVar = trackRunningStats ? try Tensor.ones([numFeatures]) : nil
        numBatchesTracked = trackRunningStats ? try Tensor(0) : nil
    }

    public var ownParameters: [(name: String, tensor: Tensor)] {
        [weight.map { ("weight", $0) }, bias.map { ("bias", $0) }].compactMap { $0 }
    }

    public var ownBuffers: [(name: String, tensor: Tensor)] {
        [runningMean.map { ("running_mean", $0) }, runningVar.map { ("running_var", $0) },
         numBatchesTracked.map { ("num_batches_tracked", $0) }].compactMap { $0 }
    }

    /// Subclasses normalize; this base is never used on its own.
    public func forward(_ input: Tensor) throws -> Tensor {
        throw AxonError(.invalidState, "\(name): forward is defined by BatchNorm and InstanceNorm")
    }

    /// [1, C, 1, ...] for an input of `rank`.
    func statShape(_ rank: Int) -> [Int] { [1, numFeatures] + [Int](repeating: 1, count: rank - 2) }

    /// (x - running mean) / sqrt(running var + eps), or nil without running statistics.
    func normalizedWithRunningStatistics(_ x: Tensor) throws -> Tensor? {
        guard let runningMean, let runningVar else { return nil }
        let shape = statShape(x.rank)
        return try (x - runningMean.reshape(shape)) / (runningVar.reshape(shape) + eps).sqrt()
    }

    /// Inference (nothing recorded, no tangents): the eval-mode normalization and the affine map
    /// in one pass, with the same operations per element as the composed ops, so the same bits.
    /// nil when the composed ops must run (recording, tangents, or no running statistics).
    func runningStatisticsPass(_ x: Tensor) throws -> Tensor? {
        guard let runningMean, let runningVar, !GradMode.isEnabled,
              x.tangent == nil, weight?.tangent == nil, bias?.tangent == nil else { return nil }
        let c = numFeatures, spatial = x.count / Swift.max(1, x.shape[0] * c)
        let out = try Tensor.uninitialized(x.shape)
        let (xp, op) = (x.pointer, out.pointer)
        // Each channel's divisor once; the same operations per element as the composed ops.
        let root = (0..<c).map { (runningVar.pointer[$0] + eps).squareRoot() }
        if spatial == 1 {
            // [N, C]: rows of channels, so the inner loop runs along contiguous memory.
            let mp = runningMean.pointer
            root.withUnsafeBufferPointer { sp in
                guard let sp = sp.baseAddress else { return }
                for i in 0..<x.shape[0] {
                    let (row, dst) = (xp + i * c, op + i * c)
                    if let weight, let bias {
                        let (g, b) = (weight.pointer, bias.pointer)
                        for ch in 0..<c { dst[ch] = (row[ch] - mp[ch]) / sp[ch] * g[ch] + b[ch] }
                    } else {
                        for ch in 0..<c { dst[ch] = (row[ch] - mp[ch]) / sp[ch] }
                    }
                }
            }
            return out
        }
        for i in 0..<x.shape[0] {
            for ch in 0..<c {
                let m = runningMean.pointer[ch], s = root[ch]
                let base = (i * c + ch) * spatial
                if let weight, let bias {
                    let (g, b) = (weight.pointer[ch], bias.pointer[ch])
                    for j in base..<base + spatial { op[j] = (xp[j] - m) / s * g + b }
                } else {
                    for j in base..<base + spatial { op[j] = (xp[j] - m) / s }
                }
            }
        }
        return out
    }

    /// running = (1 - m) running + m batch, for the batch mean and unbiased variance [C].
    func updateRunningStatistics(mean: Tensor, unbiasedVariance: Tensor, countBatch: Bool) throws {
        guard let runningMean, let runningVar else { return }
        try withNoGrad {
            var m = momentum ?? 0
            if let numBatchesTracked, countBatch {
                let tracked = try numBatchesTracked.item() + 1
                try numBatchesTracked.assign(Tensor(tracked))
                m = momentum ?? 1 / tracked
            }
            try runningMean.assign(runningMean * (1 - m) + mean.detached().reshape([numFeatures]) * m)
            try runningVar.assign(runningVar * (1 - m) + unbiasedVariance.detached().reshape([numFeatures]) * m)
        }
    }

    /// gamma x + beta per channel, when affine.
    func affine(_ normalized: Tensor) throws -> Tensor {
        guard let weight, let bias else { return normalized }
        let shape = statShape(normalized.rank)
        return try normalized * weight.reshape(shape) + bias.reshape(shape)
    }
}

public class BatchNorm: RunningStatsNorm {
    let ranks: [Int]
    /// Data-parallel training: when set, training-mode statistics are those of every replica's
    /// batch together, summed across the group's replicas (PyTorch's SyncBatchNorm; see
    /// `ReplicaGroup`). nil (the default): each replica normalizes with its own batch, as
    /// PyTorch's DistributedDataParallel does. Not saved in model files.
    public var synchronize: ReplicaGroup?

    init(name: String, ranks: [Int], numFeatures: Int, eps: Float, momentum: Float?, affine: Bool,
         trackRunningStats: Bool) throws {
        self.ranks = ranks
        try super.init(name: name, numFeatures: numFeatures, eps: eps, momentum: momentum, affine: affine,
                       trackRunningStats: trackRunningStats)
    }

    public override func forward(_ input: Tensor) throws -> Tensor {
        try input.expect(name, ranks: ranks, channels: numFeatures)
        if !training, let out = try runningStatisticsPass(input) { return out }
        if !training, let normalized = try normalizedWithRunningStatistics(input) { return try affine(normalized) }
        let n = input.count / numFeatures
        guard !training || n > 1 || synchronize != nil else {
            throw AxonError.shape(
                "\(name): expected more than 1 value per channel when training, got input of shape \(input.shape)")
        }
        let batch = try Tensor.batchNormTraining(input, weight: weight, bias: bias, eps: eps,
                                                 replicas: training ? synchronize : nil)
        if training {
            let unbiased = try batch.variance * (Float(batch.count) / Float(batch.count - 1))
            try updateRunningStatistics(mean: batch.mean, unbiasedVariance: unbiased, countBatch: true)
        }
        return batch.output
    }
}

/// Batch normalization over [N, C] or [N, C, L] inputs, per feature C (`nn.BatchNorm1d`).
public final class BatchNorm1d: BatchNorm {
    public init(_ numFeatures: Int, eps: Float = BatchNorm.defaultEps, momentum: Float? = BatchNorm.defaultMomentum,
                affine: Bool = true, trackRunningStats: Bool = true) throws {
        try super.init(name: "BatchNorm1d", ranks: [2, 3], numFeatures: numFeatures, eps: eps, momentum: momentum,
                       affine: affine, trackRunningStats: trackRunningStats)
    }
}

/// Batch normalization over [N, C, H, W] inputs, per channel over N, H, W (`nn.BatchNorm2d`).
public final class BatchNorm2d: BatchNorm {
    public init(_ numFeatures: Int, eps: Float = BatchNorm.defaultEps, momentum: Float? = BatchNorm.defaultMomentum,
                affine: Bool = true, trackRunningStats: Bool = true) throws {
        try super.init(name: "BatchNorm2d", ranks: [4], numFeatures: numFeatures, eps: eps, momentum: momentum,
                       affine: affine, trackRunningStats: trackRunningStats)
    }
}

// MARK: - Layer specs

extension RunningStatsNorm {
    /// The spec arguments of batch and instance normalization; `momentum` none is a
    /// cumulative average.
    static func specKind(_ name: String, momentum: LayerArgument, affine: Bool, track: Bool) -> LayerKind {
        LayerKind(name, positional: 1, [
            .int("features"), .float("eps", BatchNorm.defaultEps), momentum, .bool("affine", affine),
            .bool("track", track),
        ])
    }

    /// weight and bias when affine; running mean, running variance and the batch count when
    /// tracking.
    static func ownStateShapes(_ spec: LayerSpec) throws -> [[Int]] {
        let f = try spec.int("features")
        return (try spec.bool("affine") ? [[f], [f]] : []) + (try spec.bool("track") ? [[f], [f], []] : [])
    }

    var specArguments: [String: LayerValue] {
        ["features": .int(numFeatures), "eps": .float(eps), "momentum": LayerValue(momentum),
         "affine": .bool(weight != nil), "track": .bool(runningMean != nil)]
    }
}

extension BatchNorm {
    /// PyTorch's defaults for batch normalization.
    public static let defaultEps: Float = 1e-5
    public static let defaultMomentum: Float = 0.1

    static func specKind(_ name: String) -> LayerKind {
        specKind(name, momentum: .floatOrNone("momentum", defaultMomentum), affine: true, track: true)
    }
}

extension BatchNorm1d: RegisteredLayer {
    static let kind = BatchNorm.specKind("batchnorm1d")

    static func build(_ spec: LayerSpec, generator: inout PRNG) throws -> any Layer {
        try BatchNorm1d(spec.int("features"), eps: spec.float("eps"), momentum: spec.floatOrNone("momentum"),
                        affine: spec.bool("affine"), trackRunningStats: spec.bool("track"))
    }
}

extension BatchNorm2d: RegisteredLayer {
    static let kind = BatchNorm.specKind("batchnorm2d")

    static func build(_ spec: LayerSpec, generator: inout PRNG) throws -> any Layer {
        try BatchNorm2d(spec.int("features"), eps: spec.float("eps"), momentum: spec.floatOrNone("momentum"),
                        affine: spec.bool("affine"), trackRunningStats: spec.bool("track"))
    }
}
