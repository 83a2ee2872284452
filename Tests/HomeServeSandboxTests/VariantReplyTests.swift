import Foundation
import XCTest
@testable import HomeServeSandbox

/// The variant's renamed fields carry the guide's numbers; its action replies wrap the resource; its errors use
/// the variant envelopes.
final class VariantReplyTests: XCTestCase {
    private let variant = ["--shapes", "variant"]

    private static var tomorrow: String { Timestamp.now().startOfDay.adding(days: 1).dateString }

    /// The same requests against a guide and a variant sandbox (seeded alike), as a customer.
    private func both(_ requests: [(method: String, path: String, json: JSON?)]) async throws -> (guide: [Reply], variant: [Reply]) {
        func run(_ arguments: [String]) async throws -> [Reply] {
            try await LiveSandbox.with(arguments) { s in
                let token = try await s.token("customer1")
                var replies: [Reply] = []
                for request in requests {
                    replies.append(try await s.request(request.method, request.path, token: token, json: request.json))
                }
                return replies
            }
        }
        return (try await run([]), try await run(variant))
    }

    func testPricingUsesOtherNamesForTheSameNumbers() async throws {
        let (guide, variant) = try await both([
            ("GET", "/api/dynamic-pricing/?service_id=1&pincode=560001&scheduled_datetime=\(Self.tomorrow)T18:30:00Z", nil),
            ("POST", "/api/dynamic-pricing/", ["service_id": 4, "pincode": "560002", "days": 3]),
        ])
        let quote = guide[0].json["pricing"]
        let price = variant[0].json
        XCTAssertEqual(price.keys, ["service_id", "service_name", "category", "pincode", "price", "multiplier", "demand",
                                    "multipliers", "currency", "quoted_at"])
        XCTAssertEqual(price["price"]?["total"], quote?["final_price"])
        XCTAssertEqual(price["price"]?["base"], quote?["base_price"])
        XCTAssertEqual(price["price"]?["surge"], quote?["breakdown"]?["surge"])
        XCTAssertEqual(price["multiplier"], quote?["surge_multiplier"])
        XCTAssertEqual(price["demand"], quote?["demand_level"])
        XCTAssertEqual(price["multipliers"]?["time"], quote?["factors"]?["time_based_multiplier"])
        XCTAssertEqual(price["multipliers"]?["supply"], quote?["factors"]?["vendor_availability_multiplier"])

        let predictions = guide[1].json["predictions"]?.items ?? []
        let forecast = variant[1].json["forecast"]?.items ?? []
        XCTAssertEqual(forecast.count, 3)
        XCTAssertEqual(forecast.map { $0["day"] }, predictions.map { $0["date"] })
        XCTAssertEqual(forecast.map { $0["price"] }, predictions.map { $0["predicted_price"] })
        XCTAssertEqual(forecast.map { $0["multiplier"] }, predictions.map { $0["surge_multiplier"] })
        XCTAssertEqual(variant[1].json["base_price"], guide[1].json["service"]?["base_price"])
    }

    func testSchedulingUsesStartEndAvailableAndRank() async throws {
        let query = "vendor_id=2&service_id=4&customer_pincode=560001&preferred_date=\(Self.tomorrow)"
        let (guide, variant) = try await both([
            ("GET", "/api/smart-scheduling/?\(query)", nil),
            ("POST", "/api/smart-scheduling/", ["vendor_id": 2, "service_id": 4, "customer_pincode": "560001",
                                                "preferred_date": .string(Self.tomorrow)]),
        ])
        let guideSlots = guide[0].json["available_slots"]?.items ?? []
        let slots = variant[0].json["slots"]?.items ?? []
        XCTAssertEqual(variant[0].json["count"], guide[0].json["total_slots"])
        XCTAssertEqual(slots.count, guideSlots.count)
        XCTAssertEqual(slots.map { $0["start"] }, guideSlots.map { $0["start_time"] })
        XCTAssertEqual(slots.map { $0["end"] }, guideSlots.map { $0["end_time"] })
        XCTAssertEqual(slots.map { $0["score"] }, guideSlots.map { $0["score"] })
        if let first = slots.first {
            XCTAssertEqual(first.keys, ["start", "end", "available", "rank", "score", "travel_minutes", "buffer_minutes"])
            XCTAssertEqual(Set(slots.compactMap { $0["rank"]?.intValue }), Set(1...slots.count))
            let best = slots.max { ($0["score"]?.doubleValue ?? 0) < ($1["score"]?.doubleValue ?? 0) }
            XCTAssertEqual(slots.first { $0["rank"]?.intValue == 1 }?["score"], best?["score"])
        }

        let suggestions = variant[1].json["suggestions"]?.items ?? []
        let optimal = guide[1].json["optimal_slot"]
        XCTAssertEqual(suggestions.first?["rank"]?.intValue, 1)
        XCTAssertEqual(suggestions.first?["start"], optimal?["recommended_time"])
        XCTAssertEqual(suggestions.first?["score"], optimal?["score"])
        XCTAssertEqual(suggestions.count, 1 + (guide[1].json["alternatives"]?.items.count ?? 0))
        XCTAssertEqual(variant[1].json["slots_considered"], guide[1].json["total_slots"])
        if let start = suggestions.first?["start"]?.stringValue.flatMap(Timestamp.parseDateTime) {
            XCTAssertEqual(suggestions.first?["end"]?.stringValue,
                           start.adding(minutes: optimal?["estimated_duration_minutes"]?.intValue ?? 0).iso)
        }
    }

