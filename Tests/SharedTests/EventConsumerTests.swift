import Foundation
import Synchronization
import Testing

@testable import Shared

@Suite(.serialized)
struct EventConsumerTests {
    /// A handler that records each ping's number in a table, and fails for the numbers in `probe.failing`.
    private func recordingHandler(_ fixture: MessagingFixture, _ probe: HandlerProbe) -> EventHandler {
        .on(Ping.self) { envelope, connection in
            probe.calls.withLock { $0.append(envelope.data.number) }
            if probe.failing.withLock({ $0.contains(envelope.data.number) }) {
                throw TestHandlerError(number: envelope.data.number)
            }
            try connection.execute("INSERT INTO \(fixture.schema).effect (number) VALUES ($1)", envelope.data.number)
        }
    }

    private func prepare(_ fixture: MessagingFixture) throws {
        try fixture.pool.withConnection {
            try $0.execute("CREATE TABLE \(fixture.schema).effect (number integer NOT NULL)")
        }
    }

    private func effects(_ fixture: MessagingFixture) throws -> [Int] {
        try fixture.pool.withConnection { connection in
            try connection.query("SELECT number FROM \(fixture.schema).effect ORDER BY number").map {
                try $0.decode(Int.self, at: 0)
            }
        }
    }

    private func publish(
        _ bodies: [(id: String, body: Data)], to fixture: MessagingFixture, routingKey: String = Ping.type
    )
        throws
    {
        let connection = try AMQPConnection(settings: fixture.amqp)
        defer { connection.close() }
        try AMQPPublisher(connection: connection).publish(
            bodies.map {
                OutgoingMessage(exchange: fixture.exchange, routingKey: routingKey, body: $0.body, messageID: $0.id)
            })
    }

    private func envelope(_ number: Int, id: UUID = UUID()) throws -> (id: String, body: Data) {
        let envelope = EventEnvelope(
            id: id, type: Ping.type, version: 1, producer: "test", data: Ping(number: number))
        return (id.uuidString, try EventCoding.encoder().encode(envelope))
    }

    private func parked(_ fixture: MessagingFixture, topology: EventTopology) throws -> [ParkedEvent] {
        let parked = ParkedEvents(schema: fixture.schema, outbox: fixture.outbox, topology: topology)
        return try fixture.pool.withConnection { try parked.list(on: $0) }
    }

    @Test func theSameEventDeliveredTwiceHasOneEffect() throws {
        let fixture = try MessagingFixture()
        try prepare(fixture)
        let topology = fixture.topology(service: fixture.schema, routingKeys: [Ping.type])
        defer { fixture.tearDown(queues: [topology.queue]) }
        let probe = HandlerProbe()
        let consumer = try fixture.consumer(topology, handlers: [recordingHandler(fixture, probe)])

        let id = UUID()
        try fixture.running([consumer]) {
            try publish([try envelope(7, id: id), try envelope(7, id: id), try envelope(8)], to: fixture)
            let bothHandled = try eventually { try effects(fixture) == [7, 8] }
            #expect(bothHandled)
            try publish([try envelope(7, id: id)], to: fixture)
            let duplicatesSeen = eventually { fixture.metrics.eventsConsumed.value([Ping.type, "duplicate"]) == 2 }
            #expect(duplicatesSeen)
        }
        #expect(try effects(fixture) == [7, 8])
    }

    @Test func aFailingEventIsRetriedThenParkedWithItsReasonWhileTheOthersGoOn() throws {
        let fixture = try MessagingFixture()
        try prepare(fixture)
        let topology = fixture.topology(
            service: fixture.schema, routingKeys: [Ping.type], retryDelays: [.milliseconds(100), .milliseconds(200)])
        defer { fixture.tearDown(queues: [topology.queue, topology.retryQueue(0), topology.retryQueue(1)]) }
        let probe = HandlerProbe(failing: [2])
        let consumer = try fixture.consumer(topology, handlers: [recordingHandler(fixture, probe)])

        try fixture.running([consumer]) {
            try publish([try envelope(1), try envelope(2), try envelope(3)], to: fixture)
            let othersHandled = try eventually { try effects(fixture) == [1, 3] }
            #expect(othersHandled)
            let reached = try eventually { try parked(fixture, topology: topology).count == 1 }
            #expect(reached)
        }
        let event = try #require(try parked(fixture, topology: topology).first)
        #expect(event.attempts == 3)
        #expect(event.reason.contains("handler failed after 3 attempts"))
        #expect(event.reason.contains("TestHandlerError"))
        #expect(event.routingKey == Ping.type)
        #expect(event.exchange == fixture.exchange)
        #expect(probe.calls.withLock { $0.filter { $0 == 2 }.count } == 3)
    }

