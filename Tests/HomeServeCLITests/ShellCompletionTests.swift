import Foundation
import XCTest
@testable import HomeServeCLI
import HomeServeAPI
import HomeServeCore

/// The committed completion scripts, run by the real shells on partial command lines: bash calls the
/// registered function with the words readline would give it, zsh is a real interactive shell typed
/// into through a pseudo-terminal (Tests/Fixtures/zsh-complete.zsh), fish answers `complete -C`. A
/// missing shell fails the test: scripts/setup installs bash, zsh, fish, mandoc and man-db.
final class ShellCompletionTests: XCTestCase {
    private var configDirectory = ""
    private var files: String { configDirectory + "/files" }
    /// The profiles of settings.json, and `ci`, which only a login wrote (credentials.json alone).
    private let profiles = ["default", "staging", "prod-eu", "ci"]
    private let table = CommandTable.standard

    override func setUpWithError() throws {
        configDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("homeserve-completion-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: files + "/subdir", withIntermediateDirectories: true)
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
        // A stored session holds objects of its own (the user, and in it roles): none is a profile. A
        // token with a quote and a brace in it must not throw the reading off.
        let credentials = """
        {
          "profiles": {
            "ci": {
              "access": "eyJhbGciOiJIUzI1NiJ9.e30.c2ln\\"{x",
              "refresh": null,
              "user": {"username": "ci-bot", "roles": {"admin": true}, "tags": ["a", "b"]}
            },
            "staging": {"access": "x", "user": {"id": 7}},
            "bad name;rm": {}
          }
        }

        """
        try settings.write(toFile: configDirectory + "/settings.json", atomically: true, encoding: .utf8)
        try credentials.write(toFile: configDirectory + "/credentials.json", atomically: true, encoding: .utf8)
        for name in ["notes.txt", "cert.pem", "photo.jpg"] {
            try "x\n".write(toFile: files + "/" + name, atomically: true, encoding: .utf8)
        }
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: configDirectory)
    }

    // MARK: - The lines every shell must complete alike

    struct Case {
        var line: String
        var expected: [String]
        /// Whether nothing else may be offered.
        var exact = true
    }

