/// homeserve(1), generated from the command table, the help topics, the exit codes and the environment
/// list, so the page says what `--help` says. Must stay clean under `mandoc -Tlint`.
public enum ManPage {
    /// The page's date. mandoc wants a real date; keep it with the release that last changed the CLI.
    static let date = "2026-11-25"

    public static func render(table: CommandTable) -> String {
        var page = Roff()
        page.comment("Generated from the homeserve command table by 'homeserve completion man' (scripts/generate).")
        page.comment("Do not edit: change the table and regenerate.")
        page.macro("TH", "HOMESERVE 1 \(date) \"homeserve \(HomeServe.version)\" \"User Commands\"")
        // Option names must never be hyphenated across lines, and ragged-right reads better beside them.
        page.macro("nh")
        page.macro("ad", "l")

        page.section("NAME")
        page.line("homeserve \\- command\\-line client for the HomeServe Pro API")

        page.section("SYNOPSIS")
        page.line("\\fBhomeserve\\fR [\\fIglobal options\\fR] \\fIgroup\\fR \\fIcommand\\fR [\\fIoptions\\fR] [\\fIarguments\\fR]")
        page.macro("br")
        page.line("\\fBhomeserve help\\fR [\\fIgroup\\fR [\\fIcommand\\fR] | \\fItopic\\fR]")
        page.macro("br")
        page.line("\\fBhomeserve \\-\\-version\\fR")

        description(&page, table)
        globalOptions(&page, table)
        commands(&page, table)
        outputFormats(&page)
        topic(&page, "SESSIONS", Topics.sessions)
        topic(&page, "DATES", Topics.dates)
        exitStatus(&page)
        environment(&page)
        files(&page)
        examples(&page)

        page.section("SEE ALSO")
        page.prose("homeserve help, homeserve help <group>, homeserve <group> <command> --help; "
                   + "the completion scripts from homeserve completion bash, zsh or fish.")
        return page.text
    }

    static func description(_ page: inout Roff, _ table: CommandTable) {
        page.section("DESCRIPTION")
        page.prose("""
        homeserve talks to a HomeServe Pro server: it logs in, keeps tokens per profile, and calls the API \
        one command per endpoint. Data goes to stdout as a table, JSON, NDJSON, CSV or TSV; messages go to \
        stderr; the exit status says what kind of failure happened, so scripts can branch on it.
        """)
        page.paragraph()
        page.prose("Commands are grouped by area:")
        for area in table.areas {
            page.macro("SS", Roff.code(area))
            for group in table.groups where group.area == area {
                page.tag("\\fB" + Roff.code(group.name) + "\\fR")
                page.prose(group.summary)
            }
        }
        page.paragraph()
        page.prose("Help topics, shown by homeserve help TOPIC: " + Topics.all.map(\.name).joined(separator: ", ") + ".")
    }

    static func globalOptions(_ page: inout Roff, _ table: CommandTable) {
        page.section("GLOBAL OPTIONS")
        page.prose("""
        Global options may come before or after the command; a command's own option of the same name \
        (the --timeout of bookings wait and watch) is the one meant after the command. A value follows its \
        option as --flag VALUE or --flag=VALUE (short options also as -oVALUE); -- ends the options; a \
        boolean --flag is turned off with --no-flag.
        """)
        flagList(&page, table.globalFlags)
    }

    static func commands(_ page: inout Roff, _ table: CommandTable) {
        page.section("COMMANDS")
        for command in table.commands {
            page.macro("SS", Roff.code("homeserve " + command.name))
            page.line(usage(command))
            page.paragraph()
            page.prose(command.summary)
            for paragraph in paragraphs(command.discussion) {
                page.paragraph()
                page.prose(paragraph)
            }
            if command.reach == .offline {
                page.paragraph()
                page.prose(Help.offlineNote)
            }
            for argument in command.arguments {
                page.tag("\\fI" + Roff.code(argument.name) + "\\fR")
                page.prose(argumentHelp(argument))
            }
            flagList(&page, command.flags)
            if let example = command.examples.first {
                page.paragraph()
                page.prose("Example: " + example.explanation)
                page.code(Help.commandLines(example.command, width: Roff.codeWidth))
            }
        }
    }

    static func outputFormats(_ page: inout Roff) {
        page.section("OUTPUT FORMATS")
        for block in TopicBlock.parse(Topics.output.body) { block.write(to: &page) }
    }

