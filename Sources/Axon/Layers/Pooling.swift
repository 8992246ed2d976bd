/// Max pooling over NCHW images (`nn.MaxPool2d`); stride defaults to the kernel size.
public final class MaxPool2d: Layer {
    public var training = true
    public let kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int)

    public init(kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1)) {
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
