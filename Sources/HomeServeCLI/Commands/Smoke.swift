import HomeServeAPI
import HomeServeCore

/// `homeserve smoke`: a built-in smoke test of a deployment, for CI.
enum SmokeCommands {
    static let all: [Command] = [smoke]

    static let roles = WatchCommands.roles
    static let asRole = ListFlag("as", .keyValue, "Run a role's cases with another profile: ROLE=PROFILE (roles: \(roles.joined(separator: ", ")))", placeholder: "ROLE=PROFILE")
    static let write = SwitchFlag("write", "Add a booking round trip (create, get, cancel) as a customer; the booking is cancelled afterwards")
    static let sockets = SwitchFlag("ws", "Open each WebSocket channel, hold it half a second, close it")
    /// How long `--ws` holds a channel open for a refusal to come.
    static let socketHold = 0.5
    static let junit = Flag("junit", .sideFile, "Write the results as JUnit XML to FILE, for CI systems")
    static let pincode = RequiredFlag("pincode", .pincode, "Pincode the pricing, vendor and scheduling cases ask about", default: "560001", shown: "560001")

    static let smoke = Command(
        "smoke",
        summary: "Smoke-test a deployment: sign-in, reads per role, optional writes and sockets; JUnit XML for CI",
        discussion: """
        With the profile's session (or one profile per role with --as ROLE=PROFILE), checks: the session
        (login or refresh), services list and get, bookings list, a pricing quote, vendor search, a
        vendor's scheduling slots, and per role the reads that role may do (customers: signatures and
        disputes; vendors: the day plan; operators (ops managers and super admins): cache stats, the
        dashboard, notification stats, alerts and the audit trail; onboard managers: the common
        reads only). --write adds a booking round trip, cleaned up afterwards (one whose POST got no usable
        answer is found by the run's notes and cancelled, or stderr says how to find it); --ws opens each
        WebSocket channel, holds it half a second (a server refusing it closes it at once) and closes it. Each case stands alone and is bounded by --timeout per request.
        Prints a row per case (case, role, result, seconds, detail); exits 0 when none failed, otherwise
        the exit code of the first failure.
        """,
        flags: [asRole, write, sockets, junit, pincode],
        examples: [
            Example("homeserve smoke --junit smoke.xml", "The read-only suite with this profile, for CI"),
            Example("homeserve smoke --as customer=ci-customer --as super_admin=ci-admin --write --ws --junit smoke.xml", "Every role, writes and sockets"),
        ]
    ) { inv in
        var sessions: [(role: String, profile: String)] = []
        for pair in inv[asRole] {
            guard roles.contains(pair.key) else {
                throw CLIError.usage("invalid value '\(ParsedLine.shown(pair.key + "=" + pair.text))' for --as: unknown role '\(ParsedLine.shown(pair.key))'; roles: \(roles.joined(separator: ", "))")
            }
            guard ValueKind.isProfileName(pair.text) else {
                throw CLIError.usage("invalid value '\(ParsedLine.shown(pair.key + "=" + pair.text))' for --as: expected ROLE=PROFILE with \(ValueKind.profileNameRule)")
            }
            // One profile per role: two would run some of the role's cases as one and the rest as the other.
            if let earlier = sessions.first(where: { $0.role == pair.key }) {
                throw CLIError.usage("invalid value '\(ParsedLine.shown(pair.key + "=" + pair.text))' for --as: role '\(pair.key)' is already run as profile '\(earlier.profile)'; give one profile per role")
            }
            sessions.append((pair.key, pair.text))
        }
        if inv.dryRun { return inv.dryRun(wouldHave: "run the smoke cases (each depends on the server's answers)") }
        let runner = Runner(inv: inv, pincode: inv[pincode])
        let main = try runner.session(profile: inv.profile.name)
        let others = try sessions.map { (role: $0.role, session: try runner.session(profile: $0.profile)) }
        var byRole: [String: Runner.Session] = [:]
        if let role = main.role { byRole[role] = main }
        for other in others { byRole[other.role] = other.session }
        // No session at all, and none to be made: what --ws (and --write, with no --as customer) lack is the
        // credentials (exit 3), not a flag.
        if try inv.store.credentials() == nil, inv[sockets] || (inv[write] && byRole["customer"] == nil) {
            throw SessionError.notLoggedIn(profile: inv.profile.name)
        }
        // Asked to write, the run must write: a skipped round trip would let CI pass without it.
        if inv[write], byRole["customer"] == nil {
            // A session from the environment names no role: it cannot be known to be a customer's.
            let environmental = (try? inv.store.credentials())??.source.rawValue.hasPrefix("HOMESERVE_") == true
            let why = environmental ? "a session from \(inv.store.source.rawValue) names no role" : "no customer session is known"
            throw CLIError.usage("--write books and cancels a booking as a customer, and \(why): log in as one or add --as customer=PROFILE")
        }
        // Asked to open the channels, the run must open them: they are a user's, named by id and role.
        if inv[sockets], main.userID == nil || main.role == nil {
            let source = (try? main.store.credentials()?.source).flatMap { $0 } ?? .file
            let why = source == .file ? "its stored session names no user" : "a session from \(source.rawValue) names none"
            throw CLIError.usage("--ws opens the channels as the logged-in user and role, and profile '\(main.profile)' has no user known (\(why)): log in with '\(inv.homeserve) auth login', or leave out --ws")
        }
        runner.sessionCase(main.role ?? "-", main)
        runner.commonReads(main)
        // `--as ROLE=PROFILE` naming the run's own profile and role is the session case already run.
        for other in others where !(other.session.profile == main.profile && other.role == main.role) {
            // Two profiles run as one role: each case is named apart, for reports that key on role and name.
            runner.sessionCase(other.role, other.session, named: other.role == main.role ? "session (profile \(other.session.profile))" : "session")
        }
        for (role, session) in byRole.sorted(by: { $0.key < $1.key }) { runner.roleReads(role, session) }
        if inv[write], let customer = byRole["customer"] { runner.bookingRoundTrip(customer) }
        if inv[sockets] { runner.sockets(main) }
        let cases = runner.cases
        if let path = inv[junit] {
            try OutputFile.write(path, Array(JUnit.xml(cases).utf8), mode: 0o644)
            inv.note("Wrote \(cases.count) test cases to \(path).")
        }
        let failed = cases.filter { $0.result == "fail" }
        let document = JSON.object([
            ("cases", .array(cases.map(\.json))), ("passed", .int(cases.filter { $0.result == "pass" }.count)),
            ("failed", .int(failed.count)), ("skipped", .int(cases.filter { $0.result == "skip" }.count)),
        ])
        let output = CommandOutput.document(document, .report(["case", "role", "result", "seconds", "detail"]))
        // Stopped by Ctrl-C or a signal: said as any command says it, whatever the cases were.
        if inv.context.cancellation.isCancelled { return .failed(after: output, CLIError(.interrupted, SignalWatcher.stoppedBy)) }
        guard let first = failed.first else { return output }
        return .failed(after: output, CLIError(first.code, "smoke: \(failed.count) of \(cases.count) cases failed; first: \(first.name) (\(first.detail))"))
    }

