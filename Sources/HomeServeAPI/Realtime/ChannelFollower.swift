import HomeServeCore

/// Why following a channel ended without the caller's condition being met.
public enum FollowError: Error, Sendable {
    /// The overall deadline passed.
    case deadlinePassed
    /// Reconnects ran out (`attempts` 0: a single connection's failure); `status` is the HTTP status the
    /// last handshake was answered with, if any, and `unusable` says the server's frames could not be read
    /// (they broke the protocol, or were too large).
    case gaveUp(reason: String, attempts: Int, status: Int?, unusable: Bool)
    /// The handshake was answered with a status another attempt would not change (a redirect, a 400).
    case rejected(path: String, status: Int, detail: String)
    /// The server refused the token and it cannot be replaced.
    case tokenRefused(reason: String)
    case forbidden(path: String, detail: String)
    case notFound(path: String, detail: String)
    /// TLS failed on connecting; not retried. `plainHTTP`: the server answered in plain text.
    case tls(url: String, reason: String, plainHTTP: Bool)
}

extension FollowError {
    /// What a handshake answered with an HTTP status says: the server's message from a JSON body, what an
    /// HTML or other page looks like, else the body as it is.
    public static func handshakeDetail(status: Int, body: String, _ what: String = "") -> String {
        let bytes = Array(body.utf8)
        let said = (try? JSON.parse(bytes)).flatMap { ErrorBody.read($0).message } ?? ErrorBody.summary(ofNonJSON: bytes) ?? body
        return "HTTP \(status)" + what + (said.isEmpty ? "" : ": " + said)
    }

    /// One connection's failure, in the terms a follow reports it (a command that opens a socket once: smoke).
    public static func of(_ failure: WebSocketFailure, path: String, url: String) -> any Error {
        switch failure {
        case let .rejected(status, body) where HTTPStatus.isUnauthorized(status):
            return FollowError.tokenRefused(reason: "the server refused the token (\(handshakeDetail(status: status, body: body)))")
        case let .rejected(status, body) where HTTPStatus.isForbidden(status):
            return FollowError.forbidden(path: path, detail: handshakeDetail(status: status, body: body))
        case let .rejected(status, body) where HTTPStatus.isNotFound(status):
            return FollowError.notFound(path: path, detail: handshakeDetail(status: status, body: body))
        case let .rejected(status, body) where !HTTPStatus.isRedirect(status) && !(400..<600).contains(status):
            // A 200 is something that does not speak WebSocket: an answer that cannot be used.
            return FollowError.gaveUp(reason: "the WebSocket handshake for \(path) was answered with \(handshakeDetail(status: status, body: body))",
                                      attempts: 0, status: status, unusable: true)
        case let .rejected(status, body):
            return FollowError.rejected(path: path, status: status, detail: handshakeDetail(status: status, body: body))
        // Closed as soon as it opened: Channels' consumers refuse a connection by closing it after the upgrade.
        case let .closed(code, _) where code == 4001:
            return FollowError.tokenRefused(reason: "the server closed \(path) as it opened: token refused (close code 4001)")
        case let .closed(code?, reason) where code == 4003 || code == 1008:
            return FollowError.forbidden(path: path, detail: "close code \(code)\(reason.isEmpty ? "" : ": " + Redaction.text(reason))")
        case let .closed(code?, reason) where code == 4004:
            return FollowError.notFound(path: path, detail: "close code 4004\(reason.isEmpty ? "" : ": " + Redaction.text(reason))")
        case .closed:
            return FollowError.gaveUp(reason: "the server closed \(path) as it opened: \(ChannelFollower.describe(failure))", attempts: 0, status: nil, unusable: false)
        case let .tls(reason, plainHTTP):
            return FollowError.tls(url: url, reason: reason, plainHTTP: plainHTTP)
        case .interrupted:
            return Cancelled()
        default:
            return FollowError.gaveUp(reason: "cannot connect to \(url): \(ChannelFollower.describe(failure))", attempts: 0, status: nil, unusable: failure.brokeProtocol)
        }
    }
}

/// Follows one WebSocket channel the way the contract's client does: token in the query string,
/// up to N reconnects a fixed delay apart (the count resets once a message arrives), a fresh token when
/// the old one expired or was refused, and an optional polling fallback that works even with no socket.
/// Every wait — connecting, the handshake, reading, the delay between reconnects — ends at the deadline.
public final class ChannelFollower {
    public struct Policy: Sendable {
        public var attempts = 5
        public var delay = 3.0
        /// Monotonic time at which to give up with `FollowError.deadlinePassed`.
        public var deadline: Double?
        public var pollEvery: Double?
        /// With a polling fallback, running out of reconnects is not fatal: polling carries on.
        public var socketOptional = false
        /// The longest a connection and its handshake may take.
        public var connectTimeout = 30.0
        public init() {}
    }

