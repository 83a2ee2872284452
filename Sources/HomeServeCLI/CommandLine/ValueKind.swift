#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HomeServeAPI
import HomeServeCore

/// How a flag's or an argument's value is described to people (help, errors, the man page) and to
/// shells (completion). Plain data, so the generators can walk it.
public struct ValueShape: Sendable, Equatable {
    public enum Completion: Sendable, Equatable {
        /// A switch: the next word is not its value.
        case none
        /// A closed list of words.
        case words([String])
        case files
        /// Files after a leading `@` (inline JSON and `-` have nothing to complete).
        case payload
        /// Profile names, read from settings.json when the user presses Tab.
        case profiles
        /// A value with nothing to offer (text, ids, numbers, dates).
        case free
    }

    public var placeholder: String
    /// What is accepted, in words: "an integer from 1 to 5".
    public var accepted: String
    public var completion: Completion
    /// Values shown as examples where the list is open (dispute types): completed, never enforced.
    public var examples: [String] = []
    /// A value that never holds a comma (ids), so a repeatable flag also takes several in one word.
    public var commaFree = false

    public var choices: [String]? {
        if case let .words(words) = completion, examples.isEmpty { return words }
        return nil
    }
}

/// Why a value was refused; nil detail means "expected <accepted>".
public struct ValueProblem: Error, Sendable {
    public var detail: String?
    /// How the refused value is quoted when the value itself must not be (a secret).
    public var shownAs: String?
    public init(_ detail: String? = nil, shownAs: String? = nil) {
        self.detail = detail
        self.shownAs = shownAs
    }
}

/// What converting a value may look at: standard input (`-` payloads), the clock and time zone
/// (`tomorrow`), the file system.
public struct ValueContext {
    public var readStdin: () throws -> [UInt8]
    public var now: () -> Double
    /// Seconds east of UTC in the user's time zone at the given Unix time.
    public var utcOffset: (Int) -> Int

    public init(readStdin: @escaping () throws -> [UInt8], now: @escaping () -> Double, utcOffset: @escaping (Int) -> Int) {
        self.readStdin = readStdin
        self.now = now
        self.utcOffset = utcOffset
    }
}

/// A kind of value, and how text becomes it. A flag declared with `.integer(1...5)` is read back as an
/// `Int`; commands never re-parse strings the parser has already checked.
public struct ValueKind<Value: Sendable>: Sendable {
    public let shape: ValueShape
    let convert: @Sendable (String, ValueContext) throws(ValueProblem) -> Value

    public init(_ shape: ValueShape, convert: @escaping @Sendable (String, ValueContext) throws(ValueProblem) -> Value) {
        self.shape = shape
        self.convert = convert
    }
}

public struct KeyValue: Sendable, Equatable {
    public var key: String
    public var text: String
    /// `api -F key[]`: a list with nothing in it, as gh writes one.
    public var emptyList = false
}

extension ValueKind where Value == String {
    public static var text: ValueKind {
        ValueKind(ValueShape(placeholder: "TEXT", accepted: "any text", completion: .free)) { text, _ throws(ValueProblem) in text }
    }

    /// Text the server needs filled in: blank text fails here, before sending.
    public static var nonBlank: ValueKind {
        ValueKind(ValueShape(placeholder: "TEXT", accepted: "non-empty text", completion: .free)) { text, _ throws(ValueProblem) in
            guard !text.isBlank else { throw ValueProblem() }
            return text
        }
    }

    /// A username, sent as it is: non-empty, without control characters.
    public static var username: ValueKind {
        ValueKind(ValueShape(placeholder: "NAME", accepted: "non-empty text without control characters", completion: .free)) { text, _ throws(ValueProblem) in
            guard !text.isBlank, !text.unicodeScalars.contains(where: TerminalText.isControl) else { throw ValueProblem() }
            return text
        }
    }

