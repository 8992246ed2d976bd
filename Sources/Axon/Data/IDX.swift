/// The IDX format of MNIST and Fashion-MNIST (LeCun et al.): a big-endian header of magic
/// (two zero bytes, a type code, the number of dimensions), the dimension sizes as 32-bit
/// integers, then the data. Only unsigned bytes (type 0x08) occur in these sets.
public enum IDX {
    /// Reads an IDX file's bytes (already decompressed) as a tensor of floats, scaling the
    /// bytes by `scale` (e.g. 1/255 for pixels, 1 for labels).
    public static func read(_ bytes: [UInt8], scale: Float = 1) throws -> Tensor {
        guard bytes.count >= 4, bytes[0] == 0, bytes[1] == 0 else {
            throw AxonError(.format, "IDX: bad magic (expected two zero bytes, a type and a rank)")
        }
        guard bytes[2] == 0x08 else {
            throw AxonError(.format, "IDX: element type 0x\(String(bytes[2], radix: 16)) is not supported "
                            + "(only unsigned bytes, 0x08)")
        }
        let rank = Int(bytes[3])
        guard rank >= 1, rank <= 8, bytes.count >= 4 + 4 * rank else {
            throw AxonError(.format, "IDX: rank \(rank) or header truncated (\(bytes.count) bytes)")
        }
        var shape: [Int] = []
        for i in 0..<rank {
            let o = 4 + 4 * i
            shape.append(Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3]))
        }
        let header = 4 + 4 * rank
        // The data must be exactly the rest of the file (the product checked without overflow).
        let (count, overflow) = shape.reduce((1, false)) { acc, d in
            let (n, o) = acc.0.multipliedReportingOverflow(by: d)
            return (n, acc.1 || o)
        }
        guard !overflow, bytes.count - header == count else {
            throw AxonError(.format,
                            "IDX: shape \(shape) needs \(overflow ? "too many" : "\(count)") bytes of data, the file "
                            + "has \(bytes.count - header)")
        }
        let out = try Tensor.uninitialized(shape)
        bytes.withUnsafeBufferPointer { src in
            for i in 0..<count { out.pointer[i] = Float(src[header + i]) * scale }
        }
        return out
    }
}
