import Foundation
import HomeServeAPI
@testable import HomeServeCLI
import HomeServeCore
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Where tokens come from, when they are renewed, what is written to the config directory and what
/// never is: refresh ahead of expiry and on 401, unattended re-login, the environment's tokens, and a
/// config directory that is corrupt, unsafe or full.
final class SessionTests: XCTestCase {
    let booking = "3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13"
    var path: String { "/api/bookings/\(booking)/" }
    var harness: Harness!

    override func setUp() { harness = Harness() }

    var transport: StubTransport { harness.transport }

    func stored(_ key: String, profile: String = "default") -> String? {
        harness.credentials["profiles"]?[profile]?[key]?.stringValue
    }

    func bytes(_ path: String) -> [UInt8]? { try? FileFacts.contents(path) }

    func entries(_ directory: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.baseAddress!.assumingMemoryBound(to: CChar.self)) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    func testAFileIsReadWholeUpToItsLimit() throws {
        let directory = harness.configDir
        let big = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        XCTAssertTrue(FileManager.default.createFile(atPath: directory + "/big", contents: Data(big)))
        XCTAssertEqual(try FileFacts.contents(directory + "/big"), big, "read past 64 KiB, byte for byte")
        XCTAssertEqual(try FileFacts.contents(directory + "/big", limit: 200_000), big, "a file exactly at its limit")
        XCTAssertThrowsError(try FileFacts.contents(directory + "/big", limit: 199_999)) { error in
            XCTAssertEqual((error as? FileError)?.kind, .tooLarge(limit: 199_999))
        }
        XCTAssertEqual(try FileFacts.contents("/dev/null"), [], "a file with no size to go by")
        XCTAssertEqual(try FileFacts.contents("/proc/self/comm").last, UInt8(ascii: "\n"), "a file whose size says 0 but is not empty")
        XCTAssertThrowsError(try FileFacts.contents(directory)) { error in
            XCTAssertEqual((error as? FileError)?.kind, .system(EISDIR))
        }
    }

    // MARK: Refresh

