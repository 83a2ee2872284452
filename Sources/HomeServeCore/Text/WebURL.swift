/// A base URL parsed strictly: http(s) (or ws(s)) scheme, a host, an optional port 1–65535 and a path,
/// with no whitespace, control characters, credentials, query or fragment. A value that fails here is
/// refused before anything is sent, so it can never turn into a retried connection to nowhere.
public struct WebURL: Sendable, Equatable, CustomStringConvertible {
    public let scheme: String
    /// Lower-cased; an IPv6 address without its brackets.
    public let host: String
    public let port: Int?
    /// Empty, or `/prefix` without a trailing slash.
    public let path: String

    public static let httpSchemes: Set<String> = ["http", "https"]
    public static let socketSchemes: Set<String> = ["ws", "wss"]

    public init(scheme: String, host: String, port: Int?, path: String) {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.path = path
    }

    public var isIPv6: Bool { host.contains(":") }

    /// `scheme://host[:port]`.
    public var origin: String {
        scheme + "://" + (isIPv6 ? "[\(host)]" : host) + (port.map { ":\($0)" } ?? "")
    }

    public var description: String { origin + path }

    public var effectivePort: Int { port ?? (scheme == "https" || scheme == "wss" ? 443 : 80) }

    public var isEncrypted: Bool { scheme == "https" || scheme == "wss" }

    /// Whether what is sent here crosses a network unencrypted: plain http or ws to another machine.
    public var sendsInTheClear: Bool { !isEncrypted && !isLoopback }

    /// Loopback by address, not by spelling: `127.0.0.0/8`, `::1` and `localhost`.
    public var isLoopback: Bool {
        if host == "localhost" || host.hasSuffix(".localhost") { return true }
        if host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let values = Optional(octets.compactMap { Int($0) }), values.count == 4, values.allSatisfy({ $0 <= 255 })
        else { return false }
        return values[0] == 127
    }

    /// The same server with the socket scheme: `https://h/p` → `wss://h/p`.
    public var socketTwin: WebURL {
        let twin = scheme == "https" ? "wss" : scheme == "http" ? "ws" : scheme
        return WebURL(scheme: twin, host: host, port: port, path: path)
    }

    public func sameOrigin(as other: WebURL) -> Bool {
        scheme == other.scheme && host == other.host && effectivePort == other.effectivePort
    }

    /// One API base however it is spelled (`https://h` and `https://h:443/`).
    public func sameServer(as other: WebURL) -> Bool { sameOrigin(as: other) && path == other.path }

    /// `text` with the credentials of a URL in it shown as `***` (`http://***@host`), for a message that
    /// quotes a URL refused for having them: the refusal must not print the password into a log.
    /// Everything before the last `@` is hidden, since a password may hold `/`, `?` or `#` itself.
    /// A query's or fragment's values are hidden too (`?access_token=***`, `#***`): a base URL takes none,
    /// and one given may hold a token.
    public static func masked(_ text: String) -> String {
        var shown = text
        if let userInfo = userInfo(in: shown) {
            shown = String(shown[..<userInfo.lowerBound]) + "***" + String(shown[userInfo.upperBound...])
        }
        // A file's path (a directory named in a message) has no query: its `?` and `#` are its own.
        guard !shown.hasPrefix("/"), let start = shown.firstIndex(where: { $0 == "?" || $0 == "#" }) else { return shown }
        var rest = ""
        var part = ""
        func flush() {
            if let equals = part.firstIndex(of: "=") { rest += part[...equals] + "***" } else if !part.isEmpty { rest += "***" }
            part = ""
        }
        for character in shown[start...] {
            if "&?#".contains(character) {
                flush()
                rest.append(character)
            } else {
                part.append(character)
            }
        }
        flush()
        return String(shown[..<start]) + rest
    }

