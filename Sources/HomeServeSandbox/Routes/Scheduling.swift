import Foundation

/// `/api/smart-scheduling/` and `/api/vendor-optimization/`: slots computed from a vendor's weekly
/// availability, the 08:00–20:00 (UTC) service window, and the bookings already in their day, with travel
/// and buffers around each.
struct SchedulingRoutes: Sendable {
    let sandbox: Sandbox

    static let windowStart = 8 * 60
    static let windowEnd = 20 * 60
    static let slotStep = 30
    static let buffer = 15

    func register(in table: inout RouteTable) {
        table.add("GET", "/api/smart-scheduling/", .authenticated) { try await self.slots($0) }
        table.add("POST", "/api/smart-scheduling/", .authenticated) { try await self.optimal($0) }
        table.add("GET", "/api/vendor-optimization/", .roles([.vendor, .opsManager, .superAdmin])) {
            try await self.optimization($0)
        }
    }

    struct Slot {
        let start: Timestamp
        let end: Timestamp
        let score: Double
        let travel: Int

        var json: JSON {
            ["start_time": .string(start.iso), "end_time": .string(end.iso), "is_available": true,
             "score": .double(score), "travel_time_minutes": .int(travel),
             "buffer_time_minutes": .int(SchedulingRoutes.buffer)]
        }
    }

    struct Plan {
        let vendor: User
        let profile: VendorProfile
        let service: Service
        let pincode: String
        let date: Timestamp
        let slots: [Slot]
        let bookingsThatDay: Int
        let worksThatDay: Bool
    }

    private struct Inputs {
        let vendorID: Int
        let serviceID: Int
        let pincode: String
        let date: Timestamp
    }

    /// Free slots for one vendor, one service and one customer pincode on one day.
    private func plan(_ inputs: Inputs) throws -> Plan {
        try sandbox.store.read { db in
            guard let vendor = try db.user(id: inputs.vendorID), vendor.role == .vendor,
                  let profile = try db.vendorProfile(userID: vendor.id)
            else { throw APIError.notFound("Vendor not found.") }
            guard let service = try db.service(id: inputs.serviceID), service.isActive else {
                throw APIError.notFound("Service not found.")
            }
            let day = inputs.date.startOfDay
            let windows = try db.availability(vendorID: vendor.id).filter { $0.dayOfWeek == day.weekday }
            let busy = try db.query(
                """
                \(SQLiteDatabase.bookingSelect) WHERE b.vendor_id = ? AND b.status IN ('confirmed', 'in_progress')
                AND b.scheduled_date BETWEEN ? AND ?
                """,
                [vendor.id, day.adding(days: -1), day.adding(days: 2)]
            ).map(Booking.init)
            let travel = Pincode.travelMinutes(profile.pincode, inputs.pincode)
            let now = Timestamp.now()
            var slots: [Slot] = []
            for window in windows {
                let first = max(Self.windowStart, window.startMinute)
                let last = min(Self.windowEnd, window.endMinute)
                var minute = first
                while minute + service.durationMinutes <= last {
                    let start = day.adding(minutes: minute)
                    let end = start.adding(minutes: service.durationMinutes)
                    let blockStart = start.adding(minutes: -(travel + Self.buffer))
                    let blockEnd = end.adding(minutes: Self.buffer + travel)
                    let clash = busy.contains { other in
                        let interval = other.blockedInterval
                        return interval.start < blockEnd && blockStart < interval.end
                    }
                    if start > now, !clash {
                        slots.append(Slot(start: start, end: end, score: Self.score(minute: minute, travel: travel),
                                          travel: travel))
                    }
                    minute += Self.slotStep
                }
            }
            let sameDay = busy.filter { $0.scheduledDate.startOfDay == day }.count
            return Plan(vendor: vendor, profile: profile, service: service, pincode: inputs.pincode, date: day,
                        slots: slots, bookingsThatDay: sameDay, worksThatDay: !windows.isEmpty)
        }
    }

