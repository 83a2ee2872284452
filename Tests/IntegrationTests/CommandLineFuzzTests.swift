import Foundation
import TestSupport
import XCTest
import HomeServeCLI
import HomeServeCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Command lines made from the command table — each command's help examples and declared flags, then
/// mutated: flags dropped or repeated, values replaced by hostile ones — run through the built binary
/// against the hostile server. A finding is a crash (a signal), a hang (the per-case time limit) or an
/// exit status that `ExitCode` does not document.
///
/// HOMESERVE_FUZZ_CASES sets the number of cases (a few in the ordinary test run; `scripts/fuzz` runs
/// thousands), HOMESERVE_FUZZ_SEED the seed (1 unless given; case N of a seed is always the same command line), and
/// HOMESERVE_FUZZ_REPORT a file for the figures as JSON; HOMESERVE_FUZZ_SHOW prints each command line.
final class CommandLineFuzzTests: XCTestCase {
    /// Cases that once found bugs, kept as they were generated: `(seed, case)`.
    static let regressions: [(UInt64, Int)] = []

    /// Server behaviours every case is pointed at, one per case: fast ones, so thousands of cases fit in minutes.
    static let cases = ["ok", "ok", "ok", "html-500", "html-as-json", "deep", "huge-numbers", "bad-utf8", "unauthorized",
                        "lying-length", "next-loop", "rows-past-total", "status-301", "status-404", "status-405", "status-413",
                        "status-429", "retry-after", "ansi", "ansi-error", "reset", "redirect-self", "refresh-no-token"]

    func testGeneratedCommandLines() throws {
        let environment = ProcessInfo.processInfo.environment
        let count = Int(environment["HOMESERVE_FUZZ_CASES"] ?? "") ?? 40
        let seed = UInt64(environment["HOMESERVE_FUZZ_SEED"] ?? "") ?? 1
        let server = try HostileServer()
        let generator = CommandLineGenerator(table: .standard)
        let started = Monotonic.now()
        var findings: [String] = []
        var crashes = 0, hangs = 0, undocumented = 0
        let documented = Set(ExitCode.allCases.map(\.rawValue))
        var statuses: [Int32: Int] = [:]

        let work = Self.regressions.map { ($0.0, $0.1) } + (0..<count).map { (seed, $0) }
        // Two at a time: the machine's cores are shared with other builds.
        var running: [(seed: UInt64, index: Int, line: FuzzCase, child: Child, cli: HostileCLI)] = []
        var next = 0
        func reap(_ entry: (seed: UInt64, index: Int, line: FuzzCase, child: Child, cli: HostileCLI)) {
            let result = entry.child.wait(limit: entry.line.limit)
            statuses[result.status, default: 0] += 1
            let shown = "seed \(entry.seed) case \(entry.index): \(entry.line)"
            if let signal = result.signal, !result.hung {
                crashes += 1
                findings.append("crash (signal \(signal)): \(shown)\n\(result.err.prefix(400))")
            } else if result.hung {
                if entry.line.bounded {
                    hangs += 1
                    findings.append("hang (over \(entry.line.limit) s): \(shown)")
                }
            } else if !documented.contains(result.status) {
                undocumented += 1
                findings.append("undocumented exit \(result.status): \(shown)\n\(result.err.prefix(400))")
            }
            // `auth token` prints the token: that is what it is for.
            let printsToken = entry.line.arguments.contains("auth") && entry.line.arguments.contains("token")
            for secret in entry.cli.secrets where !printsToken && (result.out.contains(secret) || result.err.contains(secret)) {
                findings.append("secret in output: \(shown)")
            }
        }
        while next < work.count || !running.isEmpty {
            while running.count < 2, next < work.count {
                let (caseSeed, index) = work[next]
                next += 1
                var random = SplitMix(seed: caseSeed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
                let line = generator.make(&random)
                let target = Self.cases[random.below(Self.cases.count)]
                let cli = HostileCLI(url: server.url(target))
                // Files a command writes (--out, completions) land in a scratch directory, never in the tree.
                let scratch = cli.configDir + "/cwd"
                try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
                cli.environment["HOME"] = scratch
                let child = try Child.start(["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", scratch, Binaries.cli] + line.arguments,
                                            environment: cli.environment, stdin: line.stdin)
                running.append((caseSeed, index, line, child, cli))
            }
            if environment["HOMESERVE_FUZZ_SHOW"] != nil { print(running[0].line) }
            reap(running.removeFirst())
        }
        let seconds = Monotonic.now() - started
        let summary = "\(work.count) cases, \(crashes) crashes, \(hangs) hangs, \(undocumented) undocumented exit codes, " +
            String(format: "%.0f s", seconds) + " (seed \(seed)); exits: " +
            statuses.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " ")
        print("command-line fuzz: " + summary)
        if let path = environment["HOMESERVE_FUZZ_REPORT"], !path.isEmpty {
            let report = JSON.object([("cases", .number(String(work.count))), ("crashes", .number(String(crashes))),
                                      ("hangs", .number(String(hangs))), ("undocumented", .number(String(undocumented))),
                                      ("seconds", .number(String(Int(seconds)))), ("seed", .string(String(seed))),
                                      ("findings", .array(findings.map(JSON.string)))])
            _ = FileManager.default.createFile(atPath: path, contents: Data(report.bytes()))
        }
        XCTAssertTrue(findings.isEmpty, findings.joined(separator: "\n"))
    }
}

