/// The safetensors format of the Hugging Face `safetensors` library, as PyTorch users exchange
/// weights: an 8-byte little-endian header length N, N bytes of JSON header (UTF-8, padded
/// with spaces), then the raw little-endian data. The header maps each tensor name to
/// `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets into the data, which the tensors
/// cover exactly, without gaps or overlaps), plus an optional `"__metadata__"` of strings.
///
/// Reading converts F32, F16, BF16 and F64 (and the integer types, e.g. BatchNorm's I64
/// `num_batches_tracked`) to float32, and remembers which tensors were integers; writing
/// stores float32 as F32 and the names given as counters as I64. Hostile input (a header
/// length beyond the file, a JSON bomb, offsets out of range or overlapping, a shape that
/// disagrees with its byte range, an unknown dtype) is a FORMAT error, and nothing larger
/// than the file is allocated.
///
/// ```swift
/// let file = try Safetensors.decode(bytes)           // file.tensors: state_dict names
/// try model.loadStateDict(file.tensors, strict: true)
/// try Safetensors.save(model.stateDict(), integers: ["1.num_batches_tracked"], to: "m.safetensors")
/// ```
public enum Safetensors {
    /// The largest header accepted (the reference implementation's limit).
    static let maxHeader = 100_000_000

    public struct Loaded: Sendable {
        public let tensors: [(name: String, tensor: Tensor)]
        /// The `__metadata__` entries, in file order.
        public let metadata: [(key: String, value: String)]
        /// The names of the tensors stored with an integer dtype.
        public let integers: Set<String>
    }

    /// The element types read, with their sizes.
    static let itemSizes: [String: Int] = ["F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4,
                                           "I16": 2, "I8": 1, "U8": 1, "BOOL": 1]

