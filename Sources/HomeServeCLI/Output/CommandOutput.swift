import HomeServeAPI
import HomeServeCore

/// What a command returns: what was fetched, never how it looks. One renderer per format turns it into
/// bytes, applying `--fields`, `--sort-by`, `--jq` and `--no-headers` the same way for every command.
public enum CommandOutput {
    case nothing
    /// Text for people or other programs that is not data (a token, a script, a setting's value).
    case text(String)
    /// Bytes passed through untouched (a CSV export, a binary body).
    case bytes([UInt8])
    /// One answer from the server.
    case document(JSON, Presentation)
    /// A paginated listing, walked as it is printed.
    case collection(Listing)
    /// Print this, then fail: `auth status` shows the dead session it exits 3 for.
    indirect case failed(after: CommandOutput, any Error)
}

/// How a command's answer is read into rows, and the columns it prefers.
public struct Presentation {
    public enum Shape {
        /// One resource; action answers that wrap it (`{"message": …, "booking": {…}}`) print the resource.
        case resource(wrappedIn: [String])
        /// An object whose rows are its one main array (predictions, vendors, slots), else the object itself.
        /// `within` names objects to look in first when the array is nested (`cache_stats.caches`). The
        /// object's other fields are context (the inputs echoed, totals of the rows); `-o json` has them.
        case report(within: [String])
        /// An answer that is the object itself, its lists being parts of it (a dispute's analysis and the
        /// factors behind it, a day's plan with its bookings and suggestions). A table prints its fields as
        /// `key  value` lines, then each list of objects as a table under its name; the other row formats
        /// print it as one row (csv and tsv with its lists as JSON), so no part of it is left out.
        case summary
        /// One best answer and its runners-up, as `{best: {…}, others: [{…}]}`. Its rows, in every row
        /// format, are the best then the others, numbered by a leading `rank` column (1 is the best), so the
        /// best is never left out; a server that sends one ranked list instead is read as a report.
        case ranked(best: String, others: String)
    }

    public var shape: Shape
    /// Columns to show when the rows have them; missing ones are dropped, and columns are derived from the
    /// data when too few remain.
    public var columns: [String]

    /// The keys a resource may come wrapped in, or nil for the other shapes.
    var wrappers: [String]? {
        if case let .resource(keys) = shape { return keys }
        return nil
    }

    /// A resource or a summary: one object is due, so an empty list is no answer.
    var isOneThing: Bool {
        switch shape {
        case .resource, .summary: return true
        case .report, .ranked: return false
        }
    }

    public static func resource(_ columns: [String] = [], wrappedIn keys: [String] = []) -> Presentation {
        Presentation(shape: .resource(wrappedIn: keys), columns: columns)
    }

    public static func report(_ columns: [String] = [], within: [String] = []) -> Presentation {
        Presentation(shape: .report(within: within), columns: columns)
    }

    public static func summary(_ columns: [String] = []) -> Presentation {
        Presentation(shape: .summary, columns: columns)
    }

    public static func ranked(_ columns: [String] = [], best: String, others: String) -> Presentation {
        Presentation(shape: .ranked(best: best, others: others), columns: columns)
    }
}

/// A rule for rows a server may have ignored a filter for: rows whose field is present and does not match
/// are not printed (servers that do not filter still give a correct answer).
public struct RowFilter {
    public var flag: String
    /// Where the field may be, in the guide's name and others deployments use.
    public var paths: [String]
    public var accepts: (JSON) -> Bool
    /// The first path the row has decides, as for dates (`created_at` before `sent_at`): two dates of one row
    /// are two facts, where a name and an id are one fact said twice.
    var firstDecides = false

    /// True unless the row has the field and it does not match. Where the row has it under more than one
    /// of the paths (`username` and `user`, a name and an id), one of them matching is enough. A field the
    /// row names but leaves null (a booking no vendor has taken) matches no value a flag can ask for.
    func admits(_ row: JSON) -> Bool {
        // Elasticsearch's hits hold the document under `_source`.
        if let source = row["_source"], source.isObject, !paths.contains(where: { row.value(at: $0) != nil }) { return admits(source) }
        let present = paths.compactMap { row.value(at: $0) }
        if firstDecides, let value = present.first(where: { !$0.isNull }) { return accepts(value) }
        return present.isEmpty || present.contains { !$0.isNull && accepts($0) }
    }

