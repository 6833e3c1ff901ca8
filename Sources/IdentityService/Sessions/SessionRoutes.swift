import Shared

extension IdentityService {
    /// Login, tokens, passwords and signature assertions.
    func addSessionRoutes(to router: inout Router) {
    }

    /// Creates the first vendor support account from configuration when there is none.
    func startup() throws {
    }
}
