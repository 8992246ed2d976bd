/// Max pooling over NCHW images (`nn.MaxPool2d`); stride defaults to the kernel size.
public final class MaxPool2d: Layer {
    public var training = true
    public let kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int)

    public init(kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0),
                dilation: (Int, Int) = (1, 1)) {
        self.kernel = kernel
        self.stride = stride ?? kernel
        self.padding = padding
        self.dilation = dilation
    }

    public convenience init(kernel: Int, stride: Int? = nil, padding: Int = 0) {
        self.init(kernel: (kernel, kernel), stride: stride.map { ($0, $0) }, padding: (padding, padding))
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        try Tensor.maxPool2d(input, kernel: kernel, stride: stride, padding: padding, dilation: dilation)
    }
}

/// Average pooling over NCHW images (`nn.AvgPool2d`, padded zeros counted).
public final class AvgPool2d: Layer {
    public var training = true
    public let kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int)

    public init(kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0)) {
        self.kernel = kernel
        self.stride = stride ?? kernel
        self.padding = padding
    }

    public convenience init(kernel: Int, stride: Int? = nil, padding: Int = 0) {
        self.init(kernel: (kernel, kernel), stride: stride.map { ($0, $0) }, padding: (padding, padding))
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        try Tensor.avgPool2d(input, kernel: kernel, stride: stride, padding: padding)
    }
}

extension MaxPool2d: RegisteredLayer {
    static let kind = LayerKind("maxpool2d", positional: 1, [
        .pair("kernel"), .pair("stride", sameAs: "kernel"), .pair("padding", (0, 0)), .pair("dilation", (1, 1)),
    ])

    static func build(_ spec: LayerSpec, generator: inout PRNG) throws -> any Layer {
        let layer = MaxPool2d(kernel: try spec.pair("kernel"), stride: try spec.pair("stride"),
                              padding: try spec.pair("padding"), dilation: try spec.pair("dilation"))
        try Tensor.checkWindow("maxpool2d", kernel: layer.kernel, stride: layer.stride, padding: layer.padding,
                               dilation: layer.dilation, pooling: true)
        return layer
    }

    var specArguments: [String: LayerValue] {
        ["kernel": LayerValue(kernel), "stride": LayerValue(stride), "padding": LayerValue(padding),
         "dilation": LayerValue(dilation)]
    }
}

extension AvgPool2d: RegisteredLayer {
    static let kind = LayerKind("avgpool2d", positional: 1, [
        .pair("kernel"), .pair("stride", sameAs: "kernel"), .pair("padding", (0, 0)),
    ])

    static func build(_ spec: LayerSpec, generator: inout PRNG) throws -> any Layer {
        let layer = AvgPool2d(kernel: try spec.pair("kernel"), stride: try spec.pair("stride"),
                              padding: try spec.pair("padding"))
        try Tensor.checkWindow("avgpool2d", kernel: layer.kernel, stride: layer.stride, padding: layer.padding,
                               dilation: (1, 1), pooling: true)
        return layer
    }

    var specArguments: [String: LayerValue] {
        ["kernel": LayerValue(kernel), "stride": LayerValue(stride), "padding": LayerValue(padding)]
    }
}
