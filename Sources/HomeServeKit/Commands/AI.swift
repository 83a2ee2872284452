enum AICommands {
    static let all: [Command] = [pincode, dispute, vendorBonus]

    static let daysFlag = Flag("days", .integer(1...365), "How many days of history to analyse", default: "30")

    static let pincode = Command(
        "ai pincode",
        summary: "AI analysis of a pincode: demand forecast, supply gaps, recommendations",
        flags: [Flag("pincode", .pincode, "The pincode to analyse", required: true), daysFlag],
        examples: [
            Example("homeserve ai pincode --pincode 560001", "The last 30 days of 560001, analysed"),
            Example("homeserve ai pincode --pincode 560001 --days 90 -o json", "A quarter's analysis for a report"),
        ]
    ) { inv in
        let query: [(String, String?)] = [("pincode", inv.values.string("pincode")), ("days", inv.values.string("days"))]
        try inv.show(inv.client().send("GET", "/api/pincode-ai-analytics/", query: query))
    }

    static let dispute = Command(
        "ai dispute",
        summary: "AI-suggested resolution of a dispute, with its reasoning",
        arguments: [Argument("ID", .identifier, "Dispute id")],
        examples: [Example("homeserve ai dispute 5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9 -o json", "What the model recommends, and why")]
    ) { inv in
        try inv.show(inv.client().send("GET", "/api/advanced-dispute-resolution/\(inv.values.argument(0)!)/"))
    }

    static let vendorBonus = Command(
        "ai vendor-bonus",
        summary: "ML analysis of vendor bonuses: who earned one, and how much",
        flags: [Flag("vendor", .integer(1...Int.max), "Only this vendor id", placeholder: "ID"), daysFlag],
        examples: [
            Example("homeserve ai vendor-bonus --days 7", "Bonus analysis for every vendor over a week"),
            Example("homeserve ai vendor-bonus --vendor 7 -o json", "One vendor's bonus analysis"),
        ]
    ) { inv in
        let query: [(String, String?)] = [("days", inv.values.string("days")), ("vendor_id", inv.values.string("vendor"))]
        try inv.show(inv.client().send("GET", "/api/advanced-vendor-bonus/", query: query))
    }
}
