import XCTest
@testable import HomeServeKit

/// Every endpoint command, run in-process with --dry-run: the exact request it would send, and the local
/// checks that stop a bad command line before anything is sent.
final class EndpointCommandTests: XCTestCase {
    var directory = ""

    override func setUp() {
        directory = temporaryDirectory()
    }

    /// The dry run's request lines without their headers: method, url, then body or multipart.
    func requests(_ args: [String], file: StaticString = #filePath, line: UInt = #line) -> [String] {
        let (status, out, err) = runCLI(["--dry-run"] + args)
        XCTAssertEqual(status, 0, err, file: file, line: line)
        return out.split(separator: "\n").map { (try? JSON.parse(String($0)).removing("headers").serialized()) ?? String($0) }
    }

    func assertRequest(_ args: [String], _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(requests(args, file: file, line: line), [expected], file: file, line: line)
    }

    /// Exit 2, nothing on stdout, and stderr naming what was wrong.
    func assertRejected(_ args: [String], _ fragments: String..., file: StaticString = #filePath, line: UInt = #line) {
        let (status, out, err) = runCLI(["--dry-run"] + args)
        XCTAssertEqual(status, 2, err, file: file, line: line)
        XCTAssertEqual(out, "", file: file, line: line)
        for fragment in fragments { XCTAssertTrue(err.contains(fragment), "\(err) lacks \(fragment)", file: file, line: line) }
        XCTAssertEqual(err.split(separator: "\n").count, 1, "one line: \(err)", file: file, line: line)
    }

    func write(_ name: String, _ bytes: [UInt8]) -> String {
        let path = directory + "/" + name
        let file = fopen(path, "wb")!
        _ = fwrite(bytes, 1, bytes.count, file)
        fclose(file)
        return path
    }

    let booking = "3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13"
    let base = "http://127.0.0.1:9"

    // MARK: Raw API

