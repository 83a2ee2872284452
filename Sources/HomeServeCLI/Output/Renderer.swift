import HomeServeAPI
import HomeServeCore

/// Prints what commands return, by one rule for every command (`homeserve help output`):
/// `-o json` prints the server's document (a paginated listing becomes one array of its items); the
/// other formats print rows — a listing's items, a report's main array, or the resource itself.
/// `--fields` picks paths of the rows, `--sort-by` orders them, `--jq` runs on what `-o json` would print.
struct Renderer {
    var format: OutputFormat
    var fields: [String]?
    var jq: JQFilter?
    var headers: Bool
    var sortBy: String?
    var color: Bool
    /// Width to fit tables into; nil prints cells whole (not a terminal, or `--wide`).
    var tableWidth: Int?
    /// A table fitted to a terminal: the one output that leaves out empty fields and cuts cells.
    var fitted: Bool { format == .table && tableWidth != nil }
    var out: OutputChannel
    var warn: (String) -> Void
    var log: ((String) -> Void)?
    /// "Showing 20 of 101" and "No results." go to a terminal's stderr only, and never with `-q`.
    var hints: Bool
    var note: (String) -> Void
    /// Whether the command has changed something on the server: its answer is then never refused.
    var changed: () -> Bool = { false }
    /// How a command in a hint starts (`homeserve --profile ops`).
    var homeserve = "homeserve"

    func render(_ output: CommandOutput, client: () throws -> APIClient) throws {
        switch output {
        case .nothing: break
        case let .text(text): out.write(text)
        case let .bytes(bytes): out.write(bytes)
        case let .document(document, presentation): try render(document, presentation)
        case let .collection(listing): try render(listing, client: try client())
        case let .failed(inner, error):
            try render(inner, client: client)
            throw error
        }
    }

    // MARK: One answer

    func render(_ document: JSON, _ presentation: Presentation) throws {
        // Only a change may be answered with no content (HTTP 204, a DELETE): there is nothing to print, and
        // no `null` is made up in its place.
        if document.isNull, changed() {
            note("The server sent no answer to print; the change was made.")
            return
        }
        var document = document
        var sortedLists = false
        if case .summary = presentation.shape, let sortBy, document.isObject {
            // A summary is one row: --sort-by orders its lists, in every format.
            let lists = Rows.lists(of: document)
            try Rows.check([Rows.sortField(sortBy)], against: lists.flatMap(\.rows), flag: "--sort-by", given: sortBy)
            document = lists.reduce(document) { $0.setting($1.key, .array(Rows.sort($1.rows, by: sortBy))) }
            // A list empty this time is still one it would sort.
            sortedLists = document.objectValue?.contains { $0.1.arrayValue?.allSatisfy(\.isObject) ?? false } ?? false
        }
        var (rows, fromArray) = Rows.of(document, presentation.shape)
        if sortBy != nil, !fromArray, !sortedLists {
            warn("--sort-by has no effect: the answer has no list in it to sort")
        }
        let tabular = jq == nil && [.table, .csv, .tsv].contains(format)
        if tabular, format == .table, fields == nil, case .summary = presentation.shape, document.isObject {
            try renderSummary(document, presentation)
            return
        }
        do {
            try check(rows, sorting: fromArray)
        } catch {
            guard changed() else { throw error }
            try renderWhole(document, presentation, because: "\(error)", asJSON: false)
            return
        }
        if let sortBy, fromArray { rows = Rows.sort(rows, by: sortBy) }
        var view = document
        if fields == nil, let sortBy, fromArray, let whole = Rows.sortingList(document, presentation.shape, by: sortBy) {
            // Sorted, a report is still the server's document: its list in order, every other field kept.
            view = whole
        } else if fields != nil || (sortBy != nil && fromArray) {
            let shown = fields.map { paths in rows.map { Rows.project($0, paths) } } ?? rows
            view = fromArray ? .array(shown) : shown.first ?? .null
        }
        if let jq {
            // A document's results are written once all are made: if the program fails after a change,
            // the answer is shown whole instead, as with a --fields path it lacks.
            let (lines, failure) = jq.lines(view, visible: out.isTerminal)
            if let failure, changed() {
                try renderWhole(document, presentation, because: failure.message, asJSON: true)
                return
            }
            // Otherwise as jq does: the results made before the failure, then the failure.
            for line in lines { out.line(line) }
            if let failure { throw failure }
            return
        }
        switch format {
        case .json:
            var bytes = view.bytes(pretty: true)
            bytes.append(UInt8(ascii: "\n"))
            out.write(bytes)
        case .table where !fromArray && rows.count == 1 && rows[0].isObject:
            TablePrinter.record(rows[0], paths: try recordPaths(rows[0], preferred: presentation.columns), out: out, color: color, width: tableWidth)
        default:
            let printer = makePrinter()
            if tabular, case .summary = presentation.shape, fields == nil, rows.count == 1, rows[0].isObject {
                printer.start(columns: Rows.summaryPaths(rows[0], preferred: presentation.columns, keepEmpty: !fitted))
            } else {
                // One resource has the same columns whatever its state: its empty fields too.
                printer.start(columns: try columns(preferred: presentation.columns, rows: rows, keepEmpty: !fromArray && !fitted))
            }
            for row in rows { printer.write(row) }
            printer.finish()
            if rows.isEmpty, format == .table, hints { note("No results.") }
        }
    }

