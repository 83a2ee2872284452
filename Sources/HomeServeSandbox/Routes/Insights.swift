import Foundation

/// The "AI" endpoints. The real backend runs models; the sandbox computes deterministic scores from the
/// same data with simple, documented formulas, and returns its inputs so a client can show its workings.
struct InsightRoutes: Sendable {
    let sandbox: Sandbox

    static let model = "sandbox-heuristic-v1"

    func register(in table: inout RouteTable) {
        let ops = Access.roles(Role.operators)
        table.add("GET", "/api/pincode-ai-analytics/", ops) { try await self.pincodeAnalytics($0) }
        table.add("GET", "/api/advanced-dispute-resolution/{id}/", ops) { try await self.disputeResolution($0) }
        table.add("GET", "/api/advanced-vendor-bonus/", ops) { try await self.vendorBonus($0) }
    }

    private static func round1(_ value: Double) -> Double { (value * 10).rounded(.toNearestOrAwayFromZero) / 10 }

    // MARK: Pincode analytics

    /// Demand score: bookings per week × 20, capped at 100. Supply score: available vendors × 40, capped at 100.
    /// Quality: average satisfaction rating as a percentage (70 without ratings). Trend compares this period
    /// with the one before it (±10% is "stable"); the forecast is this week's rate scaled by the trend, and never
    /// below the bookings already scheduled for the next 7 days.
    private func pincodeAnalytics(_ request: APIRequest) async throws -> APIResponse {
        var query = QueryReader(request)
        let pincode = query.pincode("pincode", required: true)
        let days = query.integer("days", min: 1, max: 365) ?? 30
        try query.check()
        guard let pincode else { throw APIError.badRequest("Missing pincode.") }
        let body = try sandbox.store.read { db -> JSON in
            let now = Timestamp.now()
            func count(_ condition: String, _ parameters: [any SQLConvertible]) throws -> Int {
                try db.scalarInt("SELECT COUNT(*) FROM bookings WHERE pincode = ? AND \(condition)", [pincode] + parameters)
            }
            let recent = try count("scheduled_date BETWEEN ? AND ? AND status != 'cancelled'", [now.adding(days: -days), now])
            let previous = try count("scheduled_date BETWEEN ? AND ? AND status != 'cancelled'",
                                     [now.adding(days: -2 * days), now.adding(days: -days)])
            let upcoming = try count("scheduled_date BETWEEN ? AND ? AND status != 'cancelled'", [now, now.adding(days: 7)])
            let completed = try count("scheduled_date BETWEEN ? AND ? AND status IN ('completed', 'signed')",
                                      [now.adding(days: -days), now])
            let cancelled = try count("scheduled_date BETWEEN ? AND ? AND status = 'cancelled'", [now.adding(days: -days), now])
            let disputes = try db.scalarInt(
                "SELECT COUNT(*) FROM disputes d JOIN bookings b ON b.id = d.booking_id WHERE b.pincode = ? AND d.created_at >= ?",
                [pincode, now.adding(days: -days)])
            let rating = try db.queryOne(
                """
                SELECT AVG(s.satisfaction_rating) AS r, COUNT(s.satisfaction_rating) AS n FROM signatures s
                JOIN bookings b ON b.id = s.booking_id WHERE b.pincode = ? AND s.status = 'signed'
                """,
                [pincode])
            let vendors = try db.vendors(serving: pincode).filter(\.isAvailable).count

            let weeklyRate = Double(recent) / (Double(days) / 7)
            let demandScore = Self.round1(min(100, weeklyRate * 20))
            let supplyScore = Self.round1(min(100, Double(vendors) * 40))
            let ratingCount = rating?.int("n") ?? 0
            let qualityScore = ratingCount == 0 ? 70 : Self.round1((rating?.double("r") ?? 0) / 5 * 100)
            let growth = previous == 0 ? (recent > 0 ? 1.0 : 0.0) : Double(recent - previous) / Double(previous)
            let trend = growth > 0.1 ? "growing" : growth < -0.1 ? "declining" : "stable"
            let forecast = max(upcoming, Int((weeklyRate * (1 + max(-0.5, min(growth, 1)))).rounded()))

            var recommendations: [String] = []
            if vendors == 0 { recommendations.append("Onboard vendors: no one serves \(pincode).") }
            if demandScore > supplyScore + 20 {
                recommendations.append("Recruit vendors: demand (\(demandScore)) is well above supply (\(supplyScore)).")
            }
            if supplyScore > demandScore + 40 {
                recommendations.append("Run promotions: supply (\(supplyScore)) is well above demand (\(demandScore)).")
            }
            if recent > 0, Double(cancelled) / Double(recent + cancelled) > 0.2 {
                recommendations.append("Investigate cancellations: \(cancelled) of \(recent + cancelled) bookings were cancelled.")
            }
            if disputes > 0 { recommendations.append("Review \(disputes) dispute(s) opened in this period.") }
            if recommendations.isEmpty { recommendations.append("No action needed: supply and demand are balanced.") }

            return [
                "pincode": .string(pincode), "days": .int(days),
                "inputs": [
                    "bookings_in_period": .int(recent), "bookings_previous_period": .int(previous),
                    "bookings_next_7_days": .int(upcoming), "completed_bookings": .int(completed),
                    "cancelled_bookings": .int(cancelled), "disputes": .int(disputes),
                    "available_vendors": .int(vendors), "signed_ratings": .int(ratingCount),
                    "average_rating": ratingCount == 0 ? .null : .double(PriceQuote.round2(rating?.double("r") ?? 0)),
                ],
                "scores": [
                    "demand_score": .double(demandScore), "supply_score": .double(supplyScore),
                    "service_quality_score": .double(qualityScore),
                ],
                "growth_trend": .string(trend),
                "growth_rate_percent": .double(Self.round1(growth * 100)),
                "predicted_bookings_next_7_days": .int(forecast),
                "confidence": .double(PriceQuote.round2(min(0.95, 0.5 + Double(recent) / 50))),
                "recommendations": .array(recommendations.map(JSON.string)),
                "model": .string(Self.model),
                "generated_at": .string(now.iso),
            ]
        }
        return .json(body)
    }

