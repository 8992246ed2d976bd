import Testing
@testable import Axon

/// Data-parallel training without a collective engine: flat buffers over a model, sharded
/// loaders whose shards join to the single-process batches, and checkpoints that resume at
/// another world size with the same global batch. The training itself (replicas on threads
/// joined by an in-process all-reduce) is in ReplicaTests+Training.swift.
@Suite("Replicas")
struct ReplicaTests {
    /// Linear(3, 4), BatchNorm1d(4), Linear(4, 2): 34 parameters, 9 more floats of state.
    func model(seed: UInt64) throws -> Sequential {
        var g = PRNG(seed: seed)
        return Sequential(try Linear(3, 4, generator: &g), try BatchNorm1d(4), try Linear(4, 2, generator: &g))
    }

    /// `n` samples: features [n, 2] holding 2 i and 2 i + 1, targets [n] holding i.
    func samples(_ n: Int) throws -> Dataset {
        try Dataset(features: Tensor((0..<(2 * n)).map(Float.init), shape: [n, 2]),
                    targets: Tensor((0..<n).map(Float.init), shape: [n]))
    }

    func flat(_ model: any Layer, _ part: ModelPart) throws -> [Float] {
        try read(model, part, count: model.flatCount(part))
    }

    func read(_ model: any Layer, _ part: ModelPart, count: Int) throws -> [Float] {
        var out = [Float](repeating: .infinity, count: count)
        try out.withUnsafeMutableBufferPointer { try model.readFlat(part, into: $0) }
        return out
    }

    func write(_ model: any Layer, _ part: ModelPart, _ values: [Float]) throws {
        try values.withUnsafeBufferPointer { try model.writeFlat(part, from: $0) }
    }

    // MARK: - Flat buffers

    @Test func flatBuffersFollowParameterAndStateDictOrder() throws {
        let m = try model(seed: 1)
        #expect(try m.flatCount(.parameters) == 34)
        #expect(try m.flatCount(.gradients) == 34)
        #expect(try m.flatCount(.state) == 43)
        #expect(try flat(m, .parameters) == m.parameters().flatMap(\.scalars))
        #expect(try flat(m, .state) == m.stateDict().flatMap(\.tensor.scalars))
        #expect(try Flat.count(m.parameters()) == 34)
        // No gradient yet: zeros.
        #expect(try flat(m, .gradients) == [Float](repeating: 0, count: 34))
        var g = PRNG(seed: 2)
        let x = try Tensor.normal([5, 3], generator: &g)
        try (m(x) * m(x)).sum().backward()
        let grads = m.parameters().flatMap { $0.grad?.scalars ?? [] }
        #expect(grads.count == 34)
        #expect(try flat(m, .gradients) == grads)
        #expect(grads.contains { $0 != 0 })
    }

    @Test func writingValuesKeepsTheTensorsAndBumpsTheirVersions() throws {
        let m = try model(seed: 3), source = try model(seed: 4)
        let tensors = m.stateDict().map(\.tensor), versions = tensors.map(\.version)
        // BatchNorm's buffers of the source hold something else than the defaults.
        source.train()
        var g = PRNG(seed: 5)
        _ = try source(Tensor.normal([6, 3], generator: &g))
        let state = try flat(source, .state)
        try write(m, .state, state)
        #expect(try flat(m, .state) == state)
        #expect(zip(m.stateDict().map(\.tensor), tensors).allSatisfy { $0 === $1 })
        #expect(zip(tensors, versions).allSatisfy { $0.version > $1 })
        // The model computes with the new values (a parameter's packed form is refreshed).
        m.eval()
        let x = try Tensor.normal([64, 3], generator: &g)
        _ = try m(x)
        try write(m, .parameters, try flat(source, .parameters).map { $0 * 0.5 })
        let fresh = try model(seed: 99)   // never run: nothing cached
        try write(fresh, .state, try flat(m, .state))
        fresh.eval()
        #expect(try m(x).scalars == fresh(x).scalars)
    }

    @Test func aWrongCountThrowsAndChangesNothing() throws {
        let m = try model(seed: 6)
        var g = PRNG(seed: 7)
        try m(Tensor.normal([4, 3], generator: &g)).sum().backward()
        for part in [ModelPart.parameters, .gradients, .state] {
            let n = try m.flatCount(part), before = try flat(m, part)
            let versions = m.stateDict().map(\.tensor.version)
            for wrong in [0, n - 1, n + 1] {
                expectKind(.invalidArgument) { try write(m, part, [Float](repeating: 9, count: wrong)) }
                expectKind(.invalidArgument) { try read(m, part, count: wrong) }
            }
            #expect(try flat(m, part) == before)
            #expect(m.stateDict().map(\.tensor.version) == versions)
        }
        let tensors = m.parameters()
        expectKind(.invalidArgument) {
            try [Float](repeating: 1, count: 3).withUnsafeBufferPointer { try Flat.write(tensors, .values, from: $0) }
        }
    }

