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

/// Negative log-likelihood of class indices: -logProbs[n, target[n]] (`nll_loss`).
/// logProbs is [N, C]; target holds N whole numbers in 0..<C.
public func nllLoss(_ logProbs: Tensor, _ target: Tensor, reduction: Reduction = .mean) throws -> Tensor {
    guard logProbs.rank == 2, target.shape == [logProbs.shape[0]] else {
        throw AxonError.shape(
            "nllLoss: expected input [N, C] and target [N], got \(logProbs.shape) and \(target.shape)")
    }
    let classes = logProbs.shape[1]
    for t in target.scalars where !(t >= 0 && t < Float(classes) && t == t.rounded()) {
        throw AxonError.invalid("nllLoss: target \(t) is not a class index in 0..<\(classes)")
    }
    let picked = try logProbs.gather(axis: 1, index: target.detached().reshape([-1, 1])).reshape([-1])
    return try reduction.apply(-picked, loss: "nllLoss")
}

/// Cross-entropy of logits [N, C] (`cross_entropy`), with either class indices [N] or class
/// probabilities [N, C] as target, and label smoothing epsilon: the target becomes
/// (1 - epsilon) target + epsilon / C (Szegedy et al., 2016).
public func crossEntropy(_ logits: Tensor, _ target: Tensor, labelSmoothing epsilon: Float = 0,
                         reduction: Reduction = .mean) throws -> Tensor {
    guard epsilon >= 0, epsilon <= 1 else {
        throw AxonError.invalid("crossEntropy: label smoothing \(epsilon) must be in [0, 1]")
    }
    guard logits.rank == 2 else { throw AxonError.shape("crossEntropy: expected logits [N, C], got \(logits.shape)") }
    let classes = Float(logits.shape[1])
    let logP = try logits.logSoftmax(axis: 1)
    if target.shape == logits.shape {
        let smoothed = try target.detached() * (1 - epsilon) + epsilon / classes
        return try reduction.apply(-(smoothed * logP).sum(axes: [1]), loss: "crossEntropy")
    }
    guard target.shape == [logits.shape[0]] else {
        throw AxonError.shape("crossEntropy: target of shape \(target.shape) is neither class indices "
                              + "[\(logits.shape[0])] nor probabilities \(logits.shape)")
    }
    let nll = try nllLoss(logP, target, reduction: .none)
    guard epsilon > 0 else { return try reduction.apply(nll, loss: "crossEntropy") }
    let uniform = try -logP.mean(axes: [1])
    return try reduction.apply(nll * (1 - epsilon) + uniform * epsilon, loss: "crossEntropy")
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