    /// After a change, an answer that --fields, --sort-by or --jq cannot be applied to is shown rather than
    /// refused: whole, and said why. `asJSON`: --jq failed on it, so it is printed as JSON without it.
    private func renderWhole(_ document: JSON, _ presentation: Presentation, because reason: String, asJSON: Bool) throws {
        warn("\(reason); the change was made, so its answer is shown whole")
        var whole = self
        whole.fields = nil
        whole.sortBy = nil
        if asJSON {
            whole.jq = nil
            whole.format = .json
        }
        try whole.render(document, presentation)
    }

    /// `--fields` and `--sort-by` name fields the rows have.
    private func check(_ rows: [JSON], sorting: Bool) throws {
        if let fields { try Rows.check(fields, against: rows) }
        if let sortBy, sorting { try Rows.check([Rows.sortField(sortBy)], against: rows, flag: "--sort-by", given: sortBy) }
    }

    /// A summary as a table: its fields as `key  value` lines (the preferred ones first, then the rest in
    /// the server's order), then each of its lists of objects as a table under its name, so no part of the
    /// answer is left to `-o json`.
    private func renderSummary(_ document: JSON, _ presentation: Presentation) throws {
        let lists = Rows.lists(of: document)
        let rest = lists.reduce(document) { $0.removing($1.key) }
        let paths = Rows.summaryPaths(rest, preferred: presentation.columns, keepEmpty: !fitted)
        TablePrinter.record(rest, paths: paths, out: out, color: color, width: tableWidth)
        var printed = !paths.isEmpty
        for (key, rows) in lists {
            if printed { out.line("") }
            printed = true
            if headers {
                let title = TablePrinter.oneLine(key) + ":"
                out.line(color ? "\u{1B}[1m" + title + "\u{1B}[0m" : title)
            }
            let printer = makePrinter()
            printer.start(columns: try columns(preferred: [], rows: rows, list: key))
            for row in rows { printer.write(row) }
            printer.finish()
        }
    }

    /// A single object's lines: `--fields`; else the preferred paths it has, then the rest of its paths
    /// (on a terminal without --wide only the preferred ones, and stderr says how many more there are);
    /// else all its paths. None is empty on a terminal; with --wide or in a pipe every field is shown.
    private func recordPaths(_ object: JSON, preferred: [String]) throws -> [String] {
        if let fields { return fields }
        let lookup = JSONLookup(object)
        let found = Rows.paths(of: object)
        let all = (found.scalars + found.nested + found.arrays).filter { !fitted || !Rows.isEmpty(lookup.value(at: $0)) }
        let present = preferred.filter { !Rows.isEmpty(lookup.value(at: $0)) }
        guard !present.isEmpty, present.count >= (preferred.count + 1) / 2 else { return all }
        let rest = all.filter { !present.contains($0) }
        if tableWidth == nil { return present + rest }
        if !rest.isEmpty, hints {
            note("\(rest.count.counted("more field")): --wide to see \(rest.count == 1 ? "it" : "them")")
        }
        return present
    }

    /// The columns for these rows. A table fitted to a terminal shows at most ten derived columns, and says
    /// how many more there are; elsewhere (`--wide`, a pipe, a file format) every column is printed. A
    /// summary's `list` takes no `--fields` (they pick the summary's own fields).
    private func columns(preferred: [String], rows: [JSON], list: String? = nil, keepEmpty: Bool = false, fieldsChecked: Bool = false) throws -> [String] {
        let limit = format == .table && tableWidth != nil ? 10 : nil
        let (columns, hidden) = try Rows.columns(preferred: preferred, fields: list == nil ? fields : nil, rows: rows, limitDerived: limit,
                                                 keepEmpty: keepEmpty, fieldsChecked: fieldsChecked)
        if hidden > 0, hints {
            let more = hidden.counted("more column"), them = hidden == 1 ? "it" : "them"
            note(list.map { "\($0): \(more): --wide to see \(them)" } ?? "\(more): --wide or --fields to see \(them)")
        }
        return columns
    }

