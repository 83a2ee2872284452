import HomeServeAPI
import HomeServeCore

/// What a command's `run` receives: its typed values, the global options, the context, and — built on
/// first use, so offline commands never touch them — the session, the API client and the output format.
public final class Invocation {
    public let command: Command
    let values: ParsedValues
    let globals: ParsedValues
    public let context: Context
    let table: CommandTable
    /// Flags read that the command does not declare: a table bug, reported as an internal error.
    private(set) var undeclared: [String] = []

    init(command: Command, values: ParsedValues, globals: ParsedValues, context: Context, table: CommandTable) {
        self.command = command
        self.values = values
        self.globals = globals
        self.context = context
        self.table = table
    }

    // MARK: Typed values

    private func declared(_ spec: FlagSpec) -> ParsedValues {
        // A command may declare its own flag under a global one's name (`bookings wait --timeout` bounds the
        // whole wait): reading the global declaration reads the global value, given before the command.
        if table.globalFlags.contains(where: { $0.name == spec.name && $0.help == spec.help }) { return globals }
        if command.flags.contains(where: { $0.name == spec.name }) { return values }
        undeclared.append(spec.name)
        return ParsedValues()
    }

    public subscript<T>(flag: Flag<T>) -> T? { declared(flag.spec).value(flag.spec.name) as? T }

    public subscript<T>(flag: RequiredFlag<T>) -> T {
        guard let value = declared(flag.spec).value(flag.spec.name) as? T ?? flag.spec.defaultValue as? T else {
            preconditionFailure("required flag --\(flag.spec.name) of '\(command.name)' has no value")
        }
        return value
    }

    public subscript<T>(flag: ListFlag<T>) -> [T] { (declared(flag.spec).flags[flag.spec.name] ?? []).compactMap { $0 as? T } }

    public subscript(flag: SwitchFlag) -> Bool { declared(flag.spec).value(flag.spec.name) as? Bool ?? false }

    public subscript<T>(argument: Argument<T>) -> T {
        guard let index = command.arguments.firstIndex(where: { $0.name == argument.spec.name }),
              let value = values.arguments[index] as? T else {
            preconditionFailure("argument \(argument.spec.name) of '\(command.name)' has no value")
        }
        return value
    }

    /// Whether the user gave the flag (as opposed to its default applying).
    func given(_ flag: any FlagDeclaration) -> Bool {
        declared(flag.spec).given.contains(flag.spec.name)
    }

    var environment: [String: String] { context.environment }
    public var dryRun: Bool { self[GlobalFlags.dryRun] }
    public var quiet: Bool { self[GlobalFlags.quiet] }
    public var verbose: Bool { self[GlobalFlags.verbose] }

    // MARK: Messages

    /// An informational line on stderr, unless `--quiet`.
    public func note(_ message: String) {
        if !quiet { say(message) }
    }

    /// What a command that sends or writes nothing in a dry run would have done, said on stderr.
    func dryRun(wouldHave what: String) -> CommandOutput {
        note("dry run: would \(what); nothing sent, nothing written")
        return .nothing
    }

    /// Sends a call and shows its answer as a document; `saying` picks a line for stderr from the answer
    /// (the server's `message`, the new id). Nothing in a dry run.
    func document(_ call: APICall, _ presentation: Presentation, saying: (JSON) -> String? = { _ in nil }) throws -> CommandOutput {
        guard let answer = try json(call) else { return .nothing }
        try Self.requireSomething(answer, of: call, presentation, client: try client())
        if let line = saying(answer) { note(line) }
        return .document(answer, presentation)
    }

    /// A read of one thing answered with nothing in it (`{}`, the resource wrapped as `{"service": {}}`), or
    /// with no one object (`[]`, a list, `{"data": null}`), and any read answered with a bare value (`"ok"`),
    /// would print nothing, a blank row or something else with exit 0: it is exit 8.
    static func requireSomething(_ answer: JSON, of call: APICall, _ presentation: Presentation, client: APIClient) throws {
        guard call.method == "GET", let wrong = nothing(in: answer, presentation) else { return }
        throw APIError.badResponse(method: "GET", path: client.shown(call), reason: "the answer is \(wrong)")
    }

