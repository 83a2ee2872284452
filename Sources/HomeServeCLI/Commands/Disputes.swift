import HomeServeAPI
import HomeServeCore

enum DisputeCommands {
    static let all: [Command] = [list, get, create, messages, send, read, resolve]

    static let columns = ["id", "booking", "dispute_type", "title", "severity", "status", "created_at"]
    static let messageColumns = ["created_at", "sender_name", "message_type", "content", "attachment_name", "is_read"]
    static let id = Argument("ID", .identifier, "Dispute id")
    static let wrappers = ["dispute"]
    /// The guide gives examples, not a closed list: any type is sent, these are offered.
    static let types = ["quality", "incomplete_work", "damage", "billing", "no_show", "behavior", "other"]
    static let statuses = ["open", "in_progress", "resolved", "escalated", "closed"]
    static let evidence = Flag("evidence", .payload, "Evidence as JSON")

    static let status = ListFlag("status", .choice(statuses), "Only disputes in these statuses")
    static let booking = Flag("booking", .identifier, "Only disputes about this booking")
    static let type = Flag("type", .open(types, placeholder: "TYPE"), "Only disputes of this type")

    static let list = Command(
        "disputes list",
        summary: "List the disputes you are part of (operators: all)",
        discussion: """
        Filters are sent to the server (status, booking, dispute_type) and applied to the rows that come
        back. With several statuses, one listing per status is fetched, in the order given.
        """,
        flags: [status, booking, type] + ListFlags.flags,
        examples: [
            Example("homeserve disputes list --status open,escalated", "Disputes that need attention"),
            Example("homeserve disputes list --all -o csv > disputes.csv", "Every dispute as CSV"),
        ]
    ) { inv in
        var filters = ListFilters()
        filters.add("status", inv[status], flag: "status", paths: ["status"])
        filters.add("booking", inv[booking], flag: "booking", paths: ["booking", "booking_id"])
        filters.add("dispute_type", inv[type], flag: "type", paths: ["dispute_type", "type"])
        return try inv.listing("/api/disputes/", filters, presentation: .report(columns))
    }

    static let get = Command(
        "disputes get",
        summary: "Show one dispute, evidence and resolution included",
        arguments: [id],
        examples: [Example("homeserve disputes get 5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9", "Everything about a dispute")]
    ) { inv in
        return try inv.document(APICall("GET", "/api/disputes/\(inv[id])/"), .resource(columns, wrappedIn: wrappers))
    }

    static let createBooking = RequiredFlag("booking", .identifier, "Booking in dispute")
    static let createType = RequiredFlag("type", .open(types, placeholder: "TYPE"), "Kind of dispute")
    static let title = RequiredFlag("title", .nonBlank, "One-line summary")
    static let description = RequiredFlag("description", .nonBlank, "What happened")

    static let create = Command(
        "disputes create",
        summary: "Open a dispute about a booking",
        discussion: "--type takes any word the server knows (the contract names none); those that complete are the sandbox's: quality, incomplete_work, damage, billing, no_show, behavior and other.",
        flags: [createBooking, createType, title, description, evidence],
        examples: [
            Example("homeserve disputes create --booking 3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13 --type quality --title 'Leak not fixed' --description 'The tap drips again a day later'", "Dispute a job"),
            Example("homeserve disputes create --booking 3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13 --type billing --title 'Charged twice' --description 'Two payments on 1 Dec' --evidence '{\"receipts\":[\"R-1\",\"R-2\"]}'", "Dispute with inline evidence"),
        ]
    ) { inv in
        var pairs: [(String, JSON)] = [("booking_id", .string(inv[createBooking])), ("dispute_type", .string(inv[createType])),
                                       ("title", .string(inv[title])), ("description", .string(inv[description]))]
        if let value = inv[evidence] { pairs.append(("evidence", value)) }
        let call = APICall("POST", "/api/disputes/create_dispute/", body: .json(.object(pairs)))
        guard let dispute = try inv.json(call) else { return .nothing }
        if let new = try Invocation.madeID(dispute, of: call, .resource(columns, wrappedIn: wrappers), client: try inv.client()) {
            inv.note("Opened dispute \(new).")
        }
        return .document(dispute, .resource(columns, wrappedIn: wrappers))
    }

    static let messages = Command(
        "disputes messages",
        summary: "Read a dispute's conversation, in the server's order (oldest first)",
        flags: ListFlags.flags,
        arguments: [id],
        examples: [
            Example("homeserve disputes messages 5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9", "The first page of the conversation"),
            Example("homeserve disputes messages 5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9 --all -o ndjson", "The whole conversation, one message per line"),
        ]
    ) { inv in
        try inv.listing("/api/disputes/\(inv[id])/messages/", presentation: .report(messageColumns))
    }

    static let message = Flag("message", .text, "The message text")
    static let messageFile = Flag("message-file", .textSource, "Read the message text from a file, or - for stdin")
    static let attachment = Flag("attachment", .file, "A file to attach (photo, PDF, …; at most 10 MB)")

