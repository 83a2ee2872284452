import HomeServeAPI
import HomeServeCore

enum BookingCommands {
    static let all: [Command] = [list, get, create, update, cancel, accept, complete, requestSignature, wait]

    static let statuses = ["pending", "confirmed", "in_progress", "completed", "signed", "cancelled", "disputed"]
    static let columns = ["id", "service_name", "status", "scheduled_date", "pincode", "total_price"]
    static let id = Argument("ID", .identifier, "Booking id")
    static let wrappers = ["booking"]

    // MARK: list

    static let status = ListFlag("status", .choice(statuses), "Only bookings in these statuses")
    static let pincode = Flag("pincode", .pincode, "Only bookings in this pincode")
    static let from = Flag("from", .date, "Only bookings scheduled on or after this day")
    static let to = Flag("to", .date, "Only bookings scheduled up to this day")
    static let customer = Flag("customer", .identifier, "Only bookings of this customer id (operators)")
    static let vendor = Flag("vendor", .identifier, "Only bookings of this vendor id (operators)")

    static let list = Command(
        "bookings list",
        summary: "List bookings you can see (customers: their own; vendors: their jobs; operators: all)",
        discussion: """
        Filters are sent to the server (status, pincode, customer, vendor, date_from, date_to) and also
        applied to the rows that come back, so a server that ignores one still gives a correct answer (-v
        says how many rows it sent anyway). The server takes one status at a time: with several, one
        listing per status is fetched, in the order given, each in the server's order; without --all or
        --limit that is the first page of each (--page-size rows per status). --page 2 or later is refused
        with several statuses, since each pages on its own.
        """,
        flags: [status, pincode, from, to, customer, vendor] + ListFlags.flags,
        examples: [
            Example("homeserve bookings list --status pending", "Bookings waiting for a vendor"),
            Example("homeserve bookings list --status pending,confirmed --all -o ndjson", "Every open booking, streamed"),
            Example("homeserve bookings list --from today --to +7d", "This week's bookings"),
        ]
    ) { inv in
        var filters = ListFilters()
        filters.add("status", inv[status], flag: "status", paths: ["status"])
        filters.add("pincode", inv[pincode], flag: "pincode", paths: ["pincode"])
        filters.add("customer", inv[customer], flag: "customer", paths: ["customer", "customer_id"])
        filters.add("vendor", inv[vendor], flag: "vendor", paths: ["vendor", "vendor_id"])
        try filters.dates(("date_from", "date_to"), from: inv[from], to: inv[to], flag: "from/--to", paths: ["scheduled_date", "scheduled_at", "date"])
        return try inv.listing("/api/bookings/", filters, presentation: .report(columns))
    }

    static let get = Command(
        "bookings get",
        summary: "Show one booking",
        arguments: [id],
        examples: [Example("homeserve bookings get 3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13", "All fields of a booking")]
    ) { inv in
        return try inv.document(APICall("GET", "/api/bookings/\(inv[id])/"), .resource(columns, wrappedIn: wrappers))
    }

    // MARK: create

    static let service = RequiredFlag("service", .integer(1...), "Service id (see 'homeserve services list')", placeholder: "ID")
    static let createPincode = RequiredFlag("pincode", .pincode, "Where the service is needed")
    static let date = RequiredFlag("date", .dateTime, "When, as ISO-8601 or e.g. 'tomorrow 10:00'")
    static let notes = Flag("notes", .text, "Notes for the vendor")
    static let price = Flag("price", .amount, "Agreed total price; the server prices the booking when omitted")