    public static func choice(_ values: [String]) -> ValueKind {
        ValueKind(ValueShape(placeholder: "CHOICE", accepted: "one of: " + values.spelled(", "), completion: .words(values))) { text, _ throws(ValueProblem) in
            guard values.contains(text) else {
                let hint = Suggestions.meant(by: text, in: values).map { " (did you mean '\($0)'?)" } ?? ""
                throw ValueProblem("expected one of: \(values.joined(separator: ", "))\(hint)")
            }
            return text
        }
    }

    /// A word from a list nobody can close (dispute types, message types): any value is sent, and the
    /// contract's examples are offered for completion and named in help.
    public static func open(_ examples: [String], placeholder: String) -> ValueKind {
        var shape = ValueShape(placeholder: placeholder, accepted: "a word, e.g. " + examples.spelled(", "), completion: .words(examples))
        shape.examples = examples
        return ValueKind(shape) { text, _ throws(ValueProblem) in
            guard !text.isEmpty, text.count <= 64, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_-.".contains($0)) }) else {
                throw ValueProblem("expected a word of letters, digits, '_', '-' and '.', e.g. \(examples.joined(separator: ", "))")
            }
            return text
        }
    }

    public static var pincode: ValueKind {
        ValueKind(ValueShape(placeholder: "PINCODE", accepted: "6 to 10 digits", completion: .free)) { text, _ throws(ValueProblem) in
            guard (6...10).contains(text.count), text.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw ValueProblem() }
            return text
        }
    }

    /// A resource id in a URL path: letters, digits, '-' and '_' (UUIDs and integers).
    public static var identifier: ValueKind {
        ValueKind(ValueShape(placeholder: "ID", accepted: "an id made of letters, digits, '-' and '_'", completion: .free, commaFree: true)) { text, _ throws(ValueProblem) in
            guard !text.isEmpty, text.count <= 64, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                throw ValueProblem()
            }
            return text
        }
    }

    /// Money: at most 12 digits before the point and two after, sent with two decimals.
    public static var amount: ValueKind {
        ValueKind(ValueShape(placeholder: "AMOUNT", accepted: "a decimal number ≥ 0 with at most 12 digits before the point and 2 after, e.g. 549.50", completion: .free)) { text, _ throws(ValueProblem) in
            guard Money.isAmount(text) else { throw ValueProblem() }
            return Money.twoDecimals(text)
        }
    }

    /// An existing readable file.
    public static var file: ValueKind {
        ValueKind(ValueShape(placeholder: "FILE", accepted: "an existing readable file", completion: .files)) { path, _ throws(ValueProblem) in
            // An upload states its length, so it is read from a file, not from stdin.
            if path == "-", !FileFacts.isReadableFile(path) { throw ValueProblem("an upload is read from a file, not stdin; give its path (./- for a file named '-')") }
            guard FileFacts.isReadableFile(path) else { throw ValueProblem(FileFacts.problem(path)) }
            return path
        }
    }

    /// CA certificates in PEM, as libcurl reads them: a file without one is refused before any connection.
    public static var certificates: ValueKind {
        ValueKind(ValueShape(placeholder: "FILE", accepted: "a readable PEM file of CA certificates", completion: .files)) { path, _ throws(ValueProblem) in
            guard FileFacts.isReadableFile(path) else { throw ValueProblem(FileFacts.problem(path)) }
            let bytes: [UInt8]
            do { bytes = try FileFacts.contents(path, limit: 16 << 20) } catch let error as FileError {
                throw ValueProblem(error.kind == .tooLarge(limit: 16 << 20) ? "it is over 16 MiB, too large for a bundle of certificates" : error.reason)
            } catch { throw ValueProblem("\(error)") }
            guard String(decoding: bytes, as: UTF8.self).contains("-----BEGIN CERTIFICATE-----")
                    || String(decoding: bytes, as: UTF8.self).contains("-----BEGIN TRUSTED CERTIFICATE-----") else {
                throw ValueProblem("it holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
            }
            return path
        }
    }

    /// A file to be written: its directory must exist and be writable, checked before any request.
    public static var outputFile: ValueKind { writableFile(stdout: true) }

    /// A file for what goes beside stdout's output (smoke's JUnit XML): `-` is no file.
    public static var sideFile: ValueKind { writableFile(stdout: false) }

    private static func writableFile(stdout: Bool) -> ValueKind {
        ValueKind(ValueShape(placeholder: "FILE", accepted: "a path in a writable directory" + (stdout ? ", or - for stdout" : ""), completion: .files)) { path, _ throws(ValueProblem) in
            guard !path.isEmpty, stdout || path != "-" else { throw ValueProblem() }
            if let problem = OutputFile.problem(path, orStdout: stdout) { throw ValueProblem(problem) }
            return path
        }
    }

    /// `FILE` or `-` for stdin, read when the value is converted.
    public static var textSource: ValueKind {
        ValueKind(ValueShape(placeholder: "FILE|-", accepted: "a readable file, or - for stdin", completion: .files)) { source, context throws(ValueProblem) in
            let bytes: [UInt8]
            if source == "-" {
                do { bytes = try context.readStdin() } catch { throw ValueProblem("cannot read stdin: \(error)") }
            } else {
                do { bytes = try FileFacts.contents(source) } catch let error as FileError { throw ValueProblem(FileFacts.isReadableFile(source) ? error.reason : FileFacts.problem(source)) } catch { throw ValueProblem("\(error)") }
            }
            // Bytes that are not UTF-8 would be sent changed: refused, as text typed on the line would be.
            guard let text = String(validating: bytes, as: UTF8.self) else { throw ValueProblem("\(source == "-" ? "stdin" : ParsedLine.quoted(source)) is not UTF-8 text") }
            return text
        }
    }

    /// A JSON document from a file, or `-` for stdin, checked when the value is converted.
    public static var jsonSource: ValueKind<JSON> {
        ValueKind<JSON>(ValueShape(placeholder: "FILE|-", accepted: "a file holding JSON, or - for stdin", completion: .files)) { source, context throws(ValueProblem) in
            let text = try ValueKind<String>.textSource.convert(source, context)
            return try ValueKind<JSON>.sentJSON(Array(text.utf8))
        }
    }

    /// A day: `YYYY-MM-DD`, or `today`, `tomorrow`, `yesterday`, `monday`…, `+3d`, `-2w`; sent as `YYYY-MM-DD`.
    public static var date: ValueKind {
        ValueKind(ValueShape(placeholder: "DATE", accepted: DateInput.acceptedDate, completion: .free)) { text, context throws(ValueProblem) in
            guard let day = DateInput.day(text, context: context) else { throw ValueProblem() }
            return day.iso
        }
    }

    /// A moment: ISO-8601, or `now`, `tomorrow 10:00`, `monday 09:30`, `+2h`, `-30m`; sent as ISO-8601 with
    /// the user's UTC offset.
    public static var dateTime: ValueKind {
        ValueKind(ValueShape(placeholder: "DATETIME", accepted: DateInput.acceptedDateTime, completion: .free)) { text, context throws(ValueProblem) in
            try DateInput.moment(text, context: context)
        }
    }

    public static var email: ValueKind {
        ValueKind(ValueShape(placeholder: "EMAIL", accepted: "an email address like name@example.com", completion: .free)) { text, _ throws(ValueProblem) in
            let parts = text.split(separator: "@", omittingEmptySubsequences: false)
            // A domain of two labels or more, each of letters, digits and inner hyphens (`a@b..com` has an empty one).
            let labels = parts.count == 2 ? parts[1].split(separator: ".", omittingEmptySubsequences: false) : []
            let domain = labels.count >= 2 && labels.allSatisfy { label in
                !label.isEmpty && label.first != "-" && label.last != "-" && label.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" }
            }
            guard parts.count == 2, !parts[0].isEmpty, domain, !text.contains(where: { $0.isWhitespace || TerminalText.isControl($0.unicodeScalars.first!) }) else {
                throw ValueProblem()
            }
            return text
        }
    }

    public static var phone: ValueKind {
        ValueKind(ValueShape(placeholder: "PHONE", accepted: "a phone number of 7 to 15 digits, e.g. +919876543210", completion: .free)) { text, _ throws(ValueProblem) in
            let digits = text.filter(\.isNumber)
            // A `+` only first, before the country code; spaces, hyphens and brackets between digits.
            let rest = text.hasPrefix("+") ? text.dropFirst() : Substring(text)
            guard rest.allSatisfy({ $0.isASCII && ($0.isNumber || "- ()".contains($0)) }), (7...15).contains(digits.count) else { throw ValueProblem() }
            return text
        }
    }

    public static var profileName: ValueKind {
        ValueKind(ValueShape(placeholder: "NAME", accepted: profileNameRule, completion: .profiles)) { text, _ throws(ValueProblem) in
            guard isProfileName(text) else { throw ValueProblem() }
            return text
        }
    }

    static let profileNameRule = "a profile name of letters, digits, '-', '_' and '.', starting with a letter or digit"

    /// A profile's name goes into file names (its session lock): nothing that could leave the directory, hide
    /// its file (`.x`) or be taken for a flag (`-v`).
    static func isProfileName(_ text: String) -> Bool {
        guard let first = text.first, first.isASCII, first.isLetter || first.isNumber else { return false }
        return text.count <= 64 && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }

    /// A comma-separated list of field paths (`id,status,pricing.final_price`).
    public static var fieldList: ValueKind {
        ValueKind(ValueShape(placeholder: "LIST", accepted: "comma-separated field names, or dot paths into nested objects (e.g. id,status or pricing.final_price)", completion: .free)) { text, _ throws(ValueProblem) in
            // "id,,status" is a slip (an empty variable in a script), not a list of two.
            let paths = text.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmed }
            guard !paths.contains(where: \.isEmpty) else { throw ValueProblem() }
            if let odd = paths.first(where: { $0.split(separator: ".", omittingEmptySubsequences: false).contains { $0.isEmpty } }) {
                throw ValueProblem("'\(odd)' has an empty part: expected names joined by single dots, as in pricing.final_price")
            }
            // Two columns of one name would make JSON objects with a key twice.
            var named: Set<String> = []
            if let twice = paths.first(where: { !named.insert($0).inserted }) { throw ValueProblem("'\(twice)' is named twice") }
            return paths.joined(separator: ",")
        }
    }

    /// A field path to sort by, `-PATH` for descending.
    public static var sortPath: ValueKind {
        ValueKind(ValueShape(placeholder: "PATH", accepted: "a field name or dot path, or -PATH", completion: .free)) { text, _ throws(ValueProblem) in
            let path = String(text.hasPrefix("-") ? text.dropFirst() : Substring(text))
            guard !path.isBlank, !path.hasPrefix("-"), !path.contains(",") else { throw ValueProblem() }
            return text
        }
    }
}

