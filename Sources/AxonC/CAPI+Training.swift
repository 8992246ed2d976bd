// Losses, gradient clipping, the one-call training step and the fit loop (include/axon.h,
// "Training"). Free functions over the handles of the other files.

import Axon
import AxonCHeader

@_cdecl("axon_loss")
public func axon_loss(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ name: UnsafePointer<CChar>?,
                      _ input: OpaquePointer?, _ target: OpaquePointer?, _ reduction: UnsafePointer<CChar>?) -> Int32 {
    let f = "axon_loss"
    return cCall(f) {
        let out = try outSlot(out, f)
        let name = try string(name, f, "name"), reduction = reduction.map { String(cString: $0) } ?? "mean"
        let input = try tensorHandles.resolve(input, f, "input")
        let target = try tensorHandles.resolve(target, f, "target")
        out.pointee = tensorHandles.make(try loss(named: name, input, target, reduction: reduction))
    }
}

@_cdecl("axon_clip_grad_norm")
public func axon_clip_grad_norm(_ outTotal: UnsafeMutablePointer<Float>?, _ params: UnsafePointer<OpaquePointer?>?,
                                _ n: Int, _ maxNorm: Double, _ normType: Double) -> Int32 {
    let f = "axon_clip_grad_norm"
    return cCall(f) {
        let outTotal = try scalarOut(outTotal, f, "out_total")
        let parameters = try tensors(params, n, f, "params")
        outTotal.pointee = try GradientClipping.clipNorm(parameters, maxNorm: maxNorm, normType: normType)
    }
}

@_cdecl("axon_clip_grad_value")
public func axon_clip_grad_value(_ params: UnsafePointer<OpaquePointer?>?, _ n: Int, _ clipValue: Double) -> Int32 {
    let f = "axon_clip_grad_value"
    return cCall(f) {
        try GradientClipping.clipValue(tensors(params, n, f, "params"), clipValue: clipValue)
    }
}

/// `clip_norm <= 0` means no clipping; NaN reaches the core, which rejects it.
func clipNorm(_ value: Double) -> Double? { value <= 0 ? nil : value }

@_cdecl("axon_train_step")
public func axon_train_step(_ outLoss: UnsafeMutablePointer<Float>?, _ m: OpaquePointer?, _ opt: OpaquePointer?,
                            _ lossName: UnsafePointer<CChar>?, _ x: OpaquePointer?, _ y: OpaquePointer?,
                            _ clip: Double) -> Int32 {
    trainStepCall("axon_train_step", guarded: true, outLoss, m, opt, lossName, x, y, clip)
}

@_cdecl("axon_train_step_unguarded")
public func axon_train_step_unguarded(_ outLoss: UnsafeMutablePointer<Float>?, _ m: OpaquePointer?,
                                      _ opt: OpaquePointer?, _ lossName: UnsafePointer<CChar>?, _ x: OpaquePointer?,
                                      _ y: OpaquePointer?, _ clip: Double) -> Int32 {
    trainStepCall("axon_train_step_unguarded", guarded: false, outLoss, m, opt, lossName, x, y, clip)
}

/// The training-step entry points: the same arguments, with or without the guard or a hook.
func trainStepCall(_ f: String, guarded: Bool, _ outLoss: UnsafeMutablePointer<Float>?, _ m: OpaquePointer?,
                   _ opt: OpaquePointer?, _ lossName: UnsafePointer<CChar>?, _ x: OpaquePointer?,
                   _ y: OpaquePointer?, _ clip: Double, gradientHook: ReplicaHook? = nil) -> Int32 {
    cCall(f) {
        let outLoss = try scalarOut(outLoss, f, "out_loss")
        let model = try modelHandles.resolve(m, f, "m")
        let optimizer = try optimizerHandles.resolve(opt, f, "opt")
        let lossName = try string(lossName, f, "loss")
        let x = try tensorHandles.resolve(x, f, "x"), y = try tensorHandles.resolve(y, f, "y")
        outLoss.pointee = try trainStep(model: model, optimizer: optimizer, loss: lossName, input: x, target: y,
                                        clipNorm: clipNorm(clip), guarded: guarded, gradientHook: gradientHook)
    }
}

@_cdecl("axon_fit")
public func axon_fit(_ outRecords: UnsafeMutablePointer<axon_epoch_record>?, _ capacity: Int,
                     _ outCount: UnsafeMutablePointer<Int>?, _ m: OpaquePointer?, _ opt: OpaquePointer?,
                     _ s: OpaquePointer?, _ lossName: UnsafePointer<CChar>?, _ x: OpaquePointer?, _ y: OpaquePointer?,
                     _ valX: OpaquePointer?, _ valY: OpaquePointer?, _ epochs: Int32, _ batchSize: Int, _ seed: UInt64,
                     _ clip: Double) -> Int32 {
    let f = "axon_fit"
    return cCall(f) {
        try fitCall(f, outRecords, capacity, outCount, epochs: epochs, valX, valY) { validation in
            try fit(model: modelHandles.resolve(m, f, "m"), optimizer: optimizerHandles.resolve(opt, f, "opt"),
                    scheduler: schedulerHandles.resolveOptional(s, f, "sched"), loss: string(lossName, f, "loss"),
                    features: tensorHandles.resolve(x, f, "x"), targets: tensorHandles.resolve(y, f, "y"),
                    validation: validation, epochs: Int(epochs), batchSize: size(batchSize, f, "batch_size"),
                    seed: seed, clipNorm: clipNorm(clip))
        }
    }
}

/// What the fit entry points share: the records' array and count, the validation pair, and
/// the records written from the history `run` returns.
func fitCall(_ f: String, _ outRecords: UnsafeMutablePointer<axon_epoch_record>?, _ capacity: Int,
             _ outCount: UnsafeMutablePointer<Int>?, epochs: Int32, _ valX: OpaquePointer?, _ valY: OpaquePointer?,
             _ run: ((features: Tensor, targets: Tensor)?) throws -> History) throws {
    let outCount = try scalarOut(outCount, f, "out_count")
    outCount.pointee = 0
    let capacity = try size(capacity, f, "capacity")
    guard capacity >= Int(epochs) else {
        throw invalidArgument(f, "capacity \(capacity) is less than the \(epochs) epochs to record")
    }
    guard outRecords != nil || capacity == 0 else { throw invalidArgument(f, "out_records is NULL") }
    guard (valX == nil) == (valY == nil) else {
        throw invalidArgument(f, "val_x and val_y must both be NULL or both be given")
    }
    let validation = try valX.map { _ in
        try (tensorHandles.resolve(valX, f, "val_x"), tensorHandles.resolve(valY, f, "val_y"))
    }
    let history = try run(validation)
    for (i, r) in history.epochs.prefix(capacity).enumerated() {
        outRecords?[i] = axon_epoch_record(
            train_loss: r.trainLoss, train_accuracy: r.trainAccuracy ?? .nan, val_loss: r.validationLoss ?? .nan,
            val_accuracy: r.validationAccuracy ?? .nan, learning_rate: r.learningRate,
            skipped_steps: Int64(r.skippedSteps))
    }
    outCount.pointee = min(history.epochs.count, capacity)
}
