import Testing
@testable import Axon

@Suite("Tensor file")
struct TensorFileTests {
    @Test func roundTripKeepsNamesOrderBitsAndText() throws {
        var g = PRNG(seed: 4)
        let a = try Tensor.normal([3, 5], generator: &g), b = try Tensor([7.5], shape: [])
        let bytes = try TensorFile.encode([("fc1.weight", a), ("epoch", b)], text: "{\"step\": 2}")
        let loaded = try TensorFile.decode(bytes)
        #expect(loaded.tensors.map(\.name) == ["fc1.weight", "epoch"])
        #expect(loaded.tensors[0].tensor.shape == [3, 5] && loaded.tensors[1].tensor.shape == [])
        #expect(loaded.tensors[0].tensor.scalars.map(\.bitPattern) == a.scalars.map(\.bitPattern))
        #expect(loaded.tensors[1].tensor.scalars == [7.5])
        #expect(loaded.text == "{\"step\": 2}")
        #expect(try TensorFile.decode(TensorFile.encode([])).tensors.isEmpty)
    }

    @Test func modelAndTensorFilesRefuseEachOther() throws {
        var g = PRNG(seed: 1)
        let model = try ModelFile.encode(Sequential(try Linear(2, 2, generator: &g)))
        #expect(throws: AxonError.self) { try TensorFile.decode(model) }
        let tensors = try TensorFile.encode([("w", try Tensor.ones([2]))])
        #expect(throws: AxonError.self) { try ModelFile.decode(tensors) }
        let twice = [("w", try Tensor.ones([2])), ("w", try Tensor.ones([1]))]
        #expect(throws: AxonError.self) { try TensorFile.encode(twice) }
    }

    @Test func damageIsAFormatError() throws {
        var bytes = try TensorFile.encode([("w", try Tensor.ones([4]))], text: "t")
        bytes[bytes.count - 3] ^= 0xFF
        do {
            _ = try TensorFile.decode(bytes)
            Issue.record("a damaged file was read")
        } catch let error as AxonError {
            #expect(error.kind == .format)
        }
    }
}
