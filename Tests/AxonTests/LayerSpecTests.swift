import Testing
@testable import Axon

@Suite("Layer specs")
struct LayerSpecTests {
    @Test func textBuildsTheSameTreeAsCode() throws {
        var g = PRNG(seed: 1)
        let spec = try LayerSpec.parse("linear 784 256; batchnorm1d 256; relu; dropout 0.2\nlinear 256 10")
        let model = try spec.build(generator: &g)
        var h = PRNG(seed: 1)
        let byHand = Sequential(try Linear(784, 256, generator: &h), try BatchNorm1d(256), ReLU(), try Dropout(p: 0.2),
                                try Linear(256, 10, generator: &h))
        #expect(model.stateDict().map(\.name) == byHand.stateDict().map(\.name))
        #expect(model.parameters().flatMap(\.scalars) == byHand.parameters().flatMap(\.scalars))
        #expect(model.spec == byHand.spec)
        #expect(spec.description.hasPrefix("sequential { linear in=784 out=256 bias=true; batchnorm1d features=256"))
    }

    @Test func everyKindRoundTrips() throws {
        let text = """
            conv2d 3 8 3 stride=2 padding=1x0 groups=1; maxpool2d 2; avgpool2d 3 stride=1 padding=1
            batchnorm2d 8 momentum=none; instancenorm2d 8 affine=true track=true; groupnorm 2 8
            dropout2d 0.1; flatten; layernorm 4x5 eps=1e-6; linear 20 12 bias=false; maxout 3
            leakyrelu 0.2; elu; gelu; sigmoid; tanh; softplus; identity; softmax 1; logsoftmax
            residual { linear 4 4; tanh }; weightnorm { linear 4 2 }; weightnorm { conv2d 2 2 1 }
            sequential { relu; sequential { relu } }
            """
        var g = PRNG(seed: 2)
        let spec = try LayerSpec.parse(text)
        let model = try spec.build(generator: &g)
        let described = try #require(model.spec)
        #expect(described == spec, "\(described)\nvs\n\(spec)")
        #expect(try LayerSpec.parse(described.description) == described)
        #expect(described.children.count == 24)
    }

    @Test func customLayersHaveNoSpec() {
        final class Custom: Layer {
            var training = true
            func forward(_ input: Tensor) throws -> Tensor { input }
        }
        #expect(Sequential(ReLU(), Custom()).spec == nil)
    }

    @Test func badTextIsAFormatError() {
        for text in ["lnear 3 4", "linear 3", "linear 3 4 5", "linear 3 4 bogus=1", "linear x 4", "residual { relu",
                     "relu }", "{ relu }", "relu { tanh }", "conv2d 1 2 3x", "dropout p=abc", "layernorm 0x",
                     "batchnorm1d 4 affine=maybe", String(repeating: "sequential { ", count: 70)] {
            var g = PRNG(seed: 0)
            do {
                _ = try LayerSpec.parse(text).build(generator: &g)
                Issue.record("'\(text)' was accepted")
            } catch let e as AxonError {
                #expect(e.kind == .format || e.kind == .invalidArgument, "\(text): \(e)")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test func randomTextNeverTraps() throws {
        var g = PRNG(seed: 5)
        let alphabet = Array(
            "linear conv2d relu residual { } ; = x 0 1 2 3 -1 batchnorm1d dropout 0.5 kernel stride true\n")
        var built = 0
        for _ in 0..<3000 {
            let text = String((0..<g.nextInt(below: 60)).map { _ in alphabet[g.nextInt(below: alphabet.count)] })
            if let spec = try? LayerSpec.parse(text), (try? spec.build(generator: &g)) != nil { built += 1 }
        }
        #expect(built > 0)
    }
}
