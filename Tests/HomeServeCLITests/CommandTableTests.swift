import HomeServeAPI
@testable import HomeServeCLI
import HomeServeCore
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Every command of the table, run the way its help shows it: each example as a dry run, and every list
/// command with the paging flags. A table bug (a flag read but not declared, a force-unwrapped value)
/// shows here before a user meets it.
final class CommandTableTests: XCTestCase {
    var workspace = ""

    override func setUp() {
        // Examples name files relative to where they run: give them some to read.
        workspace = temporaryDirectory()
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10] + Array("JFIF".utf8)
        for (name, bytes) in [("sink.jpg", jpeg), ("before.jpg", jpeg), ("after.jpg", jpeg), ("invoice.pdf", Array("%PDF-1.7\n".utf8)),
                              ("tap.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
                              ("evidence.json", Array("{}".utf8)), ("visit-report.json", Array(#"{"visit": 2}"#.utf8)), ("body.json", Array("{}".utf8)), ("message.txt", Array("text\n".utf8))] {
            _ = try? AtomicFile.write(workspace + "/" + name, bytes, mode: 0o644)
        }
    }

    /// The `homeserve …` command lines of an example: after a pipe, inside `$(…)`, up to a redirection.
    static func invocations(_ example: String) -> [[String]] {
        var found: [[String]] = []
        var rest = Substring(example)
        while let start = rest.firstRange(of: "homeserve ") {
            let tail = rest[start.upperBound...]
            var end = tail.endIndex
            var quote: Character?
            for index in tail.indices {
                let c = tail[index]
                if let q = quote { if c == q { quote = nil }; continue }
                if c == "'" || c == "\"" { quote = c; continue }
                if "|)>;&".contains(c) { end = index; break }
            }
            found.append(PasswordCommand.words(String(tail[..<end])).map { $0.contains("$") ? "x1" : $0 })
            rest = tail[end...]
        }
        return found
    }

    struct Run {
        var command: String
        var line: [String]
        var outcome: Harness.Outcome
        var sent: [String]
    }

    func dryRun(_ line: [String], command: String) -> Run {
        let harness = Harness()
        harness.logIn()
        harness.logIn(profile: "staging")
        harness.logIn(profile: "ops")
        harness.writeSettings(["default": ["url": "https://api.test"]])
        // As at a terminal: examples that prompt for a password get one.
        harness.stdinTTY = true
        let previous = FileManager.default.currentDirectoryPath
        _ = chdir(workspace)
        defer { _ = chdir(previous) }
        // A one-time code on stdin, or typed at the terminal, is digits.
        let otp = line.contains("--otp-stdin")
        let outcome = harness.run(["--dry-run"] + line, stdin: otp ? "123456\n" : "password123\nsecond line\n", secret: otp ? "123456" : "password123")
        return Run(command: command, line: line, outcome: outcome, sent: harness.transport.log + harness.sockets.urls)
    }

    func testEveryExampleRunsAsADryRunWithoutATableBug() {
        var runs: [Run] = []
        for command in CommandTable.standard.commands {
            XCTAssertFalse(command.examples.isEmpty, "\(command.name) has no example")
            for example in command.examples {
                let lines = Self.invocations(example.command)
                XCTAssertFalse(lines.isEmpty, "\(command.name): '\(example.command)' does not run homeserve")
                for line in lines { runs.append(dryRun(line, command: command.name)) }
            }
        }
        XCTAssertGreaterThan(runs.count, 100)
        for run in runs {
            let shown = "\(run.command): homeserve \(run.line.joined(separator: " "))"
            XCTAssertFalse(run.outcome.err.contains("internal error"), "\(shown): \(run.outcome.err)")
            XCTAssertEqual(run.outcome.status, 0, "\(shown): \(run.outcome.err)")
            XCTAssertEqual(run.sent, [], "\(shown) sent something in a dry run")
        }
    }

    func testEveryListCommandTakesThePagingFlags() {
        let lists = CommandTable.standard.commands.filter(\.isList)
        XCTAssertEqual(Set(lists.map(\.name)), ["bookings list", "services list", "signatures list", "photos list", "disputes list", "disputes messages",
                                                  "admin history", "admin notifications logs", "admin alerts", "admin analytics pincode", "api"])
        for command in lists {
            let base = Self.invocations(command.examples[0].command)[0].filter { !["--all", "--paginate"].contains($0) }
            for extra in [["--page", "1", "--page-size", "5", "--limit", "3"], ["--all"], ["--all", "--parallel", "2"]] {
                let run = dryRun(base + extra, command: command.name)
                let shown = "homeserve \(run.line.joined(separator: " "))"
                XCTAssertEqual(run.outcome.status, 0, "\(shown): \(run.outcome.err)")
                XCTAssertEqual(run.sent, [], shown)
                let requests = lines(run.outcome.out).compactMap { try? JSON.parse($0) }
                XCTAssertFalse(requests.isEmpty, "\(shown) showed no request")
                guard extra.contains("--page-size"), let url = requests.first?["url"]?.stringValue else { continue }
                XCTAssertTrue(url.contains("page=1"), "\(shown): \(url)")
                let size = ["admin notifications logs", "admin alerts", "admin analytics pincode"].contains(command.name) ? "per_page=5" : "page_size=5"
                XCTAssertTrue(url.contains("?" + size) || url.contains("&" + size), "\(shown): \(url)")
            }
        }
    }

    func testTheOutputFlagNamesEveryFormat() {
        XCTAssertEqual(ValueKind<OutputFormat>.format.shape.accepted, "one of: " + OutputFormat.allCases.map(\.rawValue).joined(separator: ", "))
    }

    func testASecretLosesOneLineEndAsALineFromStdinDoes() {
        XCTAssertEqual("pw\n".droppingLineEnd, "pw")
        XCTAssertEqual("pw\r\n".droppingLineEnd, "pw")
        XCTAssertEqual("pw\n\n".droppingLineEnd, "pw\n", "one line end")
        XCTAssertEqual(" pw ".droppingLineEnd, " pw ", "spaces are the password's")
        XCTAssertEqual("".droppingLineEnd, "")
    }

    func testAnASCIIMarkerIsFoundByItsBytes() {
        XCTAssertEqual("https://h/x://y".range(ofASCII: "://").map { "https://h/x://y"[..<$0.lowerBound] }, "https")
        XCTAssertEqual("a:/b:://c".range(ofASCII: "://").map { "a:/b:://c"[$0.upperBound...] }, "c", "a partial match is passed over")
        XCTAssertEqual("é://x".range(ofASCII: "://").map { "é://x"[..<$0.lowerBound] }, "é")
        XCTAssertNil("http:/x".range(ofASCII: "://"))
        XCTAssertNil("ab:".range(ofASCII: "://"), "a match cut short by the end")
        XCTAssertNil("".range(ofASCII: "://"))
    }

    func testTheSplitterFindsEveryInvocation() {
        XCTAssertEqual(Self.invocations("printf '%s\\n' \"$PASSWORD\" | homeserve auth login --username a --password-stdin"),
                       [["auth", "login", "--username", "a", "--password-stdin"]])
        XCTAssertEqual(Self.invocations("curl -H \"Authorization: Bearer $(homeserve auth token)\" http://x/"), [["auth", "token"]])
        XCTAssertEqual(Self.invocations("homeserve services list --all -o csv > services.csv"), [["services", "list", "--all", "-o", "csv"]])
        XCTAssertEqual(Self.invocations("homeserve api GET /x/ --jq '.a | .b'"), [["api", "GET", "/x/", "--jq", ".a | .b"]])
    }
}
