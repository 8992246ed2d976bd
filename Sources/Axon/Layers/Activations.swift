// Activation layers: thin wrappers over the differentiable ops.

public final class ReLU: Layer {
    public var training = true
    public init() {}
    public func forward(_ input: Tensor) throws -> Tensor { try input.relu() }
}

/// max(x, 0) + slope min(x, 0); PyTorch's default slope 0.01.
public final class LeakyReLU: Layer {
    public var training = true
    public let slope: Float
    public init(slope: Float = 0.01) { self.slope = slope }
    public func forward(_ input: Tensor) throws -> Tensor { try input.leakyRelu(slope: slope) }
}

/// x for x > 0, alpha (e^x - 1) otherwise (Clevert et al., 2015); alpha 1.
public final class ELU: Layer {
    public var training = true
    public let alpha: Float
    public init(alpha: Float = 1) { self.alpha = alpha }
    public func forward(_ input: Tensor) throws -> Tensor { try input.elu(alpha: alpha) }
}

/// x Phi(x), exact erf form (Hendrycks & Gimpel, 2016).
public final class GELU: Layer {
    public var training = true
    public init() {}
    public func forward(_ input: Tensor) throws -> Tensor { try input.gelu() }
}

public final class Sigmoid: Layer {
    public var training = true
    public init() {}
    public func forward(_ input: Tensor) throws -> Tensor { try input.sigmoid() }
}

public final class Tanh: Layer {
    public var training = true
    public init() {}
    public func forward(_ input: Tensor) throws -> Tensor { try input.tanh() }
}

/// log(1 + e^x) (linear above 20, as PyTorch).
public final class Softplus: Layer {
    public var training = true
    public init() {}
    public func forward(_ input: Tensor) throws -> Tensor { try input.softplus() }
}

/// Softmax along `axis`.
public final class Softmax: Layer {
    public var training = true
    public let axis: Int
    public init(axis: Int = -1) { self.axis = axis }
    public func forward(_ input: Tensor) throws -> Tensor { try input.softmax(axis: axis) }
}

/// Log-softmax along `axis`.
public final class LogSoftmax: Layer {
    public var training = true
    public let axis: Int
    public init(axis: Int = -1) { self.axis = axis }
    public func forward(_ input: Tensor) throws -> Tensor { try input.logSoftmax(axis: axis) }
}

/// Maxout with k pieces (Goodfellow et al., 2013): the last axis of size F is read as F/k
/// groups of k consecutive features, and each output feature is the maximum of its group.
/// Put it after a Linear with k times the wanted width.
public final class Maxout: Layer {
    public var training = true
    public let pieces: Int

    public init(pieces: Int) throws {
        guard pieces >= 1 else { throw AxonError.invalid("Maxout: pieces must be >= 1, got \(pieces)") }
        self.pieces = pieces
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        guard input.rank >= 1, let features = input.shape.last, features % pieces == 0 else {
            throw AxonError.shape("Maxout(pieces: \(pieces)): the last axis of \(input.shape) "
                                  + "must be a multiple of \(pieces)")
        }
        let grouped = try input.reshape(Array(input.shape.dropLast()) + [features / pieces, pieces])
        return try grouped.max(axes: [-1])
    }
}

// MARK: - Layer specs

extension ReLU: ArgumentlessLayer { static let kind = LayerKind("relu") }
extension GELU: ArgumentlessLayer { static let kind = LayerKind("gelu") }
extension Sigmoid: ArgumentlessLayer { static let kind = LayerKind("sigmoid") }
extension Tanh: ArgumentlessLayer { static let kind = LayerKind("tanh") }
extension Softplus: ArgumentlessLayer { static let kind = LayerKind("softplus") }

extension LeakyReLU: RegisteredLayer {
    static let kind = LayerKind("leakyrelu", positional: 1, [.float("slope", 0.01)])
    static func build(_ spec: LayerSpec, generator: inout PRNG) throws -> any Layer {
        LeakyReLU(slope: try spec.float("slope"))
    }
    var specArguments: [String: LayerValue] { ["slope": .float(slope)] }
}

extension ELU: RegisteredLayer {
    static let kind = LayerKind("elu", positional: 1, [.float("alpha", 1)])
    static func build(_ spec: LayerSpec, generator: inout PRNG) throws -> any Layer {
        ELU(alpha: try spec.float("alpha"))
    }
    var specArguments: [String: LayerValue] { ["alpha": .float(alpha)] }
}

extension Softmax: RegisteredLayer {
    static let kind = LayerKind("softmax", positional: 1, [.int("axis", -1)])
    static func build(_ spec: LayerSpec, generator: inout PRNG) throws -> any Layer {
        Softmax(axis: try spec.int("axis"))
    }
    var specArguments: [String: LayerValue] { ["axis": .int(axis)] }
}

extension LogSoftmax: RegisteredLayer {
    static let kind = LayerKind("logsoftmax", positional: 1, [.int("axis", -1)])
    static func build(_ spec: LayerSpec, generator: inout PRNG) throws -> any Layer {
        LogSoftmax(axis: try spec.int("axis"))
    }
    var specArguments: [String: LayerValue] { ["axis": .int(axis)] }
}

extension Maxout: RegisteredLayer {
    static let kind = LayerKind("maxout", positional: 1, [.int("pieces")])
    static func build(_ spec: LayerSpec, generator: inout PRNG) throws -> any Layer {
        try Maxout(pieces: spec.int("pieces"))
    }
    var specArguments: [String: LayerValue] { ["pieces": .int(pieces)] }
}