    struct Case {
        var name: String
        var role: String
        var result: String
        var seconds: Double
        var detail: String
        var code: ExitCode = .ok

        var json: JSON {
            .object([("case", .string(name)), ("role", .string(role)), ("result", .string(result)),
                     ("seconds", .number(String((seconds * 1000).rounded() / 1000))), ("detail", .string(detail))])
        }
    }

    final class Runner {
        struct Session {
            var profile: String
            var client: APIClient
            var store: CredentialStore
            var role: String?
            var username: String?
            var userID: String?
        }

        let inv: Invocation
        let pincode: String
        var cases: [Case] = []
        /// Roles whose session case failed (the main session's too, when its role is known).
        var sessionFailed: Set<String> = []

        init(inv: Invocation, pincode: String) {
            self.inv = inv
            self.pincode = pincode
        }

        func session(profile: String) throws -> Session {
            if profile == inv.profile.name {
                let client = try inv.client()
                // No session yet, and a job that logs in by itself (HOMESERVE_USERNAME and a password): it logs
                // in now, so the run knows its user and role.
                if try inv.store.credentials() == nil { _ = try inv.store.accessToken(authority: client) }
                let creds = try? inv.store.credentials()
                return Session(profile: profile, client: client, store: inv.store, role: creds?.user["role"]?.stringValue,
                               username: creds?.user["username"]?.stringValue, userID: creds?.user["id"]?.cellText)
            }
            let store = CredentialStore(paths: inv.paths, profile: profile, environment: inv.environment.filter { !$0.key.hasPrefix("HOMESERVE_TOKEN") && $0.key != "HOMESERVE_REFRESH_TOKEN" },
                                        clock: inv.context.clock, lockTimeout: Double(inv[GlobalFlags.timeout]), warn: inv.warn, note: inv.note)
            let known = try store.knownProfiles()
            guard known.contains(profile) else { throw SessionError.unknownProfile(name: profile, known: known) }
            let named = try inv.baseURL()
            let namedForCommand = Invocation.commandSources.contains(named.source)
            var base = named.url
            if !namedForCommand, let text = try store.setting("url"), case let .success(url) = WebURL.parse(text) { base = url }
            let main = try inv.client()
            if base.description != main.base.description {
                inv.warn("profile '\(profile)' uses \(base), not \(main.base): this run covers two servers (--url or HOMESERVE_URL holds every profile to one)")
            }
            store.serve(base, namedForCommand: namedForCommand)
            let client = APIClient(base: base, transport: main.transport, session: store, clock: inv.context.clock, random: inv.context.random,
                                   options: main.options, warn: inv.warn, note: inv.note)
            let creds = try? store.credentials()
            return Session(profile: profile, client: client, store: store, role: creds?.user["role"]?.stringValue,
                           username: creds?.user["username"]?.stringValue, userID: creds?.user["id"]?.cellText)
        }

