import Foundation
import Testing
@testable import Axon

/// Exact resume: N steps, save, restore into objects made afresh, M more steps equals N + M
/// steps without stopping, to the bit (dropout, shuffling, BatchNorm, Adam, a schedule).
@Suite("Checkpoints")
struct CheckpointTests {
    struct Run {
        let model: Sequential
        let optimizer: any Optimizer
        let scheduler: LRScheduler
        var loader: DataLoader
        let data: Dataset

        /// `seed` only shapes the starting state, which a restore overwrites.
        init(seed: UInt64, optimizer kind: String) throws {
            var g = PRNG(seed: 100)
            let x = try Tensor.normal([50, 4], generator: &g)
            let y = try (x.slice(axis: 1, start: 0, end: 1).greater(0)
                         + x.slice(axis: 1, start: 1, end: 2).greater(0)).reshape([50])
            data = try Dataset(features: x, targets: y)
            var init_ = PRNG(seed: seed)
            model = Sequential(try Linear(4, 16, generator: &init_), try BatchNorm1d(16), ReLU(), try Dropout(p: 0.3),
                               try Linear(16, 3, generator: &init_))
            model.reseed(seed)
            switch kind {
            case "sgd": optimizer = try SGD(model.parameters(),
                                            options: .init(learningRate: 0.05, momentum: 0.9, nesterov: true))
            case "rmsprop": optimizer = try RMSprop(model.parameters(),
                                                    options: .init(learningRate: 0.01, momentum: 0.5, centered: true))
            default: optimizer = try Adam(model.parameters(), options: .init(learningRate: 0.01, amsgrad: true),
                                          noise: try GradientNoise(eta: 0.01, seed: seed))
            }
            scheduler = LRScheduler(optimizer, schedule: try StepLR(stepSize: 4, gamma: 0.7))
            loader = try DataLoader(data, batchSize: 8, shuffle: true, seed: seed &+ 1)
        }

        mutating func train(_ batches: [[Int]]) throws {
            for batch in batches {
                let loss = try crossEntropy(model(data.features.indexSelect(axis: 0, indices: batch)),
                                            data.targets.indexSelect(axis: 0, indices: batch))
                optimizer.zeroGrad()
                try loss.backward()
                try optimizer.step()
                scheduler.step()
            }
        }

        var fingerprint: [UInt32] {
            model.stateDict().flatMap(\.tensor.scalars).map(\.bitPattern)
                + optimizer.learningRates.map { UInt32(truncatingIfNeeded: $0.bitPattern) }
        }
    }

    @Test(arguments: ["adam", "sgd", "rmsprop"])
    func resumeIsBitIdentical(_ kind: String) throws {
        // 7 batches per epoch; stop after 10 batches (mid-epoch 2), continue for 12 more.
        var straight = try Run(seed: 1, optimizer: kind)
        var batches: [[Int]] = []
        while batches.count < 22 { batches += straight.loader.nextEpochIndices() }
        try straight.train(Array(batches.prefix(22)))

        var first = try Run(seed: 1, optimizer: kind)
        let epoch1 = first.loader.nextEpochIndices()
        let epoch2 = first.loader.nextEpochIndices()
        try first.train(epoch1 + Array(epoch2.prefix(3)))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("axon-\(UUID().uuidString).axon").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Checkpoint.save(to: path, model: first.model, optimizer: first.optimizer, scheduler: first.scheduler,
                            loader: first.loader, batchesDone: 3)

        var resumed = try Run(seed: 99, optimizer: kind)   // different starting state, overwritten below
        let rest = try Checkpoint.restore(from: path, model: resumed.model, optimizer: resumed.optimizer,
                                          scheduler: resumed.scheduler, loader: &resumed.loader)
        #expect(rest == Array(epoch2.dropFirst(3)))
        try resumed.train(rest)
        try resumed.train(resumed.loader.nextEpochIndices() + Array(resumed.loader.nextEpochIndices().prefix(1)))
        #expect(resumed.fingerprint == straight.fingerprint)
        #expect(resumed.optimizer.stepCount == 22)
    }