    /// The id of what a POST made, from the one thing its answer holds: an answer with nothing in it, a
    /// list, or one thing without an id (`{"message": …}`, `{"id": null}`), is exit 8, saying the POST was
    /// carried out, so a script that captures the id never goes on with a message, a list or nothing for
    /// one. Nil where no answer was due (HTTP 204).
    static func madeID(_ answer: JSON, of call: APICall, _ presentation: Presentation, client: APIClient) throws -> String? {
        guard !answer.isNull else { return nil }
        let id = Rows.unwrap(answer, keys: presentation.wrappers ?? [])["id"].flatMap { $0.isNull ? nil : $0.cellText }.flatMap { $0.isEmpty ? nil : $0 }
        guard let wrong = nothing(in: answer, presentation) ?? (id == nil ? "without the id of anything made" : nil) else { return id }
        throw APIError.badResponse(method: call.method, path: client.shown(call),
                                   reason: "the answer is \(wrong); the POST was carried out: check before sending it again")
    }

    /// What the answer is instead of something to show, or nil when it holds something.
    private static func nothing(in answer: JSON, _ presentation: Presentation) -> String? {
        // Every shape reads an object or a list of rows: a bare value (`""`, `"ok"`, `42`) is neither.
        let due = presentation.isOneThing ? "an object" : "an object or a list"
        switch answer {
        case let .string(text): return (text.isEmpty ? "an empty string" : "a string") + " where \(due) is due"
        case .number: return "a number where \(due) is due"
        case .bool: return "a boolean where \(due) is due"
        default: break
        }
        let wrappers = presentation.wrappers
        if answer.objectValue?.isEmpty == true || wrappers.flatMap({ Rows.wrapped(answer, keys: $0) })?.objectValue?.isEmpty == true {
            return "an empty object, with nothing to show"
        }
        if Rows.holdsNothing(answer) {
            let text = TerminalText.visible(answer.serialized())
            return "only empty objects" + (text.count <= 80 ? " (\(text))" : "") + ", with nothing to show"
        }
        guard presentation.isOneThing else { return nil }
        if let items = answer.arrayValue { return items.isEmpty ? "an empty list where one object is due" : "a list where one object is due" }
        // A resource's envelope holding a list, or a page of one. (A summary may hold lists of its own.)
        if wrappers != nil, let items = Self.listed(in: answer, wrappers: wrappers ?? []) {
            return items.isEmpty ? "an empty list where one object is due" : "a list where one object is due"
        }
        // A resource's envelope holding null (`{"data": null}`) holds no resource either.
        if answer["id"] == nil, let wrappers, Rows.unwrap(answer, keys: wrappers) == answer,
           (wrappers + ["data", "result"]).contains(where: { answer[$0]?.isNull == true }) {
            return "null in its envelope where one object is due"
        }
        return nil
    }

    /// The rows of a document that is a list where one thing was asked for: in a resource's envelope
    /// (`{"data": […]}`, `{"booking": […]}`), under a list's own key (DRF's `results`, HAL's `_embedded`,
    /// Elasticsearch's `hits`, OData's `value`, Spring's `content`), or beside paging fields. Nil for a
    /// thing, which may hold lists of its own, and for anything with an `id`.
    static func listed(in document: JSON, wrappers: [String]) -> [JSON]? {
        guard document.isObject, document["id"] == nil else { return nil }
        // An envelope holds a list, a page of one (`{"data": {"results": […], "count"}}`), or the thing.
        if let inner = (wrappers + ["data", "result"]).lazy.compactMap({ document[$0] }).first(where: { !$0.isNull }) {
            return inner.arrayValue ?? listed(in: inner, wrappers: [])
        }
        let page = CollectionReader.read(document)
        guard let rows = page.rows, let first = page.rowKeys?.first else { return nil }
        let listKeys: Set<String> = ["results", "data", "_embedded", "hits", "value", "content", "entries"]
        let pagingNames: Set<String> = ["next", "previous", "cursor", "next_cursor", "nextCursor", "next_page_token", "nextPageToken", "page_info", "pageInfo"]
        let paged = page.info.placesItself || page.info.saysNext || document.keys.contains(where: pagingNames.contains)
        return listKeys.contains(first) || paged ? rows : nil
    }

    /// The server's own `message`, for `document(_:_:saying:)`.
    static func serverMessage(_ answer: JSON) -> String? { answer["message"]?.stringValue }

    /// A failure in the words and exit code the user gets, naming this invocation's profile.
    func describe(_ error: any Error, source: CredentialSource?) -> CLIError { failureReport(source: source).describe(error) }

