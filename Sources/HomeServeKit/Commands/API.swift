enum APICommands {
    static let all: [Command] = [request]

    static let methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]

    static let request = Command(
        "api",
        summary: "Send a request to any endpoint with the profile's session",
        discussion: """
        Like 'gh api': the same login, token refresh, retries, --dry-run, output formats and exit codes as
        every other command, for endpoints that have no command of their own.

        -F key=value is a query parameter for GET and HEAD and a member of a JSON body otherwise. Values are
        typed: JSON numbers (12, 4.5; 007 stays a string) become numbers, true/false booleans, null null,
        @FILE the file's text, anything else a string. -f key=value is always a string.
        --input sends a JSON body read from a file or stdin; for other methods than GET and HEAD it cannot
        be combined with fields. A JSON response prints like any other (an array as a list); any other
        body is written to stdout as received. HEAD prints the status and headers.
        """,
        flags: [
            Flag("field", short: "F", .keyValue, "A typed parameter (number, true/false, null, @FILE, else string)", repeatable: true),
            Flag("raw-field", short: "f", .keyValue, "A string parameter, never typed", repeatable: true),
            Flag("input", .string, "JSON request body from a file, or - for stdin", placeholder: "FILE|-"),
            Flag("paginate", .flag, "Follow next links and print every page's results as one list (GET only)"),
        ],
        arguments: [
            Argument("METHOD", .choice(methods), "HTTP method: " + methods.joined(separator: ", ")),
            Argument("PATH", .string, "Path from the server root, starting with /, e.g. /api/bookings/"),
        ],
        examples: [
            Example("homeserve api GET /api/bookings/ -F status=pending --paginate -o ndjson", "Every pending booking, page after page"),
            Example("homeserve api POST /api/dynamic-pricing/ -F service_id=1 -f pincode=560001 -F days=3", "A JSON body built from fields"),
            Example("homeserve api PATCH /api/bookings/3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13/ --input changes.json", "A JSON body from a file"),
        ]
    ) { inv in
        let method = inv.values.argument(0)!, path = inv.values.argument(1)!
        guard path.hasPrefix("/") else {
            throw CLIError.usage("invalid value '\(path)' for PATH: expected a path starting with /, e.g. /api/bookings/")
        }
        let paginate = inv.values.bool("paginate")
        if paginate && method != "GET" { throw CLIError.usage("--paginate follows pages of a GET; it cannot be used with \(method)") }

        var fields: [(key: String, text: String, value: JSON)] = []
        for pair in inv.values.strings("field") {
            var (key, text) = FieldValue.split(pair)
            if text.hasPrefix("@") {
                let file = String(text.dropFirst())
                guard let bytes = FileFacts.read(file) else {
                    throw CLIError.usage("invalid value '\(pair)' for -F/--field: \(file): \(FileFacts.problem(file))")
                }
                text = String(decoding: bytes, as: UTF8.self)
                fields.append((key, text, .string(text)))
            } else {
                fields.append((key, text, FieldValue.typed(text)))
            }
        }
        for pair in inv.values.strings("raw-field") {
            let (key, text) = FieldValue.split(pair)
            fields.append((key, text, .string(text)))
        }
        let input = try inv.values.string("input").map(readInput)
        let fieldsAreQuery = method == "GET" || method == "HEAD"
        if input != nil && !fields.isEmpty && !fieldsAreQuery {
            throw CLIError.usage("--input and -F/-f cannot be combined for \(method): the body is either the file or the fields")
        }
        let query: [(String, String?)] = fieldsAreQuery ? fields.map { ($0.key, $0.text) } : []
        let body: RequestBody
        if let input {
            body = .json(input)
        } else if !fieldsAreQuery && !fields.isEmpty {
            body = .json(.object(fields.map { ($0.key, $0.value) }))
        } else {
            body = .none
        }

        let client = try inv.client()
        if paginate {
            guard let first = try client.send(method, path, query: query, body: body) else { return }
            guard first.pageItems != nil else { try inv.show(first); return }
            var writer: ListWriter?
            try client.pages(from: first) { page in
                for item in page.pageItems ?? [] {
                    if writer == nil { writer = try inv.printer().list(columns: Printer.keys(of: item)) }
                    writer?.add(item)
                }
                return writer?.flush() ?? true
            }
            if inv.terminal.outputClosed { return }
            try (writer ?? inv.printer().list(columns: [])).finish()
            return
        }

        guard let response = try client.sendRaw(method, path, query: query, body: body) else { return }
        if method == "HEAD" {
            try inv.show(.object([("status", .int(response.status)),
                                  ("headers", .object(response.headers.map { ($0.0, .string($0.1)) }))]))
            return
        }
        if response.body.isEmpty {
            inv.note("HTTP \(response.status), no body.")
            return
        }
        guard let json = try? JSON.parse(response.body) else {
            inv.terminal.out(String(decoding: response.body, as: UTF8.self))
            return
        }
        if let items = json.arrayValue, let first = items.first, case .object = first {
            let writer = try inv.printer().list(columns: Printer.keys(of: first))
            for item in items { writer.add(item) }
            writer.finish()
        } else {
            try inv.show(json)
        }
    }

    /// `--input FILE|-`: the body must be JSON, checked before anything is sent.
    static func readInput(_ source: String) throws -> JSON {
        let bytes = try FileFacts.contents(of: source, for: "--input")
        do { return try JSON.parse(bytes) } catch {
            throw CLIError.usage("invalid value '\(source)' for --input: not valid JSON (\(error))")
        }
    }
}
