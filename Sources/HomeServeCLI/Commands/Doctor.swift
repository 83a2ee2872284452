import HomeServeAPI
import HomeServeCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `homeserve doctor`: is this machine set up to use the API? One row per check, each ok, warn or fail.
enum DoctorCommands {
    static let all: [Command] = [doctor]

    struct Check {
        enum Status: String { case ok, warn, fail }
        var name: String
        var status: Status
        var detail: String
        /// The exit code a failure stands for.
        var code: ExitCode = .localFailure

        var json: JSON { .object([("name", .string(name)), ("status", .string(status.rawValue)), ("detail", .string(detail))]) }
    }

    static let doctor = Command(
        "doctor",
        summary: "Check the URL, network, TLS, server, clock, session and local files, one line each",
        discussion: """
        Checks, in order: the profile; its settings, held to what 'config set' accepts (config); the URL and
        where it came from; proxy variables in effect; DNS; the TCP connection; TLS (certificate chain, days
        to expiry, --cacert); that the server answers with JSON, and that the API is at the URL (GET
        /api/services/ is found); clock skew from the server's Date header (a warning over 30 s: a session
        counts its tokens' expiry by the server's time from its next login or renewal on, HOMESERVE_TOKEN
        and relative dates such as +5d by this machine's); the access and refresh tokens; that the server accepts the session (not tried
        with only HOMESERVE_REFRESH_TOKEN, which the exchange would spend); and the config directory and
        files' permissions. A setting requests cannot be made with (HOMESERVE_MAX_BODY) is a failed settings
        check. Each is ok, warn or fail; -o json prints {"checks": [{"name", "status", "detail"}]}. Exits 0
        when nothing fails, otherwise the documented code of the first failure (2 an unknown profile, a bad
        URL or setting, 9 unreachable, 8 a server that does not answer JSON, 5 a server without the API at
        the URL, 3 a session the server refuses, 1 local files).
        """,
        examples: [
            Example("homeserve doctor", "Is this machine set up right?"),
            Example("homeserve --profile staging doctor -o json --jq '.checks[] | select(.status != \"ok\")'", "Only what needs attention, for a script"),
        ]
    ) { inv in
        if inv.dryRun { return inv.dryRun(wouldHave: "check this machine's set-up and the server (its checks are requests)") }
        var checks: [Check] = []
        checks.append(profileCheck(inv))
        if let settings = settingsCheck(inv) { checks.append(settings) }
        // HOMESERVE_PARALLEL, which every long listing reads: a check of its own, the others go on.
        do { _ = try inv.parallelFromEnvironment() } catch {
            let failure = inv.describe(error, source: nil)
            checks.append(Check(name: "parallel", status: .fail, detail: failure.message, code: failure.code))
        }
        guard let base = urlCheck(inv, &checks) else { return finish(checks) }
        checks.append(proxyCheck(inv.environment))
        let stored = Result { try inv.store.credentials() }
        let (reachable, response) = probe(inv, base, &checks)
        if reachable, let response {
            checks.append(serverCheck(response, base: base))
            checks.append(clockCheck(response, now: inv.context.clock.now()))
        }
        switch stored {
        case let .success(creds):
            // The session check may renew the session: the token rows show the one it ends with.
            let session = reachable ? sessionCheck(inv, creds) : nil
            checks += tokenChecks(inv, (try? inv.store.credentials()) ?? creds)
            if let session { checks.append(session) }
        case .failure:
            // Not "not logged in": what is stored cannot be read, as the profile check says.
            checks.append(Check(name: "session", status: .fail, detail: "the credentials file cannot be read (see the profile check)", code: .localFailure))
        }
        checks += fileChecks(inv.paths)
        return finish(checks)
    }

    static func finish(_ checks: [Check]) -> CommandOutput {
        let document = CommandOutput.document(.object([("checks", .array(checks.map(\.json)))]), .report(["name", "status", "detail"]))
        guard let failed = checks.first(where: { $0.status == .fail }) else { return document }
        return .failed(after: document, CLIError(failed.code, "doctor: \(failed.name) failed: \(failed.detail)"))
    }

    static func profileCheck(_ inv: Invocation) -> Check {
        let name = inv.profile.name
        let known: [String]
        do { known = try inv.store.knownProfiles() } catch {
            // The file and what is wrong with it, and the fix, as any other command says them.
            let failure = FailureReport(profile: name, profileChosen: inv.profile.chosen, source: nil).describe(error)
            return Check(name: "profile", status: .fail, detail: failure.message, code: failure.code)
        }
        if known.contains(name) || !inv.profile.chosen {
            return Check(name: "profile", status: .ok, detail: "\(name)\(inv.profile.chosen ? "" : " (default)")")
        }
        return Check(name: "profile", status: .fail, detail: "unknown profile '\(name)'; known: \(known.joined(separator: ", "))", code: .usage)
    }

