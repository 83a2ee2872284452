#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Follows one WebSocket channel the way the contract's client does: token in the query string,
/// up to N reconnects a fixed delay apart (the count resets once a message arrives), a fresh token when
/// the old one expired or was refused, and an optional polling fallback that works even with no socket.
final class ChannelFollower {
    struct Policy {
        var attempts = 5
        var delay = 3.0
        var deadline: Double?
        var pollEvery: Double?
        /// With a polling fallback, running out of reconnects is not fatal: polling carries on.
        var socketOptional = false
    }

    let inv: Invocation
    let path: String
    let policy: Policy
    /// Sent once, right after the first successful connection.
    var greeting: String?

    init(inv: Invocation, path: String, policy: Policy) {
        self.inv = inv
        self.path = path
        self.policy = policy
    }

    /// The profile's `ws_url` pairs with the profile's URL; a URL given by flag or environment wins over both,
    /// so `--url staging` never sends the token to production's socket.
    static func socketBase(_ inv: Invocation) throws -> String {
        let overridden = inv.global.string("url") != nil || !(inv.environment["HOMESERVE_URL"] ?? "").isEmpty
        if !overridden, let configured = try inv.session.setting("ws_url") { return configured }
        let base = try inv.client().baseURL
        if base.hasPrefix("https://") { return "wss://" + base.dropFirst(8) }
        if base.hasPrefix("http://") { return "ws://" + base.dropFirst(7) }
        return base
    }

    /// Thrown when the deadline passes, so callers can word a timeout apart from an outage.
    struct DeadlinePassed: Error {}

    /// Runs until `onMessage` or `onPoll` returns true. Throws `DeadlinePassed` at the deadline, exit 9 when
    /// reconnects run out, exit 3 when the token is refused and cannot be refreshed.
    func run(onMessage: (JSON) throws -> Bool, onPoll: () throws -> Bool = { false }) throws {
        let client = try inv.client()
        let base = try ChannelFollower.socketBase(inv)
        var socket: WebSocketClient?
        var failures = 0
        var forceRefresh = false
        var socketGivenUp = false
        var nextPoll = policy.pollEvery.map { Monotonic.now() + $0 }
        defer { socket?.close() }

        func checkDeadline() throws {
            if let deadline = policy.deadline, Monotonic.now() >= deadline { throw DeadlinePassed() }
        }
        func refused(_ why: String) throws {
            guard client.canRefresh else {
                throw CLIError(.notAuthenticated, "\(why), and there is no refresh token to get another; run 'homeserve auth login'")
            }
            forceRefresh = true
            try lost(why)
        }
        func lost(_ why: String) throws {
            socket = nil
            failures += 1
            if failures > policy.attempts {
                if policy.socketOptional {
                    if !socketGivenUp { inv.note("\(why); no more reconnects, polling every \(Int(policy.pollEvery ?? 0))s instead") }
                    socketGivenUp = true
                    return
                }
                throw CLIError(.network, "\(why); gave up after \(policy.attempts) reconnect attempts")
            }
            inv.note("\(why); reconnecting in \(Int(policy.delay))s (attempt \(failures)/\(policy.attempts))")
            let resume = Monotonic.now() + policy.delay
            while Monotonic.now() < resume {
                if interruptRequested != 0 { throw CLIError(.interrupted, "interrupted") }
                try checkDeadline()
                usleep(50_000)
            }
        }

        while true {
            if interruptRequested != 0 { throw CLIError(.interrupted, "interrupted") }
            try checkDeadline()
            if socket == nil && !socketGivenUp {
                let token = try client.accessToken(forceRefresh: forceRefresh)
                forceRefresh = false
                let query = token.map { "?token=" + URLEncoding.component($0) } ?? ""
                if client.verbose { inv.terminal.err("> GET \(Redaction.url(base + path + query)) (WebSocket)") }
                do {
                    socket = try WebSocketClient(url: base + path + query, settings: client.options.transport, path: path + query,
                                                 headers: [])
                    if client.verbose { inv.terminal.err("< 101 Switching Protocols") }
                    if let greeting {
                        try socket?.send(text: greeting)
                        self.greeting = nil
                    }
                } catch let failure as WebSocketFailure {
                    switch failure {
                    case let .rejected(status, _) where status == 401:
                        try refused("the server refused the token (HTTP 401)")
                    case let .rejected(status, _) where status == 403:
                        throw CLIError(.forbidden, "not allowed to follow \(path) (HTTP 403)")
                    case let .rejected(status, _) where status == 404:
                        throw CLIError(.notFound, "no such channel \(path) (HTTP 404)")
                    case let .rejected(status, _):
                        try lost("the WebSocket handshake was answered with HTTP \(status)")
                    case .interrupted:
                        throw CLIError(.interrupted, "interrupted")
                    default:
                        try lost("cannot connect to \(base)\(path): \(describe(failure))")
                    }
                    continue
                }
            }
            var wait = 1.0
            if let deadline = policy.deadline { wait = min(wait, deadline - Monotonic.now()) }
            if let nextPoll { wait = min(wait, nextPoll - Monotonic.now()) }
            if let current = socket {
                do {
                    if let message = try current.receive(timeout: max(0, wait)) {
                        // A connection that delivers is healthy: the reconnect budget starts again. One that is
                        // accepted and closed at once (a refused token) is not, so such loops end.
                        failures = 0
                        if try deliver(message, to: onMessage) { return }
                    }
                } catch let failure as WebSocketFailure {
                    switch failure {
                    case .interrupted:
                        current.close()
                        socket = nil
                        throw CLIError(.interrupted, "interrupted")
                    case let .closed(code, _) where code == 4003 || code == 1008:
                        throw CLIError(.forbidden, "the server closed \(path): not allowed (close code \(code!))")
                    case let .closed(code, _) where code == 4004:
                        throw CLIError(.notFound, "no such channel \(path) (close code 4004)")
                    case let .closed(code, _) where code == 4001:
                        try refused("the server closed the connection: token refused (close code 4001)")
                    default:
                        try lost("connection to \(path) lost: \(describe(failure))")
                    }
                }
            } else if wait > 0 {
                usleep(useconds_t(min(wait, 0.2) * 1_000_000))
            }
            if let due = nextPoll, Monotonic.now() >= due {
                if try onPoll() { return }
                nextPoll = Monotonic.now() + (policy.pollEvery ?? 30)
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

    private func describe(_ failure: WebSocketFailure) -> String {
        switch failure {
        case let .connection(message): return message
        case let .closed(code, reason): return "closed" + (code.map { " with code \($0)" } ?? "") + (reason.isEmpty ? "" : " (\(reason))")
        case let .protocolViolation(error): return "protocol error: \(error.reason)"
        case let .rejected(status, _): return "HTTP \(status)"
        case .interrupted: return "interrupted"
        }
    }
}
