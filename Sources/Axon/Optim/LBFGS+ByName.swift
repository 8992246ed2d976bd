// L-BFGS options by name (lr, max_iter, max_eval, tolerance_grad, tolerance_change,
// history_size, strong_wolfe as PyTorch's line_search_fn="strong_wolfe"), for the doors.

extension LBFGS.Options {
    /// Throws unless the options are in their domains (as `LBFGS.init` requires).
    func validate() throws {
        guard learningRate > 0, learningRate.isFinite, maxIterations > 0, maxIterations < 1 << 30,
              historySize > 0, historySize < 1 << 30, (maxEvaluations ?? 1) > 0, (maxEvaluations ?? 1) < 1 << 30,
              toleranceGrad >= 0, toleranceGrad.isFinite, toleranceChange >= 0, toleranceChange.isFinite else {
            throw AxonError.invalid("LBFGS: learning rate, max iterations, max evaluations and history size "
                                    + "must be positive, tolerances finite and >= 0")
        }
    }
}

extension LBFGS: OptionsByName {
    static let optionNames = ["lr", "max_iter", "max_eval", "tolerance_grad", "tolerance_change", "history_size",
                              "strong_wolfe"]

    /// `base` with `given` merged in by name and validated.
    static func options(_ base: Options, merging given: [String: Double]) throws -> Options {
        var o = base
        for (key, v) in given.sorted(by: { $0.key < $1.key }) {
            guard v.isFinite else { throw AxonError.invalid("LBFGS: option '\(key)' is not finite") }
            func count() throws -> Int {
                guard v == v.rounded(), v >= 1, v < 1e9 else {
                    throw AxonError.invalid("LBFGS: option '\(key)' must be a whole number >= 1, not \(v)")
                }
                return Int(v)
            }
            switch key {
            case "lr": o.learningRate = v
            case "max_iter": o.maxIterations = try count()
            case "max_eval": o.maxEvaluations = try count()
            case "tolerance_grad": o.toleranceGrad = v
            case "tolerance_change": o.toleranceChange = v
            case "history_size": o.historySize = try count()
            case "strong_wolfe":
                guard v == 0 || v == 1 else { throw AxonError.invalid("LBFGS: 'strong_wolfe' is 0 or 1, not \(v)") }
                o.strongWolfe = v == 1
            default:
                throw AxonError.invalid("LBFGS: unknown option '\(key)'; known: "
                                        + optionNames.joined(separator: ", "))
            }
        }
        try o.validate()
        return o
    }

    public var groupCount: Int { 1 }

    public func addParameterGroup(_ parameters: [Tensor], options: [String: Double]) throws {
        throw AxonError.invalid("LBFGS: one parameter group only, as in PyTorch")
    }

    public func option(_ key: String, group: Int) throws -> Double {
        try checkGroup(group, 1, "LBFGS")
        switch key {
        case "lr": return options.learningRate
        case "max_iter": return Double(options.maxIterations)
        case "max_eval": return Double(options.maxEvaluations ?? options.maxIterations * 5 / 4)
        case "tolerance_grad": return options.toleranceGrad
        case "tolerance_change": return options.toleranceChange
        case "history_size": return Double(options.historySize)
        case "strong_wolfe": return options.strongWolfe ? 1 : 0
        default:
            throw AxonError.invalid("LBFGS: unknown option '\(key)'; known: "
                                    + Self.optionNames.joined(separator: ", "))
        }
    }

    public func setOption(_ key: String, _ value: Double, group: Int) throws {
        try checkGroup(group, 1, "LBFGS")
        let new = try Self.options(options, merging: [key: value])
        guard new.historySize >= state.oldDirections.count else {
            throw AxonError(.invalidState, "LBFGS: history_size \(new.historySize) is below the "
                            + "\(state.oldDirections.count) pairs already kept")
        }
        options = new
    }
}
