import Foundation
import Shared

extension BoletaService {
    /// `GET /boletas/{number}/pdf`: the printed boleta (R31), for exactly those who may see the boleta.
    func addPrintRoutes(to router: inout Router) {
        let service = self
        router.group(middleware: [context.requireToken]) { router in
            router.get("/boletas/{number}/pdf") { request in
                try service.printBoleta(request)
            }
        }
    }

    private func printBoleta(_ request: Request) throws -> Response {
        let principal = try request.principal(as: Principal.self)
        let number = try Self.number(request)
        let printout = try pool.withConnection { connection in
            try BoletaVisibility(principal, on: connection).includes(number, on: connection)
                ? try loadPrintout(number, on: connection) : nil
        }
        guard let printout else { throw HTTPError.notFound("There is no such boleta.") }
        let started = ContinuousClock.now
        let pdf = try printout.pdf()
        request.logger.debug(
            "Boleta printed",
            metadata: [
                "boleta.number": String(number), "pdf.bytes": String(pdf.count),
                "pdf.milliseconds": String((ContinuousClock.now - started).milliseconds),
            ])
        var response = Response(status: 200, headers: ["Content-Type": "application/pdf"], body: pdf)
        response.headers.add("Content-Disposition", "inline; filename=\"boleta-\(number).pdf\"")
        return response
    }
}

extension Duration {
    /// The duration in whole milliseconds.
    fileprivate var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
