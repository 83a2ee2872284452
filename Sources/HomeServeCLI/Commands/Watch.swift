import HomeServeAPI
import HomeServeCore

enum WatchCommands {
    static let all: [Command] = [booking, notifications, chat, status]

    static let roles = ["customer", "vendor", "onboard_manager", "ops_manager", "super_admin"]
    /// The roles the contract's admin endpoints serve: they act on others, with no bookings of their own.
    static let operators = ["ops_manager", "super_admin"]

    static let attempts = RequiredFlag("reconnect-attempts", .integer(0...100), "Reconnects before giving up", default: 5, placeholder: "N")
    static let delay = RequiredFlag("reconnect-delay", .integer(0...300, placeholder: "SECONDS"), "Seconds between reconnects", default: 3)
    static let reconnectFlags: [any FlagDeclaration] = [attempts, delay]

    static let count = Flag("count", .integer(1...), "Exit 0 after N messages")
    /// The event types the contract names; `--until` accepts others too.
    static let eventTypes = ["booking_status_change", "signature_request", "payment_update", "chat_message", "notification"]
    static let until = Flag("until", ValueKind<Until>(ValueShape(placeholder: "TYPE[:FIELD=VALUE]", accepted: "TYPE[:FIELD=VALUE], e.g. booking_status_change:status=completed", completion: .words(eventTypes + ["booking_status_change:status=completed"]), examples: eventTypes + ["booking_status_change:status=completed"])) { text, _ throws(ValueProblem) in
        guard let until = Until(text) else { throw ValueProblem() }
        return until
    }, "Exit 0 on the first message of TYPE, optionally with a field (dot path into the message or its data) equal to VALUE")
    static let timeout = Flag("timeout", .integer(1..., placeholder: "SECONDS"), "Follow for SECONDS, connecting included, then exit 0; with --count or --until, exit 11 if they were not met (default: for ever)")
    static let followFlags: [any FlagDeclaration] = [count, until, timeout] + reconnectFlags

    static let user = Flag("user", .integer(1...), "User id (default: the logged-in user)", placeholder: "ID")
    static let role = Flag("role", .choice(roles), "Role in the channel path (default: the logged-in user's)")
    static let send = Flag("send", .payload, "JSON message to send once connected (again only after a connection refused with close 4001 before it delivered anything)")
    static let bookingID = Argument("ID", .identifier, "Booking id")

    static let discussion = """
    Each message is printed as it arrives: one JSON object per line with -o json or ndjson (the default
    when stdout is not a terminal; a stream cut short by Ctrl-C cannot promise a closing bracket), a row
    per message with -o csv/tsv (timestamp, type, data; --fields picks other dot paths), a readable line
    per event on a terminal, or jq's results with --jq. Unknown message types are printed as they are.
    The connection is retried like the web client does: up to 5 times, 3 s apart, with a fresh access
    token when the old one expired; a line on stderr marks each reconnect. Here --timeout bounds the
    whole wait, connecting and handshakes included: running out of it ends the follow with exit 0, or
    with exit 11 when --count or --until were not met. A socket kept down ends, when reconnects or
    --timeout run out, with the code of why: an HTTP error's (a redirect 12, 5xx 8, 429 10), 8 for
    answers that cannot be used (a handshake answered 200, frames that break the protocol or pass
    16 MiB), 9 for a network that failed. With no session the command exits 3 before connecting. Ctrl-C
    closes the socket and exits 130.
    """

    static let booking = Command(
        "watch booking",
        summary: "Follow a booking's live events",
        discussion: discussion,
        flags: followFlags,
        arguments: [bookingID],
        examples: [
            Example("homeserve watch booking 3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13 --until booking_status_change:status=completed --timeout 3600",
                    "Block until a booking is completed, for up to an hour"),
        ]
    ) { inv in
        try follow(inv, path: "/ws/bookings/\(inv[bookingID])/")
    }

    static let notifications = Command(
        "watch notifications",
        summary: "Follow a user's notifications",
        discussion: discussion,
        flags: [user] + followFlags,
        examples: [Example("homeserve watch notifications --count 1 -o ndjson", "Wait for the next notification")]
    ) { inv in
        let (id, _) = try identity(inv, needsRole: false)
        return try follow(inv, path: "/ws/notifications/\(id)/")
    }

    static let chat = Command(
        "watch chat",
        summary: "Follow (and optionally send to) a user's chat channel",
        discussion: discussion,
        flags: [user, role] + followFlags + [send],
        examples: [
            Example("homeserve watch chat --send '{\"type\": \"chat_message\", \"data\": {\"text\": \"On my way\"}}' --count 2",
                    "Send a chat message and wait for the next one (the chat echoes what is sent: the first message is its own)"),
        ]
    ) { inv in
        let (id, name) = try identity(inv, needsRole: true)
        return try follow(inv, path: "/ws/chat/\(id)/\(name ?? "")/", greeting: inv[send]?.serialized())
    }

