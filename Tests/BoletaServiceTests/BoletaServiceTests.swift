import Foundation
import Testing

@testable import BoletaService
@testable import Shared

struct BoletaServiceTests {
    @Test func boletaStartsWithItsSchemaMigrated() throws {
        let fixture = try BoletaFixture()
        defer { fixture.stop() }
        let tables = try fixture.service.context.pool.withConnection { connection in
            try connection.query(
                "SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename", fixture.schema
            ).map { try $0.decode(String.self, at: 0) }
        }
        for table in ["boleta", "contract", "contract_service", "known_user", "pat", "signature", "time_entry"] {
            #expect(tables.contains(table))
        }
    }
}
