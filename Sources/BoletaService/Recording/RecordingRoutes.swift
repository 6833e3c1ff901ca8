import Shared

extension BoletaService {
    /// Contracts, rates and boletas.
    func addRecordingRoutes(to router: inout Router) {
    }
}
