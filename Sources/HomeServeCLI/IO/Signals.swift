import HomeServeAPI
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

/// Signals without Swift code in a signal handler: SIGINT, SIGTERM and SIGHUP are blocked in every thread
/// and a watcher thread takes them with sigwait. The first interrupt asks the work to stop (transfers
/// abort, sockets close, exit 130); a second one, or one at a password prompt, exits at once.
public enum SignalWatcher {
    private final class Box {
        let cancellation: Cancellation
        let echo: EchoGuard
        init(cancellation: Cancellation, echo: EchoGuard) {
            self.cancellation = cancellation
            self.echo = echo
        }
    }

    /// Taken by the watcher thread: Ctrl-C, and the signals that end a process for good.
    static var watched: sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&set, signal) }
        return set
    }

    /// Kills a password helper running in a process group of its own, with what it started.
    static func endHelper() {
        let group = PasswordCommand.runningGroup.load(ordering: .sequentiallyConsistent)
        if group > 0 { kill(-group, SIGKILL) }
    }

    /// The watcher thread: Ctrl-C asks the work to stop (a second one, or one at a password prompt, exits
    /// at once); SIGTERM or SIGHUP (`timeout`, a cancelled CI job, a closed terminal) end a password helper
    /// in a group of its own, give the echo back, and end homeserve by the signal, as without a watcher.
    private static func watch(_ box: Box) -> Never {
        var set = watched
        while true {
            var received: Int32 = 0
            guard sigwait(&set, &received) == 0 else { continue }
            if received == SIGINT {
                if box.echo.restore() || box.cancellation.cancel() >= 2 {
                    endHelper()
                    _exit(130)
                }
                continue
            }
            endHelper()
            _ = box.echo.restore()
            var one = sigset_t()
            sigemptyset(&one)
            sigaddset(&one, received)
            #if canImport(Glibc)
            Glibc.signal(received, SIG_DFL)
            #else
            Darwin.signal(received, SIG_DFL)
            #endif
            pthread_sigmask(SIG_UNBLOCK, &one, nil)
            raise(received)
            _exit(128 + received)
        }
    }

    public static func start(cancellation: Cancellation, echo: EchoGuard) {
        signal(SIGPIPE, SIG_IGN)
        var set = watched
        pthread_sigmask(SIG_BLOCK, &set, nil)
        let box = Unmanaged.passRetained(Box(cancellation: cancellation, echo: echo)).toOpaque()
        #if canImport(Glibc)
        var thread = pthread_t()
        #else
        var thread: pthread_t?
        #endif
        pthread_create(&thread, nil, { context in
            SignalWatcher.watch(Unmanaged<Box>.fromOpaque(context!).takeUnretainedValue())
        }, box)
        #if canImport(Glibc)
        pthread_detach(thread)
        #else
        if let thread { pthread_detach(thread) }
        #endif
    }
}
