import Dispatch
import Synchronization

/// How many threads Axon's kernels may use, like `torch.set_num_threads`.
///
/// The default is the number of cores; 1 disables threading. Results never depend on it:
/// every kernel splits its work into chunks whose boundaries are fixed by the problem size
/// alone, and combines partial results in a fixed order. This is the one process-wide
/// setting of the library; it changes speed only, never values.
public enum Threading {
    private static let configured = Atomic<Int>(0)

    /// The number of threads kernels use (at least 1).
    public static var threadCount: Int {
        get {
            let n = configured.load(ordering: .relaxed)
            return n > 0 ? n : defaultThreadCount
        }
        set { configured.store(max(1, min(newValue, 256)), ordering: .relaxed) }
    }

    /// The number of active processors.
    public static let defaultThreadCount: Int = max(1, ProcessInfoLite.activeProcessorCount)
}

/// Reads the processor count without Foundation.
enum ProcessInfoLite {
    static var activeProcessorCount: Int {
        #if canImport(Glibc)
        return sysconf(Int32(_SC_NPROCESSORS_ONLN))
        #else
        return 1
        #endif
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// A pointer that may cross into worker closures. Kernels write disjoint ranges through it.
struct SharedPointer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
    init(_ base: UnsafeMutablePointer<T>) { self.base = base }
}

/// Runs `body(chunk)` for every chunk in `0..<chunks`, spread over the configured threads.
/// Chunks are independent; which thread runs a chunk never changes what it computes.
@inline(__always)
func parallelFor(_ chunks: Int, _ body: (Int) -> Void) {
    let threads = min(Threading.threadCount, chunks)
    if threads <= 1 {
        for c in 0..<chunks { body(c) }
        return
    }
    // Each thread takes a contiguous run of chunks: neighbouring chunks often share cache
    // lines at their ends (small image planes), which threads should not write both.
    #if canImport(Glibc)
    let ran = WorkerPool.shared.run(parts: threads) { t in
        for c in t * chunks / threads..<(t + 1) * chunks / threads { body(c) }
    }
    if !ran {
        for c in 0..<chunks { body(c) }
    }
    #else
    withoutActuallyEscaping(body) { body in
        let shared = UncheckedBox(body)
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            for c in t * chunks / threads..<(t + 1) * chunks / threads { shared.value(c) }
        }
    }
    #endif
}

private struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
