import Foundation
import HomeServeCore
import XCTest

/// Cron jobs and CI smoke tests: sessions that renew themselves, `auth status` asking the server, doctor,
/// smoke with JUnit XML, and exit codes a job can trust. Expiry is reached by moving the sandbox's clock
/// ahead, never by sleeping.
final class UnattendedIntegrationTests: XCTestCase {
    func advance(_ sandbox: Sandbox, _ seconds: Int) throws {
        let (status, body) = try sandbox.request("POST", "/sandbox/clock", json: #"{"advance": \#(seconds)}"#)
        XCTAssertEqual(status, 200, "\(body)")
    }

    func logins(_ sandbox: Sandbox) throws -> Int { try sandbox.receivedRequests().filter { $0 == "POST /auth/login/" }.count }

    func testAnEndedSessionIsRenewedWithAPasswordSourceAndReportedWithoutOne() throws {
        let sandbox = try Sandbox(["--access-ttl", "2", "--refresh-ttl", "4"])
        let cli = CLI(sandbox: sandbox)
        try cli.login()
        try advance(sandbox, 10)

        let bare = try cli.run(["bookings", "list", "--limit", "1"])
        XCTAssertEqual(bare.status, 3, bare.err)
        XCTAssertTrue(bare.err.contains("HOMESERVE_PASSWORD") && bare.err.contains("homeserve auth login"), "the hint names the fix: \(bare.err)")
        XCTAssertEqual(try cli.run(["auth", "status"]).status, 3)
        // Offline too: by this machine's clock its tokens are valid, but the server refused the refresh token.
        let offline = try cli.run(["auth", "status", "--offline"])
        XCTAssertEqual(offline.status, 3, offline.err)
        XCTAssertTrue(offline.err.contains("has ended (the refresh token was refused)"), offline.err)

        let before = try logins(sandbox)
        let renewed = try cli.run(["bookings", "list", "--limit", "1"], environment: ["HOMESERVE_PASSWORD": "password123"])
        XCTAssertEqual(renewed.status, 0, renewed.err)
        XCTAssertTrue(renewed.err.contains("homeserve: session for profile 'default' renewed by logging in again as customer1"), renewed.err)
        XCTAssertEqual(try logins(sandbox), before + 1)
        let next = try cli.run(["bookings", "list", "--limit", "1"], environment: ["HOMESERVE_PASSWORD": "password123"])
        XCTAssertEqual(next.status, 0, next.err)
        XCTAssertEqual(try logins(sandbox), before + 1, "the renewed session is stored and reused")
        let quiet = try cli.run(["-q", "bookings", "list", "--limit", "1"], environment: ["HOMESERVE_PASSWORD": "password123"])
        XCTAssertEqual(quiet.err, "", "-q: stderr stays empty on success")
        XCTAssertFalse((renewed.err + renewed.out).contains("password123"))
    }

    func testAPasswordCommandRenewsTheSession() throws {
        let sandbox = try Sandbox(["--access-ttl", "2", "--refresh-ttl", "4"])
        let cli = CLI(sandbox: sandbox)
        try cli.login("vendor1")
        XCTAssertEqual(try cli.run(["config", "set", "password_command", "printf 'password123\\nignored\\n'"]).status, 0)
        try advance(sandbox, 10)
        let result = try cli.run(["bookings", "list", "--limit", "1"])
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertTrue(result.err.contains("renewed by logging in again as vendor1"), result.err)
    }

    func testAPasswordCommandThatHangsIsKilledWithWhatItStarted() throws {
        let (sandbox, cli, seconds) = try sessionRenewedByAHangingHelper()
        defer { withExtendedLifetime(sandbox) {} }
        let running = try cli.start(["--timeout", "2", "bookings", "list", "--limit", "1"])
        func sleepers() -> [Int32] { Self.processes(running: "sleep", seconds) }
        // Killed with the helper's process group: gone (or dead, awaiting its reaper), not an orphan asleep.
        // Either way the sleeper is ended here, so a regression fails this test instead of hanging it.
        let end = Date().addingTimeInterval(10)
        while running.process.isRunning || !sleepers().isEmpty, Date() < end { usleep(20_000) }
        let left = sleepers()
        for pid in left { kill(pid, SIGKILL) }
        running.process.waitUntilExit()
        XCTAssertEqual(left, [], "the helper's child outlived it")
        let result = running.result()
        XCTAssertEqual(result.status, 3, result.err)
        XCTAssertTrue(result.err.contains("did not finish within 2 s"), result.err)
    }

    /// A dead session whose password_command starts `sleep SECONDS` and waits for it: a grandchild of
    /// homeserve with a duration no other process has, found by its command line. (Its stderr goes
    /// elsewhere: left running with homeserve's, it would keep the test's pipe open.)
    func sessionRenewedByAHangingHelper() throws -> (Sandbox, CLI, String) {
        guard FileManager.default.fileExists(atPath: "/proc/self/stat") else { throw XCTSkip("processes are found through /proc") }
        let sandbox = try Sandbox(["--access-ttl", "2", "--refresh-ttl", "4"])
        let cli = CLI(sandbox: sandbox)
        try cli.login()
        let seconds = String(6000 + Int.random(in: 0..<3000))
        XCTAssertEqual(try cli.run(["config", "set", "password_command", "sh -c 'sleep \(seconds) 2>/dev/null & wait'"]).status, 0)
        try advance(sandbox, 10)
        return (sandbox, cli, seconds)
    }

    /// Processes alive (not zombies) whose command line is exactly `command argument`.
    static func processes(running command: String, _ argument: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let line = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")) else { return false }
            let running = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?.split(separator: " ")[2] != "Z"
            return running && line == Data("\(command)\0\(argument)\0".utf8)
        }
    }

