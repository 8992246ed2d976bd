import Testing
@testable import Axon
@testable import AxonCLI

/// The polynomial fit of PyTorch's "Learning PyTorch with Examples" tutorial: fit
/// y = a + b x + c x^2 + d x^3 to sin on [-pi, pi] by plain gradient descent through Axon's
/// autodiff, compared with PyTorch's run of the same computation
/// (Fixtures/generate_polyfit.py -> polyfit.json).
@Suite("Polynomial fit against PyTorch")
struct PolynomialFitTests {
    @Test func matchesPyTorchTrajectory() throws {
        let reference = try Fixtures.load("polyfit.json")
        let start = try #require(reference["start"] as? [String: Double])
        let final = try #require(reference["final"] as? [String: Double])
        let losses = try #require(reference["losses_every_100"] as? [Double])
        let steps = try #require(reference["steps"] as? Int)
        let learningRate = Float(try #require(reference["learning_rate"] as? Double))

        let names = ["a", "b", "c", "d"]
        let fit = try PolynomialFit(start: names.map { Float(start[$0] ?? .nan) })
        var recorded: [Float] = []
        for t in 0..<steps {
            let loss = try fit.step(learningRate: learningRate)
            if t % 100 == 99 { recorded.append(loss) }
        }
        let finalLoss = try fit.loss().item()
        let got = fit.coefficients
        for (name, value) in zip(names, got) {
            let expected = Float(final[name] ?? .nan)
            #expect(Swift.abs(value - expected) <= 1e-4 * Swift.abs(expected),
                    "\(name): \(value) vs PyTorch \(expected)")
        }
        let expectedLoss = Float(try #require(reference["final_loss"] as? Double))
        #expect(Swift.abs(finalLoss - expectedLoss) <= 1e-4 * expectedLoss,
                "loss \(finalLoss) vs PyTorch \(expectedLoss)")
        #expect(allClose(recorded, losses.map(Float.init), rtol: 1e-4, atol: 0))
    }
}
