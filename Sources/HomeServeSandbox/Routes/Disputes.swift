import Foundation

/// `/api/disputes/`: disagreements about a booking, their message threads, and their resolution.
struct DisputeRoutes: Sendable {
    let sandbox: Sandbox

    static let types = ["quality", "incomplete_work", "damage", "billing", "no_show", "behavior", "signature_rejected",
                        "other"]
    static let severities = ["low", "medium", "high", "critical"]
    static let maxAttachmentBytes = 10 * 1024 * 1024

    func register(in table: inout RouteTable) {
        table.add("GET", "/api/disputes/", .authenticated) { try await self.list($0) }
        table.add("POST", "/api/disputes/create_dispute/", .roles([.customer, .vendor])) { try await self.create($0) }
        table.add("GET", "/api/disputes/{id}/", .authenticated) { try await self.detail($0) }
        table.add("GET", "/api/disputes/{id}/messages/", .authenticated) { try await self.messages($0) }
        table.add("POST", "/api/disputes/{id}/send_message/", .authenticated) { try await self.send($0) }
        table.add("POST", "/api/disputes/{id}/mark_read/", .authenticated) { try await self.markRead($0) }
        table.add("POST", "/api/disputes/{id}/resolve/", .roles(Role.operators)) { try await self.resolve($0) }
    }

    // MARK: Rendering

    static func json(_ dispute: Dispute, db: SQLiteDatabase) throws -> JSON {
        let messages = try db.scalarInt("SELECT COUNT(*) FROM dispute_messages WHERE dispute_id = ?", [dispute.id])
        return [
            "id": .string(dispute.id), "booking": .string(dispute.bookingID), "customer": .int(dispute.customerID),
            "vendor": .optional(dispute.vendorID), "customer_name": .optional(try db.userName(id: dispute.customerID)),
            "vendor_name": .optional(try db.userName(id: dispute.vendorID)),
            "dispute_type": .string(dispute.disputeType), "title": .string(dispute.title),
            "description": .string(dispute.description), "severity": .string(dispute.severity),
            "status": .string(dispute.status), "customer_evidence": storedJSON(dispute.customerEvidence),
            "vendor_evidence": storedJSON(dispute.vendorEvidence), "resolution_notes": .optional(dispute.resolutionNotes),
            "resolution_evidence": storedJSON(dispute.resolutionEvidence),
            "resolution_amount": .optional(dispute.resolutionAmountCents.map(Money.format)),
            "assigned_mediator": .optional(dispute.assignedMediator),
            "assigned_mediator_name": .optional(try db.userName(id: dispute.assignedMediator)),
            "escalated_to": .optional(dispute.escalatedTo), "created_at": .string(dispute.createdAt.iso),
            "resolved_at": .optional(dispute.resolvedAt?.iso), "messages_count": .int(messages),
        ]
    }

    private func messageJSON(_ message: DisputeMessage, request: APIRequest, db: SQLiteDatabase) throws -> JSON {
        [
            "id": .string(message.id), "dispute": .string(message.disputeID), "sender": .int(message.senderID),
            "sender_name": .string(try db.userName(id: message.senderID) ?? ""),
            "recipient": .optional(message.recipientID), "recipient_name": .optional(try db.userName(id: message.recipientID)),
            "message_type": .string(message.messageType), "content": .string(message.content),
            "attachment_name": .optional(message.attachmentName),
            "attachment_url": .optional(message.attachmentFile.map { request.absoluteURL(path: "/media/\($0)") }),
            "is_read": .bool(message.isRead), "created_at": .string(message.createdAt.iso),
        ]
    }

    // MARK: Access

    private static func visibility(for user: User) -> (sql: String, parameters: [any SQLConvertible]) {
        switch user.role {
        case .customer: return ("customer_id = ?", [user.id])
        case .vendor: return ("vendor_id = ?", [user.id])
        default: return ("1 = 1", [])
        }
    }

