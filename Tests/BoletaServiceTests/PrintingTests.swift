import Foundation
import TestSupport
import Testing

@testable import BoletaService
@testable import Shared

/// The printed boleta, `GET /boletas/{number}/pdf` (R31): what it shows, and to whom.
@Suite(.serialized)
struct PrintingTests {
    @Test("R31 the PDF of a signed and approved boleta shows its content, the signature evidence and the decision")
    func aSignedAndApprovedBoletaPrintsItsEvidence() throws {
        let world = try RecordingWorld(rate: "1234.56")
        defer { world.stop() }
        let entries = [
            RecordingWorld.entry("08:00", "09:30"),
            [
                "start": "10:00", "end": "10:30", "history": "Correção da emissão", "overtime": "fifty",
                "patNumber": "51508",
            ],
        ]
        let recorded = try world.recordAndSign(
            world.body(entries: entries, ["observations": "Atenção: conferir a nota"]),
            observation: "Conferido pelo usuário")
        try ApprovalOutcomeTests.publish(ApprovalOutcomeTests.granted(recorded.number, world), to: world)

        let token = try world.fixture.token(userID: world.approver, clientCode: "ABS", isApprover: true)
        let response = try world.print(recorded.number, token: token)
        try #require(response.status == 200, "\(response.text.prefix(300))")
        #expect(response.headers["Content-Type"] == "application/pdf")
        #expect(response.headers["Content-Disposition"] == "inline; filename=\"boleta-\(recorded.number).pdf\"")
        #expect(response.body.starts(with: Data("%PDF-".utf8)))
        let printed = try PrintedBoleta(response.body)
        #expect(printed.pages >= 1)

        let expected = [
            "MXM — Boleta de atendimento técnico", "Boleta nº \(recorded.number) — Assinada",
            "Cliente ABS — ABS Ltda", "Data do atendimento 02/12/2006", "Contrato C-2006 — Suporte 2006",
            "HP — HORA PROD. ICMS INSENTO E IPI INSENTO", "PAT 51507", "Contato 001 (001)",
            "Aprovador financeiro 002 (002)", "Técnico D51591 (D51591)", "Natureza Faturada",
            // The entries: 1:30 plain and 0:30 at 50% of R$ 1.234,56 an hour.
            "08:00", "09:30", "Ajuste de nota fiscal", "10:00", "10:30", "51508", "Correção da emissão", "50%",
            "Total de horas 2:00", "Valor R$ 2.777,76", "Atenção: conferir a nota",
            // The signature's evidence.
            "Assinada por 001 (001)", "Endereço 127.0.0.1", "Programa \(signingProgram)",
            "Concorda com a natureza Sim", "Conferido pelo usuário",
            // The decision, at its time in the client's zone (UTC−2 in December 2006).
            "Decisão Aprovada", "Por 002 (002)", "Em 04/12/2006 00:40:00 (America/Sao_Paulo)", "Conferido",
        ]
        for text in expected {
            #expect(printed.text.contains(text), "\(text) is not in: \(printed.text)")
        }
        #expect(printed.compactText.contains(recorded.hash), "the content hash is not in: \(printed.text)")
        #expect(!printed.text.contains("Não assinada"))
    }

    @Test("R31 a boleta not signed yet prints Não assinada and a pending decision")
    func anUnsignedBoletaPrintsNotSigned() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let number = try #require(try world.record(world.body())["number"] as? Int64)

