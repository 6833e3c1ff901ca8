import Foundation

/// A client's IP address, formatted only when it is read: most requests never need it as text.
enum PeerAddress: Sendable {
    case text(String)
    case v4(in_addr)
    case v6(in6_addr)

    var text: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        switch self {
        case .text(let text):
            return text
        case .v4(var address):
            guard inet_ntop(AF_INET, &address, &buffer, socklen_t(buffer.count)) != nil else { return "" }
        case .v6(var address):
            guard inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count)) != nil else { return "" }
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
