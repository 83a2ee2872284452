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
