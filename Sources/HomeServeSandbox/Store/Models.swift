import Foundation

enum Role: String, Sendable, CaseIterable {
    case customer
    case vendor
    case onboardManager = "onboard_manager"
    case opsManager = "ops_manager"
    case superAdmin = "super_admin"

    /// Roles that run the platform: admin dashboards, AI endpoints, dispute resolution.
    static let operators: Set<Role> = [.opsManager, .superAdmin]
    /// Roles that may read every booking, signature and dispute.
    static let staff: Set<Role> = [.onboardManager, .opsManager, .superAdmin]

    var isOperator: Bool { Role.operators.contains(self) }
    var isStaff: Bool { Role.staff.contains(self) }
}

struct User: Sendable {
    let id: Int
    let username: String
    let email: String
    let phone: String?
    let role: Role
    let firstName: String
    let lastName: String
    let isVerified: Bool
    let isActive: Bool
    let passwordHash: String

    init(row: SQLRow) {
        id = row.int("id")
        username = row.text("username")
        email = row.text("email")
        phone = row.optionalText("phone")
        role = Role(rawValue: row.text("role")) ?? .customer
        firstName = row.text("first_name")
        lastName = row.text("last_name")
        isVerified = row.bool("is_verified")
        isActive = row.bool("is_active")
        passwordHash = row.text("password")
    }

    var fullName: String {
        let name = [firstName, lastName].filter { !$0.isEmpty }.joined(separator: " ")
        return name.isEmpty ? username : name
    }

    /// The `user` object of the login response.
    var summaryJSON: JSON {
        ["id": .int(id), "username": .string(username), "email": .string(email), "role": .string(role.rawValue),
         "is_verified": .bool(isVerified)]
    }
}

struct VendorProfile: Sendable {
    let userID: Int
    let pincode: String
    let serviceAreas: [String]
    let categories: [String]
    let rating: Double
    let isAvailable: Bool

    init(row: SQLRow) {
        userID = row.int("user_id")
        pincode = row.text("pincode")
        serviceAreas = row.text("service_areas").split(separator: ",").map(String.init)
        categories = row.text("categories").split(separator: ",").map(String.init)
        rating = row.double("rating")
        isAvailable = row.bool("is_available")
    }
}

struct Availability: Sendable {
    let dayOfWeek: Int
    let startMinute: Int
    let endMinute: Int

    init(row: SQLRow) {
        dayOfWeek = row.int("day_of_week")
        startMinute = row.int("start_minute")
        endMinute = row.int("end_minute")
    }

    static func clock(_ minute: Int) -> String { String(format: "%02d:%02d:00", minute / 60, minute % 60) }

    var json: JSON {
        ["day_of_week": .int(dayOfWeek), "start_time": .string(Availability.clock(startMinute)),
         "end_time": .string(Availability.clock(endMinute))]
    }
}

struct Service: Sendable {
    let id: Int
    let name: String
    let description: String
    let basePriceCents: Int
    let category: String
    let durationMinutes: Int
    let isActive: Bool
    let createdAt: Timestamp
    let updatedAt: Timestamp

    init(row: SQLRow) {
        id = row.int("id")
        name = row.text("name")
        description = row.text("description")
        basePriceCents = row.int("base_price_cents")
        category = row.text("category")
        durationMinutes = row.int("duration_minutes")
        isActive = row.bool("is_active")
        createdAt = row.timestamp("created_at")
        updatedAt = row.timestamp("updated_at")
    }

    var json: JSON {
        ["id": .int(id), "name": .string(name), "description": .string(description),
         "base_price": .string(Money.format(basePriceCents)), "category": .string(category),
         "duration_minutes": .int(durationMinutes), "is_active": .bool(isActive),
         "created_at": .string(createdAt.iso), "updated_at": .string(updatedAt.iso)]
    }
}

