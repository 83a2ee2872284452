import Foundation

/// `/api/bookings/`: the booking lifecycle.
///
///     pending ──accept_booking──▶ confirmed ──PATCH in_progress──▶ in_progress ──complete_booking──▶ completed
///        │                           │ └───────────────── complete_booking ─────────────────────────▶│
///        └──── PATCH cancelled ◀─────┘                     signature signed ◀── request_signature ◀──┤
///                                                          signature rejected / dispute ──▶ disputed ◀┘
///
/// complete_booking takes a confirmed booking as well as one in progress: the contract's vendor flow is
/// accept, then complete, with no step between.
struct BookingRoutes: Sendable {
    let sandbox: Sandbox

    func register(in table: inout RouteTable) {
        table.add("GET", "/api/bookings/", .authenticated) { try await self.list($0) }
        table.add("POST", "/api/bookings/", .roles([.customer])) { try await self.create($0) }
        table.add("GET", "/api/bookings/{id}/", .authenticated) { try await self.detail($0) }
        table.add("PATCH", "/api/bookings/{id}/", .authenticated) { try await self.update($0) }
        table.add("POST", "/api/bookings/{id}/accept_booking/", .roles([.vendor])) { try await self.accept($0) }
        table.add("POST", "/api/bookings/{id}/complete_booking/", .roles([.vendor])) { try await self.complete($0) }
        table.add("POST", "/api/bookings/{id}/request_signature/", .roles([.vendor])) {
            try await self.requestSignature($0)
        }
    }

    // MARK: Visibility

    /// Customers see their own bookings; vendors see open (pending, unassigned) jobs in their service area
    /// plus jobs assigned to them; staff see everything.
    static func visibility(for user: User, in db: SQLiteDatabase) throws -> (sql: String, parameters: [any SQLConvertible]) {
        let arms = try scope(for: user, in: db)
        switch user.role {
        case .vendor:
            let areas = arms.dropFirst().flatMap(\.parameters)
            let placeholders = areas.isEmpty ? "NULL" : areas.map { _ in "?" }.joined(separator: ", ")
            return ("(b.vendor_id = ? OR (b.status = 'pending' AND b.vendor_id IS NULL AND b.pincode IN (\(placeholders))))",
                    [user.id] + areas)
        default:
            return arms[0]
        }
    }

    /// The same rows as `visibility`, as disjoint conditions that each have an index in listing order, so a
    /// page is a merge of index scans rather than a sort of everything visible.
    static func scope(for user: User, in db: SQLiteDatabase) throws -> [(sql: String, parameters: [any SQLConvertible])] {
        switch user.role {
        case .customer:
            return [("b.customer_id = ?", [user.id])]
        case .vendor:
            let areas = try db.vendorProfile(userID: user.id)?.serviceAreas ?? []
            return [("b.vendor_id = ?", [user.id])]
                + Set(areas).sorted().map { ("b.status = 'pending' AND b.vendor_id IS NULL AND b.pincode = ?", [$0]) }
        case .onboardManager, .opsManager, .superAdmin:
            return [("1 = 1", [])]
        }
    }

    static func visibleBooking(id: String, to user: User, in db: SQLiteDatabase) throws -> Booking? {
        let clause = try visibility(for: user, in: db)
        return try db.queryOne("\(SQLiteDatabase.bookingSelect) WHERE b.id = ? AND \(clause.sql)",
                               [id] + clause.parameters).map(Booking.init)
    }

    /// The booking named in the path, or 404 when it does not exist, is not a UUID, or is not visible.
    private func pathBooking(_ request: APIRequest, _ user: User, _ db: SQLiteDatabase) throws -> Booking {
        guard let id = Crypto.normalizedUUID(request.parameter(0)),
              let booking = try Self.visibleBooking(id: id, to: user, in: db)
        else { throw APIError.notFoundDefault }
        return booking
    }

    // MARK: Reading

