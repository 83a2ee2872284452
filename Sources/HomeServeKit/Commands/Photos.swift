#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum PhotoCommands {
    static let all: [Command] = [list, upload, delete]

    static let columns = ["id", "image_type", "description", "uploaded_by", "uploaded_at", "image"]
    static let imageTypes = ["before", "after", "additional"]

    static let list = Command(
        "photos list",
        summary: "List the photos of a booking",
        flags: [Flag("booking", .identifier, "Booking whose photos to list", required: true)] + ListFlags.all,
        examples: [
            Example("homeserve photos list --booking 3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13", "Before and after photos of a job"),
            Example("homeserve photos list --booking 3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13 -o json --fields id,image", "Photo ids and their URLs"),
        ]
    ) { inv in
        try inv.showList("/api/photos/", query: [("booking", inv.values.string("booking"))], columns: columns)
    }

    static let upload = Command(
        "photos upload",
        summary: "Upload a before, after or additional photo of a job (vendors)",
        discussion: """
        FILE must be a JPEG, PNG, GIF or WEBP image (recognised by its first bytes, not its name) of at most
        10 MB; anything else fails with exit code 2 before a byte is sent. The file is streamed from disk,
        with a progress bar on stderr when stderr is a terminal.
        """,
        flags: [
            Flag("booking", .identifier, "Booking the photo belongs to", required: true),
            Flag("type", .choice(imageTypes), "When the photo was taken", required: true),
            Flag("description", .string, "What the photo shows"),
        ],
        arguments: [Argument("FILE", .file, "The image to upload")],
        examples: [
            Example("homeserve photos upload --booking 3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13 --type before sink.jpg", "A photo before the work starts"),
            Example("homeserve photos upload --booking 3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13 --type after --description 'New tap fitted' tap.png", "An after photo with a caption"),
        ]
    ) { inv in
        let file = inv.values.argument(0)!
        let contentType = try UploadFile.checkImage(file)
        var parts: [MultipartPart] = [.field(name: "booking", value: inv.values.string("booking")!),
                                      .field(name: "image_type", value: inv.values.string("type")!),
                                      .file(name: "image", path: file, contentType: contentType)]
        if let description = inv.values.string("description") { parts.append(.field(name: "description", value: description)) }
        let photo = try inv.upload("/api/photos/", parts: parts, label: UploadFile.name(file))
        if let id = photo?["id"]?.stringValue { inv.note("Uploaded photo \(id).") }
        try inv.show(photo)
    }

    static let delete = Command(
        "photos delete",
        summary: "Delete a photo you uploaded",
        arguments: [Argument("ID", .identifier, "Photo id")],
        examples: [Example("homeserve photos delete 42", "Remove a blurred photo")]
    ) { inv in
        let id = inv.values.argument(0)!
        if try inv.client().send("DELETE", "/api/photos/\(id)/") != nil { inv.note("Deleted photo \(id).") }
    }
}

/// Checks on files that are uploaded, made before anything is sent.
enum UploadFile {
    /// The server refuses photos and dispute attachments above this size.
    static let maxBytes = 10 * 1024 * 1024

    /// The image types the server accepts, by their magic bytes: a renamed text file is caught here
    /// instead of by a 400 after the whole upload.
    static func imageType(_ head: [UInt8]) -> String? {
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "image/png" }
        if head.starts(with: [0x47, 0x49, 0x46, 0x38]) { return "image/gif" }
        if head.count >= 12, head.starts(with: Array("RIFF".utf8)), Array(head[8..<12]) == Array("WEBP".utf8) { return "image/webp" }
        return nil
    }

    /// The content type of an attachment: an image type when it is one, PDF by its signature, else bytes.
    static func contentType(_ path: String) -> String {
        let head = self.head(path)
        if let image = imageType(head) { return image }
        if head.starts(with: Array("%PDF".utf8)) { return "application/pdf" }
        return "application/octet-stream"
    }

    /// Validates a photo for `photos upload` and returns its content type.
    static func checkImage(_ path: String) throws -> String {
        guard let type = imageType(head(path)) else {
            throw CLIError.usage("invalid value '\(path)' for FILE: not an image the server accepts; expected JPEG, PNG, GIF or WEBP (recognised by content) of at most 10 MB")
        }
        try checkSize(path, for: "FILE")
        return type
    }

    static func checkSize(_ path: String, for what: String) throws {
        let size = FileFacts.size(path) ?? 0
        guard size <= maxBytes else {
            throw CLIError.usage("invalid value '\(path)' for \(what): \(megabytes(Int64(size))) MB is over the 10 MB upload limit")
        }
    }

    static func head(_ path: String, count: Int = 12) -> [UInt8] {
        guard let file = fopen(path, "rb") else { return [] }
        defer { fclose(file) }
        var buffer = [UInt8](repeating: 0, count: count)
        let n = fread(&buffer, 1, count, file)
        return Array(buffer.prefix(n))
    }

    static func name(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    static func megabytes(_ bytes: Int64) -> String {
        let tenths = Int((Double(bytes) / 104_857.6).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}

/// One line on stderr, redrawn in place only when the percentage changes.
final class ProgressBar {
    let terminal: Terminal
    let label: String
    private var shown = -1

    init(terminal: Terminal, label: String) {
        self.terminal = terminal
        self.label = label
    }

    func update(sent: Int64, total: Int64) {
        let percent = Int(min(sent, total) * 100 / max(total, 1))
        guard percent != shown else { return }
        shown = percent
        let width = 30, filled = percent * width / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        terminal.err("\r\(label) [\(bar)] \(percent)% of \(UploadFile.megabytes(total)) MB", newline: false)
    }

    func finish() {
        if shown >= 0 { terminal.err("") }
    }
}

extension Invocation {
    /// POSTs a multipart body, with a progress bar when stderr is a terminal not kept quiet or busy
    /// with --verbose logs.
    func upload(_ path: String, parts: [MultipartPart], label: String) throws -> JSON? {
        guard terminal.stderrIsTTY, !quiet, !dryRun, !global.bool("verbose") else { return try client().send("POST", path, body: .multipart(parts)) }
        let bar = ProgressBar(terminal: terminal, label: label)
        let api = try client()
        api.uploadProgress = bar.update
        defer {
            api.uploadProgress = nil
            bar.finish()
        }
        return try api.send("POST", path, body: .multipart(parts))
    }
}
