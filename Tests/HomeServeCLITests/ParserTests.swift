import HomeServeAPI
@testable import HomeServeCLI
import HomeServeCore
import XCTest

final class ParserTests: XCTestCase {
    let parser = Parser(table: .standard)
    /// 2026-11-30T12:00:00Z, a Monday.
    let now = 1_796_040_000.0

    func context(offset: Int = 0, stdin: String = "{\"from\":\"stdin\"}") -> ValueContext {
        ValueContext(readStdin: { Array(stdin.utf8) }, now: { self.now }, utcOffset: { _ in offset })
    }

    func parsed(_ args: [String], offset: Int = 0) throws -> Invocation {
        guard case let .run(line) = try parser.parse(args) else {
            XCTFail("expected a command for \(args)")
            throw CLIError.usage("no command")
        }
        let (values, globals) = try line.convert(context(offset: offset))
        let harness = Harness()
        return Invocation(command: line.command, values: values, globals: globals,
                          context: Context(stdin: .text(""), stdout: OutputChannel(name: "o", isTerminal: false) { _ in 0 },
                                           stderr: OutputChannel(name: "e", isTerminal: false) { _ in 0 }, environment: [:],
                                           transport: { _ in harness.transport }, webSockets: { _ in harness.sockets },
                                           clock: harness.clock, random: { 0.5 }, cancellation: Cancellation()),
                          table: .standard)
    }

