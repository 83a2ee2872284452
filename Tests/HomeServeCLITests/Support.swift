import HomeServeAPI
@testable import HomeServeCLI
import HomeServeCore
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A clock that moves only when slept on (or told to), so retry and refresh tests never wait.
final class FakeClock: Clock, @unchecked Sendable {
    // Only the test's own thread touches it; @unchecked because Clock is Sendable for the real clock's sake.
    var wall: Double
    var mono = 1000.0
    var slept: [Double] = []
    let cancellation: Cancellation

    init(now: Double = 1_796_040_000, cancellation: Cancellation = Cancellation()) {
        wall = now
        self.cancellation = cancellation
    }

    func now() -> Double { wall }
    func monotonic() -> Double { mono }
    /// Sleeps that did not move time, in a row: a loop waiting on them would spin for ever.
    private var idleSleeps = 0

    func sleep(_ seconds: Double) throws(Cancelled) {
        try cancellation.check()
        idleSleeps = seconds > 0 ? 0 : idleSleeps + 1
        if idleSleeps > 10_000 {
            XCTFail("a loop keeps sleeping for 0 s: it would spin without waiting")
            throw Cancelled()
        }
        slept.append(seconds)
        advance(seconds)
    }

    func advance(_ seconds: Double) {
        wall += seconds
        mono += seconds
    }
}

/// httpmock for homeserve: register what each request gets; every stub must be used, and a request
/// nothing was registered for fails the test.
final class StubTransport: HTTPTransport {
    struct Stub {
        var method: String
        /// The path, or path?query when the query must match exactly.
        var path: String
        var reply: Result<HTTPResponse, TransportError>
        var remaining: Int
        var onRequest: ((HTTPRequest) -> Void)?
        /// Seconds the server takes to answer: a request whose timeout is shorter times out after it was sent.
        var takes: Double?
        /// For a failure: the headers and the part of a body that came before it, handed to a sink that takes them.
        var cutShort: (headers: [(String, String)], body: [UInt8])?
    }

    var stubs: [Stub] = []
    private(set) var requests: [HTTPRequest] = []
    var connectionLimit = 1 { didSet { connectionLimits.append(connectionLimit) } }
    /// Every connection limit set, in order.
    private(set) var connectionLimits: [Int] = []
    /// Concurrent requests are answered newest first, so a walk cannot rely on the order pages arrive in.
    var answerNewestFirst = false
    /// The largest number of requests that were in flight at once.
    private(set) var mostInFlight = 0
    private var pending: [(id: Int, request: HTTPRequest)] = []
    private var lastID = 0
    var unmatched: [String] = []

    @discardableResult
    func register(_ method: String, _ path: String, status: Int = 200, json: String? = nil, body: [UInt8]? = nil,
                  headers: [(String, String)] = [], times: Int = 1, takes: Double? = nil, onRequest: ((HTTPRequest) -> Void)? = nil) -> StubTransport {
        var allHeaders = headers
        if json != nil && !headers.contains(where: { $0.0.lowercased() == "content-type" }) { allHeaders.append(("Content-Type", "application/json")) }
        let response = HTTPResponse(status: status, headers: allHeaders, body: body ?? Array((json ?? "").utf8), seconds: 0.001)
        stubs.append(Stub(method: method, path: path, reply: .success(response), remaining: times, onRequest: onRequest, takes: takes))
        return self
    }

    @discardableResult
    func fail(_ method: String, _ path: String, _ kind: TransportError.Kind, message: String? = nil, sent: Bool = false, times: Int = 1) -> StubTransport {
        stubs.append(Stub(method: method, path: path, reply: .failure(TransportError(kind, message ?? "stubbed \(kind)", sent: sent)), remaining: times))
        return self
    }

    /// A 200 whose body stops after `body` (the connection lost): a sink gets those bytes, then the failure.
    @discardableResult
    func cut(_ method: String, _ path: String, headers: [(String, String)], body: [UInt8]) -> StubTransport {
        stubs.append(Stub(method: method, path: path, reply: .failure(TransportError(.truncated, "Transferred a partial file", sent: true)), remaining: 1,
                          cutShort: (headers, body)))
        return self
    }

