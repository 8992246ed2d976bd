/// Average pooling of NCHW images to a fixed output size, as `nn.AdaptiveAvgPool2d`: output
/// cell (i, j) is the mean of rows floor(i H / outH) ..< ceil((i + 1) H / outH) and the
/// columns likewise (bins may overlap, and the output may be larger than the input).
public final class AdaptiveAvgPool2d: Layer {
    public var training = true
    public let outputSize: (Int, Int)

    public init(outputSize: (Int, Int)) throws {
        guard outputSize.0 > 0, outputSize.1 > 0 else {
            throw AxonError.invalid("AdaptiveAvgPool2d: output size \(outputSize) must be positive")
        }
        self.outputSize = outputSize
    }

    public convenience init(outputSize: Int) throws { try self.init(outputSize: (outputSize, outputSize)) }

    public func forward(_ input: Tensor) throws -> Tensor {
        try Tensor.adaptiveAvgPool2d(input, outputSize: outputSize)
    }
}

extension AdaptiveAvgPool2d: RegisteredLayer {
    static let kind = LayerKind("adaptiveavgpool2d", positional: 1, [.pair("size")])
    static func build(_ spec: LayerSpec, generator: inout PRNG) throws -> any Layer {
        try AdaptiveAvgPool2d(outputSize: spec.pair("size"))
    }
    var specArguments: [String: LayerValue] { ["size": LayerValue(outputSize)] }
}