    /// The profile's settings, each held to what `config set` accepts: a value edited into the file by hand
    /// (an `output` of xml) is reported here, not left to fail the next command. Nil with no settings.
    static func settingsCheck(_ inv: Invocation) -> Check? {
        guard case let .object(pairs)? = (try? inv.store.settings())?[inv.profile.name], !pairs.isEmpty else { return nil }
        var problems: [String] = []
        var unknown: [String] = []
        // The url has a check of its own.
        for (key, value) in pairs where key != "url" {
            guard ConfigCommands.keys.contains(where: { $0.name == key }) else { unknown.append(key); continue }
            do {
                let text = try ConfigCommands.validated(key, value.stringValue ?? value.serialized())
                // A helper that cannot start fails only when a session must be renewed, unattended.
                if let missing = ConfigCommands.unrunnable(key, text, inv) {
                    problems.append("password_command cannot be run: \(missing) (fix with '\(inv.homeserve) config set \(key) VALUE')")
                }
            } catch {
                problems.append("\(error) (fix with '\(inv.homeserve) config set \(key) VALUE')")
            }
        }
        // A setting homeserve does not know is ignored: worth a look, not a failure.
        let ignored = unknown.isEmpty ? [] : ["\(unknown.joined(separator: ", ")) \(unknown.count == 1 ? "is not a setting and is" : "are not settings and are") ignored"]
        if !problems.isEmpty { return Check(name: "config", status: .fail, detail: (problems + ignored).joined(separator: "; "), code: .usage) }
        if !ignored.isEmpty { return Check(name: "config", status: .warn, detail: ignored[0]) }
        return Check(name: "config", status: .ok, detail: pairs.map(\.0).joined(separator: ", ") + " set")
    }

    static func urlCheck(_ inv: Invocation, _ checks: inout [Check]) -> WebURL? {
        do {
            let (url, source) = try inv.baseURL()
            var status = Check.Status.ok
            var detail = "\(url) (from \(source))"
            if url.sendsInTheClear {
                status = .warn
                detail += "; plain http to a host that is not this machine sends tokens in the clear"
            }
            if let socket = try? inv.socketBase(warning: false), socket.sendsInTheClear {
                status = .warn
                detail += "; the sockets' \(socket) sends their token in the clear"
            }
            checks.append(Check(name: "url", status: status, detail: detail))
            return url
        } catch {
            let failure = FailureReport(profile: inv.profile.name, profileChosen: inv.profile.chosen, source: nil).describe(error)
            checks.append(Check(name: "url", status: .fail, detail: failure.message, code: failure.code))
            return nil
        }
    }

    static func proxyCheck(_ environment: [String: String]) -> Check {
        let names = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"]
        let set = names.compactMap { name in environment[name].flatMap { $0.isEmpty ? nil : "\(name)=\(Redaction.proxy($0))" } }
        return Check(name: "proxy", status: .ok, detail: set.isEmpty ? "no proxy variables set" : set.joined(separator: ", "))
    }

