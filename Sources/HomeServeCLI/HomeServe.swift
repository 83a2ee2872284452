import HomeServeAPI
import HomeServeCore

public enum HomeServe {
    public static let version = "0.2.0"

    /// The program: the real context, one command line, an exit status. `raw`: the arguments' bytes, which
    /// `arguments` has with what is not UTF-8 read as U+FFFD.
    public static func main(_ arguments: [String], raw: [[UInt8]] = []) -> Int32 {
        if let problem = notUTF8(raw) {
            let stderr = Context.standard().stderr
            stderr.line("homeserve: " + problem)
            stderr.flush()
            return ExitCode.usage.rawValue
        }
        let status = run(Array(arguments.dropFirst()), context: .standard())
        // Stopped by SIGTERM or SIGHUP: ended by it once the work has stopped, as whatever sent it expects.
        SignalWatcher.endBySignal()
        return status
    }

    /// Why the command line cannot be read as given: an argument that is not UTF-8, which would be sent with
    /// U+FFFD in place of its bytes. Nil when every one is.
    static func notUTF8(_ raw: [[UInt8]]) -> String? {
        guard let index = raw.indices.dropFirst().first(where: { !UTF8Check.isValid(raw[$0]) }) else { return nil }
        let shown = raw[index].prefix(64).map { (0x20..<0x7F).contains($0) ? String(UnicodeScalar($0)) : "\\x" + ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        return "argument \(index) ('\(shown)\(raw[index].count > 64 ? "…" : "")') is not UTF-8 text: homeserve sends text as UTF-8, so give it in UTF-8"
    }

    /// Runs one command line against a context and returns the exit status. Tests call this with stub
    /// streams, transport and clock, exactly as the program does with the real ones.
    public static func run(_ arguments: [String], context: Context, table: CommandTable = .standard) -> Int32 {
        // The secrets a run learns are its own: an earlier run in this process (a test's) holds none of them.
        Redaction.forgetAll()
        var invocation: Invocation?
        var status: Int32
        do {
            switch try Parser(table: table).parse(arguments) {
            case .version:
                context.stdout.line("homeserve \(version)")
            case let .help(path):
                context.stdout.write(try Help(table: table).text(for: path))
            case let .run(line):
                let made = try prepare(line, context: context, table: table)
                invocation = made
                let output = try line.command.run(made)
                made.noteUnappliedShaping(output)
                try made.render(output)
                if !made.undeclared.isEmpty {
                    throw CLIError(.localFailure, "internal error: '\(line.command.name)' read undeclared flags: \(made.undeclared.joined(separator: ", "))")
                }
            }
            // A command that noticed Ctrl-C and stopped without an error ends as one that threw would.
            try context.cancellation.check()
            status = ExitCode.ok.rawValue
        } catch {
            let report = invocation.map { $0.failureReport(source: try? $0.store.credentials()?.source) }
                ?? FailureReport(profile: "default", profileChosen: false, source: nil)
            let failure = report.describe(error)
            context.stderr.line("homeserve: " + TerminalText.visible(failure.message, keepTabs: false))
            for line in failure.details { context.stderr.line("homeserve: " + TerminalText.visible(line, keepTabs: false)) }
            status = failure.code.rawValue
        }
        context.stdout.flush()
        if let failure = context.stdout.failure {
            context.stderr.line("homeserve: \(failure)")
            if status == 0 { status = ExitCode.localFailure.rawValue }
        }
        context.stderr.flush()
        return status
    }

    /// Converts the values (dates need the profile's time zone), checks the profile, and settles what must
    /// be known before anything is sent: the output format and the `--jq` program.
    static func prepare(_ line: ParsedLine, context: Context, table: CommandTable) throws -> Invocation {
        let environment = context.environment
        let profileName = line.globalText("profile") ?? environment["HOMESERVE_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        // The profile's zone is looked up once, and only when a value is a date; one the system does not know
        // is refused rather than read as UTC, which would put a booking hours off.
        var zone: (name: String?, source: String)?
        let valueContext = ValueContext(
            readStdin: { try context.stdin.readAll(limit: 64 << 20) },
            now: { context.clock.now() },
            utcOffset: { seconds in
                let found = zone ?? (ConfigPaths(environment: environment).trustedSettings()?[profileName]["timezone"]?.stringValue)
                    .map { ($0, "the timezone of profile '\(profileName)'") } ?? (environment["TZ"], "TZ")
                zone = found
                return CivilTime.utcOffset(at: seconds, zone: found.name)
            })
        let (values, globals) = try line.convert(valueContext)
        if let zone, let name = zone.name, !CivilTime.isKnownZone(name) {
            throw CLIError.usage("invalid time zone '\(TerminalText.visible(name))' from \(zone.source): expected an IANA name such as Asia/Kolkata or UTC, in which dates are read")
        }
        let invocation = Invocation(command: line.command, values: values, globals: globals, context: context, table: table)
        if line.command.reach != .local {
            // A login (by password or one-time code) and config set create a profile; doctor reports an unknown
            // one as a failed check.
            let creates = ["auth login", "auth otp send", "auth otp verify", "config set", "doctor"].contains(line.command.name)
            try invocation.checkProfile(creating: creates, repairing: line.command.name == "auth logout")
            // An unreadable or corrupt settings file is an error, never silently ignored; the config
            // commands that change settings set a corrupt one aside instead, and doctor reports it.
            if !["config set", "config unset", "doctor"].contains(line.command.name) { _ = try invocation.store.settings() }
        }
        if line.command.printsData {
            _ = try invocation.format.get()
            _ = try invocation.jq()
        }
        return invocation
    }
}