    @Test func aGradientIsCreatedOnlyForANonZeroSlice() throws {
        let m = try model(seed: 8)
        let params = m.parameters()
        #expect(params.allSatisfy { $0.grad == nil })
        try write(m, .gradients, [Float](repeating: 0, count: 34))
        #expect(params.allSatisfy { $0.grad == nil })
        // One non-zero entry in the slice of the third parameter (BatchNorm's weight, at 16).
        var values = [Float](repeating: 0, count: 34)
        values[17] = 2.5
        try write(m, .gradients, values)
        #expect(params.map { $0.grad != nil } == [false, false, true, false, false, false])
        #expect(params[2].grad?.scalars == [0, 2.5, 0, 0])
        // An existing gradient is overwritten, zeros included, and stays.
        try write(m, .gradients, [Float](repeating: 0, count: 34))
        #expect(params[2].grad?.scalars == [0, 0, 0, 0])
        // Reading gradients of bare tensors: nil reads as zeros.
        let a = try Tensor([1, 2], shape: [2]), b = try Tensor([3], shape: [1])
        b.grad = try Tensor([7], shape: [1])
        var out = [Float](repeating: -1, count: 3)
        try out.withUnsafeMutableBufferPointer { try Flat.read([a, b], .gradients, into: $0) }
        #expect(out == [0, 0, 7])
        try out.withUnsafeMutableBufferPointer { try Flat.read([a, b], .values, into: $0) }
        #expect(out == [1, 2, 3])
    }

    @Test func exchangeAndBroadcastChangeNothingWhenTheHookThrows() throws {
        let a = try Tensor([1, 2, 3], shape: [3]), b = try Tensor([4], shape: [])
        try Flat.exchange([a, b], .values) { buffer in
            for i in buffer.indices { buffer[i] *= -1 }
        }
        #expect(a.scalars == [-1, -2, -3] && b.scalars == [-4])
        let versions = (a.version, b.version)
        expectKind(.callback) {
            try Flat.exchange([a, b], .values) { buffer in
                buffer[0] = 99
                throw AxonError(.callback, "the engine failed")
            }
        }
        #expect(a.scalars == [-1, -2, -3] && b.scalars == [-4])
        #expect(a.version == versions.0 && b.version == versions.1)

        let rank0 = try model(seed: 9), rank1 = try model(seed: 10)
        rank0.train()
        var g = PRNG(seed: 11)
        _ = try rank0(Tensor.normal([4, 3], generator: &g))
        let root = try flat(rank0, .state), own = try flat(rank1, .state)
        #expect(root != own)
        expectKind(.callback) { try rank1.broadcast { _ in throw AxonError(.callback, "no root") } }
        #expect(try flat(rank1, .state) == own)
        // A broadcast from rank 0: the buffer comes back holding rank 0's state.
        try rank1.broadcast { buffer in _ = buffer.update(fromContentsOf: root) }
        #expect(try flat(rank1, .state) == root)
        #expect(rank1.stateDict().map(\.tensor.scalars) == rank0.stateDict().map(\.tensor.scalars))
    }

