/// What happens when a loss or a gradient is NaN or infinite (an overflow, a log of zero): the
/// step is not applied, so one bad batch does not corrupt the model.
public enum NonFiniteAction: Sendable {
    /// Skip the update (the step is counted in `EpochRecord.skippedSteps`); the buffers the bad
    /// batch changed (BatchNorm's statistics) go back to those of the last good step.
    case skipStep
    /// The same as `skipStep` (the parameters are those of the last good step either way).
    case rollback
}

/// One epoch of a fit.
public struct EpochRecord: Sendable {
    public var epoch: Int
    public var trainLoss: Double
    public var trainAccuracy: Double?
    public var validationLoss: Double?
    public var validationAccuracy: Double?
    public var learningRate: Double
    /// Steps skipped by the non-finite guard in this epoch.
    public var skippedSteps: Int
    /// Mean over the epoch's steps of each layer's gradient L2 norm, by layer path (the
    /// parameter names without their last component): small values deep in the network
    /// point at vanishing gradients, large ones at exploding gradients.
    public var gradientNorms: [(layer: String, norm: Double)]
    /// Mean over the epoch's steps of the whole model's gradient L2 norm, before clipping.
    public var gradientNorm: Double = 0
}

/// The result of `Trainer.fit`.
public struct History: Sendable {
    public var epochs: [EpochRecord] = []
    public var stoppedEarly = false
    public var bestEpoch: Int?
}

/// Progress reported to the fit callback.
public enum TrainingEvent {
    case batch(epoch: Int, index: Int, count: Int, loss: Double)
    case epoch(EpochRecord)
}

/// The training loop: epochs over a loader, metrics, validation, early stopping, gradient
/// clipping, a learning-rate schedule and a guard against non-finite values.
///
/// ```swift
/// let trainer = Trainer(model: model, optimizer: try Adam(model.parameters()), loss: { try crossEntropy($0, $1) })
/// let history = try trainer.fit(&loader, validation: test, epochs: 3)
/// ```
public final class Trainer {
    public let model: any Layer
    public let optimizer: any Optimizer
    public let loss: (Tensor, Tensor) throws -> Tensor
    /// The learning-rate schedule, stepped once per epoch after validation, or after every
    /// optimizer step when `schedulerStepsPerBatch` is set.
    public var scheduler: LRScheduler?
    public var schedulerStepsPerBatch = false
    /// Stepped once per epoch with the validation loss (or the training loss).
    public var plateau: ReduceLROnPlateau?
    public var clipNorm: Double?
    public var earlyStopping: EarlyStopping?
    public var nonFinite: NonFiniteAction = .skipStep
    /// Set to false for regression: accuracy is reported when outputs are [N, C] and
    /// targets class indices [N].
    public var reportAccuracy = true
    /// When set, a full checkpoint (model, optimizer, schedules, loader, early stopping) is
    /// saved there atomically after every epoch; `resume(from:loader:)` continues from it.
    public var checkpointPath: String?
    /// Metadata written into each checkpoint (e.g. the run's settings and history so far); the
    /// `.epoch` progress event comes before that epoch's checkpoint, so it may update this.
    public var checkpointMetadata: [(String, String)] = []
    /// Data-parallel training: called after every backward pass, before the guard, clipping and
    /// the optimizer step, with the model's gradients as one flat buffer (`ModelPart.gradients`)
    /// to replace in place, typically by their mean over the replicas. Every replica calls it at
    /// every step, even one whose loss is not finite (it sends NaN, so all of them skip that
    /// step). The records report each replica's own training loss.
    public var gradientHook: ReplicaHook?
    /// Epochs completed over every `fit` call (and restored by `resume`).
    public internal(set) var epochsCompleted = 0
    /// The weights of the best epoch so far, kept for early stopping's restore.
    var bestWeights: [Tensor]?

    public init(model: any Layer, optimizer: any Optimizer, loss: @escaping (Tensor, Tensor) throws -> Tensor) {
        self.model = model
        self.optimizer = optimizer
        self.loss = loss
    }

