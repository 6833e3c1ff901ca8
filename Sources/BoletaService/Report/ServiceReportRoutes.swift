import Foundation
import Shared

extension BoletaService {
    /// The most rows the CSV export holds; past it the answer says it was cut.
    static let serviceReportCSVMaxRows = 10_000

    /// The columns of the service report's CSV, in order.
    static let serviceReportCSVHeader = [
        "number", "workDate", "clientCode", "patNumber", "contactId", "contactName", "technicianId",
        "technicianName", "serviceDescription", "nature", "amount", "status", "signedAt", "agreesWithNature",
        "decision", "resolvedNature",
    ]

    /// The service report (R29): `GET /reports/service` a page as JSON, `GET /reports/service.csv`
    /// every row as CSV, each with the boletas the caller may see.
    func addReportRoutes(to router: inout Router) {
        let service = self
        router.group(middleware: [context.requireToken]) { router in
            router.get("/reports/service") { request in
                let query = try ServiceReportQuery(request.query)
                let items = try service.serviceReport(request, query, limit: query.limit, offset: query.offset)
                return try .json(ServiceReportPage(items: items, limit: query.limit, offset: query.offset))
            }
            router.get("/reports/service.csv") { request in
                let query = try ServiceReportQuery(request.query)
                // The export is every row, not a page; one row past the cap tells whether it was cut.
                var items = try service.serviceReport(
                    request, query, limit: Self.serviceReportCSVMaxRows + 1, offset: 0)
                let truncated = items.count > Self.serviceReportCSVMaxRows
                if truncated { items.removeLast() }
                var response = Response.csv(
                    ReportCSV.text([Self.serviceReportCSVHeader] + items.map(Self.csvFields)),
                    filename: "service-report.csv")
                if truncated { response.headers.add("X-Report-Truncated", "true") }
                return response
            }
        }
    }

    private func serviceReport(
        _ request: Request, _ query: ServiceReportQuery, limit: Int, offset: Int
    ) throws -> [ServiceReportRow] {
        let principal = try request.principal(as: Principal.self)
        return try pool.withConnection { connection in
            let scope = try BoletaVisibility(principal, on: connection)
            return try ServiceReportStore.rows(query, scope: scope, limit: limit, offset: offset, on: connection)
        }
    }

    private static func csvFields(_ row: ServiceReportRow) -> [String] {
        [
            String(row.number), row.workDate, row.clientCode, row.patNumber ?? "",
            row.contact.id.uuidString.lowercased(), row.contact.name, row.technician.id.uuidString.lowercased(),
            row.technician.name, row.serviceDescription, row.nature.rawValue, row.amount, row.status,
            row.signedAt.map { $0.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)) } ?? "",
            row.agreesWithNature.map { $0 ? "true" : "false" } ?? "", row.decision?.rawValue ?? "",
            row.resolvedNature?.rawValue ?? "",
        ]
    }
}
