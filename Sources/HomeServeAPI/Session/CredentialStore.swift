import HomeServeCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public struct TokenPair: Sendable {
    public var access: String
    public var refresh: String?
    /// How far the server's clock is ahead of this machine's (behind when negative), by the answer's `Date`
    /// header; nil when it is within `Credentials.clockTolerance` or not known.
    public var clockOffset: Double?

    public init(access: String, refresh: String?, clockOffset: Double? = nil) {
        self.access = access
        self.refresh = refresh
        self.clockOffset = clockOffset
    }

    /// The offset an answer's `Date` header shows against `now`, when it is more than a `Date` header's
    /// second and a round trip can account for, and less than a day: a header further off (a proxy's
    /// broken clock, 1970) is not the server's time.
    public static func clockOffset(date: String?, now: Double) -> Double? {
        guard let date, let server = CivilTime.parseHTTPDate(date) else { return nil }
        // Known to the second: the header counts whole seconds.
        let offset = (Double(server) - now).rounded()
        return abs(offset) > Credentials.clockTolerance && abs(offset) < 86_400 ? offset : nil
    }
}

/// The server's token endpoints, as the session needs them. `APIClient` is the real one.
public protocol TokenAuthority: AnyObject {
    /// The base URL the tokens are for (`scheme://host[:port][/path]`): a session is sent only there.
    var server: String { get }
    /// A new pair for the refresh token, or nil when the server refuses it (expired, rotated, revoked).
    func refresh(_ refreshToken: String) throws -> TokenPair?
    /// Logs in; nil in a dry run, which sends nothing. Throws `SessionError.loginRefused` when the password is wrong.
    func login(username: String, password: String) throws -> (TokenPair, user: JSON)?
}

/// What a stored pair of tokens can still do, judged offline from their expiry.
public enum SessionState: String, Sendable {
    /// The access token is valid.
    case active
    /// The access token has expired, but a refresh token is valid (one without an expiry is taken to be).
    case refreshable
    /// Neither token is valid.
    case expired
    /// The server refused the refresh token: only a login renews the session.
    case ended
    /// No access token, and no valid refresh token.
    case none

    /// `now` is the server's time as this machine knows it (`Credentials.serverTime`).
    public static func of(access: String?, refresh: String?, ended: Bool = false, now: Double) -> SessionState {
        if ended { return .ended }
        if let access, !JWT.expiresSoon(access, now: now, margin: 0) { return .active }
        if let refresh, JWT.expiry(refresh).map({ Double($0) > now }) ?? true { return .refreshable }
        return access == nil ? .none : .expired
    }
}

public struct Credentials: Sendable {
    public var access: String?
    public var refresh: String?
    public var user: JSON
    public var source: CredentialSource
    /// The base URL the session was made with; nil for tokens from the environment.
    public var server: String?
    /// Why the session can no longer be renewed without a login (the server refused its refresh token),
    /// or nil while it can. Its tokens are kept for a person to see, and never sent again.
    public var ended: String?
    /// How far the server's clock was ahead of this machine's when the tokens came (`clock_offset`): their
    /// expiry is the server's, so it is judged by the server's time.
    public var clockOffset: Double = 0

    /// Clocks this close are taken to agree: a `Date` header counts whole seconds, and an answer takes time.
    public static let clockTolerance = 10.0

    /// The server's time now, as this machine's clock and the offset last seen make it.
    public func serverTime(_ now: Double) -> Double { now + clockOffset }

    /// Whether the session may be sent to this base URL: one made with it (`https://h` and `https://h:443/`
    /// are one), or one that does not say where it was made.
    public func isFor(_ base: String) -> Bool {
        guard let server else { return true }
        return Self.sameServer(server, base)
    }

    /// Whether two base URLs name one server (`https://h` and `https://h:443/` are one).
    public static func sameServer(_ a: String, _ b: String) -> Bool {
        guard a != b else { return true }
        guard case let .success(x) = WebURL.parse(a), case let .success(y) = WebURL.parse(b) else { return false }
        return x.sameServer(as: y)
    }
}

extension Credentials {
    /// A new pair's session, stored in the credentials file.
    init(_ pair: TokenPair, user: JSON, server: String) {
        self.init(access: pair.access, refresh: pair.refresh, user: user, source: .file, server: server)
        clockOffset = pair.clockOffset ?? 0
    }
}

