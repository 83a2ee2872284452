import Foundation

/// Reads fields out of a request body with DRF's serializer-field semantics and messages, collecting every
/// problem so one 400 reports them all.
struct FieldReader {
    let data: JSONObject
    var errors = FieldErrors()

    init(_ data: JSONObject) { self.data = data }

    func check() throws { try errors.check() }

    func has(_ key: String) -> Bool { data.contains(key) }

    /// The raw value, or nil after recording "required"/"may not be null" as appropriate.
    private mutating func raw(_ key: String, required: Bool, allowNull: Bool = false) -> JSON? {
        guard let value = data[key] else {
            if required { errors.add(key, "This field is required.") }
            return nil
        }
        if value == .null {
            if !allowNull { errors.add(key, "This field may not be null.") }
            return nil
        }
        return value
    }

    mutating func string(_ key: String, required: Bool = false, allowBlank: Bool = true, trim: Bool = true,
                         minLength: Int? = nil, maxLength: Int? = nil) -> String?
    {
        guard let value = raw(key, required: required) else { return nil }
        var text: String
        switch value {
        case .string(let s): text = s
        case .number(let n): text = n
        default:
            errors.add(key, "Not a valid string.")
            return nil
        }
        if trim { text = text.trimmingCharacters(in: .whitespacesAndNewlines) }
        // DRF's CharField refuses U+0000 (ProhibitNullCharactersValidator); SQLite's text API would cut there.
        if text.unicodeScalars.contains("\u{0}") {
            errors.add(key, "Null characters are not allowed.")
            return nil
        }
        if text.isEmpty {
            if !allowBlank {
                errors.add(key, "This field may not be blank.")
                return nil
            }
            return text
        }
        if let maxLength, text.count > maxLength {
            errors.add(key, "Ensure this field has no more than \(maxLength) characters.")
            return nil
        }
        if let minLength, text.count < minLength {
            errors.add(key, "Ensure this field has at least \(minLength) characters.")
            return nil
        }
        return text
    }

    mutating func integer(_ key: String, required: Bool = false, min: Int? = nil, max: Int? = nil) -> Int? {
        guard let value = raw(key, required: required) else { return nil }
        guard let number = FieldReader.integerValue(value) else {
            errors.add(key, "A valid integer is required.")
            return nil
        }
        if let max, number > max {
            errors.add(key, "Ensure this value is less than or equal to \(max).")
            return nil
        }
        if let min, number < min {
            errors.add(key, "Ensure this value is greater than or equal to \(min).")
            return nil
        }
        return number
    }

    /// A nullable IntegerField: nil when absent, `.some(nil)` when sent as null, which clears it.
    mutating func nullableInteger(_ key: String, min: Int? = nil, max: Int? = nil) -> Int?? {
        guard has(key) else { return nil }
        if data[key] == .null { return .some(nil) }
        return integer(key, min: min, max: max).map { .some($0) }
    }

    /// DRF's IntegerField accepts `3`, `"3"`, `3.0` and `"3.00"`, but not `3.5`, `true` or `"three"`.
    static func integerValue(_ value: JSON) -> Int? {
        let text: String
        switch value {
        case .number(let n): text = n
        case .string(let s): text = s.trimmingCharacters(in: .whitespaces)
        default: return nil
        }
        guard text.count <= 1000 else { return nil }
        if let exact = Int(text) { return exact }
        // "3.000" is fine; exponents and real fractions are not.
        let pieces = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard pieces.count == 2, pieces[1].allSatisfy({ $0 == "0" }) else { return nil }
        return Int(pieces[0])
    }

    mutating func choice(_ key: String, _ choices: [String], required: Bool = false) -> String? {
        guard let value = raw(key, required: required) else { return nil }
        let text: String
        switch value {
        case .string(let s): text = s
        case .number(let n): text = n
        case .bool(let b): text = b ? "True" : "False"
        default:
            errors.add(key, "\"\(value.serialized)\" is not a valid choice.")
            return nil
        }
        guard choices.contains(text) else {
            errors.add(key, "\"\(text)\" is not a valid choice.")
            return nil
        }
        return text
    }

    /// Paise, from `DecimalField(max_digits=10, decimal_places=2)`.
    mutating func decimal(_ key: String, required: Bool = false, allowNull: Bool = false, min: Int? = nil) -> Int? {
        guard let value = raw(key, required: required, allowNull: allowNull) else { return nil }
        switch Money.parse(value) {
        case .failure(let failure):
            errors.add(key, failure.message)
            return nil
        case .success(let cents):
            if let min, cents < min {
                errors.add(key, "Ensure this value is greater than or equal to \(Money.format(min).replacingOccurrences(of: ".00", with: "")).")
                return nil
            }
            return cents
        }
    }

