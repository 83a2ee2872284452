import Foundation

/// `/auth/...`: password login, refresh-token rotation, and one-time codes by email or SMS.
struct AuthRoutes: Sendable {
    let sandbox: Sandbox

    static let otpLifetimeSeconds: Int64 = 300
    /// Wrong codes a sent code survives; the last of them spends it.
    static let otpAttempts = 5

    func register(in table: inout RouteTable) {
        table.add("POST", "/auth/login/", .credentials) { try await self.login($0) }
        table.add("POST", "/auth/refresh/", .credentials) { try await self.refresh($0) }
        table.add("POST", "/auth/send-otp/", .credentials) { try await self.sendOTP($0, vendorOnly: false) }
        table.add("POST", "/auth/verify-otp/", .credentials) { try await self.verifyOTP($0, vendorOnly: false) }
        table.add("POST", "/auth/vendor/send-otp/", .credentials) { try await self.sendOTP($0, vendorOnly: true) }
        table.add("POST", "/auth/vendor/verify-otp/", .credentials) { try await self.verifyOTP($0, vendorOnly: true) }
    }

    private func login(_ request: APIRequest) async throws -> APIResponse {
        var fields = FieldReader(try request.data().fields)
        let username = fields.string("username", required: true, allowBlank: false, trim: false)
        let password = fields.string("password", required: true, allowBlank: false, trim: false)
        try fields.check()
        guard let username, let password else { throw APIError.badRequest("Missing credentials.") }
        return try sandbox.store.write { db in
            guard let user = try db.queryOne("SELECT * FROM users WHERE username = ?", [username]).map(User.init),
                  user.isActive, PasswordHasher.verify(password, against: user.passwordHash)
            else {
                throw APIError.authenticationFailed(
                    detail: "No active account found with the given credentials", code: nil)
            }
            return .json(try sandbox.loginResponse(for: user, in: db))
        }
    }

    /// Rotation with blacklisting: each refresh token works once, then its jti is blacklisted.
    private func refresh(_ request: APIRequest) async throws -> APIResponse {
        var fields = FieldReader(try request.data().fields)
        let token = fields.string("refresh", required: true, allowBlank: false)
        try fields.check()
        guard let token, let claims = sandbox.tokens.verify(token, expectedType: "refresh") else {
            throw APIError.authenticationFailed(detail: "Token is invalid or expired", code: "token_not_valid")
        }
        return try sandbox.store.write { db in
            guard let row = try db.queryOne("SELECT * FROM refresh_tokens WHERE jti = ?", [claims.jti]) else {
                throw APIError.authenticationFailed(detail: "Token is invalid or expired", code: "token_not_valid")
            }
            if row.optionalInt("blacklisted_at") != nil {
                throw APIError.authenticationFailed(detail: "Token is blacklisted", code: "token_not_valid")
            }
            guard let user = try db.user(id: claims.userID), user.isActive else {
                throw APIError.authenticationFailed(detail: "User not found", code: "user_not_found")
            }
            try db.query("UPDATE refresh_tokens SET blacklisted_at = ? WHERE jti = ?", [Timestamp.now(), claims.jti])
            let login = try sandbox.loginResponse(for: user, in: db)
            return .json(["access": login.objectValue?["access"] ?? .null, "refresh": login.objectValue?["refresh"] ?? .null])
        }
    }

    private struct Identifier {
        let field: String
        let value: String
        let channel: String
    }

    /// `email` or `phone`, whichever was sent (the phone first when an SMS is asked for), normalized for lookup.
    private func identifier(_ fields: inout FieldReader, preferringPhone: Bool = false) -> Identifier? {
        let email = fields.string("email")
        let phone = fields.string("phone")
        if let email, !email.isEmpty, !(preferringPhone && !(phone ?? "").isEmpty) {
            guard email.contains("@"), !email.hasPrefix("@"), !email.hasSuffix("@"), !email.contains(" ") else {
                fields.errors.add("email", "Enter a valid email address.")
                return nil
            }
            return Identifier(field: "email", value: email.lowercased(), channel: "email")
        }
        if let phone, !phone.isEmpty {
            let normalized = phone.filter { !" -()".contains($0) }
            guard normalized.count >= 7, normalized.count <= 16,
                  normalized.enumerated().allSatisfy({ $0.element.isNumber || ($0.offset == 0 && $0.element == "+") })
            else {
                fields.errors.add("phone", "Enter a valid phone number.")
                return nil
            }
            return Identifier(field: "phone", value: normalized, channel: "sms")
        }
        if !fields.errors.has("email"), !fields.errors.has("phone") {
            fields.errors.add("non_field_errors", "Either email or phone is required.")
        }
        return nil
    }

