/// Decoder for gzip files (RFC 1952) and raw DEFLATE streams (RFC 1951).
///
/// ```swift
/// let csv = try Gzip.decompress(compressedBytes)      // digits.csv.gz -> 264,712 bytes
/// ```
///
/// Corrupt, truncated or hostile input throws `AxonError` of kind `.format` with a message
/// `gzip: <what is wrong> at byte <offset>`; it never traps. Output is bounded by
/// `maxOutput`. Memory is reserved up front only as far as the stored size (ISIZE), the
/// input size times DEFLATE's best ratio (1032:1) and `maxOutput` all allow; beyond that
/// it grows with the output actually produced.
public enum Gzip {
    /// Decompresses a gzip file. Concatenated members decode to concatenated output; the
    /// CRC-32 and ISIZE of every member are verified. Only zero bytes may follow the last member.
    public static func decompress(_ bytes: [UInt8], maxOutput: Int = 1 << 31) throws -> [UInt8] {
        try checkLimit(maxOutput)
        return try bytes.withUnsafeBufferPointer { input in
            // The last four bytes are ISIZE of the last member: the exact size of a
            // single-member file. Only a hint, clamped to DEFLATE's best ratio (~1032:1).
            let isize = input.count >= 4 ? Int(readLE32(input, input.count - 4)) : 0
            let bound = input.count > Int.max / 1032 ? Int.max : input.count * 1032
            return try Output.decode(limit: maxOutput, hint: min(isize, bound)) { try readMembers(input, &$0) }
        }
    }

    /// Decompresses a raw DEFLATE stream (no gzip or zlib wrapper). Nothing may follow the
    /// final block except the padding bits of its last byte.
    public static func inflate(_ bytes: [UInt8], maxOutput: Int) throws -> [UInt8] {
        try checkLimit(maxOutput)
        return try bytes.withUnsafeBufferPointer { input in
            try Output.decode(limit: maxOutput, hint: input.count > Int.max / 4 ? Int.max : input.count * 4) { out in
                var reader = BitReader(input, at: 0)
                try inflateStream(&reader, &out, windowStart: 0)
                guard reader.offset == input.count else {
                    throw fail("trailing data after the final block", reader.offset)
                }
            }
        }
    }

    static func fail(_ what: String, _ offset: Int) -> AxonError {
        AxonError(.format, "gzip: \(what) at byte \(offset)")
    }

    private static func checkLimit(_ maxOutput: Int) throws {
        guard maxOutput >= 0 else {
            throw AxonError(.invalidArgument, "gzip: maxOutput is negative (\(maxOutput))")
        }
    }

    /// Caller guarantees `offset + 4 <= input.count`.
    private static func readLE32(_ input: UnsafeBufferPointer<UInt8>, _ offset: Int) -> UInt32 {
        UInt32(input[offset]) | UInt32(input[offset + 1]) << 8
            | UInt32(input[offset + 2]) << 16 | UInt32(input[offset + 3]) << 24
    }

    /// RFC 1952 §2.2: a gzip file is a series of members, each a header, DEFLATE data and
    /// a trailer (§2.3.1: CRC-32 and ISIZE, the size mod 2^32, both little-endian).
    private static func readMembers(_ input: UnsafeBufferPointer<UInt8>, _ out: inout Output) throws {
        var offset = 0
        repeat {
            var reader = BitReader(input, at: try readHeader(input, at: offset))
            let start = out.count
            try inflateStream(&reader, &out, windowStart: start)
            offset = reader.offset
            guard input.count - offset >= 8 else { throw fail("truncated trailer", offset) }
            let crc = CRC32.checksum(UnsafeBufferPointer(start: out.base + start, count: out.count - start))
            guard readLE32(input, offset) == crc else { throw fail("CRC32 mismatch", offset) }
            guard readLE32(input, offset + 4) == UInt32(truncatingIfNeeded: out.count - start) else {
                throw fail("ISIZE does not match the decoded size", offset + 4)
            }
            offset += 8
            // Zero padding after the last member is ignored, as gzip(1) and Python do.
        } while UnsafeBufferPointer(rebasing: input[offset...]).contains(where: { $0 != 0 })
    }

