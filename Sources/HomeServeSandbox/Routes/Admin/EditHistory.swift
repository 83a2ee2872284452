import Foundation

/// `/admin-dashboard/edit-history/`: the audit trail, paged or exported as CSV.
extension AdminRoutes {
    func historyConditions(_ filters: [String: String]) throws -> (String, [any SQLConvertible]) {
        var errors = FieldErrors()
        var conditions = ["1 = 1"]
        var parameters: [any SQLConvertible] = []
        if let model = filters["model"], !model.isEmpty {
            conditions.append("h.model = ? COLLATE NOCASE")
            parameters.append(model)
        }
        if let user = filters["user"], !user.isEmpty {
            if let id = Int(user) {
                conditions.append("h.user_id = ?")
                parameters.append(id)
            } else {
                conditions.append("u.username = ?")
                parameters.append(user)
            }
        }
        if let action = filters["action"], !action.isEmpty {
            if ["create", "update", "delete"].contains(action) {
                conditions.append("h.action = ?")
                parameters.append(action)
            } else {
                errors.add("action", "Select a valid choice. \(action) is not one of the available choices.")
            }
        }
        if let start = filters["start_date"], !start.isEmpty {
            if let time = Timestamp.parseDate(start) ?? Timestamp.parseDateTime(start) {
                conditions.append("h.timestamp >= ?")
                parameters.append(time)
            } else {
                errors.add("start_date", "Enter a valid date.")
            }
        }
        if let end = filters["end_date"], !end.isEmpty {
            // A bare date includes the whole day.
            if let day = Timestamp.parseDate(end) {
                conditions.append("h.timestamp < ?")
                parameters.append(day.adding(days: 1))
            } else if let time = Timestamp.parseDateTime(end) {
                conditions.append("h.timestamp <= ?")
                parameters.append(time)
            } else {
                errors.add("end_date", "Enter a valid date.")
            }
        }
        try errors.check()
        return (conditions.joined(separator: " AND "), parameters)
    }

    static let historyFrom = "FROM edit_history h LEFT JOIN users u ON u.id = h.user_id"

    func historyJSON(_ row: SQLRow) -> JSON {
        [
            "id": .int(row.int("id")), "user": .optional(row.optionalInt("user_id")),
            "username": .optional(row.optionalText("username")), "model": .string(row.text("model")),
            "object_id": .string(row.text("object_id")), "action": .string(row.text("action")),
            "before": storedJSON(row.optionalText("before")), "after": storedJSON(row.optionalText("after")),
            "timestamp": .string(row.timestamp("timestamp").iso),
        ]
    }

    func editHistory(_ request: APIRequest) async throws -> APIResponse {
        let filters = Dictionary(request.query, uniquingKeysWith: { _, last in last })
        let (conditions, parameters) = try historyConditions(filters)
        var query = QueryReader(request)
        let paging = PageRequest(sandbox.shapes.envelope(.editHistory), &query)
        try query.check()
        return try sandbox.store.read { db in
            // Unfiltered, the total is the kept row count rather than a count of a table that grows with every write.
            let count = parameters.isEmpty
                ? try Store.keptCount("edit_history", in: db)
                : try db.scalarInt("SELECT COUNT(*) \(Self.historyFrom) WHERE \(conditions)", parameters)
            let window = try paging.window(total: count)
            let rows = try db.query(
                "SELECT h.*, u.username \(Self.historyFrom) WHERE \(conditions) ORDER BY h.timestamp DESC, h.id DESC LIMIT ? OFFSET ?",
                parameters + [window.size, window.offset])
            return .json(paging.envelope.body(rows.map(historyJSON), window, request: request))
        }
    }

    /// CSV of the whole filtered history (no paging). Filters come from the query string on GET, or from
    /// `{"format": "csv", "filters": {...}}` on POST, as the contract's client sends them.
    func exportHistory(_ request: APIRequest) async throws -> APIResponse {
        var filters = Dictionary(request.query, uniquingKeysWith: { _, last in last })
        var format = filters["format"] ?? "csv"
        if request.method == "POST" {
            var fields = FieldReader(try request.data().fields)
            format = fields.choice("format", ["csv"]) ?? "csv"
            if let given = fields.json("filters") {
                guard case .object(let object) = given else {
                    throw APIError.field("filters", "Expected a dictionary of items but got type \"\(given.pythonTypeName)\".")
                }
                for (key, value) in object.pairs {
                    switch value {
                    case .string(let s): filters[key] = s
                    case .number(let n): filters[key] = n
                    default: continue
                    }
                }
            }
            try fields.check()
        } else if format != "csv" {
            throw APIError.field("format", "\"\(format)\" is not a valid choice.")
        }
        let (conditions, parameters) = try historyConditions(filters)
        let rows = try sandbox.store.read { db in
            try db.query("SELECT h.*, u.username \(Self.historyFrom) WHERE \(conditions) ORDER BY h.timestamp DESC, h.id DESC",
                         parameters)
        }
        var csv = "id,timestamp,user_id,username,model,object_id,action,before,after\r\n"
        for row in rows {
            let cells = [
                String(row.int("id")), row.timestamp("timestamp").iso, row.optionalInt("user_id").map(String.init) ?? "",
                row.optionalText("username") ?? "", row.text("model"), row.text("object_id"), row.text("action"),
                row.optionalText("before") ?? "", row.optionalText("after") ?? "",
            ]
            csv += cells.map(Self.csvCell).joined(separator: ",") + "\r\n"
        }
        return .bytes(Array(csv.utf8), contentType: "text/csv; charset=utf-8")
            .with(header: "Content-Disposition", "attachment; filename=\"edit_history.csv\"")
    }

    /// RFC 4180 quoting, as Python's csv module writes it.
    static func csvCell(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
