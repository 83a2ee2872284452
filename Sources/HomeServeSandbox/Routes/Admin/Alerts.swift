import Foundation

/// `/admin-dashboard/notifications/alerts/`: business alerts, rescanned from the data on every read.
extension AdminRoutes {
    func alerts(_ request: APIRequest) async throws -> APIResponse {
        var query = QueryReader(request)
        let type = query.string("type")
        let severity = query.string("severity")
        let status = query.string("status")
        let paging = PageRequest(sandbox.shapes.envelope(.alerts), &query)
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
            let window = try paging.window(total: total)
            let rows = try db.query(
                "SELECT * FROM business_alerts WHERE \(whereClause) ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
                parameters + [window.size, window.offset])
            let bySeverity = try db.query(
                "SELECT severity, COUNT(*) AS n FROM business_alerts WHERE status = 'active' GROUP BY severity")
            let alerts: [JSON] = rows.map { row in
                [
                    "id": .int(row.int("id")), "alert_type": .string(row.text("alert_type")),
                    "severity": .string(row.text("severity")), "status": .string(row.text("status")),
                    "title": .string(row.text("title")), "message": .string(row.text("message")),
                    "pincode": .optional(row.optionalText("pincode")),
                    "related_object_id": .optional(row.optionalText("related_object_id")),
                    "created_at": .string(row.timestamp("created_at").iso),
                    "resolved_at": .optional(row.optionalTimestamp("resolved_at")?.iso),
                ]
            }
            return paging.envelope.body(alerts, window, request: request, extra: [
                ("summary", [
                    "active": .int(try db.scalarInt("SELECT COUNT(*) FROM business_alerts WHERE status = 'active'")),
                    "by_severity": .object(JSONObject(bySeverity.map { ($0.text("severity"), JSON.int($0.int("n"))) })),
                ]),
            ])
        }
        return .json(body)
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