/// One profile's session: settings and credentials on disk (or in the environment), token refresh and
/// unattended re-login. Everything that reads or writes the credentials file is here.
///
/// Refresh and re-login happen under the profile's session lock, and the file is read again inside it: a
/// token another process has just obtained is adopted instead of rotating the refresh token out from
/// under it. The file itself is read, changed and written back under a lock held only for that moment,
/// so another profile's renewal never waits for this one's network or password helper.
public final class CredentialStore {
    public let paths: ConfigPaths
    public let profile: String
    private let environment: [String: String]
    private let clock: any Clock
    private let lockTimeout: Double
    private let warn: (String) -> Void
    private let note: (String) -> Void
    private var loaded = false
    private var current: Credentials?
    private var cachedSettings: ProfileFile?
    /// The credentials file as last read outside the lock. Another process may have written it before the
    /// lock was ours, and what runs under the lock may write it, so taking and releasing the lock forget this.
    private var cachedCredentials: ProfileFile?
    /// The config directory has been found to exist and to be trusted (`ConfigPaths.checkTrust`).
    private var trusted = false
    /// Temporary files a killed writer left have been removed, under the file lock.
    private var tidied = false
    /// A dry run has shown the renewal or unattended login it would make.
    private var previewedLogin = false
    /// A renewed pair the disk refused, which this command goes on with.
    private var unsaved: Credentials?
    /// The command named its server (`--url`, HOMESERVE_URL) and it is not the profile's url: a login made
    /// there serves the command only, and is not stored in place of the profile's session with its own.
    private var oneOffServer = false
    /// The command named its server and the profile has no url: a login stored there makes it the profile's,
    /// as `auth login --url` does, so the profile's later commands go where its session is.
    private var adoptsServer = false
    /// The session in use was made by a login for this command only, and is not the stored one.
    public private(set) var madeForCommand = false
    /// The session this command goes on with is one the disk refused to keep.
    public var keptForCommandOnly: Bool { unsaved != nil }

    /// The server the command's requests go to, and whether the command named it rather than the profile.
    public func serve(_ base: WebURL, namedForCommand: Bool) {
        let own = (try? setting("url")).flatMap { $0 }.flatMap { text -> WebURL? in
            if case let .success(url) = WebURL.parse(text) { return url }
            return nil
        }
        oneOffServer = namedForCommand && own?.sameServer(as: base) != true
        adoptsServer = namedForCommand && own == nil
    }
    /// A renewal ahead of expiry failed and the token was sent as it was: not tried again before each of this
    /// command's requests (a listing's pages), but when the server refuses the token.
    private var renewalPostponed = false
    /// The access token last checked and its times: a listing's pages do not decode it again each.
    private var vetted: (token: String, times: (exp: Int?, iat: Int?))?

    public init(paths: ConfigPaths, profile: String, environment: [String: String], clock: any Clock, lockTimeout: Double,
                warn: @escaping (String) -> Void, note: @escaping (String) -> Void) {
        self.paths = paths
        self.profile = profile
        self.environment = environment
        self.clock = clock
        self.lockTimeout = lockTimeout
        self.warn = warn
        self.note = note
    }

    // MARK: Settings

    public func settings() throws(SessionError) -> ProfileFile {
        if let cachedSettings { return cachedSettings }
        let file = try loadTrusted(paths.settings)
        cachedSettings = file
        return file
    }

    public func setting(_ key: String) throws(SessionError) -> String? {
        try settings()[profile][key]?.stringValue
    }

    /// Changes the profile's settings under the lock, on a fresh read of the file.
    public func updateSettings(_ change: (inout JSON) -> Void) throws {
        try withLock {
            var file = try loadRepairing(paths.settings)
            var entry = file[profile]
            change(&entry)
            file[profile] = entry
            try file.save()
            cachedSettings = file
        }
    }

    /// Profiles named in the settings or credentials file, in that order, plus `default`.
    public func knownProfiles() throws(SessionError) -> [String] {
        var names = ["default"]
        for file in [try settings(), try readCredentials()] {
            for (name, _) in file.profiles where !names.contains(name) { names.append(name) }
        }
        return names
    }

    // MARK: Credentials

