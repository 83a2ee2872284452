import HomeServeAPI
@testable import HomeServeCLI
import HomeServeCore
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Every way a server can answer one request, and what the user gets for it: the exit code, stdout,
/// the message on stderr, the requests sent (and retried), and the waits in between.
final class ResponsePathTests: XCTestCase {
    let booking = "3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13"
    var path: String { "/api/bookings/\(booking)/" }
    let create = ["bookings", "create", "--service", "1", "--pincode", "560001", "--date", "2026-12-01T10:00:00+05:30", "--price", "499"]

    var harness: Harness!
    var access = ""

    override func setUp() {
        harness = Harness()
        access = harness.logIn()
    }

    var transport: StubTransport { harness.transport }

    /// Runs and checks the exit code, that stdout stayed empty, and that stderr has one `homeserve:` line
    /// (plus any detail lines) containing the fragments.
    @discardableResult
    func fails(_ args: [String], _ code: ExitCode, _ fragments: String..., file: StaticString = #filePath, line: UInt = #line) -> Harness.Outcome {
        let outcome = harness.run(args)
        XCTAssertEqual(outcome.status, code.rawValue, outcome.err, file: file, line: line)
        XCTAssertEqual(outcome.out, "", file: file, line: line)
        XCTAssertTrue(outcome.err.hasPrefix("homeserve: "), outcome.err, file: file, line: line)
        for fragment in fragments where !outcome.err.contains(fragment) {
            XCTFail("\(outcome.err.debugDescription) lacks \(fragment.debugDescription)", file: file, line: line)
        }
        transport.verify(file: file, line: line)
        return outcome
    }

    // MARK: Validation (400, 422)

