import Foundation
import Testing
@testable import Axon

/// The sum over `size` replicas, each on its own thread: every rank passes its buffer, the
/// last to arrive adds them up in rank order (the same bits on every rank) and writes the sum
/// back into every buffer. A rank that waits longer than `timeout` seconds, buffers of
/// different sizes, or `abort` fail the round on every rank instead of hanging.
final class InProcessAllReduce: @unchecked Sendable {
    let size: Int, timeout: Double
    private let condition = NSCondition()
    private var slots: [UnsafeMutableBufferPointer<Float>?]
    private var arrived = 0, round = 0
    private var failure: String?

    init(size: Int, timeout: Double = 60) {
        self.size = size
        self.timeout = timeout
        slots = Array(repeating: nil, count: size)
    }

    /// The rounds completed so far.
    var rounds: Int {
        condition.lock()
        defer { condition.unlock() }
        return round
    }

    func sum(rank: Int, _ buffer: UnsafeMutableBufferPointer<Float>) throws {
        condition.lock()
        defer { condition.unlock() }
        if let failure { throw AxonError(.callback, failure) }
        let mine = round
        slots[rank] = buffer
        arrived += 1
        if arrived == size {
            let buffers = slots.compactMap { $0 }
            guard buffers.count == size, buffers.allSatisfy({ $0.count == buffer.count }) else {
                failure = "all-reduce: buffers of \(buffers.map(\.count)) floats"
                condition.broadcast()
                throw AxonError(.callback, failure ?? "")
            }
            for i in 0..<buffer.count {
                var total: Float = 0
                for b in buffers { total += b[i] }
                for b in buffers { b[i] = total }
            }
            slots = Array(repeating: nil, count: size)
            arrived = 0
            round += 1
            condition.broadcast()
            return
        }
        let deadline = Date(timeIntervalSinceNow: timeout)
        while round == mine, failure == nil {
            if !condition.wait(until: deadline), round == mine {
                failure = "all-reduce: rank \(rank) waited \(timeout) s in round \(mine)"
                condition.broadcast()
            }
        }
        if round == mine { throw AxonError(.callback, failure ?? "") }
    }

    /// Fails the current and every later round (a replica stopped).
    func abort(_ why: String) {
        condition.lock()
        defer { condition.unlock() }
        if failure == nil { failure = why }
        condition.broadcast()
    }

    /// The hook of the gradient exchange: the mean over the replicas.
    func averaging(rank: Int) -> ReplicaHook {
        { buffer in
            try self.sum(rank: rank, buffer)
            let n = Float(self.size)
            for i in buffer.indices { buffer[i] /= n }
        }
    }

    func summing(rank: Int) -> ReplicaHook { { try self.sum(rank: rank, $0) } }
}

/// Runs `body(rank, reducer)` on `size` threads of their own and returns what each returned,
/// in rank order; nil (and a recorded issue) when one threw or they did not end in time.
func runReplicas(_ size: Int, sourceLocation: SourceLocation = #_sourceLocation,
                 _ body: @escaping @Sendable (Int, InProcessAllReduce) throws -> [Float]) -> [[Float]]? {
    final class Results: @unchecked Sendable {
        let lock = NSLock()
        var values: [[Float]?], errors: [String] = []
        init(_ n: Int) { values = Array(repeating: nil, count: n) }
    }
    let reducer = InProcessAllReduce(size: size), results = Results(size), group = DispatchGroup()
    for rank in 0..<size {
        group.enter()
        let thread = Thread {
            defer { group.leave() }
            do {
                let value = try body(rank, reducer)
                results.lock.withLock { results.values[rank] = value }
            } catch {
                results.lock.withLock { results.errors.append("rank \(rank): \(error)") }
                reducer.abort("rank \(rank) failed")
            }
        }
        thread.stackSize = 8 << 20
        thread.start()
    }
    if group.wait(timeout: .now() + 300) == .timedOut {
        reducer.abort("the replicas did not finish in time")
        Issue.record("the replicas did not finish within 300 s", sourceLocation: sourceLocation)
        _ = group.wait(timeout: .now() + 60)
        return nil
    }
    return results.lock.withLock {
        for error in results.errors { Issue.record(Comment(rawValue: error), sourceLocation: sourceLocation) }
        let values = results.values.compactMap { $0 }
        return results.errors.isEmpty && values.count == size ? values : nil
    }
}

