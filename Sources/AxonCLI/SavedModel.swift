import Axon

/// `axon-cli summary | evaluate | predict FILE`: what a saved `.axon` model is and does.
enum SavedModel {
    /// Layers, output shapes and parameter counts, from a forward pass of zeros in eval mode.
    static func summary(_ args: [String]) throws {
        let path = try CLI.positional(args, "summary needs a model file")
        let loaded = try ModelFile.load(path)
        let model = loaded.model
        let shape = try CLI.string("--input", in: args, default: "1x784").split(separator: "x").map { part -> Int in
            guard let n = Int(part), n > 0, n < 1 << 20 else {
                throw AxonError(.invalidArgument, "--input needs sizes like 1x784")
            }
            return n
        }
        model.eval()
        let layers = (model as? Sequential)?.layers ?? [model]
        var x = try Tensor.zeros(shape)
        print("\(path): \(layers.count) layers, \(model.parameterCount) parameters, "
              + "saved in \(model.training ? "training" : "eval") mode")
        print("  #  layer" + String(repeating: " ", count: 44) + "output shape      parameters")
        for (i, layer) in layers.enumerated() {
            x = try withNoGrad { try layer(x) }
            let text = layer.spec?.description ?? "\(type(of: layer))"
            let name = text.count > 48 ? String(text.prefix(45)) + "..." : text
            print("\(pad(i, 3))  \(name.padding(48))  "
                  + "\(x.shape.description.padding(16))  \(pad(layer.parameterCount, 10))")
        }
        for (k, v) in loaded.metadata { print("  \(k): \(v)") }
    }

    /// Loss and accuracy on the MNIST test set.
    static func evaluate(_ args: [String]) throws {
        let path = try CLI.positional(args, "evaluate needs a model file")
        let model = try ModelFile.load(path).model
        let test = try MNISTExample.load(dir: try CLI.string("--data", in: args, default: "Tests/Data/mnist"),
                                         train: false)
        let trainer = Trainer(model: model, optimizer: try makeOptimizer("sgd", parameters: [], options: [:]),
                              loss: { try crossEntropy($0, $1) })
        let (loss, accuracy) = try trainer.evaluate(test)
        print("\(path) on \(test.count) MNIST test images: loss \(MNISTExample.format(loss, 4)), "
              + "accuracy \(MNISTExample.format(100 * (accuracy ?? 0), 2))%")
    }

    /// The predicted digit and its probability for the first test images.
    static func predict(_ args: [String]) throws {
        let path = try CLI.positional(args, "predict needs a model file")
        let count = Int(try CLI.option("--count", in: args, default: 10))
        guard count > 0, count <= 10_000 else { throw AxonError(.invalidArgument, "--count must be in 1...10000") }
        let model = try ModelFile.load(path).model
        model.eval()
        let test = try MNISTExample.load(dir: try CLI.string("--data", in: args, default: "Tests/Data/mnist"),
                                         train: false)
        let batch = try test.subset(Array(0..<count))
        let probabilities = try withNoGrad { try model(batch.features).softmax(axis: 1) }
        let predicted = try probabilities.argmax(axis: 1).scalars
        let p = probabilities.scalars, labels = batch.targets.scalars
        print("image  label  predicted  probability")
        for i in 0..<count {
            let k = Int(predicted[i])
            print("\(pad(i, 5))  \(pad(Int(labels[i]), 5))  \(pad(k, 9))  "
                  + "\(pad(MNISTExample.format(Double(p[i * 10 + k]), 4), 11))"
                  + "\(labels[i] == predicted[i] ? "" : "  (wrong)")")
        }
    }

    static func pad(_ value: Any, _ width: Int) -> String { MNISTExample.pad(value, width) }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}

/// Training curves as a small SVG: loss (left axis) and accuracy (right axis) per epoch.
enum CurvePlot {
    static func svg(_ history: History) -> String {
        let (w, h, margin) = (640.0, 360.0, 50.0)
        let epochs = history.epochs
        guard epochs.count > 0 else { return "<svg xmlns=\"http://www.w3.org/2000/svg\"/>" }
        let losses = epochs.flatMap { [$0.trainLoss, $0.validationLoss ?? $0.trainLoss] }.filter(\.isFinite)
        let maxLoss = Swift.max(losses.max() ?? 1, 1e-9)
        func x(_ i: Int) -> Double {
            margin + (w - 2 * margin) * (epochs.count == 1 ? 0.5 : Double(i) / Double(epochs.count - 1))
        }
        func yLoss(_ v: Double) -> Double { h - margin - (h - 2 * margin) * v / maxLoss }
        func yAcc(_ v: Double) -> Double { h - margin - (h - 2 * margin) * v }
        func line(_ values: [Double?], _ y: (Double) -> Double, _ color: String, _ dash: String = "") -> String {
            let points = values.enumerated().compactMap { i, v in v.flatMap { $0.isFinite ? "\(x(i)),\(y($0))" : nil } }
            return "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" \(dash) "
                + "points=\"\(points.joined(separator: " "))\"/>"
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(w))" height="\(Int(h))" \
            font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <line x1="\(margin)" y1="\(h - margin)" x2="\(w - margin)" y2="\(h - margin)" stroke="black"/>
            <line x1="\(margin)" y1="\(margin)" x2="\(margin)" y2="\(h - margin)" stroke="black"/>
            <line x1="\(w - margin)" y1="\(margin)" x2="\(w - margin)" y2="\(h - margin)" stroke="black"/>
            <text x="\(margin)" y="\(margin - 10)">loss (0 to \(MNISTExample.format(maxLoss, 3)))</text>
            <text x="\(w - margin - 110)" y="\(margin - 10)">accuracy (0 to 1)</text>
            <text x="\(w / 2 - 20)" y="\(h - 15)">epoch 1 to \(epochs.count)</text>
            \(line(epochs.map(\.trainLoss), yLoss, "#1f77b4"))
            \(line(epochs.map(\.validationLoss), yLoss, "#1f77b4", "stroke-dasharray=\"6 4\""))
            \(line(epochs.map(\.trainAccuracy), yAcc, "#d62728"))
            \(line(epochs.map(\.validationAccuracy), yAcc, "#d62728", "stroke-dasharray=\"6 4\""))
            <text x="\(margin + 10)" y="\(h - margin - 10)" fill="#1f77b4">loss (solid: train, dashed: test)</text>
            <text x="\(margin + 10)" y="\(h - margin - 26)" fill="#d62728">accuracy (solid: train, dashed: test)</text>
            </svg>
            """
    }
}