    /// Trains for `epochs` epochs (fewer if early stopping triggers).
    public func fit(_ loader: inout DataLoader, validation: Dataset? = nil, epochs: Int,
                    progress: ((TrainingEvent) -> Void)? = nil) throws -> History {
        guard epochs >= 0 else { throw AxonError.invalid("fit: epochs \(epochs) must be >= 0") }
        var history = History()
        let state = model.stateDict().map(\.tensor)
        let params = model.namedParameters()
        let owned = optimizer.parameters   // the guard looks at what the optimizer updates
        let lastGood = try state.map { try $0.copy() }
        for _ in 0..<epochs {
            let epoch = epochsCompleted
            model.train()
            let batches = loader.nextEpochIndices()
            var lossSum = 0.0, correct = 0, seen = 0, skipped = 0, steps = 0
            var normSums: [String: Double] = [:], totalNormSum = 0.0
            for (index, batch) in batches.enumerated() {
                let x = try loader.dataset.features.indexSelect(axis: 0, indices: batch)
                let y = try loader.dataset.targets.indexSelect(axis: 0, indices: batch)
                let output = try model(x)
                let value = try loss(output, y)
                optimizer.zeroGrad()
                try value.backward()
                let lossValue = Double(try value.item())
                if let gradientHook { try exchangeGradients(model, lossIsFinite: lossValue.isFinite, gradientHook) }
                let magnitude = Trainer.gradientMagnitude(owned)
                guard lossValue.isFinite, let magnitude else {
                    // The forward pass updated the buffers (BatchNorm statistics) with the bad
                    // batch: they go back with the weights of the last good step.
                    skipped += 1
                    for p in params { p.tensor.zeroGrad() }
                    for (t, saved) in zip(state, lastGood) { try t.assign(saved) }
                    continue
                }
                var squares = 0.0
                for (layer, norm) in Trainer.layerGradientNorms(params) {
                    normSums[layer, default: 0] += norm
                    squares += norm * norm
                }
                totalNormSum += squares.squareRoot()
                if let clipNorm { try GradientClipping.clipNorm(params.map(\.tensor), maxNorm: clipNorm) }
                // Moments go non-finite only from gradients near Float's range (g * g
                // overflows): the optimizer's state is kept for undoing only then.
                let undoStep = magnitude > 1e15 ? try optimizer.undoPoint() : nil
                try optimizer.step()
                if !owned.allSatisfy(\.allFinite) {
                    // The update itself overflowed: undo it and count the step as skipped.
                    for (t, saved) in zip(state, lastGood) { try t.assign(saved) }
                    try undoStep?()
                    for p in params { p.tensor.zeroGrad() }
                    skipped += 1
                    continue
                }
                for (t, saved) in zip(state, lastGood) { try saved.assign(t) }
                if schedulerStepsPerBatch { scheduler?.step() }
                steps += 1
                lossSum += lossValue * Double(batch.count)
                seen += batch.count
                if reportAccuracy, let c = try Trainer.correct(output, y) { correct += c }
                progress?(.batch(epoch: epoch, index: index, count: batches.count, loss: lossValue))
            }
            var record = EpochRecord(
                epoch: epoch, trainLoss: seen > 0 ? lossSum / Double(seen) : .nan,
                trainAccuracy: reportAccuracy && seen > 0 && loader.dataset.targets.rank == 1
                    ? Double(correct) / Double(seen) : nil,
                validationLoss: nil, validationAccuracy: nil, learningRate: optimizer.learningRates.first ?? 0,
                skippedSteps: skipped,
                gradientNorms: Trainer.layerOrder(params).map {
                    ($0, (normSums[$0] ?? 0) / Double(Swift.max(steps, 1)))
                },
                gradientNorm: totalNormSum / Double(Swift.max(steps, 1)))
            if let validation {
                let (l, a) = try evaluate(validation)
                record.validationLoss = l
                record.validationAccuracy = a
            }
            history.epochs.append(record)
            epochsCompleted += 1
            progress?(.epoch(record))
            if !schedulerStepsPerBatch { scheduler?.step() }
            if let plateau { try plateau.step(metric: record.validationLoss ?? record.trainLoss) }
            if var stopping = earlyStopping {
                let metric = record.validationLoss ?? record.trainLoss
                if stopping.record(metric, epoch: epoch), stopping.restoreBestWeights {
                    bestWeights = try state.map { try $0.copy() }
                }
                earlyStopping = stopping
                history.bestEpoch = stopping.bestEpoch
            }
            if let checkpointPath {
                try Checkpoint.save(to: checkpointPath, model: model, optimizer: optimizer, scheduler: scheduler,
                                    plateau: plateau, loader: loader, batchesDone: loader.batchCount,
                                    earlyStopping: earlyStopping, bestWeights: bestWeights,
                                    metadata: checkpointMetadata)
            }
            if earlyStopping?.shouldStop == true {
                history.stoppedEarly = true
                break
            }
        }
        if let bestWeights, earlyStopping?.restoreBestWeights == true {
            for (t, saved) in zip(state, bestWeights) { try t.assign(saved) }
        }
        return history
    }

    /// Continues from a checkpoint `fit` saved (see `checkpointPath`): restores the model,
    /// optimizer, schedules, early stopping and the loader, so the next `fit` picks up at the
    /// next epoch exactly as if training had not stopped.
    public func resume(from path: some FilePathConvertible, loader: inout DataLoader) throws {
        try Checkpoint.restore(from: path, model: model, optimizer: optimizer, scheduler: scheduler, plateau: plateau,
                               loader: &loader, earlyStopping: &earlyStopping, bestWeights: &bestWeights)
        epochsCompleted = loader.epochsStarted
    }

