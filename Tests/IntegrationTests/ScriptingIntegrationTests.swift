import Foundation
import HomeServeCore
import XCTest

/// What a shell script needs without jq, sed or tail: --jq, one paging contract, lists of values, dates
/// people type, headers on request, and JSON whenever stdout is a pipe.
final class ScriptingIntegrationTests: XCTestCase {
    var sandbox: Sandbox!
    var cli: CLI!

    override func setUpWithError() throws {
        sandbox = try Sandbox()
        cli = CLI(sandbox: sandbox)
        try cli.login()
    }

    func testJQRunsOnWhatJSONWouldPrintAndCompilesBeforeSending() throws {
        let first = try cli.run(["services", "list", "--jq", ".[0].id"])
        XCTAssertEqual(first.status, 0, first.err)
        XCTAssertEqual(first.out, "1\n")
        let names = try cli.run(["services", "list", "--all", "--jq", ".[] | select(.category == \"Plumbing\") | .name"])
        XCTAssertEqual(names.out, "Tap and Leak Repair\nDrain Unclogging\n", "strings print raw, one per line")

        let before = try sandbox.receivedRequests().count
        let broken = try cli.run(["services", "list", "--jq", "["])
        XCTAssertEqual(broken.status, 2)
        XCTAssertTrue(broken.err.hasPrefix("homeserve: invalid value '[' for --jq:"), broken.err)
        XCTAssertEqual(try sandbox.receivedRequests().count, before, "nothing is sent")
        let dry = try cli.run(["--dry-run", "services", "list", "--jq", "["])
        XCTAssertEqual(dry.status, 2)
        XCTAssertEqual(dry.out, "", "not even a dry run")
    }

    func testWithoutLibjqOnlyJQFailsAndItSendsNothing() throws {
        // A file that is not a library, found first: libjq cannot be loaded.
        let directory = NSTemporaryDirectory() + "no-libjq-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        XCTAssertTrue(FileManager.default.createFile(atPath: directory + "/libjq.so.1", contents: Data()))
        let environment = ["LD_LIBRARY_PATH": directory]

        let before = try sandbox.receivedRequests().count
        let filtered = try cli.run(["services", "list", "--jq", ".[0].id"], environment: environment)
        XCTAssertEqual(filtered.status, 1, filtered.err)
        XCTAssertEqual(filtered.out, "")
        XCTAssertTrue(filtered.err.hasPrefix("homeserve: --jq needs libjq, which could not be loaded: "), filtered.err)
        XCTAssertEqual(filtered.err.split(separator: "\n").count, 1, filtered.err)
        XCTAssertEqual(try sandbox.receivedRequests().count, before, "nothing is sent")

        let plain = try cli.run(["services", "list", "--fields", "id", "-o", "tsv", "--limit", "1", "--no-headers"], environment: environment)
        XCTAssertEqual(plain.status, 0, plain.err)
        XCTAssertEqual(plain.out, "1\n")
    }

    func testEveryValueOfAListFilterAndNothingElse() throws {
        let result = try cli.run(["bookings", "list", "--status", "pending,confirmed", "--all", "-o", "ndjson"])
        XCTAssertEqual(result.status, 0, result.err)
        let statuses = result.out.split(separator: "\n").compactMap { try? JSON.parse(String($0))["status"]?.stringValue }
        XCTAssertEqual(Set(statuses), ["pending", "confirmed"])
        let pending = try cli.run(["bookings", "list", "--status", "pending", "--all", "-o", "ndjson"]).out.split(separator: "\n").count
        let confirmed = try cli.run(["bookings", "list", "--status", "confirmed", "--all", "-o", "ndjson"]).out.split(separator: "\n").count
        XCTAssertEqual(statuses.count, pending + confirmed, "every booking of both, once")
        let repeated = try cli.run(["bookings", "list", "--status", "pending", "--status", "confirmed", "--all", "-o", "ndjson"])
        XCTAssertEqual(repeated.out, result.out, "repeating the flag is the same as a comma")
    }

