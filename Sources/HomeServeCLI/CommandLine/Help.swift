import HomeServeCore

/// Help text, generated from the command table.
public struct Help {
    public let table: CommandTable

    public init(table: CommandTable) { self.table = table }

    public func text(for path: [String]) throws(CLIError) -> String {
        if path.isEmpty { return root() }
        if path.count == 1, let topic = Topics.all.first(where: { $0.name == path[0] }) {
            return topic.title + "\n\n" + topic.body + "\n"
        }
        if let command = table.command(at: path), table.children(of: path).isEmpty { return self.command(command) }
        if table.isPrefix(path) { return group(path) }
        let known = Array(path.dropLast())
        let options = table.children(of: known) + (known.isEmpty ? Topics.all.map(\.name) : [])
        let meant = table.meant(by: path.last ?? "", after: known, before: nil)
            ?? Suggestions.nearest(to: path.last ?? "", in: options).map { (known + [$0]).joined(separator: " ") }
        let hint = meant.map { "; did you mean '\($0)'?" } ?? ""
        throw CLIError.usage("no help for '\(path.joined(separator: " "))'\(hint) (see 'homeserve help')")
    }

    func root() -> String {
        var s = "homeserve — command-line client for the HomeServe Pro API\n\n"
        s += "Usage:\n  homeserve [global options] <group> <command> [options] [arguments]\n\n"
        for area in table.areas {
            s += "\(area):\n"
            let groups = table.groups.filter { $0.area == area && !$0.name.contains(" ") }
            let width = groups.map(\.name.count).max() ?? 0
            for group in groups { s += Help.hanging("  \(pad(group.name, width))  ", group.summary) + "\n" }
            s += "\n"
        }
        s += "Help topics:\n"
        for topic in Topics.all { s += "  \(pad(topic.name, 12))  \(topic.title)\n" }
        s += "\n" + globalFlagsSection()
        s += "\nRun 'homeserve help <group>' or 'homeserve <group> <command> --help' for details.\n"
        s += exitCodesLine
        return s
    }

    /// The closing line of every help page.
    private var exitCodesLine: String {
        wrap("Exit codes: " + ExitCode.allCases.map { "\($0.rawValue) \($0.label)" }.joined(separator: ", ") + " ('homeserve help exit-codes').") + "\n"
    }

    func group(_ path: [String]) -> String {
        let name = path.joined(separator: " ")
        var s = (table.group(path)?.summary ?? name) + "\n\nUsage:\n  homeserve \(name) <command> [options]\n\nCommands:\n"
        let commands = table.commands(under: path).filter { $0.path.count > path.count && Array($0.path.prefix(path.count)) == path }
        let width = commands.map { $0.path.dropFirst(path.count).joined(separator: " ").count }.max() ?? 0
        for command in commands {
            s += Help.hanging("  \(pad(command.path.dropFirst(path.count).joined(separator: " "), width))  ", command.summary) + "\n"
        }
        if let own = table.command(at: path) { s += "\n" + self.command(own) }
        s += "\nRun 'homeserve \(name) <command> --help' for a command's flags and examples.\n"
        return s
    }

    static let offlineNote = "Offline: reads and writes local files only; no request is sent."