    func testAPIFieldsAreQueryForGETAndATypedBodyOtherwise() {
        assertRequest(["api", "GET", "/api/bookings/", "-F", "status=pending", "-F", "page=2"],
                      #"{"method":"GET","url":"\#(base)/api/bookings/?status=pending&page=2"}"#)
        assertRequest(["api", "GET", "/api/bookings/?status=pending", "-F", "pincode=560001"],
                      #"{"method":"GET","url":"\#(base)/api/bookings/?status=pending&pincode=560001"}"#)
        let note = write("note.txt", Array("from a file\n".utf8))
        assertRequest(["api", "POST", "/api/dynamic-pricing/", "-F", "service_id=1", "-F", "pincode=056001", "-F", "days=3",
                       "--field", "flag=false", "-F", "none=null", "-F", "note=@" + note, "-f", "raw=12"],
                      #"{"method":"POST","url":"\#(base)/api/dynamic-pricing/","body":{"service_id":1,"pincode":"056001","days":3,"flag":false,"none":null,"note":"from a file\n","raw":"12"}}"#)
        assertRequest(["api", "DELETE", "/api/photos/42/"], #"{"method":"DELETE","url":"\#(base)/api/photos/42/"}"#)
        let input = write("changes.json", Array(#"{"status": "cancelled", "n": 1.50}"#.utf8))
        assertRequest(["api", "PATCH", "/api/bookings/\(booking)/", "--input", input],
                      #"{"method":"PATCH","url":"\#(base)/api/bookings/\#(booking)/","body":{"status":"cancelled","n":1.50}}"#)
        assertRequest(["api", "GET", "/api/signatures/", "--paginate"], #"{"method":"GET","url":"\#(base)/api/signatures/"}"#)
    }

    func testAPIValidation() {
        assertRejected(["api", "GET", "api/bookings/"], "invalid value 'api/bookings/' for PATH", "starting with /")
        assertRejected(["api", "FETCH", "/api/bookings/"], "invalid value 'FETCH' for METHOD", "GET, POST, PUT, PATCH, DELETE, HEAD")
        let input = write("body.json", Array("{}".utf8))
        assertRejected(["api", "POST", "/api/x/", "--input", input, "-F", "a=1"], "--input and -F/-f cannot be combined")
        assertRejected(["api", "POST", "/api/x/", "--paginate"], "--paginate", "POST")
        assertRejected(["api", "POST", "/api/x/", "-F", "note=@" + directory + "/gone.txt"], "-F/--field", "no such file")
        let broken = write("broken.json", Array("{".utf8))
        assertRejected(["api", "PUT", "/api/x/", "--input", broken], "invalid value '\(broken)' for --input", "not valid JSON")
        assertRejected(["api", "GET", "/x", "-F", "novalue"], "invalid value 'novalue' for -F")
    }

    // MARK: Pieces

    func testFieldTyping() {
        XCTAssertEqual(FieldValue.typed("12"), .number("12"))
        XCTAssertEqual(FieldValue.typed("-0.5e+3"), .number("-0.5e+3"))
        XCTAssertEqual(FieldValue.typed("true"), .bool(true))
        XCTAssertEqual(FieldValue.typed("null"), .null)
        for text in ["007", "+91", "1.", ".5", "1e", "0x10", "12 ", "True", ""] {
            XCTAssertEqual(FieldValue.typed(text), .string(text), text)
        }
    }

    // MARK: Printing responses that wrap their list

    func invocation(_ global: [String: [String]], tty: Bool = false) -> (Invocation, CapturedTerminal) {
        let captured = CapturedTerminal()
        captured.terminal.stderrIsTTY = tty
        let command = CommandTable.standard.command(at: ["api"])!
        let inv = Invocation(command: command, values: ParsedValues(), global: ParsedValues(flags: global),
                             terminal: captured.terminal, environment: ["HOMESERVE_CONFIG_DIR": directory])
        return (inv, captured)
    }

    func testWrappedListsPrintTheirItems() throws {
        let response = try JSON.parse(#"{"vendors":[{"id":7,"name":"Asha, plumbing","rating":4.8,"total_jobs":120,"distance_km":2.5,"travel_time":12,"email":"a@x"}],"total_vendors":1}"#)
        let (csv, csvOut) = invocation(["output": ["csv"]])
        try csv.showItems(response, keys: ["vendors"], columns: ["id", "name", "rating", "total_jobs", "distance_km", "travel_time"])
        XCTAssertEqual(csvOut.out, "id,name,rating,total_jobs,distance_km,travel_time\n7,\"Asha, plumbing\",4.8,120,2.5,12\n")

        let (json, jsonOut) = invocation(["output": ["json"]])
        try json.showItems(response, keys: ["vendors"], columns: ["id", "name"])
        XCTAssertEqual(try JSON.parse(jsonOut.out).arrayValue?.first?["email"], .string("a@x"), "json lists the items, whole")

        let (unknown, unknownOut) = invocation(["output": ["json"]])
        try unknown.showItems(.object([("status", .string("ok"))]), keys: ["vendors"], columns: ["id"])
        XCTAssertEqual(try JSON.parse(unknownOut.out), .object([("status", .string("ok"))]), "an unexpected shape prints whole")
    }

    func testSummaryViewInTablesAndWholeObjectOtherwise() throws {
        let quote = try JSON.parse(#"{"service":{"id":1,"name":"Deep clean"},"pincode":"560001","pricing":{"final_price":649.5,"factors":{"time":1.1}}}"#)
        let (table, tableOut) = invocation(["output": ["table"]])
        try table.show(quote, summary: ["service.name", "pricing.final_price"])
        XCTAssertEqual(tableOut.out, "service.name         Deep clean\npricing.final_price  649.5\n")
        let (json, jsonOut) = invocation(["output": ["json"]])
        try json.show(quote, summary: ["service.name"])
        XCTAssertEqual(try JSON.parse(jsonOut.out), quote)
    }

    func testPageHintOnlyOnATerminal() {
        let more = JSON.object([("pagination", .object([("has_next", .bool(true))]))])
        let (quiet, quietOut) = invocation([:])
        quiet.notePages(more, page: 1)
        XCTAssertEqual(quietOut.err, "")
        let (tty, ttyOut) = invocation([:], tty: true)
        tty.notePages(more, page: 2)
        XCTAssertEqual(ttyOut.err, "More results: use --page 3\n")
        let (last, lastOut) = invocation([:], tty: true)
        last.notePages(.object([("has_more", .bool(false))]), page: 1)
        XCTAssertEqual(lastOut.err, "")
    }
}
