import Foundation

/// `/api/signatures/` and `/api/enhanced-signatures/`: the customer's sign-off on completed work.
struct SignatureRoutes: Sendable {
    let sandbox: Sandbox

    static let lifetimeDays = 2

    func register(in table: inout RouteTable) {
        table.add("GET", "/api/signatures/", .authenticated) { try await self.list($0) }
        table.add("GET", "/api/signatures/{id}/", .authenticated) { try await self.detail($0) }
        table.add("POST", "/api/signatures/{id}/sign/", .roles([.customer])) { try await self.sign($0) }
        table.add("POST", "/api/enhanced-signatures/", .authenticated) { try await self.enhanced($0) }
    }

    /// Customers see signatures on their bookings, vendors on jobs assigned to them, staff all of them.
    private static func visibility(for user: User) -> (sql: String, parameters: [any SQLConvertible]) {
        switch user.role {
        case .customer: return ("b.customer_id = ?", [user.id])
        case .vendor: return ("b.vendor_id = ?", [user.id])
        default: return ("1 = 1", [])
        }
    }

    private static func visibleSignature(_ rawID: String, to user: User, in db: SQLiteDatabase) throws -> Signature {
        let clause = visibility(for: user)
        guard let id = Crypto.normalizedUUID(rawID),
              let row = try db.queryOne(
                  "SELECT s.* FROM signatures s JOIN bookings b ON b.id = s.booking_id WHERE s.id = ? AND \(clause.sql)",
                  [id] + clause.parameters)
        else { throw APIError.notFoundDefault }
        return Signature(row: row)
    }

    private func list(_ request: APIRequest) async throws -> APIResponse {
        let user = try request.requiredUser
        let clause = Self.visibility(for: user)
        var conditions = [clause.sql]
        var parameters = clause.parameters
        if let status = request.query("status"), !status.isEmpty {
            guard ["pending", "signed", "expired", "disputed"].contains(status) else {
                throw APIError.field("status", "Select a valid choice. \(status) is not one of the available choices.")
            }
            conditions.append("s.status = ?")
            parameters.append(status)
        }
        if let booking = request.query("booking"), !booking.isEmpty {
            conditions.append("s.booking_id = ?")
            parameters.append(Crypto.normalizedUUID(booking) ?? booking)
        }
        let whereClause = conditions.joined(separator: " AND ")
        var query = QueryReader(request)
        let paging = PageRequest(sandbox.shapes.envelope(.signatures), &query)
        try query.check()
        return try sandbox.store.read { db in
            let from = "FROM signatures s JOIN bookings b ON b.id = s.booking_id WHERE \(whereClause)"
            let count = try db.scalarInt("SELECT COUNT(*) \(from)", parameters)
            let window = try paging.window(total: count)
            let rows = try db.query("SELECT s.* \(from) ORDER BY s.requested_at DESC, s.id LIMIT ? OFFSET ?",
                                    parameters + [window.size, window.offset])
            return .json(paging.envelope.body(rows.map { Signature(row: $0).json }, window, request: request))
        }
    }

    private func detail(_ request: APIRequest) async throws -> APIResponse {
        let user = try request.requiredUser
        return .json(try sandbox.store.read { try Self.visibleSignature(request.parameter(0), to: user, in: $0) }.json)
    }

    // MARK: Requesting

    /// Opens a signature request on a completed booking. Shared by `request_signature` and the photo variant.
    static func createRequest(for booking: Booking, by user: User, photoIDs: [Int], db: SQLiteDatabase) throws
        -> Signature
    {
        guard booking.status == .completed else {
            throw APIError.badRequest(
                "Signatures can only be requested for completed bookings; this one is \(booking.status.rawValue).")
        }
        let now = Timestamp.now()
        let pending = try db.scalarInt(
            "SELECT COUNT(*) FROM signatures WHERE booking_id = ? AND status = 'pending' AND expires_at > ?",
            [booking.id, now])
        if pending > 0 { throw APIError.badRequest("A signature request is already pending for this booking.") }
        let id = Crypto.uuid4()
        let data: String? = photoIDs.isEmpty ? nil : JSON.object(JSONObject([("photo_ids", .array(photoIDs.map(JSON.int)))])).serialized
        try db.query(
            """
            INSERT INTO signatures (id, booking_id, status, signature_data, requested_at, expires_at)
            VALUES (?, ?, 'pending', ?, ?, ?)
            """,
            [id, booking.id, data, now, now.adding(days: lifetimeDays)])
        guard let signature = try db.signature(id: id) else { throw APIError.notFoundDefault }
        try db.recordEdit(user: user, model: "Signature", objectID: id, action: "create", before: nil,
                          after: signature.json)
        try db.logNotification(recipient: booking.customerID, type: "signature_request", method: "email",
                               subject: "Please sign off your service",
                               message: "\(booking.serviceName) is complete. Please review and sign.",
                               relatedObject: id)
        return signature
    }

