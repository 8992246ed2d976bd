import Foundation
import Testing
@testable import Axon

/// Restores apply completely or not at all: a checkpoint or a state dict that fails to load
/// leaves the model (parameters, buffers, training flags, dropout streams), the optimizer, the
/// schedules and the loader exactly as they were, bit for bit.
@Suite("Transactional restores")
struct TransactionalRestoreTests {
    /// Everything a restore may change, as bits.
    struct Snapshot: Equatable {
        var state: [String: [UInt32]] = [:]
        var training: [Bool] = []
        var streams: [UInt8] = []
        var optimizer: [UInt8] = []
        var learningRates: [UInt64] = []
        var schedulerSteps = 0
        var plateau: [UInt8] = []
        var loader: [UInt8] = []

        init(_ model: any Layer, _ optimizer: (any Optimizer)? = nil, _ scheduler: LRScheduler? = nil,
             _ plateau: ReduceLROnPlateau? = nil, _ loader: DataLoader? = nil) throws {
            for (name, t) in model.stateDict() { state[name] = t.scalars.map(\.bitPattern) }
            func flags(_ layer: any Layer) -> [Bool] { [layer.training] + layer.children.flatMap { flags($0.layer) } }
            training = flags(model)
            var w = ByteWriter()
            for (name, layer) in model.namedGenerators() { w.string(name); layer.generator.write(to: &w) }
            streams = w.bytes
            if let optimizer {
                self.optimizer = try optimizer.checkpointPayload()
                learningRates = optimizer.learningRates.map(\.bitPattern)
            }
            schedulerSteps = scheduler?.stepCount ?? -1
            if let plateau {
                var p = ByteWriter()
                plateau.write(to: &p)
                self.plateau = p.bytes
            }
            if let loader {
                var l = ByteWriter()
                l.u64(UInt64(loader.epochsStarted))
                loader.generator.write(to: &l)
                loader.epochStartGenerator.write(to: &l)
                self.loader = l.bytes
            }
        }
    }

    typealias Run = CheckpointTests.Run

    /// A trained run's checkpoint (model, optimizer, scheduler, plateau, loader) as a file.
    func checkpoint(_ dir: TemporaryDirectory) throws -> (path: String, file: AxonFile) {
        var run = try Run(seed: 1, optimizer: "adam")
        try run.train(run.loader.nextEpochIndices())
        let plateau = try ReduceLROnPlateau(run.optimizer, patience: 0)
        try plateau.step(metric: 1)
        try plateau.step(metric: 2)
        let path = dir.file("run.axon")
        try Checkpoint.save(to: path, model: run.model, optimizer: run.optimizer, scheduler: run.scheduler,
                            plateau: plateau, loader: run.loader, batchesDone: 3)
        return (path, try AxonFile.decode(FileIO.read(path), knownVersions: Checkpoint.known))
    }

    /// The ways a checkpoint can be damaged after the model's sections, each with its name.
    func damaged(_ file: AxonFile) throws -> [(String, AxonFile)] {
        func changing(_ tag: String, _ change: (inout [UInt8]) -> Void) -> AxonFile {
            var f = file
            if let i = f.sections.firstIndex(where: { $0.tag == tag }) { change(&f.sections[i].payload) }
            return f
        }
        func without(_ tag: String) -> AxonFile {
            var f = file
            f.sections.removeAll { $0.tag == tag }
            return f
        }
        let sgd = try SGD([try Tensor.ones([2])], options: .init(learningRate: 0.1)).checkpointPayload()
        return [
            ("optimizer section truncated", changing("OPTM") { $0.removeLast() }),
            ("optimizer section missing", without("OPTM")),
            ("optimizer of another kind", changing("OPTM") { $0 = sgd }),
            ("scheduler section truncated", changing("SCHD") { $0.removeLast() }),
            ("plateau with two rates for one group", changing("SCHD") { p in
                p[34] = 2
                p += [0, 0, 0, 0, 0, 0, 0xF0, 0x3F]
            }),
            ("loader section truncated", changing("LOAD") { $0.removeLast() }),
            ("loader section missing", without("LOAD")),
            ("loader position past the epoch", changing("LOAD") { $0[8] = 200 }),
            ("sharding truncated", changing("SHRD") { $0.removeLast() }),
            ("rank 1 of a world of 1", changing("SHRD") { $0[0] = 1 }),
            ("a world of no replica", changing("SHRD") { $0[8] = 0 }),
            ("loader of another global batch", changing("LDSZ") { $0[8] = 2 }),
            ("random stream of no layer", changing("RNGS") { $0[8] = UInt8(ascii: "9") }),
            ("training flag 7", changing("MODE") { $0 = [7] }),
            ("metadata truncated", changing("META") { $0 = [1] }),
        ]
    }

