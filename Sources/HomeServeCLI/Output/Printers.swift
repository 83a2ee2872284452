import HomeServeCore

/// One printer per format. Rows arrive page by page; the columns are fixed by the first page.
protocol RowPrinter: AnyObject {
    func start(columns: [String])
    func write(_ row: JSON)
    /// A page has been written: what is held may go out now.
    func endOfPage()
    /// The walk failed: rows held back are printed, as the rows before a failure always are.
    func flushHeld()
    func finish()
}

extension RowPrinter {
    func endOfPage() {}
    func flushHeld() {}
}

/// `-o json` for rows: one array, streamed item by item so `--all` keeps memory flat; `-o ndjson` (`lines`):
/// one compact object per line.
final class JSONRowPrinter: RowPrinter {
    let out: OutputChannel
    let fields: [String]?
    let lines: Bool
    private var count = 0
    private var bytes: [UInt8] = []

    init(out: OutputChannel, fields: [String]?, lines: Bool) {
        self.out = out
        self.fields = fields
        self.lines = lines
    }

    func start(columns: [String]) {}

    func write(_ row: JSON) {
        let value = fields.map { Rows.project(row, $0) } ?? row
        emit { JSONWriter.write(value, into: &$0, pretty: $1, indent: $2) }
    }

    /// A row given as the server's bytes, written as `write` writes it built.
    func write(copying row: UnsafeBufferPointer<UInt8>) {
        emit { JSONWriter.copy(row, into: &$0, pretty: $1, indent: $2) }
    }

    /// One row: a compact line, or an item of the array laid out.
    private func emit(_ writeRow: (inout [UInt8], _ pretty: Bool, _ indent: Int) -> Void) {
        bytes.removeAll(keepingCapacity: true)
        if lines {
            writeRow(&bytes, false, 0)
            bytes.append(UInt8(ascii: "\n"))
        } else {
            bytes.append(contentsOf: (count == 0 ? "[\n  " : ",\n  ").utf8)
            writeRow(&bytes, true, 1)
        }
        out.write(bytes)
        count += 1
    }

    func finish() {
        if !lines { out.write(count == 0 ? "[]\n" : "\n]\n") }
    }
}

/// `-o csv` (RFC 4180) and `-o tsv` (tabs, newlines, backslashes, other control characters and the line
/// separators U+2028 and U+2029 escaped: a tsv record is one line to any reader, Python's `splitlines` too).
final class DelimitedPrinter: RowPrinter {
    let out: OutputChannel
    let tabs: Bool
    let headers: Bool
    private var columns: [String] = []

    init(out: OutputChannel, tabs: Bool, headers: Bool) {
        self.out = out
        self.tabs = tabs
        self.headers = headers
    }

    func start(columns: [String]) {
        self.columns = columns
        if headers, !columns.isEmpty { out.line(columns.map(cell).joined(separator: tabs ? "\t" : ",")) }
    }

    func write(_ row: JSON) {
        let lookup = JSONLookup(row)
        out.line(columns.map { cell(lookup.value(at: $0)?.cellText ?? (columns == ["value"] && !row.isObject ? row.cellText : "")) }.joined(separator: tabs ? "\t" : ","))
    }

    func finish() {}

    private func cell(_ text: String) -> String {
        if tabs {
            func escaped(_ scalar: Unicode.Scalar) -> Bool { TerminalText.isControl(scalar) || scalar == "\u{2028}" || scalar == "\u{2029}" }
            guard text.unicodeScalars.contains(where: { escaped($0) || $0 == "\\" }) else { return text }
            var out = ""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\\": out += "\\\\"
                case "\t": out += "\\t"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                default: out += escaped(scalar) ? TerminalText.visible(String(scalar)) : String(scalar)
                }
            }
            return out
        }
        guard text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || TerminalText.isControl($0) }) else { return text }
        // Quoting keeps a file exact; on a terminal, escape sequences are shown rather than obeyed.
        let shown = out.isTerminal ? TerminalText.visible(text, keepNewlines: true) : text
        return "\"" + shown.replacing("\"", with: "\"\"") + "\""
    }
}

