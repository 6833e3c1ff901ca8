/// Writes the Prometheus text exposition format, version 0.0.4.
enum PrometheusText {
    /// The `Content-Type` of a rendered registry.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    static func header(name: String, help: String, type: String, into output: inout String) {
        output += "# HELP \(name) \(escape(help, quotes: false))\n# TYPE \(name) \(type)\n"
    }

    static func sample(name: String, labelNames: [String], labels: [String], value: Double, into output: inout String) {
        output += name
        if !labelNames.isEmpty {
            output += "{"
            for (index, labelName) in labelNames.enumerated() {
                if index > 0 { output += "," }
                output += labelName + "=\"" + escape(labels[index], quotes: true) + "\""
            }
            output += "}"
        }
        output += " " + number(value) + "\n"
    }

    /// A sample value as Prometheus reads it: whole numbers without a fraction, `+Inf`, `-Inf`, `NaN`.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    /// Escapes backslashes and line breaks, and double quotes inside label values.
    static func escape(_ text: String, quotes: Bool) -> String {
        guard
            text.utf8.contains(where: {
                $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\"")
            })
        else { return text }
        var result = ""
        for character in text {
            switch character {
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\"" where quotes: result += "\\\""
            default: result.append(character)
            }
        }
        return result
    }
}
