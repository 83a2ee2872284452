import Foundation

/// How one list endpoint reads its page parameters and wraps its rows. The guide's three styles come first;
/// the others are what `--shapes variant` serves, each a convention real deployments of this API use.
enum ListEnvelope: Sendable, Equatable {
    /// DRF: `{"count", "next", "previous", "results"}`, `?page=` (or `last`) and `?page_size=`; a page out of
    /// range is a 404.
    case drf
    /// The guide's admin lists: `{KEY: [...], "pagination": {"page", "per_page", "total", "total_pages",
    /// "has_next", "has_previous"}}`, `?page=&per_page=`; a page past the end is empty.
    case adminPagination(key: String)
    /// The guide's dispute thread: `{"messages", "total_count", "page", "page_size", "has_more"}`.
    case messageWindow
    /// `{"status": "success", "data": [...], "pagination": {"page", "per_page", "total", "total_pages", "has_next"}}`.
    case statusData
    /// `{"data": {"results": [...], "count"}, "meta": {"page", "page_size", "total_pages"}}`.
    case nestedResults
    /// `{KEY: [...], "meta": {"page", "page_size", "total", "total_pages"}}`.
    case keyedMeta(key: String)
    /// `{KEY: [...], "total", "page", "per_page"}`.
    case keyedTotal(key: String)
    /// Laravel's: `{KEY: [...], "meta": {"current_page", "per_page", "total", "last_page"}}`.
    case keyedLaravel(key: String)
    /// `{KEY: [...], "total", "page", "per_page", "next_page"}`, `next_page` null on the last page.
    case keyedNextPage(key: String)
    /// `{KEY: [...], "paging": {"offset", "limit", "total"}}`, `?offset=&limit=`.
    case keyedOffset(key: String)

    static let maxPageSize = 100

    /// What a client sends and gets back, for `--help` and the documentation.
    var summary: String {
        switch self {
        case .drf: return "{count, next, previous, results}; ?page=&page_size="
        case .adminPagination(let key): return "{\(key), pagination: {page, per_page, total, total_pages, has_next, has_previous}}; ?page=&per_page="
        case .messageWindow: return "{messages, total_count, page, page_size, has_more}; ?page=&page_size="
        case .statusData: return "{status: \"success\", data, pagination: {page, per_page, total, total_pages, has_next}}; ?page=&per_page= (or page_size)"
        case .nestedResults: return "{data: {results, count}, meta: {page, page_size, total_pages}}; ?page=&page_size= (or per_page)"
        case .keyedMeta(let key): return "{\(key), meta: {page, page_size, total, total_pages}}; ?page=&page_size= (or per_page)"
        case .keyedTotal(let key): return "{\(key), total, page, per_page}; ?page=&per_page= (or page_size)"
        case .keyedLaravel(let key): return "{\(key), meta: {current_page, per_page, total, last_page}}; ?page=&per_page= (or page_size)"
        case .keyedNextPage(let key): return "{\(key), total, page, per_page, next_page}; ?page=&per_page= (or page_size)"
        case .keyedOffset(let key): return "{\(key), paging: {offset, limit, total}}; ?offset=&limit="
        }
    }
}

/// The slice of a list one request asked for, read before counting so its errors join the other query errors.
struct PageRequest {
    let envelope: ListEnvelope
    private let request: APIRequest
    private let page: Int
    private let size: Int
    private let offset: Int?
    private let defaultSize: Int

    init(_ envelope: ListEnvelope, _ query: inout QueryReader, defaultSize: Int = Pagination.defaultPageSize) {
        self.envelope = envelope
        request = query.request
        self.defaultSize = defaultSize
        let max = ListEnvelope.maxPageSize
        switch envelope {
        case .drf:
            // DRF reads its parameters only once it knows the count; see `window(total:)`.
            (page, size, offset) = (1, defaultSize, nil)
        case .adminPagination:
            page = query.integer("page", min: 1) ?? 1
            size = query.integer("per_page", min: 1, max: max) ?? defaultSize
            offset = nil
        case .messageWindow:
            page = query.integer("page", min: 1) ?? 1
            size = query.integer("page_size", min: 1, max: max) ?? defaultSize
            offset = nil
        case .keyedOffset:
            offset = query.integer("offset", min: 0) ?? 0
            size = query.integer("limit", min: 1, max: max) ?? defaultSize
            page = 1
        case .statusData, .nestedResults, .keyedMeta, .keyedTotal, .keyedLaravel, .keyedNextPage:
            page = query.integer("page", min: 1) ?? 1
            // Either spelling of the page size; `per_page` wins when both are sent.
            let key = query.request.query("per_page") != nil ? "per_page" : "page_size"
            size = query.integer(key, min: 1, max: max) ?? defaultSize
            offset = nil
        }
    }

