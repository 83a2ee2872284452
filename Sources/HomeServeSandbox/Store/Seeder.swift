import Foundation

/// The fixed data a fresh sandbox starts with. Everything is deterministic except the dates, which are laid
/// out relative to today so "future" bookings stay in the future.
///
/// Users (password `password123`, email `<username>@example.com`, phone `+9198765432NN` with NN the id):
///   1 customer1 (customer), 2 vendor1 (vendor, 560001), 3 onboard_mgr (onboard_manager),
///   4 ops_mgr (ops_manager), 5 admin (super_admin), 6 customer2 (customer), 7 vendor2 (vendor, 560002).
/// Services 1–9 are active (Cleaning 1–3, Plumbing 4–5, Electrical 6–7, Appliance Repair 8–9); service 10 is
/// inactive. Bookings 1–45 belong to customer1 (every status, 27 in 560001 and 18 in 560002), 46–49 to
/// customer2; see `fixedID` for their ids.
struct Seeder {
    let store: Store
    /// Pending bookings added for customer1 beyond the fixed set, so long listings can be measured.
    var extraBookings = 0
    static let password = "password123"

    func seedIfEmpty() throws {
        let users = try store.read { try $0.scalarInt("SELECT COUNT(*) FROM users") }
        guard users == 0 else { return }
        try store.write { db in try seed(db) }
    }

    /// Readable fixed UUIDs for seeded rows: bookings use group `8000`, signatures `9000`, disputes `a000`,
    /// and the last block is the booking number, so booking 7's dispute is `00000000-0000-4000-a000-000000000007`.
    static func fixedID(group: String, _ number: Int) -> String {
        "00000000-0000-4000-\(group)-" + number.zeroPadded(to: 12)
    }

    private struct SeedUser {
        let username: String
        let role: Role
        let firstName: String
        let lastName: String
    }

    private static let users: [SeedUser] = [
        SeedUser(username: "customer1", role: .customer, firstName: "Priya", lastName: "Sharma"),
        SeedUser(username: "vendor1", role: .vendor, firstName: "Ravi", lastName: "Kumar"),
        SeedUser(username: "onboard_mgr", role: .onboardManager, firstName: "Meera", lastName: "Iyer"),
        SeedUser(username: "ops_mgr", role: .opsManager, firstName: "Arjun", lastName: "Rao"),
        SeedUser(username: "admin", role: .superAdmin, firstName: "Site", lastName: "Admin"),
        SeedUser(username: "customer2", role: .customer, firstName: "Karan", lastName: "Mehta"),
        SeedUser(username: "vendor2", role: .vendor, firstName: "Suresh", lastName: "Patel"),
    ]

    private static let services: [(name: String, description: String, rupees: Int, category: String, minutes: Int,
                                   active: Bool)] = [
        ("Home Deep Cleaning", "Top-to-bottom cleaning of every room, kitchen and bathrooms.", 2499, "Cleaning", 240, true),
        ("Bathroom Cleaning", "Descaling, disinfection and polishing of one bathroom.", 799, "Cleaning", 90, true),
        ("Kitchen Cleaning", "Degreasing of hob, chimney exterior, counters and cabinets.", 999, "Cleaning", 120, true),
        ("Tap and Leak Repair", "Fixing a dripping tap, leaking pipe joint or faulty washer.", 349, "Plumbing", 45, true),
        ("Drain Unclogging", "Clearing a blocked sink, shower or floor drain.", 499, "Plumbing", 60, true),
        ("Ceiling Fan Installation", "Mounting and wiring one ceiling fan.", 299, "Electrical", 45, true),
        ("Switchboard Repair", "Replacing faulty switches, sockets or a switchboard.", 249, "Electrical", 30, true),
        ("AC Servicing", "Filter cleaning, coil wash and gas pressure check for a split AC.", 599, "Appliance Repair", 60, true),
        ("Washing Machine Repair", "Diagnosis and repair of a front- or top-load washer.", 449, "Appliance Repair", 60, true),
        ("Sofa Shampooing", "Deep shampoo of a five-seater fabric sofa (discontinued).", 1299, "Cleaning", 120, false),
    ]