    private func list(_ request: APIRequest) async throws -> APIResponse {
        let user = try request.requiredUser
        var filters: [String] = []
        var parameters: [any SQLConvertible] = []
        if let status = request.query("status"), !status.isEmpty {
            guard BookingStatus(rawValue: status) != nil else {
                throw APIError.field("status", "Select a valid choice. \(status) is not one of the available choices.")
            }
            filters.append("b.status = ?")
            parameters.append(status)
        }
        if let pincode = request.query("pincode"), !pincode.isEmpty {
            filters.append("b.pincode = ?")
            parameters.append(pincode)
        }
        var query = QueryReader(request)
        let paging = PageRequest(sandbox.shapes.envelope(.bookings), &query)
        try query.check()
        let generation = sandbox.store.generation.load(ordering: .sequentiallyConsistent)
        return try sandbox.store.read { db in
            let clause = try Self.visibility(for: user, in: db)
            // The total comes from the kept per-group counts, which have the columns every filter uses.
            let count = try db.scalarInt(
                "SELECT COALESCE(SUM(b.n), 0) FROM booking_counts b WHERE \(([clause.sql] + filters).joined(separator: " AND "))",
                clause.parameters + parameters)
            let window = try paging.window(total: count)
            let arms = try Self.scope(for: user, in: db)
            // A page whose start is known from a page served before it is read on from there by the index, so
            // page 5,000 costs what page 1 does; otherwise the rows before it are counted off.
            let walk = "\(user.id)|" + ([arms.map(\.sql).joined(separator: "|")] + filters).joined(separator: "|")
                + "|" + (arms.flatMap(\.parameters) + parameters).map { "\($0.sqlValue)" }.joined(separator: ",")
            func read(from start: (row: PageStarts.Row, skip: Int)?) throws -> [SQLRow] {
                // The first condition alone is a range on the index; the second settles ties in created_at.
                let after = start.map { _ in " AND b.created_at <= ? AND (b.created_at < ? OR b.id > ?)" } ?? ""
                let page = arms.map { "SELECT b.rowid AS rid, b.created_at, b.id FROM bookings b WHERE "
                    + ([$0.sql] + filters).joined(separator: " AND ") + after }.joined(separator: " UNION ALL ")
                let seek: [any SQLConvertible] = start.map { [$0.row.createdAt, $0.row.createdAt, $0.row.id] } ?? []
                return try db.query(
                    """
                    SELECT b.*, s.name AS service_name FROM (\(page) ORDER BY 2 DESC, 3 LIMIT ? OFFSET ?) AS page
                    JOIN bookings b ON b.rowid = page.rid JOIN services s ON s.id = b.service_id
                    ORDER BY page.created_at DESC, page.id
                    """,
                    arms.flatMap { $0.parameters + parameters + seek } + [window.size, start?.skip ?? window.offset])
            }
            let start = sandbox.pageStarts.start(of: walk, at: window.offset, size: window.size, generation: generation)
            var rows = try read(from: start)
            // A write may have landed while this was read (writes move the generation on before they commit):
            // then a start learnt before it may be off, and the rows are counted off again.
            let unchanged = sandbox.store.generation.load(ordering: .sequentiallyConsistent) == generation
            if start != nil, !unchanged { rows = try read(from: nil) }
            if unchanged, let last = rows.last {
                sandbox.pageStarts.remember(walk, at: window.offset + rows.count, generation: generation,
                                            start: PageStarts.Row(createdAt: last["created_at"] ?? .null, id: last["id"] ?? .null))
            }
            return .json(paging.envelope.body(rows.map { Booking(row: $0).json }, window, request: request))
        }
    }

    private func detail(_ request: APIRequest) async throws -> APIResponse {
        let user = try request.requiredUser
        return .json(try sandbox.store.read { try pathBooking(request, user, $0) }.json)
    }

    // MARK: Creating

    /// A `PrimaryKeyRelatedField` to an active service, with DRF's messages.
    static func readService(_ fields: inout FieldReader, key: String, db: SQLiteDatabase) throws -> Service? {
        guard let value = fields.data[key] else {
            fields.errors.add(key, "This field is required.")
            return nil
        }
        let text: String
        switch value {
        case .null:
            fields.errors.add(key, "This field may not be null.")
            return nil
        case .number(let n): text = n
        case .string(let s): text = s
        default:
            fields.errors.add(key, "Incorrect type. Expected pk value, received \(value.pythonTypeName).")
            return nil
        }
        guard let id = FieldReader.integerValue(.string(text)) else {
            fields.errors.add(key, "Incorrect type. Expected pk value, received \(value.pythonTypeName).")
            return nil
        }
        guard let service = try db.service(id: id), service.isActive else {
            fields.errors.add(key, "Invalid pk \"\(text)\" - object does not exist.")
            return nil
        }
        return service
    }

