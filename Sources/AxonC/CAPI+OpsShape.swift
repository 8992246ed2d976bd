// Shape and indexing ops, convolution and pooling of the op catalog (include/axon.h, "The op
// catalog"). Window pairs are arrays of two int64_t (height, width); NULL selects the
// default. Each entry point converts its arguments and makes one call into the core.

import Axon

// MARK: - Shapes

@_cdecl("axon_tensor_permute")
public func axon_tensor_permute(_ out: OpsOut?, _ a: OpaquePointer?, _ dims: UnsafePointer<Int64>?,
                                _ nDims: Int) -> Int32 {
    let f = "axon_tensor_permute"
    return OpsArgs.unary(f, out, a) { try $0.permute(OpsArgs.shape(dims, nDims, f, "dims")) }
}

@_cdecl("axon_tensor_expand")
public func axon_tensor_expand(_ out: OpsOut?, _ a: OpaquePointer?, _ shape: UnsafePointer<Int64>?,
                               _ rank: Int) -> Int32 {
    let f = "axon_tensor_expand"
    return OpsArgs.unary(f, out, a) { try $0.expand(to: OpsArgs.shape(shape, rank, f)) }
}

@_cdecl("axon_tensor_sum_to_size")
public func axon_tensor_sum_to_size(_ out: OpsOut?, _ a: OpaquePointer?, _ shape: UnsafePointer<Int64>?,
                                    _ rank: Int) -> Int32 {
    let f = "axon_tensor_sum_to_size"
    return OpsArgs.unary(f, out, a) { try $0.sum(toShape: OpsArgs.shape(shape, rank, f)) }
}

@_cdecl("axon_tensor_concat")
public func axon_tensor_concat(_ out: OpsOut?, _ ts: UnsafePointer<OpaquePointer?>?, _ n: Int,
                               _ axis: Int64) -> Int32 {
    let f = "axon_tensor_concat"
    return cCall(f) {
        let out = try outSlot(out, f)
        let list = try tensors(ts, n, f, "tensors"), axis = try int(axis, f, "axis")
        out.pointee = tensorHandles.make(try Tensor.concat(list, axis: axis))
    }
}

@_cdecl("axon_tensor_slice")
public func axon_tensor_slice(_ out: OpsOut?, _ a: OpaquePointer?, _ axis: Int64, _ start: Int64,
                              _ end: Int64) -> Int32 {
    let f = "axon_tensor_slice"
    return OpsArgs.unary(f, out, a) {
        try $0.slice(axis: int(axis, f, "axis"), start: int(start, f, "start"), end: int(end, f, "end"))
    }
}

@_cdecl("axon_tensor_unsqueeze")
public func axon_tensor_unsqueeze(_ out: OpsOut?, _ a: OpaquePointer?, _ axis: Int64) -> Int32 {
    let f = "axon_tensor_unsqueeze"
    return OpsArgs.unary(f, out, a) { t in
        guard t.rank < OpsArgs.maxRank else { throw invalidArgument(f, "a rank-\(t.rank) tensor cannot gain an axis") }
        return try t.unsqueezed(int(axis, f, "axis"))
    }
}

@_cdecl("axon_tensor_squeeze")
public func axon_tensor_squeeze(_ out: OpsOut?, _ a: OpaquePointer?, _ axis: Int64) -> Int32 {
    let f = "axon_tensor_squeeze"
    return OpsArgs.unary(f, out, a) { try $0.squeezed(int(axis, f, "axis")) }
}

@_cdecl("axon_tensor_flatten")
public func axon_tensor_flatten(_ out: OpsOut?, _ a: OpaquePointer?, _ start: Int64, _ end: Int64) -> Int32 {
    let f = "axon_tensor_flatten"
    return OpsArgs.unary(f, out, a) { try $0.flattened(from: int(start, f, "start_axis"), to: int(end, f, "end_axis")) }
}

// MARK: - Indexing

@_cdecl("axon_tensor_index_select")
public func axon_tensor_index_select(_ out: OpsOut?, _ a: OpaquePointer?, _ axis: Int64,
                                     _ indices: UnsafePointer<Int64>?, _ nIndices: Int) -> Int32 {
    let f = "axon_tensor_index_select"
    return OpsArgs.unary(f, out, a) {
        try $0.indexSelect(axis: int(axis, f, "axis"), indices: ints(indices, nIndices, f, "indices"))
    }
}

@_cdecl("axon_tensor_gather")
public func axon_tensor_gather(_ out: OpsOut?, _ a: OpaquePointer?, _ axis: Int64, _ index: OpaquePointer?) -> Int32 {
    let f = "axon_tensor_gather"
    return OpsArgs.unary(f, out, a) {
        try $0.gather(axis: int(axis, f, "axis"), index: OpsArgs.tensor(index, f, "index"))
    }
}