extension ValueKind where Value == Int {
    public static func integer(_ range: ClosedRange<Int>, placeholder: String = "N") -> ValueKind {
        let accepted = range.upperBound == Int.max ? "an integer ≥ \(range.lowerBound)" : "an integer from \(range.lowerBound) to \(range.upperBound)"
        return ValueKind(ValueShape(placeholder: placeholder, accepted: accepted, completion: .free)) { text, _ throws(ValueProblem) in
            guard let n = Int(text.trimmed) else {
                // Digits past what an integer holds are a number, just too big for one.
                let digits = text.trimmed.drop { $0 == "+" }
                if range.upperBound == Int.max, !digits.isEmpty, digits.allSatisfy({ ("0"..."9").contains($0) }) {
                    throw ValueProblem("expected \(accepted), at most \(range.upperBound)")
                }
                throw ValueProblem()
            }
            guard range.contains(n) else { throw ValueProblem() }
            return n
        }
    }

    public static func integer(_ range: PartialRangeFrom<Int>, placeholder: String = "N") -> ValueKind {
        integer(range.lowerBound...Int.max, placeholder: placeholder)
    }
}

extension ValueKind where Value == JSON {
    /// JSON given inline, as `@FILE`, or `-` for stdin; checked and kept parsed.
    public static var payload: ValueKind {
        ValueKind(ValueShape(placeholder: "JSON|@FILE|-", accepted: "inline JSON, @FILE, or - (or @-) for stdin", completion: .payload)) { value, context throws(ValueProblem) in
            let bytes: [UInt8]
            // `@-` is stdin too, as for `api -F key=@-` and curl's `-d @-`; a file named `-` is `@./-`.
            if value == "-" || value == "@-" {
                do { bytes = try context.readStdin() } catch { throw ValueProblem("cannot read stdin: \(error)") }
            } else if value.hasPrefix("@") {
                let file = String(value.dropFirst())
                guard !file.isEmpty else { throw ValueProblem("expected a file name after @") }
                do { bytes = try FileFacts.contents(file) } catch let error as FileError { throw ValueProblem("\(ParsedLine.quoted(file)): \(FileFacts.isReadableFile(file) ? error.reason : FileFacts.problem(file))") } catch { throw ValueProblem("\(error)") }
            } else {
                bytes = Array(value.utf8)
            }
            return try sentJSON(bytes)
        }
    }