        /// Runs one case: its own requests, timed, its failure recorded rather than thrown.
        func run(_ name: String, role: String, in session: Session, _ body: (Session) throws -> String) {
            // A role whose session failed (not logged in, or as another role) would run its cases as someone
            // else: they are skipped, not passed.
            if sessionFailed.contains(role) { return skip(name, role: role, "the \(role) session failed") }
            // A case after the run was stopped is not run, and no failure of its own.
            if inv.context.cancellation.isCancelled { return skip(name, role: role, "not run: \(SignalWatcher.stoppedBy)") }
            let start = inv.context.clock.monotonic()
            do {
                let detail = try body(session)
                cases.append(Case(name: name, role: role, result: "pass", seconds: inv.context.clock.monotonic() - start, detail: detail))
            } catch let skipped as Skipped {
                skip(name, role: role, skipped.reason)
            } catch is Cancelled {
                cases.append(Case(name: name, role: role, result: "fail", seconds: inv.context.clock.monotonic() - start, detail: SignalWatcher.stoppedBy, code: .interrupted))
            } catch {
                let failure = FailureReport(profile: session.profile, profileChosen: true, source: try? session.store.credentials()?.source,
                                            canLogIn: (try? session.store.hasPasswordSource()) == true).describe(error)
                cases.append(Case(name: name, role: role, result: "fail", seconds: inv.context.clock.monotonic() - start, detail: failure.message, code: failure.code))
            }
        }

        /// A case that cannot run because what it needs failed in another case.
        struct Skipped: Error { let reason: String }

        func skip(_ name: String, role: String, _ why: String) {
            cases.append(Case(name: name, role: role, result: "skip", seconds: 0, detail: why))
        }

