// Elementwise functions, comparisons, `where` and the reductions of the op catalog
// (include/axon.h, "The op catalog"). Each entry point converts its arguments and makes one
// call into the core; the helpers are in CAPI+OpsArgs.swift.

import Axon


// MARK: - Elementwise functions

@_cdecl("axon_tensor_sin")
public func axon_tensor_sin(_ out: OpsOut?, _ a: OpaquePointer?) -> Int32 {
    OpsArgs.unary("axon_tensor_sin", out, a) { try $0.sin() }
}

@_cdecl("axon_tensor_cos")
public func axon_tensor_cos(_ out: OpsOut?, _ a: OpaquePointer?) -> Int32 {
    OpsArgs.unary("axon_tensor_cos", out, a) { try $0.cos() }
}

@_cdecl("axon_tensor_abs")
public func axon_tensor_abs(_ out: OpsOut?, _ a: OpaquePointer?) -> Int32 {
    OpsArgs.unary("axon_tensor_abs", out, a) { try $0.abs() }
}

@_cdecl("axon_tensor_erf")
public func axon_tensor_erf(_ out: OpsOut?, _ a: OpaquePointer?) -> Int32 {
    OpsArgs.unary("axon_tensor_erf", out, a) { try $0.erf() }
}

@_cdecl("axon_tensor_gelu")
public func axon_tensor_gelu(_ out: OpsOut?, _ a: OpaquePointer?) -> Int32 {
    OpsArgs.unary("axon_tensor_gelu", out, a) { try $0.gelu() }
}

@_cdecl("axon_tensor_softplus")
public func axon_tensor_softplus(_ out: OpsOut?, _ a: OpaquePointer?) -> Int32 {
    OpsArgs.unary("axon_tensor_softplus", out, a) { try $0.softplus() }
}

@_cdecl("axon_tensor_clamp")
public func axon_tensor_clamp(_ out: OpsOut?, _ a: OpaquePointer?, _ min: Float, _ max: Float) -> Int32 {
    let f = "axon_tensor_clamp"
    return OpsArgs.unary(f, out, a) {
        try $0.clamp(min: OpsArgs.notNaN(min, f, "min"), max: OpsArgs.notNaN(max, f, "max"))
    }
}

@_cdecl("axon_tensor_leaky_relu")
public func axon_tensor_leaky_relu(_ out: OpsOut?, _ a: OpaquePointer?, _ negativeSlope: Float) -> Int32 {
    OpsArgs.unary("axon_tensor_leaky_relu", out, a) { try $0.leakyRelu(slope: negativeSlope) }
}

@_cdecl("axon_tensor_elu")
public func axon_tensor_elu(_ out: OpsOut?, _ a: OpaquePointer?, _ alpha: Float) -> Int32 {
    OpsArgs.unary("axon_tensor_elu", out, a) { try $0.elu(alpha: alpha) }
}

// MARK: - Binary functions and comparisons

@_cdecl("axon_tensor_maximum")
public func axon_tensor_maximum(_ out: OpsOut?, _ a: OpaquePointer?, _ b: OpaquePointer?) -> Int32 {
    OpsArgs.binary("axon_tensor_maximum", out, a, b) { try $0.maximum($1) }
}

@_cdecl("axon_tensor_minimum")
public func axon_tensor_minimum(_ out: OpsOut?, _ a: OpaquePointer?, _ b: OpaquePointer?) -> Int32 {
    OpsArgs.binary("axon_tensor_minimum", out, a, b) { try $0.minimum($1) }
}

@_cdecl("axon_tensor_pow_tensor")
public func axon_tensor_pow_tensor(_ out: OpsOut?, _ a: OpaquePointer?, _ b: OpaquePointer?) -> Int32 {
    OpsArgs.binary("axon_tensor_pow_tensor", out, a, b) { try $0.pow($1) }
}

@_cdecl("axon_tensor_gt")
public func axon_tensor_gt(_ out: OpsOut?, _ a: OpaquePointer?, _ b: OpaquePointer?) -> Int32 {
    OpsArgs.binary("axon_tensor_gt", out, a, b) { try $0.greater($1) }
}

@_cdecl("axon_tensor_ge")
public func axon_tensor_ge(_ out: OpsOut?, _ a: OpaquePointer?, _ b: OpaquePointer?) -> Int32 {
    OpsArgs.binary("axon_tensor_ge", out, a, b) { try $0.greaterEqual($1) }
}

