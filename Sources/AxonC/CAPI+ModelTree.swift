// The model tree (include/axon.h, "Models"): children by index and by name, a layer's kind,
// and containers built from existing layers, which share them (and so their parameters).

import Axon

@_cdecl("axon_model_child_count")
public func axon_model_child_count(_ m: OpaquePointer?) -> Int {
    (try? modelHandles.resolve(m, "axon_model_child_count", "m"))?.children.count ?? 0
}

@_cdecl("axon_model_child")
public func axon_model_child(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ m: OpaquePointer?, _ i: Int) -> Int32 {
    let f = "axon_model_child"
    return cCall(f) {
        let out = try outSlot(out, f)
        let children = try modelHandles.resolve(m, f, "m").children
        guard i >= 0, i < children.count else {
            throw invalidArgument(f, "child \(i) is out of range (the layer has \(children.count))")
        }
        out.pointee = modelHandles.make(children[i].layer)
    }
}

@_cdecl("axon_model_submodule")
public func axon_model_submodule(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ m: OpaquePointer?,
                                 _ path: UnsafePointer<CChar>?) -> Int32 {
    let f = "axon_model_submodule"
    return cCall(f) {
        let out = try outSlot(out, f)
        out.pointee = modelHandles.make(try modelHandles.resolve(m, f, "m").submodule(string(path, f, "path")))
    }
}

@_cdecl("axon_model_child_name")
public func axon_model_child_name(_ m: OpaquePointer?, _ i: Int, _ out: UnsafeMutablePointer<CChar>?,
                                  _ capacity: Int, _ outLength: UnsafeMutablePointer<Int>?) -> Int32 {
    let f = "axon_model_child_name"
    return cCall(f) {
        let children = try modelHandles.resolve(m, f, "m").children
        guard i >= 0, i < children.count else {
            throw invalidArgument(f, "child \(i) is out of range (the layer has \(children.count))")
        }
        try writeString(children[i].name, out, capacity, outLength, f)
    }
}

@_cdecl("axon_model_kind")
public func axon_model_kind(_ m: OpaquePointer?, _ out: UnsafeMutablePointer<CChar>?, _ capacity: Int,
                            _ outLength: UnsafeMutablePointer<Int>?) -> Int32 {
    let f = "axon_model_kind"
    return cCall(f) {
        let layer = try modelHandles.resolve(m, f, "m")
        try writeString(layer.kindName ?? "custom", out, capacity, outLength, f)
    }
}

@_cdecl("axon_model_sequential")
public func axon_model_sequential(_ out: UnsafeMutablePointer<OpaquePointer?>?,
                                  _ layers: UnsafePointer<OpaquePointer?>?, _ n: Int) -> Int32 {
    let f = "axon_model_sequential"
    return cCall(f) {
        let out = try outSlot(out, f)
        let count = try size(n, f, "n")
        guard layers != nil || count == 0 else { throw invalidArgument(f, "layers is NULL but n is \(count)") }
        let children = try UnsafeBufferPointer(start: layers, count: count).enumerated().map { i, h in
            try modelHandles.resolve(h, f, "layers[\(i)]")
        }
        out.pointee = modelHandles.make(Sequential(children))
    }
}
