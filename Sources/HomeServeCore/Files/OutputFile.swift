#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where `--out FILE` writes. `-` is stdout. A device or a named pipe (`/dev/null`, a FIFO) is written in
/// place, as a shell's `>` would. Any other file is replaced atomically, keeping permissions no wider than
/// an existing one had; a symbolic link to one is refused, since a link in a shared directory could point
/// the file anywhere.
public enum OutputFile {
    /// The file `--out` names, or nil for `-` (stdout).
    public static func named(_ path: String?) -> String? { path == "-" ? nil : path }

    /// A character device or a named pipe, followed through links.
    public static func isStream(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        let type = info.st_mode & S_IFMT
        return type == S_IFCHR || type == S_IFIFO
    }

    /// Why `path` cannot be written, said before anything is sent; nil when it can. `orStdout`: `-` is
    /// stdout, and the way to write to it.
    public static func problem(_ path: String, orStdout: Bool = true) -> String? {
        if path == "-" && orStdout { return nil }
        if isStream(path) { return access(path, W_OK) == 0 ? nil : "\(path) is not writable" }
        if FileFacts.isSymlink(path) {
            return "it is a symbolic link, and the file written replaces what is there rather than follow a link: give the file it points to"
                + (orStdout ? ", or - for stdout" : "")
        }
        var info = stat()
        if stat(path, &info) == 0, ![S_IFREG, S_IFDIR].contains(info.st_mode & S_IFMT) {
            return "it is neither a file nor a device or pipe to write to"
        }
        return FileFacts.writeProblem(path)
    }

    /// The permissions to give a file replacing `path`: `mode`, narrowed to what an existing file had.
    public static func mode(replacing path: String, _ mode: mode_t) -> mode_t {
        FileFacts.mode(path).map { $0 & mode } ?? mode
    }

    /// Opens a device or pipe to write to.
    public static func openStream(_ path: String) throws(FileError) -> Int32 {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError.system(path, "write") }
        return fd
    }

    /// Writes `bytes` to `path` whole: in place for a device or pipe, else by atomic replacement.
    public static func write(_ path: String, _ bytes: [UInt8], mode: mode_t) throws(FileError) {
        guard isStream(path) else { return try AtomicFile.write(path, bytes, mode: self.mode(replacing: path, mode)) }
        let fd = try openStream(path)
        defer { close(fd) }
        guard bytes.withUnsafeBytes({ writeAll(fd, $0) }) else { throw FileError.system(path, "write") }
    }
}
