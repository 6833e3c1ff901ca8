import Foundation
import Testing

@testable import Shared

@Suite(.serialized)
struct OutboxRelayTests {
    /// Declares a queue that receives every test event of the fixture's exchange.
    private func bindQueue(_ fixture: MessagingFixture) throws -> String {
        let queue = fixture.schema + ".probe"
        let connection = try AMQPConnection(settings: fixture.amqp)
        defer { connection.close() }
        try connection.declareQueue(queue, arguments: .quorum())
        try connection.bindQueue(queue, to: fixture.exchange, routingKey: Ping.type)
        return queue
    }

    private func append(_ count: Int, to fixture: MessagingFixture) throws -> [UUID] {
        try fixture.pool.withTransaction { connection in
            try (0..<count).map { try fixture.outbox.append(Ping(number: $0), on: connection) }
        }
    }

    private func unpublishedCount(_ fixture: MessagingFixture) throws -> Int {
        try fixture.pool.withConnection { try fixture.outbox.backlog(on: $0) }
    }

    @Test func eventsCommittedBeforeACrashArePublishedOnceWhenARelayStarts() throws {
        let fixture = try MessagingFixture()
        let queue = try bindQueue(fixture)
        defer { fixture.tearDown(queues: [queue]) }

        // Committed with no relay running: what a process killed right after its commit leaves behind.
        let ids = try append(25, to: fixture)
        #expect(try unpublishedCount(fixture) == 25)

        try fixture.running([fixture.relay()]) {
            let reached = try eventually { try unpublishedCount(fixture) == 0 }
            #expect(reached)
        }
        // A second relay run finds nothing left to send.
        try fixture.running([fixture.relay()]) { Thread.sleep(forTimeInterval: 0.3) }

        let deliveries = try drain(queue, settings: fixture.amqp)
        #expect(deliveries.map(\.messageID) == ids.map { $0.uuidString.lowercased() })
        let envelope = try EventCoding.decoder().decode(EventEnvelope<Ping>.self, from: deliveries[3].body)
        #expect(envelope.data.number == 3)
        #expect(envelope.type == "test.ping")
        #expect(envelope.producer == "test")
    }

    @Test func twoRelaysTogetherSendEveryRowOnceAndInOrder() throws {
        let fixture = try MessagingFixture()
        let queue = try bindQueue(fixture)
        defer { fixture.tearDown(queues: [queue]) }

        let ids = try append(3_000, to: fixture)
        try fixture.running([fixture.relay(batchSize: 200), fixture.relay(batchSize: 200)]) {
            let reached = try eventually { try unpublishedCount(fixture) == 0 }
            #expect(reached)
        }

        let received = try drain(queue, settings: fixture.amqp).compactMap(\.messageID)
        #expect(received.count == 3_000)
        #expect(received == ids.map { $0.uuidString.lowercased() })
    }

    @Test func aRowNoQueueTakesStaysUnpublishedWithItsReasonUntilOneDoes() throws {
        let fixture = try MessagingFixture()
        defer { fixture.tearDown(queues: [fixture.schema + ".probe"]) }

        _ = try append(1, to: fixture)
        try fixture.running([fixture.relay()]) {
            let failed = try eventually {
                try fixture.pool.withConnection { connection in
                    let row = try connection.query("SELECT attempts, last_error FROM \(fixture.schema).outbox")[0]
                    return try row.decode(Int.self, "attempts") > 0
                }
            }
            #expect(failed)
            let reason = try fixture.pool.withConnection {
                try $0.query("SELECT last_error FROM \(fixture.schema).outbox")[0].decode(String.self, "last_error")
            }
            #expect(reason.contains("matched no queue"))
            #expect(try unpublishedCount(fixture) == 1)

            // Once a queue is bound, the relay's next try gets the row through.
            _ = try bindQueue(fixture)
            let reached = try eventually { try unpublishedCount(fixture) == 0 }
            #expect(reached)
        }
        #expect(try drain(fixture.schema + ".probe", settings: fixture.amqp).count == 1)
    }
}