    /// Whether `bytes` look like a safetensors file (a plausible header length, then '{').
    public static func recognizes(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 9 else { return false }
        let n = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[$1]) << (8 * UInt64($1)) }
        return n >= 2 && n <= UInt64(bytes.count - 8) && bytes[8] == UInt8(ascii: "{")
    }

    public static func load(_ path: some FilePathConvertible) throws -> Loaded {
        try decode(FileIO.read(path))
    }

    public static func decode(_ bytes: [UInt8]) throws -> Loaded {
        guard bytes.count >= 8 else { throw AxonError(.format, "safetensors: \(bytes.count) bytes, no header length") }
        let n = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[$1]) << (8 * UInt64($1)) }
        guard n <= UInt64(bytes.count - 8) else {
            throw AxonError(.format, "safetensors: the header length \(n) runs past the file (\(bytes.count) bytes)")
        }
        guard n <= UInt64(maxHeader) else {
            throw AxonError(.format, "safetensors: the header length \(n) exceeds \(maxHeader) bytes")
        }
        let headerEnd = 8 + Int(n)
        let header = try JSON.parse(Array(bytes[8..<headerEnd]), context: "safetensors header")
        guard case .object(let entries) = header else {
            throw AxonError(.format, "safetensors: the header is not a JSON object")
        }
        let dataLength = bytes.count - headerEnd
        var metadata: [(key: String, value: String)] = []
        var specs: [(name: String, dtype: String, shape: [Int], begin: Int, end: Int)] = []
        var seen = Set<String>()
        for (name, value) in entries {
            guard seen.insert(name).inserted else { throw AxonError(.format, "safetensors: '\(name)' appears twice") }
            if name == "__metadata__" {
                guard case .object(let items) = value else {
                    throw AxonError(.format, "safetensors: __metadata__ is not an object")
                }
                for (k, v) in items {
                    guard case .string(let s) = v else {
                        throw AxonError(.format, "safetensors: metadata '\(k)' is not a string")
                    }
                    metadata.append((k, s))
                }
                continue
            }
            specs.append(try spec(name, value, dataLength: dataLength))
        }
        // The tensors cover the data exactly: sorted by offset, each starts where the last ended.
        var position = 0
        for s in specs.sorted(by: { ($0.begin, $0.end) < ($1.begin, $1.end) }) {
            guard s.begin == position else {
                throw AxonError(.format, s.begin < position
                    ? "safetensors: '\(s.name)' overlaps the tensor before it (offset \(s.begin) < \(position))"
                    : "safetensors: a gap in the data before '\(s.name)' (offset \(s.begin), expected \(position))")
            }
            position = s.end
        }
        guard position == dataLength else {
            throw AxonError(.format, "safetensors: the tensors cover \(position) of the \(dataLength) data bytes")
        }
        var tensors: [(name: String, tensor: Tensor)] = []
        var integers = Set<String>()
        for s in specs {
            let t = try Tensor.uninitialized(s.shape)
            convert(bytes, from: headerEnd + s.begin, count: t.count, dtype: s.dtype, into: t.pointer)
            tensors.append((s.name, t))
            if !s.dtype.hasPrefix("F") && s.dtype != "BF16" { integers.insert(s.name) }
        }
        return Loaded(tensors: tensors, metadata: metadata, integers: integers)
    }

    /// One header entry, checked: known dtype, a shape of whole non-negative numbers whose
    /// element count times the item size is the byte range, offsets inside the data.
    static func spec(_ name: String, _ value: JSON, dataLength: Int) throws
        -> (name: String, dtype: String, shape: [Int], begin: Int, end: Int) {
        guard case .string(let dtype)? = value["dtype"] else {
            throw AxonError(.format, "safetensors: '\(name)' has no dtype")
        }
        guard let size = itemSizes[dtype] else {
            throw AxonError(.format, "safetensors: '\(name)' has the unknown dtype '\(dtype)'")
        }
        guard case .array(let dims)? = value["shape"], dims.count <= 16 else {
            throw AxonError(.format, "safetensors: '\(name)' has no shape (a list of at most 16 sizes)")
        }
        let shape = try dims.map { d -> Int in
            guard case .number(_, let i?) = d, i >= 0 else {
                throw AxonError(.format, "safetensors: '\(name)' has a size that is not a whole number >= 0")
            }
            return i
        }
        guard case .array(let offsets)? = value["data_offsets"], offsets.count == 2,
              case .number(_, let begin?) = offsets[0], case .number(_, let end?) = offsets[1],
              begin >= 0, begin <= end, end <= dataLength else {
            throw AxonError(.format, "safetensors: '\(name)' has data_offsets outside the \(dataLength) data bytes")
        }
        let count: Int
        do { count = try Shape.count(shape) } catch {
            throw AxonError(.format, "safetensors: '\(name)' has the impossible shape \(shape)")
        }
        let (bytesNeeded, overflow) = count.multipliedReportingOverflow(by: size)
        guard !overflow, bytesNeeded == end - begin else {
            throw AxonError(.format,
                "safetensors: '\(name)' of shape \(shape) and dtype \(dtype) needs \(count) x \(size) bytes, "
                + "its range has \(end - begin)")
        }
        return (name, dtype, shape, begin, end)
    }

    /// Reads `count` little-endian values of `dtype` at `offset` as float32.
    static func convert(_ bytes: [UInt8], from offset: Int, count: Int, dtype: String,
                        into out: UnsafeMutablePointer<Float>) {
        bytes.withUnsafeBufferPointer { buffer in
            guard count > 0, let start = buffer.baseAddress else { return }
            let base = start + offset
            if dtype == "F32" {  // little-endian like every host Swift runs on: one copy
                UnsafeMutableRawPointer(out).copyMemory(from: base, byteCount: count * 4)
                return
            }
            func word(_ i: Int, _ size: Int) -> UInt64 {
                (0..<size).reduce(UInt64(0)) { $0 | UInt64(base[i * size + $1]) << (8 * UInt64($1)) }
            }
            for i in 0..<count {
                switch dtype {
                case "F32": out[i] = Float(bitPattern: UInt32(word(i, 4)))
                case "F64": out[i] = Float(Double(bitPattern: word(i, 8)))
                case "F16": out[i] = halfToFloat(UInt16(word(i, 2)))
                case "BF16": out[i] = Float(bitPattern: UInt32(word(i, 2)) << 16)
                case "I64": out[i] = Float(Int64(bitPattern: word(i, 8)))
                case "I32": out[i] = Float(Int32(bitPattern: UInt32(word(i, 4))))
                case "I16": out[i] = Float(Int16(bitPattern: UInt16(word(i, 2))))
                case "I8": out[i] = Float(Int8(bitPattern: base[i]))
                default: out[i] = Float(base[i])  // U8, BOOL
                }
            }
        }
    }

    /// IEEE 754 half precision to single, exactly (subnormals, infinities and NaN included).
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h >> 15) << 31
        let exponent = Int(h >> 10) & 0x1F, mantissa = UInt32(h & 0x3FF)
        if exponent == 0 {
            let magnitude = Float(mantissa) * 0x1p-24
            return sign != 0 ? -magnitude : magnitude
        }
        if exponent == 31 { return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13) }
        return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | mantissa << 13)
    }

    // MARK: - Writing

    /// The file's bytes: every tensor as F32 except those named in `integers` (whole numbers,
    /// stored as I64), in the given order; `metadata` as `__metadata__`.
    public static func encode(_ tensors: [(name: String, tensor: Tensor)], integers: Set<String> = [],
                              metadata: [(key: String, value: String)] = []) throws -> [UInt8] {
        var entries: [(key: String, value: JSON)] = []
        if !metadata.isEmpty {
            entries.append(("__metadata__", .object(metadata.map { ($0.key, JSON.string($0.value)) })))
        }
        var names = Set<String>(), offset = 0
        for (name, t) in tensors {
            guard name != "__metadata__", names.insert(name).inserted else {
                throw AxonError.invalid("safetensors: the name '\(name)' is reserved or given twice")
            }
            let integer = integers.contains(name)
            let size = t.count * (integer ? 8 : 4)
            entries.append((name, .object([
                ("dtype", .string(integer ? "I64" : "F32")),
                ("shape", .array(t.shape.map { .number(Double($0), integer: $0) })),
                ("data_offsets", .array([.number(Double(offset), integer: offset),
                                         .number(Double(offset + size), integer: offset + size)])),
            ])))
            offset += size
        }
        var header = Array(JSON.object(entries).text.utf8)
        while (8 + header.count) % 8 != 0 { header.append(UInt8(ascii: " ")) }
        var w = ByteWriter()
        w.u64(UInt64(header.count))
        w.bytes += header
        for (name, t) in tensors {
            if integers.contains(name) {
                for v in t.scalars {  // counters: whole numbers well inside Int64's range
                    let whole = v.isFinite && Swift.abs(v) < 0x1p62 ? Int64(v.rounded()) : 0
                    w.u64(UInt64(bitPattern: whole))
                }
            } else {
                t.withUnsafeBufferPointer { w.floats($0) }
            }
        }
        return w.bytes
    }

    /// Saves atomically (see `AxonFile.writeAtomically`).
    public static func save(_ tensors: [(name: String, tensor: Tensor)], integers: Set<String> = [],
                            metadata: [(key: String, value: String)] = [],
                            to path: some FilePathConvertible) throws {
        try AxonFile.writeAtomically(encode(tensors, integers: integers, metadata: metadata), to: path)
    }
}

