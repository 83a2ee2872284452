import Foundation

/// `/admin-dashboard/dashboard/stats/`: headline figures across the platform.
extension AdminRoutes {
    func dashboardStats() throws -> APIResponse {
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
}
