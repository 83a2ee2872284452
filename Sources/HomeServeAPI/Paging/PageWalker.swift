import HomeServeCore

/// Walks a paginated collection from its first page. When the first page tells how many pages there are,
/// the rest are fetched concurrently (up to `parallel` at once, at most twice that many held while they
/// wait their turn) and handed on in page order; otherwise `next` links or page numbers are followed one
/// after another. A walk that loops — a link that repeats, goes backwards, leaves the base URL, or rows
/// past the reported total — stops with `APIError.badResponse` instead of running for ever.
public final class PageWalker {
    let client: APIClient
    let first: APICall
    let parallel: Int
    /// Stop asking for pages once this many rows have been handed on.
    let limit: Int?
    /// The page size asked for, which a server paging by position may not have understood.
    let pageSize: Int?
    /// Says what needs a person: a list that changed while it was read.
    let note: (String) -> Void
    /// Pages are read keeping their rows as bytes (`CollectionPage.rowBytes`), for a reader that copies them.
    let keepingRows: Bool
    /// Where the first page's rows were: later pages keep only the list there as bytes, so a page with other
    /// lists of objects (links, facets) is not parsed twice.
    private var rowKeys: [String]?
    /// Whether the walk's first page said where it sat in the list: then every later page must too.
    private var firstPlaced = false
    /// Where the first page had its rows: every later page must have them there.
    private var firstRowKeys: [String]?
    /// The number of the list's first page: 1, or 0 for a server that counts pages from 0. Known once the
    /// first page is read.
    private var base = 1
    private var baseKnown = false
    /// Whether the list is walked by tokens from its first page, whose count is no more than its rows: then
    /// no page's count is taken for the list's total (a cursor list's `count` is often its page's).
    private var ignoresTotals = false
    /// Whether the page being read was asked for by a token (`nextQuery`).
    private var askedByToken = false

    public init(client: APIClient, first: APICall, parallel: Int, limit: Int?, pageSize: Int? = nil, keepingRows: Bool = false,
                note: @escaping (String) -> Void) {
        self.client = client
        self.first = first
        self.parallel = max(1, parallel)
        self.limit = limit
        self.pageSize = pageSize
        self.keepingRows = keepingRows
        self.note = note
    }

