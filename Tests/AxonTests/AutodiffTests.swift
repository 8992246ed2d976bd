import Testing
@testable import Axon

@Suite("Reverse mode semantics")
struct ReverseModeTests {
    @Test func gradientsAccumulateUntilZeroed() throws {
        let x = try Tensor([1, -2, 3], shape: [3], requiresGrad: true)
        try (x * x).sum().backward()
        try (x * 3).sum().backward()
        #expect(x.grad?.scalars == [5, -1, 9])
        x.zeroGrad()
        try x.sum().backward()
        #expect(x.grad?.scalars == [1, 1, 1])
    }

    @Test func graphIsFreedAfterBackwardUnlessRetained() throws {
        let x = try Tensor([0.5, 2], shape: [2], requiresGrad: true)
        let y = try (x.exp() * x).sum()
        try y.backward(retainGraph: true)
        try y.backward()
        let once = x.grad?.scalars ?? []
        #expect(allClose(once, [2 * 1.5 * expf(0.5), 2 * 3 * expf(2)]))
        #expect(throws: AxonError.self) { try y.backward() }
    }

    @Test func nonScalarNeedsASeed() throws {
        let x = try Tensor([1, 2], shape: [2], requiresGrad: true)
        let y = try x * 2
        #expect(throws: AxonError.self) { try y.backward() }
        try y.backward(Tensor([1, 10], shape: [2]))
        #expect(x.grad?.scalars == [2, 20])
        #expect(throws: AxonError.self) { try (x * 2).backward(Tensor([1], shape: [1])) }
    }

    @Test func detachAndNoGradStopRecording() throws {
        let x = try Tensor([3], shape: [1], requiresGrad: true)
        let d = x.detached()
        #expect(!d.requiresGrad)
        let y = try withNoGrad { try x * x }
        #expect(!y.requiresGrad && y.isLeaf)
        #expect(GradMode.isEnabled)
        let z = try (x * d).sum()   // d is a constant: dz/dx = d = 3
        try z.backward()
        #expect(x.grad?.scalars == [3])
    }

    @Test func gradModeIsPerThread() {
        withNoGrad {
            #expect(!GradMode.isEnabled)
            let other = Thread.detachedGradMode()
            #expect(other)
        }
        #expect(GradMode.isEnabled)
    }

    @Test func sharedSubexpressionsSumTheirCotangents() throws {
        // f = (x*y) + (x*y)^2 with x*y reused: df/dx = y (1 + 2xy).
        let x = try Tensor(2, requiresGrad: true), y = try Tensor(3, requiresGrad: true)
        let p = try x * y
        try (p + p * p).backward()
        #expect(try x.grad?.item() == 3 * 13)
        #expect(try y.grad?.item() == 2 * 13)
    }

    @Test func gradientsFunctionLeavesGradAlone() throws {
        let x = try Tensor([1, 2], shape: [2], requiresGrad: true)
        let g = try gradients(of: [(x * x * x).sum()], wrt: [x])[0]
        #expect(g.scalars == [3, 12])
        #expect(x.grad == nil)
    }
}

@Suite("Higher order")
struct HigherOrderTests {
    /// Rosenbrock f(x, y) = (1 - x)^2 + 100 (y - x^2)^2 and its analytic Hessian.
    @Test func rosenbrockHessianVectorProduct() throws {
        let f: ([Tensor]) throws -> Tensor = { p in
            let x = try p[0].slice(axis: 0, start: 0, end: 1), y = try p[0].slice(axis: 0, start: 1, end: 2)
            return try ((1 - x).pow(2) + 100 * (y - x.pow(2)).pow(2)).sum()
        }
        for (point, direction) in [([Float(-1.2), 1], [Float(0.3), -0.7]), ([1, 1], [1, 0]), ([0.5, -0.25], [-2, 1])] {
            let (x, y) = (point[0], point[1])
            let h = [[2 - 400 * (y - 3 * x * x), -400 * x], [-400 * x, 200]]
            let expected = [h[0][0] * direction[0] + h[0][1] * direction[1],
                            h[1][0] * direction[0] + h[1][1] * direction[1]]
            let hv = try hessianVectorProduct(of: f, at: [Tensor(point, shape: [2])],
                                              direction: [Tensor(direction, shape: [2])])
            #expect(allClose(hv[0].scalars, expected, rtol: 1e-5, atol: 1e-3), "\(hv[0].scalars) vs \(expected)")
        }
    }

