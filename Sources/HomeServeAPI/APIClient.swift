import HomeServeCore
import Synchronization

/// One request as a command describes it.
public struct APICall {
    public var method: String
    /// A path from the server root (`/api/bookings/`), or an absolute URL on the base URL (a `next` link).
    public var path: String
    public var query: [(String, String)]
    public var body: RequestBody
    /// Send the session's token (and renew it when refused).
    public var authenticated: Bool
    public var accept: String?
    /// More request headers (`api -H`); an `Accept` among them takes the place of `accept`.
    public var headers: [(String, String)] = []
    public var sink: ResponseSink?
    public var uploadProgress: ((Int64, Int64) -> Void)?
    /// Follow 3xx answers to GET and HEAD on the same origin, like `curl -L` but never to another host.
    public var followRedirects = true
    public var captureCertificates = false
    /// Monotonic time by which the call, retries included, must be over even when the client's own
    /// deadline (timeout × (retries + 1)) is later: a wait's --timeout bounds the requests made for it.
    public var deadline: Double?
    /// A POST that only computes an answer (a price prediction, slot suggestions) and changes nothing.
    public var computesOnly = false
    /// A refresh-token rotation: neither the client's deadline nor Ctrl-C or SIGTERM cuts it short, and a
    /// `--timeout` shorter than `RenewalsInFlight.grace` is not its bound either, since a rotation whose
    /// answer is abandoned has spent the stored refresh token.
    public var rotatesToken = false

    public init(_ method: String, _ path: String, query: [(String, String)] = [], body: RequestBody = .none, authenticated: Bool = true) {
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.authenticated = authenticated
    }

    /// Repeating it cannot do anything twice.
    public var isIdempotent: Bool { method != "POST" && method != "PATCH" }

    /// Whether `headers` has one of this name.
    func names(_ header: String) -> Bool { headers.contains { $0.0.lowercased() == header.lowercased() } }

    /// The client's own login or token refresh, made for another call: not a change the user asked for.
    var renewsSession = false

    /// The endpoints that issue tokens: a login or renewal sent again changes nothing a user must check.
    public static let tokenPaths = ["/auth/login/", "/auth/refresh/", "/auth/verify-otp/", "/auth/token/", "/auth/token/refresh/"]

    /// A call the user made that may change something on the server: not a read, not a computation, and
    /// not a login or token renewal (the client's own or one sent through `api`).
    var mayChange: Bool {
        !renewsSession && !computesOnly && method != "GET" && method != "HEAD" && !Self.tokenPaths.contains { path.hasSuffix($0) }
    }

    /// A change not safe to send again (a POST or PATCH): one that may have been made is said to be, so a
    /// job looks before repeating it. A PUT or DELETE is retried as a read is.
    public var changeUnsafeToRepeat: Bool { mayChange && !isIdempotent }
}

/// What a dry run shows of a request: method, URL, headers and body, with every secret as `***`.
public struct RequestPreview {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: RequestBody

    public init(method: String, url: String, headers: [(String, String)], body: RequestBody) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    public var json: JSON {
        var entry: [(String, JSON)] = [("method", .string(method)), ("url", .string(url)),
                                       ("headers", .headers(headers))]
        switch body {
        case .none: break
        case let .json(value): entry.append(("body", Redaction.body(value)))
        case let .multipart(parts):
            entry.append(("multipart", .array(parts.map { part in
                switch part {
                case let .field(name, value): return .object([("name", .string(name)), ("value", .string(Redaction.isSecret(name) ? "***" : value))])
                case let .file(name, path, type): return .object([("name", .string(name)), ("file", .string(path)), ("content_type", .string(type))])
                }
            })))
        }
        return .object(entry)
    }
}

/// Requests to the HomeServe API with the session's token: refresh and re-login on a refused token,
/// retries with backoff inside one overall deadline, same-origin redirects, `--dry-run` and `--verbose`.
/// Failures are thrown as `APIError`, `SessionError`, or `Cancelled`; what they mean to a user (exit
/// codes, hints) is decided by the command line, not here.
public final class APIClient: TokenAuthority {
    public struct Options {
        public var retries = 3
        /// Seconds per attempt; the whole request, retries and waits included, gets `timeout × (retries + 1)`.
        public var timeout = 30.0
        public var maxBody = 64 << 20
        public var userAgent = "homeserve"
        /// Set for `--dry-run`: each request is shown here instead of being sent.
        public var dryRun: ((RequestPreview) -> Void)?
        /// Set for `--verbose`: one line per header, status and timing, secrets redacted.
        public var log: ((String) -> Void)?
        public init() {}
    }