        let printed = try world.printed(number)
        #expect(printed.text.contains("Boleta nº \(number) — Não assinada"), "\(printed.text)")
        #expect(printed.text.contains("Assinatura Não assinada"), "\(printed.text)")
        #expect(printed.text.contains("Decisão Pendente"), "\(printed.text)")
        #expect(!printed.text.contains("Assinada por"))
    }

    @Test("R31 a long history wraps and continues on further pages, nothing of it lost")
    func aLongHistoryMakesMorePages() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let words = (1...330).map { "palavra\($0)" }.joined(separator: " ")
        let history = "Início da análise " + words + " fim do histórico"
        #expect(history.count <= 4000)
        let entries: [[String: Any]] = [
            ["start": "08:00", "end": "09:00", "history": history, "overtime": "none"],
            ["start": "10:00", "end": "11:00", "history": "Segunda etapa " + words, "overtime": "hundred"],
        ]
        let number = try #require(try world.record(world.body(entries: entries))["number"] as? Int64)

        let printed = try world.printed(number)
        #expect(printed.pages > 1, "\(printed.pages) page(s)")
        #expect(printed.text.contains("Início da análise palavra1 palavra2"))
        #expect(printed.text.contains("palavra330"))
        #expect(printed.text.contains("fim do histórico"))
        #expect(printed.text.contains("Segunda etapa palavra1"))
        #expect(printed.text.contains("página \(printed.pages)"))
        // Every word of both histories is printed once per history.
        #expect(printed.text.components(separatedBy: "palavra233 ").count - 1 == 2)
    }

    @Test("R31 a cancelled boleta prints the reason, its replacement and the nature a divergence resolved to")
    func aCancelledBoletaPrintsItsCancellation() throws {
        let world = try RecordingWorld()
        defer { world.stop() }
        let recorded = try world.recordAndSign(world.body(), agreesWithNature: false, observation: "Não é faturável")
        let replacement = try world.recordAndSign(world.body(["replacesNumber": recorded.number]))
        try ApprovalOutcomeTests.publish(
            DivergenceResolved(
                divergenceId: UUID(), number: recorded.number, clientCode: "ABS", originalNature: .billed,
                resolvedNature: .notBilled, note: "Coberto pelo contrato", resolvedByUserId: UUID(),
                resolvedAt: ApprovalOutcomeTests.decidedAt), to: world)
        let cancelled = try world.fixture.send(
            "POST", "/boletas/\(recorded.number)/cancellation", token: try world.supportToken(),
            json: ["reason": "Horário lançado em dobro", "replacementNumber": replacement.number])
        try #require(cancelled.status == 200, "\(cancelled.text)")

        let printed = try world.printed(recorded.number)
        for text in [
            "Boleta nº \(recorded.number) — Cancelada", "Concorda com a natureza Não", "Não é faturável",
            "Natureza resolvida Não faturada", "Coberto pelo contrato", "Cancelamento",
            "Motivo Horário lançado em dobro", "Substituída pela boleta \(replacement.number)",
        ] {
            #expect(printed.text.contains(text), "\(text) is not in: \(printed.text)")
        }
        let replacing = try world.printed(replacement.number)
        #expect(replacing.text.contains("Substitui a boleta \(recorded.number)"), "\(replacing.text)")
    }

    @Test("R31 the PDF is answered to exactly those who see the boleta, with the same problem to the others")
    func printingFollowsTheBoletaVisibility() throws {
        let matrix = try BoletaMatrixWorld()
        defer { matrix.world.stop() }
        let number = try matrix.unsignedBoleta().number

        for caller in BoletaMatrixCaller.allCases {
            let token = try matrix.token(caller)
            let shown = try matrix.world.fixture.send("GET", "/boletas/\(number)", token: token)
            let printed = try matrix.world.print(number, token: token)
            #expect(printed.status == shown.status, "\(caller.rawValue): \(printed.status), not \(shown.status)")
            if shown.status == 200 {
                #expect(printed.body.starts(with: Data("%PDF-".utf8)), "\(caller.rawValue)")
            } else {
                #expect(printed.headers["Content-Type"] == "application/problem+json", "\(caller.rawValue)")
                let problem = try matrix.world.json(printed)
                #expect(problem["status"] as? Int == shown.status)
            }
        }
        #expect(
            try matrix.world.print(number, token: try matrix.token(.managerOfOther)).status == 404,
            "a user of another client")
        #expect(try matrix.world.print(number, token: nil).status == 401)
        #expect(try matrix.world.print(999_999_999_999, token: try matrix.world.supportToken()).status == 404)

        let deleted = try matrix.unsignedBoleta().number
        let deleting = try matrix.world.fixture.send(
            "DELETE", "/boletas/\(deleted)", token: try matrix.world.technicianToken())
        try #require(deleting.status == 204)
        #expect(try matrix.world.print(deleted, token: try matrix.world.supportToken()).status == 404)
    }
}
