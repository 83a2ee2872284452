import Foundation

/// `/admin-dashboard/...`: operations views over the live data. Only ops managers and super admins.
struct AdminRoutes: Sendable {
    let sandbox: Sandbox

    func register(in table: inout RouteTable) {
        let ops = Access.roles(Role.operators)
        table.add("GET", "/admin-dashboard/cache/", ops) { _ in self.cacheStats() }
        table.add("POST", "/admin-dashboard/cache/", ops) { try await self.clearCache($0) }
        table.add("GET", "/admin-dashboard/pincode-scaling/data/", ops) { try await self.pincodeScaling($0) }
        table.add("GET", "/admin-dashboard/edit-history/", ops) { try await self.editHistory($0) }
        table.add("GET", "/admin-dashboard/edit-history/export/", ops) { try await self.exportHistory($0) }
        table.add("POST", "/admin-dashboard/edit-history/export/", ops) { try await self.exportHistory($0) }
        table.add("GET", "/admin-dashboard/dashboard/stats/", ops) { _ in try self.dashboardStats() }
        table.add("GET", "/admin-dashboard/notifications/", ops) { _ in try self.notificationStats() }
        table.add("POST", "/admin-dashboard/notifications/", ops) { try await self.runTask($0) }
        table.add("GET", "/admin-dashboard/notifications/logs/", ops) { try await self.notificationLogs($0) }
        table.add("GET", "/admin-dashboard/notifications/alerts/", ops) { try await self.alerts($0) }
        table.add("GET", "/admin-dashboard/analytics/pincode/", ops) { try await self.pincodeAnalytics($0) }
    }

    // MARK: Cache

    private func cacheStats() -> APIResponse {
        let stats = sandbox.cache.stats()
        let hits = stats.reduce(0) { $0 + $1.hits }
        let lookups = stats.reduce(0) { $0 + $1.hits + $1.misses }
        func rate(_ hits: Int, _ lookups: Int) -> JSON { .double(lookups == 0 ? 0 : PriceQuote.round2(Double(hits) / Double(lookups))) }
        return .json([
            "cache_stats": [
                // The caches live in the sandbox process, so they are always reachable.
                "overall_health": "healthy",
                "hit_rate": rate(hits, lookups),
                "total_keys": .int(stats.reduce(0) { $0 + $1.keys }),
                "ttl_seconds": .int(Int(ResponseCache.timeToLive)),
                "caches": .array(stats.map { cache in
                    ["name": .string(cache.name), "keys": .int(cache.keys), "hits": .int(cache.hits),
                     "misses": .int(cache.misses), "hit_rate": rate(cache.hits, cache.hits + cache.misses),
                     "last_cleared": .optional(cache.clearedAt?.iso)]
                }),
            ],
            "timestamp": .string(Timestamp.now().iso),
        ])
    }

    private func clearCache(_ request: APIRequest) async throws -> APIResponse {
        let user = try request.requiredUser
        var fields = FieldReader(try request.data().fields)
        let type = fields.choice("cache_type", ["all"] + ResponseCache.names) ?? "all"
        try fields.check()
        let cleared = sandbox.cache.clear(type == "all" ? ResponseCache.names : [type])
        let total = cleared.reduce(0) { $0 + $1.1 }
        try sandbox.store.write { db in
            try db.recordEdit(user: user, model: "Cache", objectID: type, action: "delete", before: nil, after: nil)
        }
        return .json([
            "message": .string("Cleared \(total) key(s) from \(type == "all" ? "all caches" : "the \(type) cache")."),
            "cache_type": .string(type),
            "cleared": .object(JSONObject(cleared.map { ($0.0, JSON.int($0.1)) })),
            "timestamp": .string(Timestamp.now().iso),
        ])
    }

    // MARK: Pincode views

    private struct PincodeFigures {
        var total = 0
        var completed = 0
        var cancelled = 0
        var disputed = 0
        var active = 0
        var revenueCents = 0
        var customers: Set<Int> = []
        var services: [String: Int] = [:]
    }

