struct InsightRoutes: Sendable {
    let sandbox: Sandbox
    func register(in table: inout RouteTable) {}
}
