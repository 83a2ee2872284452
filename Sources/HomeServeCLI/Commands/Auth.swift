import HomeServeAPI
import HomeServeCore

enum AuthCommands {
    static let all: [Command] = [login, otpSend, otpVerify, refresh, status, token, logout]

    static let username = Flag("username", .username, "Account username (prompted for on a terminal if omitted)", placeholder: "USER")
    static let passwordStdin = SwitchFlag("password-stdin", "Read the password from the first line of stdin")
    static let email = Flag("email", .email, "Email address the code is sent to")
    static let phone = Flag("phone", .phone, "Phone number the code is sent to by SMS")
    static let vendor = SwitchFlag("vendor", "Use the vendor OTP endpoints (/auth/vendor/…)")
    static let otpStdin = SwitchFlag("otp-stdin", "Read the code from the first line of stdin")
    static let offline = SwitchFlag("offline", "Do not ask the server; report what is stored")

    /// What asks the server whether the session is accepted: the smallest read every role may do.
    static var sessionProbe: APICall { APICall("GET", "/api/bookings/", query: [("page_size", "1")]) }

    static let login = Command(
        "auth login",
        summary: "Log in with a username and password and store the tokens for the profile",
        discussion: """
        The password is never taken from the command line. It is read from the first line of stdin with
        --password-stdin (at most 4 KiB; the rest of stdin is not read), else from HOMESERVE_PASSWORD, else
        prompted for without echo when stdin is a terminal. Without a terminal and without either source,
        the command fails with exit code 2. The username is --username, else HOMESERVE_USERNAME, else the
        profile's username setting, else prompted for on a terminal. Nothing is printed on stdout; stderr
        says who is logged in (silent with -q). A corrupt credentials file is set aside as
        credentials.json.corrupt and replaced. An unknown --profile is created.
        """,
        flags: [username, passwordStdin],
        examples: [
            Example("printf '%s\\n' \"$PASSWORD\" | homeserve auth login --username customer1 --password-stdin", "Log in from a script"),
            Example("homeserve --profile staging --url https://staging.example.com auth login --username ops_mgr", "Log in to another server under its own profile"),
        ],
        printsData: false
    ) { inv in
        let fromEnvironment = (inv.environment["HOMESERVE_USERNAME"] ?? "").isEmpty ? nil : inv.environment["HOMESERVE_USERNAME"]
        let name = try inv[username] ?? fromEnvironment ?? inv.store.setting("username") ?? promptUsername(inv)
        try inv.store.checkLoginCanBeStored()
        let password = try readSecret(inv, "password", stdinFlag: passwordStdin, variable: "HOMESERVE_PASSWORD", prompt: "Password: ")?.value ?? "***"
        guard let (pair, user) = try inv.client().login(username: name, password: password) else { return .nothing }
        try keepLogin(inv, pair, user, saying: "Logged in as \(user["username"]?.stringValue ?? name) (\(user["role"]?.stringValue ?? "unknown role")) on profile '\(inv.profile.name)'.")
        return .nothing
    }

    /// Stores the session with the server it was made with. A profile whose URL came from --url or
    /// HOMESERVE_URL keeps that URL from now on, so its later commands go where its session is.
    static func keepLogin(_ inv: Invocation, _ pair: TokenPair, _ user: JSON, saying: String) throws {
        let (base, source) = try inv.baseURL()
        try inv.store.saveLogin(pair, user: user, server: base.description)
        inv.note(saying)
        if let variable = ["HOMESERVE_TOKEN", "HOMESERVE_REFRESH_TOKEN"].first(where: { !(inv.environment[$0] ?? "").isEmpty }) {
            inv.warn("\(variable) is set and is used before this stored session; unset it to use the login")
        }
        if source == "flag" || source == "env", try inv.store.setting("url") != base.description {
            try inv.store.updateSettings { $0 = $0.setting("url", .string(base.description)) }
            inv.note("Profile '\(inv.profile.name)' now uses \(base).")
        }
    }

    static func promptUsername(_ inv: Invocation) throws -> String {
        guard inv.context.stdin.isTerminal, !inv[passwordStdin] else {
            throw CLIError.usage("--username (or HOMESERVE_USERNAME, or the profile's username: '\(inv.homeserve) config set username NAME') is required when stdin is not a terminal")
        }
        inv.context.stderr.write("Username: ")
        guard let line = try inv.context.stdin.readLine(limit: 256), !line.isBlank else { throw CLIError.usage("no username given") }
        return line
    }

