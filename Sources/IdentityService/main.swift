import Shared

ServiceHost.main(name: "identity", defaultPort: 8081) { context in
    try IdentityService(context: context, configuration: IdentityConfiguration()).components()
}