    static let status = Command(
        "watch status",
        summary: "Follow live status updates for a user and role",
        discussion: discussion,
        flags: [user, role] + followFlags,
        examples: [Example("homeserve --profile ops watch status --user 7 --role vendor", "Watch a vendor's status feed as an operator")]
    ) { inv in
        let (id, name) = try identity(inv, needsRole: true)
        return try follow(inv, path: "/ws/status/\(id)/\(name ?? "")/")
    }

    /// User id and role default to the logged-in user's (from the credentials, else the token's claims).
    static func identity(_ inv: Invocation, needsRole: Bool) throws -> (String, String?) {
        // Not logged in: a job that can log in does so now, so the user is known (or this is exit 3). A dry
        // run needs no session; it shows the login a job would make, and the user it would bring as
        // {user_id} (and {role}).
        if try inv.store.credentials() == nil {
            if !inv.dryRun {
                _ = try deadline(inv)
                try requireSession(inv)
            } else if inv.store.logsInUnattended {
                return (inv[user].map(String.init) ?? "{user_id}", needsRole ? inv[role] ?? "{role}" : nil)
            }
        }
        let creds = try inv.store.credentials()
        // A session from the environment names its user only in its tokens' claims (SimpleJWT's user_id).
        let id = inv[user].map(String.init) ?? creds?.user["id"]?.cellText
            ?? JWT.userID(in: [creds?.access, creds?.refresh])?.cellText
        guard let id, !id.isEmpty else {
            // A session that does not name its user is not "no user logged in": the variable is named.
            let why = creds.map { $0.source == .file ? "the session of profile '\(inv.profile.name)' does not name its user"
                                                     : "the token from \($0.source.rawValue) does not name its user (no user_id claim)" }
                ?? "no user is logged in (profile '\(inv.profile.name)')"
            throw CLIError.usage("'\(inv.command.name)' needs --user ID: \(why)")
        }
        // Only the commands that declare --role read it: watch notifications has none.
        let name = needsRole ? inv[role] ?? creds?.user["role"]?.stringValue : nil
        if needsRole && name == nil { throw CLIError.usage("'\(inv.command.name)' needs --role (\(roles.joined(separator: ", "))) when the role is not known") }
        return (id, name)
    }

    /// When `--timeout` runs out, counted from the first thing the command does; every request on the
    /// way (a login, a token renewal) ends by then too.
    static func deadline(_ inv: Invocation) throws -> Double? {
        let client = try inv.client()
        if client.deadline == nil { client.deadline = inv[timeout].map { inv.context.clock.monotonic() + Double($0) } }
        return client.deadline
    }

    /// Every channel wants a session: without one (and no way to log in unattended) the command is exit 3
    /// before it connects, not a refused socket reconnected until the attempts run out.
    static func requireSession(_ inv: Invocation) throws {
        guard try inv.store.accessToken(authority: inv.client()) != nil else { throw SessionError.notLoggedIn(profile: inv.profile.name) }
    }

    struct Until: Sendable {
        var type: String
        var field: String?
        var value: String?

        init?(_ text: String) {
            let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard let first = parts.first, !first.isEmpty else { return nil }
            type = first
            if parts.count == 2 {
                let condition = parts[1].split(separator: "=", maxSplits: 1).map(String.init)
                guard condition.count == 2, !condition[0].isEmpty else { return nil }
                field = condition[0]
                value = condition[1]
            }
        }

        func matches(_ message: JSON) -> Bool {
            guard message["type"]?.stringValue == type else { return false }
            guard let field, let value else { return true }
            guard let found = message["data"]?.value(at: field) ?? message.value(at: field) else { return false }
            // As a value, not as text: null is null, and a number is the same however it is written (1, 1.0).
            switch found {
            case .null: return value == "null"
            case .number(let literal):
                if literal == value { return true }
                // VALUE written as a JSON number; whole numbers compared exactly (ids past 2^53 stay apart).
                guard let first = value.first, first == "-" || first.isNumber, value.allSatisfy({ "0123456789-+.eE".contains($0) }) else { return false }
                let whole: (String) -> Bool = { !$0.contains(where: { ".eE".contains($0) }) }
                if whole(literal), whole(value) { return Int(literal).map { $0 == Int(value) } ?? false }
                return Double(literal).map { $0 == Double(value) } ?? false
            default: return found.stringValue == value
            }
        }
    }

