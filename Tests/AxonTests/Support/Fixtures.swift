import Foundation
@testable import Axon

/// Reads the JSON fixtures that the generator scripts beside them wrote with PyTorch.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func load(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        guard let json = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw AxonError.invalid("fixture \(name) is not a JSON object")
        }
        return json
    }

    /// A `{"shape": [...], "data": [...]}` object as a tensor.
    static func tensor(_ value: Any?) throws -> Tensor {
        guard let object = value as? [String: Any], let shape = object["shape"] as? [Int],
              let data = object["data"] as? [Double] else {
            throw AxonError.invalid("fixture entry is not a tensor: \(String(describing: value))")
        }
        return try Tensor(data.map(Float.init), shape: shape)
    }
}
