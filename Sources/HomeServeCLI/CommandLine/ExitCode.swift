import HomeServeAPI
import HomeServeCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The documented exit statuses. Scripts branch on these, so the numbers never change.
public enum ExitCode: Int32, CaseIterable, Sendable {
    case ok = 0
    case localFailure = 1
    case usage = 2
    case notAuthenticated = 3
    case forbidden = 4
    case notFound = 5
    case rejected = 6
    case conflict = 7
    case badServerAnswer = 8
    case network = 9
    case rateLimited = 10
    case timedOut = 11
    case redirected = 12
    case methodNotAllowed = 13
    case tooLarge = 14
    case interrupted = 130

    /// A word or two, for the one-line summary under every command's help.
    public var label: String {
        switch self {
        case .ok: return "ok"
        case .localFailure: return "local failure"
        case .usage: return "usage"
        case .notAuthenticated: return "not logged in"
        case .forbidden: return "forbidden"
        case .notFound: return "not found"
        case .rejected: return "rejected"
        case .conflict: return "conflict"
        case .badServerAnswer: return "server error"
        case .network: return "network"
        case .rateLimited: return "rate limited"
        case .timedOut: return "wait timed out"
        case .redirected: return "redirected"
        case .methodNotAllowed: return "method not allowed"
        case .tooLarge: return "too large"
        case .interrupted: return "interrupted"
        }
    }

    public var meaning: String {
        switch self {
        case .ok: return "success"
        case .localFailure: return "a local failure: a file that cannot be read or written, a config directory or file that another user could have changed (refused before anything is read, sent or written), output that could not be written (full disk), or an internal error"
        case .usage: return "usage error or local validation failed; nothing was sent, except for a read whose rows lack a --fields or --sort-by path"
        case .notAuthenticated: return "not logged in, the session ended and could not be renewed, a token was refused or malformed (401), or another login gave the profile to another user while the command ran"
        case .forbidden: return "forbidden: the role may not do this (403, WebSocket close 4003)"
        case .notFound: return "not found or gone (404, 410, WebSocket close 4004)"
        case .rejected: return "rejected: validation failed (400, 422, any other 4xx), a 2xx answer said the action did not happen, a booking's new status is not the one asked for, or an updated booking shows a field with another value than the one sent"
        case .conflict: return "conflict (409)"
        case .badServerAnswer: return "the server failed (5xx) or sent an answer that cannot be used: not HTTP, an encoding that cannot be decoded, not JSON, empty or null where an answer is due, {} for a read, an answer naming nothing made to a create, cut short, too large, a paging loop or a page other than the one asked for, fewer distinct rows than the list counts or a page short of them, a later page without the paging fields the first had or with its rows elsewhere, a page not found mid-walk, a cursor without a link, rows mixing objects and values in columns, more than 5 redirects, a read answered 2xx saying it failed, a login or renewal answered without a usable token, a WebSocket kept down by handshakes answered 200 or frames that break the protocol"
        case .network: return "network failure: unreachable, DNS, TLS, timeout, or another homeserve holding the session lock too long"
        case .rateLimited: return "rate limited (429) after all retries, or a 429 whose Retry-After asks for longer than the time left"
        case .timedOut: return "waited and the condition was not met in time (bookings wait, watch --until/--count with --timeout)"
        case .redirected: return "the server redirected (3xx) to another host, or a method that is not followed; Location is printed"
        case .methodNotAllowed: return "the server does not allow this method on this path (405)"
        case .tooLarge: return "the request was too large for the server (413, 431)"
        case .interrupted: return "interrupted (Ctrl-C; a wait that does not notice is ended 3 s later); after SIGTERM or SIGHUP the work stops the same way and homeserve ends by that signal (143, 129)"
        }
    }

    /// The code for an HTTP status that is not success.
    public static func forStatus(_ status: Int) -> ExitCode {
        switch status {
        case 300..<400: return .redirected
        case 401: return .notAuthenticated
        case 403: return .forbidden
        case 404, 410: return .notFound
        case 405: return .methodNotAllowed
        case 409: return .conflict
        case 413, 431: return .tooLarge
        case 429: return .rateLimited
        case 500...: return .badServerAnswer
        default: return .rejected
        }
    }
}

