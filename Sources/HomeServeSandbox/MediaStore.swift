import Foundation

/// Uploaded files on disk under the data directory, served back at `/media/<relative path>`.
struct MediaStore: Sendable {
    let root: String
    /// Remove the directory at exit because the sandbox created it.
    let isTemporary: Bool

    init(directory: String?) throws {
        if let directory {
            root = (directory as NSString).standardizingPath
            isTemporary = false
        } else {
            root = NSTemporaryDirectory() + "homeserve-sandbox-\(getpid())-\(Crypto.randomHex(4))"
            isTemporary = true
        }
        try FileManager.default.createDirectory(atPath: root + "/media", withIntermediateDirectories: true)
    }

    /// Saves under `media/<folder>/` with a fresh name (never the client's, which could contain `..`) and
    /// returns the relative path to store.
    func save(_ data: [UInt8], folder: String, fileExtension: String) throws -> String {
        let directory = root + "/media/" + folder
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let relative = folder + "/" + Crypto.uuid4() + (fileExtension.isEmpty ? "" : "." + fileExtension)
        guard FileManager.default.createFile(atPath: root + "/media/" + relative, contents: Data(data)) else {
            throw CocoaError(.fileWriteUnknown)
        }
        return relative
    }

    func delete(_ relative: String) {
        try? FileManager.default.removeItem(atPath: root + "/media/" + relative)
    }

    /// The bytes of a stored file, refusing any path that would leave the media directory.
    func read(_ relative: String) -> [UInt8]? {
        let parts = relative.split(separator: "/")
        guard !parts.isEmpty, !parts.contains(where: { $0 == ".." || $0 == "." || $0.hasPrefix(".") }) else {
            return nil
        }
        return FileManager.default.contents(atPath: root + "/media/" + parts.joined(separator: "/")).map { Array($0) }
    }

    func removeIfTemporary() {
        if isTemporary { try? FileManager.default.removeItem(atPath: root) }
    }

    static func contentType(forExtension ext: String) -> String {
        switch ext.lowercased() {
        case "jpg", "jpeg": return "image/jpeg"
        case "png": return "image/png"
        case "gif": return "image/gif"
        case "webp": return "image/webp"
        case "pdf": return "application/pdf"
        case "txt": return "text/plain; charset=utf-8"
        case "json": return "application/json"
        default: return "application/octet-stream"
        }
    }
}
