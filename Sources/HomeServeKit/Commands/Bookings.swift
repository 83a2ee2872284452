enum BookingCommands {
    static let all: [Command] = [list, get, create]

    static let statuses = ["pending", "confirmed", "in_progress", "completed", "signed", "cancelled", "disputed"]
    static let columns = ["id", "service_name", "status", "scheduled_date", "pincode", "total_price"]
    static let idArgument = Argument("ID", .identifier, "Booking id")

    static let list = Command(
        "bookings list",
        summary: "List bookings you can see (customers: their own; vendors: their jobs)",
        flags: [
            Flag("status", .choice(statuses), "Only bookings in this status"),
            Flag("pincode", .pincode, "Only bookings in this pincode"),
        ] + ListFlags.all,
        examples: [
            Example("homeserve bookings list --status pending", "Bookings waiting for a vendor"),
            Example("homeserve bookings list --all -o ndjson | jq -r .id", "Every booking id, streamed"),
        ]
    ) { inv in
        try inv.showList("/api/bookings/", query: [("status", inv.values.string("status")), ("pincode", inv.values.string("pincode"))],
                         columns: columns)
    }

    static let get = Command(
        "bookings get",
        summary: "Show one booking",
        arguments: [idArgument],
        examples: [Example("homeserve bookings get 3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13", "All fields of a booking")]
    ) { inv in
        try inv.show(inv.client().send("GET", "/api/bookings/\(inv.values.argument(0)!)/"))
    }

    static let create = Command(
        "bookings create",
        summary: "Book a service at a pincode and time",
        discussion: """
        Without --price, the dynamic price is quoted first (GET /api/dynamic-pricing/ for the same service,
        pincode and time) and its final_price is sent as total_price; a line on stderr says so.
        """,
        flags: [
            Flag("service", .integer(1...Int.max), "Service id (see 'homeserve services list')", required: true, placeholder: "ID"),
            Flag("pincode", .pincode, "Where the service is needed", required: true),
            Flag("date", .dateTime, "When, as an ISO-8601 date-time", required: true),
            Flag("notes", .string, "Notes for the vendor"),
            Flag("price", .decimal, "Agreed total price; quoted dynamically when omitted"),
        ],
        examples: [
            Example("homeserve bookings create --service 1 --pincode 560001 --date 2026-12-01T10:00:00+05:30", "Book at the current dynamic price"),
            Example("homeserve bookings create --service 2 --pincode 560001 --date 2026-12-02T15:00:00Z --price 650 --notes 'Gate code 4411'", "Book at an agreed price"),
        ]
    ) { inv in
        let client = try inv.client()
        let service = inv.values.string("service")!, pincode = inv.values.string("pincode")!, date = inv.values.string("date")!
        var price = inv.values.string("price").map(Money.twoDecimals)
        if price == nil {
            let quote = try client.send("GET", "/api/dynamic-pricing/", query: [("service_id", service), ("pincode", pincode), ("scheduled_datetime", date)])
            if let quote {
                guard let final = quote["pricing"]?["final_price"]?.stringValue else {
                    throw CLIError(.serverError, "the price quote has no pricing.final_price; pass --price")
                }
                price = Money.twoDecimals(final)
                let level = quote["pricing"]?["demand_level"]?.stringValue.map { ", demand \($0)" } ?? ""
                inv.note("No --price given: using the dynamic price \(price!)\(level).")
            } else {
                inv.note("No --price given: total_price would be the quote's final_price.")
            }
        }
        var body: [(String, JSON)] = [("service", .number(service)), ("pincode", .string(pincode)), ("scheduled_date", .string(date))]
        if let notes = inv.values.string("notes") { body.append(("customer_notes", .string(notes))) }
        if let price { body.append(("total_price", .string(price))) }
        let created = try client.send("POST", "/api/bookings/", body: .json(.object(body)))
        if let id = created?["id"]?.stringValue { inv.note("Created booking \(id).") }
        try inv.show(created)
    }
}

enum Money {
    /// "549" → "549.00": DRF decimal fields are strings with two places.
    static func twoDecimals(_ text: String) -> String {
        guard let value = Double(text) else { return text }
        let cents = Int((value * 100).rounded())
        let fraction = cents % 100
        return "\(cents / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
