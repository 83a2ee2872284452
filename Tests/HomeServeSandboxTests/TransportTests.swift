import Foundation
import XCTest
import TestSupport
@testable import HomeServeSandbox

/// What crosses the wire whatever the shapes: media bytes, `--latency`, header faults and the `Date` header.
final class TransportTests: XCTestCase {
    func testUploadsComeBackByteForByteWithTheirContentTypeInBothModes() async throws {
        for arguments in [[], ["--shapes", "variant"]] {
            try await LiveSandbox.with(arguments) { s in
                let customer = try await s.token("customer1")
                let upload = try await s.upload("/api/photos/", token: customer,
                                                fields: [("booking", Seeder.fixedID(group: "8000", 1)), ("image_type", "after")],
                                                file: ("image", "after.png", "image/png", Fixtures.png))
                XCTAssertEqual(upload.status, 201, upload.text)
                let photo = upload.json["photo"] ?? upload.json
                let image = try XCTUnwrap(photo["image"]?.stringValue.flatMap(URL.init(string:)))
                let served = try await s.get(image.path)
                XCTAssertEqual(served.status, 200)
                XCTAssertEqual(served.header("Content-Type"), "image/png")
                XCTAssertEqual(served.body, Fixtures.png)

                let dispute = Seeder.fixedID(group: "a000", 9)
                let sent = try await s.upload("/api/disputes/\(dispute)/send_message/", token: customer, fields: [],
                                              file: ("attachment", "log.bin", "application/octet-stream", Fixtures.binary))
                XCTAssertEqual(sent.status, 201, sent.text)
                let message = sent.json["data"] ?? sent.json["message"]
                let attachment = try XCTUnwrap(message?["attachment_url"]?.stringValue.flatMap(URL.init(string:)))
                let file = try await s.get(attachment.path)
                XCTAssertEqual(file.header("Content-Type"), "application/octet-stream")
                XCTAssertEqual(file.body, Fixtures.binary)
            }
        }
    }

