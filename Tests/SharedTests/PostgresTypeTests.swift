import Foundation
import Testing

@testable import Shared

struct PostgresTypeTests {
    private func roundTrip<T: PostgresEncodable & PostgresDecodable>(
        _ value: T, as sqlType: String, on connection: PostgresConnection
    ) throws -> T {
        let rows = try connection.query("SELECT $1::\(sqlType) AS v", value)
        return try rows[0].decode(T.self, "v")
    }

    @Test func everyScalarTypeSurvivesARoundTrip() throws {
        let connection = try PostgresTestSupport.connect()
        let accented = "Ação em São Paulo — ü ñ 🎉"
        #expect(try roundTrip(accented, as: "text", on: connection) == accented)
        #expect(try roundTrip("", as: "text", on: connection) == "")
        #expect(try roundTrip(Int.max, as: "int8", on: connection) == Int.max)
        #expect(try roundTrip(Int64.min, as: "int8", on: connection) == Int64.min)
        #expect(try roundTrip(Int32(-42), as: "int4", on: connection) == -42)
        #expect(try roundTrip(true, as: "bool", on: connection) == true)
        #expect(try roundTrip(false, as: "bool", on: connection) == false)
        #expect(try roundTrip(0.1, as: "float8", on: connection) == 0.1)
        #expect(try roundTrip(-1.5e300, as: "float8", on: connection) == -1.5e300)
        #expect(try roundTrip(Double.infinity, as: "float8", on: connection) == .infinity)
        let id = UUID()
        #expect(try roundTrip(id, as: "uuid", on: connection) == id)
        let date = PostgresDate(year: 2024, month: 2, day: 29)
        #expect(try roundTrip(date, as: "date", on: connection) == date)
    }

    @Test func decimalIsExactToTheCent() throws {
        let connection = try PostgresTestSupport.connect()
        let amount = Decimal(string: "123456789.01")!
        let row = try connection.query(
            "SELECT $1::numeric(14,2) AS v, $1::numeric(14,2)::text AS t, $1::numeric(14,2) + 0.01 AS next", amount)[0]
        #expect(try row.decode(Decimal.self, "v") == amount)
        #expect(try row.decode(String.self, "t") == "123456789.01")
        #expect(try row["next", as: Decimal.self] == Decimal(string: "123456789.02")!)
    }

    @Test func timestampKeepsMicrosecondsInUTC() throws {
        let connection = try PostgresTestSupport.connect()
        let date = Date(timeIntervalSince1970: 1_733_000_000.123456)
        let row = try connection.query(
            "SELECT $1::timestamptz AS v, to_char($1::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS t",
            date)[0]
        #expect(try row.decode(String.self, "t") == "2024-11-30 20:53:20.123456")
        let back = try row.decode(Date.self, "v")
        #expect(abs(back.timeIntervalSince1970 - date.timeIntervalSince1970) < 0.000_001)
    }

    @Test(arguments: [
        ("2026-01-02 03:04:05+00", 1_767_323_045.0),
        ("2026-01-02 03:04:05.5+00", 1_767_323_045.5),
        ("2026-01-02 00:04:05.000001-03", 1_767_323_045.000001),
    ])
    func timestampWithOrWithoutFractionIsRead(text: String, expected: Double) throws {
        let connection = try PostgresTestSupport.connect()
        let value = try connection.query("SELECT $1::timestamptz AS v", text)[0].decode(Date.self, "v")
        #expect(abs(value.timeIntervalSince1970 - expected) < 0.000_001)
    }

    @Test func timestampIsReadRightUnderAnotherSessionTimeZone() throws {
        let connection = try PostgresTestSupport.connect()
        try connection.query("SET TimeZone TO 'America/Sao_Paulo'")
        let row = try connection.query(
            "SELECT '2026-01-02 03:04:05.25+00'::timestamptz AS v, 'infinity'::timestamptz AS i")[0]
        #expect(try row.decode(Date.self, "v").timeIntervalSince1970 == 1_767_323_045.25)
        #expect(try row.decode(Date.self, "i") == .distantFuture)
    }

    @Test func aWorkDateIsTheCalendarDayInTheClientTimeZone() throws {
        let instant = Date(timeIntervalSince1970: 1_767_229_200)  // 2026-01-01 01:00 UTC
        let saoPaulo = TimeZone(identifier: "America/Sao_Paulo")!
        #expect(PostgresDate(instant, in: saoPaulo) == PostgresDate(year: 2025, month: 12, day: 31))
        #expect(PostgresDate(instant, in: TimeZone(identifier: "UTC")!).description == "2026-01-01")
    }

    @Test func anIntegerThatDoesNotFitIsADecodingError() throws {
        let connection = try PostgresTestSupport.connect()
        let row = try connection.query("SELECT 3000000000::int8 AS big")[0]
        #expect(try row.decode(Int64.self, "big") == 3_000_000_000)
        let error = #expect(throws: PostgresError.self) { try row.decode(Int32.self, "big") }
        #expect(error?.column == "big")
    }

    @Test func byteaRoundTripsAsDataAndBytes() throws {
        let connection = try PostgresTestSupport.connect()
        let bytes: [UInt8] = [0, 1, 0x5C, 0x27, 0x22, 0x7F, 0x80, 0xFF]
        #expect(try roundTrip(Data(bytes), as: "bytea", on: connection) == Data(bytes))
        #expect(try roundTrip(bytes, as: "bytea", on: connection) == bytes)
        #expect(try roundTrip(Data(), as: "bytea", on: connection) == Data())
        let length = try connection.query("SELECT octet_length($1::bytea) AS n", bytes)[0].decode(Int.self, "n")
        #expect(length == bytes.count)
    }

