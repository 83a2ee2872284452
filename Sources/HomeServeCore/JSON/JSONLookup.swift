/// Many dot-path lookups in one value. `JSON.value(at:)` scans an object's keys for every path, so
/// printing an object of 100,000 keys (a server's whim) took quadratic time; here each large object on
/// the way is indexed the first time a path walks through it. The answers are exactly `value(at:)`'s.
public final class JSONLookup {
    public let root: JSON
    private var indices: [[Substring]: [String: JSON]] = [:]
    /// Objects this small are scanned as `value(at:)` does: an index pays off only for larger ones.
    private static let scanLimit = 16

    public init(_ root: JSON) { self.root = root }

    public func value(at path: String) -> JSON? {
        // The common case — a small row, a column without dots — costs what `value(at:)` costs.
        if case let .object(pairs) = root, pairs.count <= Self.scanLimit, !path.utf8.contains(UInt8(ascii: ".")) {
            return pairs.first { $0.0 == path }?.1
        }
        if case let .object(pairs) = root, let whole = member(path, of: pairs, at: [][...]) { return whole }
        var current: JSON? = root
        let parts = path.split(separator: ".", omittingEmptySubsequences: false)
        for (i, part) in parts.enumerated() {
            switch current {
            case let .object(pairs)?: current = member(String(part), of: pairs, at: parts[..<i])
            case let .array(items)?:
                guard let index = Int(part), items.indices.contains(index) else { return nil }
                current = items[index]
            default: return nil
            }
        }
        return current
    }

    /// The first pair named `key` (as `value(at:)` takes the first of duplicate keys) in the object reached
    /// by the path parts `position`.
    private func member(_ key: String, of pairs: [(String, JSON)], at position: ArraySlice<Substring>) -> JSON? {
        if pairs.count <= Self.scanLimit { return pairs.first { $0.0 == key }?.1 }
        let position = Array(position)
        if let index = indices[position] { return index[key] }
        var index: [String: JSON] = [:]
        index.reserveCapacity(pairs.count)
        for (name, value) in pairs where index[name] == nil { index[name] = value }
        indices[position] = index
        return index[key]
    }
}
