// `ModelFile.decode`: a model file's bytes (and the same with its checksums repaired). A model
// that loads must save again, and that file must load and save to the same bytes.
import Axon

let target = FuzzTarget(seeds: {
    let models: [(String, String)] = [
        ("mlp", "linear 3 5; batchnorm1d 5; relu; dropout 0.25; linear 5 2"),
        ("cnn", "conv2d 1 2 3 padding=1; batchnorm2d 2; relu; maxpool2d 2; dropout2d 0.1; flatten; linear 8 3"),
        ("blocks", "residual { linear 4 4; gelu }; layernorm 4; weightnorm { linear 4 3 }; logsoftmax"),
    ]
    return try models.map { name, spec in
        var g = PRNG(seed: 7)
        let model = try LayerSpec.parse(spec).build(generator: &g)
        model.reseed(8)
        return ("\(name).axon", try ModelFile.encode(model, metadata: [("name", name), ("note", "fuzz seed")]))
    }
}, run: { bytes in
    for input in axonVariants(bytes) {
        guard let loaded = try? ModelFile.decode(input) else { continue }
        let metadata = loaded.metadata.map { ($0.key, $0.value) }
        let saved = mustSucceed("saving a loaded model") { try ModelFile.encode(loaded.model, metadata: metadata) }
        let again = mustSucceed("loading a saved model") { try ModelFile.decode(saved) }
        check(again.model.spec == loaded.model.spec, "the architecture changed in a save and load")
        check(fingerprint(again.model.stateDict()) == fingerprint(loaded.model.stateDict()),
              "the parameters changed in a save and load")
        let savedAgain = mustSucceed("saving a model again") {
            try ModelFile.encode(again.model, metadata: again.metadata.map { ($0.key, $0.value) })
        }
        check(savedAgain == saved, "saving, loading and saving again gives other bytes")
    }
})
