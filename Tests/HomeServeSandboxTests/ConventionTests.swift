import Foundation
import XCTest
@testable import HomeServeSandbox

/// Django REST Framework's order of checks and its headers, where a client can tell them apart: a view
/// authenticates before it looks for the method (401 before 405), a router's literal action path is its own
/// view (405, not the detail view's 404), Allow lists HEAD beside GET, an invalid token is named per class, and
/// an Accept header JSON does not satisfy is 406 before any of them.
final class ConventionTests: XCTestCase {
    func testAuthenticationComesBeforeTheMethodAndActionPathsAreTheirOwnViews() async throws {
        try await LiveSandbox.with { s in
            let booking = "00000000-0000-4000-8000-000000000001"
            let anonymous = try await s.request("DELETE", "/api/bookings/\(booking)/")
            XCTAssertEqual(anonymous.status, 401, anonymous.text)
            XCTAssertEqual(anonymous.json["detail"], "Authentication credentials were not provided.")
            let options = try await s.request("OPTIONS", "/admin-dashboard/cache/")
            XCTAssertEqual(options.status, 401, options.text)

            let token = try await s.token("customer1")
            let delete = try await s.request("DELETE", "/api/bookings/\(booking)/", token: token)
            XCTAssertEqual(delete.status, 405, delete.text)
            XCTAssertEqual(delete.header("Allow"), "GET, PATCH, HEAD, OPTIONS")
            let described = try await s.request("OPTIONS", "/api/bookings/", token: token)
            XCTAssertEqual(described.status, 200, described.text)
            XCTAssertEqual(described.header("Allow"), "GET, POST, HEAD, OPTIONS")

            let action = try await s.get("/api/disputes/create_dispute/", token: token)
            XCTAssertEqual(action.status, 405, "the action's own view, not a dispute named create_dispute: \(action.text)")
            XCTAssertEqual(action.header("Allow"), "POST, OPTIONS")
            let detail = try await s.get("/api/disputes/\(booking)/", token: token)
            XCTAssertEqual(detail.status, 404, "the detail view is still there")

            // A view only some roles may use refuses the others, whatever the method.
            let customerOptions = try await s.request("OPTIONS", "/admin-dashboard/cache/", token: token)
            XCTAssertEqual(customerOptions.status, 403, customerOptions.text)
            let customerPut = try await s.request("PUT", "/admin-dashboard/cache/", token: token)
            XCTAssertEqual(customerPut.status, 403, customerPut.text)
            let admin = try await s.token("admin")
            let adminPut = try await s.request("PUT", "/admin-dashboard/cache/", token: admin)
            XCTAssertEqual(adminPut.status, 405, adminPut.text)

            // A login view takes no token, so a bad one is no reason to refuse its OPTIONS.
            let login = try await s.request("OPTIONS", "/auth/login/", token: "not-a-token")
            XCTAssertEqual(login.status, 200, login.text)

            // DRF negotiates the answer's type before anything else: an Accept header JSON does not satisfy is 406.
            for accept in ["text/csv", "text/html, application/xml;q=0.9"] {
                let refused = try await s.request("GET", "/api/bookings/", headers: [("Accept", accept)])
                XCTAssertEqual(refused.status, 406, "\(accept): \(refused.text)")
                XCTAssertEqual(refused.json["detail"], "Could not satisfy the request Accept header.")
            }
            for accept in ["application/json; indent=2", "text/csv, application/json", "application/*", "text/html, */*;q=0.8"] {
                let accepted = try await s.request("GET", "/api/bookings/", token: token, headers: [("Accept", accept)])
                XCTAssertEqual(accepted.status, 200, "\(accept): \(accepted.text)")
            }
            let missing = try await s.request("GET", "/api/no-such-view/", headers: [("Accept", "text/csv")])
            XCTAssertEqual(missing.status, 404, "no view, nothing to negotiate: \(missing.text)")

            let invalid = try await s.get("/api/bookings/", token: "not-a-token")
            XCTAssertEqual(invalid.status, 401)
            XCTAssertEqual(invalid.json["code"], "token_not_valid")
            XCTAssertEqual(invalid.json["messages"]?.items.first?["token_class"], "AccessToken")
        }
    }

