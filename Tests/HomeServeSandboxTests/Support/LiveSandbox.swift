import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest
@testable import HomeServeSandbox

struct SandboxStartError: Error, CustomStringConvertible {
    let description: String
}

/// A sandbox served in-process from the library on 127.0.0.1 and a free port, spoken to over real HTTP.
final class LiveSandbox: Sendable {
    let url: String
    private let server: Task<Int32, Never>

    private init(url: String, server: Task<Int32, Never>) {
        self.url = url
        self.server = server
    }

    /// Starts a sandbox with these command-line options, runs `body` against it, and stops it.
    static func with<T: Sendable>(_ arguments: [String] = [], _ body: (LiveSandbox) async throws -> T) async throws -> T {
        let sandbox = try await start(arguments)
        do {
            let result = try await body(sandbox)
            await sandbox.stop()
            return result
        } catch {
            await sandbox.stop()
            throw error
        }
    }

    static func start(_ arguments: [String]) async throws -> LiveSandbox {
        guard case .run(let options) = SandboxOptions.parse(["--host", "127.0.0.1", "--port", "0"] + arguments) else {
            throw SandboxStartError(description: "bad options: \(arguments)")
        }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let server = Task {
            let status = await SandboxServer.serve(options, stopsOnSignals: false) { _, port in
                continuation.yield(port)
            }
            continuation.finish()
            return status
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            throw SandboxStartError(description: "the sandbox stopped before it listened")
        }
        return LiveSandbox(url: "http://127.0.0.1:\(port)", server: server)
    }

    func stop() async {
        server.cancel()
        _ = await server.value
    }

    // MARK: Requests

    func request(_ method: String, _ path: String, token: String? = nil, json: JSON? = nil,
                 body: Data? = nil, contentType: String? = nil, headers: [(String, String)] = []) async throws -> Reply
    {
        var request = URLRequest(url: URL(string: url + path)!)
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let json {
            request.httpBody = Data(json.bytes)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        } else if let body {
            request.httpBody = body
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        return try await HTTP.send(request)
    }

    func get(_ path: String, token: String? = nil) async throws -> Reply {
        try await request("GET", path, token: token)
    }

    func token(_ username: String) async throws -> String {
        let reply = try await request("POST", "/auth/login/", json: ["username": .string(username), "password": "password123"])
        guard let access = reply.json["access"]?.stringValue else {
            throw SandboxStartError(description: "login as \(username) failed: \(reply.text)")
        }
        return access
    }

    /// A multipart/form-data body with text fields and one file.
    func upload(_ path: String, token: String, fields: [(String, String)], file: (field: String, name: String, type: String, data: Data))
        async throws -> Reply
    {
        let boundary = "sandbox-test-\(UUID().uuidString)"
        var body = Data()
        for (name, value) in fields {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.name)\"\r\nContent-Type: \(file.type)\r\n\r\n".utf8))
        body.append(file.data)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        return try await request("POST", path, token: token, body: body, contentType: "multipart/form-data; boundary=\(boundary)")
    }
}

/// A reply as the client saw it.
struct Reply: Sendable {
    let status: Int
    /// Header names lowercased.
    let headers: [String: String]
    let body: Data

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: JSON { (try? JSONParser.parse(Array(body))) ?? .null }
    func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// URLSession that does not follow redirects, so a test sees a 301 as the client would first get it.
enum HTTP {
    // @unchecked: the delegate holds no state.
    private final class NoRedirects: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
        func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void)
        {
            completionHandler(nil)
        }
    }

    private static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 120
        configuration.httpMaximumConnectionsPerHost = 8
        return URLSession(configuration: configuration, delegate: NoRedirects(), delegateQueue: nil)
    }()

    static func send(_ request: URLRequest) async throws -> Reply {
        try await withCheckedThrowingContinuation { continuation in
            session.dataTask(with: request) { data, response, error in
                if let error {
                    continuation.resume(throwing: error)
                    return
                }
                let http = response as? HTTPURLResponse
                var headers: [String: String] = [:]
                for (key, value) in http?.allHeaderFields ?? [:] {
                    if let key = key as? String, let value = value as? String { headers[key.lowercased()] = value }
                }
                continuation.resume(returning: Reply(status: http?.statusCode ?? 0, headers: headers, body: data ?? Data()))
            }.resume()
        }
    }
}

extension JSON {
    subscript(key: String) -> JSON? { objectValue?[key] }
    subscript(index: Int) -> JSON? {
        guard let array = arrayValue, array.indices.contains(index) else { return nil }
        return array[index]
    }
    var intValue: Int? { if case .number(let n) = self { return Int(n) } else { return nil } }
    var doubleValue: Double? { if case .number(let n) = self { return Double(n) } else { return nil } }
    var keys: [String] { objectValue?.keys ?? [] }
    var items: [JSON] { arrayValue ?? [] }
}

/// A real PNG (1×1, transparent) and some arbitrary bytes, for upload round trips.
enum Fixtures {
    static let png = Data(base64Encoded:
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")!
    static let binary = Data((0..<1024).map { UInt8(($0 * 37 + 11) % 256) })
}
