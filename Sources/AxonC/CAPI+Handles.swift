// The handle tables of the C door and the argument conversions every entry point shares
// (include/axon.h, "Conventions"). A handle is the address of a small retained box that holds
// one strong reference to a core object, so every handle is distinct even when two handles
// refer to the same object (a model's parameter fetched twice, Identity's output). Each handle
// type has its own table of live box addresses, so that a NULL, freed, foreign or wrong-type
// pointer becomes AXON_ERR_INVALID_ARGUMENT instead of a crash, and a second `_free` of the
// same handle is a no-op. (An address reused by a newer handle of the same type cannot be told
// apart.)

import Axon
import Synchronization

/// What a handle points to: one reference to a core object (a class or a class-bound
/// existential such as `any Layer`).
final class HandleBox<Object> {
    let object: Object
    init(_ object: Object) { self.object = object }
}

/// What `axon_live_handles` reads of every handle table.
protocol LiveHandleCount: Sendable {
    var typeName: String { get }
    var liveCount: Int { get }
}

/// The live handles of one C type (`axon_tensor`, `axon_model`, ...).
final class HandleTable<Object>: LiveHandleCount {
    /// The C type name, for messages.
    let typeName: String
    /// Whether a call claims the object it resolves (stateful objects: one thread at a time).
    let exclusive: Bool
    private let live = Mutex<Set<UInt>>([])

    init(_ typeName: String, exclusive: Bool = false) {
        self.typeName = typeName
        self.exclusive = exclusive
    }

    var liveCount: Int { live.withLock { $0.count } }

    /// A new handle owning one reference to `object`.
    func make(_ object: Object) -> OpaquePointer {
        let raw = Unmanaged.passRetained(HandleBox(object)).toOpaque()
        live.withLock { _ = $0.insert(UInt(bitPattern: raw)) }
        return OpaquePointer(raw)
    }

    /// The object behind a live handle; `name` is the C parameter name, for the message.
    func resolve(_ handle: OpaquePointer?, _ function: String, _ name: String) throws -> Object {
        guard let handle else { throw invalidArgument(function, "\(name) is NULL") }
        let raw = UnsafeRawPointer(handle)
        // The box is retained under the lock (a concurrent free cannot release it in between),
        // and that extra reference handed to ARC outside it.
        let isLive = live.withLock { live in
            guard live.contains(UInt(bitPattern: raw)) else { return false }
            _ = Unmanaged<HandleBox<Object>>.fromOpaque(raw).retain()
            return true
        }
        guard isLive else {
            throw invalidArgument(function, "\(name) is not a live \(typeName) (already freed, or of another type)")
        }
        let object = Unmanaged<HandleBox<Object>>.fromOpaque(raw).takeRetainedValue().object
        if exclusive { try claim(object as AnyObject, function, name, typeName) }
        return object
    }

    /// The object behind `handle`, or nil when the handle is NULL (nullable parameters).
    func resolveOptional(_ handle: OpaquePointer?, _ function: String, _ name: String) throws -> Object? {
        guard handle != nil else { return nil }
        return try resolve(handle, function, name)
    }

    /// Releases the reference a live handle owns; NULL and dead handles are ignored.
    func free(_ handle: OpaquePointer?) {
        guard let handle else { return }
        let raw = UnsafeRawPointer(handle)
        let owned = live.withLock { $0.remove(UInt(bitPattern: raw)) != nil }
        // Released outside the lock: the last release may free a whole graph or model.
        if owned { Unmanaged<HandleBox<Object>>.fromOpaque(raw).release() }
    }
}

let tensorHandles = HandleTable<Tensor>("axon_tensor")
let modelHandles = HandleTable<any Layer>("axon_model", exclusive: true)
let optimizerHandles = HandleTable<any Optimizer>("axon_optimizer", exclusive: true)
let schedulerHandles = HandleTable<LRScheduler>("axon_scheduler", exclusive: true)
let plateauHandles = HandleTable<ReduceLROnPlateau>("axon_plateau", exclusive: true)

/// Every handle table, for `axon_live_handles`.
let allHandleTables: [any LiveHandleCount] = [tensorHandles, modelHandles, optimizerHandles, schedulerHandles,
                                              generatorHandles, plateauHandles, datasetHandles, loaderHandles,
                                              standardizerHandles, pcaHandles, tensorFileHandles]

// MARK: - Argument conversions

/// The output slot, checked and set to NULL so that a failing call leaves `*out == NULL`.
func outSlot(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ function: String) throws
    -> UnsafeMutablePointer<OpaquePointer?>
{
    guard let out else { throw invalidArgument(function, "out is NULL") }
    out.pointee = nil
    return out
}

/// A scalar output parameter, checked.
func scalarOut<T>(_ out: UnsafeMutablePointer<T>?, _ function: String, _ name: String = "out") throws
    -> UnsafeMutablePointer<T>
{
    guard let out else { throw invalidArgument(function, "\(name) is NULL") }
    return out
}

