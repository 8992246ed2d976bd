/// A mistake in the command line: reported as one line on stderr with exit code 2, before
/// any work starts.
struct UsageError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// One option of a command: `--name VALUE` (or `--name=VALUE`), or a flag without a value.
struct OptionSpec {
    let name: String
    /// The value's placeholder in the help ("N", "FILE"); nil for a flag.
    let value: String?
    let help: String

    init(_ name: String, _ value: String?, _ help: String) {
        self.name = name
        self.value = value
        self.help = help
    }
}

/// A command's arguments, parsed strictly: every option known, given at most once, with a
/// value when it takes one; positionals counted.
struct Arguments {
    let command: String
    private(set) var positionals: [String] = []
    private(set) var values: [String: String] = [:]

    /// Parses `args` for `command`, which takes `positionals` (their names, in order) and
    /// `options`. The first mistake throws.
    init(_ args: [String], command: String, positionals names: [String], options: [OptionSpec]) throws {
        self.command = command
        let known = Dictionary(options.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var i = 0
        while i < args.count {
            let arg = args[i]
            i += 1
            guard arg.hasPrefix("-"), arg.count > 1, Double(arg) == nil else {
                guard positionals.count < names.count else {
                    throw UsageError(names.isEmpty ? "\(command) takes no arguments besides options; got '\(arg)'"
                                     : "unexpected argument '\(arg)' (\(command) takes "
                                     + names.joined(separator: " ") + ")")
                }
                positionals.append(arg)
                continue
            }
            var name = arg, inline: String?
            if let eq = arg.firstIndex(of: "=") {
                name = String(arg[..<eq])
                inline = String(arg[arg.index(after: eq)...])
            }
            guard let option = known[name] else {
                let hint = Arguments.nearest(name, among: options.map(\.name)).map { "; did you mean \($0)?" }
                    ?? " (see axon-cli help \(command))"
                throw UsageError("unknown option \(name) for \(command)" + hint)
            }
            guard values[name] == nil else { throw UsageError("\(name) is given twice") }
            guard let placeholder = option.value else {
                if inline != nil { throw UsageError("\(name) takes no value") }
                values[name] = ""
                continue
            }
            if let inline {
                values[name] = inline
                continue
            }
            guard i < args.count else { throw UsageError("\(name) needs a value (\(placeholder))") }
            let next = args[i]
            if next.hasPrefix("--") && next.count > 2 {
                throw UsageError("\(name) needs a value (\(placeholder)); got the option \(next)")
            }
            values[name] = next
            i += 1
        }
        guard positionals.count == names.count else {
            throw UsageError("\(command) needs \(names[positionals.count...].joined(separator: " "))"
                             + " (see axon-cli help \(command))")
        }
    }

    func has(_ name: String) -> Bool { values[name] != nil }

    /// Sets an option that was not given (a checkpoint's recipe, an alias's fixed value).
    mutating func setDefault(_ name: String, _ value: String) {
        if values[name] == nil { values[name] = value }
    }

    func string(_ name: String) -> String? { values[name] }

    /// The option's text, which must not be empty.
    func text(_ name: String, what: String) throws -> String? {
        guard let v = values[name] else { return nil }
        guard !v.trimmingCharacters().isEmpty else { throw UsageError("\(name) needs \(what), got an empty string") }
        return v
    }

    /// A whole number in `range`.
    func int(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        try values[name].map { try Arguments.int($0, name: name, in: range) }
    }

    /// A finite number in the range given by its bounds (each inclusive or not).
    func double(_ name: String, above low: Double, orEqual lowIncluded: Bool = false, upTo high: Double,
                orEqualHigh highIncluded: Bool = true) throws -> Double? {
        try values[name].map {
            try Arguments.double($0, name: name, above: low, orEqual: lowIncluded, upTo: high,
                                 orEqualHigh: highIncluded)
        }
    }

    static func int(_ text: String, name: String, in range: ClosedRange<Int>) throws -> Int {
        let what = "\(name) must be a whole number in \(range.lowerBound)...\(range.upperBound)"
        if let v = Int(text) {
            guard range.contains(v) else { throw UsageError("\(what), got \(text)") }
            return v
        }
        guard let d = Double(text), d.isFinite else { throw UsageError("\(what), got '\(text)'") }
        guard d == d.rounded(), d >= Double(range.lowerBound), d <= Double(range.upperBound), abs(d) < 9e18 else {
            throw UsageError("\(what), got \(text)")
        }
        return Int(d)
    }

    static func double(_ text: String, name: String, above low: Double, orEqual lowIncluded: Bool,
                       upTo high: Double, orEqualHigh highIncluded: Bool) throws -> Double {
        let interval = (lowIncluded ? "[" : "(") + Fmt.general(low) + ", " + Fmt.general(high)
            + (highIncluded ? "]" : ")")
        guard let v = Double(text), v.isFinite else {
            throw UsageError("\(name) must be a number in \(interval), got '\(text)'")
        }
        guard lowIncluded ? v >= low : v > low, highIncluded ? v <= high : v < high else {
            throw UsageError("\(name) must be in \(interval), got \(text)")
        }
        return v
    }

    /// The candidate nearest to `word` by edit distance, when near enough to be a misspelling
    /// (or `word` is a prefix of exactly one candidate).
    static func nearest(_ word: String, among candidates: [String]) -> String? {
        let prefixed = candidates.filter { $0.hasPrefix(word) && word.count >= 3 }
        if prefixed.count == 1 { return prefixed[0] }
        let scored = candidates.map { ($0, distance(word.lowercased(), $0)) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        return best.1 <= max(1, min(3, best.0.count / 3)) ? best.0 : nil
    }

    /// Levenshtein distance, with a transposition counted as one edit.
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        guard !x.isEmpty else { return y.count }
        guard !y.isEmpty else { return x.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { d[i][0] = i }
        for j in 0...y.count { d[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[x.count][y.count]
    }

    /// `key=value,key=value` (after a `kind:`), values as finite numbers or words.
    static func keyValues(_ text: String, option: String) throws -> [(key: String, value: String)] {
        guard !text.isEmpty else { return [] }
        return try text.split(separator: ",", omittingEmptySubsequences: false).map { part in
            let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2, !pair[0].isEmpty, !pair[1].isEmpty else {
                throw UsageError("\(option): '\(part)' is not key=value")
            }
            return (String(pair[0]).trimmingCharacters(), String(pair[1]).trimmingCharacters())
        }
    }
}

extension String {
    func trimmingCharacters() -> String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" || c == "\n" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\n" { s = s.dropLast() }
        return String(s)
    }
}
