import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A reference-counted, 64-byte aligned buffer of `Float`s, from the `BufferPool`.
///
/// Tensors share a storage when they are views of one another (reshape, detach), so a
/// parameter updated in place is seen through every view.
final class Storage: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int
    /// Counts in-place writes, shared by every view, as PyTorch's version counter: a recorded
    /// op notes the versions of its inputs and output, and backward refuses to run a pullback
    /// whose tensors were overwritten since.
    var version = 0
    /// Packed copies of this buffer as a GEMM operand (a parameter's weight matrix), valid for
    /// the version they record, and the version seen by the last product that could use one.
    let packs = Mutex(PackedMatrix.List())

    /// Allocates `count` floats, uninitialized. Throws instead of trapping when the
    /// allocation fails, because sizes can come from C or Python callers.
    init(uninitializedCount count: Int) throws {
        guard count >= 0 else { throw AxonError.invalid("negative element count \(count)") }
        guard let pointer = BufferPool.allocate(floats: count) else {
            throw AxonError(.outOfMemory, "cannot allocate a tensor of \(count) elements")
        }
        self.pointer = pointer
        self.count = count
    }

    convenience init(repeating value: Float, count: Int) throws {
        try self.init(uninitializedCount: count)
        pointer.initialize(repeating: value, count: count)
    }

    deinit { BufferPool.release(pointer, floats: count) }
}
