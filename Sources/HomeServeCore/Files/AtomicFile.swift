#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes that never leave a half-written file: temporary file, fsync, rename, fsync the directory.
/// The temporary file is named after the writing process (`NAME.tmp.PID`) and made anew by this write:
/// one already there (a killed process's, or one planted by another user in a shared directory) is never
/// written into, since what is in it and who may read it are not this process's to know.
public enum AtomicFile {
    /// Creates the directory (and missing parents) with mode 0700: it holds tokens. Only a directory made
    /// here is given that mode; an existing one is left as its owner set it.
    public static func ensureDirectory(_ path: String) throws(FileError) {
        if FileFacts.isDirectory(path) { return }
        let parent = FileFacts.directory(of: path)
        if parent != path && parent != "." && parent != "/" { try ensureDirectory(parent) }
        if mkdir(path, 0o700) != 0 {
            if errno != EEXIST { throw FileError.system(path, "create directory") }
            return
        }
        // mkdir honours the umask, which may take the owner's own bits away.
        chmod(path, 0o700)
    }

    /// Opens `name` for writing as a file made now (never one already there, nor through a link); -1 with
    /// `errno` set when it cannot be. One left by a killed process of the same PID (a container's homeserve
    /// is PID 1 each time), or a link, is removed and the file made anew; one another user owns in a
    /// shared (sticky) directory cannot be removed, and the open fails rather than go into it.
    public static func createTemporary(_ name: String, mode: mode_t) -> Int32 {
        let flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW
        let fd = open(name, flags, mode)
        guard fd < 0, errno == EEXIST else { return fd }
        guard unlink(name) == 0 else {
            errno = EEXIST
            return -1
        }
        return open(name, flags, mode)
    }

    public static func write(_ path: String, _ bytes: [UInt8], mode: mode_t) throws(FileError) {
        let directory = FileFacts.directory(of: path)
        try ensureDirectory(directory)
        if FileFacts.isSymlink(path) { throw FileError(path: path, action: "replace", kind: .symlink) }
        let temporary = "\(path).tmp.\(getpid())"
        let fd = createTemporary(temporary, mode: 0o600)
        guard fd >= 0 else { throw FileError.system(temporary, "write") }
        func fail(_ action: String, _ code: Int32, closing: Bool = true) -> FileError {
            if closing { close(fd) }
            unlink(temporary)
            return FileError.system(path, action, errno: code)
        }
        // open() honours the umask; the mode must be exact, and never wider than asked.
        guard fchmod(fd, mode) == 0 else { throw fail("write", errno) }
        guard bytes.withUnsafeBytes({ writeAll(fd, $0) }) else { throw fail("write", errno) }
        guard fsync(fd) == 0 else { throw fail("write", errno) }
        guard close(fd) == 0 else { throw fail("write", errno, closing: false) }
        guard rename(temporary, path) == 0 else { throw fail("replace", errno, closing: false) }
        // The file is in place: a directory that cannot be synced (some network and FUSE file systems
        // refuse it) does not make the write a failure the caller would act on.
        let dirFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirFD >= 0 {
            fsync(dirFD)
            close(dirFD)
        }
    }

    /// Removes the `NAME.tmp.*` files in `directory`: what a process killed mid-write left behind. Call it
    /// only while holding the lock every writer of those files holds: a temporary file is then never a live
    /// writer's, whatever its PID says (a writer in another PID namespace sharing the directory has a PID
    /// this process cannot see, and a new process may have the PID of the one that left the file).
    public static func removeTemporaries(in directory: String, names: [String]) {
        for name in temporaries(in: directory, names: names) { unlink(directory + "/" + name) }
    }

    /// The names of the `NAME.tmp.PID` files in `directory`.
    public static func temporaries(in directory: String, names: [String]) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var found: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            guard let stem = names.first(where: { name.hasPrefix($0 + ".tmp.") }),
                  let pid = Int32(name.dropFirst(stem.count + 5)), pid > 0 else { continue }
            found.append(name)
        }
        return found
    }
}

/// An exclusive advisory lock on a file, waited for in short steps so the wait is bounded and Ctrl-C
/// ends it.
public final class FileLock {
    private let fd: Int32

    private init(fd: Int32) { self.fd = fd }

    /// `cancellable`: Ctrl-C ends the wait (false where giving up would lose what is being saved).
    public static func acquire(_ path: String, timeout: Double, clock: any Clock, cancellable: Bool = true,
                               holder: String = "another homeserve holds it") throws -> FileLock {
        try AtomicFile.ensureDirectory(FileFacts.directory(of: path))
        var fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        if fd < 0, errno == EROFS || errno == EACCES || errno == EPERM {
            // A directory this process cannot write (a read-only mount, a secret volume): the lock file there
            // is locked as it is, read-only; with none, there is nothing to lock, since this process cannot
            // write the files beside it and reads whole files only. A write fails on its own.
            let code = errno
            fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
            if fd < 0 && errno == ENOENT { return FileLock(fd: -1) }
            guard fd >= 0 else { throw FileError.system(path, "open lock file", errno: code) }
        }
        guard fd >= 0 else { throw errno == ELOOP ? FileError(path: path, action: "open lock file", kind: .symlink) : FileError.system(path, "open lock file") }
        let deadline = clock.monotonic() + timeout
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            guard code == EWOULDBLOCK || code == EINTR else {
                close(fd)
                throw FileError.system(path, "lock", errno: code)
            }
            if clock.monotonic() >= deadline {
                close(fd)
                throw FileError(path: path, action: "lock", kind: .lockTimeout(seconds: Int(timeout), holder: holder))
            }
            do { try clock.sleep(0.02) } catch {
                guard !cancellable else {
                    close(fd)
                    throw error
                }
                usleep(20_000)
            }
        }
        return FileLock(fd: fd)
    }

    public func release() {
        guard fd >= 0 else { return }
        flock(fd, LOCK_UN)
        close(fd)
    }
}
