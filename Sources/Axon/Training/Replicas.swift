// Data-parallel training without a collective engine inside the library: every process holds
// a replica of the model, trains on its shard of each batch, and the caller's engine (MPI,
// Gloo, anything) joins the replicas through hooks that receive one flat float32 buffer.
//
// - `Flat` reads and writes parameters, gradients or a whole state as one buffer.
// - `Layer.broadcast(using:)` makes every replica start from the same state.
// - A gradient hook (`trainStep(..., gradientHook:)`, `Trainer.gradientHook`) runs between
//   backward and the optimizer step; it typically replaces the gradients by their mean over
//   the replicas (MPI_Allreduce with MPI_SUM, then a division by the world size).
// - `BatchNorm.synchronize` all-reduces the batch statistics (PyTorch's SyncBatchNorm).
// - `DataLoader(..., rank:, worldSize:)` gives each replica its share of every global batch.

/// A function of the caller's collective engine over one flat float32 buffer, changed in place
/// (an all-reduce, a broadcast, an average). A hook that throws fails the call that ran it.
public typealias ReplicaHook = (UnsafeMutableBufferPointer<Float>) throws -> Void

/// Tensors, or their gradients, as one flat float32 buffer: each tensor's elements in
/// row-major order, the tensors one after another in the order given.
public enum Flat {
    public enum Part: Sendable {
        case values
        /// A tensor without a gradient reads as zeros.
        case gradients
    }

    /// The number of elements of `tensors` together.
    public static func count(_ tensors: [Tensor]) throws -> Int {
        var total = 0
        for t in tensors {
            let (sum, overflow) = total.addingReportingOverflow(t.count)
            guard !overflow else { throw AxonError(.outOfMemory, "flat buffer: the element count overflows") }
            total = sum
        }
        return total
    }

    /// Copies `part` of `tensors` into `out`, which must hold exactly `count(tensors)` floats.
    public static func read(_ tensors: [Tensor], _ part: Part, into out: UnsafeMutableBufferPointer<Float>) throws {
        try check(tensors, out.count, "read")
        guard var at = out.baseAddress else { return }
        for t in tensors {
            if part == .gradients, t.grad == nil {
                at.initialize(repeating: 0, count: t.count)
            } else {
                at.update(from: (part == .values ? t : t.grad ?? t).pointer, count: t.count)
            }
            at += t.count
        }
    }

    /// Copies `values` (exactly `count(tensors)` floats) into `part` of `tensors`, in place. A
    /// tensor without a gradient gets one only when its slice of `values` is not all zero, so
    /// that a parameter no replica reached is still skipped by the optimizer.
    public static func write(_ tensors: [Tensor], _ part: Part, from values: UnsafeBufferPointer<Float>) throws {
        try check(tensors, values.count, "write")
        guard var at = values.baseAddress else { return }
        for t in tensors {
            let slice = UnsafeBufferPointer(start: at, count: t.count)
            switch part {
            case .values:
                t.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: slice) }
            case .gradients:
                if t.grad == nil, slice.contains(where: { $0 != 0 }) {
                    t.grad = try Tensor(repeating: 0, shape: t.shape)
                }
                t.grad?.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: slice) }
            }
            at += t.count
        }
    }

    /// Reads `part` of `tensors`, lets `hook` change the buffer, and writes it back. Nothing
    /// changes when the hook throws.
    public static func exchange(_ tensors: [Tensor], _ part: Part, _ hook: ReplicaHook) throws {
        var buffer = [Float](repeating: 0, count: try count(tensors))
        try buffer.withUnsafeMutableBufferPointer { b in
            try read(tensors, part, into: b)
            try hook(b)
            try write(tensors, part, from: UnsafeBufferPointer(b))
        }
    }

    private static func check(_ tensors: [Tensor], _ given: Int, _ verb: String) throws {
        let needed = try count(tensors)
        guard given == needed else {
            throw AxonError.invalid("flat \(verb): the buffer holds \(given) floats, the tensors \(needed)")
        }
    }
}

/// What of a model a flat buffer holds.
public enum ModelPart: Sendable {
    /// The parameters' values, in `parameters()` order.
    case parameters
    /// The parameters' gradients, in the same order (zeros where there is none).
    case gradients
    /// Every state tensor (parameters and buffers such as BatchNorm's running statistics), in
    /// `stateDict()` order: what a replica receives from rank 0 to start from the same state.
    case state
}

