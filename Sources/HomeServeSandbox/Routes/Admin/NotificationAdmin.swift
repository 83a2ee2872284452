import Foundation

/// `/admin-dashboard/notifications/`: the notification log, its statistics, and the maintenance tasks.
extension AdminRoutes {
    func logJSON(_ row: SQLRow) -> JSON {
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

    func notificationStats() throws -> APIResponse {
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

    func runTask(_ request: APIRequest) async throws -> APIResponse {
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

    func notificationLogs(_ request: APIRequest) async throws -> APIResponse {
        var query = QueryReader(request)
        let type = query.string("type")
        let method = query.string("method")
        let status = query.string("status")
        let recipient = query.integer("recipient_id")
        let from = query.date("date_from")
        let to = query.date("date_to")
        let paging = PageRequest(sandbox.shapes.envelope(.notificationLogs), &query)
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
            // Unfiltered, the total is the kept row count: the log grows with every booking.
            let total = parameters.isEmpty
                ? try Store.keptCount("notification_logs", in: db)
                : try db.scalarInt("SELECT COUNT(*) FROM notification_logs l WHERE \(whereClause)", parameters)
            let window = try paging.window(total: total)
            let rows = try db.query(
                """
                SELECT l.*, u.username FROM notification_logs l LEFT JOIN users u ON u.id = l.recipient_id
                WHERE \(whereClause) ORDER BY l.created_at DESC, l.id DESC LIMIT ? OFFSET ?
                """,
                parameters + [window.size, window.offset])
            return paging.envelope.body(rows.map(logJSON), window, request: request, extra: [
                ("filters", ["type": .optional(type), "method": .optional(method), "status": .optional(status),
                             "recipient_id": .optional(recipient), "date_from": .optional(from?.dateString),
                             "date_to": .optional(to?.dateString)]),
            ])
        }
        return .json(body)
    }
}
