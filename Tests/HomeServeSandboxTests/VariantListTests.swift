import Foundation
import XCTest
@testable import HomeServeSandbox

/// Every variant list envelope: its documented keys, and paging that visits each row exactly once with true
/// totals.
final class VariantListTests: XCTestCase {
    private let variant = ["--shapes", "variant"]

    func testBookingsUseStatusDataAndPageThroughTheSameRowsAsTheGuide() async throws {
        let walked = try await LiveSandbox.with(variant) { s -> [String] in
            let token = try await s.token("customer1")
            var ids: [String] = []
            var page = 1
            while true {
                let reply = try await s.get("/api/bookings/?page=\(page)&per_page=7", token: token)
                XCTAssertEqual(reply.status, 200)
                XCTAssertEqual(reply.json.keys, ["status", "data", "pagination"])
                XCTAssertEqual(reply.json["status"], "success")
                let paging = try XCTUnwrap(reply.json["pagination"])
                XCTAssertEqual(paging.keys, ["page", "per_page", "total", "total_pages", "has_next"])
                XCTAssertEqual(paging["page"]?.intValue, page)
                XCTAssertEqual(paging["per_page"]?.intValue, 7)
                XCTAssertEqual(paging["total"]?.intValue, 45)
                XCTAssertEqual(paging["total_pages"]?.intValue, 7)
                ids += reply.json["data"]?.items.compactMap { $0["id"]?.stringValue } ?? []
                if paging["has_next"] == .bool(false) { break }
                page += 1
                if page > 20 { throw SandboxStartError(description: "has_next never became false") }
            }
            // `page_size` is accepted as well, and a page past the end is empty with the true totals.
            let alias = try await s.get("/api/bookings/?page=2&page_size=7", token: token)
            XCTAssertEqual(alias.json["data"]?.items.compactMap { $0["id"]?.stringValue }, Array(ids[7..<14]))
            let past = try await s.get("/api/bookings/?page=99&per_page=7", token: token)
            XCTAssertEqual(past.status, 200)
            XCTAssertEqual(past.json["data"], .array([]))
            XCTAssertEqual(past.json["pagination"]?["total"]?.intValue, 45)
            // Filters still apply and the totals follow them.
            let pending = try await s.get("/api/bookings/?status=pending&per_page=100", token: token)
            XCTAssertEqual(pending.json["pagination"]?["total"]?.intValue, pending.json["data"]?.items.count)
            return ids
        }
        XCTAssertEqual(walked.count, 45)
        XCTAssertEqual(Set(walked).count, 45)

        let guide = try await LiveSandbox.with { s -> [String] in
            let token = try await s.token("customer1")
            let reply = try await s.get("/api/bookings/?page_size=100", token: token)
            XCTAssertEqual(reply.json.keys, ["count", "next", "previous", "results"])
            return reply.json["results"]?.items.compactMap { $0["id"]?.stringValue } ?? []
        }
        XCTAssertEqual(walked, guide, "both modes list the same bookings in the same order")
    }

    func testServicesAndSignaturesUseStatusData() async throws {
        try await LiveSandbox.with(variant) { s in
            let token = try await s.token("customer1")
            var services: [Int] = []
            for page in 1...3 {
                let reply = try await s.get("/api/services/?page=\(page)&per_page=4", token: token)
                XCTAssertEqual(reply.json["pagination"]?["total"]?.intValue, 9)
                XCTAssertEqual(reply.json["pagination"]?["has_next"], .bool(page < 3))
                services += reply.json["data"]?.items.compactMap { $0["id"]?.intValue } ?? []
            }
            XCTAssertEqual(services, Array(1...9))

            let first = try await s.get("/api/signatures/?per_page=2", token: token)
            let total = try XCTUnwrap(first.json["pagination"]?["total"]?.intValue)
            let pages = try XCTUnwrap(first.json["pagination"]?["total_pages"]?.intValue)
            var signatures: [String] = []
            for page in 1...pages {
                let reply = try await s.get("/api/signatures/?per_page=2&page=\(page)", token: token)
                signatures += reply.json["data"]?.items.compactMap { $0["id"]?.stringValue } ?? []
            }
            XCTAssertGreaterThan(total, 2)
            XCTAssertEqual(signatures.count, total)
            XCTAssertEqual(Set(signatures).count, total)
        }
    }