    public struct Session {
        /// The access token for the URL; `forced` after the server refused the last one.
        public var token: (_ forced: Bool) throws -> String?
        public var canRenew: () -> Bool

        public init(token: @escaping (_ forced: Bool) throws -> String?, canRenew: @escaping () -> Bool) {
            self.token = token
            self.canRenew = canRenew
        }
    }

    let connector: WebSocketConnector
    let url: String
    let path: String
    let policy: Policy
    let clock: any Clock
    let session: Session
    let note: (String) -> Void
    let log: ((String) -> Void)?
    /// Sent once, right after the first successful connection; again on the next only where the server
    /// refused the connection it went on (close 4001) before sending anything on it: it was never taken.
    public var greeting: String?
    /// The greeting sent on the open connection, until that connection delivers a message.
    private var unconfirmedGreeting: String?
    /// Why the socket is down, while it is (not yet connected, or lost and not back).
    public private(set) var down: String? = "not connected yet"
    /// Why the socket is down, when the server said it: the status the last handshake was answered with, or
    /// `unusable` for answers that could not be used (frames that break the protocol). Nil for a network
    /// that failed.
    public private(set) var downAnswer: (status: Int?, unusable: Bool)?
    /// Why the last poll failed, until one succeeds.
    public private(set) var pollFailure: String?

    public init(connector: WebSocketConnector, base: WebURL, path: String, policy: Policy, clock: any Clock, session: Session,
                note: @escaping (String) -> Void, log: ((String) -> Void)?) {
        self.connector = connector
        self.url = base.description + path
        self.path = path
        self.policy = policy
        self.clock = clock
        self.session = session
        self.note = note
        self.log = log
    }

