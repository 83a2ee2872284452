import XCTest
@testable import HomeServeKit

/// A terminal whose output lands in strings, so commands run in-process exactly as from the shell.
final class CapturedTerminal {
    var out = ""
    var err = ""
    lazy var terminal = Terminal(stdoutIsTTY: false, stderrIsTTY: false, stdinIsTTY: false,
                                 out: { [unowned self] in self.out += $0 }, err: { [unowned self] in self.err += $0 })
}

func temporaryDirectory() -> String {
    var template = Array("/tmp/homeserve-test-XXXXXX".utf8CString)
    return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
}

/// Runs a command line in-process against an unreachable URL, returning status, stdout and stderr.
func runCLI(_ args: [String], environment extra: [String: String] = [:], tty: Bool = false) -> (Int32, String, String) {
    let captured = CapturedTerminal()
    captured.terminal.stdoutIsTTY = tty
    var environment = ["HOMESERVE_CONFIG_DIR": temporaryDirectory(), "HOMESERVE_URL": "http://127.0.0.1:9"]
    environment.merge(extra) { $1 }
    let status = HomeServe.run(args, terminal: captured.terminal, environment: environment)
    return (status, captured.out, captured.err)
}
