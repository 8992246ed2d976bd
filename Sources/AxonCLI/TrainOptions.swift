import Axon
#if canImport(Glibc)
import Glibc
#endif

/// The settings of `axon-cli train`, checked and with every default filled in. The recipe
/// (what decides the trajectory) is saved in checkpoints, so `--resume` continues with it.
struct TrainOptions {
    var data: DataSource
    var labelColumn: CSV.Column?
    var testSplit: Double
    var limit: Int?
    /// Nil until the data is loaded when the recipe's default (which needs the feature count) applies.
    var model: LayerSpec?
    var epochs: Int
    var batchSize: Int
    var optimizer: OptimizerChoice
    var schedule: SchedulePlan
    var schedulePerBatch: Bool
    var clipNorm: Double?
    var earlyStop: Int?
    var valSplit: Double
    var seed: UInt64
    var threads: Int?
    var checkpoint: String?
    var resume: String?
    var stopAfter: Int?
    var modelPath: String
    /// The curves' path without extension (".svg" and ".png" are added), or nil for none.
    var plotBase: String?
    /// The options given on the command line (not from a checkpoint or a default).
    var given: Set<String>

    /// The options that make up the recipe, in the order they are saved.
    static let recipeKeys = ["--data", "--label-column", "--test-split", "--limit", "--model", "--batch-size",
                             "--optimizer", "--schedule", "--schedule-step", "--clip-norm", "--early-stop",
                             "--val-split", "--seed"]

    static let maxParameters = 1 << 27

