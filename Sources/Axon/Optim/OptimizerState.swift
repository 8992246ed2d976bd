/// An optimizer's per-parameter state as plain data, for checkpoints: named scalars and
/// named float buffers.
public struct StateRecord: Sendable, Equatable {
    public var scalars: [String: Double] = [:]
    public var arrays: [String: [Float]] = [:]

    public init(scalars: [String: Double] = [:], arrays: [String: [Float]] = [:]) {
        self.scalars = scalars
        self.arrays = arrays
    }

    func scalar(_ key: String) throws -> Double {
        guard let v = scalars[key], v.isFinite else {
            throw AxonError(.format, "optimizer state: missing or invalid '\(key)'")
        }
        return v
    }

    func int(_ key: String) throws -> Int {
        let v = try scalar(key)
        guard v >= 0, v < 1e15, v == v.rounded() else {
            throw AxonError(.format, "optimizer state: '\(key)' = \(v) is not a count")
        }
        return Int(v)
    }

    func array(_ key: String, count: Int) throws -> [Float] {
        guard let a = arrays[key], a.count == count else {
            throw AxonError(.format, "optimizer state: buffer '\(key)' is missing or not of \(count) elements")
        }
        return a
    }

    func optionalArray(_ key: String, count: Int) throws -> [Float]? {
        arrays[key] == nil ? nil : try array(key, count: count)
    }
}

extension WeightDecay {
    func record(into r: inout [String: Double]) {
        switch self {
        case .none: break
        case .l2(let v): r["weight_decay_l2"] = v
        case .decoupled(let v): r["weight_decay_decoupled"] = v
        }
    }

    static func from(_ r: [String: Double]) -> WeightDecay {
        if let v = r["weight_decay_l2"] { return .l2(v) }
        if let v = r["weight_decay_decoupled"] { return .decoupled(v) }
        return .none
    }
}

extension Dictionary where Key == String, Value == Double {
    func value(_ key: String) throws -> Double {
        guard let v = self[key] else { throw AxonError(.format, "optimizer options: missing '\(key)'") }
        return v
    }
}

extension GroupOptimizer {
    /// The optimizer as bytes: kind, step count, gradient noise, and per group the options
    /// and every parameter's state (by position).
    public func checkpointPayload() throws -> [UInt8] {
        var w = ByteWriter()
        w.string(Rule.name)
        w.u64(UInt64(stepCount))
        w.u8(noise == nil ? 0 : 1)
        if let noise {
            w.f64(noise.eta); w.f64(noise.gamma)
            noise.generator.write(to: &w)
        }
        w.u32(UInt32(groups.count))
        for (g, group) in groups.enumerated() {
            let options = Rule.record(group.options)
            w.u32(UInt32(options.count))
            for (k, v) in options.sorted(by: { $0.key < $1.key }) { w.string(k); w.f64(v) }
            w.u32(UInt32(group.parameters.count))
            for (i, p) in group.parameters.enumerated() {
                w.u64(UInt64(p.count))
                guard let state = states[g][i] else { w.u8(0); continue }
                w.u8(1)
                let r = Rule.record(state)
                w.u32(UInt32(r.scalars.count))
                for (k, v) in r.scalars.sorted(by: { $0.key < $1.key }) { w.string(k); w.f64(v) }
                w.u32(UInt32(r.arrays.count))
                for (k, a) in r.arrays.sorted(by: { $0.key < $1.key }) {
                    w.string(k)
                    w.u64(UInt64(a.count))
                    a.withUnsafeBufferPointer { w.floats($0) }
                }
            }
        }
        return w.bytes
    }

    /// Restores what `checkpointPayload` wrote into this optimizer, which must be of the same
    /// kind with the same groups and parameter sizes.
    public func restore(checkpointPayload bytes: [UInt8]) throws {
        var r = ByteReader(bytes, context: "optimizer state")
        let kind = try r.string(limit: 256)
        guard kind == Rule.name else {
            throw AxonError(.format, "optimizer state: saved from \(kind), restoring into \(Rule.name)")
        }
        let steps = try r.count("step count", limit: 1 << 50)
        var restoredNoise: GradientNoise?
        if try r.u8() != 0 {
            var n = try GradientNoise(eta: try r.f64(), gamma: try r.f64())
            n.generator = try PRNG(reading: &r)
            restoredNoise = n
        }
        guard Int(try r.u32()) == groups.count else {
            throw AxonError(.format, "optimizer state: the number of parameter groups differs")
        }
        var newGroups = groups
        var newStates = states
        for g in groups.indices {
            var options: [String: Double] = [:]
            for _ in 0..<Int(try r.u32()) { options[try r.string(limit: 256)] = try r.f64() }
            newGroups[g].options = try Rule.options(from: options)
            try newGroups[g].options.validate()
            guard Int(try r.u32()) == groups[g].parameters.count else {
                throw AxonError(.format, "optimizer state: group \(g) has a different number of parameters")
            }
            for (i, p) in groups[g].parameters.enumerated() {
                guard try r.u64() == UInt64(p.count) else {
                    throw AxonError(.format, "optimizer state: parameter \(i) of group \(g) differs in size")
                }
                guard try r.u8() != 0 else { newStates[g][i] = nil; continue }
                var record = StateRecord()
                for _ in 0..<Int(try r.u32()) { record.scalars[try r.string(limit: 256)] = try r.f64() }
                for _ in 0..<Int(try r.u32()) {
                    let key = try r.string(limit: 256)
                    let n = try r.count("buffer length", limit: p.count)
                    try r.need(4 * n)
                    var a = [Float](repeating: 0, count: n)
                    try a.withUnsafeMutableBufferPointer { b in
                        if let base = b.baseAddress { try r.floats(n, into: base) }
                    }
                    record.arrays[key] = a
                }
                newStates[g][i] = try Rule.state(from: record, count: p.count)
            }
        }
        guard r.remaining == 0 else { throw AxonError(.format, "optimizer state: \(r.remaining) unexpected bytes") }
        groups = newGroups
        states = newStates
        noise = restoredNoise
        stepCount = steps
    }
}
