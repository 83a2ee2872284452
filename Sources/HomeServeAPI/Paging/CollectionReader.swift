import HomeServeCore

/// What a server says about paging, in whichever words it uses.
public struct PageInfo: Sendable, Equatable {
    /// A link to the next page (DRF's `next`, Laravel's `links.next`, a `Link` header's `rel="next"`):
    /// absolute, from the server root, or relative to the page's own URL (`?cursor=b`).
    public var next: String?
    /// The next page's number, where `next` gives one instead of a link (`"next": 2`).
    public var nextPage: Int?
    /// The field that says more rows follow by a token rather than a link (`nextPageToken`, `next_cursor`,
    /// `continuationToken`). Where `nextQuery` gives no parameter to send it back in (`continuationToken`,
    /// `next_token`), how to ask for the rows cannot be known.
    public var cursor: String?
    /// How to ask for the next page where the server gives a token or the last row's id instead of a link:
    /// Google's `nextPageToken` as `pageToken`, Slack's `next_cursor` as `cursor`, HubSpot's `after`, Stripe's
    /// `has_more` as `starting_after` the last row's id. A server that takes another parameter sends the page
    /// again, which the walk refuses.
    public var nextQuery: QueryParameter?
    /// Why rows the page counts past itself cannot be asked for (Elasticsearch's `hits.total` beside rows
    /// paged by `from` and `size`, which the page gives no sign of).
    public var unreachable: String?
    /// How the list is paged where it is not by page number (`pageToken` tokens, Stripe's `starting_after`
    /// ids, Elasticsearch's from and size): it has no page N to ask for.
    public var pagedBy: String?
    public var page: Int?
    /// The number of a list's first page: 1, or 0 where pages are counted from 0 (Spring's `number`).
    public var base = 1
    /// For servers that page by position (`?offset=&limit=`): where this page starts, from 0.
    public var offset: Int?
    public var pageSize: Int?
    /// The query parameter the server names its page size with (`page_size`, `per_page`, `limit`).
    public var sizeParameter: String?
    public var totalPages: Int?
    public var total: Int?
    public var hasNext: Bool?
    /// A paging number past what any list holds (above 2^53 − 1, where JSON numbers stop being exact), as
    /// `count 9223372036854775807`: the field is left unset and the page is not one to walk by.
    public var outOfRange: String?

    /// The largest paging number believed: JSON's exact integers.
    public static let largest = 9_007_199_254_740_991

    public init() {}

    /// The number of pages, when the document says or it can be worked out from the total.
    public func pageCount(firstPageRows: Int) -> Int? {
        if let totalPages { return totalPages }
        guard let total else { return nil }
        let size = pageSize ?? (firstPageRows > 0 && firstPageRows < total ? firstPageRows : nil)
        guard let size, size > 0 else { return total <= firstPageRows ? 1 : nil }
        return max(1, (total + size - 1) / size)
    }

    /// Whether the document has any paging field, even one that is null (`"next": null` on a last page says
    /// it is the last). A bare list has none.
    public var placesItself = false
    /// Whether the document has a field that says whether another page follows (`next`, even null, or
    /// `has_more`): then it alone says so, and a total does not send a walk past it.
    public var saysNext = false

    /// The cursor field, when it is all the document gives to ask for more: no link, page number, offset or
    /// size of the list to walk by instead, nor a known parameter to send it back in.
    public var cursorAlone: String? {
        nextQuery == nil && next == nil && nextPage == nil && page == nil && offset == nil && totalPages == nil && total == nil ? cursor : nil
    }

    /// Whether the next page is asked for by `nextQuery`: no link or next page's number to follow instead.
    /// Page numbers beside a token are not asked for: a server may give them for reading only, and the token
    /// is what it said to send back.
    public var byToken: Bool { nextQuery != nil && next == nil && nextPage == nil }
    /// Whether tokens are the only way through the list: no page number or position beside them.
    public var tokensOnly: Bool { byToken && page == nil && offset == nil }

    /// Why the rows after page `number` cannot be read, where `unreachable` says.
    public func unreachableReason(page number: Int) -> String? {
        unreachable.map { "page \(number) \($0): the rest of the list cannot be asked for" }
    }

    /// Whether the document says more pages follow this one.
    public var claimsMore: Bool {
        // `has_more: false` beside a next link (Sentry's, some cursors') is the last page's word.
        if hasNext == false { return false }
        if next != nil || nextPage != nil { return true }
        if let hasNext { return hasNext }
        if let offset, let pageSize, let total { return offset + pageSize < total }
        if let page, let totalPages { return page - base + 1 < totalPages }
        if let page, let pageSize, let total {
            let (read, overflow) = (page - base + 1).multipliedReportingOverflow(by: pageSize)
            return !overflow && read < total
        }
        return false
    }
}

