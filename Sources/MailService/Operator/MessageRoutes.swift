import Foundation
import Shared

/// One page of messages.
struct MessagePage: Codable, Sendable {
    var items: [StoredMessage]
    var limit: Int
    var offset: Int
}

extension MailService {
    /// Vendor support's view of the messages: list and look at them, and send a failed one again.
    func addMessageRoutes(to router: inout Router) {
        let pool = pool
        let schema = schema
        router.group(middleware: [context.requireToken, context.requireVendorRole(.support)]) { admin in
            admin.get("/messages") { request in
                let filter = try Self.filter(request.query)
                let limit = try Self.integer(request.query, "limit", default: 50, in: 1...500)
                let offset = try Self.integer(request.query, "offset", default: 0, in: 0...Int(Int32.max))
                let items = try pool.withConnection {
                    try MessageStore.list(filter, limit: limit, offset: offset, on: $0)
                }
                return try .json(MessagePage(items: items, limit: limit, offset: offset))
            }
            admin.get("/messages/{id}") { request in
                let id = try Self.messageID(request)
                guard let message = try pool.withConnection({ try MessageStore.find(id: id, on: $0) }) else {
                    throw HTTPError.notFound("No message has id \(id).")
                }
                return try .json(message)
            }
            admin.post("/messages/{id}/resend") { request in
                let id = try Self.messageID(request)
                let outcome = try pool.withConnection { connection in
                    try connection.withTransaction { try MessageStore.resend(id: id, schema: schema, on: $0) }
                }
                switch outcome {
                case nil:
                    throw HTTPError.notFound("No message has id \(id).")
                case false?:
                    throw HTTPError.conflict("Only a failed message can be sent again; message \(id) has not failed.")
                case true?:
                    request.logger.info("Failed message queued again", metadata: ["mail.id": "\(id)"])
                    guard let message = try pool.withConnection({ try MessageStore.find(id: id, on: $0) }) else {
                        throw HTTPError.notFound("No message has id \(id).")
                    }
                    return try .json(message, status: 202)
                }
            }
        }
    }

    private static func messageID(_ request: Request) throws -> Int64 {
        guard let id = Int64(try request.pathParameter("id")), id > 0 else {
            throw HTTPError.notFound("No message has that id.")
        }
        return id
    }

    private static func filter(_ query: Parameters) throws -> MessageFilter {
        var filter = MessageFilter()
        if let state = query["state"] {
            guard let parsed = MessageState(rawValue: state) else {
                throw HTTPError.invalid([
                    .init(field: "state", message: "must be pending, sending, sent, failed or withdrawn")
                ])
            }
            filter.state = parsed
        }
        if let eventID = query["eventId"] {
            guard let parsed = UUID(uuidString: eventID) else {
                throw HTTPError.invalid([.init(field: "eventId", message: "must be a UUID")])
            }
            filter.eventID = parsed
        }
        if let number = query["boletaNumber"] {
            guard let parsed = Int64(number), parsed > 0 else {
                throw HTTPError.invalid([.init(field: "boletaNumber", message: "must be a positive whole number")])
            }
            filter.boletaNumber = parsed
        }
        filter.recipient = query["recipient"]
        filter.eventType = query["eventType"]
        return filter
    }

    private static func integer(
        _ query: Parameters, _ name: String, default value: Int, in range: ClosedRange<Int>
    )
        throws -> Int
    {
        guard let text = query[name] else { return value }
        guard let parsed = Int(text), range.contains(parsed) else {
            throw HTTPError.invalid([
                .init(field: name, message: "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            ])
        }
        return parsed
    }
}