    func perform(_ request: HTTPRequest) throws(TransportError) -> HTTPResponse {
        requests.append(request)
        let url = request.url
        let rest = WebURL.splitAbsolute(url)?.rest ?? url
        let path = String(rest.prefix { $0 != "?" })
        guard let index = stubs.firstIndex(where: { $0.remaining > 0 && $0.method == request.method && ($0.path == rest || $0.path == path) }) else {
            unmatched.append("\(request.method) \(rest)")
            return HTTPResponse(status: 599, headers: [("Content-Type", "application/json")], body: Array("{\"detail\": \"no stub for \(request.method) \(rest)\"}".utf8))
        }
        stubs[index].remaining -= 1
        stubs[index].onRequest?(request)
        if let takes = stubs[index].takes, request.timeout < takes {
            throw TransportError(.timeout, "Operation timed out after \(Int(request.timeout * 1000)) milliseconds with 0 bytes received", sent: true)
        }
        if let (headers, body) = stubs[index].cutShort, let sink = request.sink, sink.accepts(status: 200, headers: headers) {
            _ = body.withUnsafeBytes { sink.write($0) }
        }
        var response = try stubs[index].reply.get()
        // As libcurl: a sink is asked with the first bytes of a body, so never for an empty one.
        if let sink = request.sink, !response.body.isEmpty, sink.accepts(status: response.status, headers: response.headers) {
            let ok = response.body.withUnsafeBytes { sink.write($0) }
            if !ok { throw TransportError(.sinkFailed, "sink failed", sent: true) }
            response.streamedBytes = response.body.count
            response.body = []
        } else if response.body.count > request.bodyLimit {
            throw TransportError(.tooLarge(limit: request.bodyLimit), "too large", sent: true)
        }
        return response
    }

    func start(_ request: HTTPRequest) -> Int {
        lastID += 1
        pending.append((lastID, request))
        mostInFlight = max(mostInFlight, pending.count)
        return lastID
    }

    func next(timeout: Double) -> HTTPCompletion? {
        guard !pending.isEmpty else { return nil }
        let (id, request) = answerNewestFirst ? pending.removeLast() : pending.removeFirst()
        do { return HTTPCompletion(id: id, result: .success(try perform(request))) } catch { return HTTPCompletion(id: id, result: .failure(error)) }
    }

    func cancel(_ id: Int) { pending.removeAll { $0.id == id } }
    var inFlight: Int { pending.count }

    /// Requests as `METHOD /path?query`.
    var log: [String] { requests.map { "\($0.method) \(WebURL.splitAbsolute($0.url)?.rest ?? $0.url)" } }

    func verify(file: StaticString = #filePath, line: UInt = #line) {
        for stub in stubs where stub.remaining > 0 {
            XCTFail("stub not used: \(stub.method) \(stub.path) (\(stub.remaining) left)", file: file, line: line)
        }
        for request in unmatched { XCTFail("no stub for \(request)", file: file, line: line) }
    }
}

/// A scripted WebSocket server: each connection gets the next script.
final class StubWebSockets: WebSocketConnector {
    enum Step {
        case message(String)
        case close(UInt16, reason: String = "")
        case idle(Double)
    }

    var connections: [Result<[Step], WebSocketFailure>] = []
    var urls: [String] = []
    var sent: [String] = []
    let clock: FakeClock

    init(clock: FakeClock) { self.clock = clock }

    func connect(url: String, timeout: Double) throws(WebSocketFailure) -> WebSocketConnection {
        urls.append(url)
        guard !connections.isEmpty else {
            clock.advance(timeout)
            throw WebSocketFailure.connection("no handshake response in time")
        }
        return Connection(steps: try connections.removeFirst().get(), owner: self)
    }

