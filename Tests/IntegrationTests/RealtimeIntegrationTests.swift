import Foundation
import XCTest
import HomeServeCore

/// `watch` and `bookings wait` against the sandbox's WebSocket channels, driven by a second process.
final class RealtimeIntegrationTests: XCTestCase {
    func futureDate(days: Int) -> String {
        let day = ISO8601DateFormatter.string(from: Date().addingTimeInterval(Double(days) * 86400),
                                              timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
        return "\(day)T11:00:00Z"
    }

    /// A customer with a fresh pending booking in vendor1's pincode, and vendor1 logged in.
    func setUpBooking(_ sandbox: Sandbox) throws -> (customer: CLI, vendor: CLI, id: String) {
        let customer = CLI(sandbox: sandbox)
        try customer.login("customer1")
        let vendor = CLI(sandbox: sandbox)
        try vendor.login("vendor1")
        let created = try customer.run(["bookings", "create", "--service", "1", "--pincode", "560001",
                                        "--date", futureDate(days: Int.random(in: 20...300)), "--price", "499", "-o", "json"])
        XCTAssertEqual(created.status, 0, created.err)
        return (customer, vendor, try XCTUnwrap(created.json["id"]?.stringValue))
    }

    /// Waits until the watcher's stderr shows `connections` completed handshakes (it runs with -v).
    func waitForConnections(_ running: CLI.Running, _ connections: Int, file: StaticString = #filePath, line: UInt = #line) {
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            if running.result().err.components(separatedBy: "101 Switching Protocols").count - 1 >= connections { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTFail("the watcher did not connect \(connections) time(s): \(running.result().err)", file: file, line: line)
    }

    func events(_ result: Result) -> [(String, String?)] {
        result.out.split(separator: "\n").compactMap { try? JSON.parse(String($0)) }
            .map { ($0["type"]?.stringValue ?? "?", $0["data"]?["status"]?.stringValue) }
    }

    func testWatchBookingSeesTheLifecycleInOrder() throws {
        let sandbox = try Sandbox()
        let (customer, vendor, id) = try setUpBooking(sandbox)
        let watcher = try customer.start(["-v", "watch", "booking", id, "--count", "4", "--timeout", "30"])
        waitForConnections(watcher, 1)
        XCTAssertEqual(try vendor.run(["bookings", "accept", id]).status, 0)
        XCTAssertEqual(try vendor.run(["bookings", "update", id, "--status", "in_progress"]).status, 0)
        let completed = try vendor.run(["bookings", "complete", id])
        XCTAssertEqual(completed.status, 0, completed.err)
        watcher.process.waitUntilExit()
        let result = watcher.result()
        XCTAssertEqual(result.status, 0, result.err)
        let seen = events(result)
        XCTAssertEqual(seen.map(\.0), ["booking_status_change", "booking_status_change", "booking_status_change", "payment_update"], result.out)
        XCTAssertEqual(seen.prefix(3).map(\.1), ["confirmed", "in_progress", "completed"])
        XCTAssertFalse(result.err.contains(customer.credentials.value(at: "profiles.default.access")?.stringValue ?? "-"), "token redacted")
        XCTAssertTrue(result.err.contains("?token=***"), result.err)
    }

    func testUntilStopsAtTheMatchingEvent() throws {
        let sandbox = try Sandbox()
        let (customer, vendor, id) = try setUpBooking(sandbox)
        let watcher = try customer.start(["-v", "watch", "booking", id, "--until", "booking_status_change:status=in_progress", "--timeout", "30"])
        waitForConnections(watcher, 1)
        XCTAssertEqual(try vendor.run(["bookings", "accept", id]).status, 0)
        XCTAssertEqual(try vendor.run(["bookings", "update", id, "--status", "in_progress"]).status, 0)
        watcher.process.waitUntilExit()
        let result = watcher.result()
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertEqual(events(result).map(\.1), ["confirmed", "in_progress"])
    }

    func testTimeoutWithNothingMatchedExits11() throws {
        let sandbox = try Sandbox()
        let (customer, _, id) = try setUpBooking(sandbox)
        let started = Date()
        let result = try customer.run(["watch", "booking", id, "--until", "notification", "--timeout", "2"])
        XCTAssertEqual(result.status, 11, "running out of time is not a network failure")
        XCTAssertTrue(result.err.contains("timed out"), result.err)
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
    }

    func testReconnectsAfterTheServerDropsTheSocket() throws {
        let sandbox = try Sandbox(["--ws-drop-after", "1"])
        let (customer, vendor, id) = try setUpBooking(sandbox)
        let watcher = try customer.start(["-v", "watch", "booking", id, "--count", "3", "--reconnect-delay", "1", "--timeout", "30"])
        waitForConnections(watcher, 1)
        XCTAssertEqual(try vendor.run(["bookings", "accept", id]).status, 0)
        waitForConnections(watcher, 2)
        XCTAssertEqual(try vendor.run(["bookings", "update", id, "--status", "in_progress"]).status, 0)
        waitForConnections(watcher, 3)
        XCTAssertEqual(try vendor.run(["bookings", "update", id, "--vendor-notes", "Parts ordered"]).status, 0)
        XCTAssertEqual(try vendor.run(["bookings", "complete", id]).status, 0)
        watcher.process.waitUntilExit()
        let result = watcher.result()
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertEqual(events(result).first.map(\.1), "confirmed")
        XCTAssertEqual(result.err.components(separatedBy: "reconnecting in 1s").count - 1, 2, result.err)
    }

    func testBookingsWaitFallsBackToPollingWhenTheSocketIsLost() throws {
        let sandbox = try Sandbox(["--ws-drop-after", "0"])
        let (customer, vendor, id) = try setUpBooking(sandbox)
        let waiter = try customer.start(["bookings", "wait", id, "--status", "confirmed", "--poll", "1",
                                         "--reconnect-attempts", "1", "--reconnect-delay", "0", "--timeout", "30", "-o", "json"])
        Thread.sleep(forTimeInterval: 1.5)
        XCTAssertEqual(try vendor.run(["bookings", "accept", id]).status, 0)
        waiter.process.waitUntilExit()
        let result = waiter.result()
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertEqual(result.json["id"], .string(id))
        XCTAssertEqual(result.json["status"], .string("confirmed"))
        XCTAssertTrue(result.err.contains("polling every 1s instead"), result.err)
    }

    func testBookingsWaitReturnsOnTheEventAndTimesOut() throws {
        let sandbox = try Sandbox()
        let (customer, vendor, id) = try setUpBooking(sandbox)
        let waiter = try customer.start(["-v", "bookings", "wait", id, "--status", "confirmed", "--timeout", "30", "-o", "json"])
        waitForConnections(waiter, 1)
        XCTAssertEqual(try vendor.run(["bookings", "accept", id]).status, 0)
        waiter.process.waitUntilExit()
        let result = waiter.result()
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertEqual(result.json["status"], .string("confirmed"))

        let late = try customer.run(["bookings", "wait", id, "--status", "signed", "--timeout", "2", "--poll", "1"])
        XCTAssertEqual(late.status, 11)
        XCTAssertTrue(late.err.contains("did not reach 'signed' within 2s (last status: confirmed)"), late.err)
        XCTAssertEqual(late.out, "")
    }

    func testChannelPermissionsAndInterrupt() throws {
        let sandbox = try Sandbox()
        let customer = CLI(sandbox: sandbox)
        try customer.login("customer1")
        let other = CLI(sandbox: sandbox)
        try other.login("customer2")
        let otherID = try XCTUnwrap(other.credentials.value(at: "profiles.default.user.id")?.stringValue)
        let denied = try customer.run(["watch", "notifications", "--user", otherID, "--timeout", "10"])
        XCTAssertEqual(denied.status, 4, denied.err)

        let admin = CLI(sandbox: sandbox)
        try admin.login("ops_mgr")
        let allowed = try admin.start(["-v", "watch", "notifications", "--user", otherID, "--timeout", "30"])
        waitForConnections(allowed, 1)
        kill(allowed.process.processIdentifier, SIGINT)
        allowed.process.waitUntilExit()
        XCTAssertEqual(allowed.process.terminationStatus, 130)

        let anonymous = try CLI(sandbox: sandbox, environment: ["HOMESERVE_TOKEN": "bad"])
            .run(["watch", "notifications", "--user", "1", "--reconnect-attempts", "0", "--timeout", "10"])
        XCTAssertEqual(anonymous.status, 3)
        XCTAssertTrue(anonymous.err.contains("4001"), anonymous.err)
    }

    /// The help's example: a chat message sent reaches everyone on the chat, the sender too, as a
    /// Channels consumer's group_send does, so `--count 1` ends with it.
    func testAChatMessageSentComesBackAsTheHelpShows() throws {
        let sandbox = try Sandbox()
        let customer = CLI(sandbox: sandbox)
        try customer.login("customer1")
        let listener = try customer.start(["-v", "watch", "chat", "--count", "1", "--timeout", "20", "-o", "ndjson"])
        waitForConnections(listener, 1)
        let sent = try customer.run(["watch", "chat", "--send", #"{"type": "chat_message", "data": {"text": "On my way"}}"#, "--count", "1",
                                     "--timeout", "20", "-o", "ndjson"])
        XCTAssertEqual(sent.status, 0, sent.err)
        let echoed = try JSON.parse(sent.out.trimmingCharacters(in: .whitespacesAndNewlines))
        XCTAssertEqual(echoed["type"], "chat_message")
        XCTAssertEqual(echoed.value(at: "data.text"), "On my way")
        listener.process.waitUntilExit()
        XCTAssertEqual(listener.result().status, 0, listener.result().err)
        XCTAssertEqual(try JSON.parse(listener.result().out.trimmingCharacters(in: .whitespacesAndNewlines)).value(at: "data.text"), "On my way",
                       "another watcher of the chat gets it too")
        // Anything else a client sends (not a ping, not a chat message) is not broadcast.
        let other = try customer.run(["watch", "chat", "--send", #"{"type": "typing"}"#, "--count", "1", "--timeout", "2", "--reconnect-attempts", "0"])
        XCTAssertEqual(other.status, 11, other.err)
    }

    func testRefusedSocketTokenIsRefreshedAndTheWatchGoesOn() throws {
        let sandbox = try Sandbox()
        let (customer, vendor, id) = try setUpBooking(sandbox)
        let stored = customer.credentials
        let profile = try XCTUnwrap(stored.value(at: "profiles.default"))
        try JSON.object([("profiles", .object([("default", profile.setting("access", .string("refused-token")))]))]).serialized()
            .write(toFile: customer.configDir + "/credentials.json", atomically: true, encoding: .utf8)
        let watcher = try customer.start(["-v", "watch", "booking", id, "--count", "1", "--reconnect-delay", "0", "--timeout", "30"])
        waitForConnections(watcher, 2)
        XCTAssertEqual(try vendor.run(["bookings", "accept", id]).status, 0)
        watcher.process.waitUntilExit()
        let result = watcher.result()
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertTrue(result.err.contains("token refused (close code 4001); reconnecting"), result.err)
        XCTAssertEqual(events(result).map(\.1), ["confirmed"])
        XCTAssertNotEqual(customer.credentials.value(at: "profiles.default.access"), .string("refused-token"))
    }
}
