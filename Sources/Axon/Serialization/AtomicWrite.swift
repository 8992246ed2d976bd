import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension AxonFile {
    /// Writes `bytes` to `path` atomically, so that `path` always holds either the previous
    /// file or the whole new one, whatever happens during the save (a crash, a kill, a full
    /// disk, another thread saving to the same path):
    ///
    /// - the bytes go to a new temporary file in the target's directory, created exclusively
    ///   under a unique name (`.<name>.axon-tmp-<pid>-<thread>-<counter>-<random>`), flushed
    ///   to disk, then renamed over the target; the directory is flushed after the rename;
    /// - a path that is a symbolic link is followed: its final target is replaced and the link
    ///   stays as it is;
    /// - a file that is replaced keeps its permission mode (and, where the system allows, its
    ///   owner and group); a new file gets mode 0644 minus the process's umask;
    /// - a file that is read-only (no write permission bit at all, or none for the calling
    ///   user), a directory, or anything else that is not a regular file is not replaced: the
    ///   IO status, and nothing changes;
    /// - every failure removes the temporary file and leaves the target as it was;
    /// - temporaries that earlier saves to the same target left behind when their process was
    ///   killed are removed first (see `removeOrphanedTemporaries(of:)`).
    ///
    /// Two saves to one path at once both succeed; the one renamed last is the file. A target
    /// with several hard links gets a file of its own (the other names keep the old bytes).
    public static func writeAtomically(_ bytes: [UInt8], to path: some FilePathConvertible) throws {
        try AtomicWrite.save(bytes, to: path.filePath)
    }

    /// Removes the temporary files that saves to `path` (after following symbolic links) left
    /// in its directory when they were stopped before finishing: those of a process that no
    /// longer runs, and those older than a minute (a save in progress in this process is never
    /// touched). Returns how many were removed. Every save does this first.
    @discardableResult
    public static func removeOrphanedTemporaries(of path: some FilePathConvertible) throws -> Int {
        AtomicWrite.removeOrphans(of: try AtomicWrite.resolveSymbolicLinks(path.filePath))
    }
}

/// The steps of `AxonFile.writeAtomically`, with what tests need to make each one fail.
enum AtomicWrite {
    enum Step: Sendable { case create, write, sync, rename }

    /// For tests: a save whose (resolved) target is a key fails at that step as if the system
    /// had reported an I/O error.
    static let injectedFailures = Mutex<[FilePath: Step]>([:])
    /// The temporaries this process is writing now.
    private static let inProgress = Mutex<Set<FilePath>>([])
    private static let counter = Atomic<UInt64>(0)
    /// What follows the target's name in the name of its temporaries.
    static let marker = Array(".axon-tmp-".utf8)

    static func save(_ bytes: [UInt8], to path: FilePath) throws {
        guard !path.bytes.isEmpty, path.bytes.last != UInt8(ascii: "/") else {
            throw AxonError(.io, "cannot save to '\(path)': the path names no file")
        }
        let target = try resolveSymbolicLinks(path)
        let existing = try replaceableFile(target)
        removeOrphans(of: target)
        let (temporary, fd) = try createTemporary(for: target, mode: existing == nil ? 0o644 : 0o600)
        var fdOpen = true, renamed = false
        defer {
            if fdOpen { close(fd) }
            if !renamed { _ = try? temporary.withCString { unlink($0) } }
            _ = inProgress.withLock { $0.remove(temporary) }
        }
        try writeAll(bytes, to: fd, temporary, target)
        if let existing {
            var info = stat()
            if fstat(fd, &info) == 0, info.st_uid != existing.st_uid || info.st_gid != existing.st_gid {
                _ = fchown(fd, existing.st_uid, existing.st_gid)   // as the system allows
            }
            guard fchmod(fd, existing.st_mode & 0o7777) == 0 else {
                throw AxonError(.io, "cannot set the mode of '\(temporary)': \(systemError())")
            }
        }
        guard !failing(.sync, target), fsync(fd) == 0 else {
            throw AxonError(.io, "flushing '\(temporary)' failed: \(failureText(.sync, target))")
        }
        fdOpen = false
        guard close(fd) == 0 else { throw AxonError(.io, "closing '\(temporary)' failed: \(systemError())") }
        let moved = try !failing(.rename, target) && temporary.withCString { from in
            try target.withCString { to in rename(from, to) == 0 }
        }
        guard moved else {
            throw AxonError(.io, "cannot rename '\(temporary)' to '\(target)': \(failureText(.rename, target))")
        }
        renamed = true
        // Make the rename itself durable.
        if let dfd = try? target.directory.withCString({ open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }),
           dfd >= 0 {
            _ = fsync(dfd)
            close(dfd)
        }
    }

    /// The file a save to `path` replaces or creates: `path` with every symbolic link followed
    /// (relative links from the link's directory), even when the last one dangles.
    static func resolveSymbolicLinks(_ path: FilePath) throws -> FilePath {
        var current = path
        for _ in 0..<40 {
            var info = stat()
            guard try current.withCString({ lstat($0, &info) }) == 0 else {
                if errno == ENOENT { return current }
                throw AxonError(.io, "cannot stat '\(current)': \(systemError())")
            }
            guard info.st_mode & 0o170000 == 0o120000 else { return current }
            var buffer = [UInt8](repeating: 0, count: 4097)
            let n = try current.withCString { link in
                buffer.withUnsafeMutableBufferPointer { b in
                    b.withMemoryRebound(to: CChar.self) { chars in
                        chars.baseAddress.map { readlink(link, $0, chars.count) } ?? -1
                    }
                }
            }
            guard n >= 0, n < buffer.count else {
                throw AxonError(.io, "cannot read the symbolic link '\(current)': \(systemError())")
            }
            let link = FilePath(bytes: Array(buffer[0..<n]))
            current = link.isAbsolute ? link : current.directory.appending(link.bytes)
        }
        throw AxonError(.io, "'\(path)': too many levels of symbolic links")
    }

