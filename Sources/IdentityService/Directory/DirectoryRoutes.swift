import Shared

extension IdentityService {
    /// Clients, users, staff, flags and the activation cycle, every one behind a valid access token.
    func addDirectoryRoutes(to router: inout Router) {
        router.group(middleware: [context.requireToken]) { router in
            addClientRoutes(to: &router)
            addRegistrationRoutes(to: &router)
            addStaffRoutes(to: &router)
            addUserRoutes(to: &router)
            addInitialPasswordRoutes(to: &router)
            addFlagRoutes(to: &router)
            addActivationRoutes(to: &router)
        }
    }
}
