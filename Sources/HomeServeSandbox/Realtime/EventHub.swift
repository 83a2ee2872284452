import Foundation

/// Fans events out to WebSocket connections. A connection subscribes to one or more channels
/// (`booking:<id>`, `notifications:<user>`, `chat:<user>`, `status:<user>`) and receives each event once,
/// however many of its channels the event was published to.
// @unchecked: every stored property that changes is read and written only while `lock` is held.
final class EventHub: @unchecked Sendable {
    struct Subscription {
        let id: Int
        let messages: AsyncStream<String>
    }

    private struct Subscriber {
        let channels: Set<String>
        let continuation: AsyncStream<String>.Continuation
    }

    private let lock = NSLock()
    private var subscribers: [Int: Subscriber] = [:]
    private var nextID = 1

    func subscribe(_ channels: [String]) -> Subscription {
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(1000))
        let id = lock.withLock {
            let id = nextID
            nextID += 1
            subscribers[id] = Subscriber(channels: Set(channels), continuation: continuation)
            return id
        }
        return Subscription(id: id, messages: stream)
    }

    func unsubscribe(_ id: Int) {
        let subscriber = lock.withLock { subscribers.removeValue(forKey: id) }
        subscriber?.continuation.finish()
    }

    /// Sends `{"type", "data", "timestamp"}`, the contract's `WebSocketMessage`.
    func publish(_ channels: [String], type: String, data: JSON) {
        let message: JSON = ["type": .string(type), "data": data, "timestamp": .string(Timestamp.now().iso)]
        let text = message.serialized
        let targets = Set(channels)
        let receivers = lock.withLock { subscribers.values.filter { !$0.channels.isDisjoint(with: targets) } }
        for receiver in receivers { receiver.continuation.yield(text) }
    }

    func finishAll() {
        let all = lock.withLock {
            let all = Array(subscribers.values)
            subscribers.removeAll()
            return all
        }
        for subscriber in all { subscriber.continuation.finish() }
    }
}
