import Axon

/// `eval`, `summary`, `predict` and `inspect`: what a saved `.axon` file is and does.
enum ModelCommands {
    /// A model file with its metadata by key.
    struct Saved {
        let path: String
        let model: any Layer
        let metadata: [(key: String, value: String)]
        let values: [String: String]

        init(_ path: String) throws {
            guard DataSource.isReadableFile(path) else { throw UsageError("\(path): no such readable file") }
            let loaded = try ModelFile.load(path)
            self.path = path
            model = loaded.model
            metadata = loaded.metadata
            values = Dictionary(loaded.metadata.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        }

        var classes: ClassEncoding? {
            values["classes"].flatMap { try? ClassEncoding(names: $0.split(separator: "\n").map(String.init)) }
        }

        /// Display names per class index (the labels when there are no other names).
        func displayNames(_ classes: Int) -> [String] {
            let names = values["class_names"]?.split(separator: "\n").map(String.init)
                ?? self.classes?.names ?? (0..<classes).map(String.init)
            return names.count == classes ? names : (0..<classes).map(String.init)
        }

        var features: Int? { values["features"].flatMap { Int($0) }.flatMap { $0 > 0 && $0 < 1 << 30 ? $0 : nil } }

        var preprocessing: Preprocessing {
            get throws { try Preprocessing(metadata: metadata) ?? Preprocessing() }
        }
    }

    static func threads(_ a: Arguments) throws {
        if let n = try a.int("--threads", in: 1...256) { Threading.threadCount = n }
    }

    static func labelColumn(_ text: String?) -> CSV.Column? {
        text.map { t in Int(t).map { .index($0) } ?? .name(t) }
    }

    // MARK: - eval

    static func eval(_ args: [String], name: String) throws {
        let a = try Arguments(args, command: name, positionals: ["MODEL"], options: Help.eval.options)
        try threads(a)
        let split = a.string("--split")?.lowercased() ?? "test"
        guard ["test", "train", "all"].contains(split) else {
            throw UsageError("--split is test, train or all, not '\(split)'")
        }
        let testSplitOption = try a.double("--test-split", above: 0, orEqual: false, upTo: 1, orEqualHigh: false)
        let limit = try a.int("--limit", in: 1...1_000_000_000)
        let columnText = try a.text("--label-column", what: "a column name or index")
        let saved = try Saved(a.positionals[0])
        guard let dataText = a.string("--data") ?? saved.values["dataset"] else {
            throw UsageError("--data is needed: \(saved.path) does not say what it was trained on")
        }
        let source = try DataSource.resolve(dataText)
        if columnText != nil && !source.isCSV { throw UsageError("--label-column applies to CSV files") }
        let testSplit = testSplitOption ?? saved.values["test_split"].flatMap { Double($0) }
            .flatMap { $0 >= 0 && $0 < 1 ? $0 : nil } ?? Recipe.defaultTestSplit
        let column = labelColumn(columnText ?? (source.isCSV ? saved.values["label_column"] : nil))
        let raw = try source.load(labelColumn: column, testSplit: split == "all" ? 0 : testSplit, limit: nil)
        var part: DataSource.Raw
        switch split {
        case "train": part = raw.train
        case "all":
            part = raw.train
            if let test = raw.test {
                part = DataSource.Raw(features: try Tensor.concat([raw.train.features, test.features], axis: 0),
                                      labels: raw.train.labels + test.labels)
            }
        default:
            guard let test = raw.test else { throw UsageError("--data \(source.title) has no test part") }
            part = test
        }
        part = try part.prefix(limit)
        let classes = try saved.classes ?? ClassEncoding(labels: part.labels)
        let data = try Dataset(features: saved.preprocessing.apply(part.features), targets: classes.encode(part.labels))
        let report = try ClassificationReport(model: saved.model, data: data) { try crossEntropy($0, $1) }
        Terminal.line("\(saved.path) on \(source.title) \(split) (\(Fmt.grouped(report.count)) samples)")
        Terminal.line("loss \(Fmt.fixed(report.loss, 4))  accuracy \(Fmt.percent(report.accuracy)) "
                      + "(\(Fmt.grouped(report.correct)) of \(Fmt.grouped(report.count)))")
        let names = saved.displayNames(report.classes)
        let named = names != (0..<report.classes).map(String.init)
        let nameWidth = named ? max(5, min(24, names.map(\.count).max() ?? 5)) : 0
        Terminal.line()
        Terminal.line(Fmt.left("class", nameWidth + 6) + "samples  accuracy")
        for c in 0..<report.classes {
            let name = named ? String(names[c].prefix(24)) : ""
            Terminal.line(Fmt.right("\(c)", 3) + "  " + Fmt.left(name, nameWidth + 1)
                          + Fmt.right(Fmt.grouped(report.support(c)), 7)
                          + Fmt.right(Fmt.percent(report.classAccuracy(c)), 10))
        }
        Terminal.line()
        guard report.classes <= 40 else {
            Terminal.line("confusion matrix: \(report.classes) classes, too many to print")
            return
        }
        let cell = max(4, String(report.confusion.flatMap { $0 }.max() ?? 0).count + 1)
        Terminal.line("confusion matrix (rows: true class, columns: predicted class)")
        Terminal.line("     " + (0..<report.classes).map { Fmt.right("\($0)", cell) }.joined())
        for (t, row) in report.confusion.enumerated() {
            Terminal.line(Fmt.right("\(t)", 4) + " " + row.map { Fmt.right("\($0)", cell) }.joined())
        }
    }

