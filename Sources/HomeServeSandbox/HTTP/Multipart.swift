import Foundation

/// A file part of a multipart/form-data body.
struct UploadedFile: Sendable {
    let fieldName: String
    let fileName: String
    let contentType: String
    let data: [UInt8]
}

/// Splits a multipart/form-data body into text fields and files (RFC 7578), tolerating the small
/// irregularities real clients produce (missing final CRLF, quoted boundaries, LF-only line ends).
enum MultipartParser {
    struct Parsed {
        var fields: [(String, String)] = []
        var files: [UploadedFile] = []
    }

    static func boundary(fromContentType contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pieces = parameter.split(separator: "=", maxSplits: 1)
            guard pieces.count == 2,
                  pieces[0].trimmingCharacters(in: .whitespaces).lowercased() == "boundary"
            else { continue }
            var value = pieces[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = String(value.dropFirst().dropLast())
            }
            return value.isEmpty ? nil : value
        }
        return nil
    }

    static func parse(_ body: [UInt8], boundary: String) -> Parsed? {
        let delimiter = Array(("--" + boundary).utf8)
        var positions: [Int] = []
        var searchFrom = 0
        while let found = find(delimiter, in: body, from: searchFrom) {
            positions.append(found)
            searchFrom = found + delimiter.count
        }
        guard positions.count >= 2 else { return nil }
        var parsed = Parsed()
        for (start, end) in zip(positions, positions.dropFirst()) {
            var partStart = start + delimiter.count
            // Skip the line break after the delimiter.
            if partStart < body.count, body[partStart] == 0x0D { partStart += 1 }
            if partStart < body.count, body[partStart] == 0x0A { partStart += 1 }
            var partEnd = end
            // The line break before the next delimiter belongs to the delimiter, not the content.
            if partEnd > partStart, body[partEnd - 1] == 0x0A { partEnd -= 1 }
            if partEnd > partStart, body[partEnd - 1] == 0x0D { partEnd -= 1 }
            guard partStart <= partEnd else { continue }
            let part = Array(body[partStart..<partEnd])
            guard let (headerBytes, content) = splitHeaders(part) else { continue }
            let headers = parseHeaders(headerBytes)
            guard let disposition = headers["content-disposition"],
                  let name = dispositionParameter("name", in: disposition)
            else { continue }
            if let fileName = dispositionParameter("filename", in: disposition) {
                parsed.files.append(UploadedFile(
                    fieldName: name, fileName: fileName,
                    contentType: headers["content-type"] ?? "application/octet-stream", data: content))
            } else {
                parsed.fields.append((name, String(decoding: content, as: UTF8.self)))
            }
        }
        return parsed
    }

    private static func splitHeaders(_ part: [UInt8]) -> ([UInt8], [UInt8])? {
        if let i = find([0x0D, 0x0A, 0x0D, 0x0A], in: part, from: 0) {
            return (Array(part[..<i]), Array(part[(i + 4)...]))
        }
        if let i = find([0x0A, 0x0A], in: part, from: 0) {
            return (Array(part[..<i]), Array(part[(i + 2)...]))
        }
        return nil
    }

    private static func parseHeaders(_ bytes: [UInt8]) -> [String: String] {
        var headers: [String: String] = [:]
        for line in String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let pieces = line.split(separator: ":", maxSplits: 1)
            guard pieces.count == 2 else { continue }
            headers[pieces[0].trimmingCharacters(in: .whitespaces).lowercased()] =
                pieces[1].trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return headers
    }

    private static func dispositionParameter(_ name: String, in disposition: String) -> String? {
        for parameter in splitParameters(disposition).dropFirst() {
            let pieces = parameter.split(separator: "=", maxSplits: 1)
            guard pieces.count == 2, pieces[0].trimmingCharacters(in: .whitespaces).lowercased() == name else {
                continue
            }
            var value = pieces[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = String(value.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
            }
            return value
        }
        return nil
    }

    /// Splits on semicolons that are not inside quotes, since file names may contain them.
    private static func splitParameters(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        var quoted = false
        var previous: Character = " "
        for c in text {
            if c == "\"", previous != "\\" { quoted.toggle() }
            if c == ";", !quoted {
                result.append(current)
                current = ""
            } else {
                current.append(c)
            }
            previous = c
        }
        result.append(current)
        return result
    }

    /// `memchr` to each candidate first byte, then `memcmp`: a plain byte loop over a 10 MB upload is
    /// painfully slow in debug builds.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, start >= 0, start + needle.count <= haystack.count else { return nil }
        return haystack.withUnsafeBytes { hay -> Int? in
            needle.withUnsafeBytes { nee -> Int? in
                guard let base = hay.baseAddress, let pattern = nee.baseAddress else { return nil }
                var position = start
                let last = hay.count - nee.count
                while position <= last {
                    guard let hit = memchr(base + position, Int32(needle[0]), last - position + 1) else { return nil }
                    let offset = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(base + offset, pattern, nee.count) == 0 { return offset }
                    position = offset + 1
                }
                return nil
            }
        }
    }
}