    public let base: WebURL
    public let transport: HTTPTransport
    public let session: CredentialStore?
    public let options: Options
    let clock: any Clock
    let random: () -> Double
    /// Says what needs a person (`-q` keeps it).
    let warn: (String) -> Void
    /// Says what happened on the way and was dealt with, such as a retry (`-q` silences it).
    let note: (String) -> Void
    private var checkedPlainHTTP = false
    /// Monotonic time by which every call must be over, logins included (not a refresh-token rotation,
    /// see `APICall.rotatesToken`): set by a command whose `--timeout` bounds all it does (`watch`,
    /// `bookings wait`).
    public var deadline: Double?
    public var server: String { base.description }

    /// Whether a call of the session that may change something has been answered 2xx.
    public private(set) var changed = false

    public init(base: WebURL, transport: HTTPTransport, session: CredentialStore?, clock: any Clock,
                random: @escaping () -> Double, options: Options, warn: @escaping (String) -> Void,
                note: ((String) -> Void)? = nil) {
        self.base = base
        self.transport = transport
        self.session = session
        self.clock = clock
        self.random = random
        self.options = options
        self.warn = warn
        self.note = note ?? warn
    }

    public var isDryRun: Bool { options.dryRun != nil }

    // MARK: Sending

    /// Sends a call and returns the successful response; nil in a dry run.
    public func send(_ call: APICall) throws -> HTTPResponse? {
        guard var attempt = try begin(call) else { return nil }
        while true {
            let result: Result<HTTPResponse, TransportError>
            do { result = .success(try transport.perform(attempt.request(call, client: self))) } catch { result = .failure(error) }
            switch judge(result, call: call, attempt: attempt) {
            case let .success(response):
                if call.mayChange { changed = true }
                return response
            case let .retry(after, why):
                note(why)
                try clock.sleep(after)
                attempt.retries += 1
            case .renewToken:
                try renewToken(&attempt)
            case let .follow(url):
                attempt.url = url
                attempt.redirects += 1
            case let .failure(error): throw error
            }
        }
    }

    /// Sends a call and parses the JSON answer (`.null` for an empty body); nil in a dry run. A write
    /// whose 2xx answer says it did not happen is an `APIError.actionRefused`; a read whose 2xx answer
    /// says it failed is an answer that cannot be used.
    public func json(_ call: APICall) throws -> JSON? {
        guard let response = try send(call) else { return nil }
        return try document(response, call: call)
    }

    /// The JSON of a call's successful response, judged as `json` judges it. An empty or `null` body is an
    /// answer only to a change where none is due (a DELETE, HTTP 204 or 205); a read asked for data, so
    /// for it that is an answer that cannot be used, whatever its status.
    public func document(_ response: HTTPResponse, call: APICall) throws -> JSON {
        try document(response, call: call, keepingRows: false).value
    }

    /// The same, parsed with `keepingRows` as `JSON.parseListed` parses a page: its rows checked but kept as
    /// bytes (those of the list at `keys` alone, when given).
    public func document(_ response: HTTPResponse, call: APICall, keepingRows: Bool, at keys: [String]? = nil) throws -> ListedDocument {
        let due = !call.renewsSession && !(call.mayChange && (call.method == "DELETE" || [204, 205].contains(response.status)))
        let made = call.changeUnsafeToRepeat ? "; the \(call.method) was carried out: check before sending it again" : ""
        if response.body.isEmpty, due {
            throw APIError.badResponse(method: call.method, path: shown(call), reason: "the answer (HTTP \(response.status)) is empty\(made)")
        }
        let parsed = try parse(response, call: call, keepingRows: keepingRows, at: keys)
        let value = parsed.value
        if value.isNull, due {
            throw APIError.badResponse(method: call.method, path: shown(call), reason: "the answer (HTTP \(response.status)) is null, not data\(made)")
        }
        if !call.isIdempotent || call.method == "DELETE" {
            if let refusal = ErrorBody.refusal(value) {
                throw APIError.actionRefused(method: call.method, path: shown(call), message: refusal)
            }
        } else if let failure = ErrorBody.failure(value) {
            throw APIError.badResponse(method: call.method, path: shown(call), reason: "the answer (HTTP \(response.status)) says the request failed: \(failure)")
        }
        return parsed
    }

    public func parse(_ response: HTTPResponse, call: APICall) throws -> JSON {
        try parse(response, call: call, keepingRows: false).value
    }

    /// Text that is not UTF-8 in an answer read as JSON: said once a run, not once a page.
    private var warnedEncoding = false

