#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A learning-rate schedule as a closed form: the rate at step k (k = 0 before any step)
/// given the group's initial rate. Whether a step is an iteration or an epoch is up to the
/// caller, who calls `LRScheduler.step()` at that granularity.
public protocol Schedule: Sendable {
    func learningRate(base: Double, step k: Int) -> Double
}

/// lr0 gamma^floor(k / stepSize): the staircase (PyTorch's StepLR).
public struct StepLR: Schedule {
    public let stepSize: Int, gamma: Double
    public init(stepSize: Int, gamma: Double = 0.1) throws {
        guard stepSize > 0, gamma > 0, gamma.isFinite else {
            throw AxonError.invalid("StepLR: step size \(stepSize) and gamma \(gamma) must be positive")
        }
        self.stepSize = stepSize
        self.gamma = gamma
    }
    public func learningRate(base: Double, step k: Int) -> Double { base * pow(gamma, Double(k / stepSize)) }
}

/// lr0 gamma^(number of milestones <= k) (PyTorch's MultiStepLR).
public struct MultiStepLR: Schedule {
    public let milestones: [Int], gamma: Double
    public init(milestones: [Int], gamma: Double = 0.1) throws {
        guard gamma > 0, gamma.isFinite, milestones.allSatisfy({ $0 >= 0 }) else {
            throw AxonError.invalid("MultiStepLR: milestones \(milestones) must be >= 0 and gamma \(gamma) positive")
        }
        self.milestones = milestones.sorted()
        self.gamma = gamma
    }
    public func learningRate(base: Double, step k: Int) -> Double {
        base * pow(gamma, Double(milestones.filter { $0 <= k }.count))
    }
}

/// lr0 gamma^k (PyTorch's ExponentialLR).
public struct ExponentialLR: Schedule {
    public let gamma: Double
    public init(gamma: Double) throws {
        guard gamma > 0, gamma.isFinite else {
            throw AxonError.invalid("ExponentialLR: gamma \(gamma) must be positive")
        }
        self.gamma = gamma
    }
    public func learningRate(base: Double, step k: Int) -> Double { base * pow(gamma, Double(k)) }
}

/// Inverse-time (1/t) decay lr0 / (1 + beta k), the classic Robbins-Monro step size.
public struct InverseTimeLR: Schedule {
    public let beta: Double
    public init(beta: Double) throws {
        guard beta >= 0, beta.isFinite else { throw AxonError.invalid("InverseTimeLR: beta \(beta) must be >= 0") }
        self.beta = beta
    }
    public func learningRate(base: Double, step k: Int) -> Double { base * (1 / (1 + beta * Double(k))) }
}

/// lr0 (1 - min(k, T) / T)^power (PyTorch's PolynomialLR).
public struct PolynomialLR: Schedule {
    public let totalSteps: Int, power: Double
    public init(totalSteps: Int, power: Double = 1) throws {
        guard totalSteps > 0, power >= 0, power.isFinite else {
            throw AxonError.invalid("PolynomialLR: total steps \(totalSteps) must be positive and power \(power) >= 0")
        }
        self.totalSteps = totalSteps
        self.power = power
    }
    public func learningRate(base: Double, step k: Int) -> Double {
        base * pow(1 - Double(min(k, totalSteps)) / Double(totalSteps), power)
    }
}

/// eta_min + (lr0 - eta_min) (1 + cos(pi k / T)) / 2 (Loshchilov & Hutter, 2017, without
/// restarts; past T it rises again with period 2T, as PyTorch's CosineAnnealingLR does).
public struct CosineAnnealingLR: Schedule {
    public let period: Int, minimum: Double
    public init(period: Int, minimum: Double = 0) throws {
        guard period > 0, minimum >= 0, minimum.isFinite else {
            throw AxonError.invalid("CosineAnnealingLR: T \(period) must be positive and eta_min \(minimum) >= 0")
        }
        self.period = period
        self.minimum = minimum
    }
    public func learningRate(base: Double, step k: Int) -> Double {
        minimum + (base - minimum) * (1 + cos(Double.pi * Double(k) / Double(period))) / 2
    }
}

