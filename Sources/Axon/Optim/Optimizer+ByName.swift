// Optimizers chosen by name, with options as plain numbers: what the C and Python doors call.

/// The options that are booleans: given as 0 or 1 only.
let booleanOptimizerOptions: Set<String> = ["nesterov", "amsgrad", "centered", "strong_wolfe"]

/// `base` with the options `given` by name merged in and validated: an unknown key, a value
/// that is not finite, or a boolean that is not 0 or 1 throws. "weight_decay" means coupled L2,
/// except for AdamW where it is the decoupled decay.
func mergedOptions<R: UpdateRule>(_ rule: R.Type, _ base: R.Options, _ given: [String: Double]) throws -> R.Options {
    var record = R.record(base)
    for (key, value) in given.sorted(by: { $0.key < $1.key }) {
        guard value.isFinite else { throw AxonError.invalid("\(R.name): option '\(key)' is not finite") }
        guard !booleanOptimizerOptions.contains(key) || value == 0 || value == 1 else {
            throw AxonError.invalid("\(R.name): option '\(key)' is a boolean, 0 or 1, not \(value)")
        }
        switch key {
        case "weight_decay" where rule == AdamWRule.self: record["weight_decay_decoupled"] = value
        case "weight_decay":
            record["weight_decay_l2"] = value
            record["weight_decay_decoupled"] = nil
        default:
            guard record[key] != nil || (rule != AdamWRule.self && ["weight_decay_l2", "weight_decay_decoupled"]
                .contains(key)) else {
                let known = Set(record.keys).subtracting(["weight_decay_l2", "weight_decay_decoupled"])
                throw AxonError.invalid("\(R.name): unknown option '\(key)'; "
                                        + "known: \(known.sorted().joined(separator: ", ")), weight_decay")
            }
            record[key] = value
        }
    }
    let options = try R.options(from: record)
    try options.validate()
    return options
}

/// The optimizer `kind` ("sgd", "adagrad", "rmsprop", "adadelta", "adam", "adamw", "adamax",
/// "nadam", "lbfgs") over `parameters`, with `options` by the names of the checkpoint format ("lr",
/// "momentum", "beta1", "weight_decay", ...); unspecified options keep PyTorch's defaults.
/// "weight_decay" means coupled L2, except for AdamW where it is the decoupled decay.
public func makeOptimizer(_ kind: String, parameters: [Tensor],
                          options given: [String: Double]) throws -> any Optimizer {
    func merged<R: UpdateRule>(_ rule: R.Type, _ defaults: R.Options) throws -> R.Options {
        try mergedOptions(rule, defaults, given)
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
    case "lbfgs": return try LBFGS(parameters, options: LBFGS.options(LBFGS.Options(), merging: given))
    default:
        throw AxonError.invalid(
            "unknown optimizer '\(kind)'; known: sgd, adagrad, rmsprop, adadelta, adam, adamw, adamax, nadam, lbfgs")
    }
}
