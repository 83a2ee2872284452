import Foundation
import Synchronization

/// An instant in UTC with microsecond precision, which is what Django stores and what DRF renders.
///
/// The sandbox works in UTC throughout: times of day (pricing surges, the 08:00–20:00 scheduling window,
/// vendor availability) are UTC hours, so every value a client sees is comparable with the `Z` timestamps.
struct Timestamp: Comparable, Hashable, Sendable {
    var micros: Int64

    /// How far `POST /sandbox/clock` has moved the sandbox's time ahead of the real clock, so tests can let
    /// tokens expire without waiting.
    static let skew = Atomic<Int64>(0)

    static func now() -> Timestamp {
        Timestamp(micros: Int64((Date().timeIntervalSince1970 * 1_000_000).rounded()) &+ skew.load(ordering: .relaxed))
    }

    init(micros: Int64) { self.micros = micros }
    init(seconds: Int64) { self.micros = seconds &* 1_000_000 }

    static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.micros < rhs.micros }

    var seconds: Int64 { micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000 }

    func adding(seconds: Int64) -> Timestamp { Timestamp(micros: micros &+ seconds &* 1_000_000) }
    func adding(minutes: Int) -> Timestamp { adding(seconds: Int64(minutes) * 60) }
    func adding(days: Int) -> Timestamp { adding(seconds: Int64(days) * 86_400) }

    /// Days since 1970-01-01.
    var dayNumber: Int64 { seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400 }
    var secondOfDay: Int { Int(seconds - dayNumber * 86_400) }
    var hour: Int { secondOfDay / 3600 }
    /// Python's `weekday()`: Monday is 0, Sunday is 6. 1970-01-01 was a Thursday.
    var weekday: Int { Int(((dayNumber % 7) + 7 + 3) % 7) }
    var startOfDay: Timestamp { Timestamp(seconds: dayNumber * 86_400) }

    var civil: (year: Int, month: Int, day: Int) { Timestamp.civil(fromDays: dayNumber) }

    /// DRF's rendering: `2025-01-15T10:00:00Z`, with `.ffffff` only when there are microseconds.
    var iso: String {
        let fraction = Int(micros - seconds * 1_000_000)
        var text: [UInt8] = []
        text.reserveCapacity(27)
        appendDate(to: &text)
        text.append(UInt8(ascii: "T"))
        appendTime(to: &text)
        if fraction != 0 {
            text.append(UInt8(ascii: "."))
            Timestamp.append(fraction, width: 6, to: &text)
        }
        text.append(UInt8(ascii: "Z"))
        return String(decoding: text, as: UTF8.self)
    }

    /// `YYYY-MM-DD`, as DRF renders a DateField.
    var dateString: String {
        var text: [UInt8] = []
        appendDate(to: &text)
        return String(decoding: text, as: UTF8.self)
    }

    /// An HTTP date (RFC 9110, IMF-fixdate): `Tue, 01 Dec 2026 10:00:00 GMT`.
    var httpDate: String {
        let (y, m, d) = civil
        let day = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][weekday]
        let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][m - 1]
        var text = Array("\(day), ".utf8)
        Timestamp.append(d, width: 2, to: &text)
        text += Array(" \(month) ".utf8)
        Timestamp.append(y, width: 4, to: &text)
        text.append(UInt8(ascii: " "))
        appendTime(to: &text)
        return String(decoding: text, as: UTF8.self) + " GMT"
    }

    /// `HH:MM:SS`, as DRF renders a TimeField.
    var timeString: String {
        var text: [UInt8] = []
        appendTime(to: &text)
        return String(decoding: text, as: UTF8.self)
    }

    private func appendDate(to text: inout [UInt8]) {
        let (y, m, d) = civil
        Timestamp.append(y, width: 4, to: &text)
        text.append(UInt8(ascii: "-"))
        Timestamp.append(m, width: 2, to: &text)
        text.append(UInt8(ascii: "-"))
        Timestamp.append(d, width: 2, to: &text)
    }

    private func appendTime(to text: inout [UInt8]) {
        let s = secondOfDay
        Timestamp.append(s / 3600, width: 2, to: &text)
        text.append(UInt8(ascii: ":"))
        Timestamp.append(s / 60 % 60, width: 2, to: &text)
        text.append(UInt8(ascii: ":"))
        Timestamp.append(s % 60, width: 2, to: &text)
    }

    /// A non-negative number in decimal, zero-padded to `width` digits (wider numbers keep every digit).
    private static func append(_ value: Int, width: Int, to text: inout [UInt8]) {
        guard value >= 0 else { text += value.zeroPadded(to: width).utf8; return }
        var digits: [UInt8] = []
        var rest = value
        repeat {
            digits.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        if digits.count < width { text += repeatElement(UInt8(ascii: "0"), count: width - digits.count) }
        text += digits.reversed()
    }

    // MARK: Parsing

    /// Accepts what Django's `parse_datetime` accepts: `YYYY-MM-DD[T ]HH:MM[:SS[.ffffff]][Z|±HH[:MM]]`.
    /// A value without an offset is taken as UTC, the project's default time zone.
    static func parseDateTime(_ raw: String) -> Timestamp? {
        let text = Array(raw.trimmingCharacters(in: .whitespaces).utf8)
        var scanner = DigitScanner(text)
        guard let year = scanner.digits(4), scanner.expect("-"),
              let month = scanner.digits(1...2), scanner.expect("-"),
              let day = scanner.digits(1...2),
              scanner.expect("T") || scanner.expect("t") || scanner.expect(" "),
              let hour = scanner.digits(1...2), scanner.expect(":"),
              let minute = scanner.digits(2)
        else { return nil }
        var second = 0
        var fraction: Int64 = 0
        if scanner.expect(":") {
            guard let s = scanner.digits(2) else { return nil }
            second = s
            if scanner.expect(".") || scanner.expect(",") {
                let start = scanner.index
                guard let f = scanner.digits(1...9) else { return nil }
                let count = scanner.index - start
                fraction = Int64(f)
                // Keep microseconds; drop anything finer, as Python does.
                if count > 6 {
                    for _ in 0..<(count - 6) { fraction /= 10 }
                } else {
                    for _ in 0..<(6 - count) { fraction *= 10 }
                }
            }
        }
        var offsetSeconds = 0
        if scanner.expect("Z") || scanner.expect("z") {
            offsetSeconds = 0
        } else if let sign = scanner.peek, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            scanner.index += 1
            guard let oh = scanner.digits(2) else { return nil }
            _ = scanner.expect(":")
            let om = scanner.digits(2) ?? 0
            guard oh < 24, om < 60 else { return nil }
            offsetSeconds = (oh * 3600 + om * 60) * (sign == UInt8(ascii: "-") ? -1 : 1)
        }
        guard scanner.atEnd, hour < 24, minute < 60, second < 60,
              let days = days(year: year, month: month, day: day)
        else { return nil }
        let secs = days * 86_400 + Int64(hour * 3600 + minute * 60 + second - offsetSeconds)
        return Timestamp(micros: secs * 1_000_000 + fraction)
    }

    /// `YYYY-MM-DD` → midnight UTC of that day.
    static func parseDate(_ raw: String) -> Timestamp? {
        var scanner = DigitScanner(Array(raw.trimmingCharacters(in: .whitespaces).utf8))
        guard let year = scanner.digits(4), scanner.expect("-"),
              let month = scanner.digits(1...2), scanner.expect("-"),
              let day = scanner.digits(1...2), scanner.atEnd,
              let days = days(year: year, month: month, day: day)
        else { return nil }
        return Timestamp(seconds: days * 86_400)
    }

    // Howard Hinnant's civil-calendar algorithms: exact for the proleptic Gregorian calendar.
    static func days(year: Int, month: Int, day: Int) -> Int64? {
        guard (1...9999).contains(year), (1...12).contains(month) else { return nil }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...monthDays[month - 1]).contains(day) else { return nil }
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64((month + 9) % 12)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int64) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(m <= 2 ? y + 1 : y), Int(m), Int(d))
    }
}

private struct DigitScanner {
    let text: [UInt8]
    var index = 0

    init(_ text: [UInt8]) { self.text = text }

    var atEnd: Bool { index == text.count }
    var peek: UInt8? { index < text.count ? text[index] : nil }

    mutating func expect(_ char: Character) -> Bool {
        guard let ascii = char.asciiValue, peek == ascii else { return false }
        index += 1
        return true
    }

    mutating func digits(_ count: Int) -> Int? { digits(count...count) }

    mutating func digits(_ range: ClosedRange<Int>) -> Int? {
        var value = 0
        var n = 0
        while n < range.upperBound, let c = peek, c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") {
            value = value * 10 + Int(c - UInt8(ascii: "0"))
            n += 1
            index += 1
        }
        return range.contains(n) ? value : nil
    }
}

extension Int {
    /// `String(format: "%0*d")` without Foundation's formatter, which is slow enough to show in long listings.
    func zeroPadded(to width: Int) -> String {
        guard self >= 0 else { return String(format: "%0*d", width, self) }
        let digits = String(self)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