    /// `resume(from:loader:)` from the checkpoint's bytes (a file read or received elsewhere).
    public func resume(bytes: [UInt8], loader: inout DataLoader) throws {
        let file = try AxonFile.decode(bytes, knownVersions: Checkpoint.known)
        try Checkpoint.restore(file, model: model, optimizer: optimizer, scheduler: scheduler, plateau: plateau,
                               loader: &loader, earlyStopping: &earlyStopping, bestWeights: &bestWeights)
        epochsCompleted = loader.epochsStarted
    }

    /// The mean loss (and accuracy, for classification) of the model in eval mode.
    public func evaluate(_ data: Dataset, batchSize: Int = 1024) throws -> (loss: Double, accuracy: Double?) {
        let wasTraining = model.training
        model.eval()
        defer { model.train(wasTraining) }
        var lossSum = 0.0, correct = 0, counted = false
        try withNoGrad {
            for start in stride(from: 0, to: data.count, by: batchSize) {
                let indices = Array(start..<Swift.min(start + batchSize, data.count))
                let x = try data.features.indexSelect(axis: 0, indices: indices)
                let y = try data.targets.indexSelect(axis: 0, indices: indices)
                let output = try model(x)
                lossSum += Double(try loss(output, y).item()) * Double(indices.count)
                if reportAccuracy, let c = try Trainer.correct(output, y) { correct += c; counted = true }
            }
        }
        let n = Double(Swift.max(data.count, 1))
        return (lossSum / n, counted ? Double(correct) / n : nil)
    }

    /// The number of rows whose argmax equals the class-index target, for [N, C] outputs.
    static func correct(_ output: Tensor, _ target: Tensor) throws -> Int? {
        guard output.rank == 2, target.rank == 1, target.shape[0] == output.shape[0] else { return nil }
        let predicted = try output.argmax(axis: 1).scalars
        return zip(predicted, target.scalars).filter { $0 == $1 }.count
    }

    /// The L2 norm of each layer's gradients, by layer path.
    public static func layerGradientNorms(
        _ params: [(name: String, tensor: Tensor)]
    ) -> [(layer: String, norm: Double)] {
        var sums: [String: Double] = [:]
        for (name, p) in params {
            guard let g = p.grad else { continue }
            sums[layerPath(name), default: 0] += Double(g.withUnsafeBufferPointer { b in
                b.baseAddress.map { Reduce.sumOfSquares($0, b.count) } ?? 0
            })
        }
        return layerOrder(params).compactMap { layer in sums[layer].map { (layer, $0.squareRoot()) } }
    }

    static func layerPath(_ name: String) -> String {
        guard let dot = name.lastIndex(of: ".") else { return "" }
        return String(name[..<dot])
    }

    /// The largest |gradient| element of `params` (0 when none has a gradient), or nil when one
    /// is NaN or infinite.
    static func gradientMagnitude(_ params: [Tensor]) -> Float? {
        var largest: Float = 0
        for p in params {
            guard let g = p.grad else { continue }
            let finite = g.withUnsafeBufferPointer { values -> Bool in
                for v in values {
                    guard v.isFinite else { return false }
                    largest = Swift.max(largest, Swift.abs(v))
                }
                return true
            }
            if !finite { return nil }
        }
        return largest
    }

    static func layerOrder(_ params: [(name: String, tensor: Tensor)]) -> [String] {
        var seen = Set<String>()
        return params.map { layerPath($0.name) }.filter { seen.insert($0).inserted }
    }
}

// MARK: - By name (what the C and Python doors call)

