// Batch normalization with batch statistics as one primitive: a two-pass forward kernel and
// a two-pass backward kernel, instead of a dozen broadcast ops and their pullbacks.
//
// The fused kernels run when the gradient is not itself being recorded. Under
// `createGraph: true` the pullback is the same formula written with differentiable tensor
// ops (the statistics recomputed from x, so second derivatives are exact), and tangents use
// the formula's pushforward, also composed.

extension Tensor {
    /// The result of `batchNormTraining`: the output and the per-channel batch statistics.
    struct BatchNormResult {
        let output: Tensor
        /// The batch mean and the biased batch variance, [C] (not part of the graph).
        let mean: Tensor, variance: Tensor
        /// The values per channel the statistics are over (every replica's, synchronized).
        var count: Int
    }

    /// y = (x - mean) / sqrt(var + eps) * gamma + beta per channel (axis 1), with the mean and
    /// biased variance of x over every other axis. `weight` and `bias` are both given or both nil.
    ///
    /// With `replicas` (synchronized batch normalization) the statistics are over every
    /// replica's batch: the hook sums the per-channel sums across the replicas, in the forward
    /// pass and in the backward pass (see `synchronizedBatchNorm`).
    static func batchNormTraining(_ x: Tensor, weight: Tensor?, bias: Tensor?, eps: Float,
                                  replicas: ReplicaGroup? = nil) throws -> BatchNormResult {
        if let replicas { return try synchronizedBatchNorm(x, weight: weight, bias: bias, eps: eps, replicas) }
        let c = x.shape[1], n = x.shape[0], spatial = n * c == 0 ? 0 : x.count / (n * c)
        let perChannel = n * spatial
        let mean = try Tensor.uninitialized([c]), variance = try Tensor.uninitialized([c])
        let invstd = try Tensor.uninitialized([c])
        let out = try Tensor.uninitialized(x.shape)
        let (xp, mp, vp, ip, op) = (SharedPointer(x.pointer), SharedPointer(mean.pointer),
                                    SharedPointer(variance.pointer), SharedPointer(invstd.pointer),
                                    SharedPointer(out.pointer))
        let gamma = weight.map { SharedPointer($0.pointer) }, beta = bias.map { SharedPointer($0.pointer) }
        channelChunks(c, work: x.count) { channels in
            if spatial == 1 {
                return batchNormRowsForward(xp.base, n: n, c: c, channels: channels, eps: eps,
                                            gamma: gamma.map { UnsafePointer($0.base) },
                                            beta: beta.map { UnsafePointer($0.base) }, mean: mp.base,
                                            variance: vp.base, invstd: ip.base, out: op.base)
            }
            let lo = channels.lowerBound, count = channels.count, kernels = Kernels.current
            var sums = [Double](repeating: 0, count: count), squares = sums
            forEachRun(channels, n: n, c: c, spatial: spatial) { ch, o in
                sums[ch - lo] += kernels.sum(spatial, xp.base + o)
            }
            let mus = sums.map { $0 / Double(perChannel) }
            forEachRun(channels, n: n, c: c, spatial: spatial) { ch, o in
                squares[ch - lo] += kernels.sum_squares(spatial, xp.base + o, mus[ch - lo])
            }
            var shift = [Float](repeating: 0, count: count), scale = shift, centre = shift
            for ch in channels {
                let v = Float(squares[ch - lo] / Double(perChannel)), m = Float(mus[ch - lo])
                let inv = 1 / (v + eps).squareRoot()
                (mp.base[ch], vp.base[ch], ip.base[ch]) = (m, v, inv)
                (centre[ch - lo], scale[ch - lo]) = (m, inv)
                shift[ch - lo] = beta?.base[ch] ?? 0
            }
            forEachRun(channels, n: n, c: c, spatial: spatial) { ch, o in
                let (m, inv, g, b) = (centre[ch - lo], scale[ch - lo], gamma?.base[ch] ?? 1, shift[ch - lo])
                for j in o..<o + spatial { op.base[j] = (xp.base[j] - m) * inv * g + b }
            }
        }
        let inputs = [x] + [weight, bias].compactMap { $0 }
        let y = try primitive("batchNorm", out, inputs: inputs,
            pullback: { g, _ in
                if GradMode.isEnabled { return try composedBatchNormPullback(x, weight, g, eps: eps) }
                return try fusedBatchNormPullback(x, weight, g, mean: mean, invstd: invstd, affine: bias != nil)
            },
            pushforward: { t, _ in
                try composedBatchNormPushforward(x, weight, t, mean: mean, invstd: invstd)
            })
        return BatchNormResult(output: y, mean: mean, variance: variance, count: perChannel)
    }