    /// Taken from the table wherever it can be, so a new flag or choice list is covered by itself.
    private var cases: [Case] {
        var cases: [Case] = [
            // Command words.
            Case(line: "homeserve boo", expected: ["bookings"]),
            Case(line: "homeserve admin notif", expected: ["notifications"]),
            Case(line: "homeserve bookings ", expected: table.children(of: ["bookings"])),
            Case(line: "homeserve auth otp ", expected: table.children(of: ["auth", "otp"])),
            Case(line: "homeserve ", expected: table.children(of: []) + ["help"]),
            Case(line: "homeserve help ", expected: table.children(of: []) + Topics.all.map(\.name)),
            Case(line: "homeserve -v --profile staging bookings li", expected: ["list"]),
            // Flags.
            Case(line: "homeserve bookings list --st", expected: ["--status"], exact: false),
            Case(line: "homeserve bookings list --all --p", expected: longFlags(of: ["bookings", "list"]).filter { $0.hasPrefix("--p") }),
            Case(line: "homeserve -v --profile staging bookings list --status pending --li", expected: ["--limit"]),
            // Given once, not offered again, whatever the spelling (-o, --output=, --no-wide); a list flag is.
            Case(line: "homeserve bookings list --status pending --wide -o json --",
                 expected: longFlags(of: ["bookings", "list"]).filter { !["--wide", "--output"].contains($0) }),
            Case(line: "homeserve bookings list --no-wide --output=json --profile ci --",
                 expected: longFlags(of: ["bookings", "list"]).filter { !["--wide", "--output", "--profile"].contains($0) }),
            Case(line: "homeserve bookings list --status pending --st", expected: ["--status"]),
            // A command's own flag of a global one's name is offered after the command, though the global came
            // before it; given after the command, it is not offered again, and a global one given is not.
            Case(line: "homeserve --timeout 5 bookings wait x1 --ti", expected: ["--timeout"]),
            Case(line: "homeserve bookings wait x1 --timeout 2 --ti", expected: []),
            Case(line: "homeserve --timeout 5 bookings list --ti", expected: []),
            Case(line: "homeserve --wide bookings list --wi", expected: []),
            Case(line: "homeserve bookings list --wide --wi", expected: []),
            // --no-FLAG for the switches that have one; a switch named no-… is offered as itself.
            Case(line: "homeserve bookings list --no-", expected: negations(of: ["bookings", "list"])),
            Case(line: "homeserve bookings list --wide --no-", expected: negations(of: ["bookings", "list"]).filter { $0 != "--no-wide" }),
            Case(line: "homeserve --no-w", expected: ["--no-wide"]),
            Case(line: "homeserve --no-he", expected: ["--no-headers"]),
            Case(line: "homeserve --no-headers --no-", expected: negations(of: []).filter { $0 != "--no-headers" }),
            // Values.
            Case(line: "homeserve -o ", expected: OutputFormat.allCases.map(\.rawValue)),
            Case(line: "homeserve bookings list -o ", expected: OutputFormat.allCases.map(\.rawValue)),
            Case(line: "homeserve --output=j", expected: ["--output=json"]),
            Case(line: "homeserve config get ", expected: ConfigCommands.keys.map(\.name)),
            Case(line: "homeserve config set ", expected: ConfigCommands.keys.map(\.name)),
            Case(line: "homeserve config set url ", expected: []),
            // Several values in one word: the rest of the list, after what is already there.
            Case(line: "homeserve bookings list --status pending,", expected: BookingCommands.statuses.dropFirst().map { "pending," + $0 }),
            Case(line: "homeserve bookings list --status pending,c",
                 expected: BookingCommands.statuses.filter { $0.hasPrefix("c") }.map { "pending," + $0 }),
            Case(line: "homeserve bookings list --status=pending,confirmed,s", expected: ["--status=pending,confirmed,signed"]),
            // Profiles, from both files, plus default.
            Case(line: "homeserve --profile ", expected: profiles),
            Case(line: "homeserve --profile c", expected: ["ci"]),
            Case(line: "homeserve bookings list --profile=st", expected: ["--profile=staging"]),
            // Files: every file-taking flag and argument (below), directories, --flag=FILE and @FILE.
            Case(line: "homeserve --cacert " + files + "/no", expected: [files + "/notes.txt"]),
            Case(line: "homeserve --cacert " + files + "/sub", expected: [files + "/subdir/"]),
            Case(line: "homeserve --cacert " + files + "/", expected: ["cert.pem", "notes.txt", "photo.jpg", "subdir/"].map { files + "/" + $0 }),
            Case(line: "homeserve --cacert=" + files + "/c", expected: ["--cacert=" + files + "/cert.pem"]),
        ]
        for command in table.commands {
            for flag in command.flags {
                let typed = "homeserve \(command.name) --\(flag.name) "
                switch flag.shape.completion {
                case let .words(words):
                    cases.append(Case(line: typed, expected: words))
                    if flag.splitsOnCommas, let first = words.first {
                        cases.append(Case(line: typed + first + ",", expected: words.dropFirst().map { first + "," + $0 }))
                    }
                case .files:
                    cases.append(Case(line: typed + files + "/no", expected: [files + "/notes.txt"]))
                case .payload:
                    cases.append(Case(line: typed + "@" + files + "/no", expected: ["@" + files + "/notes.txt"]))
                    cases.append(Case(line: "homeserve \(command.name) --\(flag.name)=@" + files + "/ph",
                                      expected: ["--\(flag.name)=@" + files + "/photo.jpg"]))
                    // Inline JSON has nothing to complete.
                    cases.append(Case(line: typed + files + "/no", expected: []))
                case .profiles:
                    cases.append(Case(line: typed, expected: profiles))
                case .none, .free:
                    break
                }
            }
            for (index, argument) in command.arguments.enumerated() {
                let typed = (["homeserve", command.name] + Array(repeating: "x1", count: index)).joined(separator: " ") + " "
                switch argument.shape.completion {
                case let .words(words): cases.append(Case(line: typed, expected: words))
                case .files: cases.append(Case(line: typed + files + "/ph", expected: [files + "/photo.jpg"]))
                case .payload: cases.append(Case(line: typed + "@" + files + "/ph", expected: ["@" + files + "/photo.jpg"]))
                case .profiles: cases.append(Case(line: typed, expected: profiles))
                case .none, .free: break
                }
            }
        }
        return cases
    }

    /// A command's flags and the global ones, as `--name`.
    private func longFlags(of path: [String]) -> [String] {
        ((table.command(at: path)?.flags ?? []) + table.globalFlags).map { "--" + $0.name }
    }