@_cdecl("axon_tensor_lt")
public func axon_tensor_lt(_ out: OpsOut?, _ a: OpaquePointer?, _ b: OpaquePointer?) -> Int32 {
    OpsArgs.binary("axon_tensor_lt", out, a, b) { try $0.less($1) }
}

@_cdecl("axon_tensor_le")
public func axon_tensor_le(_ out: OpsOut?, _ a: OpaquePointer?, _ b: OpaquePointer?) -> Int32 {
    OpsArgs.binary("axon_tensor_le", out, a, b) { try $0.lessEqual($1) }
}

@_cdecl("axon_tensor_eq")
public func axon_tensor_eq(_ out: OpsOut?, _ a: OpaquePointer?, _ b: OpaquePointer?) -> Int32 {
    OpsArgs.binary("axon_tensor_eq", out, a, b) { try $0.equal($1) }
}

@_cdecl("axon_tensor_ne")
public func axon_tensor_ne(_ out: OpsOut?, _ a: OpaquePointer?, _ b: OpaquePointer?) -> Int32 {
    OpsArgs.binary("axon_tensor_ne", out, a, b) { try $0.notEqual($1) }
}

@_cdecl("axon_tensor_where")
public func axon_tensor_where(_ out: OpsOut?, _ cond: OpaquePointer?, _ a: OpaquePointer?,
                              _ b: OpaquePointer?) -> Int32 {
    let f = "axon_tensor_where"
    return cCall(f) {
        let out = try outSlot(out, f)
        let c = try OpsArgs.tensor(cond, f, "cond")
        let a = try OpsArgs.tensor(a, f, "a"), b = try OpsArgs.tensor(b, f, "b")
        out.pointee = tensorHandles.make(try Tensor.where(c, a, b))
    }
}

// MARK: - Reductions

/// An entry point reducing `a` over `axes[0..n_axes)` (all axes when n_axes is 0).
private func reduction(_ f: String, _ out: OpsOut?, _ a: OpaquePointer?, _ axes: UnsafePointer<Int64>?,
                       _ nAxes: Int, _ keepDims: Int32, _ op: (Tensor, [Int]?, Bool) throws -> Tensor) -> Int32 {
    OpsArgs.unary(f, out, a) {
        try op($0, OpsArgs.axes(axes, nAxes, f), OpsArgs.flag(keepDims, f, "keep_dims"))
    }
}

@_cdecl("axon_tensor_amax")
public func axon_tensor_amax(_ out: OpsOut?, _ a: OpaquePointer?, _ axes: UnsafePointer<Int64>?, _ nAxes: Int,
                             _ keepDims: Int32) -> Int32 {
    reduction("axon_tensor_amax", out, a, axes, nAxes, keepDims) { try $0.max(axes: $1, keepDims: $2) }
}

@_cdecl("axon_tensor_amin")
public func axon_tensor_amin(_ out: OpsOut?, _ a: OpaquePointer?, _ axes: UnsafePointer<Int64>?, _ nAxes: Int,
                             _ keepDims: Int32) -> Int32 {
    reduction("axon_tensor_amin", out, a, axes, nAxes, keepDims) { try $0.min(axes: $1, keepDims: $2) }
}

@_cdecl("axon_tensor_logsumexp")
public func axon_tensor_logsumexp(_ out: OpsOut?, _ a: OpaquePointer?, _ axes: UnsafePointer<Int64>?,
                                  _ nAxes: Int, _ keepDims: Int32) -> Int32 {
    reduction("axon_tensor_logsumexp", out, a, axes, nAxes, keepDims) { try $0.logSumExp(axes: $1, keepDims: $2) }
}

@_cdecl("axon_tensor_var")
public func axon_tensor_var(_ out: OpsOut?, _ a: OpaquePointer?, _ axes: UnsafePointer<Int64>?, _ nAxes: Int,
                            _ correction: Int64, _ keepDims: Int32) -> Int32 {
    let f = "axon_tensor_var"
    return reduction(f, out, a, axes, nAxes, keepDims) {
        try $0.variance(axes: $1, correction: int(correction, f, "correction"), keepDims: $2)
    }
}

@_cdecl("axon_tensor_argmax")
public func axon_tensor_argmax(_ out: OpsOut?, _ a: OpaquePointer?, _ axis: Int64) -> Int32 {
    let f = "axon_tensor_argmax"
    return OpsArgs.unary(f, out, a) { try $0.argmax(axis: int(axis, f, "axis")) }
}
