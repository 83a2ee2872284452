import HomeServeCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where settings, credentials and the refresh lock live:
/// `$HOMESERVE_CONFIG_DIR`, else `$XDG_CONFIG_HOME/homeserve`, else `~/.config/homeserve`.
public struct ConfigPaths: Sendable {
    public let directory: String

    public init(environment: [String: String]) {
        if let dir = environment["HOMESERVE_CONFIG_DIR"], !dir.isEmpty {
            directory = dir
        } else if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
            // A relative XDG_CONFIG_HOME is ignored, as the XDG specification says.
            directory = xdg + "/homeserve"
        } else {
            directory = Self.home(environment) + "/.config/homeserve"
        }
    }

    /// HOME, else the user's home directory from the password database: never the working directory, where
    /// tokens would be written into whatever a cron job or CI step happens to run in.
    static func home(_ environment: [String: String]) -> String {
        if let home = environment["HOME"], home.hasPrefix("/") { return home }
        if let entry = getpwuid(getuid()), let dir = entry.pointee.pw_dir, dir.pointee == UInt8(ascii: "/") { return String(cString: dir) }
        return "/nonexistent"
    }

    public var settings: String { directory + "/settings.json" }
    public var credentials: String { directory + "/credentials.json" }
    /// Held for the moment a file is read, changed and written back.
    public var lock: String { directory + "/credentials.lock" }
    /// Held by one profile's refresh or re-login, network and password helper included, so processes
    /// sharing that profile take turns while other profiles go on.
    public func sessionLock(_ profile: String) -> String { directory + "/credentials.\(profile).lock" }
}

/// Like ssh's StrictModes: settings name a command homeserve runs (`password_command`) and the credentials
/// file holds tokens, so neither is read from, nor written into, a directory or file another user could
/// have changed or replaced, nor one below a directory another user could change (and so swap what is in
/// it for theirs). Root may own them too, as it may everything.
extension ConfigPaths {
    /// Owned by you or root, and only the owner can change it: group write is allowed for the owner's
    /// private group.
    static func onlyOwnerWrites(owner: uid_t, group: gid_t, mode: mode_t) -> Bool {
        (owner == geteuid() || owner == 0) && mode & 0o002 == 0 && (mode & 0o020 == 0 || FileFacts.isPrivateGroup(group, of: owner))
    }

    /// A config directory or file: only its owner can change it, and a directory is no shared (sticky) one.
    public static func isTrusted(owner: uid_t, group: gid_t, mode: mode_t, isDirectory: Bool) -> Bool {
        onlyOwnerWrites(owner: owner, group: group, mode: mode) && !(isDirectory && mode & S_ISVTX != 0)
    }

    /// Throws `SessionError.untrusted` when `path` exists and is not trusted; false when it does not exist.
    /// A directory's parents are checked too.
    @discardableResult
    public static func checkTrust(_ path: String) throws(SessionError) -> Bool {
        guard let facts = FileFacts.ownership(path) else { return false }
        guard isTrusted(owner: facts.owner, group: facts.group, mode: facts.mode, isDirectory: facts.isDirectory) else {
            throw .untrusted(path: path, isDirectory: facts.isDirectory, owner: FileFacts.userName(facts.owner), mode: facts.mode, above: nil)
        }
        // A directory's parents, and a file's reached through a link (settings kept with dotfiles): the
        // directories its links and target are in are as much in reach as the config directory.
        if facts.isDirectory || FileFacts.isSymlink(path) { try checkParents(of: path) }
        return true
    }

    /// Every directory whose entries decide where `path` leads, as it is resolved link by link (a link's own
    /// directory and then its target's), is one only you or root can change, or a sticky one (`/tmp`) in which
    /// others cannot move what is yours.
    public static func checkParents(of path: String) throws(SessionError) {
        for directory in directoriesResolving(path) {
            guard let facts = FileFacts.ownership(directory) else { continue }
            let sticky = facts.mode & S_ISVTX != 0 && (facts.owner == geteuid() || facts.owner == 0)
            guard sticky || onlyOwnerWrites(owner: facts.owner, group: facts.group, mode: facts.mode) else {
                throw .untrusted(path: directory, isDirectory: true, owner: FileFacts.userName(facts.owner), mode: facts.mode, above: path)
            }
        }
    }

