#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The per-thread switches of autodiff, as in PyTorch: whether ops are recorded for reverse
/// mode, and whether tangents are propagated. A model trained on one thread never changes
/// recording on another. This is the only per-thread state of the core.
final class ThreadState {
    var recording = true
    var propagatingTangents = true

    static var current: ThreadState {
        if let raw = pthread_getspecific(threadStateKey) {
            return Unmanaged<ThreadState>.fromOpaque(raw).takeUnretainedValue()
        }
        let state = ThreadState()
        pthread_setspecific(threadStateKey, Unmanaged.passRetained(state).toOpaque())
        return state
    }
}

/// The key of each thread's `ThreadState`; its destructor releases the state when the thread ends.
private let threadStateKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key) { raw in
        guard let raw else { return }
        Unmanaged<ThreadState>.fromOpaque(raw).release()
    }
    return key
}()

/// Grad recording for reverse mode on the calling thread (PyTorch's grad mode).
public enum GradMode {
    /// Whether ops on the calling thread are recorded for `backward()`.
    public static var isEnabled: Bool { ThreadState.current.recording }

    /// Switches recording on the calling thread; returns the previous setting (for the C
    /// door's `no_grad` scopes, which cannot pass a closure).
    @discardableResult
    public static func set(enabled: Bool) -> Bool {
        let state = ThreadState.current
        defer { state.recording = enabled }
        return state.recording
    }

    /// Runs `body` with recording set to `enabled` on this thread, then restores it.
    public static func with<R>(enabled: Bool, _ body: () throws -> R) rethrows -> R {
        let state = ThreadState.current
        let saved = state.recording
        state.recording = enabled
        defer { state.recording = saved }
        return try body()
    }
}

/// Runs `body` without recording ops for reverse mode, like `with torch.no_grad():`.
/// Use it for inference and for optimizer updates.
public func withNoGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.with(enabled: false, body)
}

/// Runs `body` with tangent propagation off on this thread (used while computing a
/// pushforward, whose own ops must not propagate tangents again).
func withoutTangents<R>(_ body: () throws -> R) rethrows -> R {
    let state = ThreadState.current
    let saved = state.propagatingTangents
    state.propagatingTangents = false
    defer { state.propagatingTangents = saved }
    return try body()
}