    /// DNS, TCP and TLS from one real request; the response feeds the server and clock checks.
    static func probe(_ inv: Invocation, _ base: WebURL, _ checks: inout [Check]) -> (Bool, HTTPResponse?) {
        var hints = addrinfo()
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var result: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(base.host, String(base.effectivePort), &hints, &result) == 0
        var addresses: [String] = []
        var node = result
        while let current = node {
            var host = [CChar](repeating: 0, count: 256)
            if getnameinfo(current.pointee.ai_addr, current.pointee.ai_addrlen, &host, 256, nil, 0, NI_NUMERICHOST) == 0 {
                let text = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if !addresses.contains(text) { addresses.append(text) }
            }
            node = current.pointee.ai_next
        }
        if result != nil { freeaddrinfo(result) }
        guard resolved else {
            checks.append(Check(name: "dns", status: .fail, detail: "\(base.host) does not resolve", code: .network))
            return (false, nil)
        }
        checks.append(Check(name: "dns", status: .ok, detail: "\(base.host) → \(addresses.prefix(4).joined(separator: ", "))"))
        let client: APIClient
        do { client = try inv.client() } catch {
            let failure = inv.describe(error, source: nil)
            checks.append(Check(name: "settings", status: .fail, detail: failure.message, code: failure.code))
            return (false, nil)
        }
        var request = HTTPRequest(method: "GET", url: base.description + "/api/services/?page_size=1", timeout: Double(inv[GlobalFlags.timeout]))
        request.captureCertificates = base.isEncrypted
        let response: HTTPResponse
        do { response = try client.transport.perform(request) } catch {
            switch error.kind {
            case .tls:
                checks.append(Check(name: "tcp", status: .ok, detail: "connected to \(base.host):\(base.effectivePort)"))
                let hint = FailureReport.otherCAHint(error.message, cacertGiven: inv[GlobalFlags.cacert] != nil)
                checks.append(Check(name: "tls", status: .fail, detail: "\(error.message)\(hint)", code: .network))
            case .notTLS, .handshakeTimeout:
                checks.append(Check(name: "tcp", status: .ok, detail: "connected to \(base.host):\(base.effectivePort)"))
                checks.append(Check(name: "tls", status: .fail, detail: "\(error.message): if the server speaks plain http, use an http:// URL", code: .network))
            case .cancelled:
                checks.append(Check(name: "tcp", status: .fail, detail: "interrupted", code: .interrupted))
            case _ where error.sent:
                // Connected, and the request went out: the server is at fault, not the network to it.
                checks.append(Check(name: "tcp", status: .ok, detail: "connected to \(base.host):\(base.effectivePort)"))
                if base.isEncrypted { checks.append(Check(name: "tls", status: .ok, detail: "handshake made")) }
                checks.append(Check(name: "server", status: .fail, detail: "the request was sent, but no whole answer came: \(error.message)", code: .network))
            default:
                checks.append(Check(name: "tcp", status: .fail, detail: "cannot reach \(base.host):\(base.effectivePort): \(error.message)", code: .network))
            }
            return (false, nil)
        }
        let facts = response.connection
        checks.append(Check(name: "tcp", status: .ok, detail: "connected to \(base.host):\(base.effectivePort) in \(milliseconds(facts.connectSeconds - facts.resolveSeconds)) ms"))
        if base.isEncrypted {
            checks.append(tlsCheck(facts, caFile: inv[GlobalFlags.cacert], insecure: inv[GlobalFlags.insecure], now: inv.context.clock.now()))
        } else {
            checks.append(Check(name: "tls", status: base.isLoopback ? .ok : .warn, detail: base.isLoopback ? "not used (plain http to this machine)" : "not used: plain http"))
        }
        return (true, response)
    }

    static func tlsCheck(_ facts: ConnectionFacts, caFile: String?, insecure: Bool, now: Double) -> Check {
        let trust = insecure ? "; certificates NOT verified (--insecure)" : caFile.map { "; verified with --cacert \($0)" } ?? "; verified with the system's CAs"
        guard let leaf = facts.certificates.first else {
            return Check(name: "tls", status: insecure ? .warn : .ok, detail: "\(facts.httpVersion), handshake \(milliseconds(facts.tlsSeconds - facts.connectSeconds)) ms\(trust)")
        }
        func field(_ name: String, _ certificate: [(String, String)]) -> String? { certificate.first { $0.0 == name }?.1 }
        let chain = facts.certificates.compactMap { field("Subject", $0).map(commonName) }.joined(separator: " ← ")
        var status: Check.Status = insecure ? .warn : .ok
        var expiry = ""
        if let text = field("Expire date", leaf), let date = certificateDate(text) {
            let days = Int((Double(date) - now) / 86400)
            expiry = ", expires in \(days) days"
            if days < 14 { status = .warn }
        }
        return Check(name: "tls", status: status, detail: "\(facts.httpVersion), chain \(chain)\(expiry)\(trust)")
    }

    static func commonName(_ subject: String) -> String {
        subject.split(separator: ",").map { String($0).trimmed }.first { $0.hasPrefix("CN") }.map { String($0.drop { $0 != "=" }.dropFirst()).trimmed } ?? subject
    }

    /// OpenSSL's `Nov 30 12:00:00 2027 GMT`.
    static func certificateDate(_ text: String) -> Int? {
        let parts = text.split(separator: " ")
        guard parts.count >= 4 else { return nil }
        return CivilTime.parseHTTPDate("Mon, \(parts[1]) \(parts[0]) \(parts[3]) \(parts[2]) GMT")
    }

