import Testing
@testable import Axon

/// The creation helpers the C door exposes (eye, the *_like family, randint, randperm,
/// requires_grad on arange and linspace) and the argument checks added for it.
@Suite("Creation and random tensors")
struct CreationAndRandomTests {
    @Test func eyeHasOnesOnTheMainDiagonal() throws {
        let e = try Tensor.eye(2, 3, requiresGrad: true)
        #expect(e.shape == [2, 3])
        #expect(e.scalars == [1, 0, 0, 0, 1, 0])
        #expect(e.requiresGrad)
        #expect(try Tensor.eye(3).scalars == [1, 0, 0, 0, 1, 0, 0, 0, 1])
        #expect(try Tensor.eye(0, 2).shape == [0, 2])
        #expect(throws: AxonError.self) { try Tensor.eye(-1) }
    }

    @Test func likeTakesOnlyTheShape() throws {
        let a = try Tensor([1, 2, 3, 4, 5, 6], shape: [3, 2], requiresGrad: true)
        let z = try Tensor.zeros(like: a), o = try Tensor.ones(like: a, requiresGrad: true)
        let f = try Tensor.full(like: a, -1.5)
        #expect(z.shape == [3, 2] && z.scalars.allSatisfy { $0 == 0 } && !z.requiresGrad)
        #expect(o.scalars.allSatisfy { $0 == 1 } && o.requiresGrad)
        #expect(f.scalars == [Float](repeating: -1.5, count: 6))
    }

    @Test func arangeAndLinspaceTakeRequiresGrad() throws {
        #expect(try Tensor.arange(0, 3, requiresGrad: true).requiresGrad)
        #expect(try Tensor.linspace(0, 1, count: 5, requiresGrad: true).requiresGrad)
        #expect(try !Tensor.linspace(0, 1, count: 5).requiresGrad)
        #expect(throws: AxonError.self) { try Tensor.linspace(.nan, 1, count: 3) }
    }

    @Test func randintDrawsOneNextIntPerElement() throws {
        var g = PRNG(seed: 5), reference = PRNG(seed: 5)
        let t = try Tensor.randint(low: -3, high: 4, shape: [4, 5], generator: &g)
        #expect(t.shape == [4, 5])
        #expect(t.scalars == (0..<20).map { _ in Float(-3 + reference.nextInt(below: 7)) })
        #expect(g == reference)
        #expect(Set(t.scalars).isSubset(of: Set((-3..<4).map(Float.init))))
    }

    @Test func randintRefusesBadRangesWithoutDrawing() throws {
        var g = PRNG(seed: 1)
        let before = g
        #expect(throws: AxonError.self) { try Tensor.randint(low: 2, high: 2, shape: [3], generator: &g) }
        #expect(throws: AxonError.self) { try Tensor.randint(low: 0, high: 1 << 25, shape: [3], generator: &g) }
        #expect(throws: AxonError.self) { try Tensor.randint(low: 0, high: 2, shape: [-1], generator: &g) }
        #expect(g == before)
    }

    @Test func randpermIsAFisherYatesShuffle() throws {
        var g = PRNG(seed: 9), reference = PRNG(seed: 9)
        let p = try Tensor.randperm(10, generator: &g)
        var expected = (0..<10).map(Float.init)
        for i in stride(from: 9, to: 0, by: -1) { expected.swapAt(i, reference.nextInt(below: i + 1)) }
        #expect(p.scalars == expected)
        #expect(p.scalars.sorted() == (0..<10).map(Float.init))
        #expect(g == reference)
        #expect(try Tensor.randperm(0, generator: &g).shape == [0])
        #expect(try Tensor.randperm(1, generator: &g).scalars == [0])
        #expect(throws: AxonError.self) { try Tensor.randperm(-1, generator: &g) }
        #expect(throws: AxonError.self) { try Tensor.randperm((1 << 24) + 1, generator: &g) }
    }

    @Test func hyperparametersAreChecked() throws {
        let x = try Tensor([1, -1, 2], shape: [3])
        #expect(throws: AxonError.self) { try x.elu(alpha: .nan) }
        #expect(throws: AxonError.self) { try x.leakyRelu(slope: .infinity) }
        #expect(throws: AxonError.self) { try x.variance(correction: -1) }
    }

    @Test func logSumExpOverAllAxes() throws {
        let x = try Tensor([0, 1, 2, 3], shape: [2, 2])
        let all = try x.logSumExp(axes: nil)
        #expect(all.shape == [])
        #expect(Swift.abs(try all.item() - logf(1 + expf(1) + expf(2) + expf(3))) < 1e-6)
        #expect(try x.logSumExp(axes: nil, keepDims: true).shape == [1, 1])
    }

    @Test func gradientsTakeAMissingSeedForAScalarOutput() throws {
        let x = try Tensor([0.5, -1, 2], shape: [3], requiresGrad: true)
        let v = try Tensor([1, 2, 3], shape: [3])
        let y1 = try x * x, y2 = try x.sum()
        let g = try gradients(of: [y1, y2], wrt: [x], seeds: [v, nil])[0]
        let expected: [Float] = [2, -3, 13]   // 2 x v + 1
        #expect(g.scalars == expected)
        #expect(x.grad == nil)
        #expect(throws: AxonError.self) { try gradients(of: [y1], wrt: [x], seeds: [nil]) }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