/// An error the user can act on: what went wrong, in one line, and the exit status it maps to.
public struct CLIError: Error, CustomStringConvertible, Sendable {
    public var code: ExitCode
    public var message: String
    /// Extra lines (per-field validation messages) printed after the message.
    public var details: [String]

    public init(_ code: ExitCode, _ message: String, details: [String] = []) {
        self.code = code
        self.message = message
        self.details = details
    }

    public var description: String { message }

    static func usage(_ message: String) -> CLIError { CLIError(.usage, message) }

    /// A `--page` past the last, however the server said so: `why` is the total it reports, or its 404.
    static func pastTheLast(page: Int, _ why: String?) -> CLIError {
        CLIError(.notFound, "page \(page) is past the last page" + (why.map { " (\($0))" } ?? ""))
    }

    /// DRF's 404 "Invalid page." for a page asked past the last, said as `pastTheLast`; nil for any other
    /// failure, a 404 for the list itself (a typo in its path) included.
    static func pastTheLast(page: Int, _ error: any Error) -> CLIError? {
        guard page > 1, case let APIError.http(failure) = error, failure.status == 404,
              failure.message?.lowercased().contains("page") == true else { return nil }
        return pastTheLast(page: page, "HTTP 404" + (failure.message.map { ": " + $0 } ?? ""))
    }
}

/// The one place where failures become exit codes and messages with the fix that fits.
struct FailureReport {
    /// The profile in use and how it was chosen, and where the credentials came from: hints name the real fix.
    var profile: String
    var profileChosen: Bool
    var source: CredentialSource?
    /// `--cacert` was given: another CA is not the hint then.
    var cacertGiven = false
    /// A password source was there (HOMESERVE_PASSWORD, password_command): setting one is not the hint then.
    var canLogIn = false
    /// The --url this command was given: a login for it goes to that server.
    var urlGiven: String?
    /// The base URL in use, for a hint when it holds the API's own `/api` prefix.
    var base: String?

    /// The hint after a TLS failure, where another CA is the fix: for an unknown issuer, not for a name
    /// that does not match, and not when --cacert was given.
    static func otherCAHint(_ failure: String, cacertGiven: Bool) -> String {
        cacertGiven || failure.contains("subject name") ? "" : " (--cacert FILE trusts another CA)"
    }

    /// `homeserve`, with `--profile` when the profile was chosen: how a hint's command starts.
    var homeserve: String {
        profileChosen || profile != "default" ? "homeserve --profile \(profile)" : "homeserve"
    }

    var loginCommand: String { homeserve + (urlGiven.map { " --url \($0)" } ?? "") + " auth login" }

    private var sessionFix: String {
        switch source {
        case .accessToken?: return "HOMESERVE_TOKEN was refused; unset it or renew it"
        case .refreshToken?: return "HOMESERVE_REFRESH_TOKEN was refused; renew the secret, or unset it and log in"
        default: return fileFix
        }
    }

    /// For a change cut short after it reached the server (a timeout, Ctrl-C, SIGTERM): that it may have
    /// been made, so a script checks before sending it again.
    static func mayHaveHappened(_ error: Error) -> String {
        let method: String
        switch error {
        case let APIError.transport(failure, sent, _) where failure.changeMayHaveHappened: method = sent
        case let stop as Cancelled where stop.changeSent != nil: method = stop.changeSent ?? ""
        default: return ""
        }
        return "; the \(method) reached the server and may have been carried out: check before sending it again"
    }

    /// How a stored session is replaced: by a login, or unattended by a password source when there is none.
    private var fileFix: String {
        canLogIn ? "run '\(loginCommand)'" : "run '\(loginCommand)', or set HOMESERVE_PASSWORD (or the profile's password_command) to renew sessions unattended"
    }

    /// The error as it is printed: a secret this run holds, echoed back in a server's words, as `***`.
    func describe(_ error: Error) -> CLIError {
        var described = describeAsSaid(error)
        described.message = Redaction.known(described.message)
        described.details = described.details.map { Redaction.known($0) }
        return described
    }

