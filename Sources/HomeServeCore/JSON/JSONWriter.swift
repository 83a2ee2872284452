/// Writes JSON straight into bytes: a page of items is serialised without building Strings per value.
public enum JSONWriter {
    public static func write(_ value: JSON, into out: inout [UInt8], pretty: Bool = false, indent: Int = 0) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case let .bool(b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case let .number(n): out.append(contentsOf: n.utf8)
        case let .string(s): writeString(s, into: &out)
        case let .array(items):
            if items.isEmpty { out.append(contentsOf: "[]".utf8); return }
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                if pretty { newline(indent + 1, into: &out) }
                write(item, into: &out, pretty: pretty, indent: indent + 1)
            }
            if pretty { newline(indent, into: &out) }
            out.append(UInt8(ascii: "]"))
        case let .object(pairs):
            if pairs.isEmpty { out.append(contentsOf: "{}".utf8); return }
            out.append(UInt8(ascii: "{"))
            for (i, (key, item)) in pairs.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                if pretty { newline(indent + 1, into: &out) }
                writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                if pretty { out.append(UInt8(ascii: " ")) }
                write(item, into: &out, pretty: pretty, indent: indent + 1)
            }
            if pretty { newline(indent, into: &out) }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Writes a value given as the bytes a parse checked (a `ListedDocument`'s object) exactly as `write`
    /// writes the value built from them: whitespace dropped or laid out, strings with escapes or line
    /// separators written again from their text, the rest copied.
    public static func copy(_ value: UnsafeBufferPointer<UInt8>, into out: inout [UInt8], pretty: Bool = false, indent: Int = 0) {
        var index = 0
        var depth = indent
        while index < value.count {
            let byte = value[index]
            switch byte {
            case 0x20, 0x0A, 0x0D, 0x09:
                index += 1
            case UInt8(ascii: "\""):
                // Copied as it is unless it holds an escape or a line separator; other text, ₹ and – too, is.
                var stop = index + 1
                var plain = true
                while true {
                    stop = JSONScan.stop(in: value, from: stop, lineSeparators: true)
                    guard stop < value.count, value[stop] != UInt8(ascii: "\"") else { break }
                    let written: Bool
                    switch value[stop] {
                    case 0xE2: written = stop + 2 < value.count && value[stop + 1] == 0x80 && (value[stop + 2] == 0xA8 || value[stop + 2] == 0xA9)
                    case 0xC2: written = stop + 1 < value.count && value[stop + 1] == 0x85
                    default: written = true
                    }
                    if written {
                        plain = false
                        break
                    }
                    stop += 1
                }
                if plain {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: value[index...min(stop, value.count - 1)]))
                    index = stop + 1
                } else {
                    var end = stop
                    while end < value.count, value[end] != UInt8(ascii: "\"") { end += value[end] == UInt8(ascii: "\\") ? 2 : 1 }
                    end = min(end, value.count - 1)
                    if case let .string(text)? = try? JSON.parse(Array(value[index...end])) {
                        writeString(text, into: &out)
                    } else {
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: value[index...end]))
                    }
                    index = end + 1
                }
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var next = index + 1
                while next < value.count, value[next] == 0x20 || value[next] == 0x0A || value[next] == 0x0D || value[next] == 0x09 { next += 1 }
                out.append(byte)
                if next < value.count, value[next] == byte + 2 {
                    out.append(byte + 2)
                    index = next + 1
                } else {
                    depth += 1
                    if pretty { newline(depth, into: &out) }
                    index = next
                }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if pretty { newline(depth, into: &out) }
                out.append(byte)
                index += 1
            case UInt8(ascii: ","):
                out.append(byte)
                if pretty { newline(depth, into: &out) }
                index += 1
            case UInt8(ascii: ":"):
                out.append(byte)
                if pretty { out.append(0x20) }
                index += 1
            default:
                let start = index
                while index < value.count, !isDelimiter(value[index]) { index += 1 }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: value[start..<index]))
            }
        }
    }

    @inline(__always)
    private static func isDelimiter(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x20, 0x0A, 0x0D, 0x09, UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: ":"): return true
        default: return false
        }
    }

    private static func newline(_ indent: Int, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\n"))
        for _ in 0..<(indent * 2) { out.append(UInt8(ascii: " ")) }
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// `\uXXXX` for one UTF-16 code unit.
    @inline(__always)
    private static func escape(_ unit: Int, into out: inout [UInt8]) {
        out += [0x5C, UInt8(ascii: "u"), hex[unit >> 12 & 0xF], hex[unit >> 8 & 0xF], hex[unit >> 4 & 0xF], hex[unit & 0xF]]
    }

    public static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            var runStart = 0
            while true {
                let stop = JSONScan.stop(in: bytes, from: runStart, lineSeparators: true)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<stop]))
                guard stop < bytes.count else { return }
                let byte = bytes[stop]
                runStart = stop + 1
                // U+2028, U+2029 and U+0085 are written escaped; any other character starting so, as it is.
                if byte == 0xE2, stop + 2 < bytes.count, bytes[stop + 1] == 0x80, bytes[stop + 2] == 0xA8 || bytes[stop + 2] == 0xA9 {
                    escape(bytes[stop + 2] == 0xA8 ? 0x2028 : 0x2029, into: &out)
                    runStart = stop + 3
                } else if byte == 0xC2, stop + 1 < bytes.count, bytes[stop + 1] == 0x85 {
                    escape(0x85, into: &out)
                    runStart = stop + 2
                } else if byte >= 0x80 {
                    out.append(byte)
                } else {
                    switch byte {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"): out += [0x5C, byte]
                    case 0x0A: out += [0x5C, UInt8(ascii: "n")]
                    case 0x0D: out += [0x5C, UInt8(ascii: "r")]
                    case 0x09: out += [0x5C, UInt8(ascii: "t")]
                    default: escape(Int(byte), into: &out)
                    }
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension JSON {
    public func serialized(pretty: Bool = false) -> String {
        String(decoding: bytes(pretty: pretty), as: UTF8.self)
    }

    public func bytes(pretty: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        JSONWriter.write(self, into: &out, pretty: pretty)
        return out
    }
}