    private func parse(_ response: HTTPResponse, call: APICall, keepingRows: Bool, at keys: [String]? = nil) throws -> ListedDocument {
        if response.body.isEmpty { return ListedDocument(value: .null, bytes: []) }
        var response = response
        let repaired: String?
        (response.body, repaired) = response.utf8Body
        let parsed: ListedDocument
        do {
            parsed = keepingRows ? try JSON.parseListed(response.body, at: keys, isUTF8: repaired == nil)
                : ListedDocument(value: try JSON.parse(response.body), bytes: response.body)
        } catch {
            let type = response.header("Content-Type") ?? "no Content-Type"
            let what = ErrorBody.summary(ofNonJSON: response.body).map { "; it looks like \($0)" } ?? ""
            // The server took the change (2xx) and only its answer is unusable: sent again, it is made twice.
            let made = call.changeUnsafeToRepeat && response.isSuccess ? "; the \(call.method) was carried out (HTTP \(response.status)): check before sending it again" : ""
            throw APIError.badResponse(method: call.method, path: shown(call),
                                       reason: "the body is not valid JSON (\(type), \(response.body.count) bytes: \(error))\(what)\(made)")
        }
        // Said once a run, not once a page.
        if let repaired, !warnedEncoding {
            warnedEncoding = true
            warn("the answer to \(call.method) \(shown(call)) is not valid UTF-8\(repaired): its bytes that are not are shown as U+FFFD; 'homeserve api' prints them as they came")
        }
        return parsed
    }

    // MARK: One call's attempts (shared with the concurrent page walk)

    struct Attempt {
        var url: String
        var token: String?
        var retries = 0
        var renewed = false
        var redirects = 0
        let deadline: Double

        func request(_ call: APICall, client: APIClient) -> HTTPRequest {
            var headers: [(String, String)] = []
            if let token {
                Redaction.remember(token)
                headers.append(("Authorization", "Bearer \(token)"))
            }
            if let accept = call.accept, !call.names("Accept") { headers.append(("Accept", accept)) }
            headers += call.headers
            var request = HTTPRequest(method: call.method, url: url, headers: headers, body: call.body,
                                      timeout: max(0.001, min(client.attemptTimeout(call), deadline - client.clock.monotonic())),
                                      bodyLimit: client.options.maxBody, sink: call.sink)
            request.uploadProgress = call.uploadProgress
            request.captureCertificates = call.captureCertificates
            request.finishesWhenStopped = call.rotatesToken
            client.options.log.map { log in client.logRequest(request, log) }
            return request
        }
    }

    enum Verdict {
        case success(HTTPResponse)
        case retry(after: Double, why: String)
        case renewToken
        case follow(String)
        case failure(Error)
    }

    /// The URL, the token (renewed ahead of expiry) and the deadline; nil after showing a dry run.
    func begin(_ call: APICall) throws -> Attempt? {
        let url = try absoluteURL(call.path, query: call.query)
        var token: String?
        if call.authenticated, let session {
            token = isDryRun ? try session.previewAccessToken(authority: self) : try session.accessToken(authority: self)
        }
        if let dryRun = options.dryRun {
            var headers: [(String, String)] = [("User-Agent", options.userAgent), ("Accept", call.accept ?? "application/json")]
            if token != nil { headers.append(("Authorization", "Bearer ***")) }
            if case .json = call.body { headers.append(("Content-Type", "application/json")) }
            if case .multipart = call.body { headers.append(("Content-Type", "multipart/form-data")) }
            // A header the call names replaces homeserve's own of that name, as on the wire.
            headers = headers.filter { !call.names($0.0) } + call.headers.map { ($0.0, Redaction.header($0.0, $0.1)) }
            dryRun(RequestPreview(method: call.method, url: Redaction.url(url), headers: headers, body: call.body))
            return nil
        }
        warnIfPlainHTTP(sendsSecret: token != nil || call.path.hasPrefix("/auth/"))
        let bound = min(call.deadline ?? .infinity, call.rotatesToken ? .infinity : deadline ?? .infinity)
        return Attempt(url: url, token: token, deadline: min(bound, clock.monotonic() + attemptTimeout(call) * Double(options.retries + 1)))
    }

    /// Seconds one attempt of the call may take: `--timeout`, but at least the grace a stopped homeserve gives
    /// a refresh-token rotation, whose answer, abandoned, takes the session with it (the server may already
    /// have spent the token sent).
    func attemptTimeout(_ call: APICall) -> Double {
        call.rotatesToken ? max(options.timeout, RenewalsInFlight.grace) : options.timeout
    }