    static let create = Command(
        "bookings create",
        summary: "Book a service at a pincode and time",
        discussion: """
        Without --price, no total_price is sent and the server sets the dynamic price for the service, pincode
        and time, as 'homeserve pricing quote' shows it; a line on stderr says what it came to.
        """,
        flags: [service, createPincode, date, notes, price],
        examples: [
            Example("homeserve bookings create --service 1 --pincode 560001 --date 'tomorrow 10:00'", "Book at the current dynamic price"),
            Example("homeserve bookings create --service 2 --pincode 560001 --date 'tomorrow 15:00' --price 650 --notes 'Gate code 4411'", "Book at an agreed price"),
        ]
    ) { inv in
        var body: [(String, JSON)] = [("service", .int(inv[service])), ("pincode", .string(inv[createPincode])), ("scheduled_date", .string(inv[date]))]
        if let text = inv[notes] { body.append(("customer_notes", .string(text))) }
        if let total = inv[price] { body.append(("total_price", .string(total))) }
        let call = APICall("POST", "/api/bookings/", body: .json(.object(body)))
        guard let created = try inv.json(call) else { return .nothing }
        if let new = try Invocation.madeID(created, of: call, .resource(columns, wrappedIn: wrappers), client: try inv.client()) {
            var note = Invocation.serverMessage(created).map { "\($0) (booking \(new))" } ?? "Created booking \(new)."
            if inv[price] == nil, let total = Rows.unwrap(created, keys: wrappers)["total_price"]?.cellText, !total.isEmpty {
                note += (note.hasSuffix(".") ? " The" : "; the") + " server priced it at \(TerminalText.visible(total))."
            }
            inv.note(note)
        }
        return .document(created, .resource(columns, wrappedIn: wrappers))
    }

    // MARK: update and actions

    static let newNotes = Flag("notes", .text, "New customer notes (customer_notes)")
    static let vendorNotes = Flag("vendor-notes", .text, "New vendor notes (vendor_notes)")
    static let newDate = Flag("date", .dateTime, "New scheduled time (scheduled_date)")
    static let newStatus = Flag("status", .choice(statuses), "New status")
    static let set = ListFlag("set", .keyValue, "Set any field by its API name (numbers, true, false and null are sent typed)")

    static let update = Command(
        "bookings update",
        summary: "Change a booking's notes, time, status or any other field",
        discussion: """
        Sends only what is given, as one PATCH. --set KEY=VALUE sets any field by its API name and may be
        repeated; the value is typed: JSON numbers (12, 4.5; 007 stays a string) become numbers, true/false
        booleans, null null, anything else a string. Without any change the command fails with exit code 2
        and sends nothing. A new status is checked as 'bookings cancel' checks it (exit 6 if not taken);
        any other field the booking shows with another value than the one sent (a field this account may
        not change, left as it was) is exit 6 too, naming it and what was changed: the booking answered, or
        read back when the answer holds none or another one (exit 8 if that read fails). A --set field the
        booking does not show (a name mistyped, or one the server keeps to itself) is named on stderr.
        """,
        flags: [newNotes, vendorNotes, newDate, newStatus, set],
        arguments: [id],
        examples: [
            Example("homeserve bookings update 3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13 --date 'friday 09:30' --notes 'Ring twice'", "Move a booking and update the notes"),
            Example("homeserve bookings update 3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13 --set buffer_after_minutes=15", "Set a field that has no flag of its own"),
        ]
    ) { inv in
        let given = [(newNotes, "customer_notes"), (vendorNotes, "vendor_notes"), (newDate, "scheduled_date"), (newStatus, "status")]
            .compactMap { flag, key in inv[flag].map { (flag: flag.spec.name, key: key, value: $0) } }
        var body = JSON.object(given.map { ($0.key, .string($0.value)) })
        var setKeys: Set<String> = []
        for pair in inv[set] {
            if let clash = given.first(where: { $0.key == pair.key }) {
                throw CLIError.usage("--set \(pair.key)=… and --\(clash.flag) both set \(pair.key): give one")
            }
            guard setKeys.insert(pair.key).inserted else { throw CLIError.usage("--set \(pair.key)=… is given twice: give one value") }
            body = body.setting(pair.key, FieldValue.typed(pair.text))
        }
        guard !(body.objectValue?.isEmpty ?? true) else {
            throw CLIError.usage("'bookings update' needs a change: --notes, --vendor-notes, --date, --status or --set KEY=VALUE")
        }
        guard let answer = try inv.json(APICall("PATCH", "/api/bookings/\(inv[id])/", body: .json(body))) else { return .nothing }
        let client = try inv.client()
        let confirmed = try body["status"]?.stringValue.map { try confirm(client, profile: inv.profile.name, inv[id], status: $0, answer) }
        let unchecked = try checkTaken(body, answer, id: inv[id], client: client, profile: inv.profile.name, known: confirmed)
        let unshown = unchecked.unshown
        if !unshown.isEmpty {
            // A name given to --set the booking does not have (a typo), or a field it keeps to itself or leaves out
            // of its answer: nothing tells which.
            inv.note("the booking does not show \(unshown.joined(separator: ", ")), so whether \(unshown.count == 1 ? "it was" : "they were") taken cannot be told")
        }
        if !unchecked.unknown.isEmpty {
            // Shown otherwise than sent, as may be the same value (a related thing by its name, minutes as a duration).
            inv.note("the booking's \(unchecked.unknown.joined(separator: "; ")), which may be what was sent written otherwise, or not: not checked")
        }
        return .document(answer, .resource(columns, wrappedIn: wrappers))
    }

