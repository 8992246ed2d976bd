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

    /// Saves atomically (see `AxonFile.writeAtomically`: symbolic links followed, the mode of
    /// a replaced file kept, read-only files refused).
    public static func save(_ model: any Layer, to path: some FilePathConvertible,
                            metadata: [(String, String)] = []) throws {
        try AxonFile.writeAtomically(encode(model, metadata: metadata), to: path)
    }

    /// Loads the model file at `path` (see `AxonFile.read` for what is checked before any
    /// payload is read). IO status when the file cannot be read or is not a regular file,
    /// FORMAT when its bytes are not a valid model file, OUT_OF_MEMORY when it does not fit in
    /// memory.
    public static func load(_ path: some FilePathConvertible) throws -> Loaded {
        let path = path.filePath
        return try AxonFile.naming(path) { try decode(AxonFile.read(path, knownVersions: known)) }
    }

    public static func decode(_ bytes: [UInt8]) throws -> Loaded {
        try decode(AxonFile.decode(bytes, knownVersions: known))
    }

    /// Rebuilds the model: architecture, then parameters and buffers by name (all must be
    /// present with the right shapes), then the training flag and the random streams. Any
    /// disagreement between the sections is the FORMAT status.
    static func decode(_ file: AxonFile) throws -> Loaded {
        guard let arch = file.section("ARCH") else {
            throw AxonError(.format, "axon file: no architecture section ('ARCH')")
        }
        let spec = try AxonFile.reading("ARCH") { try LayerSpec.parse(String(decoding: arch.payload, as: UTF8.self)) }
        // A hostile architecture could ask for far more memory than the file holds: the
        // parameters and buffers it describes must all be in the file (checked before building).
        let (needed, stored) = (try AxonFile.reading("ARCH") { try spec.stateElementCount() },
                                try storedElementCount(file))
        guard needed == stored else {
            throw AxonError(.format,
                            "axon file: the architecture (section 'ARCH') needs \(needed) stored values, sections "
                            + "'PARM' and 'BUFF' hold \(stored)")
        }
        let model = try AxonFile.reading("ARCH") {
            var g = PRNG(seed: 0)   // parameters are overwritten below
            return try spec.build(generator: &g)
        }
        let state = try stage(file, into: model, fileDefinesModel: true)
        state.commit(to: model)
        return Loaded(model: model, metadata: state.metadata)
    }

    /// What a file holds for a model, decoded and checked against it; `commit` applies it and
    /// cannot fail.
    struct StagedState {
        var assignments: [(target: Tensor, source: Tensor)] = []
        var training: Bool?
        var streams: [(layer: any RandomizedLayer, generator: PRNG)] = []
        var metadata: [(key: String, value: String)] = []

        func commit(to model: any Layer) {
            for (target, source) in assignments { target.overwrite(from: source) }
            if let training { model.train(training) }
            for (layer, generator) in streams { layer.generator = generator }
        }
    }

    /// Decodes parameters, buffers, mode, random streams and metadata for `model` (names and
    /// shapes must match) without changing it. When the model was built from the file
    /// (`fileDefinesModel`) a mismatch is the FORMAT status; for a caller's model, names that
    /// differ are INVALID_ARGUMENT and shapes that differ SHAPE, as for `loadStateDict`.
    static func stage(_ file: AxonFile, into model: any Layer, fileDefinesModel: Bool) throws -> StagedState {
        guard let parm = file.section("PARM") else {
            throw AxonError(.format, "axon file: no parameters section ('PARM')")
        }
        var staged = StagedState()
        var state = try AxonFile.reading("PARM") { try TensorList.decoded(parm.payload, context: "parameters") }
        if let buff = file.section("BUFF") {
            state += try AxonFile.reading("BUFF") { try TensorList.decoded(buff.payload, context: "buffers") }
        }
        var names = Set<String>()
        for (name, _) in state where !names.insert(name).inserted {
            throw AxonError(.format, "axon file: sections 'PARM' and 'BUFF' hold '\(name)' twice")
        }
        do {
            staged.assignments = try model.stateAssignments(state, strict: true)
        } catch let e as AxonError where fileDefinesModel {
            throw AxonError(.format, "axon file: sections 'PARM' and 'BUFF' do not fit the architecture: \(e.message)")
        }
        if let mode = file.section("MODE") {
            staged.training = try AxonFile.reading("MODE") {
                guard mode.payload.count == 1, mode.payload[0] <= 1 else {
                    throw AxonError(.format, "the training flag must be one byte, 0 or 1 (\(mode.payload))")
                }
                return mode.payload[0] == 1
            }
        }
        if let rngs = file.section("RNGS") {
            staged.streams = try AxonFile.reading("RNGS") { try streams(rngs.payload, of: model) }
        }
        if let meta = file.section("META") {
            staged.metadata = try AxonFile.reading("META") { try metadata(meta.payload) }
        }
        return staged
    }

    /// The random streams of an RNGS payload, each with the layer of `model` it belongs to.
    static func streams(_ payload: [UInt8], of model: any Layer) throws
        -> [(layer: any RandomizedLayer, generator: PRNG)]
    {
        var r = ByteReader(payload, context: "random streams")
        let layers = Dictionary(model.namedGenerators().map { ($0.name, $0.layer) }, uniquingKeysWith: { a, _ in a })
        var streams: [(layer: any RandomizedLayer, generator: PRNG)] = []
        for _ in 0..<Int(try r.u32()) {
            let name = try r.string()
            let generator = try PRNG(reading: &r)
            guard let layer = layers[name] else {
                throw AxonError(.format, "random streams: no random stream '\(name)' in the model")
            }
            streams.append((layer, generator))
        }
        guard r.remaining == 0 else { throw AxonError(.format, "random streams: \(r.remaining) unexpected bytes") }
        return streams
    }

    /// The key-value pairs of a META payload.
    static func metadata(_ payload: [UInt8]) throws -> [(key: String, value: String)] {
        var r = ByteReader(payload, context: "metadata")
        var pairs: [(key: String, value: String)] = []
        for _ in 0..<Int(try r.u32()) {
            pairs.append((try r.string(limit: payload.count), try r.string(limit: payload.count)))
        }
        guard r.remaining == 0 else { throw AxonError(.format, "metadata: \(r.remaining) unexpected bytes") }
        return pairs
    }

    /// The number of floats in the PARM and BUFF sections (their headers only are read).
    static func storedElementCount(_ file: AxonFile) throws -> Int {
        try ["PARM", "BUFF"].compactMap(file.section).reduce(0) { total, section in
            total + (try AxonFile.reading(section.tag) {
                try TensorList.elementCount(section.payload, context: section.tag)
            })
        }
    }
}