    private func create(_ request: APIRequest) async throws -> APIResponse {
        let user = try request.requiredUser
        let data = try request.data().fields
        let (booking, vendorIDs) = try sandbox.store.write { db -> (Booking, [Int]) in
            var fields = FieldReader(data)
            let service = try Self.readService(&fields, key: "service", db: db)
            let pincode = fields.string("pincode", required: true, allowBlank: false)
            if let pincode, let problem = Pincode.problem(pincode) { fields.errors.add("pincode", problem) }
            let scheduled = fields.dateTime("scheduled_date", required: true)
            let now = Timestamp.now()
            if let scheduled, scheduled <= now {
                fields.errors.add("scheduled_date", "Scheduled date must be in the future.")
            }
            let notes = fields.string("customer_notes", maxLength: 2000) ?? ""
            let price = fields.decimal("total_price", allowNull: true, min: 0)
            try fields.check()
            guard let service, let pincode, let scheduled else { throw APIError.badRequest("Invalid booking.") }

            let duplicate = try db.scalarInt(
                """
                SELECT COUNT(*) FROM bookings WHERE customer_id = ? AND service_id = ? AND scheduled_date = ?
                AND status != 'cancelled'
                """,
                [user.id, service.id, scheduled])
            if duplicate > 0 { throw APIError.conflict("A booking for this service at this time already exists.") }

            // A client-supplied price is taken as-is; otherwise the (cached) dynamic quote sets it and shows
            // its workings.
            var breakdown: String?
            var totalCents = price ?? 0
            if price == nil {
                let quote = try sandbox.cache.value("pricing", key: PricingRoutes.cacheKey(service.id, pincode, scheduled)) {
                    try PricingRoutes.quoteBody(service: service, pincode: pincode, at: scheduled, db: db)
                }
                let pricing = quote.objectValue?["pricing"] ?? .null
                if case .number(let text)? = pricing.objectValue?["final_price"], let rupees = Double(text) {
                    totalCents = Int((rupees * 100).rounded(.toNearestOrAwayFromZero))
                }
                breakdown = pricing.serialized
            }
            let vendors = try db.vendors(serving: pincode)
            let travel = vendors.map { Pincode.travelMinutes($0.pincode, pincode) }.min() ?? 30
            let id = Crypto.uuid4()
            try db.query(
                """
                INSERT INTO bookings (id, customer_id, service_id, status, total_price_cents, pincode, scheduled_date,
                    customer_notes, created_at, updated_at, estimated_service_duration_minutes,
                    travel_time_to_location_minutes, travel_time_from_location_minutes, buffer_before_minutes,
                    buffer_after_minutes, dynamic_price_breakdown)
                VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, 15, ?, ?)
                """,
                [id, user.id, service.id, totalCents, pincode, scheduled, notes, now, now, service.durationMinutes,
                 travel, travel, service.durationMinutes >= 120 ? 30 : 15, breakdown])
            guard let booking = try db.booking(id: id) else { throw APIError.notFoundDefault }
            try db.recordEdit(user: user, model: "Booking", objectID: id, action: "create", before: nil,
                              after: booking.json)
            try db.logNotification(recipient: user.id, type: "booking_created", method: "email",
                                   subject: "Booking received",
                                   message: "We received your booking for \(service.name).", relatedObject: id)
            for vendor in vendors {
                try db.logNotification(recipient: vendor.userID, type: "new_booking_available", method: "sms",
                                       subject: "New job near you",
                                       message: "\(service.name) in \(pincode) is open for acceptance.",
                                       relatedObject: id)
            }
            return (booking, vendors.map(\.userID))
        }
        sandbox.announce(booking)
        sandbox.notify(userIDs: vendorIDs, data: ["title": "New booking available", "booking": booking.json])
        return .json(sandbox.shapes.render(.bookingCreated, booking.json), status: 201)
    }

    // MARK: Updating

    /// Transitions PATCH may make; the other moves have their own actions (accept, complete, sign, dispute).
    private static let patchTransitions: [BookingStatus: Set<BookingStatus>] = [
        .pending: [.cancelled],
        .confirmed: [.inProgress, .cancelled],
    ]

    private static let reschedulable: Set<BookingStatus> = [.pending, .confirmed]

    static let buffers = ["buffer_before_minutes", "buffer_after_minutes"]

