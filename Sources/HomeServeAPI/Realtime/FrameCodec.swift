/// RFC 6455 framing for the client side: frames we send are masked; frames we receive must not be.
/// The decoder never trusts a length before checking it against the limit, so hostile input yields
/// an error, never a crash or an unbounded allocation.
public enum Opcode: UInt8, Sendable {
    case continuation = 0x0, text = 0x1, binary = 0x2, close = 0x8, ping = 0x9, pong = 0xA

    var isControl: Bool { rawValue & 0x8 != 0 }
}

public struct Frame: Equatable, Sendable {
    public var fin: Bool
    public var opcode: Opcode
    public var payload: [UInt8]

    public init(fin: Bool = true, opcode: Opcode, payload: [UInt8]) {
        self.fin = fin
        self.opcode = opcode
        self.payload = payload
    }
}

public struct WebSocketProtocolError: Error, CustomStringConvertible, Equatable, Sendable {
    public let reason: String
    /// The close code to send back (1002 protocol error, 1007 bad data, 1009 too big).
    public let closeCode: UInt16
    public var description: String { reason }
}

public enum FrameCodec {
    public static func encode(_ frame: Frame, mask: [UInt8]) -> [UInt8] {
        precondition(mask.count == 4)
        var out: [UInt8] = [(frame.fin ? 0x80 : 0) | frame.opcode.rawValue]
        let count = frame.payload.count
        if count < 126 {
            out.append(0x80 | UInt8(count))
        } else if count <= 0xFFFF {
            out.append(0x80 | 126)
            out += [UInt8(count >> 8), UInt8(count & 0xFF)]
        } else {
            out.append(0x80 | 127)
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8((UInt64(count) >> UInt64(shift)) & 0xFF)) }
        }
        out += mask
        out.reserveCapacity(out.count + count)
        for (i, byte) in frame.payload.enumerated() { out.append(byte ^ mask[i & 3]) }
        return out
    }

    /// Whether the bytes hold a close frame, past any frames the server sent before it; false when they
    /// end before one, or cannot be read as frames.
    public static func holdsClose(_ bytes: ArraySlice<UInt8>, maxPayload: Int) -> Bool {
        var rest = bytes
        while let (frame, used) = try? decode(rest, maxPayload: maxPayload) {
            if frame.opcode == .close { return true }
            rest = rest.dropFirst(used)
        }
        return false
    }

    /// Parses one frame from the front of `buffer`; returns nil when more bytes are needed.
    public static func decode(_ buffer: [UInt8], maxPayload: Int) throws(WebSocketProtocolError) -> (Frame, consumed: Int)? {
        try decode(buffer[...], maxPayload: maxPayload)
    }

    public static func decode(_ slice: ArraySlice<UInt8>, maxPayload: Int) throws(WebSocketProtocolError) -> (Frame, consumed: Int)? {
        let buffer = Slice0(slice)
        guard buffer.count >= 2 else { return nil }
        let b0 = buffer[0], b1 = buffer[1]
        guard b0 & 0x70 == 0 else { throw WebSocketProtocolError(reason: "reserved bits set in a frame (no extension was negotiated)", closeCode: 1002) }
        guard let opcode = Opcode(rawValue: b0 & 0x0F) else {
            throw WebSocketProtocolError(reason: "unknown opcode 0x\(String(b0 & 0x0F, radix: 16))", closeCode: 1002)
        }
        let fin = b0 & 0x80 != 0
        guard b1 & 0x80 == 0 else { throw WebSocketProtocolError(reason: "the server sent a masked frame", closeCode: 1002) }
        var length = UInt64(b1 & 0x7F)
        var offset = 2
        if length == 126 {
            guard buffer.count >= 4 else { return nil }
            length = UInt64(buffer[2]) << 8 | UInt64(buffer[3])
            offset = 4
        } else if length == 127 {
            guard buffer.count >= 10 else { return nil }
            length = (2..<10).reduce(UInt64(0)) { $0 << 8 | UInt64(buffer[$1]) }
            guard length & (1 << 63) == 0 else { throw WebSocketProtocolError(reason: "frame length has its high bit set", closeCode: 1002) }
            offset = 10
        }
        if opcode.isControl {
            guard fin else { throw WebSocketProtocolError(reason: "fragmented control frame", closeCode: 1002) }
            guard length <= 125 else { throw WebSocketProtocolError(reason: "control frame longer than 125 bytes", closeCode: 1002) }
        }
        guard length <= UInt64(maxPayload) else {
            throw WebSocketProtocolError(reason: "frame of \(length) bytes exceeds the \(maxPayload)-byte limit", closeCode: 1009)
        }
        let total = offset + Int(length)
        guard buffer.count >= total else { return nil }
        return (Frame(fin: fin, opcode: opcode, payload: buffer.bytes(offset..<total)), total)
    }
}

