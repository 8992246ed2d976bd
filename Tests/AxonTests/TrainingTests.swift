import Testing
@testable import Axon

/// A small regression problem: y = x w* + noise.
func regressionData(_ n: Int, seed: UInt64) throws -> Dataset {
    var g = PRNG(seed: seed)
    let x = try Tensor.normal([n, 3], generator: &g)
    let w = try Tensor([1, -2, 0.5], shape: [3, 1])
    let y = try x.matmul(w) + Tensor.normal([n, 1], std: 0.1, generator: &g)
    return try Dataset(features: x, targets: y)
}

@Suite("Fit loop")
struct TrainerTests {
    func model(seed: UInt64) throws -> Sequential {
        var g = PRNG(seed: seed)
        let m = Sequential(try Linear(3, 8, generator: &g), Tanh(), try Dropout(p: 0.1),
                           try Linear(8, 1, generator: &g))
        m.reseed(seed)
        return m
    }

    /// The validation loss follows a script: best at epoch 2, then no improvement; with
    /// patience 2 the run stops after epoch 5 and the weights of epoch 2 come back.
    @Test func earlyStoppingStopsAtTheRightEpochAndRestoresTheBest() throws {
        let data = try regressionData(64, seed: 1)
        let m = try model(seed: 2)
        let script: [Float] = [1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.5, 0.4]
        var epoch = 0
        let trainer = Trainer(model: m, optimizer: try SGD(m.parameters(), options: .init(learningRate: 0.05)),
                              loss: { out, y in GradMode.isEnabled ? try mseLoss(out, y) : try Tensor(script[epoch]) })
        trainer.earlyStopping = try EarlyStopping(patience: 2, minDelta: 0.001, restoreBestWeights: true)
        var loader = try DataLoader(data, batchSize: 16, seed: 3)
        var snapshots: [[Float]] = []
        let history = try trainer.fit(&loader, validation: data, epochs: 8) { event in
            if case .epoch = event {
                snapshots.append(m.parameters().flatMap(\.scalars))
                epoch += 1
            }
        }
        #expect(history.epochs.count == 6)
        #expect(history.stoppedEarly)
        #expect(history.bestEpoch == 2)
        #expect(history.epochs.map { Float($0.validationLoss ?? 0) } == Array(script.prefix(6)))
        #expect(m.parameters().flatMap(\.scalars) == snapshots[2])
        #expect(snapshots[2] != snapshots[5])
    }

    /// A NaN injected into one step's loss (and so its gradients) skips that step; every
    /// weight stays finite and the run goes on.
    @Test(arguments: [NonFiniteAction.skipStep, .rollback])
    func nonFiniteGradientIsSkipped(_ action: NonFiniteAction) throws {
        let data = try regressionData(64, seed: 4)
        let m = try model(seed: 5)
        var calls = 0
        let trainer = Trainer(
            model: m, optimizer: try Adam(m.parameters(), options: .init(learningRate: 0.01)), loss: { out, y in
                let l = try mseLoss(out, y)
                guard GradMode.isEnabled else { return l }
                calls += 1
                return calls == 3 ? try l * Float.nan : l
            })
        trainer.nonFinite = action
        var loader = try DataLoader(data, batchSize: 16, seed: 6)
        let history = try trainer.fit(&loader, validation: data, epochs: 3)
        #expect(history.epochs.count == 3)
        #expect(history.epochs.map(\.skippedSteps) == [1, 0, 0])
        let finite = m.parameters().allSatisfy { $0.allFinite }
        #expect(finite)
        #expect(history.epochs.allSatisfy { $0.trainLoss.isFinite && ($0.validationLoss ?? .nan).isFinite })
        #expect(history.epochs.last?.validationLoss ?? 1 < history.epochs.first?.validationLoss ?? 0)
    }