    /// JSON to be sent, parsed; an object that names a key twice is refused, as servers keep one or the other.
    static func sentJSON(_ bytes: [UInt8]) throws(ValueProblem) -> JSON {
        let document: JSON
        do { document = try JSON.parse(bytes) } catch { throw ValueProblem("not valid JSON (\(error))") }
        if let key = repeatedKey(in: document) {
            throw ValueProblem("the key '\(TerminalText.visible(key))' is given twice in one object: a server keeps one or the other, so give it once")
        }
        if let escape = loneSurrogate(in: bytes) {
            throw ValueProblem("\(escape) is half of a UTF-16 surrogate pair with no other half, so no text holds it; give the whole pair or the character")
        }
        return document
    }

    /// The first `\uXXXX` escape in JSON text that is half of a surrogate pair standing alone: read, it would
    /// be sent changed (as U+FFFD). Escapes are only in strings, so the bytes are crossed without parsing.
    static func loneSurrogate(in bytes: [UInt8]) -> String? {
        var index = 0
        var high: String?
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count else {
                if high != nil { return high }
                index += 1
                continue
            }
            guard bytes[index + 1] == UInt8(ascii: "u"), index + 6 <= bytes.count,
                  let code = UInt32(String(decoding: bytes[(index + 2)..<(index + 6)], as: UTF8.self), radix: 16) else {
                if high != nil { return high }
                index += 2
                continue
            }
            let escape = String(decoding: bytes[index..<(index + 6)], as: UTF8.self)
            index += 6
            switch code {
            case 0xDC00...0xDFFF:
                guard high != nil else { return escape }
                high = nil
            case 0xD800...0xDBFF:
                if high != nil { return high }
                high = escape
            default:
                if high != nil { return high }
            }
        }
        return high
    }

    private static func repeatedKey(in value: JSON) -> String? {
        switch value {
        case let .object(pairs):
            // By code points, as servers compare keys: "café" and "cafe\u{301}" are two keys.
            var seen: Set<[Unicode.Scalar]> = []
            for (key, _) in pairs where !seen.insert(Array(key.unicodeScalars)).inserted { return key }
            return pairs.lazy.compactMap { repeatedKey(in: $0.1) }.first
        case let .array(items): return items.lazy.compactMap(repeatedKey).first
        default: return nil
        }
    }
}