extension ReplicaTests {
    @Suite("Data-parallel training")
    struct Training {
        static let world = 4, shard = 8, steps = 20, samples = 160

        /// 160 samples of 6 features in 3 classes (the same on every call).
        static func data() throws -> Dataset {
            var g = PRNG(seed: 31)
            let x = try Tensor.normal([samples, 6], generator: &g)
            return try Dataset(features: x, targets: Tensor((0..<samples).map { Float($0 % 3) }, shape: [samples]))
        }

        /// Linear(6, 16), [BatchNorm1d(16)], Tanh, Linear(16, 3): the same on every call. Before
        /// batch normalization the first layer has no bias: its gradient would be zero but for
        /// rounding, and Adam, which divides by the gradient's size, would follow that rounding.
        static func net(batchNorm: Bool) throws -> Sequential {
            var g = PRNG(seed: 32)
            let first = try Linear(6, 16, bias: !batchNorm, generator: &g), last = try Linear(16, 3, generator: &g)
            return Sequential((batchNorm ? [first, try BatchNorm1d(16)] : [first]) + [Tanh(), last])
        }

        static func optimizer(_ kind: String, _ model: any Layer) throws -> any Optimizer {
            kind == "adam" ? try Adam(model.parameters(), options: .init(learningRate: 0.01))
                : try SGD(model.parameters(), options: .init(learningRate: 0.05, momentum: 0.9))
        }

        /// `steps` steps over batches of `batch` (this rank's share of `batch * worldSize`);
        /// the model's state afterwards.
        static func train(_ model: any Layer, _ optimizer: String, batch: Int, rank: Int = 0, worldSize: Int = 1,
                          hook: ReplicaHook? = nil) throws -> [Float] {
            let opt = try Training.optimizer(optimizer, model)
            var loader = try DataLoader(data(), batchSize: batch, seed: 33, rank: rank, worldSize: worldSize)
            var done = 0
            while done < steps {
                for b in try loader.epoch() where done < steps {
                    try trainStep(model: model, optimizer: opt, loss: "cross_entropy", input: b.features,
                                  target: b.targets, gradientHook: hook)
                    done += 1
                }
            }
            return model.stateDict().flatMap(\.tensor.scalars)
        }

        /// The state of one process training on whole batches, and of each replica.
        static func run(_ optimizer: String, batchNorm: Bool, synchronized: Bool) throws -> ([Float], [[Float]])? {
            let single = try train(net(batchNorm: batchNorm), optimizer, batch: world * shard)
            let replicas = runReplicas(world) { rank, reducer in
                let model = try Training.net(batchNorm: batchNorm)
                if synchronized {
                    model.synchronizeBatchNorm(try ReplicaGroup(rank: rank, worldSize: world,
                                                                allReduce: reducer.summing(rank: rank)))
                }
                return try Training.train(model, optimizer, batch: shard, rank: rank, worldSize: world,
                                 hook: reducer.averaging(rank: rank))
            }
            return replicas.map { (single, $0) }
        }

        /// The largest difference of each state tensor's entries, relative to the tensor's
        /// largest magnitude in `reference`, by state name.
        static func relativeDifferences(_ a: [Float], _ reference: [Float], batchNorm: Bool) throws -> [String: Float] {
            var out: [String: Float] = [:], at = 0
            for (name, tensor) in try net(batchNorm: batchNorm).stateDict() {
                let x = a[at..<(at + tensor.count)], r = reference[at..<(at + tensor.count)]
                let scale = Swift.max(r.map(abs).max() ?? 0, 1e-30)
                out[name] = zip(x, r).map { abs($0 - $1) }.max().map { $0 / scale } ?? 0
                at += tensor.count
            }
            return out
        }