    /// Runs homeserve on a pseudo-terminal, writes `line` after `delay` seconds, and returns its exit status
    /// and what the terminal showed.
    static let terminalScript = """
        import os, pty, select, sys, time
        pid, fd = pty.fork()
        if pid == 0:
            os.execv(sys.argv[1], sys.argv[1:2] + sys.argv[4:])
        time.sleep(float(sys.argv[2]))
        os.write(fd, sys.argv[3].encode() + b"\\n")
        shown, end = b"", time.time() + 10
        while time.time() < end:
            if select.select([fd], [], [], 0.1)[0]:
                try: data = os.read(fd, 4096)
                except OSError: data = b""
                shown += data
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                sys.stdout.write(str(os.waitstatus_to_exitcode(status)) + "\\n" + shown.decode(errors="replace"))
                sys.exit(0)
        os.kill(pid, 9)
        sys.stdout.write("hung\\n" + shown.decode(errors="replace"))
        """

    /// --password-stdin at a terminal: the line is read with echo off, and a line sent before the prompt
    /// (a paste, an expect script) is kept, not thrown away with homeserve left waiting.
    func testPasswordStdinAtATerminalKeepsALineSentEarlyAndDoesNotEchoOneSentLater() throws {
        let sandbox = try Sandbox()
        for delay in ["0", "1.0"] {
            let cli = CLI(sandbox: sandbox)
            let python = Process()
            python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            python.arguments = ["python3", "-c", Self.terminalScript, Binaries.cli, delay, "password123", "auth", "login", "--username", "customer1", "--password-stdin"]
            python.environment = cli.environment
            let pipe = Pipe()
            python.standardOutput = pipe
            try python.run()
            let shown = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            python.waitUntilExit()
            XCTAssertTrue(shown.hasPrefix("0\n"), "delay \(delay): \(shown)")
            XCTAssertNotNil(cli.credentials.value(at: "profiles.default.refresh")?.stringValue, "delay \(delay): logged in")
            if delay != "0" {
                XCTAssertFalse(shown.contains("password123"), "typed after the prompt, not echoed: \(shown)")
            }
        }
    }

    func testSIGTERMEndsAPasswordCommandWithHomeserve() throws {
        let (sandbox, cli, seconds) = try sessionRenewedByAHangingHelper()
        defer { withExtendedLifetime(sandbox) {} }
        // As `timeout` or a cancelled CI job does: SIGTERM to homeserve while the helper hangs.
        let running = try cli.start(["--timeout", "60", "bookings", "list", "--limit", "1"])
        var end = Date().addingTimeInterval(10)
        while Self.processes(running: "sleep", seconds).isEmpty, Date() < end { usleep(20_000) }
        XCTAssertFalse(Self.processes(running: "sleep", seconds).isEmpty, "the helper started")
        kill(running.process.processIdentifier, SIGTERM)
        end = Date().addingTimeInterval(10)
        while running.process.isRunning || !Self.processes(running: "sleep", seconds).isEmpty, Date() < end { usleep(20_000) }
        let left = Self.processes(running: "sleep", seconds)
        for pid in left { kill(pid, SIGKILL) }
        running.process.waitUntilExit()
        XCTAssertEqual(left, [], "the helper's child outlived homeserve")
        XCTAssertEqual(running.process.terminationReason, .uncaughtSignal, "homeserve ends by the signal, as without a watcher")
        XCTAssertEqual(running.process.terminationStatus, SIGTERM)
    }

