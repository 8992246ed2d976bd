/// An in-memory dataset: features [N, ...] and targets [N, ...] (class indices or values).
public struct Dataset: Sendable {
    public let features: Tensor
    public let targets: Tensor

    public init(features: Tensor, targets: Tensor) throws {
        guard features.rank >= 1, targets.rank >= 1, features.shape[0] == targets.shape[0] else {
            throw AxonError.shape(
                "Dataset: features \(features.shape) and targets \(targets.shape) must have the same first axis")
        }
        self.features = features.detached()
        self.targets = targets.detached()
    }

    /// The number of samples.
    public var count: Int { features.shape[0] }

    /// The samples at `indices`, in that order.
    public func subset(_ indices: [Int]) throws -> Dataset {
        try Dataset(features: features.indexSelect(axis: 0, indices: indices),
                    targets: targets.indexSelect(axis: 0, indices: indices))
    }

    /// A random split: `validationFraction` of the samples (rounded down) go to the second
    /// set, drawn with `generator`.
    public func split(validationFraction: Double,
                      generator: inout PRNG) throws -> (train: Dataset, validation: Dataset) {
        guard validationFraction >= 0, validationFraction < 1 else {
            throw AxonError.invalid("Dataset.split: validation fraction \(validationFraction) must be in [0, 1)")
        }
        let order = permutation(count, generator: &generator)
        let nValidation = Int(Double(count) * validationFraction)
        return (try subset(Array(order[nValidation...])), try subset(Array(order[..<nValidation])))
    }
}

/// A uniformly random permutation of 0..<n (Fisher-Yates with `generator`).
public func permutation(_ n: Int, generator: inout PRNG) -> [Int] {
    var order = Array(0..<max(n, 0))
    for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, generator.nextInt(below: i + 1)) }
    return order
}

/// Mini-batches over a dataset, reshuffled every epoch from the loader's own seeded stream.
///
/// ```swift
/// var loader = try DataLoader(train, batchSize: 128, shuffle: true, seed: 1)
/// for epoch in 0..<3 {
///     for batch in try loader.epoch() { ... batch.features, batch.targets ... }
/// }
/// ```
///
/// Sharded for data-parallel training (`rank` of `worldSize` replicas), every replica draws
/// the same order from the same seed and cuts it into global batches of `batchSize *
/// worldSize` samples; replica r takes the r-th contiguous share of each, so the shards of a
/// batch together are exactly the batch one process with batch size `batchSize * worldSize`
/// reads. A last, partial global batch is shared as evenly as possible (shares differ by at
/// most one sample); it must give every replica at least one sample (or use `dropLast`).
public struct DataLoader: Sendable {
    public let dataset: Dataset
    /// The samples of each batch this loader returns (one replica's share when sharded).
    public let batchSize: Int
    public let shuffle: Bool
    public let dropLast: Bool
    /// This replica's index, 0..<worldSize (0 and 1 when not sharded).
    public let rank: Int
    public let worldSize: Int
    /// The shuffling stream; its state is part of a training checkpoint.
    public var generator: PRNG
    /// The number of epochs started.
    public private(set) var epochsStarted = 0
    /// The shuffling stream as it was when the current epoch started (for checkpoints).
    public private(set) var epochStartGenerator: PRNG

    public init(_ dataset: Dataset, batchSize: Int, shuffle: Bool = true, dropLast: Bool = false,
                seed: UInt64 = 0, rank: Int = 0, worldSize: Int = 1) throws {
        guard batchSize > 0 else { throw AxonError.invalid("DataLoader: batch size \(batchSize) must be positive") }
        guard worldSize > 0, rank >= 0, rank < worldSize else {
            throw AxonError.invalid("DataLoader: rank \(rank) must be in 0..<world size \(worldSize)")
        }
        let (global, overflow) = batchSize.multipliedReportingOverflow(by: worldSize)
        guard !overflow else {
            throw AxonError.invalid("DataLoader: batch size \(batchSize) times world size \(worldSize) overflows")
        }
        let tail = dataset.count % global
        guard dropLast || tail == 0 || tail >= worldSize else {
            throw AxonError.invalid("DataLoader: the last global batch has \(tail) samples, fewer than the "
                                    + "\(worldSize) replicas; use drop_last or another batch size")
        }
        self.dataset = dataset
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.dropLast = dropLast
        self.rank = rank
        self.worldSize = worldSize
        generator = PRNG(seed: seed)
        epochStartGenerator = generator
    }

    /// The samples of a global batch: `batchSize` times the world size.
    public var globalBatchSize: Int { batchSize * worldSize }