    static func topic(_ page: inout Roff, _ title: String, _ topic: Topic) {
        page.section(title)
        for block in TopicBlock.parse(topic.body) { block.write(to: &page) }
    }

    static func exitStatus(_ page: inout Roff) {
        page.section("EXIT STATUS")
        for code in ExitCode.allCases {
            page.tag("\\fB\(code.rawValue)\\fR")
            page.prose(code.meaning)
        }
        for case let .paragraph(text) in TopicBlock.parse(Topics.exitCodes.body) {
            page.paragraph()
            page.prose(text)
        }
    }

    static func environment(_ page: inout Roff) {
        page.section("ENVIRONMENT")
        for (name, meaning) in Topics.environmentVariables {
            page.tag("\\fB" + Roff.code(name) + "\\fR")
            page.prose(meaning)
        }
    }

    static func files(_ page: inout Roff) {
        page.section("FILES")
        page.prose("""
        The configuration directory is $HOMESERVE_CONFIG_DIR, else $XDG_CONFIG_HOME/homeserve, else \
        ~/.config/homeserve. It is created with mode 0700; files in it are replaced atomically. One that is \
        there already is never chmod'ed: unless it is owned by the user (or root), others cannot write to it, \
        its group can only if it is the user's private group, it has no sticky bit, and every directory above \
        it can be changed only by the user or root (or is sticky, as /tmp), nothing is read from it or written \
        into it (exit 1); so too for a settings.json or credentials.json not owned by the user (or root) or \
        that others can write to.
        """)
        page.tag("\\fIsettings.json\\fR")
        page.prose("Per-profile settings (" + ConfigCommands.keys.map(\.name).joined(separator: ", ")
                   + ") as {\"profiles\": {NAME: {KEY: VALUE}}}, mode 0600. The completion scripts read profile names from it.")
        page.tag("\\fIcredentials.json\\fR")
        page.prose("""
        Access and refresh tokens per profile, in the same shape, mode 0600; homeserve warns when other users \
        can read it. Not used when HOMESERVE_TOKEN is set.
        """)
        page.tag("\\fIcredentials.\\fRPROFILE\\fI.lock\\fR")
        page.prose("An advisory lock held while a profile's tokens are refreshed, so processes sharing the profile take turns.")
        page.tag("\\fIcredentials.lock\\fR")
        page.prose("An advisory lock held while settings.json or credentials.json is read, changed and written back.")
    }

    static func examples(_ page: inout Roff) {
        page.section("EXAMPLES")
        for (index, example) in userExamples.enumerated() {
            if index > 0 { page.paragraph() }
            page.prose(example.title)
            page.code(example.script)
        }
    }

    /// Scripts for the people who run homeserve unattended. GeneratorTests parses every homeserve
    /// invocation in them against the table, so a renamed command or flag fails a test.
    struct UserExample {
        var title: String
        var script: String
    }

    static let userExamples: [UserExample] = [
        UserExample(title: "A shell script: show every pending booking, one at a time.", script: """
        homeserve bookings list --status pending --all --jq '.[] | .id' |
          while read -r id; do
            homeserve bookings get "$id" -o json \\
              --fields id,status,scheduled_date
          done
        """),
        UserExample(title: "A CI smoke step: a throwaway profile directory, a session that logs in by itself, and JUnit XML for the CI system.", script: """
        export HOMESERVE_CONFIG_DIR="$(mktemp -d)"
        export HOMESERVE_URL="$STAGING_URL"
        export HOMESERVE_USERNAME=ci-smoke HOMESERVE_PASSWORD="$CI_PASSWORD"
        homeserve doctor
        homeserve smoke --junit smoke.xml
        """),
        UserExample(title: "A support query: one booking as a readable table, then the disputed bookings at its pincode.", script: """
        homeserve --profile support bookings get \\
          3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13 -o table
        homeserve --profile support bookings list --pincode 560001 \\
          --status disputed --all --sort-by scheduled_date \\
          --fields id,status,scheduled_date,total_price
        """),
        UserExample(title: "A cron job (*/15 * * * * /usr/local/libexec/homeserve-pending): export pending bookings, and tell a lapsed login from a passing outage.", script: """
        #!/bin/sh
        out=/var/lib/homeserve/pending.csv
        homeserve --profile ops -q bookings list --status pending --all \\
          -o csv > "$out.new"
        case $? in
          \(ExitCode.ok.rawValue)) mv "$out.new" "$out" ;;
          \(ExitCode.notAuthenticated.rawValue)) echo "session ended: set the profile's password_command," \\
               "or log in again" >&2; exit 1 ;;
          \(ExitCode.network.rawValue)|\(ExitCode.rateLimited.rawValue)) rm -f "$out.new"; exit 0 ;;  # try again next run
          *) rm -f "$out.new"; exit 1 ;;
        esac
        """),
    ]

