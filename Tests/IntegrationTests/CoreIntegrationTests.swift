import Foundation
import XCTest
import TestSupport
import HomeServeCore

/// The real binary against a live sandbox: sessions, listing, booking, and every exit code.
final class CoreIntegrationTests: XCTestCase {
    var sandbox: Sandbox!
    var cli: CLI!

    override func setUpWithError() throws {
        sandbox = try Sandbox()
        cli = CLI(sandbox: sandbox)
    }

    override func tearDown() {
        sandbox = nil
    }

    func futureDate(days: Int = 3, hour: Int = 10) -> String {
        let date = Date().addingTimeInterval(Double(days) * 86400)
        let day = ISO8601DateFormatter.string(from: date, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
        return "\(day)T\(hour < 10 ? "0" : "")\(hour):00:00Z"
    }

    /// A program run to its end with stdout discarded: its exit status and what it said on stderr.
    static func stderr(of executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> (status: Int32, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, said)
    }

    /// An argument that is not UTF-8, given through a shell as a script would: refused, nothing sent.
    func testAnArgumentThatIsNotUTF8IsRefusedBeforeAnythingIsSent() throws {
        let (status, said) = try Self.stderr(of: "/bin/sh", ["-c", #""$CLI" bookings update 00000000-0000-4000-8000-000000000001 --notes "$(printf 'bad\377')""#],
                                            environment: cli.environment.merging(["CLI": Binaries.cli]) { $1 })
        XCTAssertEqual(status, 2, said)
        XCTAssertEqual(said, "homeserve: argument 5 ('bad\\xff') is not UTF-8 text: homeserve sends text as UTF-8, so give it in UTF-8\n")
        XCTAssertEqual(try sandbox.receivedRequests(), [], "nothing was sent")
    }

    // MARK: Sessions

    func testASandboxOnAPortInUseSaysWhichAndExits1() throws {
        let port = String(sandbox.url.split(separator: ":").last ?? "")
        let (status, text) = try Self.stderr(of: Binaries.sandbox, ["--host", "127.0.0.1", "--port", port, "--data-dir", NSTemporaryDirectory() + "sandbox-\(UUID().uuidString)"])
        XCTAssertEqual(status, 1, text)
        XCTAssertTrue(text.hasSuffix("homeserve-sandbox: cannot listen on 127.0.0.1:\(port): the address is already in use (--port 0 picks a free port)\n"), text)
    }

    func testLoginFromStdinStoresPrivateCredentialsAndStatusAsksTheServer() throws {
        let login = try cli.run(["auth", "login", "--username", "customer1", "--password-stdin", "-o", "json"], stdin: "password123\n")
        XCTAssertEqual(login.status, 0, login.err)
        XCTAssertEqual(login.out, "", "stdout carries data only; logging in prints none")
        XCTAssertTrue(login.err.contains("homeserve: Logged in as customer1 (customer)"), login.err)
        XCTAssertEqual(try cli.run(["auth", "login", "--username", "customer1", "--password-stdin", "-q"], stdin: "password123\n").err, "",
                       "-q leaves stderr empty on success")
        XCTAssertFalse(login.out.contains("password123") || login.err.contains("password123"))
        let attributes = try FileManager.default.attributesOfItem(atPath: cli.configDir + "/credentials.json")
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let dirAttributes = try FileManager.default.attributesOfItem(atPath: cli.configDir)
        XCTAssertEqual((dirAttributes[.posixPermissions] as? NSNumber)?.intValue, 0o700)

        let before = try sandbox.receivedRequests().count
        let status = try cli.run(["auth", "status", "-o", "json"])
        XCTAssertEqual(status.status, 0, status.err)
        XCTAssertEqual(status.json["username"], .string("customer1"))
        XCTAssertEqual(status.json["role"], .string("customer"))
        XCTAssertEqual(status.json["url"], .string(sandbox.url))
        XCTAssertGreaterThan(status.json["access_expires_in"]?.intValue ?? 0, 0)
        XCTAssertEqual(status.json["verified"], .bool(true))
        XCTAssertEqual(status.json["source"], .string("credentials file"))
        XCTAssertEqual(try sandbox.receivedRequests().count, before + 1, "auth status asks the server once")
        let offline = try cli.run(["auth", "status", "--offline", "-o", "json"])
        XCTAssertEqual(offline.status, 0, offline.err)
        XCTAssertEqual(offline.json["username"], .string("customer1"))
        XCTAssertEqual(try sandbox.receivedRequests().count, before + 1, "auth status --offline sends nothing")
    }

    func testASessionGoesOnlyToTheServerItWasMadeWith() throws {
        let other = try Sandbox()
        let cli = CLI(sandbox: nil)
        let login = try cli.run(["--profile", "staging", "--url", sandbox.url, "auth", "login", "--username", "ops_mgr", "--password-stdin"],
                                stdin: "password123\n")
        XCTAssertEqual(login.status, 0, login.err)
        XCTAssertTrue(login.err.contains("Profile 'staging' now uses \(sandbox.url)."), login.err)
        let listed = try cli.run(["--profile", "staging", "bookings", "list", "--limit", "1", "-o", "ndjson"])
        XCTAssertEqual(listed.status, 0, "the profile's later commands go where its session is: \(listed.err)")

        let before = try other.receivedRequests().count
        let elsewhere = try cli.run(["--profile", "staging", "bookings", "list"], environment: ["HOMESERVE_URL": other.url])
        XCTAssertEqual(elsewhere.status, 3, elsewhere.err)
        XCTAssertTrue(elsewhere.err.contains("profile 'staging' is logged in to \(sandbox.url), not \(other.url), so its session was not sent"), elsewhere.err)
        XCTAssertEqual(try other.receivedRequests().count, before, "the other server saw nothing")
        // The hint names a profile of its own for the other server, and says a login on this one moves it; that
        // login does, and the command then runs there.
        XCTAssertTrue(elsewhere.err.contains("('homeserve --profile NAME --url \(other.url) auth login'; a login on profile 'staging' would end its session at \(sandbox.url))"), elsewhere.err)
        let moved = try cli.run(["--profile", "staging", "--url", other.url, "auth", "login", "--username", "ops_mgr", "--password-stdin"],
                                stdin: "password123\n")
        XCTAssertEqual(moved.status, 0, moved.err)
        let again = try cli.run(["--profile", "staging", "bookings", "list", "--limit", "1", "-o", "ndjson"], environment: ["HOMESERVE_URL": other.url])
        XCTAssertEqual(again.status, 0, again.err)
    }

    func testWrongPasswordExits3AndStoresNothing() throws {
        let result = try cli.run(["auth", "login", "--username", "customer1", "--password-stdin"], stdin: "wrong\n")
        XCTAssertEqual(result.status, 3)
        XCTAssertTrue(result.err.contains("401"), result.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.configDir + "/credentials.json"))
    }

    func testPasswordFromEnvironmentAndTokenCommand() throws {
        let login = try cli.run(["auth", "login", "--username", "vendor1"], environment: ["HOMESERVE_PASSWORD": "password123"])
        XCTAssertEqual(login.status, 0, login.err)
        let token = try cli.run(["auth", "token"])
        XCTAssertEqual(token.status, 0)
        let access = token.out.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(cli.credentials.value(at: "profiles.default.access")?.stringValue, access)

        // HOMESERVE_TOKEN is used as is, from a config directory that stays empty.
        let other = CLI(sandbox: sandbox, environment: ["HOMESERVE_TOKEN": access])
        let list = try other.run(["bookings", "list", "-o", "json"])
        XCTAssertEqual(list.status, 0, list.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: other.configDir + "/credentials.json"))
    }

