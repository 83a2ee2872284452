import XCTest
import HomeServeCore

/// `JSONLookup` must answer every path exactly as `JSON.value(at:)` does, for small and indexed objects.
final class JSONLookupTests: XCTestCase {
    func testAnswersAsValueAtDoes() throws {
        var pairs: [(String, JSON)] = (0..<40).map { ("k\($0)", .int($0)) }
        pairs += [("k3", .string("second k3")), ("a.b", .string("dotted key")),
                  ("a", .object([("b", .string("nested")), ("c", .array([.int(7), .object([("d", .bool(true))])]))])),
                  ("big", .object((0..<30).map { ("n\($0)", .int($0)) } + [("n3", .null)])), ("", .string("empty key"))]
        let wide = JSON.object(pairs)
        let small = JSON.object([("id", .int(1)), ("a", .object([("b", .int(2))])), ("a.b", .int(3))])
        let paths = ["k0", "k3", "k39", "k40", "a.b", "a.c", "a.c.0", "a.c.1.d", "a.c.2", "a.c.x", "big.n3", "big.n29", "big.x",
                     "", ".", "a.", ".a", "id", "a.b.c", "big", "k3.x"]
        for document in [wide, small, .array([wide, small]), .string("x")] {
            let lookup = JSONLookup(document)
            for path in paths + ["0.k3", "1.a.b", "0.big.n3"] {
                XCTAssertEqual(lookup.value(at: path), document.value(at: path), path)
            }
        }
    }
}
