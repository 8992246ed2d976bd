import AxonKernels
import Synchronization

/// What the processor running the program offers, and which machine kernels Axon uses on it.
///
/// The inner loops (the GEMM micro-kernel and row dot products) are compiled for AVX-512, for
/// AVX2 + FMA and for baseline x86-64 in every build, and one set is chosen at run time: the
/// best the CPU runs, or the one the environment variable `AXON_KERNELS` names ("avx512",
/// "avx2", "baseline", or "avx512-tiles": AVX-512's tile shapes on AVX2 instructions, for
/// testing that path on machines without AVX-512). "avx512" and "avx2" give bit-identical
/// results; "baseline" does not fuse multiply-adds, so its last bits may differ.
public enum CPU {
    /// The vector features of this CPU that matter to the kernels, read at run time:
    /// some of "avx2", "fma", "avx512f", "avx512vl", "avx512bw".
    public static let features: [String] = {
        let bits = axon_cpu_feature_bits()
        return ["avx2", "fma", "avx512f", "avx512vl", "avx512bw"].enumerated()
            .filter { bits & (1 << UInt32($0.offset)) != 0 }.map(\.element)
    }()

    /// The kernel path in use: "avx512", "avx2", "baseline" or "avx512-tiles".
    public static var kernelPath: String { String(cString: Kernels.current.name) }

    /// The kernel paths this CPU runs.
    public static var availableKernelPaths: [String] {
        (0..<Int32(AXON_PATH_COUNT)).filter { axon_kernels_runs($0) != 0 }
            .map { String(cString: axon_kernels_for($0).pointee.name) }
    }
}

/// The selected kernel table. Each kernel call reads it once (`current`), so switching paths
/// while another thread computes never mixes the tile shapes of two paths in one product.
enum Kernels {
    private static let selected = Atomic<Int32>(axon_kernels_default_path())

    static var current: axon_kernel_table { axon_kernels_for(selected.load(ordering: .relaxed)).pointee }

    /// Switches to the path named `name` (for tests). Returns false, changing nothing, when
    /// the name is unknown or this CPU cannot run it.
    @discardableResult
    static func select(_ name: String) -> Bool {
        let runnable = (0..<Int32(AXON_PATH_COUNT)).filter { axon_kernels_runs($0) != 0 }
        guard let path = runnable.first(where: { String(cString: axon_kernels_for($0).pointee.name) == name }) else {
            return false
        }
        selected.store(path, ordering: .relaxed)
        return true
    }
}