    private func describeAsSaid(_ error: Error) -> CLIError {
        // Whatever failed once a signal asked the work to stop (a password helper it ended, a transfer it
        // cut, an exchange of the refresh token it let finish that then timed out) failed because of that.
        if SignalWatcher.asked.load(ordering: .sequentiallyConsistent), !(error is CLIError) {
            return CLIError(.interrupted, SignalWatcher.stoppedBy + Self.mayHaveHappened(error))
        }
        switch error {
        case let error as CLIError: return error
        case is Cancelled: return CLIError(.interrupted, SignalWatcher.stoppedBy + Self.mayHaveHappened(error))
        case let error as APIError: return describe(error)
        case let error as SessionError: return describe(error)
        case let error as FollowError: return describe(error)
        case let error as FileError: return CLIError(.localFailure, error.description)
        case let error as OutputError: return CLIError(.localFailure, error.description)
        default: return CLIError(.localFailure, "internal error: \(error)")
        }
    }

    private func describe(_ error: APIError) -> CLIError {
        switch error {
        case let .http(failure):
            let code = ExitCode.forStatus(failure.status)
            var message = "\(failure.method) \(failure.path) failed: HTTP \(failure.status)"
            if let text = failure.message { message += ": " + text } else if let summary = failure.summary { message += ": " + summary }
            if (300..<400).contains(failure.status) {
                message += failure.location.map { " (redirect to \(Redaction.header("Location", $0)); not followed: only GET and HEAD on the same host are)" } ?? " (redirect without a Location)"
            }
            // A base URL given with the API's own prefix (`--url https://host/api`): every path repeats it.
            if failure.status == 404, let base, base.hasSuffix("/api") || base.hasSuffix("/api/") {
                message += " (the URL ends in /api, and the API's paths start at the server's root: try the URL without /api)"
            }
            if failure.status == 401 {
                message += source == nil ? " (not logged in as profile '\(profile)'; run '\(loginCommand)')" : " (\(sessionFix))"
            }
            if failure.status == 400 || failure.status == 422, failure.message == nil, !failure.fields.isEmpty {
                message += ": the server rejected the request"
            }
            if failure.mayHaveHappened { message += "; the \(failure.method) may have been carried out before the server failed: check before sending it again" }
            return CLIError(code, message, details: failure.fields.map { "  \($0.0): \($0.1)" })
        case let .transport(failure, method, url):
            // A write that reached the server and got no answer may well have been carried out (the client
            // judges which: not a login or renewal, not a read or a PUT safe to send again). An OTP sent is a
            // change: it is said.
            let mayHaveHappened = Self.mayHaveHappened(error)
            switch failure.kind {
            case .cancelled: return CLIError(.interrupted, SignalWatcher.stoppedBy + mayHaveHappened)
            case let .tooLarge(limit):
                return CLIError(.badServerAnswer, "\(method) \(url): the answer is larger than \(Self.size(limit)) (HOMESERVE_MAX_BODY sets the limit)\(mayHaveHappened)")
            case .sinkFailed:
                return CLIError(.localFailure, "\(method) \(url): the answer could not be written out")
            case .localFile:
                return CLIError(.localFailure, "\(method) \(url): \(failure.message); the request stopped unfinished, so nothing was made")
            case .timeout:
                return CLIError(.network, "\(method) \(url): timed out (\(failure.message))\(mayHaveHappened)")
            case .truncated:
                return CLIError(.badServerAnswer, "\(method) \(url): the answer was cut short (\(failure.message))\(mayHaveHappened)")
            case .unreadable:
                return CLIError(.badServerAnswer, "\(method) \(url): the server answered in a way that cannot be read (\(failure.message))\(mayHaveHappened)")
            case .tls:
                return CLIError(.network, "\(method) \(url): TLS failed: \(failure.message)\(Self.otherCAHint(failure.message, cacertGiven: cacertGiven))")
            case .notTLS:
                return CLIError(.network, "\(method) \(url): \(failure.message): if the server speaks plain http, use an http:// URL")
            case .handshakeTimeout:
                return CLIError(.network, "\(method) \(url): timed out: \(failure.message); if the server speaks plain http, use an http:// URL")
            default:
                let parts = WebURL.splitAbsolute(url)
                return CLIError(.network, "\(method) \(parts?.rest ?? url): cannot reach \(parts?.origin ?? url): \(failure.message)\(mayHaveHappened)")
            }
        case let .badResponse(method, path, reason):
            return CLIError(.badServerAnswer, "\(method) \(path): \(reason)")
        case let .actionRefused(method, path, message):
            return CLIError(.rejected, "\(method) \(path): the server says it did not happen: \(message)")
        case let .invalidURL(url, what, reason):
            return CLIError(.usage, "invalid \(what) '\(url)': \(reason)")
        }
    }