    private func seed(_ db: SQLiteDatabase) throws {
        let now = Timestamp.now()
        let today = now.startOfDay
        let joined = today.adding(days: -90)

        for (index, user) in Self.users.enumerated() {
            let id = index + 1
            try db.query(
                """
                INSERT INTO users (id, username, email, phone, password, role, first_name, last_name, is_verified,
                    is_active, date_joined)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, 1, ?)
                """,
                [id, user.username, "\(user.username)@example.com", String(format: "+91987654320%d", id),
                 PasswordHasher.hash(Self.password), user.role.rawValue, user.firstName, user.lastName,
                 joined.adding(days: index)])
        }

        // vendor1 (id 2) and vendor2 (id 7) share 560003, so that pincode has two vendors to compare.
        try db.query(
            """
            INSERT INTO vendor_profiles (user_id, pincode, service_areas, categories, rating, is_available) VALUES
            (2, '560001', '560001,560003', 'Cleaning,Plumbing,Electrical,Appliance Repair', 4.6, 1),
            (7, '560002', '560002,560003', 'Cleaning,Electrical,Appliance Repair', 4.2, 1)
            """)
        for day in 0...5 {  // vendor1: Monday–Saturday 09:00–18:00
            try db.query("INSERT INTO vendor_availability (vendor_id, day_of_week, start_minute, end_minute) VALUES (2, ?, 540, 1080)", [day])
        }
        for day in 0...4 {  // vendor2: Monday–Friday 08:00–20:00, Sunday 10:00–16:00
            try db.query("INSERT INTO vendor_availability (vendor_id, day_of_week, start_minute, end_minute) VALUES (7, ?, 480, 1200)", [day])
        }
        try db.query("INSERT INTO vendor_availability (vendor_id, day_of_week, start_minute, end_minute) VALUES (7, 6, 600, 960)")

        for (index, service) in Self.services.enumerated() {
            let created = joined.adding(minutes: index)
            try db.query(
                """
                INSERT INTO services (id, name, description, base_price_cents, category, duration_minutes, is_active,
                    created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [index + 1, service.name, service.description, service.rupees * 100, service.category, service.minutes,
                 service.active, created, created])
        }

        // customer1: 45 bookings cycling through every status, 27 in 560001 and 18 in 560002.
        let cycle: [BookingStatus] = [.pending, .confirmed, .completed, .pending, .inProgress, .signed, .cancelled,
                                      .completed, .disputed]
        var plans: [BookingPlan] = []
        for i in 0..<45 {
            let status = cycle[i % 9]
            let pincode = i % 5 >= 3 ? "560002" : "560001"
            let hour = 9 + i % 8
            let day: Int
            switch status {
            case .pending, .confirmed: day = i + 1
            case .inProgress: day = 0
            default: day = -(i + 1)
            }
            plans.append(BookingPlan(
                number: i + 1, customer: 1, service: (i / 9 + i) % 9 + 1, status: status, pincode: pincode,
                scheduled: today.adding(days: day).adding(minutes: hour * 60),
                created: today.adding(days: -60).adding(minutes: i * 60 + 7)))
        }
        // customer2: a few bookings for permission tests, one pending in each vendor's area.
        let others: [(BookingStatus, String, Int, Int, Int)] = [
            (.pending, "560001", 2, 3, 11), (.confirmed, "560001", 5, 5, 15), (.completed, "560002", 8, -4, 10),
            (.pending, "560002", 6, 6, 12),
        ]
        for (offset, other) in others.enumerated() {
            plans.append(BookingPlan(
                number: 46 + offset, customer: 6, service: other.2, status: other.0, pincode: other.1,
                scheduled: today.adding(days: other.3).adding(minutes: other.4 * 60),
                created: today.adding(days: -10).adding(minutes: offset * 60 + 7)))
        }
        let services = Dictionary(uniqueKeysWithValues: try db.query("SELECT * FROM services").map {
            let service = Service(row: $0)
            return (service.id, service)
        })
        for plan in plans { try insert(plan, service: services[plan.service], db: db, now: now) }
        // Made one at a time rather than planned up front, so a million of them never sit in memory at once.
        for extra in 0..<extraBookings {
            let plan = BookingPlan(
                number: 50 + extra, customer: 1, service: extra % 9 + 1, status: .pending, pincode: extra % 2 == 0 ? "560001" : "560002",
                scheduled: today.adding(days: 30 + extra % 300).adding(minutes: (9 + extra % 8) * 60),
                created: today.adding(days: -90).adding(minutes: extra))
            try insert(plan, service: services[plan.service], db: db, now: now)
        }
    }

    private struct BookingPlan {
        let number: Int
        let customer: Int
        let service: Int
        let status: BookingStatus
        let pincode: String
        let scheduled: Timestamp
        let created: Timestamp
    }

    private func insert(_ plan: BookingPlan, service: Service?, db: SQLiteDatabase, now: Timestamp) throws {
        guard let service else { return }
        let id = Self.fixedID(group: "8000", plan.number)
        let hasVendor = ![.pending, .cancelled].contains(plan.status)
        let vendorID: Int? = hasVendor ? (plan.pincode == "560001" ? 2 : 7) : nil
        let vendorPincode = vendorID == 2 ? "560001" : "560002"
        let travel = vendorID == nil ? 20 : Pincode.travelMinutes(vendorPincode, plan.pincode)
        let finished = [.completed, .signed, .disputed].contains(plan.status)
        let started = finished || plan.status == .inProgress
        let end = plan.scheduled.adding(minutes: service.durationMinutes)
        let updated = plan.status == .pending ? plan.created : plan.created.adding(days: 1)
        try db.query(
            """
            INSERT INTO bookings (id, customer_id, vendor_id, service_id, status, total_price_cents, pincode,
                scheduled_date, completion_date, customer_notes, vendor_notes, created_at, updated_at,
                estimated_service_duration_minutes, travel_time_to_location_minutes,
                travel_time_from_location_minutes, buffer_before_minutes, buffer_after_minutes, actual_start_time,
                actual_end_time, dynamic_price_breakdown)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 15, 15, ?, ?, NULL)
            """,
            [id, plan.customer, vendorID, service.id, plan.status.rawValue, service.basePriceCents, plan.pincode,
             plan.scheduled, finished ? end : nil, plan.number % 4 == 0 ? "Please call before arriving." : "",
             hasVendor && plan.number % 5 == 0 ? "Bring a ladder." : "", plan.created, updated,
             service.durationMinutes, travel, travel, started ? plan.scheduled : nil, finished ? end : nil])

        try db.logNotification(recipient: plan.customer, type: "booking_created", method: "email",
                               subject: "Booking received", message: "We received your booking for \(service.name).",
                               relatedObject: id, at: plan.created)
        if vendorID != nil {
            try db.logNotification(recipient: plan.customer, type: "booking_confirmed", method: "sms",
                                   subject: "Booking confirmed", message: "Your \(service.name) booking is confirmed.",
                                   relatedObject: id, at: updated)
        }
        if finished {
            let paymentStatus = plan.status == .signed ? "succeeded" : "requires_capture"
            try db.query(
                "INSERT INTO payments (id, booking_id, amount_cents, currency, status, created_at) VALUES (?, ?, ?, 'INR', ?, ?)",
                ["pi_seed" + String(format: "%017d", plan.number), id,
                 service.basePriceCents, paymentStatus, end])
        }
        try seedSignatureAndDispute(plan, bookingID: id, vendorID: vendorID, end: end, db: db, now: now)
    }

    private func seedSignatureAndDispute(_ plan: BookingPlan, bookingID: String, vendorID: Int?, end: Timestamp,
                                         db: SQLiteDatabase, now: Timestamp) throws
    {
        let signatureID = Self.fixedID(group: "9000", plan.number)
        switch plan.status {
        case .signed:
            let rating = 5 - plan.number % 2
            let data: JSON = [
                "booking_id": .string(bookingID), "customer_id": .int(plan.customer),
                "signed_at": .string(end.adding(minutes: 30).iso), "satisfaction_rating": .int(rating),
                "comments": "Great work.",
            ]
            try db.query(
                """
                INSERT INTO signatures (id, booking_id, signed_by, status, signature_hash, signature_data,
                    satisfaction_rating, satisfaction_comments, requested_at, signed_at, expires_at)
                VALUES (?, ?, ?, 'signed', ?, ?, ?, 'Great work.', ?, ?, ?)
                """,
                [signatureID, bookingID, plan.customer, Crypto.sha256Hex(data.serialized), data.serialized, rating,
                 end.adding(minutes: 5), end.adding(minutes: 30), end.adding(days: 2)])
        case .completed where plan.number % 18 == 3:
            // A few completed jobs await the customer's signature.
            try db.query(
                """
                INSERT INTO signatures (id, booking_id, status, requested_at, expires_at)
                VALUES (?, ?, 'pending', ?, ?)
                """,
                [signatureID, bookingID, now, now.adding(days: 2)])
        case .disputed:
            try db.query(
                """
                INSERT INTO signatures (id, booking_id, status, requested_at, expires_at)
                VALUES (?, ?, 'disputed', ?, ?)
                """,
                [signatureID, bookingID, end.adding(minutes: 5), end.adding(days: 2)])
            let disputeID = Self.fixedID(group: "a000", plan.number)
            let opened = end.adding(minutes: 60)
            try db.query(
                """
                INSERT INTO disputes (id, booking_id, customer_id, vendor_id, dispute_type, title, description,
                    severity, status, customer_evidence, created_at)
                VALUES (?, ?, ?, ?, 'quality', 'Work not finished properly', ?, 'medium', ?, ?, ?)
                """,
                [disputeID, bookingID, plan.customer, vendorID,
                 "The job was left incomplete and the area was not cleaned up.",
                 plan.number % 2 == 0 ? "in_progress" : "open", "{\"notes\":\"Photos available on request.\"}",
                 opened])
            let messages: [(Int, Int?, String)] = [
                (plan.customer, vendorID, "The work was left half done."),
                (vendorID ?? plan.customer, plan.customer, "Sorry about that, I can come back tomorrow."),
            ]
            for (offset, message) in messages.enumerated() {
                try db.query(
                    """
                    INSERT INTO dispute_messages (id, seq, dispute_id, sender_id, recipient_id, message_type, content,
                        is_read, created_at)
                    VALUES (?, ?, ?, ?, ?, 'text', ?, ?, ?)
                    """,
                    [Crypto.uuid4(), offset + 1, disputeID, message.0, message.1, message.2, offset == 0,
                     opened.adding(minutes: 10 * (offset + 1))])
            }
        default:
            break
        }
    }
}
