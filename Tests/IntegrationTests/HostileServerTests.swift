import Foundation
import XCTest
import HomeServeCore
import HomeServeAPI
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The built binary against a server that misbehaves on purpose (`Tests/Fixtures/hostile_server.py`), and
/// against hostile local state. Each case asserts the documented exit code, a time bound where the point
/// is not hanging, a memory bound where the point is not buffering, and that no secret reaches any output.
final class HostileServerTests: XCTestCase {
    var server: HostileServer!

    override func setUpWithError() throws {
        server = try HostileServer()
    }

    override func tearDown() {
        server = nil
    }

    func cli(_ name: String, token: String? = "hostile-token-\(UUID().uuidString)") -> HostileCLI {
        HostileCLI(url: server.url(name), token: token)
    }

    func assertExit(_ result: Measured, _ code: Int32, under seconds: Double? = nil, _ what: String = "",
                    file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, code, "\(what): \(result)", file: file, line: line)
        if let seconds { XCTAssertLessThan(result.seconds, seconds, "\(what): \(result)", file: file, line: line) }
    }

    // MARK: Bodies too large to hold

    func testGigabyteBodyIsRefusedWithoutBeingHeld() throws {
        let result = try cli("huge-body").run(["services", "get", "1"])
        assertExit(result, 8, under: 30)
        XCTAssertLessThan(result.peakRSS, 80, "peak RSS: \(result)")
        XCTAssertTrue(result.err.contains("larger than 64 MiB"), result.err)
        XCTAssertEqual(result.out, "")
    }

    func testGigabyteChunkedBodyStopsAtTheLimit() throws {
        let temporary = NSTemporaryDirectory() + "homeserve-tmp-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        let result = try cli("huge-chunked").run(["services", "get", "1"], environment: ["TMPDIR": temporary])
        assertExit(result, 8, under: 30)
        XCTAssertTrue(result.err.contains("larger than 64 MiB"), result.err)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: temporary), [], "the body's file was never left behind")
        // No length to refuse up front: past 8 MiB the body waits in an unlinked temporary file, so memory
        // stays low until the limit is reached.
        XCTAssertLessThan(result.peakRSS, 80, "peak RSS: \(result)")
        let small = try cli("huge-chunked").run(["services", "get", "1"], environment: ["HOMESERVE_MAX_BODY": "4M"])
        assertExit(small, 8, under: 30)
        XCTAssertLessThan(small.peakRSS, 4 + 32, "peak RSS: \(small)")
    }

    func testALargeBodyWithoutALengthUnderTheLimitArrivesWhole() throws {
        // 24 MiB: past the part held in memory, so most of it waits in the temporary file and is read back.
        let result = try cli("large-chunked").run(["services", "get", "1", "--jq", ".name | length"])
        assertExit(result, 0, under: 30)
        XCTAssertEqual(result.out, "\(24 << 20)\n")
    }

    func testGigabyteStringInsideJSON() throws {
        for command in [["services", "get", "1"], ["api", "GET", "/api/services/1/"]] {
            let result = try cli("huge-string").run(command)
            assertExit(result, 8, under: 30, command.joined(separator: " "))
            XCTAssertLessThan(result.peakRSS, 80, "peak RSS: \(result)")
        }
    }

    func testCompressionBombStopsAtTheLimit() throws {
        // About 1 MiB sent, 1 GiB once inflated: the limit applies to what is held, not to what was sent.
        let result = try cli("gzip-bomb").run(["services", "get", "1"])
        assertExit(result, 8, under: 30)
        XCTAssertLessThan(result.peakRSS, 80, "peak RSS: \(result)")
    }

    func testApiHeadersReachTheServerOnceEach() throws {
        let result = try cli("record").run(["api", "PATCH", "/api/bookings/7/", "-F", "notes=x",
                                             "-H", "Content-Type: application/merge-patch+json", "-H", "X-Trace: t-1", "-H", "Accept: text/csv"])
        XCTAssertEqual(result.status, 0, result.err)
        let headers = try XCTUnwrap(try server.log("record").last?["headers"])
        XCTAssertEqual(headers["content-type"], "application/merge-patch+json", "one Content-Type, the one asked for")
        XCTAssertEqual(headers["accept"], "text/csv")
        XCTAssertEqual(headers["x-trace"], "t-1")
        XCTAssertEqual(headers["authorization"]?.stringValue?.hasPrefix("Bearer "), true)
    }

    /// A POST with nothing to send (`disputes read`, `api POST` without fields) carries no Content-Type: there
    /// is no form, and a server reading one would find it empty.
    func testABodilessPostCarriesNoContentType() throws {
        let id = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9"
        for command in [["disputes", "read", id], ["api", "POST", "/api/disputes/\(id)/mark_read/"]] {
            let result = try cli("record").run(command)
            XCTAssertEqual(result.status, 0, result.err)
            let sent = try XCTUnwrap(try server.log("record").last, command.joined(separator: " "))
            XCTAssertEqual(sent["method"], "POST")
            XCTAssertEqual(sent["path"]?.stringValue?.hasSuffix("/api/disputes/\(id)/mark_read/"), true, "\(sent)")
            let headers = try XCTUnwrap(sent["headers"])
            XCTAssertNil(headers["content-type"], "\(command): \(headers)")
            XCTAssertEqual(headers["content-length"]?.stringValue ?? "0", "0", "\(command): \(headers)")
        }
    }

    func testAnAnswerThatIsNotReadableHTTPIsTheServersFailure() throws {
        // A body that is not the gzip it claims, and a port that answers in another protocol: the server was
        // reached and its answer cannot be used (8), not a network to try again (9); not retried.
        for (mode, reason) in [("bad-gzip", "Unrecognized or bad HTTP Content or Transfer-Encoding"), ("not-http", "not an HTTP answer")] {
            let result = try cli(mode).run(["services", "get", "1"])
            assertExit(result, 8, under: 5, mode)
            XCTAssertTrue(result.err.hasPrefix("homeserve: GET http://127.0.0.1:\(server.port)/\(mode)/api/services/1/: the server answered in a way that cannot be read ("), result.err)
            XCTAssertTrue(result.err.contains(reason), result.err)
            XCTAssertFalse(result.err.contains("retrying"), result.err)
        }
    }

    func testTwoHundredThousandHeaderLines() throws {
        // libcurl refuses the headers as a receive failure: a network error, retried, then exit 9.
        let result = try cli("many-headers").run(["services", "get", "1", "--timeout", "2"])
        assertExit(result, 9, under: 2 * 4 + 1.5)
        XCTAssertLessThan(result.peakRSS, 48, "peak RSS: \(result)")
    }

    // MARK: Paging

    func testNextLinkThatLoopsStopsAtOnce() throws {
        for name in ["next-loop", "next-cycle"] {
            let result = try cli(name).run(["services", "list", "--all"])
            assertExit(result, 8, under: 1, name)
            XCTAssertTrue(result.err.contains("repeats a page already fetched"), result.err)
            XCTAssertLessThanOrEqual(try server.requests(name).count, 4)
        }
    }

    func testNextLinkThatGoesBackwards() throws {
        let result = try cli("next-backwards").run(["services", "list", "--all"])
        assertExit(result, 8, under: 2)
        XCTAssertTrue(result.err.contains("goes backwards"), result.err)
    }

    func testNextLinkToAnotherHostIsNotFollowed() throws {
        let result = try cli("next-elsewhere").run(["services", "list", "--all"])
        assertExit(result, 8, under: 2)
        XCTAssertTrue(result.err.contains("leaves the base URL"), result.err)
        XCTAssertEqual(try server.requests("next-elsewhere"), ["GET /api/services/"])
    }

    func testRowsPastTheReportedTotal() throws {
        let result = try cli("rows-past-total").run(["services", "list", "--all"])
        assertExit(result, 8, under: 2)
        XCTAssertTrue(result.err.contains("than the reported total"), result.err)
    }

    // MARK: WebSockets

    func testWatchWhoseHandshakeHangsEndsAtTheTimeout() throws {
        let result = try cli("ws-hang").run(["watch", "booking", "X", "--timeout", "3"])
        assertExit(result, 9, under: 4)
        XCTAssertTrue(result.err.contains("no connection to /ws/bookings/X/ when --timeout (3s) ran out"), result.err)
    }

    func testAnHTTPSURLForAServerThatAnswersInPlainHTTPSaysSo() throws {
        let https = HostileCLI(url: "https://127.0.0.1:\(server.port)/ok", token: "hostile-token")
        let result = try https.run(["services", "list"])
        assertExit(result, 9)
        XCTAssertEqual(result.out, "")
        XCTAssertEqual(result.err, "homeserve: GET https://127.0.0.1:\(server.port)/ok/api/services/: the server answered the TLS handshake with something else: if the server speaks plain http, use an http:// URL\n")
        let doctor = try https.run(["doctor", "-o", "json"])
        assertExit(doctor, 9)
        let checks = try JSON.parse(doctor.out)["checks"]?.arrayValue ?? []
        XCTAssertEqual(checks.first { $0["name"] == "tls" }?["detail"],
                       "the server answered the TLS handshake with something else: if the server speaks plain http, use an http:// URL")
        let watch = try https.run(["watch", "booking", "X", "--timeout", "20"])
        assertExit(watch, 9)
        XCTAssertEqual(watch.err, "homeserve: cannot connect to wss://127.0.0.1:\(server.port)/ok/ws/bookings/X/: the server answered the TLS handshake with something else: if the server speaks plain http, use an http:// or ws:// URL\n", "not retried")
    }

    func testBookingsWaitIsBoundedByItsTimeoutWhateverTheServerDoes() throws {
        // The fetches of the booking were bounded by timeout × (retries + 1) only: 12 s for --timeout 3.
        for name in ["silent", "drip", "ws-hang"] {
            let result = try cli(name).run(["bookings", "wait", "X", "--status", "confirmed", "--timeout", "3"])
            assertExit(result, 11, under: 4, name)
            XCTAssertTrue(result.err.contains("did not reach 'confirmed' within 3s"), "\(name): \(result.err)")
        }
        // A server that answers a list where the booking is due is at fault at once, not waited out.
        let listed = try cli("ok").run(["bookings", "wait", "X", "--status", "confirmed", "--timeout", "3"])
        assertExit(listed, 8, under: 4, "ok")
        XCTAssertEqual(listed.err, "homeserve: GET /ok/api/bookings/X/: the answer is a list where one object is due\n")
    }

    func testFloodsOfFramesAreStillBoundedByTheTimeout() throws {
        // A flood of pings that never reads the answers loses the socket (down at the end: 9); floods the
        // client can keep up with leave it connected, and --until was not met (11).
        for (name, code) in [("ws-flood-ping", Int32(9)), ("ws-flood-empty", 11), ("ws-flood-pong", 11)] {
            let result = try cli(name).run(["watch", "booking", "X", "--until", "never_sent", "--timeout", "3"])
            assertExit(result, code, under: 4.5, name)
            XCTAssertLessThan(result.peakRSS, 48, "\(name) peak RSS: \(result)")
        }
    }

    func testMalformedFramesAreProtocolErrors() throws {
        let kinds = ["reserved", "opcode", "masked", "length63", "oversized", "control-fragmented", "control-long", "utf8",
                     "close-1byte", "orphan-continuation", "interleaved", "truncated"]
        for kind in kinds {
            let result = try cli("ws-malformed").run(["watch", "booking", kind, "--reconnect-attempts", "0", "--timeout", "10"])
            // Frames that break the protocol are the server's failure; one cut off by a closed connection the network's.
            assertExit(result, kind == "truncated" ? 9 : 8, under: 5, kind)
            XCTAssertEqual(result.out, "", kind)
        }
    }

    func testHandshakeAnswersThatCannotBeAWebSocket() throws {
        let said = ["ws-bad-accept": "Sec-WebSocket-Accept does not match the key sent", "ws-endless-headers": "handshake response headers are too long",
                    "ws-extension": "the server named an extension (permessage-deflate) that was not asked for"]
        for (name, reason) in said {
            let result = try cli(name).run(["watch", "booking", "X", "--reconnect-attempts", "0", "--timeout", "10"])
            // The server's answer breaks the protocol: its failure, not the network's.
            assertExit(result, 8, under: 5, name)
            XCTAssertTrue(result.err.contains(reason), result.err)
        }
    }

    /// A redirect is not followed by a WebSocket: exit 12 names where it leads, a token in it hidden.
    func testARedirectedHandshakeNamesItsLocation() throws {
        let result = try cli("ws-redirect").run(["watch", "booking", "X", "--reconnect-attempts", "0", "--timeout", "10"])
        assertExit(result, 12, under: 5)
        XCTAssertTrue(result.err.contains("HTTP 301, a redirect, which a WebSocket does not follow: Location: http://elsewhere.example/ws/?token=***"), result.err)
    }

    func testMessageThatIsNotJSONIsShownSafely() throws {
        let result = try cli("ws-malformed").run(["watch", "booking", "not-json", "--count", "1", "--timeout", "10", "-o", "table"])
        XCTAssertTrue([0, 8, 9].contains(result.status), "\(result)")
        XCTAssertFalse(result.outBytes.contains(0x1B), "an escape reached the terminal: \(result.out.debugDescription)")
        XCTAssertFalse(result.err.contains("\u{1B}"), result.err.debugDescription)
    }

    // MARK: Rate limits and server failures

    func testRetryAfterLongerThanTheDeadlineFailsFast() throws {
        let result = try cli("retry-after").run(["services", "get", "1"])
        assertExit(result, 10, under: 3)
        XCTAssertTrue(result.err.contains("Retry-After"), result.err)
        XCTAssertEqual(try server.requests("retry-after").count, 1)
        let unavailable = try cli("retry-after-503").run(["services", "get", "1"])
        assertExit(unavailable, 8, under: 3)
    }

    func testHTMLErrorPageIsSummarised() throws {
        let result = try cli("html-500").run(["services", "get", "1"])
        assertExit(result, 8, under: 3)
        XCTAssertTrue(result.err.contains("500 Internal Server Error"), result.err)
        XCTAssertLessThan(result.err.count, 1000, "the whole page was printed: \(result.err)")
    }

    func testHTMLLabelledAsJSON() throws {
        for command in [["services", "get", "1"], ["api", "GET", "/api/services/1/"]] {
            let result = try cli("html-as-json").run(command)
            assertExit(result, 8, under: 3, command.joined(separator: " "))
            XCTAssertTrue(result.err.contains("not valid JSON"), result.err)
            XCTAssertEqual(result.out, "", command.joined(separator: " "))
        }
    }

    func testTruncatedBodyWithALyingContentLength() throws {
        for command in [["services", "get", "1"], ["api", "GET", "/api/services/1/"]] {
            let result = try cli("lying-length").run(command)
            assertExit(result, 8, under: 5, command.joined(separator: " "))
            XCTAssertEqual(result.out, "", command.joined(separator: " "))
        }
    }

    func testDeepNestingIsRefusedNotACrash() throws {
        for name in ["deep", "deep-object"] {
            for command in [["services", "get", "1"], ["api", "GET", "/api/services/1/"], ["services", "list"]] {
                let result = try cli(name).run(command)
                assertExit(result, 8, under: 5, "\(name) \(command.joined(separator: " "))")
                XCTAssertTrue(result.err.contains("nesting deeper than"), result.err)
            }
        }
    }

    func testHugeNumbersAreKeptExactly() throws {
        let json = try cli("huge-numbers").run(["services", "get", "1", "-o", "json"])
        assertExit(json, 0, under: 5)
        XCTAssertTrue(json.out.contains("1e999999"), json.out.prefix(200).description)
        XCTAssertTrue(json.out.contains(String(repeating: "9", count: 100000)))
        XCTAssertTrue(json.out.contains("123456789012345678901234567890"))
        for format in ["table", "csv", "tsv", "ndjson"] {
            let result = try cli("huge-numbers").run(["services", "get", "1", "-o", format])
            assertExit(result, 0, under: 5, format)
        }
        let sorted = try cli("huge-numbers").run(["api", "GET", "/api/services/", "--jq", ".id, .count, .rating"])
        XCTAssertTrue([0, 8].contains(sorted.status), "\(sorted)")
    }

    func testObjectOfAHundredThousandKeysPrintsInTime() throws {
        // Each path used to be looked up by scanning every key: the table took over ten minutes.
        for format in ["table", "csv", "tsv", "json"] {
            let result = try cli("wide").run(["services", "get", "1", "-o", format])
            assertExit(result, 0, under: 10, format)
            XCTAssertTrue(result.out.contains("99999"), format)
        }
        for format in ["table", "csv"] {
            let result = try cli("wide").run(["services", "list", "-o", format])
            assertExit(result, 0, under: 20, "list \(format)")
        }
    }

    func testInvalidUTF8IsReplacedNotACrash() throws {
        for format in ["json", "table"] {
            let result = try cli("bad-utf8").run(["services", "get", "1", "-o", format])
            assertExit(result, 0, under: 5, format)
            XCTAssertNotNil(String(validating: result.outBytes, as: UTF8.self), "output is not UTF-8")
            XCTAssertTrue(result.out.contains("\u{FFFD}"), result.out)
        }
    }

    // MARK: Sessions

    func testRefusedForeverEndsWithExit3() throws {
        let token = try cli("unauthorized").run(["services", "get", "1"])
        assertExit(token, 3, under: 3, "HOMESERVE_TOKEN")
        XCTAssertEqual(try server.requests("unauthorized").count, 1)

        // A stored session whose refresh and re-login are refused too: one of each, then exit 3.
        let stored = cli("unauthorized", token: nil)
        try writeCredentials(stored, access: Self.token(expiresIn: 3600), refresh: "refresh-secret-1")
        stored.secrets = ["refresh-secret-1", "password-secret-1"]
        let result = try stored.run(["services", "get", "1"], environment: ["HOMESERVE_PASSWORD": "password-secret-1"])
        assertExit(result, 3, under: 3, "stored session")
        let seen = try server.requests("unauthorized").dropFirst()
        XCTAssertEqual(Array(seen), ["GET /api/services/1/", "POST /auth/refresh/", "POST /auth/login/"])
    }

    func testRefreshAnsweredWithoutATokenLeavesTheFileAlone() throws {
        let stored = cli("refresh-no-token", token: nil)
        try writeCredentials(stored, access: Self.token(expiresIn: -60), refresh: "refresh-secret-2")
        stored.secrets = ["refresh-secret-2"]
        let before = try Data(contentsOf: URL(fileURLWithPath: stored.credentialsPath))
        let result = try stored.run(["services", "get", "1"])
        assertExit(result, 8, under: 3)
        XCTAssertTrue(result.err.contains("sent no well-formed token"), result.err)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: stored.credentialsPath)), before)
        let status = try stored.run(["auth", "refresh"])
        assertExit(status, 8, under: 3, "auth refresh")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: stored.credentialsPath)), before)
    }

    func testLoginAnswersTooLargeToKeepLeaveTheFileReadable() throws {
        // A 2 MiB token, or a 2 MiB user, used to be stored in a credentials file that every later
        // command (auth login and logout included) then refused to read: the profile was stuck.
        let stored = cli("ok", token: nil)
        stored.secrets = ["pw-secret-4"]
        let first = try stored.run(["auth", "login", "--username", "customer1", "--password-stdin"], stdin: Array("pw-secret-4\n".utf8))
        assertExit(first, 0, under: 3)
        let before = try Data(contentsOf: URL(fileURLWithPath: stored.credentialsPath))
        for (kind, code) in [("huge", Int32(8)), ("huge-user", 1), ("crlf", 8), ("spaces", 8), ("escape", 8), ("empty", 8)] {
            let result = try stored.run(["auth", "login", "--username", "customer1", "--password-stdin"],
                                        environment: ["HOMESERVE_URL": server.url("login-odd/\(kind)")], stdin: Array("pw-secret-4\n".utf8))
            assertExit(result, code, under: 5, kind)
            assertNoControls(result.err, kind)
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: stored.credentialsPath)), before, "\(kind): the stored session changed")
        }
        let after = try stored.run(["auth", "status", "--offline"])
        assertExit(after, 0, under: 3, "auth status after the refusals")
    }

    // MARK: Slow and broken connections

    func testSlowDripIsBoundedByTheTimeout() throws {
        for name in ["drip", "drip-headers", "silent"] {
            let once = try cli(name).run(["services", "get", "1", "--timeout", "2", "--retries", "0"])
            assertExit(once, 9, under: 3.5, name)
            XCTAssertTrue(once.err.contains("timed out"), once.err)
            // With the default retries: at most timeout × (retries + 1) in all.
            let retried = try cli(name).run(["services", "get", "1", "--timeout", "2"])
            assertExit(retried, 9, under: 2 * 4 + 1.5, name)
        }
    }

    func testConnectionReset() throws {
        let result = try cli("reset").run(["services", "get", "1", "--timeout", "2"])
        assertExit(result, 9, under: 2 * 4 + 1.5)
        let reset = try cli("lying-length").run(["api", "GET", "/api/services/1/?rst=1", "--timeout", "2"])
        XCTAssertTrue([8, 9].contains(reset.status), "\(reset)")
    }

    func testStatusCodesMapToTheirDocumentedExits() throws {
        let expected: [Int: Int32] = [300: 12, 301: 12, 302: 12, 303: 12, 304: 12, 305: 12, 307: 12, 308: 12, 399: 12,
                                      400: 6, 403: 4, 404: 5, 405: 13, 409: 7, 410: 5, 413: 14, 418: 6, 422: 6, 429: 10, 431: 14,
                                      500: 8, 501: 8, 502: 8, 503: 8, 504: 8, 599: 8]
        for (status, code) in expected.sorted(by: { $0.key < $1.key }) {
            let result = try cli("status-\(status)").run(["services", "get", "1", "--retries", "1"])
            assertExit(result, code, under: 5, "HTTP \(status)")
            if (300..<400).contains(status), status != 304, status != 399 {
                XCTAssertTrue(result.err.contains("http://elsewhere.example/api/elsewhere/"), "\(status): \(result.err)")
            }
        }
        let post = try cli("status-307").run(["api", "POST", "/api/bookings/", "-F", "service_id=1"])
        assertExit(post, 12, under: 5, "POST on 307")
    }

    func testRedirectLoopOnTheSameHostIsBounded() throws {
        let result = try cli("redirect-self").run(["services", "get", "1"])
        assertExit(result, 8, under: 3)
        XCTAssertTrue(result.err.contains("redirected 5 times, and a 6th redirect") && result.err.contains("too many redirects, or a loop"), result.err)
        XCTAssertLessThanOrEqual(try server.requests("redirect-self").count, 6)
    }

    // MARK: Terminal escapes from the server

    func testEscapesFromTheServerAreShownEscaped() throws {
        let raw = "\u{1B}[31mred\u{1B}[0m \u{1B}]52;c;c2VjcmV0\u{07} \u{1B}]8;;http://evil.example/\u{1B}\\link\u{1B}]8;;\u{1B}\\ \u{9B}2J done"
        let json = try cli("ansi").run(["services", "get", "1", "-o", "json"])
        assertExit(json, 0, under: 3, "json")
        XCTAssertEqual(try JSON.parse(json.out)["name"]?.stringValue, raw, "JSON output must keep the value exactly")
        for command in [["services", "get", "1", "-o", "table"], ["services", "list", "-o", "table"]] {
            let result = try cli("ansi").run(command)
            assertExit(result, 0, under: 3, command.joined(separator: " "))
            assertNoControls(result.out, command.joined(separator: " "))
        }
        for (name, command, code) in [("ansi-error", ["services", "get", "1"], Int32(5)),
                                      ("ansi", ["api", "POST", "/api/bookings/", "-F", "service_id=1"], 6)] {
            let result = try cli(name).run(command)
            assertExit(result, code, under: 3, name)
            assertNoControls(result.err, name)
            XCTAssertTrue(result.err.contains("\\x1b[31mred"), result.err)
        }
    }

    func assertNoControls(_ text: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let bad = text.unicodeScalars.filter { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || (0x7F...0x9F).contains($0.value) }
        XCTAssertTrue(bad.isEmpty, "\(what): control characters \(bad.map { String($0.value, radix: 16) }) in \(text.debugDescription)", file: file, line: line)
    }

    // MARK: Hostile local state

    func testFullDiskOnStdoutIsALocalFailure() throws {
        let result = try cli("ok").run(["services", "get", "1"], stdoutPath: "/dev/full")
        assertExit(result, 1, under: 3)
        let list = try cli("ok").run(["services", "list", "--all", "-o", "table"], stdoutPath: "/dev/full")
        assertExit(list, 1, under: 3, "list")
    }

    func testPasswordOnStdinReturnsPromptly() throws {
        let login = cli("ok", token: nil)
        login.secrets = ["pw-secret-3"]
        let endless = try login.shell("yes pw-secret-3 | \"$HOMESERVE\" auth login --username customer1 --password-stdin", limit: 20)
        assertExit(endless, 0, under: 5, "yes |")
        // `{ echo pw; sleep 20; } |`: the first line arrives, and stdin stays open long after it.
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        defer { close(fds[1]) }
        let child = try Child.start([Binaries.cli, "auth", "login", "--username", "customer1", "--password-stdin"],
                                    environment: login.environment, stdinPipe: (fds[0], fds[1]))
        close(fds[0])
        _ = Array("pw-secret-3\n".utf8).withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) }
        let lingering = child.wait(limit: 20)
        XCTAssertFalse(lingering.hung, "waited for the end of stdin: \(lingering)")
        assertExit(lingering, 0, under: 5, "stdin left open")
        login.assertNoSecrets(lingering)
    }

    func testTokenWithALineBreakIsNeverSent() throws {
        let injected = cli("record", token: "abc\r\nX-Injected: yes")
        injected.secrets = []
        let result = try injected.run(["services", "get", "1"])
        assertExit(result, 3, under: 2)
        XCTAssertEqual(try server.requests("record"), [], "a request was sent")
        XCTAssertFalse(result.err.contains("X-Injected"), result.err)
    }

    func testURLWithALineBreakIsAUsageError() throws {
        let config = cli("record")
        let result = try config.run(["config", "set", "url", "http://x\r\ny"])
        assertExit(result, 2, under: 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: config.configDir + "/settings.json") &&
                       ((try? String(contentsOfFile: config.configDir + "/settings.json", encoding: .utf8)) ?? "").contains("http://x"))
    }

    func testMalformedURLsFailAtOnceWithoutRetries() throws {
        for url in ["http://a b", "http://[::1", "http://127.0.0.1:99999", "http://127.0.0.1:99999/x", "ftp://127.0.0.1/", "http://", "http://a\u{7F}b"] {
            let flag = try cli("record").run(["--url", url, "services", "get", "1"])
            assertExit(flag, 2, under: 1, "--url \(url)")
            let environment = try HostileCLI(url: url).run(["services", "get", "1"])
            assertExit(environment, 2, under: 1, "HOMESERVE_URL=\(url)")
            XCTAssertFalse(environment.err.contains("retrying"), environment.err)
        }
        XCTAssertEqual(try server.requests("record"), [])
    }

    func testPlainHTTPWarningIsNotFooledByALookAlikeHost() throws {
        let result = try HostileCLI(url: "http://127.attacker.example:\(server.port)/record")
            .run(["services", "get", "1", "--retries", "0", "--timeout", "3"])
        XCTAssertTrue(result.err.contains("plain http"), "\(result)")
        XCTAssertTrue([9].contains(result.status), "\(result)")
        let loopback = try cli("record").run(["services", "get", "1"])
        assertExit(loopback, 0, under: 3)
        XCTAssertFalse(loopback.err.contains("plain http"), loopback.err)
    }

    // MARK: Helpers

    static func token(expiresIn seconds: Int) -> String {
        func part(_ json: String) -> String {
            Base64.encode(Array(json.utf8)).replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_")
        }
        let now = Int(Date().timeIntervalSince1970)
        return part(#"{"alg":"HS256","typ":"JWT"}"#) + "." + part(#"{"user_id":1,"iat":\#(now - 3600),"exp":\#(now + seconds)}"#) + ".c2lnbmF0dXJl"
    }

    func writeCredentials(_ cli: HostileCLI, access: String, refresh: String) throws {
        try FileManager.default.createDirectory(atPath: cli.configDir, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let url = cli.environment["HOMESERVE_URL"] ?? ""
        let file = #"{"profiles": {"default": {"access": "\#(access)", "refresh": "\#(refresh)", "user": {"id": 1, "username": "customer1", "role": "customer"}, "url": "\#(url)"}}}"#
        _ = FileManager.default.createFile(atPath: cli.credentialsPath, contents: Data(file.utf8), attributes: [.posixPermissions: 0o600])
    }
}

/// The libcurl transport itself: a request started after a stop is never sent, though a started request
/// otherwise goes out at once.
final class TransportStopTests: XCTestCase {
    func testARequestStartedAfterAStopIsNotSent() throws {
        let server = try HostileServer()
        let cancellation = Cancellation()
        let transport = CurlTransport(settings: CurlTransport.Settings(), cancellation: cancellation)
        let before = transport.start(HTTPRequest(method: "GET", url: server.url("ok") + "/api/services/1/"))
        let first = try XCTUnwrap(transport.next(timeout: 10))
        XCTAssertEqual(first.id, before)
        XCTAssertEqual(try first.result.get().status, 200)
        cancellation.cancel()
        let after = transport.start(HTTPRequest(method: "GET", url: server.url("ok") + "/api/services/2/"))
        let done = try XCTUnwrap(transport.next(timeout: 10))
        XCTAssertEqual(done.id, after)
        guard case let .failure(error) = done.result else { return XCTFail("a request after the stop was answered") }
        XCTAssertEqual(error.kind, .cancelled)
        XCTAssertFalse(error.sent)
        XCTAssertEqual(try server.requests("ok"), ["GET /api/services/1/"])
    }

    /// A file that shrinks or grows while libcurl sends it stops the request, naming it; one that stays as it
    /// was is sent whole. The server reads the body a second late, so the upload waits on a full socket while
    /// the file is changed.
    func testAnUploadWhoseFileChangesWhileItIsSentStops() throws {
        let server = try HostileServer()
        let directory = NSTemporaryDirectory() + "homeserve-upload-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let size: off_t = 24 << 20
        for change in ["none", "shrink", "grow"] {
            let path = directory + "/\(change).bin"
            XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: nil))
            XCTAssertEqual(truncate(path, size), 0)
            let transport = CurlTransport(settings: CurlTransport.Settings(), cancellation: Cancellation())
            var request = HTTPRequest(method: "POST", url: server.url("slow-body") + "/api/photos/", timeout: 60)
            request.body = .multipart([.field(name: "image_type", value: "after"), .file(name: "image", path: path, contentType: "application/octet-stream")])
            _ = transport.start(request)
            usleep(300_000)
            if change == "shrink" { XCTAssertEqual(truncate(path, 1 << 20), 0) }
            if change == "grow" {
                let fd = open(path, O_WRONLY | O_APPEND)
                XCTAssertEqual(write(fd, "x", 1), 1)
                close(fd)
            }
            let done = try XCTUnwrap(transport.next(timeout: 60))
            switch (change, done.result) {
            case let ("none", .success(response)):
                XCTAssertEqual(response.status, 201)
                XCTAssertGreaterThan(try JSON.parse(response.body)["received"]?.intValue ?? 0, Int(size))
            case let (_, .failure(error)) where change != "none":
                XCTAssertEqual(error.kind, .localFile, change)
                XCTAssertEqual(error.message, "'\(path)' changed while it was sent (it had \(size) bytes when the request began)")
            default:
                XCTFail("\(change): \(done.result)")
            }
        }
    }
}
