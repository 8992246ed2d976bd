// Schedules chosen by name, with options as plain numbers: what the C and Python doors call.

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
