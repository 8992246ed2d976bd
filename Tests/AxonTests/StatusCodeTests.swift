import Foundation
import Testing
@testable import Axon

/// `AxonError.Kind` is the table of status codes; include/axon.h must list the same codes.
@Suite("Status codes")
struct StatusCodeTests {
    @Test func theHeaderListsEveryKindWithItsCode() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let header = try String(contentsOf: root.appendingPathComponent("include/axon.h"), encoding: .utf8)
        let start = try #require(header.range(of: "typedef enum axon_status {"))
        let end = try #require(header.range(of: "} axon_status;", range: start.upperBound..<header.endIndex))
        // "AXON_ERR_SHAPE = 2," -> 2
        let codes = header[start.upperBound..<end.lowerBound].split(separator: "\n").compactMap { line -> Int32? in
            let parts = line.split(separator: "=")
            guard parts.count == 2, parts[0].contains("AXON_") else { return nil }
            return Int32(parts[1].trimmingCharacters(in: CharacterSet(charactersIn: " ,")))
        }
        let kinds = (1...64).compactMap { AxonError.Kind(rawValue: $0)?.rawValue }
        #expect(codes == [0] + kinds)
        #expect(kinds.count == 10)
    }
}
