import Shared

ServiceHost.main(name: "boleta", defaultPort: 8082) { _ in
    ServiceComponents()
}
