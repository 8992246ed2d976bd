// swift-tools-version:6.0
// The Swift half of the side-by-side benchmark (Tests/Benchmarks/run.sh): a package that depends on
// Axon by path, exactly as an application would, and uses only `import Axon`. It is built with a plain
// `swift build -c release` (no -march or -Xcc flags), so the numbers are what a dependent package gets.
import PackageDescription

// SwiftPM names a path dependency after its directory (the checkout's, e.g. "main"), not after the
// manifest's package name, so the product reference takes that name from the path.
let checkout = Context.packageDirectory.split(separator: "/").dropLast(3).last.map(String.init) ?? "Axon"

let package = Package(
    name: "AxonBench",
    dependencies: [.package(path: "../../..")],
    targets: [
        .executableTarget(name: "axon-bench", dependencies: [.product(name: "Axon", package: checkout)],
                          path: "Sources/axon-bench"),
    ]
)
