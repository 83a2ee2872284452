/// Whether bytes are well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past
/// U+10FFFF), checked in place: a page is checked before its rows are copied as they came.
public enum UTF8Check {
    public static func isValid(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return true }
            let count = buffer.count
            var index = 0
            while index < count {
                // Text is mostly ASCII: eight bytes at a time while no byte has its high bit set.
                while index + 8 <= count, UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    index += 8
                }
                guard index < count else { return true }
                let lead = base[index]
                if lead < 0x80 { index += 1; continue }
                let length: Int
                var low: UInt8 = 0x80, high: UInt8 = 0xBF
                switch lead {
                case 0xC2...0xDF: length = 2
                case 0xE0: length = 3; low = 0xA0
                case 0xE1...0xEC, 0xEE...0xEF: length = 3
                case 0xED: length = 3; high = 0x9F
                case 0xF0: length = 4; low = 0x90
                case 0xF1...0xF3: length = 4
                case 0xF4: length = 4; high = 0x8F
                default: return false
                }
                guard index + length <= count, (low...high).contains(base[index + 1]) else { return false }
                for next in index + 2..<index + length where base[next] & 0xC0 != 0x80 { return false }
                index += length
            }
            return true
        }
    }
}

/// Single-byte text as UTF-8, for an answer whose `charset` names ISO-8859-1 or Windows-1252 and whose
/// bytes are not UTF-8 already.
public enum SingleByteText {
    /// The charsets read: ISO-8859-1's names, and Windows-1252's, which differs from it in 0x80–0x9F.
    public static func isKnown(_ charset: String) -> Bool {
        latin1.contains(charset) || windows1252.contains(charset)
    }

    static let latin1: Set<String> = ["iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1"]
    static let windows1252: Set<String> = ["windows-1252", "cp1252", "x-cp1252"]

    /// Windows-1252's characters at 0x80–0x9F (five of them unassigned, kept as the C1 controls).
    static let high: [UInt32] = [0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
                                 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178]

    public static func utf8(_ bytes: [UInt8], charset: String) -> [UInt8] {
        let windows = windows1252.contains(charset)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        for byte in bytes {
            let scalar = windows && (0x80...0x9F).contains(byte) ? high[Int(byte - 0x80)] : UInt32(byte)
            if scalar < 0x80 {
                out.append(UInt8(scalar))
            } else if scalar < 0x800 {
                out += [UInt8(0xC0 | (scalar >> 6)), UInt8(0x80 | (scalar & 0x3F))]
            } else {
                out += [UInt8(0xE0 | (scalar >> 12)), UInt8(0x80 | ((scalar >> 6) & 0x3F)), UInt8(0x80 | (scalar & 0x3F))]
            }
        }
        return out
    }
}