    func testOTPLogin() throws {
        let send = try cli.run(["auth", "otp", "send", "--email", "customer1@example.com"])
        XCTAssertEqual(send.status, 0, send.err)
        let (_, otp) = try sandbox.request("GET", "/sandbox/otp?email=customer1@example.com")
        let code = try XCTUnwrap(otp["otp"]?.stringValue)
        let wrong = try cli.run(["auth", "otp", "verify", "--email", "customer1@example.com", "--otp-stdin"], stdin: code == "000000" ? "111111\n" : "000000\n")
        XCTAssertEqual(wrong.status, 6, wrong.err)
        XCTAssertTrue(wrong.err.contains("otp:"), wrong.err)
        let verify = try cli.run(["auth", "otp", "verify", "--email", "customer1@example.com", "-o", "json"], environment: ["HOMESERVE_OTP": code])
        XCTAssertEqual(verify.status, 0, verify.err)
        XCTAssertEqual(try cli.run(["auth", "status", "--offline", "-o", "json"]).json["username"], .string("customer1"))
        XCTAssertEqual(try cli.run(["bookings", "list", "--limit", "1"]).status, 0)
    }

    func testLogoutForgetsTheSession() throws {
        try cli.login()
        let logout = try cli.run(["auth", "logout"])
        XCTAssertEqual(logout.status, 0)
        XCTAssertNil(cli.credentials.value(at: "profiles.default"))
        XCTAssertEqual(try cli.run(["bookings", "list"]).status, 3)
    }

