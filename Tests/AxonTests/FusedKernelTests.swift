import Testing
@testable import Axon

/// The single-pass kernels against the compositions they replace, finite differences, and
/// the second-order and forward-mode paths that fall back to composed ops.
@Suite("Fused kernels")
struct FusedKernelTests {
    /// Batch normalization written with tensor ops, as the layer computed it before fusion.
    func composedBatchNorm(_ x: Tensor, _ gamma: Tensor?, _ beta: Tensor?, eps: Float = 1e-5) throws -> Tensor {
        let axes = [0] + Array(2..<x.rank)
        let shape = [1, x.shape[1]] + [Int](repeating: 1, count: x.rank - 2)
        let mean = try x.mean(axes: axes, keepDims: true)
        let variance = try x.variance(axes: axes, correction: 0, keepDims: true)
        let normalized = try (x - mean) / (variance + eps).sqrt()
        guard let gamma, let beta else { return normalized }
        return try normalized * gamma.reshape(shape) + beta.reshape(shape)
    }

    func fused(_ p: [Tensor]) throws -> Tensor {
        try Tensor.batchNormTraining(p[0], weight: p.count > 1 ? p[1] : nil, bias: p.count > 1 ? p[2] : nil,
                                     eps: 1e-5).output
    }

    static let shapes: [[Int]] = [[6, 4], [5, 3, 7], [4, 3, 5, 6]]

