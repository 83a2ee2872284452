import HomeServeAPI
@testable import HomeServeCLI
import HomeServeCore
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// What must never happen whatever the server sends or the machine does: escape sequences reaching the
/// terminal, secrets reaching logs, a full disk passing for success, bytes changed on their way through.
final class SafetyTests: XCTestCase {
    var harness: Harness!
    var access = ""
    var transport: StubTransport { harness.transport }

    override func setUp() {
        harness = Harness()
        access = harness.logIn()
    }

    override func tearDown() { transport.verify() }

    let hostile = #"Tap\u001b]0;pwned\u0007 fix\u001b[2J\u009b1m"#

    // MARK: Escape sequences

    func testEscapesFromTheServerAreShownNotObeyedInTables() {
        transport.register("GET", "/api/services/", json: #"[{"id": 1, "name": "\#(hostile)"}]"#, times: 2)
        harness.stdoutTTY = true
        let table = harness.run(["services", "list", "--no-color"])
        XCTAssertEqual(table.status, 0)
        XCTAssertEqual(table.out, "ID  NAME\n1   Tap\\x1b]0;pwned\\x07 fix\\x1b[2J\\u009b1m\n")
        XCTAssertFalse(table.out.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B })
        let json = harness.run(["services", "list", "-o", "json"])
        XCTAssertEqual(json.json.arrayValue?.first?["name"], .string("Tap\u{1B}]0;pwned\u{07} fix\u{1B}[2J\u{9B}1m"), "JSON stays exact")
        XCTAssertTrue(json.out.contains(#"\u001b]0;pwned\u0007"#), json.out)
    }

    func testEscapesInARecordAndInTSVAreMadeVisible() {
        transport.register("GET", "/api/services/4/", json: #"{"id": 4, "name": "\#(hostile)"}"#, times: 2)
        harness.stdoutTTY = true
        XCTAssertEqual(harness.run(["services", "get", "4", "--no-color"]).out, "id    4\nname  Tap\\x1b]0;pwned\\x07 fix\\x1b[2J\\u009b1m\n")
        XCTAssertEqual(harness.run(["services", "get", "4", "-o", "tsv", "--no-headers"]).out, "4\tTap\\x1b]0;pwned\\x07 fix\\x1b[2J\\u009b1m\n")
    }

    func testBidiControlsAreShownAndWideCharactersTakeTwoColumns() {
        transport.register("GET", "/api/services/", json: #"[{"id": 1, "name": "日本語のメモ🚿x", "note": "a"}, {"id": 22, "name": "invoice\u202Efdp.exe", "note": "b"}]"#)
        XCTAssertEqual(harness.run(["services", "list", "-o", "table"]).out, """
            ID  NAME                  NOTE
            1   日本語のメモ🚿x       a
            22  invoice\\u202efdp.exe  b

            """, "columns line up in terminal cells, and the right-to-left override shows as an escape")
        XCTAssertEqual(TerminalText.cells("日本語🚿x"), 9)
        XCTAssertEqual(TerminalText.prefix("日本語x", cells: 5), "日本")
        for width in 8...12 {
            XCTAssertEqual(TerminalText.prefix("invoice\\u202efdp.exe", cells: width), "invoice", "a cut never halves an escape")
        }
        XCTAssertEqual(TerminalText.prefix("invoice\\u202efdp.exe", cells: 13), "invoice\\u202e")
        XCTAssertEqual(TerminalText.prefix("a\\x1b[2J", cells: 3), "a", "nor a short one")
        XCTAssertEqual(TerminalText.prefix("C:\\users\\me", cells: 5), "C:\\us", "a backslash of the text's own is cut like any character")
        transport.register("GET", "/api/services/", json: #"[{"id": 22, "name": "invoice\u202Efdp.exe", "note": "b"}]"#)
        harness.stdoutTTY = true
        harness.terminalWidth = 17
        XCTAssertEqual(harness.run(["services", "list", "-o", "table", "--no-color"]).out, "ID  NAME\n22  invoice…\n",
                       "a cell cut to fit the terminal ends before the escape, not inside it")
        harness.stdoutTTY = false
        harness.terminalWidth = nil
        XCTAssertEqual(TerminalText.cells("e\u{301}"), 1, "a combining accent takes no column of its own")
        XCTAssertEqual(TerminalText.cells("zw\u{200B}sp\u{200B}x"), 5, "a zero-width space takes none")
        XCTAssertEqual(TerminalText.cells("1\u{FE0F}\u{20E3} keycap"), 9, "a keycap emoji takes two")
        transport.register("GET", "/api/services/", json: #"[{"id": 3, "name": "مرحبا\u200F (AR)"}]"#)
        XCTAssertEqual(harness.run(["services", "list", "-o", "tsv", "--no-headers"]).out, "3\tمرحبا\u{200F} (AR)\n",
                       "data formats keep a right-to-left mark: Arabic or Hebrew text may need it")
        transport.register("GET", "/api/services/", json: #"[{"id": 5, "name": "a\u2028b\u2029c\u0085d"}]"#)
        XCTAssertEqual(harness.run(["services", "list", "-o", "tsv", "--no-headers"]).out, "5\ta\\u2028b\\u2029c\\u0085d\n",
                       "a tsv record stays one line for any reader")
    }

    func testTabsAndNewlinesInTableCellsAreEscapedInAPipeToo() {
        transport.register("GET", "/api/services/", json: #"[{"id": 1, "name": "Tap\tand\nsink", "odd\tkey": "x"}]"#)
        transport.register("GET", "/api/services/4/", json: #"{"id": 4, "name": "Tap\tand\nsink"}"#)
        XCTAssertEqual(harness.run(["services", "list", "-o", "table", "--fields", "id,name,odd\tkey"]).out,
                       "ID  NAME                ODD\\x09KEY\n1   Tap\\x09and\\x0asink  x\n")
        XCTAssertEqual(harness.run(["services", "get", "4", "-o", "table"]).out, "id    4\nname  Tap\\x09and\\x0asink\n")
    }

    func testCSVAndRawJqStringsAreShownOnATerminalAndExactInAPipe() {
        transport.register("GET", "/api/services/4/", json: #"{"id": 4, "name": "a\u001b[2Jb"}"#, times: 4)
        harness.stdoutTTY = true
        XCTAssertEqual(harness.run(["services", "get", "4", "-o", "csv", "--no-headers"]).out, "4,\"a\\x1b[2Jb\"\n")
        XCTAssertEqual(harness.run(["services", "get", "4", "--jq", ".name"]).out, "a\\x1b[2Jb\n")
        harness.stdoutTTY = false
        XCTAssertEqual(harness.run(["services", "get", "4", "-o", "csv", "--no-headers"]).out, "4,\"a\u{1B}[2Jb\"\n", "a file keeps the bytes")
        XCTAssertEqual(harness.run(["services", "get", "4", "--jq", ".name"]).out, "a\u{1B}[2Jb\n")
    }

    func testEscapesInServerMessagesAreMadeVisibleOnStderr() {
        transport.register("POST", "/api/bookings/", status: 400, json: #"{"detail": "bad \#(hostile)", "pincode": ["\u001b[31mred"]}"#)
        let outcome = harness.run(["bookings", "create", "--service", "1", "--pincode", "560001", "--date", "2026-12-01T10:00:00+05:30", "--price", "1"])
        XCTAssertEqual(outcome.status, 6)
        XCTAssertEqual(outcome.err, "homeserve: POST /api/bookings/ failed: HTTP 400: bad Tap\\x1b]0;pwned\\x07 fix\\x1b[2J\\u009b1m\nhomeserve:   pincode: \\x1b[31mred\n")
        transport.register("GET", "/api/bookings/", json: #"{"\u001b[2Jkey": 1}"#)
        XCTAssertEqual(harness.run(["bookings", "list"]).err, "homeserve: GET /api/bookings/: the answer has no list of rows (keys: \\x1b[2Jkey); 'homeserve api GET /api/bookings/' shows it as received\n")
        transport.register("POST", "/api/bookings/", status: 422, json: #"{"errors": {"date\u001b[1m": ["no\u0007"]}}"#)
        XCTAssertEqual(lines(harness.run(["bookings", "create", "--service", "1", "--pincode", "560001", "--date", "2026-12-01T10:00:00+05:30", "--price", "1"]).err).last,
                       "homeserve:   date\\x1b[1m: no\\x07")
    }

    func testEventLinesOnATerminalAreMadeVisible() {
        harness.stdoutTTY = true
        harness.sockets.connections = [.success([.message(#"{"type": "chat_message", "timestamp": "2026-11-30T12:00:05Z", "data": {"text": "\#(hostile)"}}"#)])]
        let outcome = harness.run(["watch", "notifications", "--count", "1"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(outcome.out, "12:00:05  chat_message  text=Tap\\x1b]0;pwned\\x07 fix\\x1b[2J\\u009b1m\n")
    }

    // MARK: Secrets

    func testVerboseLogsRedactTokensAndPasswords() {
        harness.storeSession(access: harness.token(expiresIn: 5, life: 300), refresh: "refresh-1")
        harness.environment["HOMESERVE_PASSWORD"] = "hunter2"
        let renewed = harness.token(expiresIn: 300, life: 300, tag: "new")
        transport.register("POST", "/auth/refresh/", status: 401, json: "{}")
        transport.register("POST", "/auth/login/", json: #"{"access": "\#(renewed)", "refresh": "r2", "user": {"username": "customer1"}}"#)
        transport.register("GET", "/api/bookings/?token=abc&page=1", json: "[]")
        let outcome = harness.run(["-v", "api", "GET", "/api/bookings/", "-f", "token=abc", "-F", "page=1"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        for secret in ["hunter2", "refresh-1", "r2", renewed, "abc"] { XCTAssertFalse(outcome.err.contains(secret), "\(secret) in \(outcome.err)") }
        XCTAssertContains(outcome.err, "> Authorization: Bearer ***", #""password":"***""#, #""refresh":"***""#, "> GET https://api.test/api/bookings/?token=***&page=1")
    }

    /// A token endpoint's answer cut short still holds its tokens: the excerpt an error quotes hides them,
    /// and anything shaped like a JWT, as -v does.
    func testAnAnswerThatCannotBeReadShowsNoToken() {
        let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzZWNyZXQiOjF9.SIGNATURESECRET"
        transport.register("POST", "/auth/login/", body: Array(#"{"access":"\#(token)","refresh":"\#(token.prefix(40))"#.utf8), headers: [("Content-Type", "application/json")])
        let login = harness.run(["auth", "login", "--username", "customer1", "--password-stdin"], stdin: "pw\n")
        XCTAssertEqual(login.status, ExitCode.badServerAnswer.rawValue, login.err)
        XCTAssertContains(login.err, #"it looks like {"access":"***","refresh":"***"#)
        XCTAssertFalse(login.err.contains("SIGNATURESECRET") || login.err.contains("eyJ"), login.err)
        transport.register("POST", "/auth/refresh/", body: Array(#"{"note": "\#(token)", "x": "#.utf8), headers: [("Content-Type", "application/json")])
        let refreshed = harness.run(["api", "POST", "/auth/refresh/", "-f", "refresh=abc"])
        XCTAssertEqual(refreshed.status, ExitCode.badServerAnswer.rawValue, refreshed.err)
        XCTAssertContains(refreshed.err, #"it looks like {"note": "***", "x": "#)
        XCTAssertEqual(Redaction.text(#"{"password": "a\"b", "ok": "yes"}"#), #"{"password": "***", "ok": "yes"}"#)
    }

    /// A credential's value in a server's words goes, quoted or not; names that only mention a token, and
    /// words after `Bearer`, stay.
    func testCredentialParametersAreHiddenAndOtherWordsKept() {
        XCTAssertEqual(Redaction.text(#"Invalid: client_secret='cs_live_1', api_key="ak_2", token=(tk_3), password=pw4 end"#),
                       #"Invalid: client_secret=***, api_key=***, token=***, password=*** end"#)
        for kept in ["password_reset_required=true: reset it", "max_tokens=4096 is above 2048", "token_count=5", "tokens_remaining=0",
                     "footprint_kb=512", "a link with page_token=abc123", "page_size=100 is too large", "access=read-only",
                     "must start with Bearer followed by a space"] {
            XCTAssertEqual(Redaction.text(kept), kept)
        }
        XCTAssertEqual(Redaction.text("Authorization: Bearer opaqueSECRET1"), "Authorization: Bearer ***")
        XCTAssertEqual(WebURL.masked("https://h.example/?SEKRETBARE#frag&a=1"), "https://h.example/?***#***&a=***")
    }

    /// Every secret this run holds is hidden in a server's words, however short and wherever the line is
    /// cut; in homeserve's own words only tokens are, so a password that is a username or a word stays
    /// out of what homeserve says of itself.
    func testASecretThisRunHoldsIsHiddenInAServersWordsWhereverTheyAreCut() {
        harness.environment["HOMESERVE_TOKEN"] = nil
        let padding = String(repeating: "x", count: 107)
        transport.register("POST", "/auth/login/", status: 400, json: #"{"detail": "Qz9!x is not the password"}"#)
        let short = harness.run(["auth", "login", "--username", "admin", "--password-stdin"], stdin: "Qz9!x\n")
        XCTAssertEqual(short.err, "homeserve: logging in as admin failed: HTTP 400: *** is not the password\n")
        transport.register("POST", "/auth/login/", status: 500, body: Array("\(padding) password123 rejected".utf8), headers: [("Content-Type", "text/plain")])
        let cut = harness.run(["--retries", "0", "auth", "login", "--username", "admin", "--password-stdin"], stdin: "password123\n")
        XCTAssertFalse(cut.err.contains("passwor"), cut.err)
        XCTAssertContains(cut.err, "***")
        transport.register("POST", "/auth/login/", json: #"{"access": "\#(harness.token(expiresIn: 3600))", "refresh": "r-1", "user": {"username": "customer1", "role": "customer"}}"#)
        let same = harness.run(["auth", "login", "--username", "customer1", "--password-stdin"], stdin: "customer1\n")
        XCTAssertContains(same.err, "Logged in as customer1 (customer)")

        // A stored refresh token no request of this run carried, and a JWT in a redirect's Location.
        harness.storeSession(access: "opaqueAccess_XYZ123456789", refresh: "opaqueRefresh_XYZ987654321")
        transport.register("GET", "/api/services/", status: 403, json: #"{"detail": "nope opaqueAccess_XYZ123456789 opaqueRefresh_XYZ987654321"}"#)
        let stored = harness.run(["services", "list"])
        XCTAssertEqual(stored.err, "homeserve: GET /api/services/ failed: HTTP 403: nope *** ***\n")
        let jwt = harness.token(expiresIn: 60)
        transport.register("GET", "/api/services/", status: 302, json: "{}", headers: [("Location", "https://sso.example/cb/\(jwt)?next=x")])
        let moved = harness.run(["services", "list"])
        XCTAssertFalse(moved.err.contains(jwt), moved.err)
        XCTAssertContains(moved.err, "https://sso.example/cb/***?next=x")
    }

    func testADryRunShowsNoSecret() {
        let outcome = harness.run(["--dry-run", "auth", "login", "--username", "customer1", "--password-stdin"], stdin: "hunter2\n")
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(outcome.out, #"{"method":"POST","url":"https://api.test/auth/login/","headers":{"User-Agent":"homeserve/\#(HomeServe.version)","Accept":"application/json","Content-Type":"application/json"},"body":{"username":"customer1","password":"***"}}"# + "\n")
        let get = harness.run(["--dry-run", "bookings", "list"])
        XCTAssertContains(get.out, #""Authorization":"Bearer ***""#)
        XCTAssertFalse(get.out.contains(access))
    }

    func testAURLRefusedForItsCredentialsIsQuotedWithoutThem() {
        let url = "http://bob:S3CRETPW@127.0.0.1:1"
        var outcomes = [harness.run(["--url", url, "services", "list"]), harness.run(["config", "set", "url", url]),
                        harness.run(["api", "GET", url + "/api/x/"]),
                        harness.run(["config", "set", "ws_url", "ws://bob:S3CRETPW@127.0.0.1:1"])]
        harness.environment["HOMESERVE_URL"] = url
        outcomes += [harness.run(["services", "list"]), harness.run(["doctor", "-o", "json"])]
        for outcome in outcomes {
            XCTAssertNotEqual(outcome.status, 0)
            XCTAssertFalse((outcome.out + outcome.err).contains("S3CRETPW"), outcome.out + outcome.err)
            XCTAssertContains(outcome.out + outcome.err, "//***@127.0.0.1:1")
        }
        for secret in ["http://bob:S3cr/et@host", "http://bob:S3cr#et@host", "http://bob:S3cr?et@host", "bob:S3cret@host"] {
            let refused = harness.run(["--url", secret, "services", "list"])
            XCTAssertEqual(refused.status, 2)
            XCTAssertFalse(refused.err.contains("S3cr"), refused.err)
            XCTAssertContains(refused.err, "***@host")
        }
        XCTAssertEqual(WebURL.masked("see https://h/x"), "see https://h/x")
        for path in ["bob:S3CRETPW@host/api/x/", "//bob:S3CRETPW@host/api/x/"] {
            XCTAssertFalse(harness.run(["api", "GET", path]).err.contains("S3CRETPW"), path)
        }
        XCTAssertEqual(Redaction.proxy("http://bob:S3@cret@proxy:3128"), "http://bob:***@proxy:3128", "a password holding an @")
        XCTAssertEqual(Redaction.proxy("bob:S3cret@proxy:3128"), "bob:***@proxy:3128", "curl takes a proxy without a scheme")
        XCTAssertNil(WebURL.splitAbsolute("/api/x/?next=http://evil/"), "a URL in a path's query is no scheme of its own")
        XCTAssertContains(harness.run(["--dry-run", "disputes", "create", "--booking", "b", "--type", "quality", "--title", "t",
                                       "--description", "d", "--evidence", "@"]).err, "invalid value '@' for --evidence")
        // A file name that is a URL is quoted without its credentials in the reason too, and not shortened.
        let evidence = harness.run(["disputes", "create", "--booking", "b", "--type", "quality", "--title", "t", "--description", "d",
                                    "--evidence", "@https://bob:S3CRETPW@host/evidence.json"])
        let field = harness.run(["api", "POST", "/api/x/", "-F", "k=@https://bob:S3CRETPW@host/a/long/path/to/the/evidence/file.json"])
        for refused in [evidence, field] {
            XCTAssertEqual(refused.status, 2)
            XCTAssertFalse(refused.err.contains("S3CRETPW"), refused.err)
        }
        XCTAssertContains(evidence.err, ": https://***@host/evidence.json: no such file")
        for args in [["smoke", "--junit", "https://bob:S3CRETPW@host/dir/x.xml"], ["api", "GET", "/api/x/", "--out", "https://bob:S3CRETPW@host/dir/x"]] {
            let refused = harness.run(args)
            XCTAssertEqual(refused.status, 2)
            XCTAssertFalse(refused.err.contains("S3CRETPW"), refused.err)
            XCTAssertContains(refused.err, "directory https://***@host/dir does not exist")
        }
        XCTAssertContains(field.err, ": https://***@host/a/long/path/to/the/evidence/file.json: no such file")
        XCTAssertTrue(transport.requests.isEmpty, "nothing was sent")
    }

    func testADryRunShowsTheRenewalAnExpiredSessionWouldMakeFirst() {
        harness.storeSession(access: harness.token(expiresIn: -60, life: 300), refresh: "refresh-1")
        let before = try? FileFacts.contents(harness.credentialsPath)
        let refreshed = harness.run(["--dry-run", "bookings", "list", "--status", "pending,confirmed"])
        XCTAssertEqual(refreshed.status, 0, refreshed.err)
        let lines = refreshed.out.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 3, refreshed.out)
        XCTAssertEqual(lines[0], #"{"method":"POST","url":"https://api.test/auth/refresh/","headers":{"User-Agent":"homeserve/\#(HomeServe.version)","Accept":"application/json","Content-Type":"application/json"},"body":{"refresh":"***"}}"#)
        for line in lines.dropFirst() { XCTAssertContains(line, #""Authorization":"Bearer ***""#) }
        XCTAssertEqual(try? FileFacts.contents(harness.credentialsPath), before, "nothing written")
        // No refresh token, a password source: the login.
        harness.storeSession(access: harness.token(expiresIn: -60, life: 300), refresh: nil)
        harness.environment["HOMESERVE_PASSWORD"] = "pw"
        let login = harness.run(["--dry-run", "bookings", "list"])
        XCTAssertTrue(login.out.hasPrefix(#"{"method":"POST","url":"https://api.test/auth/login/""#), login.out)
        XCTAssertContains(login.out, #""body":{"username":"customer1","password":"***"}"#)
        XCTAssertEqual(harness.transport.requests.count, 0)
        // A token still good is sent as it is.
        harness.storeSession(access: access, refresh: "refresh-1")
        XCTAssertFalse(harness.run(["--dry-run", "bookings", "list"]).out.contains("/auth/"))
    }

    func testADryRunShowsTheLoginAJobWouldMakeOnceAndRunsAndWritesNothing() throws {
        let fresh = Harness(environment: ["HOMESERVE_USERNAME": "cron", "HOMESERVE_PASSWORD": "hunter2"])
        let outcome = fresh.run(["--dry-run", "bookings", "list", "--status", "pending,confirmed"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        let lines = outcome.out.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 3, outcome.out)
        XCTAssertEqual(lines[0], #"{"method":"POST","url":"https://api.test/auth/login/","headers":{"User-Agent":"homeserve/\#(HomeServe.version)","Accept":"application/json","Content-Type":"application/json"},"body":{"username":"cron","password":"***"}}"#)
        for line in lines.dropFirst() { XCTAssertContains(line, #""method":"GET""#, #""Authorization":"Bearer ***""#) }
        XCTAssertFalse(outcome.out.contains("hunter2"))
        XCTAssertEqual(fresh.transport.requests.count, 0)
        XCTAssertFalse(FileFacts.exists(fresh.credentialsPath), "nothing written")

        let watched = fresh.run(["--dry-run", "watch", "notifications"])
        XCTAssertEqual(watched.status, 0, watched.err)
        XCTAssertEqual(watched.out.split(separator: "\n").count, 2, watched.out)
        XCTAssertTrue(watched.out.hasPrefix(#"{"method":"POST","url":"https://api.test/auth/login/""#), watched.out)
        XCTAssertContains(watched.out, "/ws/notifications/{user_id}/?token=***")

        // A session made with another server: a job that can log in there does, and the dry run shows it.
        harness.storeSession(access: access, refresh: "refresh-1")
        var file = try ProfileFile.load(harness.credentialsPath)
        file["default"] = file["default"].setting("url", .string("https://api.test"))
        try file.save()
        let elsewhere = harness.run(["--dry-run", "--url", "https://other.test", "bookings", "list"])
        XCTAssertEqual(elsewhere.status, 3, "not sent elsewhere, as for real: \(elsewhere.err)")
        harness.environment["HOMESERVE_PASSWORD"] = "pw"
        let relogin = harness.run(["--dry-run", "--url", "https://other.test", "bookings", "list"])
        XCTAssertEqual(relogin.status, 0, relogin.err)
        XCTAssertTrue(relogin.out.hasPrefix(#"{"method":"POST","url":"https://other.test/auth/login/""#), relogin.out)
        XCTAssertEqual(harness.transport.requests.count, 0)

        // With no way to log in, the request goes without a token, as it would for real (and is refused then).
        let none = Harness().run(["--dry-run", "bookings", "list"])
        XCTAssertEqual(none.status, 0)
        XCTAssertFalse(none.out.contains("Authorization"), none.out)
    }

    func testAPIShapedOutputNeedsAJSONBody() {
        transport.register("GET", "/report", body: Array("id,name\n1,a\n".utf8), headers: [("Content-Type", "text/csv")])
        let csv = harness.run(["api", "GET", "/report", "--jq", ".[0].id"])
        XCTAssertEqual(csv.status, 8, csv.err)
        XCTAssertEqual(csv.out, "", "not the CSV passed off as the jq result")
        XCTAssertContains(csv.err, "the body is not valid JSON (text/csv")
        transport.register("GET", "/plain", body: Array(#"{"a": 1}"#.utf8), headers: [("Content-Type", "text/plain")])
        XCTAssertEqual(harness.run(["api", "GET", "/plain", "--jq", ".a"]).out, "1\n", "JSON labelled text/plain is still JSON")
        transport.verify()
    }

    func testFieldsNamedForASecretAreRedactedWhateverTheirFullName() {
        let fields = ["-f", "new_password=n3w-pw", "-f", "old_password=0ld-pw", "-f", "Refresh_Token=rt-1", "-f", "client_secret=cs-1",
                      "-f", "otp_code=123456", "-f", "name=visible"]
        let secrets = ["n3w-pw", "0ld-pw", "rt-1", "cs-1", "123456"]
        let dry = harness.run(["--dry-run", "api", "POST", "/x"] + fields)
        XCTAssertEqual(dry.status, 0, dry.err)
        for secret in secrets { XCTAssertFalse(dry.out.contains(secret), "\(secret) in \(dry.out)") }
        XCTAssertContains(dry.out, #""new_password":"***""#, #""old_password":"***""#, #""Refresh_Token":"***""#, #""client_secret":"***""#,
                          #""otp_code":"***""#, #""name":"visible""#)
        let nested = harness.run(["--dry-run", "api", "POST", "/x", "--input", "-"], stdin: #"{"user": {"name": "u", "access_token": "at-1"}}"#)
        XCTAssertContains(nested.out, #""body":{"user":{"name":"u","access_token":"***"}}"#)

        transport.register("POST", "/x", json: "{}", headers: [("Set-Cookie", "sessionid=c00kie; HttpOnly"), ("X-Api-Key", "k5y")])
        let verbose = harness.run(["-v", "api", "POST", "/x"] + fields)
        XCTAssertEqual(verbose.status, 0, verbose.err)
        for secret in secrets + ["c00kie", "k5y"] { XCTAssertFalse(verbose.err.contains(secret), "\(secret) in \(verbose.err)") }
        XCTAssertContains(verbose.err, #""new_password":"***""#, #""name":"visible""#, "< Set-Cookie: ***", "< X-Api-Key: ***")

        transport.register("GET", "/x", json: "{}")
        let query = harness.run(["-v", "api", "GET", "/x", "-f", "access_token=at-2", "-f", "page=2", "-f", "api_key=k3y", "-f", "ApiKey=k4y"])
        XCTAssertFalse(query.err.contains("at-2") || query.err.contains("k3y") || query.err.contains("k4y"), query.err)
        XCTAssertContains(query.err, "> GET https://api.test/x?access_token=***&page=2&api_key=***&ApiKey=***")

        XCTAssertEqual(Redaction.header("Cookie", "sessionid=c00kie"), "***")
        XCTAssertEqual(Redaction.header("Authorization", "Token abc"), "Token ***")
        XCTAssertEqual(Redaction.header("Accept", "application/json"), "application/json")
        let upload = RequestPreview(method: "POST", url: "https://api.test/x", headers: [],
                                    body: .multipart([.field(name: "api_secret", value: "ms-1"), .field(name: "booking", value: "b1")]))
        XCTAssertEqual(upload.json["multipart"], [["name": "api_secret", "value": "***"], ["name": "booking", "value": "b1"]])
    }

    func testCredentialsOverPlainHTTPAreWarnedAboutOnce() {
        harness.environment["HOMESERVE_URL"] = "http://api.test"
        harness.logIn()
        transport.register("GET", "/api/bookings/", json: drfPage(0..<1, total: 2, page: 1, size: 1, base: "http://api.test"))
        transport.register("GET", "/api/bookings/?page=2", json: drfPage(1..<2, total: 2, page: 2, size: 1, base: "http://api.test"))
        XCTAssertEqual(harness.run(["bookings", "list", "--all", "--parallel", "1"]).err, "homeserve: warning: sending credentials over plain http to api.test; use https\n")
        harness.environment["HOMESERVE_URL"] = "http://127.0.0.1:8000"
        harness.logIn()
        transport.register("GET", "/api/bookings/", json: "[]")
        XCTAssertEqual(harness.run(["bookings", "list"]).err, "", "loopback is not the network")
    }

    // MARK: A full disk, a closed pipe

    func testAFullDiskOnStdoutIsExit1AndStopsTheWalk() {
        harness.stdoutFailure = (after: 10, code: ENOSPC)
        transport.register("GET", "/api/bookings/", json: drfPage(0..<2, total: 4, page: 1, size: 2))
        let outcome = harness.run(["bookings", "list", "--all", "--parallel", "1", "-o", "ndjson"])
        XCTAssertEqual(outcome.status, 1)
        XCTAssertEqual(outcome.err, "homeserve: cannot write to standard output: No space left on device\n")
        XCTAssertEqual(transport.log, ["GET /api/bookings/"], "no more pages are fetched for output that cannot be written")
    }

    func testAFullDiskUnderOneDocumentIsExit1() {
        harness.stdoutFailure = (after: 0, code: ENOSPC)
        transport.register("GET", "/api/services/4/", json: #"{"id": 4, "name": "Tap"}"#)
        let outcome = harness.run(["services", "get", "4", "-o", "csv"])
        XCTAssertEqual(outcome.status, 1)
        XCTAssertEqual(outcome.out, "")
        XCTAssertEqual(outcome.err, "homeserve: cannot write to standard output: No space left on device\n")
    }

    // MARK: api passes bodies through

    func testApiPassesABinaryBodyThroughByteForByte() {
        let image: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x0A, 0x0D, 0x1B, 0x80, 0xFE] + Array(repeating: 0, count: 300) + [0xFF, 0xD9]
        transport.register("GET", "/media/photos/a.jpg", body: image, headers: [("Content-Type", "image/jpeg")])
        let outcome = harness.run(["api", "GET", "/media/photos/a.jpg"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(outcome.outBytes, image)
        XCTAssertEqual(outcome.err, "")
        XCTAssertEqual(transport.requests[0].header("Accept"), "application/json, */*")
        XCTAssertEqual(transport.requests[0].bearer, access)
    }

    func testApiWritesABodyToAFile() throws {
        let csv = Array("id,action\r\n1,update\r\n2,\"a,b\"\r\n".utf8)
        let file = temporaryDirectory() + "/audit.csv"
        transport.register("GET", "/admin-dashboard/edit-history/export/", body: csv, headers: [("Content-Type", "text/csv; charset=utf-8")])
        let outcome = harness.run(["api", "GET", "/admin-dashboard/edit-history/export/", "--out", file])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(outcome.out, "")
        XCTAssertEqual(outcome.err, "homeserve: Wrote \(csv.count) bytes to \(file).\n")
        XCTAssertEqual(try FileFacts.contents(file), csv)
        XCTAssertFalse(FileFacts.exists("\(file).tmp.\(getpid())"))

        let json = Array(#"{"a":  1,"b":[ ]}"#.utf8)
        transport.register("GET", "/api/x/", body: json, headers: [("Content-Type", "application/json")], times: 2)
        XCTAssertEqual(harness.run(["api", "GET", "/api/x/", "--out", file]).status, 0)
        XCTAssertEqual(try FileFacts.contents(file), json, "JSON is checked, then written as received")
        XCTAssertEqual(harness.run(["api", "GET", "/api/x/"]).outBytes, json)
    }

    func testOutIsStdoutForADashWrittenInPlaceForADeviceOrPipeAndNeverThroughALink() throws {
        let body = Array("id,action\n1,update\n".utf8)
        transport.register("GET", "/media/a.csv", body: body, headers: [("Content-Type", "text/csv")], times: 4)
        let dash = harness.run(["api", "GET", "/media/a.csv", "--out", "-"])
        XCTAssertEqual(dash.status, 0, dash.err)
        XCTAssertEqual(dash.outBytes, body, "- is stdout, as for curl -o -")
        XCTAssertFalse(FileFacts.exists("-"))

        let null = harness.run(["api", "GET", "/media/a.csv", "--out", "/dev/null"])
        XCTAssertEqual(null.status, 0, null.err)
        XCTAssertTrue(OutputFile.isStream("/dev/null"), "the device is written to, not replaced by a file")

        let directory = temporaryDirectory()
        let fifo = directory + "/pipe"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        // Its reader is open first (without waiting for a writer), so the write does not wait for one.
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        defer { close(reader) }
        let piped = harness.run(["api", "GET", "/media/a.csv", "--out", fifo])
        XCTAssertEqual(piped.status, 0, piped.err)
        var received = [UInt8](repeating: 0, count: 4096)
        let count = read(reader, &received, received.count)
        XCTAssertEqual(Array(received.prefix(max(0, count))), body, "a named pipe's reader gets the body")
        XCTAssertTrue(OutputFile.isStream(fifo))

        // A file already there is replaced with permissions no wider than it had.
        let kept = directory + "/kept.csv"
        try AtomicFile.write(kept, [], mode: 0o600)
        XCTAssertEqual(harness.run(["api", "GET", "/media/a.csv", "--out", kept]).status, 0)
        XCTAssertEqual(try FileFacts.contents(kept), body)
        XCTAssertEqual(FileFacts.mode(kept), 0o600)

        // A link is refused before anything is sent: what it points at is left alone.
        let link = directory + "/link.csv"
        XCTAssertEqual(symlink(kept, link), 0)
        let before = transport.requests.count
        for args in [["api", "POST", "/api/bookings/", "-F", "service=1", "--out", link], ["admin", "history", "export", "--out", link]] {
            let refused = harness.run(args)
            XCTAssertEqual(refused.status, 2)
            XCTAssertEqual(refused.err, "homeserve: invalid value '\(link)' for --out: it is a symbolic link, and the file written replaces what is there rather than follow a link: give the file it points to, or - for stdout\n")
        }
        XCTAssertEqual(transport.requests.count, before, "nothing was sent")
        XCTAssertEqual(try FileFacts.contents(kept), body)
    }

    func testApiReadsAFieldFromStdin() {
        transport.register("POST", "/api/disputes/d1/send_message/", status: 201, json: #"{"id": 1}"#)
        let sent = harness.run(["api", "POST", "/api/disputes/d1/send_message/", "-F", "content=@-", "-F", "urgent=true"], stdin: "Line one\nLine two\n")
        XCTAssertEqual(sent.status, 0, sent.err)
        XCTAssertEqual(transport.requests.last?.json, ["content": "Line one\nLine two\n", "urgent": true])
    }

    func testApiHeadersGoWithEveryPageAndReplaceTheDefaultsTheyName() {
        transport.register("GET", "/api/bookings/", json: #"{"count": 2, "next": "https://api.test/api/bookings/?page=2", "results": [{"id": 1}]}"#)
        transport.register("GET", "/api/bookings/?page=2", json: #"{"count": 2, "next": null, "results": [{"id": 2}]}"#)
        let paged = harness.run(["api", "GET", "/api/bookings/", "--paginate", "-H", "X-Trace: t-1", "-H", "Accept: application/vnd.homeserve+json", "-o", "ndjson"])
        XCTAssertEqual(paged.status, 0, paged.err)
        XCTAssertEqual(paged.out, "{\"id\":1}\n{\"id\":2}\n")
        for request in transport.requests {
            XCTAssertEqual(request.headers.filter { $0.0 == "X-Trace" }.map(\.1), ["t-1"], request.url)
            XCTAssertEqual(request.headers.filter { $0.0.lowercased() == "accept" }.map(\.1), ["application/vnd.homeserve+json"], "one Accept, the one asked for")
            XCTAssertEqual(request.headers.first { $0.0 == "Authorization" }?.1, "Bearer \(access)")
        }

        transport.register("PATCH", "/api/bookings/7/", json: #"{"id": 7}"#)
        XCTAssertEqual(harness.run(["api", "PATCH", "/api/bookings/7/", "-F", "notes=x", "-H", "Content-Type: application/merge-patch+json"]).status, 0)
        XCTAssertEqual(transport.requests.last?.headers.filter { $0.0.lowercased() == "content-type" }.map(\.1), ["application/merge-patch+json"])

        let dry = harness.run(["--dry-run", "api", "GET", "/api/x/", "-H", "X-Api-Key: k-123", "-H", "X-Trace: t-2", "-H", "User-Agent: mine/1"])
        XCTAssertContains(dry.out, #""X-Api-Key":"***""#, #""X-Trace":"t-2""#, #""User-Agent":"mine/1""#)
        XCTAssertEqual(dry.out.components(separatedBy: "User-Agent").count, 2, "one User-Agent, the one given: \(dry.out)")
        XCTAssertFalse(dry.out.contains("k-123"), "a header named for a secret is not shown")
        // A name given twice is sent twice, and shown once with both values, as HTTP reads them.
        let twice = harness.run(["--dry-run", "api", "GET", "/api/x/", "-H", "X-Trace: a", "-H", "x-trace: b"])
        XCTAssertContains(twice.out, #""X-Trace":"a, b""#)
        XCTAssertFalse(twice.out.contains("x-trace"), twice.out)
        transport.register("GET", "/api/bookings/7/", json: #"{"id": 7}"#)
        XCTAssertEqual(harness.run(["api", "GET", "/api/bookings/7/", "-H", "X-Trace: a", "-H", "x-trace: b"]).status, 0)
        XCTAssertEqual(transport.requests.last?.headers.filter { $0.0.lowercased() == "x-trace" }.map(\.1), ["a", "b"])
        transport.register("HEAD", "/api/x/", headers: [("Vary", "Accept"), ("Set-Cookie", "a=1"), ("vary", "Cookie"), ("Set-Cookie", "b=2")])
        XCTAssertEqual(harness.run(["api", "HEAD", "/api/x/", "-o", "json", "--jq", ".headers"]).out,
                       #"{"Vary":"Accept, Cookie","Set-Cookie":["a=1","b=2"]}"# + "\n")

        let before = transport.requests.count
        for (header, reason) in [("Authorization: Bearer x", "carries a secret, which never goes on the command line"),
                                 ("cookie: a=b", "carries a secret"), ("Host: evil", "frames the message"),
                                 ("Proxy-Authorization: Basic eA==", "a proxy's credentials go in the proxy's URL (https_proxy, http_proxy)"),
                                 ("Bad Name: x", "a header name of letters, digits and -"), ("X-A: a\r\nX-B: b", "without line breaks"),
                                 ("no colon", "expected NAME: VALUE"), ("Accept:", "expected a value after the colon")] {
            let refused = harness.run(["api", "GET", "/api/x/", "-H", header])
            XCTAssertEqual(refused.status, 2, header)
            XCTAssertContains(refused.err, "for -H", reason)
            XCTAssertFalse(refused.err.contains("Bearer x"), "the refused secret is not echoed back")
        }
        XCTAssertEqual(transport.requests.count, before, "nothing sent")
    }

    /// A body cut short after part of it went to stdout is not fetched again into the same stream (the part,
    /// then the whole, with exit 0): it is exit 8. Into a file, it is begun again, and the file holds the whole.
    func testApiDoesNotRetryABodyPartlyWrittenToStdout() throws {
        let binary = [("Content-Type", "application/octet-stream"), ("Content-Length", "1000")]
        transport.cut("GET", "/media/a.bin", headers: binary, body: Array(repeating: 80, count: 500))
        let streamed = harness.run(["api", "GET", "/media/a.bin"])
        XCTAssertEqual(streamed.status, 8, streamed.err)
        XCTAssertEqual(streamed.outBytes, Array(repeating: 80, count: 500), "only what came, once")
        XCTAssertEqual(streamed.err, "homeserve: GET https://api.test/media/a.bin: the answer was cut short (Transferred a partial file)\n")
        transport.verify()

        let file = temporaryDirectory() + "/a.bin"
        transport.cut("GET", "/media/a.bin", headers: binary, body: Array(repeating: 80, count: 500))
        transport.register("GET", "/media/a.bin", body: Array(repeating: 71, count: 1000), headers: [("Content-Type", "application/octet-stream")])
        let saved = harness.run(["api", "GET", "/media/a.bin", "--out", file])
        XCTAssertEqual(saved.status, 0, saved.err)
        XCTAssertEqual(try FileFacts.contents(file), Array(repeating: 71, count: 1000))
        XCTAssertFalse(FileFacts.exists("\(file).tmp.\(getpid())"))
        transport.verify()
    }

    func testApiWithAnEmptyBody() throws {
        transport.register("GET", "/api/bookings/", json: "")
        let declared = harness.run(["api", "GET", "/api/bookings/"])
        XCTAssertEqual(declared.status, 8)
        XCTAssertEqual(declared.err, "homeserve: GET /api/bookings/: the answer (HTTP 200) is empty, though declared JSON\n")
        for shaping in [["-o", "json"], ["--jq", "."], ["--fields", "id"]] {
            transport.register("GET", "/api/bookings/", body: [])
            let shaped = harness.run(["api", "GET", "/api/bookings/"] + shaping)
            XCTAssertEqual(shaped.status, 8, "\(shaping)")
            XCTAssertEqual(shaped.err, "homeserve: GET /api/bookings/: the answer (HTTP 200) is empty, where -o, --fields, --jq or --sort-by needs JSON\n")
        }
        // Nothing declared, nothing asked of it: the raw answer is no body.
        transport.register("GET", "/media/empty.txt", body: [])
        let raw = harness.run(["api", "GET", "/media/empty.txt"])
        XCTAssertEqual(raw.status, 0, raw.err)
        XCTAssertEqual(raw.err, "homeserve: HTTP 200, no body.\n")
        transport.register("POST", "/api/notes/", status: 201, json: "")
        XCTAssertEqual(harness.run(["api", "POST", "/api/notes/"]).err,
                       "homeserve: POST /api/notes/: the answer (HTTP 201) is empty, though declared JSON; the POST was carried out: check before sending it again\n")
        transport.register("POST", "/api/notes/", status: 204, json: "")
        XCTAssertEqual(harness.run(["api", "POST", "/api/notes/"]).status, 0, "204 carries no body")
        // Into a file: an empty body is a whole one, replacing what the file held.
        let file = temporaryDirectory() + "/empty.out"
        try AtomicFile.write(file, Array("stale".utf8), mode: 0o644)
        transport.register("GET", "/media/empty.txt", body: [])
        let saved = harness.run(["api", "GET", "/media/empty.txt", "--out", file])
        XCTAssertEqual(saved.status, 0, saved.err)
        XCTAssertEqual(try FileFacts.contents(file), [])
        transport.verify()
    }

    func testApiReportsATemporaryFileItCannotCreate() throws {
        let directory = temporaryDirectory()
        let file = directory + "/a.bin"
        let temporary = "\(file).tmp.\(getpid())"
        let body: [UInt8] = Array(repeating: 7, count: 100)
        // Root ignores permissions, so the open is made to fail by a directory standing where the temporary file goes.
        XCTAssertEqual(mkdir(temporary, 0o700), 0)
        transport.register("GET", "/media/a.bin", body: body, headers: [("Content-Type", "application/octet-stream")], times: 2)
        let outcome = harness.run(["api", "GET", "/media/a.bin", "--out", file])
        XCTAssertEqual(outcome.status, 1)
        XCTAssertEqual(outcome.out, "")
        XCTAssertEqual(outcome.err, "homeserve: cannot write \(temporary): File exists\n")
        XCTAssertFalse(FileFacts.exists(file))

        // A link planted where the temporary file goes is not followed but removed: what it points at is left
        // alone, and the file is made anew.
        XCTAssertEqual(rmdir(temporary), 0)
        let victim = directory + "/victim.txt"
        try AtomicFile.write(victim, Array("keep".utf8), mode: 0o644)
        XCTAssertEqual(symlink(victim, temporary), 0)
        let linked = harness.run(["api", "GET", "/media/a.bin", "--out", file])
        XCTAssertEqual(linked.status, 0, linked.err)
        XCTAssertEqual(try FileFacts.contents(victim), Array("keep".utf8))
        XCTAssertEqual(try FileFacts.contents(file), body)
        XCTAssertFalse(FileFacts.exists(temporary))
    }

    /// A temporary file a killed homeserve of the same PID left (a container's homeserve is PID 1 each time)
    /// does not stop later writes: it is removed and the file made anew.
    func testATemporaryFileAKilledWriterLeftIsReplaced() throws {
        let directory = temporaryDirectory()
        let file = directory + "/a.bin"
        let temporary = "\(file).tmp.\(getpid())"
        try AtomicFile.write(temporary, Array("half a bo".utf8), mode: 0o600)
        transport.register("GET", "/media/a.bin", body: Array(repeating: 7, count: 100), headers: [("Content-Type", "application/octet-stream")])
        let outcome = harness.run(["api", "GET", "/media/a.bin", "--out", file])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(try FileFacts.contents(file), Array(repeating: 7, count: 100))
        XCTAssertFalse(FileFacts.exists(temporary))
    }

    /// In a directory others can write to, a file planted where the temporary file goes (mode 0666, or
    /// another user's) is never written into: the file made from it would be theirs to read and change.
    func testATemporaryFileSomeoneElseMadeIsNeverWrittenInto() throws {
        let directory = temporaryDirectory()
        XCTAssertEqual(chmod(directory, 0o1777), 0)
        let file = directory + "/a.bin"
        let temporary = "\(file).tmp.\(getpid())"
        XCTAssertEqual(close(open(temporary, O_CREAT | O_WRONLY, 0o666)), 0)
        XCTAssertEqual(chmod(temporary, 0o666), 0)
        if getuid() == 0 { XCTAssertEqual(chown(temporary, 65534, 65534), 0) }
        // The planter's own handle on it: whatever homeserve does, nothing it writes may show through this.
        let planted = open(temporary, O_RDONLY)
        XCTAssertGreaterThanOrEqual(planted, 0)
        defer { close(planted) }
        transport.register("GET", "/media/a.bin", body: Array(repeating: 7, count: 100), headers: [("Content-Type", "application/octet-stream")])
        let outcome = harness.run(["api", "GET", "/media/a.bin", "--out", file])
        if getuid() == 0 {
            // Root may remove it from a sticky directory, and makes the file anew, its own.
            XCTAssertEqual(outcome.status, 0, outcome.err)
            XCTAssertEqual(try FileFacts.contents(file), Array(repeating: 7, count: 100))
            XCTAssertTrue(FileFacts.isOwnedByUs(file))
        } else {
            // Another user's, in a sticky directory: it cannot be removed, and the write fails.
            XCTAssertEqual(outcome.status, 1)
            XCTAssertEqual(outcome.err, "homeserve: cannot write \(temporary): File exists\n")
            XCTAssertFalse(FileFacts.exists(file))
        }
        var byte: UInt8 = 0
        XCTAssertEqual(read(planted, &byte, 1), 0, "the planted file was not written into")
    }

    func testApiRefusesJSONThatIsCutShortOrTooDeep() {
        transport.register("GET", "/api/x/", body: Array(#"{"a": [1, 2"#.utf8), headers: [("Content-Type", "application/json")])
        let cut = harness.run(["api", "GET", "/api/x/"])
        XCTAssertEqual(cut.status, 8)
        XCTAssertEqual(cut.out, "")
        transport.register("GET", "/api/x/", json: String(repeating: "[", count: 513) + String(repeating: "]", count: 513))
        XCTAssertEqual(harness.run(["api", "GET", "/api/x/"]).status, 8)
    }

    func testApiErrorsAreNotPassedThrough() {
        transport.register("GET", "/media/photos/missing.jpg", status: 404, body: Array("<html><title>Not Found</title></html>".utf8), headers: [("Content-Type", "text/html")])
        let file = temporaryDirectory() + "/missing.jpg"
        let outcome = harness.run(["api", "GET", "/media/photos/missing.jpg", "--out", file])
        XCTAssertEqual(outcome.status, 5)
        XCTAssertEqual(outcome.err, "homeserve: GET /media/photos/missing.jpg failed: HTTP 404: Not Found (HTML page)\n")
        XCTAssertFalse(FileFacts.exists(file))
    }

    func testApiOnAFullDiskIsExit1() {
        harness.stdoutFailure = (after: 4, code: ENOSPC)
        transport.register("GET", "/media/a.bin", body: Array(repeating: 7, count: 100), headers: [("Content-Type", "application/octet-stream")])
        let outcome = harness.run(["api", "GET", "/media/a.bin"])
        XCTAssertEqual(outcome.status, 1)
        XCTAssertEqual(outcome.err, "homeserve: cannot write to standard output: No space left on device\n")
    }

    func testApiIntoAClosedPipeIsExit0() {
        harness.stdoutFailure = (after: 4, code: EPIPE)
        transport.register("GET", "/media/a.bin", body: Array(repeating: 7, count: 100), headers: [("Content-Type", "application/octet-stream")])
        let outcome = harness.run(["api", "GET", "/media/a.bin"])
        XCTAssertEqual(outcome.status, 0)
        XCTAssertEqual(outcome.err, "")
        XCTAssertEqual(outcome.outBytes, [7, 7, 7, 7])
    }
}
