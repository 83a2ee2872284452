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
    /// The reply conventions: the guide's, or the variant ones (see `Shapes`).
    var shapes = ShapeMode.guide
    /// Added to every HTTP reply but the `/sandbox/` hooks, to stand in for a server across a network.
    public var latencyMilliseconds = 0

    public init() {}

    static var usage: String {
        let conventions = Shapes.conventions.map { "                             \($0.endpoint): \($0.variant)" }
        return usageHead + conventions.joined(separator: "\n") + "\n" + usageTail
    }

    private static let usageHead = """
        usage: homeserve-sandbox [options]

        A local HomeServe-compatible API server for development and tests.

        options:
          --host HOST              address to bind (default 127.0.0.1)
          --port PORT              port to bind, 0 for any free port (default 8000)
          --db PATH                SQLite file to keep state in (default: a temporary file, deleted at exit)
          --data-dir DIR           where uploaded photos and attachments go (default: a temporary directory)
          --access-ttl SECONDS     access token lifetime (default 300)
          --refresh-ttl SECONDS    refresh token lifetime (default 86400)
          --no-seed                start with no users, services or bookings
          --extra-bookings N       seed N more pending bookings for customer1 (for long listings)
          --ws-drop-after N        close each WebSocket after N messages
          --latency MS             delay every HTTP reply by MS milliseconds (not /sandbox/ hooks, not
                                   WebSocket frames), like a server across a network
          --shapes guide|variant   reply conventions (default guide: the integration guide's, exactly).
                                   variant serves the same data the way other deployments shape it, the
                                   same for every run; a page past the end has no rows and true totals.
                                   Per endpoint (docs/SANDBOX.md has both shapes side by side):

        """

    private static let usageTail = """

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
            case "--latency":
                switch number(0...600_000) {
                case .success(let n): options.latencyMilliseconds = n
                case .failure(let error): return .failure(error.message)
                }
            case "--shapes":
                guard let text = value() else { return .failure("option --shapes needs a value") }
                guard let mode = ShapeMode(rawValue: text) else {
                    return .failure("option --shapes: '\(text)' is not one of guide, variant")
                }
                options.shapes = mode
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
