import HomeServeAPI
import HomeServeCore

enum AdminHistoryCommands {
    static let all: [Command] = [history, export]

    static let model = Flag("model", .nonBlank, "Only changes to this model, e.g. Booking", placeholder: "MODEL")
    static let user = Flag("user", .nonBlank, "Only changes made by this username", placeholder: "USER")
    static let action = Flag("action", .open(["create", "update", "delete"], placeholder: "ACTION"), "Only this action")
    static let from = Flag("from", .date, "Changes on or after this day (start_date)")
    static let to = Flag("to", .date, "Changes up to this day (end_date)")
    static let filterFlags: [any FlagDeclaration] = [model, user, action, from, to]

    static func filters(_ inv: Invocation) throws -> ListFilters {
        var filters = ListFilters()
        filters.add("model", inv[model], flag: "model", paths: ["model", "model_name", "content_type"])
        filters.add("user", inv[user], flag: "user", paths: ["username", "user"])
        filters.add("action", inv[action], flag: "action", paths: ["action"])
        try filters.dates(("start_date", "end_date"), from: inv[from], to: inv[to], flag: "from/--to", paths: ["timestamp", "created_at"])
        return filters
    }

    static let history = Command(
        "admin history",
        summary: "The audit trail: who changed what, and when (operators)",
        discussion: "Newest first, in the server's order; 'homeserve admin history export' writes the same filters\nas one CSV file.",
        flags: filterFlags + ListFlags.flags,
        examples: [
            Example("homeserve admin history --model Booking --action update --from 2026-12-01", "Booking edits since 1 December"),
            Example("homeserve admin history --user ops_mgr --all -o json", "Everything one manager changed, with diffs"),
        ]
    ) { inv in
        try inv.listing("/admin-dashboard/edit-history/", try filters(inv),
                               presentation: .report(["id", "timestamp", "username", "action", "model", "object_id"]))
    }

    static let out = Flag("out", .outputFile, "File to write the CSV to (mode 600, replaced atomically; - is stdout)")

    static let export = Command(
        "admin history export",
        summary: "Export the audit trail as CSV to a file or stdout (operators)",
        discussion: """
        --out is replaced atomically (written beside it, then renamed) with mode 600, since the trail holds
        personal data; a symbolic link there is refused before anything is sent, and a device or named pipe
        (/dev/null, a FIFO) is written in place. Without --out, or with --out -, the CSV goes to stdout as
        received. A server that wraps the file in JSON as base64 download_data is understood too; a JSON
        answer saying the export did not happen is exit 6, and one without download_data is exit 8, as is a
        CSV that ends inside a quoted field or whose last record lacks the CRLF the others end with (cut
        short), an empty answer (a CSV has its header row even with
        no entries) or a web page; nothing is written then, and a file already at --out is left as it was.
        """,
        flags: filterFlags + [out],
        examples: [
            Example("homeserve admin history export --from 2026-11-01 --to 2026-11-30 --out audit-november.csv", "A month's audit trail for compliance"),
            Example("homeserve admin history export --model Payment | tail -n +2 | wc -l", "Count payment edits (the CSV less its header)"),
        ],
        printsData: false
    ) { inv in
        let body = JSON.object([("format", .string("csv")), ("filters", .object(try filters(inv).query.map { ($0.0, .string($0.1)) }))])
        let endpoint = "/admin-dashboard/edit-history/export/"
        var call = APICall("POST", endpoint, body: .json(body))
        // A read sent as a POST: it changes nothing, so a failed one is simply asked again.
        call.computesOnly = true
        call.accept = "text/csv, application/json"
        let client = try inv.client()
        guard let response = try client.send(call) else { return .nothing }
        // A web page in place of the file (a proxy's sign-in page answered 200) is said so: known by its type,
        // or by starting as a page does. Text inside the CSV (a note quoting HTML) is data, not a page.
        let start = String(decoding: response.body.prefix(512), as: UTF8.self).drop { $0 == "\u{FEFF}" || $0.isWhitespace }.lowercased()
        if response.header("Content-Type")?.lowercased().hasPrefix("text/html") == true || start.hasPrefix("<!doctype") || start.hasPrefix("<html") {
            let page = ErrorBody.summary(ofNonJSON: response.body) ?? "an HTML page"
            throw APIError.badResponse(method: "POST", path: client.shown(call), reason: "the answer is \(page.hasPrefix("an HTML") ? page : "a web page: " + page), not CSV")
        }
        var csv = response.body
        // A JSON answer is read as any write's is: one saying the export did not happen is exit 6, and one
        // without the file is exit 8, never the JSON passed off as the CSV.
        if response.declaresJSON {
            let wrapped = try client.document(response, call: call)
            guard let encoded = (wrapped["download_data"] ?? wrapped["data"]?["download_data"])?.stringValue else {
                let keys = wrapped.keys.isEmpty ? "" : " (keys: \(wrapped.keys.joined(separator: ", ")))"
                throw APIError.badResponse(method: "POST", path: client.shown(call), reason: "the answer is JSON without download_data\(keys)")
            }
            guard let decoded = Base64.decode(encoded.filter { !$0.isWhitespace }) else {
                throw APIError.badResponse(method: "POST", path: client.shown(call), reason: "download_data is not valid base64")
            }
            csv = decoded
        }
        // Nothing at all is no CSV: one has its header row even when no entry matches. Exit 8, and a file
        // already at --out is left as it was.
        if String(decoding: csv, as: UTF8.self).isBlank {
            throw APIError.badResponse(method: "POST", path: client.shown(call), reason: "the export is empty, without even a header row")
        }
        // Quotes in CSV come in pairs (RFC 4180 doubles a quote inside a field): an odd count is a quoted
        // field that never ends, a file cut short whatever its Content-Length said.
        if csv.lazy.filter({ $0 == UInt8(ascii: "\"") }).count % 2 == 1 {
            throw APIError.badResponse(method: "POST", path: client.shown(call), reason: "the CSV ends inside a quoted field: it was cut short (\(csv.count) bytes)")
        }
        // Records ended with CRLF, as RFC 4180 and Python's csv writer end them, and a last one without it: a
        // record cut short outside quotes. (A file of lines joined by a bare LF may leave the last unended.)
        if let end = csv.firstIndex(of: UInt8(ascii: "\n")), end > 0, csv[end - 1] == UInt8(ascii: "\r"), csv.last != UInt8(ascii: "\n") {
            throw APIError.badResponse(method: "POST", path: client.shown(call), reason: "the CSV's last record has no line break where the others end with CRLF: it was cut short (\(csv.count) bytes)")
        }
        guard let path = OutputFile.named(inv[out]) else { return .bytes(csv) }
        try OutputFile.write(path, csv, mode: 0o600)
        inv.note("Wrote \(csv.count) bytes to \(path).")
        return .nothing
    }
}