    func judge(_ result: Result<HTTPResponse, TransportError>, call: APICall, attempt: Attempt) -> Verdict {
        // Named only when a message needs them: every page of a long listing passes through here.
        var shownURL: String { Redaction.url(attempt.url) }
        var path: String { shown(call) }
        let response: HTTPResponse
        switch result {
        case let .failure(failure):
            if failure.kind == .cancelled {
                return .failure(Cancelled(changeSent: failure.sent && call.changeUnsafeToRepeat ? call.method : nil))
            }
            // A POST that may have reached the server is never repeated: it could book twice.
            if failure.isTransient, attempt.retries < options.retries, call.isIdempotent || !failure.sent, call.sink?.canRestart ?? true {
                let wait = backoff(attempt.retries)
                if clock.monotonic() + wait < attempt.deadline {
                    let what = [.timeout, .handshakeTimeout].contains(failure.kind) ? "timed out" : "connection failed"
                    return .retry(after: wait, why: "\(call.method) \(shownURL): \(what) (\(failure.message)); retrying in \(Self.seconds(wait)) (\(attempt.retries + 1)/\(options.retries))")
                }
            }
            var failure = failure
            failure.changeMayHaveHappened = failure.sent && call.changeUnsafeToRepeat
            return .failure(APIError.transport(failure, method: call.method, url: shownURL))
        case let .success(answer):
            response = answer
        }
        options.log.map { logResponse(response, $0) }
        if HTTPStatus.isUnauthorized(response.status), attempt.token != nil, !attempt.renewed, call.authenticated, session != nil {
            return .renewToken
        }
        if HTTPStatus.retryable.contains(response.status), call.isIdempotent, attempt.retries < options.retries {
            let asked = retryAfter(response)
            let wait = asked ?? backoff(attempt.retries)
            if clock.monotonic() + wait <= attempt.deadline {
                return .retry(after: wait, why: "HTTP \(response.status) from \(call.method) \(shownURL); retrying in \(Self.seconds(wait)) (\(attempt.retries + 1)/\(options.retries))")
            }
            if let asked {
                var failure = HTTPFailure(response, method: call.method, path: path)
                failure.message = (failure.message.map { $0 + "; " } ?? "") + "the server asked to wait \(Self.seconds(asked)) (Retry-After), longer than the time left"
                return .failure(APIError.http(failure))
            }
        }
        if HTTPStatus.isRedirect(response.status), let location = response.header("Location"),
           call.followRedirects, call.method == "GET" || call.method == "HEAD",
           let target = sameOriginTarget(location, from: attempt.url) {
            guard attempt.redirects < 5 else {
                return .failure(APIError.badResponse(method: call.method, path: path,
                    reason: "redirected 5 times, and a 6th redirect (to \(Redaction.text(Redaction.url(target)))) is not followed: too many redirects, or a loop"))
            }
            return .follow(target)
        }
        guard response.isSuccess else {
            var failure = HTTPFailure(response, method: call.method, path: path)
            failure.mayHaveHappened = call.changeUnsafeToRepeat && response.status >= 500
            return .failure(APIError.http(failure))
        }
        return .success(response)
    }

    func renewToken(_ attempt: inout Attempt) throws {
        guard let session else { return }
        attempt.token = try session.renew(refused: attempt.token, authority: self)
        attempt.renewed = true
    }

    /// `Retry-After` as seconds or an HTTP date; nil when absent or unusable.
    func retryAfter(_ response: HTTPResponse) -> Double? {
        guard let text = response.header("Retry-After")?.trimmed else { return nil }
        if let seconds = Double(text) { return seconds.isFinite && seconds >= 0 ? seconds : nil }
        if let date = CivilTime.parseHTTPDate(text) { return max(0, Double(date) - clock.now()) }
        return nil
    }

    /// Exponential backoff, half fixed and half jitter, capped so a script never stalls for long.
    func backoff(_ attempt: Int) -> Double {
        let ceiling = min(8.0, 0.5 * Double(1 << min(attempt, 6)))
        return ceiling / 2 + random() * ceiling / 2
    }

    /// A call as errors name it: its path and query from the server root, the base URL's own path included
    /// (`/api/bookings/?page=3`), secrets redacted.
    public func shown(_ call: APICall) -> String {
        var path = WebURL.splitAbsolute(call.path)?.rest ?? base.path + call.path
        if !call.query.isEmpty { path += (path.contains("?") ? "&" : "?") + URLEncoding.query(call.query) }
        return Redaction.url(path)
    }