    /// Why a socket stayed down, as an exit code: a server that kept answering with an error is that error's
    /// failure, and one whose answers could not be used (a 200 that is no WebSocket, frames that break the
    /// protocol) is the server's too: only a network that failed is the network's.
    static func socketCode(status: Int?, unusable: Bool) -> ExitCode {
        status.map { $0 >= 300 ? ExitCode.forStatus($0) : .badServerAnswer } ?? (unusable ? .badServerAnswer : .network)
    }

    /// A limit as it was most likely set (HOMESERVE_MAX_BODY takes bytes, K, M or G): `1 KiB`, not `0 MiB`.
    static func size(_ bytes: Int) -> String {
        for (shift, unit) in [(30, "GiB"), (20, "MiB"), (10, "KiB")] where bytes >= 1 << shift && bytes % (1 << shift) == 0 {
            return "\(bytes >> shift) \(unit)"
        }
        return "\(bytes) bytes"
    }

    private func describe(_ error: SessionError) -> CLIError {
        switch error {
        case let .notLoggedIn(name):
            return CLIError(.notAuthenticated, "not logged in (profile '\(name)'); run '\(loginCommand)'")
        case let .expired(name, source, reason):
            // A token from the environment is not the profile's session, which may be well: only the variable is named.
            switch source {
            case .refreshToken:
                return CLIError(.notAuthenticated, "the session of HOMESERVE_REFRESH_TOKEN has ended (\(reason)); renew HOMESERVE_REFRESH_TOKEN, or unset it and log in")
            case .accessToken:
                return CLIError(.notAuthenticated, "\(reason); unset HOMESERVE_TOKEN or renew it")
            case .file:
                return CLIError(.notAuthenticated, "the session of profile '\(name)' has ended (\(reason)); \(fileFix)")
            }
        case let .tokenRefused(source):
            return CLIError(.notAuthenticated, "\(source.rawValue) was refused and cannot be refreshed; unset it or renew it")
        case let .malformedToken(source):
            return CLIError(.notAuthenticated, "the token from \(source.rawValue) contains characters that cannot go in a header (spaces, line breaks, control characters); nothing was sent")
        case let .badTokenReply(endpoint):
            // The server's answer is at fault, not the session: a broken proxy is not a password to fix.
            // A refresh answered 2xx may have rotated the stored token out, whatever the answer held.
            guard endpoint.hasSuffix("/refresh/") else {
                return CLIError(.badServerAnswer, "POST \(endpoint) succeeded but sent no well-formed token; the stored session was left as it was")
            }
            // The token that may be spent is the environment's where it came from there: that is what to renew.
            if source == .refreshToken {
                return CLIError(.badServerAnswer, "POST \(endpoint) succeeded but sent no well-formed token; the server may have spent HOMESERVE_REFRESH_TOKEN: if the next command says it was refused, renew it")
            }
            return CLIError(.badServerAnswer, "POST \(endpoint) succeeded but sent no well-formed token; the stored session was left as it was; the server may have spent its refresh token, so the session may have been lost: if the next command says it ended, run '\(homeserve) auth login'")
        case let .userChanged(name, was, now):
            return CLIError(.notAuthenticated, "profile '\(name)' was logged in as \(now) while this command ran as \(was), whose session it replaced; nothing more was sent: run the command again to act as \(now), or log in as \(was)")
        case let .loginRefused(username, message):
            return CLIError(.notAuthenticated, "logging in as \(username) failed: \(message.isEmpty ? "credentials refused" : message)")
        case let .passwordCommandFailed(command, reason):
            return CLIError(.notAuthenticated, "password_command \(command) failed: \(reason)")
        case let .file(fileError):
            if case .lockTimeout = fileError.kind { return CLIError(.network, fileError.description) }
            return CLIError(.localFailure, fileError.description)
        case let .corrupt(path, reason):
            let replacers = path.hasSuffix("settings.json") ? "'\(homeserve) config set'" : "'\(homeserve) auth login' or '\(homeserve) auth logout'"
            return CLIError(.localFailure, "\(path) is corrupt (\(reason)); \(replacers) replaces it (keeping a .corrupt copy), or fix it by hand")
        case let .otherServer(name, session, asked):
            // Logging in again on this profile would end its session: a profile of its own keeps both.
            return CLIError(.notAuthenticated, "profile '\(name)' is logged in to \(session), not \(asked), so its session was not sent; use \(session) (--url \(session)), or log in to \(asked) on a profile of its own ('homeserve --profile NAME --url \(asked) auth login'; a login on profile '\(name)' would end its session at \(session))")
        case let .untrusted(path, isDirectory, owner, mode, above):
            // As ssh's StrictModes says it: what was found, why it is refused, that nothing was used, the fix.
            let me = FileFacts.userName(geteuid())
            let found = "\(path) (owner \(owner), mode \(String(mode, radix: 8)))"
            let unused = "nothing was read from it or written to it"
            if let above {
                let what = FileFacts.isDirectory(above) || !FileFacts.exists(above) ? "config directory" : "config file"
                return CLIError(.localFailure, "refusing the \(what) \(above): the directory \(found) on the way to it lets other users swap it for theirs; \(unused); keep it where only you or root can change the directories above (set HOMESERVE_CONFIG_DIR)")
            }
            let what = isDirectory ? "config directory" : "config file"
            if owner != me, owner != "root" {
                return CLIError(.localFailure, "refusing the \(what) \(found): it is \(owner)'s, not yours (\(me)) or root's; \(unused); run homeserve as \(owner), or set HOMESERVE_CONFIG_DIR to a directory of your own")
            }
            // A shared directory (/tmp: sticky, everyone writes) is not one to chmod: another one is the fix.
            if isDirectory, mode & 0o1002 == 0o1002 {
                return CLIError(.localFailure, "refusing the \(what) \(found): it has the sticky bit of a shared directory; \(unused); set HOMESERVE_CONFIG_DIR to a directory of your own")
            }
            let fix = isDirectory ? "chmod 700 \(path)" : "chmod 600 \(path)"
            let why = mode & 0o022 == 0 ? "it has the sticky bit of a shared directory" : "other users can change it"
            return CLIError(.localFailure, "refusing the \(what) \(found): \(why); \(unused); run: \(fix), or set HOMESERVE_CONFIG_DIR to another directory")
        case let .unknownProfile(name, known):
            return CLIError(.usage, "unknown profile '\(name)'; known profiles: \(known.joined(separator: ", ")) ('homeserve --profile \(name) auth login' creates it)")
        }
    }

