import Foundation
import XCTest
import TestSupport
import HomeServeCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `Tests/Fixtures/hostile_server.py` on 127.0.0.1, port 0: one misbehaviour per path prefix
/// (`url("deep")` is a base URL whose every answer nests 200,000 levels deep). Stopped with the test;
/// it also ends by itself when its stdin closes, so a crashed test run leaves nothing behind.
final class HostileServer {
    private let process = Process()
    private let input = Pipe()
    let port: Int

    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/hostile_server.py").path
    }

    init() throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", HostileServer.script]
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = input
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("port "), let port = Int(text.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw HarnessError(message: "hostile server did not start: \(text)")
        }
        self.port = port
    }

    deinit {
        if process.isRunning { process.terminate(); process.waitUntilExit() }
        try? input.fileHandleForWriting.close()
    }

    func url(_ name: String) -> String { "http://127.0.0.1:\(port)/\(name)" }

    /// What the server received under one case: method, path, query and headers (names in lower case).
    func log(_ name: String) throws -> [JSON] {
        try JSON.parse(try RawHTTP.get(port: port, path: "/__log/\(name)")).arrayValue ?? []
    }

    /// What the server received under one case, as `METHOD /path?query` lines.
    func requests(_ name: String) throws -> [String] {
        try log(name).map { entry in
            let query = entry["query"]?.stringValue ?? ""
            return "\(entry["method"]?.stringValue ?? "") \(entry["path"]?.stringValue ?? "")" + (query.isEmpty ? "" : "?" + query)
        }
    }
}

/// One GET over a plain socket: the test's own view of the server, independent of the client under test.
enum RawHTTP {
    static func get(port: Int, path: String) throws -> [UInt8] {
        let fd = try Loopback.socket(connectedTo: port)
        defer { close(fd) }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            response += chunk[0..<n]
            if let end = response.firstRange(of: [13, 10, 13, 10]) {
                let head = String(decoding: response[..<end.lowerBound], as: UTF8.self).lowercased()
                if let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
                   let length = Int(line.dropFirst(15).trimmingCharacters(in: .whitespaces)),
                   response.count >= end.upperBound + length {
                    return Array(response[end.upperBound..<(end.upperBound + length)])
                }
            }
        }
        guard let end = response.firstRange(of: [13, 10, 13, 10]) else { throw HarnessError(message: "no answer from \(path)") }
        return Array(response[end.upperBound...])
    }
}

/// A child process run with `posix_spawn` in a process group of its own (a hang is ended whole) and timed
/// by the wall clock. Its peak RSS comes from GNU time (`/usr/bin/time -f %M`), which forks it from a small
/// process: a child spawned straight from the test process would report the test process's peak as its
/// own (Linux carries the spawning process's high-water mark across exec), and `RUSAGE_CHILDREN` mixes
/// in every other child.
struct Measured: CustomStringConvertible {
    /// The exit status, or 128 + the signal that ended it.
    var status: Int32
    var signal: Int32?
    var seconds: Double
    /// Peak resident set size in MiB (0 when not measured).
    var peakRSS: Double
    /// Killed at the time limit.
    var hung: Bool
    var outBytes: [UInt8]
    var err: String
    var out: String { String(decoding: outBytes, as: UTF8.self) }

    var description: String {
        "exit \(status)\(signal.map { " (signal \($0))" } ?? "")\(hung ? " (hung)" : ""), \(String(format: "%.2f", seconds)) s, " +
            "\(String(format: "%.1f", peakRSS)) MiB; stderr: \(err.prefix(600))"
    }
}

final class Child {
    let pid: pid_t
    let started: Double
    private let outPath: String
    private let errPath: String
    private let stdoutPath: String?
    private let rssPath: String?

    private init(pid: pid_t, outPath: String, errPath: String, stdoutPath: String?, rssPath: String?) {
        self.pid = pid
        self.started = Monotonic.now()
        self.outPath = outPath
        self.errPath = errPath
        self.stdoutPath = stdoutPath
        self.rssPath = rssPath
    }

    static let time = "/usr/bin/time"

    /// Starts `arguments[0]` (a path) with exactly `environment`; stdin is `stdin` (empty when nil) and
    /// stdout goes to `stdoutPath` when given (`/dev/full`), else to a file read back afterwards.
    /// With `stdinPipe`, stdin is the read end of that pipe instead, so the test decides when it ends.
    static func start(_ arguments: [String], environment: [String: String], stdin: [UInt8]? = nil,
                      stdinPipe: (read: Int32, write: Int32)? = nil, stdoutPath: String? = nil, measure: Bool = false) throws -> Child {
        let base = NSTemporaryDirectory() + "hostile-\(UUID().uuidString)"
        let rssPath = measure ? base + ".rss" : nil
        if measure && !FileManager.default.isExecutableFile(atPath: time) {
            throw HarnessError(message: "\(time) is missing (scripts/setup installs the time package)")
        }
        let arguments = rssPath.map { [time, "-f", "%M", "-o", $0] + arguments } ?? arguments
        let inPath = base + ".in", outPath = base + ".out", errPath = base + ".err"
        _ = FileManager.default.createFile(atPath: inPath, contents: Data(stdin ?? []))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let stdinPipe {
            posix_spawn_file_actions_adddup2(&actions, stdinPipe.read, 0)
            posix_spawn_file_actions_addclose(&actions, stdinPipe.write)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, inPath, O_RDONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath ?? outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        var pid: pid_t = 0
        let code = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, envp)
        unlink(inPath)
        guard code == 0 else { throw HarnessError(message: "posix_spawn \(arguments[0]): \(String(cString: strerror(code)))") }
        return Child(pid: pid, outPath: outPath, errPath: errPath, stdoutPath: stdoutPath, rssPath: rssPath)
    }