    static func serverCheck(_ response: HTTPResponse, base: WebURL) -> Check {
        let parsed = try? JSON.parse(response.body)
        let detail = "HTTP \(response.status), \(response.header("Content-Type") ?? "no Content-Type"), \(milliseconds(response.seconds)) ms"
        // A server that answers, but not with the API: the base URL names the wrong place.
        if HTTPStatus.isNotFound(response.status) {
            let hint = base.path.hasSuffix("/api") ? "the URL ends in /api and every path starts with /api/: give the URL without it"
                : "is \(base) the API's root?"
            return Check(name: "server", status: .fail, detail: detail + ", but GET \(base.path)/api/services/ is not found: " + hint, code: .notFound)
        }
        if let parsed {
            if ExitCode.forStatus(response.status) != .badServerAnswer { return Check(name: "server", status: .ok, detail: detail + ", JSON") }
            let said = ErrorBody.read(parsed).message.map { ": \($0)" } ?? ""
            return Check(name: "server", status: .fail, detail: detail + ", a server error\(said)", code: .badServerAnswer)
        }
        let what = ErrorBody.summary(ofNonJSON: response.body).map { ": \($0)" } ?? ""
        return Check(name: "server", status: .fail, detail: detail + ", not a JSON answer\(what)", code: .badServerAnswer)
    }

    static func clockCheck(_ response: HTTPResponse, now: Double) -> Check {
        guard let header = response.header("Date"), let server = CivilTime.parseHTTPDate(header) else {
            return Check(name: "clock", status: .warn, detail: "the server sent no Date header; skew unknown")
        }
        // The Date header drops the fraction of its second: the server's clock read somewhere in that second.
        let skew = Int((now - (Double(server) + 0.5)).rounded(.toNearestOrEven))
        let detail = skew == 0 ? "in step with the server" : "\(abs(skew)) s \(skew > 0 ? "ahead of" : "behind") the server"
        return Check(name: "clock", status: abs(skew) > 30 ? .warn : .ok, detail: detail + (abs(skew) > 30 ? "; a session counts its tokens' expiry by the server's time from its next login or renewal on, HOMESERVE_TOKEN by this machine's" : ""))
    }

    static func tokenChecks(_ inv: Invocation, _ creds: Credentials?) -> [Check] {
        guard let creds else {
            let unattended = (try? inv.store.hasPasswordSource()) == true
            return [Check(name: "access token", status: .warn, detail: "not logged in (profile '\(inv.profile.name)')\(unattended ? "; a password source can log in" : "")")]
        }
        // A session made with another server is not sent to this one: its tokens say nothing here.
        if let server = creds.server, let base = try? inv.client().server, !creds.isFor(base) {
            return [Check(name: "access token", status: .warn, detail: "the session of profile '\(inv.profile.name)' was made with \(server), not \(base), so it is not sent there")]
        }
        let now = creds.serverTime(inv.context.clock.now())
        func describe(_ token: String?, _ name: String) -> Check {
            guard let token else { return Check(name: name, status: name == "refresh token" && creds.source == .accessToken ? .ok : .warn, detail: "none (\(creds.source.rawValue))") }
            guard JWT.isHeaderSafe(token) else { return Check(name: name, status: .fail, detail: "from \(creds.source.rawValue): contains characters that cannot go in a header", code: .notAuthenticated) }
            // An opaque token may be good, but when it runs out cannot be known: renewal cannot be timed ahead of it.
            guard let exp = JWT.expiry(token) else { return Check(name: name, status: .warn, detail: "from \(creds.source.rawValue); expiry not readable (not a JWT)") }
            let left = exp - Int(now)
            if left <= 0 { return Check(name: name, status: .warn, detail: "from \(creds.source.rawValue): expired \(duration(-left)) ago") }
            return Check(name: name, status: .ok, detail: "from \(creds.source.rawValue): valid for \(duration(left)) (until \(CivilTime.iso8601(exp)))")
        }
        // Its expiry no longer matters: the server refused it.
        if let ended = creds.ended {
            return ["access token", "refresh token"].map { Check(name: $0, status: .warn, detail: "from \(creds.source.rawValue): ended (\(ended)); not sent") }
        }
        return [describe(creds.access, "access token"), describe(creds.refresh, "refresh token")]
    }

