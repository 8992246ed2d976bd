// `IDX.read` on an IDX file's bytes, gunzipped first when they start with gzip's magic, as
// `IDX.load` does. A tensor read holds one float in [0, 1] per data byte.
import Axon

/// An IDX file of unsigned bytes (what the datasets hold): magic, rank, sizes, then the data.
func idxBytes(_ shape: [Int], _ data: [UInt8]) -> [UInt8] {
    var out: [UInt8] = [0, 0, 0x08, UInt8(shape.count)]
    for d in shape { out += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: d >> $0) } }
    return out + data
}

/// run.sh also gzips these (Axon reads gzip but does not write it) for this target and the gzip one.
let target = FuzzTarget(seeds: {
    [
        ("images.idx", idxBytes([2, 6, 6], (0..<72).map { UInt8(truncatingIfNeeded: $0 * 37) })),
        ("labels.idx", idxBytes([10], [3, 1, 4, 1, 5, 9, 2, 6, 5, 3])),
        ("zeros.idx", idxBytes([16, 16], [UInt8](repeating: 0, count: 256))),
    ]
}, run: { bytes in
    let isGzip = bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    guard let raw = isGzip ? try? Gzip.decompress(bytes) : bytes,
          let tensor = try? IDX.read(raw, scale: 1 / 255) else { return }
    check(tensor.count == raw.count - 4 - 4 * tensor.rank, "the tensor's size is not the data's")
    check(tensor.scalars.allSatisfy { $0 >= 0 && $0 <= 1 }, "a byte scaled by 1/255 left [0, 1]")
})