    /// Per-pincode figures for bookings scheduled in `[from, to)`, optionally one category only.
    private func figures(_ db: SQLiteDatabase, from: Timestamp?, to: Timestamp?, category: String?) throws
        -> [String: PincodeFigures]
    {
        var conditions = ["1 = 1"]
        var parameters: [any SQLConvertible] = []
        if let from {
            conditions.append("b.scheduled_date >= ?")
            parameters.append(from)
        }
        if let to {
            conditions.append("b.scheduled_date < ?")
            parameters.append(to)
        }
        if let category {
            conditions.append("s.category = ? COLLATE NOCASE")
            parameters.append(category)
        }
        var result: [String: PincodeFigures] = [:]
        for row in try db.query("\(SQLiteDatabase.bookingSelect) WHERE \(conditions.joined(separator: " AND "))", parameters) {
            let booking = Booking(row: row)
            var figures = result[booking.pincode] ?? PincodeFigures()
            figures.total += 1
            figures.customers.insert(booking.customerID)
            figures.services[booking.serviceName, default: 0] += 1
            switch booking.status {
            case .completed, .signed:
                figures.completed += 1
                figures.revenueCents += booking.totalPriceCents
            case .cancelled: figures.cancelled += 1
            case .disputed: figures.disputed += 1
            case .pending, .confirmed, .inProgress: figures.active += 1
            }
            result[booking.pincode] = figures
        }
        return result
    }

    private func pincodeScaling(_ request: APIRequest) async throws -> APIResponse {
        var query = QueryReader(request)
        let category = query.string("service_type")
        let days = query.integer("days_back", min: 1, max: 3650) ?? 30
        try query.check()
        let body = try sandbox.store.read { db -> JSON in
            let figures = try figures(db, from: Timestamp.now().adding(days: -days), to: nil, category: category)
            let profiles = try db.vendorProfiles()
            let pincodes = Set(figures.keys).union(profiles.flatMap(\.serviceAreas)).sorted()
            var rows: [JSON] = []
            var underserved = 0
            for pincode in pincodes {
                let f = figures[pincode] ?? PincodeFigures()
                let vendors = profiles.filter { $0.serviceAreas.contains(pincode) && $0.isAvailable }.count
                let ratio = PriceQuote.round2(Double(f.active) / Double(max(1, vendors)))
                let recommendation: String
                if vendors == 0, f.active > 0 {
                    recommendation = "No vendor coverage: onboard vendors for this pincode."
                    underserved += 1
                } else if ratio > 10 {
                    recommendation = "Demand outstrips supply: recruit more vendors."
                    underserved += 1
                } else if ratio >= 3 {
                    recommendation = "Monitor: vendors are getting busy."
                } else {
                    recommendation = "Healthy: supply covers demand."
                }
                rows.append([
                    "pincode": .string(pincode), "total_bookings": .int(f.total),
                    "active_bookings": .int(f.active), "completed_bookings": .int(f.completed),
                    "cancelled_bookings": .int(f.cancelled), "revenue": .string(Money.format(f.revenueCents)),
                    "active_vendors": .int(vendors), "demand_supply_ratio": .double(ratio),
                    "recommendation": .string(recommendation),
                ])
            }
            return [
                "filters": ["service_type": .optional(category), "days_back": .int(days)],
                "pincodes": .array(rows),
                "summary": [
                    "total_pincodes": .int(rows.count),
                    "total_bookings": .int(figures.values.reduce(0) { $0 + $1.total }),
                    "total_revenue": .string(Money.format(figures.values.reduce(0) { $0 + $1.revenueCents })),
                    "underserved_pincodes": .int(underserved),
                ],
                "generated_at": .string(Timestamp.now().iso),
            ]
        }
        return .json(body)
    }

