/// The command table's vocabulary. Every command is plain data that the parser, `--help`, typo
/// suggestions, completions and the man page all read; `run` is the only code in it.
public struct Example: Sendable {
    public var command: String
    public var explanation: String

    public init(_ command: String, _ explanation: String) {
        self.command = command
        self.explanation = explanation
    }
}

public struct Command: Sendable {
    /// What a command touches, for help and for what is set up before it runs.
    public enum Reach: Sendable {
        /// Sends requests to the server.
        case remote
        /// Reads and writes local files only (settings, credentials).
        case offline
        /// Needs neither files nor the network (completion scripts, the man page).
        case local
    }

    public let path: [String]
    public let summary: String
    public let discussion: String
    public let flags: [FlagSpec]
    public let arguments: [ArgumentSpec]
    public let examples: [Example]
    public let reach: Reach
    /// False for commands whose output is not data (scripts, the man page, a token): the output format is
    /// then never resolved, so a bad `output` setting cannot stop `config set output` from repairing it.
    public let printsData: Bool
    /// Whether `--fields`, `--sort-by` and `--jq` apply: to what a data command prints, and to `api`, which
    /// settles its output itself. Given to another command they are noted as having no effect.
    public let shapesOutput: Bool
    public let run: @Sendable (Invocation) throws -> CommandOutput

    public init(_ path: String, summary: String, discussion: String = "", flags: [any FlagDeclaration] = [],
                arguments: [any ArgumentDeclaration] = [], examples: [Example], reach: Reach = .remote, printsData: Bool = true,
                shapesOutput: Bool? = nil, run: @escaping @Sendable (Invocation) throws -> CommandOutput) {
        self.path = path.split(separator: " ").map(String.init)
        self.summary = summary
        self.discussion = discussion
        self.flags = flags.map(\.spec)
        self.arguments = arguments.map(\.spec)
        self.examples = examples
        self.reach = reach
        self.printsData = printsData
        self.shapesOutput = shapesOutput ?? printsData
        self.run = run
    }

    public var name: String { path.spelled(" ") }

    func flag(named name: String) -> FlagSpec? { flags.first { $0.name == name } }

    public var usage: String {
        var parts = ["homeserve", name]
        for flag in flags where flag.required {
            parts.append("--\(flag.name)" + (flag.takesValue ? " \(flag.placeholder)" : ""))
        }
        if flags.contains(where: { !$0.required }) { parts.append("[options]") }
        parts += arguments.map(\.name)
        return parts.joined(separator: " ")
    }

    /// Lists follow the one paging contract (`--page`, `--page-size`, `--limit`, `--all`).
    public var isList: Bool { flags.contains { $0.name == "all" } && flags.contains { $0.name == "page-size" } }
}

/// A group of commands (`bookings`, `admin cache`) as help lists it.
public struct Group: Sendable {
    public var name: String
    public var summary: String
    public var area: String
}
