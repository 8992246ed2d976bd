/// Early stopping on the validation loss (Prechelt, 1998): stop after `patience` epochs
/// without an improvement larger than `minDelta`, optionally restoring the best weights.
public struct EarlyStopping: Sendable {
    public var patience: Int
    public var minDelta: Double
    public var restoreBestWeights: Bool
    /// The best validation loss so far, the epochs since it, and its epoch (0-based).
    public internal(set) var best: Double = .infinity
    public internal(set) var epochsWithoutImprovement = 0
    public internal(set) var bestEpoch: Int?

    public init(patience: Int, minDelta: Double = 0, restoreBestWeights: Bool = true) throws {
        guard patience >= 0, minDelta >= 0, minDelta.isFinite else {
            throw AxonError.invalid("EarlyStopping: patience \(patience) and min delta \(minDelta) must be >= 0")
        }
        self.patience = patience
        self.minDelta = minDelta
        self.restoreBestWeights = restoreBestWeights
    }

    /// Records an epoch's validation loss; returns whether it is a new best.
    mutating func record(_ loss: Double, epoch: Int) -> Bool {
        if loss < best - minDelta {
            best = loss
            bestEpoch = epoch
            epochsWithoutImprovement = 0
            return true
        }
        epochsWithoutImprovement += 1
        return false
    }

    var shouldStop: Bool { epochsWithoutImprovement > patience }
}

/// patience (u64), minimum delta (f64), restore-best flag (u8), best metric (f64), epochs
/// without improvement (u64), best epoch + 1 (u64; 0 = none).
extension EarlyStopping: CheckpointState {
    func write(to w: inout ByteWriter) {
        w.u64(UInt64(patience))
        w.f64(minDelta)
        w.u8(restoreBestWeights ? 1 : 0)
        w.f64(best)
        w.u64(UInt64(epochsWithoutImprovement))
        w.u64(UInt64((bestEpoch ?? -1) + 1))
    }

    mutating func read(from r: inout ByteReader) throws {
        var stopping = try EarlyStopping(patience: r.count("patience", limit: 1 << 40), minDelta: r.f64(),
                                         restoreBestWeights: r.u8() != 0)
        stopping.best = try r.f64()
        stopping.epochsWithoutImprovement = try r.count("epochs without improvement", limit: 1 << 40)
        let best = try r.count("best epoch", limit: 1 << 40)
        stopping.bestEpoch = best == 0 ? nil : best - 1
        self = stopping
    }
}
