// axon-bench: the Axon side of the side-by-side benchmark (Tests/Benchmarks/bench.py runs it beside
// Tests/Benchmarks/torch_bench.py, which has the same subcommands, shapes and hyperparameters).
// Every subcommand prints one JSON object per line; peak RSS is measured by the runner.
//
//   axon-bench info
//   axon-bench w1 --n N --threads T        sgemm n x n x n through Tensor.matmul, GFLOPS
//   axon-bench w2 --batch B --threads T    MLP 784-512-512-10 (BatchNorm1d, ReLU, Dropout 0.2), Adam, ms per step
//   axon-bench w3 --batch B --threads T    the same MLP in eval mode under no-grad, us per forward
//   axon-bench w4 --threads T              small CNN on [64, 1, 28, 28], Adam, ms per step
//   axon-bench w6 --threads T [--data DIR] FC 784-512-512-10 on MNIST, batch 4096, SGD, seconds per epoch
//   axon-bench w7 --threads T [--data DIR] digits MLP 64-128-128-10, Adam, 50 epochs, accuracy and seconds
import Axon

#if canImport(Glibc)
import Glibc
#endif

// MARK: - Arguments, clock, output

struct Arguments {
    let command: String
    private var options: [String: String] = [:]

    init(_ argv: [String]) throws {
        guard let first = argv.first else { throw BenchError("usage: axon-bench info|w1|w2|w3|w4|w6|w7 [options]") }
        command = first
        var i = 1
        while i < argv.count {
            guard argv[i].hasPrefix("--"), i + 1 < argv.count else { throw BenchError("bad argument \(argv[i])") }
            options[String(argv[i].dropFirst(2))] = argv[i + 1]
            i += 2
        }
    }

    func int(_ name: String, _ fallback: Int) throws -> Int {
        guard let text = options[name] else { return fallback }
        guard let value = Int(text) else { throw BenchError("--\(name) \(text) is not an integer") }
        return value
    }

