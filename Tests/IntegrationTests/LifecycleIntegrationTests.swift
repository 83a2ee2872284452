import Foundation
import XCTest
import HomeServeCore

/// Whole stories across roles against one sandbox each: a job from booking to sign-off, and a dispute from
/// opening to resolution.
final class LifecycleIntegrationTests: XCTestCase {
    /// The contract's vendor flow: accept, then complete, with no step between; the server prices the booking.
    func testAnAcceptedJobIsCompletedAsTheContractsVendorDoes() throws {
        let users = try SignedInUsers()
        let created = try users.json("customer1", ["bookings", "create", "--service", "4", "--pincode", "560001",
                                                   "--date", Dates.future(days: 12, hour: 10)])
        let id = try XCTUnwrap(created["id"]?.stringValue)
        XCTAssertNotNil(Double(created["total_price"]?.stringValue ?? ""), "priced by the server: \(created)")
        XCTAssertEqual(try users.json("vendor1", ["bookings", "accept", id]).value(at: "booking.status")?.stringValue, "confirmed")
        let completed = try users.json("vendor1", ["bookings", "complete", id])
        XCTAssertEqual(completed.value(at: "booking.status")?.stringValue, "completed")
        XCTAssertEqual(completed.value(at: "payment_intent.status")?.stringValue, "requires_capture")
        let started = try XCTUnwrap(completed.value(at: "booking.actual_start_time")?.stringValue)
        let ended = try XCTUnwrap(completed.value(at: "booking.actual_end_time")?.stringValue)
        XCTAssertLessThanOrEqual(started, ended, "a job booked for later and done now started no later than it ended")
    }

    func testBookingFromCreationToSignedWithPhotos() throws {
        let users = try SignedInUsers()
        let dir = try Fixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let beforePhoto = Fixtures.write(Fixtures.png, "before.png", in: dir)
        let afterPhoto = Fixtures.write(Fixtures.png, "after.png", in: dir)
        func status(_ id: String, file: StaticString = #filePath, line: UInt = #line) throws -> String? {
            try users.json("customer1", ["bookings", "get", id], file: file, line: line)["status"]?.stringValue
        }

        // The customer books a plumbing job in vendor1's area.
        let created = try users.json("customer1", ["bookings", "create", "--service", "4", "--pincode", "560001",
                                                   "--date", Dates.future(days: 10, hour: 11), "--price", "799", "--notes", "Kitchen sink"])
        let id = try XCTUnwrap(created["id"]?.stringValue)
        XCTAssertEqual(created["total_price"]?.stringValue, "799.00")
        XCTAssertEqual(created["vendor"], .null)
        XCTAssertEqual(try status(id), "pending")
        let open = try users.json("vendor1", ["bookings", "list", "--status", "pending", "--all"])
        XCTAssertTrue(open.arrayValue?.contains { $0["id"]?.stringValue == id } ?? false, "vendor1 sees the open job")

        // The vendor accepts, starts and completes it.
        let accepted = try users.json("vendor1", ["bookings", "accept", id])
        XCTAssertEqual(accepted.value(at: "booking.vendor")?.intValue, 2)
        XCTAssertEqual(try status(id), "confirmed")

        let started = try users.json("vendor1", ["bookings", "update", id, "--status", "in_progress", "--vendor-notes", "On site"])
        XCTAssertEqual(started["vendor_notes"]?.stringValue, "On site")
        XCTAssertEqual(try status(id), "in_progress")

        let completed = try users.json("vendor1", ["bookings", "complete", id])
        let payment = try XCTUnwrap(completed["payment_intent"], "-o json prints the whole answer")
        XCTAssertEqual(payment["object"]?.stringValue, "payment_intent")
        XCTAssertEqual(payment["amount"]?.intValue, 79900, "paise")
        XCTAssertEqual(payment["status"]?.stringValue, "requires_capture")
        XCTAssertEqual(try status(id), "completed")

        // Before and after photos, visible to the customer.
        let before = try users.json("vendor1", ["photos", "upload", "--booking", id, "--type", "before", "--description", "Leaking trap", beforePhoto])
        let after = try users.json("vendor1", ["photos", "upload", "--booking", id, "--type", "after", "--description", "New trap", afterPhoto])
        let beforeID = try XCTUnwrap(before["id"]?.intValue), afterID = try XCTUnwrap(after["id"]?.intValue)
        let photos = try users.json("customer1", ["photos", "list", "--booking", id]).arrayValue ?? []
        XCTAssertEqual(Set(photos.compactMap { $0["id"]?.intValue }), [beforeID, afterID])
        XCTAssertEqual(photos.first { $0["id"]?.intValue == beforeID }?["image_type"]?.stringValue, "before")
        XCTAssertEqual(photos.first { $0["id"]?.intValue == afterID }?["image_type"]?.stringValue, "after")
        XCTAssertTrue(photos.allSatisfy { $0["booking"]?.stringValue == id })

        // The vendor asks for sign-off with both photos; the customer sees the request and signs.
        let requested = try users.json("vendor1", ["signatures", "request", "--booking", id, "--photo", String(beforeID), "--photo", String(afterID)])
        let signatureID = try XCTUnwrap(requested["signature_id"]?.stringValue)
        XCTAssertTrue(requested["message"]?.stringValue?.contains("2 photo(s)") ?? false, "\(requested)")
        XCTAssertEqual(try status(id), "completed")
        let pending = try users.json("customer1", ["signatures", "list", "--all"]).arrayValue?.first { $0["id"]?.stringValue == signatureID }
        XCTAssertEqual(pending?["status"]?.stringValue, "pending")
        XCTAssertEqual(pending?["booking"]?.stringValue, id)

        let signed = try users.json("customer1", ["signatures", "sign", signatureID, "--rating", "5", "--comments", "Great job"])
        let hash = try XCTUnwrap(signed["signature_hash"]?.stringValue)
        XCTAssertEqual(hash.count, 64)
        XCTAssertTrue(hash.allSatisfy { "0123456789abcdef".contains($0) }, hash)
        XCTAssertEqual(signed.value(at: "signature.status")?.stringValue, "signed")
        XCTAssertEqual(signed.value(at: "signature.signed_by")?.intValue, 1)
        XCTAssertEqual(signed.value(at: "signature.signature_data.photo_ids")?.arrayValue?.compactMap(\.intValue), [beforeID, afterID])
        XCTAssertEqual(try status(id), "signed")

        // The vendor sees the same signed record; a second signature is refused.
        let stored = try users.json("vendor1", ["api", "GET", "/api/signatures/\(signatureID)/"])
        XCTAssertEqual(stored["status"]?.stringValue, "signed")
        XCTAssertEqual(stored["signature_hash"]?.stringValue, hash)
        XCTAssertEqual(stored["satisfaction_rating"]?.intValue, 5)
        let again = try users.cli("customer1").run(["signatures", "sign", signatureID, "--rating", "4"])
        XCTAssertEqual(again.status, 6, again.err)
        XCTAssertTrue(again.err.contains("signed, not pending"), again.err)
    }

