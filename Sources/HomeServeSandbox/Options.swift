/// The command line of `homeserve-sandbox`.
public struct SandboxOptions: Sendable {
    public var host = "127.0.0.1"
    public var port = 8000
    public var databasePath: String?
    public var dataDirectory: String?
    public var accessTTL = 300
    public var refreshTTL = 86_400
    public var seed = true
    /// Extra pending bookings for customer1 on top of the seed, for benchmarks of long listings.
    public var extraBookings = 0
    /// Close every WebSocket after it has carried this many messages, so clients can test reconnection.
    public var webSocketDropAfter: Int?

    public init() {}

    static let usage = """
        usage: homeserve-sandbox [options]

        A local HomeServe-compatible API server for development and tests.

        options:
          --host HOST              address to bind (default 127.0.0.1)
          --port PORT              port to bind, 0 for any free port (default 8000)
          --db PATH                SQLite file to keep state in (default: in memory)
          --data-dir DIR           where uploaded photos and attachments go (default: a temporary directory)
          --access-ttl SECONDS     access token lifetime (default 300)
          --refresh-ttl SECONDS    refresh token lifetime (default 86400)
          --no-seed                start with no users, services or bookings
          --extra-bookings N       seed N more pending bookings for customer1 (for long listings)
          --ws-drop-after N        close each WebSocket after N messages
          -h, --help               show this help

        Once it accepts connections it prints "homeserve-sandbox listening on http://HOST:PORT".
        """

    struct OptionError: Error {
        let message: String
    }

    enum ParseResult {
        case run(SandboxOptions)
        case help
        case failure(String)
    }

    static func parse(_ arguments: [String]) -> ParseResult {
        var options = SandboxOptions()
        var index = 0
        while index < arguments.count {
            var flag = arguments[index]
            var inlineValue: String?
            if flag.hasPrefix("--"), let equals = flag.firstIndex(of: "=") {
                inlineValue = String(flag[flag.index(after: equals)...])
                flag = String(flag[..<equals])
            }
            index += 1
            func value() -> String? {
                if let inlineValue { return inlineValue }
                guard index < arguments.count else { return nil }
                index += 1
                return arguments[index - 1]
            }
            func number(_ range: ClosedRange<Int>) -> Result<Int, OptionError> {
                guard let text = value() else { return .failure(OptionError(message: "option \(flag) needs a value")) }
                guard let n = Int(text), range.contains(n) else {
                    return .failure(OptionError(
                        message: "option \(flag): '\(text)' is not a whole number in \(range.lowerBound)...\(range.upperBound)"))
                }
                return .success(n)
            }
            switch flag {
            case "-h", "--help":
                return .help
            case "--host":
                guard let text = value(), !text.isEmpty else { return .failure("option --host needs a value") }
                options.host = text
            case "--port":
                switch number(0...65_535) {
                case .success(let n): options.port = n
                case .failure(let error): return .failure(error.message)
                }
            case "--db":
                guard let text = value(), !text.isEmpty else { return .failure("option --db needs a path") }
                options.databasePath = text
            case "--data-dir":
                guard let text = value(), !text.isEmpty else { return .failure("option --data-dir needs a path") }
                options.dataDirectory = text
            case "--access-ttl":
                switch number(1...315_360_000) {
                case .success(let n): options.accessTTL = n
                case .failure(let error): return .failure(error.message)
                }
            case "--refresh-ttl":
                switch number(1...315_360_000) {
                case .success(let n): options.refreshTTL = n
                case .failure(let error): return .failure(error.message)
                }
            case "--ws-drop-after":
                switch number(0...1_000_000) {
                case .success(let n): options.webSocketDropAfter = n
                case .failure(let error): return .failure(error.message)
                }
            case "--extra-bookings":
                switch number(0...1_000_000) {
                case .success(let n): options.extraBookings = n
                case .failure(let error): return .failure(error.message)
                }
            case "--no-seed":
                if inlineValue != nil { return .failure("option --no-seed takes no value") }
                options.seed = false
            default:
                return .failure("unknown option '\(flag)' (see --help)")
            }
        }
        return .run(options)
    }
}