    func testThePagingContractOnEveryListCommand() throws {
        let ops = CLI(sandbox: sandbox)
        try ops.login("admin")
        for args in [["bookings", "list"], ["services", "list"], ["signatures", "list"], ["disputes", "list"],
                     ["disputes", "messages", SeedIDs.dispute(18)], ["admin", "history"], ["admin", "notifications", "logs"],
                     ["admin", "alerts"], ["admin", "analytics", "pincode"], ["photos", "list", "--booking", SeedIDs.booking(2)]] {
            let limited = try ops.run(args + ["--page", "1", "--page-size", "5", "--limit", "3", "-o", "json"])
            XCTAssertEqual(limited.status, 0, "\(args): \(limited.err)")
            XCTAssertLessThanOrEqual(limited.json.arrayValue?.count ?? 99, 3, "\(args)")
            let all = try ops.run(args + ["--all", "--page-size", "2", "-o", "json"])
            XCTAssertEqual(all.status, 0, "\(args) --all: \(all.err)")
            let defaultPages = try ops.run(args + ["--all", "-o", "json"])
            XCTAssertEqual(all.json.arrayValue?.count, defaultPages.json.arrayValue?.count, "\(args): --all in pages of 2 = in the server's pages")
            XCTAssertEqual(all.json, defaultPages.json, "\(args): the same rows in the same order")
        }
    }

    func testAPipeGetsJSONWhateverTheProfileSays() throws {
        XCTAssertEqual(try cli.run(["config", "set", "output", "table"]).status, 0)
        let piped = try cli.run(["services", "list"])
        XCTAssertEqual(piped.status, 0, piped.err)
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", "import json,sys; json.load(sys.stdin)"]
        let input = Pipe()
        check.standardInput = input
        try check.run()
        input.fileHandleForWriting.write(Data(piped.out.utf8))
        try input.fileHandleForWriting.close()
        check.waitUntilExit()
        XCTAssertEqual(check.terminationStatus, 0, "json.load read it: \(piped.out.prefix(200))")
        XCTAssertEqual(try cli.run(["services", "list", "-o", "table"]).out.prefix(2), "ID", "-o still applies")
    }

    func testDatesPeopleTypeResolveInTheDryRun() throws {
        let result = try cli.run(["--dry-run", "bookings", "list", "--from", "today", "--to", "+7d"], environment: ["TZ": "UTC"])
        XCTAssertEqual(result.status, 0, result.err)
        let today = Dates.day(Date()), week = Dates.day(Date().addingTimeInterval(7 * 86400))
        XCTAssertTrue(result.out.contains("date_from=\(today)&date_to=\(week)"), result.out)
        let create = try cli.run(["--dry-run", "bookings", "create", "--service", "1", "--pincode", "560001", "--date", "tomorrow 10:00", "--price", "100"],
                                 environment: ["TZ": "UTC"])
        XCTAssertTrue(create.out.contains("\"scheduled_date\":\"\(Dates.day(Date().addingTimeInterval(86400)))T10:00:00Z\""), create.out)
    }

    func testHeadersSortingAndFields() throws {
        let tsv = try cli.run(["services", "list", "-o", "tsv", "--no-headers", "--fields", "id,base_price", "--sort-by", "base_price"])
        XCTAssertEqual(tsv.status, 0, tsv.err)
        let rows = tsv.out.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        XCTAssertFalse(rows.contains { $0.first == "id" }, "no header row")
        let prices = rows.compactMap { $0.last.flatMap(Double.init) }
        XCTAssertEqual(prices, prices.sorted(), "sorted by price as numbers")
        XCTAssertEqual(rows.count, 9)
        let typo = try cli.run(["services", "list", "--fields", "id,nmae"])
        XCTAssertEqual(typo.status, 2)
        XCTAssertTrue(typo.err.contains("did you mean 'name'?"), typo.err)
    }
}
