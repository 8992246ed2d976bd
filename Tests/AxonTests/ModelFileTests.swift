import Foundation
import Testing
@testable import Axon

@Suite("Model file")
struct ModelFileTests {
    /// A small trained model with BatchNorm statistics and a dropout stream in use.
    func trainedModel() throws -> Sequential {
        var g = PRNG(seed: 3)
        let model = Sequential(try Linear(4, 6, generator: &g), try BatchNorm1d(6), ReLU(), try Dropout(p: 0.3),
                               Residual(Sequential(try Linear(6, 6, generator: &g), Tanh())),
                               try Linear(6, 2, generator: &g))
        model.reseed(11)
        let opt = try SGD(model.parameters(), options: .init(learningRate: 0.1))
        for _ in 0..<3 {
            let x = try Tensor.normal([8, 4], generator: &g)
            let loss = try model(x).pow(2).mean()
            opt.zeroGrad()
            try loss.backward()
            try opt.step()
        }
        return model
    }

    @Test func roundTripKeepsEverything() throws {
        let model = try trainedModel()
        let bytes = try ModelFile.encode(model, metadata: [("dataset", "synthetic"), ("epochs", "3")])
        let loaded = try ModelFile.decode(bytes)
        #expect(loaded.model.spec == model.spec)
        #expect(loaded.model.stateDict().map(\.name) == model.stateDict().map(\.name))
        for (a, b) in zip(loaded.model.stateDict(), model.stateDict()) {
            #expect(a.tensor.scalars.map(\.bitPattern) == b.tensor.scalars.map(\.bitPattern), "\(a.name)")
        }
        #expect(loaded.model.training == model.training)
        #expect(loaded.metadata.map(\.key) == ["dataset", "epochs"]
                && loaded.metadata.map(\.value) == ["synthetic", "3"])
        // The dropout stream continues where it was: the next training outputs are identical.
        let x = try Tensor.ones([5, 4])
        #expect(try loaded.model(x).scalars == model(x).scalars)
        model.eval(); loaded.model.eval()
        #expect(try loaded.model(x).scalars == model(x).scalars)
        #expect(try ModelFile.encode(loaded.model, metadata: [("dataset", "synthetic"), ("epochs", "3")])
                == ModelFile.encode(model, metadata: [("dataset", "synthetic"), ("epochs", "3")]))
    }

    @Test func everyFlippedByteOrTruncationIsRejected() throws {
        var g = PRNG(seed: 1)
        let small = Sequential(try Linear(2, 3, generator: &g), try BatchNorm1d(3), try Dropout(p: 0.1))
        let bytes = try ModelFile.encode(small, metadata: [("k", "v")])
        for i in 0..<bytes.count {
            var corrupt = bytes
            corrupt[i] ^= 0x10
            #expect(throws: AxonError.self, "byte \(i) flipped") { try ModelFile.decode(corrupt) }
        }
        for n in 0..<bytes.count {
            #expect(throws: AxonError.self, "truncated to \(n)") { try ModelFile.decode(Array(bytes[0..<n])) }
        }
    }

    @Test func unknownSectionsAndNewerVersions() throws {
        var g = PRNG(seed: 2)
        let model = Sequential(try Linear(2, 2, generator: &g))
        let base = try AxonFile.decode(ModelFile.encode(model), knownVersions: ModelFile.known)
        // An optional section from a newer writer is skipped.
        var extra = base
        extra.sections.append(AxonFile.Section(tag: "FUTR", required: false, payload: [1, 2, 3]))
        #expect(try ModelFile.decode(extra.encoded()).model.parameterCount == 6)
        // A required one is refused with a clear message.
        var required = base
        required.sections.append(AxonFile.Section(tag: "FUTR", required: true, payload: []))
        #expect(throws: AxonError.self) { try ModelFile.decode(required.encoded()) }
        // So is a newer required layout of a known section, and a newer format version.
        var newerSection = base
        newerSection.sections[1].version = 2
        #expect(throws: AxonError.self) { try ModelFile.decode(newerSection.encoded()) }
        var newerFile = try base.encoded()
        newerFile[8] = 2
        let tableEnd = 16 + 32 * base.sections.count
        let crc = CRC32.checksum(newerFile[0..<tableEnd])
        for k in 0..<4 { newerFile[tableEnd + k] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(k))) }
        do {
            _ = try ModelFile.decode(newerFile)
            Issue.record("a newer format version was accepted")
        } catch let e as AxonError {
            #expect(e.message.contains("newer"))
        }
    }

    @Test func hostileSizesDoNotAllocate() throws {
        // A parameter list claiming a 2^31 x 2^31 tensor with a valid CRC: refused before
        // any allocation.
        var w = ByteWriter()
        w.u32(1); w.string("0.weight"); w.u8(2); w.u64(1 << 31); w.u64(1 << 31)
        let file = AxonFile(sections: [
            AxonFile.Section(tag: "ARCH", required: true, payload: Array("linear 2 2".utf8)),
            AxonFile.Section(tag: "PARM", required: true, payload: w.bytes),
        ])
        #expect(throws: AxonError.self) { try ModelFile.decode(file.encoded()) }
        var count = ByteWriter()
        count.u32(UInt32.max)
        let many = AxonFile(sections: [
            AxonFile.Section(tag: "ARCH", required: true, payload: Array("relu".utf8)),
            AxonFile.Section(tag: "PARM", required: true, payload: count.bytes),
        ])
        #expect(throws: AxonError.self) { try ModelFile.decode(many.encoded()) }
        #expect(throws: AxonError.self) { try ModelFile.decode(Array(repeating: 0, count: 10)) }
    }

    @Test func savesAtomicallyAndLoadsFromDisk() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("axon-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("model.axon").path
        let model = try trainedModel()
        try ModelFile.save(model, to: path)
        try ModelFile.save(model, to: path)   // over an existing file
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["model.axon"])
        let loaded = try ModelFile.load(path)
        #expect(loaded.model.parameters().flatMap(\.scalars) == model.parameters().flatMap(\.scalars))
        // A save that cannot complete leaves the previous file untouched.
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: AxonError.self) {
            try ModelFile.save(model, to: dir.appendingPathComponent("missing/model.axon").path)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(throws: AxonError.self) { try ModelFile.load(dir.appendingPathComponent("absent.axon").path) }
    }
}