/// A query parameter's name and value.
public struct QueryParameter: Sendable, Equatable {
    public let name: String
    public let value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// One page of a collection as the server sent it: the document, the rows found in it, and paging facts.
public struct CollectionPage: Sendable {
    public let document: JSON
    /// Nil when no rows could be found.
    public let rows: [JSON]?
    public var info: PageInfo
    /// The keys that lead to the rows from the root (none for a bare array); nil when no rows were found.
    public let rowKeys: [String]?
    /// The rows as the server sent them, when the page was read keeping its rows as bytes: then `rows`
    /// holds each row's `id` alone.
    public var rowBytes: RowBytes?
    /// Fingerprints of the rows' bytes, for a page read whole where others of its walk are read keeping
    /// their rows as bytes.
    public var rowPrints: [Int]?

    /// A fingerprint of row `index` as sent, where its bytes are known.
    public func fingerprint(_ index: Int) -> Int? { rowPrints?[index] ?? rowBytes?.fingerprint(index) }

    /// Where the rows were: `""` for a bare array, else a dot path such as `results` or `data.results`.
    public var rowsPath: String? { rowKeys?.joined(separator: ".") }

    /// The page with only the rows at these indices, in this order.
    public func keeping(_ indices: [Int]) -> CollectionPage {
        guard let rows, indices.count < rows.count else { return self }
        var kept = CollectionPage(document: document, rows: indices.map { rows[$0] }, info: info, rowKeys: rowKeys,
                                  rowBytes: rowBytes.map { kept in RowBytes(body: kept.body, spans: indices.map { kept.spans[$0] }) })
        kept.rowPrints = rowPrints.map { prints in indices.map { prints[$0] } }
        return kept
    }

    /// What the document is, for a message about a page without rows: not an object, an empty one, or its keys.
    public var shapeWithoutRows: String {
        !document.isObject ? "not an object" : document.keys.isEmpty ? "an empty object" : "keys: " + document.keys.joined(separator: ", ")
    }
}

/// Rows kept as the bytes of the page they came in.
public struct RowBytes: Sendable {
    public let body: [UInt8]
    public let spans: [Range<Int>]

    /// A fingerprint of row `index`'s bytes, for telling rows apart.
    public func fingerprint(_ index: Int) -> Int { Self.fingerprint(body, spans[index]) }

    /// Eight bytes at a time, each word multiplied with the state to 128 bits and folded (wyhash's mixing):
    /// every bit of a word reaches every bit of the state, at a few cycles a word (Swift's seeded hasher cost
    /// a fifth of a long walk's CPU). A walk fingerprints every row it copies.
    public static func fingerprint(_ body: [UInt8], _ span: Range<Int>) -> Int {
        func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
            let product = a.multipliedFullWidth(by: b)
            return product.high ^ product.low
        }
        return body.withUnsafeBytes { page in
            let bytes = UnsafeRawBufferPointer(rebasing: page[span])
            var hash: UInt64 = 0xA076_1D64_78BD_642F ^ UInt64(bytes.count)
            var offset = 0
            while offset + 8 <= bytes.count {
                hash = mix(hash ^ 0xE703_7ED1_A0B4_28DB, bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self) ^ 0x8EBC_6AF0_9C88_C6E3)
                offset += 8
            }
            var tail: UInt64 = 0
            while offset < bytes.count {
                tail = tail << 8 | UInt64(bytes[offset])
                offset += 1
            }
            hash = mix(hash ^ 0x5899_65CC_7537_4CC3, tail ^ 0x1D8E_4E27_C47D_124F)
            return Int(bitPattern: UInt(truncatingIfNeeded: mix(hash, 0xE703_7ED1_A0B4_28DB ^ UInt64(bytes.count))))
        }
    }

    public func forEach(_ each: (UnsafeBufferPointer<UInt8>) -> Void) {
        body.withUnsafeBufferPointer { page in
            for span in spans { each(UnsafeBufferPointer(rebasing: page[span])) }
        }
    }
}