    /// Same seeds, same run, to the bit (shuffling, dropout, initialization).
    @Test func sameSeedGivesABitIdenticalRun() throws {
        func run() throws -> [UInt32] {
            let data = try regressionData(96, seed: 7)
            let m = try model(seed: 8)
            let trainer = Trainer(model: m, optimizer: try Adam(m.parameters(), options: .init()),
                                  loss: { try mseLoss($0, $1) })
            trainer.clipNorm = 1
            var loader = try DataLoader(data, batchSize: 10, seed: 9)
            let history = try trainer.fit(&loader, validation: data, epochs: 3)
            return m.parameters().flatMap(\.scalars).map(\.bitPattern)
                + history.epochs.map { Float($0.trainLoss).bitPattern }
        }
        #expect(try run() == run())
    }

    @Test func schedulesStepPerEpochOrPerBatch() throws {
        let data = try regressionData(40, seed: 13)
        for perBatch in [false, true] {
            let m = try model(seed: 14)
            let optimizer = try SGD(m.parameters(), options: .init(learningRate: 0.1))
            let trainer = Trainer(model: m, optimizer: optimizer, loss: { try mseLoss($0, $1) })
            trainer.scheduler = LRScheduler(optimizer, schedule: try ExponentialLR(gamma: 0.5))
            trainer.schedulerStepsPerBatch = perBatch
            var loader = try DataLoader(data, batchSize: 10, seed: 1)
            let history = try trainer.fit(&loader, epochs: 2)
            // Per epoch: 0.1 during epoch 1, then 0.05. Per batch: 4 halvings per epoch.
            #expect(history.epochs.map(\.learningRate) == (perBatch ? [0.1 / 16, 0.1 / 256] : [0.1, 0.05]))
        }
    }

    @Test func reportsAccuracyAndPerLayerGradientNorms() throws {
        var g = PRNG(seed: 10)
        let x = try Tensor.normal([60, 2], generator: &g)
        let labels = try x.slice(axis: 1, start: 0, end: 1).greater(0).reshape([60])
        let data = try Dataset(features: x, targets: labels)
        let m = Sequential(try Linear(2, 4, generator: &g), ReLU(), try Linear(4, 2, generator: &g))
        let trainer = Trainer(model: m, optimizer: try SGD(m.parameters(), options: .init(learningRate: 0.5)),
                              loss: { try crossEntropy($0, $1) })
        var loader = try DataLoader(data, batchSize: 20, seed: 1)
        let history = try trainer.fit(&loader, validation: data, epochs: 20)
        let last = try #require(history.epochs.last)
        #expect((last.validationAccuracy ?? 0) > 0.9)
        #expect(last.trainAccuracy != nil)
        #expect(last.gradientNorms.map(\.layer) == ["0", "2"])
        #expect(last.gradientNorms.allSatisfy { $0.norm > 0 && $0.norm.isFinite })
    }
}

@Suite("Data")
struct DataTests {
    @Test func loaderShufflesEachEpochDeterministically() throws {
        let data = try Dataset(features: Tensor.arange(0, 10).reshape([10, 1]), targets: Tensor.arange(0, 10))
        var a = try DataLoader(data, batchSize: 3, seed: 5), b = try DataLoader(data, batchSize: 3, seed: 5)
        let e1 = a.nextEpochIndices(), e2 = a.nextEpochIndices()
        #expect(e1 == b.nextEpochIndices())
        #expect(e1 != e2)
        #expect(e1.count == 4 && e1.last?.count == 1)
        #expect(Set(e1.flatMap { $0 }) == Set(0..<10))
        var dropping = try DataLoader(data, batchSize: 3, dropLast: true, seed: 5)
        #expect(dropping.nextEpochIndices().map(\.count) == [3, 3, 3])
        var ordered = try DataLoader(data, batchSize: 4, shuffle: false)
        let batches = try ordered.epoch()
        #expect(batches[0].targets.scalars == [0, 1, 2, 3])
    }

    @Test func splitIsADisjointCover() throws {
        let data = try Dataset(features: Tensor.arange(0, 50).reshape([50, 1]), targets: Tensor.arange(0, 50))
        var g = PRNG(seed: 1)
        let (train, validation) = try data.split(validationFraction: 0.2, generator: &g)
        #expect(train.count == 40 && validation.count == 10)
        #expect(Set(train.targets.scalars + validation.targets.scalars).count == 50)
    }