    /// 100, less half a point per travel minute, less two points per hour away from 11:00 (customers
    /// prefer late mornings), less 10 more from 17:00 (late jobs run into the evening traffic peak).
    private static func score(minute: Int, travel: Int) -> Double {
        var score = 100.0 - Double(travel) / 2 - Double(abs(minute - 11 * 60)) / 30
        if minute >= 17 * 60 { score -= 10 }
        return PriceQuote.round2(score)
    }

    private func readGetInputs(_ request: APIRequest) throws -> Inputs {
        var query = QueryReader(request)
        let vendorID = query.integer("vendor_id", required: true)
        let serviceID = query.integer("service_id", required: true)
        let pincode = query.pincode("customer_pincode", required: true)
        let date = query.date("preferred_date", required: true)
        try query.check()
        guard let vendorID, let serviceID, let pincode, let date else { throw APIError.badRequest("Missing parameters.") }
        return Inputs(vendorID: vendorID, serviceID: serviceID, pincode: pincode, date: date)
    }

    private func slots(_ request: APIRequest) async throws -> APIResponse {
        let plan = try plan(try readGetInputs(request))
        var body: JSON = [
            "vendor_id": .int(plan.vendor.id), "service_id": .int(plan.service.id),
            "customer_pincode": .string(plan.pincode), "date": .string(plan.date.dateString),
            "available_slots": .array(plan.slots.map(\.json)), "total_slots": .int(plan.slots.count),
        ]
        if !plan.worksThatDay, case .object(var object) = body {
            object["message"] = "The vendor does not work on this day."
            body = .object(object)
        }
        return .json(sandbox.shapes.render(.slots, body))
    }

    private func optimal(_ request: APIRequest) async throws -> APIResponse {
        var fields = FieldReader(try request.data().fields)
        let vendorID = fields.integer("vendor_id", required: true)
        let serviceID = fields.integer("service_id", required: true)
        let pincode = fields.string("customer_pincode", required: true, allowBlank: false)
        let dateText = fields.string("preferred_date", required: true, allowBlank: false)
        if let pincode, let problem = Pincode.problem(pincode) { fields.errors.add("customer_pincode", problem) }
        let date = dateText.flatMap { Timestamp.parseDate($0) ?? Timestamp.parseDateTime($0)?.startOfDay }
        if dateText != nil, date == nil { fields.errors.add("preferred_date", FieldReader.dateFormatMessage) }
        try fields.check()
        guard let vendorID, let serviceID, let pincode, let date else { throw APIError.badRequest("Missing fields.") }
        let plan = try plan(Inputs(vendorID: vendorID, serviceID: serviceID, pincode: pincode, date: date))
        // Best score first; earlier start breaks ties.
        let ranked = plan.slots.sorted { $0.score != $1.score ? $0.score > $1.score : $0.start < $1.start }
        func describe(_ slot: Slot) -> JSON {
            let reasoning = "\(slot.travel) min travel from \(plan.profile.pincode) to \(plan.pincode); "
                + "clear of the vendor's \(plan.bookingsThatDay) other booking(s) that day with "
                + "\(Self.buffer) min buffers; scored \(slot.score) of 100."
            return ["recommended_time": .string(slot.start.iso), "score": .double(slot.score),
                    "reasoning": .string(reasoning), "travel_time_minutes": .int(slot.travel),
                    "estimated_duration_minutes": .int(plan.service.durationMinutes)]
        }
        return .json(sandbox.shapes.render(.slotSuggestion, [
            "optimal_slot": ranked.first.map(describe) ?? .null,
            "alternatives": .array(ranked.dropFirst().prefix(3).map(describe)),
            "vendor_id": .int(plan.vendor.id), "date": .string(plan.date.dateString),
            "total_slots": .int(plan.slots.count),
        ]))
    }

    // MARK: Vendor optimization