    func testVerboseRedactsTheToken() throws {
        try cli.login()
        let access = try XCTUnwrap(cli.credentials.value(at: "profiles.default.access")?.stringValue)
        let result = try cli.run(["-v", "bookings", "list", "--limit", "1"])
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertTrue(result.err.contains("> GET \(sandbox.url)/api/bookings/"), result.err)
        XCTAssertTrue(result.err.contains("Authorization: Bearer ***"))
        XCTAssertTrue(result.err.contains("< HTTP 200"))
        XCTAssertFalse(result.err.contains(access))
    }

    func testAPIIncludeShowsTheServersHeadBeforeTheBody() throws {
        try cli.login()
        let result = try cli.run(["api", "GET", "/api/services/1/", "-i"])
        XCTAssertEqual(result.status, 0, result.err)
        let parts = result.out.components(separatedBy: "\n\n")
        let head = parts[0].split(separator: "\n").map(String.init)
        XCTAssertEqual(head.first, "HTTP/1.1 200 OK", result.out)
        XCTAssertTrue(head.contains { $0.lowercased().hasPrefix("content-type: application/json") }, result.out)
        XCTAssertEqual((try? JSON.parse(parts.dropFirst().joined(separator: "\n\n")))?["id"]?.intValue, 1, result.out)
    }

    func testARedirectToAPathWithASpaceIsFollowedEncodedOnce() throws {
        try cli.login()
        let before = try sandbox.receivedRequests().count
        // The sandbox, as Django's APPEND_SLASH, answers with the path decoded: a raw space in its Location.
        let result = try cli.run(["api", "GET", "/api/bookings/a%20b"])
        XCTAssertEqual(result.status, 5, result.err)
        XCTAssertEqual(result.err, "homeserve: GET /api/bookings/a%20b failed: HTTP 404: Not found.\n")
        XCTAssertEqual(Array(try sandbox.receivedRequests().dropFirst(before)), ["GET /api/bookings/a b", "GET /api/bookings/a b/"],
                       "followed once, not retried (the sandbox logs paths decoded)")
    }

    // MARK: Services and bookings

    func testServicesListGetAndCategories() throws {
        let list = try cli.run(["services", "list", "-o", "json"])
        XCTAssertEqual(list.status, 0, list.err)
        let services = try XCTUnwrap(list.json.arrayValue)
        XCTAssertGreaterThanOrEqual(services.count, 8)
        let first = try XCTUnwrap(services.first?["id"]?.intValue)
        let get = try cli.run(["services", "get", String(first), "-o", "json"])
        XCTAssertEqual(get.json["id"]?.intValue, first)
        let categories = try cli.run(["services", "categories", "-o", "csv"])
        let rows = categories.out.split(separator: "\n")
        XCTAssertEqual(rows.first, "category,services")
        XCTAssertGreaterThanOrEqual(rows.count - 1, 3)
        let category = try XCTUnwrap(services.first?["category"]?.stringValue)
        let filtered = try cli.run(["services", "list", "--category", category, "-o", "json"])
        XCTAssertTrue(filtered.json.arrayValue?.allSatisfy { $0["category"]?.stringValue == category } ?? false)
        let table = try cli.run(["services", "list", "-o", "table"])
        XCTAssertTrue(table.out.hasPrefix("ID  NAME"), table.out)
    }