    @Test func standardizationAndWhitening() throws {
        var g = PRNG(seed: 3)
        // Correlated features: z A with a random mixing matrix, shifted.
        let z = try Tensor.normal([4000, 5], generator: &g)
        let a = try Tensor.normal([5, 5], generator: &g)
        let x = try z.matmul(a) + Tensor([3, -1, 0, 2, 5], shape: [5])
        let standardized = try Standardizer(fitting: x).transform(x)
        #expect(try standardized.mean(axes: [0]).abs().max().item() < 1e-5)
        #expect(try (standardized.variance(axes: [0], correction: 0) - 1).abs().max().item() < 1e-4)
        let white = try PCAWhitening(fitting: x, eps: 0).transform(x)
        let centered = try white - white.mean(axes: [0], keepDims: true)
        let covariance = try centered.transposed().matmul(centered) / 4000
        var identity = [Float](repeating: 0, count: 25)
        for i in 0..<5 { identity[i * 5 + i] = 1 }
        let worst = zip(covariance.scalars, identity).map { Swift.abs($0 - $1) }.max() ?? 1
        #expect(worst < 1e-3, "whitened covariance off identity by \(worst)")
    }

    @Test func idxAndCSVReaders() throws {
        let bytes: [UInt8] = [0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 0, 1, 2, 253, 254, 255]
        let t = try IDX.read(bytes, scale: 1)
        #expect(t.shape == [2, 3] && t.scalars == [0, 1, 2, 253, 254, 255])
        #expect(throws: AxonError.self) { try IDX.read([1, 0, 8, 1, 0, 0, 0, 1, 0]) }
        #expect(throws: AxonError.self) { try IDX.read([0, 0, 8, 1, 0, 0, 0, 5, 1, 2]) }
        #expect(throws: AxonError.self) { try IDX.read([0, 0, 0x0D, 1, 0, 0, 0, 1, 0]) }
        let csv = Array("1,2,0\n3.5, 4 ,1\r\n".utf8)
        let (features, labels) = try CSV.read(csv)
        #expect(features.scalars == [1, 2, 3.5, 4] && labels.scalars == [0, 1])
        #expect(throws: AxonError.self) { try CSV.read(Array("1,2,0\n3,1\n".utf8)) }
        #expect(throws: AxonError.self) { try CSV.read(Array("1,x,0\n".utf8)) }
        let header = try CSV.read(Array("150,4,a,b\n5,6,1\n".utf8), labelColumn: 0, skipLines: 1)
        #expect(header.labels.scalars == [5] && header.features.scalars == [6, 1])
    }
}

@Suite("Diagnostics, noise and validation")
struct DiagnosticsTests {
    @Test func lossAlongTheLineHitsBothEnds() throws {
        let data = try regressionData(32, seed: 11)
        var g = PRNG(seed: 12)
        let m = Sequential(try Linear(3, 1, generator: &g))
        let initial = try m.stateDict().map { ($0.name, try $0.tensor.copy()) }
        let trainer = Trainer(model: m, optimizer: try SGD(m.parameters(), options: .init(learningRate: 0.1)),
                              loss: { try mseLoss($0, $1) })
        var loader = try DataLoader(data, batchSize: 8, seed: 1)
        _ = try trainer.fit(&loader, epochs: 5)
        let final = try m.stateDict().map { ($0.name, try $0.tensor.copy()) }
        let evaluate = { try trainer.evaluate(data).loss }
        let finalLoss = try evaluate()
        let line = try lossAlongLine(model: m, initial: initial, final: final, alphas: [0, 0.5, 1], loss: evaluate)
        #expect(line.count == 3)
        #expect(Swift.abs(line[2].loss - finalLoss) < 1e-6)
        #expect(line[0].loss > line[1].loss && line[1].loss > line[2].loss)
        #expect(try evaluate() == finalLoss)   // the model is restored
    }

