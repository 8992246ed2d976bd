// safetensors through the C door (include/axon.h, "SAFETENSORS"): a model's state in and out,
// and named tensors read into an `axon_tensor_file` or written from the caller's arrays.

import Axon

@_cdecl("axon_model_save_safetensors")
public func axon_model_save_safetensors(_ m: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> Int32 {
    let f = "axon_model_save_safetensors"
    return cCall(f) {
        let model = try modelHandles.resolve(m, f, "m"), path = try filePath(path, f)
        try Safetensors.save(model, to: path)
    }
}

@_cdecl("axon_model_load_safetensors")
public func axon_model_load_safetensors(_ m: OpaquePointer?, _ path: UnsafePointer<CChar>?, _ strict: Int32,
                                        _ from: UnsafePointer<UnsafePointer<CChar>?>?,
                                        _ to: UnsafePointer<UnsafePointer<CChar>?>?, _ nRenames: Int) -> Int32 {
    let f = "axon_model_load_safetensors"
    return cCall(f) {
        let model = try modelHandles.resolve(m, f, "m"), path = try filePath(path, f)
        guard strict == 0 || strict == 1 else { throw invalidArgument(f, "strict \(strict) must be 0 or 1") }
        let sources = try strings(from, nRenames, f, "from"), targets = try strings(to, nRenames, f, "to")
        var rename: [String: String] = [:]
        for (a, b) in zip(sources, targets) {
            guard rename.updateValue(b, forKey: a) == nil else { throw invalidArgument(f, "'\(a)' is renamed twice") }
        }
        try Safetensors.load(Safetensors.load(path), into: model, strict: strict == 1, rename: rename)
    }
}

@_cdecl("axon_safetensors_save")
public func axon_safetensors_save(_ path: UnsafePointer<CChar>?, _ names: UnsafePointer<UnsafePointer<CChar>?>?,
                                  _ values: UnsafePointer<OpaquePointer?>?, _ integer: UnsafePointer<Int32>?,
                                  _ count: Int, _ keys: UnsafePointer<UnsafePointer<CChar>?>?,
                                  _ metaValues: UnsafePointer<UnsafePointer<CChar>?>?, _ nMeta: Int) -> Int32 {
    let f = "axon_safetensors_save"
    return cCall(f) {
        let path = try filePath(path, f)
        let tensors = try tensors(values, count, f, "tensors")
        let names = try strings(names, tensors.count, f, "names")
        var integers = Set<String>()
        for i in 0..<tensors.count {
            let flag = integer?[i] ?? 0
            guard flag == 0 || flag == 1 else { throw invalidArgument(f, "integer[\(i)] \(flag) must be 0 or 1") }
            if flag == 1 { integers.insert(names[i]) }
        }
        let metadata = Array(zip(try strings(keys, nMeta, f, "keys"), try strings(metaValues, nMeta, f, "values")))
            .map { (key: $0.0, value: $0.1) }
        try Safetensors.save(Array(zip(names, tensors)).map { (name: $0.0, tensor: $0.1) }, integers: integers,
                             metadata: metadata, to: path)
    }
}

@_cdecl("axon_safetensors_load")
public func axon_safetensors_load(_ out: UnsafeMutablePointer<OpaquePointer?>?,
                                  _ path: UnsafePointer<CChar>?) -> Int32 {
    let f = "axon_safetensors_load"
    return cCall(f) {
        let out = try outSlot(out, f)
        let file = try Safetensors.load(try filePath(path, f))
        out.pointee = tensorFileHandles.make(TensorFile.Loaded(safetensors: file))
    }
}
