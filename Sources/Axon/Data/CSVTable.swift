#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A CSV table with an optional header line and a label column that may hold text: numeric
/// features [N, F] and the label of each row as text. Fields are separated by commas; spaces
/// and tabs around a field and one pair of double quotes around it are removed (a quoted field
/// cannot hold a comma). Blank lines are skipped.
///
/// ```swift
/// let table = try CSV.readTable(bytes, label: .name("species"))   // header detected
/// let classes = try ClassEncoding(labels: table.labels ?? [])
/// let targets = try classes.encode(table.labels ?? [])
/// ```
extension CSV {
    /// A column by its 0-based index (negative counts from the end: -1 is the last) or by its
    /// name in the header line.
    public enum Column: Sendable, Equatable {
        case index(Int)
        case name(String)
    }

    public struct Table: Sendable {
        /// [rows, feature columns], in file order.
        public let features: Tensor
        /// The label column's text per row (canonical, see `ClassEncoding.canonical`); nil
        /// when the table was read without a label column.
        public let labels: [String]?
        /// The column names when the file starts with a header line.
        public let header: [String]?
        /// The label column's 0-based index.
        public let labelColumn: Int?
    }

    /// Reads a table. `header` nil detects a header line: the first line is one when some field
    /// of it is not a number while the same field of the next line is (or it is the only line).
    public static func readTable(_ bytes: [UInt8], label: Column?, header: Bool? = nil) throws -> Table {
        var lines: [Range<Int>] = []
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            var stop = end
            if stop > start && bytes[stop - 1] == UInt8(ascii: "\r") { stop -= 1 }
            if bytes[start..<stop].contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }) {
                lines.append(start..<stop)
            }
            start = end + 1
        }
        guard let first = lines.first else { throw AxonError(.format, "CSV: no data lines") }
        let firstFields = fields(bytes[first])
        let hasHeader = header ?? {
            let next = lines.count > 1 ? fields(bytes[lines[1]]) : nil
            return firstFields.indices.contains { i in
                number(firstFields[i]) == nil && (next.map { i < $0.count && number($0[i]) != nil } ?? true)
            }
        }()
        let names = hasHeader ? firstFields.map { String(decoding: $0, as: UTF8.self) } : nil
        let width = firstFields.count
        guard width >= (label == nil ? 1 : 2) else {
            throw AxonError(.format, "CSV: line 1 has \(width) field; need features and a label")
        }
        var labelIndex: Int?
        switch label {
        case nil: labelIndex = nil
        case .index(let i)?:
            guard i >= -width, i < width else {
                throw AxonError.invalid("CSV: label column \(i) is outside the \(width) columns")
            }
            labelIndex = i < 0 ? width + i : i
        case .name(let name)?:
            guard let names else {
                throw AxonError.invalid("CSV: the label column '\(name)' is named but the file has no header line")
            }
            guard let i = names.firstIndex(of: name) else {
                throw AxonError.invalid("CSV: no column '\(name)'; the columns are "
                                        + names.prefix(20).joined(separator: ", ") + (width > 20 ? ", ..." : ""))
            }
            labelIndex = i
        }
        let rows = lines.count - (hasHeader ? 1 : 0)
        let featureCount = width - (labelIndex == nil ? 0 : 1)
        guard rows > 0 else { throw AxonError(.format, "CSV: a header line and no data lines") }
        let out = try Tensor.uninitialized([rows, featureCount])
        var labels: [String] = []
        var lineNumber = 0
        for (row, range) in lines.dropFirst(hasHeader ? 1 : 0).enumerated() {
            lineNumber = row + (hasHeader ? 2 : 1)
            let parts = fields(bytes[range])
            guard parts.count == width else {
                throw AxonError(.format, "CSV: line \(lineNumber) has \(parts.count) fields, the first line \(width)")
            }
            var column = 0
            for (i, field) in parts.enumerated() {
                if i == labelIndex {
                    labels.append(ClassEncoding.canonical(String(decoding: field, as: UTF8.self)))
                    continue
                }
                guard let value = number(field), value.isFinite, abs(value) <= Double(Float.greatestFiniteMagnitude)
                else {
                    throw AxonError(.format, "CSV: line \(lineNumber), column \(i + 1): "
                                    + "'\(String(decoding: field.prefix(40), as: UTF8.self))' is not a finite number")
                }
                out.pointer[row * featureCount + column] = Float(value)
                column += 1
            }
        }
        return Table(features: out, labels: labelIndex == nil ? nil : labels, header: names, labelColumn: labelIndex)
    }

    /// The fields of a line, trimmed of spaces, tabs and one pair of surrounding quotes.
    static func fields(_ line: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map { field in
            var f = field
            while let c = f.first, c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") { f = f.dropFirst() }
            while let c = f.last, c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") { f = f.dropLast() }
            if f.count >= 2, f.first == UInt8(ascii: "\""), f.last == UInt8(ascii: "\"") {
                f = f.dropFirst().dropLast()
            }
            return f
        }
    }

    /// The field as a number (C locale, as `strtod` reads it), or nil.
    static func number(_ field: ArraySlice<UInt8>) -> Double? {
        guard !field.isEmpty else { return nil }
        guard field.count < 64 else { return Double(String(decoding: field, as: UTF8.self)) }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: field.count + 1) { buffer -> Double? in
            guard let base = buffer.baseAddress else { return nil }
            for (i, byte) in field.enumerated() { buffer[i] = CChar(bitPattern: byte) }
            buffer[field.count] = 0
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(base, &end)
            return end == base + field.count ? value : nil
        }
    }
}