    private func visibleDispute(_ request: APIRequest, _ user: User, _ db: SQLiteDatabase) throws -> Dispute {
        guard let id = Crypto.normalizedUUID(request.parameter(0)), let dispute = try db.dispute(id: id),
              dispute.involves(user)
        else { throw APIError.notFoundDefault }
        return dispute
    }

    // MARK: Reading

    private func list(_ request: APIRequest) async throws -> APIResponse {
        let user = try request.requiredUser
        let clause = Self.visibility(for: user)
        var conditions = [clause.sql]
        var parameters = clause.parameters
        if let status = request.query("status"), !status.isEmpty {
            conditions.append("status = ?")
            parameters.append(status)
        }
        if let booking = request.query("booking"), !booking.isEmpty {
            conditions.append("booking_id = ?")
            parameters.append(Crypto.normalizedUUID(booking) ?? booking)
        }
        let whereClause = conditions.joined(separator: " AND ")
        var query = QueryReader(request)
        let paging = PageRequest(sandbox.shapes.envelope(.disputes), &query)
        try query.check()
        return try sandbox.store.read { db in
            let count = try db.scalarInt("SELECT COUNT(*) FROM disputes WHERE \(whereClause)", parameters)
            let window = try paging.window(total: count)
            let rows = try db.query(
                "SELECT * FROM disputes WHERE \(whereClause) ORDER BY created_at DESC, id LIMIT ? OFFSET ?",
                parameters + [window.size, window.offset])
            let items = try rows.map { try Self.json(Dispute(row: $0), db: db) }
            return .json(paging.envelope.body(items, window, request: request))
        }
    }

    private func detail(_ request: APIRequest) async throws -> APIResponse {
        let user = try request.requiredUser
        return .json(try sandbox.store.read { db in try Self.json(try visibleDispute(request, user, db), db: db) })
    }

    // MARK: Opening

    /// Opens a dispute and moves the booking to `disputed`. Shared with signature rejection.
    static func open(booking: Booking, by user: User, type: String, title: String, description: String,
                     severity: String, evidence: JSON?, db: SQLiteDatabase) throws -> Dispute
    {
        let openStatuses: Set<BookingStatus> = [.confirmed, .inProgress, .completed, .signed]
        guard openStatuses.contains(booking.status) else {
            throw APIError.badRequest("A dispute cannot be opened on a \(booking.status.rawValue) booking.")
        }
        let existing = try db.scalarInt(
            "SELECT COUNT(*) FROM disputes WHERE booking_id = ? AND status IN ('open', 'in_progress', 'escalated')",
            [booking.id])
        if existing > 0 { throw APIError.badRequest("This booking already has an open dispute.") }
        let id = Crypto.uuid4()
        let now = Timestamp.now()
        let isCustomer = user.id == booking.customerID
        try db.query(
            """
            INSERT INTO disputes (id, booking_id, customer_id, vendor_id, dispute_type, title, description, severity,
                status, customer_evidence, vendor_evidence, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?)
            """,
            [id, booking.id, booking.customerID, booking.vendorID, type, title, description, severity,
             isCustomer ? evidence?.serialized : nil, isCustomer ? nil : evidence?.serialized, now])
        try db.query("UPDATE bookings SET status = 'disputed', updated_at = ? WHERE id = ?", [now, booking.id])
        guard let dispute = try db.dispute(id: id), let updated = try db.booking(id: booking.id) else {
            throw APIError.notFoundDefault
        }
        try db.recordEdit(user: user, model: "Dispute", objectID: id, action: "create", before: nil,
                          after: try json(dispute, db: db))
        try db.recordEdit(user: user, model: "Booking", objectID: booking.id, action: "update", before: booking.json,
                          after: updated.json)
        let other = isCustomer ? booking.vendorID : booking.customerID
        try db.logNotification(recipient: other, type: "dispute_opened", method: "email",
                               subject: "A dispute was opened", message: title, relatedObject: id)
        return dispute
    }

