import Axon
#if canImport(Glibc)
import Glibc
#endif

/// Where `--data` points: a named set of the repository (found from any working directory),
/// a CSV file, an IDX images/labels pair or a directory of `train-*` / `t10k-*` IDX files.
struct DataSource {
    enum Name: String, CaseIterable {
        case mnist, fashionMNIST = "fashion-mnist", digits
        var directory: String { self == .fashionMNIST ? "fashion_mnist" : self == .digits ? "sklearn_toy" : "mnist" }
        var title: String { self == .fashionMNIST ? "Fashion-MNIST" : self == .digits ? "digits" : "MNIST" }
    }

    enum Kind {
        /// Training files and, when present, test files.
        case idx(trainImages: String, trainLabels: String, testImages: String?, testLabels: String?)
        case csv(String)
    }

    let name: Name?
    let kind: Kind
    /// What the recipe records: the name, or the absolute path.
    let recipeValue: String

    var title: String { name?.title ?? recipeValue }
    var isCSV: Bool { if case .csv = kind { return true } else { return false } }
    var hasTestFiles: Bool { if case .idx(_, _, let t?, _) = kind { return !t.isEmpty } else { return false } }

    static let names = Name.allCases.map(\.rawValue)

    /// Resolves `text` (a name or a path) for `option`.
    static func resolve(_ text: String, option: String = "--data") throws -> DataSource {
        let lowered = text.lowercased()
        let aliases: [String: Name] = ["fashion_mnist": .fashionMNIST, "fashion": .fashionMNIST,
                                       "fmnist": .fashionMNIST]
        if let name = Name(rawValue: lowered) ?? aliases[lowered] { return try named(name, option: option) }
        guard !text.isEmpty else { throw UsageError("\(option) needs a dataset name or a path, got an empty string") }
        if isDirectory(text) {
            guard let source = idxDirectory(text) else {
                throw UsageError("\(option) \(text): the directory has no train-images-idx3-ubyte[.gz] and "
                                 + "train-labels-idx1-ubyte[.gz]")
            }
            return source
        }
        if isReadableFile(text) {
            if let prefix = text.before("-images-idx3-ubyte") { return try pair(prefix: prefix, option: option) }
            return DataSource(name: nil, kind: .csv(text), recipeValue: absolute(text))
        }
        if findFile(text + "-images-idx3-ubyte") != nil { return try pair(prefix: text, option: option) }
        let hint = Arguments.nearest(lowered, among: names).map { "; did you mean \($0)?" }
            ?? " (a name: \(names.joined(separator: ", ")), or a CSV file, an IDX prefix or directory)"
        throw UsageError("\(option) \(text): no such dataset or file" + hint)
    }

    static func named(_ name: Name, option: String) throws -> DataSource {
        let roots = dataRoots()
        for root in roots {
            for dir in [name.directory, name.rawValue] {
                let base = root + "/" + dir
                if name == .digits {
                    if let csv = findFile(base + "/digits.csv") {
                        return DataSource(name: name, kind: .csv(csv), recipeValue: name.rawValue)
                    }
                } else if let source = idxDirectory(base) {
                    return DataSource(name: name, kind: source.kind, recipeValue: name.rawValue)
                }
            }
        }
        throw UsageError("\(option) \(name.rawValue): its files are not in "
                         + (roots.isEmpty ? "any data directory" : roots.joined(separator: ", "))
                         + "; set AXON_DATA to the directory holding \(name.directory)/")
    }

    /// $AXON_DATA, then Tests/Data beside the executable's ancestors (`.build/release/axon-cli`
    /// is two levels below the repository), then ./Tests/Data.
    static func dataRoots() -> [String] {
        var roots: [String] = []
        if let env = getenv("AXON_DATA"), case let value = String(cString: env), !value.isEmpty { roots.append(value) }
        var executables: [String] = []
        if let first = CommandLine.arguments.first, first.contains("/") { executables.append(first) }
        if let real = realpath("/proc/self/exe", nil) {
            executables.append(String(cString: real))
            free(real)
        }
        for exe in executables {
            var dir = parent(exe)
            for _ in 0..<5 {
                dir = parent(dir)
                let candidate = (dir.isEmpty ? "." : dir) + "/Tests/Data"
                if isDirectory(candidate), !roots.contains(candidate) { roots.append(candidate) }
                if dir.isEmpty || dir == "/" { break }
            }
        }
        if isDirectory("Tests/Data"), !roots.contains("Tests/Data") { roots.append("Tests/Data") }
        return roots
    }

