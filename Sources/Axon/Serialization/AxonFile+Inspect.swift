/// What an `.axon` file holds, read without loading it: the header, every section of the
/// table (also the ones this library does not know) and each CRC-32 as stored and as
/// computed. Unlike `decode`, a CRC mismatch is reported, not thrown, so a damaged file can be
/// examined; only a file whose header or table cannot be read at all throws.
///
/// ```swift
/// let info = try AxonFile.inspect(FileIO.read("model.axon"))
/// for s in info.sections { print(s.tag, s.length, s.crcMatches) }
/// ```
extension AxonFile {
    public struct SectionInfo: Sendable {
        public let tag: String
        public let required: Bool
        /// The section's own layout version.
        public let version: UInt32
        /// The newest layout of this tag this library reads, or nil for a tag it does not know.
        public let newestKnownVersion: UInt32?
        public let offset: Int
        public let length: Int
        public let storedCRC: UInt32
        /// Nil when the section lies outside the file (nothing to check).
        public let computedCRC: UInt32?
        public var crcMatches: Bool { computedCRC == storedCRC }
        /// What the section holds, for the tags this library writes.
        public var meaning: String { AxonFile.sectionMeanings[tag] ?? "unknown to this library" }
    }

    public struct Inspection: Sendable {
        public let fileSize: Int
        public let formatVersion: UInt32
        public let storedTableCRC: UInt32
        public let computedTableCRC: UInt32
        public let sections: [SectionInfo]
        public var tableCRCMatches: Bool { storedTableCRC == computedTableCRC }
        /// Whether every CRC (table and sections) matches and every section lies in the file.
        public var intact: Bool { tableCRCMatches && sections.allSatisfy(\.crcMatches) }
        /// "model", "checkpoint" (a model with optimizer state), "tensors" or "unknown".
        public var kind: String {
            let tags = Set(sections.map(\.tag))
            if tags.contains("TENS") { return "tensors" }
            if tags.contains("PARM") { return tags.contains("OPTM") || tags.contains("LOAD") ? "checkpoint" : "model" }
            return "unknown"
        }
    }

    /// The tags this library writes and what each holds.
    public static let sectionMeanings: [String: String] = [
        "ARCH": "architecture (layer spec text)", "PARM": "parameters (named tensors)",
        "BUFF": "buffers (running statistics)", "MODE": "training or eval mode", "RNGS": "dropout random streams",
        "META": "metadata (key and value texts)", "OPTM": "optimizer state", "SCHD": "learning-rate schedules",
        "LOAD": "data loader position", "STOP": "early stopping state and best weights",
        "TENS": "named tensors (tensor file)",
    ]

    /// Reads the header and section table of `bytes` and checks every CRC.
    public static func inspect(_ bytes: [UInt8]) throws -> Inspection {
        var r = ByteReader(bytes, context: "axon file")
        try r.need(16)
        guard Array(bytes[0..<8]) == magic else {
            throw AxonError(.format, "axon file: bad magic bytes (not an .axon file)")
        }
        _ = try r.u64()
        let version = try r.u32()
        let count = Int(try r.u32())
        guard count <= maxSections else {
            throw AxonError(.format, "axon file: \(count) sections exceed \(maxSections)")
        }
        try r.need(32 * count + 4)
        let tableEnd = 16 + 32 * count
        var stored: UInt32 = 0
        for i in 0..<4 { stored |= UInt32(bytes[tableEnd + i]) << (8 * i) }
        let known = ModelFile.known.merging(Checkpoint.known) { a, _ in a }.merging(TensorFile.known) { a, _ in a }
        var sections: [SectionInfo] = []
        for _ in 0..<count {
            var tag: [UInt8] = []
            for _ in 0..<4 { tag.append(try r.u8()) }
            let text = String(decoding: tag.map { $0 >= 0x20 && $0 < 0x7F ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
            let flags = try r.u32(), sectionVersion = try r.u32(), crc = try r.u32()
            let offset = try r.u64(), length = try r.u64()
            let inside = offset <= UInt64(bytes.count) && length <= UInt64(bytes.count) - offset
            let (start, size) = inside ? (Int(offset), Int(length)) : (Int(min(offset, UInt64(Int.max))),
                                                                       Int(min(length, UInt64(Int.max))))
            sections.append(SectionInfo(
                tag: text, required: flags & 1 != 0, version: sectionVersion, newestKnownVersion: known[text],
                offset: start, length: size, storedCRC: crc,
                computedCRC: inside ? CRC32.checksum(bytes[start..<(start + size)]) : nil))
        }
        return Inspection(fileSize: bytes.count, formatVersion: version, storedTableCRC: stored,
                          computedTableCRC: CRC32.checksum(bytes[0..<tableEnd]), sections: sections)
    }
}