        /// GETs a listing and returns its rows, failing when none can be found.
        func rows(_ session: Session, _ path: String, query: [(String, String)] = []) throws -> [JSON] {
            guard let document = try session.client.json(APICall("GET", path, query: query)) else { return [] }
            guard let rows = CollectionReader.rows(in: document)?.rows else {
                throw APIError.badResponse(method: "GET", path: path, reason: "no list of rows in the answer (keys: \(document.keys.joined(separator: ", ")))")
            }
            return rows
        }

        func document(_ session: Session, _ path: String, query: [(String, String)] = []) throws -> JSON {
            let call = APICall("GET", path, query: query)
            guard let answer = try session.client.json(call) else { return .null }
            try Invocation.requireSomething(answer, of: call, .report(), client: session.client)
            return answer
        }

        /// The server accepts the session (logging in or refreshing first, as any command would), and the
        /// profile given for a role (--as ROLE=PROFILE) is logged in with that role.
        func sessionCase(_ role: String, _ session: Session, named name: String = "session") {
            run(name, role: role, in: session) { session in
                _ = try session.client.send(AuthCommands.sessionProbe)
                // The probe may have logged in: who the session is comes from the store after it.
                let user = (try? session.store.credentials())??.user
                let name = user?["username"]?.stringValue ?? session.username
                if role != "-", let actual = user?["role"]?.stringValue ?? session.role, actual != role {
                    // A session matter (no 403 was answered): the profile is to be logged in as the role's user.
                    throw CLIError(.notAuthenticated, "--as \(role)=\(session.profile): the profile is logged in as \(name ?? "a user") with role \(actual), not \(role)")
                }
                return "accepted" + (name.map { " as \($0)" } ?? "")
            }
            if role != "-", cases.last?.result == "fail" { sessionFailed.insert(role) }
        }

        func commonReads(_ session: Session) {
            let role = session.role ?? "-"
            run("services list", role: role, in: session) { "\(try rows($0, "/api/services/").count) services on the first page" }
            run("services get", role: role, in: session) { session in
                guard let id = try rows(session, "/api/services/", query: [("page_size", "1")]).first?["id"]?.cellText else { return "no services to get" }
                let service = try document(session, "/api/services/\(id)/")
                return "service \(id): \(Rows.unwrap(service, keys: ["service"])["name"]?.cellText ?? "?")"
            }
            run("bookings list", role: role, in: session) { "\(try rows($0, "/api/bookings/").count.counted("booking")) on the first page" }
            run("pricing quote", role: role, in: session) { session in
                guard let id = try rows(session, "/api/services/", query: [("page_size", "1")]).first?["id"]?.cellText else { return "no service to quote" }
                let quote = try document(session, "/api/dynamic-pricing/", query: [("service_id", id), ("pincode", pincode)])
                return "service \(id) at \(pincode): \(PricingCommands.finalPrice(in: quote) ?? "no final price in the answer")"
            }
            run("vendors search", role: role, in: session) { session in
                let answer = try document(session, "/api/vendor-search/", query: [("pincode", pincode)])
                let count = CollectionReader.rows(in: answer)?.rows.count ?? 0
                return "\(count.counted("vendor")) at \(pincode)"
            }
            run("scheduling slots", role: role, in: session) { session in
                // The vendor and service to ask about come from other endpoints, whose failures are their own
                // cases': here they make this case a skip, not a second report of the same failure.
                func needed<T>(_ from: String, _ get: () throws -> T) throws -> T {
                    do { return try get() } catch is Cancelled { throw Cancelled() } catch {
                        throw Skipped(reason: "needs a \(from == "vendors search" ? "vendor" : "service") from \(from), which failed")
                    }
                }
                let answer = try needed("vendors search") { try document(session, "/api/vendor-search/", query: [("pincode", pincode)]) }
                guard let vendor = CollectionReader.rows(in: answer)?.rows.first, let vendorID = (vendor["id"] ?? vendor["vendor_id"])?.cellText else {
                    throw Skipped(reason: "no vendor serves \(pincode)")
                }
                guard let service = try needed("services list", { try rows(session, "/api/services/", query: [("page_size", "1")]).first?["id"]?.cellText }) else {
                    throw Skipped(reason: "no service to ask about")
                }
                let tomorrow = CivilDate(daysSinceEpoch: Int(inv.context.clock.now() / 86400) + 1).iso
                let slots = try document(session, "/api/smart-scheduling/", query: [("vendor_id", vendorID), ("service_id", service),
                                                                                    ("customer_pincode", pincode), ("preferred_date", tomorrow)])
                return "\(CollectionReader.rows(in: slots)?.rows.count ?? 0) slots for vendor \(vendorID) on \(tomorrow)"
            }
        }