    /// The environment's token first, then the file. Nil when there is no session.
    public func credentials() throws(SessionError) -> Credentials? {
        if loaded { return current }
        if let token = environment["HOMESERVE_TOKEN"], !token.isEmpty {
            current = Credentials(access: token, refresh: nil, user: .object([]), source: .accessToken)
        } else if let refresh = environment["HOMESERVE_REFRESH_TOKEN"], !refresh.isEmpty {
            current = Credentials(access: nil, refresh: refresh, user: .object([]), source: .refreshToken)
        } else {
            current = try stored(in: readCredentials())
        }
        loaded = true
        // Both tokens are this run's to hide from the start, the refresh token too, though a request may not carry it.
        Redaction.remember(current?.access)
        Redaction.remember(current?.refresh)
        return current
    }

    public var source: CredentialSource { current?.source ?? .file }

    /// Every profile's stored session, for reports such as `config profiles`: read with the same checks as
    /// the profile's own (never through a link).
    public func storedSessions() throws(SessionError) -> ProfileFile {
        try readCredentials()
    }

    private func readCredentials() throws(SessionError) -> ProfileFile {
        if let cachedCredentials { return cachedCredentials }
        let file = try loadCredentials()
        cachedCredentials = file
        return file
    }

    /// The file is never read through a link: it could not be written back (the atomic write refuses to
    /// replace a link), so a refreshed or rotated token would be lost and the session end a refresh later.
    private func loadCredentials() throws(SessionError) -> ProfileFile {
        if FileFacts.isSymlink(paths.credentials) { throw .file(FileError(path: paths.credentials, action: "read", kind: .symlink)) }
        return try loadTrusted(paths.credentials)
    }

    /// A file of the config directory, read only when the directory and the file are trusted: settings name
    /// a command to run and credentials are secrets, so one another user could have written is refused. While
    /// the directory does not exist, there is nothing to read.
    private func loadTrusted(_ path: String) throws(SessionError) -> ProfileFile {
        guard try trustDirectory() else { return ProfileFile(path: path) }
        try ConfigPaths.checkTrust(path)
        return try ProfileFile.load(path)
    }

    /// As `loadTrusted`, but a corrupt file is set aside as `NAME.corrupt` and started afresh.
    private func loadRepairing(_ path: String) throws(SessionError) -> ProfileFile {
        do { return try loadTrusted(path) } catch {
            guard case let .corrupt(path, reason) = error else { throw error }
            let aside = ProfileFile.setAside(path)
            warn("\(path) was corrupt (\(reason)); moved it to \(aside) and started afresh")
            return ProfileFile(path: path)
        }
    }

    /// The profile's session as stored. One homeserve did not write (a token that is not text, no server it
    /// was made with) is a corrupt file, never "logged out" and never a session for any server.
    private func stored(in file: ProfileFile) throws(SessionError) -> Credentials? {
        let entry = file[profile]
        guard let token = entry["access"] else { return nil }
        func corrupt(_ reason: String) -> SessionError { .corrupt(path: file.path, reason: "the session of profile '\(profile)' \(reason)") }
        guard case let .string(access) = token, !access.isEmpty else { throw corrupt("has an access token that is not text") }
        let refresh = entry["refresh"]
        if let refresh, !refresh.isNull {
            guard case .string = refresh else { throw corrupt("has a refresh token that is not text") }
        }
        guard case let .string(server)? = entry["url"], !server.isEmpty else {
            throw corrupt("does not say which server it was made with (its \"url\")")
        }
        var creds = Credentials(access: access, refresh: refresh?.stringValue, user: entry["user"] ?? .object([]), source: .file, server: server,
                                ended: entry[Self.endedKey]?.stringValue)
        creds.clockOffset = entry[Self.clockOffsetKey]?.doubleValue ?? 0
        return creds
    }

    /// Whether a stored session was made with another server than the authority's (`https://h` and
    /// `https://h:443/` are one). Its tokens are never sent there: they would be handed to whoever runs it.
    private func isForOtherServer(_ creds: Credentials?, _ authority: TokenAuthority) -> Bool {
        creds?.isFor(authority.server) == false
    }

    private func otherServer(_ creds: Credentials?, _ authority: TokenAuthority) -> SessionError {
        .otherServer(profile: profile, session: creds?.server ?? "?", asked: authority.server)
    }

