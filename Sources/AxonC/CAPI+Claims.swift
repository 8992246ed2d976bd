// Which thread is inside a call on each stateful object of the C door (include/axon.h,
// "Threading"): a model, optimizer, scheduler, plateau, loader or generator is used by one
// thread at a time. A call that finds its object held by another thread's call returns
// AXON_ERR_BUSY at once (no waiting, so no deadlock) and changes nothing; the same thread may
// hold an object again (an L-BFGS closure calling back into the door). Tensors are not
// claimed: reading one tensor from several threads is fine, writing one while another thread
// uses it is the caller's error.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Axon
import Synchronization

/// The calling thread's nesting of door calls and the claims its calls hold.
final class CallState {
    // Only its own thread touches a CallState: no dynamic exclusivity checks on every call.
    @exclusivity(unchecked) var depth = 0
    @exclusivity(unchecked) var held: [ObjectIdentifier] = []
}

private let callStateKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key) { raw in
        if let raw { Unmanaged<CallState>.fromOpaque(raw).release() }
    }
    return key
}()

/// This thread's call state, made on its first door call.
func currentCallState() -> CallState {
    if let raw = pthread_getspecific(callStateKey) {
        return Unmanaged<CallState>.fromOpaque(raw).takeUnretainedValue()
    }
    let state = CallState()
    pthread_setspecific(callStateKey, Unmanaged.passRetained(state).toOpaque())
    return state
}

/// The object each claim is on -> the claiming thread and how many claims it holds.
private let claims = Mutex<[ObjectIdentifier: (thread: UInt, count: Int)]>([:])

private func threadID() -> UInt {
    #if canImport(Glibc)
    return UInt(pthread_self())
    #else
    return UInt(bitPattern: pthread_self())
    #endif
}

/// Claims `object` for the running door call of this thread (nothing outside a call: the
/// readers that are not fallible take no claims). AXON_ERR_BUSY when another thread holds it.
func claim(_ object: AnyObject, _ function: String, _ name: String, _ typeName: String) throws {
    let state = currentCallState()
    guard state.depth > 0 else { return }
    let id = ObjectIdentifier(object), me = threadID()
    let granted = claims.withLock { table -> Bool in
        if let entry = table[id] {
            guard entry.thread == me else { return false }
            table[id] = (me, entry.count + 1)
        } else {
            table[id] = (me, 1)
        }
        return true
    }
    guard granted else {
        throw AxonError(.busy, "\(function): \(name) (an \(typeName)) is in use by another thread")
    }
    state.held.append(id)
}

/// Releases the claims this thread took since `mark` (the count it held when a call began).
func releaseClaims(_ state: CallState, to mark: Int) {
    guard state.held.count > mark else { return }
    let released = state.held[mark...]
    claims.withLock { table in
        for id in released {
            guard let entry = table[id] else { continue }
            table[id] = entry.count > 1 ? (entry.thread, entry.count - 1) : nil
        }
    }
    state.held.removeSubrange(mark...)
}