        func roleReads(_ role: String, _ session: Session) {
            switch role {
            case "customer":
                run("signatures list", role: role, in: session) { "\(try rows($0, "/api/signatures/").count) signatures" }
                run("disputes list", role: role, in: session) { "\(try rows($0, "/api/disputes/").count) disputes" }
            case "vendor":
                run("signatures list", role: role, in: session) { "\(try rows($0, "/api/signatures/").count) signatures" }
                run("scheduling optimize", role: role, in: session) { session in
                    let today = CivilDate(daysSinceEpoch: Int(inv.context.clock.now() / 86400)).iso
                    _ = try document(session, "/api/vendor-optimization/", query: [("date", today)])
                    return "day plan for \(today)"
                }
            case "ops_manager", "super_admin":
                run("admin cache stats", role: role, in: session) { _ = try document($0, "/admin-dashboard/cache/"); return "answered" }
                run("admin stats", role: role, in: session) { _ = try document($0, "/admin-dashboard/dashboard/stats/"); return "answered" }
                run("admin notifications stats", role: role, in: session) { _ = try document($0, "/admin-dashboard/notifications/"); return "answered" }
                run("admin alerts", role: role, in: session) { "\(try rows($0, "/admin-dashboard/notifications/alerts/").count) alerts" }
                run("admin history", role: role, in: session) { "\(try rows($0, "/admin-dashboard/edit-history/").count) entries on the first page" }
            default:
                break  // onboard managers: the reads every role makes
            }
        }

        func bookingRoundTrip(_ session: Session) {
            run("booking round trip", role: "customer", in: session) { session in
                guard let service = try rows(session, "/api/services/", query: [("page_size", "1")]).first?["id"]?.intValue else { return "no service to book" }
                // A week ahead, at a time of day picked at random (08:00 to 17:55, five-minute steps), so two
                // runs at once, or a booking a failed run left, rarely ask for the same slot.
                let minute = 8 * 60 + 5 * Int.random(in: 0..<120)
                let when = CivilTime.iso8601((Int(inv.context.clock.now() / 86400) + 7) * 86400 + minute * 60)
                let quote = try document(session, "/api/dynamic-pricing/", query: [("service_id", String(service)), ("pincode", pincode), ("scheduled_datetime", when)])
                // Notes of this run's own, by which a booking made by a POST that got no usable answer is found.
                let notes = "homeserve smoke test \(String(UInt32(inv.context.random() * Double(UInt32.max)), radix: 16)); cancelled at once"
                var body: [(String, JSON)] = [("service", .int(service)), ("pincode", .string(pincode)), ("scheduled_date", .string(when)),
                                              ("customer_notes", .string(notes))]
                if let price = PricingCommands.finalPrice(in: quote) { body.append(("total_price", .string(Money.twoDecimals(price)))) }
                // A booking that cannot be cancelled is named, with the command that cancels it.
                func cancelMade(_ id: String) throws -> JSON? {
                    // Held to what bookings cancel is held to: a booking still pending is left behind.
                    do { return try BookingCommands.cancel(id, client: session.client, profile: session.profile) } catch {
                        inv.warn("smoke may have left booking \(id) behind: cancelling it failed; check it with 'homeserve --profile \(session.profile) bookings get \(id)' and cancel it with 'homeserve --profile \(session.profile) bookings cancel \(id)'")
                        throw error
                    }
                }
                let id: String
                do {
                    guard let created = try session.client.json(APICall("POST", "/api/bookings/", body: .json(.object(body)))),
                          let made = Rows.unwrap(created, keys: ["booking"])["id"]?.cellText else {
                        throw APIError.badResponse(method: "POST", path: "/api/bookings/", reason: "the new booking has no id")
                    }
                    id = made
                } catch {
                    // No usable answer (a timeout, a 5xx, a cut connection, no id): the booking may have been made
                    // all the same. It is looked for by its notes and cancelled, or said to be maybe left behind.
                    if mayHaveMade(error) { cancelLeftBehind(notes, by: session) }
                    throw error
                }
                // Cancelled even when the check fails, so a failed run leaves nothing behind.
                do {
                    let fetched = Rows.unwrap(try document(session, "/api/bookings/\(id)/"), keys: ["booking"])
                    guard fetched["id"]?.cellText == id else { throw APIError.badResponse(method: "GET", path: "/api/bookings/\(id)/", reason: "a different booking came back") }
                } catch {
                    _ = try? cancelMade(id)
                    throw error
                }
                let cancelled = try cancelMade(id)
                let status = cancelled.map { Rows.unwrap($0, keys: ["booking"])["status"]?.cellText ?? "?" } ?? "?"
                return "created, read and cancelled \(id) (status \(status))"
            }
        }