    static func announceRequest(_ signature: Signature, booking: Booking, sandbox: Sandbox) {
        sandbox.events.publish(["booking:\(booking.id)", "notifications:\(booking.customerID)"],
                               type: "signature_request", data: signature.json)
    }

    // MARK: Signing

    private enum SignOutcome {
        case signed(Signature, Booking, hash: String)
        case expired
    }

    /// Whether a signature request can still be signed or rejected. One past its expiry is marked expired
    /// and `false` comes back: the caller returns from the transaction so the change commits, then reports
    /// the error, and the expiry sticks.
    private static func isOpen(_ signature: Signature, by user: User, db: SQLiteDatabase) throws -> Bool {
        guard signature.status == "pending" else {
            throw APIError.badRequest("This signature request is \(signature.status), not pending.")
        }
        guard signature.expiresAt <= Timestamp.now() else { return true }
        try db.query("UPDATE signatures SET status = 'expired' WHERE id = ?", [signature.id])
        if let expired = try db.signature(id: signature.id) {
            try db.recordEdit(user: user, model: "Signature", objectID: signature.id, action: "update",
                              before: signature.json, after: expired.json)
        }
        return false
    }

    private static let expiredError = APIError.badRequest("This signature request has expired.")

    private func sign(_ request: APIRequest) async throws -> APIResponse {
        let user = try request.requiredUser
        let data = try request.data().fields
        let outcome = try sandbox.store.write { db -> SignOutcome in
            let signature = try Self.visibleSignature(request.parameter(0), to: user, in: db)
            guard try Self.isOpen(signature, by: user, db: db) else { return .expired }
            let now = Timestamp.now()
            var fields = FieldReader(data)
            let rating = fields.integer("satisfaction_rating", required: true, min: 1, max: 5)
            let comments = fields.string("comments", maxLength: 2000) ?? ""
            try fields.check()
            guard let rating, let booking = try db.booking(id: signature.bookingID) else {
                throw APIError.notFoundDefault
            }
            guard booking.status == .completed else {
                throw APIError.badRequest("Only completed bookings can be signed; this one is \(booking.status.rawValue).")
            }
            let photoIDs = storedJSON(signature.signatureData).objectValue?["photo_ids"] ?? .array([])
            // The hash covers exactly the content recorded in signature_data, serialized compactly in this order.
            let content: JSON = [
                "signature_id": .string(signature.id), "booking_id": .string(booking.id),
                "customer_id": .int(user.id), "vendor_id": .optional(booking.vendorID),
                "service": .string(booking.serviceName), "total_price": .string(Money.format(booking.totalPriceCents)),
                "completion_date": .optional(booking.completionDate?.iso), "signed_at": .string(now.iso),
                "satisfaction_rating": .int(rating), "comments": .string(comments), "photo_ids": photoIDs,
            ]
            let hash = Crypto.sha256Hex(content.serialized)
            try db.query(
                """
                UPDATE signatures SET status = 'signed', signed_by = ?, signed_at = ?, signature_hash = ?,
                    signature_data = ?, satisfaction_rating = ?, satisfaction_comments = ? WHERE id = ?
                """,
                [user.id, now, hash, content.serialized, rating, comments, signature.id])
            try db.query("UPDATE bookings SET status = 'signed', updated_at = ? WHERE id = ?", [now, booking.id])
            // Signing off releases the payment authorised at completion.
            try db.query("UPDATE payments SET status = 'succeeded' WHERE booking_id = ? AND status = 'requires_capture'",
                         [booking.id])
            guard let signed = try db.signature(id: signature.id), let updated = try db.booking(id: booking.id) else {
                throw APIError.notFoundDefault
            }
            try db.recordEdit(user: user, model: "Signature", objectID: signature.id, action: "update",
                              before: signature.json, after: signed.json)
            try db.recordEdit(user: user, model: "Booking", objectID: booking.id, action: "update",
                              before: booking.json, after: updated.json)
            if let vendor = booking.vendorID {
                try db.logNotification(recipient: vendor, type: "booking_signed", method: "sms",
                                       subject: "Customer signed off",
                                       message: "\(booking.serviceName) was signed off with \(rating) stars.",
                                       relatedObject: booking.id)
            }
            return .signed(signed, updated, hash: hash)
        }
        switch outcome {
        case .expired:
            throw Self.expiredError
        case .signed(let signature, let booking, let hash):
            sandbox.announce(booking)
            let payments = try sandbox.store.read { db in
                try db.query("SELECT id FROM payments WHERE booking_id = ?", [booking.id]).map {
                    try BookingRoutes.paymentJSON(id: $0.text("id"), db: db)
                }
            }
            for payment in payments { sandbox.announcePayment(payment, for: booking) }
            return .json(["message": "Booking signed successfully", "signature_hash": .string(hash),
                          "signature": signature.json])
        }
    }

