import Testing
@testable import Axon

/// Parameter groups and options by name, closure steps, plateau and composed schedules by name.
@Suite("Optimizer groups and options by name")
struct OptimizerOptionTests {
    /// Gives every parameter the gradient of sum(p^2 + p) at its current value, 2 p + 1.
    func gradients(_ ps: [Tensor]) throws {
        for p in ps {
            p.zeroGrad()
            try (p * p + p).sum().backward()
        }
    }

    /// A group added with its own options follows exactly the trajectory of a separate
    /// optimizer made with those options (groups are independent), for every kind.
    @Test(arguments: ["sgd", "adagrad", "rmsprop", "adadelta", "adam", "adamw", "adamax", "nadam"])
    func addedGroupMatchesASeparateOptimizer(_ kind: String) throws {
        let own: [String: Double] = kind == "sgd" ? ["lr": 0.05, "momentum": 0.9, "nesterov": 1]
            : ["lr": 0.05, "weight_decay": 0.1]
        let a = try Tensor([1, -2, 3], shape: [3], requiresGrad: true)
        let b = try Tensor([0.5, 1.5], shape: [2], requiresGrad: true)
        let bAlone = try Tensor([0.5, 1.5], shape: [2], requiresGrad: true)
        let grouped = try makeOptimizer(kind, parameters: [a], options: ["lr": 0.01])
        try grouped.addParameterGroup([b], options: own)
        let alone = try makeOptimizer(kind, parameters: [bAlone], options: own)
        for (key, value) in own { #expect(try grouped.option(key, group: 1) == value) }
        for _ in 0..<5 {
            try gradients([a, b, bAlone])
            try grouped.step()
            try alone.step()
        }
        #expect(b.scalars == bAlone.scalars)
        // Group 0 kept the construction options.
        #expect(try grouped.option("lr", group: 0) == 0.01)
    }

    @Test func setOptionValidatesAndRefusesStructuralChangesAfterAStep() throws {
        let p = try Tensor([1, 2], shape: [2], requiresGrad: true)
        let adam = try makeOptimizer("adam", parameters: [p], options: [:])
        try adam.setOption("amsgrad", 1, group: 0)
        #expect(try adam.option("amsgrad", group: 0) == 1)
        #expect(throws: AxonError.self) { try adam.setOption("amsgrad", 0.5, group: 0) }
        #expect(throws: AxonError.self) { try adam.setOption("beta1", 1, group: 0) }
        #expect(throws: AxonError.self) { try adam.setOption("momentum", 0.9, group: 0) }
        #expect(throws: AxonError.self) { try adam.setOption("lr", 0.1, group: 1) }
        try gradients([p])
        try adam.step()
        #expect(throws: AxonError(.invalidState, "Adam: option 'amsgrad' decides the state buffers and cannot "
                                  + "change after group 0 has taken a step")) {
            try adam.setOption("amsgrad", 0, group: 0)
        }
        #expect(try adam.option("amsgrad", group: 0) == 1)
        try adam.setOption("eps", 1e-6, group: 0)
        #expect(try adam.option("eps", group: 0) == 1e-6)
        #expect(try adam.option("weight_decay", group: 0) == 0)
        #expect(throws: AxonError.self) { try adam.addParameterGroup([p], options: [:]) }
        #expect(adam.learningRates.count == 1)
    }

    /// L-BFGS with strong Wolfe through the closure that returns a number, as the C door calls
    /// it: reaches (1, 1) on Rosenbrock (fixture "lbfgs_wolfe"'s options); a NaN puts
    /// everything back; re-entry fails.
    @Test func lbfgsByNameWithANumberClosure() throws {
        let xy = try Tensor([-1.5, 2.0], shape: [2], requiresGrad: true)
        let opt = try makeOptimizer("lbfgs", parameters: [xy], options: [
            "lr": 1, "max_iter": 5, "max_eval": 6, "history_size": 4, "strong_wolfe": 1])
        var calls = 0, failAt = 0
        func rosenbrock() throws -> Float {
            calls += 1
            if calls == failAt { return .nan }
            xy.zeroGrad()
            let x = try xy.slice(axis: 0, start: 0, end: 1), y = try xy.slice(axis: 0, start: 1, end: 2)
            let f = try ((1 - x).pow(2) + 100 * (y - x.pow(2)).pow(2)).sum()
            try f.backward()
            return try f.item()
        }
        failAt = 3
        #expect(throws: AxonError(.invalidState, "step: the closure returned NaN")) {
            try opt.step(evaluatingLoss: rosenbrock)
        }
        #expect(xy.scalars == [-1.5, 2.0] && opt.stepCount == 0)
        failAt = 0
        #expect(try opt.step(evaluatingLoss: rosenbrock) == 12.5)
        for _ in 0..<9 { try opt.step(evaluatingLoss: rosenbrock) }
        #expect(allClose(xy.scalars, [1, 1], rtol: 0, atol: 1e-3), "\(xy.scalars)")
        #expect(throws: AxonError.self) { try opt.step(evaluatingLoss: { try opt.step(evaluatingLoss: rosenbrock) }) }
        #expect(throws: AxonError.self) { try opt.setOption("strong_wolfe", 2, group: 0) }
        #expect(throws: AxonError.self) { try opt.addParameterGroup([], options: [:]) }
        #expect(throws: AxonError.self) {
            try makeOptimizer("lbfgs", parameters: [xy], options: ["max_iter": 2.5])
        }
    }

    /// ReduceLROnPlateau by name against the fixture's 100 rates ("plateau_min", "plateau_max_abs").
    @Test(arguments: ["plateau_min", "plateau_max_abs"])
    func plateauByName(_ name: String) throws {
        let entry = try #require(ScheduleReferenceTests.schedules[name] as? [String: Any])
        let o = entry["options"] as? [String: Any] ?? [:]
        var options: [String: Double] = ["mode": (o["mode"] as? String) == "max" ? 1 : 0,
                                         "threshold_mode": (o["threshold_mode"] as? String) == "abs" ? 1 : 0]
        for key in ["factor", "patience", "threshold", "cooldown", "min_lr", "eps"] where o[key] != nil {
            options[key] = OptimizerReferenceTests.double(o, key, 0)
        }
        let optimizer = try SGD([try Tensor.zeros([1], requiresGrad: true)], options: .init(learningRate: 0.1))
        let plateau = try makePlateau(optimizer, options: options)
        let expected = entry["lrs"] as? [Double] ?? []
        for (k, metric) in (entry["metrics"] as? [Double] ?? []).enumerated() {
            try plateau.step(metric: metric)
            #expect(Swift.abs(optimizer.learningRates[0] - expected[k + 1]) <= 1e-12 + 1e-9 * expected[k + 1])
        }
        #expect(throws: AxonError.self) { try makePlateau(optimizer, options: ["mode": 2]) }
        #expect(throws: AxonError.self) { try makePlateau(optimizer, options: ["patience": 1.5]) }
        #expect(throws: AxonError.self) { try makePlateau(optimizer, options: ["verbose": 1]) }
        #expect(throws: AxonError.self) { try makePlateau(optimizer, options: ["factor": .nan]) }
    }

    /// Sequential and chained compositions by name against the fixture ("warmup_then_cosine",
    /// "chained").
    @Test(arguments: ["warmup_then_cosine", "chained"])
    func composedSchedulesByName(_ name: String) throws {
        let entry = try #require(ScheduleReferenceTests.schedules[name] as? [String: Any])
        let schedule = name == "chained"
            ? try makeSchedule(composing: "chained", kinds: ["exponential", "step"],
                               options: [["gamma": 0.98], ["step_size": 25, "gamma": 0.5]], milestones: [])
            : try makeSchedule(composing: "sequential", kinds: ["linear", "cosine"],
                               options: [["start_factor": 0.01, "end_factor": 1, "total": 10], ["period": 90]],
                               milestones: [10])
        let expected = entry["lrs"] as? [Double] ?? []
        #expect(expected.count == 101)
        for (k, e) in expected.enumerated() {
            #expect(Swift.abs(schedule.learningRate(base: 0.1, step: k) - e) <= 1e-12 + 1e-9 * Swift.abs(e))
        }
        #expect(throws: AxonError.self) {
            try makeSchedule(composing: "sequential", kinds: ["step"], options: [["step_size": 2]], milestones: [3])
        }
        #expect(throws: AxonError.self) { try makeSchedule("step", options: ["step_size": 2, "size": 3]) }
        #expect(throws: AxonError.self) { try makeSchedule("exponential", options: ["gamma": .infinity]) }
    }
}
