import HomeServeAPI
import HomeServeCore

enum SignatureCommands {
    static let all: [Command] = [list, sign, request, reject]

    static let columns = ["id", "booking", "status", "satisfaction_rating", "requested_at", "expires_at"]
    static let id = Argument("ID", .identifier, "Signature id")
    static let wrappers = ["signature"]

    static let list = Command(
        "signatures list",
        summary: "List sign-off requests (customers: to sign; vendors: requested)",
        flags: ListFlags.flags,
        examples: [
            Example("homeserve signatures list", "Signatures waiting for you"),
            Example("homeserve signatures list --all --jq '.[] | select(.status == \"pending\") | .id'", "Ids of every pending signature"),
        ]
    ) { inv in
        try inv.listing("/api/signatures/", presentation: .report(columns))
    }

    static let rating = RequiredFlag("rating", .integer(1...5), "Satisfaction from 1 (poor) to 5 (excellent)")
    static let comments = Flag("comments", .text, "What you thought of the job")

    static let sign = Command(
        "signatures sign",
        summary: "Sign off a completed job with a satisfaction rating (customers)",
        flags: [rating, comments],
        arguments: [id],
        examples: [
            Example("homeserve signatures sign 8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f --rating 5 --comments 'Spotless, thank you'", "Sign with top marks"),
        ]
    ) { inv in
        // The contract always sends comments, empty when the customer wrote none.
        let body = JSON.object([("satisfaction_rating", .int(inv[rating])), ("comments", .string(inv[comments] ?? ""))])
        guard let answer = try inv.json(APICall("POST", "/api/signatures/\(inv[id])/sign/", body: .json(body))) else { return .nothing }
        inv.note("Signed \(inv[id]).")
        return .document(answer, .resource(columns, wrappedIn: wrappers))
    }

    static let booking = RequiredFlag("booking", .identifier, "Booking the signature is for")
    static let photo = ListFlag("photo", .identifier, "Photo id to show the customer", required: true)

    static let request = Command(
        "signatures request",
        summary: "Request a customer's signature with photos of the work attached (vendors)",
        discussion: "Upload the photos first with 'homeserve photos upload'; pass each photo id with --photo.",
        flags: [booking, photo],
        examples: [
            Example("homeserve signatures request --booking 3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13 --photo 41 --photo 42", "Ask for sign-off with before/after photos"),
        ]
    ) { inv in
        let body = JSON.object([("action", .string("request_signature_with_photos")), ("booking_id", .string(inv[booking])),
                                ("photo_ids", .array(inv[photo].map { .string($0) }))])
        return try inv.document(APICall("POST", "/api/enhanced-signatures/", body: .json(body)), .resource(columns, wrappedIn: wrappers),
                                saying: Invocation.serverMessage)
    }

    static let reason = RequiredFlag("reason", .nonBlank, "Why the work is not accepted")
    static let evidence = Flag("evidence", .payload, "Supporting evidence as JSON")

    static let reject = Command(
        "signatures reject",
        summary: "Refuse to sign and open a dispute instead (customers)",
        discussion: "--evidence is any JSON (inline, @FILE or - for stdin) stored with the dispute the rejection opens.",
        flags: [reason, evidence],
        arguments: [id],
        examples: [
            Example("homeserve signatures reject 8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f --reason 'Tap still leaks'", "Reject a sign-off"),
            Example("homeserve signatures reject 8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f --reason 'Stains remain' --evidence @evidence.json", "Reject with evidence from a file"),
        ]
    ) { inv in
        var pairs: [(String, JSON)] = [("action", .string("reject_signature")), ("signature_id", .string(inv[id])), ("reason", .string(inv[reason]))]
        if let value = inv[evidence] { pairs.append(("evidence", value)) }
        return try inv.document(APICall("POST", "/api/enhanced-signatures/", body: .json(.object(pairs))),
                                .resource(["dispute_id", "message", "status"], wrappedIn: ["dispute"])) { answer in
            answer["dispute_id"]?.stringValue.map { "Opened dispute \($0); follow it with '\(inv.homeserve) disputes get \($0)'." }
        }
    }
}
