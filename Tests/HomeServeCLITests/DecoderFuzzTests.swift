import Foundation
import TestSupport
import XCTest
import HomeServeAPI
import HomeServeCore

/// The decoders a server feeds — the JSON parser and the WebSocket frame decoder with its message
/// assembler — given random and mutated bytes in-process. Whatever the input, they return a value or a
/// typed error: never a crash, never a hang, and what parses writes back out and parses to the same value.
///
/// HOMESERVE_FUZZ_CASES sets the number of inputs per decoder (a few hundred in the ordinary run,
/// thousands from `scripts/fuzz`), HOMESERVE_FUZZ_SEED the seed (1 unless given); HOMESERVE_FUZZ_INPUT names a file that
/// holds the input being decoded, so a crash leaves it behind to be kept as a regression case.
final class DecoderFuzzTests: XCTestCase {
    var count: Int { Int(ProcessInfo.processInfo.environment["HOMESERVE_FUZZ_CASES"] ?? "") ?? 400 }
    var seed: UInt64 { UInt64(ProcessInfo.processInfo.environment["HOMESERVE_FUZZ_SEED"] ?? "") ?? 1 }

    static let jsonSeeds: [String] = [
        #"{"count": 2, "next": "http://h/api/?page=2", "results": [{"id": 1, "name": "Lawn", "price": "40.00"}]}"#,
        #"[1, -0.5e+10, 1E-3, true, false, null, "a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00\udc00\ud800x"]"#,
        #"{"a": {"b": {"c": [[], {}, [{}], ""]}}, "": 0}"#,
        #"{"detail": "\u001b[31mred\u001b[0m", "code": "token_not_valid"}"#,
        "  \n\t{ \"k\" :\r\n[ 1 , 2 ] }  ",
        "123456789012345678901234567890e999999",
    ]

