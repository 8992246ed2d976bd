/// Saving and loading models in `.axon` files: the architecture (for built-in layers), the
/// parameters and buffers by name, the training flag, every dropout stream, and free-form
/// metadata. A served model and a training checkpoint are the same container; `Checkpoint`
/// adds the optimizer, schedule, loader and early-stopping sections.
///
/// ```swift
/// try ModelFile.save(model, to: "mnist.axon", metadata: [("dataset", "mnist")])
/// let loaded = try ModelFile.load("mnist.axon")
/// let y = try loaded.model(x)
/// ```
public enum ModelFile {
    /// The sections of this version and the newest layout of each that it reads.
    static let known: [String: UInt32] = ["ARCH": 1, "PARM": 1, "BUFF": 1, "MODE": 1, "RNGS": 1, "META": 1]

    public struct Loaded {
        public let model: any Layer
        public let metadata: [(key: String, value: String)]
    }

    /// The file's bytes for `model` (which must consist of built-in layers).
    public static func encode(_ model: any Layer, metadata: [(String, String)] = []) throws -> [UInt8] {
        try AxonFile(sections: sections(model, metadata: metadata, requireArchitecture: true)).encoded()
    }

    /// The model's sections; without `requireArchitecture` a model holding custom layers
    /// gets no ARCH section (a checkpoint restored into code that builds the model).
    static func sections(_ model: any Layer, metadata: [(String, String)],
                         requireArchitecture: Bool) throws -> [AxonFile.Section] {
        var sections: [AxonFile.Section] = []
        if let spec = model.spec {
            sections.append(AxonFile.Section(tag: "ARCH", required: true, payload: Array(spec.description.utf8)))
        } else if requireArchitecture {
            throw AxonError.invalid(
                "ModelFile: the model contains a layer that is not built in; it has no architecture to save")
        }
        var rngs = ByteWriter()
        let generators = model.namedGenerators()
        rngs.u32(UInt32(generators.count))
        for (name, layer) in generators {
            rngs.string(name)
            layer.generator.write(to: &rngs)
        }
        var meta = ByteWriter()
        meta.u32(UInt32(metadata.count))
        for (k, v) in metadata { meta.string(k); meta.string(v) }
        return sections + [
            AxonFile.Section(tag: "PARM", required: true, payload: TensorList.encoded(model.namedParameters())),
            AxonFile.Section(tag: "BUFF", required: true, payload: TensorList.encoded(model.namedBuffers())),
            AxonFile.Section(tag: "MODE", required: false, payload: [model.training ? 1 : 0]),
            AxonFile.Section(tag: "RNGS", required: false, payload: rngs.bytes),
            AxonFile.Section(tag: "META", required: false, payload: meta.bytes),
        ]
    }

    /// Saves atomically (see `AxonFile.writeAtomically`).
    public static func save(_ model: any Layer, to path: String, metadata: [(String, String)] = []) throws {
        try AxonFile.writeAtomically(encode(model, metadata: metadata), to: path)
    }

    public static func load(_ path: String) throws -> Loaded {
        try decode(FileIO.read(path))
    }

    /// Rebuilds the model: architecture, then parameters and buffers by name (all must be
    /// present with the right shapes), then the training flag and the random streams.
    public static func decode(_ bytes: [UInt8]) throws -> Loaded {
        let file = try AxonFile.decode(bytes, knownVersions: known)
        guard let arch = file.section("ARCH") else { throw AxonError(.format, "axon file: no architecture section") }
        let spec = try LayerSpec.parse(String(decoding: arch.payload, as: UTF8.self))
        // A hostile architecture could ask for far more memory than the file holds: the
        // parameters and buffers it describes must all be in the file (checked before building).
        let (needed, stored) = (try spec.stateElementCount(), try storedElementCount(file))
        guard needed == stored else {
            throw AxonError(.format,
                            "axon file: the architecture needs \(needed) stored values, the file has \(stored)")
        }
        var g = PRNG(seed: 0)   // parameters are overwritten below
        let model = try spec.build(generator: &g)
        return Loaded(model: model, metadata: try restore(file, into: model))
    }

    /// Loads parameters, buffers, mode and random streams into an existing model (names and
    /// shapes must match); returns the metadata.
    @discardableResult
    static func restore(_ file: AxonFile, into model: any Layer) throws -> [(key: String, value: String)] {
        guard let parm = file.section("PARM") else { throw AxonError(.format, "axon file: no parameters section") }
        let state = try TensorList.decoded(parm.payload, context: "parameters")
            + (file.section("BUFF").map { try TensorList.decoded($0.payload, context: "buffers") } ?? [])
        try model.loadStateDict(state, strict: true)
        if let mode = file.section("MODE"), let flag = mode.payload.first { model.train(flag != 0) }
        if let rngs = file.section("RNGS") {
            var r = ByteReader(rngs.payload, context: "random streams")
            let streams = Dictionary(model.namedGenerators().map { ($0.name, $0.layer) },
                                     uniquingKeysWith: { a, _ in a })
            for _ in 0..<Int(try r.u32()) {
                let name = try r.string()
                let generator = try PRNG(reading: &r)
                guard let layer = streams[name] else {
                    throw AxonError(.format, "axon file: no random stream '\(name)' in the model")
                }
                layer.generator = generator
            }
        }
        var metadata: [(key: String, value: String)] = []
        if let meta = file.section("META") {
            var r = ByteReader(meta.payload, context: "metadata")
            let n = Int(try r.u32())
            for _ in 0..<n { metadata.append((try r.string(), try r.string())) }
        }
        return metadata
    }

    /// The number of floats in the PARM and BUFF sections (their headers only are read).
    static func storedElementCount(_ file: AxonFile) throws -> Int {
        try ["PARM", "BUFF"].compactMap(file.section).reduce(0) { total, section in
            total + (try TensorList.elementCount(section.payload, context: section.tag))
        }
    }
}
