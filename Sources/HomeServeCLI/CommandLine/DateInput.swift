import HomeServeCore

/// Dates as people type them, resolved in the user's time zone (the profile's `timezone`, else TZ):
/// `today`, `tomorrow`, `yesterday`, `now`, weekday names (the next such day, today included), and
/// offsets from now (`+3d`, `-2h`, `+30m`, `+1w`). A date-time may add a time of day (`tomorrow 10:00`,
/// `2026-12-01 10:00`); a weekday whose time has passed today is next week's. ISO-8601 date-times with an
/// offset pass through unchanged; without one they are read in the user's time zone, like the words.
public enum DateInput {
    static let acceptedDate = "a date YYYY-MM-DD, or now, today, tomorrow, yesterday, a weekday (monday…), or +3d/-1w from today"
    static let acceptedDateTime = "an ISO-8601 date-time (2026-12-01T10:00:00+05:30), YYYY-MM-DD HH:MM, or now, +2h, -30m, +3d, or today/tomorrow/monday… with an optional HH:MM"

    static let weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    /// The years ISO-8601 writes in four digits, from year 1: a date outside them names no day a server takes.
    static let years = 1...9999

    /// The calendar day named by `text`.
    static func day(_ text: String, context: ValueContext) -> CivilDate? {
        if let date = CivilDate.parse(text) { return years.contains(date.year) ? date : nil }
        guard let moment = relative(text.lowercased().trimmed, context: context), moment.time == nil else { return nil }
        return moment.day
    }

    /// The instant named by `text`, as ISO-8601 with the user's offset (or `text` itself when it is ISO already).
    static func moment(_ text: String, context: ValueContext) throws(ValueProblem) -> String {
        if let local = CivilTime.parseISO(text), let t = text.firstIndex(where: { $0 == "T" || $0 == "t" }) {
            guard years.contains(CivilDate(daysSinceEpoch: Int((Double(local) / 86400).rounded(.down))).year) else { throw ValueProblem() }
            if text[t...].contains(where: { "Zz+-".contains($0) }) { return text }
            let seconds = try instant(local, context)
            return CivilTime.iso8601(seconds, offset: context.utcOffset(seconds))
        }
        guard let resolved = relative(text.lowercased().trimmed, context: context) else {
            // A bare date is a day, not a moment: said so, with the way to give its time.
            let bareDate = text.count == 10 && CivilDate.parse(text) != nil
            throw bareDate ? ValueProblem("a date without its time; give the time too, e.g. '\(text) 15:00'") : ValueProblem()
        }
        var seconds = resolved.seconds
        if let time = resolved.time {
            let local = resolved.day.daysSinceEpoch * 86400 + time
            seconds = try instant(local, context)
        }
        return CivilTime.iso8601(seconds, offset: context.utcOffset(seconds))
    }

    /// The instant a wall-clock time names in the user's zone. The offset is looked up at a first guess and
    /// again at the instant that gives, so times next to a clock change come out right; a time that comes
    /// twice (an autumn night's 01:30) is its first. A time the clocks skip (02:30 on a spring-forward night)
    /// names no instant: refused, rather than moved to one that was not asked for.
    private static func instant(_ local: Int, _ context: ValueContext) throws(ValueProblem) -> Int {
        let guess = local - context.utcOffset(local)
        let second = local - context.utcOffset(guess)
        if second + context.utcOffset(second) == local { return second }
        if guess + context.utcOffset(guess) == local { return guess }
        throw ValueProblem("a time the clocks skip in this time zone as they move forward; give a time before or after the change")
    }

    private struct Resolved {
        var day: CivilDate
        /// The instant, for words without a time of day (`tomorrow` keeps the current time).
        var seconds: Int
        /// Seconds after local midnight, when a time of day was given.
        var time: Int?
    }

    private static func relative(_ text: String, context: ValueContext) -> Resolved? {
        let now = Int(context.now())
        let offset = context.utcOffset(now)
        let today = CivilDate(daysSinceEpoch: Int((Double(now + offset) / 86400).rounded(.down)))
        if let sign = text.first, sign == "+" || sign == "-", let unit = text.last {
            let digits = text.dropFirst().dropLast()
            guard !digits.isEmpty, digits.count <= 6, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(digits) else { return nil }
            let scale: Int
            switch unit {
            case "s": scale = 1
            case "m": scale = 60
            case "h": scale = 3600
            case "d": scale = 86400
            case "w": scale = 7 * 86400
            default: return nil
            }
            let seconds = now + (sign == "-" ? -1 : 1) * n * scale
            let local = seconds + context.utcOffset(seconds)
            let day = CivilDate(daysSinceEpoch: Int((Double(local) / 86400).rounded(.down)))
            guard years.contains(day.year) else { return nil }
            return Resolved(day: day, seconds: seconds)
        }
        var word = Substring(text)
        var time: Int?
        if let space = text.firstIndex(of: " ") {
            word = text[..<space]
            guard let clock = timeOfDay(String(text[text.index(after: space)...]).trimmed) else { return nil }
            time = clock
        }
        let day: CivilDate
        switch word {
        case "now": guard time == nil else { return nil }; day = today
        case "today": day = today
        case "tomorrow": day = today.adding(days: 1)
        case "yesterday": day = today.adding(days: -1)
        default:
            if time != nil, let date = CivilDate.parse(word) {
                guard years.contains(date.year) else { return nil }
                day = date
            } else {
                guard let index = weekdays.firstIndex(where: { $0 == word || ($0.hasPrefix(word) && word.count >= 3) }) else { return nil }
                var ahead = (index - today.weekday + 7) % 7
                if ahead == 0, let time, time <= now + offset - today.daysSinceEpoch * 86400 { ahead = 7 }
                day = today.adding(days: ahead)
            }
        }
        let seconds = now + (day.daysSinceEpoch - today.daysSinceEpoch) * 86400
        return Resolved(day: day, seconds: seconds, time: time)
    }

    private static func timeOfDay(_ text: String) -> Int? {
        let fields = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(fields.count), fields.allSatisfy({ (1...2).contains($0.count) && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let h = Int(fields[0]), let m = Int(fields[1]), h < 24, m < 60 else { return nil }
        let s = fields.count == 3 ? Int(fields[2]) ?? 60 : 0
        guard s < 60 else { return nil }
        return h * 3600 + m * 60 + s
    }
}
