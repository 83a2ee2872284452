import HomeServeCore

/// A request the server answered with something other than success, in the words the user needs:
/// the status, what was asked, the server's message (or a summary of a non-JSON page), the per-field
/// validation messages and, for redirects, where to.
public struct HTTPFailure: Sendable {
    public var status: Int
    public var method: String
    /// The path and query asked for, secrets redacted.
    public var path: String
    public var message: String?
    public var fields: [(String, String)]
    /// One line for a body that is not JSON: an HTML page's title, else its first line.
    public var summary: String?
    public var location: String?
    /// A server error (5xx) answering a change not safe to repeat (POST, PATCH): it may have been made
    /// before the server failed.
    public var mayHaveHappened = false

    public init(status: Int, method: String, path: String, message: String? = nil, fields: [(String, String)] = [],
                summary: String? = nil, location: String? = nil) {
        self.status = status
        self.method = method
        self.path = path
        self.message = message
        self.fields = fields
        self.summary = summary
        self.location = location
    }

    public init(_ response: HTTPResponse, method: String, path: String) {
        self.init(status: response.status, method: method, path: path, location: response.header("Location"))
        let text = response.utf8Body.bytes
        if let body = try? JSON.parse(text) {
            (message, fields) = ErrorBody.read(body)
        } else {
            summary = ErrorBody.summary(ofNonJSON: text)
        }
    }
}

/// What an HTTP status means to the client; the API layer's one place for status numbers.
public enum HTTPStatus {
    /// Worth another attempt after a wait: rate limited, or the server (or a proxy before it) unavailable.
    public static let retryable: Set<Int> = [429, 502, 503, 504]

    public static func isUnauthorized(_ status: Int) -> Bool { status == 401 }
    public static func isForbidden(_ status: Int) -> Bool { status == 403 }
    public static func isNotFound(_ status: Int) -> Bool { status == 404 }
    public static func isRateLimited(_ status: Int) -> Bool { status == 429 }
    /// A redirect that names somewhere else to go (304 Not Modified does not).
    public static func isRedirect(_ status: Int) -> Bool { (300..<400).contains(status) && status != 304 }
    /// A token endpoint's "no": simplejwt answers a bad password or refresh token with 401, some with 400.
    public static func refusesCredentials(_ status: Int) -> Bool { status == 400 || status == 401 }
}

public enum APIError: Error, Sendable {
    /// The server answered with a status that is not success (after retries, refresh and redirects).
    case http(HTTPFailure)
    /// The request did not get an answer.
    case transport(TransportError, method: String, url: String)
    /// A 2xx answer the client cannot use: not JSON, too large, cut short, a paging loop.
    case badResponse(method: String, path: String, reason: String)
    /// A 2xx answer that says the action did not happen (`success: false`, `status: "error"`).
    case actionRefused(method: String, path: String, message: String)
    /// A URL from a setting, a flag or a server's link that cannot be used.
    case invalidURL(String, what: String, reason: String)
}

/// Reads error bodies in the shapes deployments use: DRF's `{"detail": …}` and `{"field": ["…"]}`,
/// `{"error": "…"}`, `{"error": {"code", "message"}}`, `{"message": …, "errors": {…}}`, a bare list.
public enum ErrorBody {
    static let metaKeys: Set<String> = ["status", "code", "success", "status_code", "timestamp", "path", "type"]

    /// A server that echoes a token (a debugging proxy, a page quoting the request) does not get it printed.
    public static func read(_ body: JSON) -> (message: String?, fields: [(String, String)]) {
        let (message, fields) = readAsSaid(body)
        return (message.map(Redaction.text), fields.map { ($0.0, Redaction.text($0.1)) })
    }

    private static func readAsSaid(_ body: JSON) -> (message: String?, fields: [(String, String)]) {
        switch body {
        case let .array(items):
            return (items.map(messages).joined(separator: "; "), [])
        case let .object(pairs):
            let error = body["error"]
            let message = [body["detail"], body["message"], error, error?["message"], error?["detail"], body["title"], body["error_description"]]
                .lazy.compactMap { $0?.stringValue }.first { !$0.isEmpty }
            var fields: [(String, String)] = []
            if case let .object(listed)? = body["errors"] ?? error?["errors"] ?? error?["fields"] {
                fields = listed.map { ($0.0, messages($0.1)) }
            } else if let listed = body["errors"]?.arrayValue {
                fields = [("errors", messages(.array(listed)))]
            } else if message == nil {
                // An envelope's `status` or `code` says what kind of answer it is; as a list it is a field's messages.
                fields = pairs.filter { !metaKeys.contains($0.0) || $0.1.arrayValue != nil }.map { ($0.0, messages($0.1)) }
            } else {
                // DRF's field messages beside a `detail` (a view adding one to a serializer's errors).
                fields = pairs.filter { pair in pair.1.arrayValue.map { !$0.isEmpty && $0.allSatisfy { $0.stringValue != nil } } ?? false }
                    .map { ($0.0, messages($0.1)) }
            }
            return (message, fields)
        default:
            return (body.stringValue, [])
        }
    }