    // MARK: Enhanced signatures

    private func enhanced(_ request: APIRequest) async throws -> APIResponse {
        let user = try request.requiredUser
        let data = try request.data().fields
        var fields = FieldReader(data)
        let action = fields.choice("action", ["request_signature_with_photos", "reject_signature"], required: true)
        try fields.check()
        switch action {
        case "request_signature_with_photos":
            guard user.role == .vendor else { throw APIError.permissionDenied }
            return try requestWithPhotos(user, fields)
        default:
            guard user.role == .customer else { throw APIError.permissionDenied }
            return try reject(user, fields)
        }
    }

    private func requestWithPhotos(_ user: User, _ input: FieldReader) throws -> APIResponse {
        var fields = input
        let bookingID = fields.string("booking_id", required: true, allowBlank: false)
        let rawPhotoIDs = fields.stringList("photo_ids", required: true)
        var photoIDs: [Int] = []
        for raw in rawPhotoIDs ?? [] {
            guard let id = FieldReader.integerValue(.string(raw)) else {
                fields.errors.add("photo_ids", "\"\(raw)\" is not a valid photo id.")
                break
            }
            photoIDs.append(id)
        }
        if rawPhotoIDs?.isEmpty == true { fields.errors.add("photo_ids", "At least one photo is required.") }
        let (booking, signature) = try sandbox.store.write { db -> (Booking, Signature) in
            // The booking is a field like the others (DRF's related field): its errors come with theirs.
            let found = try bookingID.flatMap(Crypto.normalizedUUID).flatMap { try BookingRoutes.visibleBooking(id: $0, to: user, in: db) }
            if bookingID != nil, found == nil { fields.errors.add("booking_id", "Booking not found.") }
            try fields.check()
            guard let booking = found else { throw APIError.badRequest("Missing fields.") }
            guard booking.vendorID == user.id else { throw APIError.permissionDenied }
            for photoID in photoIDs {
                let owned = try db.scalarInt("SELECT COUNT(*) FROM photos WHERE id = ? AND booking_id = ?",
                                             [photoID, booking.id])
                if owned == 0 { throw APIError.field("photo_ids", "Photo \(photoID) does not belong to this booking.") }
            }
            return (booking, try Self.createRequest(for: booking, by: user, photoIDs: photoIDs, db: db))
        }
        Self.announceRequest(signature, booking: booking, sandbox: sandbox)
        return .json(["status": "success", "signature_id": .string(signature.id),
                      "message": .string("Signature requested with \(photoIDs.count) photo(s) attached.")],
                     status: 201)
    }

    private func reject(_ user: User, _ input: FieldReader) throws -> APIResponse {
        var fields = input
        let signatureID = fields.string("signature_id", required: true, allowBlank: false)
        let reason = fields.string("reason", required: true, allowBlank: false, maxLength: 2000)
        let evidence = fields.json("evidence")
        try fields.check()
        guard let signatureID, let reason else { throw APIError.badRequest("Missing fields.") }
        let opened = try sandbox.store.write { db -> (Booking, Dispute)? in
            let signature = try Self.visibleSignature(signatureID, to: user, in: db)
            guard try Self.isOpen(signature, by: user, db: db) else { return nil }
            guard let booking = try db.booking(id: signature.bookingID) else { throw APIError.notFoundDefault }
            try db.query("UPDATE signatures SET status = 'disputed' WHERE id = ?", [signature.id])
            if let updated = try db.signature(id: signature.id) {
                try db.recordEdit(user: user, model: "Signature", objectID: signature.id, action: "update",
                                  before: signature.json, after: updated.json)
            }
            let dispute = try DisputeRoutes.open(
                booking: booking, by: user, type: "signature_rejected", title: "Signature rejected: \(booking.serviceName)",
                description: reason, severity: "medium", evidence: evidence, db: db)
            return (try db.booking(id: booking.id) ?? booking, dispute)
        }
        guard let (booking, dispute) = opened else { throw Self.expiredError }
        sandbox.announce(booking)
        return .json(["status": "success", "dispute_id": .string(dispute.id),
                      "message": "Signature rejected; a dispute has been opened."], status: 201)
    }
}
