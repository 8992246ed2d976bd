// Tensor creation (include/axon.h, "Creation and random tensors"): zeros, ones, full, arange,
// linspace, eye, the *_like family, and random tensors drawn from an `axon_generator`, an
// opaque handle owning one xoshiro256** stream (the core's `PRNG`). Each entry point
// converts its arguments and makes one call into the core.

import Axon

/// The mutable stream behind an `axon_generator` handle (`PRNG` is a value type).
final class GeneratorState {
    var prng: PRNG
    init(_ prng: PRNG) { self.prng = prng }

    /// Runs `draw` on a copy of the stream and keeps the advanced copy only when it succeeds,
    /// so that a failing call leaves the generator as it was.
    func drawing(_ draw: (inout PRNG) throws -> Tensor) throws -> Tensor {
        var copy = prng
        let result = try draw(&copy)
        prng = copy
        return result
    }
}

let generatorHandles = HandleTable<GeneratorState>("axon_generator", exclusive: true)

// MARK: - Filled tensors

@_cdecl("axon_tensor_zeros")
public func axon_tensor_zeros(_ out: OpsOut?, _ shape: UnsafePointer<Int64>?, _ rank: Int,
                              _ requiresGrad: Int32) -> Int32 {
    let f = "axon_tensor_zeros"
    return OpsArgs.create(f, out) {
        try Tensor.zeros(OpsArgs.shape(shape, rank, f), requiresGrad: OpsArgs.flag(requiresGrad, f, "requires_grad"))
    }
}

@_cdecl("axon_tensor_ones")
public func axon_tensor_ones(_ out: OpsOut?, _ shape: UnsafePointer<Int64>?, _ rank: Int,
                             _ requiresGrad: Int32) -> Int32 {
    let f = "axon_tensor_ones"
    return OpsArgs.create(f, out) {
        try Tensor.ones(OpsArgs.shape(shape, rank, f), requiresGrad: OpsArgs.flag(requiresGrad, f, "requires_grad"))
    }
}

@_cdecl("axon_tensor_full")
public func axon_tensor_full(_ out: OpsOut?, _ shape: UnsafePointer<Int64>?, _ rank: Int, _ value: Float,
                             _ requiresGrad: Int32) -> Int32 {
    let f = "axon_tensor_full"
    return OpsArgs.create(f, out) {
        try Tensor.full(OpsArgs.shape(shape, rank, f), value,
                        requiresGrad: OpsArgs.flag(requiresGrad, f, "requires_grad"))
    }
}

@_cdecl("axon_tensor_arange")
public func axon_tensor_arange(_ out: OpsOut?, _ start: Float, _ end: Float, _ step: Float,
                               _ requiresGrad: Int32) -> Int32 {
    let f = "axon_tensor_arange"
    return OpsArgs.create(f, out) {
        try Tensor.arange(start, end, step: step, requiresGrad: OpsArgs.flag(requiresGrad, f, "requires_grad"))
    }
}

@_cdecl("axon_tensor_linspace")
public func axon_tensor_linspace(_ out: OpsOut?, _ start: Float, _ end: Float, _ steps: Int64,
                                 _ requiresGrad: Int32) -> Int32 {
    let f = "axon_tensor_linspace"
    return OpsArgs.create(f, out) {
        try Tensor.linspace(start, end, count: int(steps, f, "steps"),
                            requiresGrad: OpsArgs.flag(requiresGrad, f, "requires_grad"))
    }
}

@_cdecl("axon_tensor_eye")
public func axon_tensor_eye(_ out: OpsOut?, _ n: Int64, _ m: Int64, _ requiresGrad: Int32) -> Int32 {
    let f = "axon_tensor_eye"
    return OpsArgs.create(f, out) {
        try Tensor.eye(int(n, f, "n"), int(m, f, "m"), requiresGrad: OpsArgs.flag(requiresGrad, f, "requires_grad"))
    }
}

