// Loss functions with PyTorch's definitions and reductions (torch.nn.functional names in
// each doc comment). Targets never receive gradients here: they are data.

/// How a loss combines its per-element values.
public enum Reduction: Sendable {
    /// The average over elements.
    case mean
    /// The sum over elements.
    case sum
    /// No reduction: one value per element.
    case none
    /// The sum divided by the batch size (the first axis); KL divergence's proper mean.
    case batchMean

    func apply(_ losses: Tensor, loss name: String) throws -> Tensor {
        switch self {
        case .mean: return try losses.mean()
        case .sum: return try losses.sum()
        case .none: return losses
        case .batchMean:
            guard losses.rank >= 1, losses.shape[0] > 0 else {
                throw AxonError.shape("\(name): batchMean needs a batch axis, got shape \(losses.shape)")
            }
            return try losses.sum() / Float(losses.shape[0])
        }
    }
}

func checkSameShape(_ input: Tensor, _ target: Tensor, _ name: String) throws {
    guard input.shape == target.shape else {
        throw AxonError.shape("\(name): input of shape \(input.shape) and target of shape \(target.shape) differ")
    }
}

/// Mean squared error (x - y)^2 (`mse_loss`).
public func mseLoss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) throws -> Tensor {
    try checkSameShape(input, target, "mseLoss")
    return try reduction.apply((input - target.detached()).pow(2), loss: "mseLoss")
}

/// Mean absolute error |x - y| (`l1_loss`).
public func l1Loss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) throws -> Tensor {
    try checkSameShape(input, target, "l1Loss")
    return try reduction.apply((input - target.detached()).abs(), loss: "l1Loss")
}

/// 0.5 d^2 / beta where |d| < beta, |d| - 0.5 beta elsewhere (`smooth_l1_loss`).
public func smoothL1Loss(_ input: Tensor, _ target: Tensor, beta: Float = 1,
                         reduction: Reduction = .mean) throws -> Tensor {
    try checkSameShape(input, target, "smoothL1Loss")
    guard beta >= 0, beta.isFinite else { throw AxonError.invalid("smoothL1Loss: beta \(beta) must be >= 0") }
    let d = try input - target.detached()
    if beta == 0 { return try reduction.apply(d.abs(), loss: "smoothL1Loss") }
    let a = try d.abs()
    let losses = try Tensor.where(a.less(beta), d.pow(2) * (0.5 / beta), a - 0.5 * beta)
    return try reduction.apply(losses, loss: "smoothL1Loss")
}

/// 0.5 d^2 where |d| <= delta, delta (|d| - 0.5 delta) elsewhere (`huber_loss`).
public func huberLoss(_ input: Tensor, _ target: Tensor, delta: Float = 1,
                      reduction: Reduction = .mean) throws -> Tensor {
    try checkSameShape(input, target, "huberLoss")
    guard delta > 0, delta.isFinite else { throw AxonError.invalid("huberLoss: delta \(delta) must be > 0") }
    let d = try input - target.detached()
    let a = try d.abs()
    let losses = try Tensor.where(a.lessEqual(delta), d.pow(2) * 0.5, (a - 0.5 * delta) * delta)
    return try reduction.apply(losses, loss: "huberLoss")
}

/// Binary cross-entropy on probabilities: -(y log p + (1 - y) log(1 - p)), each log clamped
/// at -100 as PyTorch does (`binary_cross_entropy`).
public func binaryCrossEntropy(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) throws -> Tensor {
    try checkSameShape(input, target, "binaryCrossEntropy")
    let y = target.detached()
    let logP = try input.log().clamp(min: -100)
    let logQ = try (1 - input).log().clamp(min: -100)
    return try reduction.apply(-(y * logP + (1 - y) * logQ), loss: "binaryCrossEntropy")
}

/// Binary cross-entropy on logits, computed stably as softplus(x) - y x
/// (`binary_cross_entropy_with_logits`).
public func binaryCrossEntropyWithLogits(_ input: Tensor, _ target: Tensor,
                                         reduction: Reduction = .mean) throws -> Tensor {
    try checkSameShape(input, target, "binaryCrossEntropyWithLogits")
    return try reduction.apply(input.softplus() - input * target.detached(), loss: "binaryCrossEntropyWithLogits")
}

