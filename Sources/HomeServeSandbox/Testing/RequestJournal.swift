import Foundation

/// The API requests the sandbox has received, so tests can assert what a client did (or did not) send.
///
/// Only the most recent `retainedLimit` are kept, so a long-running sandbox does not grow without bound; the
/// count still covers every request since the last clear, because tests compare counts before and after.
// @unchecked: every stored property that changes is read and written only while `lock` is held.
final class RequestJournal: @unchecked Sendable {
    static let retainedLimit = 10_000

    private let lock = NSLock()
    private var entries: [(method: String, path: String, query: String)] = []
    private var received = 0

    func record(method: String, path: String, query: String) {
        lock.withLock {
            received += 1
            entries.append((method, path, query))
            // Trimmed in batches so recording stays amortised O(1).
            if entries.count >= 2 * Self.retainedLimit { entries.removeFirst(entries.count - Self.retainedLimit) }
        }
    }

    /// Requests received since the last clear, and the most recent of them, oldest first.
    var snapshot: (total: Int, recent: [(method: String, path: String, query: String)]) {
        lock.withLock { (received, Array(entries.suffix(Self.retainedLimit))) }
    }

    func clear() {
        lock.withLock {
            entries.removeAll()
            received = 0
        }
    }
}
