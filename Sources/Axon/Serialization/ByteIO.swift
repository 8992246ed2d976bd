/// Little-endian byte writing and bounds-checked reading for the model file.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u16(_ v: UInt16) { for i in 0..<2 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * i))) } }
    mutating func u32(_ v: UInt32) { for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * i))) } }
    mutating func u64(_ v: UInt64) { for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * i))) } }
    mutating func f32(_ v: Float) { u32(v.bitPattern) }
    mutating func f64(_ v: Double) { u64(v.bitPattern) }

    /// A UTF-8 string with a 32-bit length.
    mutating func string(_ s: String) {
        let utf8 = Array(s.utf8)
        u32(UInt32(truncatingIfNeeded: utf8.count))
        bytes += utf8
    }

    /// Floats as raw little-endian IEEE 754 (the host order on every platform Swift supports
    /// for this library; checked at run time).
    mutating func floats(_ p: UnsafeBufferPointer<Float>) {
        if UInt32(1).littleEndian == 1 {
            bytes += UnsafeRawBufferPointer(p)
        } else {
            for v in p { f32(v) }
        }
    }
}

/// Reads values from a byte range, throwing `AxonError(.format)` instead of reading past it.
struct ByteReader {
    let bytes: [UInt8]
    private(set) var offset: Int
    let end: Int
    let context: String

    init(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil, context: String) {
        self.bytes = bytes
        self.offset = start
        self.end = end ?? bytes.count
        self.context = context
    }

    var remaining: Int { end - offset }

    mutating func need(_ n: Int) throws {
        guard n >= 0, n <= remaining else {
            throw AxonError(.format, "\(context): truncated at byte \(offset) (needs \(n) more, \(remaining) left)")
        }
    }

    mutating func skip(_ n: Int) throws {
        try need(n)
        offset += n
    }

    mutating func u8() throws -> UInt8 {
        try need(1)
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u16() throws -> UInt16 {
        try need(2)
        defer { offset += 2 }
        return UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    mutating func u32() throws -> UInt32 {
        try need(4)
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(bytes[offset + i]) << (8 * i) }
        offset += 4
        return v
    }

    mutating func u64() throws -> UInt64 {
        try need(8)
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[offset + i]) << (8 * i) }
        offset += 8
        return v
    }

    mutating func f64() throws -> Double { Double(bitPattern: try u64()) }

    /// A count or size that must fit in `limit` (and so in Int).
    mutating func count(_ what: String, limit: Int) throws -> Int {
        let v = try u64()
        guard v <= UInt64(limit) else { throw AxonError(.format, "\(context): \(what) \(v) exceeds \(limit)") }
        return Int(v)
    }

    mutating func string(limit: Int = 1 << 20) throws -> String {
        let n = Int(try u32())
        guard n <= limit else { throw AxonError(.format, "\(context): string of \(n) bytes exceeds \(limit)") }
        try need(n)
        defer { offset += n }
        return String(decoding: bytes[offset..<(offset + n)], as: UTF8.self)
    }

    /// `count` floats into `destination` (whose capacity the caller guarantees).
    mutating func floats(_ count: Int, into destination: UnsafeMutablePointer<Float>) throws {
        let (n, overflow) = count.multipliedReportingOverflow(by: 4)
        guard !overflow else { throw AxonError(.format, "\(context): \(count) floats overflow") }
        try need(n)
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            if UInt32(1).littleEndian == 1 {
                UnsafeMutableRawPointer(destination).copyMemory(from: base + offset, byteCount: n)
            } else {
                for i in 0..<count {
                    var v: UInt32 = 0
                    for b in 0..<4 { v |= UInt32(raw[offset + 4 * i + b]) << (8 * b) }
                    destination[i] = Float(bitPattern: v)
                }
            }
        }
        offset += n
    }
}
