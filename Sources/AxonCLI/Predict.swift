import Axon

extension ModelCommands {
    /// `predict MODEL --input FILE`: the class and class probabilities of each row.
    static func predict(_ args: [String]) throws {
        let a = try Arguments(args, command: "predict", positionals: ["MODEL"], options: Help.predict.options)
        try threads(a)
        guard let input = try a.text("--input", what: "a CSV or IDX file") else {
            throw UsageError("predict needs --input FILE (CSV rows or an IDX images file)")
        }
        guard DataSource.isReadableFile(input) else { throw UsageError("--input \(input): no such readable file") }
        let limit = try a.int("--limit", in: 1...1_000_000_000)
        let column = labelColumn(try a.text("--label-column", what: "a column name or index"))
        let saved = try Saved(a.positionals[0])
        let bytes = try FileIO.readMaybeGzip(input)
        let isIDX = bytes.count >= 4 && bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 0x08
        if isIDX && column != nil { throw UsageError("--label-column applies to CSV input, not IDX") }
        var rows = try isIDX ? idxRows(input, saved: saved) : csvRows(bytes, saved: saved, column: column)
        rows = try rows.prefix(limit)
        let probabilities = try classProbabilities(model: saved.model,
                                                   features: saved.preprocessing.apply(rows.features))
        let classes = probabilities.shape[1]
        let names = saved.displayNames(classes)
        let p = probabilities.scalars
        let shown = min(classes, 10)
        let hasLabels = rows.labels.contains { !$0.isEmpty }
        var header = Fmt.right("row", 6) + (hasLabels ? Fmt.right("label", 8) : "") + "  " + Fmt.left("class", 14)
            + Fmt.right("p", 7) + "   "
        header += classes <= 10 ? (0..<classes).map { Fmt.right("p(\($0))", 7) }.joined() : "top classes"
        Terminal.line("\(saved.path) on \(input): \(Fmt.grouped(rows.count)) rows, \(classes) classes")
        Terminal.line(header)
        for row in 0..<rows.count {
            let probs = Array(p[(row * classes)..<((row + 1) * classes)])
            let best = probs.indices.max { probs[$0] < probs[$1] } ?? 0
            var line = Fmt.right("\(row)", 6)
            if hasLabels { line += Fmt.right(String(rows.labels[row].prefix(7)), 8) }
            let name = names[best] == "\(best)" ? "\(best)" : "\(best) " + names[best]
            line += "  " + Fmt.left(String(name.prefix(14)), 14)
                + Fmt.right(Fmt.fixed(Double(probs[best]), 4), 7) + "   "
            if classes <= 10 {
                line += probs.map { Fmt.right(Fmt.fixed(Double($0), 4), 7) }.joined()
            } else {
                let top = probs.indices.sorted { probs[$0] > probs[$1] }.prefix(shown)
                line += top.map { "\($0):\(Fmt.fixed(Double(probs[$0]), 3))" }.joined(separator: " ")
            }
            if hasLabels, let classes = saved.classes, let k = classes.index(of: rows.labels[row]), k != best {
                line += "  (wrong)"
            }
            Terminal.line(line)
        }
    }

    /// An IDX images file as rows; the labels file beside it (same prefix) gives the labels.
    static func idxRows(_ path: String, saved: Saved) throws -> DataSource.Raw {
        let images = try IDX.load(path)
        guard images.rank >= 1, images.shape[0] > 0 else { throw AxonError(.format, "'\(path)' holds no images") }
        let n = images.shape[0]
        let features = try images.reshape([n, images.count / n])
        var labels = [String](repeating: "", count: n)
        if let prefix = path.before("-images-idx3-ubyte"),
           let labelPath = DataSource.findFile(prefix + "-labels-idx1-ubyte"),
           let y = try? IDX.load(labelPath), y.rank == 1, y.shape[0] == n {
            labels = y.scalars.map { String(Int($0)) }
        }
        return DataSource.Raw(features: features, labels: labels)
    }

    /// CSV rows: with the model's feature count of columns, all are features; with one more,
    /// the label column (--label-column, or the one the model was trained with, or the last) is
    /// left out and shown.
    static func csvRows(_ bytes: [UInt8], saved: Saved, column: CSV.Column?) throws -> DataSource.Raw {
        let stored = ModelCommands.labelColumn(saved.values["label_column"])
        if column == nil, let plain = try? CSV.readTable(bytes, label: nil),
           saved.features.map({ $0 == plain.features.shape[1] }) ?? true {
            return DataSource.Raw(features: plain.features,
                                  labels: [String](repeating: "", count: plain.features.shape[0]))
        }
        let table = try CSV.readTable(bytes, label: column ?? stored ?? .index(-1))
        if let f = saved.features, f != table.features.shape[1] {
            throw UsageError("--input has \(table.features.shape[1] + 1) columns; the model takes \(f) features "
                             + "(plus an optional label column)")
        }
        return DataSource.Raw(features: table.features, labels: table.labels ?? [])
    }
}
