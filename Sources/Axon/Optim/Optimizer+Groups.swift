// Parameter groups and options by name, on any optimizer: what the C and Python doors call
// for add_param_group and for reading or writing one option of one group; closure steps.

import Synchronization

/// An optimizer whose groups and options can be reached by name (every `GroupOptimizer`, and
/// `LBFGS` with its single group).
public protocol OptionsByName: Optimizer {
    /// The number of parameter groups.
    var groupCount: Int { get }
    /// Appends a group over `parameters` with the construction options, `options` merged in
    /// (PyTorch's `add_param_group`). Throws, changing nothing, for an unknown or invalid option
    /// or a parameter that is already in a group.
    func addParameterGroup(_ parameters: [Tensor], options: [String: Double]) throws
    /// The value of option `key` of group `group` (booleans as 0 or 1).
    func option(_ key: String, group: Int) throws -> Double
    /// Sets option `key` of group `group`, validated as at construction; throws, changing
    /// nothing, for an invalid value, or (`.invalidState`) for an option that decides which
    /// buffers the group keeps (amsgrad, centered, ...) once the group has taken a step.
    func setOption(_ key: String, _ value: Double, group: Int) throws
}

extension Optimizer {
    /// `self` as an `OptionsByName`, or a message naming `what` the caller wanted.
    func byName(_ what: String) throws -> any OptionsByName {
        guard let o = self as? any OptionsByName else {
            throw AxonError.invalid("\(what): this optimizer has no options by name")
        }
        return o
    }

    /// See `OptionsByName.addParameterGroup`.
    public func addParameterGroup(_ parameters: [Tensor], options: [String: Double]) throws {
        try byName("add_param_group").addParameterGroup(parameters, options: options)
    }

    /// See `OptionsByName.option`.
    public func option(_ key: String, group: Int) throws -> Double {
        try byName("option").option(key, group: group)
    }

    /// See `OptionsByName.setOption`.
    public func setOption(_ key: String, _ value: Double, group: Int) throws {
        try byName("set option").setOption(key, value, group: group)
    }
}

/// Checks a group index against `count`.
func checkGroup(_ group: Int, _ count: Int, _ name: String) throws {
    guard group >= 0, group < count else {
        throw AxonError.invalid("\(name): group \(group) is out of range: the optimizer has \(count) groups")
    }
}

extension GroupOptimizer: OptionsByName {
    public var groupCount: Int { groups.count }

    public func addParameterGroup(_ parameters: [Tensor], options: [String: Double]) throws {
        guard let defaults = defaultOptions else {
            throw AxonError(.invalidState, "\(Rule.name): no construction options to start a group from")
        }
        let group = ParameterGroup(parameters, try mergedOptions(Rule.self, defaults, options))
        let newStates = try Self.validated(groups + [group])
        groups.append(group)
        states.append(newStates[newStates.count - 1])
    }

    public func option(_ key: String, group: Int) throws -> Double {
        try checkGroup(group, groups.count, Rule.name)
        let record = Rule.record(groups[group].options)
        if key == "weight_decay" { return record["weight_decay_l2"] ?? record["weight_decay_decoupled"] ?? 0 }
        if let v = record[key] { return v }
        if ["weight_decay_l2", "weight_decay_decoupled"].contains(key) { return 0 }
        _ = try mergedOptions(Rule.self, groups[group].options, [key: 0])   // throws the unknown-key message
        throw AxonError.invalid("\(Rule.name): unknown option '\(key)'")
    }

    public func setOption(_ key: String, _ value: Double, group: Int) throws {
        try checkGroup(group, groups.count, Rule.name)
        let old = groups[group].options
        let new = try mergedOptions(Rule.self, old, [key: value])
        // The buffers a fresh state would have, before and after: an option that changes them
        // cannot change under existing state.
        let buffers = { (o: Options) in Set(Rule.record(Rule.makeState(count: 1, options: o)).arrays.keys) }
        if states[group].contains(where: { $0 != nil }) && buffers(old) != buffers(new) {
            throw AxonError(.invalidState, "\(Rule.name): option '\(key)' decides the state buffers and cannot "
                            + "change after group \(group) has taken a step")
        }
        groups[group].options = new
    }
}

/// The optimizers inside `step(evaluatingLoss:)`, each with whether its closure tried to step
/// it again (which fails both calls instead of recursing).
private let closureSteps = Mutex<[ObjectIdentifier: Bool]>([:])

extension Optimizer {
    /// One step driven by a closure that re-evaluates the loss and its gradients and returns the
    /// loss (PyTorch's `step(closure)`): L-BFGS calls it as often as its iterations need; every
    /// other optimizer calls it once (with gradient recording on), then steps. Returns the
    /// first loss. A NaN from the closure or a closure that steps this optimizer again fails
    /// with `.invalidState` (an `AxonError` the closure throws keeps its kind) and leaves the
    /// parameters as they were (L-BFGS also restores its state).
    @discardableResult
    public func step(evaluatingLoss closure: () throws -> Float) throws -> Float {
        let id = ObjectIdentifier(self)
        let entered = closureSteps.withLock { steps in
            if steps[id] != nil { steps[id] = true; return false }
            steps[id] = false
            return true
        }
        guard entered else { throw AxonError(.invalidState, "step: called again from inside its own closure") }
        defer { _ = closureSteps.withLock { $0.removeValue(forKey: id) } }
        func checked() throws -> Float {
            let value: Float
            do { value = try closure() } catch let error as AxonError { throw error } catch {
                throw AxonError(.invalidState, "step: the closure failed: \(error)")
            }
            guard closureSteps.withLock({ $0[id] }) != true else {
                throw AxonError(.invalidState, "step: the closure stepped this optimizer again")
            }
            guard !value.isNaN else { throw AxonError(.invalidState, "step: the closure returned NaN") }
            return value
        }
        if let lbfgs = self as? LBFGS { return try lbfgs.step(lossValue: { try checked() }) }
        let saved = parameters.map(\.scalars)
        let value = try GradMode.with(enabled: true) { try checked() }
        do { try step() } catch {
            for (p, values) in zip(parameters, saved) {
                p.withUnsafeMutableBufferPointer { w in for j in w.indices where j < values.count { w[j] = values[j] } }
            }
            throw error
        }
        return value
    }
}