    /// A login secret, never taken from argv: the first line of stdin (at most 4 KiB) with the flag, else the
    /// environment variable, else a prompt without echo when stdin is a terminal (nil in a dry run, which
    /// asks for nothing). `source` names where it came from, for an error that must not show the secret.
    static func readSecret(_ inv: Invocation, _ what: String, stdinFlag: SwitchFlag, variable: String,
                           prompt: String) throws -> (value: String, source: String)? {
        let read = try readSecretAsGiven(inv, what, stdinFlag: stdinFlag, variable: variable, prompt: prompt)
        Redaction.remember(read?.value)
        return read
    }

    private static func readSecretAsGiven(_ inv: Invocation, _ what: String, stdinFlag: SwitchFlag, variable: String,
                                          prompt: String) throws -> (value: String, source: String)? {
        let flag = "--" + stdinFlag.spec.name
        if inv[stdinFlag] {
            // A terminal on stdin is a person typing: the line is read with echo off, as at the prompt.
            if inv.context.stdin.isTerminal, let typed = try inv.context.stdin.secret(prompt: prompt, keepTypedAhead: true) {
                guard !typed.isEmpty else { throw CLIError.usage("\(flag): the line typed is empty; expected the \(what)") }
                return (typed, flag)
            }
            let read: String?
            do throws(CLIError) { read = try inv.context.stdin.readLine(limit: 4096) } catch { throw CLIError(error.code, "\(flag): \(error.message)") }
            guard let line = read, !line.isEmpty else {
                let found = read != nil ? "the first line of stdin is empty" : inv.context.stdin.closedAtStart ? "stdin is closed" : "stdin was empty"
                throw CLIError.usage("\(flag): \(found); expected the \(what) on its first line")
            }
            return (line, flag)
        }
        if let value = inv.environment[variable]?.droppingLineEnd, !value.isEmpty { return (value, variable) }
        guard inv.context.stdin.isTerminal else {
            let empty = inv.environment[variable] != nil ? " (\(variable) is set but empty)" : ""
            throw CLIError.usage("no \(what): stdin is not a terminal\(empty); use \(flag) or set \(variable)")
        }
        guard !inv.dryRun else { return nil }
        guard let secret = try inv.context.stdin.secret(prompt: prompt), !secret.isEmpty else { throw CLIError.usage("no \(what) given") }
        return (secret, "the prompt")
    }

    static func identity(_ inv: Invocation) throws -> (key: String, value: String, method: String) {
        switch (inv[email], inv[phone]) {
        case let (address?, nil): return ("email", address, "email")
        case let (nil, number?): return ("phone", number, "sms")
        case (nil, nil): throw CLIError.usage("'\(inv.command.name)' needs --email EMAIL or --phone PHONE")
        case (.some, .some): throw CLIError.usage("'\(inv.command.name)' takes --email or --phone, not both")
        }
    }

