import Shared

ServiceHost.main(name: "approval", defaultPort: 8083) { _ in
    ServiceComponents()
}