    private func update(_ request: APIRequest) async throws -> APIResponse {
        let user = try request.requiredUser
        let data = try request.data().fields
        let (before, after) = try sandbox.store.write { db -> (Booking, Booking) in
            let booking = try pathBooking(request, user, db)
            // What each role may touch; anything else in the body is ignored, as read-only fields are in DRF.
            let allowedStatuses: Set<BookingStatus>
            var editable: Set<String> = []
            switch user.role {
            case .customer:
                allowedStatuses = [.cancelled]
                editable = ["customer_notes", "scheduled_date"]
            case .vendor:
                guard booking.vendorID == user.id else { throw APIError.permissionDenied }
                allowedStatuses = [.inProgress]
                editable = Set(["vendor_notes"] + Self.buffers)
            case .opsManager, .superAdmin:
                allowedStatuses = [.inProgress, .cancelled]
                editable = Set(["customer_notes", "vendor_notes", "scheduled_date"] + Self.buffers)
            case .onboardManager:
                throw APIError.permissionDenied
            }

            var fields = FieldReader(data)
            let status = fields.choice("status", BookingStatus.allCases.map(\.rawValue)).flatMap(BookingStatus.init)
            let customerNotes = editable.contains("customer_notes") ? fields.string("customer_notes", maxLength: 2000) : nil
            let vendorNotes = editable.contains("vendor_notes") ? fields.string("vendor_notes", maxLength: 2000) : nil
            let scheduled = editable.contains("scheduled_date") ? fields.dateTime("scheduled_date") : nil
            // The smart-buffering minutes the booking's vendor (or operations) keeps around the job.
            let buffers = Self.buffers.compactMap { key in
                editable.contains(key) ? fields.nullableInteger(key, min: 0, max: 240).map { (key, $0) } : nil
            }
            let now = Timestamp.now()
            if let scheduled, scheduled <= now {
                fields.errors.add("scheduled_date", "Scheduled date must be in the future.")
            }
            // Once work has started (or the booking is over) the date is history, whoever asks.
            if scheduled != nil, !Self.reschedulable.contains(booking.status) {
                fields.errors.add("scheduled_date", "Cannot reschedule a booking that is \(booking.status.rawValue); "
                                  + "only pending or confirmed bookings can be rescheduled.")
            }
            if let status, status != booking.status,
               !(Self.patchTransitions[booking.status]?.contains(status) ?? false) || !allowedStatuses.contains(status)
            {
                fields.errors.add("status", "Cannot change status from \(booking.status.rawValue) to \(status.rawValue).")
            }
            try fields.check()

            var assignments: [String] = ["updated_at = ?"]
            var values: [any SQLConvertible] = [now]
            if let status, status != booking.status {
                assignments.append("status = ?")
                values.append(status.rawValue)
                if status == .inProgress {
                    assignments.append("actual_start_time = ?")
                    values.append(now)
                }
            }
            if let customerNotes {
                assignments.append("customer_notes = ?")
                values.append(customerNotes)
            }
            if let vendorNotes {
                assignments.append("vendor_notes = ?")
                values.append(vendorNotes)
            }
            if let scheduled {
                assignments.append("scheduled_date = ?")
                values.append(scheduled)
            }
            for (key, minutes) in buffers {
                assignments.append("\(key) = ?")
                values.append(minutes)
            }
            try db.query("UPDATE bookings SET \(assignments.joined(separator: ", ")) WHERE id = ?", values + [booking.id])
            guard let updated = try db.booking(id: booking.id) else { throw APIError.notFoundDefault }
            try db.recordEdit(user: user, model: "Booking", objectID: booking.id, action: "update",
                              before: booking.json, after: updated.json)
            if updated.status != booking.status {
                try logStatusNotification(updated, db: db)
            }
            return (booking, updated)
        }
        if after.status != before.status || after.scheduledDate != before.scheduledDate {
            sandbox.announce(after)
        }
        return .json(sandbox.shapes.render(.bookingUpdated, after.json))
    }

    private func logStatusNotification(_ booking: Booking, db: SQLiteDatabase) throws {
        let subject: String
        switch booking.status {
        case .confirmed: subject = "Booking confirmed"
        case .inProgress: subject = "Your service has started"
        case .completed: subject = "Service completed"
        case .cancelled: subject = "Booking cancelled"
        case .signed: subject = "Thank you for signing off"
        case .disputed: subject = "Dispute opened"
        case .pending: subject = "Booking received"
        }
        try db.logNotification(recipient: booking.customerID, type: "booking_\(booking.status.rawValue)",
                               method: "email", subject: subject,
                               message: "\(booking.serviceName): \(subject.lowercased()).", relatedObject: booking.id)
        if let vendor = booking.vendorID, booking.status == .cancelled {
            try db.logNotification(recipient: vendor, type: "booking_cancelled", method: "sms",
                                   subject: "Job cancelled", message: "\(booking.serviceName) was cancelled.",
                                   relatedObject: booking.id)
        }
    }

    // MARK: Vendor actions

