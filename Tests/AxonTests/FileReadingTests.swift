import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import Axon

/// What the loaders of `.axon` and IDX files refuse, and with which status: files that are not
/// regular files (without blocking), files whose header is wrong (after reading only it),
/// files larger than memory, and sections that are damaged, known or not.
@Suite("Reading files")
struct FileReadingTests {
    final class Outcome: @unchecked Sendable {
        var error: (any Error)?
    }

    /// Every loader that takes a path, each making what it needs itself.
    static let loaders: [(String, @Sendable (String) throws -> Void)] = [
        ("model load", { _ = try ModelFile.load($0) }),
        ("checkpoint restore", { try Checkpoint.restore(from: $0, model: Sequential(ReLU())) }),
        ("tensor-file load", { _ = try TensorFile.load($0) }),
        ("IDX load", { _ = try IDX.load($0) }),
    ]

    @Test func fifoLoadReturnsPromptlyWithAnError() throws {
        let dir = try TemporaryDirectory()
        let fifo = dir.file("pipe.axon")
        try #require(mkfifo(fifo, 0o600) == 0)
        for (what, load) in FileReadingTests.loaders {
            let outcome = Outcome()
            let start = DispatchTime.now()
            let prompt = finishes(within: 3, unblock: {
                // A writer lets a reader blocked in open() go on (and see the end of the pipe).
                let fd = open(fifo, O_WRONLY | O_NONBLOCK)
                if fd >= 0 { close(fd) }
            }) {
                do { try load(fifo) } catch { outcome.error = error }
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
            #expect(prompt, "\(what) blocked on a FIFO")
            #expect(seconds < 1, "\(what) took \(seconds) s")
            let error = outcome.error as? AxonError
            #expect(error?.kind == .io, "\(what): \(String(describing: outcome.error))")
            #expect(error?.message.contains("is a FIFO, not a regular file") == true, "\(String(describing: error))")
        }
    }

    @Test func directoryAndDeviceAreRefusedWithTheIOStatus() throws {
        let dir = try TemporaryDirectory()
        for (path, kind) in [(dir.path, "a directory"), ("/dev/null", "a character device")] {
            for (what, load) in FileReadingTests.loaders {
                do {
                    try load(path)
                    Issue.record("\(what) accepted \(path)")
                } catch let e as AxonError {
                    #expect(e.kind == .io && e.message.contains("is \(kind), not a regular file"), "\(what): \(e)")
                }
            }
            #expect(throws: AxonError(.io, "'\(path)' is \(kind), not a regular file")) { try FileIO.read(path) }
        }
    }

    /// A 4 GiB sparse file: reading it all would take seconds and 4 GiB of memory.
    func sparseFile(_ path: String, header: [UInt8], size: off_t = 4 << 30) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try #require(fd >= 0)
        defer { close(fd) }
        try #require(header.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == header.count)
        try #require(ftruncate(fd, size) == 0)
    }

    @Test func sparseLargeFileWithBadMagicIsRefusedAfterItsHeader() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("big.axon")
        try sparseFile(path, header: Array("not an axon file".utf8))
        // A right magic and a table whose CRC is wrong, with a section of the whole file.
        var w = ByteWriter()
        w.bytes = AxonFile.magic
        w.u32(1); w.u32(1)
        w.bytes += Array("PARM".utf8); w.u32(1); w.u32(1); w.u32(0); w.u64(52); w.u64((4 << 30) - 52)
        w.u32(0xDEAD_BEEF)
        let badTable = dir.file("badtable.axon")
        try sparseFile(badTable, header: w.bytes)
        let before = try #require(bytesReadByProcess())
        let start = DispatchTime.now()
        for (what, load) in FileReadingTests.loaders.prefix(3) {
            for (file, expected) in [(path, "bad magic bytes"), (badTable, "section table is corrupt")] {
                do {
                    try load(file)
                    Issue.record("\(what) accepted \(file)")
                } catch let e as AxonError {
                    #expect(e.kind == .format && e.message.contains(expected), "\(what): \(e)")
                }
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        let read = try #require(bytesReadByProcess()) - before
        // Other tests read files at the same time, but far less than one of these files.
        #expect(read < 256 << 20, "read \(read) bytes")
        #expect(seconds < 1, "\(seconds) s")
    }

    /// The memory and swap of this machine, in bytes, and whether allocations beyond it fail
    /// (they do unless the kernel overcommits without limit).
    static func memoryLimit() -> Int? {
        guard let mode = try? String(contentsOfFile: "/proc/sys/vm/overcommit_memory", encoding: .utf8),
              mode.trimmingCharacters(in: .whitespacesAndNewlines) != "1",
              let info = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return nil }
        var total = 0
        for line in info.split(separator: "\n") where line.hasPrefix("MemTotal:") || line.hasPrefix("SwapTotal:") {
            total += (Int(line.split(separator: " ")[1]) ?? 0) * 1024
        }
        return total
    }

