/// A JSON value whose objects keep their keys in insertion order.
///
/// DRF emits keys in serializer field order; a Swift `Dictionary` would scramble them, so responses are built
/// from this type and serialized by hand.
enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The literal text of the number, so huge or precise values are never rounded on the way through.
    case number(String)
    case string(String)
    case array([JSON])
    case object(JSONObject)

    static func int(_ value: Int) -> JSON { .number(String(value)) }

    /// Python's `repr(float)` and Swift's `description` agree on the shortest round-tripping form.
    static func double(_ value: Double) -> JSON {
        value.isFinite ? .number(value.description) : .null
    }

    static func optional(_ value: String?) -> JSON { value.map(JSON.string) ?? .null }
    static func optional(_ value: Int?) -> JSON { value.map(JSON.int) ?? .null }
    static func optional(_ value: Double?) -> JSON { value.map(JSON.double) ?? .null }

    var objectValue: JSONObject? { if case .object(let o) = self { return o } else { return nil } }
    var arrayValue: [JSON]? { if case .array(let a) = self { return a } else { return nil } }
    var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }

    /// The name Python gives the type, for DRF-style messages such as "Expected a dictionary, but got list."
    var pythonTypeName: String {
        switch self {
        case .null: return "NoneType"
        case .bool: return "bool"
        case .number(let text): return text.contains(where: { ".eE".contains($0) }) ? "float" : "int"
        case .string: return "str"
        case .array: return "list"
        case .object: return "dict"
        }
    }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByNilLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByFloatLiteral
{
    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .int(value) }
    init(floatLiteral value: Double) { self = .double(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(nilLiteral: ()) { self = .null }
    init(arrayLiteral elements: JSON...) { self = .array(elements) }
    /// Dictionary literals arrive in source order, which is exactly the field order we want on the wire.
    init(dictionaryLiteral elements: (String, JSON)...) { self = .object(JSONObject(elements)) }
}

/// An ordered JSON object. Later duplicates replace earlier values, as Python's `json` does.
///
/// Small objects (every row the sandbox writes) find keys by a scan. Past `indexedFrom` keys they are also
/// indexed by name: a body is client-controlled, and a scan per insertion made a request with tens of
/// thousands of keys cost quadratic time.
struct JSONObject: Sendable, Equatable {
    private(set) var pairs: [(key: String, value: JSON)] = []
    private var positions: [String: Int]?
    private static let indexedFrom = 32

    init() {}
    init(_ elements: [(String, JSON)]) {
        pairs.reserveCapacity(elements.count)
        for (key, value) in elements { self[key] = value }
    }

    static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.pairs.count == rhs.pairs.count
            && zip(lhs.pairs, rhs.pairs).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    var keys: [String] { pairs.map(\.key) }
    var isEmpty: Bool { pairs.isEmpty }

    private func position(of key: String) -> Int? {
        if let positions { return positions[key] }
        return pairs.firstIndex { $0.key == key }
    }

    subscript(key: String) -> JSON? {
        get { position(of: key).map { pairs[$0].value } }
        set {
            if let index = position(of: key) {
                if let newValue {
                    pairs[index].value = newValue
                } else {
                    pairs.remove(at: index)
                    if positions != nil {
                        positions![key] = nil
                        for later in index..<pairs.count { positions![pairs[later].key] = later }
                    }
                }
            } else if let newValue {
                pairs.append((key, newValue))
                if positions != nil {
                    positions![key] = pairs.count - 1
                } else if pairs.count > Self.indexedFrom {
                    positions = Dictionary(uniqueKeysWithValues: pairs.enumerated().map { ($1.key, $0) })
                }
            }
        }
    }

    func contains(_ key: String) -> Bool { position(of: key) != nil }
}

// MARK: - Serialization

extension JSON {
    /// Compact form, as DRF's JSONRenderer emits it.
    var serialized: String { String(decoding: bytes, as: UTF8.self) }

    var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(to: &out)
        return out
    }

    private func write(to out: inout [UInt8]) {
        switch self {
        case .null: out += "null".utf8
        case .bool(let b): out += (b ? "true" : "false").utf8
        case .number(let text): out += text.utf8
        case .string(let s): JSON.writeString(s, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            for (i, pair) in object.pairs.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSON.writeString(pair.key, to: &out)
                out.append(UInt8(ascii: ":"))
                pair.value.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most strings need no escaping and are copied whole.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out += s.utf8
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += #"\""#.utf8
            case UInt8(ascii: "\\"): out += #"\\"#.utf8
            case UInt8(ascii: "\n"): out += #"\n"#.utf8
            case UInt8(ascii: "\r"): out += #"\r"#.utf8
            case UInt8(ascii: "\t"): out += #"\t"#.utf8
            case 0x08: out += #"\b"#.utf8
            case 0x0C: out += #"\f"#.utf8
            case ..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += #"\u00"#.utf8
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
