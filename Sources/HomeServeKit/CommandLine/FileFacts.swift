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

    public static func problem(_ path: String) -> String {
        var info = stat()
        if stat(path, &info) != 0 { return "no such file" }
        if (info.st_mode & S_IFMT) == S_IFDIR { return "is a directory, expected a file" }
        if access(path, R_OK) != 0 { return "file is not readable (permission denied)" }
        return "not a regular file"
    }

    public static func size(_ path: String) -> Int? {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : nil
    }

    public static func read(_ path: String) -> [UInt8]? {
        guard isReadableFile(path), let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n > 0 { bytes.append(contentsOf: buffer[0..<n]) }
            if n < buffer.count { break }
        }
        return bytes
    }
}

extension FileFacts {
    /// A `FILE|-` flag's bytes: the file's, or stdin's for `-`; an unreadable file is a usage error.
    static func contents(of source: String, for flag: String) throws -> [UInt8] {
        if source == "-" { return StandardInput.readAll() }
        guard let bytes = read(source) else {
            throw CLIError.usage("invalid value '\(source)' for \(flag): \(problem(source))")
        }
        return bytes
    }
}

public enum StandardInput {
    public static func readAll() -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(0, &buffer, buffer.count)
            if n > 0 { bytes.append(contentsOf: buffer[0..<n]); continue }
            if n < 0 && errno == EINTR { continue }
            break
        }
        return bytes
    }

    public static var isTerminal: Bool { isatty(0) == 1 }
}
