// Schedules chosen by name, with options as plain numbers: what the C and Python doors call.

/// The options of each schedule kind ("multistep" also takes m1, m2, ...).
let scheduleOptionNames: [String: [String]] = [
    "step": ["step_size", "gamma"], "multistep": ["gamma"], "exponential": ["gamma"], "inverse_time": ["beta"],
    "polynomial": ["total", "power"], "cosine": ["period", "eta_min"],
    "linear": ["start_factor", "end_factor", "total"],
]

/// A schedule by name: "step" (step_size, gamma), "multistep" (milestones as m1, m2, ...;
/// gamma), "exponential" (gamma), "inverse_time" (beta), "polynomial" (total, power),
/// "cosine" (period, eta_min), "linear" (start_factor, end_factor, total). An unknown option
/// or a value that is not finite throws.
public func makeSchedule(_ kind: String, options o: [String: Double]) throws -> any Schedule {
    let name = kind.lowercased()
    if let known = scheduleOptionNames[name] {
        for (key, value) in o {
            let isMilestone = name == "multistep" && key.hasPrefix("m") && Int(key.dropFirst()) != nil
            guard known.contains(key) || isMilestone else {
                throw AxonError.invalid("schedule \(kind): unknown option '\(key)'; known: "
                                        + (known + (name == "multistep" ? ["m1", "m2", "..."] : []))
                                            .joined(separator: ", "))
            }
            guard value.isFinite else { throw AxonError.invalid("schedule \(kind): option '\(key)' is not finite") }
        }
    }
    func int(_ key: String, _ fallback: Int? = nil) throws -> Int {
        guard let v = o[key] ?? fallback.map(Double.init), v == v.rounded(), abs(v) < 1e9 else {
            throw AxonError.invalid("schedule \(kind): '\(key)' must be a whole number")
        }
        return Int(v)
    }
    switch name {
    case "step": return try StepLR(stepSize: int("step_size"), gamma: o["gamma"] ?? 0.1)
    case "multistep":
        let milestones = try o.keys
            .filter { $0.hasPrefix("m") && Int($0.dropFirst()) != nil }
            .sorted { Int($0.dropFirst()) ?? 0 < Int($1.dropFirst()) ?? 0 }
            .map { try int($0) }
        return try MultiStepLR(milestones: milestones, gamma: o["gamma"] ?? 0.1)
    case "exponential": return try ExponentialLR(gamma: o["gamma"] ?? 0.1)
    case "inverse_time": return try InverseTimeLR(beta: o["beta"] ?? 0)
    case "polynomial": return try PolynomialLR(totalSteps: int("total"), power: o["power"] ?? 1)
    case "cosine": return try CosineAnnealingLR(period: int("period"), minimum: o["eta_min"] ?? 0)
    case "linear":
        return try LinearLR(startFactor: o["start_factor"] ?? 1.0 / 3, endFactor: o["end_factor"] ?? 1,
                            totalSteps: int("total", 5))
    default:
        throw AxonError.invalid("unknown schedule '\(kind)'; known: step, multistep, exponential, inverse_time, "
                                + "polynomial, cosine, linear")
    }
}

/// Schedules `kinds[i]` with `options[i]` (as `makeSchedule` takes them) composed: "sequential"
/// runs them one after another, switching at `milestones` (n - 1 increasing steps, each
/// schedule restarting from its step 0; PyTorch's SequentialLR), "chained" multiplies their
/// factors (ChainedScheduler; no milestones).
public func makeSchedule(composing composition: String, kinds: [String], options: [[String: Double]],
                         milestones: [Int]) throws -> any Schedule {
    guard !kinds.isEmpty, kinds.count == options.count else {
        throw AxonError.invalid("schedule \(composition): needs at least one schedule, each with its options")
    }
    let parts = try zip(kinds, options).map { try makeSchedule($0, options: $1) }
    switch composition.lowercased() {
    case "sequential": return try SequentialSchedule(parts, milestones: milestones)
    case "chained":
        guard milestones.isEmpty else { throw AxonError.invalid("schedule chained: takes no milestones") }
        return ChainedSchedule(parts)
    default: throw AxonError.invalid("unknown composition '\(composition)'; known: sequential, chained")
    }
}

/// A ReduceLROnPlateau over `optimizer` with options by PyTorch's names: mode (0 = "min",
/// 1 = "max"), factor, patience, threshold, threshold_mode (0 = "rel", 1 = "abs"), cooldown,
/// min_lr, eps. An unknown option, a non-finite value, a code that is not 0 or 1 or a count
/// that is not a whole number >= 0 throws.
public func makePlateau(_ optimizer: any Optimizer, options o: [String: Double]) throws -> ReduceLROnPlateau {
    let known = ["mode", "factor", "patience", "threshold", "threshold_mode", "cooldown", "min_lr", "eps"]
    for (key, value) in o {
        guard known.contains(key) else {
            throw AxonError.invalid("ReduceLROnPlateau: unknown option '\(key)'; known: "
                                    + known.joined(separator: ", "))
        }
        guard value.isFinite else { throw AxonError.invalid("ReduceLROnPlateau: option '\(key)' is not finite") }
    }
    func code(_ key: String) throws -> Bool {
        guard let v = o[key] else { return false }
        guard v == 0 || v == 1 else { throw AxonError.invalid("ReduceLROnPlateau: '\(key)' is 0 or 1, not \(v)") }
        return v == 1
    }
    func count(_ key: String, _ fallback: Int) throws -> Int {
        guard let v = o[key] else { return fallback }
        guard v == v.rounded(), v >= 0, v < 1e15 else {
            throw AxonError.invalid("ReduceLROnPlateau: '\(key)' must be a whole number >= 0, not \(v)")
        }
        return Int(v)
    }
    return try ReduceLROnPlateau(optimizer, mode: code("mode") ? .max : .min, factor: o["factor"] ?? 0.1,
                                 patience: count("patience", 10), threshold: o["threshold"] ?? 1e-4,
                                 thresholdMode: code("threshold_mode") ? .absolute : .relative,
                                 cooldown: count("cooldown", 0), minimumLearningRate: o["min_lr"] ?? 0,
                                 eps: o["eps"] ?? 1e-8)
}
