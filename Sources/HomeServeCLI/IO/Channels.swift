import HomeServeCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A write that failed for a reason other than the reader going away: a full disk, an I/O error.
public struct OutputError: Error, Sendable, CustomStringConvertible {
    public let stream: String
    public let code: Int32
    public var description: String { "cannot write to \(stream): \(String(cString: strerror(code)))" }
}

/// Standard output or standard error: buffered, every write checked. A reader that went away (EPIPE,
/// `| head`) closes the channel quietly; any other failure is kept and reported as exit 1.
public final class OutputChannel {
    public let name: String
    public let isTerminal: Bool
    /// Columns of the terminal, when there is one.
    public let width: Int?
    private let sink: ([UInt8]) -> Int32
    private var buffer: [UInt8] = []
    private let autoFlush: Bool
    public private(set) var closed = false
    public private(set) var failure: OutputError?

    /// `sink` writes all the bytes and returns 0, or an errno.
    public init(name: String, isTerminal: Bool, width: Int? = nil, autoFlush: Bool = false, sink: @escaping ([UInt8]) -> Int32) {
        self.name = name
        self.isTerminal = isTerminal
        self.width = width
        self.autoFlush = autoFlush
        self.sink = sink
        buffer.reserveCapacity(1 << 16)
    }

    public static func fileDescriptor(_ fd: Int32, name: String, autoFlush: Bool) -> OutputChannel {
        let terminal = isatty(fd) == 1
        var size = winsize()
        // A terminal that does not tell its size (a pseudo-terminal left at 0×0) is as wide as COLUMNS says,
        // else 80 columns, as other tools take it.
        let reported = ioctl(fd, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : nil
        let columns = getenv("COLUMNS").flatMap { Int(String(cString: $0)) }.flatMap { $0 > 0 ? $0 : nil }
        let width = terminal ? reported ?? columns ?? 80 : nil
        return OutputChannel(name: name, isTerminal: terminal, width: width, autoFlush: autoFlush) { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = bytes[offset...].withUnsafeBytes { systemWrite(fd, $0.baseAddress, $0.count) }
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += n
            }
            return 0
        }
    }

    /// A stream that was closed before the program started: every write fails as it would have (EBADF).
    public static func closedAtStart(_ name: String) -> OutputChannel {
        OutputChannel(name: name, isTerminal: false) { _ in EBADF }
    }

    /// Still worth writing to: not closed by the reader, not failed.
    public var isOpen: Bool { !closed && failure == nil }

    public func write<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        guard isOpen else { return }
        buffer.append(contentsOf: bytes)
        flushIfDue()
    }

    public func write(_ text: String) { write(text.utf8) }

    /// A line is handed to the system in one write when unbuffered: the signal watcher's last words never
    /// land inside it, nor (up to PIPE_BUF bytes) another process's line in a log they share.
    public func line(_ text: String) {
        guard isOpen else { return }
        buffer.append(contentsOf: text.utf8)
        buffer.append(UInt8(ascii: "\n"))
        flushIfDue()
    }

    private func flushIfDue() {
        if autoFlush || buffer.count >= 1 << 16 { flush() }
    }

    /// Pushes buffered bytes out; false once the reader has gone or a write failed.
    @discardableResult
    public func flush() -> Bool {
        guard isOpen else { buffer.removeAll(); return false }
        guard !buffer.isEmpty else { return true }
        let code = sink(buffer)
        buffer.removeAll(keepingCapacity: true)
        if code == EPIPE {
            closed = true
        } else if code != 0 {
            failure = OutputError(stream: name, code: code)
        }
        return isOpen
    }
}

/// Standard input: whole, a line at a time (never reading past the newline), or a secret from the terminal.
public final class InputChannel {
    public let isTerminal: Bool
    /// Standard input was closed when homeserve started (`<&-`): held on /dev/null, it reads as empty.
    public let closedAtStart: Bool
    private let readBytes: (UnsafeMutableRawBufferPointer) -> Int
    /// Shows the prompt and reads a line with echo off; true keeps what was typed (or pasted) before it.
    private let promptSecret: ((String, Bool) throws -> String?)?

    /// `read` fills the buffer and returns the count, 0 at end of input, or -1 with errno set.
    public init(isTerminal: Bool, closedAtStart: Bool = false, read: @escaping (UnsafeMutableRawBufferPointer) -> Int,
                promptSecret: ((String, Bool) throws -> String?)? = nil) {
        self.isTerminal = isTerminal
        self.closedAtStart = closedAtStart
        self.readBytes = read
        self.promptSecret = promptSecret
    }

    public static func fileDescriptor(_ fd: Int32, echo: EchoGuard, stderr: OutputChannel, closedAtStart: Bool = false) -> InputChannel {
        InputChannel(isTerminal: isatty(fd) == 1, closedAtStart: closedAtStart, read: { buffer in systemRead(fd, buffer.baseAddress, buffer.count) },
                     promptSecret: { prompt, keepTypedAhead in
                         stderr.write(prompt)
                         stderr.flush()
                         return try echo.readWithoutEcho(fd: fd, keepTypedAhead: keepTypedAhead)
                     })
    }