@Suite("Hostile model files")
struct HostileModelFileTests {
    /// Sections with random bytes changed and valid CRCs (so the section parsers, not the
    /// checksums, meet the damage): every load throws an AxonError or succeeds; none traps.
    @Test func mutatedSectionsWithValidChecksums() throws {
        var g = PRNG(seed: 21)
        let model = Sequential(try Linear(3, 4, generator: &g), try BatchNorm1d(4), try Dropout(p: 0.2),
                               Residual(Tanh()))
        let good = try AxonFile.decode(ModelFile.encode(model, metadata: [("a", "b")]), knownVersions: ModelFile.known)
        var loaded = 0, refused = 0
        for _ in 0..<3000 {
            var file = good
            let s = g.nextInt(below: file.sections.count)
            var payload = file.sections[s].payload
            for _ in 0..<(1 + g.nextInt(below: 4)) where !payload.isEmpty {
                payload[g.nextInt(below: payload.count)] = UInt8(truncatingIfNeeded: g.next())
            }
            if g.nextFloat() < 0.2 { payload = Array(payload.prefix(g.nextInt(below: payload.count + 1))) }
            file.sections[s].payload = payload
            do {
                _ = try ModelFile.decode(file.encoded())
                loaded += 1
            } catch is AxonError {
                refused += 1
            }
        }
        #expect(refused > 1000, "loaded \(loaded), refused \(refused)")
    }

    @Test func randomBytesAreRefused() {
        var g = PRNG(seed: 22)
        for _ in 0..<2000 {
            var bytes = (0..<g.nextInt(below: 200)).map { _ in UInt8(truncatingIfNeeded: g.next()) }
            if g.nextFloat() < 0.5 { bytes = AxonFile.magic + bytes }
            #expect(throws: AxonError.self) { try ModelFile.decode(bytes) }
        }
    }
}

extension HostileModelFileTests {
    @Test func anArchitectureLargerThanItsDataIsRefusedBeforeBuilding() throws {
        var g = PRNG(seed: 1)
        let good = try AxonFile.decode(ModelFile.encode(Sequential(try Linear(2, 2, generator: &g))),
                                       knownVersions: ModelFile.known)
        var hostile = good
        hostile.sections[0].payload = Array("linear 100000 100000".utf8)   // 40 GB if built
        do {
            _ = try ModelFile.decode(hostile.encoded())
            Issue.record("accepted")
        } catch let e as AxonError {
            #expect(e.message.contains("stored values"), "\(e)")
        }
        // Every built-in kind's count agrees with what it really holds.
        let spec = try LayerSpec.parse("""
            conv2d 3 8 3 groups=1; batchnorm2d 8; instancenorm2d 8 affine=true track=true; groupnorm 2 8
            layernorm 4x5; linear 20 12 bias=false; weightnorm { linear 4 2 }; weightnorm { conv2d 2 4 3 }; \
            residual { linear 4 4; tanh }
            batchnorm1d 3 affine=false; dropout 0.1
            """)
        let model = try spec.build(generator: &g)
        #expect(try spec.stateElementCount() == model.stateDict().reduce(0) { $0 + $1.tensor.count })
    }
}
