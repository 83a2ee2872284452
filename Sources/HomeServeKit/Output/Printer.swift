public enum OutputFormat: String, CaseIterable {
    case table, json, ndjson, csv, tsv
}

/// Renders what commands return. Commands say *what* (JSON values and a default column set);
/// this decides *how*, and applies `--fields`.
public final class Printer {
    public let format: OutputFormat
    public let fields: [String]?
    public let color: Bool
    let terminal: Terminal

    public init(format: OutputFormat, fields: [String]?, color: Bool, terminal: Terminal) {
        self.format = format
        self.fields = fields
        self.color = color
        self.terminal = terminal
    }

    /// A single resource: JSON as is, or a key/value table.
    public func object(_ value: JSON) {
        let projected = fields.map { Printer.project(value, $0) } ?? value
        switch format {
        case .json: terminal.line(projected.serialized(pretty: true))
        case .ndjson: terminal.line(projected.serialized())
        case .csv, .tsv:
            let keys = Printer.keys(of: projected)
            let writer = list(columns: keys)
            writer.add(projected)
            writer.finish()
        case .table:
            guard case let .object(pairs) = projected else { terminal.line(projected.cellText); return }
            let width = pairs.map(\.0.count).max() ?? 0
            for (key, value) in pairs {
                let label = key + String(repeating: " ", count: width - key.count)
                terminal.line("\(paint(label, bold: true))  \(value.cellText)")
            }
        }
    }

    /// A list of resources, written as items arrive so `--all` keeps memory flat.
    public func list(columns: [String]) -> ListWriter {
        ListWriter(printer: self, columns: fields ?? columns)
    }

    func paint(_ text: String, bold: Bool) -> String {
        guard color, bold else { return text }
        return "\u{1B}[1m" + text + "\u{1B}[0m"
    }

    static func project(_ value: JSON, _ paths: [String]) -> JSON {
        guard case .object = value else { return value }
        return .object(paths.map { ($0, value.value(at: $0) ?? .null) })
    }

    static func keys(of value: JSON) -> [String] {
        if case let .object(pairs) = value { return pairs.map(\.0) }
        return []
    }
}

public final class ListWriter {
    let printer: Printer
    let columns: [String]
    private var rows: [[String]] = []
    private var count = 0

    init(printer: Printer, columns: [String]) {
        self.printer = printer
        self.columns = columns
        if printer.format == .csv || printer.format == .tsv {
            printer.terminal.line(columns.map { cell($0) }.joined(separator: separator))
        }
    }

    public var written: Int { count }

    private var separator: String { printer.format == .tsv ? "\t" : "," }

    private func cell(_ text: String) -> String {
        switch printer.format {
        case .csv:
            guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
            return "\"" + text.replacing("\"", with: "\"\"") + "\""
        case .tsv:
            return text.replacing("\\", with: "\\\\").replacing("\t", with: "\\t")
                .replacing("\n", with: "\\n").replacing("\r", with: "\\r")
        default: return text
        }
    }

    public func add(_ item: JSON) {
        let shown = printer.fields.map { Printer.project(item, $0) } ?? item
        switch printer.format {
        case .json:
            printer.terminal.out((count == 0 ? "[\n" : ",\n") + indented(shown.serialized(pretty: true)))
        case .ndjson:
            printer.terminal.line(shown.serialized())
        case .csv, .tsv:
            printer.terminal.line(columns.map { cell(item.value(at: $0)?.cellText ?? "") }.joined(separator: separator))
        case .table:
            rows.append(columns.map { tableCell(item.value(at: $0)?.cellText ?? "") })
        }
        count += 1
    }

    /// Pages arrive one at a time; flushing keeps pipes (`| head`) moving. False once stdout is closed.
    @discardableResult
    public func flush() -> Bool { printer.terminal.flush() }

    public func finish() {
        switch printer.format {
        case .json: printer.terminal.line(count == 0 ? "[]" : "\n]")
        case .table:
            if rows.isEmpty { printer.terminal.err("No results."); return }
            let headers = columns.map { $0.uppercased() }
            var widths = headers.map(\.count)
            for row in rows { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.count) } }
            func render(_ cells: [String]) -> String {
                cells.enumerated().map { i, c in i == cells.count - 1 ? c : c + String(repeating: " ", count: widths[i] - c.count) }
                    .joined(separator: "  ")
            }
            printer.terminal.line(printer.paint(render(headers), bold: true))
            for row in rows { printer.terminal.line(render(row)) }
        default: break
        }
    }

    private func indented(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
    }

    private func tableCell(_ text: String) -> String {
        let flat = text.replacing("\n", with: " ")
        guard printer.terminal.stdoutIsTTY, flat.count > 48 else { return flat }
        return String(flat.prefix(47)) + "…"
    }
}