    func usageError(_ args: [String], file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            _ = try parsed(args)
            XCTFail("expected a usage error for \(args)", file: file, line: line)
            return ""
        } catch let error as CLIError {
            XCTAssertEqual(error.code, .usage, file: file, line: line)
            XCTAssertFalse(error.message.contains("\n"), "errors are one line", file: file, line: line)
            return error.message
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
            return ""
        }
    }

    func testFlagSpellingsGiveTypedValues() throws {
        for args in [["bookings", "list", "--status", "pending"], ["bookings", "list", "--status=pending"]] {
            let inv = try parsed(args)
            XCTAssertEqual(inv.command.name, "bookings list")
            XCTAssertEqual(inv[BookingCommands.status], ["pending"])
        }
        let create = try parsed(["bookings", "create", "--service", "12", "--pincode", "560001", "--date", "2026-12-01T10:00:00Z", "--price", "549"])
        XCTAssertEqual(create[BookingCommands.service], 12, "an Int, not a string")
        XCTAssertEqual(create[BookingCommands.price], "549.00", "money with two places")
    }

    func testAFlagIsNotTakenAsTheValueOfTheOneBefore() throws {
        let booking = "3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13"
        XCTAssertEqual(usageError(["bookings", "update", booking, "--notes", "--dry-run"]),
                       "flag --notes needs a value, but the next word is the flag --dry-run (for that text, write --notes=--dry-run)")
        XCTAssertEqual(usageError(["services", "list", "-o", "-q"]), "flag -o needs a value, but the next word is the flag -q (for that text, write -o=-q)")
        XCTAssertTrue(usageError(["bookings", "list", "--status", "--no-color"]).hasPrefix("flag --status needs a value, but the next word is the flag --no-color"))
        XCTAssertTrue(usageError(["bookings", "list", "--status", "--help"]).hasPrefix("flag --status needs a value, but the next word is the flag --help"))
        XCTAssertEqual(usageError(["bookings", "update", booking, "--notes", "-vq"]),
                       "flag --notes needs a value, but the next word is the flag -vq (for that text, write --notes=-vq)", "bundled switches are flags too")
        for text in ["-only after 5pm", "-5", "-vx", "-"] {
            XCTAssertEqual(try parsed(["bookings", "update", booking, "--notes", text])[BookingCommands.notes], text,
                           "a word that is no flag or bundle of switches is a value")
        }
        let given = try parsed(["bookings", "update", booking, "--notes=--dry-run"])
        XCTAssertEqual(given[BookingCommands.notes], "--dry-run", "written with =, it is the text")
        XCTAssertFalse(given.dryRun)
        XCTAssertEqual(try parsed(["bookings", "update", booking, "--notes", "--not-a-flag"])[BookingCommands.notes], "--not-a-flag",
                       "a word that names no flag is a value")
    }

    func testShortOptionForms() throws {
        for args in [["-o", "csv", "services", "list"], ["-ocsv", "services", "list"], ["services", "list", "-o=csv"]] {
            XCTAssertEqual(try parsed(args)[GlobalFlags.output], .csv, "\(args)")
        }
    }

    func testGlobalOptionsAfterTheCommand() throws {
        let inv = try parsed(["services", "list", "--profile", "ci", "-v", "--timeout", "5"])
        XCTAssertEqual(inv.command.name, "services list")
        XCTAssertEqual(inv[GlobalFlags.profile], "ci")
        XCTAssertTrue(inv[GlobalFlags.verbose])
        XCTAssertEqual(inv[GlobalFlags.timeout], 5)
    }

    /// An argument that is not UTF-8 would be sent with U+FFFD in place of its bytes: refused, naming it.
    func testAnArgumentThatIsNotUTF8IsRefused() {
        let raw = [Array("homeserve".utf8), Array("--notes".utf8), Array("bad".utf8) + [0xFF, 0x0A]]
        XCTAssertEqual(HomeServe.notUTF8(raw), "argument 2 ('bad\\xff\\x0a') is not UTF-8 text: homeserve sends text as UTF-8, so give it in UTF-8")
        XCTAssertNil(HomeServe.notUTF8([Array("homeserve".utf8), Array("café".utf8)]))
    }

    func testBundledSwitchesAndNoPrefix() throws {
        let inv = try parsed(["-vq", "auth", "status"])
        XCTAssertTrue(inv.verbose && inv.quiet)
        // As getopt reads them: the last letter may take a value, the rest of the word or the next one.
        for line in [["services", "get", "1", "-qo", "json"], ["services", "get", "1", "-qojson"], ["services", "get", "1", "-qo=json"]] {
            let bundled = try parsed(line)
            XCTAssertTrue(bundled.quiet, "\(line)")
            XCTAssertEqual(bundled[GlobalFlags.output], .json, "\(line)")
        }
        XCTAssertEqual(usageError(["services", "get", "1", "-qx"]), "unknown flag -x for 'services get' (see 'homeserve services get --help')")
        XCTAssertEqual(usageError(["bookings", "update", "3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13", "--notes", "-qojson"]),
                       "flag --notes needs a value, but the next word is the flag -qojson (for that text, write --notes=-qojson)")
        let off = try parsed(["bookings", "list", "--all", "--no-all", "--dry-run", "--no-dry-run"])
        XCTAssertFalse(off[ListFlags.all])
        XCTAssertFalse(off.dryRun)
    }

    /// Only what the table calls negatable has a --no- form: not a switch already named no-…, nor --help.
    func testNoPrefixOnlyForNegatableSwitches() throws {
        XCTAssertTrue(try parsed(["bookings", "list", "--no-headers"])[GlobalFlags.noHeaders])
        XCTAssertTrue(usageError(["bookings", "list", "--no-no-headers"]).contains("unknown flag --no-no-headers"))
        XCTAssertTrue(usageError(["bookings", "list", "--no-help"]).contains("unknown flag --no-help"))
        XCTAssertTrue(usageError(["bookings", "list", "--no-version"]).contains("unknown flag --no-version"))
        XCTAssertEqual(CommandTable.standard.globalFlags.filter(\.negatable).map(\.name).sorted(),
                       ["dry-run", "insecure", "quiet", "verbose", "wide"])
        let message = usageError(["bookings", "list", "--no-headers=yes"])
        XCTAssertTrue(message.contains("flag --no-headers is a switch: give it alone, or as --no-headers=true or --no-headers=false; got 'yes'"), message)
        // A switch's value is true or false, and its --no- form and --help take none.
        let dry = usageError(["services", "list", "--dry-run=no"])
        XCTAssertTrue(dry.contains("flag --dry-run is a switch: give it alone, or as --dry-run=true or --dry-run=false, --no-dry-run; got 'no'"), dry)
        XCTAssertFalse(try parsed(["services", "list", "--dry-run=false"]).dryRun)
        XCTAssertTrue(try parsed(["services", "list", "--dry-run=true"]).dryRun)
        XCTAssertTrue(usageError(["services", "list", "--no-dry-run=yes"]).contains("flag --no-dry-run takes no value, got 'yes'"))
        XCTAssertTrue(usageError(["services", "list", "--help=x"]).contains("flag --help takes no value, got 'x'"))
    }

    func testDoubleDashEndsOptions() throws {
        let inv = try parsed(["config", "set", "url", "--", "https://x.example"])
        XCTAssertEqual(inv[ConfigCommands.key], "url")
        XCTAssertEqual(inv[ConfigCommands.value], "https://x.example")
        XCTAssertEqual(try parsed(["bookings", "get", "--", "abc-1"])[BookingCommands.id], "abc-1")
    }

    func testListFlagsCollectAndChoicesSplitOnCommas() throws {
        let inv = try parsed(["bookings", "list", "--status", "pending,confirmed", "--status", "signed"])
        XCTAssertEqual(inv[BookingCommands.status], ["pending", "confirmed", "signed"])
        XCTAssertTrue(usageError(["bookings", "list", "--status", "pending,nope"]).contains("'nope'"))
        let sets = try parsed(["bookings", "update", "b1", "--set", "notes=a,b", "--set", "x=1"])
        XCTAssertEqual(sets[BookingCommands.set].map(\.key), ["notes", "x"])
        XCTAssertEqual(sets[BookingCommands.set].first?.text, "a,b", "key=value lists are not split")
        let single = try parsed(["bookings", "create", "--service", "1", "--service", "2", "--pincode", "560001", "--date", "now"])
        XCTAssertEqual(single[BookingCommands.service], 2, "a single-valued flag keeps the last value")
    }

    func testDefaultsAndUndeclaredReads() throws {
        let inv = try parsed(["pricing", "predict", "--service", "1", "--pincode", "560001"])
        XCTAssertEqual(inv[PricingCommands.days], 7)
        XCTAssertNil(inv[BookingCommands.price], "a flag the command does not declare reads as nil")
        XCTAssertEqual(inv.undeclared, ["price"], "and is recorded as a table bug")
    }

    func testFlagsBeforeADeeperSubcommandAreKeptOrRefused() throws {
        let inv = try parsed(["admin", "history", "--model", "Booking", "export"])
        XCTAssertEqual(inv.command.name, "admin history export")
        XCTAssertEqual(inv[AdminHistoryCommands.model], "Booking")
        XCTAssertTrue(usageError(["admin", "history", "--page", "2", "export"]).contains("flag --page does not apply to 'admin history export'"))
    }

    func testUnknownCommandsAndFlagsSuggest() {
        XCTAssertTrue(usageError(["bokings", "list"]).contains("did you mean 'bookings'"))
        XCTAssertTrue(usageError(["bookings", "lst"]).contains("did you mean 'bookings list'"))
        XCTAssertFalse(usageError(["admin", "pincodes", "--all"]).contains("did you mean"), "all is not near url: one letter in common")
        XCTAssertEqual(Suggestions.nearest(to: "stauts", in: ["status", "service"]), "status")
        XCTAssertEqual(Suggestions.nearest(to: "tkn", in: ["token", "status", "login"]), "token")
        XCTAssertNil(Suggestions.nearest(to: "pwsh", in: ["bash", "zsh", "fish"]), "two letters of four changed is another word")
        XCTAssertEqual(Suggestions.nearest(to: "bsah", in: ["bash", "zsh", "fish"]), "bash")
        XCTAssertTrue(usageError(["ai", "dispt", "x"]).contains("did you mean 'ai dispute'"))
        for wrong in [["all"], ["smoke", "--all"], ["pricing", "quote", "--all"], ["bookings", "list", "--arg"]] {
            XCTAssertFalse(usageError(wrong).contains("did you mean"), "\(wrong): \(usageError(wrong))")
        }
        let message = usageError(["bookings", "list", "--stauts", "pending"])
        XCTAssertTrue(message.contains("did you mean --status?") && message.contains("bookings list --help"), message)
        XCTAssertTrue(usageError(["-x", "services", "list"]).contains("unknown flag -x"))
    }

    func testMissingValuesRequiredFlagsAndArity() {
        XCTAssertTrue(usageError(["bookings", "list", "--status"]).contains("needs a value"))
        XCTAssertTrue(usageError(["bookings", "create", "--service", "1", "--pincode", "560001"]).contains("--date"))
        XCTAssertTrue(usageError(["bookings", "get"]).contains("needs ID"))
        XCTAssertTrue(usageError(["bookings", "get", "a", "b"]).contains("unexpected argument 'b'"))
        // A command that is a group too suggests the one below it that was meant.
        let typo = usageError(["admin", "history", "exprt"])
        XCTAssertTrue(typo.contains("unexpected argument 'exprt' for 'admin history'; did you mean 'admin history export'?"), typo)
    }

    func testErrorsNameTheFlagTheValueAndWhatIsAccepted() {
        let choice = usageError(["bookings", "list", "--status", "pendng"])
        XCTAssertTrue(choice.contains("'pendng'") && choice.contains("--status") && choice.contains("pending, confirmed, in_progress"), choice)
        XCTAssertTrue(choice.contains("did you mean 'pending'"), choice)
        XCTAssertTrue(usageError(["-o", "yaml", "services", "list"]).contains("table, json, ndjson, csv, tsv"))
        XCTAssertTrue(usageError(["services", "get", "0"]).contains("an integer ≥ 1"))
        XCTAssertTrue(usageError(["--retries", "11", "services", "list"]).contains("from 0 to 10"))
        XCTAssertEqual(usageError(["bookings", "list", "--limit", "99999999999999999999"]),
                       "invalid value '99999999999999999999' for --limit: expected an integer ≥ 1, at most 9223372036854775807")
        XCTAssertEqual(usageError(["--retries", "99999999999999999999", "services", "list"]),
                       "invalid value '99999999999999999999' for --retries: expected an integer from 0 to 10")
        XCTAssertTrue(usageError(["bookings", "create", "--service", "1", "--pincode", "5600", "--date", "now"]).contains("6 to 10 digits"))
        XCTAssertTrue(usageError(["disputes", "resolve", "d1", "--notes", "  "]).contains("non-empty text"))
        XCTAssertTrue(usageError(["auth", "otp", "send", "--email", "nope"]).contains("invalid value 'nope' for --email"))
        for email in ["a@b..com", "a@.com", "a@b.com.", "a@-b.com", "a@b", "a b@c.com"] {
            XCTAssertTrue(usageError(["auth", "otp", "send", "--email", email]).contains("for --email: expected an email address"), email)
        }
        for phone in ["++919876543202", "91+9876543202", "(+91)9876543202", "+91 98x76543202"] {
            XCTAssertTrue(usageError(["auth", "otp", "send", "--phone", phone]).contains("for --phone: expected a phone number"), phone)
        }
        for good in [["--email", "a.b+c@mail.example.co.in"], ["--phone", "+91 98765-43210"], ["--phone", "(080) 2345 6789"]] {
            XCTAssertNoThrow(try parsed(["auth", "otp", "send"] + good), "\(good)")
        }
        let control = usageError(["bookings", "get", "a\u{1B}[2Jb"])
        XCTAssertTrue(control.contains("\\x1b"), "control characters in a refused value are shown, not sent to the terminal: \(control)")
    }

    func testURLsAreParsedStrictly() {
        for bad in ["http://a b", "http://[::1", "http://x:99999", "ftp://x", "http://x\r\ny", "http://user:pw@x", "http://", "http://x/?q=1"] {
            XCTAssertTrue(usageError(["--url", bad, "services", "list"]).contains("--url"), bad)
        }
        XCTAssertEqual(try parsed(["--url", "https://Host.Example:8443/prefix/", "services", "list"])[GlobalFlags.url]?.description,
                       "https://host.example:8443/prefix")
        XCTAssertEqual(try parsed(["--url", "http://[::1]:8000", "services", "list"])[GlobalFlags.url]?.isLoopback, true)
    }

    func testISODatesAndDateTimes() throws {
        let kind = ValueKind<String>.dateTime
        for good in ["2026-12-01T10:00:00Z", "2026-12-01T10:00+05:30", "2026-12-01T10:00:00.123456-04:00", "2028-02-29T00:00:00Z"] {
            XCTAssertEqual(try kind.convert(good, context()), good)
        }
        for bad in ["2026-12-01", "2026-13-01T10:00Z", "2026-02-30T10:00:00Z", "2027-02-29T10:00Z", "2026-12-01T25:00Z", "2026-12-01T10:00:00+5", "soon"] {
            XCTAssertThrowsError(try kind.convert(bad, context()), bad)
        }
        XCTAssertEqual(try ValueKind<String>.date.convert("2026-12-31", context()), "2026-12-31")
        XCTAssertThrowsError(try ValueKind<String>.date.convert("2026-12-32", context()))
        // Outside the years ISO-8601 writes in four digits, from year 1, no day a server takes is named.
        for bad in ["0000-01-01T10:00Z", "0000-06-01 10:00", "-800000d", "-999999d", "+999999w", "-740000d"] {
            XCTAssertThrowsError(try kind.convert(bad, context()), bad)
        }
        for bad in ["0000-01-01", "-800000d", "+999999w"] {
            XCTAssertThrowsError(try ValueKind<String>.date.convert(bad, context()), bad)
        }
        XCTAssertEqual(try ValueKind<String>.date.convert("0001-01-01", context()), "0001-01-01")
        XCTAssertEqual(try ValueKind<String>.date.convert("9999-12-31", context()), "9999-12-31")
    }

    func testDatesPeopleType() throws {
        let date = ValueKind<String>.date, moment = ValueKind<String>.dateTime
        XCTAssertEqual(try date.convert("today", context()), "2026-11-30")
        XCTAssertEqual(try date.convert("tomorrow", context()), "2026-12-01")
        XCTAssertEqual(try date.convert("yesterday", context()), "2026-11-29")
        XCTAssertEqual(try date.convert("monday", context()), "2026-11-30", "today is Monday")
        XCTAssertEqual(try date.convert("fri", context()), "2026-12-04")
        XCTAssertEqual(try date.convert("+3d", context()), "2026-12-03")
        XCTAssertEqual(try date.convert("-1w", context()), "2026-11-23")
        XCTAssertEqual(try moment.convert("now", context()), "2026-11-30T12:00:00Z")
        XCTAssertEqual(try moment.convert("-2h", context()), "2026-11-30T10:00:00Z")
        XCTAssertEqual(try moment.convert("tomorrow 10:00", context()), "2026-12-01T10:00:00Z")
        XCTAssertEqual(try moment.convert("tomorrow", context()), "2026-12-01T12:00:00Z", "a day word keeps the time of day")
        // In Kolkata (+05:30) it is already 17:30 on Monday; 'tomorrow 10:00' is local.
        XCTAssertEqual(try moment.convert("tomorrow 10:00", context(offset: 19800)), "2026-12-01T10:00:00+05:30")
        XCTAssertEqual(try date.convert("today", context(offset: -14 * 3600)), "2026-11-29", "behind UTC it is still Sunday")
        // It is Monday 12:00: Monday 10:00 has passed, so it is next week's; 13:00 is still today.
        XCTAssertEqual(try moment.convert("mon 10:00", context()), "2026-12-07T10:00:00Z")
        XCTAssertEqual(try moment.convert("monday 13:00", context()), "2026-11-30T13:00:00Z")
        XCTAssertEqual(try moment.convert("2026-12-01 10:00", context(offset: 19800)), "2026-12-01T10:00:00+05:30", "a date and a time")
        XCTAssertEqual(try moment.convert("2026-12-01T10:00:00", context(offset: 19800)), "2026-12-01T10:00:00+05:30", "no offset: the user's zone")
        XCTAssertEqual(try moment.convert("2026-12-01T10:00:00-04:00", context(offset: 19800)), "2026-12-01T10:00:00-04:00")
        // Next to clock changes, in zones that have them.
        func zoned(_ zone: String) -> ValueContext {
            ValueContext(readStdin: { [] }, now: { self.now }, utcOffset: { CivilTime.utcOffset(at: $0, zone: zone) })
        }
        for (zone, typed, sent) in [("America/New_York", "2027-03-14T06:30", "2027-03-14T06:30:00-04:00"),
                                    ("America/New_York", "2027-03-14 03:30", "2027-03-14T03:30:00-04:00"),
                                    ("America/New_York", "2027-11-07T05:30", "2027-11-07T05:30:00-05:00"),
                                    ("America/New_York", "2027-11-07T02:30", "2027-11-07T02:30:00-05:00"),
                                    ("America/New_York", "2027-11-07T01:30", "2027-11-07T01:30:00-04:00"),
                                    ("Europe/Berlin", "2027-03-28T01:30", "2027-03-28T01:30:00+01:00"),
                                    ("Europe/Berlin", "2027-03-28 03:30", "2027-03-28T03:30:00+02:00"),
                                    ("Asia/Kolkata", "2027-03-28T01:30", "2027-03-28T01:30:00+05:30")] {
            XCTAssertEqual(try moment.convert(typed, zoned(zone)), sent, "\(zone) \(typed)")
        }
        // A time the clocks skip names no instant: refused, not moved to one not asked for.
        for (zone, typed) in [("America/New_York", "2027-03-14T02:30"), ("America/New_York", "2027-03-14 02:00"), ("Europe/Berlin", "2027-03-28 02:59")] {
            XCTAssertThrowsError(try moment.convert(typed, zoned(zone)), "\(zone) \(typed)") {
                XCTAssertEqual(($0 as? ValueProblem)?.detail, "a time the clocks skip in this time zone as they move forward; give a time before or after the change")
            }
        }
        for bad in ["tomorow", "+3x", "now 10:00", "monday 25:00", "+", "+1234567d", "2026-12-32 10:00"] {
            XCTAssertThrowsError(try moment.convert(bad, context()), bad)
        }
    }

    func testTheProfileTimeZoneResolvesDatesInTheDryRun() {
        let harness = Harness(environment: ["TZ": "UTC"])
        harness.writeSettings(["default": ["timezone": "Asia/Kolkata"]])
        harness.clock.wall = now
        let run = harness.run(["--dry-run", "bookings", "create", "--service", "1", "--pincode", "560001", "--date", "tomorrow 10:00", "--price", "100"])
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertTrue(run.out.contains("\"scheduled_date\":\"2026-12-01T10:00:00+05:30\""), run.out)
    }

    func testATimeZoneTheSystemDoesNotKnowIsRefusedNotReadAsUTC() throws {
        try XCTSkipUnless(FileFacts.isDirectory("/usr/share/zoneinfo"), "no zone database to check names against")
        let args = ["--dry-run", "bookings", "create", "--service", "1", "--pincode", "560001", "--date", "tomorrow 10:00", "--price", "100"]
        let fromEnv = Harness(environment: ["TZ": "Invalid/Zone"]).run(args)
        XCTAssertEqual(fromEnv.status, 2)
        XCTAssertEqual(fromEnv.out, "")
        XCTAssertEqual(fromEnv.err, "homeserve: invalid time zone 'Invalid/Zone' from TZ: expected an IANA name such as Asia/Kolkata or UTC, in which dates are read\n")
        let harness = Harness(environment: ["TZ": "UTC"])
        harness.writeSettings(["default": ["timezone": "Mars/Base"]])
        XCTAssertContains(harness.run(args).err, "invalid time zone 'Mars/Base' from the timezone of profile 'default'")
        for zone in ["EST5EDT", "CET-1CEST,M3.5.0,M10.5.0/3", ":Asia/Kolkata", "UTC"] {
            XCTAssertEqual(Harness(environment: ["TZ": zone]).run(args).status, 0, zone)
        }
        XCTAssertEqual(Harness(environment: ["TZ": "Invalid/Zone"]).run(["--dry-run", "services", "list"]).status, 0, "checked only where a date is read")
    }

    func testFilesAndPayloads() throws {
        let dir = temporaryDirectory()
        let file = dir + "/evidence.json"
        try AtomicFile.write(file, Array("{\"photos\": [1, 2]}".utf8), mode: 0o600)
        XCTAssertEqual(try ValueKind<String>.file.convert(file, context()), file)
        XCTAssertEqual(try? ValueKind<String>.file.convert(dir + "/missing", context()), nil)
        XCTAssertThrowsError(try ValueKind<String>.file.convert(dir, context())) { error in
            XCTAssertEqual((error as? ValueProblem)?.detail, "is a directory, expected a file")
        }
        XCTAssertEqual(try ValueKind<JSON>.payload.convert("@" + file, context()), ["photos": [1, 2]])
        XCTAssertEqual(try ValueKind<JSON>.payload.convert("-", context()), ["from": "stdin"])
        XCTAssertThrowsError(try ValueKind<JSON>.payload.convert("{oops", context())) { error in
            XCTAssertTrue((error as? ValueProblem)?.detail?.contains("not valid JSON") ?? false, "\(error)")
        }
        XCTAssertEqual(try ValueKind<String>.outputFile.convert(dir + "/out.csv", context()), dir + "/out.csv")
        XCTAssertThrowsError(try ValueKind<String>.outputFile.convert(dir + "/no/such/out.csv", context()))
    }

    func testAFlagThatTookTheCommandAsItsValueIsNamed() {
        XCTAssertEqual(usageError(["-o", "services", "get", "1"]), "invalid value 'services' for -o: expected one of: table, json, ndjson, csv, tsv",
                       "the value is what is wrong, not the word after it")
        XCTAssertEqual(usageError(["--status", "x", "bookings", "list"]), "unknown flag --status for homeserve (see 'homeserve --help')")
        XCTAssertEqual(usageError(["--profile", "bookings", "list"]),
                       "unknown command 'list' for 'homeserve'; 'bookings' was read as the value of --profile (see 'homeserve --help')")
        XCTAssertEqual(usageError(["bookigs", "list"]), "unknown command 'bookigs' for 'homeserve'; did you mean 'bookings'? (see 'homeserve --help')")
    }

    func testOtherToolsWordsAreTakenForOurs() {
        func hint(_ args: [String]) -> String { usageError(args).components(separatedBy: "; ").dropFirst().first ?? "" }
        XCTAssertEqual(hint(["bookings", "ls"]), "did you mean 'bookings list'? (see 'homeserve bookings --help')")
        XCTAssertEqual(hint(["bookings", "show", "5"]), "did you mean 'bookings get'? (see 'homeserve bookings --help')")
        XCTAssertEqual(hint(["bookings", "new"]), "did you mean 'bookings create'? (see 'homeserve bookings --help')")
        XCTAssertEqual(hint(["list", "bookings"]), "did you mean 'bookings list'? (see 'homeserve --help')")
        XCTAssertEqual(hint(["login"]), "did you mean 'auth login'? (see 'homeserve --help')")
        XCTAssertEqual(hint(["version"]), "did you mean 'homeserve --version'? (see 'homeserve --help')")
        XCTAssertEqual(hint(["list"]), "", "a word many commands end in names none of them")
        XCTAssertEqual(hint(["config", "view"]), "did you mean 'config list'? (see 'homeserve config --help')", "kubectl's config view shows every setting")
        XCTAssertThrowsError(try Help(table: .standard).text(for: ["login"])) { error in
            XCTAssertEqual((error as? CLIError)?.message, "no help for 'login'; did you mean 'auth login'? (see 'homeserve help')")
        }
    }

    func testALongFlagGivenOneDashIsNamed() {
        XCTAssertEqual(usageError(["-output", "json", "bookings", "list"]), "unknown flag -output for homeserve; did you mean --output? (long flags take two dashes)")
        XCTAssertEqual(usageError(["bookings", "list", "-status=pending"]), "unknown flag -status for 'bookings list'; did you mean --status? (long flags take two dashes)")
        XCTAssertEqual(usageError(["-version"]), "unknown flag -version for homeserve; did you mean --version? (long flags take two dashes)")
        XCTAssertEqual(usageError(["bookings", "list", "-help"]), "unknown flag -help for 'bookings list'; did you mean --help? (long flags take two dashes)")
        XCTAssertNoThrow(try parsed(["bookings", "list", "-qojson"]), "a bundle that is no flag's name is read as getopt does")
    }

    func testHelpAndVersionOutcomes() throws {
        guard case let .help(path) = try parser.parse(["bookings", "create", "--help"]) else { return XCTFail() }
        XCTAssertEqual(path, ["bookings", "create"])
        for bundle in ["-vh", "-hv", "-qhv"] {
            guard case let .help(path) = try parser.parse(["--dry-run", "services", "list", bundle]) else { return XCTFail("\(bundle) runs the command") }
            XCTAssertEqual(path, ["services", "list"], "an h in a bundle of switches asks for help")
        }
        guard case let .help(flagged) = try parser.parse(["help", "-o", "json", "--profile=ci", "bookings", "-v"]) else { return XCTFail() }
        XCTAssertEqual(flagged, ["bookings"], "flags after help and their values are not words of the path")
        XCTAssertEqual(usageError(["help", "--bogus"]), "unknown flag --bogus for homeserve (see 'homeserve --help')")
        for line in [["help", "-ojson", "bookings"], ["help", "-qo", "json", "bookings"], ["help", "-o=json", "bookings"]] {
            guard case let .help(bundled) = try parser.parse(line) else { return XCTFail("\(line)") }
            XCTAssertEqual(bundled, ["bookings"], "\(line)")
        }
        for line in [["help", "-o", "xml"], ["help", "-oxml", "bookings"], ["help", "-qo", "xml"], ["help", "--output=xml"], ["help", "bookings", "--output", "xml"]] {
            XCTAssertTrue(usageError(line).hasPrefix("invalid value 'xml' for -"), "\(line): a closed list's value is checked under help too")
        }
        // The command asked about has its own flags, their values not words of the path.
        for line in [["help", "bookings", "list", "--status", "pending"], ["help", "api", "-F", "x=1"]] {
            guard case let .help(own) = try parser.parse(line) else { return XCTFail("\(line)") }
            XCTAssertEqual(own, Array(line[1..<(line.count - 2)]), "\(line)")
        }
        for line in [["help", "-o", "json", "bookings", "list", "--status", "pending"], ["help", "-qo", "json", "bookings", "list"],
                     ["help", "--profile", "ci", "bookings", "list"], ["help", "--", "bookings", "list"]] {
            guard case let .help(own) = try parser.parse(line) else { return XCTFail("\(line)") }
            XCTAssertEqual(own, ["bookings", "list"], "\(line): a global flag's value is no word of the path")
        }
        guard case .help([]) = try parser.parse(["help", "help"]) else { return XCTFail("help help is help") }
        XCTAssertTrue(usageError(["-o", "xml", "help", "bookings"]).hasPrefix("invalid value 'xml' for -o"), "a flag before help is checked too")
        XCTAssertEqual(usageError(["help", "-output", "json"]), "unknown flag -output for homeserve; did you mean --output? (long flags take two dashes)")
        XCTAssertEqual(usageError(["help", "bookings", "list", "--bogus"]), "unknown flag --bogus for 'bookings list' (see 'homeserve bookings list --help')")
        XCTAssertEqual(usageError(["help", "--output"]), "flag --output needs a value: one of: table, json, ndjson, csv, tsv")
        // A line without a command prints help only where its flags are right; --help wins over any value.
        for line in [["-o", "xml"], ["bookings", "-o", "xml"], ["-o", "bookings"]] {
            XCTAssertTrue(usageError(line).hasPrefix("invalid value '"), "\(line)")
        }
        for line in [["--help", "-o", "xml"], ["bookings", "list", "-o", "xml", "--help"]] {
            guard case .help = try parser.parse(line) else { return XCTFail("\(line)") }
        }
        XCTAssertTrue(usageError(["help", "bookings", "--verbsoe=1"]).hasPrefix("unknown flag --verbsoe for 'bookings'; did you mean --verbose?"))
        guard case let .help(topic) = try parser.parse(["help", "exit-codes"]) else { return XCTFail() }
        XCTAssertEqual(topic, ["exit-codes"])
        guard case .help([]) = try parser.parse([]) else { return XCTFail() }
        guard case .version = try parser.parse(["--version"]) else { return XCTFail() }
        guard case .version = try parser.parse(["-v", "--version"]) else { return XCTFail() }
    }

    func testVersionBesideACommandRunsNothing() {
        for line in [["--version", "bookings", "cancel", "00000000-0000-4000-8000-000000000031"], ["bookings", "list", "--version"], ["bookings", "--version"]] {
            XCTAssertThrowsError(try parser.parse(line), line.joined(separator: " ")) { error in
                XCTAssertEqual("\(error)", "flag --version does not go with a command ('\(line.filter { !$0.hasPrefix("-") && !$0.hasPrefix("0") }.joined(separator: " "))'): 'homeserve --version' prints the version; nothing was run")
            }
        }
        let (status, out, err) = runCLI(["bookings", "cancel", "00000000-0000-4000-8000-000000000031", "--version"])
        XCTAssertEqual(status, 2)
        XCTAssertEqual(out, "")
        XCTAssertEqual(err, "homeserve: flag --version does not go with a command ('bookings cancel'): 'homeserve --version' prints the version; nothing was run\n")
    }

    func testSuggestionDistance() {
        XCTAssertEqual(Suggestions.distance("stauts", "status"), 1)
        XCTAssertEqual(Suggestions.distance("", "abc"), 3)
        XCTAssertEqual(Suggestions.nearest(to: "nmae", in: ["id", "name", "category"]), "name")
        XCTAssertNil(Suggestions.nearest(to: "zzzzzz", in: ["bookings", "services"]))
        XCTAssertNil(Suggestions.nearest(to: "jq", in: ["ai", "api"]), "two letters are not near every other two")
        XCTAssertEqual(Suggestions.nearest(to: "ap", in: ["ai", "api"]), "api", "of two as near, the one it begins")
    }
}
