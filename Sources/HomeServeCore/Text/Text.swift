extension String {
    /// Foundation-free trimming of the given characters from both ends.
    public func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let c = s.first, set.contains(c) { s = s.dropFirst() }
        while let c = s.last, set.contains(c) { s = s.dropLast() }
        return String(s)
    }

    public var trimmed: String { trimmingCharacters(in: " \t\r\n") }

    /// Without a line end at its end (`\n` or `\r\n`), as a line read from stdin comes: a secret set from a file
    /// with its newline is the same secret as one typed.
    public var droppingLineEnd: String {
        // By scalars: "\r\n" is one Character.
        var scalars = unicodeScalars[...]
        if scalars.last == "\n" { scalars = scalars.dropLast() }
        if scalars.last == "\r" { scalars = scalars.dropLast() }
        return String(scalars)
    }

    public var isBlank: Bool { allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" } }

    /// Where an ASCII `marker` (`://`) first occurs, compared byte by byte: what a start-up path needs,
    /// without the generic searching that a first `firstRange(of:)` sets up.
    public func range(ofASCII marker: StaticString) -> Range<Index>? {
        let needle = UnsafeBufferPointer(start: marker.utf8Start, count: marker.utf8CodeUnitCount)
        guard let first = needle.first else { return nil }
        var start = utf8.startIndex
        while let at = utf8[start...].firstIndex(of: first) {
            var end = at, matched = true
            for byte in needle {
                guard end < utf8.endIndex, utf8[end] == byte else { matched = false; break }
                end = utf8.index(after: end)
            }
            if matched { return at..<end }
            start = utf8.index(after: at)
        }
        return nil
    }
}

extension [String] {
    /// The words with `separator` between them, put together by hand: start-up builds a command's flags and
    /// names, and the first generic `joined(separator:)` of a process costs more than all of these.
    public func spelled(_ separator: String) -> String {
        var text = ""
        for (index, word) in enumerated() {
            if index > 0 { text += separator }
            text += word
        }
        return text
    }
}

extension Int {
    /// The count and the noun, plural unless the count is one: "1 row", "3 rows".
    public func counted(_ noun: String) -> String {
        "\(self) \(noun)\(self == 1 ? "" : "s")"
    }
}

/// "Did you mean …": the closest candidate by edit distance, if it is close enough to be a typo.
public enum Suggestions {
    public static func nearest(to word: String, in candidates: [String]) -> String? {
        // Of candidates as near, one the word begins wins: `ap` → `api`, not `ai`.
        let scored = candidates.map { ($0, distance(word, $0), $0.hasPrefix(word) ? 0 : 1) }.sorted { ($0.1, $0.2) < ($1.1, $1.2) }
        guard let best = scored.first else { return nil }
        // A word of two letters is not "near" every other word of two; two slips in a word of three or four
        // are letters left out of the word meant (`tkn` → `token`, `tbl` → `table`), or `all` would be "near"
        // `url` and `ai`, and `pwsh` `bash`. (A flag's dashes are no letters of it.)
        let letters = word.drop { $0 == "-" }
        let limit = min(max(2, letters.count / 3), letters.count - 1)
        if best.1 <= limit, best.1 < 2 || letters.count > 4 || abbreviates(letters, best.0.drop { $0 == "-" }) { return best.0 }
        // A unique prefix is a strong hint too: `book` → `bookings`.
        let prefixed = candidates.filter { $0.hasPrefix(word) || word.hasPrefix($0) }
        return prefixed.count == 1 ? prefixed[0] : nil
    }

    /// The word of a closed list meant by `word`: the same but for case (`JSON` → `json`), else the nearest.
    public static func meant(by word: String, in choices: [String]) -> String? {
        choices.first { $0.lowercased() == word.lowercased() } ?? nearest(to: word, in: choices)
    }

    /// `short` is `long` with letters left out, its first kept: `tkn` of `token`.
    static func abbreviates(_ short: Substring, _ long: Substring) -> Bool {
        guard short.first == long.first else { return false }
        var rest = long[...]
        for letter in short {
            guard let found = rest.firstIndex(of: letter) else { return false }
            rest = rest[rest.index(after: found)...]
        }
        return true
    }

    /// Damerau–Levenshtein distance: `stauts` is one slip from `status`.
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var beforePrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], beforePrevious[j - 2] + 1)
                }
            }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        return previous[b.count]
    }
}
