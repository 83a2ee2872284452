import Foundation

/// `/admin-dashboard/cache/`: hit rates of the response caches, and clearing them.
extension AdminRoutes {
    func cacheStats() -> APIResponse {
        let stats = sandbox.cache.stats()
        let hits = stats.reduce(0) { $0 + $1.hits }
        let lookups = stats.reduce(0) { $0 + $1.hits + $1.misses }
        func rate(_ hits: Int, _ lookups: Int) -> JSON { .double(lookups == 0 ? 0 : PriceQuote.round2(Double(hits) / Double(lookups))) }
        return .json([
            "cache_stats": [
                // The caches live in the sandbox process, so they are always reachable.
                "overall_health": "healthy",
                "hit_rate": rate(hits, lookups),
                "total_keys": .int(stats.reduce(0) { $0 + $1.keys }),
                "ttl_seconds": .int(Int(ResponseCache.timeToLive)),
                "caches": .array(stats.map { cache in
                    ["name": .string(cache.name), "keys": .int(cache.keys), "hits": .int(cache.hits),
                     "misses": .int(cache.misses), "hit_rate": rate(cache.hits, cache.hits + cache.misses),
                     "last_cleared": .optional(cache.clearedAt?.iso)]
                }),
            ],
            "timestamp": .string(Timestamp.now().iso),
        ])
    }

    func clearCache(_ request: APIRequest) async throws -> APIResponse {
        let user = try request.requiredUser
        var fields = FieldReader(try request.data().fields)
        let type = fields.choice("cache_type", ["all"] + ResponseCache.names) ?? "all"
        try fields.check()
        let cleared = sandbox.cache.clear(type == "all" ? ResponseCache.names : [type])
        let total = cleared.reduce(0) { $0 + $1.1 }
        try sandbox.store.write { db in
            try db.recordEdit(user: user, model: "Cache", objectID: type, action: "delete", before: nil, after: nil)
        }
        return .json([
            "message": .string("Cleared \(total) key(s) from \(type == "all" ? "all caches" : "the \(type) cache")."),
            "cache_type": .string(type),
            "cleared": .object(JSONObject(cleared.map { ($0.0, JSON.int($0.1)) })),
            "timestamp": .string(Timestamp.now().iso),
        ])
    }
}
