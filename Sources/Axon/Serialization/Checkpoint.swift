/// Training checkpoints: a model file plus the optimizer (`OPTM`), the schedules (`SCHD`) and
/// the data loader's epoch and position (`LOAD`), so that training N steps, saving,
/// restoring into freshly made objects and training M more gives bit for bit what N + M
/// steps without stopping give (dropout and shuffling included).
///
/// ```swift
/// try Checkpoint.save(to: "run.axon", model: model, optimizer: opt, scheduler: sched, loader: loader, batchesDone: 17)
/// // later, with the same code building model, opt, sched and loader:
/// let remaining = try Checkpoint.restore(from: "run.axon", model: model, optimizer: opt, scheduler: sched, loader: &loader)
/// ```
public enum Checkpoint {
    static let known: [String: UInt32] = ModelFile.known.merging(["OPTM": 1, "SCHD": 1, "LOAD": 1, "STOP": 1]) { a, _ in a }

    public static func save(to path: String, model: any Layer, optimizer: (any Optimizer)? = nil,
                            scheduler: LRScheduler? = nil, plateau: ReduceLROnPlateau? = nil,
                            loader: DataLoader? = nil, batchesDone: Int = 0,
                            earlyStopping: EarlyStopping? = nil, bestWeights: [Tensor]? = nil,
                            metadata: [(String, String)] = []) throws {
        var sections = try ModelFile.sections(model, metadata: metadata, requireArchitecture: false)
        if let optimizer {
            sections.append(AxonFile.Section(tag: "OPTM", required: false, payload: try optimizer.checkpointPayload()))
        }
        if scheduler != nil || plateau != nil {
            var w = ByteWriter()
            w.u8(scheduler == nil ? 0 : 1)
            w.u64(UInt64(scheduler?.stepCount ?? 0))
            w.u8(plateau == nil ? 0 : 1)
            if let plateau {
                w.f64(plateau.best); w.u64(UInt64(plateau.badSteps)); w.u64(UInt64(plateau.cooldownCounter))
                let rates = plateau.optimizer.learningRates
                w.u32(UInt32(rates.count))
                for r in rates { w.f64(r) }
            }
            sections.append(AxonFile.Section(tag: "SCHD", required: false, payload: w.bytes))
        }
        if let loader {
            guard batchesDone >= 0, batchesDone <= loader.batchCount else {
                throw AxonError.invalid("Checkpoint: batchesDone \(batchesDone) is outside 0...\(loader.batchCount)")
            }
            var w = ByteWriter()
            w.u64(UInt64(loader.epochsStarted))
            w.u64(UInt64(batchesDone))
            let s = loader.epochStartGenerator.state
            for word in [s.0, s.1, s.2, s.3] { w.u64(word) }
            sections.append(AxonFile.Section(tag: "LOAD", required: false, payload: w.bytes))
        }
        if let stopping = earlyStopping {
            var w = ByteWriter()
            w.u64(UInt64(stopping.patience)); w.f64(stopping.minDelta); w.u8(stopping.restoreBestWeights ? 1 : 0)
            w.f64(stopping.best); w.u64(UInt64(stopping.epochsWithoutImprovement)); w.u64(UInt64((stopping.bestEpoch ?? -1) + 1))
            let names = model.stateDict().map(\.name)
            if let bestWeights, bestWeights.count == names.count {
                w.u8(1)
                w.bytes += ModelFile.tensorList(Array(zip(names, bestWeights)).map { (name: $0.0, tensor: $0.1) })
            } else {
                w.u8(0)
            }
            sections.append(AxonFile.Section(tag: "STOP", required: false, payload: w.bytes))
        }
        try AxonFile.writeAtomically(AxonFile(sections: sections).encoded(), to: path)
    }

