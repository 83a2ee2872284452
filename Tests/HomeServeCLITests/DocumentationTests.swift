import HomeServeAPI
@testable import HomeServeCLI
import HomeServeCore
import Foundation
import XCTest

/// The examples the documentation shows, run as written: each test runs the documented code and checks,
/// by reading the document, that the code it runs is the code shown, so the two cannot drift apart.
final class DocumentationTests: XCTestCase {
    /// docs/ARCHITECTURE.md, "Testing a command in-process".
    func testTheArchitectureExample() throws {
        let harness = Harness()
        harness.storeSession(access: harness.token(expiresIn: 300))
        harness.transport.register("GET", "/api/bookings/", status: 503, headers: [("Retry-After", "2")])
        harness.transport.register("GET", "/api/bookings/", json: #"{"count": 1, "next": null, "results": [{"id": "b1"}]}"#)
        let run = harness.run(["bookings", "list", "-o", "csv", "--fields", "id"])
        XCTAssertEqual(run.status, 0)
        XCTAssertEqual(run.out, "id\nb1\n")
        XCTAssertEqual(harness.clock.slept, [2])
        harness.transport.verify()

        let shown = try Self.example(in: "docs/ARCHITECTURE.md", under: "## Testing a command in-process")
        XCTAssertGreaterThan(shown.count, 5)
        let runs = try Self.lines(of: String(contentsOfFile: "\(#filePath)", encoding: .utf8))
        XCTAssertTrue(runs.indices.contains { runs[$0...].starts(with: shown) },
                      "docs/ARCHITECTURE.md shows other code than this test runs:\n" + shown.joined(separator: "\n"))
    }

    /// The first ```swift block after the heading, each line without its indentation.
    static func example(in document: String, under heading: String) throws -> [String] {
        let text = try String(contentsOfFile: RepositoryFiles.root + "/" + document, encoding: .utf8)
        let all = lines(of: text)
        guard let section = all.firstIndex(of: heading),
              let start = all[section...].firstIndex(of: "```swift"),
              let end = all[(start + 1)...].firstIndex(of: "```") else {
            XCTFail("\(document) has no swift example under '\(heading)'")
            return []
        }
        return Array(all[(start + 1)..<end])
    }

    static func lines(of text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0.drop { $0 == " " }) }
    }
}
