/// A built-in layer described as data: a kind, named arguments and children. One
/// description serves the C door's text spec and the model file's architecture section.
///
/// The text form is one layer per `;` or line; arguments are `key=value` after the kind,
/// and a layer's first arguments may also be given by position; containers hold their
/// children in braces:
///
/// ```
/// linear 784 256; batchnorm1d 256; relu; dropout 0.2
/// residual { linear 256 256; tanh }
/// unflatten 1 1x28x28; conv2d 1 8 kernel=3 padding=1; maxpool2d 2; flatten; linear 1568 10
/// ```
///
/// The kinds and their arguments are declared next to each layer class (`RegisteredLayer`,
/// listed in `LayerRegistry`). `Layer.spec` gives the canonical description of a built-in
/// tree (every argument named), and `build(generator:)` makes a fresh tree from one.
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

    /// The names of the built-in kinds.
    public static var kinds: [String] { LayerRegistry.kinds.map { $0.kind.name } }

    /// The canonical text: `kind key=value ...`, children in braces.
    public var description: String {
        let args = arguments.map { " \($0.key)=\($0.value)" }.joined()
        let isContainer = LayerRegistry.kind(named: kind)?.kind.isContainer ?? false
        guard isContainer || !children.isEmpty else { return kind + args }
        return kind + args + " { " + children.map(\.description).joined(separator: "; ") + " }"
    }

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
            guard case .word(let rawKind) = tokens[i] else {
                throw AxonError(.format, "layer spec: expected a layer kind")
            }
            let name = rawKind.lowercased()
            guard let kind = LayerRegistry.kind(named: name)?.kind else {
                throw AxonError(.format, "layer spec: unknown layer kind '\(rawKind)'")
            }
            i += 1
            var given: [(String, String)] = []
            var position = 0
            while i < tokens.count, case .word(let w) = tokens[i] {
                if let eq = w.firstIndex(of: "=") {
                    given.append((String(w[..<eq]).lowercased(), String(w[w.index(after: eq)...])))
                } else {
                    guard position < kind.positional else {
                        throw AxonError(.format,
                                        "layer spec: \(name) takes \(kind.positional) positional arguments, got '\(w)'")
                    }
                    given.append((kind.arguments[position].name, w))
                    position += 1
                }
                i += 1
            }
            var children: [LayerSpec] = []
            if i < tokens.count, tokens[i] == .open {
                guard kind.isContainer else { throw AxonError(.format, "layer spec: \(name) has no children") }
                depth += 1
                guard depth <= 64 else { throw AxonError(.format, "layer spec: nesting deeper than 64") }
                i += 1
                children = try list(closing: .close)
                depth -= 1
            }
            // The last value given for a key wins.
            var arguments: [(String, String)] = []
            for (key, value) in given {
                arguments.removeAll { $0.0 == key }
                arguments.append((key, value))
            }
            return try LayerSpec(name, arguments, children: children).canonical()
        }
    }

    // MARK: - Canonical form

    /// The registered kind of this spec.
    func registered() throws -> any RegisteredLayer.Type {
        guard let type = LayerRegistry.kind(named: kind) else {
            throw AxonError(.format, "layer spec: unknown layer kind '\(kind)'")
        }
        return type
    }

    /// The same spec in canonical form: every argument of the kind present, in declaration
    /// order, in canonical text (pairs as AxB, numbers as Swift prints them, booleans as
    /// true/false), defaults filled in, so that `parse(text)` equals the `spec` of the tree it
    /// builds. Unknown keys, missing required arguments and malformed values are errors.
    func canonical() throws -> LayerSpec {
        let type = try registered()
        let declared = type.kind.arguments
        for (key, _) in arguments where !declared.contains(where: { $0.name == key }) {
            throw AxonError(.format, "layer spec: \(kind) has no argument '\(key)'")
        }
        var out = LayerSpec(kind, children: type.canonicalChildren(children))
        for argument in declared {
            let text: String
            if let given = value(argument.name) {
                text = given
            } else {
                switch argument.defaultValue {
                case .required: throw AxonError(.format, "layer spec: \(kind) needs '\(argument.name)'")
                case .text(let fallback): text = fallback
                case .sameAs(let other): text = out.value(other) ?? ""
                }
            }
            out.arguments.append((key: argument.name, value: try canonicalText(text, argument)))
        }
        return out
    }

    /// `text` as the canonical text of `argument`'s type.
    func canonicalText(_ text: String, _ argument: LayerArgument) throws -> String {
        let probe = LayerSpec(kind, [(argument.name, text)])
        switch argument.form {
        case .int: return LayerValue.int(try probe.int(argument.name)).text
        case .float: return LayerValue.float(try probe.float(argument.name)).text
        case .floatOrNone: return LayerValue(try probe.floatOrNone(argument.name)).text
        case .bool: return LayerValue.bool(try probe.bool(argument.name)).text
        case .pair: return LayerValue(try probe.pair(argument.name)).text
        case .sizes: return LayerValue.sizes(try probe.ints(argument.name)).text
        }
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

    /// A number, or nil for "none".
    func floatOrNone(_ key: String) throws -> Float? {
        value(key)?.lowercased() == "none" ? nil : try float(key)
    }

    func bool(_ key: String) throws -> Bool {
        switch value(key)?.lowercased() {
        case "true": return true
        case "false": return false
        default:
            throw AxonError(.format,
                            "layer spec: \(kind) needs true or false for '\(key)', got '\(value(key) ?? "")'")
        }
    }

    /// "3" or "3x2" as a pair.
    func pair(_ key: String) throws -> (Int, Int) {
        let text = value(key) ?? ""
        let parts = text.split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
        guard parts.count == 1 || parts.count == 2,
              let a = parts[0], let b = parts.last ?? nil,
              a.magnitude < 1 << 20, b.magnitude < 1 << 20
        else {
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
}

// MARK: - Between layers and their descriptions

extension LayerSpec {
    /// A fresh layer tree; parameters initialized PyTorch's way from `generator`.
    public func build(generator g: inout PRNG) throws -> any Layer {
        let spec = try canonical()
        return try spec.registered().build(spec, generator: &g)
    }

    /// The children built in order, from one stream (what a container's `build` calls).
    func buildChildren(generator g: inout PRNG) throws -> [any Layer] {
        try children.map { try $0.build(generator: &g) }
    }

    /// The canonical description of a built-in layer tree, or nil if it holds a custom layer.
    public static func describe(_ layer: any Layer) -> LayerSpec? {
        guard let registered = layer as? any RegisteredLayer else { return nil }
        let kind = type(of: registered).kind
        var children: [LayerSpec] = []
        for child in registered.specChildren {
            guard let spec = describe(child) else { return nil }
            children.append(spec)
        }
        let values = registered.specArguments
        return LayerSpec(kind.name, kind.arguments.compactMap { a in values[a.name].map { (a.name, $0.text) } },
                         children: children)
    }

    /// The shapes of every parameter and buffer the built tree holds (each layer's own, then
    /// its children's), computed from the description alone.
    func stateShapes() throws -> [[Int]] {
        let spec = try canonical()
        return try spec.registered().ownStateShapes(spec) + spec.children.flatMap { try $0.stateShapes() }
    }

    /// The number of floats the built tree holds in parameters and buffers, so that a file's
    /// architecture can be checked against the data it carries before anything is allocated.
    public func stateElementCount() throws -> Int {
        var total = 0
        for shape in try stateShapes() {
            var count = 1
            for d in shape {
                let (m, overflow) = count.multipliedReportingOverflow(by: d)
                guard !overflow, d >= 0 else { throw AxonError(.format, "layer spec: \(kind) is too large") }
                count = m
            }
            let (s, overflow) = total.addingReportingOverflow(count)
            guard !overflow else { throw AxonError(.format, "layer spec: \(kind) is too large") }
            total = s
        }
        return total
    }
}

extension Layer {
    /// The canonical description of this tree, or nil if it contains a custom layer.
    public var spec: LayerSpec? { LayerSpec.describe(self) }
}
