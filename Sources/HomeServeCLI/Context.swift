import HomeServeAPI
import HomeServeCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything a command may touch outside itself. The program builds the real one; tests build one with
/// captured streams, a stub transport, a scripted WebSocket, and a clock that moves only when asked.
public struct Context {
    public var stdin: InputChannel
    public var stdout: OutputChannel
    public var stderr: OutputChannel
    public var environment: [String: String]
    /// Builds the HTTP transport once the TLS settings (`--insecure`, `--cacert`) are known.
    public var transport: (CurlTransport.Settings) -> HTTPTransport
    public var webSockets: (CurlTransport.Settings) -> WebSocketConnector
    public var clock: any Clock
    /// Uniform in [0, 1): backoff jitter.
    public var random: () -> Double
    public var cancellation: Cancellation

    public init(stdin: InputChannel, stdout: OutputChannel, stderr: OutputChannel, environment: [String: String],
                transport: @escaping (CurlTransport.Settings) -> HTTPTransport,
                webSockets: @escaping (CurlTransport.Settings) -> WebSocketConnector,
                clock: any Clock, random: @escaping () -> Double, cancellation: Cancellation) {
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.environment = environment
        self.transport = transport
        self.webSockets = webSockets
        self.clock = clock
        self.random = random
        self.cancellation = cancellation
    }

    /// The process's own streams, environment, libcurl and clock, with Ctrl-C watched by a signal thread.
    public static func standard() -> Context {
        let cancellation = Cancellation()
        let echo = EchoGuard()
        SignalWatcher.start(cancellation: cancellation, echo: echo)
        // A standard stream the caller closed (`>&-`) is held on /dev/null, so that no socket or file opened
        // later takes its number and receives what was meant for it; writing to it stays an error.
        let closed = (Int32(0)...2).filter { fcntl($0, F_GETFD) == -1 }
        for fd in closed {
            let null = open("/dev/null", O_RDWR)
            if null >= 0, null != fd { dup2(null, fd); close(null) }
        }
        let stderr = closed.contains(2) ? OutputChannel.closedAtStart("standard error")
            : OutputChannel.fileDescriptor(2, name: "standard error", autoFlush: true)
        let stdout = closed.contains(1) ? OutputChannel.closedAtStart("standard output")
            : OutputChannel.fileDescriptor(1, name: "standard output", autoFlush: false)
        var environment: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let bytes = UnsafeRawBufferPointer(start: entry, count: strlen(entry))
            if let eq = bytes.firstIndex(of: UInt8(ascii: "=")) {
                environment[String(decoding: bytes[..<eq], as: UTF8.self)] = String(decoding: bytes[(eq + 1)...], as: UTF8.self)
            }
            pointer += 1
        }
        return Context(stdin: .fileDescriptor(0, echo: echo, stderr: stderr, closedAtStart: closed.contains(0)), stdout: stdout, stderr: stderr, environment: environment,
                       transport: { CurlTransport(settings: $0, cancellation: cancellation) },
                       webSockets: { CurlWebSocketConnector(settings: $0, cancellation: cancellation) },
                       clock: SystemClock(cancellation: cancellation), random: { Double.random(in: 0..<1) }, cancellation: cancellation)
    }
}