    @Test func anUnreadableEventIsParkedAtOnceNamingTheFieldAndAReplayHandlesItOnceFixed() throws {
        let fixture = try MessagingFixture()
        try prepare(fixture)
        let topology = fixture.topology(service: fixture.schema, routingKeys: [Ping.type], retryDelays: [.seconds(30)])
        defer { fixture.tearDown(queues: [topology.queue, topology.retryQueue(0)]) }
        let probe = HandlerProbe(failing: [5])
        let consumer = try fixture.consumer(topology, handlers: [recordingHandler(fixture, probe)])
        let replayer = fixture.relay()

        let noNumber = rawEnvelope(data: "{}")
        try fixture.running([consumer, replayer]) {
            try publish([("bad-1", Data("not json".utf8)), ("bad-2", noNumber), try envelope(4)], to: fixture)
            let parkedBoth = try eventually {
                try parked(fixture, topology: topology).count == 2 && effects(fixture) == [4]
            }
            #expect(parkedBoth)
            let reasons = try parked(fixture, topology: topology).map(\.reason).sorted()
            #expect(reasons[0] == "field data.number is missing")
            #expect(reasons[1].hasPrefix("not an event envelope"))
            #expect(try parked(fixture, topology: topology).allSatisfy { $0.attempts == 1 })

            // An event that failed for a cause since removed is handled when replayed.
            try fixture.pool.withConnection { connection in
                try connection.execute(
                    """
                    INSERT INTO \(fixture.schema).parked_event
                        (event_id, event_type, exchange, routing_key, body, reason, attempts)
                    VALUES ($1, $2, $3, $4, $5, 'test', 4)
                    """,
                    UUID(), Ping.type, fixture.exchange, Ping.type, try envelope(5).body)
            }
            probe.failing.withLock { $0.removeAll() }
            let waiting = try parked(fixture, topology: topology).first { $0.reason == "test" }!
            let parkedEvents = ParkedEvents(schema: fixture.schema, outbox: fixture.outbox, topology: topology)
            #expect(try fixture.pool.withTransaction { try parkedEvents.replay(id: waiting.id, on: $0) })
            #expect(try fixture.pool.withTransaction { try parkedEvents.replay(id: waiting.id, on: $0) } == false)
            let reached = try eventually { try effects(fixture) == [4, 5] }
            #expect(reached)
        }
    }

    @Test func inboxRowsOlderThanTheRetentionAreRemovedAndRecentOnesKept() throws {
        let fixture = try MessagingFixture()
        let topology = fixture.topology(service: fixture.schema, routingKeys: [Ping.type])
        defer { fixture.tearDown(queues: [topology.queue]) }
        let old = UUID()
        let recent = UUID()
        try fixture.pool.withConnection { connection in
            try connection.execute(
                """
                INSERT INTO \(fixture.schema).inbox (event_id, event_type, processed_at)
                VALUES ($1, 'x', now() - interval '40 days'), ($2, 'x', now() - interval '1 day')
                """,
                old, recent)
        }
        let consumer = try fixture.consumer(topology, handlers: [])
        try fixture.running([consumer]) {
            let cleaned = try eventually {
                try fixture.pool.withConnection { connection in
                    try connection.query("SELECT event_id FROM \(fixture.schema).inbox").map {
                        try $0.decode(UUID.self, at: 0)
                    }
                } == [recent]
            }
            #expect(cleaned)
        }
    }
}

/// The JSON of a ping envelope whose `data` is `data`, written by hand to be wrong on purpose.
func rawEnvelope(data: String) -> Data {
    let header = #""id":"\#(UUID())","type":"test.ping","version":1,"occurredAt":"2026-12-04T10:00:00Z","producer":"x""#
    return Data("{\(header),\"data\":\(data)}".utf8)
}

/// What a test handler was called with, and which numbers it fails for.
final class HandlerProbe: Sendable {
    let calls = Mutex<[Int]>([])
    let failing: Mutex<Set<Int>>

    init(failing: Set<Int> = []) {
        self.failing = Mutex(failing)
    }
}

struct TestHandlerError: Error {
    var number: Int
}