    static func policy(_ inv: Invocation, deadline: Double?) -> ChannelFollower.Policy {
        var policy = ChannelFollower.Policy()
        policy.attempts = inv[attempts]
        policy.delay = Double(inv[delay])
        policy.deadline = deadline
        policy.connectTimeout = Double(inv[GlobalFlags.timeout])
        return policy
    }

    /// A follower for `path` with the invocation's session: tokens renewed when refused, if they can be.
    static func follower(_ inv: Invocation, path: String, policy: ChannelFollower.Policy) throws -> ChannelFollower {
        let client = try inv.client()
        let store = inv.store
        return ChannelFollower(
            connector: inv.context.webSockets(inv.transportSettings), base: try inv.socketBase(), path: path, policy: policy,
            clock: inv.context.clock,
            session: .init(token: { forced in
                if forced, let stale = try store.credentials()?.access { return try store.renew(refused: stale, authority: client) }
                return try store.accessToken(authority: client)
            }, canRenew: { store.source != .accessToken }),
            note: { inv.note($0) }, log: inv.verbose ? { inv.say($0) } : nil)
    }

    static func follow(_ inv: Invocation, path: String, greeting: String? = nil) throws -> CommandOutput {
        if let sortBy = inv[GlobalFlags.sortBy] {
            throw CLIError.usage("invalid flag --sort-by '\(TerminalText.visible(sortBy))' for '\(inv.command.name)': messages are printed as they arrive, so a stream cannot be sorted")
        }
        if inv.dryRun {
            // A login a job would make first is shown before the socket it would open with its token.
            let token = try inv.store.previewAccessToken(authority: try inv.client())
            let url = try inv.socketBase().description + path + (token != nil ? "?token=***" : "")
            var preview = JSON.object([("method", .string("GET")), ("url", .string(url)),
                                       ("headers", .object([("Upgrade", .string("websocket")), ("Sec-WebSocket-Version", .string("13"))]))])
            // The message --send would send once connected, the one thing the dry run stands in for that changes anything.
            if let greeting { preview = preview.setting("send", (try? JSON.parse(greeting)).map(Redaction.body) ?? .string(Redaction.text(greeting))) }
            return .text(preview.serialized() + "\n")
        }
        let deadline = try deadline(inv)
        try requireSession(inv)
        let print = try inv.eventPrinter()
        inv.printedItsOwnData = true
        let limit = inv[count], condition = inv[until]
        var seen = 0
        let follower = try follower(inv, path: path, policy: policy(inv, deadline: deadline))
        follower.greeting = greeting
        do {
            try follower.run(onMessage: { message in
                try print(message)
                seen += 1
                // Nobody is reading any more (`| head -1`): stop, as a pipeline expects.
                if !inv.context.stdout.flush() { return true }
                // jq's `halt` ends the stream as it ends jq.
                if try inv.jq()?.halted == true { return true }
                if let condition, condition.matches(message) { return true }
                if let limit, seen >= limit { return true }
                return false
            })
        } catch FollowError.deadlinePassed {
            // Following for a time is what was asked unless a count or a message was waited for, or the
            // socket was down when the time ran out (a server that never answered is not a quiet channel).
            if let down = follower.down {
                let code = follower.downAnswer.map { FailureReport.socketCode(status: $0.status, unusable: $0.unusable) } ?? .network
                throw CLIError(code, "no connection to \(path) when --timeout (\(inv[timeout] ?? 0)s) ran out: \(down)")
            }
            guard condition != nil || limit != nil else { return .nothing }
            let what = condition != nil ? "nothing matched --until" : "\(seen) of \(limit ?? 0) messages arrived"
            throw CLIError(.timedOut, "timed out after \(inv[timeout] ?? 0)s: \(what)")
        }
        return .nothing
    }
}

/// One readable line per event: time, type, and the data's fields.
enum EventLine {
    static func render(_ message: JSON) -> String {
        guard case .object = message, let type = message["type"]?.stringValue else { return TerminalText.visible(message.serialized(), keepTabs: false) }
        let stamp = message["timestamp"]?.stringValue.map { String($0.dropFirst(11).prefix(8)) } ?? ""
        var summary = ""
        if case let .object(fields)? = message["data"] {
            summary = fields.prefix(6).map { "\($0.0)=\($0.1.cellText)" }.joined(separator: " ")
        } else if let data = message["data"] {
            summary = data.cellText
        }
        return TerminalText.visible([stamp, type, summary].filter { !$0.isEmpty }.joined(separator: "  "), keepTabs: false)
    }
}
