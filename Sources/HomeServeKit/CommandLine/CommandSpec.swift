/// The command table's vocabulary. Every command is plain data that the parser, `--help`,
/// typo suggestions, completions and the man page all read; `run` is the only code in it.

public enum ValueKind: Equatable {
    case flag
    case string
    case integer(ClosedRange<Int>)
    case decimal
    case choice([String])
    case date
    case dateTime
    case pincode
    case file
    case payload
    case keyValue
    case url
    /// A resource id in a URL path: letters, digits, '-' and '_' (UUIDs and integers).
    case identifier

    /// The placeholder shown in help and the man page.
    var placeholder: String {
        switch self {
        case .flag: return ""
        case .string: return "TEXT"
        case .integer: return "N"
        case .decimal: return "AMOUNT"
        case .choice: return "CHOICE"
        case .date: return "DATE"
        case .dateTime: return "DATETIME"
        case .pincode: return "PINCODE"
        case .file: return "FILE"
        case .payload: return "JSON|@FILE|-"
        case .keyValue: return "KEY=VALUE"
        case .url: return "URL"
        case .identifier: return "ID"
        }
    }

    /// What the value accepts, in words, for errors and help.
    var accepted: String {
        switch self {
        case .flag: return "no value"
        case .string: return "any text"
        case let .integer(range):
            return range.upperBound == Int.max ? "an integer ≥ \(range.lowerBound)" : "an integer from \(range.lowerBound) to \(range.upperBound)"
        case .decimal: return "a decimal number ≥ 0 with at most 12 digits before the point, e.g. 549.00"
        case let .choice(values): return "one of: " + values.joined(separator: ", ")
        case .date: return "a date YYYY-MM-DD"
        case .dateTime: return "an ISO-8601 date-time, e.g. 2026-12-01T10:00:00Z or 2026-12-01T10:00+05:30"
        case .pincode: return "6 to 10 digits"
        case .file: return "an existing readable file"
        case .payload: return "inline JSON, @FILE, or - for stdin"
        case .keyValue: return "KEY=VALUE"
        case .url: return "an http:// or https:// URL"
        case .identifier: return "an id made of letters, digits, '-' and '_'"
        }
    }
}

public struct Flag {
    public var name: String
    public var short: Character?
    public var kind: ValueKind
    public var help: String
    public var defaultValue: String?
    public var required: Bool
    public var repeatable: Bool
    public var placeholder: String?

    public init(_ name: String, short: Character? = nil, _ kind: ValueKind, _ help: String,
                default defaultValue: String? = nil, required: Bool = false, repeatable: Bool = false,
                placeholder: String? = nil) {
        self.name = name
        self.short = short
        self.kind = kind
        self.help = help
        self.defaultValue = defaultValue
        self.required = required
        self.repeatable = repeatable
        self.placeholder = placeholder
    }

    public var takesValue: Bool { kind != .flag }
    var valuePlaceholder: String { placeholder ?? kind.placeholder }

    /// `--status S` or `-o, --output FORMAT`, as help and the man page show it.
    var synopsis: String {
        var s = short.map { "-\($0), " } ?? ""
        s += "--\(name)"
        if takesValue { s += " \(valuePlaceholder)" }
        return s
    }
}

public struct Argument {
    public var name: String
    public var kind: ValueKind
    public var help: String
    public var optional: Bool
    public var variadic: Bool

    public init(_ name: String, _ kind: ValueKind = .string, _ help: String, optional: Bool = false, variadic: Bool = false) {
        self.name = name
        self.kind = kind
        self.help = help
        self.optional = optional
        self.variadic = variadic
    }

    var synopsis: String {
        let core = name + (variadic ? "…" : "")
        return optional ? "[\(core)]" : core
    }
}

public struct Example {
    public var command: String
    public var explanation: String
    public init(_ command: String, _ explanation: String) {
        self.command = command
        self.explanation = explanation
    }
}

public struct Command {
    public var path: [String]
    public var summary: String
    public var discussion: String
    public var flags: [Flag]
    public var arguments: [Argument]
    public var examples: [Example]
    /// Commands that send no request: they work on local files (settings, credentials) only.
    public var offline: Bool
    public var run: (Invocation) throws -> Void

    public init(_ path: String, summary: String, discussion: String = "", flags: [Flag] = [],
                arguments: [Argument] = [], examples: [Example], offline: Bool = false,
                run: @escaping (Invocation) throws -> Void) {
        self.path = path.split(separator: " ").map(String.init)
        self.summary = summary
        self.discussion = discussion
        self.flags = flags
        self.arguments = arguments
        self.examples = examples
        self.offline = offline
        self.run = run
    }

    public var name: String { path.joined(separator: " ") }

    func flag(named name: String) -> Flag? { flags.first { $0.name == name } }

    var usage: String {
        var parts = ["homeserve", name]
        for flag in flags where flag.required {
            parts.append("--\(flag.name)" + (flag.takesValue ? " \(flag.valuePlaceholder)" : ""))
        }
        if flags.contains(where: { !$0.required }) { parts.append("[options]") }
        parts += arguments.map(\.synopsis)
        return parts.joined(separator: " ")
    }
}

/// A group of commands (`bookings`, `admin cache`) as help lists it.
public struct Group {
    public var name: String
    public var summary: String
    public var area: String
}
