// Between layers and their descriptions: `LayerSpec.build` makes a tree from a spec,
// `Layer.spec` describes a built-in tree.

extension LayerSpec {
    /// A fresh layer tree; parameters initialized PyTorch's way from `generator`.
    public func build(generator g: inout PRNG) throws -> any Layer {
        func pair(_ key: String, _ fallback: (Int, Int)) throws -> (Int, Int) { try self.pair(key) ?? fallback }
        func children() throws -> [any Layer] { try self.children.map { try $0.build(generator: &g) } }
        switch kind {
        case "linear": return try Linear(int("in"), int("out"), bias: bool("bias"), generator: &g)
        case "conv2d":
            let kernel = try pair("kernel", (1, 1))
            return try Conv2d(int("in"), int("out"), kernel: kernel, stride: pair("stride", (1, 1)), padding: pair("padding", (0, 0)),
                              dilation: pair("dilation", (1, 1)), groups: int("groups"), bias: bool("bias"), generator: &g)
        case "maxpool2d":
            let kernel = try pair("kernel", (1, 1))
            return MaxPool2d(kernel: kernel, stride: try pair("stride", kernel), padding: try pair("padding", (0, 0)),
                             dilation: try pair("dilation", (1, 1)))
        case "avgpool2d":
            let kernel = try pair("kernel", (1, 1))
            return AvgPool2d(kernel: kernel, stride: try pair("stride", kernel), padding: try pair("padding", (0, 0)))
        case "relu": return ReLU()
        case "gelu": return GELU()
        case "sigmoid": return Sigmoid()
        case "tanh": return Tanh()
        case "softplus": return Softplus()
        case "identity": return Identity()
        case "leakyrelu": return LeakyReLU(slope: try float("slope"))
        case "elu": return ELU(alpha: try float("alpha"))
        case "softmax": return Softmax(axis: try int("axis"))
        case "logsoftmax": return LogSoftmax(axis: try int("axis"))
        case "maxout": return try Maxout(pieces: int("pieces"))
        case "flatten": return Flatten(startAxis: try int("start"), endAxis: try int("end"))
        case "dropout": return try Dropout(p: float("p"))
        case "dropout2d": return try Dropout2d(p: float("p"))
        case "batchnorm1d":
            return try BatchNorm1d(int("features"), eps: float("eps"), momentum: momentum(), affine: bool("affine"), trackRunningStats: bool("track"))
        case "batchnorm2d":
            return try BatchNorm2d(int("features"), eps: float("eps"), momentum: momentum(), affine: bool("affine"), trackRunningStats: bool("track"))
        case "instancenorm2d":
            return try InstanceNorm2d(int("features"), eps: float("eps"), momentum: float("momentum"), affine: bool("affine"),
                                      trackRunningStats: bool("track"))
        case "layernorm": return try LayerNorm(ints("shape"), eps: float("eps"), elementwiseAffine: bool("affine"))
        case "groupnorm": return try GroupNorm(int("groups"), int("channels"), eps: float("eps"), affine: bool("affine"))
        case "sequential": return Sequential(try children())
        case "residual":
            let body = try children()
            return Residual(body.count == 1 ? body[0] : Sequential(body))
        case "weightnorm":
            let inner = try children()
            if inner.count == 1, let linear = inner[0] as? Linear { return try WeightNorm(linear) }
            if inner.count == 1, let conv = inner[0] as? Conv2d { return try WeightNorm(conv) }
            throw AxonError(.format, "layer spec: weightnorm wraps exactly one linear or conv2d")
        default:
            throw AxonError(.format, "layer spec: unknown layer kind '\(kind)'")
        }
    }

    /// BatchNorm's momentum: a number, or "none" for a cumulative average.
    func momentum() throws -> Float? {
        value("momentum")?.lowercased() == "none" ? nil : try float("momentum")
    }

