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

    /// Runs `body` counted as one exchange under way.
    public static func during<T>(_ body: () throws -> T) rethrows -> T {
        count.add(1, ordering: .sequentiallyConsistent)
        defer { count.subtract(1, ordering: .sequentiallyConsistent) }
        return try body()
    }
}