    @Test func searchesFindTheMinimum() throws {
        let space = ["lr": try LogUniform(1e-5, 1), "wd": try LogUniform(1e-6, 1e-1)]
        let objective: ([String: Double]) -> Double = { p in
            let a = Libm.log(p["lr"] ?? 1) / Libm.log(10) + 2.5
            let b = Libm.log(p["wd"] ?? 1) / Libm.log(10) + 4
            return a * a + b * b
        }
        let random = try randomSearch(space: space, trials: 30, seed: 1, objective: objective)
        #expect(random.count == 30 && random[0].score <= random[29].score)
        let fine = try coarseToFineSearch(space: space, trialsPerRound: 30, rounds: 3, seed: 1, objective: objective)
        #expect(fine[0].score <= random[0].score)
        #expect(fine[0].score < 0.05, "best \(fine[0])")
        #expect(try randomSearch(space: space, trials: 5, seed: 7, objective: objective).map(\.score)
                == randomSearch(space: space, trials: 5, seed: 7, objective: objective).map(\.score))
    }

    @Test func gradientNoiseHasTheScheduledSpread() throws {
        let p = try Tensor.zeros([20_000], requiresGrad: true)
        let noise = try GradientNoise(eta: 0.25, gamma: 0.55, seed: 3)
        let opt = try SGD([p], options: .init(learningRate: 1), noise: noise)
        p.grad = try Tensor.zeros([20_000])
        try opt.step()                       // t = 0: sigma = sqrt(0.25) = 0.5
        let spread = try p.variance().item().squareRoot()
        #expect(Swift.abs(spread - 0.5) < 0.01)
        #expect(Swift.abs(noise.sigma(step: 3) - (0.25 / Libm.pow(4, 0.55)).squareRoot()) < 1e-12)
    }

    @Test func hyperparametersAreValidated() throws {
        let p = try Tensor.zeros([2], requiresGrad: true)
        #expect(throws: AxonError.self) { try SGD([p], options: .init(learningRate: -1)) }
        #expect(throws: AxonError.self) { try SGD([p], options: .init(learningRate: .nan)) }
        #expect(throws: AxonError.self) { try SGD([p], options: .init(learningRate: 0.1, nesterov: true)) }
        #expect(throws: AxonError.self) { try Adam([p], options: .init(betas: (0.9, 1.0))) }
        #expect(throws: AxonError.self) { try AdamW([p], options: .init(decoupledWeightDecay: -1)) }
        #expect(throws: AxonError.self) { try RMSprop([p], options: .init(alpha: 2)) }
        #expect(throws: AxonError.self) { try Adagrad([p], options: .init(eps: -1)) }
        #expect(throws: AxonError.self) { try Adadelta([p], options: .init(rho: 1.5)) }
        #expect(throws: AxonError.self) { try NAdam([p], options: .init(momentumDecay: -1)) }
        #expect(throws: AxonError.self) { try LBFGS([p], options: .init(historySize: 0)) }
        #expect(throws: AxonError.self) {
            try SGD(groups: [ParameterGroup([p], .init()), ParameterGroup([p], .init())])
        }
        #expect(throws: AxonError.self) { try StepLR(stepSize: 0) }
        #expect(throws: AxonError.self) { try ReduceLROnPlateau(SGD([p], options: .init()), factor: 1) }
        #expect(throws: AxonError.self) { try GradientClipping.clipNorm([p], maxNorm: -1) }
        #expect(throws: AxonError.self) { try LBFGS([p]).step() }
    }

    @Test func weightDecayKinds() throws {
        // One step from w = 1 with a zero gradient: coupled L2 moves w by -lr * lambda * w
        // through SGD; decoupled AdamW multiplies w by (1 - lr lambda) before Adam's step.
        let a = try Tensor.ones([1], requiresGrad: true), b = try Tensor.ones([1], requiresGrad: true)
        a.grad = try Tensor.zeros([1]); b.grad = try Tensor.zeros([1])
        try SGD([a], options: .init(learningRate: 0.1, weightDecay: .l2(0.5))).step()
        try AdamW([b], options: .init(learningRate: 0.1, decoupledWeightDecay: 0.5)).step()
        #expect(Swift.abs(a.scalars[0] - 0.95) < 1e-7)
        #expect(Swift.abs(b.scalars[0] - 0.95) < 1e-7)
    }
}

