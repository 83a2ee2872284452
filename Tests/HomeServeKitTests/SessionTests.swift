import XCTest
@testable import HomeServeKit

final class SessionTests: XCTestCase {
    func session(_ dir: String, profile: String? = nil, env: [String: String] = [:]) -> Session {
        var environment = env
        environment["HOMESERVE_CONFIG_DIR"] = dir
        return Session(paths: ConfigPaths(environment: environment), profile: profile, environment: environment, warn: { _ in })
    }

    func testConfigDirectoryPrecedence() {
        XCTAssertEqual(ConfigPaths(environment: ["HOMESERVE_CONFIG_DIR": "/a", "XDG_CONFIG_HOME": "/x", "HOME": "/h"]).directory, "/a")
        XCTAssertEqual(ConfigPaths(environment: ["XDG_CONFIG_HOME": "/x", "HOME": "/h"]).directory, "/x/homeserve")
        XCTAssertEqual(ConfigPaths(environment: ["HOME": "/h"]).directory, "/h/.config/homeserve")
        XCTAssertEqual(ConfigPaths(environment: ["HOME": "/h"]).lock, "/h/.config/homeserve/credentials.lock")
    }

    func testCredentialsFileIsPrivateAndAtomic() throws {
        let dir = temporaryDirectory() + "/nested/config"
        umask(0o022)
        let s = session(dir)
        try s.saveLogin(try JSON.parse(#"{"access": "a.b.c", "refresh": "r", "user": {"id": 1, "username": "customer1", "role": "customer"}}"#))
        XCTAssertEqual(AtomicFile.mode(s.paths.credentials), 0o600)
        XCTAssertEqual(AtomicFile.mode(dir), 0o700)
        let entries = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        XCTAssertEqual(entries, ["credentials.json", "credentials.lock"], "no temporary file is left behind")
        let stored = try XCTUnwrap(try s.credentials())
        XCTAssertEqual(stored.access, "a.b.c")
        XCTAssertEqual(stored.refresh, "r")
        XCTAssertEqual(stored.user["username"], .string("customer1"))
    }

    func testProfilesAreSeparate() throws {
        let dir = temporaryDirectory()
        try session(dir, profile: "a").saveLogin(.object([("access", .string("A"))]))
        try session(dir, profile: "b").saveLogin(.object([("access", .string("B"))]))
        XCTAssertEqual(try session(dir, profile: "a").credentials()?.access, "A")
        XCTAssertEqual(try session(dir, env: ["HOMESERVE_PROFILE": "b"]).credentials()?.access, "B")
        XCTAssertTrue(try session(dir, profile: "a").forget())
        XCTAssertNil(try session(dir, profile: "a").credentials())
        XCTAssertEqual(try session(dir, profile: "b").credentials()?.access, "B")
    }

    func testEnvironmentTokenIsUsedAsIsAndNothingWritten() throws {
        let dir = temporaryDirectory()
        let creds = try XCTUnwrap(try session(dir, env: ["HOMESERVE_TOKEN": "envtoken"]).credentials())
        XCTAssertEqual(creds.access, "envtoken")
        XCTAssertTrue(creds.fromEnvironment)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/credentials.json"))
    }

    func testReadableCredentialsFileWarns() throws {
        let dir = temporaryDirectory()
        var warnings: [String] = []
        let s = Session(paths: ConfigPaths(environment: ["HOMESERVE_CONFIG_DIR": dir]), profile: nil, environment: [:], warn: { warnings.append($0) })
        try s.saveLogin(.object([("access", .string("A"))]))
        chmod(s.paths.credentials, 0o644)
        _ = try s.credentials()
        XCTAssertEqual(warnings.count, 1)
        XCTAssertTrue(warnings[0].contains("chmod 600"))
    }

    func testBaseURLPrecedence() throws {
        let dir = temporaryDirectory()
        XCTAssertEqual(try session(dir).baseURL(flag: nil), "http://localhost:8000")
        var file = try session(dir).settings()
        file["default"] = .object([("url", .string("https://profile.example"))])
        try file.save()
        XCTAssertEqual(try session(dir).baseURL(flag: nil), "https://profile.example")
        XCTAssertEqual(try session(dir, env: ["HOMESERVE_URL": "https://env.example/"]).baseURL(flag: nil), "https://env.example")
        XCTAssertEqual(try session(dir, env: ["HOMESERVE_URL": "https://env.example"]).baseURL(flag: "https://flag.example"), "https://flag.example")
    }

    func testCorruptFileIsAClearError() throws {
        let dir = temporaryDirectory()
        try AtomicFile.write(dir + "/settings.json", "{not json", mode: 0o600)
        XCTAssertThrowsError(try session(dir).settings()) { error in
            XCTAssertTrue((error as! CLIError).message.contains("settings.json is not valid JSON"))
        }
    }

    func testJWTExpiry() {
        func token(_ claims: String) -> String {
            "e30." + Base64.encode(Array(claims.utf8)).replacing("=", with: "").replacing("+", with: "-").replacing("/", with: "_") + ".sig"
        }
        XCTAssertEqual(JWT.expiry(token(#"{"exp": 2000000000, "user_id": 1}"#)), 2_000_000_000)
        XCTAssertTrue(JWT.expiresSoon(token(#"{"exp": 1000}"#), now: 990))
        XCTAssertFalse(JWT.expiresSoon(token(#"{"exp": 1100}"#), now: 1000))
        XCTAssertFalse(JWT.expiresSoon("not-a-jwt"), "an unreadable token is left to the server to judge")
        XCTAssertEqual(Base64.decode(url: "aGk_"), [0x68, 0x69, 0x3F])
        XCTAssertNil(Base64.decode(url: "a"))
    }

    func testConfigCommands() throws {
        let dir = temporaryDirectory()
        let env = ["HOMESERVE_CONFIG_DIR": dir]
        XCTAssertEqual(runCLI(["config", "set", "url", "https://api.example/"], environment: env).0, 0)
        let (status, out, _) = runCLI(["config", "get", "url"], environment: env)
        XCTAssertEqual(status, 0)
        XCTAssertEqual(out, "https://api.example\n")
        let bad = runCLI(["config", "set", "output", "yaml"], environment: env)
        XCTAssertEqual(bad.0, 2)
        XCTAssertTrue(bad.2.contains("'yaml'"))
        XCTAssertEqual(runCLI(["config", "set", "colour", "x"], environment: env).0, 2)
        XCTAssertEqual(runCLI(["config", "unset", "url"], environment: env).0, 0)
        XCTAssertEqual(runCLI(["config", "get", "url"], environment: env).0, 5)
        XCTAssertEqual(AtomicFile.mode(dir + "/settings.json"), 0o600)
    }
}
