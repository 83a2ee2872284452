import HomeServeCore
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The terminal's settings while a password is read with echo off, so an interrupt can give the echo back.
public final class EchoGuard: Sendable {
    private let saved = Mutex<termios?>(nil)

    public init() {}

    func readWithoutEcho(fd: Int32) throws -> String? {
        var original = termios()
        guard tcgetattr(fd, &original) == 0 else { return nil }
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        saved.withLock { $0 = original }
        tcsetattr(fd, TCSAFLUSH, &silent)
        defer {
            tcsetattr(fd, TCSAFLUSH, &original)
            saved.withLock { $0 = nil }
            _ = systemWrite(2, "\n", 1)
        }
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while systemRead(fd, &byte, 1) == 1, byte != UInt8(ascii: "\n"), line.count <= 4096 { line.append(byte) }
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        return String(decoding: line, as: UTF8.self)
    }

    /// Puts the echo back if a prompt has it off; true when it did.
    func restore() -> Bool {
        saved.withLock { state in
            guard var original = state else { return false }
            tcsetattr(0, TCSANOW, &original)
            _ = systemWrite(2, "\n", 1)
            state = nil
            return true
        }
    }
}

/// Ctrl-C without Swift code in a signal handler: SIGINT is blocked in every thread and a watcher
/// thread takes it with sigwait. The first interrupt asks the work to stop (transfers abort, sockets
/// close, exit 130); a second one, or one at a password prompt, exits at once.
public enum SignalWatcher {
    private final class Box {
        let cancellation: Cancellation
        let echo: EchoGuard
        init(cancellation: Cancellation, echo: EchoGuard) {
            self.cancellation = cancellation
            self.echo = echo
        }
    }

    public static func start(cancellation: Cancellation, echo: EchoGuard) {
        signal(SIGPIPE, SIG_IGN)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_BLOCK, &set, nil)
        let box = Unmanaged.passRetained(Box(cancellation: cancellation, echo: echo)).toOpaque()
        #if canImport(Glibc)
        var thread = pthread_t()
        #else
        var thread: pthread_t?
        #endif
        pthread_create(&thread, nil, { context in
            let box = Unmanaged<Box>.fromOpaque(context!).takeUnretainedValue()
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, SIGINT)
            while true {
                var signal: Int32 = 0
                guard sigwait(&set, &signal) == 0 else { continue }
                if box.echo.restore() || box.cancellation.cancel() >= 2 { _exit(130) }
            }
        }, box)
        #if canImport(Glibc)
        pthread_detach(thread)
        #else
        if let thread { pthread_detach(thread) }
        #endif
    }
}
