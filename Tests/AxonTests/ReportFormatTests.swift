import Testing
@testable import Axon

/// The file formats and reports the command-line program uses: Adler-32, zlib stored
/// blocks, PNG, `AxonFile.inspect`, CSV tables with text labels, class encodings and the
/// classification report.
@Suite("Report formats")
struct ReportFormatTests {
    @Test func adler32MatchesKnownValues() {
        #expect(Adler32.checksum(Array("Wikipedia".utf8)) == 0x11E6_0398)
        #expect(Adler32.checksum([UInt8]()) == 1)
        let long = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        let split = Adler32.checksum(long[50_000...], initial: Adler32.checksum(long[..<50_000]))
        #expect(Adler32.checksum(long) == split)
        // All 0xFF bytes: the sums reach their largest values between reductions.
        var a: UInt64 = 1, b: UInt64 = 0
        for _ in 0..<20_000 { a = (a + 255) % 65521; b = (b + a) % 65521 }
        #expect(Adler32.checksum([UInt8](repeating: 255, count: 20_000)) == UInt32(b << 16 | a))
    }

    @Test func zlibStoredBlocksInflateBack() throws {
        for n in [0, 1, 65_535, 65_536, 200_000] {
            let data = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let stream = Zlib.stored(data)
            #expect(stream[0] == 0x78 && (UInt16(stream[0]) << 8 | UInt16(stream[1])) % 31 == 0)
            let deflate = Array(stream[2..<(stream.count - 4)])
            #expect(try Gzip.inflate(deflate, maxOutput: 1 << 20) == data)
            let adler = stream.suffix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            #expect(adler == Adler32.checksum(data))
        }
    }