enum BookingStatus: String, CaseIterable, Sendable {
    case pending, confirmed
    case inProgress = "in_progress"
    case completed, signed, cancelled, disputed
}

struct Booking: Sendable {
    let id: String
    let customerID: Int
    let vendorID: Int?
    let serviceID: Int
    let serviceName: String
    let status: BookingStatus
    let totalPriceCents: Int
    let pincode: String
    let scheduledDate: Timestamp
    let completionDate: Timestamp?
    let customerNotes: String
    let vendorNotes: String
    let createdAt: Timestamp
    let updatedAt: Timestamp
    let estimatedDuration: Int?
    let travelTo: Int?
    let travelFrom: Int?
    let bufferBefore: Int?
    let bufferAfter: Int?
    let actualStart: Timestamp?
    let actualEnd: Timestamp?
    let priceBreakdown: String?

    /// Expects the booking columns plus `service_name` from a join with services.
    init(row: SQLRow) {
        id = row.text("id")
        customerID = row.int("customer_id")
        vendorID = row.optionalInt("vendor_id")
        serviceID = row.int("service_id")
        serviceName = row.text("service_name")
        status = BookingStatus(rawValue: row.text("status")) ?? .pending
        totalPriceCents = row.int("total_price_cents")
        pincode = row.text("pincode")
        scheduledDate = row.timestamp("scheduled_date")
        completionDate = row.optionalTimestamp("completion_date")
        customerNotes = row.text("customer_notes")
        vendorNotes = row.text("vendor_notes")
        createdAt = row.timestamp("created_at")
        updatedAt = row.timestamp("updated_at")
        estimatedDuration = row.optionalInt("estimated_service_duration_minutes")
        travelTo = row.optionalInt("travel_time_to_location_minutes")
        travelFrom = row.optionalInt("travel_time_from_location_minutes")
        bufferBefore = row.optionalInt("buffer_before_minutes")
        bufferAfter = row.optionalInt("buffer_after_minutes")
        actualStart = row.optionalTimestamp("actual_start_time")
        actualEnd = row.optionalTimestamp("actual_end_time")
        priceBreakdown = row.optionalText("dynamic_price_breakdown")
    }

    /// The time the vendor is busy with this job, travel and buffers included.
    var blockedInterval: (start: Timestamp, end: Timestamp) {
        let before = (travelTo ?? 0) + (bufferBefore ?? 0)
        let after = (estimatedDuration ?? 60) + (bufferAfter ?? 0) + (travelFrom ?? 0)
        return (scheduledDate.adding(minutes: -before), scheduledDate.adding(minutes: after))
    }

    var json: JSON {
        let breakdown: JSON = priceBreakdown.flatMap { try? JSONParser.parse(Array($0.utf8)) } ?? .null
        return [
            "id": .string(id), "customer": .int(customerID), "vendor": .optional(vendorID),
            "service": .int(serviceID), "service_name": .string(serviceName), "status": .string(status.rawValue),
            "total_price": .string(Money.format(totalPriceCents)), "pincode": .string(pincode),
            "scheduled_date": .string(scheduledDate.iso), "completion_date": .optional(completionDate?.iso),
            "customer_notes": .string(customerNotes), "vendor_notes": .string(vendorNotes),
            "created_at": .string(createdAt.iso), "updated_at": .string(updatedAt.iso),
            "estimated_service_duration_minutes": .optional(estimatedDuration),
            "travel_time_to_location_minutes": .optional(travelTo),
            "travel_time_from_location_minutes": .optional(travelFrom),
            "buffer_before_minutes": .optional(bufferBefore), "buffer_after_minutes": .optional(bufferAfter),
            "actual_start_time": .optional(actualStart?.iso), "actual_end_time": .optional(actualEnd?.iso),
            "dynamic_price_breakdown": breakdown,
        ]
    }
}

