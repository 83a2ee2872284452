import HomeServeCore

public struct HTTPRequest {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: RequestBody
    /// Seconds before this one attempt is abandoned.
    public var timeout: Double
    /// The most bytes of body held in memory; more is a `TransportError.tooLarge`.
    public var bodyLimit: Int
    /// Takes the body instead of memory when it says so once the headers are in (`api`'s pass-through).
    public var sink: ResponseSink?
    /// (sent, total) bytes while a body is uploaded.
    public var uploadProgress: ((Int64, Int64) -> Void)?
    /// Ask for the certificate chain in `HTTPResponse.connection` (doctor).
    public var captureCertificates = false
    /// Carried on when the work is asked to stop (Ctrl-C, SIGTERM) after it started: a refresh-token rotation
    /// the server may already have made, whose answer holds the only tokens left that it accepts. Its
    /// timeout still bounds it, and so does the grace a stopped homeserve has (`RenewalsInFlight`).
    public var finishesWhenStopped = false

    public init(method: String, url: String, headers: [(String, String)] = [], body: RequestBody = .none,
                timeout: Double = 30, bodyLimit: Int = 64 << 20, sink: ResponseSink? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.bodyLimit = bodyLimit
        self.sink = sink
    }

    public func header(_ name: String) -> String? {
        headers.last { $0.0.lowercased() == name.lowercased() }?.1
    }
}

extension JSON {
    /// Header fields as one object: a name given more than once holds its values joined by ", ", the one
    /// field value HTTP takes them to mean (RFC 9110, 5.3), under the name as first spelled. Set-Cookie,
    /// the exception there (a cookie's Expires holds a comma), is always an array of its values.
    public static func headers(_ fields: [(String, String)]) -> JSON {
        var merged: [(String, [String])] = []
        for (name, value) in fields {
            if let index = merged.firstIndex(where: { $0.0.lowercased() == name.lowercased() }) {
                merged[index].1.append(value)
            } else {
                merged.append((name, [value]))
            }
        }
        return .object(merged.map { name, values in
            (name, name.lowercased() == "set-cookie" ? .array(values.map(JSON.string)) : .string(values.joined(separator: ", ")))
        })
    }
}

public enum RequestBody {
    case none
    case json(JSON)
    case multipart([MultipartPart])
}

public enum MultipartPart {
    case field(name: String, value: String)
    /// Streamed from disk by the transport, never loaded into memory.
    case file(name: String, path: String, contentType: String)
}

public struct HTTPResponse {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]
    public var seconds: Double
    /// Bytes handed to the request's sink instead of `body`, or nil when the body stayed in memory.
    public var streamedBytes: Int?
    public var connection = ConnectionFacts()
    /// The status line as the server sent it (`HTTP/1.1 200 OK`); nil where none was read.
    public var statusLine: String?

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = [], seconds: Double = 0, streamedBytes: Int? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.seconds = seconds
        self.streamedBytes = streamedBytes
    }

    public func header(_ name: String) -> String? {
        headers.last { $0.0.lowercased() == name.lowercased() }?.1
    }

    public var isSuccess: Bool { (200..<300).contains(status) }

    /// True when the server says the body is JSON (`application/json`, `application/problem+json`, …).
    public var declaresJSON: Bool {
        guard let type = header("Content-Type")?.lowercased() else { return false }
        let media = type.split(separator: ";").first.map { String($0).trimmed } ?? ""
        return media == "application/json" || media.hasSuffix("+json")
    }
}

/// Where a response body goes when it should not be held in memory.
public protocol ResponseSink: AnyObject {
    /// Asked once, when the headers are in: true to receive the body through `write`.
    func accepts(status: Int, headers: [(String, String)]) -> Bool
    /// False when the bytes could not be written; the transfer then stops.
    func write(_ bytes: UnsafeRawBufferPointer) -> Bool
    /// False once bytes went where they cannot be taken back (stdout, a pipe): a transfer cut short then is
    /// not tried again, which would write the whole body after the part already written.
    var canRestart: Bool { get }
}

/// What `doctor` reports of a connection: phase times and, when asked for, the server's certificates.
public struct ConnectionFacts: Sendable {
    public var resolveSeconds = 0.0
    public var connectSeconds = 0.0
    public var tlsSeconds = 0.0
    /// Each certificate of the chain as libcurl describes it (Subject, Issuer, Expire date, …).
    public var certificates: [[(String, String)]] = []
    public var httpVersion = ""

    public init() {}
}