    /// Where the credentials of a URL stand, with or without a scheme: after `://` (if it comes before)
    /// up to the last `@`. Nil without an `@`.
    public static func userInfo(in text: String) -> Range<String.Index>? {
        guard let at = text.lastIndex(of: "@") else { return nil }
        let start = text.range(ofASCII: "://").map(\.upperBound).flatMap { $0 <= at ? $0 : nil } ?? text.startIndex
        return start..<at
    }

    /// Parses a base URL; the error says what is wrong in a few words.
    public static func parse(_ text: String, schemes: Set<String> = httpSchemes) -> Result<WebURL, URLProblem> {
        if text.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value) }) {
            return .failure(URLProblem("contains whitespace or control characters"))
        }
        // Before anything else: a password may hold any character, and no other reason may quote it.
        guard !text.utf8.contains(UInt8(ascii: "@")) else { return .failure(URLProblem("has an @ in it, as credentials would (a base URL takes none)")) }
        guard let schemeEnd = text.range(ofASCII: "://") else { return .failure(URLProblem("has no scheme")) }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard schemes.contains(scheme) else {
            return .failure(URLProblem("has the scheme '\(scheme)', not one of \(schemes.sorted().joined(separator: ", "))"))
        }
        let rest = text[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var path = String(rest[authorityEnd...])
        if path.utf8.contains(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) { return .failure(URLProblem("has a query or fragment")) }
        var hostPart = Substring(authority)
        var port: Int?
        if hostPart.hasPrefix("[") {
            guard let close = hostPart.firstIndex(of: "]") else { return .failure(URLProblem("has an unclosed IPv6 bracket")) }
            let after = hostPart[hostPart.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return .failure(URLProblem("has text after the IPv6 address")) }
                switch parsePort(after.dropFirst()) {
                case let .success(value): port = value
                case let .failure(problem): return .failure(problem)
                }
            }
            hostPart = hostPart[hostPart.index(after: hostPart.startIndex)..<close]
            guard !hostPart.isEmpty, hostPart.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                return .failure(URLProblem("has an invalid IPv6 address"))
            }
        } else {
            if let colon = hostPart.firstIndex(of: ":") {
                switch parsePort(hostPart[hostPart.index(after: colon)...]) {
                case let .success(value): port = value
                case let .failure(problem): return .failure(problem)
                }
                hostPart = hostPart[..<colon]
            }
            guard !hostPart.isEmpty else { return .failure(URLProblem("has no host")) }
            guard hostPart.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_") }),
                  !hostPart.hasPrefix("."), String(hostPart).range(ofASCII: "..") == nil else {
                return .failure(URLProblem("has an invalid host name '\(hostPart)'"))
            }
        }
        guard path.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F }) else {
            return .failure(URLProblem("has characters in its path that must be percent-encoded"))
        }
        while path.hasSuffix("/") { path.removeLast() }
        return .success(WebURL(scheme: scheme, host: hostPart.lowercased(), port: port, path: path))
    }

    private static func parsePort(_ text: Substring) -> Result<Int, URLProblem> {
        guard !text.isEmpty, text.count <= 5, text.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(text),
              (1...65535).contains(value) else {
            return .failure(URLProblem("has an invalid port '\(text)' (expected 1 to 65535)"))
        }
        return .success(value)
    }

    /// Splits an absolute URL into its origin and the rest (`/path?query`), or nil when it is not one.
    public static func splitAbsolute(_ url: String) -> (origin: String, rest: String)? {
        // A path may carry a URL in its query (`/x/?next=http://…`): it is no scheme of its own.
        guard !url.hasPrefix("/"), let schemeEnd = url.range(ofASCII: "://") else { return nil }
        let after = url[schemeEnd.upperBound...]
        let cut = after.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? after.endIndex
        let rest = String(after[cut...])
        return (String(url[..<cut]), rest.hasPrefix("/") ? rest : "/" + rest)
    }
}

public struct URLProblem: Error, Sendable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
