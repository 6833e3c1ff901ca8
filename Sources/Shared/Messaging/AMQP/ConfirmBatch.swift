import Foundation

/// The confirms of one published batch: which delivery tag is which message, and what the broker said of each.
struct ConfirmBatch {
    let messages: [OutgoingMessage]
    /// The delivery tag of `messages[0]`; the others follow one by one.
    let firstTag: UInt64
    /// The final outcome of each message, once known.
    private(set) var outcomes: [PublishOutcome?]
    /// Returns seen before the ack of their message; the return wins when the ack comes.
    private var returned: [Int: PublishOutcome] = [:]
    /// How many messages still wait for an ack or a nack.
    private(set) var unresolved: Int
    /// The lowest index that may still be unresolved, so that a `multiple` ack does not rescan the whole batch.
    private var lowestUnresolved = 0
    /// Where each message id sits in the batch (its first place, should an id repeat).
    private let indexByMessageID: [String: Int]

    init(messages: [OutgoingMessage], firstTag: UInt64) {
        self.messages = messages
        self.firstTag = firstTag
        self.outcomes = Array(repeating: nil, count: messages.count)
        self.unresolved = messages.count
        self.indexByMessageID = Dictionary(
            messages.enumerated().map { ($0.element.messageID, $0.offset) }, uniquingKeysWith: { first, _ in first })
    }

    /// The ids of the messages that have no outcome yet.
    var unresolvedMessageIDs: [String] {
        zip(messages, outcomes).filter { $0.1 == nil }.map(\.0.messageID)
    }

    /// Applies an ack or nack of `tag`, or of every tag up to it when `multiple`; tags outside the batch (late
    /// answers about earlier batches) change nothing.
    mutating func resolve(upTo tag: UInt64, multiple: Bool, as outcome: PublishOutcome) {
        guard tag >= firstTag else { return }
        let last = Int(tag - firstTag)
        guard last < messages.count else { return }
        let first = multiple ? lowestUnresolved : last
        guard first <= last else { return }
        for index in first...last where outcomes[index] == nil {
            // An acked message that came back is unroutable; a nacked one stays nacked.
            outcomes[index] = outcome == .confirmed ? returned[index] ?? outcome : outcome
            unresolved -= 1
        }
        while lowestUnresolved < messages.count && outcomes[lowestUnresolved] != nil {
            lowestUnresolved += 1
        }
    }

    /// Records a `basic.return`: the message with `messageID`, else the first unresolved one with that exchange
    /// and routing key not yet returned (the broker returns messages in the order it received them).
    mutating func markReturned(messageID: String?, exchange: String, routingKey: String, as outcome: PublishOutcome) {
        if let messageID, let index = indexByMessageID[messageID], isOpen(index) {
            returned[index] = outcome
            return
        }
        let byRoute = (lowestUnresolved..<messages.count).first {
            isOpen($0) && messages[$0].exchange == exchange && messages[$0].routingKey == routingKey
        }
        if let byRoute { returned[byRoute] = outcome }
    }

    private func isOpen(_ index: Int) -> Bool {
        outcomes[index] == nil && returned[index] == nil
    }
}