    public func command(_ command: Command) -> String {
        var s = command.summary + "\n\nUsage:\n  " + command.usage + "\n"
        if !command.discussion.isEmpty {
            // A paragraph wrapped by hand is kept as written; one with a line over 100 columns (written as one
            // line, or wrapped by hand too wide) is wrapped again as a whole, at 100, so no word is left alone.
            var paragraphs: [[Substring]] = [[]]
            for line in command.discussion.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.isEmpty { paragraphs.append([]) } else { paragraphs[paragraphs.count - 1].append(line) }
            }
            s += "\n" + paragraphs.map { lines in
                guard lines.contains(where: { $0.count > 100 }), !lines.contains(where: { $0.hasPrefix(" ") }) else { return lines.joined(separator: "\n") }
                return Help.hanging("", lines.joined(separator: " "))
            }.joined(separator: "\n\n") + "\n"
        }
        if command.reach == .offline { s += "\n" + Help.offlineNote + "\n" }
        if !command.arguments.isEmpty {
            s += "\nArguments:\n"
            let width = command.arguments.map(\.name.count).max() ?? 0
            for argument in command.arguments { s += Help.hanging("  \(pad(argument.name, width))  ", argument.help) + "\n" }
        }
        if !command.flags.isEmpty {
            s += "\nFlags:\n" + flagLines(command.flags)
        }
        let globals = table.globalFlags.filter { $0.name != "help" && $0.name != "version" }
            .map { ($0.short.map { "-\($0)/" } ?? "") + "--" + $0.name }
        s += "\n" + wrap("Global flags: " + globals.joined(separator: ", ") + " (see 'homeserve --help').") + "\n"
        s += "\nExamples:\n"
        for example in command.examples {
            s += Help.hanging("  # ", example.explanation) + "\n" + Help.commandLines(example.command, lead: "  $ ", width: 100) + "\n"
        }
        s += "\n" + exitCodesLine
        return s
    }

    func globalFlagsSection() -> String { "Global flags:\n" + flagLines(table.globalFlags) }

    /// A flag a line, its description wrapped at 100 columns under where it starts.
    func flagLines(_ flags: [FlagSpec]) -> String {
        let width = flags.map { Help.flagColumn($0).count }.max() ?? 0
        return flags.map { Help.hanging("  \(pad(Help.flagColumn($0), width))  ", Help.describe($0)) + "\n" }.joined()
    }

    /// `lead` then `text`, wrapped at 100 columns, each further line indented as far as `lead` goes.
    static func hanging(_ lead: String, _ text: String) -> String {
        var lines: [String] = []
        var current = lead
        for word in text.split(separator: " ") {
            if current.count > lead.count && current.count + 1 + word.count > 100 {
                lines.append(current)
                current = String(repeating: " ", count: lead.count) + word
            } else {
                current += (current.count > lead.count ? " " : "") + word
            }
        }
        return (lines + [current]).joined(separator: "\n")
    }

    /// A command line after `lead`, broken between words (never inside quotes, nor between a flag and its
    /// value) into `\`-continued lines of at most `width` columns, each further one indented two more than
    /// `lead`, so that it runs when pasted.
    static func commandLines(_ command: String, lead: String = "", width: Int) -> String {
        var words: [String] = []
        var current = ""
        var quote: Character?
        for ch in command {
            if let q = quote {
                if ch == q { quote = nil }
            } else if ch == "'" || ch == "\"" {
                quote = ch
            } else if ch == " " {
                if !current.isEmpty { words.append(current); current = "" }
                continue
            }
            current.append(ch)
        }
        if !current.isEmpty { words.append(current) }
        // A flag stays on one line with its value.
        var units: [String] = []
        for word in words {
            if let last = units.last, last.hasPrefix("-"), !last.contains(" "), !word.hasPrefix("-"), word != "|" {
                units[units.count - 1] += " " + word
            } else {
                units.append(word)
            }
        }
        let indent = String(repeating: " ", count: lead.count + 2)
        var lines: [String] = []
        var line = lead
        for word in units {
            // Room for the " \" that continues the line.
            if line.count > lead.count && line.count + 1 + word.count + 2 > width {
                lines.append(line + " \\")
                line = indent + word
            } else {
                line += (line.count > lead.count ? " " : "") + word
            }
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }

    static func flagColumn(_ flag: FlagSpec) -> String {
        (flag.short == nil ? "    " : "") + flag.synopsis
    }

    /// The help text, then what is accepted, the default, and whether it is required or repeatable.
    public static func describe(_ flag: FlagSpec) -> String {
        var notes: [String] = []
        if let choices = flag.shape.choices {
            notes.append("one of: " + choices.joined(separator: "|"))
        } else if !flag.shape.examples.isEmpty {
            notes.append("e.g. " + flag.shape.examples.joined(separator: ", "))
        } else if !["any text", "non-empty text", "no value"].contains(flag.shape.accepted) {
            notes.append(flag.shape.accepted)
        }
        if let value = flag.defaultText { notes.append("default: \(value)") }
        if flag.required { notes.append("required") }
        if flag.repeatable { notes.append(flag.shape.choices != nil ? "repeatable or comma-separated" : "repeatable") }
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
public struct Topic: Sendable {
    public var name: String
    public var title: String
    public var body: String
}

public enum Topics {
    public static let all: [Topic] = [exitCodes, environment, output, sessions, dates]

    public static let exitCodes = Topic(name: "exit-codes", title: "Exit status",
        body: ExitCode.allCases.map { code in
            let n = String(code.rawValue)
            return Help.hanging("  " + n + String(repeating: " ", count: 5 - n.count), code.meaning)
        }.joined(separator: "\n") + """


        Every message is one line on stderr that starts with 'homeserve:' ('homeserve: warning:' for
        warnings); a server's per-field validation messages follow, one per line. With -q, stderr stays
        empty on success. A reader that goes away (| head) is not an error: the command stops and exits 0.
        """)

    public static let environmentVariables: [(String, String)] = [
        ("HOMESERVE_CONFIG_DIR", "Directory for settings.json, credentials.json and their locks"),
        ("XDG_CONFIG_HOME", "Used as $XDG_CONFIG_HOME/homeserve when HOMESERVE_CONFIG_DIR is unset and it is absolute (else ~/.config/homeserve)"),
        ("HOMESERVE_PROFILE", "Profile to use when --profile is not given (default: default); an unknown one is exit 2"),
        ("HOMESERVE_URL", "API base URL when --url is not given (default: the profile's url, else http://localhost:8000)"),
        ("HOMESERVE_OUTPUT", "Output format when -o is not given: table, json, ndjson, csv or tsv"),
        ("HOMESERVE_TOKEN", "An access token used as is: never refreshed, never written (see 'homeserve help sessions')"),
        ("HOMESERVE_REFRESH_TOKEN", "A refresh token: refreshed from at start, the new pair kept in memory only (see 'homeserve help sessions')"),
        ("HOMESERVE_PASSWORD", "Password for 'auth login', and for logging in again when a session has ended"),
        ("HOMESERVE_OTP", "One-time code for 'auth otp verify' when --otp-stdin is not given (else it is prompted for on a terminal)"),
        ("HOMESERVE_USERNAME", "Username for auth login without --username, and for every login homeserve makes by itself (no session stored yet, or renewing one)"),
        ("HOMESERVE_PARALLEL", "Pages fetched at once by --all/--limit and services categories when --parallel is not given (1 to 32, default 6)"),
        ("HOMESERVE_MAX_BODY", "The largest answer taken (default 64M); larger ones are exit 8"),
        ("TZ", "Time zone for dates such as 'tomorrow' when the profile has no timezone setting"),
        ("NO_COLOR", "Disables colour when set to any non-empty value"),
        ("COLUMNS", "Width to fit tables into on a terminal that does not tell its own (else 80)"),
        ("HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY", "Proxies, as libcurl reads them"),
    ]

    public static let environment = Topic(name: "environment", title: "Environment variables",
        body: environmentVariables.map { "  \($0.0)\n" + Help.hanging("      ", $0.1) }.joined(separator: "\n"))

    public static let output = Topic(name: "output", title: "Output formats and the output rule",
        body: """
          -o table   aligned columns for people; the default when stdout is a terminal
          -o json    the server's JSON, key order kept; the default otherwise
          -o ndjson  one JSON object per line, streamed page by page
          -o csv     RFC 4180 quoting, newline-ended, a header row; nested values as compact JSON
          -o tsv     tab-separated with a header row; tabs, newlines and control characters escaped

        The rule, the same for every command:
          -o json prints the server's document as it came. A paginated listing becomes one array of its
          items (paging is transport), streamed, so --all keeps memory flat; what its answer holds beside
          the items and paging (admin alerts' summary) is read with 'homeserve api'.
          ndjson, csv, tsv and table print rows: the items of a listing; or the items of the one main array
          of an answer (predictions, vendors, slots); or the object itself. An answer that wraps the
          resource it acted on ({"message": …, "booking": {…}}) prints the resource as the row; an action
          that makes something prints what it made (bookings complete its payment intent).
          An answer that is more than its list keeps its main result in every row format: a best answer
          and its runners-up (scheduling suggest) print best first, numbered by a rank column; an answer
          that is the object itself (ai dispute, admin notifications stats, scheduling optimize) prints
          in a table as its fields, then each of its lists under its name, and in ndjson, csv and tsv as
          one row (csv and tsv show its lists as JSON); --sort-by orders its lists.
          Every field of every row the server sent is in -o json.

        Columns come from the data: a command's usual columns lead where the rows have them, followed by
        the rows' other fields, and otherwise all are derived from the rows (the row's id and name first,
        then plain fields in the server's order, then nested objects by dot path, a field null in some rows
        and an object in others by the object's fields). No column of a list is empty in every row; one
        resource has a column for every field, empty ones too, so a field not yet filled in keeps its
        column. The columns past the usual ones are those of the first page's rows: a script that reads
        columns by position names them with --fields. On a terminal a table fits the width: the usual
        columns only, or at most ten derived ones (stderr says how many more there are), a header longer
        than its cells cut first (a dot path keeping its last name where it fits, BO…COMPLETED), then
        long cells, with …; a single resource shows its usual fields that are filled in (stderr says how
        many more); --wide prints every column, field and cell whole, as a table in a pipe, csv and tsv
        always do. Ids are never cut (columns named id or …_id, or holding UUIDs).
          --fields a,b.c     picks fields of the rows by dot path (checked: a path no row has is exit 2;
                             after a change the answer is printed whole instead, with a warning); in
                             json a row is then keyed by the paths as given ({"b.c": …})
          --sort-by PATH     sorts rows, numbers as numbers; stable (an answer with no list in it: a
                             warning says there is nothing to sort)
          --no-headers       leaves out the header row of table, csv and tsv
          --jq EXPR          runs jq on what -o json would print; strings print raw, one result per line.
                             With --all, an expression starting with .[] runs on each item as it arrives.
          Given to a command that prints no rows (auth login, config set, an export, a delete; or plain
          text: auth token, config get, completion) or to a dry run of a request, these four and --wide
          are said on stderr to have no effect, and so is -o given to an export or a plain-text command.

        A listing whose rows cannot be found is exit 8, naming the answer's keys ('homeserve api GET
        PATH' shows it as received).
        A list command asked with a filter the server ignored still prints only matching rows
        (a row's value matches in any case, a row whose field is null matches none, and a timestamp is
        kept within a day of a --from/--to range, since the zone the server filtered in is not known).
        Without --all or --limit a list prints one page; on a terminal stderr says how many there are.
        A listing that fails midway has printed the rows before the failure and exits with its code; with
        -o json the array is then left open, so a JSON reader fails too instead of taking part as the whole.
        Data goes to stdout; messages, progress and warnings go to stderr. Colour only on a terminal,
        never with NO_COLOR or --no-color. Server text on a terminal has control characters made visible;
        table cells show tabs, newlines and other control characters as escapes (\\x09) wherever they go.
        """)

    public static let sessions = Topic(name: "sessions", title: "Sessions, tokens and unattended use",
        body: """
        Where the credentials come from, first match wins:
          HOMESERVE_TOKEN           an access token, used as is. Never refreshed: when it expires (5 minutes
                                    on the sandbox) commands exit 3. For short jobs, or tokens minted
                                    elsewhere.
          HOMESERVE_REFRESH_TOKEN   a refresh token (a CI secret). Each process refreshes from it at start
                                    and keeps the new pair in memory only, never on disk, so one long
                                    command (smoke, watch, bookings wait) outlives the access token. Servers
                                    that rotate refresh tokens accept each one once: a job of many commands
                                    should log in instead (HOMESERVE_PASSWORD).
          the credentials file      written by 'auth login' for the profile; refreshed ahead of expiry
                                    (30 s, or a third of the token's life when shorter) and when refused.

        When the refresh token is refused or expired and a password source exists — HOMESERVE_PASSWORD, or
        the profile's password_command (run without a shell; the first line of its stdout is the password,
        like git's credential helpers; one that has not printed it and exited within --timeout is killed) —
        homeserve logs in again under the same lock, stores the new pair and replays the request; one line
        on stderr says so. With HOMESERVE_USERNAME (or the profile's username setting) and a password
        source, a job with no stored session logs in by itself (a profile without a url takes the URL it
        logged in at). A refresh token the server refuses (in JSON, or with no body: an HTML 401 is a
        proxy's) ends the session: it is marked ended in the credentials file and nothing sends its tokens
        again; unless a password source logs in, auth token and auth status exit 3 and config profiles
        shows it as ended, until a login replaces it. A renewal ahead of expiry that the server or the
        network fails (not a refusal) sends the token while it has 5 s or more left, with a warning.
        Concurrent processes share one refresh or login: the profile's lock is taken, the file read again,
        and a token another process just stored is reused. The lock is waited for at most --timeout
        seconds; each profile has its own, so one profile's slow renewal holds up no other.
        A stored session belongs to the server it was made with: 'auth login' keeps that URL with it, and
        a --url or HOMESERVE_URL given to it becomes the profile's url. A command that would send the
        session to another server exits 3 and sends nothing, unless a password source lets it log in at
        that server instead (none of the other server's tokens is sent). Made at a --url or HOMESERVE_URL
        other than the profile's url, that session serves the command only and the profile keeps its
        own; made at the profile's url (after config set url) it is stored.
        """)

    public static let dates = Topic(name: "dates", title: "Dates and times",
        body: """
        Wherever a date or date-time is taken:
          2026-12-01, 2026-12-01T10:00:00+05:30   ISO-8601, sent as given (a date-time needs the time)
          2026-12-01T10:00, 2026-12-01 10:00       a date-time without an offset: in your zone
          today, tomorrow, yesterday               that day (a date-time keeps the current time of day)
          monday … sunday (or mon … sun)           the next such day, today included (with a time
                                                   that has passed today: next week's)
          tomorrow 10:00, friday 18:30             a day at a time (date-times)
          now, +3d, -2h, +30m, +1w                 offsets from now (s, m, h, d, w)
        Words are read in the profile's timezone setting (an IANA name, e.g. Asia/Kolkata), else TZ, else
        the system's zone; a zone the system does not know is refused (exit 2), never read as UTC.
        --dry-run shows the resolved value.
        """)
}
