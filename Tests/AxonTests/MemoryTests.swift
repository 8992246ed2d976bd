import Foundation
import Testing
@testable import Axon

/// A steady training step takes no tensor buffer from the system: every buffer comes back
/// from the pool (on one thread from the fourth step on; with worker threads once the pool has
/// seen the largest overlap of their scratch buffers). The count is process-wide, so this runs alone (run_all.sh sets
/// AXON_MEMORY_TEST=1 for a separate `swift test --filter Memory` run).
@Suite("Memory", .serialized, .enabled(if: ProcessInfo.processInfo.environment["AXON_MEMORY_TEST"] == "1"))
struct MemoryTests {
    @Test(arguments: [1, 2])
    func aSteadyTrainingStepAllocatesNoBuffers(threads: Int) throws {
        let saved = Threading.threadCount
        defer { Threading.threadCount = saved }
        Threading.threadCount = threads
        var g = PRNG(seed: 4)
        let spec = "linear 100 300; batchnorm1d 300; relu; dropout 0.2; linear 300 300; tanh; linear 300 10"
        let model = try LayerSpec.parse(spec).build(generator: &g)
        let cnn = try LayerSpec.parse("conv2d 1 4 3 padding=1; batchnorm2d 4; relu; maxpool2d 2; flatten; "
                                      + "linear 64 10").build(generator: &g)
        let optimizer = try Adam(groups: [ParameterGroup(model.parameters() + cnn.parameters(), .init())])
        let x = try Tensor.normal([64, 100], generator: &g), images = try Tensor.normal([8, 1, 8, 8], generator: &g)
        let y = try Tensor((0..<64).map { Float($0 % 10) }, shape: [64])
        func step() throws {
            optimizer.zeroGrad()
            let loss = try crossEntropy(model(x), y) + crossEntropy(cnn(images), y.slice(axis: 0, start: 0, end: 8))
            try loss.backward()
            try optimizer.step()
        }
        for _ in 0..<3 { try step() }
        if threads == 1 {
            let before = BufferPool.systemAllocations
            for _ in 0..<5 { try step() }
            #expect(BufferPool.systemAllocations == before)
        } else {
            // Worker threads allocate scratch concurrently, so how many buffers of one size are
            // in use at once depends on scheduling: the pool grows to the largest such overlap
            // seen so far. It must still settle: 5 steps in a row with no new buffer, within 50.
            var quiet = 0
            for _ in 0..<50 where quiet < 5 {
                let before = BufferPool.systemAllocations
                try step()
                quiet = BufferPool.systemAllocations == before ? quiet + 1 : 0
            }
            #expect(quiet == 5)
        }
        #expect(Memory.cachedBytes > 0)
        Memory.releaseCachedBuffers()
        #expect(Memory.cachedBytes == 0)
    }
}
