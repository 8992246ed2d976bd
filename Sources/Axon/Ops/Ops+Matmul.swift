// Batched matrix multiplication. One primitive with transpose flags, so that the pullback
// (which multiplies by transposes) reads its operands in place instead of copying them.

extension Tensor {
    /// Matrix product with PyTorch's `matmul` rules: 1-d operands are promoted to a row
    /// (left) or column (right) and the added axis removed again; leading batch axes
    /// broadcast.
    public func matmul(_ other: Tensor) throws -> Tensor {
        guard rank >= 1, other.rank >= 1 else {
            throw AxonError.shape("matmul: operands must have rank >= 1, got \(shape) and \(other.shape)")
        }
        let a = rank == 1 ? try unsqueezed(0) : self
        let b = other.rank == 1 ? try other.unsqueezed(1) : other
        let out = try Tensor.matmul(a, b, transposeA: false, transposeB: false)
        switch (rank == 1, other.rank == 1) {
        case (true, true): return try out.reshape([])
        case (true, false): return try out.squeezed(-2)
        case (false, true): return try out.squeezed(-1)
        case (false, false): return out
        }
    }

    /// op(A) op(B) over broadcast batch axes, op = transpose of the last two axes when set.
    static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool) throws -> Tensor {
        guard a.rank >= 2, b.rank >= 2 else {
            throw AxonError.shape("matmul: operands must have rank >= 2, got \(a.shape) and \(b.shape)")
        }
        let (ar, ac) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
        let (br, bc) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
        let (m, k) = transposeA ? (ac, ar) : (ar, ac)
        let (k2, n) = transposeB ? (bc, br) : (br, bc)
        guard k == k2 else {
            throw AxonError.shape("matmul: inner dimensions differ: "
                                  + "\(a.shape)\(transposeA ? "^T" : "") x \(b.shape)\(transposeB ? "^T" : "")")
        }
        let batchA = Array(a.shape.dropLast(2)), batchB = Array(b.shape.dropLast(2))
        let batch = try Shape.broadcast(batchA, batchB, op: "matmul")
        let out = try Tensor.uninitialized(batch + [m, n])
        let batchCount = batch.reduce(1, *)
        let stridesA = Shape.broadcastStrides(batchA, to: batch), stridesB = Shape.broadcastStrides(batchB, to: batch)
        let outStrides = Shape.strides(batch)
        // Small problems with many batch entries run batch entries in parallel instead.
        let parallelInside = batchCount == 1 || m * n * k >= 1 << 18
        let o = SharedPointer(out.pointer)
        // A parameter (a leaf that requires grad) keeps its packed form between calls.
        let packCache = parallelInside && batchCount == 1 && b.isLeaf && b.requiresGrad ? b.storage : nil
        let body: (Int) -> Void = { bi in
            var offA = 0, offB = 0
            for (axis, s) in outStrides.enumerated() {
                let i = (bi / s) % batch[axis]
                offA += i * stridesA[axis] * ar * ac
                offB += i * stridesB[axis] * br * bc
            }
            let opA = Gemm.Operand(base: a.pointer + offA, rowStride: transposeA ? 1 : ac,
                                   colStride: transposeA ? ac : 1)
            let opB = Gemm.Operand(base: b.pointer + offB, rowStride: transposeB ? 1 : bc,
                                   colStride: transposeB ? bc : 1)
            Gemm.multiply(m: m, n: n, k: k, a: opA, b: opB, c: o.base + bi * m * n, ldc: n,
                          accumulate: false, parallel: parallelInside, cache: packCache)
        }
        if parallelInside {
            for bi in 0..<batchCount { body(bi) }
        } else {
            parallelFor(batchCount, body)
        }
        return try primitive("matmul", out, inputs: [a, b],
            pullback: { g, _ in
                // dA and dB from the four transpose cases (C = op(A) op(B), G = dC):
                //   A B: dA = G B^T, dB = A^T G        A^T B: dA = B G^T, dB = A G
                //   A B^T: dA = G B, dB = G^T A        A^T B^T: dA = B^T G^T, dB = G^T A^T
                let ga: Tensor? = !a.requiresGrad ? nil : try {
                    switch (transposeA, transposeB) {
                    case (false, false): return try matmul(g, b, transposeA: false, transposeB: true)
                    case (true, false): return try matmul(b, g, transposeA: false, transposeB: true)
                    case (false, true): return try matmul(g, b, transposeA: false, transposeB: false)
                    case (true, true): return try matmul(b, g, transposeA: true, transposeB: true)
                    }
                }().sum(toShape: a.shape)
                let gb: Tensor? = !b.requiresGrad ? nil : try {
                    switch (transposeA, transposeB) {
                    case (false, false): return try matmul(a, g, transposeA: true, transposeB: false)
                    case (true, false): return try matmul(a, g, transposeA: false, transposeB: false)
                    case (false, true): return try matmul(g, a, transposeA: true, transposeB: false)
                    case (true, true): return try matmul(g, a, transposeA: true, transposeB: true)
                    }
                }().sum(toShape: b.shape)
                return [ga, gb]
            },
            pushforward: { t, y in
                try tangentSum([t[0].map { try matmul($0, b, transposeA: transposeA, transposeB: transposeB) },
                                t[1].map { try matmul(a, $0, transposeA: transposeA, transposeB: transposeB) }],
                               shape: y.shape)
            })
    }
}