extension ValueKind where Value == KeyValue {
    /// `NAME: VALUE`, a request header a command adds. Not the session's own (a secret on the command line),
    /// nor one that frames the message (libcurl sets those).
    public static var httpHeader: ValueKind {
        ValueKind(ValueShape(placeholder: "'NAME: VALUE'", accepted: "NAME: VALUE, e.g. 'Accept: text/csv'", completion: .free)) { text, _ throws(ValueProblem) in
            guard let colon = text.firstIndex(of: ":") else { throw ValueProblem() }
            let name = String(text[..<colon]), value = String(text[text.index(after: colon)...]).trimmed
            let token = "!#$%&'*+-.^_`|~"
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || token.contains($0)) }) else {
                throw ValueProblem("expected NAME: VALUE with a header name of letters, digits and -")
            }
            guard !value.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" || $0.value == 0x7F }) else {
                throw ValueProblem("expected a header value without line breaks or control characters")
            }
            // libcurl takes `Name:` with nothing after it as "send no such header", not as an empty one.
            guard !value.isEmpty else { throw ValueProblem("expected a value after the colon") }
            switch name.lowercased() {
            case "authorization", "cookie":
                throw ValueProblem("\(name) carries a secret, which never goes on the command line: the session's token is sent already (HOMESERVE_TOKEN sends another)",
                                   shownAs: "\(name): ***")
            case "proxy-authorization":
                throw ValueProblem("\(name) carries a secret, which never goes on the command line: a proxy's credentials go in the proxy's URL (https_proxy, http_proxy)",
                                   shownAs: "\(name): ***")
            case "host", "content-length", "transfer-encoding", "connection", "expect", "upgrade", "te", "trailer":
                throw ValueProblem("\(name) frames the message, and is set by homeserve")
            default:
                return KeyValue(key: name, text: value)
            }
        }
    }

    /// An `api` field: `KEY=VALUE`, or `KEY[]` alone for an empty list.
    public static var field: ValueKind {
        ValueKind(ValueShape(placeholder: "KEY=VALUE", accepted: "KEY=VALUE, or KEY[] for an empty list", completion: .free)) { text, _ throws(ValueProblem) in
            if !text.contains("="), text.hasSuffix("[]"), text.count > 2 { return KeyValue(key: text, text: "", emptyList: true) }
            guard let eq = text.firstIndex(of: "="), eq != text.startIndex else { throw ValueProblem() }
            return KeyValue(key: String(text[..<eq]), text: String(text[text.index(after: eq)...]))
        }
    }

    public static var keyValue: ValueKind {
        ValueKind(ValueShape(placeholder: "KEY=VALUE", accepted: "KEY=VALUE", completion: .free)) { text, _ throws(ValueProblem) in
            guard let eq = text.firstIndex(of: "="), eq != text.startIndex else { throw ValueProblem() }
            return KeyValue(key: String(text[..<eq]), text: String(text[text.index(after: eq)...]))
        }
    }
}

