// Every loss with its options, optimizer parameter groups and options by name, L-BFGS and
// closure-driven steps, composed schedules, and `axon_plateau` (include/axon.h, "Losses with
// options", "Parameter groups and options", "Closures", "Composed schedules", "Plateau").

import Axon

// MARK: - Losses with options

@_cdecl("axon_loss_with_options")
public func axon_loss_with_options(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ name: UnsafePointer<CChar>?,
                                   _ input: OpaquePointer?, _ target: OpaquePointer?,
                                   _ reduction: UnsafePointer<CChar>?, _ weight: OpaquePointer?,
                                   _ keys: UnsafePointer<UnsafePointer<CChar>?>?, _ values: UnsafePointer<Double>?,
                                   _ nOptions: Int) -> Int32 {
    let f = "axon_loss_with_options"
    return cCall(f) {
        let out = try outSlot(out, f)
        let name = try string(name, f, "name"), reduction = reduction.map { String(cString: $0) } ?? "mean"
        let input = try tensorHandles.resolve(input, f, "input")
        let target = try tensorHandles.resolve(target, f, "target")
        let weight = try tensorHandles.resolveOptional(weight, f, "weight")
        let options = try options(keys, values, nOptions, f)
        out.pointee = tensorHandles.make(try loss(named: name, input, target, reduction: reduction,
                                                  options: options, weight: weight))
    }
}

// MARK: - Parameter groups and options

@_cdecl("axon_optimizer_add_param_group")
public func axon_optimizer_add_param_group(_ opt: OpaquePointer?, _ params: UnsafePointer<OpaquePointer?>?,
                                           _ nParams: Int, _ keys: UnsafePointer<UnsafePointer<CChar>?>?,
                                           _ values: UnsafePointer<Double>?, _ nOptions: Int) -> Int32 {
    let f = "axon_optimizer_add_param_group"
    return cCall(f) {
        let optimizer = try optimizerHandles.resolve(opt, f, "opt")
        let parameters = try tensors(params, nParams, f, "params")
        try optimizer.addParameterGroup(parameters, options: options(keys, values, nOptions, f))
    }
}

@_cdecl("axon_optimizer_get_option")
public func axon_optimizer_get_option(_ out: UnsafeMutablePointer<Double>?, _ opt: OpaquePointer?, _ group: Int,
                                      _ key: UnsafePointer<CChar>?) -> Int32 {
    let f = "axon_optimizer_get_option"
    return cCall(f) {
        let out = try scalarOut(out, f)
        let optimizer = try optimizerHandles.resolve(opt, f, "opt")
        let key = try string(key, f, "key")
        out.pointee = try optimizer.option(key, group: size(group, f, "group"))
    }
}

@_cdecl("axon_optimizer_set_option")
public func axon_optimizer_set_option(_ opt: OpaquePointer?, _ group: Int, _ key: UnsafePointer<CChar>?,
                                      _ value: Double) -> Int32 {
    let f = "axon_optimizer_set_option"
    return cCall(f) {
        let optimizer = try optimizerHandles.resolve(opt, f, "opt")
        let key = try string(key, f, "key")
        try optimizer.setOption(key, value, group: size(group, f, "group"))
    }
}

// MARK: - L-BFGS and closures

@_cdecl("axon_optimizer_new_lbfgs")
public func axon_optimizer_new_lbfgs(_ out: UnsafeMutablePointer<OpaquePointer?>?,
                                     _ params: UnsafePointer<OpaquePointer?>?, _ nParams: Int,
                                     _ keys: UnsafePointer<UnsafePointer<CChar>?>?, _ values: UnsafePointer<Double>?,
                                     _ nOptions: Int) -> Int32 {
    let f = "axon_optimizer_new_lbfgs"
    return cCall(f) {
        let out = try outSlot(out, f)
        let parameters = try tensors(params, nParams, f, "params")
        let options = try options(keys, values, nOptions, f)
        out.pointee = optimizerHandles.make(try makeOptimizer("lbfgs", parameters: parameters, options: options))
    }
}

@_cdecl("axon_optimizer_step_closure")
public func axon_optimizer_step_closure(_ outLoss: UnsafeMutablePointer<Float>?, _ opt: OpaquePointer?,
                                        _ closure: (@convention(c) (UnsafeMutableRawPointer?) -> Float)?,
                                        _ user: UnsafeMutableRawPointer?) -> Int32 {
    let f = "axon_optimizer_step_closure"
    return cCall(f) {
        let outLoss = try scalarOut(outLoss, f, "out_loss")
        let optimizer = try optimizerHandles.resolve(opt, f, "opt")
        guard let closure else { throw invalidArgument(f, "closure is NULL") }
        outLoss.pointee = try optimizer.step(evaluatingLoss: { closure(user) })
    }
}