    /// Runs until `onMessage` or `onPoll` returns true.
    public func run(onMessage: (JSON) throws -> Bool, onPoll: () throws -> Bool = { false }) throws {
        var socket: WebSocketConnection?
        var failures = 0
        var forceRefresh = false
        var socketGivenUp = false
        var nextPoll = policy.pollEvery.map { clock.monotonic() + $0 }
        /// When the next connection may be tried: a reconnect waits its delay, polls go on meanwhile.
        var reconnectAt: Double?
        defer { socket?.close() }

        func timeLeft() -> Double? { policy.deadline.map { $0 - clock.monotonic() } }
        func checkDeadline() throws {
            if let left = timeLeft(), left <= 0 { throw FollowError.deadlinePassed }
        }
        /// The token refused (a 401 to the handshake, close code 4001): renewed and tried again, and, refused
        /// to the last attempt, the session's failure (a 401's), not the network's.
        func refused(_ why: String) throws {
            guard session.canRenew() else { throw FollowError.tokenRefused(reason: why) }
            forceRefresh = true
            try lost(why, status: 401)
        }
        func lost(_ why: String, status: Int? = nil, unusable: Bool = false) throws {
            socket = nil
            down = why
            downAnswer = status != nil || unusable ? (status, unusable) : nil
            failures += 1
            if failures > policy.attempts {
                if policy.socketOptional {
                    if !socketGivenUp { note("\(why); no more reconnects, polling every \(Int(policy.pollEvery ?? 0))s instead") }
                    socketGivenUp = true
                    return
                }
                throw FollowError.gaveUp(reason: why, attempts: policy.attempts, status: status, unusable: unusable)
            }
            note("\(why); reconnecting in \(Int(policy.delay))s (attempt \(failures)/\(policy.attempts))")
            reconnectAt = clock.monotonic() + policy.delay
        }

        while true {
            try checkDeadline()
            // Polling goes on while the socket reconnects, not only once it is given up; a poll the network
            // fails is tried again at the next one, as a lost socket is reconnected.
            if let due = nextPoll, clock.monotonic() >= due {
                do {
                    let done = try onPoll()
                    pollFailure = nil
                    if done { return }
                } catch let APIError.transport(failure, method, _) where failure.kind != .cancelled {
                    pollFailure = failure.message
                    note("the poll (\(method)) failed: \(failure.message); polling again in \(Int(policy.pollEvery ?? 30))s")
                }
                nextPoll = clock.monotonic() + (policy.pollEvery ?? 30)
            }
            if socket == nil && !socketGivenUp, let at = reconnectAt, clock.monotonic() < at {
                let wait = [at, nextPoll ?? at, policy.deadline ?? at].map { $0 - clock.monotonic() }.min() ?? 0
                if wait > 0 { try clock.sleep(wait) }
                continue
            }
            if socket == nil && !socketGivenUp {
                let token = try session.token(forceRefresh)
                Redaction.remember(token)
                forceRefresh = false
                let query = token.map { "?token=" + URLEncoding.component($0) } ?? ""
                log?("> GET \(Redaction.url(url + query)) (WebSocket)")
                do {
                    let timeout = max(0.001, min(policy.connectTimeout, timeLeft() ?? policy.connectTimeout))
                    let connection = try connector.connect(url: url + query, timeout: timeout)
                    socket = connection
                    down = nil
                    downAnswer = nil
                    log?("< 101 Switching Protocols")
                    if let greeting {
                        try connection.send(text: greeting)
                        unconfirmedGreeting = greeting
                        self.greeting = nil
                    }
                } catch {
                    switch error {
                    case let .rejected(status, body) where HTTPStatus.isUnauthorized(status):
                        try refused("the server refused the token (\(FollowError.handshakeDetail(status: status, body: body)))")
                    case let .rejected(status, body) where HTTPStatus.isRedirect(status) || (400..<500).contains(status) && ![408, 429].contains(status):
                        // Another attempt would be answered the same; with polling to fall back on, polling carries on.
                        let detail = FollowError.handshakeDetail(status: status, body: body,
                                                                 HTTPStatus.isRedirect(status) ? ", a redirect, which a WebSocket does not follow" : "")
                        // A 403 or 404 is the channel's (sockets not served there, or not to this user): with
                        // polling to fall back on, what the poll reads answers for the rest.
                        guard policy.socketOptional else {
                            if HTTPStatus.isForbidden(status) || HTTPStatus.isNotFound(status) { throw FollowError.of(error, path: path, url: url) }
                            throw FollowError.rejected(path: path, status: status, detail: detail)
                        }
                        note("the WebSocket handshake for \(path) was answered with \(detail); polling every \(Int(policy.pollEvery ?? 0))s instead")
                        socketGivenUp = true
                    case let .rejected(status, _):
                        try lost("the WebSocket handshake was answered with HTTP \(status)", status: status)
                    case .interrupted:
                        throw Cancelled()
                    case let .tls(reason, plainHTTP):
                        // Not worth another attempt; with polling to fall back on, polling carries on.
                        guard policy.socketOptional else { throw FollowError.tls(url: url, reason: reason, plainHTTP: plainHTTP) }
                        note("cannot connect to \(url): TLS failed: \(reason); polling every \(Int(policy.pollEvery ?? 0))s instead")
                        socketGivenUp = true
                    default:
                        try lost("cannot connect to \(url): \(Self.describe(error))", unusable: error.brokeProtocol)
                    }
                    continue
                }
            }
            var wait = 1.0
            if let left = timeLeft() { wait = min(wait, left) }
            if let nextPoll { wait = min(wait, nextPoll - clock.monotonic()) }
            if let current = socket {
                do {
                    if let message = try current.receive(timeout: max(0, wait)) {
                        // A connection that delivers is healthy: the reconnect budget starts again. One that is
                        // accepted and closed at once (a refused token) is not, so such loops end.
                        failures = 0
                        unconfirmedGreeting = nil
                        if try deliver(message, to: onMessage) { return }
                    }
                } catch let error as WebSocketFailure {
                    // The greeting went on this connection; only its refusal (4001) before delivering anything
                    // says it was not taken.
                    let sentHere = unconfirmedGreeting
                    unconfirmedGreeting = nil
                    switch error {
                    case .interrupted:
                        current.close()
                        socket = nil
                        throw Cancelled()
                    case let .closed(code?, reason) where [4003, 1008, 4004].contains(code):
                        let refusal = FollowError.of(error, path: path, url: url)
                        guard policy.socketOptional else { throw refusal }
                        current.close()
                        socket = nil
                        socketGivenUp = true
                        note("the server closed \(path) with code \(code)\(reason.isEmpty ? "" : ": " + Redaction.text(reason)); polling every \(Int(policy.pollEvery ?? 0))s instead")
                    case let .closed(code, _) where code == 4001:
                        if let sentHere { greeting = sentHere }
                        try refused("the server closed the connection: token refused (close code 4001)")
                    default:
                        try lost("connection to \(path) lost: \(Self.describe(error))", unusable: error.brokeProtocol)
                    }
                }
            } else if wait > 0 {
                try clock.sleep(min(wait, 0.2))
            }
        }
    }

    private func deliver(_ message: MessageAssembler.Message, to onMessage: (JSON) throws -> Bool) throws -> Bool {
        switch message {
        case let .text(text): return try onMessage((try? JSON.parse(text)) ?? .string(text))
        case let .binary(bytes): return try onMessage(.object([("type", .string("binary")), ("data", .string(Base64.encode(bytes)))]))
        default: return false
        }
    }

    static func describe(_ failure: WebSocketFailure) -> String {
        switch failure {
        case let .connection(message): return message
        case let .tls(message, _): return "TLS failed: " + message
        case let .closed(code, reason): return "closed" + (code.map { " with code \($0)" } ?? "") + (reason.isEmpty ? "" : " (\(Redaction.text(reason)))")
        case let .protocolViolation(error): return "protocol error: \(error.reason)"
        case let .rejected(status, _): return "HTTP \(status)"
        case .interrupted: return "interrupted"
        }
    }
}
