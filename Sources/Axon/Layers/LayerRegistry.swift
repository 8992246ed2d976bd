// The registry of built-in layer kinds. Each layer file declares, next to its class, how the
// class appears in a layer spec: its kind name, its arguments with their defaults, how it is
// built from a spec, how an instance describes itself, and the shapes of its own state. The
// spec parser, the canonical printer, the model file's architecture section and the state
// count before loading are generic over this list; none keeps its own switch over kinds.
//
// Adding a kind: write the class, add an `extension NewLayer: RegisteredLayer` beside it, list
// it in `LayerRegistry.kinds`, add its line to the list of kinds in include/axon.h and a class
// with `_kind = "<name>"` to bindings/python/axon/nn/modules.py (LayerRegistryTests fail until
// the last two are there, and print the header line to add).

/// A built-in layer that can be written as a layer spec and rebuilt from one.
protocol RegisteredLayer: Layer {
    /// The spec name and the arguments of this kind.
    static var kind: LayerKind { get }
    /// A fresh layer from a canonical spec of this kind (every argument present and of its
    /// type; see `LayerSpec.canonical()`). Parameters are initialized from `generator`.
    static func build(_ spec: LayerSpec, generator: inout PRNG) throws -> any Layer
    /// The shapes of the parameters and buffers the built layer holds itself (its children
    /// count their own), computed from the spec alone.
    static func ownStateShapes(_ spec: LayerSpec) throws -> [[Int]]
    /// A container's children in their canonical form (residual wraps several in a sequential).
    static func canonicalChildren(_ children: [LayerSpec]) -> [LayerSpec]
    /// This instance's argument values by name; the kind's declaration orders them.
    var specArguments: [String: LayerValue] { get }
    /// The layers a spec of this instance lists as children (default: `children`).
    var specChildren: [any Layer] { get }
}

extension RegisteredLayer {
    static func ownStateShapes(_ spec: LayerSpec) throws -> [[Int]] { [] }
    static func canonicalChildren(_ children: [LayerSpec]) -> [LayerSpec] { children }
    var specArguments: [String: LayerValue] { [:] }
    var specChildren: [any Layer] { children.map(\.layer) }
}

/// A kind without arguments or state, built by `init()` (relu, tanh, identity, ...).
protocol ArgumentlessLayer: RegisteredLayer {
    init()
}

extension ArgumentlessLayer {
    static func build(_ spec: LayerSpec, generator: inout PRNG) throws -> any Layer { Self() }
}

/// Every built-in kind, in the order the documentation lists them.
enum LayerRegistry {
    static var kinds: [any RegisteredLayer.Type] {
        [
            Linear.self, Conv2d.self, MaxPool2d.self, AvgPool2d.self, AdaptiveAvgPool2d.self,
            ReLU.self, GELU.self, Sigmoid.self, Tanh.self, Softplus.self, Identity.self,
            LeakyReLU.self, ELU.self, Softmax.self, LogSoftmax.self, Maxout.self,
            Flatten.self, Unflatten.self, Dropout.self, Dropout2d.self,
            BatchNorm1d.self, BatchNorm2d.self, InstanceNorm2d.self, LayerNorm.self, GroupNorm.self,
            Sequential.self, Residual.self, WeightNorm.self,
        ]
    }

    static func kind(named name: String) -> (any RegisteredLayer.Type)? {
        kinds.first { $0.kind.name == name }
    }
}

extension LayerKind {
    /// One line of the reference of every kind (include/axon.h lists them): the arguments in
    /// canonical order, `name=default` where there is a default, the ones that may be given by
    /// position before a `|`, and `{ ... }` for a container. `maxpool2d kernel | stride=kernel
    /// padding=0x0 dilation=1x1`.
    var reference: String {
        let words = arguments.map { a -> String in
            switch a.defaultValue {
            case .required: return a.name
            case .text(let text): return "\(a.name)=\(text)"
            case .sameAs(let other): return "\(a.name)=\(other)"
            }
        }
        let keywords = words.dropFirst(positional)
        return ([name] + words.prefix(positional) + (keywords.isEmpty ? [] : ["|"] + keywords)
            + (isContainer ? ["{ ... }"] : [])).joined(separator: " ")
    }
}

/// A layer kind as the spec language sees it: `linear 784 256 bias=false`.
struct LayerKind: Sendable {
    /// The lower-case name in the spec text, e.g. "batchnorm1d".
    let name: String
    /// Every argument in canonical order; the first `positional` may be given by position.
    let arguments: [LayerArgument]
    let positional: Int
    /// Whether the kind holds children in braces (`residual { ... }`).
    let isContainer: Bool

    init(_ name: String, positional: Int = 0, _ arguments: [LayerArgument] = [], container: Bool = false) {
        self.name = name
        self.arguments = arguments
        self.positional = positional
        self.isContainer = container
    }
}

/// One argument of a layer kind: its name, the type that fixes its canonical text, and its
/// default.
struct LayerArgument: Sendable {
    enum Form: Sendable { case int, float, floatOrNone, bool, pair, sizes }
    enum Default: Sendable {
        case required
        /// The canonical text of the default value.
        case text(String)
        /// Defaults to the value of an earlier argument (a pool's stride is its kernel).
        case sameAs(String)
    }

    let name: String
    let form: Form
    let defaultValue: Default

    static func int(_ name: String, _ fallback: Int? = nil) -> LayerArgument {
        LayerArgument(name: name, form: .int,
                      defaultValue: fallback.map { .text(LayerValue.int($0).text) } ?? .required)
    }

    static func float(_ name: String, _ fallback: Float? = nil) -> LayerArgument {
        LayerArgument(name: name, form: .float,
                      defaultValue: fallback.map { .text(LayerValue.float($0).text) } ?? .required)
    }

    /// A number or `none` (BatchNorm's momentum: none is a cumulative average).
    static func floatOrNone(_ name: String, _ fallback: Float?) -> LayerArgument {
        LayerArgument(name: name, form: .floatOrNone, defaultValue: .text(LayerValue(fallback).text))
    }

    static func bool(_ name: String, _ fallback: Bool? = nil) -> LayerArgument {
        LayerArgument(name: name, form: .bool,
                      defaultValue: fallback.map { .text(LayerValue.bool($0).text) } ?? .required)
    }

    /// `N` or `NxM`, canonically `NxM`.
    static func pair(_ name: String, _ fallback: (Int, Int)? = nil) -> LayerArgument {
        LayerArgument(name: name, form: .pair,
                      defaultValue: fallback.map { .text(LayerValue.pair($0.0, $0.1).text) } ?? .required)
    }

    static func pair(_ name: String, sameAs other: String) -> LayerArgument {
        LayerArgument(name: name, form: .pair, defaultValue: .sameAs(other))
    }

    /// Sizes such as `4x5` (a shape).
    static func sizes(_ name: String) -> LayerArgument {
        LayerArgument(name: name, form: .sizes, defaultValue: .required)
    }
}

/// An argument value of a built layer, printed in canonical text.
enum LayerValue {
    case int(Int), float(Float), bool(Bool), pair(Int, Int), sizes([Int]), none

    init(_ value: Float?) { self = value.map(LayerValue.float) ?? .none }
    init(_ pair: (Int, Int)) { self = .pair(pair.0, pair.1) }

    var text: String {
        switch self {
        case .int(let v): return "\(v)"
        case .float(let v): return "\(v)"
        case .bool(let v): return "\(v)"
        case .pair(let a, let b): return "\(a)x\(b)"
        case .sizes(let v): return v.map(String.init).joined(separator: "x")
        case .none: return "none"
        }
    }
}
