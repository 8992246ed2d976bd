/// A built-in layer described as data: a kind, named arguments and children. One
/// description serves the C door's text spec and the model file's architecture section
/// (DESIGN.md, "Layers are small and explicit").
///
/// The text form is one layer per `;` or line; arguments are `key=value` after the kind,
/// and a layer's first arguments may also be given by position; containers hold their
/// children in braces:
///
/// ```
/// linear 784 256; batchnorm1d 256; relu; dropout 0.2
/// residual { linear 256 256; tanh }
/// conv2d 1 8 kernel=3 padding=1; maxpool2d 2; flatten; linear 1568 10
/// ```
///
/// `Layer.spec` gives the canonical description of a built-in tree (every argument named),
/// and `build(generator:)` makes a fresh tree from one.
public struct LayerSpec: Equatable, Sendable, CustomStringConvertible {
    public var kind: String
    /// Arguments in canonical order, values in their text form ("3x3", "true", "0.1").
    public var arguments: [(key: String, value: String)]
    public var children: [LayerSpec]

    public init(_ kind: String, _ arguments: [(String, String)] = [], children: [LayerSpec] = []) {
        self.kind = kind
        self.arguments = arguments.map { (key: $0.0, value: $0.1) }
        self.children = children
    }

    public static func == (a: LayerSpec, b: LayerSpec) -> Bool { a.description == b.description }

    /// The canonical text: `kind key=value ...`, children in braces.
    public var description: String {
        let args = arguments.map { " \($0.key)=\($0.value)" }.joined()
        let inner = children.isEmpty && !LayerSpec.containers.contains(kind) ? ""
            : " { " + children.map(\.description).joined(separator: "; ") + " }"
        return kind + args + inner
    }

    static let containers: Set<String> = ["sequential", "residual", "weightnorm"]

    /// The positional argument names of each kind, and its defaults.
    static let signatures: [String: (positional: [String], defaults: [(String, String)])] = [
        "linear": (["in", "out"], [("bias", "true")]),
        "conv2d": (["in", "out", "kernel"], [("stride", "1x1"), ("padding", "0x0"), ("dilation", "1x1"), ("groups", "1"), ("bias", "true")]),
        "maxpool2d": (["kernel"], [("stride", ""), ("padding", "0x0"), ("dilation", "1x1")]),
        "avgpool2d": (["kernel"], [("stride", ""), ("padding", "0x0")]),
        "relu": ([], []), "gelu": ([], []), "sigmoid": ([], []), "tanh": ([], []), "softplus": ([], []),
        "identity": ([], []),
        "leakyrelu": (["slope"], [("slope", "0.01")]),
        "elu": (["alpha"], [("alpha", "1.0")]),
        "softmax": (["axis"], [("axis", "-1")]),
        "logsoftmax": (["axis"], [("axis", "-1")]),
        "maxout": (["pieces"], []),
        "flatten": (["start", "end"], [("start", "1"), ("end", "-1")]),
        "dropout": (["p"], [("p", "0.5")]),
        "dropout2d": (["p"], [("p", "0.5")]),
        "batchnorm1d": (["features"], [("eps", "1e-05"), ("momentum", "0.1"), ("affine", "true"), ("track", "true")]),
        "batchnorm2d": (["features"], [("eps", "1e-05"), ("momentum", "0.1"), ("affine", "true"), ("track", "true")]),
        "instancenorm2d": (["features"], [("eps", "1e-05"), ("momentum", "0.1"), ("affine", "false"), ("track", "false")]),
        "layernorm": (["shape"], [("eps", "1e-05"), ("affine", "true")]),
        "groupnorm": (["groups", "channels"], [("eps", "1e-05"), ("affine", "true")]),
        "sequential": ([], []), "residual": ([], []), "weightnorm": ([], []),
    ]

    // MARK: - Parsing

    /// Parses the text form; several top-level layers make a `sequential`.
    public static func parse(_ text: String) throws -> LayerSpec {
        var parser = Parser(tokens: try tokenize(text))
        let layers = try parser.list(closing: nil)
        return layers.count == 1 ? layers[0] : LayerSpec("sequential", children: layers)
    }

    enum Token: Equatable { case word(String), open, close, separator }

    static func tokenize(_ text: String) throws -> [Token] {
        guard text.utf8.count <= 1 << 20 else { throw AxonError(.format, "layer spec: text longer than 1 MiB") }
        var tokens: [Token] = []
        var word = ""
        func flush() { if !word.isEmpty { tokens.append(.word(word)); word = "" } }
        for ch in text {
            switch ch {
            case "{": flush(); tokens.append(.open)
            case "}": flush(); tokens.append(.close)
            case ";", "\n": flush(); tokens.append(.separator)
            case " ", "\t", "\r", ",": flush()
            default: word.append(ch)
            }
        }
        flush()
        return tokens
    }

    struct Parser {
        let tokens: [Token]
        var i = 0
        var depth = 0

        mutating func list(closing: Token?) throws -> [LayerSpec] {
            var out: [LayerSpec] = []
            while i < tokens.count {
                switch tokens[i] {
                case .separator: i += 1
                case .close:
                    guard closing == .close else { throw AxonError(.format, "layer spec: unexpected '}'") }
                    i += 1
                    return out
                case .open: throw AxonError(.format, "layer spec: '{' must follow a container kind")
                case .word: out.append(try layer())
                }
            }
            guard closing == nil else { throw AxonError(.format, "layer spec: missing '}'") }
            return out
        }

