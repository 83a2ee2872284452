/// The one table: every command, every group, every global flag. Parser, help, completions and the man
/// page read it; adding a command or a flag is one edit here or in its group's file.
///
/// Commands are kept by their first word, each group built on first use: a command line builds only its
/// own group, so starting up does not pay for the other seventy commands' flags and help.
public struct CommandTable: Sendable {
    public struct Section: Sendable {
        public var word: String
        public var load: @Sendable () -> [Command]
    }

    public var sections: [Section]
    public var groups: [Group]
    public var globalFlags: [FlagSpec]

    public init(sections: [Section], groups: [Group], globalFlags: [FlagSpec]) {
        self.sections = sections
        self.groups = groups
        self.globalFlags = globalFlags
    }

    /// A table of ready-made commands (tests build small ones this way).
    public init(commands: [Command], groups: [Group], globalFlags: [FlagSpec]) {
        var words: [String] = []
        for command in commands where !words.contains(command.path[0]) { words.append(command.path[0]) }
        self.init(sections: words.map { word in Section(word: word) { commands.filter { $0.path[0] == word } } },
                  groups: groups, globalFlags: globalFlags)
    }

    public var commands: [Command] { sections.flatMap { $0.load() } }

    /// The commands under a path's first word; all of them for the empty path.
    func commands(under path: [String]) -> [Command] {
        guard let word = path.first else { return commands }
        return sections.first { $0.word == word }?.load() ?? []
    }

    public static let standard = CommandTable(
        sections: [
            Section(word: "auth") { AuthCommands.all }, Section(word: "config") { ConfigCommands.all },
            Section(word: "services") { ServiceCommands.all }, Section(word: "bookings") { BookingCommands.all },
            Section(word: "pricing") { PricingCommands.all }, Section(word: "scheduling") { SchedulingCommands.all },
            Section(word: "vendors") { VendorCommands.all }, Section(word: "signatures") { SignatureCommands.all },
            Section(word: "photos") { PhotoCommands.all }, Section(word: "disputes") { DisputeCommands.all },
            Section(word: "admin") { AdminCommands.all }, Section(word: "ai") { AICommands.all },
            Section(word: "api") { APICommands.all }, Section(word: "watch") { WatchCommands.all },
            Section(word: "doctor") { DoctorCommands.all }, Section(word: "smoke") { SmokeCommands.all },
            Section(word: "completion") { CompletionCommands.all },
        ],
        groups: [
            Group(name: "auth", summary: "Log in and out, OTP, tokens, session status", area: "Session"),
            Group(name: "auth otp", summary: "One-time-password login by email or phone", area: "Session"),
            Group(name: "config", summary: "Profiles and settings, and where each value comes from", area: "Session"),
            Group(name: "services", summary: "The service catalogue", area: "Marketplace"),
            Group(name: "bookings", summary: "Create, list and follow bookings", area: "Marketplace"),
            Group(name: "pricing", summary: "Dynamic price quotes and predictions", area: "Marketplace"),
            Group(name: "scheduling", summary: "Free slots, slot suggestions and vendor day plans", area: "Marketplace"),
            Group(name: "vendors", summary: "Find vendors serving a pincode", area: "Marketplace"),
            Group(name: "signatures", summary: "Customer sign-off of finished jobs", area: "Jobs & sign-off"),
            Group(name: "photos", summary: "Before and after photos of jobs", area: "Jobs & sign-off"),
            Group(name: "disputes", summary: "Open, discuss and resolve disputes", area: "Disputes"),
            Group(name: "admin", summary: "Caches, audit trail, notifications, alerts and analytics", area: "Admin"),
            Group(name: "admin cache", summary: "Server cache statistics and clearing", area: "Admin"),
            Group(name: "admin history", summary: "The audit trail and its CSV export", area: "Admin"),
            Group(name: "admin notifications", summary: "Notification statistics, logs and manual runs", area: "Admin"),
            Group(name: "admin analytics", summary: "Analytics reports", area: "Admin"),
            Group(name: "ai", summary: "AI analysis of pincodes, disputes and vendor bonuses", area: "Admin"),
            Group(name: "api", summary: "Call any endpoint with your session, like 'gh api'", area: "Raw API"),
            Group(name: "watch", summary: "Follow the live WebSocket channels", area: "Real time"),
            Group(name: "doctor", summary: "Check that this machine can use the API: URL, network, TLS, clock, session, files", area: "Operations"),
            Group(name: "smoke", summary: "Run a smoke test of a deployment, with JUnit XML for CI", area: "Operations"),
            Group(name: "completion", summary: "Shell completion scripts and the man page", area: "Shell"),
        ],
        globalFlags: GlobalFlags.all.map(\.spec))

    public func command(at path: [String]) -> Command? { commands(under: path).first { $0.path == path } }

    public func isPrefix(_ path: [String]) -> Bool {
        if path.count == 1 { return sections.contains { $0.word == path[0] } }
        return commands(under: path).contains { $0.path.count >= path.count && Array($0.path.prefix(path.count)) == path }
    }

    /// The next words after `path`: subgroups and commands.
    public func children(of path: [String]) -> [String] {
        if path.isEmpty { return sections.map(\.word) }
        var seen: [String] = []
        for command in commands(under: path) where command.path.count > path.count && Array(command.path.prefix(path.count)) == path {
            let word = command.path[path.count]
            if !seen.contains(word) { seen.append(word) }
        }
        return seen
    }

    /// The command a word that is none most likely means, other tools' words taken as ours: `bookings ls`,
    /// `bookings show`, `list bookings`, `login` (a command's last word, where one command ends so), `version`.
    func meant(by word: String, after path: [String], before next: String?) -> String? {
        let synonyms = ["ls": "list", "show": "get", "view": "get", "describe": "get", "new": "create", "add": "create", "rm": "delete", "remove": "delete"]
        // kubectl's `config view` shows every setting, as `config list` does.
        let ours = path == ["config"] && ["view", "show"].contains(word) ? "list" : synonyms[word] ?? word
        if ours != word, children(of: path).contains(ours) { return (path + [ours]).joined(separator: " ") }
        guard path.isEmpty else { return nil }
        if word == "version" { return "homeserve --version" }
        if let next, command(at: [next, ours]) != nil { return "\(next) \(ours)" }
        let ending = commands.filter { $0.path.count > 1 && $0.path.last == ours }
        return ending.count == 1 ? ending[0].path.joined(separator: " ") : nil
    }

    public func group(_ path: [String]) -> Group? { groups.first { $0.name == path.joined(separator: " ") } }

    public var areas: [String] {
        var seen: [String] = []
        for group in groups where !seen.contains(group.area) { seen.append(group.area) }
        return seen
    }
}
