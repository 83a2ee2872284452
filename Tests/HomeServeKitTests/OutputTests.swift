import XCTest
@testable import HomeServeKit

final class OutputTests: XCTestCase {
    let items: [JSON] = [
        try! JSON.parse(#"{"id": "b1", "status": "pending", "service": {"name": "Deep clean", "id": 3}, "total_price": "549.00"}"#),
        try! JSON.parse(#"{"id": "b2", "status": "signed", "service": {"name": "Tap, \"leak\"", "id": 4}, "total_price": "99.50"}"#),
    ]

    func render(_ format: OutputFormat, fields: [String]? = nil, columns: [String] = ["id", "status", "service.name"], tty: Bool = false) -> String {
        let captured = CapturedTerminal()
        captured.terminal.stdoutIsTTY = tty
        let writer = Printer(format: format, fields: fields, color: false, terminal: captured.terminal).list(columns: columns)
        items.forEach(writer.add)
        writer.finish()
        return captured.out
    }

    func testJSONKeepsKeyOrderAndLiterals() throws {
        let text = #"{"z": 1.50, "a": [true, null, "x\n\u00e9"], "m": {"b": 1e3, "a": -0}}"#
        let value = try JSON.parse(text)
        XCTAssertEqual(value.serialized(), #"{"z":1.50,"a":[true,null,"x\né"],"m":{"b":1e3,"a":-0}}"#)
        XCTAssertEqual(try JSON.parse(value.serialized(pretty: true)), value)
    }

    func testJSONRejectsMalformedAndHostileInput() {
        for bad in ["", "{", "[1,]", "{\"a\" 1}", "\"unterminated", "01x", "007", "[-01]", "1.", "-", "{\"a\":1}}", "nul", "\"\\q\""] {
            XCTAssertThrowsError(try JSON.parse(bad), bad)
        }
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        XCTAssertThrowsError(try JSON.parse(deep)) { XCTAssertTrue("\($0)".contains("too deep")) }
        XCTAssertEqual(try JSON.parse("\"\\ud83d\\ude00\""), .string("😀"))
    }

    func testDotPaths() throws {
        XCTAssertEqual(items[0].value(at: "service.name"), .string("Deep clean"))
        XCTAssertEqual(try JSON.parse("[[1,2]]").value(at: "0.1"), .number("2"))
        XCTAssertNil(items[0].value(at: "service.missing"))
    }

    func testJSONListIsOneArray() throws {
        let out = render(.json)
        let parsed = try JSON.parse(out)
        XCTAssertEqual(parsed.arrayValue?.count, 2)
        XCTAssertEqual(parsed.value(at: "1.service.name"), .string("Tap, \"leak\""))
        let captured = CapturedTerminal()
        Printer(format: .json, fields: nil, color: false, terminal: captured.terminal).list(columns: []).finish()
        XCTAssertEqual(try JSON.parse(captured.out), .array([]))
    }

    func testNDJSONIsOneObjectPerLine() throws {
        let lines = render(.ndjson).split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        XCTAssertEqual(try JSON.parse(String(lines[1]))["id"], .string("b2"))
    }

    func testCSVQuotesAndFollowsDotPaths() {
        XCTAssertEqual(render(.csv), "id,status,service.name\nb1,pending,Deep clean\nb2,signed,\"Tap, \"\"leak\"\"\"\n")
    }

    func testTSVEscapesTabsAndNewlines() {
        let captured = CapturedTerminal()
        let writer = Printer(format: .tsv, fields: nil, color: false, terminal: captured.terminal).list(columns: ["a"])
        writer.add(.object([("a", .string("x\ty\nz"))]))
        writer.finish()
        XCTAssertEqual(captured.out, "a\nx\\ty\\nz\n")
    }

    func testTableAlignsColumns() {
        XCTAssertEqual(render(.table), """
        ID  STATUS   SERVICE.NAME
        b1  pending  Deep clean
        b2  signed   Tap, "leak"

        """)
    }

    func testFieldsOverrideColumnsAndProjectJSON() throws {
        XCTAssertEqual(render(.csv, fields: ["total_price", "id"]), "total_price,id\n549.00,b1\n99.50,b2\n")
        let projected = try JSON.parse(render(.json, fields: ["id", "service.id"]))
        XCTAssertEqual(projected.value(at: "0"), .object([("id", .string("b1")), ("service.id", .number("3"))]))
    }

    func testObjectAsKeyValueTable() {
        let captured = CapturedTerminal()
        Printer(format: .table, fields: nil, color: false, terminal: captured.terminal)
            .object(.object([("id", .string("b1")), ("total_price", .string("549.00"))]))
        XCTAssertEqual(captured.out, "id           b1\ntotal_price  549.00\n")
    }

    func testColourOnlyWhenAsked() {
        let captured = CapturedTerminal()
        let writer = Printer(format: .table, fields: nil, color: true, terminal: captured.terminal).list(columns: ["id"])
        writer.add(items[0])
        writer.finish()
        XCTAssertTrue(captured.out.hasPrefix("\u{1B}[1mID"))
        XCTAssertFalse(render(.table).contains("\u{1B}"))
    }

    func testEmptyTableSaysSoOnStderr() {
        let captured = CapturedTerminal()
        Printer(format: .table, fields: nil, color: false, terminal: captured.terminal).list(columns: ["id"]).finish()
        XCTAssertEqual(captured.out, "")
        XCTAssertEqual(captured.err, "No results.\n")
    }

    func testServerErrorSummaries() {
        let html = HTTPResponse(status: 502, headers: [], body: Array("<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>...</body></html>".utf8), seconds: 0)
        let error = ResponseError.classify(html, method: "GET", path: "/api/services/")
        XCTAssertEqual(error.code, .serverError)
        XCTAssertEqual(error.message, "GET /api/services/ failed: HTTP 502: 502 Bad Gateway (HTML page)")
        let fields = HTTPResponse(status: 400, headers: [], body: Array(#"{"pincode": ["Ensure this field has at least 6 characters."], "service": ["Invalid pk."]}"#.utf8), seconds: 0)
        let rejected = ResponseError.classify(fields, method: "POST", path: "/api/bookings/")
        XCTAssertEqual(rejected.code, .rejected)
        XCTAssertEqual(rejected.details, ["  pincode: Ensure this field has at least 6 characters.", "  service: Invalid pk."])
        for (status, code) in [(401, ExitCode.notAuthenticated), (403, .forbidden), (404, .notFound), (409, .conflict), (429, .rateLimited), (503, .serverError), (422, .rejected)] {
            XCTAssertEqual(ResponseError.classify(HTTPResponse(status: status, headers: [], body: [], seconds: 0), method: "GET", path: "/").code, code)
        }
    }

    func testRedaction() {
        XCTAssertEqual(Redaction.body(.object([("username", .string("u")), ("password", .string("p")), ("refresh", .string("r"))])).serialized(),
                       #"{"username":"u","password":"***","refresh":"***"}"#)
        XCTAssertEqual(Redaction.url("ws://h/ws/x/?token=abc&x=1"), "ws://h/ws/x/?token=***&x=1")
    }
}

final class HostileInputTests: XCTestCase {
    func testLoneSurrogatesBecomeReplacementCharacters() throws {
        XCTAssertEqual(try JSON.parse(#""\ud800\u0041""#), .string("\u{FFFD}A"))
        XCTAssertEqual(try JSON.parse(#""\udc00""#), .string("\u{FFFD}"))
        XCTAssertEqual(try JSON.parse(#""\ud83d\ude00""#), .string("😀"))
    }

    func testMoneyIsFormattedOnTheDigits() {
        XCTAssertEqual(Money.twoDecimals("549"), "549.00")
        XCTAssertEqual(Money.twoDecimals("12.345"), "12.35")
        XCTAssertEqual(Money.twoDecimals("99.995"), "100.00")
        XCTAssertEqual(Money.twoDecimals("0.5"), "0.50")
        XCTAssertEqual(Money.twoDecimals(".5"), "0.50")
        XCTAssertEqual(Money.twoDecimals("-5.5"), "-5.50")
        XCTAssertEqual(Money.twoDecimals("100000000000000000000"), "100000000000000000000.00")
        XCTAssertEqual(Money.twoDecimals("abc"), "abc")
    }

    func testAbsurdExpiryIsUnreadable() {
        func token(_ exp: String) -> String {
            "e30." + Base64.encode(Array(#"{"exp": \#(exp)}"#.utf8)).replacing("=", with: "") + ".x"
        }
        XCTAssertNil(JWT.expiry(token("-9223372036854775807")))
        XCTAssertNil(JWT.expiry(token("9223372036854775807")))
        XCTAssertEqual(JWT.expiry(token("1800000000")), 1_800_000_000)
    }

    func testHugeAmountsAreRefusedLocally() {
        let (status, out, err) = runCLI(["bookings", "create", "--service", "1", "--pincode", "560001", "--date", "2026-12-01T10:00:00Z",
                                         "--price", "100000000000000000000"])
        XCTAssertEqual(status, 2)
        XCTAssertEqual(out, "")
        XCTAssertTrue(err.contains("--price"), err)
        XCTAssertEqual(runCLI(["bookings", "list", "--page", "9223372036854775807"]).0, 2)
    }
}