    /// A SIGTERM (`timeout`, a cancelled CI job) while the refresh token is being exchanged: the server may
    /// already have rotated it, so the answer is waited for and stored before homeserve ends by the signal,
    /// and the next job's session still works.
    func testSIGTERMDuringARenewalKeepsTheRotatedSession() throws {
        let sandbox = try Sandbox(["--access-ttl", "60"])
        let cli = CLI(sandbox: sandbox)
        try cli.login()
        let spent = try XCTUnwrap(cli.credentials.value(at: "profiles.default.refresh")?.stringValue)
        try advance(sandbox, 120)
        // Longer than the 3 s a stopped homeserve is given to end: a renewal in flight is waited for past them.
        try sandbox.fault(#"{"path": "/auth/refresh/", "delay_ms": 4000}"#)
        let running = try cli.start(["bookings", "list", "--limit", "1", "-o", "json"])
        let end = Date().addingTimeInterval(10)
        while try !sandbox.receivedRequests().contains("POST /auth/refresh/"), Date() < end { usleep(20_000) }
        kill(running.process.processIdentifier, SIGTERM)
        running.process.waitUntilExit()
        let result = running.result()
        XCTAssertEqual(running.process.terminationReason, .uncaughtSignal, result.err)
        XCTAssertEqual(running.process.terminationStatus, SIGTERM)
        XCTAssertEqual(result.err, "homeserve: terminated (SIGTERM)\n", "the work stopped once the answer was stored, not cut short")
        XCTAssertEqual(result.out, "", "the listing itself was not fetched")
        let stored = try XCTUnwrap(cli.credentials.value(at: "profiles.default.refresh")?.stringValue)
        XCTAssertNotEqual(stored, spent, "the rotated refresh token was stored")
        try sandbox.request("DELETE", "/sandbox/faults")
        let next = try cli.run(["bookings", "list", "--limit", "1", "-o", "json"])
        XCTAssertEqual(next.status, 0, next.err)
        XCTAssertEqual(next.err, "")

        // The same during the renewal a refused POST makes: its replay is not sent, nor said to have reached the
        // server (the server's clock has moved on, and homeserve learns of the expiry from the 401).
        try advance(sandbox, 120)
        try sandbox.fault(#"{"path": "/auth/refresh/", "delay_ms": 1200}"#)
        func renewals() throws -> Int { try sandbox.receivedRequests().filter { $0 == "POST /auth/refresh/" }.count }
        let renewed = try renewals()
        let create = try cli.start(["bookings", "create", "--service", "1", "--pincode", "560001", "--date", "+5d", "--price", "100"])
        let again = Date().addingTimeInterval(10)
        while try renewals() == renewed, Date() < again { usleep(20_000) }
        kill(create.process.processIdentifier, SIGINT)
        create.process.waitUntilExit()
        let interrupted = create.result()
        XCTAssertEqual(interrupted.status, 130, interrupted.err)
        XCTAssertEqual(interrupted.err, "homeserve: interrupted\n", "nothing was sent that may have been carried out")
        let journal = try sandbox.receivedRequests()
        XCTAssertEqual(journal.filter { $0 == "POST /api/bookings/" }.count, 1, "only the try the server refused (401), not its replay: \(journal)")
    }

    /// A machine whose clock runs an hour fast (the server's set back): the tokens are judged by the server's
    /// time, as its `Date` header showed it, so a wave of jobs sends the session as it is, with no renewal.
    func testAClockRunningFastRenewsOnlyAsTheServerCountsExpiry() throws {
        let sandbox = try Sandbox(["--access-ttl", "300"])
        try advance(sandbox, -3600)
        let cli = CLI(sandbox: sandbox)
        try cli.login()
        let jobs = try (0..<6).map { _ in try cli.start(["bookings", "list", "--limit", "1", "-o", "json"]) }
        for job in jobs {
            job.process.waitUntilExit()
            XCTAssertEqual(job.result().status, 0, job.result().err)
            XCTAssertEqual(job.result().err, "")
        }
        func renewals() throws -> Int { try sandbox.receivedRequests().filter { $0 == "POST /auth/refresh/" }.count }
        XCTAssertEqual(try renewals(), 0, "each job sent the session as it is")
        let status = try cli.run(["auth", "status", "--offline", "-o", "json"])
        XCTAssertEqual(status.json["logged_in"], true, status.err)
        // The offset is known to the second a Date header counts.
        XCTAssertLessThanOrEqual(status.json["access_expires_in"]?.intValue ?? 0, 301)
        XCTAssertGreaterThan(status.json["access_expires_in"]?.intValue ?? 0, 250)
        // The server's clock moves on by itself (as this test moves it): the token it then refuses is renewed,
        // and the offset its answer shows is kept for the next jobs.
        try advance(sandbox, 400)
        let late = try cli.run(["bookings", "list", "--limit", "1", "-o", "json"])
        XCTAssertEqual(late.status, 0, late.err)
        XCTAssertEqual(try renewals(), 1)
        XCTAssertEqual(cli.credentials.value(at: "profiles.default.clock_offset")?.intValue.map { abs($0 + 3200) <= 2 }, true,
                       "\(String(describing: cli.credentials.value(at: "profiles.default.clock_offset")))")
        XCTAssertEqual(try cli.run(["bookings", "list", "--limit", "1", "-o", "json"]).status, 0)
        XCTAssertEqual(try renewals(), 1)
    }

    /// GNU `timeout` sends its SIGTERM to the command and again to the command's process group: one request to
    /// stop, so an exchange of the refresh token under way is still waited for and stored.
    func testTimeoutDuringARenewalKeepsTheRotatedSession() throws {
        let sandbox = try Sandbox()
        let cli = CLI(sandbox: sandbox)
        try cli.login()
        let spent = try XCTUnwrap(cli.credentials.value(at: "profiles.default.refresh")?.stringValue)
        try sandbox.fault(#"{"path": "/auth/refresh/", "delay_ms": 2000}"#)
        let (status, err) = try CoreIntegrationTests.stderr(of: "/usr/bin/env", ["timeout", "1", Binaries.cli, "auth", "refresh", "-q"],
                                                            environment: cli.environment)
        XCTAssertEqual(status, 124, err)
        XCTAssertEqual(err, "homeserve: terminated (SIGTERM)\n", "the exchange was waited for, not cut short")
        let stored = try XCTUnwrap(cli.credentials.value(at: "profiles.default.refresh")?.stringValue)
        XCTAssertNotEqual(stored, spent, "the rotated refresh token was stored")
        try sandbox.request("DELETE", "/sandbox/faults")
        let next = try cli.run(["auth", "refresh", "-q"])
        XCTAssertEqual(next.status, 0, next.err)

        // The two SIGTERMs may reach homeserve as one; sent 50 ms apart, they are two signals, and still one
        // request to stop.
        let before = try XCTUnwrap(cli.credentials.value(at: "profiles.default.refresh")?.stringValue)
        try sandbox.fault(#"{"path": "/auth/refresh/", "delay_ms": 1500}"#)
        let refreshes = try sandbox.receivedRequests().filter { $0 == "POST /auth/refresh/" }.count
        let running = try cli.start(["auth", "refresh", "-q"])
        let end = Date().addingTimeInterval(10)
        while try sandbox.receivedRequests().filter({ $0 == "POST /auth/refresh/" }).count == refreshes, Date() < end { usleep(20_000) }
        kill(running.process.processIdentifier, SIGTERM)
        usleep(50_000)
        kill(running.process.processIdentifier, SIGTERM)
        running.process.waitUntilExit()
        XCTAssertEqual(running.result().err, "homeserve: terminated (SIGTERM)\n", "the exchange was waited for, not cut short")
        XCTAssertNotEqual(cli.credentials.value(at: "profiles.default.refresh")?.stringValue, before, "the rotated refresh token was stored")
    }

    func testSIGTERMStopsAWalkAsCtrlCDoesAndEndsByTheSignal() throws {
        let sandbox = try Sandbox(["--latency", "100", "--extra-bookings", "2000"])
        let cli = CLI(sandbox: sandbox)
        try cli.login()
        let running = try cli.start(["bookings", "list", "--all", "--parallel", "1", "-o", "ndjson"])
        let end = Date().addingTimeInterval(10)
        while running.result().out.split(separator: "\n").count < 20, Date() < end { usleep(20_000) }
        kill(running.process.processIdentifier, SIGTERM)
        running.process.waitUntilExit()
        let result = running.result()
        XCTAssertEqual(running.process.terminationReason, .uncaughtSignal, result.err)
        XCTAssertEqual(running.process.terminationStatus, SIGTERM)
        XCTAssertEqual(result.err, "homeserve: terminated (SIGTERM)\n")
        let rows = result.out.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertGreaterThanOrEqual(rows.count, 21, "the rows before it were printed")
        XCTAssertEqual(rows.last, "", "and each of them whole")
        XCTAssertLessThan(rows.count, 2046)

        // A wait that does not notice (stdin that never ends) is ended by the signal a few seconds later, and
        // Ctrl-C (`timeout -s INT`) is held to the same few seconds, exiting 130.
        let terminated = try Self.signalled(SIGTERM, ["auth", "login", "--username", "customer1", "--password-stdin"], cli)
        XCTAssertLessThan(terminated.seconds, 6)
        XCTAssertEqual(terminated.process.terminationReason, .uncaughtSignal)
        XCTAssertEqual(terminated.process.terminationStatus, SIGTERM)
        XCTAssertEqual(terminated.err, "homeserve: terminated (SIGTERM), and the work did not stop within 3 seconds\n")
        let interrupted = try Self.signalled(SIGINT, ["api", "POST", "/api/bookings/", "--input", "-"], cli)
        XCTAssertLessThan(interrupted.seconds, 6)
        XCTAssertEqual(interrupted.process.terminationStatus, 130)
        XCTAssertEqual(interrupted.err, "homeserve: interrupted, and the work did not stop within 3 seconds\n")
    }

    /// Runs homeserve reading a stdin that never ends, sends it `signal`, and waits for it to end: how long
    /// that took, and its stderr.
    static func signalled(_ signal: Int32, _ arguments: [String], _ cli: CLI) throws -> (process: Process, seconds: Double, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binaries.cli)
        process.arguments = arguments
        process.environment = cli.environment
        let input = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardError = errors
        try process.run()
        defer { try? input.fileHandleForWriting.close() }
        usleep(300_000)
        let sent = Date()
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        return (process, Date().timeIntervalSince(sent), String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    func testSixteenProcessesOnADeadSessionLogInOnce() throws {
        let sandbox = try Sandbox(["--access-ttl", "2", "--refresh-ttl", "4"])
        let cli = CLI(sandbox: sandbox, environment: ["HOMESERVE_PASSWORD": "password123"])
        try cli.login()
        try advance(sandbox, 10)
        try sandbox.request("DELETE", "/sandbox/requests")
        let running = try (0..<16).map { _ in try cli.start(["bookings", "list", "--limit", "2", "-o", "json"]) }
        for process in running { process.process.waitUntilExit() }
        for process in running {
            let result = process.result()
            XCTAssertEqual(result.status, 0, result.err)
            XCTAssertEqual(result.json.arrayValue?.count, 2)
        }
        XCTAssertEqual(try logins(sandbox), 1, "one login for sixteen processes")
    }

    func testARefreshTokenFromTheEnvironmentOutlivesTheAccessTokenAndIsNeverWritten() throws {
        let sandbox = try Sandbox(["--access-ttl", "2"])
        let customer = CLI(sandbox: sandbox)
        try customer.login()
        let vendor = CLI(sandbox: sandbox)
        try vendor.login("vendor1")
        let created = try customer.run(["bookings", "create", "--service", "1", "--pincode", "560001", "--date", Dates.future(days: 30, hour: 10),
                                        "--price", "499", "-o", "json"])
        let id = try XCTUnwrap(created.json["id"]?.stringValue, created.err)
        let refresh = try XCTUnwrap(customer.credentials.value(at: "profiles.default.refresh")?.stringValue)
        try customer.run(["auth", "logout"])

        // One long command with nothing but the secret: an empty config directory, polling past the token's life.
        let ci = CLI(sandbox: sandbox, environment: ["HOMESERVE_REFRESH_TOKEN": refresh])
        try sandbox.request("DELETE", "/sandbox/requests")
        let waiting = try ci.start(["bookings", "wait", id, "--status", "confirmed", "--timeout", "30", "--poll", "1", "--reconnect-attempts", "0", "-o", "json"])
        func refreshes() throws -> Int { try sandbox.receivedRequests().filter { $0 == "POST /auth/refresh/" }.count }
        let deadline = Date().addingTimeInterval(15)
        while try refreshes() < 1, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        try advance(sandbox, 60)
        while try refreshes() < 2, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertEqual(try vendor.run(["bookings", "accept", id]).status, 0)
        waiting.process.waitUntilExit()
        let result = waiting.result()
        XCTAssertEqual(result.status, 0, result.err)
        XCTAssertEqual(result.json["status"], .string("confirmed"))
        XCTAssertGreaterThanOrEqual(try refreshes(), 2, "refreshed at start, and again once the access token had expired")
        XCTAssertFalse(FileManager.default.fileExists(atPath: ci.configDir), "a token from the environment is never written")
        let status = try ci.run(["auth", "status", "-o", "json"])
        XCTAssertEqual(status.status, 3, "the secret was rotated by the long command, and the server accepts each refresh token once: \(status.err)")
    }

    /// The README's CI job: an empty config directory, HOMESERVE_USERNAME and HOMESERVE_PASSWORD, then
    /// doctor and smoke --write --ws.
    func testTheREADMEsCIJobRunsAsWritten() throws {
        let sandbox = try Sandbox()
        let ci = CLI(sandbox: sandbox, environment: ["HOMESERVE_USERNAME": "customer1", "HOMESERVE_PASSWORD": "password123"])
        let directory = try Fixtures.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let smoke = try ci.run(["smoke", "--write", "--ws", "--junit", directory + "/smoke.xml", "-o", "json"])
        XCTAssertEqual(smoke.status, 0, smoke.err + smoke.out)
        let cases = smoke.json["cases"]?.arrayValue ?? []
        XCTAssertTrue(cases.contains { $0["case"] == "booking round trip" && $0["result"] == "pass" }, smoke.out)
        XCTAssertTrue(cases.contains { $0["case"] == "ws chat" && $0["result"] == "pass" }, smoke.out)
        XCTAssertTrue(cases.contains { $0["case"] == "signatures list" && $0["role"] == "customer" }, "the role's own reads run: \(smoke.out)")
        XCTAssertTrue(smoke.err.contains("logged in as customer1 for profile 'default'"), smoke.err)
        XCTAssertEqual(try ci.run(["doctor"]).status, 0)

        // A secret that names no user cannot open a user's channels: refused before anything is sent.
        let refresh = try XCTUnwrap(ci.credentials.value(at: "profiles.default.refresh")?.stringValue)
        let secret = CLI(sandbox: sandbox, environment: ["HOMESERVE_REFRESH_TOKEN": refresh])
        try sandbox.request("DELETE", "/sandbox/requests")
        let refused = try secret.run(["smoke", "--ws"])
        XCTAssertEqual(refused.status, 2, refused.err)
        XCTAssertEqual(refused.err, "homeserve: --ws opens the channels as the logged-in user and role, and profile 'default' has no user known (a session from HOMESERVE_REFRESH_TOKEN names none): log in with 'homeserve auth login', or leave out --ws\n")
        XCTAssertEqual(try sandbox.receivedRequests(), [])

        // A job whose secret went missing: the credentials are what fails (3), for --ws and --write alike.
        let bare = CLI(sandbox: sandbox)
        for flag in ["--ws", "--write"] {
            let missing = try bare.run(["smoke", flag])
            XCTAssertEqual(missing.status, 3, missing.err)
            XCTAssertEqual(missing.err, "homeserve: not logged in (profile 'default'); run 'homeserve auth login'\n")
        }
        XCTAssertEqual(try sandbox.receivedRequests(), [])
    }

    func testDoctorReportsEveryCheckAndExitsWithTheFirstFailure() throws {
        let sandbox = try Sandbox()
        let cli = CLI(sandbox: sandbox)
        try cli.login()
        let healthy = try cli.run(["doctor", "-o", "json"])
        XCTAssertEqual(healthy.status, 0, healthy.err + healthy.out)
        let checks = healthy.json["checks"]?.arrayValue ?? []
        XCTAssertGreaterThanOrEqual(checks.count, 8, healthy.out)
        XCTAssertTrue(checks.allSatisfy { ["ok", "warn"].contains($0["status"]?.stringValue ?? "") }, healthy.out)
        for name in ["profile", "url", "proxy", "dns", "tcp", "tls", "server", "clock", "access token", "refresh token", "session", "files"] {
            XCTAssertTrue(checks.contains { $0["name"]?.stringValue == name }, "no \(name) check: \(healthy.out)")
        }
        let table = try cli.run(["doctor", "-o", "table"])
        XCTAssertTrue(table.out.contains("session") && table.out.contains("accepted by the server as customer1"), table.out)

        let unreachable = try cli.run(["doctor", "-o", "json", "--url", "http://127.0.0.1:9", "--retries", "0"])
        XCTAssertEqual(unreachable.status, 9, unreachable.err)
        XCTAssertEqual(unreachable.json["checks"]?.arrayValue?.first { $0["name"]?.stringValue == "tcp" }?["status"], .string("fail"))

    }

    func testSmokeWritesJUnitAndFailsOnABrokenEndpoint() throws {
        let sandbox = try Sandbox()
        let cli = CLI(sandbox: sandbox)
        try cli.login()
        let directory = try Fixtures.directory()
        let xml = directory + "/smoke.xml"
        let passed = try cli.run(["smoke", "--write", "--ws", "--junit", xml, "-o", "json"])
        XCTAssertEqual(passed.status, 0, passed.err + passed.out)
        let report = try String(contentsOfFile: xml, encoding: .utf8)
        let cases = report.components(separatedBy: "<testcase ").count - 1
        XCTAssertGreaterThanOrEqual(cases, 8, report)
        XCTAssertFalse(report.contains("<failure"), report)
        XCTAssertEqual(passed.json["failed"]?.intValue, 0)
        XCTAssertEqual(try sandbox.receivedRequests().filter { $0.hasPrefix("PATCH /api/bookings/") }.count, 1, "the round trip cancels what it made, once")

        try sandbox.fault(#"{"path": "/api/services/", "status": 500, "count": 100}"#)
        let failed = try cli.run(["smoke", "--junit", xml])
        XCTAssertEqual(failed.status, 8, failed.err)
        let broken = try String(contentsOfFile: xml, encoding: .utf8)
        XCTAssertTrue(broken.contains("<failure") && broken.contains("services list"), broken)
        XCTAssertTrue(broken.contains("<skipped message=\"needs a service from services list, which failed\"/>"),
                      "scheduling slots is skipped, not failed a second time for services list, and names it: \(broken)")

        // Asked to write with no customer to write as, smoke refuses before sending anything.
        let vendor = CLI(sandbox: sandbox)
        try vendor.login("vendor1")
        try sandbox.request("DELETE", "/sandbox/requests")
        let refused = try vendor.run(["smoke", "--write"])
        XCTAssertEqual(refused.status, 2, refused.err)
        XCTAssertTrue(refused.err.contains("--write books and cancels a booking as a customer"), refused.err)
        XCTAssertEqual(try sandbox.receivedRequests(), [])

        // Sockets that cannot be reached fail as `watch` fails on them (9), each case saying why.
        // (A profile's ws_url is its own url's companion: the profile, not HOMESERVE_URL, names the server.)
        try sandbox.request("DELETE", "/sandbox/faults")
        let profiled = CLI(sandbox: nil)
        XCTAssertEqual(try profiled.run(["config", "set", "url", sandbox.url]).status, 0)
        try profiled.login()
        XCTAssertEqual(try profiled.run(["config", "set", "ws_url", "ws://127.0.0.1:9"]).status, 0)
        let unreachable = try profiled.run(["smoke", "--ws", "-o", "json"])
        XCTAssertEqual(unreachable.status, 9, unreachable.err + unreachable.out)
        let failures = unreachable.json["cases"]?.arrayValue?.filter { $0["result"]?.stringValue == "fail" } ?? []
        XCTAssertFalse(failures.isEmpty, unreachable.out)
        XCTAssertTrue(failures.allSatisfy { $0["detail"]?.stringValue?.contains("cannot connect to ws://127.0.0.1:9/ws/") == true }, unreachable.out)
    }

    func testSmokeAsAnOnboardManagerMakesTheReadsThatRoleMay() throws {
        let sandbox = try Sandbox()
        let cli = CLI(sandbox: sandbox)
        try cli.login("onboard_mgr")
        let result = try cli.run(["smoke", "-o", "json"])
        XCTAssertEqual(result.status, 0, result.err + result.out)
        XCTAssertEqual(result.json["failed"]?.intValue, 0, result.out)
        XCTAssertFalse(try sandbox.receivedRequests().contains { $0.contains("/admin-dashboard/") }, "an onboard manager is no operator")
    }

    func testSmokeNamesABookingItCouldNotCancel() throws {
        let sandbox = try Sandbox()
        let cli = CLI(sandbox: sandbox)
        try cli.login()
        try sandbox.fault(#"{"path": "/api/bookings/*", "method": "PATCH", "status": 503, "count": 100}"#)
        let result = try cli.run(["--retries", "0", "smoke", "--write"])
        XCTAssertEqual(result.status, 8, result.err)
        let line = result.err.split(separator: "\n").first { $0.contains("smoke may have left booking") }.map(String.init) ?? ""
        let id = line.split(separator: " ").count > 7 ? String(line.split(separator: " ")[7]) : ""
        XCTAssertEqual(line, "homeserve: warning: smoke may have left booking \(id) behind: cancelling it failed; check it with 'homeserve --profile default bookings get \(id)' and cancel it with 'homeserve --profile default bookings cancel \(id)'",
                       result.err)
        let token = cli.credentials["profiles"]?["default"]?["access"]?.stringValue
        let (status, booking) = try sandbox.request("GET", "/api/bookings/\(id)/", token: token)
        XCTAssertEqual(status, 200)
        XCTAssertEqual(booking["status"], "pending", "the booking named is the one left behind")
    }

    func testSmokeFailsARoundTripWhoseCancelTheServerDidNotCarryOut() throws {
        let sandbox = try Sandbox()
        let cli = CLI(sandbox: sandbox)
        try cli.login()
        try sandbox.fault(#"{"path": "/api/bookings/*", "method": "PATCH", "status": 200, "count": 1, "body": "{\"detail\": \"ok\"}"}"#)
        let result = try cli.run(["smoke", "--write", "-o", "json"])
        XCTAssertEqual(result.status, 6, result.err)
        let round = result.json["cases"]?.arrayValue?.first { $0["case"] == "booking round trip" }
        XCTAssertEqual(round?["result"], "fail", result.out)
        XCTAssertTrue(round?["detail"]?.stringValue?.contains("but the booking is \"pending\", not 'cancelled'") ?? false, result.out)
        XCTAssertTrue(result.err.contains("smoke may have left booking "), result.err)
    }

    func testSmokeCancelsABookingItsPOSTMadeWithoutAUsableAnswer() throws {
        let sandbox = try Sandbox()
        let cli = CLI(sandbox: sandbox)
        try cli.login()
        // The booking is made, and its answer cut short: found by the run's notes and cancelled.
        try sandbox.fault(#"{"path": "/api/bookings/", "method": "POST", "count": 1, "truncate": true}"#)
        let cut = try cli.run(["--retries", "0", "smoke", "--write"])
        XCTAssertEqual(cut.status, 8, cut.err)
        let line = cut.err.split(separator: "\n").first { $0.contains("smoke cancelled booking") }.map(String.init) ?? ""
        let id = line.split(separator: " ").count > 4 ? String(line.split(separator: " ")[4].dropLast()) : ""
        XCTAssertEqual(line, "homeserve: smoke cancelled booking \(id), which its POST made without a usable answer", cut.err)
        let token = cli.credentials["profiles"]?["default"]?["access"]?.stringValue
        XCTAssertEqual(try sandbox.request("GET", "/api/bookings/\(id)/", token: token).1["status"], "cancelled")

        // No answer in time, and the booking made only later: the warning says how to find it, and that works.
        try sandbox.fault(#"{"path": "/api/bookings/", "method": "POST", "count": 1, "delay_ms": 1500}"#)
        let slow = try cli.run(["--retries", "0", "--timeout", "1", "smoke", "--write"])
        XCTAssertEqual(slow.status, 9, slow.err)
        let warning = slow.err.split(separator: "\n").first { $0.contains("smoke may have left a booking behind") }.map(String.init) ?? ""
        XCTAssertTrue(warning.hasPrefix("homeserve: warning: smoke may have left a booking behind: its POST got no usable answer, and no pending booking has its notes yet; find it later with homeserve --profile default bookings list --status pending --pincode 560001 --all -o json --jq '.[] | select(.customer_notes == \"homeserve smoke test "), slow.err)
        let jq = try XCTUnwrap(warning.range(of: "--jq '").map { String(warning[$0.upperBound...].dropLast()) })
        // The server makes the booking half a second after homeserve gave up; a busy machine may take longer.
        var found = try cli.run(["bookings", "list", "--status", "pending", "--pincode", "560001", "--all", "-o", "json", "--jq", jq])
        let end = Date().addingTimeInterval(10)
        while found.out.isEmpty, Date() < end {
            Thread.sleep(forTimeInterval: 0.2)
            found = try cli.run(["bookings", "list", "--status", "pending", "--pincode", "560001", "--all", "-o", "json", "--jq", jq])
        }
        XCTAssertEqual(found.status, 0, found.err)
        XCTAssertEqual(found.out.split(separator: "\n").count, 1, "the command in the warning finds the one booking: \(found.out)")
    }

    func testSmokeFailsAProfileGivenForARoleItDoesNotHave() throws {
        let sandbox = try Sandbox()
        let cli = CLI(sandbox: sandbox)
        try cli.login()
        let other = try cli.run(["--profile", "shop", "auth", "login", "--username", "customer2", "--password-stdin", "-q"], stdin: "password123\n")
        XCTAssertEqual(other.status, 0, other.err)
        let smoke = try cli.run(["smoke", "--as", "ops_manager=shop", "-o", "json"])
        XCTAssertEqual(smoke.status, 3, smoke.err)
        let session = smoke.json["cases"]?.arrayValue?.first { $0["case"] == "session" && $0["role"] == "ops_manager" }
        XCTAssertEqual(session?["result"], "fail", smoke.out)
        XCTAssertEqual(session?["detail"]?.stringValue, "--as ops_manager=shop: the profile is logged in as customer2 with role customer, not ops_manager", smoke.out)
        // The role's reads would run as someone else: skipped, never passed.
        let reads = smoke.json["cases"]?.arrayValue?.filter { $0["role"] == "ops_manager" && $0["case"] != "session" } ?? []
        XCTAssertFalse(reads.isEmpty, smoke.out)
        for read in reads {
            XCTAssertEqual(read["result"], "skip", "\(read)")
            XCTAssertEqual(read["detail"], "the ops_manager session failed")
        }
    }

    func testSmokeSaysWhenItsProfilesUseTwoServers() throws {
        let first = try Sandbox(), second = try Sandbox()
        let cli = CLI(sandbox: nil)
        XCTAssertEqual(try cli.run(["--url", first.url, "auth", "login", "--username", "customer1", "--password-stdin", "-q"], stdin: "password123\n").status, 0)
        XCTAssertEqual(try cli.run(["--profile", "shop", "--url", second.url, "auth", "login", "--username", "customer2", "--password-stdin", "-q"],
                                   stdin: "password123\n").status, 0)
        let smoke = try cli.run(["smoke", "--as", "customer=shop", "-o", "json"])
        XCTAssertTrue(smoke.err.contains("homeserve: warning: profile 'shop' uses \(second.url), not \(first.url): this run covers two servers"), smoke.err)
        let held = try cli.run(["smoke", "--as", "customer=shop", "-o", "json"], environment: ["HOMESERVE_URL": first.url])
        XCTAssertFalse(held.err.contains("two servers"), held.err)

        // --url holds every profile to one server for this run only: a login made there for 'shop' is not
        // stored in place of its session with its own server.
        let oneOff = try cli.run(["--url", first.url, "smoke", "--as", "customer=shop", "-o", "json"], environment: ["HOMESERVE_PASSWORD": "password123"])
        XCTAssertTrue(oneOff.err.contains("logged in as customer2 to \(first.url) for this command only; profile 'shop' keeps its session with \(second.url)"), oneOff.err)
        XCTAssertEqual(cli.credentials.value(at: "profiles.shop.url")?.stringValue, second.url)
        XCTAssertEqual(try cli.run(["--profile", "shop", "bookings", "list", "--limit", "1"]).status, 0, "shop still works with its own server")
    }

    func testUnknownProfilesAndConfigSources() throws {
        let sandbox = try Sandbox()
        let cli = CLI(sandbox: sandbox)
        try cli.login()
        let unknown = try cli.run(["--profile", "nosuch", "bookings", "list"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.err.contains("unknown profile 'nosuch'") && unknown.err.contains("default"), unknown.err)
        XCTAssertEqual(try cli.run(["bookings", "list"], environment: ["HOMESERVE_PROFILE": "nosuch"]).status, 2)
        let created = try cli.run(["--profile", "staging", "auth", "login", "--username", "vendor1", "--password-stdin"], stdin: "password123\n")
        XCTAssertEqual(created.status, 0, created.err)
        let profiles = try cli.run(["config", "profiles", "-o", "json"])
        XCTAssertEqual(Set(profiles.json.arrayValue?.compactMap { $0["profile"]?.stringValue } ?? []), ["default", "staging"], profiles.out)
        XCTAssertTrue(profiles.json.arrayValue?.allSatisfy { $0["session"]?.stringValue == "active" } ?? false, profiles.out)
        let list = try cli.run(["config", "list", "-o", "json", "--timeout", "7"])
        let sources = Dictionary(uniqueKeysWithValues: (list.json.arrayValue ?? []).compactMap { row in
            row["setting"]?.stringValue.map { ($0, row["source"]?.stringValue ?? "") }
        })
        XCTAssertEqual(sources["url"], "env")
        XCTAssertEqual(sources["timeout"], "flag")
        XCTAssertEqual(sources["output"], "flag")
        XCTAssertEqual(sources["credentials"], "credentials")
    }

    func testWaitingThatRunsOutOfTimeExits11() throws {
        let sandbox = try Sandbox()
        let cli = CLI(sandbox: sandbox)
        try cli.login()
        let pending = SeedIDs.booking(1)
        let result = try cli.run(["bookings", "wait", pending, "--status", "completed", "--timeout", "3", "--poll", "1"])
        XCTAssertEqual(result.status, 11, result.err)
        XCTAssertTrue(result.err.contains("did not reach 'completed' within 3s"), result.err)
    }
}
