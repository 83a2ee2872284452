/// The documented exit statuses. Scripts branch on these, so the numbers never change.
public enum ExitCode: Int32, CaseIterable {
    case ok = 0
    case internalError = 1
    case usage = 2
    case notAuthenticated = 3
    case forbidden = 4
    case notFound = 5
    case rejected = 6
    case conflict = 7
    case serverError = 8
    case network = 9
    case rateLimited = 10
    case interrupted = 130

    /// A word or two, for the one-line summary under every command's help.
    public var label: String {
        switch self {
        case .ok: return "ok"
        case .internalError: return "internal error"
        case .usage: return "usage"
        case .notAuthenticated: return "not logged in"
        case .forbidden: return "forbidden"
        case .notFound: return "not found"
        case .rejected: return "rejected"
        case .conflict: return "conflict"
        case .serverError: return "server error"
        case .network: return "network/timeout"
        case .rateLimited: return "rate limited"
        case .interrupted: return "interrupted"
        }
    }

    public var meaning: String {
        switch self {
        case .ok: return "success"
        case .internalError: return "internal error"
        case .usage: return "usage error or local validation failed; nothing was sent"
        case .notAuthenticated: return "not logged in, or the session expired (401 after a refresh)"
        case .forbidden: return "forbidden: the role may not do this (403)"
        case .notFound: return "not found (404)"
        case .rejected: return "rejected by server validation (400, 422); each field's messages are printed"
        case .conflict: return "conflict (409)"
        case .serverError: return "server error (5xx)"
        case .network: return "network failure or timeout"
        case .rateLimited: return "rate limited (429) after all retries"
        case .interrupted: return "interrupted (Ctrl-C)"
        }
    }
}

/// An error the user can act on: what went wrong, in one line, and the exit status it maps to.
public struct CLIError: Error, CustomStringConvertible {
    public var code: ExitCode
    public var message: String
    /// Extra lines (per-field validation messages, a server's JSON error) printed after the message.
    public var details: [String]

    public init(_ code: ExitCode, _ message: String, details: [String] = []) {
        self.code = code
        self.message = message
        self.details = details
    }

    public var description: String { message }

    static func usage(_ message: String) -> CLIError { CLIError(.usage, message) }
}
