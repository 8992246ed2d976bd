// `axon_model`: an opaque handle that owns one reference to a layer tree (include/axon.h,
// "Models"). Models come from a text spec or a model file; each entry point checks its
// arguments, resolves handles, makes one call into the core and writes `*out`.

import Axon

private func resolve(_ handle: OpaquePointer?, _ function: String, _ name: String = "m") throws -> any Layer {
    try modelHandles.resolve(handle, function, name)
}

/// The element `i` of `list`, or an argument error naming the count.
private func element<T>(_ list: [T], _ i: Int, _ function: String, _ what: String) throws -> T {
    guard i >= 0, i < list.count else {
        throw invalidArgument(function, "index \(i) is out of range: the model has \(list.count) \(what)")
    }
    return list[i]
}

// MARK: - Constructors and destructor

@_cdecl("axon_model_new")
public func axon_model_new(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ spec: UnsafePointer<CChar>?,
                           _ seed: UInt64) -> Int32 {
    let f = "axon_model_new"
    return cCall(f) {
        let out = try outSlot(out, f)
        let text = try string(spec, f, "spec")
        var generator = PRNG(seed: seed)
        out.pointee = modelHandles.make(try LayerSpec.parse(text).build(generator: &generator))
    }
}

@_cdecl("axon_model_load")
public func axon_model_load(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ path: UnsafePointer<CChar>?) -> Int32 {
    let f = "axon_model_load"
    return cCall(f) {
        let out = try outSlot(out, f)
        let path = try filePath(path, f)
        out.pointee = modelHandles.make(try ModelFile.load(path).model)
    }
}

@_cdecl("axon_model_free")
public func axon_model_free(_ m: OpaquePointer?) {
    modelHandles.free(m)
}

// MARK: - Methods

@_cdecl("axon_model_save")
public func axon_model_save(_ m: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> Int32 {
    let f = "axon_model_save"
    return cCall(f) {
        let model = try resolve(m, f), path = try filePath(path, f)
        try ModelFile.save(model, to: path)
    }
}

@_cdecl("axon_model_forward")
public func axon_model_forward(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ m: OpaquePointer?,
                               _ x: OpaquePointer?) -> Int32 {
    let f = "axon_model_forward"
    return cCall(f) {
        let out = try outSlot(out, f)
        let model = try resolve(m, f), x = try tensorHandles.resolve(x, f, "x")
        out.pointee = tensorHandles.make(try model(x))
    }
}

@_cdecl("axon_model_train")
public func axon_model_train(_ m: OpaquePointer?, _ training: Int32) -> Int32 {
    let f = "axon_model_train"
    return cCall(f) {
        try resolve(m, f).train(training != 0)
    }
}

@_cdecl("axon_model_is_training")
public func axon_model_is_training(_ m: OpaquePointer?) -> Int32 {
    (try? resolve(m, "axon_model_is_training"))?.training == true ? 1 : 0
}

@_cdecl("axon_model_parameter_count")
public func axon_model_parameter_count(_ m: OpaquePointer?) -> Int {
    (try? resolve(m, "axon_model_parameter_count"))?.parameterCount ?? 0
}

@_cdecl("axon_model_spec")
public func axon_model_spec(_ m: OpaquePointer?, _ out: UnsafeMutablePointer<CChar>?, _ capacity: Int,
                            _ outLength: UnsafeMutablePointer<Int>?) -> Int32 {
    let f = "axon_model_spec"
    return cCall(f) {
        let model = try resolve(m, f)
        guard let spec = model.spec else {
            throw AxonError(.invalidState, "\(f): the model contains a layer that has no text spec")
        }
        try writeString(spec.description, out, capacity, outLength, f)
    }
}

// MARK: - State and parameters

@_cdecl("axon_model_state_count")
public func axon_model_state_count(_ m: OpaquePointer?) -> Int {
    (try? resolve(m, "axon_model_state_count"))?.stateDict().count ?? 0
}

@_cdecl("axon_model_state_name")
public func axon_model_state_name(_ m: OpaquePointer?, _ i: Int, _ out: UnsafeMutablePointer<CChar>?,
                                  _ capacity: Int, _ outLength: UnsafeMutablePointer<Int>?) -> Int32 {
    let f = "axon_model_state_name"
    return cCall(f) {
        let state = try resolve(m, f).stateDict()
        try writeString(try element(state, i, f, "state tensors").name, out, capacity, outLength, f)
    }
}

@_cdecl("axon_model_state_tensor")
public func axon_model_state_tensor(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ m: OpaquePointer?,
                                    _ i: Int) -> Int32 {
    let f = "axon_model_state_tensor"
    return cCall(f) {
        let out = try outSlot(out, f)
        let state = try resolve(m, f).stateDict()
        out.pointee = tensorHandles.make(try element(state, i, f, "state tensors").tensor)
    }
}

@_cdecl("axon_model_parameter_count_tensors")
public func axon_model_parameter_count_tensors(_ m: OpaquePointer?) -> Int {
    (try? resolve(m, "axon_model_parameter_count_tensors"))?.namedParameters().count ?? 0
}

@_cdecl("axon_model_parameter")
public func axon_model_parameter(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ m: OpaquePointer?,
                                 _ i: Int) -> Int32 {
    let f = "axon_model_parameter"
    return cCall(f) {
        let out = try outSlot(out, f)
        let parameters = try resolve(m, f).parameters()
        out.pointee = tensorHandles.make(try element(parameters, i, f, "parameter tensors"))
    }
}

@_cdecl("axon_model_parameter_name")
public func axon_model_parameter_name(_ m: OpaquePointer?, _ i: Int, _ out: UnsafeMutablePointer<CChar>?,
                                      _ capacity: Int, _ outLength: UnsafeMutablePointer<Int>?) -> Int32 {
    let f = "axon_model_parameter_name"
    return cCall(f) {
        let parameters = try resolve(m, f).namedParameters()
        try writeString(try element(parameters, i, f, "parameter tensors").name, out, capacity, outLength, f)
    }
}

@_cdecl("axon_model_load_state")
public func axon_model_load_state(_ m: OpaquePointer?, _ names: UnsafePointer<UnsafePointer<CChar>?>?,
                                  _ values: UnsafePointer<OpaquePointer?>?, _ count: Int, _ strict: Int32) -> Int32 {
    let f = "axon_model_load_state"
    return cCall(f) {
        let model = try resolve(m, f)
        let tensors = try tensors(values, count, f, "tensors")
        let keys = try strings(names, tensors.count, f, "names")
        try model.loadStateDict(Array(zip(keys, tensors)).map { (name: $0.0, tensor: $0.1) }, strict: strict != 0)
    }
}