    /// A two-layer tanh MLP's MSE loss: HVP with respect to all weights against finite
    /// differences of the gradient.
    @Test func mlpLossHessianVectorProduct() throws {
        var inputs = Inputs(seed: 3)
        let x = try inputs.normal([8, 4]), target = try inputs.normal([8, 2])
        let params = [try inputs.normal([4, 6], std: 0.5), try inputs.normal([6], std: 0.1),
                      try inputs.normal([6, 2], std: 0.5), try inputs.normal([2], std: 0.1)]
        let loss: ([Tensor]) throws -> Tensor = { p in
            let hidden = try (x.matmul(p[0]) + p[1]).tanh()
            let out = try hidden.matmul(p[2]) + p[3]
            return try (out - target).pow(2).mean()
        }
        let report = try GradientCheck().secondOrder(of: loss, at: params)
        #expect(report.passed, "\(report)")
        // And the Newton step on a small quadratic lands on its minimum in one step.
        let a = try Tensor([3, 1, 1, 2], shape: [2, 2]), b = try Tensor([1, -1], shape: [2])
        let quadratic: ([Tensor]) throws -> Tensor = { p in
            try (p[0].matmul(a).matmul(p[0]) * 0.5 - p[0].matmul(b)).sum()
        }
        let x0 = try Tensor([0, 0], shape: [2])
        let g = try gradients(of: [quadratic([x0.requiringGrad()])], wrt: [x0])[0]
        // Build H column by column from HVPs, solve the 2x2 system, step.
        let h0 = try hessianVectorProduct(of: quadratic, at: [x0], direction: [Tensor([1, 0], shape: [2])])[0].scalars
        let h1 = try hessianVectorProduct(of: quadratic, at: [x0], direction: [Tensor([0, 1], shape: [2])])[0].scalars
        let det = h0[0] * h1[1] - h1[0] * h0[1]
        let gs = g.scalars
        let step = [(h1[1] * gs[0] - h1[0] * gs[1]) / det, (-h0[1] * gs[0] + h0[0] * gs[1]) / det]
        let newton = [x0.scalars[0] - step[0], x0.scalars[1] - step[1]]
        #expect(allClose(newton, [0.6, -0.8], rtol: 1e-5, atol: 1e-6))
    }

    @Test func gradientPenaltyIsDifferentiable() throws {
        // Omega(W) = ||d loss / d x||^2 for loss = sum(tanh(x W)); check d Omega / d W by
        // finite differences.
        var inputs = Inputs(seed: 4)
        let x = try inputs.normal([3, 4])
        let penalty: ([Tensor]) throws -> Tensor = { p in
            let xx = x.detached().requiringGrad()
            let loss = try xx.matmul(p[0]).tanh().sum()
            let gx = try gradients(of: [loss], wrt: [xx], createGraph: true)[0]
            return try (gx * gx).sum()
        }
        let report = try GradientCheck().vjp(of: penalty, at: [inputs.normal([4, 5], std: 0.5)])
        #expect(report.passed, "\(report)")
    }

    @Test func thirdDerivative() throws {
        // d^3/dx^3 sin(x) = -cos(x).
        let x = try Tensor([0.3, 1.1], shape: [2], requiresGrad: true)
        let y = try x.sin().sum()
        let g1 = try gradients(of: [y], wrt: [x], createGraph: true)[0]
        let g2 = try gradients(of: [g1.sum()], wrt: [x], createGraph: true)[0]
        let g3 = try gradients(of: [g2.sum()], wrt: [x])[0]
        #expect(allClose(g3.scalars, [-cosf(0.3), -cosf(1.1)]))
    }
}

@Suite("Forward mode")
struct ForwardModeTests {
    @Test func jvpOfComposite() throws {
        // f(x) = exp(x) * sin(x): J v = (exp(x) sin(x) + exp(x) cos(x)) v.
        let x: [Float] = [0.1, -0.4, 2]
        let v: [Float] = [1, 2, -1]
        let (y, t) = try jvp(of: { try $0[0].exp() * $0[0].sin() }, at: [Tensor(x, shape: [3])],
                             tangents: [Tensor(v, shape: [3])])
        let expected = zip(x, v).map { (expf($0) * sinf($0) + expf($0) * cosf($0)) * $1 }
        #expect(allClose(t.scalars, expected))
        #expect(allClose(y.scalars, x.map { expf($0) * sinf($0) }))
    }

    @Test func forwardOverReverseGivesHessianVectorProducts() throws {
        // jvp of the gradient of f(x) = sum(x^3) along v is 6 x v.
        let x = try Tensor([1, -2], shape: [2]), v = try Tensor([0.5, 3], shape: [2])
        let (_, hv) = try jvp(of: { p in
            let xx = p[0]
            xx.requiresGrad = true
            return try gradients(of: [xx.pow(3).sum()], wrt: [xx], createGraph: true)[0]
        }, at: [x], tangents: [v])
        #expect(allClose(hv.scalars, [3, -36]))
    }

    @Test func independentOutputHasZeroTangent() throws {
        let (_, t) = try jvp(of: { _ in try Tensor([1, 2], shape: [2]) }, at: [Tensor(1)], tangents: [Tensor(1)])
        #expect(t.scalars == [0, 0])
    }
}

#if canImport(Glibc)
import Glibc
#endif
import Foundation

extension Tensor {
    func requiringGrad() -> Tensor {
        requiresGrad = true
        return self
    }
}

extension Thread {
    /// Reads GradMode.isEnabled on a fresh thread.
    static func detachedGradMode() -> Bool {
        final class Box: @unchecked Sendable { var value = false }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.value = GradMode.isEnabled
            done.signal()
        }
        thread.start()
        done.wait()
        return box.value
    }
}

@Suite("Dual tensors")
struct DualTests {
    @Test func dualPropagatesTangents() throws {
        let x = try Tensor([0.5, 2], shape: [2]).makingDual(tangent: Tensor([1, -1], shape: [2]))
        let y = try x.exp() * x
        let t = try #require(y.tangent)
        #expect(allClose(t.scalars, [expf(0.5) * 1.5 * 1, expf(2) * 3 * -1]))
        #expect(throws: AxonError.self) { try x.makingDual(tangent: Tensor.ones([3])) }
    }
}
