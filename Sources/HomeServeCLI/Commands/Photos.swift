import HomeServeAPI
import HomeServeCore

enum PhotoCommands {
    static let all: [Command] = [list, upload, delete]

    static let columns = ["id", "image_type", "description", "uploaded_by", "uploaded_at", "image"]
    static let imageTypes = ["before", "after", "additional"]

    static let listBooking = Flag("booking", .identifier, "Only the photos of this booking")

    static let list = Command(
        "photos list",
        summary: "List the photos of the bookings you can see, or of one booking",
        discussion: "With --booking only its photos are printed, even from a server that ignores the filter (-v says how many it sent anyway).",
        flags: [listBooking] + ListFlags.flags,
        examples: [
            Example("homeserve photos list --booking 3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13", "Before and after photos of a job"),
            Example("homeserve photos list --all -o csv --fields id,booking,image_type", "Every photo you can see"),
            Example("homeserve photos list --booking 3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13 -o json --fields id,image", "Photo ids and their URLs"),
        ]
    ) { inv in
        var filters = ListFilters()
        filters.add("booking", inv[listBooking], flag: "booking", paths: ["booking", "booking_id"])
        return try inv.listing("/api/photos/", filters, presentation: .report(columns))
    }

    static let booking = RequiredFlag("booking", .identifier, "Booking the photo belongs to")
    static let type = RequiredFlag("type", .choice(imageTypes), "When the photo was taken")
    static let description = Flag("description", .text, "What the photo shows")
    static let file = Argument("FILE", .file, "The image to upload")

    static let upload = Command(
        "photos upload",
        summary: "Upload a before, after or additional photo of a job (vendors)",
        discussion: """
        FILE must be a JPEG, PNG, GIF or WEBP image (recognised by its first bytes, not its name) of at most
        10 MB; anything else fails with exit code 2 before a byte is sent. The file is streamed from disk,
        with a progress bar on stderr when stderr is a terminal.
        """,
        flags: [booking, type, description],
        arguments: [file],
        examples: [
            Example("homeserve photos upload --booking 3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13 --type before sink.jpg", "A photo before the work starts"),
            Example("homeserve photos upload --booking 3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13 --type after --description 'New tap fitted' tap.png", "An after photo with a caption"),
        ]
    ) { inv in
        let path = inv[file]
        let contentType = try UploadFile.checkImage(path)
        var parts: [MultipartPart] = [.field(name: "booking", value: inv[booking]), .field(name: "image_type", value: inv[type]),
                                      .file(name: "image", path: path, contentType: contentType)]
        if let text = inv[description] { parts.append(.field(name: "description", value: text)) }
        guard let photo = try UploadFile.post(inv, "/api/photos/", parts: parts, label: FileFacts.baseName(path)) else { return .nothing }
        if let new = try Invocation.madeID(photo, of: APICall("POST", "/api/photos/"), .resource(columns, wrappedIn: ["photo"]), client: try inv.client()) {
            inv.note("Uploaded photo \(new).")
        }
        return .document(photo, .resource(columns, wrappedIn: ["photo"]))
    }

    static let id = Argument("ID", .identifier, "Photo id")

    static let delete = Command(
        "photos delete",
        summary: "Delete a photo you uploaded",
        arguments: [id],
        examples: [Example("homeserve photos delete 42", "Remove a blurred photo")]
    ) { inv in
        // Through json(), as every write: a 2xx answer saying the photo was not deleted is exit 6.
        guard try inv.json(APICall("DELETE", "/api/photos/\(inv[id])/")) != nil else { return .nothing }
        inv.note("Deleted photo \(inv[id]).")
        return .nothing
    }
}