    /// The rows to read, once the total is known. Only DRF refuses a page out of range; the other styles
    /// answer it with no rows and the true totals.
    func window(total: Int) throws -> PageWindow {
        if envelope == .drf {
            let drf = try Pagination(request: request, count: total, defaultPageSize: defaultSize)
            return PageWindow(page: drf.page, size: drf.pageSize, offset: drf.offset, total: total)
        }
        if let offset { return PageWindow(page: 1, size: size, offset: offset, total: total) }
        let (value, overflow) = (page - 1).multipliedReportingOverflow(by: size)
        // SQLite takes any 64-bit offset; past the end it simply returns nothing.
        return PageWindow(page: page, size: size, offset: overflow ? Int.max / 2 : value, total: total)
    }
}

/// One page of a list: where it starts, how long it is, and how many rows there are in all.
struct PageWindow {
    let page: Int
    let size: Int
    let offset: Int
    let total: Int

    var totalPages: Int { max(1, (total + size - 1) / size) }
    var hasNext: Bool { offset < total - size }

    /// The rows of this page out of all of them, for lists computed in memory.
    func slice<T>(_ items: [T]) -> [T] {
        guard offset < items.count else { return [] }
        return Array(items[offset..<min(items.count, offset + size)])
    }
}

extension ListEnvelope {
    /// The reply for one page of `items`, with `extra` fields (filters, summaries) after the list and paging.
    func body(_ items: [JSON], _ window: PageWindow, request: APIRequest, extra: [(String, JSON)] = []) -> JSON {
        let (page, size, total) = (JSON.int(window.page), JSON.int(window.size), JSON.int(window.total))
        var fields: [(String, JSON)]
        switch self {
        case .drf:
            let drf = Pagination(page: window.page, pageSize: window.size, count: window.total)
            return drf.body(items, request: request)
        case .adminPagination(let key):
            fields = [(key, .array(items)),
                      ("pagination", SimplePage(page: window.page, perPage: window.size, total: window.total).json)]
        case .messageWindow:
            fields = [("messages", .array(items)), ("total_count", total), ("page", page), ("page_size", size),
                      ("has_more", .bool(window.offset + items.count < window.total))]
        case .statusData:
            fields = [("status", "success"), ("data", .array(items)),
                      ("pagination", ["page": page, "per_page": size, "total": total,
                                      "total_pages": .int(window.totalPages), "has_next": .bool(window.hasNext)])]
        case .nestedResults:
            fields = [("data", ["results": .array(items), "count": total]),
                      ("meta", ["page": page, "page_size": size, "total_pages": .int(window.totalPages)])]
        case .keyedMeta(let key):
            fields = [(key, .array(items)),
                      ("meta", ["page": page, "page_size": size, "total": total, "total_pages": .int(window.totalPages)])]
        case .keyedTotal(let key):
            fields = [(key, .array(items)), ("total", total), ("page", page), ("per_page", size)]
        case .keyedLaravel(let key):
            fields = [(key, .array(items)),
                      ("meta", ["current_page": page, "per_page": size, "total": total,
                                "last_page": .int(window.totalPages)])]
        case .keyedNextPage(let key):
            fields = [(key, .array(items)), ("total", total), ("page", page), ("per_page", size),
                      ("next_page", window.hasNext ? .int(window.page + 1) : .null)]
        case .keyedOffset(let key):
            fields = [(key, .array(items)),
                      ("paging", ["offset": .int(window.offset), "limit": size, "total": total])]
        }
        return .object(JSONObject(fields + extra))
    }
}
