// The kernels of training-mode batch normalization for [N, C] inputs (one value per channel
// per sample, as BatchNorm1d after a Linear layer sees): the loops run along each row of
// channels, so they read memory in order and vectorize across channels. Each channel's sums
// take the same additions in the same order as the general kernels' (sample by sample, from
// zero, in double), so both give the same bits, on every kernel path.

import AxonKernels

extension Tensor {
    /// Mean, biased variance, 1 / sqrt(var + eps) and the normalized output of channels `channels`
    /// of the [n, c] matrix `x` (the path's `bn_rows_forward` kernel).
    static func batchNormRowsForward(_ x: UnsafePointer<Float>, n: Int, c: Int, channels: Range<Int>, eps: Float,
                                     gamma: UnsafePointer<Float>?, beta: UnsafePointer<Float>?,
                                     mean: UnsafeMutablePointer<Float>, variance: UnsafeMutablePointer<Float>,
                                     invstd: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>) {
        let lo = channels.lowerBound, w = channels.count
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * w) { doubles in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 4 * w) { floats in
                guard let sums = doubles.baseAddress, let tmp = floats.baseAddress else { return }
                Kernels.current.bn_rows_forward(n, c, w, x + lo, gamma.map { $0 + lo }, beta.map { $0 + lo }, eps,
                                                sums, tmp, mean + lo, variance + lo, invstd + lo, out + lo)
            }
        }
    }

    /// dx, dgamma and dbeta of channels `channels` (see `fusedBatchNormPullback`) for the [n, c]
    /// matrices x and its output's cotangent `g` (the path's `bn_rows_backward` kernel).
    static func batchNormRowsBackward(_ x: UnsafePointer<Float>, _ g: UnsafePointer<Float>, n: Int, c: Int,
                                      channels: Range<Int>, mean: UnsafePointer<Float>,
                                      invstd: UnsafePointer<Float>, gamma: UnsafePointer<Float>?,
                                      dgamma: UnsafeMutablePointer<Float>, dbeta: UnsafeMutablePointer<Float>,
                                      dx: UnsafeMutablePointer<Float>) {
        let lo = channels.lowerBound, w = channels.count
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * w) { doubles in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 5 * w) { floats in
                guard let sums = doubles.baseAddress, let tmp = floats.baseAddress else { return }
                Kernels.current.bn_rows_backward(n, c, w, x + lo, g + lo, mean + lo, invstd + lo, gamma.map { $0 + lo },
                                                 sums, tmp, dgamma + lo, dbeta + lo, dx + lo)
            }
        }
    }
}
