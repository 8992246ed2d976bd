/// Training state that a checkpoint holds and that writes and reads its own bytes: each
/// schedule, ReduceLROnPlateau, the data loader's position, early stopping, a random stream.
/// (Optimizers do the same through `Optimizer.checkpointPayload()`.) The conformances sit
/// beside each type; `Checkpoint` only lists the sections. FORMAT.md gives every layout.
protocol CheckpointState {
    /// Appends the state's bytes.
    func write(to w: inout ByteWriter)
    /// Replaces the state with what `write` produced; if it throws, nothing has changed.
    mutating func read(from r: inout ByteReader) throws
}

/// Four u64 words of xoshiro256** state.
extension PRNG: CheckpointState {
    func write(to w: inout ByteWriter) {
        for word in [state.0, state.1, state.2, state.3] { w.u64(word) }
    }

    mutating func read(from r: inout ByteReader) throws {
        self = try PRNG(state: (try r.u64(), try r.u64(), try r.u64(), try r.u64()))
    }

    init(reading r: inout ByteReader) throws {
        self = PRNG(seed: 0)
        try read(from: &r)
    }
}
