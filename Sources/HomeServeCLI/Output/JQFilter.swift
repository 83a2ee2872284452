import CJQ
import HomeServeCore

/// `--jq EXPR` with jq's own language, through libjq. The expression is compiled before any request is
/// sent; results print one per line, strings raw, everything else as compact JSON (like `gh --jq`).
/// `input` and `inputs` find nothing more, `debug` writes to stderr, `halt` stops, and `halt_error` fails
/// with its message (exit 1: jq's own statuses would collide with homeserve's).
final class JQFilter {
    let expression: String
    private let state: OpaquePointer
    private let messages: Messages
    /// `halt` or `halt_error` ran: nothing more is run.
    private(set) var halted = false

    private final class Messages {
        var compileErrors: [String] = []
        let say: (String) -> Void
        init(say: @escaping (String) -> Void) { self.say = say }
    }

    /// `say` takes what jq writes to stderr: `debug` output and a message given to `halt_error(0)`.
    init(_ expression: String, say: @escaping (String) -> Void = { _ in }) throws(CLIError) {
        self.expression = expression
        if let failure = hs_jq_open() {
            throw CLIError(.localFailure, "--jq needs libjq, which could not be loaded: \(String(cString: failure))")
        }
        guard let state = hs_jq_new() else { throw CLIError(.localFailure, "jq could not start") }
        let messages = Messages(say: say)
        let context = Unmanaged.passUnretained(messages).toOpaque()
        hs_jq_set_error_cb(state, { data, message in
            let messages = Unmanaged<Messages>.fromOpaque(data!).takeUnretainedValue()
            messages.compileErrors.append(JQFilter.text(of: message))
        }, context)
        let compiled = hs_jq_compile(state, expression)
        hs_jq_set_error_cb(state, nil, nil)
        guard compiled != 0 else {
            var state: OpaquePointer? = state
            hs_jq_teardown(&state)
            let first = messages.compileErrors.first?.split(separator: "\n").first.map(String.init)
            // jq's first line ends with a colon before the source line it quotes.
            let detail = first.map { Self.dropping(":", from: $0.replacing("jq: error: ", with: "").trimmed) } ?? "it does not compile"
            throw CLIError.usage("invalid value '\(expression)' for --jq: \(detail)")
        }
        hs_jq_set_debug_cb(state, { data, value in
            let messages = Unmanaged<Messages>.fromOpaque(data!).takeUnretainedValue()
            messages.say("[\"DEBUG:\",\(JQFilter.dump(value))]")
        }, context)
        self.state = state
        self.messages = messages
    }

    deinit {
        var state: OpaquePointer? = state
        hs_jq_teardown(&state)
    }

    /// An expression that iterates the input array and then works on one item at a time (`.[]`,
    /// `.[] | …`, `.[].a.b`) runs on each item of a listing as it arrives (given `[item]`), so `--all` keeps
    /// memory flat. Anything else after `.[]` (`.[].a, "end"`, `.[].a // "none"`, `.[] |= f`) sees the
    /// whole array, as jq would give it.
    var iteratesItems: Bool {
        let text = expression.trimmed
        guard text.hasPrefix(".[]") else { return false }
        let rest = text.dropFirst(3).drop { $0 == " " || $0 == "\t" || $0 == "\n" }
        if rest.isEmpty || (rest.hasPrefix("|") && !rest.hasPrefix("|=")) { return true }
        return rest.first == "." && rest.allSatisfy { $0.isLetter || $0.isNumber || "._[]?".contains($0) }
    }

    /// Runs the program on one input and writes each result as a line as it comes.
    func run(_ input: JSON, out: OutputChannel) throws(CLIError) {
        try run(input, visible: out.isTerminal) { out.line($0) }
    }

