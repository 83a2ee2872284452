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

    /// Every help page fits 100 columns, and an example broken to fit still reads as the one command.
    func testEveryHelpPageFitsAHundredColumns() throws {
        let table = CommandTable.standard
        let help = Help(table: table)
        var pages: [([String], String)] = [([], try help.text(for: []))]
        for topic in Topics.all { pages.append(([topic.name], try help.text(for: [topic.name]))) }
        for group in table.groups { pages.append((group.name.split(separator: " ").map(String.init), try help.text(for: group.name.split(separator: " ").map(String.init)))) }
        for command in table.commands { pages.append((command.path, help.command(command))) }
        XCTAssertGreaterThan(pages.count, 60)
        for (path, page) in pages {
            for line in page.split(separator: "\n") where line.count > 100 {
                XCTFail("'homeserve help \(path.joined(separator: " "))' has a line of \(line.count) columns: \(line)")
            }
        }
        let example = "homeserve disputes create --booking 3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13 --type billing --title 'Charged twice, once on 1 Dec' --evidence '{\"receipts\": [\"R-1\"]}'"
        let broken = Help.commandLines(example, lead: "  $ ", width: 100)
        XCTAssertEqual(broken, """
              $ homeserve disputes create --booking 3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13 --type billing \\
                  --title 'Charged twice, once on 1 Dec' --evidence '{"receipts": ["R-1"]}'
            """)
    }

    /// A command's help speaks only of flags it takes: a flag's line that names --all or --limit is shown
    /// by commands that take them.
    func testAFlagsHelpNamesOnlyFlagsItsCommandTakes() {
        let table = CommandTable.standard
        for command in table.commands {
            let names = Set(command.flags.map(\.name) + table.globalFlags.map(\.name))
            for flag in command.flags {
                for named in ["all", "limit", "page", "page-size"] where flag.help.contains("--\(named)/") || flag.help.contains("--\(named) ") || flag.help.contains("/--\(named)") {
                    XCTAssertTrue(names.contains(named), "'\(command.name)' --\(flag.name) speaks of --\(named), which it does not take: \(flag.help)")
                }
            }
        }
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
