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

extension Tensor {
    /// Adaptive average pooling of [N, C, H, W] (or [C, H, W]) to [..., outH, outW]. A bin's
    /// mean is separable, so the op is P_h x P_w^T with the averaging matrices P (each row
    /// 1 / (bin size) over its bin): differentiable in both modes through matmul.
    public static func adaptiveAvgPool2d(_ x: Tensor, outputSize: (Int, Int)) throws -> Tensor {
        guard x.rank == 3 || x.rank == 4, x.shape[x.rank - 2] > 0, x.shape[x.rank - 1] > 0 else {
            throw AxonError.shape("adaptiveAvgPool2d: expected [N, C, H, W] or [C, H, W] with H, W > 0, got \(x.shape)")
        }
        guard outputSize.0 > 0, outputSize.1 > 0, outputSize.0 < 1 << 20, outputSize.1 < 1 << 20 else {
            throw AxonError.invalid("adaptiveAvgPool2d: output size \(outputSize) must be positive")
        }
        let rows = try averagingMatrix(output: outputSize.0, input: x.shape[x.rank - 2])
        let columns = try averagingMatrix(output: outputSize.1, input: x.shape[x.rank - 1])
        return try rows.matmul(x.matmul(columns.transposed()))
    }

    /// [output, input]: row i is 1 / (end - start) on start ..< end, PyTorch's bins.
    static func averagingMatrix(output: Int, input: Int) throws -> Tensor {
        let p = try Tensor.zeros([output, input])
        for i in 0..<output {
            let start = i * input / output, end = ((i + 1) * input + output - 1) / output
            for j in start..<end { p.pointer[i * input + j] = 1 / Float(end - start) }
        }
        return p
    }
}

extension AdaptiveAvgPool2d: RegisteredLayer {
    static let kind = LayerKind("adaptiveavgpool2d", positional: 1, [.pair("size")])
    static func build(_ spec: LayerSpec, generator: inout PRNG) throws -> any Layer {
        try AdaptiveAvgPool2d(outputSize: spec.pair("size"))
    }
    var specArguments: [String: LayerValue] { ["size": LayerValue(outputSize)] }
}