    func testLatencyDelaysAPIRepliesButNotTheHooks() async throws {
        try await LiveSandbox.with(["--latency", "1500"]) { s in
            let started = Date()
            let services = try await s.get("/api/services/")
            XCTAssertEqual(services.status, 200)
            XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 1.5)

            // A hook asked for after a delayed API call answers before it: the hooks skip the latency, and the
            // delay holds up nothing but its own reply.
            let finished = FinishOrder()
            async let delayed: Void = {
                _ = try await s.get("/api/services/")
                await finished.append("api")
            }()
            try await Task.sleep(nanoseconds: 100_000_000)
            let hook = try await s.get("/sandbox/requests")
            await finished.append("hook")
            XCTAssertEqual(hook.status, 200)
            try await delayed
            let order = await finished.names
            XCTAssertEqual(order, ["hook", "api"])
        }
    }

    func testTheJournalKeepsEachRequestsQuery() async throws {
        try await LiveSandbox.with { s in
            _ = try await s.get("/api/services/?page=2&page_size=5")
            _ = try await s.get("/api/services/")
            let journal = try await s.get("/sandbox/requests")
            XCTAssertEqual(journal.json["requests"], [
                ["method": "GET", "path": "/api/services/", "query": "page=2&page_size=5"],
                ["method": "GET", "path": "/api/services/", "query": ""],
            ])
        }
    }

    func testFaultsCanCarryHeadersStatusesAndBodies() async throws {
        try await LiveSandbox.with { s in
            let armed = try await s.request("POST", "/sandbox/faults", json: [
                "path": "/api/services/", "status": 301, "headers": ["Location": "/api/services/?page=1"],
            ])
            XCTAssertEqual(armed.status, 201, armed.text)
            XCTAssertEqual(armed.json["headers"], ["Location": "/api/services/?page=1"])
            let moved = try await s.get("/api/services/")
            XCTAssertEqual(moved.status, 301)
            XCTAssertEqual(moved.header("Location"), "/api/services/?page=1")

            _ = try await s.request("POST", "/sandbox/faults", json: [
                "path": "/api/services/", "status": 200, "body": "{\"success\": false, \"message\": \"Maintenance\"}",
            ])
            let soft = try await s.get("/api/services/")
            XCTAssertEqual(soft.status, 200)
            XCTAssertEqual(soft.json, ["success": false, "message": "Maintenance"])

            _ = try await s.request("POST", "/sandbox/faults", json: [
                "path": "/api/services/", "status": 502, "body": "<html>Bad gateway</html>",
                "headers": ["Content-Type": "text/html", "X-Cache": "MISS"],
            ])
            let html = try await s.get("/api/services/")
            XCTAssertEqual(html.status, 502)
            XCTAssertEqual(html.header("Content-Type"), "text/html")
            XCTAssertEqual(html.header("X-Cache"), "MISS")
            XCTAssertEqual(html.text, "<html>Bad gateway</html>")

            // Headers alone decorate the real reply.
            _ = try await s.request("POST", "/sandbox/faults", json: ["path": "/api/services/", "headers": ["X-Trace": "abc"]])
            let real = try await s.get("/api/services/")
            XCTAssertEqual(real.status, 200)
            XCTAssertEqual(real.header("X-Trace"), "abc")
            XCTAssertEqual(real.json["count"]?.intValue, 9)

            let bad = try await s.request("POST", "/sandbox/faults", json: [
                "path": "/api/services/", "status": 200, "headers": ["Bad Name": "x", "Content-Length": "1", "X-Ok": ["no"]],
            ])
            XCTAssertEqual(bad.status, 400)
            XCTAssertEqual(bad.json["headers"]?.items.count, 3)
        }
    }

    func testEveryReplyCarriesADateHeader() async throws {
        try await LiveSandbox.with(["--shapes", "variant"]) { s in
            _ = try await s.request("POST", "/sandbox/faults", json: ["path": "/api/photos/", "status": 503])
            for path in ["/api/services/", "/api/nope/", "/api/photos/", "/sandbox/requests", "/media/none.png", "/api/bookings"] {
                let reply = try await s.get(path)
                let date = try XCTUnwrap(reply.header("Date"), path)
                XCTAssertTrue(date.hasSuffix(" GMT"), "\(path): \(date)")
            }
        }
    }

    func testTheDateHeaderFollowsTheSandboxClock() async throws {
        // The clock is the process's: put back for the tests that run after this one.
        defer { Timestamp.skew.store(0, ordering: .relaxed) }
        try await LiveSandbox.with { s in
            let parser = DateFormatter()
            parser.locale = Locale(identifier: "en_US_POSIX")
            parser.timeZone = TimeZone(identifier: "GMT")
            parser.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            func served() async throws -> Date {
                let reply = try await s.get("/api/services/")
                let date = try XCTUnwrap(reply.header("Date"))
                return try XCTUnwrap(parser.date(from: date), date)
            }
            let now = try await served()
            XCTAssertLessThan(abs(now.timeIntervalSinceNow), 5)
            let skewed = try await s.request("POST", "/sandbox/clock", json: ["advance": 90000])
            XCTAssertEqual(skewed.status, 200, skewed.text)
            let ahead = try await served()
            XCTAssertLessThan(abs(ahead.timeIntervalSinceNow - 90000), 5, "25 hours ahead, as the tokens it issues")
            // Written as Hummingbird writes it, so a client reads both the same way.
            XCTAssertEqual(Timestamp(seconds: 1_796_119_200).httpDate, "Tue, 01 Dec 2026 10:00:00 GMT")
        }
    }

    func testARequestLineThatCannotBeParsedIsAnswered400AndClosed() async throws {
        try await LiveSandbox.with { s in
            let port = try XCTUnwrap(URL(string: s.url)?.port)
            for line in ["GET /api/services/\u{E9} HTTP/1.1", "GET /api/ser\u{01}vices/ HTTP/1.1"] {
                // Read until the server closes: a read that waits 5 s throws instead.
                let reply = try RawConnection.exchange(port: port, ["\(line)\r\nHost: x\r\n\r\n"])
                XCTAssertTrue(reply.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), "\(line.debugDescription): \(reply.debugDescription)")
            }
            // A good first request is served as before, on a connection that stays open for the next one.
            let good = try RawConnection.exchange(port: port, ["GET /api/services/ HTTP/1.1\r\nHost: x\r\n\r\n",
                                                               "GET /api/nope/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"])
            XCTAssertTrue(good.hasPrefix("HTTP/1.1 200 OK\r\n"), good)
            XCTAssertTrue(good.contains("}HTTP/1.1 404 Not Found\r\n"), good)
        }
    }
}

/// One TCP connection to 127.0.0.1 that sends each request once the answer to the one before is whole
/// (by its Content-Length), then reads until the server closes the connection; a read that waits 5 seconds
/// for a byte throws (a server that neither answers nor closes).
enum RawConnection {
    struct Timeout: Error {}

    static func exchange(port: Int, _ requests: [String]) throws -> String {
        let fd = try Loopback.socket(connectedTo: port)
        defer { close(fd) }
        var wait = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        func read() throws -> Bool {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count < 0 { throw Timeout() }
            received += chunk[..<count]
            return count > 0
        }
        for (index, request) in requests.enumerated() {
            _ = Array(request.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            if index == requests.count - 1 { break }
            let start = received.count
            while !answered(received[start...]) { guard try read() else { break } }
        }
        while try read() {}
        return String(decoding: received, as: UTF8.self)
    }

    /// A whole answer: its head, and as many bytes of body as its Content-Length says.
    private static func answered(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard let end = bytes.firstRange(of: Array("\r\n\r\n".utf8)) else { return false }
        let head = String(decoding: bytes[..<end.lowerBound], as: UTF8.self).lowercased()
        let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }.flatMap { Int($0.dropFirst(15).trimmingCharacters(in: .whitespaces)) } ?? 0
        return bytes.distance(from: end.upperBound, to: bytes.endIndex) >= length
    }
}

/// The order in which concurrent requests finished.
actor FinishOrder {
    private(set) var names: [String] = []
    func append(_ name: String) { names.append(name) }
}