        /// 4 replicas of batch 8 averaging their gradients train as one process of batch 32.
        @Test(arguments: ["sgd", "adam"])
        func replicasWithoutBatchNormTrainAsOneProcess(_ optimizer: String) throws {
            let run = try Training.run(optimizer, batchNorm: false, synchronized: false)
            guard case let (single, replicas)? = run else { return }
            #expect(replicas.allSatisfy { $0 == replicas[0] }, "the replicas differ")
            for (name, d) in try Training.relativeDifferences(replicas[0], single, batchNorm: false) {
                #expect(d <= 1e-5, "\(optimizer) \(name): relative difference \(d)")
            }
            #expect(try Training.net(batchNorm: false).stateDict().flatMap(\.tensor.scalars) != single, "no training")
        }

        /// Synchronized batch normalization: the same, running statistics included.
        @Test(arguments: ["sgd", "adam"])
        func replicasWithSynchronizedBatchNormTrainAsOneProcess(_ optimizer: String) throws {
            let run = try Training.run(optimizer, batchNorm: true, synchronized: true)
            guard case let (single, replicas)? = run else { return }
            #expect(replicas.allSatisfy { $0 == replicas[0] }, "the replicas differ")
            let differences = try Training.relativeDifferences(replicas[0], single, batchNorm: true)
            #expect(differences.keys.contains("1.running_mean") && differences.keys.contains("1.running_var"))
            for (name, d) in differences { #expect(d <= 1e-5, "\(optimizer) \(name): relative difference \(d)") }
        }

        /// The fit loop over sharded loaders with the gradient hook: the same weights as one
        /// process fitting over batches of 32, and the replicas' epoch losses average to its own.
        static func fitted(_ model: any Layer, batch: Int, rank: Int, worldSize: Int, epochs: Int,
                           hook: ReplicaHook?) throws -> [Float] {
            var loader = try DataLoader(data(), batchSize: batch, seed: 34, rank: rank, worldSize: worldSize)
            let history = try fit(model: model, optimizer: optimizer("sgd", model), loss: "cross_entropy",
                                  loader: &loader, epochs: epochs, gradientHook: hook)
            return model.stateDict().flatMap(\.tensor.scalars) + history.epochs.map { Float($0.trainLoss) }
        }

        @Test func replicasFittingOverShardedLoadersTrainAsOneProcess() throws {
            let (epochs, world, shard) = (4, Training.world, Training.shard)
            let single = try Training.fitted(Training.net(batchNorm: false), batch: world * shard, rank: 0,
                                             worldSize: 1, epochs: epochs, hook: nil)
            guard let replicas = runReplicas(world, { rank, reducer in
                try Training.fitted(Training.net(batchNorm: false), batch: shard, rank: rank, worldSize: world,
                                    epochs: epochs, hook: reducer.averaging(rank: rank))
            }) else { return }
            let n = single.count - epochs
            #expect(replicas.allSatisfy { $0.prefix(n) == replicas[0].prefix(n) }, "the replicas' weights differ")
            for (name, d) in try Training.relativeDifferences(Array(replicas[0].prefix(n)), Array(single.prefix(n)),
                                                              batchNorm: false) {
                #expect(d <= 1e-5, "\(name): relative difference \(d)")
            }
            let losses = (n..<single.count).map { i in replicas.map { $0[i] }.reduce(0, +) / Float(world) }
            #expect(allClose(losses, Array(single[n...])), "\(losses) against \(single[n...])")
            #expect(replicas[0][n...] != replicas[1][n...], "each replica reports its own loss")
        }

        /// Per-replica batch normalization (DistributedDataParallel's default): the weights stay
        /// the same on every replica, but each replica's running statistics are those of its own
        /// shards, neither the other replicas' nor those of one process of batch 32.
        @Test func perReplicaBatchNormKeepsItsOwnRunningStatistics() throws {
            let run = try Training.run("sgd", batchNorm: true, synchronized: false)
            guard case let (single, replicas)? = run else { return }
            let names = try Training.net(batchNorm: true).stateDict().map(\.name)
            let stats: Set = ["1.running_mean", "1.running_var"]
            let differences = try Training.relativeDifferences(replicas[0], single, batchNorm: true)
            for name in stats { #expect((differences[name] ?? 0) > 1e-6, "\(name)") }
            let between = try Training.relativeDifferences(replicas[1], replicas[0], batchNorm: true)
            for name in names {
                if stats.contains(name) {
                    #expect((between[name] ?? 0) > 1e-6, "\(name) is the same on replicas 0 and 1")
                } else {
                    #expect(between[name] == 0, "\(name) differs between replicas 0 and 1")
                }
            }
        }

        /// The barrier fails a round whose buffers differ in size, and a rank left alone, instead
        /// of hanging.
        @Test func theAllReduceFailsInsteadOfHanging() throws {
            let mismatch = InProcessAllReduce(size: 2, timeout: 10)
            let lengths = [3, 4]
            let outcomes = runReplicas(2) { rank, _ in
                var buffer = [Float](repeating: 1, count: lengths[rank])
                do {
                    try buffer.withUnsafeMutableBufferPointer { try mismatch.sum(rank: rank, $0) }
                    return [0]
                } catch let error as AxonError {
                    return [error.kind == .callback ? 1 : 0]
                }
            }
            #expect(outcomes == [[1], [1]])
            let alone = InProcessAllReduce(size: 2, timeout: 0.2)
            var buffer: [Float] = [1]
            expectKind(.callback) { try buffer.withUnsafeMutableBufferPointer { try alone.sum(rank: 0, $0) } }
            #expect(alone.rounds == 0)
        }
    }
}

extension ReplicaTests {
    /// The bit patterns of a model's whole state.
    func bits(_ model: any Layer) -> [UInt32] { model.stateDict().flatMap(\.tensor.scalars).map(\.bitPattern) }

