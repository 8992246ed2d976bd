import AxonISA

/// What the processor running the program offers, and what the kernels use of it.
public enum CPU {
    /// The vector features of this CPU that matter to the kernels, read at run time:
    /// some of "avx2", "fma", "avx512f", "avx512vl", "avx512bw".
    public static let features: [String] = {
        let bits = axon_cpu_feature_bits()
        return ["avx2", "fma", "avx512f", "avx512vl", "avx512bw"].enumerated()
            .filter { bits & (1 << UInt32($0.offset)) != 0 }.map(\.element)
    }()

    /// The instruction set the kernels run on: "avx2+fma" when the build targets it (and so
    /// the CPU must have it), else "baseline".
    public static var kernelPath: String { AXON_ISA_FMA != 0 ? "avx2+fma" : "baseline" }
}