    @Test(arguments: shapes)
    func batchNormMatchesItsComposition(_ shape: [Int]) throws {
        var inputs = Inputs(seed: UInt64(shape.count))
        for affine in [true, false] {
            let x = try inputs.normal(shape).requiringGrad()
            let params = affine ? [try inputs.normal([shape[1]]).requiringGrad(),
                                   try inputs.normal([shape[1]]).requiringGrad()] : []
            let cotangent = try inputs.normal(shape)
            let y = try fused([x] + params), reference = try composedBatchNorm(x, params.first, params.last)
            #expect(allClose(y.scalars, reference.scalars, rtol: 1e-5, atol: 1e-5))
            let got = try gradients(of: [y], wrt: [x] + params, seeds: [cotangent])
            let want = try gradients(of: [reference], wrt: [x] + params, seeds: [cotangent])
            for (a, b) in zip(got, want) { #expect(allClose(a.scalars, b.scalars, rtol: 1e-4, atol: 1e-5)) }
        }
    }

    @Test(arguments: shapes)
    func batchNormPassesTheGradientChecks(_ shape: [Int]) throws {
        var inputs = Inputs(seed: 11)
        let primals = [try inputs.normal(shape), try inputs.normal([shape[1]]), try inputs.normal([shape[1]])]
        let weights = try inputs.normal(shape)
        let f: ([Tensor]) throws -> Tensor = { p in try fused(p) }
        let loss: ([Tensor]) throws -> Tensor = { p in try (fused(p) * weights).tanh().sum() }
        for report in [try GradientCheck().vjp(of: f, at: primals), try GradientCheck().jvp(of: f, at: primals),
                       try GradientCheck().dotProduct(of: f, at: primals),
                       try GradientCheck().secondOrder(of: loss, at: primals)] {
            #expect(report.passed, "\(shape): \(report)")
        }
    }

    /// Eval-mode BatchNorm under no-grad is one pass with the composed ops' bits.
    @Test func evalBatchNormPassHasTheComposedBits() throws {
        var g = PRNG(seed: 5)
        let layers: [(RunningStatsNorm, [Int])] = [(try BatchNorm1d(6), [5, 6]), (try BatchNorm1d(6), [4, 6, 3]),
                                                   (try BatchNorm2d(6, affine: false), [3, 6, 4, 5]),
                                                   (try BatchNorm1d(6, affine: false), [7, 6])]
        for (bn, shape) in layers {
            _ = try bn(Tensor.normal(shape, mean: 1, std: 2, generator: &g))   // non-trivial running statistics
            if let w = bn.weight { try w.assign(Tensor.normal([6], generator: &g)) }
            bn.eval()
            let x = try Tensor.normal(shape, generator: &g)
            let fast = try withNoGrad { try bn(x) }, composed = try bn(x)
            #expect(fast.scalars.map(\.bitPattern) == composed.scalars.map(\.bitPattern))
        }
    }

    /// An empty batch is refused in training and gives an empty result in eval mode without
    /// running statistics (batch statistics of nothing), never a trap.
    @Test func anEmptyBatchDoesNotTrap() throws {
        let bn = try BatchNorm1d(3, trackRunningStats: false)
        let empty = try Tensor.zeros([0, 3])
        #expect(throws: AxonError.self) { try bn(empty) }
        bn.eval()
        #expect(try bn(empty).shape == [0, 3])
        let none = try Tensor.batchNormTraining(Tensor.zeros([0, 3, 4]), weight: nil, bias: nil, eps: 1e-5)
        #expect(none.output.count == 0)
    }

    /// Training-mode BatchNorm over [N, C] runs along rows of channels; each channel's sums must
    /// still take the additions of the per-channel rule (sample by sample from zero, in double),
    /// written out here, bit for bit. 300 x 130 is split over threads by channel.
    @Test(arguments: [[6, 4], [300, 130]])
    func rowBatchNormHasThePerChannelBits(_ shape: [Int]) throws {
        var inputs = Inputs(seed: 23)
        let (n, c) = (shape[0], shape[1])
        for affine in [true, false] {
            let x = try inputs.normal(shape, std: 2).requiringGrad()
            let params = affine ? [try inputs.normal([c]).requiringGrad(), try inputs.normal([c]).requiringGrad()] : []
            let g = try inputs.normal(shape)
            let result = try Tensor.batchNormTraining(x, weight: params.first, bias: params.last, eps: 1e-5)
            let grads = try gradients(of: [result.output], wrt: [x] + params, seeds: [g])
            let (xs, gs) = (x.scalars, g.scalars)
            let (gamma, beta) = (params.first?.scalars, params.last?.scalars)
            var (y, dx) = ([Float](repeating: 0, count: n * c), [Float](repeating: 0, count: n * c))
            var (dgamma, dbeta, means) = ([Float](), [Float](), [Float]())
            for ch in 0..<c {
                var (sum, squares, sumG, sumGX) = (0.0, 0.0, 0.0, 0.0)
                for i in 0..<n { sum += Double(xs[i * c + ch]) }
                let mu = sum / Double(n)
                for i in 0..<n {
                    let d = Double(xs[i * c + ch]) - mu
                    squares += d * d
                }
                let m = Float(mu), inv = 1 / (Float(squares / Double(n)) + 1e-5).squareRoot()
                for i in 0..<n {
                    let k = i * c + ch
                    y[k] = (xs[k] - m) * inv * (gamma?[ch] ?? 1) + (beta?[ch] ?? 0)
                    sumG += Double(gs[k])
                    sumGX += Double(gs[k]) * Double((xs[k] - m) * inv)
                }
                let (meanG, meanGX) = (Float(sumG) / Float(n), Float(sumGX) / Float(n))
                for i in 0..<n {
                    let k = i * c + ch
                    dx[k] = (gamma?[ch] ?? 1) * inv * (gs[k] - meanG - (xs[k] - m) * inv * meanGX)
                }
                (means, dgamma, dbeta) = (means + [m], dgamma + [Float(sumGX)], dbeta + [Float(sumG)])
            }
            let bits: ([Float]) -> [UInt32] = { $0.map(\.bitPattern) }
            #expect(bits(result.mean.scalars) == bits(means))
            #expect(bits(result.output.scalars) == bits(y))
            #expect(bits(grads[0].scalars) == bits(dx))
            if affine {
                #expect(bits(grads[1].scalars) == bits(dgamma))
                #expect(bits(grads[2].scalars) == bits(dbeta))
            }
        }
    }
}