    /// What a failure's message and hints are made from: this invocation's profile, flags and password sources.
    func failureReport(source: CredentialSource?) -> FailureReport {
        FailureReport(profile: profile.name, profileChosen: profile.chosen, source: source, cacertGiven: self[GlobalFlags.cacert] != nil,
                      canLogIn: (try? store.hasPasswordSource()) == true, urlGiven: self[GlobalFlags.url].map { WebURL.masked($0.description) },
                      base: try? baseURL().url.description)
    }

    /// A warning: shown even with `--quiet`.
    public func warn(_ message: String) { say("warning: " + message) }

    /// `homeserve`, with `--profile` when one was chosen: how a hint's command starts, so it runs as this one did.
    var homeserve: String { FailureReport(profile: profile.name, profileChosen: profile.chosen, source: nil).homeserve }

    func say(_ message: String) {
        for line in message.split(separator: "\n", omittingEmptySubsequences: false) {
            context.stderr.line("homeserve: " + TerminalText.visible(Redaction.known(String(line))))
        }
    }

    // MARK: Profile and session

    /// `--profile`, else HOMESERVE_PROFILE, else `default`; `chosen` when it did not fall to the default.
    lazy var profile: (name: String, chosen: Bool) = {
        if let name = self[GlobalFlags.profile] { return (name, true) }
        if let name = environment["HOMESERVE_PROFILE"], !name.isEmpty { return (name, true) }
        return ("default", false)
    }()

    lazy var paths = ConfigPaths(environment: environment)

    public lazy var store = CredentialStore(paths: paths, profile: profile.name, environment: environment, clock: context.clock,
                                            lockTimeout: Double(self[GlobalFlags.timeout]),
                                            warn: { [unowned self] in self.warn($0) }, note: { [unowned self] in self.note($0) })

    /// An unknown profile is a usage error, except where a command creates it.
    func checkProfile(creating: Bool, repairing: Bool = false) throws {
        // --profile's value was checked as it was parsed; HOMESERVE_PROFILE's is held to the same rule, since
        // a profile's name goes into its lock file's.
        guard ValueKind.isProfileName(profile.name) else {
            throw CLIError.usage("invalid value '\(ParsedLine.shown(profile.name))' for HOMESERVE_PROFILE: expected \(ValueKind.profileNameRule)")
        }
        // The name an unattended login sends, as --username is held to.
        if let name = environment["HOMESERVE_USERNAME"], !name.isEmpty, name.unicodeScalars.contains(where: TerminalText.isControl) {
            throw CLIError.usage("invalid value '\(ParsedLine.shown(name))' for HOMESERVE_USERNAME: expected \(ValueKind<String>.username.shape.accepted)")
        }
        guard profile.chosen, profile.name != "default", !creating else { return }
        let known: [String]
        do { known = try store.knownProfiles() } catch {
            // Which profiles a corrupt file holds cannot be told, and the command is how it is repaired.
            if repairing, case .corrupt = error { return }
            throw error
        }
        guard known.contains(profile.name) else { throw SessionError.unknownProfile(name: profile.name, known: known) }
    }

    // MARK: Server

    /// The base URL and where it came from: `--url`, else HOMESERVE_URL, else the profile's url, else the default.
    func baseURL() throws -> (url: WebURL, source: String) {
        if let url = self[GlobalFlags.url] { return (url, "flag") }
        if let text = environment["HOMESERVE_URL"], !text.isEmpty {
            switch WebURL.parse(text) {
            case let .success(url): return (url, "env")
            case let .failure(problem): throw CLIError.usage("invalid value '\(TerminalText.visible(WebURL.masked(text)))' for HOMESERVE_URL: expected an http:// or https:// URL; it \(problem.reason)")
            }
        }
        if let text = try store.setting("url") {
            switch WebURL.parse(text) {
            case let .success(url): return (url, "profile")
            case let .failure(problem):
                throw CLIError.usage("invalid url '\(TerminalText.visible(WebURL.masked(text)))' in profile '\(profile.name)': it \(problem.reason) (fix with '\(homeserve) config set url URL')")
            }
        }
        return (Self.defaultURL, "default")
    }

    /// The sources of a base URL named for this command (`--url`, HOMESERVE_URL) rather than by the profile.
    static let commandSources: Set<String> = ["flag", "env"]

    static let defaultURL = WebURL(scheme: "http", host: "localhost", port: 8000, path: "")

    var transportSettings: CurlTransport.Settings {
        var settings = CurlTransport.Settings()
        settings.insecure = self[GlobalFlags.insecure]
        settings.caFile = self[GlobalFlags.cacert]
        settings.userAgent = "homeserve/\(HomeServe.version)"
        settings.proxied = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"].contains { !(environment[$0] ?? "").isEmpty }
        return settings
    }

