/// Training checkpoints: a model file plus the optimizer (`OPTM`), the schedules (`SCHD`),
/// the data loader's epoch and position (`LOAD`) and early stopping (`STOP`), so that
/// training N steps, saving, restoring into freshly made objects and training M more gives
/// bit for bit what N + M steps without stopping give (dropout and shuffling included).
///
/// Each object writes and reads its own bytes (`CheckpointState`, `Optimizer.checkpointPayload`);
/// this type only lists the sections.
///
/// ```swift
/// try Checkpoint.save(to: "run.axon", model: model, optimizer: opt, scheduler: sched, loader: loader,
///                     batchesDone: 17)
/// // later, with the same code building model, opt, sched and loader:
/// let remaining = try Checkpoint.restore(from: "run.axon", model: model, optimizer: opt, scheduler: sched,
///                                        loader: &loader)
/// ```
public enum Checkpoint {
    static let known: [String: UInt32] =
        ModelFile.known.merging(["OPTM": 1, "SCHD": 1, "LOAD": 1, "LDSZ": 1, "SHRD": 1, "STOP": 1]) { a, _ in a }

    public static func save(to path: some FilePathConvertible, model: any Layer, optimizer: (any Optimizer)? = nil,
                            scheduler: LRScheduler? = nil, plateau: ReduceLROnPlateau? = nil,
                            loader: DataLoader? = nil, batchesDone: Int = 0,
                            earlyStopping: EarlyStopping? = nil, bestWeights: [Tensor]? = nil,
                            metadata: [(String, String)] = []) throws {
        var sections = try ModelFile.sections(model, metadata: metadata, requireArchitecture: false)
        if let optimizer {
            sections.append(AxonFile.Section(tag: "OPTM", required: false, payload: try optimizer.checkpointPayload()))
        }
        if scheduler != nil || plateau != nil {
            sections.append(try section("SCHD") { w in
                // A flag and the scheduler's state (a zero step count without one), then a
                // flag and the plateau's.
                w.u8(scheduler == nil ? 0 : 1)
                if let scheduler { scheduler.write(to: &w) } else { w.u64(0) }
                w.u8(plateau == nil ? 0 : 1)
                plateau?.write(to: &w)
            })
        }
        if let loader {
            let position = try loader.position(batchesDone: batchesDone)
            sections.append(try section("LOAD") { position.write(to: &$0) })
            // What the position means: the loader it belongs to (checked when restoring).
            sections.append(try section("LDSZ") { w in
                w.u64(UInt64(loader.dataset.count))
                // The global batch: a reader that knows nothing of sharding checks the right size.
                w.u64(UInt64(loader.globalBatchSize))
                w.u8(loader.shuffle ? 1 : 0)
                w.u8(loader.dropLast ? 1 : 0)
            })
            // The sharding of a data-parallel run: any world size with the same global batch
            // resumes it.
            sections.append(try section("SHRD") { w in
                w.u64(UInt64(loader.rank))
                w.u64(UInt64(loader.worldSize))
            })
        }
        if let earlyStopping {
            let names = model.stateDict().map(\.name)
            sections.append(try section("STOP") { w in
                earlyStopping.write(to: &w)
                // A flag and, when 1, the best weights in state-dict order.
                guard let bestWeights, bestWeights.count == names.count else { return w.u8(0) }
                w.u8(1)
                TensorList.write(zip(names, bestWeights).map { (name: $0, tensor: $1) }, to: &w)
            })
        }
        try AxonFile.writeAtomically(AxonFile(sections: sections).encoded(), to: path)
    }

    /// An optional section whose payload `body` writes.
    static func section(_ tag: String, _ body: (inout ByteWriter) throws -> Void) throws -> AxonFile.Section {
        var w = ByteWriter()
        try body(&w)
        return AxonFile.Section(tag: tag, required: false, payload: w.bytes)
    }

    /// Restores model, optimizer and schedules in place; the sections for the objects given
    /// must be in the file. All or nothing: every section is decoded and checked against the
    /// objects before any of them changes, so a call that throws leaves them as they were.
    public static func restore(from path: some FilePathConvertible, model: any Layer,
                               optimizer: (any Optimizer)? = nil, scheduler: LRScheduler? = nil,
                               plateau: ReduceLROnPlateau? = nil) throws {
        let path = path.filePath
        try AxonFile.naming(path) {
            try Staged(read(path), model: model, optimizer: optimizer, scheduler: scheduler, plateau: plateau).commit()
        }
    }

