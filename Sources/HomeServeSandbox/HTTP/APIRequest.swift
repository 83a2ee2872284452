import Foundation

/// What a handler sees of a request: decoded path and query, the whole body, and who is calling.
struct APIRequest: Sendable {
    let method: String
    /// The path as sent (still percent-encoded), for building absolute URLs.
    let rawPath: String
    /// The percent-decoded path, for routing.
    let path: String
    let rawQuery: String
    let query: [(String, String)]
    let headers: [(String, String)]
    let body: [UInt8]
    /// `host[:port]` from the Host header, so absolute URLs point wherever the client reached us.
    let host: String
    /// Values captured by `{…}` segments of the route pattern, in order.
    var parameters: [String] = []
    /// Set by the dispatcher when the request carries a valid access token.
    var user: User?

    init(method: String, target: String, headers: [(String, String)], body: [UInt8], fallbackHost: String) {
        self.method = method
        let pieces = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        rawPath = pieces.first.map(String.init) ?? "/"
        path = URLCoding.percentDecode(rawPath, plusAsSpace: false)
        rawQuery = pieces.count > 1 ? String(pieces[1]) : ""
        query = URLCoding.parseQuery(rawQuery)
        self.headers = headers
        self.body = body
        let hostHeader = headers.first { $0.0.lowercased() == "host" }?.1 ?? ""
        host = hostHeader.isEmpty ? fallbackHost : hostHeader
    }

    func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.0.lowercased() == lower }?.1
    }

    /// Django's `QueryDict.get`: the last value wins when a parameter repeats.
    func query(_ name: String) -> String? { query.last { $0.0 == name }?.1 }

    var requiredUser: User {
        get throws {
            guard let user else { throw APIError.notAuthenticated }
            return user
        }
    }

    func parameter(_ index: Int) -> String { index < parameters.count ? parameters[index] : "" }

    /// The media type without parameters, lowercased: `application/json`.
    var mediaType: String {
        (header("Content-Type") ?? "").split(separator: ";").first
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
    }

    func absoluteURL(path: String, query: String = "") -> String {
        "http://\(host)\(path)" + (query.isEmpty ? "" : "?\(query)")
    }

    static let maxNonFileBodyBytes = 1024 * 1024
    /// Django's `DATA_UPLOAD_MAX_NUMBER_FIELDS`.
    static let maxFormFields = 1000

    /// DRF's `request.data`: JSON, form-encoded and multipart bodies all become one object (multipart
    /// and form values as strings), with uploaded files alongside.
    func data() throws -> RequestData {
        if body.isEmpty { return RequestData(fields: JSONObject(), files: []) }
        // The server accepts 12 MB so an image upload can be refused in JSON; only multipart needs that much.
        if mediaType != "multipart/form-data", body.count > Self.maxNonFileBodyBytes {
            throw APIError.payloadTooLarge
        }
        switch mediaType {
        case "application/json", "application/vnd.api+json":
            let value: JSON
            do {
                value = try JSONParser.parse(body)
            } catch let error as JSONParseError {
                throw APIError.malformedJSON(error.message)
            }
            guard case .object(let object) = value else {
                throw APIError.nonField("Invalid data. Expected a dictionary, but got \(value.pythonTypeName).")
            }
            return RequestData(fields: object, files: [])
        case "application/x-www-form-urlencoded":
            let pairs = URLCoding.parseQuery(String(decoding: body, as: UTF8.self))
            guard pairs.count <= Self.maxFormFields else { throw APIError.tooManyFields }
            return RequestData(fields: JSONObject(pairs.map { ($0.0, JSON.string($0.1)) }), files: [])
        case "multipart/form-data":
            guard let boundary = MultipartParser.boundary(fromContentType: header("Content-Type") ?? ""),
                  let parsed = MultipartParser.parse(body, boundary: boundary)
            else {
                throw APIError.badRequest("Multipart form parse error - Invalid boundary in multipart: None")
            }
            guard parsed.fields.count + parsed.files.count <= Self.maxFormFields else { throw APIError.tooManyFields }
            return RequestData(fields: JSONObject(parsed.fields.map { ($0.0, JSON.string($0.1)) }), files: parsed.files)
        default:
            throw APIError.unsupportedMediaType(header("Content-Type") ?? "")
        }
    }
}

struct RequestData {
    var fields: JSONObject
    var files: [UploadedFile]

    func file(_ name: String) -> UploadedFile? { files.last { $0.fieldName == name } }
}

enum URLCoding {
    static func percentDecode(_ text: String, plusAsSpace: Bool) -> String {
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        var i = 0
        while i < utf8.count {
            let c = utf8[i]
            if c == UInt8(ascii: "%"), i + 2 < utf8.count,
               let value = UInt8(String(decoding: utf8[(i + 1)...(i + 2)], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                i += 3
            } else if plusAsSpace, c == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
                i += 1
            } else {
                bytes.append(c)
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func parseQuery(_ query: String) -> [(String, String)] {
        query.split(whereSeparator: { $0 == "&" || $0 == ";" }).compactMap { pair in
            let pieces = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = percentDecode(String(pieces[0]), plusAsSpace: true)
            guard !key.isEmpty else { return nil }
            return (key, pieces.count > 1 ? percentDecode(String(pieces[1]), plusAsSpace: true) : "")
        }
    }

    /// Python's `urllib.parse.urlencode` (quote_plus): what DRF uses when it rewrites `page=` in links.
    static func encodeQuery(_ pairs: [(String, String)]) -> String {
        pairs.map { quotePlus($0.0) + "=" + quotePlus($0.1) }.joined(separator: "&")
    }

    static func quotePlus(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"),
                 UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "):
                out += "+"
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}
