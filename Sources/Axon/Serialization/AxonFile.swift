#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `.axon` container: a header, a table of sections, the sections; little-endian, a
/// CRC-32 over the header and table and one per section. The byte layout is in FORMAT.md
/// beside this file. Readers skip sections they do not know unless the section is flagged
/// required, and refuse files or required sections of a newer version.
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

    /// The file's bytes.
    public func encoded() throws -> [UInt8] {
        var w = ByteWriter()
        w.bytes += AxonFile.magic
        w.u32(AxonFile.formatVersion)
        w.u32(UInt32(sections.count))
        let tableEnd = 16 + 32 * sections.count + 4
        var offset = tableEnd
        for s in sections {
            let tag = Array(s.tag.utf8)
            guard tag.count == 4, tag.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
                throw AxonError.invalid("AxonFile: section tag '\(s.tag)' must be 4 ASCII characters")
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

    /// Parses and checks a file: magic, version, table CRC, bounds and every section's CRC.
    /// `knownVersions` maps the tags this reader understands to the newest version it reads.
    public static func decode(_ bytes: [UInt8], knownVersions: [String: UInt32]) throws -> AxonFile {
        var r = ByteReader(bytes, context: "axon file")
        try r.need(16)
        guard Array(bytes[0..<8]) == magic else {
            throw AxonError(.format, "axon file: bad magic bytes (not an .axon file)")
        }
        _ = try r.u64()
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
        try r.need(32 * count + 4)
        let tableEnd = 16 + 32 * count
        let storedCRC = UInt32(bytes[tableEnd]) | UInt32(bytes[tableEnd + 1]) << 8
            | UInt32(bytes[tableEnd + 2]) << 16 | UInt32(bytes[tableEnd + 3]) << 24
        guard CRC32.checksum(bytes[0..<tableEnd]) == storedCRC else {
            throw AxonError(.format, "axon file: the header or section table is corrupt (CRC mismatch)")
        }
        var sections: [Section] = []
        for _ in 0..<count {
            let tagBytes = (0..<4).map { _ in (try? r.u8()) ?? 0 }
            let tag = String(decoding: tagBytes, as: UTF8.self)
            let flags = try r.u32(), sectionVersion = try r.u32(), crc = try r.u32()
            let offset = try r.count("section offset", limit: bytes.count)
            let length = try r.count("section length", limit: bytes.count)
            guard offset >= tableEnd + 4, length <= bytes.count - offset else {
                throw AxonError(.format, "axon file: section '\(tag)' lies outside the file")
            }
            let required = flags & 1 != 0
            guard flags & ~1 == 0 else {
                throw AxonError(.format, "axon file: section '\(tag)' has unknown flags \(flags)")
            }
            guard let newest = knownVersions[tag] else {
                if required {
                    throw AxonError(.format,
                                    "axon file: required section '\(tag)' is unknown to this library; upgrade Axon")
                }
                continue   // an optional section from a newer writer
            }
            guard sectionVersion <= newest || !required else {
                throw AxonError(.format, "axon file: section '\(tag)' version \(sectionVersion) is newer than "
                                + "this library reads (\(newest))")
            }
            let payload = Array(bytes[offset..<(offset + length)])
            guard CRC32.checksum(payload) == crc else {
                throw AxonError(.format, "axon file: section '\(tag)' is corrupt (CRC mismatch)")
            }
            if sectionVersion <= newest {
                sections.append(Section(tag: tag, required: required, version: sectionVersion, payload: payload))
            }
        }
        return AxonFile(sections: sections)
    }

    /// Writes `bytes` atomically: a temporary file beside `path`, flushed to disk, then
    /// renamed over it, so a crash never leaves a damaged file at `path`.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let temporary = "\(path).tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw AxonError(.io, "cannot create '\(temporary)': \(String(cString: strerror(errno)))") }
        var ok = false
        defer { if !ok { unlink(temporary) } }
        var written = 0
        try bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            while written < raw.count {
                let n = write(fd, base + written, raw.count - written)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else {
                    close(fd)
                    throw AxonError(.io, "writing '\(temporary)' failed: \(String(cString: strerror(errno)))")
                }
                written += n
            }
        }
        guard fsync(fd) == 0, close(fd) == 0 else { throw AxonError(.io, "flushing '\(temporary)' failed") }
        guard rename(temporary, path) == 0 else {
            throw AxonError(.io, "cannot rename '\(temporary)' to '\(path)': \(String(cString: strerror(errno)))")
        }
        ok = true
        // Make the rename itself durable.
        let directory = path.contains("/") ? String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)]) : "."
        let dfd = open(directory.isEmpty ? "/" : directory, O_RDONLY)
        if dfd >= 0 { _ = fsync(dfd); close(dfd) }
    }
}
