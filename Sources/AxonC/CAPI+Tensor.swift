// `axon_tensor`: an opaque handle that owns one reference to a `Tensor` (include/axon.h,
// "Tensors"; the handle table is in CAPI+Handles.swift). Each entry point checks its
// arguments, resolves handles, makes one call into the core and writes `*out`.

import Axon

/// The largest rank the C door accepts (AXON_MAX_RANK).
private let maxRank = 16

private func makeHandle(_ tensor: Tensor) -> OpaquePointer { tensorHandles.make(tensor) }

private func resolve(_ handle: OpaquePointer?, _ function: String, _ name: String) throws -> Tensor {
    try tensorHandles.resolve(handle, function, name)
}

private func binary(_ function: String, _ out: UnsafeMutablePointer<OpaquePointer?>?,
                    _ a: OpaquePointer?, _ b: OpaquePointer?,
                    _ op: (Tensor, Tensor) throws -> Tensor) -> Int32 {
    cCall(function) {
        let out = try outSlot(out, function)
        let a = try resolve(a, function, "a"), b = try resolve(b, function, "b")
        out.pointee = makeHandle(try op(a, b))
    }
}

// MARK: - Constructor and destructor

@_cdecl("axon_tensor_new")
public func axon_tensor_new(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ data: UnsafePointer<Float>?,
                            _ count: Int, _ shape: UnsafePointer<Int64>?, _ rank: Int,
                            _ requiresGrad: Int32) -> Int32 {
    let f = "axon_tensor_new"
    return cCall(f) {
        let out = try outSlot(out, f)
        guard count >= 0 else { throw invalidArgument(f, "count \(count) is negative") }
        guard rank >= 0, rank <= maxRank else {
            throw invalidArgument(f, "rank \(rank) is outside 0...\(maxRank)")
        }
        guard shape != nil || rank == 0 else { throw invalidArgument(f, "shape is NULL but rank is \(rank)") }
        guard data != nil || count == 0 else { throw invalidArgument(f, "data is NULL but count is \(count)") }
        let dims = try UnsafeBufferPointer(start: shape, count: rank).map { d in
            guard let n = Int(exactly: d) else { throw invalidArgument(f, "dimension \(d) does not fit in Int") }
            return n
        }
        // The shape is checked against the count before anything is allocated or read, so a
        // count that disagrees is reported at once, without reading past the caller's buffer.
        guard try Tensor.elementCount(of: dims) == count else {
            throw AxonError(.shapeMismatch, "\(f): \(count) values do not fill shape \(dims)")
        }
        let tensor = try Tensor(repeating: 0, shape: dims, requiresGrad: requiresGrad != 0)
        tensor.withUnsafeMutableBufferPointer { dst in
            if let src = data, let base = dst.baseAddress { base.update(from: src, count: count) }
        }
        out.pointee = makeHandle(tensor)
    }
}

@_cdecl("axon_tensor_free")
public func axon_tensor_free(_ t: OpaquePointer?) {
    tensorHandles.free(t)
}

// MARK: - Accessors

@_cdecl("axon_tensor_rank")
public func axon_tensor_rank(_ t: OpaquePointer?) -> Int {
    (try? resolve(t, "axon_tensor_rank", "t"))?.rank ?? 0
}

@_cdecl("axon_tensor_numel")
public func axon_tensor_numel(_ t: OpaquePointer?) -> Int {
    (try? resolve(t, "axon_tensor_numel", "t"))?.count ?? 0
}

@_cdecl("axon_tensor_requires_grad")
public func axon_tensor_requires_grad(_ t: OpaquePointer?) -> Int32 {
    (try? resolve(t, "axon_tensor_requires_grad", "t"))?.requiresGrad == true ? 1 : 0
}

@_cdecl("axon_tensor_shape")
public func axon_tensor_shape(_ t: OpaquePointer?, _ outShape: UnsafeMutablePointer<Int64>?,
                              _ capacity: Int) -> Int32 {
    let f = "axon_tensor_shape"
    return cCall(f) {
        let t = try resolve(t, f, "t")
        guard capacity >= t.rank else {
            throw invalidArgument(f, "capacity \(capacity) is less than the rank \(t.rank) of shape \(t.shape)")
        }
        guard outShape != nil || t.rank == 0 else { throw invalidArgument(f, "out_shape is NULL") }
        let dst = UnsafeMutableBufferPointer(start: outShape, count: t.rank)
        for (i, d) in t.shape.enumerated() { dst[i] = Int64(d) }
    }
}

@_cdecl("axon_tensor_copy_data")
public func axon_tensor_copy_data(_ t: OpaquePointer?, _ out: UnsafeMutablePointer<Float>?,
                                  _ capacity: Int) -> Int32 {
    let f = "axon_tensor_copy_data"
    return cCall(f) {
        let t = try resolve(t, f, "t")
        guard capacity >= t.count else {
            throw invalidArgument(f, "capacity \(capacity) is less than the \(t.count) elements of shape \(t.shape)")
        }
        guard out != nil || t.count == 0 else { throw invalidArgument(f, "out is NULL") }
        t.withUnsafeBufferPointer { src in
            if let dst = out, let base = src.baseAddress { dst.update(from: base, count: src.count) }
        }
    }
}

