#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A local file that could not be used, with the reason in the system's words.
public struct FileError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case system(Int32)
        /// The path is a symbolic link where a regular file is required: the credentials file, read or
        /// written, and any file homeserve replaces (settings, an export's `--out`).
        case symlink
        /// Another process held the lock for longer than we may wait.
        /// `holder`: what the process holding it is doing, as the lock's user knows it.
        case lockTimeout(seconds: Int, holder: String)
        /// Larger than what is read whole.
        case tooLarge(limit: Int)
    }

    public let path: String
    /// What was being done, as a verb: "read", "write", "create directory", "lock".
    public let action: String
    public let kind: Kind

    public init(path: String, action: String, kind: Kind) {
        self.path = path
        self.action = action
        self.kind = kind
    }

    public static func system(_ path: String, _ action: String, errno code: Int32 = errno) -> FileError {
        FileError(path: path, action: action, kind: .system(code))
    }

    public var reason: String {
        switch kind {
        case let .system(code): return String(cString: strerror(code))
        case .symlink: return "it is a symbolic link; replace it with the file itself (homeserve reads no credentials, takes no lock and replaces no file through a link)"
        case let .lockTimeout(seconds, holder): return "\(holder) (waited \(seconds)s)"
        case let .tooLarge(limit): return "it is larger than \(limit % (1 << 20) == 0 ? "\(limit >> 20) MiB" : "\(limit) bytes"), the most that is read"
        }
    }

    public var description: String { "cannot \(action) \(path): \(reason)" }
}

/// write(2), reachable from types that have a `write` method of their own.
public func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, buffer, count)
}

/// Writes the whole buffer, going on after a short write or an interrupt; false with errno set when it fails.
public func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
    var offset = 0
    while offset < bytes.count {
        let n = systemWrite(fd, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
        if n < 0 {
            if errno == EINTR { continue }
            return false
        }
        offset += n
    }
    return true
}

/// read(2), likewise.
public func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}
