/// Weight normalization (Salimans & Kingma, 2016) of a Linear or Conv2d layer: the weight is
/// reparameterized as w = g v / ||v||, the norm taken per output unit (over every axis but
/// the first), with g ([out, 1, ...]) and v (the weight's shape) as the trained parameters.
///
/// The state names are those of `torch.nn.utils.weight_norm`: `bias`, `weight_g`,
/// `weight_v`. At construction g = ||v||, so the layer computes what it wrapped.
public final class WeightNorm: Layer {
    public var training = true
    let wrapped: any Layer
    let apply: (Tensor, Tensor) throws -> Tensor
    let bias: Tensor?
    public let g: Tensor, v: Tensor

    public convenience init(_ layer: Linear) throws {
        try self.init(wrapped: layer, weight: layer.weight, bias: layer.bias, apply: layer.apply)
    }

    public convenience init(_ layer: Conv2d) throws {
        try self.init(wrapped: layer, weight: layer.weight, bias: layer.bias, apply: layer.apply)
    }

    init(wrapped: any Layer, weight: Tensor, bias: Tensor?, apply: @escaping (Tensor, Tensor) throws -> Tensor) throws {
        self.wrapped = wrapped
        self.apply = apply
        self.bias = bias
        let direction = try weight.copy()
        direction.requiresGrad = true
        let magnitude = try withNoGrad { try WeightNorm.norm(direction) }
        magnitude.requiresGrad = true
        v = direction
        g = magnitude
    }

    /// ||v|| per output unit, keeping the axes: [out, 1, ...].
    static func norm(_ v: Tensor) throws -> Tensor {
        try (v * v).sum(axes: Array(1..<v.rank), keepDims: true).sqrt()
    }

    public var ownParameters: [(name: String, tensor: Tensor)] {
        (bias.map { [("bias", $0)] } ?? []) + [("weight_g", g), ("weight_v", v)]
    }

    /// The effective weight g v / ||v||.
    public func weight() throws -> Tensor { try g * v / WeightNorm.norm(v) }

    public func forward(_ input: Tensor) throws -> Tensor { try apply(input, weight()) }
}

extension WeightNorm: RegisteredLayer {
    static let kind = LayerKind("weightnorm", container: true)

    static func build(_ spec: LayerSpec, generator: inout PRNG) throws -> any Layer {
        let inner = try spec.buildChildren(generator: &generator)
        if inner.count == 1, let linear = inner[0] as? Linear { return try WeightNorm(linear) }
        if inner.count == 1, let conv = inner[0] as? Conv2d { return try WeightNorm(conv) }
        throw AxonError(.format, "layer spec: weightnorm wraps exactly one linear or conv2d")
    }

    /// g, [out, 1, ...]; v and the bias are counted as the wrapped layer's weight and bias.
    static func ownStateShapes(_ spec: LayerSpec) throws -> [[Int]] {
        guard let weight = try spec.children.first?.stateShapes().first, let out = weight.first else { return [] }
        return [[out] + [Int](repeating: 1, count: weight.count - 1)]
    }

    var specChildren: [any Layer] { [wrapped] }
}