    /// The token to send: refreshed ahead of expiry when it can be, obtained by logging in when there is no
    /// session but a username and a password source. Nil when there is no session at all.
    public func accessToken(authority: TokenAuthority) throws -> String? {
        guard let creds = try credentials() else {
            return try unattendedLogin(authority: authority)
        }
        if isForOtherServer(creds, authority) {
            // A job that can log in does so at the server it is pointed at, sending none of the other's tokens.
            guard creds.source == .file, try hasPasswordSource() else { throw otherServer(creds, authority) }
            return try renew(refused: nil, authority: authority)
        }
        guard let access = creds.access else { return try renew(refused: nil, authority: authority) }
        // An ended session sends nothing: a job with a password source logs in, any other is told so.
        if creds.ended != nil {
            try requireNotEnded()
            return try renew(refused: access, authority: authority)
        }
        let times: (exp: Int?, iat: Int?)
        if let vetted, vetted.token == access {
            times = vetted.times
        } else {
            guard JWT.isHeaderSafe(access) else { throw SessionError.malformedToken(source: creds.source) }
            times = JWT.times(access)
            vetted = (access, times)
        }
        // The tokens' expiry is the server's: judged by its time, as far as this machine knows it.
        func now() -> Double { creds.serverTime(clock.now()) }
        if creds.source != .accessToken, !renewalPostponed, JWT.expiresSoon(times, now: now()) {
            do {
                return try renew(refused: access, authority: authority)
            } catch SessionError.file(let failure) where Self.isLockTimeout(failure) && !JWT.expiresSoon(times, now: now(), margin: 5) {
                // Renewing ahead of expiry is a courtesy: while another process holds the renewal, a token
                // that still works is sent rather than the command failing, and a warning says so.
                let left = times.exp.map { " valid for \($0 - Int(now())) s more," } ?? ""
                warn("another homeserve has been renewing the session for longer than the timeout; its access token,\(left) is sent as it is")
                renewalPostponed = true
                return access
            } catch let error where !JWT.expiresSoon(times, now: now(), margin: 5) && current?.ended == nil {
                // So is it when the server's token endpoint is down or slow: the token is sent while it works,
                // unless the server has ended the session meanwhile (its refresh token refused).
                guard let trouble = Self.serverTrouble(error), let exp = times.exp else { throw error }
                warn("renewing the session ahead of its expiry failed (\(trouble)); its access token, valid for \(exp - Int(now())) s more, is sent as it is")
                renewalPostponed = true
                return access
            }
        }
        return access
    }

    /// What went wrong when the server or the network failed, not an answer about the session (a refused
    /// token or password, a success without a token) nor an interruption: nil otherwise.
    private static func serverTrouble(_ error: Error) -> String? {
        switch error {
        case let APIError.transport(failure, method, url) where failure.kind != .cancelled:
            return "\(method) \(WebURL.splitAbsolute(url)?.rest ?? url): \(failure.message)"
        case let APIError.http(failure) where failure.status >= 500 || failure.status == 429:
            return "HTTP \(failure.status) from \(failure.method) \(failure.path)"
        case let APIError.badResponse(method, path, reason): return "\(method) \(path): \(reason)"
        default: return nil
        }
    }

    private static func isLockTimeout(_ failure: FileError) -> Bool {
        if case .lockTimeout = failure.kind { return true }
        return false
    }