    func testCreateBookingWithAndWithoutPrice() throws {
        try cli.login()
        let priced = try cli.run(["bookings", "create", "--service", "1", "--pincode", "560001", "--date", futureDate(hour: 9),
                                  "--price", "650", "--notes", "Gate code 4411", "-o", "json"])
        XCTAssertEqual(priced.status, 0, priced.err)
        XCTAssertEqual(priced.json["total_price"], .string("650.00"))
        XCTAssertEqual(priced.json["customer_notes"], .string("Gate code 4411"))
        XCTAssertEqual(priced.json["status"], .string("pending"))

        let date = futureDate(days: 4, hour: 18)
        let quoted = try cli.run(["bookings", "create", "--service", "2", "--pincode", "560001", "--date", date, "-o", "json"])
        XCTAssertEqual(quoted.status, 0, quoted.err)
        XCTAssertEqual(Array(try sandbox.receivedRequests().suffix(1)), ["POST /api/bookings/"])
        let (_, quote) = try sandbox.request("GET", "/api/dynamic-pricing/?service_id=2&pincode=560001&scheduled_datetime=\(date)",
                                             token: cli.credentials.value(at: "profiles.default.access")?.stringValue)
        let final = try XCTUnwrap(quote.value(at: "pricing.final_price")?.stringValue.flatMap(Double.init))
        XCTAssertEqual(Double(quoted.json["total_price"]?.stringValue ?? ""), final, "the server's dynamic price")
        XCTAssertTrue(quoted.err.contains("The server priced it at \(quoted.json["total_price"]?.stringValue ?? "?")."), quoted.err)
        XCTAssertNotNil(quoted.json["dynamic_price_breakdown"]?.objectValue, "the server's workings are kept")
        let id = try XCTUnwrap(quoted.json["id"]?.stringValue)

        let shown = try cli.run(["bookings", "get", id, "-o", "json"])
        XCTAssertEqual(shown.json["id"], .string(id))
        XCTAssertEqual(shown.json["service"]?.intValue, 2)
    }

    func testPagination() throws {
        try cli.login()
        let firstPage = try cli.run(["bookings", "list", "-o", "json"])
        XCTAssertEqual(firstPage.json.arrayValue?.count, 20)
        let all = try cli.run(["bookings", "list", "--all", "-o", "json"])
        let (_, envelope) = try sandbox.request("GET", "/api/bookings/", token: cli.credentials.value(at: "profiles.default.access")?.stringValue)
        let count = try XCTUnwrap(envelope["count"]?.intValue)
        XCTAssertGreaterThan(count, 40)
        XCTAssertEqual(all.json.arrayValue?.count, count)
        let ids = Set(all.json.arrayValue?.compactMap { $0["id"]?.stringValue } ?? [])
        XCTAssertEqual(ids.count, count, "no item twice, none missing")
        let ndjson = try cli.run(["bookings", "list", "--all", "-o", "ndjson"])
        XCTAssertEqual(ndjson.out.split(separator: "\n").count, count)
        let limited = try cli.run(["bookings", "list", "--limit", "25", "-o", "json"])
        XCTAssertEqual(limited.json.arrayValue?.count, 25)
        let page3 = try cli.run(["bookings", "list", "--page", "3", "-o", "json"])
        XCTAssertEqual(page3.json.arrayValue?.count, count - 40)
        let csv = try cli.run(["bookings", "list", "--limit", "3", "-o", "csv", "--fields", "id,status"])
        XCTAssertEqual(csv.out.split(separator: "\n").first, "id,status")
        XCTAssertEqual(csv.out.split(separator: "\n").count, 4)
        let filtered = try cli.run(["bookings", "list", "--all", "--status", "pending", "-o", "json"])
        XCTAssertTrue(filtered.json.arrayValue?.allSatisfy { $0["status"] == .string("pending") } ?? false)
    }

