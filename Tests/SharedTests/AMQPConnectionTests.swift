import Foundation
import Testing

@testable import Shared

struct AMQPConnectionTests {
    @Test func aURLIsPercentDecodedAndItsVirtualHostDefaultsToSlash() throws {
        let settings = try AMQPConnectionSettings(url: "amqp://us%40er:p%3Ass@broker.local:5673/")
        #expect(settings.user == "us@er")
        #expect(settings.password == "p:ss")
        #expect(settings.host == "broker.local")
        #expect(settings.port == 5673)
        #expect(settings.virtualHost == "/")
        #expect(!settings.description.contains("p:ss"))

        #expect(try AMQPConnectionSettings(url: "amqp://h/%2Fsupport").virtualHost == "/support")
        #expect(try AMQPConnectionSettings(url: "amqp://h").virtualHost == "/")
        #expect(try AMQPConnectionSettings(url: "amqp://h").port == 5672)
    }

    @Test func aURLThatIsNotAMQPIsRefused() {
        _ = expectAMQPError(.invalidSettings) { _ = try AMQPConnectionSettings(url: "http://h:80/") }
        _ = expectAMQPError(.invalidSettings) { _ = try AMQPConnectionSettings(url: "amqps://h/") }
    }

    @Test func aRefusedPortFailsQuicklyWithConnectionFailed() throws {
        let settings = AMQPConnectionSettings(host: "127.0.0.1", port: 1, connectTimeout: .seconds(3))
        let started = ContinuousClock.now
        let error = expectAMQPError(.connectionFailed) { _ = try AMQPConnection(settings: settings) }
        #expect(ContinuousClock.now - started < .seconds(1))
        #expect(error?.call == "amqp_socket_open_noblock")
    }

    @Test func aWrongPasswordFailsWithLoginFailed() throws {
        var settings = try AMQPTestBroker.settings()
        settings.password = "not-the-password"
        let error = expectAMQPError(.loginFailed) { _ = try AMQPConnection(settings: settings) }
        #expect(error?.call == "amqp_login")
        #expect(error.map { !$0.description.contains("not-the-password") } ?? false)
    }

    @Test func aMissingVirtualHostFailsWithLoginFailed() throws {
        var settings = try AMQPTestBroker.settings()
        settings.virtualHost = AMQPTestBroker.uniqueName("vhost")
        _ = expectAMQPError(.loginFailed) { _ = try AMQPConnection(settings: settings) }
    }

    @Test func aPassiveDeclareOfAMissingQueueNamesTheBrokersReplyAndTheChannelReopens() throws {
        let queue = AMQPTestBroker.uniqueName("counted")
        try withTopology(queues: [queue]) { admin in
            let error = expectAMQPError(.channelClosed) { _ = try admin.messageCount(inQueue: queue) }
            #expect(error?.replyCode == 404)
            #expect(error?.replyText?.contains("NOT_FOUND") == true)
            #expect(error?.call == "amqp_queue_declare")

            try admin.declareQueue(queue)
            #expect(try admin.messageCount(inQueue: queue) == 0)
            #expect(admin.isOpen)
        }
    }

    @Test func aQuorumQueueIsDeclaredWithDeadLetterArgumentsAndAConflictingRedeclareFails() throws {
        let queue = AMQPTestBroker.uniqueName("quorum")
        let deadLetters = AMQPTestBroker.uniqueName("dead")
        try withTopology(queues: [queue], exchanges: [deadLetters]) { admin in
            try admin.declareExchange(deadLetters, type: .topic)
            let arguments = AMQPQueueArguments(
                queueType: "quorum", deadLetterExchange: deadLetters, deadLetterRoutingKey: "parked",
                messageTTL: .seconds(60), deliveryLimit: 5)
            try admin.declareQueue(queue, arguments: arguments)
            // The same declaration again is accepted: services declare their topology at every start.
            try admin.declareQueue(queue, arguments: arguments)

            let error = expectAMQPError(.channelClosed) {
                try admin.declareQueue(queue, arguments: AMQPQueueArguments(queueType: "classic"))
            }
            #expect(error?.replyCode == 406)
        }
    }

    @Test func aClosedConnectionRefusesWorkWithConnectionClosed() throws {
        let connection = try AMQPTestBroker.connect()
        connection.close()
        connection.close()
        #expect(!connection.isOpen)
        _ = expectAMQPError(.connectionClosed) { _ = try connection.messageCount(inQueue: "anything") }
    }

    @Test func aConsumersTimedWaitsKeepHeartbeatsGoing() throws {
        let queue = AMQPTestBroker.uniqueName("heartbeat")
        try withTopology(queues: [queue]) { admin in
            try admin.declareQueue(queue)
            let connection = try AMQPTestBroker.connect(heartbeat: .seconds(1))
            defer { connection.close() }
            let consumer = try AMQPConsumer(connection: connection, queue: queue)
            // The broker drops a connection that misses two heartbeats; this wait spans four.
            #expect(try consumer.next(timeout: .seconds(4)) == nil)
            try AMQPPublisher(connection: admin).publish([AMQPTestBroker.message(to: queue)])
            #expect(try consumer.next(timeout: .seconds(2)) != nil)
        }
    }

    @Test func anIdleConnectionThatNobodyServicesIsDroppedByTheBroker() throws {
        let queue = AMQPTestBroker.uniqueName("neglected")
        try withTopology(queues: [queue]) { admin in
            try admin.declareQueue(queue)
            let connection = try AMQPTestBroker.connect(heartbeat: .seconds(1))
            defer { connection.close() }
            let publisher = try AMQPPublisher(connection: connection)
            Thread.sleep(forTimeInterval: 5)
            do {
                try publisher.publish([AMQPTestBroker.message(to: queue)], timeout: .seconds(5))
                Issue.record("A connection without heartbeats for five intervals was still usable")
            } catch let error as AMQPError {
                #expect(error.requiresNewConnection, "\(error)")
                #expect(!connection.isOpen)
            }
        }
    }

    @Test func anIdlePublisherStaysConnectedThroughKeepAlive() throws {
        let queue = AMQPTestBroker.uniqueName("keepalive")
        try withTopology(queues: [queue]) { admin in
            try admin.declareQueue(queue)
            let connection = try AMQPTestBroker.connect(heartbeat: .seconds(1))
            defer { connection.close() }
            let publisher = try AMQPPublisher(connection: connection)
            let idleUntil = ContinuousClock.now + .seconds(4)
            while ContinuousClock.now < idleUntil {
                try publisher.keepAlive()
                Thread.sleep(forTimeInterval: 0.3)
            }
            try publisher.publish([AMQPTestBroker.message(to: queue)])
            #expect(try admin.messageCount(inQueue: queue) == 1)
        }
    }
}
