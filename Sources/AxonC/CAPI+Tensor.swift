// `axon_tensor`: an opaque handle that owns one reference to a `Tensor` (include/axon.h,
// "Tensors"). Each entry point checks its arguments, resolves handles, makes one call into the
// core and writes `*out`.

import Axon
import Synchronization

/// The largest rank the C door accepts (AXON_MAX_RANK).
private let maxRank = 16

/// The addresses of the live tensor handles. Resolving through it turns a NULL, freed or
/// foreign pointer into AXON_ERR_INVALID_ARGUMENT instead of a crash, and makes a second
/// `axon_tensor_free` a no-op. (An address reused by a newer tensor cannot be told apart.)
private let liveTensors = Mutex<Set<UInt>>([])

/// A new handle owning one reference to `tensor`.
private func makeHandle(_ tensor: Tensor) -> OpaquePointer {
    let raw = Unmanaged.passRetained(tensor).toOpaque()
    liveTensors.withLock { _ = $0.insert(UInt(bitPattern: raw)) }
    return OpaquePointer(raw)
}

/// The tensor behind a live handle; `name` is the C parameter name, for the message.
private func resolve(_ handle: OpaquePointer?, _ function: String, _ name: String) throws -> Tensor {
    guard let handle else { throw invalidArgument(function, "\(name) is NULL") }
    let raw = UnsafeRawPointer(handle)
    let tensor: Tensor? = liveTensors.withLock { live in
        live.contains(UInt(bitPattern: raw)) ? Unmanaged<Tensor>.fromOpaque(raw).takeUnretainedValue() : nil
    }
    guard let tensor else {
        throw invalidArgument(function, "\(name) is not a live axon_tensor (already freed, or not a tensor)")
    }
    return tensor
}

/// The output slot, checked and set to NULL so that a failing call leaves `*out == NULL`.
private func outSlot(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ function: String) throws
    -> UnsafeMutablePointer<OpaquePointer?>
{
    guard let out else { throw invalidArgument(function, "out is NULL") }
    out.pointee = nil
    return out
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
        // The core validates the shape and allocates before any of `data` is read, so a count
        // that disagrees with the shape is reported without reading past the caller's buffer.
        let tensor = try Tensor(repeating: 0, shape: dims, requiresGrad: requiresGrad != 0)
        guard tensor.count == count else {
            throw AxonError(.shapeMismatch, "\(f): \(count) values do not fill shape \(dims)")
        }
        tensor.withUnsafeMutableBufferPointer { dst in
            if let src = data, let base = dst.baseAddress { base.update(from: src, count: count) }
        }
        out.pointee = makeHandle(tensor)
    }
}

@_cdecl("axon_tensor_free")
public func axon_tensor_free(_ t: OpaquePointer?) {
    guard let t else { return }
    let raw = UnsafeRawPointer(t)
    let owned = liveTensors.withLock { $0.remove(UInt(bitPattern: raw)) != nil }
    // Released outside the lock: the last release may free a whole graph.
    if owned { Unmanaged<Tensor>.fromOpaque(raw).release() }
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
        let t = try resolve(t, f, "t")
        guard let grad = t.grad else {
            throw AxonError(.invalidState, "\(f): tensor of shape \(t.shape) has no gradient")
        }
        out.pointee = makeHandle(grad)
    }
}

@_cdecl("axon_tensor_zero_grad")
public func axon_tensor_zero_grad(_ t: OpaquePointer?) -> Int32 {
    let f = "axon_tensor_zero_grad"
    return cCall(f) {
        try resolve(t, f, "t").zeroGrad()
    }
}