    func testAStdoutClosedBeforeTheStartIsAnErrorAndNoSocketTakesItsPlace() throws {
        try cli.login()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // `>&-` closes descriptor 1 before homeserve starts; libcurl's sockets would otherwise be given it.
        process.arguments = ["-c", "exec \"$0\" services list -o json >&- 2>\"$1\"", Binaries.cli, cli.configDir + "/err.txt"]
        process.environment = cli.environment
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 1)
        let err = try String(contentsOfFile: cli.configDir + "/err.txt", encoding: .utf8)
        XCTAssertEqual(err, "homeserve: cannot write to standard output: Bad file descriptor\n")
    }

    func testAStdinClosedBeforeTheStartIsSaidToBeClosed() throws {
        let errFile = NSTemporaryDirectory() + "homeserve-stdin-\(UUID().uuidString).txt"
        defer { try? FileManager.default.removeItem(atPath: errFile) }
        for (args, message) in [("auth login --username customer1 --password-stdin", "--password-stdin: stdin is closed; expected the password on its first line"),
                                ("api POST /api/x/ --input -", "invalid value '-' for --input: cannot read stdin: it was closed when homeserve started"),
                                ("api POST /api/x/ -F note=@-", "invalid value 'note=@-' for -F/--field: cannot read stdin: it was closed when homeserve started")] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "exec \"$0\" \(args) <&- 2>\"$1\"", Binaries.cli, errFile]
            process.environment = cli.environment
            try process.run()
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 2, args)
            XCTAssertEqual(try String(contentsOfFile: errFile, encoding: .utf8), "homeserve: \(message)\n")
        }
    }

    func testClosedStdoutStopsPaging() throws {
        try cli.login()
        try sandbox.request("DELETE", "/sandbox/requests")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binaries.cli)
        process.arguments = ["bookings", "list", "--all", "-o", "ndjson"]
        process.environment = cli.environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try pipe.fileHandleForReading.close()
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertEqual(try sandbox.receivedRequests(), ["GET /api/bookings/"], "no page fetched after the reader left")
    }

    func testCustomerSeesOnlyOwnBookings() throws {
        let other = CLI(sandbox: sandbox)
        try other.login("customer2")
        let mine = try other.run(["bookings", "list", "--all", "-o", "json"])
        let id = try XCTUnwrap(mine.json.arrayValue?.first?["id"]?.stringValue)
        try cli.login()
        XCTAssertEqual(try cli.run(["bookings", "get", id]).status, 5)
    }

    // MARK: Exit codes

    func testAnHTTPSURLForThePlainHTTPSandboxHintsAtHTTP() throws {
        // The sandbox answers the handshake's first bytes as a bad request line, with a 400.
        let https = sandbox.url.replacingOccurrences(of: "http://", with: "https://")
        let result = try cli.run(["--url", https, "--timeout", "2", "--retries", "0", "services", "list"])
        XCTAssertEqual(result.status, 9, result.err)
        XCTAssertEqual(result.out, "")
        XCTAssertEqual(result.err, "homeserve: GET \(https)/api/services/: the server answered the TLS handshake with something else: if the server speaks plain http, use an http:// URL\n")
        // A server that takes the connection and says nothing: the handshake never finishes.
        let listener = try Loopback.silentListener()
        defer { close(listener.fd) }
        let silent = "https://127.0.0.1:\(listener.port)"
        let stalled = try cli.run(["--url", silent, "--timeout", "2", "--retries", "0", "services", "list"])
        XCTAssertEqual(stalled.status, 9, stalled.err)
        XCTAssertEqual(stalled.err, "homeserve: GET \(silent)/api/services/: timed out: connected, but no TLS handshake within 2 s; if the server speaks plain http, use an http:// URL\n")
        let watch = try cli.run(["--url", silent, "watch", "notifications", "--user", "1", "--timeout", "2"], environment: ["HOMESERVE_TOKEN": "t"])
        XCTAssertEqual(watch.status, 9, watch.err)
        XCTAssertTrue(watch.err.hasPrefix("homeserve: cannot connect to wss://127.0.0.1:\(listener.port)/ws/notifications/1/: connected, but no TLS handshake within 2 s; if the server speaks plain http, use an http:// or ws:// URL"), watch.err)
        // Through a proxy the connection is the proxy's, so the server's scheme is not blamed.
        let proxied = try cli.run(["--url", https, "--timeout", "2", "--retries", "0", "services", "list"],
                                  environment: ["HTTPS_PROXY": sandbox.url.replacingOccurrences(of: "http://", with: "https://"), "NO_PROXY": ""])
        XCTAssertEqual(proxied.status, 9, proxied.err)
        XCTAssertFalse(proxied.err.contains("http:// URL"), proxied.err)
    }

    func testUsageErrorSendsNothing() throws {
        try cli.login()
        let before = try sandbox.receivedRequests().count
        for args in [["bookings", "list", "--stauts", "pending"], ["bookings", "create", "--service", "1", "--pincode", "12", "--date", futureDate()],
                     ["bookings", "create", "--service", "x", "--pincode", "560001", "--date", futureDate()], ["bokings", "list"]] {
            let result = try cli.run(args)
            XCTAssertEqual(result.status, 2, "\(args): \(result.err)")
            XCTAssertEqual(result.out, "")
            XCTAssertEqual(result.err.split(separator: "\n").count, 1, result.err)
        }
        XCTAssertEqual(try sandbox.receivedRequests().count, before)
    }

    func testDryRunSendsNothingAndLeavesCredentials() throws {
        try cli.login()
        let stored = cli.credentials
        let before = try sandbox.receivedRequests().count
        let result = try cli.run(["--dry-run", "bookings", "create", "--service", "1", "--pincode", "560001", "--date", futureDate()])
        XCTAssertEqual(result.status, 0)
        let lines = result.out.split(separator: "\n").map { try? JSON.parse(String($0)) }
        XCTAssertEqual(lines.count, 1, "the POST alone: the server prices the booking")
        XCTAssertEqual(lines.first??["method"], .string("POST"))
        XCTAssertNil(lines.first??.value(at: "body.total_price"))
        XCTAssertEqual(lines.first??.value(at: "headers.Authorization"), .string("Bearer ***"))
        XCTAssertEqual(try sandbox.receivedRequests().count, before)
        XCTAssertEqual(cli.credentials, stored)
    }

    func testExitCodesFromTheServer() throws {
        XCTAssertEqual(try cli.run(["bookings", "list"]).status, 3, "not logged in")
        let vendor = CLI(sandbox: sandbox)
        try vendor.login("vendor1")
        let forbidden = try vendor.run(["bookings", "create", "--service", "1", "--pincode", "560001", "--date", futureDate(), "--price", "100"])
        XCTAssertEqual(forbidden.status, 4, forbidden.err)
        try cli.login()
        XCTAssertEqual(try cli.run(["bookings", "get", "00000000-0000-0000-0000-000000000000"]).status, 5)
        XCTAssertEqual(try cli.run(["services", "get", "9999"]).status, 5)

        let past = try cli.run(["bookings", "create", "--service", "1", "--pincode", "560001", "--date", "2020-01-01T10:00:00Z", "--price", "100"])
        XCTAssertEqual(past.status, 6, past.err)
        XCTAssertTrue(past.err.contains("scheduled_date:"), past.err)

        let args = ["bookings", "create", "--service", "3", "--pincode", "560002", "--date", futureDate(days: 9), "--price", "300"]
        XCTAssertEqual(try cli.run(args).status, 0)
        let conflict = try cli.run(args)
        XCTAssertEqual(conflict.status, 7, conflict.err)
    }

    func testServerFailuresAreSummarised() throws {
        try sandbox.fault(#"{"path": "/api/services/", "status": 500, "count": 1, "content_type": "text/html", "body": "<html><head><title>Internal Server Error</title></head><body><h1>Traceback</h1>...</body></html>"}"#)
        let html = try cli.run(["services", "list"])
        XCTAssertEqual(html.status, 8)
        XCTAssertEqual(html.err, "homeserve: GET /api/services/ failed: HTTP 500: Internal Server Error (HTML page)\n")

        try sandbox.fault(#"{"path": "/api/services/", "status": 200, "count": 1, "truncate": true}"#)
        let truncated = try cli.run(["services", "list"])
        XCTAssertEqual(truncated.status, 8)
        XCTAssertTrue(truncated.err.contains("not valid JSON"), truncated.err)
        XCTAssertEqual(truncated.out, "")
    }

    func testACancelTheServerDidNotCarryOutIsExit6() throws {
        try cli.login()
        let created = try cli.run(["bookings", "create", "--service", "1", "--pincode", "560001", "--date", futureDate(days: 12), "--price", "100",
                                   "-o", "tsv", "--no-headers", "--fields", "id"])
        XCTAssertEqual(created.status, 0, created.err)
        let id = created.out.trimmingCharacters(in: .whitespacesAndNewlines)
        try sandbox.fault(#"{"path": "/api/bookings/*", "method": "PATCH", "status": 200, "count": 1, "body": "{\"id\": \"\#(id)\", \"status\": \"pending\"}"}"#)
        let kept = try cli.run(["bookings", "cancel", id])
        XCTAssertEqual(kept.status, 6, kept.err)
        XCTAssertTrue(kept.err.contains("but the booking is \"pending\", not 'cancelled'"), kept.err)
        try sandbox.fault(#"{"path": "/api/bookings/*", "method": "PATCH", "status": 200, "count": 1, "body": "{\"detail\": \"Booking could not be cancelled\"}"}"#)
        let said = try cli.run(["bookings", "cancel", id])
        XCTAssertEqual(said.status, 6, said.err)
        XCTAssertTrue(said.err.contains("(it said: Booking could not be cancelled)"), said.err)
        let cancelled = try cli.run(["bookings", "cancel", id])
        XCTAssertEqual(cancelled.status, 0, cancelled.err)
        XCTAssertEqual(try cli.run(["bookings", "get", id, "-o", "tsv", "--no-headers", "--fields", "status"]).out, "cancelled\n")
    }

    func testRetriesThenSuccessAndRateLimit() throws {
        try sandbox.fault(#"{"path": "/api/services/", "status": 503, "count": 2}"#)
        let retried = try cli.run(["services", "list", "-o", "json"])
        XCTAssertEqual(retried.status, 0, retried.err)
        XCTAssertEqual(retried.err.components(separatedBy: "retrying").count - 1, 2, retried.err)

        try sandbox.fault(#"{"path": "/api/services/", "status": 429, "count": 5, "retry_after": 0}"#)
        let limited = try cli.run(["services", "list", "--retries", "2"])
        XCTAssertEqual(limited.status, 10, limited.err)
        try sandbox.request("DELETE", "/sandbox/faults")

        try cli.login()
        let before = try sandbox.receivedRequests().filter { $0 == "POST /api/bookings/" }.count
        try sandbox.fault(#"{"path": "/api/bookings/", "method": "POST", "status": 503, "count": 1}"#)
        let post = try cli.run(["bookings", "create", "--service", "1", "--pincode", "560001", "--date", futureDate(days: 11), "--price", "100"])
        XCTAssertEqual(post.status, 8, "a POST that reached the server is not repeated")
        XCTAssertEqual(try sandbox.receivedRequests().filter { $0 == "POST /api/bookings/" }.count, before + 1)
    }

    func testTimeoutAndUnreachableServerExit9() throws {
        try sandbox.fault(#"{"path": "/api/services/", "delay_ms": 3000, "count": 1}"#)
        let slow = try cli.run(["services", "list", "--timeout", "1", "--retries", "0"])
        XCTAssertEqual(slow.status, 9, slow.err)
        XCTAssertTrue(slow.err.contains("timed out"), slow.err)

        let closed = try cli.run(["services", "list", "--url", "http://127.0.0.1:9", "--retries", "1"])
        XCTAssertEqual(closed.status, 9)
        XCTAssertTrue(closed.err.contains("cannot reach http://127.0.0.1:9"), closed.err)
        XCTAssertTrue(closed.err.contains("retrying"), closed.err)
    }

    func testCorruptSettingsFileIsALocalFailure() throws {
        try FileManager.default.createDirectory(atPath: cli.configDir, withIntermediateDirectories: true)
        try "{ half a file".write(toFile: cli.configDir + "/settings.json", atomically: true, encoding: .utf8)
        let before = try sandbox.receivedRequests().count
        let result = try cli.run(["services", "list"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.err.contains("settings.json is corrupt (not valid JSON"), result.err)
        XCTAssertEqual(try sandbox.receivedRequests().count, before)
    }

    func testPlainHTTPWarningForRemoteHosts() throws {
        let result = try cli.run(["auth", "login", "--username", "u", "--password-stdin", "--url", "http://homeserve.invalid", "--retries", "0"], stdin: "pw\n")
        XCTAssertEqual(result.status, 9)
        XCTAssertTrue(result.err.contains("warning: sending credentials over plain http to homeserve.invalid"), result.err)
    }
}
