@testable import HomeServeAPI
import XCTest

/// A body past its in-memory part goes to an unlinked file and comes back whole.
final class BodyBufferTests: XCTestCase {
    func testABodyLargerThanItsMemoryPartComesBackWholeInOrder() {
        let buffer = BodyBuffer(inMemory: 1000)
        var expected: [UInt8] = []
        for chunk in 0..<300 {
            let bytes = (0..<(chunk % 37 + 1)).map { UInt8(truncatingIfNeeded: chunk &* 31 &+ $0) }
            expected += bytes
            bytes.withUnsafeBytes { buffer.append($0) }
        }
        XCTAssertGreaterThan(expected.count, 1000)
        XCTAssertEqual(buffer.count, expected.count)
        XCTAssertEqual(buffer.bytes(), expected)
        XCTAssertEqual(buffer.bytes(), expected, "read back again the same")
    }

    func testASmallBodyStaysInMemory() {
        let buffer = BodyBuffer(inMemory: 1000)
        Array("{\"id\": 1}".utf8).withUnsafeBytes { buffer.append($0) }
        XCTAssertEqual(buffer.bytes(), Array("{\"id\": 1}".utf8))
    }

    func testWithoutATemporaryDirectoryTheBodyIsHeldInMemory() {
        let saved = getenv("TMPDIR").map { String(cString: $0) }
        setenv("TMPDIR", "/nonexistent-homeserve-directory", 1)
        defer { if let saved { setenv("TMPDIR", saved, 1) } else { unsetenv("TMPDIR") } }
        let buffer = BodyBuffer(inMemory: 10)
        let bytes = Array(0..<200).map { UInt8($0) }
        bytes.withUnsafeBytes { buffer.append($0) }
        XCTAssertEqual(buffer.bytes(), bytes)
    }
}
