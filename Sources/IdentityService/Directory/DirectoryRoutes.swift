import Shared

extension IdentityService {
    /// Clients, users, flags and the activation cycle.
    func addDirectoryRoutes(to router: inout Router) {
    }

    /// The scheduled jobs of the activation cycle.
    func scheduledParts() throws -> [any ServicePart] {
        []
    }
}