    /// Replaces a token the server refused (or that is about to expire): refresh, else log in again with
    /// a password source, else `SessionError.expired`.
    public func renew(refused stale: String?, authority: TokenAuthority) throws -> String {
        switch source {
        case .accessToken:
            throw SessionError.tokenRefused(source: .accessToken)
        case .refreshToken:
            // Kept in memory only: HOMESERVE_REFRESH_TOKEN is a secret of the job, not of this machine.
            guard let refresh = current?.refresh, let pair = try authority.refresh(refresh) else {
                throw SessionError.expired(profile: profile, source: .refreshToken, reason: "the refresh token was refused")
            }
            current?.access = pair.access
            current?.refresh = pair.refresh ?? refresh
            current?.clockOffset = pair.clockOffset ?? 0
            return pair.access
        case .file:
            let asked = clock.now()
            return try withSessionLock {
                let file = try loadCredentials()
                // A login another process made while this one waited its turn, or in the minute before, and the
                // server refused, is not tried again: twenty cron jobs on a changed password make one failed
                // login, not twenty, however they are spread over that minute. `auth login` always tries.
                if unsaved == nil, let refused = file[profile][Self.refusedKey]?.doubleValue,
                   refused >= asked || clock.now() - refused < Self.refusalHeld {
                    throw SessionError.expired(profile: profile, source: .file,
                        reason: "a login for it \(max(0, Int(clock.now() - refused))) s ago (by this or another homeserve) was refused; not tried again until \(Int(Self.refusalHeld)) s after it, or 'homeserve auth login'")
                }
                let kept = try unsaved ?? stored(in: file)
                let foreign = isForOtherServer(kept, authority)
                // Another server's session is not adopted or refreshed here; only a password can replace it.
                let entry = foreign ? nil : kept
                if current?.source == .file, let was = current?.user["username"]?.stringValue, !was.isEmpty,
                   let now = entry?.user["username"]?.stringValue, !now.isEmpty, now != was {
                    throw SessionError.userChanged(profile: profile, from: was, to: now)
                }
                if let access = entry?.access, access != stale, JWT.isHeaderSafe(access),
                   !JWT.expiresSoon(access, now: entry?.serverTime(clock.now()) ?? clock.now(), margin: 0) {
                    current = entry
                    return access
                }
                // A session this command began with and the file no longer holds: `auth logout` meanwhile.
                var reason = kept == nil && current?.source == .file ? "it was logged out while this command ran" : "no session is stored"
                if let ended = entry?.ended {
                    reason = ended
                    // This command's later requests send nothing either.
                    current = entry
                } else if let refresh = entry?.refresh {
                    // Counted from sending the token to storing the answer: a stop waits for both.
                    if let access = try RenewalsInFlight.during({ () throws -> String? in
                        guard let pair = try authority.refresh(refresh) else { return nil }
                        return keep(pair, user: entry?.user ?? .object([]), server: authority.server)
                    }) {
                        return access
                    }
                    reason = "the refresh token was refused"
                    // Marked in the file, so no command sends the dead token again or takes the session for a
                    // live one: this one's later requests (a listing's pages, smoke's cases) included.
                    if unsaved == nil { mark(Self.endedKey, .string(reason)) }
                    current = entry
                    current?.ended = reason
                } else if entry != nil {
                    reason = "no refresh token is stored"
                }
                let username = unattendedUsername() ?? kept?.user["username"]?.stringValue
                if let username, let password = try password() {
                    let answer: (TokenPair, user: JSON)?
                    do { answer = try authority.login(username: username, password: password) } catch SessionError.loginRefused(let name, let message) {
                        mark(Self.refusedKey, .number(String(clock.now())))
                        throw SessionError.loginRefused(username: name, message: message)
                    }
                    guard let (pair, user) = answer else {
                        throw SessionError.badTokenReply(endpoint: "/auth/login/")
                    }
                    // Pointed at another server for this one command: the new session serves it only, and the
                    // profile keeps the one made with its own server.
                    if foreign, oneOffServer {
                        note("logged in as \(username) to \(authority.server) for this command only; profile '\(profile)' keeps its session with \(kept?.server ?? "?")")
                        current = Credentials(pair, user: user, server: authority.server)
                        madeForCommand = true
                        return pair.access
                    }
                    note(kept == nil ? "logged in as \(username) for profile '\(profile)'"
                         : foreign ? "logged in as \(username) to \(authority.server) for profile '\(profile)', in place of its session with \(kept?.server ?? "?")"
                         : "session for profile '\(profile)' renewed by logging in again as \(username)")
                    let access = keep(pair, user: user, server: authority.server)
                    // Unless a url was set meanwhile (config set url), which is then the user's choice.
                    var adopted = false
                    if adoptsServer, unsaved == nil {
                        try? updateSettings { entry in
                            guard entry["url"] == nil else { return }
                            entry = entry.setting("url", .string(authority.server))
                            adopted = true
                        }
                    }
                    if adopted { note("profile '\(profile)' now uses \(authority.server)") }
                    return access
                }
                if foreign { throw otherServer(kept, authority) }
                throw SessionError.expired(profile: profile, source: .file, reason: reason)
            }
        }
    }

    /// Exchanges the refresh token now (`auth refresh`), whatever the access token's age.
    public func refreshNow(authority: TokenAuthority) throws -> Credentials {
        guard let creds = try credentials() else { throw SessionError.notLoggedIn(profile: profile) }
        if isForOtherServer(creds, authority) { throw otherServer(creds, authority) }
        switch creds.source {
        case .accessToken:
            throw SessionError.tokenRefused(source: .accessToken)
        case .refreshToken:
            _ = try renew(refused: creds.access, authority: authority)
        case .file:
            // As any command renews a session: the stored access token counts as spent, so it is refreshed (or,
            // the refresh token refused, replaced by a login from a password source); one that another process
            // renewed meanwhile is taken as it is.
            _ = try renew(refused: creds.access, authority: authority)
        }
        return current ?? creds
    }

