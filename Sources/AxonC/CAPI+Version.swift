// Run-time versions (include/axon.h, "Versions"). The version string is the core's
// `Axon.version`; the numbers are the header's AXON_VERSION_* / AXON_ABI_VERSION /
// AXON_FORMAT_VERSION macros. bindings/c/test_axon.c checks that all agree.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Axon
import AxonCHeader

/// A C string allocated once and kept for the life of the process.
struct ProcessCString: @unchecked Sendable {
    let pointer: UnsafePointer<CChar>?
    init(_ string: String) { pointer = strdup(string).map { UnsafePointer($0) } }
}

private let versionString = ProcessCString(Axon.version)
/// The numbers come from the header's macros, so library and header cannot disagree.
private let versionNumber = Int32(AXON_VERSION_MAJOR * 1_000_000 + AXON_VERSION_MINOR * 1_000 + AXON_VERSION_PATCH)
private let abiVersion = Int32(AXON_ABI_VERSION)
private let formatVersion = Int32(AXON_FORMAT_VERSION)

@_cdecl("axon_version")
public func axon_version() -> UnsafePointer<CChar> {
    versionString.pointer ?? staticCString("")  // "" only if strdup failed at first use
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
