import HomeServeCore
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A profile's `password_command`, run like git's credential helpers and aws's `credential_process`:
/// without a shell (words split on blanks, quotes group them), the first line of its stdout is the password.
public enum PasswordCommand {
    /// The process group of a helper running in a group of its own, 0 when none is: whoever ends
    /// homeserve early (Ctrl-C twice, SIGTERM, SIGHUP) ends that group too.
    public static let runningGroup = Atomic<Int32>(0)

    /// Whether homeserve is in the foreground of a controlling terminal, where a helper may prompt.
    static var inTerminalForeground: Bool {
        let tty = open("/dev/tty", O_RDONLY | O_NOCTTY)
        guard tty >= 0 else { return false }
        defer { close(tty) }
        return tcgetpgrp(tty) == getpgrp()
    }

    /// A command line as it is run: its words (split on blanks, quotes grouping them), a quote left open,
    /// and the first thing in it a shell would read otherwise (an operator, `$`, a backquote or a backslash,
    /// outside single quotes; a glob, brackets or braces, a comment, `~`, a variable set before the command,
    /// outside any quotes), which would reach the helper as text.
    struct Reading {
        var words: [String] = []
        var openQuote: Character?
        var shellSyntax: String?
    }

    static func reading(of command: String) -> Reading {
        var reading = Reading()
        var current = "", started = false, quote: Character?, quoted = false
        func shell(_ what: String, _ way: String = "which needs a shell: it is run without one, so write sh -c '…'") {
            if reading.shellSyntax == nil { reading.shellSyntax = "\(what), \(way)" }
        }
        func end() {
            if started || !current.isEmpty {
                // `NAME=value cmd` sets a variable for the command, in a shell.
                if reading.words.isEmpty, !quoted, let eq = current.firstIndex(of: "="), eq > current.startIndex,
                   current[..<eq].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) {
                    shell("'\(current)', a variable set for the command")
                }
                reading.words.append(current)
            }
            current = ""
            started = false
            quoted = false
        }
        for c in command {
            if let q = quote {
                // Within double quotes a shell still expands `$` and backquotes, and reads backslashes.
                if q == "\"", "$`\\".contains(c) { shell("'\(c)'") }
                if c == q { quote = nil } else { current.append(c) }
            } else if c == "'" || c == "\"" {
                quote = c
                started = true
                quoted = true
            } else if c == " " || c == "\t" {
                end()
            } else {
                if "|;&<>`$\\*?[](){}".contains(c) { shell("'\(c)'") }
                if current.isEmpty, !started, c == "#" { shell("'#', a comment") }
                if current.isEmpty, !started, c == "~" { shell("'~'", "which only a shell expands: give the full path") }
                current.append(c)
            }
        }
        end()
        reading.openQuote = quote
        return reading
    }

    /// Why a command cannot be run as written, or nil: a quote left open, or what only a shell reads, which a
    /// command run without one would get as text (`pass show x | head -1`, `cmd 2>/dev/null`).
    public static func problem(_ command: String) -> String? {
        let reading = reading(of: command)
        // What a shell reads otherwise first: a backslash before a quote makes it no quote to close.
        if let syntax = reading.shellSyntax { return syntax }
        return reading.openQuote.map { "a \($0 == "'" ? "single" : "double") quote that is not closed" }
    }

    public static func words(_ command: String) -> [String] { reading(of: command).words }

    /// Why the command's program cannot be started from here, or nil: a path that names no executable file,
    /// or a name no directory of `path` (the `PATH` it would be run with) holds as one.
    public static func missingProgram(_ command: String, path: String?) -> String? {
        guard let program = words(command).first, !program.isEmpty else { return nil }
        func runnable(_ file: String) -> Bool {
            var facts = stat()
            return stat(file, &facts) == 0 && facts.st_mode & S_IFMT == S_IFREG && access(file, X_OK) == 0
        }
        if program.contains("/") { return runnable(program) ? nil : "the program \(program) is not an executable file" }
        let directories = (path ?? "/usr/bin:/bin").split(separator: ":", omittingEmptySubsequences: false).map { $0.isEmpty ? "." : String($0) }
        return directories.contains { runnable($0 + "/" + program) } ? nil : "no program \(program) is found in PATH"
    }

    /// Marks every descriptor past stderr to close when the helper starts: it gets stdin, the pipe as its
    /// stdout, and stderr, not libcurl's connections, the credentials lock or the pipe's other end, which a
    /// helper that leaves something running (an agent) would otherwise hold open.
    private static func closeOnExec() {
        func mark(_ descriptor: Int32) {
            let flags = fcntl(descriptor, F_GETFD)
            if flags >= 0, flags & FD_CLOEXEC == 0 { _ = fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC) }
        }
        #if os(Linux)
        // The descriptors open, however high their numbers: a job may raise its limit and open one at 5000.
        if let directory = opendir("/proc/self/fd") {
            defer { closedir(directory) }
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if let descriptor = Int32(name), descriptor > 2 { mark(descriptor) }
            }
            return
        }
        #endif
        for descriptor in 3..<Int32(max(3, min(Int(sysconf(Int32(_SC_OPEN_MAX))), 1 << 20))) { mark(descriptor) }
    }

    public static func run(_ command: String, timeout: Double) throws -> String {
        let argv = words(command)
        guard !argv.isEmpty else { throw SessionError.passwordCommandFailed(command: command, reason: "it is empty") }
        if let problem = problem(command) { throw SessionError.passwordCommandFailed(command: argv[0], reason: "it has \(problem)") }
        var pipeFDs: [Int32] = [0, 0]
        guard pipe(&pipeFDs) == 0 else { throw SessionError.passwordCommandFailed(command: command, reason: String(cString: strerror(errno))) }
        closeOnExec()
        #if canImport(Glibc)
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #else
        var actions: posix_spawn_file_actions_t?
        var attributes: posix_spawnattr_t?
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
        posix_spawn_file_actions_addclose(&actions, pipeFDs[0])
        // homeserve's stdin is the script's (`while read id; do homeserve …; done < ids`): a helper that reads
        // it would eat the loop's input. A terminal is left to it, where a password manager may prompt.
        if isatty(0) == 0 { posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0) }
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The parent blocks SIGINT for its signal thread; the helper gets the ordinary mask and dispositions.
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        sigaddset(&defaults, SIGINT)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        // Without a terminal (cron), the helper leads a process group of its own, so a helper that hangs is
        // killed with everything it started (`sh -c "…; sleep 100"`). In a terminal's foreground it stays
        // in homeserve's group, where a password manager may ask for its passphrase.
        let ownGroup = !inTerminalForeground
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if ownGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        var cArgs = argv.map { strdup($0) } + [nil]
        defer { for arg in cArgs { free(arg) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, argv[0], &actions, &attributes, &cArgs, environ)
        close(pipeFDs[1])
        if spawned == 0, ownGroup { runningGroup.store(pid, ordering: .sequentiallyConsistent) }
        defer { runningGroup.store(0, ordering: .sequentiallyConsistent) }
        guard spawned == 0 else {
            close(pipeFDs[0])
            throw SessionError.passwordCommandFailed(command: argv[0], reason: String(cString: strerror(spawned)))
        }
        // One line of at most 4 KiB, then the helper's exit, all within the timeout: it runs under the
        // credentials lock, so a helper that hangs (before or after printing) is killed at the deadline. What
        // it prints after the line (`pass show` prints the entry's other lines) is read and let go, up to
        // 1 MiB, so a helper does not meet a closed pipe while it writes them.
        var line: [UInt8] = []
        let deadline = Monotonic.now() + timeout
        var timedOut = false, ended = false, tooLong = false, lineRead = false
        var after = 0
        var chunk = [UInt8](repeating: 0, count: 65536)
        reading: while !tooLong, after <= 1 << 20 {
            var descriptor = pollfd(fd: pipeFDs[0], events: Int16(POLLIN), revents: 0)
            let left = deadline - Monotonic.now()
            guard left > 0, poll(&descriptor, 1, Int32(left * 1000)) > 0 else {
                timedOut = true
                break reading
            }
            let n = read(pipeFDs[0], &chunk, chunk.count)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                ended = true
                break
            }
            guard !lineRead else {
                after += n
                continue
            }
            let got = chunk[..<n]
            let end = got.firstIndex(of: UInt8(ascii: "\n"))
            line += got[..<(end ?? n)]
            tooLong = line.count > 4096
            if let end {
                lineRead = true
                after = n - end - 1
            }
        }
        close(pipeFDs[0])
        var status: Int32 = 0
        while !timedOut {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { break }
            if reaped < 0 && errno != EINTR {
                throw SessionError.passwordCommandFailed(command: argv[0], reason: String(cString: strerror(errno)))
            }
            if Monotonic.now() >= deadline { timedOut = true } else { usleep(10_000) }
        }
        if timedOut {
            kill(ownGroup ? -pid : pid, SIGKILL)
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            throw SessionError.passwordCommandFailed(command: argv[0], reason: "it did not finish within \(Int(timeout)) s (--timeout)")
        }
        let exited = status & 0x7F == 0
        let code = (status >> 8) & 0xFF
        // A helper still writing past what is read meets a closed pipe: SIGPIPE (or a shell's 141 for a
        // command of its own), which is not its failure.
        let cutOff = !ended && (status & 0x7F == SIGPIPE || exited && code == 128 + SIGPIPE)
        guard exited && code == 0 || cutOff else {
            throw SessionError.passwordCommandFailed(command: argv[0], reason: exited ? "it exited with status \(code)" : "it was killed by signal \(status & 0x7F)")
        }
        if tooLong { throw SessionError.passwordCommandFailed(command: argv[0], reason: "its first line is longer than 4096 bytes") }
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        guard !line.isEmpty else { throw SessionError.passwordCommandFailed(command: argv[0], reason: "it printed no password") }
        return String(decoding: line, as: UTF8.self)
    }
}