    private func makePrinter() -> RowPrinter {
        switch format {
        case .json: return JSONRowPrinter(out: out, fields: fields, lines: false)
        case .ndjson: return JSONRowPrinter(out: out, fields: fields, lines: true)
        case .csv: return DelimitedPrinter(out: out, tabs: false, headers: headers)
        case .tsv: return DelimitedPrinter(out: out, tabs: true, headers: headers)
        case .table:
            // Columns the user named with --fields are all printed, however wide.
            let dropped: ((Int) -> Void)? = fields != nil ? nil : { [note, hints] count in
                guard hints else { return }
                note("\(count.counted("more column")) do\(count == 1 ? "es" : "") not fit the terminal: --wide to see \(count == 1 ? "it" : "them")")
            }
            return TablePrinter(out: out, headers: headers, color: color, width: tableWidth, dropped: dropped)
        }
    }

    // MARK: A listing

    /// The page a GET asks for, by its query or written into its path (`/api/bookings/?page=99`).
    static func askedPage(_ query: [(String, String)], path: String) -> Int? {
        let inPath = path.split(separator: "?", maxSplits: 1).dropFirst().first?
            .split(separator: "&").last { $0.hasPrefix("page=") }.flatMap { Int($0.dropFirst(5)) }
        return query.last { $0.0 == "page" }.flatMap { Int($0.1) } ?? inPath
    }