/// One training step: forward, `lossName`'s loss, backward, optional norm clipping, update.
/// Returns the loss before the update.
///
/// With `guarded` (the default) a NaN or infinite loss or gradient, or an update that
/// overflows, throws `.nonFinite` and leaves the weights, the buffers (BatchNorm's running
/// statistics, which the forward pass updated) and the optimizer's state as they were before
/// the call. Without it, the step is taken whatever the values.
///
/// `gradientHook` (data-parallel training, see `Trainer.gradientHook`) runs after backward,
/// before the guard and the update, on the model's flat gradients. When it throws, the step is
/// not taken (and, guarded, the buffers go back as they were); so when the forward or backward
/// pass throws (a shape error after a BatchNorm layer, a failed all-reduce of a synchronized one).
@discardableResult
public func trainStep(model: any Layer, optimizer: any Optimizer, loss lossName: String, input: Tensor, target: Tensor,
                      clipNorm: Double? = nil, guarded: Bool = true, gradientHook: ReplicaHook? = nil) throws -> Float {
    let buffers = guarded ? try model.namedBuffers().map { ($0.tensor, try $0.tensor.copy()) } : []
    func undo() throws { for (t, saved) in buffers { try t.assign(saved) } }
    let value: Tensor
    do {
        value = try GradMode.with(enabled: true) { try loss(named: lossName, model(input), target) }
    } catch {
        try undo()   // a later layer, the loss or a synchronized BatchNorm failed after buffers changed
        throw error
    }
    optimizer.zeroGrad()
    let lossValue: Float
    do {
        try value.backward()   // may run the all-reduces of synchronized BatchNorm
        lossValue = try value.item()
        if let gradientHook { try exchangeGradients(model, lossIsFinite: lossValue.isFinite, gradientHook) }
    } catch {
        optimizer.zeroGrad()
        try undo()
        throw error
    }
    guard guarded else {
        if let clipNorm { try GradientClipping.clipNorm(optimizer.parameters, maxNorm: clipNorm) }
        try optimizer.step()
        return lossValue
    }
    guard lossValue.isFinite, optimizer.parameters.allSatisfy({ $0.grad?.allFinite ?? true }) else {
        optimizer.zeroGrad()
        try undo()
        throw AxonError(.nonFinite, "train step: the loss (\(lossValue)) or a gradient is not finite; "
                        + "the step was not taken")
    }
    let params = optimizer.parameters
    let before = try params.map { try $0.copy() }, undoStep = try optimizer.undoPoint()
    if let clipNorm { try GradientClipping.clipNorm(params, maxNorm: clipNorm) }
    try optimizer.step()
    guard params.allSatisfy(\.allFinite) else {
        for (p, saved) in zip(params, before) { try p.assign(saved) }
        try undoStep()
        optimizer.zeroGrad()
        try undo()
        throw AxonError(.nonFinite, "train step: the update made a parameter non-finite; it was undone")
    }
    return lossValue
}

/// The fit loop by name: shuffled batches of `batchSize` (seeded by `seed`), `lossName`'s
/// loss (mean), optional norm clipping, `scheduler` stepped once per epoch, validation on
/// the `validation` features and targets when given.
public func fit(model: any Layer, optimizer: any Optimizer, scheduler: LRScheduler? = nil, loss lossName: String,
                features: Tensor, targets: Tensor, validation: (features: Tensor, targets: Tensor)? = nil,
                epochs: Int, batchSize: Int, seed: UInt64, clipNorm: Double? = nil) throws -> History {
    var loader = try DataLoader(Dataset(features: features, targets: targets), batchSize: batchSize, shuffle: true,
                                seed: seed)
    return try fit(model: model, optimizer: optimizer, scheduler: scheduler, loss: lossName, loader: &loader,
                   validation: validation, epochs: epochs, clipNorm: clipNorm)
}

/// The fit loop by name over a given loader (sharded for data-parallel training, or resumed
/// from a checkpoint), which advances by `epochs` epochs; `gradientHook` as in
/// `Trainer.gradientHook`.
public func fit(model: any Layer, optimizer: any Optimizer, scheduler: LRScheduler? = nil, loss lossName: String,
                loader: inout DataLoader, validation: (features: Tensor, targets: Tensor)? = nil, epochs: Int,
                clipNorm: Double? = nil, gradientHook: ReplicaHook? = nil) throws -> History {
    if let scheduler, scheduler.optimizer !== optimizer {
        throw AxonError.invalid("fit: the scheduler was made for another optimizer")
    }
    let validation = try validation.map { try Dataset(features: $0.features, targets: $0.targets) }
    let trainer = Trainer(model: model, optimizer: optimizer) { try loss(named: lossName, $0, $1) }
    trainer.scheduler = scheduler
    trainer.clipNorm = clipNorm
    trainer.gradientHook = gradientHook
    return try trainer.fit(&loader, validation: validation, epochs: epochs)
}

/// `fit(..., loader:...)` over a batch cursor between epochs (before its first batch or after
/// `next()` returned nil), which then stands after the epochs trained.
public func fit(model: any Layer, optimizer: any Optimizer, scheduler: LRScheduler? = nil, loss lossName: String,
                cursor: BatchCursor, validation: (features: Tensor, targets: Tensor)? = nil, epochs: Int,
                clipNorm: Double? = nil, gradientHook: ReplicaHook? = nil) throws -> History {
    try cursor.betweenEpochs { loader in
        try fit(model: model, optimizer: optimizer, scheduler: scheduler, loss: lossName, loader: &loader,
                validation: validation, epochs: epochs, clipNorm: clipNorm, gradientHook: gradientHook)
    }
}