    /// The token a dry run shows as `Bearer ***`: the stored one (a refresh token stands for the access
    /// token it would bring); else, when a login would be made unattended, that login shown through a dry
    /// run's `authority`, which sends nothing, and a stand-in for its token. Nothing is run or written.
    public func previewAccessToken(authority: TokenAuthority) throws -> String? {
        let creds = try credentials()
        if let creds, !isForOtherServer(creds, authority) {
            // A token due for renewal is renewed first, as the real run would: shown once.
            let due = creds.source != .accessToken && (creds.ended != nil || (creds.access.map { JWT.expiresSoon($0, now: creds.serverTime(clock.now())) } ?? true))
            guard due else { return creds.access }
            if creds.refresh != nil, creds.ended == nil {
                if !previewedLogin { _ = try authority.refresh("***") }
                previewedLogin = true
                return "***"
            }
            guard creds.source == .file, try hasPasswordSource(), let username = unattendedUsername() ?? creds.user["username"]?.stringValue else {
                // An ended session is not shown as sent: the real run sends nothing.
                if let ended = creds.ended { throw SessionError.expired(profile: profile, source: .file, reason: ended) }
                return creds.access
            }
            if !previewedLogin { _ = try authority.login(username: username, password: "***") }
            previewedLogin = true
            return "***"
        }
        // A session made with another server is not sent: a job that can log in there does, as with none.
        let canLogIn = try hasPasswordSource()
        if creds != nil, !(creds?.source == .file && canLogIn) { throw otherServer(creds, authority) }
        guard source == .file, let username = unattendedUsername() ?? creds?.user["username"]?.stringValue, canLogIn else {
            return nil
        }
        // Shown once, as the login itself would be made once.
        if !previewedLogin { _ = try authority.login(username: username, password: "***") }
        previewedLogin = true
        return "***"
    }

    /// Throws when the stored session has ended and no password source would log in: what a dry run of a
    /// command that would use it says, as the real run would.
    public func requireNotEnded() throws {
        guard let ended = try credentials()?.ended, try !hasPasswordSource() else { return }
        throw SessionError.expired(profile: profile, source: .file, reason: ended)
    }

    /// With no session at all, a job that has a username and a password source logs in by itself.
    private func unattendedLogin(authority: TokenAuthority) throws -> String? {
        guard source == .file, unattendedUsername() != nil, try hasPasswordSource() else { return nil }
        return try renew(refused: nil, authority: authority)
    }

    /// The name a login homeserve makes by itself is made under: HOMESERVE_USERNAME, else the profile's
    /// username, else (callers' fallback) the stored session's user.
    private func unattendedUsername() -> String? {
        if let name = environment["HOMESERVE_USERNAME"], !name.isEmpty { return name }
        return try? setting("username")
    }

    /// When a login to renew the session was last refused, in the profile's entry: processes that waited for
    /// it, or start within `refusalHeld` of it, do not try again.
    static let refusedKey = "renewal_refused_at"
    /// How long after a refused login no process of the profile tries one by itself.
    static let refusalHeld = 60.0

    /// Why the server ended the profile's session, in its entry: its refresh token was refused.
    public static let endedKey = "ended"
    /// How far the server's clock was ahead of this machine's when the session's tokens came, in seconds.
    public static let clockOffsetKey = "clock_offset"

    /// Notes in the profile's entry that a login to renew it was refused, or that the server ended it. Nothing
    /// more is changed: the session stays, for a person to see and replace; storing a new one drops the note.
    /// A file that cannot be written only loses the note.
    private func mark(_ key: String, _ value: JSON) {
        try? withLock {
            var file = try loadCredentials()
            guard file.contains(profile) || key == Self.refusedKey else { return }
            file[profile] = file[profile].setting(key, value)
            try file.save()
        }
    }

    /// Whether a job with no session at all would log in by itself (a username and a password source).
    public var logsInUnattended: Bool { source == .file && unattendedUsername() != nil && (try? hasPasswordSource()) == true }

    public func hasPasswordSource() throws -> Bool {
        if let password = environment["HOMESERVE_PASSWORD"]?.droppingLineEnd, !password.isEmpty { return true }
        return try setting("password_command") != nil
    }

