import Foundation
import Shared

extension IdentityService {
    /// Creates the vendor support account named by `BOOTSTRAP_SUPPORT_EMAIL` and
    /// `BOOTSTRAP_SUPPORT_PASSWORD` when no support account exists, so that a new installation
    /// has someone to register the first clients.
    ///
    /// Several replicas starting together create one account: they take turns on an advisory lock.
    /// The password is the one configured, chosen by the operator, so it need not be changed at
    /// the first login; it is never logged.
    func bootstrapSupportAccount() throws {
        guard let email = configuration.bootstrapSupportEmail, !email.isEmpty,
            let password = configuration.bootstrapSupportPassword, !password.isEmpty
        else { return }

        let now = clock()
        let created = try pool.withTransaction { connection -> UserRecord? in
            try connection.execute("SELECT pg_advisory_xact_lock(hashtext('identity.bootstrap-support'))")
            let existing = try connection.query(
                "SELECT 1 FROM app_user WHERE vendor_role = 'support' AND deleted_at IS NULL LIMIT 1")
            guard existing.isEmpty else { return nil }

            let id = UUID()
            try connection.execute(
                """
                INSERT INTO app_user (id, vendor_role, code, name, email, password_hash, must_change_password,
                    password_changed_at, active_until, created_at, updated_at)
                VALUES ($1, 'support', 'SUPPORT', 'Suporte', $2, $3, false, $4, NULL, $4, $4)
                """, id, email, try hasher.hash(password), now)
            guard let user = try UserQueries.find(id: id, on: connection) else { return nil }
            try outbox.append(
                UserRegistered(user: user.summary, sealedInitialPassword: nil, initialPasswordExpiresAt: nil),
                occurredAt: now, on: connection)
            return user
        }
        if let created {
            logger.notice("Created the first support account", metadata: ["user.id": created.id.uuidString])
        }
    }
}
