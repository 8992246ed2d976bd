// `TensorFile.decode`: a tensor file's bytes (and the same with its checksums repaired). Tensors
// that load with distinct names must save and load again unchanged.
import Axon

let target = FuzzTarget(seeds: {
    var g = PRNG(seed: 3)
    let tensors: [(name: String, tensor: Tensor)] = [
        ("fc1.weight", try Tensor.normal([2, 3], generator: &g)),
        ("scalar", try Tensor(2.5)),
        ("empty", try Tensor([], shape: [0, 4])),
    ]
    return [
        ("state.axon", try TensorFile.encode(tensors, text: "{\"epoch\": 3}")),
        ("one.axon", try TensorFile.encode([tensors[0]])),
        ("none.axon", try TensorFile.encode([], text: "nothing")),
    ]
}, run: { bytes in
    for input in axonVariants(bytes) {
        guard let loaded = try? TensorFile.decode(input) else { continue }
        guard Set(loaded.tensors.map(\.name)).count == loaded.tensors.count else { continue }
        let saved = mustSucceed("saving loaded tensors") { try TensorFile.encode(loaded.tensors, text: loaded.text) }
        let again = mustSucceed("loading saved tensors") { try TensorFile.decode(saved) }
        check(fingerprint(again.tensors) == fingerprint(loaded.tensors), "the tensors changed in a save and load")
        check(again.text == loaded.text, "the text changed in a save and load")
    }
})
