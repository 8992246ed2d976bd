// Synchronized batch normalization (PyTorch's SyncBatchNorm): the statistics of every
// replica's batch together, joined by the caller's all-reduce. The kernels are those of
// `batchNormTraining` cut where the replicas must meet: each replica sums its own values per
// channel in double precision, `ReplicaGroup.sum` adds those sums over the replicas in rank
// order (whatever order the engine adds in), and the pass that needs the result continues.
// Forward: the sums and the count, then the sums of squared deviations from the global mean.
// Backward: the sums of g and of g xhat. So N replicas of batch B compute what one process of
// batch N B computes.
//
// Every replica makes the same hook calls in the same order: two in the forward pass, one in
// the backward pass (more under `createGraph`, whose composed pullback all-reduces its means).

extension Tensor {
    static func synchronizedBatchNorm(_ x: Tensor, weight: Tensor?, bias: Tensor?, eps: Float,
                                      _ replicas: ReplicaGroup) throws -> BatchNormResult {
        let c = x.shape[1], n = x.shape[0], spatial = n * c == 0 ? 0 : x.count / (n * c)
        let xp = SharedPointer(x.pointer)
        // The sums of x per channel and the number of values, over every replica.
        let totals = try replicas.sum(channelSums(c, n, spatial, work: x.count) { _, j in Double(xp.base[j]) }
                                      + [Double(n * spatial)])
        let count = totals[c]
        // The caller's sum: NaN, infinite or absurd counts are refused before any conversion.
        guard count > 1, count <= Double(1 << 52) else {
            throw AxonError.shape("BatchNorm: expected more than 1 value per channel over the replicas when "
                                  + "training, got \(count)")
        }
        let mus = totals.prefix(c).map { $0 / count }
        let squares = try replicas.sum(channelSums(c, n, spatial, work: x.count) { ch, j in
            let d = Double(xp.base[j]) - mus[ch]
            return d * d
        })

        let mean = try Tensor(mus.map(Float.init), shape: [c])
        let variance = try Tensor(squares.map { Float($0 / count) }, shape: [c])
        let invstd = try Tensor(variance.scalars.map { 1 / ($0 + eps).squareRoot() }, shape: [c])
        let out = try Tensor.uninitialized(x.shape)
        let (op, mp, ip) = (SharedPointer(out.pointer), SharedPointer(mean.pointer), SharedPointer(invstd.pointer))
        let gamma = weight.map { SharedPointer($0.pointer) }, beta = bias.map { SharedPointer($0.pointer) }
        channelChunks(c, work: x.count) { channels in
            forEachRun(channels, n: n, c: c, spatial: spatial) { ch, o in
                let (m, inv, g, b) = (mp.base[ch], ip.base[ch], gamma?.base[ch] ?? 1, beta?.base[ch] ?? 0)
                for j in o..<o + spatial { op.base[j] = (xp.base[j] - m) * inv * g + b }
            }
        }
        let total = Int(count)
        let inputs = [x] + [weight, bias].compactMap { $0 }
        let y = try primitive("syncBatchNorm", out, inputs: inputs,
            pullback: { g, _ in
                if GradMode.isEnabled {
                    return try composedBatchNormPullback(x, weight, g, eps: eps, replicas: replicas, count: total)
                }
                return try synchronizedPullback(x, weight, g, mean: mean, invstd: invstd, affine: bias != nil,
                                                count: count, replicas)
            },
            pushforward: { t, _ in
                try composedBatchNormPushforward(x, weight, t, mean: mean, invstd: invstd, replicas: replicas,
                                                 count: total)
            })
        return BatchNormResult(output: y, mean: mean, variance: variance, count: total)
    }

    /// dx = gamma invstd (g - mean(g) - xhat mean(g xhat)) with the means over every replica;
    /// dgamma = sum(g xhat) and dbeta = sum(g) over this replica's batch (the gradient exchange
    /// of the training step joins them).
    private static func synchronizedPullback(_ x: Tensor, _ weight: Tensor?, _ g: Tensor, mean: Tensor,
                                             invstd: Tensor, affine: Bool, count: Double,
                                             _ replicas: ReplicaGroup) throws -> [Tensor?] {
        let c = x.shape[1], n = x.shape[0], spatial = n * c == 0 ? 0 : x.count / (n * c)
        let (xp, gp) = (SharedPointer(x.pointer), SharedPointer(g.pointer))
        let (mp, ip) = (SharedPointer(mean.pointer), SharedPointer(invstd.pointer))
        let local = channelSums(c, n, spatial, work: x.count) { _, j in Double(gp.base[j]) }
            + channelSums(c, n, spatial, work: x.count) { ch, j in
                Double(gp.base[j]) * Double((xp.base[j] - mp.base[ch]) * ip.base[ch])
            }
        let global = try replicas.sum(local)
        let meanG = global.prefix(c).map { Float($0) / Float(count) }
        let meanGX = global.suffix(c).map { Float($0) / Float(count) }
        let dx = try Tensor.uninitialized(x.shape)
        let dxp = SharedPointer(dx.pointer), gamma = weight.map { SharedPointer($0.pointer) }
        channelChunks(c, work: x.count) { channels in
            forEachRun(channels, n: n, c: c, spatial: spatial) { ch, o in
                let (m, inv) = (mp.base[ch], ip.base[ch]), scale = (gamma?.base[ch] ?? 1) * inv
                let (mg, mgx) = (meanG[ch], meanGX[ch])
                for j in o..<o + spatial {
                    let xhat = (xp.base[j] - m) * inv
                    dxp.base[j] = scale * (gp.base[j] - mg - xhat * mgx)
                }
            }
        }
        guard affine else { return [x.requiresGrad ? dx : nil] }
        return [x.requiresGrad ? dx : nil, try Tensor(local.suffix(c).map(Float.init), shape: [c]),
                try Tensor(local.prefix(c).map(Float.init), shape: [c])]
    }

    /// The sum of term(channel, index) over each channel's values, in double precision, each
    /// channel summed whole by one thread in a fixed order (the same bits on any thread count).
    private static func channelSums(_ c: Int, _ n: Int, _ spatial: Int, work: Int,
                                    _ term: @escaping (Int, Int) -> Double) -> [Double] {
        var sums = [Double](repeating: 0, count: c)
        sums.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let out = SharedPointer(base)
            channelChunks(c, work: work) { channels in
                forEachRun(channels, n: n, c: c, spatial: spatial) { ch, o in
                    out.base[ch] += runSum(spatial) { term(ch, o + $0) }
                }
            }
        }
        return sums
    }
}
