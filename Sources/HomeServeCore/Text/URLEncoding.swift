public enum URLEncoding {
    /// Percent-encodes everything but RFC 3986's unreserved characters.
    public static func component(_ text: String) -> String {
        encoding(text) { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                return false
            default: return true
            }
        }
    }

    /// Percent-encodes the spaces and the bytes of letters outside ASCII in a path and query typed by hand
    /// (`/api/x/?q=é` → `/api/x/?q=%C3%A9`), leaving what is already a URL as it is.
    public static func typedPath(_ text: String) -> String {
        encoding(text) { $0 == 0x20 || $0 >= 0x80 }
    }

    private static func encoding(_ text: String, _ escaped: (UInt8) -> Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            if escaped(byte) { out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]] } else { out.append(byte) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `key=value&…` for the pairs whose value is present.
    public static func query(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(component($0.0))=\(component($0.1))" }.joined(separator: "&")
    }

    /// Decodes `%XX` (and `+` as space, as HTML forms and Django's query strings do).
    public static func decode(_ text: Substring) -> String {
        var out: [UInt8] = []
        var bytes = Array(text.utf8)[...]
        while let byte = bytes.popFirst() {
            if byte == UInt8(ascii: "%"), bytes.count >= 2,
               let value = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16) {
                out.append(value)
                bytes = bytes.dropFirst(2)
            } else {
                out.append(byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The `key=value` pairs of a URL's query, decoded, in order.
    public static func queryItems(of url: String) -> [(String, String)] {
        guard let q = url.firstIndex(of: "?") else { return [] }
        let query = url[url.index(after: q)...].prefix { $0 != "#" }
        return query.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }
}