    /// Chunks of a PNG: type and data, each chunk's CRC checked.
    static func chunks(_ png: [UInt8]) throws -> [(String, [UInt8])] {
        #expect(Array(png[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var out: [(String, [UInt8])] = [], i = 8
        func u32(_ at: Int) -> Int { png[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        while i < png.count {
            let n = u32(i)
            let typed = Array(png[(i + 4)..<(i + 8 + n)])
            #expect(UInt32(u32(i + 8 + n)) == CRC32.checksum(typed))
            out.append((String(decoding: typed[0..<4], as: UTF8.self), Array(typed[4...])))
            i += 12 + n
        }
        return out
    }

    @Test func pngPaletteImageHasItsPixelsPacked() throws {
        // 3 x 2 pixels, 5 colors: 4 bits per pixel, rows of 2 bytes after the filter byte.
        let palette: [(UInt8, UInt8, UInt8)] = [(255, 255, 255), (0, 0, 0), (255, 0, 0), (0, 255, 0), (0, 0, 255)]
        let png = try PNG.encode(indices: [0, 1, 2, 3, 4, 0], palette: palette, width: 3, height: 2)
        let parts = try Self.chunks(png)
        #expect(parts.map(\.0) == ["IHDR", "PLTE", "IDAT", "IEND"])
        #expect(parts[0].1 == [0, 0, 0, 3, 0, 0, 0, 2, 4, 3, 0, 0, 0])
        #expect(parts[1].1.count == 15)
        let raw = try Gzip.inflate(Array(parts[2].1[2..<(parts[2].1.count - 4)]), maxOutput: 100)
        #expect(raw == [0, 0x01, 0x20, 0, 0x34, 0x00])
        #expect(throws: AxonError.self) { try PNG.encode(indices: [5], palette: palette, width: 1, height: 1) }
        #expect(throws: AxonError.self) { try PNG.encode(indices: [0], palette: palette, width: 2, height: 1) }
        #expect(throws: AxonError.self) { try PNG.encode(rgb: [], width: 0, height: 0) }
    }

    @Test func pngRGBRowsStartWithTheNoneFilter() throws {
        let png = try PNG.encode(rgb: [1, 2, 3, 4, 5, 6], width: 1, height: 2)
        let parts = try Self.chunks(png)
        #expect(parts[0].1[8...9] == [8, 2])
        #expect(try Gzip.inflate(Array(parts[1].1[2..<(parts[1].1.count - 4)]), maxOutput: 100)
                == [0, 1, 2, 3, 0, 4, 5, 6])
    }

    @Test func inspectReportsEverySectionAndADamagedOne() throws {
        var rng = PRNG(seed: 1)
        let model = try LayerSpec.parse("linear 3 2").build(generator: &rng)
        var bytes = try ModelFile.encode(model, metadata: [("k", "v")])
        let info = try AxonFile.inspect(bytes)
        #expect(info.intact && info.kind == "model" && info.formatVersion == 1)
        #expect(info.sections.map(\.tag) == ["ARCH", "PARM", "BUFF", "MODE", "RNGS", "META"])
        #expect(info.sections.allSatisfy { $0.newestKnownVersion == 1 })
        guard let parm = info.sections.first(where: { $0.tag == "PARM" }) else { return }
        bytes[parm.offset + parm.length - 1] ^= 0xFF
        let damaged = try AxonFile.inspect(bytes)
        #expect(!damaged.intact && damaged.tableCRCMatches)
        #expect(damaged.sections.filter { !$0.crcMatches }.map(\.tag) == ["PARM"])
        #expect(throws: AxonError.self) { try AxonFile.inspect(Array(bytes.prefix(20))) }
        #expect(throws: AxonError.self) { try AxonFile.inspect([UInt8](repeating: 0, count: 64)) }
    }

    @Test func csvTableFindsTheHeaderAndTextLabels() throws {
        let text = "a, b ,kind\n1,2,cat\n3,4,\"dog\"\n\n5,6.5,cat\r\n"
        let table = try CSV.readTable(Array(text.utf8), label: .name("kind"))
        #expect(table.header == ["a", "b", "kind"] && table.labelColumn == 2)
        #expect(table.features.shape == [3, 2] && table.features.scalars == [1, 2, 3, 4, 5, 6.5])
        #expect(table.labels == ["cat", "dog", "cat"])
        let plain = try CSV.readTable(Array("1,2,0\n3,4,1\n".utf8), label: .index(0))
        #expect(plain.header == nil && plain.labels == ["1", "3"] && plain.features.scalars == [2, 0, 4, 1])
        let text2 = "x,y\n1,2\n"
        #expect(try CSV.readTable(Array(text2.utf8), label: nil).features.shape == [1, 2])
        #expect(throws: AxonError.self) { try CSV.readTable(Array(text.utf8), label: .name("colour")) }
        #expect(throws: AxonError.self) { try CSV.readTable(Array("1,2\n3\n".utf8), label: .index(-1)) }
        #expect(throws: AxonError.self) { try CSV.readTable(Array("1,2,3\n4,x,5\n".utf8), label: .index(-1)) }
        #expect(throws: AxonError.self) { try CSV.readTable(Array("1,2\n".utf8), label: .index(5)) }
        #expect(throws: AxonError.self) { try CSV.readTable(Array("1e40,2\n".utf8), label: .index(-1)) }
    }

    @Test func classEncodingKeepsWholeLabelsAndSortsOthers() throws {
        let digits = try ClassEncoding(labels: ["3", "0", "1.0", "+3"])
        #expect(digits.names == ["0", "1", "2", "3"])
        #expect(try digits.encode(["3", "1", "0"]).scalars == [3, 1, 0])
        let words = try ClassEncoding(labels: ["pear", "apple", "pear"])
        #expect(words.names == ["apple", "pear"] && words.index(of: "pear") == 1 && words.index(of: "plum") == nil)
        let numbers = try ClassEncoding(labels: ["10", "-2", "0.5"])
        #expect(numbers.names == ["-2", "0.5", "10"])
        #expect(throws: AxonError.self) { try words.encode(["plum"]) }
        #expect(throws: AxonError.self) { try ClassEncoding(names: ["a", "a"]) }
    }

    @Test func classificationReportCountsTheConfusionMatrix() throws {
        // Identity on two features: the prediction is the larger feature.
        var rng = PRNG(seed: 0)
        let model = try LayerSpec.parse("identity").build(generator: &rng)
        let x = try Tensor([2, 0, 0, 1, 3, 1, 0, 5], shape: [4, 2])
        let data = try Dataset(features: x, targets: Tensor([0, 1, 1, 1], shape: [4]))
        let report = try ClassificationReport(model: model, data: data, batchSize: 3) { try crossEntropy($0, $1) }
        #expect(report.confusion == [[1, 0], [1, 2]])
        #expect(report.accuracy == 0.75 && report.classAccuracy(1) == 2.0 / 3 && report.support(0) == 1)
        let p = try classProbabilities(model: model, features: x, batchSize: 3)
        #expect(p.shape == [4, 2] && abs(p.scalars[0] + p.scalars[1] - 1) < 1e-6)
        let bad = try Dataset(features: x, targets: Tensor([0, 1, 2, 1], shape: [4]))
        #expect(throws: AxonError.self) {
            try ClassificationReport(model: model, data: bad) { try crossEntropy($0, $1) }
        }
    }
}