    /// Parses a member header (RFC 1952 §2.3.1) and returns the offset of its DEFLATE data.
    private static func readHeader(_ input: UnsafeBufferPointer<UInt8>, at start: Int) throws -> Int {
        var i = start
        func next() throws -> UInt8 {
            guard i < input.count else { throw fail("truncated header", i) }
            i += 1
            return input[i - 1]
        }
        guard try next() == 0x1F, try next() == 0x8B else { throw fail("bad magic (not a gzip member)", start) }
        guard try next() == 8 else { throw fail("unsupported compression method", start + 2) }
        let flags = try next()
        guard flags & 0xE0 == 0 else { throw fail("reserved header flags set", start + 3) }
        guard input.count - i >= 6 else { throw fail("truncated header", input.count) }
        i += 6  // MTIME (4), XFL, OS: informational only
        if flags & 0x04 != 0 {  // FEXTRA: XLEN, then XLEN bytes of subfields
            let xlen = try Int(next()) | Int(next()) << 8
            guard input.count - i >= xlen else { throw fail("truncated extra field", input.count) }
            i += xlen
        }
        if flags & 0x08 != 0 { while try next() != 0 {} }  // FNAME, zero-terminated
        if flags & 0x10 != 0 { while try next() != 0 {} }  // FCOMMENT, zero-terminated
        if flags & 0x02 != 0 {  // FHCRC: low 16 bits of the CRC-32 of the header so far
            let crc = CRC32.checksum(UnsafeBufferPointer(rebasing: input[start..<i]))
            let stored = try UInt16(next()) | UInt16(next()) << 8
            guard stored == UInt16(truncatingIfNeeded: crc) else { throw fail("header CRC16 mismatch", i - 2) }
        }
        return i
    }

    // MARK: - DEFLATE (RFC 1951)

    /// Decodes blocks until the one marked final (§3.2.3), then skips to the next byte.
    /// Back-references may not reach before `windowStart` (the start of this stream).
    private static func inflateStream(_ r: inout BitReader, _ out: inout Output, windowStart: Int) throws {
        var isFinal = false
        repeat {
            isFinal = try r.take(1) == 1
            switch try r.take(2) {
            case 0: try copyStored(&r, &out)
            case 1: try inflateBlock(&r, &out, fixedTables.lit, fixedTables.dist, windowStart: windowStart)
            case 2:
                let (lit, dist) = try readDynamicTables(&r)
                try inflateBlock(&r, &out, lit, dist, windowStart: windowStart)
            default: throw fail("invalid block type 3", r.offset)
            }
        } while !isFinal
        r.alignToByte()
    }

    /// A stored block (§3.2.4): byte-aligned LEN, NLEN = ~LEN, then LEN literal bytes.
    private static func copyStored(_ r: inout BitReader, _ out: inout Output) throws {
        r.alignToByte()
        let p = r.offset, input = r.input
        guard input.count - p >= 4 else { throw fail("truncated stored block header", p) }
        let len = Int(input[p]) | Int(input[p + 1]) << 8, nlen = Int(input[p + 2]) | Int(input[p + 3]) << 8
        guard len == nlen ^ 0xFFFF else { throw fail("stored block length does not match its complement", p) }
        guard input.count - (p + 4) >= len else { throw fail("truncated stored block", input.count) }
        try out.reserve(len, at: p)
        if len > 0, let source = input.baseAddress {
            (out.base + out.count).update(from: source + p + 4, count: len)
        }
        out.count += len
        r.skipBytes(4 + len)
    }

    /// Lengths 3...258 for symbols 257...285 and distances 1...32768 for symbols 0...29 (§3.2.5).
    private static let lengthBase: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
                                            35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    private static let lengthExtra: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
                                             3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    private static let distanceBase: [Int] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385,
                                              513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    private static let distanceExtra: [Int] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7,
                                               8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    /// The fixed Huffman codes (§3.2.6); both are complete.
    private static let fixedTables: (lit: Huffman, dist: Huffman) = (
        Huffman(lengths: ArraySlice(repeating: 8, count: 144) + ArraySlice(repeating: 9, count: 112)
            + ArraySlice(repeating: 7, count: 24) + ArraySlice(repeating: 8, count: 8)),
        Huffman(lengths: ArraySlice(repeating: 5, count: 32)))

