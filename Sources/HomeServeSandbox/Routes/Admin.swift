struct AdminRoutes: Sendable {
    let sandbox: Sandbox
    func register(in table: inout RouteTable) {}
}