        mutating func layer() throws -> LayerSpec {
            guard case .word(let rawKind) = tokens[i] else { throw AxonError(.format, "layer spec: expected a layer kind") }
            let kind = rawKind.lowercased()
            guard let signature = LayerSpec.signatures[kind] else {
                throw AxonError(.format, "layer spec: unknown layer kind '\(rawKind)'")
            }
            i += 1
            var given: [(String, String)] = []
            var position = 0
            while i < tokens.count, case .word(let w) = tokens[i] {
                if let eq = w.firstIndex(of: "=") {
                    given.append((String(w[..<eq]).lowercased(), String(w[w.index(after: eq)...])))
                } else {
                    guard position < signature.positional.count else {
                        throw AxonError(.format, "layer spec: \(kind) takes \(signature.positional.count) positional arguments, got '\(w)'")
                    }
                    given.append((signature.positional[position], w))
                    position += 1
                }
                i += 1
            }
            var children: [LayerSpec] = []
            if i < tokens.count, tokens[i] == .open {
                guard LayerSpec.containers.contains(kind) else { throw AxonError(.format, "layer spec: \(kind) has no children") }
                depth += 1
                guard depth <= 64 else { throw AxonError(.format, "layer spec: nesting deeper than 64") }
                i += 1
                children = try list(closing: .close)
                depth -= 1
            }
            // Canonical order: positional names, then the defaults' order; every key known.
            let known = signature.positional + signature.defaults.map(\.0)
            for (key, _) in given where !known.contains(key) {
                throw AxonError(.format, "layer spec: \(kind) has no argument '\(key)'")
            }
            var arguments: [(String, String)] = []
            for key in known where !arguments.contains(where: { $0.0 == key }) {
                if let value = given.last(where: { $0.0 == key })?.1 {
                    arguments.append((key, value))
                } else if let value = signature.defaults.first(where: { $0.0 == key })?.1 {
                    if !value.isEmpty { arguments.append((key, value)) }
                } else {
                    throw AxonError(.format, "layer spec: \(kind) needs '\(key)'")
                }
            }
            return try LayerSpec(kind, arguments, children: children).canonical()
        }
    }

    /// The same spec with every value in canonical text (pairs as AxB, numbers as Swift
    /// prints them, booleans as true/false) and a pool's stride filled in, so that
    /// `parse(text)` equals the `spec` of the tree it builds.
    func canonical() throws -> LayerSpec {
        var out = self
        out.arguments = try arguments.map { key, value in
            switch key {
            case "kernel", "stride", "padding", "dilation": return (key, try pair(key).map(LayerSpec.pairText) ?? value)
            case "eps", "p", "slope", "alpha": return (key, "\(try float(key))")
            case "momentum": return (key, value.lowercased() == "none" ? "none" : "\(try float(key))")
            case "bias", "affine", "track": return (key, "\(try bool(key))")
            case "shape": return (key, try ints(key).map(String.init).joined(separator: "x"))
            default: return (key, "\(try int(key))")
            }
        }
        if kind == "residual" && children.count != 1 {
            out.children = [LayerSpec("sequential", children: children)]   // residual { a; b } is x + (a then b)(x)
        }
        if (kind == "maxpool2d" || kind == "avgpool2d"), value("stride") == nil, let kernel = try pair("kernel") {
            out.arguments.insert((key: "stride", value: LayerSpec.pairText(kernel)), at: 1)
        }
        return out
    }

    // MARK: - Values

    func value(_ key: String) -> String? { arguments.first { $0.key == key }?.value }

    func int(_ key: String) throws -> Int {
        guard let text = value(key), let v = Int(text), v.magnitude < 1 << 31 else {
            throw AxonError(.format, "layer spec: \(kind) needs an integer '\(key)', got '\(value(key) ?? "")'")
        }
        return v
    }

    func float(_ key: String) throws -> Float {
        guard let text = value(key), let v = Float(text), v.isFinite else {
            throw AxonError(.format, "layer spec: \(kind) needs a number '\(key)', got '\(value(key) ?? "")'")
        }
        return v
    }

    func bool(_ key: String) throws -> Bool {
        switch value(key)?.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw AxonError(.format, "layer spec: \(kind) needs true or false for '\(key)', got '\(value(key) ?? "")'")
        }
    }

    /// "3" or "3x2" as a pair.
    func pair(_ key: String) throws -> (Int, Int)? {
        guard let text = value(key) else { return nil }
        let parts = text.split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
        guard (parts.count == 1 || parts.count == 2), let a = parts[0], let b = parts.last ?? nil,
              a.magnitude < 1 << 20, b.magnitude < 1 << 20 else {
            throw AxonError(.format, "layer spec: \(kind) needs N or NxM for '\(key)', got '\(text)'")
        }
        return (a, b)
    }

    func ints(_ key: String) throws -> [Int] {
        guard let text = value(key) else { throw AxonError(.format, "layer spec: \(kind) needs '\(key)'") }
        let parts = text.split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
        guard !parts.isEmpty, parts.count <= 8, parts.allSatisfy({ ($0?.magnitude ?? .max) < 1 << 31 }) else {
            throw AxonError(.format, "layer spec: \(kind) needs sizes like 4x5 for '\(key)', got '\(text)'")
        }
        return parts.compactMap { $0 }
    }

    static func pairText(_ p: (Int, Int)) -> String { "\(p.0)x\(p.1)" }
}
