import Shared

ServiceHost.main(name: "identity", defaultPort: 8081) { _ in
    ServiceComponents()
}