    static func idxDirectory(_ dir: String) -> DataSource? {
        guard isDirectory(dir), let images = findFile(dir + "/train-images-idx3-ubyte"),
              let labels = findFile(dir + "/train-labels-idx1-ubyte") else { return nil }
        let testImages = findFile(dir + "/t10k-images-idx3-ubyte")
        let testLabels = findFile(dir + "/t10k-labels-idx1-ubyte")
        let hasTest = testImages != nil && testLabels != nil
        return DataSource(name: nil, kind: .idx(trainImages: images, trainLabels: labels,
                                                 testImages: hasTest ? testImages : nil,
                                                 testLabels: hasTest ? testLabels : nil),
                          recipeValue: absolute(dir))
    }

    static func pair(prefix: String, option: String) throws -> DataSource {
        guard let images = findFile(prefix + "-images-idx3-ubyte") else {
            throw UsageError("\(option) \(prefix): no \(prefix)-images-idx3-ubyte[.gz]")
        }
        guard let labels = findFile(prefix + "-labels-idx1-ubyte") else {
            throw UsageError("\(option) \(prefix): no \(prefix)-labels-idx1-ubyte[.gz] beside the images")
        }
        return DataSource(name: nil, kind: .idx(trainImages: images, trainLabels: labels, testImages: nil,
                                                 testLabels: nil), recipeValue: absolute(prefix))
    }

    // MARK: - Loading

    /// Raw features [N, F] (IDX bytes as 0...255, CSV numbers as written) and label texts.
    struct Raw {
        var features: Tensor
        var labels: [String]

        var count: Int { labels.count }

        func subset(_ indices: [Int]) throws -> Raw {
            Raw(features: try features.indexSelect(axis: 0, indices: indices), labels: indices.map { labels[$0] })
        }

        func prefix(_ limit: Int?) throws -> Raw {
            guard let limit, limit < count else { return self }
            return try subset(Array(0..<limit))
        }
    }

    /// The training set and the test set: the t10k files, or a fixed held-out share
    /// `testSplit` of a set without test files (the same rows whatever the seed, so eval finds
    /// them again); `limit` caps each.
    func load(labelColumn: CSV.Column?, testSplit: Double, limit: Int?) throws -> (train: Raw, test: Raw?) {
        var train: Raw, test: Raw?
        switch kind {
        case let .idx(trainImages, trainLabels, testImages, testLabels):
            train = try DataSource.loadIDX(trainImages, trainLabels)
            if let testImages, let testLabels { test = try DataSource.loadIDX(testImages, testLabels) }
        case .csv(let path):
            train = try DataSource.loadCSV(path, labelColumn: labelColumn ?? .index(-1))
        }
        if test == nil && testSplit > 0 {
            var generator = PRNG(seed: DataSource.testSplitSeed)
            let order = permutation(train.count, generator: &generator)
            let n = Int(Double(train.count) * testSplit)
            test = try train.subset(Array(order[..<n]).sorted())
            train = try train.subset(Array(order[n...]).sorted())
        }
        return (try train.prefix(limit), try test?.prefix(limit))
    }

    /// The seed of the held-out test split (fixed, independent of --seed).
    static let testSplitSeed: UInt64 = 20_240_601

    static func loadIDX(_ imagesPath: String, _ labelsPath: String) throws -> Raw {
        let images = try IDX.load(imagesPath), labels = try IDX.load(labelsPath)
        guard images.rank >= 1, labels.rank == 1, images.shape[0] == labels.shape[0], images.shape[0] > 0 else {
            throw AxonError(.format, "'\(imagesPath)' holds \(images.shape) and '\(labelsPath)' \(labels.shape); "
                            + "need [N, ...] images and [N] labels")
        }
        let features = try images.reshape([images.shape[0], images.count / images.shape[0]])
        return Raw(features: features, labels: labels.scalars.map { String(Int($0)) })
    }

    /// A label column the file does not have is a usage error (exit code 2, before training).
    static func loadCSV(_ path: String, labelColumn: CSV.Column) throws -> Raw {
        do {
            let table = try CSV.readTable(FileIO.readMaybeGzip(path), label: labelColumn)
            return Raw(features: table.features, labels: table.labels ?? [])
        } catch let error as AxonError where error.kind == .invalidArgument {
            let column: String
            switch labelColumn {
            case .index(let i): column = "\(i)"
            case .name(let n): column = n
            }
            throw UsageError("--label-column \(column): \(error.message)")
        } catch let error as AxonError {
            throw AxonError(error.kind, "'\(path)': \(error.message)")
        }
    }

