// Training checkpoints (include/axon.h, "Checkpoints"): model, optimizer and schedule
// saved together and restored in place, for an exact resume.

import Axon

/// The path and the objects every checkpoint export takes, converted and resolved in order.
struct CheckpointArguments {
    let path: FilePath
    let model: any Layer
    let optimizer: (any Optimizer)?
    let scheduler: LRScheduler?

    init(_ path: UnsafePointer<CChar>?, _ m: OpaquePointer?, _ opt: OpaquePointer?, _ s: OpaquePointer?,
         _ function: String) throws {
        self.path = try filePath(path, function)
        model = try modelHandles.resolve(m, function, "m")
        optimizer = try optimizerHandles.resolveOptional(opt, function, "opt")
        scheduler = try schedulerHandles.resolveOptional(s, function, "sched")
    }
}

@_cdecl("axon_checkpoint_save")
public func axon_checkpoint_save(_ path: UnsafePointer<CChar>?, _ m: OpaquePointer?, _ opt: OpaquePointer?,
                                 _ s: OpaquePointer?) -> Int32 {
    let f = "axon_checkpoint_save"
    return cCall(f) {
        let a = try CheckpointArguments(path, m, opt, s, f)
        try Checkpoint.save(to: a.path, model: a.model, optimizer: a.optimizer, scheduler: a.scheduler)
    }
}

@_cdecl("axon_checkpoint_restore")
public func axon_checkpoint_restore(_ path: UnsafePointer<CChar>?, _ m: OpaquePointer?, _ opt: OpaquePointer?,
                                    _ s: OpaquePointer?) -> Int32 {
    let f = "axon_checkpoint_restore"
    return cCall(f) {
        let a = try CheckpointArguments(path, m, opt, s, f)
        try Checkpoint.restore(from: a.path, model: a.model, optimizer: a.optimizer, scheduler: a.scheduler)
    }
}
