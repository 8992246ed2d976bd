import Axon

/// axon-cli: the command-line program of the Axon package.
///
///     axon-cli polyfit [--steps N] [--lr X]   fit a cubic to sin(x) by gradient descent
///     axon-cli mnist | summary | evaluate | predict | version   (see `usage`)
enum CLI {
    static func main() -> Int32 {
        var args = Array(CommandLine.arguments.dropFirst())
        let command = args.isEmpty ? "polyfit" : args.removeFirst()
        do {
            switch command {
            case "polyfit": try polyfit(args)
            case "mnist": try MNISTExample.run(args)
            case "summary": try SavedModel.summary(args)
            case "evaluate": try SavedModel.evaluate(args)
            case "predict": try SavedModel.predict(args)
            case "version": print("axon-cli \(Axon.version)")
            case "help", "--help", "-h": print(usage)
            default:
                printError("unknown command '\(command)'\n\(usage)")
                return 2
            }
            return 0
        } catch {
            printError("error: \(error)")
            return 1
        }
    }

    static let usage = """
        usage: axon-cli <command> [options]
          polyfit [--steps N] [--lr X]   fit y = a + b x + c x^2 + d x^3 to sin(x) on [-pi, pi]
          mnist [--data DIR] [--epochs N] [--seed S] [--threads T] [--model SPEC] [--save FILE] [--plot FILE.svg]
                                         train a 784-256-256-10 MLP on MNIST, report test accuracy
          summary FILE [--input 1x784]   layers, output shapes and parameter counts of a saved model
          evaluate FILE [--data DIR]     loss and accuracy of a saved model on the MNIST test set
          predict FILE [--data DIR] [--count N]
                                         predicted digits for the first test images
          version                        print the library version
        """

    static func option(_ name: String, in args: [String], default value: Double) throws -> Double {
        guard let i = args.firstIndex(of: name) else { return value }
        guard i + 1 < args.count, let v = Double(args[i + 1]), v.isFinite else {
            throw AxonError(.invalidArgument, "\(name) needs a finite number")
        }
        return v
    }

    /// The first argument that is not an option or an option's value.
    static func positional(_ args: [String], _ message: String) throws -> String {
        var i = 0
        while i < args.count {
            if args[i].hasPrefix("--") { i += 2; continue }
            return args[i]
        }
        throw AxonError(.invalidArgument, message)
    }

    static func string(_ name: String, in args: [String], default value: String) throws -> String {
        guard let i = args.firstIndex(of: name) else { return value }
        guard i + 1 < args.count else { throw AxonError(.invalidArgument, "\(name) needs a value") }
        return args[i + 1]
    }

    static func polyfit(_ args: [String]) throws {
        let steps = Int(try option("--steps", in: args, default: 2000))
        let lr = Float(try option("--lr", in: args, default: 1e-6))
        guard steps >= 0, steps <= 10_000_000 else {
            throw AxonError(.invalidArgument, "--steps must be in 0...10000000")
        }
        let fit = try PolynomialFit(start: [-0.5, 0.8, 0.3, -0.1])
        print("fitting y = a + b x + c x^2 + d x^3 to sin(x), 2000 points, \(steps) steps, lr \(lr)")
        for t in 0..<steps {
            let loss = try fit.step(learningRate: lr)
            if t % 100 == 99 {
                let width = 30, done = (t + 1) * width / max(steps, 1)
                print("[\(String(repeating: "#", count: done))\(String(repeating: ".", count: width - done))] "
                      + "step \(t + 1)  loss \(loss)")
            }
        }
        let c = fit.coefficients
        print("Result: y = \(c[0]) + \(c[1]) x + \(c[2]) x^2 + \(c[3]) x^3   (loss \(try fit.loss().item()))")
    }

    static func printError(_ message: String) {
        let line = message + "\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
    }
}

#if canImport(Glibc)
import Glibc
#endif

exit(CLI.main())
