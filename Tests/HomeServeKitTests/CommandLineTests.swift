import XCTest
@testable import HomeServeKit

/// Whole command lines run in-process: help, dry runs and local validation never touch the network.
final class CommandLineTests: XCTestCase {
    func testDryRunPrintsRequestsAndRedactsSecrets() throws {
        let dir = temporaryDirectory()
        let env = ["HOMESERVE_CONFIG_DIR": dir]
        try Session(paths: ConfigPaths(environment: env), profile: nil, environment: env, warn: { _ in })
            .saveLogin(.object([("access", .string("secret-access")), ("refresh", .string("secret-refresh"))]))
        let (status, out, _) = runCLI(["--dry-run", "bookings", "list", "--status", "pending"], environment: env)
        XCTAssertEqual(status, 0)
        let request = try JSON.parse(out)
        XCTAssertEqual(request["method"], .string("GET"))
        XCTAssertEqual(request["url"], .string("http://127.0.0.1:9/api/bookings/?status=pending"))
        XCTAssertEqual(request.value(at: "headers.Authorization"), .string("Bearer ***"))
        XCTAssertFalse(out.contains("secret"))

        let login = runCLI(["auth", "login", "--username", "u", "--dry-run"], environment: env.merging(["HOMESERVE_PASSWORD": "hunter2"]) { $1 })
        XCTAssertEqual(login.0, 0)
        XCTAssertEqual(try JSON.parse(login.1)["body"], .object([("username", .string("u")), ("password", .string("***"))]))
        XCTAssertFalse(login.1.contains("hunter2") || login.2.contains("hunter2"))
        XCTAssertEqual(try Session(paths: ConfigPaths(environment: env), profile: nil, environment: env, warn: { _ in }).credentials()?.access,
                       "secret-access", "a dry run leaves the credentials alone")
    }

    func testSocketURLFollowsAnExplicitURLOverTheProfile() throws {
        let dir = temporaryDirectory()
        let env = ["HOMESERVE_CONFIG_DIR": dir]
        XCTAssertEqual(runCLI(["config", "set", "ws_url", "wss://prod.example"], environment: env).0, 0)
        let profile = try JSON.parse(runCLI(["--dry-run", "watch", "booking", "b1"], environment: env.merging(["HOMESERVE_URL": ""]) { $1 }).1)
        XCTAssertEqual(profile["url"], .string("wss://prod.example/ws/bookings/b1/"))
        let flagged = try JSON.parse(runCLI(["--dry-run", "--url", "https://staging.example", "watch", "booking", "b1"], environment: env).1)
        XCTAssertEqual(flagged["url"], .string("wss://staging.example/ws/bookings/b1/"))
    }

    func testLoginWithoutTerminalNeedsAPasswordSource() {
        let (status, out, err) = runCLI(["auth", "login", "--username", "u"])
        XCTAssertEqual(status, 2)
        XCTAssertEqual(out, "")
        XCTAssertTrue(err.contains("--password-stdin") && err.contains("HOMESERVE_PASSWORD"), err)
        XCTAssertEqual(runCLI(["auth", "login"]).0, 2, "no username prompt without a terminal")
    }

    func testOTPNeedsExactlyOneIdentity() {
        XCTAssertTrue(runCLI(["auth", "otp", "send"]).2.contains("--email EMAIL or --phone PHONE"))
        XCTAssertTrue(runCLI(["auth", "otp", "send", "--email", "a@b.c", "--phone", "+919999999999"]).2.contains("not both"))
        XCTAssertTrue(runCLI(["auth", "otp", "send", "--email", "nope"]).2.contains("invalid value 'nope' for --email"))
        let verify = runCLI(["--dry-run", "auth", "otp", "verify", "--phone", "+919876543201", "--otp", "123456", "--vendor"])
        XCTAssertEqual(verify.0, 0)
        XCTAssertTrue(verify.1.contains("/auth/vendor/verify-otp/"))
        XCTAssertTrue(verify.1.contains(#""otp":"***""#))
    }

    func testHelpTeaches() {
        let (status, out, _) = runCLI(["bookings", "create", "--help"])
        XCTAssertEqual(status, 0)
        for needle in ["Book a service", "Usage:", "--service ID", "required", "--price AMOUNT", "Examples:", "$ homeserve bookings create", "Exit codes:"] {
            XCTAssertTrue(out.contains(needle), "help lacks \(needle)")
        }
        let root = runCLI(["--help"]).1
        XCTAssertTrue(root.contains("Session:") && root.contains("Marketplace:"))
        XCTAssertTrue(runCLI(["help", "exit-codes"]).1.contains("130  interrupted"))
        XCTAssertTrue(runCLI(["help", "environment"]).1.contains("HOMESERVE_TOKEN"))
        XCTAssertTrue(runCLI(["help", "output"]).1.contains("ndjson"))
        let typo = runCLI(["help", "bokings"])
        XCTAssertEqual(typo.0, 2)
        XCTAssertTrue(typo.2.contains("did you mean 'bookings'"))
        XCTAssertEqual(runCLI(["--version"]).1, "homeserve \(HomeServe.version)\n")
    }

    func testEveryCommandHasSummaryFlagsHelpAndAnExample() {
        for command in CommandTable.standard.commands {
            XCTAssertFalse(command.summary.isEmpty, command.name)
            XCTAssertFalse(command.examples.isEmpty, "\(command.name) needs an example")
            for example in command.examples { XCTAssertTrue(example.command.contains("homeserve "), "\(command.name): \(example.command)") }
            for flag in command.flags { XCTAssertFalse(flag.help.isEmpty, "\(command.name) --\(flag.name)") }
        }
    }

    func testBadOutputEnvironmentIsAUsageError() {
        let (status, _, err) = runCLI(["services", "list"], environment: ["HOMESERVE_OUTPUT": "xml"])
        XCTAssertEqual(status, 2)
        XCTAssertTrue(err.contains("HOMESERVE_OUTPUT"))
    }

    func testBadURLFromEnvironmentOrOutputSettingIsAUsageError() {
        let url = runCLI(["services", "list"], environment: ["HOMESERVE_URL": "ftp://x"])
        XCTAssertEqual(url.0, 2)
        XCTAssertTrue(url.2.contains("HOMESERVE_URL"), url.2)
        let dir = temporaryDirectory()
        try? AtomicFile.write(dir + "/settings.json", #"{"profiles": {"default": {"output": "yaml"}}}"#, mode: 0o600)
        let output = runCLI(["services", "list"], environment: ["HOMESERVE_CONFIG_DIR": dir])
        XCTAssertEqual(output.0, 2)
        XCTAssertTrue(output.2.contains("invalid output 'yaml' in profile 'default'"), output.2)
    }

    func testStatusWithoutSessionIsOfflineAndExits3() throws {
        let (status, out, err) = runCLI(["auth", "status", "-o", "json"])
        XCTAssertEqual(status, 3)
        XCTAssertEqual(try JSON.parse(out)["logged_in"], .bool(false))
        XCTAssertTrue(err.contains("not logged in"))
    }
}