        /// Cancels the pending booking with this run's notes that a POST without a usable answer made.
        func cancelLeftBehind(_ notes: String, by customer: Session) {
            let find = "homeserve --profile \(customer.profile) bookings list --status pending --pincode \(pincode) --all -o json --jq '.[] | select(.customer_notes == \"\(notes)\") | .id'"
            let maybe = "smoke may have left a booking behind: its POST got no usable answer"
            guard !inv.context.cancellation.isCancelled,
                  let found = try? rows(customer, "/api/bookings/", query: [("status", "pending"), ("pincode", pincode), ("page_size", "100")])
                      .filter({ $0["customer_notes"]?.stringValue == notes }).compactMap({ $0["id"]?.cellText }) else {
                return inv.warn("\(maybe); find it with \(find)")
            }
            guard !found.isEmpty else { return inv.warn("\(maybe), and no pending booking has its notes yet; find it later with \(find)") }
            for id in found {
                if (try? BookingCommands.cancel(id, client: customer.client, profile: customer.profile)) != nil {
                    inv.note("smoke cancelled booking \(id), which its POST made without a usable answer")
                } else {
                    inv.warn("smoke left booking \(id) behind: its POST got no usable answer and cancelling it failed; cancel it with 'homeserve --profile \(customer.profile) bookings cancel \(id)'")
                }
            }
        }