/// Negative log-likelihood of class indices: -weight[t_n] logProbs[n, t_n] (`nll_loss`).
/// logProbs is [N, C]; target holds N whole numbers in 0..<C, or `ignoreIndex` (PyTorch's
/// ignore_index: such samples contribute 0 and are left out of the mean). `weight` holds one
/// finite, non-negative weight per class ([C]); with weights, `.mean` divides by the sum of the
/// weights of the samples' classes, as PyTorch does.
public func nllLoss(_ logProbs: Tensor, _ target: Tensor, weight: Tensor? = nil, ignoreIndex: Int? = nil,
                    reduction: Reduction = .mean) throws -> Tensor {
    guard logProbs.rank == 2, target.shape == [logProbs.shape[0]] else {
        throw AxonError.shape(
            "nllLoss: expected input [N, C] and target [N], got \(logProbs.shape) and \(target.shape)")
    }
    guard weight != nil || ignoreIndex != nil else {
        try checkClassIndices(target, classes: logProbs.shape[1], ignoreIndex: nil, "nllLoss")
        let picked = try logProbs.gather(axis: 1, index: target.detached().reshape([-1, 1])).reshape([-1])
        return try reduction.apply(-picked, loss: "nllLoss")
    }
    let w = try ClassWeights(target, classes: logProbs.shape[1], weight: weight, ignoreIndex: ignoreIndex, "nllLoss")
    return try w.reduce(w.nll(logProbs), reduction, "nllLoss")
}

func checkClassIndices(_ target: Tensor, classes: Int, ignoreIndex: Int?, _ name: String) throws {
    for t in target.scalars where !(t >= 0 && t < Float(classes) && t == t.rounded()) {
        if let ignoreIndex, t == Float(ignoreIndex) { continue }
        throw AxonError.invalid("\(name): target \(t) is not a class index in 0..<\(classes)"
                                + (ignoreIndex.map { " nor the ignore index \($0)" } ?? ""))
    }
}

/// Per-sample class weights and the ignore mask of a class-index target, as constants.
struct ClassWeights {
    /// The target with ignored samples pointed at class 0 (their weight is 0), [N, 1].
    let index: Tensor
    /// 1 for a sample that counts, 0 for an ignored one, [N].
    let mask: Tensor
    /// weight[t_n] (1 without weights), 0 for ignored samples, [N]; and its sum.
    let sampleWeights: Tensor
    let totalWeight: Float
    /// The class weights as a row [1, C] (ones without weights).
    let row: Tensor

    init(_ target: Tensor, classes: Int, weight: Tensor?, ignoreIndex: Int?, _ name: String) throws {
        try checkClassIndices(target, classes: classes, ignoreIndex: ignoreIndex, name)
        var classWeights = [Float](repeating: 1, count: classes)
        if let weight {
            guard weight.shape == [classes] else {
                throw AxonError.shape(
                    "\(name): weight of shape \(weight.shape) is not one weight per class [\(classes)]")
            }
            classWeights = weight.scalars
            guard classWeights.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
                throw AxonError.invalid("\(name): class weights must be finite and >= 0, got \(classWeights)")
            }
        }
        var safe: [Float] = [], keep: [Float] = [], perSample: [Float] = []
        var total: Double = 0
        for t in target.scalars {
            let ignored = ignoreIndex.map { t == Float($0) } ?? false
            let c = ignored ? 0 : Int(t)
            safe.append(Float(c))
            keep.append(ignored ? 0 : 1)
            perSample.append(ignored ? 0 : classWeights[c])
            total += Double(perSample[perSample.count - 1])
        }
        let n = target.count
        index = try Tensor(safe, shape: [n, 1])
        mask = try Tensor(keep, shape: [n])
        sampleWeights = try Tensor(perSample, shape: [n])
        totalWeight = Float(total)
        row = try Tensor(classWeights, shape: [1, classes])
    }

    /// -weight[t_n] logP[n, t_n], 0 for ignored samples.
    func nll(_ logP: Tensor) throws -> Tensor {
        try -(logP.gather(axis: 1, index: index).reshape([-1]) * sampleWeights)
    }

    /// `.mean` divides by the total weight of the counted samples (NaN when there is none, as
    /// in PyTorch); the other reductions as usual.
    func reduce(_ losses: Tensor, _ reduction: Reduction, _ name: String) throws -> Tensor {
        guard case .mean = reduction else { return try reduction.apply(losses, loss: name) }
        return try losses.sum() / totalWeight
    }
}