    private func pincodeAnalytics(_ request: APIRequest) async throws -> APIResponse {
        var query = QueryReader(request)
        let pincode = query.string("pincode")
        let from = query.date("date_from")
        let to = query.date("date_to")
        let page = query.integer("page", min: 1) ?? 1
        let perPage = query.integer("per_page", min: 1, max: 100) ?? 20
        try query.check()
        let body = try sandbox.store.read { db -> JSON in
            var figures = try figures(db, from: from, to: to?.adding(days: 1), category: nil)
            if let pincode { figures = figures.filter { $0.key == pincode } }
            let profiles = try db.vendorProfiles()
            let rows: [JSON] = figures.keys.sorted().map { key in
                let f = figures[key]!
                let top = f.services.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.first?.key
                return [
                    "pincode": .string(key), "total_bookings": .int(f.total), "completed_bookings": .int(f.completed),
                    "cancelled_bookings": .int(f.cancelled), "disputed_bookings": .int(f.disputed),
                    "revenue": .string(Money.format(f.revenueCents)),
                    "average_booking_value": .string(Money.format(f.completed == 0 ? 0 : f.revenueCents / f.completed)),
                    "unique_customers": .int(f.customers.count),
                    "active_vendors": .int(profiles.filter { $0.serviceAreas.contains(key) && $0.isAvailable }.count),
                    "top_service": .optional(top),
                ]
            }
            let window = SimplePage(page: page, perPage: perPage, total: rows.count)
            return [
                "analytics": .array(window.slice(rows)),
                "pagination": window.json,
                "filters": ["pincode": .optional(pincode), "date_from": .optional(from?.dateString),
                            "date_to": .optional(to?.dateString)],
            ]
        }
        return .json(body)
    }

    // MARK: Edit history

    private func historyConditions(_ filters: [String: String]) throws -> (String, [any SQLConvertible]) {
        var errors = FieldErrors()
        var conditions = ["1 = 1"]
        var parameters: [any SQLConvertible] = []
        if let model = filters["model"], !model.isEmpty {
            conditions.append("h.model = ? COLLATE NOCASE")
            parameters.append(model)
        }
        if let user = filters["user"], !user.isEmpty {
            if let id = Int(user) {
                conditions.append("h.user_id = ?")
                parameters.append(id)
            } else {
                conditions.append("u.username = ?")
                parameters.append(user)
            }
        }
        if let action = filters["action"], !action.isEmpty {
            if ["create", "update", "delete"].contains(action) {
                conditions.append("h.action = ?")
                parameters.append(action)
            } else {
                errors.add("action", "Select a valid choice. \(action) is not one of the available choices.")
            }
        }
        if let start = filters["start_date"], !start.isEmpty {
            if let time = Timestamp.parseDate(start) ?? Timestamp.parseDateTime(start) {
                conditions.append("h.timestamp >= ?")
                parameters.append(time)
            } else {
                errors.add("start_date", "Enter a valid date.")
            }
        }
        if let end = filters["end_date"], !end.isEmpty {
            // A bare date includes the whole day.
            if let day = Timestamp.parseDate(end) {
                conditions.append("h.timestamp < ?")
                parameters.append(day.adding(days: 1))
            } else if let time = Timestamp.parseDateTime(end) {
                conditions.append("h.timestamp <= ?")
                parameters.append(time)
            } else {
                errors.add("end_date", "Enter a valid date.")
            }
        }
        try errors.check()
        return (conditions.joined(separator: " AND "), parameters)
    }

    private static let historyFrom = "FROM edit_history h LEFT JOIN users u ON u.id = h.user_id"

    private func historyJSON(_ row: SQLRow) -> JSON {
        [
            "id": .int(row.int("id")), "user": .optional(row.optionalInt("user_id")),
            "username": .optional(row.optionalText("username")), "model": .string(row.text("model")),
            "object_id": .string(row.text("object_id")), "action": .string(row.text("action")),
            "before": storedJSON(row.optionalText("before")), "after": storedJSON(row.optionalText("after")),
            "timestamp": .string(row.timestamp("timestamp").iso),
        ]
    }

    private func editHistory(_ request: APIRequest) async throws -> APIResponse {
        let filters = Dictionary(request.query, uniquingKeysWith: { _, last in last })
        let (conditions, parameters) = try historyConditions(filters)
        return try sandbox.store.read { db in
            let count = try db.scalarInt("SELECT COUNT(*) \(Self.historyFrom) WHERE \(conditions)", parameters)
            let page = try Pagination(request: request, count: count)
            let rows = try db.query(
                "SELECT h.*, u.username \(Self.historyFrom) WHERE \(conditions) ORDER BY h.timestamp DESC, h.id DESC LIMIT ? OFFSET ?",
                parameters + [page.pageSize, page.offset])
            return page.response(rows.map(historyJSON), request: request)
        }
    }

