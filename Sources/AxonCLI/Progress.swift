import Axon

/// One epoch as the table, the plots and the checkpoint's history record it.
struct EpochRow: Equatable {
    var epoch: Int   // 1-based
    var trainLoss: Double
    var trainAccuracy: Double?
    var validationLoss: Double?
    var validationAccuracy: Double?
    var testAccuracy: Double?
    var learningRate: Double
    var gradientNorm: Double
    var seconds: Double

    /// Space-separated numbers ("-" for none), exact (Swift's shortest round-trip form).
    var encoded: String {
        let fields: [Double?] = [trainLoss, trainAccuracy, validationLoss, validationAccuracy, testAccuracy,
                                 learningRate, gradientNorm, seconds]
        return (["\(epoch)"] + fields.map { $0.map { "\($0)" } ?? "-" }).joined(separator: " ")
    }

    init(epoch: Int, trainLoss: Double, trainAccuracy: Double?, validationLoss: Double?, validationAccuracy: Double?,
         testAccuracy: Double?, learningRate: Double, gradientNorm: Double, seconds: Double) {
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.trainAccuracy = trainAccuracy
        self.validationLoss = validationLoss
        self.validationAccuracy = validationAccuracy
        self.testAccuracy = testAccuracy
        self.learningRate = learningRate
        self.gradientNorm = gradientNorm
        self.seconds = seconds
    }

    init?(encoded text: String) {
        let parts = text.split(separator: " ").map(String.init)
        guard parts.count == 9, let epoch = Int(parts[0]), epoch >= 1, epoch <= 1_000_000 else { return nil }
        let v = parts.dropFirst().map { $0 == "-" ? Double?.none : Double($0) }
        guard let trainLoss = v[0], let lr = v[5], let norm = v[6], let seconds = v[7] else { return nil }
        self.init(epoch: epoch, trainLoss: trainLoss, trainAccuracy: v[1], validationLoss: v[2],
                  validationAccuracy: v[3], testAccuracy: v[4], learningRate: lr, gradientNorm: norm, seconds: seconds)
    }

    static let header = "epoch  train loss  val loss  val acc        lr  grad norm     time"

    var tableLine: String {
        Fmt.right("\(epoch)", 5) + Fmt.right(Fmt.fixed(trainLoss, 4), 12) + Fmt.right(validationLoss.map {
            Fmt.fixed($0, 4)
        } ?? "-", 10) + Fmt.right(Fmt.percent(validationAccuracy), 9) + Fmt.right(Fmt.sci(learningRate, 2), 10)
            + Fmt.right(Fmt.general(gradientNorm, 4), 11) + Fmt.right(Fmt.duration(seconds), 9)
    }

    /// The line per epoch on stderr when it is not a terminal.
    func plainLine(of epochs: Int, samplesPerSecond: Double) -> String {
        var parts = ["epoch \(epoch)/\(epochs)", "train loss \(Fmt.fixed(trainLoss, 4))"]
        if let validationLoss { parts.append("val loss \(Fmt.fixed(validationLoss, 4))") }
        if let validationAccuracy { parts.append("val acc \(Fmt.percent(validationAccuracy))") }
        parts += ["lr \(Fmt.sci(learningRate))", Fmt.duration(seconds),
                  "\(Fmt.grouped(Int(min(samplesPerSecond, 1e12).rounded()))) samples/s"]
        return parts.joined(separator: ", ")
    }
}

/// Progress on stderr: on a terminal a bar redrawn in place with samples/s, ETA and the
/// running loss; otherwise one plain line per epoch.
final class ProgressReporter {
    let interactive: Bool
    let epochs: Int
    let samplesPerEpoch: Int
    let batchSize: Int
    private var epochClock = Stopwatch()
    private var lastDraw = -1.0
    private var lossSum = 0.0, lossCount = 0
    private var shown = false
    /// Seconds from the epoch's start to its last batch (without validation).
    private var trainSeconds = 0.0

    init(epochs: Int, samplesPerEpoch: Int, batchSize: Int, interactive: Bool = Terminal.stderrIsTerminal) {
        self.interactive = interactive
        self.epochs = epochs
        self.samplesPerEpoch = samplesPerEpoch
        self.batchSize = batchSize
    }

    func startEpoch() {
        epochClock = Stopwatch()
        lastDraw = -1
        lossSum = 0
        lossCount = 0
        trainSeconds = 0
    }

    func batch(epoch: Int, index: Int, count: Int, loss: Double) {
        lossSum += loss
        lossCount += 1
        let now = epochClock.seconds
        trainSeconds = now
        guard interactive else { return }
        guard now - lastDraw >= 0.1 || index == count - 1 else { return }
        lastDraw = now
        let done = min(samplesPerEpoch, (index + 1) * batchSize)
        let rate = now > 0 ? Double(done) / now : 0
        let eta = rate > 0 ? Double(samplesPerEpoch - done) / rate : .nan
        let counts = "\(Fmt.grouped(done))/\(Fmt.grouped(samplesPerEpoch)) "
            + "\(Fmt.grouped(Int(min(rate, 1e12)))) samples/s  ETA \(Fmt.duration(eta))  "
            + "loss \(Fmt.fixed(lossSum / Double(max(lossCount, 1)), 4))"
        let head = "epoch \(epoch + 1)/\(epochs) "
        let limit = Terminal.columns - 1
        // The bar takes what the terminal leaves (at most 30 columns), or disappears.
        let widest = 2 * Fmt.grouped(samplesPerEpoch).count + 48   // the counts at their widest
        let width = min(30, limit - head.count - widest - 3)
        var line = head
        if width >= 5 {
            let filled = count > 0 ? min(width, (index + 1) * width / count) : width
            line += "[" + String(repeating: "=", count: filled) + (filled < width ? ">" : "")
                + String(repeating: " ", count: max(0, width - filled - 1)) + "] "
        }
        line += counts
        if line.count > limit { line = String(line.prefix(limit)) }
        Terminal.standardError("\r" + line + "\u{1B}[K")
        shown = true
    }

    /// Clears the bar (before a table line or an error is printed).
    func clear() {
        guard shown else { return }
        Terminal.standardError("\r\u{1B}[K")
        shown = false
    }

    /// Ends an epoch: clears the bar, or writes the plain line.
    func endEpoch(_ row: EpochRow) {
        clear()
        guard !interactive else { return }
        Terminal.standardError(row.plainLine(of: epochs, samplesPerSecond: trainSeconds > 0
            ? Double(samplesPerEpoch) / trainSeconds : 0) + "\n")
    }
}
