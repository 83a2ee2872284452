import Foundation
import XCTest
@testable import HomeServeSandbox

/// Long listings and parallel clients. Timings are measured by hand (docs/SANDBOX.md), never asserted here.
final class ScaleTests: XCTestCase {
    func testExtraBookingsAreSeededAndPagedWithTrueTotals() async throws {
        try await LiveSandbox.with(["--extra-bookings", "100000"]) { s in
            let admin = try await s.token("admin")
            let all = try await s.get("/api/bookings/?page_size=1", token: admin)
            XCTAssertEqual(all.json["count"]?.intValue, 100_049)
            let customer = try await s.token("customer1")
            let page = try await s.get("/api/bookings/?page=500", token: customer)
            XCTAssertEqual(page.json["count"]?.intValue, 100_045)
            XCTAssertEqual(page.json["results"]?.items.count, 20)
            let pending = try await s.get("/api/bookings/?status=pending&page_size=1", token: customer)
            XCTAssertEqual(pending.json["count"]?.intValue, 100_000 + 10)
            // A vendor's list merges assigned jobs with open ones in their areas; its total is the sum of both.
            let vendor = try await s.token("vendor1")
            let jobs = try await s.get("/api/bookings/?page=3", token: vendor)
            XCTAssertEqual(jobs.status, 200)
            XCTAssertGreaterThan(jobs.json["count"]?.intValue ?? 0, 50_000)
            XCTAssertEqual(jobs.json["results"]?.items.count, 20)
        }
    }

    func testParallelReadersAllGetAnswers() async throws {
        try await LiveSandbox.with(["--extra-bookings", "2000"]) { s in
            let token = try await s.token("customer1")
            let statuses = try await withThrowingTaskGroup(of: (Int, Int?).self) { group in
                for page in 1...24 {
                    group.addTask {
                        let reply = try await s.get("/api/bookings/?page=\(page * 4)", token: token)
                        return (reply.status, reply.json["results"]?.items.count)
                    }
                }
                var all: [(Int, Int?)] = []
                for try await result in group { all.append(result) }
                return all
            }
            XCTAssertEqual(statuses.count, 24)
            XCTAssertTrue(statuses.allSatisfy { $0.0 == 200 && $0.1 == 20 }, "\(statuses)")
        }
    }

    func testPagesReadOnFromPagesServedBeforeHoldTheRightRowsAndAWriteForgetsThem() async throws {
        try await LiveSandbox.with(["--extra-bookings", "300"]) { s in
            let token = try await s.token("customer1")
            func ids(_ page: Int, size: Int = 7, _ filter: String = "") async throws -> [String] {
                let reply = try await s.get("/api/bookings/?page=\(page)&page_size=\(size)\(filter)", token: token)
                XCTAssertEqual(reply.status, 200, reply.text)
                return (reply.json["results"]?.items ?? []).compactMap { $0["id"]?.stringValue }
            }
            for filter in ["", "&status=pending"] {
                // Page 1 is always read from the top: the true order to compare with.
                let truth = try await ids(1, size: 100, filter)
                func slice(_ page: Int) -> [String] { Array(truth[(page - 1) * 7..<page * 7]) }
                let counted = try await ids(9, filter)
                XCTAssertEqual(counted, slice(9), "no page before it served: rows counted off")
                for page in 1...9 {
                    let read = try await ids(page, filter)
                    XCTAssertEqual(read, slice(page), "read on from page \(page - 1)")
                }
                let further = try await ids(12, filter)
                XCTAssertEqual(further, slice(12), "read on from page 9, three pages on")
            }
            // A new booking is the newest: every page moves on by one, and what was learnt no longer holds.
            let before = try await ids(9)
            let made = try await s.request("POST", "/api/bookings/", token: token, json: [
                "service": 1, "pincode": "560001", "scheduled_date": "2030-01-01T10:00:00Z", "total_price": "100.00",
            ])
            XCTAssertEqual(made.status, 201, made.text)
            let after = try await ids(9)
            XCTAssertEqual(Array(after.dropFirst()), Array(before.dropLast()))
            var walked: [String] = []
            for page in 1...9 { walked = try await ids(page) }
            XCTAssertEqual(walked, after)
        }
    }
}
