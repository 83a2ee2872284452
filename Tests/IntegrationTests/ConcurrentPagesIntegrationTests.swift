import Foundation
import HomeServeCore
import XCTest

/// Long listings fetched concurrently against the sandbox: rows in page order, early stop, a 429 or a
/// failing page in the middle, and a token refused mid-walk.
final class ConcurrentPagesIntegrationTests: XCTestCase {
    var sandbox: Sandbox!
    var cli: CLI!
    /// customer1's bookings in the server's order, fetched one page after another.
    var expected: [String] = []

    override func setUpWithError() throws {
        sandbox = try Sandbox(["--extra-bookings", "400"])
        cli = CLI(sandbox: sandbox)
        try cli.login()
        let sequential = try cli.run(["bookings", "list", "--all", "--parallel", "1", "-o", "ndjson"])
        XCTAssertEqual(sequential.status, 0, sequential.err)
        expected = ids(sequential)
        XCTAssertEqual(expected.count, 445)
    }

    func ids(_ result: Result) -> [String] {
        result.out.split(separator: "\n").compactMap { try? JSON.parse(String($0))["id"]?.stringValue }
    }

    func testPagesArriveConcurrentlyAndPrintInOrder() throws {
        for parallel in ["2", "6", "16"] {
            let result = try cli.run(["bookings", "list", "--all", "--parallel", parallel, "-o", "ndjson"])
            XCTAssertEqual(result.status, 0, result.err)
            XCTAssertEqual(ids(result), expected, "--parallel \(parallel): every row once, in page order")
        }
        let limited = try cli.run(["bookings", "list", "--limit", "45", "--parallel", "6", "-o", "ndjson"])
        XCTAssertEqual(ids(limited), Array(expected.prefix(45)))
        let pages = try sandbox.receivedRequests().suffix(3)
        XCTAssertTrue(pages.allSatisfy { $0 == "GET /api/bookings/" }, "\(pages)")
    }

    func testRateLimitedPageIsRetriedAndTheWalkCompletes() throws {
        try sandbox.fault(#"{"path": "/api/bookings/?page=7", "status": 429, "retry_after": 1, "count": 1}"#)
        let result = try cli.run(["bookings", "list", "--all", "--parallel", "6", "-o", "ndjson"])
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertEqual(ids(result), expected)
        XCTAssertTrue(result.err.contains("HTTP 429"), result.err)
    }

    func testAFailingPageInTheMiddleKeepsTheRowsBeforeIt() throws {
        try sandbox.fault(#"{"path": "/api/bookings/?page=12", "status": 500, "count": 100}"#)
        let result = try cli.run(["bookings", "list", "--all", "--parallel", "6", "-o", "ndjson"])
        XCTAssertEqual(result.status, 8, result.err)
        XCTAssertTrue(result.err.contains("HTTP 500"), result.err)
        XCTAssertEqual(ids(result), Array(expected.prefix(11 * 20)), "the eleven pages before the failing one, whole and in order")
    }

    func testAShortPageFailsTheWalkAfterThePagesBeforeIt() throws {
        // Page 5 as the server would send it, with 15 of its 20 rows missing.
        let token = cli.credentials["profiles"]?["default"]?["access"]?.stringValue
        let (status, page) = try sandbox.request("GET", "/api/bookings/?page=5", token: token)
        XCTAssertEqual(status, 200)
        let short = page.setting("results", .array(Array(page["results"]?.arrayValue?.prefix(5) ?? [])))
        let fault = JSON.object([("path", "/api/bookings/?page=5"), ("status", 200), ("count", 100), ("body", .string(short.serialized()))])
        try sandbox.fault(fault.serialized())
        for parallel in ["1", "6"] {
            let result = try cli.run(["bookings", "list", "--all", "--parallel", parallel, "-o", "ndjson"])
            XCTAssertEqual(result.status, 8, "--parallel \(parallel): " + result.err)
            XCTAssertEqual(ids(result), Array(expected.prefix(80)), "the four pages before the short one, whole and in order")
            XCTAssertTrue(result.err.contains("page 5 holds 5 rows where the first held 20, and more pages follow: rows are missing, so read it again"), result.err)
        }
    }

    func testATokenRefusedMidWalkIsRefreshedOnce() throws {
        try sandbox.fault(#"{"path": "/api/bookings/?page=9", "status": 401, "count": 1, "body": "{\"detail\": \"Given token not valid for any token type\", \"code\": \"token_not_valid\"}"}"#)
        try sandbox.request("DELETE", "/sandbox/requests")
        let result = try cli.run(["bookings", "list", "--all", "--parallel", "6", "-o", "ndjson"])
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertEqual(ids(result), expected)
        XCTAssertEqual(try sandbox.receivedRequests().filter { $0 == "POST /auth/refresh/" }.count, 1)
    }

    func testAClosedReaderStopsTheWalk() throws {
        try sandbox.request("DELETE", "/sandbox/requests")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binaries.cli)
        process.arguments = ["bookings", "list", "--all", "--parallel", "6", "-o", "ndjson"]
        process.environment = cli.environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try pipe.fileHandleForReading.close()
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "a reader that went away is not an error")
        XCTAssertEqual(try sandbox.receivedRequests(), ["GET /api/bookings/"], "no page fetched after the reader left")
    }
}
