import Foundation
import ServiceLifecycle

/// Turns a request into a response: test hooks first, then recording and fault injection, routing,
/// authentication, the handler, and DRF-shaped errors for everything that goes wrong.
struct Dispatcher: Sendable {
    let sandbox: Sandbox
    private let api: RouteTable
    private let hooks: RouteTable

    init(sandbox: Sandbox) {
        self.sandbox = sandbox
        var api = RouteTable()
        AuthRoutes(sandbox: sandbox).register(in: &api)
        ServiceRoutes(sandbox: sandbox).register(in: &api)
        BookingRoutes(sandbox: sandbox).register(in: &api)
        PricingRoutes(sandbox: sandbox).register(in: &api)
        SchedulingRoutes(sandbox: sandbox).register(in: &api)
        SignatureRoutes(sandbox: sandbox).register(in: &api)
        PhotoRoutes(sandbox: sandbox).register(in: &api)
        VendorRoutes(sandbox: sandbox).register(in: &api)
        DisputeRoutes(sandbox: sandbox).register(in: &api)
        AdminRoutes(sandbox: sandbox).register(in: &api)
        InsightRoutes(sandbox: sandbox).register(in: &api)
        self.api = api
        var hooks = RouteTable()
        SandboxHookRoutes(sandbox: sandbox).register(in: &hooks)
        self.hooks = hooks
    }

    func respond(to request: APIRequest) async -> APIResponse {
        if request.path == "/sandbox" || request.path.hasPrefix("/sandbox/") {
            return await route(request, in: hooks)
        }
        sandbox.journal.record(method: request.method, path: request.path, query: request.rawQuery)
        await pause(milliseconds: sandbox.options.latencyMilliseconds)
        let fault = sandbox.faults.take(method: request.method, path: request.path, query: request.query)
        if let fault { await pause(milliseconds: fault.delayMilliseconds) }
        if let fault, fault.status != nil, !fault.truncate {
            return fault.response
        }
        var response: APIResponse
        if request.path.hasPrefix("/media/") {
            response = serveMedia(request)
        } else if request.path.hasPrefix("/ws/") {
            response = WebSocketRoutes(sandbox: sandbox).rejectPlainRequest(request)
        } else {
            response = await route(request, in: api)
        }
        if let fault, fault.truncate, !response.body.isEmpty {
            // Keep the status and headers; cut the JSON in half so it cannot parse.
            response.body = Array(response.body.prefix(max(1, response.body.count / 2)))
            if let status = fault.status { response.status = status }
        }
        if let fault { response = response.with(headers: fault.headers) }
        return response
    }

    /// An asynchronous wait, so other requests go on meanwhile; a long one must not hold up SIGTERM, so
    /// shutdown cuts it short.
    private func pause(milliseconds: Int) async {
        guard milliseconds > 0 else { return }
        let nanoseconds = UInt64(milliseconds) * 1_000_000
        try? await cancelWhenGracefulShutdown { try await Task.sleep(nanoseconds: nanoseconds) }
    }

    private func route(_ request: APIRequest, in table: RouteTable) async -> APIResponse {
        var request = request
        do {
            // DRF negotiates the answer's type before it authenticates, on every view.
            if !Self.acceptsJSON(request.header("Accept")), !table.view(path: request.path).isEmpty {
                throw APIError.notAcceptable
            }
            if request.method == "OPTIONS" {
                // DRF answers OPTIONS on every view with its metadata, once the view's authentication passed; the
                // parts clients use are Allow and the media types.
                let view = table.view(path: request.path).map(\.route)
                guard !view.isEmpty else { throw APIError.notFoundDefault }
                try authenticateForView(&request, view)
                return .json([
                    "renders": ["application/json"],
                    "parses": ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"],
                ]).with(header: "Allow", RouteTable.allowHeader(view.map(\.method)))
            }
            switch table.match(method: request.method, path: request.path) {
            case .notFound:
                throw APIError.notFoundDefault
            case .methodNotAllowed(let view):
                // DRF authenticates before it looks for the method's handler: 401 comes before 405.
                try authenticateForView(&request, view)
                return sandbox.shapes.response(for: .methodNotAllowed(request.method))
                    .with(header: "Allow", RouteTable.allowHeader(view.map(\.method)))
            case .redirect(let location):
                // Django's CommonMiddleware answers a missing trailing slash with a permanent redirect.
                let target = request.rawQuery.isEmpty ? location : location + "?" + request.rawQuery
                return APIResponse(status: 301, headers: [("Location", target)], body: [])
            case .found(let route, let parameters):
                request.parameters = parameters
                try authorize(&request, for: route.access)
                return try await route.handler(request)
            }
        } catch let error as APIError {
            return sandbox.shapes.response(for: error)
        } catch {
            Sandbox.log("error: \(request.method) \(request.path): \(error)")
            return sandbox.shapes.serverError
        }
    }

    /// Whether an Accept header lets the answer be JSON: absent, or naming `application/json`, `application/*`
    /// or `*/*` among its types (DRF's `DefaultContentNegotiation`, the only renderer being JSON's).
    static func acceptsJSON(_ accept: String?) -> Bool {
        guard let accept, accept.contains(where: { !$0.isWhitespace }) else { return true }
        return accept.split(separator: ",").contains { range in
            let type = range.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            return type == "*/*" || type == "application/*" || type == "application/json"
        }
    }

    /// A view's checks without a route to run: the request passes when one of the view's routes would let it
    /// through, and is refused as the first of them refuses it otherwise (a bad token or none 401, a role 403).
    private func authenticateForView(_ request: inout APIRequest, _ view: [Route]) throws {
        var refusal: (any Error)?
        for route in view {
            do { return try authorize(&request, for: route.access) } catch { refusal = refusal ?? error }
        }
        if let refusal { throw refusal }
    }

    private func authorize(_ request: inout APIRequest, for access: Access) throws {
        if case .credentials = access { return }
        request.user = try sandbox.authenticate(authorization: request.header("Authorization"))
        switch access {
        case .anyone, .credentials:
            return
        case .authenticated:
            if request.user == nil { throw APIError.notAuthenticated }
        case .roles(let roles):
            guard let user = request.user else { throw APIError.notAuthenticated }
            if !roles.contains(user.role) { throw APIError.permissionDenied }
        }
    }

    private func serveMedia(_ request: APIRequest) -> APIResponse {
        guard request.method == "GET" else {
            return sandbox.shapes.response(for: .methodNotAllowed(request.method))
        }
        let relative = String(request.path.dropFirst("/media/".count))
        guard let bytes = sandbox.media.read(relative) else { return sandbox.shapes.response(for: .notFoundDefault) }
        let ext = relative.split(separator: ".").last.map(String.init) ?? ""
        return .bytes(bytes, contentType: MediaStore.contentType(forExtension: ext))
    }
}