    /// Calls `onPage` with each page in order until it returns false or the pages run out.
    /// The first page is handed on even when it has no rows; later pages must have them.
    public func run(following: Bool, _ onPage: (CollectionPage) throws -> Bool) throws {
        let pageAsked = queryValue("page", in: first)
        let asked = Int(pageAsked ?? "") ?? 1
        guard var page = try fetchPage(first, number: asked, url: client.shown(first)) else { return }
        // A server that pages by position ignores `page` and the size parameter it does not know: ask again
        // for the rows page N of the size asked for stands for.
        if page.info.offset == 0, page.info.page == nil, let name = page.info.sizeParameter,
           let size = pageSize ?? page.info.pageSize, asked > 1 || size != page.info.pageSize {
            var positioned = first
            let (start, overflow) = (asked - 1).multipliedReportingOverflow(by: size)
            guard !overflow else {
                throw APIError.badResponse(method: "GET", path: client.shown(first), reason: "page \(asked) of \(size) rows starts past any list")
            }
            positioned.query = first.query.filter { $0.0 != "page" && $0.0 != "offset" && $0.0 != name } + [("offset", String(start)), (name, String(size))]
            guard let again = try fetchPage(positioned, number: asked, url: client.shown(positioned)) else { return }
            if let offset = again.info.offset, offset != start {
                throw APIError.badResponse(method: "GET", path: client.shown(positioned),
                    reason: "page \(asked) was asked for at offset \(start), but the server sent the rows from offset \(offset)")
            }
            page = again
        }
        // A page asked for by number is the page the server says it sent; a server that counts its pages from
        // 0 says so on the first.
        if pageAsked != nil { try check(page, is: asked, path: client.shown(first)) }
        // A page that links on to the page asked for, or an earlier one, is not that page: the server takes
        // another parameter for its pages (JSON:API's `page[number]`) and sent its first.
        if pageAsked != nil, asked > 1, page.info.page == nil, let next = page.info.next,
           let linked = URLEncoding.queryItems(of: next).first(where: { $0.0 == "page" || $0.0 == "page[number]" }).flatMap({ Int($0.1) }), linked <= asked {
            throw APIError.badResponse(method: "GET", path: client.shown(first),
                reason: "page \(asked) was asked for, but the page sent links on to page \(linked): the server sent another page (it may take another parameter for its pages)")
        }
        // A page past the first that holds the whole list, or links on to rows from a position before its
        // own start (JSON:API's `page[offset]`), is the first: the server does not take `page`.
        if pageAsked != nil, asked > 1, page.info.page == nil, page.info.offset == nil, let rows = page.rows?.count, rows > 0 {
            let position = page.info.next.flatMap { next in
                URLEncoding.queryItems(of: next).first { $0.0 == "offset" || $0.0 == "page[offset]" }.flatMap { Int($0.1) }
            }
            if let total = page.info.total, total <= rows {
                throw APIError.badResponse(method: "GET", path: client.shown(first),
                    reason: "page \(asked) was asked for, but the page sent holds \(total == 1 ? "the list's one row" : "all \(total) rows of the list"): the server sent its first page (it may take another parameter for its pages)")
            }
            if let position, position <= (asked - 1) * rows {
                throw APIError.badResponse(method: "GET", path: client.shown(first),
                    reason: "page \(asked) was asked for, but the page sent links on to the rows from position \(position): the server sent another page (it may take another parameter for its pages)")
            }
        }
        // A list paged by tokens or positions has no page N to ask for: the server sent its first page.
        if pageAsked != nil, asked > 1, let way = page.info.pagedBy {
            throw APIError.badResponse(method: "GET", path: client.shown(first),
                reason: "page \(asked) was asked for, but the list is paged by \(way), not page numbers: only a walk from its start can read it")
        }
        // `--page N` counts from 1; to a server that counts from 0 (Spring's `number`) it is page N − 1.
        var answered = first
        if pageAsked != nil, page.info.base == 0, asked >= 1 {
            answered.query = first.query.map { $0.0 == "page" ? ($0.0, String(asked - 1)) : $0 }
            guard let again = try fetchPage(answered, number: asked, url: client.shown(answered)) else { return }
            try check(again, is: asked - 1, path: client.shown(answered))
            page = again
        }
        base = pageAsked == nil && page.info.page == 0 ? 0 : page.info.base
        baseKnown = true
        page.info.base = base
        // A server that caps its pages below the size asked for says nothing: the rows on a page that is not
        // the last tell. Page numbers then count pages of its size.
        if let asked = pageSize, let rows = page.rows, rows.count < asked, page.info.claimsMore {
            note("the server sent \(rows.count) rows on a page where --page-size asked for \(asked) (it caps its pages, or takes another size parameter): --page counts pages of \(rows.count)")
        }
        // A count no larger than the page's rows may be the page's own; one larger is the list's, and holds.
        if page.info.tokensOnly, (page.info.total ?? 0) <= (page.rows?.count ?? 0) {
            ignoresTotals = true
            page.info.total = nil
        }
        firstPlaced = page.info.placesItself
        firstRowKeys = page.rowKeys
        let ledger = Ledger(path: first.path)
        let began = page.info.total
        // The limit counts the rows handed on, so a row a later page repeats is made up by the next one.
        func hand(_ handed: CollectionPage, _ number: Int) throws -> Bool {
            // A list that lost rows while the first N were read has moved rows back past the pages already
            // read: some of the first N may be missing, and nothing later can tell which. (A whole walk
            // checks its total at the end.)
            if limit != nil, let began, let now = handed.info.total, now < began {
                throw APIError.badResponse(method: "GET", path: client.shown(first),
                    reason: "the list shrank while it was read (\(began) rows at first, \(now) later): rows may have moved past the pages already read, so read it again")
            }
            var passed = handed
            if following {
                let repeated: Int, again: String?
                // Without a size to stop at, a server that ignores the page asked for and stamps its rows anew
                // would be walked for ever: the same ids in the same order are its first page again.
                let unbounded = handed.info.total == nil && handed.info.totalPages == nil
                (passed, repeated, again) = ledger.admit(handed, byToken: askedByToken, unbounded: unbounded)
                // The page before it again, or a whole page of rows already read, from a list that did not grow:
                // not a list that moved (rows added at its top push the rows read onto the next page) but a server
                // answering every page alike.
                let grew = handed.info.total.map { $0 > began ?? $0 } ?? false
                if again != nil || (repeated > 0 && repeated == handed.rows?.count), !grew {
                    let what = again ?? "holds only rows earlier pages held"
                    throw APIError.badResponse(method: "GET", path: client.shown(first),
                        reason: "page \(number) \(what): the server does not page the way it was asked (its next link, token, page number or offset), so the rest of the list cannot be read")
                }
                if repeated > 0 {
                    note("page \(number) repeats \(repeated.counted("row")) an earlier page held (the list moved while it was read): printed once")
                }
            }
            guard try onPage(passed) else { return false }
            if let limit, ledger.count >= limit { return false }
            return true
        }
        guard try hand(page, asked), following, let rows = page.rows else { return }
        var seen = rows.count
        let firstRows = rows.count
        let firstNumber = page.info.page ?? page.info.offset.map { offset in offset / max(1, page.info.pageSize ?? rows.count) + 1 } ?? asked
        var current = page
        var call = answered
        var number = firstNumber
        if parallel > 1, firstNumber == base, !page.info.byToken, let count = page.info.pageCount(firstPageRows: rows.count), count > 1,
           let template = pageTemplate(after: page) {
            var last = count
            if let limit, rows.count > 0 { last = min(count, limit / rows.count + (limit % rows.count == 0 ? 0 : 1)) }
            guard let end = try walkConcurrently(pages: 2...max(2, last), template: template, seen: seen,
                                                  pageSize: page.info.pageSize ?? rows.count, firstRows: firstRows, hand) else { return }
            // The list grew while it was read, or rows a page repeated left the limit short: what follows the
            // pages fetched at once is walked link by link.
            (current, call, number, seen) = (end.page, end.call, end.number - 1 + base, end.seen)
        }
        var visited: Set<String> = [try client.absoluteURL(call.path, query: call.query)]
        while more(current, number: number, seen: seen) {
            if let key = current.info.cursorAlone {
                throw APIError.badResponse(method: "GET", path: client.shown(call),
                    reason: "page \(number) says more rows follow by a `\(key)` of the server's own, but gives no link to them: the rest of the list cannot be asked for")
            }
            if let reason = current.info.unreachableReason(page: number) {
                throw APIError.badResponse(method: "GET", path: client.shown(call), reason: reason)
            }
            guard let next = try nextCall(after: current, call: call, number: number, rows: current.rows?.count ?? 0) else { return }
            let url = try link(next, visited: visited)
            visited.insert(url)
            let answer: CollectionPage?
            do { answer = try fetchPage(next, number: number + 1, url: url) } catch let APIError.http(failure) where HTTPStatus.isNotFound(failure.status) {
                throw vanished(number + 1, url: url)
            }
            guard let answer else { return }
            current = answer
            let previousOffset = call.query.last { $0.0 == "offset" }.flatMap { Int($0.1) } ?? -1
            if let reported = current.info.page, reported <= number {
                let why = askedByToken ? "page \(number + 1) was asked for by its token, but the server sent page \(reported): it does not take the token"
                    : "the next page goes backwards (page \(reported) after page \(number))"
                throw APIError.badResponse(method: "GET", path: Redaction.url(url), reason: why)
            }
            if let reported = current.info.page, reported > number + 1 {
                throw APIError.badResponse(method: "GET", path: Redaction.url(url), reason: "the next page skips ahead (page \(reported) after page \(number)): the rows between are missing")
            }
            if let offset = current.info.offset, offset <= previousOffset {
                throw APIError.badResponse(method: "GET", path: Redaction.url(url), reason: "the next page goes backwards (offset \(offset) after offset \(previousOffset))")
            }
            number += 1
            let rows = try pageRows(current, number: number, url: url, firstRows: firstRows)
            seen += rows.count
            try checkTotal(seen: seen, page: current, pageRows: rows.count, url: url)
            call = next
            guard try hand(current, number) else { return }
        }
        // Only a walk from the list's beginning is held to its total: where a later start sits is not always
        // the client's to work out (a short last page, an offset off a page's edge, a page named in the path).
        let named = (first.query + URLEncoding.queryItems(of: first.path)).contains { ["page", "offset"].contains($0.0) && $0.1 != "1" && $0.1 != "0" }
        if firstNumber == base, (page.info.offset ?? 0) == 0, !named, (page.document["previous"]?.stringValue ?? "").isEmpty {
            try settle(ledger, first: page, last: current)
        }
    }

    /// Rows handed on: a row a later page repeats (the list moved while it was read) is left out, so it is
    /// printed once; rows one page repeats within itself are the server's to answer for, and kept. A row is
    /// its id and its whole content, so rows that share an id but differ (a booking's history entries) are
    /// all printed. A moved row comes back within a page or two, so only the last few pages are kept, and
    /// memory stays flat however long the list.
    private final class Ledger {
        static let window = 8
        /// Ids as the server wrote them (`7` and `"7"` are one id); whole numbers, most ids, as numbers.
        private enum ID: Hashable {
            case number(Int)
            case text(String)
        }
        private struct Key: Hashable {
            let id: ID
            let content: Int
        }
        private var recent: Set<Key> = []
        private var pages: [[Key]] = []
        /// The ids a walk by tokens has read, as hashes (memory a few bytes a row), and how many rows the
        /// pages in a row since have held, none but those. Rows edited while a list in order of change is
        /// read come again at its end, each once or twice; a server going round to its start, or sending
        /// earlier pages by turns, sends them on for ever: more than twice the rows read is taken for that.
        private var tokenWalkIDs: Set<Int> = []
        private var staleRows = 0
        /// The fingerprints of the last page's rows, in order.
        private var lastPage: [Int] = []
        /// The last page's ids, in order, when every row had one and no two were alike.
        private var lastIDs: [ID] = []
        private(set) var count = 0
        private(set) var repeated = 0
        /// The fields that may be a row's own id where it has no `id`: the list's name for it (`booking_id`,
        /// `bookingId`, `bookingID` and `booking_uuid` in `/api/bookings/`), then `uuid`, `_id` and `key`. Another `*_id`
        /// is a row's reference to something else (`customer_id`), which pages may share.
        let idKeys: [String]

        init(path: String) {
            // The last segment without an extension (`addresses.json`). Of several words (`service-categories`)
            // the whole name only: the last word's (`category_id`) may be a reference to another list.
            let segment = path.prefix { $0 != "?" }.split(separator: "/").last?.split(separator: ".").first.map(String.init) ?? ""
            idKeys = PageWalker.singulars(of: segment).flatMap { words in
                let snake = words.joined(separator: "_")
                let camel = words.enumerated().map { $0.offset == 0 ? $0.element : $0.element.prefix(1).uppercased() + $0.element.dropFirst() }.joined()
                return [snake + "_id", camel + "Id", camel + "ID", snake + "_uuid"]
            } + ["uuid", "_id", "key"]
        }

        /// The page without the rows earlier pages held, how many those were, and how it is the page before
        /// it again, if it is: row for row (rows without ids too), or, for a page asked for by a token, the
        /// same rows by id in any order (a server that ignores the token and sends its first page again, each
        /// row stamped anew), where no two share an id, or the end of a run of rows read before longer than
        /// twice the list's (a server sending earlier pages by turns, or going round). Pages reached by links or
        /// numbers may hold the same ids again (a history's rows, a change at a time), and a server ignoring
        /// those stops at the total.
        func admit(_ page: CollectionPage, byToken: Bool, unbounded: Bool) -> (page: CollectionPage, repeated: Int, again: String?) {
            guard let rows = page.rows else { return (page, 0, nil) }
            // Rows are told apart by the field every row has with a value of its own; where none has, each
            // row's `id` still keeps a row a later page repeats from being printed twice.
            let idKey = Self.idKey(of: rows, among: idKeys) ?? "id"
            var ids: [Key] = [], prints: [Int] = [], order: [ID] = []
            ids.reserveCapacity(rows.count)
            prints.reserveCapacity(rows.count)
            let kept = rows.indices.filter { index in
                let content = page.fingerprint(index) ?? rows[index].contentFingerprint
                prints.append(content)
                guard let id = rows[index][idKey], !id.isNull, id.arrayValue == nil, !id.isObject else { return true }
                let text = id.stringValue ?? id.serialized()
                let key = Key(id: Int(text).flatMap { String($0) == text ? ID.number($0) : nil } ?? .text(text), content: content)
                order.append(key.id)
                guard !recent.contains(key) else { return false }
                ids.append(key)
                return true
            }
            let held = Set(order)
            let whole = order.count == rows.count && held.count == order.count
            var again = prints.isEmpty ? nil
                : prints == lastPage ? "is the page before it again, row for row"
                : byToken && whole && held == Set(lastIDs) ? "holds the rows of the page before it again, by id"
                : unbounded && whole && order == lastIDs ? "holds the rows of the page before it again, by id and in order" : nil
            lastPage = prints
            lastIDs = whole ? order : []
            recent.formUnion(ids)
            count += kept.count
            repeated += rows.count - kept.count
            pages.append(ids)
            if pages.count > Self.window { for id in pages.removeFirst() { recent.remove(id) } }
            // Rows with ids of their own count, where some rows of the page have none.
            if byToken || tokenWalkIDs.isEmpty, !order.isEmpty, held.count == order.count {
                let hashes = order.map(\.hashValue)
                staleRows = byToken && hashes.allSatisfy(tokenWalkIDs.contains) ? staleRows + hashes.count : 0
                tokenWalkIDs.formUnion(hashes)
                if again == nil, staleRows > 2 * tokenWalkIDs.count {
                    again = "ends a run of \(staleRows) rows read before, by id, more than twice the \(tokenWalkIDs.count) the list has shown: the server goes round"
                }
            }
            return (page.keeping(kept), rows.count - kept.count, again)
        }

        /// `id` where every row has one, unless every row also has a `history_id` of its own: a history's rows
        /// (django-simple-history), whose `id` is the object's, which many rows share. Where no row has an
        /// `id`, the first of `keys` that every row has as a number or a string of its own; where only some
        /// have, none (each row's own `id` still tells it apart). A page read keeping its rows as bytes holds
        /// those fields only in rows without an `id`, and `history_id`: the rule reads both kinds alike.
        static func idKey(of rows: [JSON], among keys: [String]) -> String? {
            guard !rows.isEmpty else { return nil }
            func tellsApart(_ key: String) -> Bool {
                var values = Set<String>()
                return rows.allSatisfy { row in
                    switch row[key] {
                    case let .string(text)?, let .number(text)?: return values.insert(text).inserted
                    default: return false
                    }
                }
            }
            let identified = rows.filter { row in row["id"].map { !$0.isNull } ?? false }.count
            if identified == rows.count { return rows[0]["history_id"] != nil && tellsApart("history_id") ? "history_id" : "id" }
            guard identified == 0 else { return nil }
            return keys.first(where: tellsApart)
        }
    }

    /// At the end of a whole walk of a list that gives its total, the distinct rows received must be what it
    /// counts: fewer means rows were missed (a short or repeated page, rows that moved while it was read),
    /// more that rows it has since lost were printed; either way a script must not take them for the list.
    /// A list whose total changed while it was read fails too, even when the counts come out even: a row
    /// deleted behind the walk shifts a later one past it, so equal counts prove nothing then.
    private func settle(_ ledger: Ledger, first: CollectionPage, last: CollectionPage) throws {
        guard let total = last.info.total ?? first.info.total else { return }
        let began = first.info.total ?? total
        let repeated = ledger.repeated > 0 ? " (\(ledger.repeated == 1 ? "1 row" : "\(ledger.repeated) rows") a later page repeated \(ledger.repeated == 1 ? "was" : "were") left out)" : ""
        if began != total {
            throw APIError.badResponse(method: "GET", path: client.shown(self.first),
                reason: "the list changed while it was read (\(began) rows at first, \(total) at the end; \(ledger.count) distinct rows arrived\(repeated)): rows may be missing or gone, so read it again")
        }
        guard ledger.count == total else {
            let what = ledger.count < total ? "rows may be missing" : "rows it does not count were printed"
            throw APIError.badResponse(method: "GET", path: client.shown(self.first),
                reason: "the pages held \(ledger.count) distinct rows\(repeated), but the list counts \(total); \(what), so read it again")
        }
    }

    /// A page after the first that the list said was there and is not found: the list shrank while it was
    /// read (DRF answers a page past the end with 404), which moves rows back past the pages already read, or
    /// the link to it expired. Either way rows may be missing, and the walk fails rather than pass a part of
    /// the list for the whole.
    private func vanished(_ number: Int, url: String) -> APIError {
        APIError.badResponse(method: "GET", path: Redaction.url(url),
            reason: "page \(number) is not found: the list shrank while it was read or the link to it expired, so rows may be missing; read it again")
    }

    // MARK: Sequential

    /// Whether pages follow this one: as the page says, or, where it says nothing of a next page, while the
    /// list's size (its total or its number of pages) is not yet read.
    private func more(_ page: CollectionPage, number: Int, seen: Int) -> Bool {
        let info = page.info
        if info.claimsMore || info.unreachable != nil { return true }
        if info.hasNext == false || info.saysNext { return false }
        // A token sent back by its convention says more follow as a link would, whatever the total says
        // (many cursor lists' `count` is the page's).
        if info.nextQuery != nil { return true }
        if info.offset == nil, !(page.rows?.isEmpty ?? true) {
            if let totalPages = info.totalPages { return number - base + 1 < totalPages }
            if let total = info.total { return seen < total }
        }
        return info.cursor != nil
    }

    private func nextCall(after page: CollectionPage, call: APICall, number: Int, rows: Int) throws -> APICall? {
        if let next = page.info.next {
            return following(next)
        }
        askedByToken = page.info.byToken
        if page.info.byToken, let token = page.info.nextQuery {
            // A page reached by a link has its query in its path.
            // The token says where the next page starts: a page number or offset asked for before would contradict it.
            let query = (URLEncoding.queryItems(of: call.path) + call.query).filter { $0.0 != token.name && $0.0 != "page" && $0.0 != "offset" }
            return following(String(call.path.prefix { $0 != "?" }), query: query + [(token.name, token.value)])
        }
        var query = call.query.filter { $0.0 != "page" && $0.0 != "offset" }
        if let nextPage = page.info.nextPage {
            query.append(("page", String(nextPage)))
        } else if let offset = page.info.offset {
            query.append(("offset", String(offset + rows)))
        } else {
            query.append(("page", String(number + 1)))
        }
        if let size = page.info.pageSize, let name = page.info.sizeParameter, !query.contains(where: { $0.0 == name }) {
            query.append((name, String(size)))
        }
        return following(call.path, query: query)
    }

    /// A later page's call: asked for as the first was, with its token (or none) and its headers.
    private func following(_ path: String, query: [(String, String)] = []) -> APICall {
        var call = APICall("GET", path, query: query)
        call.authenticated = first.authenticated
        call.accept = first.accept
        call.headers = first.headers
        return call
    }

    /// The absolute URL of a next call, refused when it was seen before or leaves the base URL.
    private func link(_ call: APICall, visited: Set<String>) throws -> String {
        let url: String
        do { url = try client.absoluteURL(call.path, query: call.query) } catch let APIError.invalidURL(shown, _, reason) {
            throw APIError.badResponse(method: "GET", path: client.shown(first), reason: "the next-page link \(shown) cannot be followed: \(reason)")
        }
        if visited.contains(url) {
            throw APIError.badResponse(method: "GET", path: client.shown(first), reason: "the next-page link repeats a page already fetched (\(Redaction.url(url)))")
        }
        return url
    }

    /// A page as the walk reads it, nil in a dry run.
    private func fetchPage(_ call: APICall, number: Int, url: String) throws -> CollectionPage? {
        guard let response = try client.send(call) else { return nil }
        return try read(parsed(response, call: call), response, call: call, number: number, url: url)
    }

    /// A page's answer, parsed as this walk reads pages.
    private func parsed(_ response: HTTPResponse, call: APICall) throws -> ListedDocument {
        try client.document(response, call: call, keepingRows: keepingRows, at: rowKeys)
    }

    /// A page with what its headers say of paging (a `Link` header's next page, `X-Total-Count`) where its
    /// body says nothing, and its next link made absolute. A page whose paging numbers are past any list's
    /// is not walked by (nor its numbers multiplied).
    private func read(_ document: ListedDocument, _ response: HTTPResponse, call: APICall, number: Int, url: String) throws -> CollectionPage {
        var page: CollectionPage
        do { page = try CollectionReader.read(document) } catch {
            throw APIError.badResponse(method: "GET", path: Redaction.url(url), reason: "the body is not valid JSON (\(error))")
        }
        if let links = response.header("Link").map(Self.links), links.contains(where: { ["next", "prev", "previous", "first", "last"].contains($0.rel) }) {
            // A list paged by Link headers leaves `next` out of the last page's, but not the header.
            page.info.placesItself = true
            page.info.saysNext = true
            if page.info.next == nil, page.info.nextPage == nil { page.info.next = links.first { $0.rel == "next" && $0.more }?.target }
        }
        if page.info.total == nil, let count = response.header("X-Total-Count").flatMap({ Int($0) }) {
            page.info.total = count
            page.info.placesItself = true
        }
        // Only a relative link needs the page's own URL, which is made only then: most pages' links are absolute.
        if let next = page.info.next, Self.isRelative(next) {
            page.info.next = Self.resolve(next, against: try client.absoluteURL(call.path, query: call.query))
        }
        if baseKnown { page.info.base = base }
        if ignoresTotals { page.info.total = nil }
        if keepingRows, rowKeys == nil { rowKeys = page.rowKeys }
        if let wrong = page.info.outOfRange {
            throw APIError.badResponse(method: "GET", path: Redaction.url(url), reason: "page \(number) gives \(wrong), more than any list holds (at most \(PageInfo.largest))")
        }
        return page
    }

    private func pageRows(_ page: CollectionPage, number: Int, url: String, firstRows: Int) throws -> [JSON] {
        guard let rows = page.rows else {
            throw APIError.badResponse(method: "GET", path: Redaction.url(url), reason: "page \(number) has no list of rows (\(page.shapeWithoutRows))")
        }
        // A page that says nothing of paging after one that did cannot tell whether the list ends with it:
        // ending the walk there could pass a part of the list for the whole.
        if firstPlaced, !page.info.placesItself, page.info.cursor == nil, page.info.nextQuery == nil {
            throw APIError.badResponse(method: "GET", path: Redaction.url(url),
                reason: "page \(number) says nothing of paging (no count, page, offset or next link) where the first page read did: whether rows follow or are missing cannot be told, so read it again")
        }
        // Rows found elsewhere on a later page (an `errors` list where the rows were `results`) are not the list's.
        if let expected = firstRowKeys, page.rowKeys != expected {
            let place = { (keys: [String]?) in keys.map { $0.isEmpty ? "a bare list" : "`" + $0.joined(separator: ".") + "`" } ?? "nowhere" }
            throw APIError.badResponse(method: "GET", path: Redaction.url(url),
                reason: "page \(number) has its rows in \(place(page.rowKeys)), where the first page had them in \(place(expected))")
        }
        if rows.isEmpty && page.info.claimsMore {
            throw APIError.badResponse(method: "GET", path: Redaction.url(url), reason: "page \(number) is empty but the server says more pages follow")
        }
        // The pages of a counted list share its rows out in pages of one size, all full but the last: a short
        // one with more to follow has lost rows (a row that moves only shifts the others along).
        if page.info.total != nil, rows.count < firstRows, page.info.claimsMore {
            throw APIError.badResponse(method: "GET", path: Redaction.url(url),
                reason: "page \(number) holds \(rows.count.counted("row")) where the first held \(firstRows), and more pages follow: rows are missing, so read it again")
        }
        return rows
    }

    /// Whether a link needs the page's URL to be followed: not one that is absolute, nor one from the server
    /// root, which `APIClient.absoluteURL` places under the base URL.
    static func isRelative(_ link: String) -> Bool {
        !(link.hasPrefix("http://") || link.hasPrefix("https://") || (link.hasPrefix("/") && !link.hasPrefix("//")))
    }

    /// A link as a page gives it, made absolute against the page's own URL (RFC 3986); one that is not
    /// relative is left as it is.
    public static func resolve(_ link: String, against url: String) -> String {
        guard isRelative(link) else { return link }
        if link.hasPrefix("//") { return String(url.prefix { $0 != ":" }) + ":" + link }
        let withoutQuery = String(url.prefix { $0 != "?" && $0 != "#" })
        if link.hasPrefix("?") { return withoutQuery + link }
        // The origin, then the path's directory with the link's segments on it, `.` and `..` taken out.
        guard let schemeEnd = withoutQuery.range(ofASCII: "://") else { return link }
        let afterScheme = withoutQuery[schemeEnd.upperBound...]
        let pathStart = afterScheme.firstIndex(of: "/") ?? afterScheme.endIndex
        let origin = String(withoutQuery[..<pathStart])
        let linkPath = String(link.prefix { $0 != "?" && $0 != "#" })
        var segments = withoutQuery[pathStart...].split(separator: "/", omittingEmptySubsequences: false).map(String.init).dropLast()
        for segment in linkPath.split(separator: "/", omittingEmptySubsequences: false).map(String.init) {
            switch segment {
            case ".": continue
            case "..": if segments.count > 1 { segments.removeLast() }
            default: segments.append(segment)
            }
        }
        if linkPath.hasSuffix("/.") || linkPath.hasSuffix("/..") || linkPath == "." || linkPath == ".." { segments.append("") }
        return origin + segments.joined(separator: "/") + link.dropFirst(linkPath.count)
    }

    /// A `Link` header's entries (RFC 8288), one per relation: `<url>; rel="next prev"`. Commas inside the
    /// `<…>` and in quoted values are the URL's and the value's. `more` is false for Sentry's
    /// `results="false"`: a next link with nothing behind it.
    public static func links(_ header: String) -> [(rel: String, target: String, more: Bool)] {
        var entries: [Substring] = []
        var start = header.startIndex, inTarget = false, inQuotes = false
        for index in header.indices {
            switch header[index] {
            case "<" where !inQuotes: inTarget = true
            case ">" where !inQuotes: inTarget = false
            case "\"" where !inTarget: inQuotes.toggle()
            case "," where !inTarget && !inQuotes:
                entries.append(header[start..<index])
                start = header.index(after: index)
            default: break
            }
        }
        entries.append(header[start...])
        var found: [(rel: String, target: String, more: Bool)] = []
        for entry in entries {
            // The target first, whole: a `;` inside `<…>` is the URL's.
            let text = String(entry).trimmed
            guard text.hasPrefix("<"), let close = text.firstIndex(of: ">") else { continue }
            let target = String(text[text.index(after: text.startIndex)..<close])
            var rels: [Substring] = [], more = true
            for parameter in text[text.index(after: close)...].split(separator: ";").map({ String($0).trimmed }) {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { String($0).trimmed }
                guard pair.count == 2 else { continue }
                let value = pair[1].trimmingCharacters(in: "\"").lowercased()
                switch pair[0].lowercased() {
                case "rel": rels = value.split(separator: " ")
                case "results": more = value != "false"
                default: break
                }
            }
            for rel in rels { found.append((String(rel), target, more)) }
        }
        return found
    }

    /// A page that says which page it is must be the one asked for: a server that ignores the page asked
    /// for sends another in its place.
    /// `path` is worked out only for the error: this runs on every page of a long listing.
    private func check(_ page: CollectionPage, is asked: Int, path: @autoclosure () -> String) throws {
        if let reported = page.info.page, reported != asked {
            throw APIError.badResponse(method: "GET", path: path(), reason: "page \(asked) was asked for, but the server sent page \(reported)")
        }
    }

    private func checkTotal(seen: Int, page: CollectionPage, pageRows: Int, url: String) throws {
        guard let total = page.info.total, seen > total + max(pageRows, page.info.pageSize ?? 0) else { return }
        throw APIError.badResponse(method: "GET", path: Redaction.url(url), reason: "the pages hold more rows (\(seen)) than the reported total (\(total)) by more than a page")
    }

    // MARK: Concurrent

    /// How to ask for page K: the `next` link with its page number replaced, or the first call's path with
    /// `page=K`. Nil when pages are not numbered (cursor links), which leaves the sequential walk.
    private func pageTemplate(after page: CollectionPage) -> ((Int) -> APICall)? {
        let base = base
        if let next = page.info.next {
            let items = URLEncoding.queryItems(of: next)
            guard items.contains(where: { $0.0 == "page" && $0.1 == String(base + 1) }) else { return nil }
            let path = String(next.prefix { $0 != "?" })
            return { [self] number in following(path, query: items.map { $0.0 == "page" ? ($0.0, String(number - 1 + base)) : $0 }) }
        }
        var query = first.query.filter { $0.0 != "page" && $0.0 != "offset" }
        if let size = page.info.pageSize, let name = page.info.sizeParameter, !query.contains(where: { $0.0 == name }) {
            query.append((name, String(size)))
        }
        let path = first.path
        let byOffset = page.info.offset != nil
        let size = page.info.pageSize ?? page.rows?.count ?? 0
        if byOffset && size == 0 { return nil }
        return { [self] number in following(path, query: query + [byOffset ? ("offset", String((number - 1) * size)) : ("page", String(number - 1 + base))]) }
    }

    private struct InFlight {
        var number: Int
        var call: APICall
        var attempt: APIClient.Attempt
    }

    /// The last page with its call, number and the rows seen so far, when every page was handed on; nil when
    /// the walk stopped early (the reader stopped, the limit was reached, or the list shrank).
    private func walkConcurrently(pages: ClosedRange<Int>, template: (Int) -> APICall, seen initial: Int, pageSize: Int, firstRows: Int,
                                  _ onPage: (CollectionPage, Int) throws -> Bool) throws -> (page: CollectionPage, call: APICall, number: Int, seen: Int)? {
        let transport = client.transport
        var width = parallel
        transport.connectionLimit = width
        var inFlight: [Int: InFlight] = [:]
        var waiting: [(due: Double, entry: InFlight)] = []
        var ready: [Int: (CollectionPage, APICall)] = [:]
        var nextToStart = pages.lowerBound
        var nextToEmit = pages.lowerBound
        var upper = pages.upperBound
        var seen = initial
        var last: (page: CollectionPage, call: APICall)?
        defer {
            for id in inFlight.keys { transport.cancel(id) }
            transport.connectionLimit = 1
        }
        func launch(_ entry: InFlight) {
            inFlight[transport.start(entry.attempt.request(entry.call, client: client))] = entry
        }
        // A page that fails ends the walk before it; the pages before it are still fetched and handed on, so
        // what comes before the error is whole. The earliest failing page is the one reported.
        var failed: (any Error)?
        func end(before number: Int, failing error: (any Error)?) {
            guard number <= upper else { return }
            upper = number - 1
            failed = error  // any earlier failure was on a later page
            for (id, later) in inFlight where later.number > upper {
                transport.cancel(id)
                inFlight[id] = nil
            }
            waiting.removeAll { $0.entry.number > upper }
            ready = ready.filter { $0.key <= upper }
        }
        func emitReady() throws -> Bool {
            while nextToEmit <= upper, let (page, call) = ready.removeValue(forKey: nextToEmit) {
                seen += page.rows?.count ?? 0
                last = (page, call)
                guard try onPage(page, nextToEmit) else { return false }
                nextToEmit += 1
            }
            return true
        }

        /// Starts pages while fewer than `width` requests are out and fewer than 2 × width pages are held or
        /// coming (`holding` counts one in hand); false in a dry run.
        func topUp(holding: Int = 0) throws -> Bool {
            while inFlight.count + waiting.count < width, nextToStart <= upper,
                  ready.count + inFlight.count + waiting.count + holding < 2 * width {
                let call = template(nextToStart)
                // Checked as a followed link is: a page off the base URL is the server's fault (exit 8), not a usage error.
                _ = try link(call, visited: [])
                let attempt: APIClient.Attempt
                do {
                    guard let begun = try client.begin(call) else { return false }
                    attempt = begun
                } catch {
                    // No token for this page: the pages before it are still handed on, then the error.
                    end(before: nextToStart, failing: error)
                    break
                }
                launch(InFlight(number: nextToStart, call: call, attempt: attempt))
                nextToStart += 1
            }
            return true
        }

        while nextToEmit <= upper {
            guard try topUp() else { return nil }
            let now = client.clock.monotonic()
            for (index, item) in waiting.enumerated().reversed() where item.due <= now {
                waiting.remove(at: index)
                launch(item.entry)
            }
            let wait = waiting.map(\.due).min().map { max(0, $0 - now) } ?? 1.0
            guard let done = transport.next(timeout: min(wait, 1.0)) else {
                // Nothing finished. With nothing in flight the transport returns at once, so a retry's wait
                // is slept here (a second at a time, where Ctrl-C is noticed) instead of spun through.
                try client.clock.sleep(transport.inFlight == 0 ? min(wait, 1.0) : 0)
                continue
            }
            guard var entry = inFlight.removeValue(forKey: done.id) else { continue }
            switch client.judge(done.result, call: entry.call, attempt: entry.attempt) {
            case let .success(response):
                // The next page is asked for before this one is read, so the server works while the client does.
                guard try topUp(holding: 1) else { return nil }
                do {
                    let document = try parsed(response, call: entry.call)
                    let page = try read(document, response, call: entry.call, number: entry.number, url: entry.attempt.url)
                    try check(page, is: entry.number - 1 + base, path: Redaction.url(entry.attempt.url))
                    _ = try pageRows(page, number: entry.number, url: entry.attempt.url, firstRows: firstRows)
                    ready[entry.number] = (page, entry.call)
                } catch {
                    end(before: entry.number, failing: error)
                }
            case let .retry(after, why):
                client.note(why)
                if case let .success(response) = done.result, HTTPStatus.isRateLimited(response.status), width > 1 {
                    // The server asked us to slow down: fewer at once for the rest of the walk.
                    width = max(1, width / 2)
                    transport.connectionLimit = width
                }
                entry.attempt.retries += 1
                waiting.append((client.clock.monotonic() + after, entry))
            case .renewToken:
                do {
                    try client.renewToken(&entry.attempt)
                    launch(entry)
                } catch {
                    end(before: entry.number, failing: error)
                }
            case let .follow(url):
                entry.attempt.url = url
                entry.attempt.redirects += 1
                launch(entry)
            case let .failure(APIError.http(failure)) where HTTPStatus.isNotFound(failure.status):
                end(before: entry.number, failing: vanished(entry.number, url: entry.attempt.url))
            case let .failure(error):
                end(before: entry.number, failing: error)
            }
            guard try emitReady() else { return nil }
        }
        if let failed { throw failed }
        guard upper == pages.upperBound, let last else { return nil }
        return (last.page, last.call, upper, seen)
    }

    private func queryValue(_ name: String, in call: APICall) -> String? {
        call.query.last { $0.0 == name }?.1
    }
}

extension PageWalker {
    /// A list's name for one of its rows, as words, in each way English may make it (`addresses` →
    /// `address`, `addresse`; `line-items` and `lineItems` → `line item`; `categories` → `category`).
    static func singulars(of segment: String) -> [[String]] {
        var words: [String] = [], word = ""
        for character in segment {
            if character == "-" || character == "_" || character.isUppercase, !word.isEmpty {
                words.append(word)
                word = ""
            }
            if character != "-", character != "_" { word.append(Character(character.lowercased())) }
        }
        if !word.isEmpty { words.append(word) }
        guard let last = words.popLast() else { return [] }
        var forms = [String]()
        if last.hasSuffix("ies") { forms.append(String(last.dropLast(3)) + "y") }
        if last.hasSuffix("es") { forms.append(String(last.dropLast(2))) }
        if last.hasSuffix("s"), !last.hasSuffix("ss") { forms.append(String(last.dropLast())) }
        if forms.isEmpty { forms.append(last) }
        return forms.map { words + [$0] }
    }
}