    /// Eight samples of 3 features in 2 classes.
    func batch(seed: UInt64) throws -> (x: Tensor, y: Tensor) {
        var g = PRNG(seed: seed)
        return (try Tensor.normal([8, 3], generator: &g), try Tensor((0..<8).map { Float($0 % 2) }, shape: [8]))
    }

    /// With a hook that multiplies by 3 (the sum over 3 identical replicas), allReduced(x) is
    /// 3 x, and the gradient of sum(allReduced(x)^2) is 3 * 2 * 3 x: the cotangent goes
    /// through the same all-reduce. The tangent of forward mode is 3 v.
    @Test func allReducedIsDifferentiableBothWays() throws {
        var calls = 0
        let times3: ReplicaHook = { b in
            calls += 1
            for i in b.indices { b[i] *= 3 }
        }
        let x = try Tensor([1, -2, 0.5], shape: [3], requiresGrad: true)
        let y = try x.allReduced(times3)
        #expect(y.scalars == [3, -6, 1.5] && x.scalars == [1, -2, 0.5])
        try (y * y).sum().backward()
        #expect(x.grad?.scalars == [18, -36, 9])
        #expect(calls == 2)
        let v = try Tensor([1, 0, 2], shape: [3])
        let (value, tangent) = try jvp(of: { try $0[0].allReduced(times3).pow(2).sum() }, at: [x], tangents: [v])
        #expect(value.scalars == [47.25] && tangent.scalars == [36])   // 9 |x|^2 and 18 x . v
        let (_, direct) = try jvp(of: { try $0[0].allReduced(times3) }, at: [x], tangents: [v])
        #expect(direct.scalars == [3, 0, 6])
        expectKind(.callback) { try x.allReduced { _ in throw AxonError(.callback, "down") } }
    }

