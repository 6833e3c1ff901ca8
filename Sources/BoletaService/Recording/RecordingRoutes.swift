import Shared

extension BoletaService {
    /// Contracts, rates and boletas.
    func addRecordingRoutes(to router: inout Router) {
        addContractRoutes(to: &router)
        addBoletaRoutes(to: &router)
    }
}
