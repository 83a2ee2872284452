#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where settings, credentials and the refresh lock live:
/// `$HOMESERVE_CONFIG_DIR`, else `$XDG_CONFIG_HOME/homeserve`, else `~/.config/homeserve`.
public struct ConfigPaths {
    public let directory: String

    public init(environment: [String: String]) {
        if let dir = environment["HOMESERVE_CONFIG_DIR"], !dir.isEmpty {
            directory = dir
        } else if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            directory = xdg + "/homeserve"
        } else {
            directory = (environment["HOME"] ?? ".") + "/.config/homeserve"
        }
    }

    public var settings: String { directory + "/settings.json" }
    public var credentials: String { directory + "/credentials.json" }
    public var lock: String { directory + "/credentials.lock" }
}

/// Writes that never leave a half-written file: temporary file, fsync, rename, fsync the directory.
/// The directory is created 0700 because it holds tokens.
enum AtomicFile {
    static func ensureDirectory(_ path: String) throws {
        var info = stat()
        if stat(path, &info) == 0 { return }
        let parent = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        if !parent.isEmpty && parent != path { try ensureDirectory(parent) }
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw CLIError(.internalError, "cannot create directory \(path): \(String(cString: strerror(errno)))")
        }
    }

    static func write(_ path: String, _ text: String, mode: mode_t) throws {
        try write(path, bytes: Array(text.utf8), mode: mode)
    }

    static func write(_ path: String, bytes: [UInt8], mode: mode_t) throws {
        let directory = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        try ensureDirectory(directory.isEmpty ? "." : directory)
        let temporary = "\(path).tmp.\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw CLIError(.internalError, "cannot write \(temporary): \(String(cString: strerror(errno)))") }
        // open() honours the umask; the mode must be exact for the credentials file.
        fchmod(fd, mode)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; close(fd); unlink(temporary)
                throw CLIError(.internalError, "cannot write \(temporary): \(String(cString: strerror(errno)))") }
            offset += n
        }
        guard fsync(fd) == 0, close(fd) == 0, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw CLIError(.internalError, "cannot replace \(path): \(String(cString: strerror(errno)))")
        }
        let dirFD = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY)
        if dirFD >= 0 { fsync(dirFD); close(dirFD) }
    }

    static func read(_ path: String) -> String? {
        FileFacts.read(path).map { String(decoding: $0, as: UTF8.self) }
    }

    static func mode(_ path: String) -> mode_t? {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o777 : nil
    }
}

/// An exclusive advisory lock held around token refresh, so processes sharing a profile take turns.
final class FileLock {
    private let fd: Int32

    init(path: String) throws {
        let directory = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        try AtomicFile.ensureDirectory(directory)
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CLIError(.internalError, "cannot open lock file \(path): \(String(cString: strerror(errno)))") }
        while flock(fd, LOCK_EX) != 0 {
            if errno != EINTR { close(fd); throw CLIError(.internalError, "cannot lock \(path): \(String(cString: strerror(errno)))") }
        }
    }

    func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}

/// A JSON file of `{"profiles": {name: {key: value}}}`, read whole and written atomically.
public struct ProfileFile {
    let path: String
    let mode: mode_t
    var profiles: [(String, JSON)] = []

    init(path: String, mode: mode_t) throws {
        self.path = path
        self.mode = mode
        guard let text = AtomicFile.read(path) else { return }
        do {
            let root = try JSON.parse(text)
            if case let .object(pairs)? = root["profiles"] { profiles = pairs }
        } catch {
            throw CLIError(.internalError, "\(path) is not valid JSON (\(error)); fix or remove it")
        }
    }

    subscript(profile: String) -> JSON {
        get { profiles.first { $0.0 == profile }?.1 ?? .object([]) }
        set {
            if let i = profiles.firstIndex(where: { $0.0 == profile }) { profiles[i].1 = newValue } else { profiles.append((profile, newValue)) }
        }
    }

    mutating func remove(_ profile: String) { profiles.removeAll { $0.0 == profile } }

    func save() throws {
        try AtomicFile.write(path, JSON.object([("profiles", .object(profiles))]).serialized(pretty: true) + "\n", mode: mode)
    }
}
