import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reuses the float buffers of tensors and kernel scratch space.
///
/// A training step allocates the same buffers every time (activations, gradients, packing
/// space), and freshly mapped memory costs page faults, so freed buffers wait here, by size,
/// for the next request of that size. In a steady state (same shapes step after step) no
/// buffer comes from the system at all. Buffers are 64-byte aligned; sizes are rounded up
/// to 16 floats. At most `limitBytes` of free buffers are kept; `Memory.releaseCachedBuffers`
/// returns them all to the system.
enum BufferPool {
    /// The most bytes of free buffers kept for reuse.
    static let limitBytes = 256 << 20
    /// Buffers larger than this are never kept.
    static let largestPooledBytes = 64 << 20

    /// Free buffers of sizes up to this many bytes are found by index, larger ones by a
    /// dictionary lookup.
    private static let indexedBytes = 1 << 18

    /// The free buffers of one size, as a list threaded through the buffers themselves (each
    /// free buffer's first word points to the next), so keeping or reusing one allocates
    /// nothing. Only the pool holds these buffers, so they may cross threads.
    private struct FreeList: @unchecked Sendable {
        var head: UnsafeMutableRawPointer?

        mutating func push(_ raw: UnsafeMutableRawPointer) {
            raw.storeBytes(of: head, as: UnsafeMutableRawPointer?.self)
            head = raw
        }

        mutating func pop() -> UnsafeMutableRawPointer? {
            guard let raw = head else { return nil }
            head = raw.load(as: UnsafeMutableRawPointer?.self)
            return raw
        }
    }

    private struct State {
        /// Lists of sizes 64, 128, ... `indexedBytes`, at index size / 64 - 1.
        var indexed = [FreeList](repeating: FreeList(), count: indexedBytes / 64)
        var larger: [Int: FreeList] = [:]
        var freeBytes = 0
        var systemAllocations = 0

        mutating func pop(size: Int) -> UnsafeMutableRawPointer? {
            size <= indexedBytes ? indexed[size / 64 - 1].pop() : larger[size]?.pop()
        }

        mutating func push(_ raw: UnsafeMutableRawPointer, size: Int) {
            if size <= indexedBytes {
                indexed[size / 64 - 1].push(raw)
            } else {
                larger[size, default: FreeList()].push(raw)
            }
        }

        /// Empties every list, returning the buffers.
        mutating func removeAll() -> [UnsafeMutableRawPointer] {
            var all: [UnsafeMutableRawPointer] = []
            for i in indexed.indices {
                while let raw = indexed[i].pop() { all.append(raw) }
            }
            for key in Array(larger.keys) {
                while let raw = larger[key]?.pop() { all.append(raw) }
            }
            larger = [:]
            freeBytes = 0
            return all
        }
    }

    private static let state = Mutex(State())

    /// Bytes of a buffer of `count` floats: a multiple of 64, at least 64; nil on overflow.
    static func bytes(floats count: Int) -> Int? {
        let (rounded, overflow) = (Swift.max(count, 1) &+ 15).multipliedReportingOverflow(by: 4)
        guard !overflow, count >= 0, count < Int.max - 15 else { return nil }
        return rounded & ~63
    }

    /// A buffer of `count` floats (contents undefined), or nil when memory is exhausted.
    static func allocate(floats count: Int) -> UnsafeMutablePointer<Float>? {
        guard let size = bytes(floats: count) else { return nil }
        let reused = state.withLock { s -> UnsafeMutableRawPointer? in
            guard let raw = s.pop(size: size) else {
                s.systemAllocations += 1
                return nil
            }
            s.freeBytes -= size
            return raw
        }
        if let reused { return reused.bindMemory(to: Float.self, capacity: size / 4) }
        var raw: UnsafeMutableRawPointer?
        guard posix_memalign(&raw, 64, size) == 0, let raw else { return nil }
        return raw.bindMemory(to: Float.self, capacity: size / 4)
    }

    /// Gives back a buffer that `allocate(floats: count)` returned.
    static func release(_ pointer: UnsafeMutablePointer<Float>, floats count: Int) {
        guard let size = bytes(floats: count) else { return }
        let raw = UnsafeMutableRawPointer(pointer)
        let kept = size <= largestPooledBytes && state.withLock { s in
            guard s.freeBytes + size <= limitBytes else { return false }
            s.push(raw, size: size)
            s.freeBytes += size
            return true
        }
        if !kept { free(raw) }
    }

    /// Frees every buffer waiting for reuse.
    static func drain() {
        for raw in state.withLock({ $0.removeAll() }) { free(raw) }
    }

    /// How many buffers have come from the system so far (a test counts a step's).
    static var systemAllocations: Int { state.withLock { $0.systemAllocations } }

    /// Bytes of free buffers kept for reuse.
    static var cachedBytes: Int { state.withLock { $0.freeBytes } }
}

/// Axon's memory, as far as a user needs to manage it.
public enum Memory {
    /// Returns the buffers Axon keeps for reuse to the system (like
    /// `torch.cuda.empty_cache`): worth calling after a large model or batch is gone.
    public static func releaseCachedBuffers() { BufferPool.drain() }

    /// Bytes of freed tensor buffers Axon keeps for reuse (at most 256 MiB).
    public static var cachedBytes: Int { BufferPool.cachedBytes }
}
