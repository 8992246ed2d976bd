// `Safetensors.decode`, then what a program does with the result: load it into a model by name,
// describe it, save it again. A file that loads must save and load again with the same names,
// shapes, integer tensors and metadata (and the same float32 values).
import Axon

/// A safetensors file with the given JSON header (padded to 8 bytes) and data.
func safetensorsBytes(_ header: String, _ data: [UInt8]) -> [UInt8] {
    var text = Array(header.utf8)
    while text.count % 8 != 0 { text.append(UInt8(ascii: " ")) }
    return (0..<8).map { UInt8(truncatingIfNeeded: text.count >> (8 * $0)) } + text + data
}

func model() throws -> any Layer {
    var g = PRNG(seed: 5)
    return try LayerSpec.parse("linear 3 5; batchnorm1d 5; relu; linear 5 2").build(generator: &g)
}

let target = FuzzTarget(seeds: {
    let m = try model()
    let state = m.stateDict()
    let counters = Set(state.map(\.name).filter { $0.hasSuffix("num_batches_tracked") })
    // Every dtype the reader converts, in one file (as PyTorch or NumPy could write it).
    let types = #"{"__metadata__":{"format":"pt"},"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"#
        + #""b":{"dtype":"BF16","shape":[2],"data_offsets":[4,8]},"#
        + #""d":{"dtype":"F64","shape":[1],"data_offsets":[8,16]},"#
        + #""i":{"dtype":"I32","shape":[1,1],"data_offsets":[16,20]},"#
        + #""s":{"dtype":"I16","shape":[1],"data_offsets":[20,22]},"#
        + #""c":{"dtype":"I8","shape":[],"data_offsets":[22,23]},"#
        + #""u":{"dtype":"U8","shape":[1],"data_offsets":[23,24]},"#
        + #""f":{"dtype":"BOOL","shape":[0,3],"data_offsets":[24,24]}}"#
    let data: [UInt8] = [0x00, 0x3C, 0x00, 0xC0, 0x80, 0x3F, 0x49, 0x40, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F,
                         0xFE, 0xFF, 0xFF, 0xFF, 0x07, 0x00, 0x80, 0xFF]
    return [
        ("model.safetensors", try Safetensors.encode(state, integers: counters, metadata: [("epoch", "2")])),
        ("dtypes.safetensors", safetensorsBytes(types, data)),
        ("empty.safetensors", safetensorsBytes("{}", [])),
    ]
}, run: { bytes in
    _ = Safetensors.recognizes(bytes)
    guard let loaded = try? Safetensors.decode(bytes) else { return }
    if let m = try? model() {
        try? Safetensors.load(loaded, into: m, strict: false, rename: ["weight": "0.weight"])
    }
    _ = TensorFile.Loaded(safetensors: loaded).text
    let saved = mustSucceed("saving a loaded file") {
        try Safetensors.encode(loaded.tensors, integers: loaded.integers, metadata: loaded.metadata)
    }
    let again = mustSucceed("loading a saved file") { try Safetensors.decode(saved) }
    check(again.tensors.map(\.name) == loaded.tensors.map(\.name), "the names changed in a save and load")
    check(again.tensors.map(\.tensor.shape) == loaded.tensors.map(\.tensor.shape), "a shape changed")
    check(again.integers == loaded.integers, "the integer tensors changed in a save and load")
    check(again.metadata.map { "\($0.key)=\($0.value)" } == loaded.metadata.map { "\($0.key)=\($0.value)" },
          "the metadata changed in a save and load")
    let floats = { (file: Safetensors.Loaded) in fingerprint(file.tensors.filter { !file.integers.contains($0.name) }) }
    check(floats(again) == floats(loaded), "a float32 tensor changed in a save and load")
})
