import Foundation
import Testing
@testable import Axon

/// Files written by format version 1 keep loading, and this library writes them again byte
/// for byte. `Fixtures/checkpoint_v1.axon` is a fit-loop checkpoint with every section a
/// version-1 file can hold (architecture, parameters, buffers, mode, dropout stream,
/// metadata, Adam with gradient noise, StepLR, ReduceLROnPlateau, the data loader, early
/// stopping with best weights). Regenerate it only when the format version changes:
///
///     AXON_WRITE_FIXTURES=1 swift test -c release --filter FormatCompatibility
@Suite("Format compatibility")
struct FormatCompatibilityTests {
    static let fixture = Fixtures.directory.appendingPathComponent("checkpoint_v1.axon").path

    /// The objects of the run the fixture was saved from (their starting state is overwritten
    /// by a restore).
    struct Run {
        let trainer: Trainer
        var loader: DataLoader

        init() throws {
            var g = PRNG(seed: 21)
            let x = try Tensor.normal([24, 3], generator: &g)
            let y = try x.slice(axis: 1, start: 0, end: 1).greater(0).reshape([24])
            var init_ = PRNG(seed: 22)
            let model = try LayerSpec.parse("linear 3 5; batchnorm1d 5; relu; dropout 0.25; linear 5 2")
                .build(generator: &init_)
            model.reseed(23)
            let optimizer = try Adam(model.parameters(), options: .init(learningRate: 0.02),
                                     noise: try GradientNoise(eta: 0.01, seed: 24))
            trainer = Trainer(model: model, optimizer: optimizer) { try crossEntropy($0, $1) }
            trainer.scheduler = LRScheduler(optimizer, schedule: try StepLR(stepSize: 1, gamma: 0.9))
            trainer.plateau = try ReduceLROnPlateau(optimizer, patience: 0)
            trainer.earlyStopping = try EarlyStopping(patience: 5, minDelta: 0.001)
            loader = try DataLoader(try Dataset(features: x, targets: y), batchSize: 5, shuffle: true, seed: 25)
        }

        /// A checkpoint of the current state, as `fit` writes it.
        func save(to path: String) throws {
            try Checkpoint.save(to: path, model: trainer.model, optimizer: trainer.optimizer,
                                scheduler: trainer.scheduler, plateau: trainer.plateau, loader: loader,
                                batchesDone: loader.batchCount, earlyStopping: trainer.earlyStopping,
                                bestWeights: trainer.bestWeights)
        }
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["AXON_WRITE_FIXTURES"] == "1"))
    func writeFixture() throws {
        var run = try Run()
        run.trainer.checkpointPath = Self.fixture
        _ = try run.trainer.fit(&run.loader, epochs: 3)
    }

    @Test func version1CheckpointLoadsAndIsWrittenAgainUnchanged() throws {
        let original = try FileIO.read(Self.fixture)
        var run = try Run()
        try run.trainer.resume(from: Self.fixture, loader: &run.loader)
        #expect(run.trainer.epochsCompleted == 3)
        #expect(run.trainer.optimizer.stepCount == 15)
        #expect(run.trainer.scheduler?.stepCount == 3)
        #expect(run.trainer.earlyStopping?.bestEpoch != nil)
        #expect(run.trainer.bestWeights?.count == run.trainer.model.stateDict().count)
        #expect(run.trainer.model.training)

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("axon-v1-\(getpid()).axon").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try run.save(to: path)
        // Written again, it is the fixture's bytes plus two sections added since, LDSZ (the sizes
        // of the data loader) and SHRD (its sharding), which the fixture predates: the fixture's
        // sections come back byte for byte, in order, and LDSZ and SHRD hold this run's loader.
        let rewritten = try AxonFile.decode(FileIO.read(path), knownVersions: Checkpoint.known)
        let fixture = try AxonFile.decode(original, knownVersions: Checkpoint.known)
        let kept = rewritten.sections.filter { $0.tag != "LDSZ" && $0.tag != "SHRD" }
        #expect(kept.map(\.tag) == fixture.sections.map(\.tag))
        for (a, b) in zip(kept, fixture.sections) {
            #expect(a.payload == b.payload && a.required == b.required && a.version == b.version, "\(a.tag)")
        }
        var expected = ByteWriter()
        expected.u64(UInt64(run.loader.dataset.count))
        expected.u64(UInt64(run.loader.batchSize))
        expected.u8(run.loader.shuffle ? 1 : 0)
        expected.u8(run.loader.dropLast ? 1 : 0)
        #expect(rewritten.section("LDSZ")?.payload == expected.bytes)
        #expect(fixture.section("LDSZ") == nil)
        var sharding = ByteWriter()
        sharding.u64(0)   // rank 0 of 1
        sharding.u64(1)
        #expect(rewritten.section("SHRD")?.payload == sharding.bytes)
        #expect(fixture.section("SHRD") == nil)
    }

    @Test func version1CheckpointServesAsAModel() throws {
        let loaded = try ModelFile.decode(FileIO.read(Self.fixture))
        let spec = try #require(loaded.model.spec)
        #expect(spec == (try LayerSpec.parse("linear 3 5; batchnorm1d 5; relu; dropout 0.25; linear 5 2")))
        #expect(loaded.model.namedGenerators().map(\.name) == ["3"])
        #expect(loaded.model.stateDict().map(\.name) == [
            "0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
            "1.num_batches_tracked", "4.weight", "4.bias",
        ])
        #expect(try loaded.model.stateDict()[6].tensor.item() == 15)
    }
}