        func sockets(_ session: Session) {
            let role = session.role ?? "-"
            guard let user = session.userID, let name = session.role else {
                skip("websockets", role: role, "no logged-in user to open channels for")
                return
            }
            var paths = ["/ws/notifications/\(user)/", "/ws/chat/\(user)/\(name)/", "/ws/status/\(user)/\(name)/"]
            if let booking = try? rows(session, "/api/bookings/", query: [("page_size", "1")]).first?["id"]?.cellText { paths.insert("/ws/bookings/\(booking)/", at: 0) }
            for path in paths {
                let label = "ws " + (path.split(separator: "/").dropFirst().first.map(String.init) ?? path)
                run(label, role: role, in: session) { session in
                    let token = try session.store.accessToken(authority: session.client)
                    // Another profile's token goes only to its own server's sockets.
                    let base = session.profile == inv.profile.name ? try inv.socketBase() : session.client.base.socketTwin
                    // Held open a moment: a server refusing the channel (Channels' close 4001 or 4003) does so
                    // right after the upgrade. Reported as `watch` reports it: 9 for no connection, 3, 4, 5 or 8
                    // for an answer.
                    let held = min(SmokeCommands.socketHold, Double(inv[GlobalFlags.timeout]))
                    func open(_ token: String?) throws -> Bool {
                        do {
                            let connection = try inv.context.webSockets(inv.transportSettings)
                                .connect(url: base.description + path + (token.map { "?token=" + URLEncoding.component($0) } ?? ""), timeout: Double(inv[GlobalFlags.timeout]))
                            defer { connection.close() }
                            return try connection.receive(timeout: held) != nil
                        } catch {
                            // The token refused (a 401, or close 4001) is renewed once, as `watch` renews it.
                            switch error {
                            case let .rejected(status, _) where HTTPStatus.isUnauthorized(status): throw TokenRefused()
                            case .closed(4001?, _): throw TokenRefused()
                            default: throw FollowError.of(error, path: path, url: base.description + path)
                            }
                        }
                    }
                    var greeted: Bool
                    do {
                        greeted = try open(token)
                    } catch is TokenRefused {
                        do {
                            greeted = try open(try session.store.renew(refused: token, authority: session.client))
                        } catch is TokenRefused {
                            throw FollowError.tokenRefused(reason: "the server refused the token for \(path) after it was renewed")
                        }
                    }
                    return greeted ? "opened \(path), a message arrived, closed" : "opened \(path), held \(held) s, closed"
                }
            }
        }
    }

    /// A channel's handshake or first frame refusing the token.
    struct TokenRefused: Error {}

    /// Whether a POST that failed may have made its booking: not when the server refused it (4xx) or it was
    /// never sent (no session), otherwise (no answer, a 5xx, an answer without the booking) it may have.
    static func mayHaveMade(_ error: any Error) -> Bool {
        switch error {
        case let APIError.http(failure): return failure.status >= 500
        case let APIError.transport(failure, _, _): return failure.sent
        case APIError.badResponse: return true
        case is Cancelled: return true
        default: return false
        }
    }
}

/// JUnit XML as CI systems read it (Jenkins, GitLab, GitHub's test reporters).
enum JUnit {
    static func xml(_ cases: [SmokeCommands.Case]) -> String {
        let failures = cases.filter { $0.result == "fail" }.count
        let skipped = cases.filter { $0.result == "skip" }.count
        let total = cases.reduce(0) { $0 + $1.seconds }
        var s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        s += "<testsuites name=\"homeserve smoke\" tests=\"\(cases.count)\" failures=\"\(failures)\" skipped=\"\(skipped)\" time=\"\(seconds(total))\">\n"
        s += "  <testsuite name=\"homeserve smoke\" tests=\"\(cases.count)\" failures=\"\(failures)\" skipped=\"\(skipped)\" errors=\"0\" time=\"\(seconds(total))\">\n"
        for item in cases {
            // A session with no role known ("-") is the suite's own case.
            let classname = item.role == "-" ? "homeserve.smoke" : "homeserve.smoke.\(escape(item.role))"
            s += "    <testcase classname=\"\(classname)\" name=\"\(escape(item.name))\" time=\"\(seconds(item.seconds))\""
            switch item.result {
            case "fail":
                s += ">\n      <failure message=\"\(escape(item.detail))\" type=\"exit \(item.code.rawValue)\">\(escape(item.detail))</failure>\n    </testcase>\n"
            case "skip":
                s += ">\n      <skipped message=\"\(escape(item.detail))\"/>\n    </testcase>\n"
            default:
                s += ">\n      <system-out>\(escape(item.detail))</system-out>\n    </testcase>\n"
            }
        }
        return s + "  </testsuite>\n</testsuites>\n"
    }

    static func seconds(_ value: Double) -> String {
        let millis = Int((value * 1000).rounded())
        return "\(millis / 1000).\(String(repeating: "0", count: 3 - String(millis % 1000).count))\(millis % 1000)"
    }

    /// XML text and attribute escaping; control characters XML 1.0 forbids are dropped.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default: if scalar.value >= 0x20 { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