    private var cachedClient: APIClient?

    public func client() throws -> APIClient {
        if let cachedClient { return cachedClient }
        var options = APIClient.Options()
        options.retries = self[GlobalFlags.retries]
        options.timeout = Double(self[GlobalFlags.timeout])
        options.userAgent = "homeserve/\(HomeServe.version)"
        if let text = environment["HOMESERVE_MAX_BODY"], !text.isEmpty {
            guard let bytes = Self.byteSize(text) else {
                throw CLIError.usage("invalid value '\(TerminalText.visible(text))' for HOMESERVE_MAX_BODY: expected a size in bytes, or with K, M or G (e.g. 64M)")
            }
            options.maxBody = bytes
        }
        if dryRun {
            let out = context.stdout
            options.dryRun = { preview in
                var bytes = preview.json.bytes()
                bytes.append(UInt8(ascii: "\n"))
                out.write(bytes)
            }
        }
        if verbose { options.log = { [unowned self] in self.say($0) } }
        let base = try baseURL()
        store.serve(base.url, namedForCommand: Self.commandSources.contains(base.source))
        let client = APIClient(base: base.url, transport: context.transport(transportSettings), session: store,
                               clock: context.clock, random: context.random, options: options, warn: { [unowned self] in self.warn($0) },
                               note: { [unowned self] in self.note($0) })
        cachedClient = client
        return client
    }

    static func byteSize(_ text: String) -> Int? {
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        let upper = text.uppercased()
        if let last = upper.last, let unit = units[last], let n = Int(upper.dropLast()), n > 0 {
            let (bytes, overflow) = n.multipliedReportingOverflow(by: unit)
            return overflow ? nil : bytes
        }
        if let n = Int(upper), n > 0 { return n }
        return nil
    }

    /// Sends a call through the client and parses its JSON; nil in a dry run.
    public func json(_ call: APICall) throws -> JSON? { try client().json(call) }

    // MARK: Output

    /// `-o`, then HOMESERVE_OUTPUT, then the profile's `output` — on a terminal only, so a pipe always gets
    /// JSON unless asked otherwise — then table on a terminal, json otherwise.
    lazy var format: Result<OutputFormat, CLIError> = {
        if let format = self[GlobalFlags.output] { return .success(format) }
        if let text = environment["HOMESERVE_OUTPUT"], !text.isEmpty {
            guard let format = OutputFormat(rawValue: text) else {
                return .failure(CLIError.usage("invalid value '\(TerminalText.visible(text))' for HOMESERVE_OUTPUT: \(OutputFormat.expected(text))"))
            }
            return .success(format)
        }
        if context.stdout.isTerminal {
            do {
                if let text = try store.setting("output") {
                    guard let format = OutputFormat(rawValue: text) else {
                        let problem = "invalid output '\(TerminalText.visible(text))' in profile '\(profile.name)': \(OutputFormat.expected(text)) (fix with '\(homeserve) config set output FORMAT')"
                        // The config commands are how it gets repaired, and doctor reports it: they say so and carry on.
                        guard command.reach == .offline || command.name == "doctor" else { return .failure(CLIError.usage(problem)) }
                        warn(problem)
                        return .success(.table)
                    }
                    return .success(format)
                }
            } catch {
                return .failure(describe(error, source: nil))
            }
        }
        return .success(context.stdout.isTerminal ? .table : .json)
    }()

    private var cachedJQ: JQFilter?

    /// The `--jq` program, compiled before anything is sent.
    func jq() throws -> JQFilter? {
        if let cachedJQ { return cachedJQ }
        guard let expression = self[GlobalFlags.jq] else { return nil }
        // --jq prints its results, one per line: another format given with it would be silently dropped.
        if given(GlobalFlags.output), let chosen = try? format.get(), chosen != .json {
            throw CLIError.usage("-o \(chosen.rawValue) and --jq both choose what is printed: --jq prints its results, one per line; give one of them (or -o json)")
        }
        let filter = try JQFilter(expression) { [unowned self] in self.say("jq: " + $0) }
        cachedJQ = filter
        return filter
    }

    /// Set by a command that prints its data as it comes, applying the shaping flags itself (watch).
    public var printedItsOwnData = false

