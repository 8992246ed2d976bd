/// The `.axon` container: a header, a table of sections, the sections; little-endian, a
/// CRC-32 over the header and table and one per section. The byte layout and the reading
/// rules are in FORMAT.md beside this file. Readers check the magic, the version and the
/// table (with its CRC) before they read any payload, check every section's CRC (those they
/// skip too), skip optional sections they do not know, and refuse unknown required sections,
/// files or required sections of a newer version, and sections that lie outside the file or
/// overlap. Every problem with the bytes is the FORMAT status, naming the section.
public struct AxonFile: Sendable {
    /// The format version this library writes and the newest it reads.
    public static let formatVersion: UInt32 = 1
    static let magic: [UInt8] = [0x8A, 0x41, 0x58, 0x4F, 0x4E, 0x0D, 0x0A, 0x1A]   // \x8A A X O N \r \n \x1A
    static let maxSections = 1024

    public struct Section: Sendable {
        /// Four ASCII characters, e.g. "ARCH".
        public var tag: String
        /// A reader that does not know this tag must refuse the file.
        public var required: Bool
        /// The section's own layout version.
        public var version: UInt32
        public var payload: [UInt8]

        public init(tag: String, required: Bool, version: UInt32 = 1, payload: [UInt8]) {
            self.tag = tag
            self.required = required
            self.version = version
            self.payload = payload
        }
    }

    public var sections: [Section]

    public init(sections: [Section]) { self.sections = sections }

    public func section(_ tag: String) -> Section? { sections.first { $0.tag == tag } }