@_cdecl("axon_tensor_data")
public func axon_tensor_data(_ out: UnsafeMutablePointer<UnsafeMutablePointer<Float>?>?, _ t: OpaquePointer?) -> Int32 {
    let f = "axon_tensor_data"
    return cCall(f) {
        guard let out else { throw invalidArgument(f, "out is NULL") }
        out.pointee = nil
        let t = try resolve(t, f, "t")
        out.pointee = t.count == 0 ? nil : t.unsafeElements
    }
}

// MARK: - Operations

@_cdecl("axon_tensor_add")
public func axon_tensor_add(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ a: OpaquePointer?,
                            _ b: OpaquePointer?) -> Int32 {
    binary("axon_tensor_add", out, a, b) { try $0 + $1 }
}

@_cdecl("axon_tensor_sub")
public func axon_tensor_sub(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ a: OpaquePointer?,
                            _ b: OpaquePointer?) -> Int32 {
    binary("axon_tensor_sub", out, a, b) { try $0 - $1 }
}

@_cdecl("axon_tensor_mul")
public func axon_tensor_mul(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ a: OpaquePointer?,
                            _ b: OpaquePointer?) -> Int32 {
    binary("axon_tensor_mul", out, a, b) { try $0 * $1 }
}

@_cdecl("axon_tensor_matmul")
public func axon_tensor_matmul(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ a: OpaquePointer?,
                               _ b: OpaquePointer?) -> Int32 {
    binary("axon_tensor_matmul", out, a, b) { try $0.matmul($1) }
}

@_cdecl("axon_tensor_sum")
public func axon_tensor_sum(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ a: OpaquePointer?) -> Int32 {
    let f = "axon_tensor_sum"
    return cCall(f) {
        let out = try outSlot(out, f)
        let a = try resolve(a, f, "a")
        out.pointee = makeHandle(try a.sum())
    }
}

// MARK: - Gradients

@_cdecl("axon_tensor_backward")
public func axon_tensor_backward(_ t: OpaquePointer?) -> Int32 {
    let f = "axon_tensor_backward"
    return cCall(f) {
        try resolve(t, f, "t").backward()
    }
}

@_cdecl("axon_tensor_grad")
public func axon_tensor_grad(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ t: OpaquePointer?) -> Int32 {
    let f = "axon_tensor_grad"
    return cCall(f) {
        let out = try outSlot(out, f)
        out.pointee = try resolve(t, f, "t").grad.map(makeHandle)
    }
}

@_cdecl("axon_tensor_zero_grad")
public func axon_tensor_zero_grad(_ t: OpaquePointer?) -> Int32 {
    let f = "axon_tensor_zero_grad"
    return cCall(f) {
        try resolve(t, f, "t").zeroGrad()
    }
}

// MARK: - Unary operations

private func unary(_ function: String, _ out: UnsafeMutablePointer<OpaquePointer?>?, _ a: OpaquePointer?,
                   _ op: (Tensor) throws -> Tensor) -> Int32 {
    cCall(function) {
        let out = try outSlot(out, function)
        let a = try resolve(a, function, "a")
        out.pointee = makeHandle(try op(a))
    }
}

@_cdecl("axon_tensor_div")
public func axon_tensor_div(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ a: OpaquePointer?,
                            _ b: OpaquePointer?) -> Int32 {
    binary("axon_tensor_div", out, a, b) { try $0 / $1 }
}

@_cdecl("axon_tensor_neg")
public func axon_tensor_neg(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ a: OpaquePointer?) -> Int32 {
    unary("axon_tensor_neg", out, a) { try -$0 }
}

@_cdecl("axon_tensor_exp")
public func axon_tensor_exp(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ a: OpaquePointer?) -> Int32 {
    unary("axon_tensor_exp", out, a) { try $0.exp() }
}

@_cdecl("axon_tensor_log")
public func axon_tensor_log(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ a: OpaquePointer?) -> Int32 {
    unary("axon_tensor_log", out, a) { try $0.log() }
}

@_cdecl("axon_tensor_tanh")
public func axon_tensor_tanh(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ a: OpaquePointer?) -> Int32 {
    unary("axon_tensor_tanh", out, a) { try $0.tanh() }
}

@_cdecl("axon_tensor_sigmoid")
public func axon_tensor_sigmoid(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ a: OpaquePointer?) -> Int32 {
    unary("axon_tensor_sigmoid", out, a) { try $0.sigmoid() }
}

@_cdecl("axon_tensor_relu")
public func axon_tensor_relu(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ a: OpaquePointer?) -> Int32 {
    unary("axon_tensor_relu", out, a) { try $0.relu() }
}

@_cdecl("axon_tensor_sqrt")
public func axon_tensor_sqrt(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ a: OpaquePointer?) -> Int32 {
    unary("axon_tensor_sqrt", out, a) { try $0.sqrt() }
}

