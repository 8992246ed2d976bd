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
        ModelFile.known.merging(["OPTM": 1, "SCHD": 1, "LOAD": 1, "STOP": 1]) { a, _ in a }

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
    /// must be in the file.
    public static func restore(from path: String, model: any Layer, optimizer: (any Optimizer)? = nil,
                               scheduler: LRScheduler? = nil, plateau: ReduceLROnPlateau? = nil) throws {
        try restore(read(path), model: model, optimizer: optimizer, scheduler: scheduler, plateau: plateau)
    }

    /// Restores everything, the loader included; returns the batches left in the epoch the
    /// checkpoint was taken in.
    public static func restore(from path: String, model: any Layer, optimizer: (any Optimizer)? = nil,
                               scheduler: LRScheduler? = nil, plateau: ReduceLROnPlateau? = nil,
                               loader: inout DataLoader) throws -> [[Int]] {
        let file = try read(path)
        try restore(file, model: model, optimizer: optimizer, scheduler: scheduler, plateau: plateau)
        return try restoreLoader(file, &loader)
    }

    /// What a fit-loop checkpoint holds beyond `restore(from:...loader:)`: early stopping and
    /// its best weights, replaced only when the file has them.
    static func restore(_ file: AxonFile, model: any Layer, optimizer: any Optimizer, scheduler: LRScheduler?,
                        plateau: ReduceLROnPlateau?, loader: inout DataLoader,
                        earlyStopping: inout EarlyStopping?, bestWeights: inout [Tensor]?) throws {
        try restore(file, model: model, optimizer: optimizer, scheduler: scheduler, plateau: plateau)
        _ = try restoreLoader(file, &loader)
        guard let section = file.section("STOP") else { return }
        var r = ByteReader(section.payload, context: "early-stopping state")
        var stopping = try EarlyStopping(patience: 0)
        try stopping.read(from: &r)
        var weights: [Tensor]?
        if try r.u8() != 0 {
            weights = try TensorList.read(from: &r).map(\.tensor)
            let count = model.stateDict().count
            guard weights?.count == count else {
                throw AxonError(.format,
                                "early-stopping state: \(weights?.count ?? 0) best weights for \(count) tensors")
            }
        }
        earlyStopping = stopping
        bestWeights = weights
    }

    static func read(_ path: String) throws -> AxonFile {
        try AxonFile.decode(FileIO.read(path), knownVersions: known)
    }

    static func restore(_ file: AxonFile, model: any Layer, optimizer: (any Optimizer)?, scheduler: LRScheduler?,
                        plateau: ReduceLROnPlateau?) throws {
        try ModelFile.restore(file, into: model)
        if let optimizer {
            guard let section = file.section("OPTM") else {
                throw AxonError(.format, "checkpoint: no optimizer section")
            }
            try optimizer.restore(checkpointPayload: section.payload)
        }
        guard scheduler != nil || plateau != nil else { return }
        guard let section = file.section("SCHD") else { throw AxonError(.format, "checkpoint: no scheduler section") }
        var r = ByteReader(section.payload, context: "scheduler state")
        let hasScheduler = try r.u8() != 0
        if let scheduler {
            guard hasScheduler else { throw AxonError(.format, "checkpoint: no scheduler state") }
            try scheduler.read(from: &r)
        } else {
            try r.skip(8)
        }
        if try r.u8() != 0, let plateau { try plateau.read(from: &r) }
    }

    static func restoreLoader(_ file: AxonFile, _ loader: inout DataLoader) throws -> [[Int]] {
        guard let section = file.section("LOAD") else { throw AxonError(.format, "checkpoint: no data loader section") }
        var r = ByteReader(section.payload, context: "data loader state")
        var position = DataLoader.Position()
        try position.read(from: &r)
        return try loader.resume(at: position)
    }
}
