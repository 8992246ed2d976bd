/// A `DataLoader` read one batch at a time, the way a C training loop reads it: `next()` gives
/// the current epoch's batches in order, then `nil` once at the end of the epoch; the call
/// after that starts the next epoch (with a new shuffle from the loader's stream). Its
/// position is part of a training checkpoint (`Checkpoint.save(..., cursor:)`). Not
/// synchronized: one thread at a time.
///
/// ```swift
/// let cursor = try BatchCursor(train, batchSize: 128, shuffle: true, dropLast: false, seed: 1)
/// for _ in 0..<epochs {
///     while let batch = try cursor.next() { ... batch.features, batch.targets ... }
/// }
/// ```
public final class BatchCursor {
    /// The loader; its stream has drawn the current epoch's order.
    public private(set) var loader: DataLoader
    /// The batches left in the current epoch, or nil between epochs (before the first one and
    /// after `next()` returned nil).
    private var pending: ArraySlice<[Int]>?
    /// The batches of the current epoch already returned.
    public private(set) var batchesDone = 0

    public init(_ loader: DataLoader) {
        self.loader = loader
    }

    public convenience init(_ dataset: Dataset, batchSize: Int, shuffle: Bool, dropLast: Bool, seed: UInt64) throws {
        self.init(try DataLoader(dataset, batchSize: batchSize, shuffle: shuffle, dropLast: dropLast, seed: seed))
    }

    /// The number of batches per epoch.
    public var batchCount: Int { loader.batchCount }

    /// The next batch of the current epoch; nil at its end, after which the next call starts
    /// a new epoch. A call that throws changes nothing.
    public func next() throws -> Dataset? {
        var loader = self.loader
        let left = pending ?? ArraySlice(loader.nextEpochIndices())
        guard let indices = left.first else {
            self.loader = loader   // an epoch without batches (drop-last) starts and ends at once
            pending = nil
            batchesDone = 0
            return nil
        }
        let batch = try loader.dataset.subset(indices)
        let done = pending == nil ? 0 : batchesDone
        self.loader = loader
        pending = left.dropFirst()
        batchesDone = done + 1
        return batch
    }

    /// Runs `body` on the loader between epochs; the cursor keeps what it did to it (also when
    /// it throws, as the fit loop has trained the epochs before). Throws inside an epoch.
    func betweenEpochs<R>(_ body: (inout DataLoader) throws -> R) throws -> R {
        guard pending == nil else {
            throw AxonError(.invalidState, "loader: \(batchesDone) batches of the current epoch were read; "
                            + "read it to its end (next() gives nil) before fitting over it")
        }
        // The loop runs on a copy, so a caller's hook reading the cursor meanwhile finds it as it
        // was (no access to `loader` stays open across the call).
        var working = loader
        defer {
            loader = working
            batchesDone = 0
        }
        return try body(&working)
    }

    /// The loader and batch count a checkpoint records. Between epochs that is the next epoch
    /// started with no batch done, which continues exactly as the cursor would.
    var checkpointPosition: (loader: DataLoader, batchesDone: Int) {
        if pending != nil { return (loader, batchesDone) }
        var next = loader
        _ = next.nextEpochIndices()
        return (next, 0)
    }
}

extension Checkpoint {
    /// `save(to:model:optimizer:scheduler:loader:batchesDone:)` with the loader and position of
    /// `cursor`.
    public static func save(to path: some FilePathConvertible, model: any Layer, optimizer: (any Optimizer)?,
                            scheduler: LRScheduler?, cursor: BatchCursor) throws {
        let position = cursor.checkpointPosition
        try save(to: path, model: model, optimizer: optimizer, scheduler: scheduler, loader: position.loader,
                 batchesDone: position.batchesDone)
    }

    /// Restores what `save(to:...cursor:)` wrote: model, optimizer, scheduler and the cursor's
    /// position (the rest of the epoch it was saved in comes next). All or nothing: every
    /// section is read and checked before anything changes, so a failed call changes nothing.
    public static func restore(from path: some FilePathConvertible, model: any Layer, optimizer: (any Optimizer)?,
                               scheduler: LRScheduler?, cursor: BatchCursor) throws {
        let path = path.filePath
        try AxonFile.naming(path) {
            let file = try read(path)
            let staged = try Staged(file, model: model, optimizer: optimizer, scheduler: scheduler, plateau: nil)
            var loader = cursor.loader
            let remaining = try stageLoader(file, &loader)
            try staged.commit()
            cursor.resume(loader, remaining: remaining)
        }
    }
}

extension BatchCursor {
    /// Continues inside an epoch of `loader` with the batches `remaining`.
    fileprivate func resume(_ loader: DataLoader, remaining: [[Int]]) {
        self.loader = loader
        pending = ArraySlice(remaining)
        batchesDone = loader.batchCount - remaining.count
    }
}

extension IDX {
    /// Reads the IDX file at `path`, gunzipping it first when it starts with gzip's magic
    /// bytes (0x1f 0x8b; an IDX file starts with two zero bytes), and scales its bytes by `scale`.
    public static func load(_ path: some FilePathConvertible, scale: Float = 1) throws -> Tensor {
        let path = path.filePath
        guard scale.isFinite else { throw AxonError.invalid("IDX: scale \(scale) must be finite") }
        let bytes = try FileIO.read(path)
        let isGzip = bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
        do {
            return try read(isGzip ? Gzip.decompress(bytes) : bytes, scale: scale)
        } catch let error as AxonError {
            throw AxonError(error.kind, "'\(path)': \(error.message)")
        }
    }
}
