import Foundation

/// One injected failure, armed by `POST /sandbox/faults` and spent by the next `count` matching requests.
struct Fault: Sendable {
    let id: Int
    /// Exact path, or a prefix when it ends in `*`. A missing trailing slash still matches.
    let path: String
    let method: String?
    let status: Int?
    var remaining: Int
    let body: String?
    let contentType: String?
    let retryAfter: Int?
    let delayMilliseconds: Int
    /// Serve the real response with its JSON cut short, as a dropped proxy connection would.
    let truncate: Bool
    /// Set on whatever response the request gets (canned or real), replacing any of the same name:
    /// `Location` for a redirect, `Content-Type` for a body that is not JSON, and so on.
    var headers: [(String, String)] = []

    /// A `?key=value&…` part, when given, matches requests whose query has each of those pairs (in any
    /// order, among others): `/api/bookings/?page=5` faults only the fifth page.
    func matches(method: String, path: String, query: [(String, String)]) -> Bool {
        if let m = self.method, m.uppercased() != method { return false }
        let parts = self.path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let wanted = parts.count > 1 ? URLCoding.parseQuery(String(parts[1])) : []
        guard wanted.allSatisfy({ pair in query.contains { $0.0 == pair.0 && $0.1 == pair.1 } }) else { return false }
        let pattern = String(parts[0])
        if pattern.hasSuffix("*") { return path.hasPrefix(String(pattern.dropLast())) }
        return path == pattern || path + "/" == pattern || path == pattern + "/"
    }

    /// The canned response for a status fault.
    var response: APIResponse {
        let status = self.status ?? 500
        let text = body ?? JSON.object(JSONObject([("detail", .string("Sandbox fault: HTTP \(status)"))])).serialized
        let type = contentType ?? Fault.sniffContentType(text, defaulted: body == nil)
        var response = APIResponse.bytes(Array(text.utf8), contentType: type, status: status)
        if let retryAfter { response = response.with(header: "Retry-After", String(retryAfter)) }
        return response.with(headers: headers)
    }

    private static func sniffContentType(_ body: String, defaulted: Bool) -> String {
        if defaulted { return "application/json" }
        let start = body.drop(while: { $0.isWhitespace }).first
        if start == "<" { return "text/html; charset=utf-8" }
        if start == "{" || start == "[" { return "application/json" }
        return "text/plain; charset=utf-8"
    }

    var json: JSON {
        var object = JSONObject([
            ("id", .int(id)), ("path", .string(path)), ("method", .optional(method)), ("status", .optional(status)),
            ("count", .int(remaining)), ("body", .optional(body)), ("content_type", .optional(contentType)),
            ("retry_after", .optional(retryAfter)), ("delay_ms", .int(delayMilliseconds)), ("truncate", .bool(truncate)),
        ])
        if !headers.isEmpty { object["headers"] = .object(JSONObject(headers.map { ($0.0, JSON.string($0.1)) })) }
        return .object(object)
    }
}

// @unchecked: every stored property that changes is read and written only while `lock` is held.
final class FaultInjector: @unchecked Sendable {
    private let lock = NSLock()
    private var faults: [Fault] = []
    private var nextID = 1

    func arm(_ make: (Int) -> Fault) -> Fault {
        lock.withLock {
            let fault = make(nextID)
            nextID += 1
            faults.append(fault)
            return fault
        }
    }

    /// The first armed fault matching the request, with one use spent; faults are consumed in arming order.
    func take(method: String, path: String, query: [(String, String)]) -> Fault? {
        lock.withLock {
            guard let index = faults.firstIndex(where: { $0.remaining > 0 && $0.matches(method: method, path: path, query: query) })
            else { return nil }
            faults[index].remaining -= 1
            let fault = faults[index]
            if fault.remaining == 0 { faults.remove(at: index) }
            return fault
        }
    }

    var armed: [Fault] { lock.withLock { faults } }

    func clear() -> Int {
        lock.withLock {
            let count = faults.count
            faults.removeAll()
            return count
        }
    }
}
