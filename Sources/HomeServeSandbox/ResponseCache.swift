import Foundation

/// The caches the admin dashboard reports on and clears. The real backend keeps pricing and vendor-search
/// results in Redis; the sandbox keeps them here, with the same observable effect: hits, misses, keys, and
/// results that stay as they were for five minutes or until an operator clears them.
// @unchecked: every stored property that changes is read and written only while `lock` is held.
final class ResponseCache: @unchecked Sendable {
    static let names = ["pricing", "vendor_search", "services"]
    static let timeToLive: Int64 = 300
    /// Keys are built from client input (pincodes, dates), so without a cap a client could grow a cache
    /// without bound inside one five-minute window.
    static let maxEntriesPerCache = 1000

    private struct Entry {
        let value: JSON
        let expires: Timestamp
    }

    private struct Bucket {
        var entries: [String: Entry] = [:]
        var hits = 0
        var misses = 0
        var clearedAt: Timestamp?
    }

    private let lock = NSLock()
    private var buckets: [String: Bucket] = Dictionary(uniqueKeysWithValues: names.map { ($0, Bucket()) })

    func value(_ cache: String, key: String, compute: () throws -> JSON) rethrows -> JSON {
        let now = Timestamp.now()
        let cached: JSON? = lock.withLock {
            if let entry = buckets[cache]?.entries[key], entry.expires > now {
                buckets[cache]?.hits += 1
                return entry.value
            }
            buckets[cache]?.misses += 1
            return nil
        }
        if let cached { return cached }
        let value = try compute()
        lock.withLock {
            guard var bucket = buckets[cache] else { return }
            // Taken out of the dictionary so the edits below do not copy the entries.
            buckets[cache] = nil
            bucket.entries = bucket.entries.filter { $0.value.expires > now }
            if bucket.entries[key] == nil, bucket.entries.count >= Self.maxEntriesPerCache,
               let soonest = bucket.entries.min(by: { $0.value.expires < $1.value.expires })?.key
            {
                bucket.entries[soonest] = nil
            }
            bucket.entries[key] = Entry(value: value, expires: now.adding(seconds: Self.timeToLive))
            buckets[cache] = bucket
        }
        return value
    }

    /// Clears by operator request; returns the number of keys removed per cache.
    func clear(_ caches: [String]) -> [(String, Int)] {
        lock.withLock {
            caches.map { name in
                let count = buckets[name]?.entries.count ?? 0
                buckets[name]?.entries.removeAll()
                buckets[name]?.clearedAt = .now()
                return (name, count)
            }
        }
    }

    func stats() -> [(name: String, keys: Int, hits: Int, misses: Int, clearedAt: Timestamp?)] {
        let now = Timestamp.now()
        return lock.withLock {
            Self.names.map { name in
                let bucket = buckets[name] ?? Bucket()
                return (name, bucket.entries.values.filter { $0.expires > now }.count, bucket.hits, bucket.misses,
                        bucket.clearedAt)
            }
        }
    }
}