    init(_ a: Arguments, given: Set<String>) throws {
        self.given = given
        data = try DataSource.resolve(a.string("--data") ?? "mnist")
        let recipe = Recipe.of(data)
        if let text = try a.text("--label-column", what: "a column name or index") {
            guard data.isCSV, data.name != .digits else {
                throw UsageError("--label-column applies to CSV files, not to --data \(data.title)")
            }
            labelColumn = Int(text).map { .index($0) } ?? .name(text)
        }
        if a.has("--test-split") && data.hasTestFiles {
            throw UsageError("--test-split: --data \(data.title) has its own test files")
        }
        testSplit = try a.double("--test-split", above: 0, orEqual: true, upTo: 1, orEqualHigh: false)
            ?? Recipe.defaultTestSplit
        limit = try a.int("--limit", in: 1...1_000_000_000)
        if let text = try a.text("--model", what: "a layer spec such as 'linear 784 10'") {
            do {
                let spec = try LayerSpec.parse(text)
                let count = try spec.stateElementCount()
                guard count <= TrainOptions.maxParameters else {
                    throw UsageError("--model holds \(Fmt.grouped(count)) values; at most "
                                     + "\(Fmt.grouped(TrainOptions.maxParameters)) are trained here")
                }
                model = spec
            } catch let error as AxonError {
                throw UsageError("--model: \(error.message)")
            }
        }
        epochs = try a.int("--epochs", in: 1...10_000) ?? recipe.epochs
        batchSize = try a.int("--batch-size", in: 1...1_000_000) ?? recipe.batchSize
        optimizer = try OptimizerChoice.parse(a.string("--optimizer") ?? "adam")
        if let lr = try a.double("--lr", above: 0, upTo: 1000) { try optimizer.set("lr", lr, from: "--lr") }
        if let m = try a.double("--momentum", above: 0, orEqual: true, upTo: 1, orEqualHigh: false) {
            guard ["sgd", "rmsprop"].contains(optimizer.name) else {
                throw UsageError("--momentum applies to sgd and rmsprop, not to --optimizer \(optimizer.name)")
            }
            try optimizer.set("momentum", m, from: "--momentum")
        }
        if let text = a.string("--betas") {
            guard ["adam", "adamw", "adamax", "nadam"].contains(optimizer.name) else {
                throw UsageError(
                    "--betas applies to adam, adamw, adamax and nadam, not to --optimizer \(optimizer.name)")
            }
            let parts = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2 else { throw UsageError("--betas needs two numbers B1,B2, got '\(text)'") }
            for (key, part) in zip(["beta1", "beta2"], parts) {
                let v = try Arguments.double(part, name: "--betas \(key)", above: 0, orEqual: true, upTo: 1,
                                             orEqualHigh: false)
                try optimizer.set(key, v, from: "--betas")
            }
        }
        if let wd = try a.double("--weight-decay", above: 0, orEqual: true, upTo: 1000) {
            try optimizer.set("weight_decay", wd, from: "--weight-decay")
        }
        try optimizer.validate()
        switch a.string("--schedule-step")?.lowercased() {
        case nil, "epoch"?: schedulePerBatch = false
        case "batch"?: schedulePerBatch = true
        case let other?: throw UsageError("--schedule-step is epoch or batch, not '\(other)'")
        }
        schedule = try SchedulePlan.parse(a.string("--schedule") ?? "cosine")
        if schedule.isPlateau && schedulePerBatch {
            throw UsageError(
                "--schedule plateau steps once per epoch on the validation loss; drop --schedule-step batch")
        }
        // Per-batch defaults need the batch count: checked here with one batch per epoch, resolved after loading.
        try schedule.resolved(steps: epochs).validate()
        if !schedulePerBatch { schedule = try schedule.resolved(steps: epochs) }
        clipNorm = try TrainOptions.optional(a, "--clip-norm") {
            try Arguments.double($0, name: "--clip-norm", above: 0, orEqual: false, upTo: 1e6, orEqualHigh: true)
        } ?? Recipe.defaultClipNorm
        if a.string("--clip-norm").map(TrainOptions.isOff) == true { clipNorm = nil }
        valSplit = try a.double("--val-split", above: 0, orEqual: true, upTo: 1, orEqualHigh: false)
            ?? Recipe.defaultValSplit
        let stop = try TrainOptions.optional(a, "--early-stop") {
            try Arguments.int($0, name: "--early-stop", in: 0...10_000)
        }
        earlyStop = a.string("--early-stop").map(TrainOptions.isOff) == true ? nil : stop ?? recipe.patience
        if valSplit == 0 {
            if a.has("--early-stop") && earlyStop != nil {
                throw UsageError("--early-stop watches the validation loss, and --val-split 0 leaves no validation set")
            }
            earlyStop = nil
        }
        if let text = a.string("--seed") {
            guard let s = UInt64(text) else {
                throw UsageError("--seed must be a whole number in 0...\(UInt64.max), got '\(text)'")
            }
            seed = s
        } else {
            seed = 0
        }
        threads = try a.int("--threads", in: 1...256)
        stopAfter = try a.int("--stop-after", in: 1...10_000)
        if let stopAfter, stopAfter > epochs {
            throw UsageError("--stop-after \(stopAfter) is beyond --epochs \(epochs)")
        }
        if stopAfter != nil && !a.has("--checkpoint") {
            throw UsageError("--stop-after without --checkpoint leaves nothing to resume from")
        }
        checkpoint = try a.text("--checkpoint", what: "a file name")
        resume = try a.text("--resume", what: "a checkpoint file")
        (modelPath, plotBase) = try TrainOptions.outputs(out: a.text("--out", what: "a file or directory"),
                                                         plot: a.text("--plot", what: "a file name or none"))
        try checkOutputs()
    }

    static func isOff(_ text: String) -> Bool { ["off", "none", "no"].contains(text.lowercased()) }

    /// The option's value parsed by `parse`, or nil when absent or off.
    static func optional<T>(_ a: Arguments, _ name: String, _ parse: (String) throws -> T) throws -> T? {
        guard let text = a.string(name), !isOff(text) else { return nil }
        return try parse(text)
    }

