import Testing
@testable import Axon

/// The layer of each fixture case (Fixtures/generate_layers.py builds the same in PyTorch).
func makeLayer(_ name: String) throws -> any Layer {
    var g = PRNG(seed: 0)   // parameters are overwritten from the fixture
    switch name {
    case "linear": return try Linear(5, 3, generator: &g)
    case "linear_nobias_batched": return try Linear(5, 3, bias: false, generator: &g)
    case "conv2d": return try Conv2d(3, 4, kernel: 3, generator: &g)
    case "conv2d_full":
        return try Conv2d(4, 6, kernel: (3, 2), stride: (2, 2), padding: (1, 1), dilation: (2, 1), groups: 2,
                          generator: &g)
    case "maxpool2d": return MaxPool2d(kernel: 2)
    case "maxpool2d_s1p1": return MaxPool2d(kernel: 3, stride: 1, padding: 1)
    case "avgpool2d": return AvgPool2d(kernel: 2)
    case "avgpool2d_s2p1": return AvgPool2d(kernel: 3, stride: 2, padding: 1)
    case "relu": return ReLU()
    case "leaky_relu": return LeakyReLU()
    case "elu": return ELU()
    case "gelu": return GELU()
    case "sigmoid": return Sigmoid()
    case "tanh": return Tanh()
    case "softmax": return Softmax(axis: 1)
    case "log_softmax": return LogSoftmax(axis: 1)
    case "softplus": return Softplus()
    case "identity": return Identity()
    case "maxout": return try Maxout(pieces: 3)
    case "flatten": return Flatten()
    case "unflatten": return try Unflatten(axis: 1, shape: [2, 3])
    case "unflatten_neg": return try Unflatten(axis: -1, shape: [-1, 2])
    case "adaptive_avgpool2d": return try AdaptiveAvgPool2d(outputSize: 1)
    case "adaptive_avgpool2d_uneven": return try AdaptiveAvgPool2d(outputSize: (3, 2))
    case "adaptive_avgpool2d_larger": return try AdaptiveAvgPool2d(outputSize: (4, 3))
    case "sequential": return Sequential(try Linear(6, 8, generator: &g), ReLU(), try Linear(8, 3, generator: &g))
    case "residual": return Residual(Sequential(try Linear(6, 6, generator: &g), Tanh()))
    case "batchnorm1d_nc", "batchnorm1d_eval", "batchnorm1d_3steps": return try BatchNorm1d(4)
    case "batchnorm1d_ncl": return try BatchNorm1d(3)
    case "batchnorm1d_ncl_3steps": return try BatchNorm1d(3, momentum: 0.2)
    case "batchnorm2d", "batchnorm2d_eval", "batchnorm2d_3steps": return try BatchNorm2d(3)
    case "batchnorm1d_no_track": return try BatchNorm1d(4, trackRunningStats: false)
    case "batchnorm1d_no_affine": return try BatchNorm1d(4, momentum: 0.3, affine: false)
    case "layernorm": return try LayerNorm([5])
    case "layernorm_2d": return try LayerNorm([4, 5])
    case "groupnorm": return try GroupNorm(2, 6)
    case "instancenorm2d": return try InstanceNorm2d(3)
    case "instancenorm2d_affine_track", "instancenorm2d_track_eval", "instancenorm2d_3steps":
        return try InstanceNorm2d(3, affine: true, trackRunningStats: true)
    case "weightnorm_linear": return try WeightNorm(Linear(5, 3, generator: &g))
    case "weightnorm_conv2d": return try WeightNorm(Conv2d(3, 4, kernel: 3, generator: &g))
    default: throw AxonError.invalid("no layer for fixture case \(name)")
    }
}

/// Loads the fixture's state into `layer`, checking that names and their order agree.
func load(_ state: Any?, keys: Any?, into layer: any Layer) throws {
    let keys = keys as? [String] ?? []
    let dict = state as? [String: Any] ?? [:]
    #expect(layer.stateDict().map(\.name) == keys, "state_dict names or order differ")
    try layer.loadStateDict(keys.map { ($0, try Fixtures.tensor(dict[$0])) })
}

func expectClose(_ actual: Tensor, _ expected: Tensor, _ what: String, rtol: Float = 1e-4, atol: Float = 1e-5) {
    #expect(actual.shape == expected.shape, "\(what): shape \(actual.shape) vs \(expected.shape)")
    #expect(allClose(actual.scalars, expected.scalars, rtol: rtol, atol: atol),
            "\(what): max difference \(actual.maxDifference(expected))")
}

@Suite("Layers against PyTorch")
struct LayerReferenceTests {
    nonisolated(unsafe) static let fixture = (try? Fixtures.load("layers.json")) ?? [:]
    static var cases: [String: Any] { fixture["cases"] as? [String: Any] ?? [:] }
    static var sequences: [String: Any] { fixture["sequences"] as? [String: Any] ?? [:] }

    @Test func fixturesArePresent() {
        #expect(Self.cases.count == 42 && Self.sequences.count == 4)
    }

