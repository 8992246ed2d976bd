import Axon
#if canImport(Glibc)
import Glibc
#endif

/// axon-cli: the command-line program of the Axon package (`axon-cli help` lists the commands).
/// Exit codes: 0 done, 1 a failure while working (a file that cannot be read, a damaged file),
/// 2 a mistake in the arguments, reported before any work starts.
enum CLI {
    static func main(_ arguments: [String]) -> Int32 {
        guard let command = arguments.first else {
            Terminal.line(Help.overview)
            return 0
        }
        let rest = Array(arguments.dropFirst())
        if ["help", "--help", "-h"].contains(command) {
            guard let topic = rest.first, topic != "help" else {
                Terminal.line(Help.overview)
                return 0
            }
            guard rest.count == 1, let spec = Help.command(topic) else {
                return usage("help", rest.count == 1 ? unknownCommand(topic) : "help takes one command name")
            }
            Terminal.line(spec.help)
            return 0
        }
        guard let spec = Help.command(command) else { return usage(nil, unknownCommand(command)) }
        if rest.contains("--help") || rest.contains("-h") {
            Terminal.line(spec.help)
            return 0
        }
        do {
            switch spec.name {
            case "train": try TrainCommand.run(rest, alias: command == "mnist" ? "mnist" : nil)
            case "eval": try ModelCommands.eval(rest, name: command)
            case "summary": try ModelCommands.summary(rest)
            case "predict": try ModelCommands.predict(rest)
            case "inspect": return try ModelCommands.inspect(rest) ? 0 : 1
            case "convert": try ModelCommands.convert(rest)
            case "polyfit": try polyfit(rest)
            default:
                _ = try Arguments(rest, command: "version", positionals: [], options: [])
                Terminal.line("axon-cli \(Axon.version)")
            }
            return 0
        } catch let error as UsageError {
            return usage(command, error.message)
        } catch let error as AxonError {
            TrainCommand.progress?.clear()
            Terminal.standardError("axon-cli \(command): error: \(error.message)\n")
            return 1
        } catch {
            TrainCommand.progress?.clear()
            Terminal.standardError("axon-cli \(command): error: \(error)\n")
            return 1
        }
    }

    static func usage(_ command: String?, _ message: String) -> Int32 {
        TrainCommand.progress?.clear()
        Terminal.standardError("axon-cli\(command.map { " " + $0 } ?? ""): \(message)\n")
        return 2
    }

    static func unknownCommand(_ name: String) -> String {
        let names = Help.commands.map(\.name) + ["help", "mnist", "evaluate"]
        return "unknown command '\(name)'" + (Arguments.nearest(name, among: names).map { "; did you mean \($0)?" }
            ?? "; the commands: " + Help.commands.map(\.name).joined(separator: ", ") + ", help")
    }

    static func polyfit(_ args: [String]) throws {
        let a = try Arguments(args, command: "polyfit", positionals: [], options: Help.polyfit.options)
        let steps = try a.int("--steps", in: 0...10_000_000) ?? 2000
        let lr = Float(try a.double("--lr", above: 0, upTo: 1) ?? 1e-6)
        let fit = try PolynomialFit(start: [-0.5, 0.8, 0.3, -0.1])
        Terminal.line("fitting y = a + b x + c x^2 + d x^3 to sin(x), 2000 points, \(steps) steps, lr \(lr)")
        for t in 0..<steps {
            let loss = try fit.step(learningRate: lr)
            if t % 100 == 99 {
                let width = 30, done = (t + 1) * width / max(steps, 1)
                Terminal.line("[\(String(repeating: "#", count: done))\(String(repeating: ".", count: width - done))] "
                              + "step \(t + 1)  loss \(loss)")
            }
        }
        let c = fit.coefficients
        Terminal.line("Result: y = \(c[0]) + \(c[1]) x + \(c[2]) x^2 + \(c[3]) x^3   (loss \(try fit.loss().item()))")
    }
}

exit(CLI.main(Array(CommandLine.arguments.dropFirst())))
