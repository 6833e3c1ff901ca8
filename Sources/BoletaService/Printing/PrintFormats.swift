import Foundation
import Shared

/// How the printed boleta writes dates, times, money and the domain's values, in Brazilian Portuguese.
enum PrintFormats {
    /// `dd/MM/yyyy`, such as `02/12/2006`.
    static func date(_ date: PostgresDate) -> String {
        pad(date.day) + "/" + pad(date.month) + "/" + String(date.year)
    }

    /// `dd/MM/yyyy HH:mm:ss` in `zone`, followed by the zone's name.
    static func timestamp(_ time: Date, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: time)
        let day = pad(parts.day ?? 0) + "/" + pad(parts.month ?? 0) + "/" + String(parts.year ?? 0)
        let clock = pad(parts.hour ?? 0) + ":" + pad(parts.minute ?? 0) + ":" + pad(parts.second ?? 0)
        return "\(day) \(clock) (\(zone.identifier))"
    }

    /// An amount in reais with a thousands dot and a decimal comma, such as `R$ 1.234,56`.
    static func money(_ value: Decimal) -> String {
        let text = RecordingFormats.money(value)
        let isNegative = text.hasPrefix("-")
        let digits = isNegative ? String(text.dropFirst()) : text
        let parts = digits.split(separator: ".")
        var whole = ""
        for (index, digit) in parts[0].reversed().enumerated() {
            if index > 0, index % 3 == 0 { whole.insert(".", at: whole.startIndex) }
            whole.insert(digit, at: whole.startIndex)
        }
        return (isNegative ? "-" : "") + "R$ " + whole + "," + parts[1]
    }

    /// Minutes as hours and minutes, such as `1:30`.
    static func hours(_ minutes: Int) -> String {
        "\(minutes / 60):\(pad(minutes % 60))"
    }

    /// The nature as the client knows it.
    static func nature(_ nature: BoletaNature) -> String {
        switch nature {
        case .billed: "Faturada"
        case .notBilled: "Não faturada"
        case .contracted: "Contratada"
        }
    }

    /// The overtime of an entry.
    static func overtime(_ overtime: Overtime) -> String {
        switch overtime {
        case .none: "Não"
        case .fifty: "50%"
        case .hundred: "100%"
        }
    }

    /// The approver's decision.
    static func decision(_ decision: ApprovalDecision) -> String {
        switch decision {
        case .approve: "Aprovada"
        case .reject: "Rejeitada"
        }
    }

    /// Where the boleta stands.
    static func status(_ status: String) -> String {
        switch status {
        case "unsigned": "Não assinada"
        case "signed": "Assinada"
        case "cancelled": "Cancelada"
        default: status
        }
    }

    private static func pad(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
