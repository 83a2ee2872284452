import Foundation

/// Amounts in paise (hundredths of a rupee), rendered as DRF renders a `DecimalField(decimal_places=2)`.
enum Money {
    static func format(_ cents: Int) -> String {
        let sign = cents < 0 ? "-" : ""
        let magnitude = cents.magnitude
        let fraction = magnitude % 100
        return "\(sign)\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    static func double(_ cents: Int) -> Double { Double(cents) / 100 }

    /// Parses a JSON number or string the way `DecimalField(max_digits=10, decimal_places=2)` does,
    /// returning DRF's message on failure.
    static func parse(_ value: JSON, maxDigits: Int = 10, decimalPlaces: Int = 2) -> Result<Int, MoneyError> {
        let text: String
        switch value {
        case .number(let n): text = n
        case .string(let s): text = s.trimmingCharacters(in: .whitespaces)
        default: return .failure(.invalid)
        }
        guard text.count <= 1000 else { return .failure(.invalid) }
        var chars = Substring(text)
        var negative = false
        if chars.first == "-" || chars.first == "+" {
            negative = chars.first == "-"
            chars = chars.dropFirst()
        }
        var exponent = 0
        if let e = chars.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            // A range test rather than `abs`, which traps on Int.min; anything past ±30 could never fit
            // ten digits anyway, and the bound keeps the zero-padding below small.
            guard let exp = Int(chars[chars.index(after: e)...]), (-30...30).contains(exp) else {
                return .failure(.invalid)
            }
            exponent = exp
            chars = chars[..<e]
        }
        let parts = chars.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = String(parts[0])
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        guard !(whole.isEmpty && fraction.isEmpty), (whole + fraction).allSatisfy({ $0.isASCII && $0.isNumber })
        else { return .failure(.invalid) }
        // Shift the decimal point by the exponent, then count digits as Python's Decimal does.
        var digits = Array(whole + fraction)
        var pointPosition = whole.count + exponent
        while pointPosition > digits.count { digits.append("0") }
        while pointPosition < 0 {
            digits.insert("0", at: 0)
            pointPosition += 1
        }
        var integerDigits = Array(digits[..<pointPosition])
        var fractionDigits = Array(digits[pointPosition...])
        while let first = integerDigits.first, first == "0" { integerDigits.removeFirst() }
        while let last = fractionDigits.last, last == "0", fractionDigits.count > decimalPlaces {
            fractionDigits.removeLast()
        }
        if fractionDigits.count > decimalPlaces {
            return .failure(.tooManyDecimalPlaces(decimalPlaces))
        }
        if integerDigits.count + fractionDigits.count > maxDigits {
            if integerDigits.count > maxDigits - decimalPlaces {
                return .failure(.tooManyWholeDigits(maxDigits - decimalPlaces))
            }
            return .failure(.tooManyDigits(maxDigits))
        }
        while fractionDigits.count < 2 { fractionDigits.append("0") }
        let cents = Int(String(integerDigits) + String(fractionDigits.prefix(2))) ?? 0
        return .success(negative ? -cents : cents)
    }

    enum MoneyError: Error {
        case invalid
        case tooManyDecimalPlaces(Int)
        case tooManyDigits(Int)
        case tooManyWholeDigits(Int)

        var message: String {
            switch self {
            case .invalid: return "A valid number is required."
            case .tooManyDecimalPlaces(let n): return "Ensure that there are no more than \(n) decimal places."
            case .tooManyDigits(let n): return "Ensure that there are no more than \(n) digits in total."
            case .tooManyWholeDigits(let n):
                return "Ensure that there are no more than \(n) digits before the decimal point."
            }
        }
    }
}
