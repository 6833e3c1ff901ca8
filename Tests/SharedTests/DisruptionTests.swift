import Foundation
import Synchronization
import Testing

@testable import Shared

@Suite(.serialized, .enabled(if: Disruption.isAllowed, "needs ALLOW_SERVER_RESTARTS=1"))
struct DisruptionTests {
    @Test func everyEventArrivesOnceWhenTheBrokerRestartsWhileEventsFlow() throws {
        let fixture = try MessagingFixture()
        try fixture.pool.withConnection {
            try $0.execute("CREATE TABLE \(fixture.schema).effect (number integer NOT NULL)")
        }
        let topology = fixture.topology(service: fixture.schema, routingKeys: [Ping.type], retryDelays: [.seconds(1)])
        defer { fixture.tearDown(queues: [topology.queue, topology.retryQueue(0)]) }
        let schema = fixture.schema
        let consumer = try fixture.consumer(
            topology,
            handlers: [
                .on(Ping.self) { envelope, connection in
                    try connection.execute("INSERT INTO \(schema).effect (number) VALUES ($1)", envelope.data.number)
                }
            ])
        let total = 3_000

        try fixture.running([fixture.relay(batchSize: 100), consumer]) {
            let producer = Thread {
                for first in stride(from: 0, to: total, by: 10) {
                    try? fixture.pool.withTransaction { connection in
                        for number in first..<(first + 10) {
                            try fixture.outbox.append(Ping(number: number), on: connection)
                        }
                    }
                    Thread.sleep(forTimeInterval: 0.002)
                }
            }
            producer.start()
            Thread.sleep(forTimeInterval: 0.5)
            try Disruption.restartBroker(downFor: .seconds(2))

            let everyEffect = try eventually(timeout: .seconds(90)) {
                try fixture.pool.withConnection {
                    try $0.query("SELECT count(DISTINCT number) FROM \(schema).effect")[0].decode(Int.self, at: 0)
                } == total
            }
            #expect(everyEffect)
        }

        let counts = try fixture.pool.withConnection { connection in
            try connection.query("SELECT count(*), count(DISTINCT number), max(number) FROM \(schema).effect")[0]
        }
        #expect(try counts.decode(Int.self, at: 0) == total, "an event had two effects")
        #expect(try counts.decode(Int.self, at: 1) == total)
        #expect(try counts.decode(Int.self, at: 2) == total - 1)
        #expect(try fixture.pool.withConnection { try fixture.outbox.backlog(on: $0) } == 0)
        let parked = try fixture.pool.withConnection {
            try $0.query("SELECT count(*) FROM \(schema).parked_event")[0].decode(Int.self, at: 0)
        }
        #expect(parked == 0)
    }

    @Test func aServiceAnswersAgainOncePostgreSQLIsBackAfterARestartUnderLoad() throws {
        let logger = Logger(label: "test", level: .warning, sink: MemoryLogSink())
        let pool = PostgresPool(
            configuration: PostgresPool.Configuration(
                url: PostgresTestSupport.url, maxConnections: 4, acquireTimeout: .seconds(2)),
            logger: logger)
        defer { pool.close() }
        let server = try HTTPTestServer { router in
            router.get("/probe") { _ in
                let value = try pool.withConnection { try $0.query("SELECT 41 + 1")[0].decode(Int.self, at: 0) }
                return .text("\(value)")
            }
        }

        let statuses = Mutex<[Int: Int]>([:])
        let stop = StopSignal()
        let group = DispatchGroup()
        for _ in 0..<4 {
            group.enter()
            Thread {
                defer { group.leave() }
                while !stop.isStopped {
                    let status = (try? server.get("/probe"))?.status ?? -1
                    statuses.withLock { $0[status, default: 0] += 1 }
                }
            }.start()
        }
        Thread.sleep(forTimeInterval: 0.5)
        try Disruption.restartDatabase()
        let answeringAgain = eventually(timeout: .seconds(30)) {
            (0..<20).allSatisfy { _ in (try? server.get("/probe"))?.text == "42" }
        }
        stop.stop()
        group.wait()

        #expect(answeringAgain)
        let seen = statuses.withLock { $0 }
        #expect((seen[200] ?? 0) > 0)
        // While the database was away the service said so (503), never a bare 500 or a dropped connection.
        #expect(Set(seen.keys).subtracting([200, 503]).isEmpty, "statuses seen: \(seen)")
    }

    @Test func aServiceKilledWhileRelayingSendsEveryCommittedEventAfterItRestarts() throws {
        let service = Disruption.binaries.appendingPathComponent("boleta-service")
        let queue = "test.killed-relay." + UUID().uuidString.prefix(8).lowercased()
        let routingKey = "test.killed." + UUID().uuidString.prefix(8).lowercased()
        let admin = try AMQPConnection(settings: AMQPConnectionSettings(url: MessagingFixture.amqpURL))
        defer {
            try? admin.deleteQueue(queue)
            admin.close()
        }
        try admin.declareExchange("support.events", type: .topic)
        try admin.declareQueue(queue, arguments: .quorum())
        try admin.bindQueue(queue, to: "support.events", routingKey: routingKey)

        // The schema exists once the service has started; run it once to migrate, then stop it.
        try runService(service, for: .seconds(1))
        let pool = PostgresPool(
            configuration: PostgresPool.Configuration(url: PostgresTestSupport.url, maxConnections: 2),
            logger: Logger(label: "test", level: .warning, sink: MemoryLogSink()))
        defer { pool.close() }
        let total = 40_000
        try pool.withConnection { connection in
            try connection.execute(
                """
                INSERT INTO boleta.outbox (event_id, event_type, exchange, routing_key, payload)
                SELECT gen_random_uuid(), 'test.killed', 'support.events', $1, convert_to('{}', 'UTF8')
                FROM generate_series(1, $2)
                """, routingKey, total)
        }
        func backlog() throws -> Int {
            try pool.withConnection {
                try $0.query(
                    "SELECT count(*) FROM boleta.outbox WHERE routing_key = $1 AND published_at IS NULL",
                    routingKey)[0].decode(Int.self, at: 0)
            }
        }

        let process = try startService(service)
        let started = eventually(timeout: .seconds(30)) { ((try? backlog()) ?? total) < total }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(started)
        let leftBehind = try backlog()
        #expect(leftBehind > 0, "the relay finished before it could be killed; raise the row count")

        let restarted = try startService(service)
        defer {
            restarted.terminate()
            restarted.waitUntilExit()
        }
        let drained = eventually(timeout: .seconds(60)) { (try? backlog()) == 0 }
        #expect(drained)

        let ids = try drain(queue, settings: AMQPConnectionSettings(url: MessagingFixture.amqpURL), quiet: .seconds(2))
            .compactMap(\.messageID)
        #expect(Set(ids).count == total, "every committed event reached the broker")
        #expect(ids.count - total <= 1_000, "no more than the batch in flight at the kill went twice")
        try pool.withConnection { _ = try $0.execute("DELETE FROM boleta.outbox WHERE routing_key = $1", routingKey) }
    }

    private func startService(_ binary: URL) throws -> Process {
        let process = Process()
        process.executableURL = binary
        var environment = ProcessInfo.processInfo.environment
        environment["HTTP_PORT"] = "0"
        environment["LOG_LEVEL"] = "warning"
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    private func runService(_ binary: URL, for duration: Duration) throws {
        let process = try startService(binary)
        Thread.sleep(forTimeInterval: duration.seconds)
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
