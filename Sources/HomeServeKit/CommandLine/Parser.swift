#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The values a command received, already validated against its flag kinds.
public struct ParsedValues {
    public var flags: [String: [String]] = [:]
    public var arguments: [String] = []

    public init(flags: [String: [String]] = [:], arguments: [String] = []) {
        self.flags = flags
        self.arguments = arguments
    }

    public func string(_ name: String) -> String? { flags[name]?.last }
    public func strings(_ name: String) -> [String] { flags[name] ?? [] }
    public func int(_ name: String) -> Int? { string(name).flatMap { Int($0) } }
    public func has(_ name: String) -> Bool { flags[name] != nil }
    public func bool(_ name: String) -> Bool { string(name) == "true" }
    public func argument(_ index: Int) -> String? { arguments.indices.contains(index) ? arguments[index] : nil }
}

public enum ParseOutcome {
    case run(Command, ParsedValues, global: ParsedValues)
    case help(path: [String], global: ParsedValues)
    case version(global: ParsedValues)
}

/// GNU-style parsing driven by the command table: `--flag value`, `--flag=value`, `-o json`, `-ojson`,
/// `--` ends options, repeatable flags collect lists, `--no-FLAG` turns a boolean off, and global
/// options are accepted before or after the command.
public struct Parser {
    public let table: CommandTable
    /// Reads standard input for `-` payloads; injectable so tests need no real stdin.
    public var readStdin: () -> [UInt8]

    public init(table: CommandTable, readStdin: @escaping () -> [UInt8] = StandardInput.readAll) {
        self.table = table
        self.readStdin = readStdin
    }

