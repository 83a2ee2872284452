import Synchronization

/// Exchanges of a refresh token under way in this process, from sending the token to storing the answer.
/// The server may have spent the old token as soon as it was sent, so a stopped homeserve waits for them
/// (a bounded while) before it ends: cut short, the session would be lost.
public enum RenewalsInFlight {
    private static let count = Atomic<Int>(0)

    /// How long an exchange already sent is waited for, whatever `--timeout` says and however the work was
    /// asked to stop (a signal): its answer holds the only tokens the server may still accept.
    public static let grace = 30.0

    public static var any: Bool { count.load(ordering: .sequentiallyConsistent) > 0 }

    /// When the last exchange was over (`Monotonic` microseconds), or 0.
    private static let endedAt = Atomic<Int>(0)

    /// When the last exchange was over, by `Monotonic.now()`; nil before any.
    public static var lastEnded: Double? {
        let micros = endedAt.load(ordering: .sequentiallyConsistent)
        return micros == 0 ? nil : Double(micros) / 1e6
    }

    /// Runs `body` counted as one exchange under way.
    public static func during<T>(_ body: () throws -> T) rethrows -> T {
        count.add(1, ordering: .sequentiallyConsistent)
        defer {
            endedAt.store(Int(Monotonic.now() * 1e6), ordering: .sequentiallyConsistent)
            count.subtract(1, ordering: .sequentiallyConsistent)
        }
        return try body()
    }
}
