import Foundation

/// The sandbox's state: one SQLite connection, used by one caller at a time.
///
/// Handlers run concurrently on the server's event loops; a single lock around a single connection is the
/// simplest arrangement that keeps SQLite's transactions and `last_insert_rowid` meaningful.
// @unchecked: the one connection is used only while `lock` is held.
final class Store: @unchecked Sendable {
    private let database: SQLiteDatabase
    private let lock = NSLock()

    /// `path` nil means an in-memory database that vanishes with the process.
    init(path: String?) throws {
        database = try SQLiteDatabase(path: path ?? ":memory:")
        try database.execute("PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL;")
        try database.execute(Self.schema)
    }

    func read<T>(_ body: (SQLiteDatabase) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(database)
    }

    /// Runs `body` in one transaction: either every change (and its edit-history row) lands, or none does.
    @discardableResult
    func write<T>(_ body: (SQLiteDatabase) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        try database.execute("BEGIN IMMEDIATE")
        do {
            let result = try body(database)
            try database.execute("COMMIT")
            return result
        } catch {
            try? database.execute("ROLLBACK")
            throw error
        }
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
        CREATE INDEX IF NOT EXISTS bookings_customer ON bookings(customer_id);
        CREATE INDEX IF NOT EXISTS bookings_vendor ON bookings(vendor_id);
        CREATE INDEX IF NOT EXISTS bookings_pincode ON bookings(pincode, status);

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
            used_at INTEGER
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
        """
}
