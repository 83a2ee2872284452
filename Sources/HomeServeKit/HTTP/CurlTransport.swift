import CCurl
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public struct HTTPRequest {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: RequestBody

    public init(method: String, url: String, headers: [(String, String)] = [], body: RequestBody = .none) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

public enum RequestBody {
    case none
    case json(JSON)
    case multipart([MultipartPart])
}

public enum MultipartPart {
    case field(name: String, value: String)
    /// Streamed from disk by libcurl, never loaded into memory.
    case file(name: String, path: String, contentType: String)
}

public struct HTTPResponse {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]
    public var seconds: Double

    public func header(_ name: String) -> String? {
        headers.last { $0.0.lowercased() == name.lowercased() }?.1
    }
}

public enum TransportFailure: Error {
    /// `sent` says whether any of the request reached the server, which decides if a POST may be retried.
    case connection(message: String, sent: Bool)
    case timeout(message: String, sent: Bool)
    case interrupted
}

/// Set by the SIGINT handler; libcurl's progress callback reads it to abort a transfer promptly.
nonisolated(unsafe) public var interruptRequested: Int32 = 0

/// HTTP over one libcurl easy handle reused for the whole process, so connections are kept alive.
public final class CurlTransport {
    public struct Settings {
        public var timeoutSeconds: Int = 30
        public var insecure = false
        public var caFile: String?
        public var userAgent = "homeserve/\(HomeServe.version)"
        /// Called with (sent, total) bytes while uploading; used for the progress bar.
        public var uploadProgress: ((Int64, Int64) -> Void)?
        public init() {}
    }

    private let handle: UnsafeMutableRawPointer
    public var settings: Settings

    static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    public init(settings: Settings) {
        _ = CurlTransport.globalInit
        guard let handle = curl_easy_init() else { fatalError("libcurl could not create a handle") }
        self.handle = handle
        self.settings = settings
    }

    deinit { curl_easy_cleanup(handle) }

    private final class Exchange {
        var body: [UInt8] = []
        var headers: [(String, String)] = []
        var status = 0
        var progress: ((Int64, Int64) -> Void)?
    }