/// Finds rows in any common envelope, in this order: a bare array; DRF's `results`; `data` (an array, or
/// an object holding one, as in `{status, data, pagination}`); HAL's `_embedded` object holding one (Spring
/// HATEOAS); Elasticsearch's `hits.hits`; otherwise the one array of objects among the object's values
/// (`{notifications: [...], total: 5}`, `{vendors: [...], demand_index: …}`).
public enum CollectionReader {
    public static func read(_ document: JSON) -> CollectionPage {
        read(document, found: locate(in: document))
    }

    private static func read(_ document: JSON, found: (rows: [JSON], keys: [String])?) -> CollectionPage {
        var info = PageInfo()
        var containers: [JSON] = [document]
        if found?.keys.first?.hasPrefix("data") == true, let data = document["data"], data.isObject { containers.append(data) }
        for holder in containers {
            for key in containerKeys {
                if let nested = holder[key], nested.isObject {
                    merge(nested, into: &info)
                    if let deeper = nested["pagination"], deeper.isObject { merge(deeper, into: &info) }
                }
            }
            merge(holder, into: &info)
        }
        // A `links` object (JSON:API's, Laravel's, HAL's `_links`) places the page and says whether one
        // follows: its `next` is left out, or null, on the last.
        if document["links"]?.isObject == true || document["_links"]?.isObject == true {
            info.placesItself = true
            info.saysNext = true
        }
        switch document["object"]?.stringValue {
        // Stripe's lists give no link: the next page starts after the last row's id.
        case "list"?:
            info.pagedBy = "Stripe's `starting_after` ids"
            if info.nextQuery == nil, info.next == nil, info.hasNext == true {
                switch found?.rows.last?["id"] {
                case let .string(id)? where !id.isEmpty, let .number(id)?: info.nextQuery = QueryParameter("starting_after", id)
                default: info.unreachable = "says more rows follow (`has_more`) but has no last row's id to start after"
                }
            }
        // Its searches give a `next_page` token, sent back as `page`.
        case "search_result"?:
            info.pagedBy = "Stripe's `next_page` tokens"
            if info.nextQuery == nil, let token = document["next_page"]?.stringValue, !token.isEmpty { info.nextQuery = QueryParameter("page", token) }
        default:
            guard info.page == nil, info.offset == nil else { break }
            // Tokens, of a known convention or the server's own, or links by cursor (DRF's CursorPagination).
            if info.tokensOnly, let token = info.nextQuery { info.pagedBy = "`\(token.name)` tokens" }
            else if let key = info.cursor { info.pagedBy = "`\(key)` tokens" }
            else if let next = info.next, URLEncoding.queryItems(of: next).contains(where: { cursorParameters.contains($0.0) }) { info.pagedBy = "cursor links" }
        }
        // Elasticsearch's `hits.total` (a number, or `{"value": 12, "relation": "eq"}`, where `gte` is a lower
        // bound) counts rows past the page that only `from` and `size` reach, which the page does not give.
        if found?.keys == ["hits", "hits"], let rows = found?.rows {
            info.pagedBy = "Elasticsearch's from and size"
            if let total = document["hits"]?["total"] {
                let counted = total.intValue ?? total["value"]?.intValue ?? 0
                let atLeast = total["relation"]?.stringValue == "gte"
                if counted > rows.count || (atLeast && counted == rows.count && counted > 0) {
                    info.unreachable = "holds \(rows.count) of the \(atLeast ? "at least " : "")\(counted) rows its `hits.total` counts (Elasticsearch's others are asked for by from and size, which the page does not give)"
                }
            }
        }
        return CollectionPage(document: document, rows: found?.rows, info: info, rowKeys: found?.keys)
    }

    /// Reads a page parsed keeping its rows as bytes. Unless the rows found are the objects kept so, all of
    /// them, the page is parsed whole again: every reader of it then sees it in full.
    public static func read(_ parsed: ListedDocument) throws(JSONParseError) -> CollectionPage {
        let found = locate(in: parsed.value)
        var page = read(parsed.value, found: found)
        guard parsed.unbuilt > 0 else { return page }
        if let found, let spans = parsed.listed[found.keys], spans.count == found.rows.count, spans.count == parsed.unbuilt {
            page.rowBytes = RowBytes(body: parsed.bytes, spans: spans)
            return page
        }
        var whole = read(try JSON.parse(parsed.bytes))
        // A walk tells rows apart by their bytes on the pages read at their place; the places the listed parse
        // kept serve that alone here (rows are printed from the values built), so the first page compares with
        // the next.
        if let keys = whole.rowKeys, let spans = parsed.listed[keys], spans.count == whole.rows?.count {
            whole.rowPrints = spans.map { RowBytes.fingerprint(parsed.bytes, $0) }
        }
        return whole
    }