    /// CSV of the whole filtered history (no paging). Filters come from the query string on GET, or from
    /// `{"format": "csv", "filters": {...}}` on POST, as the contract's client sends them.
    private func exportHistory(_ request: APIRequest) async throws -> APIResponse {
        var filters = Dictionary(request.query, uniquingKeysWith: { _, last in last })
        var format = filters["format"] ?? "csv"
        if request.method == "POST" {
            var fields = FieldReader(try request.data().fields)
            format = fields.choice("format", ["csv"]) ?? "csv"
            if let given = fields.json("filters") {
                guard case .object(let object) = given else {
                    throw APIError.field("filters", "Expected a dictionary of items but got type \"\(given.pythonTypeName)\".")
                }
                for (key, value) in object.pairs {
                    switch value {
                    case .string(let s): filters[key] = s
                    case .number(let n): filters[key] = n
                    default: continue
                    }
                }
            }
            try fields.check()
        } else if format != "csv" {
            throw APIError.field("format", "\"\(format)\" is not a valid choice.")
        }
        let (conditions, parameters) = try historyConditions(filters)
        let rows = try sandbox.store.read { db in
            try db.query("SELECT h.*, u.username \(Self.historyFrom) WHERE \(conditions) ORDER BY h.timestamp DESC, h.id DESC",
                         parameters)
        }
        var csv = "id,timestamp,user_id,username,model,object_id,action,before,after\r\n"
        for row in rows {
            let cells = [
                String(row.int("id")), row.timestamp("timestamp").iso, row.optionalInt("user_id").map(String.init) ?? "",
                row.optionalText("username") ?? "", row.text("model"), row.text("object_id"), row.text("action"),
                row.optionalText("before") ?? "", row.optionalText("after") ?? "",
            ]
            csv += cells.map(Self.csvCell).joined(separator: ",") + "\r\n"
        }
        return .bytes(Array(csv.utf8), contentType: "text/csv; charset=utf-8")
            .with(header: "Content-Disposition", "attachment; filename=\"edit_history.csv\"")
    }