struct Signature: Sendable {
    let id: String
    let bookingID: String
    let signedBy: Int?
    let status: String
    let signatureHash: String?
    let signatureData: String?
    let satisfactionRating: Int?
    let satisfactionComments: String?
    let requestedAt: Timestamp
    let signedAt: Timestamp?
    let expiresAt: Timestamp

    init(row: SQLRow) {
        id = row.text("id")
        bookingID = row.text("booking_id")
        signedBy = row.optionalInt("signed_by")
        status = row.text("status")
        signatureHash = row.optionalText("signature_hash")
        signatureData = row.optionalText("signature_data")
        satisfactionRating = row.optionalInt("satisfaction_rating")
        satisfactionComments = row.optionalText("satisfaction_comments")
        requestedAt = row.timestamp("requested_at")
        signedAt = row.optionalTimestamp("signed_at")
        expiresAt = row.timestamp("expires_at")
    }

    var json: JSON {
        let data: JSON = signatureData.flatMap { try? JSONParser.parse(Array($0.utf8)) } ?? .null
        return [
            "id": .string(id), "booking": .string(bookingID), "signed_by": .optional(signedBy),
            "status": .string(status), "signature_hash": .optional(signatureHash), "signature_data": data,
            "satisfaction_rating": .optional(satisfactionRating),
            "satisfaction_comments": .optional(satisfactionComments), "requested_at": .string(requestedAt.iso),
            "signed_at": .optional(signedAt?.iso), "expires_at": .string(expiresAt.iso),
        ]
    }
}

struct Photo: Sendable {
    let id: Int
    let bookingID: String
    let fileName: String
    let imageType: String
    let description: String
    let uploadedBy: Int
    let uploadedAt: Timestamp

    init(row: SQLRow) {
        id = row.int("id")
        bookingID = row.text("booking_id")
        fileName = row.text("file_name")
        imageType = row.text("image_type")
        description = row.text("description")
        uploadedBy = row.int("uploaded_by")
        uploadedAt = row.timestamp("uploaded_at")
    }

    func json(baseURL: String) -> JSON {
        ["id": .int(id), "booking": .string(bookingID), "image": .string("\(baseURL)/media/\(fileName)"),
         "image_type": .string(imageType), "description": .string(description), "uploaded_by": .int(uploadedBy),
         "uploaded_at": .string(uploadedAt.iso)]
    }
}

struct Dispute: Sendable {
    let id: String
    let bookingID: String
    let customerID: Int
    let vendorID: Int?
    let disputeType: String
    let title: String
    let description: String
    let severity: String
    let status: String
    let customerEvidence: String?
    let vendorEvidence: String?
    let resolutionNotes: String?
    let resolutionEvidence: String?
    let resolutionAmountCents: Int?
    let assignedMediator: Int?
    let escalatedTo: Int?
    let createdAt: Timestamp
    let resolvedAt: Timestamp?

    init(row: SQLRow) {
        id = row.text("id")
        bookingID = row.text("booking_id")
        customerID = row.int("customer_id")
        vendorID = row.optionalInt("vendor_id")
        disputeType = row.text("dispute_type")
        title = row.text("title")
        description = row.text("description")
        severity = row.text("severity")
        status = row.text("status")
        customerEvidence = row.optionalText("customer_evidence")
        vendorEvidence = row.optionalText("vendor_evidence")
        resolutionNotes = row.optionalText("resolution_notes")
        resolutionEvidence = row.optionalText("resolution_evidence")
        resolutionAmountCents = row.optionalInt("resolution_amount_cents")
        assignedMediator = row.optionalInt("assigned_mediator")
        escalatedTo = row.optionalInt("escalated_to")
        createdAt = row.timestamp("created_at")
        resolvedAt = row.optionalTimestamp("resolved_at")
    }

    func involves(_ user: User) -> Bool { user.isStaff || user.id == customerID || user.id == vendorID }
}

