import Foundation

/// A domain event's payload: what happened, named by a type that is also its routing key.
public protocol DomainEvent: Codable, Sendable {
    /// The event type and routing key, such as `boleta.signed`.
    static var type: String { get }
    /// The version of the payload's shape; consumers ignore fields they do not know.
    static var version: Int { get }
}

/// The envelope around every event on the broker: who, what, when, and why.
///
/// `correlationId` ties together everything that one user action set off; `causationId` names
/// the event (or request) that directly caused this one. `clientCode` is the client the event
/// concerns, when there is one, so that consumers can partition and check access.
public struct EventEnvelope<Payload: Codable & Sendable>: Codable, Sendable {
    public var id: UUID
    public var type: String
    public var version: Int
    public var occurredAt: Date
    public var producer: String
    public var correlationId: String?
    public var causationId: String?
    public var clientCode: String?
    public var data: Payload

    public init(
        id: UUID = UUID(), type: String, version: Int, occurredAt: Date = Date(), producer: String,
        correlationId: String? = nil, causationId: String? = nil, clientCode: String? = nil, data: Payload
    ) {
        self.id = id
        self.type = type
        self.version = version
        self.occurredAt = occurredAt
        self.producer = producer
        self.correlationId = correlationId
        self.causationId = causationId
        self.clientCode = clientCode
        self.data = data
    }
}

extension EventEnvelope where Payload: DomainEvent {
    /// Wraps `event` in a new envelope from `producer`.
    public init(
        _ event: Payload, producer: String, clientCode: String? = nil, correlationId: String? = nil,
        causationId: String? = nil, occurredAt: Date = Date()
    ) {
        self.init(
            type: Payload.type, version: Payload.version, occurredAt: occurredAt, producer: producer,
            correlationId: correlationId, causationId: causationId, clientCode: clientCode, data: event)
    }
}

/// Everything of an envelope but its data: what a consumer reads first to route an event.
public struct EventMetadata: Codable, Sendable, Equatable {
    public var id: UUID
    public var type: String
    public var version: Int
    public var occurredAt: Date
    public var producer: String
    public var correlationId: String?
    public var causationId: String?
    public var clientCode: String?
}

/// The JSON coding every event uses: that of the HTTP endpoints (``JSONCoding``), and a way to
/// say which field of an event could not be read.
public enum EventCoding {
    /// Encodes events: ISO-8601 dates with milliseconds, sorted keys.
    public static func encoder() -> JSONEncoder { JSONCoding.encoder() }

    /// Decodes events; accepts timestamps with or without fractional seconds.
    public static func decoder() -> JSONDecoder { JSONCoding.decoder() }

    /// Describes a decoding failure by the path of the field at fault, for a parking reason.
    public static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { key in key.intValue.map { "[\($0)]" } ?? key.stringValue }
            guard !path.isEmpty else { return "the document" }
            return path.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context)
            let field = parent == "the document" ? key.stringValue : parent + "." + key.stringValue
            return "field \(field) is missing"
        case .valueNotFound(_, let context):
            return "field \(path(context)) is null"
        case .typeMismatch(let type, let context):
            return "field \(path(context)) is not a \(type)"
        case .dataCorrupted(let context):
            return "field \(path(context)) is not valid: \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
