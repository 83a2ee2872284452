/// Who may call a route. Checked before the handler runs, in DRF's order: authentication (401) first,
/// then the role (403); object-level checks (404 for what the caller cannot see) happen in the handler.
enum Access: Sendable {
    /// No token needed; a token that is sent must still be valid, because DRF authenticates every request.
    case anyone
    /// Credential endpoints (login, OTP, refresh) ignore the Authorization header entirely, like simplejwt's views.
    case credentials
    case authenticated
    case roles(Set<Role>)
}

typealias Handler = @Sendable (APIRequest) async throws -> APIResponse

struct Route: Sendable {
    let method: String
    let pattern: String
    let access: Access
    let handler: Handler
    fileprivate let segments: [Substring]
}

/// Matches `METHOD /path/` against patterns such as `/api/bookings/{id}/accept_booking/`.
struct RouteTable: Sendable {
    enum Match {
        case found(Route, parameters: [String])
        case methodNotAllowed(allowed: [String])
        /// Django's APPEND_SLASH: the same path with a trailing slash exists.
        case redirect(location: String)
        case notFound
    }

    private(set) var routes: [Route] = []

    mutating func add(_ method: String, _ pattern: String, _ access: Access, _ handler: @escaping Handler) {
        routes.append(Route(method: method, pattern: pattern, access: access, handler: handler,
                            segments: pattern.split(separator: "/", omittingEmptySubsequences: false)))
    }

    func match(method: String, path: String) -> Match {
        if let match = exactMatch(method: method, path: path) { return match }
        if !path.hasSuffix("/"), case .found = exactMatch(method: nil, path: path + "/") ?? .notFound {
            return .redirect(location: path + "/")
        }
        return .notFound
    }

    /// The methods some route accepts at `path`, for OPTIONS.
    func allowedMethods(path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        return routes.filter { Self.capture($0.segments, segments) != nil }.map(\.method)
    }

    private func exactMatch(method: String?, path: String) -> Match? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        var allowed: [String] = []
        for route in routes {
            guard let parameters = Self.capture(route.segments, segments) else { continue }
            if method == nil || route.method == method { return .found(route, parameters: parameters) }
            allowed.append(route.method)
        }
        return allowed.isEmpty ? nil : .methodNotAllowed(allowed: allowed)
    }

    private static func capture(_ pattern: [Substring], _ path: [Substring]) -> [String]? {
        guard pattern.count == path.count else { return nil }
        var parameters: [String] = []
        for (p, s) in zip(pattern, path) {
            if p.hasPrefix("{"), p.hasSuffix("}") {
                // DRF's default lookup regex is `[^/.]+`.
                guard !s.isEmpty, !s.contains(".") else { return nil }
                parameters.append(String(s))
            } else if p != s {
                return nil
            }
        }
        return parameters
    }
}
