import AxonKernels
import Testing
@testable import Axon

/// The batch-statistics sums and max pooling's 2 x 2 argmax: every path, baseline included,
/// gives the same bits, and they agree with references written out here.
@Suite("Statistics and pooling kernels")
struct StatisticsKernelTests {
    /// Runs of every length around the 16-lane blocks, with a mean far from zero.
    static let lengths = [0, 1, 7, 15, 16, 17, 31, 49, 196, 784, 1001]

    @Test func sumsAgreeWithDoublePrecisionOnEveryPath() throws {
        var inputs = Inputs(seed: 41)
        for n in Self.lengths {
            let x = try (inputs.normal([n], std: 3) + 5).scalars
            let (g, mean, invstd) = (try inputs.normal([n]).scalars, Float(4.5), Float(0.37))
            let sum = x.reduce(0.0) { $0 + Double($1) }, mu = n == 0 ? 0 : sum / Double(n)
            let squares = x.reduce(0.0) { $0 + (Double($1) - mu) * (Double($1) - mu) }
            let sumG = g.reduce(0.0) { $0 + Double($1) }
            let sumGX = zip(g, x).reduce(0.0) { $0 + Double($1.0) * Double(($1.1 - mean) * invstd) }
            var bits: [[UInt64]] = []
            for kernels in KernelPathTests.tables {
                let name = String(cString: kernels.name)
                let s = kernels.sum(n, x), q = kernels.sum_squares(n, x, mu)
                var (sg, sgx) = (1.0, -2.0)   // the backward sums add to what is there
                kernels.sum_grad(n, g, x, mean, invstd, &sg, &sgx)
                #expect(Swift.abs(s - sum) <= 1e-12 * Double(n) * 8, "\(name) n=\(n): sum \(s) vs \(sum)")
                #expect(Swift.abs(q - squares) <= 1e-12 * Double(n) * 9, "\(name) n=\(n): squares")
                #expect(Swift.abs(sg - 1 - sumG) <= 1e-12 * Double(n) * 3 + 1e-15, "\(name) n=\(n): sum of g")
                #expect(Swift.abs(sgx + 2 - sumGX) <= 1e-12 * Double(n) * 3 + 1e-15, "\(name) n=\(n): sum of g x")
                bits.append([s, q, sg, sgx].map(\.bitPattern))
            }
            #expect(bits.allSatisfy { $0 == bits[0] }, "n=\(n): the paths give different sums")
        }
    }

    /// The argmax of each 2 x 2 window as the general pooling loop defines it: the first
    /// maximum in window order, the last NaN, the first position when all are -infinity.
    static func referenceArgmax(_ x: [Float], width: Int, oh: Int, ow: Int) -> [Int32] {
        var out: [Int32] = []
        for oy in 0..<oh {
            for ox in 0..<ow {
                let window = [2 * oy * width + 2 * ox, 2 * oy * width + 2 * ox + 1,
                              (2 * oy + 1) * width + 2 * ox, (2 * oy + 1) * width + 2 * ox + 1]
                var (best, at) = (-Float.infinity, -1)
                for i in window where x[i] > best || x[i].isNaN { (best, at) = (x[i], i) }
                out.append(Int32(at >= 0 ? at : window[0]))
            }
        }
        return out
    }

    @Test(arguments: [(28, 28), (14, 14), (15, 13), (2, 2), (3, 33), (6, 40), (5, 17)])
    func argmax2x2AgreesWithTheWindowRule(_ plane: (Int, Int)) throws {
        let (h, w) = plane, (oh, ow) = (plane.0 / 2, plane.1 / 2)
        var inputs = Inputs(seed: UInt64(h * 100 + w))
        // Rounded values make ties; NaN and -infinity are sprinkled in.
        var x = try inputs.normal([h * w]).scalars.map { ($0 * 2).rounded() }
        for i in stride(from: 3, to: x.count, by: 11) { x[i] = .nan }
        for i in stride(from: 5, to: x.count, by: 7) { x[i] = -.infinity }
        if x.count >= 4 { (x[0], x[1], x[w], x[w + 1]) = (-.infinity, -.infinity, -.infinity, -.infinity) }
        let expected = Self.referenceArgmax(x, width: w, oh: oh, ow: ow)
        for kernels in KernelPathTests.tables {
            var out = [Int32](repeating: -7, count: oh * ow + 3)   // and nothing past the plane's outputs
            kernels.argmax2x2(x, &out, w, oh, ow)
            #expect(Array(out.prefix(oh * ow)) == expected, "\(String(cString: kernels.name)) \(plane)")
            #expect(out.suffix(3).allSatisfy { $0 == -7 })
        }
    }

    /// Relu's pullback in one loop has the bits of its composed form g * (x > 0).
    @Test func reluPullbackHasTheComposedBits() throws {
        var inputs = Inputs(seed: 43)
        var xs = try inputs.normal([5000]).scalars
        (xs[0], xs[1], xs[2]) = (0, -0.0, .nan)
        let x = try Tensor(xs, shape: [50, 100]).requiringGrad()
        var gs = try inputs.normal([5000]).scalars
        (gs[3], gs[4]) = (.nan, .infinity)
        let g = try Tensor(gs, shape: [50, 100])
        let fused = try gradients(of: [x.relu()], wrt: [x], seeds: [g])[0]
        let composed = try g * x.greater(0)
        #expect(fused.scalars.map(\.bitPattern) == composed.scalars.map(\.bitPattern))
        let recorded = try gradients(of: [x.relu()], wrt: [x], seeds: [g], createGraph: true)[0]
        #expect(recorded.scalars.map(\.bitPattern) == composed.scalars.map(\.bitPattern))
    }
}
