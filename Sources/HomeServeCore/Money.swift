/// Amounts as DRF decimal fields carry them: strings with two places. Done on the digits, not through a
/// Double, so any length of input is exact and nothing can overflow.
public enum Money {
    /// "549" → "549.00", "12.345" → "12.35"; text that is not a plain decimal is returned unchanged.
    public static func twoDecimals(_ text: String) -> String {
        let negative = text.hasPrefix("-")
        let unsigned = negative ? String(text.dropFirst()) : text
        let parts = unsigned.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, parts.count <= 2, !whole.isEmpty || parts.count == 2,
              (whole + (parts.count == 2 ? parts[1] : "")).allSatisfy({ $0.isASCII && $0.isNumber }) else { return text }
        var digits = Array((whole.isEmpty ? "0" : String(whole)) + String((parts.count == 2 ? parts[1] : "") + "000").prefix(3))
        let roundUp = digits.removeLast() >= "5"
        if roundUp {
            var i = digits.count - 1
            while i >= 0 {
                if digits[i] == "9" {
                    digits[i] = "0"
                    i -= 1
                } else {
                    digits[i] = Character(String((digits[i].wholeNumberValue ?? 0) + 1))
                    break
                }
            }
            if i < 0 { digits.insert("1", at: 0) }
        }
        var integer = String(digits.dropLast(2))
        while integer.count > 1 && integer.hasPrefix("0") { integer.removeFirst() }
        let result = integer + "." + String(digits.suffix(2))
        return negative && result != "0.00" ? "-" + result : result
    }

    /// A non-negative amount with at most 12 digits before the point and two after: what the CLI accepts
    /// as money (more places would be rounded away without a word).
    public static func isAmount(_ text: String) -> Bool {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        return (1...12).contains(parts[0].count) && (parts.count == 1 || (1...2).contains(parts[1].count))
            && parts.allSatisfy { $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }
}
