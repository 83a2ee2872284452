import HomeServeAPI
import HomeServeCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum APICommands {
    static let all: [Command] = [request]

    static let methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]
    static let method = Argument("METHOD", .choice(methods), "HTTP method: " + methods.joined(separator: ", "))
    static let path = Argument("PATH", ValueKind<String>(ValueShape(placeholder: "PATH", accepted: "a path starting with /, e.g. /api/bookings/", completion: .free)) { text, _ throws(ValueProblem) in
        guard text.hasPrefix("/"), !text.hasPrefix("//") else { throw ValueProblem() }
        guard !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw ValueProblem("expected a path without control characters (tabs, line breaks)")
        }
        return URLEncoding.typedPath(text)
    }, "Path from the server root, starting with /, e.g. /api/bookings/")
    static let field = ListFlag("field", short: "F", .field, "Add a typed field: numbers, true/false and null keep their JSON type, @FILE reads a file and @- stdin (query for GET/HEAD, JSON body otherwise)")
    static let rawField = ListFlag("raw-field", short: "f", .field, "Add a string field, sent as is")
    static let input = Flag("input", ValueKind<String>.jsonSource, "JSON body from a file, or - for stdin (checked before sending)")
    static let paginate = SwitchFlag("paginate", "Follow every page of a GET listing, printing the items (like --all)")
    static let include = SwitchFlag("include", short: "i", "Print a successful answer's status line and headers before its body")
    static let out = Flag("out", .outputFile, "Write the body to FILE instead of stdout (replaced when complete)")
    static let header = ListFlag("header", short: "H", .httpHeader, "Add a request header to every request of the call; one homeserve sets (Accept, Content-Type, User-Agent) is replaced; Authorization, Cookie and the headers that frame a message are refused")

    static let request = Command(
        "api",
        summary: "Call any endpoint with your session and print what the server sent",
        discussion: """
        Like 'gh api'. The body is passed through: a body that is not JSON (CSV, an image, any bytes) is
        written unchanged to stdout or --out FILE, streamed, never held in memory; JSON is checked (a body
        declared JSON that does not parse, is cut short or nests too deep is exit 8) and written as
        received, pretty-printed on a terminal. -o, --fields, --jq and --sort-by apply the output rule
        ('homeserve help output') and need a JSON body (another is exit 8); the answer to a change that only
        wraps one object ({"message": …, "booking": {…}}) prints that object as the row, the message on
        stderr. Without --paginate, --page and --page-size ask a GET for one page (one past the last is exit
        5, as for any list); --page-size is sent as page_size (for an endpoint that names it per_page, give
        -f per_page=N). Redirects (3xx) are followed for GET and HEAD on the same host, never sending the
        token elsewhere; otherwise exit 12 names the Location. HEAD prints the status and headers as JSON, a
        header sent twice as one with its values joined by ", " (as in a dry run), and Set-Cookie always as
        an array. Fields go in the query for GET and HEAD, in a JSON body otherwise; -F key=@FILE reads a
        field from a file and key=@- from stdin. In a body, as with gh, key[name]=v sets a field of object
        key, key[]=v adds to list key, and key[][name]=v fills the objects of list key, starting the next
        one when the last has name already; key[] alone is an empty list; the -f fields come first, then the
        -F ones. -H adds a header to every request, pages included. -i prints a successful answer's status
        line and headers, then a blank line, before its body, which it then holds in memory (up to
        HOMESERVE_MAX_BODY) instead of streaming; -v shows any answer's on stderr.
        """,
        flags: [field, rawField, header, input, paginate, include, out] + ListFlags.flags,
        arguments: [method, path],
        examples: [
            Example("homeserve api GET /api/bookings/ -F status=pending --paginate -o ndjson", "Every pending booking, page after page"),
            Example("homeserve api POST /api/dynamic-pricing/ -F service_id=1 -f pincode=560001 -F days=3", "A JSON body built from fields"),
            Example("homeserve api POST /api/disputes/create_dispute/ -f booking_id=3f2b9c1e-8d4a-4b7e-9c61-2a5d8e7f0b13 -f dispute_type=billing -f title='Charged twice' -f description='Two charges on 1 Dec' -f 'evidence[receipts][]=R-1' -f 'evidence[receipts][]=R-2'", "Nested fields and a list in the body"),
            Example("homeserve api GET /media/photos/3b1f….jpg --out before.jpg", "Download a photo, byte for byte"),
            Example("homeserve api GET /api/bookings/ -H 'X-Request-ID: support-4711'", "Tag a request for the server's logs"),
        ],
        printsData: false,
        shapesOutput: true
    ) { inv in
        let verb = inv[method], target = inv[path]
        let fieldsAreQuery = verb == "GET" || verb == "HEAD"
        try inv.checkAllOrLimit()
        let listing = inv[paginate] || inv[ListFlags.all] || inv[ListFlags.limit] != nil
        if listing && verb != "GET" { throw CLIError.usage("--paginate, --all and --limit follow pages of a GET; they cannot be used with \(verb)") }
        // As gh: the -f fields, then the -F ones (the order of a list's items; also of the query and the
        // body's keys, which gh sorts instead).
        var fields: [(key: String, text: String, value: JSON?)] = inv[rawField].map { ($0.key, $0.text, $0.emptyList ? nil : .string($0.text)) }
        var readStdin = false
        for pair in inv[field] {
            if pair.emptyList {
                fields.append((pair.key, "", nil))
            } else if pair.text.hasPrefix("@") {
                let file = String(pair.text.dropFirst())
                guard !file.isEmpty else { throw CLIError.usage("invalid value '\(pair.key)=@' for -F/--field: expected a file name after @, or @- for stdin") }
                let bytes: [UInt8]
                if file == "-" {
                    guard !readStdin else { throw CLIError.usage("-F/--field: @- is given twice, and stdin can be read once") }
                    readStdin = true
                    do throws(CLIError) { bytes = try inv.context.stdin.readAll(limit: 64 << 20) } catch {
                        throw CLIError(error.code, "invalid value '\(pair.key)=@-' for -F/--field: cannot read stdin: \(error.message)")
                    }
                } else {
                    do throws(FileError) { bytes = try FileFacts.contents(file) } catch {
                        throw CLIError.usage("invalid value '\(pair.key)=\(ParsedLine.shown(pair.text))' for -F/--field: \(ParsedLine.quoted(file)): \(FileFacts.problem(file, reading: error))")
                    }
                }
                // A field's value is JSON text: bytes that are not UTF-8 would arrive changed.
                guard let text = String(validating: bytes, as: UTF8.self) else {
                    throw CLIError.usage("invalid value '\(pair.key)=\(ParsedLine.shown(pair.text))' for -F/--field: \(file == "-" ? "stdin" : ParsedLine.quoted(file)) is not UTF-8 text, and a field's value is text")
                }
                fields.append((pair.key, text, .string(text)))
            } else {
                fields.append((pair.key, pair.text, FieldValue.typed(pair.text)))
            }
        }
        if fieldsAreQuery, let empty = fields.first(where: { $0.value == nil }) {
            throw CLIError.usage("-F/-f \(empty.key) (an empty list) belongs in a JSON body; \(verb) sends its fields as a query")
        }
        let body: RequestBody
        if let document = inv[input] {
            guard !fieldsAreQuery else { throw CLIError.usage("--input sends a body; \(verb) has none") }
            guard fields.isEmpty else { throw CLIError.usage("--input and -F/-f cannot be combined for \(verb): the body is either the input or the fields") }
            body = .json(document)
        } else if !fieldsAreQuery && !fields.isEmpty {
            // A query may repeat a name (`?a=1&a=2`); a JSON object holds one value per key.
            body = .json(try FieldBody.build(fields.map { ($0.key, $0.value) }))
        } else {
            body = .none
        }
        var query = fieldsAreQuery ? fields.map { ($0.key, $0.text) } : []
        if !listing {
            // Without following pages, --page and --page-size ask the server for one page of a GET.
            for (flag, name, value) in [("--page", "page", inv[ListFlags.page]), ("--page-size", "page_size", inv[ListFlags.pageSize])] {
                guard let value else { continue }
                guard verb == "GET" else { throw CLIError.usage("\(flag) asks for a page of a GET; it cannot be used with \(verb)") }
                guard !query.contains(where: { $0.0 == name }) else { throw CLIError.usage("\(flag) and -F/-f \(name)=… both set \(name); give one") }
                query.append((name, String(value)))
            }
        }
        let shaped = inv.given(GlobalFlags.output) || inv[GlobalFlags.jq] != nil || inv[GlobalFlags.fields] != nil || inv[GlobalFlags.sortBy] != nil
        let file = OutputFile.named(inv[out])
        if inv[include], listing || shaped || file != nil {
            // The head goes before the body, on stdout: not into a file, pages or reshaped data.
            let other = listing ? "--paginate, --all or --limit" : shaped ? "-o, --fields, --jq or --sort-by" : "--out"
            throw CLIError.usage("-i/--include prints the status line and headers before the body as received; it cannot be combined with \(other)")
        }
        if let file, listing || shaped {
            // --out keeps the body exactly as it came; pages and reshaped output go to stdout, where > puts them.
            let other = listing ? "--paginate, --all or --limit" : "-o, --fields, --jq or --sort-by"
            throw CLIError.usage("--out \(file) writes the body as received; it cannot be combined with \(other) (redirect stdout instead)")
        }

        let headers = inv[header].map { ($0.key, $0.text) }
        if listing {
            var filters = ListFilters()
            filters.query = query
            return try inv.listing(target, filters, presentation: .report(), following: true, headers: headers, printsOtherAnswersAsReceived: true)
        }
        if shaped { _ = try inv.format.get(); _ = try inv.jq() }
        let destination = PassThrough(path: file, stdout: inv.context.stdout)
        // The token endpoints take no token: their 401 (a wrong password) is the answer, not a session
        // to renew and the request to send again.
        let tokenEndpoint = target.hasPrefix("/auth/")
        var call = APICall(verb, target, query: query, body: body, authenticated: !tokenEndpoint)
        call.accept = "application/json, */*"
        call.headers = headers
        // Output shaped by -o, --fields or --jq needs JSON: any other body is then refused, not passed on.
        // With -i the head is written first, once the whole answer is in.
        call.sink = shaped || inv[include] ? nil : destination
        let response: HTTPResponse
        let askedPage = verb == "GET" ? Renderer.askedPage(query, path: target) : nil
        do {
            guard let answer = try inv.client().send(call) else { return .nothing }
            response = answer
        } catch let APIError.transport(failure, _, _) where failure.kind == .sinkFailed {
            destination.abandon()
            if let error = destination.failure { throw error }
            return .nothing
        } catch {
            destination.abandon()
            throw askedPage.flatMap { CLIError.pastTheLast(page: $0, error) } ?? error
        }
        if inv[include] {
            let version = response.connection.httpVersion.isEmpty ? "HTTP/1.1" : response.connection.httpVersion
            var bytes = Array((response.statusLine ?? "\(version) \(response.status)").utf8) + [UInt8(ascii: "\n")]
            // On a terminal the server's text has its control characters made visible, as everywhere.
            let terminal = inv.context.stdout.isTerminal
            for (name, value) in response.headers {
                bytes += Array((terminal ? TerminalText.visible("\(name): \(value)") : "\(name): \(value)").utf8) + [UInt8(ascii: "\n")]
            }
            bytes.append(UInt8(ascii: "\n"))
            if verb != "HEAD", !response.body.isEmpty {
                // A body declared JSON is held to parsing, and pretty-printed on a terminal, as without -i;
                // anything else is as received.
                if response.declaresJSON {
                    let document = try inv.client().parse(response, call: call)
                    bytes += inv.context.stdout.isTerminal ? document.bytes(pretty: true) + [UInt8(ascii: "\n")] : response.body
                } else {
                    bytes += response.body
                }
            }
            return .bytes(bytes)
        }
        if verb == "HEAD" {
            return .document(.object([("status", .int(response.status)), ("headers", .headers(response.headers))]), .resource())
        }
        if let streamed = response.streamedBytes {
            try destination.finish()
            if let file { inv.note("Wrote \(streamed) bytes to \(file).") }
            return .nothing
        }
        if response.body.isEmpty {
            destination.abandon()
            // What needs JSON (-o, --fields, --jq, a body declared JSON) has none; 204, 205 and 304 carry none.
            if shaped || response.declaresJSON, ![204, 205, 304].contains(response.status) {
                let made = call.changeUnsafeToRepeat && response.isSuccess ? "; the \(verb) was carried out: check before sending it again" : ""
                throw APIError.badResponse(method: verb, path: try inv.client().shown(call),
                                           reason: "the answer (HTTP \(response.status)) is empty\(shaped ? ", where -o, --fields, --jq or --sort-by needs JSON" : ", though declared JSON")\(made)")
            }
            // An empty body is a whole one: the file holds it, not what it held before.
            if let file {
                try OutputFile.write(file, [], mode: 0o644)
                inv.note("Wrote 0 bytes to \(file) (HTTP \(response.status), no body).")
                return .nothing
            }
            inv.note("HTTP \(response.status), no body.")
            return .nothing
        }
        // A body declared JSON (or undeclared) must parse: a truncated or mislabelled one is exit 8.
        let document = try inv.client().parse(response, call: call)
        // A page past the last is exit 5 whichever way the server says it (a 404, or a page of no rows), as
        // with the list commands: an empty page with exit 0 would pass for an empty list.
        if let asked = askedPage, asked > 1 {
            let page = CollectionReader.read(document)
            if page.rows?.isEmpty == true { throw CLIError.pastTheLast(page: asked, page.info.total.map { "the server reports \($0) rows" }) }
        }
        if shaped {
            // A change's answer that wraps what it acted on prints that as the row, as the commands' do.
            if verb != "GET", let key = Rows.wrapperKey(of: document) {
                if let message = Invocation.serverMessage(document) { inv.note(message) }
                return .document(document, .resource(wrappedIn: [key]))
            }
            return .document(document, .report())
        }
        if let file {
            try OutputFile.write(file, response.body, mode: 0o644)
            inv.note("Wrote \(response.body.count) bytes to \(file).")
            return .nothing
        }
        if inv.context.stdout.isTerminal {
            var bytes = document.bytes(pretty: true)
            bytes.append(UInt8(ascii: "\n"))
            return .bytes(bytes)
        }
        return .bytes(response.body)
    }
}

