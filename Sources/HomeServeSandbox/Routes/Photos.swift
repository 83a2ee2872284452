/// `/api/photos/`: before/after photos of a job, stored under the data directory and served from `/media/`.
struct PhotoRoutes: Sendable {
    let sandbox: Sandbox

    static let maxBytes = 10 * 1024 * 1024

    func register(in table: inout RouteTable) {
        table.add("GET", "/api/photos/", .authenticated) { try await self.list($0) }
        table.add("POST", "/api/photos/", .authenticated) { try await self.upload($0) }
        table.add("GET", "/api/photos/{id}/", .authenticated) { try await self.detail($0) }
        table.add("DELETE", "/api/photos/{id}/", .authenticated) { try await self.delete($0) }
    }

    private func baseURL(_ request: APIRequest) -> String { "http://\(request.host)" }

    /// Photos of the bookings the caller can see.
    private func visiblePhoto(_ request: APIRequest, _ user: User, _ db: SQLiteDatabase) throws -> Photo {
        let clause = try BookingRoutes.visibility(for: user, in: db)
        guard let id = Int(request.parameter(0)),
              let row = try db.queryOne(
                  "SELECT p.* FROM photos p JOIN bookings b ON b.id = p.booking_id WHERE p.id = ? AND \(clause.sql)",
                  [id] + clause.parameters)
        else { throw APIError.notFoundDefault }
        return Photo(row: row)
    }

    private func list(_ request: APIRequest) async throws -> APIResponse {
        let user = try request.requiredUser
        var query = QueryReader(request)
        let paging = PageRequest(sandbox.shapes.envelope(.photos), &query)
        try query.check()
        return try sandbox.store.read { db in
            let clause = try BookingRoutes.visibility(for: user, in: db)
            var conditions = [clause.sql]
            var parameters = clause.parameters
            if let booking = request.query("booking"), !booking.isEmpty {
                conditions.append("p.booking_id = ?")
                parameters.append(Crypto.normalizedUUID(booking) ?? booking)
            }
            if let type = request.query("image_type"), !type.isEmpty {
                conditions.append("p.image_type = ?")
                parameters.append(type)
            }
            let from = "FROM photos p JOIN bookings b ON b.id = p.booking_id WHERE \(conditions.joined(separator: " AND "))"
            let count = try db.scalarInt("SELECT COUNT(*) \(from)", parameters)
            let window = try paging.window(total: count)
            let rows = try db.query("SELECT p.* \(from) ORDER BY p.uploaded_at DESC, p.id DESC LIMIT ? OFFSET ?",
                                    parameters + [window.size, window.offset])
            let items = rows.map { Photo(row: $0).json(baseURL: baseURL(request)) }
            return .json(paging.envelope.body(items, window, request: request))
        }
    }

    private func detail(_ request: APIRequest) async throws -> APIResponse {
        let user = try request.requiredUser
        return .json(try sandbox.store.read { try visiblePhoto(request, user, $0) }.json(baseURL: baseURL(request)))
    }

    /// The image format from the file's first bytes; the client's content type and file name are not trusted.
    static func imageExtension(_ data: [UInt8]) -> String? {
        if data.starts(with: [0xFF, 0xD8, 0xFF]) { return "jpg" }
        if data.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "png" }
        if data.starts(with: Array("GIF87a".utf8)) || data.starts(with: Array("GIF89a".utf8)) { return "gif" }
        if data.count >= 12, data.starts(with: Array("RIFF".utf8)), Array(data[8..<12]) == Array("WEBP".utf8) {
            return "webp"
        }
        return nil
    }

    private func upload(_ request: APIRequest) async throws -> APIResponse {
        let user = try request.requiredUser
        let data = try request.data()
        var fields = FieldReader(data.fields)
        let bookingID = fields.string("booking", required: true, allowBlank: false)
        let imageType = fields.choice("image_type", ["before", "after", "additional"], required: true)
        let description = fields.string("description", maxLength: 1000) ?? ""
        var fileExtension: String?
        if let image = data.file("image") {
            if image.data.isEmpty {
                fields.errors.add("image", "The submitted file is empty.")
            } else if image.data.count > Self.maxBytes {
                fields.errors.add("image", "File size cannot exceed 10MB.")
            } else if let ext = Self.imageExtension(image.data) {
                fileExtension = ext
            } else {
                fields.errors.add(
                    "image", "Upload a valid image. The file you uploaded was either not an image or a corrupted image.")
            }
        } else {
            fields.errors.add("image", "No file was submitted.")
        }
        let booking = try sandbox.store.read { db -> Booking? in
            guard let bookingID else { return nil }
            guard let id = Crypto.normalizedUUID(bookingID),
                  let booking = try BookingRoutes.visibleBooking(id: id, to: user, in: db)
            else {
                fields.errors.add("booking", "Invalid pk \"\(bookingID)\" - object does not exist.")
                return nil
            }
            return booking
        }
        try fields.check()
        guard let booking, let imageType, let fileExtension, let image = data.file("image") else {
            throw APIError.badRequest("Invalid upload.")
        }
        guard user.id == booking.customerID || user.id == booking.vendorID || user.isOperator else {
            throw APIError.permissionDenied
        }
        let relative = try sandbox.media.save(image.data, folder: "booking_photos", fileExtension: fileExtension)
        let photo: Photo
        do {
            photo = try sandbox.store.write { db -> Photo in
                try db.query(
                    """
                    INSERT INTO photos (booking_id, file_name, image_type, description, uploaded_by, uploaded_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                    [booking.id, relative, imageType, description, user.id, Timestamp.now()])
                guard let row = try db.queryOne("SELECT * FROM photos WHERE id = ?", [db.lastInsertRowID]) else {
                    throw APIError.notFoundDefault
                }
                let photo = Photo(row: row)
                try db.recordEdit(user: user, model: "Photo", objectID: String(photo.id), action: "create",
                                  before: nil, after: photo.json(baseURL: baseURL(request)))
                return photo
            }
        } catch {
            // The file was written before the transaction; without its row nothing would ever reach it.
            sandbox.media.delete(relative)
            throw error
        }
        return .json(sandbox.shapes.render(.photoUploaded, photo.json(baseURL: baseURL(request))), status: 201)
    }

    private func delete(_ request: APIRequest) async throws -> APIResponse {
        let user = try request.requiredUser
        let photo = try sandbox.store.write { db -> Photo in
            let photo = try visiblePhoto(request, user, db)
            guard photo.uploadedBy == user.id || user.isOperator else { throw APIError.permissionDenied }
            try db.query("DELETE FROM photos WHERE id = ?", [photo.id])
            try db.recordEdit(user: user, model: "Photo", objectID: String(photo.id), action: "delete",
                              before: photo.json(baseURL: baseURL(request)), after: nil)
            return photo
        }
        sandbox.media.delete(photo.fileName)
        return .noContent()
    }
}
