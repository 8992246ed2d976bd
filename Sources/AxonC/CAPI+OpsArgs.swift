// Argument conversions and entry-point shapes shared by the catalog exports of the C door
// (CAPI+OpsElementwise, CAPI+OpsShape, CAPI+OpsCreation, CAPI+OpsGrad): strict 0/1 flags,
// window pairs, shapes, and the common "one tensor in, one tensor out" forms. Kept in their
// own namespace so that they do not collide with the helpers of other files.

import Axon

/// `axon_tensor **out`.
public typealias OpsOut = UnsafeMutablePointer<OpaquePointer?>

enum OpsArgs {
    /// The largest rank the C door accepts (AXON_MAX_RANK).
    static let maxRank = 16

    static func tensor(_ handle: OpaquePointer?, _ function: String, _ name: String) throws -> Tensor {
        try tensorHandles.resolve(handle, function, name)
    }

    /// A C boolean that must be exactly 0 or 1.
    static func flag(_ value: Int32, _ function: String, _ name: String) throws -> Bool {
        switch value {
        case 0: return false
        case 1: return true
        default: throw invalidArgument(function, "\(name) \(value) must be 0 or 1")
        }
    }

    /// A shape `shape[0..rank)`: at most AXON_MAX_RANK entries (their signs are checked by the core).
    static func shape(_ shape: UnsafePointer<Int64>?, _ rank: Int, _ function: String,
                      _ name: String = "shape") throws -> [Int] {
        guard rank >= 0, rank <= maxRank else {
            throw invalidArgument(function, "rank \(rank) is outside 0...\(maxRank)")
        }
        guard shape != nil || rank == 0 else { throw invalidArgument(function, "\(name) is NULL but rank is \(rank)") }
        return try UnsafeBufferPointer(start: shape, count: rank).map { try int($0, function, name) }
    }

    /// A window pair given as an array of two int64_t (height, width), or `fallback` for NULL.
    static func pair(_ p: UnsafePointer<Int64>?, _ fallback: (Int, Int), _ function: String,
                     _ name: String) throws -> (Int, Int) {
        guard let p else { return fallback }
        return (try int(p[0], function, "\(name)[0]"), try int(p[1], function, "\(name)[1]"))
    }

    /// The axes of a reduction: nil (all axes) when `count` is 0.
    static func axes(_ axes: UnsafePointer<Int64>?, _ count: Int, _ function: String) throws -> [Int]? {
        guard count <= maxRank else { throw invalidArgument(function, "n_axes \(count) is above \(maxRank)") }
        let list = try ints(axes, count, function, "axes")
        return list.isEmpty ? nil : list
    }

    /// A float hyperparameter that must not be NaN.
    static func notNaN(_ value: Float, _ function: String, _ name: String) throws -> Float {
        guard !value.isNaN else { throw invalidArgument(function, "\(name) is NaN") }
        return value
    }

    /// An entry point taking one tensor `a`: `op` is the one call into the core.
    static func unary(_ function: String, _ out: UnsafeMutablePointer<OpaquePointer?>?, _ a: OpaquePointer?,
                      _ op: (Tensor) throws -> Tensor) -> Int32 {
        cCall(function) {
            let out = try outSlot(out, function)
            let a = try tensor(a, function, "a")
            out.pointee = tensorHandles.make(try op(a))
        }
    }

    /// An entry point taking two tensors `a` and `b`.
    static func binary(_ function: String, _ out: UnsafeMutablePointer<OpaquePointer?>?, _ a: OpaquePointer?,
                       _ b: OpaquePointer?, _ op: (Tensor, Tensor) throws -> Tensor) -> Int32 {
        cCall(function) {
            let out = try outSlot(out, function)
            let a = try tensor(a, function, "a"), b = try tensor(b, function, "b")
            out.pointee = tensorHandles.make(try op(a, b))
        }
    }

    /// An entry point without tensor inputs (creation): `make` is the one call into the core.
    static func create(_ function: String, _ out: UnsafeMutablePointer<OpaquePointer?>?,
                       _ make: () throws -> Tensor) -> Int32 {
        cCall(function) {
            let out = try outSlot(out, function)
            out.pointee = tensorHandles.make(try make())
        }
    }
}
