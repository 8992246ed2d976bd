import AxonKernels
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import Axon

/// The machine-kernel paths: each is accurate, the FMA paths agree bit for bit, and a model's
/// outputs and gradients do not depend on the path or on the thread count.
@Suite("Kernel paths", .serialized)
struct KernelPathTests {
    /// The tables this CPU runs (baseline, avx2, avx512-tiles, and avx512 where present).
    static var tables: [axon_kernel_table] {
        (0..<Int32(AXON_PATH_COUNT)).filter { axon_kernels_runs($0) != 0 }.map { axon_kernels_for($0).pointee }
    }

    /// C = op(A) op(B) through `Gemm.multiply` with the given path.
    func product(_ a: Tensor, _ b: Tensor, _ ta: Bool, _ tb: Bool, accumulateInto c0: Tensor? = nil,
                 kernels: axon_kernel_table) throws -> Tensor {
        let (m, k) = ta ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        let n = tb ? b.shape[0] : b.shape[1]
        let c = try c0?.copy() ?? Tensor.zeros([m, n])
        let opA = Gemm.Operand(base: a.pointer, rowStride: ta ? 1 : a.shape[1], colStride: ta ? a.shape[1] : 1)
        let opB = Gemm.Operand(base: b.pointer, rowStride: tb ? 1 : b.shape[1], colStride: tb ? b.shape[1] : 1)
        Gemm.multiply(m: m, n: n, k: k, a: opA, b: opB, c: c.pointer, ldc: n, accumulate: c0 != nil,
                      parallel: true, kernels: kernels)
        return c
    }

