import Foundation

/// The `--shapes variant` form of each reply, derived from the guide's so the values cannot drift apart.
enum VariantReplies {
    static func render(_ shape: ReplyShape, _ guide: JSON) -> JSON {
        let g = guide.objectValue ?? JSONObject()
        switch shape {
        case .pricingQuote: return pricingQuote(g)
        case .pricingForecast: return pricingForecast(g)
        case .slots: return slots(g)
        case .slotSuggestion: return slotSuggestion(g)
        case .vendorSearch: return vendorSearch(g)
        case .pincodeScaling: return pincodeScaling(g)
        case .pincodeAnalyticsRow: return pincodeAnalyticsRow(g)
        case .bookingCreated: return ["message": "Booking created successfully", "booking": guide]
        case .bookingUpdated: return ["message": "Booking updated successfully", "booking": guide]
        case .disputeCreated: return ["message": "Dispute created successfully", "dispute": guide]
        case .photoUploaded: return ["photo": guide]
        case .messageSent: return ["status": "success", "data": g["message"] ?? .null]
        }
    }

    /// `{"status": "error", "message", "errors"}` for field errors, `{"error": {"code", "message"}}` otherwise.
    static func errorBody(_ error: APIError) -> JSON {
        let (code, message): (String, String)
        switch error {
        case .validation(let errors):
            return ["status": "error", "message": "The given data was invalid.", "errors": .object(errors)]
        case .badRequest(let detail): (code, message) = ("bad_request", detail)
        case .malformedJSON(let detail): (code, message) = ("parse_error", "JSON parse error - \(detail)")
        case .notAuthenticated: (code, message) = ("not_authenticated", "Authentication credentials were not provided.")
        case .tokenNotValid: (code, message) = ("token_not_valid", "Given token not valid for any token type")
        case .authenticationFailed(let detail, let given): (code, message) = (given ?? "authentication_failed", detail)
        case .forbidden(let detail): (code, message) = ("permission_denied", detail)
        case .notFound(let detail): (code, message) = ("not_found", detail)
        case .methodNotAllowed(let method): (code, message) = ("method_not_allowed", "Method \"\(method)\" not allowed.")
        case .conflict(let detail): (code, message) = ("conflict", detail)
        case .unsupportedMediaType(let type):
            (code, message) = ("unsupported_media_type", "Unsupported media type \"\(type)\" in request.")
        case .notAcceptable: (code, message) = ("not_acceptable", "Could not satisfy the request Accept header.")
        case .payloadTooLarge: (code, message) = ("payload_too_large", "Request body too large.")
        }
        return ["error": ["code": .string(code), "message": .string(message)]]
    }

    // MARK: Pricing

    private static func pricingQuote(_ g: JSONObject) -> JSON {
        let service = g["service"]?.objectValue ?? JSONObject()
        let pricing = g["pricing"]?.objectValue ?? JSONObject()
        let factors = pricing["factors"]?.objectValue ?? JSONObject()
        let breakdown = pricing["breakdown"]?.objectValue ?? JSONObject()
        return [
            "service_id": service["id"] ?? .null, "service_name": service["name"] ?? .null,
            "category": service["category"] ?? .null, "pincode": g["pincode"] ?? .null,
            "price": ["base": breakdown["base"] ?? .null, "surge": breakdown["surge"] ?? .null,
                      "total": breakdown["total"] ?? .null],
            "multiplier": pricing["surge_multiplier"] ?? .null, "demand": pricing["demand_level"] ?? .null,
            "multipliers": ["time": factors["time_based_multiplier"] ?? .null,
                            "demand": factors["demand_based_multiplier"] ?? .null,
                            "supply": factors["vendor_availability_multiplier"] ?? .null],
            "currency": "INR", "quoted_at": g["timestamp"] ?? .null,
        ]
    }

    private static func pricingForecast(_ g: JSONObject) -> JSON {
        let service = g["service"]?.objectValue ?? JSONObject()
        let days: [JSON] = (g["predictions"]?.arrayValue ?? []).map { item in
            let p = item.objectValue ?? JSONObject()
            return ["day": p["date"] ?? .null, "price": p["predicted_price"] ?? .null,
                    "multiplier": p["surge_multiplier"] ?? .null, "confidence": p["confidence"] ?? .null,
                    "demand": p["demand_level"] ?? .null]
        }
        return [
            "service_id": service["id"] ?? .null, "service_name": service["name"] ?? .null,
            "category": service["category"] ?? .null, "base_price": service["base_price"] ?? .null,
            "pincode": g["pincode"] ?? .null, "forecast": .array(days), "generated_at": g["timestamp"] ?? .null,
        ]
    }

    // MARK: Scheduling

    private static func number(_ value: JSON?) -> Double {
        if case .number(let text)? = value { return Double(text) ?? 0 }
        return 0
    }

