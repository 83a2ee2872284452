#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum HomeServe {
    public static let version = "0.1.0"

    /// Runs one command line and returns the exit status.
    public static func main(_ arguments: [String]) -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        signal(SIGINT) { _ in
            // At the password prompt, give the terminal its echo back and leave. Elsewhere the first Ctrl-C
            // asks libcurl (or the socket loop) to stop; a second one leaves at once.
            if NoEchoPrompt.restoreTerminal() || interruptRequested != 0 { _exit(130) }
            interruptRequested = 1
        }
        let terminal = Terminal.standard()
        let status = run(Array(arguments.dropFirst()), terminal: terminal, environment: environment())
        terminal.flush()
        return status
    }

    public static func run(_ arguments: [String], terminal: Terminal, environment: [String: String],
                           table: CommandTable = .standard) -> Int32 {
        do {
            switch try Parser(table: table).parse(arguments) {
            case .version:
                terminal.line("homeserve \(version)")
            case let .help(path, _):
                terminal.out(try Help(table: table).text(for: path))
            case let .run(command, values, global):
                let invocation = Invocation(command: command, values: values, global: global, terminal: terminal, environment: environment)
                // The output format is settled before anything is sent, so a bad HOMESERVE_OUTPUT fails fast.
                _ = try invocation.printer()
                try command.run(invocation)
                if interruptRequested != 0 { return ExitCode.interrupted.rawValue }
            }
            return ExitCode.ok.rawValue
        } catch let error as CLIError {
            terminal.err("homeserve: \(error.message)")
            for line in error.details { terminal.err(line) }
            return error.code.rawValue
        } catch {
            terminal.err("homeserve: internal error: \(error)")
            return ExitCode.internalError.rawValue
        }
    }

    static func environment() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let eq = text.firstIndex(of: "=") { result[String(text[..<eq])] = String(text[text.index(after: eq)...]) }
            pointer += 1
        }
        return result
    }
}