    /// The booking's vendor and operations keep its buffer minutes; its customer's change of them is
    /// ignored, as DRF ignores a field a serializer does not let that user write.
    func testBufferMinutesAreTheVendorsAndOperationsToSet() async throws {
        try await LiveSandbox.with { s in
            let path = "/api/bookings/00000000-0000-4000-8000-000000000038/"
            let vendor = try await s.request("PATCH", path, token: try await s.token("vendor1"), json: ["buffer_after_minutes": 15])
            XCTAssertEqual(vendor.status, 200, vendor.text)
            XCTAssertEqual(vendor.json["buffer_after_minutes"], 15)
            let customer = try await s.request("PATCH", path, token: try await s.token("customer1"), json: ["buffer_after_minutes": 45])
            XCTAssertEqual(customer.status, 200, customer.text)
            XCTAssertEqual(customer.json["buffer_after_minutes"], 15)
            let bad = try await s.request("PATCH", path, token: try await s.token("ops_mgr"), json: ["buffer_before_minutes": 500])
            XCTAssertEqual(bad.status, 400, bad.text)
            XCTAssertEqual(bad.json["buffer_before_minutes"], ["Ensure this value is less than or equal to 240."])
            // The fields are nullable: null clears them.
            let cleared = try await s.request("PATCH", path, token: try await s.token("vendor1"), json: ["buffer_after_minutes": .null])
            XCTAssertEqual(cleared.status, 200, cleared.text)
            XCTAssertEqual(cleared.json["buffer_after_minutes"], .null)
        }
    }

    /// A dispute moves its booking to `disputed`; resolving it gives the booking back the step its record
    /// shows it had reached, from which it can move on.
    func testAResolvedDisputeGivesItsBookingBackTheStepItHadReached() async throws {
        try await LiveSandbox.with { s in
            let customer = try await s.token("customer1"), admin = try await s.token("admin"), vendor = try await s.token("vendor1")
            for (booking, step) in [("00000000-0000-4000-8000-000000000038", "confirmed"), ("00000000-0000-4000-8000-000000000041", "in_progress"),
                                    ("00000000-0000-4000-8000-000000000026", "completed"), ("00000000-0000-4000-8000-000000000042", "signed")] {
                let before = try await s.get("/api/bookings/\(booking)/", token: customer)
                XCTAssertEqual(before.json["status"]?.stringValue, step, before.text)
                let opened = try await s.request("POST", "/api/disputes/create_dispute/", token: customer,
                                                 json: ["booking_id": .string(booking), "dispute_type": "quality", "title": "t", "description": "d"])
                XCTAssertEqual(opened.status, 201, opened.text)
                let disputed = try await s.get("/api/bookings/\(booking)/", token: customer)
                XCTAssertEqual(disputed.json["status"]?.stringValue, "disputed")
                let id = try XCTUnwrap(opened.json["id"]?.stringValue, opened.text)
                let resolved = try await s.request("POST", "/api/disputes/\(id)/resolve/", token: admin, json: ["resolution_notes": "settled"])
                XCTAssertEqual(resolved.status, 200, resolved.text)
                let after = try await s.get("/api/bookings/\(booking)/", token: customer)
                XCTAssertEqual(after.json["status"]?.stringValue, step, booking)
            }
            let started = try await s.request("PATCH", "/api/bookings/00000000-0000-4000-8000-000000000038/", token: vendor, json: ["status": "in_progress"])
            XCTAssertEqual(started.status, 200, "the booking moves on: \(started.text)")
        }
    }

