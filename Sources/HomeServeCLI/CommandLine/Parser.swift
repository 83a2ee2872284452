import HomeServeCore

/// One flag as typed, before its value is converted.
struct GivenFlag {
    let spec: FlagSpec
    /// As the user spelled it (`-o`, `--output`), for errors.
    let spelled: String
    let text: String
}

/// A command line split by the table, values still text: conversion waits until the global options
/// (the profile, hence its time zone) are known.
struct ParsedLine {
    let command: Command
    var flags: [GivenFlag] = []
    var globals: [GivenFlag] = []
    var arguments: [String] = []
}

enum ParseOutcome {
    case run(ParsedLine)
    case help(path: [String])
    case version
}

/// Typed values, read back through the declarations: `inv[service]` is an `Int`.
struct ParsedValues {
    var flags: [String: [any Sendable]] = [:]
    var arguments: [any Sendable] = []
    /// The flags the user gave (not defaulted), for settings' sources and `--no-headers`-like checks.
    var given: Set<String> = []

    func value(_ name: String) -> (any Sendable)? { flags[name]?.last }
}

/// GNU-style parsing driven by the command table: `--flag value`, `--flag=value`, `-o json`, `-ojson`,
/// `--` ends options, repeatable flags collect lists, `--no-FLAG` turns a switch off, and global
/// options are accepted before or after the command.
struct Parser {
    let table: CommandTable

