import HomeServeAPI
import HomeServeCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum ConfigCommands {
    static let all: [Command] = [list, profiles, get, set, unset, path]

    /// The settings a profile keeps, and what each accepts.
    static let keys: [(name: String, help: String)] = [
        ("url", "API base URL, http(s)://host[:port][/path]"),
        ("ws_url", "WebSocket base URL, ws(s)://…, when sockets live elsewhere than url"),
        ("output", "Output format on a terminal: " + OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")),
        ("timezone", "IANA time zone for dates such as 'tomorrow', e.g. Asia/Kolkata"),
        ("username", "Username for logging in again unattended"),
        ("password_command", "Command printing the password on its first line (run without a shell)"),
    ]

    /// What `config list` shows beside the settings, and where each comes from instead.
    static let elsewhere: [String: String] = [
        "password": "a password is never stored: give it with --password-stdin or HOMESERVE_PASSWORD, or set password_command to a program that prints it",
        "profile": "the profile is chosen with --profile or HOMESERVE_PROFILE",
        "credentials": "credentials are kept by 'homeserve auth login' and removed by 'homeserve auth logout'",
        "timeout": "timeout is given per command with --timeout",
        "retries": "retries is given per command with --retries",
        "parallel": "parallel is given with --parallel or HOMESERVE_PARALLEL",
        "max_body": "max_body is given with HOMESERVE_MAX_BODY",
        "config_dir": "the config directory is given with HOMESERVE_CONFIG_DIR or XDG_CONFIG_HOME",
    ]

    /// A setting's name; one that `config list` shows but a profile does not keep is said as such.
    static let key = Argument("KEY", ValueKind<String>(ValueKind<String>.choice(keys.map(\.name)).shape) { text, context throws(ValueProblem) in
        if let note = elsewhere[text] { throw ValueProblem("\(note) ('homeserve config list' shows every setting in effect); a profile keeps \(keys.map(\.name).joined(separator: ", "))") }
        return try ValueKind<String>.choice(keys.map(\.name)).convert(text, context)
    }, "Setting: " + keys.map(\.name).joined(separator: ", "))
    static let value = Argument("VALUE", .text, "New value")

    static let list = Command(
        "config list",
        summary: "Show every effective setting with its value and where it comes from",
        discussion: """
        One row per setting: its value and source — flag, env, profile, credentials or default (url for a
        ws_url made from the url). Secrets are never shown: HOMESERVE_PASSWORD appears as 'set'. Works even
        when a setting is invalid (it is then shown as it is, marked '(invalid)', with a warning saying why),
        so it can be inspected and repaired.
        """,
        examples: [
            Example("homeserve --profile staging config list", "Where does the staging profile point, and why?"),
            Example("homeserve config list -o json --jq '.[] | select(.setting == \"url\") | .source'", "Where the URL came from"),
        ],
        reach: .offline
    ) { inv in
        var rows: [JSON] = []
        func row(_ setting: String, _ value: String?, _ source: String) {
            rows.append(.object([("setting", .string(setting)), ("value", value.map(JSON.string) ?? .null), ("source", .string(source))]))
        }
        let env = inv.environment
        func fromEnv(_ name: String) -> String? { env[name].flatMap { $0.isEmpty ? nil : $0 } }
        row("profile", inv.profile.name, inv.given(GlobalFlags.profile) ? "flag" : fromEnv("HOMESERVE_PROFILE") != nil ? "env" : "default")
        let stored = try inv.store.settings()[inv.profile.name]
        // An invalid url is shown as it is (its password masked), with why, so it can be seen and repaired.
        let base: (url: WebURL, source: String)?
        do { base = try inv.baseURL() } catch {
            base = nil
            let (text, source) = fromEnv("HOMESERVE_URL").map { ($0, "env") } ?? (stored["url"]?.stringValue ?? "", "profile")
            inv.warn(inv.describe(error, source: nil).message)
            row("url", WebURL.masked(text) + " (invalid)", source)
        }
        if let base { row("url", base.url.description, base.source) }
        func checked(_ key: String, _ value: String, warned: Bool = false) -> String { shown(inv, key, value, warned: warned) }
        if let ws = stored["ws_url"]?.stringValue, base == nil || base?.source == "profile" || base?.source == "default" {
            row("ws_url", checked("ws_url", WebURL.masked(ws)), "profile")
        } else {
            row("ws_url", base == nil ? nil : try inv.socketBase(warning: false).description, "url")
        }
        if inv.given(GlobalFlags.output), let format = inv[GlobalFlags.output] {
            row("output", format.rawValue, "flag")
        } else if let text = fromEnv("HOMESERVE_OUTPUT") {
            row("output", text, "env")
        } else if let text = stored["output"]?.stringValue {
            row("output", checked("output", text, warned: inv.context.stdout.isTerminal) + (inv.context.stdout.isTerminal ? "" : " (terminals only)"), "profile")
        } else {
            row("output", "table on a terminal, json otherwise", "default")
        }
        if let zone = stored["timezone"]?.stringValue { row("timezone", checked("timezone", zone), "profile") } else if let zone = fromEnv("TZ") { row("timezone", zone, "env") } else { row("timezone", "the system's", "default") }
        if let name = fromEnv("HOMESERVE_USERNAME") { row("username", name, "env") } else if let name = stored["username"]?.stringValue { row("username", checked("username", name), "profile") } else { row("username", nil, "default") }
        row("password", fromEnv("HOMESERVE_PASSWORD") != nil ? "set" : nil, fromEnv("HOMESERVE_PASSWORD") != nil ? "env" : "default")
        row("password_command", stored["password_command"]?.stringValue.map { checked("password_command", $0) }, stored["password_command"] != nil ? "profile" : "default")
        let creds = try inv.store.credentials()
        row("credentials", creds?.source.rawValue ?? "none", creds == nil ? "default" : creds?.source == .file ? "credentials" : "env")
        row("timeout", String(inv[GlobalFlags.timeout]), inv.given(GlobalFlags.timeout) ? "flag" : "default")
        row("retries", String(inv[GlobalFlags.retries]), inv.given(GlobalFlags.retries) ? "flag" : "default")
        var parallel = fromEnv("HOMESERVE_PARALLEL") ?? "6"
        do { _ = try inv.parallelFromEnvironment() } catch {
            inv.warn(inv.describe(error, source: nil).message)
            parallel += " (invalid)"
        }
        row("parallel", parallel, fromEnv("HOMESERVE_PARALLEL") != nil ? "env" : "default")
        row("max_body", fromEnv("HOMESERVE_MAX_BODY") ?? "64M", fromEnv("HOMESERVE_MAX_BODY") != nil ? "env" : "default")
        // A relative XDG_CONFIG_HOME is ignored, as the XDG specification says: the default is then the source.
        let dirSource = fromEnv("HOMESERVE_CONFIG_DIR") != nil || fromEnv("XDG_CONFIG_HOME")?.hasPrefix("/") == true ? "env" : "default"
        row("config_dir", inv.paths.directory, dirSource)
        return .document(.array(rows), .report(["setting", "value", "source"]))
    }

    static let profiles = Command(
        "config profiles",
        summary: "List profiles with their URL, user and session state",
        discussion: """
        session is active (the access token is valid), refreshable (it expired but the refresh token has
        not), expired, ended (the server refused the refresh token: only a login renews it), other_server
        (made with another server than the url shown, so never sent there), or none. Read from the files
        only: no request is sent.
        """,
        examples: [Example("homeserve config profiles", "Which profiles exist, and which are logged in?")],
        reach: .offline
    ) { inv in
        let settings = try inv.store.settings()
        let credentials = try inv.store.storedSessions()
        let names = try inv.store.knownProfiles()
        let now = inv.context.clock.now()
        let rows: [JSON] = names.map { name in
            let entry = credentials[name]
            let access = entry["access"]?.stringValue
            // A profile without a url goes where this one's commands would: HOMESERVE_URL, else the default.
            let unset = (inv.environment["HOMESERVE_URL"]).flatMap { $0.isEmpty ? nil : $0 } ?? Invocation.defaultURL.description
            let url = settings[name]["url"] ?? .string(name == inv.profile.name ? (try? inv.baseURL().url.description) ?? "" : unset)
            let ended = entry[CredentialStore.endedKey]?.stringValue != nil
            let serverTime = now + (entry[CredentialStore.clockOffsetKey]?.doubleValue ?? 0)
            var state = SessionState.of(access: access, refresh: entry["refresh"]?.stringValue, ended: ended, now: serverTime).rawValue
            // A session made with another server than the profile's is never sent where its commands go.
            if access != nil, let made = entry["url"]?.stringValue, let shown = url.stringValue,
               !Credentials.sameServer(made, shown) {
                state = "other_server"
            }
            return .object([
                ("profile", .string(name)),
                ("current", .bool(name == inv.profile.name)),
                // A url stored by hand may hold what no url should (a password, a token in its query).
                ("url", url.stringValue.map { .string(WebURL.masked($0)) } ?? url),
                ("username", entry["user"]?["username"] ?? .null),
                ("role", entry["user"]?["role"] ?? .null),
                ("session", .string(state)),
                ("access_expires_at", access.flatMap(JWT.expiry).map { .string(CivilTime.iso8601($0)) } ?? .null),
            ])
        }
        return .document(.array(rows), .report(["profile", "current", "url", "username", "role", "session", "access_expires_at"]))
    }

    static let get = Command(
        "config get",
        summary: "Print one setting of the profile",
        discussion: "Exits 5 when the setting is not set for the profile.",
        arguments: [key],
        examples: [Example("homeserve config get url", "Which server does this profile use?")],
        reach: .offline,
        printsData: false
    ) { inv in
        let name = inv[key]
        guard let value = try inv.store.setting(name) else {
            throw CLIError(.notFound, "\(name) is not set for profile '\(inv.profile.name)'")
        }
        return .text(value + "\n")
    }

    /// A stored value config set would refuse (edited into the file by hand), as `config list` shows it:
    /// marked, with a warning saying why and how to repair it (unless `warned` already), since commands that
    /// need it refuse it.
    static func shown(_ inv: Invocation, _ key: String, _ value: String, warned: Bool) -> String {
        do {
            _ = try validated(key, value)
            return value
        } catch {
            if !warned { inv.warn("profile '\(inv.profile.name)': \(inv.describe(error, source: nil).message) (fix with '\(inv.homeserve) config set \(key) VALUE')") }
            return value + " (invalid)"
        }
    }

    /// Why a `password_command` cannot be started here (its program is not found), or nil.
    static func unrunnable(_ key: String, _ value: String, _ inv: Invocation) -> String? {
        key == "password_command" ? PasswordCommand.missingProgram(value, path: inv.environment["PATH"]) : nil
    }

    /// Checks a value for its key; returns it as stored.
    static func validated(_ name: String, _ text: String) throws -> String {
        func refuse(_ expected: String) -> CLIError {
            // A URL's query and fragment may hold secrets; other settings' `?` and `#` are their own.
            CLIError.usage("invalid value '\(TerminalText.visible(name.hasSuffix("url") ? WebURL.masked(text) : text))' for \(name): expected \(expected)")
        }
        guard !text.isBlank else { throw refuse("a value ('homeserve config unset \(name)' removes the setting)") }
        switch name {
        case "url":
            switch WebURL.parse(text) {
            case let .success(url): return url.description
            case let .failure(problem): throw refuse("an http:// or https:// URL; it \(problem.reason)")
            }
        case "ws_url":
            switch WebURL.parse(text, schemes: WebURL.socketSchemes) {
            case let .success(url): return url.description
            case let .failure(problem): throw refuse("a ws:// or wss:// URL; it \(problem.reason)")
            }
        case "output":
            guard OutputFormat(rawValue: text) != nil else {
                throw CLIError.usage("invalid value '\(TerminalText.visible(text))' for output: \(OutputFormat.expected(text))")
            }
        case "timezone":
            let known = FileFacts.isDirectory("/usr/share/zoneinfo") ? FileFacts.isReadableFile("/usr/share/zoneinfo/" + text) : true
            guard !text.contains(".."), !text.hasPrefix("/"), text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "/_+-".contains($0)) }), known else {
                throw refuse("an IANA time zone name such as Asia/Kolkata or UTC")
            }
        default:
            guard !text.unicodeScalars.contains(where: TerminalText.isControl) else { throw refuse("text without control characters") }
            if name == "password_command", let problem = PasswordCommand.problem(text) {
                throw refuse("a command and its arguments, run without a shell; it has \(problem)")
            }
        }
        return text
    }

    static let set = Command(
        "config set",
        summary: "Change one setting of the profile (an unknown profile is created)",
        discussion: """
        url must be http(s)://host[:port][/path] and ws_url ws(s)://…, parsed strictly (no spaces, control
        characters, credentials or query); output one of \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", "));
        timezone an IANA name. password_command is run without a shell when a session must be renewed
        unattended; the first line of its stdout is the password.
        """,
        arguments: [key, value],
        examples: [
            Example("homeserve --profile prod config set url https://api.homeserve.example", "Point a profile at a server"),
            Example("homeserve config set output table", "Print tables on a terminal for this profile (pipes still get JSON)"),
            Example("homeserve --profile cron config set password_command 'pass show homeserve/cron'", "Renew a cron job's session from a password manager"),
        ],
        reach: .offline,
        printsData: false
    ) { inv in
        let name = inv[key]
        let stored = try validated(name, inv[value])
        if let missing = unrunnable(name, stored, inv) { inv.warn("\(missing): the command is set, and runs only where its program is found") }
        if inv.dryRun { return inv.dryRun(wouldHave: "set \(name) = \(stored) for profile '\(inv.profile.name)'") }
        try inv.store.updateSettings { $0 = $0.setting(name, .string(stored)) }
        inv.note("Set \(name) = \(stored) for profile '\(inv.profile.name)'.")
        return .nothing
    }

    static let unset = Command(
        "config unset",
        summary: "Remove one setting of the profile (the default applies again)",
        arguments: [key],
        examples: [Example("homeserve config unset output", "Back to table on a terminal, json otherwise")],
        reach: .offline,
        printsData: false
    ) { inv in
        let name = inv[key]
        if inv.dryRun { return inv.dryRun(wouldHave: "unset \(name) for profile '\(inv.profile.name)'") }
        // A setting that is not there is left so, and said so: the file is not written for nothing.
        guard try inv.store.settings()[inv.profile.name][name] != nil else {
            inv.note("\(name) was not set for profile '\(inv.profile.name)'; nothing changed.")
            return .nothing
        }
        try inv.store.updateSettings { $0 = $0.removing(name) }
        inv.note("Unset \(name) for profile '\(inv.profile.name)'.")
        return .nothing
    }

    static let path = Command(
        "config path",
        summary: "Show where settings, credentials and the lock files live (session_lock is the profile's)",
        examples: [Example("homeserve config path -o json --jq .credentials", "Locate the credentials file")],
        reach: .offline
    ) { inv in
        let paths = inv.paths
        return .document(.object([("directory", .string(paths.directory)), ("settings", .string(paths.settings)),
                                  ("credentials", .string(paths.credentials)), ("lock", .string(paths.lock)),
                                  ("session_lock", .string(paths.sessionLock(inv.profile.name)))]), .resource())
    }
}
