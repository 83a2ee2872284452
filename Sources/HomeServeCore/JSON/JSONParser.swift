public struct JSONParseError: Error, CustomStringConvertible, Sendable {
    public let offset: Int
    public let reason: String
    public var description: String { "\(reason) at byte \(offset)" }
}

extension JSON {
    public static func parse(_ text: String) throws(JSONParseError) -> JSON {
        try parse(Array(text.utf8))
    }

    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSON {
        try bytes.withUnsafeBufferPointer { buffer throws(JSONParseError) -> JSON in
            var parser = JSONParser(bytes: buffer)
            parser.skipByteOrderMark()
            parser.skipWhitespace()
            let value = try parser.parseValue(depth: 0)
            parser.skipWhitespace()
            guard parser.index == buffer.count else { throw parser.error("unexpected trailing characters") }
            return value
        }
    }

    /// Parses a document with the objects of its lists checked as strictly but not built (`ListedDocument`);
    /// with `keys`, those of the list at those keys from the root alone.
    /// A document that is not valid UTF-8 is parsed whole: its strings are repaired (U+FFFD) as they are
    /// built, which bytes copied as they came would not be.
    /// `isUTF8`: the bytes were found to be UTF-8 already, and are not checked again.
    public static func parseListed(_ bytes: [UInt8], at keys: [String]? = nil, isUTF8: Bool = false) throws(JSONParseError) -> ListedDocument {
        guard isUTF8 || UTF8Check.isValid(bytes) else { return ListedDocument(value: try parse(bytes), bytes: bytes) }
        return try bytes.withUnsafeBufferPointer { buffer throws(JSONParseError) -> ListedDocument in
            var parser = JSONParser(bytes: buffer)
            parser.route = []
            parser.only = keys
            parser.skipByteOrderMark()
            parser.skipWhitespace()
            let value = try parser.parseValue(depth: 0)
            parser.skipWhitespace()
            guard parser.index == buffer.count else { throw parser.error("unexpected trailing characters") }
            return ListedDocument(value: value, bytes: bytes, listed: parser.listed, unbuilt: parser.unbuilt)
        }
    }
}

/// A document whose lists' objects were checked but not built. The lists are the arrays reached from the
/// root through keys alone, three deep at most (a bare array, `results`, `data` → `items`): where a page's
/// rows are. Each of their objects is kept as its `id` member alone and where it sits in the bytes, so output
/// can copy rows as they came instead of building each one and writing it again.
public struct ListedDocument: Sendable {
    public let value: JSON
    public let bytes: [UInt8]
    /// By each list's keys from the root (none for a bare array): its objects' places in `bytes`. A list
    /// holding anything but objects, or keys met twice, has none.
    public let listed: [[String]: [Range<Int>]]
    /// How many objects were kept as their `id` alone, in all lists: where that is more than one list
    /// holds, `value` is not whole beyond that list.
    public let unbuilt: Int

    public init(value: JSON, bytes: [UInt8], listed: [[String]: [Range<Int>]] = [:], unbuilt: Int = 0) {
        self.value = value
        self.bytes = bytes
        self.listed = listed
        self.unbuilt = unbuilt
    }
}