@_cdecl("axon_tensor_pow")
public func axon_tensor_pow(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ a: OpaquePointer?,
                            _ exponent: Float) -> Int32 {
    unary("axon_tensor_pow", out, a) { try $0.pow(exponent) }
}

@_cdecl("axon_tensor_detach")
public func axon_tensor_detach(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ a: OpaquePointer?) -> Int32 {
    unary("axon_tensor_detach", out, a) { $0.detached() }
}

// MARK: - Reductions and shapes

/// The axes of a reduction: nil (all) when `n_axes` is 0.
private func reductionAxes(_ axes: UnsafePointer<Int64>?, _ count: Int, _ function: String) throws -> [Int]? {
    let list = try ints(axes, count, function, "axes")
    return list.isEmpty ? nil : list
}

@_cdecl("axon_tensor_sum_axes")
public func axon_tensor_sum_axes(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ a: OpaquePointer?,
                                 _ axes: UnsafePointer<Int64>?, _ nAxes: Int, _ keepDims: Int32) -> Int32 {
    let f = "axon_tensor_sum_axes"
    return cCall(f) {
        let out = try outSlot(out, f)
        let a = try resolve(a, f, "a"), axes = try reductionAxes(axes, nAxes, f)
        out.pointee = makeHandle(try a.sum(axes: axes, keepDims: keepDims != 0))
    }
}

@_cdecl("axon_tensor_mean")
public func axon_tensor_mean(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ a: OpaquePointer?,
                             _ axes: UnsafePointer<Int64>?, _ nAxes: Int, _ keepDims: Int32) -> Int32 {
    let f = "axon_tensor_mean"
    return cCall(f) {
        let out = try outSlot(out, f)
        let a = try resolve(a, f, "a"), axes = try reductionAxes(axes, nAxes, f)
        out.pointee = makeHandle(try a.mean(axes: axes, keepDims: keepDims != 0))
    }
}

@_cdecl("axon_tensor_reshape")
public func axon_tensor_reshape(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ a: OpaquePointer?,
                                _ shape: UnsafePointer<Int64>?, _ rank: Int) -> Int32 {
    let f = "axon_tensor_reshape"
    return cCall(f) {
        let out = try outSlot(out, f)
        guard rank <= maxRank else { throw invalidArgument(f, "rank \(rank) is above \(maxRank)") }
        let a = try resolve(a, f, "a"), shape = try ints(shape, rank, f, "shape")
        out.pointee = makeHandle(try a.reshape(shape))
    }
}

@_cdecl("axon_tensor_transpose")
public func axon_tensor_transpose(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ a: OpaquePointer?,
                                  _ axis0: Int64, _ axis1: Int64) -> Int32 {
    let f = "axon_tensor_transpose"
    return unary(f, out, a) { try $0.transposed(int(axis0, f, "axis0"), int(axis1, f, "axis1")) }
}

@_cdecl("axon_tensor_softmax")
public func axon_tensor_softmax(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ a: OpaquePointer?,
                                _ axis: Int64) -> Int32 {
    let f = "axon_tensor_softmax"
    return unary(f, out, a) { try $0.softmax(axis: int(axis, f, "axis")) }
}

@_cdecl("axon_tensor_log_softmax")
public func axon_tensor_log_softmax(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ a: OpaquePointer?,
                                    _ axis: Int64) -> Int32 {
    let f = "axon_tensor_log_softmax"
    return unary(f, out, a) { try $0.logSoftmax(axis: int(axis, f, "axis")) }
}

// MARK: - Gradient control and forward mode

@_cdecl("axon_tensor_set_requires_grad")
public func axon_tensor_set_requires_grad(_ t: OpaquePointer?, _ requiresGrad: Int32) -> Int32 {
    let f = "axon_tensor_set_requires_grad"
    return cCall(f) {
        try resolve(t, f, "t").requiresGrad = requiresGrad != 0
    }
}

@_cdecl("axon_tensor_backward_seed")
public func axon_tensor_backward_seed(_ t: OpaquePointer?, _ seed: OpaquePointer?, _ retainGraph: Int32,
                                      _ createGraph: Int32) -> Int32 {
    let f = "axon_tensor_backward_seed"
    return cCall(f) {
        let t = try resolve(t, f, "t"), seed = try tensorHandles.resolveOptional(seed, f, "seed")
        try t.backward(seed, retainGraph: retainGraph != 0, createGraph: createGraph != 0)
    }
}

@_cdecl("axon_tensor_dual")
public func axon_tensor_dual(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ primal: OpaquePointer?,
                             _ tangent: OpaquePointer?) -> Int32 {
    let f = "axon_tensor_dual"
    return cCall(f) {
        let out = try outSlot(out, f)
        let primal = try resolve(primal, f, "primal"), tangent = try resolve(tangent, f, "tangent")
        out.pointee = makeHandle(try primal.makingDual(tangent: tangent))
    }
}

@_cdecl("axon_tensor_tangent")
public func axon_tensor_tangent(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ t: OpaquePointer?) -> Int32 {
    let f = "axon_tensor_tangent"
    return cCall(f) {
        let out = try outSlot(out, f)
        out.pointee = try resolve(t, f, "t").tangent.map(makeHandle)
    }
}
