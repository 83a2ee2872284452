import Foundation
import XCTest
@testable import HomeServeCLI
import HomeServeAPI
import HomeServeCore

/// The committed completions and man page are generated files: each must be byte for byte what the
/// command table generates now, so a new command or flag cannot ship without them.
final class GeneratorTests: XCTestCase {
    func testBashCompletionIsCurrent() throws {
        try assertCommitted("completions/" + Shell.bash.fileName, Completions.script(for: .bash, table: .standard))
    }

    func testZshCompletionIsCurrent() throws {
        try assertCommitted("completions/" + Shell.zsh.fileName, Completions.script(for: .zsh, table: .standard))
    }

    func testFishCompletionIsCurrent() throws {
        try assertCommitted("completions/" + Shell.fish.fileName, Completions.script(for: .fish, table: .standard))
    }

    func testManPageIsCurrent() throws {
        try assertCommitted("man/homeserve.1", ManPage.render(table: .standard))
    }

    /// scripts/generate runs these commands; they must print exactly what the tests compare against.
    func testCompletionCommandsPrintTheGeneratedText() {
        for shell in Shell.allCases {
            let (status, out) = run(["completion", shell.rawValue])
            XCTAssertEqual(status, 0)
            XCTAssertEqual(out, Completions.script(for: shell, table: .standard), "homeserve completion \(shell.rawValue)")
        }
        let (status, out) = run(["completion", "man"])
        XCTAssertEqual(status, 0)
        XCTAssertEqual(out, ManPage.render(table: .standard))
    }

    func testEveryCommandIsInTheManPageAndTheScripts() {
        let page = ManPage.render(table: .standard)
        let bash = Completions.script(for: .bash, table: .standard)
        let fish = Completions.script(for: .fish, table: .standard)
        for command in CommandTable.standard.commands {
            XCTAssertTrue(page.contains(".SS homeserve " + Roff.code(command.name)), "man page lacks \(command.name)")
            XCTAssertTrue(bash.contains("'\(command.name)') return 0"), "bash script lacks \(command.name)")
            XCTAssertTrue(fish.contains("'\(command.name)'"), "fish script lacks \(command.name)")
            for flag in command.flags {
                XCTAssertTrue(page.contains("\\fB\\-\\-" + Roff.code(flag.name) + "\\fR"), "man page lacks \(command.name) --\(flag.name)")
                XCTAssertTrue(bash.contains("'\(command.name) --\(flag.name)'"), "bash script lacks \(command.name) --\(flag.name)")
            }
        }
        for code in ExitCode.allCases { XCTAssertTrue(page.contains(".TP\n\\fB\(code.rawValue)\\fR\n"), "exit status \(code.rawValue)") }
        for (name, _) in Topics.environmentVariables { XCTAssertTrue(page.contains("\\fB" + Roff.code(name) + "\\fR"), name) }
    }