    static let otpSend = Command(
        "auth otp send",
        summary: "Send a one-time login code by email or SMS",
        discussion: "An answer saying the code was not sent (otp_sent: false) is exit 6 with the server's message.",
        flags: [email, phone, vendor],
        examples: [
            Example("homeserve auth otp send --email customer1@example.com", "Email a login code"),
            Example("homeserve auth otp send --phone +919876543202 --vendor", "Text a vendor their code"),
        ]
    ) { inv in
        let who = try identity(inv)
        let path = inv[vendor] ? "/auth/vendor/send-otp/" : "/auth/send-otp/"
        let body = JSON.object([(who.key, .string(who.value)), ("method", .string(who.method))])
        guard let response = try inv.json(APICall("POST", path, body: .json(body), authenticated: false)) else { return .nothing }
        // The hint is a command that works as it stands: the profile chosen, and a server given by --url.
        var command = FailureReport(profile: inv.profile.name, profileChosen: inv.profile.chosen, source: nil).homeserve
        if let base = try? inv.baseURL(), base.source == "flag" { command += " --url \(base.url)" }
        // Quoted for a shell when it holds more than letters, digits and @._+:/- (o'brien&x@example.com).
        let plain = who.value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "@._+:/-".contains($0)) }
        let value = plain ? who.value : "'" + who.value.replacing("'", with: "'\\''") + "'"
        inv.note("Code sent to \(who.value); run '\(command) auth otp verify --\(who.key) \(value)\(inv[vendor] ? " --vendor" : "")' to log in with it.")
        return .document(response, .resource())
    }

    static let otpVerify = Command(
        "auth otp verify",
        summary: "Log in with a one-time code and store the tokens for the profile",
        discussion: """
        The code logs in, so it is never taken from the command line. It is read from the first line of stdin
        with --otp-stdin (at most 4 KiB), else from HOMESERVE_OTP, else prompted for without echo when stdin
        is a terminal. Without a terminal and without either source, the command fails with exit code 2; so
        does a code that is not 4 to 8 digits, before anything is sent.
        """,
        flags: [email, phone, vendor, otpStdin],
        examples: [
            Example("homeserve auth otp verify --email customer1@example.com", "Log in with an emailed code, typed at the prompt"),
            Example("printf '%s\\n' \"$CODE\" | homeserve auth otp verify --phone +919876543202 --vendor --otp-stdin", "A vendor logs in from a script"),
        ],
        printsData: false
    ) { inv in
        let who = try identity(inv)
        try inv.store.checkLoginCanBeStored()
        var otp = "***"
        if let code = try readSecret(inv, "code", stdinFlag: otpStdin, variable: "HOMESERVE_OTP", prompt: "Code: ") {
            otp = code.value.trimmed
            guard (4...8).contains(otp.count), otp.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw CLIError.usage("invalid code from \(code.source): expected the 4 to 8 digits that were sent")
            }
        }
        let path = inv[vendor] ? "/auth/vendor/verify-otp/" : "/auth/verify-otp/"
        let body = JSON.object([(who.key, .string(who.value)), ("otp", .string(otp))])
        guard let (pair, user) = try inv.client().tokens(APICall("POST", path, body: .json(body), authenticated: false)) else { return .nothing }
        try keepLogin(inv, pair, user, saying: "Logged in as \(user["username"]?.stringValue ?? who.value) (\(user["role"]?.stringValue ?? "unknown role")) on profile '\(inv.profile.name)'.")
        return .nothing
    }

    static let refresh = Command(
        "auth refresh",
        summary: "Exchange the refresh token for a new access token now",
        examples: [Example("homeserve auth refresh", "Renew the session before a long batch job")]
    ) { inv in
        let client = try inv.client()
        if inv.dryRun {
            try inv.store.requireNotEnded()
            _ = try client.send(APICall("POST", "/auth/refresh/", body: .json(.object([("refresh", .string("***"))])), authenticated: false))
            return .nothing
        }
        if try inv.store.credentials()?.source == .accessToken {
            throw CLIError.usage("HOMESERVE_TOKEN is an access token on its own and cannot be refreshed; unset it to refresh the stored session")
        }
        let creds = try inv.store.refreshNow(authority: client)
        inv.note("Access token refreshed.")
        return .document(try statusObject(inv, creds, verified: nil), .resource(statusColumns))
    }

    static let statusColumns = ["profile", "url", "source", "logged_in", "username", "role", "access_expires_at", "refresh_expires_at", "verified"]

    /// Why stored credentials can no longer make a request by themselves, or nil while they can: the access
    /// token is valid, or a refresh token is (one without an expiry is taken to be).
    static func expiry(of creds: Credentials, now: Double) -> String? {
        switch SessionState.of(access: creds.access, refresh: creds.refresh, ended: creds.ended != nil, now: creds.serverTime(now)) {
        case .active, .refreshable: return nil
        case .ended: return creds.ended
        case .expired, .none:
            guard creds.refresh != nil else {
                return creds.source == .accessToken ? "HOMESERVE_TOKEN has expired" : "the access token has expired and no refresh token is stored"
            }
            return creds.access == nil ? "the refresh token has expired" : "the access and refresh tokens have expired"
        }
    }

    /// An access token no request can carry (a line break in HOMESERVE_TOKEN): every command refuses it.
    static func unsendable(_ creds: Credentials) -> Bool {
        creds.ended == nil && creds.access.map { !JWT.isHeaderSafe($0) } == true
    }

    static func statusObject(_ inv: Invocation, _ creds: Credentials?, verified: Bool?) throws -> JSON {
        let base = try inv.baseURL()
        var pairs: [(String, JSON)] = [
            ("profile", .string(inv.profile.name)),
            ("url", .string(base.url.description)),
            ("url_source", .string(base.source)),
            ("source", creds.map { .string(inv.store.madeForCommand ? "login for this command"
                                              : inv.store.keptForCommandOnly ? "new session for this command (not saved)" : $0.source.rawValue) } ?? .null),
            // A session made with another server is not one this URL can use, nor one whose tokens have expired;
            // one the server has just accepted is live whatever this machine's clock makes of its expiries.
            ("logged_in", .bool(creds?.isFor(base.url.description) == true
                                && (verified == true || verified == nil && creds.map { expiry(of: $0, now: inv.context.clock.now()) == nil && !unsendable($0) } == true))),
            ("session_url", creds?.server.map(JSON.string) ?? .null),
        ]
        let user = creds?.user ?? .object([])
        // A token from the environment comes without its user: its own user_id claim (simplejwt's) names them.
        let claimed = JWT.userID(in: [creds?.access, creds?.refresh])
        for key in ["id", "username", "email", "role", "is_verified"] {
            pairs.append((key == "id" ? "user_id" : key, user[key] ?? (key == "id" ? claimed : nil) ?? .null))
        }
        // Expiries are the server's, counted by its time as far as this machine knows it.
        let now = Int(creds?.serverTime(inv.context.clock.now()) ?? inv.context.clock.now())
        for (name, token) in [("access", creds?.access), ("refresh", creds?.refresh)] {
            if let token, let exp = JWT.expiry(token) {
                pairs.append(("\(name)_expires_at", .string(CivilTime.iso8601(exp))))
                pairs.append(("\(name)_expires_in", .int(exp - now)))
            } else {
                pairs.append(("\(name)_expires_at", .null))
                pairs.append(("\(name)_expires_in", .null))
            }
        }
        pairs.append(("verified", verified.map(JSON.bool) ?? .null))
        return .object(pairs)
    }

    static let status = Command(
        "auth status",
        summary: "Show the profile, server, user, role and token expiry, checked with the server",
        discussion: """
        Asks the server with one cheap authenticated request (renewing the session the way any command
        would), prints the session and exits 0 when the server accepts it, 3 when the session is missing
        or dead (verified false); when the check itself fails (an unreachable server, exit 9) the stored
        session is printed with verified null. --offline reports what is stored without a request (exit 3
        when nothing is, when it was made with another server, when its tokens have expired, or when its
        access token cannot go in a header).
        source says where the credentials came from: credentials file, HOMESERVE_TOKEN,
        HOMESERVE_REFRESH_TOKEN, login for this command (at a --url or HOMESERVE_URL other than the
        profile's, its stored session kept), or new session for this command (not saved) where the disk
        refused to keep a login or renewal; session_url the server the session was made with (logged_in
        is false when that is not the URL in use). verified is whether the server accepted the session just
        now; is_verified the account's own flag, as the login answer gave it. A token from the environment
        comes without its user: user_id is read from its user_id claim, and username, email, role and
        is_verified are null.
        """,
        flags: [offline],
        examples: [
            Example("homeserve auth status", "Who am I, for how long, and does the server agree?"),
            Example("homeserve auth status -o json --jq .role", "The role, for a script"),
            Example("homeserve auth status --offline", "What is stored, without asking the server"),
        ]
    ) { inv in
        if inv[offline] {
            let creds = try inv.store.credentials()
            guard let creds else {
                return .failed(after: .document(try statusObject(inv, nil, verified: nil), .resource(statusColumns)),
                               SessionError.notLoggedIn(profile: inv.profile.name))
            }
            let url = try inv.baseURL().url.description
            if !creds.isFor(url), let server = creds.server {
                return .failed(after: .document(try statusObject(inv, creds, verified: nil), .resource(statusColumns)),
                               SessionError.otherServer(profile: inv.profile.name, session: server, asked: url))
            }
            if unsendable(creds) {
                return .failed(after: .document(try statusObject(inv, creds, verified: nil), .resource(statusColumns)),
                               SessionError.malformedToken(source: creds.source))
            }
            if let reason = expiry(of: creds, now: inv.context.clock.now()) {
                return .failed(after: .document(try statusObject(inv, creds, verified: nil), .resource(statusColumns)),
                               SessionError.expired(profile: inv.profile.name, source: creds.source, reason: reason))
            }
            return .document(try statusObject(inv, creds, verified: nil), .resource(statusColumns))
        }
        // Nothing stored and no way to log in: nothing to ask the server about.
        if !inv.dryRun, try inv.store.credentials() == nil, !inv.store.logsInUnattended {
            return .failed(after: .document(try statusObject(inv, nil, verified: false), .resource(statusColumns)),
                           SessionError.notLoggedIn(profile: inv.profile.name))
        }
        let client = try inv.client()
        do {
            guard try client.send(sessionProbe) != nil else { return .nothing }
            guard let creds = try inv.store.credentials() else { throw SessionError.notLoggedIn(profile: inv.profile.name) }
            return .document(try statusObject(inv, creds, verified: true), .resource(statusColumns))
        } catch {
            // The session is shown whatever ended the check: refused (verified false), or unknown (null) when
            // the server could not say, so a script reads the same document on every failure.
            let report = inv.describe(error, source: try? inv.store.credentials()?.source)
            guard report.code != .interrupted else { throw error }
            let verified: Bool? = report.code == .notAuthenticated ? false : nil
            return .failed(after: .document(try statusObject(inv, try? inv.store.credentials(), verified: verified), .resource(statusColumns)), error)
        }
    }

    static let token = Command(
        "auth token",
        summary: "Print the access token (renewed first if it is about to expire)",
        discussion: "An expired HOMESERVE_TOKEN, which is never renewed, is exit 3 instead of being printed.",
        examples: [Example("curl -H \"Authorization: Bearer $(homeserve auth token)\" http://localhost:8000/api/bookings/", "Use the session from another tool")],
        printsData: false
    ) { inv in
        if inv.dryRun {
            try inv.store.requireNotEnded()
            // HOMESERVE_TOKEN is printed as it is: it is never renewed.
            let renewed = try inv.store.credentials()?.source == .accessToken ? "HOMESERVE_TOKEN, as it is" : "the access token of profile '\(inv.profile.name)', renewed first if it is about to expire"
            return inv.dryRun(wouldHave: "print \(renewed)")
        }
        guard let access = try inv.store.accessToken(authority: inv.client()) else {
            throw SessionError.notLoggedIn(profile: inv.profile.name)
        }
        // HOMESERVE_TOKEN is never renewed: one past its expiry would only be refused wherever it is used.
        if inv.store.source == .accessToken, let expiry = JWT.expiry(access), Double(expiry) <= inv.context.clock.now() {
            throw CLIError(.notAuthenticated, "HOMESERVE_TOKEN expired at \(CivilTime.iso8601(expiry)) by this machine's clock, and it is never renewed: set a fresh one, or unset it to use the profile's session")
        }
        return .text(access + "\n")
    }

    static let logout = Command(
        "auth logout",
        summary: "Forget the profile's tokens",
        discussion: "A corrupt credentials file is set aside as credentials.json.corrupt and replaced.",
        examples: [Example("homeserve --profile staging auth logout", "Remove the staging session")],
        reach: .offline,
        printsData: false
    ) { inv in
        if inv.dryRun {
            let stored: Bool
            do { stored = try inv.store.storedSessions().contains(inv.profile.name) } catch let SessionError.corrupt(path, _) {
                return inv.dryRun(wouldHave: "set the corrupt \(path) aside (as \(path).corrupt) and replace it")
            }
            return inv.dryRun(wouldHave: stored ? "forget the session of profile '\(inv.profile.name)'" : "do nothing: profile '\(inv.profile.name)' has no stored session")
        }
        if try inv.store.forget() {
            inv.note("Logged out of profile '\(inv.profile.name)'.")
        } else {
            inv.note("Profile '\(inv.profile.name)' had no stored session.")
        }
        // A warning, shown with -q too: the job is still authenticated after its logout.
        for variable in ["HOMESERVE_TOKEN", "HOMESERVE_REFRESH_TOKEN"] where !(inv.environment[variable] ?? "").isEmpty {
            inv.warn("\(variable) is set, and is used until it is unset")
        }
        return .nothing
    }
}
