enum BookingCommands {
    static let all: [Command] = [list, get, create, update, cancel, accept, complete, requestSignature, wait]

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

    static let update = Command(
        "bookings update",
        summary: "Change a booking's notes, time, status or any other field",
        discussion: """
        Sends only what is given, as one PATCH. --set KEY=VALUE sets any field by its API name and may be
        repeated; the value is typed: JSON numbers (12, 4.5; 007 stays a string) become numbers, true/false
        booleans, null null, anything else a string. Without any change the command fails with exit code 2
        and sends nothing.
        """,
        flags: [
            Flag("notes", .string, "New customer notes (customer_notes)"),
            Flag("vendor-notes", .string, "New vendor notes (vendor_notes)"),
            Flag("date", .dateTime, "New scheduled time (scheduled_date)"),
            Flag("status", .choice(statuses), "New status"),
            Flag("set", .keyValue, "Set any field by its API name", repeatable: true),
        ],
        arguments: [idArgument],
        examples: [
            Example("homeserve bookings update 3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13 --date 2026-12-03T09:30:00+05:30 --notes 'Ring twice'", "Move a booking and update the notes"),
            Example("homeserve bookings update 3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13 --set buffer_after_minutes=15", "Set a field that has no flag of its own"),
        ]
    ) { inv in
        var body = JSON.object([])
        for (flag, key) in [("notes", "customer_notes"), ("vendor-notes", "vendor_notes"), ("date", "scheduled_date"), ("status", "status")] {
            if let value = inv.values.string(flag) { body = body.setting(key, .string(value)) }
        }
        for pair in inv.values.strings("set") {
            let (key, text) = FieldValue.split(pair)
            body = body.setting(key, FieldValue.typed(text))
        }
        guard case let .object(pairs) = body, !pairs.isEmpty else {
            throw CLIError.usage("'bookings update' needs a change: --notes, --vendor-notes, --date, --status or --set KEY=VALUE")
        }
        try inv.show(inv.client().send("PATCH", "/api/bookings/\(inv.values.argument(0)!)/", body: .json(body)))
    }

    static let cancel = Command(
        "bookings cancel",
        summary: "Cancel a booking",
        arguments: [idArgument],
        examples: [Example("homeserve bookings cancel 3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13", "Cancel a booking you no longer need")]
    ) { inv in
        let id = inv.values.argument(0)!
        let booking = try inv.client().send("PATCH", "/api/bookings/\(id)/", body: .json(.object([("status", .string("cancelled"))])))
        if booking != nil { inv.note("Cancelled booking \(id).") }
        try inv.show(booking)
    }

    static let accept = Command(
        "bookings accept",
        summary: "Accept a pending booking as its vendor",
        arguments: [idArgument],
        examples: [Example("homeserve bookings accept 3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13", "Take the job")]
    ) { inv in
        try inv.show(inv.client().send("POST", "/api/bookings/\(inv.values.argument(0)!)/accept_booking/"))
    }

    static let complete = Command(
        "bookings complete",
        summary: "Mark a job done as its vendor and print the payment intent it creates",
        discussion: "The server's message goes to stderr; stdout carries the payment_intent object.",
        arguments: [idArgument],
        examples: [
            Example("homeserve bookings complete 3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13", "Finish a job"),
            Example("homeserve bookings complete 3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13 -o json --fields id,amount", "The payment intent's id and amount"),
        ]
    ) { inv in
        guard let response = try inv.client().send("POST", "/api/bookings/\(inv.values.argument(0)!)/complete_booking/") else { return }
        if let message = response["message"]?.stringValue { inv.note(message) }
        try inv.show(response["payment_intent"] ?? response)
    }

    static let requestSignature = Command(
        "bookings request-signature",
        summary: "Ask the customer to sign off a completed job",
        discussion: "Prints the server's answer, including the signature_id the customer signs with 'homeserve signatures sign'.",
        arguments: [idArgument],
        examples: [Example("homeserve bookings request-signature 3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13", "Request the customer's signature")]
    ) { inv in
        try inv.show(inv.client().send("POST", "/api/bookings/\(inv.values.argument(0)!)/request_signature/"))
    }
}