    /// Edge tiles of every path's shape, several k blocks, the dot-product path (m <= 4 with
    /// B transposed), the transposed product (few rows, wide transposed B) and accumulation,
    /// against double precision.
    @Test(arguments: [(1, 7, 300), (3, 37, 17), (4, 9, 16), (9, 33, 257), (50, 70, 600), (13, 203, 300)])
    func everyPathIsAccurate(_ size: (Int, Int, Int)) throws {
        let (m, n, k) = size
        var inputs = Inputs(seed: UInt64(m * 7 + n))
        let kernelTests = KernelTests()
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            let a = try inputs.normal(ta ? [k, m] : [m, k]), b = try inputs.normal(tb ? [n, k] : [k, n])
            let c0 = try inputs.normal([m, n])
            let expected = kernelTests.reference(a, b, transposeA: ta, transposeB: tb)
            for kernels in Self.tables {
                let name = String(cString: kernels.name)
                let c = try product(a, b, ta, tb, kernels: kernels)
                let worst = zip(c.scalars, expected).map { Swift.abs(Double($0) - $1) }.max() ?? 0
                #expect(worst <= 2e-5 * Double(k).squareRoot(), "\(name) \(size) \(ta) \(tb): error \(worst)")
                let sum = try product(a, b, ta, tb, accumulateInto: c0, kernels: kernels)
                let worstSum = zip(sum.scalars, zip(c0.scalars, expected)).map { s, r in
                    Swift.abs(Double(s) - Double(r.0) - r.1)
                }.max() ?? 0
                #expect(worstSum <= 2e-5 * Double(k).squareRoot(), "\(name) \(size) accumulate: \(worstSum)")
            }
        }
    }

    /// Every path's transposing pack writes exactly the definition, dst[p * nr + j] =
    /// src[j * ld + p] (0 past `width`), for sliver widths 6, 8, 16 and 32, every partial
    /// width and shared dimensions around multiples of 8, and nothing past its kc x nr floats.
    @Test func transposingPackMatchesItsDefinition() {
        let ld = 41
        let src = (0..<(32 * ld)).map { Float($0) + 0.5 }
        for kernels in Self.tables {
            for nr in [6, 8, 16, 32] {
                for width in 1...nr {
                    for kc in [1, 7, 8, 9, 16, 23, 40] {
                        var dst = [Float](repeating: -1, count: kc * nr + 8)
                        src.withUnsafeBufferPointer { s in
                            dst.withUnsafeMutableBufferPointer { d in
                                kernels.pack_transposed(kc, width, s.baseAddress!, ld, d.baseAddress!, nr)
                            }
                        }
                        var expected = [Float](repeating: -1, count: kc * nr + 8)
                        for p in 0..<kc {
                            for j in 0..<nr { expected[p * nr + j] = j < width ? src[j * ld + p] : 0 }
                        }
                        #expect(dst == expected, "\(String(cString: kernels.name)) nr \(nr) width \(width) kc \(kc)")
                    }
                }
            }
        }
    }

    /// The FMA paths (avx2, avx512-tiles, avx512) give the same bits for every product shape.
    @Test func fmaPathsAgreeBitForBit() throws {
        let fma = Self.tables.filter { $0.path != Int32(AXON_PATH_BASELINE) }
        try #require(fma.count >= 2, "this CPU has no FMA: only the baseline path runs")
        var inputs = Inputs(seed: 3)
        for (m, n, k) in [(2, 40, 1000), (33, 65, 700), (130, 47, 300), (8, 32, 256), (13, 203, 300)] {
            for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                let a = try inputs.normal(ta ? [k, m] : [m, k]), b = try inputs.normal(tb ? [n, k] : [k, n])
                let bits = try fma.map { try product(a, b, ta, tb, kernels: $0).scalars.map(\.bitPattern) }
                for (kernels, other) in zip(fma.dropFirst(), bits.dropFirst()) {
                    #expect(other == bits[0], "\(String(cString: kernels.name)) differs: \(m)x\(n)x\(k) \(ta) \(tb)")
                }
            }
        }
    }

    /// A row-major A of few rows times a wide transposed B runs as the transposed product, with
    /// B's rows read in place: the same bits as the same B stored row-major, which is packed.
    @Test func transposedProductKeepsTheBits() throws {
        var inputs = Inputs(seed: 5)
        for (m, n, k) in [(13, 203, 300), (64, 136, 600), (5, 129, 17)] {
            let a = try inputs.normal([m, k]), bt = try inputs.normal([n, k]), c0 = try inputs.normal([m, n])
            let b = try bt.transposed(0, 1)
            for kernels in Self.tables {
                let name = String(cString: kernels.name)
                #expect(try product(a, bt, false, true, kernels: kernels).scalars.map(\.bitPattern)
                    == product(a, b, false, false, kernels: kernels).scalars.map(\.bitPattern), "\(name) \(m)x\(n)")
                #expect(try product(a, bt, false, true, accumulateInto: c0, kernels: kernels).scalars.map(\.bitPattern)
                    == product(a, b, false, false, accumulateInto: c0, kernels: kernels).scalars.map(\.bitPattern),
                    "\(name) \(m)x\(n) accumulate")
            }
        }
    }

    /// A parameter being trained is not packed (it changes between products); an unchanged one
    /// is packed at its second product and keeps that pack.
    @Test func trainedWeightsAreNotPacked() throws {
        var g = PRNG(seed: 9)
        let layer = try Linear(300, 200, bias: false, generator: &g)
        let x = try Tensor.normal([20, 300], generator: &g)
        let first = try withNoGrad { try layer(x) }
        #expect(layer.weight.storage.packs.withLock { $0.packs.count } == 0)
        #expect(try withNoGrad { try layer(x) }.scalars == first.scalars)
        #expect(layer.weight.storage.packs.withLock { $0.packs.count } == 1)
        #expect(try withNoGrad { try layer(x) }.scalars == first.scalars)
        for step in 1...3 {
            try layer.weight.assign(layer.weight * 2)
            let scaled = try withNoGrad { try layer(x) }
            let factor = Float(1 << step)
            #expect(scaled.scalars == first.scalars.map { $0 * factor })
            #expect(layer.weight.storage.packs.withLock { $0.packs.count } == 1, "no pack for a changed weight")
        }
    }

    /// A parameter's packed form is reused while it is unchanged and repacked after any write.
    @Test func packedWeightsFollowTheirParameter() throws {
        var g = PRNG(seed: 8)
        let layer = try Linear(300, 70, bias: false, generator: &g)
        let x = try Tensor.normal([20, 300], generator: &g)
        let first = try withNoGrad { try layer(x) }
        #expect(layer.weight.storage.packs.withLock { $0.packs.count } == 1)
        #expect(try withNoGrad { try layer(x) }.scalars == first.scalars)
        try layer.weight.assign(layer.weight * 2)
        let doubled = try withNoGrad { try layer(x) }
        #expect(doubled.scalars == first.scalars.map { $0 * 2 })
        layer.weight.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        #expect(try withNoGrad { try layer(x) }.scalars.allSatisfy { $0 == 0 })
        #expect(layer.weight.storage.packs.withLock { $0.packs.count } == 1, "stale packs are dropped")
    }

    /// An MLP and a CNN: loss, outputs and every gradient, for each FMA path with 1 and 2
    /// threads, are bit-identical (on baseline, when a run forces it: with 1 and 2 threads).
    @Test func modelsDoNotDependOnPathOrThreads() throws {
        let specs = ["linear 40 64; batchnorm1d 64; relu; dropout 0.2; linear 64 64; tanh; linear 64 5",
                     "conv2d 2 6 3 padding=1; batchnorm2d 6; relu; maxpool2d 2; conv2d 6 8 3; relu; flatten; "
                        + "linear 32 5"]
        let shapes = [[37, 40], [9, 2, 8, 8]]
        let savedThreads = Threading.threadCount, savedPath = CPU.kernelPath
        defer { Threading.threadCount = savedThreads; Kernels.select(savedPath) }
        for (spec, shape) in zip(specs, shapes) {
            func run() throws -> [UInt32] {
                var g = PRNG(seed: 21)
                let model = try LayerSpec.parse(spec).build(generator: &g)
                let x = try Tensor.normal(shape, generator: &g)
                let labels = try Tensor((0..<shape[0]).map { Float($0 % 5) }, shape: [shape[0]])
                let y = try model(x)
                let loss = try crossEntropy(y, labels)
                try loss.backward()
                return (y.scalars + [try loss.item()] + model.parameters().flatMap { $0.grad?.scalars ?? [] })
                    .map(\.bitPattern)
            }
            // Only FMA paths are switched to: they give the same bits, so tests running at the
            // same time never notice. A run forced onto baseline checks the thread counts only.
            let onBaseline = savedPath == "baseline"
            let paths = Self.tables.filter { onBaseline == ($0.path == Int32(AXON_PATH_BASELINE)) }
            var reference: [UInt32]?
            for kernels in paths {
                for threads in [1, 2] {
                    Threading.threadCount = threads
                    #expect(Kernels.select(String(cString: kernels.name)))
                    let bits = try run()
                    if let reference {
                        #expect(bits == reference, "\(spec): \(String(cString: kernels.name)), \(threads) threads")
                    } else {
                        reference = bits
                    }
                }
            }
            #expect(reference != nil)
        }
    }

    /// AXON_KERNELS (when set to a path this CPU runs) chose the path at start-up.
    @Test func theEnvironmentChoosesThePath() throws {
        let forced = try #require(getenv("AXON_KERNELS").map { String(cString: $0) } ?? Optional("none"))
        let initial = String(cString: axon_kernels_for(axon_kernels_default_path()).pointee.name)
        if CPU.availableKernelPaths.contains(forced) {
            #expect(initial == forced)
        } else {
            let paths = CPU.availableKernelPaths
            #expect(initial == (paths.contains("avx512") ? "avx512" : paths.contains("avx2") ? "avx2" : "baseline"))
        }
    }

    @Test func aForcedPathMustRunHere() {
        #expect(!Kernels.select("no-such-path"))
        #expect(CPU.availableKernelPaths.contains(CPU.kernelPath))
        #expect(CPU.availableKernelPaths.contains("baseline"))
    }
}
