import CJQ
import HomeServeCore

/// `--jq EXPR` with jq's own language, through libjq. The expression is compiled before any request is
/// sent; results print one per line, strings raw, everything else as compact JSON (like `gh --jq`).
final class JQFilter {
    let expression: String
    private let state: OpaquePointer

    private final class Messages {
        var lines: [String] = []
    }

    init(_ expression: String) throws(CLIError) {
        self.expression = expression
        if let failure = hs_jq_open() {
            throw CLIError(.localFailure, "--jq needs libjq, which could not be loaded: \(String(cString: failure))")
        }
        guard let state = hs_jq_init() else { throw CLIError(.localFailure, "jq could not start") }
        let messages = Messages()
        let context = Unmanaged.passUnretained(messages).toOpaque()
        hs_jq_set_error_cb(state, { data, message in
            let messages = Unmanaged<Messages>.fromOpaque(data!).takeUnretainedValue()
            messages.lines.append(JQFilter.text(of: message))
        }, context)
        let compiled = hs_jq_compile(state, expression)
        hs_jq_set_error_cb(state, nil, nil)
        guard compiled != 0 else {
            var state: OpaquePointer? = state
            hs_jq_teardown(&state)
            let first = messages.lines.first?.split(separator: "\n").first.map(String.init)
            let detail = first.map { $0.replacing("jq: error: ", with: "") } ?? "it does not compile"
            throw CLIError.usage("invalid value '\(expression)' for --jq: \(detail)")
        }
        self.state = state
    }

    deinit {
        var state: OpaquePointer? = state
        hs_jq_teardown(&state)
    }

    /// An expression that iterates the input array and then works on one item at a time (`.[]`,
    /// `.[] | …`, `.[].a.b`) runs on each item of a listing as it arrives (given `[item]`), so `--all` keeps
    /// memory flat. Anything else after `.[]` (`.[].a, "end"`, `.[].a // "none"`) sees the whole array,
    /// as jq would give it.
    var iteratesItems: Bool {
        let text = expression.trimmed
        guard text.hasPrefix(".[]") else { return false }
        let rest = text.dropFirst(3).drop { $0 == " " || $0 == "\t" || $0 == "\n" }
        if rest.isEmpty || rest.hasPrefix("|") { return true }
        return rest.first == "." && rest.allSatisfy { $0.isLetter || $0.isNumber || "._[]?".contains($0) }
    }

    /// Runs the program on one input and writes each result as a line.
    func run(_ input: JSON, out: OutputChannel) throws(CLIError) {
        let bytes = input.bytes()
        let value = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { hs_jv_parse_sized($0.baseAddress, Int32($0.count)) }
        }
        hs_jq_start(state, value, 0)
        while true {
            let result = hs_jq_next(state)
            if hs_jv_is_valid(result) == 0 {
                if hs_jv_invalid_has_msg(hs_jv_copy(result)) != 0 {
                    let message = hs_jv_invalid_get_msg(result)
                    throw CLIError(.localFailure, "jq: error: \(Self.text(of: message))")
                }
                hs_jv_free(result)
                return
            }
            if hs_jv_get_kind(result) == JV_KIND_STRING {
                // By its length, not up to a NUL: a string may hold one.
                let length = Int(hs_jv_string_length_bytes(hs_jv_copy(result)))
                let text = String(decoding: UnsafeRawBufferPointer(start: hs_jv_string_value(result), count: length), as: UTF8.self)
                // A raw string is the server's text: on a terminal it is shown, not obeyed.
                out.line(out.isTerminal ? TerminalText.visible(text, keepNewlines: true) : text)
                hs_jv_free(result)
            } else {
                let dumped = hs_jv_dump_string(result, 0)
                out.line(String(cString: hs_jv_string_value(dumped)))
                hs_jv_free(dumped)
            }
        }
    }

    /// Text of a jv message (a string, or any value dumped), consuming it.
    private static func text(of message: jv) -> String {
        if hs_jv_get_kind(message) == JV_KIND_STRING {
            let text = String(cString: hs_jv_string_value(message))
            hs_jv_free(message)
            return text
        }
        let dumped = hs_jv_dump_string(message, 0)
        let text = String(cString: hs_jv_string_value(dumped))
        hs_jv_free(dumped)
        return text
    }
}