    mutating func dateTime(_ key: String, required: Bool = false) -> Timestamp? {
        guard let value = raw(key, required: required) else { return nil }
        guard let text = value.stringValue, let time = Timestamp.parseDateTime(text) else {
            errors.add(key, FieldReader.dateTimeFormatMessage)
            return nil
        }
        return time
    }

    static let dateTimeFormatMessage =
        "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
    static let dateFormatMessage = "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."

    /// Any JSON value, kept as-is (evidence blobs).
    func json(_ key: String) -> JSON? {
        guard let value = data[key], value != .null else { return nil }
        return value
    }

    /// A list of strings; a form's field, which is text, lists them between commas (`4,5`).
    mutating func stringList(_ key: String, required: Bool = false) -> [String]? {
        guard let value = raw(key, required: required) else { return nil }
        switch value {
        case .array(let items):
            var result: [String] = []
            for item in items {
                switch item {
                case .string(let s) where s.unicodeScalars.contains("\u{0}"):
                    errors.add(key, "Null characters are not allowed.")
                    return nil
                case .string(let s): result.append(s)
                case .number(let n): result.append(n)
                default:
                    errors.add(key, "Not a valid string.")
                    return nil
                }
            }
            return result
        // A form's field is text: `4,5` lists two.
        case .string(let s): return s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        default:
            errors.add(key, "Expected a list of items but got type \"\(value.pythonTypeName)\".")
            return nil
        }
    }
}

/// Query-string parameters with the same messages, for GET endpoints that validate their inputs.
struct QueryReader {
    let request: APIRequest
    var errors = FieldErrors()

    init(_ request: APIRequest) { self.request = request }

    func check() throws { try errors.check() }

    mutating func string(_ key: String, required: Bool = false) -> String? {
        guard let value = request.query(key)?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
            if required { errors.add(key, "This field is required.") }
            return nil
        }
        return value
    }

    mutating func integer(_ key: String, required: Bool = false, min: Int? = nil, max: Int? = nil) -> Int? {
        guard let text = string(key, required: required) else { return nil }
        guard let value = FieldReader.integerValue(.string(text)) else {
            errors.add(key, "A valid integer is required.")
            return nil
        }
        if let min, value < min {
            errors.add(key, "Ensure this value is greater than or equal to \(min).")
            return nil
        }
        if let max, value > max {
            errors.add(key, "Ensure this value is less than or equal to \(max).")
            return nil
        }
        return value
    }

    mutating func pincode(_ key: String, required: Bool = false) -> String? {
        guard let text = string(key, required: required) else { return nil }
        if let problem = Pincode.problem(text) {
            errors.add(key, problem)
            return nil
        }
        return text
    }

    mutating func dateTime(_ key: String, required: Bool = false) -> Timestamp? {
        guard let text = string(key, required: required) else { return nil }
        guard let value = Timestamp.parseDateTime(text) else {
            errors.add(key, FieldReader.dateTimeFormatMessage)
            return nil
        }
        return value
    }

    mutating func date(_ key: String, required: Bool = false) -> Timestamp? {
        guard let text = string(key, required: required) else { return nil }
        guard let value = Timestamp.parseDate(text) ?? Timestamp.parseDateTime(text)?.startOfDay else {
            errors.add(key, FieldReader.dateFormatMessage)
            return nil
        }
        return value
    }
}

enum Pincode {
    /// Indian PIN codes are six digits; the contract allows up to ten for other postal systems.
    static func problem(_ text: String) -> String? {
        if text.count < 6 { return "Ensure this field has at least 6 characters." }
        if text.count > 10 { return "Ensure this field has no more than 10 characters." }
        if !text.allSatisfy({ $0.isASCII && $0.isNumber }) { return "Pincode must contain only digits." }
        return nil
    }

    /// A rough distance between two PIN codes: neighbouring codes are neighbouring areas.
    static func distanceKm(_ a: String, _ b: String) -> Double {
        guard a != b else { return 2.0 }
        guard let x = Int(a), let y = Int(b) else { return 25.0 }
        return min(50.0, Double(abs(x - y)) * 5.0)
    }

    /// Travel minutes for a vendor at `a` to reach `b`, at an average 20 km/h in city traffic plus parking.
    static func travelMinutes(_ a: String, _ b: String) -> Int {
        10 + Int((distanceKm(a, b) * 3).rounded())
    }
}
