import Foundation

/// Everything the route handlers share: the store, token signing, test hooks, events and files.
final class Sandbox: Sendable {
    let options: SandboxOptions
    let store: Store
    let tokens: TokenSigner
    let media: MediaStore
    let journal = RequestJournal()
    let pageStarts = PageStarts()
    let faults = FaultInjector()
    let events = EventHub()
    let cache = ResponseCache()
    let shapes: Shapes

    init(options: SandboxOptions) throws {
        self.options = options
        shapes = Shapes(mode: options.shapes)
        store = try Store(path: options.databasePath)
        // The signing secret lives in the database so tokens issued before a restart stay valid with --db.
        let secret: [UInt8]
        if let stored = try store.setting("jwt_secret"), stored.count == 64,
           let bytes = Sandbox.bytes(fromHex: stored)
        {
            secret = bytes
        } else {
            secret = Crypto.randomBytes(32)
            try store.setSetting("jwt_secret", Crypto.hex(secret))
        }
        tokens = TokenSigner(secret: secret, accessTTL: options.accessTTL, refreshTTL: options.refreshTTL)
        media = try MediaStore(directory: options.dataDirectory)
        if options.seed { try Seeder(store: store, extraBookings: options.extraBookings).seedIfEmpty() }
    }

    private static func bytes(fromHex hex: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) ?? hex.endIndex
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }

    static func log(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    // MARK: Authentication

    /// The caller named by the `Authorization: Bearer` header: nil without credentials, 401 for bad ones.
    /// Like simplejwt, a header with another scheme (`Basic …`, `Token …`) counts as no credentials.
    func authenticate(authorization: String?) throws -> User? {
        guard let header = authorization?.trimmingCharacters(in: .whitespaces), !header.isEmpty else { return nil }
        let parts = header.split(separator: " ", omittingEmptySubsequences: true)
        guard let scheme = parts.first, scheme == "Bearer" else { return nil }
        guard parts.count == 2 else {
            throw APIError.authenticationFailed(
                detail: "Authorization header must contain two space-delimited values", code: "bad_authorization_header")
        }
        return try user(forAccessToken: String(parts[1]))
    }

    func user(forAccessToken token: String) throws -> User {
        guard let claims = tokens.verify(token, expectedType: "access") else { throw APIError.tokenNotValid }
        guard let user = try store.read({ try $0.user(id: claims.userID) }), user.isActive else {
            throw APIError.authenticationFailed(detail: "User not found", code: "user_not_found")
        }
        return user
    }

    /// simplejwt's `TokenObtainPairView` answer, with the refresh token's jti remembered for rotation.
    func loginResponse(for user: User, in db: SQLiteDatabase) throws -> JSON {
        let pair = tokens.issuePair(userID: user.id)
        try db.query(
            "INSERT INTO refresh_tokens (jti, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
            [pair.refreshJTI, user.id, Timestamp.now(), pair.refreshExpires])
        return ["access": .string(pair.access), "refresh": .string(pair.refresh), "user": user.summaryJSON]
    }

    // MARK: Events

    /// Tells everyone watching a booking (its page, both parties' notification and status feeds) what changed.
    func announce(_ booking: Booking, type: String = "booking_status_change", data: JSON? = nil) {
        var channels = ["booking:\(booking.id)", "notifications:\(booking.customerID)", "status:\(booking.customerID)"]
        if let vendor = booking.vendorID {
            channels += ["notifications:\(vendor)", "status:\(vendor)"]
        }
        events.publish(channels, type: type, data: data ?? booking.json)
    }

    /// A payment changed (authorised on completion, captured on sign-off): the booking's page and both
    /// parties hear of it, since the vendor is the one being paid.
    func announcePayment(_ payment: JSON, for booking: Booking) {
        let parties = [booking.customerID] + (booking.vendorID.map { [$0] } ?? [])
        events.publish(["booking:\(booking.id)"] + parties.map { "notifications:\($0)" }, type: "payment_update", data: payment)
    }

    func notify(userIDs: [Int], type: String = "notification", data: JSON) {
        events.publish(userIDs.map { "notifications:\($0)" }, type: type, data: data)
    }
}
