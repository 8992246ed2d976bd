import Testing
@testable import Axon

/// Class weights, ignore_index, label smoothing, Huber delta and smooth-L1 beta, by name as the
/// doors call them.
///
/// The literal expected values were computed in float64 with numpy from PyTorch's definitions
/// (ATen's cross_entropy with label smoothing: log_softmax, then per sample
/// -(1 - eps) w[t] logp[t] - (eps / C) sum_c w_c logp_c, 0 for an ignored sample, "mean"
/// dividing by the sum of w[t] over the counted samples; probability targets:
/// -sum_c w_c y_c logp_c / N), for the logits, targets and weights below.
@Suite("Loss options")
struct LossOptionTests {
    static let logits: [Float] = [1.0, 2.0, 0.5, 0.1, -1.0, 2.0, 0.3, 0.3, -0.6]

    func inputs() throws -> (Tensor, Tensor, Tensor) {
        (try Tensor(Self.logits, shape: [3, 3], requiresGrad: true), try Tensor([1, 2, 0], shape: [3]),
         try Tensor([0.2, 1.0, 3.0], shape: [3]))
    }

    @Test func weightedIgnoredAndSmoothedCrossEntropy() throws {
        let (x, t, w) = try inputs()
        let weighted = try loss(named: "cross_entropy", x, t, weight: w)
        #expect(Swift.abs(try weighted.item() - 0.2822292171530318) < 1e-6)
        try weighted.backward()
        // w[t_n] (softmax(x_n) - onehot(t_n)) / sum w[t], from the same numpy computation.
        let grad: [Float] = [0.05505330895765454, -0.08844482875910416, 0.033391519801449644,
                             0.08907676773584863, 0.02965108020855406, -0.11872784794440261,
                             -0.02783194217362269, 0.01978710544542493, 0.008044836728197767]
        #expect(allClose(try #require(x.grad).scalars, grad, rtol: 1e-5, atol: 1e-6))
        let none = try loss(named: "cross_entropy", x, t, reduction: "none", weight: w)
        #expect(allClose(none.scalars, [0.4643687841079447, 0.5453534567673399, 0.17564047116744877]))
        let ignored = try loss(named: "cross_entropy", x, t, options: ["ignore_index": 2])
        #expect(Swift.abs(try ignored.item() - 0.6712855699725943) < 1e-6)
        let all = try loss(named: "cross_entropy", x, t, options: ["label_smoothing": 0.1, "ignore_index": 0],
                           weight: w)
        #expect(Swift.abs(try all.item() - 0.3171362019696694) < 1e-6)
        let probabilities = try Tensor([0.1, 0.6, 0.3, 0, 0.2, 0.8, 1, 0, 0], shape: [3, 3])
        #expect(Swift.abs(try loss(named: "cross_entropy", x, probabilities, weight: w).item()
                          - 1.1080402285144064) < 1e-6)
        // Every sample ignored: 0 / 0, NaN as in PyTorch.
        let allIgnored = try crossEntropy(x, try Tensor([1, 1, 1], shape: [3]), ignoreIndex: 1)
        #expect(try allIgnored.item().isNaN)
    }

    /// NLL of raw scores (closed form): ignore_index 1 drops sample 0, leaving
    /// -(w2 x[1, 2] + w0 x[2, 0]) = -(3 * 2 + 0.2 * 0.3) = -6.06, and the mean divides by 3.2.
    @Test func weightedNLL() throws {
        let (x, t, w) = try inputs()
        #expect(Swift.abs(try loss(named: "nll", x, t, reduction: "sum", options: ["ignore_index": 1], weight: w)
                    .item() + 6.06) < 1e-5)
        #expect(Swift.abs(try nllLoss(x, t, weight: w, ignoreIndex: 1).item() + 6.06 / 3.2) < 1e-6)
    }

    /// The new path (weights of 1, an ignore index no target uses) gives PyTorch's fixture
    /// values of the plain losses, value and gradient; the options by name give the fixture
    /// cases that have options.
    @Test(arguments: ["cross_entropy_indices", "cross_entropy_smoothing", "nll_mean", "smooth_l1_beta05_none",
                      "huber_delta2_sum", "cross_entropy_probs_smoothing"])
    func byNameMatchesTheFixtures(_ name: String) throws {
        let entry = try #require(LossReferenceTests.cases[name] as? [String: Any])
        let x = try Fixtures.tensor(entry["input"]), y = try Fixtures.tensor(entry["target"])
        x.requiresGrad = true
        let ones = try Tensor.ones([x.shape[1]])
        let l: Tensor
        switch name {
        case "cross_entropy_indices":
            l = try loss(named: "cross_entropy", x, y, options: ["ignore_index": -100], weight: ones)
        case "cross_entropy_smoothing":
            l = try loss(named: "cross_entropy", x, y, options: ["label_smoothing": 0.1, "ignore_index": -100],
                         weight: ones)
        case "cross_entropy_probs_smoothing":
            l = try loss(named: "cross_entropy", x, y, options: ["label_smoothing": 0.1], weight: ones)
        case "nll_mean": l = try loss(named: "nll", x, y, options: ["ignore_index": -100], weight: ones)
        case "smooth_l1_beta05_none": l = try loss(named: "smooth_l1", x, y, reduction: "none", options: ["beta": 0.5])
        default: l = try loss(named: "huber", x, y, reduction: "sum", options: ["delta": 2])
        }
        expectClose(l, try Fixtures.tensor(entry["output"]), "\(name) value", rtol: 1e-5, atol: 1e-6)
        let seed = entry["cotangent"] != nil ? try Fixtures.tensor(entry["cotangent"]) : try Tensor.ones(l.shape)
        try l.backward(seed)
        expectClose(try #require(x.grad), try Fixtures.tensor(entry["input_grad"]), "\(name) gradient",
                    rtol: 1e-5, atol: 1e-6)
    }

    @Test func invalidOptionsThrow() throws {
        let (x, t, w) = try inputs()
        func fails(_ name: String, _ options: [String: Double], weight: Tensor? = nil, target: Tensor? = nil) {
            #expect(throws: AxonError.self, "\(name) \(options)") {
                try loss(named: name, x, target ?? t, options: options, weight: weight)
            }
        }
        fails("cross_entropy", ["label_smoothing": 1.5])
        fails("cross_entropy", ["label_smoothing": .nan])
        fails("cross_entropy", ["delta": 1])
        fails("cross_entropy", ["ignore_index": 0.5])
        fails("nll", ["label_smoothing": 0.1])
        fails("huber", ["delta": 0], target: x)
        fails("huber", ["delta": -1], target: x)
        fails("smooth_l1", ["beta": -1], target: x)
        fails("mse", [:], weight: w, target: x)
        fails("cross_entropy", [:], weight: try Tensor([1, -1, 1], shape: [3]))
        fails("cross_entropy", [:], weight: try Tensor([1, .nan, 1], shape: [3]))
        fails("cross_entropy", [:], weight: try Tensor([1, 1], shape: [2]))
        fails("cross_entropy", ["ignore_index": 0], target: try Tensor(repeating: 1.0 / 3, shape: [3, 3]))
        fails("cross_entropy", [:], target: try Tensor([1, 5, 0], shape: [3]))
        // A target outside the classes is fine when it is the ignore index, and only then.
        #expect(try crossEntropy(x, try Tensor([1, -100, 0], shape: [3]), ignoreIndex: -100).item().isFinite)
    }
}