/// A slice addressed from zero.
private struct Slice0 {
    let slice: ArraySlice<UInt8>
    init(_ slice: ArraySlice<UInt8>) { self.slice = slice }
    var count: Int { slice.count }
    subscript(i: Int) -> UInt8 { slice[slice.startIndex + i] }
    func bytes(_ range: Range<Int>) -> [UInt8] { Array(slice[(slice.startIndex + range.lowerBound)..<(slice.startIndex + range.upperBound)]) }
}

/// Reassembles fragmented messages and enforces the rules about interleaving.
public struct MessageAssembler: Sendable {
    public enum Message: Equatable, Sendable {
        case text(String)
        case binary([UInt8])
        case ping([UInt8])
        case pong([UInt8])
        case close(code: UInt16?, reason: String)
    }

    let maxMessage: Int
    private var pendingOpcode: Opcode?
    private var pending: [UInt8] = []

    public init(maxMessage: Int) { self.maxMessage = maxMessage }

    public mutating func accept(_ frame: Frame) throws(WebSocketProtocolError) -> Message? {
        switch frame.opcode {
        case .ping: return .ping(frame.payload)
        case .pong: return .pong(frame.payload)
        case .close:
            if frame.payload.count == 1 { throw WebSocketProtocolError(reason: "close frame with a 1-byte payload", closeCode: 1002) }
            let code = frame.payload.count >= 2 ? UInt16(frame.payload[0]) << 8 | UInt16(frame.payload[1]) : nil
            // RFC 6455 §7.4: 1004 is reserved, 1005, 1006 and 1015 are never sent, codes below 1000 are not
            // used, 1016–2999 are the protocol's to assign, and 5000 up are not codes.
            if let code, !((1000...1003).contains(code) || (1007...1014).contains(code) || (3000...4999).contains(code)) {
                throw WebSocketProtocolError(reason: "close frame with code \(code), which no endpoint may send", closeCode: 1002)
            }
            guard let reason = frame.payload.count > 2 ? String(validating: frame.payload[2...], as: UTF8.self) : "" else {
                throw WebSocketProtocolError(reason: "close frame whose reason is not valid UTF-8", closeCode: 1007)
            }
            return .close(code: code, reason: reason)
        case .text, .binary:
            guard pendingOpcode == nil else { throw WebSocketProtocolError(reason: "a new message started inside a fragmented one", closeCode: 1002) }
            if frame.fin { return try finish(frame.opcode, frame.payload) }
            pendingOpcode = frame.opcode
            pending = frame.payload
            return nil
        case .continuation:
            guard let opcode = pendingOpcode else { throw WebSocketProtocolError(reason: "continuation frame without a message to continue", closeCode: 1002) }
            guard pending.count + frame.payload.count <= maxMessage else {
                throw WebSocketProtocolError(reason: "message exceeds the \(maxMessage)-byte limit", closeCode: 1009)
            }
            pending += frame.payload
            guard frame.fin else { return nil }
            let payload = pending
            pendingOpcode = nil
            pending = []
            return try finish(opcode, payload)
        }
    }

    private func finish(_ opcode: Opcode, _ payload: [UInt8]) throws(WebSocketProtocolError) -> Message {
        guard opcode == .text else { return .binary(payload) }
        guard let text = String(validating: payload, as: UTF8.self) else {
            throw WebSocketProtocolError(reason: "text message is not valid UTF-8", closeCode: 1007)
        }
        return .text(text)
    }
}