    /// What completing `--no-` offers: the negatable switches' `--no-NAME`, and flags named `no-…`.
    private func negations(of path: [String]) -> [String] {
        let flags = (table.command(at: path)?.flags ?? []) + table.globalFlags
        return flags.filter(\.negatable).map { "--no-" + $0.name } + flags.filter { $0.name.hasPrefix("no-") }.map { "--" + $0.name }
    }

    private func check(_ shell: String, file: StaticString = #filePath, line: UInt = #line,
                       _ offered: [String: [String]]) {
        let cases = self.cases
        XCTAssertGreaterThan(cases.count, 60)
        for c in cases {
            guard let got = offered[c.line] else { XCTFail("\(shell): no answer for '\(c.line)'", file: file, line: line); continue }
            if c.exact {
                XCTAssertEqual(Set(got), Set(c.expected), "\(shell): '\(c.line)'", file: file, line: line)
            } else {
                XCTAssertTrue(Set(c.expected).isSubset(of: Set(got)), "\(shell): '\(c.line)' offered \(got)", file: file, line: line)
            }
            XCTAssertFalse(got.contains { $0.hasPrefix("--no-no-") || $0 == "--no-help" || $0 == "--no-version" }, "\(shell): '\(c.line)' offered \(got)",
                           file: file, line: line)
        }
    }

    // MARK: - bash

