/// One profile's settings and credentials. Everything that reads or writes the credentials file is here.
public final class Session {
    public static let defaultURL = "http://localhost:8000"
    public static let settingKeys = ["url", "ws_url", "output"]

    public let paths: ConfigPaths
    public let profile: String
    let environment: [String: String]
    let warn: (String) -> Void

    public init(paths: ConfigPaths, profile: String?, environment: [String: String], warn: @escaping (String) -> Void) {
        self.paths = paths
        self.environment = environment
        self.warn = warn
        self.profile = profile ?? environment["HOMESERVE_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "default"
    }

    // MARK: Settings

    public func settings() throws -> ProfileFile { try ProfileFile(path: paths.settings, mode: 0o600) }

    public func setting(_ key: String) throws -> String? {
        try settings()[profile][key]?.stringValue
    }

    /// `--url` beats `HOMESERVE_URL`, which beats the profile's setting, which beats the default.
    public func baseURL(flag: String?) throws -> String {
        let stored = try setting("url")
        let fromEnvironment = environment["HOMESERVE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        if flag == nil, let url = fromEnvironment, !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw CLIError.usage("invalid value '\(url)' for HOMESERVE_URL: expected an http:// or https:// URL")
        }
        let chosen = flag ?? fromEnvironment ?? stored ?? Session.defaultURL
        return chosen.hasSuffix("/") ? String(chosen.dropLast()) : chosen
    }

    // MARK: Credentials

    public struct Credentials {
        public var access: String
        public var refresh: String?
        public var user: JSON
        /// True for `HOMESERVE_TOKEN`: used as is, never refreshed, never written.
        public var fromEnvironment: Bool
    }

    public func credentials() throws -> Credentials? {
        if let token = environment["HOMESERVE_TOKEN"], !token.isEmpty {
            return Credentials(access: token, refresh: nil, user: .object([]), fromEnvironment: true)
        }
        return try storedCredentials()
    }

    private var warnedAboutMode = false

    func storedCredentials() throws -> Credentials? {
        if let mode = AtomicFile.mode(paths.credentials), mode & 0o077 != 0, !warnedAboutMode {
            warnedAboutMode = true
            warn("warning: \(paths.credentials) is readable by other users (mode \(String(mode, radix: 8))); run: chmod 600 \(paths.credentials)")
        }
        let entry = try ProfileFile(path: paths.credentials, mode: 0o600)[profile]
        guard let access = entry["access"]?.stringValue else { return nil }
        return Credentials(access: access, refresh: entry["refresh"]?.stringValue,
                           user: entry["user"] ?? .object([]), fromEnvironment: false)
    }

    /// Stores a login response (`access`, `refresh`, `user`).
    public func saveLogin(_ response: JSON) throws {
        guard let access = response["access"]?.stringValue else {
            throw CLIError(.serverError, "login response has no access token")
        }
        try withLock {
            var file = try ProfileFile(path: paths.credentials, mode: 0o600)
            file[profile] = .object([("access", .string(access)),
                                     ("refresh", response["refresh"] ?? .null),
                                     ("user", response["user"] ?? .object([]))])
            try file.save()
        }
    }

    public func forget() throws -> Bool {
        try withLock {
            var file = try ProfileFile(path: paths.credentials, mode: 0o600)
            guard file.profiles.contains(where: { $0.0 == profile }) else { return false }
            file.remove(profile)
            try file.save()
            return true
        }
    }

    func withLock<T>(_ body: () throws -> T) throws -> T {
        let lock = try FileLock(path: paths.lock)
        defer { lock.release() }
        return try body()
    }

    /// Replaces an access token that is stale (expired, about to, or just refused).
    /// Under the lock, the file is read again: if another process already refreshed, its token is reused,
    /// because the server has already rotated the refresh token we would otherwise send.
    func refreshedToken(replacing stale: String, using post: (String) throws -> HTTPResponse) throws -> String {
        try withLock {
            guard let current = try storedCredentials() else {
                throw CLIError(.notAuthenticated, "not logged in (profile '\(profile)'); run 'homeserve auth login'")
            }
            // Another process refreshed while we waited for the lock: its token is good as long as it lives.
            if current.access != stale && !JWT.expiresSoon(current.access, margin: 0) { return current.access }
            guard let refresh = current.refresh else {
                throw CLIError(.notAuthenticated, "session expired and no refresh token is stored; run 'homeserve auth login'")
            }
            let response = try post(refresh)
            guard (200..<300).contains(response.status), let body = try? JSON.parse(response.body),
                  let access = body["access"]?.stringValue else {
                if response.status == 400 || response.status == 401 {
                    throw CLIError(.notAuthenticated, "session expired (the refresh token was refused); run 'homeserve auth login'")
                }
                throw ResponseError.classify(response, method: "POST", path: "/auth/refresh/")
            }
            var file = try ProfileFile(path: paths.credentials, mode: 0o600)
            file[profile] = file[profile].setting("access", .string(access))
                .setting("refresh", body["refresh"] ?? .string(refresh))
            try file.save()
            return access
        }
    }
}