    /// RFC 4180 quoting, as Python's csv module writes it.
    static func csvCell(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    // MARK: Dashboard

    private func dashboardStats() throws -> APIResponse {
        let body = try sandbox.store.read { db -> JSON in
            func counts(_ sql: String, _ keys: [String], _ parameters: [any SQLConvertible] = []) throws -> JSON {
                var object = JSONObject(keys.map { ($0, JSON.int(0)) })
                for row in try db.query(sql, parameters) { object[row.text("k")] = .int(row.int("n")) }
                return .object(object)
            }
            let now = Timestamp.now()
            let revenue = try db.scalarInt(
                "SELECT COALESCE(SUM(total_price_cents), 0) FROM bookings WHERE status IN ('completed', 'signed')")
            let finished = try db.scalarInt("SELECT COUNT(*) FROM bookings WHERE status IN ('completed', 'signed')")
            let ratings = try db.queryOne("SELECT AVG(rating) AS r, COUNT(*) AS n FROM vendor_profiles")
            return [
                "users": [
                    "total": .int(try db.scalarInt("SELECT COUNT(*) FROM users")),
                    "by_role": try counts("SELECT role AS k, COUNT(*) AS n FROM users GROUP BY role",
                                          Role.allCases.map(\.rawValue)),
                    "verified": .int(try db.scalarInt("SELECT COUNT(*) FROM users WHERE is_verified = 1")),
                ],
                "bookings": [
                    "total": .int(try db.scalarInt("SELECT COUNT(*) FROM bookings")),
                    "by_status": try counts("SELECT status AS k, COUNT(*) AS n FROM bookings GROUP BY status",
                                            BookingStatus.allCases.map(\.rawValue)),
                    "created_today": .int(try db.scalarInt("SELECT COUNT(*) FROM bookings WHERE created_at >= ?",
                                                           [now.startOfDay])),
                    "scheduled_next_7_days": .int(try db.scalarInt(
                        "SELECT COUNT(*) FROM bookings WHERE scheduled_date BETWEEN ? AND ? AND status != 'cancelled'",
                        [now, now.adding(days: 7)])),
                ],
                "revenue": [
                    "total_completed": .string(Money.format(revenue)),
                    "captured": .string(Money.format(try db.scalarInt(
                        "SELECT COALESCE(SUM(amount_cents), 0) FROM payments WHERE status = 'succeeded'"))),
                    "pending_capture": .string(Money.format(try db.scalarInt(
                        "SELECT COALESCE(SUM(amount_cents), 0) FROM payments WHERE status = 'requires_capture'"))),
                    "average_booking_value": .string(Money.format(finished == 0 ? 0 : revenue / finished)),
                    "currency": "INR",
                ],
                "disputes": [
                    "total": .int(try db.scalarInt("SELECT COUNT(*) FROM disputes")),
                    "by_status": try counts("SELECT status AS k, COUNT(*) AS n FROM disputes GROUP BY status",
                                            ["open", "in_progress", "resolved", "escalated", "closed"]),
                    "by_severity": try counts("SELECT severity AS k, COUNT(*) AS n FROM disputes GROUP BY severity",
                                              DisputeRoutes.severities),
                ],
                "signatures": try counts("SELECT status AS k, COUNT(*) AS n FROM signatures GROUP BY status",
                                         ["pending", "signed", "expired", "disputed"]),
                "services": [
                    "active": .int(try db.scalarInt("SELECT COUNT(*) FROM services WHERE is_active = 1")),
                    "inactive": .int(try db.scalarInt("SELECT COUNT(*) FROM services WHERE is_active = 0")),
                    "categories": .array(try db.query(
                        "SELECT DISTINCT category FROM services WHERE is_active = 1 ORDER BY category"
                    ).map { .string($0.text("category")) }),
                ],
                "vendors": [
                    "total": .int(ratings?.int("n") ?? 0),
                    "available": .int(try db.scalarInt("SELECT COUNT(*) FROM vendor_profiles WHERE is_available = 1")),
                    "average_rating": .double(PriceQuote.round2(ratings?.double("r") ?? 0)),
                ],
                "timestamp": .string(now.iso),
            ]
        }
        return .json(body)
    }

    // MARK: Notifications

    private func logJSON(_ row: SQLRow) -> JSON {
        [
            "id": .int(row.int("id")), "recipient_id": .optional(row.optionalInt("recipient_id")),
            "recipient_username": .optional(row.optionalText("username")),
            "notification_type": .string(row.text("notification_type")), "method": .string(row.text("method")),
            "status": .string(row.text("status")), "subject": .string(row.text("subject")),
            "message": .string(row.text("message")), "related_object_id": .optional(row.optionalText("related_object_id")),
            "created_at": .string(row.timestamp("created_at").iso), "sent_at": .optional(row.optionalTimestamp("sent_at")?.iso),
            "error_message": .optional(row.optionalText("error_message")),
        ]
    }

    private func notificationStats() throws -> APIResponse {
        let body = try sandbox.store.read { db -> JSON in
            func grouped(_ column: String) throws -> JSON {
                .object(JSONObject(try db.query(
                    "SELECT \(column) AS k, COUNT(*) AS n FROM notification_logs GROUP BY \(column) ORDER BY \(column)"
                ).map { ($0.text("k"), JSON.int($0.int("n"))) }))
            }
            let total = try db.scalarInt("SELECT COUNT(*) FROM notification_logs")
            let failed = try db.scalarInt("SELECT COUNT(*) FROM notification_logs WHERE status = 'failed'")
            let recent = try db.query(
                """
                SELECT l.*, u.username FROM notification_logs l LEFT JOIN users u ON u.id = l.recipient_id
                ORDER BY l.created_at DESC, l.id DESC LIMIT 5
                """)
            return [
                "total": .int(total),
                "last_24_hours": .int(try db.scalarInt("SELECT COUNT(*) FROM notification_logs WHERE created_at >= ?",
                                                       [Timestamp.now().adding(days: -1)])),
                "by_type": try grouped("notification_type"),
                "by_method": try grouped("method"),
                "by_status": try grouped("status"),
                "failure_rate": .double(total == 0 ? 0 : PriceQuote.round2(Double(failed) / Double(total))),
                "recent": .array(recent.map(logJSON)),
                "available_actions": .array(Self.tasks.map(JSON.string)),
            ]
        }
        return .json(body)
    }

    static let tasks = ["send_booking_reminders", "check_business_alerts", "expire_signatures", "cleanup_old_logs"]

    private func runTask(_ request: APIRequest) async throws -> APIResponse {
        let user = try request.requiredUser
        var fields = FieldReader(try request.data().fields)
        let action = fields.choice("action", Self.tasks, required: true)
        try fields.check()
        let now = Timestamp.now()
        let (message, result) = try sandbox.store.write { db -> (String, JSON) in
            let outcome: (String, JSON)
            switch action {
            case "send_booking_reminders":
                let due = try db.query(
                    "\(SQLiteDatabase.bookingSelect) WHERE b.status = 'confirmed' AND b.scheduled_date BETWEEN ? AND ?",
                    [now, now.adding(days: 1)]
                ).map(Booking.init)
                for booking in due {
                    try db.logNotification(recipient: booking.customerID, type: "booking_reminder", method: "email",
                                           subject: "Your service is tomorrow",
                                           message: "\(booking.serviceName) at \(booking.scheduledDate.iso).",
                                           relatedObject: booking.id)
                    try db.logNotification(recipient: booking.vendorID, type: "booking_reminder", method: "sms",
                                           subject: "Job reminder",
                                           message: "\(booking.serviceName) in \(booking.pincode) at \(booking.scheduledDate.iso).",
                                           relatedObject: booking.id)
                }
                outcome = ("Sent reminders for \(due.count) booking(s) in the next 24 hours.",
                           ["bookings": .int(due.count), "notifications_sent": .int(due.count * 2)])
            case "check_business_alerts":
                let (created, resolved) = try AlertScanner.scan(db)
                let active = try db.scalarInt("SELECT COUNT(*) FROM business_alerts WHERE status = 'active'")
                outcome = ("Raised \(created) alert(s), resolved \(resolved).",
                           ["alerts_created": .int(created), "alerts_resolved": .int(resolved),
                            "active_alerts": .int(active)])
            case "expire_signatures":
                let expired = try db.scalarInt(
                    "SELECT COUNT(*) FROM signatures WHERE status = 'pending' AND expires_at <= ?", [now])
                try db.query("UPDATE signatures SET status = 'expired' WHERE status = 'pending' AND expires_at <= ?", [now])
                outcome = ("Expired \(expired) signature request(s).", ["expired": .int(expired)])
            default:
                let cutoff = now.adding(days: -90)
                let old = try db.scalarInt("SELECT COUNT(*) FROM notification_logs WHERE created_at < ?", [cutoff])
                try db.query("DELETE FROM notification_logs WHERE created_at < ?", [cutoff])
                outcome = ("Deleted \(old) notification log(s) older than 90 days.", ["deleted": .int(old)])
            }
            try db.recordEdit(user: user, model: "Task", objectID: action ?? "", action: "update", before: nil,
                              after: outcome.1)
            return outcome
        }
        return .json(["message": .string(message), "action": .optional(action), "result": result,
                      "timestamp": .string(now.iso)])
    }

    private func notificationLogs(_ request: APIRequest) async throws -> APIResponse {
        var query = QueryReader(request)
        let type = query.string("type")
        let method = query.string("method")
        let status = query.string("status")
        let recipient = query.integer("recipient_id")
        let from = query.date("date_from")
        let to = query.date("date_to")
        let page = query.integer("page", min: 1) ?? 1
        let perPage = query.integer("per_page", min: 1, max: 100) ?? 20
        try query.check()
        var conditions = ["1 = 1"]
        var parameters: [any SQLConvertible] = []
        let filters: [(String, (any SQLConvertible)?)] = [
            ("l.notification_type = ?", type), ("l.method = ?", method), ("l.status = ?", status),
            ("l.recipient_id = ?", recipient), ("l.created_at >= ?", from), ("l.created_at < ?", to?.adding(days: 1)),
        ]
        for (condition, value) in filters {
            if let value {
                conditions.append(condition)
                parameters.append(value)
            }
        }
        let whereClause = conditions.joined(separator: " AND ")
        let body = try sandbox.store.read { db -> JSON in
            let total = try db.scalarInt("SELECT COUNT(*) FROM notification_logs l WHERE \(whereClause)", parameters)
            let window = SimplePage(page: page, perPage: perPage, total: total)
            let rows = try db.query(
                """
                SELECT l.*, u.username FROM notification_logs l LEFT JOIN users u ON u.id = l.recipient_id
                WHERE \(whereClause) ORDER BY l.created_at DESC, l.id DESC LIMIT ? OFFSET ?
                """,
                parameters + [perPage, window.offset])
            return [
                "logs": .array(rows.map(logJSON)),
                "pagination": window.json,
                "filters": ["type": .optional(type), "method": .optional(method), "status": .optional(status),
                            "recipient_id": .optional(recipient), "date_from": .optional(from?.dateString),
                            "date_to": .optional(to?.dateString)],
            ]
        }
        return .json(body)
    }

    private func alerts(_ request: APIRequest) async throws -> APIResponse {
        var query = QueryReader(request)
        let type = query.string("type")
        let severity = query.string("severity")
        let status = query.string("status")
        let page = query.integer("page", min: 1) ?? 1
        let perPage = query.integer("per_page", min: 1, max: 100) ?? 20
        try query.check()
        // Alerts reflect the data as it is now, so every read rescans first.
        try sandbox.store.write { db in _ = try AlertScanner.scan(db) }
        var conditions = ["1 = 1"]
        var parameters: [any SQLConvertible] = []
        for (condition, value) in [("alert_type = ?", type), ("severity = ?", severity), ("status = ?", status)] {
            if let value {
                conditions.append(condition)
                parameters.append(value)
            }
        }
        let whereClause = conditions.joined(separator: " AND ")
        let body = try sandbox.store.read { db -> JSON in
            let total = try db.scalarInt("SELECT COUNT(*) FROM business_alerts WHERE \(whereClause)", parameters)
            let window = SimplePage(page: page, perPage: perPage, total: total)
            let rows = try db.query(
                "SELECT * FROM business_alerts WHERE \(whereClause) ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
                parameters + [perPage, window.offset])
            let bySeverity = try db.query(
                "SELECT severity, COUNT(*) AS n FROM business_alerts WHERE status = 'active' GROUP BY severity")
            return [
                "alerts": .array(rows.map { row in
                    [
                        "id": .int(row.int("id")), "alert_type": .string(row.text("alert_type")),
                        "severity": .string(row.text("severity")), "status": .string(row.text("status")),
                        "title": .string(row.text("title")), "message": .string(row.text("message")),
                        "pincode": .optional(row.optionalText("pincode")),
                        "related_object_id": .optional(row.optionalText("related_object_id")),
                        "created_at": .string(row.timestamp("created_at").iso),
                        "resolved_at": .optional(row.optionalTimestamp("resolved_at")?.iso),
                    ]
                }),
                "pagination": window.json,
                "summary": [
                    "active": .int(try db.scalarInt("SELECT COUNT(*) FROM business_alerts WHERE status = 'active'")),
                    "by_severity": .object(JSONObject(bySeverity.map { ($0.text("severity"), JSON.int($0.int("n"))) })),
                ],
            ]
        }
        return .json(body)
    }
}

/// `page`/`per_page` paging for the admin views that do not use DRF's envelope. A page past the end is empty.
struct SimplePage {
    let page: Int
    let perPage: Int
    let total: Int