    func testDisputeFromCreationThroughMessagesToResolution() throws {
        let users = try SignedInUsers()
        let dir = try Fixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let invoiceBytes = Array("%PDF-1.4\n% homeserve test invoice\n%%EOF\n".utf8)
        let invoice = Fixtures.write(invoiceBytes, "invoice.pdf", in: dir)
        // Booking 26 is a completed job of vendor1's for customer1, without a signature or dispute.
        let booking = SeedIDs.booking(26)

        let dispute = try users.json("customer1", ["disputes", "create", "--booking", booking, "--type", "incomplete_work",
                                                   "--title", "Tiles left loose", "--description", "Two tiles came off the next day"])
        let id = try XCTUnwrap(dispute["id"]?.stringValue)
        XCTAssertEqual(dispute["status"]?.stringValue, "open")
        XCTAssertEqual(dispute["vendor"]?.intValue, 2)
        XCTAssertEqual(dispute["severity"]?.stringValue, "medium")
        XCTAssertEqual(try users.json("customer1", ["bookings", "get", booking])["status"]?.stringValue, "disputed")
        XCTAssertTrue(try users.json("vendor1", ["disputes", "list", "--all"]).arrayValue?.contains { $0["id"]?.stringValue == id } ?? false)

        // The customer writes: text, a file, and text from stdin.
        let text = try XCTUnwrap(try users.json("customer1", ["disputes", "send", id, "--message", "Photos of the tiles follow."])["message"])
        XCTAssertEqual(text["message_type"]?.stringValue, "text")
        XCTAssertEqual(text["recipient"]?.intValue, 2)
        let file = try XCTUnwrap(try users.json("customer1", ["disputes", "send", id, "--message", "Invoice attached", "--attachment", invoice])["message"])
        XCTAssertEqual(file["message_type"]?.stringValue, "file")
        XCTAssertEqual(file["content"]?.stringValue, "Invoice attached")
        XCTAssertEqual(file["attachment_name"]?.stringValue, "invoice.pdf")
        let url = try XCTUnwrap(file["attachment_url"]?.stringValue)
        XCTAssertTrue(url.hasPrefix(users.sandbox.url + "/media/") && url.hasSuffix(".pdf"), url)
        XCTAssertEqual(users.download(url), invoiceBytes, "the attachment is stored as sent")
        let piped = try users.cli("customer1").run(["disputes", "send", id, "--message-file", "-", "-o", "json"], stdin: "Also, the grout is cracked.\n")
        XCTAssertEqual(piped.status, 0, piped.err)
        XCTAssertEqual(piped.json.value(at: "message.content")?.stringValue, "Also, the grout is cracked.", "one trailing newline dropped")

        // The vendor reads the whole thread, page by page, and marks it read.
        let thread = try users.json("vendor1", ["disputes", "messages", id, "--all"]).arrayValue ?? []
        XCTAssertEqual(thread.compactMap { $0["message_type"]?.stringValue }, ["text", "file", "text"])
        XCTAssertEqual(thread.compactMap { $0["sender"]?.intValue }, [1, 1, 1])
        XCTAssertTrue(thread.allSatisfy { $0["is_read"] == .bool(false) })
        let (paged, pageRequests) = try users.run("vendor1", ["disputes", "messages", id, "--all", "--page-size", "1", "-o", "ndjson"])
        XCTAssertEqual(paged.status, 0, paged.err)
        XCTAssertEqual(paged.out.split(separator: "\n").compactMap { try? JSON.parse(String($0))["id"]?.stringValue },
                       thread.compactMap { $0["id"]?.stringValue })
        XCTAssertEqual(pageRequests, Array(repeating: "GET /api/disputes/\(id)/messages/", count: 3))
        let read = try users.json("vendor1", ["disputes", "read", id])
        XCTAssertEqual(read["marked_count"]?.intValue, 3)
        XCTAssertEqual(try users.json("vendor1", ["disputes", "read", id])["marked_count"]?.intValue, 0)
        XCTAssertTrue(try users.json("customer1", ["disputes", "messages", id, "--all"]).arrayValue?.allSatisfy { $0["is_read"] == .bool(true) } ?? false)
        let reply = try users.json("vendor1", ["disputes", "send", id, "--message", "I will refix them on Friday."])
        XCTAssertEqual(reply.value(at: "message.recipient")?.intValue, 1)

        // Only an operator resolves it.
        let refused = try users.cli("customer1").run(["disputes", "resolve", id, "--notes", "I resolve it myself"])
        XCTAssertEqual(refused.status, 4, refused.err)
        XCTAssertEqual(try users.json("customer1", ["disputes", "get", id])["status"]?.stringValue, "open")

        let resolved = try users.json("ops_mgr", ["disputes", "resolve", id, "--notes", "Vendor refixes the tiles; partial refund", "--amount", "300",
                                                  "--evidence", #"{"call_log": "ok"}"#])
        XCTAssertEqual(resolved["status"]?.stringValue, "resolved")
        XCTAssertEqual(resolved.value(at: "resolution_evidence.call_log")?.stringValue, "ok", "the mediator's evidence is kept")
        XCTAssertEqual(resolved["resolution_amount"]?.stringValue, "300.00")
        XCTAssertEqual(resolved["resolution_notes"]?.stringValue, "Vendor refixes the tiles; partial refund")
        XCTAssertEqual(resolved["assigned_mediator"]?.intValue, 4)
        XCTAssertEqual(resolved["messages_count"]?.intValue, 5, "four messages and the resolution notice")
        let seen = try users.json("customer1", ["disputes", "get", id])
        XCTAssertEqual(seen["status"]?.stringValue, "resolved")
        XCTAssertEqual(seen["resolution_amount"]?.stringValue, "300.00")
        let last = try users.json("customer1", ["disputes", "messages", id, "--all"]).arrayValue?.last
        XCTAssertEqual(last?["message_type"]?.stringValue, "system")
        XCTAssertEqual(last?["content"]?.stringValue, "Dispute resolved: Vendor refixes the tiles; partial refund")

        // A resolved dispute takes no more messages and no second resolution.
        let late = try users.cli("customer1").run(["disputes", "send", id, "--message", "Still loose"])
        XCTAssertEqual(late.status, 6, late.err)
        XCTAssertTrue(late.err.contains("no more messages"), late.err)
        let twice = try users.cli("ops_mgr").run(["disputes", "resolve", id, "--notes", "Again"])
        XCTAssertEqual(twice.status, 6, twice.err)
    }
}
