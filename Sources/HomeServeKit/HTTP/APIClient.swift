#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Requests to the HomeServe API with the session's token: refresh on expiry, retries with backoff,
/// `--dry-run`, `--verbose`, and the mapping from HTTP status to exit code.
public final class APIClient {
    public struct Options {
        public var retries = 3
        public var dryRun = false
        public var verbose = false
        public var transport = CurlTransport.Settings()
        public init() {}
    }

    public let baseURL: String
    let session: Session
    let options: Options
    let terminal: Terminal
    private var credentials: Session.Credentials?
    private var credentialsLoaded = false
    private var warnedPlainHTTP = false
    private lazy var transport = CurlTransport(settings: options.transport)
    /// Backoff sleeps go through here so tests of the policy need not wait.
    var sleep: (Double) -> Void = { seconds in usleep(useconds_t(seconds * 1_000_000)) }

    public init(baseURL: String, session: Session, options: Options, terminal: Terminal) {
        self.baseURL = baseURL
        self.session = session
        self.options = options
        self.terminal = terminal
    }

    /// Called with (sent, total) bytes while a request body is uploaded: the progress bar's feed.
    public var uploadProgress: ((Int64, Int64) -> Void)? {
        get { transport.settings.uploadProgress }
        set { transport.settings.uploadProgress = newValue }
    }

    // MARK: Requests

    /// Sends a request and returns the parsed JSON body (`.null` for an empty body).
    /// In a dry run the request is printed instead and `nil` is returned.
    @discardableResult
    public func send(_ method: String, _ path: String, query: [(String, String?)] = [], body: RequestBody = .none,
                     authenticated: Bool = true) throws -> JSON? {
        guard let response = try sendRaw(method, path, query: query, body: body, authenticated: authenticated) else { return nil }
        if response.body.isEmpty { return .null }
        do { return try JSON.parse(response.body) } catch {
            let type = response.header("Content-Type") ?? "unknown type"
            throw CLIError(.serverError, "\(method) \(path): the server sent a \(response.status) with a body that is not valid JSON (\(type), \(response.body.count) bytes: \(error))")
        }
    }

    /// Sends a request and returns the successful response as is (for CSV exports and the like).
    public func sendRaw(_ method: String, _ path: String, query: [(String, String?)] = [], body: RequestBody = .none,
                        authenticated: Bool = true) throws -> HTTPResponse? {
        let url = absoluteURL(path, query: query)
        var token: String?
        if authenticated, let creds = try loadCredentials() {
            token = creds.access
            if !options.dryRun, !creds.fromEnvironment, creds.refresh != nil, JWT.expiresSoon(creds.access) {
                token = try refresh(stale: creds.access)
            }
        }
        if options.dryRun {
            printDryRun(method: method, url: url, token: token, body: body)
            return nil
        }
        warnIfPlainHTTP(url: url, sendsSecret: token != nil || path.hasPrefix("/auth/"))
        var response = try perform(HTTPRequest(method: method, url: url, headers: authHeader(token), body: body))
        if response.status == 401, let stale = token, let creds = credentials, !creds.fromEnvironment, creds.refresh != nil {
            token = try refresh(stale: stale)
            response = try perform(HTTPRequest(method: method, url: url, headers: authHeader(token), body: body))
        }
        guard (200..<300).contains(response.status) else {
            var error = ResponseError.classify(response, method: method, path: path)
            if response.status == 401 {
                error.message += token == nil ? " (not logged in; run 'homeserve auth login')" : " (session expired; run 'homeserve auth login')"
            }
            throw error
        }
        return response
    }

    /// Follows a `next` link from a paginated response. A link on our base URL is used as is; one naming
    /// another host (a proxy's inner name, say) keeps its path and query but goes to the host we were given.
    public func follow(_ url: String) throws -> JSON? {
        if url.hasPrefix(baseURL) || !(url.hasPrefix("http://") || url.hasPrefix("https://")) { return try send("GET", url) }
        let afterScheme = url[url.firstRange(of: "://")!.upperBound...]
        let pathAndQuery = afterScheme.firstIndex(of: "/").map { String(afterScheme[$0...]) } ?? "/"
        return try send("GET", URLEncoding.origin(of: baseURL) + pathAndQuery)
    }

    /// Walks DRF pages from `first`, following `next` while `visit` asks for more; returns the last page seen.
    @discardableResult
    public func pages(from first: JSON, _ visit: (JSON) throws -> Bool) throws -> JSON {
        var page = first
        while try visit(page), let next = page["next"]?.stringValue, let following = try follow(next) { page = following }
        return page
    }

