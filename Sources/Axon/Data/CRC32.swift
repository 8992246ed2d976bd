/// CRC-32 as in gzip, zlib and PNG (reflected polynomial 0xEDB88320), table driven.
///
/// ```swift
/// CRC32.checksum(Array("123456789".utf8))   // 0xCBF43926
/// CRC32.checksum(b, initial: CRC32.checksum(a)) == CRC32.checksum(a + b)
/// ```
public enum CRC32 {
    /// The CRC-32 of `bytes`; pass a previous result as `initial` to continue it.
    public static func checksum(_ bytes: some Sequence<UInt8>, initial: UInt32 = 0) -> UInt32 {
        // NOTE: a sequence without contiguous storage (say, a lazy map) is copied first.
        ~(bytes.withContiguousStorageIfAvailable { update(~initial, $0) }
            ?? Array(bytes).withUnsafeBufferPointer { update(~initial, $0) })
    }

    /// `tables[256 * k + b]` is the CRC register after byte `b` followed by `k` zero bytes,
    /// so eight bytes can be folded in at once ("slicing-by-8").
    private static let tables: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 8 * 256)
        for b in 0..<256 {
            var c = UInt32(b)
            for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ c >> 1 : c >> 1 }
            table[b] = c
        }
        for k in 1..<8 {
            for b in 0..<256 {
                let previous = table[256 * (k - 1) + b]
                table[256 * k + b] = previous >> 8 ^ table[Int(previous & 0xFF)]
            }
        }
        return table
    }()

    /// Advances the raw (un-inverted) CRC register over `bytes`.
    private static func update(_ register: UInt32, _ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var crc = register
        guard let base = bytes.baseAddress else { return crc }
        var p = UnsafeRawPointer(base)
        let end = p + bytes.count
        tables.withUnsafeBufferPointer { t in
            while end - p >= 8 {
                let word = p.loadUnaligned(as: UInt64.self).littleEndian
                let low = UInt32(truncatingIfNeeded: word) ^ crc, high = UInt32(truncatingIfNeeded: word >> 32)
                crc = t[7 * 256 + Int(low & 0xFF)] ^ t[6 * 256 + Int(low >> 8 & 0xFF)]
                    ^ t[5 * 256 + Int(low >> 16 & 0xFF)] ^ t[4 * 256 + Int(low >> 24)]
                    ^ t[3 * 256 + Int(high & 0xFF)] ^ t[2 * 256 + Int(high >> 8 & 0xFF)]
                    ^ t[256 + Int(high >> 16 & 0xFF)] ^ t[Int(high >> 24)]
                p += 8
            }
            while p < end {
                crc = t[Int((crc ^ UInt32(p.load(as: UInt8.self))) & 0xFF)] ^ crc >> 8
                p += 1
            }
        }
        return crc
    }
}
