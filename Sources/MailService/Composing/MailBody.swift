import Foundation
import Shared

/// The content of a message, written once and rendered both as plain text and as HTML, so that
/// the two parts always say the same.
struct MailBody: Sendable, Equatable {
    /// One piece of the message, in order.
    enum Block: Sendable, Equatable {
        /// A paragraph of running text.
        case paragraph(String)
        /// Labelled facts, one per line (`Boleta: nº 100000033`).
        case facts([(label: String, value: String)])
        /// A table: a header row and rows of the same width.
        case table(header: [String], rows: [[String]])

        static func == (lhs: Block, rhs: Block) -> Bool {
            switch (lhs, rhs) {
            case (.paragraph(let a), .paragraph(let b)): a == b
            case (.facts(let a), .facts(let b)): a.map(\.label) == b.map(\.label) && a.map(\.value) == b.map(\.value)
            case (.table(let h1, let r1), .table(let h2, let r2)): h1 == h2 && r1 == r2
            default: false
            }
        }
    }

    /// The person addressed, named in the greeting.
    var recipientName: String
    var blocks: [Block]

    static let closing = ["Atenciosamente,", "Equipe de Suporte"]
    static let footer = "Esta é uma mensagem automática; por favor, não responda a este e-mail."

    /// The `text/plain` part.
    var text: String {
        var paragraphs = ["Olá, \(recipientName),"]
        for block in blocks {
            switch block {
            case .paragraph(let text):
                paragraphs.append(text)
            case .facts(let facts):
                paragraphs.append(facts.map { "\($0.label): \($0.value)" }.joined(separator: "\n"))
            case .table(let header, let rows):
                let lines = [header.joined(separator: " | ")] + rows.map { $0.joined(separator: " | ") }
                paragraphs.append(lines.joined(separator: "\n"))
            }
        }
        paragraphs.append(Self.closing.joined(separator: "\n"))
        paragraphs.append("--\n" + Self.footer)
        return paragraphs.joined(separator: "\n\n") + "\n"
    }

    /// The `text/html` part.
    var html: String {
        var parts = [
            "<!DOCTYPE html>",
            "<html lang=\"pt-BR\"><head><meta charset=\"UTF-8\"></head>",
            "<body style=\"font-family: Arial, sans-serif; font-size: 14px; color: #222;\">",
            "<p>Olá, \(escape(recipientName)),</p>",
        ]
        for block in blocks {
            switch block {
            case .paragraph(let text):
                parts.append("<p>\(escape(text))</p>")
            case .facts(let facts):
                let lines = facts.map { "<strong>\(escape($0.label)):</strong> \(escape($0.value))" }
                parts.append("<p>" + lines.joined(separator: "<br>\n") + "</p>")
            case .table(let header, let rows):
                parts.append(
                    "<table border=\"1\" cellpadding=\"4\" cellspacing=\"0\" style=\"border-collapse: collapse;\">")
                parts.append("<tr>" + header.map { "<th>\(escape($0))</th>" }.joined() + "</tr>")
                for row in rows {
                    parts.append("<tr>" + row.map { "<td>\(escape($0))</td>" }.joined() + "</tr>")
                }
                parts.append("</table>")
            }
        }
        parts.append("<p>" + Self.closing.map(escape).joined(separator: "<br>\n") + "</p>")
        parts.append("<p style=\"color: #777; font-size: 12px;\">\(escape(Self.footer))</p>")
        parts.append("</body></html>")
        return parts.joined(separator: "\n") + "\n"
    }

    /// `text` with the characters that mean something in HTML written as entities.
    static func escapeHTML(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    private func escape(_ text: String) -> String { Self.escapeHTML(text) }
}

/// How messages write dates, money and natures for Brazilian readers.
enum MailFormat {
    /// `2026-12-02` as `02/12/2026`; text that is no date is given back as it is.
    static func day(_ iso: String) -> String {
        let parts = iso.split(separator: "-")
        guard parts.count == 3 else { return iso }
        return "\(parts[2])/\(parts[1])/\(parts[0])"
    }

    /// A moment as `dd/MM/yyyy às HH:mm` in `timeZone`.
    static func moment(_ date: Date, in timeZone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "pt_BR")
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.timeZone = timeZone
        formatter.dateFormat = "dd/MM/yyyy 'às' HH:mm"
        return formatter.string(from: date)
    }

    /// An amount of BRL written `1234.50` as `R$ 1.234,50`.
    static func money(_ amount: String) -> String {
        let negative = amount.hasPrefix("-")
        let digits = negative ? String(amount.dropFirst()) : amount
        let parts = digits.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = String(parts[0].isEmpty ? "0" : parts[0])
        var cents = parts.count > 1 ? String(parts[1]) : "00"
        while cents.count < 2 { cents += "0" }
        var grouped = ""
        for (index, character) in whole.reversed().enumerated() {
            if index > 0 && index % 3 == 0 { grouped.append(".") }
            grouped.append(character)
        }
        return (negative ? "-" : "") + "R$ " + String(grouped.reversed()) + "," + cents
    }

    /// The nature as the client reads it.
    static func nature(_ nature: BoletaNature) -> String {
        switch nature {
        case .billed: "Faturada"
        case .notBilled: "Não faturada"
        case .contracted: "Contratada"
        }
    }
}