    /// HOMESERVE_PASSWORD, else the profile's `password_command`.
    private func password() throws -> String? {
        if let password = environment["HOMESERVE_PASSWORD"]?.droppingLineEnd, !password.isEmpty {
            Redaction.remember(password)
            return password
        }
        guard let command = try setting("password_command") else { return nil }
        let password = try PasswordCommand.run(command, timeout: lockTimeout)
        Redaction.remember(password)
        return password
    }

    /// Stores a new pair on a fresh read of the file (another profile may have written it meanwhile); when
    /// the disk refuses, the pair still serves this command and a warning says the session could not be saved.
    /// The wait for the file lock is not cut short by Ctrl-C: a server that rotates refresh tokens has taken
    /// the stored one, and giving up here would lose the session.
    private func keep(_ pair: TokenPair, user: JSON, server: String) -> String {
        do {
            try withLock(cancellable: false) {
                var file = try loadCredentials()
                record(pair, user: user, server: server, in: &file)
                try file.save()
            }
            unsaved = nil
        } catch {
            let reason = if case let SessionError.file(failure) = error { failure.description } else { "\(error)" }
            warn("the new session could not be saved (\(reason)); it is used for this command only")
            current = Credentials(pair, user: user, server: server)
            // A later renewal in this command starts from this pair, not the file's, whose refresh token the
            // server may have taken already.
            unsaved = current
        }
        return pair.access
    }

    /// Before a login is sent: a credentials file it could not be stored in (a link, or a directory or file
    /// another user could have changed) is refused now, not once the server has made a session for it.
    public func checkLoginCanBeStored() throws(SessionError) {
        try checkWhereTheDirectoryGoes()
        try trustDirectory()
        try ConfigPaths.checkTrust(paths.credentials)
        if FileFacts.isSymlink(paths.credentials) { throw .file(FileError(path: paths.credentials, action: "replace", kind: .symlink)) }
        if FileFacts.isSymlink(paths.lock) { throw .file(FileError(path: paths.lock, action: "open lock file", kind: .symlink)) }
    }

    /// Stores a login (`auth login`, `auth otp verify`). A corrupt credentials file is set aside as
    /// `credentials.json.corrupt` and replaced, since logging in is how a user repairs it.
    public func saveLogin(_ pair: TokenPair, user: JSON, server: String) throws {
        guard JWT.isHeaderSafe(pair.access), pair.refresh.map(JWT.isHeaderSafe) ?? true else {
            throw SessionError.badTokenReply(endpoint: "/auth/login/")
        }
        try withSessionLock {
            try withLock {
                var file = try loadRepairing(paths.credentials)
                record(pair, user: user, server: server, in: &file)
                try file.save()
                loaded = true
            }
        }
    }

    /// The profile's entry for a pair, and the session this command goes on with.
    private func record(_ pair: TokenPair, user: JSON, server: String, in file: inout ProfileFile) {
        var entry: [(String, JSON)] = [("access", .string(pair.access)), ("refresh", pair.refresh.map(JSON.string) ?? .null), ("user", user),
                                       ("url", .string(server))]
        if let offset = pair.clockOffset { entry.append((Self.clockOffsetKey, .int(Int(offset)))) }
        file[profile] = .object(entry)
        current = Credentials(pair, user: user, server: server)
    }

    /// Forgets the profile's tokens; true when there were any.
    public func forget() throws -> Bool {
        // Nothing stored anywhere: nothing to forget, and no directory, file or lock made to say so.
        guard FileFacts.exists(paths.credentials) else {
            current = nil
            loaded = true
            return false
        }
        return try withSessionLock { try withLock {
            var file = try loadRepairing(paths.credentials)
            let had = file.contains(profile)
            if had { file.remove(profile) }
            // A corrupt file set aside is replaced even when no session of this profile was in it.
            if had || !FileFacts.exists(paths.credentials) { try file.save() }
            current = nil
            loaded = true
            return had
        } }
    }

    /// A directory refused by the file system it would go in (read-only, not ours, a kernel's such as /proc
    /// or /sys), not by a mistake in its path (a file where a directory should be).
    public static func unmakeable(_ code: Int32) -> Bool { [EROFS, EACCES, EPERM, ENOENT].contains(code) }

