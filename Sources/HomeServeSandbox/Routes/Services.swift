/// `/api/services/`: the catalogue. Readable by anyone; inactive services are hidden, as the real queryset
/// filters them out.
struct ServiceRoutes: Sendable {
    let sandbox: Sandbox

    func register(in table: inout RouteTable) {
        table.add("GET", "/api/services/", .anyone) { try await self.list($0) }
        table.add("GET", "/api/services/{id}/", .anyone) { try await self.detail($0) }
    }

    private func list(_ request: APIRequest) async throws -> APIResponse {
        let category = request.query("category").flatMap { $0.isEmpty ? nil : $0 }
        var query = QueryReader(request)
        let paging = PageRequest(sandbox.shapes.envelope(.services), &query)
        try query.check()
        // Links in the page embed the Host, so the host is part of the key.
        let body = try sandbox.cache.value("services", key: request.host + "?" + request.rawQuery) {
            try sandbox.store.read { db -> JSON in
                let filter = category == nil ? "" : " AND category = ? COLLATE NOCASE"
                let parameters: [any SQLConvertible] = category.map { [$0] } ?? []
                let count = try db.scalarInt("SELECT COUNT(*) FROM services WHERE is_active = 1" + filter, parameters)
                let window = try paging.window(total: count)
                let rows = try db.query(
                    "SELECT * FROM services WHERE is_active = 1\(filter) ORDER BY id LIMIT ? OFFSET ?",
                    parameters + [window.size, window.offset])
                return paging.envelope.body(rows.map { Service(row: $0).json }, window, request: request)
            }
        }
        return .json(body)
    }

    private func detail(_ request: APIRequest) async throws -> APIResponse {
        guard let id = Int(request.parameter(0)),
              let service = try sandbox.store.read({ try $0.service(id: id) }), service.isActive
        else { throw APIError.notFoundDefault }
        return .json(service.json)
    }
}
