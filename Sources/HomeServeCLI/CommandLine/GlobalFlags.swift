import HomeServeAPI
import HomeServeCore

/// Flags every command takes, before or after its name.
enum GlobalFlags {
    static let profile = Flag("profile", .profileName, "Profile to use (settings and credentials are kept per profile; also HOMESERVE_PROFILE)")
    static let url = Flag("url", .url, "API base URL for this call (beats HOMESERVE_URL and the profile's url)")
    static let output = Flag("output", short: "o", .format, "Output format; -o, then HOMESERVE_OUTPUT, then the profile's output on a terminal; else table on a terminal, json otherwise")
    static let fields = Flag("fields", .fieldList, "Fields of the rows to show")
    static let jq = Flag("jq", .nonBlank, "Filter what -o json would print with a jq expression; strings print raw, one result per line", placeholder: "EXPR")
    static let sortBy = Flag("sort-by", .sortPath, "Sort rows by a field (dot path), -PATH for descending; numbers as numbers, stable")
    static let noHeaders = SwitchFlag("no-headers", "Leave out the header row of table, csv and tsv output")
    static let wide = SwitchFlag("wide", "Print tables whole, every column and every cell uncut, instead of fitting the terminal's width")
    static let timeout = RequiredFlag("timeout", .integer(1...3600, placeholder: "SECONDS"), "Seconds one request attempt may take; retries and their waits get at most timeout × (retries + 1)", default: 30)
    static let retries = RequiredFlag("retries", .integer(0...10), "Retries after connection failures, rate limiting and an unavailable server (idempotent requests only)", default: 3)
    static let insecure = SwitchFlag("insecure", "Do not verify TLS certificates")
    static let cacert = Flag("cacert", .certificates, "CA certificate bundle (PEM) to verify the server with")
    static let dryRun = SwitchFlag("dry-run", "Print the HTTP requests as JSON lines instead of sending them (secrets as ***)")
    static let verbose = SwitchFlag("verbose", short: "v", "Log requests and responses on stderr (secrets redacted)")
    static let quiet = SwitchFlag("quiet", short: "q", "No informational messages on stderr; errors and warnings still show")
    static let noColor = SwitchFlag("no-color", "Never colour output (also: NO_COLOR)")
    static let help = SwitchFlag("help", short: "h", "Show help for the command", negatable: false)
    static let version = SwitchFlag("version", "Print the version", negatable: false)

    static let all: [any FlagDeclaration] = [profile, url, output, fields, jq, sortBy, noHeaders, wide, timeout, retries, insecure,
                                             cacert, dryRun, verbose, quiet, noColor, help, version]
}

/// The paging contract every list command shares, mapped to whatever parameters its endpoint takes.
enum ListFlags {
    static let page = Flag("page", .integer(1...1_000_000), "Page to fetch (with --all or --limit: the page to start from)")
    static let pageSize = Flag("page-size", .integer(1...1000), "Rows per page, sent as the endpoint's page-size parameter")
    static let limit = Flag("limit", .integer(1...), "Stop after N rows, following pages as needed (the server's first N; --sort-by sorts those)")
    static let all = SwitchFlag("all", "Follow every page to the end (streamed; memory stays flat)")
    static let parallel = parallel("With --all/--limit, pages fetched at once when the total is known (default 6, or HOMESERVE_PARALLEL; 1 = one after another)")

    /// `--parallel`, with the help of the command that declares it.
    static func parallel(_ help: String) -> Flag<Int> { Flag("parallel", .integer(1...32), help) }

    static let flags: [any FlagDeclaration] = [page, pageSize, limit, all, parallel]
}