    /// A field the booking shows with another value than the one sent was not taken: DRF leaves a field this
    /// account may not change (or one it only reads) as it was and answers 200. Exit 6, naming it and what
    /// was taken, so a script does not go on as if it had changed. The booking is the one `confirm` found
    /// (`known`), else as `kept` finds it. Its fields are compared as `differs` compares them. Returns the
    /// fields sent that the booking does not show, and those it shows otherwise, which cannot be compared.
    static func checkTaken(_ body: JSON, _ answer: JSON, id: String, client: APIClient, profile: String, known: JSON? = nil) throws -> (unshown: [String], unknown: [String]) {
        guard let sent = body.objectValue, sent.contains(where: { $0.0 != "status" }) else { return ([], []) }
        // A server that names a booking otherwise (no `id`) shows nothing to compare.
        guard let booking = try known ?? kept(id, in: answer, client: client, profile: profile, checking: "the change") else { return ([], []) }
        let unshown = sent.map(\.0).filter { $0 != "status" && booking[$0] == nil }
        let path = "/api/bookings/\(id)/"
        let checked = sent.compactMap { key, value in
            key == "status" ? nil : booking[key].map { (key: key, sent: value, kept: $0, differs: differs(value, $0)) }
        }
        let untaken = checked.filter { $0.differs == true }
        let unknown = checked.filter { $0.differs == nil }.map {
            "\($0.key) is \(TerminalText.visible($0.kept.serialized())) (\(TerminalText.visible($0.sent.serialized())) sent)"
        }
        guard !untaken.isEmpty else { return (unshown, unknown) }
        let shown = untaken.map { "\($0.key) is \(TerminalText.visible($0.kept.serialized())), not \(TerminalText.visible($0.sent.serialized()))" }
        let taken = checked.count > untaken.count ? "; \(checked.filter { field in !untaken.contains { $0.key == field.key } }.map(\.key).joined(separator: ", ")) was changed" : ""
        throw CLIError(.rejected, "PATCH \(path) was answered with success, but the server did not take what was sent: \(shown.joined(separator: "; "))\(taken)")
    }

    /// The booking as the server keeps it after a PATCH: the answer's own (`holds` says whether it shows what
    /// is being checked), or, when the answer holds none (`{"detail": …}`, or another booking), the booking
    /// read back; a read that fails is exit 8, naming `what` was being checked. Nil when neither shows it.
    static func kept(_ id: String, in answer: JSON, client: APIClient, profile: String, checking what: String,
                     holds: (JSON) -> Bool = { _ in true }) throws -> JSON? {
        func own(_ document: JSON) -> JSON? {
            let booking = Rows.unwrap(document, keys: wrappers)
            guard booking["id"]?.cellText.lowercased() == id.lowercased(), holds(booking) else { return nil }
            return booking
        }
        if let booking = own(answer) { return booking }
        let path = "/api/bookings/\(id)/"
        let read: JSON?
        do {
            read = try client.json(APICall("GET", path))
        } catch let error where !(error is Cancelled) {
            let failure = FailureReport(profile: profile, profileChosen: true, source: nil).describe(error).message
            throw CLIError(.badServerAnswer, "PATCH \(path) was answered with success, but reading the booking back to check \(what) failed: \(failure)")
        }
        guard let read else { return nil }
        if let booking = own(read) { return booking }
        // A booking the server names otherwise (no `id`) shows nothing to compare; a list, nothing, or another
        // booking is no answer to the read.
        let booking = Rows.unwrap(read, keys: wrappers)
        let other = booking["id"].map(\.cellText).flatMap { $0.lowercased() == id.lowercased() ? nil : "booking \($0)" }
        let instead = read.arrayValue != nil || Invocation.listed(in: read, wrappers: wrappers) != nil ? "a list"
            : booking.objectValue?.isEmpty ?? true ? "nothing" : other
        guard let instead else { return nil }
        throw CLIError(.badServerAnswer, "PATCH \(path) was answered with success, but reading the booking back to check \(what) found \(instead)")
    }

