/// Splits axis `axis` into `shape`, as `nn.Unflatten(dim, unflattened_size)`: [N, 784] with
/// axis 1 and shape [1, 28, 28] becomes [N, 1, 28, 28], so flat data can feed a CNN. One
/// entry of `shape` may be -1 (inferred).
public final class Unflatten: Layer {
    public var training = true
    public let axis: Int
    public let shape: [Int]

    public init(axis: Int, shape: [Int]) throws {
        guard !shape.isEmpty, shape.allSatisfy({ $0 > 0 || $0 == -1 }), shape.filter({ $0 == -1 }).count <= 1 else {
            throw AxonError.invalid("Unflatten: sizes \(shape) must be positive, with at most one -1")
        }
        self.axis = axis
        self.shape = shape
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        let a = try Shape.axis(axis, rank: input.rank, op: "Unflatten")
        let known = shape.filter { $0 > 0 }.reduce(1, *)
        let size = input.shape[a]
        guard shape.contains(-1) ? size % known == 0 : size == known else {
            throw AxonError.shape(
                "Unflatten(\(axis), \(shape)): axis \(axis) of shape \(input.shape) has \(size) elements")
        }
        return try input.reshape(Array(input.shape[..<a]) + shape + Array(input.shape[(a + 1)...]))
    }
}

extension Unflatten: RegisteredLayer {
    static let kind = LayerKind("unflatten", positional: 2, [.int("axis"), .sizes("shape")])
    static func build(_ spec: LayerSpec, generator: inout PRNG) throws -> any Layer {
        try Unflatten(axis: spec.int("axis"), shape: spec.ints("shape"))
    }
    var specArguments: [String: LayerValue] { ["axis": .int(axis), "shape": .sizes(shape)] }
}
