@testable import HomeServeAPI
@testable import HomeServeCLI
import HomeServeCore
import XCTest

/// The WebSocket commands on scripted sockets and the fake clock: conditions met or timed out, close
/// codes, token renewal on reconnect, reconnects running out, `bookings wait` and where sockets go.
final class RealtimeTests: XCTestCase {
    let booking = "3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13"
    var harness: Harness!
    var access = ""
    var sockets: StubWebSockets { harness.sockets }
    var transport: StubTransport { harness.transport }

    override func setUp() {
        harness = Harness()
        access = harness.logIn()
    }

    func status(_ value: String) -> StubWebSockets.Step {
        .message(#"{"type": "booking_status_change", "timestamp": "2026-11-30T12:00:05Z", "data": {"booking_id": "\#(booking)", "status": "\#(value)"}}"#)
    }

    /// The booking's answers to GET, in turn: one per status.
    func bookingAnswers(_ statuses: String...) {
        for value in statuses {
            transport.register("GET", "/api/bookings/\(booking)/", json: #"{"id": "\#(booking)", "status": "\#(value)"}"#)
        }
    }

    // MARK: watch

    func testWatchPrintsEachMessageUntilTheCondition() {
        sockets.connections = [.success([.message(#"{"type": "chat_message", "data": {"text": "hi"}}"#), status("in_progress"), status("completed"), status("signed")])]
        let outcome = harness.run(["watch", "booking", booking, "--until", "booking_status_change:status=completed"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(outcome.out, """
            {"type":"chat_message","data":{"text":"hi"}}
            {"type":"booking_status_change","timestamp":"2026-11-30T12:00:05Z","data":{"booking_id":"\(booking)","status":"in_progress"}}
            {"type":"booking_status_change","timestamp":"2026-11-30T12:00:05Z","data":{"booking_id":"\(booking)","status":"completed"}}

            """)
        XCTAssertEqual(outcome.err, "")
        XCTAssertEqual(sockets.urls, ["wss://api.test/ws/bookings/\(booking)/?token=\(access)"])
    }

    func testWatchUntilRunningOutOfTimeIs11() {
        sockets.connections = [.success([status("in_progress")])]
        let outcome = harness.run(["watch", "booking", booking, "--until", "booking_status_change:status=completed", "--timeout", "10"])
        XCTAssertEqual(outcome.status, 11)
        XCTAssertEqual(lines(outcome.out).count, 1, "what arrived is printed")
        XCTAssertEqual(outcome.err, "homeserve: timed out after 10s: nothing matched --until\n")
        XCTAssertEqual(harness.clock.mono, 1010)
    }

    func testATimeoutAloneIsHowLongToFollow() {
        sockets.connections = [.success([status("in_progress"), .idle(30)])]
        let outcome = harness.run(["watch", "booking", booking, "--timeout", "10"])
        XCTAssertEqual(outcome.status, 0, "no count or message was waited for: \(outcome.err)")
        XCTAssertEqual(lines(outcome.out).count, 1)
        XCTAssertEqual(outcome.err, "")
    }

    func testATimeoutAloneRunningOutWithoutAConnectionIs9() {
        sockets.connections = [.failure(.connection("Connection refused")), .failure(.connection("Connection refused"))]
        let outcome = harness.run(["watch", "booking", booking, "--timeout", "4"])
        XCTAssertEqual(outcome.status, 9, "a server that never answered is not a quiet channel: \(outcome.err)")
        XCTAssertEqual(lines(outcome.err).last, "homeserve: no connection to /ws/bookings/\(booking)/ when --timeout (4s) ran out: cannot connect to wss://api.test/ws/bookings/\(booking)/: Connection refused")
    }

    func testWithoutASessionAWatchIsExit3BeforeConnecting() {
        let fresh = Harness()
        for args in [["watch", "booking", booking], ["watch", "notifications"], ["watch", "notifications", "--user", "7"],
                     ["watch", "status", "--user", "7", "--role", "vendor"]] {
            let outcome = fresh.run(args)
            XCTAssertEqual(outcome.status, ExitCode.notAuthenticated.rawValue, "\(args): \(outcome.err)")
            XCTAssertEqual(outcome.err, "homeserve: not logged in (profile 'default'); run 'homeserve auth login'\n", "\(args)")
        }
        XCTAssertEqual(fresh.sockets.urls, [], "nothing connected")
        let preview = fresh.run(["watch", "notifications", "--user", "7", "--dry-run"])
        XCTAssertEqual(preview.status, 0, "a dry run needs no session: \(preview.err)")
        XCTAssertEqual(preview.out, #"{"method":"GET","url":"wss://api.test/ws/notifications/7/","headers":{"Upgrade":"websocket","Sec-WebSocket-Version":"13"}}"# + "\n")
        XCTAssertEqual(fresh.transport.requests.count, 0)
    }

    func testAStreamCannotBeSorted() {
        let outcome = harness.run(["watch", "booking", booking, "--sort-by", "type"])
        XCTAssertEqual(outcome.status, 2)
        XCTAssertEqual(outcome.err, "homeserve: invalid flag --sort-by 'type' for 'watch booking': messages are printed as they arrive, so a stream cannot be sorted\n")
        XCTAssertEqual(sockets.urls, [])
    }

    func testWatchCountRunningOutOfTimeIs11() {
        sockets.connections = [.success([.idle(4), .message(#"{"type": "notification", "data": {"title": "Booked"}}"#)])]
        let outcome = harness.run(["watch", "notifications", "--count", "2", "--timeout", "5", "-o", "csv"])
        XCTAssertEqual(outcome.status, 11)
        XCTAssertEqual(outcome.out, "timestamp,type,data\n,notification,\"{\"\"title\"\":\"\"Booked\"\"}\"\n")
        XCTAssertEqual(outcome.err, "homeserve: timed out after 5s: 1 of 2 messages arrived\n")
        XCTAssertEqual(sockets.urls, ["wss://api.test/ws/notifications/1/?token=\(access)"], "the logged-in user's channel")

        // No message at all: no header either, as for an empty list; --fields names its columns regardless.
        for (fields, printed) in [([String](), ""), (["--fields", "type"], "type\n")] {
            sockets.connections = [.success([.idle(6)])]
            let none = harness.run(["watch", "notifications", "--count", "1", "--timeout", "5", "-o", "csv"] + fields)
            XCTAssertEqual(none.status, 11, none.err)
            XCTAssertEqual(none.out, printed)
        }
    }

    /// A close reason quoting the end of the token (at most 123 bytes: too few for a whole one) shows none of it.
    func testACloseReasonQuotingPartOfTheTokenShowsNoneOfIt() {
        let tail = String(access.suffix(60))
        sockets.connections = [.success([.close(1011, reason: "bad t=\(tail)!")])]
        let outcome = harness.run(["watch", "notifications", "--reconnect-attempts", "0"])
        XCTAssertEqual(outcome.status, 9, outcome.err)
        XCTAssertContains(outcome.err, "closed with code 1011 (bad t=***!)")
        XCTAssertFalse(outcome.err.contains(String(tail.suffix(16))), outcome.err)
        // Nor does an error's body quoting a part of it.
        transport.register("GET", "/api/services/", status: 400, json: #"{"detail": "token ends \#(tail.suffix(20))"}"#)
        XCTAssertContains(harness.run(["services", "list"]).err, "token ends ***")
    }

    /// `--fields` in a table prints each field picked; a field the first message lacks is warned of (a
    /// stream's messages differ by type), with a "did you mean".
    func testWatchFieldsInATableAndATypoWarnedOf() {
        let messages: [StubWebSockets.Step] = [.message(#"{"type": "notification", "data": {"n": 1, "status": "ok"}}"#),
                                               .message(#"{"type": "notification", "data": {"n": 2, "status": "ok"}}"#)]
        sockets.connections = [.success(messages)]
        let table = harness.run(["watch", "notifications", "-o", "table", "--fields", "type,data.n", "--count", "2"])
        XCTAssertEqual(table.status, 0, table.err)
        XCTAssertEqual(table.out, "type=notification  data.n=1\ntype=notification  data.n=2\n")
        // A tab or newline from the server is shown as an escape, so a line stays one line of fields.
        sockets.connections = [.success([.message(#"{"type": "chat_message", "data": {"text": "a\tb\nc"}}"#)])]
        XCTAssertEqual(harness.run(["watch", "chat", "-o", "table", "--fields", "data.text", "--count", "1"]).out, "data.text=a\\x09b\\x0ac\n")
        sockets.connections = [.success([.message(#"{"type": "chat_message", "data": {"text": "a\tb"}}"#)])]
        XCTAssertEqual(harness.run(["watch", "chat", "-o", "table", "--count", "1"]).out, "chat_message  text=a\\x09b\n")
        XCTAssertEqual(table.err, "")
        sockets.connections = [.success(messages)]
        let typo = harness.run(["watch", "notifications", "-o", "csv", "--fields", "data.stauts", "--count", "2"])
        XCTAssertEqual(typo.status, 0, typo.err)
        XCTAssertEqual(typo.out, "data.stauts\n\n\n")
        XCTAssertEqual(typo.err, "homeserve: warning: --fields data.stauts: the first message has no such field; did you mean 'data.status'? (fields: type, data.n, data.status, data)\n")
    }

    func testCloseCodesForbiddenAndNotFound() {
        sockets.connections = [.success([.close(4003)])]
        let forbidden = harness.run(["watch", "status", "--user", "7", "--role", "vendor"])
        XCTAssertEqual(forbidden.status, 4)
        XCTAssertEqual(forbidden.err, "homeserve: not allowed to follow /ws/status/7/vendor/ (close code 4003)\n")
        sockets.connections = [.success([.close(4004)])]
        let missing = harness.run(["watch", "booking", booking])
        XCTAssertEqual(missing.status, 5)
        XCTAssertEqual(missing.err, "homeserve: no such channel /ws/bookings/\(booking)/ (close code 4004)\n")
        sockets.connections = [.failure(.rejected(status: 403, body: "role"))]
        XCTAssertEqual(harness.run(["watch", "booking", booking]).status, 4)
        XCTAssertEqual(harness.clock.slept, [], "no reconnects for what a reconnect cannot change")
    }

    func testAHandshakeAnsweredWithAnErrorEndsWithThatErrorsCode() {
        sockets.connections = [.failure(.rejected(status: 302, body: ""))]
        let redirected = harness.run(["watch", "booking", booking])
        XCTAssertEqual(redirected.status, ExitCode.redirected.rawValue)
        XCTAssertEqual(redirected.err, "homeserve: the WebSocket handshake for /ws/bookings/\(booking)/ was answered with HTTP 302, a redirect, which a WebSocket does not follow; check the URL in use, or the profile's ws_url ('homeserve config set ws_url URL')\n")
        sockets.connections = [.failure(.rejected(status: 400, body: "bad upgrade"))]
        XCTAssertEqual(harness.run(["watch", "booking", booking]).status, ExitCode.rejected.rawValue)
        XCTAssertEqual(harness.clock.slept, [], "no reconnects for what a reconnect cannot change")

        // A failing server may come back: reconnected, then its failure's code, not the network's.
        sockets.connections = [.failure(.rejected(status: 500, body: "")), .failure(.rejected(status: 503, body: ""))]
        let failing = harness.run(["watch", "booking", booking, "--reconnect-attempts", "1"])
        XCTAssertEqual(failing.status, ExitCode.badServerAnswer.rawValue)
        XCTAssertTrue(failing.err.hasSuffix("homeserve: the WebSocket handshake was answered with HTTP 503; gave up after 1 reconnect attempts\n"), failing.err)
        sockets.connections = [.failure(.rejected(status: 200, body: "<html>"))]
        XCTAssertEqual(harness.run(["watch", "booking", booking, "--reconnect-attempts", "0"]).status, ExitCode.badServerAnswer.rawValue,
                       "a 200 is an answer that cannot be used: what answered does not speak WebSocket")
        sockets.connections = [.failure(.protocolViolation(WebSocketProtocolError(reason: "frame of 209715200 bytes exceeds the 16777216-byte limit", closeCode: 1009)))]
        let huge = harness.run(["watch", "booking", booking, "--reconnect-attempts", "0"])
        XCTAssertEqual(huge.status, ExitCode.badServerAnswer.rawValue, "frames that cannot be read are the server's fault")
        XCTAssertTrue(huge.err.hasSuffix("protocol error: frame of 209715200 bytes exceeds the 16777216-byte limit\n"), "no reconnect made, none counted: " + huge.err)
        sockets.connections = [.failure(.connection("Connection refused"))]
        XCTAssertEqual(harness.run(["watch", "booking", booking, "--reconnect-attempts", "0"]).status, ExitCode.network.rawValue, "only a failed network is the network's")
        let broken = WebSocketFailure.protocolViolation(WebSocketProtocolError(reason: "unknown opcode 0x3", closeCode: 1002))
        sockets.connections = [.failure(broken), .failure(broken), .failure(broken)]
        let timedOut = harness.run(["watch", "booking", booking, "--timeout", "4"])
        XCTAssertEqual(timedOut.status, ExitCode.badServerAnswer.rawValue, "the same when --timeout runs out first: \(timedOut.err)")
        XCTAssertContains(timedOut.err, "when --timeout (4s) ran out", "protocol error: unknown opcode 0x3")
        sockets.connections = [.failure(.rejected(status: 503, body: "")), .failure(.rejected(status: 503, body: "")), .failure(.rejected(status: 503, body: ""))]
        let busy = harness.run(["watch", "booking", booking, "--timeout", "4"])
        XCTAssertEqual(busy.status, ExitCode.badServerAnswer.rawValue, "a 5xx is the server's when --timeout runs out first too: \(busy.err)")
    }

    func testARefusedTokenIsRenewedAndTheSocketReconnected() {
        let renewed = harness.token(expiresIn: 3600, life: 3600, tag: "new")
        transport.register("POST", "/auth/refresh/", json: harness.tokenReply(access: renewed))
        sockets.connections = [.success([.close(4001)]), .success([.message(#"{"type": "notification"}"#)])]
        let outcome = harness.run(["watch", "notifications", "--count", "1"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(outcome.out, "{\"type\":\"notification\"}\n")
        XCTAssertEqual(outcome.err, "homeserve: the server closed the connection: token refused (close code 4001); reconnecting in 3s (attempt 1/5)\n")
        XCTAssertEqual(sockets.urls, ["wss://api.test/ws/notifications/1/?token=\(access)", "wss://api.test/ws/notifications/1/?token=\(renewed)"])
        XCTAssertEqual(harness.clock.slept, [3])
        XCTAssertEqual(harness.credentials["profiles"]?["default"]?["access"]?.stringValue, renewed)
        transport.verify()
    }

    /// A token refused to the last reconnect is the session's failure (exit 3), not the network's; a token
    /// the handshake's answer echoes is not printed; a socket in plain ws:// to another host is warned of.
    func testATokenRefusedToTheLastIs3AndNotEchoed() {
        for tag in ["a", "b"] {
            transport.register("POST", "/auth/refresh/", json: harness.tokenReply(access: harness.token(expiresIn: 3600, life: 3600, tag: tag)))
        }
        let echoed = "Forbidden GET /ws/notifications/1/?token=\(access) HTTP/1.1"
        sockets.connections = [.failure(.rejected(status: 401, body: echoed)), .failure(.rejected(status: 401, body: echoed))]
        let outcome = harness.run(["watch", "notifications", "--reconnect-attempts", "1"])
        XCTAssertEqual(outcome.status, ExitCode.notAuthenticated.rawValue, outcome.err)
        XCTAssertContains(outcome.err, "gave up after 1 reconnect attempts")
        XCTAssertContains(outcome.err, "?token=*** HTTP/1.1")
        XCTAssertFalse(outcome.err.contains(access), outcome.err)

        // The profile's ws_url counts where no --url or HOMESERVE_URL holds the run to one server.
        harness.environment["HOMESERVE_URL"] = nil
        harness.writeSettings(["default": ["url": "https://api.test", "ws_url": "ws://192.0.2.2:8001"]])
        let plain = harness.run(["watch", "notifications", "--dry-run"])
        XCTAssertContains(plain.err, "homeserve: warning: sending credentials over plain ws:// to 192.0.2.2 (the profile's url is https); use wss\n")
        let doctor = harness.run(["doctor", "-o", "json"])
        let url = doctor.json["checks"]?.arrayValue?.first { $0["name"] == "url" }
        XCTAssertEqual(url?["status"], "warn", doctor.out)
        XCTAssertContains(url?["detail"]?.stringValue ?? "", "the sockets' ws://192.0.2.2:8001 sends their token in the clear")
        harness.writeSettings(["default": ["url": "https://api.test", "ws_url": "ws://127.0.0.1:8001"]])
        XCTAssertFalse(harness.run(["watch", "notifications", "--dry-run"]).err.contains("warning"), "loopback is not warned of")
    }

    /// The socket's own token, however it looks, is hidden in a handshake's answer and a close's reason.
    func testAnOpaqueSocketTokenIsNotEchoed() {
        harness.environment["HOMESERVE_TOKEN"] = "opaqueTok_ABCDEF123456"
        sockets.connections = [.failure(.rejected(status: 403, body: #"{"detail": "forbidden for opaqueTok_ABCDEF123456"}"#))]
        let refused = harness.run(["watch", "notifications", "--user", "5"])
        XCTAssertEqual(refused.status, 4, refused.err)
        XCTAssertContains(refused.err, "forbidden for ***")
        sockets.connections = [.success([.close(4003, reason: "bye opaqueTok_ABCDEF123456 and token=opaqueTok_ABCDEF123456")])]
        let closed = harness.run(["watch", "notifications", "--user", "5"])
        XCTAssertFalse(closed.err.contains("opaqueTok"), closed.err)
        XCTAssertContains(closed.err, "bye *** and token=***")
    }

    func testARefusedHOMESERVE_TOKENCannotReconnect() {
        harness.environment["HOMESERVE_TOKEN"] = "env.token.value"
        sockets.connections = [.success([.close(4001)])]
        let outcome = harness.run(["watch", "notifications", "--user", "3"])
        XCTAssertEqual(outcome.status, 3)
        XCTAssertEqual(outcome.err, "homeserve: the server closed the connection: token refused (close code 4001), and the token cannot be renewed (HOMESERVE_TOKEN was refused; unset it or renew it)\n")
        XCTAssertEqual(sockets.urls, ["wss://api.test/ws/notifications/3/?token=env.token.value"])
    }

    func testReconnectsRunningOutIs9() {
        sockets.connections = [.failure(.connection("Connection refused")), .success([.close(1006)])]
        let outcome = harness.run(["watch", "booking", booking, "--reconnect-attempts", "2", "--reconnect-delay", "1"])
        XCTAssertEqual(outcome.status, 9)
        XCTAssertEqual(lines(outcome.err), [
            "homeserve: cannot connect to wss://api.test/ws/bookings/\(booking)/: Connection refused; reconnecting in 1s (attempt 1/2)",
            "homeserve: connection to /ws/bookings/\(booking)/ lost: closed with code 1006; reconnecting in 1s (attempt 2/2)",
            "homeserve: cannot connect to wss://api.test/ws/bookings/\(booking)/: no handshake response in time; gave up after 2 reconnect attempts",
        ])
        XCTAssertEqual(harness.clock.slept, [1, 1])
        XCTAssertEqual(sockets.urls.count, 3)
    }

    func testWithoutASessionNeitherWatchNorAWaitSendsAnything() {
        for args in [["watch", "notifications", "--user", "1", "--timeout", "3"], ["bookings", "wait", booking, "--status", "confirmed", "--timeout", "3"]] {
            harness = Harness()
            let outcome = harness.run(args)
            XCTAssertEqual(outcome.status, ExitCode.notAuthenticated.rawValue, "\(args): \(outcome.err)")
            XCTAssertEqual(outcome.err, "homeserve: not logged in (profile 'default'); run 'homeserve auth login'\n")
            XCTAssertEqual(transport.requests.count, 0, "\(args)")
            XCTAssertEqual(sockets.urls.count, 0, "\(args)")
        }
    }

    func testAUserThatNoTokenNamesIsAskedForAndTheTokenIsNamed() {
        harness = Harness(environment: ["HOMESERVE_TOKEN": "garbage"])
        let outcome = harness.run(["watch", "notifications", "--timeout", "3"])
        XCTAssertEqual(outcome.status, ExitCode.usage.rawValue, outcome.err)
        XCTAssertEqual(outcome.err, "homeserve: 'watch notifications' needs --user ID: the token from HOMESERVE_TOKEN does not name its user (no user_id claim)\n")
        XCTAssertEqual(sockets.urls.count, 0)
        XCTAssertEqual(transport.requests.count, 0)
    }

    func testALoginOnTheWayIsBoundedByTheWaitsTimeout() {
        for args in [["watch", "notifications", "--timeout", "3"], ["bookings", "wait", booking, "--status", "confirmed", "--timeout", "3"]] {
            harness = Harness()
            harness.environment["HOMESERVE_USERNAME"] = "customer1"
            harness.environment["HOMESERVE_PASSWORD"] = "password123"
            transport.fail("POST", "/auth/login/", .timeout)
            let outcome = harness.run(["--retries", "0"] + args)
            XCTAssertEqual(outcome.status, ExitCode.network.rawValue, outcome.err)
            XCTAssertEqual(outcome.err, "homeserve: POST https://api.test/auth/login/: timed out (stubbed timeout)\n")
            XCTAssertEqual(transport.requests.map(\.url), ["https://api.test/auth/login/"], "\(args)")
            XCTAssertEqual(transport.requests.first?.timeout, 3, "the login gets what is left of --timeout 3, not the global 30 s: \(args)")
        }
    }

    func testARefreshOnTheWayIsNotCutShortByTheWaitsTimeout() {
        // A rotation whose answer is abandoned has spent the stored refresh token: it gets its full timeout.
        harness.storeSession(access: harness.token(expiresIn: 20, life: 300), refresh: "refresh-1")
        transport.register("POST", "/auth/refresh/", json: harness.tokenReply(access: harness.token(expiresIn: 300, life: 300, tag: "new")))
        sockets.connections = [.success([status("confirmed")])]
        let outcome = harness.run(["watch", "booking", booking, "--count", "1", "--timeout", "3"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(transport.log, ["POST /auth/refresh/"])
        XCTAssertEqual(transport.requests.first?.timeout, 30, "the global --timeout, not what is left of the wait's 3 s")
    }

    func testTLSFailuresOnConnectingAreNotRetried() {
        sockets.connections = [.failure(.tls("the server answered the TLS handshake with something else", plainHTTP: true))]
        let plain = harness.run(["watch", "booking", booking])
        XCTAssertEqual(plain.status, 9)
        XCTAssertEqual(plain.err, "homeserve: cannot connect to wss://api.test/ws/bookings/\(booking)/: the server answered the TLS handshake with something else: if the server speaks plain http, use an http:// or ws:// URL\n")
        sockets.connections = [.failure(.tls("SSL certificate problem: self-signed certificate", plainHTTP: false))]
        let untrusted = harness.run(["watch", "booking", booking])
        XCTAssertEqual(untrusted.status, 9)
        XCTAssertEqual(untrusted.err, "homeserve: cannot connect to wss://api.test/ws/bookings/\(booking)/: TLS failed: SSL certificate problem: self-signed certificate (--cacert FILE trusts another CA)\n")
        XCTAssertEqual(harness.clock.slept, [], "no reconnects")
        XCTAssertEqual(sockets.urls.count, 2)
    }

    func testATLSFailureOfBookingsWaitsSocketFallsBackToPolling() {
        transport.register("GET", "/api/bookings/\(booking)/", json: #"{"id": "\#(booking)", "status": "pending"}"#)
        transport.register("GET", "/api/bookings/\(booking)/", json: #"{"id": "\#(booking)", "status": "confirmed"}"#)
        sockets.connections = [.failure(.tls("the server answered the TLS handshake with something else", plainHTTP: true))]
        let outcome = harness.run(["bookings", "wait", booking, "--status", "confirmed", "--timeout", "120"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertTrue(outcome.err.contains("TLS failed: the server answered the TLS handshake with something else; polling every"), outcome.err)
        XCTAssertEqual(sockets.urls.count, 1, "the socket is not tried again")
        transport.verify()
    }

    func testBookingsWaitAnsweredWithNoBookingIsExit8NotATimeout() {
        for (first, answer) in [(true, "42"), (false, #""ok""#), (false, "{}"), (true, #"{"id": "x", "title": "t"}"#)] {
            if !first { transport.register("GET", "/api/bookings/\(booking)/", json: #"{"id": "\#(booking)", "status": "pending"}"#) }
            transport.register("GET", "/api/bookings/\(booking)/", json: answer)
            sockets.connections = [.failure(.connection("Connection refused"))]
            let outcome = harness.run(["bookings", "wait", booking, "--status", "confirmed", "--timeout", "3", "--poll", "1", "-q"])
            XCTAssertEqual(outcome.status, 8, "\(answer): " + outcome.err)
            XCTAssertContains(outcome.err, "homeserve: GET /api/bookings/\(booking)/: the answer ")
            transport.verify()
        }
    }

    func testBookingsWaitPollsWhileTheSocketReconnects() {
        transport.register("GET", "/api/bookings/\(booking)/", json: #"{"id": "\#(booking)", "status": "pending"}"#)
        transport.register("GET", "/api/bookings/\(booking)/", json: #"{"id": "\#(booking)", "status": "confirmed"}"#)
        sockets.connections = Array(repeating: .failure(.connection("Connection refused")), count: 6)
        let outcome = harness.run(["bookings", "wait", booking, "--status", "confirmed", "--poll", "2", "--reconnect-delay", "3", "-q"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(sockets.urls.count, 1, "the poll due during the first reconnect delay found it; the reconnects were not waited out")
        XCTAssertEqual(harness.clock.slept, [2], "the poll is made when due, not at the end of the reconnect delay")
        transport.verify()
    }

    func testAPollTheNetworkFailsIsTriedAgainAtTheNext() {
        transport.register("GET", "/api/bookings/\(booking)/", json: #"{"id": "\#(booking)", "status": "pending"}"#)
        transport.fail("GET", "/api/bookings/\(booking)/", .connect)
        transport.register("GET", "/api/bookings/\(booking)/", json: #"{"id": "\#(booking)", "status": "confirmed"}"#)
        sockets.connections = Array(repeating: .failure(.connection("Connection refused")), count: 6)
        let outcome = harness.run(["--retries", "0", "bookings", "wait", booking, "--status", "confirmed", "--poll", "2", "--reconnect-delay", "60"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertTrue(outcome.err.contains("the poll (GET) failed: stubbed connect; polling again in 2s"), outcome.err)
        XCTAssertEqual(harness.clock.slept, [2, 2])
        transport.verify()
    }

    func testAWaitThatNeverReachedTheServerAgainEndsAsANetworkFailure() {
        transport.register("GET", "/api/bookings/\(booking)/", json: #"{"id": "\#(booking)", "status": "pending"}"#)
        transport.fail("GET", "/api/bookings/\(booking)/", .connect, times: 3)
        sockets.connections = Array(repeating: .failure(.connection("Connection refused")), count: 6)
        let outcome = harness.run(["--retries", "0", "bookings", "wait", booking, "--status", "confirmed", "--poll", "2", "--timeout", "7", "--reconnect-delay", "60"])
        XCTAssertEqual(outcome.status, ExitCode.network.rawValue, outcome.err)
        XCTAssertTrue(outcome.err.hasSuffix("no answer about booking \(booking) when --timeout (7s) ran out: the last poll failed (stubbed connect) and the socket is down (cannot connect to wss://api.test/ws/bookings/\(booking)/: Connection refused); last status seen: pending\n"), outcome.err)
        transport.verify()
    }

    func testJqHaltEndsAWatch() {
        sockets.connections = [.success([status("confirmed"), status("in_progress")])]
        let outcome = harness.run(["watch", "booking", booking, "--jq", ".data.status, halt"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(outcome.out, "confirmed\n")
    }

    func testMessagesResetTheReconnectBudget() {
        sockets.connections = [.success([.message(#"{"type": "a"}"#), .close(1001)]), .success([.message(#"{"type": "b"}"#), .close(1001)]),
                               .success([.message(#"{"type": "c"}"#)])]
        let outcome = harness.run(["watch", "booking", booking, "--reconnect-attempts", "1", "--reconnect-delay", "0", "--count", "3", "-q"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(lines(outcome.out), [#"{"type":"a"}"#, #"{"type":"b"}"#, #"{"type":"c"}"#])
        XCTAssertEqual(outcome.err, "")
    }

    func testChatSendsItsGreetingOnce() {
        sockets.connections = [.success([.close(1011)]), .success([.message(#"{"type": "chat_message"}"#)])]
        let outcome = harness.run(["watch", "chat", "--send", #"{"type": "chat_message", "data": {"text": "On my way"}}"#, "--count", "1", "--reconnect-delay", "0"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(sockets.sent, [#"{"type":"chat_message","data":{"text":"On my way"}}"#])
        XCTAssertEqual(sockets.urls.first, "wss://api.test/ws/chat/1/customer/?token=\(access)", "the logged-in user's id and role")
    }

    /// A connection the server refuses (close 4001) took nothing sent on it: the message goes again on the
    /// next, once. One that delivered a message first had it taken.
    func testChatSendsItsGreetingAgainAfterTheConnectionItWentOnWasRefused() {
        transport.register("POST", "/auth/refresh/", json: harness.tokenReply(access: harness.token(expiresIn: 300, tag: "renewed")))
        sockets.connections = [.success([.close(4001)]), .success([.message(#"{"type": "chat_message"}"#)])]
        let outcome = harness.run(["watch", "chat", "--send", #"{"type": "chat_message"}"#, "--count", "1", "--reconnect-delay", "0"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(sockets.sent, [#"{"type":"chat_message"}"#, #"{"type":"chat_message"}"#])
        transport.verify()

        sockets.sent = []
        transport.register("POST", "/auth/refresh/", json: harness.tokenReply(access: harness.token(expiresIn: 300, tag: "again")))
        sockets.connections = [.success([.message(#"{"type": "joined"}"#), .close(4001)]), .success([.message(#"{"type": "chat_message"}"#)])]
        let taken = harness.run(["watch", "chat", "--send", #"{"type": "chat_message"}"#, "--count", "2", "--reconnect-delay", "0"])
        XCTAssertEqual(taken.status, 0, taken.err)
        XCTAssertEqual(sockets.sent, [#"{"type":"chat_message"}"#])

        // Lost before a refusal on a later connection: it may have been taken on the first, so it is not sent again.
        sockets.sent = []
        transport.register("POST", "/auth/refresh/", json: harness.tokenReply(access: harness.token(expiresIn: 300, tag: "third")))
        sockets.connections = [.success([.close(1011)]), .success([.close(4001)]), .success([.message(#"{"type": "chat_message"}"#)])]
        let lost = harness.run(["watch", "chat", "--send", #"{"type": "chat_message"}"#, "--count", "1", "--reconnect-delay", "0"])
        XCTAssertEqual(lost.status, 0, lost.err)
        XCTAssertEqual(sockets.sent, [#"{"type":"chat_message"}"#])
    }

    func testASessionFromTheEnvironmentWatchesAsTheUserItsTokensName() {
        let renewed = harness.token(expiresIn: 300, life: 300, userID: 7, tag: "env")
        harness.environment["HOMESERVE_REFRESH_TOKEN"] = harness.token(expiresIn: 86400, life: 86400, userID: 7, tag: "refresh")
        transport.register("POST", "/auth/refresh/", json: harness.tokenReply(access: renewed))
        sockets.connections = [.success([.message("{}")])]
        let outcome = harness.run(["watch", "notifications", "--count", "1"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(sockets.urls, ["wss://api.test/ws/notifications/7/?token=\(renewed)"])
        let chat = harness.run(["watch", "chat", "--count", "1"])
        XCTAssertEqual(chat.status, 2)
        XCTAssertContains(chat.err, "'watch chat' needs --role")
    }

    // MARK: Where sockets go

    func testSocketsKeepTheBaseURLsPath() {
        sockets.connections = [.success([.message("{}")]), .success([.message("{}")])]
        harness.storeSession(access: access, url: "https://h.example/prefix")
        XCTAssertEqual(harness.run(["--url", "https://h.example/prefix", "watch", "notifications", "--count", "1"]).status, 0)
        harness.storeSession(access: access, url: "http://h.example:8080/api-gw/v1")
        XCTAssertEqual(harness.run(["--url", "http://h.example:8080/api-gw/v1", "watch", "booking", booking, "--count", "1"]).status, 0)
        XCTAssertEqual(sockets.urls, ["wss://h.example/prefix/ws/notifications/1/?token=\(access)",
                                      "ws://h.example:8080/api-gw/v1/ws/bookings/\(booking)/?token=\(access)"])
    }

    func testTheProfilesSocketURLIsUsedOnlyWithTheProfilesURL() {
        harness.writeSettings(["default": ["url": "https://api.example", "ws_url": "wss://ws.example/live"]])
        sockets.connections = [.success([.message("{}")]), .success([.message("{}")])]
        XCTAssertEqual(harness.run(["watch", "notifications", "--count", "1"]).status, 0)
        harness.environment["HOMESERVE_URL"] = nil
        harness.storeSession(access: access, url: "https://api.example")
        XCTAssertEqual(harness.run(["watch", "notifications", "--count", "1"]).status, 0)
        XCTAssertEqual(sockets.urls, ["wss://api.test/ws/notifications/1/?token=\(access)", "wss://ws.example/live/ws/notifications/1/?token=\(access)"],
                       "HOMESERVE_URL's server gets the socket, never another host with its token")
    }

    func testADryRunShowsTheSocketWithoutItsToken() {
        let outcome = harness.run(["--dry-run", "watch", "booking", booking])
        XCTAssertEqual(outcome.status, 0)
        XCTAssertEqual(outcome.out, #"{"method":"GET","url":"wss://api.test/ws/bookings/\#(booking)/?token=***","headers":{"Upgrade":"websocket","Sec-WebSocket-Version":"13"}}"# + "\n")
        let chat = harness.run(["--dry-run", "watch", "chat", "--send", #"{"type": "chat_message", "data": {"text": "On my way"}}"#])
        XCTAssertTrue(chat.out.hasSuffix(#","send":{"type":"chat_message","data":{"text":"On my way"}}}"# + "\n"), "the message it would send: " + chat.out)
        // Its secret-named values are not shown.
        let secret = harness.run(["--dry-run", "watch", "chat", "--send", #"{"type": "auth", "data": {"password": "hunter2", "otp": "123456", "refresh": "zzzz"}}"#])
        XCTAssertTrue(secret.out.hasSuffix(#","send":{"type":"auth","data":{"password":"***","otp":"***","refresh":"***"}}}"# + "\n"), secret.out)
        XCTAssertEqual(sockets.urls, [])
    }

    // MARK: bookings wait

    func testBookingsWaitReturnsTheBookingOnceItReachesTheStatus() {
        let path = "/api/bookings/\(booking)/"
        bookingAnswers("pending")
        transport.register("GET", path, json: #"{"id": "\#(booking)", "status": "confirmed", "vendor": 7}"#)
        sockets.connections = [.success([.message(#"{"type": "notification"}"#), status("confirmed")])]
        let outcome = harness.run(["bookings", "wait", booking, "--status", "confirmed", "--timeout", "60"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(outcome.json, ["id": .string(booking), "status": "confirmed", "vendor": 7])
        XCTAssertEqual(sockets.urls, ["wss://api.test/ws/bookings/\(booking)/?token=\(access)"])
        transport.verify()
    }

    func testBookingsWaitIsDoneAtOnceWhenTheStatusIsAlreadyThere() {
        transport.register("GET", "/api/bookings/\(booking)/", json: #"{"message": "ok", "booking": {"id": "\#(booking)", "status": "signed"}}"#)
        let outcome = harness.run(["bookings", "wait", booking, "--status", "signed", "-o", "ndjson"])
        XCTAssertEqual(outcome.status, 0)
        XCTAssertEqual(outcome.out, #"{"id":"\#(booking)","status":"signed"}"# + "\n")
        XCTAssertEqual(sockets.urls, [])
        transport.verify()
    }

    func testBookingsWaitIsDoneAtOnceWhenTheBookingIsPastTheStatus() {
        transport.register("GET", "/api/bookings/\(booking)/", json: #"{"id": "\#(booking)", "status": "signed"}"#)
        let outcome = harness.run(["bookings", "wait", booking, "--status", "completed", "-o", "ndjson"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(outcome.out, #"{"id":"\#(booking)","status":"signed"}"# + "\n")
        XCTAssertEqual(outcome.err, "homeserve: booking \(booking) is past 'completed' already (status: signed)\n")
        XCTAssertEqual(sockets.urls, [], "nothing to wait for")
        transport.verify()

        let path = "/api/bookings/\(booking)/"
        bookingAnswers("pending", "in_progress")
        sockets.connections = [.success([status("in_progress")])]
        let skipped = harness.run(["bookings", "wait", booking, "--status", "confirmed", "-o", "ndjson", "--timeout", "60"])
        XCTAssertEqual(skipped.status, 0, "a transition that skips the status still passes it: \(skipped.err)")
        XCTAssertContains(skipped.err, "past 'confirmed' already (status: in_progress)")
        transport.verify()

        bookingAnswers("disputed")
        let disputed = harness.run(["bookings", "wait", booking, "--status", "completed", "-o", "ndjson"])
        XCTAssertEqual(disputed.status, 0, "a disputed booking was completed first: \(disputed.err)")
        transport.register("GET", path, json: #"{"id": "\#(booking)", "status": "disputed"}"#, times: 2)
        sockets.connections = [.success([])]
        let unsigned = harness.run(["bookings", "wait", booking, "--status", "signed", "--timeout", "5", "--poll", "3"])
        XCTAssertEqual(unsigned.status, 11, "a dispute is not a signature; it may still be signed: \(unsigned.err)")
        transport.verify()
    }

    func testBookingsWaitPollsAndTimesOutWith11() {
        let path = "/api/bookings/\(booking)/"
        // The socket stays silent; polls at 10 s and 20 s find the booking still pending.
        transport.register("GET", path, json: #"{"id": "\#(booking)", "status": "pending"}"#, times: 3)
        sockets.connections = [.success([])]
        let outcome = harness.run(["bookings", "wait", booking, "--status", "confirmed", "--timeout", "25", "--poll", "10"])
        XCTAssertEqual(outcome.status, 11)
        XCTAssertEqual(outcome.out, "")
        XCTAssertEqual(outcome.err, "homeserve: booking \(booking) did not reach 'confirmed' within 25s (last status: pending)\n")
        transport.verify()
    }

    func testBookingsWaitStopsWhenTheBookingIsCancelled() {
        bookingAnswers("pending", "cancelled")
        sockets.connections = [.success([status("cancelled")])]
        let start = harness.clock.monotonic()
        let outcome = harness.run(["bookings", "wait", booking, "--status", "confirmed", "--timeout", "600"])
        XCTAssertEqual(outcome.status, 11)
        XCTAssertEqual(outcome.out, "")
        XCTAssertEqual(outcome.err, "homeserve: booking \(booking) was cancelled; it cannot reach 'confirmed'\n")
        XCTAssertLessThan(harness.clock.monotonic() - start, 600, "without waiting out the clock")
        transport.verify()
    }

    /// A job done (completed or signed) is not cancelled: waiting for that ends at once, whether the booking
    /// was done when asked or became so on the way.
    func testBookingsWaitForACancellationOfAJobDoneEndsAtOnce() {
        bookingAnswers("signed")
        let start = harness.clock.monotonic()
        let signed = harness.run(["bookings", "wait", booking, "--status", "cancelled", "--timeout", "600"])
        XCTAssertEqual(signed.status, 11)
        XCTAssertEqual(signed.out, "")
        XCTAssertEqual(signed.err, "homeserve: booking \(booking) is signed; a job done is not cancelled\n")
        XCTAssertEqual(harness.clock.monotonic() - start, 0, "nothing waited for")
        transport.verify()

        bookingAnswers("in_progress", "completed")
        sockets.connections = [.success([status("completed")])]
        let completed = harness.run(["bookings", "wait", booking, "--status", "cancelled", "--timeout", "600"])
        XCTAssertEqual(completed.status, 11)
        XCTAssertEqual(completed.err, "homeserve: booking \(booking) is completed; a job done is not cancelled\n")
        transport.verify()
    }

    func testBookingsWaitPollsWhenTheSocketIsGone() {
        bookingAnswers("pending", "confirmed")
        sockets.connections = [.failure(.rejected(status: 502, body: ""))]
        let outcome = harness.run(["bookings", "wait", booking, "--status", "confirmed", "--poll", "10", "--reconnect-attempts", "0"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(outcome.json["status"], "confirmed")
        XCTAssertEqual(outcome.err, "homeserve: the WebSocket handshake was answered with HTTP 502; no more reconnects, polling every 10s instead\n")
        transport.verify()

        // A redirect, and a channel refused (sockets not served there, or not to this user) while the booking
        // reads: polled.
        for (connection, said) in [(Result<[StubWebSockets.Step], WebSocketFailure>.failure(.rejected(status: 301, body: "")),
                                    "the WebSocket handshake for /ws/bookings/\(booking)/ was answered with HTTP 301, a redirect, which a WebSocket does not follow"),
                                   (.failure(.rejected(status: 404, body: "nope")), "the WebSocket handshake for /ws/bookings/\(booking)/ was answered with HTTP 404: nope"),
                                   (.success([.close(4003, reason: "Not yours")]), "the server closed /ws/bookings/\(booking)/ with code 4003: Not yours")] {
            bookingAnswers("pending", "confirmed")
            sockets.connections = [connection]
            let polled = harness.run(["bookings", "wait", booking, "--status", "confirmed", "--poll", "10"])
            XCTAssertEqual(polled.status, 0, polled.err)
            XCTAssertEqual(polled.err, "homeserve: \(said); polling every 10s instead\n")
            XCTAssertEqual(polled.json["status"], "confirmed")
            transport.verify()
        }
        // Without polling to fall back on (watch), the refusal is the answer.
        sockets.connections = [.failure(.rejected(status: 404, body: "nope"))]
        XCTAssertEqual(harness.run(["watch", "booking", booking]).status, 5)
        sockets.connections = [.success([.close(4003)])]
        XCTAssertEqual(harness.run(["watch", "booking", booking]).status, 4)
    }

    func testTheCommandsOwnTimeoutDoesNotBecomeEachRequestsTimeout() {
        // --timeout after 'bookings wait' or 'watch' bounds the whole wait; one request attempt keeps the
        // global --timeout (given before the command), else its default.
        let path = "/api/bookings/\(booking)/"
        transport.register("GET", path, json: #"{"id": "\#(booking)", "status": "signed"}"#, times: 2)
        XCTAssertEqual(harness.run(["--timeout", "5", "bookings", "wait", booking, "--status", "signed", "--timeout", "900"]).status, 0)
        XCTAssertEqual(harness.run(["bookings", "wait", booking, "--status", "signed", "--timeout", "900"]).status, 0)
        XCTAssertEqual(transport.requests.map(\.timeout), [5, 30])
        transport.verify()

        let start = harness.clock.mono
        let outcome = harness.run(["--timeout", "5", "watch", "booking", booking, "--timeout", "100", "--reconnect-attempts", "0"])
        XCTAssertEqual(outcome.status, 9)
        XCTAssertEqual(harness.clock.mono - start, 5, "the handshake waited one attempt's timeout, not the whole wait")
    }

    /// A handshake answered with a page says what the page is, not its markup; one failure maps to the error
    /// `watch` would report, so `smoke --ws` exits as `watch` does.
    func testAHandshakeFailureIsReportedAsAFollowReportsIt() {
        let page = "<!DOCTYPE HTML>\n<html lang=\"en\"><head><title>Error response</title></head><body>404</body></html>"
        let detail = FollowError.handshakeDetail(status: 404, body: page)
        XCTAssertTrue(detail.hasPrefix("HTTP 404: "), detail)
        XCTAssertFalse(detail.contains("<"), detail)
        XCTAssertEqual(FollowError.handshakeDetail(status: 403, body: #"{"detail": "Not yours."}"#), "HTTP 403: Not yours.")
        XCTAssertEqual(FollowError.handshakeDetail(status: 500, body: ""), "HTTP 500")
        guard case FollowError.notFound(let path, _)? = FollowError.of(.rejected(status: 404, body: page), path: "/ws/x/", url: "ws://h/ws/x/") as? FollowError else {
            return XCTFail("a 404 is not found")
        }
        XCTAssertEqual(path, "/ws/x/")
        guard case FollowError.gaveUp(let reason, _, _, _)? = FollowError.of(.connection("Couldn't connect to server"), path: "/ws/x/", url: "ws://h/ws/x/") as? FollowError else {
            return XCTFail("no connection is a follow given up")
        }
        XCTAssertEqual(reason, "cannot connect to ws://h/ws/x/: Couldn't connect to server")
        XCTAssertTrue(FollowError.of(.interrupted, path: "/ws/x/", url: "ws://h/ws/x/") is Cancelled)
        // A 200 is no WebSocket: an answer that cannot be used (8), as `watch` has it.
        guard case FollowError.gaveUp(_, _, 200, true)? = FollowError.of(.rejected(status: 200, body: "<html>"), path: "/ws/x/", url: "ws://h/ws/x/") as? FollowError else {
            return XCTFail("a 200 is an unusable answer")
        }
        guard case FollowError.tokenRefused? = FollowError.of(.closed(code: 4001, reason: ""), path: "/ws/x/", url: "ws://h/ws/x/") as? FollowError else {
            return XCTFail("a close 4001 refuses the token")
        }
    }

    /// A channel refusing the token (close 4001) is opened again once with a renewed one, as `watch` does.
    func testSmokeRenewsATokenAChannelRefuses() {
        harness.logIn()
        transport.register("GET", "/api/bookings/?page_size=1", json: "[]")
        let renewed = harness.token(expiresIn: 3600, tag: "renewed")
        transport.register("POST", "/auth/refresh/", json: harness.tokenReply(access: renewed))
        sockets.connections = [.success([.close(4001)]), .success([]), .success([]), .success([])]
        let outcome = harness.run(["smoke", "--ws", "-o", "json"])
        let cases = (outcome.json["cases"]?.arrayValue ?? []).filter { $0["case"]?.stringValue?.hasPrefix("ws ") == true }
        XCTAssertEqual(cases.map { $0["result"]?.stringValue ?? "" }, ["pass", "pass", "pass"], outcome.out)
        XCTAssertEqual(sockets.urls.count, 4)
        XCTAssertTrue(sockets.urls[1].hasSuffix("?token=\(renewed)"), sockets.urls[1])
        XCTAssertEqual(transport.requests.filter { $0.url.hasSuffix("/auth/refresh/") }.count, 1)
    }

    /// A case's detail counts in words: one booking, one vendor; two of each.
    func testSmokeCountsInTheSingularAndPlural() {
        harness.logIn()
        for (count, words) in [(1, ["1 booking on the first page", "1 vendor at 560001"]), (2, ["2 bookings on the first page", "2 vendors at 560001"])] {
            let rows = "[" + (1...count).map { #"{"id": \#($0)}"# }.joined(separator: ",") + "]"
            transport.register("GET", "/api/bookings/?page_size=1", json: "[]")
            transport.register("GET", "/api/bookings/", json: rows)
            transport.register("GET", "/api/vendor-search/?pincode=560001", json: #"{"pincode": "560001", "vendors": \#(rows)}"#)
            let cases = harness.run(["smoke", "-o", "json"]).json["cases"]?.arrayValue ?? []
            let details = ["bookings list", "vendors search"].map { name in cases.first { $0["case"]?.stringValue == name }?["detail"]?.stringValue ?? "" }
            XCTAssertEqual(details, words, "\(cases)")
        }
    }

    /// `smoke --ws` holds each channel open a moment: one the server closes as it opens (Channels' way of
    /// refusing it) fails its case, with the code `watch` would exit with.
    func testSmokeFailsAChannelTheServerClosesAsItOpens() {
        harness.logIn()
        transport.register("GET", "/api/bookings/?page_size=1", json: "[]")
        sockets.connections = [.success([.close(4003, reason: "Not yours")]), .success([.message(#"{"type": "hello"}"#)]), .success([.close(1000)])]
        let outcome = harness.run(["smoke", "--ws", "-o", "json"])
        let cases = (outcome.json["cases"]?.arrayValue ?? []).filter { $0["case"]?.stringValue?.hasPrefix("ws ") == true }
        XCTAssertEqual(cases.map { $0["result"]?.stringValue ?? "" }, ["fail", "pass", "fail"], outcome.out)
        XCTAssertEqual(cases.map { $0["detail"]?.stringValue ?? "" }, [
            "not allowed to follow /ws/notifications/1/ (close code 4003: Not yours)",
            "opened /ws/chat/1/customer/, a message arrived, closed",
            "the server closed /ws/status/1/customer/ as it opened: closed with code 1000",
        ])
    }

    /// --until compares values, not their text: null matches `null`, a number matches however it is written.
    func testUntilMatchesNullAndNumbersAsValues() {
        let until = WatchCommands.Until("booking_status_change:vendor=null")
        XCTAssertEqual(until?.matches(["type": "booking_status_change", "data": ["vendor": nil]]), true)
        XCTAssertEqual(until?.matches(["type": "booking_status_change", "data": ["vendor": 2]]), false)
        XCTAssertEqual(until?.matches(["type": "booking_status_change", "data": [:]]), false, "a field not there is not null")
        let price = WatchCommands.Until("payment_update:amount=1.0")
        XCTAssertEqual(price?.matches(["type": "payment_update", "data": ["amount": 1]]), true)
        XCTAssertEqual(price?.matches(["type": "payment_update", "data": ["amount": .number("1.00")]]), true)
        XCTAssertEqual(price?.matches(["type": "payment_update", "data": ["amount": 2]]), false)
        XCTAssertEqual(price?.matches(["type": "payment_update", "data": ["amount": "1.0"]]), true, "text as ever")
        let big = WatchCommands.Until("booking_status_change:id=9007199254740993")
        XCTAssertEqual(big?.matches(["type": "booking_status_change", "data": ["id": .number("9007199254740992")]]), false, "whole numbers compared exactly")
        XCTAssertEqual(big?.matches(["type": "booking_status_change", "data": ["id": .number("9007199254740993")]]), true)
        XCTAssertEqual(WatchCommands.Until("t:x=0x10")?.matches(["type": "t", "data": ["x": 16]]), false, "not a JSON number")
        XCTAssertEqual(WatchCommands.Until("t:x=inf")?.matches(["type": "t", "data": ["x": .number("1e999")]]), false)
    }
}