    /// A change of status is taken as made only when the booking has it, as `kept` finds it. Another status
    /// is exit 6 with the server's words; a status that cannot be learnt (the read back failing, no status in
    /// either answer) is exit 8: exit 0 always means the booking has it. Returns the booking checked.
    @discardableResult
    static func confirm(_ client: APIClient, profile: String, _ id: String, status wanted: String, _ answer: JSON) throws -> JSON {
        let path = "/api/bookings/\(id)/"
        // Only this booking's own status counts: `{"status": "success", "message": …}` is an envelope's.
        let booking = try kept(id, in: answer, client: client, profile: profile, checking: "it is '\(wanted)'",
                               holds: { $0["status"].map { !$0.isNull } ?? false })
        guard let booking, let status = booking["status"] else {
            throw CLIError(.badServerAnswer, "PATCH \(path) was answered with success, but neither answer shows booking \(id)'s status, so it cannot be confirmed '\(wanted)'")
        }
        guard status.stringValue?.lowercased() != wanted else { return booking }
        let said = ErrorBody.read(answer).message.map { " (it said: \(TerminalText.visible($0)))" } ?? ""
        throw CLIError(.rejected, "PATCH \(path) was answered with success, but the booking is \(TerminalText.visible(status.serialized())), not '\(wanted)'\(said)")
    }

