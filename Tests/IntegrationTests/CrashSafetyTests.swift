import Foundation
import XCTest
import HomeServeCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `kill -9` at random moments of `auth login` and `auth refresh`: whatever instant the process dies at,
/// the credentials file is the old one or the new one, whole, and the next command removes any
/// temporary file the dead one left.
final class CrashSafetyTests: XCTestCase {
    func testKillsDuringLoginAndRefreshNeverLeaveABrokenFile() throws {
        let server = try HostileServer()
        let cli = HostileCLI(url: server.url("login-slow"), token: nil)
        cli.secrets = ["crash-password-1"]
        let login = ["auth", "login", "--username", "customer1", "--password-stdin"]
        let password = Array("crash-password-1\n".utf8)

        // How long one whole command takes here: kills are spread over that span.
        var spans: [Double] = []
        for arguments in [login, ["auth", "refresh"], login, ["auth", "refresh"]] {
            let result = try cli.run(arguments, stdin: password)
            XCTAssertEqual(result.status, 0, "\(result)")
            spans.append(result.seconds)
        }
        let span = spans.sorted()[spans.count / 2]
        var random = SystemRandomNumberGenerator()
        var killed = 0, rounds = 0, temporariesLeft = 0, replaced = 0
        var last = try Data(contentsOf: URL(fileURLWithPath: cli.credentialsPath))
        while killed < 200 && rounds < 1000 {
            rounds += 1
            let arguments = rounds % 2 == 0 ? login : ["auth", "refresh"]
            let child = try Child.start([Binaries.cli] + arguments, environment: cli.environment, stdin: password)
            usleep(UInt32(Double.random(in: 0..<(span * 1.2), using: &random) * 1_000_000))
            kill(child.pid, SIGKILL)
            let result = child.wait(limit: 30)
            if result.signal == SIGKILL { killed += 1 }

            if try FileManager.default.contentsOfDirectory(atPath: cli.configDir).contains(where: { $0.contains(".tmp.") }) {
                temporariesLeft += 1
            }
            if FileManager.default.fileExists(atPath: cli.credentialsPath) {
                let bytes = try Data(contentsOf: URL(fileURLWithPath: cli.credentialsPath))
                if result.signal == SIGKILL && bytes != last { replaced += 1 }
                last = bytes
                let file = try? JSON.parse(Array(bytes))
                XCTAssertNotNil(file?["profiles"]?["default"]?["access"]?.stringValue,
                                "round \(rounds): credentials file broken: \(String(decoding: bytes, as: UTF8.self))")
            }
            // The next command, whatever it is, clears what the killed one left.
            let next = try cli.run(["auth", "status", "--offline"])
            XCTAssertTrue([0, 3].contains(next.status), "round \(rounds): \(next)")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: cli.configDir).filter { $0.contains(".tmp.") }
            XCTAssertEqual(leftovers, [], "round \(rounds)")
            if leftovers.count > 0 || next.signal != nil { break }
        }
        print("crash safety: \(killed) kills in \(rounds) rounds; \(replaced) killed processes had already replaced the file, " +
              "\(temporariesLeft) left a temporary file")
        XCTAssertGreaterThanOrEqual(killed, 200, "only \(killed) of \(rounds) rounds were killed before they finished")
        // And the session still works.
        let after = try cli.run(login, stdin: password)
        XCTAssertEqual(after.status, 0, "\(after)")
        XCTAssertEqual(try cli.run(["auth", "refresh"]).status, 0)
    }
}
