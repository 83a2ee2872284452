#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum AdminCommands {
    static let all: [Command] = [cacheStats, cacheClear, pincodes, history, historyExport, stats,
                                 notificationStats, notificationTrigger, notificationLogs, alerts, pincodeAnalytics]

    static let pageFlag = Flag("page", .integer(1...1_000_000), "Page to fetch")
    static let perPageFlag = Flag("per-page", .integer(1...100), "Entries per page")

    // MARK: Cache

    static let cacheStats = Command(
        "admin cache stats",
        summary: "Show the keys, hits and misses of each server cache",
        discussion: "Tables show one row per cache and the overall health on stderr; -o json prints the server's whole answer.",
        examples: [
            Example("homeserve admin cache stats", "How healthy are the caches?"),
            Example("homeserve admin cache stats -o json --fields cache_stats.overall_health,cache_stats.hit_rate", "Only the overall figures"),
        ]
    ) { inv in
        guard let response = try inv.client().send("GET", "/admin-dashboard/cache/") else { return }
        let stats = response["cache_stats"]
        guard try inv.printer().format != .json, let caches = stats?["caches"]?.arrayValue else { try inv.show(response); return }
        if let health = stats?["overall_health"]?.stringValue {
            let rate = stats?["hit_rate"]?.stringValue.map { ", hit rate \($0)" } ?? ""
            let keys = stats?["total_keys"]?.stringValue.map { ", \($0) keys" } ?? ""
            inv.note("Overall: \(health)\(rate)\(keys).")
        }
        let writer = try inv.printer().list(columns: ["name", "keys", "hits", "misses", "hit_rate", "last_cleared"])
        for cache in caches { writer.add(cache) }
        writer.finish()
    }

    static let cacheClear = Command(
        "admin cache clear",
        summary: "Clear one server cache, or all of them",
        discussion: "Cache names are the server's own; 'homeserve admin cache stats' lists them (the sandbox has pricing, vendor_search and services).",
        flags: [Flag("type", .identifier, "all, or the name of one cache", default: "all", placeholder: "NAME")],
        examples: [
            Example("homeserve admin cache clear", "Clear every cache"),
            Example("homeserve admin cache clear --type vendor_search", "Drop cached vendor searches only"),
        ]
    ) { inv in
        let body = JSON.object([("cache_type", .string(inv.values.string("type")!))])
        try inv.show(inv.client().send("POST", "/admin-dashboard/cache/", body: .json(body)))
    }

    // MARK: Pincode scaling

    static let pincodes = Command(
        "admin pincodes",
        summary: "Demand, supply and zone status per pincode",
        flags: [
            Flag("service-type", .string, "Only bookings of this service category", placeholder: "CATEGORY"),
            Flag("days-back", .integer(1...365), "How many days to look back (server default: 30)"),
        ],
        examples: [
            Example("homeserve admin pincodes --days-back 7", "Last week's zones"),
            Example("homeserve admin pincodes --service-type plumbing -o csv > zones.csv", "Plumbing demand per pincode as CSV"),
        ]
    ) { inv in
        let query: [(String, String?)] = [("service_type", inv.values.string("service-type")), ("days_back", inv.values.string("days-back"))]
        let response = try inv.client().send("GET", "/admin-dashboard/pincode-scaling/data/", query: query)
        try inv.showItems(response, keys: ["pincodes", "data"],
                          columns: ["pincode", "total_bookings", "active_bookings", "completed_bookings", "active_vendors",
                                    "demand_supply_ratio", "recommendation"])
    }

    // MARK: Edit history

    static let historyFilters: [Flag] = [
        Flag("model", .string, "Only changes to this model, e.g. Booking", placeholder: "MODEL"),
        Flag("user", .string, "Only changes made by this username", placeholder: "USER"),
        Flag("action", .string, "Only this action, e.g. create, update, delete", placeholder: "ACTION"),
        Flag("from", .date, "Changes on or after this day (start_date)"),
        Flag("to", .date, "Changes up to this day (end_date)"),
    ]

    static func historyFilterPairs(_ inv: Invocation) -> [(String, String)] {
        [("model", "model"), ("user", "user"), ("action", "action"), ("from", "start_date"), ("to", "end_date")]
            .compactMap { flag, key in inv.values.string(flag).map { (key, $0) } }
    }

    static let history = Command(
        "admin history",
        summary: "The audit trail: who changed what, and when (super admins)",
        discussion: "Newest first, a page at a time like every list; 'homeserve admin history export' writes the same filters as one CSV file.",
        flags: historyFilters + [Flag("page-size", .integer(1...100), "Entries per page (server default: 20)")] + ListFlags.all,
        examples: [
            Example("homeserve admin history --model Booking --action update --from 2026-12-01", "Booking edits since 1 December"),
            Example("homeserve admin history --user ops_mgr -o json", "Everything one manager changed, with diffs"),
        ]
    ) { inv in
        let query = historyFilterPairs(inv).map { ($0.0, Optional($0.1)) } + [("page_size", inv.values.string("page-size"))]
        try inv.showList("/admin-dashboard/edit-history/", query: query,
                         columns: ["id", "timestamp", "username", "action", "model", "object_id"])
    }

    static let historyExport = Command(
        "admin history export",
        summary: "Export the audit trail as CSV to a file or stdout (super admins)",
        discussion: """
        --out is replaced atomically (written beside it, then renamed) with mode 600, since the trail
        holds personal data; without --out the CSV goes to stdout. A server that wraps the file in JSON
        as base64 download_data is understood too.
        """,
        flags: historyFilters + [Flag("out", .string, "File to write the CSV to", placeholder: "FILE")],
        examples: [
            Example("homeserve admin history export --from 2026-11-01 --to 2026-11-30 --out audit-november.csv", "A month's audit trail for compliance"),
            Example("homeserve admin history export --model Payment | wc -l", "Count payment edits"),
        ]
    ) { inv in
        let out = inv.values.string("out")
        if let out { try checkWritable(out) }
        let filters = JSON.object(historyFilterPairs(inv).map { ($0.0, .string($0.1)) })
        let body = JSON.object([("format", .string("csv")), ("filters", filters)])
        guard let response = try inv.client().sendRaw("POST", "/admin-dashboard/edit-history/export/", body: .json(body)) else { return }
        var csv = response.body
        if response.header("Content-Type")?.lowercased().contains("json") == true,
           let wrapped = try? JSON.parse(response.body), let encoded = wrapped["download_data"]?.stringValue {
            guard let decoded = Base64.decode(url: encoded.filter { !$0.isWhitespace }) else {
                throw CLIError(.serverError, "POST /admin-dashboard/edit-history/export/: download_data is not valid base64")
            }
            csv = decoded
        }
        guard let out else { inv.terminal.out(bytes: csv); return }
        try AtomicFile.write(out, bytes: csv, mode: 0o600)
        inv.note("Wrote \(csv.count) bytes to \(out).")
    }

    /// `--out` is checked before the export runs, so a typo in the path costs no server work.
    static func checkWritable(_ path: String) throws {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { path[..<$0].isEmpty ? "/" : String(path[..<$0]) } ?? "."
        var info = stat()
        guard stat(directory, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw CLIError.usage("invalid value '\(path)' for --out: directory \(directory) does not exist")
        }
        guard access(directory, W_OK) == 0 else {
            throw CLIError.usage("invalid value '\(path)' for --out: directory \(directory) is not writable")
        }
        if stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            throw CLIError.usage("invalid value '\(path)' for --out: is a directory, expected a file name")
        }
    }

    // MARK: Dashboard and notifications

    static let stats = Command(
        "admin stats",
        summary: "Dashboard overview: cache health, activity in the last 24 hours, pincode coverage",
        examples: [Example("homeserve admin stats -o json", "The admin dashboard's numbers")]
    ) { inv in
        try inv.show(inv.client().send("GET", "/admin-dashboard/dashboard/stats/"))
    }

    static let notificationStats = Command(
        "admin notifications stats",
        summary: "Notification delivery statistics",
        examples: [Example("homeserve admin notifications stats", "How many notifications went out, and how many failed")]
    ) { inv in
        try inv.show(inv.client().send("GET", "/admin-dashboard/notifications/"))
    }

    static let notificationTrigger = Command(
        "admin notifications trigger",
        summary: "Run a scheduled notification task now",
        discussion: """
        ACTION names a server task; 'homeserve admin notifications stats' lists them as available_actions (the
        sandbox has send_booking_reminders, check_business_alerts, expire_signatures and cleanup_old_logs).
        """,
        arguments: [Argument("ACTION", .string, "The task to run")],
        examples: [Example("homeserve admin notifications trigger send_booking_reminders", "Remind tomorrow's customers and vendors now")]
    ) { inv in
        let action = try inv.nonBlank(inv.values.argument(0), for: "ACTION")
        try inv.show(inv.client().send("POST", "/admin-dashboard/notifications/", body: .json(.object([("action", .string(action))]))))
    }

    static let notificationLogs = Command(
        "admin notifications logs",
        summary: "Sent notifications, newest first, with delivery status",
        flags: [
            Flag("type", .string, "Only this notification type, e.g. booking_reminder", placeholder: "TYPE"),
            Flag("method", .choice(["email", "sms", "websocket"]), "Only this channel"),
            Flag("status", .choice(["pending", "sent", "delivered", "failed"]), "Only this delivery status"),
            Flag("recipient", .identifier, "Only notifications to this user id (recipient_id)"),
            Flag("from", .date, "Sent on or after this day (date_from)"),
            Flag("to", .date, "Sent up to this day (date_to)"),
            pageFlag, perPageFlag,
        ],
        examples: [
            Example("homeserve admin notifications logs --status failed --from 2026-12-01", "Failed notifications this month"),
            Example("homeserve admin notifications logs --method sms --per-page 100 -o csv", "A page of SMS logs as CSV"),
        ]
    ) { inv in
        let query: [(String, String?)] = [
            ("type", inv.values.string("type")), ("method", inv.values.string("method")), ("status", inv.values.string("status")),
            ("recipient_id", inv.values.string("recipient")), ("date_from", inv.values.string("from")), ("date_to", inv.values.string("to")),
            ("page", inv.values.string("page")), ("per_page", inv.values.string("per-page")),
        ]
        let response = try inv.client().send("GET", "/admin-dashboard/notifications/logs/", query: query)
        try inv.showItems(response, keys: ["logs", "results", "data"],
                          columns: ["id", "created_at", "notification_type", "method", "status", "recipient_username", "subject"])
        inv.notePages(response, page: inv.values.int("page") ?? 1)
    }

    static let alerts = Command(
        "admin alerts",
        summary: "Business alerts: unassigned bookings, stale disputes, overdue signatures",
        flags: [
            Flag("type", .string, "Only this alert type, e.g. unassigned_booking", placeholder: "TYPE"),
            Flag("severity", .choice(["low", "medium", "high", "critical"]), "Only this severity"),
            Flag("status", .choice(["active", "acknowledged", "resolved", "ignored"]), "Only this status"),
            pageFlag, perPageFlag,
        ],
        examples: [
            Example("homeserve admin alerts --status active --severity critical", "What needs attention now"),
            Example("homeserve admin alerts --type stale_dispute -o json", "Stale-dispute alerts with their details"),
        ]
    ) { inv in
        let query: [(String, String?)] = [
            ("type", inv.values.string("type")), ("severity", inv.values.string("severity")), ("status", inv.values.string("status")),
            ("page", inv.values.string("page")), ("per_page", inv.values.string("per-page")),
        ]
        let response = try inv.client().send("GET", "/admin-dashboard/notifications/alerts/", query: query)
        try inv.showItems(response, keys: ["alerts", "results", "data"],
                          columns: ["id", "created_at", "alert_type", "severity", "status", "title"])
        inv.notePages(response, page: inv.values.int("page") ?? 1)
    }

    static let pincodeAnalytics = Command(
        "admin analytics pincode",
        summary: "Booking, revenue and vendor figures per pincode over a period",
        flags: [
            Flag("pincode", .pincode, "Only this pincode"),
            Flag("from", .date, "From this day (date_from)"),
            Flag("to", .date, "Up to this day (date_to)"),
            pageFlag, perPageFlag,
        ],
        examples: [
            Example("homeserve admin analytics pincode --pincode 560001 --from 2026-12-01 --to 2026-12-07", "A week in one pincode"),
        ]
    ) { inv in
        let query: [(String, String?)] = [
            ("pincode", inv.values.string("pincode")), ("date_from", inv.values.string("from")), ("date_to", inv.values.string("to")),
            ("page", inv.values.string("page")), ("per_page", inv.values.string("per-page")),
        ]
        let response = try inv.client().send("GET", "/admin-dashboard/analytics/pincode/", query: query)
        try inv.showItems(response, keys: ["analytics", "results", "data"],
                          columns: ["pincode", "total_bookings", "completed_bookings", "cancelled_bookings", "revenue",
                                    "active_vendors", "top_service"])
        inv.notePages(response, page: inv.values.int("page") ?? 1)
    }
}
