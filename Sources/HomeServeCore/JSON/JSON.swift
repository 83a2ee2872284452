/// A JSON value that keeps the server's key order and number literals exactly as received,
/// so `-o json` re-prints what the API said instead of what a dictionary happened to iterate.
public enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSON])
    case object([(String, JSON)])

    public static func == (a: JSON, b: JSON) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return x == y || Double(x) == Double(y)
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    public static func int(_ value: Int) -> JSON { .number(String(value)) }

    public subscript(key: String) -> JSON? {
        guard case let .object(pairs) = self else { return nil }
        return pairs.first { $0.0 == key }?.1
    }

    /// Follows a dot path such as `service.name` or `results.0.id`. A key that itself contains dots
    /// (`"pricing.total": …`) is matched whole before the path is split.
    public func value(at path: String) -> JSON? {
        if case let .object(pairs) = self, let whole = pairs.first(where: { $0.0 == path }) { return whole.1 }
        var current: JSON? = self
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            switch current {
            case let .object(pairs)?: current = pairs.first { $0.0 == part }?.1
            case let .array(items)?:
                guard let index = Int(part), items.indices.contains(index) else { return nil }
                current = items[index]
            default: return nil
            }
        }
        return current
    }

    public var stringValue: String? {
        switch self {
        case let .string(s): return s
        case let .number(n): return n
        case let .bool(b): return b ? "true" : "false"
        default: return nil
        }
    }

    public var intValue: Int? {
        switch self {
        case let .number(n): return Int(n) ?? Double(n).flatMap { $0 == $0.rounded() && abs($0) < 1e15 ? Int(exactly: $0) : nil }
        case let .string(s): return Int(s)
        default: return nil
        }
    }

    public var doubleValue: Double? {
        switch self {
        case let .number(n): return Double(n)
        case let .string(s): return Double(s)
        default: return nil
        }
    }

    public var boolValue: Bool? {
        if case let .bool(b) = self { return b }
        return nil
    }

    public var arrayValue: [JSON]? {
        if case let .array(items) = self { return items }
        return nil
    }

    public var objectValue: [(String, JSON)]? {
        if case let .object(pairs) = self { return pairs }
        return nil
    }

    public var keys: [String] { objectValue?.map(\.0) ?? [] }

    public var isNull: Bool { if case .null = self { return true } else { return false } }
    public var isObject: Bool { objectValue != nil }

    /// Text for a table cell or a CSV field: scalars plain, containers as compact JSON.
    public var cellText: String {
        switch self {
        case .null: return ""
        case let .string(s): return s
        case let .number(n): return n
        case let .bool(b): return b ? "true" : "false"
        case .array, .object: return serialized()
        }
    }

    public func setting(_ key: String, _ value: JSON) -> JSON {
        guard case var .object(pairs) = self else { return self }
        if let index = pairs.firstIndex(where: { $0.0 == key }) {
            pairs[index].1 = value
        } else {
            pairs.append((key, value))
        }
        return .object(pairs)
    }

    public func removing(_ key: String) -> JSON {
        guard case let .object(pairs) = self else { return self }
        return .object(pairs.filter { $0.0 != key })
    }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(String(value)) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSON)...) { self = .object(elements) }
    public init(nilLiteral: ()) { self = .null }
}

extension JSON {
    /// A hash of the value's whole content, for telling rows apart: equal values have equal ones.
    public var contentFingerprint: Int {
        var hasher = Hasher()
        func add(_ value: JSON) {
            switch value {
            case .null: hasher.combine(0)
            case let .bool(flag): hasher.combine(flag ? 1 : 2)
            case let .number(text): hasher.combine(3); hasher.combine(text)
            case let .string(text): hasher.combine(4); hasher.combine(text)
            case let .array(items):
                hasher.combine(5); hasher.combine(items.count)
                items.forEach(add)
            case let .object(pairs):
                hasher.combine(6); hasher.combine(pairs.count)
                for (key, inner) in pairs { hasher.combine(key); add(inner) }
            }
        }
        add(self)
        return hasher.finalize()
    }
}