    // MARK: Dispute resolution

    /// Vendor-fault probability starts from the dispute type's base rate, rises 5 points per earlier dispute
    /// against the vendor, falls 10 points per rating star above 4, and moves 5 points towards whichever side
    /// supplied evidence. ≥0.7 full refund, ≥0.5 partial (50%), ≥0.3 redo the service, otherwise no refund.
    private func disputeResolution(_ request: APIRequest) async throws -> APIResponse {
        let body = try sandbox.store.read { db -> JSON in
            guard let id = Crypto.normalizedUUID(request.parameter(0)), let dispute = try db.dispute(id: id),
                  let booking = try db.booking(id: dispute.bookingID)
            else { throw APIError.notFoundDefault }
            let now = Timestamp.now()
            let vendorProfile = try dispute.vendorID.flatMap { try db.vendorProfile(userID: $0) }
            let vendorDisputes = try dispute.vendorID.map {
                try db.scalarInt("SELECT COUNT(*) FROM disputes WHERE vendor_id = ? AND id != ?", [$0, dispute.id])
            } ?? 0
            let vendorJobs = try dispute.vendorID.map {
                try db.scalarInt("SELECT COUNT(*) FROM bookings WHERE vendor_id = ? AND status IN ('completed', 'signed', 'disputed')", [$0])
            } ?? 0
            let customerDisputes = try db.scalarInt(
                "SELECT COUNT(*) FROM disputes WHERE customer_id = ? AND id != ?", [dispute.customerID, dispute.id])
            let messages = try db.scalarInt("SELECT COUNT(*) FROM dispute_messages WHERE dispute_id = ?", [dispute.id])
            let similar = try db.scalarInt("SELECT COUNT(*) FROM disputes WHERE dispute_type = ? AND id != ?",
                                           [dispute.disputeType, dispute.id])
            let daysOpen = Int((now.micros - dispute.createdAt.micros) / 86_400_000_000)
            let rating = vendorProfile?.rating ?? 4.0
            let customerEvidence = dispute.customerEvidence != nil
            let vendorEvidence = dispute.vendorEvidence != nil

            let base: Double
            switch dispute.disputeType {
            case "no_show": base = 0.8
            case "damage": base = 0.7
            case "incomplete_work": base = 0.65
            case "quality", "behavior": base = 0.6
            case "signature_rejected": base = 0.55
            case "billing": base = 0.4
            default: base = 0.5
            }
            var factors: [JSON] = [["factor": "dispute_type", "value": .string(dispute.disputeType),
                                    "impact": .double(base)]]
            var probability = base
            func adjust(_ name: String, _ value: JSON, _ delta: Double) {
                guard delta != 0 else { return }
                probability += delta
                factors.append(["factor": .string(name), "value": value, "impact": .double(PriceQuote.round2(delta))])
            }
            adjust("vendor_prior_disputes", .int(vendorDisputes), 0.05 * Double(vendorDisputes))
            adjust("vendor_rating", .double(rating), -(rating - 4.0) * 0.1)
            adjust("customer_evidence", .bool(customerEvidence), customerEvidence ? 0.05 : 0)
            adjust("vendor_evidence", .bool(vendorEvidence), vendorEvidence ? -0.05 : 0)
            probability = PriceQuote.round2(min(0.95, max(0.05, probability)))

            let (resolution, refundShare): (String, Int)
            switch probability {
            case 0.7...: (resolution, refundShare) = ("full_refund", 100)
            case 0.5..<0.7: (resolution, refundShare) = ("partial_refund", 50)
            case 0.3..<0.5: (resolution, refundShare) = ("service_redo", 0)
            default: (resolution, refundShare) = ("no_refund", 0)
            }
            let priority = dispute.severity == "critical" || daysOpen > 7 ? "urgent"
                : dispute.severity == "high" || daysOpen > 3 ? "high" : "normal"
            return [
                "dispute_id": .string(dispute.id),
                "inputs": [
                    "dispute_type": .string(dispute.disputeType), "severity": .string(dispute.severity),
                    "status": .string(dispute.status), "booking_amount": .string(Money.format(booking.totalPriceCents)),
                    "vendor_id": .optional(dispute.vendorID), "vendor_rating": .double(rating),
                    "vendor_prior_disputes": .int(vendorDisputes), "vendor_completed_jobs": .int(vendorJobs),
                    "customer_prior_disputes": .int(customerDisputes), "days_open": .int(daysOpen),
                    "messages": .int(messages), "customer_evidence": .bool(customerEvidence),
                    "vendor_evidence": .bool(vendorEvidence),
                ],
                "analysis": [
                    "vendor_fault_probability": .double(probability),
                    "recommended_resolution": .string(resolution),
                    "suggested_refund_amount": .string(Money.format(booking.totalPriceCents * refundShare / 100)),
                    "confidence": .double(PriceQuote.round2(0.5 + abs(probability - 0.5))),
                    "priority": .string(priority),
                ],
                "factors": .array(factors),
                "similar_disputes": .int(similar),
                "model": .string(Self.model),
                "generated_at": .string(now.iso),
            ]
        }
        return .json(body)
    }

