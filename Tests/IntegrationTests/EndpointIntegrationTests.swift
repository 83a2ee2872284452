import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest
import HomeServeCore

/// Seeded ids: a booking's signature and dispute carry the booking's number (see the sandbox's Seeder).
enum SeedIDs {
    static func booking(_ n: Int) -> String { "00000000-0000-4000-8000-" + twelveDigits(n) }
    static func signature(_ n: Int) -> String { "00000000-0000-4000-9000-" + twelveDigits(n) }
    static func dispute(_ n: Int) -> String { "00000000-0000-4000-a000-" + twelveDigits(n) }
    private static func twelveDigits(_ n: Int) -> String { String(repeating: "0", count: 12 - String(n).count) + String(n) }
}

/// One sandbox for a test method and one CLI per seeded user, logged in on first use ("anonymous" never is).
final class SignedInUsers {
    let sandbox: Sandbox
    private var clis: [String: CLI] = [:]

    init(_ arguments: [String] = []) throws { sandbox = try Sandbox(arguments) }

    func cli(_ user: String) throws -> CLI {
        if let cli = clis[user] { return cli }
        let cli = CLI(sandbox: sandbox)
        if user != "anonymous" { try cli.login(user) }
        clis[user] = cli
        return cli
    }

    /// Runs the CLI as `user` and returns what the sandbox received meanwhile ("METHOD /path/", no query).
    func run(_ user: String, _ args: [String], stdin: String? = nil) throws -> (Result, [String]) {
        let cli = try cli(user)
        let before = try sandbox.receivedRequests().count
        let result = try cli.run(args, stdin: stdin)
        return (result, Array(try sandbox.receivedRequests().dropFirst(before)))
    }

    /// The bytes at a URL the sandbox serves (uploaded media), without going through JSON.
    func download(_ url: String) -> [UInt8] {
        let done = DispatchSemaphore(value: 0)
        final class Box: @unchecked Sendable { var data = Data() }
        let box = Box()
        URLSession.shared.dataTask(with: URL(string: url)!) { data, _, _ in
            box.data = data ?? Data()
            done.signal()
        }.resume()
        done.wait()
        return Array(box.data)
    }

    /// Runs the CLI as `user` with `-o json`, failing the test on a non-zero exit.
    @discardableResult
    func json(_ user: String, _ args: [String], file: StaticString = #filePath, line: UInt = #line) throws -> JSON {
        let result = try cli(user).run(args + ["-o", "json"])
        XCTAssertEqual(result.status, 0, "\(args): \(result.err)", file: file, line: line)
        return result.json
    }
}

/// Files for uploads, written at test time into a fresh temporary directory.
enum Fixtures {
    /// The smallest valid PNG: one transparent pixel (IHDR, IDAT and IEND with correct CRCs).
    static let png: [UInt8] = [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
        0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
        0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
        0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
        0x42, 0x60, 0x82,
    ]

    static func directory() throws -> String {
        let path = NSTemporaryDirectory() + "homeserve-fixtures-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func write(_ bytes: [UInt8], _ name: String, in directory: String) -> String {
        let path = directory + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }
}

enum Dates {
    /// The first `weekday` (Python's numbering: Monday 0 … Sunday 6) at least `days` days from today, YYYY-MM-DD (UTC).
    static func next(weekday: Int, atLeast days: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var date = Date().addingTimeInterval(Double(days) * 86400)
        while (calendar.component(.weekday, from: date) + 5) % 7 != weekday { date.addTimeInterval(86400) }
        return day(date)
    }

    static func day(_ date: Date) -> String {
        ISO8601DateFormatter.string(from: date, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
    }

    static func future(days: Int, hour: Int) -> String {
        day(Date().addingTimeInterval(Double(days) * 86400)) + "T\(hour < 10 ? "0" : "")\(hour):00:00Z"
    }
}

func isUUID(_ text: String?) -> Bool { text.flatMap(UUID.init(uuidString:)) != nil }

/// Every endpoint command against a live sandbox, four ways: `--dry-run` (exact request, nothing sent), local
/// validation (exit 2, nothing sent), the wrong role (exit 4 from the server; where no signed-in role is refused,
/// the closest refusal: anonymous → 3, or a user who is no party to it → 5) and the success path. Each test
/// method shares one sandbox across its commands; the cases run in order, so their targets are chosen not to
/// collide (seeded booking NN: customer1 owns 1–45, status cycling pending, confirmed, completed, pending,
/// in_progress, signed, cancelled, completed, disputed; pincode 560002 when (NN-1) % 5 >= 3, else 560001;
/// vendor1 works 560001 jobs and vendor2 560002 jobs).
final class EndpointIntegrationTests: XCTestCase {
    /// Who is refused and how; `args` nil means the success path's arguments.
    struct Denial {
        var user: String
        var args: [String]? = nil
        var status: Int32 = 4
    }

    struct Case {
        let name: String
        let user: String
        let args: [String]
        /// The request the dry run prints: method, then path and query exactly as printed after the base URL.
        let method: String
        let path: String
        /// Members of the JSON body, or multipart fields (a file part by its content type), the dry run shows.
        var body: [String: String] = [:]
        let denied: Denial
        let invalid: [[String]]
        let check: (Result) throws -> Void
    }

    static let httpStatus: [Int32: Int] = [3: 401, 4: 403, 5: 404]

    func verify(_ cases: [Case], _ users: SignedInUsers) throws {
        for item in cases { try verify(item, users) }
    }