    /// Text given to a test: read as a pipe would be.
    public static func text(_ text: String, isTerminal: Bool = false, secret: String? = nil) -> InputChannel {
        var remaining = Array(text.utf8)[...]
        return InputChannel(isTerminal: isTerminal, read: { buffer in
            let n = min(buffer.count, remaining.count)
            for (i, byte) in remaining.prefix(n).enumerated() { buffer[i] = byte }
            remaining = remaining.dropFirst(n)
            return n
        }, promptSecret: secret.map { value in { _, _ in value } })
    }

    public func readAll(limit: Int) throws(CLIError) -> [UInt8] {
        // Held on /dev/null it would read as empty, which is not what the caller gave.
        if closedAtStart { throw CLIError.usage("it was closed when homeserve started") }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { readBytes($0) }
            if n < 0 {
                if errno == EINTR { continue }
                throw CLIError(.localFailure, "cannot read stdin: \(String(cString: strerror(errno)))")
            }
            if n == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > limit { throw CLIError.usage("stdin holds more than \(limit >> 20) MiB") }
        }
    }

    /// The first line, without its line ending; nil at end of input. Reads byte by byte so nothing after
    /// the newline is consumed and a writer that keeps the pipe open is not waited for.
    public func readLine(limit: Int) throws(CLIError) -> String? {
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let n = withUnsafeMutableBytes(of: &byte) { readBytes($0) }
            if n < 0 {
                if errno == EINTR { continue }
                throw CLIError(.localFailure, "cannot read stdin: \(String(cString: strerror(errno)))")
            }
            if n == 0 { return line.isEmpty ? nil : String(decoding: line, as: UTF8.self) }
            if byte == UInt8(ascii: "\n") { break }
            line.append(byte)
            if line.count > limit { throw CLIError.usage("the line on stdin is longer than \(limit) bytes") }
        }
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        return String(decoding: line, as: UTF8.self)
    }

    /// Prompts on the terminal with echo off.
    public func secret(prompt: String, keepTypedAhead: Bool = false) throws -> String? {
        guard isTerminal, let promptSecret else { return nil }
        return try promptSecret(prompt, keepTypedAhead)
    }
}

/// What reaches a terminal from the server is shown, not obeyed: control characters and escape
/// sequences (which could retitle the window or clear the screen) are printed as visible escapes.
public enum TerminalText {
    /// `text` with control characters as escapes (`\x07`); tabs are kept, except in a line that must stay
    /// one field wide (an error's, where a tab would pass for the separator of a log's columns).
    public static func visible(_ text: String, keepNewlines: Bool = false, keepTabs: Bool = true) -> String {
        guard text.unicodeScalars.contains(where: { isControl($0) || reordersDisplay($0) }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "\n" && keepNewlines { out.append(scalar); continue }
            if scalar == "\t" && keepTabs { out.append(scalar); continue }
            if isControl(scalar) || reordersDisplay(scalar) {
                let hex = String(scalar.value, radix: 16)
                let escape = scalar.value < 0x80 ? "\\x" + String(repeating: "0", count: 2 - hex.count) + hex
                                                 : "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                out.append(contentsOf: escape.unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// C0 and C1 controls.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
    }

    /// Characters that move text around on screen: the bidirectional formatting characters (a file name
    /// that reads backwards, a column that seems to hold another value) and the line and paragraph
    /// separators. Shown as escapes where text is shown; data formats keep them, as Arabic or Hebrew
    /// text may need them.
    static func reordersDisplay(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029: return true
        default: return false
        }
    }

    /// Columns `text` takes on a terminal: two for a wide (East Asian) character or an emoji, one otherwise.
    public static func cells(_ text: String) -> Int {
        text.utf8.allSatisfy({ $0 < 0x80 }) ? text.utf8.count : text.reduce(0) { $0 + cells($1) }
    }

    /// The start of `text` that fits in `width` columns. A cut that would fall inside an escape `visible`
    /// wrote (`\x1b`, `\u202e`) falls before it, so no half escape is shown.
    public static func prefix(_ text: String, cells width: Int) -> String {
        var used = 0
        var end = text.startIndex
        for index in text.indices {
            used += cells(text[index])
            if used > width { break }
            end = text.index(after: index)
        }
        if end < text.endIndex, let slash = text[..<end].lastIndex(of: "\\") {
            let rest = text[text.index(after: slash)...]
            let length = rest.first == "x" ? 3 : rest.first == "u" ? 5 : 0
            let escape = rest.prefix(length)
            if length > 0, escape.count == length, escape.dropFirst().allSatisfy(\.isHexDigit), end < escape.endIndex { end = slash }
        }
        return String(text[..<end])
    }

    static func cells(_ character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        // An emoji presentation (a keycap 1️⃣ starts with an ASCII digit) is two columns.
        if character.unicodeScalars.contains("\u{FE0F}") || first.properties.isEmojiPresentation { return 2 }
        if first.isASCII { return 1 }
        switch first.value {
        // Zero-width: spaces and joiners standing alone, the BOM, Hangul vowels and finals that join a syllable.
        case 0x200B...0x200D, 0x2060, 0xFEFF, 0x1160...0x11FF:
            return 0
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }
}