    private func findUser(_ identifier: Identifier, in db: SQLiteDatabase) throws -> User? {
        let sql = identifier.field == "email"
            ? "SELECT * FROM users WHERE lower(email) = ? AND is_active = 1 ORDER BY id LIMIT 1"
            : "SELECT * FROM users WHERE phone = ? AND is_active = 1 ORDER BY id LIMIT 1"
        return try db.queryOne(sql, [identifier.value]).map(User.init)
    }

    /// A code is good only at the endpoint family that sent it, so a vendor-login code cannot be spent on the
    /// general login and vice versa.
    private static func otpPurpose(vendorOnly: Bool) -> String { vendorOnly ? "vendor" : "user" }

    private func sendOTP(_ request: APIRequest, vendorOnly: Bool) async throws -> APIResponse {
        var fields = FieldReader(try request.data().fields)
        let method = fields.choice("method", ["email", "sms"])
        let identifier = identifier(&fields, preferringPhone: method == "sms")
        // A code goes by the channel of the address given: an SMS needs a phone number, an email an address.
        if let method, let identifier, method != identifier.channel {
            fields.errors.add(method == "sms" ? "phone" : "email", "This field is required when method is \(method).")
        }
        try fields.check()
        guard let identifier else { throw APIError.nonField("Either email or phone is required.") }
        let channel = identifier.channel
        let code = String(format: "%06d", Int(Crypto.randomBytes(4).reduce(0) { $0 << 8 | UInt32($1) } % 1_000_000))
        try sandbox.store.write { db in
            guard let user = try findUser(identifier, in: db) else {
                throw APIError.notFound("No account found with this \(identifier.field).")
            }
            if vendorOnly, user.role != .vendor {
                throw APIError.forbidden("This account is not registered as a vendor.")
            }
            let now = Timestamp.now()
            // A new code retires those sent before it: five wrong tries spend the one code there is.
            try db.query("UPDATE otp_codes SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL",
                         [now, user.id, Self.otpPurpose(vendorOnly: vendorOnly)])
            try db.query(
                """
                INSERT INTO otp_codes (user_id, identifier, channel, purpose, code, created_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                [user.id, identifier.value, channel, Self.otpPurpose(vendorOnly: vendorOnly), code, now,
                 now.adding(seconds: Self.otpLifetimeSeconds)])
            try db.logNotification(recipient: user.id, type: "otp", method: channel, subject: "Your login code",
                                   message: "Your HomeServe login code is ready.", relatedObject: nil)
        }
        Sandbox.log("OTP for \(identifier.value): \(code)")
        return .json(["message": "OTP sent", "method": .string(channel), identifier.field: .string(identifier.value),
                      "expires_in": .int(Int(Self.otpLifetimeSeconds))])
    }

    private func verifyOTP(_ request: APIRequest, vendorOnly: Bool) async throws -> APIResponse {
        var fields = FieldReader(try request.data().fields)
        let identifier = identifier(&fields)
        let otp = fields.string("otp", required: true, allowBlank: false)
        try fields.check()
        guard let identifier, let otp else { throw APIError.field("otp", "Invalid or expired OTP.") }
        // A code is good for the address it was sent to, and for five tries: the fifth wrong one spends it.
        // The count must outlive the refusal, so the refusal is returned from the write rather than thrown in it.
        let outcome = try sandbox.store.write { db -> Result<JSON, APIError> in
            let refused = Result<JSON, APIError>.failure(.field("otp", "Invalid or expired OTP."))
            let now = Timestamp.now()
            guard let user = try findUser(identifier, in: db),
                  !vendorOnly || user.role == .vendor,
                  let row = try db.queryOne(
                      """
                      SELECT * FROM otp_codes WHERE user_id = ? AND purpose = ? AND identifier = ? AND used_at IS NULL
                      AND expires_at > ? ORDER BY id DESC LIMIT 1
                      """,
                      [user.id, Self.otpPurpose(vendorOnly: vendorOnly), identifier.value, now])
            else { return refused }
            guard Crypto.constantTimeEqual(Array(row.text("code").utf8), Array(otp.utf8)) else {
                let attempts = row.int("attempts") + 1
                try db.query("UPDATE otp_codes SET attempts = ?, used_at = CASE WHEN ? >= ? THEN ? END WHERE id = ?",
                             [attempts, attempts, Self.otpAttempts, now, row.int("id")])
                return refused
            }
            try db.query("UPDATE otp_codes SET used_at = ? WHERE id = ?", [now, row.int("id")])
            return .success(try sandbox.loginResponse(for: user, in: db))
        }
        return .json(try outcome.get())
    }
}
