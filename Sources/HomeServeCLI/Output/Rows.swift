import HomeServeAPI
import HomeServeCore

/// Turning answers into rows and rows into columns.
enum Rows {
    /// The rows a document presents: the wrapped resource, the main array of a report, the object itself for
    /// a summary, or a ranking's best then its runners-up.
    static func of(_ document: JSON, _ shape: Presentation.Shape) -> (rows: [JSON], fromArray: Bool) {
        switch shape {
        case let .resource(keys):
            return ([unwrap(document, keys: keys)], false)
        case let .report(within):
            return report(document, within: within)
        case .summary:
            return ([document], false)
        case let .ranked(best, others):
            guard document[best] != nil || document[others] != nil else { return report(document, within: []) }
            let entries = ([document[best]].compactMap { $0 } + (document[others]?.arrayValue ?? [])).filter(\.isObject)
            return (entries.enumerated().map { index, entry in
                guard case let .object(pairs) = entry, entry["rank"] == nil else { return entry }
                return .object([("rank", .int(index + 1))] + pairs)
            }, true)
        }
    }

    private static func report(_ document: JSON, within: [String]) -> (rows: [JSON], fromArray: Bool) {
        for path in within {
            if let inner = document.value(at: path), let found = CollectionReader.rows(in: inner) { return (found.rows, true) }
        }
        if let found = CollectionReader.rows(in: document) { return (found.rows, true) }
        return ([document], false)
    }

    /// A report with the list it is about sorted where it stands, the rest of the server's document kept:
    /// what `-o json --sort-by` prints. Nil for another shape.
    static func sortingList(_ document: JSON, _ shape: Presentation.Shape, by field: String) -> JSON? {
        let within: [String]
        switch shape {
        case let .ranked(best, others):
            // A best answer stays first where it stands: its runners-up are the list that is sorted.
            if let items = document[others]?.arrayValue { return document.setting(others, .array(sort(items, by: field))) }
            // A best alone is its own order; a server that ranks them all in one list of its own is read as
            // a report, as `of` reads it.
            guard document[best] == nil else { return document }
            within = []
        case let .report(paths): within = paths
        default: return nil
        }
        for path in within + [""] {
            guard let inner = path.isEmpty ? document : document.value(at: path), let found = CollectionReader.rows(in: inner) else { continue }
            let steps = [path, found.path].filter { !$0.isEmpty }.flatMap { $0.split(separator: ".").map(String.init) }
            return setting(document, at: steps[...], .array(sort(found.rows, by: field)))
        }
        return nil
    }

    private static func setting(_ document: JSON, at steps: ArraySlice<String>, _ value: JSON) -> JSON {
        guard let step = steps.first else { return value }
        guard let inner = document[step] else { return document }
        return document.setting(step, setting(inner, at: steps.dropFirst(), value))
    }

    /// A summary's lists of objects, shown as tables of their own under its fields: its top-level arrays
    /// whose items are all objects, empty ones excepted (they stay fields, shown as `[]`).
    static func lists(of document: JSON) -> [(key: String, rows: [JSON])] {
        guard case let .object(pairs) = document else { return [] }
        return pairs.compactMap { key, value in
            guard let items = value.arrayValue, !items.isEmpty, items.allSatisfy(\.isObject) else { return nil }
            return (key, items)
        }
    }

    /// `{"message": "…", "booking": {…}}` → the booking. Only named keys (and `data`/`result`) unwrap, so a
    /// resource that merely has one nested object is never mistaken for a wrapper.
    static func unwrap(_ document: JSON, keys: [String]) -> JSON {
        // An empty object wraps nothing: the answer is shown whole (`{"message": "Queued", "result": {}}`).
        guard let inner = wrapped(document, keys: keys), inner.objectValue?.isEmpty == false else { return document }
        return inner
    }

    /// The object an envelope holds under one of `keys`, `data` or `result`, empty or not.
    static func wrapped(_ document: JSON, keys: [String]) -> JSON? {
        for key in keys + ["data", "result"] {
            if let inner = document[key], inner.isObject { return inner }
        }
        return nil
    }

    /// An object with nothing in it but objects with nothing in them (`{}`, `{"users": {}}`): no field to show.
    static func holdsNothing(_ value: JSON) -> Bool {
        guard case let .object(pairs) = value else { return false }
        return pairs.allSatisfy { holdsNothing($0.1) }
    }

