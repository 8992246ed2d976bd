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
    public func synchronizeBatchNorm(_ group: ReplicaGroup?) -> Int {
        var found = 0
        if let norm = self as? BatchNorm {
            norm.synchronize = group
            found += 1
        }
        for child in children { found += child.layer.synchronizeBatchNorm(group) }
        return found
    }
}

/// The replicas synchronized batch normalization sums over: this one's rank, their number and
/// an all-reduce with MPI_SUM.
///
/// The sums are added in a fixed order, whatever order the engine adds in: each replica writes
/// its partial sums (double precision, as a pair of floats each: 48 bits of the 53) into its own
/// slots of a buffer of zeros, the all-reduce adds only zeros to them, and every replica adds the
/// slots in rank order in double precision. So the statistics are those one process computes
/// from the whole batch, but for the rare sum that rounds differently. A partial sum beyond
/// float's range (3.4e38) becomes infinite, where one process would keep it in double.
public struct ReplicaGroup {
    public let rank: Int
    public let worldSize: Int
    public let allReduce: ReplicaHook

    public init(rank: Int, worldSize: Int, allReduce: @escaping ReplicaHook) throws {
        guard worldSize > 0, rank >= 0, rank < worldSize else {
            throw AxonError.invalid("replica group: rank \(rank) must be in 0..<world size \(worldSize)")
        }
        guard worldSize <= 1 << 20 else {
            throw AxonError.invalid("replica group: world size \(worldSize) is above 2^20")
        }
        self.rank = rank
        self.worldSize = worldSize
        self.allReduce = allReduce
    }

    /// The largest buffer a sum may take (2^28 floats, 1 GiB).
    static let maxSlots = 1 << 28

    /// The element-wise sum of `local` over the replicas, in rank order (see above).
    func sum(_ local: [Double]) throws -> [Double] {
        let n = local.count
        let (slots, overflow) = n.multipliedReportingOverflow(by: 2 * worldSize)
        guard !overflow, slots <= ReplicaGroup.maxSlots else {
            throw AxonError(.outOfMemory, "replica group: \(n) sums for \(worldSize) replicas need more than "
                            + "\(ReplicaGroup.maxSlots) floats")
        }
        var buffer = [Float](repeating: 0, count: slots)
        for (i, value) in local.enumerated() {
            let high = Float(value)
            buffer[2 * (rank * n + i)] = high
            buffer[2 * (rank * n + i) + 1] = high.isFinite ? Float(value - Double(high)) : 0
        }
        try buffer.withUnsafeMutableBufferPointer { try allReduce($0) }
        return (0..<n).map { i in
            (0..<worldSize).reduce(0.0) { total, r in
                total + Double(buffer[2 * (r * n + i)]) + Double(buffer[2 * (r * n + i) + 1])
            }
        }
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