    /// Decodes literal/length and distance symbols until end-of-block (§3.2.5).
    private static func inflateBlock(_ r: inout BitReader, _ out: inout Output, _ lit: Huffman, _ dist: Huffman,
                                     windowStart: Int) throws {
        let (lengthBase, lengthExtra) = (Self.lengthBase, Self.lengthExtra)
        let (distanceBase, distanceExtra) = (Self.distanceBase, Self.distanceExtra)
        while true {
            r.refill()  // NOTE: one refill holds a whole match (15 + 5 + 15 + 13 bits) unless near the end
            let symbol = try lit.decode(&r)
            if symbol < 256 {
                if out.count == out.capacity { try out.reserve(1, at: r.offset) }
                out.base[out.count] = UInt8(truncatingIfNeeded: symbol)
                out.count += 1
                continue
            }
            if symbol == 256 { return }
            let l = symbol - 257
            guard l < 29 else { throw fail("invalid length symbol \(symbol)", r.offset) }
            let length = try lengthBase[l] + Int(r.take(lengthExtra[l]))
            let d = try dist.decode(&r)
            guard d < 30 else { throw fail("invalid distance symbol \(d)", r.offset) }
            let distance = try distanceBase[d] + Int(r.take(distanceExtra[d]))
            guard distance <= out.count - windowStart else {
                throw fail("distance \(distance) reaches before the start of the output", r.offset)
            }
            if length > out.capacity - out.count { try out.reserve(length, at: r.offset) }
            let target = out.base + out.count, source = target - distance
            if distance >= length {
                target.update(from: source, count: length)
            } else {  // overlapping copy repeats the last `distance` bytes, so go byte by byte
                for k in 0..<length { target[k] = source[k] }
            }
            out.count += length
        }
    }

    /// Order in which code length code lengths are sent (§3.2.7).
    private static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    /// Reads the code lengths of a dynamic block (§3.2.7) and builds its two codes.
    private static func readDynamicTables(_ r: inout BitReader) throws -> (lit: Huffman, dist: Huffman) {
        let start = r.offset
        let literalCount = try Int(r.take(5)) + 257, distanceCount = try Int(r.take(5)) + 1
        let codeLengthCount = try Int(r.take(4)) + 4
        // 286 and 30 are the largest counts that name valid symbols; zlib rejects more too.
        guard literalCount <= 286, distanceCount <= 30 else {
            throw fail("too many length or distance codes", start)
        }
        var codeLengthLengths = [UInt8](repeating: 0, count: 19)
        for k in 0..<codeLengthCount { codeLengthLengths[codeLengthOrder[k]] = UInt8(try r.take(3)) }
        let codeLengthCode = Huffman(lengths: codeLengthLengths[...])
        try codeLengthCode.validate(complete: true, what: "code length", at: start)

        var lengths = [UInt8](repeating: 0, count: literalCount + distanceCount)
        var k = 0
        while k < lengths.count {
            let symbol = try codeLengthCode.decode(&r)
            var value: UInt8 = 0, repeats = 1
            switch symbol {
            case 0..<16: value = UInt8(symbol)
            case 16:  // repeat the previous length 3...6 times
                guard k > 0 else { throw fail("repeat code with no previous length", r.offset) }
                value = lengths[k - 1]
                repeats = try 3 + Int(r.take(2))
            case 17: repeats = try 3 + Int(r.take(3))  // 3...10 zeros
            default: repeats = try 11 + Int(r.take(7))  // 18: 11...138 zeros
            }
            guard repeats <= lengths.count - k else { throw fail("code lengths overrun the table", r.offset) }
            for j in k..<(k + repeats) { lengths[j] = value }
            k += repeats
        }
        guard lengths[256] != 0 else { throw fail("missing end-of-block code", r.offset) }
        let lit = Huffman(lengths: lengths[..<literalCount]), dist = Huffman(lengths: lengths[literalCount...])
        try lit.validate(complete: false, what: "literal/length", at: start)
        try dist.validate(complete: false, what: "distance", at: start)
        return (lit, dist)
    }
}

