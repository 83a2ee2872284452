/// Every failure a handler can report, each rendered the way Django REST Framework renders it.
enum APIError: Error {
    /// 400 with field errors: `{"field": ["message"]}`.
    case validation(JSONObject)
    /// 400 with `{"detail": ...}`, for failures that are not about one field.
    case badRequest(String)
    /// 400 for a body that is not JSON; the message is Python's, as DRF passes it through.
    case malformedJSON(String)
    case notAuthenticated
    /// simplejwt's answer for a bad, expired or wrong-type access token.
    case tokenNotValid
    /// Other 401s with a simplejwt code (blacklisted refresh token, bad header, deleted user).
    case authenticationFailed(detail: String, code: String?)
    case forbidden(String)
    case notFound(String)
    case methodNotAllowed(String)
    case conflict(String)
    case unsupportedMediaType(String)
    /// An Accept header naming no type the API renders (it renders JSON alone).
    case notAcceptable
    case payloadTooLarge

    static let permissionDenied = APIError.forbidden("You do not have permission to perform this action.")
    static let notFoundDefault = APIError.notFound("Not found.")
    /// Django's `TooManyFieldsSent`, which it turns into a 400.
    static let tooManyFields = APIError.badRequest(
        "The number of GET/POST parameters exceeded settings.DATA_UPLOAD_MAX_NUMBER_FIELDS.")

    static func field(_ name: String, _ message: String) -> APIError {
        .validation(JSONObject([(name, [.string(message)])]))
    }

    static func nonField(_ message: String) -> APIError { field("non_field_errors", message) }

    var response: APIResponse {
        switch self {
        case .validation(let errors):
            return .json(.object(errors), status: 400)
        case .badRequest(let detail):
            return .json(["detail": .string(detail)], status: 400)
        case .malformedJSON(let message):
            return .json(["detail": .string("JSON parse error - \(message)")], status: 400)
        case .notAuthenticated:
            return .json(["detail": "Authentication credentials were not provided."], status: 401)
                .with(header: "WWW-Authenticate", "Bearer realm=\"api\"")
        case .tokenNotValid:
            // simplejwt's JWTAuthentication names what each token class made of it.
            return .json(["detail": "Given token not valid for any token type", "code": "token_not_valid",
                          "messages": [["token_class": "AccessToken", "token_type": "access",
                                        "message": "Token is invalid or expired"]]], status: 401)
                .with(header: "WWW-Authenticate", "Bearer realm=\"api\"")
        case .authenticationFailed(let detail, let code):
            return .json(code.map { ["detail": .string(detail), "code": .string($0)] } ?? ["detail": .string(detail)],
                         status: 401)
                .with(header: "WWW-Authenticate", "Bearer realm=\"api\"")
        case .forbidden(let detail):
            return .json(["detail": .string(detail)], status: 403)
        case .notFound(let detail):
            return .json(["detail": .string(detail)], status: 404)
        case .methodNotAllowed(let method):
            return .json(["detail": .string("Method \"\(method)\" not allowed.")], status: 405)
        case .conflict(let detail):
            return .json(["detail": .string(detail)], status: 409)
        case .unsupportedMediaType(let mediaType):
            return .json(["detail": .string("Unsupported media type \"\(mediaType)\" in request.")], status: 415)
        case .notAcceptable:
            return .json(["detail": "Could not satisfy the request Accept header."], status: 406)
        case .payloadTooLarge:
            return .json(["detail": "Request body too large."], status: 413)
        }
    }
}

/// Collects DRF-style field errors so a serializer can report every bad field at once.
struct FieldErrors {
    private(set) var object = JSONObject()

    var isEmpty: Bool { object.isEmpty }

    func has(_ field: String) -> Bool { object.contains(field) }

    mutating func add(_ field: String, _ message: String) {
        var messages = object[field]?.arrayValue ?? []
        messages.append(.string(message))
        object[field] = .array(messages)
    }

    /// Throws the collected errors, if any, as a 400.
    func check() throws {
        if !isEmpty { throw APIError.validation(object) }
    }
}
