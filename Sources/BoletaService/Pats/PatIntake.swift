import Shared

extension BoletaService {
    /// The handlers of the PAT events other systems publish.
    func patHandlers() -> [EventHandler] {
        []
    }

    /// The PAT endpoints.
    func addPatRoutes(to router: inout Router) {
    }
}
