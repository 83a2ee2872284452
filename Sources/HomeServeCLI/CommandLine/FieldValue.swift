import HomeServeCore

/// `KEY=VALUE` arguments (`api -F`, `bookings update --set`) and the JSON type their text stands for.
enum FieldValue {
    /// true/false, null and JSON number literals keep their JSON type; everything else is a string,
    /// so a pincode with a leading zero or a phone number with a + stays text.
    static func typed(_ text: String) -> JSON {
        switch text {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "null": return .null
        default: return isNumber(text) ? .number(text) : .string(text)
        }
    }

    /// The JSON number grammar exactly: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    static func isNumber(_ text: String) -> Bool {
        var rest = Substring(text)
        func digits() -> Substring {
            let run = rest.prefix { $0.isASCII && $0.isNumber }
            rest = rest.dropFirst(run.count)
            return run
        }
        if rest.first == "-" { rest = rest.dropFirst() }
        let whole = digits()
        guard !whole.isEmpty, whole == "0" || whole.first != "0" else { return false }
        if rest.first == "." {
            rest = rest.dropFirst()
            guard !digits().isEmpty else { return false }
        }
        if rest.first == "e" || rest.first == "E" {
            rest = rest.dropFirst()
            if rest.first == "+" || rest.first == "-" { rest = rest.dropFirst() }
            guard !digits().isEmpty else { return false }
        }
        return rest.isEmpty
    }
}

/// A JSON body made of `api -F/-f` fields, as `gh api` makes one: `a[b]=v` sets a field of object `a`,
/// `a[]=v` adds to array `a`, and `a[][b]=v` fills the objects of array `a`, starting the next one when the
/// last already has `b`; `a[]` with no value is an empty list. A name not wholly of the form `a[…]…` (`[x]`,
/// `a[b]c`, `a[`) is a field of that name as written, where gh would guess at one.
enum FieldBody {
    private enum Step: Equatable { case key(String), append }

    private indirect enum Node {
        case value(JSON)
        case object([(String, Node)])
        case array([Node])

        /// Whether this node can take a step: a key for an object, an append for an array; a value takes none.
        func holds(_ step: Step) -> Bool {
            switch (self, step) {
            case (.object, .key), (.array, .append): return true
            default: return false
            }
        }

        var json: JSON {
            switch self {
            case let .value(value): return value
            case let .object(pairs): return .object(pairs.map { ($0.0, $0.1.json) })
            case let .array(items): return .array(items.map(\.json))
            }
        }
    }

    /// A nil value is `key[]` given alone: the list is made, with nothing added to it.
    static func build(_ fields: [(key: String, value: JSON?)]) throws(CLIError) -> JSON {
        var root = Node.object([])
        for field in fields {
            let steps = path(field.key)
            try insert(field.value, steps[...], into: &root, field: field.key)
        }
        return root.json
    }

    /// `a[b][]` as `a`, `b`, append; a key that is not of that form whole stays one key.
    private static func path(_ key: String) -> [Step] {
        guard let open = key.firstIndex(of: "["), open > key.startIndex, key.hasSuffix("]") else { return [.key(key)] }
        var steps = [Step.key(String(key[..<open]))]
        var rest = key[open...]
        while let first = rest.first {
            guard first == "[", let close = rest.firstIndex(of: "]") else { return [.key(key)] }
            let inner = rest[rest.index(after: rest.startIndex)..<close]
            guard !inner.contains("[") else { return [.key(key)] }
            steps.append(inner.isEmpty ? .append : .key(String(inner)))
            rest = rest[rest.index(after: close)...]
        }
        return steps
    }

    private static func insert(_ value: JSON?, _ steps: ArraySlice<Step>, into node: inout Node, field: String) throws(CLIError) {
        guard let step = steps.first else { return }
        let rest = steps.dropFirst()
        func fresh() -> Node { rest.first.map { $0 == .append ? .array([]) : .object([]) } ?? .value(value ?? .null) }
        switch (step, node) {
        case let (.key(name), .object(pairs)):
            var pairs = pairs
            if let index = pairs.firstIndex(where: { $0.0 == name }) {
                var child = pairs[index].1
                guard !rest.isEmpty else {
                    if case .value = child { throw twice(field) }
                    throw mixed(field)
                }
                guard child.holds(rest.first!) else { throw mixed(field) }
                try insert(value, rest, into: &child, field: field)
                pairs[index].1 = child
            } else {
                var child = fresh()
                try insert(value, rest, into: &child, field: field)
                pairs.append((name, child))
            }
            node = .object(pairs)
        case (.append, .array) where rest.isEmpty && value == nil:
            break
        case let (.append, .array(items)):
            var items = items
            // gh's rule: `a[][b]=…` fills the last object of `a` until it has `b`, then starts the next; a `b`
            // that is a list (`a[][b][]=…`) keeps filling the same object.
            if case let .key(next)? = rest.first, case let .object(pairs)? = items.last,
               !pairs.contains(where: { $0.0 == next }) || rest.dropFirst().first == .append {
                var last = items.removeLast()
                try insert(value, rest, into: &last, field: field)
                items.append(last)
            } else {
                var child = fresh()
                try insert(value, rest, into: &child, field: field)
                items.append(child)
            }
            node = .array(items)
        default:
            throw mixed(field)
        }
    }

    private static func twice(_ field: String) -> CLIError {
        CLIError.usage("-F/-f \(field) is given twice: a JSON body has one value per key (\(field)[]=… makes a list)")
    }

    private static func mixed(_ field: String) -> CLIError {
        CLIError.usage("-F/-f \(field) does not fit the other fields: one name cannot be a value, an object (name[key]=…) and a list (name[]=…) at once")
    }
}