    /// `--fields`, `--sort-by` and `--jq` given where they cannot apply are said to have no effect once the
    /// command has done its work, so a script that expected shaped data learns why none came.
    func noteUnappliedShaping(_ output: CommandOutput) {
        let shaping: [any FlagDeclaration] = [GlobalFlags.fields, GlobalFlags.sortBy, GlobalFlags.jq, GlobalFlags.noHeaders, GlobalFlags.wide]
        var given = shaping.filter { self.given($0) }.map { "--" + $0.spec.name }
        // A format asked for is not what bytes passed through or plain text come in: said, as for the shaping flags.
        switch output {
        case .bytes: if self.given(GlobalFlags.output) { given.insert("-o", at: 0) }
        case .text where !dryRun: if self.given(GlobalFlags.output) { given.insert("-o", at: 0) }
        default: break
        }
        guard let last = given.last else { return }
        let reason: String
        switch output {
        case .bytes: reason = "'\(command.name)' prints the server's bytes as they came, not rows"
        case .text: reason = "'\(command.name)' prints plain text, not rows"
        case _ where !command.shapesOutput: reason = "'\(command.name)' prints no data"
        case .collection where dryRun: reason = "a dry run prints the requests, not an answer"
        case .document, .collection, .failed: return
        case .nothing where printedItsOwnData: return
        default: reason = dryRun ? "a dry run prints the requests, not an answer" : "'\(command.name)' printed no data"
        }
        let flags = given.count == 1 ? "\(last) has" : "\(given.dropLast().joined(separator: ", ")) and \(last) have"
        warn("\(flags) no effect: \(reason)")
    }

    func render(_ output: CommandOutput) throws {
        switch output {
        case .nothing, .text, .bytes:
            try Renderer(format: .json, fields: nil, jq: nil, headers: true, sortBy: nil, color: false, tableWidth: nil, out: context.stdout,
                         warn: warn, log: nil, hints: false, note: note).render(output) { try client() }
        case .document, .collection, .failed:
            let stdout = context.stdout
            let color = stdout.isTerminal && !self[GlobalFlags.noColor] && (environment["NO_COLOR"] ?? "").isEmpty
            let renderer = Renderer(format: try format.get(), fields: self[GlobalFlags.fields].map { $0.split(separator: ",").map(String.init) },
                                    jq: try jq(), headers: !self[GlobalFlags.noHeaders], sortBy: self[GlobalFlags.sortBy], color: color,
                                    tableWidth: stdout.isTerminal && !self[GlobalFlags.wide] ? stdout.width : nil, out: stdout,
                                    warn: warn, log: verbose ? { [unowned self] in self.say($0) } : nil,
                                    hints: context.stderr.isTerminal && !quiet, note: note,
                                    changed: { [unowned self] in self.cachedClient?.changed ?? false }, homeserve: homeserve)
            try renderer.render(output) { try client() }
        }
    }

    // MARK: Lists

    /// `--all` and `--limit N` ask for different rows: every one, or the first N.
    func checkAllOrLimit() throws {
        if self[ListFlags.all], let limit = self[ListFlags.limit] {
            throw CLIError.usage("--all and --limit \(limit) cannot be used together: --all prints every row, --limit the first N")
        }
    }

    /// The paging contract mapped to an endpoint: `--page`, `--page-size` (as `sizeParameter`), `--limit`,
    /// `--all`, `--parallel`. One walk per value of `split` when the server takes one value at a time.
    func listing(_ path: String, _ filters: ListFilters = ListFilters(), sizeParameter: String = "page_size",
                 presentation: Presentation, following: Bool = false, headers: [(String, String)] = [],
                 printsOtherAnswersAsReceived: Bool = false) throws -> CommandOutput {
        try checkAllOrLimit()
        var base = filters.query
        let split = filters.split
        if let page = self[ListFlags.page] { base.append(("page", String(page))) }
        if let size = self[ListFlags.pageSize] { base.append((sizeParameter, String(size))) }
        var walks: [APICall] = []
        if let split, split.values.count > 1, let page = self[ListFlags.page], page > 1 {
            throw CLIError.usage("--page \(page) cannot be used with several --\(split.flag) values: each value is a listing of its own; use --limit or --all")
        }
        if let split, !split.values.isEmpty {
            for value in split.values { walks.append(APICall("GET", path, query: base + [(split.name, value)])) }
        } else {
            walks.append(APICall("GET", path, query: base))
        }
        for index in walks.indices { walks[index].headers = headers }
        let limit = self[ListFlags.limit]
        let following = (following || self[ListFlags.all] || limit != nil) && !dryRun
        return .collection(Listing(walks: walks, presentation: presentation, filters: filters.rows, following: following,
                                   limit: limit, pageSize: self[ListFlags.pageSize], parallel: try parallel(),
                                   printsOtherAnswersAsReceived: printsOtherAnswersAsReceived))
    }