    static func seconds(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)s"
    }

    // MARK: URLs

    /// The base URL's origin and path, then the call's path; an absolute URL must stay on the base URL.
    public func absoluteURL(_ path: String, query: [(String, String)] = []) throws -> String {
        var url: String
        if path.hasPrefix("http://") || path.hasPrefix("https://") {
            guard path.hasPrefix(base.description + "/") || path == base.description,
                  !path.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) else {
                throw APIError.invalidURL(Redaction.url(path), what: "link", reason: "it leaves the base URL \(base)")
            }
            url = path
        } else {
            guard !path.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) else {
                throw APIError.invalidURL(path, what: "path", reason: "it contains whitespace or control characters")
            }
            url = base.description + path
        }
        if !query.isEmpty { url += (url.contains("?") ? "&" : "?") + URLEncoding.query(query) }
        return url
    }

    private func sameOriginTarget(_ location: String, from current: String) -> String? {
        let location = Self.encodingStrayBytes(location)
        if location.hasPrefix("/") && !location.hasPrefix("//") { return base.origin + location }
        guard let split = WebURL.splitAbsolute(location), case let .success(target) = WebURL.parse(split.origin),
              target.sameOrigin(as: base) else { return nil }
        return location
    }

    /// A Location with bytes a URL cannot hold as they are (a space, a control character, non-ASCII text)
    /// followed as browsers and `curl -L` follow it: those bytes percent-encoded, the rest as sent.
    public static func encodingStrayBytes(_ location: String) -> String {
        let stray: (UInt8) -> Bool = { $0 <= 0x20 || $0 >= 0x7F || "\"<>\\^`{|}".utf8.contains($0) }
        guard location.utf8.contains(where: stray) else { return location }
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in location.utf8 {
            if stray(byte) { out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]] } else { out.append(byte) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private func warnIfPlainHTTP(sendsSecret: Bool) {
        guard sendsSecret, !checkedPlainHTTP else { return }
        // Decided once: every page of a long listing comes through here.
        checkedPlainHTTP = true
        guard base.sendsInTheClear else { return }
        warn("sending credentials over plain http to \(base.host); use https")
    }

    // MARK: Token endpoints

    public func refresh(_ refreshToken: String) throws -> TokenPair? {
        Redaction.remember(refreshToken)
        var call = APICall("POST", "/auth/refresh/", body: .json(.object([("refresh", .string(refreshToken))])), authenticated: false)
        call.rotatesToken = true
        call.renewsSession = true
        call.followRedirects = false
        options.log?("* exchanging the refresh token for a new access token")
        let response: HTTPResponse?
        // Refused by the server's API, which says so in JSON (or not at all); an HTML 400 or 401 is a proxy's or
        // a firewall's, which says nothing of the token: the failure stands, and the session is not ended.
        do { response = try send(call) } catch let APIError.http(failure) where HTTPStatus.refusesCredentials(failure.status) && failure.summary == nil {
            return nil
        } catch {
            // Sent, and no answer came: the server may have spent the token, and its answer held the only pair
            // it still accepts.
            if case let APIError.transport(failure, _, _) = error, failure.sent {
                warn("the exchange of the refresh token got no answer after it was sent (\(failure.message)); the server may have spent the stored one, so the session may have been lost: if the next command says it ended, run 'homeserve auth login'")
            }
            throw error
        }
        guard let response else { return nil }
        let body = try? JSON.parse(response.body)
        guard let access = Self.token(body?["access"]), JWT.isHeaderSafe(access) else {
            throw SessionError.badTokenReply(endpoint: "/auth/refresh/")
        }
        let rotated = try Self.optionalToken(body?["refresh"], endpoint: "/auth/refresh/")
        return TokenPair(access: access, refresh: rotated ?? refreshToken, clockOffset: TokenPair.clockOffset(date: response.header("Date"), now: clock.now()))
    }

    /// `POST /auth/login/`; nil in a dry run. A refused password is `SessionError.loginRefused`.
    public func login(username: String, password: String) throws -> (TokenPair, user: JSON)? {
        let body = JSON.object([("username", .string(username)), ("password", .string(password))])
        var call = APICall("POST", "/auth/login/", body: .json(body), authenticated: false)
        call.renewsSession = true
        do {
            return try tokens(call)
        } catch let APIError.http(failure) where HTTPStatus.refusesCredentials(failure.status) {
            let detail = ([failure.message].compactMap { $0 } + failure.fields.map { "\($0.0): \($0.1)" }).joined(separator: "; ")
            throw SessionError.loginRefused(username: username, message: "HTTP \(failure.status)" + (detail.isEmpty ? "" : ": " + detail))
        }
    }

    /// The tokens and user a login answers with (a password's, a code's), with the server's clock offset its
    /// `Date` header shows; nil in a dry run.
    public func tokens(_ call: APICall) throws -> (TokenPair, user: JSON)? {
        guard let response = try send(call) else { return nil }
        var (pair, user) = try Self.tokens(from: try document(response, call: call), endpoint: call.path)
        pair.clockOffset = TokenPair.clockOffset(date: response.header("Date"), now: clock.now())
        return (pair, user)
    }

    /// A token is a string: a number or true is no token, not one to store as text.
    private static func token(_ value: JSON?) -> String? {
        guard case let .string(text)? = value else { return nil }
        return text
    }

    /// A refresh token an answer may leave out (or send as null), but not send as anything but a token.
    private static func optionalToken(_ value: JSON?, endpoint: String) throws -> String? {
        guard let value, !value.isNull else { return nil }
        guard let text = token(value), JWT.isHeaderSafe(text) else { throw SessionError.badTokenReply(endpoint: endpoint) }
        return text
    }

    /// The pair and user of a login answer (`{access, refresh, user}`, or the same under `data`/`tokens`).
    private static func tokens(from response: JSON, endpoint: String) throws -> (TokenPair, user: JSON) {
        let holder = [response, response["data"], response["tokens"]].lazy.compactMap { $0 }.first { $0["access"] != nil } ?? response
        guard let access = token(holder["access"]), JWT.isHeaderSafe(access) else {
            throw SessionError.badTokenReply(endpoint: endpoint)
        }
        let refresh = try optionalToken(holder["refresh"], endpoint: endpoint)
        Redaction.remember(access)
        Redaction.remember(refresh)
        let user = response["user"] ?? response["data"]?["user"] ?? .object([])
        return (TokenPair(access: access, refresh: refresh), user)
    }

    // MARK: Verbose

    func logRequest(_ request: HTTPRequest, _ log: (String) -> Void) {
        log("> \(request.method) \(Redaction.url(request.url))")
        for (name, value) in request.headers { log("> \(name): \(Redaction.header(name, value))") }
        if case let .json(value) = request.body { log("> " + Redaction.body(value).serialized()) }
    }

    func logResponse(_ response: HTTPResponse, _ log: (String) -> Void) {
        let size = response.streamedBytes ?? response.body.count
        log("< HTTP \(response.status) (\(Int(response.seconds * 1000)) ms, \(size) bytes)")
        for (name, value) in response.headers { log("< \(name): \(Redaction.header(name, value))") }
    }
}