    func parse(_ args: [String]) throws(CLIError) -> ParseOutcome {
        var path: [String] = []
        var command: Command?
        var local: [GivenFlag] = []
        var global: [GivenFlag] = []
        var arguments: [String] = []
        var wantsHelp = false
        var wantsVersion = false
        var optionsEnded = false
        var index = 0

        func lookup(long name: String) -> (FlagSpec, isGlobal: Bool)? {
            if let flag = command?.flag(named: name) { return (flag, false) }
            if let flag = table.globalFlags.first(where: { $0.name == name }) { return (flag, true) }
            return nil
        }
        func lookup(short: Character) -> (FlagSpec, isGlobal: Bool)? {
            if let flag = command?.flags.first(where: { $0.short == short }) { return (flag, false) }
            if let flag = table.globalFlags.first(where: { $0.short == short }) { return (flag, true) }
            return nil
        }
        func store(_ flag: FlagSpec, _ value: String, isGlobal: Bool, spelled: String) {
            let given = GivenFlag(spec: flag, spelled: spelled, text: value)
            if isGlobal { global.append(given) } else { local.append(given) }
        }
        /// The word after a flag that needs a value, unless it is itself a flag: `--notes --dry-run` or
        /// `--notes -vq` is a value forgotten, not notes sent for real (`--notes=--dry-run` still says that).
        func valueAfter(_ spelled: String, _ flag: FlagSpec) throws(CLIError) -> String {
            guard index < args.count else { throw CLIError.usage("flag \(spelled) needs a value: \(flag.shape.accepted)") }
            let word = args[index]
            if isFlag(word) {
                throw CLIError.usage("flag \(spelled) needs a value, but the next word is the flag \(word) (for that text, write \(spelled)=\(word))")
            }
            index += 1
            return word
        }
        func isFlag(_ word: String) -> Bool {
            if word.hasPrefix("--") {
                let name = String(word.dropFirst(2).prefix { $0 != "=" })
                if ["help", "version"].contains(name) || lookup(long: name) != nil { return true }
                return name.hasPrefix("no-") && lookup(long: String(name.dropFirst(3)))?.0.negatable == true
            }
            guard word.count >= 2, word.hasPrefix("-") else { return false }
            let letters = word.dropFirst()
            if letters.count == 1, let letter = letters.first { return letter == "h" || lookup(short: letter) != nil }
            // Bundled switches (`-vq`), maybe ending in a flag and its value (`-qojson`); a longer word led by a
            // flag that takes a value (`-only after 5`) is text.
            for (position, letter) in letters.enumerated() where letter != "h" {
                guard let flag = lookup(short: letter)?.0 else { return false }
                if flag.takesValue { return position > 0 }
            }
            return true
        }
        /// A flag word whose value is the next word: `--output json`, `-o json`, `-qo json`.
        func takesNextWord(_ word: String) -> Bool {
            if word.hasPrefix("--") { return !word.contains("=") && lookup(long: String(word.dropFirst(2)))?.0.takesValue == true }
            let letters = Array(word.dropFirst())
            guard let position = letters.firstIndex(where: { lookup(short: $0)?.0.takesValue == true }) else { return false }
            return position == letters.count - 1
        }
        func scope() -> String { path.isEmpty ? "homeserve" : "'\(path.joined(separator: " "))'" }
        /// A long flag given one dash (`-output json`, `-version`), as Go's and Java's tools take them: said as
        /// such, not as the unknown letter or stray word its letters would make.
        func refuseOneDashLong(_ word: String) throws(CLIError) {
            guard !word.hasPrefix("--") else { return }
            let long = String(word.dropFirst().prefix { $0 != "=" })
            if long.count > 1, ["help", "version"].contains(long) || lookup(long: long) != nil {
                throw CLIError.usage("unknown flag -\(long) for \(scope()); did you mean --\(long)? (long flags take two dashes)")
            }
        }
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
                if name == "help" || name == "version", let inline {
                    throw CLIError.usage("flag --\(name) takes no value, got '\(ParsedLine.shown(inline))'")
                }
                if name == "help" { wantsHelp = true; continue }
                if name == "version" { wantsVersion = true; continue }
                if let (flag, isGlobal) = lookup(long: name) {
                    if flag.takesValue {
                        let value: String
                        if let inline { value = inline } else { value = try valueAfter("--\(name)", flag) }
                        store(flag, value, isGlobal: isGlobal, spelled: "--\(name)")
                    } else {
                        let value = inline ?? "true"
                        guard value == "true" || value == "false" else {
                            let off = flag.negatable ? ", --no-\(name)" : ""
                            throw CLIError.usage("flag --\(name) is a switch: give it alone, or as --\(name)=true or --\(name)=false\(off); got '\(ParsedLine.shown(value))'")
                        }
                        store(flag, value, isGlobal: isGlobal, spelled: "--\(name)")
                    }
                    continue
                }
                if name.hasPrefix("no-"), let (flag, isGlobal) = lookup(long: String(name.dropFirst(3))), flag.negatable {
                    if let inline { throw CLIError.usage("flag --\(name) takes no value, got '\(ParsedLine.shown(inline))'") }
                    store(flag, "false", isGlobal: isGlobal, spelled: token)
                    continue
                }
                throw unknownFlag("--" + name)
            }
            if !optionsEnded && token.hasPrefix("-") && token.count > 1 {
                // As getopt reads them: switches bundled (`-vq`; an `h` among them asks for help, as alone), the
                // last letter maybe a flag taking a value, which is the rest of the word (`-qojson`, `-o=json`)
                // or the next word (`-qo json`).
                let letters = Array(token.dropFirst())
                try refuseOneDashLong(token)
                for (position, letter) in letters.enumerated() {
                    if letter == "h" { wantsHelp = true; continue }
                    guard let (flag, isGlobal) = lookup(short: letter) else { throw unknownFlag("-" + String(letter)) }
                    guard flag.takesValue else {
                        store(flag, "true", isGlobal: isGlobal, spelled: "-\(letter)")
                        continue
                    }
                    let rest = String(letters[(position + 1)...])
                    let value = rest.isEmpty ? try valueAfter("-\(letter)", flag) : rest.hasPrefix("=") ? String(rest.dropFirst()) : rest
                    store(flag, value, isGlobal: isGlobal, spelled: "-\(letter)")
                    break
                }
                continue
            }
            // A word: either it extends the command path, or it is a positional argument.
            if command == nil || (!optionsEnded && arguments.isEmpty && table.isPrefix(path + [token])) {
                if path.isEmpty && token == "help" && command == nil {
                    // The words after `help`, less its flags and their values (`help -o json bookings`).
                    var rest: [String] = []
                    // Flags given before `help` are held to their values too (`-o xml help` is exit 2).
                    for given in global { try given.checkChoices() }
                    // The command asked about, so its own flags are known too (`help bookings list --status pending`).
                    var named: [String] = []
                    var scan = args[index...].makeIterator()
                    while let word = scan.next() {
                        guard word.hasPrefix("-"), word.count > 1, word != "--" else {
                            if word == "--" { continue }
                            guard table.isPrefix(named + [word]) else { break }
                            named.append(word)
                            continue
                        }
                        // A global flag's value is no word of the path (`help -o json bookings list`).
                        if takesNextWord(word) { _ = scan.next() }
                    }
                    command = table.command(at: named)
                    path = named
                    var words = args[index...].makeIterator()
                    // A closed list's value is checked as it would be for a command (`help -o xml` is exit 2).
                    func check(_ flag: FlagSpec, _ spelled: String, _ value: String?) throws(CLIError) {
                        guard let value else { throw CLIError.usage("flag \(spelled) needs a value: \(flag.shape.accepted)") }
                        try GivenFlag(spec: flag, spelled: spelled, text: value).checkChoices()
                    }
                    while let word = words.next() {
                        // After `--` every word is one of the path.
                        if word == "--" {
                            while let next = words.next() { rest.append(next) }
                            break
                        }
                        guard word.hasPrefix("-"), word.count > 1 else { rest.append(word); continue }
                        try refuseOneDashLong(word)
                        if word.hasPrefix("--") {
                            guard isFlag(word) else { throw unknownFlag(String(word.prefix { $0 != "=" })) }
                            let name = String(word.dropFirst(2).prefix { $0 != "=" })
                            guard let flag = lookup(long: name)?.0, flag.takesValue else { continue }
                            let inline = word.firstIndex(of: "=").map { String(word[word.index(after: $0)...]) }
                            try check(flag, "--" + name, inline ?? words.next())
                        } else {
                            // As the short flags are read: switches, the last letter maybe taking the rest or the next word.
                            let letters = Array(word.dropFirst())
                            for (position, letter) in letters.enumerated() where letter != "h" {
                                guard let flag = lookup(short: letter)?.0 else { throw unknownFlag("-" + String(letter)) }
                                if flag.takesValue {
                                    let attached = String(letters[(position + 1)...])
                                    let value = attached.isEmpty ? words.next() : attached.hasPrefix("=") ? String(attached.dropFirst()) : attached
                                    try check(flag, "-" + String(letter), value)
                                    break
                                }
                            }
                        }
                    }
                    // `help help` is help itself.
                    return .help(path: rest == ["help"] ? [] : rest)
                }
                let candidate = path + [token]
                if table.isPrefix(candidate) {
                    path = candidate
                    if let found = table.command(at: path) {
                        // `admin history --user u export`: flags met before a deeper word must belong to the
                        // deeper command too, or the line is refused rather than silently losing them.
                        if let stray = local.first(where: { found.flag(named: $0.spec.name) == nil }) {
                            throw CLIError.usage("flag --\(stray.spec.name) does not apply to '\(found.name)'; put it after the full command (see 'homeserve \(found.name) --help')")
                        }
                        local = local.compactMap { given in found.flag(named: given.spec.name).map { GivenFlag(spec: $0, spelled: given.spelled, text: given.text) } }
                        command = found
                    }
                    continue
                }
                if command == nil {
                    // A flag before the command that took the command's first word as its value (`-o services get
                    // 1`): the flag's value is what is wrong, as it would be said after a known command.
                    let given = global + local
                    for flag in given { try flag.checkChoices() }
                    let options = table.children(of: path)
                    let taken = given.last { table.isPrefix(path + [$0.text]) }
                    let meant = table.meant(by: token, after: path, before: args[index...].first)
                        ?? Suggestions.nearest(to: token, in: options).map { (path + [$0]).joined(separator: " ") }
                    let hint = taken.map { "; '\($0.text)' was read as the value of \($0.spelled)" } ?? meant.map { "; did you mean '\($0)'?" } ?? ""
                    let place = path.isEmpty ? "" : " " + path.joined(separator: " ")
                    throw CLIError.usage("unknown command '\(token)' for 'homeserve\(place)'\(hint) (see 'homeserve\(place) --help')")
                }
            }
            arguments.append(token)
        }

        // A version asked for beside a command is not run past: `bookings cancel ID --version` must cancel nothing.
        if wantsVersion, !path.isEmpty, !wantsHelp {
            throw CLIError.usage("flag --version does not go with a command (\(scope())): 'homeserve --version' prints the version; nothing was run")
        }
        if wantsVersion && command == nil { return .version }
        guard let command, !wantsHelp else {
            // Help for a line without a command is printed only where its flags are right (`homeserve -o xml` is
            // exit 2, as with a command); --help asked for wins over any value.
            if !wantsHelp { for given in global + local { try given.checkChoices() } }
            return .help(path: path)
        }
        if arguments.count < command.arguments.count {
            let missing = command.arguments[arguments.count]
            throw CLIError.usage("'\(command.name)' needs \(missing.name) (\(missing.help)); usage: \(command.usage)")
        }
        if arguments.count > command.arguments.count {
            let extra = arguments[command.arguments.count]
            // A command that is also a group (admin history, admin history export): a typo of one below it.
            let below = table.children(of: command.path)
            let hint = arguments.count == command.arguments.count + 1
                ? Suggestions.nearest(to: extra, in: below).map { "; did you mean '\(command.name) \($0)'?" } ?? "" : ""
            throw CLIError.usage("unexpected argument '\(extra)' for '\(command.name)'\(hint); usage: \(command.usage)")
        }
        for flag in command.flags where flag.required && !local.contains(where: { $0.spec.name == flag.name }) {
            throw CLIError.usage("'\(command.name)' needs --\(flag.name) \(flag.placeholder) (\(flag.shape.accepted))")
        }
        return .run(ParsedLine(command: command, flags: local, globals: global, arguments: arguments))
    }
}