    /// A serializer reports every bad field at once, a related object's absence among them, and names only
    /// what is wrong: a list field takes a list, an SMS a phone number, a field given wrongly is not missing.
    func testFieldErrorsComeTogetherAndSayWhatIsWrong() async throws {
        try await LiveSandbox.with { s in
            let vendor = try await s.token("vendor1"), admin = try await s.token("admin")
            let both = try await s.request("POST", "/api/enhanced-signatures/", token: vendor,
                                           json: ["action": "request_signature_with_photos", "booking_id": "abc", "photo_ids": ["x"]])
            XCTAssertEqual(both.status, 400, both.text)
            XCTAssertEqual(both.json["booking_id"], ["Booking not found."])
            XCTAssertEqual(both.json["photo_ids"], [#""x" is not a valid photo id."#])
            let number = try await s.request("POST", "/api/enhanced-signatures/", token: vendor,
                                             json: ["action": "request_signature_with_photos", "booking_id": "00000000-0000-4000-8000-000000000026", "photo_ids": 5])
            XCTAssertEqual(number.status, 400, number.text)
            XCTAssertEqual(number.json["photo_ids"], [#"Expected a list of items but got type "int"."#])

            let sms = try await s.request("POST", "/auth/send-otp/", json: ["email": "customer1@example.com", "method": "sms"])
            XCTAssertEqual(sms.status, 400, sms.text)
            XCTAssertEqual(sms.json["phone"], ["This field is required when method is sms."])
            let phone = try await s.request("POST", "/auth/send-otp/", json: ["email": "customer1@example.com", "phone": "+919876543201", "method": "sms"])
            XCTAssertEqual(phone.status, 200, "the phone given is the SMS's: \(phone.text)")
            XCTAssertEqual(phone.json["method"], "sms")

            let wrong = try await s.get("/api/vendor-optimization/?vendor_id=x", token: admin)
            XCTAssertEqual(wrong.status, 400, wrong.text)
            XCTAssertEqual(wrong.json["vendor_id"], ["A valid integer is required."])
        }
    }

    /// A one-time code logs in only at the address it was sent to, and five wrong codes spend it.
    func testAOneTimeCodeIsBoundToItsAddressAndToFiveTries() async throws {
        try await LiveSandbox.with { s in
            func send(_ email: String) async throws -> String {
                let sent = try await s.request("POST", "/auth/send-otp/", json: ["email": .string(email)])
                XCTAssertEqual(sent.status, 200, sent.text)
                let code = try await s.get("/sandbox/otp?email=\(email)")
                return try XCTUnwrap(code.json["otp"]?.stringValue, code.text)
            }
            let code = try await send("customer2@example.com")
            let elsewhere = try await s.request("POST", "/auth/verify-otp/", json: ["phone": "+919876543206", "otp": .string(code)])
            XCTAssertEqual(elsewhere.status, 400, "customer2's phone was not sent this code: \(elsewhere.text)")
            let wrong = code == "000000" ? "111111" : "000000"
            for _ in 0..<4 {
                let refused = try await s.request("POST", "/auth/verify-otp/", json: ["email": "customer2@example.com", "otp": .string(wrong)])
                XCTAssertEqual(refused.json["otp"]?.items.first, "Invalid or expired OTP.")
            }
            let right = try await s.request("POST", "/auth/verify-otp/", json: ["email": "customer2@example.com", "otp": .string(code)])
            XCTAssertEqual(right.status, 200, "four wrong tries leave the code good: \(right.text)")

            // A code sent again retires the one before it, so five wrong tries of the newest leave none.
            let earlier = try await send("customer2@example.com")
            let later = try await send("customer2@example.com")
            for _ in 0..<5 {
                _ = try await s.request("POST", "/auth/verify-otp/", json: ["email": "customer2@example.com", "otp": .string(later == "000000" ? "111111" : "000000")])
            }
            for code in [later, earlier] {
                let refused = try await s.request("POST", "/auth/verify-otp/", json: ["email": "customer2@example.com", "otp": .string(code)])
                XCTAssertEqual(refused.status, 400, "neither the spent code nor the one before it: \(refused.text)")
            }
            let next = try await send("customer2@example.com")
            for _ in 0..<5 { _ = try await s.request("POST", "/auth/verify-otp/", json: ["email": "customer2@example.com", "otp": .string(next == "000000" ? "111111" : "000000")]) }
            let spent = try await s.request("POST", "/auth/verify-otp/", json: ["email": "customer2@example.com", "otp": .string(next)])
            XCTAssertEqual(spent.status, 400, "the fifth wrong try spent it: \(spent.text)")
        }
    }
}