    /// The EXAMPLES section is hand-written; every homeserve invocation in it must still parse.
    func testManPageExamplesParseAgainstTheTable() throws {
        let parser = Parser(table: .standard)
        var checked = 0
        for example in ManPage.userExamples {
            for line in example.script.replacing("\\\n", with: " ").split(separator: "\n") {
                for segment in line.split(whereSeparator: { "|;&".contains($0) }) {
                    var words = PasswordCommand.words(String(segment))
                    while let first = words.first, first.contains("="), !first.hasPrefix("-") { words.removeFirst() }
                    guard words.first == "homeserve" else { continue }
                    let arguments = words.dropFirst().prefix { !$0.hasPrefix(">") && !$0.hasPrefix("2>") }
                        .map { $0.contains("$") ? "x1" : $0 }
                    do {
                        guard case .run = try parser.parse(Array(arguments)) else {
                            XCTFail("'\(segment)' does not run a command"); continue
                        }
                        checked += 1
                    } catch {
                        XCTFail("'\(segment)' in the man page EXAMPLES: \(error)")
                    }
                }
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 6)
    }

    func testRoffEscaping() {
        XCTAssertEqual(Roff.escape(#"a\b"#, code: false), #"a\eb"#)
        XCTAssertEqual(Roff.escape("use --fields or -o json for e-mail", code: false), #"use \-\-fields or \-o json for e-mail"#)
        XCTAssertEqual(Roff.escape("(--all) 'x-y'", code: false), #"(\-\-all) 'x-y'"#)
        XCTAssertEqual(Roff.escape("key=@- reads stdin, a@-b too", code: false), #"key=@\- reads stdin, a@\-b too"#)
        XCTAssertEqual(Roff.escape("echo 'a-b'", code: true), #"echo \(aqa\-b\(aq"#)
        XCTAssertEqual(Roff.escape("≥ 1 — ok", code: false), #"\[u2265] 1 \[u2014] ok"#)
        XCTAssertEqual(Roff.guardLine(".hidden"), #"\&.hidden"#)
        XCTAssertEqual(Roff.guardLine("'quoted'"), #"\&'quoted'"#)
        XCTAssertEqual(Roff.guardLine("   "), #"\&"#)

        var page = Roff()
        page.prose(String(repeating: "word ", count: 40))
        XCTAssertTrue(page.text.split(separator: "\n").allSatisfy { $0.utf8.count <= 80 })
    }

    func testTopicBodiesBecomeListsAndParagraphs() {
        let blocks = TopicBlock.parse("  -o json   the JSON\n  -o csv    commas\n\n  Some text\n  continues here.")
        guard blocks.count == 2, case let .terms(terms) = blocks[0], case let .paragraph(text) = blocks[1] else {
            return XCTFail("\(blocks)")
        }
        XCTAssertEqual(terms.map(\.0), ["-o json", "-o csv"])
        XCTAssertEqual(text, "Some text continues here.")

        // A description wrapped under itself continues its term; a list may follow a paragraph's line.
        let wrapped = TopicBlock.parse("First match wins:\n  HOMESERVE_TOKEN     an access token,\n                      used as is.\n  the file            written by login")
        guard wrapped.count == 2, case let .paragraph(lead) = wrapped[0], case let .terms(sources) = wrapped[1] else {
            return XCTFail("\(wrapped)")
        }
        XCTAssertEqual(lead, "First match wins:")
        XCTAssertEqual(sources.map(\.0), ["HOMESERVE_TOKEN", "the file"])
        XCTAssertEqual(sources.first?.1, "an access token, used as is.")

        // Every help topic's lists are lists in the man page, and the exit codes are listed once.
        let page = ManPage.render(table: .standard)
        XCTAssertEqual(page.components(separatedBy: "conflict (409)").count, 2, "the exit codes once")
        for term in ["HOMESERVE_REFRESH_TOKEN", "now, +3d, \\-2h, +30m, +1w", "2026\\-12\\-01, 2026\\-12\\-01T10:00:00+05:30", "130"] {
            XCTAssertTrue(page.contains(".TP\n\\fB" + term), term)
        }
    }

    // MARK: - Helpers

    private func run(_ arguments: [String]) -> (Int32, String) {
        let outcome = Harness(environment: ["HOMESERVE_CONFIG_DIR": "/nonexistent"]).run(arguments)
        return (outcome.status, outcome.out)
    }

    private func assertCommitted(_ relative: String, _ generated: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let path = RepositoryFiles.root + "/" + relative
        guard let data = FileManager.default.contents(atPath: path) else {
            return XCTFail("\(relative) is missing: run scripts/generate and commit the result", file: file, line: line)
        }
        let committed = String(decoding: data, as: UTF8.self)
        guard committed != generated else { return }
        let old = committed.split(separator: "\n", omittingEmptySubsequences: false)
        let new = generated.split(separator: "\n", omittingEmptySubsequences: false)
        let first = (0..<min(old.count, new.count)).first { old[$0] != new[$0] } ?? min(old.count, new.count)
        let was = first < old.count ? String(old[first]) : "<end of file>"
        let now = first < new.count ? String(new[first]) : "<end of file>"
        XCTFail("""
            \(relative) is stale (first difference at line \(first + 1)):
              committed: \(was)
              generated: \(now)
            Run scripts/generate and commit the result.
            """, file: file, line: line)
    }
}

/// The checkout these tests were compiled from, and a way to run its files through real programs.
enum RepositoryFiles {
    /// `#filePath` is <root>/Tests/HomeServeCLITests/GeneratorTests.swift.
    static let root: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    /// The full path of a program on PATH, if it is installed.
    static func program(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
            return "\(directory)/\(name)"
        }
        return nil
    }

    struct Result {
        var status: Int32
        var out: String
        var err: String
    }

    /// Runs a program in the repository root with extra environment variables; stdin is empty.
    static func run(_ executable: String, _ arguments: [String], environment extra: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        var environment = ProcessInfo.processInfo.environment
        environment.merge(extra) { $1 }
        process.environment = environment
        let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("homeserve-stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errFile) }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = try FileHandle(forWritingTo: errFile)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let err = (try? String(contentsOf: errFile, encoding: .utf8)) ?? ""
        return Result(status: process.terminationStatus, out: String(decoding: data, as: UTF8.self), err: err)
    }
}
