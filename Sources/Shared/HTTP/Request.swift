import Foundation

/// One HTTP request as a handler sees it: already routed, with its whole body read.
public struct Request: Sendable {
    /// The method in upper case, such as `GET`.
    public let method: String
    /// The path without the query string, percent-decoded.
    public let path: String
    /// The query parameters, percent-decoded.
    public let query: Parameters
    /// The request header fields.
    public let headers: HTTPHeaders
    /// The whole body, empty when there is none.
    public let body: Data
    /// The client's IP address as text, or an empty string if it is unknown.
    public var remoteAddress: String { peer.text }
    private(set) var peer: PeerAddress
    /// The request's id: the caller's `X-Request-ID` when sane, otherwise a new UUID.
    public let id: String
    /// A logger that adds `request.id` to every line.
    ///
    /// Built when asked for, since most requests log nothing at the default level.
    public var logger: Logger { baseLogger.with(["request.id": id]) }
    private let baseLogger: Logger
    /// The route pattern that matched (`/boletas/{number}`), empty before routing.
    public internal(set) var route: String
    /// The values of the pattern's `{name}` segments.
    public internal(set) var pathParameters: Parameters
    /// Who is calling, set by an authenticating ``Middleware`` before the handler runs.
    public var principal: (any Sendable)?

    /// Creates a request; the server does this, tests of handlers may too.
    public init(
        method: String, path: String, query: Parameters = Parameters(), headers: HTTPHeaders = HTTPHeaders(),
        body: Data = Data(), remoteAddress: String = "", id: String? = nil, logger: Logger
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.peer = .text(remoteAddress)
        self.id = id ?? RequestID.make()
        self.baseLogger = logger
        self.route = ""
        self.pathParameters = Parameters()
    }

    /// Creates a request whose client address is formatted only if asked for.
    init(
        method: String, path: String, query: Parameters, headers: HTTPHeaders, body: Data, peer: PeerAddress,
        id: String, logger: Logger
    ) {
        self.init(method: method, path: path, query: query, headers: headers, body: body, id: id, logger: logger)
        self.peer = peer
    }

    /// The value of the path's `{name}` segment; a 404 if the route has none of that name.
    public func pathParameter(_ name: String) throws(HTTPError) -> String {
        guard let value = pathParameters[name] else { throw HTTPError.notFound() }
        return value
    }

    /// The principal an authenticating middleware set, as `type`; a 401 if there is none.
    public func principal<P: Sendable>(as type: P.Type) throws(HTTPError) -> P {
        guard let principal = principal as? P else { throw HTTPError.unauthorized() }
        return principal
    }

    /// Decodes the JSON body as `type`.
    ///
    /// Throws 415 when the body is not declared `application/json` (a charset is fine) and 400,
    /// saying where, when it is not valid JSON or does not have the expected shape, a number that
    /// does not fit its field included.
    public func decode<T: Decodable>(_ type: T.Type) throws(HTTPError) -> T {
        guard let contentType = headers["Content-Type"], Self.isJSON(contentType) else {
            throw HTTPError.unsupportedMediaType()
        }
        // PostgreSQL stores no NUL character, and no field of ours has a use for one.
        guard !Self.holdsEscapedNUL(body) else {
            throw HTTPError.malformed("Text in the body must not hold the NUL character (\\u0000).")
        }
        do {
            return try JSONCoding.decode(type, from: body)
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty,
                let problem = Self.numberProblem(type, in: body, cause: error)
            {
                throw problem
            }
            throw HTTPError.malformed(Self.describe(error), cause: error)
        } catch {
            throw HTTPError.malformed("The body is not valid JSON.", cause: error)
        }
    }

