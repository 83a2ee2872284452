/// A finished response, independent of Hummingbird so handlers stay plain functions.
struct APIResponse: Sendable {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]

    static func json(_ value: JSON, status: Int = 200) -> APIResponse {
        APIResponse(status: status, headers: [("Content-Type", "application/json")], body: value.bytes)
    }

    static func noContent() -> APIResponse { APIResponse(status: 204, headers: [], body: []) }

    static func bytes(_ body: [UInt8], contentType: String, status: Int = 200) -> APIResponse {
        APIResponse(status: status, headers: [("Content-Type", contentType)], body: body)
    }

    /// These headers in place of any of the same name (case aside) the response already has.
    func with(headers replacements: [(String, String)]) -> APIResponse {
        guard !replacements.isEmpty else { return self }
        var copy = self
        let names = Set(replacements.map { $0.0.lowercased() })
        copy.headers.removeAll { names.contains($0.0.lowercased()) }
        copy.headers += replacements
        return copy
    }

    func with(header name: String, _ value: String) -> APIResponse {
        var copy = self
        copy.headers.append((name, value))
        return copy
    }
}