    func verify(_ item: Case, _ users: SignedInUsers) throws {
        let name = item.name
        let pathOnly = String(item.path.prefix { $0 != "?" })

        let (dry, drySent) = try users.run(item.user, ["--dry-run"] + item.args)
        XCTAssertEqual(dry.status, 0, "\(name) --dry-run: \(dry.err)")
        XCTAssertEqual(drySent, [], "\(name) --dry-run sent a request")
        let lines = dry.out.split(separator: "\n").map { (try? JSON.parse(String($0))) ?? .null }
        XCTAssertEqual(lines.count, 1, "\(name) --dry-run: \(dry.out)")
        let printed = lines.first ?? .null
        XCTAssertEqual(printed["method"]?.stringValue, item.method, "\(name) --dry-run: \(dry.out)")
        XCTAssertEqual(printed["url"]?.stringValue, users.sandbox.url + item.path, "\(name) --dry-run")
        XCTAssertEqual(printed.value(at: "headers.Authorization")?.stringValue, "Bearer ***", "\(name) --dry-run")
        for (key, value) in item.body {
            XCTAssertEqual(Self.member(key, of: printed), value, "\(name) --dry-run body member \(key): \(dry.out)")
        }

        for args in item.invalid {
            let (bad, sent) = try users.run(item.user, args)
            XCTAssertEqual(bad.status, 2, "\(name) \(args) should fail locally: \(bad.err)")
            XCTAssertEqual(bad.out, "", "\(name) \(args)")
            XCTAssertTrue(bad.err.hasPrefix("homeserve: ") && bad.err.split(separator: "\n").count == 1, "\(name) \(args): \(bad.err)")
            XCTAssertEqual(sent, [], "\(name) \(args) sent a request")
        }

        let (denied, deniedSent) = try users.run(item.denied.user, (item.denied.args ?? item.args) + ["-o", "json"])
        XCTAssertEqual(denied.status, item.denied.status, "\(name) as \(item.denied.user): \(denied.err)")
        XCTAssertEqual(denied.out, "", "\(name) as \(item.denied.user)")
        XCTAssertEqual(deniedSent.count, 1, "\(name) as \(item.denied.user): the server decides: \(deniedSent)")
        let expected = "failed: HTTP \(Self.httpStatus[item.denied.status] ?? 0)"
        XCTAssertTrue(denied.err.contains(item.denied.args == nil ? "\(item.method) \(item.path) \(expected)" : expected),
                      "\(name) as \(item.denied.user): \(denied.err)")

        let (ok, okSent) = try users.run(item.user, item.args + ["-o", "json"])
        XCTAssertEqual(ok.status, 0, "\(name): \(ok.err)")
        XCTAssertEqual(okSent, ["\(item.method) \(pathOnly)"], name)
        try item.check(ok)
    }

    /// A JSON body member as text, or a multipart field's value (a file part's content type).
    static func member(_ key: String, of printed: JSON) -> String? {
        if let value = printed["body"]?[key] { return value.cellText }
        let part = printed["multipart"]?.arrayValue?.first { $0["name"]?.stringValue == key }
        return (part?["value"] ?? part?["content_type"])?.stringValue
    }

    func b(_ n: Int) -> String { SeedIDs.booking(n) }
    func s(_ n: Int) -> String { SeedIDs.signature(n) }
    func d(_ n: Int) -> String { SeedIDs.dispute(n) }

    // MARK: Bookings

    func testBookingCommands() throws {
        let users = try SignedInUsers()
        try verify([
            Case(name: "bookings update", user: "customer1", args: ["bookings", "update", b(13), "--notes", "Ring twice"],
                 method: "PATCH", path: "/api/bookings/\(b(13))/", body: ["customer_notes": "Ring twice"],
                 // The onboarding manager can see every booking but may not change any.
                 denied: Denial(user: "onboard_mgr"),
                 invalid: [["bookings", "update", b(13)], ["bookings", "update", b(13), "--status", "done"],
                           ["bookings", "update", b(13), "--date", "someday"], ["bookings", "update", b(13), "--set", "=x"]]) { r in
                XCTAssertEqual(r.json["id"]?.stringValue, self.b(13))
                XCTAssertEqual(r.json["customer_notes"]?.stringValue, "Ring twice")
                XCTAssertEqual(r.json["status"]?.stringValue, "pending")
            },
            Case(name: "bookings cancel", user: "customer1", args: ["bookings", "cancel", b(22)],
                 method: "PATCH", path: "/api/bookings/\(b(22))/", body: ["status": "cancelled"],
                 denied: Denial(user: "onboard_mgr"),
                 invalid: [["bookings", "cancel", "../admin"], ["bookings", "cancel"]]) { r in
                XCTAssertEqual(r.json["id"]?.stringValue, self.b(22))
                XCTAssertEqual(r.json["status"]?.stringValue, "cancelled")
                XCTAssertTrue(r.err.contains("Cancelled booking \(self.b(22))."), r.err)
            },
            Case(name: "bookings accept", user: "vendor1", args: ["bookings", "accept", b(28)],
                 method: "POST", path: "/api/bookings/\(b(28))/accept_booking/",
                 denied: Denial(user: "customer1"),
                 invalid: [["bookings", "accept"], ["bookings", "accept", b(28), "--force"]]) { r in
                XCTAssertEqual(r.json["message"]?.stringValue, "Booking accepted successfully")
                XCTAssertEqual(r.json.value(at: "booking.id")?.stringValue, self.b(28))
                XCTAssertEqual(r.json.value(at: "booking.status")?.stringValue, "confirmed")
                XCTAssertEqual(r.json.value(at: "booking.vendor")?.intValue, 2)
            },
            Case(name: "bookings update (vendor starts the job)", user: "vendor1", args: ["bookings", "update", b(28), "--status", "in_progress"],
                 method: "PATCH", path: "/api/bookings/\(b(28))/", body: ["status": "in_progress"],
                 // vendor2 does not work 560001, so this confirmed job of vendor1's is hidden from them.
                 denied: Denial(user: "vendor2", status: 5),
                 invalid: [["bookings", "update", b(28), "--status", "started"]]) { r in
                XCTAssertEqual(r.json["status"]?.stringValue, "in_progress")
                XCTAssertNotNil(r.json["actual_start_time"]?.stringValue)
            },
            Case(name: "bookings complete", user: "vendor1", args: ["bookings", "complete", b(23)],
                 method: "POST", path: "/api/bookings/\(b(23))/complete_booking/",
                 denied: Denial(user: "customer1"),
                 invalid: [["bookings", "complete", "not/an/id"]]) { r in
                // -o json is the server's whole answer; the message also goes to stderr.
                let intent = r.json["payment_intent"] ?? .null
                XCTAssertEqual(intent["object"]?.stringValue, "payment_intent")
                XCTAssertEqual(intent["booking_id"]?.stringValue, self.b(23))
                XCTAssertEqual(intent["status"]?.stringValue, "requires_capture")
                XCTAssertEqual(intent["currency"]?.stringValue, "INR")
                XCTAssertGreaterThan(intent["amount"]?.intValue ?? 0, 0)
                XCTAssertTrue(r.err.contains("Booking completed successfully"), r.err)
                XCTAssertEqual(try users.json("customer1", ["bookings", "get", self.b(23)])["status"]?.stringValue, "completed")
            },
            Case(name: "bookings request-signature", user: "vendor1", args: ["bookings", "request-signature", b(8)],
                 method: "POST", path: "/api/bookings/\(b(8))/request_signature/",
                 denied: Denial(user: "customer1"),
                 invalid: [["bookings", "request-signature"], ["bookings", "request-signature", "\(b(8))?x=1"]]) { r in
                XCTAssertEqual(r.json["message"]?.stringValue, "Signature requested successfully")
                let id = r.json["signature_id"]?.stringValue
                XCTAssertTrue(isUUID(id), r.out)
                let signature = try users.json("customer1", ["api", "GET", "/api/signatures/\(id ?? "-")/"])
                XCTAssertEqual(signature["booking"]?.stringValue, self.b(8))
                XCTAssertEqual(signature["status"]?.stringValue, "pending")
            },
        ], users)
    }

