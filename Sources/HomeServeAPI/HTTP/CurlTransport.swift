import CCurl
import HomeServeCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// HTTP through one libcurl multi handle for the whole process: its connection cache keeps connections
/// alive from one request to the next, and several requests can share it at once (HTTP/2 multiplexing
/// where the server offers it, otherwise up to `connectionLimit` connections).
public final class CurlTransport: HTTPTransport {
    public struct Settings: Sendable {
        public var insecure = false
        public var caFile: String?
        public var userAgent = "homeserve"
        /// Proxy variables are set: a connection may be to a proxy rather than the server, so a TLS
        /// failure is not put down to the server's scheme.
        public var proxied = false
        public init() {}
    }

    private let settings: Settings
    private let cancellation: Cancellation
    private let multi: UnsafeMutableRawPointer
    private var idle: [UnsafeMutableRawPointer] = []
    private var active: [Int: Transfer] = [:]
    private var finished: [HTTPCompletion] = []
    private var lastID = 0

    public var connectionLimit = 1 {
        didSet { hs_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, max(1, connectionLimit)) }
    }

    static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    public init(settings: Settings, cancellation: Cancellation) {
        _ = CurlTransport.globalInit
        self.settings = settings
        self.cancellation = cancellation
        multi = curl_multi_init()
        hs_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, 1)
        hs_multi_setopt_long(multi, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
    }

    deinit {
        for (_, transfer) in active {
            hs_setopt_ptr(transfer.handle, CURLOPT_ERRORBUFFER, nil)
            curl_multi_remove_handle(multi, transfer.handle)
            curl_easy_cleanup(transfer.handle)
        }
        for handle in idle { curl_easy_cleanup(handle) }
        curl_multi_cleanup(multi)
    }

    public var inFlight: Int { active.count }

    public func start(_ request: HTTPRequest) -> Int {
        lastID += 1
        let handle = idle.popLast() ?? curl_easy_init()!
        curl_easy_reset(handle)
        let transfer = Transfer(id: lastID, handle: handle, request: request, cancellation: cancellation)
        configure(transfer)
        active[Int(bitPattern: handle)] = transfer
        curl_multi_add_handle(multi, handle)
        // Sent now, not once the completions already in hand have been read and acted on; after a stop, not
        // at all (`pump` ends it unsent).
        if !cancellation.isCancelled { perform() }
        return lastID
    }

    public func cancel(_ id: Int) {
        guard let (key, transfer) = active.first(where: { $0.value.id == id }) else { return }
        active[key] = nil
        retire(transfer.handle)
    }

    public func perform(_ request: HTTPRequest) throws(TransportError) -> HTTPResponse {
        let id = start(request)
        while true {
            if let index = finished.firstIndex(where: { $0.id == id }) { return try finished.remove(at: index).result.get() }
            pump(timeout: 3600) { $0.contains { $0.id == id } }
        }
    }

    public func next(timeout: Double) -> HTTPCompletion? {
        if finished.isEmpty { pump(timeout: timeout) { !$0.isEmpty } }
        return finished.isEmpty ? nil : finished.removeFirst()
    }

    /// Drives the transfers until `done` says so about the finished ones, or the timeout passes.
    private func pump(timeout: Double, until done: ([HTTPCompletion]) -> Bool) {
        let deadline = Monotonic.now() + timeout
        while true {
            if done(finished) || active.isEmpty { return }
            if cancellation.isCancelled {
                for (key, transfer) in active where !transfer.shielded {
                    // Sent when some of the request went out: one started after a renewal carried on through
                    // the stop never reached the server.
                    var requestSize = 0
                    hs_getinfo_long(transfer.handle, CURLINFO_REQUEST_SIZE, &requestSize)
                    active[key] = nil
                    retire(transfer.handle)
                    finished.append(HTTPCompletion(id: transfer.id, result: .failure(TransportError(.cancelled, "interrupted", sent: requestSize > 0))))
                }
                if done(finished) || active.isEmpty { return }
            }
            perform()
            var queued: Int32 = 0
            while let message = curl_multi_info_read(multi, &queued) {
                guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle,
                      let transfer = active.removeValue(forKey: Int(bitPattern: handle)) else { continue }
                finished.append(HTTPCompletion(id: transfer.id, result: complete(transfer, code: hs_msg_result(message))))
                retire(handle)
            }
            if done(finished) { return }
            let left = deadline - Monotonic.now()
            if left <= 0 { return }
            // Short slices keep Ctrl-C responsive.
            curl_multi_poll(multi, nil, 0, Int32(min(left, 0.1) * 1000), nil)
        }
    }

    private func perform() {
        var running: Int32 = 0
        curl_multi_perform(multi, &running)
    }

    private func retire(_ handle: UnsafeMutableRawPointer) {
        // The transfer that owned the message buffer may be gone already.
        hs_setopt_ptr(handle, CURLOPT_ERRORBUFFER, nil)
        curl_multi_remove_handle(multi, handle)
        if idle.count < 16 { idle.append(handle) } else { curl_easy_cleanup(handle) }
    }

    // MARK: One transfer

    private final class Transfer {
        let id: Int
        let handle: UnsafeMutableRawPointer
        let request: HTTPRequest
        let cancellation: Cancellation
        let body = BodyBuffer()
        var headers: [(String, String)] = []
        var status = 0
        var statusLine = ""
        var sinkDecided = false
        var streaming = false
        var streamed = 0
        var tooLarge = false
        var sinkFailed = false
        var headerList: UnsafeMutablePointer<curl_slist>?
        var mime: OpaquePointer?
        /// The files of a multipart body, read by the transfer.
        var uploads: [MultipartFileReader] = []
        var postBuffer: UnsafeMutablePointer<CChar>?
        /// libcurl's own account of a failure, more exact than its error code's text.
        let failureText = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))

        /// Carried on through a stop: one that finishes when stopped and was started before the stop (one
        /// started after it has spent nothing yet, and is not sent).
        let shielded: Bool

        init(id: Int, handle: UnsafeMutableRawPointer, request: HTTPRequest, cancellation: Cancellation) {
            self.id = id
            self.handle = handle
            self.request = request
            self.cancellation = cancellation
            shielded = request.finishesWhenStopped && !cancellation.isCancelled
            failureText[0] = 0
        }

        deinit {
            curl_slist_free_all(headerList)
            if let mime { curl_mime_free(mime) }
            postBuffer?.deallocate()
            failureText.deallocate()
        }

        var failureDetail: String? { failureText[0] == 0 ? nil : String(cString: failureText) }
    }

    private func configure(_ transfer: Transfer) {
        let handle = transfer.handle, request = transfer.request
        let context = Unmanaged.passUnretained(transfer).toOpaque()
        hs_setopt_str(handle, CURLOPT_URL, request.url)
        hs_setopt_ptr(handle, CURLOPT_ERRORBUFFER, transfer.failureText)
        hs_setopt_str(handle, CURLOPT_USERAGENT, settings.userAgent)
        hs_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(request.timeout * 1000))
        hs_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(min(request.timeout, 10) * 1000))
        hs_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        hs_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1)
        hs_setopt_long(handle, CURLOPT_PIPEWAIT, 1)
        // Only http(s), even if a server's redirect or a proxy setting names another protocol.
        hs_setopt_str(handle, CURLOPT_PROTOCOLS_STR, "http,https")
        hs_setopt_str(handle, CURLOPT_ACCEPT_ENCODING, "")
        if settings.insecure {
            hs_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 0)
            hs_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 0)
        }
        if let ca = settings.caFile { hs_setopt_str(handle, CURLOPT_CAINFO, ca) }
        if request.captureCertificates { hs_setopt_long(handle, CURLOPT_CERTINFO, 1) }

        hs_setopt_write(handle) { data, size, count, context in
            let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
            let n = size * count
            guard let data else { return n }
            if !transfer.sinkDecided {
                transfer.sinkDecided = true
                if let sink = transfer.request.sink, sink.accepts(status: transfer.status, headers: transfer.headers) {
                    transfer.streaming = true
                }
                // A body announced larger than the limit is refused before any of it is held.
                if !transfer.streaming, let length = transfer.headers.last(where: { $0.0.lowercased() == "content-length" }).flatMap({ Int($0.1) }),
                   length > transfer.request.bodyLimit {
                    transfer.tooLarge = true
                    return 0
                }
            }
            if transfer.streaming {
                guard transfer.request.sink?.write(UnsafeRawBufferPointer(start: data, count: n)) == true else {
                    transfer.sinkFailed = true
                    return 0
                }
                transfer.streamed += n
                return n
            }
            if transfer.body.count + n > transfer.request.bodyLimit {
                transfer.tooLarge = true
                return 0
            }
            transfer.body.append(UnsafeRawBufferPointer(start: data, count: n))
            return n
        }
        hs_setopt_ptr(handle, CURLOPT_WRITEDATA, context)
        hs_setopt_header(handle) { data, size, count, context in
            let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
            let n = size * count
            guard let data else { return n }
            let line = String(decoding: UnsafeRawBufferPointer(start: data, count: n), as: UTF8.self).trimmingCharacters(in: "\r\n")
            if line.hasPrefix("HTTP/") {
                // A new status line (after 100 Continue) starts a new header block.
                transfer.headers = []
                transfer.statusLine = line
                transfer.status = Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
            } else if let colon = line.firstIndex(of: ":") {
                transfer.headers.append((String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: " \t")))
            }
            return n
        }
        hs_setopt_ptr(handle, CURLOPT_HEADERDATA, context)
        hs_setopt_long(handle, CURLOPT_NOPROGRESS, 0)
        hs_setopt_xferinfo(handle) { context, _, _, uploadTotal, uploaded in
            let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
            if transfer.cancellation.isCancelled, !transfer.shielded { return 1 }
            if uploadTotal > 0 { transfer.request.uploadProgress?(Int64(uploaded), Int64(uploadTotal)) }
            return 0
        }
        hs_setopt_ptr(handle, CURLOPT_XFERINFODATA, context)

        var headers = request.headers
        switch request.body {
        case .none:
            if request.method != "GET" && request.method != "HEAD" && request.method != "DELETE" {
                hs_setopt_long(handle, CURLOPT_POSTFIELDSIZE, 0)
                hs_setopt_str(handle, CURLOPT_POSTFIELDS, "")
                // No body, so no type: libcurl would call the empty body a form.
                if !headers.contains(where: { $0.0.lowercased() == "content-type" }) { headers.append(("Content-Type", "")) }
            }
        case let .json(value):
            let bytes = value.bytes()
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: max(bytes.count, 1))
            bytes.withUnsafeBytes { raw in
                UnsafeMutableRawPointer(buffer).copyMemory(from: raw.baseAddress ?? UnsafeRawPointer(buffer), byteCount: bytes.count)
            }
            transfer.postBuffer = buffer
            hs_setopt_long(handle, CURLOPT_POSTFIELDSIZE, bytes.count)
            hs_setopt_ptr(handle, CURLOPT_POSTFIELDS, buffer)
            if !headers.contains(where: { $0.0.lowercased() == "content-type" }) { headers.append(("Content-Type", "application/json")) }
        case let .multipart(parts):
            let mime = curl_mime_init(handle)
            for part in parts {
                let p = curl_mime_addpart(mime)
                switch part {
                case let .field(name, value):
                    curl_mime_name(p, name)
                    curl_mime_data(p, value, value.utf8.count)
                case let .file(name, path, contentType):
                    curl_mime_name(p, name)
                    if let file = MultipartFileReader(path: path) {
                        transfer.uploads.append(file)
                        curl_mime_data_cb(p, curl_off_t(file.size), MultipartFileReader.read, MultipartFileReader.seek, nil, Unmanaged.passUnretained(file).toOpaque())
                        curl_mime_filename(p, String(path.split(separator: "/").last ?? Substring(path)))
                    } else {
                        // Gone since it was checked: libcurl's read fails, and says so.
                        curl_mime_filedata(p, path)
                    }
                    curl_mime_type(p, contentType)
                }
            }
            transfer.mime = mime
            hs_setopt_ptr(handle, CURLOPT_MIMEPOST, UnsafeMutableRawPointer(mime))
        }
        hs_setopt_str(handle, CURLOPT_CUSTOMREQUEST, request.method)
        if request.method == "HEAD" { hs_setopt_long(handle, CURLOPT_NOBODY, 1) }
        if !headers.contains(where: { $0.0.lowercased() == "accept" }) { headers.append(("Accept", "application/json")) }
        // libcurl would otherwise add `Expect: 100-continue` to large uploads and wait for it.
        headers.append(("Expect", ""))
        for (name, value) in headers { transfer.headerList = curl_slist_append(transfer.headerList, "\(name): \(value)") }
        hs_setopt_ptr(handle, CURLOPT_HTTPHEADER, transfer.headerList)
    }

    /// How a failed connection's TLS went, read the same way for requests and WebSockets.
    enum TLSFailure {
        /// The server answered the handshake in plain text, which OpenSSL reads as a record of an
        /// unknown version: a plain-http server.
        case plainHTTP
        /// Connected, but no handshake in time: a slow TLS server, or a plain-http one waiting for the
        /// rest of a request.
        case stalled(seconds: Int)
        /// The certificate is not trusted: no other attempt will trust it either.
        case untrusted(String)
        /// The handshake failed otherwise (cut short, no common cipher).
        case handshake(String)

        static let plainHTTPMessage = "the server answered the TLS handshake with something else"
        static func stalledMessage(_ seconds: Int) -> String { "connected, but no TLS handshake within \(seconds) s" }

        /// `secure`: an https connection made to the server itself, not through a proxy, so the server's
        /// scheme may be what failed. Nil for a failure that is not about TLS.
        static func of(_ code: CURLcode, detail: String, handle: UnsafeMutableRawPointer, secure: Bool, sent: Bool, timeout: Double) -> TLSFailure? {
            let account = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            switch code {
            case CURLE_SSL_CONNECT_ERROR where secure && detail.contains("wrong version number"): return .plainHTTP
            case CURLE_OPERATION_TIMEDOUT where secure && !sent && handshakeUnfinished(handle):
                return .stalled(seconds: Int(min(timeout, 10).rounded(.up)))
            case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR,
                 CURLE_SSL_PINNEDPUBKEYNOTMATCH:
                return .untrusted(account)
            case CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CIPHER: return .handshake(account)
            default: return nil
            }
        }

        /// The TCP connection was made and TLS did not finish.
        private static func handshakeUnfinished(_ handle: UnsafeMutableRawPointer) -> Bool {
            var localPort = 0
            var handshake = 0.0
            hs_getinfo_long(handle, CURLINFO_LOCAL_PORT, &localPort)
            hs_getinfo_double(handle, CURLINFO_APPCONNECT_TIME, &handshake)
            return localPort > 0 && handshake == 0
        }
    }

    private func complete(_ transfer: Transfer, code: CURLcode) -> Result<HTTPResponse, TransportError> {
        let handle = transfer.handle
        var total = 0.0
        hs_getinfo_double(handle, CURLINFO_TOTAL_TIME, &total)
        guard code == CURLE_OK else {
            var requestSize = 0
            hs_getinfo_long(handle, CURLINFO_REQUEST_SIZE, &requestSize)
            let sent = requestSize > 0
            var message = String(cString: curl_easy_strerror(code))
            let detail = transfer.failureDetail ?? ""
            let kind: TransportError.Kind
            let secure = !settings.proxied && transfer.request.url.lowercased().hasPrefix("https://")
            // A plain-http server that waits looks like a slow TLS server: it stays a timeout, retried, with
            // the hint.
            switch TLSFailure.of(code, detail: detail, handle: handle, secure: secure, sent: sent, timeout: transfer.request.timeout) {
            case .plainHTTP?:
                kind = .notTLS
                message = TLSFailure.plainHTTPMessage
            case let .stalled(seconds)?:
                kind = .handshakeTimeout
                message = TLSFailure.stalledMessage(seconds)
            case let .untrusted(account)?, let .handshake(account)?:
                kind = .tls
                message = account
            case nil:
                switch code {
                case CURLE_ABORTED_BY_CALLBACK:
                    if let failure = transfer.uploads.lazy.compactMap(\.failure).first {
                        kind = .localFile
                        message = failure
                    } else {
                        kind = .cancelled
                    }
                case CURLE_WRITE_ERROR where transfer.tooLarge: kind = .tooLarge(limit: transfer.request.bodyLimit)
                case CURLE_WRITE_ERROR where transfer.sinkFailed: kind = .sinkFailed
                case CURLE_OPERATION_TIMEDOUT: kind = .timeout
                case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: kind = .resolve
                case CURLE_COULDNT_CONNECT: kind = .connect
                case CURLE_SEND_ERROR: kind = .send
                case CURLE_PARTIAL_FILE: kind = .truncated
                case CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_HTTP2, CURLE_HTTP2_STREAM: kind = .receive
                case CURLE_BAD_CONTENT_ENCODING: kind = .unreadable
                // Only a server's redirect can name a URL the checks before sending did not pass.
                case CURLE_URL_MALFORMAT:
                    kind = .unreadable
                    message = "a URL that cannot be used (a redirect's Location): \(message)"
                case CURLE_READ_ERROR:
                    kind = .localFile
                    if case let .multipart(parts) = transfer.request.body {
                        let files = parts.compactMap { part -> String? in if case let .file(_, path, _) = part { return path }; return nil }
                        message = "cannot read \(files.map { "'\($0)'" }.joined(separator: " or ")) when it was sent (removed since it was checked)"
                    }
                // Unsupported can also be a libcurl built without https: only HTTP/0.9 is the server's answer.
                case CURLE_WEIRD_SERVER_REPLY:
                    kind = .unreadable
                    message = "not an HTTP answer" + (detail.isEmpty ? "" : ": " + detail)
                case CURLE_UNSUPPORTED_PROTOCOL where detail.contains("HTTP/0.9"):
                    kind = .unreadable
                    message = "not an HTTP answer: " + detail
                default: kind = .other
                }
            }
            return .failure(TransportError(kind, message, sent: sent))
        }
        var status = 0
        hs_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        guard let body = transfer.body.bytes() else {
            return .failure(TransportError(.receive, "the answer could not be read back from its temporary file", sent: true))
        }
        var response = HTTPResponse(status: status, headers: transfer.headers, body: body, seconds: total,
                                    streamedBytes: transfer.streaming ? transfer.streamed : nil)
        response.statusLine = transfer.statusLine.isEmpty ? nil : transfer.statusLine
        hs_getinfo_double(handle, CURLINFO_NAMELOOKUP_TIME, &response.connection.resolveSeconds)
        hs_getinfo_double(handle, CURLINFO_CONNECT_TIME, &response.connection.connectSeconds)
        hs_getinfo_double(handle, CURLINFO_APPCONNECT_TIME, &response.connection.tlsSeconds)
        var version = 0
        hs_getinfo_long(handle, CURLINFO_HTTP_VERSION, &version)
        response.connection.httpVersion = version == Int(CURL_HTTP_VERSION_2_0) ? "HTTP/2" : version == Int(CURL_HTTP_VERSION_3) ? "HTTP/3" : "HTTP/1.1"
        if transfer.request.captureCertificates, let info = hs_getinfo_certinfo(handle) {
            for i in 0..<Int(info.pointee.num_of_certs) {
                var fields: [(String, String)] = []
                var item = info.pointee.certinfo[i]
                while let node = item {
                    let text = String(cString: node.pointee.data)
                    if let colon = text.firstIndex(of: ":") {
                        fields.append((String(text[..<colon]), String(text[text.index(after: colon)...])))
                    }
                    item = node.pointee.next
                }
                response.connection.certificates.append(fields)
            }
        }
        return .success(response)
    }
}