/// `-o table`: aligned columns for people. Widths come from the first thousand rows, of however many pages,
/// so a listing of a few pages lines up whole and a long one streams instead of being held whole.
/// On a terminal the table fits its width, long cells cut with `…` (`--wide` prints them whole), ids
/// never; server text is shown with control characters made visible.
final class TablePrinter: RowPrinter {
    let out: OutputChannel
    let headers: Bool
    let color: Bool
    /// Columns to fit into, or nil to print cells whole.
    let width: Int?
    private var columns: [String] = []
    private var pending: [[String]] = []
    private var widths: [Int]?
    /// Columns whose cells are never cut: all of them without a width, else the ids.
    private var whole: Set<Int> = []

    /// Set when columns the user did not name may be left out to fit the width; told how many were.
    let dropped: ((Int) -> Void)?

    init(out: OutputChannel, headers: Bool, color: Bool, width: Int?, dropped: ((Int) -> Void)? = nil) {
        self.out = out
        self.headers = headers
        self.color = color
        self.width = width
        self.dropped = dropped
    }

    func start(columns: [String]) { self.columns = columns }

    func write(_ row: JSON) {
        let lookup = JSONLookup(row)
        let cells = columns.map { path in Self.cell(lookup.value(at: path) ?? (columns == ["value"] && !row.isObject ? row : .null)) }
        if let widths {
            out.line(render(cells, widths))
        } else {
            pending.append(cells)
            if pending.count >= 1000 { settle() }
        }
    }

    func flushHeld() {
        if widths == nil && !pending.isEmpty { settle() }
    }

    func finish() {
        if widths == nil && !pending.isEmpty { settle() }
    }

    private func settle() {
        var names = columns.map { Self.oneLine($0.uppercased()) }
        var cellWidths = names.map { _ in 0 }
        for row in pending { for (i, c) in row.enumerated() { cellWidths[i] = max(cellWidths[i], TerminalText.cells(c)) } }
        var measured = zip(names, cellWidths).map { max(headers ? TerminalText.cells($0) : 0, $1) }
        whole = Set(columns.indices)
        if let width {
            let ids = Set(columns.indices.filter { i in Self.isIdentifier(columns[i], pending.map { $0[i] }) })
            // A header longer than its cells is cut before any cell is (to no less than 8 columns).
            let floors = zip(measured, cellWidths).map { max($1, min($0, 8)) }
            var kept = Array(columns.indices)
            var fitted = Self.fit(measured, into: width, keeping: ids, floors: floors)
            // Narrowed as far as they go and still too wide: the last columns that are not ids are left
            // out, not wrapped.
            while dropped != nil, kept.count > 1, Self.lineWidth(fitted) > width, let last = kept.lastIndex(where: { !ids.contains($0) }) {
                kept.remove(at: last)
                fitted = Self.fit(kept.map { measured[$0] }, into: width, keeping: Set(kept.indices.filter { ids.contains(kept[$0]) }),
                                  floors: kept.map { floors[$0] })
            }
            if kept.count < columns.count {
                dropped?(columns.count - kept.count)
                columns = kept.map { columns[$0] }
                names = kept.map { names[$0] }
                pending = pending.map { row in kept.map { row[$0] } }
            }
            whole = Set(kept.indices.filter { ids.contains(kept[$0]) })
            measured = fitted
        }
        widths = measured
        if headers { out.line(paint(render(zip(names, measured).map(Self.header), measured))) }
        for row in pending { out.line(render(row, measured)) }
        pending = []
    }

    /// Narrows the widest columns until the line fits, never below 8 characters (or the column's own width).
    /// The `keeping` columns are never narrowed: a cut id cannot be copied into the next command, so a line
    /// that cannot fit without cutting one is left longer than the terminal.
    static func lineWidth(_ widths: [Int]) -> Int { widths.reduce(0, +) + 2 * max(0, widths.count - 1) }

    static func fit(_ widths: [Int], into total: Int, keeping: Set<Int> = [], floors: [Int]? = nil) -> [Int] {
        var widths = widths
        // First the columns wider than what they hold (a long header over short cells), down to their floor.
        if let floors {
            while lineWidth(widths) > total, let widest = widths.indices.filter({ widths[$0] > floors[$0] }).max(by: { widths[$0] < widths[$1] }) {
                widths[widest] -= 1
            }
        }
        while lineWidth(widths) > total {
            let narrowable = widths.indices.filter { !keeping.contains($0) }
            guard let widest = narrowable.max(by: { widths[$0] < widths[$1] }), widths[widest] > 8 else { break }
            widths[widest] -= 1
        }
        return widths
    }

