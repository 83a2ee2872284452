import Foundation
import HomeServeCLI
import HomeServeCore
import XCTest

/// Every read command of the table against the sandbox in both shape modes: `guide` answers as the
/// integration guide reads, `variant` wraps lists, names fields and pages in other plausible ways. The CLI
/// must read what each server actually sent: the rows of the first page, every row with --all, the
/// server's document with -o json, and no column empty in every row.
final class ShapesIntegrationTests: XCTestCase {
    enum Kind { case list, document }

    struct Read {
        var command: String
        var user: String
        var args: [String]
        /// What the server is asked, to compare the CLI's answer with.
        var path: String
        var kind: Kind
        /// The answer is the same from one request to the next, so -o json must equal it exactly.
        var stable = false
    }

    static let booking = SeedIDs.booking(45)
    static let dispute = SeedIDs.dispute(18)
    static let tomorrow = Dates.next(weekday: 2, atLeast: 1)

    static let reads: [Read] = [
        Read(command: "services list", user: "customer1", args: ["services", "list"], path: "/api/services/", kind: .list),
        Read(command: "services get", user: "customer1", args: ["services", "get", "1"], path: "/api/services/1/", kind: .document, stable: true),
        Read(command: "bookings list", user: "customer1", args: ["bookings", "list"], path: "/api/bookings/", kind: .list),
        Read(command: "bookings get", user: "customer1", args: ["bookings", "get", booking], path: "/api/bookings/\(booking)/", kind: .document, stable: true),
        Read(command: "signatures list", user: "customer1", args: ["signatures", "list"], path: "/api/signatures/", kind: .list),
        Read(command: "photos list", user: "vendor1", args: ["photos", "list", "--booking", SeedIDs.booking(2)],
             path: "/api/photos/?booking=\(SeedIDs.booking(2))", kind: .list),
        Read(command: "disputes list", user: "ops_mgr", args: ["disputes", "list"], path: "/api/disputes/", kind: .list),
        Read(command: "disputes get", user: "ops_mgr", args: ["disputes", "get", dispute], path: "/api/disputes/\(dispute)/", kind: .document, stable: true),
        Read(command: "disputes messages", user: "ops_mgr", args: ["disputes", "messages", dispute], path: "/api/disputes/\(dispute)/messages/", kind: .list),
        Read(command: "pricing quote", user: "customer1", args: ["pricing", "quote", "--service", "1", "--pincode", "560001"],
             path: "/api/dynamic-pricing/?service_id=1&pincode=560001", kind: .document),
        Read(command: "scheduling slots", user: "customer1",
             args: ["scheduling", "slots", "--vendor", "2", "--service", "1", "--pincode", "560001", "--date", tomorrow],
             path: "/api/smart-scheduling/?vendor_id=2&service_id=1&customer_pincode=560001&preferred_date=\(tomorrow)", kind: .document, stable: true),
        Read(command: "scheduling optimize", user: "vendor1", args: ["scheduling", "optimize", "--date", tomorrow],
             path: "/api/vendor-optimization/?date=\(tomorrow)", kind: .document),
        Read(command: "vendors search", user: "customer1", args: ["vendors", "search", "--pincode", "560001"],
             path: "/api/vendor-search/?pincode=560001", kind: .document, stable: true),
        Read(command: "admin cache stats", user: "ops_mgr", args: ["admin", "cache", "stats"], path: "/admin-dashboard/cache/", kind: .document),
        Read(command: "admin pincodes", user: "ops_mgr", args: ["admin", "pincodes"], path: "/admin-dashboard/pincode-scaling/data/", kind: .document),
        Read(command: "admin stats", user: "ops_mgr", args: ["admin", "stats"], path: "/admin-dashboard/dashboard/stats/", kind: .document),
        Read(command: "admin analytics pincode", user: "ops_mgr", args: ["admin", "analytics", "pincode"],
             path: "/admin-dashboard/analytics/pincode/", kind: .list),
        Read(command: "admin history", user: "admin", args: ["admin", "history"], path: "/admin-dashboard/edit-history/", kind: .list),
        Read(command: "admin notifications stats", user: "ops_mgr", args: ["admin", "notifications", "stats"],
             path: "/admin-dashboard/notifications/", kind: .document),
        Read(command: "admin notifications logs", user: "ops_mgr", args: ["admin", "notifications", "logs"],
             path: "/admin-dashboard/notifications/logs/", kind: .list),
        Read(command: "admin alerts", user: "ops_mgr", args: ["admin", "alerts"], path: "/admin-dashboard/notifications/alerts/", kind: .list),
        Read(command: "ai pincode", user: "ops_mgr", args: ["ai", "pincode", "--pincode", "560001"],
             path: "/api/pincode-ai-analytics/?pincode=560001&days=30", kind: .document),
        Read(command: "ai dispute", user: "ops_mgr", args: ["ai", "dispute", dispute], path: "/api/advanced-dispute-resolution/\(dispute)/", kind: .document),
        Read(command: "ai vendor-bonus", user: "ops_mgr", args: ["ai", "vendor-bonus"], path: "/api/advanced-vendor-bonus/?days=30", kind: .document),
    ]