    /// `homeserve bookings create --service ID … [options] ARG`, with fonts.
    static func usage(_ command: Command) -> String {
        var parts = ["\\fBhomeserve " + Roff.code(command.name) + "\\fR"]
        for flag in command.flags where flag.required {
            parts.append("\\fB\\-\\-" + Roff.code(flag.name) + "\\fR" + (flag.takesValue ? " \\fI" + Roff.code(flag.placeholder) + "\\fR" : ""))
        }
        if command.flags.contains(where: { !$0.required }) { parts.append("[\\fIoptions\\fR]") }
        for argument in command.arguments {
            parts.append("\\fI" + Roff.code(argument.name) + "\\fR")
        }
        return parts.joined(separator: " ")
    }

    static func argumentHelp(_ argument: ArgumentSpec) -> String {
        var notes: [String] = []
        if let choices = argument.shape.choices {
            notes.append("one of: " + choices.joined(separator: "|"))
        } else if !argument.shape.examples.isEmpty {
            notes.append("e.g. " + argument.shape.examples.joined(separator: ", "))
        } else if !["any text", "non-empty text"].contains(argument.shape.accepted) {
            notes.append(argument.shape.accepted)
        }
        return argument.help + (notes.isEmpty ? "" : " (" + notes.joined(separator: "; ") + ")")
    }

    static func flagList(_ page: inout Roff, _ flags: [FlagSpec]) {
        for flag in flags {
            var tag = flag.short.map { "\\fB\\-" + Roff.code(String($0)) + "\\fR, " } ?? ""
            tag += "\\fB\\-\\-" + Roff.code(flag.name) + "\\fR"
            if flag.takesValue { tag += " \\fI" + Roff.code(flag.placeholder) + "\\fR" }
            page.tag(tag)
            page.prose(Help.describe(flag))
        }
    }

    static func paragraphs(_ text: String) -> [String] {
        var result: [String] = []
        var current: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = String(line).trimmed
            if trimmed.isEmpty {
                if !current.isEmpty { result.append(current.joined(separator: " ")); current = [] }
            } else {
                current.append(trimmed)
            }
        }
        if !current.isEmpty { result.append(current.joined(separator: " ")) }
        return result
    }
}

/// A help topic's plain text as man page blocks: "term  description" lines become a tagged list,
/// anything else a filled paragraph.
enum TopicBlock {
    case terms([(String, String)])
    case paragraph(String)

    /// A help topic's text as paragraphs and term lists. A line indented deeper than the term before it
    /// continues that term's description (help wraps them so); a term list may follow a paragraph's
    /// lines within one block ("first match wins:" then the sources).
    static func parse(_ body: String) -> [TopicBlock] {
        var blocks: [TopicBlock] = []
        for chunk in body.split(separator: "\n\n").map(String.init) {
            var prose: [String] = []
            var items: [(String, String)] = []
            var termIndent = 0
            func flushProse() {
                if !prose.isEmpty { blocks.append(.paragraph(prose.joined(separator: " "))) }
                prose = []
            }
            func flushTerms() {
                if !items.isEmpty { blocks.append(.terms(items)) }
                items = []
            }
            for raw in chunk.split(separator: "\n").map(String.init) {
                let line = raw.trimmed
                guard !line.isEmpty else { continue }
                let indent = raw.prefix { $0 == " " }.count
                if !items.isEmpty, indent > termIndent, term(line) == nil || indent > termIndent + 2 {
                    items[items.count - 1].1 += " " + line
                } else if let found = term(line) {
                    flushProse()
                    termIndent = indent
                    items.append(found)
                } else {
                    flushTerms()
                    prose.append(line)
                }
            }
            flushProse()
            flushTerms()
        }
        return blocks
    }

    /// "-o table   aligned columns …" → ("-o table", "aligned columns …"): a term of at most 40 characters,
    /// then two or more spaces.
    private static func term(_ line: String) -> (String, String)? {
        let chars = Array(line)
        var i = 0
        while i + 1 < chars.count {
            if chars[i] == " " && chars[i + 1] == " " {
                let term = String(chars[..<i])
                let rest = String(chars[i...]).trimmed
                return term.count <= 40 && !rest.isEmpty ? (term, rest) : nil
            }
            i += 1
        }
        return nil
    }