    /// Runs the program on one input and returns its result lines, with the failure that ended it early
    /// if one did, so the caller decides what to write.
    func lines(_ input: JSON, visible: Bool) -> (lines: [String], failure: CLIError?) {
        var lines: [String] = []
        do { try run(input, visible: visible) { lines.append($0) } } catch { return (lines, error) }
        return (lines, nil)
    }

    /// `visible`: strings are the server's text, shown rather than obeyed on a terminal.
    private func run(_ input: JSON, visible: Bool, _ emit: (String) -> Void) throws(CLIError) {
        guard !halted else { return }
        let bytes = input.bytes()
        let value = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { hs_jv_parse_sized($0.baseAddress, Int32($0.count)) }
        }
        _ = hs_jq_take_input_asked()
        hs_jq_start(state, value, 0)
        while true {
            let result = hs_jq_next(state)
            if hs_jv_is_valid(result) == 0 {
                if hs_jv_invalid_has_msg(hs_jv_copy(result)) != 0 {
                    let text = Self.text(of: hs_jv_invalid_get_msg(result))
                    // libjq 1.6 ends `input` with this word when there is no more input, as jq 1.6 itself says.
                    let meaning = text == "break" && hs_jq_take_input_asked() != 0 ? " (input found no more input: the program runs on the one answer)" : ""
                    throw CLIError(.localFailure, "jq: error: \(text)\(meaning)")
                }
                hs_jv_free(result)
                if hs_jq_halted(state) != 0 { try halt() }
                return
            }
            if hs_jv_get_kind(result) == JV_KIND_STRING {
                // By its length, not up to a NUL: a string may hold one.
                let length = Int(hs_jv_string_length_bytes(hs_jv_copy(result)))
                let text = String(decoding: UnsafeRawBufferPointer(start: hs_jv_string_value(result), count: length), as: UTF8.self)
                emit(visible ? TerminalText.visible(text, keepNewlines: true) : text)
                hs_jv_free(result)
            } else {
                emit(Self.dump(result))
            }
        }
    }

    /// After `halt` (status 0, nothing said) or `halt_error` (status 5 unless given, its message).
    private func halt() throws(CLIError) {
        halted = true
        let code = hs_jq_get_exit_code(state)
        // A status that is no integer (nan, infinite, 1e300) is still a failure.
        let number = hs_jv_get_kind(code) == JV_KIND_NUMBER ? hs_jv_number_value(code) : nil
        let status = number.map { Int(exactly: $0.rounded(.towardZero)) ?? 1 } ?? (hs_jv_is_valid(code) != 0 ? 5 : 0)
        hs_jv_free(code)
        let message = hs_jq_get_error_message(state)
        let kind = hs_jv_get_kind(message)
        let text = kind == JV_KIND_INVALID || kind == JV_KIND_NULL ? nil : Self.text(of: message)
        if text == nil { hs_jv_free(message) }
        let said = text.map { Self.dropping("\n", from: $0) }
        guard status != 0 else {
            if let said, !said.isEmpty { messages.say(said) }
            return
        }
        // homeserve keeps its own exit codes: the program asked to stop, which is a local failure (1).
        throw CLIError(.localFailure, "jq: halt_error" + (said.map { ": " + $0 } ?? "") + " (jq status \(status); homeserve exits 1)")
    }

    private static func dropping(_ suffix: String, from text: String) -> String {
        text.hasSuffix(suffix) ? String(text.dropLast(suffix.count)) : text
    }

    /// Compact JSON of a value, consuming it.
    private static func dump(_ value: jv) -> String {
        let dumped = hs_jv_dump_string(value, 0)
        let text = String(cString: hs_jv_string_value(dumped))
        hs_jv_free(dumped)
        return text
    }

    /// Text of a jv message (a string, or any value dumped), consuming it.
    private static func text(of message: jv) -> String {
        if hs_jv_get_kind(message) == JV_KIND_STRING {
            let text = String(cString: hs_jv_string_value(message))
            hs_jv_free(message)
            return text
        }
        return dump(message)
    }
}
