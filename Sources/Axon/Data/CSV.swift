/// Numeric CSV with a label column: one sample per line, comma-separated numbers.
public enum CSV {
    /// Parses `bytes` (UTF-8 text) into features [N, F] and labels [N].
    ///
    /// - Parameters:
    ///   - labelColumn: the column holding the label; negative counts from the end (-1: last).
    ///   - skipLines: header lines to skip.
    /// - Throws: `AxonError(.format)` naming the line for a non-numeric field or a ragged row.
    public static func read(_ bytes: [UInt8], labelColumn: Int = -1,
                            skipLines: Int = 0) throws -> (features: Tensor, labels: Tensor) {
        var features: [Float] = [], labels: [Float] = []
        var width: Int?
        var lineNumber = 0
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            lineNumber += 1
            defer { start = end + 1 }
            var line = bytes[start..<end]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if lineNumber <= skipLines || line.allSatisfy({ $0 == UInt8(ascii: " ") }) { continue }
            let fields = line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
            guard fields.count >= 2 else {
                throw AxonError(.format, "CSV: line \(lineNumber) has \(fields.count) field; need features and a label")
            }
            if let width, width != fields.count {
                throw AxonError(.format, "CSV: line \(lineNumber) has \(fields.count) fields, earlier lines \(width)")
            }
            width = fields.count
            let label = labelColumn < 0 ? fields.count + labelColumn : labelColumn
            guard label >= 0, label < fields.count else {
                throw AxonError.invalid("CSV: label column \(labelColumn) is outside the \(fields.count) columns")
            }
            for (i, field) in fields.enumerated() {
                let text = String(decoding: field, as: UTF8.self).trimmingSpaces()
                guard let value = Float(text), value.isFinite else {
                    throw AxonError(.format,
                                    "CSV: line \(lineNumber), column \(i + 1): '\(text)' is not a finite number")
                }
                if i == label { labels.append(value) } else { features.append(value) }
            }
        }
        guard let width else { throw AxonError(.format, "CSV: no data lines") }
        return (try Tensor(features, shape: [labels.count, width - 1]), try Tensor(labels, shape: [labels.count]))
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return String(s)
    }
}
