import XCTest
@testable import HomeServeCLI
import HomeServeAPI
import HomeServeCore

/// Every endpoint command, run in-process with --dry-run: the exact request it would send, and the local
/// checks that stop a bad command line before anything is sent.
final class EndpointCommandTests: XCTestCase {
    var directory = ""

    override func setUp() {
        directory = temporaryDirectory()
    }

    /// The dry run's request lines without their headers: method, url, then body or multipart.
    func requests(_ args: [String], file: StaticString = #filePath, line: UInt = #line) -> [String] {
        let (status, out, err) = runCLI(["--dry-run"] + args)
        XCTAssertEqual(status, 0, err, file: file, line: line)
        return out.split(separator: "\n").map { (try? JSON.parse(String($0)).removing("headers").serialized()) ?? String($0) }
    }

    func assertRequest(_ args: [String], _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(requests(args, file: file, line: line), [expected], file: file, line: line)
    }

    /// Exit 2, nothing on stdout, and stderr naming what was wrong.
    func assertRejected(_ args: [String], _ fragments: String..., file: StaticString = #filePath, line: UInt = #line) {
        let (status, out, err) = runCLI(["--dry-run"] + args)
        XCTAssertEqual(status, 2, err, file: file, line: line)
        XCTAssertEqual(out, "", file: file, line: line)
        for fragment in fragments { XCTAssertTrue(err.contains(fragment), "\(err) lacks \(fragment)", file: file, line: line) }
        XCTAssertEqual(err.split(separator: "\n").count, 1, "one line: \(err)", file: file, line: line)
    }

    func write(_ name: String, _ bytes: [UInt8]) -> String {
        let path = directory + "/" + name
        let file = fopen(path, "wb")!
        _ = fwrite(bytes, 1, bytes.count, file)
        fclose(file)
        return path
    }

    let booking = "3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13"
    let base = "http://127.0.0.1:9"

    // MARK: Bookings

