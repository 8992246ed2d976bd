import Foundation
import Testing
@testable import Axon

/// The cases the fuzzers of Tests/Fuzz found, each named after what went wrong; the inputs are
/// in Fixtures/fuzz (checkpoints with their checksums right, as the fuzzer repairs them). Each
/// must be refused with a FORMAT error, without allocating what the file asks for.
@Suite("Fuzzing regressions")
struct FuzzRegressionTests {
    static func input(_ name: String) throws -> [UInt8] {
        try FileIO.read(Fixtures.directory.appendingPathComponent("fuzz/\(name)").path)
    }

    /// The error `body` throws, which must be a FORMAT error.
    static func formatError(_ body: () throws -> Void) throws -> AxonError {
        let error = try #require(throws: AxonError.self, performing: body)
        #expect(error.kind == .format, "\(error)")
        return error
    }

    /// ReduceLROnPlateau's state gave 2.3 billion learning rates; reading them sized an array
    /// of 18 GB before the count was compared with the optimizer's one group.
    @Test func checkpointPlateauRateCount() throws {
        let bytes = try Self.input("checkpoint-plateau-rate-count.axon")
        var run = try FormatCompatibilityTests.Run()
        let error = try Self.formatError { try run.trainer.resume(bytes: bytes, loader: &run.loader) }
        // The count is compared with the bytes there before an array is made for it.
        #expect(error.message.contains("SCHD") && error.message.contains("truncated"), "\(error)")

        var w = ByteWriter()
        w.f64(1); w.u64(0); w.u64(0); w.u32(.max)
        var r = ByteReader(w.bytes, context: "scheduler state")
        let plateau = try ReduceLROnPlateau(run.trainer.optimizer)
        let direct = try Self.formatError { try plateau.read(from: &r) }
        #expect(direct.message.contains("needs \(8 * Int(UInt32.max)) more"), "\(direct)")
    }

    /// An LBFGS state with a history size of 2^40 and a vector of 2^40 floats (none present):
    /// the vector was made, 4 TiB, before its floats were looked for.
    @Test func checkpointLBFGSVectorLength() throws {
        let bytes = try Self.input("checkpoint-lbfgs-vector-length.axon")
        var g = PRNG(seed: 22)
        let model = try LayerSpec.parse("linear 3 5; batchnorm1d 5; relu; dropout 0.25; linear 5 2")
            .build(generator: &g)
        let optimizer = try LBFGS(model.parameters(), options: .init(maxIterations: 3, historySize: 2))
        let trainer = Trainer(model: model, optimizer: optimizer) { try crossEntropy($0, $1) }
        var loader = try DataLoader(try Dataset(features: Tensor.zeros([24, 3]), targets: Tensor.zeros([24])),
                                    batchSize: 5, seed: 25)
        _ = try Self.formatError { try trainer.resume(bytes: bytes, loader: &loader) }
        #expect(optimizer.options.historySize == 2, "a refused restore changed the optimizer")
        // The optimizer's own section alone: the vector's length is checked against the data.
        let file = try AxonFile.decode(bytes, knownVersions: Checkpoint.known)
        let payload = try #require(file.section("OPTM")).payload
        let direct = try Self.formatError { try optimizer.restore(checkpointPayload: payload) }
        #expect(direct.message.contains("needs \(4 << 40) more"), "\(direct)")
        #expect(optimizer.options.historySize == 2, "a refused restore changed the optimizer")
    }
}
