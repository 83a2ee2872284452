enum WatchCommands {
    static let all: [Command] = [booking, notifications, chat, status]

    static let roles = ["customer", "vendor", "onboard_manager", "ops_manager", "super_admin"]
    static let eventTypes = ["booking_status_change", "signature_request", "payment_update", "chat_message", "notification"]

    static let reconnectFlags: [Flag] = [
        Flag("reconnect-attempts", .integer(0...100), "Reconnects before giving up", default: "5", placeholder: "N"),
        Flag("reconnect-delay", .integer(0...300), "Seconds between reconnects", default: "3", placeholder: "SECONDS"),
    ]

    static let followFlags: [Flag] = [
        Flag("count", .integer(1...Int.max), "Exit 0 after N messages"),
        Flag("until", .string, "Exit 0 on the first message of TYPE, optionally with a field (dot path into the message or its data) equal to VALUE",
             placeholder: "TYPE[:FIELD=VALUE]"),
        Flag("timeout", .integer(1...Int.max), "Exit 9 if nothing matched within SECONDS (default: wait for ever)", placeholder: "SECONDS"),
    ] + reconnectFlags

    static let userFlags: [Flag] = [
        Flag("user", .integer(1...Int.max), "User id (default: the logged-in user)", placeholder: "ID"),
        Flag("role", .choice(roles), "Role in the channel path (default: the logged-in user's)"),
    ]

    static let discussion = """
    Each message is printed as it arrives: one JSON object per line (the default when stdout is not a
    terminal, or with -o ndjson/json), a row per message with -o csv/tsv (timestamp, type, data; --fields
    picks other dot paths), or a readable line per event on a terminal (time, type, summary).
    Unknown message types are printed as they are. The connection is retried like the web client does:
    up to 5 times, 3 s apart, with a fresh access token when the old one expired; a line on stderr marks
    each reconnect. Here --timeout bounds the whole wait, not one request (a per-request timeout can go
    before the command). Ctrl-C closes the socket and exits 130.
    """

    static let booking = Command(
        "watch booking",
        summary: "Follow a booking's live events",
        discussion: discussion,
        flags: followFlags,
        arguments: [Argument("ID", .identifier, "Booking id")],
        examples: [
            Example("homeserve watch booking 3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13 --until booking_status_change:status=completed --timeout 3600",
                    "Block until a booking is completed, for up to an hour"),
        ]
    ) { inv in
        try follow(inv, path: "/ws/bookings/\(inv.values.argument(0)!)/")
    }

    static let notifications = Command(
        "watch notifications",
        summary: "Follow a user's notifications",
        discussion: discussion,
        flags: [userFlags[0]] + followFlags,
        examples: [Example("homeserve watch notifications --count 1 -o ndjson", "Wait for the next notification")]
    ) { inv in
        let (user, _) = try identity(inv, needsRole: false)
        try follow(inv, path: "/ws/notifications/\(user)/")
    }

    static let chat = Command(
        "watch chat",
        summary: "Follow (and optionally send to) a user's chat channel",
        discussion: discussion,
        flags: userFlags + followFlags + [Flag("send", .payload, "JSON message to send once connected")],
        examples: [
            Example("homeserve watch chat --send '{\"type\": \"chat_message\", \"data\": {\"text\": \"On my way\"}}' --count 1",
                    "Send a chat message and wait for the next one"),
        ]
    ) { inv in
        let (user, role) = try identity(inv, needsRole: true)
        try follow(inv, path: "/ws/chat/\(user)/\(role!)/", greeting: inv.values.string("send"))
    }

    static let status = Command(
        "watch status",
        summary: "Follow live status updates for a user and role",
        discussion: discussion,
        flags: userFlags + followFlags,
        examples: [Example("homeserve --profile ops watch status --user 7 --role vendor", "Watch a vendor's status feed as an admin")]
    ) { inv in
        let (user, role) = try identity(inv, needsRole: true)
        try follow(inv, path: "/ws/status/\(user)/\(role!)/")
    }

    /// User id and role default to the logged-in user's (from the credentials, else the token's claims).
    static func identity(_ inv: Invocation, needsRole: Bool) throws -> (String, String?) {
        let creds = try inv.client().loadCredentials()
        let user = inv.values.string("user") ?? creds?.user["id"]?.stringValue ?? creds.flatMap { JWT.claims($0.access)?["user_id"]?.stringValue }
        guard let user else {
            throw CLIError.usage("'\(inv.command.name)' needs --user ID when no user is logged in (profile '\(inv.session.profile)')")
        }
        let role = inv.values.string("role") ?? creds?.user["role"]?.stringValue
        if needsRole && role == nil { throw CLIError.usage("'\(inv.command.name)' needs --role (\(roles.joined(separator: ", "))) when the role is not known") }
        return (user, role)
    }

    struct Until {
        var type: String
        var field: String?
        var value: String?

        init(_ text: String) throws {
            let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard let first = parts.first, !first.isEmpty else {
                throw CLIError.usage("invalid value '\(text)' for --until: expected TYPE[:FIELD=VALUE], e.g. booking_status_change:status=completed")
            }
            type = first
            if parts.count == 2 {
                let condition = parts[1].split(separator: "=", maxSplits: 1).map(String.init)
                guard condition.count == 2, !condition[0].isEmpty else {
                    throw CLIError.usage("invalid value '\(text)' for --until: expected TYPE[:FIELD=VALUE], e.g. booking_status_change:status=completed")
                }
                field = condition[0]
                value = condition[1]
            }
        }

        func matches(_ message: JSON) -> Bool {
            guard message["type"]?.stringValue == type else { return false }
            guard let field, let value else { return true }
            let found = message["data"]?.value(at: field) ?? message.value(at: field)
            return found?.stringValue == value
        }
    }

    static func policy(_ inv: Invocation) -> ChannelFollower.Policy {
        var policy = ChannelFollower.Policy()
        policy.attempts = inv.values.int("reconnect-attempts") ?? 5
        policy.delay = Double(inv.values.int("reconnect-delay") ?? 3)
        policy.deadline = inv.values.int("timeout").map { Monotonic.now() + Double($0) }
        return policy
    }

    static func follow(_ inv: Invocation, path: String, greeting: String? = nil) throws {
        let until = try inv.values.string("until").map(Until.init)
        if inv.dryRun {
            let url = try ChannelFollower.socketBase(inv) + path + (try inv.client().loadCredentials() != nil ? "?token=***" : "")
            inv.terminal.line(JSON.object([("method", .string("GET")), ("url", .string(url)),
                                           ("headers", .object([("Upgrade", .string("websocket")), ("Sec-WebSocket-Version", .string("13"))]))]).serialized())
            return
        }
        let printer = try inv.printer()
        let readable = printer.format == .table
        // csv/tsv stream a row per message; json and ndjson both print one object per line, since a
        // stream that may be cut short by Ctrl-C cannot promise a closing bracket.
        let rows = printer.format == .csv || printer.format == .tsv ? printer.list(columns: ["timestamp", "type", "data"]) : nil
        let limit = inv.values.int("count")
        var seen = 0
        let follower = ChannelFollower(inv: inv, path: path, policy: policy(inv))
        follower.greeting = greeting
        do {
            try follower.run(onMessage: { message in
            if let rows {
                rows.add(message)
            } else {
                inv.terminal.line(readable ? EventLine.render(message) : (printer.fields.map { Printer.project(message, $0) } ?? message).serialized())
            }
            seen += 1
            // Nobody is reading any more (`| head -1`): stop, as a pipeline expects.
            if !inv.terminal.flush() { return true }
            if let until, until.matches(message) { return true }
            if let limit, seen >= limit { return true }
            return false
            })
        } catch is ChannelFollower.DeadlinePassed {
            throw CLIError(.network, "timed out: \(until != nil ? "nothing matched" : "fewer messages than --count arrived") within \(inv.values.int("timeout") ?? 0)s")
        }
    }
}

/// One readable line per event: time, type, and the data's fields.
enum EventLine {
    static func render(_ message: JSON) -> String {
        guard case .object = message, let type = message["type"]?.stringValue else { return message.serialized() }
        let stamp = message["timestamp"]?.stringValue.map { String($0.dropFirst(11).prefix(8)) } ?? ""
        var summary = ""
        if case let .object(fields)? = message["data"] {
            summary = fields.prefix(6).map { "\($0.0)=\($0.1.cellText)" }.joined(separator: " ")
        } else if let data = message["data"] {
            summary = data.cellText
        }
        return [stamp, type, summary].filter { !$0.isEmpty }.joined(separator: "  ")
    }
}