    /// DRF sends `{"field": ["message", …]}`; nested serializers nest the same shape.
    static func messages(_ value: JSON) -> String {
        switch value {
        case let .array(items): return items.map(messages).filter { !$0.isBlank }.joined(separator: "; ")
        case let .object(pairs): return pairs.map { ($0.0, messages($0.1)) }.filter { !$0.1.isBlank }.map { "\($0.0): \($0.1)" }.joined(separator: "; ")
        default: return value.cellText
        }
    }

    /// One line for an HTML error page or a text body: the page title, else the first line, shortened.
    public static func summary(ofNonJSON body: [UInt8]) -> String? {
        let text = String(decoding: body.prefix(65536), as: UTF8.self)
        if text.isBlank { return nil }
        let lower = text.lowercased()
        if let open = lower.firstRange(of: "<title>"), let close = lower[open.upperBound...].firstRange(of: "</title>") {
            let title = String(text[open.upperBound..<close.lowerBound]).trimmed
            if !title.isEmpty { return "\(Redaction.text(title)) (HTML page)" }
        }
        if lower.contains("<html") || lower.contains("<!doctype") { return "an HTML page" }
        // A token endpoint's answer cut short still holds its tokens: they are not shown.
        let first = Redaction.text(text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).first.map(String.init) ?? text)
        // Cut after the secrets are hidden: a cut one would no longer be found.
        return first.count > 120 ? String(first.prefix(117)) + "..." : first
    }

    /// A read's 2xx answer that says the request failed: an envelope (no `id` of its own) with
    /// `success`/`ok` false, `status` "error", an `error` (`"…"`, `{"code", "message"}`, `true`) or
    /// `errors` listed (GraphQL's, beside data or not: a partial answer is no answer), or nothing but DRF's
    /// `{"detail": …}`, the shape of its errors. A resource whose status is "failed" is just that.
    public static func failure(_ body: JSON) -> String? {
        guard case .object = body, body["id"] == nil else { return nil }
        if body.keys == ["detail"], let detail = body["detail"]?.stringValue { return Redaction.text(detail) }
        let said = body["success"] == .bool(false) || body["ok"] == .bool(false) || body["status"]?.stringValue?.lowercased() == "error"
            || reportsErrors(body)
        guard said else { return nil }
        return words(body) ?? "the server reported that the request failed"
    }

    /// The server's message, else its field messages on one line: nil when it says neither.
    private static func words(_ body: JSON) -> String? {
        let (message, fields) = read(body)
        let said = fields.filter { !$0.1.isBlank }
        return message ?? (said.isEmpty ? nil : said.map { "\($0.0): \($0.1)" }.joined(separator: "; "))
    }

    /// An `error` that is something (text, an object, `true`), or `errors` that list something.
    private static func reportsErrors(_ body: JSON) -> Bool {
        switch body["error"] {
        case let .string(text)?: if !text.isBlank { return true }
        case let .object(pairs)?: if !pairs.isEmpty { return true }
        case .bool(true)?: return true
        default: break
        }
        switch body["errors"] {
        case let .array(items)?: return !items.isEmpty
        case let .object(pairs)?: return !pairs.isEmpty
        default: return false
        }
    }

    /// A 2xx body saying the action did not happen, and the server's words for why.
    public static func refusal(_ body: JSON) -> String? {
        guard case .object = body else { return nil }
        let said = body["success"] == .bool(false) || body["ok"] == .bool(false) || body["otp_sent"] == .bool(false)
            || ["error", "failed", "failure", "fail"].contains(body["status"]?.stringValue?.lowercased() ?? "")
            || body["id"] == nil && reportsErrors(body)
        guard said else { return nil }
        return words(body) ?? "the server reported that the action did not happen"
    }
}
