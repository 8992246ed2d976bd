import Axon

/// `axon-cli train`: loads the data, builds the model, trains with a table per epoch and a
/// progress display, evaluates on the test set, writes the model and the curves.
enum TrainCommand {
    /// What a checkpoint written by `train` says about its run.
    struct Resumed {
        let path: String
        let recipe: [(key: String, value: String)]
        let epochs: Int
        let history: [EpochRow]

        static func read(_ path: String) throws -> Resumed {
            let metadata: [(key: String, value: String)]
            do {
                metadata = try ModelFile.load(path).metadata
            } catch let error as AxonError {
                throw UsageError("--resume \(path): \(error.message)")
            }
            let values = Dictionary(metadata.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            guard let recipe = values["train.recipe"], let epochs = values["train.epochs"].flatMap({ Int($0) }),
                  epochs >= 1, epochs <= 10_000 else {
                throw UsageError("--resume \(path): not a checkpoint written by axon-cli train --checkpoint")
            }
            let rows = metadata.filter { $0.key.hasPrefix("train.history.") }.compactMap { EpochRow(encoded: $0.value) }
            return Resumed(path: path, recipe: TrainOptions.arguments(fromRecipe: recipe).map { (key: $0, value: $1) },
                           epochs: epochs, history: rows)
        }
    }

    nonisolated(unsafe) static var progress: ProgressReporter?

    static func run(_ args: [String], alias: String?) throws {
        var a = try Arguments(args, command: alias ?? "train", positionals: [], options: Help.train.options)
        if let alias {
            if a.has("--data") { throw UsageError("\(alias) is train --data mnist; use train for other data") }
            a.setDefault("--data", "mnist")
        }
        let given = Set(a.values.keys)
        var resumed: Resumed?
        if let path = a.string("--resume"), !path.isEmpty {
            let r = try Resumed.read(path)
            for (key, value) in r.recipe where !given.contains(key) { a.setDefault(key, value) }
            a.setDefault("--epochs", "\(r.epochs)")
            resumed = r
        }
        var o = try TrainOptions(a, given: given)
        try train(&o, resumed: resumed)
    }