/// Linear warm-up: lr0 (start + (end - start) min(k, T) / T) (PyTorch's LinearLR).
public struct LinearLR: Schedule {
    public let startFactor: Double, endFactor: Double, totalSteps: Int
    public init(startFactor: Double = 1.0 / 3, endFactor: Double = 1, totalSteps: Int = 5) throws {
        guard startFactor > 0, startFactor <= 1, endFactor >= 0, endFactor <= 1, totalSteps > 0 else {
            throw AxonError.invalid("LinearLR: factors \(startFactor), \(endFactor) must be in (0, 1] and [0, 1], "
                                    + "total steps \(totalSteps) positive")
        }
        self.startFactor = startFactor
        self.endFactor = endFactor
        self.totalSteps = totalSteps
    }
    public func learningRate(base: Double, step k: Int) -> Double {
        base * (startFactor + (endFactor - startFactor) * Double(min(k, totalSteps)) / Double(totalSteps))
    }
}

/// One schedule after another: schedule i runs from milestone i-1 (restarting its own step
/// count at 0) (PyTorch's SequentialLR).
public struct SequentialSchedule: Schedule {
    public let schedules: [any Schedule], milestones: [Int]
    public init(_ schedules: [any Schedule], milestones: [Int]) throws {
        guard !schedules.isEmpty, milestones.count == schedules.count - 1, milestones == milestones.sorted(),
              milestones.allSatisfy({ $0 > 0 }) else {
            throw AxonError.invalid("SequentialSchedule: need n schedules and n - 1 increasing positive milestones, "
                                    + "got \(schedules.count) and \(milestones)")
        }
        self.schedules = schedules
        self.milestones = milestones
    }
    public func learningRate(base: Double, step k: Int) -> Double {
        let i = milestones.filter { $0 <= k }.count
        return schedules[i].learningRate(base: base, step: k - (i == 0 ? 0 : milestones[i - 1]))
    }
}

/// Schedules applied together: their factors multiply (PyTorch's ChainedScheduler of
/// multiplicative schedules).
public struct ChainedSchedule: Schedule {
    public let schedules: [any Schedule]
    public init(_ schedules: [any Schedule]) { self.schedules = schedules }
    public func learningRate(base: Double, step k: Int) -> Double {
        guard base != 0 else { return 0 }
        return schedules.reduce(base) { lr, s in lr * (s.learningRate(base: base, step: k) / base) }
    }
}

/// Drives an optimizer's learning rates with a schedule. Call `step()` once per iteration
/// or once per epoch; the rate before the first call is the schedule at k = 0.
public final class LRScheduler {
    public let optimizer: any Optimizer
    public let schedule: any Schedule
    /// The rates of the groups when the scheduler was made.
    public let baseLearningRates: [Double]
    public private(set) var stepCount = 0

    public init(_ optimizer: any Optimizer, schedule: any Schedule) {
        self.optimizer = optimizer
        self.schedule = schedule
        baseLearningRates = optimizer.learningRates
        optimizer.learningRates = baseLearningRates.map { schedule.learningRate(base: $0, step: 0) }
    }

    /// Advances one step and writes the new rates into the optimizer.
    public func step() {
        stepCount += 1
        optimizer.learningRates = baseLearningRates.map { schedule.learningRate(base: $0, step: stepCount) }
    }

    /// Restores a saved position (resuming training).
    public func restore(stepCount k: Int) {
        stepCount = max(0, k)
        optimizer.learningRates = baseLearningRates.map { schedule.learningRate(base: $0, step: stepCount) }
    }

    public var learningRates: [Double] { optimizer.learningRates }
}

/// Lowers the learning rate when a metric stops improving (PyTorch's ReduceLROnPlateau).
///
/// A step improves on the best value when (mode min, relative) metric < best (1 -
/// threshold), (min, absolute) metric < best - threshold, and symmetrically for max. After
/// more than `patience` steps without improvement every rate becomes max(lr factor,
/// minimum), then `cooldown` steps pass before bad steps are counted again.
public final class ReduceLROnPlateau {
    public enum Mode: Sendable { case min, max }
    public enum ThresholdMode: Sendable { case relative, absolute }

