enum SignatureCommands {
    static let all: [Command] = [list, sign, request, reject]

    static let columns = ["id", "booking", "status", "satisfaction_rating", "requested_at", "expires_at"]
    static let idArgument = Argument("ID", .identifier, "Signature id")

    static let list = Command(
        "signatures list",
        summary: "List sign-off requests (customers: to sign; vendors: requested)",
        flags: ListFlags.all,
        examples: [
            Example("homeserve signatures list", "Signatures waiting for you"),
            Example("homeserve signatures list --all -o ndjson | jq -r 'select(.status == \"pending\") | .id'", "Ids of every pending signature"),
        ]
    ) { inv in
        try inv.showList("/api/signatures/", columns: columns)
    }

    static let sign = Command(
        "signatures sign",
        summary: "Sign off a completed job with a satisfaction rating (customers)",
        flags: [
            Flag("rating", .integer(1...5), "Satisfaction from 1 (poor) to 5 (excellent)", required: true),
            Flag("comments", .string, "What you thought of the job"),
        ],
        arguments: [idArgument],
        examples: [
            Example("homeserve signatures sign 8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f --rating 5 --comments 'Spotless, thank you'", "Sign with top marks"),
        ]
    ) { inv in
        // The contract always sends comments, empty when the customer wrote none.
        let body = JSON.object([("satisfaction_rating", .number(inv.values.string("rating")!)),
                                ("comments", .string(inv.values.string("comments") ?? ""))])
        let response = try inv.client().send("POST", "/api/signatures/\(inv.values.argument(0)!)/sign/", body: .json(body))
        if response != nil { inv.note("Signed \(inv.values.argument(0)!).") }
        try inv.show(response)
    }

    static let request = Command(
        "signatures request",
        summary: "Request a customer's signature with photos of the work attached (vendors)",
        discussion: "Upload the photos first with 'homeserve photos upload'; pass each photo id with --photo.",
        flags: [
            Flag("booking", .identifier, "Booking the signature is for", required: true),
            Flag("photo", .identifier, "Photo id to show the customer", required: true, repeatable: true),
        ],
        examples: [
            Example("homeserve signatures request --booking 3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13 --photo 41 --photo 42", "Ask for sign-off with before/after photos"),
        ]
    ) { inv in
        let body = JSON.object([("action", .string("request_signature_with_photos")),
                                ("booking_id", .string(inv.values.string("booking")!)),
                                ("photo_ids", .array(inv.values.strings("photo").map { .string($0) }))])
        try inv.show(inv.client().send("POST", "/api/enhanced-signatures/", body: .json(body)))
    }

    static let reject = Command(
        "signatures reject",
        summary: "Refuse to sign and open a dispute instead (customers)",
        discussion: "--evidence is any JSON (inline, @FILE or - for stdin) stored with the dispute the rejection opens.",
        flags: [
            Flag("reason", .string, "Why the work is not accepted", required: true),
            Flag("evidence", .payload, "Supporting evidence as JSON"),
        ],
        arguments: [idArgument],
        examples: [
            Example("homeserve signatures reject 8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f --reason 'Tap still leaks'", "Reject a sign-off"),
            Example("homeserve signatures reject 8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f --reason 'Stains remain' --evidence @evidence.json", "Reject with evidence from a file"),
        ]
    ) { inv in
        var pairs: [(String, JSON)] = [("action", .string("reject_signature")), ("signature_id", .string(inv.values.argument(0)!)),
                                       ("reason", .string(try inv.nonBlank(inv.values.string("reason"), for: "--reason")))]
        if let evidence = try inv.values.string("evidence").map(JSON.parse) { pairs.append(("evidence", evidence)) }
        let response = try inv.client().send("POST", "/api/enhanced-signatures/", body: .json(.object(pairs)))
        if let dispute = response?["dispute_id"]?.stringValue { inv.note("Opened dispute \(dispute); follow it with 'homeserve disputes get \(dispute)'.") }
        try inv.show(response)
    }
}
