import Foundation
import Testing

@testable import Shared

struct AMQPConsumerTests {
    @Test func nextReturnsNilWhenNothingArrivesWithinTheTimeout() throws {
        let queue = AMQPTestBroker.uniqueName("empty")
        try withTopology(queues: [queue]) { admin in
            try admin.declareQueue(queue)
            let consumer = try AMQPConsumer(connection: try AMQPTestBroker.connect(), queue: queue)
            defer { consumer.connection.close() }

            let started = ContinuousClock.now
            #expect(try consumer.next(timeout: .milliseconds(300)) == nil)
            let waited = ContinuousClock.now - started
            #expect(waited >= .milliseconds(250) && waited < .seconds(2))
        }
    }

    @Test func aNackedDeliveryIsRedeliveredMarkedAsSuch() throws {
        let queue = AMQPTestBroker.uniqueName("requeue")
        try withTopology(queues: [queue]) { admin in
            try admin.declareQueue(queue, arguments: .quorum())
            let message = AMQPTestBroker.message(to: queue, body: "first")
            try AMQPPublisher(connection: admin).publish([message])
            let consumer = try AMQPConsumer(connection: try AMQPTestBroker.connect(), queue: queue, prefetch: 1)
            defer { consumer.connection.close() }

            let first = try #require(try consumer.next(timeout: .seconds(5)))
            #expect(!first.isRedelivered)
            try consumer.nack(first.deliveryTag, requeue: true)

            let second = try #require(try consumer.next(timeout: .seconds(5)))
            #expect(second.isRedelivered)
            #expect(second.messageID == message.messageID)
            #expect(second.body == Data("first".utf8))
            try consumer.ack(second.deliveryTag)
            #expect(try consumer.next(timeout: .milliseconds(200)) == nil)
        }
    }

    @Test func anUnacknowledgedDeliveryComesBackAfterTheConsumerIsGone() throws {
        let queue = AMQPTestBroker.uniqueName("unacked")
        try withTopology(queues: [queue]) { admin in
            try admin.declareQueue(queue)
            try AMQPPublisher(connection: admin).publish([AMQPTestBroker.message(to: queue)])

            let crashed = try AMQPConsumer(connection: try AMQPTestBroker.connect(), queue: queue)
            #expect(try crashed.next(timeout: .seconds(5)) != nil)
            crashed.connection.close()

            let consumer = try AMQPConsumer(connection: try AMQPTestBroker.connect(), queue: queue)
            defer { consumer.connection.close() }
            let again = try #require(try consumer.next(timeout: .seconds(5)))
            #expect(again.isRedelivered)
            try consumer.ack(again.deliveryTag)
        }
    }

    @Test func aRejectedDeliveryIsDeadLetteredWithItsDeathRecord() throws {
        let queue = AMQPTestBroker.uniqueName("work")
        let parked = AMQPTestBroker.uniqueName("parked")
        let deadLetters = AMQPTestBroker.uniqueName("dlx")
        try withTopology(queues: [queue, parked], exchanges: [deadLetters]) { admin in
            try admin.declareExchange(deadLetters, type: .direct)
            try admin.declareQueue(parked)
            try admin.bindQueue(parked, to: deadLetters, routingKey: "parked")
            try admin.declareQueue(
                queue, arguments: .quorum(deadLetterExchange: deadLetters, deadLetterRoutingKey: "parked"))
            try AMQPPublisher(connection: admin).publish([AMQPTestBroker.message(to: queue, headers: ["k": "v"])])

            let consumer = try AMQPConsumer(connection: try AMQPTestBroker.connect(), queue: queue)
            defer { consumer.connection.close() }
            let delivery = try #require(try consumer.next(timeout: .seconds(5)))
            try consumer.reject(delivery.deliveryTag, requeue: false)

            let parkedConsumer = try AMQPConsumer(connection: try AMQPTestBroker.connect(), queue: parked)
            defer { parkedConsumer.connection.close() }
            let dead = try #require(try parkedConsumer.next(timeout: .seconds(5)))
            #expect(dead.messageID == delivery.messageID)
            #expect(dead.headers["k"] == "v")
            guard case .array(let deaths) = dead.headerFields["x-death"], case .table(let death) = deaths.first else {
                Issue.record("No x-death header: \(dead.headerFields)")
                return
            }
            #expect(death["queue"] == .string(queue))
            #expect(death["reason"] == .string("rejected"))
            #expect(death["count"]?.text == "1")
        }
    }

    @Test func deletingTheQueueCancelsTheConsumer() throws {
        let queue = AMQPTestBroker.uniqueName("deleted")
        try withTopology(queues: [queue]) { admin in
            try admin.declareQueue(queue)
            let consumer = try AMQPConsumer(connection: try AMQPTestBroker.connect(), queue: queue)
            defer { consumer.connection.close() }
            try admin.deleteQueue(queue)
            _ = expectAMQPError(.consumerCancelled) { _ = try consumer.next(timeout: .seconds(5)) }
        }
    }

    @Test func acknowledgingAnUnknownTagClosesTheChannelWithTheBrokersReason() throws {
        let queue = AMQPTestBroker.uniqueName("badtag")
        try withTopology(queues: [queue]) { admin in
            try admin.declareQueue(queue)
            let consumer = try AMQPConsumer(connection: try AMQPTestBroker.connect(), queue: queue)
            defer { consumer.connection.close() }
            try consumer.ack(999)
            let error = expectAMQPError(.channelClosed) { _ = try consumer.next(timeout: .seconds(5)) }
            #expect(error?.replyCode == 406)
            _ = expectAMQPError(.channelClosed) { try consumer.ack(1) }
        }
    }
}