    /// Commands that are not reads of one endpoint: writes (covered in both modes by their own tests below
    /// and in EndpointIntegrationTests), sessions, settings, sockets and tools.
    static let notReads: Set<String> = [
        "auth login", "auth otp send", "auth otp verify", "auth refresh", "auth status", "auth token", "auth logout",
        "config list", "config profiles", "config get", "config set", "config unset", "config path",
        "services categories", "bookings create", "bookings update", "bookings cancel", "bookings accept", "bookings complete",
        "bookings request-signature", "bookings wait", "pricing predict", "scheduling suggest", "signatures sign", "signatures request",
        "signatures reject", "photos upload", "photos delete", "disputes create", "disputes send", "disputes read", "disputes resolve",
        "admin cache clear", "admin history export", "admin notifications trigger", "api", "watch booking", "watch notifications",
        "watch chat", "watch status", "doctor", "smoke", "completion bash", "completion zsh", "completion fish", "completion man",
    ]

    func testEveryCommandOfTheTableIsCovered() {
        let covered = Set(Self.reads.map(\.command)).union(Self.notReads)
        for command in CommandTable.standard.commands {
            XCTAssertTrue(covered.contains(command.name), "'\(command.name)' is neither a read case here nor listed as something else")
        }
    }

    func testGuideShapes() throws { try checkReads(mode: "guide") }
    func testVariantShapes() throws { try checkReads(mode: "variant") }

    func checkReads(mode: String) throws {
        let users = try SignedInUsers(["--shapes", mode])
        for read in Self.reads {
            let cli = try users.cli(read.user)
            let token = try XCTUnwrap(cli.credentials.value(at: "profiles.default.access")?.stringValue)
            let (status, raw) = try users.sandbox.request("GET", read.path, token: token)
            XCTAssertEqual(status, 200, "\(mode) \(read.command): the server answered \(status)")
            let label = "\(mode) \(read.command)"

            let json = try cli.run(read.args + ["-o", "json"])
            XCTAssertEqual(json.status, 0, "\(label): \(json.err)")
            XCTAssertFalse(json.err.contains("warning"), "\(label): \(json.err)")
            switch read.kind {
            case .document where read.stable:
                XCTAssertEqual(json.json, raw, "\(label): -o json is the server's document")
            case .document:
                // Figures that move between two requests (hit counts, timestamps) aside, the same document.
                XCTAssertEqual(json.json.keys, raw.keys, "\(label): -o json is the server's document")
            case .list:
                let rows = Rows.of(raw)
                XCTAssertEqual(json.json.arrayValue?.count, rows.count, "\(label): the first page's rows, as many as the server sent")
                XCTAssertEqual(json.json.arrayValue?.first, rows.first, "\(label): rows whole")
                let total = try XCTUnwrap(Self.total(raw), "\(label): the answer reports a total")
                let all = try cli.run(read.args + ["--all", "-o", "ndjson"])
                XCTAssertEqual(all.status, 0, "\(label) --all: \(all.err)")
                XCTAssertEqual(all.out.split(separator: "\n").count, total, "\(label): --all prints every row")
                let ids = all.out.split(separator: "\n").compactMap { try? JSON.parse(String($0))["id"]?.cellText }
                XCTAssertEqual(Set(ids).count, ids.count, "\(label): no row twice")
            }

            let tsv = try cli.run(read.args + ["-o", "tsv"])
            XCTAssertEqual(tsv.status, 0, "\(label) tsv: \(tsv.err)")
            let lines = tsv.out.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
            guard let header = lines.first, lines.count > 1 else { continue }
            for (index, column) in header.enumerated() {
                let filled = lines.dropFirst().contains { index < $0.count && !$0[index].isEmpty }
                if read.kind == .list {
                    XCTAssertTrue(filled, "\(label): column \(column) is empty in every row")
                } else if !filled {
                    // One resource has a column for every field it has, empty ones too: the server sent it empty.
                    let value = JSONLookup(raw).value(at: String(column)) ?? raw["data"].flatMap { JSONLookup($0).value(at: String(column)) }
                    XCTAssertTrue(value == .null || value == .string("") || value == .object([]) || value == .array([]),
                                  "\(label): column \(column) is empty, but the server sent \(String(describing: value))")
                }
            }
            XCTAssertGreaterThan(header.count, 1, "\(label): columns come from the data")
        }
    }