    private func accept(_ request: APIRequest) async throws -> APIResponse {
        let user = try request.requiredUser
        let booking = try sandbox.store.write { db -> Booking in
            let booking = try pathBooking(request, user, db)
            guard booking.status == .pending else {
                throw APIError.badRequest("Only pending bookings can be accepted; this one is \(booking.status.rawValue).")
            }
            // Overlaps with the vendor's other jobs are not refused: the contract defines no such error, and
            // smart scheduling is where clashes are avoided.
            let home = try db.vendorProfile(userID: user.id)?.pincode ?? booking.pincode
            let travel = Pincode.travelMinutes(home, booking.pincode)
            let now = Timestamp.now()
            try db.query(
                """
                UPDATE bookings SET vendor_id = ?, status = 'confirmed', travel_time_to_location_minutes = ?,
                    travel_time_from_location_minutes = ?, updated_at = ? WHERE id = ?
                """,
                [user.id, travel, travel, now, booking.id])
            guard let updated = try db.booking(id: booking.id) else { throw APIError.notFoundDefault }
            try db.recordEdit(user: user, model: "Booking", objectID: booking.id, action: "update",
                              before: booking.json, after: updated.json)
            try logStatusNotification(updated, db: db)
            return updated
        }
        sandbox.announce(booking)
        return .json(["message": "Booking accepted successfully", "booking": booking.json])
    }

    private func complete(_ request: APIRequest) async throws -> APIResponse {
        let user = try request.requiredUser
        let (booking, payment) = try sandbox.store.write { db -> (Booking, JSON) in
            let booking = try pathBooking(request, user, db)
            guard booking.vendorID == user.id else { throw APIError.permissionDenied }
            guard booking.status == .inProgress || booking.status == .confirmed else {
                throw APIError.badRequest(
                    "Only confirmed bookings or bookings in progress can be completed; this one is \(booking.status.rawValue).")
            }
            let now = Timestamp.now()
            try db.query(
                """
                UPDATE bookings SET status = 'completed', completion_date = ?, actual_end_time = ?,
                    actual_start_time = COALESCE(actual_start_time, MIN(scheduled_date, ?)), updated_at = ? WHERE id = ?
                """,
                [now, now, now, now, booking.id])
            guard let updated = try db.booking(id: booking.id) else { throw APIError.notFoundDefault }
            try db.recordEdit(user: user, model: "Booking", objectID: booking.id, action: "update",
                              before: booking.json, after: updated.json)
            // The charge is authorised now and captured when the customer signs off.
            let paymentID = "pi_" + Crypto.randomHex(12)
            try db.query(
                """
                INSERT INTO payments (id, booking_id, amount_cents, currency, status, created_at)
                VALUES (?, ?, ?, 'INR', 'requires_capture', ?)
                """,
                [paymentID, booking.id, updated.totalPriceCents, now])
            let payment = try Self.paymentJSON(id: paymentID, db: db)
            try db.recordEdit(user: user, model: "Payment", objectID: paymentID, action: "create", before: nil,
                              after: payment)
            try logStatusNotification(updated, db: db)
            return (updated, payment)
        }
        sandbox.announce(booking)
        sandbox.announcePayment(payment, for: booking)
        return .json(["message": "Booking completed successfully", "payment_intent": payment,
                      "booking": booking.json])
    }

    /// A Stripe-style PaymentIntent: `amount` in paise, as Stripe counts in the smallest currency unit.
    static func paymentJSON(id: String, db: SQLiteDatabase) throws -> JSON {
        guard let row = try db.queryOne("SELECT * FROM payments WHERE id = ?", [id]) else { return .null }
        return [
            "id": .string(id), "object": "payment_intent", "amount": .int(row.int("amount_cents")),
            "amount_display": .string(Money.format(row.int("amount_cents"))), "currency": .string(row.text("currency")),
            "status": .string(row.text("status")), "capture_method": "manual",
            "client_secret": .string("\(id)_secret_sandbox"), "booking_id": .string(row.text("booking_id")),
            "created": .number(String(row.timestamp("created_at").seconds)),
        ]
    }

    private func requestSignature(_ request: APIRequest) async throws -> APIResponse {
        let user = try request.requiredUser
        let (booking, signature) = try sandbox.store.write { db -> (Booking, Signature) in
            let booking = try pathBooking(request, user, db)
            guard booking.vendorID == user.id else { throw APIError.permissionDenied }
            let signature = try SignatureRoutes.createRequest(for: booking, by: user, photoIDs: [], db: db)
            return (booking, signature)
        }
        SignatureRoutes.announceRequest(signature, booking: booking, sandbox: sandbox)
        return .json(["message": "Signature requested successfully", "signature_id": .string(signature.id)],
                     status: 201)
    }
}
