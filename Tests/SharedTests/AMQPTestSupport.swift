import Foundation
import Testing

@testable import Shared

/// The shared test broker and helpers to use it without disturbing other tests.
enum AMQPTestBroker {
    static let url = ProcessInfo.processInfo.environment["TEST_AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672/"

    static let logger = Logger(label: "test.amqp", level: .debug, sink: MemoryLogSink())

    static func settings(heartbeat: Duration = .seconds(30)) throws -> AMQPConnectionSettings {
        try AMQPConnectionSettings(url: url, heartbeat: heartbeat)
    }

    static func connect(heartbeat: Duration = .seconds(30)) throws -> AMQPConnection {
        try AMQPConnection(settings: settings(heartbeat: heartbeat), logger: logger)
    }

    /// A queue or exchange name no other test uses.
    static func uniqueName(_ purpose: String) -> String {
        "test.amqp.\(purpose).\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// A small message with a unique id, to the default exchange unless told otherwise.
    static func message(
        to routingKey: String, exchange: String = "", body: String = "{}", headers: [String: String] = [:]
    ) -> OutgoingMessage {
        OutgoingMessage(
            exchange: exchange, routingKey: routingKey, body: Data(body.utf8), messageID: UUID().uuidString,
            type: "test.event", headers: headers)
    }

    /// Reads deliveries until `count` arrived or `timeout` passed without one.
    static func receive(
        _ count: Int, from consumer: AMQPConsumer, acknowledge: Bool = true, timeout: Duration = .seconds(5)
    ) throws -> [Delivery] {
        var deliveries: [Delivery] = []
        while deliveries.count < count, let delivery = try consumer.next(timeout: timeout) {
            deliveries.append(delivery)
            if acknowledge { try consumer.ack(delivery.deliveryTag) }
        }
        return deliveries
    }
}

/// Runs `body` with an admin connection and deletes the named queues and exchanges afterwards.
func withTopology<Result>(
    queues: [String] = [], exchanges: [String] = [], _ body: (AMQPConnection) throws -> Result
) throws -> Result {
    let admin = try AMQPTestBroker.connect()
    defer {
        for queue in queues { try? admin.deleteQueue(queue) }
        for exchange in exchanges { try? admin.deleteExchange(exchange) }
        admin.close()
    }
    return try body(admin)
}

/// Expects `body` to throw an ``AMQPError`` and returns it.
func expectAMQPError(
    _ code: AMQPError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) -> AMQPError? {
    do {
        try body()
        Issue.record("Expected AMQPError \(code), nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch let error as AMQPError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("Expected AMQPError \(code), got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
