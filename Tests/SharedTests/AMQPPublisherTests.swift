import Foundation
import Testing

@testable import Shared

struct AMQPPublisherTests {
    @Test func aBatchOfAThousandIsConfirmedAndConsumedWithBodiesAndHeaders() throws {
        let exchange = AMQPTestBroker.uniqueName("events")
        let queue = AMQPTestBroker.uniqueName("all")
        try withTopology(queues: [queue], exchanges: [exchange]) { admin in
            try admin.declareExchange(exchange)
            try admin.declareQueue(queue, arguments: .quorum())
            try admin.bindQueue(queue, to: exchange, routingKey: "boleta.#")

            let messages = (0..<1000).map { index in
                OutgoingMessage(
                    exchange: exchange, routingKey: "boleta.signed", body: Data("{\"n\":\(index)}".utf8),
                    messageID: "message-\(index)", type: "boleta.signed", correlationID: "correlation-\(index)",
                    appID: "boleta", headers: ["index": "\(index)", "client": "ACME"])
            }
            let connection = try AMQPTestBroker.connect()
            defer { connection.close() }
            try AMQPPublisher(connection: connection).publish(messages)
            #expect(try admin.messageCount(inQueue: queue) == 1000)

            let consumer = try AMQPConsumer(connection: try AMQPTestBroker.connect(), queue: queue, prefetch: 100)
            defer { consumer.connection.close() }
            let deliveries = try AMQPTestBroker.receive(1000, from: consumer)
            #expect(deliveries.count == 1000)
            let byID = Dictionary(uniqueKeysWithValues: deliveries.map { ($0.messageID ?? "", $0) })
            for (index, message) in messages.enumerated() {
                let delivery = try #require(byID[message.messageID])
                #expect(delivery.body == message.body)
                #expect(delivery.headers["index"] == "\(index)")
                #expect(delivery.headers["client"] == "ACME")
                #expect(delivery.type == "boleta.signed")
                #expect(delivery.routingKey == "boleta.signed")
                #expect(delivery.exchange == exchange)
                #expect(delivery.correlationID == "correlation-\(index)")
                #expect(delivery.appID == "boleta")
                #expect(delivery.contentType == "application/json")
                #expect(!delivery.isRedelivered)
                #expect(delivery.timestamp.map { abs($0.timeIntervalSince(message.timestamp)) < 2 } == true)
            }
            #expect(try admin.messageCount(inQueue: queue) == 0)
        }
    }

    @Test func anUnroutableMandatoryMessageFailsTheBatchAndNamesItsRoutingKey() throws {
        let exchange = AMQPTestBroker.uniqueName("nowhere")
        try withTopology(exchanges: [exchange]) { admin in
            try admin.declareExchange(exchange)
            let connection = try AMQPTestBroker.connect()
            defer { connection.close() }
            let message = AMQPTestBroker.message(to: "mail.sent", exchange: exchange)
            let error = expectAMQPError(.unroutable) { try AMQPPublisher(connection: connection).publish([message]) }
            #expect(error?.messageIDs == [message.messageID])
            #expect(error?.replyCode == 312)
            #expect(error?.message.contains("mail.sent") == true)
        }
    }

    @Test func eachMessageOfAMixedBatchGetsItsOwnOutcome() throws {
        let exchange = AMQPTestBroker.uniqueName("mixed")
        let queue = AMQPTestBroker.uniqueName("routed")
        try withTopology(queues: [queue], exchanges: [exchange]) { admin in
            try admin.declareExchange(exchange)
            try admin.declareQueue(queue)
            try admin.bindQueue(queue, to: exchange, routingKey: "routed")
            let connection = try AMQPTestBroker.connect()
            defer { connection.close() }
            let publisher = try AMQPPublisher(connection: connection)

            let batch = ["routed", "lost", "routed", "lost", "routed"].map {
                AMQPTestBroker.message(to: $0, exchange: exchange)
            }
            let outcomes = try publisher.publishReportingOutcomes(batch)
            #expect(outcomes.map(\.isConfirmed) == [true, false, true, false, true])
            #expect(outcomes[1] == .unroutable(replyCode: 312, replyText: "NO_ROUTE"))
            #expect(try admin.messageCount(inQueue: queue) == 3)

            // The channel stays usable: a later batch is confirmed as usual.
            #expect(try publisher.publishReportingOutcomes([batch[0]]) == [.confirmed])
        }
    }

    @Test func aFullQueueThatRejectsPublishesMakesTheBrokerNack() throws {
        let queue = AMQPTestBroker.uniqueName("full")
        try withTopology(queues: [queue]) { admin in
            try admin.declareQueue(queue, arguments: AMQPQueueArguments(maxLength: 1, overflow: "reject-publish"))
            let connection = try AMQPTestBroker.connect()
            defer { connection.close() }
            let publisher = try AMQPPublisher(connection: connection)
            let batch = (0..<3).map { _ in AMQPTestBroker.message(to: queue) }

            #expect(try publisher.publishReportingOutcomes(batch) == [.confirmed, .nacked, .nacked])

            let error = expectAMQPError(.nacked) { try publisher.publish([batch[1]]) }
            #expect(error?.messageIDs == [batch[1].messageID])
            #expect(error?.requiresNewConnection == false)
        }
    }

    @Test func publishingToAMissingExchangeClosesTheChannelAndTheNextBatchReopensIt() throws {
        let queue = AMQPTestBroker.uniqueName("after-404")
        try withTopology(queues: [queue]) { admin in
            try admin.declareQueue(queue)
            let connection = try AMQPTestBroker.connect()
            defer { connection.close() }
            let publisher = try AMQPPublisher(connection: connection)

            let missing = AMQPTestBroker.message(to: "x", exchange: AMQPTestBroker.uniqueName("missing"))
            let error = expectAMQPError(.channelClosed) { try publisher.publish([missing]) }
            #expect(error?.replyCode == 404)
            #expect(error?.requiresNewConnection == false)
            #expect(connection.isOpen)

            try publisher.publish([AMQPTestBroker.message(to: queue), AMQPTestBroker.message(to: queue)])
            #expect(try admin.messageCount(inQueue: queue) == 2)
        }
    }

    @Test(arguments: [100, 1000], ["classic", "quorum"])
    func tenThousandMessagesInBatchesAreAllConfirmedAndQueued(batchSize: Int, queueType: String) throws {
        let queue = AMQPTestBroker.uniqueName("throughput")
        try withTopology(queues: [queue]) { admin in
            try admin.declareQueue(queue, arguments: AMQPQueueArguments(queueType: queueType))
            let connection = try AMQPTestBroker.connect()
            defer { connection.close() }
            let publisher = try AMQPPublisher(connection: connection)
            let messages = (0..<10_000).map { index in
                AMQPTestBroker.message(to: queue, body: "{\"type\":\"boleta.signed\",\"n\":\(index)}")
            }

            for first in stride(from: 0, to: messages.count, by: batchSize) {
                try publisher.publish(Array(messages[first..<min(first + batchSize, messages.count)]))
            }

            // Confirmed means queued: the count is exact, with nothing lost or doubled between batches.
            #expect(try admin.messageCount(inQueue: queue) == messages.count)
        }
    }
}
