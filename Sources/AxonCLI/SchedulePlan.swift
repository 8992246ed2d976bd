import Axon

/// `--schedule`: none, one of the core's schedules by name with its options, ReduceLROnPlateau,
/// or schedules composed one after another (`A then@N B`) or multiplied (`A times B`).
struct SchedulePlan: Equatable {
    struct Piece: Equatable {
        var kind: String
        var options: [String: Double]
    }

    enum Form: Equatable {
        case none
        case plateau([String: Double])
        case sequential([Piece], milestones: [Int])   // one piece: a plain schedule
        case chained([Piece])
    }

    var form: Form

    static let kinds = ["step", "multistep", "exponential", "inverse_time", "polynomial", "cosine", "linear", "plateau"]

    static func parse(_ text: String) throws -> SchedulePlan {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let first = words.first else { throw UsageError("--schedule needs a schedule, got an empty string") }
        if words.count == 1, ["none", "off", "constant"].contains(first.lowercased()) {
            return SchedulePlan(form: .none)
        }
        var pieces = [try piece(first)], milestones: [Int] = [], chained = false, i = 1
        while i < words.count {
            let connector = words[i].lowercased()
            guard i + 1 < words.count else { throw UsageError("--schedule: '\(words[i])' needs a schedule after it") }
            if connector == "times" {
                chained = true
            } else if connector.hasPrefix("then@") {
                milestones.append(try Arguments.int(String(connector.dropFirst(5)), name: "--schedule then@N",
                                                    in: 1...100_000_000))
            } else {
                throw UsageError("--schedule: expected 'then@N' or 'times' between schedules, got '\(words[i])'")
            }
            pieces.append(try piece(words[i + 1]))
            i += 2
        }
        guard !(chained && !milestones.isEmpty) else {
            throw UsageError("--schedule: use either 'then@N' or 'times' between schedules, not both")
        }
        if pieces.contains(where: { $0.kind == "plateau" }) {
            guard pieces.count == 1 else { throw UsageError("--schedule: plateau cannot be composed with schedules") }
            return SchedulePlan(form: .plateau(pieces[0].options))
        }
        guard milestones == milestones.sorted(), Set(milestones).count == milestones.count else {
            throw UsageError("--schedule: the then@N steps must increase")
        }
        return SchedulePlan(form: chained ? .chained(pieces) : .sequential(pieces, milestones: milestones))
    }

    static func piece(_ text: String) throws -> Piece {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let kind = String(parts[0]).lowercased().replacingDashes()
        guard kinds.contains(kind) else {
            let hint = Arguments.nearest(kind, among: kinds).map { "; did you mean \($0)?" } ?? ""
            throw UsageError("--schedule: unknown schedule '\(parts[0])'" + hint + " (known: "
                             + kinds.joined(separator: ", ") + ", none)")
        }
        var options: [String: Double] = [:]
        for (key, value) in try Arguments.keyValues(parts.count > 1 ? String(parts[1]) : "", option: "--schedule") {
            let key = key.lowercased()
            switch (kind, key) {
            case ("multistep", "milestones"):
                for (n, step) in value.split(separator: "/", omittingEmptySubsequences: false).enumerated() {
                    options["m\(n + 1)"] = Double(try Arguments.int(String(step), name: "--schedule milestones",
                                                                    in: 0...100_000_000))
                }
                continue
            case ("plateau", "threshold_mode"):
                guard let code = ["rel": 0.0, "abs": 1.0][value.lowercased()] else {
                    throw UsageError("--schedule plateau: threshold_mode is rel or abs, not '\(value)'")
                }
                options[key] = code
                continue
            case ("plateau", "mode"):
                guard value.lowercased() == "min" else {
                    throw UsageError(
                        "--schedule plateau: it watches the validation loss, so mode is min, not '\(value)'")
                }
                continue
            default: break
            }
            guard options[key] == nil else { throw UsageError("--schedule \(kind): '\(key)' is given twice") }
            guard let v = Double(value), v.isFinite else {
                throw UsageError("--schedule \(kind): '\(key)' must be a finite number, got '\(value)'")
            }
            options[key] = v
        }
        return Piece(kind: kind, options: options)
    }