    private func create(_ request: APIRequest) async throws -> APIResponse {
        let user = try request.requiredUser
        var fields = FieldReader(try request.data().fields)
        let bookingID = fields.string("booking_id", required: true, allowBlank: false)
        let type = fields.choice("dispute_type", Self.types, required: true)
        let title = fields.string("title", required: true, allowBlank: false, maxLength: 200)
        let description = fields.string("description", required: true, allowBlank: false, maxLength: 5000)
        let severity = fields.choice("severity", Self.severities)
        let evidence = fields.json("evidence")
        // The booking is a field like the others (DRF's related field): its errors come with theirs.
        if let bookingID {
            if let id = Crypto.normalizedUUID(bookingID) {
                if try sandbox.store.read({ db in try BookingRoutes.visibleBooking(id: id, to: user, in: db) }) == nil {
                    fields.errors.add("booking_id", "Booking not found.")
                }
            } else {
                fields.errors.add("booking_id", "Must be a valid UUID.")
            }
        }
        try fields.check()
        guard let bookingID, let type, let title, let description else { throw APIError.badRequest("Missing fields.") }
        let (booking, body) = try sandbox.store.write { db -> (Booking, JSON) in
            guard let id = Crypto.normalizedUUID(bookingID),
                  let booking = try BookingRoutes.visibleBooking(id: id, to: user, in: db)
            else { throw APIError.field("booking_id", "Booking not found.") }
            guard booking.customerID == user.id || booking.vendorID == user.id else { throw APIError.permissionDenied }
            let dispute = try Self.open(
                booking: booking, by: user, type: type, title: title, description: description,
                severity: severity ?? Self.defaultSeverity(type), evidence: evidence, db: db)
            return (try db.booking(id: booking.id) ?? booking, try Self.json(dispute, db: db))
        }
        sandbox.announce(booking)
        return .json(sandbox.shapes.render(.disputeCreated, body), status: 201)
    }

    static func defaultSeverity(_ type: String) -> String {
        switch type {
        case "damage", "no_show", "behavior": return "high"
        case "other": return "low"
        default: return "medium"
        }
    }

    // MARK: Messages

    private func messages(_ request: APIRequest) async throws -> APIResponse {
        let user = try request.requiredUser
        var query = QueryReader(request)
        let paging = PageRequest(sandbox.shapes.envelope(.disputeMessages), &query, defaultSize: 50)
        try query.check()
        return try sandbox.store.read { db in
            let dispute = try visibleDispute(request, user, db)
            let total = try db.scalarInt("SELECT COUNT(*) FROM dispute_messages WHERE dispute_id = ?", [dispute.id])
            let window = try paging.window(total: total)
            let rows = try db.query(
                "SELECT * FROM dispute_messages WHERE dispute_id = ? ORDER BY seq LIMIT ? OFFSET ?",
                [dispute.id, window.size, window.offset])
            let items = try rows.map { try messageJSON(DisputeMessage(row: $0), request: request, db: db) }
            return .json(paging.envelope.body(items, window, request: request))
        }
    }