    func testBookingUpdateSendsOnlyTheChangesWithTypedSetValues() {
        assertRequest(["bookings", "update", booking, "--notes", "Ring twice", "--vendor-notes", "Bring a ladder",
                       "--date", "2026-12-03T09:30:00+05:30", "--status", "confirmed",
                       "--set", "buffer_after_minutes=15", "--set", "pincode=056001", "--set", "is_urgent=true",
                       "--set", "completion_date=null", "--set", "discount=-2.5e1", "--set", "code=a=b"],
                      #"{"method":"PATCH","url":"\#(base)/api/bookings/\#(booking)/","body":{"customer_notes":"Ring twice","vendor_notes":"Bring a ladder","scheduled_date":"2026-12-03T09:30:00+05:30","status":"confirmed","buffer_after_minutes":15,"pincode":"056001","is_urgent":true,"completion_date":null,"discount":-2.5e1,"code":"a=b"}}"#)
        assertRejected(["bookings", "update", booking, "--set", "status=in_progress", "--status", "signed"], "--set status=… and --status both set status")
    }

    func testBookingUpdateWithoutAChangeIsAUsageError() {
        assertRejected(["bookings", "update", booking], "needs a change", "--set KEY=VALUE")
        assertRejected(["bookings", "update", booking, "--status", "done"], "invalid value 'done' for --status")
        assertRejected(["bookings", "update", booking, "--set", "=1"], "invalid value '=1' for --set")
        assertRejected(["bookings", "cancel", "../admin"], "invalid value '../admin' for ID")
    }

    func testBookingActions() {
        assertRequest(["bookings", "cancel", booking],
                      #"{"method":"PATCH","url":"\#(base)/api/bookings/\#(booking)/","body":{"status":"cancelled"}}"#)
        assertRequest(["bookings", "accept", booking], #"{"method":"POST","url":"\#(base)/api/bookings/\#(booking)/accept_booking/"}"#)
        assertRequest(["bookings", "complete", booking], #"{"method":"POST","url":"\#(base)/api/bookings/\#(booking)/complete_booking/"}"#)
        assertRequest(["bookings", "request-signature", booking],
                      #"{"method":"POST","url":"\#(base)/api/bookings/\#(booking)/request_signature/"}"#)
    }

    // MARK: Pricing, scheduling, vendors

    func testPricing() {
        assertRequest(["pricing", "quote", "--service", "1", "--pincode", "560001", "--at", "2026-12-01T10:00:00+05:30"],
                      #"{"method":"GET","url":"\#(base)/api/dynamic-pricing/?service_id=1&pincode=560001&scheduled_datetime=2026-12-01T10%3A00%3A00%2B05%3A30"}"#)
        assertRequest(["pricing", "quote", "--service", "1", "--pincode", "560001"],
                      #"{"method":"GET","url":"\#(base)/api/dynamic-pricing/?service_id=1&pincode=560001"}"#)
        assertRequest(["pricing", "predict", "--service", "2", "--pincode", "560001"],
                      #"{"method":"POST","url":"\#(base)/api/dynamic-pricing/","body":{"service_id":2,"pincode":"560001","days":7}}"#)
        assertRequest(["pricing", "predict", "--service", "2", "--pincode", "560001", "--days", "30"],
                      #"{"method":"POST","url":"\#(base)/api/dynamic-pricing/","body":{"service_id":2,"pincode":"560001","days":30}}"#)
        assertRejected(["pricing", "predict", "--service", "2", "--pincode", "560001", "--days", "31"],
                       "invalid value '31' for --days", "from 1 to 30")
        assertRejected(["pricing", "quote", "--service", "1", "--pincode", "560001", "--at", "soon"], "invalid value 'soon' for --at")
    }

    func testScheduling() {
        let flags = ["--vendor", "7", "--service", "1", "--pincode", "560001", "--date", "2026-12-01"]
        assertRequest(["scheduling", "slots"] + flags,
                      #"{"method":"GET","url":"\#(base)/api/smart-scheduling/?vendor_id=7&service_id=1&customer_pincode=560001&preferred_date=2026-12-01"}"#)
        assertRequest(["scheduling", "suggest"] + flags,
                      #"{"method":"POST","url":"\#(base)/api/smart-scheduling/","body":{"vendor_id":7,"service_id":1,"customer_pincode":"560001","preferred_date":"2026-12-01"}}"#)
        assertRequest(["scheduling", "optimize", "--date", "2026-12-01"], #"{"method":"GET","url":"\#(base)/api/vendor-optimization/?date=2026-12-01"}"#)
        assertRequest(["scheduling", "optimize", "--date", "2026-12-01", "--vendor", "7"], #"{"method":"GET","url":"\#(base)/api/vendor-optimization/?date=2026-12-01&vendor_id=7"}"#)
        assertRejected(["scheduling", "optimize", "--date", "2026-02-30"], "invalid value '2026-02-30' for --date")
        assertRejected(["scheduling", "slots", "--vendor", "seven", "--service", "1", "--pincode", "560001", "--date", "2026-12-01"],
                       "invalid value 'seven' for --vendor")
    }

    func testVendorSearch() {
        assertRequest(["vendors", "search", "--pincode", "560001", "--service", "2"],
                      #"{"method":"GET","url":"\#(base)/api/vendor-search/?pincode=560001&service_id=2"}"#)
        assertRequest(["vendors", "search", "--pincode", "560001"], #"{"method":"GET","url":"\#(base)/api/vendor-search/?pincode=560001"}"#)
        assertRejected(["vendors", "search", "--pincode", "56A001"], "invalid value '56A001' for --pincode", "6 to 10 digits")
    }

    // MARK: Signatures and photos

    func testSignatures() {
        let signature = "8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
        assertRequest(["signatures", "list", "--page", "2"], #"{"method":"GET","url":"\#(base)/api/signatures/?page=2"}"#)
        assertRequest(["signatures", "sign", signature, "--rating", "5", "--comments", "Spotless"],
                      #"{"method":"POST","url":"\#(base)/api/signatures/\#(signature)/sign/","body":{"satisfaction_rating":5,"comments":"Spotless"}}"#)
        assertRequest(["signatures", "sign", signature, "--rating", "3"],
                      #"{"method":"POST","url":"\#(base)/api/signatures/\#(signature)/sign/","body":{"satisfaction_rating":3,"comments":""}}"#)
        assertRequest(["signatures", "request", "--booking", booking, "--photo", "41", "--photo", "42"],
                      #"{"method":"POST","url":"\#(base)/api/enhanced-signatures/","body":{"action":"request_signature_with_photos","booking_id":"\#(booking)","photo_ids":["41","42"]}}"#)
        assertRequest(["signatures", "request", "--booking", booking, "--photo", "41,42", "--photo", "43"],
                      #"{"method":"POST","url":"\#(base)/api/enhanced-signatures/","body":{"action":"request_signature_with_photos","booking_id":"\#(booking)","photo_ids":["41","42","43"]}}"#)
        assertRequest(["signatures", "reject", signature, "--reason", "Tap still leaks", "--evidence", #"{"photos": [41], "note": "drips"}"#],
                      #"{"method":"POST","url":"\#(base)/api/enhanced-signatures/","body":{"action":"reject_signature","signature_id":"\#(signature)","reason":"Tap still leaks","evidence":{"photos":[41],"note":"drips"}}}"#)
        assertRejected(["signatures", "reject", signature, "--reason", "No", "--evidence", #"{"a": 1, "b": [{"c": 1, "c": 2}]}"#],
                       "for --evidence: the key 'c' is given twice in one object: a server keeps one or the other, so give it once")
        assertRejected(["api", "POST", "/api/x/", "--input", write("twice.json", Array(#"{"a": 1, "a": 2}"#.utf8))], "the key 'a' is given twice in one object")
        assertRequest(["api", "POST", "/api/x/", "--input", write("two.json", Array(#"{"caf\u00e9": 1, "cafe\u0301": 2}"#.utf8))],
                      #"{"method":"POST","url":"\#(base)/api/x/","body":{"café":1,"café":2}}"#)
        let evidence = write("evidence.json", Array(#"["a", 1]"#.utf8))
        assertRequest(["signatures", "reject", signature, "--reason", "No", "--evidence", "@" + evidence],
                      #"{"method":"POST","url":"\#(base)/api/enhanced-signatures/","body":{"action":"reject_signature","signature_id":"\#(signature)","reason":"No","evidence":["a",1]}}"#)
        // Half a surrogate pair would be sent as U+FFFD: refused; a whole pair is one character.
        for lone in [#"["\ud800"]"#, #"["\udc00\ud800"]"#, #"["\uD83D\u0041"]"#, #"["\ud83d\\ude00"]"#] {
            assertRejected(["signatures", "reject", signature, "--reason", "No", "--evidence", lone], "for --evidence", "is half of a UTF-16 surrogate pair with no other half")
        }
        assertRequest(["signatures", "reject", signature, "--reason", "No", "--evidence", #"["\ud83d\ude00 \\ud800"]"#],
                      #"{"method":"POST","url":"\#(base)/api/enhanced-signatures/","body":{"action":"reject_signature","signature_id":"\#(signature)","reason":"No","evidence":["😀 \\ud800"]}}"#)
        XCTAssertNil(ValueKind<JSON>.loneSurrogate(in: Array(#"{"a": "\u00e9\\", "b": "\ud83d\ude00"}"#.utf8)))
        XCTAssertEqual(ValueKind<JSON>.loneSurrogate(in: Array(#"{"a": "\ud83d", "b": 1}"#.utf8)), #"\ud83d"#)
        // `-` and `@-` are stdin, as `api -F key=@-` is; a file named `-` is `@./-`.
        for stdin in ["-", "@-"] {
            let (status, out, err) = runCLI(["--dry-run", "signatures", "reject", signature, "--reason", "No", "--evidence", stdin], stdin: #"{"from": "stdin"}"#)
            XCTAssertEqual(status, 0, err)
            XCTAssertEqual(try? JSON.parse(out)["body"]?["evidence"], ["from": "stdin"], stdin)
        }
        assertRejected(["signatures", "sign", signature, "--rating", "0"], "invalid value '0' for --rating", "from 1 to 5")
        assertRejected(["signatures", "reject", signature, "--reason", " "], "invalid value ' ' for --reason", "non-empty")
        assertRejected(["signatures", "reject", signature, "--reason", "x", "--evidence", "{nope"], "--evidence", "not valid JSON")
        assertRejected(["signatures", "request", "--booking", booking], "needs --photo")
    }

    func testPhotoUploadSendsTheFileAsAStreamedPartWithItsDetectedType() {
        let jpeg = write("sink.jpg", [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10] + Array("JFIF".utf8))
        assertRequest(["photos", "upload", "--booking", booking, "--type", "before", "--description", "Leaking sink", jpeg],
                      #"{"method":"POST","url":"\#(base)/api/photos/","multipart":[{"name":"booking","value":"\#(booking)"},{"name":"image_type","value":"before"},{"name":"image","file":"\#(jpeg)","content_type":"image/jpeg"},{"name":"description","value":"Leaking sink"}]}"#)
        // The name does not decide the type: the first bytes do.
        let png = write("after.jpeg", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let gif = write("a.gif", Array("GIF89a".utf8))
        let webp = write("a.webp", Array("RIFF".utf8) + [0x24, 0, 0, 0] + Array("WEBPVP8 ".utf8))
        for (file, type) in [(png, "image/png"), (gif, "image/gif"), (webp, "image/webp")] {
            assertRequest(["photos", "upload", "--booking", booking, "--type", "after", file],
                          #"{"method":"POST","url":"\#(base)/api/photos/","multipart":[{"name":"booking","value":"\#(booking)"},{"name":"image_type","value":"after"},{"name":"image","file":"\#(file)","content_type":"\#(type)"}]}"#)
        }
    }

    func testPhotoUploadRefusesWhatTheServerWouldReject() {
        let text = write("notes.jpg", Array("just text".utf8))
        assertRejected(["photos", "upload", "--booking", booking, "--type", "before", text],
                       "invalid value '\(text)' for FILE", "JPEG, PNG, GIF or WEBP")
        let riffNotWebp = write("sound.webp", Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WAVE".utf8))
        assertRejected(["photos", "upload", "--booking", booking, "--type", "before", riffNotWebp], "for FILE", "WEBP")
        let big = write("big.jpg", [0xFF, 0xD8, 0xFF, 0xE0])
        XCTAssertEqual(truncate(big, off_t(10 * 1024 * 1024 + 1)), 0)
        assertRejected(["photos", "upload", "--booking", booking, "--type", "before", big], "for FILE", "over the 10 MB upload limit")
        assertRejected(["photos", "upload", "--booking", booking, "--type", "before", directory + "/missing.jpg"], "missing.jpg' for FILE: no such file")
        assertRejected(["photos", "upload", "--booking", booking, "--type", "before", "-"], "invalid value '-' for FILE: an upload is read from a file, not stdin")
        assertRejected(["photos", "upload", "--booking", booking, "--type", "during", big], "invalid value 'during' for --type", "before, after, additional")
    }

    func testImageSniffing() {
        XCTAssertEqual(UploadFile.imageType([0xFF, 0xD8, 0xFF, 0xDB]), "image/jpeg")
        XCTAssertEqual(UploadFile.imageType([0x89, 0x50, 0x4E, 0x47, 0x0D]), "image/png")
        XCTAssertEqual(UploadFile.imageType(Array("GIF87a".utf8)), "image/gif")
        XCTAssertEqual(UploadFile.imageType(Array("RIFF\0\0\0\0WEBP".utf8)), "image/webp")
        XCTAssertNil(UploadFile.imageType(Array("RIFF".utf8)))
        XCTAssertNil(UploadFile.imageType([0xFF, 0xD8]))
        XCTAssertNil(UploadFile.imageType([]))
    }

    func testPhotoListAndDelete() {
        assertRequest(["photos", "list", "--booking", booking], #"{"method":"GET","url":"\#(base)/api/photos/?booking=\#(booking)"}"#)
        assertRequest(["photos", "delete", "42"], #"{"method":"DELETE","url":"\#(base)/api/photos/42/"}"#)
        assertRequest(["photos", "list"], #"{"method":"GET","url":"\#(base)/api/photos/"}"#)
    }

    // MARK: Disputes

    let dispute = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9"

    func testDisputeReadsAndCreate() {
        assertRequest(["disputes", "list"], #"{"method":"GET","url":"\#(base)/api/disputes/"}"#)
        assertRequest(["disputes", "get", dispute], #"{"method":"GET","url":"\#(base)/api/disputes/\#(dispute)/"}"#)
        assertRequest(["disputes", "create", "--booking", booking, "--type", "quality", "--title", "Leak not fixed",
                       "--description", "Drips again", "--evidence", #"{"visits": 2}"#],
                      #"{"method":"POST","url":"\#(base)/api/disputes/create_dispute/","body":{"booking_id":"\#(booking)","dispute_type":"quality","title":"Leak not fixed","description":"Drips again","evidence":{"visits":2}}}"#)
        assertRequest(["disputes", "messages", dispute], #"{"method":"GET","url":"\#(base)/api/disputes/\#(dispute)/messages/"}"#)
        assertRequest(["disputes", "messages", dispute, "--page", "3", "--page-size", "100", "--all"],
                      #"{"method":"GET","url":"\#(base)/api/disputes/\#(dispute)/messages/?page=3&page_size=100"}"#)
        assertRequest(["disputes", "read", dispute], #"{"method":"POST","url":"\#(base)/api/disputes/\#(dispute)/mark_read/"}"#)
        assertRejected(["disputes", "messages", dispute, "--page-size", "1001"], "invalid value '1001' for --page-size", "from 1 to 1000")
        assertRejected(["disputes", "create", "--booking", booking, "--type", "billing", "--title", "", "--description", "d"],
                       "invalid value '' for --title")
        assertRejected(["disputes", "create", "--booking", booking, "--type", "quality", "--title", "t", "--description", "d", "--evidence", "@"],
                       "invalid value '@' for --evidence: expected a file name after @")
    }

    func testFieldsAndSortByAreCheckedBeforeSending() {
        assertRejected(["disputes", "list", "--sort-by", "-"], "invalid value '-' for --sort-by: expected a field name or dot path, or -PATH")
        assertRejected(["disputes", "list", "--sort-by", "--"], "invalid value '--' for --sort-by")
        assertRejected(["disputes", "list", "--sort-by", "id,status"], "invalid value 'id,status' for --sort-by")
        assertRejected(["disputes", "list", "--fields", "id,,status"], "invalid value 'id,,status' for --fields")
        assertRejected(["disputes", "list", "--fields", "id,"], "invalid value 'id,' for --fields")
        assertRequest(["disputes", "list", "--sort-by", "-created_at", "--fields", "id, status"], #"{"method":"GET","url":"\#(base)/api/disputes/"}"#)
    }

    func testDisputeSendIsMultipartAndFileTypedWithAnAttachment() {
        assertRequest(["disputes", "send", dispute, "--message", "I can come back on Friday"],
                      #"{"method":"POST","url":"\#(base)/api/disputes/\#(dispute)/send_message/","multipart":[{"name":"content","value":"I can come back on Friday"},{"name":"message_type","value":"text"}]}"#)
        let pdf = write("invoice.pdf", Array("%PDF-1.7\n".utf8))
        let message = write("message.txt", Array("Invoice attached\n".utf8))
        assertRequest(["disputes", "send", dispute, "--message-file", message, "--attachment", pdf],
                      #"{"method":"POST","url":"\#(base)/api/disputes/\#(dispute)/send_message/","multipart":[{"name":"content","value":"Invoice attached"},{"name":"message_type","value":"file"},{"name":"attachment","file":"\#(pdf)","content_type":"application/pdf"}]}"#)
        assertRequest(["disputes", "send", dispute, "--message-file", write("crlf.txt", Array("Two lines\r\nfrom Windows\r\n".utf8))],
                      #"{"method":"POST","url":"\#(base)/api/disputes/\#(dispute)/send_message/","multipart":[{"name":"content","value":"Two lines\r\nfrom Windows"},{"name":"message_type","value":"text"}]}"#)
        assertRejected(["disputes", "send", dispute, "--message-file", write("latin1.txt", [0x63, 0x61, 0x66, 0xE9])], "latin1.txt is not UTF-8 text")
        assertRejected(["disputes", "send", dispute], "needs --message TEXT or --message-file")
        assertRejected(["disputes", "send", dispute, "--message", "a", "--message-file", message], "not both")
        assertRejected(["disputes", "send", dispute, "--message", ""], "invalid value '' for --message")
        assertRejected(["disputes", "send", dispute, "--message", "   "], "invalid value '   ' for --message: expected text that is not blank")
        assertRejected(["disputes", "send", dispute, "--message-file", write("empty.txt", Array("\n".utf8))], "the text read by --message-file is blank: expected text that is not blank")
        assertRejected(["disputes", "send", dispute, "--message-file", directory + "/none.txt"], "none.txt' for --message-file: no such file")
        assertRejected(["disputes", "send", dispute, "--message", "a", "--attachment", directory], "for --attachment", "is a directory")
        let video = write("visit.mp4", [0, 0, 0, 0x18])
        XCTAssertEqual(truncate(video, off_t(UploadFile.maxBytes + 1)), 0)
        assertRejected(["disputes", "send", dispute, "--message", "a", "--attachment", video], "for --attachment: its 10485761 bytes are over the 10 MB upload limit (10485760 bytes)")
    }

    func testDisputeResolve() {
        assertRequest(["disputes", "resolve", dispute, "--notes", "Partial refund", "--amount", "250", "--evidence", "[1]"],
                      #"{"method":"POST","url":"\#(base)/api/disputes/\#(dispute)/resolve/","body":{"resolution_notes":"Partial refund","resolution_amount":250.00,"evidence":[1]}}"#)
        assertRequest(["disputes", "resolve", dispute, "--notes", "No refund"],
                      #"{"method":"POST","url":"\#(base)/api/disputes/\#(dispute)/resolve/","body":{"resolution_notes":"No refund"}}"#)
        assertRejected(["disputes", "resolve", dispute, "--notes", "x", "--amount", "-5"], "invalid value '-5' for --amount")
        assertRejected(["disputes", "resolve", dispute, "--notes", "x", "--amount", "1.234"], "invalid value '1.234' for --amount", "2 after")
        assertRejected(["bookings", "list", "--status", ""], "invalid value '' for --status")
        for extra in [["--paginate"], ["-o", "csv"], ["--fields", "id"], ["--jq", ".count"]] {
            assertRejected(["api", "GET", "/api/services/", "--out", directory + "/svc.json"] + extra, "--out \(directory)/svc.json writes the body as received; it cannot be combined with")
        }
        assertRejected(["bookings", "update", "3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13", "--notes", "x", "--set", "customer_notes=y"],
                       "--set customer_notes=… and --notes both set customer_notes: give one")
        assertRejected(["bookings", "update", "3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13", "--set", "x=1", "--set", "x=2"], "--set x=… is given twice: give one value")
        assertRejected(["bookings", "list", "--from", "2026-12-05", "--to", "2026-12-01"], "--from 2026-12-05 is after --to 2026-12-01")
        assertRejected(["bookings", "list", "--status", "pending,,confirmed"], "invalid value 'pending,,confirmed' for --status: an empty item in the list")
        assertRejected(["bookings", "list", "--status", "pending,"], "invalid value 'pending,' for --status: an empty item in the list; expected items separated by single commas, each one of: pending")
        assertRejected(["bookings", "create", "--service", "1", "--pincode", "560001", "--date", "2026-12-05"],
                       "invalid value '2026-12-05' for --date: a date without its time; give the time too, e.g. '2026-12-05 15:00'")
        assertRejected(["bookings", "create", "--service", "1", "--pincode", "560001", "--date", "2026-13-45"],
                       "invalid value '2026-13-45' for --date: expected an ISO-8601 date-time")
        let big = directory + "/big.txt"
        XCTAssertEqual(truncate(write("big.txt", []), off_t((64 << 20) + 1)), 0)
        assertRejected(["api", "POST", "/x/", "-F", "a=@" + big], "for -F/--field: \(big): it is larger than 64 MiB, the most that is read")
        assertRejected(["api", "POST", "/api/photos/", "-F", "image=@" + write("photo.jpg", [0xFF, 0xD8, 0xFF, 0xE0])],
                       "for -F/--field:", "photo.jpg is not UTF-8 text, and a field's value is text")
        let huge = write("huge.pem", Array("-----BEGIN CERTIFICATE-----\n".utf8))
        XCTAssertEqual(truncate(huge, 17 << 20), 0)
        assertRejected(["--cacert", huge, "services", "list"], "for --cacert: it is over 16 MiB, too large for a bundle of certificates")
        assertRejected(["--cacert", write("photo.png", [0x89, 0x50, 0x4E, 0x47]), "services", "list"],
                       "for --cacert: it holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
    }

    // MARK: Admin and AI

    func testAdminCacheDashboardAndNotifications() {
        assertRequest(["admin", "cache", "stats"], #"{"method":"GET","url":"\#(base)/admin-dashboard/cache/"}"#)
        assertRequest(["admin", "cache", "clear"], #"{"method":"POST","url":"\#(base)/admin-dashboard/cache/","body":{"cache_type":"all"}}"#)
        assertRequest(["admin", "cache", "clear", "--type", "vendor_search"],
                      #"{"method":"POST","url":"\#(base)/admin-dashboard/cache/","body":{"cache_type":"vendor_search"}}"#)
        assertRequest(["admin", "pincodes", "--service-type", "plumbing", "--days-back", "7"],
                      #"{"method":"GET","url":"\#(base)/admin-dashboard/pincode-scaling/data/?service_type=plumbing&days_back=7"}"#)
        assertRequest(["admin", "stats"], #"{"method":"GET","url":"\#(base)/admin-dashboard/dashboard/stats/"}"#)
        assertRequest(["admin", "notifications", "stats"], #"{"method":"GET","url":"\#(base)/admin-dashboard/notifications/"}"#)
        assertRequest(["admin", "notifications", "trigger", "check_pending_signatures"],
                      #"{"method":"POST","url":"\#(base)/admin-dashboard/notifications/","body":{"action":"check_pending_signatures"}}"#)
        assertRequest(["admin", "notifications", "logs", "--type", "otp", "--method", "sms", "--status", "failed", "--recipient", "12",
                       "--from", "2026-12-01", "--to", "2026-12-07", "--page", "2", "--page-size", "100"],
                      #"{"method":"GET","url":"\#(base)/admin-dashboard/notifications/logs/?type=otp&method=sms&status=failed&recipient_id=12&date_from=2026-12-01&date_to=2026-12-07&page=2&per_page=100"}"#)
        assertRequest(["admin", "alerts", "--type", "payment_hold", "--severity", "critical", "--status", "active", "--page", "1", "--page-size", "20"],
                      #"{"method":"GET","url":"\#(base)/admin-dashboard/notifications/alerts/?type=payment_hold&severity=critical&status=active&page=1&per_page=20"}"#)
        assertRequest(["admin", "analytics", "pincode", "--pincode", "560001", "--from", "2026-12-01", "--to", "2026-12-07"],
                      #"{"method":"GET","url":"\#(base)/admin-dashboard/analytics/pincode/?pincode=560001&date_from=2026-12-01&date_to=2026-12-07"}"#)
        assertRejected(["admin", "cache", "clear", "--type", "vendor search"], "invalid value 'vendor search' for --type")
        // Where the guide types a filter as any string, any word goes to the server (the usual ones are completed).
        assertRequest(["admin", "alerts", "--severity", "urgent", "--status", "open"],
                      #"{"method":"GET","url":"\#(base)/admin-dashboard/notifications/alerts/?severity=urgent&status=open"}"#)
        assertRequest(["admin", "notifications", "logs", "--method", "push", "--status", "queued"],
                      #"{"method":"GET","url":"\#(base)/admin-dashboard/notifications/logs/?method=push&status=queued"}"#)
        assertRejected(["admin", "alerts", "--severity", "very high"], "invalid value 'very high' for --severity")
        assertRejected(["admin", "notifications", "logs", "--page-size", "0"], "invalid value '0' for --page-size")
        assertRejected(["admin", "notifications", "trigger", ""], "invalid value '' for ACTION")
    }

    func testAdminHistoryAndExport() {
        assertRequest(["admin", "history", "--model", "Booking", "--user", "ops_mgr", "--action", "update", "--from", "2026-12-01",
                       "--to", "2026-12-31", "--page", "2", "--page-size", "50"],
                      #"{"method":"GET","url":"\#(base)/admin-dashboard/edit-history/?model=Booking&user=ops_mgr&action=update&start_date=2026-12-01&end_date=2026-12-31&page=2&page_size=50"}"#)
        assertRequest(["admin", "history", "export", "--model", "Booking", "--from", "2026-11-01", "--to", "2026-11-30"],
                      #"{"method":"POST","url":"\#(base)/admin-dashboard/edit-history/export/","body":{"format":"csv","filters":{"model":"Booking","start_date":"2026-11-01","end_date":"2026-11-30"}}}"#)
        let out = directory + "/audit.csv"
        assertRequest(["admin", "history", "export", "--out", out],
                      #"{"method":"POST","url":"\#(base)/admin-dashboard/edit-history/export/","body":{"format":"csv","filters":{}}}"#)
        XCTAssertNil(FileFacts.size(out), "a dry run writes no file")
        assertRejected(["admin", "history", "export", "--out", directory + "/no/such/audit.csv"], "for --out", "does not exist")
        assertRejected(["admin", "history", "export", "--out", directory], "for --out", "is a directory")
        // A file system that takes no files passes access(2); a file made and removed at once tells.
        assertRejected(["admin", "history", "export", "--out", "/proc/audit.csv"], "for --out", "no file can be made in directory /proc")
        XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: directory))?.filter { $0.hasPrefix(".homeserve-probe") }, [], "the probe is removed")
        assertRejected(["smoke", "--junit", "-"], "invalid value '-' for --junit: expected a path in a writable directory")
        let link = directory + "/junit-link.xml"
        symlink(out, link)
        assertRejected(["smoke", "--junit", link], "for --junit: it is a symbolic link", "give the file it points to")
        assertRejected(["admin", "history", "--from", "01/12/2026"], "invalid value '01/12/2026' for --from")
        assertRejected(["smoke", "--as", "customer=c1", "--as", "customer=c2"],
                       "invalid value 'customer=c2' for --as: role 'customer' is already run as profile 'c1'; give one profile per role")
        assertRejected(["smoke", "--as", "chef=c1"], "invalid value 'chef=c1' for --as: unknown role 'chef'")
        // A username is sent as it is: a control character in it is refused, as config set refuses it.
        assertRejected(["auth", "login", "--username", "a\nb", "--password-stdin"],
                       "invalid value 'a\\x0ab' for --username: expected non-empty text without control characters")
    }

    func testAI() {
        assertRequest(["ai", "pincode", "--pincode", "560001"], #"{"method":"GET","url":"\#(base)/api/pincode-ai-analytics/?pincode=560001&days=30"}"#)
        assertRequest(["ai", "pincode", "--pincode", "560001", "--days", "90"],
                      #"{"method":"GET","url":"\#(base)/api/pincode-ai-analytics/?pincode=560001&days=90"}"#)
        assertRequest(["ai", "dispute", dispute], #"{"method":"GET","url":"\#(base)/api/advanced-dispute-resolution/\#(dispute)/"}"#)
        assertRequest(["ai", "vendor-bonus"], #"{"method":"GET","url":"\#(base)/api/advanced-vendor-bonus/?days=30"}"#)
        assertRequest(["ai", "vendor-bonus", "--vendor", "7", "--days", "7"], #"{"method":"GET","url":"\#(base)/api/advanced-vendor-bonus/?days=7&vendor_id=7"}"#)
        assertRejected(["ai", "pincode", "--pincode", "560001", "--days", "0"], "invalid value '0' for --days")
    }

    // MARK: Raw API

    func testAPIFieldsAreQueryForGETAndATypedBodyOtherwise() {
        assertRequest(["api", "GET", "/api/bookings/", "-F", "status=pending", "-F", "page=2"],
                      #"{"method":"GET","url":"\#(base)/api/bookings/?status=pending&page=2"}"#)
        assertRequest(["api", "GET", "/api/bookings/?status=pending", "-F", "pincode=560001"],
                      #"{"method":"GET","url":"\#(base)/api/bookings/?status=pending&pincode=560001"}"#)
        let note = write("note.txt", Array("from a file\n".utf8))
        assertRequest(["api", "POST", "/api/dynamic-pricing/", "-F", "service_id=1", "-F", "pincode=056001", "-F", "days=3",
                       "--field", "flag=false", "-F", "none=null", "-F", "note=@" + note, "-f", "raw=12"],
                      #"{"method":"POST","url":"\#(base)/api/dynamic-pricing/","body":{"raw":"12","service_id":1,"pincode":"056001","days":3,"flag":false,"none":null,"note":"from a file\n"}}"#)
        assertRequest(["api", "DELETE", "/api/photos/42/"], #"{"method":"DELETE","url":"\#(base)/api/photos/42/"}"#)
        let input = write("changes.json", Array(#"{"status": "cancelled", "n": 1.50}"#.utf8))
        assertRequest(["api", "PATCH", "/api/bookings/\(booking)/", "--input", input],
                      #"{"method":"PATCH","url":"\#(base)/api/bookings/\#(booking)/","body":{"status":"cancelled","n":1.50}}"#)
        assertRequest(["api", "GET", "/api/signatures/", "--paginate"], #"{"method":"GET","url":"\#(base)/api/signatures/"}"#)
    }

    /// As with gh: brackets in a field's name nest it in the body, a list or an object, in the order given
    /// (the -f fields, then the -F ones).
    func testAPIFieldsWithBracketsBuildListsAndObjects() {
        assertRequest(["api", "POST", "/api/x/", "-f", "labels[]=bug", "-F", "meta[count]=3", "-f", "labels[]=ui", "-f", "meta[source][name]=cli",
                       "-F", "items[][name]=a", "-F", "items[][qty]=1", "-F", "items[][name]=b", "-F", "grid[][]=1", "-f", "odd[=x", "-f", "a]b=y"],
                      #"{"method":"POST","url":"\#(base)/api/x/","body":{"labels":["bug","ui"],"meta":{"source":{"name":"cli"},"count":3},"odd[":"x","a]b":"y","items":[{"name":"a","qty":1},{"name":"b"}],"grid":[[1]]}}"#)
        // gh's own example: a list inside the items of a list keeps filling the same item.
        assertRequest(["api", "POST", "/api/x/", "-f", "labels[][name]=bug", "-f", "labels[][colorOptions][]=red", "-f", "labels[][colorOptions][]=blue",
                       "-f", "labels[][name]=feature"],
                      #"{"method":"POST","url":"\#(base)/api/x/","body":{"labels":[{"name":"bug","colorOptions":["red","blue"]},{"name":"feature"}]}}"#)
        // The -f fields come first, then the -F ones, as in gh.
        assertRequest(["api", "POST", "/api/x/", "-F", "x[]=2", "-f", "x[]=first"], #"{"method":"POST","url":"\#(base)/api/x/","body":{"x":["first",2]}}"#)
        assertRequest(["api", "GET", "/api/x/", "-f", "ids[]=1", "-f", "ids[]=2"], #"{"method":"GET","url":"\#(base)/api/x/?ids%5B%5D=1&ids%5B%5D=2"}"#)
        // `key[]` alone is an empty list, as gh has it; a query has no way to say one.
        assertRequest(["api", "POST", "/api/x/", "-F", "tags[]", "-f", "meta[links][]", "-F", "more[]=1", "-f", "more[]"],
                      #"{"method":"POST","url":"\#(base)/api/x/","body":{"meta":{"links":[]},"more":[1],"tags":[]}}"#)
        assertRejected(["api", "GET", "/api/x/", "-F", "tags[]"], "-F/-f tags[] (an empty list) belongs in a JSON body; GET sends its fields as a query")
        assertRejected(["api", "POST", "/api/x/", "-F", "tags"], "invalid value 'tags' for -F: expected KEY=VALUE, or KEY[] for an empty list")
        assertRejected(["api", "POST", "/api/x/", "-F", "tags=1", "-F", "tags[]"], "-F/-f tags[] does not fit the other fields")
        assertRejected(["api", "POST", "/api/x/", "-F", "a[b]=1", "-F", "a[b]=2"], "-F/-f a[b] is given twice: a JSON body has one value per key (a[b][]=… makes a list)")
        for (first, second) in [("a=1", "a[b]=2"), ("a[b]=1", "a=2"), ("a[]=1", "a[b]=2"), ("a[b]=1", "a[]=2"), ("a[b]=1", "a[b][c]=2")] {
            assertRejected(["api", "POST", "/api/x/", "-F", first, "-F", second], "-F/-f \(second.split(separator: "=")[0])",
                           "one name cannot be a value, an object (name[key]=…) and a list (name[]=…) at once")
        }
    }

    func testAPIAsksForOnePageWithoutFollowing() {
        assertRequest(["api", "GET", "/api/services/", "--page", "2", "--page-size", "5"], #"{"method":"GET","url":"\#(base)/api/services/?page=2&page_size=5"}"#)
        assertRequest(["api", "GET", "/api/services/?q=é a"], #"{"method":"GET","url":"\#(base)/api/services/?q=%C3%A9%20a"}"#)
        assertRejected(["api", "GET", "/api/x/\tb"], "for PATH: expected a path without control characters")
        assertRejected(["api", "POST", "/api/x/", "-F", "a=1", "-f", "a=2"], "-F/-f a is given twice: a JSON body has one value per key")
        assertRequest(["api", "GET", "/api/x/", "-F", "a=1", "-F", "a=2"], #"{"method":"GET","url":"\#(base)/api/x/?a=1&a=2"}"#)
        assertRejected(["api", "GET", "/api/services/", "-F", "page=2", "--page", "3"], "--page and -F/-f page=… both set page; give one")
        assertRejected(["api", "POST", "/api/x/", "--page", "2"], "--page asks for a page of a GET; it cannot be used with POST")
    }

    func testAPIValidation() {
        assertRejected(["api", "GET", "api/bookings/"], "invalid value 'api/bookings/' for PATH", "starting with /")
        assertRejected(["api", "FETCH", "/api/bookings/"], "invalid value 'FETCH' for METHOD", "GET, POST, PUT, PATCH, DELETE, HEAD")
        assertRejected(["api", "get", "/api/bookings/"], "invalid value 'get' for METHOD", "(did you mean 'GET'?)")
        let input = write("body.json", Array("{}".utf8))
        assertRejected(["api", "POST", "/api/x/", "--input", input, "-F", "a=1"], "--input and -F/-f cannot be combined")
        assertRejected(["api", "POST", "/api/x/", "--paginate"], "--paginate", "POST")
        assertRejected(["api", "POST", "/api/x/", "-F", "note=@" + directory + "/gone.txt"], "-F/--field", "no such file")
        let broken = write("broken.json", Array("{".utf8))
        assertRejected(["api", "PUT", "/api/x/", "--input", broken], "invalid value '\(broken)' for --input", "not valid JSON")
        assertRejected(["api", "GET", "/x", "-F", "novalue"], "invalid value 'novalue' for -F")
        assertRejected(["api", "POST", "/x", "-F", "note=@"], "invalid value 'note=@' for -F/--field: expected a file name after @, or @- for stdin")
        assertRejected(["api", "POST", "/x", "-F", "a=@-", "-F", "b=@-"], "@- is given twice, and stdin can be read once")
    }

    // MARK: Pieces

    func testFieldTyping() {
        XCTAssertEqual(FieldValue.typed("12"), .number("12"))
        XCTAssertEqual(FieldValue.typed("-0.5e+3"), .number("-0.5e+3"))
        XCTAssertEqual(FieldValue.typed("true"), .bool(true))
        XCTAssertEqual(FieldValue.typed("null"), .null)
        for text in ["007", "+91", "1.", ".5", "1e", "0x10", "12 ", "True", ""] {
            XCTAssertEqual(FieldValue.typed(text), .string(text), text)
        }
    }
}
