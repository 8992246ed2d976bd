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
    let bound = UInt64(((1 - p) * 0x1p24).rounded(.up))
    var local = generator   // the loop's state stays in registers
    let out = mask.pointer
    for i in 0..<mask.count { out[i] = local.next() >> 40 < bound ? scale : 0 }
    generator = local
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
