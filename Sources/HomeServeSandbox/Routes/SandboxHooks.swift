import Foundation

/// `/sandbox/...`: test hooks that exist only in the sandbox. They are never recorded in the request journal
/// and never faulted, so a test can arm faults and read the journal without disturbing either.
struct SandboxHookRoutes: Sendable {
    let sandbox: Sandbox

    func register(in table: inout RouteTable) {
        // Registered with and without the trailing slash: these are not DRF routes, and tests should not
        // have to care.
        for suffix in ["", "/"] {
            table.add("GET", "/sandbox/otp" + suffix, .anyone) { try await self.latestOTP($0) }
            table.add("GET", "/sandbox/requests" + suffix, .anyone) { _ in self.requests() }
            table.add("DELETE", "/sandbox/requests" + suffix, .anyone) { _ in
                self.sandbox.journal.clear()
                return .noContent()
            }
            table.add("GET", "/sandbox/faults" + suffix, .anyone) { _ in
                .json(["faults": .array(self.sandbox.faults.armed.map(\.json))])
            }
            table.add("POST", "/sandbox/faults" + suffix, .anyone) { try await self.armFault($0) }
            table.add("POST", "/sandbox/clock" + suffix, .anyone) { try await self.advanceClock($0) }
            table.add("DELETE", "/sandbox/faults" + suffix, .anyone) { _ in
                _ = self.sandbox.faults.clear()
                return .noContent()
            }
        }
    }

    private func latestOTP(_ request: APIRequest) async throws -> APIResponse {
        let email = request.query("email")?.trimmingCharacters(in: .whitespaces).lowercased()
        let phone = request.query("phone").map { $0.filter { !" -()".contains($0) } }
        guard email?.isEmpty == false || phone?.isEmpty == false else {
            throw APIError.nonField("Pass ?email= or ?phone=.")
        }
        let row = try sandbox.store.read { db -> SQLRow? in
            // Match the account, so a code sent by email is found by phone too, and vice versa.
            let user = try db.queryOne(
                "SELECT id FROM users WHERE (? IS NOT NULL AND lower(email) = ?) OR (? IS NOT NULL AND phone = ?) LIMIT 1",
                [email, email, phone, phone])
            if let user {
                return try db.queryOne("SELECT code FROM otp_codes WHERE user_id = ? ORDER BY id DESC LIMIT 1",
                                       [user.int("id")])
            }
            return try db.queryOne("SELECT code FROM otp_codes WHERE identifier = ? ORDER BY id DESC LIMIT 1",
                                   [email ?? phone ?? ""])
        }
        guard let row else { throw APIError.notFound("No OTP has been sent to this address.") }
        return .json(["otp": .string(row.text("code"))])
    }

    private func requests() -> APIResponse {
        let (total, entries) = sandbox.journal.snapshot
        return .json([
            "count": .int(total),
            "requests": .array(entries.map { ["method": .string($0.method), "path": .string($0.path), "query": .string($0.query)] }),
        ])
    }

    /// Moves the sandbox's time ahead by `advance` seconds: tokens expire, dates move on.
    private func advanceClock(_ request: APIRequest) async throws -> APIResponse {
        var fields = FieldReader(try request.data().fields)
        let seconds = fields.integer("advance", min: -10 * 365 * 86_400, max: 10 * 365 * 86_400)
        if fields.errors.isEmpty, seconds == nil { fields.errors.add("advance", "This field is required.") }
        try fields.check()
        let total = Timestamp.skew.add(Int64(seconds ?? 0) * 1_000_000, ordering: .relaxed).newValue
        return .json(["skew_seconds": .int(Int(total / 1_000_000)), "now": .string(Timestamp.now().iso)])
    }

    private func armFault(_ request: APIRequest) async throws -> APIResponse {
        var fields = FieldReader(try request.data().fields)
        let path = fields.string("path", required: true, allowBlank: false)
        let method = fields.string("method")?.uppercased()
        let status = fields.integer("status", min: 100, max: 599)
        let count = fields.integer("count", min: 1, max: 1_000_000) ?? 1
        let body = fields.string("body", trim: false)
        let contentType = fields.string("content_type")
        let retryAfter = fields.integer("retry_after", min: 0, max: 86_400)
        let delay = fields.integer("delay_ms", min: 0, max: 600_000) ?? 0
        var truncate = false
        if let value = fields.json("truncate") {
            if case .bool(let flag) = value {
                truncate = flag
            } else {
                fields.errors.add("truncate", "Must be a valid boolean.")
            }
        }
        let headers = Self.headers(&fields)
        if let path, !path.hasPrefix("/") { fields.errors.add("path", "Must start with \"/\".") }
        if fields.errors.isEmpty, status == nil, delay == 0, !truncate, headers.isEmpty {
            fields.errors.add(
                "status", "Give a status, a delay_ms, truncate: true or headers; otherwise the fault does nothing.")
        }
        try fields.check()
        let fault = sandbox.faults.arm { id in
            Fault(id: id, path: path ?? "/", method: (method?.isEmpty ?? true) ? nil : method, status: status,
                  remaining: count, body: body, contentType: contentType, retryAfter: retryAfter,
                  delayMilliseconds: delay, truncate: truncate, headers: headers)
        }
        return .json(fault.json, status: 201)
    }

    /// `{"Name": "value", ...}`: names are HTTP tokens and values single lines, so a fault cannot split the
    /// response; numbers and booleans are taken as their text.
    private static func headers(_ fields: inout FieldReader) -> [(String, String)] {
        guard let given = fields.json("headers") else { return [] }
        guard case .object(let object) = given else {
            fields.errors.add("headers", "Expected a dictionary of items but got type \"\(given.pythonTypeName)\".")
            return []
        }
        let tokenCharacters = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        var headers: [(String, String)] = []
        for (name, value) in object.pairs {
            let text: String
            switch value {
            case .string(let s): text = s
            case .number(let n): text = n
            case .bool(let b): text = b ? "true" : "false"
            default:
                fields.errors.add("headers", "The value of \(name) must be a string.")
                continue
            }
            guard !name.isEmpty, name.allSatisfy({ tokenCharacters.contains($0) }) else {
                fields.errors.add("headers", "\"\(name)\" is not a valid header name.")
                continue
            }
            // The server frames the body itself; a fault that lied about it would break the connection, not
            // the client's handling of a reply.
            guard !["content-length", "transfer-encoding", "connection"].contains(name.lowercased()) else {
                fields.errors.add("headers", "\(name) is set by the server and cannot be faulted.")
                continue
            }
            guard !text.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
                fields.errors.add("headers", "The value of \(name) must be a single line.")
                continue
            }
            headers.append((name, text))
        }
        return headers
    }
}
