#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A path to a file as the bytes the operating system sees. A path that came from C may hold
/// bytes that are not UTF-8 (`a\xff.axon`); a `String` would replace them, so the file
/// functions take the bytes as given from the caller to `open`, `stat` and `rename`.
///
/// ```swift
/// try ModelFile.save(model, to: FilePath(bytes: Array("a".utf8) + [0xFF] + Array(".axon".utf8)))
/// try ModelFile.save(model, to: "model.axon")   // a String is a path too (FilePathConvertible)
/// ```
public struct FilePath: Sendable, Hashable, CustomStringConvertible {
    /// The path's bytes, without a terminating NUL.
    public let bytes: [UInt8]

    /// The UTF-8 bytes of `string`.
    public init(_ string: String) { bytes = Array(string.utf8) }

    /// The bytes as given (a NUL among them makes every file operation refuse the path).
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// The bytes of a NUL-terminated C string, unchanged.
    public init(cString: UnsafePointer<CChar>) {
        bytes = Array(UnsafeBufferPointer(start: UnsafeRawPointer(cString).assumingMemoryBound(to: UInt8.self),
                                          count: strlen(cString)))
    }

    /// The path for messages (bytes that are not UTF-8 shown as U+FFFD).
    public var description: String { String(decoding: bytes, as: UTF8.self) }

    /// Runs `body` with the path as a NUL-terminated C string; INVALID_ARGUMENT when the path
    /// holds a NUL byte (the system would read a shorter path).
    func withCString<R>(_ body: (UnsafePointer<CChar>) throws -> R) throws -> R {
        guard !bytes.contains(0) else {
            throw AxonError.invalid("path '\(self)' contains a NUL byte")
        }
        return try (bytes + [0]).withUnsafeBufferPointer { buffer in
            try buffer.withMemoryRebound(to: CChar.self) { chars in
                guard let base = chars.baseAddress else { throw AxonError.invalid("path '\(self)' has no bytes") }
                return try body(base)
            }
        }
    }

    /// The directory part: everything before the last `/` ("." when there is none, "/" for
    /// a file in the root).
    var directory: FilePath {
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return FilePath(".") }
        return slash == 0 ? FilePath("/") : FilePath(bytes: Array(bytes[..<slash]))
    }

    /// The part after the last `/`.
    var lastComponent: [UInt8] {
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return bytes }
        return Array(bytes[(slash + 1)...])
    }

    var isAbsolute: Bool { bytes.first == UInt8(ascii: "/") }

    /// `name` inside this directory.
    func appending(_ name: [UInt8]) -> FilePath {
        FilePath(bytes: bytes.last == UInt8(ascii: "/") ? bytes + name : bytes + [UInt8(ascii: "/")] + name)
    }
}

/// What the file functions accept as a path: a `String` (its UTF-8 bytes) or a `FilePath`.
public protocol FilePathConvertible {
    var filePath: FilePath { get }
}

extension FilePath: FilePathConvertible {
    public var filePath: FilePath { self }
}

extension String: FilePathConvertible {
    public var filePath: FilePath { FilePath(self) }
}

/// The text of the calling thread's `errno`.
func systemError() -> String { String(cString: strerror(errno)) }
