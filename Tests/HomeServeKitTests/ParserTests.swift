import XCTest
@testable import HomeServeKit

final class ParserTests: XCTestCase {
    let parser = Parser(table: .standard, readStdin: { Array("{\"from\":\"stdin\"}".utf8) })

    func parsed(_ args: [String]) throws -> (Command, ParsedValues, ParsedValues) {
        guard case let .run(command, values, global) = try parser.parse(args) else {
            XCTFail("expected a command for \(args)"); throw CLIError.usage("no command")
        }
        return (command, values, global)
    }

    func usageError(_ args: [String], file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            _ = try parser.parse(args)
            XCTFail("expected a usage error for \(args)", file: file, line: line)
            return ""
        } catch let error as CLIError {
            XCTAssertEqual(error.code, .usage, file: file, line: line)
            XCTAssertFalse(error.message.contains("\n"), "errors are one line", file: file, line: line)
            return error.message
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
            return ""
        }
    }

    func testFlagSpellings() throws {
        for args in [["bookings", "list", "--status", "pending"], ["bookings", "list", "--status=pending"]] {
            let (command, values, _) = try parsed(args)
            XCTAssertEqual(command.name, "bookings list")
            XCTAssertEqual(values.string("status"), "pending")
        }
    }

    func testShortOptionForms() throws {
        for args in [["-o", "csv", "services", "list"], ["-ocsv", "services", "list"], ["services", "list", "-o=csv"]] {
            let (_, _, global) = try parsed(args)
            XCTAssertEqual(global.string("output"), "csv", "\(args)")
        }
    }

    func testGlobalOptionsAfterTheCommand() throws {
        let (command, _, global) = try parsed(["services", "list", "--profile", "ci", "-v", "--timeout", "5"])
        XCTAssertEqual(command.name, "services list")
        XCTAssertEqual(global.string("profile"), "ci")
        XCTAssertTrue(global.bool("verbose"))
        XCTAssertEqual(global.int("timeout"), 5)
    }

    func testBundledBooleanShortFlags() throws {
        let (_, _, global) = try parsed(["-vq", "auth", "status"])
        XCTAssertTrue(global.bool("verbose"))
        XCTAssertTrue(global.bool("quiet"))
    }

    func testNoPrefixTurnsBooleanOff() throws {
        let (_, values, global) = try parsed(["bookings", "list", "--all", "--no-all", "--dry-run", "--no-dry-run"])
        XCTAssertFalse(values.bool("all"))
        XCTAssertTrue(values.has("all"))
        XCTAssertFalse(global.bool("dry-run"))
    }

    func testDoubleDashEndsOptions() throws {
        let (_, values, _) = try parsed(["config", "set", "url", "--", "https://x.example"])
        XCTAssertEqual(values.arguments, ["url", "https://x.example"])
        let (_, literal, _) = try parsed(["bookings", "get", "--", "abc-1"])
        XCTAssertEqual(literal.arguments, ["abc-1"])
    }

    func testRepeatableFlagCollects() throws {
        let command = Command("test repeat", summary: "t", flags: [Flag("tag", .string, "t", repeatable: true), Flag("one", .string, "o")],
                              examples: []) { _ in }
        let table = CommandTable(commands: [command], groups: [], globalFlags: GlobalFlags.all)
        guard case let .run(_, values, _) = try Parser(table: table).parse(["test", "repeat", "--tag", "a", "--tag=b", "--one", "x", "--one", "y"]) else {
            return XCTFail("expected run")
        }
        XCTAssertEqual(values.strings("tag"), ["a", "b"])
        XCTAssertEqual(values.strings("one"), ["y"], "a non-repeatable flag keeps the last value")
    }

    func testDefaultsApplied() throws {
        let (_, values, _) = try parsed(["bookings", "create", "--service", "1", "--pincode", "560001", "--date", "2026-12-01T10:00:00Z"])
        XCTAssertNil(values.string("price"))
        XCTAssertEqual(values.int("service"), 1)
    }

    func testFlagsBeforeADeeperSubcommandAreKeptOrRefused() throws {
        let (command, values, _) = try parsed(["admin", "history", "--model", "Booking", "export"])
        XCTAssertEqual(command.name, "admin history export")
        XCTAssertEqual(values.string("model"), "Booking")
        XCTAssertTrue(usageError(["admin", "history", "--page", "2", "export"]).contains("flag --page does not apply to 'admin history export'"))
    }

    func testUnknownCommandSuggests() {
        XCTAssertTrue(usageError(["bokings", "list"]).contains("did you mean 'bookings'"))
        XCTAssertTrue(usageError(["bookings", "lst"]).contains("did you mean 'bookings list'"))
    }

    func testUnknownFlagSuggests() {
        let message = usageError(["bookings", "list", "--stauts", "pending"])
        XCTAssertTrue(message.contains("--stauts"), message)
        XCTAssertTrue(message.contains("did you mean --status?"), message)
        XCTAssertTrue(message.contains("bookings list --help"), message)
        XCTAssertTrue(usageError(["-x", "services", "list"]).contains("unknown flag -x"))
    }

    func testMissingValueAndRequiredFlags() {
        XCTAssertTrue(usageError(["bookings", "list", "--status"]).contains("needs a value"))
        XCTAssertTrue(usageError(["bookings", "create", "--service", "1", "--pincode", "560001"]).contains("--date"))
    }

    func testPositionalArity() {
        XCTAssertTrue(usageError(["bookings", "get"]).contains("needs ID"))
        XCTAssertTrue(usageError(["bookings", "get", "a", "b"]).contains("unexpected argument 'b'"))
    }

    func testChoiceErrorListsValues() {
        let message = usageError(["bookings", "list", "--status", "pendng"])
        XCTAssertTrue(message.contains("'pendng'") && message.contains("--status"), message)
        XCTAssertTrue(message.contains("pending, confirmed, in_progress"), message)
        XCTAssertTrue(message.contains("did you mean 'pending'"), message)
        XCTAssertTrue(usageError(["-o", "yaml", "services", "list"]).contains("table, json, ndjson, csv, tsv"))
    }

    func testIntegerRanges() {
        XCTAssertTrue(usageError(["services", "get", "0"]).contains("an integer ≥ 1"))
        XCTAssertTrue(usageError(["services", "get", "abc"]).contains("'abc'"))
        XCTAssertTrue(usageError(["--retries", "11", "services", "list"]).contains("from 0 to 10"))
        XCTAssertTrue(usageError(["--timeout", "-1", "services", "list"]).contains("--timeout"))
    }

    func testDatesAndPincodes() throws {
        for good in ["2026-12-01T10:00:00Z", "2026-12-01T10:00+05:30", "2026-12-01T10:00:00.123456-04:00", "2028-02-29T00:00:00Z"] {
            XCTAssertNoThrow(try parser.validate(good, as: .dateTime, what: "--date"), good)
        }
        for bad in ["2026-12-01", "2026-13-01T10:00Z", "2026-02-30T10:00:00Z", "2027-02-29T10:00Z", "2026-12-01T25:00Z", "tomorrow", "2026-12-01T10:00:00+5"] {
            XCTAssertThrowsError(try parser.validate(bad, as: .dateTime, what: "--date"), bad)
        }
        XCTAssertNoThrow(try parser.validate("2026-12-31", as: .date, what: "--date"))
        XCTAssertThrowsError(try parser.validate("2026-12-32", as: .date, what: "--date"))
        XCTAssertNoThrow(try parser.validate("560001", as: .pincode, what: "--pincode"))
        XCTAssertNoThrow(try parser.validate("1234567890", as: .pincode, what: "--pincode"))
        for bad in ["12345", "12345678901", "56OOO1", ""] {
            XCTAssertThrowsError(try parser.validate(bad, as: .pincode, what: "--pincode"), bad)
        }
    }

    func testFilesAndPayloads() throws {
        let dir = temporaryDirectory()
        let file = dir + "/evidence.json"
        try AtomicFile.write(file, "{\"photos\": [1, 2]}", mode: 0o600)
        XCTAssertEqual(try parser.validate(file, as: .file, what: "--cacert"), file)
        XCTAssertThrowsError(try parser.validate(dir + "/missing", as: .file, what: "--cacert")) { error in
            XCTAssertTrue((error as! CLIError).message.contains("no such file"))
        }
        XCTAssertThrowsError(try parser.validate(dir, as: .file, what: "--cacert")) { error in
            XCTAssertTrue((error as! CLIError).message.contains("is a directory"))
        }
        XCTAssertEqual(try parser.validate("@" + file, as: .payload, what: "--evidence"), "{\"photos\":[1,2]}")
        XCTAssertEqual(try parser.validate("-", as: .payload, what: "--evidence"), "{\"from\":\"stdin\"}")
        XCTAssertEqual(try parser.validate("[true]", as: .payload, what: "--evidence"), "[true]")
        XCTAssertThrowsError(try parser.validate("{oops", as: .payload, what: "--evidence")) { error in
            XCTAssertTrue((error as! CLIError).message.contains("not valid JSON"))
        }
    }

    func testHelpAndVersionOutcomes() throws {
        guard case let .help(path, _) = try parser.parse(["bookings", "create", "--help"]) else { return XCTFail() }
        XCTAssertEqual(path, ["bookings", "create"])
        guard case let .help(topic, _) = try parser.parse(["help", "exit-codes"]) else { return XCTFail() }
        XCTAssertEqual(topic, ["exit-codes"])
        guard case .help([], _) = try parser.parse([]) else { return XCTFail() }
        guard case .version = try parser.parse(["--version"]) else { return XCTFail() }
    }

    func testSuggestionDistance() {
        XCTAssertEqual(Suggestions.distance("stauts", "status"), 1)
        XCTAssertEqual(Suggestions.distance("", "abc"), 3)
        XCTAssertNil(Suggestions.nearest(to: "zzzzzz", in: ["bookings", "services"]))
    }
}