    private func optimization(_ request: APIRequest) async throws -> APIResponse {
        let user = try request.requiredUser
        var query = QueryReader(request)
        let date = query.date("date") ?? Timestamp.now().startOfDay
        let requestedVendor = query.integer("vendor_id")
        if user.role != .vendor, requestedVendor == nil, !query.errors.has("vendor_id") { query.errors.add("vendor_id", "This field is required.") }
        try query.check()
        let vendorID = user.role == .vendor ? user.id : requestedVendor!
        let body = try sandbox.store.read { db -> JSON in
            guard let vendor = try db.user(id: vendorID), vendor.role == .vendor,
                  let profile = try db.vendorProfile(userID: vendorID)
            else { throw APIError.notFound("Vendor not found.") }
            let bookings = try db.query(
                """
                \(SQLiteDatabase.bookingSelect) WHERE b.vendor_id = ? AND b.status IN ('confirmed', 'in_progress')
                AND b.scheduled_date >= ? AND b.scheduled_date < ? ORDER BY b.scheduled_date
                """,
                [vendorID, date, date.adding(days: 1)]
            ).map(Booking.init)
            let window = try db.availability(vendorID: vendorID).first { $0.dayOfWeek == date.weekday }
            var items: [JSON] = []
            var suggestions: [String] = []
            var location = profile.pincode
            var previousEnd: Timestamp?
            var serviceMinutes = 0
            var travelMinutes = 0
            for booking in bookings {
                let travel = Pincode.travelMinutes(location, booking.pincode)
                let duration = booking.estimatedDuration ?? 60
                if let previousEnd {
                    let gap = Int((booking.scheduledDate.micros - previousEnd.micros) / 60_000_000)
                    if gap < travel + Self.buffer {
                        suggestions.append(
                            "Only \(gap) min between jobs before \(booking.scheduledDate.timeString) but "
                                + "\(travel) min travel from \(location) to \(booking.pincode) plus a \(Self.buffer) min buffer; "
                                + "move booking \(booking.id) later.")
                    }
                }
                items.append([
                    "booking_id": .string(booking.id), "service_name": .string(booking.serviceName),
                    "pincode": .string(booking.pincode), "scheduled_time": .string(booking.scheduledDate.iso),
                    "estimated_duration_minutes": .int(duration), "travel_time_minutes": .int(travel),
                    "status": .string(booking.status.rawValue),
                ])
                serviceMinutes += duration
                travelMinutes += travel
                location = booking.pincode
                previousEnd = booking.scheduledDate.adding(minutes: duration)
            }
            let workingMinutes = window.map { $0.endMinute - $0.startMinute } ?? 0
            let idle = max(0, workingMinutes - serviceMinutes - travelMinutes)
            let utilization = workingMinutes == 0 ? 0 : PriceQuote.round2(Double(serviceMinutes + travelMinutes) * 100 / Double(workingMinutes))
            let open = try db.scalarInt(
                """
                SELECT COUNT(*) FROM bookings WHERE status = 'pending' AND vendor_id IS NULL
                AND pincode IN (\(profile.serviceAreas.map { _ in "?" }.joined(separator: ", ")))
                AND scheduled_date >= ? AND scheduled_date < ?
                """,
                profile.serviceAreas + [date, date.adding(days: 1)] as [any SQLConvertible])
            if window == nil {
                suggestions.append("You are not scheduled to work on \(date.dateString).")
            } else if utilization < 50 {
                suggestions.append("Light day (\(utilization)% utilised): \(open) open job(s) in your area that day.")
            }
            if travelMinutes > 90 {
                suggestions.append("\(travelMinutes) min of travel; group jobs by pincode to cut it down.")
            }
            return [
                "vendor_id": .int(vendorID), "date": .string(date.dateString),
                "working_hours": window.map {
                    ["start": .string(Availability.clock($0.startMinute)), "end": .string(Availability.clock($0.endMinute))]
                } ?? .null,
                "bookings": .array(items),
                "summary": [
                    "total_bookings": .int(items.count), "total_service_minutes": .int(serviceMinutes),
                    "total_travel_minutes": .int(travelMinutes), "idle_minutes": .int(idle),
                    "utilization_percent": .double(utilization), "open_jobs_in_area": .int(open),
                ],
                "suggestions": .array(suggestions.map(JSON.string)),
            ]
        }
        return .json(body)
    }
}
