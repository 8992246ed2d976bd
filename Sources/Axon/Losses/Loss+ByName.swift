// Losses chosen by name and reduction: what the C and Python doors call.

/// The loss `name` ("mse", "l1", "smooth_l1", "huber", "bce", "bce_with_logits",
/// "cross_entropy", "nll", "kl_div") with a reduction ("mean", "sum", "none", "batchmean").
public func loss(named name: String, _ input: Tensor, _ target: Tensor, reduction: String = "mean") throws -> Tensor {
    let r: Reduction
    switch reduction.lowercased() {
    case "mean": r = .mean
    case "sum": r = .sum
    case "none": r = .none
    case "batchmean": r = .batchMean
    default: throw AxonError.invalid("unknown reduction '\(reduction)'; known: mean, sum, none, batchmean")
    }
    switch name.lowercased() {
    case "mse": return try mseLoss(input, target, reduction: r)
    case "l1": return try l1Loss(input, target, reduction: r)
    case "smooth_l1": return try smoothL1Loss(input, target, reduction: r)
    case "huber": return try huberLoss(input, target, reduction: r)
    case "bce": return try binaryCrossEntropy(input, target, reduction: r)
    case "bce_with_logits": return try binaryCrossEntropyWithLogits(input, target, reduction: r)
    case "cross_entropy": return try crossEntropy(input, target, reduction: r)
    case "nll": return try nllLoss(input, target, reduction: r)
    case "kl_div": return try klDivergence(input, target, reduction: r)
    default:
        throw AxonError.invalid("unknown loss '\(name)'; known: mse, l1, smooth_l1, huber, bce, bce_with_logits, "
                                + "cross_entropy, nll, kl_div")
    }
}