@_cdecl("axon_tensor_zeros_like")
public func axon_tensor_zeros_like(_ out: OpsOut?, _ a: OpaquePointer?, _ requiresGrad: Int32) -> Int32 {
    let f = "axon_tensor_zeros_like"
    return OpsArgs.unary(f, out, a) {
        try Tensor.zeros(like: $0, requiresGrad: OpsArgs.flag(requiresGrad, f, "requires_grad"))
    }
}

@_cdecl("axon_tensor_ones_like")
public func axon_tensor_ones_like(_ out: OpsOut?, _ a: OpaquePointer?, _ requiresGrad: Int32) -> Int32 {
    let f = "axon_tensor_ones_like"
    return OpsArgs.unary(f, out, a) {
        try Tensor.ones(like: $0, requiresGrad: OpsArgs.flag(requiresGrad, f, "requires_grad"))
    }
}

@_cdecl("axon_tensor_full_like")
public func axon_tensor_full_like(_ out: OpsOut?, _ a: OpaquePointer?, _ value: Float,
                                  _ requiresGrad: Int32) -> Int32 {
    let f = "axon_tensor_full_like"
    return OpsArgs.unary(f, out, a) {
        try Tensor.full(like: $0, value, requiresGrad: OpsArgs.flag(requiresGrad, f, "requires_grad"))
    }
}

// MARK: - Generators and random tensors

@_cdecl("axon_generator_new")
public func axon_generator_new(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ seed: UInt64) -> Int32 {
    let f = "axon_generator_new"
    return cCall(f) {
        let out = try outSlot(out, f)
        out.pointee = generatorHandles.make(GeneratorState(PRNG(seed: seed)))
    }
}

@_cdecl("axon_generator_free")
public func axon_generator_free(_ g: OpaquePointer?) {
    generatorHandles.free(g)
}

/// An entry point drawing a tensor from the generator `g`.
private func random(_ f: String, _ out: OpsOut?, _ g: OpaquePointer?,
                    _ draw: (inout PRNG) throws -> Tensor) -> Int32 {
    cCall(f) {
        let out = try outSlot(out, f)
        let state = try generatorHandles.resolve(g, f, "g")
        out.pointee = tensorHandles.make(try state.drawing(draw))
    }
}

@_cdecl("axon_tensor_rand")
public func axon_tensor_rand(_ out: OpsOut?, _ g: OpaquePointer?, _ shape: UnsafePointer<Int64>?, _ rank: Int,
                             _ requiresGrad: Int32) -> Int32 {
    let f = "axon_tensor_rand"
    return random(f, out, g) { prng in
        try Tensor.uniform(OpsArgs.shape(shape, rank, f), generator: &prng,
                           requiresGrad: OpsArgs.flag(requiresGrad, f, "requires_grad"))
    }
}

@_cdecl("axon_tensor_randn")
public func axon_tensor_randn(_ out: OpsOut?, _ g: OpaquePointer?, _ shape: UnsafePointer<Int64>?, _ rank: Int,
                              _ requiresGrad: Int32) -> Int32 {
    let f = "axon_tensor_randn"
    return random(f, out, g) { prng in
        try Tensor.normal(OpsArgs.shape(shape, rank, f), generator: &prng,
                          requiresGrad: OpsArgs.flag(requiresGrad, f, "requires_grad"))
    }
}

@_cdecl("axon_tensor_randint")
public func axon_tensor_randint(_ out: OpsOut?, _ g: OpaquePointer?, _ low: Int64, _ high: Int64,
                                _ shape: UnsafePointer<Int64>?, _ rank: Int) -> Int32 {
    let f = "axon_tensor_randint"
    return random(f, out, g) { prng in
        try Tensor.randint(low: int(low, f, "low"), high: int(high, f, "high"),
                           shape: OpsArgs.shape(shape, rank, f), generator: &prng)
    }
}

@_cdecl("axon_tensor_randperm")
public func axon_tensor_randperm(_ out: OpsOut?, _ g: OpaquePointer?, _ n: Int64) -> Int32 {
    let f = "axon_tensor_randperm"
    return random(f, out, g) { prng in try Tensor.randperm(int(n, f, "n"), generator: &prng) }
}
