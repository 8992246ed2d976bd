// Losses chosen by name and reduction, with options as plain numbers: what the C and Python
// doors call.

/// The options each loss takes by name (PyTorch's keyword names); a class weight tensor is
/// taken by cross_entropy and nll only.
let lossOptionNames: [String: [String]] = [
    "mse": [], "l1": [], "smooth_l1": ["beta"], "huber": ["delta"], "bce": [], "bce_with_logits": [],
    "cross_entropy": ["label_smoothing", "ignore_index"], "nll": ["ignore_index"], "kl_div": [],
]

/// The loss `name` ("mse", "l1", "smooth_l1", "huber", "bce", "bce_with_logits",
/// "cross_entropy", "nll", "kl_div") with a reduction ("mean", "sum", "none", "batchmean"),
/// `options` by PyTorch's names (smooth_l1: beta; huber: delta; cross_entropy:
/// label_smoothing, ignore_index; nll: ignore_index) and per-class `weight` ([C], for
/// cross_entropy and nll). An unknown option, a non-finite value or one out of its domain
/// (negative beta, delta <= 0, label smoothing outside [0, 1], an ignore index that is not a
/// whole number) throws.
public func loss(named name: String, _ input: Tensor, _ target: Tensor, reduction: String = "mean",
                 options: [String: Double] = [:], weight: Tensor? = nil) throws -> Tensor {
    let r: Reduction
    switch reduction.lowercased() {
    case "mean": r = .mean
    case "sum": r = .sum
    case "none": r = .none
    case "batchmean": r = .batchMean
    default: throw AxonError.invalid("unknown reduction '\(reduction)'; known: mean, sum, none, batchmean")
    }
    let kind = name.lowercased()
    guard let known = lossOptionNames[kind] else {
        throw AxonError.invalid("unknown loss '\(name)'; known: mse, l1, smooth_l1, huber, bce, bce_with_logits, "
                                + "cross_entropy, nll, kl_div")
    }
    for (key, value) in options {
        guard known.contains(key) else {
            let list = known.isEmpty ? " (it takes none)" : "; known: \(known.joined(separator: ", "))"
            throw AxonError.invalid("loss \(kind): unknown option '\(key)'" + list)
        }
        guard value.isFinite else { throw AxonError.invalid("loss \(kind): option '\(key)' is not finite") }
    }
    guard weight == nil || kind == "cross_entropy" || kind == "nll" else {
        throw AxonError.invalid("loss \(kind): class weights apply to cross_entropy and nll only")
    }
    func float(_ key: String, _ fallback: Float) throws -> Float {
        guard let v = options[key] else { return fallback }
        guard Float(v).isFinite else { throw AxonError.invalid("loss \(kind): option '\(key)' \(v) is out of range") }
        return Float(v)
    }
    var ignoreIndex: Int?
    if let v = options["ignore_index"] {
        guard v == v.rounded(), Swift.abs(v) < 1e15 else {
            throw AxonError.invalid("loss \(kind): ignore_index \(v) is not a whole number")
        }
        ignoreIndex = Int(v)
    }
    switch kind {
    case "mse": return try mseLoss(input, target, reduction: r)
    case "l1": return try l1Loss(input, target, reduction: r)
    case "smooth_l1": return try smoothL1Loss(input, target, beta: float("beta", 1), reduction: r)
    case "huber": return try huberLoss(input, target, delta: float("delta", 1), reduction: r)
    case "bce": return try binaryCrossEntropy(input, target, reduction: r)
    case "bce_with_logits": return try binaryCrossEntropyWithLogits(input, target, reduction: r)
    case "cross_entropy":
        return try crossEntropy(input, target, labelSmoothing: float("label_smoothing", 0), weight: weight,
                                ignoreIndex: ignoreIndex, reduction: r)
    case "nll": return try nllLoss(input, target, weight: weight, ignoreIndex: ignoreIndex, reduction: r)
    default: return try klDivergence(input, target, reduction: r)
    }
}
