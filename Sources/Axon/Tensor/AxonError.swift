/// The one error type every Axon operation throws.
///
/// `kind` is stable and its raw values are the C door's `axon_status` codes (the table of
/// codes and their descriptions is this enum; include/axon.h is checked against it); `message` names the
/// operation and the shapes involved, e.g. `matmul: inner dimensions differ: [2, 3] x [4, 5]`.
public struct AxonError: Error, CustomStringConvertible, Equatable {
    public enum Kind: Int32, Sendable {
        /// An argument is out of its domain (negative size, bad axis, NaN hyperparameter).
        case invalidArgument = 1
        /// Shapes do not agree (broadcasting, matmul, concat, ...).
        case shapeMismatch = 2
        /// The call is not valid in the current state (backward twice without retaining).
        case invalidState = 3
        /// An allocation failed or a size overflowed (a file too large for memory, too).
        case outOfMemory = 4
        /// A file could not be read or written, is not a regular file, or may not be replaced.
        case io = 5
        /// A file is truncated, corrupt or of an unsupported version.
        case format = 6
        /// A bug in Axon, not in the caller (the C door reports anything that is not an
        /// `AxonError` with this code).
        case internalError = 7
        /// A loss, gradient or update is NaN or infinite; the training step that met it was
        /// undone (weights, buffers and optimizer state as they were).
        case nonFinite = 8
        /// Another thread is inside a call on the same model, optimizer, schedule, loader or
        /// generator; the call did nothing.
        case busy = 9
        /// A function of the caller's (a hook of data-parallel training) reported a failure; the
        /// call that ran it did not take its step.
        case callback = 10

        /// A short English description, the C door's `axon_status_string`.
        public var summary: StaticString {
            switch self {
            case .invalidArgument: return "invalid argument"
            case .shapeMismatch: return "shape mismatch"
            case .invalidState: return "invalid state"
            case .outOfMemory: return "out of memory"
            case .io: return "I/O error"
            case .format: return "bad file format"
            case .internalError: return "internal error"
            case .nonFinite: return "non-finite value"
            case .busy: return "in use by another thread"
            case .callback: return "a callback failed"
            }
        }
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