    func string(_ name: String, _ fallback: String) -> String { options[name] ?? fallback }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Monotonic seconds.
func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

func median(_ values: [Double]) -> Double {
    let s = values.sorted()
    guard !s.isEmpty else { return .nan }
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// A JSON value: enough for flat objects of numbers, strings and string arrays.
enum JSON {
    case number(Double), int(Int), string(String), strings([String])

    var text: String {
        switch self {
        case .number(let x): return x.isFinite ? "\(x)" : "null"
        case .int(let n): return "\(n)"
        case .string(let s): return quoted(s)
        case .strings(let a): return "[" + a.map(quoted).joined(separator: ", ") + "]"
        }
    }

    private func quoted(_ s: String) -> String {
        "\"" + s.replacingAll("\\", "\\\\").replacingAll("\"", "\\\"") + "\""
    }
}

extension String {
    func replacingAll(_ a: Character, _ b: String) -> String {
        var out = ""
        for c in self { if c == a { out += b } else { out.append(c) } }
        return out
    }
}

func emit(_ fields: KeyValuePairs<String, JSON>) {
    print("{" + fields.map { "\"\($0.key)\": \($0.value.text)" }.joined(separator: ", ") + "}")
}

/// Times `body` repeatedly after `warmup` calls, until at least `minReps` calls and `minSeconds`
/// have passed; returns each call's seconds.
func timeEach(warmup: Int, minReps: Int, minSeconds: Double, _ body: () throws -> Void) rethrows -> [Double] {
    for _ in 0..<warmup { try body() }
    var times: [Double] = []
    let start = now()
    while times.count < minReps || now() - start < minSeconds {
        let t0 = now()
        try body()
        times.append(now() - t0)
    }
    return times
}

// MARK: - Models and data

/// The MLP of W2 and W3: 784-512-512-10, BatchNorm1d after each hidden Linear, ReLU, Dropout 0.2.
func mlp(_ sizes: [Int], batchNorm: Bool, dropout: Float, generator: inout PRNG) throws -> Sequential {
    var layers: [any Layer] = []
    for i in 0..<(sizes.count - 1) {
        layers.append(try Linear(sizes[i], sizes[i + 1], generator: &generator))
        guard i + 2 < sizes.count else { break }
        if batchNorm { layers.append(try BatchNorm1d(sizes[i + 1])) }
        layers.append(ReLU())
        if dropout > 0 { layers.append(try Dropout(p: dropout, seed: UInt64(i + 1))) }
    }
    return Sequential(layers)
}

/// The CNN of W4: conv(1->16) BN ReLU pool, conv(16->32) BN ReLU pool, flatten, linear(32*7*7 -> 10).
func cnn(generator: inout PRNG) throws -> Sequential {
    Sequential(
        try Conv2d(1, 16, kernel: 3, padding: 1, generator: &generator), try BatchNorm2d(16), ReLU(),
        MaxPool2d(kernel: 2),
        try Conv2d(16, 32, kernel: 3, padding: 1, generator: &generator), try BatchNorm2d(32), ReLU(),
        MaxPool2d(kernel: 2),
        Flatten(), try Linear(32 * 7 * 7, 10, generator: &generator))
}

/// Random class labels 0..<classes as floats (Axon's class-index targets).
func labels(_ n: Int, classes: Int, generator: inout PRNG) throws -> Tensor {
    try Tensor.randint(low: 0, high: classes, shape: [n], generator: &generator)
}

/// One training step: forward, cross-entropy, zero grad, backward, optimizer step. Returns the loss.
@discardableResult
func trainStep(_ model: any Layer, _ optimizer: any Optimizer, _ x: Tensor, _ y: Tensor) throws -> Float {
    let loss = try crossEntropy(model(x), y)
    optimizer.zeroGrad()
    try loss.backward()
    try optimizer.step()
    return try loss.item()
}

/// The MNIST training images as [60000, 784], normalized as axon-cli mnist does, and their labels.
func mnistTrain(_ dir: String) throws -> Dataset {
    let x = try IDX.load("\(dir)/train-images-idx3-ubyte.gz", scale: 1 / 255)
    let y = try IDX.load("\(dir)/train-labels-idx1-ubyte.gz")
    return try Dataset(features: ((x - 0.1307) / 0.3081).reshape([x.shape[0], -1]), targets: y)
}

/// scikit-learn's digits: the first 1437 rows train, the other 360 test, pixels / 16.
func digits(_ path: String) throws -> (train: Dataset, test: Dataset) {
    let (x, y) = try CSV.read(FileIO.readMaybeGzip(path), labelColumn: -1)
    let all = try Dataset(features: x / 16, targets: y)
    return (try all.subset(Array(0..<1437)), try all.subset(Array(1437..<all.count)))
}

// MARK: - Workloads

func info() {
    emit(["kernel_path": .string(CPU.kernelPath), "features": .strings(CPU.features),
          "threads": .int(Threading.threadCount)])
}

func w1(n: Int) throws {
    var g = PRNG(seed: 1)
    let a = try Tensor.normal([n, n], generator: &g), b = try Tensor.normal([n, n], generator: &g)
    for _ in 0..<2 { _ = try a.matmul(b) }
    var reps = 0
    let start = now()
    while reps < 2 || now() - start < 0.3 {
        _ = try a.matmul(b)
        reps += 1
    }
    let seconds = (now() - start) / Double(reps)
    emit(["workload": .string("w1"), "n": .int(n), "threads": .int(Threading.threadCount),
          "gflops": .number(2 * Double(n * n * n) / seconds / 1e9), "reps": .int(reps)])
}

func w2(batch: Int) throws {
    var g = PRNG(seed: 0)
    let model = try mlp([784, 512, 512, 10], batchNorm: true, dropout: 0.2, generator: &g)
    let optimizer = try Adam(model.parameters(), options: .init(learningRate: 1e-3))
    let x = try Tensor.normal([batch, 784], generator: &g), y = try labels(batch, classes: 10, generator: &g)
    var loss: Float = 0
    let times = try timeEach(warmup: 5, minReps: 20, minSeconds: 0.5) { loss = try trainStep(model, optimizer, x, y) }
    emit(["workload": .string("w2"), "batch": .int(batch), "threads": .int(Threading.threadCount),
          "ms_per_step": .number(1e3 * median(times)), "steps": .int(times.count), "loss": .number(Double(loss))])
}

func w3(batch: Int) throws {
    var g = PRNG(seed: 0)
    let model = try mlp([784, 512, 512, 10], batchNorm: true, dropout: 0.2, generator: &g)
    model.eval()
    let x = try Tensor.normal([batch, 784], generator: &g)
    let times = try withNoGrad {
        try timeEach(warmup: 20, minReps: 50, minSeconds: 0.5) { _ = try model(x) }
    }
    emit(["workload": .string("w3"), "batch": .int(batch), "threads": .int(Threading.threadCount),
          "us_per_forward": .number(1e6 * median(times)), "reps": .int(times.count)])
}

func w4() throws {
    var g = PRNG(seed: 0)
    let model = try cnn(generator: &g)
    let optimizer = try Adam(model.parameters(), options: .init(learningRate: 1e-3))
    let x = try Tensor.normal([64, 1, 28, 28], generator: &g), y = try labels(64, classes: 10, generator: &g)
    var loss: Float = 0
    let times = try timeEach(warmup: 3, minReps: 20, minSeconds: 0.5) { loss = try trainStep(model, optimizer, x, y) }
    emit(["workload": .string("w4"), "threads": .int(Threading.threadCount),
          "ms_per_step": .number(1e3 * median(times)), "steps": .int(times.count), "loss": .number(Double(loss))])
}

func w6(data: String) throws {
    let train = try mnistTrain(data)
    var g = PRNG(seed: 0)
    let model = try mlp([784, 512, 512, 10], batchNorm: false, dropout: 0, generator: &g)
    let optimizer = try SGD(model.parameters(), options: .init(learningRate: 0.01, momentum: 0.9))
    var loader = try DataLoader(train, batchSize: 4096, shuffle: true, seed: 1)
    // Warm-up: two steps on the first batches of a throw-away epoch.
    for indices in loader.nextEpochIndices().prefix(2) {
        let batch = try train.subset(indices)
        try trainStep(model, optimizer, batch.features, batch.targets)
    }
    let start = now()
    var total = 0.0, steps = 0
    for indices in loader.nextEpochIndices() {
        let batch = try train.subset(indices)
        total += Double(try trainStep(model, optimizer, batch.features, batch.targets))
        steps += 1
    }
    emit(["workload": .string("w6"), "threads": .int(Threading.threadCount),
          "seconds_per_epoch": .number(now() - start), "steps": .int(steps),
          "mean_loss": .number(total / Double(steps))])
}

func w7(path: String) throws {
    let (train, test) = try digits(path)
    var g = PRNG(seed: 0)
    let model = try mlp([64, 128, 128, 10], batchNorm: true, dropout: 0.2, generator: &g)
    let optimizer = try Adam(model.parameters(), options: .init(learningRate: 1e-3))
    var loader = try DataLoader(train, batchSize: 32, shuffle: true, seed: 1)
    let start = now()
    model.train()
    for _ in 0..<50 {
        for indices in loader.nextEpochIndices() {
            let batch = try train.subset(indices)
            try trainStep(model, optimizer, batch.features, batch.targets)
        }
    }
    model.eval()
    let accuracy = try withNoGrad {
        try model(test.features).argmax(axis: 1).equal(test.targets).mean().item()
    }
    emit(["workload": .string("w7"), "threads": .int(Threading.threadCount), "epochs": .int(50),
          "test_accuracy": .number(Double(accuracy)), "seconds": .number(now() - start)])
}

// MARK: - Main

do {
    let args = try Arguments(Array(CommandLine.arguments.dropFirst()))
    if let threads = Int(args.string("threads", "")) { Threading.threadCount = threads }
    let root = args.string("root", ".")
    switch args.command {
    case "info": info()
    case "w1": try w1(n: try args.int("n", 1024))
    case "w2": try w2(batch: try args.int("batch", 128))
    case "w3": try w3(batch: try args.int("batch", 1))
    case "w4": try w4()
    case "w6": try w6(data: args.string("data", "\(root)/Tests/Data/mnist"))
    case "w7": try w7(path: args.string("data", "\(root)/Tests/Data/sklearn_toy/digits.csv.gz"))
    default: throw BenchError("unknown subcommand \(args.command)")
    }
} catch {
    let message = "axon-bench: \(error)\n"
    _ = message.withCString { write(2, $0, strlen($0)) }
    exit(1)
}