/// A C boolean that must be 0 or 1.
func bool(_ v: Int32, _ function: String, _ name: String) throws -> Bool {
    guard v == 0 || v == 1 else { throw invalidArgument(function, "\(name) \(v) must be 0 or 1") }
    return v == 1
}

/// A C size_t (imported as Int) that must not have wrapped negative.
func size(_ n: Int, _ function: String, _ name: String) throws -> Int {
    guard n >= 0 else { throw invalidArgument(function, "\(name) \(n) is negative") }
    return n
}

/// A NUL-terminated UTF-8 string argument.
func string(_ p: UnsafePointer<CChar>?, _ function: String, _ name: String) throws -> String {
    guard let p else { throw invalidArgument(function, "\(name) is NULL") }
    // Bytes that are not UTF-8 are refused, never silently replaced.
    guard let text = String(validatingCString: p) else { throw invalidArgument(function, "\(name) is not valid UTF-8") }
    return text
}

/// A NUL-terminated path argument as its bytes, unchanged (a path need not be UTF-8).
func filePath(_ p: UnsafePointer<CChar>?, _ function: String, _ name: String = "path") throws -> FilePath {
    guard let p else { throw invalidArgument(function, "\(name) is NULL") }
    return FilePath(cString: p)
}

/// `count` C strings of the array `names` (NULL only when `count` is 0), each checked as
/// `string` checks one; `what` is the C parameter name, for messages.
func strings(_ names: UnsafePointer<UnsafePointer<CChar>?>?, _ count: Int, _ f: String,
             _ what: String) throws -> [String] {
    let count = try size(count, f, "the count of \(what)")
    guard names != nil || count == 0 else { throw invalidArgument(f, "\(what) is NULL but its count is \(count)") }
    return try (0..<count).map { i in try string(names?[i], f, "\(what)[\(i)]") }
}

/// An int64_t argument as Int.
func int(_ v: Int64, _ function: String, _ name: String) throws -> Int {
    guard let i = Int(exactly: v) else { throw invalidArgument(function, "\(name) \(v) does not fit in Int") }
    return i
}

/// `count` int64_t values from `p` (which may be NULL only when `count` is 0) as Int.
func ints(_ p: UnsafePointer<Int64>?, _ count: Int, _ function: String, _ name: String) throws -> [Int] {
    let n = try size(count, function, "n_\(name)")
    guard p != nil || n == 0 else { throw invalidArgument(function, "\(name) is NULL but its count is \(n)") }
    return try UnsafeBufferPointer(start: p, count: n).map { try int($0, function, name) }
}

/// `count` tensor handles from `p` (NULL only when `count` is 0), resolved.
func tensors(_ p: UnsafePointer<OpaquePointer?>?, _ count: Int, _ function: String, _ name: String) throws -> [Tensor] {
    let n = try size(count, function, "n_\(name)")
    guard p != nil || n == 0 else { throw invalidArgument(function, "\(name) is NULL but its count is \(n)") }
    return try UnsafeBufferPointer(start: p, count: n).enumerated().map { i, h in
        try tensorHandles.resolve(h, function, "\(name)[\(i)]")
    }
}

/// Options given as parallel arrays of keys and values; a repeated key is an error.
func options(_ keys: UnsafePointer<UnsafePointer<CChar>?>?, _ values: UnsafePointer<Double>?, _ count: Int,
             _ function: String) throws -> [String: Double] {
    let n = try size(count, function, "n_options")
    guard n > 0 else { return [:] }
    guard let keys, let values else { throw invalidArgument(function, "keys or values is NULL but n_options is \(n)") }
    var result: [String: Double] = [:]
    for i in 0..<n {
        let key = try string(keys[i], function, "keys[\(i)]")
        guard result[key] == nil else { throw invalidArgument(function, "option '\(key)' is given twice") }
        result[key] = values[i]
    }
    return result
}

/// Writes `text` to a caller's buffer snprintf-style: the whole text and a NUL when
/// `capacity` exceeds its length, else only a NUL (if capacity > 0); reports the length.
func writeString(_ text: String, _ out: UnsafeMutablePointer<CChar>?, _ capacity: Int,
                 _ outLength: UnsafeMutablePointer<Int>?, _ function: String) throws {
    let capacity = try size(capacity, function, "capacity")
    guard out != nil || capacity == 0 else {
        throw invalidArgument(function, "out is NULL but capacity is \(capacity)")
    }
    let bytes = Array(text.utf8)
    outLength?.pointee = bytes.count
    guard let out, capacity > 0 else { return }
    if capacity > bytes.count {
        bytes.withUnsafeBufferPointer { src in
            if let base = src.baseAddress {
                UnsafeMutableRawPointer(out).copyMemory(from: base, byteCount: bytes.count)
            }
        }
        out[bytes.count] = 0
    } else {
        out[0] = 0
    }
}
