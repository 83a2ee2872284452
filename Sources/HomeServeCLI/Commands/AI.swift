import HomeServeAPI
import HomeServeCore

enum AICommands {
    static let all: [Command] = [pincode, dispute, vendorBonus]

    static let days = RequiredFlag("days", .integer(1...365), "How many days of history to analyse", default: 30)
    static let pincodeFlag = RequiredFlag("pincode", .pincode, "The pincode to analyse")
    static let disputeID = Argument("ID", .identifier, "Dispute id")
    static let vendor = Flag("vendor", .integer(1...), "Only this vendor id", placeholder: "ID")
    static let resolutionFields = ["dispute_id", "analysis.recommended_resolution", "analysis.suggested_refund_amount",
                                   "analysis.vendor_fault_probability", "analysis.confidence", "analysis.priority"]

    static let pincode = Command(
        "ai pincode",
        summary: "AI analysis of a pincode: demand forecast, supply gaps, recommendations",
        flags: [pincodeFlag, days],
        examples: [
            Example("homeserve ai pincode --pincode 560001", "The last 30 days of 560001, analysed"),
            Example("homeserve ai pincode --pincode 560001 --days 90 -o json", "A quarter's analysis for a report"),
        ]
    ) { inv in
        return try inv.document(APICall("GET", "/api/pincode-ai-analytics/", query: [("pincode", inv[pincodeFlag]), ("days", String(inv[days]))]), .report())
    }

    static let dispute = Command(
        "ai dispute",
        summary: "AI-suggested resolution of a dispute, with its reasoning",
        discussion: """
        A table shows the analysis (recommended resolution, suggested refund, confidence) and its inputs,
        then the factors behind it; csv and tsv print it as one row, the factors as JSON.
        """,
        arguments: [disputeID],
        examples: [Example("homeserve ai dispute 5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9 -o json", "What the model recommends, and why")]
    ) { inv in
        return try inv.document(APICall("GET", "/api/advanced-dispute-resolution/\(inv[disputeID])/"), .summary(resolutionFields))
    }

    static let vendorBonus = Command(
        "ai vendor-bonus",
        summary: "ML analysis of vendor bonuses: who earned one, and how much",
        discussion: "Rows are the vendors; -o json prints the server's whole answer, the total bonus pool included.",
        flags: [vendor, days],
        examples: [
            Example("homeserve ai vendor-bonus --days 7", "Bonus analysis for every vendor over a week"),
            Example("homeserve ai vendor-bonus --vendor 7 -o json", "One vendor's bonus analysis"),
        ]
    ) { inv in
        var query = [("days", String(inv[days]))]
        if let id = inv[vendor] { query.append(("vendor_id", String(id))) }
        return try inv.document(APICall("GET", "/api/advanced-vendor-bonus/", query: query), .report())
    }
}