    /// The total a listing reports, wherever the server put it.
    static func total(_ document: JSON) -> Int? {
        for path in ["count", "total", "total_count", "pagination.total", "meta.total", "paging.total", "data.count", "meta.total_count"] {
            if let value = document.value(at: path)?.intValue { return value }
        }
        if let pages = document.value(at: "meta.last_page")?.intValue, pages == 1 { return Rows.of(document).count }
        return nil
    }

    /// Answers that are more than their lists keep their main result in csv, tsv and ndjson in both modes: the
    /// optimal slot is rank 1, and the analysis, the statistics and the day's figures are columns.
    func testTabularOutputKeepsTheMainResultInBothModes() throws {
        for mode in ["guide", "variant"] {
            let users = try SignedInUsers(["--shapes", mode])
            let suggest = try users.cli("customer1").run(["scheduling", "suggest", "--vendor", "2", "--service", "1", "--pincode", "560001",
                                                          "--date", Self.tomorrow, "-o", "csv"])
            XCTAssertEqual(suggest.status, 0, "\(mode): \(suggest.err)")
            let rows = suggest.out.split(separator: "\n")
            XCTAssertTrue(rows.first?.hasPrefix("rank,") ?? false, "\(mode): \(suggest.out)")
            XCTAssertTrue(rows.dropFirst().first?.hasPrefix("1,") ?? false, "\(mode): the optimal slot comes first: \(suggest.out)")
            let lines = try users.cli("customer1").run(["scheduling", "suggest", "--vendor", "2", "--service", "1", "--pincode", "560001",
                                                        "--date", Self.tomorrow, "-o", "ndjson"])
            XCTAssertEqual(lines.out.split(separator: "\n").count, rows.count - 1, "\(mode): ndjson has the rows csv has: \(lines.out)")
            XCTAssertEqual(try JSON.parse(Array((lines.out.split(separator: "\n").first ?? "").utf8))["rank"]?.intValue, 1, "\(mode): \(lines.out)")

            let ops = try users.cli("ops_mgr")
            for (args, column) in [(["ai", "dispute", Self.dispute], "analysis.recommended_resolution"),
                                   (["admin", "notifications", "stats"], "failure_rate")] {
                let csv = try ops.run(args + ["-o", "csv"])
                XCTAssertEqual(csv.status, 0, "\(mode) \(args): \(csv.err)")
                XCTAssertEqual(csv.out.split(separator: "\n").count, 2, "\(mode) \(args): one row: \(csv.out)")
                XCTAssertTrue(csv.out.split(separator: "\n").first?.split(separator: ",").contains(Substring(column)) ?? false, "\(mode) \(args): \(csv.out)")
                let ndjson = try ops.run(args + ["-o", "ndjson"])
                XCTAssertEqual(ndjson.out.split(separator: "\n").count, 1, "\(mode) \(args): one line holding it all: \(ndjson.out)")
                XCTAssertNotNil(try JSON.parse(Array(ndjson.out.utf8)).value(at: column), "\(mode) \(args): \(ndjson.out)")
            }
            let plan = try users.cli("vendor1").run(["scheduling", "optimize", "--date", Self.tomorrow, "-o", "tsv"])
            XCTAssertEqual(plan.status, 0, "\(mode): \(plan.err)")
            let header = plan.out.split(separator: "\n").first?.split(separator: "\t") ?? []
            XCTAssertTrue(header.contains("summary.total_bookings") && header.contains("suggestions"), "\(mode): \(plan.out)")
        }
    }

    /// Writes whose answers wrap the resource in one mode and not the other still print the resource as
    /// the row, and the id the stderr note names.
    func testWritesPrintTheResourceInBothModes() throws {
        for mode in ["guide", "variant"] {
            let users = try SignedInUsers(["--shapes", mode])
            let customer = try users.cli("customer1")
            let created = try customer.run(["bookings", "create", "--service", "4", "--pincode", "560001", "--date", Dates.future(days: 9, hour: 11),
                                            "--price", "349", "-o", "ndjson"])
            XCTAssertEqual(created.status, 0, "\(mode): \(created.err)")
            let row = try JSON.parse(created.out.trimmingCharacters(in: .whitespacesAndNewlines))
            let id = try XCTUnwrap(row["id"]?.stringValue, "\(mode): the row is the booking: \(created.out)")
            XCTAssertEqual(row["status"]?.stringValue, "pending")
            XCTAssertTrue(created.err.contains(mode == "variant" ? "homeserve: Booking created successfully (booking \(id))" : "Created booking \(id)."), created.err)
            let whole = try customer.run(["bookings", "update", id, "--notes", "Ring twice", "-o", "json"])
            XCTAssertEqual(whole.status, 0, whole.err)
            let notes = whole.json["customer_notes"] ?? whole.json.value(at: "booking.customer_notes")
            XCTAssertEqual(notes?.stringValue, "Ring twice", "\(mode): -o json is the whole answer: \(whole.out)")
            let cancelled = try customer.run(["bookings", "cancel", id, "-o", "csv", "--fields", "id,status"])
            XCTAssertEqual(cancelled.out, "id,status\n\(id),cancelled\n", "\(mode): \(cancelled.err)")
        }
    }