    /// The early-stopping state and best weights saved in `file`, if any.
    static func earlyStopping(in file: AxonFile, stateCount: Int) throws -> (EarlyStopping, [Tensor]?)? {
        guard let section = file.section("STOP") else { return nil }
        var r = ByteReader(section.payload, context: "early-stopping state")
        var stopping = try EarlyStopping(patience: r.count("patience", limit: 1 << 40), minDelta: r.f64(), restoreBestWeights: r.u8() != 0)
        stopping.best = try r.f64()
        stopping.epochsWithoutImprovement = try r.count("epochs without improvement", limit: 1 << 40)
        let best = try r.count("best epoch", limit: 1 << 40)
        stopping.bestEpoch = best == 0 ? nil : best - 1
        guard try r.u8() != 0 else { return (stopping, nil) }
        let weights = try ModelFile.readTensorList(Array(section.payload[r.offset...]), context: "best weights").map(\.tensor)
        guard weights.count == stateCount else { throw AxonError(.format, "early-stopping state: \(weights.count) best weights for \(stateCount) tensors") }
        return (stopping, weights)
    }

    /// Restores model, optimizer and schedules in place; the sections for the objects given
    /// must be in the file.
    public static func restore(from path: String, model: any Layer, optimizer: (any Optimizer)? = nil,
                               scheduler: LRScheduler? = nil, plateau: ReduceLROnPlateau? = nil) throws {
        try restoreAll(AxonFile.decode(FileIO.read(path), knownVersions: known), model: model, optimizer: optimizer,
                       scheduler: scheduler, plateau: plateau)
    }

    /// Restores everything, the loader included; returns the batches left in the epoch the
    /// checkpoint was taken in.
    public static func restore(from path: String, model: any Layer, optimizer: (any Optimizer)? = nil,
                               scheduler: LRScheduler? = nil, plateau: ReduceLROnPlateau? = nil,
                               loader: inout DataLoader) throws -> [[Int]] {
        let file = try AxonFile.decode(FileIO.read(path), knownVersions: known)
        return try restore(file, model: model, optimizer: optimizer, scheduler: scheduler, plateau: plateau, loader: &loader)
    }

    static func restore(_ file: AxonFile, model: any Layer, optimizer: (any Optimizer)?, scheduler: LRScheduler?,
                        plateau: ReduceLROnPlateau?, loader: inout DataLoader) throws -> [[Int]] {
        try restoreAll(file, model: model, optimizer: optimizer, scheduler: scheduler, plateau: plateau)
        guard let load = file.section("LOAD") else { throw AxonError(.format, "checkpoint: no data loader section") }
        var r = ByteReader(load.payload, context: "data loader state")
        let epochs = try r.count("epochs", limit: 1 << 40), position = try r.count("position", limit: 1 << 40)
        let generator = try PRNG(state: (try r.u64(), try r.u64(), try r.u64(), try r.u64()))
        return try loader.resume(epochsStarted: epochs, epochStartGenerator: generator, position: position)
    }

    static func restoreAll(_ file: AxonFile, model: any Layer, optimizer: (any Optimizer)?, scheduler: LRScheduler?,
                           plateau: ReduceLROnPlateau?) throws {
        try ModelFile.restore(file, into: model)
        if let optimizer {
            guard let section = file.section("OPTM") else { throw AxonError(.format, "checkpoint: no optimizer section") }
            try optimizer.restore(checkpointPayload: section.payload)
        }
        if scheduler != nil || plateau != nil {
            guard let section = file.section("SCHD") else { throw AxonError(.format, "checkpoint: no scheduler section") }
            var r = ByteReader(section.payload, context: "scheduler state")
            let hasScheduler = try r.u8() != 0
            let steps = try r.count("scheduler steps", limit: 1 << 50)
            if let scheduler {
                guard hasScheduler else { throw AxonError(.format, "checkpoint: no scheduler state") }
                scheduler.restore(stepCount: steps)
            }
            if try r.u8() != 0, let plateau {
                let best = try r.f64()
                let bad = try r.count("bad steps", limit: 1 << 50), cooldown = try r.count("cooldown", limit: 1 << 50)
                let n = Int(try r.u32())
                let rates = try (0..<n).map { _ in try r.f64() }
                guard rates.count == plateau.optimizer.learningRates.count else {
                    throw AxonError(.format, "checkpoint: the plateau schedule has \(rates.count) rates for \(plateau.optimizer.learningRates.count) groups")
                }
                plateau.restore(best: best, badSteps: bad, cooldownCounter: cooldown)
                plateau.optimizer.learningRates = rates
            }
        }
    }
}
