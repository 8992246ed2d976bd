import Testing
@testable import Axon
@testable import AxonCLI

/// In-place updates follow PyTorch's autograd rules (Ops+InPlace.swift).
@Suite("In-place updates")
struct InPlaceTests {
    @Test func updatesUnderNoGradAndCountsVersions() throws {
        let w = try Tensor([1, 2, 3], shape: [3], requiresGrad: true)
        let v0 = w.version
        try withNoGrad {
            try w.add_(Tensor([1, 1, 1], shape: [3]), alpha: -0.5)
            try w.mul_(2)
            try w.sub_(Tensor(1))
            try w.div_(Tensor([1, 2, 4], shape: [3]))
            try w.add_(1)
        }
        #expect(w.scalars == [1, 2, 2])   // ((x - 0.5) * 2 - 1) / [1, 2, 4] + 1
        #expect(w.version == v0 + 5)
    }

    @Test func refusesATensorThatRequiresGradWhileRecording() throws {
        let w = try Tensor([1, 2], shape: [2], requiresGrad: true)
        #expect(throws: AxonError.self) { try w.add_(Tensor(1)) }
        #expect(throws: AxonError.self) { try w.zero_() }
        #expect(throws: AxonError.self) { try w.copy_(Tensor(3)) }
        #expect(w.scalars == [1, 2])
        try withNoGrad { try w.zero_() }
        #expect(w.scalars == [0, 0])
    }

    @Test func backwardRefusesAnInputModifiedSince() throws {
        let x = try Tensor([1, 2], shape: [2], requiresGrad: true)
        let c = try Tensor([3, 4], shape: [2])
        let y = try (x * c).sum()
        try c.mul_(2)   // c does not require grad: allowed while recording, but y's graph needs it
        do {
            try y.backward()
            Issue.record("backward ran through a modified input")
        } catch let e as AxonError {
            #expect(e.kind == .invalidState && e.message.contains("modified in place"), "\(e)")
        }
        // An optimizer step between forward and backward is caught the same way.
        let z = try (x * x).sum()
        try withNoGrad { try x.sub_(Tensor(0.1)) }
        #expect(throws: AxonError.self) { try z.backward() }
    }

    @Test func copyBroadcastsAndAFailedUpdateChangesNothing() throws {
        let t = try Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        try t.copy_(Tensor([7, 8, 9], shape: [3]))
        #expect(t.scalars == [7, 8, 9, 7, 8, 9])
        let before = t.version
        #expect(throws: AxonError.self) { try t.copy_(Tensor([1, 2], shape: [2])) }
        #expect(throws: AxonError.self) { try t.add_(Tensor([1, 2, 3, 4], shape: [4, 1])) }   // [4, 3] != [2, 3]
        #expect(t.scalars == [7, 8, 9, 7, 8, 9] && t.version == before)
    }

    /// Gradient descent written with `sub_` and `zeroGrad` gives the polynomial fit's
    /// trajectory to the bit.
    @Test func handWrittenDescentMatchesThePolynomialFit() throws {
        let reference = try PolynomialFit(start: [-0.5, 0.8, 0.3, -0.1])
        let fit = try PolynomialFit(start: [-0.5, 0.8, 0.3, -0.1])
        for _ in 0..<50 {
            try reference.step(learningRate: 1e-6)
            let loss = try fit.loss()
            try loss.backward()
            try withNoGrad {
                for p in fit.parameters {
                    if let g = p.grad { try p.sub_(g, alpha: 1e-6) }
                    p.zeroGrad()
                }
            }
        }
        #expect(fit.coefficients.map(\.bitPattern) == reference.coefficients.map(\.bitPattern))
    }

    /// `add_` and `sub_` with an alpha run as one pass; their bits are those of the two ops they
    /// stand for (the product rounded first), broadcasting included.
    @Test func alphaUpdatesGiveTheBitsOfTheirTwoOps() throws {
        var generator = PRNG(seed: 7)
        func normals(_ n: Int) -> [Float] { (0..<n).map { _ in generator.nextNormal() } }
        let base = try Tensor(normals(12), shape: [3, 4])
        let full = try Tensor(normals(12), shape: [3, 4]), row = try Tensor(normals(4), shape: [4])
        for other in [full, row, try Tensor(Float(0.3))] {
            for alpha: Float in [0.1, -1e-6, 3.7] {
                let added = try base.copy(), subtracted = try base.copy()
                try withNoGrad {
                    try added.add_(other, alpha: alpha)
                    try subtracted.sub_(other, alpha: alpha)
                }
                #expect(added.scalars.map(\.bitPattern) == (try base + other * alpha).scalars.map(\.bitPattern))
                #expect(subtracted.scalars.map(\.bitPattern) == (try base - other * alpha).scalars.map(\.bitPattern))
            }
        }
        let rowBefore = row.scalars
        #expect(throws: AxonError.self) { try withNoGrad { try row.add_(full, alpha: 2) } }
        #expect(row.scalars == rowBefore)
    }

    /// A full sum has storage of its own, also for a rank-0 input, as in PyTorch.
    @Test func aSumOfAScalarIsNotAView() throws {
        let x = try Tensor(Float(2))
        let s = try x.sum(), m = try x.mean()
        try withNoGrad { try x.add_(1) }
        #expect(s.scalars == [2] && m.scalars == [2] && x.scalars == [3])
    }
}