    public func absoluteURL(_ path: String, query: [(String, String?)] = []) -> String {
        var url = path.hasPrefix("http://") || path.hasPrefix("https://") ? path : baseURL + path
        let pairs = query.compactMap { key, value in value.map { "\(URLEncoding.component(key))=\(URLEncoding.component($0))" } }
        if !pairs.isEmpty { url += (url.contains("?") ? "&" : "?") + pairs.joined(separator: "&") }
        return url
    }

    func loadCredentials() throws -> Session.Credentials? {
        if !credentialsLoaded {
            credentials = try session.credentials()
            credentialsLoaded = true
        }
        return credentials
    }

    /// The access token for a WebSocket URL: refreshed when about to expire, or when `force`d after the
    /// server refused it.
    public func accessToken(forceRefresh: Bool = false) throws -> String? {
        guard let creds = try loadCredentials() else { return nil }
        if !options.dryRun, !creds.fromEnvironment, creds.refresh != nil, forceRefresh || JWT.expiresSoon(creds.access) {
            return try refresh(stale: creds.access)
        }
        return creds.access
    }

    public var verbose: Bool { options.verbose }

    /// Whether a refused access token can be replaced: not for HOMESERVE_TOKEN, nor without a refresh token.
    public var canRefresh: Bool {
        guard let creds = try? loadCredentials() else { return false }
        return !creds.fromEnvironment && creds.refresh != nil
    }

    private func authHeader(_ token: String?) -> [(String, String)] {
        token.map { [("Authorization", "Bearer \($0)")] } ?? []
    }

    /// Exchanges the refresh token now (`auth refresh`), unless another process just did.
    public func refreshNow() throws -> String {
        guard let creds = try loadCredentials() else {
            throw CLIError(.notAuthenticated, "not logged in (profile '\(session.profile)'); run 'homeserve auth login'")
        }
        guard !creds.fromEnvironment else { throw CLIError.usage("HOMESERVE_TOKEN is set: that token cannot be refreshed") }
        return try refresh(stale: creds.access)
    }

    private func refresh(stale: String) throws -> String {
        let access = try session.refreshedToken(replacing: stale) { refreshToken in
            if options.verbose { terminal.err("* access token expired or refused; refreshing") }
            return try perform(HTTPRequest(method: "POST", url: baseURL + "/auth/refresh/",
                                           body: .json(.object([("refresh", .string(refreshToken))]))))
        }
        credentials?.access = access
        return access
    }

    // MARK: Transport with retries

    static let retryableStatuses: Set<Int> = [429, 502, 503, 504]

    func perform(_ request: HTTPRequest) throws -> HTTPResponse {
        let idempotent = request.method != "POST"
        var attempt = 0
        while true {
            if options.verbose { logRequest(request) }
            do {
                let response = try transport.perform(request)
                if options.verbose { logResponse(response) }
                if Self.retryableStatuses.contains(response.status), idempotent, attempt < options.retries {
                    // Retry-After in seconds, within reason; a date, a negative or a NaN falls back to backoff.
                    let wait = response.header("Retry-After").flatMap { Double($0) }.flatMap { $0.isFinite && $0 >= 0 ? min($0, 60) : nil }
                        ?? backoff(attempt)
                    terminal.err("HTTP \(response.status) from \(request.method) \(redactedURL(request.url)); retrying in \(format(wait)) (\(attempt + 1)/\(options.retries))")
                    sleep(wait)
                    attempt += 1
                    continue
                }
                if response.status == 429 {
                    throw CLIError(.rateLimited, "\(request.method) \(redactedURL(request.url)): rate limited (HTTP 429)\(attempt > 0 ? " after \(attempt) retries" : "")")
                }
                return response
            } catch let failure as TransportFailure {
                switch failure {
                case .interrupted:
                    throw CLIError(.interrupted, "interrupted")
                case let .connection(message, sent), let .timeout(message, sent):
                    let isTimeout: Bool = { if case .timeout = failure { return true } else { return false } }()
                    // A POST that may have reached the server is never repeated: it could book twice.
                    if attempt < options.retries, idempotent || !sent {
                        let wait = backoff(attempt)
                        terminal.err("\(isTimeout ? "timed out" : "connection failed") (\(message)); retrying in \(format(wait)) (\(attempt + 1)/\(options.retries))")
                        sleep(wait)
                        attempt += 1
                        continue
                    }
                    let what = isTimeout ? "timed out after \(options.transport.timeoutSeconds)s" : "cannot reach \(baseURL)"
                    throw CLIError(.network, "\(request.method) \(redactedURL(request.url)): \(what): \(message)")
                }
            }
        }
    }