    @Test func lbfgsAndPlateauStateRoundTrip() throws {
        let xy = try Tensor([-1.2, 1], shape: [2], requiresGrad: true)
        let model = Sequential(Identity())
        func rosenbrock(_ p: Tensor) -> () throws -> Tensor {
            {
                p.zeroGrad()
                let x = try p.slice(axis: 0, start: 0, end: 1), y = try p.slice(axis: 0, start: 1, end: 2)
                let f = try ((1 - x).pow(2) + 100 * (y - x.pow(2)).pow(2)).sum()
                try f.backward()
                return f
            }
        }
        let a = try LBFGS([xy], options: .init(maxIterations: 3, historySize: 3, strongWolfe: true))
        for _ in 0..<2 { try a.step(closure: rosenbrock(xy)) }
        let payload = try a.checkpointPayload()
        let xy2 = try xy.copy()
        xy2.requiresGrad = true
        let b = try LBFGS([xy2], options: .init())
        try b.restore(checkpointPayload: payload)
        try a.step(closure: rosenbrock(xy))
        try b.step(closure: rosenbrock(xy2))
        #expect(xy.scalars == xy2.scalars)
        #expect(throws: AxonError.self) { try b.restore(checkpointPayload: Array(payload.dropLast())) }
        #expect(throws: AxonError.self) { try SGD([xy], options: .init()).restore(checkpointPayload: payload) }
        _ = model
    }

    @Test func corruptCheckpointsAreRefused() throws {
        var run = try Run(seed: 3, optimizer: "adam")
        try run.train(run.loader.nextEpochIndices())
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("axon-\(UUID().uuidString).axon").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Checkpoint.save(to: path, model: run.model, optimizer: run.optimizer, scheduler: run.scheduler,
                            loader: run.loader, batchesDone: 7)
        var bytes = try FileIO.read(path)
        // A model-only reader still loads the model from a checkpoint (OPTM and LOAD are optional).
        #expect(try ModelFile.decode(bytes).model.parameterCount == run.model.parameterCount)
        bytes[bytes.count - 3] ^= 1
        try AxonFile.writeAtomically(bytes, to: path)
        var other = try Run(seed: 4, optimizer: "adam")
        #expect(throws: AxonError.self) {
            _ = try Checkpoint.restore(from: path, model: other.model, optimizer: other.optimizer,
                                       loader: &other.loader)
        }
        // An optimizer of another kind is refused.
        bytes[bytes.count - 3] ^= 1
        try AxonFile.writeAtomically(bytes, to: path)
        let sgd = try Run(seed: 4, optimizer: "sgd")
        #expect(throws: AxonError.self) {
            try Checkpoint.restore(from: path, model: sgd.model, optimizer: sgd.optimizer)
        }
    }
}

@Suite("Fit-loop checkpoints")
struct FitCheckpointTests {
    func makeTrainer(seed: UInt64, path: String?) throws -> (Trainer, DataLoader, Dataset) {
        var g = PRNG(seed: 50)
        let x = try Tensor.normal([60, 3], generator: &g)
        let y = try x.slice(axis: 1, start: 0, end: 1).greater(0).reshape([60])
        let data = try Dataset(features: x, targets: y)
        var i = PRNG(seed: seed)
        let model = Sequential(try Linear(3, 8, generator: &i), try BatchNorm1d(8), ReLU(), try Dropout(p: 0.2),
                               try Linear(8, 2, generator: &i))
        model.reseed(seed)
        let optimizer = try Adam(model.parameters(), options: .init(learningRate: 0.02))
        let trainer = Trainer(model: model, optimizer: optimizer, loss: { try crossEntropy($0, $1) })
        trainer.scheduler = LRScheduler(optimizer, schedule: try ExponentialLR(gamma: 0.9))
        trainer.plateau = try ReduceLROnPlateau(optimizer, patience: 0, threshold: 0.2)
        trainer.earlyStopping = try EarlyStopping(patience: 10)
        trainer.checkpointPath = path
        return (trainer, try DataLoader(data, batchSize: 16, seed: seed), data)
    }

    @Test func resumingAFitIsBitIdentical() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("axon-\(UUID().uuidString).axon").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var (straight, straightLoader, data) = try makeTrainer(seed: 1, path: nil)
        let full = try straight.fit(&straightLoader, validation: data, epochs: 5)

        var (first, firstLoader, _) = try makeTrainer(seed: 1, path: path)
        _ = try first.fit(&firstLoader, validation: data, epochs: 2)
        var (second, secondLoader, _) = try makeTrainer(seed: 7, path: path)
        try second.resume(from: path, loader: &secondLoader)
        #expect(second.epochsCompleted == 2)
        let rest = try second.fit(&secondLoader, validation: data, epochs: 3)
        #expect(rest.epochs.map(\.epoch) == [2, 3, 4])
        #expect(rest.epochs.map(\.trainLoss) == Array(full.epochs.suffix(3)).map(\.trainLoss))
        #expect(second.model.stateDict().flatMap(\.tensor.scalars)
                == straight.model.stateDict().flatMap(\.tensor.scalars))
        #expect(second.optimizer.learningRates == straight.optimizer.learningRates)
        #expect(second.earlyStopping?.best == straight.earlyStopping?.best)
    }
}
