/// A classifier's results on a dataset, in eval mode: the mean loss, the confusion matrix
/// (rows: true class, columns: predicted class), the accuracy and each class's accuracy.
///
/// ```swift
/// let report = try ClassificationReport(model: model, data: test) { try crossEntropy($0, $1) }
/// report.accuracy, report.classAccuracy(3), report.confusion[3][5]
/// ```
public struct ClassificationReport: Sendable {
    public let count: Int
    public let loss: Double
    /// confusion[t][p]: the samples of class t predicted as p.
    public let confusion: [[Int]]

    public var classes: Int { confusion.count }
    public var correct: Int { (0..<classes).reduce(0) { $0 + confusion[$1][$1] } }
    public var accuracy: Double { count > 0 ? Double(correct) / Double(count) : 0 }
    /// The samples whose true class is `c`.
    public func support(_ c: Int) -> Int { confusion[c].reduce(0, +) }
    /// The share of class `c`'s samples predicted as `c`; nil when it has none.
    public func classAccuracy(_ c: Int) -> Double? {
        let n = support(c)
        return n > 0 ? Double(confusion[c][c]) / Double(n) : nil
    }

    /// Runs `model` in eval mode without recording over `data` (features [N, ...], targets
    /// class indices [N]); outputs must be [N, C], every target in 0..<C.
    public init(model: any Layer, data: Dataset, batchSize: Int = 1024,
                loss lossFunction: (Tensor, Tensor) throws -> Tensor) throws {
        guard batchSize > 0 else { throw AxonError.invalid("ClassificationReport: batch size must be positive") }
        guard data.targets.rank == 1 else {
            throw AxonError.shape("ClassificationReport: targets must be class indices [N], got \(data.targets.shape)")
        }
        let wasTraining = model.training
        model.eval()
        defer { model.train(wasTraining) }
        var matrix: [[Int]] = []
        var lossSum = 0.0
        try withNoGrad {
            for start in stride(from: 0, to: data.count, by: batchSize) {
                let indices = Array(start..<min(start + batchSize, data.count))
                let x = try data.features.indexSelect(axis: 0, indices: indices)
                let y = try data.targets.indexSelect(axis: 0, indices: indices)
                let output = try model(x)
                guard output.rank == 2, output.shape[0] == indices.count, output.shape[1] > 0 else {
                    throw AxonError.shape("ClassificationReport: the model's output \(output.shape) is not "
                                          + "[\(indices.count), classes]")
                }
                let c = output.shape[1]
                if matrix.isEmpty { matrix = Array(repeating: Array(repeating: 0, count: c), count: c) }
                guard matrix.count == c else { throw AxonError.shape("ClassificationReport: outputs changed width") }
                lossSum += Double(try lossFunction(output, y).item()) * Double(indices.count)
                for (p, t) in zip(try output.argmax(axis: 1).scalars, y.scalars) {
                    guard t >= 0, t < Float(c), t == t.rounded() else {
                        throw AxonError.invalid("ClassificationReport: target \(t) is not a class of 0..<\(c)")
                    }
                    matrix[Int(t)][Int(p)] += 1
                }
            }
        }
        count = data.count
        loss = data.count > 0 ? lossSum / Double(data.count) : .nan
        confusion = matrix
    }
}

/// The class probabilities (softmax of the outputs) of `model` in eval mode without
/// recording, for features [N, ...], in batches; the outputs must be [N, C].
public func classProbabilities(model: any Layer, features: Tensor, batchSize: Int = 1024) throws -> Tensor {
    guard batchSize > 0, features.rank >= 1 else {
        throw AxonError.invalid("classProbabilities: need a positive batch size and features [N, ...]")
    }
    let wasTraining = model.training
    model.eval()
    defer { model.train(wasTraining) }
    return try withNoGrad {
        var parts: [Tensor] = []
        for start in stride(from: 0, to: features.shape[0], by: batchSize) {
            let x = try features.indexSelect(axis: 0, indices: Array(start..<min(start + batchSize, features.shape[0])))
            let output = try model(x)
            guard output.rank == 2, output.shape[0] == x.shape[0] else {
                throw AxonError.shape("classProbabilities: the model's output \(output.shape) is not [N, classes]")
            }
            parts.append(try output.softmax(axis: 1))
        }
        guard let first = parts.first else { throw AxonError.invalid("classProbabilities: no rows") }
        return parts.count == 1 ? first : try Tensor.concat(parts, axis: 0)
    }
}
