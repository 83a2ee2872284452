import Foundation
import Hummingbird
import HummingbirdCore
import HTTPTypes
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOHTTP1

/// The `homeserve-sandbox` program: parse the command line, open the store, serve until SIGINT/SIGTERM.
public enum SandboxServer {
    /// Uploads are capped at 10 MB by the API; a little more is accepted so the handler can say so in JSON.
    static let maxBodySize = 12 * 1024 * 1024

    public static func run(arguments: [String]) async -> Int32 {
        let options: SandboxOptions
        switch SandboxOptions.parse(arguments) {
        case .help:
            print(SandboxOptions.usage)
            return 0
        case .failure(let message):
            Sandbox.log("homeserve-sandbox: \(message)")
            return 2
        case .run(let parsed):
            options = parsed
        }
        return await serve(options, stopsOnSignals: true) { host, port in
            // Written unbuffered: whoever started the sandbox waits for this line.
            FileHandle.standardOutput.write(Data("homeserve-sandbox listening on http://\(host):\(port)\n".utf8))
        }
    }

    /// Opens the store and serves until SIGTERM or SIGINT (when `stopsOnSignals`) or until the calling task is
    /// cancelled; `onListening` hears the address once connections are accepted. Returns the exit status.
    static func serve(_ options: SandboxOptions, stopsOnSignals: Bool,
                      onListening: @escaping @Sendable (_ host: String, _ port: Int) async -> Void) async -> Int32
    {
        let sandbox: Sandbox
        do {
            sandbox = try Sandbox(options: options)
        } catch {
            Sandbox.log("homeserve-sandbox: cannot start: \(error)")
            return 1
        }
        defer {
            sandbox.media.removeIfTemporary()
            sandbox.store.removeIfTemporary()
        }

        let dispatcher = Dispatcher(sandbox: sandbox)
        let sockets = WebSocketRoutes(sandbox: sandbox)
        // Hummingbird's own logging would otherwise go to stdout, where only the "listening" line belongs.
        var logger = Logger(label: "homeserve-sandbox") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .critical

        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            let response = await handle(request, dispatcher: dispatcher)
            Sandbox.log("\(request.method.rawValue) \(request.uri.path) \(response.status.code)")
            return response
        }
        let host = options.host
        let app = Application(
            responder: responder,
            server: HTTPServerBuilder { responder in
                ClosingChannel(HTTP1WebSocketUpgradeChannel(
                    responder: responder, configuration: .init(),
                    shouldUpgrade: { head, channel, _ in
                        let result = await sockets.upgrade(head)
                        // A WebSocket's frames are no HTTP answers to date.
                        if case .upgrade = result { try? await channel.pipeline.removeHandler(name: SandboxDate.name).get() }
                        return result
                    }))
            },
            configuration: .init(address: .hostname(host, port: options.port)),
            onServerRunning: { channel in
                await onListening(host, channel.localAddress?.port ?? options.port)
            },
            logger: logger
        )
        do {
            try await app.runService(gracefulShutdownSignals: stopsOnSignals ? [.sigterm, .sigint] : [])
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            Sandbox.log("homeserve-sandbox: cannot listen on \(host):\(options.port): the address is already in use (--port 0 picks a free port)")
            return 1
        } catch {
            Sandbox.log("homeserve-sandbox: \(error)")
            return 1
        }
        sandbox.events.finishAll()
        return 0
    }

    private static func handle(_ request: Request, dispatcher: Dispatcher) async -> Response {
        var body: [UInt8] = []
        do {
            var buffer = try await request.body.collect(upTo: maxBodySize)
            body = buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch {
            return makeResponse(dispatcher.sandbox.shapes.response(for: .payloadTooLarge))
        }
        let headers = request.headers.map { ($0.name.rawName, $0.value) }
        let isHead = request.method == .head
        let apiRequest = APIRequest(
            method: isHead ? "GET" : request.method.rawValue, target: request.head.path ?? "/", headers: headers,
            body: body, fallbackHost: request.head.authority ?? "localhost")
        var response = await dispatcher.respond(to: apiRequest)
        if isHead { response.body = [] }
        return makeResponse(response)
    }

    private static func makeResponse(_ response: APIResponse) -> Response {
        var fields = HTTPFields()
        for (name, value) in response.headers {
            if let field = HTTPField.Name(name) { fields.append(HTTPField(name: field, value: value)) }
        }
        return Response(
            status: HTTPResponse.Status(code: response.status),
            headers: fields,
            body: .init(byteBuffer: ByteBuffer(bytes: response.body)))
    }
}

/// A connection whose first request cannot be parsed (a control or non-ASCII byte in its request line) is
/// answered 400 and closed. Before its first request is read a connection has no handler of Hummingbird's to answer the
/// error, so it would otherwise stay open with the client waiting on it for ever; the handler that closes it
/// leaves once a request has been read, and Hummingbird answers later errors with a 400 itself.
struct ClosingChannel<Inner: ServerChildChannel>: ServerChildChannel {
    let inner: Inner

    init(_ inner: Inner) {
        self.inner = inner
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Inner.Value> {
        inner.setup(channel: channel, logger: logger).flatMapThrowing { value in
            try channel.pipeline.syncOperations.addHandler(CloseOnFirstError())
            try channel.pipeline.syncOperations.addHandler(SandboxDate(), name: SandboxDate.name)
            return value
        }
    }

    func handle(value: Inner.Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }

    private final class CloseOnFirstError: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = NIOAny

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            context.fireChannelRead(data)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }

        /// Answered as Hummingbird answers a bad request later on a connection, and closed.
        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            let head = HTTPResponseHead(version: .http1_1, status: .badRequest,
                                        headers: ["Connection": "close", "Content-Length": "0"])
            context.write(NIOAny(HTTPServerResponsePart.head(head)), promise: nil)
            let channel = context.channel
            context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        }
    }
}

/// The `Date` of every answer in the sandbox's time, once `POST /sandbox/clock` has moved it: a client that
/// measures the server's clock from it (`homeserve doctor`) sees the time the tokens were issued in.
/// Hummingbird dates each answer with the real time after the responder, so the header is set here, where
/// the answer's head passes on its way out; a connection upgraded to a WebSocket removes this handler.
final class SandboxDate: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart
    static let name = "homeserve-sandbox-date"

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case var .head(head) = unwrapOutboundIn(data), Timestamp.skew.load(ordering: .relaxed) != 0 else {
            return context.write(data, promise: promise)
        }
        head.headers.replaceOrAdd(name: "Date", value: Timestamp.now().httpDate)
        context.write(wrapOutboundOut(.head(head)), promise: promise)
    }
}
