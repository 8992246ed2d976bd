import Axon

/// The defaults of a training run for a kind of data: the model, epochs, batch size and
/// early-stopping patience (every recipe: Adam, a cosine schedule over the run, clipping at 5,
/// a 10% validation split).
struct Recipe {
    let label: String
    let modelText: String
    let epochs: Int
    let batchSize: Int
    let patience: Int
    /// The spec for `features` inputs and `classes` outputs.
    let model: @Sendable (_ features: Int, _ classes: Int) -> String

    static let mnist = Recipe(
        label: "mnist", modelText: "784-512-256-10 MLP, BatchNorm, ReLU, Dropout 0.2", epochs: 12, batchSize: 128,
        patience: 3,
        model: { f, c in
            "linear \(f) 512; batchnorm1d 512; relu; dropout 0.2; linear 512 256; batchnorm1d 256; relu; dropout 0.2; "
                + "linear 256 \(c)"
        })

    static let fashion = Recipe(
        label: "fashion-mnist", modelText: "CNN 2 x (conv 3x3, BatchNorm, ReLU, pool), linear 128", epochs: 8,
        batchSize: 64, patience: 3,
        model: { _, c in
            "unflatten 1 1x28x28; conv2d 1 16 3 padding=1; batchnorm2d 16; relu; maxpool2d 2; "
                + "conv2d 16 32 3 padding=1; batchnorm2d 32; relu; maxpool2d 2; flatten; dropout 0.25; "
                + "linear 1568 128; relu; dropout 0.25; linear 128 \(c)"
        })

    static let digits = Recipe(
        label: "digits", modelText: "64-128-10 MLP, BatchNorm, ReLU, Dropout 0.2", epochs: 60, batchSize: 32,
        patience: 10,
        model: { f, c in "linear \(f) 128; batchnorm1d 128; relu; dropout 0.2; linear 128 \(c)" })

    static let generic = Recipe(
        label: "other data", modelText: "F-256-C MLP, BatchNorm, ReLU, Dropout 0.2", epochs: 30, batchSize: 64,
        patience: 5,
        model: { f, c in "linear \(f) 256; batchnorm1d 256; relu; dropout 0.2; linear 256 \(c)" })

    static func of(_ source: DataSource) -> Recipe {
        switch source.name {
        case .mnist?: return mnist
        case .fashionMNIST?: return fashion
        case .digits?: return digits
        case nil: return generic
        }
    }

    static let defaultClipNorm = 5.0
    static let defaultValSplit = 0.1
    static let defaultTestSplit = 0.2

    static var helpTable: String {
        var lines = ["defaults by --data (all: adam, cosine schedule over the run, --clip-norm 5, --val-split 0.1):"]
        for r in [mnist, fashion, digits, generic] {
            lines.append("  " + Fmt.left(r.label, 15) + Fmt.left(r.modelText, 56) + "epochs \(r.epochs), batch "
                         + "\(r.batchSize), early stop \(r.patience)")
        }
        return lines.joined(separator: "\n")
    }
}

/// `--optimizer NAME[:key=value,...]` with `--lr`, `--momentum`, `--betas`, `--weight-decay`.
struct OptimizerChoice: Equatable {
    var name: String
    var options: [String: Double]

    static let names = ["sgd", "adagrad", "rmsprop", "adadelta", "adam", "adamw", "adamax", "nadam"]

    static func parse(_ text: String) throws -> OptimizerChoice {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let name = String(parts[0]).trimmingCharacters().lowercased()
        guard names.contains(name) else {
            if name == "lbfgs" {
                throw UsageError("--optimizer lbfgs re-evaluates the loss within a step, which train's loop does not "
                                 + "do; use one of " + names.joined(separator: ", "))
            }
            let hint = Arguments.nearest(name, among: names).map { "; did you mean \($0)?" } ?? ""
            throw UsageError("--optimizer: unknown optimizer '\(name)'" + hint + " (known: "
                             + names.joined(separator: ", ") + ")")
        }
        var options: [String: Double] = [:]
        for (key, value) in try Arguments.keyValues(parts.count > 1 ? String(parts[1]) : "", option: "--optimizer") {
            guard options[key] == nil else { throw UsageError("--optimizer: '\(key)' is given twice") }
            guard let v = Double(value), v.isFinite else {
                throw UsageError("--optimizer: '\(key)' must be a finite number, got '\(value)'")
            }
            options[key] = v
        }
        return OptimizerChoice(name: name, options: options)
    }

    /// Adds an option given by its own flag; giving it twice is a contradiction.
    mutating func set(_ key: String, _ value: Double, from flag: String) throws {
        guard options[key] == nil else {
            throw UsageError("\(flag) contradicts --optimizer \(name):\(key)=...; give it once")
        }
        options[key] = value
    }

    /// Throws a usage error unless the core accepts these options for this optimizer.
    func validate() throws {
        do {
            _ = try make([try Tensor.zeros([1])])
        } catch let error as AxonError {
            throw UsageError("--optimizer \(name): \(error.message)")
        }
    }

    func make(_ parameters: [Tensor]) throws -> any Optimizer {
        try makeOptimizer(name, parameters: parameters, options: options)
    }

    var text: String {
        name + (options.isEmpty ? "" : ":" + options.keys.sorted().map { "\($0)=\(number($0))" }
            .joined(separator: ","))
    }

    private func number(_ key: String) -> String { OptimizerChoice.render(options[key] ?? 0) }

    /// A number as the recipe writes it: whole numbers as integers, others in Swift's shortest form.
    static func render(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : "\(v)"
    }
}