    /// Whether JSON text holds the escape `\u0000` inside a string (the only way JSON can carry a
    /// NUL): a backslash that is itself escaped does not start one.
    static func holdsEscapedNUL(_ json: Data) -> Bool {
        let bytes = [UInt8](json)
        let escape = Array("u0000".utf8)
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "\\") else {
                index += 1
                continue
            }
            let next = index + 1
            if next + escape.count <= bytes.count, Array(bytes[next..<(next + escape.count)]) == escape { return true }
            index += 2
        }
        return false
    }

    /// The 400 naming the numbers of a body that is valid JSON but failed to decode as a whole:
    /// the decoder says only "not valid JSON" when a number does not fit its field (a fraction or
    /// a value too large for a whole-number field), so each number that is not a whole number of
    /// 64 bits is put back as 0 to see whether it is the one at fault. `nil` when the body is not
    /// valid JSON or no number is at fault.
    static func numberProblem<T: Decodable>(_ type: T.Type, in body: Data, cause: any Error) -> HTTPError? {
        guard let tree = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) else {
            return nil
        }
        var faults: [HTTPError.FieldError] = []
        for path in unwholeNumbers(in: tree, at: []) {
            let mended = replacing(path, in: tree, with: NSNumber(value: 0))
            guard let data = try? JSONSerialization.data(withJSONObject: mended, options: [.fragmentsAllowed]) else {
                continue
            }
            do {
                _ = try JSONCoding.decode(type, from: data)
            } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
                continue
            } catch {}
            faults.append(
                HTTPError.FieldError(field: name(of: path), message: "must be a whole number that fits in 64 bits"))
        }
        guard !faults.isEmpty else { return nil }
        let fields = faults.map { "'\($0.field)'" }.joined(separator: ", ")
        return HTTPError(
            status: 400, code: .malformed, title: "Malformed request",
            detail: "Wrong number at \(fields): expected a whole number that fits in 64 bits.", fieldErrors: faults,
            cause: cause)
    }

    /// One step of a path into a JSON tree: a key of an object or an index of an array.
    private enum Step {
        case key(String)
        case index(Int)
    }

    /// The paths of the numbers in `tree` that have a fraction or do not fit in 64 bits.
    private static func unwholeNumbers(in tree: Any, at path: [Step]) -> [[Step]] {
        if let object = tree as? [String: Any] {
            return object.keys.sorted().flatMap { unwholeNumbers(in: object[$0]!, at: path + [.key($0)]) }
        }
        if let array = tree as? [Any] {
            return array.enumerated().flatMap { unwholeNumbers(in: $0.element, at: path + [.index($0.offset)]) }
        }
        guard !(tree is String), let number = tree as? NSNumber else { return [] }
        let value = number.doubleValue
        let whole = value.isFinite && value == value.rounded() && abs(value) < 9.2e18
        return whole ? [] : [path]
    }

    /// `tree` with the value at `path` replaced by `value`.
    private static func replacing(_ path: [Step], in tree: Any, with value: Any) -> Any {
        guard let step = path.first else { return value }
        let rest = Array(path.dropFirst())
        switch step {
        case .key(let key):
            guard var object = tree as? [String: Any], let inner = object[key] else { return tree }
            object[key] = replacing(rest, in: inner, with: value)
            return object
        case .index(let index):
            guard var array = tree as? [Any], array.indices.contains(index) else { return tree }
            array[index] = replacing(rest, in: array[index], with: value)
            return array
        }
    }

    /// A path written as in field errors: `entries[1].start`.
    private static func name(of path: [Step]) -> String {
        var text = ""
        for step in path {
            switch step {
            case .key(let key): text += (text.isEmpty ? "" : ".") + key
            case .index(let index): text += "[\(index)]"
            }
        }
        return text.isEmpty ? "the body" : text
    }

    /// Whether a `Content-Type` value names JSON, ignoring case and parameters.
    static func isJSON(_ contentType: String) -> Bool {
        let mediaType = contentType.prefix { $0 != ";" }.trimmingCharacters(in: .whitespaces)
        return HTTPHeaders.sameName(mediaType, "application/json")
    }

    /// A sentence for the client saying what is wrong with the JSON and where.
    static func describe(_ error: DecodingError) -> String {
        func location(_ path: [any CodingKey]) -> String {
            var text = ""
            for key in path {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += (text.isEmpty ? "" : ".") + key.stringValue
                }
            }
            return text.isEmpty ? "the body" : "'\(text)'"
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "Missing field \(location(context.codingPath + [key]))."
        case .typeMismatch(let type, let context):
            return "Wrong type at \(location(context.codingPath)): expected \(Self.jsonName(of: type))."
        case .valueNotFound(let type, let context):
            return "Missing value at \(location(context.codingPath)): expected \(Self.jsonName(of: type))."
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "The body is not valid JSON." }
            return "Invalid value at \(location(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "The body does not have the expected shape."
        }
    }

    private static func jsonName(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt.Type: "a whole number"
        case is Double.Type, is Float.Type, is Decimal.Type: "a number"
        case is [Any].Type: "an array"
        default: "an object"
        }
    }
}
