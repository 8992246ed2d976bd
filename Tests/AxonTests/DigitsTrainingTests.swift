import Foundation
import Testing
@testable import Axon

/// End to end on scikit-learn's digits (Tests/Data/sklearn_toy): 64-128-128-10 with
/// BatchNorm1d, ReLU and Dropout 0.1, 30 epochs of mini-batch gradient descent with a plain
/// update loop, evaluated in eval mode on 400 held-out samples.
@Suite("Digits training")
struct DigitsTrainingTests {
    static func loadDigits() throws -> (x: Tensor, y: Tensor) {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Data/sklearn_toy/digits.csv.gz")
        let bytes = [UInt8](try Data(contentsOf: url))
        let (features, labels) = try CSV.read(Gzip.decompress(bytes))
        return (try features / 16, labels)
    }

    @Test func reachesNinetyFivePercentOnHeldOutSamples() throws {
        let (x, y) = try Self.loadDigits()
        #expect(x.shape == [1797, 64])
        var rng = PRNG(seed: 2024)
        var order = Array(0..<1797)
        for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, rng.nextInt(below: i + 1)) }
        let trainIndices = Array(order.prefix(1397)), testIndices = Array(order.suffix(400))

        let model = Sequential(
            try Linear(64, 128, generator: &rng), try BatchNorm1d(128), ReLU(), try Dropout(p: 0.1),
            try Linear(128, 128, generator: &rng), try BatchNorm1d(128), ReLU(), try Dropout(p: 0.1),
            try Linear(128, 10, generator: &rng))
        model.reseed(7)
        let learningRate: Float = 0.1, batchSize = 32
        for _ in 0..<30 {
            var shuffled = trainIndices
            for i in stride(from: shuffled.count - 1, to: 0, by: -1) { shuffled.swapAt(i, rng.nextInt(below: i + 1)) }
            for start in stride(from: 0, to: shuffled.count - 1, by: batchSize) {
                let batch = Array(shuffled[start..<min(start + batchSize, shuffled.count)])
                let loss = try crossEntropy(model(x.indexSelect(axis: 0, indices: batch)),
                                            y.indexSelect(axis: 0, indices: batch))
                model.zeroGrad()
                try loss.backward()
                try withNoGrad {
                    for p in model.parameters() {
                        guard let g = p.grad else { continue }
                        try p.assign(p - g * learningRate)
                    }
                }
            }
        }
        model.eval()
        let logits = try withNoGrad { try model(x.indexSelect(axis: 0, indices: testIndices)) }
        let predictions = try logits.argmaxRows()
        let labels = try y.indexSelect(axis: 0, indices: testIndices).scalars.map(Int.init)
        let accuracy = Double(zip(predictions, labels).filter { $0 == $1 }.count) / Double(labels.count)
        #expect(accuracy >= 0.95, "held-out accuracy \(accuracy)")
    }
}

extension Tensor {
    /// The index of the largest entry of each row of a [N, C] tensor.
    func argmaxRows() throws -> [Int] {
        let c = shape[1]
        let v = scalars
        return (0..<shape[0]).map { r in
            (0..<c).max { v[r * c + $0] < v[r * c + $1] } ?? 0
        }
    }
}
