import Axon
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// `axon-cli mnist`: an end-to-end training run. 784-256-256-10 with
/// BatchNorm1d, ReLU and Dropout 0.2, Adam (lr 1e-3), batch 128, StepLR, gradient-norm
/// clipping at 5, three epochs, then the test accuracy in eval mode.
enum MNISTExample {
    static let defaultModel = """
        linear 784 256; batchnorm1d 256; relu; dropout 0.2
        linear 256 256; batchnorm1d 256; relu; dropout 0.2
        linear 256 10
        """

    static func run(_ args: [String]) throws {
        let dir = try CLI.string("--data", in: args, default: "Tests/Data/mnist")
        let epochs = Int(try CLI.option("--epochs", in: args, default: 3))
        let seed = UInt64(try CLI.option("--seed", in: args, default: 0))
        if let threads = args.firstIndex(of: "--threads").flatMap({ Int(args[safe: $0 + 1] ?? "") }) {
            Threading.threadCount = threads
        }
        let start = DispatchTime.now()
        let train = try load(dir: dir, train: true)
        let test = try load(dir: dir, train: false)
        let loaded = seconds(since: start)
        print("MNIST: \(train.count) training and \(test.count) test images loaded in \(format(loaded)) s; "
              + "\(Threading.threadCount) threads")

        var rng = PRNG(seed: seed)
        let spec = try LayerSpec.parse(try CLI.string("--model", in: args, default: defaultModel))
        let model = try spec.build(generator: &rng)
        model.reseed(seed &+ 1)
        let optimizer = try Adam(model.parameters(), options: .init(learningRate: 1e-3))
        let trainer = Trainer(model: model, optimizer: optimizer, loss: { try crossEntropy($0, $1) })
        trainer.scheduler = LRScheduler(optimizer, schedule: try StepLR(stepSize: 2, gamma: 0.1))
        trainer.clipNorm = 5
        var loader = try DataLoader(train, batchSize: 128, shuffle: true, seed: seed &+ 2)
        print("model: \(spec)")
        print("\(model.parameterCount) parameters; Adam lr 1e-3, StepLR(2, 0.1), batch 128, clip 5")
        print("epoch  train loss  train acc  test loss  test acc      lr   seconds")
        let trainStart = DispatchTime.now()
        var epochStart = trainStart
        let history = try trainer.fit(&loader, validation: test, epochs: epochs) { event in
            if case let .batch(_, index, count, loss) = event, index % 20 == 0 || index == count - 1 {
                let width = 30, done = (index + 1) * width / count
                progressLine("[\(String(repeating: "#", count: done))\(String(repeating: ".", count: width - done))] "
                             + "batch \(index + 1)/\(count)  loss \(format(loss, 4))")
            }
            if case .epoch(let r) = event {
                progressLine("")
                print("\(pad(r.epoch + 1, 5))  \(pad(format(r.trainLoss, 4), 10))  "
                      + "\(pad(format(100 * (r.trainAccuracy ?? 0), 2), 9))  "
                      + "\(pad(format(r.validationLoss ?? .nan, 4), 9))  "
                      + "\(pad(format(100 * (r.validationAccuracy ?? 0), 2), 8))  "
                      + "\(pad(format(r.learningRate, 5), 6))  \(pad(format(seconds(since: epochStart), 1), 8))")
                epochStart = DispatchTime.now()
            }
        }
        let trainSeconds = seconds(since: trainStart)
        let accuracy = history.epochs.last?.validationAccuracy ?? 0
        if let path = args.firstIndex(of: "--plot").flatMap({ args[safe: $0 + 1] }) {
            try AxonFile.writeAtomically(Array(CurvePlot.svg(history).utf8), to: path)
            print("training curves written to \(path)")
        }
        if let path = args.firstIndex(of: "--save").flatMap({ args[safe: $0 + 1] }) {
            model.eval()
            try ModelFile.save(model, to: path, metadata: [("dataset", "mnist"), ("test_accuracy", "\(accuracy)"),
                                                        ("epochs", "\(history.epochs.count)")])
            print("saved \(path)")
        }
        print("test accuracy \(format(100 * accuracy, 2))% after \(history.epochs.count) epochs; "
              + "training \(format(trainSeconds, 1)) s, total \(format(seconds(since: start), 1)) s")
    }

    /// The MNIST training or test set from `dir`, pixels normalized with the training-set
    /// mean and standard deviation (0.1307, 0.3081) and flattened to 784 features.
    static func load(dir: String, train: Bool) throws -> Dataset {
        let prefix = train ? "train" : "t10k"
        let x = try IDX.read(FileIO.readMaybeGzip("\(dir)/\(prefix)-images-idx3-ubyte.gz"), scale: 1 / 255)
        let y = try IDX.read(FileIO.readMaybeGzip("\(dir)/\(prefix)-labels-idx1-ubyte.gz"))
        let flat = try ((x - 0.1307) / 0.3081).reshape([x.shape[0], -1])
        return try Dataset(features: flat, targets: y)
    }

    static func seconds(since t: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - t.uptimeNanoseconds) / 1e9
    }

    /// Rewrites the current terminal line (the progress bar), without a newline.
    static func progressLine(_ text: String) {
        let line = "\r" + text + String(repeating: " ", count: Swift.max(0, 70 - text.count))
            + (text.isEmpty ? "\r" : "")
        _ = line.withCString { write(1, $0, strlen($0)) }
    }

    static func format(_ x: Double, _ digits: Int = 2) -> String {
        guard x.isFinite else { return "\(x)" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let r = (abs(x) * scale).rounded()
        let whole = Int(r / scale), frac = Int(r.truncatingRemainder(dividingBy: scale))
        let fracText = String(frac)
        let padded = digits > 0 ? "." + String(repeating: "0", count: max(0, digits - fracText.count)) + fracText : ""
        return (x < 0 ? "-" : "") + "\(whole)" + padded
    }

    static func pad(_ s: Any, _ width: Int) -> String {
        let text = "\(s)"
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
