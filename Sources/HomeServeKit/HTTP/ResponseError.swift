/// Turns an unsuccessful HTTP response into one clear line (plus per-field details) and an exit code.
enum ResponseError {
    static func classify(_ response: HTTPResponse, method: String, path: String) -> CLIError {
        let status = response.status
        let code: ExitCode
        switch status {
        case 401: code = .notAuthenticated
        case 403: code = .forbidden
        case 404: code = .notFound
        case 409: code = .conflict
        case 429: code = .rateLimited
        case 500...: code = .serverError
        default: code = .rejected
        }
        let where_ = "\(method) \(path)"
        guard let body = try? JSON.parse(response.body) else {
            return CLIError(code, "\(where_) failed: HTTP \(status)\(summary(ofNonJSON: response).map { ": " + $0 } ?? "")")
        }
        var details: [String] = []
        var message = "HTTP \(status)"
        if let detail = body["detail"]?.stringValue ?? body["error"]?.stringValue ?? body["message"]?.stringValue {
            message += ": " + detail
        } else if case let .object(pairs) = body {
            message += status == 400 || status == 422 ? ": the server rejected the request" : ""
            details = pairs.map { key, value in "  \(key): \(messages(value))" }
        } else if case let .array(items) = body {
            message += ": " + items.map(messages).joined(separator: "; ")
        }
        return CLIError(code, "\(where_) failed: \(message)", details: details)
    }

    /// DRF sends `{"field": ["message", …]}`; nested serializers nest the same shape.
    static func messages(_ value: JSON) -> String {
        switch value {
        case let .array(items): return items.map(messages).joined(separator: "; ")
        case let .object(pairs): return pairs.map { "\($0.0): \(messages($0.1))" }.joined(separator: "; ")
        default: return value.cellText
        }
    }

    /// One line for an HTML error page or a text body: the page title, else the first line, shortened.
    static func summary(ofNonJSON response: HTTPResponse) -> String? {
        let text = String(decoding: response.body.prefix(65536), as: UTF8.self)
        if text.isEmpty { return nil }
        let lower = text.lowercased()
        if let open = lower.firstRange(of: "<title>"), let close = lower[open.upperBound...].firstRange(of: "</title>") {
            let title = String(text[open.upperBound..<close.lowerBound]).trimmingCharacters(in: " \n\r\t")
            if !title.isEmpty { return "\(title) (HTML page)" }
        }
        if lower.contains("<html") || lower.contains("<!doctype") { return "an HTML page" }
        let first = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).first.map(String.init) ?? text
        return first.count > 120 ? String(first.prefix(117)) + "..." : first
    }
}