    /// The file's bytes. Tags must be four printable ASCII characters, each used once.
    public func encoded() throws -> [UInt8] {
        var w = ByteWriter()
        w.bytes += AxonFile.magic
        w.u32(AxonFile.formatVersion)
        guard sections.count <= AxonFile.maxSections else {
            throw AxonError.invalid("AxonFile: \(sections.count) sections exceed \(AxonFile.maxSections)")
        }
        w.u32(UInt32(sections.count))
        let tableEnd = 16 + 32 * sections.count + 4
        var offset = tableEnd
        var tags = Set<String>()
        for s in sections {
            let tag = Array(s.tag.utf8)
            guard tag.count == 4, tag.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
                throw AxonError.invalid("AxonFile: section tag '\(s.tag)' must be 4 ASCII characters")
            }
            guard tags.insert(s.tag).inserted else {
                throw AxonError.invalid("AxonFile: section tag '\(s.tag)' is used twice")
            }
            w.bytes += tag
            w.u32(s.required ? 1 : 0)
            w.u32(s.version)
            w.u32(CRC32.checksum(s.payload))
            w.u64(UInt64(offset))
            w.u64(UInt64(s.payload.count))
            offset += s.payload.count
        }
        w.u32(CRC32.checksum(w.bytes))
        for s in sections { w.bytes += s.payload }
        return w.bytes
    }

    /// Parses and checks a file's bytes: magic, version, table CRC, bounds and every section's
    /// CRC. `knownVersions` maps the tags this reader understands to the newest version it reads.
    public static func decode(_ bytes: [UInt8], knownVersions: [String: UInt32]) throws -> AxonFile {
        let entries = try table(size: bytes.count, knownVersions: knownVersions) { offset, count in
            Array(bytes[offset..<(offset + count)])   // the table checked the range
        }
        return try AxonFile(entries) { entry, keep in
            let payload = Array(bytes[entry.offset..<(entry.offset + entry.length)])
            return (CRC32.checksum(payload), keep ? payload : nil)
        }
    }

    /// Reads and checks the file at `path`: the header and the table first (a file that is
    /// not an `.axon` file is refused after 16 bytes), then each section, whose size the
    /// table bounds by the file's. Sections this reader skips are checked in pieces.
    public static func read(_ path: some FilePathConvertible, knownVersions: [String: UInt32]) throws -> AxonFile {
        let file = try ReadableFile(path.filePath)
        return try naming(file.path) {
            let entries = try table(size: file.size, knownVersions: knownVersions) { offset, count in
                try file.read(at: offset, count: count)
            }
            return try AxonFile(entries) { entry, keep in
                guard keep else { return (try file.checksum(at: entry.offset, count: entry.length), nil) }
                let payload = try file.read(at: entry.offset, count: entry.length)
                return (CRC32.checksum(payload), payload)
            }
        }
    }

    /// One entry of the section table, checked against the file's size.
    struct Entry {
        let tag: String
        let required: Bool
        let version: UInt32
        let crc: UInt32
        let offset: Int
        let length: Int
        /// Whether this reader keeps the section (it knows the tag and reads the version).
        let kept: Bool
    }

    /// The sections of `entries`; `load(entry, kept)` gives the payload's CRC and, when
    /// kept, the payload.
    private init(_ entries: [Entry], _ load: (Entry, Bool) throws -> (crc: UInt32, payload: [UInt8]?)) throws {
        var sections: [Section] = []
        for entry in entries {
            let (crc, payload) = try AxonFile.reading(entry.tag) { try load(entry, entry.kept) }
            guard crc == entry.crc else {
                throw AxonError(.format, "axon file: section '\(entry.tag)' is corrupt (CRC mismatch)")
            }
            if let payload {
                sections.append(Section(tag: entry.tag, required: entry.required, version: entry.version,
                                        payload: payload))
            }
        }
        self.init(sections: sections)
    }

    /// Checks the header and the section table of a file of `size` bytes, read through
    /// `read(offset, count)` (which is only asked for ranges inside the file).
    static func table(size: Int, knownVersions: [String: UInt32],
                      read: (Int, Int) throws -> [UInt8]) throws -> [Entry] {
        let head = try read(0, Swift.min(size, 16))
        guard head.count >= 8, Array(head[0..<8]) == magic else {
            throw AxonError(.format, "axon file: bad magic bytes (not an .axon file)")
        }
        var r = ByteReader(head, context: "axon file header")
        try r.skip(8)
        let version = try r.u32()
        guard version >= 1 else { throw AxonError(.format, "axon file: invalid format version 0") }
        guard version <= formatVersion else {
            throw AxonError(.format, "axon file: format version \(version) is newer than this library reads "
                            + "(\(formatVersion)); upgrade Axon")
        }
        let count = Int(try r.u32())
        guard count <= maxSections else {
            throw AxonError(.format, "axon file: \(count) sections exceed \(maxSections)")
        }
        let tableEnd = 16 + 32 * count
        guard size >= tableEnd + 4 else {
            throw AxonError(.format, "axon file: truncated: \(size) bytes cannot hold a table of \(count) sections")
        }
        let bytes = head + (try read(16, tableEnd + 4 - 16))
        let storedCRC = UInt32(bytes[tableEnd]) | UInt32(bytes[tableEnd + 1]) << 8
            | UInt32(bytes[tableEnd + 2]) << 16 | UInt32(bytes[tableEnd + 3]) << 24
        guard CRC32.checksum(bytes[0..<tableEnd]) == storedCRC else {
            throw AxonError(.format, "axon file: the header or section table is corrupt (CRC mismatch)")
        }
        r = ByteReader(bytes, from: 16, to: tableEnd, context: "axon file: section table")
        var entries: [Entry] = []
        for _ in 0..<count {
            let tag = printable(try (0..<4).map { _ in try r.u8() })
            let flags = try r.u32(), sectionVersion = try r.u32(), crc = try r.u32()
            let offset = try r.count("section '\(tag)' offset", limit: size)
            let length = try r.count("section '\(tag)' length", limit: size)
            guard offset >= tableEnd + 4, length <= size - offset else {
                throw AxonError(.format, "axon file: section '\(tag)' (\(length) bytes at offset \(offset)) lies "
                                + "outside the file's \(size) bytes")
            }
            guard flags & ~1 == 0 else {
                throw AxonError(.format, "axon file: section '\(tag)' has unknown flags \(flags)")
            }
            guard !entries.contains(where: { $0.tag == tag }) else {
                throw AxonError(.format, "axon file: section '\(tag)' appears twice")
            }
            let required = flags & 1 != 0
            let newest = knownVersions[tag]
            if required, newest == nil {
                throw AxonError(.format,
                                "axon file: required section '\(tag)' is unknown to this library; upgrade Axon")
            }
            if required, let newest, sectionVersion > newest {
                throw AxonError(.format, "axon file: section '\(tag)' version \(sectionVersion) is newer than "
                                + "this library reads (\(newest))")
            }
            entries.append(Entry(tag: tag, required: required, version: sectionVersion, crc: crc, offset: offset,
                                 length: length, kept: newest.map { sectionVersion <= $0 } ?? false))
        }
        // Sections may not share bytes, so together they are no larger than the file.
        let byOffset = entries.sorted { $0.offset < $1.offset }
        for (a, b) in zip(byOffset, byOffset.dropFirst()) where b.offset - a.offset < a.length {
            throw AxonError(.format, "axon file: sections '\(a.tag)' and '\(b.tag)' overlap")
        }
        return entries
    }

    /// A tag for messages and lookups: ASCII as is, other bytes as \xNN.
    static func printable(_ tag: [UInt8]) -> String {
        tag.map { $0 >= 0x20 && $0 < 0x7F ? String(UnicodeScalar($0)) : "\\x" + hex($0) }.joined()
    }

    private static func hex(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(b >> 4)], digits[Int(b & 15)]])
    }

    /// Runs `body`, which reads section `tag`: what it throws becomes the FORMAT status (the
    /// section is corrupt or does not fit), with the section named; I/O and memory errors keep
    /// their status.
    static func reading<T>(_ tag: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as AxonError {
            let kind: AxonError.Kind = e.kind == .io || e.kind == .outOfMemory ? e.kind : .format
            throw AxonError(kind, "axon file: section '\(tag)': \(e.message)")
        }
    }

    /// Runs `body`, which reads the file at `path`, naming the path in what it throws.
    static func naming<T>(_ path: FilePath, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as AxonError where !mentions(e.message, "'\(path)'") {
            throw AxonError(e.kind, "'\(path)': \(e.message)")
        }
    }

    /// Whether `text` contains `part` (compared as UTF-8; the standard library's own search
    /// would bring the regular-expression engine into the library).
    private static func mentions(_ text: String, _ part: String) -> Bool {
        let (a, b) = (Array(text.utf8), Array(part.utf8))
        guard b.count <= a.count else { return false }
        return (0...(a.count - b.count)).contains { a[$0..<($0 + b.count)].elementsEqual(b) }
    }
}