    /// The canonical description of a built-in layer tree, or nil if it holds a custom layer.
    public static func describe(_ layer: any Layer) -> LayerSpec? {
        func text(_ x: Float) -> String { "\(x)" }
        func children(_ layers: [any Layer]) -> [LayerSpec]? {
            let specs = layers.compactMap(describe)
            return specs.count == layers.count ? specs : nil
        }
        switch layer {
        case let l as Linear:
            return LayerSpec("linear", [("in", "\(l.inFeatures)"), ("out", "\(l.outFeatures)"), ("bias", "\(l.bias != nil)")])
        case let c as Conv2d:
            return LayerSpec("conv2d", [("in", "\(c.inChannels)"), ("out", "\(c.outChannels)"), ("kernel", pairText(c.kernel)),
                                        ("stride", pairText(c.stride)), ("padding", pairText(c.padding)), ("dilation", pairText(c.dilation)),
                                        ("groups", "\(c.groups)"), ("bias", "\(c.bias != nil)")])
        case let p as MaxPool2d:
            return LayerSpec("maxpool2d", [("kernel", pairText(p.kernel)), ("stride", pairText(p.stride)), ("padding", pairText(p.padding)),
                                           ("dilation", pairText(p.dilation))])
        case let p as AvgPool2d:
            return LayerSpec("avgpool2d", [("kernel", pairText(p.kernel)), ("stride", pairText(p.stride)), ("padding", pairText(p.padding))])
        case is ReLU: return LayerSpec("relu")
        case is GELU: return LayerSpec("gelu")
        case is Sigmoid: return LayerSpec("sigmoid")
        case is Tanh: return LayerSpec("tanh")
        case is Softplus: return LayerSpec("softplus")
        case is Identity: return LayerSpec("identity")
        case let a as LeakyReLU: return LayerSpec("leakyrelu", [("slope", text(a.slope))])
        case let a as ELU: return LayerSpec("elu", [("alpha", text(a.alpha))])
        case let a as Softmax: return LayerSpec("softmax", [("axis", "\(a.axis)")])
        case let a as LogSoftmax: return LayerSpec("logsoftmax", [("axis", "\(a.axis)")])
        case let m as Maxout: return LayerSpec("maxout", [("pieces", "\(m.pieces)")])
        case let f as Flatten: return LayerSpec("flatten", [("start", "\(f.startAxis)"), ("end", "\(f.endAxis)")])
        case let d as Dropout: return LayerSpec("dropout", [("p", text(d.p))])
        case let d as Dropout2d: return LayerSpec("dropout2d", [("p", text(d.p))])
        case let n as BatchNorm:
            return LayerSpec(n is BatchNorm2d ? "batchnorm2d" : "batchnorm1d", normArguments(n, momentum: n.momentum.map(text) ?? "none"))
        case let n as InstanceNorm2d:
            return LayerSpec("instancenorm2d", normArguments(n, momentum: n.momentum.map(text) ?? "0.1"))
        case let n as LayerNorm:
            return LayerSpec("layernorm", [("shape", n.normalizedShape.map(String.init).joined(separator: "x")), ("eps", text(n.eps)),
                                           ("affine", "\(n.weight != nil)")])
        case let n as GroupNorm:
            return LayerSpec("groupnorm", [("groups", "\(n.numGroups)"), ("channels", "\(n.numChannels)"), ("eps", text(n.eps)),
                                           ("affine", "\(n.weight != nil)")])
        case let s as Sequential: return children(s.layers).map { LayerSpec("sequential", children: $0) }
        case let r as Residual: return describe(r.body).map { LayerSpec("residual", children: [$0]) }
        case let w as WeightNorm: return describe(w.wrapped).map { LayerSpec("weightnorm", children: [$0]) }
        default: return nil
        }
    }

    static func normArguments(_ n: RunningStatsNorm, momentum: String) -> [(String, String)] {
        [("features", "\(n.numFeatures)"), ("eps", "\(n.eps)"), ("momentum", momentum), ("affine", "\(n.weight != nil)"),
         ("track", "\(n.runningMean != nil)")]
    }
}

extension Layer {
    /// The canonical description of this tree, or nil if it contains a custom layer.
    public var spec: LayerSpec? { LayerSpec.describe(self) }
}

extension LayerSpec {
    /// The number of floats the built tree holds in parameters and buffers, computed from
    /// the description alone, so that a file's architecture can be checked against the data
    /// it carries before anything is allocated.
    func stateElementCount() throws -> Int {
        func product(_ xs: [Int]) throws -> Int {
            try xs.reduce(1) { a, b in
                let (m, overflow) = a.multipliedReportingOverflow(by: b)
                guard !overflow, b >= 0 else { throw AxonError(.format, "layer spec: \(kind) is too large") }
                return m
            }
        }
        func sum(_ xs: [Int]) throws -> Int {
            try xs.reduce(0) { a, b in
                let (s, overflow) = a.addingReportingOverflow(b)
                guard !overflow else { throw AxonError(.format, "layer spec: \(kind) is too large") }
                return s
            }
        }
        switch kind {
        case "linear":
            let (i, o) = (try int("in"), try int("out"))
            return try sum([product([i, o]), try bool("bias") ? o : 0])
        case "conv2d":
            let k = try pair("kernel") ?? (1, 1), (i, o, g) = (try int("in"), try int("out"), try int("groups"))
            guard g > 0 else { throw AxonError(.format, "layer spec: conv2d groups must be positive") }
            return try sum([product([o, i / g, k.0, k.1]), try bool("bias") ? o : 0])
        case "batchnorm1d", "batchnorm2d", "instancenorm2d":
            let f = try int("features")
            return try sum([try bool("affine") ? product([2, f]) : 0, try bool("track") ? try sum([product([2, f]), 1]) : 0])
        case "layernorm": return try bool("affine") ? try product([2, product(ints("shape"))]) : 0
        case "groupnorm": return try bool("affine") ? try product([2, int("channels")]) : 0
        case "weightnorm":
            let inner = try sum(children.map { try $0.stateElementCount() })
            return try sum([inner, children.first.map { try $0.int("out") } ?? 0])
        default: return try sum(children.map { try $0.stateElementCount() })
        }
    }
}