    /// Whether the server's value is another than the one sent: true only where that can be told. The
    /// server writes a value its own way (a price with decimals, a time as an instant in another zone, a
    /// UUID in small letters, `10:00` as `10:00:00`, text without the white space around it, a related
    /// thing as an object with its id); where it could have been read another way (a boolean sent as 1, a
    /// number kept as a duration, a time without its zone) nil: not known, so not called untaken.
    static func differs(_ sent: JSON, _ kept: JSON) -> Bool? {
        if sent == kept { return false }
        // A value against none: taken only as blank text, which a server may keep as null.
        if sent.isNull != kept.isNull {
            let other = sent.isNull ? kept : sent
            return !(other.stringValue.map { $0.allSatisfy(\.isWhitespace) } ?? false)
        }
        if let object = kept.objectValue {
            guard let id = object.first(where: { $0.0 == "id" || $0.0 == "pk" })?.1 else { return nil }
            return differs(sent, id)
        }
        if sent.isObject || sent.arrayValue != nil || kept.arrayValue != nil { return nil }
        if sent.boolValue != nil || kept.boolValue != nil { return sent.boolValue != nil && kept.boolValue != nil ? sent != kept : nil }
        func text(_ value: JSON) -> String {
            let raw = value.isNull ? "" : value.stringValue ?? value.serialized()
            return String(raw.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        }
        let a = text(sent), b = text(kept)
        if a == b { return false }
        let numeric = [a, b].map(FieldValue.isNumber)
        if numeric == [true, true] { return Double(a) != Double(b) }
        if numeric.contains(true) {
            // A number written otherwise (`007`, `0x10`) is compared as the number a server may read it as.
            if let x = Double(a), let y = Double(b) { return x != y }
            // A number sent and shown as text may be the same thing (a related thing's name, minutes as a
            // duration); text sent and shown as a number, or a number shown as nothing, is another value.
            return numeric[0] && !b.isEmpty ? nil : true
        }
        if let x = CivilTime.parseISO(a), let y = CivilTime.parseISO(b) {
            // Only two instants with their zones can be told apart; a time without one is the server's guess.
            func zoned(_ t: String) -> Bool { CivilTime.parseISO(t, assumedOffset: 0) == CivilTime.parseISO(t, assumedOffset: 3600) }
            return zoned(a) && zoned(b) ? x != y : nil
        }
        // A time of day, `10:00` as the server's `10:00:00`.
        func clock(_ t: String) -> String? {
            let parts = t.split(separator: ":", omittingEmptySubsequences: false)
            guard (2...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isNumber || $0 == "." } }) else { return nil }
            return parts.count == 2 ? t + ":00" : t
        }
        if clock(a) != nil || clock(b) != nil { return clock(a).flatMap { x in clock(b).map { x != $0 } } }
        if TablePrinter.looksLikeUUID(a) || TablePrinter.looksLikeUUID(b) { return a.lowercased() != b.lowercased() }
        return true
    }

    /// Cancels a booking, held to `confirm`: `bookings cancel` and smoke's clean-up. Nil in a dry run.
    static func cancel(_ id: String, client: APIClient, profile: String) throws -> JSON? {
        let call = APICall("PATCH", "/api/bookings/\(id)/", body: .json(.object([("status", .string("cancelled"))])))
        guard let answer = try client.json(call) else { return nil }
        try confirm(client, profile: profile, id, status: "cancelled", answer)
        return answer
    }

    static let cancel = Command(
        "bookings cancel",
        summary: "Cancel a booking",
        discussion: """
        Exit 0 means the booking is cancelled: the booking answered must be, or, when the answer holds none,
        the booking read back. Another status is exit 6, with what the server said; a status that cannot be
        learnt (the read back failing, no status shown) is exit 8.
        """,
        arguments: [id],
        examples: [Example("homeserve bookings cancel 3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13", "Cancel a booking you no longer need")]
    ) { inv in
        guard let booking = try cancel(inv[id], client: try inv.client(), profile: inv.profile.name) else { return .nothing }
        inv.note(Invocation.serverMessage(booking).map { "\($0) (booking \(inv[id]))" } ?? "Cancelled booking \(inv[id]).")
        return .document(booking, .resource(columns, wrappedIn: wrappers))
    }

    /// An action answered with a message and, maybe, the resource: the message goes to stderr.
    static func action(_ inv: Invocation, _ path: String, resource keys: [String], columns: [String]) throws -> CommandOutput {
        try inv.document(APICall("POST", path), .resource(columns, wrappedIn: keys), saying: Invocation.serverMessage)
    }

    static let accept = Command(
        "bookings accept",
        summary: "Accept a pending booking as its vendor",
        arguments: [id],
        examples: [Example("homeserve bookings accept 3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13", "Take the job")]
    ) { inv in
        try action(inv, "/api/bookings/\(inv[id])/accept_booking/", resource: wrappers, columns: columns)
    }

    static let complete = Command(
        "bookings complete",
        summary: "Mark a job done as its vendor and print the payment intent it creates",
        discussion: "The server's message goes to stderr; the rows are the payment_intent (-o json prints the whole answer).",
        arguments: [id],
        examples: [
            Example("homeserve bookings complete 3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13", "Finish a job"),
            Example("homeserve bookings complete 3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13 -o csv --fields id,amount", "The payment intent's id and amount"),
        ]
    ) { inv in
        try action(inv, "/api/bookings/\(inv[id])/complete_booking/", resource: ["payment_intent", "payment"], columns: ["id", "amount", "status", "currency"])
    }

    static let requestSignature = Command(
        "bookings request-signature",
        summary: "Ask the customer to sign off a completed job",
        discussion: "Prints the server's answer, including the signature_id the customer signs with 'homeserve signatures sign'.",
        arguments: [id],
        examples: [Example("homeserve bookings request-signature 3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13", "Request the customer's signature")]
    ) { inv in
        try action(inv, "/api/bookings/\(inv[id])/request_signature/", resource: ["signature"], columns: ["signature_id", "id", "status", "expires_at"])
    }

    // MARK: wait

    static let waitStatus = RequiredFlag("status", .choice(statuses), "Status to wait for")
    static let waitTimeout = RequiredFlag("timeout", .integer(1..., placeholder: "SECONDS"), "Give up (exit 11) after SECONDS", default: 600)
    static let poll = RequiredFlag("poll", .integer(1...3600, placeholder: "SECONDS"), "Seconds between fallback polls", default: 30)

    static let wait = Command(
        "bookings wait",
        summary: "Block until a booking reaches a status, then print it",
        discussion: """
        Listens on the booking's WebSocket channel and, as the contract recommends, also polls the booking
        (every 30 s by default) so a lost socket never means a missed transition. Exits 0 with the booking
        printed, also when it is already past the status on its way (pending, confirmed, in_progress,
        completed, then signed or disputed; stderr says so), or 11 when --timeout passes first, the
        booking is cancelled on the way, or cancelled is waited for and the job is done (completed or
        signed) (9 is kept for network failures, and for a timeout reached with the
        socket down and the last poll failed). After this command, --timeout bounds the whole wait,
        connecting and handshakes included; a per-request timeout can still be given before the command
        (homeserve --timeout 5 bookings wait …).
        """,
        flags: [waitStatus, waitTimeout, poll] + WatchCommands.reconnectFlags,
        arguments: [id],
        examples: [
            Example("homeserve bookings wait 3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13 --status confirmed --timeout 900",
                    "In a script: continue once a vendor accepts"),
        ]
    ) { inv in
        let booking = inv[id], target = inv[waitStatus]
        let path = "/api/bookings/\(booking)/"
        let clock = inv.context.clock
        let deadline = clock.monotonic() + Double(inv[waitTimeout])
        // Logins and token renewals on the way end at --timeout too.
        try inv.client().deadline = deadline
        // Its socket needs a session, as watch's does: without one, nothing is sent.
        if !inv.dryRun { try WatchCommands.requireSession(inv) }
        var last = "unknown"
        var follower: ChannelFollower?
        func statusOf(_ document: JSON) -> String? { Rows.unwrap(document, keys: wrappers)["status"]?.stringValue }
        // The fetches are bounded by the wait too: a server that never answers ends it at --timeout.
        func fetch() throws -> JSON? {
            var call = APICall("GET", path)
            call.deadline = deadline
            do {
                // An answer that is no booking (a bare value, a list, nothing) is the server's fault, not a slow booking.
                let answer = try inv.json(call)
                if let answer {
                    try Invocation.requireSomething(answer, of: call, .resource(columns, wrappedIn: wrappers), client: try inv.client())
                    // A booking without a status can reach none: waiting would only run out the clock.
                    if statusOf(answer) == nil {
                        throw APIError.badResponse(method: "GET", path: try inv.client().shown(call), reason: "the answer has no status, so no status can be waited for")
                    }
                }
                return answer
            } catch let APIError.transport(failure, _, _) where [.timeout, .handshakeTimeout].contains(failure.kind) && clock.monotonic() >= deadline - 0.1 {
                throw FollowError.deadlinePassed
            }
        }
        do {
            guard var current = try fetch() else { return .nothing }
            // A booking's way, in order: one further along has been through the status asked for. Signed and
            // disputed both come after completed.
            let way = ["pending": 0, "confirmed": 1, "in_progress": 2, "completed": 3, "signed": 4, "disputed": 4]
            func reached(_ status: String) -> Bool {
                status == target || (way[status].map { at in way[target].map { at > $0 } ?? false } ?? false)
            }
            // A cancelled booking never moves again, and a job done (completed or signed) is not cancelled:
            // waiting for what cannot come would only run out the clock.
            func checkReachable() throws {
                if last == "cancelled", target != "cancelled" {
                    throw CLIError(.timedOut, "booking \(booking) was cancelled; it cannot reach '\(target)'")
                }
                if target == "cancelled", ["completed", "signed"].contains(last) {
                    throw CLIError(.timedOut, "booking \(booking) is \(last); a job done is not cancelled")
                }
            }
            last = statusOf(current) ?? "unknown"
            try checkReachable()
            if !reached(last) {
                var policy = WatchCommands.policy(inv, deadline: deadline)
                policy.pollEvery = Double(inv[poll])
                policy.socketOptional = true
                func refetch() throws -> Bool {
                    current = try fetch() ?? current
                    last = statusOf(current) ?? last
                    try checkReachable()
                    return reached(last)
                }
                let following = try WatchCommands.follower(inv, path: "/ws/bookings/\(booking)/", policy: policy)
                follower = following
                try following.run(onMessage: { message in
                    guard message["type"]?.stringValue == "booking_status_change" else { return false }
                    let status = message["data"]?["status"]?.stringValue ?? message["data"]?["new_status"]?.stringValue
                    if let status { last = status }
                    return status.map { reached($0) || $0 == "cancelled" } ?? false ? try refetch() : false
                }, onPoll: refetch)
            }
            if last != target { inv.note("booking \(booking) is past '\(target)' already (status: \(last))") }
            return .document(current, .resource(columns, wrappedIn: wrappers))
        } catch FollowError.deadlinePassed {
            // Neither the socket nor the last poll reached the server: the network's failure, not the booking's.
            if let down = follower?.down, let failure = follower?.pollFailure {
                throw CLIError(.network, "no answer about booking \(booking) when --timeout (\(inv[waitTimeout])s) ran out: the last poll failed (\(failure)) and the socket is down (\(down)); last status seen: \(last)")
            }
            throw CLIError(.timedOut, "booking \(booking) did not reach '\(target)' within \(inv[waitTimeout])s (last status: \(last))")
        }
    }
}