    /// The status of the file at `target` when there is one; IO status when it may not be
    /// replaced (not a regular file, or read-only).
    static func replaceableFile(_ target: FilePath) throws -> stat? {
        var info = stat()
        guard try target.withCString({ stat($0, &info) }) == 0 else {
            if errno == ENOENT { return nil }
            throw AxonError(.io, "cannot stat '\(target)': \(systemError())")
        }
        if let kind = ReadableFile.nonRegularKind(info.st_mode) {
            throw AxonError(.io, "cannot save to '\(target)': it is \(kind), not a regular file")
        }
        let mode = String(info.st_mode & 0o7777, radix: 8)
        // The mode bits decide for every user (root too); the system's check adds this user's.
        let writable = try info.st_mode & 0o222 != 0
            && target.withCString { faccessat(AT_FDCWD, $0, W_OK, AT_EACCESS) } == 0
        guard writable else {
            throw AxonError(.io, "'\(target)' is read-only (mode \(mode)); it is not replaced")
        }
        return info
    }

    /// The start of the names of `target`'s temporaries: "." + its name + ".axon-tmp-" (the
    /// name cut to 160 bytes, so that the whole name fits in 255).
    static func temporaryPrefix(of target: FilePath) -> [UInt8] {
        [UInt8(ascii: ".")] + target.lastComponent.prefix(160) + marker
    }

    /// A new, empty temporary beside `target`, open for writing, created exclusively.
    private static func createTemporary(for target: FilePath, mode: mode_t) throws -> (FilePath, Int32) {
        let prefix = temporaryPrefix(of: target)
        for _ in 0..<16 {
            #if canImport(Glibc)
            let thread = UInt(pthread_self())
            #else
            let thread = UInt(bitPattern: pthread_self())
            #endif
            let unique = "\(getpid())-\(String(thread, radix: 16))-\(counter.add(1, ordering: .relaxed).newValue)-"
                + String(UInt64.random(in: .min ... .max), radix: 16)
            let temporary = target.directory.appending(prefix + Array(unique.utf8))
            inProgress.withLock { _ = $0.insert(temporary) }
            let fd = failing(.create, target)
                ? -1 : try temporary.withCString { open($0, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode) }
            if fd >= 0 { return (temporary, fd) }
            let code = failing(.create, target) ? EIO : errno
            _ = inProgress.withLock { $0.remove(temporary) }
            guard code == EEXIST else {
                throw AxonError(.io, "cannot create a temporary file in '\(target.directory)' to save '\(target)': "
                                + String(cString: strerror(code)))
            }
        }
        throw AxonError(.io, "cannot create a temporary file with a unique name in '\(target.directory)'")
    }

    private static func writeAll(_ bytes: [UInt8], to fd: Int32, _ temporary: FilePath, _ target: FilePath) throws {
        try bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var written = 0
            while written < raw.count {
                let n = failing(.write, target) ? -1 : write(fd, base + written, raw.count - written)
                if n < 0 && errno == EINTR && !failing(.write, target) { continue }
                guard n > 0 else {
                    throw AxonError(.io, "writing '\(temporary)' failed after \(written) of \(raw.count) bytes: "
                                    + failureText(.write, target))
                }
                written += n
            }
        }
    }

    /// Removes `target`'s orphaned temporaries (see `AxonFile.removeOrphanedTemporaries`).
    @discardableResult
    static func removeOrphans(of target: FilePath) -> Int {
        let directory = target.directory, prefix = temporaryPrefix(of: target)
        guard let dir = try? directory.withCString({ opendir($0) }) else { return 0 }
        var names: [[UInt8]] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: &entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if name.starts(with: prefix) { names.append(name) }
        }
        closedir(dir)
        var removed = 0
        for name in names {
            let temporary = directory.appending(name)
            guard isOrphan(temporary, suffix: name.dropFirst(prefix.count)) else { continue }
            if (try? temporary.withCString { unlink($0) }) == 0 { removed += 1 }
        }
        return removed
    }

    /// Whether a temporary named `<pid>-<thread>-<counter>-<random>` after its prefix is a
    /// regular file that no running save writes: not one of this process's saves in progress,
    /// and of a process that has ended or older than a minute.
    private static func isOrphan(_ temporary: FilePath, suffix: ArraySlice<UInt8>) -> Bool {
        let fields = suffix.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard fields.count == 4, fields.allSatisfy({ !$0.isEmpty && $0.count <= 20 }),
              let pid = Int32(String(decoding: fields[0], as: UTF8.self)), pid > 0 else { return false }
        guard !inProgress.withLock({ $0.contains(temporary) }) else { return false }
        var info = stat()
        guard (try? temporary.withCString({ lstat($0, &info) })) == 0, info.st_mode & 0o170000 == 0o100000 else {
            return false
        }
        let ended = pid == getpid() || (kill(pid, 0) != 0 && errno == ESRCH)
        #if canImport(Glibc)
        let modified = info.st_mtim.tv_sec
        #else
        let modified = info.st_mtimespec.tv_sec
        #endif
        return ended || time(nil) - modified > 60
    }

    private static func failing(_ step: Step, _ target: FilePath) -> Bool {
        injectedFailures.withLock { $0[target] == step }
    }

    /// The reason a step failed: the injected error or the system's.
    private static func failureText(_ step: Step, _ target: FilePath) -> String {
        failing(step, target) ? String(cString: strerror(EIO)) : systemError()
    }
}
