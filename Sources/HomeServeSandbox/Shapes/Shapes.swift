import Foundation

/// Which conventions the sandbox speaks (`--shapes`): the guide's, or other plausible ones for the same data.
///
/// Real deployments of this API wrap lists, name fields and page in more than one way. `variant` serves the same
/// rows and the same computed numbers in another convention per endpoint, fixed rather than random, so a client
/// can be tested against each. Authentication, roles, the booking state machine and WebSockets do not change.
enum ShapeMode: String, Sendable, CaseIterable {
    case guide
    case variant
}

/// The list endpoints, each with its guide and variant envelope.
enum ListName: Sendable, CaseIterable {
    case bookings, services, signatures, disputes, photos, editHistory, notificationLogs, alerts, pincodeAnalytics
    case disputeMessages

    var endpoint: String {
        switch self {
        case .bookings: return "GET /api/bookings/"
        case .services: return "GET /api/services/"
        case .signatures: return "GET /api/signatures/"
        case .disputes: return "GET /api/disputes/"
        case .photos: return "GET /api/photos/"
        case .editHistory: return "GET /admin-dashboard/edit-history/"
        case .notificationLogs: return "GET /admin-dashboard/notifications/logs/"
        case .alerts: return "GET /admin-dashboard/notifications/alerts/"
        case .pincodeAnalytics: return "GET /admin-dashboard/analytics/pincode/"
        case .disputeMessages: return "GET /api/disputes/{id}/messages/"
        }
    }

    var guide: ListEnvelope {
        switch self {
        case .bookings, .services, .signatures, .disputes, .photos, .editHistory: return .drf
        case .notificationLogs: return .adminPagination(key: "logs")
        case .alerts: return .adminPagination(key: "alerts")
        case .pincodeAnalytics: return .adminPagination(key: "analytics")
        case .disputeMessages: return .messageWindow
        }
    }

    var variant: ListEnvelope {
        switch self {
        case .bookings, .services, .signatures: return .statusData
        case .disputes, .photos: return .nestedResults
        case .editHistory: return .keyedMeta(key: "entries")
        case .notificationLogs: return .keyedTotal(key: "notifications")
        case .alerts: return .keyedLaravel(key: "alerts")
        case .pincodeAnalytics: return .keyedNextPage(key: "pincodes")
        case .disputeMessages: return .keyedOffset(key: "messages")
        }
    }
}

/// Replies other than list envelopes whose shape depends on the mode. Handlers build the guide's shape; the
/// variant is derived from it, so both carry the same values.
enum ReplyShape: Sendable, CaseIterable {
    case pricingQuote, pricingForecast, slots, slotSuggestion, vendorSearch, pincodeScaling, pincodeAnalyticsRow
    case bookingCreated, bookingUpdated, disputeCreated, photoUploaded, messageSent

    var endpoint: String {
        switch self {
        case .pricingQuote: return "GET /api/dynamic-pricing/"
        case .pricingForecast: return "POST /api/dynamic-pricing/"
        case .slots: return "GET /api/smart-scheduling/"
        case .slotSuggestion: return "POST /api/smart-scheduling/"
        case .vendorSearch: return "GET /api/vendor-search/"
        case .pincodeScaling: return "GET /admin-dashboard/pincode-scaling/data/"
        case .pincodeAnalyticsRow: return "GET /admin-dashboard/analytics/pincode/ (rows)"
        case .bookingCreated: return "POST /api/bookings/"
        case .bookingUpdated: return "PATCH /api/bookings/{id}/"
        case .disputeCreated: return "POST /api/disputes/create_dispute/"
        case .photoUploaded: return "POST /api/photos/"
        case .messageSent: return "POST /api/disputes/{id}/send_message/"
        }
    }

    var guideSummary: String {
        switch self {
        case .pricingQuote:
            return "{service: {id, name, category}, pincode, pricing: {base_price, surge_multiplier, final_price, demand_level, factors: {time_based_multiplier, demand_based_multiplier, vendor_availability_multiplier}, breakdown: {base, surge, total}}, timestamp}"
        case .pricingForecast:
            return "{service: {id, name, category, base_price}, pincode, predictions: [{date, predicted_price, surge_multiplier, confidence, demand_level}], timestamp}"
        case .slots:
            return "{vendor_id, service_id, customer_pincode, date, available_slots: [{start_time, end_time, is_available, score, travel_time_minutes, buffer_time_minutes}], total_slots}"
        case .slotSuggestion:
            return "{optimal_slot: {recommended_time, score, reasoning, travel_time_minutes, estimated_duration_minutes} | null, alternatives: [...], vendor_id, date, total_slots}"
        case .vendorSearch:
            return "{vendors: [{id, name, email, phone, pincode, rating, total_jobs, availability, travel_time, distance_km, primary_service_area}], total_vendors, pincode, demand_index}"
        case .pincodeScaling:
            return "{filters: {service_type, days_back}, pincodes: [{pincode, total_bookings, active_bookings, completed_bookings, cancelled_bookings, revenue, active_vendors, demand_supply_ratio, recommendation}], summary: {total_pincodes, total_bookings, total_revenue, underserved_pincodes}, generated_at}"
        case .pincodeAnalyticsRow:
            return "{pincode, total_bookings, completed_bookings, cancelled_bookings, disputed_bookings, revenue: \"0.00\", average_booking_value: \"0.00\", unique_customers, active_vendors, top_service}"
        case .bookingCreated, .bookingUpdated: return "the booking"
        case .disputeCreated: return "the dispute"
        case .photoUploaded: return "the photo"
        case .messageSent: return "{status: \"success\", message: {...}}"
        }
    }