    static func sessionCheck(_ inv: Invocation, _ creds: Credentials?) -> Check {
        guard creds != nil || (try? inv.store.hasPasswordSource()) == true else {
            let login = FailureReport(profile: inv.profile.name, profileChosen: inv.profile.chosen, source: nil).loginCommand
            return Check(name: "session", status: .warn, detail: "not logged in; run '\(login)'")
        }
        // With only a refresh token, proving the session means exchanging it, and a server that rotates
        // refresh tokens would take the job's secret in exchange for one this process forgets.
        if creds?.source == .refreshToken {
            return Check(name: "session", status: .ok, detail: "not tried: exchanging HOMESERVE_REFRESH_TOKEN would spend it where refresh tokens rotate; the command that needs it renews it")
        }
        do {
            _ = try inv.client().send(AuthCommands.sessionProbe)
            let user = (try? inv.store.credentials())??.user
            return Check(name: "session", status: .ok, detail: "accepted by the server" + (user?["username"]?.stringValue.map { " as \($0)" } ?? ""))
        } catch {
            let failure = inv.describe(error, source: creds?.source)
            return Check(name: "session", status: .fail, detail: failure.message, code: failure.code)
        }
    }

    static func fileChecks(_ paths: ConfigPaths) -> [Check] {
        guard let mode = FileFacts.mode(paths.directory) else {
            // The nearest path that exists must be a directory that takes a new one, or no session can be kept.
            var parent = FileFacts.directory(of: paths.directory)
            while !FileFacts.exists(parent), parent != "/", parent != "." { parent = FileFacts.directory(of: parent) }
            guard FileFacts.isDirectory(parent) else {
                return [Check(name: "files", status: .fail, detail: "\(paths.directory) cannot be made: \(parent) is not a directory", code: .localFailure)]
            }
            // Asked by making and removing a directory there: permissions alone do not tell (root, a read-only
            // mount, /sys).
            let probe = parent + "/.homeserve-probe-\(getpid())"
            let made = mkdir(probe, 0o700) == 0
            if !made, errno != EEXIST {
                let code = errno
                let reason = "\(paths.directory) does not exist and cannot be made (\(parent): \(String(cString: strerror(code))))"
                guard CredentialStore.unmakeable(code) else { return [Check(name: "files", status: .fail, detail: reason, code: .localFailure)] }
                return [Check(name: "files", status: .warn,
                              detail: reason + ": a session is kept for one command only; set HOMESERVE_CONFIG_DIR to a writable directory")]
            }
            if made { rmdir(probe) }
            return [Check(name: "files", status: .ok, detail: "\(paths.directory) does not exist yet (created on first login)")]
        }
        guard FileFacts.isDirectory(paths.directory) else {
            return [Check(name: "files", status: .fail, detail: "\(paths.directory) is not a directory", code: .localFailure)]
        }
        guard access(paths.directory, R_OK | W_OK | X_OK) == 0 else {
            return [Check(name: "files", status: .fail, detail: "\(paths.directory) is not readable and writable by this user", code: .localFailure)]
        }
        // A directory or file another user could have changed is refused by every command: so it is here.
        for path in [paths.directory, paths.settings, paths.credentials] {
            do { try ConfigPaths.checkTrust(path) } catch {
                return [Check(name: "files", status: .fail, detail: FailureReport(profile: "default", profileChosen: false).describe(error).message,
                              code: .localFailure)]
            }
        }
        var problems: [String] = []
        var failed = false
        if mode & 0o077 != 0 { problems.append("\(paths.directory) is mode \(String(mode, radix: 8)), expected 700") }
        for path in [paths.settings, paths.credentials] {
            guard let fileMode = FileFacts.mode(path) else { continue }
            if access(path, R_OK) != 0 { problems.append("\(path) is not readable"); failed = true }
            if fileMode & 0o077 != 0 { problems.append("\(path) is mode \(String(fileMode, radix: 8)), expected 600") }
            if FileFacts.isSymlink(path) { problems.append("\(path) is a symbolic link") }
        }
        if problems.isEmpty { return [Check(name: "files", status: .ok, detail: "\(paths.directory) (700) and its files are private")] }
        return [Check(name: "files", status: failed ? .fail : .warn, detail: problems.joined(separator: "; "), code: .localFailure)]
    }

    static func milliseconds(_ seconds: Double) -> Int { Int((max(0, seconds) * 1000).rounded()) }

    static func duration(_ seconds: Int) -> String {
        if seconds >= 86400 { return "\(seconds / 86400)d \(seconds % 86400 / 3600)h" }
        if seconds >= 3600 { return "\(seconds / 3600)h \(seconds % 3600 / 60)m" }
        if seconds >= 60 { return "\(seconds / 60)m \(seconds % 60)s" }
        return "\(seconds)s"
    }
}