    /// Calls body(channel, start) for every run of `spatial` contiguous elements of the channels
    /// in `channels`, sample by sample, so each channel's runs come in the same order whatever
    /// the range, and memory is read in order.
    @inline(__always)
    static func forEachRun(_ channels: Range<Int>, n: Int, c: Int, spatial: Int,
                                   _ body: (Int, Int) -> Void) {
        for i in 0..<n {
            for ch in channels { body(ch, (i * c + ch) * spatial) }
        }
    }

    /// The sum of term(j) for j < count, in four interleaved partial sums added in a fixed
    /// order (one serial chain of double additions would bound the speed by its latency).
    @inline(__always)
    static func runSum(_ count: Int, _ term: (Int) -> Double) -> Double {
        var (s0, s1, s2, s3) = (0.0, 0.0, 0.0, 0.0)
        var j = 0
        while j + 4 <= count {
            s0 += term(j)
            s1 += term(j + 1)
            s2 += term(j + 2)
            s3 += term(j + 3)
            j += 4
        }
        while j < count {
            s0 += term(j)
            j += 1
        }
        return (s0 + s1) + (s2 + s3)
    }

    /// Runs body over ranges of channels, on the threads when the tensor is large. Each
    /// channel is computed whole by one thread, so the result never depends on the split.
    static func channelChunks(_ c: Int, work: Int, _ body: (Range<Int>) -> Void) {
        let chunks = work < 1 << 15 ? 1 : Swift.min(c, 4 * Threading.threadCount)
        let per = (c + chunks - 1) / chunks
        parallelFor(chunks) { t in
            let lo = t * per, hi = Swift.min(c, lo + per)
            if lo < hi { body(lo..<hi) }
        }
    }

    /// dx = gamma invstd (g - mean(g) - xhat mean(g xhat)), dgamma = sum(g xhat), dbeta = sum(g).
    private static func fusedBatchNormPullback(_ x: Tensor, _ weight: Tensor?, _ g: Tensor, mean: Tensor,
                                               invstd: Tensor, affine: Bool) throws -> [Tensor?] {
        let c = x.shape[1], n = x.shape[0], spatial = n * c == 0 ? 0 : x.count / (n * c)
        let count = Float(n * spatial)
        let dx = try Tensor.uninitialized(x.shape)
        let dgamma = try Tensor.uninitialized([c]), dbeta = try Tensor.uninitialized([c])
        let (xp, gp, dxp) = (SharedPointer(x.pointer), SharedPointer(g.pointer), SharedPointer(dx.pointer))
        let (mp, ip) = (SharedPointer(mean.pointer), SharedPointer(invstd.pointer))
        let (dgp, dbp) = (SharedPointer(dgamma.pointer), SharedPointer(dbeta.pointer))
        let gamma = weight.map { SharedPointer($0.pointer) }
        channelChunks(c, work: x.count) { channels in
            if spatial == 1 {
                return batchNormRowsBackward(xp.base, gp.base, n: n, c: c, channels: channels, mean: mp.base,
                                             invstd: ip.base, gamma: gamma.map { UnsafePointer($0.base) },
                                             dgamma: dgp.base, dbeta: dbp.base, dx: dxp.base)
            }
            let lo = channels.lowerBound, kernels = Kernels.current
            var sumG = [Double](repeating: 0, count: channels.count), sumGX = sumG
            forEachRun(channels, n: n, c: c, spatial: spatial) { ch, o in
                kernels.sum_grad(spatial, gp.base + o, xp.base + o, mp.base[ch], ip.base[ch], &sumG[ch - lo],
                                 &sumGX[ch - lo])
            }
            var meanG = [Float](repeating: 0, count: channels.count), meanGX = meanG, scale = meanG
            for ch in channels {
                (dgp.base[ch], dbp.base[ch]) = (Float(sumGX[ch - lo]), Float(sumG[ch - lo]))
                meanG[ch - lo] = Float(sumG[ch - lo]) / count
                meanGX[ch - lo] = Float(sumGX[ch - lo]) / count
                scale[ch - lo] = (gamma?.base[ch] ?? 1) * ip.base[ch]
            }
            forEachRun(channels, n: n, c: c, spatial: spatial) { ch, o in
                let (m, inv, sc) = (mp.base[ch], ip.base[ch], scale[ch - lo])
                let (mg, mgx) = (meanG[ch - lo], meanGX[ch - lo])
                for j in o..<o + spatial {
                    let xhat = (xp.base[j] - m) * inv
                    dxp.base[j] = sc * (gp.base[j] - mg - xhat * mgx)
                }
            }
        }
        return [x.requiresGrad ? dx : nil] + (affine ? [dgamma, dbeta] : [])
    }