    /// The field equals one of `values` (an object's `id` counts as the object), in any case: a server
    /// that matched `cleaning` to `Cleaning` is not second-guessed.
    public static func oneOf(_ flag: String, paths: [String], _ values: [String]) -> RowFilter {
        let wanted = Set(values.map { $0.lowercased() })
        return RowFilter(flag: flag, paths: paths) { value in
            let text = value.isObject ? (value["id"]?.stringValue ?? "") : value.cellText
            return wanted.contains(text.lowercased())
        }
    }

    /// The field's date is within the range. A bare date is compared as it is. A timestamp's date depends on
    /// the zone the server filtered in, which the client cannot know, so a timestamp is dropped only when it
    /// is more than a day outside the range: rows a server rightly sent near midnight are kept, and a server
    /// that ignored the filter still has its far-off rows dropped.
    public static func dates(_ flag: String, paths: [String], from: String?, to: String?) -> RowFilter {
        let first = from.flatMap(CivilDate.parse), last = to.flatMap(CivilDate.parse)
        var filter = RowFilter(flag: flag, paths: paths) { value in
            let text = value.cellText
            guard let day = CivilDate.parse(text.prefix(10)) else { return true }
            let slack = text.count > 10 ? 1 : 0
            if let first, day < first.adding(days: -slack) { return false }
            if let last, last.adding(days: slack) < day { return false }
            return true
        }
        filter.firstDecides = true
        return filter
    }
}

/// A list's filters, each sent to the server and also applied to the rows that come back.
public struct ListFilters {
    public var query: [(String, String)] = []
    public var rows: [RowFilter] = []
    /// A filter with several values: the server takes one at a time, so one walk per value.
    public var split: (name: String, flag: String, values: [String])?

    public init() {}

    /// `--flag VALUE` sent as `parameter` and checked against the rows' `paths`.
    public mutating func add(_ parameter: String, _ value: String?, flag: String, paths: [String]) {
        guard let value else { return }
        query.append((parameter, value))
        rows.append(.oneOf(flag, paths: paths, [value]))
    }

    /// `--flag A,B`: one value goes in the query; several become one walk each.
    public mutating func add(_ parameter: String, _ values: [String], flag: String, paths: [String]) {
        guard !values.isEmpty else { return }
        if values.count == 1 { query.append((parameter, values[0])) } else { split = (parameter, flag, values) }
        rows.append(.oneOf(flag, paths: paths, values))
    }

    /// A date range sent as two parameters and checked against the rows' dates.
    public mutating func dates(_ parameters: (String, String), from: String?, to: String?, flag: String, paths: [String]) throws {
        if let from, let to, to < from {
            throw CLIError.usage("--from \(from) is after --to \(to): the range holds no day")
        }
        if let from { query.append((parameters.0, from)) }
        if let to { query.append((parameters.1, to)) }
        // With no field to check (the rows carry no dates) the range is the server's alone.
        if from != nil || to != nil, !paths.isEmpty { rows.append(.dates(flag, paths: paths, from: from, to: to)) }
    }
}

/// A list endpoint's pages: one walk, or one per value when a filter takes several and the server only one.
public struct Listing {
    public var walks: [APICall]
    public var presentation: Presentation
    public var filters: [RowFilter]
    /// Follow pages (`--all`, `--limit`).
    public var following: Bool
    public var limit: Int?
    /// `--page-size`, for servers that ignore the endpoint's size parameter and page by position.
    public var pageSize: Int?
    public var parallel: Int
    /// `api --paginate`: an answer without rows is printed as received, with a warning, as any endpoint's
    /// answer may be; a list command's is exit 8.
    public var printsOtherAnswersAsReceived = false
}