enum Money {
    /// "549" → "549.00", "12.345" → "12.35": DRF decimal fields are strings with two places. Done on the
    /// digits, not through a Double, so any length of input is exact and nothing can overflow.
    static func twoDecimals(_ text: String) -> String {
        let negative = text.hasPrefix("-")
        let unsigned = negative ? String(text.dropFirst()) : text
        let parts = unsigned.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, parts.count <= 2, !whole.isEmpty || parts.count == 2,
              (whole + (parts.count == 2 ? parts[1] : "")).allSatisfy({ $0.isASCII && $0.isNumber }) else { return text }
        var digits = Array((whole.isEmpty ? "0" : String(whole)) + String((parts.count == 2 ? parts[1] : "") + "000").prefix(3))
        let roundUp = digits.removeLast() >= "5"
        if roundUp {
            var i = digits.count - 1
            while i >= 0 {
                if digits[i] == "9" { digits[i] = "0"; i -= 1 } else { digits[i] = Character(String(digits[i].wholeNumberValue! + 1)); break }
            }
            if i < 0 { digits.insert("1", at: 0) }
        }
        var integer = String(digits.dropLast(2))
        while integer.count > 1 && integer.hasPrefix("0") { integer.removeFirst() }
        let result = integer + "." + String(digits.suffix(2))
        return negative && result != "0.00" ? "-" + result : result
    }
}


/// `bookings wait`: listens on the booking channel and polls as a fallback, so a lost socket never
/// means a missed transition.
extension BookingCommands {
    static let wait = Command(
        "bookings wait",
        summary: "Block until a booking reaches a status, then print it",
        discussion: """
        Listens on the booking's WebSocket channel and, as the contract recommends, also polls the booking
        (every 30 s by default) so a lost socket never means a missed transition. Exits 0 with the booking
        printed, or 9 when --timeout passes first. After this command, --timeout bounds the whole wait; a
        per-request timeout can still be given before the command (homeserve --timeout 5 bookings wait …).
        """,
        flags: [
            Flag("status", .choice(BookingCommands.statuses), "Status to wait for", required: true),
            Flag("timeout", .integer(1...Int.max), "Give up (exit 9) after SECONDS", default: "600", placeholder: "SECONDS"),
            Flag("poll", .integer(1...3600), "Seconds between fallback polls", default: "30", placeholder: "SECONDS"),
        ] + WatchCommands.reconnectFlags,
        arguments: [Argument("ID", .identifier, "Booking id")],
        examples: [
            Example("homeserve bookings wait 3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13 --status confirmed --timeout 900",
                    "In a script: continue once a vendor accepts"),
        ]
    ) { inv in
        let id = inv.values.argument(0)!, target = inv.values.string("status")!
        let client = try inv.client()
        let path = "/api/bookings/\(id)/"
        guard var booking = try client.send("GET", path) else { return }
        var lastStatus = booking["status"]?.stringValue ?? "unknown"
        if lastStatus != target {
            var policy = WatchCommands.policy(inv)
            policy.pollEvery = Double(inv.values.int("poll") ?? 30)
            policy.socketOptional = true
            let follower = ChannelFollower(inv: inv, path: "/ws/bookings/\(id)/", policy: policy)
            func poll() throws -> Bool {
                booking = try client.send("GET", path) ?? booking
                lastStatus = booking["status"]?.stringValue ?? lastStatus
                return lastStatus == target
            }
            do {
                try follower.run(onMessage: { message in
                    guard message["type"]?.stringValue == "booking_status_change" else { return false }
                    let status = message["data"]?["status"]?.stringValue ?? message["data"]?["new_status"]?.stringValue
                    if let status { lastStatus = status }
                    guard status == target else { return false }
                    _ = try poll()
                    return true
                }, onPoll: poll)
            } catch is ChannelFollower.DeadlinePassed {
                throw CLIError(.network, "booking \(id) did not reach '\(target)' within \(inv.values.int("timeout") ?? 600)s (last status: \(lastStatus))")
            }
        }
        try inv.show(booking)
    }
}