    var offset: Int {
        let (value, overflow) = (page - 1).multipliedReportingOverflow(by: perPage)
        return overflow ? Int.max / 2 : value
    }

    var totalPages: Int { max(1, (total + perPage - 1) / perPage) }

    func slice<T>(_ items: [T]) -> [T] {
        guard offset < items.count else { return [] }
        return Array(items[offset..<min(items.count, offset + perPage)])
    }

    var json: JSON {
        ["page": .int(page), "per_page": .int(perPage), "total": .int(total), "total_pages": .int(totalPages),
         "has_next": .bool(page < totalPages), "has_previous": .bool(page > 1)]
    }
}

/// Raises business alerts from the current data and resolves the ones whose cause has gone.
enum AlertScanner {
    private struct Finding {
        let type: String
        let severity: String
        let title: String
        let message: String
        let pincode: String?
        let objectID: String
    }

    static func scan(_ db: SQLiteDatabase) throws -> (created: Int, resolved: Int) {
        let now = Timestamp.now()
        var findings: [Finding] = []
        for booking in try db.query(
            "\(SQLiteDatabase.bookingSelect) WHERE b.status = 'pending' AND b.vendor_id IS NULL AND b.scheduled_date BETWEEN ? AND ?",
            [now, now.adding(days: 2)]
        ).map(Booking.init) {
            findings.append(Finding(
                type: "unassigned_booking", severity: "high", title: "Booking has no vendor yet",
                message: "\(booking.serviceName) in \(booking.pincode) at \(booking.scheduledDate.iso) is still unassigned.",
                pincode: booking.pincode, objectID: booking.id))
        }
        for row in try db.query(
            "SELECT * FROM disputes WHERE status IN ('open', 'in_progress', 'escalated') AND created_at < ?",
            [now.adding(days: -3)])
        {
            let dispute = Dispute(row: row)
            findings.append(Finding(
                type: "stale_dispute", severity: dispute.severity == "critical" ? "critical" : "medium",
                title: "Dispute open for more than 3 days", message: dispute.title, pincode: nil, objectID: dispute.id))
        }
        let profiles = try db.vendorProfiles()
        for row in try db.query(
            "SELECT pincode, COUNT(*) AS n FROM bookings WHERE status IN ('pending', 'confirmed', 'in_progress') GROUP BY pincode")
        {
            let pincode = row.text("pincode")
            let active = row.int("n")
            let vendors = profiles.filter { $0.serviceAreas.contains(pincode) && $0.isAvailable }.count
            if vendors == 0 {
                findings.append(Finding(
                    type: "no_vendor_coverage", severity: "critical", title: "No vendors serve \(pincode)",
                    message: "\(active) active booking(s) in \(pincode) and no vendor serves it.", pincode: pincode,
                    objectID: pincode))
            } else if active > vendors * 10 {
                findings.append(Finding(
                    type: "high_demand", severity: "high", title: "Demand outstrips supply in \(pincode)",
                    message: "\(active) active booking(s) for \(vendors) vendor(s).", pincode: pincode, objectID: pincode))
            }
        }
        var created = 0
        for finding in findings {
            let known = try db.scalarInt(
                "SELECT COUNT(*) FROM business_alerts WHERE alert_type = ? AND related_object_id = ? AND status = 'active'",
                [finding.type, finding.objectID])
            if known == 0 {
                try db.query(
                    """
                    INSERT INTO business_alerts (alert_type, severity, status, title, message, pincode, related_object_id,
                        created_at)
                    VALUES (?, ?, 'active', ?, ?, ?, ?, ?)
                    """,
                    [finding.type, finding.severity, finding.title, finding.message, finding.pincode, finding.objectID, now])
                created += 1
            }
        }
        let current = Set(findings.map { "\($0.type)|\($0.objectID)" })
        var resolved = 0
        for row in try db.query("SELECT id, alert_type, related_object_id FROM business_alerts WHERE status = 'active'") {
            if !current.contains("\(row.text("alert_type"))|\(row.text("related_object_id"))") {
                try db.query("UPDATE business_alerts SET status = 'resolved', resolved_at = ? WHERE id = ?",
                             [now, row.int("id")])
                resolved += 1
            }
        }
        return (created, resolved)
    }
}