    /// One replica whose "sum" is the identity: synchronized batch normalization computes what
    /// batch normalization does, output, gradients and running statistics.
    @Test(arguments: [[6, 4], [6, 4, 3], [3, 4, 2, 2]])
    func synchronizedBatchNormOfOneReplicaIsBatchNorm(_ shape: [Int]) throws {
        var g = PRNG(seed: 40)
        let values = try Tensor.normal(shape, generator: &g), w = try Tensor.normal(shape, generator: &g)
        func norm() throws -> BatchNorm { shape.count == 4 ? try BatchNorm2d(4) : try BatchNorm1d(4) }
        let plain = try norm(), synced = try norm()
        var calls = 0
        synced.synchronize = try ReplicaGroup(rank: 0, worldSize: 1) { _ in calls += 1 }
        var results: [(out: [Float], grads: [[Float]], state: [[Float]])] = []
        for layer in [plain, synced] {
            let x = try values.copy()
            x.requiresGrad = true
            for _ in 0..<2 {
                x.grad = nil
                layer.zeroGrad()
                let out = try layer(x)
                try (out * w).sum().backward()
                results.append((out.scalars, [x, layer.weight, layer.bias].map { $0?.grad?.scalars ?? [] },
                                layer.stateDict().map(\.tensor.scalars)))
            }
        }
        #expect(calls == 6)   // two in the forward pass, one in backward, twice
        for (a, b) in zip(results[0..<2], results[2..<4]) {
            #expect(allClose(b.out, a.out, atol: 1e-5))
            for (ga, gb) in zip(a.grads, b.grads) { #expect(!ga.isEmpty && allClose(gb, ga, atol: 1e-5)) }
            for (sa, sb) in zip(a.state, b.state) { #expect(allClose(sb, sa)) }
        }
        expectKind(.shapeMismatch) { try synced(Tensor.ones(shape.count == 4 ? [1, 4, 1, 1] : [1, 4])) }
        // An all-reduce that gives no count (NaN, infinite, absurd, or below 2: the count is the
        // sum of two slots here) is refused, not trapped on.
        for bad: Float in [.nan, -.infinity, .infinity, 1e30, 0.5, -3] {
            synced.synchronize = try ReplicaGroup(rank: 0, worldSize: 1) { $0.update(repeating: bad) }
            expectKind(.shapeMismatch, "\(bad)") { try synced(values) }
        }
    }

    @Test func aFailingGradientHookLeavesModelBuffersAndOptimizerAsTheyWere() throws {
        let m = try model(seed: 41), (x, y) = try batch(seed: 42)
        let opt = try Adam(m.parameters(), options: .init(learningRate: 0.01))
        try trainStep(model: m, optimizer: opt, loss: "cross_entropy", input: x, target: y, gradientHook: { _ in })
        let state = bits(m), moments = try opt.checkpointPayload()
        var seen = 0
        expectKind(.callback) {
            try trainStep(model: m, optimizer: opt, loss: "cross_entropy", input: x, target: y, gradientHook: { b in
                seen = b.count
                b.update(repeating: 1e3)
                throw AxonError(.callback, "the engine is down")
            })
        }
        #expect(seen == 34)
        #expect(bits(m) == state)   // BatchNorm's running statistics included
        #expect(try opt.checkpointPayload() == moments)
        struct EngineDown: Error {}
        #expect(throws: EngineDown.self) {
            try trainStep(model: m, optimizer: opt, loss: "cross_entropy", input: x, target: y,
                          gradientHook: { _ in throw EngineDown() })
        }
        #expect(try bits(m) == state && opt.checkpointPayload() == moments)
        try trainStep(model: m, optimizer: opt, loss: "cross_entropy", input: x, target: y, gradientHook: { _ in })
        #expect(bits(m) != state)
        // The fit loop stops at a failing hook.
        var loader = try DataLoader(Dataset(features: x, targets: y), batchSize: 4, seed: 1)
        expectKind(.callback) {
            try fit(model: m, optimizer: opt, loss: "cross_entropy", loader: &loader, epochs: 1,
                    gradientHook: { _ in throw AxonError(.callback, "down") })
        }
    }

    /// Synchronized batch normalization all-reduces twice in the forward pass and once in
    /// backward: whichever of them fails, the step is not taken and the running statistics
    /// the forward pass updated go back as they were.
    @Test(arguments: 1...3)
    func aFailingBatchNormAllReduceLeavesTheModelAsItWas(_ failing: Int) throws {
        let m = try model(seed: 48), (x, y) = try batch(seed: 49)
        let opt = try Adam(m.parameters(), options: .init(learningRate: 0.01))
        var calls = 0
        m.synchronizeBatchNorm(try ReplicaGroup(rank: 0, worldSize: 1) { _ in
            calls += 1
            if calls == failing { throw AxonError(.callback, "all-reduce \(calls) failed") }
        })
        calls = -10   // the first step succeeds
        try trainStep(model: m, optimizer: opt, loss: "cross_entropy", input: x, target: y)
        #expect(calls == -7)
        calls = 0
        let state = bits(m), moments = try opt.checkpointPayload()
        expectKind(.callback) { try trainStep(model: m, optimizer: opt, loss: "cross_entropy", input: x, target: y) }
        #expect(calls == failing)
        #expect(try bits(m) == state && opt.checkpointPayload() == moments)
    }

    /// The same for a step that fails after the forward pass updated BatchNorm's statistics:
    /// the loss refuses a target of another shape.
    @Test func aStepFailingAfterBatchNormLeavesItsBuffers() throws {
        let m = try model(seed: 50), (x, _) = try batch(seed: 51)
        let opt = try SGD(m.parameters(), options: .init(learningRate: 0.1))
        let state = bits(m)
        expectKind(.shapeMismatch) {
            try trainStep(model: m, optimizer: opt, loss: "mse", input: x, target: Tensor.zeros([8, 3]))
        }
        #expect(bits(m) == state)
    }

    /// A replica whose loss is NaN sends NaN, so that the sum is NaN on every replica and all of
    /// them skip the step; a replica receiving NaN skips it as well.
    @Test func aReplicaWithANonFiniteLossSendsNaN() throws {
        let m = try model(seed: 43), (x, y) = try batch(seed: 44)
        let opt = try SGD(m.parameters(), options: .init(learningRate: 0.1, momentum: 0.9))
        try trainStep(model: m, optimizer: opt, loss: "cross_entropy", input: x, target: y)
        let state = bits(m), moments = try opt.checkpointPayload()
        var bad = x.scalars
        bad[4] = .nan
        var sent: [Float] = []
        expectKind(.nonFinite) {
            try trainStep(model: m, optimizer: opt, loss: "cross_entropy", input: Tensor(bad, shape: [8, 3]),
                          target: y, gradientHook: { sent = Array($0) })
        }
        #expect(sent.count == 34 && sent.allSatisfy(\.isNaN))
        #expect(try bits(m) == state && opt.checkpointPayload() == moments)
        expectKind(.nonFinite) {
            try trainStep(model: m, optimizer: opt, loss: "cross_entropy", input: x, target: y, gradientHook: { b in
                sent = Array(b)
                b[b.count - 1] = .nan   // another replica's NaN in the sum
            })
        }
        #expect(sent.count == 34 && sent.allSatisfy(\.isFinite))
        #expect(try bits(m) == state && opt.checkpointPayload() == moments)
        try m(x).sum().backward()
        var received: [Float] = []
        try exchangeGradients(m, lossIsFinite: false) { received = Array($0) }
        #expect(received.count == 34 && received.allSatisfy(\.isNaN))
        #expect(m.parameters().allSatisfy { $0.grad?.scalars.allSatisfy(\.isNaN) == true })
    }

    @Test func fitOverACursorInsideAnEpochThrowsInvalidState() throws {
        let data = try regressionData(32, seed: 45)
        func setup() throws -> (Sequential, SGD) {
            var g = PRNG(seed: 46)
            let m = Sequential(try Linear(3, 1, generator: &g))
            return (m, try SGD(m.parameters(), options: .init(learningRate: 0.05)))
        }
        let (m, opt) = try setup()
        let cursor = BatchCursor(try DataLoader(data, batchSize: 4, seed: 47, rank: 1, worldSize: 2))
        _ = try cursor.next()
        let before = bits(m)
        var calls = 0
        expectKind(.invalidState) {
            try fit(model: m, optimizer: opt, loss: "mse", cursor: cursor, epochs: 1, gradientHook: { _ in calls += 1 })
        }
        #expect(calls == 0 && bits(m) == before && cursor.batchesDone == 1 && cursor.loader.epochsStarted == 1)
        while try cursor.next() != nil {}
        let history = try fit(model: m, optimizer: opt, loss: "mse", cursor: cursor, epochs: 2,
                              gradientHook: { _ in calls += 1 })
        #expect(history.epochs.count == 2 && calls == 2 * cursor.batchCount)
        #expect(cursor.loader.epochsStarted == 3 && cursor.batchesDone == 0)
        // The same as a loader that read one epoch, fitted without a hook.
        let (m2, opt2) = try setup()
        var loader = try DataLoader(data, batchSize: 4, seed: 47, rank: 1, worldSize: 2)
        _ = loader.nextEpochIndices()
        _ = try fit(model: m2, optimizer: opt2, loss: "mse", loader: &loader, epochs: 2)
        #expect(bits(m2) == bits(m))
    }
}
