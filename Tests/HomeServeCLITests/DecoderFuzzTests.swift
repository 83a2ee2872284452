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