    /// `--parallel`, else HOMESERVE_PARALLEL, else 6: pages fetched at once by a walk that follows them.
    func parallel() throws -> Int {
        if let value = self[ListFlags.parallel] { return value }
        return try parallelFromEnvironment()
    }

    /// HOMESERVE_PARALLEL, else 6 (doctor checks it without taking --parallel).
    func parallelFromEnvironment() throws -> Int {
        if let text = environment["HOMESERVE_PARALLEL"], !text.isEmpty {
            guard let value = Int(text), (1...32).contains(value) else {
                throw CLIError.usage("invalid value '\(TerminalText.visible(text))' for HOMESERVE_PARALLEL: expected an integer from 1 to 32")
            }
            return value
        }
        return 6
    }

    // MARK: Real time

    /// Whether the plain `ws://` of this run's sockets was warned of: once, however many channels it opens.
    private var warnedOfPlainSocket = false

    /// Sockets go where HTTP goes: `--url`/HOMESERVE_URL beat the profile's `ws_url`, so a token is never
    /// sent to another server's socket; the base URL's path is kept (`https://h/prefix` → `wss://h/prefix`).
    /// A socket to another host in plain `ws://` is warned of, as plain http is: its token travels in the URL.
    func socketBase(warning: Bool = true) throws -> WebURL {
        let base = try baseURL()
        var socket = base.url.socketTwin
        if !Self.commandSources.contains(base.source), let text = try store.setting("ws_url") {
            switch WebURL.parse(text, schemes: WebURL.socketSchemes) {
            case let .success(url): socket = url
            case let .failure(problem):
                throw CLIError.usage("invalid ws_url '\(TerminalText.visible(WebURL.masked(text)))' in profile '\(profile.name)': it \(problem.reason) (fix with '\(homeserve) config set ws_url URL')")
            }
        }
        if warning, socket.sendsInTheClear, !warnedOfPlainSocket {
            warnedOfPlainSocket = true
            warn("sending credentials over plain ws:// to \(socket.host)\(base.url.isEncrypted ? " (the profile's url is https)" : ""); use wss")
        }
        return socket
    }
}

extension Invocation {
    /// How each event of a stream is printed: one JSON object per line (json and ndjson), a row (csv, tsv),
    /// a readable line (table), or jq's results.
    func eventPrinter() throws -> (JSON) throws -> Void {
        let fields = self[GlobalFlags.fields].map { $0.split(separator: ",").map(String.init) }
        let print = try eventFormat(fields)
        guard let fields else { return print }
        // A stream's messages differ by type, so a field the first lacks may come later: a typo is warned
        // of, not refused.
        var first = true
        return { [self] event in
            if first, event.isObject {
                first = false
                for field in Rows.missing(fields, in: [event]) {
                    warn("--fields \(field): the first message has no such field\(Rows.unknown(field, in: [event]))")
                }
            }
            try print(event)
        }
    }

    private func eventFormat(_ fields: [String]?) throws -> (JSON) throws -> Void {
        let out = context.stdout
        if let jq = try jq() { return { event in try jq.run(fields.map { Rows.project(event, $0) } ?? event, out: out) } }
        switch try format.get() {
        case .json, .ndjson:
            let printer = JSONRowPrinter(out: out, fields: fields, lines: true)
            return { printer.write($0) }
        case .csv, .tsv:
            let printer = DelimitedPrinter(out: out, tabs: try format.get() == .tsv, headers: !self[GlobalFlags.noHeaders])
            // As for a list: with no event, only --fields names columns; otherwise the header comes with the first.
            var started = fields != nil
            if let fields { printer.start(columns: fields) }
            return { event in
                if !started { printer.start(columns: ["timestamp", "type", "data"]) }
                started = true
                printer.write(event)
            }
        case .table:
            // The fields picked, each as name=value, in place of the type and the data's first fields.
            guard let fields else { return { event in out.line(EventLine.render(event)) } }
            return { event in
                guard event.isObject else { return out.line(EventLine.render(event)) }
                out.line(TerminalText.visible(fields.map { "\($0)=\(event.value(at: $0)?.cellText ?? "")" }.joined(separator: "  "), keepTabs: false))
            }
        }
    }
}