    /// A header cut to its column, with `…` where text is left out. A dot path keeps its last name whole
    /// where it can (`BO…COMPLETED`), else the start of it (`COMPLETE…`): that name is what tells apart
    /// the columns of one object, which `BOOKINGS.C…` twice did not.
    static func header(_ name: String, cells: Int) -> String {
        guard TerminalText.cells(name) > cells else { return name }
        func cut(_ text: Substring, _ room: Int) -> String { TerminalText.prefix(String(text), cells: max(1, room)) }
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return cut(name[...], cells - 1) + "…" }
        let last = name[name.index(after: dot)...]
        let room = cells - TerminalText.cells(String(last)) - 1
        if room >= 1 { return cut(name[..<dot], room) + "…" + last }
        if room == 0 { return "…" + last }
        return room == -1 ? String(last) : cut(last, cells - 1) + "…"
    }

    /// A column of ids: named `id` or `…_id` (at any depth), or whose cells are all UUIDs.
    static func isIdentifier(_ path: String, _ cells: [String]) -> Bool {
        let name = path.split(separator: ".").last.map(String.init) ?? path
        if name == "id" || name.hasSuffix("_id") { return true }
        let filled = cells.filter { !$0.isEmpty }
        return !filled.isEmpty && filled.allSatisfy(looksLikeUUID)
    }

    /// 8-4-4-4-12 hexadecimal digits.
    static func looksLikeUUID(_ text: String) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        return groups.map(\.count) == [8, 4, 4, 4, 12] && groups.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }

    /// A row at the settled widths. A cell of a later page wider than its column is cut only in a table
    /// fitted to a terminal, and never in an id column: elsewhere it is printed whole, past the column.
    private func render(_ cells: [String], _ widths: [Int]) -> String {
        cells.enumerated().map { i, cell in
            // Widths are terminal columns: a wide character takes two.
            let fitted = !whole.contains(i) && TerminalText.cells(cell) > widths[i] ? TerminalText.prefix(cell, cells: max(1, widths[i] - 1)) + "…" : cell
            return i == cells.count - 1 ? fitted : fitted + String(repeating: " ", count: max(0, widths[i] - TerminalText.cells(fitted)))
        }.joined(separator: "  ")
    }

    private func paint(_ text: String) -> String { color ? "\u{1B}[1m" + text + "\u{1B}[0m" : text }

    static func cell(_ value: JSON) -> String { oneLine(value.cellText) }

    /// Text on one line of a table, where a raw tab or newline would break the columns: every control
    /// character shows as an escape, tabs included (which `TerminalText.visible` otherwise keeps).
    static func oneLine(_ text: String) -> String {
        let shown = TerminalText.visible(text)
        return shown.contains("\t") ? shown.replacing("\t", with: "\\x09") : shown
    }

    /// One object as `key  value` lines, nested objects flattened to dot paths. A list of plain values
    /// (messages, names) has a line per item, so none is lost past the terminal's edge.
    static func record(_ object: JSON, paths: [String], out: OutputChannel, color: Bool, width: Int?) {
        let labels = paths.map(oneLine)
        let keyWidth = labels.map(TerminalText.cells).max() ?? 0
        let lookup = JSONLookup(object)
        for (path, name) in zip(paths, labels) {
            let value = lookup.value(at: path) ?? .null
            var items = [cell(value)]
            if let elements = value.arrayValue, !elements.isEmpty, !elements.contains(where: { $0.isObject || $0.arrayValue != nil }) {
                items = elements.map(cell)
            }
            for (index, item) in items.enumerated() {
                var text = item
                if let width, keyWidth + 2 + TerminalText.cells(text) > width, width > keyWidth + 10, !isIdentifier(path, [text]) {
                    text = TerminalText.prefix(text, cells: width - keyWidth - 3) + "…"
                }
                // An empty value leaves its line at the name, with no spaces after it.
                let padding = text.isEmpty ? 0 : max(0, keyWidth - (index == 0 ? TerminalText.cells(name) : 0)) + 2
                let label = (index == 0 ? name : "")
                out.line((color && index == 0 ? "\u{1B}[1m" + label + "\u{1B}[0m" : label) + String(repeating: " ", count: padding) + text)
            }
        }
    }
}
