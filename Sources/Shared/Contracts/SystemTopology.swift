/// Which service consumes which domain events: the queues and bindings of the whole system.
///
/// Every service declares all of them at start, so that a consumer's durable queue exists, and
/// receives its events, before that consumer first runs; and since publishing is `mandatory`, an
/// event type that no service consumes is refused by the broker and held in its outbox rather than
/// lost. A service adds here the events it consumes as it is built; an event it does not handle yet
/// is parked in its own schema with that reason, to be replayed once it does.
public enum SystemTopology {
    /// The routing keys each service's queue (`<service>.events`) is bound to on the events exchange.
    public static let consumers: [String: [String]] = [
        "identity": revocation,
        "boleta": revocation + directory + approvalOutcomes,
        "approval": revocation + directory + boletaLifecycle,
        "mail": [
            ClientRegistered.type, ClientUpdated.type, UserRegistered.type, InitialPasswordIssued.type,
            UserUpdated.type, UserFlagsChanged.type, UserDeleted.type, UserDeactivated.type, UserReactivated.type,
            PasswordChanged.type, InactivationWarningDue.type, SignatureRemindersDue.type,
            ApprovalRequested.type, DivergenceRaised.type, ApprovalRemindersDue.type,
        ] + boletaLifecycle,
    ]

    /// The events of services that keep their own copy of Identity's clients and users.
    static let directory = [
        ClientRegistered.type, ClientUpdated.type, UserRegistered.type, UserUpdated.type, UserFlagsChanged.type,
    ]

    /// The events of a boleta's life, which Mail and Approval follow.
    static let boletaLifecycle = [
        BoletaRecorded.type, BoletaChanged.type, BoletaDeleted.type, BoletaCancelled.type, BoletaSigned.type,
    ]

    /// The decisions and resolutions Boleta shows beside a boleta and filters its service report on.
    static let approvalOutcomes = [
        ApprovalGranted.type, ApprovalRejected.type, ApprovalReopened.type, DivergenceResolved.type,
    ]

    /// The events every service consumes to refuse the tokens of users no longer active.
    static let revocation = [UserDeactivated.type, UserDeleted.type, UserReactivated.type]

    /// Declares every service's queue and its bindings on `exchange`.
    public static func declare(on connection: AMQPConnection, eventsExchange exchange: String) throws {
        try connection.declareExchange(exchange, type: .topic)
        for (service, routingKeys) in consumers.sorted(by: { $0.key < $1.key }) {
            let queue = "\(service).events"
            try connection.declareQueue(queue, arguments: .quorum())
            for routingKey in routingKeys {
                try connection.bindQueue(queue, to: exchange, routingKey: routingKey)
            }
        }
    }
}
