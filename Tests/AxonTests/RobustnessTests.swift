import Testing
@testable import Axon

/// Random, often invalid, arguments to every op and layer: each call returns a value or
/// throws an AxonError. A trap would take the whole test process down, so finishing is
/// the assertion; the counts check that both outcomes were exercised.
@Suite("Random arguments never trap")
struct RobustnessTests {
    struct Fuzzer {
        var g: PRNG
        mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + g.nextInt(below: range.count) }
        mutating func shape() -> [Int] { (0..<int(0...4)).map { _ in int(0...3) } }
        mutating func tensor() throws -> Tensor {
            let t = try Tensor.normal(shape(), generator: &g)
            t.requiresGrad = g.nextFloat() < 0.5
            return t
        }
        mutating func axes() -> [Int] { (0..<int(0...3)).map { _ in int(-5...5) } }
    }

    @Test func opsWithRandomArguments() throws {
        var f = Fuzzer(g: PRNG(seed: 99))
        var succeeded = 0, threw = 0
        for _ in 0..<20000 {
            let a = try f.tensor(), b = try f.tensor()
            let op = f.int(0...21)
            do {
                let out: Tensor
                switch op {
                case 0: out = try a + b
                case 1: out = try a * b / (b.abs() + 1)
                case 2: out = try a.sum(axes: f.axes(), keepDims: f.g.nextFloat() < 0.5)
                case 3: out = try a.max(axes: f.axes())
                case 4: out = try a.variance(axes: f.axes(), correction: f.int(0...2))
                case 5: out = try a.reshape(f.shape() + (f.g.nextFloat() < 0.3 ? [-1] : []))
                case 6: out = try a.permute((0..<a.rank).map { _ in f.int(-1...4) })
                case 7: out = try a.slice(axis: f.int(-3...3), start: f.int(-4...4), end: f.int(-4...4))
                case 8: out = try Tensor.concat([a, b], axis: f.int(-2...3))
                case 9:
                    out = try a.indexSelect(axis: f.int(-2...3), indices: (0..<f.int(0...4)).map { _ in f.int(-1...3) })
                case 10: out = try a.gather(axis: f.int(-1...3), index: Tensor.full(b.shape, Float(f.int(-1...3))))
                case 11: out = try a.matmul(b)
                case 12: out = try a.softmax(axis: f.int(-3...3))
                case 13: out = try a.logSumExp(axes: f.axes())
                case 14: out = try a.expand(to: f.shape())
                case 15:
                    out = try Tensor.conv2d(a, weight: b, stride: (f.int(0...2), f.int(1...2)),
                                            padding: (f.int(0...2), f.int(-1...1)),
                                            dilation: (f.int(1...2), f.int(0...2)), groups: f.int(0...2))
                case 16:
                    out = try Tensor.maxPool2d(a, kernel: (f.int(0...3), f.int(1...3)),
                                               padding: (f.int(0...1), f.int(0...1)))
                case 17: out = try Tensor.where(a, b, a)
                case 18: out = try a.flattened(from: f.int(-3...3), to: f.int(-3...3))
                case 19: out = try a.padded(axis: f.int(-2...2), before: f.int(-1...2), after: f.int(0...2))
                case 20: out = try crossEntropy(a, b, labelSmoothing: Float(f.int(0...1)) * 0.1)
                default:
                    out = try a.scatterAdd(axis: f.int(-1...2), index: Tensor.full(a.shape, Float(f.int(-1...2))),
                                           size: f.int(0...3))
                }
                if out.requiresGrad && out.count > 0 {
                    try out.backward(Tensor.ones(out.shape))
                }
                succeeded += 1
            } catch is AxonError {
                threw += 1
            }
        }
        #expect(succeeded > 400 && threw > 400, "succeeded \(succeeded), threw \(threw)")
    }

    @Test func layersWithRandomInputs() throws {
        var f = Fuzzer(g: PRNG(seed: 7))
        var g = PRNG(seed: 1)
        let layers: [any Layer] = [
            try Linear(3, 2, generator: &g), try Conv2d(2, 4, kernel: 2, groups: 2, generator: &g), try BatchNorm1d(3),
            try BatchNorm2d(2), try LayerNorm([3]), try GroupNorm(1, 2), try InstanceNorm2d(2, trackRunningStats: true),
            try WeightNorm(Linear(3, 3, generator: &g)), try Dropout(p: 0.5), try Dropout2d(p: 0.2),
            try Maxout(pieces: 3), Flatten(), MaxPool2d(kernel: 2), AvgPool2d(kernel: 2, padding: 1), Residual(ReLU()),
        ]
        var outcomes = (ok: 0, thrown: 0)
        for _ in 0..<10000 {
            let layer = layers[f.int(0...(layers.count - 1))]
            layer.train(f.g.nextFloat() < 0.5)
            let x = try f.tensor()
            do {
                let y = try layer(x)
                if y.requiresGrad && y.count > 0 { try y.sum().backward() }
                outcomes.ok += 1
            } catch is AxonError {
                outcomes.thrown += 1
            }
        }
        #expect(outcomes.ok > 100 && outcomes.thrown > 100, "\(outcomes)")
    }
}