    /// Restores everything, the loader included; returns the batches left in the epoch the
    /// checkpoint was taken in. All or nothing, as the other `restore`.
    public static func restore(from path: some FilePathConvertible, model: any Layer,
                               optimizer: (any Optimizer)? = nil, scheduler: LRScheduler? = nil,
                               plateau: ReduceLROnPlateau? = nil, loader: inout DataLoader) throws -> [[Int]] {
        let path = path.filePath
        return try AxonFile.naming(path) {
            let file = try read(path)
            let staged = try Staged(file, model: model, optimizer: optimizer, scheduler: scheduler, plateau: plateau)
            var resumed = loader
            let remaining = try stageLoader(file, &resumed)
            try staged.commit()
            loader = resumed
            return remaining
        }
    }

    /// What a fit-loop checkpoint holds beyond `restore(from:...loader:)`: early stopping and
    /// its best weights, replaced only when the file has them. All or nothing.
    static func restore(from path: some FilePathConvertible, model: any Layer, optimizer: any Optimizer,
                        scheduler: LRScheduler?, plateau: ReduceLROnPlateau?, loader: inout DataLoader,
                        earlyStopping: inout EarlyStopping?, bestWeights: inout [Tensor]?) throws {
        let path = path.filePath
        try AxonFile.naming(path) {
            try restore(read(path), model: model, optimizer: optimizer, scheduler: scheduler, plateau: plateau,
                        loader: &loader, earlyStopping: &earlyStopping, bestWeights: &bestWeights)
        }
    }

    /// The same from a decoded file (bytes read or received elsewhere). All or nothing.
    static func restore(_ file: AxonFile, model: any Layer, optimizer: any Optimizer, scheduler: LRScheduler?,
                        plateau: ReduceLROnPlateau?, loader: inout DataLoader,
                        earlyStopping: inout EarlyStopping?, bestWeights: inout [Tensor]?) throws {
        let staged = try Staged(file, model: model, optimizer: optimizer, scheduler: scheduler, plateau: plateau)
        var resumed = loader
        _ = try stageLoader(file, &resumed)
        let stopping = try file.section("STOP").map { section in
            try AxonFile.reading("STOP") { try stoppingState(section.payload, model: model) }
        }
        try staged.commit()
        loader = resumed
        if let stopping { (earlyStopping, bestWeights) = (stopping.0, stopping.1) }
    }

    /// Early stopping and its best weights from a STOP payload, checked against `model`.
    static func stoppingState(_ payload: [UInt8], model: any Layer) throws -> (EarlyStopping, [Tensor]?) {
        var r = ByteReader(payload, context: "early-stopping state")
        var stopping = try EarlyStopping(patience: 0)
        try stopping.read(from: &r)
        guard try r.u8() != 0 else {
            guard r.remaining == 0 else { throw AxonError(.format, "early-stopping state: unexpected bytes") }
            return (stopping, nil)
        }
        let weights = try TensorList.read(from: &r)
        let state = model.stateDict()
        guard weights.count == state.count else {
            throw AxonError(.format, "early-stopping state: \(weights.count) best weights for \(state.count) tensors")
        }
        for ((name, saved), (_, own)) in zip(weights, state) where saved.shape != own.shape {
            throw AxonError(.format, "early-stopping state: the best '\(name)' has shape \(saved.shape), "
                            + "the model's \(own.shape)")
        }
        return (stopping, weights.map(\.tensor))
    }

    static func read(_ path: FilePath) throws -> AxonFile {
        try AxonFile.read(path, knownVersions: known)
    }

    /// Everything a checkpoint restores into a model, an optimizer and schedules, decoded and
    /// checked; `commit` applies it.
    struct Staged {
        let model: any Layer
        let modelState: ModelFile.StagedState
        let optimizer: (any Optimizer)?
        let optimizerPayload: [UInt8]
        let scheduler: LRScheduler?
        let schedulerSteps: Int
        let plateau: ReduceLROnPlateau?
        let plateauState: ReduceLROnPlateau.SavedState?

