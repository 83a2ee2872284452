import Foundation

/// `/api/vendor-search/`: vendors who serve a pincode, nearest and best rated first.
struct VendorRoutes: Sendable {
    let sandbox: Sandbox

    func register(in table: inout RouteTable) {
        table.add("GET", "/api/vendor-search/", .authenticated) { try await self.search($0) }
    }

    private func search(_ request: APIRequest) async throws -> APIResponse {
        var query = QueryReader(request)
        let pincode = query.pincode("pincode", required: true)
        let serviceID = query.integer("service_id")
        try query.check()
        guard let pincode else { throw APIError.badRequest("Missing pincode.") }
        let key = "\(pincode)|\(serviceID.map(String.init) ?? "")"
        let body = try sandbox.cache.value("vendor_search", key: key) {
            try sandbox.store.read { db -> JSON in
                var category: String?
                if let serviceID {
                    guard let service = try db.service(id: serviceID), service.isActive else {
                        throw APIError.notFound("Service not found.")
                    }
                    category = service.category
                }
                let now = Timestamp.now()
                let vendors = try db.vendors(serving: pincode)
                    .filter { category == nil || $0.categories.contains(category!) }
                    .sorted {
                        let (a, b) = (Pincode.distanceKm($0.pincode, pincode), Pincode.distanceKm($1.pincode, pincode))
                        return a != b ? a < b : $0.rating != $1.rating ? $0.rating > $1.rating : $0.userID < $1.userID
                    }
                var results: [JSON] = []
                for profile in vendors {
                    guard let user = try db.user(id: profile.userID), user.isActive else { continue }
                    let jobs = try db.scalarInt(
                        "SELECT COUNT(*) FROM bookings WHERE vendor_id = ? AND status IN ('completed', 'signed')",
                        [user.id])
                    let today = try db.availability(vendorID: user.id).first { $0.dayOfWeek == now.weekday }
                    results.append([
                        "id": .int(user.id), "name": .string(user.fullName), "email": .string(user.email),
                        "phone": .string(user.phone ?? ""), "pincode": .string(profile.pincode),
                        "rating": .double(profile.rating), "total_jobs": .int(jobs),
                        "availability": today?.json ?? .null,
                        "travel_time": .int(Pincode.travelMinutes(profile.pincode, pincode)),
                        "distance_km": .double(Pincode.distanceKm(profile.pincode, pincode)),
                        "primary_service_area": .string(profile.pincode),
                    ])
                }
                return [
                    "vendors": .array(results), "total_vendors": .int(results.count), "pincode": .string(pincode),
                    "demand_index": .double(try Self.demandIndex(pincode: pincode, vendors: results.count, db: db)),
                ]
            }
        }
        return .json(sandbox.shapes.render(.vendorSearch, body))
    }

    /// Non-cancelled bookings in the pincode within 30 days either side of now, per serving vendor.
    static func demandIndex(pincode: String, vendors: Int, db: SQLiteDatabase) throws -> Double {
        let now = Timestamp.now()
        let bookings = try db.scalarInt(
            """
            SELECT COUNT(*) FROM bookings WHERE pincode = ? AND status != 'cancelled'
            AND scheduled_date BETWEEN ? AND ?
            """,
            [pincode, now.adding(days: -30), now.adding(days: 30)])
        return PriceQuote.round2(Double(bookings) / Double(max(1, vendors)))
    }
}