    @Test func synchronizeBatchNormCountsAndClearsTheLayers() throws {
        let m = Sequential(try BatchNorm1d(2), Sequential(try BatchNorm2d(3), ReLU()), try BatchNorm1d(4))
        #expect(m.synchronizeBatchNorm(try ReplicaGroup(rank: 0, worldSize: 1) { _ in }) == 3)
        #expect([m.layers[0], m.layers[2]].allSatisfy { ($0 as? BatchNorm)?.synchronize != nil })
        #expect(m.synchronizeBatchNorm(nil) == 3)
        #expect([m.layers[0], m.layers[2]].allSatisfy { ($0 as? BatchNorm)?.synchronize == nil })
        var g = PRNG(seed: 12)
        #expect(Sequential(try Linear(2, 2, generator: &g)).synchronizeBatchNorm(
            try ReplicaGroup(rank: 1, worldSize: 2) { _ in }) == 0)
        for (rank, world) in [(1, 1), (-1, 2), (0, 0), (0, (1 << 20) + 1)] {
            expectKind(.invalidArgument, "rank \(rank) of \(world)") {
                _ = try ReplicaGroup(rank: rank, worldSize: world) { _ in }
            }
        }
    }

    /// The group's sum travels each replica's double-precision partial sums exactly in its own
    /// slots and adds them in rank order: an engine that adds in any order gives those bits.
    @Test func replicaGroupSumsExactlyInRankOrder() throws {
        let parts: [[Double]] = [[1e8, 0.1, -3], [1, 1e-9, 2.5], [-1e8, 0.2, 0.5]]
        var slots: [[Float]] = []
        for rank in 0..<3 {   // what each replica writes, through a hook that records it
            let group = try ReplicaGroup(rank: rank, worldSize: 3) { slots.append(Array($0)) }
            _ = try group.sum(parts[rank])
        }
        let engineSum = slots.reversed().reduce([Float](repeating: 0, count: slots[0].count)) { total, s in
            zip(total, s).map { $0 + $1 }
        }
        for rank in 0..<3 {
            let group = try ReplicaGroup(rank: rank, worldSize: 3) { _ = $0.update(fromContentsOf: engineSum) }
            let total = try group.sum(parts[rank])
            let expected = (0..<3).map { i in
                (0..<3).reduce(0.0) { t, r in
                    let high = Float(parts[r][i])
                    return t + Double(high) + Double(Float(parts[r][i] - Double(high)))
                }
            }
            #expect(total == expected)
            #expect(abs(total[1] - (0.1 + 1e-9 + 0.2)) < 1e-15)
        }
    }

    // MARK: - Sharded loaders

    /// For every world size, dataset size, batch size, shuffling and drop-last: rank r's batch
    /// b is the r-th share of the single-process batch b (batch size times the world size), for
    /// three epochs; or, when the last global batch cannot give every rank a sample, every rank
    /// refuses the setting.
    @Test(arguments: [1, 2, 3, 4])
    func shardsJoinToTheSingleProcessBatches(_ world: Int) throws {
        var settings: [(n: Int, batch: Int, shuffle: Bool, dropLast: Bool)] = []
        for n in [0, 1, 5, 12, 13, 29, 64] {
            for batch in [1, 2, 3, 7] {
                for shuffle in [false, true] {
                    for dropLast in [false, true] { settings.append((n, batch, shuffle, dropLast)) }
                }
            }
        }
        for (n, batch, shuffle, dropLast) in settings {
            let data = try samples(n), global = batch * world, tail = n % global
            let what = "n \(n), batch \(batch) x \(world), shuffle \(shuffle), drop last \(dropLast)"
            func shard(_ rank: Int) throws -> DataLoader {
                try DataLoader(data, batchSize: batch, shuffle: shuffle, dropLast: dropLast, seed: 9, rank: rank,
                               worldSize: world)
            }
            if !dropLast, tail > 0, tail < world {
                for rank in 0..<world { expectKind(.invalidArgument, what) { try shard(rank) } }
                continue
            }
            var single = try DataLoader(data, batchSize: global, shuffle: shuffle, dropLast: dropLast, seed: 9)
            var shards = try (0..<world).map(shard)
            #expect(shards.allSatisfy { $0.batchCount == single.batchCount && $0.globalBatchSize == global }, "\(what)")
            for epoch in 0..<3 {
                let expected = single.nextEpochIndices()
                let parts = shards.indices.map { shards[$0].nextEpochIndices() }
                guard parts.allSatisfy({ $0.count == expected.count }) else {
                    Issue.record("\(what), epoch \(epoch): batch counts \(parts.map(\.count)), not \(expected.count)")
                    continue
                }
                for b in expected.indices {
                    #expect(parts.flatMap { $0[b] } == expected[b], "\(what), epoch \(epoch), batch \(b)")
                    let sizes = parts.map { $0[b].count }
                    let even = expected[b].count == global ? sizes.allSatisfy { $0 == batch }
                        : (sizes.min() ?? 0) >= 1 && (sizes.max() ?? 0) - (sizes.min() ?? 0) <= 1
                    #expect(even, "\(what), epoch \(epoch), batch \(b): shares \(sizes)")
                }
            }
        }
    }

    @Test func shardedEpochsHoldTheSamplesOfTheirShares() throws {
        let data = try samples(21)
        var single = try DataLoader(data, batchSize: 9, seed: 4)
        var shards = try (0..<3).map { try DataLoader(data, batchSize: 3, seed: 4, rank: $0, worldSize: 3) }
        for _ in 0..<2 {
            let expected = try single.epoch().map(\.targets.scalars)
            let parts = try shards.indices.map { try shards[$0].epoch().map(\.targets.scalars) }
            #expect(expected.indices.map { b in parts.flatMap { $0[b] } } == expected)
        }
    }

    @Test func badShardingsThrow() throws {
        let data = try samples(9)
        // 9 = 8 + 1: a last global batch of 1 sample for 4 ranks, unless dropped.
        for rank in 0..<4 {
            expectKind(.invalidArgument) { try DataLoader(data, batchSize: 2, rank: rank, worldSize: 4) }
            #expect(try DataLoader(data, batchSize: 2, dropLast: true, rank: rank, worldSize: 4).batchCount == 1)
        }
        for (rank, world) in [(4, 4), (-1, 2), (0, 0), (0, -1), (Int.max, 2)] {
            expectKind(.invalidArgument, "rank \(rank) of \(world)") {
                try DataLoader(data, batchSize: 1, rank: rank, worldSize: world)
            }
        }
        expectKind(.invalidArgument) { try DataLoader(data, batchSize: 1 << 62, worldSize: 2) }
        expectKind(.invalidArgument) { try DataLoader(data, batchSize: Int.max, rank: 1, worldSize: 3) }
        expectKind(.invalidArgument) { try DataLoader(data, batchSize: 2, worldSize: Int.max) }
        // Huge, not overflowing: one global batch of 9 shared 3, 3, 3 (computed without overflow).
        var huge = try (0..<3).map { try DataLoader(data, batchSize: 1 << 61, shuffle: false, rank: $0, worldSize: 3) }
        #expect(huge[0].batchCount == 1)
        #expect(huge.indices.map { huge[$0].nextEpochIndices() } == [[[0, 1, 2]], [[3, 4, 5]], [[6, 7, 8]]])
    }

    // MARK: - Checkpoints across world sizes

    @Test func aCheckpointOfTwoRanksResumesInOneAndFourRanks() throws {
        let dir = try TemporaryDirectory(), path = dir.file("run.axon")
        let data = try samples(44)   // 5 global batches of 8 and a last one of 4
        func loader(_ batch: Int, _ rank: Int, _ world: Int) throws -> DataLoader {
            try DataLoader(data, batchSize: batch, shuffle: true, seed: 21, rank: rank, worldSize: world)
        }
        var reference = try loader(8, 0, 1)
        let epochs = (0..<3).map { _ in reference.nextEpochIndices() }
        // Rank 1 of 2 saves after one epoch and 3 batches of the second.
        var saving = try loader(4, 1, 2)
        _ = saving.nextEpochIndices()
        _ = saving.nextEpochIndices()
        let net = try model(seed: 22)
        try Checkpoint.save(to: path, model: net, loader: saving, batchesDone: 3)
        for world in [1, 2, 4] {
            var ranks = try (0..<world).map { try loader(8 / world, $0, world) }
            var remaining: [[[Int]]] = []
            for r in ranks.indices {
                remaining.append(try Checkpoint.restore(from: path, model: net, loader: &ranks[r]))
            }
            #expect(remaining.allSatisfy { $0.count == 3 }, "\(world) ranks")
            #expect((0..<3).map { b in remaining.flatMap { $0[b] } } == Array(epochs[1].dropFirst(3)), "\(world)")
            #expect(ranks.allSatisfy { $0.epochsStarted == 2 })
            let next = ranks.indices.map { ranks[$0].nextEpochIndices() }
            #expect(epochs[2].indices.map { b in next.flatMap { $0[b] } } == epochs[2], "\(world) ranks")
        }
    }

    @Test func anotherGlobalBatchThrowsFormatAndChangesNothing() throws {
        let dir = try TemporaryDirectory(), path = dir.file("run.axon")
        let data = try samples(44)
        var saving = try DataLoader(data, batchSize: 4, seed: 3, rank: 0, worldSize: 2)
        _ = saving.nextEpochIndices()
        try Checkpoint.save(to: path, model: try model(seed: 23), loader: saving, batchesDone: 2)
        let net = try model(seed: 24), weights = try flat(net, .state)
        for (batch, world) in [(6, 1), (3, 2), (4, 4), (4, 1)] {
            var loader = try DataLoader(data, batchSize: batch, seed: 8, rank: world - 1, worldSize: world)
            _ = loader.nextEpochIndices()
            let before = loader
            do {
                _ = try Checkpoint.restore(from: path, model: net, loader: &loader)
                Issue.record("\(batch) x \(world): restored")
            } catch let error as AxonError {
                #expect(error.kind == .format && error.message.contains("global batches of 8"), "\(error)")
            }
            #expect(loader.epochsStarted == before.epochsStarted && loader.generator == before.generator)
            #expect(loader.epochStartGenerator == before.epochStartGenerator)
            #expect(try flat(net, .state) == weights)
        }
    }
}

/// Expects `body` to throw an AxonError of `kind`.
func expectKind(_ kind: AxonError.Kind, _ what: String = "", sourceLocation: SourceLocation = #_sourceLocation,
                _ body: () throws -> Any) {
    do {
        _ = try body()
        Issue.record("\(what): expected a \(kind) error, got none", sourceLocation: sourceLocation)
    } catch let error as AxonError {
        #expect(error.kind == kind, "\(what): \(error.kind) for \(error.message)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("\(what): unexpected error \(error)", sourceLocation: sourceLocation)
    }
}