    public func parse(_ args: [String]) throws -> ParseOutcome {
        var path: [String] = []
        var command: Command?
        var local = ParsedValues()
        var global = ParsedValues()
        var wantsHelp = false
        var wantsVersion = false
        var optionsEnded = false
        var index = 0

        func lookup(long name: String) -> (Flag, isGlobal: Bool)? {
            if let flag = command?.flag(named: name) { return (flag, false) }
            if let flag = table.globalFlags.first(where: { $0.name == name }) { return (flag, true) }
            return nil
        }
        func lookup(short: Character) -> (Flag, isGlobal: Bool)? {
            if let flag = command?.flags.first(where: { $0.short == short }) { return (flag, false) }
            if let flag = table.globalFlags.first(where: { $0.short == short }) { return (flag, true) }
            return nil
        }
        func store(_ flag: Flag, _ value: String, isGlobal: Bool, spelled: String) throws {
            let normalized = try validate(value, as: flag.kind, what: spelled)
            if isGlobal {
                global.flags[flag.name] = (flag.repeatable ? global.strings(flag.name) : []) + [normalized]
            } else {
                local.flags[flag.name] = (flag.repeatable ? local.strings(flag.name) : []) + [normalized]
            }
        }
        func scope() -> String { path.isEmpty ? "homeserve" : "'\(path.joined(separator: " "))'" }
        func unknownFlag(_ spelled: String) -> CLIError {
            let candidates = (command?.flags ?? []).map { "--" + $0.name } + table.globalFlags.map { "--" + $0.name }
            let hint = Suggestions.nearest(to: spelled, in: candidates).map { "; did you mean \($0)?" } ?? ""
            return .usage("unknown flag \(spelled) for \(scope())\(hint) (see 'homeserve \(path.joined(separator: " ") + (path.isEmpty ? "" : " "))--help')")
        }

        while index < args.count {
            let token = args[index]
            index += 1
            if !optionsEnded && token == "--" { optionsEnded = true; continue }
            if !optionsEnded && token.hasPrefix("--") {
                let body = String(token.dropFirst(2))
                let (name, inline): (String, String?) = {
                    if let eq = body.firstIndex(of: "=") { return (String(body[..<eq]), String(body[body.index(after: eq)...])) }
                    return (body, nil)
                }()
                if name == "help" { wantsHelp = true; continue }
                if name == "version" { wantsVersion = true; continue }
                if let (flag, isGlobal) = lookup(long: name) {
                    if flag.takesValue {
                        let value: String
                        if let inline { value = inline } else {
                            guard index < args.count else { throw CLIError.usage("flag --\(name) needs a value: \(flag.kind.accepted)") }
                            value = args[index]
                            index += 1
                        }
                        try store(flag, value, isGlobal: isGlobal, spelled: "--\(name)")
                    } else {
                        let value = inline ?? "true"
                        guard value == "true" || value == "false" else {
                            throw CLIError.usage("flag --\(name) takes no value, got '\(value)' (use --\(name) or --no-\(name))")
                        }
                        try store(flag, value, isGlobal: isGlobal, spelled: "--\(name)")
                    }
                    continue
                }
                if name.hasPrefix("no-"), inline == nil, let (flag, isGlobal) = lookup(long: String(name.dropFirst(3))), !flag.takesValue {
                    try store(flag, "false", isGlobal: isGlobal, spelled: token)
                    continue
                }
                throw unknownFlag("--" + name)
            }
            if !optionsEnded && token.hasPrefix("-") && token.count > 1 {
                let letter = token[token.index(after: token.startIndex)]
                if letter == "h" && token.count == 2 { wantsHelp = true; continue }
                guard let (flag, isGlobal) = lookup(short: letter) else { throw unknownFlag("-" + String(letter)) }
                let rest = String(token.dropFirst(2))
                if flag.takesValue {
                    let value: String
                    if !rest.isEmpty { value = rest.hasPrefix("=") ? String(rest.dropFirst()) : rest } else {
                        guard index < args.count else { throw CLIError.usage("flag -\(letter) needs a value: \(flag.kind.accepted)") }
                        value = args[index]
                        index += 1
                    }
                    try store(flag, value, isGlobal: isGlobal, spelled: "-\(letter)")
                } else {
                    try store(flag, "true", isGlobal: isGlobal, spelled: "-\(letter)")
                    // Bundled boolean short flags: `-vq`.
                    for extra in rest {
                        guard let (next, nextGlobal) = lookup(short: extra), !next.takesValue else { throw unknownFlag("-" + String(extra)) }
                        try store(next, "true", isGlobal: nextGlobal, spelled: "-\(extra)")
                    }
                }
                continue
            }
            // A word: either it extends the command path, or it is a positional argument.
            if command == nil || (!optionsEnded && local.arguments.isEmpty && table.isPrefix(path + [token])) {
                if path.isEmpty && token == "help" && command == nil {
                    return .help(path: Array(args[index...]).filter { !$0.hasPrefix("-") }, global: global)
                }
                let candidate = path + [token]
                if table.isPrefix(candidate) {
                    path = candidate
                    if let found = table.command(at: path) {
                        // `admin history --user u export`: flags met before a deeper word must belong to the
                        // deeper command too, or the line is refused rather than silently losing them.
                        if let stray = local.flags.keys.sorted().first(where: { found.flag(named: $0) == nil }) {
                            throw CLIError.usage("flag --\(stray) does not apply to '\(found.name)'; put it after the full command (see 'homeserve \(found.name) --help')")
                        }
                        command = found
                    }
                    continue
                }
                if command == nil {
                    let options = table.children(of: path)
                    let hint = Suggestions.nearest(to: token, in: options).map { "; did you mean '\((path + [$0]).joined(separator: " "))'?" } ?? ""
                    let place = path.isEmpty ? "" : " " + path.joined(separator: " ")
                    throw CLIError.usage("unknown command '\(token)' for 'homeserve\(place)'\(hint) (see 'homeserve\(place) --help')")
                }
            }
            local.arguments.append(token)
        }

        if wantsVersion && command == nil { return .version(global: global) }
        guard let command, !wantsHelp else { return .help(path: path, global: global) }
        try complete(&local, for: command)
        return .run(command, local, global: global)
    }

