enum ConfigCommands {
    static let all: [Command] = [list, get, set, unset, path]

    static let keyArgument = Argument("KEY", .choice(Session.settingKeys), "Setting: " + Session.settingKeys.joined(separator: ", "))

    static let list = Command(
        "config list",
        summary: "Show the profile's settings",
        examples: [Example("homeserve --profile staging config list", "See where the staging profile points")],
        offline: true
    ) { inv in
        let stored = try inv.session.settings()[inv.session.profile]
        var pairs: [(String, JSON)] = [("profile", .string(inv.session.profile))]
        for key in Session.settingKeys { pairs.append((key, stored[key] ?? .null)) }
        try inv.show(.object(pairs))
    }

    static let get = Command(
        "config get",
        summary: "Print one setting of the profile",
        arguments: [keyArgument],
        examples: [Example("homeserve config get url", "Which server does this profile use?")],
        offline: true
    ) { inv in
        let key = inv.values.argument(0)!
        guard let value = try inv.session.setting(key) else {
            throw CLIError(.notFound, "\(key) is not set for profile '\(inv.session.profile)'")
        }
        inv.terminal.line(value)
    }

    static let set = Command(
        "config set",
        summary: "Change one setting of the profile",
        discussion: "url must be http(s)://…, ws_url ws(s)://…, output one of: " + GlobalFlags.formats.joined(separator: ", ") + ".",
        arguments: [keyArgument, Argument("VALUE", .string, "New value")],
        examples: [
            Example("homeserve --profile prod config set url https://api.homeserve.example", "Point a profile at a server"),
            Example("homeserve config set output table", "Always print tables for this profile"),
        ],
        offline: true
    ) { inv in
        let key = inv.values.argument(0)!, raw = inv.values.argument(1)!
        let parser = Parser(table: .standard)
        let value: String
        switch key {
        case "url": value = try parser.validate(raw, as: .url, what: "url")
        case "output": value = try parser.validate(raw, as: .choice(GlobalFlags.formats), what: "output")
        default:
            guard (raw.hasPrefix("ws://") || raw.hasPrefix("wss://")) && raw.count > 6 else {
                throw CLIError.usage("invalid value '\(raw)' for ws_url: expected a ws:// or wss:// URL")
            }
            value = raw.hasSuffix("/") ? String(raw.dropLast()) : raw
        }
        if inv.dryRun { return }
        try inv.session.withLock {
            var file = try inv.session.settings()
            file[inv.session.profile] = file[inv.session.profile].setting(key, .string(value))
            try file.save()
        }
        inv.note("Set \(key) = \(value) for profile '\(inv.session.profile)'.")
    }

    static let unset = Command(
        "config unset",
        summary: "Remove one setting of the profile (the default applies again)",
        arguments: [keyArgument],
        examples: [Example("homeserve config unset output", "Back to table on a terminal, json otherwise")],
        offline: true
    ) { inv in
        let key = inv.values.argument(0)!
        if inv.dryRun { return }
        try inv.session.withLock {
            var file = try inv.session.settings()
            file[inv.session.profile] = file[inv.session.profile].removing(key)
            try file.save()
        }
        inv.note("Unset \(key) for profile '\(inv.session.profile)'.")
    }

    static let path = Command(
        "config path",
        summary: "Show where settings, credentials and the lock file live",
        examples: [Example("homeserve config path -o json --fields credentials", "Locate the credentials file")],
        offline: true
    ) { inv in
        let paths = inv.session.paths
        try inv.show(.object([("directory", .string(paths.directory)), ("settings", .string(paths.settings)),
                              ("credentials", .string(paths.credentials)), ("lock", .string(paths.lock))]))
    }
}