    // MARK: Pricing, scheduling, vendors

    func testPricingSchedulingAndVendorCommands() throws {
        let users = try SignedInUsers()
        // vendor1 works Monday to Saturday, 09:00–18:00 UTC.
        let wednesday = Dates.next(weekday: 2, atLeast: 3)
        try verify([
            // Every signed-in role may ask for prices, slots and vendors: the closest refusal is an anonymous call.
            Case(name: "pricing quote", user: "customer1", args: ["pricing", "quote", "--service", "1", "--pincode", "560001"],
                 method: "GET", path: "/api/dynamic-pricing/?service_id=1&pincode=560001",
                 denied: Denial(user: "anonymous", status: 3),
                 invalid: [["pricing", "quote", "--service", "1", "--pincode", "12"], ["pricing", "quote", "--service", "0", "--pincode", "560001"],
                           ["pricing", "quote", "--service", "1"], ["pricing", "quote", "--service", "1", "--pincode", "560001", "--at", "noon"]]) { r in
                XCTAssertEqual(r.json.value(at: "service.id")?.intValue, 1)
                XCTAssertEqual(r.json["pincode"]?.stringValue, "560001")
                let base = Double(r.json.value(at: "pricing.base_price")?.stringValue ?? "")
                let final = Double(r.json.value(at: "pricing.final_price")?.stringValue ?? "")
                XCTAssertGreaterThan(base ?? 0, 0, r.out)
                XCTAssertGreaterThan(final ?? 0, 0, r.out)
                XCTAssertNotNil(r.json.value(at: "pricing.demand_level")?.stringValue, r.out)
            },
            Case(name: "pricing predict", user: "customer1", args: ["pricing", "predict", "--service", "2", "--pincode", "560001", "--days", "3"],
                 method: "POST", path: "/api/dynamic-pricing/", body: ["service_id": "2", "pincode": "560001", "days": "3"],
                 denied: Denial(user: "anonymous", status: 3),
                 invalid: [["pricing", "predict", "--service", "2", "--pincode", "560001", "--days", "31"],
                           ["pricing", "predict", "--service", "2", "--pincode", "560001", "--days", "0"]]) { r in
                XCTAssertEqual(r.json.value(at: "service.id")?.intValue, 2)
                let days = r.json["predictions"]?.arrayValue?.compactMap { $0["date"]?.stringValue } ?? []
                XCTAssertEqual(days, (0..<3).map { Dates.day(Date().addingTimeInterval(Double($0) * 86400)) }, r.out)
                XCTAssertTrue(r.json["predictions"]?.arrayValue?.allSatisfy { ($0["predicted_price"]?.stringValue).flatMap(Double.init) ?? 0 > 0 } ?? false)
            },
            Case(name: "scheduling slots", user: "customer1",
                 args: ["scheduling", "slots", "--vendor", "2", "--service", "1", "--pincode", "560001", "--date", wednesday],
                 method: "GET", path: "/api/smart-scheduling/?vendor_id=2&service_id=1&customer_pincode=560001&preferred_date=\(wednesday)",
                 denied: Denial(user: "anonymous", status: 3),
                 invalid: [["scheduling", "slots", "--vendor", "2", "--service", "1", "--pincode", "560001", "--date", "2026-13-01"],
                           ["scheduling", "slots", "--vendor", "2", "--service", "1", "--pincode", "560001"]]) { r in
                let slots = Rows.of(r.json)
                XCTAssertFalse(slots.isEmpty, r.out)
                for slot in slots {
                    let start = slot["start_time"]?.stringValue ?? "", end = slot["end_time"]?.stringValue ?? ""
                    XCTAssertTrue(start.hasPrefix(wednesday + "T") && start >= wednesday + "T09:00" && end <= wednesday + "T18:00:00Z", "\(slot)")
                    XCTAssertEqual(slot["is_available"], .bool(true))
                }
            },
            Case(name: "scheduling suggest", user: "customer1",
                 args: ["scheduling", "suggest", "--vendor", "2", "--service", "1", "--pincode", "560001", "--date", wednesday],
                 method: "POST", path: "/api/smart-scheduling/", body: ["vendor_id": "2", "customer_pincode": "560001", "preferred_date": wednesday],
                 denied: Denial(user: "anonymous", status: 3),
                 invalid: [["scheduling", "suggest", "--service", "1", "--pincode", "560001", "--date", wednesday]]) { r in
                XCTAssertEqual(r.json["vendor_id"]?.intValue, 2)
                XCTAssertTrue(r.json.value(at: "optimal_slot.recommended_time")?.stringValue?.hasPrefix(wednesday + "T") ?? false, r.out)
                XCTAssertFalse(r.json.value(at: "optimal_slot.reasoning")?.stringValue?.isEmpty ?? true, r.out)
            },
            Case(name: "scheduling optimize", user: "vendor1", args: ["scheduling", "optimize", "--date", wednesday],
                 method: "GET", path: "/api/vendor-optimization/?date=\(wednesday)",
                 denied: Denial(user: "customer1"),
                 invalid: [["scheduling", "optimize", "--date", "01/12/2026"], ["scheduling", "optimize"]]) { r in
                XCTAssertEqual(r.json["vendor_id"]?.intValue, 2)
                XCTAssertEqual(r.json["date"]?.stringValue, wednesday)
                XCTAssertNotNil(r.json.value(at: "summary.total_bookings")?.intValue, r.out)
            },
            Case(name: "scheduling optimize --vendor", user: "ops_mgr", args: ["scheduling", "optimize", "--date", wednesday, "--vendor", "2"],
                 method: "GET", path: "/api/vendor-optimization/?date=\(wednesday)&vendor_id=2",
                 denied: Denial(user: "customer1"),
                 invalid: [["scheduling", "optimize", "--date", wednesday, "--vendor", "two"]]) { r in
                XCTAssertEqual(r.json["vendor_id"]?.intValue, 2)
                XCTAssertEqual(r.json["date"]?.stringValue, wednesday)
            },
            Case(name: "vendors search", user: "customer1", args: ["vendors", "search", "--pincode", "560003"],
                 method: "GET", path: "/api/vendor-search/?pincode=560003",
                 denied: Denial(user: "anonymous", status: 3),
                 invalid: [["vendors", "search", "--pincode", "5600a1"], ["vendors", "search", "--pincode", "560003", "--service", "x"]]) { r in
                // vendor1 and vendor2 both serve 560003; -o json is the server's whole answer, counts included.
                XCTAssertEqual(Set(Rows.of(r.json).compactMap { $0["id"]?.intValue }), [2, 7], r.out)
                let distances = Rows.of(r.json).compactMap { ($0["distance_km"]?.stringValue).flatMap(Double.init) }
                XCTAssertEqual(distances, distances.sorted(), "nearest first")
                XCTAssertEqual(r.json["total_vendors"]?.intValue, 2, r.out)
            },
        ], users)
    }