/// Class labels as indices 0..<C. When every label is a whole number in 0...65535 the label is
/// its own index (classes 0 through the largest label, so labels keep their meaning); otherwise
/// the distinct labels, sorted (as numbers when all are numbers), are the classes in order.
public struct ClassEncoding: Sendable, Equatable {
    /// The label text of each class index.
    public let names: [String]
    /// The most classes an encoding holds.
    public static let maxClasses = 65536

    public init(labels: [String]) throws {
        guard !labels.isEmpty else { throw AxonError.invalid("ClassEncoding: no labels") }
        let distinct = Array(Set(labels.map(ClassEncoding.canonical)))
        let wholes = distinct.compactMap { Int($0) }
        if wholes.count == distinct.count, let top = wholes.max(), let bottom = wholes.min(),
           bottom >= 0, top < ClassEncoding.maxClasses {
            names = (0...top).map(String.init)
            return
        }
        guard distinct.count <= ClassEncoding.maxClasses else {
            throw AxonError.invalid(
                "ClassEncoding: \(distinct.count) distinct labels exceed \(ClassEncoding.maxClasses)")
        }
        let numbers = distinct.compactMap { Double($0) }
        names = numbers.count == distinct.count
            ? distinct.sorted { Double($0) ?? 0 < Double($1) ?? 0 } : distinct.sorted()
    }

    /// Classes with these names in this order (as a saved model lists them).
    public init(names: [String]) throws {
        guard !names.isEmpty, names.count <= ClassEncoding.maxClasses, Set(names).count == names.count else {
            throw AxonError.invalid("ClassEncoding: need 1...\(ClassEncoding.maxClasses) distinct class names")
        }
        self.names = names
    }

    /// A label's text as classes compare it: trimmed, and a whole number written as an integer
    /// ("3.0" and "+3" are "3").
    public static func canonical(_ text: String) -> String {
        let trimmed = text.trimmingSpaces()
        if let v = Double(trimmed), v == v.rounded(), abs(v) < 9e15 { return String(Int(v)) }
        return trimmed
    }

    /// The class index of `label`, or nil for a label that is not a class.
    public func index(of label: String) -> Int? {
        let text = ClassEncoding.canonical(label)
        if let n = Int(text), n >= 0, n < names.count, names[n] == text { return n }
        return names.firstIndex(of: text)
    }

    /// The labels as class indices [N] (floats, as the losses take them).
    public func encode(_ labels: [String]) throws -> Tensor {
        var out: [Float] = []
        out.reserveCapacity(labels.count)
        for (row, label) in labels.enumerated() {
            guard let k = index(of: label) else {
                throw AxonError.invalid("ClassEncoding: label '\(label.prefix(40))' of row \(row + 1) is not one of "
                                        + "the \(names.count) classes")
            }
            out.append(Float(k))
        }
        return try Tensor(out, shape: [out.count])
    }
}
