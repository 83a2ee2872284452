#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Local file checks done before anything is sent, so a bad path fails fast with a clear reason.
public enum FileFacts {
    public static func isReadableFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && access(path, R_OK) == 0
    }

    public static func problem(_ path: String, reading failure: FileError? = nil) -> String {
        var info = stat()
        if stat(path, &info) != 0 { return "no such file" }
        if (info.st_mode & S_IFMT) == S_IFDIR { return "is a directory, expected a file" }
        if access(path, R_OK) != 0 { return "file is not readable (permission denied)" }
        // A file that could be opened and failed as it was read (too large, an I/O error) says why.
        if let failure, (info.st_mode & S_IFMT) == S_IFREG { return failure.reason }
        return "not a regular file"
    }

    public static func size(_ path: String) -> Int? {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : nil
    }

    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// What a symbolic link points at, as written in it; nil when `path` is not a link.
    public static func linkTarget(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4097)
        let count = readlink(path, &buffer, 4096)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public static func isSymlink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }

    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Permission bits, or nil when the path does not exist.
    public static func mode(_ path: String) -> mode_t? {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o777 : nil
    }

    public static func isOwnedByUs(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_uid == getuid()
    }

    /// The owner and the permission bits with the sticky, setuid and setgid bits, following links; nil
    /// when the path does not exist.
    public static func ownership(_ path: String) -> (owner: uid_t, group: gid_t, mode: mode_t, isDirectory: Bool)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (info.st_uid, info.st_gid, info.st_mode & 0o7777, (info.st_mode & S_IFMT) == S_IFDIR)
    }

    /// Whether `group` is `owner`'s private group (Debian's and Fedora's one group per user, under which a
    /// umask of 002 is usual): the owner's own group, which no other user belongs to or has as theirs.
    public static func isPrivateGroup(_ group: gid_t, of owner: uid_t) -> Bool {
        guard let user = getpwuid(owner), user.pointee.pw_gid == group, let name = user.pointee.pw_name.map({ String(cString: $0) }),
              let entry = getgrgid(group) else { return false }
        if var members = entry.pointee.gr_mem {
            while let member = members.pointee {
                if String(cString: member) != name { return false }
                members += 1
            }
        }
        setpwent()
        defer { endpwent() }
        while let other = getpwent() {
            if other.pointee.pw_gid == group, other.pointee.pw_uid != owner { return false }
        }
        return true
    }

    /// A user's name from the password database, else `uid N`.
    public static func userName(_ uid: uid_t) -> String {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "uid \(uid)" }
        return String(cString: name)
    }

    /// The whole file, or a `FileError` saying why not. Files are read whole only when small (settings,
    /// credentials, payloads), so `limit` guards against a path that points at something huge.
    public static func contents(_ path: String, limit: Int = 64 << 20) throws(FileError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError.system(path, "read") }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR { throw FileError.system(path, "read", errno: EISDIR) }
        // Read into uninitialised memory, a regular file's size (and one byte to see the end) at a time: a
        // settings file costs neither a zeroed 64 KiB buffer nor a copy.
        let regular = (info.st_mode & S_IFMT) == S_IFREG && info.st_size > 0
        let chunkSize = regular ? min(Int(info.st_size), limit) + 1 : 65536
        var bytes: [UInt8] = []
        while true {
            var failure: Int32 = 0
            let chunk = [UInt8](unsafeUninitializedCapacity: chunkSize) { buffer, count in
                let n = read(fd, buffer.baseAddress, buffer.count)
                if n < 0 { failure = errno }
                count = max(n, 0)
            }
            if failure == EINTR { continue }
            if failure != 0 { throw FileError.system(path, "read", errno: failure) }
            if chunk.isEmpty { break }
            if bytes.isEmpty { bytes = chunk } else { bytes += chunk }
            if bytes.count > limit { throw FileError(path: path, action: "read", kind: .tooLarge(limit: limit)) }
        }
        return bytes
    }

    /// The first bytes of a file (magic numbers), empty when it cannot be read.
    public static func head(_ path: String, count: Int = 12) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: count)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, count) }
        return n > 0 ? Array(buffer.prefix(n)) : []
    }

    /// The directory part of a path ("." for a bare name).
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = String(path[..<slash])
        return dir.isEmpty ? "/" : dir
    }

    public static func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// Why a file could not be created at `path`, or nil when it could be. A directory named like a URL is
    /// quoted without its credentials.
    public static func writeProblem(_ path: String) -> String? {
        let directory = directory(of: path)
        var info = stat()
        guard stat(directory, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else { return "directory \(WebURL.masked(directory)) does not exist" }
        guard access(directory, W_OK) == 0 else { return "directory \(WebURL.masked(directory)) is not writable" }
        if stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR { return "is a directory, expected a file name" }
        // A file system that takes no files (/proc, /sys) passes access(2): a file made and removed at once
        // tells, as the file written later is made beside its target.
        let probe = directory + "/.homeserve-probe-\(getpid())"
        let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { return nil }
            return "no file can be made in directory \(WebURL.masked(directory)) (\(String(cString: strerror(errno))))"
        }
        close(fd)
        unlink(probe)
        return nil
    }
}