    final class Connection: WebSocketConnection {
        var steps: [Step]
        let owner: StubWebSockets
        init(steps: [Step], owner: StubWebSockets) {
            self.steps = steps
            self.owner = owner
        }
        func send(text: String) throws(WebSocketFailure) { owner.sent.append(text) }
        func receive(timeout: Double) throws(WebSocketFailure) -> MessageAssembler.Message? {
            guard !steps.isEmpty else {
                owner.clock.advance(timeout)
                return nil
            }
            switch steps.removeFirst() {
            case let .message(text): return .text(text)
            case let .close(code, reason): throw WebSocketFailure.closed(code: code, reason: reason)
            case let .idle(seconds):
                owner.clock.advance(min(seconds, timeout))
                return nil
            }
        }
        func close() {}
    }
}

/// One in-process run of `homeserve`, everything outside it stubbed.
final class Harness {
    let transport = StubTransport()
    let clock: FakeClock
    let cancellation = Cancellation()
    let sockets: StubWebSockets
    let configDir: String
    var environment: [String: String]
    var stdoutTTY = false
    var stderrTTY = false
    var stdinTTY = false
    var terminalWidth: Int?
    /// Fail stdout writes with this errno after this many bytes.
    var stdoutFailure: (after: Int, code: Int32)?

    init(environment: [String: String] = [:]) {
        clock = FakeClock(cancellation: cancellation)
        sockets = StubWebSockets(clock: clock)
        configDir = temporaryDirectory()
        self.environment = ["HOMESERVE_CONFIG_DIR": configDir, "HOMESERVE_URL": "https://api.test", "TZ": "UTC"]
        self.environment.merge(environment) { $1 }
    }

    struct Outcome {
        var status: Int32
        var out: String
        var err: String
        var outBytes: [UInt8]
        var json: JSON { (try? JSON.parse(outBytes)) ?? .null }
    }

    @discardableResult
    func run(_ arguments: [String], stdin: String = "", secret: String? = nil) -> Outcome {
        var out: [UInt8] = []
        var err: [UInt8] = []
        let failure = stdoutFailure
        let stdout = OutputChannel(name: "standard output", isTerminal: stdoutTTY, width: terminalWidth) { bytes in
            if let failure, out.count + bytes.count > failure.after {
                out += bytes.prefix(max(0, failure.after - out.count))
                return failure.code
            }
            out += bytes
            return 0
        }
        let stderr = OutputChannel(name: "standard error", isTerminal: stderrTTY, autoFlush: true) { bytes in
            err += bytes
            return 0
        }
        let transport = self.transport, sockets = self.sockets
        let context = Context(stdin: .text(stdin, isTerminal: stdinTTY, secret: secret), stdout: stdout, stderr: stderr, environment: environment,
                              transport: { _ in transport }, webSockets: { _ in sockets }, clock: clock, random: { 0.5 },
                              cancellation: cancellation)
        let status = HomeServe.run(arguments, context: context)
        return Outcome(status: status, out: String(decoding: out, as: UTF8.self), err: String(decoding: err, as: UTF8.self), outBytes: out)
    }

    var credentialsPath: String { configDir + "/credentials.json" }
    var credentials: JSON { (try? JSON.parse(FileFacts.contents(credentialsPath))) ?? .null }
    var settings: JSON { (try? JSON.parse(FileFacts.contents(configDir + "/settings.json"))) ?? .null }

    /// Stores a session for the profile as `auth login` would.
    func storeSession(access: String, refresh: String? = nil, user: JSON = ["id": 1, "username": "customer1", "role": "customer"], profile: String = "default",
                      url: String? = nil) {
        var file = (try? ProfileFile.load(credentialsPath)) ?? ProfileFile(path: credentialsPath)
        file[profile] = .object([("access", .string(access)), ("refresh", refresh.map(JSON.string) ?? .null), ("user", user),
                                 ("url", .string(url ?? environment["HOMESERVE_URL"] ?? "https://api.test"))])
        try? file.save()
    }

    func writeSettings(_ profiles: JSON) {
        try? AtomicFile.write(configDir + "/settings.json", JSON.object([("profiles", profiles)]).bytes(), mode: 0o600)
    }