    // MARK: - Files

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func isReadableFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && access(path, R_OK) == 0
    }

    /// `path` or `path.gz`, whichever is a readable file.
    static func findFile(_ path: String) -> String? {
        [path, path + ".gz"].first(where: isReadableFile)
    }

    static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func absolute(_ path: String) -> String {
        guard let real = realpath(path, nil) else { return path }
        defer { free(real) }
        return String(cString: real)
    }
}

/// What a model expects of its input: raw values x become (x * scale - mean) / std, with one
/// mean and std for every feature or one per feature. Saved in the model's metadata so eval
/// and predict read raw files as train did.
struct Preprocessing {
    var scale: Float = 1
    var mean: [Float] = [0]
    var std: [Float] = [1]

    /// MNIST's and Fashion-MNIST's published pixel statistics; other IDX images: the training
    /// pixels' mean and std; CSV: per-feature standardization on the training rows.
    static func fit(_ source: DataSource, _ features: Tensor) throws -> Preprocessing {
        switch source.name {
        case .mnist?: return Preprocessing(scale: 1 / 255, mean: [0.1307], std: [0.3081])
        case .fashionMNIST?: return Preprocessing(scale: 1 / 255, mean: [0.2860], std: [0.3530])
        default: break
        }
        if source.isCSV {
            guard features.shape[0] > 1 else { return Preprocessing() }
            let s = try Standardizer(fitting: features)
            return Preprocessing(scale: 1, mean: s.mean.scalars, std: s.std.scalars)
        }
        let scaled = try features * Float(1.0 / 255)
        let std = try scaled.reshape([-1]).variance(axes: [0], correction: 0).sqrt().item()
        return Preprocessing(scale: 1 / 255, mean: [try scaled.mean().item()], std: [std > 0 ? std : 1])
    }

    func apply(_ x: Tensor) throws -> Tensor {
        let features = x.rank == 2 ? x.shape[1] : 0
        guard mean.count == 1 || mean.count == features, std.count == mean.count else {
            throw AxonError(.shapeMismatch, "the model was trained on \(mean.count) features, the data has \(features)")
        }
        let m = try Tensor(mean, shape: mean.count == 1 ? [] : [mean.count])
        let s = try Tensor(std, shape: std.count == 1 ? [] : [std.count])
        return try ((scale == 1 ? x : x * scale) - m) / s
    }

    var metadata: [(String, String)] {
        [("input.scale", "\(scale)"), ("input.mean", mean.map { "\($0)" }.joined(separator: ",")),
         ("input.std", std.map { "\($0)" }.joined(separator: ","))]
    }

    /// Read back from a model's metadata; nil when the model has none.
    init?(metadata: [(key: String, value: String)]) throws {
        let values = Dictionary(metadata.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        guard let scaleText = values["input.scale"], let meanText = values["input.mean"],
              let stdText = values["input.std"] else {
            guard values["dataset"] == "mnist" else { return nil }
            self.init(scale: 1 / 255, mean: [0.1307], std: [0.3081])   // models of the earlier mnist command
            return
        }
        func numbers(_ text: String) -> [Float]? {
            let parts = text.split(separator: ",").map { Float($0) }
            guard !parts.isEmpty, parts.count <= 1 << 24, parts.allSatisfy({ $0?.isFinite ?? false }) else {
                return nil
            }
            return parts.compactMap { $0 }
        }
        guard let scale = Float(scaleText), scale.isFinite, scale > 0, let mean = numbers(meanText),
              let std = numbers(stdText), std.count == mean.count, std.allSatisfy({ $0 > 0 }) else {
            throw AxonError(.format, "the model's input.* metadata is malformed")
        }
        self.init(scale: scale, mean: mean, std: std)
    }

    init(scale: Float = 1, mean: [Float] = [0], std: [Float] = [1]) {
        self.scale = scale
        self.mean = mean
        self.std = std
    }
}

extension String {
    /// The text before the first occurrence of `marker`, or nil when it does not occur.
    func before(_ marker: String) -> String? {
        let m = Array(marker.utf8), u = Array(utf8)
        guard !m.isEmpty, u.count >= m.count else { return nil }
        for i in 0...(u.count - m.count) where Array(u[i..<(i + m.count)]) == m {
            return String(decoding: u[..<i], as: UTF8.self)
        }
        return nil
    }
}