    var variantSummary: String {
        switch self {
        case .pricingQuote:
            return "{service_id, service_name, category, pincode, price: {base, surge, total}, multiplier, demand, multipliers: {time, demand, supply}, currency: \"INR\", quoted_at}"
        case .pricingForecast:
            return "{service_id, service_name, category, base_price, pincode, forecast: [{day, price, multiplier, confidence, demand}], generated_at}"
        case .slots:
            return "{vendor_id, service_id, pincode, day, slots: [{start, end, available, rank, score, travel_minutes, buffer_minutes}], count}; rank 1 is the best score"
        case .slotSuggestion:
            return "{vendor_id, day, suggestions: [{rank, start, end, score, reason, travel_minutes, duration_minutes}], slots_considered}; the optimal slot is rank 1"
        case .vendorSearch:
            return "{results: [{vendor_id, display_name, email, phone, home_pincode, avg_rating, completed_jobs, hours_today: {from, to} | null, travel_minutes, distance_km}], count, pincode, demand: {index, vendors}}"
        case .pincodeScaling:
            return "{data: [{pincode, bookings: {total, active, completed, cancelled}, revenue: 0.0, vendors, load_ratio, advice}], summary: {pincodes, bookings, revenue: 0.0, underserved}, filters: {category, days}, generated_at}"
        case .pincodeAnalyticsRow:
            return "{pincode, bookings, completed, cancelled, disputed, revenue: 0.0, avg_value: 0.0, customers, vendors, top_service}"
        case .bookingCreated: return "{message: \"Booking created successfully\", booking: {...}}"
        case .bookingUpdated: return "{message: \"Booking updated successfully\", booking: {...}}"
        case .disputeCreated: return "{message: \"Dispute created successfully\", dispute: {...}}"
        case .photoUploaded: return "{photo: {...}}"
        case .messageSent: return "{status: \"success\", data: {...}}"
        }
    }
}

/// The mode a sandbox runs in, applied where replies are built.
struct Shapes: Sendable {
    let mode: ShapeMode

    func envelope(_ list: ListName) -> ListEnvelope { mode == .guide ? list.guide : list.variant }

    /// `guide` as it is, or its variant.
    func render(_ shape: ReplyShape, _ guide: JSON) -> JSON {
        mode == .guide ? guide : VariantReplies.render(shape, guide)
    }

    /// An error in this mode's envelope; the status and headers are the same in both.
    func response(for error: APIError) -> APIResponse {
        var response = error.response
        guard mode == .variant else { return response }
        response.body = VariantReplies.errorBody(error).bytes
        return response
    }

    /// The 500 for an unexpected failure.
    var serverError: APIResponse {
        mode == .guide
            ? .json(["detail": "A server error occurred."], status: 500)
            : .json(["error": ["code": "server_error", "message": "A server error occurred."]], status: 500)
    }

    /// The conventions as the Markdown table in docs/SANDBOX.md (a test keeps the two the same).
    static var markdownTable: String {
        func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
        let rows = conventions.map { "| `\($0.endpoint)` | \(cell($0.guide)) | \(cell($0.variant)) |" }
        return (["| Endpoint | `--shapes guide` | `--shapes variant` |", "| --- | --- | --- |"] + rows)
            .joined(separator: "\n")
    }

    /// One line per convention, for the documentation and `--help`: endpoint, guide shape, variant shape.
    static var conventions: [(endpoint: String, guide: String, variant: String)] {
        ListName.allCases.map { ($0.endpoint, $0.guide.summary, $0.variant.summary) }
            + ReplyShape.allCases.map { ($0.endpoint, $0.guideSummary, $0.variantSummary) }
            + [("any 400 with field errors", "{field: [message]}",
                "{status: \"error\", message: \"The given data was invalid.\", errors: {field: [message]}}"),
               ("any other error", "{detail} (simplejwt adds code)", "{error: {code, message}}")]
    }
}
