import Foundation
#if canImport(Glibc)
import Glibc
#endif
@testable import Axon

/// A fresh directory for one test, removed with everything in it when released.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("axon-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        _ = chmod(path, 0o755)
        try? FileManager.default.removeItem(atPath: path)
    }

    func file(_ name: String) -> String { "\(path)/\(name)" }

    /// The names in the directory as the system stores them (bytes, not Strings), sorted.
    var entries: [[UInt8]] { TemporaryDirectory.entries(of: path) }

    static func entries(of path: String) -> [[UInt8]] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [[UInt8]] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: &entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if name != [0x2E] && name != [0x2E, 0x2E] { names.append(name) }
        }
        return names.sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// The names that look like a save's temporary file.
    var temporaries: [String] {
        entries.map { String(decoding: $0, as: UTF8.self) }.filter { $0.contains(".axon-tmp-") }
    }
}

/// The permission bits of the file at `path` (following links).
func permissionBits(_ path: String) -> mode_t? {
    var info = stat()
    return stat(path, &info) == 0 ? info.st_mode & 0o7777 : nil
}

/// The bytes this process has read with read-like system calls so far (Linux `rchar`).
func bytesReadByProcess() -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/self/io", encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix("rchar:") {
        return Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces))
    }
    return nil
}

/// The process's umask, read without changing it (Linux `/proc/self/status`).
func currentUmask() -> mode_t? {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix("Umask:") {
        return mode_t(line.dropFirst(6).trimmingCharacters(in: .whitespaces), radix: 8)
    }
    return nil
}

/// Runs `body` on its own thread and waits at most `seconds`; false when it is still running
/// then (`unblock` is called to let it finish, so that the test fails instead of hanging).
func finishes(within seconds: Double, unblock: () -> Void, _ body: @escaping @Sendable () -> Void) -> Bool {
    let done = DispatchSemaphore(value: 0)
    Thread.detachNewThread {
        body()
        done.signal()
    }
    if done.wait(timeout: .now() + seconds) == .success { return true }
    unblock()
    _ = done.wait(timeout: .now() + 10)
    return false
}

/// The bytes of `file` with the payload of section `tag` changed by `change` (its CRC valid).
func encodedWithPayload(_ file: AxonFile, tag: String, _ change: (inout [UInt8]) -> Void) throws -> [UInt8] {
    var file = file
    guard let i = file.sections.firstIndex(where: { $0.tag == tag }) else {
        throw AxonError.invalid("no section \(tag)")
    }
    change(&file.sections[i].payload)
    return try file.encoded()
}
