import Foundation
import Shared

/// A client's contract as the contract endpoints answer it.
struct ContractView: Codable, Sendable {
    var id: UUID
    var clientCode: String
    var code: String
    var description: String
    var validFrom: String
    var validUntil: String?
    var services: [ContractServiceView]
}

/// A service a contract covers, with its hourly rate (BRL, two decimals, as text) and its validity.
struct ContractServiceView: Codable, Sendable {
    var serviceCode: String
    var description: String
    var hourlyRate: String
    var currency: String
    var validFrom: String
    var validUntil: String?
}

extension BoletaService {
    /// The body of `POST /clients/{code}/contracts`.
    struct NewContract: Decodable {
        var code: String?
        var description: String?
        var validFrom: String?
        var validUntil: String?
    }

    /// The body of `POST /contracts/{id}/services`.
    struct NewContractService: Decodable {
        var serviceCode: String?
        var description: String?
        var hourlyRate: DecimalText?
        var validFrom: String?
        var validUntil: String?
    }

    /// Vendor support's contracts and rates; everyone who records or follows boletas may read them.
    func addContractRoutes(to router: inout Router) {
        let service = self
        router.group(middleware: [context.requireToken]) { router in
            router.post("/clients/{code}/contracts", middleware: [context.requireVendorRole(.support)]) { request in
                try service.createContract(request)
            }
            router.get("/clients/{code}/contracts") { request in
                try service.listContracts(request)
            }
            router.post("/contracts/{id}/services", middleware: [context.requireVendorRole(.support)]) { request in
                try service.addContractService(request)
            }
        }
    }

    private func createContract(_ request: Request) throws -> Response {
        let clientCode = try request.pathParameter("code")
        let body = try request.decode(NewContract.self)
        var errors = FieldErrors()
        let code = errors.required(body.code, "code", maxLength: 40)
        let description = errors.required(body.description, "description")
        let validFrom = errors.date(body.validFrom, "validFrom")
        let validUntil = body.validUntil.flatMap { errors.date($0, "validUntil") }
        if let validFrom, let validUntil, validUntil < validFrom { errors.add("validUntil", "is before validFrom") }
        try errors.check()
        let id = UUID()
        try pool.withTransaction { connection in
            try requireKnownClient(clientCode, on: connection)
            do {
                try connection.execute(
                    """
                    INSERT INTO contract (id, client_code, code, description, valid_from, valid_until)
                    VALUES ($1, $2, $3, $4, $5, $6)
                    """, id, clientCode, code!, description!, validFrom!, validUntil)
            } catch let error as PostgresError where error.isUniqueViolation {
                throw HTTPError.conflict("Client \(clientCode) already has a contract \(code!).")
            }
        }
        let contract = try pool.withConnection { try contracts(of: clientCode, id: id, on: $0) }
        return try Response.json(contract[0], status: 201)
    }

    private func listContracts(_ request: Request) throws -> Response {
        let clientCode = try request.pathParameter("code")
        let principal = try request.principal(as: Principal.self)
        guard principal.isVendorStaff || principal.isManager(of: clientCode) else {
            throw principal.isClientUser && !principal.belongs(to: clientCode) ? HTTPError.notFound() : .forbidden()
        }
        let list = try pool.withConnection { connection in
            try requireKnownClient(clientCode, on: connection)
            return try contracts(of: clientCode, id: nil, on: connection)
        }
        return try Response.json(list)
    }

    private func addContractService(_ request: Request) throws -> Response {
        guard let contractID = UUID(uuidString: try request.pathParameter("id")) else { throw HTTPError.notFound() }
        let body = try request.decode(NewContractService.self)
        var errors = FieldErrors()
        let serviceCode = errors.required(body.serviceCode, "serviceCode", maxLength: 40)
        let description = errors.required(body.description, "description")
        var rate: Decimal?
        if let given = body.hourlyRate {
            if let value = given.value, value >= 0, RecordingFormats.hasAtMostTwoDecimals(value) {
                rate = value
            } else {
                errors.add("hourlyRate", "must be an amount of at least 0 with at most two decimals")
            }
        } else {
            errors.add("hourlyRate", "is required")
        }
        let validFrom = errors.date(body.validFrom, "validFrom")
        let validUntil = body.validUntil.flatMap { errors.date($0, "validUntil") }
        if let validFrom, let validUntil, validUntil < validFrom { errors.add("validUntil", "is before validFrom") }
        try errors.check()
        let clientCode: String = try pool.withTransaction { connection in
            guard let row = try connection.query("SELECT client_code FROM contract WHERE id = $1", contractID).first
            else { throw HTTPError.notFound("There is no such contract.") }
            do {
                try connection.execute(
                    """
                    INSERT INTO contract_service (contract_id, service_code, description, hourly_rate, valid_from,
                        valid_until)
                    VALUES ($1, $2, $3, $4, $5, $6)
                    """, contractID, serviceCode!, description!, rate!, validFrom!, validUntil)
            } catch let error as PostgresError where error.isUniqueViolation {
                throw HTTPError.conflict("The contract already has service \(serviceCode!) from \(validFrom!).")
            }
            return try row.decode(String.self, "client_code")
        }
        let contract = try pool.withConnection { try contracts(of: clientCode, id: contractID, on: $0) }
        return try Response.json(contract[0], status: 201)
    }

    /// A 404 unless Boleta knows client `code`.
    func requireKnownClient(_ code: String, on connection: PostgresConnection) throws {
        guard try !connection.query("SELECT 1 FROM known_client WHERE code = $1", code).isEmpty else {
            throw HTTPError.notFound("There is no client \(code).")
        }
    }

    /// The contracts of `clientCode` (only contract `id` when given) with their services.
    private func contracts(
        of clientCode: String, id: UUID?, on connection: PostgresConnection
    ) throws
        -> [ContractView]
    {
        let rows = try connection.query(
            """
            SELECT c.id, c.code, c.description, c.valid_from::text AS valid_from, c.valid_until::text AS valid_until,
                s.service_code, s.description AS service_description, s.hourly_rate::text AS hourly_rate, s.currency,
                s.valid_from::text AS service_from, s.valid_until::text AS service_until
            FROM contract c LEFT JOIN contract_service s ON s.contract_id = c.id
            WHERE c.client_code = $1 AND ($2::uuid IS NULL OR c.id = $2)
            ORDER BY c.code, s.service_code, s.valid_from
            """, clientCode, id)
        var list: [ContractView] = []
        for row in rows {
            let contractID = try row.decode(UUID.self, "id")
            if list.last?.id != contractID {
                list.append(
                    ContractView(
                        id: contractID, clientCode: clientCode, code: try row.decode(String.self, "code"),
                        description: try row.decode(String.self, "description"),
                        validFrom: try row.decode(String.self, "valid_from"),
                        validUntil: try row.decode(String?.self, "valid_until"), services: []))
            }
            guard let serviceCode = try row.decode(String?.self, "service_code") else { continue }
            let rate = try row.decode(String.self, "hourly_rate")
            list[list.count - 1].services.append(
                ContractServiceView(
                    serviceCode: serviceCode, description: try row.decode(String.self, "service_description"),
                    hourlyRate: RecordingFormats.decimal(rate).map(RecordingFormats.money) ?? rate,
                    currency: try row.decode(String.self, "currency"),
                    validFrom: try row.decode(String.self, "service_from"),
                    validUntil: try row.decode(String?.self, "service_until")))
        }
        return list
    }
}