@Suite("By name (what the C and Python doors call)")
struct ByNameTests {
    @Test func optimizersByNameMatchTheTypedOnes() throws {
        for (kind, typed) in [
            ("adam", { (p: [Tensor]) throws -> any Optimizer in
                try Adam(p, options: .init(learningRate: 0.01, betas: (0.8, 0.99)))
            }),
            ("sgd", { p in
                try SGD(p, options: .init(learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: .l2(0.01)))
            }),
            ("adamw", { p in try AdamW(p, options: .init(learningRate: 0.01, decoupledWeightDecay: 0.1)) }),
        ] {
            let options: [String: Double] = kind == "adam" ? ["lr": 0.01, "beta1": 0.8, "beta2": 0.99]
                : kind == "sgd" ? ["lr": 0.1, "momentum": 0.9, "nesterov": 1, "weight_decay": 0.01]
                : ["lr": 0.01, "weight_decay": 0.1]
            let a = try Tensor([1, -2, 3], shape: [3], requiresGrad: true), b = try a.copy()
            b.requiresGrad = true
            let byName = try makeOptimizer(kind, parameters: [a], options: options), direct = try typed([b])
            for _ in 0..<5 {
                for (p, o) in [(a, byName), (b, direct)] {
                    o.zeroGrad()
                    try (p * p * p).sum().backward()
                    try o.step()
                }
            }
            #expect(a.scalars == b.scalars, "\(kind)")
        }
        #expect(throws: AxonError.self) { try makeOptimizer("adamm", parameters: [], options: [:]) }
        #expect(throws: AxonError.self) { try makeOptimizer("adam", parameters: [], options: ["momentum": 0.9]) }
        #expect(throws: AxonError.self) { try makeOptimizer("sgd", parameters: [], options: ["lr": .nan]) }
        #expect(throws: AxonError.self) { try makeOptimizer("sgd", parameters: [], options: ["lr": -1]) }
    }

    @Test func lossesAndTrainStepByName() throws {
        let x = try Tensor([0.5, -1, 2, 0.1, 0.3, -0.7], shape: [2, 3]), y = try Tensor([2, 0], shape: [2])
        #expect(try loss(named: "cross_entropy", x, y).item() == crossEntropy(x, y).item())
        #expect(try loss(named: "mse", x, x * 2, reduction: "sum").item() == mseLoss(x, x * 2, reduction: .sum).item())
        #expect(throws: AxonError.self) { try loss(named: "hinge", x, y) }
        #expect(throws: AxonError.self) { try loss(named: "mse", x, x, reduction: "avg") }
        var g = PRNG(seed: 1)
        let model = Sequential(try Linear(3, 3, generator: &g))
        let opt = try makeOptimizer("sgd", parameters: model.parameters(), options: ["lr": 0.5])
        let first = try trainStep(model: model, optimizer: opt, loss: "cross_entropy", input: x, target: y)
        var last = first
        for _ in 0..<20 {
            last = try trainStep(model: model, optimizer: opt, loss: "cross_entropy", input: x, target: y, clipNorm: 5)
        }
        #expect(last < first * 0.5)
    }

    @Test func schedulesByName() throws {
        #expect(try makeSchedule("step", options: ["step_size": 2, "gamma": 0.5])
                    .learningRate(base: 1, step: 5) == 0.25)
        #expect(try makeSchedule("multistep", options: ["m1": 3, "m2": 6, "gamma": 0.1])
                    .learningRate(base: 1, step: 6) == 0.1 * 0.1)
        #expect(try makeSchedule("cosine", options: ["period": 10]).learningRate(base: 1, step: 10) < 1e-12)
        #expect(throws: AxonError.self) { try makeSchedule("step", options: [:]) }
        #expect(throws: AxonError.self) { try makeSchedule("sawtooth", options: [:]) }
    }
}
