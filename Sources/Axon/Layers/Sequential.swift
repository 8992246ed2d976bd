/// Layers applied in order; children are named "0", "1", ... as in `nn.Sequential`.
public final class Sequential: Layer {
    public var training = true
    public let layers: [any Layer]

    public init(_ layers: [any Layer]) { self.layers = layers }
    public convenience init(_ layers: any Layer...) { self.init(layers) }

    public var children: [(name: String, layer: any Layer)] {
        layers.enumerated().map { ("\($0.offset)", $0.element) }
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        try layers.reduce(input) { x, layer in try layer(x) }
    }
}

/// The residual unit x + F(x) (He et al., 2016, "Deep Residual Learning"); F is the child
/// named "body", and must keep the shape of its input.
public final class Residual: Layer {
    public var training = true
    public let body: any Layer

    public init(_ body: any Layer) { self.body = body }

    public var children: [(name: String, layer: any Layer)] { [("body", body)] }

    public func forward(_ input: Tensor) throws -> Tensor {
        let fx = try body(input)
        guard fx.shape == input.shape else {
            throw AxonError.shape("Residual: the body maps \(input.shape) to \(fx.shape); x + F(x) needs equal shapes")
        }
        return try input + fx
    }
}

/// Flattens axes `startAxis...endAxis` (default: all but the batch axis), as `nn.Flatten`.
public final class Flatten: Layer {
    public var training = true
    public let startAxis: Int, endAxis: Int

    public init(startAxis: Int = 1, endAxis: Int = -1) {
        self.startAxis = startAxis
        self.endAxis = endAxis
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        do { return try input.flattened(from: startAxis, to: endAxis) } catch let e as AxonError {
            throw AxonError(e.kind, "Flatten(\(startAxis), \(endAxis)) on shape \(input.shape): \(e.message)")
        }
    }
}

/// Returns its input.
public final class Identity: Layer {
    public var training = true
    public init() {}
    public func forward(_ input: Tensor) throws -> Tensor { input }
}

// MARK: - Layer specs

extension Sequential: RegisteredLayer {
    static let kind = LayerKind("sequential", container: true)
    static func build(_ spec: LayerSpec, generator: inout PRNG) throws -> any Layer {
        Sequential(try spec.buildChildren(generator: &generator))
    }
}

extension Residual: RegisteredLayer {
    static let kind = LayerKind("residual", container: true)

    static func build(_ spec: LayerSpec, generator: inout PRNG) throws -> any Layer {
        let body = try spec.buildChildren(generator: &generator)
        return Residual(body.count == 1 ? body[0] : Sequential(body))
    }

    /// `residual { a; b }` is x + (a then b)(x).
    static func canonicalChildren(_ children: [LayerSpec]) -> [LayerSpec] {
        children.count == 1 ? children : [LayerSpec("sequential", children: children)]
    }
}

extension Flatten: RegisteredLayer {
    static let kind = LayerKind("flatten", positional: 2, [.int("start", 1), .int("end", -1)])
    static func build(_ spec: LayerSpec, generator: inout PRNG) throws -> any Layer {
        Flatten(startAxis: try spec.int("start"), endAxis: try spec.int("end"))
    }
    var specArguments: [String: LayerValue] { ["start": .int(startAxis), "end": .int(endAxis)] }
}

extension Identity: ArgumentlessLayer { static let kind = LayerKind("identity") }
