import Foundation

/// Every API request the sandbox has received, so tests can assert what a client did (or did not) send.
final class RequestJournal: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(method: String, path: String)] = []

    func record(method: String, path: String) {
        lock.withLock { entries.append((method, path)) }
    }

    var all: [(method: String, path: String)] { lock.withLock { entries } }

    func clear() { lock.withLock { entries.removeAll() } }
}
