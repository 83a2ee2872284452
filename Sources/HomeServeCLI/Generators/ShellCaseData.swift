/// The table as `case` statements, for bash and zsh alike: each function sets REPLY rather than
/// printing, so completing costs no subshells.
struct ShellCaseData {
    let model: CompletionModel
    let prefix = "_homeserve"

    private func q(_ text: String) -> String { ShellQuote.sh(text) }
    private func key(_ path: [String]) -> String { q(path.joined(separator: " ")) }

    private func function(_ name: String, _ comment: String, subject: String, cases: [(String, String)],
                          otherwise: String? = "REPLY=''") -> String {
        var s = "# \(comment)\n\(prefix)_\(name)() {\n    case \(subject) in\n"
        for (pattern, body) in cases { s += "        \(pattern)) \(body) ;;\n" }
        if let otherwise { s += "        *) \(otherwise) ;;\n" }
        return s + "    esac\n}\n"
    }

    /// The words after a path: subgroups and commands.
    var children: String {
        function("children", "The words that may follow a command path: subgroups and commands.", subject: "$1",
                 cases: model.groupPaths.map { path in
                     (key(path), "REPLY=" + q(model.children(of: path).map(\.word).joined(separator: " ")))
                 })
    }

    var isCommand: String {
        var s = "# Succeeds when the path names a command (it may also have subcommands).\n\(prefix)_is_command() {\n    case $1 in\n"
        for command in model.commands { s += "        \(key(command.path))) return 0 ;;\n" }
        return s + "    esac\n    return 1\n}\n"
    }

    var flags: String {
        function("flags", "A command's own flags; the global flags are valid everywhere.", subject: "$1",
                 cases: model.commands.filter { !$0.flags.isEmpty }.map { command in
                     (key(command.path), "REPLY=" + q(model.flags(of: command).map(\.long).joined(separator: " ")))
                 })
    }

    var globalFlags: String {
        "\(prefix)_global_flags() { REPLY=\(q(model.globalFlags.map(\.long).joined(separator: " "))); }\n"
    }

    var topics: String {
        "\(prefix)_topics() { REPLY=\(q(model.topics.map(\.word).joined(separator: " "))); }\n"
    }

    /// `$1` the command path, `$2` the flag as typed (`--output` or `-o`). A command's own flag wins over
    /// a global one, as in the parser.
    var flagRecords: String {
        var cases: [(String, String)] = []
        for command in model.commands {
            for flag in model.flags(of: command) {
                let patterns = flag.names.map { q(command.name + " " + $0) }
                cases.append((patterns.joined(separator: "|"), "REPLY=" + q(flag.record)))
            }
        }
        for flag in model.globalFlags {
            cases.append((flag.names.map { "*" + q(" " + $0) }.joined(separator: "|"), "REPLY=" + q(flag.record)))
        }
        return function("flag", """
            A flag as the walker needs it: its long name, 'many' if it may be given again or 'once', then how
            # its value completes: none (a switch), switch (a switch with a --no- form), choice WORDS..., list
            # WORDS... (comma-separated), file, payload, profile or text. Empty for an unknown flag.
            """, subject: "\"$1 $2\"", cases: cases)
    }

    /// `$1` the command path, `$2` the index of the positional argument being typed.
    var arguments: String {
        var cases: [(String, String)] = []
        for command in model.commands {
            for (index, values) in model.arguments(of: command).enumerated() where values != .free {
                cases.append((q("\(command.name) \(index)"), "REPLY=" + q(values.encoded)))
            }
        }
        return function("argument", "How a command's positional argument completes, by index.", subject: "\"$1 $2\"", cases: cases)
    }

    /// Descriptions for zsh: groups and commands by path, topics as `:name`.
    var summaries: String {
        var cases: [(String, String)] = []
        for path in model.groupPaths where !path.isEmpty { cases.append((key(path), "REPLY=" + q(model.summary(of: path)))) }
        for command in model.commands where !model.groupPaths.contains(command.path) {
            cases.append((key(command.path), "REPLY=" + q(command.summary)))
        }
        for topic in model.topics { cases.append((q(":" + topic.word), "REPLY=" + q(topic.summary))) }
        cases.append((q(CompletionModel.helpWord.word), "REPLY=" + q(CompletionModel.helpWord.summary)))
        return function("summary", "One-line descriptions of groups, commands and help topics.", subject: "$1", cases: cases)
    }

    var flagHelp: String {
        var cases: [(String, String)] = []
        for command in model.commands {
            for flag in model.flags(of: command) { cases.append((q(command.name + " " + flag.long), "REPLY=" + q(flag.help))) }
        }
        for flag in model.globalFlags { cases.append(("*" + q(" " + flag.long), "REPLY=" + q(flag.help))) }
        return function("flag_help", "Flag descriptions.", subject: "\"$1 $2\"", cases: cases)
    }

    var all: String {
        [children, isCommand, flags, globalFlags, topics, flagRecords, arguments].joined(separator: "\n")
    }
}
