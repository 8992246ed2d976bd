/// Saving and loading models in `.axon` files: the architecture (for built-in layers), the
/// parameters and buffers by name, the training flag, every dropout stream, and free-form
/// metadata. A served model and a training checkpoint are the same container; checkpoints
/// add optimizer and loader sections (not written yet by this version).
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
    static func sections(_ model: any Layer, metadata: [(String, String)], requireArchitecture: Bool) throws -> [AxonFile.Section] {
        var sections: [AxonFile.Section] = []
        if let spec = model.spec {
            sections.append(AxonFile.Section(tag: "ARCH", required: true, payload: Array(spec.description.utf8)))
        } else if requireArchitecture {
            throw AxonError.invalid("ModelFile: the model contains a layer that is not built in; it has no architecture to save")
        }
        sections += [
            AxonFile.Section(tag: "PARM", required: true, payload: tensorList(model.namedParameters())),
            AxonFile.Section(tag: "BUFF", required: true, payload: tensorList(model.namedBuffers())),
            AxonFile.Section(tag: "MODE", required: false, payload: [model.training ? 1 : 0]),
        ]
        var rngs = ByteWriter()
        let generators = model.namedGenerators()
        rngs.u32(UInt32(generators.count))
        for (name, layer) in generators {
            rngs.string(name)
            let s = layer.generator.state
            for word in [s.0, s.1, s.2, s.3] { rngs.u64(word) }
        }
        sections.append(AxonFile.Section(tag: "RNGS", required: false, payload: rngs.bytes))
        var meta = ByteWriter()
        meta.u32(UInt32(metadata.count))
        for (k, v) in metadata { meta.string(k); meta.string(v) }
        sections.append(AxonFile.Section(tag: "META", required: false, payload: meta.bytes))
        return sections
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
            throw AxonError(.format, "axon file: the architecture needs \(needed) stored values, the file has \(stored)")
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
        let state = try readTensorList(parm.payload, context: "parameters")
            + (file.section("BUFF").map { try readTensorList($0.payload, context: "buffers") } ?? [])
        try model.loadStateDict(state, strict: true)
        if let mode = file.section("MODE"), let flag = mode.payload.first { model.train(flag != 0) }
        if let rngs = file.section("RNGS") {
            var r = ByteReader(rngs.payload, context: "random streams")
            let streams = Dictionary(model.namedGenerators().map { ($0.name, $0.layer) }, uniquingKeysWith: { a, _ in a })
            for _ in 0..<Int(try r.u32()) {
                let name = try r.string()
                let state = (try r.u64(), try r.u64(), try r.u64(), try r.u64())
                guard let layer = streams[name] else { throw AxonError(.format, "axon file: no random stream '\(name)' in the model") }
                layer.generator = try PRNG(state: state)
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
        var total = 0
        for tag in ["PARM", "BUFF"] {
            guard let section = file.section(tag) else { continue }
            try scanTensorList(section.payload, context: tag) { _, shape, reader in
                let n = try Shape.count(shape)
                try reader.skip(n * 4)
                total += n
            }
        }
        return total
    }

    // MARK: - Tensor lists

    /// count u32; per tensor: name (u32 length + UTF-8), rank u8, dims u64 x rank, floats.
    static func tensorList(_ named: [(name: String, tensor: Tensor)]) -> [UInt8] {
        var w = ByteWriter()
        w.u32(UInt32(named.count))
        for (name, t) in named {
            w.string(name)
            w.u8(UInt8(t.rank))
            for d in t.shape { w.u64(UInt64(d)) }
            t.withUnsafeBufferPointer { w.floats($0) }
        }
        return w.bytes
    }

    static func readTensorList(_ bytes: [UInt8], context: String) throws -> [(name: String, tensor: Tensor)] {
        var out: [(name: String, tensor: Tensor)] = []
        try scanTensorList(bytes, context: context) { name, shape, reader in
            let t = try Tensor.uninitialized(shape)   // the data was checked to be there
            try reader.floats(t.count, into: t.pointer)
            out.append((name, t))
        }
        return out
    }

    /// Walks a tensor list: for each entry, `body` gets the name, the shape, and the reader
    /// positioned at the data, which it must consume (4 bytes per element). The data is
    /// checked to be present before `body` runs, so a hostile size cannot allocate.
    static func scanTensorList(_ bytes: [UInt8], context: String,
                               _ body: (String, [Int], inout ByteReader) throws -> Void) throws {
        var r = ByteReader(bytes, context: context)
        for _ in 0..<Int(try r.u32()) {
            let name = try r.string(limit: 4096)
            let rank = Int(try r.u8())
            guard rank <= 16 else { throw AxonError(.format, "\(context): '\(name)' has rank \(rank) > 16") }
            let shape = try (0..<rank).map { _ in try r.count("dimension", limit: Int(Int32.max)) }
            try r.need(try Shape.count(shape) * 4)
            try body(name, shape, &r)
        }
        guard r.remaining == 0 else { throw AxonError(.format, "\(context): \(r.remaining) unexpected bytes at the end") }
    }
}