    func testATokenAboutToExpireIsRefreshedBeforeTheRequest() {
        let old = harness.token(expiresIn: 20, life: 300)
        harness.storeSession(access: old, refresh: "refresh-1")
        let renewed = harness.token(expiresIn: 300, life: 300, tag: "new")
        transport.register("POST", "/auth/refresh/", json: harness.tokenReply(access: renewed))
        transport.register("GET", path, json: #"{"id": "\#(booking)"}"#)
        let outcome = harness.run(["bookings", "get", booking])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(outcome.err, "")
        XCTAssertEqual(transport.log, ["POST /auth/refresh/", "GET \(path)"])
        XCTAssertEqual(transport.requests[0].json, ["refresh": "refresh-1"])
        XCTAssertNil(transport.requests[0].bearer)
        XCTAssertEqual(transport.requests[1].bearer, renewed)
        XCTAssertEqual(stored("access"), renewed)
        XCTAssertEqual(stored("refresh"), "refresh-2")
        XCTAssertEqual(harness.credentials["profiles"]?["default"]?["user"]?["username"], "customer1", "the user is kept")
        XCTAssertEqual(FileFacts.mode(harness.credentialsPath), 0o600)
        transport.verify()
    }

    func testTheMarginIsAThirdOfAShortLife() {
        // A 30-second token is renewed in its last 10 seconds, not its last 30.
        let fresh = harness.token(expiresIn: 12, life: 30)
        harness.storeSession(access: fresh, refresh: "refresh-1")
        transport.register("GET", path, json: #"{"id": 1}"#)
        XCTAssertEqual(harness.run(["bookings", "get", booking]).status, 0)
        XCTAssertEqual(transport.requests[0].bearer, fresh)

        let due = harness.token(expiresIn: 9, life: 30)
        harness.storeSession(access: due, refresh: "refresh-1")
        let renewed = harness.token(expiresIn: 30, life: 30, tag: "new")
        transport.register("POST", "/auth/refresh/", json: harness.tokenReply(access: renewed))
        transport.register("GET", path, json: #"{"id": 1}"#)
        XCTAssertEqual(harness.run(["bookings", "get", booking]).status, 0)
        XCTAssertEqual(transport.log, ["GET \(path)", "POST /auth/refresh/", "GET \(path)"])
        XCTAssertEqual(transport.requests[2].bearer, renewed)
        transport.verify()
        XCTAssertEqual(JWT.refreshMargin(harness.token(expiresIn: 100, life: 3600)), 30)
        XCTAssertEqual(JWT.refreshMargin("not-a-jwt"), 30)
    }

    func testARefusedTokenIsRefreshedAndTheRequestReplayedOnce() {
        let old = harness.logIn()
        let renewed = harness.token(expiresIn: 3600, life: 3600, tag: "new")
        transport.register("GET", path, status: 401, json: #"{"detail": "Given token not valid for any token type"}"#)
        transport.register("POST", "/auth/refresh/", json: #"{"access": "\#(renewed)"}"#)
        transport.register("GET", path, json: #"{"id": "\#(booking)", "status": "confirmed"}"#)
        let outcome = harness.run(["bookings", "get", booking])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(outcome.json["status"], "confirmed")
        XCTAssertEqual(transport.requests.map(\.bearer), [old, nil, renewed])
        XCTAssertEqual(stored("access"), renewed)
        XCTAssertEqual(stored("refresh"), "refresh-1", "a server that does not rotate keeps the refresh token")
        transport.verify()
    }

    func testATokenAnotherProcessJustStoredIsAdoptedInsteadOfRefreshing() {
        let old = harness.token(expiresIn: 10, life: 300)
        harness.storeSession(access: old, refresh: "refresh-1")
        let other = harness.token(expiresIn: 3600, life: 3600, tag: "other")
        // Between reading the file and taking the lock, another process refreshed.
        let store = CredentialStore(paths: ConfigPaths(environment: harness.environment), profile: "default", environment: harness.environment,
                                    clock: harness.clock, lockTimeout: 1, warn: { _ in }, note: { _ in })
        XCTAssertEqual(try store.credentials()?.access, old)
        harness.storeSession(access: other, refresh: "refresh-9")
        final class NoServer: TokenAuthority {
            var server: String { "https://api.test" }
            func refresh(_ refreshToken: String) throws -> TokenPair? { XCTFail("refreshed"); return nil }
            func login(username: String, password: String) throws -> (TokenPair, user: JSON)? { throw SessionError.loginRefused(username: username, message: "") }
        }
        XCTAssertEqual(try store.accessToken(authority: NoServer()), other)
    }

    func testOneProfilesRenewalDoesNotHoldUpAnothers() throws {
        harness.storeSession(access: harness.token(expiresIn: 5, life: 300, tag: "p0"), refresh: "refresh-p0", profile: "p0")
        harness.storeSession(access: harness.token(expiresIn: 5, life: 300, tag: "p1"), refresh: "refresh-p1", profile: "p1")
        harness.writeSettings(["p0": ["url": "https://api.test"], "p1": ["url": "https://api.test"]])
        let paths = ConfigPaths(environment: harness.environment)
        // p0 is being renewed by another process (held, say, by a password helper waiting on a prompt).
        let held = try FileLock.acquire(paths.sessionLock("p0"), timeout: 1, clock: harness.clock)
        defer { held.release() }
        let renewed = harness.token(expiresIn: 300, life: 300, tag: "p1-new")
        // While p1's refresh is on the wire, p0's renewal (another process) stores its new pair.
        let harness: Harness = self.harness
        let p0Renewed = harness.token(expiresIn: 5, life: 300, tag: "p0-new")
        transport.register("POST", "/auth/refresh/", json: harness.tokenReply(access: renewed, refresh: "refresh-p1b")) { _ in
            harness.storeSession(access: p0Renewed, refresh: "refresh-p0b", profile: "p0")
        }
        transport.register("GET", path, json: #"{"id": 1}"#)
        let other = harness.run(["--profile", "p1", "--timeout", "2", "bookings", "get", booking])
        XCTAssertEqual(other.status, 0, other.err)
        XCTAssertEqual(transport.requests.map(\.bearer), [nil, renewed])
        let file = try ProfileFile.load(harness.credentialsPath)
        XCTAssertEqual(file["p1"]["refresh"], "refresh-p1b")
        XCTAssertEqual(file["p0"]["refresh"], "refresh-p0b", "the file is read again before p1's pair is written: p0's new pair survives")

        let waiting = harness.run(["--profile", "p0", "--timeout", "2", "bookings", "get", booking])
        XCTAssertEqual(waiting.status, 9)
        XCTAssertEqual(waiting.err, "homeserve: cannot lock \(paths.sessionLock("p0")): another homeserve is refreshing the session (waited 2s)\n")
        XCTAssertEqual(transport.requests.count, 2, "nothing sent while p0's renewal is another's")
        transport.verify()
        XCTAssertEqual(harness.run(["--profile", "p0", "config", "path", "--jq", ".session_lock"]).out, paths.sessionLock("p0") + "\n")
    }

    func testATokenThatStillWorksIsSentWhileAnotherProcessHoldsItsEarlyRenewal() throws {
        let access = harness.token(expiresIn: 20, life: 300)
        harness.storeSession(access: access, refresh: "refresh-1")
        let held = try FileLock.acquire(ConfigPaths(environment: harness.environment).sessionLock("default"), timeout: 1, clock: harness.clock)
        defer { held.release() }
        transport.register("GET", path, json: #"{"id": 1}"#)
        let outcome = harness.run(["--timeout", "2", "bookings", "get", booking])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(outcome.err, "homeserve: warning: another homeserve has been renewing the session for longer than the timeout; its access token, valid for 18 s more, is sent as it is\n")
        XCTAssertEqual(transport.requests.map(\.bearer), [access], "due for renewal, not yet expired")
        transport.verify()
    }

    func testATokenThatStillWorksIsSentWhenTheEarlyRenewalFailsOnTheServersSide() {
        let access = harness.token(expiresIn: 20, life: 300)
        harness.storeSession(access: access, refresh: "refresh-1")
        let before = bytes(harness.credentialsPath)
        transport.register("POST", "/auth/refresh/", status: 503, json: #"{"detail": "down"}"#)
        transport.register("GET", path, json: #"{"id": 1}"#)
        let outcome = harness.run(["--retries", "0", "bookings", "get", booking])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(outcome.err, "homeserve: warning: renewing the session ahead of its expiry failed (HTTP 503 from POST /auth/refresh/); its access token, valid for 20 s more, is sent as it is\n")
        XCTAssertEqual(transport.requests.map(\.bearer), [nil, access])
        XCTAssertEqual(bytes(harness.credentialsPath), before, "the session is kept as it was")

        transport.fail("POST", "/auth/refresh/", .timeout)
        transport.register("GET", path, json: #"{"id": 1}"#)
        let slow = harness.run(["--retries", "0", "bookings", "get", booking])
        XCTAssertEqual(slow.status, 0, slow.err)
        XCTAssertContains(slow.err, "renewing the session ahead of its expiry failed (POST /auth/refresh/: ")

        // A listing's later pages do not try the renewal again before each: once is enough, until the server
        // refuses the token.
        transport.register("POST", "/auth/refresh/", status: 503, json: #"{"detail": "down"}"#)
        transport.register("GET", "/api/bookings/", json: #"{"count": 3, "next": "https://api.test/api/bookings/?page=2", "results": [{"id": 1}]}"#)
        transport.register("GET", "/api/bookings/?page=2", json: #"{"count": 3, "next": "https://api.test/api/bookings/?page=3", "results": [{"id": 2}]}"#)
        transport.register("GET", "/api/bookings/?page=3", json: #"{"count": 3, "next": null, "results": [{"id": 3}]}"#)
        let walk = harness.run(["--retries", "0", "bookings", "list", "--all", "--parallel", "1", "-o", "ndjson"])
        XCTAssertEqual(walk.status, 0, walk.err)
        XCTAssertEqual(walk.out, "{\"id\":1}\n{\"id\":2}\n{\"id\":3}\n")
        XCTAssertEqual(walk.err.components(separatedBy: "renewing the session ahead of its expiry failed").count, 2, "one warning: \(walk.err)")
        XCTAssertEqual(transport.log.filter { $0 == "POST /auth/refresh/" }.count, 3, "one renewal for the walk, after the two commands above")

        // With less than 5 s left the token would not outlast the request: the failure is the command's.
        harness.clock.advance(16)
        transport.register("POST", "/auth/refresh/", status: 503, json: #"{"detail": "down"}"#)
        let late = harness.run(["--retries", "0", "bookings", "get", booking])
        XCTAssertEqual(late.status, ExitCode.badServerAnswer.rawValue, late.err)
        XCTAssertEqual(late.out, "")
        transport.verify()
    }

    // MARK: Logging in again

    func testALoginRefusedMomentsAgoIsNotTriedAgainByTheProcessesThatWaitedForIt() {
        harness.storeSession(access: harness.token(expiresIn: -60, life: 300), refresh: "refresh-1")
        harness.environment["HOMESERVE_PASSWORD"] = "changed"
        transport.register("POST", "/auth/refresh/", status: 401, json: #"{"detail": "Token is blacklisted"}"#)
        transport.register("POST", "/auth/login/", status: 401, json: #"{"detail": "No active account found with the given credentials"}"#, times: 2)
        let first = harness.run(["bookings", "get", booking])
        XCTAssertEqual(first.status, 3, first.err)
        XCTAssertContains(first.err, "logging in as customer1 failed: HTTP 401")
        // A job that was waiting for that renewal (it asked at the same moment) takes its answer.
        let waited = harness.run(["bookings", "get", booking])
        XCTAssertEqual(waited.status, 3)
        XCTAssertContains(waited.err, "the session of profile 'default' has ended (a login for it 0 s ago (by this or another homeserve) was refused; not tried again until 60 s after it, or 'homeserve auth login')")
        XCTAssertTrue(waited.err.hasSuffix("); run 'homeserve auth login'\n"), "HOMESERVE_PASSWORD is set: the hint is not to set it: \(waited.err)")
        // Nor does a job that starts within the minute after it: neither the refresh token nor the password is sent.
        harness.clock.advance(30)
        let later = harness.run(["bookings", "get", booking])
        XCTAssertEqual(later.status, 3)
        XCTAssertContains(later.err, "a login for it 30 s ago (by this or another homeserve) was refused")
        XCTAssertEqual(transport.log.filter { $0 == "POST /auth/login/" }.count, 1)
        XCTAssertEqual(transport.log.filter { $0 == "POST /auth/refresh/" }.count, 1)
        // The next run, a minute on, tries the password again, but not the refresh token the server refused;
        // a login that works clears both notes.
        harness.clock.advance(30)
        let renewed = harness.token(expiresIn: 300, life: 300, tag: "renewed")
        XCTAssertEqual(harness.run(["bookings", "get", booking]).status, 3)
        transport.register("POST", "/auth/login/", json: #"{"access": "\#(renewed)", "refresh": "r2", "user": {"username": "customer1"}}"#)
        transport.register("GET", path, json: #"{"id": 1}"#)
        harness.clock.advance(60)
        XCTAssertEqual(harness.run(["bookings", "get", booking]).status, 0)
        XCTAssertNil(harness.credentials["profiles"]?["default"]?["renewal_refused_at"])
        XCTAssertNil(harness.credentials["profiles"]?["default"]?["ended"])
        XCTAssertEqual(transport.log.filter { $0 == "POST /auth/login/" }.count, 3)
        XCTAssertEqual(transport.log.filter { $0 == "POST /auth/refresh/" }.count, 1)
        transport.verify()
    }

    /// A read-only home (a container's, systemd's ProtectHome): the config directory cannot be made, so the
    /// login a job makes by itself serves this command, with a warning, as in a read-only directory.
    func testALoginWhereNoConfigDirectoryCanBeMadeServesTheCommand() throws {
        let parent = "/sys/homeserve-test-\(getpid())"
        guard mkdir(parent, 0o700) != 0, errno == EPERM || errno == EROFS || errno == EACCES else {
            rmdir(parent)
            throw XCTSkip("no directory here refuses a new one")
        }
        harness.environment["HOMESERVE_CONFIG_DIR"] = parent + "/homeserve"
        harness.environment["HOMESERVE_USERNAME"] = "customer1"
        harness.environment["HOMESERVE_PASSWORD"] = "password123"
        let renewed = harness.token(expiresIn: 3600, life: 3600, tag: "login")
        transport.register("POST", "/auth/login/", json: #"{"access": "\#(renewed)", "refresh": "refresh-login", "user": {"id": 1, "username": "customer1", "role": "customer"}}"#)
        transport.register("GET", path, json: #"{"id": "\#(booking)"}"#)
        let outcome = harness.run(["bookings", "get", booking, "-o", "json"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(outcome.json["id"]?.stringValue, booking)
        XCTAssertContains(outcome.err, "the new session could not be saved (cannot create directory \(parent)")
        XCTAssertContains(outcome.err, "it is used for this command only")
        XCTAssertEqual(transport.requests.last?.bearer, renewed)
        transport.verify()

        transport.register("GET", "/api/services/?page_size=1", json: "[]")
        harness.environment["HOMESERVE_PASSWORD"] = "password123"
        transport.register("POST", "/auth/login/", json: #"{"access": "\#(renewed)", "refresh": "refresh-login", "user": {"id": 1, "username": "customer1", "role": "customer"}}"#)
        transport.register("GET", "/api/bookings/?page_size=1", json: "[]")
        let status = harness.run(["auth", "status", "-o", "json"])
        XCTAssertEqual(status.json["source"], "new session for this command (not saved)", status.err)
        harness.environment["HOMESERVE_PASSWORD"] = nil
        let doctor = harness.run(["doctor", "-o", "json"])
        let files = doctor.json["checks"]?.arrayValue?.first { $0["name"] == "files" }
        XCTAssertEqual(files?["status"], "warn", doctor.out + doctor.err)
        XCTAssertContains(files?["detail"]?.stringValue ?? "", "does not exist and cannot be made")
    }

    func testARefusedRefreshWithHOMESERVE_PASSWORDLogsInAgainAndStoresThePair() {
        let old = harness.logIn()
        harness.writeSettings(["default": ["url": "https://api.test"]])
        harness.environment["HOMESERVE_PASSWORD"] = "password123"
        let renewed = harness.token(expiresIn: 3600, life: 3600, tag: "login")
        transport.register("GET", path, status: 401, json: #"{"detail": "expired"}"#)
        transport.register("POST", "/auth/refresh/", status: 401, json: #"{"detail": "Token is blacklisted"}"#)
        transport.register("POST", "/auth/login/", json: #"{"access": "\#(renewed)", "refresh": "refresh-login", "user": {"id": 1, "username": "customer1", "role": "customer"}}"#)
        transport.register("GET", path, json: #"{"id": "\#(booking)"}"#)
        let outcome = harness.run(["bookings", "get", booking])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(outcome.err, "homeserve: session for profile 'default' renewed by logging in again as customer1\n")
        XCTAssertEqual(transport.requests.map(\.bearer), [old, nil, nil, renewed])
        XCTAssertEqual(transport.requests[2].json, ["username": "customer1", "password": "password123"])
        XCTAssertEqual(stored("access"), renewed)
        XCTAssertEqual(stored("refresh"), "refresh-login")
        transport.verify()

        // The same, quietly.
        transport.register("GET", path, status: 401, json: #"{"detail": "expired"}"#)
        transport.register("POST", "/auth/refresh/", status: 401, json: "{}")
        transport.register("POST", "/auth/login/", json: #"{"access": "\#(renewed)x", "refresh": "r3", "user": {"username": "customer1"}}"#)
        transport.register("GET", path, json: #"{"id": 1}"#)
        let quiet = harness.run(["-q", "bookings", "get", booking])
        XCTAssertEqual(quiet.status, 0, quiet.err)
        XCTAssertEqual(quiet.err, "")
        transport.verify()
    }

    func testALoginMadeByItselfIsMadeAsTheUsernameTheJobNamesBeforeTheStoredSessionsUser() {
        harness.logIn()
        harness.environment["HOMESERVE_PASSWORD"] = "pw"
        let renewed = harness.token(expiresIn: 3600, life: 3600, tag: "login")
        for (named, setting, expected) in [("vendor1", "customer2", "vendor1"), (nil, "customer2", "customer2"), (nil, nil, "customer1")] {
            harness.environment["HOMESERVE_USERNAME"] = named
            harness.writeSettings(setting.map { JSON.object([("default", .object([("username", .string($0))]))]) } ?? .object([]))
            transport.register("GET", path, status: 401, json: #"{"detail": "expired"}"#)
            transport.register("POST", "/auth/refresh/", status: 401, json: #"{"detail": "Token is blacklisted"}"#)
            transport.register("POST", "/auth/login/", json: #"{"access": "\#(renewed)", "refresh": "r", "user": {"username": "\#(expected)"}}"#)
            transport.register("GET", path, json: #"{"id": 1}"#)
            let outcome = harness.run(["bookings", "get", booking])
            XCTAssertEqual(outcome.status, 0, outcome.err)
            XCTAssertEqual(transport.requests.last { $0.url.hasSuffix("/auth/login/") }?.json?["username"], .string(expected))
            transport.verify()
            harness.storeSession(access: harness.token(expiresIn: 300, life: 300), refresh: "refresh-1")
        }
    }

    func testAPasswordCommandSuppliesThePassword() {
        harness.logIn(profile: "ci")
        harness.writeSettings(["ci": ["password_command": "printf 'pass word\\n'", "url": "https://api.test"]])
        let renewed = harness.token(expiresIn: 3600, life: 3600, tag: "login")
        transport.register("GET", path, status: 401, json: "{}")
        transport.register("POST", "/auth/refresh/", status: 400, json: #"{"refresh": ["Token is invalid or expired"]}"#)
        transport.register("POST", "/auth/login/", json: #"{"data": {"tokens": null, "access": "\#(renewed)", "refresh": "r-ci", "user": {"username": "customer1"}}}"#)
        transport.register("GET", path, json: #"{"id": 1}"#)
        let outcome = harness.run(["--profile", "ci", "bookings", "get", booking])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(outcome.err, "homeserve: session for profile 'ci' renewed by logging in again as customer1\n")
        XCTAssertEqual(transport.requests[2].json?["password"], "pass word")
        XCTAssertEqual(stored("access", profile: "ci"), renewed)
        XCTAssertEqual(stored("refresh", profile: "ci"), "r-ci")
        transport.verify()
    }

    /// A GET whose token is refused, a refresh token refused too, then a login by the password source: the
    /// password sent is `transport.requests[2]`'s.
    func registerLoginAfterARefusedRefresh() {
        let renewed = harness.token(expiresIn: 3600, life: 3600, tag: "login")
        transport.register("GET", path, status: 401, json: "{}")
        transport.register("POST", "/auth/refresh/", status: 401, json: "{}")
        transport.register("POST", "/auth/login/", json: #"{"access": "\#(renewed)", "refresh": "r2", "user": {"username": "customer1"}}"#)
        transport.register("GET", path, json: #"{"id": 1}"#)
    }

    /// `while read id; do homeserve …; done < ids`: the helper does not get the loop's input to eat.
    func testAPasswordCommandDoesNotReadHomeservesStdin() throws {
        harness.logIn()
        harness.writeSettings(["default": ["password_command": #"sh -c 'if read line; then echo "took:$line"; else echo pw; fi'"#]])
        var ends: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&ends), 0)
        let input = "id-1\nid-2\n"
        XCTAssertEqual(write(ends[1], input, input.utf8.count), input.utf8.count)
        close(ends[1])
        let saved = dup(0)
        XCTAssertEqual(dup2(ends[0], 0), 0)
        close(ends[0])
        registerLoginAfterARefusedRefresh()
        let outcome = harness.run(["bookings", "get", booking])
        var left = [UInt8](repeating: 0, count: 64)
        let count = read(0, &left, left.count)
        dup2(saved, 0)
        close(saved)
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(transport.requests[2].json?["password"], "pw")
        XCTAssertEqual(String(decoding: left.prefix(max(count, 0)), as: UTF8.self), input, "stdin was left whole")
        transport.verify()
    }

    /// The helper gets stdin, stdout and stderr, none of the descriptors homeserve holds (its connections,
    /// the credentials lock), which a helper leaving an agent running would keep open.
    func testAPasswordCommandInheritsNoOtherDescriptor() throws {
        harness.logIn()
        let held = open("/dev/null", O_RDONLY)
        defer { close(held) }
        XCTAssertGreaterThan(held, 2)
        harness.writeSettings(["default": ["password_command": .string(#"sh -c 'if [ -e /dev/fd/\#(held) ]; then echo inherited; else echo kept-out; fi'"#)]])
        registerLoginAfterARefusedRefresh()
        let outcome = harness.run(["bookings", "get", booking])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(transport.requests[2].json?["password"], "kept-out")
        transport.verify()
    }

    /// A rotation already sent is not abandoned at `--timeout`: the server may have spent the stored token.
    func testARefreshExchangeIsWaitedForPastAShortTimeout() {
        harness.storeSession(access: harness.token(expiresIn: -10, life: 300), refresh: "refresh-1")
        let renewed = harness.token(expiresIn: 300, life: 300, tag: "new")
        transport.register("POST", "/auth/refresh/", json: harness.tokenReply(access: renewed, refresh: "refresh-2"), takes: 4)
        transport.register("GET", path, json: #"{"id": 1}"#)
        let outcome = harness.run(["--timeout", "2", "bookings", "get", booking])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(outcome.err, "")
        XCTAssertEqual(transport.requests.map(\.timeout), [30, 2], "the exchange has the grace a signal gives it; the command's request its --timeout")
        XCTAssertEqual(stored("refresh"), "refresh-2")
        XCTAssertEqual(stored("access"), renewed)
        transport.verify()
        // A longer --timeout is the exchange's too.
        harness.storeSession(access: harness.token(expiresIn: -10, life: 300), refresh: "refresh-2")
        transport.register("POST", "/auth/refresh/", json: harness.tokenReply(access: renewed, refresh: "refresh-3"))
        transport.register("GET", path, json: #"{"id": 1}"#)
        XCTAssertEqual(harness.run(["--timeout", "45", "bookings", "get", booking]).status, 0)
        XCTAssertEqual(transport.requests.suffix(2).map(\.timeout), [45, 45])
        transport.verify()
        // Sent, and no answer within the grace: the session may be gone with it, and the command says so.
        harness.storeSession(access: harness.token(expiresIn: -10, life: 300), refresh: "refresh-3")
        transport.register("POST", "/auth/refresh/", json: harness.tokenReply(access: renewed, refresh: "refresh-4"), times: 2, takes: 40)
        let lost = harness.run(["--timeout", "2", "--retries", "0", "bookings", "get", booking])
        XCTAssertEqual(lost.status, 9, lost.err)
        XCTAssertContains(lost.err, "homeserve: warning: the exchange of the refresh token got no answer after it was sent (Operation timed out after 30000 milliseconds with 0 bytes received); the server may have spent the stored one, so the session may have been lost: if the next command says it ended, run 'homeserve auth login'\n")
        XCTAssertEqual(stored("refresh"), "refresh-3", "nothing came to store")
    }

    func testASessionCutShortBySignalsIsSaidToBeMaybeLost() {
        XCTAssertEqual(SignalWatcher.lastWords("interrupted", renewing: false), "homeserve: interrupted\n")
        XCTAssertEqual(SignalWatcher.lastWords("interrupted", renewing: true), """
            homeserve: interrupted
            homeserve: warning: an exchange of the refresh token was cut short; the server may have spent the stored one, so the session may have been lost: if the next command says it ended, run 'homeserve auth login'

            """)
    }

    /// Work asked to stop has `grace` seconds; an exchange of the refresh token in flight is waited for (up to
    /// `RenewalsInFlight.grace` after the signal), and the work then has `grace` seconds again to notice the
    /// signal, also when the exchange ended just before the first deadline: it is not ended with "did not
    /// stop" the moment the answer is stored.
    func testStoppedWorkIsEndedOnScheduleAndGivenTimeAfterARenewal() throws {
        let grace = SignalWatcher.grace
        let plan = SignalWatcher.StopSchedule(askedAt: 100, signal: SIGTERM)
        XCTAssertEqual(plan.firstDeadline, 100 + grace)
        XCTAssertNil(plan.next(now: 100 + grace, renewing: false, renewalEnded: nil), "no renewal: ended at the first deadline")
        XCTAssertNil(plan.next(now: 100 + grace, renewing: false, renewalEnded: 99), "one over before the signal counts for nothing")
        let look = try XCTUnwrap(plan.next(now: 100 + grace, renewing: true, renewalEnded: nil))
        XCTAssertEqual(look, 100 + grace + 0.1, accuracy: 1e-9, "a renewal in flight is looked at again shortly")
        XCTAssertEqual(plan.next(now: 104, renewing: false, renewalEnded: 103.9), 103.9 + grace, "over: the work has its grace again")
        XCTAssertNil(plan.next(now: 103.9 + grace, renewing: false, renewalEnded: 103.9), "and is ended once that has passed")
        XCTAssertEqual(plan.next(now: 100 + grace, renewing: false, renewalEnded: 102.9), 102.9 + grace, "over just before the first deadline")
        XCTAssertNotNil(plan.next(now: 100 + RenewalsInFlight.grace - 1, renewing: true, renewalEnded: nil))
        XCTAssertNil(plan.next(now: 100 + RenewalsInFlight.grace, renewing: true, renewalEnded: nil), "a renewal is waited for only so long")
    }

    /// GNU `timeout` sends SIGTERM to homeserve and again to its process group at once: that is one request
    /// to stop, not the second that ends homeserve in the middle of an exchange of the refresh token. Each
    /// Ctrl-C is a key pressed: a second one, however soon, ends homeserve.
    func testTheSameSignalSentAgainAtOnceIsNotASecondOne() {
        let schedule = SignalWatcher.StopSchedule(askedAt: 100, signal: SIGTERM)
        XCTAssertFalse(schedule.isSecond(SIGTERM, now: 100.001))
        XCTAssertFalse(SignalWatcher.StopSchedule(askedAt: 100, signal: SIGHUP).isSecond(SIGHUP, now: 100.1))
        XCTAssertTrue(schedule.isSecond(SIGTERM, now: 100 + SignalWatcher.StopSchedule.echo), "sent again later")
        XCTAssertTrue(schedule.isSecond(SIGINT, now: 100.001), "another signal")
        XCTAssertTrue(SignalWatcher.StopSchedule(askedAt: 100, signal: SIGINT).isSecond(SIGINT, now: 100.1), "a second Ctrl-C")
    }

    /// A line on stderr is one write, so the signal watcher's last words cannot land inside it.
    func testALineIsWrittenInOneWrite() {
        var writes: [String] = []
        let channel = OutputChannel(name: "standard error", isTerminal: false, autoFlush: true) { bytes in
            writes.append(String(decoding: bytes, as: UTF8.self))
            return 0
        }
        channel.line("homeserve: terminated (SIGTERM)")
        XCTAssertEqual(writes, ["homeserve: terminated (SIGTERM)\n"])
    }

    /// After Ctrl-C, a failure of the work it let finish (an exchange of the refresh token that then timed
    /// out) is the interruption's: exit 130, not the timeout's 9.
    func testAFailureAfterCtrlCIsTheInterruption() {
        harness.storeSession(access: harness.token(expiresIn: -10, life: 300), refresh: "refresh-1")
        transport.fail("POST", "/auth/refresh/", .timeout, sent: true)
        SignalWatcher.asked.store(true, ordering: .sequentiallyConsistent)
        defer { SignalWatcher.asked.store(false, ordering: .sequentiallyConsistent) }
        let outcome = harness.run(["--retries", "0", "bookings", "get", booking])
        XCTAssertEqual(outcome.status, 130, outcome.err)
        XCTAssertContains(outcome.err, "warning: the exchange of the refresh token got no answer after it was sent")
        XCTAssertTrue(outcome.err.hasSuffix("homeserve: interrupted\n"), outcome.err)
    }

    func testAFailingPasswordCommandIsExit3() {
        harness.logIn()
        harness.writeSettings(["default": ["password_command": "false"]])
        transport.register("GET", path, status: 401, json: "{}")
        transport.register("POST", "/auth/refresh/", status: 401, json: "{}")
        let outcome = harness.run(["bookings", "get", booking])
        XCTAssertEqual(outcome.status, 3)
        XCTAssertEqual(outcome.err, "homeserve: password_command false failed: it exited with status 1\n")
        transport.verify()
    }

    /// Only the first line is read: a helper writing on after it (`yes` never stops) meets a closed pipe,
    /// which is not its failure; an empty first line is no password, whatever follows it.
    func testAPasswordCommandIsReadToItsFirstLine() {
        harness.logIn()
        harness.writeSettings(["default": ["password_command": "sh -c 'echo pw; exec yes more'"]])
        registerLoginAfterARefusedRefresh()
        let outcome = harness.run(["bookings", "get", booking])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(transport.requests.dropFirst(2).first?.json?["password"], "pw")
        transport.verify()

        // More than a pipe holds after the line, from a shell's command (which exits 141 for a closed
        // pipe), and a line of exactly 4096 bytes.
        for (command, password) in [("sh -c 'echo pw; seq 1 300000'", "pw"),
                                    (#"sh -c 'head -c 4096 /dev/zero | tr "\0" p; echo'"#, String(repeating: "p", count: 4096))] {
            harness.logIn()
            harness.writeSettings(["default": ["password_command": .string(command)]])
            registerLoginAfterARefusedRefresh()
            let outcome = harness.run(["bookings", "get", booking])
            XCTAssertEqual(outcome.status, 0, outcome.err)
            XCTAssertEqual(transport.requests.last { $0.url.hasSuffix("/auth/login/") }?.json?["password"]?.stringValue, password)
            transport.verify()
        }

        for (command, reason) in [("sh -c 'echo; exec yes pw'", "it printed no password"),
                                  ("yes " + String(repeating: "p", count: 5000), "its first line is longer than 4096 bytes"),
                                  (#"sh -c 'head -c 4097 /dev/zero | tr "\0" p; echo'"#, "its first line is longer than 4096 bytes")] {
            harness.logIn()
            harness.writeSettings(["default": ["password_command": .string(command)]])
            transport.register("GET", path, status: 401, json: "{}")
            transport.register("POST", "/auth/refresh/", status: 401, json: "{}")
            let refused = harness.run(["bookings", "get", booking])
            XCTAssertEqual(refused.status, 3, refused.err)
            XCTAssertEqual(refused.err, "homeserve: password_command \(command.prefix { $0 != " " }) failed: \(reason)\n")
            transport.verify()
        }
    }

    /// Another login storing another user's session while a command runs: the command's refused token is
    /// not replaced by that user's, nor the other user's refresh token spent; the same user's is taken up.
    func testASessionStoredForAnotherUserMidCommandIsNotTakenUp() {
        harness.logIn()
        let theirs = harness.token(expiresIn: 3600, life: 3600, userID: 9, tag: "vendor2")
        let harness = harness!
        transport.register("GET", path, status: 401, json: #"{"detail": "Token is invalid or expired"}"#, onRequest: { _ in
            harness.storeSession(access: theirs, refresh: "refresh-v", user: ["id": 9, "username": "vendor2", "role": "vendor"])
        })
        let outcome = harness.run(["bookings", "get", booking])
        XCTAssertEqual(outcome.status, 3, outcome.err)
        XCTAssertEqual(outcome.out, "")
        XCTAssertEqual(outcome.err, "homeserve: profile 'default' was logged in as vendor2 while this command ran as customer1, whose session it replaced; nothing more was sent: run the command again to act as vendor2, or log in as customer1\n")
        XCTAssertEqual(transport.log, ["GET \(path)"], "neither vendor2's token nor its refresh token was sent")
        XCTAssertEqual(stored("access"), theirs)
        transport.verify()

        // A logout meanwhile is said to be one.
        harness.logIn()
        let file = harness.credentialsPath
        transport.register("GET", path, status: 401, json: "{}", onRequest: { _ in unlink(file) })
        let loggedOut = harness.run(["bookings", "get", booking])
        XCTAssertEqual(loggedOut.status, 3, loggedOut.err)
        XCTAssertContains(loggedOut.err, "the session of profile 'default' has ended (it was logged out while this command ran)")
        transport.verify()

        // The same user's new session is taken up.
        harness.logIn()
        let renewed = harness.token(expiresIn: 3600, life: 3600, tag: "again")
        transport.register("GET", path, status: 401, json: "{}", onRequest: { _ in harness.storeSession(access: renewed, refresh: "refresh-9") })
        transport.register("GET", path, json: #"{"id": 1}"#)
        let again = harness.run(["bookings", "get", booking])
        XCTAssertEqual(again.status, 0, again.err)
        XCTAssertEqual(transport.requests.last?.bearer, renewed)
        transport.verify()
    }

    func testDoctorFailsAConfigDirectoryUnderAFile() throws {
        let file = temporaryDirectory() + "/plain"
        try AtomicFile.write(file, [], mode: 0o600)
        harness.environment["HOMESERVE_CONFIG_DIR"] = file + "/homeserve"
        transport.register("GET", "/api/services/?page_size=1", json: "[]")
        let doctor = harness.run(["doctor", "-o", "json"])
        XCTAssertEqual(doctor.json["checks"]?.arrayValue?.first { $0["name"] == "files" },
                       ["name": "files", "status": "fail", "detail": .string("\(file)/homeserve cannot be made: \(file) is not a directory")])
        // The file itself given as the directory.
        harness.environment["HOMESERVE_CONFIG_DIR"] = file
        transport.register("GET", "/api/services/?page_size=1", json: "[]")
        let itself = harness.run(["doctor", "-o", "json"])
        XCTAssertEqual(itself.json["checks"]?.arrayValue?.first { $0["name"] == "files" },
                       ["name": "files", "status": "fail", "detail": .string("\(file) is not a directory")])
    }

    /// A machine whose clock runs an hour fast: the tokens' expiry is the server's, judged by the server's
    /// time as its `Date` header showed it, so a fresh session is sent as it is (every command, and every job
    /// of a wave, renewed it) and renewed ahead of its expiry as usual.
    func testAClockRunningFastJudgesTheTokensByTheServersTime() {
        let fast = 3600.0
        func httpDate(_ seconds: Double) -> String {
            let format = DateFormatter()
            format.locale = Locale(identifier: "en_US_POSIX")
            format.timeZone = TimeZone(identifier: "GMT")
            format.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            return format.string(from: Date(timeIntervalSince1970: seconds))
        }
        // Issued by the server an hour behind: by this machine's clock, it expired 55 minutes ago.
        let issued = harness.token(expiresIn: 300 - Int(fast), life: 300, tag: "a")
        transport.register("POST", "/auth/login/", json: #"{"access": "\#(issued)", "refresh": "r1", "user": {"username": "customer1"}}"#,
                           headers: [("Date", httpDate(harness.clock.now() - fast))])
        XCTAssertEqual(harness.run(["auth", "login", "--username", "customer1", "--password-stdin"], stdin: "pw\n").status, 0)
        XCTAssertEqual(harness.credentials["profiles"]?["default"]?["clock_offset"], .int(-3600))
        transport.register("GET", path, json: #"{"id": 1}"#, times: 2)
        XCTAssertEqual(harness.run(["bookings", "get", booking]).status, 0)
        XCTAssertEqual(harness.run(["bookings", "get", booking]).status, 0)
        XCTAssertEqual(transport.log.filter { $0 == "POST /auth/refresh/" }, [], "sent as it is")
        let status = harness.run(["auth", "status", "--offline", "-o", "json"])
        XCTAssertEqual(status.status, 0, status.err)
        XCTAssertEqual(status.json["logged_in"], true)
        XCTAssertEqual(status.json["access_expires_in"], 300)
        XCTAssertContains(harness.run(["doctor", "-o", "json"]).out, "valid for 5m")

        // Near its expiry by the server's time, renewed ahead of it; the new offset is kept.
        harness.clock.advance(280)
        let renewed = harness.token(expiresIn: 300 - Int(fast), life: 300, tag: "b")
        transport.register("POST", "/auth/refresh/", json: harness.tokenReply(access: renewed), headers: [("Date", httpDate(harness.clock.now() - fast))])
        transport.register("GET", path, json: #"{"id": 1}"#)
        XCTAssertEqual(harness.run(["bookings", "get", booking]).status, 0)
        XCTAssertEqual(transport.requests.last?.bearer, renewed)
        XCTAssertEqual(harness.credentials["profiles"]?["default"]?["clock_offset"], .int(-3600))
        transport.verify()

        // Without a Date header nothing is known of the server's clock: this machine's is used.
        transport.register("POST", "/auth/login/", json: #"{"access": "\#(issued)", "refresh": "r1", "user": {"username": "customer1"}}"#)
        XCTAssertEqual(harness.run(["auth", "login", "--username", "customer1", "--password-stdin"], stdin: "pw\n").status, 0)
        XCTAssertNil(harness.credentials["profiles"]?["default"]?["clock_offset"])
        transport.register("POST", "/auth/refresh/", json: harness.tokenReply(access: renewed))
        transport.register("GET", path, json: #"{"id": 1}"#)
        XCTAssertEqual(harness.run(["bookings", "get", booking]).status, 0)
        XCTAssertEqual(transport.log.filter { $0 == "POST /auth/refresh/" }.count, 2, "the token looks expired here, so it is renewed")
        // A code's login and HOMESERVE_REFRESH_TOKEN's renewals learn it alike.
        transport.register("POST", "/auth/verify-otp/", json: #"{"access": "\#(issued)", "refresh": "r1", "user": {"username": "customer1"}}"#,
                           headers: [("Date", httpDate(harness.clock.now() - fast))])
        XCTAssertEqual(harness.run(["auth", "otp", "verify", "--email", "customer1@example.com", "--otp-stdin"], stdin: "123456\n").status, 0)
        XCTAssertEqual(harness.credentials["profiles"]?["default"]?["clock_offset"], .int(-3600))
        harness.environment["HOMESERVE_REFRESH_TOKEN"] = "env-refresh"
        let fresh = harness.token(expiresIn: 300 - Int(fast), life: 300, tag: "c")
        transport.register("POST", "/auth/refresh/", json: harness.tokenReply(access: fresh), headers: [("Date", httpDate(harness.clock.now() - fast))])
        transport.register("GET", "/api/bookings/", json: #"{"count": 3, "next": "https://api.test/api/bookings/?page=2", "results": [{"id": 1}]}"#)
        transport.register("GET", "/api/bookings/?page=2", json: #"{"count": 3, "next": "https://api.test/api/bookings/?page=3", "results": [{"id": 2}]}"#)
        transport.register("GET", "/api/bookings/?page=3", json: #"{"count": 3, "next": null, "results": [{"id": 3}]}"#)
        let walk = harness.run(["bookings", "list", "--all", "--parallel", "1", "-o", "ndjson"])
        XCTAssertEqual(walk.status, 0, walk.err)
        XCTAssertEqual(transport.log.filter { $0 == "POST /auth/refresh/" }.count, 3, "one renewal at the start, none per page")
        harness.environment["HOMESERVE_REFRESH_TOKEN"] = nil
        transport.verify()

        XCTAssertNil(TokenPair.clockOffset(date: httpDate(harness.clock.now() + 9), now: harness.clock.now()), "within a round trip and the header's second")
        XCTAssertNil(TokenPair.clockOffset(date: "Thu, 01 Jan 1970 00:00:00 GMT", now: harness.clock.now()), "not the server's time")
        XCTAssertEqual(TokenPair.clockOffset(date: httpDate(harness.clock.now() + 120), now: harness.clock.now()), 120)
        XCTAssertNil(TokenPair.clockOffset(date: "yesterday", now: harness.clock.now()))
    }

    /// doctor asks whether the config directory can be made by making and removing a directory of its own
    /// beside it; one of that name it did not make (another doctor's) is left where it is.
    func testDoctorsProbeRemovesOnlyWhatItMade() throws {
        let parent = temporaryDirectory()
        harness.environment["HOMESERVE_CONFIG_DIR"] = parent + "/homeserve"
        func files() -> JSON? {
            transport.register("GET", "/api/services/?page_size=1", json: "[]")
            return harness.run(["doctor", "-o", "json"]).json["checks"]?.arrayValue?.first { $0["name"] == "files" }
        }
        let fresh: JSON = ["name": "files", "status": "ok", "detail": .string("\(parent)/homeserve does not exist yet (created on first login)")]
        XCTAssertEqual(files(), fresh)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: parent), [], "the probe is removed")

        let probe = parent + "/.homeserve-probe-\(getpid())"
        XCTAssertEqual(mkdir(probe, 0o700), 0)
        XCTAssertEqual(files(), fresh)
        XCTAssertTrue(FileFacts.isDirectory(probe), "a directory doctor did not make is kept")
        XCTAssertFalse(FileFacts.exists(parent + "/homeserve"))
    }

    func testAPasswordCommandWhoseProgramCannotStartIsSaidByConfigSetAndDoctor() {
        harness.environment["PATH"] = "/usr/bin:/bin"
        let missing = harness.run(["config", "set", "password_command", "password123"])
        XCTAssertEqual(missing.status, 0, "set, as the program may be where the job runs")
        XCTAssertEqual(missing.err, "homeserve: warning: no program password123 is found in PATH: the command is set, and runs only where its program is found\nhomeserve: Set password_command = password123 for profile 'default'.\n")
        let found = harness.run(["config", "set", "password_command", "sh -c 'echo x'"])
        XCTAssertEqual(found.err, "homeserve: Set password_command = sh -c 'echo x' for profile 'default'.\n")
        XCTAssertEqual(harness.run(["config", "set", "password_command", "/nonexistent/helper --get"]).err.components(separatedBy: "\n").first,
                       "homeserve: warning: the program /nonexistent/helper is not an executable file: the command is set, and runs only where its program is found")
        transport.register("GET", "/api/services/?page_size=1", json: "[]")
        let doctor = harness.run(["doctor", "-o", "json"])
        XCTAssertEqual(doctor.status, 2, doctor.err)
        XCTAssertEqual(doctor.json["checks"]?.arrayValue?.first { $0["name"] == "config" },
                       ["name": "config", "status": "fail", "detail": "password_command cannot be run: the program /nonexistent/helper is not an executable file (fix with 'homeserve config set password_command VALUE')"])
    }

    func testALoginWithoutAUsernameAndNoTerminalNamesEveryWayToGiveOne() {
        let outcome = harness.run(["auth", "login", "--password-stdin"], stdin: "pw\n")
        XCTAssertEqual(outcome.status, 2)
        XCTAssertEqual(outcome.err, "homeserve: --username (or HOMESERVE_USERNAME, or the profile's username: 'homeserve config set username NAME') is required when stdin is not a terminal\n")
        XCTAssertEqual(transport.requests.count, 0)
    }

    func testWhatConfigListShowsButAProfileDoesNotKeepIsSaidWhereItComesFrom() {
        let password = harness.run(["config", "set", "password", "secret"])
        XCTAssertEqual(password.status, 2)
        XCTAssertEqual(password.err, "homeserve: invalid value 'password' for KEY: a password is never stored: give it with --password-stdin or HOMESERVE_PASSWORD, or set password_command to a program that prints it ('homeserve config list' shows every setting in effect); a profile keeps url, ws_url, output, timezone, username, password_command\n")
        XCTAssertFalse(password.err.contains("secret"))
        XCTAssertContains(harness.run(["config", "get", "timeout"]).err, "for KEY: timeout is given per command with --timeout (")
        XCTAssertContains(harness.run(["config", "get", "urll"]).err, "(did you mean 'url'?)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: harness.configDir + "/settings.json"), "nothing written")
    }

    /// Run without a shell, a command with a quote left open or a shell's operator would run something else
    /// (`pass show x | head -1` passes `|` to pass): `config set` refuses it, and a hand-edited one is not run.
    func testAPasswordCommandAShellWouldReadOtherwiseIsRefused() {
        let needs = ", which needs a shell: it is run without one, so write sh -c '…'"
        for (command, problem) in [(#""unterminated"#, "a double quote that is not closed"),
                                   ("pass show x | head -1", "'|'" + needs), ("pass show x|head -1", "'|'" + needs),
                                   ("pass show x; true", "';'" + needs), ("pass show x 2>/dev/null", "'>'" + needs),
                                   ("pass show $ENTRY", "'$'" + needs), ("pass show `id`", "'`'" + needs),
                                   ("pass show x # mine", "'#', a comment" + needs), ("HOME=/x pass show x", "'HOME=/x', a variable set for the command" + needs),
                                   ("~/bin/pw", "'~', which only a shell expands: give the full path"),
                                   (#"pass show "user/$USER""#, "'$'" + needs), (#"pass show e\ f"#, #"'\'"# + needs),
                                   ("pass show *", "'*'" + needs), (#"pass show 'it'\''s'"#, #"'\'"# + needs),
                                   (#"sh -c "echo \"x\"""#, #"'\'"# + needs)] {
            let outcome = harness.run(["config", "set", "password_command", command])
            XCTAssertEqual(outcome.status, 2, outcome.err)
            XCTAssertEqual(outcome.err, "homeserve: invalid value '\(command)' for password_command: expected a command and its arguments, run without a shell; it has \(problem)\n")
        }
        XCTAssertEqual(harness.run(["config", "set", "password_command", "sh -c 'pass show x | head -1'"]).status, 0)
        XCTAssertEqual(harness.run(["config", "set", "password_command", #"printf '%s\n' "a | b" 'it''s $x'"#]).status, 0)

        harness.logIn()
        harness.writeSettings(["default": ["password_command": "pass show x > out"]])
        transport.register("GET", path, status: 401, json: "{}")
        transport.register("POST", "/auth/refresh/", status: 401, json: "{}")
        let refused = harness.run(["bookings", "get", booking])
        XCTAssertEqual(refused.status, 3, refused.err)
        XCTAssertEqual(refused.err, "homeserve: password_command pass failed: it has '>'" + needs + "\n")
        transport.verify()
    }

    func testAPasswordCommandThatPrintsThenStaysIsKilledAtTheTimeout() {
        harness.logIn()
        // It prints the password and then does not exit: waiting for it would hold the credentials lock for ever.
        harness.writeSettings(["default": ["password_command": "sh -c 'echo pw; exec sleep 600'"]])
        transport.register("GET", path, status: 401, json: "{}")
        transport.register("POST", "/auth/refresh/", status: 401, json: "{}")
        let outcome = harness.run(["--timeout", "1", "bookings", "get", booking])
        XCTAssertEqual(outcome.status, 3)
        XCTAssertEqual(outcome.err, "homeserve: password_command sh failed: it did not finish within 1 s (--timeout)\n")
        transport.verify()
    }

    func testWithoutAPasswordSourceAnExpiredSessionIsExit3BeforeTheRequest() {
        let old = harness.token(expiresIn: -60, life: 300)
        harness.storeSession(access: old, refresh: "refresh-1")
        transport.register("POST", "/auth/refresh/", status: 401, json: #"{"detail": "Token is invalid or expired"}"#)
        let outcome = harness.run(["bookings", "list"])
        XCTAssertEqual(outcome.status, 3)
        XCTAssertEqual(outcome.out, "")
        XCTAssertEqual(outcome.err, "homeserve: the session of profile 'default' has ended (the refresh token was refused); run 'homeserve auth login', or set HOMESERVE_PASSWORD (or the profile's password_command) to renew sessions unattended\n")
        XCTAssertEqual(transport.log, ["POST /auth/refresh/"])
        XCTAssertEqual(stored("access"), old)
        XCTAssertEqual(stored("refresh"), "refresh-1")
        XCTAssertEqual(stored("ended"), "the refresh token was refused")
        transport.verify()
    }

    func testASessionWhoseRefreshTokenWasRefusedIsEndedForEveryReaderAndSendsNothing() {
        // A token the server refuses while its expiry says it is valid: the refresh token is refused too.
        let revoked = harness.token(expiresIn: 600, life: 900)
        harness.storeSession(access: revoked, refresh: "refresh-1")
        transport.register("GET", path, status: 401, json: #"{"detail": "Token is blacklisted"}"#)
        transport.register("POST", "/auth/refresh/", status: 401, json: #"{"detail": "Token is blacklisted"}"#)
        XCTAssertEqual(harness.run(["bookings", "get", booking]).status, 3)
        transport.verify()
        let ended = "the session of profile 'default' has ended (the refresh token was refused)"

        // Nothing is sent again, and nothing takes the dead token for a live one.
        let again = harness.run(["bookings", "get", booking])
        XCTAssertEqual(again.status, 3)
        XCTAssertContains(again.err, ended)
        let token = harness.run(["auth", "token"])
        XCTAssertEqual(token.status, 3)
        XCTAssertEqual(token.out, "", "the dead token is not printed")
        XCTAssertContains(token.err, ended)
        let offline = harness.run(["auth", "status", "--offline", "-o", "json"])
        XCTAssertEqual(offline.status, 3)
        XCTAssertEqual(offline.json["logged_in"], false)
        XCTAssertContains(offline.err, ended)
        let online = harness.run(["auth", "status", "-o", "json"])
        XCTAssertEqual(online.status, 3)
        XCTAssertEqual(online.json["verified"], false)
        let profiles = harness.run(["config", "profiles", "-o", "json"])
        XCTAssertEqual(profiles.json.value(at: "0.session"), "ended", profiles.out)
        let doctor = harness.run(["doctor", "-o", "json"])
        XCTAssertContains(doctor.out, "ended (the refresh token was refused)")
        XCTAssertEqual(harness.run(["auth", "refresh"]).status, 3)
        XCTAssertEqual(transport.requests.filter { $0.bearer != nil }.count, 1, "only the first command sent the access token")
        XCTAssertEqual(transport.log.filter { $0 == "POST /auth/refresh/" }.count, 1, "and only it the refresh token")

        // A login replaces the session and its mark.
        let fresh = harness.token(expiresIn: 300, life: 300, tag: "fresh")
        transport.register("POST", "/auth/login/", json: #"{"access": "\#(fresh)", "refresh": "r2", "user": {"username": "customer1"}}"#)
        XCTAssertEqual(harness.run(["auth", "login", "--username", "customer1", "--password-stdin"], stdin: "pw\n").status, 0)
        XCTAssertNil(stored("ended"))
        XCTAssertEqual(harness.run(["auth", "token"]).out, fresh + "\n")
        transport.verify()
    }

    func testACommandThatEndsItsSessionHandsItsTokenOutNoMoreAndNeitherDoesItsDryRun() {
        // An early renewal refused, then the login it tries fails on the server's side: the token that still
        // has 20 s is not sent, the server having ended its session.
        let revoked = harness.token(expiresIn: 20, life: 300)
        harness.storeSession(access: revoked, refresh: "refresh-1")
        harness.environment["HOMESERVE_PASSWORD"] = "pw"
        transport.register("POST", "/auth/refresh/", status: 401, json: #"{"detail": "Token is blacklisted"}"#)
        transport.register("POST", "/auth/login/", status: 503, json: #"{"detail": "down"}"#)
        let outcome = harness.run(["--retries", "0", "bookings", "get", booking])
        XCTAssertEqual(outcome.status, ExitCode.badServerAnswer.rawValue, outcome.err)
        XCTAssertFalse(outcome.err.contains("is sent as it is"), outcome.err)
        XCTAssertEqual(transport.requests.filter { $0.bearer != nil }.count, 0)
        transport.verify()

        // Within the command that ended it (a watch that reconnects), the token, valid by its expiry, is not
        // handed out again.
        harness.environment["HOMESERVE_PASSWORD"] = nil
        let dead = harness.token(expiresIn: 600, life: 900, tag: "watch")
        harness.storeSession(access: dead, refresh: "refresh-2")
        let store = CredentialStore(paths: ConfigPaths(environment: harness.environment), profile: "default", environment: harness.environment,
                                    clock: harness.clock, lockTimeout: 1, warn: { _ in }, note: { _ in })
        final class Refusing: TokenAuthority {
            var refreshes = 0
            var server: String { "https://api.test" }
            func refresh(_ refreshToken: String) throws -> TokenPair? { refreshes += 1; return nil }
            func login(username: String, password: String) throws -> (TokenPair, user: JSON)? { XCTFail("logged in"); return nil }
        }
        let server = Refusing()
        XCTAssertEqual(try store.accessToken(authority: server), dead)
        XCTAssertThrowsError(try store.renew(refused: dead, authority: server), "the server refused the token, then its refresh token")
        XCTAssertThrowsError(try store.accessToken(authority: server)) { error in
            guard case let SessionError.expired(_, _, reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(reason, "the refresh token was refused")
        }
        XCTAssertEqual(server.refreshes, 1)

        // Its dry runs show no request with it either, and fail as the real runs would.
        for args in [["bookings", "list"], ["auth", "refresh"], ["auth", "token"], ["auth", "status"]] {
            let dry = harness.run(["--dry-run"] + args)
            XCTAssertEqual(dry.status, 3, "\(args): \(dry.err)")
            XCTAssertFalse(dry.out.contains("Bearer") || dry.out.contains("/auth/refresh/"), "\(args): \(dry.out)")
            XCTAssertContains(dry.err, "has ended (the refresh token was refused)")
        }
        transport.verify()
    }

    func testAnHTMLRefusalOfTheRefreshIsAProxysAndEndsNothing() {
        harness.storeSession(access: harness.token(expiresIn: -5, life: 300), refresh: "refresh-1")
        transport.register("POST", "/auth/refresh/", status: 401, body: Array("<html><title>Access denied</title></html>".utf8), headers: [("Content-Type", "text/html")])
        let outcome = harness.run(["bookings", "list"])
        XCTAssertEqual(outcome.status, 3, outcome.err)
        XCTAssertContains(outcome.err, "POST /auth/refresh/ failed: HTTP 401", "Access denied (HTML page)")
        XCTAssertNil(stored("ended"), "the refresh token was not what was refused")
        transport.verify()
    }

    func testWithoutARefreshTokenTheReasonSaysSo() {
        harness.storeSession(access: harness.token(expiresIn: -1, life: 300), refresh: nil)
        let outcome = harness.run(["bookings", "list"])
        XCTAssertEqual(outcome.status, 3)
        XCTAssertContains(outcome.err, "has ended (no refresh token is stored)")
        XCTAssertEqual(transport.requests.count, 0)
    }

    func testAUsernameAndPasswordLogInWhenNothingIsStored() {
        harness.environment["HOMESERVE_USERNAME"] = "vendor1"
        harness.environment["HOMESERVE_PASSWORD"] = "password123"
        let access = harness.token(expiresIn: 3600, life: 3600)
        transport.register("POST", "/auth/login/", json: #"{"access": "\#(access)", "refresh": "r", "user": {"username": "vendor1", "role": "vendor"}}"#)
        transport.register("GET", "/api/bookings/", json: "[]")
        let outcome = harness.run(["bookings", "list"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(outcome.out, "[]\n")
        XCTAssertEqual(outcome.err, "homeserve: logged in as vendor1 for profile 'default'\nhomeserve: profile 'default' now uses https://api.test\n")
        XCTAssertEqual(transport.requests[0].json, ["username": "vendor1", "password": "password123"])
        XCTAssertEqual(stored("access"), access)
        // The profile had no url: the server of HOMESERVE_URL, where its session now is, becomes its own, so
        // its commands without the variable go there rather than to the default URL.
        XCTAssertEqual(harness.settings["profiles"]?["default"]?["url"], "https://api.test")
        harness.environment["HOMESERVE_URL"] = nil
        transport.register("GET", "/api/bookings/", json: "[]") { request in
            XCTAssertEqual(request.bearer, access)
        }
        let later = harness.run(["bookings", "list"])
        XCTAssertEqual(later.status, 0, later.err)
        XCTAssertEqual(later.err, "")
        transport.verify()
    }

    func testAnUnattendedLoginDoesNotReplaceAUrlSetMeanwhile() throws {
        // Set while the login was under way: the settings file is read afresh before the url is adopted.
        harness.environment["HOMESERVE_USERNAME"] = "vendor1"
        harness.environment["HOMESERVE_PASSWORD"] = "password123"
        let access = harness.token(expiresIn: 3600, life: 3600)
        transport.register("POST", "/auth/login/", json: #"{"access": "\#(access)", "refresh": "r", "user": {"username": "vendor1"}}"#) { [harness] _ in
            harness!.writeSettings(["default": ["url": "https://prod.test"]])
        }
        transport.register("GET", "/api/bookings/", json: "[]")
        let outcome = harness.run(["bookings", "list"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(outcome.err, "homeserve: logged in as vendor1 for profile 'default'\n")
        XCTAssertEqual(harness.settings["profiles"]?["default"]?["url"], "https://prod.test")
        transport.verify()
    }

    func testAnUnattendedLoginAtACommandsOwnServerLeavesTheProfilesUrl() {
        harness.writeSettings(["default": ["url": "https://api.test"]])
        harness.environment["HOMESERVE_URL"] = "https://other.test"
        harness.environment["HOMESERVE_USERNAME"] = "vendor1"
        harness.environment["HOMESERVE_PASSWORD"] = "password123"
        let access = harness.token(expiresIn: 3600, life: 3600)
        transport.register("POST", "/auth/login/", json: #"{"access": "\#(access)", "refresh": "r", "user": {"username": "vendor1"}}"#)
        transport.register("GET", "/api/bookings/", json: "[]")
        let outcome = harness.run(["bookings", "list"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(outcome.err, "homeserve: logged in as vendor1 for profile 'default'\n")
        XCTAssertEqual(harness.settings["profiles"]?["default"]?["url"], "https://api.test", "a profile's own url is never replaced unasked")
        transport.verify()
    }

    // MARK: Tokens from the environment

    func testHOMESERVE_REFRESH_TOKENRefreshesInMemoryAndWritesNothing() {
        harness.environment["HOMESERVE_REFRESH_TOKEN"] = "ci-secret"
        let first = harness.token(expiresIn: 300, life: 300, tag: "1")
        let second = harness.token(expiresIn: 300, life: 300, tag: "2")
        transport.register("POST", "/auth/refresh/", json: harness.tokenReply(access: first, refresh: "rotated-1"))
        transport.register("GET", "/api/bookings/", json: drfPage(0..<2, total: 4, page: 1, size: 2))
        transport.register("GET", "/api/bookings/?page=2", status: 401, json: #"{"detail": "token expired"}"#)
        transport.register("POST", "/auth/refresh/", json: harness.tokenReply(access: second, refresh: "rotated-2"))
        transport.register("GET", "/api/bookings/?page=2", json: drfPage(2..<4, total: 4, page: 2, size: 2))
        let outcome = harness.run(["bookings", "list", "--all", "--parallel", "1"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(outcome.json.arrayValue?.count, 4)
        XCTAssertEqual(transport.requests.compactMap { $0.json?["refresh"]?.stringValue }, ["ci-secret", "rotated-1"])
        XCTAssertEqual(transport.requests.map(\.bearer), [nil, first, first, nil, second])
        XCTAssertEqual(entries(harness.configDir), [], "nothing is written to the config directory")
        transport.verify()
    }

    func testARefusedHOMESERVE_REFRESH_TOKENSaysToRenewTheSecret() {
        harness.environment["HOMESERVE_REFRESH_TOKEN"] = "ci-secret"
        harness.environment["HOMESERVE_PASSWORD"] = "password123"
        transport.register("POST", "/auth/refresh/", status: 401, json: #"{"detail": "Token is blacklisted"}"#)
        let outcome = harness.run(["bookings", "list"])
        XCTAssertEqual(outcome.status, 3)
        XCTAssertEqual(outcome.err, "homeserve: the session of HOMESERVE_REFRESH_TOKEN has ended (the refresh token was refused); renew HOMESERVE_REFRESH_TOKEN, or unset it and log in\n")
        XCTAssertEqual(entries(harness.configDir), [])
        transport.verify()
    }

    func testAHOMESERVE_TOKENWithALineBreakIsRefusedBeforeAnythingIsSent() {
        for token in ["abc.def.ghi\r\nX-Admin: 1", "abc.def.ghi\n", "abc def"] {
            harness.environment["HOMESERVE_TOKEN"] = token
            let outcome = harness.run(["bookings", "get", booking])
            XCTAssertEqual(outcome.status, 3, token)
            XCTAssertEqual(outcome.err, "homeserve: the token from HOMESERVE_TOKEN contains characters that cannot go in a header (spaces, line breaks, control characters); nothing was sent\n")
        }
        XCTAssertEqual(transport.requests.count, 0)
    }

    func testHOMESERVE_TOKENIsUsedAsIsEvenWhenExpired() {
        harness.logIn()
        let expired = harness.token(expiresIn: -100, life: 300, tag: "env")
        harness.environment["HOMESERVE_TOKEN"] = expired
        transport.register("GET", path, json: #"{"id": 1}"#)
        XCTAssertEqual(harness.run(["bookings", "get", booking]).status, 0)
        XCTAssertEqual(transport.requests.map(\.bearer), [expired])
        transport.verify()
        // auth token hands the token to another tool, which would only have it refused.
        let printed = harness.run(["auth", "token"])
        XCTAssertEqual(printed.status, 3)
        XCTAssertEqual(printed.out, "")
        XCTAssertContains(printed.err, "homeserve: HOMESERVE_TOKEN expired at ", "by this machine's clock, and it is never renewed")
        let offline = harness.run(["auth", "status", "--offline"])
        XCTAssertEqual(offline.status, 3)
        XCTAssertEqual(offline.err, "homeserve: HOMESERVE_TOKEN has expired; unset HOMESERVE_TOKEN or renew it\n",
                       "the variable's token, not the profile's session, which is well")
        harness.environment["HOMESERVE_TOKEN"] = harness.token(expiresIn: 100, life: 300, tag: "env")
        XCTAssertEqual(harness.run(["auth", "token"]).out, harness.environment["HOMESERVE_TOKEN"]! + "\n")
        XCTAssertEqual(transport.requests.count, 1, "auth token sends nothing")
        harness.environment["HOMESERVE_TOKEN"] = harness.token(expiresIn: 100, life: 300, userID: 42, tag: "env")
        let status = harness.run(["auth", "status", "--offline", "-o", "json"])
        XCTAssertEqual(status.json["user_id"], 42, "the token's own user_id claim names its user")
        XCTAssertEqual(status.json["role"], .null, "which no endpoint describes further")
        // A line break no header can carry (pasted with `$(…)` and a newline): as every command, exit 3.
        harness.environment["HOMESERVE_TOKEN"] = harness.token(expiresIn: 100, life: 300, tag: "env") + "\n"
        let unsendable = harness.run(["auth", "status", "--offline", "-o", "json"])
        XCTAssertEqual(unsendable.status, 3)
        XCTAssertEqual(unsendable.json["logged_in"], false)
        XCTAssertEqual(unsendable.err, "homeserve: the token from HOMESERVE_TOKEN contains characters that cannot go in a header (spaces, line breaks, control characters); nothing was sent\n")
    }

    func testAuthRefreshWithHOMESERVE_TOKENSaysItCannotBeRefreshed() {
        harness.environment["HOMESERVE_TOKEN"] = harness.token(expiresIn: 300, life: 300, tag: "env")
        let outcome = harness.run(["auth", "refresh"])
        XCTAssertEqual(outcome.status, 2)
        XCTAssertEqual(outcome.err, "homeserve: HOMESERVE_TOKEN is an access token on its own and cannot be refreshed; unset it to refresh the stored session\n")
        XCTAssertEqual(transport.requests.count, 0)
    }

    func testALoginWhileATokenVariableIsSetSaysTheVariableStillWins() {
        harness.environment["HOMESERVE_TOKEN"] = harness.token(expiresIn: 300, tag: "env")
        let access = harness.token(expiresIn: 300, life: 300, tag: "login")
        transport.register("POST", "/auth/login/", json: #"{"access": "\#(access)", "refresh": "r", "user": {"username": "customer1"}}"#)
        let login = harness.run(["auth", "login", "--username", "customer1", "--password-stdin"], stdin: "pw\n")
        XCTAssertEqual(login.status, 0, login.err)
        XCTAssertContains(login.err, "homeserve: warning: HOMESERVE_TOKEN is set and is used before this stored session; unset it to use the login")
        XCTAssertEqual(stored("access"), access)
        transport.verify()
    }

    func testAuthRefreshRefreshesAndLogsInAgainAsAnyCommandWouldWhenTheRefreshTokenIsRefused() {
        harness.logIn()
        let renewed = harness.token(expiresIn: 300, life: 300, tag: "renewed")
        transport.register("POST", "/auth/refresh/", json: harness.tokenReply(access: renewed))
        let refreshed = harness.run(["auth", "refresh", "-o", "json"])
        XCTAssertEqual(refreshed.status, 0, refreshed.err)
        XCTAssertEqual(stored("access"), renewed)
        XCTAssertEqual(stored("refresh"), "refresh-2")

        // The refresh token refused: without a password source the session has ended; with one, a login,
        // without sending the refused token again.
        transport.register("POST", "/auth/refresh/", status: 401, json: #"{"detail": "Token is invalid or expired"}"#)
        let ended = harness.run(["auth", "refresh"])
        XCTAssertEqual(ended.status, 3)
        XCTAssertContains(ended.err, "the session of profile 'default' has ended (the refresh token was refused)")
        let login = harness.token(expiresIn: 300, life: 300, tag: "login")
        transport.register("POST", "/auth/login/", json: #"{"access": "\#(login)", "refresh": "r9", "user": {"username": "customer1"}}"#) { request in
            XCTAssertEqual(request.json?["password"], "pw")
        }
        harness.environment["HOMESERVE_PASSWORD"] = "pw\n"  // set from a file with its newline
        let again = harness.run(["auth", "refresh"])
        XCTAssertEqual(again.status, 0, again.err)
        XCTAssertContains(again.err, "session for profile 'default' renewed by logging in again as customer1")
        XCTAssertEqual(stored("access"), login)
        transport.verify()
    }

    // MARK: Token answers that cannot be used

    func testARefreshAnswerWithoutAUsableTokenLeavesTheFileUntouched() {
        for reply in [#"{"detail": "ok"}"#, #"{"access": ""}"#, #"{"access": "a.b.c\r\nX-Evil: 1"}"#, #"{"access": "a.b.c", "refresh": "r s"}"#, "<html>ok</html>",
                      #"{"access": 12345}"#, #"{"access": "a.b.c", "refresh": true}"#] {
            harness.storeSession(access: harness.token(expiresIn: 5, life: 300), refresh: "refresh-1")
            let before = bytes(harness.credentialsPath)
            transport.register("POST", "/auth/refresh/", json: reply)
            let outcome = harness.run(["bookings", "get", booking])
            XCTAssertEqual(outcome.status, 8, "the server's answer is at fault, not the session: \(reply)")
            XCTAssertEqual(outcome.err, "homeserve: POST /auth/refresh/ succeeded but sent no well-formed token; the stored session was left as it was; the server may have spent its refresh token, so the session may have been lost: if the next command says it ended, run 'homeserve auth login'\n")
            XCTAssertEqual(bytes(harness.credentialsPath), before, reply)
        }
        XCTAssertEqual(Set(transport.log), ["POST /auth/refresh/"])
        // From HOMESERVE_REFRESH_TOKEN, that is the token to renew.
        harness.environment["HOMESERVE_REFRESH_TOKEN"] = "refresh-env-1234"
        transport.register("POST", "/auth/refresh/", json: #"{"access": ""}"#)
        XCTAssertEqual(harness.run(["bookings", "get", booking]).err,
                       "homeserve: POST /auth/refresh/ succeeded but sent no well-formed token; the server may have spent HOMESERVE_REFRESH_TOKEN: if the next command says it was refused, renew it\n")
        harness.environment["HOMESERVE_REFRESH_TOKEN"] = nil
        transport.verify()
    }

    func testALoginAnswerWithoutAUsableTokenLeavesTheFileUntouched() {
        harness.logIn()
        let before = bytes(harness.credentialsPath)
        transport.register("POST", "/auth/login/", json: #"{"message": "Welcome", "user": {"username": "customer2"}}"#)
        let outcome = harness.run(["auth", "login", "--username", "customer2", "--password-stdin"], stdin: "pw\n")
        XCTAssertEqual(outcome.status, 8)
        XCTAssertEqual(outcome.err, "homeserve: POST /auth/login/ succeeded but sent no well-formed token; the stored session was left as it was\n")
        XCTAssertEqual(bytes(harness.credentialsPath), before)
        transport.verify()
    }

    func testAnUnattendedLoginWithoutAUsableTokenKeepsTheStoredTokens() {
        let old = harness.token(expiresIn: -5, life: 300)
        harness.storeSession(access: old, refresh: "refresh-1")
        harness.environment["HOMESERVE_PASSWORD"] = "pw"
        transport.register("POST", "/auth/refresh/", status: 401, json: "{}")
        transport.register("POST", "/auth/login/", json: #"{"access": null}"#)
        XCTAssertEqual(harness.run(["bookings", "list"]).status, 8, "the server's answer is at fault")
        XCTAssertEqual(stored("access"), old)
        XCTAssertEqual(stored("refresh"), "refresh-1")
        XCTAssertEqual(stored("ended"), "the refresh token was refused", "the refusal is noted; nothing else changes")
        transport.verify()
    }

    // MARK: auth login, status, logout

    func testLoginStoresThePairAndSaysWho() {
        let access = harness.token(expiresIn: 300, life: 300)
        transport.register("POST", "/auth/login/", json: #"{"access": "\#(access)", "refresh": "r1", "user": {"id": 7, "username": "vendor1", "role": "vendor"}}"#)
        let outcome = harness.run(["auth", "login", "--username", "vendor1", "--password-stdin"], stdin: "password123\nnot read\n")
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(outcome.out, "")
        XCTAssertEqual(outcome.err, "homeserve: Logged in as vendor1 (vendor) on profile 'default'.\nhomeserve: Profile 'default' now uses https://api.test.\n")
        XCTAssertEqual(harness.settings["profiles"]?["default"]?["url"], "https://api.test", "the URL of HOMESERVE_URL goes with the session")
        XCTAssertEqual(stored("url"), "https://api.test")
        XCTAssertEqual(transport.requests[0].json, ["username": "vendor1", "password": "password123"])
        XCTAssertNil(transport.requests[0].bearer)
        XCTAssertEqual(stored("access"), access)
        XCTAssertEqual(harness.credentials["profiles"]?["default"]?["user"]?["role"], "vendor")
        XCTAssertEqual(FileFacts.mode(harness.credentialsPath), 0o600)
        transport.verify()
    }

    func testAWrongPasswordIsExit3AndStoresNothing() {
        transport.register("POST", "/auth/login/", status: 401, json: #"{"detail": "No active account found with the given credentials"}"#)
        let outcome = harness.run(["auth", "login", "--username", "vendor1", "--password-stdin"], stdin: "nope\n")
        XCTAssertEqual(outcome.status, 3)
        XCTAssertEqual(outcome.err, "homeserve: logging in as vendor1 failed: HTTP 401: No active account found with the given credentials\n")
        XCTAssertFalse(FileFacts.exists(harness.credentialsPath))
        transport.verify()
    }

    func testAOneTimeCodeLoginCreatesTheProfileItNamesAndItsHintNamesIt() {
        transport.register("POST", "/auth/send-otp/", json: #"{"otp_sent": true}"#)
        let sent = harness.run(["--profile", "fresh", "auth", "otp", "send", "--email", "customer2@example.com"])
        XCTAssertEqual(sent.status, 0, sent.err)
        XCTAssertEqual(sent.err, "homeserve: Code sent to customer2@example.com; run 'homeserve --profile fresh auth otp verify --email customer2@example.com' to log in with it.\n")
        transport.register("POST", "/auth/send-otp/", json: #"{"otp_sent": true}"#)
        XCTAssertContains(harness.run(["--profile", "fresh", "--url", "https://api.test", "auth", "otp", "send", "--email", "customer2@example.com"]).err,
                          "run 'homeserve --profile fresh --url https://api.test auth otp verify --email customer2@example.com'")
        transport.register("POST", "/auth/send-otp/", json: #"{"otp_sent": true}"#)
        XCTAssertContains(harness.run(["auth", "otp", "send", "--email", "o'brien&x@example.com"]).err,
                          #"run 'homeserve auth otp verify --email 'o'\''brien&x@example.com'' to log in"#)
        transport.register("POST", "/auth/verify-otp/", json: #"{"access": "\#(harness.token(expiresIn: 300, life: 300))", "refresh": "r1", "user": {"username": "customer2", "role": "customer"}}"#)
        let verified = harness.run(["--profile", "fresh", "auth", "otp", "verify", "--email", "customer2@example.com", "--otp-stdin"], stdin: "123456\n")
        XCTAssertEqual(verified.status, 0, verified.err)
        XCTAssertContains(verified.err, "Logged in as customer2 (customer) on profile 'fresh'.")
        XCTAssertEqual(harness.run(["--profile", "fresh", "auth", "status", "--offline"]).status, 0, "the profile exists now")
        transport.verify()
    }

    func testTheOneTimeCodeComesFromStdinTheEnvironmentOrAPromptNeverArgv() {
        let verify = ["auth", "otp", "verify", "--email", "customer1@example.com"]
        func answer(_ tag: String) -> String {
            #"{"access": "\#(harness.token(expiresIn: 300, life: 300, tag: tag))", "refresh": "r-\#(tag)", "user": {"username": "customer1", "role": "customer"}}"#
        }
        transport.register("POST", "/auth/verify-otp/", json: answer("stdin"))
        let piped = harness.run(verify + ["--otp-stdin"], stdin: "123456\nnot read\n")
        XCTAssertEqual(piped.status, 0, piped.err)
        XCTAssertEqual(piped.err, "homeserve: Logged in as customer1 (customer) on profile 'default'.\nhomeserve: Profile 'default' now uses https://api.test.\n")
        XCTAssertEqual(transport.requests.last?.json, ["email": "customer1@example.com", "otp": "123456"])
        XCTAssertEqual(stored("refresh"), "r-stdin")

        harness.environment["HOMESERVE_OTP"] = "2345"
        transport.register("POST", "/auth/vendor/verify-otp/", json: answer("env"))
        XCTAssertEqual(harness.run(["auth", "otp", "verify", "--phone", "+919876543201", "--vendor"]).status, 0)
        XCTAssertEqual(transport.requests.last?.json, ["phone": "+919876543201", "otp": "2345"])
        harness.environment["HOMESERVE_OTP"] = nil

        harness.stdinTTY = true
        transport.register("POST", "/auth/verify-otp/", json: answer("prompt"))
        XCTAssertEqual(harness.run(verify, secret: " 87654321 ").status, 0)
        XCTAssertEqual(transport.requests.last?.json?["otp"], "87654321")
        // --otp-stdin on a terminal reads the line typed with echo off, as the prompt does.
        transport.register("POST", "/auth/verify-otp/", json: answer("typed"))
        let typed = harness.run(verify + ["--otp-stdin"], stdin: "echoed\n", secret: "13579")
        XCTAssertEqual(typed.status, 0, typed.err)
        XCTAssertEqual(transport.requests.last?.json?["otp"], "13579")
        XCTAssertEqual(harness.run(verify + ["--otp-stdin"], secret: "").err, "homeserve: --otp-stdin: the line typed is empty; expected the code\n")
        harness.stdinTTY = false
        transport.verify()

        let sent = transport.requests.count
        let none = harness.run(verify)
        XCTAssertEqual(none.status, 2)
        XCTAssertEqual(none.err, "homeserve: no code: stdin is not a terminal; use --otp-stdin or set HOMESERVE_OTP\n")
        let empty = harness.run(verify + ["--otp-stdin"])
        XCTAssertEqual(empty.err, "homeserve: --otp-stdin: stdin was empty; expected the code on its first line\n")
        XCTAssertEqual(harness.run(verify + ["--otp-stdin"], stdin: "\n123456\n").err,
                       "homeserve: --otp-stdin: the first line of stdin is empty; expected the code on its first line\n")
        let long = harness.run(verify + ["--otp-stdin"], stdin: String(repeating: "1", count: 5000) + "\n")
        XCTAssertEqual(long.status, 2)
        XCTAssertEqual(long.err, "homeserve: --otp-stdin: the line on stdin is longer than 4096 bytes\n", "the flag named, the line not shown")
        let wrong = harness.run(verify + ["--otp-stdin"], stdin: "12ab56\n")
        XCTAssertEqual(wrong.status, 2)
        XCTAssertEqual(wrong.err, "homeserve: invalid code from --otp-stdin: expected the 4 to 8 digits that were sent\n")
        harness.environment["HOMESERVE_OTP"] = "123"
        XCTAssertEqual(harness.run(verify).err, "homeserve: invalid code from HOMESERVE_OTP: expected the 4 to 8 digits that were sent\n")
        harness.environment["HOMESERVE_OTP"] = nil
        let argv = harness.run(verify + ["--otp", "123456"])
        XCTAssertEqual(argv.status, 2)
        XCTAssertContains(argv.err, "unknown flag --otp for 'auth otp verify'; did you mean --otp-stdin?")
        XCTAssertEqual(transport.requests.count, sent, "nothing is sent without a well-formed code")

        let dry = harness.run(["--dry-run"] + verify + ["--otp-stdin"], stdin: "123456\n")
        XCTAssertEqual(dry.status, 0, dry.err)
        XCTAssertContains(dry.out, #""body":{"email":"customer1@example.com","otp":"***"}"#)
    }

    func testAuthStatusAsksTheServer() {
        let access = harness.logIn()
        transport.register("GET", "/api/bookings/?page_size=1", json: drfPage(0..<1, total: 9, page: 1, size: 1))
        let outcome = harness.run(["auth", "status"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        let status = outcome.json
        XCTAssertEqual(status["logged_in"], true)
        XCTAssertEqual(status["verified"], true)
        XCTAssertEqual(status["username"], "customer1")
        XCTAssertEqual(status["source"], "credentials file")
        XCTAssertEqual(status["url"], "https://api.test")
        XCTAssertEqual(status["access_expires_in"], 3600)
        XCTAssertEqual(status["access_expires_at"], "2026-11-30T13:00:00Z")
        XCTAssertEqual(transport.requests[0].bearer, access)
        transport.verify()
    }

    /// This machine's clock two hours fast: every token the server issues looks expired here, but the
    /// server renews and accepts the session, so it is logged in.
    func testAuthStatusOfASessionTheServerAcceptsIsLoggedInWhateverTheClockSays() {
        harness.storeSession(access: harness.token(expiresIn: -7000), refresh: harness.token(expiresIn: -3600, life: 86400, tag: "r"),
                             user: ["id": 1, "username": "customer1", "role": "customer", "is_verified": false])
        let renewed = harness.token(expiresIn: -6900, tag: "n")
        transport.register("POST", "/auth/refresh/", json: #"{"access": "\#(renewed)", "refresh": "\#(harness.token(expiresIn: -3500, life: 86400, tag: "r2"))"}"#)
        transport.register("GET", "/api/bookings/?page_size=1", json: drfPage(0..<1, total: 9, page: 1, size: 1))
        let outcome = harness.run(["auth", "status", "-o", "json"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(outcome.json["verified"], true)
        XCTAssertEqual(outcome.json["logged_in"], true)
        XCTAssertEqual(outcome.json["is_verified"], false, "the account's own flag, beside the server's acceptance")
        transport.verify()
    }

    func testAuthStatusOfADeadSessionPrintsItAndExits3() {
        harness.logIn()
        transport.register("GET", "/api/bookings/?page_size=1", status: 401, json: #"{"detail": "revoked"}"#)
        transport.register("POST", "/auth/refresh/", status: 401, json: "{}")
        let outcome = harness.run(["auth", "status"])
        XCTAssertEqual(outcome.status, 3)
        XCTAssertEqual(outcome.json["logged_in"], false)
        XCTAssertEqual(outcome.json["verified"], false)
        XCTAssertEqual(outcome.json["username"], "customer1")
        XCTAssertEqual(outcome.err, "homeserve: the session of profile 'default' has ended (the refresh token was refused); run 'homeserve auth login', or set HOMESERVE_PASSWORD (or the profile's password_command) to renew sessions unattended\n")
        transport.verify()
    }

    func testAuthStatusOfAnUnreachableServerIsTheNetworkFailure() {
        harness.logIn()
        transport.fail("GET", "/api/bookings/", .connect)
        let outcome = harness.run(["--retries", "0", "auth", "status", "-o", "json"])
        XCTAssertEqual(outcome.status, 9)
        XCTAssertEqual(outcome.json["verified"], .null, "the stored session is shown, not known to be good or bad")
        XCTAssertEqual(outcome.json["username"], "customer1")
        transport.verify()
    }

    func testAuthStatusOfflineAsksNobody() {
        harness.logIn()
        let outcome = harness.run(["auth", "status", "--offline", "-o", "json", "--jq", "[.logged_in, .verified, .source]"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(outcome.out, "[true,null,\"credentials file\"]\n")

        let nobody = Harness()
        let empty = nobody.run(["auth", "status", "--offline"])
        XCTAssertEqual(empty.status, 3)
        XCTAssertEqual(empty.json["logged_in"], false)
        XCTAssertEqual(empty.err, "homeserve: not logged in (profile 'default'); run 'homeserve auth login'\n")
        XCTAssertEqual(transport.requests.count + nobody.transport.requests.count, 0)
    }

    func testAuthStatusWithNothingStoredAsksNobody() {
        let outcome = harness.run(["auth", "status", "-o", "json"])
        XCTAssertEqual(outcome.status, ExitCode.notAuthenticated.rawValue)
        XCTAssertEqual(outcome.json["logged_in"], false)
        XCTAssertEqual(outcome.err, "homeserve: not logged in (profile 'default'); run 'homeserve auth login'\n")
        XCTAssertEqual(transport.requests.count, 0)
    }

    func testAuthStatusOfflineSaysWhenTheStoredTokensHaveExpired() {
        harness.storeSession(access: harness.token(expiresIn: -60, life: 300), refresh: harness.token(expiresIn: 600, life: 3600))
        XCTAssertEqual(harness.run(["auth", "status", "--offline", "-o", "json", "--jq", ".logged_in"]).out, "true\n", "the refresh token renews it")
        harness.storeSession(access: harness.token(expiresIn: -60, life: 300), refresh: harness.token(expiresIn: -1, life: 3600))
        let dead = harness.run(["auth", "status", "--offline", "-o", "json"])
        XCTAssertEqual(dead.status, ExitCode.notAuthenticated.rawValue)
        XCTAssertEqual(dead.json["logged_in"], false)
        XCTAssertEqual(dead.json["refresh_expires_in"], -1)
        XCTAssertTrue(dead.err.hasPrefix("homeserve: the session of profile 'default' has ended (the access and refresh tokens have expired); run 'homeserve auth login'"), dead.err)
        XCTAssertEqual(transport.requests.count, 0)
    }

    func testASessionIsSentOnlyToTheServerItWasMadeWith() {
        let access = harness.token(expiresIn: 300, life: 300)
        transport.register("POST", "/auth/login/", json: #"{"access": "\#(access)", "refresh": "r1", "user": {"username": "ops_mgr", "role": "ops_manager"}}"#)
        XCTAssertEqual(harness.run(["auth", "login", "--username", "ops_mgr", "--password-stdin", "-q"], stdin: "pw\n").status, 0)
        transport.verify()

        for line in [["--url", "https://other.test", "bookings", "list"], ["--url", "https://other.test", "auth", "refresh"]] {
            let elsewhere = harness.run(line)
            XCTAssertEqual(elsewhere.status, ExitCode.notAuthenticated.rawValue, elsewhere.err)
            XCTAssertEqual(elsewhere.err, "homeserve: profile 'default' is logged in to https://api.test, not https://other.test, so its session was not sent; use https://api.test (--url https://api.test), or log in to https://other.test on a profile of its own ('homeserve --profile NAME --url https://other.test auth login'; a login on profile 'default' would end its session at https://api.test)\n")
            XCTAssertEqual(transport.requests.count, 1, "\(line): nothing was sent")
        }
        harness.environment["HOMESERVE_URL"] = "https://other.test"
        XCTAssertEqual(harness.run(["bookings", "list"]).status, ExitCode.notAuthenticated.rawValue, "HOMESERVE_URL is held to it too")
        XCTAssertEqual(transport.requests.count, 1)
        let offline = harness.run(["auth", "status", "--offline", "-o", "json"])
        XCTAssertEqual(offline.status, ExitCode.notAuthenticated.rawValue)
        XCTAssertEqual(offline.json["logged_in"], false, "a session this URL cannot use")
        XCTAssertEqual(offline.json["session_url"], "https://api.test")
        XCTAssertEqual(offline.json["url"], "https://other.test")
        let doctor = harness.run(["doctor", "-o", "json"])
        XCTAssertEqual(doctor.json["checks"]?.arrayValue?.first { $0["name"] == "access token" }?["detail"],
                       "the session of profile 'default' was made with https://api.test, not https://other.test, so it is not sent there")

        harness.environment["HOMESERVE_URL"] = nil
        transport.register("GET", "/api/bookings/", json: "[]")
        let home = harness.run(["bookings", "list"])
        XCTAssertEqual(home.status, 0, "the profile's URL is the one it logged in with: \(home.err)")
        XCTAssertEqual(transport.requests.last?.url, "https://api.test/api/bookings/")
        XCTAssertEqual(transport.requests.last?.bearer, access)
        transport.verify()
    }

    func testTheSameServerSpelledAnotherWayIsTheSameServer() {
        let access = harness.token(expiresIn: 300, life: 300)
        transport.register("POST", "/auth/login/", json: #"{"access": "\#(access)", "refresh": "r1", "user": {"username": "ops_mgr", "role": "ops_manager"}}"#)
        XCTAssertEqual(harness.run(["auth", "login", "--username", "ops_mgr", "--password-stdin", "-q"], stdin: "pw\n").status, 0)
        transport.register("GET", "/api/bookings/", json: "[]")
        let spelled = harness.run(["--url", "https://API.test:443/", "bookings", "list"])
        XCTAssertEqual(spelled.status, 0, spelled.err)
        XCTAssertEqual(transport.requests.last?.bearer, access)
        transport.verify()
    }

    func testAJobWithAPasswordLogsInAtTheServerItIsPointedAtAndSendsNoneOfTheOthersTokens() {
        let old = harness.token(expiresIn: 300, life: 300, tag: "old")
        transport.register("POST", "/auth/login/", json: #"{"access": "\#(old)", "refresh": "r-old", "user": {"username": "ops_mgr", "role": "ops_manager"}}"#)
        XCTAssertEqual(harness.run(["auth", "login", "--username", "ops_mgr", "--password-stdin", "-q"], stdin: "pw\n").status, 0)

        let new = harness.token(expiresIn: 300, life: 300, tag: "new")
        transport.register("POST", "/auth/login/", json: #"{"access": "\#(new)", "refresh": "r-new", "user": {"username": "ops_mgr", "role": "ops_manager"}}"#)
        transport.register("GET", "/api/bookings/", json: "[]")
        harness.environment["HOMESERVE_PASSWORD"] = "pw"
        let job = harness.run(["--url", "https://other.test", "bookings", "list"])
        XCTAssertEqual(job.status, 0, job.err)
        XCTAssertEqual(job.err, "homeserve: logged in as ops_mgr to https://other.test for this command only; profile 'default' keeps its session with https://api.test\n")
        let sent = transport.requests.dropFirst()
        XCTAssertEqual(sent.map { $0.url }, ["https://other.test/auth/login/", "https://other.test/api/bookings/"])
        XCTAssertEqual(sent.first?.json, ["username": "ops_mgr", "password": "pw"], "a password, never the other server's tokens")
        XCTAssertEqual(sent.last?.bearer, new)
        XCTAssertEqual(stored("url"), "https://api.test", "a one-off --url leaves the profile's session as it was")
        XCTAssertEqual(stored("access"), old)
        transport.register("GET", "/api/bookings/", json: "[]")
        XCTAssertEqual(harness.run(["bookings", "list"]).status, 0, "the profile's own server still takes its session")
        XCTAssertEqual(transport.requests.last?.bearer, old)
        // auth status there says whose session it shows: this command's login, not the stored one.
        transport.register("POST", "/auth/login/", json: #"{"access": "\#(new)", "refresh": "r-new", "user": {"username": "ops_mgr", "role": "ops_manager"}}"#)
        transport.register("GET", "/api/bookings/?page_size=1", json: "[]")
        let status = harness.run(["--url", "https://other.test", "auth", "status", "-o", "json"])
        XCTAssertEqual(status.status, 0, status.err)
        XCTAssertEqual(status.json["source"], "login for this command")
        XCTAssertEqual(status.json["session_url"], "https://other.test")
        XCTAssertEqual(stored("access"), old)

        // The profile pointed at the other server: its session there replaces the old one.
        harness.environment["HOMESERVE_URL"] = nil
        XCTAssertEqual(harness.run(["config", "set", "url", "https://other.test"]).status, 0)
        let newer = harness.token(expiresIn: 300, life: 300, tag: "newer")
        transport.register("POST", "/auth/login/", json: #"{"access": "\#(newer)", "refresh": "r-newer", "user": {"username": "ops_mgr", "role": "ops_manager"}}"#)
        transport.register("GET", "/api/bookings/", json: "[]")
        let moved = harness.run(["bookings", "list"])
        XCTAssertEqual(moved.err, "homeserve: logged in as ops_mgr to https://other.test for profile 'default', in place of its session with https://api.test\n")
        XCTAssertEqual(stored("url"), "https://other.test")
        XCTAssertEqual(stored("access"), newer)

        // HOMESERVE_URL naming another server than the profile's url is the command's alone too: the profile
        // would be left with its url on one server and its session on another.
        // The next login's answer and the list it serves; the login's access token.
        func loginThenList(_ tag: String) -> String {
            let access = harness.token(expiresIn: 300, life: 300, tag: tag)
            transport.register("POST", "/auth/login/", json: #"{"access": "\#(access)", "refresh": "r-\#(tag)", "user": {"username": "ops_mgr", "role": "ops_manager"}}"#)
            transport.register("GET", "/api/bookings/", json: "[]")
            return access
        }
        harness.environment["HOMESERVE_URL"] = "https://third.test"
        _ = loginThenList("third")
        XCTAssertEqual(harness.run(["bookings", "list"]).err,
                       "homeserve: logged in as ops_mgr to https://third.test for this command only; profile 'default' keeps its session with https://other.test\n")
        XCTAssertEqual(stored("access"), newer)

        // Naming the profile's own url (again, or after its session moved) is no one-off: the login is stored.
        harness.writeSettings(["default": ["url": "https://third.test"]])
        let fourth = loginThenList("fourth")
        XCTAssertEqual(harness.run(["bookings", "list"]).err,
                       "homeserve: logged in as ops_mgr to https://third.test for profile 'default', in place of its session with https://other.test\n")
        XCTAssertEqual(stored("access"), fourth)
        transport.verify()
    }

    func testAnUnknownProfileIsAUsageErrorListingTheKnownOnes() {
        harness.logIn(profile: "staging")
        harness.writeSettings(["prod": ["url": "https://prod.example"]])
        let outcome = harness.run(["--profile", "stagign", "bookings", "list"])
        XCTAssertEqual(outcome.status, 2)
        XCTAssertEqual(outcome.err, "homeserve: unknown profile 'stagign'; known profiles: default, prod, staging ('homeserve --profile stagign auth login' creates it)\n")
        harness.environment["HOMESERVE_PROFILE"] = "nope"
        XCTAssertEqual(harness.run(["bookings", "list"]).status, 2)
        XCTAssertEqual(transport.requests.count, 0)
        // A name from the environment is held to the same rule as --profile's: it goes into a lock file's name.
        for name in ["x/../../escaped", "..", "a b", "-v", ".hidden"] {
            harness.environment["HOMESERVE_PROFILE"] = name
            let refused = harness.run(["auth", "login", "--username", "u", "--password-stdin"], stdin: "pw\n")
            XCTAssertEqual(refused.status, 2)
            XCTAssertEqual(refused.err, "homeserve: invalid value '\(name)' for HOMESERVE_PROFILE: expected a profile name of letters, digits, '-', '_' and '.', starting with a letter or digit\n")
        }
        XCTAssertEqual(transport.requests.count, 0)
        // The username an unattended login would send is held to --username's rule.
        harness.environment["HOMESERVE_PROFILE"] = nil
        harness.environment["HOMESERVE_USERNAME"] = "cus\u{1B}tomer1"
        harness.environment["HOMESERVE_PASSWORD"] = "pw"
        let username = harness.run(["bookings", "list"])
        XCTAssertEqual(username.status, 2, username.err)
        XCTAssertEqual(username.err, "homeserve: invalid value 'cus\\x1btomer1' for HOMESERVE_USERNAME: expected non-empty text without control characters\n")
        harness.environment["HOMESERVE_USERNAME"] = nil
        harness.environment["HOMESERVE_PASSWORD"] = nil
        XCTAssertEqual(transport.requests.count, 0)
        XCTAssertEqual(harness.run(["completion", "bash"]).status, 0, "a command that uses no profile does not check its name")
        harness.environment["HOMESERVE_PROFILE"] = "nope"

        let access = harness.token(expiresIn: 300, life: 300)
        transport.register("POST", "/auth/login/", json: #"{"access": "\#(access)", "refresh": "r", "user": {"username": "ops_mgr", "role": "ops_manager"}}"#)
        let login = harness.run(["auth", "login", "--username", "ops_mgr", "--password-stdin"], stdin: "pw\n")
        XCTAssertEqual(login.status, 0, login.err)
        XCTAssertEqual(login.err, "homeserve: Logged in as ops_mgr (ops_manager) on profile 'nope'.\nhomeserve: Profile 'nope' now uses https://api.test.\n")
        XCTAssertEqual(stored("access", profile: "nope"), access)
        XCTAssertNotNil(stored("access", profile: "staging"), "other profiles are kept")
        transport.verify()
    }

    // MARK: The config directory

    func testACorruptCredentialsFileIsExit1UntilLoginReplacesIt() throws {
        try AtomicFile.write(harness.credentialsPath, Array(#"{"profiles": {"default": {"access": "#.utf8), mode: 0o644)
        let outcome = harness.run(["bookings", "list"])
        XCTAssertEqual(outcome.status, 1)
        XCTAssertContains(outcome.err, "homeserve: \(harness.credentialsPath) is corrupt (not valid JSON", "'homeserve auth login' or 'homeserve auth logout' replaces it (keeping a .corrupt copy)")
        XCTAssertEqual(transport.requests.count, 0)

        let access = harness.token(expiresIn: 300, life: 300)
        transport.register("POST", "/auth/login/", json: #"{"access": "\#(access)", "refresh": "r", "user": {"username": "customer1"}}"#)
        let login = harness.run(["auth", "login", "--username", "customer1", "--password-stdin"], stdin: "pw\n")
        XCTAssertEqual(login.status, 0, login.err)
        XCTAssertContains(login.err, "warning: \(harness.credentialsPath) was corrupt", "moved it to \(harness.credentialsPath).corrupt and started afresh")
        XCTAssertEqual(stored("access"), access)
        XCTAssertEqual(FileFacts.mode(harness.credentialsPath + ".corrupt"), 0o600, "the copy may hold tokens")
        XCTAssertEqual(bytes(harness.credentialsPath + ".corrupt"), Array(#"{"profiles": {"default": {"access": "#.utf8))
        transport.verify()
    }

    func testADirectoryWhereTheCredentialsFileGoesIsOneLineOfError() {
        XCTAssertEqual(mkdir(harness.credentialsPath, 0o755), 0)
        let outcome = harness.run(["auth", "status", "--offline"])
        XCTAssertEqual(outcome.status, 1)
        XCTAssertEqual(lines(outcome.err).count, 1, outcome.err)
        XCTAssertContains(outcome.err, "homeserve: cannot read \(harness.credentialsPath): Is a directory")
    }

    func testTheConfigDirectoryIsNeverRelativeToTheWorkingDirectoryUnlessNamedSo() {
        XCTAssertEqual(ConfigPaths(environment: ["HOME": "/home/ops"]).directory, "/home/ops/.config/homeserve")
        XCTAssertEqual(ConfigPaths(environment: ["HOME": "/home/ops", "XDG_CONFIG_HOME": "/etc/xdg"]).directory, "/etc/xdg/homeserve")
        XCTAssertEqual(ConfigPaths(environment: ["HOME": "/home/ops", "XDG_CONFIG_HOME": "relx"]).directory, "/home/ops/.config/homeserve",
                       "a relative XDG_CONFIG_HOME is ignored")
        XCTAssertEqual(ConfigPaths(environment: ["HOMESERVE_CONFIG_DIR": "conf", "HOME": "/home/ops"]).directory, "conf", "named so")
        for environment in [[:], ["HOME": ""], ["HOME": "."]] {
            let directory = ConfigPaths(environment: environment).directory
            XCTAssertTrue(directory.hasPrefix("/") && directory.hasSuffix("/.config/homeserve"), "\(environment): \(directory)")
        }
    }

    func testASessionHomeserveDidNotWriteIsCorruptNeverLoggedOutOrForAnyServer() throws {
        let token = harness.token(expiresIn: 300)
        for (entry, reason) in [(#"5"#, #"profile "default" is not an object"#),
                                (#"{"access": 5, "url": "https://api.test"}"#, "the session of profile 'default' has an access token that is not text"),
                                (#"{"access": ["a"], "url": "https://api.test"}"#, "the session of profile 'default' has an access token that is not text"),
                                (#"{"access": "\#(token)", "refresh": 7, "url": "https://api.test"}"#, "the session of profile 'default' has a refresh token that is not text"),
                                (#"{"access": "\#(token)", "refresh": "r"}"#, #"the session of profile 'default' does not say which server it was made with (its "url")"#),
                                (#"{"access": "\#(token)", "refresh": "r", "url": null}"#, #"the session of profile 'default' does not say which server it was made with (its "url")"#)] {
            try AtomicFile.write(harness.credentialsPath, Array(#"{"profiles": {"default": \#(entry)}}"#.utf8), mode: 0o600)
            let outcome = harness.run(["bookings", "list"])
            XCTAssertEqual(outcome.status, 1, entry)
            XCTAssertContains(outcome.err, "homeserve: \(harness.credentialsPath) is corrupt (\(reason)")
            XCTAssertEqual(transport.requests.count, 0, "nothing is sent: \(entry)")
        }
        // A login replaces the session.
        let access = harness.token(expiresIn: 300, life: 300)
        transport.register("POST", "/auth/login/", json: #"{"access": "\#(access)", "refresh": "r", "user": {"username": "customer1"}}"#)
        XCTAssertEqual(harness.run(["auth", "login", "--username", "customer1", "--password-stdin"], stdin: "pw\n").status, 0)
        XCTAssertEqual(stored("access"), access)
        XCTAssertEqual(stored("url"), "https://api.test")
        // A settings profile that is not an object is no empty profile either.
        harness.writeSettings(["default": 7])
        let settings = harness.run(["bookings", "list"])
        XCTAssertEqual(settings.status, 1)
        XCTAssertContains(settings.err, #"settings.json is corrupt (profile "default" is not an object)"#)
        transport.verify()
    }

    /// The hint says `auth logout` repairs the file: so it does for a profile chosen by name too, though
    /// which profiles the corrupt file held cannot be told.
    func testLogoutOfANamedProfileReplacesACorruptCredentialsFile() throws {
        harness.writeSettings(["staging": ["url": "https://staging.test"]])
        try AtomicFile.write(harness.credentialsPath, Array(#"{"profiles": {"staging": {"access": "#.utf8), mode: 0o600)
        let refused = harness.run(["--profile", "staging", "bookings", "list"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertContains(refused.err, "'homeserve auth login' or 'homeserve auth logout' replaces it")
        let logout = harness.run(["--profile", "staging", "auth", "logout"])
        XCTAssertEqual(logout.status, 0, logout.err)
        XCTAssertContains(logout.err, "was corrupt", "moved it to \(harness.credentialsPath).corrupt")
        XCTAssertEqual(bytes(harness.credentialsPath + ".corrupt"), Array(#"{"profiles": {"staging": {"access": "#.utf8))
        XCTAssertNoThrow(try ProfileFile.load(harness.credentialsPath))
        // A second corrupt file keeps the first copy.
        try AtomicFile.write(harness.credentialsPath, Array("garbage".utf8), mode: 0o600)
        XCTAssertEqual(harness.run(["--profile", "staging", "auth", "logout"]).status, 0)
        XCTAssertEqual(bytes(harness.credentialsPath + ".corrupt"), Array(#"{"profiles": {"staging": {"access": "#.utf8))
        XCTAssertEqual(bytes(harness.credentialsPath + ".corrupt.2"), Array("garbage".utf8))
        XCTAssertEqual(FileFacts.mode(harness.credentialsPath + ".corrupt.2"), 0o600)
        XCTAssertEqual(harness.run(["--profile", "nosuch", "auth", "logout"]).status, 2, "a healthy file still tells an unknown profile")
        XCTAssertEqual(transport.requests.count, 0)
    }

    func testAuthLoginTakesTheUsernameFromTheEnvironmentOrTheProfile() {
        let access = harness.token(expiresIn: 300, life: 300)
        transport.register("POST", "/auth/login/", json: #"{"access": "\#(access)", "refresh": "r", "user": {"username": "ci-bot"}}"#, times: 2)
        harness.environment["HOMESERVE_USERNAME"] = "ci-bot"
        let fromEnvironment = harness.run(["auth", "login", "--password-stdin"], stdin: "pw\n")
        XCTAssertEqual(fromEnvironment.status, 0, fromEnvironment.err)
        XCTAssertEqual(transport.requests[0].json?["username"], "ci-bot")
        harness.environment["HOMESERVE_USERNAME"] = nil
        harness.writeSettings(["default": ["username": "ops"]])
        XCTAssertEqual(harness.run(["auth", "login", "--password-stdin"], stdin: "pw\n").status, 0)
        XCTAssertEqual(transport.requests[1].json?["username"], "ops")
        transport.verify()
    }

    func testDryRunsOfLocalCommandsSayWhatTheyWouldDo() {
        harness.logIn()
        let outcome = harness.run(["--dry-run", "auth", "logout"])
        XCTAssertEqual(outcome.status, 0)
        XCTAssertEqual(outcome.out, "")
        XCTAssertEqual(outcome.err, "homeserve: dry run: would forget the session of profile 'default'; nothing sent, nothing written\n")
        XCTAssertNotNil(stored("access"), "the session is still there")
        XCTAssertEqual(harness.run(["--dry-run", "doctor"]).err, "homeserve: dry run: would check this machine's set-up and the server (its checks are requests); nothing sent, nothing written\n")
        harness.writeSettings(["other": ["url": "https://api.test"]])
        XCTAssertEqual(harness.run(["--dry-run", "--profile", "other", "auth", "logout"]).err,
                       "homeserve: dry run: would do nothing: profile 'other' has no stored session; nothing sent, nothing written\n")
        XCTAssertEqual(harness.run(["--dry-run", "auth", "token"]).err,
                       "homeserve: dry run: would print the access token of profile 'default', renewed first if it is about to expire; nothing sent, nothing written\n")
        let credentials = bytes(harness.credentialsPath)
        XCTAssertEqual(truncate(harness.credentialsPath, 5), 0)
        let corrupt = harness.run(["--dry-run", "auth", "logout"])
        XCTAssertEqual(corrupt.err, "homeserve: dry run: would set the corrupt \(harness.credentialsPath) aside (as \(harness.credentialsPath).corrupt) and replace it; nothing sent, nothing written\n")
        XCTAssertFalse(FileFacts.exists(harness.credentialsPath + ".corrupt"), "nothing set aside")
        try? AtomicFile.write(harness.credentialsPath, credentials ?? [], mode: 0o600)
        harness.environment["HOMESERVE_TOKEN"] = "abc"
        XCTAssertEqual(harness.run(["--dry-run", "auth", "token"]).err,
                       "homeserve: dry run: would print HOMESERVE_TOKEN, as it is; nothing sent, nothing written\n")
        XCTAssertEqual(transport.requests.count, 0)
    }

    func testAnEmptyPasswordVariableIsSaidToBeEmpty() {
        harness.environment["HOMESERVE_PASSWORD"] = ""
        let outcome = harness.run(["auth", "login", "--username", "customer1"])
        XCTAssertEqual(outcome.status, 2)
        XCTAssertEqual(outcome.err, "homeserve: no password: stdin is not a terminal (HOMESERVE_PASSWORD is set but empty); use --password-stdin or set HOMESERVE_PASSWORD\n")
        XCTAssertEqual(transport.requests.count, 0)
    }

    func testTheClockCheckAllowsForTheSecondTheDateHeaderDrops() {
        let date = "Thu, 03 Dec 2026 10:00:00 GMT"
        let at = Double(CivilTime.parseHTTPDate(date) ?? 0)
        func check(_ now: Double) -> String { DoctorCommands.clockCheck(HTTPResponse(status: 200, headers: [("Date", date)]), now: now).detail }
        XCTAssertEqual(check(at + 0.9), "in step with the server", "read late in the server's second")
        XCTAssertEqual(check(at), "in step with the server", "read as the second began")
        XCTAssertEqual(check(at + 1), "in step with the server", "read as the next began")
        XCTAssertEqual(check(at + 0.1), "in step with the server")
        XCTAssertEqual(check(at + 2.2), "2 s ahead of the server")
        XCTAssertEqual(check(at - 2.8), "3 s behind the server")
        XCTAssertEqual(DoctorCommands.clockCheck(HTTPResponse(status: 200, headers: [("Date", date)]), now: at + 40).status, .warn)
    }

    func testACorruptSettingsFileNamesConfigSetAsTheFix() throws {
        let settings = FileFacts.directory(of: harness.credentialsPath) + "/settings.json"
        try AtomicFile.write(settings, Array("{".utf8), mode: 0o600)
        let outcome = harness.run(["bookings", "list"])
        XCTAssertEqual(outcome.status, 1)
        XCTAssertContains(outcome.err, "homeserve: \(settings) is corrupt (", "'homeserve config set' replaces it")
        XCTAssertEqual(transport.requests.count, 0)
        XCTAssertEqual(harness.run(["config", "set", "url", "https://api.test"]).status, 0, "and it does")
        XCTAssertEqual(harness.run(["config", "get", "url"]).out, "https://api.test\n")
    }

    func testLogoutReplacesACorruptFileToo() throws {
        try AtomicFile.write(harness.credentialsPath, Array(#"{"sessions": []}"#.utf8), mode: 0o600)
        XCTAssertEqual(harness.run(["auth", "status", "--offline"]).status, 1)
        let outcome = harness.run(["auth", "logout"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertContains(outcome.err, "was corrupt (it has no \"profiles\" object); moved it to", "Profile 'default' had no stored session.")
        XCTAssertEqual(harness.credentials, ["profiles": [:]])
        XCTAssertEqual(FileFacts.mode(harness.credentialsPath + ".corrupt"), 0o600)
        XCTAssertEqual(harness.run(["auth", "status", "--offline"]).status, 3)
    }

    func testLogoutWithNothingStoredWritesNothingAndNamesATokenStillInEffect() {
        let fresh = Harness(environment: ["HOMESERVE_TOKEN": "a.b.c"])
        try? FileManager.default.removeItem(atPath: fresh.configDir)
        let outcome = fresh.run(["auth", "logout"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(outcome.err, "homeserve: Profile 'default' had no stored session.\nhomeserve: warning: HOMESERVE_TOKEN is set, and is used until it is unset\n")
        XCTAssertEqual(fresh.run(["-q", "auth", "logout"]).err, "homeserve: warning: HOMESERVE_TOKEN is set, and is used until it is unset\n", "-q keeps warnings")
        XCTAssertFalse(FileFacts.exists(fresh.configDir), "no directory, file or lock made")
        harness.logIn()
        harness.environment["HOMESERVE_REFRESH_TOKEN"] = "r-env"
        XCTAssertEqual(harness.run(["auth", "logout"]).err,
                       "homeserve: Logged out of profile 'default'.\nhomeserve: warning: HOMESERVE_REFRESH_TOKEN is set, and is used until it is unset\n")
        harness.environment["HOMESERVE_TOKEN"] = "a.b.c"
        XCTAssertEqual(harness.run(["-q", "auth", "logout"]).err,
                       "homeserve: warning: HOMESERVE_TOKEN is set, and is used until it is unset\nhomeserve: warning: HOMESERVE_REFRESH_TOKEN is set, and is used until it is unset\n",
                       "each, since either keeps the job logged in")
    }

    func testLogoutForgetsOnlyTheProfile() {
        harness.logIn()
        harness.logIn(profile: "staging")
        let outcome = harness.run(["--profile", "staging", "auth", "logout"])
        XCTAssertEqual(outcome.status, 0)
        XCTAssertEqual(outcome.err, "homeserve: Logged out of profile 'staging'.\n")
        XCTAssertNil(harness.credentials["profiles"]?["staging"])
        XCTAssertNotNil(stored("access"))
    }

    func testASymlinkedCredentialsFileIsRefused() throws {
        let elsewhere = temporaryDirectory() + "/tokens.json"
        harness.logIn()
        XCTAssertEqual(rename(harness.credentialsPath, elsewhere), 0)
        XCTAssertEqual(symlink(elsewhere, harness.credentialsPath), 0)
        // Its target readable by others draws no advice to chmod it: the link is what is refused.
        XCTAssertEqual(chmod(elsewhere, 0o644), 0)
        let before = bytes(elsewhere)
        // Refused before the password or code is sent: the server makes no session that could not be kept.
        for line in [["auth", "login", "--username", "customer1", "--password-stdin"], ["auth", "otp", "verify", "--email", "a@example.com", "--otp-stdin"]] {
            let login = harness.run(line, stdin: line.contains("otp") ? "123456\n" : "pw\n")
            XCTAssertEqual(login.status, 1)
            XCTAssertEqual(login.err, "homeserve: cannot replace \(harness.credentialsPath): it is a symbolic link; replace it with the file itself (homeserve reads no credentials, takes no lock and replaces no file through a link)\n")
        }
        XCTAssertEqual(transport.requests.count, 0)
        XCTAssertEqual(harness.run(["auth", "logout"]).status, 1)
        let list = harness.run(["bookings", "list"])
        XCTAssertEqual(list.status, 1)
        XCTAssertContains(list.err, "\(harness.credentialsPath): it is a symbolic link")
        let profiles = harness.run(["config", "profiles"])
        XCTAssertEqual(profiles.status, 1)
        XCTAssertEqual(profiles.out, "")
        XCTAssertEqual(profiles.err, "homeserve: cannot read \(harness.credentialsPath): it is a symbolic link; replace it with the file itself (homeserve reads no credentials, takes no lock and replaces no file through a link)\n")
        XCTAssertTrue(FileFacts.isSymlink(harness.credentialsPath))
        XCTAssertEqual(bytes(elsewhere), before)
        transport.verify()
    }

    func testASymlinkedLockFileIsNamedSo() throws {
        let lock = harness.configDir + "/credentials.lock"
        unlink(lock)
        XCTAssertEqual(symlink(temporaryDirectory() + "/elsewhere.lock", lock), 0)
        let outcome = harness.run(["auth", "login", "--username", "customer1", "--password-stdin"], stdin: "pw\n")
        XCTAssertEqual(outcome.status, 1, outcome.err)
        XCTAssertEqual(outcome.err, "homeserve: cannot open lock file \(lock): it is a symbolic link; replace it with the file itself (homeserve reads no credentials, takes no lock and replaces no file through a link)\n")
        XCTAssertEqual(transport.requests.count, 0)
        // Where the lock is taken, it is named the same way.
        harness.logIn()
        let logout = harness.run(["auth", "logout"])
        XCTAssertEqual(logout.status, 1, logout.err)
        XCTAssertContains(logout.err, "cannot open lock file \(lock): it is a symbolic link")
    }

    func testConfigListShowsAnInvalidUrlAndARelativeXDGDirectoryIsNotItsSource() {
        harness.environment["HOMESERVE_URL"] = nil
        harness.writeSettings(["default": ["url": "ftp://x"]])
        let list = harness.run(["config", "list", "-o", "tsv", "--no-headers"])
        XCTAssertEqual(list.status, 0, list.err)
        XCTAssertContains(list.out, "url\tftp://x (invalid)\tprofile\n")
        harness.writeSettings(["default": ["url": "https://api.example"]])
        XCTAssertContains(harness.run(["config", "list", "-o", "tsv", "--no-headers"]).out, "ws_url\twss://api.example\turl\n")
        // Other settings a hand edit made invalid, and a bad HOMESERVE_PARALLEL, are marked and warned about.
        harness.writeSettings(["default": ["url": "https://api.example", "ws_url": "http://x", "timezone": "Mars/X"]])
        harness.environment["HOMESERVE_PARALLEL"] = "abc"
        let marked = harness.run(["config", "list", "-o", "tsv", "--no-headers"])
        harness.environment["HOMESERVE_PARALLEL"] = nil
        XCTAssertEqual(marked.status, 0, marked.err)
        XCTAssertContains(marked.out, "ws_url\thttp://x (invalid)\tprofile\n", "timezone\tMars/X (invalid)\tprofile\n", "parallel\tabc (invalid)\tenv\n")
        XCTAssertContains(marked.err, "homeserve: warning: profile 'default': invalid value 'Mars/X' for timezone", "(fix with 'homeserve config set timezone VALUE')",
                          "homeserve: warning: invalid value 'abc' for HOMESERVE_PARALLEL")
        harness.writeSettings(["default": ["url": "ftp://x"]])
        XCTAssertContains(list.err, "homeserve: warning: invalid url 'ftp://x' in profile 'default'", "(fix with 'homeserve config set url URL')")
        XCTAssertEqual(harness.run(["bookings", "list"]).status, 2, "commands still refuse it")

        let relative = Harness(environment: ["XDG_CONFIG_HOME": "relative", "HOME": harness.configDir])
        relative.environment["HOMESERVE_CONFIG_DIR"] = nil
        let row = relative.run(["config", "list", "-o", "json", "--jq", #".[] | select(.setting == "config_dir") | .source"#])
        XCTAssertEqual(row.out, "default\n", "a relative XDG_CONFIG_HOME is ignored, so it is not the source")
        transport.verify()
    }

    func testConfigProfilesCallsASessionForAnotherServerThanTheProfilesSo() {
        let valid = harness.token(expiresIn: 300, life: 300)
        harness.storeSession(access: valid, refresh: "r", url: "https://api.test")
        harness.storeSession(access: valid, refresh: "r", profile: "staging", url: "https://staging.test:443/")
        harness.storeSession(access: valid, refresh: "r", profile: "moved", url: "https://old.test")
        harness.writeSettings(["staging": ["url": "https://staging.test"], "moved": ["url": "https://new.test"]])
        let outcome = harness.run(["config", "profiles", "-o", "json", "--fields", "profile,session"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(outcome.json, try JSON.parse(#"[{"profile": "default", "session": "active"}, {"profile": "staging", "session": "active"}, {"profile": "moved", "session": "other_server"}]"#),
                       "a session is the profile's when made with its server, however the URL is written")
        // A profile without a url goes where HOMESERVE_URL says, as its commands would.
        harness.storeSession(access: valid, refresh: "r", profile: "ci", url: "https://ci.test")
        harness.environment["HOMESERVE_URL"] = "https://ci.test"
        harness.environment["HOMESERVE_PROFILE"] = "staging"
        let ci = harness.run(["config", "profiles", "-o", "json", "--fields", "profile,url,session"])
        XCTAssertEqual(ci.json.value(at: "3"), try JSON.parse(#"{"profile": "ci", "url": "https://ci.test", "session": "active"}"#), ci.out)
        transport.verify()
    }

    func testTemporaryFilesAreRemovedOnlyUnderTheFileLock() throws {
        harness.logIn()
        // A writer in another PID namespace sharing the directory: its PID means nothing here, and it holds
        // the file lock while its temporary file is there.
        let foreign = harness.credentialsPath + ".tmp.2147483000"
        let own = harness.credentialsPath + ".tmp.\(getpid())"
        let other = harness.configDir + "/notes.txt.tmp.2147483000"
        for file in [foreign, own, other] { try AtomicFile.write(file, Array("{}".utf8), mode: 0o600) }
        let held = try FileLock.acquire(harness.configDir + "/credentials.lock", timeout: 1, clock: harness.clock)
        transport.register("GET", "/api/bookings/", json: "[]")
        XCTAssertEqual(harness.run(["bookings", "list"]).status, 0)
        let waited = harness.run(["--timeout", "1", "config", "set", "output", "csv"])
        XCTAssertEqual(waited.status, 9, waited.err)
        XCTAssertTrue(FileFacts.exists(foreign), "a live writer's temporary file is left to it")
        XCTAssertTrue(FileFacts.exists(own))
        held.release()
        // With the lock, every writer's temporary file is a leftover, whatever its PID: one that happens to
        // be this process's (a container's homeserve often has the same PID every run) included. A command
        // that writes nothing takes the lock for that when it is free.
        transport.register("GET", "/api/bookings/", json: "[]")
        XCTAssertEqual(harness.run(["bookings", "list"]).status, 0)
        XCTAssertFalse(FileFacts.exists(foreign))
        XCTAssertFalse(FileFacts.exists(own))
        XCTAssertTrue(FileFacts.exists(other), "only the files homeserve writes")
        // And one that writes, before it writes: a leftover named as its own temporary file is no obstacle.
        try AtomicFile.write(own, Array("{}".utf8), mode: 0o600)
        let changed = harness.run(["config", "set", "output", "csv"])
        XCTAssertEqual(changed.status, 0, changed.err)
        XCTAssertFalse(FileFacts.exists(own))
        XCTAssertEqual(harness.settings.value(at: "profiles.default.output"), "csv")
        transport.verify()
    }

    /// The line a refused config directory or file gets.
    /// `why` is what the line says of the mode: a shared directory's (sticky, everyone writes) has another
    /// directory as its only fix.
    enum Why { case othersWrite, sticky, shared }

    func refusal(_ path: String, directory: Bool = true, owner: String = "root", mode: String, why: Why = .othersWrite) -> String {
        let me = FileFacts.userName(geteuid())
        let what = directory ? "config directory" : "config file"
        let head = "homeserve: refusing the \(what) \(path) (owner \(owner), mode \(mode)): "
        let unused = "nothing was read from it or written to it"
        if owner != me, owner != "root" {
            return head + "it is \(owner)'s, not yours (\(me)) or root's; \(unused); run homeserve as \(owner), or set HOMESERVE_CONFIG_DIR to a directory of your own\n"
        }
        switch why {
        case .shared:
            return head + "it has the sticky bit of a shared directory; \(unused); set HOMESERVE_CONFIG_DIR to a directory of your own\n"
        case .sticky:
            return head + "it has the sticky bit of a shared directory; \(unused); run: chmod \(directory ? "700" : "600") \(path), or set HOMESERVE_CONFIG_DIR to another directory\n"
        case .othersWrite:
            return head + "other users can change it; \(unused); run: chmod \(directory ? "700" : "600") \(path), or set HOMESERVE_CONFIG_DIR to another directory\n"
        }
    }

    func testAConfigDirectoryOthersCanWriteIsRefusedAndLeftAsItIs() throws {
        let owner = FileFacts.userName(geteuid())
        harness.logIn()
        let settings = harness.configDir + "/settings.json"
        // Group or others may write, or the sticky bit of a shared directory (HOMESERVE_CONFIG_DIR=/tmp). Group
        // write counts for a group others may be in: as root, the directory's group is made nogroup.
        if getuid() == 0 { XCTAssertEqual(chown(harness.configDir, 0, 65534), 0) }
        let shared = !FileFacts.isPrivateGroup(FileFacts.ownership(harness.configDir)?.group ?? 0, of: geteuid())
        let modes: [(mode_t, Why)] = [(0o777, .othersWrite), (0o1777, .shared), (0o1700, .sticky)] + (shared ? [(0o770, .othersWrite), (0o730, .othersWrite)] : [])
        for (loose, why) in modes {
            XCTAssertEqual(chmod(harness.configDir, loose), 0)
            let shown = String(loose, radix: 8)
            let read = harness.run(["bookings", "list"])
            XCTAssertEqual(read.status, 1, shown)
            XCTAssertEqual(read.out, "")
            XCTAssertEqual(read.err, refusal(harness.configDir, owner: owner, mode: shown, why: why))
            for args in [["config", "set", "password_command", "/bin/true"], ["auth", "logout"], ["config", "get", "url"]] {
                let outcome = harness.run(args)
                XCTAssertEqual(outcome.status, 1, "\(args) \(shown)")
                XCTAssertEqual(outcome.err, refusal(harness.configDir, owner: owner, mode: shown, why: why), "\(args)")
            }
            XCTAssertEqual(FileFacts.ownership(harness.configDir)?.mode, loose, "a directory homeserve did not make is not chmod'ed")
            XCTAssertFalse(FileFacts.exists(settings), "nothing written")
            XCTAssertNotNil(stored("access"), "the session was not forgotten")
            XCTAssertFalse(FileFacts.exists(harness.configDir + "/credentials.lock"), "not even a lock file")
        }
        XCTAssertEqual(transport.requests.count, 0, "nothing sent")
        // Others may read it, not write to it: used, and left as its owner set it.
        XCTAssertEqual(chmod(harness.configDir, 0o755), 0)
        transport.register("GET", "/api/bookings/", json: "[]")
        let outcome = harness.run(["bookings", "list"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(outcome.err, "")
        XCTAssertEqual(FileFacts.mode(harness.configDir), 0o755)
        transport.verify()
        // Group write for the owner's private group (a umask of 002 under one group per user) is the owner's.
        if let user = getpwuid(geteuid()), FileFacts.isPrivateGroup(user.pointee.pw_gid, of: geteuid()) {
            XCTAssertEqual(chown(harness.configDir, geteuid(), user.pointee.pw_gid), 0)
            XCTAssertEqual(chmod(harness.configDir, 0o775), 0)
            transport.register("GET", "/api/bookings/", json: "[]")
            let own = harness.run(["bookings", "list"])
            XCTAssertEqual(own.status, 0, own.err)
            XCTAssertEqual(own.err, "")
        }
    }

    /// A directory another user can change, above the config directory, lets them swap it for theirs
    /// between a check and a read: refused, as written and as links resolve it; a sticky one (/tmp) is not.
    func testAConfigDirectoryBelowOneOthersCanChangeIsRefused() throws {
        let shared = temporaryDirectory() + "/team"
        XCTAssertEqual(mkdir(shared, 0o777), 0)
        XCTAssertEqual(chmod(shared, 0o777), 0)
        let inside = shared + "/cfg"
        for (config, made) in [(inside, true), (inside + "/new/homeserve", false)] {
            if made { XCTAssertEqual(mkdir(inside, 0o700), 0) }
            harness.environment["HOMESERVE_CONFIG_DIR"] = config
            // A directory not made yet has nothing to read: only a write, which would make it, is refused.
            for args in (made ? [["bookings", "list"]] : []) + [["config", "set", "output", "csv"]] {
                let outcome = harness.run(args)
                XCTAssertEqual(outcome.status, 1, "\(args)")
                XCTAssertEqual(outcome.err, "homeserve: refusing the config directory \(config): the directory \(shared) (owner \(FileFacts.userName(geteuid())), mode 777) on the way to it lets other users swap it for theirs; nothing was read from it or written to it; keep it where only you or root can change the directories above (set HOMESERVE_CONFIG_DIR)\n")
            }
            XCTAssertFalse(FileFacts.exists(inside + "/new"), "no directory made there")
            XCTAssertFalse(FileFacts.exists(inside + "/settings.json"))
        }
        // Through a link from a safe place: the directories the link resolves through count.
        let link = temporaryDirectory() + "/cfg-link"
        XCTAssertEqual(symlink(inside, link), 0)
        harness.environment["HOMESERVE_CONFIG_DIR"] = link
        XCTAssertContains(harness.run(["bookings", "list"]).err, "the directory \(shared) (owner")
        // A login is refused before the password is sent, a directory not made yet too.
        harness.environment["HOMESERVE_CONFIG_DIR"] = inside + "/new/homeserve"
        let login = harness.run(["auth", "login", "--username", "customer1", "--password-stdin"], stdin: "pw\n")
        XCTAssertEqual(login.status, 1, login.err)
        XCTAssertContains(login.err, "the directory \(shared) (owner")
        // A settings file linked into it (settings kept with dotfiles) is in reach of that directory too.
        let own = temporaryDirectory() + "/own"
        XCTAssertEqual(mkdir(own, 0o700), 0)
        try AtomicFile.write(inside + "/settings.json", Array(#"{"profiles": {"default": {"password_command": "touch /tmp/never"}}}"#.utf8), mode: 0o600)
        XCTAssertEqual(symlink(inside + "/settings.json", own + "/settings.json"), 0)
        harness.environment["HOMESERVE_CONFIG_DIR"] = own
        let linked = harness.run(["config", "get", "password_command"])
        XCTAssertEqual(linked.status, 1, linked.err)
        XCTAssertEqual(linked.out, "")
        XCTAssertContains(linked.err, "the directory \(shared) (owner")
        // A link in another user's directory on the way to your own file: they can point it elsewhere.
        if getuid() == 0 {
            let theirs = temporaryDirectory() + "/theirs"
            XCTAssertEqual(mkdir(theirs, 0o755), 0)
            XCTAssertEqual(chown(theirs, 65534, 65534), 0)
            let dotfiles = temporaryDirectory() + "/dotfiles"
            XCTAssertEqual(mkdir(dotfiles, 0o700), 0)
            try AtomicFile.write(dotfiles + "/settings.json", Array(#"{"profiles": {}}"#.utf8), mode: 0o600)
            XCTAssertEqual(symlink(dotfiles + "/settings.json", theirs + "/link"), 0)
            let mine = temporaryDirectory() + "/mine"
            XCTAssertEqual(mkdir(mine, 0o700), 0)
            XCTAssertEqual(symlink(theirs + "/link", mine + "/settings.json"), 0)
            harness.environment["HOMESERVE_CONFIG_DIR"] = mine
            let chained = harness.run(["config", "get", "url"])
            XCTAssertEqual(chained.status, 1, chained.err)
            XCTAssertEqual(chained.err, "homeserve: refusing the config file \(mine)/settings.json: the directory \(theirs) (owner \(FileFacts.userName(65534)), mode 755) on the way to it lets other users swap it for theirs; nothing was read from it or written to it; keep it where only you or root can change the directories above (set HOMESERVE_CONFIG_DIR)\n")
        }
        // With the sticky bit others cannot move what is yours: used.
        XCTAssertEqual(chmod(shared, 0o1777), 0)
        harness.environment["HOMESERVE_CONFIG_DIR"] = inside
        let set = harness.run(["config", "set", "output", "csv"])
        XCTAssertEqual(set.status, 0, set.err)
        XCTAssertEqual(transport.requests.count, 0, "nothing sent")
    }

    func testADirectoryHomeserveMakesIsMadePrivateWhateverTheUmask() {
        let directory = temporaryDirectory() + "/config/homeserve"
        harness.environment["HOMESERVE_CONFIG_DIR"] = directory
        let saved = umask(0o277)
        let outcome = harness.run(["config", "set", "output", "csv"])
        umask(saved)
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(FileFacts.mode(directory), 0o700)
        XCTAssertEqual(FileFacts.mode(FileFacts.directory(of: directory)), 0o700)
        XCTAssertEqual(FileFacts.mode(directory + "/settings.json"), 0o600)
    }

    /// Another user's directory (HOMESERVE_CONFIG_DIR pointing at it, as root or by mistake): its settings
    /// could name any command as password_command, and a temporary file planted in it could leave the
    /// credentials file theirs. Nothing in it is read, run or written, and it is not chmod'ed.
    func testAConfigDirectoryOfAnotherUserIsRefused() throws {
        let directory = harness.configDir
        guard getuid() == 0 else { throw XCTSkip("needs root, to give a directory to another user") }
        let ran = temporaryDirectory() + "/ran"
        harness.writeSettings(["default": ["password_command": .string("sh -c 'touch \(ran); echo pw'"), "username": "customer1"]])
        let planted = harness.credentialsPath + ".tmp.\(getpid())"
        XCTAssertEqual(close(open(planted, O_CREAT | O_WRONLY, 0o666)), 0)
        XCTAssertEqual(chmod(planted, 0o666), 0)
        for (file, mode) in [(directory, mode_t(0o777)), (harness.configDir + "/settings.json", 0o644), (planted, 0o666)] {
            XCTAssertEqual(chown(file, 65534, 65534), 0)
            XCTAssertEqual(chmod(file, mode), 0)
        }
        let nobody = FileFacts.userName(65534)
        for mode: mode_t in [0o777, 0o700] {
            XCTAssertEqual(chmod(directory, mode), 0)
            let shown = String(mode, radix: 8)
            let read = harness.run(["bookings", "list"])
            XCTAssertEqual(read.status, 1)
            XCTAssertEqual(read.err, refusal(directory, owner: nobody, mode: shown))
            let login = harness.run(["auth", "login", "--username", "customer1", "--password-stdin"], stdin: "pw\n")
            XCTAssertEqual(login.status, 1)
            XCTAssertEqual(login.err, refusal(directory, owner: nobody, mode: shown))
            XCTAssertEqual(FileFacts.mode(directory), mode, "left as its owner set it")
        }
        XCTAssertFalse(FileFacts.exists(ran), "the password_command was not run")
        XCTAssertFalse(FileFacts.exists(harness.credentialsPath), "nothing written")
        XCTAssertEqual(FileFacts.ownership(planted)?.owner, 65534)
        XCTAssertEqual(bytes(planted), [])
        XCTAssertEqual(transport.requests.count, 0, "nothing sent")
    }

    func testASettingsOrCredentialsFileAnotherUserCouldHaveWrittenIsRefused() throws {
        let owner = FileFacts.userName(geteuid())
        let ran = temporaryDirectory() + "/ran"
        let settings = harness.configDir + "/settings.json"
        harness.writeSettings(["default": ["password_command": .string("sh -c 'touch \(ran); echo pw'"), "username": "customer1"]])
        // Group write counts for a group others may be in: as root, the file's group is made nogroup.
        if getuid() == 0 { XCTAssertEqual(chown(settings, 0, 65534), 0) }
        let shared = !FileFacts.isPrivateGroup(FileFacts.ownership(settings)?.group ?? 0, of: geteuid())
        for mode: mode_t in [0o666, 0o602] + (shared ? [0o620] : []) {
            XCTAssertEqual(chmod(settings, mode), 0)
            let before = bytes(settings)
            let outcome = harness.run(["bookings", "list"])
            XCTAssertEqual(outcome.status, 1)
            XCTAssertEqual(outcome.err, refusal(settings, directory: false, owner: owner, mode: String(mode, radix: 8)))
            let set = harness.run(["config", "set", "output", "csv"])
            XCTAssertEqual(set.status, 1)
            XCTAssertEqual(set.err, refusal(settings, directory: false, owner: owner, mode: String(mode, radix: 8)))
            XCTAssertEqual(bytes(settings), before, "not written")
            XCTAssertEqual(FileFacts.mode(settings), mode, "not chmod'ed")
        }
        XCTAssertEqual(chmod(settings, 0o600), 0)
        harness.logIn()
        XCTAssertEqual(chmod(harness.credentialsPath, 0o606), 0)
        let outcome = harness.run(["bookings", "list"])
        XCTAssertEqual(outcome.status, 1)
        XCTAssertEqual(outcome.err, refusal(harness.credentialsPath, directory: false, owner: owner, mode: "606"))
        if getuid() == 0 {
            // Private, but another user's.
            XCTAssertEqual(chmod(harness.credentialsPath, 0o600), 0)
            XCTAssertEqual(chown(harness.credentialsPath, 65534, 65534), 0)
            let theirs = harness.run(["auth", "logout"])
            XCTAssertEqual(theirs.status, 1)
            XCTAssertEqual(theirs.err, refusal(harness.credentialsPath, directory: false, owner: FileFacts.userName(65534), mode: "600"))
            XCTAssertEqual(FileFacts.ownership(harness.credentialsPath)?.owner, 65534)
        }
        XCTAssertFalse(FileFacts.exists(ran), "the password_command was not run")
        XCTAssertEqual(transport.requests.count, 0, "nothing sent")
    }

    func testAnOperatorIsAskedForTheVendorWhoseDayToPlan() {
        harness.storeSession(access: harness.token(expiresIn: 300), user: ["id": 5, "username": "ops_mgr", "role": "ops_manager"])
        let refused = harness.run(["scheduling", "optimize", "--date", "2026-12-01"])
        XCTAssertEqual(refused.status, 2)
        XCTAssertEqual(refused.err, "homeserve: 'scheduling optimize' needs --vendor ID when an operator (ops_manager) asks: whose day to plan\n")
        XCTAssertTrue(transport.requests.isEmpty)
        transport.register("GET", "/api/vendor-optimization/?date=2026-12-01&vendor_id=7", json: #"{"vendor_id": 7, "bookings": []}"#)
        XCTAssertEqual(harness.run(["scheduling", "optimize", "--date", "2026-12-01", "--vendor", "7"]).status, 0)
        transport.verify()
    }

    func testUnsettingASettingThatIsNotSetSaysSoAndWritesNothing() throws {
        XCTAssertEqual(harness.run(["config", "set", "output", "csv"]).status, 0)
        XCTAssertEqual(harness.run(["config", "unset", "output"]).err, "homeserve: Unset output for profile 'default'.\n")
        let before = try FileFacts.contents(harness.configDir + "/settings.json")
        let again = harness.run(["config", "unset", "output"])
        XCTAssertEqual(again.status, 0)
        XCTAssertEqual(again.err, "homeserve: output was not set for profile 'default'; nothing changed.\n")
        XCTAssertEqual(try FileFacts.contents(harness.configDir + "/settings.json"), before)
    }

    func testACredentialsFileOthersCanReadIsWarnedAbout() throws {
        harness.logIn()
        chmod(harness.credentialsPath, 0o644)
        transport.register("GET", "/api/bookings/", json: "[]")
        let outcome = harness.run(["bookings", "list"])
        XCTAssertEqual(outcome.err, "homeserve: warning: \(harness.credentialsPath) is readable by other users (mode 644); run: chmod 600 \(harness.credentialsPath)\n")
        transport.verify()
        // Read by its group: by others unless the group is the owner's private one. Group write passes for
        // the private group too, so a file others may read beside it is warned of as well.
        guard let user = getpwuid(geteuid()) else { return XCTFail("no password entry") }
        let own = user.pointee.pw_gid
        guard FileFacts.isPrivateGroup(own, of: geteuid()) else { throw XCTSkip("the user's group is shared here") }
        func read(mode: mode_t, group: gid_t) -> String {
            XCTAssertEqual(chown(harness.credentialsPath, geteuid(), group), 0)
            XCTAssertEqual(chmod(harness.credentialsPath, mode), 0)
            transport.register("GET", "/api/bookings/", json: "[]")
            let outcome = harness.run(["bookings", "list"])
            XCTAssertEqual(outcome.status, 0, outcome.err)
            transport.verify()
            return outcome.err
        }
        func warned(_ mode: String) -> String {
            "homeserve: warning: \(harness.credentialsPath) is readable by other users (mode \(mode)); run: chmod 600 \(harness.credentialsPath)\n"
        }
        XCTAssertEqual(read(mode: 0o640, group: own), "")
        XCTAssertEqual(read(mode: 0o660, group: own), "")
        XCTAssertEqual(read(mode: 0o664, group: own), warned("664"))
        // Another group, which others may be in: only root can give the file to it.
        guard geteuid() == 0, let other = (1..<65534).map({ gid_t($0) }).first(where: { $0 != own && getgrgid($0) != nil && !FileFacts.isPrivateGroup($0, of: 0) }) else { return }
        XCTAssertEqual(read(mode: 0o640, group: other), warned("640"))
    }

    func testARenewalThatCouldNotBeSavedIsWhatTheNextRenewalStartsFrom() throws {
        harness.storeSession(access: harness.token(expiresIn: 5, life: 300), refresh: "refresh-1")
        // Another process holds the file lock past --timeout: the new pair cannot be written.
        let held = try FileLock.acquire(ConfigPaths(environment: harness.environment).lock, timeout: 1, clock: harness.clock)
        defer { held.release() }
        let second = harness.token(expiresIn: 300, life: 300, tag: "second"), third = harness.token(expiresIn: 300, life: 300, tag: "third")
        transport.register("POST", "/auth/refresh/", json: harness.tokenReply(access: second, refresh: "refresh-2"))
        transport.register("GET", path, status: 401, json: #"{"detail": "Token is blacklisted"}"#)
        transport.register("POST", "/auth/refresh/", json: harness.tokenReply(access: third, refresh: "refresh-3"))
        transport.register("GET", path, json: #"{"id": 1}"#)
        let outcome = harness.run(["--timeout", "1", "bookings", "get", booking])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(transport.requests.filter { $0.url.hasSuffix("/auth/refresh/") }.map { $0.json?["refresh"] }, ["refresh-1", "refresh-2"],
                       "the second renewal sends the pair the first one got, not the file's spent token")
        XCTAssertContains(outcome.err, "homeserve: warning: the new session could not be saved (cannot lock ", "another homeserve is writing the config files (waited 60s)); it is used for this command only")
        transport.verify()
    }

    func testAFullDiskDuringARefreshKeepsTheNewTokenForTheCommand() throws {
        let old = harness.token(expiresIn: 10, life: 300)
        harness.storeSession(access: old, refresh: "refresh-1")
        let before = bytes(harness.credentialsPath)
        // Root ignores directory permissions, so the write is made to fail by a directory standing where
        // this process's temporary file would go.
        XCTAssertEqual(mkdir(harness.credentialsPath + ".tmp.\(getpid())", 0o700), 0)
        close(open(harness.configDir + "/credentials.lock", O_CREAT | O_WRONLY, 0o600))
        chmod(harness.configDir, 0o500)
        defer { chmod(harness.configDir, 0o700) }
        let renewed = harness.token(expiresIn: 300, life: 300, tag: "new")
        transport.register("POST", "/auth/refresh/", json: harness.tokenReply(access: renewed))
        transport.register("GET", path, json: #"{"id": 1}"#)
        let outcome = harness.run(["bookings", "get", booking])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(transport.requests[1].bearer, renewed)
        XCTAssertContains(outcome.err, "homeserve: warning: the new session could not be saved (cannot write \(harness.credentialsPath)", "it is used for this command only")
        XCTAssertEqual(lines(outcome.err).count, 1)
        XCTAssertEqual(bytes(harness.credentialsPath), before)
        transport.verify()
    }
}