    func render(_ listing: Listing, client: APIClient) throws {
        var printer: RowPrinter?
        var printed = 0
        var lastPage: CollectionPage?
        var held: [JSON] = []
        // Rows earlier walks printed, by id (Elasticsearch's index and `_id`), else by content: one walk per
        // value of a filter reads one list, so a row two walks hold (a booking that moved from one status to
        // another while they were read) is printed once. Within a walk, rows are the walker's to tell apart.
        var printedBefore: Set<String> = [], printedNow: [String] = []
        let holdAll = sortBy != nil || (jq != nil && !(jq?.iteratesItems ?? false))
        var remaining = listing.limit ?? Int.max
        var dropped = 0
        var more = false
        var total: Int? = 0
        // The walker counts rows received; when rows may be dropped here (filters the server may not apply,
        // duplicates across walks) only `remaining` can say when enough were printed.
        let dropsRows = !listing.filters.isEmpty || listing.walks.count > 1
        // One page of rows asked for, from as many of the server's as a filter it ignores takes; a --page
        // names one of the server's pages, which is printed as it is, filtered.
        let fillsPage = !listing.following && !listing.filters.isEmpty && listing.walks.count == 1 && !client.isDryRun
            && !(listing.walks.first?.query.contains { $0.0 == "page" } ?? false)

        // Rows printed as JSON as they are are copied from the server's bytes, not built and written again.
        let copiesRows = (format == .json || format == .ndjson) && fields == nil && jq == nil && listing.filters.isEmpty && !holdAll
        func deliver(_ rows: [JSON], _ bytes: RowBytes?) throws {
            if holdAll {
                held += rows
                return
            }
            try emit(rows, bytes)
        }
        var fieldsChecked = false
        // Where rows come from several pages, what the rows read so far say of each field, and the first rows
        // (for the message): a field only later pages have is not refused on the first.
        var evidence: (fields: [String: Rows.FieldEvidence], rows: [JSON])?
        // The fields the derived columns show (their first names), while later pages are watched for others.
        var shown: Set<String>?
        // Whether the rows are objects: columns show objects' fields or other values whole, never both.
        var objectRows: Bool?
        // Every walk of a listing asks the one path (only a filter's value differs).
        let listPath = Redaction.url(listing.walks.first?.path ?? "")
        func emit(_ rows: [JSON], _ bytes: RowBytes? = nil) throws {
            if fields != nil || (jq == nil && format != .json && format != .ndjson) {
                if let row = rows.first, objectRows == nil { objectRows = row.isObject }
                for row in rows where row.isObject != objectRows {
                    throw APIError.badResponse(method: "GET", path: listPath,
                        reason: "the rows mix objects and other values (\(row.isObject ? "an object" : row.serialized()) after \(objectRows == true ? "objects" : "values")), which no columns can show; -o json prints them as received")
                }
            }
            if let fields, !rows.isEmpty {
                // The names against the first rows (a later page may leave an optional field out); every page
                // for rows that have no fields at all.
                if fieldsChecked {
                    try Rows.requireObjects(rows, fields: fields)
                } else if listing.following || listing.walks.count > 1 || fillsPage {
                    // Rows from more than one of the server's pages: a field the first lacks may come later.
                    try Rows.requireObjects(rows, fields: fields)
                    var seen = evidence?.fields ?? Dictionary(fields.map { ($0, Rows.FieldEvidence()) }) { first, _ in first }
                    for field in fields { seen[field]?.observe(field, in: rows) }
                    if evidence == nil, case let lacking = fields.filter({ seen[$0]?.isMissing ?? false }), !lacking.isEmpty {
                        // Said at once, so a typo is not found out only at the end of a long walk.
                        warn("--fields \(lacking.joined(separator: ",")): the first rows have no such field\(Rows.unknown(lacking[0], in: rows)); later ones may, or it is exit 2 once the rows are printed")
                    }
                    evidence = (seen, evidence?.rows ?? Array(rows.prefix(50)))
                } else {
                    try Rows.check(fields, against: rows)
                    fieldsChecked = true
                }
            }
            if let jq {
                for row in rows { try jq.run(.array([fields.map { Rows.project(row, $0) } ?? row]), out: out) }
                return
            }
            if printer == nil {
                // Columns are named after the first rows: a page without any (an empty first page, or one a
                // filter took all of) names none.
                guard !rows.isEmpty else { return }
                let started = makePrinter()
                // --fields were checked above, or are waited for by a walk.
                let derived = bytes != nil ? [] : try columns(preferred: listing.presentation.columns, rows: rows, fieldsChecked: true)
                started.start(columns: derived)
                printer = started
                // A table fitted to a terminal leaves columns out on purpose, and says so.
                if fields == nil, format == .csv || format == .tsv || (format == .table && tableWidth == nil) {
                    shown = Set(derived)
                }
            } else if let known = shown {
                // A field of a nested object too (`after.content` beside the column `after.a`).
                var missing: [String] = []
                for row in rows {
                    let found = Rows.paths(of: row), lookup = JSONLookup(row)
                    for path in found.scalars + found.nested + found.arrays
                    where !Rows.covers(known, path) && !missing.contains(path) && !Rows.isEmpty(lookup.value(at: path)) {
                        missing.append(path)
                    }
                }
                if !missing.isEmpty {
                    let named = missing.count > 8 ? Array(missing.prefix(8)).spelled(", ") + " and \(missing.count - 8) more" : missing.spelled(", ")
                    warn("later rows have \(named), which no column shows (the columns are the first page's fields): --fields names the columns to print")
                    shown = nil
                }
            }
            if let bytes, let printer = printer as? JSONRowPrinter {
                bytes.forEach(printer.write(copying:))
            } else {
                for row in rows { printer?.write(row) }
            }
            printer?.endOfPage()
        }

        var printedAsReceived = false
        func walk() throws {
            walks: for call in listing.walks {
                var firstPage = true
                lastPage = nil
                let walker = PageWalker(client: client, first: call, parallel: listing.parallel,
                                        limit: dropsRows ? nil : listing.limit.map { _ in remaining }, pageSize: listing.pageSize,
                                        keepingRows: copiesRows, note: warn)
                var stopped = false
                // A page past the last is not found, as DRF answers it (404 "Invalid page."), whichever way the
                // server says it (a 404, or an empty page): a script asking for page 99 learns the same from every server.
                let asked = Self.askedPage(call.query, path: call.path) ?? 1
                do {
                    try walker.run(following: listing.following || fillsPage) { page in
                        defer { firstPage = false }
                        guard let rows = page.rows else {
                            let what = page.shapeWithoutRows
                            // Nothing at all (`{}`) is no answer to print as received either.
                            if listing.printsOtherAnswersAsReceived, page.document.objectValue?.isEmpty != true {
                                warn("no list of rows in the answer to GET \(Redaction.url(call.path)) (\(what)); printing it as received")
                                try render(page.document, .report(listing.presentation.columns))
                                printedAsReceived = true
                                stopped = true
                                return false
                            }
                            // An answer without rows is no listing: printed as received it would pass for one with
                            // exit 0, and a script would take it for the rows it asked for.
                            let path = Redaction.url(call.path)
                            throw APIError.badResponse(method: "GET", path: path,
                                                       reason: "the answer has no list of rows (\(what)); '\(homeserve) api GET \(path)' shows it as received")
                        }
                        if firstPage, rows.isEmpty {
                            if asked > 1 {
                                throw CLIError.pastTheLast(page: asked, page.info.total.map { "the server reports \($0) rows" })
                            }
                            // No rows where the server counts some is no answer to print with exit 0.
                            if let total = page.info.total, total > 0 {
                                throw APIError.badResponse(method: "GET", path: Redaction.url(call.path), reason: "the first page is empty, but the server reports \(total) rows")
                            }
                            // Nor where it says more follow, unless they are read (a token list may send an empty page).
                            if !(listing.following || fillsPage), page.info.claimsMore || page.info.nextQuery != nil || page.info.cursor != nil || page.info.unreachable != nil {
                                let reason = page.info.unreachableReason(page: 1)
                                    ?? "the first page is empty, but the server says more rows follow (--all reads them)"
                                throw APIError.badResponse(method: "GET", path: Redaction.url(call.path), reason: reason)
                            }
                        }
                        // One page of a listing is a page of the rows asked for: when some of the server's were not,
                        // the following pages make up the number.
                        if fillsPage, firstPage { remaining = rows.count }
                        var kept = rows.indices.filter { index in listing.filters.allSatisfy { $0.admits(rows[index]) } }
                        dropped += rows.count - kept.count
                        if kept.count < rows.count {
                            let flags = listing.filters.map { "--" + $0.flag }.joined(separator: ", ")
                            log?("* the server sent \(rows.count - kept.count) rows that do not match \(flags); not printed")
                        }
                        if listing.walks.count > 1 {
                            kept = kept.filter { index in
                                let row = rows[index]
                                let key = row["id"].flatMap { $0.isNull ? nil : "id \($0.cellText)" }
                                    ?? row["_id"].map { "hit \(row["_index"]?.cellText ?? "")/\($0.cellText)" } ?? "content \(row.contentFingerprint)"
                                guard !printedBefore.contains(key) else { return false }
                                printedNow.append(key)
                                return true
                            }
                        }
                        if kept.count > remaining {
                            kept = Array(kept.prefix(remaining))
                            more = true
                        }
                        remaining -= kept.count
                        printed += kept.count
                        let page = page.keeping(kept)
                        try deliver(page.rows ?? [], page.rowBytes)
                        lastPage = page
                        out.flush()
                        if !out.isOpen || jq?.halted == true { stopped = true }
                        return !stopped && remaining > 0
                    }
                } catch where firstPage {
                    throw CLIError.pastTheLast(page: asked, error) ?? error
                }
                printedBefore.formUnion(printedNow)
                printedNow = []
                if let info = lastPage?.info {
                    more = more || info.claimsMore
                    total = total.flatMap { sum in info.total.map { sum + $0 } }
                }
                if stopped { break walks }
                if remaining <= 0 { break walks }
            }
        }
        do {
            try walk()
        } catch {
            printer?.flushHeld()
            throw error
        }
        // A document printed as received is the whole output: nothing may follow it (not even `[]`).
        if printedAsReceived || !out.isOpen || client.isDryRun { return }
        if holdAll {
            if let sortBy { try Rows.check([Rows.sortField(sortBy)], against: held, flag: "--sort-by", given: sortBy) }
            let rows = sortBy.map { Rows.sort(held, by: $0) } ?? held
            if let jq {
                if let fields { try Rows.check(fields, against: rows) }
                try jq.run(.array(fields.map { paths in rows.map { Rows.project($0, paths) } } ?? rows), out: out)
            } else {
                try emit(rows)
            }
        }
        if let printer {
            printer.finish()
        } else if jq == nil {
            switch format {
            case .json: out.write("[]\n")
            case .csv, .tsv:
                // Without rows there is nothing to name columns after: only --fields names them.
                if headers, let fields { makePrinter().start(columns: fields) }
            case .table, .ndjson: break
            }
        }
        // A field no row of the whole walk had is a typo, said once the rows are printed.
        if let evidence, let field = fields?.first(where: { evidence.fields[$0]?.isMissing ?? false }) {
            throw CLIError.usage("invalid value '\(field)' for --fields: no row has it\(Rows.unknown(field, in: evidence.rows))")
        }
        if printed == 0, jq == nil, format == .table, hints { note("No results.") }
        if hints, !listing.following, more {
            // A total counts rows the filters here did not print, so it is only shown when none were dropped.
            let of = dropped == 0 ? total.map { " of \($0)" } ?? "" : ""
            note("Showing \(printed)\(of); --all for every row")
        }
    }
}