    var isPlateau: Bool { if case .plateau = form { return true } else { return false } }

    /// The plan with each missing cosine period and polynomial total set to the steps its part
    /// of the run spans (`steps` for the whole run).
    func resolved(steps: Int) throws -> SchedulePlan {
        func fill(_ p: Piece, span: Int) throws -> Piece {
            var p = p
            let length = Double(max(1, span))
            switch p.kind {
            case "cosine" where p.options["period"] == nil: p.options["period"] = length
            case "polynomial" where p.options["total"] == nil: p.options["total"] = length
            case "step" where p.options["step_size"] == nil:
                throw UsageError("--schedule step needs step_size, e.g. step:step_size=5,gamma=0.5")
            case "multistep" where !p.options.keys.contains(where: { $0.hasPrefix("m") }):
                throw UsageError("--schedule multistep needs milestones, e.g. multistep:milestones=5/8,gamma=0.1")
            default: break
            }
            return p
        }
        switch form {
        case .none, .plateau: return self
        case .chained(let pieces): return SchedulePlan(form: .chained(try pieces.map { try fill($0, span: steps) }))
        case let .sequential(pieces, milestones):
            let bounds = [0] + milestones + [max(steps, (milestones.last ?? 0) + 1)]
            let filled = try pieces.enumerated().map { try fill($1, span: bounds[$0 + 1] - bounds[$0]) }
            return SchedulePlan(form: .sequential(filled, milestones: milestones))
        }
    }

    /// Throws a usage error unless the core accepts the plan.
    func validate() throws {
        do {
            let optimizer = try makeOptimizer("sgd", parameters: [try Tensor.zeros([1])], options: [:])
            _ = try makeSchedule()
            _ = try makePlateau(optimizer)
        } catch let error as AxonError {
            throw UsageError("--schedule: \(error.message)")
        }
    }

    func makeSchedule() throws -> (any Schedule)? {
        switch form {
        case .none, .plateau: return nil
        case .sequential(let pieces, _) where pieces.count == 1:
            return try Axon.makeSchedule(pieces[0].kind, options: pieces[0].options)
        case let .sequential(pieces, milestones):
            return try Axon.makeSchedule(composing: "sequential", kinds: pieces.map(\.kind),
                                         options: pieces.map(\.options), milestones: milestones)
        case .chained(let pieces):
            return try Axon.makeSchedule(composing: "chained", kinds: pieces.map(\.kind),
                                         options: pieces.map(\.options), milestones: [])
        }
    }

    func makePlateau(_ optimizer: any Optimizer) throws -> ReduceLROnPlateau? {
        guard case .plateau(let options) = form else { return nil }
        return try Axon.makePlateau(optimizer, options: options)
    }

    /// The canonical text (parses back to the same plan).
    var text: String {
        func render(_ kind: String, _ options: [String: Double]) -> String {
            let pairs = options.keys.sorted().map { key -> String in
                let v = options[key] ?? 0
                if kind == "plateau" && key == "threshold_mode" { return "threshold_mode=" + (v == 1 ? "abs" : "rel") }
                return "\(key)=\(OptimizerChoice.render(v))"
            }
            return kind + (pairs.isEmpty ? "" : ":" + pairs.joined(separator: ","))
        }
        switch form {
        case .none: return "none"
        case .plateau(let options): return render("plateau", options)
        case .chained(let pieces): return pieces.map { render($0.kind, $0.options) }.joined(separator: " times ")
        case let .sequential(pieces, milestones):
            var out = render(pieces[0].kind, pieces[0].options)
            for (m, p) in zip(milestones, pieces.dropFirst()) { out += " then@\(m) " + render(p.kind, p.options) }
            return out
        }
    }
}

extension String {
    func replacingDashes() -> String { String(map { $0 == "-" ? "_" : $0 }) }
}
