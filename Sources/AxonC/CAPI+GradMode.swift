// Per-thread gradient recording (include/axon.h, axon_set_grad_enabled).

import Axon

@_cdecl("axon_set_grad_enabled")
public func axon_set_grad_enabled(_ enabled: Int32) -> Int32 {
    GradMode.set(enabled: enabled != 0) ? 1 : 0
}

@_cdecl("axon_is_grad_enabled")
public func axon_is_grad_enabled() -> Int32 {
    GradMode.isEnabled ? 1 : 0
}