    /// The key of the one object in an answer that only wraps it: `{"message": …, "booking": {…}}`,
    /// `{"status": "success", "data": {…}}`. Every other member is a scalar under a name such answers use,
    /// so a resource with a nested object (it has an id, a name, fields of its own) is never taken for one.
    static func wrapperKey(of document: JSON) -> String? {
        guard case let .object(pairs) = document else { return nil }
        let objects = pairs.filter { $0.1.isObject }
        guard objects.count == 1 else { return nil }
        let wrapping: Set<String> = ["message", "detail", "status", "success", "code", "msg", "ok"]
        let rest = pairs.filter { !$0.1.isObject }
        guard rest.allSatisfy({ wrapping.contains($0.0) && $0.1.arrayValue == nil }) else { return nil }
        return objects[0].0
    }

    /// Every dot path of a row: scalars first, then nested objects' fields (in the server's order within each
    /// object), then arrays as whole values.
    static func paths(of row: JSON, prefix: String = "", depth: Int = 0) -> (scalars: [String], nested: [String], arrays: [String]) {
        guard case let .object(pairs) = row else { return ([], [], []) }
        var scalars: [String] = [], nested: [String] = [], arrays: [String] = []
        for (key, value) in pairs {
            let path = prefix + key
            switch value {
            case .object where depth < 2:
                // Inside an object its fields keep the server's order, a nested object's where it stands.
                let inner = paths(of: value, prefix: path + ".", depth: depth + 1)
                if depth == 0 { nested += inner.scalars + inner.nested } else { scalars += inner.scalars + inner.nested }
                arrays += inner.arrays
            case .object, .array: arrays.append(path)
            default: scalars.append(path)
            }
        }
        return (scalars, nested, arrays)
    }

    /// A summary's fields, all of them: the preferred ones first, then the rest in the server's order
    /// (nested objects by their fields where they stand); none that is empty unless `keepEmpty`.
    static func summaryPaths(_ object: JSON, preferred: [String], keepEmpty: Bool = false) -> [String] {
        func paths(_ value: JSON, _ prefix: String, _ depth: Int) -> [String] {
            guard case let .object(pairs) = value else { return [] }
            return pairs.flatMap { key, inner in
                if case .object = inner, depth < 2 { return paths(inner, prefix + key + ".", depth + 1) }
                return [prefix + key]
            }
        }
        let lookup = JSONLookup(object)
        let all = paths(object, "", 0).filter { keepEmpty || !isEmpty(lookup.value(at: $0)) }
        let leading = preferred.filter(all.contains)
        return leading + all.filter { !leading.contains($0) }
    }

    /// Whether these columns show the field at `path`: one names it, or names an object it is in (a cell
    /// prints an object whole).
    static func covers(_ columns: Set<String>, _ path: String) -> Bool {
        if columns.contains(path) { return true }
        var end = path.endIndex
        while let dot = path[..<end].lastIndex(of: ".") {
            if columns.contains(String(path[..<dot])) { return true }
            end = dot
        }
        return false
    }

    static func isEmpty(_ value: JSON?) -> Bool {
        guard let value else { return true }
        switch value {
        case .null: return true
        case let .string(s): return s.isEmpty
        default: return false
        }
    }

