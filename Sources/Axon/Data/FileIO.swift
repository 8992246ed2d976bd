#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// File reads without Foundation, for datasets and model files.
///
/// Only regular files are read: a directory, FIFO, device or socket is refused with the IO
/// status without blocking (the file is opened non-blocking, checked with `fstat`, and only
/// then switched to blocking reads). Every read is bounded by the file's size, and a buffer
/// the system cannot provide is the OUT_OF_MEMORY status, not a stopped process.
public enum FileIO {
    /// The bytes of the file at `path`, refusing files larger than `maxBytes`.
    public static func read(_ path: some FilePathConvertible, maxBytes: Int = 1 << 32) throws -> [UInt8] {
        let file = try ReadableFile(path.filePath)
        guard file.size <= maxBytes else {
            throw AxonError(.io, "'\(file.path)' is \(file.size) bytes, more than the limit \(maxBytes)")
        }
        return try file.read(at: 0, count: file.size)
    }

    /// The file's bytes, gunzipped when the name ends in ".gz".
    public static func readMaybeGzip(_ path: some FilePathConvertible) throws -> [UInt8] {
        let path = path.filePath
        let bytes = try read(path)
        return path.bytes.suffix(3) == Array(".gz".utf8) ? try Gzip.decompress(bytes) : bytes
    }

    /// Buffers from this size on are first asked of the system, which says no where Swift's
    /// own allocation would stop the process.
    static let checkedAllocationBytes = 1 << 20

    /// Throws OUT_OF_MEMORY naming `what` when the system would not give `count` bytes now.
    /// The question is asked with `mmap`, as the C library allocates buffers this large: a
    /// `malloc` whose result is only compared with NULL and freed, the optimizer may remove.
    static func checkAllocation(_ count: Int, for what: @autoclosure () -> String) throws {
        guard count >= 0 else { throw AxonError(.outOfMemory, "\(what()): a length of \(count) bytes") }
        guard count >= checkedAllocationBytes else { return }
        #if canImport(Glibc)
        let anonymous = MAP_ANONYMOUS
        #else
        let anonymous = MAP_ANON
        #endif
        let probe = mmap(nil, count, PROT_READ | PROT_WRITE, MAP_PRIVATE | anonymous, -1, 0)
        guard let probe, probe != UnsafeMutableRawPointer(bitPattern: -1) else {
            throw AxonError(.outOfMemory, "\(what()): cannot allocate \(count) bytes")
        }
        munmap(probe, count)
    }

    /// `count` bytes that `fill` initializes, or OUT_OF_MEMORY naming `what`.
    static func bytes(count: Int, for what: @autoclosure () -> String,
                      _ fill: (UnsafeMutableRawBufferPointer) throws -> Void) throws -> [UInt8] {
        try checkAllocation(count, for: what())
        return try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            try fill(UnsafeMutableRawBufferPointer(buffer))
            initialized = count
        }
    }
}

/// A regular file open for reading, with its size; closed when released.
final class ReadableFile {
    let path: FilePath
    let size: Int
    private let fd: Int32

    /// Opens `path` for reading if it is a regular file; IO status otherwise (never blocks on a
    /// FIFO or a device).
    init(_ path: FilePath) throws {
        self.path = path
        let fd = try path.withCString { open($0, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY) }
        guard fd >= 0 else { throw AxonError(.io, "cannot open '\(path)': \(systemError())") }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let message = systemError()
            close(fd)
            throw AxonError(.io, "cannot stat '\(path)': \(message)")
        }
        guard let kind = ReadableFile.nonRegularKind(info.st_mode) else {
            // A regular file: blocking reads from here on.
            let flags = fcntl(fd, F_GETFL)
            guard flags >= 0, fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == 0 else {
                let message = systemError()
                close(fd)
                throw AxonError(.io, "cannot read '\(path)': \(message)")
            }
            self.fd = fd
            size = Int(info.st_size)
            return
        }
        close(fd)
        throw AxonError(.io, "'\(path)' is \(kind), not a regular file")
    }

    deinit { close(fd) }

    /// What a file of mode `mode` is, when it is not a regular file ("a directory", ...).
    static func nonRegularKind(_ mode: mode_t) -> String? {
        switch mode & 0o170000 {
        case 0o100000: return nil
        case 0o040000: return "a directory"
        case 0o010000: return "a FIFO"
        case 0o020000: return "a character device"
        case 0o060000: return "a block device"
        case 0o140000: return "a socket"
        default: return "not a regular file"
        }
    }

    /// `count` bytes from `offset`, which must lie inside the file as `fstat` saw it.
    func read(at offset: Int, count: Int) throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= size, count <= size - offset else {
            throw AxonError(.format, "'\(path)': \(count) bytes at offset \(offset) lie outside its \(size) bytes")
        }
        return try FileIO.bytes(count: count, for: "reading '\(path)'") { buffer in
            try fill(buffer, from: offset)
        }
    }

    /// The CRC-32 of `count` bytes from `offset`, read in pieces (nothing of that size is
    /// allocated).
    func checksum(at offset: Int, count: Int) throws -> UInt32 {
        guard offset >= 0, count >= 0, offset <= size, count <= size - offset else {
            throw AxonError(.format, "'\(path)': \(count) bytes at offset \(offset) lie outside its \(size) bytes")
        }
        var crc: UInt32 = 0, done = 0
        var chunk = [UInt8](repeating: 0, count: Swift.min(count, 1 << 20))
        while done < count {
            let n = Swift.min(chunk.count, count - done)
            try chunk.withUnsafeMutableBytes { try fill(UnsafeMutableRawBufferPointer(rebasing: $0[0..<n]),
                                                        from: offset + done) }
            crc = CRC32.checksum(chunk[0..<n], initial: crc)
            done += n
        }
        return crc
    }

    /// Fills `buffer` with the bytes from `offset`; IO status when the file ends first.
    private func fill(_ buffer: UnsafeMutableRawBufferPointer, from offset: Int) throws {
        guard let base = buffer.baseAddress else { return }
        var done = 0
        while done < buffer.count {
            let n = pread(fd, base + done, buffer.count - done, off_t(offset + done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let reason = n < 0 ? systemError() : "the file is shorter than when it was opened"
                throw AxonError(.io, "reading '\(path)' stopped after \(done) of \(buffer.count) bytes at offset "
                                + "\(offset): \(reason)")
            }
            done += n
        }
    }
}
