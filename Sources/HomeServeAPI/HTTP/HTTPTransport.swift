import HomeServeCore

/// What carries requests: libcurl in the program, a stub in tests. Requests are started and their
/// completions collected, so several can be in flight at once (the concurrent page walk); `perform` is
/// the one-at-a-time case.
public protocol HTTPTransport: AnyObject {
    /// Sends one request and waits for its answer; completions of other requests stay queued for `next`.
    func perform(_ request: HTTPRequest) throws(TransportError) -> HTTPResponse
    /// Starts a request and returns its id.
    func start(_ request: HTTPRequest) -> Int
    /// The next finished request, waiting at most `timeout` seconds; nil when none finished in time or
    /// nothing is in flight.
    func next(timeout: Double) -> HTTPCompletion?
    /// Abandons a request; its completion is never reported.
    func cancel(_ id: Int)
    /// How many requests are in flight.
    var inFlight: Int { get }
    /// At most this many connections to one host (1 = one after another on a kept-alive connection).
    var connectionLimit: Int { get set }
}

public struct HTTPCompletion {
    public var id: Int
    public var result: Result<HTTPResponse, TransportError>

    public init(id: Int, result: Result<HTTPResponse, TransportError>) {
        self.id = id
        self.result = result
    }
}

public struct TransportError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case resolve, connect, tls, timeout, send, receive
        /// An https URL for a server that answered the handshake in plain text.
        case notTLS
        /// Connected, but the TLS handshake did not finish in time: a slow server, or one that speaks
        /// plain http and waits for a request.
        case handshakeTimeout
        /// The connection closed before the whole body (by its Content-Length) arrived.
        case truncated
        /// The body passed `bodyLimit`.
        case tooLarge(limit: Int)
        /// The response sink could not write (a full disk, a closed pipe).
        case sinkFailed
        /// A file to upload could not be opened when the request was sent (removed since it was checked):
        /// the request stopped unfinished, so the server has nothing it could act on.
        case localFile
        /// The server answered, but not in HTTP that can be read: not HTTP at all (HTTP/0.9, other bytes), or
        /// a body whose Content-Encoding or Transfer-Encoding cannot be decoded.
        case unreadable
        /// The user interrupted.
        case cancelled
        case other
    }

    public var kind: Kind
    public var message: String
    /// Whether any of the request reached the server: a POST that may have is never repeated.
    public var sent: Bool
    /// Set by the client: the request reached the server and was a change not safe to send again (a POST
    /// or PATCH, not a login), which the server may have made before the failure.
    public var changeMayHaveHappened = false

    public init(_ kind: Kind, _ message: String, sent: Bool) {
        self.kind = kind
        self.message = message
        self.sent = sent
    }

    public var description: String { message }

    /// Worth another attempt: the network, not the request, was at fault.
    public var isTransient: Bool {
        switch kind {
        case .resolve, .connect, .timeout, .handshakeTimeout, .send, .receive, .truncated, .other: return true
        case .tls, .notTLS, .unreadable, .tooLarge, .sinkFailed, .localFile, .cancelled: return false
        }
    }
}
