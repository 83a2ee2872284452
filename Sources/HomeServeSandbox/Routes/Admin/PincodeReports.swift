import Foundation

/// `/admin-dashboard/pincode-scaling/data/` and `/admin-dashboard/analytics/pincode/`: bookings, revenue and
/// vendor coverage per pincode.
extension AdminRoutes {
    struct PincodeFigures {
        var total = 0
        var completed = 0
        var cancelled = 0
        var disputed = 0
        var active = 0
        var revenueCents = 0
        var customers = 0
        var services: [String: Int] = [:]
    }

    /// Per-pincode figures for bookings scheduled in `[from, to)`, optionally one category only.
    func figures(_ db: SQLiteDatabase, from: Timestamp?, to: Timestamp?, category: String?) throws
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
        // Aggregated in SQL: a report over a million bookings should not build a million rows in Swift.
        let from = "FROM bookings b JOIN services s ON s.id = b.service_id WHERE \(conditions.joined(separator: " AND "))"
        var result: [String: PincodeFigures] = [:]
        for row in try db.query(
            """
            SELECT b.pincode, b.status, s.name AS service, COUNT(*) AS n, SUM(b.total_price_cents) AS cents \(from)
            GROUP BY b.pincode, b.status, s.name
            """, parameters)
        {
            let (pincode, n) = (row.text("pincode"), row.int("n"))
            var figures = result[pincode] ?? PincodeFigures()
            figures.total += n
            figures.services[row.text("service"), default: 0] += n
            switch BookingStatus(rawValue: row.text("status")) ?? .pending {
            case .completed, .signed:
                figures.completed += n
                figures.revenueCents += row.int("cents")
            case .cancelled: figures.cancelled += n
            case .disputed: figures.disputed += n
            case .pending, .confirmed, .inProgress: figures.active += n
            }
            result[pincode] = figures
        }
        for row in try db.query("SELECT b.pincode, COUNT(DISTINCT b.customer_id) AS n \(from) GROUP BY b.pincode", parameters) {
            result[row.text("pincode")]?.customers = row.int("n")
        }
        return result
    }

    func pincodeScaling(_ request: APIRequest) async throws -> APIResponse {
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
        return .json(sandbox.shapes.render(.pincodeScaling, body))
    }

    func pincodeAnalytics(_ request: APIRequest) async throws -> APIResponse {
        var query = QueryReader(request)
        let pincode = query.string("pincode")
        let from = query.date("date_from")
        let to = query.date("date_to")
        let paging = PageRequest(sandbox.shapes.envelope(.pincodeAnalytics), &query)
        try query.check()
        let body = try sandbox.store.read { db -> JSON in
            var figures = try figures(db, from: from, to: to?.adding(days: 1), category: nil)
            if let pincode { figures = figures.filter { $0.key == pincode } }
            let profiles = try db.vendorProfiles()
            let rows: [JSON] = figures.keys.sorted().map { key in
                let f = figures[key]!
                let top = f.services.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.first?.key
                return sandbox.shapes.render(.pincodeAnalyticsRow, [
                    "pincode": .string(key), "total_bookings": .int(f.total), "completed_bookings": .int(f.completed),
                    "cancelled_bookings": .int(f.cancelled), "disputed_bookings": .int(f.disputed),
                    "revenue": .string(Money.format(f.revenueCents)),
                    "average_booking_value": .string(Money.format(f.completed == 0 ? 0 : f.revenueCents / f.completed)),
                    "unique_customers": .int(f.customers),
                    "active_vendors": .int(profiles.filter { $0.serviceAreas.contains(key) && $0.isAvailable }.count),
                    "top_service": .optional(top),
                ])
            }
            let window = try paging.window(total: rows.count)
            return paging.envelope.body(window.slice(rows), window, request: request, extra: [
                ("filters", ["pincode": .optional(pincode), "date_from": .optional(from?.dateString),
                             "date_to": .optional(to?.dateString)]),
            ])
        }
        return .json(body)
    }
}
