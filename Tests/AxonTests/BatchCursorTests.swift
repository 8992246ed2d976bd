import Testing
@testable import Axon

/// `BatchCursor` (the C door's axon_loader): the same batches as `DataLoader.epoch()`, nil once
/// per epoch, huge batch sizes, and `IDX.load` recognizing gzip by content.
@Suite("Batch cursor")
struct BatchCursorTests {
    func data(_ n: Int) throws -> Dataset {
        let x = try Tensor((0..<(2 * n)).map(Float.init), shape: [n, 2])
        return try Dataset(features: x, targets: Tensor((0..<n).map(Float.init), shape: [n]))
    }

    @Test func readsTheLoadersEpochsWithOneNilBetween() throws {
        let dataset = try data(10)
        var loader = try DataLoader(dataset, batchSize: 3, shuffle: true, seed: 4)
        let cursor = try BatchCursor(dataset, batchSize: 3, shuffle: true, dropLast: false, seed: 4)
        for _ in 0..<3 {
            let expected = try loader.epoch().map(\.targets.scalars)
            var got: [[Float]] = []
            while let batch = try cursor.next() { got.append(batch.targets.scalars) }
            #expect(got == expected)
            #expect(cursor.batchesDone == 0)
        }
    }

    @Test func batchCountDoesNotOverflow() throws {
        let cursor = try BatchCursor(try data(5), batchSize: Int.max, shuffle: false, dropLast: false, seed: 0)
        #expect(cursor.batchCount == 1)
        #expect(try cursor.next()?.count == 5)
        #expect(try cursor.next() == nil)
    }

    @Test func idxLoadRejectsANonFiniteScale() throws {
        #expect(throws: AxonError.self) { try IDX.load("/nonexistent", scale: .nan) }
    }
}