/// Cross-entropy of logits [N, C] (`cross_entropy`), with either class indices [N] or class
/// probabilities [N, C] as target, and label smoothing epsilon: the target becomes
/// (1 - epsilon) target + epsilon / C (Szegedy et al., 2016). `weight` ([C], finite, >= 0)
/// rescales each class and `ignoreIndex` drops samples (class-index targets only), with
/// PyTorch's definitions: for class indices, -(1 - eps) w[t] logP[t] - (eps / C) sum_c w_c logP_c
/// per sample, `.mean` dividing by the sum of w[t] over the counted samples; for probabilities,
/// -sum_c w_c y_c logP_c per sample, `.mean` dividing by N.
public func crossEntropy(_ logits: Tensor, _ target: Tensor, labelSmoothing epsilon: Float = 0,
                         weight: Tensor? = nil, ignoreIndex: Int? = nil,
                         reduction: Reduction = .mean) throws -> Tensor {
    guard epsilon >= 0, epsilon <= 1 else {
        throw AxonError.invalid("crossEntropy: label smoothing \(epsilon) must be in [0, 1]")
    }
    guard logits.rank == 2 else { throw AxonError.shape("crossEntropy: expected logits [N, C], got \(logits.shape)") }
    let classes = Float(logits.shape[1])
    let logP = try logits.logSoftmax(axis: 1)
    if target.shape == logits.shape {
        guard ignoreIndex == nil else {
            throw AxonError.invalid("crossEntropy: ignore_index applies to class-index targets, not probabilities")
        }
        var smoothed = try target.detached() * (1 - epsilon) + epsilon / classes
        if let weight {
            guard weight.shape == [logits.shape[1]] else {
                throw AxonError.shape("crossEntropy: weight of shape \(weight.shape) is not one weight per class "
                                      + "[\(logits.shape[1])]")
            }
            guard weight.scalars.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
                throw AxonError.invalid("crossEntropy: class weights must be finite and >= 0")
            }
            smoothed = try smoothed * weight.detached().reshape([1, -1])
        }
        return try reduction.apply(-(smoothed * logP).sum(axes: [1]), loss: "crossEntropy")
    }
    guard target.shape == [logits.shape[0]] else {
        throw AxonError.shape("crossEntropy: target of shape \(target.shape) is neither class indices "
                              + "[\(logits.shape[0])] nor probabilities \(logits.shape)")
    }
    guard weight != nil || ignoreIndex != nil else {
        let nll = try nllLoss(logP, target, reduction: .none)
        guard epsilon > 0 else { return try reduction.apply(nll, loss: "crossEntropy") }
        let uniform = try -logP.mean(axes: [1])
        return try reduction.apply(nll * (1 - epsilon) + uniform * epsilon, loss: "crossEntropy")
    }
    let w = try ClassWeights(target, classes: logits.shape[1], weight: weight, ignoreIndex: ignoreIndex,
                             "crossEntropy")
    var losses = try w.nll(logP)
    if epsilon > 0 {
        let smooth = try -(logP * w.row).sum(axes: [1]) * w.mask
        losses = try losses * (1 - epsilon) + smooth * (epsilon / classes)
    }
    return try w.reduce(losses, reduction, "crossEntropy")
}

/// Kullback-Leibler divergence KL(target || exp(input)) with input as log-probabilities and
/// target as probabilities: target (log target - input), 0 where target is 0 (`kl_div`).
/// Use `.batchMean` for the mathematical KL per sample; `.mean` averages over every element.
public func klDivergence(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) throws -> Tensor {
    try checkSameShape(input, target, "klDivergence")
    let y = target.detached()
    let positive = try y.greater(0)
    let logY = try Tensor.where(positive, y, Tensor(1)).log()
    let losses = try Tensor.where(positive, y * (logY - input), Tensor(0))
    return try reduction.apply(losses, loss: "klDivergence")
}

/// The L1 penalty lambda sum |w| over `parameters` (add it to a loss for sparse weights;
/// weight decay is its L2 counterpart).
public func l1Penalty(_ parameters: [Tensor], lambda: Float) throws -> Tensor {
    guard lambda >= 0, lambda.isFinite else {
        throw AxonError.invalid("l1Penalty: lambda \(lambda) must be finite and >= 0")
    }
    var total = try Tensor(0)
    for p in parameters { total = try total + p.abs().sum() }
    return try total * lambda
}