    func mutate(_ input: [UInt8], _ random: inout SplitMix) -> [UInt8] {
        var bytes = input
        for _ in 0..<(1 + random.below(4)) {
            switch random.below(9) {
            case 0 where !bytes.isEmpty: bytes[random.below(bytes.count)] ^= UInt8(1 << random.below(8))
            case 1 where !bytes.isEmpty: bytes[random.below(bytes.count)] = UInt8(truncatingIfNeeded: random.next())
            case 2 where !bytes.isEmpty: bytes.remove(at: random.below(bytes.count))
            case 3: bytes.insert(random.pick(Array("{}[]\",:\\-0123456789eE.tfnu \u{7F}".utf8) + [0, 0x80, 0xC3, 0xED, 0xF4, 0xFF]),
                                 at: random.below(bytes.count + 1))
            case 4 where !bytes.isEmpty: bytes = Array(bytes.prefix(random.below(bytes.count)))
            case 5 where bytes.count > 1:
                let start = random.below(bytes.count), end = min(bytes.count, start + 1 + random.below(16))
                bytes.insert(contentsOf: bytes[start..<end], at: random.below(bytes.count + 1))
            case 6:
                let depth = random.below(2000)
                let open = random.pick([UInt8(ascii: "["), UInt8(ascii: "{")])
                bytes = [UInt8](repeating: open, count: depth) + bytes
            case 7: bytes += Array(random.pick(Self.jsonSeeds).utf8)
            default: bytes = (0..<random.below(64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            }
        }
        return bytes
    }

    /// Keeps the input in HOMESERVE_FUZZ_INPUT (when set) before it is decoded.
    func record(_ bytes: [UInt8], _ what: String) {
        guard let path = ProcessInfo.processInfo.environment["HOMESERVE_FUZZ_INPUT"], !path.isEmpty else { return }
        _ = FileManager.default.createFile(atPath: path + "." + what, contents: Data(bytes))
    }

    func testJSONParserOnMutatedInput() {
        let seed = self.seed
        var parsed = 0
        for index in 0..<count {
            var random = SplitMix(seed: seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
            let input = mutate(Array(random.pick(Self.jsonSeeds).utf8), &random)
            record(input, "json")
            guard let value = try? JSON.parse(input) else { continue }
            parsed += 1
            // What parses must write back out as JSON that parses to the same value.
            for pretty in [false, true] {
                let written = value.bytes(pretty: pretty)
                XCTAssertNotNil(String(validating: written, as: UTF8.self), "seed \(seed) case \(index): output not UTF-8")
                XCTAssertEqual(try? JSON.parse(written), value, "seed \(seed) case \(index): \(String(decoding: input, as: UTF8.self).debugDescription)")
            }
        }
        print("json fuzz: \(count) inputs, \(parsed) parsed (seed \(seed))")
    }

    /// Strings are crossed eight bytes at a time: a quote, a backslash or a control character at every
    /// position of every length (beside text of one, two and four bytes a character) is written escaped
    /// exactly as byte-by-byte escaping would, and read back to the same string; unescaped, a control
    /// character is refused at its own offset and a string without its closing quote as unterminated.
    func testStringsAtEveryPositionOfAWord() throws {
        func escaped(_ text: String) -> [UInt8] {
            var out: [UInt8] = [0x22]
            for byte in text.utf8 {
                switch byte {
                case 0x22, 0x5C: out += [0x5C, byte]
                case 0x0A: out += Array(#"\n"#.utf8)
                case 0x0D: out += Array(#"\r"#.utf8)
                case 0x09: out += Array(#"\t"#.utf8)
                case ..<0x20: out += Array(String(format: "\\u%04x", byte).utf8)
                default: out.append(byte)
                }
            }
            return out + [0x22]
        }
        for filler in ["a", "\u{7F}", "é", "😀"] {
            for length in 0...24 {
                let plain = String(repeating: filler, count: length)
                var written: [UInt8] = []
                JSONWriter.writeString(plain, into: &written)
                XCTAssertEqual(written, escaped(plain))
                XCTAssertEqual(try JSON.parse(written), .string(plain))
                XCTAssertThrowsError(try JSON.parse(Array(written.dropLast())), "unterminated, \(length) × \(filler)") { error in
                    XCTAssertEqual((error as? JSONParseError)?.reason, "unterminated string")
                }
                for position in 0...length {
                    for special in ["\"", "\\", "\u{0}", "\n", "\t", "\u{1F}"] {
                        var characters = Array(plain)
                        characters.insert(Character(special), at: position)
                        let text = String(characters)
                        var out: [UInt8] = []
                        JSONWriter.writeString(text, into: &out)
                        XCTAssertEqual(out, escaped(text), "\(special.debugDescription) at \(position) of \(length) × \(filler)")
                        XCTAssertEqual(try JSON.parse(out), .string(text))
                        guard special.utf8.first! < 0x20 else { continue }
                        let raw = [0x22] + Array(text.utf8) + [0x22]
                        XCTAssertThrowsError(try JSON.parse(raw)) { error in
                            XCTAssertEqual((error as? JSONParseError)?.reason, "control character in string")
                            XCTAssertEqual((error as? JSONParseError)?.offset, 1 + Array(plain).prefix(position).reduce(0) { $0 + $1.utf8.count })
                        }
                    }
                }
            }
        }
    }

    func testFrameDecoderOnRandomAndMutatedInput() {
        let seed = self.seed
        var frames = 0, messages = 0, errors = 0
        for index in 0..<count {
            var random = SplitMix(seed: seed &+ UInt64(index) &* 0xBF58_476D_1CE4_E5B9)
            var input: [UInt8] = []
            // Valid frames, mostly, then damaged.
            for _ in 0..<(1 + random.below(6)) {
                let opcode = random.chance(3) ? random.pick([3, 7, 0xB, 0xF] as [UInt8]) : random.pick([0, 1, 1, 2, 0, 9, 10, 8] as [UInt8])
                let control = opcode & 0x8 != 0
                let size = control && random.chance(95) ? random.below(126) : random.pick([0, 1, 2, 5, 125, 126, 127, 300, 65535, 65536])
                let fin = control ? random.chance(97) : random.chance(60)
                var frame: [UInt8] = [(fin ? 0x80 : 0) | opcode]
                if size < 126 { frame.append(UInt8(size)) } else if size <= 0xFFFF {
                    frame += [126, UInt8(size >> 8), UInt8(size & 0xFF)]
                } else {
                    frame += [127] + (0..<8).map { UInt8(truncatingIfNeeded: UInt64(size) >> UInt64(56 - 8 * $0)) }
                }
                var payload = [UInt8](repeating: UInt8(ascii: "a"), count: size)
                for _ in 0..<min(size, random.below(8)) { payload[random.below(size)] = UInt8(truncatingIfNeeded: random.next()) }
                frame += payload
                input += frame
            }
            if random.chance(40) { input = mutate(input, &random) }
            record(input, "frames")
            // Bytes arrive in pieces of any size, as from a socket: a frame cut anywhere waits for the rest.
            var assembler = MessageAssembler(maxMessage: 1 << 16)
            var buffer: [UInt8] = [], offset = 0, fed = 0
            decoding: while fed < input.count {
                let piece = random.chance(50) ? 1 + random.below(16) : 1 + random.below(input.count)
                buffer += input[fed..<min(input.count, fed + piece)]
                fed = min(input.count, fed + piece)
                while true {
                    do {
                        guard let (frame, used) = try FrameCodec.decode(buffer[offset...], maxPayload: 1 << 16) else { break }
                        XCTAssertGreaterThan(used, 0, "seed \(seed) case \(index): a frame that uses no bytes would loop")
                        XCTAssertLessThanOrEqual(offset + used, buffer.count)
                        XCTAssertLessThanOrEqual(frame.payload.count, 1 << 16)
                        offset += used
                        frames += 1
                        if try assembler.accept(frame) != nil { messages += 1 }
                    } catch {
                        errors += 1
                        break decoding
                    }
                }
            }
        }
        print("frame fuzz: \(count) inputs, \(frames) frames, \(messages) messages, \(errors) protocol errors (seed \(seed))")
    }
}