    private func send(_ request: APIRequest) async throws -> APIResponse {
        let user = try request.requiredUser
        let data = try request.data()
        var fields = FieldReader(data.fields)
        let attachment = data.file("attachment")
        let content = fields.string("content", maxLength: 5000) ?? ""
        let type = fields.choice("message_type", ["text", "file"]) ?? (attachment == nil ? "text" : "file")
        if content.isEmpty, attachment == nil {
            fields.errors.add("content", fields.has("content") ? "This field may not be blank." : "This field is required.")
        }
        if type == "file", attachment == nil { fields.errors.add("attachment", "No file was submitted.") }
        if let attachment, attachment.data.count > Self.maxAttachmentBytes {
            fields.errors.add("attachment", "File size cannot exceed 10MB.")
        }
        try fields.check()
        // Checked before the file is written, so a refused message leaves nothing on disk.
        let dispute = try sandbox.store.read { try visibleDispute(request, user, $0) }
        guard !["resolved", "closed"].contains(dispute.status) else {
            throw APIError.badRequest("This dispute is \(dispute.status); no more messages can be sent.")
        }
        let stored = try attachment.map { file in
            try sandbox.media.save(file.data, folder: "dispute_attachments",
                                   fileExtension: Self.safeExtension(file.fileName))
        }
        let written: (JSON, [Int])
        do {
            written = try sandbox.store.write { db -> (JSON, [Int]) in
                try insertMessage(request, user: user, type: type, content: content, attachment: attachment,
                                  stored: stored, db: db)
            }
        } catch {
            // The file was written before the transaction; without its row nothing would ever reach it.
            if let stored { sandbox.media.delete(stored) }
            throw error
        }
        let (message, participants) = written
        sandbox.events.publish(participants.map { "chat:\($0)" }, type: "chat_message", data: message)
        return .json(sandbox.shapes.render(.messageSent, ["status": "success", "message": message]), status: 201)
    }

    private func insertMessage(_ request: APIRequest, user: User, type: String, content: String,
                               attachment: UploadedFile?, stored: String?, db: SQLiteDatabase) throws -> (JSON, [Int])
    {
        // Checked again here: the dispute may have been resolved while the attachment was being saved.
        let dispute = try visibleDispute(request, user, db)
        guard !["resolved", "closed"].contains(dispute.status) else {
            throw APIError.badRequest("This dispute is \(dispute.status); no more messages can be sent.")
        }
        let recipient: Int? = user.id == dispute.customerID ? dispute.vendorID : dispute.customerID
        let id = Crypto.uuid4()
        let seq = try db.scalarInt("SELECT COALESCE(MAX(seq), 0) + 1 FROM dispute_messages WHERE dispute_id = ?",
                                   [dispute.id])
        try db.query(
            """
            INSERT INTO dispute_messages (id, seq, dispute_id, sender_id, recipient_id, message_type, content,
                attachment_name, attachment_file, is_read, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)
            """,
            [id, seq, dispute.id, user.id, recipient, type, content, attachment?.fileName, stored, Timestamp.now()])
        guard let row = try db.queryOne("SELECT * FROM dispute_messages WHERE id = ?", [id]) else {
            throw APIError.notFoundDefault
        }
        let json = try messageJSON(DisputeMessage(row: row), request: request, db: db)
        try db.recordEdit(user: user, model: "DisputeMessage", objectID: id, action: "create", before: nil, after: json)
        try db.logNotification(recipient: recipient, type: "dispute_message", method: "email",
                               subject: "New message on your dispute", message: String(content.prefix(120)),
                               relatedObject: dispute.id)
        let participants = [dispute.customerID, dispute.vendorID, dispute.assignedMediator].compactMap { $0 }
        return (json, participants)
    }