    /// The columns to print: `--fields` as given (each checked against the rows); else the preferred ones
    /// the rows have, then every other column of the rows; else columns derived from the rows. Where
    /// `limitDerived` is given (a table fitted to a terminal) only the preferred ones, or that many derived
    /// ones, are printed, and `hidden` says how many more there are. No column is empty in every row,
    /// unless `keepEmpty` (one resource outside a terminal: every field it has, so its header is the same
    /// whatever its state). A field that is an object in one row and null in another is shown by the
    /// object's fields only.
    static func columns(preferred: [String], fields: [String]?, rows: [JSON], limitDerived: Int?, keepEmpty: Bool = false,
                        fieldsChecked: Bool = false) throws(CLIError) -> (columns: [String], hidden: Int) {
        let sample = Array(rows.prefix(200))
        let objects = sample.filter(\.isObject)
        if let fields {
            if !fieldsChecked { try check(fields, against: objects) }
            return (fields, 0)
        }
        // Without rows there is nothing to name columns after: no header is better than one that guesses.
        guard !objects.isEmpty else { return (sample.isEmpty ? [] : ["value"], 0) }
        let lookups = objects.map(JSONLookup.init)
        let filled = { (path: String) in lookups.contains { keepEmpty ? $0.value(at: path) != nil : !isEmpty($0.value(at: path)) } }
        let present = preferred.filter(filled)
        var ordered: [String] = []
        var nestedAll: [String] = [], arraysAll: [String] = []
        var seen: Set<String> = []
        // Nested fields in the server's order at every level, whichever row first had an object where another
        // had null: each name, a row's own or a dotted one, ranks where it was first seen, and a field sorts by
        // the ranks of the names that lead to it (one null in an earlier row stands in its object's place).
        var firstSeen: [String: Int] = [:]
        func see(_ name: String) { if firstSeen[name] == nil { firstSeen[name] = firstSeen.count } }
        func leading(_ path: String) -> [String] { path.indices.filter { path[$0] == "." }.map { String(path[..<$0]) } }
        for row in objects {
            row.keys.forEach(see)
            let found = paths(of: row)
            for path in found.scalars where seen.insert(path).inserted { ordered.append(path) }
            for path in found.nested {
                (leading(path) + [path]).forEach(see)
                if seen.insert("\u{0}" + path).inserted { nestedAll.append(path) }
            }
            for path in found.arrays where seen.insert("\u{1}" + path).inserted { arraysAll.append(path) }
        }
        nestedAll = nestedAll.map { ($0, (leading($0) + [$0]).map { firstSeen[$0] ?? Int.max }) }
            .sorted { $0.1.lexicographicallyPrecedes($1.1) }.map(\.0)
        // A field that is null in one row and an object or array in another is one field, shown as the latter,
        // at any depth.
        let richer = Set(arraysAll + (nestedAll + arraysAll).flatMap(leading))
        let standsIn = { (path: String) in
            richer.contains(path) && lookups.allSatisfy { row in
                guard let value = row.value(at: path) else { return true }
                if case .null = value { return true }
                return value.isObject || value.arrayValue != nil
            }
        }
        ordered.removeAll(where: standsIn)
        nestedAll.removeAll(where: standsIn)
        // A field whose own name holds a dot (`"a.b"`) and a nested one the same path names (`"a": {"b": …}`)
        // would share one column, losing the nested one: its object is then one column, as JSON.
        let dotted = Set(ordered.filter { $0.contains(".") })
        for top in Set(nestedAll.filter(dotted.contains).compactMap { leading($0).first }) {
            nestedAll.removeAll { $0.hasPrefix(top + ".") }
            if !ordered.contains(top) { ordered.append(top) }
        }
        // A field that is a plain value in one row and a list in another is one column, where it first stood.
        var named: Set<String> = []
        var derived = (ordered + nestedAll + arraysAll).filter { named.insert($0).inserted && filled($0) }
        // A row is read by what it is first (its id, its name); otherwise the server's order is kept, which
        // puts related fields together as the server grouped them. Only one of each leads: ids of other
        // things (`recipient_id`) stay where the server put them.
        let leading = [derived.first { $0 == "id" } ?? derived.first(where: isID),
                       derived.first { $0 == "name" } ?? derived.first(where: isName)].compactMap { $0 }
        derived = leading + derived.filter { !leading.contains($0) }
        if present.count >= max(2, (preferred.count + 1) / 2) || (present.count == preferred.count && !present.isEmpty) {
            // The command's usual columns lead, and the rest follow, except in a table fitted to a terminal.
            let rest = derived.filter { !present.contains($0) }
            return limitDerived == nil ? (present + rest, 0) : (present, rest.count)
        }
        var hidden = 0
        if let limitDerived, derived.count > limitDerived {
            // The preferred columns the rows do have are what the command is about: they are kept, in place.
            let others = derived.filter { !present.contains($0) }.prefix(max(0, limitDerived - present.count))
            hidden = derived.count - present.count - others.count
            derived = derived.filter { present.contains($0) || others.contains($0) }
        }
        return (derived.isEmpty ? ["value"] : derived, hidden)
    }

