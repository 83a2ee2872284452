import Foundation
import Synchronization

/// The sandbox's state in SQLite: one writer connection and a pool of readers over the same WAL database, so
/// parallel clients read in parallel while writes stay serialized.
///
/// The default in-memory state lives in a temporary file instead (an in-memory database cannot be shared
/// between connections); it is deleted with `removeIfTemporary()` at exit.
// @unchecked: each connection is used only while its own lock is held, and the rest is immutable.
final class Store: @unchecked Sendable {
    private final class Connection {
        let database: SQLiteDatabase
        let lock = NSLock()
        init(_ database: SQLiteDatabase) { self.database = database }
    }

    private let writer: Connection
    private let readers: [Connection]
    /// Moves on with every committed write: what was read at one generation still holds while it is current.
    let generation = Atomic<Int>(0)
    private let nextReader = NSLock()
    private var readerCursor = 0
    /// The temporary database file, when the caller did not name one.
    private let temporaryPath: String?

    /// `path` nil means a throwaway database that vanishes with the process.
    init(path: String?, readerCount: Int = 4) throws {
        let file: String
        if let path {
            file = path
            temporaryPath = nil
        } else {
            file = NSTemporaryDirectory() + "homeserve-sandbox-\(getpid())-\(Crypto.randomHex(4)).sqlite"
            temporaryPath = file
        }
        let database = try SQLiteDatabase(path: file)
        // A throwaway database need not survive a power cut, so it skips the fsyncs.
        try database.execute("""
            PRAGMA journal_mode = WAL; PRAGMA synchronous = \(path == nil ? "OFF" : "NORMAL");
            PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536;
            """)
        try database.execute(Self.schema)
        // A --db file from before a column was added gains it.
        for (table, column, type) in [("disputes", "resolution_evidence", "TEXT"), ("otp_codes", "attempts", "INTEGER NOT NULL DEFAULT 0")]
        where try database.scalarInt("SELECT COUNT(*) FROM pragma_table_info('\(table)') WHERE name = '\(column)'") == 0 {
            try database.execute("ALTER TABLE \(table) ADD COLUMN \(column) \(type)")
        }
        try Self.backfillCounts(database)
        writer = Connection(database)
        readers = try (0..<max(1, readerCount)).map { _ in
            let reader = try SQLiteDatabase(path: file)
            try reader.execute("PRAGMA query_only = ON; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -16384;")
            return Connection(reader)
        }
    }