    func testDisputesAndPhotosNestResultsUnderData() async throws {
        try await LiveSandbox.with(variant) { s in
            let customer = try await s.token("customer1")
            var disputes: [String] = []
            for page in 1...3 {
                let reply = try await s.get("/api/disputes/?page=\(page)&page_size=2", token: customer)
                XCTAssertEqual(reply.json.keys, ["data", "meta"])
                XCTAssertEqual(reply.json["data"]?.keys, ["results", "count"])
                XCTAssertEqual(reply.json["data"]?["count"]?.intValue, 5)
                XCTAssertEqual(reply.json["meta"]?.keys, ["page", "page_size", "total_pages"])
                XCTAssertEqual(reply.json["meta"]?["total_pages"]?.intValue, 3)
                disputes += reply.json["data"]?["results"]?.items.compactMap { $0["id"]?.stringValue } ?? []
            }
            XCTAssertEqual(disputes.count, 5)
            XCTAssertEqual(Set(disputes).count, 5)

            let booking = Seeder.fixedID(group: "8000", 1)
            for _ in 0..<3 {
                let upload = try await s.upload("/api/photos/", token: customer,
                                                fields: [("booking", booking), ("image_type", "before")],
                                                file: ("image", "a.png", "image/png", Fixtures.png))
                XCTAssertEqual(upload.status, 201, upload.text)
            }
            var photos: [Int] = []
            for page in 1...2 {
                let reply = try await s.get("/api/photos/?page=\(page)&per_page=2", token: customer)
                XCTAssertEqual(reply.json["data"]?["count"]?.intValue, 3)
                XCTAssertEqual(reply.json["meta"]?["page_size"]?.intValue, 2)
                photos += reply.json["data"]?["results"]?.items.compactMap { $0["id"]?.intValue } ?? []
            }
            XCTAssertEqual(Set(photos).count, 3)
            XCTAssertEqual(photos.count, 3)
        }
    }

