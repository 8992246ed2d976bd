// The kernels of training-mode batch normalization for [N, C] inputs (one value per channel
// per sample, as BatchNorm1d after a Linear layer sees): the loops run along each row of
// channels, so they read memory in order and vectorize across channels. Each channel's sums
// take the same additions in the same order as the general kernels' (sample by sample, from
// zero, in double), so both give the same bits.

extension Tensor {
    /// Mean, biased variance, 1 / sqrt(var + eps) and the normalized output of channels `channels`
    /// of the [n, c] matrix `x`.
    static func batchNormRowsForward(_ x: UnsafePointer<Float>, n: Int, c: Int, channels: Range<Int>, eps: Float,
                                     gamma: UnsafePointer<Float>?, beta: UnsafePointer<Float>?,
                                     mean: UnsafeMutablePointer<Float>, variance: UnsafeMutablePointer<Float>,
                                     invstd: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>) {
        let lo = channels.lowerBound, w = channels.count
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * w) { doubles in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 4 * w) { floats in
                guard let sums = doubles.baseAddress, let centre = floats.baseAddress else { return }
                let squares = sums + w, scale = centre + w, g = centre + 2 * w, shift = centre + 3 * w
                sums.initialize(repeating: 0, count: 2 * w)
                for i in 0..<n {
                    let row = x + i * c + lo
                    for j in 0..<w { sums[j] += Double(row[j]) }
                }
                for j in 0..<w { sums[j] /= Double(n) }
                for i in 0..<n {
                    let row = x + i * c + lo
                    for j in 0..<w {
                        let d = Double(row[j]) - sums[j]
                        squares[j] += d * d
                    }
                }
                for j in 0..<w {
                    let ch = lo + j, v = Float(squares[j] / Double(n)), m = Float(sums[j])
                    let inv = 1 / (v + eps).squareRoot()
                    (mean[ch], variance[ch], invstd[ch]) = (m, v, inv)
                    (centre[j], scale[j], g[j], shift[j]) = (m, inv, gamma?[ch] ?? 1, beta?[ch] ?? 0)
                }
                for i in 0..<n {
                    let row = x + i * c + lo, y = out + i * c + lo
                    for j in 0..<w { y[j] = (row[j] - centre[j]) * scale[j] * g[j] + shift[j] }
                }
            }
        }
    }

    /// dx, dgamma and dbeta of channels `channels` (see `fusedBatchNormPullback`) for the [n, c]
    /// matrices x and its output's cotangent `g`.
    static func batchNormRowsBackward(_ x: UnsafePointer<Float>, _ g: UnsafePointer<Float>, n: Int, c: Int,
                                      channels: Range<Int>, mean: UnsafePointer<Float>,
                                      invstd: UnsafePointer<Float>, gamma: UnsafePointer<Float>?,
                                      dgamma: UnsafeMutablePointer<Float>, dbeta: UnsafeMutablePointer<Float>,
                                      dx: UnsafeMutablePointer<Float>) {
        let lo = channels.lowerBound, w = channels.count, count = Float(n)
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * w) { doubles in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 5 * w) { floats in
                guard let sumG = doubles.baseAddress, let m = floats.baseAddress else { return }
                let sumGX = sumG + w, inv = m + w, scale = m + 2 * w, meanG = m + 3 * w, meanGX = m + 4 * w
                sumG.initialize(repeating: 0, count: 2 * w)
                m.initialize(from: mean + lo, count: w)
                inv.initialize(from: invstd + lo, count: w)
                for i in 0..<n {
                    let xr = x + i * c + lo, gr = g + i * c + lo
                    for j in 0..<w {
                        sumG[j] += Double(gr[j])
                        sumGX[j] += Double(gr[j]) * Double((xr[j] - m[j]) * inv[j])
                    }
                }
                for j in 0..<w {
                    let ch = lo + j
                    (dgamma[ch], dbeta[ch]) = (Float(sumGX[j]), Float(sumG[j]))
                    meanG[j] = Float(sumG[j]) / count
                    meanGX[j] = Float(sumGX[j]) / count
                    scale[j] = (gamma?[ch] ?? 1) * inv[j]
                }
                for i in 0..<n {
                    let xr = x + i * c + lo, gr = g + i * c + lo, d = dx + i * c + lo
                    for j in 0..<w {
                        let xhat = (xr[j] - m[j]) * inv[j]
                        d[j] = scale[j] * (gr[j] - meanG[j] - xhat * meanGX[j])
                    }
                }
            }
        }
    }
}
