#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Calendar arithmetic without Foundation: Unix seconds ⇄ civil dates (proleptic Gregorian), ISO-8601
/// and HTTP dates, and the UTC offset of a time zone at an instant.
public struct CivilDate: Sendable, Equatable, Comparable {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    public static func < (a: CivilDate, b: CivilDate) -> Bool { a.daysSinceEpoch < b.daysSinceEpoch }

    /// Howard Hinnant's days_from_civil.
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public init(daysSinceEpoch days: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// 0 = Monday … 6 = Sunday.
    public var weekday: Int { ((daysSinceEpoch % 7) + 10) % 7 }

    public func adding(days: Int) -> CivilDate { CivilDate(daysSinceEpoch: daysSinceEpoch + days) }

    public var iso: String { "\(Self.pad(year, 4))-\(Self.pad(month, 2))-\(Self.pad(day, 2))" }

    /// `YYYY-MM-DD`, checked against the calendar.
    public static func parse(_ text: some StringProtocol) -> CivilDate? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1...12).contains(m),
              (1...daysIn(month: m, year: y)).contains(d) else { return nil }
        return CivilDate(year: y, month: m, day: d)
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }

    static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}

public enum CivilTime {
    /// `2026-12-01T10:00:00Z`, or with the given offset (`+05:30`).
    public static func iso8601(_ seconds: Int, offset: Int = 0) -> String {
        let local = seconds + offset
        let days = Int((Double(local) / 86400).rounded(.down))
        let date = CivilDate(daysSinceEpoch: days)
        let secs = local - days * 86400
        let clock = "\(CivilDate.pad(secs / 3600, 2)):\(CivilDate.pad(secs / 60 % 60, 2)):\(CivilDate.pad(secs % 60, 2))"
        return date.iso + "T" + clock + offsetText(offset)
    }

    public static func offsetText(_ offset: Int) -> String {
        if offset == 0 { return "Z" }
        let sign = offset < 0 ? "-" : "+"
        let minutes = abs(offset) / 60
        return "\(sign)\(CivilDate.pad(minutes / 60, 2)):\(CivilDate.pad(minutes % 60, 2))"
    }

    /// `YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH:MM|±HHMM]` → Unix seconds; without an offset, `assumedOffset` applies.
    public static func parseISO(_ text: String, assumedOffset: Int = 0) -> Int? {
        guard let t = text.firstIndex(where: { $0 == "T" || $0 == "t" || $0 == " " }),
              let date = CivilDate.parse(text[..<t]) else { return nil }
        var time = Substring(text[text.index(after: t)...])
        var offset = assumedOffset
        if time.hasSuffix("Z") || time.hasSuffix("z") {
            time = time.dropLast()
            offset = 0
        } else if let sign = time.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            let digits = time[time.index(after: sign)...].filter { $0 != ":" }
            guard digits.count == 4, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let hours = Int(digits.prefix(2)), let minutes = Int(digits.suffix(2)), hours <= 14, minutes < 60 else { return nil }
            offset = (hours * 3600 + minutes * 60) * (time[sign] == "-" ? -1 : 1)
            time = time[..<sign]
        }
        if let dot = time.firstIndex(of: ".") {
            let fraction = time[time.index(after: dot)...]
            guard !fraction.isEmpty, fraction.count <= 9, fraction.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            time = time[..<dot]
        }
        let fields = time.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(fields.count), fields.allSatisfy({ $0.count == 2 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let h = Int(fields[0]), let m = Int(fields[1]), h < 24, m < 60 else { return nil }
        let s = fields.count == 3 ? Int(fields[2]) ?? 99 : 0
        guard s < 61 else { return nil }
        return date.daysSinceEpoch * 86400 + h * 3600 + m * 60 + s - offset
    }

    /// An HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110's preferred form) → Unix seconds.
    public static func parseHTTPDate(_ text: String) -> Int? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), let year = Int(parts[3]) else { return nil }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard let month = months.firstIndex(of: String(parts[2])) else { return nil }
        let clock = parts[4].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3 else { return nil }
        return CivilDate(year: year, month: month + 1, day: day).daysSinceEpoch * 86400 + clock[0] * 3600 + clock[1] * 60 + clock[2]
    }

    /// Whether the system can read times in `zone`: an IANA name in its zone database, a file, or a POSIX
    /// rule that names its own offsets (`EST5EDT`, `CET-1CEST,M3.5.0,M10.5.0/3`). Without a zone database
    /// there is nothing to check against, and any name is taken.
    public static func isKnownZone(_ zone: String) -> Bool {
        let name = zone.hasPrefix(":") ? String(zone.dropFirst()) : zone
        if name.isEmpty || name == "UTC" || name == "GMT" || name.contains(where: \.isNumber) { return true }
        if name.hasPrefix("/") { return FileFacts.isReadableFile(name) }
        guard FileFacts.isDirectory("/usr/share/zoneinfo") else { return true }
        return !name.contains("..") && FileFacts.isReadableFile("/usr/share/zoneinfo/" + name)
    }

    /// The UTC offset in seconds of `zone` (an IANA name such as Asia/Kolkata; nil for the process's
    /// own TZ) at the given instant, from the system's zone database. Unknown names read as UTC.
    public static func utcOffset(at seconds: Int, zone: String?) -> Int {
        var previous: String?
        if let zone {
            previous = getenv("TZ").map { String(cString: $0) }
            setenv("TZ", zone, 1)
        }
        tzset()
        var t = time_t(seconds)
        var parts = tm()
        localtime_r(&t, &parts)
        if zone != nil {
            if let previous { setenv("TZ", previous, 1) } else { unsetenv("TZ") }
            tzset()
        }
        return Int(parts.tm_gmtoff)
    }
}
