import Shared

ServiceHost.main(name: "approval", defaultPort: 8083) { context in
    try ApprovalService(context: context).components()
}