    /// Deletes the temporary database and its WAL files; a named database is left alone.
    func removeIfTemporary() {
        guard let temporaryPath else { return }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: temporaryPath + suffix) }
    }

    /// Runs `body` on a reader connection: it sees the last committed state and never waits for a writer.
    func read<T>(_ body: (SQLiteDatabase) throws -> T) throws -> T {
        let connection = lockedReader()
        defer { connection.lock.unlock() }
        return try body(connection.database)
    }

    /// A reader nobody is using, or the next in turn when all are busy; returned locked.
    private func lockedReader() -> Connection {
        let start = nextReader.withLock {
            readerCursor = (readerCursor + 1) % readers.count
            return readerCursor
        }
        for offset in 0..<readers.count {
            let candidate = readers[(start + offset) % readers.count]
            if candidate.lock.try() { return candidate }
        }
        readers[start].lock.lock()
        return readers[start]
    }

    /// Runs `body` in one transaction: either every change (and its edit-history row) lands, or none does.
    @discardableResult
    func write<T>(_ body: (SQLiteDatabase) throws -> T) throws -> T {
        writer.lock.lock()
        defer { writer.lock.unlock() }
        let database = writer.database
        try database.execute("BEGIN IMMEDIATE")
        do {
            let result = try body(database)
            // Moved on before the commit as well as after it: a reader that finds the generation unchanged
            // around its read saw none of this write.
            generation.add(1, ordering: .sequentiallyConsistent)
            try database.execute("COMMIT")
            generation.add(1, ordering: .sequentiallyConsistent)
            return result
        } catch {
            try? database.execute("ROLLBACK")
            throw error
        }
    }

    /// A database written before the counts were kept gets them once, from the rows it has.
    private static func backfillCounts(_ database: SQLiteDatabase) throws {
        try database.execute("""
            BEGIN IMMEDIATE;
            INSERT INTO booking_counts (customer_id, vendor_key, status, pincode, n)
                SELECT customer_id, COALESCE(vendor_id, 0), status, pincode, COUNT(*) FROM bookings
                WHERE NOT EXISTS (SELECT 1 FROM booking_counts) GROUP BY 1, 2, 3, 4;
            INSERT OR IGNORE INTO row_counts (name, n) SELECT 'edit_history', COUNT(*) FROM edit_history;
            INSERT OR IGNORE INTO row_counts (name, n) SELECT 'notification_logs', COUNT(*) FROM notification_logs;
            COMMIT;
            """)
    }

    /// The number of rows in a table whose count is kept by triggers (`edit_history`, `notification_logs`).
    static func keptCount(_ table: String, in db: SQLiteDatabase) throws -> Int {
        try db.scalarInt("SELECT n FROM row_counts WHERE name = ?", [table])
    }

    func setting(_ key: String) throws -> String? {
        try read { try $0.queryOne("SELECT value FROM settings WHERE key = ?", [key])?.text("value") }
    }

    func setSetting(_ key: String, _ value: String) throws {
        try write { try $0.query("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", [key, value]) }
    }

    // Times are microseconds since the epoch (INTEGER), money is paise (INTEGER), JSON blobs are TEXT.
    private static let schema = """
        CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);

        CREATE TABLE IF NOT EXISTS users (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            username TEXT NOT NULL UNIQUE,
            email TEXT NOT NULL,
            phone TEXT,
            password TEXT NOT NULL,
            role TEXT NOT NULL,
            first_name TEXT NOT NULL DEFAULT '',
            last_name TEXT NOT NULL DEFAULT '',
            is_verified INTEGER NOT NULL DEFAULT 0,
            is_active INTEGER NOT NULL DEFAULT 1,
            date_joined INTEGER NOT NULL
        );

        CREATE TABLE IF NOT EXISTS vendor_profiles (
            user_id INTEGER PRIMARY KEY REFERENCES users(id),
            pincode TEXT NOT NULL,
            service_areas TEXT NOT NULL,
            categories TEXT NOT NULL,
            rating REAL NOT NULL,
            is_available INTEGER NOT NULL DEFAULT 1
        );

        CREATE TABLE IF NOT EXISTS vendor_availability (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            vendor_id INTEGER NOT NULL REFERENCES users(id),
            day_of_week INTEGER NOT NULL,
            start_minute INTEGER NOT NULL,
            end_minute INTEGER NOT NULL
        );

        CREATE TABLE IF NOT EXISTS services (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL,
            description TEXT NOT NULL,
            base_price_cents INTEGER NOT NULL,
            category TEXT NOT NULL,
            duration_minutes INTEGER NOT NULL,
            is_active INTEGER NOT NULL DEFAULT 1,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );

        CREATE TABLE IF NOT EXISTS bookings (
            id TEXT PRIMARY KEY,
            customer_id INTEGER NOT NULL REFERENCES users(id),
            vendor_id INTEGER REFERENCES users(id),
            service_id INTEGER NOT NULL REFERENCES services(id),
            status TEXT NOT NULL,
            total_price_cents INTEGER NOT NULL,
            pincode TEXT NOT NULL,
            scheduled_date INTEGER NOT NULL,
            completion_date INTEGER,
            customer_notes TEXT NOT NULL DEFAULT '',
            vendor_notes TEXT NOT NULL DEFAULT '',
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            estimated_service_duration_minutes INTEGER,
            travel_time_to_location_minutes INTEGER,
            travel_time_from_location_minutes INTEGER,
            buffer_before_minutes INTEGER,
            buffer_after_minutes INTEGER,
            actual_start_time INTEGER,
            actual_end_time INTEGER,
            dynamic_price_breakdown TEXT
        );
        -- Every listing order has an index, so a page is read straight off it, and the columns the lists
        -- filter on come first. The narrower indexes of earlier versions are covered by these.
        DROP INDEX IF EXISTS bookings_customer;
        DROP INDEX IF EXISTS bookings_vendor;
        DROP INDEX IF EXISTS bookings_pincode;
        CREATE INDEX IF NOT EXISTS bookings_by_customer ON bookings(customer_id, created_at DESC, id);
        CREATE INDEX IF NOT EXISTS bookings_by_customer_status ON bookings(customer_id, status, created_at DESC, id);
        CREATE INDEX IF NOT EXISTS bookings_by_vendor ON bookings(vendor_id, created_at DESC, id);
        CREATE INDEX IF NOT EXISTS bookings_open_by_pincode ON bookings(pincode, status, vendor_id, created_at DESC, id);
        CREATE INDEX IF NOT EXISTS bookings_by_created ON bookings(created_at DESC, id);
        CREATE INDEX IF NOT EXISTS bookings_by_schedule ON bookings(pincode, scheduled_date, status);

        -- Booking counts per customer, vendor (0 for none), status and pincode, kept by triggers: every booking
        -- listing's filters are on these columns, so its total is a sum over a handful of rows, not a count of
        -- the table.
        CREATE TABLE IF NOT EXISTS booking_counts (
            customer_id INTEGER NOT NULL,
            vendor_key INTEGER NOT NULL,
            vendor_id INTEGER GENERATED ALWAYS AS (NULLIF(vendor_key, 0)) VIRTUAL,
            status TEXT NOT NULL,
            pincode TEXT NOT NULL,
            n INTEGER NOT NULL,
            PRIMARY KEY (customer_id, vendor_key, status, pincode)
        ) WITHOUT ROWID;
        CREATE TRIGGER IF NOT EXISTS booking_counts_insert AFTER INSERT ON bookings BEGIN
            INSERT INTO booking_counts (customer_id, vendor_key, status, pincode, n)
            VALUES (NEW.customer_id, COALESCE(NEW.vendor_id, 0), NEW.status, NEW.pincode, 1)
            ON CONFLICT DO UPDATE SET n = n + 1;
        END;
        CREATE TRIGGER IF NOT EXISTS booking_counts_delete AFTER DELETE ON bookings BEGIN
            UPDATE booking_counts SET n = n - 1 WHERE customer_id = OLD.customer_id
            AND vendor_key = COALESCE(OLD.vendor_id, 0) AND status = OLD.status AND pincode = OLD.pincode;
        END;
        CREATE TRIGGER IF NOT EXISTS booking_counts_update
        AFTER UPDATE OF customer_id, vendor_id, status, pincode ON bookings BEGIN
            UPDATE booking_counts SET n = n - 1 WHERE customer_id = OLD.customer_id
            AND vendor_key = COALESCE(OLD.vendor_id, 0) AND status = OLD.status AND pincode = OLD.pincode;
            INSERT INTO booking_counts (customer_id, vendor_key, status, pincode, n)
            VALUES (NEW.customer_id, COALESCE(NEW.vendor_id, 0), NEW.status, NEW.pincode, 1)
            ON CONFLICT DO UPDATE SET n = n + 1;
        END;

        CREATE TABLE IF NOT EXISTS refresh_tokens (
            jti TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            blacklisted_at INTEGER
        );

        CREATE TABLE IF NOT EXISTS otp_codes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            user_id INTEGER NOT NULL REFERENCES users(id),
            identifier TEXT NOT NULL,
            channel TEXT NOT NULL,
            purpose TEXT NOT NULL,
            code TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            used_at INTEGER,
            attempts INTEGER NOT NULL DEFAULT 0
        );

        CREATE TABLE IF NOT EXISTS payments (
            id TEXT PRIMARY KEY,
            booking_id TEXT NOT NULL REFERENCES bookings(id),
            amount_cents INTEGER NOT NULL,
            currency TEXT NOT NULL,
            status TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );

        CREATE TABLE IF NOT EXISTS signatures (
            id TEXT PRIMARY KEY,
            booking_id TEXT NOT NULL REFERENCES bookings(id),
            signed_by INTEGER REFERENCES users(id),
            status TEXT NOT NULL,
            signature_hash TEXT,
            signature_data TEXT,
            satisfaction_rating INTEGER,
            satisfaction_comments TEXT,
            requested_at INTEGER NOT NULL,
            signed_at INTEGER,
            expires_at INTEGER NOT NULL
        );

        CREATE TABLE IF NOT EXISTS photos (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            booking_id TEXT NOT NULL REFERENCES bookings(id),
            file_name TEXT NOT NULL,
            image_type TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            uploaded_by INTEGER NOT NULL REFERENCES users(id),
            uploaded_at INTEGER NOT NULL
        );

        CREATE TABLE IF NOT EXISTS disputes (
            id TEXT PRIMARY KEY,
            booking_id TEXT NOT NULL REFERENCES bookings(id),
            customer_id INTEGER NOT NULL REFERENCES users(id),
            vendor_id INTEGER REFERENCES users(id),
            dispute_type TEXT NOT NULL,
            title TEXT NOT NULL,
            description TEXT NOT NULL,
            severity TEXT NOT NULL,
            status TEXT NOT NULL,
            customer_evidence TEXT,
            vendor_evidence TEXT,
            resolution_notes TEXT,
            resolution_evidence TEXT,
            resolution_amount_cents INTEGER,
            assigned_mediator INTEGER REFERENCES users(id),
            escalated_to INTEGER REFERENCES users(id),
            created_at INTEGER NOT NULL,
            resolved_at INTEGER
        );

        CREATE TABLE IF NOT EXISTS dispute_messages (
            id TEXT PRIMARY KEY,
            seq INTEGER NOT NULL,
            dispute_id TEXT NOT NULL REFERENCES disputes(id),
            sender_id INTEGER NOT NULL REFERENCES users(id),
            recipient_id INTEGER REFERENCES users(id),
            message_type TEXT NOT NULL,
            content TEXT NOT NULL,
            attachment_name TEXT,
            attachment_file TEXT,
            is_read INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL
        );

        CREATE TABLE IF NOT EXISTS edit_history (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            user_id INTEGER,
            model TEXT NOT NULL,
            object_id TEXT NOT NULL,
            action TEXT NOT NULL,
            before TEXT,
            after TEXT,
            timestamp INTEGER NOT NULL
        );

        CREATE TABLE IF NOT EXISTS notification_logs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            recipient_id INTEGER,
            notification_type TEXT NOT NULL,
            method TEXT NOT NULL,
            status TEXT NOT NULL,
            subject TEXT NOT NULL,
            message TEXT NOT NULL,
            related_object_id TEXT,
            created_at INTEGER NOT NULL,
            sent_at INTEGER,
            error_message TEXT
        );

        CREATE TABLE IF NOT EXISTS business_alerts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            alert_type TEXT NOT NULL,
            severity TEXT NOT NULL,
            status TEXT NOT NULL,
            title TEXT NOT NULL,
            message TEXT NOT NULL,
            pincode TEXT,
            related_object_id TEXT,
            created_at INTEGER NOT NULL,
            resolved_at INTEGER
        );

        -- The orders the other lists are read in, and the lookups by parent.
        CREATE INDEX IF NOT EXISTS signatures_by_booking ON signatures(booking_id);
        CREATE INDEX IF NOT EXISTS signatures_by_requested ON signatures(requested_at DESC, id);
        CREATE INDEX IF NOT EXISTS photos_by_booking ON photos(booking_id);
        CREATE INDEX IF NOT EXISTS photos_by_uploaded ON photos(uploaded_at DESC, id DESC);
        CREATE INDEX IF NOT EXISTS disputes_by_customer ON disputes(customer_id, created_at DESC, id);
        CREATE INDEX IF NOT EXISTS disputes_by_vendor ON disputes(vendor_id, created_at DESC, id);
        CREATE INDEX IF NOT EXISTS disputes_by_created ON disputes(created_at DESC, id);
        CREATE INDEX IF NOT EXISTS disputes_by_booking ON disputes(booking_id, status);
        CREATE INDEX IF NOT EXISTS dispute_messages_by_dispute ON dispute_messages(dispute_id, seq);
        CREATE INDEX IF NOT EXISTS edit_history_by_time ON edit_history(timestamp DESC, id DESC);
        CREATE INDEX IF NOT EXISTS notification_logs_by_time ON notification_logs(created_at DESC, id DESC);
        CREATE INDEX IF NOT EXISTS notification_logs_by_recipient ON notification_logs(recipient_id, created_at DESC, id DESC);
        CREATE INDEX IF NOT EXISTS business_alerts_by_time ON business_alerts(created_at DESC, id DESC);
        CREATE INDEX IF NOT EXISTS business_alerts_by_object ON business_alerts(status, alert_type, related_object_id);

        -- Row counts of the logs that grow with every request, kept by triggers, for their unfiltered totals.
        CREATE TABLE IF NOT EXISTS row_counts (name TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TRIGGER IF NOT EXISTS edit_history_count_insert AFTER INSERT ON edit_history BEGIN
            INSERT INTO row_counts (name, n) VALUES ('edit_history', 1) ON CONFLICT DO UPDATE SET n = n + 1;
        END;
        CREATE TRIGGER IF NOT EXISTS edit_history_count_delete AFTER DELETE ON edit_history BEGIN
            UPDATE row_counts SET n = n - 1 WHERE name = 'edit_history';
        END;
        CREATE TRIGGER IF NOT EXISTS notification_logs_count_insert AFTER INSERT ON notification_logs BEGIN
            INSERT INTO row_counts (name, n) VALUES ('notification_logs', 1) ON CONFLICT DO UPDATE SET n = n + 1;
        END;
        CREATE TRIGGER IF NOT EXISTS notification_logs_count_delete AFTER DELETE ON notification_logs BEGIN
            UPDATE row_counts SET n = n - 1 WHERE name = 'notification_logs';
        END;
        """
}