/// Takes a body that is not JSON straight to its destination as it arrives: stdout, a device or pipe
/// written in place, or a file written beside its final name and renamed once complete.
final class PassThrough: ResponseSink {
    let path: String?
    let stdout: OutputChannel
    private var fd: Int32 = -1
    private var temporary: String?
    private(set) var failure: Error?
    /// Bytes written to stdout or a device or pipe, which a retry could not take back.
    private var streamed = false
    var canRestart: Bool { !streamed }

    init(path: String?, stdout: OutputChannel) {
        self.path = path
        self.stdout = stdout
    }

    func accepts(status: Int, headers: [(String, String)]) -> Bool {
        let response = HTTPResponse(status: status, headers: headers)
        guard response.isSuccess, !response.declaresJSON else { return false }
        // An attempt before this one, cut short: its file is begun again.
        abandon()
        guard let path else { return true }
        if OutputFile.isStream(path) {
            // A device or pipe is written in place; a failure to open it stops the transfer at its first bytes.
            do { fd = try OutputFile.openStream(path) } catch { failure = error }
            return true
        }
        let name = "\(path).tmp.\(getpid())"
        // A new file, never one already there nor the target of a link: --out may be in a shared directory.
        fd = AtomicFile.createTemporary(name, mode: 0o644)
        guard fd >= 0 else {
            // Accepted all the same, so the transfer stops at its first bytes and this is the error reported.
            failure = FileError.system(name, "write")
            return true
        }
        // A file replaced keeps permissions no wider than it had.
        if let existing = FileFacts.mode(path) { fchmod(fd, existing & 0o644) }
        temporary = name
        return true
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if failure != nil { return false }
        if temporary == nil { streamed = true }
        guard fd >= 0 else {
            stdout.write(bytes)
            return stdout.flush()
        }
        guard writeAll(fd, bytes) else {
            failure = FileError.system(path ?? "", "write")
            return false
        }
        return true
    }

    func finish() throws {
        if let failure { throw failure }
        guard fd >= 0, let path else { return }
        guard let temporary else {
            close(fd)
            fd = -1
            return
        }
        let synced = fsync(fd) == 0
        close(fd)
        fd = -1
        guard synced, rename(temporary, path) == 0 else {
            let error = FileError.system(path, "write")
            unlink(temporary)
            throw error
        }
    }

    func abandon() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
        if let temporary { unlink(temporary) }
        temporary = nil
    }
}
