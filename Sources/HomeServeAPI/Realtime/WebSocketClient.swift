import CCrypto
import CCurl
import HomeServeCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum WebSocketFailure: Error, Sendable {
    /// The handshake was answered with an HTTP status instead of 101.
    case rejected(status: Int, body: String)
    case closed(code: UInt16?, reason: String)
    case connection(String)
    /// TLS failed (not retried); `plainHTTP`: the server answered the handshake in plain text.
    case tls(String, plainHTTP: Bool)
    case protocolViolation(WebSocketProtocolError)
    case interrupted

    /// The server's frames or handshake answer could not be read: the server's fault, not the network's.
    public var brokeProtocol: Bool {
        if case .protocolViolation = self { return true }
        return false
    }
}

/// An open WebSocket: the follower's view, so tests can script a server without a socket.
public protocol WebSocketConnection: AnyObject {
    func send(text: String) throws(WebSocketFailure)
    /// The next text or binary message, or nil when `timeout` passes first.
    func receive(timeout: Double) throws(WebSocketFailure) -> MessageAssembler.Message?
    func close()
}

public protocol WebSocketConnector {
    /// Connects and completes the handshake within `timeout` seconds.
    func connect(url: String, timeout: Double) throws(WebSocketFailure) -> WebSocketConnection
}

public struct CurlWebSocketConnector: WebSocketConnector {
    public let settings: CurlTransport.Settings
    public let cancellation: Cancellation

    public init(settings: CurlTransport.Settings, cancellation: Cancellation) {
        self.settings = settings
        self.cancellation = cancellation
    }

    public func connect(url: String, timeout: Double) throws(WebSocketFailure) -> WebSocketConnection {
        try WebSocketClient(url: url, settings: settings, timeout: timeout, cancellation: cancellation)
    }
}

/// An RFC 6455 client on a libcurl connect-only connection, so TCP, TLS, proxies and CA settings are
/// exactly those of the HTTP requests.
public final class WebSocketClient: WebSocketConnection {
    public static let maxMessage = 16 << 20
    private let handle: UnsafeMutableRawPointer
    private let cancellation: Cancellation
    private var socket: curl_socket_t = -1
    private var buffer: [UInt8] = []
    /// Bytes before this index have been decoded; the buffer is compacted once in a while, not per frame.
    private var consumed = 0
    private var assembler = MessageAssembler(maxMessage: WebSocketClient.maxMessage)
    private var closeSent = false

