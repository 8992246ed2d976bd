// `Gzip.decompress` and `Gzip.inflate` (the same bytes as a raw DEFLATE stream). What decodes
// must decode to the same bytes with `maxOutput` set to its size and be refused one byte below.
import Axon

/// A gzip member holding `data` in one stored block, with a file name and a header CRC: the
/// parts of the format the gzip(1) files of the corpus (which run.sh makes) do not use.
func storedGzip(_ data: [UInt8]) -> [UInt8] {
    func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
    var header: [UInt8] = [0x1f, 0x8b, 8, 0x08 | 0x02, 0, 0, 0, 0, 0, 3] + Array("seed.idx".utf8) + [0]
    header += le32(CRC32.checksum(header)).prefix(2)
    let n = UInt16(data.count)
    let block: [UInt8] = [1, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8(~n >> 8)]
    return header + block + data + le32(CRC32.checksum(data)) + le32(UInt32(data.count))
}

let target = FuzzTarget(seeds: {
    [("stored.gz", storedGzip([0, 0, 0x08, 1, 0, 0, 0, 5, 1, 2, 3, 4, 5]))]
}, run: { bytes in
    for decode in [{ try Gzip.decompress($0, maxOutput: $1) }, { try Gzip.inflate($0, maxOutput: $1) }]
        as [([UInt8], Int) throws -> [UInt8]] {
        guard let output = try? decode(bytes, 1 << 24) else { continue }
        let exact = mustSucceed("decoding with maxOutput the output's size") { try decode(bytes, output.count) }
        check(exact == output, "maxOutput changed the decoded bytes")
        if !output.isEmpty {
            check((try? decode(bytes, output.count - 1)) == nil, "maxOutput one byte short was not refused")
        }
    }
})
