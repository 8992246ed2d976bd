// In-place tensor updates (include/axon.h, "In-place updates"): each checks its handles and
// makes one call to the core's `copy_`, `add_`, ..., which apply PyTorch's autograd rules.

import Axon

/// Resolves `t` and runs one in-place update on it.
private func update(_ t: OpaquePointer?, _ function: String, _ body: (Tensor) throws -> Void) -> Int32 {
    cCall(function) { try body(tensorHandles.resolve(t, function, "t")) }
}

/// A finite float argument.
private func finite(_ v: Float, _ function: String, _ name: String) throws -> Float {
    guard v.isFinite else { throw invalidArgument(function, "\(name) \(v) is not finite") }
    return v
}

@_cdecl("axon_tensor_copy_")
public func axon_tensor_copy_(_ t: OpaquePointer?, _ source: OpaquePointer?) -> Int32 {
    update(t, "axon_tensor_copy_") { try $0.copy_(tensorHandles.resolve(source, "axon_tensor_copy_", "src")) }
}

@_cdecl("axon_tensor_add_")
public func axon_tensor_add_(_ t: OpaquePointer?, _ other: OpaquePointer?, _ alpha: Float) -> Int32 {
    let f = "axon_tensor_add_"
    return update(t, f) { try $0.add_(tensorHandles.resolve(other, f, "other"), alpha: finite(alpha, f, "alpha")) }
}

@_cdecl("axon_tensor_sub_")
public func axon_tensor_sub_(_ t: OpaquePointer?, _ other: OpaquePointer?, _ alpha: Float) -> Int32 {
    let f = "axon_tensor_sub_"
    return update(t, f) { try $0.sub_(tensorHandles.resolve(other, f, "other"), alpha: finite(alpha, f, "alpha")) }
}

@_cdecl("axon_tensor_mul_")
public func axon_tensor_mul_(_ t: OpaquePointer?, _ other: OpaquePointer?) -> Int32 {
    update(t, "axon_tensor_mul_") { try $0.mul_(tensorHandles.resolve(other, "axon_tensor_mul_", "other")) }
}

@_cdecl("axon_tensor_div_")
public func axon_tensor_div_(_ t: OpaquePointer?, _ other: OpaquePointer?) -> Int32 {
    update(t, "axon_tensor_div_") { try $0.div_(tensorHandles.resolve(other, "axon_tensor_div_", "other")) }
}

@_cdecl("axon_tensor_add_scalar_")
public func axon_tensor_add_scalar_(_ t: OpaquePointer?, _ value: Float) -> Int32 {
    update(t, "axon_tensor_add_scalar_") { try $0.add_(value) }
}

@_cdecl("axon_tensor_mul_scalar_")
public func axon_tensor_mul_scalar_(_ t: OpaquePointer?, _ value: Float) -> Int32 {
    update(t, "axon_tensor_mul_scalar_") { try $0.mul_(value) }
}

@_cdecl("axon_tensor_fill_")
public func axon_tensor_fill_(_ t: OpaquePointer?, _ value: Float) -> Int32 {
    update(t, "axon_tensor_fill_") { try $0.fill_(value) }
}

@_cdecl("axon_tensor_zero_")
public func axon_tensor_zero_(_ t: OpaquePointer?) -> Int32 {
    update(t, "axon_tensor_zero_") { try $0.zero_() }
}

@_cdecl("axon_tensor_version")
public func axon_tensor_version(_ out: UnsafeMutablePointer<Int64>?, _ t: OpaquePointer?) -> Int32 {
    let f = "axon_tensor_version"
    return cCall(f) {
        let out = try scalarOut(out, f)
        out.pointee = Int64(try tensorHandles.resolve(t, f, "t").version)
    }
}
