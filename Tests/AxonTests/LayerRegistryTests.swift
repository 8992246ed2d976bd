import Foundation
import Testing
@testable import Axon

/// The registry of layer kinds is the one list every door reads; these tests fail when a
/// kind is missing from a door's documentation or class list, or when a kind's declaration
/// disagrees with the layer it builds.
@Suite("Layer registry")
struct LayerRegistryTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// One spec per kind (with arguments where the kind needs them).
    static let examples = [
        "linear 4 3", "linear 4 3 bias=false", "conv2d 2 4 3",
        "conv2d 4 6 3x2 stride=2 padding=1 dilation=2x1 groups=2",
        "maxpool2d 2", "avgpool2d 3 stride=1 padding=1", "adaptiveavgpool2d 2x3", "relu", "gelu", "sigmoid", "tanh",
        "softplus", "identity", "leakyrelu 0.2", "elu", "softmax 1", "logsoftmax", "maxout 3", "flatten",
        "unflatten 1 2x-1", "dropout 0.1", "dropout2d", "batchnorm1d 4", "batchnorm1d 4 momentum=none affine=false",
        "batchnorm2d 3 track=false", "instancenorm2d 3 affine=true track=true", "layernorm 4x5", "groupnorm 2 6",
        "sequential { relu; linear 2 2 }", "residual { linear 3 3; tanh }", "weightnorm { linear 5 3 }",
        "weightnorm { conv2d 2 4 3 bias=false }",
    ]

    @Test func everyKindHasAnExample() throws {
        let covered = Set(try Self.examples.map { try LayerSpec.parse($0).kind })
        #expect(Set(LayerSpec.kinds) == covered)
        #expect(Set(LayerSpec.kinds).count == LayerSpec.kinds.count, "a kind is registered twice")
    }

    @Test(arguments: examples)
    func declarationAgreesWithTheLayer(_ text: String) throws {
        let spec = try LayerSpec.parse(text)
        var g = PRNG(seed: 3)
        let layer = try spec.build(generator: &g)
        // The description of the built layer is the canonical spec, and parses to itself.
        #expect(layer.spec == spec, "\(String(describing: layer.spec)) vs \(spec)")
        #expect(try LayerSpec.parse(spec.description) == spec)
        // The state shapes declared for the kind are those of the built layer.
        let declared = try spec.stateShapes().map { $0.map(String.init).joined(separator: "x") }.sorted()
        let built = layer.stateDict().map { $0.tensor.shape.map(String.init).joined(separator: "x") }.sorted()
        #expect(declared == built)
        #expect(try spec.stateElementCount() == layer.stateDict().reduce(0) { $0 + $1.tensor.count })
    }

    @Test(arguments: examples)
    func everyKindSurvivesAModelFile(_ text: String) throws {
        var g = PRNG(seed: 4)
        let layer = try LayerSpec.parse(text).build(generator: &g)
        let loaded = try ModelFile.decode(ModelFile.encode(layer)).model
        #expect(loaded.spec == layer.spec)
        #expect(loaded.stateDict().map(\.name) == layer.stateDict().map(\.name))
        #expect(loaded.stateDict().flatMap(\.tensor.scalars) == layer.stateDict().flatMap(\.tensor.scalars))
    }

    @Test func theHeaderListsEveryKindWithItsArguments() throws {
        let header = try String(contentsOf: Self.root.appendingPathComponent("include/axon.h"), encoding: .utf8)
        // The lines "**   kind arguments..." after "** Kinds and their arguments", up to "**".
        let start = try #require(header.range(of: "** Kinds and their arguments"))
        let lines = header[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false)
        let listed = lines.drop { !$0.hasPrefix("**   ") }.prefix { $0.hasPrefix("**   ") }.map { $0.dropFirst(5) }
        let expected = LayerRegistry.kinds.map { $0.kind.reference }
        #expect(listed.map(String.init) == expected,
                "include/axon.h should list:\n\(expected.map { "**   " + $0 }.joined(separator: "\n"))")
    }

    @Test func everyKindHasAPythonClass() throws {
        let folder = Self.root.appendingPathComponent("bindings/python/axon/nn")
        let source = try ["layers.py", "containers.py"].map {
            try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8)
        }.joined(separator: "\n")
        for kind in LayerSpec.kinds {
            #expect(source.contains("_kind = \"\(kind)\""),
                    "bindings/python/axon/nn/layers.py or containers.py has no class for \(kind)")
        }
    }

    @Test func argumentsAreCheckedAgainstTheDeclaration() {
        for text in ["unflatten 1", "unflatten 1 2x-1x-1", "adaptiveavgpool2d", "adaptiveavgpool2d 0",
                     "adaptiveavgpool2d 2 bogus=1", "instancenorm2d 3 momentum=none"] {
            var g = PRNG(seed: 0)
            #expect(throws: AxonError.self, "\(text)") { _ = try LayerSpec.parse(text).build(generator: &g) }
        }
    }
}