/// Secrets never reach `--verbose`, `--dry-run` or an error message.
public enum Redaction {
    /// Names that are a token by themselves (the token endpoints' `access` and `refresh`).
    static let secretNames: Set<String> = ["access", "refresh"]
    /// Any name containing one of these, in any case, holds a secret: `new_password`, `refresh_token`,
    /// `client_secret`, `X-Api-Key`.
    static let secretWords = ["password", "token", "secret", "otp", "apikey", "api_key", "api-key", "access_key", "private_key"]

    /// Whether a JSON key, form field or query parameter of this name holds a secret.
    public static func isSecret(_ name: String) -> Bool {
        let lower = name.lowercased()
        return secretNames.contains(lower) || secretWords.contains { lower.contains($0) }
    }

    /// A header's value as `--verbose` shows it: credentials, cookies and headers named for a secret
    /// (`X-Api-Key`) hidden, the auth scheme kept.
    public static func header(_ name: String, _ value: String) -> String {
        switch name.lowercased() {
        case "authorization", "proxy-authorization": return (value.split(separator: " ").first.map { $0 + " " } ?? "") + "***"
        case "cookie", "set-cookie": return "***"
        // Where a redirect goes may carry a token in its query, or a password before its host.
        case "location", "content-location": return text(proxy(url(value)))
        default: return isSecret(name) ? "***" : text(value)
        }
    }

    public static func body(_ value: JSON) -> JSON {
        switch value {
        case let .object(pairs):
            return .object(pairs.map { key, v in (key, isSecret(key) ? .string("***") : body(v)) })
        case let .array(items): return .array(items.map(body))
        default: return value
        }
    }

