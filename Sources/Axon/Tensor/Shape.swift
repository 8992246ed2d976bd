/// Shape arithmetic shared by every op: element counts, strides, axis normalization and
/// broadcasting. All of it validates, because shapes reach here from C and Python.
enum Shape {
    /// The most elements a tensor may have (about 1.4e11, 512 GiB of float32).
    static let maxElements = Int(Int32.max) * 64

    /// The number of elements of `shape`, or a thrown error for negative or overflowing sizes.
    /// The non-zero dimensions must multiply to at most `maxElements` even when another one is
    /// 0, so that every stride and partial product of an empty tensor's shape fits in an Int.
    static func count(_ shape: [Int]) throws -> Int {
        var nonZero = 1, empty = false
        for d in shape {
            guard d >= 0 else { throw AxonError.invalid("negative dimension in shape \(shape)") }
            if d == 0 {
                empty = true
                continue
            }
            let (m, overflow) = nonZero.multipliedReportingOverflow(by: d)
            guard !overflow, m <= maxElements else {
                let detail = shape.contains(0) ? " (its non-zero dimensions multiply beyond \(maxElements))" : ""
                throw AxonError(.outOfMemory, "shape \(shape) has too many elements\(detail)")
            }
            nonZero = m
        }
        return empty ? 0 : nonZero
    }

    /// Row-major strides of `shape`.
    static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var s = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[i] = s
            s *= shape[i]
        }
        return strides
    }

    /// Maps a possibly negative axis into `0..<rank`.
    static func axis(_ axis: Int, rank: Int, op: String) throws -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0, a < rank else {
            throw AxonError.invalid("\(op): axis \(axis) is out of range for rank \(rank)")
        }
        return a
    }

    /// Normalizes a list of axes (nil = all), sorted and without duplicates. A rank-0
    /// tensor accepts axis 0 or -1 and reduces over nothing, as in PyTorch.
    static func axes(_ axes: [Int]?, rank: Int, op: String) throws -> [Int] {
        guard let axes else { return Array(0..<rank) }
        if rank == 0 {
            guard axes.allSatisfy({ $0 == 0 || $0 == -1 }) else {
                throw AxonError.invalid("\(op): axes \(axes) are out of range for rank 0")
            }
            return []
        }
        let normalized = try axes.map { try axis($0, rank: rank, op: op) }
        guard Set(normalized).count == normalized.count else {
            throw AxonError.invalid("\(op): repeated axis in \(axes)")
        }
        return normalized.sorted()
    }

    /// The broadcast shape of `a` and `b` (NumPy rules: align trailing axes; 1 stretches).
    static func broadcast(_ a: [Int], _ b: [Int], op: String) throws -> [Int] {
        let rank = max(a.count, b.count)
        var out = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            guard da == db || da == 1 || db == 1 else {
                throw AxonError.shape("\(op): shapes \(a) and \(b) cannot be broadcast together")
            }
            out[i] = da == 1 ? db : da
        }
        _ = try count(out)  // the result must be a valid shape before any stride is computed
        return out
    }

    /// When `shape`, padded on the left with 1s to the rank of `target`, is 1 on target's
    /// leading and trailing axes and equal to it in between (a bias [C] of [N, C], or [C, 1, 1]
    /// of [N, C, H, W]): the element counts of the middle axes and of the trailing ones.
    static func block(of shape: [Int], in target: [Int]) -> (middle: Int, inner: Int)? {
        guard shape.count <= target.count else { return nil }
        let padded = [Int](repeating: 1, count: target.count - shape.count) + shape
        guard let first = padded.firstIndex(where: { $0 != 1 }), let last = padded.lastIndex(where: { $0 != 1 })
        else { return nil }
        guard (first...last).allSatisfy({ padded[$0] == target[$0] }) else { return nil }
        let middle = padded[first...last].reduce(1, *), inner = target[(last + 1)...].reduce(1, *)
        return (middle, inner)
    }

    /// Strides to read a tensor of shape `shape` as if it had shape `target` (0 on
    /// broadcast axes). `target` must be a valid broadcast of `shape`.
    static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
        let own = strides(shape)
        let lead = target.count - shape.count
        return (0..<target.count).map { i in
            i < lead || shape[i - lead] == 1 ? 0 : own[i - lead]
        }
    }
}
