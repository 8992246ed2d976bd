import Axon

/// The classic first autodiff example (PyTorch's "Learning PyTorch with Examples"): fit
/// y = a + b x + c x^2 + d x^3 to sin(x) on 2000 points of [-pi, pi] with plain gradient
/// descent on the summed squared error. It is the demo of `axon-cli polyfit`, and its test
/// checks that Axon's autodiff reproduces PyTorch's run of the same computation.
final class PolynomialFit {
    let x: Tensor
    let y: Tensor
    /// a, b, c, d as rank-0 tensors that require grad.
    let parameters: [Tensor]

    init(start: [Float], points: Int = 2000) throws {
        guard start.count == 4 else {
            throw AxonError(.invalidArgument, "PolynomialFit: need 4 starting coefficients, got \(start.count)")
        }
        x = try Tensor.linspace(-.pi, .pi, count: points)
        y = try x.sin()
        parameters = try start.map { try Tensor($0, requiresGrad: true) }
    }

    /// The current a, b, c, d.
    var coefficients: [Float] { parameters.map { $0.scalars[0] } }

    /// sum((a + b x + c x^2 + d x^3 - y)^2).
    func loss() throws -> Tensor {
        let (a, b, c, d) = (parameters[0], parameters[1], parameters[2], parameters[3])
        let prediction = try a + b * x + c * x.pow(2) + d * x.pow(3)
        return try (prediction - y).pow(2).sum()
    }

    /// One gradient-descent step; returns the loss before the step.
    @discardableResult
    func step(learningRate: Float) throws -> Float {
        let l = try loss()
        try l.backward()
        try withNoGrad {
            for p in parameters {
                guard let g = p.grad else { continue }
                try p.assign(p - g * learningRate)
                p.zeroGrad()
            }
        }
        return try l.item()
    }
}