    private static func slots(_ g: JSONObject) -> JSON {
        let guideSlots = (g["available_slots"]?.arrayValue ?? []).map { $0.objectValue ?? JSONObject() }
        // Rank by score, earlier start first among equals: the order smart scheduling recommends them in.
        let order = guideSlots.indices.sorted {
            let (a, b) = (number(guideSlots[$0]["score"]), number(guideSlots[$1]["score"]))
            return a != b ? a > b : $0 < $1
        }
        var rank = [Int](repeating: 0, count: guideSlots.count)
        for (position, index) in order.enumerated() { rank[index] = position + 1 }
        let slots: [JSON] = guideSlots.enumerated().map { index, s in
            ["start": s["start_time"] ?? .null, "end": s["end_time"] ?? .null, "available": s["is_available"] ?? .null,
             "rank": .int(rank[index]), "score": s["score"] ?? .null, "travel_minutes": s["travel_time_minutes"] ?? .null,
             "buffer_minutes": s["buffer_time_minutes"] ?? .null]
        }
        var fields: [(String, JSON)] = [
            ("vendor_id", g["vendor_id"] ?? .null), ("service_id", g["service_id"] ?? .null),
            ("pincode", g["customer_pincode"] ?? .null), ("day", g["date"] ?? .null), ("slots", .array(slots)),
            ("count", g["total_slots"] ?? .null),
        ]
        if let message = g["message"] { fields.append(("note", message)) }
        return .object(JSONObject(fields))
    }

    private static func slotSuggestion(_ g: JSONObject) -> JSON {
        let ranked = ([g["optimal_slot"]].compactMap { $0 } + (g["alternatives"]?.arrayValue ?? []))
            .compactMap(\.objectValue)
        let suggestions: [JSON] = ranked.enumerated().map { index, s in
            let start = s["recommended_time"]?.stringValue.flatMap(Timestamp.parseDateTime)
            let minutes = Int(number(s["estimated_duration_minutes"]))
            return ["rank": .int(index + 1), "start": s["recommended_time"] ?? .null,
                    "end": .optional(start?.adding(minutes: minutes).iso), "score": s["score"] ?? .null,
                    "reason": s["reasoning"] ?? .null, "travel_minutes": s["travel_time_minutes"] ?? .null,
                    "duration_minutes": s["estimated_duration_minutes"] ?? .null]
        }
        return ["vendor_id": g["vendor_id"] ?? .null, "day": g["date"] ?? .null, "suggestions": .array(suggestions),
                "slots_considered": g["total_slots"] ?? .null]
    }

    // MARK: Vendors and pincodes

    private static func vendorSearch(_ g: JSONObject) -> JSON {
        let rows: [JSON] = (g["vendors"]?.arrayValue ?? []).compactMap(\.objectValue).map { v in
            let hours: JSON = v["availability"]?.objectValue.map {
                ["from": $0["start_time"] ?? .null, "to": $0["end_time"] ?? .null]
            } ?? .null
            return ["vendor_id": v["id"] ?? .null, "display_name": v["name"] ?? .null, "email": v["email"] ?? .null,
                    "phone": v["phone"] ?? .null, "home_pincode": v["pincode"] ?? .null,
                    "avg_rating": v["rating"] ?? .null, "completed_jobs": v["total_jobs"] ?? .null,
                    "hours_today": hours, "travel_minutes": v["travel_time"] ?? .null,
                    "distance_km": v["distance_km"] ?? .null]
        }
        return ["results": .array(rows), "count": g["total_vendors"] ?? .null, "pincode": g["pincode"] ?? .null,
                "demand": ["index": g["demand_index"] ?? .null, "vendors": g["total_vendors"] ?? .null]]
    }

    /// DRF renders money as a string ("1299.00"); the variant sends the same digits as a JSON number.
    private static func amount(_ value: JSON?) -> JSON {
        if case .string(let text)? = value { return .number(text) }
        return value ?? .null
    }

    private static func pincodeScaling(_ g: JSONObject) -> JSON {
        let rows: [JSON] = (g["pincodes"]?.arrayValue ?? []).compactMap(\.objectValue).map { p in
            ["pincode": p["pincode"] ?? .null,
             "bookings": ["total": p["total_bookings"] ?? .null, "active": p["active_bookings"] ?? .null,
                          "completed": p["completed_bookings"] ?? .null, "cancelled": p["cancelled_bookings"] ?? .null],
             "revenue": amount(p["revenue"]), "vendors": p["active_vendors"] ?? .null,
             "load_ratio": p["demand_supply_ratio"] ?? .null, "advice": p["recommendation"] ?? .null]
        }
        let summary = g["summary"]?.objectValue ?? JSONObject()
        let filters = g["filters"]?.objectValue ?? JSONObject()
        return [
            "data": .array(rows),
            "summary": ["pincodes": summary["total_pincodes"] ?? .null, "bookings": summary["total_bookings"] ?? .null,
                        "revenue": amount(summary["total_revenue"]), "underserved": summary["underserved_pincodes"] ?? .null],
            "filters": ["category": filters["service_type"] ?? .null, "days": filters["days_back"] ?? .null],
            "generated_at": g["generated_at"] ?? .null,
        ]
    }

    private static func pincodeAnalyticsRow(_ p: JSONObject) -> JSON {
        ["pincode": p["pincode"] ?? .null, "bookings": p["total_bookings"] ?? .null,
         "completed": p["completed_bookings"] ?? .null, "cancelled": p["cancelled_bookings"] ?? .null,
         "disputed": p["disputed_bookings"] ?? .null, "revenue": amount(p["revenue"]),
         "avg_value": amount(p["average_booking_value"]), "customers": p["unique_customers"] ?? .null,
         "vendors": p["active_vendors"] ?? .null, "top_service": p["top_service"] ?? .null]
    }
}
