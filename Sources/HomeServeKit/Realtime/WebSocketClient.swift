import CCurl
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum WebSocketFailure: Error {
    /// The handshake was answered with an HTTP status instead of 101.
    case rejected(status: Int, body: String)
    case closed(code: UInt16?, reason: String)
    case connection(String)
    case protocolViolation(WebSocketProtocolError)
    case interrupted
}

/// An RFC 6455 client on a libcurl connect-only connection, so TCP, TLS, proxies and CA settings are
/// exactly those of the HTTP requests.
public final class WebSocketClient {
    public static let maxMessage = 16 << 20
    private let handle: UnsafeMutableRawPointer
    private var socket: curl_socket_t = -1
    private var buffer: [UInt8] = []
    private var assembler = MessageAssembler(maxMessage: WebSocketClient.maxMessage)
    private var closeSent = false

    public init(url: String, settings: CurlTransport.Settings, path: String, headers: [(String, String)]) throws {
        _ = CurlTransport.globalInit
        guard let handle = curl_easy_init() else { throw WebSocketFailure.connection("libcurl could not create a handle") }
        self.handle = handle
        // libcurl connects to the http(s) twin of the ws(s) URL; the upgrade is ours to speak.
        let connectURL = url.hasPrefix("wss://") ? "https://" + url.dropFirst(6) : url.hasPrefix("ws://") ? "http://" + url.dropFirst(5) : url
        hs_setopt_str(handle, CURLOPT_URL, connectURL)
        hs_setopt_long(handle, CURLOPT_CONNECT_ONLY, 1)
        hs_setopt_long(handle, CURLOPT_HTTPPROXYTUNNEL, 1)
        hs_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, min(settings.timeoutSeconds, 10) * 1000)
        hs_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        if settings.insecure {
            hs_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 0)
            hs_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 0)
        }
        if let ca = settings.caFile { hs_setopt_str(handle, CURLOPT_CAINFO, ca) }
        // Once every property is set, a throw still runs deinit, which releases the handle.
        let code = curl_easy_perform(handle)
        guard code == CURLE_OK else { throw WebSocketFailure.connection(String(cString: curl_easy_strerror(code))) }
        hs_getinfo_socket(handle, &socket)
        try handshake(url: url, path: path, headers: headers, userAgent: settings.userAgent, timeout: Double(settings.timeoutSeconds))
    }

    deinit { curl_easy_cleanup(handle) }

    static func acceptValue(for key: String) -> String {
        let input = Array((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").utf8)
        var digest = [UInt8](repeating: 0, count: Int(SHA_DIGEST_LENGTH))
        SHA1(input, input.count, &digest)
        return Base64.encode(digest)
    }

    private func handshake(url: String, path: String, headers: [(String, String)], userAgent: String, timeout: Double) throws {
        var nonce = [UInt8](repeating: 0, count: 16)
        RAND_bytes(&nonce, 16)
        let key = Base64.encode(nonce)
        let host = url.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first.map(String.init) ?? "localhost"
        var request = "GET \(path) HTTP/1.1\r\nHost: \(host)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        request += "Sec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\nUser-Agent: \(userAgent)\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        try write(Array(request.utf8))

        let deadline = Monotonic.now() + timeout
        var end: Int?
        while end == nil {
            guard buffer.count < 16384 else { throw WebSocketFailure.connection("handshake response headers are too long") }
            switch try fill(until: deadline) {
            case .data: break
            case .closed: throw WebSocketFailure.connection("the server closed the connection during the handshake")
            case .timeout: throw WebSocketFailure.connection("no handshake response within \(Int(timeout))s")
            }
            end = buffer.firstRange(of: [13, 10, 13, 10])?.upperBound
        }
        let head = String(decoding: buffer[..<end!], as: UTF8.self)
        buffer.removeFirst(end!)
        let lines = head.split(separator: "\r\n")
        let status = lines.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        guard status == 101 else {
            _ = try? fill(until: Monotonic.now() + 0.2) as Fill
            throw WebSocketFailure.rejected(status: status, body: String(decoding: buffer.prefix(200), as: UTF8.self))
        }
        var fields: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = String(line[line.index(after: colon)...]).trimmingCharacters(in: " \t")
        }
        guard fields["upgrade"]?.lowercased() == "websocket", fields["connection"]?.lowercased().contains("upgrade") == true else {
            throw WebSocketFailure.connection("the server did not upgrade the connection to a WebSocket")
        }
        guard fields["sec-websocket-accept"] == WebSocketClient.acceptValue(for: key) else {
            throw WebSocketFailure.connection("Sec-WebSocket-Accept does not match the key sent")
        }
    }

    // MARK: Messages

    public func send(text: String) throws { try send(Frame(opcode: .text, payload: Array(text.utf8))) }

    func send(_ frame: Frame) throws {
        var mask = [UInt8](repeating: 0, count: 4)
        RAND_bytes(&mask, 4)
        try write(FrameCodec.encode(frame, mask: mask))
    }

    /// Waits up to `timeout` seconds for the next text or binary message; nil on timeout.
    /// Pings are answered, and a close from the server is answered and reported as `.closed`.
    public func receive(timeout: Double) throws -> MessageAssembler.Message? {
        let deadline = Monotonic.now() + timeout
        while true {
            do {
                while let (frame, consumed) = try FrameCodec.decode(buffer, maxPayload: WebSocketClient.maxMessage) {
                    buffer.removeFirst(consumed)
                    switch try assembler.accept(frame) {
                    case nil: continue
                    case let .ping(payload)?: try send(Frame(opcode: .pong, payload: payload))
                    case .pong?: continue
                    case let .close(code, reason)?:
                        if !closeSent { try? send(Frame(opcode: .close, payload: code.map { [UInt8($0 >> 8), UInt8($0 & 0xFF)] } ?? [])) }
                        closeSent = true
                        throw WebSocketFailure.closed(code: code, reason: reason)
                    case let message?: return message
                    }
                }
            } catch let error as WebSocketProtocolError {
                try? send(Frame(opcode: .close, payload: [UInt8(error.closeCode >> 8), UInt8(error.closeCode & 0xFF)]))
                closeSent = true
                throw WebSocketFailure.protocolViolation(error)
            }
            switch try fill(until: deadline) {
            case .data: continue
            case .timeout: return nil
            case .closed: throw WebSocketFailure.closed(code: 1006, reason: "connection lost")
            }
        }
    }

    /// Starts the closing handshake and waits briefly for the server's close.
    public func close(code: UInt16 = 1000) {
        guard !closeSent else { return }
        closeSent = true
        try? send(Frame(opcode: .close, payload: [UInt8(code >> 8), UInt8(code & 0xFF)]))
        let deadline = Monotonic.now() + 1
        while Monotonic.now() < deadline {
            guard (try? fill(until: deadline)) == .data else { return }
            if let (frame, _) = try? FrameCodec.decode(buffer, maxPayload: WebSocketClient.maxMessage), frame.opcode == .close { return }
            if buffer.count > 1 << 20 { return }
        }
    }

    // MARK: Bytes

    private func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            var sent = 0
            let code = bytes[offset...].withUnsafeBytes { curl_easy_send(handle, $0.baseAddress, $0.count, &sent) }
            if code == CURLE_AGAIN {
                try wait(events: Int16(POLLOUT), until: Monotonic.now() + 10)
                continue
            }
            guard code == CURLE_OK else { throw WebSocketFailure.connection(String(cString: curl_easy_strerror(code))) }
            offset += sent
        }
    }

    private enum Fill { case data, closed, timeout }

    /// Reads what is available into the buffer, waiting at most until the deadline.
    private func fill(until deadline: Double) throws -> Fill {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            if interruptRequested != 0 { throw WebSocketFailure.interrupted }
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
            _ = try? wait(events: Int16(POLLIN), until: Monotonic.now() + min(remaining, 0.2))
        }
    }

    private func wait(events: Int16, until deadline: Double) throws {
        var descriptor = pollfd(fd: Int32(socket), events: events, revents: 0)
        let milliseconds = Int32(max(0, (deadline - Monotonic.now()) * 1000))
        if poll(&descriptor, 1, milliseconds) < 0 && errno != EINTR {
            throw WebSocketFailure.connection(String(cString: strerror(errno)))
        }
    }
}

enum Monotonic {
    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