    /// Text in a server's words, that may be JSON cut short (an excerpt in an error): every secret this run
    /// holds, each secret-named key's string value, a secret parameter's value (`token=…`) and any run that
    /// looks like a JWT (`eyJ…`), as `***`, a value cut off by the excerpt's end included.
    public static func text(_ text: String) -> String {
        let chars = Array(known(text, atLeast: 0))
        var out = ""
        var i = 0
        while i < chars.count {
            if chars[i] == "\"", let close = chars[(i + 1)...].firstIndex(of: "\"") {
                let name = String(chars[(i + 1)..<close])
                var j = close + 1
                while j < chars.count, chars[j] == " " { j += 1 }
                if j < chars.count, chars[j] == ":" {
                    j += 1
                    while j < chars.count, chars[j] == " " { j += 1 }
                    if j < chars.count, chars[j] == "\"", isSecret(name) {
                        var end = j + 1
                        while end < chars.count, chars[end] != "\"" { end += chars[end] == "\\" ? 2 : 1 }
                        out += String(chars[i...j]) + "***" + (end < chars.count ? "\"" : "")
                        i = end + 1
                        continue
                    }
                }
            }
            // An Authorization header echoed back: a token after `Bearer `, not a word (`Bearer followed by`).
            if chars[i] == "B" || chars[i] == "b", i + 7 < chars.count, String(chars[i..<(i + 7)]).lowercased() == "bearer " {
                var end = i + 7
                while end < chars.count, !chars[end].isWhitespace, chars[end] != "\"", chars[end] != "'", chars[end] != "," { end += 1 }
                let word = chars[(i + 7)..<end]
                if word.count >= 8, !word.allSatisfy({ $0.isLowercase }), !word.allSatisfy({ $0 == "*" }) {
                    out += String(chars[i..<(i + 7)]) + "***"
                    i = end
                    continue
                }
            }
            // A credential parameter's value (`?token=…`, `client_secret='…'` in a request line echoed back).
            if chars[i] == "=", i + 1 < chars.count, !chars[i + 1].isWhitespace, chars[i + 1] != "*" {
                var start = i
                while start > 0, chars[start - 1].isASCII, chars[start - 1].isLetter || chars[start - 1].isNumber || "_-".contains(chars[start - 1]) { start -= 1 }
                if start < i, isSecretParameter(String(chars[start..<i])) {
                    var end = i + 1
                    let closer: Character? = ["'": "'", "\"": "\"", "(": ")"][chars[i + 1]]
                    if let closer {
                        end = chars[(i + 2)...].firstIndex(of: closer).map { $0 + 1 } ?? chars.count
                    } else {
                        while end < chars.count, !chars[end].isWhitespace, !"&\"',;#)".contains(chars[end]) { end += 1 }
                    }
                    out += "=***"
                    i = end
                    continue
                }
            }
            if chars[i] == "e", i + 3 < chars.count, String(chars[i..<(i + 3)]) == "eyJ" {
                var end = i
                while end < chars.count, chars[end].isASCII, chars[end].isLetter || chars[end].isNumber || "-_.".contains(chars[end]) { end += 1 }
                if end - i >= 16 { out += "***"; i = end; continue }
            }
            out.append(chars[i])
            i += 1
        }
        // Last, so a whole JWT or value found above is one `***`.
        return fragments(out)
    }

    /// Secrets this run holds (a password or code read, the tokens of its session), each shown as `***`
    /// wherever a server's words echo it: a server may quote what it was sent in any shape. It is the one
    /// process-wide state here: a secret is learnt deep in a session's renewal and must be hidden in any
    /// message, whichever layer words it; each run starts it afresh.
    private static let remembered = Mutex<Set<String>>([])
    /// Every run of `fragmentLength` bytes of the remembered tokens (ASCII, 24 characters or more).
    private static let pieces = Mutex<Set<ArraySlice<UInt8>>>([])

    /// Keeps a secret to be hidden from what this run prints. Fewer than 4 characters hide nothing worth it.
    public static func remember(_ secret: String?) {
        guard let secret, secret.count >= 4, remembered.withLock({ $0.insert(secret).inserted }) else { return }
        let bytes = Array(secret.utf8)
        guard bytes.count >= 24, bytes.allSatisfy({ $0 < 0x80 }) else { return }
        pieces.withLock { set in
            for start in 0...(bytes.count - fragmentLength) { set.insert(bytes[start..<(start + fragmentLength)]) }
        }
    }

    /// Forgets the secrets of a run that ended (homeserve run in-process, again and again, by tests).
    public static func forgetAll() {
        remembered.withLock { $0.removeAll() }
        pieces.withLock { $0.removeAll() }
    }

    /// `text` with the remembered secrets of at least `length` characters as `***`, longest first.
    public static func known(_ text: String, atLeast length: Int = tokenLength) -> String {
        let secrets = remembered.withLock { $0 }.filter { $0.count >= length }
        guard !secrets.isEmpty else { return text }
        var shown = text
        for secret in secrets.sorted(by: { $0.count > $1.count }) where shown.contains(secret) {
            shown = shown.replacing(secret, with: "***")
        }
        return shown
    }

