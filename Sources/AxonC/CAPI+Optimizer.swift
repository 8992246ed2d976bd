// `axon_optimizer` and `axon_scheduler` (include/axon.h, "Optimizers and schedules"): opaque
// handles owning one reference to an optimizer or a learning-rate scheduler of the core, made
// by name with options given as key/value arrays.

import Axon

private func resolve(_ handle: OpaquePointer?, _ function: String, _ name: String = "opt") throws -> any Optimizer {
    try optimizerHandles.resolve(handle, function, name)
}

// MARK: - Optimizer

@_cdecl("axon_optimizer_new")
public func axon_optimizer_new(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ kind: UnsafePointer<CChar>?,
                               _ params: UnsafePointer<OpaquePointer?>?, _ nParams: Int,
                               _ keys: UnsafePointer<UnsafePointer<CChar>?>?, _ values: UnsafePointer<Double>?,
                               _ nOptions: Int) -> Int32 {
    let f = "axon_optimizer_new"
    return cCall(f) {
        let out = try outSlot(out, f)
        let kind = try string(kind, f, "kind")
        let parameters = try tensors(params, nParams, f, "params")
        let options = try options(keys, values, nOptions, f)
        out.pointee = optimizerHandles.make(try makeOptimizer(kind, parameters: parameters, options: options))
    }
}

@_cdecl("axon_optimizer_free")
public func axon_optimizer_free(_ opt: OpaquePointer?) {
    optimizerHandles.free(opt)
}

@_cdecl("axon_optimizer_step")
public func axon_optimizer_step(_ opt: OpaquePointer?) -> Int32 {
    let f = "axon_optimizer_step"
    return cCall(f) {
        try resolve(opt, f).step()
    }
}

@_cdecl("axon_optimizer_zero_grad")
public func axon_optimizer_zero_grad(_ opt: OpaquePointer?) -> Int32 {
    let f = "axon_optimizer_zero_grad"
    return cCall(f) {
        try resolve(opt, f).zeroGrad()
    }
}

@_cdecl("axon_optimizer_group_count")
public func axon_optimizer_group_count(_ opt: OpaquePointer?) -> Int {
    (try? resolve(opt, "axon_optimizer_group_count"))?.learningRates.count ?? 0
}

@_cdecl("axon_optimizer_get_lr")
public func axon_optimizer_get_lr(_ out: UnsafeMutablePointer<Double>?, _ opt: OpaquePointer?, _ group: Int) -> Int32 {
    let f = "axon_optimizer_get_lr"
    return cCall(f) {
        let out = try scalarOut(out, f)
        let rates = try resolve(opt, f).learningRates
        guard group >= 0, group < rates.count else {
            throw invalidArgument(f, "group \(group) is out of range: the optimizer has \(rates.count) groups")
        }
        out.pointee = rates[group]
    }
}

@_cdecl("axon_optimizer_set_lr")
public func axon_optimizer_set_lr(_ opt: OpaquePointer?, _ group: Int, _ lr: Double) -> Int32 {
    let f = "axon_optimizer_set_lr"
    return cCall(f) {
        let optimizer = try resolve(opt, f)
        var rates = optimizer.learningRates
        guard group >= 0, group < rates.count else {
            throw invalidArgument(f, "group \(group) is out of range: the optimizer has \(rates.count) groups")
        }
        guard lr.isFinite, lr >= 0 else { throw invalidArgument(f, "learning rate \(lr) must be finite and >= 0") }
        rates[group] = lr
        optimizer.learningRates = rates
    }
}

// MARK: - Scheduler

@_cdecl("axon_scheduler_new")
public func axon_scheduler_new(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ opt: OpaquePointer?,
                               _ kind: UnsafePointer<CChar>?, _ keys: UnsafePointer<UnsafePointer<CChar>?>?,
                               _ values: UnsafePointer<Double>?, _ nOptions: Int) -> Int32 {
    let f = "axon_scheduler_new"
    return cCall(f) {
        let out = try outSlot(out, f)
        let optimizer = try resolve(opt, f)
        let kind = try string(kind, f, "kind"), options = try options(keys, values, nOptions, f)
        out.pointee = schedulerHandles.make(LRScheduler(optimizer, schedule: try makeSchedule(kind, options: options)))
    }
}

@_cdecl("axon_scheduler_free")
public func axon_scheduler_free(_ s: OpaquePointer?) {
    schedulerHandles.free(s)
}

@_cdecl("axon_scheduler_step")
public func axon_scheduler_step(_ s: OpaquePointer?) -> Int32 {
    let f = "axon_scheduler_step"
    return cCall(f) {
        try schedulerHandles.resolve(s, f, "s").step()
    }
}
