import Foundation
import XCTest
import HomeServeCore

/// Token refresh: on a 401, ahead of expiry, and with many processes sharing one profile.
final class RefreshIntegrationTests: XCTestCase {
    func replaceAccessToken(_ cli: CLI, with token: String) throws {
        let stored = cli.credentials
        let profile = try XCTUnwrap(stored.value(at: "profiles.default"))
        let updated = JSON.object([("profiles", .object([("default", profile.setting("access", .string(token)))]))])
        try updated.serialized().write(toFile: cli.configDir + "/credentials.json", atomically: true, encoding: .utf8)
        chmod(cli.configDir + "/credentials.json", 0o600)
    }

    func testRefusedAccessTokenIsRefreshedAndTheRequestReplayed() throws {
        let sandbox = try Sandbox()
        let cli = CLI(sandbox: sandbox)
        try cli.login()
        let oldRefresh = try XCTUnwrap(cli.credentials.value(at: "profiles.default.refresh")?.stringValue)
        try replaceAccessToken(cli, with: "not-a-valid-token")
        let result = try cli.run(["bookings", "list", "--limit", "1", "-o", "json"])
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertEqual(result.json.arrayValue?.count, 1)
        XCTAssertEqual(Array(try sandbox.receivedRequests().suffix(3)), ["GET /api/bookings/", "POST /auth/refresh/", "GET /api/bookings/"])
        let newRefresh = try XCTUnwrap(cli.credentials.value(at: "profiles.default.refresh")?.stringValue)
        XCTAssertNotEqual(newRefresh, oldRefresh, "the rotated refresh token is stored")
        XCTAssertNotEqual(cli.credentials.value(at: "profiles.default.access")?.stringValue, "not-a-valid-token")
        let (status, _) = try sandbox.request("POST", "/auth/refresh/", json: #"{"refresh": "\#(oldRefresh)"}"#)
        XCTAssertEqual(status, 401, "the server rejects the old refresh token after rotation")
    }

    /// A config directory on a read-only mount (a secret volume): the renewed session serves the command,
    /// and a warning says it could not be kept. Made with a mount namespace of its own, so root only.
    func testARenewalInAReadOnlyConfigDirectoryServesTheCommand() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") else {
            throw missing("root and /usr/bin/unshare, for a read-only mount")
        }
        let sandbox = try Sandbox()
        let cli = CLI(sandbox: sandbox)
        try cli.login()
        let before = try String(contentsOfFile: cli.configDir + "/credentials.json", encoding: .utf8)
        try replaceAccessToken(cli, with: "not-a-valid-token")
        let stored = try String(contentsOfFile: cli.configDir + "/credentials.json", encoding: .utf8)
        XCTAssertNotEqual(before, stored)
        for lockFile in [true, false] {
            if !lockFile { try FileManager.default.removeItem(atPath: cli.configDir + "/credentials.lock") }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
            process.arguments = ["-m", "sh", "-c", #"mount --bind "$D" "$D" && mount -o remount,bind,ro "$D" && exec "$HS" services list -o json"#]
            process.environment = cli.environment.merging(["D": cli.configDir, "HS": Binaries.cli]) { $1 }
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.run()
            let printed = out.fileHandleForReading.readDataToEndOfFile(), said = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let stderr = String(decoding: said, as: UTF8.self)
            if lockFile {
                XCTAssertEqual(process.terminationStatus, 0, stderr)
                XCTAssertGreaterThan(try JSON.parse(String(decoding: printed, as: UTF8.self)).arrayValue?.count ?? 0, 0)
                XCTAssertTrue(stderr.contains("warning: the new session could not be saved"), stderr)
                XCTAssertTrue(stderr.contains("Read-only file system"), stderr)
                XCTAssertTrue(stderr.contains("it is used for this command only"), stderr)
            } else {
                // The refresh token was used up by the run before (the sandbox rotates them) and could not be
                // replaced: the session has ended, as it would on a writable disk, and nothing is locked.
                XCTAssertEqual(process.terminationStatus, 3, stderr)
                XCTAssertTrue(stderr.contains("the refresh token was refused"), stderr)
            }
        }
        XCTAssertEqual(try String(contentsOfFile: cli.configDir + "/credentials.json", encoding: .utf8), stored, "nothing was written")
    }

