// What every fuzz target shares: the two entry points libFuzzer calls, the checks that make a
// wrong result a finding, and the checksum repair that lets mutations of an `.axon` container
// reach its sections. Each target file defines `target`; run.sh compiles this file with one of them.
import Axon
#if canImport(Glibc)
import Glibc
#endif

/// One fuzz target: the seeds it starts from and what it does with one input.
struct FuzzTarget {
    /// Valid files made by the library, by file name (written by `run.sh --write-corpus`).
    let seeds: () throws -> [(name: String, bytes: [UInt8])]
    /// Feeds one input to the decoder. A thrown error is an answer; a trap, a sanitizer report,
    /// a hang, an allocation past the limit or a failed `check` is a finding.
    let run: ([UInt8]) -> Void
}

/// With AXON_FUZZ_WRITE_SEEDS=<directory>, writes the target's seeds there and exits.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutableRawPointer?, _ argv: UnsafeMutableRawPointer?) -> CInt {
    guard let directory = getenv("AXON_FUZZ_WRITE_SEEDS").map({ String(cString: $0) }) else { return 0 }
    do {
        for (name, bytes) in try target.seeds() {
            try AxonFile.writeAtomically(bytes, to: directory + "/" + name)
        }
    } catch {
        fputs("writing the seeds failed: \(error)\n", stderr)
        _exit(1)
    }
    _exit(0)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    target.run(size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

/// A property every successful decode must have; its failure stops the fuzzer with the input.
func check(_ condition: @autoclosure () -> Bool, _ what: @autoclosure () -> String) {
    if !condition() { fatalError("fuzz check failed: \(what())") }
}

/// Runs `body`, which must not throw (a round trip of something already decoded).
func mustSucceed<T>(_ what: String, _ body: () throws -> T) -> T {
    do { return try body() } catch { fatalError("fuzz check failed: \(what) threw \(error)") }
}

/// The bit patterns of named tensors, for exact comparisons.
func fingerprint(_ tensors: [(name: String, tensor: Tensor)]) -> [String] {
    tensors.map { "\($0.name) \($0.tensor.shape) \($0.tensor.scalars.map(\.bitPattern))" }
}

/// The input, and when it is an `.axon` container whose checksums are wrong, the same bytes
/// with the header CRC and the CRC of every section that lies inside the file recomputed:
/// random mutations almost never keep a CRC-32 right, so without this they stop at the table.
func axonVariants(_ bytes: [UInt8]) -> [[UInt8]] {
    func u32(_ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[at + $1]) << (8 * $1) } }
    func u64(_ at: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(bytes[at + $1]) << (8 * UInt64($1)) } }
    func put(_ v: UInt32, _ at: Int, _ out: inout [UInt8]) {
        for k in 0..<4 { out[at + k] = UInt8(truncatingIfNeeded: v >> (8 * k)) }
    }
    guard bytes.count >= 16 else { return [bytes] }
    let count = Int(u32(12))
    guard count <= 1024, bytes.count >= 16 + 32 * count + 4 else { return [bytes] }
    var fixed = bytes
    for k in 0..<count {
        let entry = 16 + 32 * k
        let (offset, length) = (u64(entry + 16), u64(entry + 24))
        guard offset <= UInt64(bytes.count), length <= UInt64(bytes.count) - offset else { continue }
        put(CRC32.checksum(bytes[Int(offset)..<Int(offset + length)]), entry + 12, &fixed)
    }
    let tableEnd = 16 + 32 * count
    put(CRC32.checksum(fixed[0..<tableEnd]), tableEnd, &fixed)
    return fixed == bytes ? [bytes] : [bytes, fixed]
}

/// A file the library wrote to `path` (for the seeds of APIs that only save to files).
func savedBytes(_ save: (String) throws -> Void) throws -> [UInt8] {
    let path = "/tmp/axon-fuzz-seed-\(getpid()).axon"
    defer { unlink(path) }
    try save(path)
    return try FileIO.read(path)
}