    @Test(arguments: Array(cases.keys).sorted())
    func forwardAndBackward(_ name: String) throws {
        let entry = try #require(Self.cases[name] as? [String: Any])
        let layer = try makeLayer(name)
        try load(entry["state"], keys: entry["state_keys"], into: layer)
        layer.train(entry["train"] as? Bool ?? true)
        let x = try Fixtures.tensor(entry["input"])
        x.requiresGrad = true
        let y = try layer(x)
        // Elementwise layers to 1e-5 relative; conv, pooling and normalizations (reductions) to 1e-4.
        let elementwise = ["relu", "leaky_relu", "elu", "gelu", "sigmoid", "tanh", "softplus", "identity", "maxout",
                           "flatten", "unflatten", "unflatten_neg"].contains(name)
        let rtol: Float = elementwise ? 1e-5 : 1e-4
        expectClose(y, try Fixtures.tensor(entry["output"]), "\(name) output", rtol: rtol)
        try (y * Fixtures.tensor(entry["cotangent"])).sum().backward()
        expectClose(try #require(x.grad), try Fixtures.tensor(entry["input_grad"]), "\(name) input grad", rtol: rtol)
        let grads = entry["param_grads"] as? [String: Any] ?? [:]
        #expect(Set(grads.keys) == Set(layer.namedParameters().map(\.name)))
        for (pname, p) in layer.namedParameters() {
            expectClose(try #require(p.grad, "\(pname) has no grad"), try Fixtures.tensor(grads[pname]),
                        "\(name) \(pname) grad", rtol: rtol)
        }
        let after = entry["state_after"] as? [String: Any] ?? [:]
        for (sname, t) in layer.stateDict() {
            expectClose(t, try Fixtures.tensor(after[sname]), "\(name) \(sname) after the forward")
        }
    }

    /// BatchNorm and InstanceNorm: three training steps (running statistics and
    /// num_batches_tracked), then evaluation with the running statistics.
    @Test(arguments: Array(sequences.keys).sorted())
    func threeTrainingStepsThenEval(_ name: String) throws {
        let entry = try #require(Self.sequences[name] as? [String: Any])
        let layer = try makeLayer(name)
        try load(entry["state"], keys: entry["state_keys"], into: layer)
        layer.train()
        let steps = try (entry["steps"] as? [Any] ?? []).map(Fixtures.tensor)
        let outputs = try (entry["outputs"] as? [Any] ?? []).map(Fixtures.tensor)
        #expect(steps.count == 3)
        for (x, expected) in zip(steps, outputs) {
            expectClose(try layer(x), expected, "\(name) training output")
        }
        let after = entry["state_after"] as? [String: Any] ?? [:]
        for (sname, t) in layer.stateDict() {
            expectClose(t, try Fixtures.tensor(after[sname]), "\(name) \(sname) after three steps")
        }
        layer.eval()
        expectClose(try layer(Fixtures.tensor(entry["eval_input"])), try Fixtures.tensor(entry["eval_output"]),
                    "\(name) eval output")
    }
}

@Suite("Losses against PyTorch")
struct LossReferenceTests {
    nonisolated(unsafe) static let cases = (try? Fixtures.load("losses.json"))?["cases"] as? [String: Any] ?? [:]

    static func loss(_ name: String, _ x: Tensor, _ y: Tensor) throws -> Tensor {
        switch name {
        case "mse_mean": return try mseLoss(x, y)
        case "mse_sum": return try mseLoss(x, y, reduction: .sum)
        case "mse_none": return try mseLoss(x, y, reduction: .none)
        case "l1_mean": return try l1Loss(x, y)
        case "l1_sum": return try l1Loss(x, y, reduction: .sum)
        case "l1_none": return try l1Loss(x, y, reduction: .none)
        case "smooth_l1_mean": return try smoothL1Loss(x, y)
        case "smooth_l1_beta05_none": return try smoothL1Loss(x, y, beta: 0.5, reduction: .none)
        case "huber_mean": return try huberLoss(x, y)
        case "huber_delta2_sum": return try huberLoss(x, y, delta: 2, reduction: .sum)
        case "bce_mean": return try binaryCrossEntropy(x, y)
        case "bce_sum": return try binaryCrossEntropy(x, y, reduction: .sum)
        case "bce_none": return try binaryCrossEntropy(x, y, reduction: .none)
        case "bce_logits_mean": return try binaryCrossEntropyWithLogits(x, y)
        case "bce_logits_none": return try binaryCrossEntropyWithLogits(x, y, reduction: .none)
        case "cross_entropy_indices": return try crossEntropy(x, y)
        case "cross_entropy_indices_sum": return try crossEntropy(x, y, reduction: .sum)
        case "cross_entropy_indices_none": return try crossEntropy(x, y, reduction: .none)
        case "cross_entropy_smoothing": return try crossEntropy(x, y, labelSmoothing: 0.1)
        case "cross_entropy_probs": return try crossEntropy(x, y)
        case "cross_entropy_probs_smoothing": return try crossEntropy(x, y, labelSmoothing: 0.1)
        case "nll_mean": return try nllLoss(x, y)
        case "nll_sum": return try nllLoss(x, y, reduction: .sum)
        case "kl_div_batchmean": return try klDivergence(x, y, reduction: .batchMean)
        case "kl_div_sum": return try klDivergence(x, y, reduction: .sum)
        case "kl_div_mean": return try klDivergence(x, y)
        case "kl_div_none": return try klDivergence(x, y, reduction: .none)
        default: throw AxonError.invalid("no loss for fixture case \(name)")
        }
    }

    @Test func fixturesArePresent() { #expect(Self.cases.count == 27) }

    @Test(arguments: Array(cases.keys).sorted())
    func valueAndGradient(_ name: String) throws {
        let entry = try #require(Self.cases[name] as? [String: Any])
        let x = try Fixtures.tensor(entry["input"]), y = try Fixtures.tensor(entry["target"])
        x.requiresGrad = true
        let l = try Self.loss(name, x, y)
        expectClose(l, try Fixtures.tensor(entry["output"]), "\(name) value", rtol: 1e-5, atol: 1e-6)
        let seed = entry["cotangent"] != nil ? try Fixtures.tensor(entry["cotangent"]) : try Tensor.ones(l.shape)
        try l.backward(seed)
        expectClose(try #require(x.grad), try Fixtures.tensor(entry["input_grad"]), "\(name) gradient",
                    rtol: 1e-5, atol: 1e-6)
    }
}
