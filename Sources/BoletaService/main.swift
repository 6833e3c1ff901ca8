import Shared

ServiceHost.main(name: "boleta", defaultPort: 8082) { context in
    try BoletaService(context: context).components()
}