/// One generated command line and what to expect of it.
struct FuzzCase: CustomStringConvertible {
    var arguments: [String]
    var stdin: [UInt8]
    /// False when the command may legitimately wait for ever (a watch with no --timeout, --count or --until).
    var bounded: Bool
    var limit: Double

    var description: String {
        "homeserve " + arguments.map { $0.debugDescription.count > 200 ? String($0.debugDescription.prefix(200)) + "…\"" : $0.debugDescription }
            .joined(separator: " ") + (stdin.isEmpty ? "" : " < \(stdin.count) bytes")
    }
}

/// Builds command lines from the table: a help example or the command's own declarations, then mutations.
struct CommandLineGenerator {
    let table: CommandTable

    static let hostileValues: [String] = [
        "", " ", "-", "--", "@", "@-", "@/dev/null", "@/nonexistent/file", "@/etc", "-1", "0", "1", "2147483648",
        "9223372036854775808", "99999999999999999999999999", "1e309", "-0", "NaN", "0x10", "1.5", "\u{1B}[31mred\u{1B}[0m",
        "\u{1B}]52;c;aGk=\u{07}", "a\r\nX-Injected: yes", "\t", "é", "💥🏠", "\u{202E}gnp.exe", "\u{FEFF}", "{", "{}", "[]",
        "{\"a\":", "null", "true", "2026-02-30", "2026-13-01T25:61:00Z", "../../../tmp/homeserve-fuzz-missing/x", "%00", "%0d%0a", "${HOME}",
        "*", "a,b,,c", "key=value", "=", "status=", "--help", "-h", "-o", String(repeating: "a", count: 5000),
        String(repeating: "9", count: 400), String(repeating: "[", count: 3000), "http://127.0.0.1:1/", "http://a b",
    ]

    /// Shell words of a help example, from `homeserve` up to the first pipe or redirection.
    static func words(of example: String) -> [String] {
        var words: [String] = [], current = "", quote: Character?, hasWord = false
        for character in example {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "'" || character == "\"" {
                quote = character
                hasWord = true
            } else if character == " " {
                if hasWord { words.append(current) }
                current = ""
                hasWord = false
            } else {
                current.append(character)
                hasWord = true
            }
        }
        if hasWord { words.append(current) }
        guard let start = words.lastIndex(of: "homeserve") else { return [] }
        var line = Array(words[(start + 1)...])
        if let end = line.firstIndex(where: { ["|", ">", ">>", "<", ";", "&&", "||", "2>"].contains($0) }) { line = Array(line[..<end]) }
        return line
    }