    /// The length of a held token's piece that is hidden in a server's words: a server quoting part of a
    /// token (a close reason holds at most 123 bytes, too few for a whole one) shows none of it.
    static let fragmentLength = 16

    /// `text` with every run of `fragmentLength` bytes or more that a held token (ASCII, 24 characters or
    /// more) also holds, as `***`.
    static func fragments(_ text: String) -> String {
        let bytes = Array(text.utf8), n = fragmentLength
        guard bytes.count >= n else { return text }
        let pieces = pieces.withLock { $0 }
        guard !pieces.isEmpty else { return text }
        var hidden = [Bool](repeating: false, count: bytes.count)
        var found = false
        for start in 0...(bytes.count - n) where pieces.contains(bytes[start..<(start + n)]) {
            for i in start..<(start + n) { hidden[i] = true }
            found = true
        }
        guard found else { return text }
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if hidden[i] {
                out += Array("***".utf8)
                while i < bytes.count, hidden[i] { i += 1 }
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The length from which a secret is hidden in homeserve's own words too: a token, never a word a
    /// message may hold for its own sake (a password `pending`, a username as password). In a server's
    /// words every remembered secret is hidden.
    public static let tokenLength = 16

    /// A name that holds a credential as a whole word (`token=…`, `client_secret=…`), for text that is not
    /// JSON; `max_tokens=` or `password_reset_required=` do not.
    static func isSecretParameter(_ name: String) -> Bool {
        let lower = name.lowercased().map { $0 == "-" ? "_" : $0 }
        let words = String(lower).split(separator: "_").map(String.init)
        guard let last = words.last else { return false }
        // A paging token (`page_token`, `next_token`) says where a list goes on, and is no one's credential.
        if words.count > 1, ["page", "next", "continuation", "cursor", "sync"].contains(words[words.count - 2]) { return false }
        return ["token", "password", "passwd", "pwd", "secret", "apikey", "otp"].contains(last)
            || words.suffix(2) == ["api", "key"] || words.suffix(2) == ["access", "key"] || words.suffix(2) == ["private", "key"]
    }

    /// A proxy URL without its password (`http://user:***@proxy:3128`), with or without a scheme (curl takes
    /// `user:pw@proxy:3128`); the user info runs to the last `@`, since a password may hold one.
    public static func proxy(_ url: String) -> String {
        guard let userInfo = WebURL.userInfo(in: url), let colon = url[userInfo].firstIndex(of: ":") else { return url }
        return String(url[...colon]) + "***" + String(url[userInfo.upperBound...])
    }

    public static func url(_ url: String) -> String {
        // The fragment too: a redirect's `#access_token=…` (OAuth's implicit grant) is a secret as well.
        let hash = url.firstIndex(of: "#")
        let beforeHash = url[..<(hash ?? url.endIndex)]
        var shown = String(beforeHash)
        if let q = beforeHash.firstIndex(of: "?") {
            shown = String(beforeHash[...q]) + pairs(beforeHash[beforeHash.index(after: q)...])
        }
        if let hash { shown += "#" + pairs(url[url.index(after: hash)...]) }
        return shown
    }

    /// `a=1&token=x` as `a=1&token=***`.
    private static func pairs(_ text: Substring) -> String {
        text.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            let key = pair.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            return pair.contains("=") && isSecret(URLEncoding.decode(key[...])) ? "\(key)=***" : String(pair)
        }.joined(separator: "&")
    }
}

extension HTTPResponse {
    /// The body as UTF-8, which JSON is (RFC 8259 §8.1): one that is not, from a server naming ISO-8859-1 or
    /// Windows-1252 as its charset, is read as that; otherwise what is not UTF-8 is read as U+FFFD, and
    /// `repaired` says so (with the charset named, if any), for a warning once the JSON is read.
    var utf8Body: (bytes: [UInt8], repaired: String?) {
        guard !UTF8Check.isValid(body) else { return (body, nil) }
        let parameters = (header("Content-Type") ?? "").split(separator: ";").dropFirst().map { String($0).trimmed.lowercased() }
        let charset = parameters.first { $0.hasPrefix("charset=") }.map { String($0.dropFirst("charset=".count)).trimmingCharacters(in: "\"") }
        if let charset, SingleByteText.isKnown(charset) { return (SingleByteText.utf8(body, charset: charset), nil) }
        return (body, charset.map { " (charset \($0))" } ?? "")
    }
}