    static func train(_ o: inout TrainOptions, resumed: Resumed?) throws {
        let clock = Stopwatch()
        if let threads = o.threads { Threading.threadCount = threads }
        let raw = try o.data.load(labelColumn: o.labelColumn, testSplit: o.testSplit, limit: o.limit)
        let classes = try ClassEncoding(labels: raw.train.labels + (raw.test?.labels ?? []))
        let all = try Dataset(features: raw.train.features, targets: classes.encode(raw.train.labels))
        var splitGenerator = PRNG(seed: o.seed)
        var (train, validation) = try all.split(validationFraction: o.valSplit, generator: &splitGenerator)
        guard train.count > 0 else { throw UsageError("--val-split \(o.valSplit) leaves no training sample") }
        if o.valSplit > 0 && validation.count == 0 {
            throw UsageError("--val-split \(o.valSplit) of \(all.count) samples leaves no validation sample")
        }
        let preprocessing = try Preprocessing.fit(o.data, train.features)
        train = try Dataset(features: preprocessing.apply(train.features), targets: train.targets)
        validation = try Dataset(features: preprocessing.apply(validation.features), targets: validation.targets)
        let test = try raw.test.map {
            try Dataset(features: preprocessing.apply($0.features), targets: classes.encode($0.labels))
        }
        let features = train.features.shape[1]
        let spec = try o.model ?? LayerSpec.parse(Recipe.of(o.data).model(features, classes.names.count))
        o.model = spec
        var initGenerator = PRNG(seed: o.seed &+ 1)
        let model = try spec.build(generator: &initGenerator)
        model.reseed(o.seed &+ 2)
        try check(model, features: features, classes: classes.names.count, sample: train, data: o.data.title)
        guard model.parameterCount > 0 else { throw UsageError("--model has no parameters to train") }
        if spec.description.contains("batchnorm"), min(o.batchSize, train.count) < 2 {
            throw UsageError("--model has BatchNorm, which needs batches of at least 2 samples; "
                             + "--batch-size \(o.batchSize) with \(train.count) training samples gives fewer")
        }

        let optimizer = try o.optimizer.make(model.parameters())
        let trainer = Trainer(model: model, optimizer: optimizer, loss: { try crossEntropy($0, $1) })
        let dropLast = train.count > 1 && train.count % o.batchSize == 1   // BatchNorm needs 2 samples a batch
        var loader = try DataLoader(train, batchSize: o.batchSize, shuffle: true, dropLast: dropLast,
                                    seed: o.seed &+ 3)
        if o.schedulePerBatch {
            o.schedule = try o.schedule.resolved(steps: o.epochs * loader.batchCount)
            try o.schedule.validate()
        }
        trainer.scheduler = try o.schedule.makeSchedule().map { LRScheduler(optimizer, schedule: $0) }
        trainer.schedulerStepsPerBatch = o.schedulePerBatch
        trainer.plateau = try o.schedule.makePlateau(optimizer)
        trainer.clipNorm = o.clipNorm
        trainer.earlyStopping = try o.earlyStop.map { try EarlyStopping(patience: $0) }
        trainer.checkpointPath = o.checkpoint
        if let resumed { try checkSameRecipe(o, resumed) }
        var history = resumed?.history ?? []
        if let resumed {
            do {
                try trainer.resume(from: resumed.path, loader: &loader)
            } catch let error as AxonError {
                throw AxonError(error.kind, "cannot resume from '\(resumed.path)': \(error.message)")
            }
            history = Array(history.prefix(trainer.epochsCompleted))
        }
        let loaded = clock.seconds

        printHeader(o, train: train, validation: validation, test: test, classes: classes.names.count,
                    model: model, lr: trainer.scheduler?.baseLearningRates.first ?? optimizer.learningRates.first,
                    loaded: loaded)
        let stopped = trainer.earlyStopping.map { $0.epochsWithoutImprovement > $0.patience } ?? false
        let target = min(o.stopAfter ?? o.epochs, o.epochs)
        let remaining = stopped ? 0 : max(0, target - trainer.epochsCompleted)
        if let resumed {
            Terminal.line("resumed from \(resumed.path) after epoch \(trainer.epochsCompleted) of \(o.epochs)"
                          + (stopped ? "; that run had stopped early" : ""))
        }
        Terminal.line(EpochRow.header)
        for row in history { Terminal.line(row.tableLine) }
        let recipeText = TrainOptions.recipeText(o.recipe), plannedEpochs = o.epochs
        func metadata() -> [(String, String)] {
            [("train.recipe", recipeText), ("train.epochs", "\(plannedEpochs)")]
                + history.map { ("train.history.\($0.epoch)", $0.encoded) }
        }
        trainer.checkpointMetadata = metadata()
        let reporter = ProgressReporter(epochs: o.epochs, samplesPerEpoch: train.count - (dropLast ? 1 : 0),
                                        batchSize: o.batchSize)
        progress = reporter
        defer { progress = nil }
        var epochClock = Stopwatch()
        reporter.startEpoch()
        let trainClock = Stopwatch()
        let fitted = try trainer.fit(&loader, validation: validation.count > 0 ? validation : nil, epochs: remaining) {
            event in
            switch event {
            case let .batch(epoch, index, count, loss):
                reporter.batch(epoch: epoch, index: index, count: count, loss: loss)
            case .epoch(let r):
                var testAccuracy: Double?
                if let test { testAccuracy = (try? trainer.evaluate(test))?.accuracy ?? nil }
                let row = EpochRow(epoch: r.epoch + 1, trainLoss: r.trainLoss, trainAccuracy: r.trainAccuracy,
                                   validationLoss: r.validationLoss, validationAccuracy: r.validationAccuracy,
                                   testAccuracy: testAccuracy, learningRate: r.learningRate,
                                   gradientNorm: r.gradientNorm, seconds: epochClock.seconds)
                history.append(row)
                trainer.checkpointMetadata = metadata()
                reporter.endEpoch(row)
                Terminal.line(row.tableLine)
                if r.skippedSteps > 0 {
                    Terminal.line("      (\(r.skippedSteps) steps skipped: non-finite loss or gradients)")
                }
                epochClock = Stopwatch()
                reporter.startEpoch()
            }
        }
        let trainSeconds = trainClock.seconds
        try finish(o, model: model, trainer: trainer, fitted: fitted, history: history, test: test, classes: classes,
                   preprocessing: preprocessing, features: features, stoppedBefore: stopped,
                   times: (loaded, trainSeconds, clock))
    }

    /// One sample through the fresh model in eval mode: the spec must fit the data.
    static func check(_ model: any Layer, features: Int, classes: Int, sample data: Dataset,
                      data title: String) throws {
        let output: Tensor
        do {
            let x = try data.features.indexSelect(axis: 0, indices: [0])
            model.eval()
            defer { model.train() }
            output = try withNoGrad { try model(x) }
        } catch let error as AxonError {
            throw UsageError("--model does not fit --data \(title) (\(features) features): \(error.message)")
        }
        guard output.rank == 2, output.shape[1] >= classes else {
            throw UsageError("--model gives outputs \(output.shape) for one sample; --data \(title) needs [1, C] "
                             + "with C >= its \(classes) classes")
        }
    }

