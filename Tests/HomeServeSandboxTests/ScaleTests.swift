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
}