    /// The number of batches per epoch (the same on every replica).
    public var batchCount: Int {
        // Written so that no batch size (up to Int.max) overflows.
        dataset.count / globalBatchSize + (dropLast || dataset.count % globalBatchSize == 0 ? 0 : 1)
    }

    /// The index lists of the next epoch's batches (advances the shuffling stream); this
    /// replica's shares when sharded.
    public mutating func nextEpochIndices() -> [[Int]] {
        epochsStarted += 1
        epochStartGenerator = generator
        let order = shuffle ? permutation(dataset.count, generator: &generator) : Array(0..<dataset.count)
        let global = globalBatchSize
        // i * size / worldSize in double width: no product overflows.
        func share(_ i: Int, _ size: Int) -> Int {
            worldSize.dividingFullWidth(i.multipliedFullWidth(by: size)).quotient
        }
        return (0..<batchCount).map { b in
            let start = b * global, size = min(order.count - start, global)
            return Array(order[(start + share(rank, size))..<(start + share(rank + 1, size))])
        }
    }

    /// Rewinds to the start of epoch `epochsStarted` as saved in a checkpoint and returns that
    /// epoch's batches after the first `position` (the ones still to train on).
    public mutating func resume(epochsStarted: Int, epochStartGenerator: PRNG, position: Int) throws -> [[Int]] {
        guard epochsStarted >= 1, position >= 0, position <= batchCount else {
            throw AxonError(.format,
                            "DataLoader: cannot resume epoch \(epochsStarted) at batch \(position) of \(batchCount)")
        }
        self.epochsStarted = epochsStarted - 1
        generator = epochStartGenerator
        return Array(nextEpochIndices().dropFirst(position))
    }

    /// The next epoch's batches.
    public mutating func epoch() throws -> [Dataset] {
        try nextEpochIndices().map { try dataset.subset($0) }
    }
}

/// Standardization fitted on training data: x' = (x - mean) / std per feature (std of
/// features with zero variance is taken as 1).
public struct Standardizer: Sendable {
    public let mean: Tensor, std: Tensor

    /// Fits on `x` [N, F...] over the first axis.
    public init(fitting x: Tensor) throws {
        guard x.rank >= 2, x.shape[0] > 1 else {
            throw AxonError.shape("Standardizer: need [N > 1, F...] training data, got \(x.shape)")
        }
        let data = x.detached()
        mean = try data.mean(axes: [0])
        let s = try data.variance(axes: [0], correction: 0).sqrt()
        std = try Tensor.where(s.greater(0), s, Tensor(1))
    }

    public func transform(_ x: Tensor) throws -> Tensor {
        guard Array(x.shape.dropFirst()) == mean.shape else {
            throw AxonError.shape("Standardizer: fitted on features \(mean.shape), got \(x.shape)")
        }
        return try (x - mean) / std
    }
}

/// PCA whitening fitted on training data: x' = (x - mean) U diag(1 / sqrt(lambda + eps)),
/// with U, lambda the eigenvectors and eigenvalues of the training covariance, so that
/// whitened training features have identity covariance.
public struct PCAWhitening: Sendable {
    public let mean: Tensor
    /// [F, F]: mean-removed features times this matrix are white.
    public let projection: Tensor
    public let eigenvalues: [Double]
    /// The most features whitening accepts.
    public static let maxFeatures = 4096

    public init(fitting x: Tensor, eps: Double = 1e-5) throws {
        guard x.rank == 2, x.shape[0] > 1 else {
            throw AxonError.shape("PCAWhitening: need [N > 1, F] training data, got \(x.shape)")
        }
        guard eps.isFinite, eps >= 0 else {
            throw AxonError.invalid("PCAWhitening: eps \(eps) must be finite and >= 0")
        }
        let (n, f) = (x.shape[0], x.shape[1])
        // The covariance is f x f doubles and the eigen-decomposition O(f^3) per sweep.
        guard f <= PCAWhitening.maxFeatures else {
            throw AxonError.invalid("PCAWhitening: \(f) features, more than the \(PCAWhitening.maxFeatures) supported")
        }
        let values = x.scalars
        var mu = [Double](repeating: 0, count: f)
        for i in 0..<n { for j in 0..<f { mu[j] += Double(values[i * f + j]) } }
        for j in 0..<f { mu[j] /= Double(n) }
        // Covariance in double precision (biased, 1/N, so the result is exactly white).
        var cov = [Double](repeating: 0, count: f * f)
        for i in 0..<n {
            for a in 0..<f {
                let da = Double(values[i * f + a]) - mu[a]
                for b in a..<f { cov[a * f + b] += da * (Double(values[i * f + b]) - mu[b]) }
            }
        }
        for a in 0..<f { for b in a..<f { cov[a * f + b] /= Double(n); cov[b * f + a] = cov[a * f + b] } }
        let (lambda, vectors) = SymmetricEigen.decompose(cov, size: f)
        var p = [Float](repeating: 0, count: f * f)
        for a in 0..<f {
            for k in 0..<f { p[a * f + k] = Float(vectors[a * f + k] / (Swift.max(lambda[k], 0) + eps).squareRoot()) }
        }
        mean = try Tensor(mu.map(Float.init), shape: [f])
        projection = try Tensor(p, shape: [f, f])
        eigenvalues = lambda
    }