    static func checkSameRecipe(_ o: TrainOptions, _ resumed: Resumed) throws {
        let stored = Dictionary(resumed.recipe.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        for (key, value) in o.recipe where stored[key] != value {
            let before = stored[key].map { "the checkpoint's \($0)" } ?? "no such setting in the checkpoint"
            throw UsageError("\(key) \(value) differs from \(before); a resumed run keeps the settings it started with")
        }
    }

    static func printHeader(_ o: TrainOptions, train: Dataset, validation: Dataset, test: Dataset?, classes: Int,
                            model: any Layer, lr: Double?, loaded: Double) {
        var counts = "\(Fmt.grouped(train.count)) training"
        if validation.count > 0 { counts += ", \(Fmt.grouped(validation.count)) validation" }
        counts += test.map { ", \(Fmt.grouped($0.count)) test" } ?? ", no test"
        Terminal.line("data: \(o.data.title), \(counts) samples of \(train.features.shape[1]) features, "
                      + "\(classes) classes (loaded in \(Fmt.duration(loaded)))")
        let layers = o.model.map { $0.kind == "sequential" ? $0.children : [$0] } ?? []
        Terminal.line("model: " + layers.map(\.description).joined(separator: "; "))
        var settings = ["\(Fmt.grouped(model.parameterCount)) parameters",
                        "optimizer \(o.optimizer.text)" + (lr.map { " (lr \(Fmt.general($0)))" } ?? ""),
                        "schedule \(o.schedule.text)" + (o.schedulePerBatch ? " per batch" : "")]
        settings += ["batch \(o.batchSize)", "clip-norm " + (o.clipNorm.map { Fmt.general($0) } ?? "off"),
                     "early stop " + (o.earlyStop.map { "\($0)" } ?? "off"), "seed \(o.seed)",
                     "\(Threading.threadCount) threads"]
        Terminal.line(settings.joined(separator: "; "))
    }

    static func finish(_ o: TrainOptions, model: any Layer, trainer: Trainer, fitted: History, history: [EpochRow],
                       test: Dataset?, classes: ClassEncoding, preprocessing: Preprocessing, features: Int,
                       stoppedBefore: Bool, times: (loaded: Double, training: Double, total: Stopwatch)) throws {
        model.eval()
        let report = try test.map { try ClassificationReport(model: model, data: $0) { try crossEntropy($0, $1) } }
        let done = trainer.epochsCompleted
        let best = trainer.earlyStopping?.bestEpoch.map { $0 + 1 }
        if fitted.stoppedEarly || stoppedBefore, let best, done < o.epochs {
            Terminal.line("early stopping after epoch \(done): no better validation loss for "
                          + "\(o.earlyStop ?? 0) epochs; keeping the weights of epoch \(best)")
        } else if let best, best < done, o.earlyStop != nil {
            Terminal.line("the best validation loss was at epoch \(best); keeping its weights")
        } else if let stopAfter = o.stopAfter, done >= stopAfter, done < o.epochs {
            Terminal.line("stopped after epoch \(done) of \(o.epochs) (--stop-after); continue with --resume "
                          + (o.checkpoint ?? ""))
        }
        if let report {
            Terminal.line("test accuracy \(Fmt.percent(report.accuracy)) (loss \(Fmt.fixed(report.loss, 4))) on "
                          + "\(Fmt.grouped(report.count)) samples"
                          + (best.map { ", weights of epoch \($0) of \(done)" } ?? ", after \(done) epochs"))
        } else {
            Terminal.line("no test set (--test-split 0): trained \(done) epochs")
        }
        var metadata: [(String, String)] = [("dataset", o.data.recipeValue), ("features", "\(features)"),
                                            ("classes", classes.names.joined(separator: "\n"))]
        if let names = DisplayNames.of(o.data, classes) {
            metadata.append(("class_names", names.joined(separator: "\n")))
        }
        if !o.data.hasTestFiles { metadata.append(("test_split", "\(o.testSplit)")) }
        if case .index(let i)? = o.labelColumn { metadata.append(("label_column", "\(i)")) }
        if case .name(let n)? = o.labelColumn { metadata.append(("label_column", n)) }
        metadata += preprocessing.metadata
        metadata += [("epochs", "\(done)"), ("recipe", TrainOptions.recipeText(o.recipe))]
        if let best { metadata.append(("best_epoch", "\(best)")) }
        if let report { metadata += [("test_accuracy", "\(report.accuracy)"), ("test_loss", "\(report.loss)")] }
        try ModelFile.save(model, to: o.modelPath, metadata: metadata)
        var written = [o.modelPath]
        if let base = o.plotBase {
            try CurvePlot.write(history, title: "axon-cli train on \(o.data.name?.rawValue ?? "file"): "
                                + (report.map { "test accuracy \(Fmt.percent($0.accuracy))" } ?? "\(done) epochs"),
                                best: best, to: base)
            written += [base + ".svg", base + ".png"]
        }
        if let checkpoint = o.checkpoint { written.append(checkpoint + " (checkpoint)") }
        Terminal.line("wrote " + written.joined(separator: ", "))
        Terminal.line("time \(Fmt.duration(times.total.seconds)) (data \(Fmt.duration(times.loaded)), training "
                      + "\(Fmt.duration(times.training)))")
    }
}

/// Display names of classes beyond their labels (Fashion-MNIST's clothing kinds).
enum DisplayNames {
    static let fashion = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                          "Ankle boot"]

    static func of(_ source: DataSource, _ classes: ClassEncoding) -> [String]? {
        source.name == .fashionMNIST && classes.names.count == fashion.count ? fashion : nil
    }
}
