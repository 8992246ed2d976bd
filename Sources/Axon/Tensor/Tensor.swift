/// An n-dimensional array of `Float`, row-major and contiguous, that can take part in
/// automatic differentiation.
///
/// A tensor is a reference type, as in PyTorch: a parameter is updated in place, its gradient
/// attaches to that very object, and the C and Python doors hand out handles to it.
///
/// ```swift
/// let x = try Tensor([1, 2, 3], shape: [3], requiresGrad: true)
/// let y = try (x * x).sum()
/// try y.backward()
/// x.grad?.scalars  // [2, 4, 6]
/// ```
public final class Tensor: @unchecked Sendable {
    /// The size of each axis.
    public let shape: [Int]
    /// The number of elements (the product of `shape`).
    public let count: Int
    let storage: Storage

    /// Whether gradients are accumulated for this tensor (set it on leaves, as in PyTorch).
    public var requiresGrad: Bool
    /// The accumulated gradient of a leaf after `backward()`, until zeroed.
    public var grad: Tensor?
    /// The op that produced this tensor, when it was recorded for reverse mode.
    var node: Node?
    /// The forward-mode tangent attached to this tensor, if any (see `jvp`).
    public internal(set) var tangent: Tensor?

    init(storage: Storage, shape: [Int], count: Int, requiresGrad: Bool = false) {
        self.storage = storage
        self.shape = shape
        self.count = count
        self.requiresGrad = requiresGrad
    }

    /// A tensor of `shape` whose contents the caller fills before anyone reads it.
    static func uninitialized(_ shape: [Int]) throws -> Tensor {
        let n = try Shape.count(shape)
        return Tensor(storage: try Storage(uninitializedCount: n), shape: shape, count: n)
    }

    /// A tensor of `shape` filled with `value`.
    public init(repeating value: Float, shape: [Int], requiresGrad: Bool = false) throws {
        let n = try Shape.count(shape)
        self.storage = try Storage(repeating: value, count: n)
        self.shape = shape
        self.count = n
        self.requiresGrad = requiresGrad
    }

    /// A tensor holding `scalars` in row-major order.
    public convenience init(_ scalars: [Float], shape: [Int], requiresGrad: Bool = false) throws {
        let n = try Shape.count(shape)
        guard n == scalars.count else {
            throw AxonError.shape("tensor: \(scalars.count) values do not fill shape \(shape)")
        }
        try self.init(storage: Storage(uninitializedCount: n), shape: shape, count: n, requiresGrad: requiresGrad)
        scalars.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { storage.pointer.initialize(from: base, count: n) }
        }
    }

    /// A rank-0 tensor.
    public convenience init(_ scalar: Float, requiresGrad: Bool = false) throws {
        try self.init(storage: Storage(repeating: scalar, count: 1), shape: [], count: 1, requiresGrad: requiresGrad)
    }

    /// The number of axes.
    public var rank: Int { shape.count }

    /// The elements in row-major order.
    public var scalars: [Float] {
        Array(UnsafeBufferPointer(start: storage.pointer, count: count))
    }

    /// The single element of a one-element tensor.
    public func item() throws -> Float {
        guard count == 1 else { throw AxonError.shape("item: tensor of shape \(shape) has \(count) elements, not 1") }
        return storage.pointer[0]
    }

    /// Whether this tensor was produced by a recorded op (it is not a leaf of the graph).
    public var isLeaf: Bool { node == nil }

    /// The same values, cut from the graph and from any tangent; shares storage.
    public func detached() -> Tensor {
        Tensor(storage: storage, shape: shape, count: count)
    }

    /// A copy with its own storage, not attached to any graph.
    public func copy() throws -> Tensor {
        let out = try Tensor.uninitialized(shape)
        out.storage.pointer.update(from: storage.pointer, count: count)
        return out
    }

    /// Read-only access to the elements.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.pointer, count: count))
    }

    /// In-place access to the elements, for optimizer updates and loaders. It bypasses the
    /// graph: use it on leaves, outside recording, as `torch.no_grad()` updates do. It counts
    /// as an in-place write (`version`).
    public func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        storage.version &+= 1
        return try body(UnsafeMutableBufferPointer(start: storage.pointer, count: count))
    }

    /// Overwrites the elements with those of `other` (same element count) in place, without
    /// the autograd checks of the in-place ops (`copy_`); for optimizers, loading and rollback.
    public func assign(_ other: Tensor) throws {
        guard other.count == count else {
            throw AxonError.shape("assign: shapes \(other.shape) and \(shape) differ in element count")
        }
        storage.version &+= 1
        storage.pointer.update(from: other.storage.pointer, count: count)
    }

    /// The address of the elements (row-major, `count` floats), for a caller that shares the
    /// storage, as a NumPy view of a PyTorch tensor does. Valid while this tensor, or any tensor
    /// sharing its storage, lives. Writes through it are not counted in `version`: autograd does
    /// not see them, so write only outside recording to tensors no recorded graph reads.
    public var unsafeElements: UnsafeMutablePointer<Float> { storage.pointer }

    /// The number of elements of `shape`, checked as every tensor's shape is (negative or too
    /// many elements throw), without allocating anything.
    public static func elementCount(of shape: [Int]) throws -> Int { try Shape.count(shape) }

    /// `assign` for a source whose element count was checked: copies what both hold.
    func overwrite(from other: Tensor) {
        storage.version &+= 1
        storage.pointer.update(from: other.storage.pointer, count: Swift.min(count, other.count))
    }

    /// The number of in-place writes to this tensor's storage so far (PyTorch's `_version`).
    public var version: Int { storage.version }

    var pointer: UnsafeMutablePointer<Float> { storage.pointer }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(shown)\(count > 8 ? ", ..." : "")])"
    }
}
