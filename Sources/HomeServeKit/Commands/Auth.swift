#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum AuthCommands {
    static let all: [Command] = [login, otpSend, otpVerify, refresh, status, token, logout]

    static let identityFlags: [Flag] = [
        Flag("email", .string, "Email address the code is sent to", placeholder: "EMAIL"),
        Flag("phone", .string, "Phone number the code is sent to by SMS", placeholder: "PHONE"),
        Flag("vendor", .flag, "Use the vendor OTP endpoints (/auth/vendor/…)"),
    ]

    static let login = Command(
        "auth login",
        summary: "Log in with a username and password and store the tokens for the profile",
        discussion: """
        The password is never taken from the command line. It is read from stdin with --password-stdin,
        else from HOMESERVE_PASSWORD, else prompted for without echo when stdin is a terminal.
        Without a terminal and without either source, the command fails with exit code 2.
        """,
        flags: [
            Flag("username", .string, "Account username (prompted for on a terminal if omitted)", placeholder: "USER"),
            Flag("password-stdin", .flag, "Read the password from the first line of stdin"),
        ],
        examples: [
            Example("printf '%s\\n' \"$PASSWORD\" | homeserve auth login --username customer1 --password-stdin", "Log in from a script"),
            Example("homeserve --profile staging --url https://staging.example.com auth login --username ops_mgr", "Log in to another server under its own profile"),
        ]
    ) { inv in
        let username = try inv.values.string("username") ?? promptUsername(inv)
        let password = try readPassword(inv)
        let client = try inv.client()
        let body = JSON.object([("username", .string(username)), ("password", .string(password))])
        guard let response = try client.send("POST", "/auth/login/", body: .json(body), authenticated: false) else { return }
        try inv.session.saveLogin(response)
        inv.note("Logged in as \(response["user"]?["username"]?.stringValue ?? username) (\(response["user"]?["role"]?.stringValue ?? "unknown role")) on profile '\(inv.session.profile)'.")
        try inv.show(response["user"] ?? .null)
    }

    static func promptUsername(_ inv: Invocation) throws -> String {
        guard inv.terminal.stdinIsTTY, !inv.values.bool("password-stdin") else {
            throw CLIError.usage("--username is required when stdin is not a terminal")
        }
        inv.terminal.err("Username: ", newline: false)
        guard let line = readLine(), !line.isEmpty else { throw CLIError.usage("no username given") }
        return line
    }

    static func readPassword(_ inv: Invocation) throws -> String {
        if inv.values.bool("password-stdin") {
            let text = String(decoding: StandardInput.readAll(), as: UTF8.self)
            let line = String(text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
                .trimmingCharacters(in: "\r")
            guard !line.isEmpty else { throw CLIError.usage("--password-stdin: stdin was empty; expected the password on its first line") }
            return line
        }
        if let password = inv.environment["HOMESERVE_PASSWORD"], !password.isEmpty { return password }
        guard inv.terminal.stdinIsTTY else {
            throw CLIError.usage("no password: stdin is not a terminal; use --password-stdin or set HOMESERVE_PASSWORD")
        }
        guard !inv.dryRun else { return "***" }
        return try NoEchoPrompt.read("Password: ")
    }

    static func identity(_ inv: Invocation) throws -> (key: String, value: String, method: String) {
        let email = inv.values.string("email"), phone = inv.values.string("phone")
        switch (email, phone) {
        case let (email?, nil):
            guard email.contains("@"), !email.hasPrefix("@"), !email.hasSuffix("@") else {
                throw CLIError.usage("invalid value '\(email)' for --email: expected an email address like name@example.com")
            }
            return ("email", email, "email")
        case let (nil, phone?):
            let digits = phone.filter(\.isNumber)
            guard phone.allSatisfy({ $0.isNumber || "+- ()".contains($0) }), (7...15).contains(digits.count) else {
                throw CLIError.usage("invalid value '\(phone)' for --phone: expected a phone number of 7 to 15 digits, e.g. +919876543210")
            }
            return ("phone", phone, "sms")
        case (nil, nil): throw CLIError.usage("'\(inv.command.name)' needs --email EMAIL or --phone PHONE")
        default: throw CLIError.usage("'\(inv.command.name)' takes --email or --phone, not both")
        }
    }

    static let otpSend = Command(
        "auth otp send",
        summary: "Send a one-time login code by email or SMS",
        flags: identityFlags,
        examples: [
            Example("homeserve auth otp send --email customer1@example.com", "Email a login code"),
            Example("homeserve auth otp send --phone +919876543201 --vendor", "Text a vendor their code"),
        ]
    ) { inv in
        let who = try identity(inv)
        let path = inv.values.bool("vendor") ? "/auth/vendor/send-otp/" : "/auth/send-otp/"
        let body = JSON.object([(who.key, .string(who.value)), ("method", .string(who.method))])
        let response = try inv.client().send("POST", path, body: .json(body), authenticated: false)
        if response != nil { inv.note("Code sent to \(who.value); run 'homeserve auth otp verify --\(who.key) \(who.value) --otp CODE'.") }
        try inv.show(response)
    }

    static let otpVerify = Command(
        "auth otp verify",
        summary: "Log in with a one-time code and store the tokens for the profile",
        flags: identityFlags + [Flag("otp", .string, "The code that was sent", required: true, placeholder: "CODE")],
        examples: [
            Example("homeserve auth otp verify --email customer1@example.com --otp 123456", "Log in with an emailed code"),
        ]
    ) { inv in
        let who = try identity(inv)
        let code = inv.values.string("otp")!
        guard (4...8).contains(code.count), code.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw CLIError.usage("invalid value '\(code)' for --otp: expected the 4 to 8 digit code that was sent")
        }
        let path = inv.values.bool("vendor") ? "/auth/vendor/verify-otp/" : "/auth/verify-otp/"
        let body = JSON.object([(who.key, .string(who.value)), ("otp", .string(code))])
        guard let response = try inv.client().send("POST", path, body: .json(body), authenticated: false) else { return }
        try inv.session.saveLogin(response)
        inv.note("Logged in as \(response["user"]?["username"]?.stringValue ?? who.value) on profile '\(inv.session.profile)'.")
        try inv.show(response["user"] ?? .null)
    }

    static let refresh = Command(
        "auth refresh",
        summary: "Exchange the refresh token for a new access token now",
        examples: [Example("homeserve auth refresh", "Renew the session before a long batch job")]
    ) { inv in
        let client = try inv.client()
        if inv.dryRun {
            try client.send("POST", "/auth/refresh/", body: .json(.object([("refresh", .string("***"))])), authenticated: false)
            return
        }
        let access = try client.refreshNow()
        inv.note("Access token refreshed.")
        try inv.show(statusObject(inv, access: access, user: try client.loadCredentials()?.user ?? .object([])))
    }

    static func statusObject(_ inv: Invocation, access: String?, user: JSON) throws -> JSON {
        var pairs: [(String, JSON)] = [
            ("profile", .string(inv.session.profile)),
            ("url", .string(try inv.session.baseURL(flag: inv.global.string("url")))),
            ("logged_in", .bool(access != nil)),
        ]
        for key in ["id", "username", "email", "role"] { pairs.append((key == "id" ? "user_id" : key, user[key] ?? .null)) }
        if let access, let exp = JWT.expiry(access) {
            pairs.append(("access_expires_at", .string(Clock.iso8601(exp))))
            pairs.append(("access_expires_in", .int(exp - Int(time(nil)))))
        } else {
            pairs.append(("access_expires_at", .null))
            pairs.append(("access_expires_in", .null))
        }
        pairs.append(("source", .string(inv.environment["HOMESERVE_TOKEN"].map { $0.isEmpty ? "credentials file" : "HOMESERVE_TOKEN" } ?? "credentials file")))
        return .object(pairs)
    }

    static let status = Command(
        "auth status",
        summary: "Show the profile, server, user, role and token expiry (offline)",
        discussion: "Exits 3 when the profile has no session.",
        examples: [
            Example("homeserve auth status", "Who am I, and for how long?"),
            Example("homeserve auth status -o json --fields role", "The role, for a script"),
        ],
        offline: true
    ) { inv in
        let creds = try inv.session.credentials()
        try inv.show(statusObject(inv, access: creds?.access, user: creds?.user ?? .object([])))
        if creds == nil { throw CLIError(.notAuthenticated, "not logged in (profile '\(inv.session.profile)'); run 'homeserve auth login'") }
    }

    static let token = Command(
        "auth token",
        summary: "Print the access token (refreshed first if it is about to expire)",
        examples: [Example("curl -H \"Authorization: Bearer $(homeserve auth token)\" http://localhost:8000/api/bookings/", "Use the session from another tool")]
    ) { inv in
        guard let access = try inv.client().accessToken() else {
            throw CLIError(.notAuthenticated, "not logged in (profile '\(inv.session.profile)'); run 'homeserve auth login'")
        }
        if !inv.dryRun { inv.terminal.line(access) }
    }

    static let logout = Command(
        "auth logout",
        summary: "Forget the profile's tokens",
        examples: [Example("homeserve --profile staging auth logout", "Remove the staging session")],
        offline: true
    ) { inv in
        if inv.dryRun { return }
        if try inv.session.forget() {
            inv.note("Logged out of profile '\(inv.session.profile)'.")
        } else {
            inv.note("Profile '\(inv.session.profile)' had no stored session.")
        }
    }
}

/// Reads a secret from the terminal with echo off. The saved settings are kept where the SIGINT handler
/// can put them back, since a Ctrl-C at the prompt would otherwise leave the shell without echo.
enum NoEchoPrompt {
    nonisolated(unsafe) private static var saved = termios()
    nonisolated(unsafe) private static var active: Int32 = 0

    static func read(_ prompt: String) throws -> String {
        guard tcgetattr(0, &saved) == 0 else { throw CLIError.usage("cannot read a password: stdin is not a terminal") }
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        fputs(prompt, stderr)
        active = 1
        tcsetattr(0, TCSAFLUSH, &silent)
        let line = readLine()
        tcsetattr(0, TCSAFLUSH, &saved)
        active = 0
        fputs("\n", stderr)
        guard let line, !line.isEmpty else { throw CLIError.usage("no password given") }
        return line
    }

    /// Called from the signal handler: only async-signal-safe calls.
    static func restoreTerminal() -> Bool {
        guard active != 0 else { return false }
        tcsetattr(0, TCSANOW, &saved)
        write(2, "\n", 1)
        return true
    }
}

enum Clock {
    /// UTC ISO-8601 for a Unix time.
    static func iso8601(_ seconds: Int) -> String {
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}
