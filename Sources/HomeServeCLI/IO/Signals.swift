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

    /// A prompt throws away what was typed before it (as getpass does); a line asked for by --password-stdin
    /// may have been pasted or sent by a script before it, and is kept (`keepTypedAhead`).
    func readWithoutEcho(fd: Int32, keepTypedAhead: Bool = false) throws -> String? {
        var original = termios()
        guard tcgetattr(fd, &original) == 0 else { return nil }
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        saved.withLock { $0 = original }
        let when = keepTypedAhead ? TCSANOW : TCSAFLUSH
        tcsetattr(fd, when, &silent)
        defer {
            tcsetattr(fd, when, &original)
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
/// and a watcher thread takes them with sigwait. The first one asks the work to stop (transfers abort,
/// sockets close, `smoke` names what it leaves behind); a second one (not a SIGTERM or SIGHUP sent again
/// at once), or one at a password prompt, ends the process at once. Ctrl-C then exits 130; SIGTERM and SIGHUP end the process by that signal, as
/// whatever sent it expects, once the work has stopped.
public enum SignalWatcher {
    /// The SIGTERM or SIGHUP that asked the work to stop, or 0.
    static let ending = Atomic<Int32>(0)
    /// Whether a signal, Ctrl-C too, asked the work to stop.
    static let asked = Atomic<Bool>(false)

    /// What stopped the work, for the message that says so.
    static var stoppedBy: String {
        switch ending.load(ordering: .sequentiallyConsistent) {
        case SIGTERM: return "terminated (SIGTERM)"
        case SIGHUP: return "hung up (SIGHUP)"
        default: return "interrupted"
        }
    }

    /// Ends the process by the SIGTERM or SIGHUP that stopped its work, if one did; returns otherwise.
    public static func endBySignal() {
        let received = ending.load(ordering: .sequentiallyConsistent)
        guard received != 0 else { return }
        end(by: received)
    }

    private static func end(by received: Int32) -> Never {
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

    /// How long work asked to stop (Ctrl-C, SIGTERM, SIGHUP) has before homeserve ends anyway: a wait that
    /// does not notice (a read of stdin) must not keep a job that was told to end.
    static let grace = 3.0

    /// What homeserve says as it ends before the work stopped: why, and, when an exchange of the refresh
    /// token was still under way (a second signal, or its grace over), that the session may be gone with it.
    static func lastWords(_ why: String, renewing: Bool) -> String {
        var words = "homeserve: \(why)\n"
        if renewing {
            words += "homeserve: warning: an exchange of the refresh token was cut short; the server may have spent the stored one, so the session may have been lost: if the next command says it ended, run 'homeserve auth login'\n"
        }
        return words
    }

    /// When work asked to stop is ended if it has not stopped: `grace` seconds after the first signal; while an
    /// exchange of the refresh token is in flight, not before it is over (up to `RenewalsInFlight.grace` seconds
    /// after the signal); and `grace` seconds after an exchange that ended once the signal came, for the work
    /// to notice the signal once the answer is stored.
    struct StopSchedule {
        let askedAt: Double
        /// The signal that asked.
        let signal: Int32

        var firstDeadline: Double { askedAt + grace }

        /// How soon SIGTERM or SIGHUP again is the same request: GNU `timeout` sends its SIGTERM to the command
        /// and then to the command's process group, microseconds apart. Each Ctrl-C is a key pressed.
        static let echo = 0.25

        /// Whether a signal received now is a second request (which ends homeserve at once), not the first
        /// one sent again.
        func isSecond(_ received: Int32, now: Double) -> Bool {
            received != signal || signal == SIGINT || now - askedAt >= Self.echo
        }

        /// At a deadline: when to look again, or nil to end homeserve now. `renewalEnded` is when the last
        /// exchange of the refresh token was over (`RenewalsInFlight.lastEnded`).
        func next(now: Double, renewing: Bool, renewalEnded: Double?) -> Double? {
            if renewing { return now < askedAt + RenewalsInFlight.grace ? now + 0.1 : nil }
            if let ended = renewalEnded, ended > askedAt, now < ended + grace { return ended + grace }
            return nil
        }
    }

    /// The watcher thread: Ctrl-C, SIGTERM and SIGHUP (`timeout`, a cancelled CI job, a closed terminal) ask
    /// the work to stop; a second one (not a SIGTERM or SIGHUP sent again at once), or one at a password
    /// prompt, ends homeserve at once, and so does the
    /// first once its `StopSchedule` runs out without the work stopping (a wait that does not notice: a
    /// blocked read of stdin or write to a pipe, a password helper). SIGTERM and SIGHUP also end a password
    /// helper in a group of its own at once, since it may be what hangs.
    private static func watch(_ box: Box) -> Never {
        var set = watched
        var deadline: Double?
        var schedule: StopSchedule?
        while true {
            var received: Int32 = 0
            if let due = deadline, let plan = schedule {
                let left = due - Monotonic.now()
                if left <= 0 {
                    let now = Monotonic.now()
                    if let later = plan.next(now: now, renewing: RenewalsInFlight.any, renewalEnded: RenewalsInFlight.lastEnded) {
                        deadline = later
                        continue
                    }
                    let waited = Int((now - plan.askedAt).rounded())
                    stop(saying: "\(stoppedBy), and the work did not stop within \(waited) seconds")
                }
                guard let next = nextSignal(&set, within: left) else { continue }
                received = next
            } else {
                guard sigwait(&set, &received) == 0 else { continue }
            }
            if let plan = schedule, !plan.isSecond(received, now: Monotonic.now()) { continue }
            asked.store(true, ordering: .sequentiallyConsistent)
            if received != SIGINT {
                _ = ending.compareExchange(expected: 0, desired: received, ordering: .sequentiallyConsistent)
                endHelper()
            }
            if schedule == nil {
                let plan = StopSchedule(askedAt: Monotonic.now(), signal: received)
                schedule = plan
                deadline = plan.firstDeadline
            }
            if box.echo.restore() || box.cancellation.cancel() >= 2 { stop(saying: stoppedBy) }
        }
    }

    /// Ends homeserve now: says why, ends a password helper, and exits 130 after Ctrl-C, else by the signal.
    private static func stop(saying why: String) -> Never {
        let line = lastWords(why, renewing: RenewalsInFlight.any)
        _ = line.withCString { systemWrite(2, $0, strlen($0)) }
        endHelper()
        let first = ending.load(ordering: .sequentiallyConsistent)
        if first == 0 { _exit(130) }
        end(by: first)
    }

    /// The next watched signal, or nil when none came within `seconds` (or the wait was cut short).
    private static func nextSignal(_ set: inout sigset_t, within seconds: Double) -> Int32? {
        #if canImport(Glibc)
        var span = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
        let received = sigtimedwait(&set, nil, &span)
        return received > 0 ? received : nil
        #else
        // No sigtimedwait here: a signal already pending is taken at once, else a short sleep.
        var pending = sigset_t()
        sigpending(&pending)
        if (Int32(1)..<32).contains(where: { sigismember(&pending, $0) == 1 && sigismember(&set, $0) == 1 }) {
            var received: Int32 = 0
            return sigwait(&set, &received) == 0 ? received : nil
        }
        usleep(useconds_t(min(seconds, 0.05) * 1_000_000))
        return nil
        #endif
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
