// Data-parallel training (include/axon.h, "Data-parallel training"): flat buffers, the
// caller's collective functions as hooks, sharded loaders and the fit loop over a loader.

import Axon
import AxonCHeader

/// `int (*)(float *data, size_t count, void *user)`, as axon.h's axon_replica_fn.
public typealias ReplicaFunction = @convention(c) (UnsafeMutablePointer<Float>?, Int, UnsafeMutableRawPointer?) -> Int32

/// The caller's function as a hook of the core: a non-zero return is AXON_ERR_CALLBACK.
func replicaHook(_ fn: ReplicaFunction, _ user: UnsafeMutableRawPointer?, _ function: String,
                 _ name: String) -> ReplicaHook {
    { buffer in
        let code = fn(buffer.baseAddress, buffer.count, user)
        guard code == 0 else {
            throw AxonError(.callback, "\(function): \(name) returned \(code) for a buffer of \(buffer.count) floats")
        }
    }
}

private func part(_ which: Int32, _ f: String) throws -> ModelPart {
    switch which {
    case Int32(AXON_PART_PARAMETERS.rawValue): return .parameters
    case Int32(AXON_PART_GRADIENTS.rawValue): return .gradients
    case Int32(AXON_PART_STATE.rawValue): return .state
    default: throw invalidArgument(f, "part \(which) is not AXON_PART_PARAMETERS, _GRADIENTS or _STATE")
    }
}

@_cdecl("axon_model_flat_count")
public func axon_model_flat_count(_ m: OpaquePointer?, _ which: Int32) -> Int {
    let f = "axon_model_flat_count"
    return (try? modelHandles.resolve(m, f, "m").flatCount(part(which, f))) ?? 0
}

@_cdecl("axon_model_flat_read")
public func axon_model_flat_read(_ m: OpaquePointer?, _ which: Int32, _ out: UnsafeMutablePointer<Float>?,
                                 _ count: Int) -> Int32 {
    let f = "axon_model_flat_read"
    return cCall(f) {
        let model = try modelHandles.resolve(m, f, "m"), part = try part(which, f)
        try model.readFlat(part, into: UnsafeMutableBufferPointer(start: floats(out, count, f, "out"), count: count))
    }
}

@_cdecl("axon_model_flat_write")
public func axon_model_flat_write(_ m: OpaquePointer?, _ which: Int32, _ values: UnsafePointer<Float>?,
                                  _ count: Int) -> Int32 {
    let f = "axon_model_flat_write"
    return cCall(f) {
        let model = try modelHandles.resolve(m, f, "m"), part = try part(which, f)
        try model.writeFlat(part, from: UnsafeBufferPointer(start: floats(values, count, f, "values"), count: count))
    }
}

@_cdecl("axon_tensors_flat_read")
public func axon_tensors_flat_read(_ list: UnsafePointer<OpaquePointer?>?, _ n: Int, _ gradients: Int32,
                                   _ out: UnsafeMutablePointer<Float>?, _ count: Int) -> Int32 {
    let f = "axon_tensors_flat_read"
    return cCall(f) {
        let list = try tensors(list, n, f, "tensors"), part: Flat.Part = try bool(gradients, f, "gradients")
            ? .gradients : .values
        try Flat.read(list, part, into: UnsafeMutableBufferPointer(start: floats(out, count, f, "out"), count: count))
    }
}

@_cdecl("axon_tensors_flat_write")
public func axon_tensors_flat_write(_ list: UnsafePointer<OpaquePointer?>?, _ n: Int, _ gradients: Int32,
                                    _ values: UnsafePointer<Float>?, _ count: Int) -> Int32 {
    let f = "axon_tensors_flat_write"
    return cCall(f) {
        let list = try tensors(list, n, f, "tensors"), part: Flat.Part = try bool(gradients, f, "gradients")
            ? .gradients : .values
        try Flat.write(list, part, from: UnsafeBufferPointer(start: floats(values, count, f, "values"), count: count))
    }
}

/// A caller's buffer of `count` floats: NULL only when empty.
private func floats<P>(_ p: P?, _ count: Int, _ f: String, _ name: String) throws -> P? {
    _ = try size(count, f, "count")
    guard p != nil || count == 0 else { throw invalidArgument(f, "\(name) is NULL but count is \(count)") }
    return p
}