    /// The directories `path`'s names are looked up in as it is resolved, in order: each one it passes
    /// through, and for a link met on the way the directory it is in and then those of its target.
    static func directoriesResolving(_ path: String) -> [String] {
        var absolute = path
        if !absolute.hasPrefix("/"), let cwd = getcwd(nil, 0) {
            absolute = String(cString: cwd) + "/" + absolute
            free(cwd)
        }
        var pending = absolute.split(separator: "/").map(String.init).reversed() as [String]
        var current: [String] = []
        var directories: [String] = []
        var hops = 0
        while let name = pending.popLast() {
            if name == "." { continue }
            if name == ".." {
                if !current.isEmpty { current.removeLast() }
                continue
            }
            let directory = "/" + current.joined(separator: "/")
            if !directories.contains(directory) { directories.append(directory) }
            let here = (current.isEmpty ? "" : directory) + "/" + name
            // At most 40 links, as the kernel follows: a loop is not walked for ever.
            if hops < 40, let target = FileFacts.linkTarget(here) {
                hops += 1
                if target.hasPrefix("/") { current = [] }
                pending += target.split(separator: "/").map(String.init).reversed()
                continue
            }
            current.append(name)
        }
        return directories
    }

    /// The settings file as it is, when the directory and the file are trusted; nil otherwise, or when it
    /// cannot be read. For a look that must not fail (the time zone dates are read in): the command's own
    /// read of the settings says what is wrong.
    public func trustedSettings() -> ProfileFile? {
        guard (try? Self.checkTrust(directory)) == true, (try? Self.checkTrust(settings)) != nil else { return nil }
        return try? ProfileFile.load(settings)
    }
}

/// A JSON file of `{"profiles": {name: {key: value}}}`, read whole and written atomically.
public struct ProfileFile: Sendable {
    public let path: String
    public var profiles: [(String, JSON)] = []

    public init(path: String, profiles: [(String, JSON)] = []) {
        self.path = path
        self.profiles = profiles
    }

    /// The largest file read. `save` refuses to write a larger one: a server's answer (a huge token or
    /// user) must never leave a file that every later command, `auth login` included, refuses to read.
    public static let sizeLimit = 1 << 20

    /// A missing file is an empty one; an unreadable or unparsable one is an error, never "logged out".
    public static func load(_ path: String) throws(SessionError) -> ProfileFile {
        let bytes: [UInt8]
        do { bytes = try FileFacts.contents(path, limit: sizeLimit) } catch {
            if case .system(ENOENT) = error.kind { return ProfileFile(path: path) }
            throw .file(error)
        }
        guard !bytes.isEmpty else { throw .corrupt(path: path, reason: "the file is empty") }
        let root: JSON
        do { root = try JSON.parse(bytes) } catch { throw .corrupt(path: path, reason: "not valid JSON (\(error))") }
        guard case let .object(pairs)? = root["profiles"] else {
            throw .corrupt(path: path, reason: "it has no \"profiles\" object")
        }
        if let odd = pairs.first(where: { !$0.1.isObject }) {
            throw .corrupt(path: path, reason: "profile \(String(reflecting: odd.0)) is not an object")
        }
        return ProfileFile(path: path, profiles: pairs)
    }

    public subscript(profile: String) -> JSON {
        get { profiles.first { $0.0 == profile }?.1 ?? .object([]) }
        set {
            if let i = profiles.firstIndex(where: { $0.0 == profile }) { profiles[i].1 = newValue } else { profiles.append((profile, newValue)) }
        }
    }

    public func contains(_ profile: String) -> Bool { profiles.contains { $0.0 == profile } }

    public mutating func remove(_ profile: String) { profiles.removeAll { $0.0 == profile } }

    public func save() throws(FileError) {
        var bytes = JSON.object([("profiles", .object(profiles))]).bytes(pretty: true)
        bytes.append(UInt8(ascii: "\n"))
        guard bytes.count <= Self.sizeLimit else { throw FileError.system(path, "write", errno: EFBIG) }
        try AtomicFile.write(path, bytes, mode: 0o600)
    }

    /// Moves a corrupt file aside as `NAME.corrupt` (0600, it may hold tokens) so it can be replaced; a copy
    /// kept from before is not overwritten (`NAME.corrupt.2`, `.3`, … up to 9, then the last is reused).
    public static func setAside(_ path: String) -> String {
        let names = [path + ".corrupt"] + (2...9).map { path + ".corrupt.\($0)" }
        let aside = names.first { !FileFacts.exists($0) } ?? names[names.count - 1]
        unlink(aside)
        rename(path, aside)
        chmod(aside, 0o600)
        return aside
    }
}