/// A file of a multipart body, read from one descriptor to exactly the size it had when the request began:
/// a file that shrinks or grows meanwhile stops the transfer, rather than leaving the server waiting for
/// bytes that never come or sending other bytes than were measured.
final class MultipartFileReader {
    let path: String
    let size: Int64
    private let fd: Int32
    private var offset: Int64 = 0
    /// Why the transfer was stopped: the file changed, or could not be read.
    private(set) var failure: String?

    /// Nil for a path that is no longer a regular file that can be opened (libcurl's own read then fails).
    init?(path: String) {
        // Non-blocking, so a FIFO put in the file's place is not waited on.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        var facts = stat()
        guard fstat(fd, &facts) == 0, facts.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            return nil
        }
        self.path = path
        self.fd = fd
        size = Int64(facts.st_size)
    }

    deinit { close(fd) }

    /// What the read gives libcurl to stop the transfer, and the seek when it is done.
    static let abort = Int(CURL_READFUNC_ABORT)
    static let sought = Int32(CURL_SEEKFUNC_OK)

    static let read: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = { buffer, size, count, context in
        let file = Unmanaged<MultipartFileReader>.fromOpaque(context!).takeUnretainedValue()
        let wanted = min(size * count, Int(file.size - file.offset))
        guard wanted > 0 else { return 0 }
        let n = pread(file.fd, buffer, wanted, off_t(file.offset))
        if n < 0 {
            file.failure = "cannot read '\(file.path)' as it was sent: \(String(cString: strerror(errno)))"
            return MultipartFileReader.abort
        }
        guard n > 0 else { return file.changed() }
        file.offset += Int64(n)
        // libcurl asks no more once the size announced is sent: a byte past it, there, means the file grew.
        if file.offset == file.size {
            var byte: UInt8 = 0
            if pread(file.fd, &byte, 1, off_t(file.size)) > 0 { return file.changed() }
        }
        return n
    }

    private func changed() -> Int {
        failure = "'\(path)' changed while it was sent (it had \(size) bytes when the request began)"
        return MultipartFileReader.abort
    }

    /// A body sent again (a redirect, an authentication retry) starts over.
    static let seek: @convention(c) (UnsafeMutableRawPointer?, curl_off_t, Int32) -> Int32 = { context, offset, origin in
        let file = Unmanaged<MultipartFileReader>.fromOpaque(context!).takeUnretainedValue()
        guard origin == SEEK_SET, offset >= 0, offset <= file.size else { return Int32(CURL_SEEKFUNC_CANTSEEK) }
        file.offset = Int64(offset)
        return MultipartFileReader.sought
    }
}
