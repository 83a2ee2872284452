/// "Did you mean …": the closest candidate by edit distance, if it is close enough to be a typo.
enum Suggestions {
    static func nearest(to word: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, distance(word, $0)) }.sorted { $0.1 < $1.1 }
        guard let best = scored.first else { return nil }
        let limit = max(2, word.count / 3)
        if best.1 <= limit { return best.0 }
        // A unique prefix is a strong hint too: `book` → `bookings`.
        let prefixed = candidates.filter { $0.hasPrefix(word) || word.hasPrefix($0) }
        return prefixed.count == 1 ? prefixed[0] : nil
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                // Transposition (Damerau): `stauts` is one slip from `status`.
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous[j - 1] - cost + 1)
                }
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
