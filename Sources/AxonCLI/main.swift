import Axon
import Dispatch
var rng = PRNG(seed: 1)
for n in [64, 256, 512, 1024, 2048] {
    let a = try Tensor.normal([n, n], generator: &rng), b = try Tensor.normal([n, n], generator: &rng)
    for threads in [1, 2] {
        Threading.threadCount = threads
        _ = try a.matmul(b)
        let reps = max(1, 2_000_000_000 / (2 * n * n * n))
        let t0 = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<reps { _ = try a.matmul(b) }
        let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        print(n, threads, "GFLOPS", Double(2 * n * n * n * reps) / dt / 1e9)
    }
}
