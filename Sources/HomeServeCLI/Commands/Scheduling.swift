import HomeServeAPI
import HomeServeCore

enum SchedulingCommands {
    static let all: [Command] = [slots, suggest, optimize]

    static let vendor = RequiredFlag("vendor", .integer(1...), "Vendor id (see 'homeserve vendors search')", placeholder: "ID")
    static let service = RequiredFlag("service", .integer(1...), "Service id (see 'homeserve services list')", placeholder: "ID")
    static let pincode = RequiredFlag("pincode", .pincode, "The customer's pincode")
    static let date = RequiredFlag("date", .date, "The day wanted, e.g. 2026-12-01 or tomorrow")
    static let day = RequiredFlag("date", .date, "The day to optimise")
    static let whose = Flag("vendor", .integer(1...), "The vendor whose day it is (operators; a vendor's own by default)", placeholder: "ID")

    static let slotColumns = ["start_time", "end_time", "is_available", "score", "travel_time_minutes", "buffer_time_minutes"]
    static let suggestionColumns = ["rank", "recommended_time", "score", "travel_time_minutes", "estimated_duration_minutes", "reasoning"]

    static func slotRequest(_ inv: Invocation) -> [(String, JSON)] {
        [("vendor_id", .int(inv[vendor])), ("service_id", .int(inv[service])), ("customer_pincode", .string(inv[pincode])),
         ("preferred_date", .string(inv[date]))]
    }

    static let slots = Command(
        "scheduling slots",
        summary: "List a vendor's time slots for a service on a day",
        discussion: "Slots already include the vendor's travel time to the pincode and the buffers around other jobs.",
        flags: [vendor, service, pincode, date],
        examples: [
            Example("homeserve scheduling slots --vendor 7 --service 1 --pincode 560001 --date tomorrow", "When can vendor 7 come tomorrow?"),
            Example("homeserve scheduling slots --vendor 7 --service 1 --pincode 560001 --date tomorrow -o json --jq '.available_slots[].start_time'", "Start times for a script"),
        ]
    ) { inv in
        let query = slotRequest(inv).map { ($0.0, $0.1.cellText) }
        return try inv.document(APICall("GET", "/api/smart-scheduling/", query: query), .report(slotColumns))
    }

    static let suggest = Command(
        "scheduling suggest",
        summary: "Suggest the best slot for a vendor, service, pincode and day",
        discussion: """
        Rows are the recommended slot (rank 1) and the alternatives, each with why; -o json prints the
        server's whole answer. When no slot is free, a line on stderr says so (the command still succeeds,
        with no rows).
        """,
        flags: [vendor, service, pincode, date],
        examples: [
            Example("homeserve scheduling suggest --vendor 7 --service 1 --pincode 560001 --date tomorrow", "The recommended time and the reasoning"),
        ]
    ) { inv in
        var call = APICall("POST", "/api/smart-scheduling/", body: .json(.object(slotRequest(inv))))
        call.computesOnly = true
        guard let answer = try inv.json(call) else { return .nothing }
        let presentation = Presentation.ranked(suggestionColumns, best: "optimal_slot", others: "alternatives")
        // However the server names them: no best slot, or no suggestion at all.
        if answer["optimal_slot"]?.isNull == true || Rows.of(answer, presentation.shape).rows.isEmpty {
            inv.note("No free slot on \(inv[date]); see '\(inv.homeserve) scheduling slots --vendor \(inv[vendor]) --service \(inv[service]) --pincode \(inv[pincode]) --date \(inv[date])' for the day's slots.")
        }
        return .document(answer, presentation)
    }

    static let optimize = Command(
        "scheduling optimize",
        summary: "Show the suggested order and timing of a vendor's jobs on a day (vendors: their own)",
        discussion: """
        A table shows the day's figures and suggestions, then the bookings in order; csv and tsv print the
        plan as one row, the bookings as JSON. Operators name the vendor with --vendor (sent as vendor_id),
        which the server requires of them (a session known to be an operator's is asked for it before
        anything is sent); a vendor gets their own day, whatever --vendor says, and a warning says so when
        the day shown is not --vendor's.
        """,
        flags: [day, whose],
        examples: [Example("homeserve scheduling optimize --date tomorrow -o json", "A vendor's own route for tomorrow"),
                   Example("homeserve scheduling optimize --date tomorrow --vendor 7", "An operator looks at vendor 7's day")]
    ) { inv in
        var query = [("date", inv[day])]
        if let vendor = inv[whose] {
            query.append(("vendor_id", String(vendor)))
        } else if let role = (try? inv.store.credentials())??.user["role"]?.stringValue, WatchCommands.operators.contains(role) {
            // An operator has no day of their own: the server requires the vendor, so it is asked for here.
            throw CLIError.usage("'scheduling optimize' needs --vendor ID when an operator (\(role)) asks: whose day to plan")
        }
        let output = try inv.document(APICall("GET", "/api/vendor-optimization/", query: query), .summary())
        // A vendor's --vendor is not theirs to choose: a day shown that is another vendor's is warned about.
        if case .document(let answer, _) = output, let asked = inv[whose],
           let shown = Rows.unwrap(answer, keys: ["data", "result"])["vendor_id"]?.intValue, shown != asked {
            inv.warn("the server planned vendor \(shown)'s day, not that of --vendor \(asked) (a vendor gets their own)")
        }
        return output
    }
}
