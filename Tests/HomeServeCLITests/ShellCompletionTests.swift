import Foundation
import XCTest
@testable import HomeServeCLI
import HomeServeAPI
import HomeServeCore

/// The committed completion scripts, run by the real shells on partial command lines. Skipped only
/// when a shell is not installed (CI installs bash, zsh, fish and mandoc).
final class ShellCompletionTests: XCTestCase {
    private var configDirectory = ""
    private let profiles = ["default", "staging", "prod-eu"]

    override func setUpWithError() throws {
        configDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("homeserve-completion-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: configDirectory, withIntermediateDirectories: true)
        // The shape Session writes (pretty, one profile a line), plus a compact profile on the same line.
        let settings = """
        {
          "profiles": {
            "staging": {
              "url": "https://staging.example.com",
              "output": "table"
            },
            "prod-eu": {"url": "https://eu.example.com"}, "default": {}
          }
        }

        """
        try settings.write(toFile: configDirectory + "/settings.json", atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: configDirectory)
    }

    // MARK: - The lines every shell must complete alike

    /// (partial line, what must be offered, whether nothing else may be). Taken from the table where it can be.
    private var cases: [(line: String, expected: [String], exact: Bool)] {
        let settingsFile = configDirectory + "/settings.json"
        var cases: [(String, [String], Bool)] = [
            ("homeserve boo", ["bookings"], true),
            ("homeserve bookings ", CommandTable.standard.children(of: ["bookings"]), true),
            ("homeserve bookings list --st", ["--status"], false),
            ("homeserve bookings list --status ", BookingCommands.statuses, true),
            ("homeserve -o ", OutputFormat.allCases.map(\.rawValue), true),
            ("homeserve bookings list -o ", OutputFormat.allCases.map(\.rawValue), true),
            ("homeserve --profile ", profiles, true),
            ("homeserve config get ", ConfigCommands.keys.map(\.name), true),
            ("homeserve auth otp ", CommandTable.standard.children(of: ["auth", "otp"]), true),
            ("homeserve ", CommandTable.standard.children(of: []) + ["help"], true),
            ("homeserve help ", CommandTable.standard.children(of: []) + Topics.all.map(\.name), true),
            ("homeserve -v --profile staging bookings list --status pending --li", ["--limit"], true),
            ("homeserve bookings list --all --p", longFlags(of: ["bookings", "list"]).filter { $0.hasPrefix("--p") }, true),
            ("homeserve --cacert " + configDirectory + "/sett", [settingsFile], true),
        ]
        if let (command, flag) = payloadFlag {
            cases.append(("homeserve \(command) --\(flag) @" + configDirectory + "/sett", ["@" + settingsFile], true))
        }
        return cases
    }

    /// A command's flags and the global ones, as `--name`.
    private func longFlags(of path: [String]) -> [String] {
        ((CommandTable.standard.command(at: path)?.flags ?? []) + CommandTable.standard.globalFlags).map { "--" + $0.name }
    }

    /// A command flag that takes JSON|@FILE|-, wherever the table has one.
    private var payloadFlag: (String, String)? {
        for command in CommandTable.standard.commands {
            if let flag = command.flags.first(where: { $0.shape.completion == .payload }) { return (command.name, flag.name) }
        }
        return nil
    }

    private func check(_ shell: String, file: StaticString = #filePath, line: UInt = #line,
                       _ complete: (String) throws -> [String]) rethrows {
        for (partial, expected, exact) in cases {
            let offered = try complete(partial)
            if exact {
                XCTAssertEqual(Set(offered), Set(expected), "\(shell): '\(partial)'", file: file, line: line)
            } else {
                XCTAssertTrue(Set(expected).isSubset(of: Set(offered)), "\(shell): '\(partial)' offered \(offered)", file: file, line: line)
            }
        }
    }

    // MARK: - bash

    /// Sources the script, finds the function it registered, and calls it the way readline would.
    private func bash(_ line: String) throws -> [String] {
        let bash = try shell("bash")
        let script = #"""
        source completions/homeserve.bash || exit 99
        function=$(complete -p homeserve | sed -n 's/.* -F \([^ ]*\) .*/\1/p')
        [[ -n $function ]] || exit 98
        COMP_WORDS=("$@")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        COMP_LINE=$HS_LINE
        COMP_POINT=${#COMP_LINE}
        COMPREPLY=()
        "$function" homeserve "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
        (( ${#COMPREPLY[@]} )) && printf '%s\n' "${COMPREPLY[@]}"
        exit 0
        """#
        let result = try RepositoryFiles.run(bash, ["--norc", "--noprofile", "-c", script, "bash"] + Self.bashWords(line),
                                             environment: ["HS_LINE": line, "HOMESERVE_CONFIG_DIR": configDirectory])
        XCTAssertEqual(result.status, 0, "bash: '\(line)': \(result.err)")
        return lines(result.out)
    }

    /// COMP_WORDS as bash builds them: split at blanks, and at '=' (it is in COMP_WORDBREAKS).
    static func bashWords(_ line: String) -> [String] {
        var words: [String] = []
        for word in line.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            var rest = Substring(word)
            while let eq = rest.firstIndex(of: "=") {
                if eq > rest.startIndex { words.append(String(rest[..<eq])) }
                words.append("=")
                rest = rest[rest.index(after: eq)...]
            }
            if !rest.isEmpty { words.append(String(rest)) }
        }
        if line.hasSuffix(" ") { words.append("") }
        return words
    }

    func testBash() throws {
        try check("bash", bash)
        // Only the part after '=' is replaced, so the candidates are bare values.
        XCTAssertEqual(Set(try bash("homeserve --output=")), Set(OutputFormat.allCases.map(\.rawValue)))
        XCTAssertEqual(try bash("homeserve --output=j"), ["json"])
    }

    func testBashRegistersForHomeserve() throws {
        let result = try RepositoryFiles.run(try shell("bash"), ["--norc", "--noprofile", "-c", "source completions/homeserve.bash && complete -p homeserve"])
        XCTAssertEqual(result.out, "complete -F _homeserve homeserve\n", result.err)
    }

    // MARK: - zsh

    /// Sources the script after stubbing the completion builtins: `compadd` prints what it was given
    /// that matches PREFIX (as the real one filters), `_files` globs PREFIX*.
    private func zsh(_ line: String) throws -> [String] {
        let zsh = try shell("zsh")
        let script = #"""
        compdef() { print -r -- "compdef $*" >&2 }
        compadd() {
            local -a arguments
            arguments=("$@")
            integer i=${arguments[(i)--]}
            local word
            for word in "${(@)arguments[i+1,-1]}"; do
                [[ $word == ${PREFIX}* ]] && print -r -- "$IPREFIX$word"
            done
        }
        _files() {
            local file
            for file in ${~PREFIX}*(N); do print -r -- "$IPREFIX$file"; done
        }
        source completions/_homeserve || exit 99
        words=("$@")
        CURRENT=$#
        PREFIX=${words[CURRENT]}
        IPREFIX=''
        SUFFIX=''
        _homeserve
        """#
        let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init) + (line.hasSuffix(" ") ? [""] : [])
        let result = try RepositoryFiles.run(zsh, ["-f", "-c", script, "zsh"] + words,
                                             environment: ["HOMESERVE_CONFIG_DIR": configDirectory])
        XCTAssertEqual(result.status, 0, "zsh: '\(line)': \(result.err)")
        return lines(result.out)
    }

    func testZsh() throws {
        try check("zsh", zsh)
        XCTAssertEqual(try zsh("homeserve --output=j"), ["--output=json"])
    }

    /// Loaded the way users install it: from $fpath by compinit, which reads the #compdef line.
    func testZshCompinitRegistersTheFunction() throws {
        let home = configDirectory + "/zsh-home"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let script = "fpath=(\(RepositoryFiles.root)/completions $fpath); autoload -U compinit; compinit -u -D; print -r -- ${_comps[homeserve]}"
        let result = try RepositoryFiles.run(try shell("zsh"), ["-f", "-c", script], environment: ["HOME": home, "ZDOTDIR": home])
        XCTAssertEqual(result.out, "_homeserve\n", result.err)
    }

    // MARK: - fish

    private func fish(_ line: String) throws -> [String] {
        let fish = try shell("fish")
        let result = try RepositoryFiles.run(fish, ["--no-config", "-c", #"source completions/homeserve.fish; or exit 99; complete -C "$HS_LINE""#],
                                             environment: ["HS_LINE": line, "HOMESERVE_CONFIG_DIR": configDirectory])
        XCTAssertEqual(result.status, 0, "fish: '\(line)': \(result.err)")
        // "word<TAB>description"
        return lines(result.out).map { String($0.prefix { $0 != "\t" }) }
    }

    func testFish() throws {
        try check("fish", fish)
        XCTAssertEqual(try fish("homeserve --output=j"), ["--output=json"])
    }

    // MARK: - man page

    func testManPageHasNoLintWarnings() throws {
        let result = try RepositoryFiles.run(try program("mandoc"), ["-Tlint", "man/homeserve.1"])
        XCTAssertEqual(result.out + result.err, "", "mandoc -Tlint man/homeserve.1")
        XCTAssertEqual(result.status, 0)
    }

    /// At 80 columns every line fits and no formatter complains: mandoc, man(1) and groff with all warnings.
    func testManPageFitsEightyColumns() throws {
        let mandoc = try RepositoryFiles.run(try program("mandoc"), ["-Tutf8", "-Owidth=80", "man/homeserve.1"])
        XCTAssertEqual(mandoc.status, 0)
        XCTAssertEqual(mandoc.err, "", "mandoc -Tutf8 -Owidth=80")
        assertFits(mandoc.out, "mandoc")

        let man = try RepositoryFiles.run(try program("man"), ["-l", "man/homeserve.1"],
                                          environment: ["MANPAGER": "cat", "PAGER": "cat", "MANWIDTH": "80", "MAN_KEEP_FORMATTING": ""])
        XCTAssertEqual(man.status, 0, man.err)
        XCTAssertEqual(man.err, "", "MANWIDTH=80 man -l man/homeserve.1")
        assertFits(man.out, "man")
        for heading in ["SYNOPSIS", "GLOBAL OPTIONS", "COMMANDS", "OUTPUT FORMATS", "EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES"] {
            XCTAssertTrue(man.out.contains(heading), "rendered page lacks \(heading)")
        }

        let groff = try RepositoryFiles.run(try program("groff"), ["-ww", "-man", "-Tutf8", "-rLL=80n", "-z", "man/homeserve.1"])
        XCTAssertEqual(groff.status, 0)
        XCTAssertEqual(groff.err, "", "groff -ww -man -rLL=80n")
    }

    private func assertFits(_ rendered: String, _ renderer: String, file: StaticString = #filePath, line: UInt = #line) {
        // Bold and underline are overstruck (c BACKSPACE c); what shows is one character.
        var plain = ""
        for ch in rendered {
            if ch == "\u{8}" { _ = plain.popLast() } else { plain.append(ch) }
        }
        for text in plain.split(separator: "\n") where text.count > 80 {
            XCTFail("\(renderer): a line of \(text.count) columns: \(text)", file: file, line: line)
        }
    }

    // MARK: - Helpers

    private func shell(_ name: String) throws -> String {
        guard let path = RepositoryFiles.program(name) else { throw XCTSkip("\(name) is not installed") }
        return path
    }

    /// A tool the man page tests need: missing is a failure (scripts/setup installs it), never a skip.
    private func program(_ name: String) throws -> String {
        guard let path = RepositoryFiles.program(name) else {
            XCTFail("\(name) is not installed; scripts/setup installs it")
            throw CocoaError(.fileNoSuchFile)
        }
        return path
    }

    private func lines(_ text: String) -> [String] {
        text.split(separator: "\n").map(String.init)
    }
}