    @Test func arraysKeepEveryElementAsData() throws {
        let connection = try PostgresTestSupport.connect()
        let strings = ["a", "b,c", "d\"e", "f\\g", "NULL", "", "ç {x}", " space "]
        #expect(try roundTrip(strings, as: "text[]", on: connection) == strings)
        let row = try connection.query(
            "SELECT cardinality($1::text[]) AS n, ($1::text[])[5] IS NULL AS is_null", strings)[0]
        #expect(try row.decode(Int.self, "n") == strings.count)
        #expect(try row.decode(Bool.self, "is_null") == false)
        #expect(try roundTrip([Int64(1), -2, Int64.max], as: "int8[]", on: connection) == [1, -2, Int64.max])
        let ids = [UUID(), UUID()]
        #expect(try roundTrip(ids, as: "uuid[]", on: connection) == ids)
        #expect(try roundTrip([String](), as: "text[]", on: connection) == [])
    }

    @Test func nullIsSentAndReadAsNil() throws {
        let connection = try PostgresTestSupport.connect()
        let missing: String? = nil
        let row = try connection.query(
            "SELECT $1::text AS v, $2::int8 AS n, $1::text IS NULL AS was_null", missing, nil)[0]
        #expect(try row.decode(String?.self, "v") == nil)
        #expect(try row.decode(Int?.self, "n") == nil)
        #expect(try row.decode(Bool.self, "was_null"))
        #expect(row.isNull("v"))
    }

    @Test func jsonbReadsAsTextAndData() throws {
        let connection = try PostgresTestSupport.connect()
        let row = try connection.query("SELECT $1::jsonb AS j", #"{"nome": "João", "n": 1}"#)[0]
        let text = try row.decode(String.self, "j")
        let object = try JSONSerialization.jsonObject(with: try row.decode(Data.self, "j")) as? [String: Any]
        #expect(text.contains("João"))
        #expect(object?["nome"] as? String == "João")
    }

    @Test func anInjectionAttemptStaysData() throws {
        try PostgresTestSupport.withSchema { _, connection in
            try connection.query("CREATE TABLE people (name text)")
            let hostile = "x'); DROP TABLE people; --"
            try connection.query("INSERT INTO people (name) VALUES ($1)", hostile)
            let rows = try connection.query("SELECT name FROM people WHERE name = $1", hostile)
            #expect(rows.count == 1)
            #expect(try rows[0].decode(String.self, at: 0) == hostile)
        }
    }

    @Test func aNulCharacterInAParameterIsRefused() throws {
        let connection = try PostgresTestSupport.connect()
        #expect(throws: PostgresError.self) { try connection.query("SELECT $1::text", "a\u{0}b") }
    }

    @Test func decodingErrorsNameTheColumn() throws {
        let connection = try PostgresTestSupport.connect()
        let row = try connection.query("SELECT 'abc'::text AS amount, NULL::text AS due_on")[0]
        let notANumber = #expect(throws: PostgresError.self) { try row.decode(Int.self, "amount") }
        #expect(notANumber?.code == .decodingFailed)
        #expect(notANumber?.column == "amount")
        #expect(notANumber?.message.contains("amount") == true)
        let null = #expect(throws: PostgresError.self) { try row.decode(String.self, at: 1) }
        #expect(null?.column == "due_on")
        #expect(null?.message.contains("NULL") == true)
        let missing = #expect(throws: PostgresError.self) { try row.decode(String.self, "nothing") }
        #expect(missing?.column == "nothing")
    }

    @Test func executeCountsTheRowsChanged() throws {
        try PostgresTestSupport.withSchema { _, connection in
            try connection.query("CREATE TABLE items (n int8)")
            #expect(try connection.execute("INSERT INTO items SELECT generate_series(1, $1::int8)", 3) == 3)
            #expect(try connection.execute("UPDATE items SET n = n + 1 WHERE n >= $1", 2) == 2)
            #expect(try connection.execute("DELETE FROM items") == 3)
        }
    }

    @Test func aUniqueViolationIsRecognisedAndIsAServerError() throws {
        try PostgresTestSupport.withSchema { _, connection in
            try connection.query("CREATE TABLE codes (code text PRIMARY KEY)")
            try connection.query("INSERT INTO codes VALUES ($1)", "A")
            let error = #expect(throws: PostgresError.self) {
                try connection.query("INSERT INTO codes VALUES ($1)", "A")
            }
            #expect(error?.isUniqueViolation == true)
            #expect(error?.sqlState == "23505")
            #expect(error?.call == "PQexecPrepared")
            #expect(error?.httpError.status == 500)
        }
    }

    @Test func aChangedTableDoesNotBreakACachedStatement() throws {
        try PostgresTestSupport.withSchema { _, connection in
            try connection.query("CREATE TABLE things (a int8)")
            try connection.query("INSERT INTO things VALUES (1)")
            #expect(try connection.query("SELECT * FROM things WHERE a = $1", 1)[0].decode(Int.self, "a") == 1)
            try connection.query("ALTER TABLE things ADD COLUMN b text DEFAULT 'x'")
            let row = try connection.query("SELECT * FROM things WHERE a = $1", 1)[0]
            #expect(try row.decode(String.self, "b") == "x")
        }
    }
}