    func value(for shape: ValueShape, _ random: inout SplitMix) -> String {
        if random.chance(20) { return random.pick(Self.hostileValues) }
        if case let .words(words) = shape.completion, !words.isEmpty { return random.pick(words) }
        if !shape.examples.isEmpty { return random.pick(shape.examples) }
        switch shape.placeholder {
        case "N", "SECONDS", "ID", "DAYS": return String(random.below(50) + 1)
        default: return random.pick(["1", "2", "abc", "2026-11-25", "560001", "customer1", "{\"a\": 1}", "id,name"])
        }
    }

    func make(_ random: inout SplitMix) -> FuzzCase {
        let command = random.pick(table.commands)
        var line: [String]
        let examples = command.examples.map { Self.words(of: $0.command) }.filter { !$0.isEmpty }
        if !examples.isEmpty && random.chance(60) {
            line = random.pick(examples)
        } else {
            line = command.path
            for flag in command.flags where flag.required || random.chance(25) {
                line.append("--" + flag.name)
                if flag.takesValue { line.append(value(for: flag.shape, &random)) }
            }
            for argument in command.arguments {
                line.append(value(for: argument.shape, &random))
            }
        }
        let flags = command.flags + (random.chance(30) ? table.globalFlags : [])
        for _ in 0..<random.pick([0, 1, 1, 1, 2, 3]) {
            switch random.below(8) {
            case 0 where line.count > command.path.count:
                // Drop a word after the command's name.
                line.remove(at: command.path.count + random.below(line.count - command.path.count))
            case 1:
                // Repeat a flag with its value.
                if let i = line.indices.filter({ line[$0].hasPrefix("--") }).randomElement(using: &random) {
                    line += [line[i]] + (i + 1 < line.count && !line[i + 1].hasPrefix("-") ? [line[i + 1]] : [])
                }
            case 2:
                // A flag's value replaced by a hostile one.
                if let i = line.indices.filter({ line[$0].hasPrefix("-") && $0 + 1 < line.count }).randomElement(using: &random) {
                    line[i + 1] = random.pick(Self.hostileValues)
                }
            case 3:
                // A declared flag added, with a value that may be hostile.
                if let flag = flags.randomElement(using: &random) {
                    line.append("--" + flag.name)
                    if flag.takesValue { line.append(value(for: flag.shape, &random)) }
                }
            case 4:
                // A word replaced by a hostile one.
                if !line.isEmpty { line[random.below(line.count)] = random.pick(Self.hostileValues) }
            case 5:
                // `--flag=value` form, or a value that looks like a flag.
                if let i = line.indices.filter({ line[$0].hasPrefix("--") && $0 + 1 < line.count }).randomElement(using: &random) {
                    line[i] += "=" + line.remove(at: i + 1)
                } else {
                    line.append(random.pick(["--", "-", "-x", "--no-such-flag", "--=", "-oo"]))
                }
            case 6:
                // A global flag before the command.
                if let flag = table.globalFlags.randomElement(using: &random) {
                    line.insert(contentsOf: ["--" + flag.name] + (flag.takesValue ? [value(for: flag.shape, &random)] : []), at: 0)
                }
            default:
                // Two words swapped.
                if line.count > 1 { line.swapAt(random.below(line.count), random.below(line.count)) }
            }
        }
        let stdin: [UInt8] = random.pick([[], Array("password123\n".utf8), Array("{\"a\": 1}".utf8), Array("\u{1B}[2J\r\n".utf8),
                                           (0..<256).map { _ in UInt8(truncatingIfNeeded: random.next()) }])
        // Requests are bounded by the global flags the harness puts first; a command can still override them.
        let arguments = ["--timeout", "3", "--retries", "1"] + line
        let waits = command.path.first == "watch" || command.name == "bookings wait"
        // A wait is bounded by its own --timeout (the last one given), when that is short.
        var own: Int?
        for (i, word) in line.enumerated() {
            if word == "--timeout", i + 1 < line.count { own = Int(line[i + 1]) }
            if word.hasPrefix("--timeout=") { own = Int(word.dropFirst(10)) }
        }
        let bounded = !waits || (own.map { (1...20).contains($0) } ?? false)
        // A wait with no bound of its own is cut short: it is no finding, only time.
        return FuzzCase(arguments: arguments, stdin: stdin, bounded: bounded, limit: bounded ? 30 : 6)
    }
}
