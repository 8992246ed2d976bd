import Testing
@testable import Axon

/// Every op of the catalog against values PyTorch computed (Fixtures/generate_ops.py):
/// the output, and the input gradients for a random cotangent.
@Suite("Every op against PyTorch")
struct OpReferenceTests {
    nonisolated(unsafe) static let cases: [String: Any] =
        (try? Fixtures.load("ops.json"))?["cases"] as? [String: Any] ?? [:]

    @Test func fixtureCoversTheCatalog() {
        #expect(Set(Self.cases.keys) == Set(catalog.map(\.name)))
    }

    @Test(arguments: catalog)
    func matchesPyTorch(_ op: OpCase) throws {
        let entry = try #require(Self.cases[op.name] as? [String: Any], "no fixture for \(op.name)")
        let inputs = try (entry["inputs"] as? [Any] ?? []).map(Fixtures.tensor)
        let expected = try Fixtures.tensor(entry["output"])
        let cotangent = try Fixtures.tensor(entry["cotangent"])
        let grads = try (entry["grads"] as? [Any] ?? []).map(Fixtures.tensor)
        let (value, cotangents) = try vjp(of: op.f, at: inputs, cotangent: cotangent)
        #expect(value.shape == expected.shape)
        #expect(allClose(value.scalars, expected.scalars, rtol: 1e-5, atol: 1e-5),
                "output differs by \(value.maxDifference(expected))")
        for (computed, reference) in zip(cotangents, grads) {
            #expect(computed.shape == reference.shape)
            #expect(allClose(computed.scalars, reference.scalars, rtol: 1e-4, atol: 1e-5),
                    "gradient differs by \(computed.maxDifference(reference))")
        }
    }
}
