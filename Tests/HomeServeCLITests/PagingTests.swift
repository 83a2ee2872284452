@testable import HomeServeAPI
@testable import HomeServeCLI
import HomeServeCore
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Listings: every envelope the reader knows, the paging flags mapped to each endpoint, sequential and
/// concurrent walks, and the ways a server's paging can go wrong.
final class PagingTests: XCTestCase {
    var harness: Harness!
    var transport: StubTransport { harness.transport }

    override func setUp() { restart() }

    /// A fresh config directory and stub server with a session, for each case a test loops over.
    func restart() {
        harness = Harness()
        harness.logIn()
    }

    /// The ids of an ndjson or json output, in order.
    func ids(_ outcome: Harness.Outcome) -> [Int] {
        if let items = outcome.json.arrayValue { return items.compactMap { $0["id"]?.intValue } }
        return lines(outcome.out).compactMap { (try? JSON.parse($0))?["id"]?.intValue }
    }

    func rows(_ range: Range<Int>, status: String = "pending") -> String {
        range.map { #"{"id": \#($0), "status": "\#(status)"}"# }.joined(separator: ", ")
    }

    /// `{status, data, pagination}` with page numbers and no links.
    func numbered(_ range: Range<Int>, page: Int, size: Int, total: Int) -> String {
        let pages = (total + size - 1) / size
        return #"{"status": "success", "data": [\#(rows(range))], "pagination": {"page": \#(page), "per_page": \#(size), "total": \#(total), "total_pages": \#(pages), "has_next": \#(page < pages)}}"#
    }

    // MARK: Envelopes

    func testEveryEnvelopeTheReaderKnows() throws {
        func read(_ text: String) throws -> CollectionPage { CollectionReader.read(try JSON.parse(text)) }
        var page = try read(#"[{"id": 1}, {"id": 2}]"#)
        XCTAssertEqual(page.rows?.count, 2)
        XCTAssertEqual(page.rowsPath, "")
        XCTAssertEqual(page.info, PageInfo())

        page = try read(drfPage(0..<2, total: 5, page: 1, size: 2))
        XCTAssertEqual(page.rowsPath, "results")
        XCTAssertEqual(page.info.total, 5)
        XCTAssertEqual(page.info.next, "https://api.test/api/bookings/?page=2")
        XCTAssertTrue(page.info.claimsMore)
        XCTAssertEqual(page.info.pageCount(firstPageRows: 2), 3)

        page = try read(numbered(0..<2, page: 1, size: 2, total: 5))
        XCTAssertEqual(page.rowsPath, "data")
        XCTAssertEqual([page.info.page, page.info.pageSize, page.info.total, page.info.totalPages], [1, 2, 5, 3])
        XCTAssertEqual(page.info.sizeParameter, "per_page")
        XCTAssertEqual(page.info.hasNext, true)

        page = try read(#"{"data": {"results": [{"id": 1}], "count": 7}, "meta": {"page": 2, "page_size": 1, "total_pages": 7}}"#)
        XCTAssertEqual(page.rowsPath, "data.results")
        XCTAssertEqual([page.info.page, page.info.pageSize, page.info.total, page.info.totalPages], [2, 1, 7, 7])
        XCTAssertEqual(page.info.sizeParameter, "page_size")
        XCTAssertTrue(page.info.claimsMore)

        page = try read(#"{"notifications": [{"id": 1}, {"id": 2}], "total": 2, "page": 1, "per_page": 20}"#)
        XCTAssertEqual(page.rowsPath, "notifications")
        XCTAssertEqual(page.info.total, 2)
        XCTAssertFalse(page.info.claimsMore)

        page = try read(#"{"alerts": [{"id": 1}], "meta": {"current_page": 1, "per_page": 1, "total": 3, "last_page": 3}}"#)
        XCTAssertEqual(page.rowsPath, "alerts")
        XCTAssertEqual([page.info.page, page.info.totalPages], [1, 3])
        XCTAssertTrue(page.info.claimsMore)

        page = try read(#"{"messages": [{"id": 1}, {"id": 2}], "paging": {"offset": 2, "limit": 2, "total": 5}}"#)
        XCTAssertEqual(page.rowsPath, "messages")
        XCTAssertEqual([page.info.offset, page.info.pageSize, page.info.total], [2, 2, 5])
        XCTAssertEqual(page.info.sizeParameter, "limit")
        XCTAssertTrue(page.info.claimsMore)

        page = try read(#"{"messages": [{"id": 1}], "total_count": 1, "page": 1, "page_size": 50, "has_more": false}"#)
        XCTAssertEqual(page.info.total, 1)
        XCTAssertFalse(page.info.claimsMore)

        page = try read(#"{"vendors": [{"id": 1}], "total_vendors": 1, "pincode": "560001", "demand_index": 0.4}"#)
        XCTAssertEqual(page.rowsPath, "vendors")

        page = try read(#"{"entries": [], "meta": {"page": 1, "page_size": 20, "total": 0, "total_pages": 0}}"#)
        XCTAssertEqual(page.rows?.count, 0)
        XCTAssertEqual(page.rowsPath, "entries")

        // Rows under a key that starts with `data`, paging facts in a `data` object beside them.
        page = try read(#"{"data_items": [{"id": 1}, {"id": 2}], "data": {"page": 1, "total_pages": 2, "total": 4}}"#)
        XCTAssertEqual(page.rowsPath, "data_items")
        XCTAssertEqual([page.info.page, page.info.totalPages, page.info.total], [1, 2, 4])

        XCTAssertNil(try read(#"{"vendors": [{"id": 1}], "suggested": [{"id": 2}]}"#).rows, "two lists: which one is ambiguous")
        XCTAssertNil(try read(#"{"status": "ok", "count": 3}"#).rows)
        XCTAssertNil(try read(#""text""#).rows)
    }

    func testAPageReadKeepingItsRowsAsBytesKeepsThemOnlyWhereTheyAreAllTheRows() throws {
        func read(_ text: String) throws -> CollectionPage { try CollectionReader.read(try JSON.parseListed(Array(text.utf8))) }
        func copied(_ page: CollectionPage) -> [String] {
            var texts: [String] = []
            page.rowBytes?.forEach { row in
                var out: [UInt8] = []
                JSONWriter.copy(row, into: &out)
                texts.append(String(decoding: out, as: UTF8.self))
            }
            return texts
        }
        for text in [#"[{"id": 1}, {"id": 2, "a": {"b": [1]}}]"#, #"{"count": 2, "results": [{"id": 1}, {"id": 2, "a": {"b": [1]}}]}"#,
                     #"{"data": {"items": [{"id": 1}, {"id": 2, "a": {"b": [1]}}]}, "meta": {"total": 2}}"#,
                     #"{"notifications": [{"id": 1}, {"a": {"b": [1]}, "id": 2}], "total": 2}"#] {
            let page = try read(text)
            XCTAssertEqual(page.rows, [["id": 1], ["id": 2]], text)
            XCTAssertEqual(try copied(page).map { try JSON.parse($0) }, try CollectionReader.read(JSON.parse(text)).rows, text)
        }
        // Rows that are not all objects, a second list of objects, a list named twice: parsed whole, no bytes kept.
        for text in [#"{"results": [{"id": 1, "a": 2}, 3]}"#, #"{"results": [{"id": 1, "a": 2}], "facets": [{"k": 1}]}"#,
                     #"{"results": [{"id": 9}], "results": [{"id": 1, "a": 2}]}"#, #"{"a.b": [{"id": 9}], "a": {"b": [{"id": 1, "a": 2}]}}"#,
                     // Rows four deep, and a key that spells their path: the rows are the nested ones.
                     #"{"data": {"data": {"data": {"results": [{"id": 1, "a": 2}]}}}, "data.data.data.results": [{"id": 1, "b": 3}]}"#,
                     #"{"data": {"data": {"data": {"results": [{"id": 1, "a": 2}]}, "data.results": [{"id": 1, "b": 3}]}}}"#] {
            let page = try read(text)
            XCTAssertNil(page.rowBytes, text)
            XCTAssertEqual(page.rows, try CollectionReader.read(JSON.parse(text)).rows, text)
            XCTAssertEqual(page.document, try JSON.parse(text), text)
        }
        // Told where the rows are (the first page said), a listed parse keeps only that list as bytes: a page
        // with links beside its rows is read once, its links whole.
        let laravel = #"{"data": [{"id": 3, "a": 1}], "meta": {"links": [{"url": null, "label": "1"}], "total": 3}}"#
        XCTAssertNil(try read(laravel).rowBytes, "which list holds the rows is not known yet: parsed whole")
        let told = try JSON.parseListed(Array(laravel.utf8), at: ["data"])
        XCTAssertEqual(told.unbuilt, 1)
        XCTAssertEqual(told.value.value(at: "meta.links"), [["url": nil, "label": "1"]])
        XCTAssertEqual(try CollectionReader.read(told).rowBytes?.spans.count, 1)
        XCTAssertEqual(try CollectionReader.read(told).rowKeys, ["data"])

        // Not UTF-8: its strings are repaired as they are built, so the page is built whole.
        let page = try CollectionReader.read(try JSON.parseListed(Array(#"{"results": [{"id": 1, "n": ""#.utf8) + [0xFF] + Array(#""}]}"#.utf8)))
        XCTAssertNil(page.rowBytes)
        XCTAssertEqual(page.rows, [["id": 1, "n": "\u{FFFD}"]])
    }

    func testPagesWithOtherListsBesideTheirRowsPrintTheRowsExactly() throws {
        // Laravel's paginator sends its page links as a list of objects beside the rows.
        func page(_ number: Int) -> String {
            let rows = (2 * number - 2..<2 * number - 1 + (number < 3 ? 1 : 0)).map { #"{"id": \#($0), "note": "a\u2028₹ \#($0)"}"# }
            return #"{"data": [\#(rows.joined(separator: ","))], "meta": {"current_page": \#(number), "last_page": 3, "per_page": 2, "total": 5, "#
                + #""links": [{"url": null, "label": "&laquo;", "active": false}, {"url": "https://api.test/api/bookings/?page=2", "label": "2"}]}}"#
        }
        let expected = try (1...3).flatMap { try JSON.parse(page($0))["data"]?.arrayValue ?? [] }.map { $0.serialized() + "\n" }.joined()
        for parallel in ["1", "6"] {
            restart()
            transport.register("GET", "/api/bookings/", json: page(1))
            for number in 2...3 {
                // The walks put the page size first or last.
                transport.register("GET", "/api/bookings/?page=\(number)&per_page=2", json: page(number))
                transport.register("GET", "/api/bookings/?per_page=2&page=\(number)", json: page(number))
            }
            let outcome = harness.run(["bookings", "list", "--all", "-o", "ndjson", "--parallel", parallel])
            XCTAssertEqual(outcome.status, 0, outcome.err)
            XCTAssertEqual(outcome.out, expected, "--parallel \(parallel)")
        }
    }

    func testRowsPrintedAsJSONAreCopiedExactlyAsBuiltRowsWouldBePrinted() throws {
        let rows = [#"{"id": 1, "note": "a\u2028b \"q\" \/ é ₹ \u00e9\ud83d\ude00", "price": 40.00, "tags": [ ], "at": {}}"#,
                    "{ \"id\" : 2 ,\n \"vendor\": {\"id\": 7, \"name\": \"Asha\u{2028}\u{85}\", \"rates\": [1e5, -0, {\"x\": null}]}, \"ok\": true}"]
        let built = try rows.map { try JSON.parse($0) }
        for (envelope, fallback) in [(#"{"count": 2, "next": null, "results": [ROWS]}"#, false), ("[ROWS]", false),
                                     (#"{"status": "success", "data": {"items": [ROWS], "total": 2}}"#, false),
                                     (#"{"results": [ROWS], "facets": [{"k": 1}]}"#, true)] {
            let page = envelope.replacing("ROWS", with: rows.joined(separator: ", "))
            XCTAssertEqual(try CollectionReader.read(try JSON.parseListed(Array(page.utf8))).rowBytes == nil, fallback, envelope)
            for (format, expected) in [("ndjson", built.map { $0.serialized() + "\n" }.joined()), ("json", JSON.array(built).serialized(pretty: true) + "\n")] {
                restart()
                transport.register("GET", "/api/bookings/", json: page)
                let outcome = harness.run(["bookings", "list", "--all", "-o", format])
                XCTAssertEqual(outcome.status, 0, outcome.err)
                XCTAssertEqual(outcome.out, expected, "\(format) \(envelope)")
            }
        }
    }

    // MARK: The paging flags

    func testOnePageByDefaultAndTheHintOnATerminal() {
        transport.register("GET", "/api/bookings/", json: drfPage(0..<2, total: 5, page: 1, size: 2))
        harness.stderrTTY = true
        let outcome = harness.run(["bookings", "list", "-o", "ndjson"])
        XCTAssertEqual(outcome.status, 0)
        XCTAssertEqual(ids(outcome), [0, 1])
        XCTAssertEqual(outcome.err, "homeserve: Showing 2 of 5; --all for every row\n")
        transport.verify()
    }

    func testPageAndPageSizeGoToTheEndpointsOwnParameters() {
        transport.register("GET", "/api/bookings/?page=3&page_size=5", json: #"[{"id": 1}]"#)
        transport.register("GET", "/admin-dashboard/notifications/logs/?page=2&per_page=5", json: #"{"logs": [{"id": 1}], "pagination": {"page": 2}}"#)
        transport.register("GET", "/admin-dashboard/notifications/alerts/?per_page=7", json: #"{"alerts": [{"id": 1}]}"#)
        transport.register("GET", "/admin-dashboard/analytics/pincode/?per_page=1", json: #"{"analytics": [{"id": 1}]}"#)
        transport.register("GET", "/api/disputes/?page_size=9", json: #"[{"id": 1}]"#)
        for args in [["bookings", "list", "--page", "3", "--page-size", "5"], ["admin", "notifications", "logs", "--page", "2", "--page-size", "5"],
                     ["admin", "alerts", "--page-size", "7"], ["admin", "analytics", "pincode", "--page-size", "1"], ["disputes", "list", "--page-size", "9"]] {
            let outcome = harness.run(args + ["-o", "ndjson"])
            XCTAssertEqual(outcome.status, 0, "\(args): \(outcome.err)")
            XCTAssertEqual(outcome.out, #"{"id":1}"# + "\n")
        }
        transport.verify()
    }

    func testLimitFollowsPagesAndStopsMidPage() {
        for parallel in ["1", "6"] {
            restart()
            transport.register("GET", "/api/bookings/", json: drfPage(0..<2, total: 9, page: 1, size: 2))
            transport.register("GET", "/api/bookings/?page=2", json: drfPage(2..<4, total: 9, page: 2, size: 2))
            transport.register("GET", "/api/bookings/?page=3", json: drfPage(4..<6, total: 9, page: 3, size: 2))
            let outcome = harness.run(["bookings", "list", "--limit", "5", "--parallel", parallel, "-o", "ndjson"])
            XCTAssertEqual(outcome.status, 0, outcome.err)
            XCTAssertEqual(ids(outcome), [0, 1, 2, 3, 4], "--parallel \(parallel)")
            XCTAssertEqual(transport.log.count, 3, "no page past the limit is asked for")
            transport.verify()
        }
    }

    func testAllWithALimitIsRefusedBeforeAnythingIsSent() {
        for line in [["bookings", "list", "--limit", "3", "--all"], ["api", "GET", "/api/bookings/", "--all", "--limit", "3"]] {
            let outcome = harness.run(line)
            XCTAssertEqual(outcome.status, 2, outcome.err)
            XCTAssertEqual(outcome.out, "")
            XCTAssertEqual(outcome.err, "homeserve: --all and --limit 3 cannot be used together: --all prints every row, --limit the first N\n")
        }
        XCTAssertEqual(transport.log.count, 0)
    }

    func testAllFromAPageFollowsOnFromThere() {
        transport.register("GET", "/api/bookings/?page=2", json: drfPage(2..<4, total: 6, page: 2, size: 2))
        transport.register("GET", "/api/bookings/?page=3", json: drfPage(4..<6, total: 6, page: 3, size: 2))
        let outcome = harness.run(["bookings", "list", "--page", "2", "--all"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(ids(outcome), [2, 3, 4, 5])
        transport.verify()
    }

    func testAllWalksSequentiallyByLinks() {
        transport.register("GET", "/api/bookings/", json: drfPage(0..<2, total: 5, page: 1, size: 2))
        transport.register("GET", "/api/bookings/?page=2", json: drfPage(2..<4, total: 5, page: 2, size: 2))
        transport.register("GET", "/api/bookings/?page=3", json: drfPage(4..<5, total: 5, page: 3, size: 2))
        let outcome = harness.run(["bookings", "list", "--all", "--parallel", "1"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(ids(outcome), [0, 1, 2, 3, 4])
        XCTAssertEqual(transport.log, ["GET /api/bookings/", "GET /api/bookings/?page=2", "GET /api/bookings/?page=3"])
        XCTAssertTrue(outcome.out.hasPrefix("[\n  {"))
        XCTAssertTrue(outcome.out.hasSuffix("}\n]\n"))
        transport.verify()
    }

    func testAllWalksSequentiallyByPageNumbersWithTheServersSizeParameter() {
        transport.register("GET", "/api/services/", json: numbered(0..<2, page: 1, size: 2, total: 5))
        transport.register("GET", "/api/services/?page=2&per_page=2", json: numbered(2..<4, page: 2, size: 2, total: 5))
        // Page 3 is asked for from page 2's query: the same parameters in another order.
        transport.register("GET", "/api/services/?per_page=2&page=3", json: numbered(4..<5, page: 3, size: 2, total: 5))
        let outcome = harness.run(["services", "list", "--all", "--parallel", "1", "-o", "ndjson"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(ids(outcome), [0, 1, 2, 3, 4])
        transport.verify()
    }

    func testAConcurrentWalkPrintsInPageOrderWhateverOrderPagesArrive() {
        transport.answerNewestFirst = true
        transport.register("GET", "/api/services/", json: numbered(0..<2, page: 1, size: 2, total: 11))
        for page in 2...6 {
            transport.register("GET", "/api/services/?per_page=2&page=\(page)", json: numbered((page - 1) * 2..<min(11, page * 2), page: page, size: 2, total: 11))
        }
        let outcome = harness.run(["services", "list", "--all", "--parallel", "3", "-o", "ndjson"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(ids(outcome), Array(0..<11))
        XCTAssertEqual(transport.mostInFlight, 3)
        XCTAssertNotEqual(transport.log, transport.log.sorted(), "the stub answered out of order")
        XCTAssertEqual(transport.connectionLimit, 1, "the walk gives the connections back")
        transport.verify()
    }

    func testAConcurrentWalkByLinksAndByOffsets() {
        transport.register("GET", "/api/bookings/", json: drfPage(0..<2, total: 5, page: 1, size: 2))
        transport.register("GET", "/api/bookings/?page=2", json: drfPage(2..<4, total: 5, page: 2, size: 2))
        transport.register("GET", "/api/bookings/?page=3", json: drfPage(4..<5, total: 5, page: 3, size: 2))
        XCTAssertEqual(ids(harness.run(["bookings", "list", "--all"])), [0, 1, 2, 3, 4])
        transport.verify()

        let dispute = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9"
        let messages = "/api/disputes/\(dispute)/messages/"
        func page(_ offset: Int) -> String {
            #"{"messages": [\#(rows(offset..<min(5, offset + 2)))], "paging": {"offset": \#(offset), "limit": 2, "total": 5}}"#
        }
        transport.register("GET", messages, json: page(0))
        transport.register("GET", messages + "?limit=2&offset=2", json: page(2))
        transport.register("GET", messages + "?limit=2&offset=4", json: page(4))
        XCTAssertEqual(ids(harness.run(["disputes", "messages", dispute, "--all"])), [0, 1, 2, 3, 4])
        transport.verify()
    }

    func testAnOffsetServerWalksSequentiallyAndServesANumberedPageByPosition() {
        let dispute = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9"
        let messages = "/api/disputes/\(dispute)/messages/"
        func page(_ offset: Int) -> String {
            #"{"messages": [\#(rows(offset..<min(7, offset + 2)))], "paging": {"offset": \#(offset), "limit": 2, "total": 7}}"#
        }
        transport.register("GET", messages, json: page(0))
        transport.register("GET", messages + "?offset=2&limit=2", json: page(2))
        transport.register("GET", messages + "?limit=2&offset=4", json: page(4))
        transport.register("GET", messages + "?limit=2&offset=6", json: page(6))
        XCTAssertEqual(ids(harness.run(["disputes", "messages", dispute, "--all", "--parallel", "1"])), Array(0..<7))
        transport.verify()

        // This server ignores `page`: page 3 is asked for again by position.
        transport.register("GET", messages + "?page=3", json: page(0))
        transport.register("GET", messages + "?offset=4&limit=2", json: page(4))
        XCTAssertEqual(ids(harness.run(["disputes", "messages", dispute, "--page", "3"])), [4, 5])
        transport.verify()
    }

    func testVariantEnvelopesAreWalkedToo() {
        func disputes(_ page: Int) -> String {
            #"{"data": {"results": [\#(rows((page - 1) * 2..<min(5, page * 2)))], "count": 5}, "meta": {"page": \#(page), "page_size": 2, "total_pages": 3}}"#
        }
        transport.register("GET", "/api/disputes/", json: disputes(1))
        transport.register("GET", "/api/disputes/?page_size=2&page=2", json: disputes(2))
        transport.register("GET", "/api/disputes/?page_size=2&page=3", json: disputes(3))
        XCTAssertEqual(ids(harness.run(["disputes", "list", "--all"])), [0, 1, 2, 3, 4])
        transport.verify()

        func logs(_ page: Int) -> String {
            #"{"notifications": [\#(rows((page - 1) * 2..<min(5, page * 2)))], "total": 5, "page": \#(page), "per_page": 2}"#
        }
        transport.register("GET", "/admin-dashboard/notifications/logs/?per_page=2", json: logs(1))
        transport.register("GET", "/admin-dashboard/notifications/logs/?per_page=2&page=2", json: logs(2))
        transport.register("GET", "/admin-dashboard/notifications/logs/?per_page=2&page=3", json: logs(3))
        let outcome = harness.run(["admin", "notifications", "logs", "--page-size", "2", "--all", "--parallel", "1", "-o", "ndjson"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(ids(outcome), [0, 1, 2, 3, 4])
        transport.verify()
    }

    // MARK: Paging that goes wrong

    func testANextLinkThatRepeatsIs8() {
        transport.register("GET", "/api/bookings/", json: drfPage(0..<2, total: 6, page: 1, size: 2))
        transport.register("GET", "/api/bookings/?page=2", json: #"{"count": 6, "next": "https://api.test/api/bookings/?page=2", "results": [\#(rows(2..<4))]}"#)
        let outcome = harness.run(["bookings", "list", "--all", "--parallel", "1", "-o", "ndjson"])
        XCTAssertEqual(outcome.status, 8)
        XCTAssertEqual(ids(outcome), [0, 1, 2, 3], "the rows before the loop are printed")
        XCTAssertEqual(outcome.err, "homeserve: GET /api/bookings/: the next-page link repeats a page already fetched (https://api.test/api/bookings/?page=2)\n")
        transport.verify()
    }

    func testANextPageThatGoesBackwardsIs8() {
        transport.register("GET", "/api/services/", json: numbered(0..<2, page: 1, size: 2, total: 6))
        transport.register("GET", "/api/services/?page=2&per_page=2", json: numbered(0..<2, page: 1, size: 2, total: 6))
        let outcome = harness.run(["services", "list", "--all", "--parallel", "1", "-o", "ndjson"])
        XCTAssertEqual(outcome.status, 8)
        XCTAssertEqual(outcome.err, "homeserve: GET https://api.test/api/services/?page=2&per_page=2: the next page goes backwards (page 1 after page 1)\n")
        XCTAssertEqual(ids(outcome), [0, 1])
        transport.verify()
    }

    func testANextLinkThatLeavesTheBaseURLIs8AndIsNotFollowed() {
        for parallel in ["1", "4"] {
            restart()
            transport.register("GET", "/api/bookings/", json: drfPage(0..<2, total: 6, page: 1, size: 2, base: "https://evil.example"))
            let outcome = harness.run(["bookings", "list", "--all", "--parallel", parallel, "-o", "ndjson"])
            XCTAssertEqual(outcome.status, 8, "--parallel \(parallel): \(outcome.err)")
            XCTAssertEqual(ids(outcome), [0, 1])
            XCTAssertContains(outcome.err, "homeserve: GET /api/bookings/: the next-page link https://evil.example/api/bookings/", "cannot be followed: it leaves the base URL https://api.test")
            XCTAssertEqual(transport.log, ["GET /api/bookings/"])
            transport.verify()
        }
    }

    func testRowsPastTheTotalAre8() {
        transport.register("GET", "/api/bookings/", json: drfPage(0..<2, total: 3, page: 1, size: 2))
        transport.register("GET", "/api/bookings/?page=2", json: #"{"count": 3, "next": "https://api.test/api/bookings/?page=3", "results": [\#(rows(2..<4))]}"#)
        transport.register("GET", "/api/bookings/?page=3", json: #"{"count": 3, "next": "https://api.test/api/bookings/?page=4", "results": [\#(rows(4..<6))]}"#)
        let outcome = harness.run(["bookings", "list", "--all", "--parallel", "1", "-o", "ndjson"])
        XCTAssertEqual(outcome.status, 8)
        XCTAssertEqual(outcome.err, "homeserve: GET https://api.test/api/bookings/?page=3: the pages hold more rows (6) than the reported total (3) by more than a page\n")
        XCTAssertEqual(ids(outcome), [0, 1, 2, 3])
        transport.verify()
    }

    func testTheLargestLimitAndPagingNumbersPastAnyListNeverOverflow() {
        // --limit at the integer's edge reads the whole list.
        for parallel in ["1", "6"] {
            restart()
            transport.register("GET", "/api/bookings/", json: drfPage(0..<2, total: 3, page: 1, size: 2))
            transport.register("GET", "/api/bookings/?page=2", json: drfPage(2..<3, total: 3, page: 2, size: 2))
            let outcome = harness.run(["bookings", "list", "--limit", String(Int.max), "--parallel", parallel, "-o", "ndjson"])
            XCTAssertEqual(outcome.status, 0, outcome.err)
            XCTAssertEqual(ids(outcome), [0, 1, 2], "--parallel \(parallel)")
            transport.verify()
        }
        // A total, offset or page size past JSON's exact integers is no list's: exit 8, nothing multiplied.
        let huge = Int.max
        let answers = [
            ("/api/bookings/", #"{"count": \#(huge), "next": "https://api.test/api/bookings/?page=2", "previous": null, "results": [\#(rows(0..<2))]}"#, "count \(huge)"),
            ("/api/bookings/", #"{"data": [\#(rows(0..<2))], "pagination": {"page": 1, "per_page": \#(huge), "total": 5}}"#, "per_page \(huge)"),
            ("/api/disputes/5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9/messages/", #"{"messages": [\#(rows(0..<2))], "paging": {"offset": \#(huge), "limit": 2, "total": \#(huge)}}"#, "offset \(huge)"),
        ]
        for (path, answer, named) in answers {
            for args in [[], ["--all"], ["--limit", "5"], ["--all", "--parallel", "1"]] {
                restart()
                transport.register("GET", path, json: answer)
                let command = path.hasPrefix("/api/disputes/") ? ["disputes", "messages", "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9"] : ["bookings", "list"]
                let outcome = harness.run(command + args + ["-o", "ndjson"])
                XCTAssertEqual(outcome.status, 8, "\(named) \(args)")
                XCTAssertEqual(outcome.out, "")
                XCTAssertContains(outcome.err, "page 1 gives \(named), more than any list holds (at most 9007199254740991)")
                XCTAssertEqual(transport.log.count, 1, "no further page is asked for")
            }
        }
        // The same number on a later page ends the walk there, after the pages before it.
        for parallel in ["1", "6"] {
            restart()
            transport.register("GET", "/api/bookings/", json: drfPage(0..<2, total: 6, page: 1, size: 2))
            transport.register("GET", "/api/bookings/?page=2", json: #"{"count": \#(huge), "next": "https://api.test/api/bookings/?page=3", "results": [\#(rows(2..<4))]}"#)
            transport.register("GET", "/api/bookings/?page=3", json: drfPage(4..<6, total: 6, page: 3, size: 2))
            let outcome = harness.run(["bookings", "list", "--all", "--parallel", parallel, "-o", "ndjson"])
            XCTAssertEqual(outcome.status, 8, outcome.err)
            XCTAssertEqual(ids(outcome), [0, 1])
            XCTAssertContains(outcome.err, "page 2 gives count \(huge)")
        }
    }

    func testAnEmptyObjectForAPageSaysSo() {
        transport.register("GET", "/api/bookings/", json: drfPage(0..<2, total: 4, page: 1, size: 2))
        transport.register("GET", "/api/bookings/?page=2", json: "{}")
        let outcome = harness.run(["bookings", "list", "--all", "--parallel", "1", "-o", "ndjson"])
        XCTAssertEqual(outcome.status, 8)
        XCTAssertEqual(outcome.err, "homeserve: GET https://api.test/api/bookings/?page=2: page 2 has no list of rows (an empty object)\n")
        XCTAssertEqual(ids(outcome), [0, 1])
    }

    func testAnEmptyPageThatClaimsMoreIs8() {
        for parallel in ["1", "6"] {
            restart()
            transport.register("GET", "/api/bookings/", json: drfPage(0..<2, total: 6, page: 1, size: 2))
            transport.register("GET", "/api/bookings/?page=2", json: #"{"count": 6, "next": "https://api.test/api/bookings/?page=3", "results": []}"#)
            let outcome = harness.run(["bookings", "list", "--all", "--parallel", parallel, "-o", "ndjson"])
            XCTAssertEqual(outcome.status, 8)
            XCTAssertEqual(outcome.err, "homeserve: GET https://api.test/api/bookings/?page=2: page 2 is empty but the server says more pages follow\n")
            XCTAssertEqual(ids(outcome), [0, 1])
            transport.verify()
        }
    }

    func testA429InAConcurrentWalkWaitsAndSlowsDown() {
        transport.register("GET", "/api/services/", json: numbered(0..<2, page: 1, size: 2, total: 10))
        transport.register("GET", "/api/services/?per_page=2&page=2", json: numbered(2..<4, page: 2, size: 2, total: 10))
        transport.register("GET", "/api/services/?per_page=2&page=3", status: 429, json: #"{"detail": "slow down"}"#, headers: [("Retry-After", "2")])
        for page in 3...5 {
            transport.register("GET", "/api/services/?per_page=2&page=\(page)", json: numbered((page - 1) * 2..<page * 2, page: page, size: 2, total: 10))
        }
        let outcome = harness.run(["services", "list", "--all", "--parallel", "4", "-o", "ndjson"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(ids(outcome), Array(0..<10))
        XCTAssertEqual(outcome.err, "homeserve: HTTP 429 from GET https://api.test/api/services/?per_page=2&page=3; retrying in 2.0s (1/3)\n")
        XCTAssertEqual(harness.clock.slept, [1, 1], "the wait is slept, not spun")
        XCTAssertEqual(transport.connectionLimits, [4, 2, 1], "half as many at once after a 429, then back to one")
        XCTAssertEqual(transport.log.last, "GET /api/services/?per_page=2&page=3")
        transport.verify()
    }

    func testServiceCategoriesTakeTheParallelSettingOfOtherLists() {
        func services(_ page: Int) -> String {
            #"{"count": 6, "next": \#(page < 3 ? "\"https://api.test/api/services/?page=\(page + 1)\"" : "null"), "results": [{"id": \#(page), "category": "Cleaning"}, {"id": \#(page + 10), "category": {"name": "Repairs"}}]}"#
        }
        for (arguments, environment, width) in [(["--parallel", "2"], [:], 2), ([], ["HOMESERVE_PARALLEL": "3"], 3), ([], [:], 6)] {
            harness = Harness(environment: environment)
            harness.logIn()
            for page in 1...3 { transport.register("GET", page == 1 ? "/api/services/" : "/api/services/?page=\(page)", json: services(page)) }
            let outcome = harness.run(["services", "categories", "-o", "json"] + arguments)
            XCTAssertEqual(outcome.status, 0, outcome.err)
            XCTAssertEqual(outcome.json, [["category": "Cleaning", "services": 3], ["category": "Repairs", "services": 3]])
            XCTAssertEqual(transport.connectionLimits.first, width, "\(arguments) \(environment)")
            transport.verify()
        }
        harness.environment["HOMESERVE_PARALLEL"] = "40"
        XCTAssertEqual(harness.run(["services", "categories"]).err, "homeserve: invalid value '40' for HOMESERVE_PARALLEL: expected an integer from 1 to 32\n")
        XCTAssertEqual(transport.requests.count, 3)
    }

    func testAFailingPageKeepsTheRowsBeforeItAndItsExitCode() {
        transport.register("GET", "/api/bookings/", json: drfPage(0..<2, total: 10, page: 1, size: 2))
        transport.register("GET", "/api/bookings/?page=2", json: drfPage(2..<4, total: 10, page: 2, size: 2))
        transport.register("GET", "/api/bookings/?page=3", status: 403, json: #"{"detail": "You do not have permission to perform this action."}"#)
        let outcome = harness.run(["bookings", "list", "--all", "--parallel", "2", "-o", "ndjson"])
        XCTAssertEqual(outcome.status, 4)
        XCTAssertEqual(ids(outcome), [0, 1, 2, 3])
        XCTAssertEqual(outcome.err, "homeserve: GET /api/bookings/?page=3 failed: HTTP 403: You do not have permission to perform this action.\n", "the failing page is named")
        transport.verify()

        transport.register("GET", "/api/bookings/", json: drfPage(0..<2, total: 10, page: 1, size: 2))
        transport.register("GET", "/api/bookings/?page=2", status: 500, body: Array("oops".utf8))
        let sequential = harness.run(["bookings", "list", "--all", "--parallel", "1", "-o", "ndjson"])
        XCTAssertEqual(sequential.status, 8)
        XCTAssertEqual(ids(sequential), [0, 1])
        XCTAssertEqual(sequential.err, "homeserve: GET /api/bookings/?page=2 failed: HTTP 500: oops\n")
        transport.verify()
    }

    func testARefusedTokenInTheMiddleOfAWalkIsRefreshed() {
        let renewed = harness.token(expiresIn: 3600, life: 3600, tag: "new")
        transport.register("GET", "/api/bookings/", json: drfPage(0..<2, total: 6, page: 1, size: 2))
        transport.register("GET", "/api/bookings/?page=2", status: 401, json: #"{"detail": "expired"}"#)
        transport.register("POST", "/auth/refresh/", json: harness.tokenReply(access: renewed))
        transport.register("GET", "/api/bookings/?page=2", json: drfPage(2..<4, total: 6, page: 2, size: 2))
        transport.register("GET", "/api/bookings/?page=3", json: drfPage(4..<6, total: 6, page: 3, size: 2))
        let outcome = harness.run(["bookings", "list", "--all", "--parallel", "2", "-o", "ndjson"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(ids(outcome), Array(0..<6))
        XCTAssertEqual(transport.requests.last?.bearer, renewed)
        XCTAssertEqual(harness.credentials["profiles"]?["default"]?["access"]?.stringValue, renewed)
        transport.verify()
    }

    func testAClosedStdoutStopsTheWalkWithExit0() {
        for parallel in ["1", "3"] {
            restart()
            harness.stdoutFailure = (after: 30, code: EPIPE)
            transport.register("GET", "/api/bookings/", json: drfPage(0..<2, total: 10, page: 1, size: 2))
            transport.register("GET", "/api/bookings/?page=2", json: drfPage(2..<4, total: 10, page: 2, size: 2))
            let outcome = harness.run(["bookings", "list", "--all", "--parallel", parallel, "-o", "ndjson"])
            XCTAssertEqual(outcome.status, 0, outcome.err)
            XCTAssertEqual(outcome.err, "")
            XCTAssertEqual(outcome.out, String(#"{"id":0,"status":"pending","name":"item 0"}"#.prefix(30)))
            XCTAssertLessThanOrEqual(transport.log.count, parallel == "1" ? 1 : 2, "--parallel \(parallel): \(transport.log)")
        }
    }

    /// A listing's answer without rows is exit 8 with nothing on stdout, naming its keys and the command that
    /// shows it as received: a script would take a document printed in its place for the rows it asked for.
    func testAnswersWithoutRowsAreExit8() {
        transport.register("GET", "/api/bookings/", json: #"{"status": "ok", "summary": {"open": 3}}"#)
        let outcome = harness.run(["bookings", "list", "--all"])
        XCTAssertEqual(outcome.status, 8)
        XCTAssertEqual(outcome.out, "")
        XCTAssertEqual(outcome.err, "homeserve: GET /api/bookings/: the answer has no list of rows (keys: status, summary); 'homeserve api GET /api/bookings/' shows it as received\n")
        transport.verify()

        // The same with several walks and csv, where the first answer without rows ends the listing.
        transport.register("GET", "/api/bookings/?status=pending", json: #"{"status": "ok", "items_total": 5}"#)
        let several = harness.run(["bookings", "list", "--status", "pending,confirmed", "-o", "csv", "--all"])
        XCTAssertEqual(several.status, 8)
        XCTAssertEqual(several.out, "")
        XCTAssertContains(several.err, "the answer has no list of rows (keys: status, items_total)")
        transport.verify()
    }

    /// No rows on the first page where the server counts some is exit 8, with or without --all: an empty list
    /// printed with exit 0 would pass for the answer.
    /// `api --paginate` calls any endpoint: an answer without rows is printed as received, with a warning.
    func testApiPaginatePrintsAnAnswerWithoutRowsAsReceived() {
        transport.register("GET", "/admin-dashboard/dashboard/stats/", json: #"{"users": {"total": 7}, "bookings": 51}"#)
        let outcome = harness.run(["api", "GET", "/admin-dashboard/dashboard/stats/", "--paginate", "-o", "json"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(try JSON.parse(Array(outcome.out.utf8)), ["users": ["total": 7], "bookings": 51])
        XCTAssertEqual(outcome.err, "homeserve: warning: no list of rows in the answer to GET /admin-dashboard/dashboard/stats/ (keys: users, bookings); printing it as received\n")
        transport.register("GET", "/admin-dashboard/dashboard/stats/", json: "{}")
        let empty = harness.run(["api", "GET", "/admin-dashboard/dashboard/stats/", "--paginate"])
        XCTAssertEqual(empty.status, 8, "nothing at all is no answer: \(empty.err)")
        XCTAssertEqual(empty.out, "")
        transport.verify()
    }

    func testAnEmptyFirstPageWithATotalIsExit8() {
        for extra in [[], ["--all"]] {
            transport.register("GET", "/api/bookings/", json: #"{"count": 5, "next": null, "results": []}"#)
            let outcome = harness.run(["bookings", "list", "-o", "json"] + extra)
            XCTAssertEqual(outcome.status, 8, "\(extra): \(outcome.err)")
            XCTAssertContains(outcome.err, "5 rows")
            XCTAssertFalse(outcome.out.hasSuffix("]\n"), "no whole (empty) array: \(outcome.out)")
            transport.verify()
        }
        transport.register("GET", "/api/bookings/", json: #"{"count": 0, "next": null, "results": []}"#)
        XCTAssertEqual(harness.run(["bookings", "list", "-o", "json"]).out, "[]\n", "an empty list the server counts as empty is one")
    }

    func testAPagePastTheLastIsNotFoundHoweverTheServerSaysIt() {
        transport.register("GET", "/api/bookings/?page=99", json: #"{"count": 125, "next": null, "previous": null, "results": []}"#)
        transport.register("GET", "/api/bookings/?page=99", json: #"{"status": "success", "data": [], "pagination": {"page": 99, "has_next": false}}"#)
        transport.register("GET", "/api/bookings/?page=99", status: 404, json: #"{"detail": "Invalid page."}"#)
        for (args, message) in [(["--page", "99"], "page 99 is past the last page (the server reports 125 rows)"),
                                (["--page", "99", "--all"], "page 99 is past the last page"),
                                (["--page", "99"], "page 99 is past the last page (HTTP 404: Invalid page.)")] {
            let outcome = harness.run(["bookings", "list", "-o", "csv"] + args)
            XCTAssertEqual(outcome.status, 5, outcome.err)
            XCTAssertEqual(outcome.out, "")
            XCTAssertEqual(outcome.err, "homeserve: \(message)\n")
        }
        transport.register("GET", "/api/disputes/d1/messages/?page=2", status: 404, json: #"{"detail": "Not found."}"#)
        let missing = harness.run(["disputes", "messages", "d1", "--page", "2"])
        XCTAssertEqual(missing.status, 5)
        XCTAssertEqual(missing.err, "homeserve: GET /api/disputes/d1/messages/?page=2 failed: HTTP 404: Not found.\n", "a list that is not there is not a page past its end")
        transport.verify()

        // `api` asking for one page says the same, for --page and for a page field; a first page may be empty.
        transport.register("GET", "/api/bookings/?page=99", json: #"{"status": "success", "data": [], "pagination": {"page": 99, "total": 125}}"#, times: 3)
        transport.register("GET", "/api/bookings/?page=1", json: #"{"count": 0, "next": null, "results": []}"#)
        for args in [["/api/bookings/", "--page", "99"], ["/api/bookings/", "-f", "page=99"], ["/api/bookings/?page=99"]] {
            let outcome = harness.run(["api", "GET"] + args)
            XCTAssertEqual(outcome.status, 5, outcome.err)
            XCTAssertEqual(outcome.out, "")
            XCTAssertEqual(outcome.err, "homeserve: page 99 is past the last page (the server reports 125 rows)\n")
        }
        transport.register("GET", "/api/bookings/?page=99", status: 404, json: #"{"detail": "Invalid page."}"#)
        let invalid = harness.run(["api", "GET", "/api/bookings/", "--page", "99"])
        XCTAssertEqual(invalid.status, 5, invalid.err)
        XCTAssertEqual(invalid.out, "")
        XCTAssertEqual(invalid.err, "homeserve: page 99 is past the last page (HTTP 404: Invalid page.)\n", "DRF's 404 says it too")
        transport.register("GET", "/api/disputes/d1/messages/?page=2", status: 404, json: #"{"detail": "Not found."}"#)
        XCTAssertEqual(harness.run(["api", "GET", "/api/disputes/d1/messages/", "--page", "2"]).err,
                       "homeserve: GET /api/disputes/d1/messages/?page=2 failed: HTTP 404: Not found.\n")
        let empty = harness.run(["api", "GET", "/api/bookings/", "--page", "1"])
        XCTAssertEqual(empty.status, 0, empty.err)
        XCTAssertEqual(empty.json, try? JSON.parse(#"{"count": 0, "next": null, "results": []}"#))
        transport.verify()
    }

    func testSeveralStatusesAreOneWalkEachMergedWithoutDuplicates() {
        transport.register("GET", "/api/bookings/?status=pending", json: #"{"count": 2, "next": null, "results": [\#(rows(1..<3))]}"#)
        transport.register("GET", "/api/bookings/?status=confirmed", json: #"{"count": 2, "next": null, "results": [{"id": 2, "status": "confirmed"}, {"id": 3, "status": "confirmed"}]}"#)
        let outcome = harness.run(["bookings", "list", "--status", "pending,confirmed", "-o", "ndjson"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(outcome.out, #"""
        {"id":1,"status":"pending"}
        {"id":2,"status":"pending"}
        {"id":3,"status":"confirmed"}

        """#)
        transport.verify()
    }

    func testAFieldThatOnlyLaterPagesFillIsWarnedAboutInRowFormats() {
        let first = #"{"count": 4, "next": "https://api.test/api/bookings/?page=2", "results": [{"id": 1, "vendor": null}, {"id": 2, "vendor": null}]}"#
        let second = #"{"count": 4, "next": null, "results": [{"id": 3, "vendor": 7, "vendor_notes": "late"}, {"id": 4, "vendor": null}]}"#
        for format in ["csv", "tsv", "table", "ndjson"] {
            restart()
            transport.register("GET", "/api/bookings/", json: first)
            transport.register("GET", "/api/bookings/?page=2", json: second)
            let outcome = harness.run(["bookings", "list", "--all", "--parallel", "1", "-o", format])
            XCTAssertEqual(outcome.status, 0, outcome.err)
            if format == "ndjson" {
                XCTAssertEqual(outcome.err, "", "every field is printed")
            } else {
                XCTAssertEqual(outcome.err, "homeserve: warning: later rows have vendor, vendor_notes, which no column shows (the columns are the first page's fields): --fields names the columns to print\n", format)
            }
            transport.verify()
        }
        restart()
        transport.register("GET", "/api/bookings/", json: first)
        transport.register("GET", "/api/bookings/?page=2", json: second)
        let named = harness.run(["bookings", "list", "--all", "--parallel", "1", "-o", "csv", "--fields", "id,vendor"])
        XCTAssertEqual(named.err, "")
        XCTAssertEqual(named.out, "id,vendor\n1,\n2,\n3,7\n4,\n")
    }

    /// A field that later pages add inside an object the first page's columns show by its fields (an edit
    /// history's `after`) is warned about too; one inside an object a column shows whole is printed.
    func testAFieldLaterPagesAddInsideAnObjectIsWarnedAbout() {
        let first = #"{"count": 3, "next": "https://api.test/admin-dashboard/edit-history/?page=2", "results": [{"id": 1, "after": {"a": 1}, "before": null}]}"#
        let second = #"{"count": 3, "next": null, "results": [{"id": 2, "after": {"a": 2, "content": "LOST"}, "before": {"x": 1}}, {"id": 3, "after": {"a": 3, "sender": {"id": 4}, "tags": []}}]}"#
        for format in ["csv", "tsv", "table"] {
            restart()
            transport.register("GET", "/admin-dashboard/edit-history/", json: first)
            transport.register("GET", "/admin-dashboard/edit-history/?page=2", json: second)
            let outcome = harness.run(["admin", "history", "--all", "--parallel", "1", "-o", format])
            XCTAssertEqual(outcome.status, 0, outcome.err)
            XCTAssertEqual(outcome.err, "homeserve: warning: later rows have after.content, before.x, after.sender.id, after.tags, which no column shows (the columns are the first page's fields): --fields names the columns to print\n", format)
            transport.verify()
        }
        XCTAssertTrue(Rows.covers(["id", "after"], "after.content"), "a column showing the object whole")
        XCTAssertTrue(Rows.covers(["after.sender"], "after.sender.id"))
        XCTAssertFalse(Rows.covers(["after.a"], "after"), "a value where the columns show an object's fields")
        XCTAssertFalse(Rows.covers(["after"], "afterward"))
    }

    func testRowsTheServerShouldHaveFilteredAreDropped() {
        transport.register("GET", "/api/bookings/?status=pending&pincode=560001",
                           json: #"[{"id": 1, "status": "pending", "pincode": "560001"}, {"id": 2, "status": "cancelled", "pincode": "560001"}, {"id": 3, "status": "pending", "pincode": "110001"}, {"id": 4, "status": "pending"}]"#)
        let outcome = harness.run(["bookings", "list", "--status", "pending", "--pincode", "560001", "-v", "-o", "ndjson"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(ids(outcome), [1, 4], "a row without the field is kept")
        XCTAssertContains(outcome.err, "homeserve: * the server sent 2 rows that do not match --status, --pincode; not printed\n")
        transport.verify()
        transport.register("GET", "/api/bookings/", json: #"[{"id": 2, "status": "cancelled"}]"#)
        XCTAssertEqual(harness.run(["bookings", "list", "--status", "pending"]).err, "", "said only with -v")
    }

    func testARowThatLeavesTheFieldNullMatchesNoValue() {
        transport.register("GET", "/api/bookings/?vendor=7",
                           json: #"[{"id": 1, "vendor": 7}, {"id": 2, "vendor": null}, {"id": 3, "vendor": {"id": 7, "name": "Asha"}}, {"id": 4}, {"id": 5, "vendor": null, "vendor_id": 7}, {"id": 6, "vendor": null, "vendor_id": null}]"#)
        let outcome = harness.run(["bookings", "list", "--vendor", "7", "-v", "-o", "ndjson"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(ids(outcome), [1, 3, 4, 5], "a booking no vendor has taken is not vendor 7's; one without the field is kept")
        XCTAssertContains(outcome.err, "homeserve: * the server sent 2 rows that do not match --vendor; not printed\n")
        transport.verify()

        transport.register("GET", "/api/services/?category=cleaning", json: #"[{"id": 1, "category": "Cleaning"}, {"id": 2, "category": "Plumbing"}]"#)
        XCTAssertEqual(ids(harness.run(["services", "list", "--category", "cleaning", "-o", "ndjson"])), [1], "values match in any case")
    }

    func testAFieldUnderSeveralNamesMatchesWhenOneOfThemDoes() {
        // The history's table shows the user's id; a row names the user by name and by id.
        transport.register("GET", "/admin-dashboard/edit-history/?user=2",
                           json: #"{"count": 3, "next": null, "previous": null, "results": [{"id": 1, "username": "vendor1", "user": 2}, {"id": 2, "username": "ops", "user": 3}, {"id": 3, "username": "vendor1", "user": 5}]}"#)
        let byID = harness.run(["admin", "history", "--user", "2", "-v", "-o", "ndjson"])
        XCTAssertEqual(byID.status, 0, byID.err)
        XCTAssertEqual(ids(byID), [1])
        XCTAssertContains(byID.err, "homeserve: * the server sent 2 rows that do not match --user; not printed\n")
        transport.verify()
        transport.register("GET", "/admin-dashboard/edit-history/?user=vendor1",
                           json: #"{"count": 3, "next": null, "previous": null, "results": [{"id": 1, "username": "vendor1", "user": 2}, {"id": 2, "username": "ops", "user": 3}, {"id": 3, "username": "vendor1", "user": 5}]}"#)
        XCTAssertEqual(ids(harness.run(["admin", "history", "--user", "vendor1", "-o", "ndjson"])), [1, 3])
        transport.verify()

        // Two dates of a row are two facts: the first it has decides, as the server's filter does.
        transport.register("GET", "/admin-dashboard/notifications/logs/?date_to=2026-11-15",
                           json: #"[{"id": 1, "created_at": "2026-11-01T10:00:00Z", "sent_at": "2026-12-05T10:00:00Z"}, {"id": 2, "created_at": "2026-12-05T10:00:00Z", "sent_at": "2026-11-01T10:00:00Z"}]"#)
        XCTAssertEqual(ids(harness.run(["admin", "notifications", "logs", "--to", "2026-11-15", "-o", "ndjson"])), [1])
        transport.verify()

        // A category as an object is matched by its name as well as its id.
        transport.register("GET", "/api/services/?category=cleaning",
                           json: #"[{"id": 1, "category": {"id": 3, "name": "Cleaning"}}, {"id": 2, "category": {"id": 4, "name": "Plumbing"}}]"#)
        XCTAssertEqual(ids(harness.run(["services", "list", "--category", "cleaning", "-o", "ndjson"])), [1])
        transport.verify()
    }

    // MARK: Lists that change while they are read

    func testAPageThatNoLongerExistsIs8AfterThePagesBeforeIt() {
        let reason = "is not found: the list shrank while it was read or the link to it expired, so rows may be missing; read it again"
        for parallel in ["1", "2"] {
            // Rows deleted while it was read move others back past the pages already read.
            restart()
            transport.register("GET", "/api/bookings/", json: drfPage(0..<2, total: 6, page: 1, size: 2))
            transport.register("GET", "/api/bookings/?page=2", json: drfPage(2..<4, total: 6, page: 2, size: 2))
            transport.register("GET", "/api/bookings/?page=3", status: 404, json: #"{"detail": "Invalid page."}"#)
            let outcome = harness.run(["bookings", "list", "--all", "--parallel", parallel, "-o", "ndjson"])
            XCTAssertEqual(outcome.status, 8, "--parallel \(parallel): " + outcome.err)
            XCTAssertEqual(ids(outcome), [0, 1, 2, 3], "--parallel \(parallel): the pages before it are printed")
            XCTAssertEqual(outcome.err, "homeserve: GET https://api.test/api/bookings/?page=3: page 3 \(reason)\n")
            transport.verify()
        }

        // From a named page, and a cursor that expired: nothing is asked again.
        restart()
        transport.register("GET", "/api/bookings/?page=3", json: drfPage(4..<6, total: 8, page: 3, size: 2))
        transport.register("GET", "/api/bookings/?page=4", status: 404, json: #"{"detail": "Invalid page."}"#)
        let named = harness.run(["bookings", "list", "--page", "3", "--all", "--parallel", "1", "-o", "ndjson"])
        XCTAssertEqual(named.status, 8, named.err)
        XCTAssertEqual(ids(named), [4, 5])
        XCTAssertContains(named.err, "page 4 \(reason)")
        transport.register("GET", "/api/services/", json: #"{"next": "https://api.test/api/services/?cursor=b", "results": [{"id": 1}]}"#)
        transport.register("GET", "/api/services/?cursor=b", status: 404, json: #"{"detail": "Invalid cursor."}"#)
        let expired = harness.run(["services", "list", "--all", "-o", "ndjson"])
        XCTAssertEqual(expired.status, 8, expired.err)
        XCTAssertEqual(expired.out, "{\"id\":1}\n")
        XCTAssertContains(expired.err, "page 2 \(reason)")
        transport.verify()
    }

    func testALaterPageThatSaysNothingOfPagingIs8AfterThePagesBeforeIt() {
        let reason = "says nothing of paging (no count, page, offset or next link) where the first page read did: whether rows follow or are missing cannot be told, so read it again"
        // A walk from a named page of a server paging by position, whose next page comes back a bare list.
        let dispute = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9"
        let messages = "/api/disputes/\(dispute)/messages/"
        func page(_ offset: Int) -> String {
            #"{"messages": [\#(rows(offset..<min(7, offset + 2)))], "paging": {"offset": \#(offset), "limit": 2, "total": 7}}"#
        }
        transport.register("GET", messages + "?page=2", json: page(0))
        transport.register("GET", messages + "?offset=2&limit=2", json: page(2))
        transport.register("GET", messages + "?offset=4&limit=2", json: "[\(rows(4..<5))]")
        let named = harness.run(["disputes", "messages", dispute, "--page", "2", "--all", "--parallel", "1", "-o", "ndjson"])
        XCTAssertEqual(named.status, 8, named.err)
        XCTAssertEqual(ids(named), [2, 3], "the rows before it are printed, the bare page's are not")
        XCTAssertEqual(named.err, "homeserve: GET https://api.test\(messages)?offset=4&limit=2: page 3 \(reason)\n")
        transport.verify()

        for parallel in ["1", "3"] {
            // A limit that a short bare page in the middle would otherwise fill from the page after it.
            restart()
            transport.register("GET", "/api/bookings/", json: drfPage(0..<2, total: 8, page: 1, size: 2))
            transport.register("GET", "/api/bookings/?page=2", json: "[\(rows(2..<3))]")
            if parallel != "1" { transport.register("GET", "/api/bookings/?page=3", json: drfPage(4..<6, total: 8, page: 3, size: 2)) }
            let limited = harness.run(["bookings", "list", "--limit", "5", "--parallel", parallel, "-o", "ndjson"])
            XCTAssertEqual(limited.status, 8, "--parallel \(parallel): " + limited.err)
            XCTAssertEqual(ids(limited), [0, 1], "--parallel \(parallel)")
            XCTAssertContains(limited.err, "page 2 \(reason)")

            // A whole walk whose last page lost its envelope, even with the rows the total counts.
            restart()
            transport.register("GET", "/api/bookings/", json: drfPage(0..<2, total: 4, page: 1, size: 2))
            transport.register("GET", "/api/bookings/?page=2", json: "[\(rows(2..<4))]")
            let whole = harness.run(["bookings", "list", "--all", "--parallel", parallel, "-o", "ndjson"])
            XCTAssertEqual(whole.status, 8, "--parallel \(parallel): " + whole.err)
            XCTAssertEqual(ids(whole), [0, 1], "--parallel \(parallel)")
            transport.verify()
        }

        // A list that is bare from its first page is one page, as before.
        restart()
        transport.register("GET", "/api/bookings/", json: "[\(rows(0..<3))]")
        let bare = harness.run(["bookings", "list", "--all", "-o", "ndjson"])
        XCTAssertEqual(bare.status, 0, bare.err)
        XCTAssertEqual(ids(bare), [0, 1, 2])
        transport.verify()
    }

    func testAServerThatCapsItsPagesIsSaidToDoSo() {
        transport.register("GET", "/api/bookings/?page=2&page_size=5", json: drfPage(2..<4, total: 9, page: 2, size: 2))
        let outcome = harness.run(["bookings", "list", "--page", "2", "--page-size", "5", "-o", "ndjson"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(ids(outcome), [2, 3])
        XCTAssertContains(outcome.err, "the server sent 2 rows on a page where --page-size asked for 5 (it caps its pages, or takes another size parameter): --page counts pages of 2")
        transport.verify()
    }

    func testAListThatGrewWhileItWasReadIsWalkedToItsNewEndThenFailed() {
        transport.register("GET", "/api/bookings/", json: drfPage(0..<2, total: 4, page: 1, size: 2))
        // Counted as two pages at first; by the time page 2 is read there is a third.
        transport.register("GET", "/api/bookings/?page=2", json: drfPage(2..<4, total: 5, page: 2, size: 2))
        transport.register("GET", "/api/bookings/?page=3", json: drfPage(4..<5, total: 5, page: 3, size: 2))
        let outcome = harness.run(["bookings", "list", "--all", "--parallel", "4", "-o", "ndjson"])
        XCTAssertEqual(outcome.status, 8, outcome.err)
        XCTAssertEqual(ids(outcome), [0, 1, 2, 3, 4], "walked to its new end")
        XCTAssertEqual(outcome.err, "homeserve: GET /api/bookings/: the list changed while it was read (4 rows at first, 5 at the end; 5 distinct rows arrived): rows may be missing or gone, so read it again\n",
                       "even counts prove nothing once the list has moved")
        transport.verify()
    }

    func testAWalkThatMissesRowsTheListCountsFailsItAndRepeatsArePrintedOnce() {
        for parallel in ["1", "3"] {
            // Page 2 is short: 1 row where 2 were due, and the list still counts 6.
            restart()
            transport.register("GET", "/api/bookings/", json: drfPage(0..<2, total: 6, page: 1, size: 2))
            transport.register("GET", "/api/bookings/?page=2", json: drfPage(2..<3, total: 6, page: 2, size: 2))
            transport.register("GET", "/api/bookings/?page=3", json: drfPage(4..<6, total: 6, page: 3, size: 2))
            let short = harness.run(["bookings", "list", "--all", "--parallel", parallel, "-o", "ndjson"])
            XCTAssertEqual(short.status, 8, "--parallel \(parallel): " + short.err)
            XCTAssertEqual(ids(short), [0, 1], "the pages before the short one are printed")
            XCTAssertEqual(short.err, "homeserve: GET https://api.test/api/bookings/?page=2: page 2 holds 1 row where the first held 2, and more pages follow: rows are missing, so read it again\n")

            // The last page of a counted list may be short; a list without a total is not held to page sizes.
            restart()
            transport.register("GET", "/api/bookings/", json: drfPage(0..<2, total: 5, page: 1, size: 2))
            transport.register("GET", "/api/bookings/?page=2", json: drfPage(2..<4, total: 5, page: 2, size: 2))
            transport.register("GET", "/api/bookings/?page=3", json: drfPage(4..<5, total: 5, page: 3, size: 2))
            XCTAssertEqual(ids(harness.run(["bookings", "list", "--all", "--parallel", parallel, "-o", "ndjson"])), [0, 1, 2, 3, 4])
            restart()
            transport.register("GET", "/api/bookings/", json: #"{"next": "https://api.test/api/bookings/?cursor=b", "results": [\#(rows(0..<2))]}"#)
            transport.register("GET", "/api/bookings/?cursor=b", json: #"{"next": "https://api.test/api/bookings/?cursor=c", "results": [\#(rows(2..<3))]}"#)
            transport.register("GET", "/api/bookings/?cursor=c", json: #"{"next": null, "results": [\#(rows(3..<5))]}"#)
            XCTAssertEqual(ids(harness.run(["bookings", "list", "--all", "--parallel", parallel, "-o", "ndjson"])), [0, 1, 2, 3, 4])
            transport.verify()

            // Rows were added at the top while it was read: page 3 repeats two rows of page 2.
            restart()
            transport.register("GET", "/api/bookings/", json: drfPage(0..<2, total: 6, page: 1, size: 2))
            transport.register("GET", "/api/bookings/?page=2", json: drfPage(2..<4, total: 6, page: 2, size: 2))
            transport.register("GET", "/api/bookings/?page=3", json: drfPage(2..<4, total: 8, page: 3, size: 2))
            transport.register("GET", "/api/bookings/?page=4", json: drfPage(4..<6, total: 8, page: 4, size: 2))
            let moved = harness.run(["bookings", "list", "--all", "--parallel", parallel, "-o", "ndjson"])
            XCTAssertEqual(moved.status, 8, "--parallel \(parallel): " + moved.err)
            XCTAssertEqual(ids(moved), [0, 1, 2, 3, 4, 5], "a repeated row is printed once")
            XCTAssertContains(moved.err, "the list changed while it was read (6 rows at first, 8 at the end; 6 distinct rows arrived (2 rows a later page repeated were left out)): rows may be missing or gone, so read it again")
            transport.verify()

            // A row was deleted after it was read: the list ends counting one fewer than arrived.
            restart()
            transport.register("GET", "/api/bookings/", json: drfPage(0..<2, total: 6, page: 1, size: 2))
            transport.register("GET", "/api/bookings/?page=2", json: drfPage(2..<4, total: 6, page: 2, size: 2))
            transport.register("GET", "/api/bookings/?page=3", json: drfPage(4..<6, total: 5, page: 3, size: 2))
            let shrank = harness.run(["bookings", "list", "--all", "--parallel", parallel, "-o", "ndjson"])
            XCTAssertEqual(shrank.status, 8, "--parallel \(parallel): " + shrank.err)
            XCTAssertContains(shrank.err, "the list changed while it was read (6 rows at first, 5 at the end; 6 distinct rows arrived): rows may be missing or gone, so read it again")

            // A page named in the path or a later --page is not held to the total: where it starts is the server's to know.
            restart()
            transport.register("GET", "/api/bookings/?page=3", json: drfPage(4..<5, total: 5, page: 3, size: 2))
            XCTAssertEqual(harness.run(["bookings", "list", "--page", "3", "--all", "--parallel", parallel, "-o", "ndjson"]).status, 0,
                           "a short last page asked for by number")
            transport.register("GET", "/api/bookings/?page=2", json: drfPage(2..<4, total: 5, page: 2, size: 2))
            transport.register("GET", "/api/bookings/?page=3", json: drfPage(4..<5, total: 5, page: 3, size: 2))
            XCTAssertEqual(harness.run(["api", "GET", "/api/bookings/?page=2", "--paginate", "--parallel", parallel, "-o", "ndjson"]).status, 0,
                           "a page named in the path")
            transport.verify()
            transport.verify()
        }
    }

    func testALimitCountsTheRowsPrintedNotTheRowsReceived() {
        func mixed(_ page: Int, pages: Int) -> String {
            let items = [#"{"id": \#(page * 10), "status": "pending"}"#, #"{"id": \#(page * 10 + 1), "status": "cancelled"}"#].joined(separator: ", ")
            let next = page < pages ? #""https://api.test/api/bookings/?page=\#(page + 1)&status=pending""# : "null"
            return #"{"count": \#(pages * 2), "next": \#(next), "results": [\#(items)]}"#
        }
        for parallel in ["1", "3"] {
            restart()
            // A server that ignores the filter: half of every page is not pending.
            transport.register("GET", "/api/bookings/?status=pending", json: mixed(1, pages: 4))
            transport.register("GET", "/api/bookings/?page=2&status=pending", json: mixed(2, pages: 4))
            transport.register("GET", "/api/bookings/?page=3&status=pending", json: mixed(3, pages: 4))
            if parallel != "1" { transport.register("GET", "/api/bookings/?page=4&status=pending", json: mixed(4, pages: 4)) }
            let outcome = harness.run(["bookings", "list", "--status", "pending", "--limit", "3", "--parallel", parallel, "-o", "ndjson"])
            XCTAssertEqual(outcome.status, 0, outcome.err)
            XCTAssertEqual(ids(outcome), [10, 20, 30], "--parallel \(parallel)")
            if parallel == "1" { transport.verify() }
        }
    }

    func testALimitIsMadeUpWhenAPageRepeatsRowsAndFailsWhenRowsMayBeMissing() {
        for parallel in ["1", "6"] {
            // A booking made while the list was read pushed row 1 onto page 2: it is printed once, and page 3
            // makes up the fifth row.
            restart()
            transport.register("GET", "/api/bookings/", json: drfPage(0..<2, total: 8, page: 1, size: 2))
            transport.register("GET", "/api/bookings/?page=2", json: drfPage(1..<3, total: 9, page: 2, size: 2))
            transport.register("GET", "/api/bookings/?page=3", json: drfPage(3..<5, total: 9, page: 3, size: 2))
            transport.register("GET", "/api/bookings/?page=4", json: drfPage(5..<7, total: 9, page: 4, size: 2))
            let repeated = harness.run(["bookings", "list", "--limit", "5", "--parallel", parallel, "-o", "ndjson"])
            XCTAssertEqual(repeated.status, 0, "--parallel \(parallel): " + repeated.err)
            XCTAssertEqual(ids(repeated), [0, 1, 2, 3, 4], "--parallel \(parallel)")

            // A page short of rows in the middle: what comes before it is printed, then exit 8.
            restart()
            transport.register("GET", "/api/bookings/", json: drfPage(0..<2, total: 8, page: 1, size: 2))
            transport.register("GET", "/api/bookings/?page=2", json: drfPage(2..<3, total: 8, page: 2, size: 2))
            transport.register("GET", "/api/bookings/?page=3", json: drfPage(4..<6, total: 8, page: 3, size: 2))
            let short = harness.run(["bookings", "list", "--limit", "5", "--parallel", parallel, "-o", "ndjson"])
            XCTAssertEqual(short.status, 8, "--parallel \(parallel): " + short.err)
            XCTAssertEqual(ids(short), [0, 1])
            XCTAssertContains(short.err, "page 2 holds 1 row where the first held 2, and more pages follow: rows are missing, so read it again")

            // Rows deleted while it was read moved others back past the pages read: some may be missing.
            restart()
            transport.register("GET", "/api/bookings/", json: drfPage(0..<2, total: 8, page: 1, size: 2))
            transport.register("GET", "/api/bookings/?page=2", json: drfPage(2..<4, total: 8, page: 2, size: 2))
            transport.register("GET", "/api/bookings/?page=3", json: drfPage(5..<7, total: 7, page: 3, size: 2))
            let shrank = harness.run(["bookings", "list", "--limit", "5", "--parallel", parallel, "-o", "ndjson"])
            XCTAssertEqual(shrank.status, 8, "--parallel \(parallel): " + shrank.err)
            XCTAssertEqual(ids(shrank), [0, 1, 2, 3])
            XCTAssertEqual(shrank.err, "homeserve: GET /api/bookings/: the list shrank while it was read (8 rows at first, 7 later): rows may have moved past the pages already read, so read it again\n")
        }
    }

    func testDateFiltersKeepTimestampsNearTheEdgesOfTheRange() {
        // The server filtered in its own zone: a booking at 01:00 in India on the 1st is the 30th in UTC.
        transport.register("GET", "/api/bookings/?date_from=2026-12-01&date_to=2026-12-02", json: #"""
        [{"id": 1, "scheduled_date": "2026-12-01"}, {"id": 2, "scheduled_date": "2026-11-30"},
         {"id": 3, "scheduled_at": "2026-11-30T19:30:00Z"}, {"id": 4, "scheduled_at": "2026-12-03T10:00:00+05:30"},
         {"id": 5, "scheduled_at": "2026-11-20T10:00:00Z"}, {"id": 6, "scheduled_at": "2026-12-09T10:00:00Z"}]
        """#)
        let outcome = harness.run(["bookings", "list", "--from", "2026-12-01", "--to", "2026-12-02", "-o", "ndjson"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(ids(outcome), [1, 3, 4], "a bare date outside the range is dropped, a timestamp only when a day or more outside")
        transport.verify()
    }

    func testAFailingPageThatAnswersFirstStillLetsThePagesBeforeItPrint() {
        transport.answerNewestFirst = true
        transport.register("GET", "/api/bookings/", json: drfPage(0..<2, total: 12, page: 1, size: 2))
        for page in 2...3 { transport.register("GET", "/api/bookings/?page=\(page)", json: drfPage((page - 1) * 2..<page * 2, total: 12, page: page, size: 2)) }
        transport.register("GET", "/api/bookings/?page=4", status: 500, body: Array("oops".utf8))
        let outcome = harness.run(["bookings", "list", "--all", "--parallel", "3", "-o", "ndjson", "--retries", "0"])
        XCTAssertEqual(outcome.status, 8)
        XCTAssertEqual(ids(outcome), [0, 1, 2, 3, 4, 5], "pages 2 and 3 answered after page 4 failed, and are printed")
        XCTAssertEqual(outcome.err, "homeserve: GET /api/bookings/?page=4 failed: HTTP 500: oops\n")
    }

    func testOnePageOfAFilteredListingIsMadeUpFromTheNextPagesWhenTheServerIgnoredTheFilter() {
        func page(_ n: Int) -> String {
            let next = n < 3 ? #""https://api.test/api/bookings/?page=\#(n + 1)&status=pending""# : "null"
            return #"{"count": 6, "next": \#(next), "results": [{"id": \#(n * 10), "status": "cancelled"}, {"id": \#(n * 10 + 1), "status": "pending"}]}"#
        }
        transport.register("GET", "/api/bookings/?status=pending", json: page(1))
        transport.register("GET", "/api/bookings/?page=2&status=pending", json: page(2))
        harness.stderrTTY = true
        let outcome = harness.run(["bookings", "list", "--status", "pending", "-o", "ndjson", "--parallel", "1"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(ids(outcome), [11, 21], "a page's worth of pending bookings")
        XCTAssertEqual(outcome.err, "homeserve: Showing 2; --all for every row\n", "no total: the server's counts rows that were not asked for")
        transport.verify()
    }

    func testSeveralStatusesShowOneHintWithTheSumOfTheirTotalsAndRefuseAPageNumber() {
        transport.register("GET", "/api/bookings/?status=pending", json: #"{"count": 30, "next": "https://api.test/api/bookings/?page=2&status=pending", "results": [\#(rows(0..<2))]}"#)
        transport.register("GET", "/api/bookings/?status=confirmed", json: #"{"count": 1, "next": null, "results": [{"id": 7, "status": "confirmed"}]}"#)
        harness.stderrTTY = true
        let outcome = harness.run(["bookings", "list", "--status", "pending,confirmed", "-o", "ndjson"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(ids(outcome), [0, 1, 7])
        XCTAssertEqual(outcome.err, "homeserve: Showing 3 of 31; --all for every row\n")
        transport.verify()

        let paged = harness.run(["bookings", "list", "--status", "pending,confirmed", "--page", "2"])
        XCTAssertEqual(paged.status, 2)
        XCTAssertEqual(paged.err, "homeserve: --page 2 cannot be used with several --status values: each value is a listing of its own; use --limit or --all\n")
        XCTAssertEqual(transport.log.count, 2, "nothing more sent")
    }

    func testAPositionServerIsAskedForThePageSizeGiven() {
        let dispute = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9"
        let messages = "/api/disputes/\(dispute)/messages/"
        func page(_ offset: Int, _ limit: Int) -> String {
            #"{"messages": [\#(rows(offset..<min(6, offset + limit)))], "paging": {"offset": \#(offset), "limit": \#(limit), "total": 6}}"#
        }
        // The server knows neither `page_size` nor `page`: it is asked again by offset and limit.
        transport.register("GET", messages + "?page_size=2", json: page(0, 50))
        transport.register("GET", messages + "?page_size=2&offset=0&limit=2", json: page(0, 2))
        XCTAssertEqual(ids(harness.run(["disputes", "messages", dispute, "--page-size", "2"])), [0, 1])
        transport.verify()
        transport.register("GET", messages + "?page=2&page_size=2", json: page(0, 50))
        transport.register("GET", messages + "?page_size=2&offset=2&limit=2", json: page(2, 2))
        XCTAssertEqual(ids(harness.run(["disputes", "messages", dispute, "--page", "2", "--page-size", "2"])), [2, 3])
        transport.verify()
    }

    func testInAConcurrentWalkAPageSayingItFailedIs8AfterThePagesBeforeIt() {
        transport.register("GET", "/api/bookings/", json: drfPage(0..<2, total: 8, page: 1, size: 2))
        transport.register("GET", "/api/bookings/?page=2", json: drfPage(2..<4, total: 8, page: 2, size: 2))
        transport.register("GET", "/api/bookings/?page=3", json: #"{"success": false, "message": "Maintenance", "results": []}"#)
        let outcome = harness.run(["bookings", "list", "--all", "--parallel", "2", "-o", "ndjson"])
        XCTAssertEqual(outcome.status, 8)
        XCTAssertEqual(ids(outcome), [0, 1, 2, 3])
        XCTAssertEqual(outcome.err, "homeserve: GET /api/bookings/?page=3: the answer (HTTP 200) says the request failed: Maintenance\n")
    }

    func testASessionThatCannotBeRenewedMidWalkStillPrintsThePagesBeforeIt() {
        transport.answerNewestFirst = true
        transport.register("GET", "/api/bookings/", json: drfPage(0..<2, total: 8, page: 1, size: 2))
        transport.register("GET", "/api/bookings/?page=2", json: drfPage(2..<4, total: 8, page: 2, size: 2))
        transport.register("GET", "/api/bookings/?page=3", json: drfPage(4..<6, total: 8, page: 3, size: 2))
        transport.register("GET", "/api/bookings/?page=4", status: 401, json: #"{"detail": "expired"}"#)
        transport.register("POST", "/auth/refresh/", status: 401, json: #"{"detail": "Token is invalid or expired"}"#)
        let outcome = harness.run(["bookings", "list", "--all", "--parallel", "3", "-o", "ndjson"])
        XCTAssertEqual(outcome.status, 3)
        XCTAssertEqual(ids(outcome), [0, 1, 2, 3, 4, 5], "pages 2 and 3 answered after page 4 was refused")
        XCTAssertContains(outcome.err, "has ended")
    }

    func testAPageNotFoundBeforeAPageWithRowsIs8() {
        transport.answerNewestFirst = true
        transport.register("GET", "/api/bookings/", json: drfPage(0..<2, total: 8, page: 1, size: 2))
        transport.register("GET", "/api/bookings/?page=2", status: 404, json: #"{"detail": "Not found."}"#)
        transport.register("GET", "/api/bookings/?page=3", json: drfPage(4..<6, total: 8, page: 3, size: 2))
        let outcome = harness.run(["bookings", "list", "--all", "--parallel", "2", "-o", "ndjson"])
        XCTAssertEqual(outcome.status, 8)
        XCTAssertEqual(ids(outcome), [0, 1])
        XCTAssertEqual(outcome.err, "homeserve: GET https://api.test/api/bookings/?page=2: page 2 is not found: the list shrank while it was read or the link to it expired, so rows may be missing; read it again\n")
    }

    func testAFilledPageCutShortStillSaysThereIsMore() {
        // The server ignores the filter: page 1 has one pending row of two, the last page two more.
        transport.register("GET", "/api/bookings/?status=pending",
                           json: #"{"count": 4, "next": "https://api.test/api/bookings/?page=2&status=pending", "results": [{"id": 1, "status": "pending"}, {"id": 2, "status": "cancelled"}]}"#)
        transport.register("GET", "/api/bookings/?page=2&status=pending",
                           json: #"{"count": 4, "next": null, "results": [{"id": 3, "status": "pending"}, {"id": 4, "status": "pending"}]}"#)
        harness.stderrTTY = true
        let outcome = harness.run(["bookings", "list", "--status", "pending", "--parallel", "1", "-o", "ndjson"])
        XCTAssertEqual(ids(outcome), [1, 3])
        XCTAssertEqual(outcome.err, "homeserve: Showing 2; --all for every row\n", "row 4 was left out")
        transport.verify()

        // --page names one of the server's pages: its matching rows, and no other page is asked for.
        transport.register("GET", "/api/bookings/?status=pending&page=1",
                           json: #"{"count": 4, "next": "https://api.test/api/bookings/?page=2&status=pending", "results": [{"id": 1, "status": "pending"}, {"id": 2, "status": "cancelled"}]}"#)
        let before = transport.requests.count
        let paged = harness.run(["bookings", "list", "--status", "pending", "--page", "1", "-o", "ndjson"])
        XCTAssertEqual(paged.status, 0, paged.err)
        XCTAssertEqual(ids(paged), [1])
        XCTAssertEqual(transport.requests.count, before + 1)
        transport.verify()
    }

    // MARK: Other servers' ways of paging

    /// A page of `{"id": N, "name": "rN"}` rows in the given envelope, with the rest of the body after the rows.
    func nameRows(_ range: Range<Int>) -> String {
        range.map { #"{"id": \#($0), "name": "r\#($0)"}"# }.joined(separator: ", ")
    }

    func testEachWayOfSayingMoreFollowsIsFollowed() {
        let cases: [(String, [(String, String, [(String, String)])])] = [
            ("a link relative to the page", [
                ("/api/bookings/", #"{"next": "?cursor=b", "results": [\#(nameRows(0..<2))]}"#, []),
                ("/api/bookings/?cursor=b", #"{"next": "../bookings/?cursor=c", "results": [\#(nameRows(2..<4))]}"#, []),
                ("/api/bookings/?cursor=c", #"{"next": null, "results": [\#(nameRows(4..<5))]}"#, []),
            ]),
            ("Laravel's simple paginator", [
                ("/api/bookings/", #"{"data": [\#(nameRows(0..<2))], "links": {"prev": null, "next": "https://api.test/api/bookings/?page=2"}, "meta": {"current_page": 1, "per_page": 2}}"#, []),
                ("/api/bookings/?page=2", #"{"data": [\#(nameRows(2..<4))], "links": {"prev": "https://api.test/api/bookings/?page=1", "next": "https://api.test/api/bookings/?page=3"}, "meta": {"current_page": 2, "per_page": 2}}"#, []),
                ("/api/bookings/?page=3", #"{"data": [\#(nameRows(4..<5))], "links": {"prev": "https://api.test/api/bookings/?page=2", "next": null}, "meta": {"current_page": 3, "per_page": 2}}"#, []),
            ]),
            ("Link headers on a bare list", [
                ("/api/bookings/", "[\(nameRows(0..<2))]", [("Link", #"<https://api.test/api/bookings/?page=2>; rel="next", <https://api.test/api/bookings/?page=3>; rel="last""#)]),
                ("/api/bookings/?page=2", "[\(nameRows(2..<4))]", [("Link", #"<https://api.test/api/bookings/?page=1>; rel="prev first", </api/bookings/?page=3>; rel="next""#)]),
                ("/api/bookings/?page=3", "[\(nameRows(4..<5))]", [("Link", #"<https://api.test/api/bookings/?page=2>; rel="prev""#)]),
            ]),
            ("OData's next link", [
                ("/api/bookings/", #"{"value": [\#(nameRows(0..<2))], "@odata.nextLink": "https://api.test/api/bookings/?$skiptoken=2"}"#, []),
                ("/api/bookings/?$skiptoken=2", #"{"value": [\#(nameRows(2..<5))]}"#, []),
            ]),
            ("the next page's number", [
                ("/api/bookings/", #"{"results": [\#(nameRows(0..<2))], "next": 2}"#, []),
                ("/api/bookings/?page=2", #"{"results": [\#(nameRows(2..<5))], "next": null}"#, []),
            ]),
            ("has_more as text", [
                ("/api/bookings/", #"{"data": [\#(nameRows(0..<2))], "page": 1, "has_more": "true"}"#, []),
                ("/api/bookings/?page=2", #"{"data": [\#(nameRows(2..<5))], "page": 2, "has_more": "false"}"#, []),
            ]),
            ("a total alone", [
                ("/api/bookings/", #"{"data": {"items": [\#(nameRows(0..<2))], "total": 5}}"#, []),
                ("/api/bookings/?page=2", #"{"data": {"items": [\#(nameRows(2..<4))], "total": 5}}"#, []),
                ("/api/bookings/?page=3", #"{"data": {"items": [\#(nameRows(4..<5))], "total": 5}}"#, []),
            ]),
            ("a number of pages alone", [
                ("/api/bookings/", #"{"results": [\#(nameRows(0..<2))], "total_pages": 3}"#, []),
                ("/api/bookings/?page=2", #"{"results": [\#(nameRows(2..<4))], "total_pages": 3}"#, []),
                ("/api/bookings/?page=3", #"{"results": [\#(nameRows(4..<5))], "total_pages": 3}"#, []),
            ]),
            ("has_more false beside a next link", [
                ("/api/bookings/", #"{"data": [\#(nameRows(0..<2))], "has_more": true, "next": "/api/bookings/?cursor=2"}"#, []),
                ("/api/bookings/?cursor=2", #"{"data": [\#(nameRows(2..<5))], "has_more": false, "next": "/api/bookings/?cursor=5"}"#, []),
            ]),
            ("Sentry's Link header, whose last next link has no results", [
                ("/api/bookings/", "[\(nameRows(0..<2))]", [("Link", #"<https://api.test/api/bookings/?cursor=0:0:1>; rel="previous"; results="false", <https://api.test/api/bookings/?cursor=0:2:0>; rel="next"; results="true""#)]),
                ("/api/bookings/?cursor=0:2:0", "[\(nameRows(2..<5))]", [("Link", #"<https://api.test/api/bookings/?cursor=0:0:1>; rel="previous"; results="true", <https://api.test/api/bookings/?cursor=0:5:0>; rel="next"; results="false""#)]),
            ]),
            ("a cursor left on the last page of a counted list: asked for, as a token says more whatever the count", [
                ("/api/bookings/", #"{"data": [\#(nameRows(0..<2))], "total": 5, "next_cursor": "2", "next": "https://api.test/api/bookings/?cursor=2"}"#, []),
                ("/api/bookings/?cursor=2", #"{"data": [\#(nameRows(2..<5))], "total": 5, "next_cursor": "5"}"#, []),
                ("/api/bookings/?cursor=5", #"{"data": [], "total": 5}"#, []),
            ]),
            ("a cursor list whose count is the page's", [
                ("/api/bookings/", #"{"data": [\#(nameRows(0..<2))], "count": 2, "next_cursor": "c2"}"#, []),
                ("/api/bookings/?cursor=c2", #"{"data": [\#(nameRows(2..<4))], "count": 2, "next_cursor": "c4"}"#, []),
                ("/api/bookings/?cursor=c4", #"{"data": [\#(nameRows(4..<5))], "count": 1, "next_cursor": null}"#, []),
            ]),
            ("JSON:API links, next left out of the last", [
                ("/api/bookings/", #"{"data": [\#(nameRows(0..<2))], "links": {"self": "/api/bookings/", "next": "/api/bookings/?page%5Bnumber%5D=2"}}"#, []),
                ("/api/bookings/?page%5Bnumber%5D=2", #"{"data": [\#(nameRows(2..<5))], "links": {"self": "/api/bookings/?page%5Bnumber%5D=2", "first": "/api/bookings/", "prev": "/api/bookings/"}}"#, []),
            ]),
            ("JSON:API 1.1 link objects", [
                ("/api/bookings/", #"{"data": [\#(nameRows(0..<2))], "links": {"next": {"href": "https://api.test/api/bookings/?after=2"}}}"#, []),
                ("/api/bookings/?after=2", #"{"data": [\#(nameRows(2..<5))], "links": {"next": null}}"#, []),
            ]),
            ("HubSpot's paging.next.link", [
                ("/api/bookings/", #"{"results": [\#(nameRows(0..<2))], "paging": {"next": {"after": "2", "link": "https://api.test/api/bookings/?after=2"}}}"#, []),
                ("/api/bookings/?after=2", #"{"results": [\#(nameRows(2..<5))]}"#, []),
            ]),
            ("a relative next link left out of the last page", [
                ("/api/bookings/", #"{"results": [\#(nameRows(0..<2))], "next": "?page=2"}"#, []),
                ("/api/bookings/?page=2", #"{"results": [\#(nameRows(2..<5))]}"#, []),
            ]),
            ("a Link header that is not about paging", [
                ("/api/bookings/", #"{"data": [\#(nameRows(0..<2))], "total_pages": 3}"#, [("Link", "</static/app.css>; rel=preload; as=style")]),
                ("/api/bookings/?page=2", #"{"data": [\#(nameRows(2..<4))], "total_pages": 3}"#, [("Link", "</static/app.css>; rel=preload; as=style")]),
                ("/api/bookings/?page=3", #"{"data": [\#(nameRows(4..<5))], "total_pages": 3}"#, [("Link", "</static/app.css>; rel=preload; as=style")]),
            ]),
            ("a Link header whose URL has a comma", [
                ("/api/bookings/", "[\(nameRows(0..<2))]", [("Link", #"<https://api.test/api/bookings/?fields=id,name&page=2>; rel="next", <https://api.test/api/bookings/?fields=id,name&page=2>; rel="last""#)]),
                ("/api/bookings/?fields=id,name&page=2", "[\(nameRows(2..<5))]", [("Link", #"<https://api.test/api/bookings/?fields=id,name&page=1>; rel="prev""#)]),
            ]),
            ("Spring's page object", [
                ("/api/bookings/", #"{"content": [\#(nameRows(0..<2))], "page": {"size": 2, "number": 0, "totalElements": 5, "totalPages": 3}}"#, []),
                ("/api/bookings/", #"{"content": [\#(nameRows(2..<4))], "page": {"size": 2, "number": 1, "totalElements": 5, "totalPages": 3}}"#, []),
                ("/api/bookings/", #"{"content": [\#(nameRows(4..<5))], "page": {"size": 2, "number": 2, "totalElements": 5, "totalPages": 3}}"#, []),
            ]),
            ("page numbers beside a cursor: followed by the cursor", [
                ("/api/bookings/", #"{"data": [\#(nameRows(0..<2))], "page": 1, "total_pages": 3, "next_cursor": "c1"}"#, []),
                ("/api/bookings/", #"{"data": [\#(nameRows(2..<4))], "page": 2, "total_pages": 3, "next_cursor": "c2"}"#, []),
                ("/api/bookings/", #"{"data": [\#(nameRows(4..<5))], "page": 3, "total_pages": 3}"#, []),
            ]),
            ("a relative next link that is a file name, with has_more false beside a token", [
                ("/api/bookings/", #"{"results": [\#(nameRows(0..<2))], "next": "page2.json"}"#, []),
                ("/api/bookings/page2.json", #"{"results": [\#(nameRows(2..<5))], "meta": {"next": "tok"}, "has_more": false}"#, []),
            ]),
            ("a Link header whose URL has a semicolon", [
                ("/api/bookings/", "[\(nameRows(0..<2))]", [("Link", #"<https://api.test/api/bookings/;v=1?page=2>; rel="next", <https://api.test/api/bookings/>; rel="first""#)]),
                ("/api/bookings/;v=1?page=2", "[\(nameRows(2..<5))]", [("Link", #"<https://api.test/api/bookings/>; rel="first""#)]),
            ]),
            ("Fractal's pagination, whose count is the page's", [
                // Asked for with its per_page, in an order that differs between the walks: any query is matched.
                ("/api/bookings/", #"{"data": [\#(nameRows(0..<2))], "meta": {"pagination": {"total": 5, "count": 2, "per_page": 2, "current_page": 1, "total_pages": 3}}}"#, []),
                ("/api/bookings/", #"{"data": [\#(nameRows(2..<4))], "meta": {"pagination": {"total": 5, "count": 2, "per_page": 2, "current_page": 2, "total_pages": 3}}}"#, []),
                ("/api/bookings/", #"{"data": [\#(nameRows(4..<5))], "meta": {"pagination": {"total": 5, "count": 1, "per_page": 2, "current_page": 3, "total_pages": 3}}}"#, []),
            ]),
            ("Google's nextPageToken, left out of the last page", [
                ("/api/bookings/", #"{"items": [\#(nameRows(0..<2))], "nextPageToken": "t2"}"#, []),
                ("/api/bookings/?pageToken=t2", #"{"items": [\#(nameRows(2..<4))], "nextPageToken": "t4"}"#, []),
                ("/api/bookings/?pageToken=t4", #"{"items": [\#(nameRows(4..<5))]}"#, []),
            ]),
            ("Slack's response_metadata.next_cursor, empty on the last page", [
                ("/api/bookings/", #"{"ok": true, "members": [\#(nameRows(0..<2))], "response_metadata": {"next_cursor": "dXNlcjo="}}"#, []),
                ("/api/bookings/?cursor=dXNlcjo%3D", #"{"ok": true, "members": [\#(nameRows(2..<5))], "response_metadata": {"next_cursor": ""}}"#, []),
            ]),
            ("Stripe's has_more, the next page after the last row's id", [
                ("/api/bookings/", #"{"object": "list", "url": "/v1/bookings", "has_more": true, "data": [\#(nameRows(0..<2))]}"#, []),
                ("/api/bookings/?starting_after=1", #"{"object": "list", "url": "/v1/bookings", "has_more": true, "data": [\#(nameRows(2..<4))]}"#, []),
                ("/api/bookings/?starting_after=3", #"{"object": "list", "url": "/v1/bookings", "has_more": false, "data": [\#(nameRows(4..<5))]}"#, []),
            ]),
            ("Stripe's search results, whose next_page token is sent as page", [
                ("/api/bookings/", #"{"object": "search_result", "has_more": true, "next_page": "pg2", "data": [\#(nameRows(0..<2))]}"#, []),
                ("/api/bookings/?page=pg2", #"{"object": "search_result", "has_more": false, "next_page": null, "data": [\#(nameRows(2..<5))]}"#, []),
            ]),
            ("HubSpot's paging.next.after without a link", [
                ("/api/bookings/", #"{"results": [\#(nameRows(0..<2))], "paging": {"next": {"after": "2"}}}"#, []),
                ("/api/bookings/?after=2", #"{"results": [\#(nameRows(2..<5))]}"#, []),
            ]),
            ("Spring HATEOAS: HAL's _embedded, _links and a page counted from 0", [
                ("/api/bookings/", #"{"_embedded": {"bookings": [\#(nameRows(0..<2))]}, "_links": {"self": {"href": "https://api.test/api/bookings/?page=0&size=2"}, "next": {"href": "https://api.test/api/bookings/?page=1&size=2"}}, "page": {"size": 2, "totalElements": 5, "totalPages": 3, "number": 0}}"#, []),
                ("/api/bookings/?page=1&size=2", #"{"_embedded": {"bookings": [\#(nameRows(2..<4))]}, "_links": {"next": {"href": "https://api.test/api/bookings/?page=2&size=2"}}, "page": {"size": 2, "totalElements": 5, "totalPages": 3, "number": 1}}"#, []),
                ("/api/bookings/?page=2&size=2", #"{"_embedded": {"bookings": [\#(nameRows(4..<5))]}, "_links": {"prev": {"href": "https://api.test/api/bookings/?page=1&size=2"}}, "page": {"size": 2, "totalElements": 5, "totalPages": 3, "number": 2}}"#, []),
            ]),
        ]
        for (name, pages) in cases {
            for parallel in ["1", "4"] {
                restart()
                for (path, body, headers) in pages { transport.register("GET", path, json: body, headers: headers) }
                let outcome = harness.run(["bookings", "list", "--all", "--parallel", parallel, "-o", "ndjson"])
                XCTAssertEqual(outcome.status, 0, "\(name), --parallel \(parallel): " + outcome.err)
                XCTAssertEqual(ids(outcome), [0, 1, 2, 3, 4], "\(name), --parallel \(parallel)")
                XCTAssertEqual(transport.unmatched, [], "\(name), --parallel \(parallel)")
                transport.verify()
            }
        }
    }

    func testPagesCountedFromZeroAreWalkedFromZero() {
        func spring(_ range: Range<Int>, number: Int) -> String {
            #"{"content": [\#(nameRows(range))], "totalElements": 5, "totalPages": 3, "number": \#(number), "size": 2, "last": \#(number == 2)}"#
        }
        for parallel in ["1", "4"] {
            restart()
            transport.register("GET", "/api/bookings/", json: spring(0..<2, number: 0))
            transport.register("GET", "/api/bookings/?page=1&size=2", json: spring(2..<4, number: 1))
            transport.register("GET", "/api/bookings/?size=2&page=1", json: spring(2..<4, number: 1))
            transport.register("GET", "/api/bookings/?page=2&size=2", json: spring(4..<5, number: 2))
            transport.register("GET", "/api/bookings/?size=2&page=2", json: spring(4..<5, number: 2))
            let outcome = harness.run(["bookings", "list", "--all", "--parallel", parallel, "-o", "ndjson"])
            XCTAssertEqual(outcome.status, 0, "--parallel \(parallel): " + outcome.err)
            XCTAssertEqual(ids(outcome), [0, 1, 2, 3, 4], "--parallel \(parallel)")
            XCTAssertEqual(transport.unmatched, [])
        }
    }

    func testPageNCountsFromOneOnAServerThatCountsFromZero() {
        func spring(_ range: Range<Int>, number: Int) -> String {
            #"{"content": [\#(nameRows(range))], "totalElements": 5, "totalPages": 3, "number": \#(number), "size": 2, "last": \#(number == 2)}"#
        }
        transport.register("GET", "/api/bookings/?page=1", json: spring(2..<4, number: 1))
        transport.register("GET", "/api/bookings/?page=0", json: spring(0..<2, number: 0))
        let first = harness.run(["bookings", "list", "--page", "1", "-o", "ndjson"])
        XCTAssertEqual(first.status, 0, first.err)
        XCTAssertEqual(ids(first), [0, 1], "--page 1 is the first page")
        transport.register("GET", "/api/bookings/?page=2", json: spring(4..<5, number: 2))
        transport.register("GET", "/api/bookings/?page=1", json: spring(2..<4, number: 1))
        transport.register("GET", "/api/bookings/?page=2&size=2", json: spring(4..<5, number: 2))
        let rest = harness.run(["bookings", "list", "--page", "2", "--all", "-o", "ndjson"])
        XCTAssertEqual(rest.status, 0, rest.err)
        XCTAssertEqual(ids(rest), [2, 3, 4], "--page 2 --all: the second page on")
        transport.verify()
    }

    func testAListThatGivesOnlyItsSizeFromAServerThatIgnoresThePageIs8() {
        // Rows without ids, so only the page coming back row for row shows it.
        let logs = #"{"logs": [\#((1...3).map { #"{"ts": "2026-12-01T10:00:0\#($0)Z", "msg": "line \#($0)"}"# }.joined(separator: ", "))], "total": 6}"#
        for parallel in ["1", "3"] {
            restart()
            transport.register("GET", "/admin-dashboard/notifications/logs/", json: logs, times: 2)
            let outcome = harness.run(["admin", "notifications", "logs", "--all", "--parallel", parallel, "-o", "ndjson"])
            XCTAssertEqual(outcome.status, 8, "--parallel \(parallel): " + outcome.err)
            XCTAssertEqual(lines(outcome.out).count, 3, "--parallel \(parallel): the first page once")
            XCTAssertContains(outcome.err, "page 2 is the page before it again, row for row")
        }
    }

    func testAServerThatIgnoresThePageIsCaughtWhicheverWayItsFirstPageWasRead() {
        // A second list of objects on the first page has it read whole, the next page at its rows' place.
        let page = #"{"count": 4, "results": [\#(nameRows(0..<2))], "facets": [{"k": "a"}]}"#
        for (format, parallel) in [("json", "1"), ("ndjson", "1"), ("csv", "1"), ("ndjson", "4")] {
            restart()
            transport.register("GET", "/api/bookings/", json: page, times: 2)
            let outcome = harness.run(["bookings", "list", "--all", "--parallel", parallel, "-o", format])
            XCTAssertEqual(outcome.status, 8, "\(format): " + outcome.err)
            XCTAssertContains(outcome.err, "page 2 is the page before it again, row for row")
        }
    }

    func testRowsThatShareAnIdButDifferAreAllPrinted() {
        // A booking's history: one id, one row per change.
        transport.register("GET", "/api/bookings/", json: #"{"count": 4, "next": "https://api.test/api/bookings/?page=2", "results": [{"id": 7, "status": "pending"}, {"id": 7, "status": "confirmed"}]}"#)
        transport.register("GET", "/api/bookings/?page=2", json: #"{"count": 4, "next": null, "results": [{"id": 7, "status": "in_progress"}, {"id": 7, "status": "completed"}]}"#)
        let outcome = harness.run(["bookings", "list", "--all", "--parallel", "1", "-o", "csv", "--fields", "id,status"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(outcome.out, "id,status\n7,pending\n7,confirmed\n7,in_progress\n7,completed\n")
        XCTAssertEqual(outcome.err, "")
        transport.verify()
        // Rows copied as bytes are told apart by a fingerprint of them: two that differ in a few letters of a
        // word are two rows.
        // (These two, compact, collided under a weaker fingerprint that mixed each word by one multiply.)
        let first = #"{"id":7,"event":"status_changed","ref":"TX-8F3KBQ9ZXM4PLRWA5C1D","by":"admin"}"#
        let second = #"{"id":7,"event":"status_changed","ref":"TX-8F3KOQ9ZBM4PARWA5C1D","by":"admin"}"#
        transport.register("GET", "/api/bookings/", json: #"{"next": "https://api.test/api/bookings/?page=2", "results": [\#(first)]}"#)
        transport.register("GET", "/api/bookings/?page=2", json: #"{"next": null, "results": [\#(second), {"id": 8}]}"#)
        let copied = harness.run(["bookings", "list", "--all", "-o", "ndjson"])
        XCTAssertEqual(copied.status, 0, copied.err)
        XCTAssertEqual(lines(copied.out).count, 3, copied.out)
        XCTAssertEqual(copied.err, "")
        transport.verify()
    }

    func testAPageOtherThanTheOneAskedForIs8() {
        // A server that answers every page with its first.
        let first = numbered(0..<2, page: 1, size: 2, total: 6)
        transport.register("GET", "/api/bookings/?page=2", json: first)
        let named = harness.run(["bookings", "list", "--page", "2", "-o", "ndjson"])
        XCTAssertEqual(named.status, 8, named.err)
        XCTAssertEqual(named.out, "")
        XCTAssertEqual(named.err, "homeserve: GET /api/bookings/?page=2: page 2 was asked for, but the server sent page 1\n")
        for parallel in ["1", "3"] {
            restart()
            transport.register("GET", "/api/bookings/", json: first, times: 3)
            let walked = harness.run(["bookings", "list", "--all", "--parallel", parallel, "-o", "ndjson"])
            XCTAssertEqual(walked.status, 8, "--parallel \(parallel): " + walked.err)
            XCTAssertEqual(ids(walked), [0, 1], "--parallel \(parallel): the first page only")
            XCTAssertContains(walked.err, parallel == "1" ? "the next page goes backwards (page 1 after page 1)" : "page 2 was asked for, but the server sent page 1")
        }

        // Pages numbered past the one asked for: the rows between are missing.
        restart()
        transport.register("GET", "/api/bookings/", json: #"{"results": [\#(nameRows(0..<2))], "page": 1, "has_next": true}"#)
        transport.register("GET", "/api/bookings/?page=2", json: #"{"results": [\#(nameRows(4..<6))], "page": 3, "has_next": false}"#)
        let skipped = harness.run(["bookings", "list", "--all", "-o", "ndjson"])
        XCTAssertEqual(skipped.status, 8, skipped.err)
        XCTAssertEqual(ids(skipped), [0, 1])
        XCTAssertContains(skipped.err, "the next page skips ahead (page 3 after page 1): the rows between are missing")
    }

    func testAServerThatAnswersEveryPageAlikeIs8NotALoop() {
        // has_more and nothing else: `page` is not understood, and page 1 comes back each time.
        let more = #"{"data": [\#(nameRows(0..<2))], "has_more": true}"#
        transport.register("GET", "/api/bookings/", json: more, times: 2)
        let outcome = harness.run(["bookings", "list", "--all", "-o", "ndjson"])
        XCTAssertEqual(outcome.status, 8, outcome.err)
        XCTAssertEqual(ids(outcome), [0, 1])
        XCTAssertEqual(outcome.err, "homeserve: GET /api/bookings/: page 2 is the page before it again, row for row: the server does not page the way it was asked (its next link, token, page number or offset), so the rest of the list cannot be read\n")
        transport.verify()
    }

    func testACursorWithoutALinkIs8AfterTheFirstPage() {
        for (key, body) in [("continuationToken", #"{"items": [\#(nameRows(0..<2))], "continuationToken": "abc"}"#),
                            ("next_token", #"{"data": [\#(nameRows(0..<2))], "meta": {"next_token": "dXNlcjpVMEc5V0ZYTlo="}}"#)] {
            restart()
            transport.register("GET", "/api/bookings/", json: body)
            let outcome = harness.run(["bookings", "list", "--all", "-o", "ndjson"])
            XCTAssertEqual(outcome.status, 8, outcome.err)
            XCTAssertEqual(ids(outcome), [0, 1])
            XCTAssertEqual(outcome.err, "homeserve: GET /api/bookings/: page 1 says more rows follow by a `\(key)` of the server's own, but gives no link to them: the rest of the list cannot be asked for\n")
            transport.verify()
        }
        // An empty cursor is the last page's.
        transport.register("GET", "/api/bookings/", json: #"{"data": [\#(nameRows(0..<2))], "response_metadata": {"next_cursor": ""}}"#)
        XCTAssertEqual(ids(harness.run(["bookings", "list", "--all", "-o", "ndjson"])), [0, 1])
        transport.verify()
    }

    /// A token sent back in the parameter the convention names, to a server that takes another, brings the
    /// same page again: exit 8 after the first, never its rows twice.
    func testATokenTheServerDoesNotTakeIs8AfterTheFirstPage() {
        for (body, next) in [(#"{"items": [\#(nameRows(0..<2))], "nextPageToken": "t2"}"#, "/api/bookings/?pageToken=t2"),
                             (#"{"object": "list", "has_more": true, "data": [\#(nameRows(0..<2))]}"#, "/api/bookings/?starting_after=1")] {
            for parallel in ["1", "4"] {
                restart()
                transport.register("GET", "/api/bookings/", json: body)
                transport.register("GET", next, json: body)
                let outcome = harness.run(["bookings", "list", "--all", "--parallel", parallel, "-o", "ndjson"])
                XCTAssertEqual(outcome.status, 8, outcome.err)
                XCTAssertEqual(ids(outcome), [0, 1])
                XCTAssertContains(outcome.err, "page 2 is the page before it again, row for row: the server does not page the way it was asked (its next link, token, page number or offset)")
                transport.verify()
            }
        }
        // The same token again is a loop, whatever the rows.
        restart()
        transport.register("GET", "/api/bookings/", json: #"{"items": [\#(nameRows(0..<2))], "nextPageToken": "t2"}"#)
        transport.register("GET", "/api/bookings/?pageToken=t2", json: #"{"items": [\#(nameRows(2..<4))], "nextPageToken": "t2"}"#)
        let loop = harness.run(["bookings", "list", "--all", "-o", "ndjson"])
        XCTAssertEqual(loop.status, 8, loop.err)
        XCTAssertEqual(ids(loop), [0, 1, 2, 3])
        XCTAssertContains(loop.err, "the next-page link repeats a page already fetched")
        transport.verify()
    }

    /// A token replaces only its own parameter: the caller's filters stay, whatever their names. A page that
    /// says no page follows (`next: null`) is believed beside a token; a page with only a token places itself.
    func testATokenWalkKeepsTheQueryAndHearsTheServersLastWord() {
        transport.register("GET", "/api/bookings/?after=2024-01-01", json: #"{"items": [\#(nameRows(0..<2))], "nextPageToken": "t2"}"#)
        transport.register("GET", "/api/bookings/?after=2024-01-01&pageToken=t2", json: #"{"items": [\#(nameRows(2..<4))]}"#)
        let filtered = harness.run(["api", "GET", "/api/bookings/", "-f", "after=2024-01-01", "--paginate", "-o", "ndjson"])
        XCTAssertEqual(filtered.status, 0, filtered.err)
        XCTAssertEqual(ids(filtered), [0, 1, 2, 3])
        transport.verify()

        transport.register("GET", "/api/bookings/", json: #"{"data": [\#(nameRows(0..<2))], "next": null, "next_cursor": "zz"}"#)
        let last = harness.run(["bookings", "list", "--all", "-o", "ndjson"])
        XCTAssertEqual(last.status, 0, last.err)
        XCTAssertEqual(ids(last), [0, 1])
        transport.verify()

        // A first page placed by its total, then a page with only a token: the token places it, in place of
        // the page number its link had.
        transport.register("GET", "/api/bookings/", json: #"{"results": [\#(nameRows(0..<2))], "count": 5, "next": "https://api.test/api/bookings/?page=2"}"#)
        transport.register("GET", "/api/bookings/?page=2", json: #"{"results": [\#(nameRows(2..<4))], "next_cursor": "c4"}"#)
        transport.register("GET", "/api/bookings/?cursor=c4", json: #"{"results": [\#(nameRows(4..<5))], "count": 5, "next": null}"#)
        let placed = harness.run(["bookings", "list", "--all", "--parallel", "1", "-o", "ndjson"])
        XCTAssertEqual(placed.status, 0, placed.err)
        XCTAssertEqual(ids(placed), [0, 1, 2, 3, 4])
        transport.verify()
    }

    /// The ids of a page before, in a walk by links or numbers, are a history's rows (a change at a time),
    /// not a loop; a token beside a page number says more whatever a count says, and is followed.
    func testIdsAgainByLinkAreAHistoryAndATokenBesideAPageNumberIsFollowed() {
        for (page, status) in ["pending", "confirmed", "completed"].enumerated() {
            let next = page < 2 ? #""https://api.test/api/bookings/?page=\#(page + 2)""# : "null"
            transport.register("GET", page == 0 ? "/api/bookings/" : "/api/bookings/?page=\(page + 1)",
                               json: #"{"count": 6, "next": \#(next), "results": [{"id": 7, "status": "\#(status)"}, {"id": 8, "status": "\#(status)"}]}"#)
        }
        let history = harness.run(["bookings", "list", "--all", "--parallel", "1", "-o", "csv", "--fields", "id,status", "--no-headers"])
        XCTAssertEqual(history.status, 0, history.err)
        XCTAssertEqual(history.out, "7,pending\n8,pending\n7,confirmed\n8,confirmed\n7,completed\n8,completed\n")
        transport.verify()

        transport.register("GET", "/api/bookings/", json: #"{"items": [\#(nameRows(0..<2))], "page": 1, "count": 2, "nextPageToken": "t2"}"#)
        transport.register("GET", "/api/bookings/?pageToken=t2", json: #"{"items": [\#(nameRows(2..<4))], "page": 2, "count": 2, "nextPageToken": "t4"}"#)
        transport.register("GET", "/api/bookings/?pageToken=t4", json: #"{"items": [\#(nameRows(4..<5))], "page": 3, "count": 1}"#)
        // Its `count` is the page's, which the walk cannot know: rows past it are exit 8, never a list cut short with 0.
        let beside = harness.run(["bookings", "list", "--all", "-o", "ndjson"])
        XCTAssertEqual(ids(beside), [0, 1, 2, 3], beside.err)
        XCTAssertEqual(beside.status, 8, beside.err)
        XCTAssertContains(beside.err, "the pages hold more rows (5) than the reported total (1) by more than a page")
        transport.verify()

        // A `next` object that holds a token of no known convention is a way on that cannot be followed.
        transport.register("GET", "/api/bookings/", json: #"{"results": [\#(nameRows(0..<2))], "paging": {"next": {"cursor": "t10"}}}"#)
        let unknown = harness.run(["bookings", "list", "--all", "-o", "ndjson"])
        XCTAssertEqual(unknown.status, 8, unknown.err)
        XCTAssertContains(unknown.err, "says more rows follow by a `next` of the server's own")
        transport.verify()

        // Twitter's numeric `next_cursor: 0` ends the list.
        transport.register("GET", "/api/bookings/", json: #"{"users": [\#(nameRows(0..<2))], "next_cursor": 0}"#)
        let ended = harness.run(["bookings", "list", "--all", "-o", "ndjson"])
        XCTAssertEqual(ended.status, 0, ended.err)
        XCTAssertEqual(ids(ended), [0, 1])
        transport.verify()
    }

    /// Found by a third review: each case is exit 8 after the rows it can vouch for, never a list cut short
    /// or walked for ever with exit 0.
    func testTokensOfTheServersOwnTotalsBesideTokensAndPagesIgnoredWithoutASize() {
        // A server that ignores `page`, stamping its rows anew, with no size to stop at.
        for stamp in 1...2 {
            let rows = (0..<2).map { #"{"id": \#($0), "read_at": \#(stamp)}"# }.joined(separator: ", ")
            transport.register("GET", stamp == 1 ? "/api/bookings/" : "/api/bookings/?page=2", json: #"{"data": [\#(rows)], "has_more": true}"#)
        }
        let ignored = harness.run(["bookings", "list", "--all", "-o", "ndjson"])
        XCTAssertEqual(ignored.status, 8, ignored.err)
        XCTAssertEqual(ids(ignored), [0, 1])
        XCTAssertContains(ignored.err, "page 2 holds the rows of the page before it again, by id and in order")
        transport.verify()

        // A token beside a total the page falls short of, where the page says none follows.
        transport.register("GET", "/api/bookings/", json: #"{"results": [\#(nameRows(0..<2))], "next": null, "count": 5, "next_cursor": "t2"}"#)
        let short = harness.run(["bookings", "list", "--all", "-o", "ndjson"])
        XCTAssertEqual(short.status, 8, short.err)
        XCTAssertEqual(ids(short), [0, 1])
        transport.verify()

        // A token of the server's own: no page N, and an empty first page beside it is not an empty list.
        transport.register("GET", "/api/bookings/?page=2", json: #"{"data": [\#(nameRows(0..<2))], "continuationToken": "t2"}"#)
        let paged = harness.run(["bookings", "list", "--page", "2", "-o", "ndjson"])
        XCTAssertEqual(paged.status, 8, paged.err)
        XCTAssertContains(paged.err, "the list is paged by `continuationToken` tokens, not page numbers")
        transport.register("GET", "/api/bookings/", json: #"{"data": [], "continuationToken": "t2"}"#)
        XCTAssertEqual(harness.run(["bookings", "list", "-o", "json"]).status, 8)
        transport.verify()
    }

    /// Several walks print once a row an earlier walk printed: by id, Elasticsearch's index and `_id`, or,
    /// for rows with a null id, content; rows within a walk are all its own.
    func testSeveralWalksTellRowsApartByIdIndexOrContent() {
        let nulls = #"[{"id": null, "status": "pending", "n": 1}, {"id": null, "status": "pending", "n": 2}]"#
        transport.register("GET", "/api/bookings/?status=pending", json: nulls)
        transport.register("GET", "/api/bookings/?status=confirmed", json: nulls)
        let merged = harness.run(["bookings", "list", "--status", "pending,confirmed", "-o", "csv", "--fields", "n", "--no-headers"])
        XCTAssertEqual(merged.out, "1\n2\n", merged.err)
        transport.verify()
        let hits = #"{"hits": {"total": {"value": 2}, "hits": [{"_index": "b-2023", "_id": "1", "_source": {"status": "pending"}}, {"_index": "b-2024", "_id": "1", "_source": {"status": "pending"}}]}}"#
        transport.register("GET", "/api/bookings/?status=pending", json: hits)
        transport.register("GET", "/api/bookings/?status=confirmed", json: hits)
        let indexed = harness.run(["bookings", "list", "--status", "pending,confirmed", "-o", "csv", "--fields", "_index,_id", "--no-headers"])
        XCTAssertEqual(indexed.out, "b-2023,1\nb-2024,1\n", indexed.err)
        transport.verify()
    }

    /// An empty first page that says more rows follow is no answer to print with exit 0; --all reads on.
    func testAnEmptyFirstPageThatSaysMoreFollowIs8WithoutAll() {
        for body in [#"{"next": "https://api.test/api/bookings/?page=2", "results": []}"#, #"{"items": [], "nextPageToken": "t0"}"#] {
            transport.register("GET", "/api/bookings/", json: body)
            let outcome = harness.run(["bookings", "list", "-o", "json"])
            XCTAssertEqual(outcome.status, 8, body)
            XCTAssertEqual(outcome.out, "")
            XCTAssertEqual(outcome.err, "homeserve: GET /api/bookings/: the first page is empty, but the server says more rows follow (--all reads them)\n")
            transport.verify()
        }
        transport.register("GET", "/api/bookings/", json: #"{"items": [], "nextPageToken": "t0"}"#)
        transport.register("GET", "/api/bookings/?pageToken=t0", json: #"{"items": [\#(nameRows(0..<2))]}"#)
        XCTAssertEqual(ids(harness.run(["bookings", "list", "--all", "-o", "ndjson"])), [0, 1])
        transport.verify()
    }

    /// Spring HATEOAS leaves `_embedded` out of an empty page; Elasticsearch's rows are `hits.hits`.
    func testHALAndElasticsearchEnvelopes() throws {
        transport.register("GET", "/api/bookings/", json: #"{"_links": {"self": {"href": "https://api.test/api/bookings/?page=0&size=20"}}, "page": {"size": 20, "totalElements": 0, "totalPages": 0, "number": 0}}"#)
        let empty = harness.run(["bookings", "list", "--all", "-o", "json"])
        XCTAssertEqual(empty.status, 0, empty.err)
        XCTAssertEqual(empty.out, "[]\n")
        transport.verify()

        let hits = #"{"took": 3, "timed_out": false, "_shards": {"total": 1, "successful": 1}, "hits": {"total": {"value": 2, "relation": "eq"}, "max_score": 1.0, "hits": [{"_index": "bookings", "_id": "a1", "_source": {"status": "pending"}}, {"_index": "bookings", "_id": "a2", "_source": {"status": "completed"}}]}}"#
        transport.register("GET", "/api/bookings/", json: hits)
        let table = harness.run(["bookings", "list", "--all", "-o", "csv"])
        XCTAssertEqual(table.status, 0, table.err)
        XCTAssertEqual(table.out, "_id,_index,_source.status\na1,bookings,pending\na2,bookings,completed\n", "the id first, as in every table")
        transport.verify()

        // A templated next link expands without its variables: here the first page's own URL, which is exit 8
        // and not asked for again.
        transport.register("GET", "/api/bookings/", json: #"{"_embedded": {"bookings": [\#(nameRows(0..<2))]}, "_links": {"next": {"href": "https://api.test/api/bookings/{?page,size,sort}", "templated": true}}}"#)
        let templated = harness.run(["bookings", "list", "--all", "-o", "ndjson"])
        XCTAssertEqual(templated.status, 8, templated.err)
        XCTAssertEqual(ids(templated), [0, 1])
        XCTAssertEqual(templated.err, "homeserve: GET /api/bookings/: the next-page link repeats a page already fetched (https://api.test/api/bookings/)\n")
        transport.verify()

        // A HAL resource's own `_embedded` list is one of its fields, not a list of rows.
        let resource = CollectionReader.read(try JSON.parse(#"{"id": 7, "_embedded": {"photos": [{"id": 1}]}, "_links": {"self": {"href": "/b/7"}}}"#))
        XCTAssertNil(resource.rows)
        let page = CollectionReader.read(try JSON.parse(hits))
        XCTAssertEqual(page.rowsPath, "hits.hits")
        XCTAssertNil(page.info.unreachable, "all the hits counted are on the page")

        // Hits counted past the page are asked for by from and size, which the page does not give: exit 8
        // after its rows with --all; its first page alone is a page. `gte` is a lower bound.
        for total in [#"{"value": 5, "relation": "eq"}"#, "5", #"{"value": 2, "relation": "gte"}"#] {
            restart()
            let body = hits.replacingOccurrences(of: #"{"value": 2, "relation": "eq"}"#, with: total)
            transport.register("GET", "/api/bookings/", json: body, times: 2)
            let all = harness.run(["bookings", "list", "--all", "-o", "ndjson"])
            XCTAssertEqual(all.status, 8, all.err)
            XCTAssertEqual(lines(all.out).count, 2)
            XCTAssertContains(all.err, "page 1 holds 2 of the \(total.contains("gte") ? "at least 2" : "5") rows its `hits.total` counts (Elasticsearch's others are asked for by from and size, which the page does not give): the rest of the list cannot be asked for")
            let one = harness.run(["bookings", "list", "-o", "ndjson"])
            XCTAssertEqual(one.status, 0, one.err)
            XCTAssertEqual(lines(one.out).count, 2)
            transport.verify()
        }

        // A filter the server ignored is checked in the hit's `_source`; hits two walks hold are printed once.
        restart()
        transport.register("GET", "/api/bookings/?status=pending", json: hits)
        let filtered = harness.run(["bookings", "list", "--status", "pending", "-o", "csv", "--fields", "_id"])
        XCTAssertEqual(filtered.out, "_id\na1\n")
        transport.register("GET", "/api/bookings/?status=pending", json: hits)
        transport.register("GET", "/api/bookings/?status=completed", json: hits)
        let both = harness.run(["bookings", "list", "--status", "pending,completed", "-o", "csv", "--fields", "_id"])
        XCTAssertEqual(both.out, "_id\na1\na2\n", both.err)
        transport.verify()

        // No hits where the total counts some is no answer, with --all or without.
        for total in ["3", #"{"value": 3}"#] {
            transport.register("GET", "/api/bookings/", json: #"{"hits": {"total": \#(total), "hits": []}}"#)
            let none = harness.run(["bookings", "list", "-o", "csv"])
            XCTAssertEqual(none.status, 8, none.err)
            XCTAssertEqual(none.out, "")
            XCTAssertContains(none.err, "page 1 holds 0 of the 3 rows its `hits.total` counts")
        }
        // OData's `@odata.count` is a total too.
        transport.register("GET", "/api/bookings/", json: #"{"value": [], "@odata.count": 5}"#)
        let odata = harness.run(["bookings", "list", "-o", "csv"])
        XCTAssertEqual(odata.status, 8, odata.err)
        XCTAssertContains(odata.err, "the first page is empty, but the server reports 5 rows")
        transport.verify()

        // It has no page N: asked for one, it sends its first.
        transport.register("GET", "/api/bookings/?page=2", json: hits)
        let paged = harness.run(["bookings", "list", "--page", "2", "-o", "csv"])
        XCTAssertEqual(paged.status, 8, paged.err)
        XCTAssertEqual(paged.err, "homeserve: GET /api/bookings/?page=2: page 2 was asked for, but the list is paged by Elasticsearch's from and size, not page numbers: only a walk from its start can read it\n")
        transport.verify()
    }

    /// A first page of rows 0 and 1 and, for its token `n1`, the same rows again in another order, each stamped
    /// anew (`row(index, stamp)`): a server that ignores the token.
    func registerFirstPageSentAgain(_ row: (Int, Int) -> String) {
        for stamp in 1...2 {
            let rows = (stamp == 1 ? [0, 1] : [1, 0]).map { row($0, stamp) }.joined(separator: ", ")
            transport.register("GET", stamp == 1 ? "/api/bookings/" : "/api/bookings/?pageToken=n1", json: #"{"items": [\#(rows)], "nextPageToken": "n\#(stamp)"}"#)
        }
    }

    /// A server that ignores the token and sends its first page again, each row stamped anew, is caught by
    /// the rows' ids; `--page N` has no page to ask for on a list paged by tokens.
    func testATokenListThatRepeatsItsRowsStampedAnewAndPageN() {
        for parallel in ["1", "4"] {
            restart()
            registerFirstPageSentAgain { #"{"id": \#($0), "fetched_at": \#($1)}"# }
            let outcome = harness.run(["bookings", "list", "--all", "--parallel", parallel, "-o", "ndjson"])
            XCTAssertEqual(outcome.status, 8, outcome.err)
            XCTAssertEqual(ids(outcome), [0, 1])
            XCTAssertContains(outcome.err, "page 2 holds the rows of the page before it again, by id")
            transport.verify()
        }
        for extra in [[], ["--all"]] {
            transport.register("GET", "/api/bookings/?page=2", json: #"{"object": "list", "has_more": true, "data": [\#(nameRows(0..<2))]}"#)
            let outcome = harness.run(["bookings", "list", "--page", "2", "-o", "ndjson"] + extra)
            XCTAssertEqual(outcome.status, 8, outcome.err)
            XCTAssertEqual(outcome.out, "")
            XCTAssertEqual(outcome.err, "homeserve: GET /api/bookings/?page=2: page 2 was asked for, but the list is paged by Stripe's `starting_after` ids, not page numbers: only a walk from its start can read it\n")
            transport.verify()
        }
    }

    /// Found by a fourth review: rows told apart by an id of another name, page numbers beside a token, a
    /// string cursor "0", and a Stripe list with no row to start after.
    func testIDsOfOtherNamesTokensBesideNumbersAndTheEndsOfTokenLists() {
        // A server that ignores the token and sends its first page again stamped anew, its rows' id named
        // `booking_id` (the `customer_id` both share tells nothing apart).
        for parallel in ["1", "4"] {
            restart()
            registerFirstPageSentAgain { #"{"customer_id": 9, "booking_id": "b\#($0)", "fetched_at": \#($1)}"# }
            let outcome = harness.run(["bookings", "list", "--all", "--parallel", parallel, "-o", "csv", "--fields", "booking_id", "--no-headers"])
            XCTAssertEqual(outcome.status, 8, outcome.err)
            XCTAssertEqual(outcome.out, "b0\nb1\n")
            XCTAssertContains(outcome.err, "page 2 holds the rows of the page before it again, by id")
            transport.verify()
        }
        // The same rows on a server that honours the token are all read.
        transport.register("GET", "/api/bookings/", json: #"{"items": [{"booking_id": "b0"}, {"booking_id": "b1"}], "nextPageToken": "n1"}"#)
        transport.register("GET", "/api/bookings/?pageToken=n1", json: #"{"items": [{"booking_id": "b2"}]}"#)
        let honoured = harness.run(["bookings", "list", "--all", "-o", "csv", "--no-headers"])
        XCTAssertEqual(honoured.status, 0, honoured.err)
        XCTAssertEqual(honoured.out, "b0\nb1\nb2\n")
        transport.verify()

        // Page numbers and a total beside a token, on a server that honours only the token: the token is
        // what it said to send back, so the default walk follows it (no `?page=2` is asked for).
        transport.register("GET", "/api/bookings/", json: #"{"items": [\#(nameRows(0..<2))], "page": 1, "total_pages": 3, "total": 5, "nextPageToken": "t2"}"#)
        transport.register("GET", "/api/bookings/?pageToken=t2", json: #"{"items": [\#(nameRows(2..<4))], "page": 2, "total_pages": 3, "total": 5, "nextPageToken": "t4"}"#)
        transport.register("GET", "/api/bookings/?pageToken=t4", json: #"{"items": [\#(nameRows(4..<5))], "page": 3, "total_pages": 3, "total": 5}"#)
        let beside = harness.run(["bookings", "list", "--all", "-o", "ndjson"])
        XCTAssertEqual(beside.status, 0, beside.err)
        XCTAssertEqual(ids(beside), [0, 1, 2, 3, 4])
        XCTAssertEqual(transport.unmatched, [])
        transport.verify()

        // Twitter's string cursor "0" ends the list as its number does.
        transport.register("GET", "/api/bookings/", json: #"{"users": [\#(nameRows(0..<2))], "next_cursor": "0"}"#)
        let ended = harness.run(["bookings", "list", "--all", "-o", "ndjson"])
        XCTAssertEqual(ended.status, 0, ended.err)
        XCTAssertEqual(ids(ended), [0, 1])
        XCTAssertEqual(transport.unmatched, [])
        transport.verify()

        // A Stripe list that says it has more but gives no row whose id to start after: nothing else is asked for.
        for extra in [[], ["--all"]] {
            transport.register("GET", "/api/bookings/", json: #"{"object": "list", "has_more": true, "data": []}"#)
            let empty = harness.run(["bookings", "list", "-o", "json"] + extra)
            XCTAssertEqual(empty.status, 8, empty.err)
            XCTAssertEqual(empty.out, "")
            XCTAssertEqual(empty.err, "homeserve: GET /api/bookings/: page 1 says more rows follow (`has_more`) but has no last row's id to start after: the rest of the list cannot be asked for\n")
            XCTAssertEqual(transport.unmatched, [])
            transport.verify()
        }
        transport.register("GET", "/api/bookings/", json: #"{"object": "list", "has_more": true, "data": [{"name": "r0"}]}"#)
        let idless = harness.run(["bookings", "list", "--all", "-o", "csv", "--no-headers"])
        XCTAssertEqual(idless.status, 8, idless.err)
        XCTAssertEqual(idless.out, "r0\n")
        XCTAssertContains(idless.err, "page 1 says more rows follow (`has_more`) but has no last row's id to start after")
        XCTAssertEqual(transport.unmatched, [])
        transport.verify()
    }

    /// Found by a review of those fixes: every output keeps an id of another name (JSON and NDJSON copy rows
    /// without building them), a row's reference to something else is not its id, a null `id` gives way, a
    /// page number asked for gives way to the token, and a server sending earlier rows by turns is caught.
    func testIDsOfOtherNamesInEveryFormatAndTheirLimits() {
        func stamped(_ stamp: Int, _ ids: [Int] = [0, 1, 2], id: String = "uuid", extra: String = "") -> String {
            ids.map { #"{\#(extra.replacingOccurrences(of: "TRACE", with: "t\(stamp)-\($0)"))"\#(id)": "u\#($0)", "fetched_at": \#(stamp)}"# }.joined(separator: ", ")
        }
        // A server that ignores the token and stamps its first page anew: exit 8 after page 2 in every format.
        for (format, extra, id) in [("ndjson", "", "uuid"), ("json", "", "booking_id"), ("csv", "", "_id"), ("ndjson", #""id": null, "#, "uuid"),
                                    ("ndjson", #""trace_id": "TRACE", "#, "bookingId")] {
            for stamp in 1...2 {
                transport.register("GET", stamp == 1 ? "/api/bookings/" : "/api/bookings/?pageToken=n1",
                                   json: #"{"items": [\#(stamped(stamp, id: id, extra: extra))], "nextPageToken": "n\#(stamp)"}"#)
            }
            let outcome = harness.run(["bookings", "list", "--all", "-o", format])
            XCTAssertEqual(outcome.status, 8, "\(format) \(id) \(extra): " + outcome.err)
            XCTAssertContains(outcome.err, "page 2 holds the rows of the page before it again, by id")
            transport.verify()
        }
        for stamp in 1...2 {
            transport.register("GET", stamp == 1 ? "/api/bookings/" : "/api/bookings/?pageToken=n1",
                               json: #"{"items": [\#(stamped(stamp))], "nextPageToken": "n\#(stamp)"}"#)
        }
        let limited = harness.run(["bookings", "list", "--limit", "7", "-o", "ndjson"])
        XCTAssertEqual(limited.status, 8, limited.err)
        XCTAssertEqual(lines(limited.out).count, 3, "the first page alone: \(limited.out)")
        transport.verify()

        // A row's reference to another thing (`customer_id`) repeats from page to page of a sound list.
        for (first, second) in [(#"{"customer_id": 1, "booking_id": "b0"}, {"customer_id": 2, "booking_id": "b1"}"#,
                                 #"{"customer_id": 1, "booking_id": "b2"}, {"customer_id": 2, "booking_id": "b3"}"#),
                                (#"{"customer_id": 1, "day": "2026-01-01"}, {"customer_id": 2, "day": "2026-01-01"}"#,
                                 #"{"customer_id": 1, "day": "2026-01-02"}, {"customer_id": 2, "day": "2026-01-02"}"#)] {
            for format in ["csv", "ndjson"] {
                transport.register("GET", "/api/bookings/", json: #"{"items": [\#(first)], "nextPageToken": "t2"}"#)
                transport.register("GET", "/api/bookings/?pageToken=t2", json: #"{"items": [\#(second)]}"#)
                let sound = harness.run(["bookings", "list", "--all", "-o", format])
                XCTAssertEqual(sound.status, 0, sound.err)
                XCTAssertEqual(lines(sound.out).count, format == "csv" ? 5 : 4, sound.out)
                transport.verify()
            }
        }

        // A server sending its first rows and the same shifted by one, by turns, each time stamped anew, and
        // one going round to its start: a run of rows read before, more than twice the list's, is exit 8.
        for stamp in 1...5 {
            transport.register("GET", stamp == 1 ? "/api/bookings/" : "/api/bookings/?pageToken=n\(stamp - 1)",
                               json: #"{"items": [\#(stamped(stamp, stamp % 2 == 0 ? [1, 2, 3] : [0, 1, 2], id: "id"))], "nextPageToken": "n\#(stamp)"}"#)
        }
        let turns = harness.run(["bookings", "list", "--all", "-o", "ndjson"])
        XCTAssertEqual(turns.status, 8, turns.err)
        XCTAssertContains(turns.err, "page 5 ends a run of 9 rows read before, by id, more than twice the 4 the list has shown: the server goes round")
        transport.verify()
        for page in 1...10 {
            transport.register("GET", page == 1 ? "/api/bookings/" : "/api/bookings/?pageToken=w\(page - 1)",
                               json: #"{"items": [\#(((page - 1) % 3 * 2...(page - 1) % 3 * 2 + 1).map { #"{"id": \#($0), "at": \#(page)}"# }.joined(separator: ", "))], "nextPageToken": "w\#(page)"}"#)
        }
        let round = harness.run(["bookings", "list", "--all", "-o", "ndjson"])
        XCTAssertEqual(round.status, 8, round.err)
        XCTAssertEqual(ids(round), Array([[Int]](repeating: Array(0...5), count: 3).joined()))
        XCTAssertContains(round.err, "page 10 ends a run of 14 rows read before, by id, more than twice the 6 the list has shown")
        transport.verify()

        // A list in order of change whose first rows were edited while it was read: they come again at its
        // end, changed, and are printed again, as a link walk prints them.
        for page in 1...4 {
            let rows = page == 4 ? #"{"id": 1, "v": 2}, {"id": 2, "v": 2}"# : #"{"id": \#(page * 2 - 1), "v": 1}, {"id": \#(page * 2), "v": 1}"#
            transport.register("GET", page == 1 ? "/api/bookings/" : "/api/bookings/?pageToken=m\(page - 1)",
                               json: #"{"items": [\#(rows)]\#(page < 4 ? #", "nextPageToken": "m\#(page)""# : "")}"#)
        }
        let moved = harness.run(["bookings", "list", "--all", "-o", "ndjson"])
        XCTAssertEqual(moved.status, 0, moved.err)
        XCTAssertEqual(ids(moved), [1, 2, 3, 4, 5, 6, 1, 2])
        transport.verify()

        // A page number asked for is not sent beside the token that follows it; a server that takes only the
        // number and sends its first page again is said to ignore the token.
        transport.register("GET", "/api/bookings/?page=1", json: #"{"items": [\#(nameRows(0..<2))], "page": 1, "total_pages": 2, "nextPageToken": "t2"}"#)
        transport.register("GET", "/api/bookings/?pageToken=t2", json: #"{"items": [\#(nameRows(2..<4))], "page": 2, "total_pages": 2}"#)
        let numbered = harness.run(["bookings", "list", "--page", "1", "--all", "-o", "ndjson"])
        XCTAssertEqual(numbered.status, 0, numbered.err)
        XCTAssertEqual(ids(numbered), [0, 1, 2, 3])
        XCTAssertEqual(transport.unmatched, [])
        transport.verify()
        transport.register("GET", "/api/bookings/", json: #"{"items": [\#(nameRows(0..<2))], "page": 1, "total_pages": 2, "nextPageToken": "t2"}"#)
        transport.register("GET", "/api/bookings/?pageToken=t2", json: #"{"items": [\#(nameRows(0..<2))], "page": 1, "total_pages": 2, "nextPageToken": "t2"}"#)
        let ignored = harness.run(["bookings", "list", "--all", "-o", "ndjson"])
        XCTAssertEqual(ignored.status, 8, ignored.err)
        XCTAssertContains(ignored.err, "page 2 was asked for by its token, but the server sent page 1: it does not take the token")
        transport.verify()

        // HubSpot's next object with a null or empty link holds its token all the same.
        for link in ["null", #""""#] {
            transport.register("GET", "/api/bookings/", json: #"{"results": [\#(nameRows(0..<2))], "paging": {"next": {"after": "x", "link": \#(link)}}}"#)
            transport.register("GET", "/api/bookings/?after=x", json: #"{"results": [\#(nameRows(2..<4))]}"#)
            let hubspot = harness.run(["bookings", "list", "--all", "-o", "ndjson"])
            XCTAssertEqual(hubspot.status, 0, hubspot.err)
            XCTAssertEqual(ids(hubspot), [0, 1, 2, 3], link)
            transport.verify()
        }

        // A server paging by position that ignores the offset asked for, for --page 2.
        transport.register("GET", "/api/bookings/?page=2", json: #"{"data": [\#(nameRows(0..<3))], "offset": 0, "limit": 3, "total": 7}"#)
        transport.register("GET", "/api/bookings/?offset=3&limit=3", json: #"{"data": [\#(nameRows(0..<3))], "offset": 0, "limit": 3, "total": 7}"#)
        let positioned = harness.run(["bookings", "list", "--page", "2", "-o", "ndjson"])
        XCTAssertEqual(positioned.status, 8, positioned.err)
        XCTAssertEqual(positioned.out, "")
        XCTAssertEqual(positioned.err, "homeserve: GET /api/bookings/?offset=3&limit=3: page 2 was asked for at offset 3, but the server sent the rows from offset 0\n")
        transport.verify()
    }

    /// Found by a read of those fixes: a row changed on a later token page is a row, not a loop; the list's
    /// own name for an id comes before a generic `key`; every format reads a page alike; a next object with
    /// nothing but a null link ends the list.
    func testTheLimitsOfIDsByOtherNames() {
        transport.register("GET", "/api/bookings/", json: #"{"items": [{"id": "a", "v": 1}, {"id": "b", "v": 1}], "nextPageToken": "t2"}"#)
        transport.register("GET", "/api/bookings/?pageToken=t2", json: #"{"items": [{"id": "a", "v": 2}]}"#)
        let changed = harness.run(["bookings", "list", "--all", "-o", "ndjson"])
        XCTAssertEqual(changed.status, 0, changed.err)
        XCTAssertEqual(lines(changed.out).count, 3)
        transport.verify()

        transport.register("GET", "/api/bookings/", json: #"{"items": [{"booking_id": "b0", "key": "morning"}, {"booking_id": "b1", "key": "evening"}], "nextPageToken": "t2"}"#)
        transport.register("GET", "/api/bookings/?pageToken=t2", json: #"{"items": [{"booking_id": "b2", "key": "morning"}, {"booking_id": "b3", "key": "evening"}]}"#)
        let keyed = harness.run(["bookings", "list", "--all", "-o", "ndjson"])
        XCTAssertEqual(keyed.status, 0, keyed.err)
        XCTAssertEqual(lines(keyed.out).count, 4)
        transport.verify()

        var statuses: [Int32] = []
        for format in ["csv", "ndjson", "json"] {
            for stamp in 1...2 {
                transport.register("GET", stamp == 1 ? "/api/bookings/" : "/api/bookings/?pageToken=n1",
                                   json: #"{"items": [{"id": 1, "uuid": "a", "at": \#(stamp)}, {"id": 1, "uuid": "b", "at": \#(stamp)}]\#(stamp == 1 ? #", "nextPageToken": "n1""# : "")}"#)
            }
            statuses.append(harness.run(["bookings", "list", "--all", "-o", format]).status)
            transport.verify()
        }
        XCTAssertEqual(statuses, [0, 0, 0], "rows that share an id within a page are a history's, in every format")

        transport.register("GET", "/api/bookings/", json: #"{"results": [{"id": 1}], "paging": {"next": {"link": null}}}"#)
        let last = harness.run(["bookings", "list", "--all", "-o", "ndjson"])
        XCTAssertEqual(last.status, 0, last.err)
        XCTAssertEqual(ids(last), [1])
        transport.verify()
    }

    /// Found by a second review of those fixes: a list's name for its rows' id in English plurals and
    /// camelCase, and `--page N` on lists that link on by tokens or by a page parameter of their own.
    func testListNamesAndPagesThatLinkOnOtherwise() {
        XCTAssertEqual(PageWalker.singulars(of: "addresses"), [["address"], ["addresse"]])
        XCTAssertEqual(PageWalker.singulars(of: "lineItems"), [["line", "item"]])
        XCTAssertEqual(PageWalker.singulars(of: "line-items"), [["line", "item"]])
        XCTAssertEqual(PageWalker.singulars(of: "categories"), [["category"], ["categori"], ["categorie"]])
        for stamp in 1...2 {
            let rows = [0, 1].map { #"{"address_id": "k\#($0)", "fetched_at": \#(stamp)}"# }.joined(separator: ", ")
            transport.register("GET", stamp == 1 ? "/v1/addresses" : "/v1/addresses?pageToken=t1", json: #"{"items": [\#(rows)], "nextPageToken": "t\#(stamp)"}"#)
        }
        let addresses = harness.run(["api", "GET", "/v1/addresses", "--paginate"])
        XCTAssertEqual(addresses.status, 8, addresses.err)
        XCTAssertContains(addresses.err, "page 2 holds the rows of the page before it again, by id")
        transport.verify()
        // The name's other spellings: `…ID`, and a path with an extension.
        for (path, key) in [("/v1/addresses.json", "addressID"), ("/api/support-tickets/", "support_ticket_id"), ("/api/line-items", "lineItemID")] {
            for format in ["ndjson", "csv"] {
                for stamp in 1...2 {
                    let rows = [0, 1].map { #"{"\#(key)": "k\#($0)", "fetched_at": \#(stamp)}"# }.joined(separator: ", ")
                    transport.register("GET", stamp == 1 ? path : path + "?pageToken=t1", json: #"{"items": [\#(rows)], "nextPageToken": "t\#(stamp)"}"#)
                }
                let walked = harness.run(["api", "GET", path, "--paginate", "-o", format])
                XCTAssertEqual(walked.status, 8, "\(path) \(format): " + walked.err)
                XCTAssertContains(walked.err, "page 2 holds the rows of the page before it again, by id")
            }
            transport.verify()
        }

        transport.register("GET", "/api/bookings/?page=2", json: #"{"results": [\#(nameRows(0..<3))], "paging": {"next": {"after": "3", "link": "https://api.test/api/bookings/?after=3"}}}"#)
        let hubspot = harness.run(["bookings", "list", "--page", "2", "-o", "ndjson"])
        XCTAssertEqual(hubspot.status, 8, hubspot.err)
        XCTAssertContains(hubspot.err, "the list is paged by cursor links, not page numbers")
        transport.register("GET", "/api/bookings/?page=2", json: #"{"data": [\#(nameRows(0..<3))], "links": {"self": "https://api.test/api/bookings/?page%5Bnumber%5D=1", "next": "https://api.test/api/bookings/?page%5Bnumber%5D=2"}, "meta": {"total": 7}}"#)
        let jsonAPI = harness.run(["bookings", "list", "--page", "2", "-o", "ndjson"])
        XCTAssertEqual(jsonAPI.status, 8, jsonAPI.err)
        XCTAssertEqual(jsonAPI.out, "")
        XCTAssertContains(jsonAPI.err, "page 2 was asked for, but the page sent links on to page 2")
        transport.verify()
    }

    /// A history's rows (django-simple-history) carry the recorded object's `id`, which pages share in the
    /// same order when the same objects change by turns; `history_id` tells them apart, in every format. The
    /// same `history_id`s again, stamped anew, are still a server that ignores the page asked for.
    func testAHistorysRowsAreToldApartByHistoryID() {
        func history(_ page: Int, stamp: Int = 1) -> String {
            // Its members in either order: `history_id` (and a reference) before `id` on even pages.
            (0..<2).map { page % 2 == 0 ? #"{"customer_id": 5, "history_id": \#(10 * page + $0), "id": \#($0), "history_type": "~", "read_at": \#(stamp)}"#
                                        : #"{"id": \#($0), "history_id": \#(10 * page + $0), "history_type": "~", "read_at": \#(stamp)}"# }.joined(separator: ", ")
        }
        for format in ["ndjson", "json", "csv"] {
            for page in 1...3 {
                transport.register("GET", page == 1 ? "/api/bookings/history/" : "/api/bookings/history/?page=\(page)",
                                   json: #"{"data": [\#(history(page))], "has_more": \#(page < 3)}"#)
            }
            let walked = harness.run(["api", "GET", "/api/bookings/history/", "--paginate", "-o", format])
            XCTAssertEqual(walked.status, 0, walked.err)
            XCTAssertEqual(format == "csv" ? lines(walked.out).count - 1 : format == "json" ? walked.json.arrayValue?.count : lines(walked.out).count, 6, walked.out)
            transport.verify()
        }
        for stamp in 1...2 {
            transport.register("GET", stamp == 1 ? "/api/bookings/history/" : "/api/bookings/history/?page=2",
                               json: #"{"data": [\#(history(1, stamp: stamp))], "has_more": true}"#)
        }
        let ignored = harness.run(["api", "GET", "/api/bookings/history/", "--paginate", "-o", "ndjson"])
        XCTAssertEqual(ignored.status, 8, ignored.err)
        XCTAssertContains(ignored.err, "page 2 holds the rows of the page before it again, by id and in order")
        transport.verify()
    }

    /// `--page N` on a server that ignores `page` and says nothing of the page it sent: a JSON:API list
    /// paged by `page[offset]`, and a list whose one page holds its whole total, are exit 8, not page 1.
    func testAPageAskedForThatIsTheFirstByItsOffsetOrTotalIsExit8() {
        transport.register("GET", "/api/bookings/?page=3", json: #"{"data": [\#(nameRows(0..<3))], "links": {"next": "https://api.test/api/bookings/?page%5Boffset%5D=3&page%5Blimit%5D=3"}, "meta": {"total": 9}}"#)
        let offset = harness.run(["bookings", "list", "--page", "3", "-o", "ndjson"])
        XCTAssertEqual(offset.status, 8, offset.err)
        XCTAssertEqual(offset.out, "")
        XCTAssertContains(offset.err, "page 3 was asked for, but the page sent links on to the rows from position 3")
        transport.verify()

        transport.register("GET", "/api/bookings/?page=2", json: #"{"results": [\#(nameRows(0..<3))], "count": 3, "next": null}"#)
        let whole = harness.run(["bookings", "list", "--page", "2", "-o", "ndjson"])
        XCTAssertEqual(whole.status, 8, whole.err)
        XCTAssertEqual(whole.out, "")
        XCTAssertContains(whole.err, "page 2 was asked for, but the page sent holds all 3 rows of the list")
        transport.verify()

        // Page 3 of the same list, honoured: it links on past its own start, and the total is larger.
        transport.register("GET", "/api/bookings/?page=3", json: #"{"data": [\#(nameRows(6..<9))], "links": {"next": "https://api.test/api/bookings/?page%5Boffset%5D=9&page%5Blimit%5D=3"}, "meta": {"total": 12}}"#)
        let honoured = harness.run(["bookings", "list", "--page", "3", "-o", "ndjson"])
        XCTAssertEqual(honoured.status, 0, honoured.err)
        XCTAssertEqual(lines(honoured.out).count, 3)
        transport.verify()
    }

    /// Found by a third review: rows edited while a list in order of change is read, on pages of one row, are
    /// printed; a server going round is caught where only some rows have ids; a next object whose token is
    /// null ends the list; JSON:API's `page[after]` is a token.
    func testEditedRowsOnSmallPagesMixedIDsAndNullTokens() {
        for page in 1...9 {
            let row = page <= 6 ? #"{"id": \#(page), "v": 1}"# : #"{"id": \#(page - 6), "v": 2}"#
            transport.register("GET", page == 1 ? "/api/bookings/" : "/api/bookings/?pageToken=e\(page - 1)",
                               json: #"{"items": [\#(row)]\#(page < 9 ? #", "nextPageToken": "e\#(page)""# : "")}"#)
        }
        let edited = harness.run(["bookings", "list", "--all", "-o", "ndjson"])
        XCTAssertEqual(edited.status, 0, edited.err)
        XCTAssertEqual(ids(edited), [1, 2, 3, 4, 5, 6, 1, 2, 3])
        transport.verify()

        for page in 1...7 {
            let rows = #"{"id": \#(page % 2 * 2 + 1), "at": \#(page)}, {"id": \#(page % 2 * 2 + 2), "at": \#(page)}, {"booking_uuid": "u\#(page % 2)", "at": \#(page)}"#
            transport.register("GET", page == 1 ? "/api/bookings/" : "/api/bookings/?pageToken=x\(page - 1)", json: #"{"items": [\#(rows)], "nextPageToken": "x\#(page)"}"#)
        }
        let mixed = harness.run(["bookings", "list", "--all", "-o", "ndjson"])
        XCTAssertEqual(mixed.status, 8, mixed.err)
        XCTAssertContains(mixed.err, "page 7 ends a run of 10 rows read before, by id, more than twice the 4 the list has shown")
        transport.verify()

        for next in [#"{"after": null, "link": null}"#, #"{"after": "", "link": null}"#] {
            transport.register("GET", "/api/bookings/", json: #"{"results": [\#(nameRows(0..<2))], "paging": {"next": \#(next)}}"#)
            let ended = harness.run(["bookings", "list", "--all", "-o", "ndjson"])
            XCTAssertEqual(ended.status, 0, ended.err)
            XCTAssertEqual(ids(ended), [0, 1])
            transport.verify()
        }

        transport.register("GET", "/api/bookings/?page=2", json: #"{"data": [\#(nameRows(0..<3))], "links": {"next": "https://api.test/api/bookings/?page%5Bafter%5D=Mw&page%5Bsize%5D=3"}}"#)
        let after = harness.run(["bookings", "list", "--page", "2", "-o", "ndjson"])
        XCTAssertEqual(after.status, 8, after.err)
        XCTAssertContains(after.err, "the list is paged by cursor links, not page numbers")
        transport.verify()
    }

    func testRowsFoundElsewhereOnALaterPageAre8() {
        transport.register("GET", "/api/bookings/", json: #"{"count": 4, "next": "https://api.test/api/bookings/?page=2", "results": [\#(nameRows(0..<2))]}"#)
        transport.register("GET", "/api/bookings/?page=2", json: #"{"count": 4, "next": null, "items": [{"code": "x", "detail": "backend timeout"}, {"code": "y", "detail": "z"}]}"#)
        let outcome = harness.run(["bookings", "list", "--all", "--parallel", "1", "-o", "csv"])
        XCTAssertEqual(outcome.status, 8, outcome.err)
        XCTAssertEqual(outcome.out, "id,name\n0,r0\n1,r1\n")
        XCTAssertEqual(outcome.err, "homeserve: GET https://api.test/api/bookings/?page=2: page 2 has its rows in `items`, where the first page had them in `results`\n")
        transport.verify()

        // `errors` listed on a later page: the server's words for why.
        transport.register("GET", "/api/bookings/", json: #"{"count": 4, "next": "https://api.test/api/bookings/?page=2", "results": [\#(nameRows(0..<2))]}"#)
        transport.register("GET", "/api/bookings/?page=2", json: #"{"count": 4, "next": null, "errors": [{"code": "x", "detail": "backend timeout"}, {"code": "y", "detail": "z"}]}"#)
        let failed = harness.run(["bookings", "list", "--all", "--parallel", "1", "-o", "csv"])
        XCTAssertEqual(failed.status, 8, failed.err)
        XCTAssertEqual(failed.out, "id,name\n0,r0\n1,r1\n")
        XCTAssertEqual(failed.err, "homeserve: GET /api/bookings/?page=2: the answer (HTTP 200) says the request failed: errors: code: x; detail: backend timeout; code: y; detail: z\n")
        transport.verify()
    }

    func testColumnsComeFromTheFirstRowsNotAnEmptyFirstPage() {
        transport.register("GET", "/api/bookings/", json: #"{"next": "https://api.test/api/bookings/?cursor=b", "results": []}"#)
        transport.register("GET", "/api/bookings/?cursor=b", json: #"{"next": null, "results": [\#(nameRows(0..<2))]}"#)
        let outcome = harness.run(["bookings", "list", "--all", "-o", "csv"])
        XCTAssertEqual(outcome.status, 0, outcome.err)
        XCTAssertEqual(outcome.out, "id,name\n0,r0\n1,r1\n")
        XCTAssertEqual(outcome.err, "")
        transport.verify()

        // A first page a filter took every row of.
        transport.register("GET", "/api/bookings/?status=pending", json: #"{"count": 3, "next": "https://api.test/api/bookings/?page=2&status=pending", "results": [{"id": 0, "status": "done"}, {"id": 1, "status": "done"}]}"#)
        transport.register("GET", "/api/bookings/?page=2&status=pending", json: #"{"count": 3, "next": null, "results": [{"id": 2, "status": "pending"}]}"#)
        let filtered = harness.run(["bookings", "list", "--status", "pending", "--all", "--parallel", "1", "-o", "csv", "--fields", "id,status"])
        XCTAssertEqual(filtered.status, 0, filtered.err)
        XCTAssertEqual(filtered.out, "id,status\n2,pending\n")
        let derived = { () -> Harness.Outcome in
            self.transport.register("GET", "/api/bookings/?status=pending", json: #"{"count": 3, "next": "https://api.test/api/bookings/?page=2&status=pending", "results": [{"id": 0, "status": "done"}, {"id": 1, "status": "done"}]}"#)
            self.transport.register("GET", "/api/bookings/?page=2&status=pending", json: #"{"count": 3, "next": null, "results": [{"id": 2, "status": "pending", "name": "r2"}]}"#)
            return self.harness.run(["bookings", "list", "--status", "pending", "--all", "--parallel", "1", "-o", "csv"])
        }()
        XCTAssertEqual(derived.status, 0, derived.err)
        XCTAssertEqual(derived.out, "id,name,status\n2,r2,pending\n")
        XCTAssertEqual(transport.unmatched, [])
    }

    func testRowsOnePageRepeatsAreKeptAndRowsALaterPageRepeatsAreSaid() {
        transport.register("GET", "/api/bookings/", json: #"[{"id": 1, "v": "a"}, {"id": 1, "v": "b"}, {"id": 2, "v": "c"}]"#)
        let within = harness.run(["bookings", "list", "--all", "-o", "ndjson"])
        XCTAssertEqual(within.status, 0, within.err)
        XCTAssertEqual(lines(within.out).count, 3, "the server's own repeats are its answer")
        XCTAssertEqual(within.err, "")

        transport.register("GET", "/api/bookings/", json: #"{"next": "https://api.test/api/bookings/?cursor=b", "results": [{"id": 1}, {"id": 2}]}"#)
        transport.register("GET", "/api/bookings/?cursor=b", json: #"{"next": null, "results": [{"id": 2}, {"id": 3}]}"#)
        let across = harness.run(["bookings", "list", "--all", "-o", "ndjson"])
        XCTAssertEqual(across.status, 0, across.err)
        XCTAssertEqual(ids(across), [1, 2, 3])
        XCTAssertEqual(across.err, "homeserve: warning: page 2 repeats 1 row an earlier page held (the list moved while it was read): printed once\n")
        transport.verify()
    }

    func testRowsThatMixObjectsAndValuesAre8InColumns() {
        transport.register("GET", "/api/bookings/", json: #"[1, "two", null, {"id": 4}]"#, times: 2)
        let csv = harness.run(["bookings", "list", "-o", "csv"])
        XCTAssertEqual(csv.status, 8, csv.err)
        XCTAssertEqual(csv.out, "")
        XCTAssertEqual(csv.err, "homeserve: GET /api/bookings/: the rows mix objects and other values (an object after values), which no columns can show; -o json prints them as received\n")
        let json = harness.run(["bookings", "list", "-o", "ndjson"])
        XCTAssertEqual(json.status, 0, json.err)
        XCTAssertEqual(json.out, "1\n\"two\"\nnull\n{\"id\":4}\n", "printed as received")
        // Values alone are one column.
        transport.register("GET", "/api/bookings/", json: #"["a", "b"]"#)
        XCTAssertEqual(harness.run(["bookings", "list", "-o", "csv"]).out, "value\na\nb\n")
        transport.verify()
    }

    func testLinksAreResolvedAgainstThePageTheyCameIn() {
        let page = "https://api.test/api/bookings/?page=1"
        let cases = [
            ("?cursor=b", "https://api.test/api/bookings/?cursor=b"),
            ("next/", "https://api.test/api/bookings/next/"),
            ("../services/?page=2", "https://api.test/api/services/?page=2"),
            ("./?page=2", "https://api.test/api/bookings/?page=2"),
            ("../../../x", "https://api.test/x"),
            ("/api/bookings/?page=2", "/api/bookings/?page=2"),
            ("//api.test/api/bookings/?page=2", "https://api.test/api/bookings/?page=2"),
            ("http://other.test/x", "http://other.test/x"),
        ]
        for (link, resolved) in cases {
            XCTAssertEqual(PageWalker.resolve(link, against: page), resolved, link)
        }
        func next(_ header: String) -> String? { PageWalker.links(header).first { $0.rel == "next" && $0.more }?.target }
        XCTAssertEqual(next(#"<https://a.test/?page=1>; rel="prev", <https://a.test/?page=3>; rel="next""#), "https://a.test/?page=3")
        XCTAssertEqual(next(#"<https://a.test/?page=3>; title="x, y"; REL=Next"#), "https://a.test/?page=3")
        XCTAssertEqual(next(#"<https://a.test/?fields=id,status&page=2>; rel="next", <https://a.test/?page=3>; rel="last""#), "https://a.test/?fields=id,status&page=2",
                       "a comma in the URL is the URL's")
        XCTAssertNil(next(#"<https://a.test/?page=1>; rel="prev""#))
        XCTAssertNil(next(#"<https://a.test/?cursor=0:30:0>; rel="next"; results="false""#), "Sentry's next link with nothing behind it")
        XCTAssertEqual(PageWalker.links(#"</static/app.css>; rel=preload; as=style"#).map(\.rel), ["preload"])
    }
}