extension ValueContext {
    /// For checking a closed list's value, which reads nothing.
    static var inert: ValueContext { ValueContext(readStdin: { [] }, now: { 0 }, utcOffset: { _ in 0 }) }
}

extension GivenFlag {
    /// A value outside a closed choice list is refused as it would be once converted; other values are
    /// checked when converted (they may need the profile, its time zone).
    func checkChoices() throws(CLIError) {
        guard spec.shape.choices != nil else { return }
        var unused = ParsedValues()
        try ParsedLine.add(self, to: &unused, context: .inert)
    }
}

extension ParsedLine {
    /// The raw text of a global flag, last one winning (the profile is needed before anything is converted).
    func globalText(_ name: String) -> String? { globals.last { $0.spec.name == name }?.text }

    func convert(_ context: ValueContext) throws(CLIError) -> (values: ParsedValues, globals: ParsedValues) {
        var values = ParsedValues()
        for given in flags { try Self.add(given, to: &values, context: context) }
        for flag in command.flags where values.flags[flag.name] == nil {
            if let value = flag.defaultValue { values.flags[flag.name] = flag.repeatable ? [] : [value] }
        }
        for (i, text) in arguments.enumerated() {
            let spec = command.arguments[i]
            do { values.arguments.append(try spec.convert(text, context)) } catch {
                throw CLIError.usage("invalid value '\(error.shownAs.map(Self.shown) ?? Self.shown(text))' for \(spec.name): \(error.detail ?? "expected " + spec.shape.accepted)")
            }
        }
        var global = ParsedValues()
        for given in globals { try Self.add(given, to: &global, context: context) }
        return (values, global)
    }

