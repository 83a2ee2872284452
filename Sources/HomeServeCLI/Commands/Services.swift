import HomeServeAPI
import HomeServeCore

enum ServiceCommands {
    static let all: [Command] = [list, get, categories]

    static let columns = ["id", "name", "category", "base_price", "duration_minutes"]
    static let category = Flag("category", .nonBlank, "Only services in this category", placeholder: "NAME")
    static let id = Argument("ID", .integer(1...), "Service id")

    static let list = Command(
        "services list",
        summary: "List the services customers can book",
        flags: [category] + ListFlags.flags,
        examples: [
            Example("homeserve services list --category Cleaning", "Cleaning services"),
            Example("homeserve services list --all -o csv > services.csv", "The whole catalogue as CSV"),
            Example("homeserve services list --jq '.[0].id'", "The first service's id"),
        ]
    ) { inv in
        var filters = ListFilters()
        filters.add("category", inv[category], flag: "category", paths: ["category", "category.name", "category_name"])
        return try inv.listing("/api/services/", filters, presentation: .report(columns))
    }

    static let get = Command(
        "services get",
        summary: "Show one service",
        arguments: [id],
        examples: [Example("homeserve services get 3", "Details of service 3")]
    ) { inv in
        return try inv.document(APICall("GET", "/api/services/\(inv[id])/"), .resource(columns, wrappedIn: ["service"]))
    }

    /// `--parallel` as this command has it: every page is read, with no --all to ask for them.
    static let parallel = ListFlags.parallel("Pages of services fetched at once when the total is known (default 6, or HOMESERVE_PARALLEL; 1 = one after another)")

    static let categories = Command(
        "services categories",
        summary: "List the service categories, with how many services each has",
        discussion: "Every page of services is read; --parallel (or HOMESERVE_PARALLEL) sets how many at once, as for any list.",
        flags: [parallel],
        examples: [Example("homeserve services categories -o json", "Categories for a script")]
    ) { inv in
        var counts: [(String, Int)] = []
        let walker = PageWalker(client: try inv.client(), first: APICall("GET", "/api/services/"), parallel: try inv.parallel(), limit: nil, note: inv.warn)
        var rowsFound = true
        try walker.run(following: true) { page in
            guard let rows = page.rows else { rowsFound = false; return false }
            for service in rows {
                let name = service["category"].map { $0.isObject ? ($0["name"]?.cellText ?? "") : $0.cellText } ?? ""
                if let i = counts.firstIndex(where: { $0.0 == name }) { counts[i].1 += 1 } else { counts.append((name, 1)) }
            }
            return true
        }
        if inv.dryRun { return .nothing }
        guard rowsFound else { throw APIError.badResponse(method: "GET", path: "/api/services/", reason: "no list of services in the answer") }
        return .document(.array(counts.map { .object([("category", .string($0.0)), ("services", .int($0.1))]) }), .report(["category", "services"]))
    }
}
