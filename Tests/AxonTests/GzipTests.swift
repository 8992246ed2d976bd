import Foundation
import Testing
@testable import Axon

/// Gzip (RFC 1952), DEFLATE (RFC 1951) and CRC-32 against files made by gzip(1) and zlib.
/// The fixtures and how each was made: Fixtures/gzip/make_fixtures.sh.
@Suite("Gzip")
struct GzipTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/gzip")

    static func read(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(path)))
    }

    /// Names (without extension) of the files in `folder` that end in `.ext`, sorted.
    static func names(_ folder: String, _ ext: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent(folder).path)
            .filter { $0.hasSuffix("." + ext) }.map { String($0.dropLast(ext.count + 1)) }.sorted()
    }

    /// The generator of make_fixtures.sh: text, byte runs, long back-references and short
    /// random runs, from SplitMix64. The 200 KB original is regenerated, not stored.
    static func mixed(_ n: Int) -> [UInt8] {
        var state: UInt64 = 0x5EED_0A50
        func rand() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let words = ["tensor", "gradient", "pullback", "axon", "layer", "kernel", "batch", "epoch",
                     "loss", "adam", "relu", "softmax", "shape", "stride", "mnist", "digits"].map { Array($0.utf8) }
        var out: [UInt8] = []
        while out.count < n {
            let r = rand()
            switch r % 4 {
            case 0: for _ in 0..<(8 + (r >> 8) % 56) { out.append(UInt8(rand() & 0xFF)) }
            case 1: out += words[Int((r >> 8) % 16)] + [0x20]
            case 2: out += repeatElement(UInt8(r >> 8 & 0xFF), count: Int(3 + (r >> 16) % 300))
            default:
                guard !out.isEmpty else { continue }
                let distance = 1 + Int((r >> 8) % UInt64(min(out.count, 32768)))
                for _ in 0..<(3 + (r >> 24) % 256) { out.append(out[out.count - distance]) }
            }
        }
        return Array(out.prefix(n))
    }

    static let mixed200k = mixed(200_000)

    /// What `valid/<name>.gz` decodes to: `<name>.out`, or a prefix of `mixed`.
    static func expected(_ name: String) throws -> [UInt8] {
        switch name {
        case "mixed", "mixed-1", "mixed-9": return mixed200k
        case "stored": return Array(mixed200k.prefix(20_000))
        case "flushed": return Array(mixed200k.prefix(30_000))
        default: return try read("valid/\(name).out")
        }
    }

    /// Equal bytes; on failure names the first difference instead of printing both arrays.
    func expectBytes(_ actual: [UInt8], _ expected: [UInt8], _ what: String,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        guard actual != expected else { return }
        let first = (0..<min(actual.count, expected.count)).first { actual[$0] != expected[$0] }
            ?? min(actual.count, expected.count)
        Issue.record("\(what): \(actual.count) bytes, expected \(expected.count); first difference at \(first)",
                     sourceLocation: sourceLocation)
    }

    /// `body` throws an AxonError of kind `.format` whose message reads `gzip: ... at byte N`
    /// and contains `fragment`; returns the message.
    @discardableResult
    func expectFormatError(_ what: String, _ fragment: String = "", sourceLocation: SourceLocation = #_sourceLocation,
                           _ body: () throws -> [UInt8]) -> String? {
        do {
            let output = try body()
            Issue.record("\(what): decoded \(output.count) bytes, expected an error", sourceLocation: sourceLocation)
        } catch let error as AxonError {
            #expect(error.kind == .format, "\(what): \(error.kind)", sourceLocation: sourceLocation)
            #expect(error.message.hasPrefix("gzip: ") && error.message.contains(" at byte "),
                    "\(what): \(error.message)", sourceLocation: sourceLocation)
            #expect(fragment.isEmpty || error.message.contains(fragment),
                    "\(what): '\(error.message)' lacks '\(fragment)'", sourceLocation: sourceLocation)
            return error.message
        } catch {
            Issue.record("\(what): unexpected error \(error)", sourceLocation: sourceLocation)
        }
        return nil
    }

    // MARK: - Valid input

    @Test func generatorMatchesTheFixtureScript() throws {
        // mixed.gz's trailer holds gzip's CRC-32 and size of the script's mixed(200_000).
        let gz = try Self.read("valid/mixed.gz")
        let trailer = gz.suffix(8).map(UInt32.init)
        #expect(trailer[0] | trailer[1] << 8 | trailer[2] << 16 | trailer[3] << 24 == CRC32.checksum(Self.mixed200k))
        #expect(trailer[4] | trailer[5] << 8 | trailer[6] << 16 | trailer[7] << 24 == 200_000)
    }

    @Test func gzipFilesDecodeToTheirOriginals() throws {
        let names = try Self.names("valid", "gz")
        #expect(names == ["empty", "flushed", "headers", "members", "mixed",
                          "mixed-1", "mixed-9", "named", "short", "stored"])
        for name in names {
            expectBytes(try Gzip.decompress(Self.read("valid/\(name).gz")), try Self.expected(name), name)
        }
    }

    @Test func rawStreamsDecodeToTheirOriginals() throws {
        let names = try Self.names("raw", "deflate")
        #expect(names.count == 12)
        for name in names {
            expectBytes(try Gzip.inflate(Self.read("raw/\(name).deflate"), maxOutput: 1 << 20),
                        try Self.read("raw/\(name).out"), name)
        }
    }

    @Test func membersConcatenateAndZeroPaddingIsIgnored() throws {
        let parts = ["short", "empty", "named", "stored", "headers"]
        var file: [UInt8] = [], expected: [UInt8] = []
        for name in parts {
            file += try Self.read("valid/\(name).gz")
            expected += try Self.expected(name)
        }
        expectBytes(try Gzip.decompress(file), expected, "five members")
        expectBytes(try Gzip.decompress(file + [UInt8](repeating: 0, count: 512)), expected, "zero padding")
    }

    @Test func inflateReadsTheDeflateDataOfAGzipFile() throws {
        // gzip -n writes a 10-byte header (no optional fields) and an 8-byte trailer.
        let gz = try Self.read("valid/mixed-9.gz")
        #expect(gz[3] == 0)
        expectBytes(try Gzip.inflate(Array(gz[10..<(gz.count - 8)]), maxOutput: 200_000), Self.mixed200k, "mixed-9")
    }

    // MARK: - Corrupt and hostile input

    @Test func corruptGzipFilesThrow() throws {
        let names = try Self.names("corrupt", "gz")
        #expect(names.count == 22)
        let fragments = [
            "bad-magic": "bad magic", "bad-method": "compression method", "crc-flipped": "CRC32 mismatch",
            "cross-member-distance": "distance 1 reaches before", "distance-before-start": "distance 1 reaches before",
            "empty-file": "truncated header", "extra-field-too-long": "extra field", "header-crc-wrong": "header CRC16",
            "reserved-flag": "reserved header flags", "second-member-bad-crc": "CRC32", "trailing-garbage": "bad magic",
            "truncated-header": "truncated header", "truncated-file-name": "truncated header",
            "truncated-trailer": "truncated trailer", "truncated-last-byte": "truncated trailer",
            "wrong-isize": "ISIZE", "zeros-then-garbage": "bad magic",
        ]
        for name in names {
            let bytes = try Self.read("corrupt/\(name).gz")
            expectFormatError(name, fragments[name] ?? "") { try Gzip.decompress(bytes) }
        }
    }

    @Test func errorsNameTheOffset() throws {
        let short = try Self.read("valid/short.gz")
        #expect(expectFormatError("crc") { try Gzip.decompress(Self.read("corrupt/crc-flipped.gz")) }
                == "gzip: CRC32 mismatch at byte \(short.count - 8)")
        #expect(expectFormatError("garbage") { try Gzip.decompress(Self.read("corrupt/trailing-garbage.gz")) }
                == "gzip: bad magic (not a gzip member) at byte \(short.count)")
        #expect(expectFormatError("isize") { try Gzip.decompress(Self.read("corrupt/wrong-isize.gz")) }
                == "gzip: ISIZE does not match the decoded size at byte \(short.count - 4)")
    }

    @Test func hostileRawStreamsThrow() throws {
        let names = try Self.names("hostile", "deflate")
        #expect(names.count == 27)
        let fragments = [
            "block-type-3": "invalid block type 3", "distance-32768-after-32767": "distance 32768 reaches before",
            "distance-before-start": "distance 1 reaches before",
            "distance-one-past-start": "distance 2 reaches before",
            "dynamic-incomplete-code-lengths": "incomplete code length code",
            "dynamic-incomplete-distances": "incomplete distance code",
            "dynamic-incomplete-literals": "incomplete literal/length code",
            "dynamic-lengths-overrun": "overrun", "dynamic-missing-end-of-block": "missing end-of-block",
            "dynamic-no-distance-code-used": "invalid Huffman code",
            "dynamic-oversubscribed-code-lengths": "over-subscribed code length code",
            "dynamic-oversubscribed-literals": "over-subscribed literal/length code",
            "dynamic-repeat-first": "no previous length", "dynamic-too-many-distances": "too many",
            "dynamic-too-many-lengths": "too many", "dynamic-unused-distance-code": "invalid Huffman code",
            "empty": "truncated", "fixed-distance-30": "invalid distance symbol 30",
            "fixed-distance-31": "invalid distance symbol 31", "fixed-literal-286": "invalid length symbol 286",
            "fixed-literal-287": "invalid length symbol 287", "no-final-block": "truncated",
            "stored-length-complement": "complement", "stored-truncated": "truncated stored block",
            "trailing-data": "trailing data", "truncated-dynamic-header": "truncated", "truncated-fixed": "truncated",
        ]
        for name in names {
            let bytes = try Self.read("hostile/\(name).deflate")
            expectFormatError(name, fragments[name] ?? "?") { try Gzip.inflate(bytes, maxOutput: 1 << 20) }
        }
    }

    @Test func everyTruncationThrows() throws {
        for (name, step) in [("short", 1), ("named", 1), ("headers", 1), ("stored", 97), ("mixed-9", 1009)] {
            let bytes = try Self.read("valid/\(name).gz")
            for end in stride(from: 0, to: bytes.count, by: step) {
                expectFormatError("\(name) cut at \(end)") { try Gzip.decompress(Array(bytes[..<end])) }
            }
        }
    }

    /// Random bit flips either throw `.format` or (flags, MTIME, OS, name) leave the output
    /// unchanged: the CRC-32 catches the rest.
    @Test func bitFlipsThrowOrDecodeExactly() throws {
        var random = PRNG(seed: 1952)
        for name in ["short", "named", "headers", "flushed", "stored", "mixed-1"] {
            let bytes = try Self.read("valid/\(name).gz"), expected = try Self.expected(name)
            for trial in 0..<(name.hasPrefix("mixed") ? 30 : 150) {
                var corrupt = bytes
                for _ in 0...(random.next() % 3) {
                    let bit = Int(random.next() % UInt64(8 * corrupt.count))
                    corrupt[bit / 8] ^= 1 << UInt8(bit % 8)
                }
                do {
                    expectBytes(try Gzip.decompress(corrupt, maxOutput: 1 << 20), expected, "\(name) trial \(trial)")
                } catch let error as AxonError {
                    #expect(error.kind == .format, "\(name) trial \(trial): \(error.message)")
                }
            }
        }
    }

    /// Every single-bit change of the small raw streams decodes or throws `.format`, never traps.
    @Test func rawBitFlipsNeverTrap() throws {
        let paths = try Self.names("raw", "deflate").map { "raw/\($0)" }
            + Self.names("hostile", "deflate").map { "hostile/\($0)" }
        for name in paths {
            let bytes = try Self.read("\(name).deflate")
            guard bytes.count <= 256 else { continue }
            for bit in 0..<(8 * bytes.count) {
                var corrupt = bytes
                corrupt[bit / 8] ^= 1 << UInt8(bit % 8)
                do {
                    _ = try Gzip.inflate(corrupt, maxOutput: 1 << 16)
                } catch let error as AxonError {
                    #expect(error.kind == .format, "\(name) bit \(bit): \(error.message)")
                }
            }
        }
    }

    // MARK: - Output limit

    @Test func maxOutputIsEnforced() throws {
        let mixed = try Self.read("valid/mixed.gz")
        #expect(try Gzip.decompress(mixed, maxOutput: 200_000).count == 200_000)
        expectFormatError("mixed", "output exceeds maxOutput (199999 bytes)") {
            try Gzip.decompress(mixed, maxOutput: 199_999)
        }
        let stored = try Self.read("valid/stored.gz")
        expectFormatError("stored", "maxOutput") { try Gzip.decompress(stored, maxOutput: 19_999) }
        // 10 MiB of zeros in 10 KB: stops at the limit instead of inflating it all.
        expectFormatError("bomb", "maxOutput") {
            try Gzip.decompress(Self.read("limits/zeros-10MiB.gz"), maxOutput: 1 << 16)
        }
        #expect(try Gzip.decompress(Self.read("valid/empty.gz"), maxOutput: 0) == [])
        expectFormatError("short", "maxOutput") { try Gzip.decompress(Self.read("valid/short.gz"), maxOutput: 0) }
        // The limit counts all members together.
        let members = try Self.read("valid/members.gz"), total = try Self.read("valid/members.out").count
        #expect(try Gzip.decompress(members, maxOutput: total).count == total)
        expectFormatError("members", "maxOutput") { try Gzip.decompress(members, maxOutput: total - 1) }
        let rle = try Self.read("raw/rle-distance-one.deflate")
        #expect(try Gzip.inflate(rle, maxOutput: 11) == Array(repeating: UInt8(ascii: "A"), count: 11))
        expectFormatError("rle", "maxOutput") { try Gzip.inflate(rle, maxOutput: 10) }
        #expect(throws: AxonError(.invalidArgument, "gzip: maxOutput is negative (-1)")) {
            try Gzip.decompress(mixed, maxOutput: -1)
        }
    }

    // MARK: - CRC-32

    /// Bit-at-a-time CRC-32 straight from the definition (reflected 0xEDB88320).
    static func referenceCRC(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? crc >> 1 ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    @Test func crc32KnownAnswers() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum("123456789".utf8) == 0xCBF4_3926)
        #expect(CRC32.checksum(Array("The quick brown fox jumps over the lazy dog".utf8)) == 0x414F_A339)
        #expect(CRC32.checksum([UInt8]()) == 0)
        #expect(CRC32.checksum([0]) == 0xD202_EF8D)
    }

    @Test func crc32MatchesTheDefinitionAndChains() {
        let bytes = Array(Self.mixed200k.prefix(300))
        for count in 0..<80 {
            for start in [0, 1, 3, 7] {  // unaligned starts exercise the 8-byte loads
                let slice = bytes[start..<(start + count)]
                #expect(CRC32.checksum(slice) == Self.referenceCRC(Array(slice)), "count \(count) start \(start)")
            }
        }
        // A sequence without contiguous storage takes the byte-at-a-time path.
        #expect(CRC32.checksum(bytes.lazy.map { $0 }) == Self.referenceCRC(bytes))
        // `initial` continues a checksum.
        let split = 123
        #expect(CRC32.checksum(bytes[split...], initial: CRC32.checksum(bytes[..<split])) == CRC32.checksum(bytes))
    }
}