    /// The file lock, held while a file is read, changed and written back.
    /// The file lock. One that cannot be given up (a renewed pair the server has already rotated in) is
    /// waited for at least a minute: it is held only while a file is rewritten, so only a stuck holder is
    /// waited out, and giving up would lose the session.
    private func withLock<T>(cancellable: Bool = true, _ body: () throws -> T) throws -> T {
        try locked(paths.lock, cancellable: cancellable, timeout: cancellable ? lockTimeout : max(lockTimeout, 60),
                   holder: "another homeserve is writing the config files", tidying: true, body)
    }

    /// The profile's session lock, held over a refresh or login; the file lock is taken inside it, never
    /// the other way round.
    private func withSessionLock<T>(_ body: () throws -> T) throws -> T {
        try locked(paths.sessionLock(profile), holder: "another homeserve is refreshing the session", body)
    }

    /// `tidying`: the lock every writer of the settings and credentials files holds, under which a temporary
    /// file of theirs is no live writer's.
    private func locked<T>(_ path: String, cancellable: Bool = true, timeout: Double? = nil, holder: String, tidying: Bool = false,
                           _ body: () throws -> T) throws -> T {
        // A write is never made into a directory others can change, even by a command that read nothing first;
        // one that does not exist yet is made here, so it is checked as it was made.
        try checkWhereTheDirectoryGoes()
        do { try AtomicFile.ensureDirectory(paths.directory) } catch {
            // A directory that cannot be made (a read-only home): there is no file to read or lock, a write
            // fails on its own, and a session made meanwhile serves this command only, with a warning.
            guard case let .system(code) = error.kind, Self.unmakeable(code), !FileFacts.exists(paths.directory) else {
                throw SessionError.file(error)
            }
            cachedCredentials = nil
            defer { cachedCredentials = nil }
            return try body()
        }
        try trustDirectory()
        let lock: FileLock
        do { lock = try FileLock.acquire(path, timeout: timeout ?? lockTimeout, clock: clock, cancellable: cancellable, holder: holder) } catch let error as FileError {
            throw SessionError.file(error)
        }
        cachedCredentials = nil
        defer {
            cachedCredentials = nil
            lock.release()
        }
        if tidying { tidy() }
        return try body()
    }

    // MARK: File hygiene

    /// Whether the config directory exists, once it has been found trusted; throws when it is not. Checked
    /// once per process: no other user can change a trusted directory meanwhile. A directory homeserve did
    /// not make is never chmod'ed: it may be a shared one (`/tmp`), whose mode is its owner's to set.
    @discardableResult
    private func trustDirectory() throws(SessionError) -> Bool {
        if trusted { return true }
        guard try ConfigPaths.checkTrust(paths.directory) else { return false }
        trusted = true
        // A directory in the file's place is the read's error to report, not a mode to fix.
        // A link is refused where the file is read or written; its target's mode is not the file's to fix.
        // Read by its group is read by others unless the group is the owner's private one. (One others may
        // write to is refused where it is read; group write passes only for the private group.)
        if let file = FileFacts.ownership(paths.credentials), !file.isDirectory, file.mode & 0o002 == 0, !FileFacts.isSymlink(paths.credentials),
           file.mode & 0o004 != 0 || (file.mode & 0o040 != 0 && !FileFacts.isPrivateGroup(file.group, of: file.owner)) {
            warn("\(paths.credentials) is readable by other users (mode \(String(file.mode & 0o777, radix: 8))); run: chmod 600 \(paths.credentials)")
        }
        // A command that writes nothing removes what a killed writer left too, when the file lock is free
        // this moment: held, the files may be its holder's, and are left to the next command.
        if !AtomicFile.temporaries(in: paths.directory, names: Self.written).isEmpty,
           let lock = try? FileLock.acquire(paths.lock, timeout: 0, clock: clock, cancellable: false) {
            tidy()
            lock.release()
        }
        return true
    }

    /// A config directory not made yet is made only where no other user can change a directory above it.
    private func checkWhereTheDirectoryGoes() throws(SessionError) {
        if !FileFacts.exists(paths.directory) { try ConfigPaths.checkParents(of: paths.directory) }
    }

    /// The files every writer writes under the file lock.
    private static let written = ["settings.json", "credentials.json"]

    /// Removes temporary files a killed writer left; only while the file lock is held, which every writer of
    /// them holds, so none is a live writer's.
    private func tidy() {
        guard !tidied else { return }
        AtomicFile.removeTemporaries(in: paths.directory, names: Self.written)
        tidied = true
    }
}