    /// The sandbox, like the guide, filters bookings by status and pincode only: --vendor is applied to the
    /// rows, and a booking no vendor has taken is not any vendor's.
    func testAFilterTheServerIgnoresIsAppliedToTheRowsInBothModes() throws {
        for mode in ["guide", "variant"] {
            let users = try SignedInUsers(["--shapes", mode])
            let listed = try users.cli("ops_mgr").run(["bookings", "list", "--vendor", "2", "--all", "-o", "ndjson", "-v"])
            XCTAssertEqual(listed.status, 0, "\(mode): \(listed.err)")
            let rows = try listed.out.split(separator: "\n").map { try JSON.parse(String($0)) }
            XCTAssertFalse(rows.isEmpty, "\(mode): vendor 2 has bookings in the seed")
            for row in rows {
                let vendor = row["vendor"].flatMap { $0.isObject ? $0["id"] : $0 } ?? row["vendor_id"]
                XCTAssertEqual(vendor?.intValue, 2, "\(mode): \(row)")
            }
            XCTAssertTrue(listed.err.contains("that do not match --vendor; not printed"), "\(mode): \(listed.err)")
        }
    }

    /// A change is made before its answer can be checked against --fields: a name the answer lacks is
    /// then a warning, and the answer is printed whole with exit 0, never "nothing was sent".
    func testAChangeWithFieldsItsAnswerLacksIsShownWholeInBothModes() throws {
        for mode in ["guide", "variant"] {
            let users = try SignedInUsers(["--shapes", mode])
            let created = try users.cli("customer1").run(["bookings", "create", "--service", "4", "--pincode", "560001",
                                                          "--date", Dates.future(days: 10, hour: 11), "--price", "349", "--fields", "idd", "-o", "ndjson"])
            XCTAssertEqual(created.status, 0, "\(mode): \(created.err)")
            let row = try JSON.parse(created.out.trimmingCharacters(in: .whitespacesAndNewlines))
            let id = try XCTUnwrap(row["id"]?.stringValue, "\(mode): the booking, whole: \(created.out)")
            XCTAssertTrue(created.err.contains(mode == "variant" ? "homeserve: Booking created successfully (booking \(id))" : "Created booking \(id)."), created.err)
            XCTAssertTrue(created.err.contains("homeserve: warning: invalid value 'idd' for --fields"), created.err)
        }
    }

    /// Media comes back byte for byte through `api`, and redirects are followed on the same host only.
    func testAPIPassesBytesThroughAndNamesRedirects() throws {
        for mode in ["guide", "variant"] {
            let users = try SignedInUsers(["--shapes", mode])
            let vendor = try users.cli("vendor1")
            let directory = try Fixtures.directory()
            var image = Fixtures.png
            image += (0..<50_000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }
            let file = Fixtures.write(image, "before.png", in: directory)
            let upload = try vendor.run(["photos", "upload", "--booking", SeedIDs.booking(2), "--type", "before", file, "-o", "json"])
            XCTAssertEqual(upload.status, 0, "\(mode): \(upload.err)")
            let url = try XCTUnwrap((upload.json["image"] ?? upload.json.value(at: "photo.image"))?.stringValue, upload.out)
            let path = String(url.dropFirst(users.sandbox.url.count))
            let out = directory + "/downloaded.png"
            let download = try vendor.run(["api", "GET", path, "--out", out])
            XCTAssertEqual(download.status, 0, "\(mode): \(download.err)")
            XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: out))), image, "\(mode): --out is byte-identical")
            let piped = try vendor.run(["api", "GET", path])
            XCTAssertEqual(piped.outBytes, image, "\(mode): api GET > file is byte-identical")
            XCTAssertEqual(users.download(url), image, "\(mode): the server kept the bytes")

            try users.sandbox.fault(#"{"path": "/api/services/", "status": 301, "headers": {"Location": "https://elsewhere.example/api/services/"}, "count": 1}"#)
            let moved = try vendor.run(["api", "GET", "/api/services/"])
            XCTAssertEqual(moved.status, 12, "\(mode): \(moved.err)")
            XCTAssertTrue(moved.err.contains("https://elsewhere.example/api/services/"), moved.err)
            try users.sandbox.fault(#"{"path": "/api/services/", "status": 302, "headers": {"Location": "/api/services/?page=1"}, "count": 1}"#)
            let followed = try vendor.run(["api", "GET", "/api/services/"])
            XCTAssertEqual(followed.status, 0, "\(mode): a redirect on the same host is followed: \(followed.err)")
        }
    }
}
