enum PricingCommands {
    static let all: [Command] = [quote, predict]

    static let serviceFlag = Flag("service", .integer(1...Int.max), "Service id (see 'homeserve services list')", required: true, placeholder: "ID")
    static let predictionColumns = ["date", "predicted_price", "surge_multiplier", "demand_level", "confidence"]

    static let quote = Command(
        "pricing quote",
        summary: "Quote the dynamic price of a service at a pincode and time",
        discussion: """
        Without --at the server prices the service for now. -o table shows the price lines; -o json the
        whole quote, including the multipliers behind it (pricing.factors) and pricing.breakdown.
        """,
        flags: [
            serviceFlag,
            Flag("pincode", .pincode, "Where the service is needed", required: true),
            Flag("at", .dateTime, "When the service would take place (scheduled_datetime)"),
        ],
        examples: [
            Example("homeserve pricing quote --service 1 --pincode 560001", "Today's price"),
            Example("homeserve pricing quote --service 1 --pincode 560001 --at 2026-12-05T18:00:00+05:30 -o json", "The full quote for a Saturday evening"),
        ]
    ) { inv in
        let query: [(String, String?)] = [("service_id", inv.values.string("service")), ("pincode", inv.values.string("pincode")),
                                          ("scheduled_datetime", inv.values.string("at"))]
        let quote = try inv.client().send("GET", "/api/dynamic-pricing/", query: query)
        try inv.show(quote, summary: ["service.name", "pincode", "pricing.base_price", "pricing.surge_multiplier",
                                      "pricing.final_price", "pricing.demand_level", "timestamp"])
    }

    static let predict = Command(
        "pricing predict",
        summary: "Predict a service's price at a pincode for the coming days",
        discussion: "Tables and CSV show one row a day; -o json prints the whole prediction, service included.",
        flags: [
            serviceFlag,
            Flag("pincode", .pincode, "Where the service is needed", required: true),
            Flag("days", .integer(1...30), "How many days ahead", default: "7"),
        ],
        examples: [
            Example("homeserve pricing predict --service 1 --pincode 560001", "The coming week, a row a day"),
            Example("homeserve pricing predict --service 2 --pincode 560001 --days 30 -o csv > prices.csv", "A month of predictions for a spreadsheet"),
        ]
    ) { inv in
        let body = JSON.object([("service_id", .number(inv.values.string("service")!)), ("pincode", .string(inv.values.string("pincode")!)),
                                ("days", .number(inv.values.string("days")!))])
        guard let prediction = try inv.client().send("POST", "/api/dynamic-pricing/", body: .json(body)) else { return }
        if try inv.printer().format == .json {
            try inv.show(prediction)
        } else {
            try inv.showItems(prediction, keys: ["predictions"], columns: predictionColumns)
        }
    }
}