    @Test func fileLargerThanMemoryIsOutOfMemory() throws {
        guard let memory = FileReadingTests.memoryLimit() else { return }   // allocations never fail here
        let length = 2 * memory
        for (tag, arch) in [("PARM", "relu"), ("TENS", nil)] {
            // A valid header and table whose section is larger than memory.
            var file = AxonFile(sections: [AxonFile.Section(tag: tag, required: true, payload: [])])
            if let arch { file.sections.insert(AxonFile.Section(tag: "ARCH", required: true, payload: Array(arch.utf8)),
                                               at: 0) }
            var bytes = try file.encoded()
            let tableEnd = 16 + 32 * file.sections.count
            let entry = tableEnd - 32
            for k in 0..<8 { bytes[entry + 24 + k] = UInt8(truncatingIfNeeded: UInt64(length) >> (8 * UInt64(k))) }
            let crc = CRC32.checksum(bytes[0..<tableEnd])
            for k in 0..<4 { bytes[tableEnd + k] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(k))) }
            let dir = try TemporaryDirectory()
            let path = dir.file("huge.axon")
            try sparseFile(path, header: bytes, size: off_t(bytes.count + length))
            do {
                if arch == nil { _ = try TensorFile.load(path) } else { _ = try ModelFile.load(path) }
                Issue.record("a \(length)-byte section was read")
            } catch let e as AxonError {
                #expect(e.kind == .outOfMemory && e.message.contains("'\(tag)'"), "\(e)")
            }
        }
    }

    func modelFile() throws -> AxonFile {
        var g = PRNG(seed: 5)
        let model = Sequential(try Linear(2, 3, generator: &g), try BatchNorm1d(3), try Dropout(p: 0.1))
        return try AxonFile.decode(ModelFile.encode(model, metadata: [("k", "v")]), knownVersions: ModelFile.known)
    }

    @Test func corruptUnknownOptionalSectionIsRefused() throws {
        let dir = try TemporaryDirectory()
        for (tag, version) in [("FUTR", UInt32(1)), ("MODE", UInt32(2))] {   // unknown, and newer than read
            var file = try modelFile()
            file.sections.removeAll { $0.tag == tag }
            file.sections.append(AxonFile.Section(tag: tag, required: false, version: version,
                                                  payload: [1, 2, 3, 4]))
            var bytes = try file.encoded()
            #expect(try ModelFile.decode(bytes).model.parameterCount == 15)   // intact: skipped
            bytes[bytes.count - 2] ^= 0x40   // the skipped section's payload, its CRC unchanged
            let path = dir.file("\(tag).axon")
            try AxonFile.writeAtomically(bytes, to: path)
            for result in [Result { try ModelFile.decode(bytes) }, Result { try ModelFile.load(path) }] {
                #expect(throws: AxonError.self) { try result.get() }
                if case .failure(let e as AxonError) = result {
                    #expect(e.kind == .format && e.message.contains("section '\(tag)' is corrupt"), "\(e)")
                }
            }
        }
    }

    /// `bytes` loaded from memory and from a file both fail with FORMAT, naming `tag`.
    func expectFormatError(_ bytes: [UInt8], naming tag: String, _ load: (String) throws -> Void,
                           _ decode: ([UInt8]) throws -> Void,
                           sourceLocation: SourceLocation = #_sourceLocation) throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("file.axon")
        try AxonFile.writeAtomically(bytes, to: path)
        for how in ["decode", "load"] {
            do {
                if how == "decode" { try decode(bytes) } else { try load(path) }
                Issue.record("\(how): a damaged '\(tag)' was accepted", sourceLocation: sourceLocation)
            } catch let e as AxonError {
                #expect(e.kind == .format && e.message.contains("'\(tag)'"), "\(how): \(e)",
                        sourceLocation: sourceLocation)
            }
        }
    }

    @Test func corruptModelSectionsOfEachKindReportFormat() throws {
        let file = try modelFile()
        let damage: [(String, (inout [UInt8]) -> Void)] = [
            ("ARCH", { $0 = Array("linear 2 3 bias=maybe".utf8) }),
            ("ARCH", { $0 = Array("linear 2 4; batchnorm1d 4; dropout 0.1".utf8) }),
            ("PARM", { $0.removeLast() }),
            ("PARM", { $0[0] += 1 }),
            ("PARM", { $0[8] = UInt8(ascii: "x") }),   // a name no layer has
            ("BUFF", { $0.removeLast() }),
            ("MODE", { $0 = [2] }),
            ("MODE", { $0 = [] }),
            ("RNGS", { $0.removeLast() }),
            ("RNGS", { $0.append(0) }),
            ("META", { $0.removeLast() }),
            ("META", { $0[3] = 0x7F }),
        ]
        for (tag, change) in damage {
            try expectFormatError(try encodedWithPayload(file, tag: tag, change), naming: tag,
                                  { _ = try ModelFile.load($0) }, { _ = try ModelFile.decode($0) })
        }
    }

    @Test func corruptTensorFileSectionsReportFormat() throws {
        let file = try AxonFile.decode(TensorFile.encode([("w", try Tensor.ones([2, 2]))], text: "t"),
                                       knownVersions: TensorFile.known)
        let twice = TensorList.encoded([("w", try Tensor.ones([1])), ("w", try Tensor.ones([1]))])
        let damage: [(String, (inout [UInt8]) -> Void)] = [
            ("TENS", { $0.removeLast() }), ("TENS", { $0 = twice }), ("TENS", { $0[4 + 4 + 1] = 17 }),
            ("META", { $0.removeLast() }), ("META", { $0.append(1) }),
        ]
        for (tag, change) in damage {
            try expectFormatError(try encodedWithPayload(file, tag: tag, change), naming: tag,
                                  { _ = try TensorFile.load($0) }, { _ = try TensorFile.decode($0) })
        }
    }

    /// Random damage to a section, its CRC made valid: every refusal is FORMAT and names it.
    @Test func mutatedSectionsAreFormatErrorsNamingTheSection() throws {
        var g = PRNG(seed: 31)
        let good = try modelFile()
        var refused = 0
        for _ in 0..<2000 {
            var file = good
            let s = g.nextInt(below: file.sections.count)
            var payload = file.sections[s].payload
            for _ in 0..<(1 + g.nextInt(below: 3)) where !payload.isEmpty {
                payload[g.nextInt(below: payload.count)] = UInt8(truncatingIfNeeded: g.next())
            }
            if g.nextFloat() < 0.2 { payload = Array(payload.prefix(g.nextInt(below: payload.count + 1))) }
            file.sections[s].payload = payload
            do {
                _ = try ModelFile.decode(file.encoded())
            } catch let e as AxonError {
                refused += 1
                #expect(e.kind == .format && e.message.contains("'\(file.sections[s].tag)'"), "\(e)")
            }
        }
        #expect(refused > 500)
    }
}