    public func perform(_ request: HTTPRequest) throws -> HTTPResponse {
        curl_easy_reset(handle)
        let exchange = Exchange()
        exchange.progress = settings.uploadProgress
        let context = Unmanaged.passUnretained(exchange).toOpaque()

        hs_setopt_str(handle, CURLOPT_URL, request.url)
        hs_setopt_str(handle, CURLOPT_USERAGENT, settings.userAgent)
        hs_setopt_long(handle, CURLOPT_TIMEOUT_MS, settings.timeoutSeconds * 1000)
        hs_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, min(settings.timeoutSeconds, 10) * 1000)
        hs_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        hs_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1)
        hs_setopt_str(handle, CURLOPT_ACCEPT_ENCODING, "")
        if settings.insecure {
            hs_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 0)
            hs_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 0)
        }
        if let ca = settings.caFile { hs_setopt_str(handle, CURLOPT_CAINFO, ca) }

        hs_setopt_write(handle) { data, size, count, context in
            let exchange = Unmanaged<Exchange>.fromOpaque(context!).takeUnretainedValue()
            let n = size * count
            if let data { data.withMemoryRebound(to: UInt8.self, capacity: n) { exchange.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: n)) } }
            return n
        }
        hs_setopt_ptr(handle, CURLOPT_WRITEDATA, context)
        hs_setopt_header(handle) { data, size, count, context in
            let exchange = Unmanaged<Exchange>.fromOpaque(context!).takeUnretainedValue()
            let n = size * count
            guard let data else { return n }
            let line = String(decoding: UnsafeRawBufferPointer(start: UnsafeRawPointer(data), count: n), as: UTF8.self)
                .trimmingCharacters(in: "\r\n")
            if line.hasPrefix("HTTP/") {
                // A new status line (after 100 Continue or a redirect) starts a new header block.
                exchange.headers = []
                exchange.status = Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
            } else if let colon = line.firstIndex(of: ":") {
                exchange.headers.append((String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: " \t")))
            }
            return n
        }
        hs_setopt_ptr(handle, CURLOPT_HEADERDATA, context)
        hs_setopt_long(handle, CURLOPT_NOPROGRESS, 0)
        hs_setopt_xferinfo(handle) { context, _, _, uploadTotal, uploaded in
            if interruptRequested != 0 { return 1 }
            let exchange = Unmanaged<Exchange>.fromOpaque(context!).takeUnretainedValue()
            if uploadTotal > 0 { exchange.progress?(Int64(uploaded), Int64(uploadTotal)) }
            return 0
        }
        hs_setopt_ptr(handle, CURLOPT_XFERINFODATA, context)

        var headerList: UnsafeMutablePointer<curl_slist>?
        var keepAlive: [Any] = []
        var mime: OpaquePointer?
        defer {
            curl_slist_free_all(headerList)
            if let mime { curl_mime_free(mime) }
            _ = keepAlive
        }
        var headers = request.headers
        switch request.body {
        case .none:
            if request.method == "POST" { hs_setopt_long(handle, CURLOPT_POSTFIELDSIZE, 0); hs_setopt_str(handle, CURLOPT_POSTFIELDS, "") }
        case let .json(value):
            let bytes = Array(value.serialized().utf8) + [0]
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
            bytes.withUnsafeBufferPointer { buffer.initialize(from: $0.baseAddress!.withMemoryRebound(to: CChar.self, capacity: bytes.count) { $0 }, count: bytes.count) }
            keepAlive.append(Deallocator(buffer))
            hs_setopt_long(handle, CURLOPT_POSTFIELDSIZE, bytes.count - 1)
            hs_setopt_ptr(handle, CURLOPT_POSTFIELDS, buffer)
            headers.append(("Content-Type", "application/json"))
        case let .multipart(parts):
            mime = curl_mime_init(handle)
            for part in parts {
                let p = curl_mime_addpart(mime)
                switch part {
                case let .field(name, value):
                    curl_mime_name(p, name)
                    curl_mime_data(p, value, value.utf8.count)
                case let .file(name, path, contentType):
                    curl_mime_name(p, name)
                    curl_mime_filedata(p, path)
                    curl_mime_type(p, contentType)
                }
            }
            hs_setopt_ptr(handle, CURLOPT_MIMEPOST, UnsafeMutableRawPointer(mime))
        }
        hs_setopt_str(handle, CURLOPT_CUSTOMREQUEST, request.method)
        if request.method == "HEAD" { hs_setopt_long(handle, CURLOPT_NOBODY, 1) }
        headers.append(("Accept", "application/json"))
        // libcurl would otherwise add `Expect: 100-continue` to large uploads and wait for it.
        headers.append(("Expect", ""))
        for (name, value) in headers { headerList = curl_slist_append(headerList, "\(name): \(value)") }
        hs_setopt_ptr(handle, CURLOPT_HTTPHEADER, headerList)

        let code = curl_easy_perform(handle)
        var total = 0.0
        hs_getinfo_double(handle, CURLINFO_TOTAL_TIME, &total)
        guard code == CURLE_OK else {
            var requestSize = 0
            hs_getinfo_long(handle, CURLINFO_REQUEST_SIZE, &requestSize)
            let message = String(cString: curl_easy_strerror(code))
            switch code {
            case CURLE_ABORTED_BY_CALLBACK: throw TransportFailure.interrupted
            case CURLE_OPERATION_TIMEDOUT: throw TransportFailure.timeout(message: message, sent: requestSize > 0)
            default: throw TransportFailure.connection(message: message, sent: requestSize > 0)
            }
        }
        var status = 0
        hs_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, headers: exchange.headers, body: exchange.body, seconds: total)
    }
}

private final class Deallocator {
    let pointer: UnsafeMutablePointer<CChar>
    init(_ pointer: UnsafeMutablePointer<CChar>) { self.pointer = pointer }
    deinit { pointer.deallocate() }
}

extension String {
    /// Foundation-free trimming of the given characters from both ends.
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let c = s.first, set.contains(c) { s = s.dropFirst() }
        while let c = s.last, set.contains(c) { s = s.dropLast() }
        return String(s)
    }
}
