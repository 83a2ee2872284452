import XCTest
@testable import HomeServeCLI
import HomeServeAPI
import HomeServeCore

final class FrameCodecTests: XCTestCase {
    let mask: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]

    func testRFCExampleMaskedHello() {
        // RFC 6455 §5.7: a masked "Hello" from a client.
        let encoded = FrameCodec.encode(Frame(opcode: .text, payload: Array("Hello".utf8)), mask: mask)
        XCTAssertEqual(encoded, [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58])
    }

    func testDecodesUnmaskedServerFramesOfEveryLengthForm() throws {
        for size in [0, 125, 126, 65535, 65536] {
            let payload = [UInt8](repeating: 0x61, count: size)
            var bytes: [UInt8] = [0x82]
            if size < 126 { bytes.append(UInt8(size)) } else if size <= 0xFFFF { bytes += [126, UInt8(size >> 8), UInt8(size & 0xFF)] } else {
                bytes += [127, 0, 0, 0, 0, 0, UInt8(size >> 16), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)]
            }
            bytes += payload
            let (frame, consumed) = try XCTUnwrap(try FrameCodec.decode(bytes + [0x81], maxPayload: 1 << 20))
            XCTAssertEqual(frame, Frame(opcode: .binary, payload: payload))
            XCTAssertEqual(consumed, bytes.count)
            XCTAssertNil(try FrameCodec.decode(Array(bytes.dropLast()), maxPayload: 1 << 20), "truncated frame waits for more bytes")
        }
    }

    func testFindsTheServersCloseBehindTheMessagesBeforeIt() {
        let text: [UInt8] = [0x81, 0x02, 0x68, 0x69]
        let ping: [UInt8] = [0x89, 0x00]
        let close: [UInt8] = [0x88, 0x02, 0x03, 0xE8]
        XCTAssertTrue(FrameCodec.holdsClose(close[...], maxPayload: 1 << 20))
        XCTAssertTrue(FrameCodec.holdsClose((text + ping + text + close)[...], maxPayload: 1 << 20), "frames before the close are passed over")
        XCTAssertTrue(FrameCodec.holdsClose((text + close)[2...].dropFirst(2), maxPayload: 1 << 20), "a slice that does not start at index 0")
        XCTAssertFalse(FrameCodec.holdsClose((text + ping)[...], maxPayload: 1 << 20))
        XCTAssertFalse(FrameCodec.holdsClose((text + close.dropLast())[...], maxPayload: 1 << 20), "a close still arriving")
        XCTAssertFalse(FrameCodec.holdsClose(([0x81, 0x80, 0, 0, 0, 0] + close)[...], maxPayload: 1 << 20), "a masked frame is not readable")
    }

    func testEncodesExtendedLengths() {
        let long = FrameCodec.encode(Frame(opcode: .binary, payload: [UInt8](repeating: 1, count: 70000)), mask: mask)
        XCTAssertEqual(Array(long[0..<10]), [0x82, 0xFF, 0, 0, 0, 0, 0, 0x01, 0x11, 0x70])
        XCTAssertEqual(long.count, 2 + 8 + 4 + 70000)
    }

    func assertRejects(_ bytes: [UInt8], _ reason: String, code: UInt16 = 1002, max: Int = 1024, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try FrameCodec.decode(bytes, maxPayload: max), file: file, line: line) { error in
            let error = error as! WebSocketProtocolError
            XCTAssertTrue(error.reason.contains(reason), error.reason, file: file, line: line)
            XCTAssertEqual(error.closeCode, code, file: file, line: line)
        }
    }

    func testRejectsHostileFrames() {
        assertRejects([0xC1, 0x00], "reserved bits")
        assertRejects([0x83, 0x00], "unknown opcode 0x3")
        assertRejects([0x8B, 0x00], "unknown opcode 0xb")
        assertRejects([0x81, 0x81, 1, 2, 3, 4, 0], "masked frame")
        assertRejects([0x09, 0x00], "fragmented control frame")
        assertRejects([0x89, 126, 0, 200], "longer than 125")
        // A declared 2^63-1 byte payload must be refused before anything is allocated.
        assertRejects([0x82, 127, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], "exceeds", code: 1009)
        assertRejects([0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 1], "high bit")
        assertRejects([0x82, 126, 0x10, 0x00], "exceeds the 1024-byte limit", code: 1009)
    }

    func testAssemblesFragmentsAndAnswersControlFramesBetweenThem() throws {
        var assembler = MessageAssembler(maxMessage: 64)
        XCTAssertNil(try assembler.accept(Frame(fin: false, opcode: .text, payload: Array("Hel".utf8))))
        XCTAssertEqual(try assembler.accept(Frame(opcode: .ping, payload: [1])), .ping([1]))
        XCTAssertNil(try assembler.accept(Frame(fin: false, opcode: .continuation, payload: Array("lo, ".utf8))))
        XCTAssertEqual(try assembler.accept(Frame(opcode: .continuation, payload: Array("world".utf8))), .text("Hello, world"))
        XCTAssertEqual(try assembler.accept(Frame(opcode: .close, payload: [0x03, 0xE8] + Array("bye".utf8))), .close(code: 1000, reason: "bye"))
    }

    func testRejectsBadMessageSequences() {
        var assembler = MessageAssembler(maxMessage: 8)
        XCTAssertThrowsError(try assembler.accept(Frame(opcode: .continuation, payload: [1])))
        XCTAssertNoThrow(try assembler.accept(Frame(fin: false, opcode: .binary, payload: [1])))
        XCTAssertThrowsError(try assembler.accept(Frame(opcode: .text, payload: [1])), "a new message inside a fragmented one")
        var small = MessageAssembler(maxMessage: 4)
        XCTAssertNoThrow(try small.accept(Frame(fin: false, opcode: .binary, payload: [1, 2, 3])))
        XCTAssertThrowsError(try small.accept(Frame(opcode: .continuation, payload: [4, 5]))) {
            XCTAssertEqual(($0 as! WebSocketProtocolError).closeCode, 1009)
        }
        var text = MessageAssembler(maxMessage: 8)
        XCTAssertThrowsError(try text.accept(Frame(opcode: .text, payload: [0xFF, 0xFE]))) {
            XCTAssertEqual(($0 as! WebSocketProtocolError).closeCode, 1007)
        }
        XCTAssertThrowsError(try text.accept(Frame(opcode: .close, payload: [3])))
        // Close codes no endpoint may send, and a reason that is not UTF-8 (RFC 6455 §7.4, §5.5.1).
        for code: UInt16 in [999, 1004, 1005, 1006, 1015, 2000, 5000] {
            XCTAssertThrowsError(try text.accept(Frame(opcode: .close, payload: [UInt8(code >> 8), UInt8(code & 0xFF)])), "\(code)") {
                XCTAssertEqual(($0 as! WebSocketProtocolError).closeCode, 1002)
            }
        }
        XCTAssertThrowsError(try text.accept(Frame(opcode: .close, payload: [0x03, 0xE8, 0xFF]))) {
            XCTAssertEqual(($0 as! WebSocketProtocolError).closeCode, 1007)
        }
        for code: UInt16 in [1000, 1001, 1011, 1013, 3000, 4001, 4999] {
            XCTAssertEqual(try text.accept(Frame(opcode: .close, payload: [UInt8(code >> 8), UInt8(code & 0xFF)])), .close(code: code, reason: ""))
        }
    }

    func testAcceptKeyFromTheRFC() {
        XCTAssertEqual(WebSocketClient.acceptValue(for: "dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    func testUntilConditions() throws {
        let message = try JSON.parse(#"{"type": "booking_status_change", "data": {"status": "completed", "booking": {"id": "b1"}}}"#)
        XCTAssertEqual(true, WatchCommands.Until("booking_status_change")?.matches(message))
        XCTAssertEqual(true, WatchCommands.Until("booking_status_change:status=completed")?.matches(message))
        XCTAssertEqual(true, WatchCommands.Until("booking_status_change:booking.id=b1")?.matches(message))
        XCTAssertEqual(false, WatchCommands.Until("booking_status_change:status=signed")?.matches(message))
        XCTAssertEqual(false, WatchCommands.Until("notification")?.matches(message))
        XCTAssertNil(WatchCommands.Until("x:novalue"))
        XCTAssertNil(WatchCommands.Until(":a=b"))
    }

    func testReadableEventLine() throws {
        let message = try JSON.parse(#"{"type": "payment_update", "data": {"amount": "549.00", "status": "requires_capture"}, "timestamp": "2026-11-25T10:11:12.123Z"}"#)
        XCTAssertEqual(EventLine.render(message), "10:11:12  payment_update  amount=549.00 status=requires_capture")
        XCTAssertEqual(EventLine.render(.string("plain")), "\"plain\"")
    }
}
