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
        // Lists of objects, which a listed parse keeps as bytes: line separators raw and escaped, rupees,
        // an `id` spelled with an escape, and empty containers.
        #"{"results": [{"id": 1, "t": "a\#u{2028}b\u2028\/c\#u{85}₹ – é\u00e9", "n": -0.0e+1, "o": {"x": [ ], "y": {}}}, {"\u0069d": "x", "id": 2}], "count": 2}"#,
        #"[ {"id":1} , {"id":2,"a":[{"b":1},[]],"id":3} ]"#,
        #"{"data": {"items": [{"id": 1, "s": "\ud83d\ude00\ud800"}], "meta": [{}]}, "facets": [{"k": 1}, 2]}"#,
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

    /// A listed parse (rows kept as bytes) accepts exactly what the whole parse accepts, and each row it
    /// kept, copied compact or laid out, is byte for byte what the writer makes of the row built whole.
    func testAListedParseAgreesWithTheWholeParse() {
        let seed = self.seed
        var copied = 0
        for index in 0..<count {
            var random = SplitMix(seed: seed &+ UInt64(index) &* 0x5851_F42D_4C95_7F2D)
            // Seeds, written pages, and those pages mutated: most mutations leave no JSON at all.
            let page = Array(Self.page(&random).utf8)
            let input = index < Self.jsonSeeds.count ? Array(Self.jsonSeeds[index].utf8) : index % 2 == 0 ? page : mutate(page, &random)
            let shown = String(decoding: input, as: UTF8.self).debugDescription
            XCTAssertEqual(UTF8Check.isValid(input), String(validating: input, as: UTF8.self) != nil, "seed \(seed) case \(index): \(shown)")
            let whole = try? JSON.parse(input)
            guard let listed = try? JSON.parseListed(input) else {
                XCTAssertNil(whole, "seed \(seed) case \(index): refused only when listed: \(shown)")
                continue
            }
            guard let whole else { XCTFail("seed \(seed) case \(index): accepted only when listed: \(shown)"); continue }
            for (keys, spans) in listed.listed {
                let path = keys.joined(separator: ".")
                guard let rows = keys.reduce(whole as JSON?, { $0?[$1] })?.arrayValue, rows.count == spans.count else { continue }
                for (row, span) in zip(rows, spans) {
                    for pretty in [false, true] {
                        var out: [UInt8] = []
                        input.withUnsafeBufferPointer { JSONWriter.copy(UnsafeBufferPointer(rebasing: $0[span]), into: &out, pretty: pretty, indent: 1) }
                        var built: [UInt8] = []
                        JSONWriter.write(row, into: &built, pretty: pretty, indent: 1)
                        XCTAssertEqual(String(decoding: out, as: UTF8.self), String(decoding: built, as: UTF8.self), "seed \(seed) case \(index) \(path): \(shown)")
                    }
                    copied += 1
                }
            }
        }
        XCTAssertGreaterThan(copied, count / 10)
        print("listed json fuzz: \(count) inputs, \(copied) rows copied (seed \(seed))")
    }

    /// A page as servers write them, in one of the envelopes, its rows made of the pieces that a copy could
    /// get wrong: escapes of every kind, line separators raw and escaped, text of two, three and four
    /// bytes a character, numbers as written, empty and nested containers, and whitespace anywhere.
    static func page(_ random: inout SplitMix) -> String {
        func space(_ random: inout SplitMix) -> String { random.pick(["", "", " ", "\n  ", "\t", "\r\n"]) }
        func string(_ random: inout SplitMix) -> String {
            let pieces = ["a", "id", "Lawn mowing", "\\\"", "\\\\", "\\/", "\\n", "\\u0001", "\\u00e9", "\\u2028", "\\ud83d\\ude00", "\\udc00",
                          "\u{2028}", "\u{2029}", "\u{85}", "₹", "–", "é", "😀", "\u{7F}", "0123456789abcdef"]
            return "\"" + (0..<random.below(6)).map { _ in random.pick(pieces) }.joined() + "\""
        }
        func value(_ random: inout SplitMix, depth: Int) -> String {
            switch random.below(depth > 2 ? 5 : 8) {
            case 0: return string(&random)
            case 1: return random.pick(["0", "-0", "12", "-3.50", "1e5", "2E-3", "40.00", "123456789012345678901234567890"])
            case 2: return random.pick(["true", "false", "null"])
            case 3: return "{}"
            case 4: return "[" + space(&random) + "]"
            case 5: return "[" + (0..<random.below(3)).map { _ in space(&random) + value(&random, depth: depth + 1) }.joined(separator: ",") + "]"
            default: return object(&random, depth: depth + 1)
            }
        }
        func object(_ random: inout SplitMix, depth: Int) -> String {
            let members = (0..<random.below(5)).map { _ in
                space(&random) + (random.chance(20) ? "\"id\"" : string(&random)) + space(&random) + ":" + space(&random) + value(&random, depth: depth)
            }
            return "{" + members.joined(separator: ",") + space(&random) + "}"
        }
        let rows = "[" + (0..<random.below(4)).map { _ in space(&random) + object(&random, depth: 1) }.joined(separator: ",") + space(&random) + "]"
        switch random.below(4) {
        case 0: return rows
        case 1: return #"{"count": 3, "next": null, "results": "# + rows + "}"
        case 2: return #"{"status": "success", "data": {"items": "# + rows + #", "page": 1}}"#
        default: return #"{"notifications": "# + rows + #", "total": 3}"#
        }
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

