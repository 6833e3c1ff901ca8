import Shared

extension BoletaService {
    /// The handlers that keep Boleta's copy of Identity's clients and users.
    func directoryHandlers() -> [EventHandler] {
        []
    }
}