    func write(to page: inout Roff) {
        switch self {
        case let .terms(items):
            for (term, description) in items {
                page.tag("\\fB" + Roff.code(term) + "\\fR")
                page.prose(description)
            }
        case let .paragraph(text):
            page.paragraph()
            page.prose(text)
        }
    }
}

/// A roff (man macros) document under construction, with the escaping mandoc and groff expect.
struct Roff {
    private(set) var lines: [String] = []

    var text: String { lines.joined(separator: "\n") + "\n" }

    mutating func comment(_ text: String) { lines.append(".\\\" " + text) }

    mutating func macro(_ name: String, _ arguments: String = "") {
        lines.append("." + name + (arguments.isEmpty ? "" : " " + arguments))
    }

    mutating func section(_ title: String) { macro("SH", title) }

    /// A line already in roff (fonts and escapes in place).
    mutating func line(_ roff: String) { lines.append(Roff.guardLine(roff)) }

    /// Running text: option dashes become \-, everything else is escaped; wrapped at 80 bytes,
    /// which roff refills anyway and mandoc's lint asks for.
    mutating func prose(_ text: String) {
        var line = ""
        for word in Roff.escape(text, code: false).split(separator: " ") {
            if !line.isEmpty && line.utf8.count + 1 + word.utf8.count > 80 {
                lines.append(Roff.guardLine(line))
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        lines.append(Roff.guardLine(line))
    }

    /// A new paragraph, unless one has just begun (mandoc warns about empty paragraphs).
    mutating func paragraph() {
        guard let last = lines.last, !last.hasPrefix(".SH"), !last.hasPrefix(".SS"), last != ".PP", last != ".TP" else { return }
        macro("PP")
    }

    /// A tagged list item; the description follows with `prose`.
    mutating func tag(_ roff: String) {
        macro("TP")
        line(roff)
    }

    /// A literal block: shell commands shown exactly, indented, not filled.
    mutating func code(_ text: String) {
        paragraph()
        macro("RS", "4")
        macro("nf")
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lines.append(Roff.guardLine(Roff.escape(String(line), code: true)))
        }
        macro("fi")
        macro("RE")
    }

    /// A literal block is never refilled: at 80 columns its lines have 80 less the section and block
    /// indents (7 + 4), and what is longer runs off the page, so a command is broken as help breaks it.
    static let codeWidth = 80 - 11

    /// Escapes for a literal word in a font escape or macro: every dash is a minus.
    static func code(_ text: String) -> String { escape(text, code: true) }

    /// Backslashes, non-ASCII characters and dashes. In code every `-` is the ASCII minus `\-` and
    /// quotes are the straight `\(aq` (groff would otherwise print typographic ones that no shell
    /// accepts); in prose only option-like words (`--fields`, `-o`, `@-`) get `\-`.
    static func escape(_ text: String, code: Bool) -> String {
        var out = ""
        var inOption = false
        var previous: Character = " "
        for ch in text {
            if ch == " " || ch == "\t" { inOption = false }
            if ch == "-" && !code && !inOption && " ('\"[|/@".contains(previous) { inOption = true }
            switch ch {
            case "\\": out += "\\e"
            case "-": out += (code || inOption) ? "\\-" : "-"
            // Choice lists (`pending|confirmed|…`) may break after a bar rather than run past the margin.
            case "|" where !code: out += "|\\:"
            case "'" where code: out += "\\(aq"
            case "`" where code: out += "\\(ga"
            default:
                if ch.isASCII {
                    out.append(ch)
                } else {
                    for scalar in ch.unicodeScalars {
                        let hex = String(scalar.value, radix: 16, uppercase: true)
                        out += "\\[u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + "]"
                    }
                }
            }
            previous = ch
        }
        return out
    }

    /// A text line must not start with `.` or `'` (control characters) and must not be blank.
    static func guardLine(_ line: String) -> String {
        let trimmed = String(line.reversed().drop { $0 == " " }.reversed())
        if trimmed.isEmpty { return "\\&" }
        if trimmed.hasPrefix(".") || trimmed.hasPrefix("'") { return "\\&" + trimmed }
        return trimmed
    }
}