    public let optimizer: any Optimizer
    public let mode: Mode, factor: Double, patience: Int, threshold: Double
    public let thresholdMode: ThresholdMode, cooldown: Int, minimumLearningRates: [Double], eps: Double
    public private(set) var best: Double
    public private(set) var badSteps = 0
    public private(set) var cooldownCounter = 0

    public init(_ optimizer: any Optimizer, mode: Mode = .min, factor: Double = 0.1, patience: Int = 10,
                threshold: Double = 1e-4, thresholdMode: ThresholdMode = .relative, cooldown: Int = 0,
                minimumLearningRate: Double = 0, eps: Double = 1e-8) throws {
        guard factor > 0, factor < 1, patience >= 0, cooldown >= 0, threshold >= 0, threshold.isFinite,
              minimumLearningRate >= 0, eps >= 0 else {
            throw AxonError.invalid("ReduceLROnPlateau: factor \(factor) must be in (0, 1); "
                                    + "patience, cooldown, threshold, min lr and eps >= 0")
        }
        self.optimizer = optimizer
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.thresholdMode = thresholdMode
        self.cooldown = cooldown
        minimumLearningRates = Array(repeating: minimumLearningRate, count: optimizer.learningRates.count)
        self.eps = eps
        best = mode == .min ? .infinity : -.infinity
    }

    /// Restores the counters saved in a checkpoint.
    public func restore(best: Double, badSteps: Int, cooldownCounter: Int) {
        self.best = best
        self.badSteps = Swift.max(0, badSteps)
        self.cooldownCounter = Swift.max(0, cooldownCounter)
    }

    func isBetter(_ a: Double) -> Bool {
        switch (mode, thresholdMode) {
        case (.min, .relative): return a < best * (1 - threshold)
        case (.min, .absolute): return a < best - threshold
        case (.max, .relative): return a > best * (threshold + 1)
        case (.max, .absolute): return a > best + threshold
        }
    }

    /// Records the metric of one step (usually the validation loss of an epoch).
    public func step(metric: Double) throws {
        guard !metric.isNaN else { throw AxonError.invalid("ReduceLROnPlateau: the metric is NaN") }
        if isBetter(metric) {
            best = metric
            badSteps = 0
        } else {
            badSteps += 1
        }
        if cooldownCounter > 0 {
            cooldownCounter -= 1
            badSteps = 0                 // bad steps in cooldown are ignored
        }
        if badSteps > patience {
            optimizer.learningRates = zip(optimizer.learningRates, minimumLearningRates).map { old, floor in
                let new = Swift.max(old * factor, floor)
                return old - new > eps ? new : old
            }
            cooldownCounter = cooldown
            badSteps = 0
        }
    }
}

// MARK: - Checkpoint state

/// The step count (u64).
extension LRScheduler: CheckpointState {
    func write(to w: inout ByteWriter) { w.u64(UInt64(stepCount)) }

    func read(from r: inout ByteReader) throws {
        restore(stepCount: try r.count("scheduler steps", limit: 1 << 50))
    }
}

/// The best metric (f64), bad steps and cooldown counter (u64), and the learning rate of
/// each group of the optimizer (u32 count, f64 each), which the plateau has lowered.
extension ReduceLROnPlateau: CheckpointState {
    func write(to w: inout ByteWriter) {
        w.f64(best)
        w.u64(UInt64(badSteps))
        w.u64(UInt64(cooldownCounter))
        let rates = optimizer.learningRates
        w.u32(UInt32(rates.count))
        for rate in rates { w.f64(rate) }
    }

    func read(from r: inout ByteReader) throws {
        let best = try r.f64()
        let bad = try r.count("bad steps", limit: 1 << 50), cooldown = try r.count("cooldown", limit: 1 << 50)
        // The count is checked before the rates are read: a hostile one must not size an array.
        let n = Int(try r.u32())
        guard n == optimizer.learningRates.count else {
            throw AxonError(.format, "checkpoint: the plateau schedule has \(n) rates "
                            + "for \(optimizer.learningRates.count) groups")
        }
        let rates = try (0..<n).map { _ in try r.f64() }
        restore(best: best, badSteps: bad, cooldownCounter: cooldown)
        optimizer.learningRates = rates
    }
}
