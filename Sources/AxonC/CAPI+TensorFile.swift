// Tensor files through the C door (include/axon.h, "TENSOR FILES"): named tensors and a text
// saved without a model, read back as an `axon_tensor_file`.

import Axon

let tensorFileHandles = HandleTable<TensorFile.Loaded>("axon_tensor_file")

@_cdecl("axon_tensors_save")
public func axon_tensors_save(_ path: UnsafePointer<CChar>?, _ names: UnsafePointer<UnsafePointer<CChar>?>?,
                              _ values: UnsafePointer<OpaquePointer?>?, _ count: Int,
                              _ text: UnsafePointer<CChar>?) -> Int32 {
    let f = "axon_tensors_save"
    return cCall(f) {
        let path = try filePath(path, f)
        let tensors = try tensors(values, count, f, "tensors")
        let keys = try strings(names, tensors.count, f, "names")
        let body = try text.map { try string($0, f, "text") } ?? ""
        try TensorFile.save(Array(zip(keys, tensors)).map { (name: $0.0, tensor: $0.1) }, text: body, to: path)
    }
}

@_cdecl("axon_tensors_load")
public func axon_tensors_load(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ path: UnsafePointer<CChar>?) -> Int32 {
    let f = "axon_tensors_load"
    return cCall(f) {
        let out = try outSlot(out, f)
        let path = try filePath(path, f)
        out.pointee = tensorFileHandles.make(try TensorFile.load(path))
    }
}

@_cdecl("axon_tensor_file_free")
public func axon_tensor_file_free(_ file: OpaquePointer?) {
    tensorFileHandles.free(file)
}

@_cdecl("axon_tensor_file_count")
public func axon_tensor_file_count(_ file: OpaquePointer?) -> Int {
    (try? tensorFileHandles.resolve(file, "axon_tensor_file_count", "file"))?.tensors.count ?? 0
}

/// The entry `i` of `file`, or INVALID_ARGUMENT when `i` is out of range.
private func entry(_ file: OpaquePointer?, _ i: Int, _ f: String) throws -> (name: String, tensor: Tensor) {
    let loaded = try tensorFileHandles.resolve(file, f, "file")
    guard i >= 0, i < loaded.tensors.count else {
        throw invalidArgument(f, "index \(i) is out of range for \(loaded.tensors.count) tensors")
    }
    return loaded.tensors[i]
}

@_cdecl("axon_tensor_file_name")
public func axon_tensor_file_name(_ file: OpaquePointer?, _ i: Int, _ out: UnsafeMutablePointer<CChar>?,
                                  _ capacity: Int, _ outLength: UnsafeMutablePointer<Int>?) -> Int32 {
    let f = "axon_tensor_file_name"
    return cCall(f) { try writeString(try entry(file, i, f).name, out, capacity, outLength, f) }
}

@_cdecl("axon_tensor_file_tensor")
public func axon_tensor_file_tensor(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ file: OpaquePointer?,
                                    _ i: Int) -> Int32 {
    let f = "axon_tensor_file_tensor"
    return cCall(f) {
        let out = try outSlot(out, f)
        out.pointee = tensorHandles.make(try entry(file, i, f).tensor)
    }
}

@_cdecl("axon_tensor_file_text")
public func axon_tensor_file_text(_ file: OpaquePointer?, _ out: UnsafeMutablePointer<CChar>?, _ capacity: Int,
                                  _ outLength: UnsafeMutablePointer<Int>?) -> Int32 {
    let f = "axon_tensor_file_text"
    return cCall(f) {
        try writeString(try tensorFileHandles.resolve(file, f, "file").text, out, capacity, outLength, f)
    }
}