// MARK: - Convolution and pooling

@_cdecl("axon_tensor_conv2d")
public func axon_tensor_conv2d(_ out: OpsOut?, _ input: OpaquePointer?, _ weight: OpaquePointer?,
                               _ bias: OpaquePointer?, _ stride: UnsafePointer<Int64>?,
                               _ padding: UnsafePointer<Int64>?, _ dilation: UnsafePointer<Int64>?,
                               _ groups: Int64) -> Int32 {
    let f = "axon_tensor_conv2d"
    return cCall(f) {
        let out = try outSlot(out, f)
        let x = try OpsArgs.tensor(input, f, "input"), w = try OpsArgs.tensor(weight, f, "weight")
        let b = try tensorHandles.resolveOptional(bias, f, "bias")
        let s = try OpsArgs.pair(stride, (1, 1), f, "stride"), p = try OpsArgs.pair(padding, (0, 0), f, "padding")
        let d = try OpsArgs.pair(dilation, (1, 1), f, "dilation"), g = try int(groups, f, "groups")
        out.pointee = tensorHandles.make(
            try Tensor.conv2d(x, weight: w, bias: b, stride: s, padding: p, dilation: d, groups: g))
    }
}

@_cdecl("axon_tensor_max_pool2d")
public func axon_tensor_max_pool2d(_ out: OpsOut?, _ input: OpaquePointer?, _ kernel: UnsafePointer<Int64>?,
                                   _ stride: UnsafePointer<Int64>?, _ padding: UnsafePointer<Int64>?,
                                   _ dilation: UnsafePointer<Int64>?) -> Int32 {
    let f = "axon_tensor_max_pool2d"
    return cCall(f) {
        let out = try outSlot(out, f)
        let x = try OpsArgs.tensor(input, f, "input")
        guard kernel != nil else { throw invalidArgument(f, "kernel is NULL") }
        let k = try OpsArgs.pair(kernel, (0, 0), f, "kernel"), s = try OpsArgs.pair(stride, k, f, "stride")
        let p = try OpsArgs.pair(padding, (0, 0), f, "padding"), d = try OpsArgs.pair(dilation, (1, 1), f, "dilation")
        out.pointee = tensorHandles.make(try Tensor.maxPool2d(x, kernel: k, stride: s, padding: p, dilation: d))
    }
}

@_cdecl("axon_tensor_avg_pool2d")
public func axon_tensor_avg_pool2d(_ out: OpsOut?, _ input: OpaquePointer?, _ kernel: UnsafePointer<Int64>?,
                                   _ stride: UnsafePointer<Int64>?, _ padding: UnsafePointer<Int64>?) -> Int32 {
    let f = "axon_tensor_avg_pool2d"
    return cCall(f) {
        let out = try outSlot(out, f)
        let x = try OpsArgs.tensor(input, f, "input")
        guard kernel != nil else { throw invalidArgument(f, "kernel is NULL") }
        let k = try OpsArgs.pair(kernel, (0, 0), f, "kernel"), s = try OpsArgs.pair(stride, k, f, "stride")
        let p = try OpsArgs.pair(padding, (0, 0), f, "padding")
        out.pointee = tensorHandles.make(try Tensor.avgPool2d(x, kernel: k, stride: s, padding: p))
    }
}

@_cdecl("axon_tensor_adaptive_avg_pool2d")
public func axon_tensor_adaptive_avg_pool2d(_ out: OpsOut?, _ input: OpaquePointer?,
                                            _ outputSize: UnsafePointer<Int64>?) -> Int32 {
    let f = "axon_tensor_adaptive_avg_pool2d"
    return cCall(f) {
        let out = try outSlot(out, f)
        let x = try OpsArgs.tensor(input, f, "input")
        guard outputSize != nil else { throw invalidArgument(f, "output_size is NULL") }
        let size = try OpsArgs.pair(outputSize, (0, 0), f, "output_size")
        out.pointee = tensorHandles.make(try Tensor.adaptiveAvgPool2d(x, outputSize: size))
    }
}

@_cdecl("axon_tensor_maxout")
public func axon_tensor_maxout(_ out: OpsOut?, _ pieces: UnsafePointer<OpaquePointer?>?, _ n: Int) -> Int32 {
    let f = "axon_tensor_maxout"
    return cCall(f) {
        let out = try outSlot(out, f)
        out.pointee = tensorHandles.make(try Tensor.maxout(tensors(pieces, n, f, "pieces")))
    }
}
