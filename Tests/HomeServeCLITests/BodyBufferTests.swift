@testable import HomeServeAPI
import HomeServeCore
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

/// A multipart file is read to the size it had when the body was made; one that shrinks or grows meanwhile
/// stops the transfer (libcurl's own file reading waited for bytes that never came, or sent past the length).
final class UploadFileTests: XCTestCase {
    func read(_ file: UploadFile, _ count: Int) -> (Int, [UInt8]) {
        var buffer = [CChar](repeating: 0, count: count)
        let n = buffer.withUnsafeMutableBufferPointer { UploadFile.read($0.baseAddress, 1, count, Unmanaged.passUnretained(file).toOpaque()) }
        return (n, buffer.prefix(max(0, min(n, count))).map { UInt8(bitPattern: $0) })
    }

    func testAFileIsReadToTheSizeItHadAndAChangeStopsTheTransfer() throws {
        let path = temporaryDirectory() + "/photo.jpg"
        try AtomicFile.write(path, Array("0123456789".utf8), mode: 0o600)
        let file = try XCTUnwrap(UploadFile(path: path))
        XCTAssertEqual(read(file, 4).1, Array("0123".utf8))
        XCTAssertEqual(read(file, 100).1, Array("456789".utf8))
        XCTAssertEqual(read(file, 100).0, 0, "the end")
        XCTAssertFalse(file.changed)
        // Sent again from the start.
        XCTAssertEqual(UploadFile.seek(Unmanaged.passUnretained(file).toOpaque(), 0, SEEK_SET), UploadFile.sought)
        XCTAssertEqual(read(file, 100).1, Array("0123456789".utf8))

        // Grown: the length announced is kept, and the transfer stops at it.
        let fd = open(path, O_WRONLY | O_APPEND)
        XCTAssertEqual(write(fd, "more", 4), 4)
        close(fd)
        XCTAssertEqual(read(file, 100).0, UploadFile.abort)
        XCTAssertTrue(file.changed)

        // Shrunk: the bytes announced never come.
        let other = try XCTUnwrap(UploadFile(path: path))
        XCTAssertEqual(truncate(path, 3), 0)
        XCTAssertEqual(read(other, 2).1, Array("01".utf8))
        XCTAssertEqual(read(other, 100).1, Array("2".utf8))
        XCTAssertEqual(read(other, 100).0, UploadFile.abort)
        XCTAssertTrue(other.changed)
        XCTAssertNil(UploadFile(path: path + ".gone"))
    }
}
