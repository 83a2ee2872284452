/// Finds, eight bytes at a time, where a run of string text stops: at the bytes a JSON string cannot hold
/// as they are (a quote, a backslash, a control character). Most of a page's bytes are string text, so the
/// parser and the writer each cross it in one pass instead of testing every byte three times.
enum JSONScan {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// The index of the first quote, backslash or byte below 0x20 at or after `start`, or `bytes.count`;
    /// with `lineSeparators`, also of a 0xE2 or 0xC2 byte, which start U+2028, U+2029 and U+0085 (the writer
    /// escapes those three: valid in JSON, they end a line for JavaScript or for Python's `splitlines`).
    @inline(__always)
    static func stop(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, lineSeparators: Bool = false) -> Int {
        guard let base = bytes.baseAddress else { return start }
        let count = bytes.count
        var index = start
        while index + 8 <= count {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
            // Each test sets a byte's high bit for a match; a borrow can set it falsely only above a true
            // match, so the lowest bit set is always a true one.
            let control = (word &- ones &* 0x20) & ~word & highs
            let quotes = word ^ (ones &* 0x22), backslashes = word ^ (ones &* 0x5C)
            var found = control | ((quotes &- ones) & ~quotes & highs) | ((backslashes &- ones) & ~backslashes & highs)
            if lineSeparators {
                let e2 = word ^ (ones &* 0xE2), c2 = word ^ (ones &* 0xC2)
                found |= ((e2 &- ones) & ~e2 & highs) | ((c2 &- ones) & ~c2 & highs)
            }
            if found != 0 { return index + found.trailingZeroBitCount / 8 }
            index += 8
        }
        while index < count {
            let byte = base[index]
            if byte < 0x20 || byte == 0x22 || byte == 0x5C || (lineSeparators && (byte == 0xE2 || byte == 0xC2)) { return index }
            index += 1
        }
        return count
    }
}