    fileprivate static func add(_ given: GivenFlag, to values: inout ParsedValues, context: ValueContext) throws(CLIError) {
        let spec = given.spec
        // "a,,b" and "" are refused like any other value not on the list: an empty variable in a script
        // must not quietly mean "no filter".
        let pieces = spec.splitsOnCommas ? given.text.split(separator: ",", omittingEmptySubsequences: false).map(String.init) : [given.text]
        for piece in pieces {
            let value: any Sendable
            if piece.isEmpty, pieces.count > 1 {
                throw CLIError.usage("invalid value '\(shown(given.text))' for \(given.spelled): an empty item in the list; expected items separated by single commas, each \(spec.shape.accepted)")
            }
            do { value = try spec.convert(piece, context) } catch {
                throw CLIError.usage("invalid value '\(error.shownAs.map(shown) ?? shown(piece))' for \(given.spelled): \(error.detail ?? "expected " + spec.shape.accepted)")
            }
            values.flags[spec.name] = (spec.repeatable ? values.flags[spec.name] ?? [] : []) + [value]
        }
        values.given.insert(spec.name)
    }

    /// A value as quoted in an error: long ones shortened, control characters made visible.
    static func shown(_ text: String) -> String {
        let visible = quoted(text)
        return visible.count > 60 ? String(visible.prefix(57)) + "..." : visible
    }

    /// A value as quoted whole (a file name in a reason): control characters made visible, and a URL's
    /// credentials never quoted back, whatever the value was for (a PATH given a whole URL, or
    /// `user:password@host/…` without its scheme); an email has no `:` before its `@` and is quoted as given.
    static func quoted(_ text: String) -> String {
        let credentials = text.lastIndex(of: "@").map { text[..<$0].contains(":") || text.hasPrefix("//") } ?? false
        return TerminalText.visible(text.contains("://") || credentials ? WebURL.masked(text) : text)
    }
}
