/// 2-d convolution over NCHW images, as `nn.Conv2d`: weight [out, in/groups, kh, kw],
/// bias [out]. Default initialization is PyTorch's (Kaiming-uniform a = sqrt(5); bias
/// U(-1/sqrt(fanIn), 1/sqrt(fanIn)) with fanIn = in/groups * kh * kw).
public final class Conv2d: Layer {
    public var training = true
    public let inChannels: Int, outChannels: Int
    public let kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int)
    public let groups: Int
    public let weight: Tensor
    public let bias: Tensor?

    public init(_ inChannels: Int, _ outChannels: Int, kernel: (Int, Int), stride: (Int, Int) = (1, 1),
                padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1), groups: Int = 1,
                bias: Bool = true, weightInit: Initializer? = nil, generator: inout PRNG) throws {
        let name = "Conv2d(\(inChannels), \(outChannels))"
        guard inChannels > 0, outChannels > 0, groups > 0, inChannels % groups == 0, outChannels % groups == 0 else {
            throw AxonError.invalid("\(name): channels must be positive and divisible by groups \(groups)")
        }
        guard kernel.0 > 0, kernel.1 > 0, stride.0 > 0, stride.1 > 0, dilation.0 > 0, dilation.1 > 0,
              padding.0 >= 0, padding.1 >= 0 else {
            throw AxonError.invalid("\(name): kernel \(kernel), stride \(stride), dilation \(dilation) "
                                    + "must be positive, padding \(padding) non-negative")
        }
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
        weight = try Tensor.zeros([outChannels, inChannels / groups, kernel.0, kernel.1], requiresGrad: true)
        try (weightInit ?? .kaimingUniform(nonlinearity: .leakyRelu(slope: Float(5).squareRoot())))
            .fill(weight, generator: &generator)
        if bias {
            let bound = 1 / Float(inChannels / groups * kernel.0 * kernel.1).squareRoot()
            self.bias = try Tensor.uniform([outChannels], low: -bound, high: bound, generator: &generator,
                                           requiresGrad: true)
        } else {
            self.bias = nil
        }
    }

    public convenience init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                            dilation: Int = 1, groups: Int = 1, bias: Bool = true, weightInit: Initializer? = nil,
                            generator: inout PRNG) throws {
        try self.init(inChannels, outChannels, kernel: (kernel, kernel), stride: (stride, stride),
                      padding: (padding, padding), dilation: (dilation, dilation), groups: groups, bias: bias,
                      weightInit: weightInit, generator: &generator)
    }

    public var ownParameters: [(name: String, tensor: Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public func forward(_ input: Tensor) throws -> Tensor { try apply(input, weight: weight) }

    /// The layer's map with another weight of the same shape (used by WeightNorm).
    func apply(_ input: Tensor, weight: Tensor) throws -> Tensor {
        try input.expect("Conv2d(\(inChannels), \(outChannels))", ranks: [4], channels: inChannels)
        return try Tensor.conv2d(input, weight: weight, bias: bias, stride: stride, padding: padding,
                                 dilation: dilation, groups: groups)
    }
}

extension Conv2d: RegisteredLayer {
    static let kind = LayerKind("conv2d", positional: 3, [
        .int("in"), .int("out"), .pair("kernel"), .pair("stride", (1, 1)), .pair("padding", (0, 0)),
        .pair("dilation", (1, 1)), .int("groups", 1), .bool("bias", true),
    ])

    static func build(_ spec: LayerSpec, generator: inout PRNG) throws -> any Layer {
        try Conv2d(spec.int("in"), spec.int("out"), kernel: spec.pair("kernel"), stride: spec.pair("stride"),
                   padding: spec.pair("padding"), dilation: spec.pair("dilation"), groups: spec.int("groups"),
                   bias: spec.bool("bias"), generator: &generator)
    }

    static func ownStateShapes(_ spec: LayerSpec) throws -> [[Int]] {
        let k = try spec.pair("kernel"), (i, o, g) = (try spec.int("in"), try spec.int("out"), try spec.int("groups"))
        guard g > 0 else { throw AxonError(.format, "layer spec: conv2d groups must be positive") }
        return [[o, i / g, k.0, k.1]] + (try spec.bool("bias") ? [[o]] : [])
    }

    var specArguments: [String: LayerValue] {
        ["in": .int(inChannels), "out": .int(outChannels), "kernel": LayerValue(kernel), "stride": LayerValue(stride),
         "padding": LayerValue(padding), "dilation": LayerValue(dilation), "groups": .int(groups),
         "bias": .bool(bias != nil)]
    }
}