    /// `--out` is the model file or a directory for model.axon; the curves go beside the model
    /// as curves.svg/.png unless `--plot` names them (an .svg or .png extension is dropped).
    static func outputs(out: String?, plot: String?) throws -> (model: String, plot: String?) {
        var model = out ?? "model.axon"
        if let out, out.hasSuffix("/") || DataSource.isDirectory(out) {
            model = (out.hasSuffix("/") ? out : out + "/") + "model.axon"
        }
        let dir = DataSource.parent(model)
        guard let plot else { return (model, (dir.isEmpty ? "" : dir + "/") + "curves") }
        if isOff(plot) { return (model, nil) }
        var base = plot
        for ext in [".svg", ".png", ".SVG", ".PNG"] where base.hasSuffix(ext) { base.removeLast(4) }
        guard !base.isEmpty, !base.hasSuffix("/") else { throw UsageError("--plot needs a file name, got '\(plot)'") }
        return (model, base)
    }

    /// Every output path distinct and writable, the resume file readable.
    func checkOutputs() throws {
        var paths = [("--out", modelPath)]
        if let plotBase { paths += [("--plot", plotBase + ".svg"), ("--plot", plotBase + ".png")] }
        if let checkpoint { paths.append(("--checkpoint", checkpoint)) }
        for (i, (option, path)) in paths.enumerated() {
            for (other, otherPath) in paths[..<i] where DataSource.absolute(otherPath) == DataSource.absolute(path) {
                throw UsageError("\(option) and \(other) both write '\(path)'")
            }
            try TrainOptions.checkWritable(path, option: option)
        }
        if let resume, !DataSource.isReadableFile(resume) {
            throw UsageError("--resume \(resume): no such readable file")
        }
    }

    /// Throws unless `path` can be created or replaced (a probe file is made beside it).
    static func checkWritable(_ path: String, option: String) throws {
        if DataSource.isDirectory(path) { throw UsageError("\(option) \(path) is a directory") }
        let dir = DataSource.parent(path)
        let directory = dir.isEmpty ? "." : dir
        guard DataSource.isDirectory(directory) else {
            throw UsageError("\(option) \(path): the directory '\(directory)' does not exist")
        }
        let probe = directory + "/.axon-cli-probe-\(getpid())"
        let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            throw UsageError("\(option) \(path): cannot write in '\(directory)': \(String(cString: strerror(errno)))")
        }
        close(fd)
        unlink(probe)
    }

    // MARK: - The recipe

    /// The recipe as options and values, normalized (what a checkpoint stores).
    var recipe: [(key: String, value: String)] {
        var out: [(String, String)] = [("--data", data.recipeValue)]
        if let labelColumn {
            switch labelColumn {
            case .index(let i): out.append(("--label-column", "\(i)"))
            case .name(let n): out.append(("--label-column", n))
            }
        }
        if !data.hasTestFiles { out.append(("--test-split", "\(testSplit)")) }
        if let limit { out.append(("--limit", "\(limit)")) }
        if let model { out.append(("--model", model.description)) }
        out += [("--batch-size", "\(batchSize)"), ("--optimizer", optimizer.text), ("--schedule", schedule.text),
                ("--schedule-step", schedulePerBatch ? "batch" : "epoch"),
                ("--clip-norm", clipNorm.map { "\($0)" } ?? "off"),
                ("--early-stop", earlyStop.map { "\($0)" } ?? "off"),
                ("--val-split", "\(valSplit)"), ("--seed", "\(seed)")]
        return out.map { (key: $0.0, value: $0.1) }
    }

    /// The recipe as the argument list it parses from.
    static func arguments(fromRecipe text: String) -> [(String, String)] {
        text.split(separator: "\n").compactMap { line in
            guard let space = line.firstIndex(of: " ") else { return nil }
            return (String(line[..<space]), String(line[space...].dropFirst()))
        }
    }

    static func recipeText(_ pairs: [(key: String, value: String)]) -> String {
        pairs.map { "\($0.key) \($0.value)" }.joined(separator: "\n")
    }
}
