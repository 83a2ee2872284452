#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a command's `run` receives: its validated values, the global options, the terminal, and
/// (built on first use, so offline commands never touch them) the session, API client and printer.
public final class Invocation {
    public let command: Command
    public let values: ParsedValues
    public let global: ParsedValues
    public let terminal: Terminal
    public let environment: [String: String]

    public init(command: Command, values: ParsedValues, global: ParsedValues, terminal: Terminal, environment: [String: String]) {
        self.command = command
        self.values = values
        self.global = global
        self.terminal = terminal
        self.environment = environment
    }

    public var quiet: Bool { global.bool("quiet") }
    public var dryRun: Bool { global.bool("dry-run") }

    public lazy var session = Session(paths: ConfigPaths(environment: environment),
                                      profile: global.string("profile"),
                                      environment: environment, warn: { [terminal] in terminal.err($0) })

    private var cachedClient: APIClient?

    public func client() throws -> APIClient {
        if let cachedClient { return cachedClient }
        var options = APIClient.Options()
        options.retries = global.int("retries") ?? 3
        options.dryRun = dryRun
        options.verbose = global.bool("verbose")
        options.transport.timeoutSeconds = global.int("timeout") ?? 30
        options.transport.insecure = global.bool("insecure")
        options.transport.caFile = global.string("cacert")
        let client = APIClient(baseURL: try session.baseURL(flag: global.string("url")), session: session, options: options, terminal: terminal)
        cachedClient = client
        return client
    }

    private var cachedPrinter: Printer?

    /// `-o` beats `HOMESERVE_OUTPUT`, which beats the profile's `output`; else table on a TTY, json otherwise.
    public func printer() throws -> Printer {
        if let cachedPrinter { return cachedPrinter }
        let format: OutputFormat
        if let flag = global.string("output") {
            format = OutputFormat(rawValue: flag)!
        } else if let env = environment["HOMESERVE_OUTPUT"], !env.isEmpty {
            guard let chosen = OutputFormat(rawValue: env) else {
                throw CLIError.usage("invalid value '\(env)' for HOMESERVE_OUTPUT: expected one of: \(GlobalFlags.formats.joined(separator: ", "))")
            }
            format = chosen
        } else if let setting = try session.setting("output") {
            guard let chosen = OutputFormat(rawValue: setting) else {
                throw CLIError.usage("invalid output '\(setting)' in profile '\(session.profile)': expected one of: \(GlobalFlags.formats.joined(separator: ", ")) (fix with 'homeserve config set output FORMAT')")
            }
            format = chosen
        } else {
            format = terminal.stdoutIsTTY ? .table : .json
        }
        let fields = global.string("fields").map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: " ") }.filter { !$0.isEmpty } }
        let color = terminal.stdoutIsTTY && !global.bool("no-color") && (environment["NO_COLOR"] ?? "").isEmpty
        let printer = Printer(format: format, fields: fields, color: color, terminal: terminal)
        cachedPrinter = printer
        return printer
    }

    /// An informational line on stderr, unless `--quiet`.
    public func note(_ message: String) {
        if !quiet { terminal.err(message) }
    }

    /// Prints a single resource; a dry run has nothing to print.
    public func show(_ value: JSON?) throws {
        guard let value else { return }
        try printer().object(value)
    }

    /// Prints a list endpoint's items, honouring `--page`, `--limit` and `--all`, page by page.
    public func showList(_ path: String, query: [(String, String?)] = [], columns: [String]) throws {
        let client = try client()
        let limit = values.int("limit")
        let all = values.bool("all")
        var query = query
        if let page = values.string("page") { query.append(("page", page)) }
        guard let first = try client.send("GET", path, query: query) else { return }
        let writer = try printer().list(columns: columns)
        let last = try client.pages(from: first) { page in
            for item in page.pageItems ?? [] {
                if let limit, writer.written >= limit { break }
                writer.add(item)
            }
            guard writer.flush() else { return false }
            if let limit { return writer.written < limit }
            return all
        }
        if terminal.outputClosed { return }
        if !all, limit == nil, let next = last["next"]?.stringValue, let count = last["count"]?.intValue, terminal.stderrIsTTY, !quiet {
            terminal.err("Showing \(writer.written) of \(count); use --all, --limit N or --page N (next: \(next))")
        }
        writer.finish()
    }
}

// MARK: - Shapes the endpoint commands share

extension Invocation {
    /// A text flag or argument the server needs filled in: blank text fails here, before sending.
    func nonBlank(_ value: String?, for what: String) throws -> String {
        guard let value, !value.trimmingCharacters(in: " \t\r\n").isEmpty else {
            throw CLIError.usage("invalid value '\(value ?? "")' for \(what): expected non-empty text")
        }
        return value
    }

    /// A response that wraps its list (`{"vendors": [...], "total_vendors": 3}`) prints like a list
    /// command: the items only, in every format. The first of `keys` that holds an array wins; a bare
    /// array is used as is; anything else is printed whole so nothing the server said is lost.
    func showItems(_ response: JSON?, keys: [String], columns: [String]) throws {
        guard let response else { return }
        guard let items = response.arrayValue ?? keys.lazy.compactMap({ response[$0]?.arrayValue }).first else {
            try show(response)
            return
        }
        let writer = try printer().list(columns: columns)
        for item in items { writer.add(item) }
        writer.finish()
    }

    /// A single resource whose useful part is nested: `-o table` shows the `summary` dot paths unless
    /// --fields is given; every other format prints the whole object.
    func show(_ value: JSON?, summary: [String]) throws {
        guard let value else { return }
        let printer = try printer()
        printer.object(printer.format == .table && printer.fields == nil ? Printer.project(value, summary) : value)
    }

    /// Page-numbered endpoints (as opposed to DRF `next` links) say "more" in different words; on a
    /// terminal the next page is suggested the way `showList` does.
    func notePages(_ response: JSON?, page: Int) {
        guard let response, terminal.stderrIsTTY else { return }
        let info = response["pagination"] ?? response
        let more = info["has_next"] ?? info["has_more"] ?? info["next_page"].map { .bool(!$0.isNull) }
        if more == .bool(true) { note("More results: use --page \(page + 1)") }
    }
}