    func testDRFFieldErrorsAreExit6WithOneLinePerField() {
        transport.register("POST", "/api/bookings/", status: 400,
                           json: #"{"pincode": ["Enter a valid pincode."], "scheduled_date": ["Must be in the future.", "Not on a holiday."]}"#)
        let outcome = fails(create, .rejected)
        XCTAssertEqual(lines(outcome.err), [
            "homeserve: POST /api/bookings/ failed: HTTP 400: the server rejected the request",
            "homeserve:   pincode: Enter a valid pincode.",
            "homeserve:   scheduled_date: Must be in the future.; Not on a holiday.",
        ])
        XCTAssertEqual(transport.log, ["POST /api/bookings/"])
        XCTAssertEqual(transport.requests[0].json?["total_price"], "499.00")
    }

    /// Without --price no total_price is sent: the server prices the booking (the contract's "calculated
    /// dynamically"), and a line on stderr says what it came to, found in whatever envelope holds the booking.
    func testWithoutAPriceTheServerPricesTheBooking() {
        let unpriced = Array(create.dropLast(2))
        transport.register("POST", "/api/bookings/", status: 201, json: #"{"id": "b1", "total_price": "1499.50"}"#)
        let booked = harness.run(unpriced + ["-o", "json"])
        XCTAssertEqual(booked.status, 0, booked.err)
        XCTAssertEqual(transport.log, ["POST /api/bookings/"], "no quote asked for first")
        XCTAssertNil(transport.requests[0].json?["total_price"])
        XCTAssertContains(booked.err, "Created booking b1. The server priced it at 1499.50.")
        transport.register("POST", "/api/bookings/", status: 201, json: #"{"message": "Booked", "data": {"id": "b2", "total_price": 650}}"#)
        XCTAssertContains(harness.run(unpriced).err, "Booked (booking b2); the server priced it at 650.")
        transport.register("POST", "/api/bookings/", status: 201, json: #"{"id": "b3"}"#)
        XCTAssertEqual(lines(harness.run(unpriced).err), ["homeserve: Created booking b3."], "no price in the answer, none claimed")
    }

    /// DRF answers 200 and leaves as it was a field this account may not change: the answer showing another
    /// value than the one sent is exit 6, naming it and what was changed; the server's own way of writing a
    /// value (a price with decimals, a time in UTC, trimmed text) is the same value.
    func testAnUpdateTheServerDidNotTakeIsExit6() {
        transport.register("PATCH", path, json: #"{"id": "\#(booking)", "customer_notes": "Ring twice", "vendor_notes": "", "total_price": "349.00"}"#)
        let outcome = fails(["bookings", "update", booking, "--notes", "Ring twice", "--vendor-notes", "hack", "--set", "total_price=-5"], .rejected)
        XCTAssertEqual(outcome.err, "homeserve: PATCH \(path) was answered with success, but the server did not take what was sent: vendor_notes is \"\", not \"hack\"; total_price is \"349.00\", not -5; customer_notes was changed\n")
        transport.register("PATCH", path, json: #"{"message": "Booking updated", "booking": {"id": "\#(booking)", "customer_notes": "Ring twice ", "total_price": "349.00", "scheduled_date": "2026-12-03T04:00:00Z", "buffer_after_minutes": 15, "vendor_notes": null}}"#)
        let taken = harness.run(["bookings", "update", booking, "--notes", "Ring twice", "--set", "total_price=349", "--date", "2026-12-03T09:30:00+05:30",
                                 "--set", "buffer_after_minutes=15", "--set", "vendor_notes=", "-o", "json"])
        XCTAssertEqual(taken.status, 0, taken.err)
        // Another booking, or none, in the answer: the booking is read back, and held to the same check.
        for answer in [#"{"id": "someone-else", "customer_notes": "old"}"#, #"{"message": "ok"}"#, "{}"] {
            transport.register("PATCH", path, json: answer)
            transport.register("GET", path, json: #"{"id": "\#(booking)", "customer_notes": "old"}"#)
            fails(["bookings", "update", booking, "--notes", "new"], .rejected, "the server did not take what was sent: customer_notes is \"old\", not \"new\"")
        }
        transport.register("PATCH", path, status: 204, body: [])
        transport.register("GET", path, json: #"{"id": "\#(booking)", "customer_notes": "new"}"#)
        XCTAssertEqual(harness.run(["bookings", "update", booking, "--notes", "new", "-q"]).status, 0)
        transport.register("PATCH", path, json: "{}")
        transport.register("GET", path, status: 500, json: #"{"detail": "down"}"#)
        fails(["--retries", "0", "bookings", "update", booking, "--notes", "new"], .badServerAnswer, "reading the booking back to check the change failed")
        // A server that names its booking otherwise shows nothing to compare: the update stands.
        transport.register("PATCH", path, json: #"{"message": "Booking updated"}"#)
        transport.register("GET", path, json: #"{"booking_id": "\#(booking)", "customer_notes": "old"}"#)
        XCTAssertEqual(harness.run(["bookings", "update", booking, "--notes", "new", "-q"]).status, 0)
        // A read back that is not the booking (a list, nothing, another booking) cannot confirm the change.
        for (read, found) in [(#"{"count": 1, "results": [{"id": "\#(booking)", "customer_notes": "old"}]}"#, "a list"), ("[]", "a list"),
                              ("{}", "nothing"), (#"{"id": "other", "customer_notes": "new"}"#, "booking other")] {
            transport.register("PATCH", path, json: #"{"message": "Updated"}"#)
            transport.register("GET", path, json: read)
            fails(["bookings", "update", booking, "--notes", "new"], .badServerAnswer,
                  "PATCH \(path) was answered with success, but reading the booking back to check the change found \(found)")
        }
        // A field left null (a vendor this account may not assign) is not taken, nor is null sent to a field kept.
        let kept = #"{"id": "\#(booking)", "vendor": null, "buffer_after_minutes": 15}"#
        transport.register("PATCH", path, json: kept)
        fails(["bookings", "update", booking, "--set", "vendor=7"], .rejected, "the server did not take what was sent: vendor is null, not 7")
        transport.register("PATCH", path, json: kept)
        fails(["bookings", "update", booking, "--set", "buffer_after_minutes=null"], .rejected, "buffer_after_minutes is 15, not null")
        // A field the booking does not show (a name mistyped, or one it keeps to itself) cannot be checked: said so.
        transport.register("PATCH", path, json: #"{"id": "\#(booking)", "customer_notes": "Ring twice"}"#)
        let unshown = harness.run(["bookings", "update", booking, "--set", "customer_note=Ring twice", "-o", "json"])
        XCTAssertEqual(unshown.status, 0, unshown.err)
        XCTAssertEqual(unshown.err, "homeserve: the booking does not show customer_note, so whether it was taken cannot be told\n")
        // One shown otherwise, as may be the same value (a number sent, text shown): not checked, and said so.
        transport.register("PATCH", path, json: #"{"id": "\#(booking)", "customer_notes": "x"}"#)
        let otherwise = harness.run(["bookings", "update", booking, "--set", "id=5", "-o", "json"])
        XCTAssertEqual(otherwise.status, 0, otherwise.err)
        XCTAssertEqual(otherwise.err, "homeserve: the booking's id is \"\(booking)\" (5 sent), which may be what was sent written otherwise, or not: not checked\n")
        // Text the server keeps without the white space around it (a note from a file ends in a newline).
        for note in ["trail\n", "\nlead", "x\r", "\u{00A0}nbsp", "x\u{2028}"] {
            transport.register("PATCH", path, json: #"{"id": "\#(booking)", "customer_notes": "\#(note.trimmingCharacters(in: .whitespacesAndNewlines))"}"#)
            XCTAssertEqual(harness.run(["bookings", "update", booking, "--notes", note]).status, 0, note.debugDescription)
        }
        transport.verify()
    }

    /// What the server keeps is compared as it writes it; what could have been read another way is not
    /// called untaken (nil), and only a value that is plainly another is (true).
    func testAValueKeptIsComparedAsTheServerWritesIt() throws {
        let cases: [(String, String, Bool?)] = [
            (#""Ring twice""#, #""Ring twice ""#, false), (#""trail\n""#, #""trail""#, false), (#""new""#, #""old""#, true),
            ("349", #""349.00""#, false), ("-5", #""349.00""#, true), (#""0x10""#, #""16""#, false), ("12", #""Ravi Kumar""#, nil),
            // Text sent and shown as a number, or a number shown as nothing, is plainly another value.
            (#""42""#, #""""#, true), (#""abcdef""#, #""560001""#, true), (#""abc""#, #""989.01""#, true),
            (#""0560002""#, #""560001""#, true), (#""007""#, "7", false),
            (#""2026-12-03T09:30:00+05:30""#, #""2026-12-03T04:00:00.000000Z""#, false), (#""2026-12-03T09:30:00+05:30""#, #""2026-12-04T04:00:00Z""#, true),
            (#""2026-12-03T09:30:00+05:30""#, #""2026-12-03T09:30:00""#, nil), (#""2026-12-03T10:00:00""#, #""2026-12-03T10:00:00+05:30""#, nil),
            ("true", "true", false), ("1", "true", nil), (#""True""#, "true", nil), ("true", "false", true),
            ("12", #"{"id": 12, "name": "Ravi"}"#, false), ("13", #"{"id": 12}"#, true), ("12", #"{"name": "Ravi"}"#, nil),
            (#""AA11BB22-0000-4000-8000-000000000001""#, #""aa11bb22-0000-4000-8000-000000000001""#, false),
            (#""10:00""#, #""10:00:00""#, false), (#""10:00""#, #""11:00:00""#, true), ("5400", #""01:30:00""#, nil),
            (#""""#, "null", false), ("null", #""""#, false), ("null", #"" ""#, false),
            // A value against none is another, whatever its type: a vendor left unassigned, a buffer not cleared.
            ("7", "null", true), ("7.5", "null", true), ("true", "null", true), ("0", "null", true), (#""x""#, "null", true),
            ("null", "15", true), ("null", #"{"id": 12}"#, true), ("null", "false", true),
        ]
        for (sent, kept, expected) in cases {
            XCTAssertEqual(BookingCommands.differs(try JSON.parse(sent), try JSON.parse(kept)), expected, "\(sent) kept as \(kept)")
        }
    }

    func testAFieldCalledStatusOrCodeKeepsItsMessages() {
        transport.register("PATCH", path, status: 400, json: #"{"status": ["Cannot change status from pending to confirmed."], "pincode": ["Not served."]}"#)
        let outcome = fails(["bookings", "update", booking, "--status", "confirmed"], .rejected)
        XCTAssertEqual(lines(outcome.err), [
            "homeserve: PATCH \(path) failed: HTTP 400: the server rejected the request",
            "homeserve:   status: Cannot change status from pending to confirmed.",
            "homeserve:   pincode: Not served.",
        ])
    }

    func testFieldMessagesBesideADetailAreShown() {
        transport.register("POST", "/auth/login/", status: 400, json: #"{"detail": "Registration failed.", "password": ["This password is too common."], "code": "invalid", "hints": []}"#)
        let login = harness.run(["auth", "login", "--username", "customer1", "--password-stdin"], stdin: "pw\n")
        XCTAssertEqual(login.status, ExitCode.notAuthenticated.rawValue, login.err)
        XCTAssertEqual(login.err, "homeserve: logging in as customer1 failed: HTTP 400: Registration failed.; password: This password is too common.\n")
        transport.register("POST", "/api/bookings/", status: 400, json: #"{"detail": "Invalid booking.", "pincode": ["Not served."], "code": "invalid", "hints": []}"#)
        let outcome = fails(create, .rejected)
        XCTAssertEqual(lines(outcome.err), ["homeserve: POST /api/bookings/ failed: HTTP 400: Invalid booking.", "homeserve:   pincode: Not served."])
    }

    func testAReadAnswered2xxSayingItFailedIs8AndPrintsNothing() {
        transport.register("GET", "/api/services/", json: #"{"success": false, "message": "Maintenance"}"#)
        fails(["services", "list", "-o", "csv"], .badServerAnswer, "GET /api/services/: the answer (HTTP 200) says the request failed: Maintenance")
        transport.register("GET", path, json: #"{"status": "error", "message": "DB down"}"#)
        fails(["bookings", "get", booking], .badServerAnswer, "says the request failed: DB down")
        // A resource whose own status is a failure is data.
        transport.register("GET", path, json: #"{"id": "\#(booking)", "status": "error", "success": false}"#)
        XCTAssertEqual(harness.run(["bookings", "get", booking, "--jq", ".status"]).out, "error\n")

        // An `error` that says something, or `errors` listed, beside data or not: in every format, exit 8.
        let failed = [(#"{"error": "backend unavailable"}"#, "backend unavailable"),
                      (#"{"error": {"code": "E500", "message": "backend down"}}"#, "backend down"),
                      (#"{"error": true, "message": "quota spent"}"#, "quota spent"),
                      (#"{"data": {"id": 1}, "errors": [{"message": "partial: vendor lookup failed"}]}"#, "errors: message: partial: vendor lookup failed")]
        for (answer, said) in failed {
            for format in ["csv", "json"] {
                transport.register("GET", path, json: answer)
                fails(["bookings", "get", booking, "-o", format], .badServerAnswer, "says the request failed: \(said)")
            }
        }
        transport.register("GET", "/api/services/", json: #"{"error": {"code": 500, "message": "backend down"}, "data": []}"#)
        fails(["services", "list", "-o", "csv"], .badServerAnswer, "says the request failed: backend down")
        // Errors listed without words: failed all the same, in the words a failure without any gets.
        for answer in [#"{"errors": [""]}"#, #"{"errors": ["", null]}"#, #"{"errors": [{"message": ""}]}"#] {
            transport.register("GET", path, json: answer)
            let outcome = harness.run(["bookings", "get", booking])
            XCTAssertEqual(outcome.status, 8, answer)
            XCTAssertEqual(outcome.err, "homeserve: GET \(path): the answer (HTTP 200) says the request failed: the server reported that the request failed\n", answer)
        }
        // Nothing said: an `error` that is null, false or empty, and `errors` that list nothing.
        transport.register("GET", path, json: #"{"data": {"id": "\#(booking)"}, "error": null, "errors": []}"#)
        XCTAssertEqual(harness.run(["bookings", "get", booking, "--jq", ".data.id"]).out, "\(booking)\n")
        transport.register("GET", "/api/services/", json: #"{"data": [{"id": 1}], "error": false, "errors": {}}"#)
        XCTAssertEqual(harness.run(["services", "list", "-o", "csv"]).out, "id\n1\n")
        transport.verify()
    }

    /// A change answered 2xx with an error that says something, or errors listed, did not happen: exit 6.
    func testAChangeAnswered2xxWithAnErrorIsRejected() {
        let accept = "/api/bookings/\(booking)/accept_booking/"
        for (answer, said) in [(#"{"error": "Not assigned"}"#, "Not assigned"), (#"{"error": {"code": "E", "message": "Already signed"}}"#, "Already signed"),
                               (#"{"errors": [{"message": "nope"}]}"#, "errors: message: nope")] {
            transport.register("POST", accept, json: answer)
            fails(["bookings", "accept", booking], .rejected, said)
        }
        transport.register("POST", accept, json: #"{"id": "\#(booking)", "status": "confirmed", "error": null}"#)
        XCTAssertEqual(harness.run(["bookings", "accept", booking]).status, 0)
        transport.verify()
    }

    /// A list where one thing is due, in its envelope or as a page of one, is exit 8, as a bare one is.
    func testAListInAnEnvelopeWhereOneThingIsDueIs8() {
        for answer in [#"{"count": 0, "next": null, "previous": null, "results": []}"#, #"{"data": []}"#, #"{"data": [{"id": 1}]}"#,
                       #"{"count": 1, "results": [{"id": 1}]}"#, #"{"results": [{"id": 1}]}"#,
                       #"{"data": {"results": [{"id": 1}], "count": 1}, "meta": {"page": 1, "page_size": 20, "total_pages": 1}}"#,
                       #"{"entries": [{"id": 1}], "meta": {"total": 1}}"#, #"{"_embedded": {"bookings": [{"id": 1}]}}"#,
                       #"{"hits": {"total": 1, "hits": [{"_id": "1"}]}}"#, #"{"value": [{"id": 1}], "@odata.count": 1}"#,
                       #"{"content": [{"id": 1}], "totalPages": 1, "number": 0}"#, #"{"rows": [{"id": "a"}], "next": "https://api.test/?page=2"}"#,
                       #"{"rows": [{"id": "a"}], "previous": null}"#, #"{"records": [{"id": "a"}], "next_cursor": null}"#,
                       #"{"rows": [{"id": "a"}], "page_info": {"has_next_page": false}}"#] {
            transport.register("GET", path, json: answer)
            let outcome = fails(["bookings", "get", booking, "-o", "csv"], .badServerAnswer, "the answer is ")
            XCTAssertContains(outcome.err, "list where one object is due")
        }
        // A resource that holds a list of its own is one thing, wrapped or not, with an id or not.
        transport.register("GET", path, json: #"{"id": "\#(booking)", "results": [1, 2], "count": 2}"#)
        XCTAssertEqual(harness.run(["bookings", "get", booking, "--jq", ".count"]).out, "2\n")
        transport.register("GET", path, json: #"{"data": {"id": "\#(booking)", "photos": [{"id": 7}]}}"#)
        XCTAssertEqual(harness.run(["bookings", "get", booking, "--jq", ".data.photos[0].id"]).out, "7\n")
        transport.register("GET", path, json: #"{"booking_id": "\#(booking)", "photos": [{"id": 7}]}"#)
        XCTAssertEqual(harness.run(["bookings", "get", booking, "--jq", ".photos[0].id"]).out, "7\n")
        transport.verify()
    }

    func testRetriesThatSucceedAreNotedAndQuietWithQ() {
        transport.register("GET", path, status: 503, json: #"{"detail": "busy"}"#)
        transport.register("GET", path, json: #"{"id": "\#(booking)"}"#)
        let noisy = harness.run(["bookings", "get", booking, "--jq", ".id"])
        XCTAssertEqual(noisy.status, 0)
        XCTAssertEqual(noisy.err, "homeserve: HTTP 503 from GET https://api.test\(path); retrying in 0.4s (1/3)\n")
        transport.register("GET", path, status: 503, json: #"{"detail": "busy"}"#)
        transport.register("GET", path, json: #"{"id": "\#(booking)"}"#)
        let quiet = harness.run(["-q", "bookings", "get", booking, "--jq", ".id"])
        XCTAssertEqual(quiet.status, 0)
        XCTAssertEqual(quiet.err, "", "a retry that worked needs nobody")
        XCTAssertEqual(quiet.out, "\(booking)\n")
    }

    func testAnErrorObjectEnvelopeGivesItsMessageAndFields() {
        transport.register("POST", "/api/bookings/", status: 422,
                           json: #"{"error": {"code": "validation_failed", "message": "The booking is invalid", "fields": {"pincode": "not served"}}}"#)
        let outcome = fails(create, .rejected)
        XCTAssertEqual(lines(outcome.err), ["homeserve: POST /api/bookings/ failed: HTTP 422: The booking is invalid", "homeserve:   pincode: not served"])
    }

    func testAStatusMessageErrorsEnvelopeGivesItsMessageAndFields() {
        transport.register("POST", "/api/bookings/", status: 400,
                           json: #"{"status": "error", "message": "The given data was invalid.", "errors": {"service": ["Unknown service."], "pincode": ["Required."]}}"#)
        let outcome = fails(create, .rejected)
        XCTAssertEqual(lines(outcome.err), ["homeserve: POST /api/bookings/ failed: HTTP 400: The given data was invalid.",
                                            "homeserve:   service: Unknown service.", "homeserve:   pincode: Required."])
    }

    func testAnotherClientErrorIsRejectedToo() {
        transport.register("GET", path, status: 418, json: #"{"detail": "I'm a teapot"}"#)
        fails(["bookings", "get", booking], .rejected, "GET \(path) failed: HTTP 418: I'm a teapot")
    }

    // MARK: 401: the hint names the fix that fits

    func testA401WithoutASessionSaysHowToLogIn() {
        harness = Harness()
        transport.register("GET", "/api/bookings/", status: 401, json: #"{"detail": "Authentication credentials were not provided."}"#)
        let outcome = fails(["bookings", "list"], .notAuthenticated)
        XCTAssertEqual(outcome.err, "homeserve: GET /api/bookings/ failed: HTTP 401: Authentication credentials were not provided. (not logged in as profile 'default'; run 'homeserve auth login')\n")
        XCTAssertNil(transport.requests[0].bearer)
    }

    func testAnEndedSessionNamesTheProfileToLogInAgainWith() {
        let staging = harness.logIn(profile: "staging")
        transport.register("GET", path, status: 401, json: #"{"detail": "Given token not valid for any token type", "code": "token_not_valid"}"#)
        transport.register("POST", "/auth/refresh/", status: 401, json: #"{"detail": "Token is blacklisted", "code": "token_not_valid"}"#)
        let outcome = fails(["--profile", "staging", "bookings", "get", booking], .notAuthenticated)
        XCTAssertEqual(outcome.err, "homeserve: the session of profile 'staging' has ended (the refresh token was refused); run 'homeserve --profile staging auth login', or set HOMESERVE_PASSWORD (or the profile's password_command) to renew sessions unattended\n")
        XCTAssertEqual(transport.requests[0].bearer, staging)
        XCTAssertEqual(transport.requests[1].json, ["refresh": "refresh-1"])
        XCTAssertEqual(harness.credentials["profiles"]?["staging"]?["access"]?.stringValue, staging, "an ended session is left as it was")
    }

    func testAProfileChosenByTheEnvironmentIsNamedInTheHintToo() {
        harness.logIn(profile: "ops")
        harness.environment["HOMESERVE_PROFILE"] = "ops"
        transport.register("GET", path, status: 401, json: #"{"detail": "expired"}"#)
        transport.register("POST", "/auth/refresh/", status: 400, json: #"{"refresh": ["This field may not be blank."]}"#)
        fails(["bookings", "get", booking], .notAuthenticated, "profile 'ops' has ended", "run 'homeserve --profile ops auth login'")
    }

    func testARefusedHOMESERVE_TOKENIsNeverRefreshed() {
        harness.environment["HOMESERVE_TOKEN"] = "minted.elsewhere.token"
        transport.register("GET", path, status: 401, json: #"{"detail": "Token expired"}"#)
        let outcome = fails(["bookings", "get", booking], .notAuthenticated)
        XCTAssertEqual(outcome.err, "homeserve: HOMESERVE_TOKEN was refused and cannot be refreshed; unset it or renew it\n")
        XCTAssertEqual(transport.log, ["GET \(path)"])
        XCTAssertEqual(transport.requests[0].bearer, "minted.elsewhere.token")
    }

    func testA401AfterARefreshIsNotRefreshedAgain() {
        let renewed = harness.token(expiresIn: 3600, life: 3600, tag: "new")
        transport.register("GET", path, status: 401, json: #"{"detail": "Not allowed yet"}"#, times: 2)
        transport.register("POST", "/auth/refresh/", json: harness.tokenReply(access: renewed))
        fails(["bookings", "get", booking], .notAuthenticated, "HTTP 401: Not allowed yet", "run 'homeserve auth login'")
        XCTAssertEqual(transport.log, ["GET \(path)", "POST /auth/refresh/", "GET \(path)"])
        XCTAssertEqual(transport.requests.map(\.bearer), [access, nil, renewed])
    }

    // MARK: Other statuses

    func testForbiddenIs4() {
        transport.register("POST", "/api/bookings/\(booking)/accept_booking/", status: 403,
                           json: #"{"detail": "You do not have permission to perform this action."}"#)
        fails(["bookings", "accept", booking], .forbidden, "POST /api/bookings/\(booking)/accept_booking/ failed: HTTP 403: You do not have permission to perform this action.")
    }

    func testANotFoundUnderAURLEndingInTheAPIsPrefixSaysSo() {
        harness.environment["HOMESERVE_URL"] = "https://api.test/api"
        harness.storeSession(access: harness.token(expiresIn: 3600))
        transport.register("GET", "/api/api/services/", status: 404, json: #"{"detail": "Not found."}"#)
        fails(["services", "list"], .notFound,
              "GET /api/api/services/ failed: HTTP 404: Not found. (the URL ends in /api, and the API's paths start at the server's root: try the URL without /api)")
        // The first command of all, and one whose path has no /api of its own.
        transport.register("POST", "/api/auth/login/", status: 404, json: #"{"detail": "Not found."}"#)
        let login = harness.run(["auth", "login", "--username", "customer1", "--password-stdin"], stdin: "pw\n")
        XCTAssertEqual(login.status, 5, login.err)
        XCTAssertContains(login.err, "POST /api/auth/login/ failed: HTTP 404: Not found. (the URL ends in /api, and the API's paths start at the server's root: try the URL without /api)")
        // A path that repeats it under a URL without it is the path's own.
        harness.environment["HOMESERVE_URL"] = "https://api.test"
        harness.storeSession(access: harness.token(expiresIn: 3600))
        transport.register("GET", "/api/api/services/", status: 404, json: #"{"detail": "Not found."}"#)
        XCTAssertEqual(harness.run(["api", "GET", "/api/api/services/"]).err, "homeserve: GET /api/api/services/ failed: HTTP 404: Not found.\n")
    }

    func testNotFoundAndGoneAre5() {
        transport.register("GET", path, status: 404, json: #"{"detail": "Not found."}"#)
        fails(["bookings", "get", booking], .notFound, "GET \(path) failed: HTTP 404: Not found.")

        transport.register("GET", path, status: 410, body: Array("This booking was archived\nlong ago".utf8), headers: [("Content-Type", "text/plain")])
        fails(["bookings", "get", booking], .notFound, "GET \(path) failed: HTTP 410: This booking was archived\n")
    }

    func testMethodNotAllowedIs13() {
        transport.register("DELETE", "/api/photos/42/", status: 405, json: #"{"detail": "Method \"DELETE\" not allowed."}"#)
        fails(["photos", "delete", "42"], .methodNotAllowed, "DELETE /api/photos/42/ failed: HTTP 405: Method \"DELETE\" not allowed.")
    }

    func testConflictIs7() {
        transport.register("POST", "/api/bookings/\(booking)/accept_booking/", status: 409, json: #"{"error": "Booking already accepted"}"#)
        fails(["bookings", "accept", booking], .conflict, "HTTP 409: Booking already accepted")
    }

    func testTooLargeRequestsAre14() {
        transport.register("POST", "/api/bookings/", status: 413, body: Array("<html><head><title>413 Request Entity Too Large</title></head></html>".utf8),
                           headers: [("Content-Type", "text/html")])
        fails(create, .tooLarge, "POST /api/bookings/ failed: HTTP 413: 413 Request Entity Too Large (HTML page)")
        transport.register("GET", path, status: 431)
        fails(["bookings", "get", booking], .tooLarge, "GET \(path) failed: HTTP 431")
    }

    func testA429ToAPostIsRateLimitedWithoutARetry() {
        transport.register("POST", "/api/bookings/", status: 429, json: #"{"detail": "Request was throttled. Expected available in 5 seconds."}"#,
                           headers: [("Retry-After", "5")])
        fails(create, .rateLimited, "HTTP 429: Request was throttled.")
        XCTAssertEqual(transport.log, ["POST /api/bookings/"])
        XCTAssertEqual(harness.clock.slept, [])
    }

    func testAServerErrorPageIsSummarisedByItsTitleAndNotRetried() {
        let page = "<!DOCTYPE html>\n<html><head><title>Server Error (500)</title></head><body><h1>Server Error (500)</h1>" + String(repeating: "x", count: 5000) + "</body></html>"
        transport.register("GET", path, status: 500, body: Array(page.utf8), headers: [("Content-Type", "text/html; charset=utf-8")])
        let outcome = fails(["bookings", "get", booking], .badServerAnswer)
        XCTAssertEqual(outcome.err, "homeserve: GET \(path) failed: HTTP 500: Server Error (500) (HTML page)\n")
        XCTAssertEqual(transport.log.count, 1, "500 is not among the statuses retried")
    }

    // MARK: Redirects

    func testARedirectOnTheSameOriginIsFollowedForGETWithTheToken() {
        transport.register("GET", path, status: 301, headers: [("Location", "/api/v2/bookings/\(booking)/")])
        transport.register("GET", "/api/v2/bookings/\(booking)/", status: 302, headers: [("Location", "https://api.test/api/v3/bookings/\(booking)/")])
        transport.register("GET", "/api/v3/bookings/\(booking)/", json: #"{"id": "\#(booking)", "status": "pending"}"#)
        let outcome = harness.run(["bookings", "get", booking])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(outcome.json, ["id": .string(booking), "status": "pending"])
        XCTAssertEqual(transport.requests.map(\.url), ["https://api.test\(path)", "https://api.test/api/v2/bookings/\(booking)/", "https://api.test/api/v3/bookings/\(booking)/"])
        XCTAssertEqual(transport.requests.map(\.bearer), [access, access, access])
        transport.verify()
    }

    func testARedirectToAnotherHostIs12AndTheTokenNeverGoesThere() {
        transport.register("GET", path, status: 301, headers: [("Location", "https://evil.example/steal")])
        let outcome = fails(["bookings", "get", booking], .redirected)
        XCTAssertEqual(outcome.err, "homeserve: GET \(path) failed: HTTP 301 (redirect to https://evil.example/steal; not followed: only GET and HEAD on the same host are)\n")
        XCTAssertEqual(transport.requests.map(\.url), ["https://api.test\(path)"])
    }

    func testARedirectsSecretsAreHiddenWhereverItIsShown() {
        transport.register("GET", path, status: 302, headers: [("Location", "https://user:pw@evil.example/cb?access_token=SEKRIT&refresh=SEKRIT2&page=2")])
        let outcome = fails(["-v", "bookings", "get", booking], .redirected)
        XCTAssertContains(outcome.err, "< Location: https://user:***@evil.example/cb?access_token=***&refresh=***&page=2",
                          "(redirect to https://user:***@evil.example/cb?access_token=***&refresh=***&page=2; not followed")
        XCTAssertFalse(outcome.err.contains("SEKRIT") || outcome.err.contains(":pw@"), outcome.err)
        // In a fragment too (OAuth's implicit grant), with or without a query before it.
        for (location, shown) in [("https://evil.example/cb#access_token=SEKRIT&state=s", "https://evil.example/cb#access_token=***&state=s"),
                                  ("https://evil.example/cb?page=2#refresh=SEKRIT", "https://evil.example/cb?page=2#refresh=***")] {
            transport.register("GET", path, status: 302, headers: [("Location", location)])
            let again = fails(["-v", "bookings", "get", booking], .redirected)
            XCTAssertContains(again.err, "< Location: \(shown)", "(redirect to \(shown); not followed")
            XCTAssertFalse(again.err.contains("SEKRIT"), again.err)
        }
    }

    func testARedirectToAPathWithBytesAURLCannotHoldFollowsItEncoded() {
        // Django's APPEND_SLASH answers /api/bookings/a%20b with the path decoded: a raw space.
        transport.register("GET", "/api/bookings/a%20b", status: 301, headers: [("Location", "/api/bookings/a b/")])
        transport.register("GET", "/api/bookings/a%20b/", status: 404, json: #"{"detail": "Not found."}"#)
        let outcome = fails(["api", "GET", "/api/bookings/a%20b"], .notFound)
        XCTAssertEqual(transport.requests.map(\.url), ["https://api.test/api/bookings/a%20b", "https://api.test/api/bookings/a%20b/"])
        XCTAssertContains(outcome.err, "Not found.")
        XCTAssertEqual(APIClient.encodingStrayBytes("/x/é\u{7F}\"{|}?q=a b"), "/x/%C3%A9%7F%22%7B%7C%7D?q=a%20b")
        XCTAssertEqual(APIClient.encodingStrayBytes("/api/bookings/?page=2"), "/api/bookings/?page=2")
        XCTAssertEqual(APIClient.encodingStrayBytes("/a%20b c/"), "/a%20b%20c/", "an escape already there is kept, not escaped again")
    }

    func testARedirectToAnotherPortOrSchemeIsAnotherOrigin() {
        transport.register("GET", path, status: 307, headers: [("Location", "https://api.test:8443\(path)")])
        fails(["bookings", "get", booking], .redirected, "redirect to https://api.test:8443\(path)")
        transport.register("GET", path, status: 308, headers: [("Location", "//evil.example\(path)")])
        fails(["bookings", "get", booking], .redirected, "redirect to //evil.example\(path)")
        XCTAssertEqual(transport.requests.count, 2)
    }

    func testARedirectLoopOnTheSameHostIs8() {
        transport.register("GET", path, status: 302, headers: [("Location", path)], times: 6)
        let outcome = fails(["bookings", "get", booking], .badServerAnswer)
        XCTAssertEqual(outcome.err, "homeserve: GET \(path): redirected 5 times, and a 6th redirect (to https://api.test\(path)) is not followed: too many redirects, or a loop\n")
        XCTAssertEqual(transport.requests.count, 6)
    }

    func testARedirectedWriteIsNotFollowed() {
        transport.register("PATCH", path, status: 307, headers: [("Location", "/api/v2/bookings/\(booking)/")])
        fails(["bookings", "cancel", booking], .redirected, "PATCH \(path) failed: HTTP 307 (redirect to /api/v2/bookings/\(booking)/; not followed")
        XCTAssertEqual(transport.log, ["PATCH \(path)"])
    }

    // MARK: Answers that cannot be used

    func testTruncatedJSONIs8() {
        transport.register("GET", path, body: Array(#"{"id": "\#(booking)", "status": "pend"#.utf8), headers: [("Content-Type", "application/json")])
        fails(["bookings", "get", booking], .badServerAnswer, "GET \(path): the body is not valid JSON (application/json, 62 bytes")
    }

    func testAnHTMLPageLabelledJSONIs8AndSummarised() {
        transport.register("GET", path, body: Array("<html><head><title>Sign in - Corporate Proxy</title></head></html>".utf8),
                           headers: [("Content-Type", "application/json")])
        fails(["bookings", "get", booking], .badServerAnswer, "the body is not valid JSON (application/json", "; it looks like Sign in - Corporate Proxy (HTML page)")
    }

    func testAnErrorQuotingTheServersBytesIsOneLineWithItsControlsAndTabsAsEscapes() {
        transport.register("GET", path, body: [0x89] + Array("PNG\t\u{07}\tIHDR".utf8), headers: [("Content-Type", "application/json")])
        let outcome = fails(["bookings", "get", booking], .badServerAnswer, #"PNG\x09\x07\x09IHDR"#)
        XCTAssertFalse(outcome.err.contains("\t"), outcome.err.debugDescription)
        XCTAssertEqual(outcome.err.split(separator: "\n").count, 1)
    }

    func testJSONNestedTooDeepIs8() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        transport.register("GET", path, json: deep)
        fails(["bookings", "get", booking], .badServerAnswer, "the body is not valid JSON", "nesting deeper than 512 levels")
    }

    func testABodyOverHOMESERVE_MAX_BODYIs8() {
        harness.environment["HOMESERVE_MAX_BODY"] = "1K"
        transport.register("GET", path, json: #"{"notes": ""# + String(repeating: "a", count: 2000) + #""}"#)
        let outcome = fails(["bookings", "get", booking], .badServerAnswer)
        XCTAssertEqual(outcome.err, "homeserve: GET https://api.test\(path): the answer is larger than 1 KiB (HOMESERVE_MAX_BODY sets the limit)\n")
        XCTAssertEqual(transport.requests[0].bodyLimit, 1024)
        XCTAssertEqual(FailureReport.size(64 << 20), "64 MiB")
        XCTAssertEqual(FailureReport.size(1500), "1500 bytes")
    }

    func testAnUnreadableMaxBodyIsAUsageError() {
        harness.environment["HOMESERVE_MAX_BODY"] = "lots"
        fails(["bookings", "get", booking], .usage, "invalid value 'lots' for HOMESERVE_MAX_BODY")
        XCTAssertEqual(transport.requests.count, 0)
    }

    func testAMaxBodyTooLargeToCountIsAUsageError() {
        harness.environment["HOMESERVE_MAX_BODY"] = "99999999999G"
        let outcome = fails(["bookings", "get", booking], .usage)
        XCTAssertEqual(outcome.err, "homeserve: invalid value '99999999999G' for HOMESERVE_MAX_BODY: expected a size in bytes, or with K, M or G (e.g. 64M)\n")
        XCTAssertEqual(transport.requests.count, 0)
    }

    /// `disputes resolve` says the dispute is resolved only when a dispute shows it: the answer, else the
    /// dispute read back. Another status is exit 6 with the server's words; none to be learnt, exit 8.
    func testAResolutionIsConfirmedByTheDisputesStatus() {
        let dispute = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9"
        let resolve = "/api/disputes/\(dispute)/resolve/", get = "/api/disputes/\(dispute)/"
        let command = ["disputes", "resolve", dispute, "--notes", "refund agreed", "-o", "json"]
        transport.register("POST", resolve, json: #"{"id": "\#(dispute)", "status": "resolved"}"#)
        var outcome = harness.run(command)
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(outcome.err, "homeserve: Resolved dispute \(dispute).\n")
        XCTAssertEqual(outcome.json["status"], "resolved")
        // Wrapped, upper case, as other servers write it.
        transport.register("POST", resolve, json: #"{"message": "Done", "dispute": {"id": "\#(dispute.uppercased())", "status": "RESOLVED"}}"#)
        XCTAssertEqual(harness.run(command).status, 0)

        transport.register("POST", resolve, json: #"{"id": "\#(dispute)", "status": "escalated", "resolution_notes": null}"#)
        fails(command, .rejected, "POST \(resolve) was answered with success, but the dispute is 'escalated', not resolved")
        // An answer that shows no dispute: the dispute read back decides.
        transport.register("POST", resolve, json: #"{"detail": "Dispute escalated instead"}"#)
        transport.register("GET", get, json: #"{"id": "\#(dispute)", "status": "open"}"#)
        fails(command, .rejected, "the dispute is 'open', not resolved (it said: Dispute escalated instead)")
        transport.register("POST", resolve, json: #"{"status": "success"}"#)
        transport.register("GET", get, json: #"{"id": "\#(dispute)", "status": "resolved", "resolution_notes": "refund agreed"}"#)
        outcome = harness.run(command)
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(outcome.json["resolution_notes"], "refund agreed", "the dispute read back is printed")
        transport.register("POST", resolve, json: "{}")
        transport.register("GET", get, json: #"{"id": "\#(dispute)"}"#)
        fails(command, .badServerAnswer, "but neither answer shows dispute \(dispute)'s status, so it cannot be confirmed resolved")
        transport.register("POST", resolve, json: "{}")
        transport.register("GET", get, status: 500, body: Array("<html>oops</html>".utf8), headers: [("Content-Type", "text/html")])
        fails(["--retries", "0"] + command, .badServerAnswer, "but reading the dispute back to check it is resolved failed:")
    }

    func testSmokeStoppedMidRunSaysSoAndRunsNoMoreCases() {
        let harness: Harness = self.harness
        transport.register("GET", "/api/bookings/?page_size=1", json: "[]") { _ in harness.cancellation.cancel() }
        let outcome = harness.run(["smoke", "-o", "json"])
        XCTAssertEqual(outcome.status, 130, outcome.err)
        XCTAssertEqual(outcome.err, "homeserve: interrupted\n")
        let cases = outcome.json["cases"]?.arrayValue ?? []
        XCTAssertEqual(cases.first?["result"], "pass", "the case that was running when Ctrl-C came finished")
        XCTAssertGreaterThan(cases.count, 3)
        XCTAssertTrue(cases.dropFirst().allSatisfy { $0["result"] == "skip" && $0["detail"] == "not run: interrupted" }, outcome.out)
        XCTAssertEqual(transport.requests.count, 1, "nothing more was sent")
    }

    /// `api -i`, as gh's: the status line and headers, a blank line, then the body; JSON is still checked,
    /// and pretty only on a terminal; a HEAD has the head alone.
    func testAPIIncludePrintsTheHeadBeforeTheBody() {
        transport.register("GET", "/api/services/1/", json: #"{"id": 1}"#, headers: [("X-Request-ID", "r-7")])
        let json = harness.run(["api", "GET", "/api/services/1/", "-i"])
        XCTAssertEqual(json.status, 0, json.err)
        XCTAssertEqual(json.out, "HTTP/1.1 200\nX-Request-ID: r-7\nContent-Type: application/json\n\n{\"id\": 1}")
        transport.register("GET", "/api/export/", body: Array("a,b\n1,2\n".utf8), headers: [("Content-Type", "text/csv")])
        XCTAssertEqual(harness.run(["api", "GET", "/api/export/", "--include"]).out, "HTTP/1.1 200\nContent-Type: text/csv\n\na,b\n1,2\n")
        transport.register("HEAD", "/api/services/", headers: [("Content-Length", "0")])
        XCTAssertEqual(harness.run(["api", "HEAD", "/api/services/", "-i"]).out, "HTTP/1.1 200\nContent-Length: 0\n\n")
        transport.register("GET", "/api/services/1/", json: #"{"id": "#)
        fails(["api", "GET", "/api/services/1/", "-i"], .badServerAnswer, "the body is not valid JSON")
        harness.stdoutTTY = true
        transport.register("GET", "/api/services/1/", json: #"{"id":1}"#)
        XCTAssertEqual(harness.run(["api", "GET", "/api/services/1/", "-i"]).out, "HTTP/1.1 200\nContent-Type: application/json\n\n{\n  \"id\": 1\n}\n")
        harness.stdoutTTY = false
        for (extra, named) in [(["--paginate"], "--paginate, --all or --limit"), (["-o", "json"], "-o, --fields, --jq or --sort-by"), (["--out", "x.json"], "--out")] {
            let refused = fails(["api", "GET", "/api/services/", "-i"] + extra, .usage)
            XCTAssertEqual(refused.err, "homeserve: -i/--include prints the status line and headers before the body as received; it cannot be combined with \(named)\n")
        }
        XCTAssertEqual(transport.requests.count, 5, "nothing sent for the refused ones")
    }

    /// A photo removed between its check and its upload stops the request unfinished: a local failure that
    /// names the file, not a network one, and no change to check for.
    func testAnUploadWhoseFileVanishedIsALocalFailure() throws {
        let photo = temporaryDirectory() + "/van.png"
        XCTAssertTrue(FileManager.default.createFile(atPath: photo, contents: Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])))
        transport.fail("POST", "/api/photos/", .localFile, message: "cannot read '\(photo)' when it was sent (removed since it was checked)", sent: true)
        let outcome = fails(["photos", "upload", "--booking", booking, "--type", "before", photo], .localFailure,
                            "POST https://api.test/api/photos/: cannot read '\(photo)' when it was sent", "the request stopped unfinished, so nothing was made")
        XCTAssertFalse(outcome.err.contains("cannot reach") || outcome.err.contains("carried out"), outcome.err)
        XCTAssertEqual(transport.requests.count, 1, "not sent again")
    }

    func testSmokeReportsOneTimeAndNamesNoRoleItDoesNotKnow() throws {
        let harness: Harness = self.harness
        // 1.6 ms in the first case: the JSON and the JUnit file both say 0.002.
        transport.register("GET", "/api/bookings/?page_size=1", json: "[]") { _ in harness.clock.mono += 0.0016 }
        let junit = temporaryDirectory() + "/smoke.xml"
        let outcome = harness.run(["smoke", "-o", "json", "--junit", junit])
        let first = outcome.json["cases"]?.arrayValue?.first
        XCTAssertEqual(first?["seconds"], .number("0.002"), outcome.out)
        let report = try String(contentsOfFile: junit, encoding: .utf8)
        XCTAssertContains(report, #"name="\#(first?["case"]?.stringValue ?? "?")" time="0.002""#)
        // With no session at all, no role is known: the case is the suite's own, not a role called "-".
        harness.environment["HOMESERVE_TOKEN"] = nil
        try? FileManager.default.removeItem(atPath: harness.configDir + "/credentials.json")
        _ = harness.run(["smoke", "--junit", junit])
        let alone = try String(contentsOfFile: junit, encoding: .utf8)
        XCTAssertContains(alone, #"<testcase classname="homeserve.smoke" name="session""#)
        XCTAssertFalse(alone.contains("homeserve.smoke.-"), alone)
    }

    /// `--as ROLE=PROFILE` naming the run's own profile and role adds no second session case; another profile
    /// of the same role has a case named apart, for reports that key on role and name.
    func testSmokeNamesEachSessionCaseOnce() {
        harness.logIn()
        harness.storeSession(access: harness.token(expiresIn: 3600, tag: "c2"), user: ["id": 2, "username": "customer2", "role": "customer"], profile: "c2")
        // The run's own profile named for another role is checked for that role, and found not to have it.
        for (role, profile, expected) in [("customer", "default", ["session customer"]),
                                          ("customer", "c2", ["session customer", "session (profile c2) customer"]),
                                          ("super_admin", "default", ["session customer", "session super_admin"])] {
            let outcome = harness.run(["smoke", "-o", "json", "--as", "\(role)=\(profile)"])
            let sessions = (outcome.json["cases"]?.arrayValue ?? []).filter { $0["case"]?.stringValue?.hasPrefix("session") == true }
            XCTAssertEqual(sessions.map { "\($0["case"]?.stringValue ?? "") \($0["role"]?.stringValue ?? "")" }, expected, outcome.out + outcome.err)
            if role == "super_admin" { XCTAssertEqual(sessions.last?["result"], "fail") }
        }
    }

    func testDoctorFailsWhenTheAPIIsNotAtTheURL() {
        harness.environment["HOMESERVE_URL"] = "http://127.0.0.1:9/api"
        transport.register("GET", "/api/api/services/?page_size=1", status: 404, json: #"{"detail": "Not found."}"#)
        let outcome = harness.run(["doctor", "-o", "json"])
        XCTAssertEqual(outcome.status, ExitCode.notFound.rawValue, outcome.err)
        let server = outcome.json["checks"]?.arrayValue?.first { $0["name"] == "server" }
        XCTAssertEqual(server?["status"], "fail")
        XCTAssertContains(server?["detail"]?.stringValue ?? "", "HTTP 404", "but GET /api/api/services/ is not found: the URL ends in /api and every path starts with /api/: give the URL without it")
    }

    func testDoctorCallsAJSONServerErrorOneAndAnHTMLPageNotJSON() {
        harness.environment["HOMESERVE_URL"] = "http://127.0.0.1:9"
        transport.register("GET", "/api/services/?page_size=1", status: 500, json: #"{"detail": "database is locked"}"#)
        var outcome = harness.run(["doctor", "-o", "json"])
        XCTAssertEqual(outcome.status, ExitCode.badServerAnswer.rawValue, outcome.err)
        var server = outcome.json["checks"]?.arrayValue?.first { $0["name"] == "server" }
        XCTAssertEqual(server?["status"], "fail")
        XCTAssertContains(server?["detail"]?.stringValue ?? "", "HTTP 500", ", a server error: database is locked")
        XCTAssertFalse((server?["detail"]?.stringValue ?? "").contains("not a JSON answer"))

        transport.register("GET", "/api/services/?page_size=1", status: 502, body: Array("<html><title>Bad Gateway</title></html>".utf8), headers: [("Content-Type", "text/html")])
        outcome = harness.run(["doctor", "-o", "json"])
        XCTAssertEqual(outcome.status, ExitCode.badServerAnswer.rawValue, outcome.err)
        server = outcome.json["checks"]?.arrayValue?.first { $0["name"] == "server" }
        XCTAssertContains(server?["detail"]?.stringValue ?? "", "HTTP 502", ", not a JSON answer: Bad Gateway (HTML page)")
    }

    func testDoctorSaysWhenAnHTTPSURLPointsAtPlainHTTP() {
        harness.environment["HOMESERVE_URL"] = "https://127.0.0.1:9"
        transport.fail("GET", "/api/services/?page_size=1", .notTLS)
        let outcome = harness.run(["doctor", "-o", "json"])
        XCTAssertEqual(outcome.status, ExitCode.network.rawValue, outcome.err)
        let checks = outcome.json["checks"]?.arrayValue ?? []
        XCTAssertEqual(checks.first { $0["name"] == "tcp" }?["status"], "ok")
        XCTAssertEqual(checks.first { $0["name"] == "tls" },
                       ["name": "tls", "status": "fail", "detail": "stubbed notTLS: if the server speaks plain http, use an http:// URL"])
    }

    func testATokenAServerEchoesInItsErrorIsNotPrinted() {
        let token = harness.token(expiresIn: 300)
        transport.register("GET", "/api/services/", status: 400,
                           json: #"{"detail": "bad request; headers were Authorization: Bearer opaque-Secret_1, X: y"}"#)
        transport.register("GET", "/api/services/", status: 400, json: #"{"token": ["\#(token) is odd"]}"#)
        let outcome = harness.run(["services", "list"])
        XCTAssertEqual(outcome.status, 6, outcome.err)
        XCTAssertContains(outcome.err, "Authorization: Bearer ***, X: y")
        let field = harness.run(["services", "list"])
        XCTAssertContains(field.err, "token: *** is odd")
        XCTAssertFalse((outcome.err + field.err).contains("opaque-Secret_1") || field.err.contains(token), outcome.err + field.err)
    }

    /// Tokens and the password a server echoes in any answer are not printed: a 2xx saying the request
    /// failed or did not happen, an HTML page's title, a field's message, nor a URL's query in a refusal.
    func testNoAnswerPrintsASecretThisRunHolds() throws {
        let token = harness.logIn()
        transport.register("GET", "/api/services/", json: #"{"detail": "invalid header Authorization: Bearer opaque-SECRET-123"}"#)
        transport.register("PATCH", "/api/bookings/b-1/", json: #"{"success": false, "message": "refused for \#(token)"}"#)
        transport.register("GET", "/api/bookings/", status: 400, body: Array("<html><title>Rejected Authorization: Bearer opaqueSECRETtitle</title></html>".utf8),
                           headers: [("Content-Type", "text/html")])
        let failed = harness.run(["services", "list"])
        let refused = harness.run(["bookings", "cancel", "b-1"])
        let page = harness.run(["bookings", "list"])
        XCTAssertEqual([failed.status, refused.status, page.status], [8, 6, 6], failed.err + refused.err + page.err)
        for outcome in [failed, refused, page] {
            XCTAssertContains(outcome.err, "***")
            XCTAssertFalse(outcome.err.contains("SECRET") || outcome.err.contains(token), outcome.err)
        }
        transport.verify()

        // A login refused with the password quoted back, as a value or in a field's message.
        for body in [#"{"username": "admin", "password": "correct-horse"}"#, #"{"password": ["Ensure correct-horse is correct."]}"#] {
            transport.register("POST", "/auth/login/", status: 400, json: body)
            let login = harness.run(["auth", "login", "--username", "admin", "--password-stdin"], stdin: "correct-horse\n")
            XCTAssertEqual(login.status, 3, login.err)
            XCTAssertContains(login.err, "***")
            XCTAssertFalse(login.err.contains("correct-horse"), login.err)
        }
        transport.verify()

        // A URL refused for its query does not print the query's values.
        harness.environment["HOMESERVE_URL"] = "https://h.example/?access_token=SECRETU"
        let url = harness.run(["services", "list"])
        XCTAssertEqual(url.status, 2, url.err)
        XCTAssertContains(url.err, "?access_token=***")
        XCTAssertFalse(url.err.contains("SECRETU"), url.err)
    }

    func testMessagesNameThePathTheRequestWentTo() {
        harness.environment["HOMESERVE_URL"] = "https://api.test/api"
        harness.logIn()
        transport.register("GET", "/api/api/services/", status: 404, json: #"{"detail": "Not found."}"#)
        let outcome = harness.run(["services", "list"])
        XCTAssertEqual(outcome.status, ExitCode.notFound.rawValue)
        XCTAssertContains(outcome.err, "GET /api/api/services/")
    }

    func testDoctorBlamesAServerThatTakesTheRequestAndNeverAnswersNotTheNetwork() {
        harness.environment["HOMESERVE_URL"] = "http://127.0.0.1:9"
        transport.fail("GET", "/api/services/?page_size=1", .timeout, message: "Timeout was reached", sent: true)
        let outcome = harness.run(["doctor", "-o", "json"])
        XCTAssertEqual(outcome.status, ExitCode.network.rawValue, outcome.err)
        let checks = outcome.json["checks"]?.arrayValue ?? []
        XCTAssertEqual(checks.first { $0["name"] == "tcp" }?["status"], "ok")
        XCTAssertEqual(checks.first { $0["name"] == "server" },
                       ["name": "server", "status": "fail", "detail": "the request was sent, but no whole answer came: Timeout was reached"])
        transport.fail("GET", "/api/services/?page_size=1", .connect, message: "Connection refused", sent: false)
        let refused = harness.run(["doctor", "-o", "json"])
        XCTAssertEqual(refused.json["checks"]?.arrayValue?.first { $0["name"] == "tcp" }?["status"], "fail")
    }

    func testDoctorDoesNotSpendARefreshTokenFromTheEnvironment() {
        harness.environment["HOMESERVE_URL"] = "http://127.0.0.1:9"
        harness.environment["HOMESERVE_REFRESH_TOKEN"] = harness.token(expiresIn: 3600, life: 3600, tag: "refresh")
        transport.register("GET", "/api/services/?page_size=1", json: "[]")
        let outcome = harness.run(["doctor", "-o", "json"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        let session = outcome.json["checks"]?.arrayValue?.first { $0["name"] == "session" }
        XCTAssertEqual(session?["status"], "ok")
        XCTAssertContains(session?["detail"]?.stringValue ?? "", "not tried: exchanging HOMESERVE_REFRESH_TOKEN would spend it")
        XCTAssertFalse(transport.log.contains("POST /auth/refresh/"), "\(transport.log)")
        transport.verify()
    }

    func testDoctorNamesTheProfileInItsLoginHint() {
        harness.environment["HOMESERVE_URL"] = nil
        harness.writeSettings(["staging": ["url": "http://127.0.0.1:9"]])
        transport.register("GET", "/api/services/?page_size=1", json: "[]")
        let outcome = harness.run(["--profile", "staging", "doctor", "-o", "json"])
        let session = outcome.json["checks"]?.arrayValue?.first { $0["name"] == "session" }
        XCTAssertEqual(session?["detail"], "not logged in; run 'homeserve --profile staging auth login'", outcome.out)
    }

    /// A HOMESERVE_PARALLEL every long listing would refuse fails doctor's settings check; a token whose
    /// expiry cannot be read (not a JWT) is a warning, since its renewal cannot be timed.
    func testDoctorFailsABadParallelAndWarnsOfAnOpaqueToken() {
        harness.environment["HOMESERVE_PARALLEL"] = "abc"
        harness.environment["HOMESERVE_TOKEN"] = "opaque-token"
        harness.environment["HOMESERVE_URL"] = "http://127.0.0.1:9"
        let outcome = harness.run(["doctor", "-o", "json", "--retries", "0"])
        let checks = outcome.json["checks"]?.arrayValue ?? []
        let parallel = checks.first { $0["name"] == "parallel" }
        XCTAssertEqual(parallel?["status"], "fail", outcome.out)
        XCTAssertContains(parallel?["detail"]?.stringValue ?? "", "invalid value 'abc' for HOMESERVE_PARALLEL")
        XCTAssertNotNil(checks.first { $0["name"] == "dns" }, "the other checks go on: \(outcome.out)")
        XCTAssertEqual(outcome.status, 2, outcome.out)
        harness.environment["HOMESERVE_PARALLEL"] = nil
        transport.register("GET", "/api/services/?page_size=1", json: "[]")
        let token = harness.run(["doctor", "-o", "json", "--retries", "0"]).json["checks"]?.arrayValue?.first { $0["name"] == "access token" }
        XCTAssertEqual(token?["status"], "warn")
        XCTAssertEqual(token?["detail"], "from HOMESERVE_TOKEN; expiry not readable (not a JWT)")
    }

    /// Not logged in for a server named with --url: the login the hint gives goes to that server.
    func testTheLoginHintCarriesTheURLTheCommandWasGiven() {
        let fresh = Harness()
        fresh.environment["HOMESERVE_URL"] = nil
        fresh.transport.register("GET", "/api/bookings/", status: 401, json: #"{"detail": "Authentication credentials were not provided."}"#)
        let outcome = fresh.run(["--url", "http://127.0.0.1:9501", "bookings", "list"])
        XCTAssertEqual(outcome.status, 3, outcome.err)
        XCTAssertContains(outcome.err, "run 'homeserve --url http://127.0.0.1:9501 auth login'")
    }

    func testDoctorNamesACorruptCredentialsFileAndItsFix() throws {
        try AtomicFile.write(harness.credentialsPath, Array("{garbage".utf8), mode: 0o600)
        harness.environment["HOMESERVE_URL"] = "http://127.0.0.1:9"
        let outcome = harness.run(["doctor", "-o", "json", "--retries", "0"])
        XCTAssertEqual(outcome.status, 1)
        let profile = outcome.json["checks"]?.arrayValue?.first { $0["name"] == "profile" }
        XCTAssertEqual(profile?["status"], "fail")
        XCTAssertContains(profile?["detail"]?.stringValue ?? "", "\(harness.credentialsPath) is corrupt (", "'homeserve auth login' or 'homeserve auth logout' replaces it")
        let session = outcome.json["checks"]?.arrayValue?.first { $0["name"] == "session" }
        XCTAssertEqual(session?["detail"], "the credentials file cannot be read (see the profile check)", "not \"not logged in\"")

        try AtomicFile.write(harness.configDir + "/settings.json", Array("{garbage".utf8), mode: 0o600)
        harness.environment["HOMESERVE_URL"] = nil
        let settings = harness.run(["doctor", "-o", "json", "--retries", "0"])
        let url = settings.json["checks"]?.arrayValue?.first { $0["name"] == "url" }
        XCTAssertContains(url?["detail"]?.stringValue ?? "", "settings.json is corrupt (", "'homeserve config set' replaces it")
    }

    func testACommandThatStopsForCtrlCWithoutAnErrorStillSaysSo() {
        let cancellation = harness.cancellation
        transport.register("GET", "/api/services/", json: #"[{"id": 1, "name": "Tap repair"}]"#, onRequest: { _ in _ = cancellation.cancel() })
        let outcome = harness.run(["services", "list", "-o", "ndjson"])
        XCTAssertEqual(outcome.status, ExitCode.interrupted.rawValue)
        XCTAssertEqual(outcome.err, "homeserve: interrupted\n")
    }

    func testDoctorFailsOnSettingsItCannotUse() {
        harness.environment["HOMESERVE_URL"] = "http://127.0.0.1:9"
        harness.environment["HOMESERVE_MAX_BODY"] = "lots"
        let outcome = harness.run(["doctor", "-o", "json"])
        let problem = "invalid value 'lots' for HOMESERVE_MAX_BODY: expected a size in bytes, or with K, M or G (e.g. 64M)"
        XCTAssertEqual(outcome.status, ExitCode.usage.rawValue)
        XCTAssertEqual(outcome.json["checks"]?.arrayValue?.first { $0["name"] == "settings" }, ["name": "settings", "status": "fail", "detail": .string(problem)])
        XCTAssertEqual(outcome.err, "homeserve: doctor: settings failed: \(problem)\n")
        XCTAssertEqual(transport.requests.count, 0)
    }

    func testDoctorReportsAProfileSettingEditedIntoSomethingUnusable() throws {
        harness.environment["HOMESERVE_URL"] = "http://127.0.0.1:9"
        let settings = harness.configDir + "/settings.json"
        try Data(#"{"profiles": {"default": {"output": "xml", "colour": "yes"}}}"#.utf8).write(to: URL(fileURLWithPath: settings))
        XCTAssertEqual(chmod(settings, 0o600), 0)
        let problem = "invalid value 'xml' for output: expected one of: table, json, ndjson, csv, tsv (fix with 'homeserve config set output VALUE'); colour is not a setting and is ignored"
        for terminal in [false, true] {
            harness.stdoutTTY = terminal
            let outcome = harness.run(["doctor", "-o", "json", "--retries", "0"])
            XCTAssertEqual(outcome.status, ExitCode.usage.rawValue, outcome.err)
            XCTAssertEqual(outcome.json["checks"]?.arrayValue?.first { $0["name"] == "config" }, ["name": "config", "status": "fail", "detail": .string(problem)],
                           "reported on a terminal too, where the output setting would apply")
        }
        harness.stdoutTTY = true
        XCTAssertTrue(harness.run(["doctor", "--retries", "0"]).err.hasPrefix("homeserve: warning: invalid output 'xml' in profile 'default'"),
                      "doctor prints its checks as a table instead")
        try Data(#"{"profiles": {"default": {"output": "csv", "colour": "yes"}}}"#.utf8).write(to: URL(fileURLWithPath: settings))
        XCTAssertEqual(harness.run(["doctor", "-o", "json", "--retries", "0"]).json["checks"]?.arrayValue?.first { $0["name"] == "config" },
                       ["name": "config", "status": "warn", "detail": "colour is not a setting and is ignored"])
    }

    // MARK: Transport failures

    func testConnectionFailuresAreRetriedThenExit9() {
        transport.fail("GET", path, .connect, times: 4)
        let outcome = fails(["bookings", "get", booking], .network, "GET \(path): cannot reach https://api.test: stubbed connect")
        XCTAssertEqual(transport.log.count, 4)
        XCTAssertEqual(harness.clock.slept, [0.375, 0.75, 1.5])
        XCTAssertContains(outcome.err, "homeserve: GET https://api.test\(path): connection failed (stubbed connect); retrying in 0.4s (1/3)", "retrying in 1.5s (3/3)")
    }

    func testAConnectionFailureThenAnAnswerSucceeds() {
        transport.fail("GET", path, .resolve)
        transport.fail("GET", path, .timeout)
        transport.register("GET", path, json: #"{"id": "\#(booking)"}"#)
        let outcome = harness.run(["bookings", "get", booking, "-q"])
        XCTAssertEqual(outcome.status, 0)
        XCTAssertEqual(outcome.json, ["id": .string(booking)])
        XCTAssertEqual(harness.clock.slept, [0.375, 0.75])
        XCTAssertEqual(outcome.err, "", "-q: the retries worked, nothing to say")
        transport.verify()
    }

    func testTLSFailuresAreNotRetried() {
        transport.fail("GET", path, .tls)
        fails(["bookings", "get", booking], .network, "TLS failed: stubbed tls (--cacert FILE trusts another CA)")
        XCTAssertEqual(harness.clock.slept, [])
    }

    func testTheOtherCAHintIsGivenOnlyWhenAnotherCAIsTheFix() {
        transport.fail("GET", path, .tls)
        let given = fails(["--cacert", "/etc/ssl/certs/ca-certificates.crt", "bookings", "get", booking], .network, "TLS failed: stubbed tls")
        XCTAssertFalse(given.err.contains("--cacert FILE"), "--cacert was given: \(given.err)")
        let mismatch = "SSL: no alternative certificate subject name matches target host name 'api.test'"
        transport.fail("GET", path, .tls, message: mismatch)
        let named = fails(["bookings", "get", booking], .network)
        XCTAssertEqual(named.err, "homeserve: GET https://api.test\(path): TLS failed: \(mismatch)\n", "another CA does not fix a name")
    }

    func testAHandshakeThatNeverFinishesIsRetriedAndHintsAtPlainHTTP() {
        transport.fail("GET", path, .handshakeTimeout, message: "connected, but no TLS handshake within 10 s", times: 2)
        let outcome = fails(["--retries", "1", "bookings", "get", booking], .network)
        XCTAssertEqual(outcome.err, """
            homeserve: GET https://api.test\(path): timed out (connected, but no TLS handshake within 10 s); retrying in 0.4s (1/1)
            homeserve: GET https://api.test\(path): timed out: connected, but no TLS handshake within 10 s; if the server speaks plain http, use an http:// URL

            """)
        XCTAssertEqual(harness.clock.slept, [0.375])
    }

    func testAnHTTPSURLForAPlainHTTPServerSaysSoOnceWithoutRetrying() {
        transport.fail("GET", path, .notTLS)
        let outcome = fails(["bookings", "get", booking], .network, "stubbed notTLS: if the server speaks plain http, use an http:// URL")
        XCTAssertFalse(outcome.err.contains("--cacert"), outcome.err)
        XCTAssertEqual(harness.clock.slept, [])
    }

    func testATimeoutOnTheLastAttemptIs9() {
        transport.fail("GET", path, .timeout)
        fails(["--retries", "0", "bookings", "get", booking], .network, "GET https://api.test\(path): timed out (stubbed timeout)")
    }

    func testAPIToATokenEndpointSendsNoTokenAndDoesNotReplayARefusal() {
        harness.logIn()
        transport.register("POST", "/auth/login/", status: 401, json: #"{"detail": "No active account found with the given credentials"}"#)
        let outcome = harness.run(["api", "POST", "/auth/login/", "-f", "username=customer1", "-f", "password=wrong"])
        XCTAssertEqual(outcome.status, ExitCode.notAuthenticated.rawValue, outcome.err)
        XCTAssertEqual(transport.log, ["POST /auth/login/"], "not refreshed and sent again")
        XCTAssertNil(transport.requests.first?.bearer)
        XCTAssertTrue(outcome.err.contains("No active account found with the given credentials"), outcome.err)
    }

    func testAnEmptyAnswerWhereOneIsDueIs8() {
        transport.register("GET", path, body: [], headers: [("Content-Type", "application/json")])
        fails(["bookings", "get", booking, "--fields", "id"], .badServerAnswer, "GET \(path): the answer (HTTP 200) is empty")
        transport.register("GET", "/api/bookings/", body: [])
        fails(["bookings", "list", "--all", "-o", "csv"], .badServerAnswer, "GET /api/bookings/: the answer (HTTP 200) is empty")
        // A read asked for data: "no content" or a null is no answer to it.
        transport.register("GET", "/api/services/", status: 204, body: [])
        fails(["services", "list"], .badServerAnswer, "GET /api/services/: the answer (HTTP 204) is empty")
        transport.register("GET", "/api/bookings/", json: "null")
        fails(["bookings", "list", "-o", "json"], .badServerAnswer, "GET /api/bookings/: the answer (HTTP 200) is null, not data")
        transport.register("GET", "/api/services/", json: "null")
        let raw = harness.run(["api", "GET", "/api/services/", "-o", "json"])
        XCTAssertEqual(raw.out, "null\n", "api shows what was sent; no change is claimed for a read")
        XCTAssertEqual(raw.err, "")
        transport.register("POST", "/api/dynamic-pricing/", status: 204, body: [])
        fails(["pricing", "predict", "--service", "1", "--pincode", "560001"], .badServerAnswer, "the answer (HTTP 204) is empty")
        transport.register("POST", "/api/bookings/", status: 201, body: [])
        let created = fails(["bookings", "create", "--service", "1", "--pincode", "560001", "--date", "2026-12-05T10:00", "--price", "500", "-o", "tsv", "--fields", "id"],
                            .badServerAnswer, "POST /api/bookings/: the answer (HTTP 201) is empty; the POST was carried out: check before sending it again")
        XCTAssertEqual(lines(created.err).count, 1)
        transport.register("PATCH", "/api/bookings/\(booking)/", json: "null")
        fails(["bookings", "update", booking, "--notes", "hi", "-o", "json"], .badServerAnswer,
              "PATCH \(path): the answer (HTTP 200) is null, not data; the PATCH was carried out: check before sending it again")
        // Where no answer is due, none is needed, and none is made up (an update's is read back to check it).
        transport.register("POST", "/api/bookings/", status: 204, body: [])
        XCTAssertEqual(harness.run(["bookings", "create", "--service", "1", "--pincode", "560001", "--date", "2026-12-05T10:00", "--price", "500", "-q"]).status, 0)
        transport.register("PATCH", path, status: 204, body: [])
        transport.register("GET", path, json: #"{"id": "\#(booking)", "customer_notes": "x"}"#)
        let noContent = harness.run(["bookings", "update", booking, "--notes", "x", "-o", "json"])
        XCTAssertEqual(noContent.status, 0, noContent.err)
        XCTAssertEqual(noContent.out, "", "no null in place of the answer")
        XCTAssertEqual(noContent.err, "homeserve: The server sent no answer to print; the change was made.\n")
        transport.register("DELETE", "/api/photos/9/", status: 200, body: [])
        XCTAssertEqual(harness.run(["photos", "delete", "9", "-q"]).status, 0)
    }

    func testAnAnswerCutShortIs8() {
        transport.fail("GET", path, .truncated, sent: true, times: 2)
        fails(["--retries", "1", "bookings", "get", booking], .badServerAnswer, "the answer was cut short")
        XCTAssertEqual(transport.log.count, 2)
    }

    // MARK: Retries

    func testBadGatewaysAreRetriedWithBackoff() {
        transport.register("GET", path, status: 502, body: Array("<html><title>502 Bad Gateway</title></html>".utf8), headers: [("Content-Type", "text/html")])
        transport.register("GET", path, status: 503, json: #"{"detail": "busy"}"#)
        transport.register("GET", path, status: 504)
        transport.register("GET", path, json: #"{"id": "\#(booking)"}"#)
        let outcome = harness.run(["bookings", "get", booking])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(harness.clock.slept, [0.375, 0.75, 1.5])
        XCTAssertEqual(lines(outcome.err), [
            "homeserve: HTTP 502 from GET https://api.test\(path); retrying in 0.4s (1/3)",
            "homeserve: HTTP 503 from GET https://api.test\(path); retrying in 0.8s (2/3)",
            "homeserve: HTTP 504 from GET https://api.test\(path); retrying in 1.5s (3/3)",
        ])
        transport.verify()
    }

    func testRetriesRunOutWithTheLastAnswer() {
        transport.register("GET", path, status: 503, json: #"{"detail": "Service Unavailable"}"#, times: 3)
        fails(["--retries", "2", "bookings", "get", booking], .badServerAnswer, "GET \(path) failed: HTTP 503: Service Unavailable")
        XCTAssertEqual(harness.clock.slept, [0.375, 0.75])
    }

    func testRateLimitsRunOutAs10() {
        transport.register("GET", path, status: 429, json: #"{"detail": "Slow down"}"#, times: 2)
        fails(["--retries", "1", "bookings", "get", booking], .rateLimited, "HTTP 429: Slow down")
    }

    func testRetryAfterSecondsIsHonoured() {
        transport.register("GET", path, status: 429, json: "{}", headers: [("Retry-After", "7")])
        transport.register("GET", path, status: 503, json: "{}", headers: [("Retry-After", "0")])
        transport.register("GET", path, json: #"{"id": 1}"#)
        XCTAssertEqual(harness.run(["bookings", "get", booking]).status, 0)
        XCTAssertEqual(harness.clock.slept, [7, 0])
        transport.verify()
    }

    func testRetryAfterAnHTTPDateIsHonoured() {
        // The fake clock starts at 2026-11-30 12:00:00 UTC.
        transport.register("GET", path, status: 503, json: "{}", headers: [("Retry-After", "Mon, 30 Nov 2026 12:00:12 GMT")])
        transport.register("GET", path, status: 503, json: "{}", headers: [("Retry-After", "Mon, 30 Nov 2026 11:00:00 GMT")])
        transport.register("GET", path, json: #"{"id": 1}"#)
        XCTAssertEqual(harness.run(["bookings", "get", booking]).status, 0)
        XCTAssertEqual(harness.clock.slept, [12, 0], "a date in the past means now")
        transport.verify()
    }

    func testRetryAfterBeyondTheDeadlineFailsAtOnce() {
        // --timeout 5 with 2 retries: 15 s for the whole request.
        transport.register("GET", path, status: 429, json: #"{"detail": "Throttled"}"#, headers: [("Retry-After", "60")])
        let outcome = fails(["--timeout", "5", "--retries", "2", "bookings", "get", booking], .rateLimited)
        XCTAssertEqual(outcome.err, "homeserve: GET \(path) failed: HTTP 429: Throttled; the server asked to wait 60.0s (Retry-After), longer than the time left\n")
        XCTAssertEqual(harness.clock.slept, [])
    }

    func testRetryAfterCountsTheTimeAlreadySpent() {
        // 12 s in all: the first wait of 7 s fits, the second does not.
        transport.register("GET", path, status: 503, json: "{}", headers: [("Retry-After", "7")])
        transport.register("GET", path, status: 503, json: #"{"detail": "still busy"}"#, headers: [("Retry-After", "7")])
        fails(["--timeout", "4", "--retries", "2", "bookings", "get", booking], .badServerAnswer, "still busy; the server asked to wait 7.0s (Retry-After), longer than the time left")
        XCTAssertEqual(harness.clock.slept, [7])
    }

    func testAPostIsNeverRetriedOnceItMayHaveBeenSent() {
        transport.register("POST", "/api/bookings/", status: 503, json: #"{"detail": "upstream"}"#)
        fails(create, .badServerAnswer, "HTTP 503: upstream; the POST may have been carried out before the server failed: check before sending it again")
        transport.fail("POST", "/api/bookings/", .receive, sent: true)
        fails(create, .network, "cannot reach https://api.test", "; the POST reached the server and may have been carried out: check before sending it again")
        transport.fail("POST", "/api/bookings/", .timeout, sent: true)
        fails(create, .network, "timed out", "may have been carried out")
        XCTAssertEqual(transport.log, ["POST /api/bookings/", "POST /api/bookings/", "POST /api/bookings/"])
        XCTAssertEqual(harness.clock.slept, [])
        // A proxy's page in place of the answer, or the server's own answer cut short: a script that sends
        // the POST again books twice.
        transport.register("POST", "/api/bookings/", status: 502, body: Array("<html><title>Bad Gateway</title></html>".utf8), headers: [("Content-Type", "text/html")])
        fails(create, .badServerAnswer, "HTTP 502: Bad Gateway (HTML page); the POST may have been carried out before the server failed")
        transport.register("POST", "/api/bookings/", status: 201, body: Array(#"{"id": "\#(booking)", "status": "pen"#.utf8), headers: [("Content-Type", "application/json")])
        fails(create, .badServerAnswer, "the body is not valid JSON", #"it looks like {"id""#, "; the POST was carried out (HTTP 201): check before sending it again")
        // A refusal (4xx) did not happen, a read changes nothing, and a computation (a price) is no change.
        transport.register("POST", "/api/bookings/", status: 400, json: #"{"pincode": ["Not served."]}"#)
        let refused = fails(create, .rejected)
        XCTAssertFalse(refused.err.contains("carried out"), refused.err)
        transport.register("GET", path, status: 500, json: #"{"detail": "boom"}"#)
        let read = fails(["--retries", "0", "bookings", "get", booking], .badServerAnswer, "HTTP 500: boom")
        XCTAssertFalse(read.err.contains("carried out"), read.err)
        transport.register("POST", "/api/dynamic-pricing/", status: 500, json: #"{"detail": "model down"}"#)
        let price = fails(["pricing", "predict", "--service", "1", "--pincode", "560001"], .badServerAnswer, "model down")
        XCTAssertFalse(price.err.contains("carried out"), price.err)
        // An answer cut short, or too large, after the POST reached the server: the same hint.
        transport.fail("POST", "/api/bookings/", .truncated, sent: true)
        fails(create, .badServerAnswer, "the answer was cut short", "; the POST reached the server and may have been carried out: check before sending it again")
        // Neither a login sent through api, nor the history export (a read sent as a POST), nor a DELETE
        // (safe to send again, and retried as a read is) is a change to check.
        transport.register("POST", "/auth/login/", status: 500, json: #"{"detail": "down"}"#)
        let login = fails(["api", "POST", "/auth/login/", "-f", "username=a", "-f", "password=b"], .badServerAnswer, "HTTP 500: down")
        XCTAssertFalse(login.err.contains("carried out"), login.err)
        transport.register("POST", "/admin-dashboard/edit-history/export/", status: 500, json: #"{"detail": "down"}"#)
        let export = fails(["admin", "history", "export"], .badServerAnswer, "HTTP 500: down")
        XCTAssertFalse(export.err.contains("carried out"), export.err)
        transport.register("DELETE", "/api/photos/9/", status: 500, json: #"{"detail": "down"}"#)
        let delete = fails(["--retries", "0", "photos", "delete", "9"], .badServerAnswer, "HTTP 500: down")
        XCTAssertFalse(delete.err.contains("carried out"), delete.err)
    }

    func testARenewalThatTimesOutIsNotCalledAChangeToCheck() {
        // Less than 5 s left: the token is not sent in the renewal's place.
        harness.storeSession(access: harness.token(expiresIn: 4, life: 300), refresh: "refresh-1")
        transport.fail("POST", "/auth/refresh/", .timeout, message: "no answer within 30 s", sent: true)
        let outcome = fails(["bookings", "get", booking], .network, "POST https://api.test/auth/refresh/: timed out (no answer within 30 s)")
        XCTAssertFalse(outcome.err.contains("carried out"), outcome.err)
        transport.fail("POST", "/auth/send-otp/", .timeout, sent: true)
        fails(["auth", "otp", "send", "--email", "a@example.com"], .network, "timed out", "the POST reached the server and may have been carried out")
        // Cut short by Ctrl-C or SIGTERM once sent, it says so too; one that never left does not.
        transport.fail("POST", "/auth/send-otp/", .cancelled, sent: true)
        fails(["auth", "otp", "send", "--email", "a@example.com"], .interrupted, "the POST reached the server and may have been carried out")
        transport.fail("POST", "/auth/send-otp/", .cancelled, sent: false)
        let unsent = fails(["auth", "otp", "send", "--email", "a@example.com"], .interrupted)
        XCTAssertFalse(unsent.err.contains("carried out"), unsent.err)
    }

    func testAPostThatNeverLeftIsRetried() {
        transport.fail("POST", "/api/bookings/", .connect, sent: false)
        transport.register("POST", "/api/bookings/", status: 201, json: #"{"id": "\#(booking)", "status": "pending"}"#)
        let outcome = harness.run(create)
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(outcome.json["id"]?.stringValue, booking)
        XCTAssertEqual(harness.clock.slept, [0.375])
        XCTAssertContains(outcome.err, "Created booking \(booking).")
        transport.verify()
        // An answer that wraps the booking with a message: the booking is the row, the message goes to stderr.
        transport.register("POST", "/api/bookings/", status: 201, json: #"{"message": "Booking created successfully", "booking": {"id": "\#(booking)", "status": "pending"}}"#)
        let wrapped = harness.run(create + ["-o", "csv", "--fields", "id,status"])
        XCTAssertEqual(wrapped.out, "id,status\n\(booking),pending\n")
        XCTAssertContains(wrapped.err, "homeserve: Booking created successfully (booking \(booking))\n")
    }

    func testAPatchIsNotRetriedOnA502() {
        transport.register("PATCH", path, status: 502)
        fails(["bookings", "cancel", booking], .badServerAnswer, "PATCH \(path) failed: HTTP 502")
    }

    func testADeleteIsRetried() {
        transport.register("DELETE", "/api/photos/42/", status: 503)
        transport.register("DELETE", "/api/photos/42/", status: 204)
        let outcome = harness.run(["photos", "delete", "42"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(outcome.out, "")
        XCTAssertEqual(harness.clock.slept, [0.375])
        transport.verify()
    }

    func testBackoffStopsAtTheDeadline() {
        // --timeout 1 with 10 retries: 11 s in all. Waits of 0.375, 0.75, 1.5 and 3 s fit; the next (6 s) does not.
        transport.fail("GET", path, .connect, times: 5)
        fails(["--timeout", "1", "--retries", "10", "bookings", "get", booking], .network, "cannot reach")
        XCTAssertEqual(harness.clock.slept, [0.375, 0.75, 1.5, 3])
        XCTAssertEqual(transport.log.count, 5)
    }
}
