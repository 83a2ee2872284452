import HomeServeAPI
@testable import HomeServeCLI
import HomeServeCore
import XCTest

/// The output rule (`homeserve help output`): -o json prints the document, the other formats print rows,
/// columns come from the data, and --fields, --sort-by, --no-headers and --jq apply the same way to
/// every command. Also: 2xx answers that say a write did not happen.
final class OutputRuleTests: XCTestCase {
    let booking = "3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13"
    var harness: Harness!
    var transport: StubTransport { harness.transport }

    override func setUp() {
        harness = Harness()
        harness.logIn()
    }

    var updated: String {
        #"{"message": "Booking updated successfully", "booking": {"id": "\#(booking)", "service_name": "Deep Cleaning", "status": "confirmed", "scheduled_date": "2026-12-01T10:00:00+05:30", "pincode": "560001", "total_price": "1299.00", "customer": {"id": 4, "address": {"city": "Bengaluru"}}}}"#
    }

    func run(_ args: [String], status: Int32 = 0, file: StaticString = #filePath, line: UInt = #line) -> Harness.Outcome {
        let outcome = harness.run(args)
        XCTAssertEqual(outcome.status, status, outcome.err, file: file, line: line)
        return outcome
    }

    override func tearDown() { transport.verify() }

    /// One object has nothing to sort: a --sort-by given with it (a typo too) is said to do nothing, not
    /// passed over in silence; a summary with a list still sorts it without a word.
    func testSortByOnOneObjectIsSaidToHaveNoEffect() {
        transport.register("GET", "/api/services/1/", json: #"{"id": 1, "name": "Deep Cleaning", "base_price": "999.00"}"#, times: 2)
        let one = run(["services", "get", "1", "--sort-by", "nope", "-o", "csv"])
        XCTAssertEqual(one.out, "id,name,base_price\n1,Deep Cleaning,999.00\n")
        XCTAssertEqual(one.err, "homeserve: warning: --sort-by has no effect: the answer has no list in it to sort\n")
        XCTAssertContains(run(["services", "get", "1", "--sort-by", "name", "-o", "json"]).err, "--sort-by has no effect")
        let stats = #"{"total": 2, "recent": [{"id": 2, "status": "sent"}, {"id": 1, "status": "failed"}]}"#
        transport.register("GET", "/admin-dashboard/notifications/", json: stats)
        let sorted = run(["admin", "notifications", "stats", "-o", "json", "--sort-by", "id"])
        XCTAssertEqual(sorted.json["recent"]?.arrayValue?.map { $0["id"] }, [1, 2])
        XCTAssertEqual(sorted.err, "")
        // A list of plain values is none to sort by a field.
        transport.register("GET", "/admin-dashboard/notifications/", json: #"{"total": 2, "available_actions": ["a", "b"]}"#)
        XCTAssertContains(run(["admin", "notifications", "stats", "-o", "json", "--sort-by", "nosuch"]).err, "--sort-by has no effect")
        // A summary whose list is empty this time still has a list: no warning, and no field to check.
        transport.register("GET", "/admin-dashboard/notifications/", json: #"{"total": 0, "recent": []}"#)
        XCTAssertEqual(run(["admin", "notifications", "stats", "-o", "json", "--sort-by", "idd"]).err, "")
    }

    /// The fields a row has are listed in an error up to 40, and the rest counted, never cut off unsaid.
    func testAnUnknownFieldListsTheFieldsAndCountsWhatItLeavesOut() {
        let wide = "{" + (1...43).map { "\"f\($0)\": \($0)" }.joined(separator: ", ") + "}"
        transport.register("GET", "/api/services/1/", json: wide)
        let outcome = run(["services", "get", "1", "--fields", "nope"], status: 2)
        XCTAssertContains(outcome.err, "f39, f40 and 3 more)")
    }

    // MARK: Document or rows

    func testJSONPrintsAWrappedAnswerWholeAndTheOtherFormatsPrintTheResource() {
        let update = ["bookings", "update", booking, "--set", "pincode=560001"]
        transport.register("PATCH", "/api/bookings/\(booking)/", json: updated, times: 5)
        let json = run(update + ["-o", "json"])
        XCTAssertEqual(json.json, try JSON.parse(updated))
        XCTAssertTrue(json.out.hasPrefix("{\n  \"message\": \"Booking updated successfully\",\n  \"booking\": {\n    \"id\""), json.out)
        XCTAssertEqual(json.err, "", "the message is in the document: not repeated")

        XCTAssertEqual(run(update + ["-o", "ndjson"]).out, #"{"id":"\#(booking)","service_name":"Deep Cleaning","status":"confirmed","scheduled_date":"2026-12-01T10:00:00+05:30","pincode":"560001","total_price":"1299.00","customer":{"id":4,"address":{"city":"Bengaluru"}}}"# + "\n")
        XCTAssertEqual(run(update + ["-o", "csv"]).out, """
            id,service_name,status,scheduled_date,pincode,total_price,customer.id,customer.address.city
            \(booking),Deep Cleaning,confirmed,2026-12-01T10:00:00+05:30,560001,1299.00,4,Bengaluru

            """)
        XCTAssertEqual(run(update + ["-o", "tsv", "--no-headers"]).out, "\(booking)\tDeep Cleaning\tconfirmed\t2026-12-01T10:00:00+05:30\t560001\t1299.00\t4\tBengaluru\n",
                       "the usual columns, then the rest")
        XCTAssertEqual(run(update + ["-o", "table"]).out, """
            id                     \(booking)
            service_name           Deep Cleaning
            status                 confirmed
            scheduled_date         2026-12-01T10:00:00+05:30
            pincode                560001
            total_price            1299.00
            customer.id            4
            customer.address.city  Bengaluru

            """, "in a pipe the record is whole: the usual fields first, then the rest")
    }

    func testARecordOnATerminalShowsItsUsualFieldsAndSaysHowManyMore() {
        harness.stdoutTTY = true
        harness.stderrTTY = true
        harness.terminalWidth = 100
        transport.register("GET", "/api/bookings/\(booking)/", json: updated, times: 2)
        let fitted = run(["bookings", "get", booking, "--no-color"])
        XCTAssertEqual(fitted.out, """
            id              \(booking)
            service_name    Deep Cleaning
            status          confirmed
            scheduled_date  2026-12-01T10:00:00+05:30
            pincode         560001
            total_price     1299.00

            """)
        XCTAssertEqual(fitted.err, "homeserve: 2 more fields: --wide to see them\n")
        let wide = run(["bookings", "get", booking, "--no-color", "--wide"])
        XCTAssertContains(wide.out, "customer.id            4\n", "customer.address.city  Bengaluru\n")
        XCTAssertEqual(wide.err, "")
    }

    func testOneResourceHasTheSameColumnsWhateverItsStateAndATerminalLeavesOutItsEmptyFields() {
        let pending = #"{"id": "\#(booking)", "service_name": "Deep Cleaning", "status": "pending", "vendor": null, "vendor_notes": "", "completion_date": null, "total_price": "1299.00"}"#
        transport.register("GET", "/api/bookings/\(booking)/", json: pending, times: 4)
        XCTAssertEqual(run(["bookings", "get", booking, "-o", "csv"]).out, """
            id,service_name,status,total_price,vendor,vendor_notes,completion_date
            \(booking),Deep Cleaning,pending,1299.00,,,

            """, "empty fields are columns too")
        XCTAssertEqual(run(["bookings", "get", booking, "-o", "table"]).out, """
            id               \(booking)
            service_name     Deep Cleaning
            status           pending
            total_price      1299.00
            vendor
            vendor_notes
            completion_date

            """, "in a pipe the record is whole")
        harness.stdoutTTY = true
        harness.terminalWidth = 100
        XCTAssertFalse(run(["bookings", "get", booking, "--no-color"]).out.contains("vendor"), "a terminal shows what is filled in")
        XCTAssertContains(run(["bookings", "get", booking, "--no-color", "--wide"]).out, "vendor_notes\n")
        harness.stdoutTTY = false
        let confirmed = #"{"id": "\#(booking)", "service_name": "Deep Cleaning", "status": "confirmed", "vendor": 7, "vendor_notes": "Gate code 4411", "completion_date": null, "total_price": "1299.00"}"#
        transport.register("GET", "/api/bookings/\(booking)/", json: confirmed)
        XCTAssertEqual(lines(run(["bookings", "get", booking, "-o", "csv"]).out).first, "id,service_name,status,total_price,vendor,vendor_notes,completion_date",
                       "the header a confirmed booking has is the pending one's")
    }

    func testAFieldNullInOneRowAndAnObjectInAnotherIsOneSetOfColumns() {
        let answer = #"[{"id": 1, "title": "Leak", "customer_evidence": {"notes": "drips", "photos": [1]}}, {"id": 2, "title": "Late", "customer_evidence": null}]"#
        transport.register("GET", "/api/disputes/", json: answer)
        XCTAssertEqual(run(["disputes", "list", "-o", "csv"]).out, """
            id,title,customer_evidence.notes,customer_evidence.photos
            1,Leak,drips,[1]
            2,Late,,

            """)
        let strings = #"[{"id": 1, "photos": [1, 2], "note": {"a": 1}}, {"id": 2, "photos": null, "note": "see attached"}]"#
        transport.register("GET", "/api/disputes/", json: strings)
        XCTAssertEqual(run(["disputes", "list", "-o", "csv"]).out, """
            id,note,note.a,photos
            1,"{""a"":1}",1,"[1,2]"
            2,see attached,,

            """, "an array null elsewhere is one column; text where another row has an object is kept")
        let mixed = #"[{"id": 1, "v": "10"}, {"id": 2, "v": 9}, {"id": 3, "v": {"a": 1}}, {"id": 4, "v": [1]}]"#
        transport.register("GET", "/api/disputes/", json: mixed, times: 2)
        XCTAssertEqual(run(["disputes", "list", "-o", "csv"]).out, """
            id,v,v.a
            1,10,
            2,9,
            3,"{""a"":1}",1
            4,[1],

            """, "a field that is text, a number or a list is one column, each name once")
        XCTAssertEqual(lines(run(["disputes", "list", "-o", "tsv"]).out).first, "id\tv\tv.a")

        // Deeper in (an edit's before and after), whichever row comes first: the same columns, the object's
        // fields where the field stood, no column of the object whole.
        let priced = #"{"id": 1, "before": {"status": "pending", "breakdown": {"base": 10, "surge": 1.1}, "vendor": null}, "after": {"status": "confirmed", "breakdown": {"base": 10, "surge": 1.1}, "vendor": 2}}"#
        let unpriced = #"{"id": 2, "before": {"status": "pending", "breakdown": null, "vendor": null}, "after": {"status": "confirmed", "breakdown": null, "vendor": 3}}"#
        let header = "id,before.status,before.breakdown.base,before.breakdown.surge,after.status,after.breakdown.base,after.breakdown.surge,after.vendor"
        for rows in [[priced, unpriced], [unpriced, priced]] {
            transport.register("GET", "/admin-dashboard/edit-history/", json: "[\(rows.joined(separator: ", "))]")
            XCTAssertEqual(lines(run(["admin", "history", "-o", "csv"]).out).first, header, "row \(rows[0] == priced ? "with" : "without") the object first")
        }
        // Top-level objects keep the server's order of fields too.
        let nulled = #"{"id": 1, "a": null, "x": {"y": 1}}"#, filled = #"{"id": 2, "a": {"b": 2}, "x": {"y": 3}}"#
        for rows in [[nulled, filled], [filled, nulled]] {
            transport.register("GET", "/admin-dashboard/edit-history/", json: "[\(rows.joined(separator: ", "))]")
            XCTAssertEqual(lines(run(["admin", "history", "-o", "csv"]).out).first, "id,a.b,x.y")
        }
    }

    func testAReportPrintsItsMainArrayAsRows() {
        let answer = #"{"vendors": [{"id": 7, "name": "Asha Plumbing", "rating": 4.8, "total_jobs": 120, "distance_km": 2.5, "travel_time": 12, "email": "a@example.com"}, {"id": 9, "name": "Ravi & Sons, Ltd", "rating": 4.1, "total_jobs": 8, "distance_km": 7, "travel_time": 30}], "total_vendors": 2, "pincode": "560001", "demand_index": 0.7}"#
        transport.register("GET", "/api/vendor-search/?pincode=560001", json: answer, times: 3)
        let args = ["vendors", "search", "--pincode", "560001"]
        XCTAssertEqual(run(args).json, try JSON.parse(answer), "json by default off a terminal: the whole answer")
        XCTAssertEqual(run(args + ["-o", "csv"]).out, """
            id,name,rating,total_jobs,distance_km,travel_time,email
            7,Asha Plumbing,4.8,120,2.5,12,a@example.com
            9,"Ravi & Sons, Ltd",4.1,8,7,30,

            """)
        XCTAssertEqual(run(args + ["-o", "ndjson", "--fields", "name,email"]).out, """
            {"name":"Asha Plumbing","email":"a@example.com"}
            {"name":"Ravi & Sons, Ltd","email":null}

            """)

        // On a terminal the usual columns are shown and the rest counted; --wide shows them all.
        transport.register("GET", "/api/vendor-search/?pincode=560001", json: answer, times: 2)
        harness.stdoutTTY = true
        harness.stderrTTY = true
        harness.terminalWidth = 200
        let fitted = run(args + ["--no-color"])
        XCTAssertEqual(lines(fitted.out).first, "ID  NAME              RATING  TOTAL_JOBS  DISTANCE_KM  TRAVEL_TIME")
        XCTAssertEqual(fitted.err, "homeserve: 1 more column: --wide or --fields to see it\n")
        let wide = run(args + ["--no-color", "--wide"])
        XCTAssertEqual(lines(wide.out).first, "ID  NAME              RATING  TOTAL_JOBS  DISTANCE_KM  TRAVEL_TIME  EMAIL")
        XCTAssertEqual(wide.err, "")
    }

    /// Sorted, a report printed as JSON is still the server's document: its list in order where it stands,
    /// the fields beside it kept; --fields makes rows of it, as always.
    func testSortingAReportKeepsTheDocument() throws {
        let answer = #"{"pincode": "560001", "demand": {"level": "high"}, "data": {"vendors": [{"id": 2, "rating": 4.1}, {"id": 1, "rating": 4.8}]}}"#
        transport.register("GET", "/api/vendor-search/?pincode=560001", json: answer, times: 3)
        let sorted = run(["vendors", "search", "--pincode", "560001", "-o", "json", "--sort-by", "-rating"])
        XCTAssertEqual(sorted.json, try JSON.parse(#"{"pincode": "560001", "demand": {"level": "high"}, "data": {"vendors": [{"id": 1, "rating": 4.8}, {"id": 2, "rating": 4.1}]}}"#))
        XCTAssertEqual(run(["vendors", "search", "--pincode", "560001", "--sort-by", "rating", "--jq", ".pincode"]).out, "560001\n", "--jq sees the document too")
        XCTAssertEqual(run(["vendors", "search", "--pincode", "560001", "-o", "json", "--sort-by", "-rating", "--fields", "id"]).json,
                       try JSON.parse(#"[{"id": 1}, {"id": 2}]"#))
    }

    func testAnObjectWithoutAMainArrayIsItsOwnRow() {
        transport.register("GET", "/admin-dashboard/dashboard/stats/", json: #"{"cache": {"hit_rate": 0.93}, "bookings_24h": 41, "pincodes": 12}"#, times: 2)
        XCTAssertEqual(run(["admin", "stats", "-o", "csv"]).out, "bookings_24h,pincodes,cache.hit_rate\n41,12,0.93\n")
        XCTAssertEqual(run(["admin", "stats", "-o", "ndjson"]).out, #"{"cache":{"hit_rate":0.93},"bookings_24h":41,"pincodes":12}"# + "\n")
    }

    // MARK: Answers that are more than their lists

    func testARankingPrintsItsBestFirstInEveryTabularFormat() {
        let flags = ["scheduling", "suggest", "--vendor", "2", "--service", "1", "--pincode", "560001", "--date", "2026-12-01"]
        let slot = { (time: String, score: String) in #"{"recommended_time": "2026-12-01T\#(time):00Z", "score": \#(score), "reasoning": "16 min travel", "travel_time_minutes": 16, "estimated_duration_minutes": 240}"# }
        let answer = #"{"optimal_slot": \#(slot("11:00", "92.0")), "alternatives": [\#(slot("10:30", "91.0")), \#(slot("10:00", "90.0"))], "vendor_id": 2, "date": "2026-12-01", "total_slots": 12}"#
        transport.register("POST", "/api/smart-scheduling/", json: answer, times: 9)
        XCTAssertEqual(run(flags + ["-o", "table"]).out, """
            RANK  RECOMMENDED_TIME      SCORE  TRAVEL_TIME_MINUTES  ESTIMATED_DURATION_MINUTES  REASONING
            1     2026-12-01T11:00:00Z  92.0   16                   240                         16 min travel
            2     2026-12-01T10:30:00Z  91.0   16                   240                         16 min travel
            3     2026-12-01T10:00:00Z  90.0   16                   240                         16 min travel

            """)
        XCTAssertEqual(run(flags + ["-o", "csv", "--fields", "rank,recommended_time"]).out,
                       "rank,recommended_time\n1,2026-12-01T11:00:00Z\n2,2026-12-01T10:30:00Z\n3,2026-12-01T10:00:00Z\n")
        XCTAssertEqual(run(flags + ["-o", "tsv", "--no-headers", "--fields", "rank,score", "--sort-by", "score"]).out, "3\t90.0\n2\t91.0\n1\t92.0\n")
        XCTAssertEqual(run(flags + ["-o", "tsv", "--no-headers", "--fields", "rank,score", "--sort-by", "-score"]).out, "1\t92.0\n2\t91.0\n3\t90.0\n", "descending")
        XCTAssertEqual(run(flags + ["-o", "tsv", "--no-headers", "--fields", "rank,score", "--sort-by=-rank"]).out, "3\t90.0\n2\t91.0\n1\t92.0\n")
        XCTAssertEqual(run(flags + ["-o", "json"]).json, try JSON.parse(answer), "json is the server's document, as before")
        XCTAssertEqual(lines(run(flags + ["-o", "ndjson", "--fields", "rank,score"]).out), [#"{"rank":1,"score":92.0}"#, #"{"rank":2,"score":91.0}"#, #"{"rank":3,"score":90.0}"#],
                       "ndjson has the best too")
        XCTAssertEqual(run(flags + ["-o", "json", "--sort-by", "score", "--fields", "rank"]).json, try JSON.parse(#"[{"rank": 3}, {"rank": 2}, {"rank": 1}]"#))
        // Sorted without --fields, json is still the document: the best stays, its runners-up are sorted.
        let sorted = run(flags + ["-o", "json", "--sort-by", "score"]).json
        XCTAssertEqual(sorted["optimal_slot"], try JSON.parse(slot("11:00", "92.0")))
        XCTAssertEqual(sorted["alternatives"]?.arrayValue?.map { $0["score"] }, [.number("90.0"), .number("91.0")])
        XCTAssertEqual(sorted["total_slots"], 12)

        transport.register("POST", "/api/smart-scheduling/", json: #"{"optimal_slot": null, "alternatives": [], "total_slots": 0}"#)
        let none = run(flags + ["-o", "csv"])
        XCTAssertEqual(none.out, "", "no rows to name columns after: no header")
        XCTAssertContains(none.err, "No free slot on 2026-12-01")

        transport.register("POST", "/api/smart-scheduling/", json: #"{"vendor_id": 2, "suggestions": [{"rank": 1, "start": "2026-12-01T11:00:00Z", "score": 92.0}, {"rank": 2, "start": "2026-12-01T10:30:00Z", "score": 91.0}], "slots_considered": 12}"#)
        XCTAssertEqual(run(flags + ["-o", "csv"]).out, "rank,start,score\n1,2026-12-01T11:00:00Z,92.0\n2,2026-12-01T10:30:00Z,91.0\n",
                       "a server that ranks its suggestions itself is read as a report")
        transport.register("POST", "/api/smart-scheduling/", json: #"{"vendor_id": 2, "suggestions": [{"rank": 1, "score": 92.0}, {"rank": 2, "score": 91.0}], "slots_considered": 12}"#)
        XCTAssertEqual(run(flags + ["-o", "json", "--sort-by", "score"]).json,
                       try JSON.parse(#"{"vendor_id": 2, "suggestions": [{"rank": 2, "score": 91.0}, {"rank": 1, "score": 92.0}], "slots_considered": 12}"#),
                       "and sorted, its document is kept whole, its list sorted where it stands")
        transport.register("POST", "/api/smart-scheduling/", json: #"{"vendor_id": 2, "suggestions": [], "slots_considered": 0}"#)
        XCTAssertContains(run(flags + ["-o", "table"]).err, "No free slot on 2026-12-01")
    }

    func testASummaryShowsItsFieldsThenItsListsAndIsOneRowInCSV() {
        let dispute = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9"
        let answer = #"{"dispute_id": "\#(dispute)", "inputs": {"severity": "medium", "days_open": 9}, "analysis": {"vendor_fault_probability": 0.68, "recommended_resolution": "partial_refund", "suggested_refund_amount": "224.50"}, "factors": [{"factor": "dispute_type", "value": "quality", "impact": 0.6}, {"factor": "vendor_rating", "value": 4.2, "impact": -0.02}], "model": "m1"}"#
        transport.register("GET", "/api/advanced-dispute-resolution/\(dispute)/", json: answer, times: 7)
        let args = ["ai", "dispute", dispute]
        XCTAssertEqual(run(args + ["-o", "table"]).out, """
            dispute_id                         \(dispute)
            analysis.recommended_resolution    partial_refund
            analysis.suggested_refund_amount   224.50
            analysis.vendor_fault_probability  0.68
            inputs.severity                    medium
            inputs.days_open                   9
            model                              m1

            factors:
            FACTOR         VALUE    IMPACT
            dispute_type   quality  0.6
            vendor_rating  4.2      -0.02

            """, "the answer first, then the rest in the server's order, then the list")
        XCTAssertEqual(run(args + ["-o", "csv"]).out, """
            dispute_id,analysis.recommended_resolution,analysis.suggested_refund_amount,analysis.vendor_fault_probability,inputs.severity,inputs.days_open,factors,model
            \(dispute),partial_refund,224.50,0.68,medium,9,"[{""factor"":""dispute_type"",""value"":""quality"",""impact"":0.6},{""factor"":""vendor_rating"",""value"":4.2,""impact"":-0.02}]",m1

            """)
        XCTAssertEqual(run(args + ["-o", "table", "--fields", "analysis.recommended_resolution"]).out, "analysis.recommended_resolution  partial_refund\n")
        XCTAssertEqual(run(args + ["-o", "json"]).json, try JSON.parse(answer))
        XCTAssertEqual(run(args + ["-o", "ndjson"]).out, String(decoding: try JSON.parse(answer).bytes(pretty: false), as: UTF8.self) + "\n",
                       "ndjson is one line holding it all, the analysis as well as the factors")
        XCTAssertEqual(run(args + ["-o", "json", "--sort-by", "impact"]).json["factors"]?.arrayValue?.map { $0["factor"] },
                       ["vendor_rating", "dispute_type"], "--sort-by orders a summary's lists in every format")
        XCTAssertContains(run(args + ["-o", "ndjson", "--sort-by", "bogus"], status: 2).err, "invalid value 'bogus' for --sort-by")

        let stats = #"{"total": 81, "by_status": {"sent": 80, "failed": 1}, "failure_rate": 0.01, "recent": [{"id": 80, "status": "sent"}, {"id": 81, "status": "failed"}], "available_actions": ["send_booking_reminders", "cleanup_old_logs"]}"#
        transport.register("GET", "/admin-dashboard/notifications/", json: stats, times: 2)
        XCTAssertEqual(run(["admin", "notifications", "stats", "-o", "csv", "--fields", "total,by_status.sent"]).out, "total,by_status.sent\n81,80\n",
                       "the command's own example")
        XCTAssertEqual(run(["admin", "notifications", "stats", "-o", "table", "--sort-by", "status"]).out, """
            total              81
            failure_rate       0.01
            by_status.sent     80
            by_status.failed   1
            available_actions  send_booking_reminders
                               cleanup_old_logs

            recent:
            ID  STATUS
            81  failed
            80  sent

            """, "a list of plain values has a line per item; --sort-by orders the lists")

        let plan = #"{"vendor_id": 2, "date": "2026-12-01", "bookings": [], "summary": {"total_bookings": 0, "idle_minutes": 540}, "suggestions": ["Light day."]}"#
        transport.register("GET", "/api/vendor-optimization/", json: plan)
        XCTAssertEqual(run(["scheduling", "optimize", "--date", "2026-12-01", "-o", "table"]).out, """
            vendor_id               2
            date                    2026-12-01
            bookings                []
            summary.total_bookings  0
            summary.idle_minutes    540
            suggestions             Light day.

            """, "a day without bookings still shows its figures and suggestions")
        transport.register("GET", "/api/vendor-optimization/", json: plan, times: 2)
        XCTAssertEqual(run(["scheduling", "optimize", "--date", "2026-12-01", "--vendor", "7", "-o", "json", "-q"]).err,
                       "homeserve: warning: the server planned vendor 2's day, not that of --vendor 7 (a vendor gets their own)\n")
        XCTAssertEqual(run(["scheduling", "optimize", "--date", "2026-12-01", "--vendor", "2", "-o", "json"]).err, "")

        harness.stdoutTTY = true
        harness.stderrTTY = true
        harness.terminalWidth = 200
        let wide = (1...12).map { #""c\#($0)": \#($0)"# }.joined(separator: ", ")
        transport.register("GET", "/admin-dashboard/notifications/", json: #"{"total": 1, "recent": [{\#(wide)}]}"#)
        let fitted = run(["admin", "notifications", "stats", "--no-color"])
        XCTAssertEqual(lines(fitted.out)[3], "C1  C2  C3  C4  C5  C6  C7  C8  C9  C10")
        XCTAssertEqual(fitted.err, "homeserve: recent: 2 more columns: --wide to see them\n", "--fields picks the summary's own fields")
    }

    // MARK: Columns from the data

    func testColumnsAreDerivedWhenTheServerNamesFieldsDifferently() {
        transport.register("GET", "/api/bookings/", json: #"{"status": "success", "data": [{"booking_id": "b1", "state": "pending", "service": {"name": "Plumbing", "icon": null}, "notes": null, "tags": ["urgent"]}, {"booking_id": "b2", "state": "signed", "service": {"name": "Cleaning", "icon": null}, "notes": ""}]}"#)
        XCTAssertEqual(run(["bookings", "list", "-o", "csv"]).out, """
            booking_id,state,service.name,tags
            b1,pending,Plumbing,"[""urgent""]"
            b2,signed,Cleaning,

            """, "no column is empty in every row")
    }

    func testDerivedColumnsLeadWithTheRowsIdAndNameAndKeepTheServersOrder() {
        transport.register("GET", "/api/vendor-search/?pincode=560001", json: #"{"results": [{"vendor_id": 2, "display_name": "Ravi Kumar", "email": "v@example.com", "home_pincode": "560001", "avg_rating": 4.6, "hours_today": {"from": "09:00", "to": "18:00"}, "travel_minutes": 16, "distance_km": 2.0}], "count": 1}"#)
        XCTAssertEqual(lines(run(["vendors", "search", "--pincode", "560001", "-o", "csv"]).out).first,
                       "vendor_id,display_name,email,home_pincode,avg_rating,travel_minutes,distance_km,hours_today.from,hours_today.to",
                       "distance_km is one of the usual columns, but not what a vendor is")
        transport.register("POST", "/api/dynamic-pricing/", json: #"{"service_id": 1, "forecast": [{"day": "2026-12-01", "price": 2748.9, "multiplier": 1.1, "confidence": 0.95, "demand": "normal"}]}"#)
        XCTAssertEqual(lines(run(["pricing", "predict", "--service", "1", "--pincode", "560001", "-o", "csv"]).out).first,
                       "day,price,multiplier,confidence,demand")
        transport.register("GET", "/api/smart-scheduling/", json: #"{"vendor_id": 2, "slots": [{"start": "2026-12-01T09:00:00Z", "end": "2026-12-01T13:00:00Z", "available": true, "rank": 8, "score": 88.0, "travel_minutes": 16}]}"#)
        XCTAssertEqual(lines(run(["scheduling", "slots", "--vendor", "2", "--service", "1", "--pincode", "560001", "--date", "2026-12-01", "-o", "csv"]).out).first,
                       "start,end,available,rank,score,travel_minutes")
        transport.register("GET", "/api/advanced-vendor-bonus/", json: #"{"vendors": [{"tier": "gold", "name": "Ravi Kumar", "bonus_amount": "398.51", "vendor_id": 2}]}"#)
        XCTAssertEqual(lines(run(["ai", "vendor-bonus", "-o", "csv"]).out).first, "vendor_id,name,tier,bonus_amount")
        transport.register("GET", "/api/advanced-vendor-bonus/", json: #"{"vendors": [{"tier": "gold", "region_id": 4, "last_name": "Kumar", "name": "Ravi Kumar", "id": 2}]}"#)
        XCTAssertEqual(lines(run(["ai", "vendor-bonus", "-o", "csv"]).out).first, "id,name,tier,region_id,last_name",
                       "one id and one name lead (id and name before …_id and …_name); the others stay in place")
    }

    func testPreferredColumnsEmptyInEveryRowAreLeftOut() {
        transport.register("GET", "/api/bookings/", json: #"[{"id": 1, "service_name": "Plumbing", "status": "pending", "scheduled_date": null, "pincode": "560001", "total_price": ""}, {"id": 2, "status": "signed", "pincode": "560002"}]"#)
        XCTAssertEqual(run(["bookings", "list", "-o", "csv"]).out, """
            id,service_name,status,pincode
            1,Plumbing,pending,560001
            2,,signed,560002

            """)
    }

    // MARK: --fields, --sort-by, --no-headers

    func testFieldsAreCheckedWithADidYouMean() {
        transport.register("GET", "/api/services/", json: #"[{"id": 1, "name": "Plumbing", "category": {"name": "Home"}}]"#)
        let outcome = run(["services", "list", "--fields", "id,nmae"], status: 2)
        XCTAssertEqual(outcome.out, "")
        XCTAssertEqual(outcome.err, "homeserve: invalid value 'nmae' for --fields: no row has it; did you mean 'name'? (fields: id, name, category.name, category)\n")
        transport.register("GET", "/api/bookings/\(booking)/", json: updated)
        XCTAssertContains(run(["bookings", "get", booking, "--fields", "customer.adress.city"], status: 2).err,
                          "invalid value 'customer.adress.city' for --fields", "did you mean 'customer.address.city'?")
    }

    func testAPathIntoAnObjectTheFirstRowsLeaveEmptyIsNoTypo() {
        // An audit entry of a creation has no `before`; an update's has. The first page may hold only creations.
        transport.register("GET", "/api/services/", json: #"[{"id": 1, "before": null, "after": {"status": "pending"}}, {"id": 2, "before": {}, "after": {"status": "pending"}}]"#, times: 3)
        XCTAssertEqual(run(["services", "list", "--fields", "id,before.status", "-o", "csv"]).out, "id,before.status\n1,\n2,\n")
        XCTAssertContains(run(["services", "list", "--fields", "after.stauts"], status: 2).err,
                          "invalid value 'after.stauts' for --fields: no row has it; did you mean 'after.status'?")
        XCTAssertEqual(run(["services", "list", "--sort-by", "before.status", "-o", "json"]).json.arrayValue?.count, 2)
    }

    /// A byte order mark before the JSON is passed over (RFC 8259 §8.1), and `api` keeps the bytes as they came.
    func testAByteOrderMarkBeforeTheJSONIsPassedOver() {
        let body = [0xEF, 0xBB, 0xBF] + Array(#"{"results": [{"id": 1, "name": "a"}], "count": 1}"#.utf8)
        transport.register("GET", "/api/services/", body: body, headers: [("Content-Type", "application/json")], times: 3)
        XCTAssertEqual(run(["services", "list", "-o", "csv"]).out, "id,name\n1,a\n")
        XCTAssertEqual(run(["services", "list", "-o", "ndjson"]).out, #"{"id":1,"name":"a"}"# + "\n")
        XCTAssertEqual(Array(run(["api", "GET", "/api/services/"]).out.utf8), body)
    }

    /// JSON is UTF-8: an answer that is not, from a server naming ISO-8859-1 or Windows-1252, is read as that;
    /// otherwise its bytes that are not are U+FFFD, and a warning says so once, with the way to the bytes.
    func testAnAnswerThatIsNotUTF8IsReadByItsCharsetOrSaidToBeRepaired() {
        let body = Array(#"{"results": [{"id": 1, "name": "caf"#.utf8) + [0xE9, 0x20, 0x80] + Array(#""}], "count": 1}"#.utf8)
        transport.register("GET", "/api/services/", body: body, headers: [("Content-Type", "application/json; charset=ISO-8859-1")])
        XCTAssertEqual(run(["services", "list", "-o", "csv"]).out, "id,name\n1,\"caf\u{E9} \u{80}\"\n", "a control character is quoted")
        transport.register("GET", "/api/services/", body: body, headers: [("Content-Type", "application/json; charset=windows-1252")])
        XCTAssertEqual(run(["services", "list", "-o", "csv"]).out, "id,name\n1,caf\u{E9} \u{20AC}\n")
        transport.register("GET", "/api/services/", body: body, headers: [("Content-Type", "application/json")], times: 2)
        let repaired = run(["services", "list", "-o", "csv"])
        XCTAssertEqual(repaired.out, "id,name\n1,caf\u{FFFD} \u{FFFD}\n")
        XCTAssertEqual(repaired.err, "homeserve: warning: the answer to GET /api/services/ is not valid UTF-8: its bytes that are not are shown as U+FFFD; 'homeserve api' prints them as they came\n")
        XCTAssertEqual(run(["api", "GET", "/api/services/"]).outBytes, body, "api prints the bytes as they came")
        // An error's body too.
        transport.register("GET", "/api/services/2/", status: 400, body: Array(#"{"detail": "Caf"#.utf8) + [0xE9] + Array(#" ferm"#.utf8) + [0xE9, 0x22, 0x7D],
                           headers: [("Content-Type", "application/json; charset=iso-8859-1")])
        XCTAssertEqual(run(["services", "get", "2"], status: 6).err, "homeserve: GET /api/services/2/ failed: HTTP 400: Caf\u{E9} ferm\u{E9}\n")
    }

    /// A path under a field some row has as a plain value (`vendor` an id) is a typo, though other rows have
    /// it null; null in every row, it may still be filled.
    func testAPathUnderAPlainValueIsATypo() {
        transport.register("GET", "/api/bookings/", json: #"[{"id": 1, "vendor": 7}, {"id": 2, "vendor": null}]"#, times: 2)
        XCTAssertContains(run(["bookings", "list", "--fields", "id,vendor.name", "-o", "csv"], status: 2).err,
                          "invalid value 'vendor.name' for --fields: no row has it")
        XCTAssertContains(run(["bookings", "list", "--sort-by", "vendor.name", "-o", "csv"], status: 2).err,
                          "invalid value 'vendor.name' for --sort-by: no row has it")
        transport.register("GET", "/api/bookings/", json: #"[{"id": 1, "vendor": null}]"#)
        XCTAssertEqual(run(["bookings", "list", "--fields", "id,vendor.name", "-o", "csv"]).out, "id,vendor.name\n1,\n")
    }

    /// In a walk, a field only a later page's rows have is no typo; one no page has is, once the rows are printed.
    func testAFieldOnlyLaterPagesHaveIsTakenInAWalk() {
        func pages(_ second: String) {
            transport.register("GET", "/api/services/", json: #"{"count": 3, "next": "https://api.test/api/services/?page=2", "results": [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]}"#)
            transport.register("GET", "/api/services/?page=2", json: #"{"count": 3, "next": null, "results": [\#(second)]}"#)
        }
        pages(#"{"id": 3, "name": "c", "late": "yes"}"#)
        XCTAssertEqual(run(["services", "list", "--all", "--parallel", "1", "--fields", "id,late", "-o", "csv"]).out, "id,late\n1,\n2,\n3,yes\n")
        pages(#"{"id": 3, "name": "c"}"#)
        let typo = run(["services", "list", "--all", "--parallel", "1", "--fields", "id,lat", "-o", "csv"], status: 2)
        XCTAssertEqual(typo.out, "id,lat\n1,\n2,\n3,\n")
        XCTAssertEqual(typo.err, "homeserve: warning: --fields lat: the first rows have no such field (fields: id, name); later ones may, or it is exit 2 once the rows are printed\n"
                       + "homeserve: invalid value 'lat' for --fields: no row has it (fields: id, name)\n")
        transport.verify()

        // One page printed from several of the server's: a walk per status, or a filter it ignores.
        transport.register("GET", "/api/bookings/?status=pending", json: #"[{"id": 1, "status": "pending"}]"#)
        transport.register("GET", "/api/bookings/?status=confirmed", json: #"[{"id": 2, "status": "confirmed", "extra": "E"}]"#)
        XCTAssertEqual(run(["bookings", "list", "--status", "pending,confirmed", "--fields", "id,extra", "-o", "csv"]).out, "id,extra\n1,\n2,E\n")
        transport.verify()
    }

    /// A null above a dot path excuses it only while no row shows that object with other fields.
    func testADotPathTypoBesideANullIsStillATypo() {
        transport.register("GET", "/api/bookings/", json: #"[{"id": 2, "vendor": {"name": "V"}}, {"id": 3, "vendor": null}]"#, times: 2)
        XCTAssertContains(run(["bookings", "list", "--fields", "id,vendor.nme", "-o", "csv"], status: 2).err,
                          "invalid value 'vendor.nme' for --fields: no row has it; did you mean 'vendor.name'?")
        XCTAssertContains(run(["bookings", "list", "--sort-by", "vendor.zzz", "-o", "csv"], status: 2).err, "invalid value 'vendor.zzz' for --sort-by: no row has it")
        // The same where the row that tells is on a later page.
        transport.register("GET", "/api/bookings/", json: #"{"count": 3, "next": "https://api.test/api/bookings/?page=2", "results": [{"id": 1, "vendor": null}, {"id": 2, "vendor": null}]}"#)
        transport.register("GET", "/api/bookings/?page=2", json: #"{"count": 3, "next": null, "results": [{"id": 3, "vendor": {"id": 7}}]}"#)
        let later = run(["bookings", "list", "--all", "--parallel", "1", "--fields", "id,vendor.name", "-o", "tsv"], status: 2)
        XCTAssertEqual(later.out, "id\tvendor.name\n1\t\n2\t\n3\t\n")
        XCTAssertContains(later.err, "invalid value 'vendor.name' for --fields: no row has it")
    }

    func testAPIPrintsWhatAChangesAnswerWrapsAsTheRow() {
        transport.register("POST", "/api/bookings/", json: #"{"message": "Booking created successfully", "booking": {"id": "b1", "status": "pending"}}"#, times: 2)
        let created = run(["api", "POST", "/api/bookings/", "-f", "pincode=560001", "-o", "tsv", "--fields", "id", "--no-headers"])
        XCTAssertEqual(created.out, "b1\n")
        XCTAssertEqual(created.err, "homeserve: Booking created successfully\n")
        XCTAssertEqual(run(["api", "POST", "/api/bookings/", "-f", "pincode=560001", "-o", "json"]).json,
                       try JSON.parse(#"{"message": "Booking created successfully", "booking": {"id": "b1", "status": "pending"}}"#), "-o json prints the answer as it came")
        transport.register("POST", "/api/disputes/d1/send_message/", json: #"{"status": "success", "data": {"id": 7, "message": "hi"}}"#)
        XCTAssertEqual(run(["api", "POST", "/api/disputes/d1/send_message/", "-f", "message=hi", "-o", "csv"]).out, "id,message\n7,hi\n")
        // A resource with one nested object is no wrapper, and neither is any GET's answer.
        transport.register("PATCH", "/api/bookings/b1/", json: #"{"id": "b1", "status": "pending", "customer": {"id": 4}}"#)
        XCTAssertEqual(run(["api", "PATCH", "/api/bookings/b1/", "-f", "customer_notes=x", "-o", "csv"]).out, "id,status,customer.id\nb1,pending,4\n")
        transport.register("GET", "/api/x/", json: #"{"status": "ok", "cache": {"hits": 3}}"#)
        XCTAssertEqual(run(["api", "GET", "/api/x/", "-o", "csv"]).out, "status,cache.hits\nok,3\n")
    }

    func testAFieldListWithAnEmptyPartOrANameTwiceIsRefusedBeforeSending() {
        for (given, reason) in [(".", "'.' has an empty part"), ("id,a..b", "'a..b' has an empty part"), ("customer.", "'customer.' has an empty part"),
                                (".id", "'.id' has an empty part"), ("id,status,id", "'id' is named twice")] {
            let outcome = run(["bookings", "list", "--fields", given], status: 2)
            XCTAssertEqual(outcome.err.components(separatedBy: "\n").count, 2, outcome.err)
            XCTAssertContains(outcome.err, "invalid value '\(given)' for --fields: \(reason)")
        }
        XCTAssertEqual(transport.requests.count, 0, "nothing is sent")
    }

    func testAChangeWhoseAnswerLacksAFieldIsShownWholeNotRefused() {
        transport.register("PATCH", "/api/bookings/\(booking)/", json: updated, times: 2)
        let outcome = run(["bookings", "update", booking, "--notes", "Ring twice", "--fields", "idd", "-o", "json"])
        XCTAssertEqual(outcome.json, try JSON.parse(updated), "the booking is changed: exit 0 and its answer, whole")
        XCTAssertContains(outcome.err, "homeserve: the booking does not show customer_notes, so whether it was taken cannot be told\n",
                          "homeserve: warning: invalid value 'idd' for --fields: no row has it; did you mean 'id'?")
        XCTAssertTrue(outcome.err.hasSuffix("; the change was made, so its answer is shown whole\n"), outcome.err)
        XCTAssertEqual(run(["bookings", "update", booking, "--notes", "Ring twice", "--fields", "idd", "-o", "csv", "-q"]).out, """
            id,service_name,status,scheduled_date,pincode,total_price,customer.id,customer.address.city
            \(booking),Deep Cleaning,confirmed,2026-12-01T10:00:00+05:30,560001,1299.00,4,Bengaluru

            """, "every format shows the resource whole")
        transport.register("GET", "/api/bookings/\(booking)/", json: updated)
        XCTAssertEqual(run(["bookings", "get", booking, "--fields", "idd"], status: 2).out, "", "a read is still refused")
    }

    func testAnEmptyResultHasNoHeaderToGuessAndSaysSoOnATerminal() {
        for (path, args) in [("/api/disputes/", ["disputes", "list"]), ("/api/vendor-search/", ["vendors", "search", "--pincode", "999999"])] {
            let empty = path == "/api/disputes/" ? #"{"count": 0, "next": null, "previous": null, "results": []}"# : #"{"vendors": [], "total_vendors": 0}"#
            transport.register("GET", path, json: empty, times: 4)
            XCTAssertEqual(run(args + ["-o", "csv"]).out, "", "\(args): no rows to name columns after")
            XCTAssertEqual(run(args + ["-o", "csv", "--fields", "id,status"]).out, "id,status\n", "\(args): the columns asked for")
            harness.stdoutTTY = true
            harness.stderrTTY = true
            let table = run(args + ["--no-color"])
            XCTAssertEqual(table.out, "")
            XCTAssertEqual(table.err, "homeserve: No results.\n", "\(args)")
            XCTAssertEqual(run(args + ["--no-color", "-q"]).err, "")
            harness.stdoutTTY = false
            harness.stderrTTY = false
        }
    }

    func testFieldsOfRowsThatAreNotObjectsAreRefusedNotPrintedEmpty() {
        transport.register("GET", "/api/bookings/", json: #"{"count": 3, "next": null, "previous": null, "results": ["a", "b", null]}"#)
        let list = run(["bookings", "list", "-o", "csv", "--fields", "id,status"], status: 2)
        XCTAssertEqual(list.out, "")
        XCTAssertEqual(list.err, "homeserve: invalid value 'id,status' for --fields: the rows are not objects with fields (one is a string)\n")
        transport.register("GET", "/api/services/", json: #"["a", "b"]"#, times: 2)
        for jq in [".", "length"] {
            XCTAssertContains(run(["services", "list", "--fields", "id", "--jq", jq], status: 2).err, "the rows are not objects with fields")
        }
        transport.register("GET", "/api/bookings/", json: #"{"count": 2, "next": "https://api.test/api/bookings/?page=2", "results": [{"id": 1, "status": "pending"}]}"#)
        transport.register("GET", "/api/bookings/?page=2", json: #"{"count": 2, "next": null, "results": ["b"]}"#)
        // Objects, then a value: the server's list, not the flag, is at fault.
        let later = run(["bookings", "list", "--all", "--parallel", "1", "-o", "csv", "--fields", "id,status"], status: 8)
        XCTAssertEqual(later.out, "id,status\n1,pending\n", "the rows before the page that has none")
        XCTAssertContains(later.err, "the rows mix objects and other values (\"b\" after objects), which no columns can show; -o json prints them as received")
        transport.register("GET", "/api/bookings/\(booking)/", json: #""ok""#)
        XCTAssertEqual(run(["bookings", "get", booking, "-o", "tsv", "--fields", "id"], status: 8).out, "", "one thing answered with a value: the server's fault")
        transport.register("GET", "/api/bookings/", json: #"[{"id": 1}, 7]"#)
        XCTAssertContains(run(["bookings", "list", "--sort-by", "id", "-o", "json"], status: 2).err, "for --sort-by: the rows are not objects with fields (one is a number)")

        // An answer with nothing in it, or a list, names no one booking: a script must not take `{}`, a
        // message or a list for its id.
        for answer in ["{}", #"{"booking": {}}"#, "[]", #"{"data": null}"#, #"{"message": "Booking created successfully"}"#, #"{"id": null}"#,
                       #"[{"id": "x1"}]"#, #"[{"id": "x1"}, {"id": "x2"}]"#, #"{"data": [{"id": "x1"}]}"#] {
            transport.register("POST", "/api/bookings/", status: 201, json: answer)
            let empty = run(["bookings", "create", "--service", "1", "--pincode", "560001", "--date", "2026-12-01 10:00", "--price", "10",
                             "-o", "tsv", "--no-headers", "--fields", "id"], status: 8)
            XCTAssertEqual(empty.out, "", answer)
            XCTAssertContains(empty.err, "homeserve: POST /api/bookings/: the answer is ", "; the POST was carried out: check before sending it again")
        }
        // A wrapper that holds the booking is the answer, whatever else in it is null.
        transport.register("POST", "/api/bookings/", status: 201, json: #"{"success": true, "booking": {"id": "b9", "status": "pending"}, "data": null}"#)
        XCTAssertEqual(run(["bookings", "create", "--service", "1", "--pincode", "560001", "--date", "2026-12-01 10:00", "--price", "10",
                            "-o", "tsv", "--no-headers", "--fields", "id"]).out, "b9\n")
        // The other commands that make one thing are held to it too; an action that makes nothing is not.
        transport.register("POST", "/api/disputes/create_dispute/", status: 201, json: "{}")
        XCTAssertContains(run(["disputes", "create", "--booking", booking, "--type", "quality", "--title", "T", "--description", "D"], status: 8).err,
                          "POST /api/disputes/create_dispute/: the answer is an empty object")
        let photo = temporaryDirectory() + "/p.png"
        XCTAssertTrue(FileManager.default.createFile(atPath: photo, contents: Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])))
        transport.register("POST", "/api/photos/", status: 201, json: #"{"message": "Uploaded"}"#)
        XCTAssertContains(run(["photos", "upload", "--booking", booking, "--type", "after", photo], status: 8).err,
                          "POST /api/photos/: the answer is without the id of anything made; the POST was carried out")
        transport.register("POST", "/api/bookings/\(booking)/accept_booking/", json: "{}")
        XCTAssertEqual(run(["bookings", "accept", booking, "-q"]).status, 0)
    }

    func testAReadIsRefusedABadFieldEvenAfterARefreshOrAComputingPost() {
        harness.storeSession(access: harness.token(expiresIn: 5, life: 300), refresh: "r1")
        transport.register("POST", "/auth/refresh/", json: #"{"access": "\#(harness.token(expiresIn: 300, life: 300, tag: "new"))", "refresh": "r2"}"#)
        transport.register("GET", "/api/bookings/\(booking)/", json: updated)
        XCTAssertContains(run(["bookings", "get", booking, "--fields", "idd"], status: 2).err, "invalid value 'idd' for --fields")
        transport.register("POST", "/api/dynamic-pricing/", json: #"{"predictions": [{"date": "2026-12-01", "predicted_price": "499.00"}]}"#)
        XCTAssertContains(run(["pricing", "predict", "--service", "1", "--pincode", "560001", "--fields", "pricee"], status: 2).err,
                          "invalid value 'pricee' for --fields")
    }

    func testNestedFieldsOfASingleObjectInCSV() {
        transport.register("GET", "/api/bookings/\(booking)/", json: updated, times: 2)
        XCTAssertEqual(run(["bookings", "get", booking, "-o", "csv", "--fields", "id,customer.address.city,customer"]).out,
                       "id,customer.address.city,customer\n\(booking),Bengaluru,\"{\"\"id\"\":4,\"\"address\"\":{\"\"city\"\":\"\"Bengaluru\"\"}}\"\n")
        XCTAssertEqual(run(["bookings", "get", booking, "-o", "json", "--fields", "status,customer.id"]).out, "{\n  \"status\": \"confirmed\",\n  \"customer.id\": 4\n}\n")
    }

    func testSortByOrdersNumbersAsNumbersAndIsStable() {
        transport.register("GET", "/api/services/",
                           json: #"[{"id": 1, "name": "a", "base_price": "100"}, {"id": 2, "name": "b", "base_price": 20}, {"id": 3, "name": "c"}, {"id": 4, "name": "d", "base_price": 9.5}, {"id": 5, "name": "e", "base_price": 20}, {"id": 6, "name": "f", "base_price": null}]"#,
                           times: 3)
        let unknown = harness.run(["services", "list", "--sort-by", "nmae", "-o", "ndjson", "--fields", "id"])
        XCTAssertEqual(unknown.status, 2, "a path no row has is refused, as with --fields")
        XCTAssertTrue(unknown.err.contains("invalid value 'nmae' for --sort-by: no row has it; did you mean 'name'?"), unknown.err)
        XCTAssertEqual(unknown.out, "")
        XCTAssertEqual(run(["services", "list", "--sort-by", "base_price", "-o", "csv", "--fields", "id,base_price", "--no-headers"]).out,
                       "4,9.5\n2,20\n5,20\n1,100\n3,\n6,\n", "missing values last, in their order")
        XCTAssertEqual(run(["services", "list", "--sort-by", "name", "--jq", ".[0].name"]).out, "a\n")
        // Quoted as given, and a field the word given is part of is suggested.
        transport.register("GET", "/api/services/", json: #"[{"id": 1, "avg_rating": 4.5}]"#)
        XCTAssertContains(harness.run(["services", "list", "--sort-by", "-rating"]).err,
                          "invalid value '-rating' for --sort-by: no row has it; did you mean '-avg_rating'?")
        // Numbers exactly, past 2^53 too, as numbers or as text, fractions and negatives among them.
        transport.register("GET", "/api/services/", json: #"[{"id": 9007199254740993}, {"id": "9007199254740992"}, {"id": 12345678901234567890}, {"id": -3}, {"id": 0}, {"id": "-12"}, {"id": 9007199254740992.5}, {"id": -3.25}]"#, times: 2)
        XCTAssertEqual(run(["services", "list", "--sort-by", "id", "-o", "csv", "--no-headers"]).out,
                       "-12\n-3.25\n-3\n0\n9007199254740992\n9007199254740992.5\n9007199254740993\n12345678901234567890\n")
        XCTAssertEqual(run(["services", "list", "--sort-by", "-id", "-o", "csv", "--no-headers"]).out,
                       "12345678901234567890\n9007199254740993\n9007199254740992.5\n9007199254740992\n0\n-3\n-3.25\n-12\n")
        // Past what doubles hold, each way, as written.
        transport.register("GET", "/api/services/", json: #"[{"id": 2e400}, {"id": 1e-400}, {"id": "1e400"}, {"id": -1e-400}, {"id": 0}, {"id": 1E401}, {"id": -0.0}]"#)
        XCTAssertEqual(run(["services", "list", "--sort-by", "id", "-o", "csv", "--no-headers"]).out, "-1e-400\n0\n-0.0\n1e-400\n1e400\n2e400\n1E401\n")
    }

    func testNoHeadersLeavesOutTheHeaderRowOfEveryTabularFormat() {
        transport.register("GET", "/api/services/", json: #"[{"id": 1, "name": "Plumbing"}]"#, times: 3)
        XCTAssertEqual(run(["services", "list", "-o", "csv", "--no-headers"]).out, "1,Plumbing\n")
        XCTAssertEqual(run(["services", "list", "-o", "tsv", "--no-headers"]).out, "1\tPlumbing\n")
        XCTAssertEqual(run(["services", "list", "-o", "table", "--no-headers"]).out, "1  Plumbing\n")
    }

    // MARK: --jq

    func testJqRunsOnWhatJSONWouldPrintWithRawStrings() {
        transport.register("PATCH", "/api/bookings/\(booking)/", json: updated)
        XCTAssertEqual(run(["bookings", "update", booking, "--notes", "x", "--jq", ".message, .booking.customer, .booking.total_price"]).out,
                       "Booking updated successfully\n{\"id\":4,\"address\":{\"city\":\"Bengaluru\"}}\n1299.00\n")

        transport.register("GET", "/api/services/", json: drfPage(0..<2, total: 3, page: 1, size: 2, path: "/api/services/"))
        transport.register("GET", "/api/services/?page=2", json: drfPage(2..<3, total: 3, page: 2, size: 2, path: "/api/services/"))
        XCTAssertEqual(run(["services", "list", "--all", "--jq", ".[] | .name"]).out, "item 0\nitem 1\nitem 2\n", "the listing's items, not its pages")
        transport.register("GET", "/api/services/", json: drfPage(0..<2, total: 2, page: 1, size: 2, path: "/api/services/"))
        XCTAssertEqual(run(["services", "list", "--jq", "length"]).out, "2\n")
    }

    func testJqGivesWhatJqGivesWhenOnlyPartOfTheExpressionIterates() throws {
        let rows = #"[{"id": 1, "status": "pending", "vendor": null}, {"id": 2, "status": "confirmed", "vendor": null}]"#
        transport.register("GET", "/api/bookings/", json: rows, times: 3)
        XCTAssertEqual(run(["bookings", "list", "--jq", ".[].status, \"END\""]).out, "pending\nconfirmed\nEND\n")
        XCTAssertEqual(run(["bookings", "list", "--jq", ".[].vendor // \"none\""]).out, "none\n", "jq's // over the whole stream")
        XCTAssertEqual(run(["bookings", "list", "--jq", ".[].status"]).out, "pending\nconfirmed\n")
        XCTAssertTrue(try JQFilter(".[] | .a, .b").iteratesItems)
        XCTAssertTrue(try JQFilter(".[].a.b[0]").iteratesItems)
        XCTAssertFalse(try JQFilter(".[].a, 1").iteratesItems)
        XCTAssertFalse(try JQFilter(".[] as $x | $x").iteratesItems)
    }

    func testJqPrintsAStringWholeEvenWithANulInIt() {
        transport.register("GET", "/api/services/", json: #"[{"id": 1, "name": "a\u0000b"}]"#)
        XCTAssertEqual(run(["services", "list", "--jq", ".[0].name"]).outBytes, [0x61, 0x00, 0x62, 0x0A])
    }

    func testABadJqProgramIsAUsageErrorBeforeAnyRequest() {
        let outcome = run(["services", "list", "--jq", ".[] | "], status: 2)
        XCTAssertEqual(outcome.out, "")
        XCTAssertTrue(outcome.err.hasPrefix("homeserve: invalid value '.[] | ' for --jq: syntax error"), outcome.err)
        XCTAssertEqual(lines(outcome.err).count, 1)
        XCTAssertEqual(transport.requests.count, 0)
    }

    /// U+2028, U+2029 and U+0085 are valid in JSON but end a line for JavaScript or Python's splitlines: written
    /// escaped, so an ndjson line is one line for every reader; other characters starting with the same byte
    /// (€, …) are written as they are.
    func testLineSeparatorsAreWrittenEscaped() {
        transport.register("GET", "/api/services/", json: "{\"count\": 1, \"next\": null, \"results\": [{\"id\": 1, \"name\": \"a\u{2028}b\u{2029}c \\u2028 € … \u{E2} \u{85}d ©\u{85}\"}]}")
        let lines = run(["services", "list", "-o", "ndjson"]).out
        XCTAssertEqual(lines, #"{"id":1,"name":"a\u2028b\u2029c \u2028 € … â \u0085d ©\u0085"}"# + "\n")
        XCTAssertEqual(try JSON.parse(Array(lines.utf8))["name"]?.stringValue, "a\u{2028}b\u{2029}c \u{2028} € … \u{E2} \u{85}d ©\u{85}")
    }

    /// A command a hint suggests runs as this one did: with the --profile this one was given.
    func testAHintCarriesTheProfile() {
        harness.logIn(profile: "support")
        transport.register("POST", "/api/enhanced-signatures/", json: #"{"status": "rejected", "dispute_id": "d7"}"#)
        let rejected = run(["--profile", "support", "signatures", "reject", "s1", "--reason", "Leaks", "-o", "json"])
        XCTAssertContains(rejected.err, "Opened dispute d7; follow it with 'homeserve --profile support disputes get d7'.")
        transport.register("POST", "/api/enhanced-signatures/", json: #"{"status": "rejected", "dispute_id": "d8"}"#)
        XCTAssertContains(run(["signatures", "reject", "s1", "--reason", "Leaks"]).err, "follow it with 'homeserve disputes get d8'.")
    }

    func testShapingFlagsACommandCannotApplyAreSaidToHaveNoEffect() {
        let token = run(["auth", "token", "--jq", ".access"])
        XCTAssertEqual(token.out.split(separator: ".").count, 3, "the token is printed as ever")
        XCTAssertEqual(token.err, "homeserve: warning: --jq has no effect: 'auth token' prints plain text, not rows\n")
        XCTAssertEqual(run(["auth", "token", "--no-headers", "--wide"]).err, "homeserve: warning: --no-headers and --wide have no effect: 'auth token' prints plain text, not rows\n")
        XCTAssertEqual(run(["auth", "token", "-o", "json"]).err, "homeserve: warning: -o has no effect: 'auth token' prints plain text, not rows\n",
                       "a format asked for is said to be ignored, as it is for an export")
        XCTAssertEqual(run(["auth", "token"]).err, "", "a format from the profile or the environment is not")
        let script = run(["completion", "bash", "--fields", "id", "--sort-by", "id"])
        XCTAssertTrue(script.out.contains("complete -F"), "the script is printed as ever")
        XCTAssertEqual(script.err, "homeserve: warning: --fields and --sort-by have no effect: 'completion bash' prints plain text, not rows\n")
        let dry = run(["bookings", "cancel", booking, "--dry-run", "--fields", "id", "--jq", ".id", "--sort-by", "id"])
        XCTAssertTrue(dry.out.contains(#""method":"PATCH""#), dry.out)
        XCTAssertEqual(dry.err, "homeserve: warning: --fields, --sort-by and --jq have no effect: a dry run prints the requests, not an answer\n")
        XCTAssertEqual(run(["--dry-run", "services", "list", "--fields", "id", "--wide"]).err,
                       "homeserve: warning: --fields and --wide have no effect: a dry run prints the requests, not an answer\n", "a list's dry run too")
        XCTAssertEqual(transport.requests.count, 0)

        transport.register("GET", "/api/services/", json: #"[{"id": 1}]"#, times: 2)
        XCTAssertEqual(run(["api", "GET", "/api/services/", "--jq", ".[0].id"]).err, "", "api applies them itself")
        XCTAssertEqual(run(["services", "list", "--fields", "id"]).err, "")
        XCTAssertEqual(run(["config", "list", "--dry-run", "--jq", ".[0].setting"]).err, "", "a local command still prints its data in a dry run")
        XCTAssertEqual(run(["config", "set", "output", "csv"]).status, 0)
        let value = run(["config", "get", "output", "--jq", "."])
        XCTAssertEqual(value.out, "csv\n")
        XCTAssertEqual(value.err, "homeserve: warning: --jq has no effect: 'config get' prints plain text, not rows\n")

        transport.register("DELETE", "/api/photos/7/", status: 204)
        XCTAssertEqual(run(["photos", "delete", "7", "--jq", "."]).err,
                       "homeserve: Deleted photo 7.\nhomeserve: warning: --jq has no effect: 'photos delete' printed no data\n")
    }

    func testAJqErrorAtRunTimeIsExit1() {
        transport.register("GET", "/api/services/", json: #"[{"id": 1}]"#)
        let outcome = run(["services", "list", "--jq", ".[0].id | error(\"boom\")"], status: 1)
        XCTAssertEqual(outcome.err, "homeserve: jq: error: boom\n")
    }

    func testJqBuiltinsThatNeedTheCommandLineToolDoNotCrash() {
        transport.register("GET", "/api/services/", json: #"[{"id": 1}, {"id": 2}]"#, times: 7)
        XCTAssertEqual(run(["services", "list", "--jq", "[inputs]"]).out, "[]\n", "no input follows the answer")
        XCTAssertEqual(run(["services", "list", "--jq", "try input catch \"none\""]).out, "none\n")
        XCTAssertEqual(run(["services", "list", "--jq", "input"], status: 1).err,
                       "homeserve: jq: error: break (input found no more input: the program runs on the one answer)\n")
        XCTAssertEqual(run(["services", "list", "--jq", "error(\"break\")"], status: 1).err, "homeserve: jq: error: break\n", "a program's own error is its own")
        let debug = run(["services", "list", "--jq", ".[0].id | debug"])
        XCTAssertEqual(debug.out, "1\n", "debug passes its input on")
        XCTAssertEqual(debug.err, "homeserve: jq: [\"DEBUG:\",1]\n", "and says it on stderr")
        XCTAssertEqual(run(["services", "list", "--jq", ".[0].id, halt, 2"]).out, "1\n", "halt stops, exit 0")
        let halted = run(["services", "list", "--jq", "\"too few\" | halt_error"], status: 1)
        XCTAssertEqual(halted.err, "homeserve: jq: halt_error: too few (jq status 5; homeserve exits 1)\n")
        XCTAssertEqual(halted.out, "")
        for program in [#"import "homeserve_no_such_module" as m; 1"#, #"include "homeserve_no_such_module"; 1"#,
                        #"import "homeserve_no_such_module" as m {search: "$ORIGIN/lib"}; 1"#] {
            let outcome = run(["services", "list", "--jq", program], status: 2)
            XCTAssertEqual(outcome.err, "homeserve: invalid value '\(program)' for --jq: module not found: homeserve_no_such_module\n")
        }
        for program in ["halt_error(nan)", "\"x\" | halt_error(infinite)", "halt_error(1e300)"] {
            transport.register("GET", "/api/services/", json: "[]")
            XCTAssertTrue(run(["services", "list", "--jq", program], status: 1).err.hasPrefix("homeserve: jq: halt_error"))
        }
        XCTAssertEqual(transport.requests.count, 10, "module programs are refused before anything is sent")
    }

    func testAnotherFormatWithJqIsRefusedBeforeSending() {
        let outcome = run(["services", "list", "-o", "csv", "--jq", ".[0].id"], status: 2)
        XCTAssertEqual(outcome.err, "homeserve: -o csv and --jq both choose what is printed: --jq prints its results, one per line; give one of them (or -o json)\n")
        XCTAssertEqual(transport.requests.count, 0)
        transport.register("GET", "/api/services/", json: #"[{"id": 7}]"#)
        XCTAssertEqual(run(["services", "list", "-o", "json", "--jq", ".[0].id"]).out, "7\n")
    }

    func testJqHaltStopsTheWalk() {
        transport.register("GET", "/api/services/", json: drfPage(0..<2, total: 6, page: 1, size: 2, path: "/api/services/"))
        let outcome = run(["services", "list", "--all", "--parallel", "1", "--jq", ".[] | .name, halt"])
        XCTAssertEqual(outcome.out, "item 0\n")
        XCTAssertEqual(transport.log, ["GET /api/services/"], "no page after the halt is fetched")
    }

    func testJqUpdateAssignmentSeesTheWholeArray() throws {
        transport.register("GET", "/api/bookings/", json: #"[{"id": 1}, {"id": 2}]"#)
        XCTAssertEqual(run(["bookings", "list", "--jq", ".[] |= .id"]).out, "[1,2]\n")
        XCTAssertFalse(try JQFilter(".[] |= .id").iteratesItems)
    }

    func testAJqCompileErrorEndsWithItsReason() {
        let outcome = run(["services", "list", "--jq", ".["], status: 2)
        XCTAssertFalse(outcome.err.hasSuffix(":\n"), outcome.err)
        XCTAssertTrue(outcome.err.hasSuffix("at <top-level>, line 1\n"), outcome.err)
    }

    func testAJqErrorAfterAChangeShowsTheAnswerWhole() {
        transport.register("PATCH", "/api/bookings/\(booking)/", json: updated)
        let outcome = run(["bookings", "update", booking, "--notes", "Ring twice", "--jq", ".[0]"])
        XCTAssertEqual(outcome.json, try JSON.parse(updated), "the booking is changed: exit 0 and its answer, whole")
        XCTAssertEqual(outcome.err, "homeserve: the booking does not show customer_notes, so whether it was taken cannot be told\n"
                       + "homeserve: warning: jq: error: Cannot index object with number; the change was made, so its answer is shown whole\n")
        transport.register("GET", "/api/bookings/\(booking)/", json: updated, times: 2)
        XCTAssertEqual(run(["bookings", "get", booking, "--jq", ".[0]"], status: 1).out, "", "a read fails")
        let partial = run(["bookings", "get", booking, "--jq", ".booking.id, error(\"x\")"], status: 1)
        XCTAssertEqual(partial.out, "\(booking)\n", "as jq does: the results before the failure, then the failure")
        XCTAssertEqual(partial.err, "homeserve: jq: error: x\n")
    }

    func testFieldsAreCheckedWhenJqRunsToo() {
        transport.register("GET", "/api/services/", json: #"[{"id": 1, "name": "a"}]"#, times: 2)
        for program in [".", ".[] | .id"] {
            let outcome = run(["services", "list", "--fields", "nosuch", "--jq", program], status: 2)
            XCTAssertTrue(outcome.err.hasPrefix("homeserve: invalid value 'nosuch' for --fields: no row has it"), outcome.err)
            XCTAssertEqual(outcome.out, "")
        }
    }

    // MARK: Terminals

    func testATableFitsTheTerminalAndWidePrintsItWhole() {
        harness.stdoutTTY = true
        harness.terminalWidth = 40
        let answer = #"[{"id": 1, "name": "Full home deep cleaning with balcony and windows", "category": "Cleaning"}, {"id": 22, "name": "Tap", "category": "Plumbing"}]"#
        transport.register("GET", "/api/services/", json: answer, times: 2)
        let fitted = run(["services", "list", "--no-color"])
        XCTAssertEqual(fitted.out, """
            ID  NAME                        CATEGORY
            1   Full home deep cleaning w…  Cleaning
            22  Tap                         Plumbing

            """)
        XCTAssertTrue(lines(fitted.out).allSatisfy { $0.count <= 40 })
        XCTAssertEqual(run(["services", "list", "--no-color", "--wide"]).out, """
            ID  NAME                                              CATEGORY
            1   Full home deep cleaning with balcony and windows  Cleaning
            22  Tap                                               Plumbing

            """)
    }

    /// Headers cut to fit keep what tells them apart: a dot path its last name, shortened from the front
    /// (`BOOKINGS.C…` twice told nobody which was which).
    func testCutHeadersOfOneObjectStayApart() {
        harness.stdoutTTY = true
        harness.terminalWidth = 40
        let answer = #"[{"pincode": "560001", "bookings": {"completed": 12, "cancelled": 3, "in_progress_for_vendor": 1}}]"#
        transport.register("GET", "/api/services/", json: answer)
        let fitted = run(["services", "list", "--no-color"])
        XCTAssertEqual(fitted.out, """
            PINCODE  COMPLETED  CANCELLED  IN_PROGR…
            560001   12         3          1

            """)
        XCTAssertEqual(TablePrinter.header("BOOKINGS.COMPLETED", cells: 12), "BO…COMPLETED")
        XCTAssertEqual(TablePrinter.header("BOOKINGS.COMPLETED", cells: 10), "…COMPLETED")
        XCTAssertEqual(TablePrinter.header("BOOKINGS.COMPLETED", cells: 9), "COMPLETED")
        XCTAssertEqual(TablePrinter.header("BOOKINGS.COMPLETED", cells: 8), "COMPLET…")
        XCTAssertEqual(TablePrinter.header("CUSTOMER_NOTES", cells: 9), "CUSTOMER…")
        XCTAssertEqual(TablePrinter.header("NAME", cells: 9), "NAME")
        // A long header gives way before any cell is cut: here the notes stay whole.
        harness.terminalWidth = 60
        transport.register("GET", "/api/services/", json: #"[{"notes": "Bring a ladder for the loft", "bookings": {"completed": 12, "cancelled": 3}}]"#)
        XCTAssertEqual(run(["services", "list", "--no-color"]).out, """
            NOTES                        BOOK…COMPLETED  BOOKI…CANCELLED
            Bring a ladder for the loft  12              3

            """)
    }

    func testATableOfAFewPagesLinesUpAsAWhole() {
        let first = #"{"count": 3, "next": "https://api.test/api/services/?page=2", "results": [{"id": 4, "name": "Tap"}, {"id": 6, "name": "Fan"}]}"#
        let second = #"{"count": 3, "next": null, "results": [{"id": 1000009, "name": "Washing Machine Repair"}]}"#
        for (tty, args) in [(false, ["-o", "table"]), (false, ["-o", "table", "--wide"]), (true, ["--no-color"])] {
            harness.stdoutTTY = tty
            harness.terminalWidth = 80
            transport.register("GET", "/api/services/", json: first)
            transport.register("GET", "/api/services/", json: second)
            XCTAssertEqual(run(["services", "list", "--all", "--parallel", "1", "--fields", "id,name"] + args).out, """
                ID       NAME
                4        Tap
                6        Fan
                1000009  Washing Machine Repair

                """, "\(args): widths come from every page's rows")
        }
        // A page that fails: the rows held for their widths are printed before the error.
        harness.stdoutTTY = false
        transport.register("GET", "/api/services/", json: first)
        transport.register("GET", "/api/services/", status: 500, body: Array("<html>oops</html>".utf8))
        let failed = harness.run(["services", "list", "--all", "--parallel", "1", "--fields", "id,name", "-o", "table", "--retries", "0"])
        XCTAssertEqual(failed.status, 8, failed.err)
        XCTAssertEqual(failed.out, "ID  NAME\n4   Tap\n6   Fan\n")
    }

    func testColumnsThatCannotFitTheTerminalAreLeftOutNotWrapped() {
        harness.stdoutTTY = true
        harness.stderrTTY = true
        harness.terminalWidth = 60
        let id = "3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13"
        let answer = #"[{"id": "\#(id)", "service_name": "Tap and Leak Repair", "status": "disputed", "pincode": "560002", "total_price": "349.00"}]"#
        transport.register("GET", "/api/bookings/", json: answer, times: 3)
        let fitted = run(["bookings", "list", "--no-color"])
        XCTAssertEqual(fitted.out, """
            ID                                    SERVICE_NAME  STATUS
            \(id)  Tap and Lea…  disputed

            """)
        XCTAssertTrue(lines(fitted.out).allSatisfy { $0.count <= 60 })
        XCTAssertEqual(fitted.err, "homeserve: 2 more columns do not fit the terminal: --wide to see them\n")
        XCTAssertEqual(lines(run(["bookings", "list", "--no-color", "--wide"]).out).first?.split(separator: " ", omittingEmptySubsequences: true),
                       ["ID", "SERVICE_NAME", "STATUS", "PINCODE", "TOTAL_PRICE"])
        let named = run(["bookings", "list", "--no-color", "--fields", "id,service_name,status,pincode,total_price"])
        XCTAssertEqual(named.err, "", "columns named with --fields are all printed")
        XCTAssertTrue(lines(named.out).first?.hasSuffix("TOTAL_P…") ?? false, named.out)
    }

    func testATerminalTableSaysHowManyColumnsItLeftOutAndWideShowsThemAll() {
        let bonus = #"{"period_days": 30, "vendors": [{"vendor_id": 2, "name": "Ravi Kumar", "inputs": {"completed_jobs": 7, "cancelled_jobs": 0, "disputes": 2, "average_rating": 5.0, "rated_jobs": 1, "on_time_rate": 1.0, "revenue": "5693.00"}, "performance_score": 84.1, "tier": "gold", "bonus_percentage": 7, "bonus_amount": "398.51"}]}"#
        transport.register("GET", "/api/advanced-vendor-bonus/", json: bonus, times: 4)
        let all = "VENDOR_ID  NAME        PERFORMANCE_SCORE  TIER  BONUS_PERCENTAGE  BONUS_AMOUNT  INPUTS.COMPLETED_JOBS  INPUTS.CANCELLED_JOBS  INPUTS.DISPUTES  INPUTS.AVERAGE_RATING  INPUTS.RATED_JOBS  INPUTS.ON_TIME_RATE  INPUTS.REVENUE"
        XCTAssertEqual(lines(run(["ai", "vendor-bonus", "-o", "table"]).out).first, all, "a table in a pipe is printed whole")

        harness.stdoutTTY = true
        harness.stderrTTY = true
        harness.terminalWidth = 300
        let fitted = run(["ai", "vendor-bonus", "--no-color"])
        XCTAssertEqual(lines(fitted.out).first, "VENDOR_ID  NAME        PERFORMANCE_SCORE  TIER  BONUS_PERCENTAGE  BONUS_AMOUNT  INPUTS.COMPLETED_JOBS  INPUTS.CANCELLED_JOBS  INPUTS.DISPUTES  INPUTS.AVERAGE_RATING")
        XCTAssertEqual(fitted.err, "homeserve: 3 more columns: --wide or --fields to see them\n")
        let wide = run(["ai", "vendor-bonus", "--no-color", "--wide"])
        XCTAssertEqual(lines(wide.out).first, all)
        XCTAssertEqual(wide.err, "")
        XCTAssertEqual(run(["ai", "vendor-bonus", "--no-color", "-q"]).err, "", "-q keeps hints off stderr")

        transport.register("GET", "/api/vendor-search/?pincode=560001", json: #"{"results": [{"vendor_id": 2, "display_name": "Ravi", "a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7, "h": 8, "distance_km": 2.0}]}"#)
        let search = run(["vendors", "search", "--pincode", "560001", "--no-color"])
        XCTAssertEqual(lines(search.out).first, "VENDOR_ID  DISPLAY_NAME  A  B  C  D  E  F  G  DISTANCE_KM", "a usual column is never the one left out")
        XCTAssertEqual(search.err, "homeserve: 1 more column: --wide or --fields to see it\n")
    }

    func testIdsAreNeverCutToFitTheTerminal() {
        harness.stdoutTTY = true
        harness.terminalWidth = 95
        let answer = #"[{"id": "cca9f5aa-ff03-4c4e-9d1b-4a0f6c1d2e3f", "booking": "0b6f2e1c-7d4a-4e2b-9c3d-5a6b7c8d9e0f", "service_name": "Full home deep cleaning", "status": "pending"}]"#
        transport.register("GET", "/api/bookings/", json: answer)
        let table = run(["bookings", "list", "--no-color", "--fields", "id,booking,service_name,status"]).out
        XCTAssertEqual(table, """
            ID                                    BOOKING                               SERVICE_N…  STATUS
            cca9f5aa-ff03-4c4e-9d1b-4a0f6c1d2e3f  0b6f2e1c-7d4a-4e2b-9c3d-5a6b7c8d9e0f  Full home…  pending

            """, "an id column and a column of UUIDs stay whole; the others are cut instead")
        XCTAssertTrue(lines(table).allSatisfy { $0.count <= 95 })

        harness.terminalWidth = 40
        transport.register("PATCH", "/api/bookings/\(booking)/", json: updated)
        XCTAssertEqual(run(["bookings", "update", booking, "--notes", "x", "--no-color"]).out, """
            id              \(booking)
            service_name    Deep Cleaning
            status          confirmed
            scheduled_date  2026-12-01T10:00:00+05:…
            pincode         560001
            total_price     1299.00

            """, "a record's id is not cut; other long values are")
    }

    func testTheHeaderIsBoldOnlyOnAColourTerminal() {
        harness.stdoutTTY = true
        transport.register("GET", "/api/services/", json: #"[{"id": 1, "name": "Tap"}]"#, times: 2)
        XCTAssertEqual(run(["services", "list"]).out, "\u{1B}[1mID  NAME\u{1B}[0m\n1   Tap\n")
        harness.environment["NO_COLOR"] = "1"
        XCTAssertEqual(run(["services", "list"]).out, "ID  NAME\n1   Tap\n")
    }

    func testTheProfilesOutputSettingAppliesOnlyOnATerminal() {
        harness.writeSettings(["default": ["output": "csv"]])
        transport.register("GET", "/api/services/", json: #"[{"id": 1, "name": "Tap"}]"#, times: 4)
        XCTAssertEqual(run(["services", "list"]).out, "[\n  {\n    \"id\": 1,\n    \"name\": \"Tap\"\n  }\n]\n", "a pipe gets JSON")
        harness.stdoutTTY = true
        XCTAssertEqual(run(["services", "list"]).out, "id,name\n1,Tap\n")
        XCTAssertEqual(run(["services", "list", "-o", "ndjson"]).out, "{\"id\":1,\"name\":\"Tap\"}\n", "-o wins")
        harness.environment["HOMESERVE_OUTPUT"] = "tsv"
        XCTAssertEqual(run(["services", "list"]).out, "id\tname\n1\tTap\n", "then HOMESERVE_OUTPUT")
    }

    func testABadOutputSettingIsAUsageErrorBeforeAnyRequest() {
        harness.writeSettings(["default": ["output": "yaml"]])
        harness.stdoutTTY = true
        let outcome = run(["services", "list"], status: 2)
        XCTAssertEqual(outcome.err, "homeserve: invalid output 'yaml' in profile 'default': expected one of: table, json, ndjson, csv, tsv (fix with 'homeserve config set output FORMAT')\n")
        XCTAssertEqual(transport.requests.count, 0)
    }

    func testAFormatInCapitalsIsNamedInSmallLetters() {
        XCTAssertEqual(run(["services", "list", "-o", "JSON"], status: 2).err,
                       "homeserve: invalid value 'JSON' for -o: expected one of: table, json, ndjson, csv, tsv (did you mean 'json'?)\n")
        harness.environment["HOMESERVE_OUTPUT"] = "CSV"
        XCTAssertEqual(run(["services", "list"], status: 2).err,
                       "homeserve: invalid value 'CSV' for HOMESERVE_OUTPUT: expected one of: table, json, ndjson, csv, tsv (did you mean 'csv'?)\n")
        harness.environment["HOMESERVE_OUTPUT"] = nil
        XCTAssertContains(run(["config", "set", "output", "Table"], status: 2).err, "for output: expected one of: table, json, ndjson, csv, tsv (did you mean 'table'?)")
        for key in ["username", "url", "password_command"] {
            XCTAssertEqual(run(["config", "set", key, " "], status: 2).err,
                           "homeserve: invalid value ' ' for \(key): expected a value ('homeserve config unset \(key)' removes the setting)\n", "the key named, not VALUE")
        }
        harness.writeSettings(["default": ["output": "NDJSON"]])
        harness.stdoutTTY = true
        XCTAssertContains(run(["services", "list"], status: 2).err, "in profile 'default': expected one of: table, json, ndjson, csv, tsv (did you mean 'ndjson'?) (fix with")
        XCTAssertEqual(transport.requests.count, 0)
    }

    // MARK: Writes that did not happen

    func testA2xxSayingTheWriteFailedIsExit6WithTheServersMessage() {
        transport.register("PATCH", "/api/bookings/\(booking)/", json: #"{"success": false, "message": "Cannot cancel a completed booking"}"#)
        let cancel = run(["bookings", "cancel", booking], status: 6)
        XCTAssertEqual(cancel.out, "")
        XCTAssertEqual(cancel.err, "homeserve: PATCH /api/bookings/\(booking)/: the server says it did not happen: Cannot cancel a completed booking\n")

        transport.register("POST", "/auth/send-otp/", json: #"{"otp_sent": false, "error": "SMS gateway down"}"#)
        XCTAssertEqual(run(["auth", "otp", "send", "--phone", "+919876543201"], status: 6).err,
                       "homeserve: POST /auth/send-otp/: the server says it did not happen: SMS gateway down\n")

        transport.register("POST", "/api/disputes/create_dispute/", status: 201, json: #"{"status": "error", "errors": {"booking_id": ["already disputed"]}}"#)
        XCTAssertEqual(run(["disputes", "create", "--booking", booking, "--type", "quality", "--title", "Leak", "--description", "Drips"], status: 6).err,
                       "homeserve: POST /api/disputes/create_dispute/: the server says it did not happen: booking_id: already disputed\n")

        transport.register("DELETE", "/api/photos/4/", json: #"{"success": false, "detail": "Photo is signed off"}"#)
        XCTAssertEqual(run(["photos", "delete", "4"], status: 6).err, "homeserve: DELETE /api/photos/4/: the server says it did not happen: Photo is signed off\n")
        transport.register("DELETE", "/api/photos/4/", status: 204)
        XCTAssertEqual(run(["photos", "delete", "4"]).err, "homeserve: Deleted photo 4.\n")
    }

    func testAChangeOfStatusIsTakenAsMadeOnlyWhenTheBookingHasIt() {
        let path = "/api/bookings/\(booking)/"
        // The booking answered still has its old status.
        transport.register("PATCH", path, json: #"{"id": "\#(booking)", "status": "pending"}"#)
        let unchanged = run(["bookings", "cancel", booking], status: 6)
        XCTAssertEqual(unchanged.out, "")
        XCTAssertEqual(unchanged.err, "homeserve: PATCH \(path) was answered with success, but the booking is \"pending\", not 'cancelled'\n")
        // An answer without the booking: it is read back, and its status decides.
        transport.register("PATCH", path, json: #"{"detail": "Booking could not be cancelled"}"#)
        transport.register("GET", path, json: #"{"id": "\#(booking)", "status": "pending"}"#)
        XCTAssertEqual(run(["bookings", "cancel", booking, "--fields", "id,status"], status: 6).err,
                       "homeserve: PATCH \(path) was answered with success, but the booking is \"pending\", not 'cancelled' (it said: Booking could not be cancelled)\n")
        transport.register("PATCH", path, json: #"{"status": "success", "message": "Booking cancelled"}"#)
        transport.register("GET", path, json: #"{"booking": {"id": "\#(booking)", "status": "cancelled"}}"#)
        XCTAssertEqual(run(["bookings", "cancel", booking]).err, "homeserve: Booking cancelled (booking \(booking))\n", "the server's message")
        // A status that cannot be learnt is exit 8, never taken for the change: the read back failing, or an
        // answer about another booking whose read back fails too.
        transport.register("PATCH", path, json: #"{"detail": "Booking cancelled"}"#)
        transport.register("GET", path, status: 404, json: #"{"detail": "Not found."}"#)
        XCTAssertEqual(run(["bookings", "cancel", booking], status: 8).err,
                       "homeserve: PATCH \(path) was answered with success, but reading the booking back to check it is 'cancelled' failed: GET \(path) failed: HTTP 404: Not found.\n")
        transport.register("PATCH", path, json: #"{"id": "00000000-0000-4000-8000-000000000037", "status": "cancelled"}"#)
        transport.register("GET", path, json: #"{"id": "\#(booking)", "status": "pending"}"#)
        XCTAssertEqual(run(["bookings", "cancel", booking], status: 6).err,
                       "homeserve: PATCH \(path) was answered with success, but the booking is \"pending\", not 'cancelled'\n", "another booking's status is not this one's")
        transport.register("PATCH", path, json: #"{"id": "\#(booking)", "status": "CANCELLED"}"#)
        XCTAssertEqual(run(["bookings", "cancel", booking]).status, 0, "in any case, as filters match")
        // update --status and --set status= are held to it too; other updates are not read back.
        transport.register("PATCH", path, json: #"{"id": "\#(booking)", "status": "confirmed"}"#)
        XCTAssertEqual(run(["bookings", "update", booking, "--status", "in_progress"], status: 6).err,
                       "homeserve: PATCH \(path) was answered with success, but the booking is \"confirmed\", not 'in_progress'\n")
        transport.register("PATCH", path, json: #"{"id": "\#(booking)", "state": "done"}"#)
        transport.register("GET", path, json: #"{"id": "\#(booking)", "state": "done"}"#)
        let unnamed = run(["bookings", "update", booking, "--set", "status=completed"], status: 8)
        XCTAssertEqual(unnamed.err, "homeserve: PATCH \(path) was answered with success, but neither answer shows booking \(booking)'s status, so it cannot be confirmed 'completed'\n")
        let before = transport.requests.count
        transport.register("PATCH", path, json: #"{"id": "\#(booking)", "customer_notes": "x"}"#)
        XCTAssertEqual(run(["bookings", "update", booking, "--notes", "x"]).status, 0)
        XCTAssertEqual(transport.requests.count, before + 1, "only the PATCH")
        transport.verify()
    }

    func testTheHistoryExportReadsAJSONAnswerLikeAnyWrite() {
        let path = "/admin-dashboard/edit-history/export/"
        let csv = "id,action\r\n1,update\r\n"
        transport.register("POST", path, body: Array(csv.utf8), headers: [("Content-Type", "text/csv")])
        XCTAssertEqual(run(["admin", "history", "export"]).out, csv)
        transport.register("POST", path, body: Array(csv.utf8), headers: [("Content-Type", "text/csv")])
        XCTAssertEqual(run(["admin", "history", "export", "--out", "/dev/null"]).err, "homeserve: Wrote \(csv.utf8.count) bytes to /dev/null.\n")
        XCTAssertTrue(OutputFile.isStream("/dev/null"), "a device is written to, not replaced")
        transport.register("POST", path, json: #"{"success": true, "download_data": "\#(Base64.encode(Array(csv.utf8)))"}"#)
        let shaped = run(["admin", "history", "export", "--jq", "."])
        XCTAssertEqual(shaped.out, csv)
        XCTAssertEqual(shaped.err, "homeserve: warning: --jq has no effect: 'admin history export' prints the server's bytes as they came, not rows\n")
        transport.register("POST", path, body: Array(csv.utf8), headers: [("Content-Type", "text/csv")])
        let json = run(["admin", "history", "export", "-o", "json"])
        XCTAssertEqual(json.out, csv)
        XCTAssertEqual(json.err, "homeserve: warning: -o has no effect: 'admin history export' prints the server's bytes as they came, not rows\n")

        transport.register("POST", path, json: #"{"success": false, "message": "Exports are switched off"}"#)
        let refused = run(["admin", "history", "export"], status: 6)
        XCTAssertEqual(refused.out, "")
        XCTAssertEqual(refused.err, "homeserve: POST \(path): the server says it did not happen: Exports are switched off\n")

        let file = temporaryDirectory() + "/audit.csv"
        transport.register("POST", path, json: #"{"success": true, "message": "Export queued"}"#)
        let missing = run(["admin", "history", "export", "--out", file], status: 8)
        XCTAssertEqual(missing.err, "homeserve: POST \(path): the answer is JSON without download_data (keys: success, message)\n")
        XCTAssertFalse(FileFacts.exists(file))

        transport.register("POST", path, body: Array(#"{"download_data": "aWQ="#.utf8), headers: [("Content-Type", "application/json")])
        XCTAssertContains(run(["admin", "history", "export"], status: 8).err, "the body is not valid JSON")

        let quoted = "id,changes\r\n1,\"{\"\"status\"\": \"\"confirmed\"\"}\"\r\n"
        transport.register("POST", path, body: Array(quoted.utf8), headers: [("Content-Type", "text/csv")])
        XCTAssertEqual(run(["admin", "history", "export"]).out, quoted, "doubled quotes inside a field are whole")
        transport.register("POST", path, body: Array(quoted.utf8.dropLast(8)), headers: [("Content-Type", "text/csv")])
        let cut = run(["admin", "history", "export", "--out", file], status: 8)
        XCTAssertEqual(cut.err, "homeserve: POST \(path): the CSV ends inside a quoted field: it was cut short (\(quoted.utf8.count - 8) bytes)\n")
        XCTAssertFalse(FileFacts.exists(file), "nothing is written")
        // Cut outside quotes: the last record lacks the line break the others end with.
        let plain = "id,model,timestamp\r\n133,Cache,2026-12-03T21:17:37.123Z\r\n"
        transport.register("POST", path, body: Array(plain.utf8.dropLast(6)), headers: [("Content-Type", "text/csv")])
        let unended = run(["admin", "history", "export", "--out", file], status: 8)
        XCTAssertEqual(unended.err, "homeserve: POST \(path): the CSV's last record has no line break where the others end with CRLF: it was cut short (\(plain.utf8.count - 6) bytes)\n")
        XCTAssertFalse(FileFacts.exists(file), "nothing is written")
        // A header alone, with or without its line break, is whole; so are lines joined by a bare LF.
        for header in ["id,model,timestamp", "id,model,timestamp\n", "id,model\n1,Cache"] {
            transport.register("POST", path, body: Array(header.utf8), headers: [("Content-Type", "text/csv")])
            XCTAssertEqual(run(["admin", "history", "export"]).out, header)
        }

        // An export already there survives an answer that is no CSV: nothing, or a proxy's sign-in page.
        transport.register("POST", path, body: Array(csv.utf8), headers: [("Content-Type", "text/csv")])
        XCTAssertEqual(run(["admin", "history", "export", "--out", file]).status, 0)
        for (body, type, reason) in [("", "text/csv", "the export is empty, without even a header row"),
                                     ("<html><head><title>Please sign in</title></head></html>", "text/html", "the answer is a web page: Please sign in (HTML page), not CSV"),
                                     ("<html><body>Please sign in</body></html>", "text/csv", "the answer is an HTML page, not CSV")] {
            transport.register("POST", path, body: Array(body.utf8), headers: [("Content-Type", type)])
            let notCSV = run(["admin", "history", "export", "--out", file], status: 8)
            XCTAssertEqual(notCSV.err, "homeserve: POST \(path): \(reason)\n")
            XCTAssertEqual(try? FileFacts.contents(file), Array(csv.utf8), "the export before is kept")
        }
        // HTML quoted inside the trail (a note a customer wrote) is data.
        let quoting = "id,changes\r\n1,\"{\"\"customer_notes\"\": \"\"Use the <html> door, see <title>gate</title>\"\"}\"\r\n"
        transport.register("POST", path, body: Array(quoting.utf8), headers: [("Content-Type", "text/csv")])
        XCTAssertEqual(run(["admin", "history", "export"]).out, quoting)
    }

    /// An action's answer whose `result` is empty is shown whole: the action was done, and its words are the
    /// answer (the row was empty, csv a lone `value` column).
    func testAnActionAnsweredWithAnEmptyResultIsShownWhole() {
        let answer = #"{"message": "Queued", "action": "expire_signatures", "result": {}, "timestamp": "2026-12-03T10:00:00Z"}"#
        transport.register("POST", "/admin-dashboard/notifications/", json: answer)
        let csv = run(["admin", "notifications", "trigger", "expire_signatures", "-o", "csv"])
        XCTAssertEqual(csv.out, "message,action,timestamp\nQueued,expire_signatures,2026-12-03T10:00:00Z\n")
        XCTAssertEqual(csv.err, "homeserve: Queued\n")
        transport.register("POST", "/admin-dashboard/notifications/", json: #"{"message": "Done", "result": {"expired": 3}}"#)
        XCTAssertEqual(run(["admin", "notifications", "trigger", "expire_signatures", "-o", "csv"]).out, "expired\n3\n", "a result with fields is the row")
    }

    func testAReadOfOneThingAnsweredWithNothingIsExit8() {
        transport.register("GET", "/admin-dashboard/notifications/", json: "{}")
        let empty = run(["admin", "notifications", "stats", "-o", "csv"], status: 8)
        XCTAssertEqual(empty.out, "")
        XCTAssertEqual(empty.err, "homeserve: GET /admin-dashboard/notifications/: the answer is an empty object, with nothing to show\n")
        transport.register("GET", "/admin-dashboard/notifications/", json: "[]")
        XCTAssertEqual(run(["admin", "notifications", "stats", "-o", "csv"], status: 8).err,
                       "homeserve: GET /admin-dashboard/notifications/: the answer is an empty list where one object is due\n")
        transport.register("GET", "/admin-dashboard/dashboard/stats/", json: "{}")
        XCTAssertEqual(run(["admin", "stats", "-o", "csv"], status: 8).err,
                       "homeserve: GET /admin-dashboard/dashboard/stats/: the answer is an empty object, with nothing to show\n")
        transport.register("GET", "/api/services/7/", json: #"{"service": {}}"#)
        XCTAssertEqual(run(["services", "get", "7", "-o", "csv"], status: 8).err,
                       "homeserve: GET /api/services/7/: the answer is an empty object, with nothing to show\n", "a resource wrapped, and empty")
        // A summary whose parts are all empty shows nothing either.
        for (command, path, answer) in [(["admin", "stats"], "/admin-dashboard/dashboard/stats/", #"{"users": {}}"#),
                                        (["admin", "cache", "stats"], "/admin-dashboard/cache/", #"{"cache_stats": {"a": {}}}"#)] {
            for format in ["csv", "table", "json"] {
                transport.register("GET", path, json: answer)
                let outcome = run(command + ["-o", format], status: 8)
                XCTAssertEqual(outcome.out, "")
                XCTAssertEqual(outcome.err, "homeserve: GET \(path): the answer is only empty objects (\(try! JSON.parse(answer).serialized())), with nothing to show\n")
            }
        }
        transport.register("GET", "/api/bookings/\(booking)/", json: #"[{"id": 1}]"#)
        XCTAssertEqual(run(["bookings", "get", booking, "-o", "csv"], status: 8).err,
                       "homeserve: GET /api/bookings/\(booking)/: the answer is a list where one object is due\n")
        transport.register("GET", "/api/services/7/", json: #"{"status": "success", "data": null}"#)
        XCTAssertEqual(run(["services", "get", "7"], status: 8).err,
                       "homeserve: GET /api/services/7/: the answer is null in its envelope where one object is due\n")
        transport.register("GET", "/admin-dashboard/cache/", json: "{}")
        XCTAssertEqual(run(["admin", "cache", "stats"], status: 8).err, "homeserve: GET /admin-dashboard/cache/: the answer is an empty object, with nothing to show\n")
        // A listing answered {} or with DRF's error shape under a 2xx status: no rows, and no data either.
        transport.register("GET", "/api/bookings/", json: "{}")
        XCTAssertEqual(run(["bookings", "list", "--all", "-o", "csv"], status: 8).out, "")
        transport.register("GET", "/api/bookings/", json: #"{"detail": "Not available"}"#)
        XCTAssertEqual(run(["bookings", "list", "-o", "csv"], status: 8).err,
                       "homeserve: GET /api/bookings/: the answer (HTTP 200) says the request failed: Not available\n")
        // A report's empty list is an answer: there are no rows.
        transport.register("GET", "/api/vendor-search/?pincode=560001", json: "[]")
        XCTAssertEqual(run(["vendors", "search", "--pincode", "560001", "-o", "csv"]).out, "")
    }

    func testAFieldNamedWithADotDoesNotHideANestedFieldOfThatPath() {
        transport.register("GET", "/api/services/", json: #"[{"id": 1, "a.b": "dotkey", "a": {"b": "nested", "c": 2}}]"#)
        XCTAssertEqual(run(["services", "list", "-o", "csv"]).out, "id,a.b,a\n1,dotkey,\"{\"\"b\"\":\"\"nested\"\",\"\"c\"\":2}\"\n",
                       "the nested object is one column, as JSON")
        transport.register("GET", "/api/services/", json: #"[{"id": 1, "a": {"b": "nested", "c": 2}}]"#)
        XCTAssertEqual(run(["services", "list", "-o", "csv"]).out, "id,a.b,a.c\n1,nested,2\n", "without a dotted name, nested fields are columns")
    }

    func testARowWithoutTheValueColumnHasAnEmptyCell() {
        let page = #"{"count": 3, "next": null, "previous": null, "results": [{"id": 1, "value": "a"}, {"id": 2, "other": "secret,stuff"}, {"id": 3, "value": null}]}"#
        for (format, expected) in [("csv", "value\na\n\n\n"), ("tsv", "value\na\n\n\n")] {
            transport.register("GET", "/api/services/", json: page)
            XCTAssertEqual(run(["services", "list", "-o", format, "--fields", "value"]).out, expected, format)
        }
        transport.register("GET", "/api/services/", json: page)
        XCTAssertEqual(run(["services", "list", "-o", "table", "--fields", "value"]).out, "VALUE\na\n\n\n")
        // Rows that are not objects are their own value.
        transport.register("GET", "/api/services/", json: #"["a", 2]"#)
        XCTAssertEqual(run(["services", "list", "-o", "csv"]).out, "value\na\n2\n")
    }

    func testAReadAnsweredWithABareValueIsExit8() {
        for (body, what) in [(#""""#, "an empty string"), (#""hello""#, "a string"), ("42", "a number"), ("true", "a boolean")] {
            transport.register("GET", "/api/bookings/\(booking)/", json: body)
            let one = run(["bookings", "get", booking, "-o", "csv"], status: 8)
            XCTAssertEqual(one.out, "", body)
            XCTAssertEqual(one.err, "homeserve: GET /api/bookings/\(booking)/: the answer is \(what) where an object is due\n")
            transport.register("GET", "/api/bookings/\(booking)/", json: body)
            XCTAssertEqual(run(["bookings", "get", booking, "-o", "tsv", "--fields", "status"], status: 8).out, "", "the server's fault, not the flag's")
            transport.register("GET", "/admin-dashboard/dashboard/stats/", json: body)
            XCTAssertEqual(run(["admin", "stats", "-o", "json"], status: 8).out, "", body)
            transport.register("GET", "/api/vendor-search/?pincode=560001", json: body)
            let report = run(["vendors", "search", "--pincode", "560001"], status: 8)
            XCTAssertEqual(report.out, "", "a report too: \(body)")
            XCTAssertContains(report.err, "the answer is \(what) where an object or a list is due")
        }
    }

    func testAReadSayingSuccessFalseIsNotPrintedAsData() {
        transport.register("GET", "/admin-dashboard/dashboard/stats/", json: #"{"success": false, "message": "cache cold"}"#)
        let outcome = run(["admin", "stats", "-o", "ndjson"], status: 8)
        XCTAssertEqual(outcome.out, "", "a script must not take the error for the stats")
        XCTAssertEqual(outcome.err, "homeserve: GET /admin-dashboard/dashboard/stats/: the answer (HTTP 200) says the request failed: cache cold\n")
    }
}