/// A canonical Huffman code (RFC 1951 §3.2.2) with a lookup table for short codes.
///
/// `fast[next 10 stream bits]` holds `symbol << 8 | length` for codes of at most `fastBits`
/// bits (codes are stored most significant bit first, so the table is indexed by the
/// bit-reversed code). Zero marks a longer or unused code: those are decoded the canonical
/// way, bit by bit, from `counts` and `symbols` (as in zlib's puff.c).
struct Huffman {
    static let fastBits = 10
    private(set) var fast = [UInt32](repeating: 0, count: 1 << fastBits)
    private(set) var counts = [Int](repeating: 0, count: 16)  // codes per length; [0] unused
    private(set) var symbols: [Int] = []                      // ordered by code
    /// Kraft sum left over, in units of 2^-15: negative is over-subscribed, positive incomplete.
    private(set) var left = 0

    /// Every length must be 0...15 (0 means the symbol is unused).
    init(lengths: ArraySlice<UInt8>) {
        for length in lengths { counts[Int(length)] += 1 }
        counts[0] = 0
        left = 1
        for length in 1...15 { left = left * 2 - counts[length] }  // no overflow: at most 320 lengths
        guard left >= 0 else { return }  // over-subscribed: leave the tables empty
        // Step 2 of §3.2.2: the first code of each length.
        var nextCode = [Int](repeating: 0, count: 16), offsets = [Int](repeating: 0, count: 16)
        for length in 1..<15 {
            nextCode[length + 1] = (nextCode[length] + counts[length]) << 1
            offsets[length + 1] = offsets[length] + counts[length]
        }
        symbols = [Int](repeating: 0, count: offsets[15] + counts[15])
        for (symbol, length) in zip(0..., lengths.map(Int.init)) where length != 0 {
            symbols[offsets[length]] = symbol
            offsets[length] += 1
            let code = nextCode[length]  // < 2^length because the code is not over-subscribed
            nextCode[length] += 1
            guard length <= Self.fastBits else { continue }
            var reversed = 0
            for bit in 0..<length { reversed |= (code >> bit & 1) << (length - 1 - bit) }
            for index in stride(from: reversed, to: 1 << Self.fastBits, by: 1 << length) {
                fast[index] = UInt32(symbol << 8 | length)
            }
        }
    }

    /// zlib's rules: no over-subscribed code; an incomplete code only for literal/length and
    /// distance codes with a single code of one bit (or none at all, if never used).
    func validate(complete: Bool, what: String, at offset: Int) throws {
        guard left >= 0 else { throw Gzip.fail("over-subscribed \(what) code", offset) }
        let used = counts.reduce(0, +)
        guard left == 0 || used == 0 || (!complete && used == 1 && counts[1] == 1) else {
            throw Gzip.fail("incomplete \(what) code", offset)
        }
    }

    @inline(__always) func decode(_ r: inout BitReader) throws -> Int {
        let entry = fast[Int(truncatingIfNeeded: r.bits) & (1 << Self.fastBits - 1)]
        let length = Int(entry & 0xFF)
        if length != 0, length <= r.count {
            r.drop(length)
            return Int(entry >> 8)
        }
        return try decodeSlowly(&r)
    }

    /// Canonical decoding one bit at a time: the first `count` codes of each length follow
    /// `first`, the (doubled) end of the codes one bit shorter.
    private func decodeSlowly(_ r: inout BitReader) throws -> Int {
        if r.count < 15 { r.refill() }
        var bits = r.bits, code = 0, first = 0, index = 0
        for length in 1...15 {
            guard length <= r.count else { throw Gzip.fail("truncated data", r.offset) }
            code |= Int(bits & 1)
            bits >>= 1
            if code - counts[length] < first {
                r.drop(length)
                return symbols[index + code - first]
            }
            index += counts[length]
            first = (first + counts[length]) << 1
            code <<= 1
        }
        throw Gzip.fail("invalid Huffman code", r.offset)
    }
}

/// Reads bits least significant first (§3.1.1) through a 64-bit buffer.
struct BitReader {
    let input: UnsafeBufferPointer<UInt8>
    private var next: Int  // next byte to load into `bits`
    private(set) var bits: UInt64 = 0  // the low `count` bits are valid
    private(set) var count = 0