    func testARefreshTokenTheServerRefusesEndsTheSessionForEveryCommand() throws {
        let sandbox = try Sandbox()
        let cli = CLI(sandbox: sandbox)
        try cli.login()
        // Another client spends the refresh token (the sandbox rotates them), and the access token is refused.
        let refresh = try XCTUnwrap(cli.credentials.value(at: "profiles.default.refresh")?.stringValue)
        XCTAssertEqual(try sandbox.request("POST", "/auth/refresh/", json: #"{"refresh": "\#(refresh)"}"#).0, 200)
        try replaceAccessToken(cli, with: "not-a-valid-token")
        let first = try cli.run(["bookings", "list", "--limit", "1"])
        XCTAssertEqual(first.status, 3, first.err)
        XCTAssertTrue(first.err.contains("has ended (the refresh token was refused)"), first.err)
        XCTAssertEqual(cli.credentials.value(at: "profiles.default.ended")?.stringValue, "the refresh token was refused")
        let sent = try sandbox.receivedRequests().count

        let token = try cli.run(["auth", "token"])
        XCTAssertEqual(token.status, 3, token.err)
        XCTAssertEqual(token.out, "", "the dead token is not printed")
        let offline = try cli.run(["auth", "status", "--offline", "-o", "json"])
        XCTAssertEqual(offline.status, 3, offline.err)
        XCTAssertEqual(offline.json["logged_in"], false)
        let profiles = try cli.run(["config", "profiles", "-o", "json"])
        XCTAssertEqual(profiles.json.value(at: "0.session"), "ended", profiles.out)
        let again = try cli.run(["bookings", "list", "--limit", "1"])
        XCTAssertEqual(again.status, 3, again.err)
        XCTAssertEqual(try sandbox.receivedRequests().count, sent, "no command sent the ended session's tokens")

        try cli.login()
        XCTAssertNil(cli.credentials.value(at: "profiles.default.ended"))
        let after = try cli.run(["bookings", "list", "--limit", "1", "-o", "json"])
        XCTAssertEqual(after.status, 0, after.err)
        XCTAssertEqual(after.json.arrayValue?.count, 1)
    }

    func testTokenCloseToExpiryIsRefreshedAhead() throws {
        let sandbox = try Sandbox()
        let cli = CLI(sandbox: sandbox)
        try cli.login()
        // A 5-minute token with 5 seconds left: inside the 30-second margin.
        let now = Int(Date().timeIntervalSince1970)
        let claims = Base64.encode(Array(#"{"token_type":"access","exp":\#(now + 5),"iat":\#(now - 295),"user_id":1}"#.utf8))
            .replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        try replaceAccessToken(cli, with: "eyJhbGciOiJIUzI1NiJ9.\(claims).near")
        let result = try cli.run(["bookings", "list", "--limit", "1"])
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertEqual(Array(try sandbox.receivedRequests().suffix(2)), ["POST /auth/refresh/", "GET /api/bookings/"],
                       "refreshed before sending, so no 401 round trip")
    }

    func testExpiredSessionExits3() throws {
        let sandbox = try Sandbox(["--access-ttl", "1", "--refresh-ttl", "1"])
        let cli = CLI(sandbox: sandbox)
        try cli.login()
        sleep(2)
        let result = try cli.run(["bookings", "list"])
        XCTAssertEqual(result.status, 3, result.err)
        XCTAssertTrue(result.err.contains("homeserve auth login"), result.err)
    }

    func testEightConcurrentProcessesShareOneRefresh() throws {
        let sandbox = try Sandbox()
        let cli = CLI(sandbox: sandbox)
        try cli.login()
        // An access token that expired a minute ago, as a cron host finds it after a night's sleep.
        let claims = Base64.encode(Array(#"{"token_type":"access","exp":\#(Int(Date().timeIntervalSince1970) - 60),"user_id":1}"#.utf8))
            .replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        try replaceAccessToken(cli, with: "eyJhbGciOiJIUzI1NiJ9.\(claims).expired")
        try sandbox.request("DELETE", "/sandbox/requests")
        let running = try (0..<8).map { _ in try cli.start(["bookings", "list", "--limit", "2", "-o", "json"]) }
        for process in running { process.process.waitUntilExit() }
        for process in running {
            let result = process.result()
            XCTAssertEqual(result.status, 0, result.err)
            XCTAssertEqual(result.json.arrayValue?.count, 2)
        }
        let requests = try sandbox.receivedRequests()
        XCTAssertEqual(requests.filter { $0 == "POST /auth/refresh/" }.count, 1,
                       "one process refreshed; the others reused its token: \(requests)")
        XCTAssertEqual(requests.filter { $0 == "GET /api/bookings/" }.count, 8)
        let after = try cli.run(["auth", "refresh"])
        XCTAssertEqual(after.status, 0, "the stored refresh token is still valid: \(after.err)")
    }
}