    /// Sources the script once, finds the function it registered, and calls it for each line the way
    /// readline would: COMP_WORDS split at blanks and at '=', COMP_CWORD the last.
    private func bash(_ lines: [String]) throws -> [String: [String]] {
        let script = #"""
        source completions/homeserve.bash || exit 99
        function=$(complete -p homeserve | sed -n 's/.* -F \([^ ]*\) .*/\1/p')
        [[ -n $function ]] || exit 98
        # Outside readline compopt has nothing to set: what it was asked is kept, so file names are marked
        # as readline marks them.
        compopt() { [[ " $* " == *" -o filenames "* ]] && filenames=1; return 0; }
        while (($#)); do
            COMP_LINE=$1 n=$2
            shift 2
            COMP_WORDS=("${@:1:n}")
            shift "$n"
            COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
            COMP_POINT=${#COMP_LINE}
            COMPREPLY=() filenames=
            "$function" homeserve "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            printf '\1%s\n' "$COMP_LINE"
            for w in "${COMPREPLY[@]}"; do
                # readline's -o filenames: a directory is listed with a '/' after it, even one that ends in '/'.
                [[ -n $filenames && -d $w ]] && w+=/
                printf '%s\n' "$w"
            done
        done
        exit 0
        """#
        var arguments = ["--norc", "--noprofile", "-c", script, "bash"]
        for line in lines {
            let words = Self.bashWords(line)
            arguments += [line, String(words.count)] + words
        }
        let result = try RepositoryFiles.run(try shell("bash"), arguments, environment: ["HOMESERVE_CONFIG_DIR": configDirectory])
        XCTAssertEqual(result.status, 0, "bash: \(result.err)")
        XCTAssertEqual(result.err, "", "bash printed errors")
        var offered: [String: [String]] = [:]
        for (line, candidates) in blocks(result.out) {
            offered[line] = candidates.map { Self.readlineResult(line, $0) }
        }
        return offered
    }

    /// The word breaks of bash's COMP_WORDBREAKS other than blanks.
    static let wordBreaks: Set<Character> = ["\"", "'", "@", ">", "<", "=", ";", "|", "&", "(", ":"]

    /// COMP_WORDS as bash builds them: split at blanks, and around each run of word breaks ('=', '@').
    static func bashWords(_ line: String) -> [String] {
        var words: [String] = []
        for word in line.split(separator: " ", omittingEmptySubsequences: true) {
            var current = ""
            for ch in word {
                if let last = current.last, wordBreaks.contains(last) != wordBreaks.contains(ch) {
                    words.append(current)
                    current = ""
                }
                current.append(ch)
            }
            words.append(current)
        }
        if line.hasSuffix(" ") { words.append("") }
        return words
    }

    /// What the last word of the line reads after readline put a candidate in place of the text after
    /// its last word break (nothing in '--output='), a '@' or '$' before it included (bash's special prefixes).
    static func readlineResult(_ line: String, _ candidate: String) -> String {
        let current = line.hasSuffix(" ") ? "" : String(line.split(separator: " ").last ?? "")
        guard let lastBreak = current.lastIndex(where: wordBreaks.contains) else { return candidate }
        let start = "@$".contains(current[lastBreak]) ? lastBreak : current.index(after: lastBreak)
        return String(current[..<start]) + candidate
    }

    func testBash() throws {
        let offered = try bash(cases.map(\.line) + ["homeserve watch booking X --"])
        check("bash", offered)
        let watch = offered["homeserve watch booking X --"] ?? []
        XCTAssertTrue(watch.contains("--timeout"), "\(watch)")
        XCTAssertEqual(watch.count, Set(watch).count, "a flag the command declares under a global one's name is offered once: \(watch)")
        XCTAssertEqual(Self.bashWords("homeserve x --evidence=@/tmp/a b"), ["homeserve", "x", "--evidence", "=@", "/tmp/a", "b"])
        XCTAssertEqual(Self.readlineResult("homeserve --output=", "json"), "--output=json")
        XCTAssertEqual(Self.readlineResult("homeserve --evidence=@/tmp/a", "@/tmp/ab"), "--evidence=@/tmp/ab")
        XCTAssertEqual(Self.readlineResult("homeserve --status=pending,c", "pending,cancelled"), "--status=pending,cancelled")
    }

    /// A real interactive bash: readline splits the line, calls the function and inserts its answer.
    func testBashInteractively() throws {
        let work = configDirectory + "/bash"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let lines = [
            "homeserve boo", "homeserve bookings list --status pending,conf", "homeserve bookings list --status=pending,co",
            "homeserve --output=j", "homeserve --profile=c", "homeserve --cacert " + files + "/no", "homeserve --cacert=" + files + "/sub",
            "homeserve disputes create --evidence @" + files + "/no", "homeserve disputes create --evidence=@" + files + "/ph",
            "homeserve photos upload " + files + "/ph", "homeserve bookings list --wide --no-w", "homeserve bookings list --no-wi",
        ]
        let result = try RepositoryFiles.run(try program("zsh"), ["-f", "Tests/Fixtures/bash-complete.zsh", RepositoryFiles.root + "/completions", work]
                                             + lines + ["homeserve --output=", "homeserve bookings list --status="],
                                             environment: ["HOMESERVE_CONFIG_DIR": configDirectory, "HOME": work, "SHELL": try shell("bash")])
        XCTAssertEqual(result.status, 0, "bash: \(result.out) \(result.err)")
        let answers = Self.answers(result.out)
        let inserted = [
            "homeserve bookings ", "homeserve bookings list --status pending,confirmed ", "homeserve bookings list --status=pending,co",
            "homeserve --output=json ", "homeserve --profile=ci ", "homeserve --cacert " + files + "/notes.txt ",
            "homeserve --cacert=" + files + "/subdir/", "homeserve disputes create --evidence @" + files + "/notes.txt ",
            "homeserve disputes create --evidence=@" + files + "/photo.jpg ", "homeserve photos upload " + files + "/photo.jpg ",
            "homeserve bookings list --wide --no-w", "homeserve bookings list --no-wide ",
        ]
        for (line, buffer) in zip(lines, inserted) {
            XCTAssertEqual(answers[line]?.buffer, buffer, "bash: '\(line)'")
            XCTAssertEqual(answers[line]?.errors, [], "bash: '\(line)'")
        }
        XCTAssertEqual(Set(answers["homeserve bookings list --status=pending,co"]?.offers ?? []), ["pending,confirmed", "pending,completed"])
        XCTAssertEqual(Set(answers["homeserve --output="]?.offers ?? []), Set(OutputFormat.allCases.map(\.rawValue)))
        XCTAssertEqual(Set(answers["homeserve bookings list --status="]?.offers ?? []), Set(BookingCommands.statuses))
    }

    func testBashRegistersForHomeserve() throws {
        let result = try RepositoryFiles.run(try shell("bash"), ["--norc", "--noprofile", "-c", "source completions/homeserve.bash && complete -p homeserve"])
        XCTAssertEqual(result.out, "complete -F _homeserve homeserve\n", result.err)
    }

    /// Sources the script and defines `complete_words WORDS`: the completion of a line given as shell words,
    /// in COMPREPLY, as readline would ask for it at the end of the line.
    private static let bashCompleting = #"""
        source completions/homeserve.bash || exit 99
        complete_words() {
            eval "COMP_WORDS=($1)"
            COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
            COMP_LINE="${COMP_WORDS[*]}"
            COMP_POINT=${#COMP_LINE}
            COMPREPLY=()
            _homeserve homeserve
        }

        """#

    /// A directory named with a space, typed with a backslash or in quotes, is gone into: the glob reads the
    /// word as the shell does. Where readline does not quote (after '@'), the names come quoted.
    func testBashCompletesIntoADirectoryWithASpace() throws {
        try FileManager.default.createDirectory(atPath: files + "/zz top", withIntermediateDirectories: true)
        XCTAssertTrue(FileManager.default.createFile(atPath: files + "/zz top/cert.pem", contents: Data()))
        // COMP_WORDS as readline makes them: the words as typed, split at '@' too.
        let script = Self.bashCompleting + #"""
        run() {
            COMP_LINE=$1
            shift
            COMP_WORDS=("$@") COMP_CWORD=$(($# - 1)) COMP_POINT=${#COMP_LINE} COMPREPLY=()
            _homeserve homeserve
            printf '%s\n' "${COMPREPLY[@]}"
        }
        run "homeserve --cacert $1/zz\ top/c" homeserve --cacert "$1/zz\ top/c"
        run "homeserve --cacert '$1/zz top/c" homeserve --cacert "'$1/zz top/c"
        run "homeserve disputes create --evidence @$1/zz" homeserve disputes create --evidence @ "$1/zz"
        """#
        let result = try RepositoryFiles.run(try shell("bash"), ["--norc", "--noprofile", "-c", script, "bash", files],
                                             environment: ["HOMESERVE_CONFIG_DIR": configDirectory])
        XCTAssertEqual(result.err, "")
        XCTAssertEqual(result.out.split(separator: "\n").map(String.init),
                       [files + "/zz top/cert.pem", files + "/zz top/cert.pem", "@" + files + "/zz\\ top/"])
    }

    /// Tab must stay cheap: no command is run, not even to read the profile files (builtins only).
    func testBashRunsNoCommandOnTab() throws {
        let script = Self.bashCompleting + #"""
        PATH=/nonexistent
        for words in "homeserve --profile ''" "homeserve bookings list --status pending," "homeserve --cacert $1/no" \
                     "homeserve disputes create --evidence @$1/no" "homeserve bookings list --wide --no-"; do
            complete_words "$words"
            ((${#COMPREPLY[@]})) || { echo "nothing for: $words"; exit 1; }
        done
        """#
        let result = try RepositoryFiles.run(try shell("bash"), ["--norc", "--noprofile", "-c", script, "bash", files],
                                             environment: ["HOMESERVE_CONFIG_DIR": configDirectory])
        XCTAssertEqual(result.status, 0, result.out)
        XCTAssertEqual(result.err, "", "a command was looked up on PATH")
    }

    /// Completion works in a shell that treats unset variables as errors (`set -u`), with none of the config
    /// variables set: the profiles are read from ~/.config/homeserve.
    func testBashCompletesUnderSetUWithoutConfigVariables() throws {
        let home = configDirectory + "/home"
        try FileManager.default.createDirectory(atPath: home + "/.config/homeserve", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: configDirectory + "/settings.json", toPath: home + "/.config/homeserve/settings.json")
        try "x\n".write(toFile: home + "/cert.pem", atomically: true, encoding: .utf8)
        let script = Self.bashCompleting + #"""
        unset HOMESERVE_CONFIG_DIR XDG_CONFIG_HOME
        HOME=$1
        set -u
        for words in "homeserve --profile ''" "homeserve --cacert '~/'" "homeserve bookings list --status pending,"; do
            complete_words "$words"
            printf '%s\n' "${COMPREPLY[@]}"
        done
        """#
        let result = try RepositoryFiles.run(try shell("bash"), ["--norc", "--noprofile", "-c", script, "bash", home])
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertEqual(result.err, "", "an unset variable was read")
        for profile in ["default", "staging", "prod-eu"] { XCTAssertTrue(result.out.split(separator: "\n").contains(Substring(profile)), profile) }
        XCTAssertContains(result.out, "cert.pem")
    }

    // MARK: - zsh

    struct ShellAnswer {
        var buffer = ""
        var offers: [String] = []
        var errors: [String] = []
    }

    /// A real interactive zsh with compinit, the script loaded from completions/ on $fpath; each line is
    /// typed and followed by a Tab.
    private func zsh(_ lines: [String]) throws -> [String: ShellAnswer] {
        let work = configDirectory + "/zsh"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let result = try RepositoryFiles.run(try shell("zsh"), ["-f", "Tests/Fixtures/zsh-complete.zsh", RepositoryFiles.root + "/completions", work] + lines,
                                             environment: ["HOMESERVE_CONFIG_DIR": configDirectory, "HOME": work, "ZDOTDIR": work])
        XCTAssertEqual(result.status, 0, "zsh: \(result.out) \(result.err)")
        return Self.answers(result.out)
    }

    /// The blocks the pseudo-terminal drivers print: line:, buffer:, offer: and error: lines.
    static func answers(_ out: String) -> [String: ShellAnswer] {
        var answers: [String: ShellAnswer] = [:]
        var current: String?
        for line in out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("line:") {
                current = String(line.dropFirst(5))
                answers[current!] = ShellAnswer()
            } else if let key = current {
                if line.hasPrefix("buffer:") { answers[key]?.buffer = String(line.dropFirst(7)) }
                if line.hasPrefix("offer:") { answers[key]?.offers.append(String(line.dropFirst(6))) }
                if line.hasPrefix("error:") { answers[key]?.errors.append(String(line.dropFirst(6))) }
            }
        }
        return answers
    }

    func testZsh() throws {
        let extra = ["homeserve --cacert " + files + "/no", "homeserve photos upload " + files + "/ph",
                     "homeserve disputes create --evidence @" + files + "/no"]
        let answers = try zsh(cases.map(\.line) + extra)
        check("zsh", answers.mapValues(\.offers))
        // The completion system prints nothing of its own: no "(eval):1: no matches found: *:globbed-files".
        for (line, answer) in answers {
            XCTAssertEqual(answer.errors, [], "zsh: '\(line)'")
        }
        // What a unique match leaves on the line.
        XCTAssertEqual(answers["homeserve boo"]?.buffer, "homeserve bookings ")
        XCTAssertEqual(answers["homeserve --output=j"]?.buffer, "homeserve --output=json ")
        XCTAssertEqual(answers["homeserve --cacert " + files + "/no"]?.buffer, "homeserve --cacert " + files + "/notes.txt ")
        XCTAssertEqual(answers["homeserve photos upload " + files + "/ph"]?.buffer, "homeserve photos upload " + files + "/photo.jpg ")
        XCTAssertEqual(answers["homeserve disputes create --evidence @" + files + "/no"]?.buffer,
                       "homeserve disputes create --evidence @" + files + "/notes.txt ")
        XCTAssertEqual(answers["homeserve --cacert " + files + "/sub"]?.buffer, "homeserve --cacert " + files + "/subdir/")
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

    private func fish(_ lines: [String]) throws -> [String: [String]] {
        let script = #"source completions/homeserve.fish; or exit 99; for line in $argv; printf '\1%s\n' $line; complete -C "$line"; end"#
        let result = try RepositoryFiles.run(try shell("fish"), ["--no-config", "-c", script] + lines,
                                             environment: ["HOMESERVE_CONFIG_DIR": configDirectory])
        XCTAssertEqual(result.status, 0, "fish: \(result.err)")
        XCTAssertEqual(result.err, "", "fish printed errors")
        // "word<TAB>description". Where nothing starts with the word typed, fish falls back to fuzzy matches
        // of its own; what the script offers is what starts with it.
        return Dictionary(uniqueKeysWithValues: blocks(result.out).map { line, candidates in
            let current = line.hasSuffix(" ") ? "" : String(line.split(separator: " ").last ?? "")
            return (line, candidates.map { String($0.prefix { $0 != "\t" }) }.filter { $0.hasPrefix(current) })
        })
    }

    func testFish() throws {
        check("fish", try fish(cases.map(\.line)))
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

    /// A shell or tool the tests need: missing is a failure (scripts/setup installs them), never a skip.
    private func shell(_ name: String) throws -> String { try program(name) }

    private func program(_ name: String) throws -> String {
        guard let path = RepositoryFiles.program(name) else {
            XCTFail("\(name) is not installed; scripts/setup installs it")
            throw CocoaError(.fileNoSuchFile)
        }
        return path
    }

    /// Output split at lines starting with \u{1} (each names the line completed) into what followed.
    private func blocks(_ text: String) -> [String: [String]] {
        var result: [String: [String]] = [:]
        var current: String?
        for line in text.split(separator: "\n").map(String.init) {
            if line.hasPrefix("\u{1}") {
                current = String(line.dropFirst())
                result[current!] = []
            } else if let key = current {
                result[key]?.append(line)
            }
        }
        return result
    }
}
