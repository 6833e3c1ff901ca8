import Foundation
import Shared

extension BoletaService {
    /// The handlers that keep Boleta's copy of Identity's clients and users (``DirectoryCopy``),
    /// and tie PATs to their contact once Boleta knows the contact.
    func directoryHandlers() -> [EventHandler] {
        EventHandler.merging(
            DirectoryCopy.handlers, DirectoryCopy.afterSavingUser { try Directory.linkPats(to: $0, on: $1) })
    }
}

/// What Boleta keeps of Identity's users beyond its ``DirectoryCopy``.
enum Directory {
    /// Ties the PATs that named `user` by its code before Boleta knew it to the user.
    static func linkPats(to user: UserSummary, on connection: PostgresConnection) throws {
        guard let client = user.clientCode else { return }
        _ = try connection.execute(
            """
            UPDATE pat SET contact_user_id = $1
            WHERE client_code = $2 AND contact_code = $3 AND contact_user_id IS NULL
            """, user.userId, client, user.code)
    }
}
