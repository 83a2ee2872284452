/// Help text, generated from the command table.
public struct Help {
    public let table: CommandTable

    public init(table: CommandTable) { self.table = table }

    public func text(for path: [String]) throws -> String {
        if path.isEmpty { return root() }
        if path.count == 1, let topic = Topics.all.first(where: { $0.name == path[0] }) {
            return topic.title + "\n\n" + topic.body + "\n"
        }
        if let command = table.command(at: path), table.children(of: path).isEmpty { return self.command(command) }
        if table.isPrefix(path) { return group(path) }
        let known = path.dropLast()
        let options = table.children(of: Array(known)) + (known.isEmpty ? Topics.all.map(\.name) : [])
        let hint = Suggestions.nearest(to: path.last!, in: options).map { "; did you mean '\((Array(known) + [$0]).joined(separator: " "))'?" } ?? ""
        throw CLIError.usage("no help for '\(path.joined(separator: " "))'\(hint) (see 'homeserve help')")
    }

    func root() -> String {
        var s = "homeserve — command-line client for the HomeServe Pro API\n\n"
        s += "Usage:\n  homeserve [global options] <group> <command> [options] [arguments]\n\n"
        for area in table.areas {
            s += "\(area):\n"
            let groups = table.groups.filter { $0.area == area && !$0.name.contains(" ") }
            let width = groups.map(\.name.count).max() ?? 0
            for group in groups { s += "  \(pad(group.name, width))  \(group.summary)\n" }
            s += "\n"
        }
        s += "Help topics:\n"
        for topic in Topics.all { s += "  \(pad(topic.name, 12))  \(topic.title)\n" }
        s += "\n" + globalFlagsSection()
        s += "\nRun 'homeserve help <group>' or 'homeserve <group> <command> --help' for details.\n"
        s += wrap("Exit codes: " + ExitCode.allCases.map { "\($0.rawValue) \($0.label)" }.joined(separator: ", ") + " ('homeserve help exit-codes').") + "\n"
        return s
    }

    func group(_ path: [String]) -> String {
        let name = path.joined(separator: " ")
        var s = (table.group(path)?.summary ?? name) + "\n\nUsage:\n  homeserve \(name) <command> [options]\n\nCommands:\n"
        let commands = table.commands.filter { $0.path.count > path.count && Array($0.path.prefix(path.count)) == path }
        let width = commands.map { $0.path.dropFirst(path.count).joined(separator: " ").count }.max() ?? 0
        for command in commands {
            s += "  \(pad(command.path.dropFirst(path.count).joined(separator: " "), width))  \(command.summary)\n"
        }
        if let own = table.command(at: path) { s += "\n" + self.command(own) }
        s += "\nRun 'homeserve \(name) <command> --help' for a command's flags and examples.\n"
        return s
    }

    static let offlineNote = "Offline: reads and writes local files only; no request is sent."

    public func command(_ command: Command) -> String {
        var s = command.summary + "\n\nUsage:\n  " + command.usage + "\n"
        if !command.discussion.isEmpty { s += "\n" + command.discussion + "\n" }
        if command.offline { s += "\n" + Help.offlineNote + "\n" }
        if !command.arguments.isEmpty {
            s += "\nArguments:\n"
            let width = command.arguments.map(\.name.count).max() ?? 0
            for argument in command.arguments { s += "  \(pad(argument.name, width))  \(argument.help)\n" }
        }
        if !command.flags.isEmpty {
            s += "\nFlags:\n" + flagLines(command.flags)
        }
        let globals = table.globalFlags.filter { $0.name != "help" && $0.name != "version" }
            .map { ($0.short.map { "-\($0)/" } ?? "") + "--" + $0.name }
        s += "\n" + wrap("Global flags: " + globals.joined(separator: ", ") + " (see 'homeserve --help').") + "\n"
        s += "\nExamples:\n"
        for example in command.examples { s += "  # \(example.explanation)\n  $ \(example.command)\n" }
        let codes = ExitCode.allCases.map { "\($0.rawValue) \($0.label)" }.joined(separator: ", ")
        s += "\n" + wrap("Exit codes: " + codes + " ('homeserve help exit-codes').") + "\n"
        return s
    }

