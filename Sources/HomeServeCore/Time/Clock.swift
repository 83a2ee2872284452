#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Time as the program sees it: the wall clock (token expiry, dates), a monotonic clock (deadlines,
/// timings) and sleeping. Tests pass a fake that moves only when asked, so nothing really waits.
public protocol Clock: Sendable {
    /// Seconds since the Unix epoch.
    func now() -> Double
    /// Seconds on a clock that never jumps; only differences mean anything.
    func monotonic() -> Double
    /// Waits, or throws `Cancelled` as soon as the user interrupts.
    func sleep(_ seconds: Double) throws(Cancelled)
}

/// Thrown when the user interrupts (Ctrl-C) while something waits.
public struct Cancelled: Error, Sendable {
    /// The method of a change the stop cut short after it reached the server (it may have been made).
    public var changeSent: String?
    public init(changeSent: String? = nil) { self.changeSent = changeSent }
}

/// Set when the user asks to stop; transfers, sleeps and socket loops check it and unwind.
public final class Cancellation: Sendable {
    private let requests = Atomic<Int>(0)

    public init() {}

    public var isCancelled: Bool { requests.load(ordering: .relaxed) > 0 }

    /// Records one request to stop and returns how many there have been.
    @discardableResult
    public func cancel() -> Int { requests.add(1, ordering: .relaxed).newValue }

    public func check() throws(Cancelled) {
        if isCancelled { throw Cancelled() }
    }
}

public struct SystemClock: Clock {
    public let cancellation: Cancellation

    public init(cancellation: Cancellation) { self.cancellation = cancellation }

    public func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_REALTIME, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    public func monotonic() -> Double { Monotonic.now() }

    /// Sleeps in short slices so that Ctrl-C is noticed promptly.
    public func sleep(_ seconds: Double) throws(Cancelled) {
        let end = Monotonic.now() + seconds
        while true {
            try cancellation.check()
            let left = end - Monotonic.now()
            if left <= 0 { return }
            usleep(useconds_t(min(left, 0.05) * 1_000_000))
        }
    }
}

public enum Monotonic {
    public static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
