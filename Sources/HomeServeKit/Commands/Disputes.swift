enum DisputeCommands {
    static let all: [Command] = [list, get, create, messages, send, read, resolve]

    static let columns = ["id", "booking", "dispute_type", "title", "severity", "status", "created_at"]
    static let messageColumns = ["created_at", "sender_name", "message_type", "content", "attachment_name", "is_read"]
    static let idArgument = Argument("ID", .identifier, "Dispute id")
    static let evidenceFlag = Flag("evidence", .payload, "Evidence as JSON: inline, @FILE, or - for stdin")

    static let list = Command(
        "disputes list",
        summary: "List the disputes you are part of (admins: all)",
        flags: ListFlags.all,
        examples: [
            Example("homeserve disputes list", "Open and recent disputes"),
            Example("homeserve disputes list --all -o csv > disputes.csv", "Every dispute as CSV"),
        ]
    ) { inv in
        try inv.showList("/api/disputes/", columns: columns)
    }

    static let get = Command(
        "disputes get",
        summary: "Show one dispute, evidence and resolution included",
        arguments: [idArgument],
        examples: [Example("homeserve disputes get 5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9", "Everything about a dispute")]
    ) { inv in
        try inv.show(inv.client().send("GET", "/api/disputes/\(inv.values.argument(0)!)/"))
    }

    static let create = Command(
        "disputes create",
        summary: "Open a dispute about a booking",
        flags: [
            Flag("booking", .identifier, "Booking in dispute", required: true),
            Flag("type", .string, "Kind of dispute, e.g. quality, incomplete_work, damage, billing, no_show", required: true, placeholder: "TYPE"),
            Flag("title", .string, "One-line summary", required: true),
            Flag("description", .string, "What happened", required: true),
            evidenceFlag,
        ],
        examples: [
            Example("homeserve disputes create --booking 3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13 --type quality --title 'Leak not fixed' --description 'The tap drips again a day later'", "Dispute a job"),
            Example("homeserve disputes create --booking 3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13 --type billing --title 'Charged twice' --description 'Two payments on 1 Dec' --evidence '{\"receipts\":[\"R-1\",\"R-2\"]}'", "Dispute with inline evidence"),
        ]
    ) { inv in
        var pairs: [(String, JSON)] = [
            ("booking_id", .string(inv.values.string("booking")!)),
            ("dispute_type", .string(try inv.nonBlank(inv.values.string("type"), for: "--type"))),
            ("title", .string(try inv.nonBlank(inv.values.string("title"), for: "--title"))),
            ("description", .string(try inv.nonBlank(inv.values.string("description"), for: "--description"))),
        ]
        if let evidence = try inv.values.string("evidence").map(JSON.parse) { pairs.append(("evidence", evidence)) }
        let dispute = try inv.client().send("POST", "/api/disputes/create_dispute/", body: .json(.object(pairs)))
        if let id = dispute?["id"]?.stringValue { inv.note("Opened dispute \(id).") }
        try inv.show(dispute)
    }

    static let messages = Command(
        "disputes messages",
        summary: "Read a dispute's conversation, oldest first",
        discussion: "--all fetches page after page until the server says there is no more, printing each page as it arrives.",
        flags: [
            Flag("page", .integer(1...1_000_000), "Page to fetch (with --all: the first page)", default: "1"),
            Flag("page-size", .integer(1...100), "Messages per page", default: "50"),
            Flag("all", .flag, "Follow pages to the end (streams with -o ndjson)"),
        ],
        arguments: [idArgument],
        examples: [
            Example("homeserve disputes messages 5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9", "The latest page of the conversation"),
            Example("homeserve disputes messages 5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9 --all -o ndjson", "The whole conversation, one message per line"),
        ]
    ) { inv in
        let client = try inv.client()
        let path = "/api/disputes/\(inv.values.argument(0)!)/messages/"
        let size = inv.values.string("page-size")!, all = inv.values.bool("all")
        var page = inv.values.int("page")!
        func fetch() throws -> JSON? { try client.send("GET", path, query: [("page", String(page)), ("page_size", size)]) }
        guard var response = try fetch() else { return }
        let writer = try inv.printer().list(columns: messageColumns)
        while true {
            let items = response["messages"]?.arrayValue ?? []
            for item in items { writer.add(item) }
            guard writer.flush() else { return }
            guard response["has_more"] == .bool(true) else { break }
            guard all else {
                if inv.terminal.stderrIsTTY {
                    let total = response["total_count"]?.stringValue.map { " of \($0)" } ?? ""
                    inv.note("Showing page \(page) (\(items.count)\(total) messages); use --all or --page \(page + 1)")
                }
                break
            }
            // A server that says "more" but sends an empty page would otherwise be asked forever.
            guard !items.isEmpty else { break }
            page += 1
            guard let following = try fetch() else { break }
            response = following
        }
        writer.finish()
    }

    static let send = Command(
        "disputes send",
        summary: "Post a message, optionally with a file, to a dispute",
        discussion: """
        The text comes from --message, or from --message-file (a file, or - for stdin; one trailing newline
        is dropped). With --attachment (at most 10 MB) the message is sent as message_type file, streamed
        from disk with a progress bar on stderr when it is a terminal.
        """,
        flags: [
            Flag("message", .string, "The message text"),
            Flag("message-file", .string, "Read the message text from a file, or - for stdin", placeholder: "FILE|-"),
            Flag("attachment", .file, "A file to attach (photo, PDF, …)"),
        ],
        arguments: [idArgument],
        examples: [
            Example("homeserve disputes send 5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9 --message 'I can come back on Friday'", "Reply in a dispute"),
            Example("homeserve disputes send 5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9 --message 'Invoice attached' --attachment invoice.pdf", "Send a file"),
            Example("git log -1 --format=%B | homeserve disputes send 5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9 --message-file -", "Message text from stdin"),
        ]
    ) { inv in
        let attachment = inv.values.string("attachment")
        let content: String
        switch (inv.values.string("message"), inv.values.string("message-file")) {
        case let (text?, nil): content = text
        case let (nil, source?): content = try readMessage(source)
        case (nil, nil): throw CLIError.usage("'disputes send' needs --message TEXT or --message-file FILE|-")
        default: throw CLIError.usage("'disputes send' takes --message or --message-file, not both")
        }
        if attachment == nil { _ = try inv.nonBlank(content, for: inv.values.has("message") ? "--message" : "--message-file") }
        var parts: [MultipartPart] = [.field(name: "content", value: content),
                                      .field(name: "message_type", value: attachment == nil ? "text" : "file")]
        if let attachment {
            try UploadFile.checkSize(attachment, for: "--attachment")
            parts.append(.file(name: "attachment", path: attachment, contentType: UploadFile.contentType(attachment)))
        }
        let response = try inv.upload("/api/disputes/\(inv.values.argument(0)!)/send_message/", parts: parts,
                                      label: attachment.map(UploadFile.name) ?? "message")
        // The contract returns the new message under "message".
        if case .object? = response?["message"] { try inv.show(response?["message"]) } else { try inv.show(response) }
    }

    static func readMessage(_ source: String) throws -> String {
        var text = String(decoding: try FileFacts.contents(of: source, for: "--message-file"), as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    static let read = Command(
        "disputes read",
        summary: "Mark a dispute's messages to you as read",
        arguments: [idArgument],
        examples: [Example("homeserve disputes read 5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9", "Clear the unread count")]
    ) { inv in
        let response = try inv.client().send("POST", "/api/disputes/\(inv.values.argument(0)!)/mark_read/")
        if let count = response?["marked_count"]?.stringValue { inv.note("Marked \(count) messages read.") }
        try inv.show(response)
    }

    static let resolve = Command(
        "disputes resolve",
        summary: "Resolve a dispute, with an optional refund amount (admins)",
        flags: [
            Flag("notes", .string, "The resolution, as the parties will read it", required: true),
            Flag("amount", .decimal, "Amount refunded or credited"),
            evidenceFlag,
        ],
        arguments: [idArgument],
        examples: [
            Example("homeserve disputes resolve 5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9 --notes 'Partial refund agreed' --amount 250", "Resolve with a refund"),
            Example("homeserve disputes resolve 5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9 --notes 'Work redone; no refund' --evidence @visit-report.json", "Resolve with evidence from a file"),
        ]
    ) { inv in
        var pairs: [(String, JSON)] = [("resolution_notes", .string(try inv.nonBlank(inv.values.string("notes"), for: "--notes")))]
        // The contract types resolution_amount as a number; two places, as the server stores money.
        if let amount = inv.values.string("amount") { pairs.append(("resolution_amount", .number(Money.twoDecimals(amount)))) }
        if let evidence = try inv.values.string("evidence").map(JSON.parse) { pairs.append(("evidence", evidence)) }
        let dispute = try inv.client().send("POST", "/api/disputes/\(inv.values.argument(0)!)/resolve/", body: .json(.object(pairs)))
        if dispute != nil { inv.note("Resolved dispute \(inv.values.argument(0)!).") }
        try inv.show(dispute)
    }
}
