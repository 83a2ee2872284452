import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest
import HomeServeCore

/// The built binaries live next to the test bundle, whatever the scratch path.
enum Binaries {
    static let directory: URL = {
        var dir = Bundle.main.bundleURL
        while !FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent("homeserve").path) && dir.path != "/" {
            dir.deleteLastPathComponent()
        }
        return dir
    }()
    static var cli: String { directory.appendingPathComponent("homeserve").path }
    static var sandbox: String { directory.appendingPathComponent("homeserve-sandbox").path }
}

struct HarnessError: Error {
    let message: String
}

struct Result {
    var status: Int32
    var out: String
    var err: String
    /// stdout exactly as written, for bodies that are not text.
    var outBytes: [UInt8] = []
    var json: JSON { (try? JSON.parse(out)) ?? .null }
}

/// A live `homeserve-sandbox --port 0` on 127.0.0.1, stopped when the test ends.
final class Sandbox {
    let process = Process()
    let url: String
    let logPath: String

    init(_ arguments: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: Binaries.sandbox)
        process.arguments = ["--host", "127.0.0.1", "--port", "0"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        logPath = NSTemporaryDirectory() + "sandbox-\(UUID().uuidString).log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: logPath)
        try process.run()
        SandboxReaper.shared.add(process)
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let range = text.range(of: "homeserve-sandbox listening on ") else {
            process.terminate()
            throw HarnessError(message: "sandbox did not start: \(text)")
        }
        url = String(text[range.upperBound...].prefix { $0 != "\n" })
    }

    deinit {
        if process.isRunning { process.terminate(); process.waitUntilExit() }
    }

    /// A direct HTTP call, bypassing the CLI: test hooks and cross-checks.
    @discardableResult
    func request(_ method: String, _ path: String, json: String? = nil, token: String? = nil) throws -> (Int, JSON) {
        var request = URLRequest(url: URL(string: url + path)!)
        request.httpMethod = method
        if let json { request.httpBody = Data(json.utf8); request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let done = DispatchSemaphore(value: 0)
        final class Box: @unchecked Sendable { var status = 0; var data = Data() }
        let box = Box()
        URLSession.shared.dataTask(with: request) { data, response, _ in
            box.status = (response as? HTTPURLResponse)?.statusCode ?? 0
            box.data = data ?? Data()
            done.signal()
        }.resume()
        done.wait()
        let (status, data) = (box.status, box.data)
        return (status, data.isEmpty ? .null : ((try? JSON.parse(Array(data))) ?? .string(String(decoding: data, as: UTF8.self))))
    }

    /// Requests the sandbox received, excluding its own /sandbox/ hooks.
    func receivedRequests() throws -> [String] {
        let (_, body) = try request("GET", "/sandbox/requests")
        return (body["requests"]?.arrayValue ?? []).map { "\($0["method"]?.stringValue ?? "") \($0["path"]?.stringValue ?? "")" }
    }

    func fault(_ json: String) throws {
        let (status, body) = try request("POST", "/sandbox/faults", json: json)
        XCTAssertTrue((200..<300).contains(status), "fault not accepted: \(body)")
    }
}

/// Stops every sandbox a test started when that test ends. XCTest keeps test-case instances, and so
/// their sandboxes, alive until the process exits; without this each test's server would run to the
/// end of the suite and then be left behind.
final class SandboxReaper: NSObject, XCTestObservation, @unchecked Sendable {
    static let shared: SandboxReaper = {
        let reaper = SandboxReaper()
        XCTestObservationCenter.shared.addTestObserver(reaper)
        return reaper
    }()
    private let lock = NSLock()
    private var running: [Process] = []

    func add(_ process: Process) {
        lock.withLock { running.append(process) }
    }

    func testCaseDidFinish(_ testCase: XCTestCase) {
        let stopping = lock.withLock { () -> [Process] in
            defer { running = [] }
            return running
        }
        for process in stopping where process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}

/// Runs the real `homeserve` binary with its own config directory.
final class CLI {
    let configDir: String
    var environment: [String: String]

    init(sandbox: Sandbox?, environment extra: [String: String] = [:]) {
        configDir = NSTemporaryDirectory() + "homeserve-it-\(UUID().uuidString)"
        environment = ["HOMESERVE_CONFIG_DIR": configDir, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                       "HOME": NSTemporaryDirectory()]
        if let sandbox { environment["HOMESERVE_URL"] = sandbox.url }
        environment.merge(extra) { $1 }
    }

    @discardableResult
    func run(_ arguments: [String], stdin: String? = nil, environment extra: [String: String] = [:]) throws -> Result {
        let process = try start(arguments, stdin: stdin, environment: extra)
        process.process.waitUntilExit()
        return process.result()
    }

    final class Running {
        let process: Process
        let outPath: String
        let errPath: String
        init(process: Process, outPath: String, errPath: String) {
            self.process = process
            self.outPath = outPath
            self.errPath = errPath
        }
        func result() -> Result {
            Result(status: process.isRunning ? -1 : process.terminationStatus,
                   out: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
                   err: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "",
                   outBytes: Array((try? Data(contentsOf: URL(fileURLWithPath: outPath))) ?? Data()))
        }
    }

    /// Output goes to files, not pipes, so a chatty process can never block on a full pipe.
    func start(_ arguments: [String], stdin: String? = nil, environment extra: [String: String] = [:]) throws -> Running {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binaries.cli)
        process.arguments = arguments
        process.environment = environment.merging(extra) { $1 }
        let base = NSTemporaryDirectory() + "cli-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: base + ".out", contents: nil)
        _ = FileManager.default.createFile(atPath: base + ".err", contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: base + ".out")
        process.standardError = FileHandle(forWritingAtPath: base + ".err")
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        return Running(process: process, outPath: base + ".out", errPath: base + ".err")
    }

    func login(_ username: String = "customer1", password: String = "password123") throws {
        let result = try run(["auth", "login", "--username", username, "--password-stdin"], stdin: password + "\n")
        XCTAssertEqual(result.status, 0, "login failed: \(result.err)")
    }

    var credentials: JSON { (try? JSON.parse(String(contentsOfFile: configDir + "/credentials.json", encoding: .utf8))) ?? .null }
}

/// The rows of an answer as the CLI's output rule reads them: a bare array, `results`, `data`, or the one
/// array of objects among the object's values.
enum Rows {
    static func of(_ document: JSON) -> [JSON] {
        if let items = document.arrayValue { return items }
        if let items = document["results"]?.arrayValue ?? document["data"]?.arrayValue { return items }
        if let data = document["data"], data.objectValue != nil { return of(data) }
        let arrays = (document.objectValue ?? []).compactMap { $0.1.arrayValue }.filter { $0.allSatisfy { $0.objectValue != nil } && !$0.isEmpty }
        return arrays.count == 1 ? arrays[0] : []
    }
}

/// A tool a test needs is missing: a skip on a developer's machine, a failure where HOMESERVE_TEST_STRICT is
/// set (scripts/test, hence CI), so CI never passes by skipping.
func missing(_ what: String) -> Error {
    struct Missing: Error, CustomStringConvertible { let description: String }
    if ProcessInfo.processInfo.environment["HOMESERVE_TEST_STRICT"] != nil { return Missing(description: "\(what) (required by HOMESERVE_TEST_STRICT)") }
    return XCTSkip(what)
}
