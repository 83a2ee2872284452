import Foundation

/// `/admin-dashboard/...`: operations views over the live data. Only ops managers and super admins.
struct AdminRoutes: Sendable {
    let sandbox: Sandbox

    func register(in table: inout RouteTable) {
        let ops = Access.roles(Role.operators)
        table.add("GET", "/admin-dashboard/cache/", ops) { _ in self.cacheStats() }
        table.add("POST", "/admin-dashboard/cache/", ops) { try await self.clearCache($0) }
        table.add("GET", "/admin-dashboard/pincode-scaling/data/", ops) { try await self.pincodeScaling($0) }
        table.add("GET", "/admin-dashboard/edit-history/", ops) { try await self.editHistory($0) }
        table.add("GET", "/admin-dashboard/edit-history/export/", ops) { try await self.exportHistory($0) }
        table.add("POST", "/admin-dashboard/edit-history/export/", ops) { try await self.exportHistory($0) }
        table.add("GET", "/admin-dashboard/dashboard/stats/", ops) { _ in try self.dashboardStats() }
        table.add("GET", "/admin-dashboard/notifications/", ops) { _ in try self.notificationStats() }
        table.add("POST", "/admin-dashboard/notifications/", ops) { try await self.runTask($0) }
        table.add("GET", "/admin-dashboard/notifications/logs/", ops) { try await self.notificationLogs($0) }
        table.add("GET", "/admin-dashboard/notifications/alerts/", ops) { try await self.alerts($0) }
        table.add("GET", "/admin-dashboard/analytics/pincode/", ops) { try await self.pincodeAnalytics($0) }
    }
}
