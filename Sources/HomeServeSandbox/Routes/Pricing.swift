/// A price for one service, in one pincode, at one time, and the reasons for it.
///
/// Three multipliers, each visible in the response:
/// - time of day (UTC): 09–17 ×1.0, 07–09 ×1.1, 17–21 ×1.2 (evening peak), otherwise ×1.3 (after hours);
///   Saturday and Sunday add ×1.1;
/// - demand: non-cancelled bookings in the pincode scheduled within three days either side:
///   0–2 low ×0.9, 3–6 normal ×1.0, 7–12 high ×1.2, 13+ peak ×1.5;
/// - supply: vendors serving the pincode: none ×1.3, one ×1.1, two or more ×1.0.
/// The surge is their product rounded to two places; the final price is base × surge rounded to the paisa.
struct PriceQuote {
    let service: Service
    let pincode: String
    let time: Timestamp
    let nearbyBookings: Int
    let vendorCount: Int
    let timeMultiplier: Double
    let demandMultiplier: Double
    let vendorMultiplier: Double
    let surge: Double
    let demandLevel: String
    let finalCents: Int

    static func compute(service: Service, pincode: String, at time: Timestamp, db: SQLiteDatabase) throws -> PriceQuote {
        let nearby = try db.scalarInt(
            """
            SELECT COUNT(*) FROM bookings WHERE pincode = ? AND status != 'cancelled'
            AND scheduled_date BETWEEN ? AND ?
            """,
            [pincode, time.adding(days: -3), time.adding(days: 3)])
        let vendors = try db.vendors(serving: pincode).filter(\.isAvailable).count

        let hour = time.hour
        var timeFactor: Double
        switch hour {
        case 9..<17: timeFactor = 1.0
        case 7..<9: timeFactor = 1.1
        case 17..<21: timeFactor = 1.2
        default: timeFactor = 1.3
        }
        if time.weekday >= 5 { timeFactor *= 1.1 }
        timeFactor = round2(timeFactor)

        let (level, demandFactor): (String, Double)
        switch nearby {
        case 0...2: (level, demandFactor) = ("low", 0.9)
        case 3...6: (level, demandFactor) = ("normal", 1.0)
        case 7...12: (level, demandFactor) = ("high", 1.2)
        default: (level, demandFactor) = ("peak", 1.5)
        }
        let vendorFactor = vendors == 0 ? 1.3 : vendors == 1 ? 1.1 : 1.0
        let surge = round2(timeFactor * demandFactor * vendorFactor)
        let finalCents = Int((Double(service.basePriceCents) * surge).rounded(.toNearestOrAwayFromZero))
        return PriceQuote(
            service: service, pincode: pincode, time: time, nearbyBookings: nearby, vendorCount: vendors,
            timeMultiplier: timeFactor, demandMultiplier: demandFactor, vendorMultiplier: vendorFactor, surge: surge,
            demandLevel: level, finalCents: finalCents)
    }

    static func round2(_ value: Double) -> Double { (value * 100).rounded(.toNearestOrAwayFromZero) / 100 }

    /// The contract's `DynamicPricing.pricing` object; also stored as a booking's `dynamic_price_breakdown`.
    var pricingJSON: JSON {
        [
            "base_price": .double(Money.double(service.basePriceCents)),
            "surge_multiplier": .double(surge),
            "final_price": .double(Money.double(finalCents)),
            "demand_level": .string(demandLevel),
            "factors": [
                "time_based_multiplier": .double(timeMultiplier),
                "demand_based_multiplier": .double(demandMultiplier),
                "vendor_availability_multiplier": .double(vendorMultiplier),
            ],
            "breakdown": [
                "base": .double(Money.double(service.basePriceCents)),
                "surge": .double(Money.double(finalCents - service.basePriceCents)),
                "total": .double(Money.double(finalCents)),
            ],
        ]
    }
}

/// `/api/dynamic-pricing/`: a live quote (GET) and a day-by-day forecast (POST).
struct PricingRoutes: Sendable {
    let sandbox: Sandbox

