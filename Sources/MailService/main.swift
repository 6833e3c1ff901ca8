import Shared

ServiceHost.main(name: "mail", defaultPort: 8084) { _ in
    ServiceComponents()
}
