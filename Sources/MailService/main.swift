import Shared

ServiceHost.main(name: "mail", defaultPort: 8084) { context in
    MailService(context: context, configuration: try MailConfiguration()).components()
}
