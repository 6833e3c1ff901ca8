import Foundation

/// The events other systems publish about PATs (support requests), on the PAT exchange
/// (`pat.events`, setting `PAT_EXCHANGE`) rather than the domain events exchange.
///
/// Every event carries the whole PAT as the owning system knows it now; `revision` decides which
/// of two events is newer. The shapes follow `components.schemas.Pat` of `docs/asyncapi.yaml`.

/// A PAT as the system that owns it knows it now.
public struct PatDetails: Codable, Sendable, Equatable {
    /// The user of the client who asked for the work.
    public struct Contact: Codable, Sendable, Equatable {
        /// The client user's code (`001`), as Identity knows it.
        public var code: String
        public var name: String?
        public var email: String?

        public init(code: String, name: String? = nil, email: String? = nil) {
            self.code = code
            self.name = name
            self.email = email
        }
    }

    /// A reference to a file the owning system keeps; never the file itself.
    public struct Attachment: Codable, Sendable, Equatable {
        public var name: String
        public var url: String
        public var mediaType: String?
        /// The file's size in bytes, when known.
        public var size: Int?

        public init(name: String, url: String, mediaType: String? = nil, size: Int? = nil) {
            self.name = name
            self.url = url
            self.mediaType = mediaType
            self.size = size
        }
    }

    /// The PAT's number in the owning system; unique there, never reused.
    public var number: String
    public var clientCode: String
    public var contact: Contact
    /// `question`, `error`, `change`, or another value kept as given.
    public var nature: String
    public var system: String
    public var version: String?
    public var priority: String
    public var function: String?
    public var description: String
    public var attachments: [Attachment]
    /// `open`, `in-progress`, `waiting-client`, `closed`, or another value kept as given.
    public var status: String
    /// Increases with every change of the PAT; the higher one is the newer.
    public var revision: Int
    /// When the owning system last changed the PAT; informative only.
    public var updatedAt: Date

    public init(
        number: String, clientCode: String, contact: Contact, nature: String, system: String, version: String? = nil,
        priority: String, function: String? = nil, description: String, attachments: [Attachment] = [],
        status: String, revision: Int, updatedAt: Date
    ) {
        self.number = number
        self.clientCode = clientCode
        self.contact = contact
        self.nature = nature
        self.system = system
        self.version = version
        self.priority = priority
        self.function = function
        self.description = description
        self.attachments = attachments
        self.status = status
        self.revision = revision
        self.updatedAt = updatedAt
    }

    private enum CodingKeys: String, CodingKey {
        case number, clientCode, contact, nature, system, version, priority, function, description, attachments
        case status, revision, updatedAt
    }

    /// Decodes a PAT; `attachments` may be left out, meaning none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        number = try container.decode(String.self, forKey: .number)
        clientCode = try container.decode(String.self, forKey: .clientCode)
        contact = try container.decode(Contact.self, forKey: .contact)
        nature = try container.decode(String.self, forKey: .nature)
        system = try container.decode(String.self, forKey: .system)
        version = try container.decodeIfPresent(String.self, forKey: .version)
        priority = try container.decode(String.self, forKey: .priority)
        function = try container.decodeIfPresent(String.self, forKey: .function)
        description = try container.decode(String.self, forKey: .description)
        attachments = try container.decodeIfPresent([Attachment].self, forKey: .attachments) ?? []
        status = try container.decode(String.self, forKey: .status)
        revision = try container.decode(Int.self, forKey: .revision)
        updatedAt = try container.decode(Date.self, forKey: .updatedAt)
    }
}

/// What the three PAT events have in common: the whole PAT is the event's `data`.
public protocol PatEvent: DomainEvent {
    /// The PAT as it is after the event.
    var pat: PatDetails { get }
    init(pat: PatDetails)
}

extension PatEvent {
    /// Decodes the event from the PAT itself, so that a field at fault is named `data.<field>`.
    public init(from decoder: any Decoder) throws {
        self.init(pat: try PatDetails(from: decoder))
    }

    /// Encodes the event as the PAT itself.
    public func encode(to encoder: any Encoder) throws {
        try pat.encode(to: encoder)
    }
}

/// A PAT was opened in another system.
public struct PatOpened: PatEvent {
    public static let type = "pat.opened"
    public static let version = 1
    public var pat: PatDetails

    public init(pat: PatDetails) {
        self.pat = pat
    }
}

/// A PAT changed in another system; `data` is the whole PAT after the change.
public struct PatUpdated: PatEvent {
    public static let type = "pat.updated"
    public static let version = 1
    public var pat: PatDetails

    public init(pat: PatDetails) {
        self.pat = pat
    }
}

/// A PAT was closed in another system; its `status` is `closed`.
public struct PatClosed: PatEvent {
    public static let type = "pat.closed"
    public static let version = 1
    public var pat: PatDetails

    public init(pat: PatDetails) {
        self.pat = pat
    }
}