    // MARK: Photos and signatures

    func testPhotoAndSignatureCommands() throws {
        let users = try SignedInUsers()
        let dir = try Fixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let png = Fixtures.write(Fixtures.png, "tap.png", in: dir)
        let fake = Fixtures.write(Array("this is text, not an image\n".utf8), "fake.png", in: dir)
        // Booking 12 is a completed 560001 job of vendor1's with no signature yet.
        var photo = ""
        try verify([
            Case(name: "photos upload", user: "vendor1",
                 args: ["photos", "upload", "--booking", b(12), "--type", "after", "--description", "New tap fitted", png],
                 method: "POST", path: "/api/photos/",
                 body: ["booking": b(12), "image_type": "after", "description": "New tap fitted", "image": "image/png"],
                 // The onboarding manager sees the booking but is neither its customer, its vendor nor an operator.
                 denied: Denial(user: "onboard_mgr"),
                 invalid: [["photos", "upload", "--booking", b(12), "--type", "after", fake],
                           ["photos", "upload", "--booking", b(12), "--type", "after", dir + "/missing.png"],
                           ["photos", "upload", "--booking", b(12), "--type", "during", png],
                           ["photos", "upload", "--booking", b(12), png]]) { r in
                photo = r.json["id"]?.stringValue ?? ""
                XCTAssertNotNil(Int(photo), r.out)
                XCTAssertEqual(r.json["booking"]?.stringValue, self.b(12))
                XCTAssertEqual(r.json["image_type"]?.stringValue, "after")
                XCTAssertEqual(r.json["description"]?.stringValue, "New tap fitted")
                XCTAssertEqual(r.json["uploaded_by"]?.intValue, 2)
                XCTAssertTrue(r.json["image"]?.stringValue?.hasPrefix(users.sandbox.url + "/media/") ?? false, r.out)
                XCTAssertTrue(r.err.contains("Uploaded photo \(photo)."), r.err)
            },
        ], users)
        XCTAssertFalse(photo.isEmpty)
        // The upload stored the very bytes sent.
        let stored = try users.json("vendor1", ["api", "GET", "/api/photos/\(photo)/"])
        XCTAssertEqual(users.download(stored["image"]?.stringValue ?? users.sandbox.url), Fixtures.png)

        var signature = ""
        try verify([
            // Listing is open to every signed-in role (others' photos are filtered out, not refused).
            Case(name: "photos list", user: "customer1", args: ["photos", "list", "--booking", b(12)],
                 method: "GET", path: "/api/photos/?booking=\(b(12))",
                 denied: Denial(user: "anonymous", status: 3),
                 invalid: [["photos", "list", "--booking", "a b"]]) { r in
                let photos = r.json.arrayValue ?? []
                XCTAssertEqual(photos.compactMap { $0["id"]?.stringValue }, [photo], r.out)
                XCTAssertEqual(photos.first?["image_type"]?.stringValue, "after")
            },
            Case(name: "signatures request", user: "vendor1", args: ["signatures", "request", "--booking", b(12), "--photo", photo],
                 method: "POST", path: "/api/enhanced-signatures/", body: ["action": "request_signature_with_photos", "booking_id": b(12), "photo_ids": "[\"\(photo)\"]"],
                 denied: Denial(user: "customer1"),
                 invalid: [["signatures", "request", "--booking", b(12)], ["signatures", "request", "--photo", photo]]) { r in
                XCTAssertEqual(r.json["status"]?.stringValue, "success")
                signature = r.json["signature_id"]?.stringValue ?? ""
                XCTAssertTrue(isUUID(signature), r.out)
                XCTAssertTrue(r.json["message"]?.stringValue?.contains("1 photo(s)") ?? false, r.out)
            },
        ], users)

        try verify([
            // Every role may list; each sees only the signatures of its own bookings, so the refusal is anonymous.
            Case(name: "signatures list", user: "customer1", args: ["signatures", "list", "--all"],
                 method: "GET", path: "/api/signatures/",
                 denied: Denial(user: "anonymous", status: 3),
                 invalid: [["signatures", "list", "--limit", "0"], ["signatures", "list", "--page", "x"]]) { r in
                let byID = Dictionary((r.json.arrayValue ?? []).map { ($0["id"]?.stringValue ?? "", $0) }, uniquingKeysWith: { a, _ in a })
                XCTAssertEqual(byID[signature]?["status"]?.stringValue, "pending", r.out)
                XCTAssertEqual(byID[signature]?["booking"]?.stringValue, self.b(12))
                XCTAssertEqual(byID[self.s(6)]?["status"]?.stringValue, "signed")
                XCTAssertEqual(byID[self.s(9)]?["status"]?.stringValue, "disputed")
                XCTAssertEqual(Set(byID.keys).isSuperset(of: [3, 21, 39].map(self.s)), true)
            },
            Case(name: "signatures sign", user: "customer1", args: ["signatures", "sign", signature, "--rating", "5", "--comments", "Spotless"],
                 method: "POST", path: "/api/signatures/\(signature)/sign/", body: ["satisfaction_rating": "5", "comments": "Spotless"],
                 denied: Denial(user: "vendor1"),
                 invalid: [["signatures", "sign", signature, "--rating", "6"], ["signatures", "sign", signature],
                           ["signatures", "sign", signature, "--rating", "five"]]) { r in
                let hash = r.json["signature_hash"]?.stringValue ?? ""
                XCTAssertTrue(hash.count == 64 && hash.allSatisfy(\.isHexDigit), r.out)
                XCTAssertEqual(r.json.value(at: "signature.status")?.stringValue, "signed")
                XCTAssertEqual(r.json.value(at: "signature.satisfaction_rating")?.intValue, 5)
                XCTAssertEqual(r.json.value(at: "signature.signature_hash")?.stringValue, hash)
                XCTAssertEqual(try users.json("customer1", ["bookings", "get", self.b(12)])["status"]?.stringValue, "signed")
            },
            Case(name: "signatures reject", user: "customer1",
                 args: ["signatures", "reject", s(39), "--reason", "Tap still leaks", "--evidence", #"{"photos": 2}"#],
                 method: "POST", path: "/api/enhanced-signatures/",
                 body: ["action": "reject_signature", "signature_id": s(39), "reason": "Tap still leaks", "evidence": #"{"photos":2}"#],
                 // vendor2 did the job, but only its customer may reject the sign-off.
                 denied: Denial(user: "vendor2"),
                 invalid: [["signatures", "reject", s(39), "--reason", "  "], ["signatures", "reject", s(39), "--reason", "x", "--evidence", "{bad"],
                           ["signatures", "reject", s(39)]]) { r in
                XCTAssertEqual(r.json["status"]?.stringValue, "success")
                let dispute = r.json["dispute_id"]?.stringValue
                XCTAssertTrue(isUUID(dispute), r.out)
                XCTAssertTrue(r.err.contains("Opened dispute \(dispute ?? "-")"), r.err)
                let opened = try users.json("customer1", ["disputes", "get", dispute ?? "-"])
                XCTAssertEqual(opened["dispute_type"]?.stringValue, "signature_rejected")
                XCTAssertEqual(opened["description"]?.stringValue, "Tap still leaks")
                XCTAssertEqual(opened.value(at: "customer_evidence.photos")?.intValue, 2)
                XCTAssertEqual(try users.json("customer1", ["bookings", "get", self.b(39)])["status"]?.stringValue, "disputed")
            },
            Case(name: "photos delete", user: "vendor1", args: ["photos", "delete", photo],
                 method: "DELETE", path: "/api/photos/\(photo)/",
                 // customer1 sees the photo of their booking but did not upload it.
                 denied: Denial(user: "customer1"),
                 invalid: [["photos", "delete", "1.5"], ["photos", "delete"]]) { r in
                XCTAssertEqual(r.out, "", "a 204 prints nothing")
                XCTAssertTrue(r.err.contains("Deleted photo \(photo)."), r.err)
                XCTAssertEqual(try users.json("customer1", ["photos", "list", "--booking", self.b(12)]).arrayValue?.count, 0)
            },
        ], users)
    }

    // MARK: Disputes

    func testDisputeCommands() throws {
        let users = try SignedInUsers()
        let dir = try Fixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try verify([
            Case(name: "disputes list", user: "customer1", args: ["disputes", "list"],
                 method: "GET", path: "/api/disputes/",
                 // Each party sees only their own disputes; nobody signed in is refused.
                 denied: Denial(user: "anonymous", status: 3),
                 invalid: [["disputes", "list", "--status", "opened"], ["disputes", "list", "--limit", "-1"]]) { r in
                let ids = Set(r.json.arrayValue?.compactMap { $0["id"]?.stringValue } ?? [])
                XCTAssertEqual(ids, Set([9, 18, 27, 36, 45].map(self.d)), r.out)
                XCTAssertTrue(r.json.arrayValue?.allSatisfy { $0["dispute_type"]?.stringValue == "quality" } ?? false)
            },
            Case(name: "disputes get", user: "customer1", args: ["disputes", "get", d(9)],
                 method: "GET", path: "/api/disputes/\(d(9))/",
                 // Disputes of others are hidden (404), not refused.
                 denied: Denial(user: "customer2", status: 5),
                 invalid: [["disputes", "get", "\(d(9))/../x"], ["disputes", "get"]]) { r in
                XCTAssertEqual(r.json["id"]?.stringValue, self.d(9))
                XCTAssertEqual(r.json["booking"]?.stringValue, self.b(9))
                XCTAssertEqual(r.json["status"]?.stringValue, "open")
                XCTAssertEqual(r.json["messages_count"]?.intValue, 2)
                XCTAssertEqual(r.json["vendor"]?.intValue, 7)
            },
            Case(name: "disputes create", user: "customer1",
                 args: ["disputes", "create", "--booking", b(17), "--type", "damage", "--title", "Scratched floor",
                        "--description", "The ladder scratched the floor", "--evidence", #"{"photos": ["p1"]}"#],
                 method: "POST", path: "/api/disputes/create_dispute/",
                 body: ["booking_id": b(17), "dispute_type": "damage", "title": "Scratched floor", "evidence": #"{"photos":["p1"]}"#],
                 // Disputes are opened by the booking's parties; an ops manager mediates them instead.
                 denied: Denial(user: "ops_mgr"),
                 invalid: [["disputes", "create", "--booking", b(17), "--type", "damage", "--title", " ", "--description", "x"],
                           ["disputes", "create", "--booking", b(17), "--type", "damage", "--title", "t", "--description", "x", "--evidence", "not json"],
                           ["disputes", "create", "--booking", b(17), "--type", "damage", "--title", "t"]]) { r in
                XCTAssertTrue(isUUID(r.json["id"]?.stringValue), r.out)
                XCTAssertEqual(r.json["booking"]?.stringValue, self.b(17))
                XCTAssertEqual(r.json["status"]?.stringValue, "open")
                XCTAssertEqual(r.json["severity"]?.stringValue, "high")
                XCTAssertEqual(r.json.value(at: "customer_evidence.photos.0")?.stringValue, "p1")
                XCTAssertEqual(try users.json("customer1", ["bookings", "get", self.b(17)])["status"]?.stringValue, "disputed")
            },
            Case(name: "disputes messages", user: "customer1", args: ["disputes", "messages", d(18), "--all"],
                 method: "GET", path: "/api/disputes/\(d(18))/messages/",
                 denied: Denial(user: "customer2", status: 5),
                 invalid: [["disputes", "messages", d(18), "--page-size", "1001"], ["disputes", "messages", d(18), "--page", "0"]]) { r in
                let messages = r.json.arrayValue ?? []
                XCTAssertEqual(messages.compactMap { $0["content"]?.stringValue },
                               ["The work was left half done.", "Sorry about that, I can come back tomorrow."], r.out)
                XCTAssertEqual(messages.compactMap { $0["is_read"] }, [.bool(true), .bool(false)])
            },
            Case(name: "disputes read", user: "customer1", args: ["disputes", "read", d(18)],
                 method: "POST", path: "/api/disputes/\(d(18))/mark_read/",
                 denied: Denial(user: "customer2", status: 5),
                 invalid: [["disputes", "read"], ["disputes", "read", d(18), "--all"]]) { r in
                // The vendor's reply was the one message to customer1 still unread.
                XCTAssertEqual(r.json["marked_count"]?.intValue, 1)
                XCTAssertTrue(r.err.contains("Marked 1 message read."), r.err)
            },
            Case(name: "disputes send", user: "customer1", args: ["disputes", "send", d(27), "--message", "Any update?"],
                 method: "POST", path: "/api/disputes/\(d(27))/send_message/", body: ["content": "Any update?", "message_type": "text"],
                 denied: Denial(user: "customer2", status: 5),
                 invalid: [["disputes", "send", d(27)], ["disputes", "send", d(27), "--message", "a", "--message-file", "-"],
                           ["disputes", "send", d(27), "--message", "  "], ["disputes", "send", d(27), "--message", "x", "--attachment", dir + "/none.pdf"],
                           ["disputes", "send", d(27), "--message-file", dir + "/none.txt"]]) { r in
                let message = r.json["message"] ?? .null
                XCTAssertTrue(isUUID(message["id"]?.stringValue), r.out)
                XCTAssertEqual(message["dispute"]?.stringValue, self.d(27))
                XCTAssertEqual(message["content"]?.stringValue, "Any update?")
                XCTAssertEqual(message["message_type"]?.stringValue, "text")
                XCTAssertEqual(message["sender"]?.intValue, 1)
                XCTAssertEqual(message["recipient"]?.intValue, 2)
                XCTAssertEqual(message["attachment_name"], .null)
            },
            Case(name: "disputes resolve", user: "ops_mgr", args: ["disputes", "resolve", d(36), "--notes", "Partial refund agreed", "--amount", "250"],
                 method: "POST", path: "/api/disputes/\(d(36))/resolve/", body: ["resolution_notes": "Partial refund agreed", "resolution_amount": "250.00"],
                 denied: Denial(user: "customer1"),
                 invalid: [["disputes", "resolve", d(36), "--notes", "x", "--amount", "-5"], ["disputes", "resolve", d(36), "--notes", "x", "--amount", "abc"],
                           ["disputes", "resolve", d(36), "--notes", ""], ["disputes", "resolve", d(36)]]) { r in
                XCTAssertEqual(r.json["status"]?.stringValue, "resolved")
                XCTAssertEqual(r.json["resolution_amount"]?.stringValue, "250.00")
                XCTAssertEqual(r.json["resolution_notes"]?.stringValue, "Partial refund agreed")
                XCTAssertEqual(r.json["assigned_mediator"]?.intValue, 4)
                XCTAssertNotNil(r.json["resolved_at"]?.stringValue)
            },
        ], users)
    }

    // MARK: Admin

    func testAdminCommands() throws {
        let users = try SignedInUsers()
        // Something in the audit trail to find: a booking change by customer1.
        try users.json("customer1", ["bookings", "update", b(31), "--notes", "Side gate"])
        let today = Dates.day(Date())
        let admin = ["admin"]
        try verify([
            Case(name: "admin cache stats", user: "ops_mgr", args: admin + ["cache", "stats"],
                 method: "GET", path: "/admin-dashboard/cache/",
                 denied: Denial(user: "customer1"),
                 invalid: [admin + ["cache", "stats", "now"], admin + ["cache", "stat"]]) { r in
                XCTAssertEqual(r.json.value(at: "cache_stats.overall_health")?.stringValue, "healthy", r.out)
                XCTAssertEqual(Set(r.json.value(at: "cache_stats.caches")?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []),
                               ["pricing", "vendor_search", "services"], r.out)
            },
            Case(name: "admin cache clear", user: "admin", args: admin + ["cache", "clear"],
                 method: "POST", path: "/admin-dashboard/cache/", body: ["cache_type": "all"],
                 denied: Denial(user: "vendor1"),
                 invalid: [admin + ["cache", "clear", "--type", "vendor search"], admin + ["cache", "clear", "--type"]]) { r in
                XCTAssertEqual(r.json["cache_type"]?.stringValue, "all")
                XCTAssertTrue(r.json["message"]?.stringValue?.hasPrefix("Cleared ") ?? false, r.out)
                guard case let .object(cleared)? = r.json["cleared"] else { return XCTFail("no cleared counts: \(r.out)") }
                XCTAssertEqual(Set(cleared.map(\.0)), ["pricing", "vendor_search", "services"], r.out)
            },
            Case(name: "admin pincodes", user: "ops_mgr", args: admin + ["pincodes", "--days-back", "365"],
                 method: "GET", path: "/admin-dashboard/pincode-scaling/data/?days_back=365",
                 denied: Denial(user: "onboard_mgr"),
                 invalid: [admin + ["pincodes", "--days-back", "0"], admin + ["pincodes", "--days-back", "a"]]) { r in
                let rows = Rows.of(r.json)
                XCTAssertTrue(Set(rows.compactMap { $0["pincode"]?.stringValue }).isSuperset(of: ["560001", "560002", "560003"]), r.out)
                XCTAssertGreaterThan(rows.first { $0["pincode"]?.stringValue == "560001" }?["total_bookings"]?.intValue ?? 0, 0, r.out)
            },
            Case(name: "admin history", user: "admin",
                 args: admin + ["history", "--model", "Booking", "--user", "customer1", "--from", today, "--page-size", "5"],
                 method: "GET", path: "/admin-dashboard/edit-history/?model=Booking&user=customer1&start_date=\(today)&page_size=5",
                 denied: Denial(user: "customer1"),
                 invalid: [admin + ["history", "--from", "2026-13-01"], admin + ["history", "--page-size", "5000"]]) { r in
                let entries = r.json.arrayValue ?? []
                XCTAssertEqual(entries.count, 1, r.out)
                XCTAssertEqual(entries.first?["object_id"]?.stringValue, self.b(31))
                XCTAssertEqual(entries.first?["action"]?.stringValue, "update")
                XCTAssertEqual(entries.first?["username"]?.stringValue, "customer1")
                XCTAssertEqual(entries.first?.value(at: "after.customer_notes")?.stringValue, "Side gate")
            },
            Case(name: "admin history export", user: "admin", args: admin + ["history", "export", "--model", "Booking"],
                 method: "POST", path: "/admin-dashboard/edit-history/export/", body: ["format": "csv", "filters": #"{"model":"Booking"}"#],
                 denied: Denial(user: "vendor1"),
                 invalid: [admin + ["history", "export", "--out", "/nonexistent-dir/audit.csv"], admin + ["history", "export", "--out", NSTemporaryDirectory()],
                           admin + ["history", "export", "--to", "31-12-2026"]]) { r in
                // Without --out the CSV itself is stdout (-o does not apply to it).
                let rows = r.out.components(separatedBy: "\r\n").filter { !$0.isEmpty }
                XCTAssertEqual(rows.first, "id,timestamp,user_id,username,model,object_id,action,before,after")
                XCTAssertEqual(rows.count, 2, r.out)
                XCTAssertTrue(rows.last?.contains(",customer1,Booking,\(self.b(31)),update,") ?? false, r.out)
            },
            Case(name: "admin stats", user: "ops_mgr", args: admin + ["stats"],
                 method: "GET", path: "/admin-dashboard/dashboard/stats/",
                 denied: Denial(user: "customer2"),
                 invalid: [admin + ["stats", "--bogus"]]) { r in
                XCTAssertEqual(r.json.value(at: "users.total")?.intValue, 7)
                XCTAssertEqual(r.json.value(at: "users.by_role.customer")?.intValue, 2)
                XCTAssertEqual(r.json.value(at: "users.by_role.vendor")?.intValue, 2)
                XCTAssertEqual(r.json.value(at: "bookings.total")?.intValue, 49)
            },
            Case(name: "admin notifications stats", user: "ops_mgr", args: admin + ["notifications", "stats"],
                 method: "GET", path: "/admin-dashboard/notifications/",
                 denied: Denial(user: "vendor2"),
                 invalid: [admin + ["notifications", "stats", "extra"]]) { r in
                XCTAssertGreaterThan(r.json["total"]?.intValue ?? 0, 0, r.out)
                XCTAssertGreaterThan(r.json.value(at: "by_type.booking_created")?.intValue ?? 0, 0, r.out)
                XCTAssertTrue(r.json["available_actions"]?.arrayValue?.contains(.string("expire_signatures")) ?? false, r.out)
            },
            Case(name: "admin notifications trigger", user: "admin", args: admin + ["notifications", "trigger", "expire_signatures"],
                 method: "POST", path: "/admin-dashboard/notifications/", body: ["action": "expire_signatures"],
                 denied: Denial(user: "customer1"),
                 invalid: [admin + ["notifications", "trigger"], admin + ["notifications", "trigger", " "]]) { r in
                XCTAssertEqual(r.json["action"]?.stringValue, "expire_signatures")
                XCTAssertEqual(r.json.value(at: "result.expired")?.intValue, 0, "the seeded requests are fresh")
                XCTAssertTrue(r.json["message"]?.stringValue?.hasPrefix("Expired 0 ") ?? false, r.out)
            },
            Case(name: "admin notifications logs", user: "ops_mgr",
                 args: admin + ["notifications", "logs", "--type", "booking_created", "--method", "email", "--page-size", "5"],
                 method: "GET", path: "/admin-dashboard/notifications/logs/?type=booking_created&method=email&per_page=5",
                 denied: Denial(user: "onboard_mgr"),
                 invalid: [admin + ["notifications", "logs", "--method", "by fax"], admin + ["notifications", "logs", "--page-size", "5000"],
                           admin + ["notifications", "logs", "--recipient", "1 2"]]) { r in
                let logs = r.json.arrayValue ?? []
                XCTAssertEqual(logs.count, 5, r.out)
                XCTAssertTrue(logs.allSatisfy { $0["notification_type"]?.stringValue == "booking_created" && $0["method"]?.stringValue == "email" }, r.out)
            },
            Case(name: "admin alerts", user: "ops_mgr", args: admin + ["alerts", "--status", "active"],
                 method: "GET", path: "/admin-dashboard/notifications/alerts/?status=active",
                 denied: Denial(user: "customer1"),
                 invalid: [admin + ["alerts", "--severity", "very high"], admin + ["alerts", "--page", "0"]]) { r in
                let alerts = r.json.arrayValue ?? []
                XCTAssertFalse(alerts.isEmpty, "seeded disputes are older than three days: \(r.out)")
                XCTAssertTrue(alerts.allSatisfy { $0["status"]?.stringValue == "active" }, r.out)
                XCTAssertTrue(alerts.contains { $0["alert_type"]?.stringValue == "stale_dispute" }, r.out)
            },
            Case(name: "admin analytics pincode", user: "ops_mgr", args: admin + ["analytics", "pincode", "--pincode", "560001"],
                 method: "GET", path: "/admin-dashboard/analytics/pincode/?pincode=560001",
                 denied: Denial(user: "vendor1"),
                 invalid: [admin + ["analytics", "pincode", "--pincode", "abc"], admin + ["analytics", "pincode", "--from", "2026-1-1"]]) { r in
                let rows = r.json.arrayValue ?? []
                XCTAssertEqual(rows.count, 1, r.out)
                XCTAssertEqual(rows.first?["pincode"]?.stringValue, "560001")
                XCTAssertGreaterThan(rows.first?["total_bookings"]?.intValue ?? 0, 0)
                XCTAssertEqual(rows.first?["active_vendors"]?.intValue, 1)
            },
        ], users)
    }

    func testHistoryExportToAFile() throws {
        let users = try SignedInUsers()
        try users.json("customer1", ["bookings", "cancel", b(1)])
        let dir = try Fixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/audit.csv"
        _ = FileManager.default.createFile(atPath: out, contents: Data("old contents\n".utf8))
        let (export, sent) = try users.run("admin", ["admin", "history", "export", "--model", "Booking", "--action", "update", "--out", out])
        XCTAssertEqual(export.status, 0, export.err)
        XCTAssertEqual(sent, ["POST /admin-dashboard/edit-history/export/"])
        XCTAssertEqual(export.out, "", "the CSV goes to the file only")
        let text = try String(contentsOfFile: out, encoding: .utf8)
        XCTAssertTrue(export.err.contains("Wrote \(text.utf8.count) bytes to \(out)."), export.err)
        let rows = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        XCTAssertEqual(rows.first, "id,timestamp,user_id,username,model,object_id,action,before,after")
        XCTAssertEqual(rows.count, 2, text)
        XCTAssertTrue(rows.last?.contains(",customer1,Booking,\(b(1)),update,") ?? false, text)
        XCTAssertTrue(rows.last?.contains("cancelled") ?? false, "the after column holds the change: \(text)")
        let attributes = try FileManager.default.attributesOfItem(atPath: out)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600, "the audit trail holds personal data")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["audit.csv"], "no temporary file left beside it")
    }

    // MARK: AI and api

    func testAICommandsAndAPI() throws {
        let users = try SignedInUsers()
        try verify([
            Case(name: "ai pincode", user: "ops_mgr", args: ["ai", "pincode", "--pincode", "560001", "--days", "60"],
                 method: "GET", path: "/api/pincode-ai-analytics/?pincode=560001&days=60",
                 denied: Denial(user: "customer1"),
                 invalid: [["ai", "pincode", "--pincode", "560001", "--days", "0"], ["ai", "pincode", "--days", "60"]]) { r in
                XCTAssertEqual(r.json["pincode"]?.stringValue, "560001")
                XCTAssertEqual(r.json["days"]?.intValue, 60)
                XCTAssertEqual(r.json.value(at: "inputs.available_vendors")?.intValue, 1)
                XCTAssertFalse(r.json["recommendations"]?.arrayValue?.isEmpty ?? true, r.out)
            },
            Case(name: "ai dispute", user: "admin", args: ["ai", "dispute", d(45)],
                 method: "GET", path: "/api/advanced-dispute-resolution/\(d(45))/",
                 // vendor2 is a party to this dispute, and still may not see the model's analysis.
                 denied: Denial(user: "vendor2"),
                 invalid: [["ai", "dispute", "\(d(45));ls"], ["ai", "dispute"]]) { r in
                XCTAssertEqual(r.json["dispute_id"]?.stringValue, self.d(45))
                XCTAssertEqual(r.json.value(at: "inputs.dispute_type")?.stringValue, "quality")
                XCTAssertEqual(r.json.value(at: "inputs.vendor_id")?.intValue, 7)
                XCTAssertFalse(r.json.value(at: "analysis.recommended_resolution")?.stringValue?.isEmpty ?? true, r.out)
                let probability = (r.json.value(at: "analysis.vendor_fault_probability")?.stringValue).flatMap(Double.init) ?? -1
                XCTAssertTrue((0...1).contains(probability), r.out)
            },
            Case(name: "ai vendor-bonus", user: "ops_mgr", args: ["ai", "vendor-bonus", "--vendor", "2", "--days", "90"],
                 method: "GET", path: "/api/advanced-vendor-bonus/?days=90&vendor_id=2",
                 denied: Denial(user: "vendor1"),
                 invalid: [["ai", "vendor-bonus", "--vendor", "abc"], ["ai", "vendor-bonus", "--days", "366"]]) { r in
                XCTAssertEqual(r.json["period_days"]?.intValue, 90)
                let vendors = r.json["vendors"]?.arrayValue ?? []
                XCTAssertEqual(vendors.compactMap { $0["vendor_id"]?.intValue }, [2], r.out)
                XCTAssertTrue(["platinum", "gold", "silver", "bronze"].contains(vendors.first?["tier"]?.stringValue ?? ""), r.out)
                XCTAssertGreaterThan(vendors.first?.value(at: "inputs.completed_jobs")?.intValue ?? 0, 0, r.out)
            },
            // `api` itself is open to every role; the closest refusal is a customer calling an operators' endpoint.
            Case(name: "api", user: "customer1", args: ["api", "GET", "/api/bookings/\(b(1))/"],
                 method: "GET", path: "/api/bookings/\(b(1))/",
                 denied: Denial(user: "customer1", args: ["api", "GET", "/admin-dashboard/cache/"]),
                 invalid: [["api", "GET", "api/bookings/"], ["api", "POST", "/api/bookings/", "--paginate"], ["api", "FETCH", "/api/bookings/"],
                           ["api", "POST", "/api/bookings/", "--input", "/nonexistent.json"]]) { r in
                XCTAssertEqual(r.json["id"]?.stringValue, self.b(1))
                XCTAssertEqual(r.json["customer"]?.intValue, 1)
                XCTAssertEqual(r.json["status"]?.stringValue, "pending")
            },
            Case(name: "api with fields", user: "customer1", args: ["api", "POST", "/api/dynamic-pricing/", "-F", "service_id=3", "-f", "pincode=560002", "-F", "days=2"],
                 method: "POST", path: "/api/dynamic-pricing/", body: ["service_id": "3", "pincode": "560002", "days": "2"],
                 denied: Denial(user: "customer1", args: ["api", "POST", "/admin-dashboard/cache/", "-f", "cache_type=all"]),
                 invalid: [["api", "POST", "/api/dynamic-pricing/", "-F", "=3"],
                           ["api", "POST", "/api/dynamic-pricing/", "-F", "days=2", "--input", "-"]]) { r in
                XCTAssertEqual(r.json.value(at: "service.id")?.intValue, 3)
                XCTAssertEqual(r.json["pincode"]?.stringValue, "560002")
                XCTAssertEqual(r.json["predictions"]?.arrayValue?.count, 2)
            },
            Case(name: "api with nested fields", user: "customer1",
                 args: ["api", "POST", "/api/disputes/create_dispute/", "-f", "booking_id=\(b(17))", "-f", "dispute_type=damage",
                        "-f", "title=Scratched floor", "-f", "description=The ladder scratched it", "-F", "evidence[count]=2",
                        "-f", "evidence[photos][]=p1", "-f", "evidence[photos][]=p2"],
                 method: "POST", path: "/api/disputes/create_dispute/", body: ["evidence": #"{"photos":["p1","p2"],"count":2}"#],
                 denied: Denial(user: "ops_mgr"),
                 invalid: [["api", "POST", "/api/disputes/create_dispute/", "-F", "evidence[photos]=1", "-F", "evidence[photos][]=2"]]) { r in
                XCTAssertEqual(r.json["booking"]?.stringValue, self.b(17))
                XCTAssertEqual(r.json["customer_evidence"], try JSON.parse(#"{"photos": ["p1", "p2"], "count": 2}"#), r.out)
            },
        ], users)
    }
}