    /// An id field of the row itself (`id`, `…_id`; not a nested object's).
    static func isID(_ path: String) -> Bool {
        !path.contains(".") && (path == "id" || path.hasSuffix("_id"))
    }

    /// A name field of the row itself (`name`, `…_name`, `title`; not a nested object's).
    static func isName(_ path: String) -> Bool {
        !path.contains(".") && (path == "name" || path.hasSuffix("_name") || path == "title")
    }

    /// `--fields` names paths that exist: one that is in no row is a usage error naming those that are. Rows
    /// that are not objects (strings, numbers, an array for an answer) are refused too.
    static func check(_ fields: [String], against rows: [JSON], flag: String = "--fields", given: String? = nil) throws(CLIError) {
        guard !rows.isEmpty else { return }
        try requireObjects(rows, fields: fields, flag: flag)
        if let field = missing(fields, in: rows).first {
            throw CLIError.usage("invalid value '\(given ?? field)' for \(flag): no row has it\(unknown(field, in: rows, sign: given?.hasPrefix("-") == true ? "-" : ""))")
        }
    }

    /// What the rows have instead of `field`: a near spelling, else a field of which the one given is a word
    /// (rating → avg_rating), and the fields there are.
    static func unknown(_ field: String, in rows: [JSON], sign: String = "") -> String {
        var available: [String] = []
        var seen: Set<String> = []
        for row in rows.prefix(50) {
            let found = paths(of: row)
            for path in found.scalars + found.nested + found.arrays + row.keys where seen.insert(path).inserted { available.append(path) }
        }
        let named = Suggestions.nearest(to: field, in: available)
            ?? available.first { path in path.split(separator: ".").last.map { $0.hasSuffix("_" + field) || $0.hasPrefix(field + "_") } ?? false }
        let hint = named.map { "; did you mean '\(sign)\($0)'?" } ?? ""
        return hint + " (fields: \(available.prefix(40).joined(separator: ", "))\(available.count > 40 ? " and \(available.count - 40) more" : ""))"
    }

    /// The fields no row has. A dot path under an object that is null or empty in a row (`before` of a
    /// creation, in `before.status`) may be filled by later rows, so it is no typo, unless another row has
    /// that object with other fields, or a plain value there (`vendor` an id, in `vendor.name`).
    static func missing(_ fields: [String], in rows: [JSON]) -> [String] {
        fields.filter { field in
            var evidence = FieldEvidence()
            evidence.observe(field, in: rows)
            return evidence.isMissing
        }
    }

    /// What the rows read so far say of a field, kept page by page where rows come from several pages.
    struct FieldEvidence {
        var found = false, nothingAbove = false, otherAbove = false

        mutating func observe(_ field: String, in rows: [JSON]) {
            for row in rows where !found {
                if row.value(at: field) != nil { found = true; return }
                switch Rows.above(field, in: row) {
                case .nothing: nothingAbove = true
                case .value, .fields: otherAbove = true
                case .absent: break
                }
            }
        }

        /// No row had it, and none left it to be filled: a null above it, with no row showing that object
        /// without it (or a plain value there).
        var isMissing: Bool { !found && (otherAbove || !nothingAbove) }
    }

    enum Above { case absent, fields, nothing, value }

    /// What stands above a dot path's last name in this row: no such object, objects with fields (the last
    /// without the name), an object null or empty, or a plain value.
    static func above(_ field: String, in row: JSON) -> Above {
        var prefix = ""
        for part in field.split(separator: ".").dropLast() {
            prefix += prefix.isEmpty ? String(part) : "." + part
            switch row.value(at: prefix) {
            case .null?: return .nothing
            case let .object(pairs)? where pairs.isEmpty: return .nothing
            case .object?: continue
            case nil: return .absent
            default: return .value
            }
        }
        return .fields
    }

    /// Rows that are not objects have no fields to pick or sort by: refused rather than printed as empty
    /// cells, on every page of a walk.
    static func requireObjects(_ rows: [JSON], fields: [String], flag: String = "--fields") throws(CLIError) {
        if let odd = rows.first(where: { !$0.isObject }) {
            let kind = switch odd {
            case .array: "an array"
            case .string: "a string"
            case .null: "null"
            case .bool: "true or false"
            default: "a number"
            }
            throw CLIError.usage("invalid value '\(fields.joined(separator: ","))' for \(flag): the rows are not objects with fields (one is \(kind))")
        }
    }

