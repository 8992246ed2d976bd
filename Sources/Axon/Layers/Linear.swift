/// y = x W^T + b, as `nn.Linear`: weight [out, in], bias [out]; any leading batch axes.
///
/// Default initialization is PyTorch's: weight Kaiming-uniform with a = sqrt(5), which is
/// U(-1/sqrt(in), 1/sqrt(in)), and bias U(-1/sqrt(in), 1/sqrt(in)).
public final class Linear: Layer {
    public var training = true
    public let inFeatures: Int, outFeatures: Int
    public let weight: Tensor
    public let bias: Tensor?

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true,
                weightInit: Initializer? = nil, generator: inout PRNG) throws {
        guard inFeatures > 0, outFeatures > 0 else {
            throw AxonError.invalid("Linear(\(inFeatures), \(outFeatures)): feature counts must be positive")
        }
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        weight = try Tensor.zeros([outFeatures, inFeatures], requiresGrad: true)
        try (weightInit ?? .kaimingUniform(nonlinearity: .leakyRelu(slope: Float(5).squareRoot())))
            .fill(weight, generator: &generator)
        if bias {
            let bound = 1 / Float(inFeatures).squareRoot()
            self.bias = try Tensor.uniform([outFeatures], low: -bound, high: bound, generator: &generator,
                                           requiresGrad: true)
        } else {
            self.bias = nil
        }
    }

    public var ownParameters: [(name: String, tensor: Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public func forward(_ input: Tensor) throws -> Tensor { try apply(input, weight: weight) }

    /// The layer's map with another weight of the same shape (used by WeightNorm).
    func apply(_ input: Tensor, weight: Tensor) throws -> Tensor {
        guard input.rank >= 1, input.shape.last == inFeatures else {
            throw AxonError.shape("Linear(\(inFeatures), \(outFeatures)): expected input with last axis \(inFeatures), "
                                  + "got shape \(input.shape)")
        }
        let x = input.rank == 1 ? try input.unsqueezed(0) : input
        var y = try Tensor.matmul(x, weight, transposeA: false, transposeB: true)
        if let bias { y = try y + bias }
        return input.rank == 1 ? try y.squeezed(0) : y
    }
}

extension Linear: RegisteredLayer {
    static let kind = LayerKind("linear", positional: 2, [.int("in"), .int("out"), .bool("bias", true)])

    static func build(_ spec: LayerSpec, generator: inout PRNG) throws -> any Layer {
        try Linear(spec.int("in"), spec.int("out"), bias: spec.bool("bias"), generator: &generator)
    }

    static func ownStateShapes(_ spec: LayerSpec) throws -> [[Int]] {
        let (i, o) = (try spec.int("in"), try spec.int("out"))
        return [[o, i]] + (try spec.bool("bias") ? [[o]] : [])
    }

    var specArguments: [String: LayerValue] {
        ["in": .int(inFeatures), "out": .int(outFeatures), "bias": .bool(bias != nil)]
    }
}