    func globalFlagsSection() -> String { "Global flags:\n" + flagLines(table.globalFlags) }

    func flagLines(_ flags: [Flag]) -> String {
        let width = flags.map { (Help.flagColumn($0)).count }.max() ?? 0
        return flags.map { "  \(pad(Help.flagColumn($0), width))  \(Help.describe($0))\n" }.joined()
    }

    static func flagColumn(_ flag: Flag) -> String {
        (flag.short == nil ? "    " : "") + flag.synopsis
    }

    /// The help text, then type, allowed values, default, and whether it is required or repeatable.
    public static func describe(_ flag: Flag) -> String {
        var notes: [String] = []
        switch flag.kind {
        case .flag, .string: break
        case let .choice(values): notes.append("one of: " + values.joined(separator: "|"))
        default: notes.append(flag.kind.accepted)
        }
        if let value = flag.defaultValue { notes.append("default: \(value)") }
        if flag.required { notes.append("required") }
        if flag.repeatable { notes.append("repeatable") }
        return flag.help + (notes.isEmpty ? "" : " (" + notes.joined(separator: "; ") + ")")
    }

    /// Greedy wrap at 100 columns, continuation lines indented by two.
    private func wrap(_ text: String) -> String {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty && current.count + 1 + word.count > 100 {
                lines.append(current)
                current = "  " + word
            } else {
                current += (current.isEmpty ? "" : " ") + word
            }
        }
        lines.append(current)
        return lines.joined(separator: "\n")
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}

/// `homeserve help <topic>`: the reference pages the README and man page also carry.
public struct Topic {
    public var name: String
    public var title: String
    public var body: String
}

public enum Topics {
    public static let all: [Topic] = [exitCodes, environment, output]

    public static let exitCodes = Topic(name: "exit-codes", title: "Exit status",
        body: ExitCode.allCases.map { code in
            let n = String(code.rawValue)
            return "  " + n + String(repeating: " ", count: 5 - n.count) + code.meaning
        }.joined(separator: "\n") + "\n\nErrors are one line on stderr; a server's per-field validation messages follow, one per line.")

    public static let environmentVariables: [(String, String)] = [
        ("HOMESERVE_CONFIG_DIR", "Directory for settings.json, credentials.json and credentials.lock"),
        ("XDG_CONFIG_HOME", "Used as $XDG_CONFIG_HOME/homeserve when HOMESERVE_CONFIG_DIR is unset (else ~/.config/homeserve)"),
        ("HOMESERVE_PROFILE", "Profile to use when --profile is not given (default: default)"),
        ("HOMESERVE_URL", "API base URL when --url is not given (default: the profile's url, else http://localhost:8000)"),
        ("HOMESERVE_OUTPUT", "Output format when -o is not given: table, json, ndjson, csv or tsv"),
        ("HOMESERVE_TOKEN", "A bearer access token used as is; nothing is read from or written to the credentials file"),
        ("HOMESERVE_PASSWORD", "Password for 'auth login' when --password-stdin is not given; the prompt is used only without it"),
        ("NO_COLOR", "Disables colour when set to any non-empty value"),
        ("HTTPS_PROXY, HTTP_PROXY, NO_PROXY", "Proxies, as libcurl reads them"),
    ]

    public static let environment = Topic(name: "environment", title: "Environment variables",
        body: environmentVariables.map { "  \($0.0)\n      \($0.1)" }.joined(separator: "\n"))

    public static let output = Topic(name: "output", title: "Output formats",
        body: """
          -o table   aligned columns for people; the default when stdout is a terminal
          -o json    the server's JSON, key order kept; lists print as one array; the default otherwise
          -o ndjson  one JSON object per line, streamed page by page (memory stays flat with --all)
          -o csv     RFC 4180 with a header row; nested values as compact JSON
          -o tsv     tab-separated with a header row; tabs and newlines escaped as \\t and \\n

          List commands print the items of a paginated response, without the envelope. --fields a,b.c
          picks columns (dot paths reach into nested objects; json/ndjson keys are the paths as given).
          A single resource prints as JSON, or as a key/value table with -o table.
          Data goes to stdout; messages, progress and warnings go to stderr. Colour only on a terminal,
          never with NO_COLOR or --no-color.
        """)
}