    /// A JWT with the given expiry (seconds from the fake clock's now) and life.
    func token(expiresIn seconds: Int, life: Int = 300, userID: Int = 1, tag: String = "") -> String {
        let exp = Int(clock.now()) + seconds
        let claims = JSON.object([("token_type", "access"), ("exp", .int(exp)), ("iat", .int(exp - life)), ("user_id", .int(userID)), ("jti", .string("t\(tag)\(exp)"))])
        func encode(_ value: JSON) -> String {
            Base64.encode(value.bytes()).replacing("+", with: "-").replacing("/", with: "_").replacing("=", with: "")
        }
        return encode(["alg": "HS256", "typ": "JWT"]) + "." + encode(claims) + ".c2lnbmF0dXJl"
    }
}

func temporaryDirectory() -> String {
    var template = Array("/tmp/homeserve-test-XXXXXX".utf8CString)
    return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
}

/// A DRF page of `count` items starting at `first`, with a next link when more follow.
func drfPage(_ range: Range<Int>, total: Int, page: Int, size: Int, path: String = "/api/bookings/", base: String = "https://api.test") -> String {
    let items = range.map { "{\"id\": \($0), \"status\": \"pending\", \"name\": \"item \($0)\"}" }.joined(separator: ",")
    let next = page * size < total ? "\"\(base)\(path)?page=\(page + 1)\"" : "null"
    let previous = page > 1 ? "\"\(base)\(path)?page=\(page - 1)\"" : "null"
    return "{\"count\": \(total), \"next\": \(next), \"previous\": \(previous), \"results\": [\(items)]}"
}

/// Runs a command line in-process against a stub server that knows nothing: for dry runs, help and local
/// validation, which must never send a request.
func runCLI(_ args: [String], environment extra: [String: String] = [:], tty: Bool = false, stdin: String = "") -> (Int32, String, String) {
    let harness = Harness(environment: ["HOMESERVE_URL": "http://127.0.0.1:9"].merging(extra) { $1 })
    harness.stdoutTTY = tty
    let outcome = harness.run(args, stdin: stdin)
    XCTAssertTrue(harness.transport.requests.isEmpty || !args.contains("--dry-run"), "a dry run sent \(harness.transport.log)")
    return (outcome.status, outcome.out, outcome.err)
}

/// A tool or build a test needs is missing: a skip on a developer's machine, a failure where
/// HOMESERVE_TEST_STRICT is set (scripts/test, hence CI), so CI never passes by skipping.
func missing(_ what: String) -> Error {
    struct Missing: Error, CustomStringConvertible { let description: String }
    if ProcessInfo.processInfo.environment["HOMESERVE_TEST_STRICT"] != nil { return Missing(description: "\(what) (required by HOMESERVE_TEST_STRICT)") }
    return XCTSkip(what)
}

extension Harness {
    /// Stores a session whose access token is good for an hour, as `auth login` would.
    @discardableResult
    func logIn(profile: String = "default", refresh: String? = "refresh-1") -> String {
        let access = token(expiresIn: 3600, life: 3600, tag: profile)
        storeSession(access: access, refresh: refresh, profile: profile)
        return access
    }

    /// The token endpoints' answer for a new pair.
    func tokenReply(access: String, refresh: String = "refresh-2") -> String {
        #"{"access": "\#(access)", "refresh": "\#(refresh)"}"#
    }
}

extension HTTPRequest {
    var bearer: String? { header("Authorization").map { String($0.dropFirst("Bearer ".count)) } }
    var json: JSON? {
        if case let .json(value) = body { return value }
        return nil
    }
}

/// Fails unless `text` contains every fragment.
func XCTAssertContains(_ text: String, _ fragments: String..., file: StaticString = #filePath, line: UInt = #line) {
    for fragment in fragments where !text.contains(fragment) {
        XCTFail("\(text.debugDescription) lacks \(fragment.debugDescription)", file: file, line: line)
    }
}

/// The lines of a text, without the last newline.
func lines(_ text: String) -> [String] {
    text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\n") ? 1 : 0).map(String.init)
}
