/// Adler-32 as in zlib (RFC 1950): two sums modulo 65521 over the bytes.
///
/// ```swift
/// Adler32.checksum(Array("Wikipedia".utf8))   // 0x11E60398
/// ```
public enum Adler32 {
    /// The Adler-32 of `bytes`; pass a previous result as `initial` to continue it.
    public static func checksum(_ bytes: some Sequence<UInt8>, initial: UInt32 = 1) -> UInt32 {
        var a = (initial & 0xFFFF) % 65521, b = (initial >> 16) % 65521
        var pending = 0
        for byte in bytes {
            a &+= UInt32(byte)
            b &+= a
            pending += 1
            // 5552 bytes is the most that keeps b below 2^32 before the reduction (zlib's NMAX).
            if pending == 5552 {
                a %= 65521
                b %= 65521
                pending = 0
            }
        }
        return (b % 65521) << 16 | (a % 65521)
    }
}

/// zlib streams (RFC 1950) made of stored (uncompressed) DEFLATE blocks: what a PNG writer
/// needs without a compressor. `Gzip.inflate` reads the DEFLATE part back.
public enum Zlib {
    /// A zlib stream holding `bytes` in stored blocks of at most 65,535 bytes each.
    public static func stored(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]   // deflate, 32 KiB window; 0x7801 is a multiple of 31
        out.reserveCapacity(bytes.count + bytes.count / 65535 * 5 + 11)
        var start = 0
        repeat {
            let length = min(65535, bytes.count - start)
            let final: UInt8 = start + length == bytes.count ? 1 : 0
            out.append(final)   // BFINAL, BTYPE 00 (stored), then padding to the byte boundary
            out += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
            out += bytes[start..<(start + length)]
            start += length
        } while start < bytes.count
        let adler = Adler32.checksum(bytes)
        out += [UInt8(adler >> 24), UInt8(adler >> 16 & 0xFF), UInt8(adler >> 8 & 0xFF), UInt8(adler & 0xFF)]
        return out
    }
}

/// PNG images (ISO/IEC 15948): 8-bit RGB or palette images, written with zlib stored blocks
/// (no compression), each chunk with its CRC-32.
///
/// ```swift
/// let bytes = try PNG.encode(indices: pixels, palette: [(255, 255, 255), (0, 0, 0)], width: 64, height: 32)
/// ```
public enum PNG {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    /// The largest width or height written (PNG allows 2^31 - 1; this bounds memory and keeps the
    /// image data in one chunk).
    public static let maxSide = 1 << 14

    /// An RGB image: `rgb` holds width x height x 3 bytes, rows top to bottom.
    public static func encode(rgb: [UInt8], width: Int, height: Int) throws -> [UInt8] {
        try checkSize(width, height, rgb.count, perPixel: 3)
        var raw: [UInt8] = []
        raw.reserveCapacity(height * (1 + 3 * width))
        for y in 0..<height {
            raw.append(0)   // filter type None
            raw += rgb[(y * 3 * width)..<((y + 1) * 3 * width)]
        }
        return file(width: width, height: height, bitDepth: 8, colorType: 2, palette: nil, raw: raw)
    }

    /// A palette image: `indices` holds width x height palette indices, rows top to bottom.
    /// The bit depth is the smallest of 1, 2, 4 and 8 that holds every index of `palette`
    /// (at most 256 colors).
    public static func encode(indices: [UInt8], palette: [(UInt8, UInt8, UInt8)], width: Int,
                              height: Int) throws -> [UInt8] {
        try checkSize(width, height, indices.count, perPixel: 1)
        guard !palette.isEmpty, palette.count <= 256 else {
            throw AxonError.invalid("PNG: a palette holds 1 to 256 colors, not \(palette.count)")
        }
        if let bad = indices.first(where: { Int($0) >= palette.count }) {
            throw AxonError.invalid("PNG: index \(bad) is outside the palette of \(palette.count) colors")
        }
        let depth = palette.count <= 2 ? 1 : palette.count <= 4 ? 2 : palette.count <= 16 ? 4 : 8
        let perByte = 8 / depth
        let rowBytes = (width + perByte - 1) / perByte
        var raw = [UInt8](repeating: 0, count: height * (1 + rowBytes))
        for y in 0..<height {
            let row = y * (1 + rowBytes) + 1
            for x in 0..<width {
                let shift = 8 - depth * (x % perByte + 1)   // the leftmost pixel in the high bits
                raw[row + x / perByte] |= indices[y * width + x] << shift
            }
        }
        return file(width: width, height: height, bitDepth: UInt8(depth), colorType: 3,
                    palette: palette.flatMap { [$0.0, $0.1, $0.2] }, raw: raw)
    }

    static func checkSize(_ width: Int, _ height: Int, _ count: Int, perPixel: Int) throws {
        guard width > 0, height > 0, width <= maxSide, height <= maxSide else {
            throw AxonError.invalid("PNG: size \(width) x \(height) must be 1...\(maxSide) on each side")
        }
        guard count == width * height * perPixel else {
            throw AxonError.invalid("PNG: \(count) bytes for \(width) x \(height) pixels of \(perPixel) bytes")
        }
    }

    static func file(width: Int, height: Int, bitDepth: UInt8, colorType: UInt8, palette: [UInt8]?,
                     raw: [UInt8]) -> [UInt8] {
        var header = bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        header += [bitDepth, colorType, 0, 0, 0]   // compression, filter method, no interlace
        var out = signature + chunk("IHDR", header)
        if let palette { out += chunk("PLTE", palette) }
        return out + chunk("IDAT", Zlib.stored(raw)) + chunk("IEND", [])
    }

    /// Length, type, data and the CRC-32 of type and data.
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typed + bigEndian(CRC32.checksum(typed))
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
    }
}
