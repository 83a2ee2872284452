enum SchedulingCommands {
    static let all: [Command] = [slots, suggest, optimize]

    static let slotFlags: [Flag] = [
        Flag("vendor", .integer(1...Int.max), "Vendor id (see 'homeserve vendors search')", required: true, placeholder: "ID"),
        Flag("service", .integer(1...Int.max), "Service id (see 'homeserve services list')", required: true, placeholder: "ID"),
        Flag("pincode", .pincode, "The customer's pincode", required: true),
        Flag("date", .date, "The day wanted", required: true),
    ]
    static let slotColumns = ["start_time", "end_time", "is_available", "score", "travel_time_minutes", "buffer_time_minutes"]

    static func slotRequest(_ inv: Invocation) -> [(String, String)] {
        [("vendor_id", inv.values.string("vendor")!), ("service_id", inv.values.string("service")!),
         ("customer_pincode", inv.values.string("pincode")!), ("preferred_date", inv.values.string("date")!)]
    }

    static let slots = Command(
        "scheduling slots",
        summary: "List a vendor's time slots for a service on a day",
        discussion: "Slots already include the vendor's travel time to the pincode and the buffers around other jobs.",
        flags: slotFlags,
        examples: [
            Example("homeserve scheduling slots --vendor 7 --service 1 --pincode 560001 --date 2026-12-01", "When can vendor 7 come?"),
            Example("homeserve scheduling slots --vendor 7 --service 1 --pincode 560001 --date 2026-12-01 -o json --fields start_time,score", "Start times and scores for a script"),
        ]
    ) { inv in
        let response = try inv.client().send("GET", "/api/smart-scheduling/", query: slotRequest(inv).map { ($0.0, $0.1) })
        try inv.showItems(response, keys: ["available_slots"], columns: slotColumns)
    }

    static let suggest = Command(
        "scheduling suggest",
        summary: "Suggest the best slot for a vendor, service, pincode and day",
        discussion: """
        -o table shows the recommended slot and why; -o json the server's whole answer. When no slot is
        free, a line on stderr says so (the command still succeeds; optimal_slot is null).
        """,
        flags: slotFlags,
        examples: [
            Example("homeserve scheduling suggest --vendor 7 --service 1 --pincode 560001 --date 2026-12-01", "The recommended time and the reasoning"),
        ]
    ) { inv in
        let body = JSON.object(slotRequest(inv).map { key, value in (key, key.hasSuffix("_id") ? .number(value) : .string(value)) })
        guard let response = try inv.client().send("POST", "/api/smart-scheduling/", body: .json(body)) else { return }
        if response["optimal_slot"]?.isNull ?? true {
            inv.note("No free slot on \(inv.values.string("date")!); see 'homeserve scheduling slots' for the day's slots.")
            if try inv.printer().format == .table { return }
        }
        try inv.show(response, summary: ["optimal_slot.recommended_time", "optimal_slot.score", "optimal_slot.reasoning",
                                         "optimal_slot.travel_time_minutes", "optimal_slot.estimated_duration_minutes"])
    }

    static let optimize = Command(
        "scheduling optimize",
        summary: "Show the suggested order and timing of your jobs on a day (vendors)",
        flags: [Flag("date", .date, "The day to optimise", required: true)],
        examples: [Example("homeserve scheduling optimize --date 2026-12-01 -o json", "Tomorrow's optimised route")]
    ) { inv in
        try inv.show(inv.client().send("GET", "/api/vendor-optimization/", query: [("date", inv.values.string("date"))]))
    }
}