extension Layer {
    func flatTensors(_ part: ModelPart) -> (tensors: [Tensor], part: Flat.Part) {
        switch part {
        case .parameters: return (parameters(), .values)
        case .gradients: return (parameters(), .gradients)
        case .state: return (stateDict().map(\.tensor), .values)
        }
    }

    /// The number of floats in the flat buffer of `part`.
    public func flatCount(_ part: ModelPart) throws -> Int { try Flat.count(flatTensors(part).tensors) }

    /// Copies `part` into `out` (exactly `flatCount(part)` floats).
    public func readFlat(_ part: ModelPart, into out: UnsafeMutableBufferPointer<Float>) throws {
        let (tensors, p) = flatTensors(part)
        try Flat.read(tensors, p, into: out)
    }

    /// Copies `values` (exactly `flatCount(part)` floats) into `part`, in place.
    public func writeFlat(_ part: ModelPart, from values: UnsafeBufferPointer<Float>) throws {
        let (tensors, p) = flatTensors(part)
        try Flat.write(tensors, p, from: values)
    }

    /// Makes every replica hold rank 0's state: the whole state (parameters and buffers) goes
    /// through `hook` as one buffer, which must leave rank 0's values in it on every rank
    /// (MPI_Bcast from root 0). Nothing changes when the hook throws.
    public func broadcast(using hook: ReplicaHook) throws {
        try Flat.exchange(stateDict().map(\.tensor), .values, hook)
    }

    /// Sets (or, with nil, clears) `BatchNorm.synchronize` on every batch normalization layer of
    /// the tree; returns how many there are.
    @discardableResult
    public func synchronizeBatchNorm(_ allReduce: ReplicaHook?) -> Int {
        var found = 0
        if let norm = self as? BatchNorm {
            norm.synchronize = allReduce
            found += 1
        }
        for child in children { found += child.layer.synchronizeBatchNorm(allReduce) }
        return found
    }
}

extension Tensor {
    /// The sum of this tensor over the replicas: `hook` replaces a copy's values by their sum
    /// across the replicas (MPI_Allreduce with MPI_SUM). Differentiable: the gradient is the
    /// same all-reduce of the cotangent (the sum of the replicas' gradients), so every replica
    /// must run backward through it, in the same order.
    public func allReduced(_ hook: @escaping ReplicaHook) throws -> Tensor {
        let out = try copy()
        try out.withUnsafeMutableBufferPointer { try hook($0) }
        return try Tensor.primitive("allReduce", out, inputs: [self],
                                    pullback: { g, _ in [try g.allReduced(hook)] },
                                    pushforward: { t, _ in try t[0].map { try $0.allReduced(hook) } })
    }
}

/// The gradient exchange of a training step: the model's flat gradients through `hook`. A
/// replica whose loss is not finite sends NaN, so that every replica sees a non-finite gradient
/// and the guard skips the step on all of them together.
func exchangeGradients(_ model: any Layer, lossIsFinite: Bool, _ hook: ReplicaHook) throws {
    try Flat.exchange(model.parameters(), .gradients) { buffer in
        if !lossIsFinite { buffer.update(repeating: .nan) }
        try hook(buffer)
    }
}

extension BatchNorm {
    /// Training-mode normalization with statistics over every replica's batch: the per-channel
    /// sums, the sample count and the squared deviations are all-reduced, so N replicas of batch
    /// B normalize as one process of batch N B would, gradients included (they flow back through
    /// the same all-reduces). Two passes, as the single-process kernel.
    func synchronizedForward(_ x: Tensor, _ allReduce: @escaping ReplicaHook) throws -> Tensor {
        let c = numFeatures, axes = [0] + Array(2..<x.rank), shape = statShape(x.rank)
        let local = try Tensor([Float(x.count / c)], shape: [1])
        let totals = try Tensor.concat([x.sum(axes: axes), local], axis: 0).allReduced(allReduce)
        let n = totals.pointer[c]
        guard n > 1 else {   // the caller's sum: NaN too, so not converted to Int
            throw AxonError.shape("\(name): expected more than 1 value per channel over the replicas when training, "
                                  + "got \(n)")
        }
        let mean = try totals.slice(axis: 0, start: 0, end: c) / n
        let centered = try x - mean.reshape(shape)
        let variance = try (centered * centered).sum(axes: axes).allReduced(allReduce) / n
        let normalized = try centered / (variance + eps).sqrt().reshape(shape)
        try updateRunningStatistics(mean: mean, unbiasedVariance: variance * (n / (n - 1)), countBatch: true)
        return try affine(normalized)
    }
}