    private func describe(_ error: FollowError) -> CLIError {
        switch error {
        case .deadlinePassed:
            return CLIError(.timedOut, "timed out before the condition was met")
        case let .gaveUp(reason, attempts, status, unusable):
            return CLIError(Self.socketCode(status: status, unusable: unusable), reason + (attempts > 0 ? "; gave up after \(attempts) reconnect attempts" : ""))
        case let .rejected(path, status, detail):
            let hint = HTTPStatus.isRedirect(status) ? "; check the URL in use, or the profile's ws_url ('\(homeserve) config set ws_url URL')" : ""
            return CLIError(ExitCode.forStatus(status), "the WebSocket handshake for \(path) was answered with \(detail)\(hint)")
        case let .tokenRefused(reason):
            return CLIError(.notAuthenticated, "\(reason), and the token cannot be renewed (\(sessionFix))")
        case let .forbidden(path, detail):
            return CLIError(.forbidden, "not allowed to follow \(path) (\(detail))")
        case let .notFound(path, detail):
            return CLIError(.notFound, "no such channel \(path) (\(detail))")
        case let .tls(url, reason, plainHTTP: true):
            return CLIError(.network, "cannot connect to \(url): \(reason): if the server speaks plain http, use an http:// or ws:// URL")
        case let .tls(url, reason, plainHTTP: false):
            return CLIError(.network, "cannot connect to \(url): TLS failed: \(reason)\(Self.otherCAHint(reason, cacertGiven: cacertGiven))")
        }
    }
}
