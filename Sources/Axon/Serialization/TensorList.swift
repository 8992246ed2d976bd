/// The byte layout of named tensors in a model file (the parameters, the buffers, early
/// stopping's best weights): u32 count; per tensor its name (string), rank (u8, at most 16),
/// the dimensions (u64 each) and the elements as float32, row-major.
enum TensorList {
    static func write(_ named: [(name: String, tensor: Tensor)], to w: inout ByteWriter) {
        w.u32(UInt32(named.count))
        for (name, t) in named {
            w.string(name)
            w.u8(UInt8(t.rank))
            for d in t.shape { w.u64(UInt64(d)) }
            t.withUnsafeBufferPointer { w.floats($0) }
        }
    }

    static func encoded(_ named: [(name: String, tensor: Tensor)]) -> [UInt8] {
        var w = ByteWriter()
        write(named, to: &w)
        return w.bytes
    }

    /// Reads a list that runs to the end of the reader's range.
    static func read(from r: inout ByteReader) throws -> [(name: String, tensor: Tensor)] {
        var out: [(name: String, tensor: Tensor)] = []
        try scan(&r) { name, shape, reader in
            let t = try Tensor.uninitialized(shape)   // the data was checked to be there
            try reader.floats(t.count, into: t.pointer)
            out.append((name, t))
        }
        return out
    }

    static func decoded(_ bytes: [UInt8], context: String) throws -> [(name: String, tensor: Tensor)] {
        var r = ByteReader(bytes, context: context)
        return try read(from: &r)
    }

    /// The number of floats a list holds (its headers only are read).
    static func elementCount(_ bytes: [UInt8], context: String) throws -> Int {
        var r = ByteReader(bytes, context: context)
        var total = 0
        try scan(&r) { _, shape, reader in
            let n = shape.reduce(1, *)   // scan checked that the bytes are there
            try reader.skip(n * 4)
            total += n
        }
        return total
    }

    /// Walks a list: for each entry, `body` gets the name, the shape, and the reader
    /// positioned at the data, which it must consume (4 bytes per element). The data is
    /// checked to be present before `body` runs, so a hostile size cannot allocate. The list
    /// must end where the reader's range ends.
    static func scan(_ r: inout ByteReader, _ body: (String, [Int], inout ByteReader) throws -> Void) throws {
        for _ in 0..<Int(try r.u32()) {
            let name = try r.string(limit: 4096)
            let rank = Int(try r.u8())
            guard rank <= 16 else { throw AxonError(.format, "\(r.context): '\(name)' has rank \(rank) > 16") }
            let shape = try (0..<rank).map { _ in try r.count("dimension", limit: Int(Int32.max)) }
            // The elements must be in the bytes that remain (checked without overflow).
            var elements = 1
            for d in shape {
                let (n, overflow) = elements.multipliedReportingOverflow(by: d)
                guard !overflow, n <= r.remaining / 4 else {
                    throw AxonError(.format, "\(r.context): '\(name)' of shape \(shape) needs more than the "
                                    + "\(r.remaining) bytes left")
                }
                elements = n
            }
            try r.need(elements * 4)
            try body(name, shape, &r)
        }
        guard r.remaining == 0 else {
            throw AxonError(.format, "\(r.context): \(r.remaining) unexpected bytes at the end")
        }
    }
}
