import Foundation
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import Axon

/// Saves (`AxonFile.writeAtomically` and every save built on it): modes kept, symbolic links
/// followed and kept, read-only files refused, concurrent saves to one path, failures that
/// leave no temporary file, orphaned temporaries removed, paths that are not UTF-8.
@Suite("Atomic saves")
struct AtomicSaveTests {
    func model(_ seed: UInt64) throws -> Sequential {
        var g = PRNG(seed: seed)
        return Sequential(try Linear(3, 8, generator: &g), try BatchNorm1d(8), try Dropout(p: 0.1),
                          try Linear(8, 2, generator: &g))
    }

    func bytes(_ path: String) throws -> [UInt8] { try FileIO.read(path) }

    @Test func replacedFileKeepsItsPermissionMode() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("model.axon")
        try ModelFile.save(model(1), to: path)
        let umask = try #require(currentUmask())
        #expect(permissionBits(path) == 0o644 & ~umask)
        for mode: mode_t in [0o600, 0o640, 0o604] {
            try #require(chmod(path, mode) == 0)
            try ModelFile.save(model(2), to: path)
            #expect(permissionBits(path) == mode)
            try TensorFile.save([("w", try Tensor.ones([2]))], to: path)
            try Checkpoint.save(to: path, model: model(3))
            #expect(permissionBits(path) == mode)
        }
        #expect(dir.entries == [Array("model.axon".utf8)])
        if geteuid() == 0 {   // only root may give a file away: its owner and group are kept too
            try #require(chown(path, 4321, 4322) == 0)
            try ModelFile.save(model(4), to: path)
            var info = stat()
            try #require(stat(path, &info) == 0)
            #expect(info.st_uid == 4321 && info.st_gid == 4322)
        }
    }

    @Test func symlinkIsKeptAndItsTargetUpdated() throws {
        let a = try TemporaryDirectory(), b = try TemporaryDirectory()
        let real = a.file("real.axon")
        try ModelFile.save(model(1), to: real)
        try #require(chmod(real, 0o600) == 0)
        let relative = b.file("relative.axon"), absolute = b.file("absolute.axon"), chain = b.file("chain.axon")
        let relativeTarget = "../\(URL(fileURLWithPath: a.path).lastPathComponent)/real.axon"
        try #require(symlink(relativeTarget, relative) == 0 && symlink(real, absolute) == 0
                     && symlink("relative.axon", chain) == 0)
        let links = [(relative, relativeTarget, UInt64(2)), (absolute, real, 3), (chain, "relative.axon", 4)]
        for (link, target, seed) in links {
            try ModelFile.save(model(seed), to: link)
            var info = stat()
            try #require(lstat(link, &info) == 0)
            #expect(info.st_mode & 0o170000 == 0o120000, "\(link) is no longer a link")
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
            #expect(try bytes(real) == ModelFile.encode(model(seed)))
            #expect(permissionBits(real) == 0o600)
        }
        // A link to a file that does not exist yet: the file is made where the link points.
        let dangling = b.file("dangling.axon")
        try #require(symlink(a.file("new.axon"), dangling) == 0)
        try ModelFile.save(model(5), to: dangling)
        #expect(try bytes(a.file("new.axon")) == ModelFile.encode(model(5)))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dangling) == a.file("new.axon"))
        #expect(a.temporaries.isEmpty && b.temporaries.isEmpty)
    }

    @Test func readOnlyFileIsRefusedAndUnchanged() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("model.axon")
        try ModelFile.save(model(1), to: path)
        let before = try bytes(path)
        for mode: mode_t in [0o444, 0o400, 0o000] {
            try #require(chmod(path, mode) == 0)
            let saves: [() throws -> Void] = [
                { try ModelFile.save(model(2), to: path) },
                { try Checkpoint.save(to: path, model: model(2)) },
                { try TensorFile.save([("w", try Tensor.ones([1]))], to: path) },
            ]
            for save in saves {
                do {
                    try save()
                    Issue.record("a read-only file (mode \(String(mode, radix: 8))) was replaced")
                } catch let e as AxonError {
                    #expect(e.kind == .io && e.message.contains("read-only"), "\(e)")
                }
            }
            try #require(chmod(path, 0o644) == 0)
            #expect(try bytes(path) == before)
            try #require(chmod(path, mode) == 0)
            #expect(permissionBits(path) == mode)
        }
        #expect(dir.entries == [Array("model.axon".utf8)])
        // Not a regular file: refused too, and left alone.
        #expect(throws: AxonError.self) { try ModelFile.save(model(2), to: dir.path) }
        #expect(dir.entries == [Array("model.axon".utf8)])
    }

    /// What the threads of the test below report.
    final class Tally: @unchecked Sendable {
        let lock = NSLock()
        var failures: [String] = []
        var goodLoads = 0, badLoads = 0
        var saving = 2

        func update<R>(_ body: (Tally) -> R) -> R {
            lock.lock()
            defer { lock.unlock() }
            return body(self)
        }
    }

    @Test func twoThreadsSavingToOnePathAllSucceed() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("shared.axon")
        let versions = [try ModelFile.encode(model(1)), try ModelFile.encode(model(2))]
        try AxonFile.writeAtomically(versions[0], to: path)
        let tally = Tally()
        let done = DispatchSemaphore(value: 0)
        let start = DispatchTime.now()
        for worker in 0..<2 {
            Thread.detachNewThread {
                for i in 0..<50 {
                    do {
                        try ModelFile.save(ModelFile.decode(versions[worker]).model, to: path)
                    } catch {
                        tally.update { $0.failures.append("thread \(worker) save \(i): \(error)") }
                    }
                }
                tally.update { $0.saving -= 1 }
                done.signal()
            }
        }
        Thread.detachNewThread {   // a reader: every load while the others save is one whole version
            while tally.update({ $0.saving }) > 0 {
                let ok = (try? FileIO.read(path)).map(versions.contains) ?? false
                tally.update { ok ? ($0.goodLoads += 1) : ($0.badLoads += 1) }
            }
            done.signal()
        }
        for _ in 0..<3 { done.wait() }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        #expect(tally.failures.isEmpty, "\(tally.failures)")
        #expect(tally.badLoads == 0 && tally.goodLoads > 0)
        #expect(versions.contains(try bytes(path)))
        #expect(try ModelFile.load(path).model.parameterCount == model(1).parameterCount)
        #expect(dir.entries == [Array("shared.axon".utf8)], "\(dir.temporaries)")
        print("two threads x 50 saves to one path: \(tally.failures.count) failed, "
              + "\(String(format: "%.2f", seconds)) s, \(tally.goodLoads) loads in between, all whole")
    }

    @Test func failingSaveLeavesNoTemporaryAndTheFileAsItWas() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("model.axon")
        try ModelFile.save(model(1), to: path)
        let before = try bytes(path)
        for step: AtomicWrite.Step in [.create, .write, .sync, .rename] {
            AtomicWrite.injectedFailures.withLock { $0[FilePath(path)] = step }
            defer { _ = AtomicWrite.injectedFailures.withLock { $0.removeValue(forKey: FilePath(path)) } }
            do {
                try ModelFile.save(model(2), to: path)
                Issue.record("a save failing at \(step) succeeded")
            } catch let e as AxonError {
                #expect(e.kind == .io && e.message.contains("Input/output error"), "\(step): \(e)")
            }
            #expect(try bytes(path) == before, "\(step)")
            #expect(dir.entries == [Array("model.axon".utf8)], "\(step): \(dir.temporaries)")
        }
        if geteuid() != 0 {   // root writes into any directory
            try #require(chmod(dir.path, 0o500) == 0)
            #expect(throws: AxonError.self) { try ModelFile.save(model(2), to: path) }
            try #require(chmod(dir.path, 0o755) == 0)
            #expect(try bytes(path) == before && dir.temporaries.isEmpty)
        }
        try ModelFile.save(model(2), to: path)   // the injections are gone
        #expect(try bytes(path) == ModelFile.encode(model(2)))
    }

    /// The pid of a process that has ended.
    func endedPid() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    @Test func orphanedTemporariesOfKilledSavesAreRemoved() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("model.axon")
        try ModelFile.save(model(1), to: path)
        let dead = try endedPid()
        let prefix = ".model.axon.axon-tmp-"
        let ended = "\(prefix)\(dead)-7f00-1-abc", old = "\(prefix)1-7f00-2-def"
        let kept = ["\(prefix)1-7f00-3-fed",     // a running process's, recent
                    "\(prefix)junk",              // not a name a save makes
                    ".other.axon.axon-tmp-\(dead)-1-1-1",   // another target's
                    "model.axon.axon-tmp-\(dead)-1-1-1"]    // no leading dot
        for name in [ended, old] + kept { try Data([1, 2, 3]).write(to: URL(fileURLWithPath: dir.file(name))) }
        var minutesAgo = [timeval(tv_sec: time(nil) - 120, tv_usec: 0), timeval(tv_sec: time(nil) - 120, tv_usec: 0)]
        try #require(utimes(dir.file(old), &minutesAgo) == 0)
        try #require(mkdir(dir.file("\(prefix)\(dead)-1-1-1"), 0o755) == 0)   // not a regular file
        #expect(try AxonFile.removeOrphanedTemporaries(of: path) == 2)
        let names = Set(dir.entries.map { String(decoding: $0, as: UTF8.self) })
        #expect(names == Set(kept + ["model.axon", "\(prefix)\(dead)-1-1-1"]))
        // A save removes them too.
        let again = dir.file("\(prefix)\(dead)-7f00-9-abc")
        try Data([1]).write(to: URL(fileURLWithPath: again))
        try ModelFile.save(model(2), to: path)
        #expect(!FileManager.default.fileExists(atPath: again))
    }

    @Test func pathThatIsNotUTF8RoundTrips() throws {
        let dir = try TemporaryDirectory()
        let name: [UInt8] = [0x61, 0xFF, 0x2E, 0x61, 0x78, 0x6F, 0x6E]   // a\xff.axon
        let path = FilePath(bytes: Array(dir.path.utf8) + [0x2F] + name)
        try ModelFile.save(model(1), to: path)
        #expect(dir.entries == [name])
        #expect(try ModelFile.load(path).model.stateDict().flatMap(\.tensor.scalars)
                == model(1).stateDict().flatMap(\.tensor.scalars))
        try Checkpoint.save(to: path, model: model(2))
        try Checkpoint.restore(from: path, model: model(3))
        try TensorFile.save([("w", try Tensor.ones([3]))], text: "t", to: path)
        #expect(try TensorFile.load(path).text == "t")
        #expect(dir.entries == [name])
        // The String form of the same path names another file (U+FFFD is not the byte 0xFF).
        #expect(throws: AxonError.self) { try TensorFile.load(path.description) }
        #expect(throws: AxonError.self) { try TensorFile.load(FilePath(bytes: path.bytes + [0, 0x61])) }
    }
}