    // MARK: - summary

    static func summary(_ args: [String]) throws {
        let a = try Arguments(args, command: "summary", positionals: ["MODEL"], options: Help.summary.options)
        var shape: [Int]?
        if let text = try a.text("--input", what: "a shape like 1x784") {
            shape = try text.split(separator: "x", omittingEmptySubsequences: false).map {
                try Arguments.int(String($0), name: "--input sizes", in: 1...(1 << 20))
            }
            guard let s = shape, s.count <= 8, (try? Tensor.elementCount(of: s)).map({ $0 <= 1 << 26 }) == true else {
                throw UsageError("--input \(text): at most 8 sizes and 2^26 values")
            }
        }
        let path = a.positionals[0]
        let saved = try Saved(path)
        let info = try AxonFile.inspect(FileIO.read(path))
        let model = saved.model
        Terminal.line("\(path): \(info.kind) file, \(Fmt.grouped(model.parameterCount)) parameters, "
                      + "saved in \(model.training ? "training" : "eval") mode")
        let input = shape ?? [1, saved.features ?? firstInputWidth(model) ?? 784]
        Terminal.line("input \(input)")
        Terminal.line("  #  " + Fmt.left("layer", 56) + Fmt.left("output shape", 18) + Fmt.right("parameters", 11))
        let layers = (model as? Sequential)?.layers ?? [model]
        var x: Tensor? = try Tensor.zeros(input)
        var failure: String?
        model.eval()
        for (i, layer) in layers.enumerated() {
            if let current = x {
                do {
                    x = try withNoGrad { try layer(current) }
                } catch let error as AxonError {
                    failure = "layer \(i) does not take \(current.shape): \(error.message)"
                    x = nil
                }
            }
            let text = layer.spec?.description ?? "\(type(of: layer))"
            let name = text.count > 55 ? String(text.prefix(52)) + "..." : text
            Terminal.line(Fmt.right("\(i)", 3) + "  " + Fmt.left(name, 56)
                          + Fmt.left(x.map { "\($0.shape)" } ?? "?", 18)
                          + Fmt.right(Fmt.grouped(layer.parameterCount), 11))
        }
        if let failure { Terminal.line("(shapes stop here: \(failure); give --input)") }
        if !saved.metadata.isEmpty {
            Terminal.line("metadata:")
            for (k, v) in saved.metadata {
                let one = v.split(separator: "\n").joined(separator: " | ")
                Terminal.line("  \(k): " + (one.count > 100 ? String(one.prefix(97)) + "..." : one))
            }
        }
        Terminal.line("sections: " + info.sections.map {
            "\($0.tag) (\(Fmt.grouped($0.length)) byte\($0.length == 1 ? "" : "s"))"
        }.joined(separator: ", "))
    }

    /// The in_features of a model whose first layer is linear.
    static func firstInputWidth(_ model: any Layer) -> Int? {
        var spec = model.spec
        while let s = spec, s.kind == "sequential", let first = s.children.first { spec = first }
        guard let s = spec, s.kind == "linear" else { return nil }
        return s.arguments.first { $0.key == "in_features" }.flatMap { Int($0.value) }
    }

    // MARK: - inspect

    /// Returns false when a CRC does not match (exit code 1).
    static func inspect(_ args: [String]) throws -> Bool {
        let a = try Arguments(args, command: "inspect", positionals: ["FILE"], options: Help.inspect.options)
        let path = a.positionals[0]
        guard DataSource.isReadableFile(path) else { throw UsageError("\(path): no such readable file") }
        let info = try AxonFile.inspect(FileIO.read(path))
        func hex(_ v: UInt32) -> String {
            let digits = String(v, radix: 16)
            return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
        }
        Terminal.line("\(path): .axon format version \(info.formatVersion), \(Fmt.grouped(info.fileSize)) bytes, "
                      + "\(info.sections.count) sections, a \(info.kind) file")
        Terminal.line("header and section table CRC-32 \(hex(info.storedTableCRC)): "
                      + (info.tableCRCMatches ? "ok" : "MISMATCH (computed \(hex(info.computedTableCRC)))"))
        Terminal.line("tag   required  version  newest  " + Fmt.right("offset", 10) + Fmt.right("bytes", 12)
                      + "  CRC-32      verified  holds")
        for s in info.sections {
            let verified = s.computedCRC == nil ? "OUTSIDE" : s.crcMatches ? "ok" : "MISMATCH"
            Terminal.line(Fmt.left(s.tag, 6) + Fmt.left(s.required ? "yes" : "no", 10) + Fmt.left("\(s.version)", 9)
                          + Fmt.left(s.newestKnownVersion.map { "\($0)" } ?? "-", 8)
                          + Fmt.right(Fmt.grouped(s.offset), 10) + Fmt.right(Fmt.grouped(s.length), 12) + "  "
                          + hex(s.storedCRC) + "  " + Fmt.left(verified, 10) + s.meaning)
        }
        Terminal.line(info.intact ? "all CRCs verified" : "the file is damaged")
        return info.intact
    }
}
