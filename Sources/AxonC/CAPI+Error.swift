// The error half of the C door: status codes, the per-thread last-error message, and the
// one helper every fallible entry point runs its body in (see include/axon.h, "Errors").

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Axon
import AxonCHeader

/// A pointer to the NUL-terminated bytes of a string literal, for the C strings the library
/// returns that live as long as the process (Swift emits literals with a terminating NUL).
func staticCString(_ s: StaticString) -> UnsafePointer<CChar> {
    UnsafeRawPointer(s.utf8Start).assumingMemoryBound(to: CChar.self)
}

/// Each thread's last error message: a `strdup`ed C string, freed when replaced or when the
/// thread ends.
private let lastErrorKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key) { raw in free(raw) }
    return key
}()

/// Replaces the calling thread's last error message.
func setLastError(_ message: String) {
    let copy = strdup(message)  // NULL only if out of memory; then "" is reported
    let old = pthread_getspecific(lastErrorKey)
    pthread_setspecific(lastErrorKey, copy)
    free(old)
}

/// An argument error raised by the shim itself, named after the C function.
func invalidArgument(_ function: String, _ message: String) -> AxonError {
    AxonError(.invalidArgument, "\(function): \(message)")
}

/// Runs `body`, the whole of one C entry point, and turns what it throws into a status code
/// and the thread's last error message. `AxonError` keeps its kind; anything else is
/// `AXON_ERR_INTERNAL`.
func cCall(_ function: String, _ body: () throws -> Void) -> Int32 {
    let state = currentCallState(), mark = state.held.count
    state.depth += 1
    defer {
        state.depth -= 1
        releaseClaims(state, to: mark)
    }
    do {
        try body()
        return Int32(AXON_OK.rawValue)
    } catch let error as AxonError {
        setLastError(error.message)
        return error.kind.rawValue
    } catch {
        setLastError("\(function): internal error: \(error)")
        return AxonError.Kind.internalError.rawValue
    }
}

@_cdecl("axon_status_string")
public func axon_status_string(_ code: Int32) -> UnsafePointer<CChar> {
    if code == 0 { return staticCString("ok") }
    return staticCString(AxonError.Kind(rawValue: code)?.summary ?? "unknown status")
}

@_cdecl("axon_last_error")
public func axon_last_error() -> UnsafePointer<CChar> {
    guard let raw = pthread_getspecific(lastErrorKey) else { return staticCString("") }
    return UnsafePointer(raw.assumingMemoryBound(to: CChar.self))
}