        init(_ file: AxonFile, model: any Layer, optimizer: (any Optimizer)?, scheduler: LRScheduler?,
             plateau: ReduceLROnPlateau?) throws {
            (self.model, self.optimizer, self.scheduler, self.plateau) = (model, optimizer, scheduler, plateau)
            modelState = try ModelFile.stage(file, into: model, fileDefinesModel: false)
            if optimizer != nil {
                guard let section = file.section("OPTM") else {
                    throw AxonError(.format, "checkpoint: no optimizer section ('OPTM')")
                }
                optimizerPayload = section.payload
            } else {
                optimizerPayload = []
            }
            guard scheduler != nil || plateau != nil else {
                (schedulerSteps, plateauState) = (0, nil)
                return
            }
            guard let section = file.section("SCHD") else {
                throw AxonError(.format, "checkpoint: no scheduler section ('SCHD')")
            }
            (schedulerSteps, plateauState) = try AxonFile.reading("SCHD") {
                var r = ByteReader(section.payload, context: "scheduler state")
                let hasScheduler = try r.u8() != 0
                let steps = try LRScheduler.savedStepCount(from: &r)
                guard hasScheduler || scheduler == nil else {
                    throw AxonError(.format, "checkpoint: no scheduler state")
                }
                let saved = try r.u8() != 0 ? try ReduceLROnPlateau.SavedState(from: &r) : nil
                guard r.remaining == 0 else {
                    throw AxonError(.format, "scheduler state: \(r.remaining) unexpected bytes")
                }
                guard saved != nil || plateau == nil else {
                    throw AxonError(.format, "checkpoint: no plateau state to restore the plateau from")
                }
                if let plateau, let saved { try plateau.check(saved) }
                return (steps, saved)
            }
        }

        /// Applies the state: first the optimizer's own restore (which checks its payload and
        /// changes nothing when it throws), then the rest, which cannot fail.
        func commit() throws {
            if let optimizer {
                try AxonFile.reading("OPTM") { try optimizer.restore(checkpointPayload: optimizerPayload) }
            }
            modelState.commit(to: model)
            scheduler?.restore(stepCount: schedulerSteps)
            if let plateau, let plateauState { plateau.apply(plateauState) }
        }
    }

    /// Moves `loader` to the position of the LOAD section; returns the batches left in its epoch.
    static func stageLoader(_ file: AxonFile, _ loader: inout DataLoader) throws -> [[Int]] {
        guard let section = file.section("LOAD") else {
            throw AxonError(.format, "checkpoint: no data loader section ('LOAD')")
        }
        if let shards = file.section("SHRD") {
            try AxonFile.reading("SHRD") {
                var r = ByteReader(shards.payload, context: "data loader sharding")
                let rank = try r.count("rank", limit: Int.max), world = try r.count("world size", limit: Int.max)
                guard r.remaining == 0, rank < world else {
                    throw AxonError(.format, "data loader sharding: rank \(rank) of \(world), or unexpected bytes")
                }
            }
        }
        if let sizes = file.section("LDSZ") {
            try AxonFile.reading("LDSZ") {
                var r = ByteReader(sizes.payload, context: "data loader sizes")
                let count = try r.count("samples", limit: Int.max), batch = try r.count("batch size", limit: Int.max)
                let shuffle = try r.u8(), dropLast = try r.u8()
                guard r.remaining == 0 else { throw AxonError(.format, "data loader sizes: unexpected bytes") }
                let own = (loader.dataset.count, loader.globalBatchSize, loader.shuffle ? 1 : 0,
                           loader.dropLast ? 1 : 0)
                guard (count, batch, Int(shuffle), Int(dropLast)) == own else {
                    throw AxonError(.format, "checkpoint: the data loader was saved over \(count) samples in global "
                                    + "batches of \(batch) (shuffle \(shuffle), drop last \(dropLast)); "
                                    + "this one has \(own.0) samples in global batches of \(own.1) "
                                    + "(shuffle \(own.2), drop last \(own.3))")
                }
            }
        }
        return try AxonFile.reading("LOAD") {
            var r = ByteReader(section.payload, context: "data loader state")
            var position = DataLoader.Position()
            try position.read(from: &r)
            guard r.remaining == 0 else { throw AxonError(.format, "data loader state: unexpected bytes") }
            return try loader.resume(at: position)
        }
    }
}