    /// The row with only the given paths, keyed by the paths as given.
    static func project(_ row: JSON, _ paths: [String]) -> JSON {
        guard row.isObject else { return row }
        return .object(paths.map { ($0, row.value(at: $0) ?? .null) })
    }

    /// Stable sort by a dot path: numbers as numbers, text as text, missing values last.
    /// The field a `--sort-by` value sorts on: `-field` is `field`, descending.
    static func sortField(_ sortBy: String) -> String { sortBy.hasPrefix("-") ? String(sortBy.dropFirst()) : sortBy }

    /// Rows by a field, numbers as numbers; `-field` sorts descending. Ties keep their order, and rows
    /// without the field come last either way.
    static func sort(_ rows: [JSON], by sortBy: String) -> [JSON] {
        let path = sortField(sortBy), descending = sortBy.hasPrefix("-")
        // Each row's key worked out once: a number (as written too, to tell apart what doubles run together,
        // such as ids past 2^53), else its text; none for a missing or null value.
        let keyed = rows.enumerated().map { offset, row in (index: offset, row: row, key: row.value(at: path).flatMap(SortKey.init)) }
        return keyed.sorted { a, b in
            switch (a.key, b.key) {
            case (nil, nil): return a.index < b.index
            case (nil, _): return false
            case (_, nil): return true
            case let (x?, y?):
                if x == y { return a.index < b.index }
                return descending ? y < x : x < y
            }
        }.map(\.row)
    }
}

/// What `--sort-by` orders a row by: numbers as numbers (JSON numbers, and text that reads as one), exactly
/// as written where written in decimals (ids past 2^53, `1e400`, `1e-400`), else by their doubles (hex);
/// text as text.
struct SortKey: Comparable {
    let number: Double?
    let exact: Decimal?
    let text: String

    /// A decimal number as written: its sign, its significant digits (no leading or trailing zeros) and the
    /// power of ten of the place before the first (`12.5` is 0.125 × 10^2); nil digits for zero.
    struct Decimal: Comparable {
        let negative: Bool
        let digits: Substring
        let power: Int

        init?(_ text: String) {
            var rest = Substring(text)
            let sign = rest.first == "-"
            if sign || rest.first == "+" { rest = rest.dropFirst() }
            var exponent = 0
            if let e = rest.firstIndex(where: { $0 == "e" || $0 == "E" }) {
                guard let value = Int(rest[rest.index(after: e)...]), abs(value) < 1 << 40 else { return nil }
                exponent = value
                rest = rest[..<e]
            }
            let parts = rest.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            guard !rest.isEmpty, rest != ".", parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return nil }
            let whole = parts[0], all = whole + (parts.count > 1 ? parts[1] : "")
            let leading = all.prefix { $0 == "0" }.count
            let significant = all.dropFirst(leading)
            digits = Substring(significant.reversed().drop { $0 == "0" }.reversed())
            power = whole.count - leading + exponent
            negative = sign && !digits.isEmpty
        }

        static func < (a: Decimal, b: Decimal) -> Bool {
            // Zero is never negative, so past the signs it meets only positives, before them.
            if a.negative != b.negative { return a.negative }
            if a.digits.isEmpty || b.digits.isEmpty { return a.digits.isEmpty && !b.digits.isEmpty }
            let magnitude = a.power != b.power ? a.power < b.power : a.digits < b.digits
            let same = a.power == b.power && a.digits == b.digits
            return a.negative ? !magnitude && !same : magnitude
        }
    }

    init?(_ value: JSON) {
        if value.isNull { return nil }
        text = value.cellText
        if case .number = value { number = value.doubleValue } else { number = Double(text) }
        exact = number == nil ? nil : Decimal(text)
    }

    static func == (a: SortKey, b: SortKey) -> Bool { !(a < b) && !(b < a) }

    static func < (a: SortKey, b: SortKey) -> Bool {
        if let x = a.exact, let y = b.exact { return x < y }
        guard let p = a.number, let q = b.number else { return a.text < b.text }
        return p < q
    }
}
