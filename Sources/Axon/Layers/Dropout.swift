/// Inverted dropout (Srivastava et al., 2014) with drop probability p: in training each
/// element is zeroed with probability p and the survivors scaled by 1 / (1 - p); in
/// evaluation the layer is the identity. Masks come from the layer's own `generator`, a
/// stream that is part of the model's state (see `Layer.reseed`).
public final class Dropout: RandomizedLayer {
    public var training = true
    public let p: Float
    public var generator: PRNG

    public init(p: Float = 0.5, seed: UInt64 = 0) throws {
        self.p = try dropProbability(p, layer: "Dropout")
        generator = PRNG(seed: seed)
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        guard training, p > 0 else { return input }
        return try input * dropoutMask(shape: input.shape, p: p, generator: &generator)
    }
}

/// Dropout of whole channels: for an [N, C, ...] input each (sample, channel) plane is zeroed
/// with probability p, survivors scaled by 1 / (1 - p) (`nn.Dropout2d`).
public final class Dropout2d: RandomizedLayer {
    public var training = true
    public let p: Float
    public var generator: PRNG

    public init(p: Float = 0.5, seed: UInt64 = 0) throws {
        self.p = try dropProbability(p, layer: "Dropout2d")
        generator = PRNG(seed: seed)
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        guard input.rank >= 3 else {
            throw AxonError.shape("Dropout2d: expected an input of rank >= 3 ([N, C, H, W]), got shape \(input.shape)")
        }
        guard training, p > 0 else { return input }
        let maskShape = [input.shape[0], input.shape[1]] + [Int](repeating: 1, count: input.rank - 2)
        return try input * dropoutMask(shape: maskShape, p: p, generator: &generator)
    }
}

/// `p` if it is a valid drop probability, in [0, 1).
func dropProbability(_ p: Float, layer: String) throws -> Float {
    guard p >= 0, p < 1 else { throw AxonError.invalid("\(layer): drop probability p = \(p) must be in [0, 1)") }
    return p
}

/// A constant mask: 1 / (1 - p) with probability 1 - p, else 0 (one uniform draw per element:
/// an element is kept when `nextFloat() < 1 - p`).
func dropoutMask(shape: [Int], p: Float, generator: inout PRNG) throws -> Tensor {
    let mask = try Tensor.uninitialized(shape)
    let scale = 1 / (1 - p)
    // nextFloat() is u * 2^-24 for the top 24 bits u of a draw, exactly, so it is below
    // 1 - p exactly when u is below (1 - p) * 2^24 rounded up: the same test on integers.
    let bound = UInt32(((1 - p) * 0x1p24).rounded(.up))
    let out = mask.pointer, count = mask.count
    // The draws go to a block of integers first and the comparisons run over the block as a
    // separate loop, which the compiler vectorizes: a branch per element (kept or not is a coin
    // toss no predictor learns) would cost more than the draw.
    withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 256) { block in
        guard let u = block.baseAddress else { return }
        var local = generator   // the loop's state stays in registers
        defer { generator = local }
        var start = 0
        while start < count {
            let size = min(256, count - start)
            for i in 0..<size { u[i] = UInt32(truncatingIfNeeded: local.next() >> 40) }
            let y = out + start
            for i in 0..<size { y[i] = u[i] < bound ? scale : 0 }
            start += size
        }
    }
    return mask
}

// MARK: - Layer specs

extension Dropout: RegisteredLayer {
    static let kind = LayerKind("dropout", positional: 1, [.float("p", 0.5)])
    static func build(_ spec: LayerSpec, generator: inout PRNG) throws -> any Layer { try Dropout(p: spec.float("p")) }
    var specArguments: [String: LayerValue] { ["p": .float(p)] }
}

extension Dropout2d: RegisteredLayer {
    static let kind = LayerKind("dropout2d", positional: 1, [.float("p", 0.5)])
    static func build(_ spec: LayerSpec, generator: inout PRNG) throws -> any Layer {
        try Dropout2d(p: spec.float("p"))
    }
    var specArguments: [String: LayerValue] { ["p": .float(p)] }
}
