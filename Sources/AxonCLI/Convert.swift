import Axon

extension ModelCommands {
    /// `convert MODEL.axon OUT.safetensors` writes a saved model's state as safetensors;
    /// `convert IN.safetensors --model SPEC OUT.axon` builds SPEC, loads the weights into it by
    /// name (strict unless `--not-strict`) and saves the model file. The direction follows the
    /// file names; every argument is checked before anything is read.
    static func convert(_ args: [String]) throws {
        let a = try Arguments(args, command: "convert", positionals: ["IN", "OUT"], options: Help.convert.options)
        let (input, output) = (a.positionals[0], a.positionals[1])
        let spec = try a.text("--model", what: "a layer spec")
        if input.hasSuffix(".safetensors") {
            guard output.hasSuffix(".axon") else { throw UsageError("OUT must be an .axon file") }
            guard let spec else {
                throw UsageError("a safetensors file needs --model SPEC (the layers its weights are for)")
            }
            let parsed: LayerSpec
            do { parsed = try LayerSpec.parse(spec) } catch let error as AxonError {
                throw UsageError("--model: \(error.message)")
            }
            var generator = PRNG(seed: 0)
            let model = try parsed.build(generator: &generator)
            let file = try Safetensors.load(input)
            try Safetensors.load(file, into: model, strict: !a.has("--not-strict"))
            model.eval()
            try ModelFile.save(model, to: output, metadata: [("converted-from", "safetensors")])
            Terminal.line("\(output): \(model.stateDict().count) tensors from \(input) "
                          + "(\(file.tensors.count) in the file)")
        } else {
            guard output.hasSuffix(".safetensors") else {
                throw UsageError("give MODEL.axon OUT.safetensors or IN.safetensors --model SPEC OUT.axon")
            }
            guard spec == nil, !a.has("--not-strict") else {
                throw UsageError("--model and --not-strict are for a safetensors input")
            }
            let model = try ModelFile.load(input).model
            try Safetensors.save(model, metadata: [("format", "pt")], to: output)
            Terminal.line("\(output): \(model.stateDict().count) tensors from \(input)")
        }
    }
}
