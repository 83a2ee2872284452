#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where output goes and what it is connected to. Data goes to `out`, everything else to `err`;
/// tests swap the sinks for buffers while keeping the same code paths.
public final class Terminal {
    public var stdoutIsTTY: Bool
    public var stderrIsTTY: Bool
    public var stdinIsTTY: Bool
    private let writeOut: (String) -> Void
    private let writeBytes: ([UInt8]) -> Void
    private let writeErr: (String) -> Void
    private let flushOut: () -> Bool
    /// Set once stdout is found closed (`| head`): list loops stop fetching pages nobody will read.
    public private(set) var outputClosed = false

    public init(stdoutIsTTY: Bool, stderrIsTTY: Bool, stdinIsTTY: Bool,
                out: @escaping (String) -> Void, err: @escaping (String) -> Void, flush: @escaping () -> Bool = { true },
                bytes: (([UInt8]) -> Void)? = nil) {
        self.stdoutIsTTY = stdoutIsTTY
        self.stderrIsTTY = stderrIsTTY
        self.stdinIsTTY = stdinIsTTY
        self.writeOut = out
        self.writeBytes = bytes ?? { out(String(decoding: $0, as: UTF8.self)) }
        self.writeErr = err
        self.flushOut = flush
    }

    public static func standard() -> Terminal {
        Terminal(stdoutIsTTY: isatty(1) == 1, stderrIsTTY: isatty(2) == 1, stdinIsTTY: isatty(0) == 1,
                 out: { s in _ = s.withCString { fputs($0, stdout) } },
                 err: { s in fflush(stdout); _ = s.withCString { fputs($0, stderr) } },
                 flush: { fflush(stdout) == 0 },
                 bytes: { bytes in _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, stdout) } })
    }

    public func out(_ text: String) { writeOut(text) }
    public func line(_ text: String) { writeOut(text + "\n") }
    /// Data passed through untouched (a CSV export), whatever its encoding.
    public func out(bytes: [UInt8]) { writeBytes(bytes) }
    public func err(_ text: String, newline: Bool = true) { writeErr(newline ? text + "\n" : text) }
    /// Pushes buffered output out; false once the reader has gone away.
    @discardableResult
    public func flush() -> Bool {
        if !outputClosed && !flushOut() { outputClosed = true }
        return !outputClosed
    }
}