    func testAdminListsUseTheirOwnKeysAndTotals() async throws {
        try await LiveSandbox.with(variant) { s in
            let admin = try await s.token("admin")
            // Edit history: {"entries", "meta": {page, page_size, total, total_pages}}.
            for action in ["pricing", "vendor_search", "services"] {
                let cleared = try await s.request("POST", "/admin-dashboard/cache/", token: admin, json: ["cache_type": .string(action)])
                XCTAssertEqual(cleared.status, 200)
            }
            var entries: [Int] = []
            var page = 1
            var history = try await s.get("/admin-dashboard/edit-history/?page_size=2", token: admin)
            XCTAssertEqual(history.json.keys, ["entries", "meta"])
            XCTAssertEqual(history.json["meta"]?.keys, ["page", "page_size", "total", "total_pages"])
            let historyTotal = try XCTUnwrap(history.json["meta"]?["total"]?.intValue)
            XCTAssertEqual(historyTotal, 3)
            while true {
                entries += history.json["entries"]?.items.compactMap { $0["id"]?.intValue } ?? []
                if page >= history.json["meta"]?["total_pages"]?.intValue ?? 0 { break }
                page += 1
                history = try await s.get("/admin-dashboard/edit-history/?page_size=2&page=\(page)", token: admin)
            }
            XCTAssertEqual(entries.sorted(), Array(Set(entries)).sorted())
            XCTAssertEqual(entries.count, historyTotal)

            // Notification logs: {"notifications", "total", "page", "per_page"}, beside the filters.
            var logs: [Int] = []
            var logsTotal = 0
            page = 1
            repeat {
                let reply = try await s.get("/admin-dashboard/notifications/logs/?per_page=40&page=\(page)", token: admin)
                XCTAssertEqual(reply.json.keys, ["notifications", "total", "page", "per_page", "filters"])
                logsTotal = reply.json["total"]?.intValue ?? -1
                logs += reply.json["notifications"]?.items.compactMap { $0["id"]?.intValue } ?? []
                page += 1
            } while (page - 1) * 40 < logsTotal
            XCTAssertGreaterThan(logsTotal, 40)
            XCTAssertEqual(logs.count, logsTotal)
            XCTAssertEqual(Set(logs).count, logsTotal)
            let filtered = try await s.get("/admin-dashboard/notifications/logs/?recipient_id=6&per_page=100", token: admin)
            XCTAssertEqual(filtered.json["total"]?.intValue, filtered.json["notifications"]?.items.count)

            // Alerts: Laravel's meta.
            var alerts: [Int] = []
            page = 1
            while true {
                let reply = try await s.get("/admin-dashboard/notifications/alerts/?per_page=2&page=\(page)", token: admin)
                XCTAssertEqual(reply.json.keys, ["alerts", "meta", "summary"])
                let meta = try XCTUnwrap(reply.json["meta"])
                XCTAssertEqual(meta.keys, ["current_page", "per_page", "total", "last_page"])
                alerts += reply.json["alerts"]?.items.compactMap { $0["id"]?.intValue } ?? []
                if meta["current_page"] == meta["last_page"] {
                    XCTAssertEqual(alerts.count, meta["total"]?.intValue)
                    break
                }
                page += 1
            }
            XCTAssertFalse(alerts.isEmpty)
            XCTAssertEqual(Set(alerts).count, alerts.count)

            // Pincode analytics: follow next_page; the rows carry the variant's field names.
            var pincodes: [String] = []
            var next: Int? = 1
            while let current = next {
                let reply = try await s.get("/admin-dashboard/analytics/pincode/?per_page=1&page=\(current)", token: admin)
                XCTAssertEqual(reply.json.keys, ["pincodes", "total", "page", "per_page", "next_page", "filters"])
                XCTAssertEqual(reply.json["total"]?.intValue, 2)
                for row in reply.json["pincodes"]?.items ?? [] {
                    XCTAssertEqual(row.keys, ["pincode", "bookings", "completed", "cancelled", "disputed", "revenue",
                                              "avg_value", "customers", "vendors", "top_service"])
                    pincodes.append(row["pincode"]?.stringValue ?? "")
                }
                next = reply.json["next_page"]?.intValue
            }
            XCTAssertEqual(pincodes, ["560001", "560002"])
        }
    }

    func testDisputeMessagesPageByOffsetAndLimit() async throws {
        try await LiveSandbox.with(variant) { s in
            let customer = try await s.token("customer1")
            let dispute = Seeder.fixedID(group: "a000", 9)
            for n in 1...3 {
                let sent = try await s.request("POST", "/api/disputes/\(dispute)/send_message/", token: customer,
                                               json: ["content": .string("Follow-up \(n)")])
                XCTAssertEqual(sent.status, 201, sent.text)
            }
            var contents: [String] = []
            var offset = 0
            var total = 0
            repeat {
                let reply = try await s.get("/api/disputes/\(dispute)/messages/?limit=2&offset=\(offset)", token: customer)
                XCTAssertEqual(reply.json.keys, ["messages", "paging"])
                XCTAssertEqual(reply.json["paging"]?.keys, ["offset", "limit", "total"])
                XCTAssertEqual(reply.json["paging"]?["offset"]?.intValue, offset)
                total = reply.json["paging"]?["total"]?.intValue ?? -1
                contents += reply.json["messages"]?.items.compactMap { $0["content"]?.stringValue } ?? []
                offset += 2
            } while offset < total
            XCTAssertEqual(total, 5)
            XCTAssertEqual(contents.count, 5)
            XCTAssertEqual(Array(contents.suffix(3)), ["Follow-up 1", "Follow-up 2", "Follow-up 3"])
        }
    }
}