@_cdecl("axon_model_broadcast")
public func axon_model_broadcast(_ m: OpaquePointer?, _ fn: ReplicaFunction?,
                                 _ user: UnsafeMutableRawPointer?) -> Int32 {
    let f = "axon_model_broadcast"
    return cCall(f) {
        let model = try modelHandles.resolve(m, f, "m")
        guard let fn else { throw invalidArgument(f, "broadcast is NULL") }
        try model.broadcast(using: replicaHook(fn, user, f, "broadcast"))
    }
}

@_cdecl("axon_model_sync_batchnorm")
public func axon_model_sync_batchnorm(_ outLayers: UnsafeMutablePointer<Int>?, _ m: OpaquePointer?, _ rank: Int,
                                      _ worldSize: Int, _ fn: ReplicaFunction?,
                                      _ user: UnsafeMutableRawPointer?) -> Int32 {
    let f = "axon_model_sync_batchnorm"
    return cCall(f) {
        let outLayers = try scalarOut(outLayers, f, "out_layers")
        let model = try modelHandles.resolve(m, f, "m")
        // Made (so rank and world size are checked) also when all_reduce_sum is NULL.
        let group = try ReplicaGroup(rank: size(rank, f, "rank"), worldSize: size(worldSize, f, "world_size"),
                                     allReduce: fn.map { replicaHook($0, user, "batch normalization",
                                                                     "all_reduce_sum") } ?? { _ in })
        outLayers.pointee = model.synchronizeBatchNorm(fn == nil ? nil : group)
    }
}

@_cdecl("axon_train_step_hooked")
public func axon_train_step_hooked(_ outLoss: UnsafeMutablePointer<Float>?, _ m: OpaquePointer?,
                                   _ opt: OpaquePointer?, _ lossName: UnsafePointer<CChar>?, _ x: OpaquePointer?,
                                   _ y: OpaquePointer?, _ clip: Double, _ hook: ReplicaFunction?,
                                   _ user: UnsafeMutableRawPointer?) -> Int32 {
    let f = "axon_train_step_hooked"
    guard let hook else { return cCall(f) { throw invalidArgument(f, "gradient_hook is NULL") } }
    return trainStepCall(f, guarded: true, outLoss, m, opt, lossName, x, y, clip,
                         gradientHook: replicaHook(hook, user, f, "gradient_hook"))
}

@_cdecl("axon_loader_new_sharded")
public func axon_loader_new_sharded(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ dataset: OpaquePointer?,
                                    _ batchSize: Int, _ shuffle: Int32, _ dropLast: Int32, _ seed: UInt64,
                                    _ rank: Int, _ worldSize: Int) -> Int32 {
    let f = "axon_loader_new_sharded"
    return cCall(f) {
        let out = try outSlot(out, f)
        let dataset = try datasetHandles.resolve(dataset, f, "dataset")
        let batchSize = try size(batchSize, f, "batch_size")
        let shuffle = try bool(shuffle, f, "shuffle"), dropLast = try bool(dropLast, f, "drop_last")
        let loader = try DataLoader(dataset, batchSize: batchSize, shuffle: shuffle, dropLast: dropLast, seed: seed,
                                    rank: size(rank, f, "rank"), worldSize: size(worldSize, f, "world_size"))
        out.pointee = loaderHandles.make(BatchCursor(loader))
    }
}

@_cdecl("axon_fit_loader")
public func axon_fit_loader(_ outRecords: UnsafeMutablePointer<axon_epoch_record>?, _ capacity: Int,
                            _ outCount: UnsafeMutablePointer<Int>?, _ m: OpaquePointer?, _ opt: OpaquePointer?,
                            _ s: OpaquePointer?, _ lossName: UnsafePointer<CChar>?, _ loader: OpaquePointer?,
                            _ valX: OpaquePointer?, _ valY: OpaquePointer?, _ epochs: Int32, _ clip: Double,
                            _ hook: ReplicaFunction?, _ user: UnsafeMutableRawPointer?) -> Int32 {
    let f = "axon_fit_loader"
    return cCall(f) {
        try fitCall(f, outRecords, capacity, outCount, epochs: epochs, valX, valY) { validation in
            try fit(model: modelHandles.resolve(m, f, "m"), optimizer: optimizerHandles.resolve(opt, f, "opt"),
                    scheduler: schedulerHandles.resolveOptional(s, f, "sched"), loss: string(lossName, f, "loss"),
                    cursor: loaderHandles.resolve(loader, f, "loader"), validation: validation, epochs: Int(epochs),
                    clipNorm: clipNorm(clip), gradientHook: hook.map { replicaHook($0, user, f, "gradient_hook") })
        }
    }
}