    func testVendorSearchListsResultsBesideThePincodeAndDemand() async throws {
        let (guide, variant) = try await both([("GET", "/api/vendor-search/?pincode=560003", nil)])
        let body = variant[0].json
        XCTAssertEqual(body.keys, ["results", "count", "pincode", "demand"])
        XCTAssertEqual(body["count"], guide[0].json["total_vendors"])
        XCTAssertEqual(body["demand"]?["index"], guide[0].json["demand_index"])
        let rows = body["results"]?.items ?? []
        let guideRows = guide[0].json["vendors"]?.items ?? []
        XCTAssertEqual(rows.count, 2)
        XCTAssertEqual(rows.map { $0["vendor_id"] }, guideRows.map { $0["id"] })
        XCTAssertEqual(rows.map { $0["display_name"] }, guideRows.map { $0["name"] })
        XCTAssertEqual(rows.map { $0["avg_rating"] }, guideRows.map { $0["rating"] })
        XCTAssertEqual(rows.map { $0["travel_minutes"] }, guideRows.map { $0["travel_time"] })
    }

    func testPincodeScalingRenamesFieldsAndSendsMoneyAsNumbers() async throws {
        func scaling(_ arguments: [String]) async throws -> JSON {
            try await LiveSandbox.with(arguments) { s in
                try await s.get("/admin-dashboard/pincode-scaling/data/?days_back=365", token: try await s.token("ops_mgr")).json
            }
        }
        let guide = try await scaling([])
        let variant = try await scaling(variant)
        let guideRows = guide["pincodes"]?.items ?? []
        let rows = variant["data"]?.items ?? []
        XCTAssertEqual(rows.map { $0["pincode"] }, guideRows.map { $0["pincode"] })
        XCTAssertEqual(rows.map { $0["bookings"]?["total"] }, guideRows.map { $0["total_bookings"] })
        XCTAssertEqual(rows.map { $0["load_ratio"] }, guideRows.map { $0["demand_supply_ratio"] })
        XCTAssertEqual(rows.map { $0["revenue"]?.doubleValue }, guideRows.map { $0["revenue"]?.stringValue.flatMap(Double.init) })
        XCTAssertEqual(variant["summary"]?["bookings"], guide["summary"]?["total_bookings"])
    }

