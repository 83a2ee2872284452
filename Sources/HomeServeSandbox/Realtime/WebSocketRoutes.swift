import Foundation
import HTTPTypes
import HummingbirdWebSocket
import NIOWebSocket

/// The contract's four WebSocket feeds. The access token comes in `?token=` (browsers cannot set headers on
/// a WebSocket), or in an `Authorization: Bearer` header for clients that can.
struct WebSocketRoutes: Sendable {
    let sandbox: Sandbox

    typealias UpgradeResult = ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>>

    /// Called for requests carrying `Upgrade: websocket`. Refused upgrades fall through to the HTTP
    /// responder, which explains the refusal with a DRF-style error.
    func upgrade(_ head: HTTPRequest) async -> UpgradeResult {
        let request = APIRequest(
            method: head.method.rawValue, target: head.path ?? "/",
            headers: head.headerFields.map { ($0.name.rawName, $0.value) }, body: [], fallbackHost: "localhost")
        sandbox.journal.record(method: request.method, path: request.path, query: request.rawQuery)
        let channels: [String]
        do {
            channels = try self.channels(for: request)
        } catch {
            return refusal(error, path: request.path)
        }
        // Subscribe before the handshake completes so an event published right after the client sees
        // "connected" is not lost.
        let subscription = sandbox.events.subscribe(channels)
        let events = sandbox.events
        let dropAfter = sandbox.options.webSocketDropAfter
        Sandbox.log("WS \(request.path) open")
        return .upgrade([:]) { inbound, outbound, _ in
            defer {
                events.unsubscribe(subscription.id)
                Sandbox.log("WS \(request.path) closed")
            }
            if dropAfter == 0 {
                try await outbound.close(.goingAway, reason: "sandbox --ws-drop-after 0")
                return
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        guard case .text(let text) = message else { continue }
                        if Self.isPing(text) {
                            let pong: JSON = ["type": "pong", "data": [:], "timestamp": .string(Timestamp.now().iso)]
                            try await outbound.write(.text(pong.serialized))
                        } else if let chat = Self.chatMessage(text), channels.allSatisfy({ $0.hasPrefix("chat:") }) {
                            // As a Channels consumer's group_send: to everyone on the chat, the sender too.
                            events.publish(channels, type: "chat_message", data: chat)
                        }
                    }
                }
                group.addTask {
                    var sent = 0
                    for await text in subscription.messages {
                        try await outbound.write(.text(text))
                        sent += 1
                        if let dropAfter, sent >= dropAfter {
                            try await outbound.close(.goingAway, reason: "sandbox --ws-drop-after \(dropAfter)")
                            return
                        }
                    }
                }
                // Whichever side finishes first (client closed, or we dropped the connection) ends both.
                _ = try await group.next()
                group.cancelAll()
                events.unsubscribe(subscription.id)
            }
        }
    }

    /// A refused connection is accepted and closed at once with an application close code (4001 not
    /// authenticated, 4003 forbidden, 4004 not found) and DRF's detail as the reason: a bare failed handshake
    /// would tell the client nothing about why.
    private func refusal(_ error: Error, path: String) -> UpgradeResult {
        let response = (error as? APIError)?.response
        let code: UInt16
        switch response?.status {
        case 401: code = 4001
        case 403: code = 4003
        case 404: code = 4004
        default: code = 4000
        }
        var reason = "Refused."
        if let body = response?.body, case .object(let object)? = try? JSONParser.parse(body),
           let detail = object["detail"]?.stringValue
        {
            reason = detail
        }
        Sandbox.log("WS \(path) refused: \(code) \(reason)")
        // Close frames carry at most 123 bytes of reason.
        let shortReason = String(reason.utf8.prefix(120)) ?? "Refused."
        return .upgrade([:]) { _, outbound, _ in
            try await outbound.close(.unknown(code), reason: shortReason)
        }
    }

    /// The data of a `{"type": "chat_message", "data": …}` a client sent, or nil for anything else.
    private static func chatMessage(_ text: String) -> JSON? {
        guard case .object(let object)? = try? JSONParser.parse(Array(text.utf8)), object["type"] == .string("chat_message") else { return nil }
        return object["data"] ?? .object(JSONObject())
    }

    private static func isPing(_ text: String) -> Bool {
        if text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() == "ping" { return true }
        guard case .object(let object)? = try? JSONParser.parse(Array(text.utf8)) else { return false }
        return object["type"] == .string("ping")
    }

    /// A `/ws/...` request that did not upgrade: explain why, as an HTTP error.
    func rejectPlainRequest(_ request: APIRequest) -> APIResponse {
        do {
            _ = try channels(for: request)
            return .json(["detail": "This endpoint only speaks WebSocket; send an Upgrade: websocket request."],
                         status: 426).with(header: "Upgrade", "websocket")
        } catch let error as APIError {
            return error.response
        } catch {
            return .json(["detail": "A server error occurred."], status: 500)
        }
    }

    /// The event channels the caller may join at this path, or the reason they may not.
    private func channels(for request: APIRequest) throws -> [String] {
        let parts = request.path.split(separator: "/").map(String.init)
        guard parts.first == "ws", parts.count >= 3 else {
            throw APIError.notFoundDefault
        }
        let token = request.query("token") ?? request.header("Authorization").flatMap { header -> String? in
            let pieces = header.split(separator: " ")
            return pieces.count == 2 && pieces[0] == "Bearer" ? String(pieces[1]) : nil
        }
        guard let token, !token.isEmpty else { throw APIError.notAuthenticated }
        let user = try sandbox.user(forAccessToken: token)

        switch (parts[1], parts.count) {
        case ("bookings", 3):
            guard let id = Crypto.normalizedUUID(parts[2]),
                  let booking = try sandbox.store.read({ try BookingRoutes.visibleBooking(id: id, to: user, in: $0) })
            else { throw APIError.notFoundDefault }
            return ["booking:\(booking.id)"]
        case ("notifications", 3):
            let userID = try ownUserID(parts[2], user)
            return ["notifications:\(userID)"]
        case ("chat", 4), ("status", 4):
            let userID = try ownUserID(parts[2], user)
            guard let role = Role(rawValue: parts[3]) else { throw APIError.notFoundDefault }
            // The segment names the role the feed is watched as; only operators may watch as someone else.
            guard role == user.role || user.isOperator else { throw APIError.permissionDenied }
            return ["\(parts[1]):\(userID)"]
        default:
            throw APIError.notFoundDefault
        }
    }

    /// Users may watch their own feeds; operators may watch anyone's, as on the HTTP admin routes. Onboarding
    /// managers are staff but not operators, so they get no window into other users' chats.
    private func ownUserID(_ text: String, _ user: User) throws -> Int {
        guard let id = Int(text) else { throw APIError.notFoundDefault }
        guard id == user.id || user.isOperator else { throw APIError.permissionDenied }
        return id
    }
}