struct DisputeMessage: Sendable {
    let id: String
    let disputeID: String
    let senderID: Int
    let recipientID: Int?
    let messageType: String
    let content: String
    let attachmentName: String?
    let attachmentFile: String?
    let isRead: Bool
    let createdAt: Timestamp

    init(row: SQLRow) {
        id = row.text("id")
        disputeID = row.text("dispute_id")
        senderID = row.int("sender_id")
        recipientID = row.optionalInt("recipient_id")
        messageType = row.text("message_type")
        content = row.text("content")
        attachmentName = row.optionalText("attachment_name")
        attachmentFile = row.optionalText("attachment_file")
        isRead = row.bool("is_read")
        createdAt = row.timestamp("created_at")
    }
}

extension User {
    var isStaff: Bool { role.isStaff }
    var isOperator: Bool { role.isOperator }
}

/// Stored JSON text (evidence, signature data) back to a value; anything unparsable comes back as a string.
func storedJSON(_ text: String?) -> JSON {
    guard let text else { return .null }
    return (try? JSONParser.parse(Array(text.utf8))) ?? .string(text)
}

// MARK: - Lookups shared by several route groups

extension SQLiteDatabase {
    func user(id: Int) throws -> User? {
        try queryOne("SELECT * FROM users WHERE id = ?", [id]).map(User.init)
    }

    func userName(id: Int?) throws -> String? {
        guard let id else { return nil }
        return try user(id: id)?.fullName
    }

    func vendorProfile(userID: Int) throws -> VendorProfile? {
        try queryOne("SELECT * FROM vendor_profiles WHERE user_id = ?", [userID]).map(VendorProfile.init)
    }

    func vendorProfiles() throws -> [VendorProfile] {
        try query("SELECT * FROM vendor_profiles ORDER BY user_id").map(VendorProfile.init)
    }

    func availability(vendorID: Int) throws -> [Availability] {
        try query("SELECT * FROM vendor_availability WHERE vendor_id = ? ORDER BY day_of_week, start_minute",
                  [vendorID]).map(Availability.init)
    }

    func service(id: Int) throws -> Service? {
        try queryOne("SELECT * FROM services WHERE id = ?", [id]).map(Service.init)
    }

    static let bookingSelect = """
        SELECT b.*, s.name AS service_name FROM bookings b JOIN services s ON s.id = b.service_id
        """

    func booking(id: String) throws -> Booking? {
        try queryOne("\(Self.bookingSelect) WHERE b.id = ?", [id]).map(Booking.init)
    }

    func signature(id: String) throws -> Signature? {
        try queryOne("SELECT * FROM signatures WHERE id = ?", [id]).map(Signature.init)
    }

    func dispute(id: String) throws -> Dispute? {
        try queryOne("SELECT * FROM disputes WHERE id = ?", [id]).map(Dispute.init)
    }

    /// Vendors whose service area includes `pincode`.
    func vendors(serving pincode: String) throws -> [VendorProfile] {
        try vendorProfiles().filter { $0.serviceAreas.contains(pincode) }
    }

    /// Appends to the audit trail the admin dashboard reads. Called inside the same transaction as the write.
    func recordEdit(user: User?, model: String, objectID: String, action: String, before: JSON?, after: JSON?) throws {
        try query(
            """
            INSERT INTO edit_history (user_id, model, object_id, action, before, after, timestamp)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
            [user?.id, model, objectID, action, before?.serialized, after?.serialized, Timestamp.now()])
    }

    /// Records a notification the way the real backend's notification log does; the sandbox never sends it.
    func logNotification(recipient: Int?, type: String, method: String, subject: String, message: String,
                         relatedObject: String?, at time: Timestamp = .now()) throws
    {
        try query(
            """
            INSERT INTO notification_logs (recipient_id, notification_type, method, status, subject, message,
                related_object_id, created_at, sent_at)
            VALUES (?, ?, ?, 'sent', ?, ?, ?, ?, ?)
            """,
            [recipient, type, method, subject, message, relatedObject, time, time])
    }
}
