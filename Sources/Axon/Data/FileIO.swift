#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads without Foundation, for datasets and model files.
public enum FileIO {
    /// The bytes of the file at `path`, refusing files larger than `maxBytes`.
    public static func read(_ path: String, maxBytes: Int = 1 << 32) throws -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw AxonError(.io, "cannot open '\(path)': \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw AxonError(.io, "cannot stat '\(path)'") }
        let size = Int(info.st_size)
        guard size >= 0, size <= maxBytes else {
            throw AxonError(.io, "'\(path)' is \(size) bytes, more than the limit \(maxBytes)")
        }
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        try bytes.withUnsafeMutableBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            while done < size {
                // Qualified: inside FileIO a bare `read` would name FileIO.read.
                #if canImport(Glibc)
                let n = Glibc.read(fd, base + done, size - done)
                #elseif canImport(Darwin)
                let n = Darwin.read(fd, base + done, size - done)
                #endif
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw AxonError(.io, "reading '\(path)' stopped after \(done) of \(size) bytes") }
                done += n
            }
        }
        return bytes
    }

    /// The file's bytes, gunzipped when the name ends in ".gz".
    public static func readMaybeGzip(_ path: String) throws -> [UInt8] {
        let bytes = try read(path)
        return path.hasSuffix(".gz") ? try Gzip.decompress(bytes) : bytes
    }
}