    public static func rows(in document: JSON) -> (rows: [JSON], path: String)? {
        locate(in: document).map { ($0.rows, $0.keys.joined(separator: ".")) }
    }

    /// The rows and the keys that lead to them from the root (none for a bare array).
    static func locate(in document: JSON) -> (rows: [JSON], keys: [String])? {
        switch document {
        case let .array(items): return (items, [])
        case let .object(pairs):
            if let results = document["results"]?.arrayValue { return (results, ["results"]) }
            if let data = document["data"] {
                if let items = data.arrayValue { return (items, ["data"]) }
                if data.isObject, let inner = locate(in: data), !inner.keys.isEmpty { return (inner.rows, ["data"] + inner.keys) }
            }
            // HAL's list, named inside `_embedded`, where the rest of the document is links and paging (a
            // resource's own `_embedded` lists are its fields). Spring HATEOAS leaves `_embedded` out of an
            // empty page.
            if pairs.allSatisfy({ $0.0.hasPrefix("_") || halKeys.contains($0.0) }) {
                if let embedded = document["_embedded"], embedded.isObject, let inner = locate(in: embedded), !inner.keys.isEmpty {
                    return (inner.rows, ["_embedded"] + inner.keys)
                }
                if document["_embedded"] == nil, document["_links"]?.isObject == true, document["page"]?["totalElements"] != nil { return ([], ["_embedded"]) }
            }
            if let hits = document["hits"]?["hits"]?.arrayValue { return (hits, ["hits", "hits"]) }
            let arrays = pairs.filter { $0.1.arrayValue.map { $0.allSatisfy(\.isObject) } ?? false }
            let filled = arrays.filter { !($0.1.arrayValue?.isEmpty ?? true) }
            if filled.count == 1 { return (filled[0].1.arrayValue ?? [], [filled[0].0]) }
            if filled.isEmpty, arrays.count == 1 { return ([], [arrays[0].0]) }
            return nil
        default:
            return nil
        }
    }

    /// Objects of paging facts beside the rows.
    private static let containerKeys = ["pagination", "meta", "page_info", "paging", "pageInfo", "links", "_links", "response_metadata", "page"]
    private static let linkKeys = ["next", "next_page_url", "next_url", "next_link", "nextLink", "@odata.nextLink"]
    private static let hasNextKeys = ["has_next", "has_more", "hasNext", "hasMore"]
    private static let cursorKeys = ["next_cursor", "nextCursor", "next_page_token", "nextPageToken", "next_token", "nextToken",
                                     "continuation", "continuationToken", "continuation_token"]
    /// The parameters a next link carries a cursor in, where the link pages by cursor, not number (DRF's
    /// `cursor`, HubSpot's and JSON:API's `after`, Stripe's `starting_after`, Google's `pageToken`).
    private static let cursorParameters: Set<String> = ["cursor", "after", "starting_after", "page_token", "pageToken", "page[after]", "page[cursor]"]
    /// The parameters the widely used tokens are sent back in (Slack's, Google's API design guide's).
    private static let tokenParameters = ["next_cursor": "cursor", "nextCursor": "cursor", "next_page_token": "page_token", "nextPageToken": "pageToken"]
    /// A list's total. `count` is DRF's total, but beside `total` (Fractal's pagination) it counts the page's rows.
    private static let totalKeys = ["total", "total_count", "total_items", "total_results", "totalCount", "totalElements",
                                    "totalItems", "total_entries", "@odata.count", "count"]

    /// Every field `merge` reads.
    private static let pagingKeys = Set(linkKeys + hasNextKeys + cursorKeys + totalKeys + [
        "page", "current_page", "page_number", "currentPage", "offset", "start",
        "page_size", "per_page", "limit", "pageSize", "perPage",
        "total_pages", "num_pages", "last_page", "totalPages", "pages",
    ])
    /// What a HAL list holds beside `_embedded` and its other `_` members (`_links`, HAL-FORMS' `_templates`).
    private static let halKeys = pagingKeys.union(containerKeys)

    /// A link object without a link but with a token (`{"after": …}`, `{"after": …, "link": null}`);
    /// `{"link": null}` or `{"after": null}` is a last page's.
    private static func holdsToken(_ value: JSON) -> Bool {
        func absent(_ link: JSON?) -> Bool { link.map { $0.isNull || $0.stringValue == "" } ?? true }
        return value.isObject && absent(value["href"]) && absent(value["link"])
            && (value.objectValue ?? []).contains { !["href", "link", "templated"].contains($0.0) && !absent($0.1) }
    }

