import HomeServeAPI
@testable import HomeServeCLI
import HomeServeCore
import XCTest

/// The examples the documentation shows, run as written.
final class DocumentationTests: XCTestCase {
    /// docs/ARCHITECTURE.md, "Testing a command in-process".
    func testTheArchitectureExample() {
        let harness = Harness()
        harness.storeSession(access: harness.token(expiresIn: 300))
        harness.transport.register("GET", "/api/bookings/", status: 503, headers: [("Retry-After", "2")])
        harness.transport.register("GET", "/api/bookings/", json: #"{"count": 1, "next": null, "results": [{"id": "b1"}]}"#)
        let run = harness.run(["bookings", "list", "-o", "csv", "--fields", "id"])
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertEqual(run.out, "id\nb1\n")
        XCTAssertEqual(harness.clock.slept, [2])
        harness.transport.verify()
    }
}
