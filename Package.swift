// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Axon",
    products: [
        // MARK: - Public API
        /// The Swift library: `import Axon`.
        .library(name: "Axon", targets: ["Axon"]),
        /// `libaxon.so`, the C door described by `include/axon.h`.
        .library(name: "axon", type: .dynamic, targets: ["AxonC"]),
        /// The command-line program (the main job).
        .executable(name: "axon-cli", targets: ["AxonCLI"]),
    ],
    targets: [
        // MARK: - Implementation details
        /// C: the inner loops compiled for AVX-512, AVX2 + FMA and baseline, chosen at run time.
        .target(name: "AxonKernels"),
        /// The pure-Swift core: tensors, kernels, autodiff, ops, layers, optimizers, training, files.
        .target(name: "Axon", dependencies: ["AxonKernels"], exclude: ["Serialization/FORMAT.md"]),
        /// include/axon.h as a Clang module, so the shim uses the header's own types.
        .target(name: "AxonCHeader", path: "Sources/AxonCHeader"),
        /// The `@_cdecl` shim behind include/axon.h.
        .target(name: "AxonC", dependencies: ["Axon", "AxonCHeader"], exclude: ["exports.map"]),
        .executableTarget(name: "AxonCLI", dependencies: ["Axon"]),
        .testTarget(name: "AxonTests", dependencies: ["Axon", "AxonCLI"], exclude: ["Fixtures"]),
    ]
)