    /// Positional checks, required flags and defaults, once the whole line is read.
    private func complete(_ values: inout ParsedValues, for command: Command) throws {
        let required = command.arguments.filter { !$0.optional }.count
        let variadic = command.arguments.last?.variadic == true
        if values.arguments.count < required {
            let missing = command.arguments[values.arguments.count]
            throw CLIError.usage("'\(command.name)' needs \(missing.name) (\(missing.help)); usage: \(command.usage)")
        }
        if !variadic && values.arguments.count > command.arguments.count {
            let extra = values.arguments[command.arguments.count]
            throw CLIError.usage("unexpected argument '\(extra)' for '\(command.name)'; usage: \(command.usage)")
        }
        for (i, value) in values.arguments.enumerated() {
            let spec = command.arguments[min(i, command.arguments.count - 1)]
            values.arguments[i] = try validate(value, as: spec.kind, what: spec.name)
        }
        for flag in command.flags {
            if values.flags[flag.name] == nil {
                if flag.required { throw CLIError.usage("'\(command.name)' needs --\(flag.name) \(flag.valuePlaceholder) (\(flag.kind.accepted))") }
                if let value = flag.defaultValue { values.flags[flag.name] = [value] }
            }
        }
    }

    /// Checks one value against its kind and returns it in the form sent to the server.
    public func validate(_ value: String, as kind: ValueKind, what: String) throws -> String {
        func reject(_ extra: String = "") -> CLIError {
            CLIError.usage("invalid value '\(value)' for \(what): expected \(kind.accepted)\(extra)")
        }
        switch kind {
        case .flag, .string: return value
        case let .integer(range):
            guard let n = Int(value.trimmingCharacters(in: " ")), range.contains(n) else { throw reject() }
            return String(n)
        case .decimal:
            let parts = value.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            guard (1...12).contains(parts[0].count), parts.count == 1 || !parts[1].isEmpty,
                  parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { throw reject() }
            return value
        case let .choice(values):
            guard values.contains(value) else {
                let hint = Suggestions.nearest(to: value, in: values).map { " (did you mean '\($0)'?)" } ?? ""
                throw reject(hint)
            }
            return value
        case .date:
            guard DateText.isDate(value) else { throw reject() }
            return value
        case .dateTime:
            guard DateText.isDateTime(value) else { throw reject() }
            return value
        case .pincode:
            guard (6...10).contains(value.count), value.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw reject() }
            return value
        case .file:
            guard FileFacts.isReadableFile(value) else {
                throw CLIError.usage("invalid value '\(value)' for \(what): \(FileFacts.problem(value))")
            }
            return value
        case .payload:
            let text: String
            if value == "-" {
                text = String(decoding: readStdin(), as: UTF8.self)
            } else if value.hasPrefix("@") {
                let file = String(value.dropFirst())
                guard let bytes = FileFacts.read(file) else {
                    throw CLIError.usage("invalid value '\(value)' for \(what): \(FileFacts.problem(file))")
                }
                text = String(decoding: bytes, as: UTF8.self)
            } else {
                text = value
            }
            do { return try JSON.parse(text).serialized() } catch {
                throw CLIError.usage("invalid value '\(value.count > 60 ? String(value.prefix(57)) + "..." : value)' for \(what): not valid JSON (\(error))")
            }
        case .keyValue:
            guard let eq = value.firstIndex(of: "="), eq != value.startIndex else { throw reject() }
            return value
        case .identifier:
            guard !value.isEmpty, value.count <= 64, value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { throw reject() }
            return value
        case .url:
            guard (value.hasPrefix("http://") || value.hasPrefix("https://")), value.count > 8, !value.contains(" ") else { throw reject() }
            return value.hasSuffix("/") ? String(value.dropLast()) : value
        }
    }
}