    /// The same gradients as differentiable ops of x, g and gamma (for higher derivatives);
    /// with `replicas`, the means are over every replica's batch of `count` values per channel.
    static func composedBatchNormPullback(_ x: Tensor, _ weight: Tensor?, _ g: Tensor, eps: Float,
                                          replicas: ReplicaGroup? = nil, count: Int = 0) throws -> [Tensor?] {
        let axes = [0] + Array(2..<x.rank)
        let shape = [1, x.shape[1]] + [Int](repeating: 1, count: x.rank - 2)
        let average = channelMean(axes, shape, replicas, count)
        let mean = try average(x)
        let centered = try x - mean
        let variance = try replicas == nil ? x.variance(axes: axes, correction: 0, keepDims: true)
            : average(centered * centered)
        let invstd = try 1 / (variance + eps).sqrt()
        let xhat = try centered * invstd
        let dxhat = try weight.map { try g * $0.reshape(shape) } ?? g
        let dx = try invstd * (dxhat - average(dxhat) - xhat * average(dxhat * xhat))
        guard weight != nil else { return [dx] }
        return [dx, try (g * xhat).sum(axes: axes), try g.sum(axes: axes)]
    }

    /// dy = t_gamma xhat + gamma invstd (t - mean(t) - xhat mean(t xhat)) + t_beta.
    static func composedBatchNormPushforward(_ x: Tensor, _ weight: Tensor?, _ t: [Tensor?], mean: Tensor,
                                             invstd: Tensor, replicas: ReplicaGroup? = nil,
                                             count: Int = 0) throws -> Tensor? {
        let axes = [0] + Array(2..<x.rank)
        let shape = [1, x.shape[1]] + [Int](repeating: 1, count: x.rank - 2)
        let average = channelMean(axes, shape, replicas, count)
        let (m, inv) = (try mean.reshape(shape), try invstd.reshape(shape))
        let xhat = try (x - m) * inv
        var terms: [Tensor?] = []
        if let tx = t[0] {
            let dxhat = try inv * (tx - average(tx) - xhat * average(tx * xhat))
            terms.append(try weight.map { try dxhat * $0.reshape(shape) } ?? dxhat)
        }
        if t.count == 3 {
            if let tg = t[1] { terms.append(try xhat * tg.reshape(shape)) }
            if let tb = t[2] { terms.append(try tb.reshape(shape)) }
        }
        return try tangentSum(terms, shape: x.shape)
    }

    /// The per-channel mean over `axes`, kept as [1, C, 1...]: of this batch, or with `replicas`
    /// of every replica's batch (`count` values per channel), as differentiable ops.
    private static func channelMean(_ axes: [Int], _ shape: [Int], _ replicas: ReplicaGroup?,
                                    _ count: Int) -> (Tensor) throws -> Tensor {
        guard let replicas else { return { try $0.mean(axes: axes, keepDims: true) } }
        return { try ($0.sum(axes: axes).allReduced(replicas.allReduce) / Float(count)).reshape(shape) }
    }
}