    init(_ input: UnsafeBufferPointer<UInt8>, at offset: Int) {
        self.input = input
        next = min(offset, input.count)
    }

    /// The first byte not fully consumed.
    var offset: Int { next - count / 8 }

    /// Tops the buffer up to at least 56 bits, or to the end of the input.
    @inline(__always) mutating func refill() {
        if next <= input.count - 8, let base = input.baseAddress {
            // Load 8 bytes, keep the whole ones that fit (as libdeflate does). Bits above
            // `count` then hold the start of the next byte, which a later load ORs in again.
            bits |= UnsafeRawPointer(base + next).loadUnaligned(as: UInt64.self).littleEndian &<< UInt64(count)
            next += (63 - count) >> 3
            count |= 56
        } else {
            while count <= 56, next < input.count {
                bits |= UInt64(input[next]) &<< UInt64(count)
                next += 1
                count += 8
            }
        }
    }

    /// Caller checks `n <= count`.
    @inline(__always) mutating func drop(_ n: Int) {
        bits &>>= UInt64(n)
        count -= n
    }

    /// The next `n` (0...32) bits as a number.
    @inline(__always) mutating func take(_ n: Int) throws -> UInt32 {
        if count < n {
            refill()
            guard count >= n else { throw Gzip.fail("truncated data", offset) }
        }
        let value = UInt32(truncatingIfNeeded: bits & ((1 &<< UInt64(n)) &- 1))
        drop(n)
        return value
    }

    /// Drops the bits left in the current byte and returns whole unread bytes to the input.
    mutating func alignToByte() {
        next = offset
        bits = 0
        count = 0
    }

    /// After `alignToByte`; caller checks that `n` bytes remain.
    mutating func skipBytes(_ n: Int) { next += n }
}

/// The decoded bytes: first the buffer of the array to be returned, sized by a hint; if
/// that is too small, a buffer of our own, grown geometrically up to `limit`.
struct Output {
    private(set) var base: UnsafeMutablePointer<UInt8>
    var count = 0
    private(set) var capacity: Int
    private var owned: Bool
    let limit: Int

    /// Runs `body` on an `Output` and returns what it wrote. When `hint` was right (as
    /// ISIZE is for a single gzip member), the bytes are already in place: no copy, and
    /// half the peak memory. Otherwise they are copied to an array of the exact size.
    static func decode(limit: Int, hint: Int, _ body: (inout Output) throws -> Void) throws -> [UInt8] {
        var copy: [UInt8]?
        try FileIO.checkAllocation(max(0, min(hint, limit)), for: "gzip output")
        let array = try [UInt8](unsafeUninitializedCapacity: max(0, min(hint, limit))) { buffer, initialized in
            var out = Output(buffer, limit: limit)
            defer { if out.owned { out.base.deallocate() } }
            try body(&out)
            if out.owned || out.count < out.capacity / 4 * 3 {
                try FileIO.checkAllocation(out.count, for: "gzip output")
                copy = Array(UnsafeBufferPointer(start: out.base, count: out.count))
            } else {
                initialized = out.count
            }
        }
        return copy ?? array
    }

    private init(_ buffer: UnsafeMutableBufferPointer<UInt8>, limit: Int) {
        self.limit = limit
        (base, capacity, owned) = buffer.baseAddress.map { ($0, buffer.count, false) }
            ?? (.allocate(capacity: 1), 0, true)
    }

    /// Makes room for `n` more bytes; throws if that would pass `limit`.
    mutating func reserve(_ n: Int, at offset: Int) throws {
        guard n <= limit - count else { throw Gzip.fail("output exceeds maxOutput (\(limit) bytes)", offset) }
        guard n > capacity - count else { return }
        let doubled = capacity > limit / 2 ? limit : max(capacity * 2, 1 << 16)
        let newCapacity = min(limit, max(count + n, doubled))
        try FileIO.checkAllocation(newCapacity, for: "gzip output")
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        grown.initialize(from: base, count: count)
        if owned { base.deallocate() }
        (base, capacity, owned) = (grown, newCapacity, true)
    }
}
