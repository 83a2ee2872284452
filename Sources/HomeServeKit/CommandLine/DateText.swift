/// Shape checks for the dates and date-times flags accept (ISO-8601, as the API expects).
enum DateText {
    static func isDate(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              (1...12).contains(m) else { return false }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        return (1...days).contains(d)
    }

    /// `YYYY-MM-DDTHH:MM[:SS[.fff]]` with an optional `Z` or `±HH:MM` offset.
    static func isDateTime(_ s: String) -> Bool {
        guard let t = s.firstIndex(where: { $0 == "T" || $0 == "t" }), isDate(String(s[..<t])) else { return false }
        var time = Substring(s[s.index(after: t)...])
        if time.hasSuffix("Z") || time.hasSuffix("z") {
            time = time.dropLast()
        } else if let sign = time.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            let offset = time[time.index(after: sign)...].split(separator: ":", omittingEmptySubsequences: false)
            guard (offset.count == 2 && offset.allSatisfy { $0.count == 2 }) || (offset.count == 1 && offset[0].count == 4),
                  offset.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
                  let hours = Int(offset[0].prefix(2)), hours <= 14 else { return false }
            time = time[..<sign]
        }
        var clock = time
        if let dot = clock.firstIndex(of: ".") {
            let fraction = clock[clock.index(after: dot)...]
            guard !fraction.isEmpty, fraction.count <= 9, fraction.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
            clock = clock[..<dot]
        }
        let fields = clock.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(fields.count), fields.allSatisfy({ $0.count == 2 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let h = Int(fields[0]), let m = Int(fields[1]), h < 24, m < 60 else { return false }
        if fields.count == 3 { guard let sec = Int(fields[2]), sec < 61 else { return false } }
        return true
    }
}