    /// A URI template with every variable undefined: its `{…}` expressions expand to nothing.
    static func expandingEmpty(_ template: String) -> String {
        var expanded = "", inExpression = false
        for character in template {
            switch character {
            case "{": inExpression = true
            case "}": inExpression = false
            default: if !inExpression { expanded.append(character) }
            }
        }
        return expanded
    }

    private static func merge(_ holder: JSON, into info: inout PageInfo) {
        guard case let .object(pairs) = holder else { return }
        // A next link or token alone places no page: many servers leave it out of the last (OData, Graph, Google).
        if !info.placesItself { info.placesItself = pairs.contains { pagingKeys.contains($0.0) && !linkKeys.contains($0.0) && !cursorKeys.contains($0.0) } }
        // A `next` that holds a token (HubSpot's `{"after": …}`) says more follow, as the token does.
        if !info.saysNext { info.saysNext = pairs.contains { hasNextKeys.contains($0.0) || (linkKeys.contains($0.0) && !holdsToken($0.1)) } }
        func int(_ keys: String...) -> Int? {
            for key in keys {
                guard let value = holder[key]?.intValue else { continue }
                guard value <= PageInfo.largest else {
                    if info.outOfRange == nil { info.outOfRange = "\(key) \(value)" }
                    return nil
                }
                return value
            }
            return nil
        }
        if info.next == nil, info.nextPage == nil {
            for key in linkKeys {
                switch holder[key] {
                case let .string(link)? where !link.isEmpty: info.next = link
                case let .number(text)?: info.nextPage = Int(text)
                // A link object: JSON:API 1.1's `{"href": …}`, HubSpot's `{"after": …, "link": …}`.
                case let link? where link.isObject:
                    guard let href = (link["href"] ?? link["link"])?.stringValue, !href.isEmpty else {
                        if info.cursor == nil, holdsToken(link) { info.cursor = key }
                        if info.nextQuery == nil, let after = link["after"]?.stringValue, !after.isEmpty { info.nextQuery = QueryParameter("after", after) }
                        continue
                    }
                    // A templated link (RFC 6570) expands without the variables none are given for.
                    info.next = link["templated"]?.boolValue == true ? Self.expandingEmpty(href) : href
                default: continue
                }
                break
            }
        }
        // An empty token ends the list, as does Twitter's `next_cursor: 0` (and its string, `"0"`).
        func token(_ key: String) -> String? {
            switch holder[key] {
            case let .string(text)? where !text.isEmpty && text != "0": return text
            case let .number(text)? where text != "0": return text
            default: return nil
            }
        }
        if info.cursor == nil, let (key, value) = cursorKeys.lazy.compactMap({ key in token(key).map { (key, $0) } }).first {
            info.cursor = key
            if info.nextQuery == nil, let name = tokenParameters[key] { info.nextQuery = QueryParameter(name, value) }
        }
        if info.hasNext == nil {
            info.hasNext = hasNextKeys.lazy.compactMap { key -> Bool? in
                switch holder[key] {
                case let .bool(flag)?: return flag
                case .string("true")?: return true
                case .string("false")?: return false
                default: return nil
                }
            }.first
        }
        // Spring's pages: `number` from 0, `size`, `totalElements`, and `last` on the last.
        let spring = holder["totalElements"] != nil || holder["totalPages"] != nil
        if spring, info.page == nil, let number = int("number") {
            info.page = number
            info.base = 0
        }
        if spring, info.hasNext == nil, let last = holder["last"]?.boolValue { info.hasNext = !last }
        if spring, info.pageSize == nil, let size = int("size") {
            info.pageSize = size
            info.sizeParameter = "size"
        }
        if info.page == nil { info.page = int("page", "current_page", "page_number", "currentPage") }
        if info.offset == nil { info.offset = int("offset", "start") }
        if info.pageSize == nil {
            for key in ["page_size", "per_page", "limit", "pageSize", "perPage"] {
                if let size = int(key) {
                    info.pageSize = size
                    info.sizeParameter = key
                    break
                }
            }
        }
        if info.totalPages == nil { info.totalPages = int("total_pages", "num_pages", "last_page", "totalPages", "pages") }
        if info.total == nil {
            for key in totalKeys {
                if let value = int(key) { info.total = value; break }
                // A total too large to believe is reported, not passed over for a lesser field.
                if info.outOfRange != nil { break }
            }
        }
    }
}
