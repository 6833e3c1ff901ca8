import Foundation
import Shared

extension ApprovalService {
    /// The most rows the CSV export holds; past it the answer says it was cut.
    static let billingCSVMaxRows = 10_000

    /// The columns of the billing report's CSV, in order.
    static let billingCSVHeader = [
        "number", "workDate", "clientCode", "patNumber", "contactName", "technicianName", "serviceDescription",
        "nature", "resolvedNature", "amount", "hours", "minutes", "signed", "status", "decision",
    ]

    /// The billing report (R30): `GET /reports/billing` a page as JSON with the totals of the whole
    /// filter, `GET /reports/billing.csv` every row as CSV.
    func addBillingRoutes(to router: inout Router) {
        let service = self
        router.group(middleware: [context.requireToken]) { router in
            router.get("/reports/billing") { request in
                let principal = try request.principal(as: Principal.self)
                let query = try BillingQuery(request.query)
                let page = try service.pool.withConnection { connection in
                    let scope = try BillingScope(principal, on: connection)
                    let rows = try BillingReportStore.rows(
                        query, scope: scope, limit: query.limit, offset: query.offset, on: connection)
                    let totals = try BillingReportStore.totals(query, scope: scope, on: connection)
                    return BillingReportPage(
                        items: rows, totalsByNature: totals.byNature, totalsByMonth: totals.byMonth,
                        total: totals.total, limit: query.limit, offset: query.offset)
                }
                return try .json(page)
            }
            router.get("/reports/billing.csv") { request in
                let principal = try request.principal(as: Principal.self)
                let query = try BillingQuery(request.query)
                // The export is every row, not a page; one row past the cap tells whether it was cut.
                var rows = try service.pool.withConnection { connection in
                    try BillingReportStore.rows(
                        query, scope: try BillingScope(principal, on: connection),
                        limit: Self.billingCSVMaxRows + 1, offset: 0, on: connection)
                }
                let truncated = rows.count > Self.billingCSVMaxRows
                if truncated { rows.removeLast() }
                var response = Response.csv(
                    ReportCSV.text([Self.billingCSVHeader] + rows.map(Self.csvFields)), filename: "billing-report.csv")
                if truncated { response.headers.add("X-Report-Truncated", "true") }
                return response
            }
        }
    }

    private static func csvFields(_ row: BillingRow) -> [String] {
        [
            String(row.number), row.workDate, row.clientCode, row.patNumber ?? "", row.contact.name,
            row.technician.name, row.serviceDescription, row.nature.rawValue, row.resolvedNature.rawValue, row.amount,
            row.hours ?? "", row.minutes.map(String.init) ?? "", row.isSigned ? "true" : "false", row.status,
            row.decision?.rawValue ?? "",
        ]
    }
}
