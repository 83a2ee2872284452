import Foundation
import XCTest
import HomeServeCore

/// The WebSocket client against an independent server: Python's `websockets` package.
final class WebSocketInteropTests: XCTestCase {
    var peer: Process!
    var wsURL = ""
    var rawURL = ""
    var tlsURL = ""
    var certificate = ""

    override func setUpWithError() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/ws_peer.py").path
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", "import websockets.asyncio.server"]
        check.standardError = FileHandle.nullDevice
        try check.run()
        check.waitUntilExit()
        guard check.terminationStatus == 0 else { throw missing("python3 with the websockets package is not installed") }
        // A self-signed certificate for 127.0.0.1, made fresh for each run.
        let dir = NSTemporaryDirectory() + "ws-tls-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        certificate = dir + "/cert.pem"
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                             "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", dir + "/key.pem", "-out", certificate]
        openssl.standardError = FileHandle.nullDevice
        openssl.standardOutput = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        peer = Process()
        peer.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        peer.arguments = ["python3", script] + (openssl.terminationStatus == 0 ? [certificate, dir + "/key.pem"] : [])
        let pipe = Pipe()
        peer.standardOutput = pipe
        try peer.run()
        var line = ""
        while !line.contains("\n") {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += String(decoding: chunk, as: UTF8.self)
        }
        let ports = line.split(separator: " ").dropFirst().map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        XCTAssertGreaterThanOrEqual(ports.count, 2, line)
        wsURL = "http://127.0.0.1:\(ports[0])"
        rawURL = "http://127.0.0.1:\(ports[1])"
        tlsURL = ports.count > 2 ? "https://127.0.0.1:\(ports[2])" : ""
    }

    override func tearDown() {
        if peer?.isRunning == true { peer.terminate(); peer.waitUntilExit() }
    }

    func cli(_ url: String) -> CLI { CLI(sandbox: nil, environment: ["HOMESERVE_URL": url, "HOMESERVE_TOKEN": "peer-token"]) }

    func testFragmentedMessageAndPingInBetween() throws {
        let result = try cli(wsURL).run(["watch", "booking", "fragments", "--count", "2", "--timeout", "10"])
        XCTAssertEqual(result.status, 0, result.err)
        let lines = result.out.split(separator: "\n").map { try? JSON.parse(String($0)) }
        XCTAssertEqual(lines.count, 2)
        XCTAssertEqual(lines[0]?.value(at: "data.status"), .string("confirmed"), "fragments reassembled")
        XCTAssertEqual(lines[1]?.value(at: "data.text"), .string("after the ping"))
    }

    func testOutputFormatsAndFields() throws {
        let csv = try cli(wsURL).run(["watch", "booking", "fragments", "--count", "2", "--timeout", "10", "-o", "csv"])
        XCTAssertEqual(csv.status, 0, csv.err)
        let rows = csv.out.split(separator: "\n")
        XCTAssertEqual(rows.count, 3)
        XCTAssertEqual(rows[0], "timestamp,type,data")
        XCTAssertTrue(rows[1].hasPrefix("2026-11-25T10:00:00Z,booking_status_change,"), String(rows[1]))
        let fields = try cli(wsURL).run(["watch", "booking", "fragments", "--count", "2", "--timeout", "10", "--fields", "type,data.text"])
        XCTAssertEqual(fields.out.split(separator: "\n").map { String($0) },
                       [#"{"type":"booking_status_change","data.text":null}"#, #"{"type":"notification","data.text":"after the ping"}"#])
    }

    func testClientAnswersPing() throws {
        let result = try cli(wsURL).run(["watch", "booking", "ping", "--count", "1", "--timeout", "10"])
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertTrue(result.out.contains("pong received"))
    }

    func testServerInitiatedCloseIsFollowedByAReconnect() throws {
        let result = try cli(wsURL).run(["watch", "booking", "close", "--count", "3", "--reconnect-attempts", "2", "--reconnect-delay", "0", "--timeout", "20"])
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertEqual(result.out.split(separator: "\n").count, 3, "one message per connection: \(result.out)")
        XCTAssertEqual(result.err.components(separatedBy: "reconnecting in").count - 1, 2, result.err)
        XCTAssertTrue(result.err.contains("closed with code 4000 (bye)"), result.err)
    }

    func testChatSendAndEcho() throws {
        let result = try cli(wsURL).run(["watch", "chat", "--user", "1", "--role", "customer", "--send", #"{"type": "chat_message", "data": {"text": "hello"}}"#,
                                         "--until", "chat_message:echo.data.text=hello", "--timeout", "10"])
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertEqual(result.json.value(at: "data.echo.data.text"), .string("hello"))
    }

    func testRefusedTokenThatCannotBeRefreshedExits3() throws {
        let result = try CLI(sandbox: nil, environment: ["HOMESERVE_URL": wsURL, "HOMESERVE_TOKEN": "wrong"])
            .run(["watch", "booking", "ping", "--reconnect-delay", "0", "--timeout", "10"])
        XCTAssertEqual(result.status, 3)
        XCTAssertTrue(result.err.contains("token refused (close code 4001)"), result.err)
        XCTAssertTrue(result.err.contains("HOMESERVE_TOKEN was refused; unset it or renew it"), result.err)
    }

    func testHostileFramesGiveAClearErrorNotACrash() throws {
        for (name, reason) in [("reserved", "reserved bits"), ("opcode", "unknown opcode"), ("oversized", "exceeds"), ("truncated", "connection lost")] {
            let result = try cli(rawURL).run(["watch", "booking", name, "--reconnect-attempts", "0", "--timeout", "10"])
            XCTAssertEqual(result.status, name == "truncated" ? 9 : 8, "\(name): frames that break the protocol are the server's failure: \(result.err)")
            XCTAssertTrue(result.err.contains(reason), "\(name): \(result.err)")
            XCTAssertEqual(result.out, "")
        }
    }

    func testSecureSocketsVerifyTheCertificate() throws {
        guard !tlsURL.isEmpty else { throw missing("openssl is not installed") }
        let trusted = try cli(tlsURL).run(["--cacert", certificate, "watch", "booking", "ping", "--count", "1", "--timeout", "10"])
        XCTAssertEqual(trusted.status, 0, trusted.err)
        XCTAssertTrue(trusted.out.contains("pong received"))
        let untrusted = try cli(tlsURL).run(["watch", "booking", "ping", "--count", "1", "--timeout", "10"])
        XCTAssertEqual(untrusted.status, 9)
        XCTAssertTrue(untrusted.err.contains("TLS failed: SSL certificate problem: self-signed certificate (--cacert FILE trusts another CA)"), untrusted.err)
        XCTAssertFalse(untrusted.err.contains("reconnecting"), "a TLS failure is not retried: \(untrusted.err)")
        let insecure = try cli(tlsURL).run(["--insecure", "watch", "booking", "ping", "--count", "1", "--timeout", "10"])
        XCTAssertEqual(insecure.status, 0, insecure.err)
    }

    func testHTTPSFailuresCarryLibcurlsOwnAccount() throws {
        guard !tlsURL.isEmpty else { throw missing("openssl is not installed") }
        let untrusted = try cli(tlsURL).run(["services", "list", "--retries", "0"])
        XCTAssertEqual(untrusted.status, 9, untrusted.err)
        XCTAssertTrue(untrusted.err.contains("TLS failed: SSL certificate problem: self-signed certificate (--cacert FILE trusts another CA)"), untrusted.err)
        let wrongName = try cli(tlsURL.replacingOccurrences(of: "127.0.0.1", with: "localhost")).run(["--cacert", certificate, "services", "list", "--retries", "0"])
        XCTAssertEqual(wrongName.status, 9, wrongName.err)
        XCTAssertTrue(wrongName.err.contains("TLS failed: SSL: no alternative certificate subject name matches target host name 'localhost'"), wrongName.err)
        XCTAssertFalse(wrongName.err.contains("--cacert FILE"), "another CA does not fix a name: \(wrongName.err)")
    }

    func testInterruptClosesAndExits130() throws {
        let running = try cli(wsURL).start(["watch", "booking", "fragments", "--timeout", "30"])
        Thread.sleep(forTimeInterval: 1.0)
        kill(running.process.processIdentifier, SIGINT)
        running.process.waitUntilExit()
        XCTAssertEqual(running.process.terminationStatus, 130)
        XCTAssertEqual(running.result().out.split(separator: "\n").count, 2, "messages before the interrupt were printed")
    }
}