    public func transform(_ x: Tensor) throws -> Tensor {
        guard x.rank == 2, x.shape[1] == mean.count else {
            throw AxonError.shape("PCAWhitening: fitted on \(mean.count) features, got \(x.shape)")
        }
        return try (x - mean).matmul(projection)
    }
}

/// Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations (Golub & Van Loan,
/// section 8.5), in double precision; fine for the feature counts whitening is used with.
enum SymmetricEigen {
    /// Eigenvalues (descending) and eigenvectors as the columns of a row-major f x f matrix.
    static func decompose(_ matrix: [Double], size f: Int) -> ([Double], [Double]) {
        var a = matrix
        var v = [Double](repeating: 0, count: f * f)
        for i in 0..<f { v[i * f + i] = 1 }
        for _ in 0..<100 {
            var off = 0.0
            for p in 0..<f { for q in (p + 1)..<max(f, p + 1) { off += a[p * f + q] * a[p * f + q] } }
            if off < 1e-22 { break }
            for p in 0..<f {
                for q in (p + 1)..<max(f, p + 1) where abs(a[p * f + q]) > 1e-300 {
                    let theta = (a[q * f + q] - a[p * f + p]) / (2 * a[p * f + q])
                    let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<f {   // A <- A J (columns p, q)
                        let akp = a[k * f + p], akq = a[k * f + q]
                        a[k * f + p] = c * akp - s * akq
                        a[k * f + q] = s * akp + c * akq
                    }
                    for k in 0..<f {   // A <- J^T A (rows p, q)
                        let apk = a[p * f + k], aqk = a[q * f + k]
                        a[p * f + k] = c * apk - s * aqk
                        a[q * f + k] = s * apk + c * aqk
                    }
                    for k in 0..<f {   // V <- V J
                        let vkp = v[k * f + p], vkq = v[k * f + q]
                        v[k * f + p] = c * vkp - s * vkq
                        v[k * f + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        let order = (0..<f).sorted { a[$0 * f + $0] > a[$1 * f + $1] }
        let values = order.map { a[$0 * f + $0] }
        var vectors = [Double](repeating: 0, count: f * f)
        for (newCol, oldCol) in order.enumerated() { for k in 0..<f { vectors[k * f + newCol] = v[k * f + oldCol] } }
        return (values, vectors)
    }
}

// MARK: - Checkpoint state

extension DataLoader {
    /// Where a loader is: the epochs started, the batches already trained in the current
    /// epoch, and the shuffling stream as it was when that epoch started (its order is drawn
    /// again from it on resume).
    struct Position: CheckpointState {
        var epochsStarted = 0
        var batchesDone = 0
        var epochStartGenerator = PRNG(seed: 0)

        /// Epochs started (u64), batches done (u64), the stream's four u64 words.
        func write(to w: inout ByteWriter) {
            w.u64(UInt64(epochsStarted))
            w.u64(UInt64(batchesDone))
            epochStartGenerator.write(to: &w)
        }

        mutating func read(from r: inout ByteReader) throws {
            let epochs = try r.count("epochs", limit: 1 << 40), done = try r.count("position", limit: 1 << 40)
            self = Position(epochsStarted: epochs, batchesDone: done, epochStartGenerator: try PRNG(reading: &r))
        }
    }

    /// The position after `batchesDone` batches of the current epoch.
    func position(batchesDone: Int) throws -> Position {
        guard batchesDone >= 0, batchesDone <= batchCount else {
            throw AxonError.invalid("Checkpoint: batchesDone \(batchesDone) is outside 0...\(batchCount)")
        }
        return Position(epochsStarted: epochsStarted, batchesDone: batchesDone,
                        epochStartGenerator: epochStartGenerator)
    }

    /// Continues from a saved position; returns the batches left in its epoch.
    mutating func resume(at p: Position) throws -> [[Int]] {
        try resume(epochsStarted: p.epochsStarted, epochStartGenerator: p.epochStartGenerator, position: p.batchesDone)
    }
}
