import Foundation
import XCTest
@testable import HomeServeSandbox

/// The sandbox's own encoders, checked against Foundation's and against DRF's renderings.
final class EncodingTests: XCTestCase {
    func testBase64URLDecodesWhatFoundationDecodes() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<70 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let url = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            XCTAssertEqual(Crypto.base64URLDecode(url), bytes, url)
            XCTAssertEqual(Crypto.base64URLEncode(bytes), url)
        }
        XCTAssertNil(Crypto.base64URLDecode("abcde"), "one character past a group is no byte")
        XCTAssertNil(Crypto.base64URLDecode("ab+/"), "the standard alphabet's characters are not the URL alphabet's")
        XCTAssertNil(Crypto.base64URLDecode("YQ=="), "no padding")
    }

    func testTextWithANullCharacterIsRefusedAsDRFRefusesIt() {
        var body = JSONObject()
        body["notes"] = .string("a\u{0}b")
        body["tags"] = .array([.string("ok"), .string("x\u{0}")])
        body["title"] = .string("fine")
        var reader = FieldReader(body)
        XCTAssertNil(reader.string("notes"))
        XCTAssertNil(reader.stringList("tags"))
        XCTAssertEqual(reader.string("title"), "fine")
        XCTAssertEqual(JSON.object(reader.errors.object).serialized, #"{"notes":["Null characters are not allowed."],"tags":["Null characters are not allowed."]}"#)
    }

    func testTimestampsRenderAsDRFDoes() {
        XCTAssertEqual(Timestamp(seconds: 0).iso, "1970-01-01T00:00:00Z")
        XCTAssertEqual(Timestamp(seconds: 1_736_935_200).iso, "2025-01-15T10:00:00Z")
        XCTAssertEqual(Timestamp(micros: 1_736_935_200_000_042).iso, "2025-01-15T10:00:00.000042Z")
        XCTAssertEqual(Timestamp(seconds: 1_736_935_200 + 86_399).dateString, "2025-01-16")
        XCTAssertEqual(Timestamp(seconds: 1_736_935_200 + 3_723).timeString, "11:02:03")
        XCTAssertEqual(Timestamp(seconds: 253_402_300_799).iso, "9999-12-31T23:59:59Z")
    }

    func testSerializedJSONEscapesAsPythonDoes() {
        let value: JSON = ["text": .string("a\"b\\c\nd\u{01}é"), "n": 1, "list": [true, nil]]
        XCTAssertEqual(value.serialized, #"{"text":"a\"b\\c\nd\u0001é","n":1,"list":[true,null]}"#)
        var wide = JSONObject()
        for i in 0..<100 { wide["k\(i)"] = .int(i) }
        wide["k3"] = nil
        wide["k50"] = "changed"
        XCTAssertEqual(wide.keys.count, 99)
        XCTAssertEqual(wide["k50"], "changed")
        XCTAssertEqual(wide["k99"], 99)
        XCTAssertFalse(wide.contains("k3"))
        XCTAssertEqual(Array(wide.keys.prefix(4)), ["k0", "k1", "k2", "k4"])
    }
}
