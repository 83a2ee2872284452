/// Shell completion scripts, generated from the command table. Each script carries the table as data
/// (which words follow a path, which paths are commands, every command's flags, how each value
/// completes) plus one small walker, written once per shell, that replays the parser's rules over the
/// words typed so far: global flags anywhere, `--flag value` and `--flag=value`, `--` ends options,
/// and a word extends the command path only until the first positional argument.
public enum Shell: String, CaseIterable, Sendable {
    case bash, zsh, fish

    /// The file name a package installs the script under (and the one committed in completions/).
    public var fileName: String {
        switch self {
        case .bash: return "homeserve.bash"
        case .zsh: return "_homeserve"
        case .fish: return "homeserve.fish"
        }
    }
}

public enum Completions {
    public static func script(for shell: Shell, table: CommandTable) -> String {
        let model = CompletionModel(table: table)
        switch shell {
        case .bash: return BashCompletion(model: model).script
        case .zsh: return ZshCompletion(model: model).script
        case .fish: return FishCompletion(model: model).script
        }
    }
}

/// The command table as a completion script needs it.
struct CompletionModel {
    /// How a flag's or an argument's value completes.
    enum Values: Equatable {
        /// A switch with no `--no-` form: the next word is not its value.
        case none
        /// A switch that `--no-NAME` turns off again.
        case negatableSwitch
        /// One word from a list (closed, or an open list's examples).
        case words([String])
        /// Words from a closed list, several in one value separated by commas (`pending,confirmed`).
        case commaList([String])
        case files
        /// Files after a leading `@` (inline JSON and `-` have nothing to complete).
        case payload
        /// Profile names, read from settings.json and credentials.json when the user presses Tab.
        case profiles
        /// A value with nothing to offer (text, ids, numbers, dates).
        case free

        /// The one-line form the scripts' data functions return: a keyword, then any words.
        var encoded: String {
            switch self {
            case .none: return "none"
            case .negatableSwitch: return "switch"
            case let .words(values): return (["choice"] + values).joined(separator: " ")
            case let .commaList(values): return (["list"] + values).joined(separator: " ")
            case .files: return "file"
            case .payload: return "payload"
            case .profiles: return "profile"
            case .free: return "text"
            }
        }
    }

    struct Child {
        var word: String
        var summary: String
    }

    struct FlagEntry {
        var names: [String]      // "--status", and "-o" when the flag has a short name
        var long: String
        var help: String
        var values: Values
        /// Offered again after it was given (`ListFlag`s).
        var repeatable: Bool

        /// What the scripts' flag lookup returns: the long name (so `-o` and `--output` count as one flag
        /// given), `many` or `once`, then how the value completes.
        var record: String { [long, repeatable ? "many" : "once", values.encoded].joined(separator: " ") }
    }

    let table: CommandTable
    /// Every path that has children, in table order, starting with the root `[]`.
    let groupPaths: [[String]]
    let commands: [Command]
    let globalFlags: [FlagEntry]
    let topics: [Child]

    init(table: CommandTable) {
        self.table = table
        var paths: [[String]] = [[]]
        for command in table.commands {
            for length in 1..<max(command.path.count, 1) {
                let prefix = Array(command.path.prefix(length))
                if !paths.contains(prefix) { paths.append(prefix) }
            }
        }
        groupPaths = paths
        commands = table.commands
        globalFlags = table.globalFlags.map { Self.entry($0, global: true) }
        topics = Topics.all.map { Child(word: $0.name, summary: $0.title) }
    }

    func children(of path: [String]) -> [Child] {
        table.children(of: path).map { word in Child(word: word, summary: summary(of: path + [word])) }
    }

    /// A group's summary, else the command's; a path with neither gets its own words.
    func summary(of path: [String]) -> String {
        table.group(path)?.summary ?? table.command(at: path)?.summary ?? path.joined(separator: " ")
    }

    func flags(of command: Command) -> [FlagEntry] { command.flags.map { Self.entry($0, global: false) } }

    static func entry(_ flag: FlagSpec, global: Bool) -> FlagEntry {
        var names = ["--" + flag.name]
        if let short = flag.short { names.append("-" + String(short)) }
        let values: Values
        if flag.isSwitch {
            values = flag.negatable ? .negatableSwitch : .none
        } else if flag.splitsOnCommas, let choices = flag.shape.choices {
            values = .commaList(choices)
        } else {
            values = Self.values(flag.shape)
        }
        return FlagEntry(names: names, long: "--" + flag.name, help: flag.help, values: values, repeatable: flag.repeatable)
    }

    static func values(_ shape: ValueShape) -> Values {
        switch shape.completion {
        case .none: return .none
        case let .words(values): return .words(values)
        case .files: return .files
        case .payload: return .payload
        case .profiles: return .profiles
        case .free: return .free
        }
    }

    /// Positional arguments by index.
    func arguments(of command: Command) -> [Values] {
        command.arguments.map { Self.values($0.shape) }
    }

    /// The pseudo-command the parser understands before any group: `homeserve help <group|topic>`.
    static let helpWord = Child(word: "help", summary: "Help on a group, a command or a topic")

    /// The default profile is valid even before settings.json names it.
    var defaultProfile: String { "default" }

    /// How a `--no-NAME` is described where the shell shows descriptions.
    static func negationHelp(_ long: String) -> String { "Turn \(long) off" }

    func header(_ shell: Shell) -> String {
        """
        # \(shell.rawValue) completion for homeserve
        # Generated from the homeserve command table by 'homeserve completion \(shell.rawValue)' (scripts/generate).
        # Do not edit: change the table and regenerate.
        """
    }
}

/// Quoting for generated shell source.
enum ShellQuote {
    /// POSIX single quotes, for bash and zsh.
    static func sh(_ text: String) -> String {
        "'" + text.replacing("'", with: #"'\''"#) + "'"
    }

    /// fish single quotes: only backslash and quote are special.
    static func fish(_ text: String) -> String {
        "'" + text.replacing(#"\"#, with: #"\\"#).replacing("'", with: #"\'"#) + "'"
    }
}
