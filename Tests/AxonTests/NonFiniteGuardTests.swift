import Testing
@testable import Axon

/// The training step's and the fit loop's guard against NaN and infinite values: the weights,
/// the BatchNorm statistics and the optimizer's moments stay as they were.
@Suite("Non-finite guard")
struct NonFiniteGuardTests {
    func model(seed: UInt64) throws -> any Layer {
        var g = PRNG(seed: seed)
        return try LayerSpec.parse("linear 4 8; batchnorm1d 8; relu; linear 8 3").build(generator: &g)
    }

    func bits(_ m: any Layer) -> [[UInt32]] { m.stateDict().map { $0.tensor.scalars.map(\.bitPattern) } }

    /// `allFinite` reads exponent fields: every non-finite value is found wherever it sits, and
    /// the extremes of the finite range pass.
    @Test func allFiniteFindsEveryNonFiniteValue() throws {
        let finite: [Float] = [0, -0, .leastNonzeroMagnitude, -.leastNormalMagnitude, .greatestFiniteMagnitude,
                               -.greatestFiniteMagnitude, 1, -3.5]
        #expect(try Tensor(finite, shape: [8]).allFinite)
        #expect(try Tensor.zeros([0]).allFinite)
        for bad: Float in [.nan, -.nan, .infinity, -.infinity, .signalingNaN] {
            for at in [0, 13, 36] {
                var values = [Float](repeating: 1, count: 37)
                values[at] = bad
                #expect(!(try Tensor(values, shape: [37]).allFinite), "\(bad) at \(at)")
            }
        }
    }

    @Test func aNaNBatchLeavesTheTrainStepsStateUntouched() throws {
        let m = try model(seed: 1)
        let opt = try Adam(m.parameters(), options: .init(learningRate: 0.01))
        var g = PRNG(seed: 2)
        let x = try Tensor.normal([6, 4], generator: &g), y = try Tensor([0, 1, 2, 0, 1, 2], shape: [6])
        try trainStep(model: m, optimizer: opt, loss: "cross_entropy", input: x, target: y)
        let before = bits(m), moments = try opt.checkpointPayload()
        var bad = x.scalars
        bad[3] = .nan
        do {
            try trainStep(model: m, optimizer: opt, loss: "cross_entropy", input: try Tensor(bad, shape: [6, 4]),
                          target: y)
            Issue.record("a NaN batch was trained on")
        } catch let error as AxonError {
            #expect(error.kind == .nonFinite)
        }
        #expect(bits(m) == before)
        #expect(try opt.checkpointPayload() == moments)
        // Unguarded, the same batch poisons the model, as it always did.
        try trainStep(model: m, optimizer: opt, loss: "cross_entropy", input: try Tensor(bad, shape: [6, 4]),
                      target: y, guarded: false)
        let poisoned = !m.parameters().allSatisfy(\.allFinite)
        #expect(poisoned)
    }

    @Test func anOverflowingUpdateIsUndoneWithTheOptimizersState() throws {
        var g0 = PRNG(seed: 3)
        let m = try LayerSpec.parse("linear 4 3").build(generator: &g0)
        let opt = try SGD(m.parameters(), options: .init(learningRate: 3e38, momentum: 0.9))
        var g = PRNG(seed: 4)
        let x = try Tensor.normal([6, 4], generator: &g) * 1000, y = try Tensor([0, 1, 2, 0, 1, 2], shape: [6])
        let before = bits(m), state = try opt.checkpointPayload()
        #expect(throws: AxonError.self) {
            try trainStep(model: m, optimizer: opt, loss: "cross_entropy", input: x, target: y)
        }
        let after = try opt.checkpointPayload()
        #expect(bits(m) == before && after == state)
    }

    @Test func afterANaNBatchFitKeepsFiniteStatisticsAndSkipsNothingElse() throws {
        let m = try model(seed: 5)
        let opt = try Adam(m.parameters(), options: .init(learningRate: 0.01))
        var g = PRNG(seed: 6)
        var features = try Tensor.normal([64, 4], generator: &g).scalars
        features[5] = .nan  // one bad sample: its batch is skipped
        let targets = try Tensor((0..<64).map { Float($0 % 3) }, shape: [64])
        var loader = try DataLoader(Dataset(features: try Tensor(features, shape: [64, 4]), targets: targets),
                                    batchSize: 8, shuffle: false, seed: 1)
        let trainer = Trainer(model: m, optimizer: opt) { try crossEntropy($0, $1) }
        let history = try trainer.fit(&loader, epochs: 2)
        #expect(history.epochs.map(\.skippedSteps) == [1, 1])   // the bad batch only, each epoch
        m.eval()
        let clean = try Tensor.normal([5, 4], generator: &g)
        let output = try m(clean)
        #expect(output.allFinite)
        #expect(m.stateDict().allSatisfy { $0.tensor.allFinite })
    }
}

@Suite("Schedules stay finite")
struct FiniteScheduleTests {
    @Test func aGrowingScheduleStopsAtTheLargestFiniteRate() throws {
        let p = try Tensor([1, 2], shape: [2], requiresGrad: true)
        let opt = try SGD([p], options: .init(learningRate: 0.1))
        let scheduler = try LRScheduler(opt, schedule: ExponentialLR(gamma: 1e30))
        for _ in 0..<40 { scheduler.step() }
        let rates = opt.learningRates
        #expect(rates.allSatisfy { $0.isFinite && $0 == Double(Float.greatestFiniteMagnitude) })
    }
}

@Suite("Non-finite guard with a frozen layer")
struct FrozenLayerGuardTests {
    /// The first layer is left out of the optimizer (frozen but still recording gradients): a bad
    /// batch's NaN gradient there must not make the guard skip every later step.
    @Test func onlyTheOptimizersParametersAreChecked() throws {
        var g = PRNG(seed: 8)
        let m = try LayerSpec.parse("linear 4 8; relu; linear 8 3").build(generator: &g)
        let trained = m.namedParameters().filter { $0.name.hasPrefix("2.") }.map(\.tensor)
        let opt = try SGD(trained, options: .init(learningRate: 0.05))
        var features = try Tensor.normal([32, 4], generator: &g).scalars
        features[1] = .nan
        let targets = try Tensor((0..<32).map { Float($0 % 3) }, shape: [32])
        var loader = try DataLoader(Dataset(features: try Tensor(features, shape: [32, 4]), targets: targets),
                                    batchSize: 8, shuffle: false, seed: 1)
        let trainer = Trainer(model: m, optimizer: opt) { try crossEntropy($0, $1) }
        let history = try trainer.fit(&loader, epochs: 3)
        #expect(history.epochs.map(\.skippedSteps) == [1, 1, 1])
        let finite = m.parameters().allSatisfy(\.allFinite)
        #expect(finite)
    }
}
