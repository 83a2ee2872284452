enum ServiceCommands {
    static let all: [Command] = [list, get, categories]

    static let columns = ["id", "name", "category", "base_price", "duration_minutes"]

    static let list = Command(
        "services list",
        summary: "List the services customers can book",
        flags: [Flag("category", .string, "Only services in this category", placeholder: "NAME")] + ListFlags.all,
        examples: [
            Example("homeserve services list --category Cleaning", "Cleaning services"),
            Example("homeserve services list --all -o csv > services.csv", "The whole catalogue as CSV"),
        ]
    ) { inv in
        try inv.showList("/api/services/", query: [("category", inv.values.string("category"))], columns: columns)
    }

    static let get = Command(
        "services get",
        summary: "Show one service",
        arguments: [Argument("ID", .integer(1...Int.max), "Service id")],
        examples: [Example("homeserve services get 3", "Details of service 3")]
    ) { inv in
        try inv.show(inv.client().send("GET", "/api/services/\(inv.values.argument(0)!)/"))
    }

    static let categories = Command(
        "services categories",
        summary: "List the service categories, with how many services each has",
        examples: [Example("homeserve services categories -o json", "Categories for a script")]
    ) { inv in
        let client = try inv.client()
        guard let first = try client.send("GET", "/api/services/") else { return }
        var counts: [(String, Int)] = []
        try client.pages(from: first) { page in
            for service in page.pageItems ?? [] {
                let name = service["category"]?.stringValue ?? ""
                if let i = counts.firstIndex(where: { $0.0 == name }) { counts[i].1 += 1 } else { counts.append((name, 1)) }
            }
            return true
        }
        let writer = try inv.printer().list(columns: ["category", "services"])
        for (name, count) in counts { writer.add(.object([("category", .string(name)), ("services", .int(count))])) }
        writer.finish()
    }
}
