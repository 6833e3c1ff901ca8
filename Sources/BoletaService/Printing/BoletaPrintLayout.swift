import Foundation
import Shared

extension BoletaPrintout {
    /// The vendor named at the head of every printed boleta.
    static let vendorName = "MXM"

    /// The boleta as a PDF: its content, then the signature evidence, the approval and, when it was
    /// cancelled, the cancellation.
    func pdf() throws -> Data {
        let number = record.number
        let document = try PDFDocument(
            title: "Boleta de atendimento \(number)", footer: "\(Self.vendorName) — boleta \(number)")
        try document.heading("\(Self.vendorName) — Boleta de atendimento técnico", size: 14)
        let status = PrintFormats.status(record.status)
        try document.paragraph("Boleta nº \(number) — \(status)", font: document.font.bold)
        try content(in: document)
        try entries(in: document)
        try signature(in: document)
        try approval(in: document)
        if record.status == "cancelled" { try cancellation(in: document) }
        return try document.finish()
    }

    private func content(in document: PDFDocument) throws {
        let draft = record.draft
        var fields: [(label: String, value: String)] = [
            ("Cliente", "\(draft.clientCode) — \(clientName)"),
            ("Data do atendimento", PrintFormats.date(draft.workDate)),
            ("Contrato", "\(contractCode) — \(contractDescription)"),
            ("Serviço", "\(draft.serviceCode) — \(draft.serviceDescription)"),
            ("PAT", draft.patNumber ?? "—"),
            ("Contato", contactName),
            ("Aprovador financeiro", approverName),
            ("Técnico", technicianName),
            ("Natureza", PrintFormats.nature(draft.nature)),
            ("Valor da hora", PrintFormats.money(draft.hourlyRate)),
        ]
        if let replaces = draft.replacesNumber { fields.append(("Substitui a boleta", String(replaces))) }
        try document.heading("Atendimento")
        try document.fields(fields)
    }

    private func entries(in document: PDFDocument) throws {
        let draft = record.draft
        try document.heading("Horários")
        try document.table(
            [
                .init("Início", share: 1), .init("Fim", share: 1), .init("PAT", share: 1.4),
                .init("Histórico", share: 6), .init("Hora extra", share: 1.3),
            ],
            rows: draft.entries.map { entry in
                [
                    RecordingFormats.time(entry.start), RecordingFormats.time(entry.end), entry.patNumber ?? "—",
                    entry.history, PrintFormats.overtime(entry.overtime),
                ]
            })
        document.space(4)
        try document.fields([
            ("Total de horas", PrintFormats.hours(draft.minutes)),
            ("Valor", PrintFormats.money(record.amount)),
            ("Observações", draft.observations.isEmpty ? "—" : draft.observations),
        ])
    }

    private func signature(in document: PDFDocument) throws {
        try document.heading("Assinatura")
        guard let signature else {
            try document.paragraph("Não assinada")
            return
        }
        try document.fields([
            ("Assinada por", signature.signerName),
            ("Em", PrintFormats.timestamp(signature.signedAt, in: timeZone)),
            ("Endereço", signature.address),
            ("Programa", signature.clientProgram),
            ("Resumo (SHA-256)", signature.contentHash),
            ("Concorda com a natureza", signature.agreesWithNature ? "Sim" : "Não"),
            ("Observação", signature.observation.isEmpty ? "—" : signature.observation),
        ])
    }

    private func approval(in document: PDFDocument) throws {
        try document.heading("Aprovação financeira")
        var fields: [(label: String, value: String)] = []
        if let decision = approval?.decision {
            fields.append(("Decisão", PrintFormats.decision(decision)))
            fields.append(("Por", deciderName ?? "—"))
            if let decidedAt = approval?.decidedAt {
                fields.append(("Em", PrintFormats.timestamp(decidedAt, in: timeZone)))
            }
            let observation = approval?.decisionObservation ?? ""
            fields.append(("Observação", observation.isEmpty ? "—" : observation))
        } else if record.draft.nature == .notBilled {
            fields.append(("Decisão", "Não se aplica (não faturada)"))
        } else {
            fields.append(("Decisão", "Pendente"))
        }
        if let resolved = approval?.resolvedNature {
            fields.append(("Natureza resolvida", PrintFormats.nature(resolved)))
            if let resolvedAt = approval?.resolvedAt {
                fields.append(("Resolvida em", PrintFormats.timestamp(resolvedAt, in: timeZone)))
            }
            let note = approval?.resolutionNote ?? ""
            if !note.isEmpty { fields.append(("Nota da resolução", note)) }
        }
        try document.fields(fields)
    }

    private func cancellation(in document: PDFDocument) throws {
        try document.heading("Cancelamento")
        var fields: [(label: String, value: String)] = [("Motivo", record.cancelReason ?? "—")]
        if let replacement = record.replacementNumber {
            fields.append(("Substituída pela boleta", String(replacement)))
        }
        try document.fields(fields)
    }
}