    func register(in table: inout RouteTable) {
        table.add("GET", "/api/dynamic-pricing/", .authenticated) { try await self.quote($0) }
        table.add("POST", "/api/dynamic-pricing/", .authenticated) { try await self.predict($0) }
    }

    private func activeService(_ id: Int, _ db: SQLiteDatabase) throws -> Service {
        guard let service = try db.service(id: id), service.isActive else {
            throw APIError.notFound("Service not found.")
        }
        return service
    }

    private func quote(_ request: APIRequest) async throws -> APIResponse {
        var query = QueryReader(request)
        let serviceID = query.integer("service_id", required: true)
        let pincode = query.pincode("pincode", required: true)
        let scheduled = query.dateTime("scheduled_datetime")
        try query.check()
        guard let serviceID, let pincode else { throw APIError.badRequest("Missing parameters.") }
        let time = scheduled ?? .now()
        let body = try sandbox.cache.value("pricing", key: Self.cacheKey(serviceID, pincode, scheduled)) {
            try sandbox.store.read { db in
                try Self.quoteBody(service: try activeService(serviceID, db), pincode: pincode, at: time, db: db)
            }
        }
        return .json(sandbox.shapes.render(.pricingQuote, body))
    }

    /// Quotes are cached for five minutes, like the real backend's Redis cache, so the price a client was
    /// quoted is the price a booking made soon after gets, even if the booking itself shifts demand. A quote
    /// for "now" is cached per hour, the granularity of the time multiplier.
    static func cacheKey(_ serviceID: Int, _ pincode: String, _ scheduled: Timestamp?) -> String {
        "\(serviceID)|\(pincode)|" + (scheduled.map { String($0.seconds) } ?? "now:\(Timestamp.now().seconds / 3600)")
    }

    /// The contract's `DynamicPricing` object.
    static func quoteBody(service: Service, pincode: String, at time: Timestamp, db: SQLiteDatabase) throws -> JSON {
        let quote = try PriceQuote.compute(service: service, pincode: pincode, at: time, db: db)
        return [
            "service": ["id": .int(service.id), "name": .string(service.name), "category": .string(service.category)],
            "pincode": .string(pincode),
            "pricing": quote.pricingJSON,
            "timestamp": .string(Timestamp.now().iso),
        ]
    }

    private func predict(_ request: APIRequest) async throws -> APIResponse {
        var fields = FieldReader(try request.data().fields)
        let serviceID = fields.integer("service_id", required: true)
        let pincode = fields.string("pincode", required: true, allowBlank: false)
        let days = fields.integer("days", min: 1, max: 30) ?? 7
        if let pincode, let problem = Pincode.problem(pincode) { fields.errors.add("pincode", problem) }
        try fields.check()
        guard let serviceID, let pincode else { throw APIError.badRequest("Missing fields.") }
        let body = try sandbox.store.read { db -> JSON in
            let service = try activeService(serviceID, db)
            let today = Timestamp.now().startOfDay
            var predictions: [JSON] = []
            for day in 0..<days {
                // Midday is the representative hour: forecasts differ by weekday and demand, not time of day.
                let quote = try PriceQuote.compute(service: service, pincode: pincode,
                                                   at: today.adding(days: day).adding(minutes: 12 * 60), db: db)
                predictions.append([
                    "date": .string(quote.time.dateString),
                    "predicted_price": .double(Money.double(quote.finalCents)),
                    "surge_multiplier": .double(quote.surge),
                    "confidence": .double(PriceQuote.round2(max(0.5, 0.95 - 0.015 * Double(day)))),
                    "demand_level": .string(quote.demandLevel),
                ])
            }
            return [
                "service": ["id": .int(service.id), "name": .string(service.name),
                            "category": .string(service.category),
                            "base_price": .double(Money.double(service.basePriceCents))],
                "pincode": .string(pincode),
                "predictions": .array(predictions),
                "timestamp": .string(Timestamp.now().iso),
            ]
        }
        return .json(sandbox.shapes.render(.pricingForecast, body))
    }
}