    /// Keeps a short alphanumeric extension from the client's file name; the name itself is never used on disk.
    static func safeExtension(_ fileName: String) -> String {
        guard let dot = fileName.lastIndex(of: ".") else { return "" }
        let ext = fileName[fileName.index(after: dot)...].lowercased()
        return ext.count <= 8 && ext.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) ? ext : ""
    }

    private func markRead(_ request: APIRequest) async throws -> APIResponse {
        let user = try request.requiredUser
        let count = try sandbox.store.write { db -> Int in
            let dispute = try visibleDispute(request, user, db)
            let unread = try db.scalarInt(
                "SELECT COUNT(*) FROM dispute_messages WHERE dispute_id = ? AND sender_id != ? AND is_read = 0",
                [dispute.id, user.id])
            try db.query("UPDATE dispute_messages SET is_read = 1 WHERE dispute_id = ? AND sender_id != ? AND is_read = 0",
                         [dispute.id, user.id])
            if unread > 0 {
                try db.recordEdit(user: user, model: "DisputeMessage", objectID: dispute.id, action: "update",
                                  before: ["is_read": false, "messages": .int(unread)],
                                  after: ["is_read": true, "messages": .int(unread)])
            }
            return unread
        }
        return .json(["marked_count": .int(count)])
    }

    // MARK: Resolving

    /// A resolved dispute gives its booking back the step the booking's own record shows it had reached:
    /// signed (its customer signed it off), completed, in progress, or confirmed. A booking left `disputed`
    /// could never move again. The booking as it now is, when it moved.
    private static func settle(bookingOf dispute: Dispute, by user: User, at now: Timestamp, db: SQLiteDatabase) throws -> Booking? {
        guard let booking = try db.booking(id: dispute.bookingID), booking.status == .disputed else { return nil }
        let signed = try db.scalarInt("SELECT COUNT(*) FROM signatures WHERE booking_id = ? AND status = 'signed'", [booking.id]) > 0
        let step: BookingStatus = signed ? .signed
            : booking.completionDate != nil || booking.actualEnd != nil ? .completed
            : booking.actualStart != nil ? .inProgress : .confirmed
        try db.query("UPDATE bookings SET status = ?, updated_at = ? WHERE id = ?", [step.rawValue, now, booking.id])
        guard let moved = try db.booking(id: booking.id) else { return nil }
        try db.recordEdit(user: user, model: "Booking", objectID: booking.id, action: "update", before: booking.json, after: moved.json)
        return moved
    }

    private func resolve(_ request: APIRequest) async throws -> APIResponse {
        let user = try request.requiredUser
        var fields = FieldReader(try request.data().fields)
        let notes = fields.string("resolution_notes", required: true, allowBlank: false, maxLength: 5000)
        let amount = fields.decimal("resolution_amount", allowNull: true, min: 0)
        let evidence = fields.json("evidence")
        try fields.check()
        guard let notes else { throw APIError.badRequest("Missing fields.") }
        let (body, parties, returned) = try sandbox.store.write { db -> (JSON, [Int], Booking?) in
            let dispute = try visibleDispute(request, user, db)
            guard !["resolved", "closed"].contains(dispute.status) else {
                throw APIError.badRequest("This dispute is already \(dispute.status).")
            }
            let now = Timestamp.now()
            try db.query(
                """
                UPDATE disputes SET status = 'resolved', resolution_notes = ?, resolution_amount_cents = ?,
                    resolution_evidence = ?, assigned_mediator = ?, resolved_at = ? WHERE id = ?
                """,
                [notes, amount, evidence?.serialized, user.id, now, dispute.id])
            let seq = try db.scalarInt("SELECT COALESCE(MAX(seq), 0) + 1 FROM dispute_messages WHERE dispute_id = ?",
                                       [dispute.id])
            try db.query(
                """
                INSERT INTO dispute_messages (id, seq, dispute_id, sender_id, message_type, content, is_read, created_at)
                VALUES (?, ?, ?, ?, 'system', ?, 0, ?)
                """,
                [Crypto.uuid4(), seq, dispute.id, user.id, "Dispute resolved: \(notes)", now])
            guard let resolved = try db.dispute(id: dispute.id) else { throw APIError.notFoundDefault }
            let after = try Self.json(resolved, db: db)
            try db.recordEdit(user: user, model: "Dispute", objectID: dispute.id, action: "update",
                              before: try Self.json(dispute, db: db), after: after)
            let parties = [dispute.customerID, dispute.vendorID].compactMap { $0 }
            for party in parties {
                try db.logNotification(recipient: party, type: "dispute_resolved", method: "email",
                                       subject: "Your dispute was resolved", message: notes, relatedObject: dispute.id)
            }
            return (after, parties, try Self.settle(bookingOf: dispute, by: user, at: now, db: db))
        }
        if let returned { sandbox.announce(returned) }
        sandbox.notify(userIDs: parties, data: ["title": "Dispute resolved", "dispute": body])
        return .json(body)
    }
}