    static let send = Command(
        "disputes send",
        summary: "Post a message, optionally with a file, to a dispute",
        discussion: """
        The text comes from --message, or from --message-file (a file, or - for stdin; one trailing newline
        is dropped). With --attachment the message is sent as message_type file, the part's content type
        taken from the file's content (an image type, PDF, or bytes), streamed from disk with a progress bar
        on stderr when it is a terminal.
        """,
        flags: [message, messageFile, attachment],
        arguments: [id],
        examples: [
            Example("homeserve disputes send 5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9 --message 'I can come back on Friday'", "Reply in a dispute"),
            Example("homeserve disputes send 5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9 --message 'Invoice attached' --attachment invoice.pdf", "Send a file"),
            Example("git log -1 --format=%B | homeserve disputes send 5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9 --message-file -", "Message text from stdin"),
        ]
    ) { inv in
        let file = inv[attachment]
        var content: String
        switch (inv[message], inv[messageFile]) {
        case let (text?, nil): content = text
        case let (nil, text?):
            content = text
            // One line ending, LF or CRLF (a single Character), as a file or a pipe ends its last line.
            if content.hasSuffix("\n") || content.hasSuffix("\r\n") { content.removeLast() }
        case (nil, nil): throw CLIError.usage("'disputes send' needs --message TEXT or --message-file FILE|-")
        default: throw CLIError.usage("'disputes send' takes --message or --message-file, not both")
        }
        if file == nil, content.isBlank {
            throw CLIError.usage(inv[message] != nil ? "invalid value '\(ParsedLine.shown(content))' for --message: expected text that is not blank"
                                                      : "the text read by --message-file is blank: expected text that is not blank")
        }
        var parts: [MultipartPart] = [.field(name: "content", value: content), .field(name: "message_type", value: file == nil ? "text" : "file")]
        if let file {
            try UploadFile.checkSize(file, for: "--attachment")
            parts.append(.file(name: "attachment", path: file, contentType: UploadFile.contentType(file)))
        }
        guard let answer = try UploadFile.post(inv, "/api/disputes/\(inv[id])/send_message/", parts: parts,
                                               label: file.map(FileFacts.baseName) ?? "message") else { return .nothing }
        return .document(answer, .resource(messageColumns, wrappedIn: ["message"]))
    }

    static let read = Command(
        "disputes read",
        summary: "Mark a dispute's messages to you as read",
        arguments: [id],
        examples: [Example("homeserve disputes read 5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9", "Clear the unread count")]
    ) { inv in
        return try inv.document(APICall("POST", "/api/disputes/\(inv[id])/mark_read/"), .resource()) { answer in
            answer["marked_count"]?.stringValue.map { count in "Marked \(Int(count)?.counted("message") ?? count + " messages") read." }
        }
    }

    static let notes = RequiredFlag("notes", .nonBlank, "The resolution, as the parties will read it")
    static let amount = Flag("amount", .amount, "Amount refunded or credited")

    static let resolve = Command(
        "disputes resolve",
        summary: "Resolve a dispute, with an optional refund amount (operators)",
        flags: [notes, amount, evidence],
        arguments: [id],
        examples: [
            Example("homeserve disputes resolve 5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9 --notes 'Partial refund agreed' --amount 250", "Resolve with a refund"),
            Example("homeserve disputes resolve 5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9 --notes 'Work redone; no refund' --evidence @visit-report.json", "Resolve with evidence from a file"),
        ]
    ) { inv in
        var pairs: [(String, JSON)] = [("resolution_notes", .string(inv[notes]))]
        // The contract types resolution_amount as a number; two places, as the server stores money.
        if let value = inv[amount] { pairs.append(("resolution_amount", .number(value))) }
        if let value = inv[evidence] { pairs.append(("evidence", value)) }
        guard let answer = try inv.json(APICall("POST", "/api/disputes/\(inv[id])/resolve/", body: .json(.object(pairs)))) else { return .nothing }
        let dispute = try resolved(inv[id], answer, inv)
        inv.note("Resolved dispute \(inv[id]).")
        return .document(dispute, .resource(columns, wrappedIn: wrappers))
    }

    /// A resolution is taken as made only when the dispute shows it, in the answer or, where the answer does
    /// not show the dispute's status, in the dispute read back: another status is exit 6 with the server's
    /// words, none to be learnt exit 8. `{"status": "success"}` without the dispute's id is an envelope's.
    static func resolved(_ id: String, _ answer: JSON, _ inv: Invocation) throws -> JSON {
        let path = "/api/disputes/\(id)/resolve/"
        func own(_ document: JSON) -> JSON? {
            let dispute = Rows.unwrap(document, keys: wrappers)
            guard dispute["id"]?.cellText.lowercased() == id.lowercased(), dispute["status"]?.stringValue != nil else { return nil }
            return dispute
        }
        var shown = own(answer).map { _ in answer }
        if shown == nil {
            let read: JSON?
            do { read = try inv.json(APICall("GET", "/api/disputes/\(id)/")) } catch let error where !(error is Cancelled) {
                throw CLIError(.badServerAnswer, "POST \(path) was answered with success, but reading the dispute back to check it is resolved failed: \(inv.describe(error, source: nil).message)")
            }
            shown = read.flatMap { own($0) != nil ? $0 : nil }
        }
        guard let shown, let status = own(shown)?["status"]?.stringValue else {
            throw CLIError(.badServerAnswer, "POST \(path) was answered with success, but neither answer shows dispute \(id)'s status, so it cannot be confirmed resolved")
        }
        guard ["resolved", "closed"].contains(status.lowercased()) else {
            let said = ErrorBody.read(answer).message.map { " (it said: \(TerminalText.visible($0)))" } ?? ""
            throw CLIError(.rejected, "POST \(path) was answered with success, but the dispute is '\(TerminalText.visible(status))', not resolved\(said)")
        }
        return shown
    }
}
