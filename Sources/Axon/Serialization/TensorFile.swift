/// Named tensors and one metadata text in an `.axon` file that has no architecture: what a
/// program saves when it keeps a state dict or a checkpoint of its own making (the Python
/// door's `torch.save` of a dict). Sections: `TENS` (required, a tensor list) and `META` (the
/// same layout as a model file's, here with one entry, `text`). A model file is not a tensor
/// file (it has no `TENS`) and a tensor file is not a model file (no `ARCH`): each loader
/// refuses the other with a FORMAT error.
///
/// ```swift
/// try TensorFile.save([("fc1.weight", w)], text: "{\"epoch\": 3}", to: "state.axon")
/// let loaded = try TensorFile.load("state.axon")   // loaded.tensors, loaded.text
/// ```
public enum TensorFile {
    static let known: [String: UInt32] = ["TENS": 1, "META": 1]

    public struct Loaded: Sendable {
        public let tensors: [(name: String, tensor: Tensor)]
        public let text: String
    }

    public static func encode(_ tensors: [(name: String, tensor: Tensor)], text: String = "") throws -> [UInt8] {
        var names = Set<String>()
        for (name, _) in tensors {
            guard names.insert(name).inserted else {
                throw AxonError.invalid("TensorFile: the name '\(name)' is given twice")
            }
        }
        var meta = ByteWriter()
        meta.u32(1)
        meta.string("text")
        meta.string(text)
        return try AxonFile(sections: [
            AxonFile.Section(tag: "TENS", required: true, payload: TensorList.encoded(tensors)),
            AxonFile.Section(tag: "META", required: false, payload: meta.bytes),
        ]).encoded()
    }

    /// Saves atomically (see `AxonFile.writeAtomically`: symbolic links followed, the mode of
    /// a replaced file kept, read-only files refused).
    public static func save(_ tensors: [(name: String, tensor: Tensor)], text: String = "",
                            to path: some FilePathConvertible) throws {
        try AxonFile.writeAtomically(encode(tensors, text: text), to: path)
    }

    /// Loads the tensor file at `path`; the statuses are those of `ModelFile.load`.
    public static func load(_ path: some FilePathConvertible) throws -> Loaded {
        let path = path.filePath
        return try AxonFile.naming(path) { try decode(AxonFile.read(path, knownVersions: known)) }
    }

    public static func decode(_ bytes: [UInt8]) throws -> Loaded {
        try decode(AxonFile.decode(bytes, knownVersions: known))
    }

    static func decode(_ file: AxonFile) throws -> Loaded {
        guard let tens = file.section("TENS") else {
            throw AxonError(.format, "axon file: no tensor section ('TENS'; a model file is read with ModelFile.load)")
        }
        let tensors = try AxonFile.reading("TENS") {
            let tensors = try TensorList.decoded(tens.payload, context: "tensors")
            var names = Set<String>()
            for (name, _) in tensors where !names.insert(name).inserted {
                throw AxonError(.format, "tensors: the name '\(name)' appears twice")
            }
            return tensors
        }
        var text = ""
        if let meta = file.section("META") {
            for (key, value) in try AxonFile.reading("META", { try ModelFile.metadata(meta.payload) })
            where key == "text" {
                text = value
            }
        }
        return Loaded(tensors: tensors, text: text)
    }
}
