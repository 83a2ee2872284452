import HomeServeAPI
import HomeServeCore

/// Checks on files that are uploaded, made before anything is sent, and the POST that streams them.
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

    /// An attachment is sent as an image when it is one, a PDF by its signature, else as bytes.
    static func contentType(_ path: String) -> String {
        let head = FileFacts.head(path)
        if let image = imageType(head) { return image }
        if head.starts(with: Array("%PDF".utf8)) { return "application/pdf" }
        return "application/octet-stream"
    }

    /// Validates a photo for `photos upload` and returns its content type.
    static func checkImage(_ path: String) throws -> String {
        guard let type = imageType(FileFacts.head(path)) else {
            throw CLIError.usage("invalid value '\(path)' for FILE: not an image the server accepts; expected JPEG, PNG, GIF or WEBP (recognised by content) of at most 10 MB")
        }
        try checkSize(path, for: "FILE")
        return type
    }

    static func checkSize(_ path: String, for what: String) throws {
        let size = FileFacts.size(path) ?? 0
        guard size <= maxBytes else {
            throw CLIError.usage("invalid value '\(path)' for \(what): its \(size) bytes are over the 10 MB upload limit (\(maxBytes) bytes)")
        }
    }

    static func megabytes(_ bytes: Int64) -> String {
        let tenths = Int((Double(bytes) / 104_857.6).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// POSTs a multipart body, with a progress bar when stderr is a terminal not kept quiet or busy with
    /// --verbose logs.
    static func post(_ inv: Invocation, _ path: String, parts: [MultipartPart], label: String) throws -> JSON? {
        var call = APICall("POST", path, body: .multipart(parts))
        let stderr = inv.context.stderr
        var bar: ProgressBar?
        if stderr.isTerminal, !inv.quiet, !inv.dryRun, !inv.verbose {
            let shown = ProgressBar(out: stderr, label: label)
            call.uploadProgress = { shown.update(sent: $0, total: $1) }
            bar = shown
        }
        defer { bar?.finish() }
        return try inv.json(call)
    }
}

/// One line on stderr, redrawn in place only when the percentage changes.
final class ProgressBar {
    let out: OutputChannel
    let label: String
    private var shown = -1

    init(out: OutputChannel, label: String) {
        self.out = out
        self.label = TerminalText.visible(label)
    }

    func update(sent: Int64, total: Int64) {
        let percent = Int(min(sent, total) * 100 / max(total, 1))
        guard percent != shown else { return }
        shown = percent
        let width = 30, filled = percent * width / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        out.write("\rhomeserve: \(label) [\(bar)] \(percent)% of \(UploadFile.megabytes(total)) MB")
    }

    func finish() {
        if shown >= 0 { out.write("\n") }
    }
}