    @Test func damagedCheckpointChangesNothing() throws {
        let dir = try TemporaryDirectory()
        let (path, file) = try checkpoint(dir)
        var other = try Run(seed: 2, optimizer: "adam")
        try other.train(Array(other.loader.nextEpochIndices().prefix(2)))
        other.model.eval()
        let plateau = try ReduceLROnPlateau(other.optimizer, patience: 3)
        let before = try Snapshot(other.model, other.optimizer, other.scheduler, plateau, other.loader)
        for (what, damage) in try damaged(file) {
            let bad = dir.file("bad.axon")
            try AxonFile.writeAtomically(damage.encoded(), to: bad)
            do {
                _ = try Checkpoint.restore(from: bad, model: other.model, optimizer: other.optimizer,
                                           scheduler: other.scheduler, plateau: plateau, loader: &other.loader)
                Issue.record("\(what): restored")
            } catch let e as AxonError {
                #expect(e.kind == .format, "\(what): \(e)")
            }
            #expect(try Snapshot(other.model, other.optimizer, other.scheduler, plateau, other.loader) == before,
                    "\(what) changed something")
        }
        // The intact file does change everything (so the comparison above can fail).
        _ = try Checkpoint.restore(from: path, model: other.model, optimizer: other.optimizer,
                                   scheduler: other.scheduler, plateau: plateau, loader: &other.loader)
        let after = try Snapshot(other.model, other.optimizer, other.scheduler, plateau, other.loader)
        #expect(after.state != before.state && after.training != before.training && after.streams != before.streams)
        #expect(after.optimizer != before.optimizer && after.schedulerSteps != before.schedulerSteps)
        #expect(after.plateau != before.plateau && after.loader != before.loader)
    }

    @Test func damagedCheckpointLeavesACursorWhereItWas() throws {
        let dir = try TemporaryDirectory()
        let (_, file) = try checkpoint(dir)
        let other = try Run(seed: 2, optimizer: "adam")
        let cursor = BatchCursor(other.loader)
        _ = try cursor.next()
        let before = try Snapshot(other.model, other.optimizer, other.scheduler, nil, cursor.loader)
        for (what, damage) in try damaged(file) where !what.hasPrefix("plateau") {
            let bad = dir.file("bad.axon")
            try AxonFile.writeAtomically(damage.encoded(), to: bad)
            #expect(throws: AxonError.self, "\(what)") {
                try Checkpoint.restore(from: bad, model: other.model, optimizer: other.optimizer,
                                       scheduler: other.scheduler, cursor: cursor)
            }
            #expect(try Snapshot(other.model, other.optimizer, other.scheduler, nil, cursor.loader) == before,
                    "\(what)")
            #expect(cursor.batchesDone == 1, "\(what)")
        }
    }

    @Test func damagedEarlyStoppingSectionChangesNothing() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("fit.axon")
        var (first, firstLoader, data) = try FitCheckpointTests().makeTrainer(seed: 1, path: path)
        _ = try first.fit(&firstLoader, validation: data, epochs: 2)
        let file = try AxonFile.decode(FileIO.read(path), knownVersions: Checkpoint.known)
        var (second, secondLoader, _) = try FitCheckpointTests().makeTrainer(seed: 7, path: nil)
        let before = try Snapshot(second.model, second.optimizer, second.scheduler, second.plateau, secondLoader)
        for cut in [1, 5, 40] {
            var bad = file
            let i = try #require(bad.sections.firstIndex { $0.tag == "STOP" })
            bad.sections[i].payload.removeLast(cut)
            try AxonFile.writeAtomically(bad.encoded(), to: path)
            do {
                try second.resume(from: path, loader: &secondLoader)
                Issue.record("resumed from a damaged early-stopping section")
            } catch let e as AxonError {
                #expect(e.kind == .format && e.message.contains("'STOP'"), "\(e)")
            }
            #expect(try Snapshot(second.model, second.optimizer, second.scheduler, second.plateau, secondLoader)
                    == before)
            #expect(second.earlyStopping?.best == .infinity && second.epochsCompleted == 0)
        }
    }

    @Test func stateLoadWithAWrongShapeInTheLastTensorChangesNothing() throws {
        var g = PRNG(seed: 8)
        let model = Sequential(try Linear(3, 4, generator: &g), try BatchNorm1d(4), try Linear(4, 2, generator: &g))
        let source = Sequential(try Linear(3, 4, generator: &g), try BatchNorm1d(4), try Linear(4, 2, generator: &g))
        var state = source.stateDict()
        let before = try Snapshot(model)
        let last = state.count - 1
        state[last].tensor = try Tensor.ones([3])
        #expect(throws: AxonError.self) { try model.loadStateDict(state) }
        do {
            try model.loadStateDict(state, strict: false)
        } catch let e as AxonError {
            #expect(e.kind == .shapeMismatch && e.message.contains(state[last].name), "\(e)")
        }
        #expect(try Snapshot(model) == before)
        // A missing key (strict) changes nothing either; the good state loads completely.
        #expect(throws: AxonError.self) { try model.loadStateDict(Array(source.stateDict().dropLast())) }
        #expect(try Snapshot(model) == before)
        try model.loadStateDict(source.stateDict())
        #expect(try Snapshot(model).state == Snapshot(source).state)
    }
}