    // MARK: Vendor bonus

    /// Performance score out of 100: 40 × (average rating / 5), 30 × on-time rate (started within 15 minutes
    /// of the scheduled time), 20 × min(1, completed jobs / 20), 10 × (1 − disputes per completed job).
    /// Tiers: platinum ≥85 (10% of revenue), gold ≥70 (7%), silver ≥50 (4%), otherwise bronze (no bonus).
    private func vendorBonus(_ request: APIRequest) async throws -> APIResponse {
        var query = QueryReader(request)
        let vendorID = query.integer("vendor_id")
        let days = query.integer("days", min: 1, max: 365) ?? 30
        try query.check()
        let body = try sandbox.store.read { db -> JSON in
            let now = Timestamp.now()
            let since = now.adding(days: -days)
            var vendors = try db.vendorProfiles()
            if let vendorID {
                vendors = vendors.filter { $0.userID == vendorID }
                if vendors.isEmpty { throw APIError.notFound("Vendor not found.") }
            }
            var results: [JSON] = []
            var poolCents = 0
            for profile in vendors {
                guard let user = try db.user(id: profile.userID) else { continue }
                let jobs = try db.query(
                    "\(SQLiteDatabase.bookingSelect) WHERE b.vendor_id = ? AND b.scheduled_date BETWEEN ? AND ?",
                    [user.id, since, now]
                ).map(Booking.init)
                let finished = jobs.filter { [.completed, .signed].contains($0.status) }
                let started = jobs.filter { $0.actualStart != nil }
                let onTime = started.filter { $0.actualStart! <= $0.scheduledDate.adding(minutes: 15) }.count
                let disputes = try db.scalarInt("SELECT COUNT(*) FROM disputes WHERE vendor_id = ? AND created_at >= ?",
                                                [user.id, since])
                let cancelled = jobs.filter { $0.status == .cancelled }.count
                let ratingRow = try db.queryOne(
                    """
                    SELECT AVG(s.satisfaction_rating) AS r, COUNT(s.satisfaction_rating) AS n FROM signatures s
                    JOIN bookings b ON b.id = s.booking_id WHERE b.vendor_id = ? AND s.status = 'signed' AND s.signed_at >= ?
                    """,
                    [user.id, since])
                let ratingCount = ratingRow?.int("n") ?? 0
                // Without signed ratings in the period, the profile's long-run rating stands in.
                let rating = ratingCount > 0 ? (ratingRow?.double("r") ?? profile.rating) : profile.rating
                let onTimeRate = started.isEmpty ? 1.0 : Double(onTime) / Double(started.count)
                let revenue = finished.reduce(0) { $0 + $1.totalPriceCents }
                let disputeRate = finished.isEmpty ? (disputes > 0 ? 1.0 : 0.0) : min(1, Double(disputes) / Double(finished.count))
                let score = Self.round1(40 * rating / 5 + 30 * onTimeRate + 20 * min(1, Double(finished.count) / 20)
                                        + 10 * (1 - disputeRate))
                let (tier, percent): (String, Int) = score >= 85 ? ("platinum", 10) : score >= 70 ? ("gold", 7)
                    : score >= 50 ? ("silver", 4) : ("bronze", 0)
                let bonus = revenue * percent / 100
                poolCents += bonus
                results.append([
                    "vendor_id": .int(user.id), "name": .string(user.fullName),
                    "inputs": [
                        "completed_jobs": .int(finished.count), "cancelled_jobs": .int(cancelled),
                        "disputes": .int(disputes), "average_rating": .double(PriceQuote.round2(rating)),
                        "rated_jobs": .int(ratingCount), "on_time_rate": .double(PriceQuote.round2(onTimeRate)),
                        "revenue": .string(Money.format(revenue)),
                    ],
                    "performance_score": .double(score), "tier": .string(tier),
                    "bonus_percentage": .int(percent), "bonus_amount": .string(Money.format(bonus)),
                ])
            }
            return [
                "period_days": .int(days), "vendors": .array(results),
                "total_bonus_pool": .string(Money.format(poolCents)),
                "model": .string(Self.model), "generated_at": .string(now.iso),
            ]
        }
        return .json(body)
    }
}