    public init(url: String, settings: CurlTransport.Settings, timeout: Double, cancellation: Cancellation) throws(WebSocketFailure) {
        _ = CurlTransport.globalInit
        guard let handle = curl_easy_init() else { throw WebSocketFailure.connection("libcurl could not create a handle") }
        self.handle = handle
        self.cancellation = cancellation
        let deadline = Monotonic.now() + timeout
        // libcurl connects to the http(s) twin of the ws(s) URL; the upgrade is ours to speak.
        let connectURL = url.hasPrefix("wss://") ? "https://" + url.dropFirst(6) : url.hasPrefix("ws://") ? "http://" + url.dropFirst(5) : url
        hs_setopt_str(handle, CURLOPT_URL, connectURL)
        hs_setopt_long(handle, CURLOPT_CONNECT_ONLY, 1)
        hs_setopt_long(handle, CURLOPT_HTTPPROXYTUNNEL, 1)
        hs_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, max(1, Int(min(timeout, 10) * 1000)))
        hs_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        if settings.insecure {
            hs_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 0)
            hs_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 0)
        }
        if let ca = settings.caFile { hs_setopt_str(handle, CURLOPT_CAINFO, ca) }
        // Once every property is set, a throw still runs deinit, which releases the handle.
        let failureText = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        failureText[0] = 0
        hs_setopt_ptr(handle, CURLOPT_ERRORBUFFER, failureText)
        let code = curl_easy_perform(handle)
        hs_setopt_ptr(handle, CURLOPT_ERRORBUFFER, nil)
        let detail = String(cString: failureText)
        failureText.deallocate()
        guard code == CURLE_OK else {
            let secure = connectURL.hasPrefix("https://") && !settings.proxied
            // An untrusted certificate or a plain-http answer ends the follow; a handshake cut short (a
            // restarting proxy) may well succeed next time, so it is reconnected like any connection failure.
            switch CurlTransport.TLSFailure.of(code, detail: detail, handle: handle, secure: secure, sent: false, timeout: timeout) {
            case .plainHTTP?: throw WebSocketFailure.tls(CurlTransport.TLSFailure.plainHTTPMessage, plainHTTP: true)
            case let .stalled(seconds)?:
                throw WebSocketFailure.connection(CurlTransport.TLSFailure.stalledMessage(seconds) + "; if the server speaks plain http, use an http:// or ws:// URL")
            case let .untrusted(account)?: throw WebSocketFailure.tls(account, plainHTTP: false)
            case let .handshake(account)?: throw WebSocketFailure.connection("TLS handshake failed: " + account)
            case nil: throw WebSocketFailure.connection(String(cString: curl_easy_strerror(code)))
            }
        }
        hs_getinfo_socket(handle, &socket)
        try handshake(url: url, userAgent: settings.userAgent, deadline: deadline)
    }

    deinit { curl_easy_cleanup(handle) }

    public static func acceptValue(for key: String) -> String {
        let input = Array((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").utf8)
        var digest = [UInt8](repeating: 0, count: Int(SHA_DIGEST_LENGTH))
        SHA1(input, input.count, &digest)
        return Base64.encode(digest)
    }

    private func handshake(url: String, userAgent: String, deadline: Double) throws(WebSocketFailure) {
        var nonce = [UInt8](repeating: 0, count: 16)
        RAND_bytes(&nonce, 16)
        let key = Base64.encode(nonce)
        guard let split = WebURL.splitAbsolute(url) else { throw WebSocketFailure.connection("not a WebSocket URL") }
        let host = split.origin.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? "localhost"
        var request = "GET \(split.rest) HTTP/1.1\r\nHost: \(host)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        request += "Sec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\nUser-Agent: \(userAgent)\r\n\r\n"
        try write(Array(request.utf8), deadline: deadline)

        var end: Int?
        while end == nil {
            guard buffer.count < 16384 else {
                throw WebSocketFailure.protocolViolation(WebSocketProtocolError(reason: "handshake response headers are too long", closeCode: 1002))
            }
            switch try fill(until: deadline) {
            case .data: break
            case .closed: throw WebSocketFailure.connection("the server closed the connection during the handshake")
            case .timeout: throw WebSocketFailure.connection("no handshake response in time")
            }
            end = buffer.firstRange(of: [13, 10, 13, 10])?.upperBound
        }
        guard let end else { return }
        let head = String(decoding: buffer[..<end], as: UTF8.self)
        buffer.removeFirst(end)
        let lines = head.split(separator: "\r\n")
        let status = lines.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        var fields: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = String(line[line.index(after: colon)...]).trimmingCharacters(in: " \t")
        }
        guard status == 101 else {
            // A redirect is named by where it leads, the body being a proxy's boilerplate.
            if HTTPStatus.isRedirect(status), let location = fields["location"] {
                throw WebSocketFailure.rejected(status: status, body: "Location: " + location)
            }
            _ = try? fill(until: min(deadline, Monotonic.now() + 0.2))
            throw WebSocketFailure.rejected(status: status, body: String(decoding: buffer.prefix(200), as: UTF8.self))
        }
        func broken(_ reason: String) -> WebSocketFailure {
            .protocolViolation(WebSocketProtocolError(reason: reason, closeCode: 1002))
        }
        guard fields["upgrade"]?.lowercased() == "websocket", fields["connection"]?.lowercased().contains("upgrade") == true else {
            throw broken("the server did not upgrade the connection to a WebSocket")
        }
        guard fields["sec-websocket-accept"] == WebSocketClient.acceptValue(for: key) else {
            throw broken("Sec-WebSocket-Accept does not match the key sent")
        }
        // RFC 6455 §4.1: none was asked for, so frames in one could not be read.
        if let named = fields["sec-websocket-extensions"], !named.isEmpty { throw broken("the server named an extension (\(named)) that was not asked for") }
        if let named = fields["sec-websocket-protocol"], !named.isEmpty { throw broken("the server named a subprotocol (\(named)) that was not asked for") }
    }

    // MARK: Messages

    public func send(text: String) throws(WebSocketFailure) {
        try send(Frame(opcode: .text, payload: Array(text.utf8)))
    }

    /// A server that stops reading must not hold the caller past its own wait: pongs and closes are sent
    /// within the deadline of the receive or close that sends them.
    func send(_ frame: Frame, deadline: Double = Monotonic.now() + 10) throws(WebSocketFailure) {
        var mask = [UInt8](repeating: 0, count: 4)
        RAND_bytes(&mask, 4)
        try write(FrameCodec.encode(frame, mask: mask), deadline: deadline)
    }

    /// Waits up to `timeout` seconds for the next text or binary message; nil on timeout, even while
    /// frames keep arriving (a flood of pings or empty fragments cannot hold the caller past it).
    /// Pings are answered, and a close from the server is answered and reported as `.closed`.
    public func receive(timeout: Double) throws(WebSocketFailure) -> MessageAssembler.Message? {
        let deadline = Monotonic.now() + timeout
        while true {
            do {
                while let (frame, used) = try FrameCodec.decode(buffer[consumed...], maxPayload: WebSocketClient.maxMessage) {
                    consumed += used
                    if consumed > 65536 && consumed * 2 > buffer.count {
                        buffer.removeFirst(consumed)
                        consumed = 0
                    }
                    switch try assembler.accept(frame) {
                    case nil, .pong?: break
                    case let .ping(payload)?: try send(Frame(opcode: .pong, payload: payload), deadline: deadline)
                    case let .close(code, reason)?:
                        if !closeSent { try? send(Frame(opcode: .close, payload: code.map { [UInt8($0 >> 8), UInt8($0 & 0xFF)] } ?? []), deadline: deadline) }
                        closeSent = true
                        throw WebSocketFailure.closed(code: code, reason: reason)
                    case let message?: return message
                    }
                    if Monotonic.now() >= deadline { return nil }
                    if cancellation.isCancelled { throw WebSocketFailure.interrupted }
                }
            } catch let error as WebSocketProtocolError {
                try? send(Frame(opcode: .close, payload: [UInt8(error.closeCode >> 8), UInt8(error.closeCode & 0xFF)]), deadline: deadline)
                closeSent = true
                throw WebSocketFailure.protocolViolation(error)
            } catch let failure as WebSocketFailure {
                throw failure
            } catch {
                throw WebSocketFailure.connection("\(error)")
            }
            switch try fill(until: deadline) {
            case .data: continue
            case .timeout: return nil
            case .closed: throw WebSocketFailure.closed(code: 1006, reason: "connection lost")
            }
        }
    }

    /// Starts the closing handshake and waits briefly for the server's close.
    public func close() {
        guard !closeSent else { return }
        closeSent = true
        let deadline = Monotonic.now() + 1
        try? send(Frame(opcode: .close, payload: [0x03, 0xE8]), deadline: deadline)
        while Monotonic.now() < deadline {
            guard (try? fill(until: deadline)) == .data else { return }
            if FrameCodec.holdsClose(buffer[consumed...], maxPayload: WebSocketClient.maxMessage) { return }
            if buffer.count > 1 << 20 { return }
        }
    }

    // MARK: Bytes

    private func write(_ bytes: [UInt8], deadline: Double) throws(WebSocketFailure) {
        var offset = 0
        while offset < bytes.count {
            var sent = 0
            let code = bytes[offset...].withUnsafeBytes { curl_easy_send(handle, $0.baseAddress, $0.count, &sent) }
            if code == CURLE_AGAIN {
                guard Monotonic.now() < deadline else { throw WebSocketFailure.connection("the server stopped reading") }
                try wait(events: Int16(POLLOUT), until: min(deadline, Monotonic.now() + 0.2))
                continue
            }
            guard code == CURLE_OK else { throw WebSocketFailure.connection(String(cString: curl_easy_strerror(code))) }
            offset += sent
        }
    }

    private enum Fill { case data, closed, timeout }

    /// Reads what is available into the buffer, waiting at most until the deadline.
    private func fill(until deadline: Double) throws(WebSocketFailure) -> Fill {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            if cancellation.isCancelled { throw WebSocketFailure.interrupted }
            var received = 0
            let code = chunk.withUnsafeMutableBytes { curl_easy_recv(handle, $0.baseAddress, $0.count, &received) }
            if code == CURLE_OK {
                if received == 0 { return .closed }
                buffer += chunk[0..<received]
                return .data
            }
            guard code == CURLE_AGAIN else { throw WebSocketFailure.connection(String(cString: curl_easy_strerror(code))) }
            let remaining = deadline - Monotonic.now()
            if remaining <= 0 { return .timeout }
            // Short slices keep Ctrl-C responsive.
            try wait(events: Int16(POLLIN), until: Monotonic.now() + min(remaining, 0.2))
        }
    }

    private func wait(events: Int16, until deadline: Double) throws(WebSocketFailure) {
        var descriptor = pollfd(fd: Int32(socket), events: events, revents: 0)
        let milliseconds = Int32(max(0, (deadline - Monotonic.now()) * 1000))
        if poll(&descriptor, 1, milliseconds) < 0 && errno != EINTR {
            throw WebSocketFailure.connection(String(cString: strerror(errno)))
        }
    }
}
