/// The one error type every Axon operation throws.
///
/// `kind` is stable and maps 1:1 to the C door's `axon_status` codes; `message` names the
/// operation and the shapes involved, e.g. `matmul: inner dimensions differ: [2, 3] x [4, 5]`.
public struct AxonError: Error, CustomStringConvertible, Equatable {
    public enum Kind: Int32, Sendable {
        /// An argument is out of its domain (negative size, bad axis, NaN hyperparameter).
        case invalidArgument = 1
        /// Shapes do not agree (broadcasting, matmul, concat, ...).
        case shapeMismatch = 2
        /// The call is not valid in the current state (backward twice without retaining).
        case invalidState = 3
        /// An allocation failed or a size overflowed.
        case outOfMemory = 4
        /// A file could not be read or written.
        case io = 5
        /// A file is truncated, corrupt or of an unsupported version.
        case format = 6
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    static func invalid(_ message: String) -> AxonError { AxonError(.invalidArgument, message) }
    static func shape(_ message: String) -> AxonError { AxonError(.shapeMismatch, message) }
}