// MARK: - Composed schedules

@_cdecl("axon_scheduler_new_composed")
public func axon_scheduler_new_composed(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ opt: OpaquePointer?,
                                        _ composition: UnsafePointer<CChar>?, _ n: Int,
                                        _ kinds: UnsafePointer<UnsafePointer<CChar>?>?,
                                        _ keys: UnsafePointer<UnsafePointer<UnsafePointer<CChar>?>?>?,
                                        _ values: UnsafePointer<UnsafePointer<Double>?>?,
                                        _ nOptions: UnsafePointer<Int>?, _ milestones: UnsafePointer<Int64>?,
                                        _ nMilestones: Int) -> Int32 {
    let f = "axon_scheduler_new_composed"
    return cCall(f) {
        let out = try outSlot(out, f)
        let optimizer = try optimizerHandles.resolve(opt, f, "opt")
        let composition = try string(composition, f, "composition")
        let n = try size(n, f, "n")
        guard n == 0 || (kinds != nil && nOptions != nil) else {
            throw invalidArgument(f, "kinds or n_options is NULL but n is \(n)")
        }
        var kindNames: [String] = [], childOptions: [[String: Double]] = []
        for i in 0..<n {
            kindNames.append(try string(kinds?[i], f, "kinds[\(i)]"))
            let count = nOptions?[i] ?? 0
            guard count == 0 || (keys != nil && values != nil) else {
                throw invalidArgument(f, "keys or values is NULL but n_options[\(i)] is \(count)")
            }
            childOptions.append(try options(keys?[i], values?[i], count, f))
        }
        let milestones = try ints(milestones, nMilestones, f, "milestones")
        let schedule = try makeSchedule(composing: composition, kinds: kindNames, options: childOptions,
                                        milestones: milestones)
        out.pointee = schedulerHandles.make(LRScheduler(optimizer, schedule: schedule))
    }
}

// MARK: - Plateau

@_cdecl("axon_plateau_new")
public func axon_plateau_new(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ opt: OpaquePointer?,
                             _ keys: UnsafePointer<UnsafePointer<CChar>?>?, _ values: UnsafePointer<Double>?,
                             _ nOptions: Int) -> Int32 {
    let f = "axon_plateau_new"
    return cCall(f) {
        let out = try outSlot(out, f)
        let optimizer = try optimizerHandles.resolve(opt, f, "opt")
        let options = try options(keys, values, nOptions, f)
        out.pointee = plateauHandles.make(try makePlateau(optimizer, options: options))
    }
}

@_cdecl("axon_plateau_free")
public func axon_plateau_free(_ p: OpaquePointer?) {
    plateauHandles.free(p)
}

@_cdecl("axon_plateau_step")
public func axon_plateau_step(_ p: OpaquePointer?, _ metric: Double) -> Int32 {
    let f = "axon_plateau_step"
    return cCall(f) {
        try plateauHandles.resolve(p, f, "p").step(metric: metric)
    }
}

@_cdecl("axon_checkpoint_save_plateau")
public func axon_checkpoint_save_plateau(_ path: UnsafePointer<CChar>?, _ m: OpaquePointer?, _ opt: OpaquePointer?,
                                         _ s: OpaquePointer?, _ p: OpaquePointer?) -> Int32 {
    let f = "axon_checkpoint_save_plateau"
    return cCall(f) {
        let a = try CheckpointArguments(path, m, opt, s, f)
        try Checkpoint.save(to: a.path, model: a.model, optimizer: a.optimizer, scheduler: a.scheduler,
                            plateau: plateauHandles.resolveOptional(p, f, "plateau"))
    }
}

@_cdecl("axon_checkpoint_restore_plateau")
public func axon_checkpoint_restore_plateau(_ path: UnsafePointer<CChar>?, _ m: OpaquePointer?,
                                            _ opt: OpaquePointer?, _ s: OpaquePointer?,
                                            _ p: OpaquePointer?) -> Int32 {
    let f = "axon_checkpoint_restore_plateau"
    return cCall(f) {
        let a = try CheckpointArguments(path, m, opt, s, f)
        try Checkpoint.restore(from: a.path, model: a.model, optimizer: a.optimizer, scheduler: a.scheduler,
                               plateau: plateauHandles.resolveOptional(p, f, "plateau"))
    }
}