extension Safetensors {
    /// Copies the tensors of `file` into `model`'s parameters and buffers by state_dict name,
    /// after renaming by `rename` (file name -> model name; names not in it stay). With
    /// `strict`, a model tensor the file lacks or a file tensor the model lacks is an error
    /// listing them (PyTorch's `load_state_dict(strict=True)`); a shape that differs is always an
    /// error. Everything is checked before anything is copied: a failed load changes nothing.
    public static func load(_ file: Loaded, into model: any Layer, strict: Bool = true,
                            rename: [String: String] = [:]) throws {
        var byName: [String: Tensor] = [:]
        var order: [String] = []
        for (name, t) in file.tensors {
            let target = rename[name] ?? name
            guard byName.updateValue(t, forKey: target) == nil else {
                throw AxonError.invalid("safetensors: two tensors are loaded as '\(target)'")
            }
            order.append(target)
        }
        let own = model.stateDict()
        if strict {
            let known = Set(own.map(\.name))
            let missing = own.map(\.name).filter { byName[$0] == nil }
            let unexpected = order.filter { !known.contains($0) }
            guard missing.isEmpty, unexpected.isEmpty else {
                throw AxonError.invalid("safetensors: missing keys \(missing), unexpected keys \(unexpected)")
            }
        }
        for (name, tensor) in own {
            guard let source = byName[name], source.shape != tensor.shape else { continue }
            throw AxonError.shape("safetensors: '\(name)' has shape \(tensor.shape) in the model, "
                                  + "\(source.shape) in the file")
        }
        for (name, tensor) in own {
            if let source = byName[name] { try tensor.assign(source) }
        }
    }

    /// `model`'s state dict as a safetensors file: parameters and buffers as F32, BatchNorm's
    /// `num_batches_tracked` counters as I64 (as PyTorch writes them).
    public static func save(_ model: any Layer, metadata: [(key: String, value: String)] = [],
                            to path: some FilePathConvertible) throws {
        let state = model.stateDict()
        let counters = Set(state.map(\.name).filter {
            $0 == "num_batches_tracked" || $0.hasSuffix(".num_batches_tracked")
        })
        try save(state, integers: counters, metadata: metadata, to: path)
    }
}

extension Safetensors.Loaded {
    /// The metadata and the names of the integer tensors as JSON text:
    /// `{"metadata": {"key": "value", ...}, "integers": ["name", ...]}`.
    public var descriptionJSON: String {
        JSON.object([
            ("metadata", .object(metadata.map { ($0.key, JSON.string($0.value)) })),
            ("integers", .array(tensors.map(\.name).filter(integers.contains).map { .string($0) })),
        ]).text
    }
}

extension TensorFile.Loaded {
    /// A safetensors file's tensors as a tensor file's, with its description as the text.
    public init(safetensors file: Safetensors.Loaded) {
        self.init(tensors: file.tensors, text: file.descriptionJSON)
    }
}