/// RFC 8259, strictly: no leading zeros, no control characters in strings, no trailing commas.
private struct JSONParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    /// Deeply nested input from a hostile server must not overflow the stack.
    static let maxDepth = 512

    /// In a listed parse, the key path to the value being parsed; nil inside an array, deeper than rows
    /// sit, and in a whole parse.
    var route: [String]?
    /// The one list to keep as bytes, when it is known.
    var only: [String]?
    var listed: [[String]: [Range<Int>]] = [:]
    var unbuilt = 0
    private var routesMet: Set<[String]> = []

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    func error(_ reason: String) -> JSONParseError { JSONParseError(offset: index, reason: reason) }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    mutating func parseValue(depth: Int) throws(JSONParseError) -> JSON {
        guard depth < JSONParser.maxDepth else { throw error("nesting deeper than \(JSONParser.maxDepth) levels") }
        guard index < bytes.count else { throw error("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "n"): try expect("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("unexpected character")
        }
    }

    mutating func expect(_ word: StaticString) throws(JSONParseError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw error("unexpected end of input") }
        for i in 0..<count where bytes[index + i] != word.utf8Start[i] { throw error("invalid literal") }
        index += count
    }

    mutating func parseObject(depth: Int) throws(JSONParseError) -> JSON {
        index += 1
        var pairs: [(String, JSON)] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(pairs) }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a key") }
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
            index += 1
            skipWhitespace()
            let outer = route
            if let outer { route = depth < 3 ? outer + [key] : nil }
            pairs.append((key, try parseValue(depth: depth + 1)))
            route = outer
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(pairs) }
            throw error("expected ',' or '}'")
        }
    }

    mutating func parseArray(depth: Int) throws(JSONParseError) -> JSON {
        index += 1
        let list = route
        route = nil
        defer { route = list }
        var spans: [Range<Int>]? = list == nil || (only != nil && only != list) ? nil : []
        var items: [JSON] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            if let list { keep(spans, at: list) }
            return .array(items)
        }
        while true {
            skipWhitespace()
            if spans != nil, index < bytes.count, bytes[index] == UInt8(ascii: "{") {
                let start = index
                items.append(try parseListedObject(depth: depth + 1))
                spans?.append(start..<index)
            } else {
                spans = nil
                items.append(try parseValue(depth: depth + 1))
            }
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") {
                index += 1
                if let list { keep(spans, at: list) }
                return .array(items)
            }
            throw error("expected ',' or ']'")
        }
    }

    /// RFC 8259 §8.1: a parser may ignore a byte order mark at the start, which some servers write.
    mutating func skipByteOrderMark() {
        if index == 0, bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
    }

    /// Keys met twice (a key repeated) name no one list.
    private mutating func keep(_ spans: [Range<Int>]?, at list: [String]) {
        listed[list] = routesMet.insert(list).inserted ? spans : nil
    }

    /// An object of a list, checked as `parseObject` checks one but kept as its first `id` member alone, and,
    /// in a row without a non-null `id`, the members that may be its id under another name (`uuid`, `_id`,
    /// `key`, `…_id`, `…Id`, `…ID`, `…_uuid`) where they hold a string or a number. Those are only marked while the
    /// row is read, and built at its end if it has no id of its own. A history's row (django-simple-history)
    /// keeps its `history_id` beside the `id` of the object it records.
    mutating func parseListedObject(depth: Int) throws(JSONParseError) -> JSON {
        guard depth < JSONParser.maxDepth else { throw error("nesting deeper than \(JSONParser.maxDepth) levels") }
        index += 1
        unbuilt += 1
        var id: JSON?
        var candidates: [(key: Int, value: Int)] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object([]) }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a key") }
            let keyStart = index
            let identified = id.map { !$0.isNull } ?? false
            var isID: Bool, mayBeID = false
            if try skipString() {
                isID = index - keyStart == 4 && bytes[keyStart + 1] == UInt8(ascii: "i") && bytes[keyStart + 2] == UInt8(ascii: "d")
                if !isID { mayBeID = Self.mayBeAnID(UnsafeBufferPointer(rebasing: bytes[(keyStart + 1)..<(index - 1)]), identified: identified) }
            } else {
                index = keyStart
                let name = try parseString()
                isID = name == "id"
                if !isID { mayBeID = Self.mayBeAnID(Array(name.utf8), identified: identified) }
            }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
            index += 1
            skipWhitespace()
            if isID, id == nil {
                id = try parseValue(depth: depth + 1)
                // With an id of its own, the row needs no other (but a history's `history_id`): the ones marked
                // before it are let go, so the row is kept as its id alone, as quickly as ever.
                if id?.isNull == false, !candidates.isEmpty { candidates.removeAll { !isHistoryID(at: $0.key) } }
            } else {
                if mayBeID, index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "-") || (bytes[index] >= 0x30 && bytes[index] <= 0x39) {
                    candidates.append((keyStart, index))
                }
                try skipValue(depth: depth + 1)
            }
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; break }
            throw error("expected ',' or '}'")
        }
        if let id, candidates.isEmpty { return .object([("id", id)]) }
        let end = index
        defer { index = end }
        var kept: [(String, JSON)] = id.map { [("id", $0)] } ?? []
        // Beside a non-null `id`, only a `history_id` is left marked.
        for candidate in candidates {
            index = candidate.key
            let key = try parseString()
            index = candidate.value
            kept.append((key, try parseValue(depth: depth + 1)))
        }
        return .object(kept)
    }

    /// Whether the key at `start` is `"history_id"`, as written.
    private func isHistoryID(at start: Int) -> Bool {
        let name = #""history_id""#.utf8
        return start + name.count <= bytes.count && bytes[start..<(start + name.count)].elementsEqual(name)
    }

    /// `uuid`, `_id`, `key`, or a name ending in `_id`, `Id`, `ID` or `_uuid`; in a row with an `id`, `history_id`.
    static func mayBeAnID<Name: Collection>(_ name: Name, identified: Bool = false) -> Bool where Name.Element == UInt8 {
        if identified { return name.count == 10 && name.elementsEqual("history_id".utf8) }
        func ends(_ suffix: String) -> Bool { name.count >= suffix.utf8.count && name.suffix(suffix.utf8.count).elementsEqual(suffix.utf8) }
        return name.elementsEqual("uuid".utf8) || name.elementsEqual("key".utf8) || ends("_id") || ends("Id") || ends("ID") || ends("_uuid")
    }

    /// Checks a value as `parseValue` would, building nothing.
    mutating func skipValue(depth: Int) throws(JSONParseError) {
        guard depth < JSONParser.maxDepth else { throw error("nesting deeper than \(JSONParser.maxDepth) levels") }
        guard index < bytes.count else { throw error("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            index += 1
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a key") }
                _ = try skipString()
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
                index += 1
                skipWhitespace()
                try skipValue(depth: depth + 1)
                skipWhitespace()
                guard index < bytes.count else { throw error("unexpected end of input") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "}") { index += 1; return }
                throw error("expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            index += 1
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return }
            while true {
                skipWhitespace()
                try skipValue(depth: depth + 1)
                skipWhitespace()
                guard index < bytes.count else { throw error("unexpected end of input") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "]") { index += 1; return }
                throw error("expected ',' or ']'")
            }
        case UInt8(ascii: "\""): _ = try skipString()
        case UInt8(ascii: "t"): try expect("true")
        case UInt8(ascii: "f"): try expect("false")
        case UInt8(ascii: "n"): try expect("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try scanNumber()
        default: throw error("unexpected character")
        }
    }

    /// Checks a string as `parseString` would; true when it has no escapes.
    mutating func skipString() throws(JSONParseError) -> Bool {
        index += 1
        var plain = true
        while true {
            index = JSONScan.stop(in: bytes, from: index)
            guard index < bytes.count else { throw error("unterminated string") }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { index += 1; return plain }
            if byte < 0x20 { throw error("control character in string") }
            plain = false
            index += 1
            guard index < bytes.count else { throw error("unterminated string") }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                 UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"): break
            case UInt8(ascii: "u"): _ = try hex4()
            default: throw error("invalid escape")
            }
        }
    }

    mutating func parseNumber() throws(JSONParseError) -> JSON {
        let span = try scanNumber()
        return .number(String(decoding: UnsafeBufferPointer(rebasing: bytes[span]), as: UTF8.self))
    }

    mutating func scanNumber() throws(JSONParseError) -> Range<Int> {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        func digits(_ i: inout Int) -> Int {
            let s = i
            while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") { i += 1 }
            return i - s
        }
        let wholeStart = index
        let wholeDigits = digits(&index)
        guard wholeDigits > 0 else { throw error("invalid number") }
        guard wholeDigits == 1 || bytes[wholeStart] != UInt8(ascii: "0") else { throw error("leading zero in a number") }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits(&index) > 0 else { throw error("invalid number") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits(&index) > 0 else { throw error("invalid number") }
        }
        return start..<index
    }

    mutating func parseString() throws(JSONParseError) -> String {
        index += 1
        let start = index
        // Most strings have no escapes: decode them in one go.
        index = JSONScan.stop(in: bytes, from: index)
        guard index < bytes.count else { throw error("unterminated string") }
        if bytes[index] == UInt8(ascii: "\"") {
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            index += 1
            return text
        }
        var scalars = String.UnicodeScalarView()
        var runStart = start
        while index < bytes.count {
            if index > runStart {
                scalars.append(contentsOf: String(decoding: UnsafeBufferPointer(rebasing: bytes[runStart..<index]), as: UTF8.self).unicodeScalars)
            }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return String(scalars)
            }
            if byte < 0x20 { throw error("control character in string") }
            index += 1
            guard index < bytes.count else { break }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""): scalars.append("\"")
            case UInt8(ascii: "\\"): scalars.append("\\")
            case UInt8(ascii: "/"): scalars.append("/")
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"):
                var code = try hex4()
                // A high surrogate pairs only with a low one; anything else stands alone as U+FFFD.
                if (0xD800...0xDBFF).contains(code), index + 5 < bytes.count,
                   bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                    let mark = index
                    index += 2
                    let low = try hex4()
                    if (0xDC00...0xDFFF).contains(low) {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        index = mark
                    }
                }
                scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
            default: throw error("invalid escape")
            }
            runStart = index
            index = JSONScan.stop(in: bytes, from: index)
        }
        throw error("unterminated string")
    }

    mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("invalid \\u escape") }
        var value: UInt32 = 0
        for i in index..<index + 4 {
            let byte = bytes[i]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
        }
        index += 4
        return value
    }
}
