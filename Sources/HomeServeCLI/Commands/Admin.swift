import HomeServeAPI
import HomeServeCore

enum AdminCommands {
    static let all: [Command] = [cacheStats, cacheClear, pincodes, stats, pincodeAnalytics]
        + AdminHistoryCommands.all + AdminNotificationCommands.all

    // MARK: Cache

    static let cacheStats = Command(
        "admin cache stats",
        summary: "Show the keys, hits and misses of each server cache",
        discussion: "Rows are the caches; -o json prints the server's whole answer, overall health included.",
        examples: [
            Example("homeserve admin cache stats", "How healthy are the caches?"),
            Example("homeserve admin cache stats -o json --jq .cache_stats.overall_health", "Only the overall health"),
        ]
    ) { inv in
        let call = APICall("GET", "/admin-dashboard/cache/")
        let presentation = Presentation.report(["name", "keys", "hits", "misses", "hit_rate", "last_cleared"], within: ["cache_stats", "data"])
        guard let answer = try inv.json(call) else { return .nothing }
        try Invocation.requireSomething(answer, of: call, presentation, client: try inv.client())
        if let health = answer.value(at: "cache_stats.overall_health")?.stringValue { inv.note("Overall: \(health).") }
        return .document(answer, presentation)
    }

    static let cacheType = RequiredFlag("type", .open(["all", "pricing", "vendor_search", "services"], placeholder: "NAME"),
                                        "all, or the name of one cache ('homeserve admin cache stats' lists them)", default: "all", shown: "all")

    static let cacheClear = Command(
        "admin cache clear",
        summary: "Clear one server cache, or all of them",
        flags: [cacheType],
        examples: [
            Example("homeserve admin cache clear", "Clear every cache"),
            Example("homeserve admin cache clear --type vendor_search", "Drop cached vendor searches only"),
        ]
    ) { inv in
        return try inv.document(APICall("POST", "/admin-dashboard/cache/", body: .json(.object([("cache_type", .string(inv[cacheType]))]))),
                                .resource(), saying: Invocation.serverMessage)
    }

    // MARK: Pincodes and the dashboard

    static let serviceType = Flag("service-type", .nonBlank, "Only bookings of this service category", placeholder: "CATEGORY")
    static let daysBack = Flag("days-back", .integer(1...365), "How many days to look back (server default: 30)")

    static let pincodes = Command(
        "admin pincodes",
        summary: "Demand, supply and zone status per pincode",
        discussion: "Rows are the pincodes; -o json prints the server's whole answer, the summary totals included.",
        flags: [serviceType, daysBack],
        examples: [
            Example("homeserve admin pincodes --days-back 7", "Last week's zones"),
            Example("homeserve admin pincodes --service-type plumbing -o csv > zones.csv", "Plumbing demand per pincode as CSV"),
        ]
    ) { inv in
        var query: [(String, String)] = []
        if let value = inv[serviceType] { query.append(("service_type", value)) }
        if let value = inv[daysBack] { query.append(("days_back", String(value))) }
        return try inv.document(APICall("GET", "/admin-dashboard/pincode-scaling/data/", query: query),
                                .report(["pincode", "total_bookings", "active_bookings", "completed_bookings", "active_vendors",
                                         "demand_supply_ratio", "recommendation"]))
    }

    static let stats = Command(
        "admin stats",
        summary: "Dashboard overview: the platform's totals (users, bookings, revenue, disputes, …)",
        examples: [Example("homeserve admin stats -o json", "The admin dashboard's numbers")]
    ) { inv in
        return try inv.document(APICall("GET", "/admin-dashboard/dashboard/stats/"), .report())
    }

    // MARK: Analytics

    static let pincode = Flag("pincode", .pincode, "Only this pincode")
    static let from = Flag("from", .date, "From this day (date_from)")
    static let to = Flag("to", .date, "Up to this day (date_to)")

    static let pincodeAnalytics = Command(
        "admin analytics pincode",
        summary: "Booking, revenue and vendor figures per pincode over a period",
        flags: [pincode, from, to] + ListFlags.flags,
        examples: [
            Example("homeserve admin analytics pincode --pincode 560001 --from 2026-12-01 --to 2026-12-07", "A week in one pincode"),
            Example("homeserve admin analytics pincode --all -o csv > pincodes.csv", "Every pincode's figures"),
        ]
    ) { inv in
        var filters = ListFilters()
        filters.add("pincode", inv[pincode], flag: "pincode", paths: ["pincode"])
        try filters.dates(("date_from", "date_to"), from: inv[from], to: inv[to], flag: "from/--to", paths: [])
        return try inv.listing("/admin-dashboard/analytics/pincode/", filters, sizeParameter: "per_page",
                               presentation: .report(["pincode", "total_bookings", "completed_bookings", "cancelled_bookings", "revenue",
                                                      "active_vendors", "top_service"]))
    }
}
