// Optimizers, losses and schedules chosen by name and options as plain numbers: what the C
// and Python doors use, so that they only convert arguments and call in here.

/// The optimizer `kind` ("sgd", "adagrad", "rmsprop", "adadelta", "adam", "adamw", "adamax",
/// "nadam") over `parameters`, with `options` by the names of the checkpoint format ("lr",
/// "momentum", "beta1", "weight_decay", ...); unspecified options keep PyTorch's defaults.
/// "weight_decay" means coupled L2, except for AdamW where it is the decoupled decay.
public func makeOptimizer(_ kind: String, parameters: [Tensor], options given: [String: Double]) throws -> any Optimizer {
    func merged<R: UpdateRule>(_ rule: R.Type, _ defaults: R.Options) throws -> R.Options {
        var record = R.record(defaults)
        for (key, value) in given {
            guard value.isFinite else { throw AxonError.invalid("\(R.name): option '\(key)' is not finite") }
            switch key {
            case "weight_decay" where rule == AdamWRule.self: record["weight_decay_decoupled"] = value
            case "weight_decay":
                record["weight_decay_l2"] = value
                record["weight_decay_decoupled"] = nil
            default:
                guard record[key] != nil || ["weight_decay_l2", "weight_decay_decoupled"].contains(key) else {
                    throw AxonError.invalid("\(R.name): unknown option '\(key)'; known: \(record.keys.sorted().joined(separator: ", ")), weight_decay")
                }
                record[key] = value
            }
        }
        return try R.options(from: record)
    }
    switch kind.lowercased() {
    case "sgd": return try SGD(parameters, options: merged(SGDRule.self, .init()))
    case "adagrad": return try Adagrad(parameters, options: merged(AdagradRule.self, .init()))
    case "rmsprop": return try RMSprop(parameters, options: merged(RMSpropRule.self, .init()))
    case "adadelta": return try Adadelta(parameters, options: merged(AdadeltaRule.self, .init()))
    case "adam": return try Adam(parameters, options: merged(AdamRule.self, .init()))
    case "adamw": return try AdamW(parameters, options: merged(AdamWRule.self, .init()))
    case "adamax": return try Adamax(parameters, options: merged(AdamaxRule.self, .init()))
    case "nadam": return try NAdam(parameters, options: merged(NAdamRule.self, .init()))
    default:
        throw AxonError.invalid("unknown optimizer '\(kind)'; known: sgd, adagrad, rmsprop, adadelta, adam, adamw, adamax, nadam")
    }
}

/// The loss `name` ("mse", "l1", "smooth_l1", "huber", "bce", "bce_with_logits",
/// "cross_entropy", "nll", "kl_div") with a reduction ("mean", "sum", "none", "batchmean").
public func loss(named name: String, _ input: Tensor, _ target: Tensor, reduction: String = "mean") throws -> Tensor {
    let r: Reduction
    switch reduction.lowercased() {
    case "mean": r = .mean
    case "sum": r = .sum
    case "none": r = .none
    case "batchmean": r = .batchMean
    default: throw AxonError.invalid("unknown reduction '\(reduction)'; known: mean, sum, none, batchmean")
    }
    switch name.lowercased() {
    case "mse": return try mseLoss(input, target, reduction: r)
    case "l1": return try l1Loss(input, target, reduction: r)
    case "smooth_l1": return try smoothL1Loss(input, target, reduction: r)
    case "huber": return try huberLoss(input, target, reduction: r)
    case "bce": return try binaryCrossEntropy(input, target, reduction: r)
    case "bce_with_logits": return try binaryCrossEntropyWithLogits(input, target, reduction: r)
    case "cross_entropy": return try crossEntropy(input, target, reduction: r)
    case "nll": return try nllLoss(input, target, reduction: r)
    case "kl_div": return try klDivergence(input, target, reduction: r)
    default:
        throw AxonError.invalid("unknown loss '\(name)'; known: mse, l1, smooth_l1, huber, bce, bce_with_logits, cross_entropy, nll, kl_div")
    }
}

/// One training step: forward, `lossName`'s loss, backward, optional norm clipping, update.
/// Returns the loss before the update.
@discardableResult
public func trainStep(model: any Layer, optimizer: any Optimizer, loss lossName: String, input: Tensor, target: Tensor,
                      clipNorm: Double? = nil) throws -> Float {
    let value = try GradMode.with(enabled: true) { try loss(named: lossName, model(input), target) }
    optimizer.zeroGrad()
    try value.backward()
    if let clipNorm { try GradientClipping.clipNorm(optimizer.parameters, maxNorm: clipNorm) }
    try optimizer.step()
    return try value.item()
}

/// A schedule by name: "step" (step_size, gamma), "multistep" (milestones as m1, m2, ...;
/// gamma), "exponential" (gamma), "inverse_time" (beta), "polynomial" (total, power),
/// "cosine" (period, eta_min), "linear" (start_factor, end_factor, total).
public func makeSchedule(_ kind: String, options o: [String: Double]) throws -> any Schedule {
    func int(_ key: String, _ fallback: Int? = nil) throws -> Int {
        guard let v = o[key] ?? fallback.map(Double.init), v == v.rounded(), abs(v) < 1e9 else {
            throw AxonError.invalid("schedule \(kind): '\(key)' must be a whole number")
        }
        return Int(v)
    }
    switch kind.lowercased() {
    case "step": return try StepLR(stepSize: int("step_size"), gamma: o["gamma"] ?? 0.1)
    case "multistep":
        let milestones = try o.keys.filter { $0.hasPrefix("m") && Int($0.dropFirst()) != nil }.sorted { Int($0.dropFirst()) ?? 0 < Int($1.dropFirst()) ?? 0 }.map { try int($0) }
        return try MultiStepLR(milestones: milestones, gamma: o["gamma"] ?? 0.1)
    case "exponential": return try ExponentialLR(gamma: o["gamma"] ?? 0.1)
    case "inverse_time": return try InverseTimeLR(beta: o["beta"] ?? 0)
    case "polynomial": return try PolynomialLR(totalSteps: int("total"), power: o["power"] ?? 1)
    case "cosine": return try CosineAnnealingLR(period: int("period"), minimum: o["eta_min"] ?? 0)
    case "linear": return try LinearLR(startFactor: o["start_factor"] ?? 1.0 / 3, endFactor: o["end_factor"] ?? 1, totalSteps: int("total", 5))
    default: throw AxonError.invalid("unknown schedule '\(kind)'; known: step, multistep, exponential, inverse_time, polynomial, cosine, linear")
    }
}