extension ValueKind where Value == WebURL {
    public static var url: ValueKind {
        ValueKind(ValueShape(placeholder: "URL", accepted: "an http:// or https:// URL", completion: .free)) { text, _ throws(ValueProblem) in
            switch WebURL.parse(text) {
            case let .success(url): return url
            case let .failure(problem): throw ValueProblem("expected an http:// or https:// URL; it \(problem.reason)", shownAs: WebURL.masked(text))
            }
        }
    }
}

extension ValueKind where Value == OutputFormat {
    public static var format: ValueKind {
        let names = OutputFormat.allCases.map(\.rawValue)
        return ValueKind(ValueShape(placeholder: "FORMAT", accepted: "one of: " + names.spelled(", "), completion: .words(names))) { text, _ throws(ValueProblem) in
            guard let format = OutputFormat(rawValue: text) else { throw ValueProblem(OutputFormat.expected(text)) }
            return format
        }
    }
}

public enum OutputFormat: String, CaseIterable, Sendable {
    case table, json, ndjson, csv, tsv

    /// What a format that is none of these is told, wherever it was given (-o, HOMESERVE_OUTPUT, a profile).
    static func expected(_ text: String) -> String {
        let names = allCases.map(\.rawValue)
        let hint = Suggestions.meant(by: text, in: names).map { " (did you mean '\($0)'?)" } ?? ""
        return "expected one of: \(names.joined(separator: ", "))\(hint)"
    }
}
