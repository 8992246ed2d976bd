// Training checkpoints (include/axon.h, "Checkpoints"): model, optimizer and schedule
// saved together and restored in place, for an exact resume.

import Axon

@_cdecl("axon_checkpoint_save")
public func axon_checkpoint_save(_ path: UnsafePointer<CChar>?, _ m: OpaquePointer?, _ opt: OpaquePointer?,
                                 _ s: OpaquePointer?) -> Int32 {
    let f = "axon_checkpoint_save"
    return cCall(f) {
        let path = try string(path, f, "path")
        let model = try modelHandles.resolve(m, f, "m")
        let optimizer = try optimizerHandles.resolveOptional(opt, f, "opt")
        let scheduler = try schedulerHandles.resolveOptional(s, f, "sched")
        try Checkpoint.save(to: path, model: model, optimizer: optimizer, scheduler: scheduler)
    }
}

@_cdecl("axon_checkpoint_restore")
public func axon_checkpoint_restore(_ path: UnsafePointer<CChar>?, _ m: OpaquePointer?, _ opt: OpaquePointer?,
                                    _ s: OpaquePointer?) -> Int32 {
    let f = "axon_checkpoint_restore"
    return cCall(f) {
        let path = try string(path, f, "path")
        let model = try modelHandles.resolve(m, f, "m")
        let optimizer = try optimizerHandles.resolveOptional(opt, f, "opt")
        let scheduler = try schedulerHandles.resolveOptional(s, f, "sched")
        try Checkpoint.restore(from: path, model: model, optimizer: optimizer, scheduler: scheduler)
    }
}
