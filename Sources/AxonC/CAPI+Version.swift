// Run-time versions (include/axon.h, "Versions"). Keep these in step with the
// AXON_VERSION_* / AXON_ABI_VERSION / AXON_FORMAT_VERSION macros of the header;
// bindings/c/test_axon.c checks that they agree.

import Axon

/// AXON_VERSION_MAJOR * 1000000 + AXON_VERSION_MINOR * 1000 + AXON_VERSION_PATCH.
private let versionNumber: Int32 = 0 * 1_000_000 + 1 * 1_000 + 0
private let abiVersion: Int32 = 1
private let formatVersion: Int32 = 1

@_cdecl("axon_version")
public func axon_version() -> UnsafePointer<CChar> {
    staticCString("0.1.0")
}

@_cdecl("axon_version_number")
public func axon_version_number() -> Int32 {
    versionNumber
}

@_cdecl("axon_abi_version")
public func axon_abi_version() -> Int32 {
    abiVersion
}

@_cdecl("axon_format_version")
public func axon_format_version() -> Int32 {
    formatVersion
}