    /// Exponential backoff with full jitter, capped so a script never stalls for long.
    func backoff(_ attempt: Int) -> Double {
        let ceiling = min(8.0, 0.5 * Double(1 << min(attempt, 6)))
        return ceiling / 2 + Double.random(in: 0...(ceiling / 2))
    }

    private func format(_ seconds: Double) -> String {
        let tenths = Int((seconds * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)s"
    }

    // MARK: What is shown

    private func warnIfPlainHTTP(url: String, sendsSecret: Bool) {
        guard sendsSecret, !warnedPlainHTTP, url.hasPrefix("http://") else { return }
        let host = URLEncoding.host(of: url)
        if host == "localhost" || host.hasPrefix("127.") || host == "[::1]" || host == "::1" { return }
        warnedPlainHTTP = true
        terminal.err("warning: sending credentials over plain http to \(host); use https")
    }

    private func printDryRun(method: String, url: String, token: String?, body: RequestBody) {
        var headers: [(String, JSON)] = [("User-Agent", .string(options.transport.userAgent)), ("Accept", .string("application/json"))]
        if token != nil { headers.append(("Authorization", .string("Bearer ***"))) }
        var entry: [(String, JSON)] = [("method", .string(method)), ("url", .string(redactedURL(url)))]
        switch body {
        case .none: break
        case let .json(value):
            headers.append(("Content-Type", .string("application/json")))
            entry.append(("body", Redaction.body(value)))
        case let .multipart(parts):
            headers.append(("Content-Type", .string("multipart/form-data")))
            entry.append(("multipart", .array(parts.map { part in
                switch part {
                case let .field(name, value): return .object([("name", .string(name)), ("value", .string(value))])
                case let .file(name, path, type): return .object([("name", .string(name)), ("file", .string(path)), ("content_type", .string(type))])
                }
            })))
        }
        entry.insert(("headers", .object(headers)), at: 2)
        terminal.line(JSON.object(entry).serialized())
    }

    private func logRequest(_ request: HTTPRequest) {
        terminal.err("> \(request.method) \(redactedURL(request.url))")
        for (name, value) in request.headers {
            terminal.err("> \(name): \(name.lowercased() == "authorization" ? "Bearer ***" : value)")
        }
        if case let .json(value) = request.body { terminal.err("> " + Redaction.body(value).serialized()) }
    }

    private func logResponse(_ response: HTTPResponse) {
        terminal.err("< HTTP \(response.status) (\(Int(response.seconds * 1000)) ms, \(response.body.count) bytes)")
        for (name, value) in response.headers { terminal.err("< \(name): \(value)") }
    }

    func redactedURL(_ url: String) -> String { Redaction.url(url) }
}

extension JSON {
    /// The items of a list response: DRF's `results`, or a bare array.
    public var pageItems: [JSON]? { self["results"]?.arrayValue ?? arrayValue }
}

/// Secrets never reach `--verbose`, `--dry-run` or an error message.
enum Redaction {
    static let secretKeys: Set<String> = ["password", "refresh", "access", "token", "otp"]

    static func body(_ value: JSON) -> JSON {
        switch value {
        case let .object(pairs):
            return .object(pairs.map { key, v in (key, secretKeys.contains(key) ? .string("***") : body(v)) })
        case let .array(items): return .array(items.map(body))
        default: return value
        }
    }

    static func url(_ url: String) -> String {
        guard let q = url.firstIndex(of: "?") else { return url }
        let query = url[url.index(after: q)...].split(separator: "&").map { pair -> String in
            let key = pair.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            return secretKeys.contains(key) ? "\(key)=***" : String(pair)
        }
        return String(url[...q]) + query.joined(separator: "&")
    }
}

public enum URLEncoding {
    public static func component(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }

    /// `scheme://host[:port]` of an absolute URL, without its path.
    public static func origin(of url: String) -> String {
        guard let scheme = url.firstRange(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        return String(url[..<scheme.upperBound]) + rest.prefix { $0 != "/" && $0 != "?" }
    }

    /// The host (and port-less name) of an absolute URL.
    public static func host(of url: String) -> String {
        guard let scheme = url.firstRange(of: "://") else { return "" }
        let rest = url[scheme.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        if authority.hasPrefix("[") { return String(authority.prefix { $0 != "]" }) + "]" }
        return String(authority.prefix { $0 != ":" })
    }
}
