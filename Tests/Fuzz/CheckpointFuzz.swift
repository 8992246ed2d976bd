// Checkpoint restore (`Trainer.resume(bytes:loader:)`) into two runs built as the format
// fixture's is: a fit loop with every section a checkpoint holds (model, Adam with gradient
// noise, StepLR, ReduceLROnPlateau, the loader, early stopping), and the same model with LBFGS,
// whose state holds vectors and a history. A restored run then trains an epoch or steps.
import Axon

/// The objects of a run; `lbfgs` swaps Adam and the schedules for LBFGS.
func fixture(lbfgs: Bool = false) throws -> (trainer: Trainer, loader: DataLoader) {
    var g = PRNG(seed: 21)
    let x = try Tensor.normal([24, 3], generator: &g)
    let y = try x.slice(axis: 1, start: 0, end: 1).greater(0).reshape([24])
    var init_ = PRNG(seed: 22)
    let model = try LayerSpec.parse("linear 3 5; batchnorm1d 5; relu; dropout 0.25; linear 5 2")
        .build(generator: &init_)
    model.reseed(23)
    let loader = try DataLoader(try Dataset(features: x, targets: y), batchSize: 5, shuffle: true, seed: 25)
    if lbfgs {
        let optimizer = try LBFGS(model.parameters(), options: .init(maxIterations: 3, historySize: 2))
        return (Trainer(model: model, optimizer: optimizer) { try crossEntropy($0, $1) }, loader)
    }
    let optimizer = try Adam(model.parameters(), options: .init(learningRate: 0.02),
                             noise: try GradientNoise(eta: 0.01, seed: 24))
    let trainer = Trainer(model: model, optimizer: optimizer) { try crossEntropy($0, $1) }
    trainer.scheduler = LRScheduler(optimizer, schedule: try StepLR(stepSize: 1, gamma: 0.9))
    trainer.plateau = try ReduceLROnPlateau(optimizer, patience: 0)
    trainer.earlyStopping = try EarlyStopping(patience: 5, minDelta: 0.001)
    return (trainer, loader)
}

let target = FuzzTarget(seeds: {
    var seeds: [(name: String, bytes: [UInt8])] = []
    for epochs in [1, 3] {
        var (trainer, loader) = try fixture()
        seeds.append(("fit-\(epochs).axon", try savedBytes { path in
            trainer.checkpointPath = path
            _ = try trainer.fit(&loader, epochs: epochs)
        }))
    }
    // Mid-epoch, from Checkpoint.save: no plateau or early-stopping state.
    var (trainer, loader) = try fixture()
    _ = try trainer.fit(&loader, epochs: 1)
    _ = loader.nextEpochIndices()
    seeds.append(("mid-epoch.axon", try savedBytes { path in
        try Checkpoint.save(to: path, model: trainer.model, optimizer: trainer.optimizer,
                            scheduler: trainer.scheduler, loader: loader, batchesDone: 2,
                            metadata: [("step", "7")])
    }))
    // LBFGS after two steps: a direction, a history of two pairs, the previous gradient.
    (trainer, loader) = try fixture(lbfgs: true)
    let (model, optimizer, data) = (trainer.model, trainer.optimizer, loader.dataset)
    for _ in 0..<2 {
        try (optimizer as? LBFGS)?.step {
            optimizer.zeroGrad()
            let loss = try crossEntropy(model(data.features), data.targets)
            try loss.backward()
            return loss
        }
    }
    seeds.append(("lbfgs.axon", try savedBytes { path in
        try Checkpoint.save(to: path, model: model, optimizer: optimizer, loader: loader)
    }))
    return seeds
}, run: { bytes in
    for input in axonVariants(bytes) {
        for lbfgs in [false, true] {
            var (trainer, loader) = mustSucceed("building the fixture") { try fixture(lbfgs: lbfgs) }
            guard (try? trainer.resume(bytes: input, loader: &loader)) != nil else { continue }
            // The restored run goes on. Hostile values may make it refuse (a NaN metric, say), not crash.
            guard let optimizer = trainer.optimizer as? LBFGS else {
                _ = try? trainer.fit(&loader, epochs: 1)
                continue
            }
            // A file may ask for any number of iterations; a few show whether the state holds together.
            optimizer.options.maxIterations = min(optimizer.options.maxIterations, 4)
            optimizer.options.maxEvaluations = min(optimizer.options.maxEvaluations ?? 5, 5)
            let (model, data) = (trainer.model, loader.dataset)
            _ = try? optimizer.step {
                optimizer.zeroGrad()
                let loss = try crossEntropy(model(data.features), data.targets)
                try loss.backward()
                return loss
            }
        }
    }
})
