import Foundation

/// DRF's `PageNumberPagination` with `page_size = 20`, `page_size_query_param = "page_size"` and
/// `max_page_size = 100`.
struct Pagination {
    static let defaultPageSize = 20
    static let maxPageSize = 100

    let page: Int
    let pageSize: Int
    let count: Int

    var offset: Int { (page - 1) * pageSize }

    init(page: Int, pageSize: Int, count: Int) {
        self.page = page
        self.pageSize = pageSize
        self.count = count
    }

    /// Validates `?page=` against `count`; an unusable page is a 404 "Invalid page.", as in DRF.
    init(request: APIRequest, count: Int, defaultPageSize: Int = Pagination.defaultPageSize) throws {
        // DRF falls back to the default for a page_size that is missing, non-numeric, zero or negative.
        if let raw = request.query("page_size"), let size = Int(raw.trimmingCharacters(in: .whitespaces)), size > 0 {
            pageSize = min(size, Self.maxPageSize)
        } else {
            pageSize = defaultPageSize
        }
        self.count = count
        let pages = max(1, (count + pageSize - 1) / pageSize)
        let raw = (request.query("page") ?? "1").trimmingCharacters(in: .whitespaces)
        if raw == "last" {
            page = pages
        } else if let number = Int(raw), number >= 1, number <= pages {
            page = number
        } else {
            throw APIError.notFound("Invalid page.")
        }
    }

    var hasNext: Bool { page * pageSize < count }

    /// `{"count", "next", "previous", "results"}` with absolute links built from the request's Host.
    func body(_ results: [JSON], request: APIRequest) -> JSON {
        let next: JSON = hasNext ? .string(link(request, page: page + 1)) : .null
        let previous: JSON = page > 1 ? .string(link(request, page: page == 2 ? nil : page - 1)) : .null
        return ["count": .int(count), "next": next, "previous": previous, "results": .array(results)]
    }

    /// Django's `replace_query_param`/`remove_query_param`: parameters come back sorted by name.
    private func link(_ request: APIRequest, page: Int?) -> String {
        var grouped: [(String, [String])] = []
        var positions: [String: Int] = [:]
        for (key, value) in request.query where key != "page" {
            if let i = positions[key] {
                grouped[i].1.append(value)
            } else {
                positions[key] = grouped.count
                grouped.append((key, [value]))
            }
        }
        if let page { grouped.append(("page", [String(page)])) }
        grouped.sort { $0.0 < $1.0 }
        let pairs = grouped.flatMap { key, values in values.map { (key, $0) } }
        return request.absoluteURL(path: request.rawPath, query: URLCoding.encodeQuery(pairs))
    }
}

/// The `pagination` object of the guide's admin lists (`page`/`per_page`; a page past the end is empty).
struct SimplePage {
    let page: Int
    let perPage: Int
    let total: Int

    var totalPages: Int { max(1, (total + perPage - 1) / perPage) }

    var json: JSON {
        ["page": .int(page), "per_page": .int(perPage), "total": .int(total), "total_pages": .int(totalPages),
         "has_next": .bool(page < totalPages), "has_previous": .bool(page > 1)]
    }
}