    /// Waits for the child, killing it at `limit` seconds after its start.
    func wait(limit: Double) -> Measured {
        var status: Int32 = 0
        var usage = rusage()
        var hung = false
        while true {
            let reaped = wait4(pid, &status, WNOHANG, &usage)
            if reaped == pid { break }
            if reaped < 0 && errno != EINTR { break }
            if !hung && Monotonic.now() - started > limit {
                hung = true
                kill(-pid, SIGKILL)
            }
            usleep(2000)
        }
        let seconds = Monotonic.now() - started
        let signalled = status & 0x7F != 0 && status & 0x7F != 0x7F
        var signal: Int32? = signalled ? status & 0x7F : nil
        let code = signal.map { 128 + $0 } ?? (status >> 8) & 0xFF
        var peak = 0.0
        if let rssPath {
            let report = (try? String(contentsOfFile: rssPath, encoding: .utf8)) ?? ""
            unlink(rssPath)
            peak = (Double(report.split(separator: "\n").last ?? "") ?? 0) / 1024
            // GNU time exits 128 + N for a child ended by signal N, and says so.
            if report.contains("terminated by signal") { signal = code - 128 }
        }
        let out = stdoutPath == nil ? ((try? Data(contentsOf: URL(fileURLWithPath: outPath))).map(Array.init) ?? []) : []
        let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        unlink(outPath)
        unlink(errPath)
        return Measured(status: code, signal: signal, seconds: seconds, peakRSS: peak, hung: hung,
                        outBytes: out, err: err)
    }
}

/// The built `homeserve` with its own config directory and a token no output may ever show.
final class HostileCLI {
    let configDir: String
    var environment: [String: String]
    /// Secrets that must never appear on stdout or stderr.
    var secrets: [String]

    init(url: String?, token: String? = "hostile-token-\(UUID().uuidString)") {
        configDir = NSTemporaryDirectory() + "homeserve-hostile-\(UUID().uuidString)"
        environment = ["HOMESERVE_CONFIG_DIR": configDir, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                       "HOME": NSTemporaryDirectory(), "LANG": "C.UTF-8"]
        if let url { environment["HOMESERVE_URL"] = url }
        if let token { environment["HOMESERVE_TOKEN"] = token }
        secrets = token.map { [$0] } ?? []
    }

    deinit { try? FileManager.default.removeItem(atPath: configDir) }

    func run(_ arguments: [String], environment extra: [String: String] = [:], stdin: [UInt8]? = nil, stdoutPath: String? = nil,
             limit: Double = 60, file: StaticString = #filePath, line: UInt = #line) throws -> Measured {
        let child = try Child.start([Binaries.cli] + arguments, environment: environment.merging(extra) { $1 }, stdin: stdin,
                                    stdoutPath: stdoutPath, measure: true)
        let result = child.wait(limit: limit)
        print("measured: homeserve \(arguments.map { $0.count > 60 ? $0.prefix(60) + "…" : $0 }.joined(separator: " ")) [\(environment["HOMESERVE_URL"]?.split(separator: "/").last ?? "")]: " +
              "exit \(result.status), \(String(format: "%.2f", result.seconds)) s, \(String(format: "%.1f", result.peakRSS)) MiB")
        XCTAssertFalse(result.hung, "hung: homeserve \(arguments.joined(separator: " "))", file: file, line: line)
        XCTAssertNil(result.signal, "crashed: homeserve \(arguments.joined(separator: " ")): \(result)", file: file, line: line)
        assertNoSecrets(result, file: file, line: line)
        return result
    }

    /// Runs a shell pipeline; `homeserve` in it is the built binary.
    func shell(_ script: String, limit: Double = 60, file: StaticString = #filePath, line: UInt = #line) throws -> Measured {
        let child = try Child.start(["/bin/sh", "-c", script], environment: environment.merging(["HOMESERVE": Binaries.cli]) { $1 })
        let result = child.wait(limit: limit)
        XCTAssertFalse(result.hung, "hung: \(script)", file: file, line: line)
        assertNoSecrets(result, file: file, line: line)
        return result
    }

    func assertNoSecrets(_ result: Measured, file: StaticString = #filePath, line: UInt = #line) {
        for secret in secrets + storedSecrets() where !secret.isEmpty {
            XCTAssertFalse(result.out.contains(secret), "a secret reached stdout", file: file, line: line)
            XCTAssertFalse(result.err.contains(secret), "a secret reached stderr: \(result.err)", file: file, line: line)
        }
    }

    var credentialsPath: String { configDir + "/credentials.json" }

    /// The tokens stored in the credentials file: they are secrets too.
    func storedSecrets() -> [String] {
        guard let text = try? String(contentsOfFile: credentialsPath, encoding: .utf8), let file = try? JSON.parse(text) else { return [] }
        return (file["profiles"]?.objectValue ?? []).flatMap { _, entry in [entry["access"]?.stringValue, entry["refresh"]?.stringValue].compactMap { $0 } }
    }
}
