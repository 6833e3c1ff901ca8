import Foundation
import Shared

/// The body of `POST /clients/{code}/users` (R2) and, with `role` instead of the client fields,
/// of `POST /staff`.
struct UserRegistrationBody: Decodable, Sendable {
    var code: String?
    var jobFunctionCode: String?
    var jobTitle: String?
    var name: String?
    var email: String?
    var birthday: String?
    var phone: String?
    var isManager: Bool?
    var isApprover: Bool?
    var patNumber: String?
    /// Read as text, so that an unknown role is a field error rather than an unreadable body.
    var role: String?
}

extension IdentityService {
    /// Registers a client user or a vendor staff member with a sealed initial password.
    func addRegistrationRoutes(to router: inout Router) {
        let service = self
        router.post("/clients/{code}/users") { request in
            try service.registerClientUser(client: try request.pathParameter("code"), request: request)
        }
        router.post("/staff", middleware: [context.requireVendorRole(.support)]) { request in
            try service.registerStaff(request: request)
        }
    }

    private func registerClientUser(client code: String, request: Request) throws -> Response {
        let principal = try Self.caller(of: request)
        let body = try request.decode(UserRegistrationBody.self)
        let flags = (manager: body.isManager ?? false, approver: body.isApprover ?? false)
        var validator = FieldValidator()
        let fields = validatePerson(body, into: &validator)
        let patNumber = validator.optional("patNumber", body.patNumber, maxLength: 40)
        if (flags.manager || flags.approver) && patNumber == nil {
            validator.reject("patNumber", "is required to grant the manager or approver flag")
        }

        let user = try pool.withTransaction { connection -> UserRecord in
            let client = try visibleClient(code, seenBy: principal, on: connection)
            if !principal.hasVendorRole(.support) {
                try requireCurrentManager(principal, of: client.code, on: connection)
                guard !(flags.manager || flags.approver) else {
                    throw HTTPError.forbidden("Only vendor support grants the manager and approver flags.")
                }
            }
            try validator.check()
            guard client.isActive else { throw HTTPError.conflict("Client \(client.code) is not active.") }
            let user = try insertUser(
                fields, client: client, role: nil, isManager: flags.manager, isApprover: flags.approver,
                on: connection)
            for (flag, granted) in [("manager", flags.manager), ("approver", flags.approver)] where granted {
                try recordFlagChange(
                    user: user.id, flag: flag, granted: true, patNumber: patNumber ?? "", by: principal.userID,
                    on: connection)
            }
            return user
        }
        request.logger.info(
            "User registered", metadata: ["user.id": user.id.uuidString, "client.code": code])
        return try .json(UserView(user), status: 201)
    }

    private func registerStaff(request: Request) throws -> Response {
        let body = try request.decode(UserRegistrationBody.self)
        var validator = FieldValidator()
        var fields = validatePerson(body, into: &validator)
        fields.code = fields.code.flatMap {
            validator.matching("code", $0, DirectoryPatterns.code, "must be upper-case letters and digits (D51591)")
        }
        let role = body.role.flatMap(VendorRole.init(rawValue:))
        if role == nil { validator.reject("role", "must be technician, support or management") }
        try validator.check()

        let user = try pool.withTransaction { connection in
            try insertUser(fields, client: nil, role: role, isManager: false, isApprover: false, on: connection)
        }
        request.logger.info("Staff registered", metadata: ["user.id": user.id.uuidString])
        return try .json(UserView(user), status: 201)
    }

    /// The person fields of a registration, validated.
    private func validatePerson(_ body: UserRegistrationBody, into validator: inout FieldValidator) -> PersonFields {
        PersonFields(
            code: validator.matching(
                "code", validator.required("code", body.code, maxLength: 20), DirectoryPatterns.userCode,
                "must be 1 to 20 letters and digits"),
            jobFunctionCode: validator.optional("jobFunctionCode", body.jobFunctionCode, maxLength: 20),
            jobTitle: validator.optional("jobTitle", body.jobTitle, maxLength: 100),
            name: validator.required("name", body.name, maxLength: 200),
            email: validator.email("email", body.email),
            birthday: validator.date("birthday", body.birthday),
            phone: validator.matching(
                "phone", validator.optional("phone", body.phone, maxLength: 30), DirectoryPatterns.phone,
                "must be a telephone number such as +55 11 5555-0100"))
    }

    /// Inserts the user with a new initial password and publishes ``UserRegistered``, in the
    /// caller's transaction. The password is hashed, sealed to Mail's key, and wiped.
    private func insertUser(
        _ fields: PersonFields, client: ClientRecord?, role: VendorRole?, isManager: Bool, isApprover: Bool,
        on connection: PostgresConnection
    ) throws -> UserRecord {
        guard let code = fields.code, let name = fields.name, let email = fields.email else {
            throw HTTPError.invalid([], detail: "Some required fields are missing.")
        }
        let mailKey = try initialPasswordMailKey()
        if try UserQueries.find(email: email, on: connection) != nil {
            throw HTTPError.conflict("Another user has the e-mail address \(email).")
        }
        let initial = try newInitialPassword(sealedTo: mailKey)
        // Staff have no activation cycle; a client user is active for one cycle from today, in its zone.
        let today = client.map { PostgresDate(clock(), in: $0.zone) }

        let user: UserRecord
        do {
            user = try UserRecord(
                row: try connection.query(
                    """
                    INSERT INTO app_user (
                        id, client_code, vendor_role, code, job_function_code, job_title, name, email, birthday, phone,
                        is_manager, is_approver, password_hash, must_change_password, initial_password_expires_at,
                        active_until)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, true, $14, $15::date + $16::int)
                    RETURNING \(UserRecord.columns)
                    """, UUID(), client?.code, role?.rawValue, code, fields.jobFunctionCode, fields.jobTitle, name,
                    email, fields.birthday, fields.phone, isManager, isApprover, initial.hash, initial.expiresAt, today,
                    configuration.activationCycleDays)[0])
        } catch let error as PostgresError where error.isUniqueViolation {
            throw HTTPError.conflict("A user with code \(code) or e-mail \(email) exists already.")
        }
        try outbox.append(
            UserRegistered(
                user: user.summary, sealedInitialPassword: initial.sealed, initialPasswordExpiresAt: initial.expiresAt),
            clientCode: user.clientCode, on: connection)
        return user
    }

    /// Records one grant or removal of a flag with the PAT that asked for it (R7).
    func recordFlagChange(
        user: UUID, flag: String, granted: Bool, patNumber: String, by changer: UUID, on connection: PostgresConnection
    ) throws {
        try connection.execute(
            """
            INSERT INTO flag_change (user_id, flag, granted, pat_number, changed_by, changed_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            """, user, flag, granted, patNumber, changer, clock())
    }
}

/// The validated person fields of a registration; `nil` where validation failed.
struct PersonFields {
    var code: String?
    var jobFunctionCode: String?
    var jobTitle: String?
    var name: String?
    var email: String?
    var birthday: PostgresDate?
    var phone: String?
}
