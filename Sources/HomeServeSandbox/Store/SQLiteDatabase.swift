import CSQLite

enum SQLValue: Sendable, Equatable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
}

protocol SQLConvertible {
    var sqlValue: SQLValue { get }
}

extension SQLValue: SQLConvertible { var sqlValue: SQLValue { self } }
extension Int: SQLConvertible { var sqlValue: SQLValue { .int(Int64(self)) } }
extension Int64: SQLConvertible { var sqlValue: SQLValue { .int(self) } }
extension Double: SQLConvertible { var sqlValue: SQLValue { .double(self) } }
extension String: SQLConvertible { var sqlValue: SQLValue { .text(self) } }
extension Bool: SQLConvertible { var sqlValue: SQLValue { .int(self ? 1 : 0) } }
extension Timestamp: SQLConvertible { var sqlValue: SQLValue { .int(micros) } }
extension Optional: SQLConvertible where Wrapped: SQLConvertible {
    var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

struct SQLiteError: Error, CustomStringConvertible {
    let code: Int32
    let message: String
    var description: String { "SQLite error \(code): \(message)" }
}

/// The column names of one prepared statement, shared by every row it returns.
final class SQLColumns: Sendable {
    let positions: [String: Int]

    init(_ names: [String]) {
        var positions: [String: Int] = [:]
        // Where two columns share a name the last wins, as it did when each row was a dictionary filled in order.
        for (index, name) in names.enumerated() { positions[name] = index }
        self.positions = positions
    }
}

/// One row of a result, addressed by column name.
struct SQLRow {
    let columns: SQLColumns
    let values: [SQLValue]

    subscript(column: String) -> SQLValue? { columns.positions[column].map { values[$0] } }

    func int(_ column: String) -> Int {
        switch self[column] {
        case .int(let v): return Int(v)
        case .double(let v): return Int(v)
        case .text(let s): return Int(s) ?? 0
        default: return 0
        }
    }

    func optionalInt(_ column: String) -> Int? {
        if case .null = self[column] ?? .null { return nil }
        return int(column)
    }

    func double(_ column: String) -> Double {
        switch self[column] {
        case .int(let v): return Double(v)
        case .double(let v): return v
        case .text(let s): return Double(s) ?? 0
        default: return 0
        }
    }

    func text(_ column: String) -> String { optionalText(column) ?? "" }

    func optionalText(_ column: String) -> String? {
        switch self[column] {
        case .text(let s): return s
        case .int(let v): return String(v)
        case .double(let v): return String(v)
        default: return nil
        }
    }

    func bool(_ column: String) -> Bool { int(column) != 0 }

    func timestamp(_ column: String) -> Timestamp { Timestamp(micros: Int64(int(column))) }

    func optionalTimestamp(_ column: String) -> Timestamp? { optionalInt(column).map { Timestamp(micros: Int64($0)) } }
}

/// A single SQLite connection, keeping its prepared statements for reuse. Not thread-safe by itself: `Store`
/// lends each connection to one caller at a time.
final class SQLiteDatabase {
    private var handle: OpaquePointer?
    private var statements: [String: (pointer: OpaquePointer, columns: SQLColumns)] = [:]
    /// SQL text is built per request (IN lists, optional filters), so the cache is bounded; past this many
    /// statements it starts afresh.
    static let maxCachedStatements = 256

    init(path: String) throws {
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &handle, flags, nil)
        guard rc == SQLITE_OK else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open database"
            sqlite3_close(handle)
            throw SQLiteError(code: rc, message: "\(path): \(message)")
        }
        sqlite3_busy_timeout(handle, 5000)
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement.pointer) }
        sqlite3_close(handle)
    }

    private var errorMessage: String { String(cString: sqlite3_errmsg(handle)) }

    /// Runs one or more statements without parameters (schema, pragmas, transaction control).
    func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &error)
        if rc != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? errorMessage
            sqlite3_free(error)
            throw SQLiteError(code: rc, message: message)
        }
    }

    private func prepared(_ sql: String) throws -> (pointer: OpaquePointer, columns: SQLColumns) {
        if let cached = statements[sql] { return cached }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK,
              let statement
        else {
            throw SQLiteError(code: sqlite3_errcode(handle), message: "\(errorMessage) in: \(sql)")
        }
        let names = (0..<sqlite3_column_count(statement)).map { String(cString: sqlite3_column_name(statement, $0)) }
        if statements.count >= Self.maxCachedStatements {
            for old in statements.values { sqlite3_finalize(old.pointer) }
            statements.removeAll(keepingCapacity: true)
        }
        let entry = (statement, SQLColumns(names))
        statements[sql] = entry
        return entry
    }

    /// Runs one statement and returns every row it produces.
    @discardableResult
    func query(_ sql: String, _ parameters: [any SQLConvertible] = []) throws -> [SQLRow] {
        let (statement, columns) = try prepared(sql)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        // SQLite leaves a missing parameter NULL and ignores an extra one, so a miscounted list would silently
        // match the wrong rows (or none) instead of failing.
        let expected = Int(sqlite3_bind_parameter_count(statement))
        guard expected == parameters.count else {
            throw SQLiteError(code: SQLITE_RANGE,
                              message: "\(parameters.count) parameters given, \(expected) expected in: \(sql)")
        }
        for (i, parameter) in parameters.enumerated() {
            let index = Int32(i + 1)
            let rc: Int32
            switch parameter.sqlValue {
            case .null: rc = sqlite3_bind_null(statement, index)
            case .int(let v): rc = sqlite3_bind_int64(statement, index, v)
            case .double(let v): rc = sqlite3_bind_double(statement, index, v)
            case .text(let s):
                // Text longer than Int32 can express must not be truncated into a shorter, wrong value.
                guard let length = Int32(exactly: s.utf8.count) else {
                    throw SQLiteError(code: SQLITE_TOOBIG, message: "parameter \(index) too long in: \(sql)")
                }
                rc = sqlite3_bind_text(statement, index, s, length, hs_sqlite_transient())
            }
            guard rc == SQLITE_OK else {
                throw SQLiteError(code: rc, message: "\(errorMessage) binding parameter \(index) in: \(sql)")
            }
        }
        let width = sqlite3_column_count(statement)
        var rows: [SQLRow] = []
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw SQLiteError(code: rc, message: "\(errorMessage) in: \(sql)") }
            var values: [SQLValue] = []
            values.reserveCapacity(Int(width))
            for column in 0..<width {
                switch sqlite3_column_type(statement, column) {
                case SQLITE_INTEGER: values.append(.int(sqlite3_column_int64(statement, column)))
                case SQLITE_FLOAT: values.append(.double(sqlite3_column_double(statement, column)))
                case SQLITE_NULL: values.append(.null)
                default:
                    values.append(sqlite3_column_text(statement, column).map { .text(String(cString: $0)) } ?? .null)
                }
            }
            rows.append(SQLRow(columns: columns, values: values))
        }
        return rows
    }

    func queryOne(_ sql: String, _ parameters: [any SQLConvertible] = []) throws -> SQLRow? {
        try query(sql, parameters).first
    }

    func scalarInt(_ sql: String, _ parameters: [any SQLConvertible] = []) throws -> Int {
        guard let row = try query(sql, parameters).first, let value = row.values.first else { return 0 }
        switch value {
        case .int(let v): return Int(v)
        case .double(let v): return Int(v)
        case .text(let s): return Int(s) ?? 0
        case .null: return 0
        }
    }

    var lastInsertRowID: Int { Int(sqlite3_last_insert_rowid(handle)) }
}