    func testActionRepliesWrapTheResource() async throws {
        try await LiveSandbox.with(variant) { s in
            let customer = try await s.token("customer1")
            let created = try await s.request("POST", "/api/bookings/", token: customer, json: [
                "service": 2, "pincode": "560001", "scheduled_date": .string("\(Self.tomorrow)T10:00:00Z"),
            ])
            XCTAssertEqual(created.status, 201, created.text)
            XCTAssertEqual(created.json.keys, ["message", "booking"])
            let id = try XCTUnwrap(created.json["booking"]?["id"]?.stringValue)
            XCTAssertEqual(created.json["booking"]?["status"], "pending")

            let updated = try await s.request("PATCH", "/api/bookings/\(id)/", token: customer,
                                              json: ["customer_notes": "Gate code 1234"])
            XCTAssertEqual(updated.status, 200, updated.text)
            XCTAssertEqual(updated.json.keys, ["message", "booking"])
            XCTAssertEqual(updated.json["booking"]?["customer_notes"], "Gate code 1234")

            let vendor = try await s.token("vendor1")
            let accepted = try await s.request("POST", "/api/bookings/\(id)/accept_booking/", token: vendor)
            XCTAssertEqual(accepted.status, 200, accepted.text)
            XCTAssertEqual(accepted.json.keys, ["message", "booking"])
            XCTAssertEqual(accepted.json["booking"]?["status"], "confirmed")

            let dispute = try await s.request("POST", "/api/disputes/create_dispute/", token: customer, json: [
                "booking_id": .string(id), "dispute_type": "billing", "title": "Charged twice",
                "description": "The card was charged twice.",
            ])
            XCTAssertEqual(dispute.status, 201, dispute.text)
            XCTAssertEqual(dispute.json.keys, ["message", "dispute"])
            let disputeID = try XCTUnwrap(dispute.json["dispute"]?["id"]?.stringValue)

            let sent = try await s.request("POST", "/api/disputes/\(disputeID)/send_message/", token: customer,
                                           json: ["content": "Any news?"])
            XCTAssertEqual(sent.status, 201, sent.text)
            XCTAssertEqual(sent.json.keys, ["status", "data"])
            XCTAssertEqual(sent.json["data"]?["content"], "Any news?")

            let photo = try await s.upload("/api/photos/", token: customer,
                                           fields: [("booking", id), ("image_type", "before")],
                                           file: ("image", "x.png", "image/png", Fixtures.png))
            XCTAssertEqual(photo.status, 201, photo.text)
            XCTAssertEqual(photo.json.keys, ["photo"])
            XCTAssertNotNil(photo.json["photo"]?["image"]?.stringValue)
        }
    }

    func testErrorsUseTheVariantEnvelopesWithTheSameStatuses() async throws {
        try await LiveSandbox.with(variant) { s in
            let customer = try await s.token("customer1")
            let invalid = try await s.request("POST", "/api/bookings/", token: customer, json: ["pincode": "12"])
            XCTAssertEqual(invalid.status, 400)
            XCTAssertEqual(invalid.json.keys, ["status", "message", "errors"])
            XCTAssertEqual(invalid.json["status"], "error")
            XCTAssertEqual(invalid.json["errors"]?["service"], ["This field is required."])
            XCTAssertEqual(invalid.json["errors"]?["pincode"], ["Ensure this field has at least 6 characters."])

            let anonymous = try await s.get("/api/bookings/")
            XCTAssertEqual(anonymous.status, 401)
            XCTAssertEqual(anonymous.json, ["error": ["code": "not_authenticated",
                                                      "message": "Authentication credentials were not provided."]])
            XCTAssertNotNil(anonymous.header("WWW-Authenticate"))

            let missing = try await s.get("/api/bookings/\(Seeder.fixedID(group: "8000", 999))/", token: customer)
            XCTAssertEqual(missing.status, 404)
            XCTAssertEqual(missing.json["error"]?["code"], "not_found")

            let forbidden = try await s.get("/admin-dashboard/dashboard/stats/", token: customer)
            XCTAssertEqual(forbidden.status, 403)
            XCTAssertEqual(forbidden.json["error"]?["code"], "permission_denied")

            let wrongMethod = try await s.request("DELETE", "/api/services/", token: customer)
            XCTAssertEqual(wrongMethod.status, 405)
            XCTAssertEqual(wrongMethod.json["error"]?["code"], "method_not_allowed")

            let badLogin = try await s.request("POST", "/auth/login/", json: ["username": "customer1", "password": "nope"])
            XCTAssertEqual(badLogin.status, 401)
            XCTAssertEqual(badLogin.json["error"]?["code"], "authentication_failed")
        }
    }

    func testGuideModeKeepsTheGuideShapes() async throws {
        try await LiveSandbox.with { s in
            let customer = try await s.token("customer1")
            let invalid = try await s.request("POST", "/api/bookings/", token: customer, json: ["pincode": "12"])
            XCTAssertEqual(invalid.json["service"], ["This field is required."])
            let anonymous = try await s.get("/api/bookings/")
            XCTAssertEqual(anonymous.json, ["detail": "Authentication credentials were not provided."])
            let messages = try await s.get("/api/disputes/\(Seeder.fixedID(group: "a000", 9))/messages/", token: customer)
            XCTAssertEqual(messages.json.keys, ["messages", "total_count", "page", "page_size", "has_more"])
            let admin = try await s.token("admin")
            let logs = try await s.get("/admin-dashboard/notifications/logs/?per_page=5&page=2", token: admin)
            XCTAssertEqual(logs.json.keys, ["logs", "pagination", "filters"])
            XCTAssertEqual(logs.json["pagination"]?["page"]?.intValue, 2)
        }
    }
}
